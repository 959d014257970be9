"""The text of each report: aligned tables for a terminal (see ``docs/reports.md``).

Money is rounded half-up to cents with thousands separators, rates are
percentages with two decimals, averages have one decimal.
"""

from __future__ import annotations

from decimal import Decimal

from beancount_factoring.reports.aging import unattributed_note
from beancount_factoring.reports.cells import day, heading, money, number, percent, shown, table
from beancount_factoring.reports.model import (
    BUCKETS,
    FEE_KINDS,
    AgingReport,
    CostLine,
    CostReport,
    OpenItem,
    ReconcileReport,
    ReserveReport,
)


def _m(value: Decimal | None) -> str:
    return money(value, separators=True)


def _only(factor: str | None) -> str:
    """What a title adds for a report of one factor (``--factor``)."""
    return f", {factor} only" if factor else ""


def reserve_text(report: ReserveReport) -> list[str]:
    out = heading(f"Reserve as of {report.as_of}{_only(report.factor)}", report.projected_after)
    if not report.factors:
        return [*out, "No factor holds a reserve."]
    for factor in report.factors:
        out.append(shown(f"{factor.factor} ({factor.currency}): {', '.join(factor.accounts)}"))
        out.append(
            f"  held {_m(factor.held)}, account balance {_m(factor.account_balance)}, "
            f"unexplained {_m(factor.unexplained)}; due back on collected invoices "
            f"{_m(factor.due_back)}, "
            f"forfeited {_m(factor.forfeited)}"
        )
        out.append(
            f"  fees accrued {_m(factor.accrued_fees)}, held net of them "
            f"{_m(factor.held_net_of_fees)}"
        )
        out.append(
            "  held by status: "
            + ", ".join(f"{status} {_m(held)}" for status, held in factor.by_status)
        )
        out.append("")
        headers = [
            "Invoice",
            "Customer",
            "Status",
            "Funded",
            "Collected",
            "Expected release",
            "Released",
            "Reserve",
            "Held",
            "Fees due",
            "Due back",
            "Accrued fee",
            "Forfeited",
            "Why",
        ]
        rows = [
            [
                line.invoice,
                line.customer,
                line.status + (f" {line.days_overdue}d" if line.days_overdue else ""),
                day(line.funded_on),
                day(line.collected_on),
                day(line.expected_release),
                day(line.released_on),
                _m(line.reserve),
                _m(line.held),
                _m(line.fees_due),
                _m(line.due_back),
                _m(line.accrued_fee),
                _m(line.forfeited),
                line.forfeit_reason or "",
            ]
            for line in factor.invoices
        ]
        right = [False] * 7 + [True] * 6 + [False]
        out.extend([table(headers, rows, right), ""])
    return out


def _paid_to_us(amount: Decimal) -> str:
    """The totals line's word on what customers paid us of the factors' invoices."""
    if not amount:
        return ""
    return (
        f"; customers paid us {_m(amount)} of the factors' invoices (the factors' cash, "
        "owed to them or forwarded, not counted above)"
    )


def aging_text(report: AgingReport) -> list[str]:
    title = f"Aging as of {report.as_of}, by {report.basis} date{_only(report.factor)}"
    out = heading(title, report.projected_after)
    # With --factor, the factored figures are that factor's alone: said so.
    holders = f"{report.factor} holds" if report.factor else "factors hold"
    for title, rows_, factored in (
        ("Receivables we hold", report.unfactored, False),
        (f"Invoices {'' if report.factor else 'the '}{holders}", report.factored, True),
    ):
        out.append(shown(title))
        headers = ["Customer", *(["Factor"] if factored else []), "Cur", *BUCKETS, "Total"]
        rows = [
            [
                row.customer,
                *([row.factor or ""] if factored else []),
                row.currency,
                *(_m(x) for x in row.buckets),
                _m(row.total),
            ]
            for row in rows_
        ]
        for total in report.totals:
            buckets = total.factored if factored else total.unfactored
            rows.append(
                [
                    "Total",
                    *([""] if factored else []),
                    total.currency,
                    *(_m(x) for x in buckets),
                    _m(sum(buckets, Decimal(0))),
                ]
            )
        fixed = 3 if factored else 2
        right = [False] * fixed + [True] * (len(BUCKETS) + 1)
        out.extend([table(headers, rows, right), ""])
    for total in report.totals:
        pledged = f", of which {_m(total.pledged)} pledged (loan model)" if total.pledged else ""
        out.append(
            f"{total.currency}: receivable accounts {_m(total.receivable_balance)}{pledged}; "
            f"{shown(holders)} {_m(total.factor_outstanding)} funded and {_m(total.scheduled)} "
            f"scheduled{_paid_to_us(total.paid_to_us)}"
        )
    out.extend(["", "Invoices"])
    headers = [
        "Invoice",
        "Customer",
        "Factor",
        "State",
        "Date",
        "Due",
        "Days",
        "Bucket",
        "Amount",
        "Cur",
        "Recourse left",
    ]
    rows = [
        [
            line.invoice or line.account,
            line.customer,
            line.factor or "",
            line.state,
            day(line.invoice_date),
            day(line.due),
            str(line.days),
            line.bucket,
            _m(line.amount),
            line.currency,
            "" if line.recourse_days_left is None else str(line.recourse_days_left),
        ]
        for line in report.invoices
    ]
    right = [False] * 6 + [True, False, True, False, True]
    out.append(table(headers, rows, right))
    note = unattributed_note(
        report.invoices, str, lambda amount, currency: f"{_m(amount)} {currency}"
    )
    if note is not None:
        out.extend(["", shown(note)])
    return out


