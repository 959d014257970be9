"""The reserve page: reserve held per factor, its balance over time, open and forfeited."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from beancount_factoring.fava.blocks import (
    DATE,
    DECIMAL,
    INT,
    STR,
    TOTAL,
    Headline,
    Page,
    Table,
    balances_chart,
    charts,
    money,
    step_series,
)
from beancount_factoring.fava.content import (
    Directory,
    as_of_figures,
    keeps,
    notices,
    page_tables,
)
from beancount_factoring.fava.view import View
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.model import (
    AWAITING_COLLECTION,
    OVERDUE,
    RELEASE_DUE,
    FactorReserve,
    ReserveInvoice,
)

OPEN_STATUSES = (OVERDUE, RELEASE_DUE, AWAITING_COLLECTION)
SOON = datetime.timedelta(days=7)
"""The headline's "due back soon": the next 7 days after the as-of date."""


def reserve_page(book: ReportBook, view: View, where: Directory) -> Page:
    """Reserve held per factor, its balance over time, and the open and forfeited reserves."""
    report = book.reserve(as_of=view.as_of, factor=view.factor)
    tab, page_currency = page_tables({f.currency for f in report.factors}, where.number)

    def keep(invoice: ReserveInvoice) -> bool:
        currency = invoice.currency
        return view.matches_account(
            where.factor(invoice.factor, currency) | where.customer(invoice.customer, currency)
        )

    # A customer's filter keeps its factors' rows whole (they tie to the reserve
    # accounts); the tables of invoices below keep that customer's invoices. A factor's
    # accounts of one currency keep its rows in that currency (they tie to those).
    kept = where.kept_rows(view)
    factors = [f for f in report.factors if keeps(kept, f.factor, f.currency)]
    open_invoices = _open_invoices(factors, keep, view)
    tables = {
        "factors": _factors_table(factors, tab),
        "open": _open_table(open_invoices, tab),
        "forfeited": _forfeited_table(_forfeited(factors, keep, view), tab),
    }
    chart_list = _charts(factors, view)
    figures = as_of_figures(view, page_currency) + _held_figures(factors, where, view)
    return Page(
        view=view,
        tables=tables,
        charts=charts(chart_list),
        notices=notices(book, view, where, page_currency),
        figures=tuple(figures),
        extra={"empty": _why_empty(book, view, report.factors, factors)},
        headlines=(_headline(factors, open_invoices, view, where),),
    )


def _factors_table(factors: Sequence[FactorReserve], tab: Callable[..., Table]) -> Table:
    """Each factor's reserve by status, held, against its account's balance, due back,
    and net of the fees accrued."""
    rows = []
    for f in factors:
        status = dict(f.by_status)
        rows.append(
            [
                f.factor,
                f.currency,
                ", ".join(f.accounts),
                *(money(status.get(s, Decimal(0))) for s in reversed(OPEN_STATUSES)),
                money(f.held),
                money(f.account_balance),
                money(f.unexplained),
                money(f.due_back),
                money(f.accrued_fees),
                money(f.held_net_of_fees),
            ]
        )
    return tab(
        [
            ("Factor", STR),
            ("Currency", STR),
            ("Reserve account", STR),
            ("Awaiting collection", DECIMAL),
            ("Release due", DECIMAL),
            ("Overdue", DECIMAL),
            ("Held", DECIMAL),
            ("Account balance", DECIMAL),
            ("Unexplained", DECIMAL),
            ("Due back, collected", DECIMAL),
            ("Fees accrued", DECIMAL),
            ("Held net of fees", DECIMAL),
        ],
        rows,
        summed=(
            "Awaiting collection",
            "Release due",
            "Overdue",
            "Held",
            "Account balance",
            "Unexplained",
            "Due back, collected",
            "Fees accrued",
            "Held net of fees",
        ),
    )


