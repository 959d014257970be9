"""The ingest script's entry point, without beangulp's silent 8 MiB limit.

beangulp skips every file larger than `beangulp.identify.FILE_TOO_LARGE_THRESHOLD`
(8 MiB) before any importer sees it, printing only `... SKIP`; Fava's import page does the
same with its own copy of the limit and prints nothing. A year of a busy account's bank
lines, or a factor's full purchase history, is larger than that. In `import.py`:

    from beancount_factoring.importers.ingest import allow_large_files, ingest

    CONFIG = [...]
    HOOKS = []
    allow_large_files()          # for Fava's import page too, which only reads CONFIG

    if __name__ == "__main__":
        ingest(CONFIG, HOOKS)()

Our importers read a file as a stream and `identify()` reads only its first bytes, so a
large file costs time in proportion to its size, not more.

`ingest()` also gives `identify` a voice. An importer of this package claims a file that
almost fits it (its name, title or signature says it is the importer's, but its header
lacks a configured column), so that `extract` fails on it with FCT203 instead of
skipping it; `identify` says so at once, as an error, without extracting:

    * /downloads/lakeshore_purchase_2025-04-08.csv ... ERROR
      /downloads/lakeshore_purchase_2025-04-08.csv:2, column 'Net Funded': FCT203 ...

and for a file no importer claims, it names the importer that came closest and what the
file's header lacks for it:

    * /downloads/funding_2025-04.csv
      not identified; closest: ...FactorReportImporter:Lakeshore (93% of its columns)
      line 2: the header has no 'Net Funded' column (net, optional); the headers found ...

`extract` says the same of each file it did not claim, after the files it extracted:
a statement saved under another name that does not show the account number its importer
asks for would otherwise be listed by its name alone, its lines never booked.

Neither `identify()` nor any of this raises: beangulp and Fava call `identify()` for every
importer on every file, and an exception there would stop the whole run (in Fava, the
whole import page). The error is raised by `extract()`, for that one file: beangulp prints
it under the file's name, goes on with the other files, and exits with status 1.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import beangulp
import click
from beangulp import exceptions, identify, utils

from beancount_factoring.importers.ofx_accounts import together
from beancount_factoring.importers.unreadable import UnreadableFile

# The limit beangulp ships with, for reference and for tests.
BEANGULP_LIMIT = 8 * 1024 * 1024


def allow_large_files(limit: int | None = None) -> int:
    """Raise the size above which beangulp (and Fava, if loaded) skips a file.

    Args:
      limit: The new limit in bytes; None for no limit at all.
    Returns:
      The limit now in force.
    """
    size = sys.maxsize if limit is None else limit
    identify.FILE_TOO_LARGE_THRESHOLD = size
    # Fava keeps a private copy of the limit; set it only when Fava is the caller
    # (importing Fava here would cost every command-line run a second).
    fava_ingest: Any = sys.modules.get("fava.core.ingest")
    if fava_ingest is not None and hasattr(fava_ingest, "_FILE_TOO_LARGE_THRESHOLD"):
        fava_ingest._FILE_TOO_LARGE_THRESHOLD = size
    return size


def ingest(
    importers: Sequence[beangulp.Importer],
    hooks: Sequence[Callable[..., Any]] | None = None,
    *,
    max_size: int | None = None,
) -> beangulp.Ingest:
    """`beangulp.Ingest(importers, hooks)`, reading files of any size (or up to `max_size`),
    the OFX importers of several accounts put together (see `ofx_accounts`)."""
    allow_large_files(max_size)
    _one_of_each(importers)
    # One OFX download may hold several accounts' statements, each its importer's.
    # A download none of them can read is an error, not a silent skip (see `unreadable`).
    group = beangulp.Ingest([*together(importers), UnreadableFile()], hooks)
    group.cli.add_command(_identify, "identify")
    for name in ("identify", "extract", "archive"):
        group.cli.add_command(_safe_files(group.cli.commands[name], name == "extract"), name)
    return group


def _one_of_each(importers: Sequence[beangulp.Importer]) -> None:
    """ValueError if two importers share a name: the same importer listed twice in
    CONFIG claims every file it reads twice (and beangulp then reads it with neither),
    and Fava's import page refuses such a CONFIG."""
    seen: set[str] = set()
    for importer in importers:
        name = importer.name
        if name in seen:
            raise ValueError(
                f"CONFIG lists two importers named {name!r}: list each importer once, and "
                "give a second importer of one account (another layout of its downloads) "
                "a name= of its own"
            )
        seen.add(name)


# A character that would end the `**** <path>` line extract writes above a file's entries
# (and start a line of ledger text), or that a terminal would act on: the C0 and C1
# controls (newline, carriage return, escape...) and Unicode's line and paragraph
# separators.
UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def safe_files(sources: Sequence[str], log: Callable[..., Any]) -> tuple[list[str], bool]:
    """The files under `sources` that can be read and named in a ledger, and whether one
    was refused.

    A file whose path holds a control character is refused, with a message naming it
    (its path written with escapes): beangulp would print the name as it is, and a
    newline in it would make the rest of the name ledger directives that parse with no
    error. A broken symbolic link is skipped with a message, not an abort of the run.
    """
    files: list[str] = []
    refused = False
    for path in utils.walk(sources):
        if UNSAFE_NAME.search(path):
            log(f"* {path!r}: refused, its name holds a control character (a newline or")
            log("  the like) that would write ledger text; rename the file")
            refused = True
        elif not os.path.exists(path):
            log(f"* {path}: a link to a file that does not exist (skipped)")
        else:
            files.append(path)
    return files, refused


