"""Read a factor's report (CSV or XLSX) into rows of named fields, as a profile says.

Factor portals put a title above the header and totals below the data:

    Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482) 03/01/2025 - 03/07/2025
    Schedule #,Purchase Date,Debtor,Invoice #,Invoice Amount,Advance,Fee,Reserve
    3110,03/03/2025,NORTHSTAR LOGISTICS LLC,RF-1101,"$2,150.00","$2,042.50",$53.75,$107.50
    Total,,,,"$2,150.00","$2,042.50",$53.75,$107.50

`Table(path, profile)` finds the header by its column names (not by counting title
rows: users delete them in Excel), maps each field of the profile to its column, and
`rows()` yields one `Row` per data row with the line it starts on (for XLSX, the sheet's
row number). Blank rows, total rows and footers without the key fields are dropped.

Every problem is an `ImportFailure` naming the file, the line and the column: bytes
that are not in the profile's encoding, broken quoting, a row cut short, a missing
column, a value that is not a date or an amount. Rows are read one at a time, so a
large export is never held in memory twice.

Amounts are Decimal, never float: a number from a workbook (see `readers.py`) is rounded
half-up to cents, which is what its cell shows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from openpyxl.utils.datetime import from_excel

from beancount_factoring.importers.base import ImportFailure, parse_date, parse_decimal
from beancount_factoring.importers.profiles import Profile
from beancount_factoring.importers.readers import Cell, ExcelPercent, is_xlsx, raw_rows
from beancount_factoring.importers.readers import text_of as _text

# Rows searched for the header after the profile's title rows (some portals add a
# "Date ran" line or a blank row or two).
HEADER_SLACK = 10
CENT = Decimal("0.01")


def normalize(text: str) -> str:
    """A header as compared with aliases: no case, no spaces or underscores, no BOM."""
    return re.sub(r"[\s_\ufeff]+", "", text).casefold()


# Exports repeat the same dates and amounts on many rows; parsing each once per run
# more than doubles the rows read per second. Errors are raised, never cached.
_amount = lru_cache(maxsize=8192)(parse_decimal)
_date = lru_cache(maxsize=4096)(parse_date)


class Header:
    """The header row: where it is and which column holds each field."""

    def __init__(self, line: int, names: list[str], index: dict[str, int]) -> None:
        self.line = line
        self.names = names
        self.index = index


def match_header(cells: list[Cell], profile: Profile) -> dict[str, int]:
    """Field -> column index for the profile's fields present in this row."""
    found: dict[str, int] = {}
    positions: dict[str, int] = {}
    for position, cell in enumerate(cells):
        if isinstance(cell, str) and cell.strip():
            positions.setdefault(normalize(cell), position)
    for name, aliases in profile.columns.items():
        for alias in aliases:
            where = positions.get(normalize(alias))
            if where is not None:
                found[name] = where
                break
    return found


def find_header(
    rows: Iterable[tuple[int, list[Cell]]], profile: Profile
) -> tuple[Header | None, tuple[int, list[Cell], dict[str, int]] | None, bool]:
    """The first row with the profile's signature columns, within the search window.

    Returns (header, best candidate row, whether the file had any non-blank row).
    """
    best: tuple[int, list[Cell], dict[str, int]] | None = None
    any_text = False
    for count, (line, cells) in enumerate(rows):
        if count > profile.title_rows + HEADER_SLACK:
            break
        if not any(_text(cell) for cell in cells):
            continue
        any_text = True
        found = match_header(cells, profile)
        if all(name in found for name in profile.signature):
            names = [_text(cell) for cell in cells]
            return Header(line, names, found), (line, cells, found), True
        if best is None or len(found) > len(best[2]):
            best = (line, cells, found)
    return None, best, any_text


