"""example_ledger/year/: the books as an auditor would sign them.

- Lakeshore's program is full recourse, which docs/ledger.md (6.8) calls a secured
  borrowing: it is booked under the loan model, so the invoices stay on the receivables
  and what Lakeshore advanced is a liability (the recourse obligation) until the broker
  pays or Lakeshore charges the invoice back. Pinecrest, non-recourse, buys (a sale).
- adjustments.beancount: the allowance for Redfern in the month it stopped paying, the
  monthly straight-line depreciation, and the interest in each truck-loan payment.

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data

ROOT = Path(__file__).resolve().parent.parent
BOOKS = ROOT / "example_ledger" / "year"
ADVANCES = "Liabilities:Factoring:Lakeshore:Advances"
ALLOWANCE = "Assets:Allowance:DoubtfulAccounts"
ACCUMULATED = "Assets:Equipment:AccumulatedDepreciation"
ZERO = Decimal(0)
CENT = Decimal("0.01")


@pytest.fixture(scope="module")
def entries() -> list[Any]:
    entries, errors, _ = loader.load_file(str(BOOKS / "main.beancount"))
    assert errors == []
    return entries


def transactions(entries: list[Any]) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def balance(entries: list[Any], account: str, before: datetime.date) -> Decimal:
    """The account's balance at the start of a day."""
    return sum(
        (
            p.units.number
            for e in transactions(entries)
            if e.date < before
            for p in e.postings
            if p.account == account
        ),
        ZERO,
    )


def day(month: int, on: int, year: int = 2025) -> datetime.date:
    return datetime.date(year, month, on)


# --------------------------------------------------------------------------------------
# Full recourse is a secured borrowing
# --------------------------------------------------------------------------------------