def _written(output: Any) -> None:
    """Open extract's `-o` file, if beangulp did not: it opens it only to write what it
    extracted, so a run that extracted nothing (every file an error, or none claimed)
    left the last run's entries there, booked again when appended to the ledger. Opened,
    the file is emptied (after the ledger of `-e` was read, in case it is the same)."""
    opener = getattr(output, "open", None)  # click's lazy file (stdout has none)
    if callable(opener):
        opener()


def _safe_files(command: click.Command, explain: bool = False) -> click.Command:
    """A copy of a beangulp command that is given only the files `safe_files` keeps,
    and exits with status 1 when it refused one. With `explain`, it then says why each
    file that nearly fits an importer was not claimed (`not_claimed`)."""
    run = command.callback
    assert run is not None
    guarded = copy.copy(command)

    def callback(**kwargs: Any) -> Any:
        log = utils.logger(err=True)
        files, refused = safe_files(kwargs["src"], log)
        importers = click.get_current_context().obj.importers
        try:
            result = run(**{**kwargs, "src": tuple(files)})
        except SystemExit as stop:
            _written(kwargs.get("output"))
            claimed_twice(importers, files, log)
            if explain:
                not_claimed(importers, files, log)
            sys.exit(stop.code or (1 if refused else 0))
        _written(kwargs.get("output"))
        if explain:
            not_claimed(importers, files, log)
        if refused:
            sys.exit(1)
        return result

    guarded.callback = callback
    return guarded


# The least share of an importer's columns a file's header must have for identify to
# name that importer as the closest (fewer is a file of another kind altogether).
NEAR = 0.5


def closest(importers: Sequence[Any], filepath: str) -> tuple[float, str, str] | None:
    """(share, importer name, what the file lacks) of the importer nearest to claiming a
    file none claims; None when none comes near (see NEAR)."""
    found: tuple[float, str, str] | None = None
    for importer in importers:
        near_miss = getattr(importer, "near_miss", None)
        if near_miss is None:
            continue
        try:
            near = near_miss(filepath)
        except Exception:  # an explanation must not stop the run  # noqa: BLE001
            continue
        if near is not None and near[0] >= NEAR and (found is None or near[0] > found[0]):
            found = (near[0], importer.name, near[1])
    return found


def not_claimed(importers: Sequence[Any], files: Sequence[str], log: Callable[..., Any]) -> None:
    """After extract: each file no importer claimed that comes near one (a statement
    saved under another name, its account number not shown), with what it lacks. extract
    lists such a file under its name alone, and its lines would go unbooked in silence."""
    for filename in files:
        try:
            if os.path.getsize(filename) > identify.FILE_TOO_LARGE_THRESHOLD:
                continue
            if identify.identify(importers, filename) is not None:
                continue
        except Exception:  # claimed twice: extract said so  # noqa: BLE001
            continue
        near = closest(importers, filename)
        if near is not None:
            share, name, missed = near
            log(f"* {filename}: not extracted; closest: {name} ({share:.0%} of its columns)")
            log(textwrap.indent(missed, "  "))


def claimed_twice(importers: Sequence[Any], files: Sequence[str], log: Callable[..., Any]) -> None:
    """After a run that failed: how to settle each file two importers claim. beangulp
    names them ("Document identified by more than one importer") and reads the file with
    neither; what tells two accounts' (or two factors') files of one layout apart is a
    setting of each importer."""
    for filename in files:
        try:
            if os.path.getsize(filename) > identify.FILE_TOO_LARGE_THRESHOLD:
                continue
            identify.identify(importers, filename)
        except exceptions.Error:
            log(
                f"* {filename}: claimed by more than one importer, and read by none: give "
                "each importer what its files show of their account, a bank CSV's "
                "account_number, an OFX file's account_id, a factor report's client (or a "
                "signature no other importer's files have)"
            )
        except Exception:  # a hint must not stop the run  # noqa: BLE001
            continue


def diagnosis(importer: Any, filepath: str) -> str | None:
    """The error a claimed file's header gives extract, if the importer can tell."""
    diagnose = getattr(importer, "diagnose", None)
    return None if diagnose is None else diagnose(filepath)


@click.command("identify")
@click.argument("src", nargs=-1, type=click.Path(exists=True, resolve_path=True))
@click.option("--failfast", "-x", is_flag=True, help="Stop processing at the first error.")
@click.option("--verbose", "-v", is_flag=True, help="Show account information.")
@click.pass_obj
def _identify(ctx: Any, src: Sequence[str], failfast: bool, verbose: bool) -> None:
    """Identify files for import.

    As beangulp's identify, and: a claimed file whose header lacks a configured column
    is an error (what extract would say), and for a file no importer claims, the
    importer that came closest and what the file lacks for it.
    """
    log = utils.logger(verbose)
    errors = exceptions.ExceptionsTrap(log)
    for filename in utils.walk(src):
        log(f"* {filename}", nl=False)
        if os.path.getsize(filename) > identify.FILE_TOO_LARGE_THRESHOLD:
            log(" ... SKIP")
            continue
        with errors:
            importer = identify.identify(ctx.importers, filename)
            if not importer:
                log("")
                near = closest(ctx.importers, filename)
                if near is not None:
                    share, name, missed = near
                    log(f"  not identified; closest: {name} ({share:.0%} of its columns)")
                    log(textwrap.indent(missed, "  "))
                continue
            log(" ...", nl=False)
            problem = diagnosis(importer, filename)
            if problem is not None:
                raise exceptions.Error(problem)
            account = importer.account(filename) if verbose else None
            log(" OK", fg="green")
            log(f"  {importer.name}")
            log(f"  {account}", 1)
        if failfast and errors:
            break
    if errors:
        sys.exit(1)
