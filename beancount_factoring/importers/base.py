"""What every importer of the suite shares: errors that name the place, row ids, dedupe.

Each imported entry carries a stable id in its metadata (`import-id`), made from the
row's content rather than its position, so a statement downloaded again with more rows
still matches what an earlier import produced:

    2025-03-04 * "Lakeshore Funding" "ACH deposit"
      import-id: "bank-3f2a9c81d0e4"
      Assets:Bank:Checking        3,303.62 USD
      Assets:Factoring:Lakeshore:Clearing

`deduplicate()` marks a new entry as a duplicate when an entry with the same id is
already in the ledger. That survives the plugin's rewriting of the entry (the default
similarity matcher of beangulp does not: the split entry no longer looks like the bank
line) and costs one set lookup per entry instead of a comparison with every entry.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import beangulp
from beangulp import exceptions

ID_KEY = "import-id"


class ImportFailure(exceptions.Error):
    """Malformed input: names the file, line and column, and says how to fix it.

    Raising it from `extract()` makes beangulp report the file as failed and write
    nothing for it, which is what "nothing partial" needs.
    """

    def __init__(
        self,
        filename: str,
        line: int | None,
        message: str,
        column: str | int | None = None,
    ) -> None:
        place = filename
        if line is not None:
            place += f":{line}"
        if column is not None:
            place += f", column {column!r}" if isinstance(column, str) else f":{column}"
        super().__init__(f"{place}: {message}")
        self.filename = filename
        self.line = line
        self.column = column
        self.detail = message


def row_id(prefix: str, *parts: object) -> str:
    """A stable id from the row's content: the same row gives the same id in any file."""
    text = "\x1f".join(str(part) for part in parts)
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


class RowIds:
    """Ids for the rows of one file; identical rows get #2, #3 so none collide."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.seen: dict[str, int] = {}

    def __call__(self, *parts: object) -> str:
        base = row_id(self.prefix, *parts)
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        return base if count == 1 else f"{base}-{count}"


_PLAIN = re.compile(r"-?\d{1,15}(\.\d{1,10})?")
_AMOUNT_JUNK = re.compile(r"[\s$€£\u00a0\u202f]|USD|EUR|CAD|GBP")


def parse_decimal(
    text: str,
    decimal_mark: str = ".",
    thousands: str = ",",
) -> Decimal:
    """A money amount as written in exports: `$1,234.50`, `(500.00)`, `1.234,50`, `-12`.

    Raises ValueError with a message fit for the user.
    """
    if _PLAIN.fullmatch(text):  # most cells: no symbol, separator or bracket
        return Decimal(text)
    raw = text
    value = _AMOUNT_JUNK.sub("", text.strip())
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value.endswith("-"):  # some banks print 12.50-
        negative, value = True, value[:-1]
    value = value.replace("\u2212", "-")
    if thousands:
        value = value.replace(thousands, "")
    if decimal_mark != ".":
        value = value.replace(decimal_mark, ".")
    if not value or not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise ValueError(f"{raw!r} is not an amount")
    try:
        number = Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules it out
        raise ValueError(f"{raw!r} is not an amount") from exc
    return -number if negative else number


def parse_percent(text: str, decimal_mark: str = ".") -> Decimal:
    """`2.5`, `2.50%` and `.025` all mean 2.5 % (as 0.025)."""
    stripped = text.strip()
    number = parse_decimal(stripped.rstrip("%"), decimal_mark, "")
    if stripped.endswith("%") or number >= 1:
        return number / 100
    return number


def parse_date(text: str, formats: Sequence[str]) -> date:
    """The first of `formats` that reads `text`; ValueError naming the formats otherwise."""
    value = text.strip()
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    shown = " or ".join(formats)
    raise ValueError(f"{text!r} is not a date in the format {shown}")


def existing_ids(entries: Iterable[Any]) -> set[str]:
    """The import ids already in a ledger (one pass)."""
    ids = set()
    for entry in entries:
        meta = entry.meta
        if meta is not None:
            value = meta.get(ID_KEY)
            if value is not None:
                ids.add(value)
    return ids


def mark_duplicates(entries: list[Any], existing: Iterable[Any]) -> None:
    """Mark entries whose id is already in `existing` the way beangulp does."""
    known: dict[str, Any] = {}
    for entry in existing:
        meta = entry.meta
        if meta is not None:
            value = meta.get(ID_KEY)
            if value is not None:
                known.setdefault(value, entry)
    for entry in entries:
        value = entry.meta.get(ID_KEY) if entry.meta is not None else None
        if value is not None and value in known:
            entry.meta["__duplicate__"] = known[value]


class Importer(beangulp.Importer):
    """A beangulp importer whose `deduplicate()` matches on `import-id`."""

    def deduplicate(self, entries: list[Any], existing: Sequence[Any]) -> None:
        mark_duplicates(entries, existing)
