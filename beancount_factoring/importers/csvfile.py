"""Reading a bank's or a billing system's CSV export one row at a time.

A `CsvLayout` says how the file is written; a `CsvTable` reads its header, finds the
configured columns in it and yields the rows with the line each starts on, so every
error can name its place. Nothing but the current row is held in memory:

    layout = CsvLayout(delimiter=";", encoding="cp1252", skip_rows=3)
    with CsvTable("umsatz.csv", layout) as table:
        when = table.column("Buchungstag")
        for row in table.rows():
            print(row.line, table.cell(row, when, "Buchungstag"))

Anything wrong with the file (a column missing from the header, a row cut short, bytes
that are not in the encoding, broken quoting) is raised as `ImportFailure` naming the file,
the line and the column; nothing else escapes.
"""

from __future__ import annotations

import codecs
import csv
import gc
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import TracebackType
from typing import IO, Any, NamedTuple, NoReturn

from beancount_factoring.importers.base import ImportFailure, parse_date, parse_decimal

# How much of a file identify() looks at: the header, a title row with the account number.
HEAD_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True)
class CsvLayout:
    """How a CSV file is written: delimiter, encoding, lines before the header."""

    delimiter: str = ","
    encoding: str = "utf-8-sig"
    skip_rows: int = 0
    quotechar: str = '"'

    def __post_init__(self) -> None:
        # A misspelt encoding is a mistake in import.py: say so when it is loaded,
        # not once per file.
        try:
            codecs.lookup(self.encoding)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {self.encoding!r}") from exc
        if len(self.delimiter) != 1:
            raise ValueError(f"the delimiter must be one character, not {self.delimiter!r}")
        if self.skip_rows < 0:
            raise ValueError("skip_rows must be 0 or more")


def normal(name: str) -> str:
    """A header name compared without regard to case, spacing or a byte-order mark."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def head_text(path: str, encoding: str) -> str:
    """The start of a file as text, for identify(); undecodable bytes are replaced."""
    with open(path, "rb") as handle:
        raw = handle.read(HEAD_BYTES)
    return raw.decode(encoding, errors="replace")


def read_header(path: str, layout: CsvLayout) -> list[str] | None:
    """The header row of a file, or None when it has none in this layout (for identify())."""
    try:
        text = head_text(path, layout.encoding)
        lines = text.splitlines()[layout.skip_rows :]
        if not lines:
            return None
        reader = csv.reader(lines, delimiter=layout.delimiter, quotechar=layout.quotechar)
        # Blank rows before the header are passed over, as CsvTable passes them over.
        return next((row for row in reader if "".join(row).strip()), None)
    except (OSError, UnicodeError, csv.Error, LookupError):
        return None


def decode_error_place(path: str, encoding: str) -> tuple[int, int, str]:
    """Line, column and a hint for the first bytes of a file that `encoding` cannot read."""
    with open(path, "rb") as handle:
        first = handle.read(4)
        handle.seek(0)
        for bom, name in _BOMS:
            if first.startswith(bom) and not encoding.lower().replace("_", "-").startswith(name):
                return 1, 1, f"the file is {name.upper()} (it starts with its byte-order mark)"
        decoder = codecs.getincrementaldecoder(encoding)()
        number = 0
        for number, raw in enumerate(handle, start=1):
            try:
                decoder.decode(raw)
            except UnicodeDecodeError as exc:
                return number, exc.start + 1, f"byte {raw[exc.start : exc.start + 1]!r}"
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return number, 1, "the file ends inside a character"
    return 1, 1, "an undecodable byte"  # pragma: no cover - the decoder failed before


class Row(NamedTuple):
    """One row of a CSV file and the line of the file it starts on."""

    line: int
    cells: list[str]


class CsvTable:
    """A CSV file opened for reading: its header, then its rows (see the module docstring)."""

    def __init__(self, path: str, layout: CsvLayout) -> None:
        self.path = path
        self.layout = layout
        self.handle: IO[str] | None = None
        self.header: list[str] = []
        self.header_line = layout.skip_rows + 1
        self._names: dict[str, int] = {}
        self._wanted: dict[int, str] = {}
        self._needed = 0
        self._reader: Any = iter(())
        self._offset = layout.skip_rows
        self._line_num = 0

    def __enter__(self) -> CsvTable:
        try:
            # newline="" lets the csv module see line breaks inside quoted fields.
            self.handle = open(self.path, encoding=self.layout.encoding, newline="")
        except OSError as exc:
            raise ImportFailure(self.path, None, f"cannot read the file: {exc.strerror}") from exc
        try:
            self._start()
        except BaseException:
            self.handle.close()  # __exit__ is not called when __enter__ fails
            raise
        return self

    def _start(self) -> None:
        """Skip the title lines and read the header."""
        assert self.handle is not None
        try:
            for _ in range(self.layout.skip_rows):
                self.handle.readline()
        except UnicodeDecodeError as exc:
            raise self._decode_failure() from exc
        self._reader = csv.reader(
            self.handle,
            delimiter=self.layout.delimiter,
            quotechar=self.layout.quotechar,
            strict=True,  # an unclosed quote at the end is a truncated file, not data
        )
        first = next(self.rows(), None)
        if first is None:
            raise ImportFailure(self.path, self.header_line, "the file is empty: it has no header")
        self.header, self.header_line = first.cells, first.line
        for index, name in enumerate(self.header):
            self._names.setdefault(normal(name), index)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.handle is not None:
            self.handle.close()

    def _decode_failure(self) -> ImportFailure:
        line, column, what = decode_error_place(self.path, self.layout.encoding)
        return ImportFailure(
            self.path,
            line,
            f"{what} cannot be read as {self.layout.encoding}: give the importer the "
            "file's encoding (encoding='cp1252', 'latin-1', 'utf-16', ...)",
            column,
        )

    def column(self, name: str | None, *, required: bool = True) -> int | None:
        """The index of a column by its header name; ImportFailure if a required one is absent."""
        if name is None:
            return None
        index = self._names.get(normal(name))
        if index is not None:
            self._wanted.setdefault(index, name)
            self._needed = max(self._needed, index + 1)
        if index is None and required:
            shown = ", ".join(repr(cell) for cell in self.header)
            raise ImportFailure(
                self.path,
                self.header_line,
                f"the header has no column {name!r}; it has {shown}",
                name,
            )
        return index

    def rows(self) -> Iterator[Row]:
        """The rows after the header, blank ones left out."""
        reader = self._reader
        while True:
            start = self._offset + self._line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except UnicodeDecodeError as exc:
                raise self._decode_failure() from exc
            except csv.Error as exc:
                raise ImportFailure(self.path, start, _csv_message(exc)) from exc
            self._line_num = reader.line_num
            if not "".join(cells).strip():  # a blank row (one C call, not one per cell)
                continue
            if len(cells) < self._needed:
                self._short(Row(start, cells))
            yield Row(start, cells)

    def _short(self, row: Row) -> NoReturn:
        """A row too short to hold every configured column: a file cut short, or a stray line."""
        name = self._wanted[min(i for i in self._wanted if i >= len(row.cells))]
        raise ImportFailure(
            self.path,
            row.line,
            f"the row has {len(row.cells)} fields and ends before this column "
            f"(the header has {len(self.header)}): is the file truncated?",
            name,
        )

    def cell(self, row: Row, index: int | None, name: str | None) -> str:
        """A cell's text, stripped; '' for a column not configured (rows() checked the length)."""
        if index is None:
            return ""
        if index >= len(row.cells):
            self._short(row)
        return row.cells[index].strip()

    def fail(self, row: Row, name: str | None, message: str) -> ImportFailure:
        """An ImportFailure for one cell of a row."""
        return ImportFailure(self.path, row.line, message, name)


