"""The aging page: receivables per customer and bucket, ours and the factors'."""

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
    charts,
    money,
    period_of,
)
from beancount_factoring.fava.content import Directory, as_of_figures, notices, page_tables
from beancount_factoring.fava.view import DEFAULT_INTERVAL, View
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.aging import unattributed_note
from beancount_factoring.reports.model import AgingInvoice, AgingReport


def aging_page(book: ReportBook, view: View, where: Directory) -> Page:
    """Open receivables per customer and bucket: ours, and those the factors hold."""
    report = book.aging(as_of=view.as_of, factor=view.factor, basis=view.basis)
    tab, page_currency = page_tables(
        {t.currency for t in report.totals} | {i.currency for i in report.invoices}, where.number
    )
    lines = _open_lines(report, view, where)
    reference = "due date" if report.basis == "due" else "invoice date"
    return Page(
        view=view,
        tables={
            "ours": _bucket_table(report, view, where, tab, held=False),
            "held": _bucket_table(report, view, where, tab, held=True),
            "invoices": _invoice_table(lines, tab),
            "tie": _tie_table(report, tab),
        },
        charts=charts(
            [*_amount_charts(lines, reference, view.interval), _scatter(lines, reference, where)]
        ),
        notices=notices(book, view, where, page_currency) + _unattributed(lines, where),
        figures=(*as_of_figures(view, page_currency), ("Aged by", reference)),
        extra={"basis": report.basis, "buckets": report.buckets},
        headlines=(_headline(lines, report.buckets, report.basis, where, view.factor),),
    )


def _unattributed(lines: Sequence[AgingInvoice], where: Directory) -> tuple[str, ...]:
    """The notice of the open lines that name no invoice: how they are aged, and where
    each is written (none when every line names its invoice)."""
    note = unattributed_note(lines, where.where, where.amount)
    return () if note is None else (note,)


def _row_accounts(
    where: Directory, customer: str, factor: str | None, currency: str
) -> frozenset[str]:
    """The accounts of a row's customer and factor in its currency: what the account
    filter matches (a factor's CAD accounts keep its CAD rows alone)."""
    return where.customer(customer, currency) | where.factor(factor, currency)


def _bucket_table(
    report: AgingReport, view: View, where: Directory, tab: Callable[..., Table], held: bool
) -> Table:
    """The open amounts per customer and bucket: ours (a row per customer and currency),
    or with ``held`` those the factors hold (a row per customer, factor and currency)."""
    count = "Invoices" if held else "Lines"
    return tab(
        [
            ("Customer", STR),
            *([("Factor", STR)] if held else []),
            ("Currency", STR),
            *((name, DECIMAL) for name in report.buckets),
            ("Total", DECIMAL),
            (count, INT),
        ],
        [
            [
                r.customer,
                *([r.factor] if held else []),
                r.currency,
                *(money(amount) for amount in r.buckets),
                money(r.total),
                r.invoices,
            ]
            for r in (report.factored if held else report.unfactored)
            if view.matches_account(_row_accounts(where, r.customer, r.factor, r.currency))
        ],
        summed=(*report.buckets, "Total", count),
    )


def _open_lines(report: AgingReport, view: View, where: Directory) -> list[AgingInvoice]:
    """The open invoices the filters keep, oldest first: the rows of the table of
    invoices, the charts' points and the headline's figures."""
    lines = [
        i
        for i in report.invoices
        if view.matches_account(
            _row_accounts(where, i.customer, i.factor, i.currency) | {i.account}
        )
    ]
    lines.sort(key=lambda i: (-i.days, i.customer, i.invoice))
    return lines


def _invoice_table(lines: Sequence[AgingInvoice], tab: Callable[..., Table]) -> Table:
    """Each open invoice, ours or a factor's: its dates, age, bucket and amount."""
    return tab(
        [
            ("Invoice", STR),
            ("Customer", STR),
            ("Held by", STR),
            ("State", STR),
            ("Invoice date", DATE),
            ("Due", DATE),
            ("Days", INT),
            ("Bucket", STR),
            ("Currency", STR),
            ("Amount", DECIMAL),
            ("Recourse days left", INT),
        ],
        [
            [
                i.invoice,
                i.customer,
                i.factor or "us",
                i.state,
                i.invoice_date,
                i.due,
                i.days,
                i.bucket,
                i.currency,
                money(i.amount),
                i.recourse_days_left,
            ]
            for i in lines
        ],
        invoice_column="Invoice",
        summed=("Amount",),
    )


