"""The comparison with an offer as text and as CSV (columns in ``docs/reports.md``).

Text: per offer, the total, then by month and by customer, each line the actual
fees and rate beside the offer's and the difference (offer - actual, negative
when the offer is cheaper); then each invoice, and the invoices left out, with why.
CSV: one row per line and per invoice, ``group`` saying which (``total``,
``month``, ``customer``, ``invoice``, ``excluded``); rates as numbers (0.1760
is 17.60% a year).
"""

from __future__ import annotations

from beancount_factoring.reports.cells import day, heading, money, percent, rate, shown, table
from beancount_factoring.reports.model import CompareLine, CompareReport, OfferComparison

COMPARE_CSV = [
    "offer",
    "group",
    "key",
    "currency",
    "invoices",
    "face",
    "actual_fees",
    "actual_rate",
    "offer_fees",
    "offer_rate",
    "difference",
    "customer",
    "factor",
    "funded_on",
    "closed_on",
    "outcome",
    "offer_closed_on",
    "offer_outcome",
    "reason",
]


def _m(value: object) -> str:
    return money(value, separators=True)  # type: ignore[arg-type]


def _line_rows(lines: tuple[CompareLine, ...]) -> list[list[str]]:
    return [
        [
            line.key,
            line.currency,
            str(line.invoices),
            _m(line.face),
            _m(line.actual_fees),
            percent(line.actual_rate),
            _m(line.offer_fees),
            percent(line.offer_rate),
            _m(line.difference),
        ]
        for line in lines
    ]


def _offer_text(period: str, compared: OfferComparison) -> list[str]:
    out = [shown(f"Offer {compared.offer}: the invoices funded {period}"), ""]
    headers = ["", "Cur", "Invoices", "Face", "Actual fees", "Actual rate"]
    headers += ["Offer fees", "Offer rate", "Difference"]
    right = [False, False] + [True] * 7
    for title, lines, first in (
        ("Total", compared.totals, "Total"),
        ("By month funded", compared.by_month, "Month"),
        ("By customer", compared.by_customer, "Customer"),
    ):
        if lines:
            out.extend([title, table([first, *headers[1:]], _line_rows(lines), right), ""])
    if not compared.invoices:
        out.extend(["No invoice funded in the period was collected or charged back.", ""])
    rows = [
        [
            item.invoice,
            item.customer,
            item.currency,
            day(item.funded_on),
            f"{item.outcome} {day(item.closed_on)}",
            _m(item.actual.total),
            f"{item.offer_outcome} {day(item.offer_closed_on)}",
            _m(item.offer.total),
        ]
        for item in compared.invoices
    ]
    if rows:
        headers = ["Invoice", "Customer", "Cur", "Funded", "Closed", "Actual fees"]
        headers += ["Under the offer", "Offer fees"]
        right = [False] * 5 + [True, False, True]
        out.extend(["By invoice", table(headers, rows, right), ""])
    if compared.excluded:
        rows = [
            [item.invoice, item.customer, item.currency, _m(item.face), item.reason]
            for item in compared.excluded
        ]
        headers = ["Left out", "Customer", "Cur", "Face", "Why"]
        out.extend(["Not compared", table(headers, rows, [False, False, False, True, False]), ""])
    return out


def compare_text(report: CompareReport) -> list[str]:
    since = f"from {report.start} " if report.start else ""
    period = f"{since}to {report.as_of}"
    of = f" by {report.factor}" if report.factor else ""
    out = heading(f"Factoring cost against other offers, {period}{of}", report.projected_after)
    if not report.offers:
        out.append(
            'No offer to compare: write one as custom "factoring-offer" "<Name>" (an offer '
            "with errors, FCT110, is left out: correct it)."
        )
    for compared in report.offers:
        out.extend(_offer_text(period, compared))
    return out


def compare_csv(report: CompareReport) -> tuple[list[str], list[list[str]]]:
    rows: list[list[str]] = []
    for compared in report.offers:
        name = compared.offer
        for group, lines in (
            ("total", compared.totals),
            ("month", compared.by_month),
            ("customer", compared.by_customer),
        ):
            for line in lines:
                rows.append(
                    [
                        name,
                        group,
                        line.key,
                        line.currency,
                        str(line.invoices),
                        money(line.face),
                        money(line.actual_fees),
                        rate(line.actual_rate),
                        money(line.offer_fees),
                        rate(line.offer_rate),
                        money(line.difference),
                        *[""] * 8,
                    ]
                )
        for item in compared.invoices:
            rows.append(
                [
                    name,
                    "invoice",
                    item.invoice,
                    item.currency,
                    "1",
                    money(item.face),
                    money(item.actual.total),
                    rate(item.actual_rate),
                    money(item.offer.total),
                    rate(item.offer_rate),
                    money(item.offer.total - item.actual.total),
                    item.customer,
                    item.factor,
                    day(item.funded_on),
                    day(item.closed_on),
                    item.outcome,
                    day(item.offer_closed_on),
                    item.offer_outcome,
                    "",
                ]
            )
        for left in compared.excluded:
            rows.append(
                [name, "excluded", left.invoice, left.currency, "1", money(left.face)]
                + [""] * 5
                + [left.customer, left.factor, day(left.funded_on), "", "", "", "", left.reason]
            )
    return COMPARE_CSV, rows
