"""Damaged copies of the sample documents, drawn by hypothesis.

Each `Sample` is a golden sample file and the importer that reads it. `damaged()` draws
one sample and one to four damages applied in turn:

- bytes: truncation, flipped, inserted and deleted bytes;
- encodings: the text written again in another encoding (UTF-16, UTF-32, cp1252,
  latin-1, with or without a byte-order mark, Mac Roman, or UTF-8 read as cp1252 and
  written again);
- lines: dropped, repeated, swapped, blank lines, `\\r\\n` or a lone `\\r`, the header
  dropped, a line of noise;
- columns: a field added or dropped in one line, the header or every line;
- cells: a field replaced by an odd value (a 40-digit amount, `NaN`, fullwidth digits,
  an impossible date, a formula, markup) or by a huge one (a long text, a long number,
  a quoted field with line breaks and quotes in it);
- workbooks: cells set to other types and values, rows and columns deleted or added,
  then saved again, or the saved file's bytes damaged.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from fuzzing import LONG
from hypothesis import assume
from hypothesis import strategies as st

# The largest huge field: a few megabytes in the long run, less in the short one.
HUGE = 4_000_000 if LONG else 40_000
ENCODINGS = ("utf-16", "utf-16-le", "utf-32", "cp1252", "latin-1", "utf-8", "utf-8-sig",
             "mac_roman", "cp437", "shift_jis", "mojibake")  # fmt: skip
ODD = (
    "", " ", "-", "(", ")", "$", "$-", "()", ".", ",", "1e5", "1E-3", "NaN", "nan", "Infinity",
    "-inf", "sNaN", "0", "-0", "(-5.00)", "--5", "+-5", "5-", "12.50-", "1,2,3", "1.2.3",
    "١٢٣", "１２３", "²", "½", "9" * 40, "-" + "9" * 40, "0." + "0" * 40 + "1",
    "99999999999999999999.99", "2025-02-30", "02/30/2025", "00/00/0000", "99/99/9999",
    "31.02.2025", "0000-00-00", "9999-12-31", "0001-01-01", "20250230", "=1+1",
    "=HYPERLINK(\"x\")", "<script>alert(1)</script>", "\x00", "\x1b[31m", "\u202e",
    "\ufeff", "a\nb", "a\rb", '"', '""', "'", "\\", "^", "#", ";", "\t", "TOTAL", "Total",
    "Grand Total", "*", "Yhteensä", "INV 1", "RF-1001", "RF-1001 ", "../../etc/passwd",
    "NULL", "None", "True", "🚚", "Ω" * 10,
)  # fmt: skip


class Sample:
    """A golden sample and how to read it (a plain class: hypothesis prints its repr)."""

    def __init__(
        self,
        path: Path,
        importer: Any,
        encoding: str,
        delimiter: str,
        existing: list[Any] | None = None,
    ) -> None:
        self.path = path
        self.importer = importer
        self.encoding = encoding
        self.delimiter = delimiter
        self.existing = existing or []

    @property
    def kind(self) -> str:
        suffix = self.path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            return "xlsx"
        if suffix in (".ofx", ".qfx", ".qbo"):
            return "ofx"
        return "text"

    def __repr__(self) -> str:
        return f"Sample({self.path.parent.name}/{self.path.name})"


class Case:
    """A damaged copy of a sample: its bytes and what was done to it."""

    def __init__(self, sample: Sample, content: bytes, damage: list[str]) -> None:
        self.sample = sample
        self.content = content
        self.damage = damage

    def __repr__(self) -> str:
        return f"Case({self.sample!r}, {self.damage!r}, {len(self.content)} bytes)"


# Bytes ----------------------------------------------------------------------------------


@st.composite
def byte_damage(draw: st.DrawFn, content: bytes) -> tuple[bytes, str]:
    size = len(content)
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "zero"]))
    at = draw(st.integers(0, max(size - 1, 0)))
    if kind == "truncate":
        return content[:at], f"truncated at {at}"
    if kind == "flip":
        count = draw(st.integers(1, 8))
        data = bytearray(content)
        spots = []
        for _ in range(count):
            spot = draw(st.integers(0, max(size - 1, 0)))
            if data:
                data[spot] = draw(st.integers(0, 255))
                spots.append(spot)
        return bytes(data), f"bytes changed at {spots}"
    if kind == "insert":
        extra = draw(st.binary(min_size=1, max_size=16))
        return content[:at] + extra + content[at:], f"inserted {extra!r} at {at}"
    if kind == "zero":
        return content[:at] + b"\x00" * 4 + content[at:], f"NULs at {at}"
    length = draw(st.integers(1, 64))
    return content[:at] + content[at + length :], f"deleted {length} bytes at {at}"


def encode(text: str, encoding: str) -> bytes:
    if encoding == "mojibake":  # UTF-8 taken for cp1252 and written again as UTF-8
        return text.encode("utf-8").decode("cp1252", errors="replace").encode("utf-8")
    return text.encode(encoding, errors="replace")


# Lines, columns and cells of text ------------------------------------------------------


def split_lines(text: str) -> tuple[list[str], str]:
    ending = "\r\n" if "\r\n" in text else "\n"
    return text.split(ending), ending


@st.composite
def value(draw: st.DrawFn) -> str:
    """An odd or a huge value for a cell."""
    kind = draw(st.sampled_from(["odd", "odd", "text", "huge"]))
    if kind == "odd":
        return draw(st.sampled_from(ODD))
    if kind == "text":
        return draw(st.text(max_size=24))
    size = draw(st.integers(1_000, HUGE))
    return draw(
        st.sampled_from(
            [
                "A" * size,
                "9" * size,
                "1," * (size // 2),
                '"' + 'x""\n,' * (size // 6) + '"',
                "(" * size,
                "\n" * size,
            ]
        )
    )


@st.composite
def line_damage(draw: st.DrawFn, text: str, delimiter: str) -> tuple[str, str]:
    lines, ending = split_lines(text)
    count = len(lines)
    at = draw(st.integers(0, count - 1))
    kind = draw(
        st.sampled_from(
            ["drop", "repeat", "swap", "blank", "crlf", "cr", "lf", "noise", "header",
             "extra", "missing", "extra-all", "missing-all", "cell", "cell", "cell"]
        )
    )  # fmt: skip
    if kind == "drop":
        del lines[at]
    elif kind == "repeat":
        lines.insert(at, lines[at])
    elif kind == "swap":
        other = draw(st.integers(0, count - 1))
        lines[at], lines[other] = lines[other], lines[at]
    elif kind == "blank":
        lines.insert(at, draw(st.sampled_from(["", " ", delimiter * 5, "\t"])))
    elif kind == "crlf":
        ending = "\r\n"
    elif kind == "cr":
        ending = "\r"
    elif kind == "lf":
        ending = "\n"
    elif kind == "noise":
        lines.insert(at, draw(st.text(max_size=80)))
    elif kind == "header":
        # The header is the first line with most delimiters among the first few.
        head = max(range(min(count, 6)), key=lambda i: lines[i].count(delimiter))
        del lines[head]
        at = head
    elif kind in ("extra", "extra-all", "missing", "missing-all"):
        targets = range(count) if kind.endswith("-all") else [at]
        position = draw(st.integers(0, 30))
        extra = draw(value())
        for index in targets:
            fields = lines[index].split(delimiter)
            spot = min(position, len(fields) - (0 if kind.startswith("extra") else 1))
            if kind.startswith("extra"):
                fields.insert(spot, extra)
            elif len(fields) > 1:
                del fields[max(spot, 0)]
            lines[index] = delimiter.join(fields)
    else:  # a cell
        fields = lines[at].split(delimiter)
        spot = draw(st.integers(0, max(len(fields) - 1, 0)))
        new = draw(value())
        if draw(st.booleans()) and '"' not in new:
            new = f'"{new}"'
        fields[spot] = new
        lines[at] = delimiter.join(fields)
    return ending.join(lines), f"{kind} at line {at + 1}"


# Workbooks ------------------------------------------------------------------------------


@st.composite
def cell_value(draw: st.DrawFn) -> Any:
    return draw(
        st.one_of(
            value(),
            st.none(),
            st.booleans(),
            st.integers(-(10**20), 10**20),
            st.floats(allow_nan=False, allow_infinity=False),
            st.sampled_from([1e308, -1e308, 5e-324, 0.1 + 0.2, 2150.5, 899.9999999999999]),
            st.dates(datetime.date(1900, 3, 1), datetime.date(9999, 12, 31)),
            st.datetimes(datetime.datetime(1900, 3, 1), datetime.datetime(9999, 12, 31)),
            st.sampled_from(["=1/0", "=A1", "=SUM(A1:A9)", "#DIV/0!", "#N/A"]),
        )
    )


@st.composite
def workbook_damage(draw: st.DrawFn, content: bytes) -> tuple[bytes, list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.worksheets[0]
    done = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(
                ["cell", "cell", "cell", "percent", "delete-row", "insert-row",
                 "delete-col", "insert-col", "new-sheet-first", "empty"]
            )
        )  # fmt: skip
        rows, cols = max(sheet.max_row, 1), max(sheet.max_column, 1)
        row = draw(st.integers(1, rows + 2))
        col = draw(st.integers(1, cols + 2))
        if kind == "cell":
            new = draw(cell_value())
            if isinstance(new, str):
                new = new[:32_000]  # Excel's limit; openpyxl refuses more
                new = "".join(c for c in new if c in "\t\n\r" or ord(c) >= 32)
            sheet.cell(row, col).value = new
        elif kind == "percent":
            sheet.cell(row, col).number_format = "0.00%"
        elif kind == "delete-row":
            sheet.delete_rows(row)
        elif kind == "insert-row":
            sheet.insert_rows(row)
        elif kind == "delete-col":
            sheet.delete_cols(col)
        elif kind == "insert-col":
            sheet.insert_cols(col)
        elif kind == "new-sheet-first":
            book.create_sheet("Cover", 0)
            sheet = book.worksheets[1]
        else:
            for line in sheet.iter_rows():
                for cell in line:
                    cell.value = None
        done.append(f"{kind} at {row},{col}")
    out = io.BytesIO()
    try:
        book.save(out)
    except (ValueError, TypeError, OverflowError) as exc:  # openpyxl refuses the value
        assume(False)
        raise AssertionError from exc  # pragma: no cover - assume() stops the case
    return stable(out.getvalue()), done


def stable(content: bytes) -> bytes:
    """A saved workbook without the time of saving in it (hypothesis replays each case)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                member = re.sub(
                    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z", member
                )
            stamp = zipfile.ZipInfo(info.filename, (2025, 1, 1, 0, 0, 0))
            target.writestr(stamp, member, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# The cases ------------------------------------------------------------------------------


@st.composite
def cell_damage(draw: st.DrawFn, text: str, delimiter: str) -> tuple[str, str]:
    """One cell of a row (an element's value in OFX) emptied or given an odd value."""
    lines, ending = split_lines(text)
    rows = [i for i, line in enumerate(lines) if line.count(delimiter) >= 2] or [0]
    at = draw(st.sampled_from(rows))
    fields = lines[at].split(delimiter)
    spot = draw(st.integers(0, len(fields) - 1))
    new = draw(st.just("") | value())
    if delimiter == "<":  # `TAG>value`: keep the tag
        tag, _, _ = fields[spot].partition(">")
        fields[spot] = f"{tag}>{new}"
    else:
        if draw(st.booleans()) and '"' not in new:
            new = f'"{new}"'
        fields[spot] = new
    lines[at] = delimiter.join(fields)
    return ending.join(lines), f"cell {spot + 1} of line {at + 1} = {new[:40]!r}"


@st.composite
def damaged(draw: st.DrawFn, samples: list[Sample]) -> Case:
    """A sample with a few damages of one kind, or of several."""
    sample = draw(st.sampled_from(samples))
    content = sample.path.read_bytes()
    damage: list[str] = []
    if sample.kind == "xlsx":
        if draw(st.integers(0, 3)):
            content, damage = draw(workbook_damage(content))
        if not damage or draw(st.booleans()):
            for _ in range(draw(st.integers(1, 3))):
                content, done = draw(byte_damage(content))
                damage.append(done)
        return Case(sample, content, damage)
    mode = draw(
        st.sampled_from(["cells", "cells", "cells", "lines", "bytes", "encoding", "mixed"])
    )
    delimiter = "<" if sample.kind == "ofx" else sample.delimiter
    for _ in range(draw(st.integers(1, 6 if mode == "cells" else 3))):
        what = mode
        if mode == "mixed":
            what = draw(st.sampled_from(["cells", "lines", "bytes", "encoding"]))
        if what == "bytes":
            content, done = draw(byte_damage(content))
            damage.append(done)
            continue
        text = content.decode(sample.encoding, errors="replace")
        if what == "encoding":
            encoding = draw(st.sampled_from(ENCODINGS))
            content = encode(text, encoding)
            damage.append(f"written in {encoding}")
            if mode == "encoding":
                break
            continue
        edit = cell_damage if what == "cells" else line_damage
        text, done = draw(edit(text, delimiter))
        content = encode(text, sample.encoding)
        damage.append(done)
    return Case(sample, content, damage)