def test_the_recourse_program_is_booked_as_the_docs_recommend(entries: list[Any]) -> None:
    guide = (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")
    assert "With\nfull recourse" in guide and "*secured borrowing*" in guide
    terms = {
        e.values[0].value: e.meta
        for e in entries
        if isinstance(e, data.Custom) and e.type == "factoring-agreement"
    }
    # Lakeshore: 90 days' recourse, so the loan model; Pinecrest: none, so a sale.
    assert terms["Lakeshore"]["recourse-days"] == 90
    assert terms["Lakeshore"]["model"] == "loan"
    assert terms["Pinecrest"]["recourse-days"] == 0
    assert "model" not in terms["Pinecrest"]


def test_a_pledged_invoice_stays_on_the_receivable_and_the_advance_is_owed(
    entries: list[Any],
) -> None:
    # Schedule 3201 (January 2): RF-10001 3,275.00 (Millbrook) + RF-10002 1,670.00
    # (KestrelPoint) = 4,945.00, pledged, not sold: the schedule moves nothing...
    (schedule,) = [e for e in transactions(entries) if e.meta.get("schedule") == "3201"]
    assert schedule.meta["factoring"] == "schedule"
    assert [p.units.number for p in schedule.postings] == [ZERO, ZERO]
    # ... and its funding owes Lakeshore the face: 4,945.00 on the advances liability,
    # against 95% x 4,945.00 = 4,697.75 advanced, less the $10.00 ACH fee = 4,687.75 cash,
    # and 5% x 4,945.00 = 247.25 reserve (4,687.75 + 10.00 + 247.25 = 4,945.00).
    funding = next(
        e
        for e in transactions(entries)
        if "sched-3201" in e.links and e.meta.get("factoring") != "schedule"
    )
    owed = sum((p.units.number for p in funding.postings if p.account == ADVANCES), ZERO)
    assert owed == Decimal("-4945.00")
    cash = sum(
        (p.units.number for p in funding.postings if p.account == "Assets:Bank:Checking"), ZERO
    )
    assert cash == Decimal("4687.75")


def test_the_chargeback_repays_the_advance_and_the_claim_stays(entries: list[Any]) -> None:
    (chargeback,) = [
        e
        for e in transactions(entries)
        if e.meta.get("factoring") == "chargeback" and "RF-10309" in e.links
    ]
    # RF-10309, 905.00, funded March 5, charged back June 3: 90 days. Fee 1.75% for 30
    # days + 6 x 0.5% for the next 60 = 4.75% x 905.00 = 42.9875 -> 42.99 (none was taken
    # at funding: fee-timing collection). Lakeshore keeps the 5% reserve, 45.25, and takes
    # 905.00 - 45.25 + 42.99 = 902.74 from the day's funding.
    legs = {(p.account, p.units.number) for p in chargeback.postings}
    assert legs == {
        (ADVANCES, Decimal("905.00")),
        ("Assets:Factoring:Lakeshore:Reserve", Decimal("-45.25")),
        ("Expenses:Factoring:Lakeshore:Fees", Decimal("42.99")),
        ("Assets:Factoring:Lakeshore:Clearing", Decimal("-902.74")),
    }
    # Redfern's receivable never moved: its three loads, 905.00 + 985.00 + 1,065.00 =
    # 2,955.00, are on it before the chargebacks (June 1) and after (July 1).
    redfern = "Assets:Receivable:Redfern"
    assert balance(entries, redfern, day(6, 1)) == Decimal("2955.00")
    assert balance(entries, redfern, day(7, 1)) == Decimal("2955.00")
    # Once Lakeshore's last invoice is paid (August 25) nothing is owed to it.
    assert balance(entries, ADVANCES, day(9, 1)) == ZERO


def test_the_advances_are_the_face_of_what_lakeshore_holds(entries: list[Any]) -> None:
    """At every month end the liability is the face of the invoices Lakeshore funded and
    that are neither paid to it nor charged back: the recourse obligation, in full."""
    events = [e for e in transactions(entries) if e.meta.get("factor") == "Lakeshore"]
    faces = {
        e.meta["invoice"]: e.postings[0].units.number
        for e in transactions(entries)
        if "invoice" in e.meta
    }
    for month in range(2, 10):
        start = day(month, 1)
        held: set[str] = set()
        for event in events:
            if event.date < start:
                kind = event.meta.get("factoring")
                if kind == "schedule":
                    held |= event.links & faces.keys()
                elif kind in ("collected", "chargeback"):
                    held -= event.links
        owed = sum((faces[n] for n in held), ZERO)
        assert balance(entries, ADVANCES, start) == -owed, start
        assert (owed > 0) == (month <= 8)


# --------------------------------------------------------------------------------------
# The allowance for doubtful accounts
# --------------------------------------------------------------------------------------


def test_the_allowance_is_booked_when_redfern_stops_paying(entries: list[Any]) -> None:
    # 905.00 + 985.00 + 1,065.00 = 2,955.00, expensed in April, the month Redfern is
    # known to have stopped paying (Lakeshore's no-buy list, April 21).
    (allowance,) = [
        e
        for e in transactions(entries)
        if any(p.account == ALLOWANCE and p.units.number < 0 for p in e.postings)
    ]
    assert allowance.date == day(4, 30)
    assert allowance.links == {"RF-10309", "RF-10356", "RF-10408"}
    assert balance(entries, "Expenses:BadDebt", day(5, 1)) == Decimal("2955.00")
    assert balance(entries, ALLOWANCE, day(5, 1)) == Decimal("-2955.00")
    # Net, the claims are worth nothing from May: 2,955.00 - 2,955.00 = 0.
    redfern = balance(entries, "Assets:Receivable:Redfern", day(5, 1))
    assert redfern + balance(entries, ALLOWANCE, day(5, 1)) == ZERO


def test_the_write_off_uses_the_allowance_and_expenses_nothing_twice(
    entries: list[Any],
) -> None:
    write_offs = [e for e in transactions(entries) if "Write-off" in (e.narration or "")]
    # Each write-off moves its face from the allowance: 905.00, 985.00, 1,065.00.
    used = sorted(p.units.number for e in write_offs for p in e.postings if p.account == ALLOWANCE)
    assert used == [Decimal("905.00"), Decimal("985.00"), Decimal("1065.00")]
    assert all(e.date == day(9, 30) for e in write_offs)
    assert balance(entries, ALLOWANCE, day(10, 1)) == ZERO
    # The year's bad debt is the April allowance alone: 2,955.00, not 2 x 2,955.00.
    assert balance(entries, "Expenses:BadDebt", day(1, 1, 2026)) == Decimal("2955.00")


# --------------------------------------------------------------------------------------
# Depreciation
# --------------------------------------------------------------------------------------


def test_depreciation_is_booked_every_month_straight_line(entries: list[Any]) -> None:
    booked = [
        e
        for e in transactions(entries)
        if any(p.account == "Expenses:Depreciation" for p in e.postings)
    ]
    # One entry a month, on its last day.
    assert [(e.date + datetime.timedelta(days=1)).day for e in booked] == [1] * 12
    assert sorted({e.date.month for e in booked}) == list(range(1, 13))
    # Tractors (1,380,000.00 - 300,000.00 salvage) / 6 years / 12 = 15,000.00 a month;
    # trailers (336,000.00 - 48,000.00) / 10 / 12 = 2,400.00; 17,400.00 together.
    for entry in booked:
        parts = {(p.meta or {}).get("asset"): p.units.number for p in entry.postings}
        assert parts == {
            "tractors": Decimal("15000.00"),
            "trailers": Decimal("2400.00"),
            None: Decimal("-17400.00"),
        }
    # 12 x 17,400.00 = 208,800.00 for the year; accumulated 612,000.00 + 208,800.00.
    assert balance(entries, "Expenses:Depreciation", day(1, 1, 2026)) == Decimal("208800.00")
    assert balance(entries, ACCUMULATED, day(1, 1, 2026)) == Decimal("-820800.00")
    # Half-way: 612,000.00 + 6 x 17,400.00 = 716,400.00 on July 1.
    assert balance(entries, ACCUMULATED, day(7, 1)) == Decimal("-716400.00")


# --------------------------------------------------------------------------------------
# Truck-loan interest
# --------------------------------------------------------------------------------------

LOANS = {
    # account: (payment, yearly rate, balance on January 1)
    "Liabilities:Loans:Lakeview": (Decimal("18480.00"), Decimal("0.089"), Decimal("611840.00")),
    "Liabilities:Loans:Briarwood": (Decimal("10360.00"), Decimal("0.075"), Decimal("398220.00")),
}


def interest_entries(entries: list[Any], account: str) -> list[data.Transaction]:
    return [
        e
        for e in transactions(entries)
        if any(p.account == "Expenses:Interest:Equipment" for p in e.postings)
        and any(p.account == account for p in e.postings)
    ]


@pytest.mark.parametrize("account", sorted(LOANS))
def test_each_loan_payment_is_split_into_interest_and_principal(
    entries: list[Any], account: str
) -> None:
    payment, rate, owed = LOANS[account]
    payments = [
        e
        for e in transactions(entries)
        if "LOAN PMT" in f"{e.payee} {e.narration}"  # the bank lines
        and any(p.account == account for p in e.postings)
    ]
    split = interest_entries(entries, account)
    assert len(payments) == len(split) == 12
    for paid, interest in zip(payments, split, strict=True):
        assert paid.date == interest.date  # the split is booked on the payment's day
        # Interest: the balance owed x the rate / 12, to the cent; the rest is principal.
        expected = (owed * rate / 12).quantize(CENT, ROUND_HALF_UP)
        (expense,) = [p for p in interest.postings if p.account == "Expenses:Interest:Equipment"]
        assert expense.units.number == expected, interest.date
        owed -= payment - expected
        assert -balance(entries, account, interest.date + datetime.timedelta(days=1)) == owed


def test_the_interest_figures(entries: list[Any]) -> None:
    lakeview, briarwood = (
        interest_entries(entries, f"Liabilities:Loans:{name}")
        for name in ("Lakeview", "Briarwood")
    )
    first = [p.units.number for p in lakeview[0].postings]
    # January: 611,840.00 x 0.089 / 12 = 4,537.813 -> 4,537.81; principal 18,480.00 -
    # 4,537.81 = 13,942.19; Lakeview is owed 611,840.00 - 13,942.19 = 597,897.81.
    assert first == [Decimal("4537.81"), Decimal("-4537.81")]
    after = lakeview[0].date + datetime.timedelta(days=1)
    assert balance(entries, "Liabilities:Loans:Lakeview", after) == Decimal("-597897.81")
    # Briarwood: 398,220.00 x 0.075 / 12 = 2,488.875 -> 2,488.88 (half up).
    assert briarwood[0].postings[0].units.number == Decimal("2488.88")
    # The year, as on the lenders' statements: 47,457.49 + 26,551.06 = 74,008.55; the
    # loans end at 611,840.00 - (12 x 18,480.00 - 47,457.49) = 437,537.49 and
    # 398,220.00 - (12 x 10,360.00 - 26,551.06) = 300,451.06.
    year_end = day(1, 1, 2026)
    assert balance(entries, "Expenses:Interest:Equipment", year_end) == Decimal("74008.55")
    assert balance(entries, "Liabilities:Loans:Lakeview", year_end) == Decimal("-437537.49")
    assert balance(entries, "Liabilities:Loans:Briarwood", year_end) == Decimal("-300451.06")


def test_the_adjustments_are_hand_kept_not_imported() -> None:
    main = (BOOKS / "main.beancount").read_text(encoding="utf-8")
    assert re.search(r'^include "adjustments.beancount"$', main, re.MULTILINE)
    text = (BOOKS / "adjustments.beancount").read_text(encoding="utf-8")
    assert "import-id" not in text
