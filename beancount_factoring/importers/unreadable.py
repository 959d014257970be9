"""Downloads that cannot be read: an error under the file's name, never a silent skip.

Every importer's `identify()` answers no for a file it cannot open or read (it must
not raise: beangulp asks every importer about every file). So a statement saved
without read permission, or on a disk that fails, would be passed over by every
importer and `extract` would say nothing of it. `ingest()` adds this importer after
the others: it claims a file of a kind the importers read (`.csv`, `.txt`, `.tsv`,
`.xlsx`, `.xlsm`, `.ofx`, `.qfx`) that cannot be read, and its `extract()` fails with
FCT200 and the reason::

    * /downloads/checking.csv ... ERROR
      /downloads/checking.csv: FCT200 the file cannot be read ([Errno 13] Permission
      denied: ...): give yourself permission to read it, or download it again
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import beangulp

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.readers import TEXT, XLSX

# The extensions of the files the importers of this package read.
READ = (*TEXT, *XLSX, ".ofx", ".qfx")


def read_error(path: str) -> OSError | None:
    """The error reading the file's first byte gives, or None if it can be read. A file
    that is gone (a broken link) is not this importer's: None."""
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc
    return None


class UnreadableFile(beangulp.Importer):
    """Claims a download of a kind the importers read that cannot be read."""

    @property
    def name(self) -> str:
        return "unreadable file"

    def identify(self, filepath: Any) -> bool:
        path = os.fspath(filepath)
        return os.path.splitext(path)[1].lower() in READ and read_error(path) is not None

    def diagnose(self, filepath: Any) -> str | None:
        """What extract says of the file (for `identify`)."""
        return str(self._failure(os.fspath(filepath)))

    def account(self, filepath: Any) -> str:
        return ""

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        raise self._failure(os.fspath(filepath))

    @staticmethod
    def _failure(path: str) -> ImportFailure:
        error = read_error(path)
        reason = f" ({error})" if error is not None else ""
        return ImportFailure(
            path,
            None,
            f"the file cannot be read{reason}: give yourself permission to read it, or "
            "download it again",
            code="FCT200",
        )
