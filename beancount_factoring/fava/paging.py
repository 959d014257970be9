"""Pages of a report's JSON, so that no ``data`` request returns the whole ledger.

A report's JSON holds a few summary lists (factors, currencies, buckets) and
long lists with one row per invoice, open item or day (``invoices``,
``history``, ``by_invoice``...). The ``data`` endpoint sends at most ``limit``
rows of each long list, from row ``offset``::

    GET /<ledger>/extension/FactoringReserve/data?offset=0&limit=500
    {"as_of": "2025-03-31", "factors": [{..., "invoices": [500 rows]}],
     "page": {"offset": 0, "limit": 500, "total": 81234, "next": 500}}

``total`` is the length of the longest long list, ``next`` the offset of the
next page (``null`` on the last). The summary fields are in every page. A
ledger with fewer rows than the default page size (``PAGE_SIZE``) gets
everything in one page, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from beancount_factoring.fava.view import ParameterError, View
from beancount_factoring.reports.render import to_data

PAGE_SIZE = 1000
MAX_PAGE_SIZE = 10_000
# The lists with one row per invoice, item, line or day; the others stay whole (the
# summaries: per factor, customer, month, currency), so that a client may sum them.
ROW_LISTS = frozenset(
    {"invoices", "history", "by_invoice", "items", "unallocated", "disagreements", "excluded"}
)


def check_whole(view: View) -> None:
    """The ``data`` endpoint gives each report whole, as ``bean-factoring`` does: Fava's
    account filter and advanced filter, which the pages apply to their rows or say they
    do not, are refused (a ParameterError, 400) rather than left out without a word."""
    if view.account:
        raise ParameterError(
            "FCT301",
            "account",
            "the data endpoint gives the whole report and does not filter rows by "
            "account; ask for one factor with factor=NAME, or leave account out",
        )
    if view.advanced_filter:
        raise ParameterError(
            "FCT301",
            "filter",
            "Fava's advanced filter selects entries, not invoices, and the reports do "
            "not apply it; leave filter out",
        )


def page_bounds(args: Mapping[str, str]) -> tuple[int, int]:
    """The ``offset`` and ``limit`` of a request; a bad one is a ParameterError (400)."""
    offset = _whole(args, "offset", 0, None)
    limit = _whole(args, "limit", PAGE_SIZE, MAX_PAGE_SIZE)
    if limit == 0:
        raise ParameterError("FCT301", "limit", "give a page size of at least 1")
    return offset, limit


def _whole(args: Mapping[str, str], name: str, default: int, most: int | None) -> int:
    text = args.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or len(text) > 9:
        raise ParameterError("FCT301", name, f"{text[:20]!r} is not a whole number of rows")
    value = int(text)
    if most is not None and value > most:
        raise ParameterError("FCT301", name, f"give at most {most} rows per page")
    return value


def page_of(report: Any, offset: int, limit: int) -> dict[str, Any]:
    """The report's JSON data with each long list cut to ``limit`` rows from ``offset``.

    The lists are cut before the report is turned into JSON data, so that a
    page costs its own rows, not the whole ledger's.
    """
    longest = 0

    def cut(value: Any) -> Any:
        nonlocal longest
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {}
            for column in dataclasses.fields(value):
                item = getattr(value, column.name)
                if column.name in ROW_LISTS and _rows(item):
                    longest = max(longest, len(item))
                    item = item[offset : offset + limit]
                if isinstance(item, tuple) and item and _is_record(item[0]):
                    changes[column.name] = tuple(cut(row) for row in item)
                elif item is not getattr(value, column.name):
                    changes[column.name] = item
            return dataclasses.replace(value, **changes) if changes else value
        return value

    paged: dict[str, Any] = to_data(cut(report))
    following = offset + limit
    paged["page"] = {
        "offset": offset,
        "limit": limit,
        "total": longest,
        "next": following if following < longest else None,
    }
    return paged


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _rows(value: Any) -> bool:
    """A tuple of rows (records), not a tuple of figures (an aging's buckets)."""
    return isinstance(value, tuple) and bool(value) and _is_record(value[0])
