"""The cost page: fees by factor, customer, month and invoice; days to pay; annual rates."""

from __future__ import annotations

import dataclasses
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
    drop_zero_columns,
    money,
    percent,
    period_of,
    tenths,
)
from beancount_factoring.fava.compare_page import offer_currencies, offer_sections
from beancount_factoring.fava.content import (
    Directory,
    as_of_figures,
    keeps,
    names_of,
    notices,
    page_tables,
)
from beancount_factoring.fava.view import View
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.model import (
    FEE_KINDS,
    NO_FACTOR,
    NO_INVOICE,
    CostLine,
    CostReport,
    InvoiceCost,
)

FEE_COLUMNS = {
    "discount": "Discount",
    "late": "Late",
    "invoice": "Invoice fees",
    "transfer": "Transfer",
    "chargeback": "On chargebacks",
    "fuel": "Fuel advances",
    "minimum": "Minimums",
    "other": "Other",
}


def _cost_rows(
    lines: Sequence[CostLine], keep: Callable[[CostLine], bool], rate: bool, all_in: bool = False
) -> list[list[Any]]:
    """The rows of a table of fees: the fees by kind, with ``rate`` the closed invoices'
    rate, with ``all_in`` the all-in rate, then the VAT on the fees."""
    rows = []
    for line in lines:
        if not keep(line):
            continue
        fees = dict(line.fees.by_kind())
        row = [
            line.key,
            *([line.factor] if not rate and line.factor is not None else []),
            line.currency,
            *(money(fees[kind]) for kind in FEE_KINDS),
            money(line.fees.total),
        ]
        if rate:
            row += [
                line.closed,
                money(line.cash_advanced),
                tenths(line.average_days),
                percent(line.annual_rate),
            ]
        if all_in:
            row.append(percent(line.all_in_rate))
        rows.append([*row, money(line.vat)])
    return rows


def _invoice_table(
    report: CostReport, tab: Callable[..., Table], keep: Callable[[InvoiceCost], bool]
) -> Table:
    """Each invoice closed in the period, its cost over its whole life (every factor)."""
    return tab(
        [
            ("Invoice", STR),
            ("Customer", STR),
            ("Factors", STR),
            ("Currency", STR),
            ("Fees", DECIMAL),
            ("Funded", DATE),
            ("Closed", DATE),
            ("Days", INT),
            ("Cash advanced", DECIMAL),
            ("Annual rate %", DECIMAL),
        ],
        [
            [
                line.invoice,
                line.customer,
                ", ".join(line.factors),
                line.currency,
                money(line.fees.total),
                line.funded_on,
                line.closed_on,
                line.days,
                money(line.cash_advanced),
                percent(line.annual_rate),
            ]
            for line in report.by_invoice
            if keep(line)
        ],
        invoice_column="Invoice",
        summed=("Fees", "Cash advanced"),
    )


FEE_SUMS = (*FEE_COLUMNS.values(), "Total fees", "VAT on fees (deductible, excluded)")
RATE_SUMS = ("Closed invoices", "Cash advanced")
FEE_COLUMN_TYPES = [(FEE_COLUMNS[kind], DECIMAL) for kind in FEE_KINDS]
RATE_COLUMNS = [
    ("Closed invoices", INT),
    ("Cash advanced", DECIMAL),
    ("Average days", DECIMAL),
    ("Annual rate %", DECIMAL),
]
# The VAT on the fees: deductible, so neither in the fees nor in the rate (shown
# when there is any).
VAT_COLUMN = ("VAT on fees (deductible, excluded)", DECIMAL)
OPTIONAL = [FEE_COLUMNS[kind] for kind in FEE_KINDS] + [VAT_COLUMN[0]]
"""The columns the tables of fees leave out when all their rows are zero."""


