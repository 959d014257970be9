"""The reserve report on ledger text, with the figures worked out by hand.

The SUMMIT ledger (report_ledgers.py): advance 95%, so the reserve is 5% of face;
release-days 10. INV-1 (2,000.00) and INV-2 (1,000.00) funded 2025-03-05,
INV-3 (3,000.00) funded 2025-03-11; INV-2 short paid by 100.00 on 04-03; INV-1
collected 04-01, released 04-20; INV-3 charged back 06-15; INV-6 (4,000.00)
funded 06-20.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
import test_buyout
from conftest import book_of
from report_ledgers import LEDGERS, full

from beancount_factoring.reports import UnknownFactor
from beancount_factoring.reports.model import (
    AWAITING_COLLECTION,
    FORFEITED,
    OVERDUE,
    RELEASE_DUE,
    RELEASED,
    BalancePoint,
)
from beancount_factoring.reports.render import render

from ledgers import SHORT_PAY_THEN_LATE_FEE

D = Decimal
day = datetime.date


def lines(report):
    (factor,) = report.factors
    return {line.invoice: line for line in factor.invoices}


def test_in_the_past_every_reserve_awaits_collection(summit):
    report = summit.reserve(as_of=day(2025, 3, 31))
    (factor,) = report.factors
    found = lines(report)
    assert {n: x.status for n, x in found.items()} == {
        "INV-1": AWAITING_COLLECTION,
        "INV-2": AWAITING_COLLECTION,
        "INV-3": AWAITING_COLLECTION,
    }
    # 5% of 2,000.00, 1,000.00 and 3,000.00.
    assert [found[n].held for n in ("INV-1", "INV-2", "INV-3")] == [D("100"), D("50"), D("150")]
    # Not collected: due date + release-days (04-02 + 10, 04-09 + 10).
    assert found["INV-1"].expected_release == day(2025, 4, 12)
    assert found["INV-3"].expected_release == day(2025, 4, 19)
    # The tie-out: 100 + 50 + 150 = 300.00 on the reserve account.
    assert factor.held == factor.account_balance == D("300.00")
    assert factor.unexplained == 0
    assert factor.history == (
        BalancePoint(day(2025, 3, 5), D("150.00")),
        BalancePoint(day(2025, 3, 11), D("300.00")),
    )


def test_a_short_pay_forfeits_the_reserve_and_a_late_release_is_overdue(summit):
    report = summit.reserve(as_of=day(2025, 4, 15))
    (factor,) = report.factors
    found = lines(report)
    # INV-1 collected 04-01: due back by 04-11, 4 days late on 04-15.
    assert found["INV-1"].status == OVERDUE
    assert found["INV-1"].days_overdue == 4
    assert found["INV-1"].expected_release == day(2025, 4, 11)
    assert found["INV-1"].due_back == D("100.00")
    # INV-2 paid 900.00 of 1,000.00: the 100.00 short takes all 50.00 of its reserve.
    assert found["INV-2"].status == FORFEITED
    assert (found["INV-2"].forfeited, found["INV-2"].forfeit_reason) == (D("50.00"), "short-pay")
    assert found["INV-2"].held == 0
    # 300 - 50 = 250.00.
    assert factor.held == factor.account_balance == D("250.00")
    assert factor.due_back == D("100.00")
    assert dict(factor.by_status)[OVERDUE] == D("100.00")


def test_a_chargeback_forfeits_the_reserve(summit):
    report = summit.reserve(as_of=day(2025, 6, 30))
    (factor,) = report.factors
    found = lines(report)
    assert found["INV-1"].status == RELEASED
    assert found["INV-1"].released_on == day(2025, 4, 20)
    assert found["INV-3"].status == FORFEITED
    assert (found["INV-3"].forfeited, found["INV-3"].forfeit_reason) == (D("150"), "chargeback")
    # INV-6 has no due date and Echo has paid nothing yet: funded 06-20 + 30 days + 10.
    assert found["INV-6"].status == AWAITING_COLLECTION
    assert found["INV-6"].expected_release == day(2025, 7, 30)
    # 250 - 100 released - 150 charged back + 200 (5% of 4,000.00) = 200.00, as the
    # ledger's balance assertion says.
    assert factor.held == factor.account_balance == D("200.00")
    assert factor.forfeited == D("200.00")  # 50.00 short pay + 150.00 chargeback
    assert factor.history[-1] == BalancePoint(day(2025, 6, 20), D("200.00"))


def test_fees_due_come_out_of_the_release(pine):
    # P-1: 1,000.00 at 90%, reserve 100.00; collected after 35 days, the fee is
    # 1.75% + 0.5% = 22.50, so the release should pay 100.00 - 22.50 = 77.50.
    (factor,) = pine.reserve(as_of=day(2025, 4, 6)).factors
    (line,) = factor.invoices
    assert (line.status, line.held, line.fees_due, line.due_back) == (
        RELEASE_DUE,
        D("100.00"),
        D("22.50"),
        D("77.50"),
    )
    assert line.expected_release == day(2025, 4, 10)  # 04-05 + release-days 5
    (factor,) = pine.reserve(as_of=day(2025, 4, 10)).factors
    assert factor.invoices[0].status == RELEASED
    assert factor.held == factor.account_balance == 0


def test_each_factor_has_its_own_reserve(both):
    report = both.reserve(as_of=day(2025, 4, 6))
    assert [(f.factor, f.held, f.account_balance) for f in report.factors] == [
        ("Pine", D("100.00"), D("100.00")),
        ("Summit", D("250.00"), D("250.00")),  # 100 (INV-1) + 0 (INV-2) + 150 (INV-3)
    ]
    only = both.reserve(as_of=day(2025, 4, 6), factor="pine")
    assert [f.factor for f in only.factors] == ["Pine"]
    with pytest.raises(UnknownFactor, match="Nobody"):
        both.reserve(factor="Nobody")


def test_a_ledger_without_agreements_gives_empty_reports():
    book = book_of(LEDGERS["SUMMIT"].split('2025-01-01 custom "factoring-agreement"')[0])
    assert book.factors == ()
    assert book.reserve().factors == ()
    assert book.cost().by_factor == ()
    assert book.reconcile().accounts == ()
    assert book.reconcile().ok
    with pytest.raises(UnknownFactor, match="no factoring agreement"):
        book.reserve(factor="Summit")


def test_the_reserve_held_ties_to_the_account_on_every_day(summit):
    # Day by day from the first funding to the last entry.
    date = day(2025, 3, 1)
    while date <= day(2025, 7, 1):
        for factor in summit.reserve(as_of=date).factors:
            assert factor.held == factor.account_balance, date
        date += datetime.timedelta(days=1)


def test_reports_are_kept_once_made(summit):
    assert summit.reserve(as_of=day(2025, 4, 15)) is summit.reserve(as_of=day(2025, 4, 15))
    assert summit.aging(basis="due") is not summit.aging(basis="invoice")


def test_an_empty_ledger_gives_empty_reports():
    book = book_of("")
    assert book.last_date is None
    assert book.reserve().factors == ()
    assert book.aging().invoices == ()
    assert book.cost().by_month == ()
    assert book.reconcile().ok


CURRENCY_LINE_LATER = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:CAD

2025-04-01 custom "factoring-agreement" "Summit"
  currency: "CAD"
  advance-rate: 0.95
  fee: "flat 1%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:CAD

2025-03-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-03-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:CAD               880.00 CAD
  Assets:Factoring:Summit:Clearing
"""


