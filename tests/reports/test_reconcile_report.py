"""The reconciliation report on ledger text, with the figures worked out by hand."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from beancount import loader
from conftest import book_of
from report_ledgers import SUMMIT, full

from beancount_factoring import cli
from beancount_factoring.fava.reconcile_page import _summed
from beancount_factoring.reports import compute
from beancount_factoring.reports.model import (
    ITEM_CHARGEBACK,
    ITEM_DIFFERENCE,
    ITEM_ENTRY,
    ITEM_FUEL,
    ITEM_RECOURSE,
    ITEM_RELEASE,
    ITEM_SCHEDULE,
    ITEM_SHORT_PAY,
)
from beancount_factoring.reports.text import reconcile_text

from ledgers import LATE

D = Decimal
day = datetime.date


def items(report):
    (account,) = report.accounts
    return {(i.kind, i.reference): i for i in account.items}


def test_an_overdue_release_is_a_problem(summit):
    report = summit.reconcile(as_of=day(2025, 4, 15))
    (account,) = report.accounts
    found = items(report)
    assert set(found) == {(ITEM_RELEASE, "INV-1"), (ITEM_SHORT_PAY, "INV-2")}
    # INV-1 collected 04-01, release-days 10: due back by 04-11.
    release = found[(ITEM_RELEASE, "INV-1")]
    assert (release.cash, release.deadline, release.overdue) == (D("100"), day(2025, 4, 11), True)
    # INV-2's short pay: 100.00 short - 50.00 from its reserve = 50.00 owed to Summit.
    short = found[(ITEM_SHORT_PAY, "INV-2")]
    assert (short.on_clearing, short.deadline, short.overdue) == (D("-50.00"), None, False)
    assert account.balance == account.explained == D("-50.00")
    assert account.unexplained == 0
    assert not report.ok
    assert len(report.problems) == 1 and "INV-1" in report.problems[0]
    # On 04-11 the release was not late yet.
    assert summit.reconcile(as_of=day(2025, 4, 11)).ok


def test_chargebacks_and_schedules_explain_the_clearing_balance(summit):
    report = summit.reconcile(as_of=day(2025, 6, 18))
    (account,) = report.accounts
    found = items(report)
    # Chargeback of INV-3: face 3,000.00 - reserve 150.00 = 2,850.00 owed.
    assert found[(ITEM_CHARGEBACK, "INV-3")].on_clearing == D("-2850.00")
    # Schedule S2 (INV-6, 4,000.00) not funded yet; it should bring 3,800.00 advance -
    # 80.00 fee - 25.00 transfer fee = 3,695.00, as the plugin expects of its deposit.
    schedule = found[(ITEM_SCHEDULE, "S2")]
    assert (schedule.on_clearing, schedule.cash) == (D("4000.00"), D("3695.00"))
    assert schedule.invoices == ("INV-6",)
    assert schedule.deadline == day(2025, 6, 22)  # 06-17 + grace-days 5
    # 4,000.00 - 2,850.00 - 50.00 = 1,100.00.
    assert account.balance == account.explained == D("1100.00")
    assert report.ok
    assert summit.reconcile(as_of=day(2025, 6, 30)).accounts[0].items == ()
    assert summit.reconcile(as_of=day(2025, 6, 30)).ok


WAITING = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 30
  grace-days: 3
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "SUMMIT FUNDING" "ACH, names nothing"
  Assets:Bank:Checking          400.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-10 * "Rent" "April"
  Expenses:Rent                 100.00 USD
  Assets:Bank:Checking
"""


def test_unallocated_deposits_differences_and_the_recourse_clock():
    text = full("2025-01-01 open Expenses:Rent\n" + WAITING)
    book = book_of(text)
    report = book.reconcile(as_of=day(2025, 3, 12))
    (account,) = report.accounts
    # The INV-1 deposit: 1,000.00 x 95% - 2% fee = 930.00 expected, 930.00 received.
    (lump,) = account.unallocated
    assert (lump.amount, lump.days_open, lump.past_grace) == (D("-400.00"), 2, False)
    assert account.balance == account.explained == D("-400.00")
    assert report.ok
    later = book.reconcile(as_of=day(2025, 4, 10))
    (lump,) = later.accounts[0].unallocated
    assert (lump.days_open, lump.past_grace, lump.codes) == (31, True, ("FCT103",))
    # INV-1 funded 03-04, recourse-days 30: past it from 04-04 on.
    recourse = items(later)[(ITEM_RECOURSE, "INV-1")]
    assert (recourse.deadline, recourse.overdue) == (day(2025, 4, 3), True)
    assert len(later.problems) == 2
    # The time-based errors are judged by the report itself, on its own date.
    assert [e.code for e in later.disagreements] == []