def cost_page(book: ReportBook, view: View, where: Directory) -> Page:
    """Fees by factor, customer and month; days to pay; the effective annual rate."""
    named = where.named_rows(view)
    named_names = names_of(named)
    factor = view.factor
    # A factor's accounts alone (not a customer's) ask for that factor's figures: its
    # customers' rows are then its own, as with ``factor``.
    if (
        factor is None
        and named_names
        and len(named_names) == 1
        and not where.names_customers(view)
    ):
        (factor,) = named_names
    report = book.cost(as_of=view.as_of, factor=factor, start=view.start)
    compared = book.compare(as_of=view.as_of, factor=factor or view.factor, start=view.start)
    # Every row's currency: the fees', the invoices', the deductions' and the offers'
    # (an invoice funded in the period may have booked no fee yet, in its currency).
    tab, page_currency = page_tables(
        {line.currency for line in (*report.by_factor, *report.by_customer, *report.by_month)}
        | {line.currency for line in report.by_invoice}
        | {d.currency for d in report.deductions}
        | offer_currencies(compared),
        where.number,
    )
    by_factor = _factor_filter(view, where)

    named_set = named or frozenset()
    # Whether the filter names each customer's own accounts (in a currency), worked out
    # once a customer and currency.
    named_customers: dict[tuple[str, str], bool] = {}

    def by_customer(customer: str, currency: str) -> bool:
        if customer == NO_INVOICE:
            # The fees of no invoice are the factors': kept when the report is one
            # factor's (its accounts alone in the filter), whose line it then is, in
            # the currencies the filter keeps of it.
            return not view.account or (factor is not None and keeps(named, factor, currency))
        return where.customer_kept(view, customer, currency, named_set)

    def by_invoice(line: InvoiceCost) -> bool:
        # Its customer's accounts, or one of the factors that held it by their own (of
        # the invoice's currency).
        if not view.account:
            return True
        key = (line.customer, line.currency)
        own = named_customers.get(key)
        if own is None:
            own = named_customers[key] = view.matches_account(
                where.customer(line.customer, line.currency)
            )
        return own or any(keeps(named_set, name, line.currency) for name in line.factors)

    month_lines = [line for line in report.by_month if line.factor is not None]
    tables = {
        "factors": _factor_table(report, by_factor, tab),
        "customers": _customer_table(report, by_customer, tab),
        "months": _month_table(month_lines, by_factor, tab),
        "invoices": _invoice_table(report, tab, by_invoice),
        "days": _days_table(report, by_customer, tab),
        "deductions": _deductions_table(report, by_customer, tab),
    }
    chart_list = _fee_charts(_period_lines(book, view, factor, month_lines), by_factor, view)
    factor_lines = [line for line in report.by_factor if by_factor(line)]
    return Page(
        view=view,
        tables=tables,
        charts=charts(chart_list),
        notices=notices(book, view, where, page_currency),
        figures=tuple(as_of_figures(view, page_currency)),
        # Other factors' offers against the same invoices (compare_page.py).
        extra={"offers": offer_sections(compared, view, where, tab)},
        headlines=(_headline(factor_lines, where, where.names_customers(view)),),
    )


def _factor_filter(view: View, where: Directory) -> Callable[[CostLine], bool]:
    """Whether the account filter keeps a line of a factor (by factor or by month)."""
    kept = where.kept_rows(view)

    def by_factor(line: CostLine) -> bool:
        # A customer's filter keeps the rows of its factors, whole (they tie to the
        # fee accounts); a factor's accounts of one currency its rows in that currency;
        # and with any factor the fees on the accounts factors share that no entry gives
        # to one (they may be that factor's).
        if keeps(kept, line.factor or line.key, line.currency):
            return True
        return line.factor == NO_FACTOR and bool(kept)

    return by_factor


def _factor_table(
    report: CostReport, keep: Callable[[CostLine], bool], tab: Callable[..., Table]
) -> Table:
    """The fees and annual rate per factor, with the all-in rate when there are fees of
    no invoice."""
    # The all-in rate (with the fees of no invoice) only when there are such fees.
    all_in = any(line.untied_fees for line in report.by_factor)
    columns, rows = drop_zero_columns(
        [
            ("Factor", STR),
            ("Currency", STR),
            *FEE_COLUMN_TYPES,
            ("Total fees", DECIMAL),
            *RATE_COLUMNS,
            *([("All-in rate %", DECIMAL)] if all_in else []),
            VAT_COLUMN,
        ],
        _cost_rows(report.by_factor, keep, rate=True, all_in=all_in),
        OPTIONAL,
    )
    return tab(columns, rows, summed=(*FEE_SUMS, *RATE_SUMS))


