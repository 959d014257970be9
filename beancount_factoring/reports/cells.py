"""Cells and tables for the text and CSV output: money, rates, dates, aligned columns."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | None, separators: bool = False) -> str:
    """An amount rounded half-up to cents: ``1234.5`` -> ``1234.50`` (``1,234.50``)."""
    if value is None:
        return ""
    if not value:
        # Any zero (``0``, ``0.000``, ``-0``): a report of every invoice is full of them.
        return "0.00"
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:,.2f}" if separators else f"{rounded:.2f}"


def _rounded(value: Decimal, places: str) -> str:
    """The value rounded half-up to ``places``, in plain digits; never a negative zero
    (``-0.00001`` -> ``0.0000``, not ``-0.0000``)."""
    rounded = value.quantize(Decimal(places), rounding=ROUND_HALF_UP)
    return f"{abs(rounded) if rounded.is_zero() else rounded:f}"


def percent(rate: Decimal | None) -> str:
    """A rate as a percentage with two decimals: ``0.365`` -> ``36.50%`` (empty if None)."""
    if rate is None:
        return ""
    return _rounded(rate * 100, "0.01") + "%"


def rate(value: Decimal | None) -> str:
    """A rate as a plain number, as the agreement writes rates: ``0.365`` -> ``0.3650``
    (four decimals: a percentage to two; empty if None). For CSV, which sums and sorts it."""
    if value is None:
        return ""
    return _rounded(value, "0.0001")


def number(value: Decimal | int | None, places: str = "0.1") -> str:
    if value is None:
        return ""
    return _rounded(Decimal(value), places)


def day(value: datetime.date | None) -> str:
    return value.isoformat() if value is not None else ""


# What a terminal would act on rather than show, in a name copied from someone else's
# file: control characters (a line break, a tab, ESC starting a colour or cursor move),
# the line and paragraph separators, and the bidirectional embeddings, overrides and
# isolates (which reorder what follows them on the line: "Trojan Source").
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def heading(title: str, projected_after: datetime.date | None) -> list[str]:
    """A report's first lines: its title, the word that it projects past the books if it
    does (``projected_after``: the ledger's last date), then a blank line."""
    if projected_after is None:
        return [shown(title), ""]
    note = (
        f"Projected: the ledger's last date is {projected_after}; what is shown after it "
        "(fees accrued, days counted, statuses) assumes nothing happened since."
    )
    return [shown(title), note, ""]


def shown(text: str) -> str:
    """The text as a line of a table shows it: each character a terminal would act on
    written as its escape (``\\n``, ``\\t``, ``\\x1b``, ``\\u202e``), visibly."""
    if text.isascii() and text.isprintable():
        return text
    return _UNSHOWN.sub(lambda found: found[0].encode("unicode_escape").decode("ascii"), text)


def width(text: str) -> int:
    """How many columns of a terminal the text takes: a wide (CJK, full-width) character
    two, a combining mark or a zero-width one none, any other one."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.east_asian_width(char) in "WF":
        return 2
    if unicodedata.combining(char) or unicodedata.category(char) in ("Me", "Mn", "Cf"):
        return 0
    return 1


NO_ROWS = "  None."


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """An aligned table: a header line, a rule, the rows; ``right`` aligns columns right.

    A cell is shown as ``shown`` writes it, and takes the columns ``width`` counts, so
    that a wide (CJK) name keeps the columns after it in place. A table of no rows is
    ``NO_ROWS``: a header over nothing would look like a report cut short.
    """
    count = len(headers)
    if len(right) != count or any(len(row) != count for row in rows):
        raise ValueError("a table's rows and alignments must have a cell per header")
    if not rows:
        return NO_ROWS
    # Most rows are plain ASCII, which str.format pads right; the others are padded here.
    marks = [_plain(row) for row in rows]
    plain = [row for row, mark in zip(rows, marks, strict=True) if mark]
    other = {i: [shown(cell) for cell in rows[i]] for i, mark in enumerate(marks) if not mark}
    columns = zip(*plain, strict=True) if plain else ((),) * count
    widths = [
        max(len(h), max(map(len, column), default=0))
        for h, column in zip(headers, columns, strict=True)
    ]
    for cells in other.values():
        widths = [max(w, width(cell)) for w, cell in zip(widths, cells, strict=True)]
    # One format for every line (a wide report is tens of thousands of them): each
    # cell padded to its column's width, as str.rjust and str.ljust would.
    template = "  ".join(
        f"{{:{'>' if align else '<'}{size}}}" for size, align in zip(widths, right, strict=True)
    )
    rule = "  ".join("-" * w for w in widths)
    lines = [template.format(*headers).rstrip(), rule]
    for index, row in enumerate(rows):
        if index in other:
            lines.append(_padded(other[index], widths, right))
        else:
            lines.append(template.format(*row).rstrip())
    return "\n".join(lines)


def _plain(row: Sequence[str]) -> bool:
    """Whether every cell of the row is printable ASCII (one column a character)."""
    joined = "".join(row)
    return joined.isascii() and joined.isprintable()


def _padded(row: Sequence[str], widths: Sequence[int], right: Sequence[bool]) -> str:
    """A row of shown cells, each padded to its column's width in terminal columns."""
    cells = []
    for cell, size, align in zip(row, widths, right, strict=True):
        pad = " " * (size - width(cell))
        cells.append(pad + cell if align else cell + pad)
    return "  ".join(cells).rstrip()