SHORT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1810.00 USD
  Assets:Factoring:Summit:Clearing
"""

CORRECTION = """
2025-03-12 * "SUMMIT FUNDING" "Correction of the March 4 deposit"
  Assets:Bank:Checking           25.00 USD
  Assets:Factoring:Corrections

2025-03-12 * "Summit" "Correction of the March 4 deposit, cleared"
  Assets:Factoring:Corrections   25.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_deposit_difference_stays_open_until_it_is_cleared():
    book = book_of(full(SHORT))
    report = book.reconcile(as_of=day(2025, 3, 20))
    # Expected 1,900.00 - 40.00 - 25.00 = 1,835.00; received 1,810.00: 25.00 short,
    # left on the clearing account (the factor owes it).
    (item,) = report.accounts[0].items
    assert (item.kind, item.on_clearing, item.overdue) == (ITEM_DIFFERENCE, D("25.00"), True)
    # The factor still owes those 25.00: its next deposit pays them (+), as it pays a
    # release due; a deduction would be negative.
    assert item.cash == D("25.00")
    assert report.accounts[0].balance == D("25.00")
    assert [e.code for e in report.disagreements] == ["FCT120"]
    assert report.disagreements[0].factor == "Summit"
    assert not report.ok
    opens = "2025-01-01 open Assets:Factoring:Corrections\n"
    cleared = book_of(full(opens + SHORT + CORRECTION)).reconcile(as_of=day(2025, 3, 20))
    assert cleared.accounts[0].balance == 0
    assert cleared.accounts[0].items == ()
    assert cleared.ok
    # Between the two, the correction alone would be listed too.
    assert {i.kind for i in items(book.reconcile(as_of=day(2025, 3, 4))).values()} == {
        ITEM_DIFFERENCE
    }
    assert ITEM_ENTRY not in {i.kind for i in cleared.accounts[0].items}