def test_a_reserve_held_on_the_general_line_ties_after_a_currency_line_starts() -> None:
    # INV-2 (1,000.00 CAD) was bought under the agreement for every currency: 900.00
    # advance - 20.00 fee = 880.00, and 1,000.00 - 900.00 = 100.00 of reserve on
    # Assets:Factoring:Summit:Reserve. Summit's CAD line (from April) has its own
    # account; the report read that one alone: balance 0.00, unexplained -100.00.
    book = book_of(CURRENCY_LINE_LATER)
    assert book.warnings == ()
    for day in (datetime.date(2025, 3, 15), datetime.date(2025, 4, 15)):
        (summit,) = book.reserve(as_of=day).factors
        assert summit.currency == "CAD"
        assert "Assets:Factoring:Summit:Reserve" in summit.accounts
        assert (summit.held, summit.account_balance, summit.unexplained) == (
            Decimal("100.00"),
            Decimal("100.00"),
            Decimal("0.00"),
        ), day


def test_a_currency_without_a_line_of_its_own_names_only_the_accounts_that_hold_it() -> None:
    # INV-1 (1,000.00 USD, under the general line) beside INV-2's CAD line of April:
    # on 04-15 the USD reserve (50.00) is on Assets:Factoring:Summit:Reserve alone. The
    # report named the CAD line's account beside it ("Summit (USD): ...:Reserve,
    # ...:CAD:Reserve"), as if the USD balance were partly there.
    text = CURRENCY_LINE_LATER.replace(
        "2025-01-01 open Assets:Bank:CAD",
        "2025-01-01 open Assets:Bank:CAD\n2025-01-01 open Assets:Bank:USD",
    ).replace("  bank: Assets:Bank:CAD\n\n2025-04-01", "  bank: Assets:Bank:USD\n\n2025-04-01", 1)
    text += """
2025-04-02 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-04-03 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:CAD               940.00 CAD
  Assets:Factoring:Summit:CAD:Clearing

2025-04-05 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-06 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:USD               880.00 USD
  Assets:Factoring:Summit:Clearing
"""
    book = book_of(text)
    assert book.facts.errors == []
    found = {
        f.currency: (f.accounts, f.account_balance, f.unexplained)
        for f in book.reserve(as_of=datetime.date(2025, 4, 15)).factors
    }
    assert found == {
        # INV-2's 100.00 (general line) and INV-3's 1,000.00 - 950.00 = 50.00 (CAD line).
        "CAD": (
            ("Assets:Factoring:Summit:CAD:Reserve", "Assets:Factoring:Summit:Reserve"),
            Decimal("150.00"),
            Decimal("0.00"),
        ),
        # INV-1: 1,000.00 - 900.00 = 100.00.
        "USD": (("Assets:Factoring:Summit:Reserve",), Decimal("100.00"), Decimal("0.00")),
    }


