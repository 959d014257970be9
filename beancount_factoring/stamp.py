"""Which build of this package produced a result: its version and its modules' times.

Beancount's pickle cache keeps the plugin's output with the ledger, and checks only
the ledger's files: after an upgrade (or an edited module) a cached load still holds
what the old plugin booked and reported. The plugin writes this stamp into the
options (``STAMP_KEY``), which the pickle keeps, so that ``bean-factoring`` can tell
a cached load of another build and load the ledger again; its own report cache keys
on the same stamp.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from beancount_factoring import __version__

STAMP_KEY = "factoring:build"
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