UNFUNDED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR         500.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 7" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "7"
"""


def test_a_schedule_past_grace_days_awaits_its_funding_until_the_books_prove_it_late():
    book = book_of(full(UNFUNDED))
    # Face 1,500.00 on the clearing account; it should bring 1,425.00 - 30.00 = 1,395.00.
    on_time = book.reconcile(as_of=day(2025, 3, 9))
    (item,) = on_time.accounts[0].items
    assert (item.kind, item.reference, item.invoices) == (ITEM_SCHEDULE, "7", ("INV-1", "INV-2"))
    assert (item.on_clearing, item.cash, item.deadline) == (D("1500"), D("1395"), day(2025, 3, 9))
    assert on_time.ok  # 5 days after 03-04: still within grace-days (5)
    # Past grace-days, but nothing of Summit's since: its bank statement may not be
    # imported yet. Listed, awaiting its funding, as bean-check's FCT162 waits.
    later = book.reconcile(as_of=day(2025, 3, 10))
    (item,) = later.accounts[0].items
    assert (item.kind, item.deadline, item.overdue) == (ITEM_SCHEDULE, day(2025, 3, 9), False)
    assert later.ok


# Summit funds weekly: schedule W8 (02-21) on 02-28, seven days on. Schedule W9 (03-04:
# INV-1 1,000.00 + INV-2 500.00) is not funded yet; in between, on 03-12, Summit releases
# INV-0's reserve (1,000.00 x 0.05 = 50.00; the 2% fee came out of the funding). 03-12 is
# past W9's grace-days (03-04 + 5 = 03-09), not past the week its schedules wait
# (03-09 + 7 = 03-16): no proof W9 is late. W8's deposit: 1,000.00 x 0.93 = 930.00.
WEEKLY = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-02-20 * "TQL" "Load 0"
  invoice: "INV-0"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-02-21 * "Summit" "Schedule W8" ^INV-0
  factoring: "schedule"
  schedule: "W8"

2025-02-28 * "SUMMIT FUNDING" "ACH W8"
  schedule: "W8"
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-03 * "TQL" "TQL paid Summit" ^INV-0
  factoring: "collected"

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR         500.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule W9" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "W9"

2025-03-12 * "SUMMIT FUNDING" "Rebate INV-0" ^INV-0
  Assets:Bank:Checking           50.00 USD
  Assets:Factoring:Summit:Reserve
"""
# Schedule W10 (03-11, INV-3 2,000.00) funded on 03-14 (2,000.00 x 0.93 = 1,860.00):
# sent after W9 and funded first, the books past W9's grace-days: W9's funding is missing.
W10 = """
2025-03-10 * "Echo" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:Echo       2000.00 USD
  Income:Freight

2025-03-11 * "Summit" "Schedule W10" ^INV-3
  factoring: "schedule"
  schedule: "W10"

2025-03-14 * "SUMMIT FUNDING" "ACH W10"
  schedule: "W10"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""


def _reconcile_cli(tmp_path, text: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "weekly.beancount"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    return cli.main(["reconcile", str(path), *args], out=out), out.getvalue()


def test_a_weekly_program_with_a_release_in_between_awaits_the_schedule(tmp_path):
    text = full(WEEKLY)
    _, errors, _ = loader.load_string(text)
    assert [e.message.split(" ", 1)[0] for e in errors] == []  # bean-check: no FCT162
    report = book_of(text).reconcile(as_of=day(2025, 3, 13))
    (account,) = report.accounts
    (item,) = account.items
    assert (item.kind, item.reference, item.invoices) == (ITEM_SCHEDULE, "W9", ("INV-1", "INV-2"))
    # Face 1,500.00; it should bring 1,500.00 x 0.93 = 1,395.00. Nine days open.
    assert (item.on_clearing, item.cash, item.days_open) == (D("1500"), D("1395"), 9)
    assert (item.deadline, item.overdue) == (day(2025, 3, 9), False)
    assert account.balance == account.explained == D("1500")
    assert report.ok and report.problems == ()
    code, out = _reconcile_cli(tmp_path, text, "--as-of", "2025-03-13")
    assert code == 0
    assert "W9" in out and "OVERDUE" not in out
    (row,) = [line for line in out.splitlines() if " W9 " in line]
    assert "2025-03-09  awaiting funding" in row  # past its deadline, not late
    assert item.awaiting_funding
    assert "Open past their grace period" not in out


def test_a_later_schedule_funded_makes_the_waiting_one_overdue(tmp_path):
    text = full(WEEKLY + W10)
    _, errors, _ = loader.load_string(text)
    w9_line = text.splitlines().index('2025-03-04 * "Summit" "Schedule W9" ^INV-1 ^INV-2') + 1
    assert [(e.message.split(" ", 1)[0], e.source["lineno"]) for e in errors] == [
        ("FCT162", w9_line)
    ]
    book = book_of(text)
    # On 03-13 W10 is not funded yet: both await their funding.
    before = book.reconcile(as_of=day(2025, 3, 13))
    assert [(i.reference, i.overdue) for i in before.accounts[0].items] == [
        ("W9", False),
        ("W10", False),
    ]
    assert before.ok
    report = book.reconcile(as_of=day(2025, 3, 14))
    (item,) = report.accounts[0].items
    assert (item.reference, item.deadline, item.overdue) == ("W9", day(2025, 3, 9), True)
    assert not report.ok
    assert report.problems == (
        f"Summit: schedule not funded W9 (<string>:{w9_line}), open since 2025-03-04, "
        "past 2025-03-09 by 5 days",
    )
    # (Without --ignore-errors the CLI stops at the ledger's FCT162 with exit code 2.)
    code, out = _reconcile_cli(tmp_path, text, "--as-of", "2025-03-14", "--ignore-errors")
    assert code == 1
    assert "OVERDUE" in out and "awaiting funding" not in out
    assert "Open past their grace period:\n  Summit: schedule not funded W9" in out


RENEGOTIATED = """
2025-06-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


def test_a_renegotiated_agreement_keeps_one_clearing_account():
    # A second agreement of the same factor, same accounts: counted once.
    book = book_of(full(SUMMIT + RENEGOTIATED))
    report = book.reconcile(as_of=day(2025, 6, 16))
    (account,) = report.accounts
    assert account.balance == account.explained == D("-2900.00")
    (factor,) = book.reserve(as_of=day(2025, 4, 15)).factors
    assert factor.account_balance == factor.held == D("250.00")


