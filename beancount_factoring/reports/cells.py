"""Cells and tables for the text and CSV output: money, rates, dates, aligned columns."""

from __future__ import annotations

import datetime
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


def percent(rate: Decimal | None) -> str:
    """A rate as a percentage with two decimals: ``0.365`` -> ``36.50%`` (empty if None)."""
    if rate is None:
        return ""
    return f"{(rate * 100).quantize(CENT, rounding=ROUND_HALF_UP):.2f}%"


def rate(value: Decimal | None) -> str:
    """A rate as a plain number, as the agreement writes rates: ``0.365`` -> ``0.3650``
    (four decimals: a percentage to two; empty if None). For CSV, which sums and sorts it."""
    if value is None:
        return ""
    return str(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def number(value: Decimal | int | None, places: str = "0.1") -> str:
    if value is None:
        return ""
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


def day(value: datetime.date | None) -> str:
    return value.isoformat() if value is not None else ""


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    """An aligned table: a header line, a rule, the rows; ``right`` aligns columns right."""
    count = len(headers)
    if len(right) != count or any(len(row) != count for row in rows):
        raise ValueError("a table's rows and alignments must have a cell per header")
    columns = zip(*rows, strict=True) if rows else ((),) * count
    widths = [
        max(len(h), max(map(len, column), default=0))
        for h, column in zip(headers, columns, strict=True)
    ]
    # One format for every line (a wide report is tens of thousands of them): each
    # cell padded to its column's width, as str.rjust and str.ljust would.
    template = "  ".join(
        f"{{:{'>' if align else '<'}{width}}}" for width, align in zip(widths, right, strict=True)
    )
    rule = "  ".join("-" * w for w in widths)
    lines = [template.format(*headers).rstrip(), rule]
    lines.extend(template.format(*row).rstrip() for row in rows)
    return "\n".join(lines)