def _customer_table(
    report: CostReport, keep: Callable[[str, str], bool], tab: Callable[..., Table]
) -> Table:
    """The fees and annual rate per customer (of the invoices factored)."""
    columns, rows = drop_zero_columns(
        [
            ("Customer", STR),
            ("Currency", STR),
            *FEE_COLUMN_TYPES,
            ("Total fees", DECIMAL),
            *RATE_COLUMNS,
            VAT_COLUMN,
        ],
        _cost_rows(report.by_customer, lambda line: keep(line.key, line.currency), rate=True),
        OPTIONAL,
    )
    return tab(columns, rows, summed=(*FEE_SUMS, *RATE_SUMS))


def _month_table(
    month_lines: Sequence[CostLine], keep: Callable[[CostLine], bool], tab: Callable[..., Table]
) -> Table:
    """The fees per month and factor."""
    columns, rows = drop_zero_columns(
        [
            ("Month", STR),
            ("Factor", STR),
            ("Currency", STR),
            *FEE_COLUMN_TYPES,
            ("Total fees", DECIMAL),
            VAT_COLUMN,
        ],
        _cost_rows(month_lines, keep, rate=False),
        OPTIONAL,
    )
    return tab(columns, rows, summed=FEE_SUMS)


def _days_table(
    report: CostReport, keep: Callable[[str, str], bool], tab: Callable[..., Table]
) -> Table:
    """How long each customer takes to pay, and what it paid short or over."""
    return tab(
        [
            ("Customer", STR),
            ("Currency", STR),
            ("Collected invoices", INT),
            ("Days from funding", DECIMAL),
            ("Days from invoice", DECIMAL),
            ("Short paid", DECIMAL),
            ("Overpaid", DECIMAL),
        ],
        [
            [
                d.customer,
                d.currency,
                d.collected,
                tenths(d.average_from_funding),
                tenths(d.average_from_invoice),
                money(d.short_paid),
                money(d.overpaid),
            ]
            for d in report.days_to_pay
            if keep(d.customer, d.currency)
        ],
        summed=("Collected invoices", "Short paid", "Overpaid"),
    )


def _deductions_table(
    report: CostReport, keep: Callable[[str, str], bool], tab: Callable[..., Table]
) -> Table:
    """What the customers deducted from their payments, by kind and reason."""
    return tab(
        [
            ("Customer", STR),
            ("Kind", STR),
            ("Reason", STR),
            ("Currency", STR),
            ("Count", INT),
            ("Amount", DECIMAL),
            ("Invoices", STR),
        ],
        [
            [
                d.customer,
                d.kind,
                d.reason,
                d.currency,
                d.count,
                money(d.amount),
                " ".join(d.invoices),
            ]
            for d in report.deductions
            if keep(d.customer, d.currency)
        ],
        invoice_column="Invoices",
        summed=("Count", "Amount"),
    )


def _period_lines(
    book: ReportBook, view: View, factor: str | None, month_lines: Sequence[CostLine]
) -> list[CostLine]:
    """The fee lines the chart adds up into Fava's interval: those by month (months
    make quarters and years), or by day for a week or a day (a month does not make
    weeks). Each line's key is its period's first day (ISO)."""
    if view.interval in ("week", "day"):
        by_day = book.fees_by_day(as_of=view.as_of, factor=factor, start=view.start)
        return [line for line in by_day if line.factor is not None]
    return [dataclasses.replace(line, key=f"{line.key}-01") for line in month_lines]


