"""Raw rows of a CSV or XLSX file, each with the line it starts on; errors name the place.

Every importer of a table (bank statements, invoice exports, factor reports) reads its
file through `raw_rows()`, which yields `(line, cells)` for every row, blank rows
included; `table.py` and `report.py` find the header among them and name the columns:

    layout = Layout(delimiter=";", encoding="cp1252", skip_lines=3)
    for line, cells in raw_rows("umsatz.csv", layout):
        ...

The line of a CSV record is the line it starts on; in a workbook it is the sheet's row.
Nothing but the current row is held in memory.

A text file is decoded line by line in the layout's encoding (all in C: `bytes.decode`
mapped over the file's lines), so a byte that is not in that encoding is reported with
its line and position, and its column once the header is known. A quote that is never
closed is reported at the line its record starts, naming the field it opened. Excel's
UTF-8 byte-order mark is dropped; a UTF-16 or UTF-32 file read as anything else is
refused with a hint. Lines end with `\\n` or `\\r\\n`, or with `\\r` in a file that has no
`\\n` (old Excel for Mac); a lone `\\r` in any other file is damage, and is reported.

A workbook is read with openpyxl in read-only mode, its rows one at a time (each taken
out of the parsed XML once read: `_RowParser`). Cells of a workbook keep their type:
text, `Decimal` for numbers, `date` for dates.
Excel stores numbers as binary floats; a float becomes a Decimal through its shortest
repr (2150.5 -> "2150.5"), and a cell formatted as a percentage becomes `ExcelPercent`,
whose value is already a fraction (0.95 for 95 %). As money (`workbook_amount`) a number
is what its cell shows: to Excel's 15 digits, and to the cent in a format of two
decimals (`ToCents`); a fraction of a cent a cell shows is refused, as no bank moves one.

A workbook is a zip of XML parts, and a small file can hold a great deal: what is read
is bounded before it is read, from the zip's own directory (which zipfile holds each
part to). A part other than a worksheet is read whole by openpyxl: at most
`MAX_PART_BYTES` uncompressed; a worksheet, read as a stream, `MAX_SHEET_BYTES`; a part
over 1 MiB that inflates more than `MAX_RATIO` times its compressed size is a zip bomb
(Excel's sheets inflate about ten times). The shared strings are counted in the raw XML
before openpyxl reads them (at most `MAX_SHARED_STRINGS`); a row is at most
`MAX_COLUMNS` cells wide, and so is the sheet's declared dimension, to which every row
is padded (at most `MAX_CELLS` cells in all); a row number is at most Excel's 1,048,576.
Beyond a bound the file is refused with FCT200 naming the bound, the figure and the way
out: save the sheet as CSV, which is read as a stream with no such bound.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import html
import io
import itertools
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from operator import methodcaller
from typing import IO, Any, cast
from xml.etree.ElementTree import ParseError

from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.reader.strings import read_string_table
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, from_excel
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import (
    DATA_TAG,
    FORMULA_TAG,
    ROW_TAG,
    VALUE_TAG,
    WorkSheetParser,
)
from openpyxl.xml.functions import iterparse

from beancount_factoring.importers.base import CENT, ImportFailure, bounded, within_dates
from beancount_factoring.terms.fees import not_whole, smallest_unit

XLSX = (".xlsx", ".xlsm")
TEXT = (".csv", ".txt", ".tsv")
# What openpyxl and zipfile raise on a damaged workbook (found by fuzzing the samples).
BAD_XLSX = (
    zipfile.BadZipFile, InvalidFileException, zlib.error, struct.error, KeyError, IndexError,
    ParseError, EOFError, TypeError, AttributeError, NotImplementedError, ValueError,
    OverflowError, OSError,
)  # fmt: skip
# What a workbook may hold (module docstring): generous for a factor's report of a
# million rows (a sheet of 1,000,000 rows of 12 columns is about 400 MB of XML).
MIB = 1 << 20
MAX_PART_BYTES = 64 * MIB
MAX_SHEET_BYTES = 2048 * MIB
MAX_RATIO = 100
RATIO_FROM = MIB  # a part smaller than this may inflate as much as it likes
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 1_024
MAX_ROWS = 1_048_576  # Excel's own limit
# Every row up to the declared last is padded to the declared width: a million rows of
# 50 columns.
MAX_CELLS = 50_000_000
AS_CSV = "save the sheet as CSV (in Excel: Save As, CSV UTF-8) and import that"
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
# How much of a file identify() reads.
HEAD_BYTES = 64 * 1024
# How much of a broken record is read again to find the field its open quote is in.
RECORD_LIMIT = 1 << 20
_LONE_CR = re.compile(r"\r(?!\n)")
# Longest first: a UTF-32 mark starts with the UTF-16 one.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

Cell = str | Decimal | datetime.date
Rows = Generator[tuple[int, list[Cell]], None, None]
TextRows = Generator[tuple[int, list[str]], None, None]


class ExcelPercent(Decimal):
    """A number Excel shows as a percentage: the value is already a fraction."""


class Shown(Decimal):
    """A whole number a workbook shows otherwise than its value: with leading zeros or
    a fixed text around it (`001023`, `RF-1023` under the number formats `000000` and
    `"RF-"0000`). As text it is what the cell shows, as Excel writes it to a CSV (an
    invoice number of 1023 would lose its zeros); as a number, its value."""

    shown = ""

    def __str__(self) -> str:
        return self.shown


class Mac1904Number(Decimal):
    """A number of a workbook that counts its dates from 1904 (old Excel for Mac): read as
    a date, its serial counts from 1904-01-01, not 1900 (four years and a day apart)."""


class ToCents(Decimal):
    """A number with more decimals than its cell's format shows, which shows two
    (`#,##0.00` over 1234.567, a formula's float): read as money, it is what the cell
    shows, 1234.57, as a CSV saved from the workbook writes it."""


class MacToCents(ToCents, Mac1904Number):
    """A `ToCents` of a workbook that counts its dates from 1904."""


@dataclass(frozen=True)
class Layout:
    """How a file is written: delimiter, encoding, title lines, worksheet.

    `skip_lines` lines are read as plain text before the CSV starts (a bank's title
    lines, which may hold unbalanced quotes). `setting` says where the user sets the
    encoding, for the error that asks them to. `byte_position` places an undecodable byte
    by its position in the line (`file.csv:3:39`, where an editor jumps to it) rather than
    by its column's name; the message gives the other.
    """

    delimiter: str = ","
    encoding: str = "utf-8"
    quotechar: str = '"'
    skip_lines: int = 0
    sheet: str | None = None
    setting: str = "on the importer"
    byte_position: bool = False

    def __post_init__(self) -> None:
        # A misspelt encoding is a mistake in import.py: say so when it is loaded.
        try:
            codecs.lookup(self.encoding)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {self.encoding!r}") from exc
        if len(self.delimiter) != 1:
            raise ValueError(f"the delimiter must be one character, not {self.delimiter!r}")
        if self.skip_lines < 0:
            raise ValueError("skip_rows must be 0 or more")

    def fix(self) -> str:
        return f"set encoding= {self.setting} ('cp1252', 'latin-1', 'utf-16', ...)"


def is_xlsx(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in XLSX


def readable(path: str) -> bool:
    """A file this module can read, by its extension."""
    return os.path.splitext(path)[1].lower() in XLSX + TEXT


def text_of(value: Cell) -> str:
    """A cell as text: stripped, a date in ISO form, a number as written."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def raw_rows(path: str, layout: Layout, names: Sequence[str] = ()) -> Rows:
    """Every row of the file as (line, cells), blank rows included.

    `names` may be filled with the header's names later, so that errors in the rows
    after the header name their column.
    """
    if is_xlsx(path):
        return _xlsx_rows(path, layout.sheet)
    return cast(Rows, text_rows(path, layout, names))


def text_rows(
    path: str, layout: Layout, names: Sequence[str] = (), head: bool = False
) -> TextRows:
    """(line, cells) of a delimited text file.

    `head` reads only the first HEAD_BYTES and replaces bytes not in the encoding: what
    identify() needs of any file in the downloads folder, a PDF or a video included.
    """
    codec = codecs.lookup(layout.encoding).name
    errors = "replace" if head else "strict"
    with _open(path, head) as handle:
        start = handle.read(HEAD_BYTES)
        if codec in ("utf-8", "utf-8-sig") or start.startswith(codecs.BOM_UTF8):
            # Excel's "CSV UTF-8" starts with a byte-order mark; the plain codec is the
            # fast one, and utf-8-sig would look for a mark on every line. The mark says
            # the file is UTF-8 whatever the importer's one-byte encoding (a file saved
            # again by Notepad): read in cp1252, "Ü" would become "Ãœ" in silence.
            codec = "utf-8"
            handle.seek(3 if start.startswith(codecs.BOM_UTF8) else 0)
        else:
            handle.seek(0)
        wide = "\n".encode(codec) != b"\n"  # UTF-16 or -32: lines are not split on bytes
        _check_mark(path, codec, start, layout)
        if not wide and not head:
            _refuse_wide(path, start, layout)
        if wide:
            text = io.TextIOWrapper(handle, encoding=codec, errors=errors, newline="")
            yield from _parse(path, text, layout, names, wide)
            return
        # A lone \r ends a line only in a file without \n (old Excel for Mac); in any other
        # file it is damage, which the csv module reports, rather than a row split in two.
        lines = _cr_lines(handle) if b"\n" not in start and b"\r" in start else handle
        if not head and _one_byte(codec):
            lines = _not_utf8(path, lines, layout, names)
        decoded = map(methodcaller("decode", codec, errors), lines)
        yield from _parse(path, decoded, layout, names, wide)


def wide_encoding(path: str, encoding: str) -> str:
    """For identify(): the encoding a UTF-16 or UTF-32 file's byte-order mark names, when
    the importer reads another; `encoding` otherwise. Such a file is then claimed by its
    header, and extract says how to read it (FCT201) instead of it being skipped. A UTF-8
    mark is UTF-8 (``utf-8-sig``) for an importer of a one-byte encoding: its header
    would otherwise start with "ï»¿" and the file be skipped."""
    name = codecs.lookup(encoding).name
    if name.startswith(("utf-16", "utf-32")):
        return encoding
    try:
        with open(path, "rb") as handle:
            start = handle.read(4)
    except OSError:
        return encoding
    for bom, wide in _WIDE_BOMS:
        if start.startswith(bom):
            return wide.lower()
    if start.startswith(codecs.BOM_UTF8) and name not in ("utf-8", "utf-8-sig"):
        return "utf-8-sig"
    return encoding


def _refuse_wide(path: str, start: bytes, layout: Layout) -> None:
    """A UTF-16 or UTF-32 file read in a one-byte encoding would give garbage: say so."""
    for bom, name in _WIDE_BOMS:
        if start.startswith(bom):
            raise ImportFailure(
                path, 1, f"the file is {name} (it starts with its byte-order mark), not "
                f"{layout.encoding}: save it as CSV UTF-8, or set encoding='{name.lower()}' "
                f"{layout.setting}", column=1, code="FCT201",
            )  # fmt: skip


def _cr_lines(handle: IO[bytes]) -> Iterator[bytes]:
    """The lines of a file whose lines end with a lone \\r, read in blocks."""
    rest = b""
    for block in iter(functools.partial(handle.read, 1 << 16), b""):
        *lines, rest = (rest + block).split(b"\r")
        for line in lines:
            yield line + b"\r"
    if rest:
        yield rest


def _open(path: str, head: bool) -> IO[bytes]:
    try:
        if head:
            with open(path, "rb") as handle:
                return io.BytesIO(handle.read(HEAD_BYTES))
        return open(path, "rb")  # text_rows closes it
    except OSError as exc:
        message = f"cannot read the file: {exc.strerror}"
        raise ImportFailure(path, None, message, code="FCT200") from exc


def _parse(path: str, lines: Any, layout: Layout, names: Sequence[str], wide: bool) -> TextRows:
    """The CSV records of decoded lines, each with the line it starts on."""
    offset = 0
    try:
        for _ in range(layout.skip_lines):
            next(lines, None)
            offset += 1
    except UnicodeDecodeError as exc:
        raise _undecodable(path, offset + 1, exc, layout, names, wide) from exc
    reader = csv.reader(
        lines,
        delimiter=layout.delimiter,
        quotechar=layout.quotechar,
        strict=True,  # an unclosed quote at the end is a truncated file, not data
    )
    start = offset + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            line = offset + reader.line_num + 1  # the line that failed was not counted
            raise _undecodable(path, line, exc, layout, names, wide) from exc
        except csv.Error as exc:
            raise _unreadable(path, start, offset + reader.line_num, exc, layout, names) from exc
        yield start, record
        start = offset + reader.line_num + 1


def _column(names: Sequence[str], field: int) -> str | None:
    return names[field] if 0 <= field < len(names) and names[field] else None


@functools.lru_cache(maxsize=32)
def _one_byte(codec: str) -> bool:
    """Whether the codec reads each byte as one character (cp1252, latin-1...)."""
    if codec in ("utf-8", "utf-8-sig"):
        return False
    high = bytes(range(0x80, 0x100))
    return len(high.decode(codec, errors="replace")) == len(high)


# What Western text holds beyond ASCII: Latin-1's letters and signs, Latin Extended-A
# and -B (Œ, Š, ł, Ș), the typographic dashes and quotes, the euro sign.
_LATIN = re.compile("[\u00a0-\u024f\u2010-\u203a\u20ac]")


def _not_utf8(
    path: str, lines: Iterable[bytes], layout: Layout, names: Sequence[str]
) -> Iterator[bytes]:
    """The lines, but FCT201 at the first that is UTF-8 text beyond ASCII: read in a
    one-byte encoding, "Frète" would be "FrÃ¨te" in silence (every byte of UTF-8 is a
    character of cp1252 or latin-1). Text of those encodings is almost never valid
    UTF-8 once it holds a letter beyond ASCII."""
    for number, line in enumerate(lines, 1):
        if line.isascii():
            yield line
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            yield line
            continue
        if not any(_LATIN.fullmatch(char) for char in text if not char.isascii()):
            # ("É’" in cp1252 is valid UTF-8 too, for "ɒ": a letter or mark of Western
            # text, as UTF-8 writes it, says the file is UTF-8.)
            yield line
            continue
        index = next(i for i, char in enumerate(text) if not char.isascii())
        char = text[index]
        misread = char.encode("utf-8").decode(layout.encoding, errors="replace")
        position = len(text[:index].encode("utf-8")) + 1
        name = _column(names, text[:index].count(layout.delimiter))
        message = (
            f"the file is UTF-8 ({char!r} at position {position} would be read as "
            f"{misread!r} in {layout.encoding}"
            + (f", column {name!r}" if name is not None and layout.byte_position else "")
            + f"): set encoding= {layout.setting} to 'utf-8'"
        )
        column = position if name is None or layout.byte_position else name
        raise ImportFailure(path, number, message, column, code="FCT201")


# The codecs that read the byte-order mark to learn the byte order, and the marks.
_MARKED = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def _check_mark(path: str, codec: str, start: bytes, layout: Layout) -> None:
    """FCT201 for a file without the byte-order mark its encoding needs: Python's
    ``utf-16`` cannot read one (another download in the folder, most likely), and
    raised an error of its own that stopped identify() for the whole folder."""
    marks = _MARKED.get(codec)
    if marks is None or not start or start.startswith(marks):
        return
    message = (
        f"the file has no {codec.upper()} byte-order mark, so its byte order is unknown: "
        f'if it is {codec.upper()}, set encoding="{codec}-le" (Windows) or "{codec}-be"; '
        f"otherwise it is in another encoding than {layout.encoding}"
    )
    raise ImportFailure(path, 1, message, code="FCT201")


def _undecodable(
    path: str,
    line: int,
    exc: UnicodeDecodeError,
    layout: Layout,
    names: Sequence[str],
    wide: bool,
) -> ImportFailure:
    if wide:  # decoded in blocks, not lines: the place is the line reached so far
        message = f"the file ends inside a character, or holds bytes not in {layout.encoding}"
        return ImportFailure(path, line, f"{message}: {layout.fix()}", code="FCT201")
    raw = exc.object
    position = exc.start + 1
    before = raw[: exc.start].decode(layout.encoding, errors="replace")
    name = _column(names, before.count(layout.delimiter))
    message = f"byte 0x{raw[exc.start]:02x} at position {position} cannot be read as "
    message += layout.encoding
    if name is not None and layout.byte_position:
        message += f" (column {name!r})"
    column = position if name is None or layout.byte_position else name
    message += f": the file is in another encoding; {layout.fix()}"
    return ImportFailure(path, line, message, column, code="FCT201")


def _unreadable(
    path: str, start: int, stop: int, exc: csv.Error, layout: Layout, names: Sequence[str]
) -> ImportFailure:
    """A record the csv module refuses: say why, and in which field it went wrong."""
    text = str(exc)
    if "unexpected end of data" in text:
        message = (
            "the file ends inside a quoted field: a quote is not closed, or the file is cut "
            "short (a truncated download)"
        )
    elif "new-line character" in text:
        message = (
            "a line break (\\r) inside a field that is not quoted: the file is damaged, or "
            "the field lacks its quotes"
        )
    else:
        message = f"the row cannot be read ({text}): check the quotes in it"
    record = _record(path, layout, start, stop)
    stray = _LONE_CR.search(record)
    field = _open_quote_field(record[: stray.start()] if stray else record, layout)
    column = _column(names, field) or field + 1
    return ImportFailure(path, start, message, column, code="FCT204")


def _record(path: str, layout: Layout, start: int, stop: int) -> str:
    """The text of lines start..stop again (only when a record cannot be read)."""
    parts: list[str] = []
    size = 0
    with open(path, encoding=layout.encoding, errors="replace", newline="") as handle:
        for line in itertools.islice(handle, start - 1, max(stop, start)):
            parts.append(line)
            size += len(line)
            if size > RECORD_LIMIT:
                break
    return "".join(parts)


def _open_quote_field(text: str, layout: Layout) -> int:
    """The index of the field where a record's raw text ends (inside an open quote)."""
    quote, delimiter = layout.quotechar, layout.delimiter
    field, quoted, at_start, closed = 0, False, True, False
    for char in text:
        if quoted:
            if char == quote:
                quoted, closed = False, True
            continue
        if char == quote and (at_start or closed):  # an opening quote, or a doubled one
            quoted, at_start, closed = True, False, False
            continue
        closed = False
        at_start = char == delimiter
        if at_start:
            field += 1
    return field


# A number format that pads a whole number with zeros, with a fixed text before or
# after it: `000000`, `"RF-"0000`, `0000"-A"` (not `0`, `0.00` or `#,##0`).
_PADDED = re.compile(r'("[^"]*")?(0{2,})("[^"]*")?')


def _shown(value: int, number_format: str) -> Shown | None:
    """The whole number as the cell shows it, when its format pads it (`_PADDED`)."""
    padded = _PADDED.fullmatch(number_format)
    if padded is None or value < 0:
        return None
    before, zeros, after = padded.groups()
    number = Shown(value)
    number.shown = f"{(before or '')[1:-1]}{value:0{len(zeros)}d}{(after or '')[1:-1]}"
    return number


def _xlsx_value(cell: Any, mac: bool = False) -> Cell:
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
        shown = _shown(value, getattr(cell, "number_format", "") or "")
        if shown is not None:
            return shown
        return Mac1904Number(value) if mac else Decimal(value)
    if isinstance(value, float):
        number = Decimal(repr(value))
        number_format = getattr(cell, "number_format", "") or ""
        if "%" in number_format:
            return ExcelPercent(number)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2 and _to_cents(number_format):
            return MacToCents(number) if mac else ToCents(number)
        return Mac1904Number(number) if mac else number
    return str(value)


# Excel's date serial 1; openpyxl makes a smaller serial (-5) a day of 1899 (1899-12-25).
FIRST_EXCEL_DAY = datetime.date(1900, 1, 1)


# A number format's part that Excel shows as it is, not as digits: a quoted text, a
# character after a backslash, a bracket (a colour, a condition, a locale).
_FORMAT_TEXT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_FORMAT_PLACES = re.compile(r"\.([0#?]*)")


@functools.lru_cache(maxsize=64)
def _to_cents(number_format: str) -> bool:
    """True if a number format shows its positive numbers with two decimals, money's:
    `#,##0.00`, `"$"#,##0.00_);("$"#,##0.00)`. False for General, for a format of more
    decimals (`0.000`: it shows the fraction of a cent) or fewer (`#,##0` shows 1,235
    for 1234.567: neither the value nor its cents), a scientific or a text one."""
    positive = _FORMAT_TEXT.sub("", number_format.split(";")[0])
    if re.search(r"[eE@]", positive):
        return False
    places = _FORMAT_PLACES.search(positive)
    return places is not None and len(places.group(1)) == 2


# Excel keeps 15 significant digits; a float's repr may hold 17 (899.9999999999999).
_EXCEL_DIGITS = Context(prec=15, rounding=ROUND_HALF_EVEN)


def workbook_amount(value: Decimal, currency: str | None = None) -> Decimal:
    """A workbook's number as money: what its cell shows (`ToCents`: to the cent, rounded
    half-up as Excel rounds), else its value to Excel's 15 digits; ValueError if it
    cannot be an amount (1e308), or if it shows a fraction of a cent (of the currency's
    smallest unit: a thousandth of a KWD, a yen), which no bank moves."""
    bounded(value, value, places=False)
    # (2327.95 * 0.9 is kept as 2095.1549999999997: Excel shows 2095.155, to the cent
    # 2095.16.)
    number = _EXCEL_DIGITS.plus(value)
    if isinstance(value, ToCents):
        return number.quantize(CENT, ROUND_HALF_UP)
    unit = CENT if currency is None else smallest_unit(currency)
    if number != number.quantize(unit):
        raise ValueError(
            f"{number} is not in whole {not_whole(number, currency or 'USD')}, as the cell "
            "shows it (no bank moves a fraction of a cent): correct the cell to the amount "
            "meant, or, if it is a formula's result whose cents are meant, format the "
            "column with two decimals (in Excel: Format Cells, Number, 2 decimal places)"
        )
    cents = number.quantize(CENT)
    return cents if cents == number else number


def workbook_date(value: Cell) -> datetime.date:
    """A workbook's date, or a number that is an Excel date serial (a date cell formatted
    as a number), as a date; ValueError saying why it is not one."""
    try:
        if isinstance(value, datetime.date):
            day = value.date() if isinstance(value, datetime.datetime) else value
            if day < FIRST_EXCEL_DAY:  # a serial below 1, shown as a date
                raise ValueError(
                    f"{day.isoformat()} is not a date: an Excel date serial starts at 1, "
                    f"{FIRST_EXCEL_DAY}"
                )
            return within_dates(day, value.isoformat())
        # An Excel date serial in a cell formatted as a number: 1 is 1900-01-01;
        # below it (0, -5) Excel shows no date, and openpyxl one before 1900.
        serial = float(value)
        if not serial >= 1:
            raise ValueError(f"{value} is not a date: an Excel date serial starts at 1")
        epoch = CALENDAR_MAC_1904 if isinstance(value, Mac1904Number) else None
        day = from_excel(serial, epoch) if epoch else from_excel(serial)
        return within_dates(day.date(), value)
    except (ValueError, OverflowError, AttributeError, TypeError) as exc:
        message = str(exc) if "date" in str(exc) else f"{value} is not a date"
        raise ValueError(message) from None


_SHEET_NAME = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")


def sheet_names(path: str, limit: int = 20) -> list[str]:
    """The names of a workbook's first sheets, in order, read from its workbook part
    alone (not its sheets or strings); [] if it cannot be read."""
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > HEAD_BYTES * 16:
                return []
            text = archive.read(info).decode("utf-8", errors="replace")
    except (*BAD_XLSX, RuntimeError):
        return []
    return [html.unescape(name) for name in _SHEET_NAME.findall(text)[:limit]]


def _xlsx_rows(path: str, sheet_name: str | None) -> Rows:
    """(sheet row number, cells) of the sheet (the first one by default)."""
    try:
        book = _load_workbook(path)
    except BAD_XLSX as exc:
        message = f"not a readable XLSX workbook ({exc})"
        raise ImportFailure(path, None, message, code="FCT200") from exc
    number = 0
    try:
        if sheet_name is not None and sheet_name not in book.sheetnames:
            message = f"no sheet {sheet_name!r}; the sheets are {book.sheetnames}"
            raise ImportFailure(path, None, message, code="FCT203")
        try:
            sheet = book[sheet_name] if sheet_name else book.worksheets[0]
            number = (sheet.min_row or 1) - 1
            rows = _sheet_rows(path, sheet)
            mac = getattr(book, "epoch", None) == CALENDAR_MAC_1904
        except BAD_XLSX as exc:
            message = f"not a readable XLSX workbook ({exc})"
            raise ImportFailure(path, None, message, code="FCT200") from exc
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Uncalculated as exc:
                message = (
                    f"cell {exc} holds a formula whose value the workbook does not keep (a "
                    "program that does not calculate wrote it), so it would read as empty: "
                    "open the workbook in Excel or LibreOffice, save it, and import it again"
                )
                column = get_column_letter(exc.column)
                raise ImportFailure(path, exc.row, message, column, code="FCT205") from None
            except BAD_XLSX as exc:
                message = f"the sheet cannot be read ({exc})"
                raise ImportFailure(path, number + 1, message, code="FCT200") from exc
            number = next((int(c.row) for c in row if getattr(c, "row", None)), number + 1)
            try:
                cells = [_xlsx_value(cell, mac) for cell in row]
            except BAD_XLSX as exc:
                message = f"the row cannot be read ({exc})"
                raise ImportFailure(path, number, message, code="FCT200") from exc
            yield number, cells
    finally:
        book.close()


def _too_much(path: str, reason: str, line: int | None = None) -> ImportFailure:
    message = f"the workbook is larger than is read: {reason}; {AS_CSV}"
    return ImportFailure(path, line, message, code="FCT200")


def _bound_parts(path: str, book: zipfile.ZipFile) -> None:
    """Every part of the workbook within its bounds, from the zip's directory."""
    for info in book.infolist():
        name, size = info.filename, info.file_size
        sheet = name.lower().startswith("xl/worksheets/")
        limit = MAX_SHEET_BYTES if sheet else MAX_PART_BYTES
        if size > limit:
            reason = f"its part {name} is {size / MIB:,.0f} MiB uncompressed, over "
            raise _too_much(path, reason + f"the {limit / MIB:,.0f} MiB read")
        if size > RATIO_FROM and size > MAX_RATIO * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            reason = (
                f"its part {name} inflates {ratio:,.0f} times ({info.compress_size:,} bytes "
                f"to {size:,}), over the {MAX_RATIO} times of a real workbook (a zip bomb?)"
            )
            raise _too_much(path, reason)


def _count_shared_strings(path: str, source: IO[bytes]) -> None:
    """The shared strings counted in the raw XML, in blocks, before they are parsed."""
    count, rest = 0, b""
    for block in iter(functools.partial(source.read, 1 << 20), b""):
        text = rest + block
        cut = max(len(text) - 64, 0)  # a tag cut by the block's end is counted next time
        cut = text.rfind(b"<", cut) if b"<" in text[cut:] else len(text)
        count += len(_SHARED_STRING.findall(text, 0, cut))
        rest = text[cut:]
        if count > MAX_SHARED_STRINGS:
            break
    count += len(_SHARED_STRING.findall(rest))
    if count > MAX_SHARED_STRINGS:
        reason = f"over {MAX_SHARED_STRINGS:,} shared strings (texts), more than are read"
        raise _too_much(path, reason)


class _BoundedReader(ExcelReader):
    """openpyxl's reader of a workbook, which counts the shared strings before reading."""

    path = ""

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        name = part.PartName[1:]
        with self.archive.open(name) as source:
            _count_shared_strings(self.path, source)
        with self.archive.open(name) as source:
            self.shared_strings = read_string_table(source)


def _load_workbook(path: str) -> Any:
    """The workbook read-only, its values not its formulas, within the bounds."""
    with zipfile.ZipFile(path) as archive:
        _bound_parts(path, archive)
    reader = _BoundedReader(path, read_only=True, data_only=True)
    reader.path = path
    reader.read()
    return reader.wb


def _bound_dimension(path: str, max_col: int | None, max_row: int | None) -> None:
    """The sheet's declared size (every row is padded to its width) within the bounds."""
    if max_col is not None and max_col > MAX_COLUMNS:
        last = get_column_letter(min(max_col, 18_278))  # XFD is 16,384; ZZZ the last name
        reason = (
            f"the sheet declares {max_col:,} columns (to column {last}), over the "
            f"{MAX_COLUMNS:,} read (delete the empty columns after the table in Excel, or "
        )
        message = f"the workbook is larger than is read: {reason}{AS_CSV})"
        raise ImportFailure(path, None, message, code="FCT200")
    if max_row is not None and max_row > MAX_ROWS:
        raise _too_much(path, f"the sheet declares {max_row:,} rows, over Excel's {MAX_ROWS:,}")
    if max_col is not None and max_row is not None and max_col * max_row > MAX_CELLS:
        reason = (
            f"the sheet declares {max_row:,} rows of {max_col:,} columns, over the "
            f"{MAX_CELLS:,} cells read (delete the empty rows and columns after the table "
            "in Excel, or "
        )
        message = f"the workbook is larger than is read: {reason}{AS_CSV})"
        raise ImportFailure(path, None, message, code="FCT200")


def _bound_row(path: str, index: int, row: list[dict[str, Any]]) -> int:
    """The row's last column, within the bounds."""
    if index > MAX_ROWS:
        raise _too_much(path, f"row {index:,} is past Excel's last, {MAX_ROWS:,}", MAX_ROWS)
    widest = max((cell.get("column") or 0 for cell in row), default=0)
    if widest > MAX_COLUMNS:
        reason = f"the row has a cell in column {widest:,}, over the {MAX_COLUMNS:,} read"
        raise _too_much(path, reason, index)
    return int(widest)


class Uncalculated(ValueError):
    """A cell holding a formula whose value the workbook does not keep."""

    def __init__(self, row: int, column: int) -> None:
        super().__init__(f"{get_column_letter(column)}{row}")
        self.row, self.column = row, column


class _RowParser(WorkSheetParser):
    """openpyxl's parser of a worksheet's XML, for its rows only, each forgotten once read.

    openpyxl's own (3.1) clears a row it has read but leaves it in the tree of the
    sheet's data, about 100 bytes a row: 100 MB for a million rows. This one takes it
    out of the tree; its cells are read by openpyxl's `parse_row`, as openpyxl reads them.
    """

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        formula = cell["value"] is None and element.find(FORMULA_TAG) is not None
        # (Excel keeps a formula's empty text as an empty <v/> of type "str"; openpyxl
        # writes one of a formula it did not calculate too, of no type.)
        if formula and (element.find(VALUE_TAG) is None or element.get("t") != "str"):
            # A formula with no value kept: the workbook was written by a program that
            # does not calculate, and the cell would read as empty.
            raise Uncalculated(cell["row"], cell["column"])
        return cell

    def parse(self) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        data = None
        for event, element in iterparse(self.source, events=("start", "end")):
            if event == "start":
                if element.tag == DATA_TAG:
                    data = element
            elif element.tag == ROW_TAG:
                row = self.parse_row(element)
                element.clear()
                if data is not None:
                    data.remove(element)  # the first child: the rows before it are gone
                yield row


def _sheet_rows(path: str, sheet: Any) -> Iterator[tuple[Any, ...]]:
    """What `sheet.iter_rows()` gives for a read-only worksheet (missing rows empty, every
    row as wide as the sheet), read with `_RowParser`.

    The sheet's declared size (its `<dimension>`) is a floor, not a limit: some tools
    write it wrong (`A1:K3` over six rows), Excel ignores it, and openpyxl's own reading
    stops there, which left the rows after it out in silence. Every row the sheet holds
    is read, as wide as the widest row so far."""
    try:
        book, source, strings = sheet.parent, sheet._get_source, sheet._shared_strings
        options = {
            "data_only": book.data_only,
            "epoch": book.epoch,
            "date_formats": book._date_formats,
            "timedelta_formats": book._timedelta_formats,
        }
    except AttributeError:  # another openpyxl: its own reading, which holds more
        yield from sheet.iter_rows()
        return
    max_col, max_row = sheet.max_column, sheet.max_row
    _bound_dimension(path, max_col, max_row)
    width = max_col or 0
    counter = index = 1
    with source() as src:
        for index, row in _RowParser(src, strings, **options).parse():
            width = max(width, _bound_row(path, index, row))
            while counter < index:  # rows the file leaves out
                counter += 1
                yield (EMPTY_CELL,) * width
            if counter <= index:
                counter += 1
                yield sheet._get_row(row, 1, width or None, False)
    if max_row is not None and counter <= max_row:
        for _ in range(counter, max_row + 1):
            yield (EMPTY_CELL,) * width


def head(path: str, layout: Layout, count: int) -> list[tuple[int, list[Cell]]] | None:
    """The first `count` rows, up to the first that cannot be read; None if none can.

    For identify(): a bad byte or quote below the header is extract's to report.
    """
    if not is_xlsx(path):
        layout = replace(layout, encoding=wide_encoding(path, layout.encoding))
    rows = raw_rows(path, layout)
    found: list[tuple[int, list[Cell]]] = []
    try:
        for row in rows:
            found.append(row)
            if len(found) >= count:
                break
    except (ImportFailure, OSError):
        return found or None
    finally:
        rows.close()
    return found