class Row:
    """One data row: its line and cells, read through the table's header."""

    __slots__ = ("cells", "line", "table")

    def __init__(self, table: Table, line: int, cells: list[Cell]) -> None:
        self.table, self.line, self.cells = table, line, cells

    def has(self, field: str) -> bool:
        """True if the file has a column for this field."""
        return field in self.table.header.index

    def cell(self, field: str) -> Cell:
        position = self.table.index.get(field)
        if position is None or position >= len(self.cells):
            return ""
        return self.cells[position]

    def text(self, field: str) -> str:
        value = self.cell(field)
        return value.strip() if type(value) is str else _text(value)

    def fail(self, field: str, message: str) -> ImportFailure:
        """An error about this row's cell of `field`, naming the column as the file does."""
        header = self.table.header
        position = header.index.get(field)
        column = header.names[position] if position is not None else field
        return ImportFailure(self.table.path, self.line, message, column=column or field)

    def need(self, field: str) -> str:
        text = self.text(field)
        if not text:
            raise self.fail(field, "the cell is empty; a value is required here")
        return text

    def amount(self, field: str, required: bool = False) -> Decimal | None:
        """A money amount, or None for an empty cell (an error if `required`)."""
        value = self.cell(field)
        if isinstance(value, Decimal):
            return value.quantize(CENT, ROUND_HALF_UP)  # an Excel number: see above
        text = _text(value)
        if not text:
            if required:
                raise self.fail(field, "the cell is empty; an amount is required here")
            return None
        profile = self.table.profile
        try:
            return _amount(text, profile.decimal_mark, profile.thousands)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from exc

    def date(self, field: str, required: bool = True) -> datetime.date | None:
        value = self.cell(field)
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, Decimal):  # an Excel date serial in a cell formatted as a number
            try:
                return from_excel(float(value)).date()
            except (ValueError, OverflowError, AttributeError) as exc:
                raise self.fail(field, f"{value} is not a date") from exc
        text = _text(value)
        if not text:
            if required:
                raise self.fail(field, "the cell is empty; a date is required here")
            return None
        try:
            return _date(text, self.table.profile.date_formats)
        except ValueError as exc:
            raise self.fail(field, str(exc)) from exc

    def percent(self, field: str) -> Decimal | None:
        """A rate as a fraction (0.95), read in the profile's percent style."""
        value = self.cell(field)
        if isinstance(value, ExcelPercent):
            return Decimal(value)
        text = _text(value)
        if not text:
            return None
        style = self.table.profile.percent
        if isinstance(value, Decimal):
            number = value
        else:
            try:
                number = parse_decimal(text.rstrip("% "), self.table.profile.decimal_mark, "")
            except ValueError as exc:
                raise self.fail(field, f"{text!r} is not a percentage") from exc
        if text.endswith("%") or style in ("percent", "number"):
            return number / 100
        if style == "auto" and number >= 1:
            return number / 100
        return number


class Table:
    """A report opened with a profile: its header, then its data rows."""

    def __init__(self, path: str, profile: Profile) -> None:
        self.path = path
        self.profile = profile
        names: list[str] = []
        self._rows = raw_rows(path, profile, names)
        header, best, any_text = find_header(self._rows, profile)
        if header is None:
            self._rows.close()
            raise self._no_header(best, any_text)
        self.header = header
        self.index = header.index
        names.extend(header.names)
        unknown = [
            name
            for position, name in enumerate(header.names)
            if name and position not in header.index.values()
        ]
        if profile.strict and unknown:
            self._rows.close()
            raise ImportFailure(
                path, header.line, f"unknown column(s) {unknown} (the profile is strict)"
            )
        missing = [name for name in profile.required if name not in header.index]
        if missing:
            self._rows.close()
            wanted = " / ".join(profile.columns[missing[0]])
            raise ImportFailure(
                path,
                header.line,
                f"the header has no {wanted!r} column ({missing[0]}); the headers found are "
                f"{[name for name in header.names if name]}",
                column=profile.columns[missing[0]][0],
            )

    def _no_header(
        self, best: tuple[int, list[Cell], dict[str, int]] | None, any_text: bool
    ) -> ImportFailure:
        profile = self.profile
        if not any_text:
            return ImportFailure(self.path, 1, "the file is empty: no header, no rows", column=1)
        assert best is not None
        line, cells, found = best
        missing = [name for name in profile.signature if name not in found]
        wanted = ", ".join(repr(profile.columns[name][0]) for name in missing)
        headers = [_text(cell) for cell in cells if _text(cell)]
        return ImportFailure(
            self.path,
            line,
            f"no header with the columns {wanted} of a {profile.name} {profile.kind} report "
            f"in the first {profile.title_rows + HEADER_SLACK} rows; the closest row has "
            f"{headers}",
            column=profile.columns[missing[0]][0],
        )

    def _is_total(self, texts: list[str], first: str) -> bool:
        """A marked row is a total unless it has its key fields: a debtor named
        "TOTAL QUALITY LOGISTICS" in the first column is data, not a total."""
        index = self.header.index
        keys = [index[key] for key in self.profile.key_fields]
        if any(i >= len(texts) or not texts[i] for i in keys):
            return True
        return texts.index(first) in keys

    def rows(self) -> Iterator[Row]:
        """The data rows; blank, total and footer rows are left out."""
        profile = self.profile
        width = max(self.header.index.values()) + 1
        keys = profile.key_fields
        text_file = not is_xlsx(self.path)
        for line, cells in self._rows:
            head = cells[0] if cells else ""
            first = head.strip() if type(head) is str else _text(head)
            if not first:  # (the first cell is nearly always filled: a fast path)
                first = next((text for text in map(_text, cells) if text), "")
                if not first:
                    continue
            if profile.is_total(first) and self._is_total([_text(c) for c in cells], first):
                continue
            if text_file and len(cells) < width and sum(map(bool, map(_text, cells))) > 1:
                # A record cut short: a truncated download, or a stray line break.
                missing = next(n for n, i in self.header.index.items() if i >= len(cells))
                raise Row(self, line, cells).fail(
                    missing,
                    f"the row has {len(cells)} fields where the header has "
                    f"{len(self.header.names)}: the file may be cut short",
                )
            row = Row(self, line, cells)
            if not all(row.text(key) for key in keys):
                continue  # a footer such as ",,,,Wire Fee,($25.00)" or a note
            yield row