# LATE's funding of INV-1, before its collection, then two charges of 10.00 to net.
CHARGED_BY_HAND = (
    LATE.split("\n2025-04-01")[0]
    + """
2025-03-10 * "Summit" "Wire fee, to be netted"
  Expenses:Factoring:Summit:Fees   10.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Summit" "Other charge, to be netted"
  factoring: "fee"
  charge: "other"
  amount: 10.00 USD
"""
)


def test_a_charge_written_by_hand_is_deducted_like_a_fee_event():
    # Funded 2,000.00 x 0.95 - 2% (40.00) = 1,860.00: the deposit matches. Then two
    # charges of 10.00 to be netted from the next deposit: one written by hand to the
    # clearing account (-10.00 on it), one as a fee event. Both are 10.00 the next
    # deposit deducts: cash -10.00 each, as on the clearing account.
    report = book_of(full(CHARGED_BY_HAND)).reconcile(as_of=day(2025, 3, 12))
    (account,) = report.accounts
    found = {i.kind: (i.on_clearing, i.cash) for i in account.items}
    assert found[ITEM_ENTRY] == (D("-10.00"), D("-10.00"))
    assert found["fee to net"] == (D("-10.00"), D("-10.00"))
    assert account.balance == account.explained == D("-20.00")


NEW_CLEARING = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 30
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-04-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 30
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  clearing: Assets:Factor:Summit:Clearing
  reserve: Assets:Factor:Summit:Reserve

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-2
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-05 * "Summit" "Chargeback" ^INV-2
  factoring: "chargeback"
"""


def test_the_account_named_is_the_one_that_holds_the_balance():
    # INV-2 was funded under the first terms (clearing Assets:Factoring:Summit:Clearing)
    # and charged back under the new ones: 1,000.00 - 50.00 reserve = 950.00 to net,
    # on the first terms' clearing account, which the line names.
    report = book_of(full(NEW_CLEARING)).reconcile(as_of=day(2025, 4, 6))
    (account,) = report.accounts
    assert account.account == "Assets:Factoring:Summit:Clearing"
    assert account.balance == account.explained == D("-950.00")


SHORT_UNDER_NEW_TERMS = """
2025-04-07 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-08 * "SUMMIT FUNDING" "ACH" ^INV-3
  Assets:Bank:Checking          855.00 USD
  Assets:Factor:Summit:Clearing
"""


def test_a_balance_on_two_clearing_accounts_names_both():
    # INV-2's 950.00 to net stays on the first terms' clearing account; INV-3, funded
    # under the new terms (0.90, 2%): 1,000.00 x 0.90 - 20.00 = 880.00 expected, 855.00
    # received, 25.00 short on the new account. Balance -950.00 + 25.00 = -925.00.
    text = NEW_CLEARING + SHORT_UNDER_NEW_TERMS
    entries, errors, options_map = loader.load_string(full(text, "{'disable': ['FCT120']}"))
    assert errors == []
    report = compute(entries, options_map, errors).reconcile(as_of=day(2025, 4, 9))
    (account,) = report.accounts
    assert account.accounts == (
        "Assets:Factor:Summit:Clearing",
        "Assets:Factoring:Summit:Clearing",
    )
    assert account.account == "Assets:Factor:Summit:Clearing"  # the terms in force
    assert account.balance == account.explained == D("-925.00")
    text_out = "\n".join(reconcile_text(report))
    assert "Summit (USD): Assets:Factor:Summit:Clearing + Assets:Factoring:Summit:Clearing" in (
        text_out
    )


def test_the_clearing_chart_sums_the_accounts_of_the_factor():
    # Per account, its balance at the end of each day it changed; together, the sum of
    # each account's latest: 03-04 -950.00 (old); 04-08 -950.00 + 25.00 = -925.00.
    history = {
        "Old": [(day(2025, 3, 4), {"USD": D("1000.00")}), (day(2025, 4, 5), {"USD": D("-950")})],
        "New": [(day(2025, 4, 8), {"USD": D("25.00")})],
    }
    assert _summed(("New", "Old"), "USD", history) == [
        (day(2025, 3, 4), D("1000.00")),
        (day(2025, 4, 5), D("-950")),
        (day(2025, 4, 8), D("-925.00")),
    ]


TWO_TERMS = """
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "USD"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:Checking

2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple      1000.00 CAD
  Income:Freight

2025-03-03 * "Copperline" "Schedule C1" ^CA-1
  factoring: "schedule"
  schedule: "C1"