SHORT_PAY_TOOK_ALL = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  recourse-days: 60
  release-days: 5
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-04-01 * "CHR" "Load 4"
  invoice: "INV-4"
  due: 2025-05-01
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-04-02 * "HARBOR CAPITAL" "Advance INV-4" ^INV-4
  Assets:Bank:Checking          900.00 USD
  Assets:Factoring:Harbor:Clearing

2025-04-20 * "CHR" "CHR short pays Harbor" ^INV-4
  factoring: "collected"
  paid: 850.00 USD

2025-04-28 * "CHR" "Load 6"
  invoice: "INV-6"
  due: 2025-05-28
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-04-29 * "HARBOR CAPITAL" "Advance INV-6 less INV-4" ^INV-6 ^INV-4
  Assets:Bank:Checking          832.50 USD
  Assets:Factoring:Harbor:Clearing
"""


def test_a_reserve_a_short_pay_took_whole_is_forfeited_not_released() -> None:
    # INV-4's 100.00 reserve went to its 150.00 short pay (the other 50.00 and the fee,
    # 1.75% of 1,000.00 = 17.50, out of INV-6's advance: 900.00 - 50.00 - 17.50 =
    # 832.50). Before the netting its fee is still due back (-17.50); after it, nothing
    # came back: forfeited, not "released" on 2025-04-29.
    book = book_of(SHORT_PAY_TOOK_ALL)
    assert book.warnings == ()
    before = {
        line.invoice: line
        for line in book.reserve(as_of=datetime.date(2025, 4, 20)).factors[0].invoices
    }
    assert (before["INV-4"].status, before["INV-4"].due_back) == (RELEASE_DUE, Decimal("-17.50"))
    after = {
        line.invoice: line
        for line in book.reserve(as_of=datetime.date(2025, 4, 30)).factors[0].invoices
    }
    line = after["INV-4"]
    assert (line.status, line.held, line.forfeited) == (FORFEITED, Decimal("0"), Decimal("100.00"))


# Lakeshore funds INV-1201 (TQL) and INV-1202 (CHR) on 06-11; Pinecrest (release-days
# 5) buys them out on 07-21. CHR pays Pinecrest INV-1202 on 07-26, 45 days after its
# first funding (5 after the buyout); Pinecrest funds CHR's INV-1203 on 07-25.
BOUGHT_OUT = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 90
  payee: "LAKESHORE FUNDING"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  release-days: 5
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-06-10 * "TQL" "Load TQL-91001"
  invoice: "INV-1201"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight:Linehaul

2025-06-10 * "CHR" "Load CHR-60113"
  invoice: "INV-1202"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight:Linehaul

2025-06-11 * "LAKESHORE FUNDING" "ACH deposit" ^INV-1201 ^INV-1202
  Assets:Bank:Checking         2790.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-21 * "Pinecrest Capital" "Buyout of Lakeshore's open invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-24 * "CHR" "Load CHR-60200"
  invoice: "INV-1203"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight:Linehaul

2025-07-25 * "PINECREST CAPITAL" "ACH deposit" ^INV-1203
  Assets:Bank:Checking          940.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-07-26 * "CHR" "CHR paid Pinecrest" ^INV-1202
  factoring: "collected"
"""