def _open_invoices(
    factors: Sequence[FactorReserve], keep: Callable[[ReserveInvoice], bool], view: View
) -> list[ReserveInvoice]:
    """The invoices whose reserve is open, the most urgent first: overdue, then release
    due, then awaiting collection; the longest overdue, then the earliest release."""
    rank = {status: index for index, status in enumerate(OPEN_STATUSES)}
    return sorted(
        (i for f in factors for i in f.invoices if i.status in rank and keep(i)),
        key=lambda i: (rank[i.status], -i.days_overdue, i.expected_release or view.as_of),
    )


def _open_table(open_invoices: Sequence[ReserveInvoice], tab: Callable[..., Table]) -> Table:
    """Each open reserve: its invoice's dates, the reserve held, the fees due and what
    comes back."""
    return tab(
        [
            ("Invoice", STR),
            ("Customer", STR),
            ("Factor", STR),
            ("Status", STR),
            ("Invoice date", DATE),
            ("Funded", DATE),
            ("Collected", DATE),
            ("Expected release", DATE),
            ("Days overdue", INT),
            ("Currency", STR),
            ("Face", DECIMAL),
            ("Reserve", DECIMAL),
            ("Held", DECIMAL),
            ("Fees due", DECIMAL),
            ("Due back", DECIMAL),
            ("Accrued fee", DECIMAL),
        ],
        [
            [
                i.invoice,
                i.customer,
                i.factor,
                i.status,
                i.invoice_date,
                i.funded_on,
                i.collected_on,
                i.expected_release,
                i.days_overdue,
                i.currency,
                money(i.face),
                money(i.reserve),
                money(i.held),
                money(i.fees_due),
                money(i.due_back),
                money(i.accrued_fee),
            ]
            for i in open_invoices
        ],
        invoice_column="Invoice",
        summed=("Face", "Reserve", "Held", "Fees due", "Due back", "Accrued fee"),
    )


def _forfeited(
    factors: Sequence[FactorReserve], keep: Callable[[ReserveInvoice], bool], view: View
) -> list[ReserveInvoice]:
    """The invoices whose reserve was forfeited in the period (by the day the factor
    kept it: the chargeback, the short pay's collection, the credit loss), the latest
    first."""
    return sorted(
        (
            i
            for f in factors
            for i in f.invoices
            if i.forfeited
            and keep(i)
            and (view.start is None or (i.forfeited_on or i.funded_on) >= view.start)
        ),
        key=lambda i: (i.forfeited_on or i.funded_on, i.invoice),
        reverse=True,
    )


def _forfeited_table(forfeited: Sequence[ReserveInvoice], tab: Callable[..., Table]) -> Table:
    """Each forfeited reserve: why, and how much of the reserve the factor kept."""
    return tab(
        [
            ("Invoice", STR),
            ("Customer", STR),
            ("Factor", STR),
            ("Status", STR),
            ("Why", STR),
            ("Forfeited on", DATE),
            ("Funded", DATE),
            ("Collected", DATE),
            ("Currency", STR),
            ("Reserve", DECIMAL),
            ("Forfeited", DECIMAL),
        ],
        [
            [
                i.invoice,
                i.customer,
                i.factor,
                i.status,
                i.forfeit_reason or "",
                i.forfeited_on,
                i.funded_on,
                i.collected_on,
                i.currency,
                money(i.reserve),
                money(i.forfeited),
            ]
            for i in forfeited
        ],
        invoice_column="Invoice",
        summed=("Reserve", "Forfeited"),
    )


def _held_figures(
    factors: Sequence[FactorReserve], where: Directory, view: View
) -> list[tuple[str, str]]:
    """The header's "Reserve held": the factors' reserve held, one figure per currency.

    Under an account filter the factors' rows are whole (they tie to the reserve
    accounts), while the open reserves and the headline keep the invoices it names:
    the label says whose figure it is."""
    totals: dict[str, Decimal] = {}
    for f in factors:
        totals[f.currency] = totals.get(f.currency, Decimal(0)) + f.held
    label = "Reserve held by these factors, all customers" if view.account else "Reserve held"
    return [(label, where.amount(amount, currency)) for currency, amount in totals.items()]