2025-03-04 * "COPPERLINE" "EFT, booked to the USD terms' clearing account"
  Assets:Bank:Checking   870.00 CAD
  Assets:Factoring:Copperline:USD:Clearing
"""


def test_a_deposit_on_the_other_currencys_clearing_account_shows_its_amount():
    # CA-1 sold on schedule C1 (1,000.00 CAD on the CAD clearing account); the 870.00 CAD
    # deposit (1,000.00 x 90% - 3% = 870.00) lands on the USD terms' clearing account and
    # names nothing: unallocated, -870.00 CAD, not 0.00; the two accounts hold
    # 1,000.00 - 870.00 = 130.00 CAD, which the schedule and the deposit explain.
    report = book_of(full(TWO_TERMS)).reconcile(as_of=day(2025, 3, 4))
    (account,) = [a for a in report.accounts if a.currency == "CAD"]
    (lump,) = account.unallocated
    assert (lump.amount, lump.account) == (
        D("-870.00"),
        "Assets:Factoring:Copperline:USD:Clearing",
    )
    assert account.balance == account.explained == D("130.00")


def test_a_deposit_converted_at_the_bank_is_unallocated_in_its_clearing_currency_alone():
    # CA-1 sold on schedule C1 (1,000.00 CAD on the CAD clearing account, 870.00 CAD of
    # cash expected). A deposit that names nothing, 600.00 USD converted from 820.00 CAD,
    # matches nothing: unallocated -820.00 CAD. Its bank leg is in USD, but nothing of
    # it is on a factor's account in USD: no USD lump of 0.00, and no USD line.
    text = full(
        TWO_TERMS.split('2025-03-04 * "COPPERLINE"')[0]
        + """
2025-03-04 * "COPPERLINE" "EFT converted by the bank"
  Assets:Bank:Checking   600.00 USD @@ 820.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing
"""
    )
    report = book_of(text).reconcile(as_of=day(2025, 3, 20))
    assert [a.currency for a in report.accounts] == ["CAD"]
    (account,) = report.accounts
    (lump,) = account.unallocated
    # (Beancount fills the clearing leg to within a septillionth of a cent.)
    assert (round(lump.amount, 2), lump.currency) == (D("-820.00"), "CAD")
    # 1,000.00 - 820.00 = 180.00 CAD, explained by the schedule and the lump.
    assert account.balance == account.explained
    assert round(account.balance, 2) == D("180.00")
    # 16 days open, past grace: once (the CAD lump), not again as "0.00 USD".
    assert not any("USD" in problem for problem in report.problems), report.problems


def test_an_unallocated_deposit_counts_its_clearing_posting_not_its_fee():
    # A wire split by hand, naming nothing (FCT101): 975.00 to the bank, 25.00 of fee,
    # -1,000.00 on the clearing account. Unallocated is what is on the clearing account,
    # -1,000.00, which explains its whole balance (the fee posting is not clearing cash).
    text = full(
        SUMMIT
        + """
2025-03-10 * "SUMMIT FUNDING" "Wire, less wire fee"
  Assets:Bank:Checking               975.00 USD
  Expenses:Factoring:Summit:Fees      25.00 USD
  Assets:Factoring:Summit:Clearing -1000.00 USD
"""
    )
    report = book_of(text).reconcile(as_of=day(2025, 3, 12))
    (account,) = report.accounts
    (lump,) = account.unallocated
    assert lump.amount == D("-1000.00")
    assert account.balance == account.explained == D("-1000.00")


def test_a_schedule_not_funded_expects_the_transfer_fee_of_the_terms_in_force():
    # INV-1 (1,000.00) scheduled 06-30 under terms without a transfer fee (95%, flat
    # 2.5%); terms of 07-01 add transfer-fee 10.00, which the deposit that funds it takes:
    # 950.00 - 25.00 - 10.00 = 915.00, as the plugin expects (not 925.00).
    text = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-07-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  transfer-fee: 10.00 USD
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-06-29 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-06-30 * "Summit" "Schedule A" ^INV-1
  factoring: "schedule"
  schedule: "A"
"""
    entries, errors, options = loader.load_string('plugin "beancount_factoring.plugin"\n' + text)
    assert errors == []
    report = compute(entries, options, errors).reconcile(as_of=day(2025, 7, 3))
    assert items(report)[(ITEM_SCHEDULE, "A")].cash == D("915.00")