def test_after_a_buyout_the_expected_collection_runs_from_the_first_funding() -> None:
    # A buyout does not change when the customer pays: TQL has paid nothing yet (30
    # days), so INV-1201, first funded 06-11, is expected 06-11 + 30 = 07-11, back
    # 5 days later: 07-16 (not 07-21 + 30 + 5 = 08-25). CHR took 45 days (06-11 to
    # 07-26, not the 5 since the buyout): INV-1203 is expected 07-25 + 45 = 09-08, its
    # reserve 09-13 (not 07-25 + 5 + 5 = 08-04).
    book = book_of(BOUGHT_OUT)
    assert book.warnings == ()
    found = lines(book.reserve(as_of=day(2025, 7, 31), factor="pinecrest"))
    assert found["INV-1201"].status == AWAITING_COLLECTION
    assert found["INV-1201"].expected_release == day(2025, 7, 16)
    assert found["INV-1203"].expected_release == day(2025, 9, 13)


@pytest.mark.parametrize("model", ['model: "loan"', 'model: "sale"'])
def test_a_reserve_a_short_pay_used_up_reads_forfeited_everywhere(model: str) -> None:
    # Forfeited: 350.00, the short pay (7,000.00 - 6,650.00) up to the reserve (350.00).
    # Held: INV-2's 1,000.00 - 950.00 = 50.00, awaiting collection. The line of what is
    # held per status must not read "forfeited 0.00" under the header's "forfeited
    # 350.00", and INV-1 has no release date: the 04-25 deposit took a fee, it paid none
    # of the reserve back.
    book = book_of(SHORT_PAY_THEN_LATE_FEE.replace("{model}", model))
    assert book.warnings == ()
    report = book.reserve(as_of=day(2025, 5, 31))
    (factor,) = report.factors
    found = lines(report)
    assert (factor.forfeited, factor.held) == (D("350.00"), D("50.00"))
    assert (found["INV-1"].status, found["INV-1"].forfeited) == (FORFEITED, D("350.00"))
    assert (found["INV-1"].forfeited_on, found["INV-1"].released_on) == (day(2025, 4, 20), None)
    assert dict(factor.by_status) == {
        AWAITING_COLLECTION: D("50.00"),
        RELEASE_DUE: D("0"),
        OVERDUE: D("0"),
    }
    text = render(report, "text")
    assert "forfeited 350.00" in text
    assert "forfeited 0.00" not in text and "released 0.00" not in text
    assert "held by status: awaiting collection 50.00, release due 0.00, overdue 0.00" in text
    (inv1,) = [row for row in text.splitlines() if row.startswith("INV-1 ")]
    assert "2025-04-25" not in inv1
    csv_rows = render(report, "csv").splitlines()
    header = csv_rows[0].split(",")
    row = dict(zip(header, csv_rows[1].split(","), strict=True))
    assert (row["invoice"], row["released_on"], row["forfeited"]) == ("INV-1", "", "350.00")
    data = json.loads(render(report, "json"))
    assert [status for status, _ in data["factors"][0]["by_status"]] == [
        AWAITING_COLLECTION,
        RELEASE_DUE,
        OVERDUE,
    ]


# Two factors keep their reserves on one account. Summit (90%, flat 2%) funds INV-1
# (1,000.00): 900.00 - 20.00 = 880.00, reserve 100.00. Lakeshore (80%, flat 3%) funds
# INV-2 (1,000.00): 800.00 - 30.00 = 770.00, reserve 200.00. Summit releases INV-1's
# 100.00 on 04-05; the bank credits 5.00 of interest to the account, naming no factor.
SHARED_RESERVE = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Income:Freight
2025-01-01 open Income:Interest

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  reserve: Assets:Factoring:Reserve
  fees: Expenses:Factoring:Fees

