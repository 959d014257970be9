"""The comparison with an offer as text and as CSV (columns in ``docs/reports.md``).

Text: per offer, the total, then by month and by customer, each line the actual
fees and rate beside the offer's and the difference (offer - actual, negative
when the offer is cheaper); then each invoice, and the invoices left out, with why.
CSV: one row per line and per invoice, ``group`` saying which (``total``,
``month``, ``customer``, ``invoice``, ``excluded``); rates as numbers (0.1760
is 17.60% a year). A credit loss's cost beyond the fees (``actual_losses``,
``offer_losses``) is in the text only when an invoice was lost, in the CSV's last two
columns always.
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
    "actual_losses",
    "offer_losses",
]


def _m(value: object) -> str:
    return money(value, separators=True)  # type: ignore[arg-type]


def _line_rows(lines: tuple[CompareLine, ...], losses: bool) -> list[list[str]]:
    """Each line's cells; with ``losses``, each side's credit losses after its fees."""
    return [
        [
            line.key,
            line.currency,
            str(line.invoices),
            _m(line.face),
            _m(line.actual_fees),
            *([_m(line.actual_losses)] if losses else []),
            percent(line.actual_rate),
            _m(line.offer_fees),
            *([_m(line.offer_losses)] if losses else []),
            percent(line.offer_rate),
            _m(line.difference),
        ]
        for line in lines
    ]


def _lost(compared: OfferComparison) -> bool:
    """Whether a compared invoice was lost on either side: the text then shows losses."""
    return any(item.actual_loss or item.offer_loss for item in compared.invoices)


def _offer_text(period: str, compared: OfferComparison) -> list[str]:
    out = [shown(f"Offer {compared.offer}: the invoices funded {period}"), ""]
    losses = _lost(compared)
    lost = (["Actual losses"], ["Offer losses"]) if losses else ([], [])
    headers = ["", "Cur", "Invoices", "Face", "Actual fees", *lost[0], "Actual rate"]
    headers += ["Offer fees", *lost[1], "Offer rate", "Difference"]
    right = [False, False] + [True] * (len(headers) - 2)
    for title, lines, first in (
        ("Total", compared.totals, "Total"),
        ("By month funded", compared.by_month, "Month"),
        ("By customer", compared.by_customer, "Customer"),
    ):
        if lines:
            rows = _line_rows(lines, losses)
            out.extend([title, table([first, *headers[1:]], rows, right), ""])
    if not compared.invoices:
        out.extend(["No invoice funded in the period was collected or charged back.", ""])
    if compared.invoices:
        out.extend(["By invoice", _invoice_table(compared, losses), ""])
    if compared.excluded:
        rows = [
            [item.invoice, item.customer, item.currency, _m(item.face), item.reason]
            for item in compared.excluded
        ]
        headers = ["Left out", "Customer", "Cur", "Face", "Why"]
        out.extend(["Not compared", table(headers, rows, [False, False, False, True, False]), ""])
    return out


def _invoice_table(compared: OfferComparison, losses: bool) -> str:
    """Each compared invoice: its end and fees on each side (and losses, if any)."""
    rows = [
        [
            item.invoice,
            item.customer,
            item.currency,
            day(item.funded_on),
            f"{item.outcome} {day(item.closed_on)}",
            _m(item.actual.total),
            *([_m(item.actual_loss)] if losses else []),
            f"{item.offer_outcome} {day(item.offer_closed_on)}",
            _m(item.offer.total),
            *([_m(item.offer_loss)] if losses else []),
        ]
        for item in compared.invoices
    ]
    lost = (["Actual loss"], ["Offer loss"]) if losses else ([], [])
    headers = ["Invoice", "Customer", "Cur", "Funded", "Closed", "Actual fees", *lost[0]]
    headers += ["Under the offer", "Offer fees", *lost[1]]
    right = [False] * 5 + [True] * (1 + len(lost[0])) + [False] + [True] * (1 + len(lost[1]))
    return table(headers, rows, right)


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
                        money(line.actual_losses),
                        money(line.offer_losses),
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
                    money(item.actual_loss),
                    money(item.offer_loss),
                ]
            )
        for left in compared.excluded:
            rows.append(
                [name, "excluded", left.invoice, left.currency, "1", money(left.face)]
                + [""] * 5
                + [left.customer, left.factor, day(left.funded_on), "", "", "", "", left.reason]
                + ["", ""]
            )
    return COMPARE_CSV, rows