FUEL_REPAID = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking

2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking          780.00 USD

2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-90001"
  factoring: "fuel-advance"
  load: "TQL-90001"
  Assets:Bank:Checking          390.00 USD

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-10 * "RTS FINANCIAL" "Fuel advance TQL-88412 wired back"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking         -800.00 USD

2025-03-12 * "RTS FINANCIAL" "Fuel advance TQL-90001 wired back, part"
  factoring: "fuel-advance"
  load: "TQL-90001"
  Assets:Bank:Checking         -300.00 USD
"""


def test_a_fuel_advance_repaid_by_wire_is_no_longer_open():
    # 780.00 / 0.975 = 800.00 on INV-1001's load, 390.00 / 0.975 = 400.00 on a load
    # never invoiced; 800.00 wired back on 03-10, 300.00 of the 400.00 on 03-12.
    entries, errors, options_map = loader.load_string(FUEL_REPAID)
    assert errors == []
    book = compute(entries, options_map, errors)

    def fuel(as_of):
        report = book.reconcile(as_of=as_of)
        found = {}
        for account in report.accounts:
            for item in account.items:
                if item.kind == ITEM_FUEL:
                    found[item.reference] = item.cash
        return found

    assert fuel(day(2025, 3, 9)) == {"INV-1001": D("-800.00"), "load TQL-90001": D("-400.00")}
    assert fuel(day(2025, 3, 11)) == {"load TQL-90001": D("-400.00")}
    assert fuel(day(2025, 3, 12)) == {"load TQL-90001": D("-100.00")}


# Loan model (pledged, not sold): Summit advances 95% less a flat 2%, so a funding
# brings 93% of the faces. Schedule 100 (03-03) pledges INV-1 (1,000.00) and INV-2
# (2,000.00); TQL pays INV-2 to us on 03-04 (still ours to collect: Summit will not fund
# it), and Summit funds INV-1 alone on 03-05: 1,000.00 x 0.93 = 930.00. Schedule 101
# (03-10, INV-3 1,500.00) is funded on 03-11: 1,500.00 x 0.93 = 1,395.00.
PAID_BEFORE_FUNDING = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  model: "loan"
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-02 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1500.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 100" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "100"

2025-03-04 * "TQL" "Payment INV-2" ^INV-2
  Assets:Bank:Checking          2000.00 USD
  Assets:Receivable:TQL

2025-03-05 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking           930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Summit" "Schedule 101" ^INV-3
  factoring: "schedule"
  schedule: "101"

2025-03-11 * "SUMMIT FUNDING" "ACH schedule 101"
  schedule: "101"
  Assets:Bank:Checking         1395.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_an_invoice_paid_to_us_before_its_funding_is_not_awaited_as_fct162_has_it():
    text = full(PAID_BEFORE_FUNDING)
    _, errors, _ = loader.load_string(text)
    assert errors == []  # bean-check: INV-2 is no longer Summit's to fund
    report = book_of(text).reconcile(as_of=day(2025, 3, 20))
    # Before: schedule 100 listed INV-2, to bring 2,000.00 x 0.93 = 1,860.00, overdue
    # (Summit funded schedule 101, sent after it), and the report exited 1.
    assert [i.kind for account in report.accounts for i in account.items] == []
    assert report.ok and report.problems == ()


def test_a_schedule_of_only_invoices_paid_to_us_is_not_overdue_in_the_report_alone():
    # TQL pays INV-1 to us too (03-04), and Summit funds neither: schedule 100 leaves
    # nothing to fund.
    funding = (
        '2025-03-05 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1\n'
        "  Assets:Bank:Checking           930.00 USD\n"
        "  Assets:Factoring:Summit:Clearing\n"
    )
    paid = (
        '2025-03-04 * "TQL" "Payment INV-1" ^INV-1\n'
        "  Assets:Bank:Checking          1000.00 USD\n"
        "  Assets:Receivable:TQL\n"
    )
    assert funding in PAID_BEFORE_FUNDING
    text = full(PAID_BEFORE_FUNDING.replace(funding, paid))
    _, errors, _ = loader.load_string(text)
    assert errors == []
    for as_of in (day(2025, 3, 9), day(2025, 3, 20)):
        report = book_of(text).reconcile(as_of=as_of)
        assert [(i.kind, i.reference) for a in report.accounts for i in a.items] == []
        assert report.ok
