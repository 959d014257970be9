"""Show a report as text (aligned tables), CSV or JSON.

- ``text``: for a terminal; money rounded half-up to cents with thousands
  separators, rates as percentages with two decimals, averages with one.
- ``csv``: one table per report, one row per detail line, a header row first
  (columns in ``docs/reports.md``); money rounded half-up to cents, rates as
  plain numbers with four decimals (``0.1761`` for 17.61%), dates ISO. A text
  cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a ``'`` in front, so that a spreadsheet shows it rather than running it
  as a formula (a name copied from a download: ``=HYPERLINK(...)``).
- ``json``: the whole result: every field of the dataclasses, with amounts as
  strings with two decimals (the cents the plugin rounds every amount to, in
  any currency: ``"1234.50"``), rates, averages and dollar-days as exact
  strings (not rounded), dates ISO, tuples as lists; fee totals and the
  reconciliation's ``ok`` are included.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from beancount_factoring.reports import compare_render, csvrows, text
from beancount_factoring.reports.cells import day, money, number, percent, table
from beancount_factoring.reports.model import (
    AgingReport,
    CompareReport,
    CostReport,
    Fees,
    ReconcileReport,
    ReserveReport,
    Source,
)

FORMATS = ("text", "csv", "json")
Report = ReserveReport | AgingReport | CostReport | ReconcileReport | CompareReport
# Values that hold no source (``relative`` leaves them as they are).
LEAVES = (Decimal, datetime.date, int, float)
LEAF_TYPES = frozenset((Decimal, datetime.date, int, float, bool))


def relative(report: Report, base: str) -> Report:
    """The report with the sources under the folder ``base`` shown relative to it.

    Whatever holds no such source (or string naming the folder) is kept as it is,
    not copied: a report of every invoice is mostly money and dates.
    """
    prefix = os.path.join(os.path.abspath(base), "")
    names: dict[type, tuple[str, ...]] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(prefix, "") if prefix in value else value
        if isinstance(value, LEAVES) or value is None:
            return value
        if isinstance(value, Source):
            if value.filename.startswith(prefix):
                return Source(value.filename[len(prefix) :], value.lineno)
            return value
        if isinstance(value, tuple):
            items = tuple(walk(item) for item in value)
            return value if all(a is b for a, b in zip(items, value, strict=True)) else items
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            kind = type(value)
            if kind not in names:
                names[kind] = tuple(f.name for f in dataclasses.fields(value))
            changes = {}
            for name in names[kind]:
                old = getattr(value, name)
                # Money, dates and counts, most of a report, are skipped without a call.
                if old is None or old.__class__ in LEAF_TYPES:
                    continue
                new = walk(old)
                if new is not old:
                    changes[name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value

    result: Report = walk(report)
    return result


# JSON ------------------------------------------------------------------------------------


def is_amount(name: str) -> bool:
    """True for a Decimal field that holds money (not a rate, days or an average)."""
    return not (name.endswith("rate") or "days" in name or name.startswith("average"))


def to_data(value: Any, amount: bool = True) -> Any:
    """A report as plain JSON data: amounts as strings in cents, other Decimals exact,
    dates ISO, dataclasses as dicts (``amount``: whether a Decimal here is money)."""
    if isinstance(value, Decimal):
        return money(value) if amount else str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {
            f.name: to_data(getattr(value, f.name), is_amount(f.name))
            for f in dataclasses.fields(value)
        }
        if isinstance(value, Fees):
            result["total"] = to_data(value.total)
        if isinstance(value, ReconcileReport):
            result["ok"] = value.ok
        if isinstance(value, Source):
            return str(value)
        return result
    if isinstance(value, (list, tuple)):
        return [to_data(item, amount) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item, amount) for key, item in value.items()}
    return value


def render_json(report: Report) -> str:
    return json.dumps(to_data(report), indent=2, ensure_ascii=False) + "\n"


# CSV -------------------------------------------------------------------------------------


# A cell a spreadsheet would run as a formula starts with one of these (OWASP's "CSV
# injection"): a customer's name `=HYPERLINK("http://...")` copied from a download.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def inert(cell: Any) -> Any:
    """The cell, with a quote in front if a spreadsheet would take it for a formula; a
    negative number (`-50.00`) is left as it is, so that it stays a number."""
    if (
        isinstance(cell, str)
        and cell.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(cell)
    ):
        return "'" + cell
    return cell


def render_csv(report: Report) -> str:
    header, rows = csv_rows(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([inert(cell) for cell in header])
    writer.writerows([inert(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a report's CSV table."""
    builders: dict[type, Callable[[Any], tuple[list[str], list[list[str]]]]] = {
        ReserveReport: csvrows.reserve_csv,
        AgingReport: csvrows.aging_csv,
        CostReport: csvrows.cost_csv,
        ReconcileReport: csvrows.reconcile_csv,
        CompareReport: compare_render.compare_csv,
    }
    return builders[type(report)](report)


# Text ------------------------------------------------------------------------------------


def render_text(report: Report) -> str:
    builders: dict[type, Callable[[Any], list[str]]] = {
        ReserveReport: text.reserve_text,
        AgingReport: text.aging_text,
        CostReport: text.cost_text,
        ReconcileReport: text.reconcile_text,
        CompareReport: compare_render.compare_text,
    }
    return "\n".join(builders[type(report)](report)).rstrip() + "\n"


__all__ = [
    "FORMATS",
    "day",
    "money",
    "number",
    "percent",
    "relative",
    "render",
    "table",
    "to_data",
]


def render(report: Report, fmt: str) -> str:
    """A report in one of ``FORMATS``."""
    if fmt == "json":
        return render_json(report)
    if fmt == "csv":
        return render_csv(report)
    if fmt == "text":
        return render_text(report)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
