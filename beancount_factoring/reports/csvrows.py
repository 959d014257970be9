"""The CSV table of each report: one row per detail line (columns in ``docs/reports.md``).

Money is rounded half-up to cents without separators, rates are plain numbers
with four decimals (``0.1761`` is 17.61% a year, as the agreement writes its
rates), dates are ISO, empty cells mean "none".
"""

from __future__ import annotations

from decimal import Decimal

from beancount_factoring.reports.cells import day, money, number, rate
from beancount_factoring.reports.model import (
    FEE_KINDS,
    AgingReport,
    CostLine,
    CostReport,
    ReconcileReport,
    ReserveReport,
)

Rows = tuple[list[str], list[list[str]]]


RESERVE_CSV = [
    "factor",
    "currency",
    "invoice",
    "customer",
    "status",
    "invoice_date",
    "funded_on",
    "collected_on",
    "expected_release",
    "released_on",
    "days_overdue",
    "face",
    "reserve",
    "held",
    "fees_due",
    "due_back",
    "accrued_fee",
    "forfeited",
    "forfeit_reason",
    "source",
]


def reserve_csv(report: ReserveReport) -> Rows:
    rows = [
        [
            line.factor,
            line.currency,
            line.invoice,
            line.customer,
            line.status,
            day(line.invoice_date),
            day(line.funded_on),
            day(line.collected_on),
            day(line.expected_release),
            day(line.released_on),
            str(line.days_overdue),
            money(line.face),
            money(line.reserve),
            money(line.held),
            money(line.fees_due),
            money(line.due_back),
            money(line.accrued_fee),
            money(line.forfeited),
            line.forfeit_reason or "",
            str(line.source),
        ]
        for factor in report.factors
        for line in factor.invoices
    ]
    return RESERVE_CSV, rows


AGING_CSV = [
    "holder",
    "invoice",
    "customer",
    "factor",
    "currency",
    "state",
    "account",
    "invoice_date",
    "due",
    "reference_date",
    "days",
    "bucket",
    "amount",
    "funded_on",
    "recourse_days_left",
    "source",
    # Last, so that the columns before keep their places: what the customer paid us of a
    # factored invoice (the factor's cash), not in ``amount``.
    "paid_to_us",
]


def aging_csv(report: AgingReport) -> Rows:
    rows = [
        [
            "factor" if line.factor else "us",
            line.invoice,
            line.customer,
            line.factor or "",
            line.currency,
            line.state,
            line.account,
            day(line.invoice_date),
            day(line.due),
            day(line.reference_date),
            str(line.days),
            line.bucket,
            money(line.amount),
            day(line.funded_on),
            "" if line.recourse_days_left is None else str(line.recourse_days_left),
            str(line.source),
            money(line.paid_to_us) if line.paid_to_us else "",
        ]
        for line in report.invoices
    ]
    return AGING_CSV, rows


COST_CSV = [
    "group",
    "key",
    "factor",
    "currency",
    *FEE_KINDS,
    "total",
    "closed",
    "closed_fees",
    "cash_advanced",
    "average_days",
    "annual_rate",
    "collected",
    "days_from_funding",
    "days_from_invoice",
    "short_paid",
    "kind",
    "reason",
    "count",
    "amount",
    "invoices",
    "untied_fees",
    "all_in_rate",
    "customer",
    "funded_on",
    "closed_on",
    # The VAT on the fees (deductible input VAT): in neither the fees nor the rate.
    "vat",
    # Days to pay: what the customer paid beyond the face (short_paid is never negative).
    "overpaid",
]


def _cost_cells(line: CostLine) -> list[str]:
    return [
        *(money(amount) for _, amount in line.fees.by_kind()),
        money(line.fees.total),
        str(line.closed),
        money(line.closed_fees),
        money(line.cash_advanced),
        number(line.average_days),
        rate(line.annual_rate),
    ]


def cost_csv(report: CostReport) -> Rows:
    waits = {(wait.customer, wait.currency): wait for wait in report.days_to_pay}
    rows = []
    for group, lines in (
        ("factor", report.by_factor),
        ("customer", report.by_customer),
        ("month", report.by_month),
    ):
        for line in lines:
            wait = waits.get((line.key, line.currency)) if group == "customer" else None
            extra = ["", "", "", ""]
            if wait is not None:
                extra = [
                    str(wait.collected),
                    number(wait.average_from_funding),
                    number(wait.average_from_invoice),
                    money(wait.short_paid),
                ]
            rows.append(
                [
                    group,
                    line.key,
                    line.factor or "",
                    line.currency,
                    *_cost_cells(line),
                    *extra,
                    *[""] * 5,
                    money(line.untied_fees) if group == "factor" else "",
                    rate(line.all_in_rate) if group == "factor" else "",
                    *[""] * 3,
                    money(line.vat),
                    money(wait.overpaid) if wait is not None else "",
                ]
            )
    rows.extend(_invoice_cost_rows(report))
    blank = [""] * (len(COST_CSV) - 16)
    for item in report.deductions:
        rows.append(
            [
                "deduction",
                item.customer,
                "",
                item.currency,
                *blank,
                item.kind,
                item.reason,
                str(item.count),
                money(item.amount),
                " ".join(item.invoices),
                *[""] * 7,
            ]
        )
    return COST_CSV, rows


def _invoice_cost_rows(report: CostReport) -> list[list[str]]:
    """Group ``invoice``: each invoice's whole-life cost (``closed`` is 1, ``average_days``
    its days, ``factor`` the factors that held it, joined by "; ")."""
    return [
        [
            "invoice",
            line.invoice,
            "; ".join(line.factors),
            line.currency,
            *(money(amount) for _, amount in line.fees.by_kind()),
            money(line.fees.total),
            "1",
            money(line.fees.total),
            money(line.cash_advanced),
            number(Decimal(line.days)),
            rate(line.annual_rate),
            *[""] * 9,
            "",
            "",
            line.customer,
            day(line.funded_on),
            day(line.closed_on),
            "",
            "",
        ]
        for line in report.by_invoice
    ]


RECONCILE_CSV = [
    "factor",
    "account",
    "currency",
    "kind",
    "reference",
    "invoices",
    "since",
    "days_open",
    "on_clearing",
    "cash",
    "deadline",
    "overdue",
    "source",
    "message",
]


def reconcile_csv(report: ReconcileReport) -> Rows:
    rows: list[list[str]] = []
    for account in report.accounts:
        for item in account.items:
            rows.append(
                [
                    item.factor,
                    account.account,
                    item.currency,
                    item.kind,
                    item.reference,
                    " ".join(item.invoices),
                    day(item.since),
                    str(item.days_open),
                    money(item.on_clearing),
                    money(item.cash),
                    day(item.deadline),
                    "yes" if item.overdue else "no",
                    str(item.source),
                    "",
                ]
            )
        for lump in account.unallocated:
            rows.append(
                [
                    lump.factor,
                    lump.account,
                    lump.currency,
                    "unallocated",
                    " ".join(lump.codes),
                    "",
                    day(lump.date),
                    str(lump.days_open),
                    money(lump.amount),
                    money(-lump.amount),
                    "",
                    "yes" if lump.past_grace else "no",
                    str(lump.source),
                    f"{lump.payee} {lump.narration}".strip(),
                ]
            )
    for error in report.disagreements:
        rows.append(
            [
                error.factor or "",
                "",
                "",
                "disagreement",
                error.code,
                "",
                day(error.date),
                "",
                "",
                "",
                "",
                "",
                str(error.source),
                error.message,
            ]
        )
    return RECONCILE_CSV, rows