2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.80
  fee: "flat 3%"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking
  reserve: Assets:Factoring:Reserve
  fees: Expenses:Factoring:Fees

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         880.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-06 * "LAKESHORE" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         770.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-04-01 * "TQL" "paid" ^INV-1
  factoring: "collected"

2025-04-05 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Reserve

2025-04-10 * "First Bank" "Interest"
  Assets:Factoring:Reserve        5.00 USD
  Income:Interest
"""


def test_two_factors_sharing_a_reserve_account_each_tie_to_their_part():
    book = book_of(SHARED_RESERVE)
    assert book.facts.errors == []

    def figures(report):
        return {
            (f.factor, f.currency): (f.held, f.account_balance, f.unexplained)
            for f in report.factors
        }

    # March 31: Summit's 100.00 and Lakeshore's 200.00 = the account's 300.00.
    assert figures(book.reserve(as_of=day(2025, 3, 31))) == {
        ("Lakeshore", "USD"): (D("200.00"), D("200.00"), D("0")),
        ("Summit", "USD"): (D("100.00"), D("100.00"), D("0")),
    }
    # April 30: Summit's released (100.00 - 100.00 = 0.00); the 5.00 of interest names
    # no factor, on a line of its own: 200.00 + 0.00 + 5.00 = the account's 205.00.
    report = book.reserve(as_of=day(2025, 4, 30))
    assert figures(report) == {
        ("Lakeshore", "USD"): (D("200.00"), D("200.00"), D("0")),
        ("Summit", "USD"): (D("0"), D("0.00"), D("0.00")),
        ("(no factor)", "USD"): (D("0"), D("5.00"), D("5.00")),
    }
    assert "unexplained 5.00" in render(report, "text")
    # One factor's report: its part, and the part of the account it shares no one claims.
    assert figures(book.reserve(as_of=day(2025, 4, 30), factor="Summit")) == {
        ("Summit", "USD"): (D("0"), D("0.00"), D("0.00")),
        ("(no factor)", "USD"): (D("0"), D("5.00"), D("5.00")),
    }


def test_a_deposit_on_a_shared_reserve_is_the_factor_s_that_held_its_invoices_that_day():
    # Lakeshore funds INV-1 (2,000.00) and INV-2 (1,000.00) on 06-11 in one deposit: 5% =
    # 100.00 + 50.00 = 150.00 on the reserve account it shares with Pinecrest, which
    # buys both out on 07-01. On 06-30 the 150.00 is Lakeshore's, whoever holds the
    # invoices later. (The buyout nets Lakeshore's 150.00 out and Pinecrest's 60.00 in
    # as one posting of -90.00 that names no invoice and whose entry names both factors.)
    text = test_buyout.LEDGER.replace(
        "  bank: Assets:Bank:Checking\n",
        "  bank: Assets:Bank:Checking\n  reserve: Assets:Factoring:Reserve\n",
    ).replace("Assets:Factoring:Pinecrest:Reserve", "Assets:Factoring:Reserve")
    book = book_of(full(text))
    assert book.facts.errors == []
    report = book.reserve(as_of=day(2025, 6, 30))
    assert [(f.factor, f.held, f.account_balance) for f in report.factors] == [
        ("Lakeshore", D("150.00"), D("150.00"))
    ]


@pytest.mark.parametrize("detail", ["item", "invoice"])
def test_a_buyout_on_a_shared_reserve_moves_the_reserve_from_the_old_factor_to_the_new(detail):
    # The ledger above: Lakeshore holds 100.00 + 50.00 = 150.00 of INV-1 and INV-2 on the
    # reserve account it shares with Pinecrest. Pinecrest buys both out on 07-01: its fee
    # 3% x 3,000.00 = 90.00 (Lakeshore's flat 2% was taken at purchase), so 150.00 - 90.00
    # = 60.00 moves to it. On 07-01 Lakeshore holds 0.00 and Pinecrest 60.00, each tied
    # to its account, nothing unexplained (the buyout's -150.00 is Lakeshore's, its +60.00
    # Pinecrest's, one posting of -90.00 under detail "item"). On 07-11 Pinecrest releases
    # 10.00 and nets its 50.00 buyout fee: 60.00 - 60.00 = 0.00.
    text = test_buyout.LEDGER.replace(
        "  bank: Assets:Bank:Checking\n",
        "  bank: Assets:Bank:Checking\n  reserve: Assets:Factoring:Reserve\n",
    ).replace("Assets:Factoring:Pinecrest:Reserve", "Assets:Factoring:Reserve")
    config = "{'detail': 'invoice'}" if detail == "invoice" else None
    book = book_of(full(text, config) if config else full(text))
    assert book.facts.errors == []

    def figures(as_of):
        report = book.reserve(as_of=as_of)
        return [(f.factor, f.held, f.account_balance, f.unexplained) for f in report.factors]

    assert figures(day(2025, 7, 1)) == [
        ("Lakeshore", D("0"), D("0.00"), D("0.00")),
        ("Pinecrest", D("60.00"), D("60.00"), D("0.00")),
    ]
    assert figures(day(2025, 12, 31)) == [
        ("Lakeshore", D("0"), D("0.00"), D("0.00")),
        ("Pinecrest", D("0"), D("0.00"), D("0.00")),
    ]


# Lakeshore funds INV-1 (2,000.00 USD) and INV-2 (1,000.00 CAD) apart, 5% reserve each:
# 100.00 USD and 50.00 CAD, on the reserve account it shares with Pinecrest. Pinecrest
# (flat 3% at purchase) buys both out on 07-01, one buyout per currency (one of both is
# FCT134): INV-1 keeps 100.00 - 3% x 2,000.00 = 40.00 USD, INV-2 50.00 - 3% x 1,000.00 =
# 20.00 CAD. On 07-01 Lakeshore holds 0.00 in each currency, Pinecrest 40.00 USD and
# 20.00 CAD. Under detail "item" each buyout's reserve posting names no invoice
# (-100.00 + 40.00 = -60.00 USD, -50.00 + 20.00 = -30.00 CAD): the old factor's part of
# each is what it held of that buyout's invoices in that posting's currency.
TWO_CURRENCIES = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking
  reserve: Assets:Factoring:Reserve

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking
  reserve: Assets:Factoring:Reserve

2025-06-10 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-06-10 * "CHR" "INV-2"
  invoice: "INV-2"
  Assets:Receivable:CHR   1000.00 CAD
  Income:Freight

2025-06-11 * "LAKESHORE FUNDING" "Purchase INV-1" ^INV-1
  Assets:Bank:Checking   1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-06-11 * "LAKESHORE FUNDING" "Purchase INV-2" ^INV-2
  Assets:Bank:Checking   930.00 CAD
  Assets:Factoring:Lakeshore:Clearing

2025-07-01 * "Pinecrest Capital" "Buyout of INV-1" ^INV-1
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-01 * "Pinecrest Capital" "Buyout of INV-2" ^INV-2
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"
"""


