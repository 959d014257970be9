"""The Cost page's comparison with other factors' offers (``reports/compare.py``).

For each ``custom "factoring-offer"`` of the ledger: the total and each month
of funding, then each customer, with the actual fees and annual rate beside the
offer's and the difference (offer - actual; with a credit loss among the invoices,
each side's losses beside its fees, in the difference too), and the invoices funded in the
period that could not be replayed, with why. Fava's time filter gives the
period, a factor selected narrows it to that factor's invoices, and a customer
filter keeps that customer's lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from beancount_factoring.fava.blocks import DATE, DECIMAL, INT, STR, Table, money, percent
from beancount_factoring.fava.content import Directory, keeps
from beancount_factoring.fava.view import View
from beancount_factoring.reports.model import NO_INVOICE, CompareLine, CompareReport

LINE_COLUMNS = [
    ("Currency", STR),
    ("Invoices", INT),
    ("Face", DECIMAL),
    ("Actual fees", DECIMAL),
    ("Actual rate %", DECIMAL),
    ("Offer fees", DECIMAL),
    ("Offer rate %", DECIMAL),
    ("Difference", DECIMAL),
]
# With a credit loss among the invoices compared: each side's losses after its fees.
LOSS_COLUMNS = [
    ("Currency", STR),
    ("Invoices", INT),
    ("Face", DECIMAL),
    ("Actual fees", DECIMAL),
    ("Actual losses", DECIMAL),
    ("Actual rate %", DECIMAL),
    ("Offer fees", DECIMAL),
    ("Offer losses", DECIMAL),
    ("Offer rate %", DECIMAL),
    ("Difference", DECIMAL),
]


@dataclass(frozen=True)
class OfferSection:
    """One offer's tables on the Cost page."""

    name: str
    months: Table
    customers: Table
    excluded: Table
    # Said above the months when the account filter keeps some customers only: the
    # totals and months are of every customer of the factors shown.
    whole: bool = False


def _rows(lines: Sequence[CompareLine], losses: bool) -> list[list[Any]]:
    return [
        [
            line.key,
            line.currency,
            line.invoices,
            money(line.face),
            money(line.actual_fees),
            *([money(line.actual_losses)] if losses else []),
            percent(line.actual_rate),
            money(line.offer_fees),
            *([money(line.offer_losses)] if losses else []),
            percent(line.offer_rate),
            money(line.difference),
        ]
        for line in lines
    ]


def offer_currencies(report: CompareReport) -> set[str]:
    """The currency of every row of the offers' tables."""
    return {
        line.currency
        for compared in report.offers
        for line in (*compared.totals, *compared.by_month, *compared.by_customer)
    } | {item.currency for compared in report.offers for item in compared.excluded}


def offer_sections(
    report: CompareReport, view: View, where: Directory, tab: Callable[..., Table]
) -> list[OfferSection]:
    """Each offer against the invoices funded in the page's period (the report of the
    factor the page shows, if one)."""

    named = where.named_rows(view)
    kept = where.kept_rows(view)

    def shown(customer: str, currency: str) -> bool:
        if customer == NO_INVOICE:
            return in_kept_currency(currency)
        return where.customer_kept(view, customer, currency, named)

    def in_kept_currency(currency: str) -> bool:
        # The totals and months are of the factors shown: in the currencies the filter
        # keeps of them (a factor's CAD accounts keep its CAD lines alone).
        return kept is None or any(keeps(kept, name, currency) for name, _ in kept)

    sections = []
    for compared in report.offers:
        losses = any(item.actual_loss or item.offer_loss for item in compared.invoices)
        columns = LOSS_COLUMNS if losses else LINE_COLUMNS
        months = _rows(
            [
                line
                for line in (*compared.totals, *compared.by_month)
                if in_kept_currency(line.currency)
            ],
            losses,
        )
        customers = _rows(
            [line for line in compared.by_customer if shown(line.key, line.currency)], losses
        )
        # (A customer's line of a currency the filter leaves out is not in the totals.)
        whole = len(customers) < sum(
            1 for line in compared.by_customer if in_kept_currency(line.currency)
        )
        excluded = [
            [
                item.invoice,
                item.customer,
                item.factor,
                item.currency,
                money(item.face),
                item.funded_on,
                item.reason,
            ]
            for item in compared.excluded
            if shown(item.customer, item.currency)
        ]
        sections.append(
            OfferSection(
                name=compared.offer,
                months=tab([("Month funded", STR), *columns], months),
                customers=tab([("Customer", STR), *columns], customers),
                excluded=tab(
                    [
                        ("Invoice", STR),
                        ("Customer", STR),
                        ("Factor", STR),
                        ("Currency", STR),
                        ("Face", DECIMAL),
                        ("Funded", DATE),
                        ("Not compared because", STR),
                    ],
                    excluded,
                    invoice_column="Invoice",
                ),
                whole=whole,
            )
        )
    return sections
