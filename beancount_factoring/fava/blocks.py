"""The parts of a page: tables and charts as the JSON Fava's components read.

Fava renders ``<svelte-component type="query-table">`` and ``type="charts"``
from a ``<script type="application/json">`` child. The JSON is made here once
per page and request parameters, escaped for HTML (``<``, ``>``, ``&`` and
``'`` become ``\\u003c``...), so no ledger string can end the script element;
Fava's components then show every string as text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import simplejson
from fava.util.date import INTERVALS as FAVA_INTERVALS
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from beancount_factoring.fava.view import View

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ONE_DAY = datetime.timedelta(days=1)
MAX_ROWS = 1000
"""Rows shown in one table at most; the page says how many more there are."""

# Fava's query-table column types.
STR, DATE, INT, DECIMAL = "str", "date", "int", "Decimal"


def money(value: Decimal) -> Decimal:
    """An amount rounded half-up to cents, as the reports show it."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)


def tenths(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _default(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _dumps(obj: Any, **kwargs: Any) -> str:
    return simplejson.dumps(obj, use_decimal=True, default=_default, separators=(",", ":"))


def to_json(obj: Any) -> Markup:
    """JSON that is safe inside a ``<script>`` element of an HTML page."""
    return htmlsafe_json_dumps(obj, dumps=_dumps)


@dataclass(frozen=True)
class Table:
    """A query-table: its JSON, how many rows it shows of how many.

    ``invoice_column`` is the index of the column whose invoice numbers the
    page's script links to Fava's journal (None: no links); ``source_column`` the
    index of the column of ``file:line`` places it links to Fava's editor at the line.
    """

    data: Markup
    shown: int
    total: int
    invoice_column: int | None = None
    source_column: int | None = None
    totals: tuple[tuple[str, ...], ...] = ()

    @property
    def totals_json(self) -> str:
        """The total rows as JSON text, for the element's ``data-totals`` attribute: the
        page's script writes them in the table's footer, which sorting does not move."""
        return simplejson.dumps([list(row) for row in self.totals])

    @property
    def cut(self) -> int:
        """Rows left out to keep the page small."""
        return self.total - self.shown


TOTAL = "Total"
"""The first cell of a table's total row."""


def total_rows(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], summed: Iterable[str]
) -> list[list[Any]]:
    """The total rows of a table: one per currency (its ``Currency`` column), after the rows.

    The columns named in ``summed`` add up (every row, also those a long table does not
    show); the first column says ``Total``, the currency column its currency, the others
    are empty (a rate or a date does not add up).
    """
    names = [name for name, _ in columns]
    summed_at = [names.index(name) for name in summed if name in names]
    if not rows or not summed_at:
        return []
    currency_at = names.index("Currency") if "Currency" in names else None
    totals: dict[str, list[Any]] = {}
    for row in rows:
        currency = row[currency_at] if currency_at is not None else ""
        total = totals.get(currency)
        if total is None:
            total = [None] * len(columns)
            total[0] = TOTAL
            if currency_at is not None:
                total[currency_at] = currency
            for index in summed_at:
                total[index] = Decimal(0) if columns[index][1] == DECIMAL else 0
            totals[currency] = total
        for index in summed_at:
            total[index] += row[index] or 0
    return [totals[currency] for currency in sorted(totals)]


def table(
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    invoice_column: str | None = None,
    limit: int = MAX_ROWS,
    leave_out: Iterable[str] = (),
    source_column: str | None = None,
    summed: Iterable[str] = (),
    number: Callable[[Decimal], str] | None = None,
) -> Table:
    """A query-table of ``columns`` (name, Fava dtype) and at most ``limit`` rows.

    The columns named in ``leave_out`` are not shown (a Currency column when
    the whole page is in one currency). With ``summed`` the table ends with its
    total rows (``total_rows``), computed over all its rows, written as text by
    ``number`` (Fava's, so that they read as the rows do) in the table's footer.
    """
    totals = total_rows(columns, rows, summed)
    leave_out = set(leave_out)
    if leave_out:
        keep = [i for i, (name, _) in enumerate(columns) if name not in leave_out]
        columns = [columns[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
        totals = [[row[i] for i in keep] for row in totals]
    names = [name for name, _ in columns]
    if len(set(names)) != len(names):
        raise ValueError(f"column names must differ: {names}")
    shown = rows[:limit]
    data = {
        "t": "table",
        "types": [{"name": name, "dtype": dtype} for name, dtype in columns],
        "rows": [list(row) for row in shown],
    }
    index = names.index(invoice_column) if invoice_column is not None else None
    source = names.index(source_column) if source_column is not None else None
    write = number or (lambda value: f"{value:.2f}")
    written = tuple(
        tuple(
            "" if cell is None else write(money(cell)) if isinstance(cell, Decimal) else str(cell)
            for cell in row
        )
        for row in totals
    )
    return Table(to_json(data), len(shown), len(rows), index, source, written)


def drop_zero_columns(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], optional: Iterable[str]
) -> tuple[list[tuple[str, str]], list[list[Any]]]:
    """Leave out the ``optional`` columns that are zero or empty on every row."""
    optional = set(optional)
    keep = [
        index
        for index, (name, _) in enumerate(columns)
        if name not in optional or any(row[index] for row in rows)
    ]
    return [columns[i] for i in keep], [[row[i] for i in keep] for row in rows]


@dataclass(frozen=True)
class Headline:
    """A few figures that answer a page's question, shown first as a small HTML table.

    ``cells`` are already written as text (amounts in Fava's locale); a row whose
    first cell is ``Total`` is a total row. ``numeric`` marks the columns aligned right.
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...] = ()
    note: str = ""
    empty: str = "Nothing to show."


@dataclass(frozen=True)
class Page:
    """Everything one page shows for one set of request parameters."""

    view: View
    tables: Mapping[str, Table]
    charts: Markup | None
    notices: tuple[str, ...] = ()
    figures: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)
    headlines: tuple[Headline, ...] = ()


def charts(items: Sequence[Mapping[str, Any]]) -> Markup | None:
    """The JSON of a charts component (charts without data left out), or None."""
    drawn = [item for item in items if item["data"]]
    return to_json(drawn) if drawn else None


def step_series(
    points: Sequence[tuple[datetime.date, Decimal]],
    start: datetime.date | None,
    end: datetime.date,
) -> list[tuple[datetime.date, Decimal]]:
    """A balance that changes on some days, as points a line chart draws as steps.

    ``points`` are (day, balance at the end of that day), sorted. The result
    starts at ``start`` with the balance carried in (at the first change when
    ``start`` is None), holds each balance until the day before the next
    change, and ends at ``end``.
    """
    carried = Decimal(0)
    inside: list[tuple[datetime.date, Decimal]] = []
    for day, balance in points:
        if day > end:
            break
        if start is not None and day < start:
            carried = balance
            continue
        inside.append((day, balance))
    series: list[tuple[datetime.date, Decimal]] = []
    if start is not None and (not inside or inside[0][0] > start):
        series.append((start, carried))
    for day, balance in inside:
        if series and day - ONE_DAY > series[-1][0]:
            series.append((day - ONE_DAY, series[-1][1]))
        series.append((day, balance))
    if series and series[-1][0] < end:
        series.append((end, series[-1][1]))
    return series


def period_of(interval: str, day: datetime.date) -> datetime.date:
    """The first day of the period of Fava's ``interval`` that holds ``day`` (a week
    starts on Monday): the date of a bar of Fava's bar chart, which Fava labels by the
    interval (``2025W05``), so that the label names the period the bar adds up."""
    return FAVA_INTERVALS[interval].get_prev(day)


def balances_chart(
    label: str, series: Mapping[str, Sequence[tuple[datetime.date, Decimal]]]
) -> dict[str, Any]:
    """A Fava "balances" line chart with one line per key of ``series``."""
    by_date: dict[datetime.date, dict[str, Decimal]] = {}
    for name, points in series.items():
        for day, balance in points:
            by_date.setdefault(day, {})[name] = money(balance)
    return {
        "type": "balances",
        "label": label,
        "data": [{"date": day, "balance": by_date[day]} for day in sorted(by_date)],
    }
