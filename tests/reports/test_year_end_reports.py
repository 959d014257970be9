"""The reports on books a bookkeeper closes at year end, or shapes unusually (root
accounts renamed). Every expected figure is worked out by hand in the comments."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from conftest import book_of

from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.model import NO_INVOICE, Fees

D = Decimal
day = datetime.date

# Summit, 95%, flat 2%, 25.00 a funding. INV-1 (2,000.00) funded 2025-11-04: fee 40.00 +
# 25.00, deposit 1,900.00 - 65.00 = 1,835.00. INV-2 (1,000.00) funded 2025-12-11: 20.00 +
# 25.00, 905.00. 2025's fees: 60.00 discount + 50.00 transfer = 110.00, which the year's
# close moves into Equity:Earnings:Previous on 2025-12-31, with the year's revenue, as
# bookkeepers close a year by hand. 2026: INV-3 (3,000.00) funded 01-21 with INV-2's
# rebate: 2,850.00 - 60.00 - 25.00 + 50.00 = 2,815.00.
CLOSED_YEAR = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
2025-01-01 open Equity:Earnings:Previous

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-11-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-11-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking         1835.00 USD
  Assets:Factoring:Summit:Clearing

2025-12-10 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-12-11 * "SUMMIT FUNDING" "ACH" ^INV-2
  Assets:Bank:Checking          905.00 USD
  Assets:Factoring:Summit:Clearing

2025-12-20 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"

2025-12-31 * "Close the year 2025"
  Income:Freight                     3000.00 USD
  Expenses:Factoring:Summit:Fees     -110.00 USD
  Equity:Earnings:Previous

2026-01-05 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve

2026-01-15 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2026-01-20 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2026-01-21 * "SUMMIT FUNDING" "ACH" ^INV-3 ^INV-2
  Assets:Bank:Checking         2815.00 USD
  Assets:Factoring:Summit:Clearing

2026-02-28 balance Assets:Factoring:Summit:Reserve 150.00 USD
"""

# The same close, written as ledger-cli books close: the balance sheet too, into
# Equity:Closing-Balances, in the one entry (the bank 500.00 of the opening balance +
# 1,835.00 + 905.00 = 3,240.00, the reserve 100.00 + 50.00 = 150.00), opened again on the
# first day of 2026.
WHOLE_CLOSE = """
2025-01-01 * "Opening balances"
  Assets:Bank:Checking                500.00 USD
  Equity:Opening-Balances

2025-12-31 * "Closing balances 2025"
  Income:Freight                     3000.00 USD
  Expenses:Factoring:Summit:Fees     -110.00 USD
  Assets:Bank:Checking              -3240.00 USD
  Assets:Factoring:Summit:Reserve    -150.00 USD
  Equity:Closing-Balances

2026-01-01 * "Opening balances 2026"
  Assets:Bank:Checking               3240.00 USD
  Assets:Factoring:Summit:Reserve     150.00 USD
  Equity:Opening-Balances
"""


def _whole_close() -> str:
    text = CLOSED_YEAR.replace(
        """2025-12-31 * "Close the year 2025"
  Income:Freight                     3000.00 USD
  Expenses:Factoring:Summit:Fees     -110.00 USD
  Equity:Earnings:Previous
""",
        WHOLE_CLOSE,
    )
    opens = "2025-01-01 open Equity:Closing-Balances\n2025-01-01 open Equity:Opening-Balances\n"
    return text.replace("2025-01-01 open Equity:Earnings:Previous\n", opens)


@pytest.fixture(scope="module", params=["earnings", "closing-balances"])
def closed(request) -> ReportBook:
    return book_of(CLOSED_YEAR if request.param == "earnings" else _whole_close())


def test_a_year_closed_into_equity_keeps_its_fees(closed):
    # The close's -110.00 on the fees account was counted as an "other" fee of no invoice:
    # the year cost 0.00, December -65.00, and the all-in rate went below zero.
    report = closed.cost(start=day(2025, 1, 1), as_of=day(2025, 12, 31))
    (line,) = report.by_factor
    assert line.fees == Fees(discount=D("60.00"), transfer=D("50.00"))  # 40 + 20, 25 + 25
    assert line.untied_fees == 0
    # INV-1 closed: 65.00 / (1,900.00 x 46 days, 11-04 to 12-20) x 365 = 27.15%.
    assert round(line.annual_rate, 4) == D("0.2715")
    assert line.all_in_rate == line.annual_rate
    months = {m.key: m.fees.total for m in report.by_month}
    assert months == {"2025-11": D("65.00"), "2025-12": D("45.00")}
    assert [c.key for c in report.by_customer] == ["TQL"]
    assert NO_INVOICE not in {c.key for c in report.by_customer}