def _headline(
    factors: Sequence[Any], open_invoices: Sequence[Any], view: View, where: Directory
) -> Headline:
    """What each factor owes me back: now, and in the next 7 days.

    Of the open reserves the page lists (so each figure is the sum of the rows of
    the table below): *held* is what the factor holds back; *owed now* is the
    due back of the collected invoices' reserves whose expected release is on or
    before the as-of date (overdue, or due today); *due back by* that of those whose
    expected release falls in the 7 days after it. A reserve awaiting the customer's
    payment is held, not owed.
    """
    soon = view.as_of + SOON
    figures: dict[tuple[str, str], list[Decimal]] = {
        (f.factor, f.currency): [Decimal(0)] * 3 for f in factors
    }
    for i in open_invoices:
        row = figures.setdefault((i.factor, i.currency), [Decimal(0)] * 3)
        row[0] += i.held
        release = i.expected_release
        if i.status == AWAITING_COLLECTION or release is None:
            continue  # not owed before the customer pays the factor
        if release <= view.as_of:
            row[1] += i.due_back
        elif release <= soon:
            row[2] += i.due_back
    rows = [(name, currency, amounts) for (name, currency), amounts in figures.items()]
    totals: dict[str, list[Decimal]] = {}
    for _, currency, amounts in rows:
        total = totals.setdefault(currency, [Decimal(0)] * 3)
        for index, amount in enumerate(amounts):
            total[index] += amount
    if len(rows) > 1:
        rows += [(TOTAL, currency, amounts) for currency, amounts in sorted(totals.items())]
    return Headline(
        title="Reserve the factors owe me back",
        columns=("Factor", "Held", "Owed now", f"Due back by {soon.isoformat()}"),
        rows=tuple(
            (name, *(where.amount(amount, currency) for amount in amounts))
            for name, currency, amounts in rows
        ),
        numeric=(False, True, True, True),
        note=("Of the invoices the account filter keeps. " if view.account else "")
        + "Owed now: the due back of collected invoices' reserves whose expected release "
        f"is on or before {view.as_of.isoformat()}; then those expected in the next 7 days.",
        empty="No reserve is held.",
    )


def _charts(factors: Sequence[Any], view: View) -> list[dict[str, Any]]:
    """The reserve held over time: all factors, then one chart per factor and currency.

    Each chart's label names it alone (Fava keys its chart tabs by label): a factor
    with reserves in two currencies has a chart per currency, ``Copperline reserve
    (CAD)`` and ``Copperline reserve (USD)``.
    """
    per_factor = {
        (f.factor, f.currency): step_series(
            [(p.date, p.balance) for p in f.history], view.start, view.as_of
        )
        for f in factors
    }
    currencies_of: dict[str, set[str]] = {}
    for name, currency in per_factor:
        currencies_of.setdefault(name, set()).add(currency)
    chart_list = []
    if len(per_factor) > 1:
        currencies = {currency for _, currency in per_factor}
        chart_list.append(
            balances_chart(
                "Reserve held, all factors",
                {
                    (name if len(currencies) == 1 else f"{name} {currency}"): series
                    for (name, currency), series in per_factor.items()
                    if series
                },
            )
        )
    for (name, currency), series in per_factor.items():
        if series:
            label = f"{name} reserve"
            if len(currencies_of[name]) > 1:
                label += f" ({currency})"
            chart_list.append(balances_chart(label, {currency: series}))
    return chart_list


def _why_empty(book: ReportBook, view: View, reported: Sequence[Any], shown: Sequence[Any]) -> str:
    """What the table of factors says when it has no row."""
    if not book.factors:
        return "No factoring agreement."
    if not reported:
        # A bank-run program, say, that advances the whole invoice.
        names = (view.factor,) if view.factor else book.factors
        agreements = "agreement" if len(names) == 1 else "agreements"
        return (
            f"No reserve: no invoice's reserve is held back under the {agreements} "
            f"({', '.join(names)})."
        )
    if not shown:
        return "None of the factors that the filters keep holds a reserve."
    return ""