def _tie_table(report: AgingReport, tab: Callable[..., Table]) -> Table:
    """Per currency, the aged totals beside the receivable accounts' balance and the
    factors' outstanding: what ties the aging to the books."""
    return tab(
        [
            ("Currency", STR),
            ("Receivables we hold", DECIMAL),
            ("Receivable accounts' balance", DECIMAL),
            ("Of which pledged (loan model)", DECIMAL),
            ("Factors hold", DECIMAL),
            ("Funded, not collected", DECIMAL),
            ("Scheduled, not funded", DECIMAL),
            ("Paid to us, the factors'", DECIMAL),
        ],
        [
            [
                t.currency,
                money(sum(t.unfactored, Decimal(0))),
                money(t.receivable_balance),
                money(t.pledged),
                money(sum(t.factored, Decimal(0))),
                money(t.factor_outstanding),
                money(t.scheduled),
                money(t.paid_to_us),
            ]
            for t in report.totals
        ],
    )


def _scatter(lines: Sequence[AgingInvoice], reference: str, where: Directory) -> dict[str, Any]:
    """The open invoices as dots by reference date and customer, each naming its invoices."""
    # One dot per customer and day (Fava's scatter plot draws one per pair).
    dots: dict[tuple[datetime.date, str], list[str]] = {}
    for i in lines:
        holder = f", held by {i.factor}" if i.factor else ""
        text = f"{i.invoice or 'no invoice'} {where.amount(i.amount, i.currency)}{holder}"
        dots.setdefault((i.reference_date, i.customer), []).append(text)
    return {
        "type": "scatterplot",
        "label": f"Open invoices by {reference}",
        "data": [
            {"date": day, "type": customer, "description": "; ".join(texts)}
            for (day, customer), texts in sorted(dots.items())
        ],
    }


def _amount_charts(
    lines: Sequence[Any], reference: str, interval: str = DEFAULT_INTERVAL
) -> list[dict[str, Any]]:
    """The open amounts per period of their reference date (Fava's interval: a bar per
    month, week...), one bar chart per currency, each bar stacked by customer: how much
    is open, and from when (the bars add up to the open invoices' total)."""
    months: dict[str, dict[datetime.date, dict[str, Decimal]]] = {}
    for line in lines:
        month = period_of(interval, line.reference_date)
        stack = months.setdefault(line.currency, {}).setdefault(month, {})
        stack[line.customer] = stack.get(line.customer, Decimal(0)) + line.amount
    chart_list = []
    for currency in sorted(months):
        label = f"Open amounts by {interval} of {reference}"
        if len(months) > 1:
            label += f" ({currency})"
        bars = [
            {
                "date": month,
                "balance": {currency: money(sum(stack.values(), Decimal(0)))},
                "budgets": {},
                "account_balances": {
                    customer: {currency: money(amount)}
                    for customer, amount in sorted(stack.items())
                },
            }
            for month, stack in sorted(months[currency].items())
        ]
        chart_list.append({"type": "bar", "label": label, "data": bars})
    return chart_list


def _headline(
    lines: Sequence[Any],
    buckets: Sequence[str],
    basis: str,
    where: Directory,
    factor: str | None = None,
) -> Headline:
    """What is overdue, by bucket and by customer, largest first; then a total per currency.

    Of the open lines the page lists (ours and the factors'), those past the first
    bucket: past their due date on the due basis, older than the invoice date on the
    invoice basis. Each figure is the sum of rows of the table of open invoices below.
    """
    late = buckets[1:]
    whose = f"{factor}'s" if factor else "the factors'"
    per_customer: dict[tuple[str, str], list[Decimal]] = {}
    for line in lines:
        if line.bucket not in late:
            continue
        amounts = per_customer.setdefault((line.customer, line.currency), [Decimal(0)] * len(late))
        amounts[late.index(line.bucket)] += line.amount
    rows: list[tuple[str, str, list[Decimal]]] = sorted(
        (
            (customer, currency, [*amounts, sum(amounts, Decimal(0))])
            for (customer, currency), amounts in per_customer.items()
        ),
        key=lambda row: (row[1], -row[2][-1], row[0]),
    )
    totals: dict[str, list[Decimal]] = {}
    for _, currency, figures in rows:
        total = totals.setdefault(currency, [Decimal(0)] * len(figures))
        for index, amount in enumerate(figures):
            total[index] += amount
    rows += [(TOTAL, currency, figures) for currency, figures in sorted(totals.items())]
    due = basis == "due"
    return Headline(
        title="Overdue, by customer" if due else "Open past the invoice date, by customer",
        columns=("Customer", *(f"{name} days" for name in late), "Overdue" if due else "Total"),
        rows=tuple(
            (customer, *(where.amount(amount, currency) for amount in figures))
            for customer, currency, figures in rows
        ),
        numeric=(False, *(True for _ in late), True),
        # (How the days are counted is said once, in the line below the headline.)
        note=f"Ours and {whose} invoices.",
        empty="Nothing is overdue." if due else "No invoice is older than its invoice date.",
    )
