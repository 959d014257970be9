"""``bean-factoring``: the factoring reports on the command line (SPEC §7).

::

    bean-factoring reserve   LEDGER [--as-of DATE] [--factor NAME] [--format text|csv|json]
                             [--ignore-errors] [--open]
    bean-factoring aging     LEDGER [...] [--basis due|invoice]
    bean-factoring cost      LEDGER [...] [--start DATE]
    bean-factoring compare   LEDGER [...] [--start DATE] [--offer NAME]
    bean-factoring reconcile LEDGER [...]
    bean-factoring --version

A thin layer over ``beancount_factoring.reports``: it loads the ledger (with
its plugins, as bean-check does), computes the report and prints it. Exit
codes, for CI: 0 on success; 1 when ``reconcile`` finds something open past
its grace period or a clearing balance no open item explains (each listed on
stderr); 2 when the ledger cannot be loaded, has errors (the count and the
first few are printed; ``--ignore-errors`` reports anyway), was loaded without
the factoring plugin, or when an argument is wrong (an unknown factor or offer,
``--start`` after the as-of date), or when the report cannot be computed (a
ledger of amounts too large to compute with), or when the report cannot be written
(standard output closed, a full disk); 141, quietly, when the report's reader stops
reading (``| head``), as a shell's own commands. Sources under the current folder are
shown relative to it.

Each error on stderr names its place (the ledger, or the argument), then its code
(``CLI_CODES``: FCT310 to FCT318, in docs/errors.md), then what to do:

    bean-factoring: argument --factor: FCT311 No factoring agreement names the factor ...
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import gc
import io
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from beancount import loader
from beancount.parser import printer

from beancount_factoring import __version__, cli_cache
from beancount_factoring.errors import CLI_CODES, coded
from beancount_factoring.reports import (
    ReconcileReport,
    ReportBook,
    ReserveReport,
    UnknownFactor,
    UnknownOffer,
    compute,
)
from beancount_factoring.reports.cells import shown
from beancount_factoring.reports.load_errors import LedgerErrors, ledger_errors
from beancount_factoring.reports.model import BASIS_DUE, BASIS_INVOICE, RESERVE_OPEN
from beancount_factoring.reports.plugin_run import plugin_not_run
from beancount_factoring.reports.render import FORMATS, relative, render
from beancount_factoring.settlement import history

REPORTS = ("reserve", "aging", "cost", "compare", "reconcile")
# How many of a ledger's errors are printed before the report refuses to run.
ERRORS_SHOWN = 5
# argparse words an error about one argument "argument --format: invalid choice: ...".
_ARGUMENT = re.compile(r"(argument [^:]+: )?(FCT\d{3} )?")


class Parser(argparse.ArgumentParser):
    """argparse, with the code of each usage error after its place."""

    def error(self, message: str) -> NoReturn:
        # A bad date has its own code, given by `_date`; anything else argparse refuses
        # (an unknown report or option, a bad choice, a missing ledger) is FCT313.
        found = _ARGUMENT.match(message)
        assert found is not None
        place = found[1] or ""
        if found[2] is None:
            message = place + coded("FCT313", f"{message[len(place) :]} (see --help)")
        super().error(message)


def _stop(code: str, place: str, message: str) -> int:
    """Print an error as ``bean-factoring: PLACE: CODE message``; the exit code, 2."""
    assert code in CLI_CODES, code
    print(f"bean-factoring: {place}: {coded(code, message)}", file=sys.stderr)
    return 2


def _failed(code: str, place: str, message: str) -> tuple[int, str, str]:
    """``_stop`` as ``_computed`` returns it: nothing printed on stdout, nothing kept."""
    return _stop(code, place, message), "", ""


# A date written with its year first or last, by any separator: 2025-3-1, 2025/03/31,
# 31.03.2025, 03/31/2025.
_NUMBERS = re.compile(r"(\d{1,4})[-/. ](\d{1,2})[-/. ](\d{1,4})")


def _meant(text: str) -> tuple[list[datetime.date], str]:
    """The dates a date written another way can be (none, one, or day and month either
    way round), and why it is none when its parts are the year, month and day of no date."""
    parts = _NUMBERS.fullmatch(text.strip())
    if parts is None:
        return [], ""
    first, middle, last = parts[1], int(parts[2]), parts[3]
    if len(first) == 4:
        orders = [(int(first), middle, int(last))]
    elif len(last) == 4:
        orders = [(int(last), int(first), middle), (int(last), middle, int(first))]
    else:
        return [], ""
    dates: list[datetime.date] = []
    why = ""
    for year, month, day in orders:
        try:
            meant = datetime.date(year, month, day)
        except ValueError as exc:
            why = why or f" ({exc})"  # The first reading's reason: month first.
            continue
        if meant not in dates:
            dates.append(meant)
    return dates, "" if dates else why


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        # Written another way (2025/01/31, 31.01.2025), or a day the month does not have
        # (2025-02-30): the date it can be, or both when day and month may be either way
        # round (03/01/2025), or why it is none, rather than only "not a date".
        dates, why = _meant(text)
        if len(dates) == 2:
            advice = f"write it {dates[0]} or {dates[1]}, whichever you mean"
        else:
            advice = f"write it like {dates[0] if dates else '2025-03-31'}"
        message = f"{text!r} is not a date{why}; {advice}"
        raise argparse.ArgumentTypeError(coded("FCT312", message)) from None


def parser() -> argparse.ArgumentParser:
    main = Parser(
        prog="bean-factoring",
        description="Factoring reports from a Beancount ledger: reserve, aging, cost, "
        "compare, reconcile.",
    )
    main.add_argument("--version", action="version", version=f"bean-factoring {__version__}")
    commands = main.add_subparsers(dest="report", required=True, metavar="REPORT")
    helps = {
        "reserve": "reserve held per factor and invoice, with status, expected release and fees "
        "accrued to the date",
        "aging": "receivables per customer and bucket, ours apart from the factors'",
        "cost": "fees by factor, customer and month; days to pay; annual rate",
        "compare": "what the invoices funded in the period would have cost under each "
        "factoring-offer, beside what they did cost",
        "reconcile": "open items of each clearing account; exits 1 when any is past grace "
        "or the balance is not explained",
    }
    for name in REPORTS:
        command = commands.add_parser(name, help=helps[name], description=helps[name])
        command.add_argument("ledger", metavar="LEDGER", help="the ledger's main file")
        command.add_argument(
            "--as-of",
            action="append",
            type=_date,
            metavar="DATE",
            help="the report's date (default: the plugin's as-of, else the last entry's date)",
        )
        command.add_argument("--factor", action="append", metavar="NAME", help="one factor only")
        command.add_argument(
            "--format",
            action="append",
            # In any case and with stray spaces (`--format CSV`): the choice is plain.
            type=lambda text: text.strip().lower(),
            choices=FORMATS,
            help="text (default): aligned tables; csv: UTF-8, one row per line, for "
            "spreadsheets; json: the whole report, UTF-8",
        )
        command.add_argument(
            "--ignore-errors",
            action="store_true",
            help="report even when the ledger has errors or the plugin did not run",
        )
        if name == "reserve":
            command.add_argument(
                "--open", action="store_true", help="only the reserves not back yet"
            )
        if name == "aging":
            command.add_argument(
                "--basis",
                "--by",
                dest="by",
                action="append",
                choices=(BASIS_INVOICE, BASIS_DUE),
                help="age from the due date (default: the invoice's due:, else its date "
                "+ 30 days) or from the invoice date",
            )
        if name in ("cost", "compare"):
            command.add_argument(
                "--start",
                action="append",
                type=_date,
                metavar="DATE",
                help="count from this date on",
            )
        if name == "compare":
            command.add_argument("--offer", action="append", metavar="NAME", help="one offer only")
    return main


# The options that take one value (each gathered as a list: see `_once`), their default,
# and whether two spellings of one value are the same (a factor's name, in any case).
_SINGLE = {
    "as_of": ("--as-of", None, False),
    "factor": ("--factor", None, True),
    "format": ("--format", "text", False),
    "by": ("--basis", BASIS_DUE, False),
    "start": ("--start", None, False),
    "offer": ("--offer", None, True),
}


def _once(command_line: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """Each option of one value given once, or twice with the same value: its value.

    argparse keeps the last of two in silence (``--factor A --factor B`` was B's report
    alone, with no word that A was dropped): two different values are FCT313.
    """
    for dest, (option, default, any_case) in _SINGLE.items():
        if not hasattr(args, dest):
            continue  # An option this report does not take.
        given = getattr(args, dest)
        if given is None:
            setattr(args, dest, default)
            continue
        seen: dict[Any, Any] = {}
        for value in given:
            seen.setdefault(value.strip().lower() if any_case else value, value)
        if len(seen) > 1:
            first, second = [repr(v) if isinstance(v, str) else str(v) for v in seen.values()][:2]
            message = (
                f"given twice, as {first} and {second}: give it once (the report answers "
                "for one value; run it once per value)"
            )
            command_line.error(f"argument {option}: {coded('FCT313', message)}")
        setattr(args, dest, given[0])
    return args


def _refused(
    path: str, errors: list[Any], found: LedgerErrors | None, options_map: dict[str, Any]
) -> bool:
    """True (and said on stderr) when the ledger has errors or the plugin did not run."""
    not_run = plugin_not_run(options_map)
    if not_run is not None and not (not_run.named and errors):
        # (A plugin that failed on the ledger has errors that say why: listed below.)
        # Given a part of the ledger, a report of that part alone is no answer: the only
        # advice is the main file.
        advice = "" if not_run.part else ", or pass --ignore-errors"
        _stop("FCT315", path, f"{not_run.message}{advice}")
        return True
    if found is None:
        return False
    # (The rule is the Fava pages' too: reports.load_errors.)
    message = f"{found.summary()}; fix them (bean-check lists them all) or pass --ignore-errors"
    _stop("FCT314", path, message)
    printer.print_errors(errors[:ERRORS_SHOWN], file=sys.stderr)
    if found.count > ERRORS_SHOWN:
        print(f"... and {found.count - ERRORS_SHOWN} more", file=sys.stderr)
    return True


def _report(book: ReportBook, args: argparse.Namespace) -> Any:
    """The report the arguments ask for (raises UnknownFactor, UnknownOffer)."""
    if args.report == "reserve":
        report = book.reserve(args.as_of, args.factor)
        if args.open:
            # Only the reserves not back yet: released and forfeited ones are history.
            factors = tuple(
                dataclasses.replace(
                    factor,
                    invoices=tuple(i for i in factor.invoices if i.status in RESERVE_OPEN),
                )
                for factor in report.factors
            )
            report = dataclasses.replace(report, factors=factors)
        return report
    if args.report == "aging":
        return book.aging(args.as_of, args.factor, args.by)
    if args.report == "cost":
        return book.cost(args.as_of, args.factor, args.start)
    if args.report == "compare":
        return book.compare(args.as_of, args.factor, args.start, args.offer)
    return book.reconcile(args.as_of, args.factor)


_UNCOMPUTED = (
    "the report cannot be computed ({}); check the ledger with bean-check (amounts too large "
    "to compute with are the usual cause) and report it if bean-check finds nothing"
)


def _unreadable(path: str) -> str | None:
    """Why the ledger file cannot be read (a folder, no permission), or None."""
    if os.path.isdir(path):
        return "cannot load the ledger: it is a folder; give the ledger's main file"
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        return None  # Beancount says so, as FCT310 with its own message.
    except OSError as exc:
        return f"cannot load the ledger: the file cannot be read ({exc.strerror or exc})"
    return None


# What a shell gives a command whose reader stopped reading (`| head`): 128 + SIGPIPE.
READER_GONE = 141


def _unwritten(why: str) -> int:
    """Say that the report could not be written, and why; the exit code, 2."""
    print(f"bean-factoring: standard output: cannot write the report: {why}", file=sys.stderr)
    return 2


def _emit(out: TextIO | None, text: str, form: str) -> int | None:
    """Write the report to ``out``: None once written, else the exit code.

    CSV and JSON are UTF-8 bytes whatever the locale's encoding, and their line endings
    are not translated (on Windows, "\\r\\n" would become "\\r\\r\\n"). Text follows the
    terminal's encoding, what it cannot show written as escapes (``\\u6771``).
    A reader that stopped reading (``| head -1``) ends the command quietly, as it ends
    ``cat``; any other failure (a full disk) is said: a report cut short is no report.
    """
    if out is None:  # `>&-`
        return _unwritten("the standard output is closed; send it to a file (> report.txt)")
    try:
        binary = getattr(out, "buffer", None)
        if form != "text" and binary is not None:
            out.flush()
            binary.write(text.encode("utf-8"))
            binary.flush()
        else:
            if isinstance(out, io.TextIOWrapper):
                out.reconfigure(errors="backslashreplace")
            out.write(text)
            out.flush()
    except BrokenPipeError:
        _quieted(out)
        return READER_GONE
    except OSError as exc:
        return _unwritten(f"{exc.strerror or exc}; what was written is incomplete")
    return None


def _quieted(out: TextIO) -> None:
    """Point the standard output at the null device once its reader is gone, so that
    Python's last flush, of what is left in its buffer, does not fail as well."""
    if out is not sys.stdout:
        return
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, out.fileno())
        os.close(null)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; return the exit code."""
    if sys.stderr is None:
        # `2>&-`: what would be said on stderr is lost, rather than printed (print's
        # default) into the report on stdout.
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the run
    out = out or sys.stdout
    main_parser = parser()
    args = _once(main_parser, main_parser.parse_args(argv))
    # The command is short-lived and what it allocates lives until it exits: the
    # cyclic collector, rescanning the ledger over and over while Beancount loads it
    # and the report is computed, would cost a fifth of the run (measured at 20k
    # invoices: 1 s of 5) and find nearly nothing to free (a dozen objects).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args, out)
    finally:
        if collecting:
            gc.enable()


def _run(args: argparse.Namespace, out: TextIO) -> int:
    """``main`` once the arguments are parsed, with the cyclic collector off."""
    unreadable = _unreadable(args.ledger)
    if unreadable is not None:
        return _stop("FCT310", args.ledger, unreadable)
    # The plugin keeps its settlement for the report, which then need not settle again.
    history.keep_for_reports()
    try:
        entries, errors, options_map = loader.load_file(args.ledger)
        if cli_cache.stale_load(args.ledger, options_map) or cli_cache.changed_sources(
            args.ledger, options_map
        ):
            # Beancount's cache holds another ledger's load, another build's plugin run
            # (an upgrade), or files since changed in a way its check misses: loaded
            # again, the cache is made again.
            cli_cache.drop_pickle(args.ledger)
            entries, errors, options_map = loader.load_file(args.ledger)
    except Exception as exc:  # noqa: BLE001 - Beancount's own failure: an error, not a traceback.
        return _stop("FCT310", args.ledger, f"cannot load the ledger: Beancount failed ({exc!r})")
    said = ledger_errors(errors, entries)
    if said is not None and said.unreadable:
        message = "cannot load the ledger; fix the errors below (bean-check shows them too)"
        _stop("FCT310", args.ledger, message)
        printer.print_errors(errors, file=sys.stderr)
        return 2
    if not args.ignore_errors and _refused(args.ledger, errors, said, options_map):
        return 2
    kept = cli_cache.cache_path(args.ledger)
    asked = sorted((name, str(value)) for name, value in vars(args).items())
    wanted = kept and cli_cache.key(kept, options_map, [f"{n}={v}" for n, v in asked])
    found = cli_cache.read(kept, wanted) if kept and wanted else None
    if found is not None:
        # Asked before of the same files: printed as it was computed then.
        text, problems, code = found
    else:
        book = compute(entries, options_map, errors)
        if book.read_back_differs and kept:
            # Beancount's cache keeps no plugin run, and the entries it holds, settled
            # again, settle otherwise than the plugin settled them: loaded again without
            # the cache, the report reads the plugin's own run.
            cli_cache.drop_pickle(args.ledger)
            entries, errors, options_map = loader.load_file(args.ledger)
            said = ledger_errors(errors, entries)
            if not args.ignore_errors and _refused(args.ledger, errors, said, options_map):
                return 2  # (the plugin's own run has errors the cached load did not keep)
            book = compute(entries, options_map, errors)
            wanted = cli_cache.key(kept, options_map, [f"{n}={v}" for n, v in asked])
        code, text, problems = _computed(args, book)
        if code not in (0, 1):
            return code
        if kept and wanted:
            cli_cache.write(kept, wanted, text, problems, code)
    unwritten = _emit(out, text, args.format)
    if unwritten is not None:
        return unwritten
    if args.ignore_errors:
        sys.stderr.write(_ignored(args.ledger, ledger_errors(errors), options_map))
    sys.stderr.write(problems)
    return code


def _ignored(path: str, found: LedgerErrors | None, options_map: dict[str, Any]) -> str:
    """The line on stderr of what ``--ignore-errors`` let through ("" for nothing): how
    many errors, and where the first is; or that the plugin did not run."""
    said = []
    if plugin_not_run(options_map) is not None:
        said.append("the factoring plugin did not run, so nothing was split or checked")
    if found is not None:
        count = found.count
        first = ""
        if found.first is not None:
            first = f", the first at {found.place(_place(found.first.filename))}"
        said.append(f"{count} error{'s' if count > 1 else ''} ignored{first}")
    if not said:
        return ""
    what = "; ".join(said)
    return (
        shown(
            f"bean-factoring: {_place(path)}: --ignore-errors: {what}; the report may be wrong "
            "(bean-check lists them all)"
        )
        + "\n"
    )


def _place(filename: str) -> str:
    """A file as the report shows it: relative to the current folder, if under it."""
    prefix = os.path.join(os.getcwd(), "")
    full = os.path.abspath(filename)
    return full[len(prefix) :] if full.startswith(prefix) else filename


def _computed(args: argparse.Namespace, book: ReportBook) -> tuple[int, str, str]:
    """Compute the report of the ledger's ``book``: its exit code, text, and what goes to
    stderr after it (an error stops with exit code 2, said on stderr, and no text)."""
    start = getattr(args, "start", None)
    as_of = args.as_of or book.last_date
    if start is not None and as_of is None:
        message = f"the ledger has no dated entry to end the period from {start}: give --as-of"
        return _failed("FCT316", "argument --start", message)
    if start is not None and as_of is not None and start > as_of:
        given = "--as-of" if args.as_of else "the ledger's as-of date"
        message = f"{start} is after {given} {as_of}: the period would be empty"
        return _failed("FCT316", "argument --start", message)
    if args.factor is not None and not args.factor.strip():
        # (`--factor "$FACTOR"` with the variable unset): not every factor's report.
        names = ", ".join(book.factors) or "none: the ledger has no factoring agreement"
        message = (
            f"the factor's name is empty; give one (the factors are {names}), or leave out "
            "--factor for all factors"
        )
        return _failed("FCT311", "argument --factor", message)
    if book.warnings:
        # The factoring state could not be computed: any report would be wrong.
        return _failed("FCT318", args.ledger, _UNCOMPUTED.format(book.warnings[0]))
    try:
        report = relative(_report(book, args), os.getcwd())
        text = render(report, args.format)
    except UnknownFactor as exc:
        return _failed("FCT311", "argument --factor", str(exc))
    except UnknownOffer as exc:
        return _failed("FCT317", "argument --offer", str(exc))
    except Exception as exc:  # noqa: BLE001 - a ledger the report cannot compute: exit 2.
        return _failed("FCT318", args.ledger, _UNCOMPUTED.format(f"{args.report}: {exc!r}"))
    projected = _projected(args.ledger, report)
    if isinstance(report, ReconcileReport) and report.problems:
        problems = ""
        if args.format != "text":
            problems = "Open past their grace period:\n"
            problems += "".join(shown(f"  {problem}") + "\n" for problem in report.problems)
        return 1, text, problems + projected
    if isinstance(report, ReserveReport) and args.format != "text":
        # The CSV's rows are the invoices: a reserve account the invoices do not explain
        # (a hand-written posting, a release that matched nothing) is said here, as the
        # text report's header says it.
        return 0, text, _unexplained_reserves(report) + projected
    return 0, text, projected


def _projected(ledger: str, report: Any) -> str:
    """The note, on stderr in every format (the text also says it under its title, the
    JSON in ``projected_after``), of a report as of a date after the ledger's last: its
    figures after that date are projections."""
    if report.projected_after is None:
        return ""
    return (
        shown(
            f"bean-factoring: {_place(ledger)}: the as-of date {report.as_of} is after the "
            f"ledger's last date {report.projected_after}: the report's figures after it are "
            "projections "
            "(fees accrued, days counted, statuses) that assume nothing happened since"
        )
        + "\n"
    )


def _unexplained_reserves(report: ReserveReport) -> str:
    """A note of each factor's reserve account balance its invoices do not explain."""
    lines = [
        shown(
            f"  {factor.factor}: account balance {factor.account_balance} "
            f"{factor.currency}, held {factor.held}, unexplained {factor.unexplained}"
        )
        + "\n"
        for factor in report.factors
        if factor.unexplained
    ]
    return "Reserve not explained by its invoices:\n" + "".join(lines) if lines else ""


def run() -> None:
    """The console script's entry point."""
    try:
        code = main()
    except BrokenPipeError:
        # The reader of stderr stopped (`2>&1 | head -1` on a ledger with errors): as
        # when the report's reader stops, quietly (its reader is gone too).
        _quieted(sys.stdout)
        code = READER_GONE
    sys.exit(code)


if __name__ == "__main__":
    run()
