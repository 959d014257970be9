"""Which build of this package produced a result: its version and its modules' times.

Beancount's pickle cache keeps the plugin's output with the ledger, and checks only
the ledger's files: after an upgrade (or an edited module) a cached load still holds
what the old plugin booked and reported. The plugin writes this stamp into the
options (``STAMP_KEY``), which the pickle keeps, so that ``bean-factoring`` can tell
a cached load of another build and load the ledger again; its own report cache keys
on the same stamp.

The plugin also writes what the ledger's files held (``SOURCES_KEY``, ``sources_stamp``):
Beancount's cache checks each file's modification time and size, which miss a file
edited to the same size with its old time put back (``cp -p``, ``rsync -t``, a
checkout) and a new file an ``include`` glob now matches. ``bean-factoring`` makes
the stamp again of the files as they are, and loads again when it differs.
"""

from __future__ import annotations

import functools
import glob
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from beancount_factoring import __version__

STAMP_KEY = "factoring:build"
SOURCES_KEY = "factoring:sources"
# An include line as Beancount reads it (a commented one is no match: ``;`` first).
_INCLUDE = re.compile(rb'^[ \t]*include[ \t]+"((?:[^"\\\n]|\\.)*)"', re.MULTILINE)
PACKAGE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def build_stamp() -> str:
    """This package's version and the modification times of its modules (once per
    process: about a hundred files)."""
    stamps = sorted(
        f"{module.relative_to(PACKAGE)}:{module.stat().st_mtime_ns}"
        for module in PACKAGE.rglob("*.py")
    )
    return hashlib.sha256("\n".join([__version__, *stamps]).encode()).hexdigest()


def sources_stamp(main: str, loaded: Iterable[str]) -> str:
    """A digest of the contents of the ledger's files: those Beancount ``loaded``, and
    those its include lines name now, globs expanded as Beancount expands them (relative
    to the including file's folder). The same files, unchanged, give the same digest."""
    held: dict[str, str] = {}
    waiting = [os.path.normpath(name) for name in (main, *loaded)]
    while waiting:
        name = waiting.pop()
        if name in held:
            continue
        try:
            with open(name, "rb") as handle:
                content = handle.read()
        except OSError:
            held[name] = "unreadable"  # (A file gone since the load: another digest.)
            continue
        held[name] = hashlib.sha256(content).hexdigest()
        folder = os.path.dirname(name)
        for found in _INCLUDE.finditer(content):
            pattern = os.path.join(folder, os.fsdecode(found[1]))
            try:
                matches = glob.glob(pattern, recursive=True)
            except ValueError:
                # A name no file system holds (a NUL byte): no file, as Beancount finds
                # none (it reports the line), rather than a failure of the plugin's run.
                continue
            waiting.extend(os.path.normpath(match) for match in matches)
    digest = hashlib.sha256()
    # In name order: the order the files were reached in does not count.
    for name in sorted(held):
        digest.update(os.fsencode(name) + b"\0" + held[name].encode() + b"\0")
    return digest.hexdigest()