def _fee_charts(
    lines: Sequence[CostLine], keep: Callable[[CostLine], bool], view: View
) -> list[dict[str, Any]]:
    """Fees per period of Fava's interval (a month, a week...), one bar chart per
    currency, each bar stacked by factor; ``lines`` are keyed by the first day of a
    month or a day (``_period_lines``).

    One bar never adds two currencies (nor two factors); the legend names the factors.
    """
    # currency -> period -> factor
    months: dict[str, dict[datetime.date, dict[str, Decimal]]] = {}
    for line in lines:
        if not keep(line) or line.factor is None:
            continue
        period = period_of(view.interval, datetime.date.fromisoformat(line.key))
        stack = months.setdefault(line.currency, {}).setdefault(period, {})
        stack[line.factor] = stack.get(line.factor, Decimal(0)) + line.fees.total
    chart_list = []
    for currency in sorted(months):
        periods = sorted(months[currency].items())
        label = f"Factoring fees per {view.interval} ({currency})"
        chart_list.append({"type": "bar", "label": label, "data": _fee_bars(periods, currency)})
    return chart_list


FAVA_BAR_KEYS = 5
"""The most keys of "balance" Fava's bar chart draws: past them it drops the keys in the
fewest bars, without a word (a sixth factor's fees would be missing from the chart)."""


def _fee_bars(
    periods: Sequence[tuple[datetime.date, dict[str, Decimal]]], currency: str
) -> list[dict[str, Any]]:
    """The bars of one currency's chart: each period's fees per factor.

    Fava's legend names the keys of "balance": the factors, each its own bar (the
    chart's label says the currency), up to ``FAVA_BAR_KEYS`` of them. With more, the
    key is the currency, and each bar stacks every factor (its tooltip names them).
    """
    factors = {factor for _, stack in periods for factor in stack}
    by_factor = len(factors) <= FAVA_BAR_KEYS
    return [
        {
            "date": period,
            "balance": (
                {factor: money(amount) for factor, amount in sorted(stack.items())}
                if by_factor
                else {currency: money(sum(stack.values(), Decimal(0)))}
            ),
            "budgets": {},
            "account_balances": {
                factor: {factor if by_factor else currency: money(amount)}
                for factor, amount in sorted(stack.items())
            },
        }
        for period, stack in periods
    ]


def _headline(lines: Sequence[CostLine], where: Directory, whole: bool = False) -> Headline:
    """This period's fees and annual rate per factor, then a total per currency.

    The fees are the *Total fees* of the table by factor; the annual rate is the
    closed invoices' (fees / advance-days x 365), the all-in rate adds the fees of
    no invoice. A total row's rate is that of its factors' closed invoices together:
    their closed fees over their advance-days.
    """
    rows: list[tuple[str, ...]] = []
    totals: dict[str, list[Decimal]] = {}
    for line in lines:
        rows.append(
            (
                line.key,
                where.amount(line.fees.total, line.currency),
                _rate(line.annual_rate, where),
                _rate(line.all_in_rate, where),
            )
        )
        total = totals.setdefault(line.currency, [Decimal(0)] * 4)
        for index, amount in enumerate(
            (line.fees.total, line.closed_fees, line.untied_fees, line.dollar_days)
        ):
            total[index] += amount
    if len(lines) > 1:
        for currency, (fees, closed, untied, days) in sorted(totals.items()):
            rate = closed / days * 365 if days else None
            all_in = (closed + untied) / days * 365 if days else None
            rows.append(
                (TOTAL, where.amount(fees, currency), _rate(rate, where), _rate(all_in, where))
            )
    return Headline(
        title="What factoring cost in the period",
        columns=("Factor", "Fees", "Annual rate", "All-in rate"),
        rows=tuple(rows),
        numeric=(False, True, True, True),
        note=(
            "Of these factors, every customer's: the account filter keeps the tables of "
            "customers and invoices below. "
            if whole
            else ""
        )
        + "Annual rate: fees of the invoices closed in the period over their "
        "advance × days × 365; all-in adds the fees of no invoice. VAT excluded.",
        empty="No fee in this period.",
    )


def _rate(rate: Decimal | None, where: Directory) -> str:
    """A rate as a percentage in Fava's locale ("" without closed invoices)."""
    value = percent(rate)
    return "" if value is None else f"{where.number(value)} %"