def _csv_message(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "the file ends inside a quoted field: it looks truncated"
    if "NUL" in text:
        return "the row holds a NUL byte: this is not a text CSV file"
    return f"not valid CSV here: {text}"


def has_columns(header: Sequence[str], names: Sequence[str]) -> bool:
    """True if the header holds every one of `names` (without regard to case or spacing)."""
    present = {normal(cell) for cell in header}
    return all(normal(name) in present for name in names)


def mentions(path: str, text: str, encoding: str) -> bool:
    """True if `text` (an account number, say) is in the file's name or first lines.

    Spaces are ignored on both sides, so "DE89 3704 0044" finds "DE8937040044".
    """
    wanted = re.sub(r"\s+", "", text)
    if wanted in re.sub(r"\s+", "", os.path.basename(path)):
        return True
    try:
        return wanted in re.sub(r"\s+", "", head_text(path, encoding))
    except (OSError, LookupError):
        return False


def latest_date(path: str, layout: CsvLayout, column: str, formats: Sequence[str]) -> date | None:
    """The latest date in one column of a file: what an importer's date() returns."""
    latest: date | None = None
    with CsvTable(path, layout) as table:
        index = table.column(column)
        for row in table.rows():
            try:
                when = read_date(table.cell(row, index, column), tuple(formats))
            except ValueError as exc:
                raise table.fail(row, column, str(exc)) from None
            latest = when if latest is None else max(latest, when)
    return latest


# Most cells hold a plain number, and a statement has many rows per day: both are read
# fast here before the general parsers of `base` are asked.
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def read_number(text: str, decimal_mark: str, thousands: str) -> Decimal:
    """`base.parse_decimal`, with a fast path for plain numbers like `-1234.50`."""
    if decimal_mark == "." and _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    return parse_decimal(text, decimal_mark, thousands)


@lru_cache(maxsize=4096)
def read_date(text: str, formats: tuple[str, ...]) -> date:
    """`base.parse_date`, remembered: a statement repeats each date on many rows."""
    return parse_date(text, formats)


@contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a file's entries are built.

    A large statement makes hundreds of thousands of small objects, none in a cycle; the
    collector would walk all of them again and again as they accumulate (a third of the
    time on 100k rows). Reference counting still frees everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