@pytest.mark.parametrize("detail", ["item", "invoice"])
def test_a_buyout_per_currency_on_a_shared_reserve_splits_each_currency(detail):
    config = "{'detail': 'invoice'}" if detail == "invoice" else None
    book = book_of(full(TWO_CURRENCIES, config) if config else full(TWO_CURRENCIES))
    assert book.facts.errors == []

    def figures(as_of):
        report = book.reserve(as_of=as_of)
        return {
            (f.factor, f.currency): (f.held, f.account_balance, f.unexplained)
            for f in report.factors
        }

    # June 30: Lakeshore's 100.00 USD and 50.00 CAD, the whole account.
    assert figures(day(2025, 6, 30)) == {
        ("Lakeshore", "USD"): (D("100.00"), D("100.00"), D("0")),
        ("Lakeshore", "CAD"): (D("50.00"), D("50.00"), D("0")),
    }
    assert figures(day(2025, 7, 1)) == {
        ("Lakeshore", "USD"): (D("0"), D("0.00"), D("0.00")),
        ("Lakeshore", "CAD"): (D("0"), D("0.00"), D("0.00")),
        ("Pinecrest", "USD"): (D("40.00"), D("40.00"), D("0.00")),
        ("Pinecrest", "CAD"): (D("20.00"), D("20.00"), D("0.00")),
    }