def cost_text(report: CostReport) -> list[str]:
    since = f"from {report.start} " if report.start else ""
    title = f"Factoring cost {since}to {report.as_of}{_only(report.factor)}"
    out = heading(title, report.projected_after)
    # Only the kinds of fee charged at all, as in Fava; the CSV and JSON keep every kind.
    every = report.by_factor + report.by_customer + report.by_month
    kinds = [k for k in FEE_KINDS if k == "discount" or any(getattr(x.fees, k) for x in every)]
    # The VAT on the fees, when there is any: deductible, so in neither the fees nor the rate.
    vat = any(line.vat for line in every)
    out.extend(_cost_tables(report, kinds, vat))
    out.extend(["By month", _month_costs(report, kinds, vat), ""])
    if vat:
        out.extend(
            [
                "VAT excluded, deductible: the fees and the rate leave out the VAT the factor "
                "adds to its fees (input VAT, booked to the agreement's vat-account); VAT "
                "shows it apart.",
                "",
            ]
        )
    out.extend(["Days to pay", _days_to_pay(report)])
    if report.deductions:
        out.extend(["", "Short pays, chargebacks and credit losses", _deductions(report)])
    # The detail last: one line per invoice closed in the period.
    out.extend(["", "By invoice, over its whole life", _invoice_costs(report)])
    return out


def _fee_cells(line: CostLine, shown: list[str]) -> list[str]:
    """The line's fees of each kind shown."""
    return [_m(getattr(line.fees, kind)) for kind in shown]


def _vat_cells(line: CostLine, vat: bool) -> list[str]:
    """The line's VAT cell, when the report shows VAT and the line is a factor's."""
    # Customer lines carry no VAT (it is booked per factor, not per customer).
    return [_m(line.vat)] if vat and line.factor is not None else []


def _cost_tables(report: CostReport, shown: list[str], vat: bool) -> list[str]:
    """The cost by factor and by customer, each titled and followed by a blank line."""
    out: list[str] = []
    kinds = [kind.capitalize() for kind in shown]
    # The all-in rate only when some fee belongs to no invoice (else it is the rate).
    all_in = any(line.untied_fees for line in report.by_factor)
    for title, lines, first in (
        ("By factor", report.by_factor, "Factor"),
        ("By customer", report.by_customer, "Customer"),
    ):
        extra = ["All-in"] if all_in and first == "Factor" else []
        headers = [first, "Cur", *kinds, "Total", "Closed", "Advanced", "Avg days", "Rate", *extra]
        with_vat = vat and first == "Factor"
        headers += ["VAT"] if with_vat else []
        rows = [
            [
                line.key,
                line.currency,
                *_fee_cells(line, shown),
                _m(line.fees.total),
                str(line.closed),
                _m(line.cash_advanced),
                number(line.average_days),
                percent(line.annual_rate),
                *([percent(line.all_in_rate)] if extra else []),
                *_vat_cells(line, vat),
            ]
            for line in lines
        ]
        right = [False, False] + [True] * (len(kinds) + 5 + len(extra) + with_vat)
        out.extend([title, table(headers, rows, right), ""])
    return out


def _month_costs(report: CostReport, shown: list[str], vat: bool) -> str:
    """The fees of each month, per factor and currency."""
    kinds = [kind.capitalize() for kind in shown]
    headers = ["Month", "Factor", "Cur", *kinds, "Total"] + (["VAT"] if vat else [])
    rows = [
        [
            line.key,
            line.factor or "",
            line.currency,
            *_fee_cells(line, shown),
            _m(line.fees.total),
            *_vat_cells(line, vat),
        ]
        for line in report.by_month
    ]
    return table(headers, rows, [False] * 3 + [True] * (len(kinds) + 1 + vat))


