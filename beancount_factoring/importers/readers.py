"""Raw rows of a CSV or XLSX file, each with its line, and errors that name the place.

`raw_rows(path, profile)` yields `(line, cells)` for every row of the file, blank rows
included; `table.py` finds the header among them and names the fields. The line of a
CSV record is the line it starts on; in a workbook it is the sheet's row number.

A CSV file is decoded line by line in the profile's encoding, so a byte that is not in
that encoding is reported with its line and position (and its column, once the header
is known); a quote that is never closed is reported at the line its record starts.
Excel's byte-order mark is dropped; a UTF-16 file is refused with a hint.

Cells of a workbook keep their type: text, `Decimal` for numbers, `date` for dates.
Excel stores numbers as binary floats; a float becomes a Decimal through its shortest
repr (2150.5 -> "2150.5"), and a cell formatted as a percentage becomes `ExcelPercent`,
whose value is already a fraction (0.95 for 95 %). Money is rounded to cents later,
when it is read as an amount (`table.Row.amount`).
"""

from __future__ import annotations

import csv
import datetime
import os
import struct
import zipfile
import zlib
from collections.abc import Generator, Iterator
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.profiles import Profile

XLSX = (".xlsx", ".xlsm")
TEXT = (".csv", ".txt", ".tsv")
# What openpyxl and zipfile raise on a damaged workbook (found by fuzzing the samples).
BAD_XLSX = (
    zipfile.BadZipFile, InvalidFileException, zlib.error, struct.error, KeyError, IndexError,
    ParseError, EOFError, TypeError, AttributeError, NotImplementedError, ValueError,
    OverflowError, OSError,
)  # fmt: skip

Cell = str | Decimal | datetime.date


class ExcelPercent(Decimal):
    """A number Excel shows as a percentage: the value is already a fraction."""


def is_xlsx(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in XLSX


def readable(path: str) -> bool:
    """A file this module can read, by its extension."""
    return os.path.splitext(path)[1].lower() in XLSX + TEXT


def text_of(value: Cell) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _column(names: list[str], field: int, fallback: int) -> str | int:
    """The header name of a field when the header is known, else a position."""
    return names[field] if 0 <= field < len(names) and names[field] else fallback


def _decoded(path: str, handle: IO[bytes], profile: Profile, names: list[str]) -> Iterator[str]:
    """The file's lines, decoded one at a time so that a bad byte names its line."""
    encoding = profile.encoding
    for number, raw in enumerate(handle, start=1):
        if number == 1:
            if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
                raise ImportFailure(
                    path, 1, f"the file is UTF-16; the profile reads {encoding}: "
                    "save it as CSV UTF-8, or set encoding='utf-16' in the profile", column=1
                )  # fmt: skip
            if raw.startswith(b"\xef\xbb\xbf") and encoding.replace("_", "-").lower() in (
                "utf-8", "utf8"
            ):  # fmt: skip
                raw = raw[3:]  # Excel's "CSV UTF-8" starts with a byte-order mark.
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError as exc:
            before = raw[: exc.start].decode(encoding, errors="replace")
            field = before.count(profile.delimiter)
            raise ImportFailure(
                path,
                number,
                f"byte 0x{raw[exc.start]:02x} at position {exc.start + 1} cannot be read as "
                f"{encoding}: the file is in another encoding than the profile says "
                "(set encoding= in the profile)",
                column=_column(names, field, exc.start + 1),
            ) from exc


def _open_quote_field(text: str, delimiter: str) -> int:
    """The index of the field where a record's raw text ends (inside an open quote)."""
    field, quoted, at_start, closed = 0, False, True, False
    for char in text:
        if quoted:
            if char == '"':
                quoted, closed = False, True
            continue
        if char == '"' and (at_start or closed):  # an opening quote, or a doubled one
            quoted, at_start, closed = True, False, False
            continue
        closed = False
        at_start = char == delimiter
        if at_start:
            field += 1
    return field


Rows = Generator[tuple[int, list[Cell]], None, None]


def _csv_rows(path: str, profile: Profile, names: list[str]) -> Rows:
    """(line, cells) of a delimited text file; the line is where the record starts."""
    with open(path, "rb") as handle:
        consumed: list[str] = []

        def lines() -> Iterator[str]:
            for line in _decoded(path, handle, profile, names):
                consumed.append(line)
                yield line

        reader = csv.reader(lines(), delimiter=profile.delimiter, strict=True)
        start = 1
        while True:
            consumed.clear()
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                field = _open_quote_field("".join(consumed), profile.delimiter)
                raise ImportFailure(
                    path,
                    start,
                    f"the row cannot be read ({exc}): a quote is not closed, or the file "
                    "is cut short",
                    column=_column(names, field, field + 1),
                ) from exc
            yield start, list(record)
            start = reader.line_num + 1


def _xlsx_value(cell: Any) -> Cell:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        if "%" in (getattr(cell, "number_format", "") or ""):
            return ExcelPercent(number)
        return number
    return str(value)


def _xlsx_rows(path: str, profile: Profile) -> Rows:
    """(sheet row number, cells) of the profile's sheet (the first one by default)."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except BAD_XLSX as exc:
        raise ImportFailure(path, None, f"not a readable XLSX workbook ({exc})") from exc
    number = 0
    try:
        if profile.sheet is not None and profile.sheet not in book.sheetnames:
            raise ImportFailure(
                path, None, f"no sheet {profile.sheet!r}; the sheets are {book.sheetnames}"
            )
        try:
            sheet = book[profile.sheet] if profile.sheet else book.worksheets[0]
            number = (sheet.min_row or 1) - 1
            rows = sheet.iter_rows()
        except BAD_XLSX as exc:
            raise ImportFailure(path, None, f"not a readable XLSX workbook ({exc})") from exc
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except BAD_XLSX as exc:
                raise ImportFailure(path, number + 1, f"the sheet cannot be read ({exc})") from exc
            number = next((int(c.row) for c in row if getattr(c, "row", None)), number + 1)
            try:
                cells = [_xlsx_value(cell) for cell in row]
            except BAD_XLSX as exc:
                raise ImportFailure(path, number, f"the row cannot be read ({exc})") from exc
            yield number, cells
    finally:
        book.close()


def raw_rows(path: str, profile: Profile, names: list[str] | None = None) -> Rows:
    """Every row of the file as (line, cells), blank rows included.

    `names` may be filled with the header's names later, so that errors in the rows
    after the header name their column.
    """
    if is_xlsx(path):
        return _xlsx_rows(path, profile)
    return _csv_rows(path, profile, names if names is not None else [])