def test_the_next_year_and_both_years_after_a_close(closed):
    # 2026: INV-3's 60.00 + 25.00. Both years: 120.00 discount + 75.00 transfer = 195.00.
    (year,) = closed.cost(start=day(2026, 1, 1), as_of=day(2026, 2, 28)).by_factor
    assert year.fees == Fees(discount=D("60.00"), transfer=D("25.00"))
    (both,) = closed.cost(as_of=day(2026, 2, 28)).by_factor
    assert both.fees == Fees(discount=D("120.00"), transfer=D("75.00"))
    assert both.fees.total == D("195.00")


def test_a_fee_the_owner_paid_against_equity_is_still_a_fee():
    # Not every entry against equity is a close: the owner paying a factor's fee of 35.00
    # from a personal account (Equity:Owner:Contributions) is a fee, 35.00 "other" on the
    # 2025-12 line, as before.
    owner = """
2025-12-15 * "Summit" "Wire fee, paid by the owner"
  Expenses:Factoring:Summit:Fees       35.00 USD
  Equity:Owner:Contributions
2025-01-01 open Equity:Owner:Contributions
"""
    book = book_of(CLOSED_YEAR + owner)
    (line,) = book.cost(start=day(2025, 1, 1), as_of=day(2025, 12, 31)).by_factor
    assert line.fees == Fees(discount=D("60.00"), transfer=D("50.00"), other=D("35.00"))


GERMAN = """
option "name_assets" "Aktiva"
option "name_liabilities" "Passiva"
option "name_equity" "Eigenkapital"
option "name_income" "Ertrag"
option "name_expenses" "Aufwand"
plugin "beancount_factoring.plugin"

2025-01-01 open Aktiva:Bank:Girokonto
2025-01-01 open Aktiva:Receivable:TQL
2025-01-01 open Aktiva:Forderungen:CHR
2025-01-01 open Ertrag:Fracht

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT"
  receivables: Aktiva:Forderungen
  bank: Aktiva:Bank:Girokonto

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Aktiva:Receivable:TQL        1000.00 EUR
  Ertrag:Fracht

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  Aktiva:Forderungen:CHR       2000.00 EUR
  Ertrag:Fracht
"""


def test_renamed_roots_age_every_receivable_the_plugin_reads():
    # Aktiva:Receivable is a receivable whatever the agreement's receivables: (the
    # plugin's rule, under the ledger's own assets root). The aging left INV-1 out:
    # 2,000.00 of 3,000.00 on the receivable accounts.
    report = book_of(GERMAN).aging(as_of=day(2025, 3, 31))
    assert {i.invoice for i in report.invoices} == {"INV-1", "INV-2"}
    (totals,) = report.totals
    assert totals.receivable_balance == D("3000.00")
    assert sum(totals.unfactored, D(0)) == D("3000.00")


def test_renamed_roots_age_the_receivables_of_books_without_an_agreement():
    # With no agreement read (its advance-rate cannot be, FCT110, and the report run with
    # --ignore-errors) Aktiva:Receivable is still the receivables, and INV-1's 1,000.00
    # is aged (Aktiva:Forderungen is one only by the agreement's word).
    text = GERMAN.replace("  advance-rate: 0.95\n", "  advance-rate: 1.95\n")
    report = book_of(text).aging(as_of=day(2025, 3, 31))
    assert {i.invoice for i in report.invoices} == {"INV-1"}
    assert [t.receivable_balance for t in report.totals] == [D("1000.00")]


def test_a_close_of_a_transfer_fee_account_shared_with_the_bank_is_no_fee():
    # The transfer fees go to the bank's wire-fee account (transfer-fee-account), which
    # also holds a 15.00 wire to a vendor; the close takes both accounts to zero (60.00 of
    # discount fees, 50.00 + 15.00 on the wire fees). The close posts to Summit's own fees
    # account too, which made its -65.00 on the shared account Summit's.
    text = CLOSED_YEAR.replace(
        "  bank: Assets:Bank:Checking\n",
        "  bank: Assets:Bank:Checking\n  transfer-fee-account: Expenses:Bank:WireFees\n",
    ).replace(
        "  Expenses:Factoring:Summit:Fees     -110.00 USD\n",
        "  Expenses:Factoring:Summit:Fees      -60.00 USD\n"
        "  Expenses:Bank:WireFees              -65.00 USD\n",
    )
    vendor = """
2025-01-01 open Expenses:Bank:WireFees
2025-06-10 * "Bank" "Wire to the fuel vendor: the bank's fee"
  Expenses:Bank:WireFees               15.00 USD
  Assets:Bank:Checking
"""
    book = book_of(text + vendor)
    (line,) = book.cost(start=day(2025, 1, 1), as_of=day(2025, 12, 31)).by_factor
    assert line.fees == Fees(discount=D("60.00"), transfer=D("50.00"))
