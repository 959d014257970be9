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
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import beangulp
from beangulp import identify

from beancount_factoring.importers.ofx_accounts import together

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
    # One OFX download may hold several accounts' statements, each its importer's.
    return beangulp.Ingest(together(importers), hooks)
