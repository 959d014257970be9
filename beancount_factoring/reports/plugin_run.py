"""Whether the factoring plugin ran in a load, and if not, where its line is.

Beancount runs the ``plugin`` lines of the ledger's main file only: one in an
included file is skipped without a word, as is a line that names a module with
no plugins in it (``plugin "beancount_factoring"``). The ledger then loads with
nothing split and nothing checked, and ``bean-check`` is silent. The reports
would settle it themselves and show figures from books the plugin never saw,
so the command line and the Fava pages ask here first.

The plugin writes its build stamp into the options (``stamp.STAMP_KEY``) on
every run, before anything else, and Beancount's pickle cache keeps it: a load
without it is one the plugin did not run in, wherever its line is (after an
``include`` in the main file is fine: Beancount reads every ``plugin`` line of
the main file first). Only then are the ledger's files read again, to say where
the line is.
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from typing import Any

from beancount_factoring.reports.facts import PLUGIN
from beancount_factoring.stamp import STAMP_KEY

# A ``plugin`` directive (Beancount's starts its line), and the module it names.
_PLUGIN_LINE = re.compile(r'^plugin[ \t]+"([^"\n]*)"', re.MULTILINE)
_WRITE = f'plugin "{PLUGIN}"'
_NOT_RUN = "the factoring plugin did not run, so nothing is split or checked: "


@dataclass(frozen=True)
class NotRun:
    """Why the plugin did not run, and the place to fix it (a file and its line)."""

    message: str
    filename: str
    lineno: int
    # The main file names the plugin: it ran and failed (its errors say why).
    named: bool = False
    # The file given is a part of the ledger, which a main file includes and runs the
    # plugin on: only that file's report is of the whole books.
    part: bool = False


def plugin_not_run(options_map: dict[str, Any]) -> NotRun | None:
    """None if the factoring plugin ran in this load; else what to tell the bookkeeper."""
    if options_map.get(STAMP_KEY) is not None:
        return None
    main = str(options_map.get("filename") or "")
    folder = os.path.dirname(main)
    named = [name for name, _ in options_map.get("plugin", ()) or ()]
    lines = _plugin_lines(main, options_map.get("include", ()) or ())
    if PLUGIN in named:
        # The line is there: the plugin failed before it wrote its stamp (FCT100), or
        # Beancount could not import or apply it; their errors say which.
        place = next(((f, n) for f, n, name in lines if name == PLUGIN and f == main), (main, 0))
        message = (
            f"the factoring plugin did not finish on this ledger although "
            f"{_shown(main, folder)} names it: fix the errors bean-check shows about it"
        )
        return NotRun(message, place[0], place[1], named=True)
    included = [(f, n) for f, n, name in lines if name.strip() == PLUGIN and f != main]
    if included:
        filename, lineno = included[0]
        message = _NOT_RUN + (
            f"its line {_WRITE} is in {_shown(filename, folder)}:{lineno}, an included file, "
            f"and Beancount runs only the plugin lines of the main file: move the line to "
            f"{_shown(main, folder)}"
        )
        return NotRun(message, filename, lineno)
    misspelt = [(n, name) for f, n, name in lines if f == main and "factoring" in name.lower()]
    if misspelt:
        lineno, name = misspelt[0]
        message = _NOT_RUN + (
            f'{_shown(main, folder)}:{lineno} names the plugin "{name}", which '
            "is not the factoring plugin (Beancount found no plugin in it to run): "
            f"write {_WRITE}"
        )
        return NotRun(message, main, lineno)
    including = _including(main) if main else None
    if including is not None:
        # The file given is a part of the ledger (`bean-factoring reserve 2025.beancount`):
        # a plugin line added to it would be skipped once the main file is loaded.
        message = _NOT_RUN + (
            f"{os.path.basename(main)} is included by {os.path.relpath(including, folder)}, "
            "which runs the plugin: give that file, the ledger's main file, instead"
        )
        return NotRun(message, main, 1, part=True)
    message = _NOT_RUN + (
        f"add the line {_WRITE} to the main file, {_shown(main, folder)} "
        "(Beancount ignores it in an included file)"
    )
    return NotRun(message, main, 1)


# Where a file that includes the one given is looked for: its folder and the folders
# above it, up to this many, reading at most so many ledger files (by their ending).
FOLDERS_UP = 3
FILES_READ = 200
LEDGER_ENDINGS = (".beancount", ".bean", ".ledger")
_INCLUDE_LINE = re.compile(r'^include[ \t]+"([^"\n]*)"', re.MULTILINE)


def _including(ledger: str) -> str | None:
    """A ledger file near ``ledger`` that runs the plugin and includes ``ledger``, or None."""
    target = os.path.realpath(ledger)
    folder = os.path.dirname(target)
    budget = FILES_READ
    for _ in range(FOLDERS_UP):
        for path in _ledger_files(folder, target):
            budget -= 1
            if budget < 0:
                return None
            if _includes(path, target):
                return path
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return None


def _ledger_files(folder: str, skipped: str) -> list[str]:
    """The ledger files of a folder (by their ending), but ``skipped``, sorted."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    paths = [os.path.join(folder, name) for name in names if name.endswith(LEDGER_ENDINGS)]
    return [path for path in paths if path != skipped and os.path.isfile(path)]


def _includes(path: str, target: str) -> bool:
    """Whether the file names the plugin and one of its ``include`` lines matches ``target``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return False
    if not any(match[1] == PLUGIN for match in _PLUGIN_LINE.finditer(text)):
        return False
    folder = os.path.dirname(path)
    for match in _INCLUDE_LINE.finditer(text):
        pattern = os.path.join(folder, os.path.expanduser(match[1]))
        if any(os.path.realpath(found) == target for found in glob.glob(pattern, recursive=True)):
            return True
    return False


def _plugin_lines(main: str, files: Any) -> list[tuple[str, int, str]]:
    """Each ``plugin`` line of the ledger's files, main file first: (file, line, module)."""
    found: list[tuple[str, int, str]] = []
    for filename in sorted({main, *map(str, files)}, key=lambda name: name != main):
        try:
            with open(filename, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue  # (an encrypted or vanished file: the message says less)
        for match in _PLUGIN_LINE.finditer(text):
            found.append((filename, text.count("\n", 0, match.start()) + 1, match[1]))
    return found


def _shown(filename: str, folder: str) -> str:
    """A file as the bookkeeper knows it: relative to the main file's folder, if in it."""
    if not filename:
        return "the main file"
    relative = os.path.relpath(filename, folder) if folder else filename
    return filename if relative.startswith("..") else relative