def _days_to_pay(report: CostReport) -> str:
    """How long each customer took to pay, and what it paid short or over."""
    headers = [
        "Customer",
        "Cur",
        "Collected",
        "Days from funding",
        "Days from invoice",
        "Short paid",
        "Overpaid",
    ]
    rows = [
        [
            wait.customer,
            wait.currency,
            str(wait.collected),
            number(wait.average_from_funding),
            number(wait.average_from_invoice),
            _m(wait.short_paid),
            _m(wait.overpaid),
        ]
        for wait in report.days_to_pay
    ]
    return table(headers, rows, [False, False] + [True] * 5)


def _deductions(report: CostReport) -> str:
    """The short pays, chargebacks and credit losses per customer, kind and reason."""
    headers = ["Customer", "Kind", "Reason", "Cur", "Count", "Amount", "Invoices"]
    rows = [
        [
            item.customer,
            item.kind,
            item.reason,
            item.currency,
            str(item.count),
            _m(item.amount),
            " ".join(item.invoices),
        ]
        for item in report.deductions
    ]
    return table(headers, rows, [False] * 4 + [True, True, False])


def _invoice_costs(report: CostReport) -> str:
    headers = ["Invoice", "Customer", "Factors", "Cur", "Fees", "Funded", "Closed", "Days"]
    headers += ["Advanced", "Rate"]
    rows = [
        [
            line.invoice,
            line.customer,
            ", ".join(line.factors),
            line.currency,
            _m(line.fees.total),
            str(line.funded_on),
            str(line.closed_on),
            str(line.days),
            _m(line.cash_advanced),
            percent(line.annual_rate),
        ]
        for line in report.by_invoice
    ]
    return table(headers, rows, [False] * 4 + [True] + [False] * 2 + [True] * 3)


def _awaiting(item: OpenItem) -> str:
    """A schedule past its deadline, not proven late: said, so no one reads it as missed."""
    return "awaiting funding" if item.awaiting_funding else ""


def reconcile_text(report: ReconcileReport) -> list[str]:
    title = f"Reconciliation as of {report.as_of}{_only(report.factor)}"
    out = heading(title, report.projected_after)
    if not report.accounts:
        out.extend(["No clearing account has anything open.", ""])
    for account in report.accounts:
        out.append(shown(f"{account.factor} ({account.currency}): {' + '.join(account.accounts)}"))
        out.append(
            f"  balance {_m(account.balance)}, explained by the items {_m(account.explained)}, "
            f"unexplained {_m(account.unexplained)}"
        )
        if account.items:
            headers = [
                "Kind",
                "Reference",
                "Since",
                "Days",
                "On clearing",
                "Cash",
                "Deadline",
                "",
                "Source",
            ]
            rows = [
                [
                    item.kind,
                    item.reference,
                    day(item.since),
                    str(item.days_open),
                    _m(item.on_clearing),
                    _m(item.cash),
                    day(item.deadline),
                    "OVERDUE" if item.overdue else _awaiting(item),
                    str(item.source),
                ]
                for item in account.items
            ]
            right = [False, False, False, True, True, True, False, False, False]
            out.append(table(headers, rows, right))
        if account.unallocated:
            out.extend(["", "  Unallocated deposits and releases"])
            headers = ["Date", "Payee", "Amount", "Days", "Grace", "", "Errors", "Source"]
            rows = [
                [
                    day(lump.date),
                    lump.payee,
                    _m(lump.amount),
                    str(lump.days_open),
                    str(lump.grace_days),
                    "PAST GRACE" if lump.past_grace else "",
                    " ".join(lump.codes),
                    str(lump.source),
                ]
                for lump in account.unallocated
            ]
            out.append(table(headers, rows, [False, False, True, True, True] + [False] * 3))
        if not account.items and not account.unallocated:
            out.append("  Nothing open.")
        out.append("")
    out.append("Disagreements with the agreements")
    if report.disagreements:
        out.extend(shown(f"  {e.source}: {e.code} {e.message}") for e in report.disagreements)
    else:
        out.append("  None.")
    out.append("")
    if report.problems:
        out.append("Open past their grace period:")
        out.extend(shown(f"  {problem}") for problem in report.problems)
    else:
        out.append("Nothing is open past its grace period.")
    if report.silenced:
        out.append("Past their deadline, not counted: the ledger disables their check:")
        out.extend(shown(f"  {line}") for line in report.silenced)
    return out
