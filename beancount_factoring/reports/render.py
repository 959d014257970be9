"""Show a report as text (aligned tables), CSV or JSON.

- ``text``: for a terminal; money rounded half-up to cents with thousands
  separators, rates as percentages with two decimals, averages with one.
- ``csv``: one table per report, one row per detail line, a header row first
  (columns in ``docs/reports.md``); money rounded half-up to cents, rates as
  plain numbers with four decimals (``0.1761`` for 17.61%), dates ISO. A text
  cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
  gets a ``'`` in front, so that a spreadsheet shows it rather than running it
  as a formula (a name copied from a download: ``=HYPERLINK(...)``). Rows end
  in CR LF (RFC 4180); the CLI writes it as UTF-8.
- ``json``: the whole result: every field of the dataclasses, with amounts as
  strings with two decimals (the cents the plugin rounds every amount to, in
  any currency: ``"1234.50"``), rates, averages and dollar-days as exact
  strings in plain digits (not rounded, no exponent), dates ISO, tuples as
  lists; fee totals and the reconciliation's ``ok`` are included.
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
    plans: dict[type, tuple[tuple[str, ...], bool]] = {}

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
        kind = type(value)
        plan = plans.get(kind)
        if plan is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
            plan = plans[kind] = _plan(kind)
        if plan is not None:
            changes = {}
            for name in plan[0]:
                old = getattr(value, name)
                held = old.__class__
                # Names, money, dates and counts, most of a report, are seen without a call.
                if held is str:
                    if prefix in old:
                        changes[name] = old.replace(prefix, "")
                    continue
                if old is None or held in LEAF_TYPES:
                    continue
                new = walk(old)
                if new is not old:
                    changes[name] = new
            if not changes:
                return value
            return _copied(value, changes) if plan[1] else dataclasses.replace(value, **changes)
        return value

    result: Report = walk(report)
    return result


# What a field declared as only these holds is no source and no text: ``relative``
# does not even read it (a reserve row is twenty fields, a dozen of them money and dates).
LEAF_ANNOTATIONS = frozenset(("Decimal", "datetime.date", "date", "int", "float", "bool", "None"))


def _plan(kind: type) -> tuple[tuple[str, ...], bool]:
    """How ``relative`` walks a dataclass: the fields that may hold a source or text,
    and whether a changed copy can be made without ``dataclasses.replace`` (a plain
    dataclass: every field set by ``__init__``, nothing computed after it)."""
    fields = dataclasses.fields(kind)
    walked = tuple(f.name for f in fields if not _holds_leaves(f.type))
    plain = (
        all(f.init for f in fields)
        and not hasattr(kind, "__post_init__")
        and not hasattr(kind, "__slots__")
    )
    return walked, plain


def _holds_leaves(annotation: Any) -> bool:
    """Whether a field's annotation allows only values ``relative`` leaves as they are."""
    if isinstance(annotation, str):
        return all(part.strip() in LEAF_ANNOTATIONS for part in annotation.split("|"))
    return annotation in LEAF_TYPES


def _copied(value: Any, changes: dict[str, Any]) -> Any:
    """``dataclasses.replace(value, **changes)`` for a plain dataclass, about four
    times cheaper: the copy's fields set directly, as its ``__init__`` would."""
    copy = object.__new__(type(value))
    copy.__dict__.update(value.__dict__)
    copy.__dict__.update(changes)
    return copy


# JSON ------------------------------------------------------------------------------------


def is_amount(name: str) -> bool:
    """True for a Decimal field that holds money (not a rate, days or an average)."""
    return not (name.endswith("rate") or "days" in name or name.startswith("average"))


def exact(value: Decimal) -> str:
    """A Decimal in plain digits, as exact as it is: ``1.23E-7`` -> ``0.000000123``,
    ``1E+3`` -> ``1000``; a zero is never negative (``-0`` -> ``0``). (``str`` writes an
    exponent for a value under a millionth, which a reader may not parse as it should.)"""
    return f"{abs(value) if value.is_zero() else value:f}"


def to_data(value: Any, amount: bool = True) -> Any:
    """A report as plain JSON data: amounts as strings in cents, other Decimals exact
    (``exact``), dates ISO, dataclasses as dicts (``amount``: whether a Decimal here is
    money)."""
    if isinstance(value, Decimal):
        return money(value) if amount else exact(value)
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
    # Rows end in CR LF (RFC 4180, as spreadsheets write them); Python's csv quotes a
    # cell holding a character of the line ending, so a carriage return inside a name
    # ("ACME\rINC") is quoted too, and the row reads back whole.
    writer = csv.writer(out, lineterminator="\r\n")
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
