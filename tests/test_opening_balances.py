"""Opening balances carried into the books: never a factor's deposit.

A trial balance carried in on the books' first day posts to the bank and to the
factor's reserve against Equity:Opening-Balances. It posts to the agreement's bank and
to a factor's account, as a release does, but it is no cash from the factor: taken for
one, it was an unallocated release (FCT103 after the grace days, reconcile failing).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, load

SUMMIT = """
2025-01-01 open Equity:Opening-Balances

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


@pytest.mark.parametrize("equity", ["Equity:Opening-Balances", "Equity:Retained-Earnings"])
def test_a_trial_balance_with_the_factors_reserve_is_no_deposit(equity):
    text = (
        SUMMIT.replace("Equity:Opening-Balances", equity)
        + f"""
2025-01-01 * "Opening balances" "Trial balance at 2024-12-31"
  Assets:Bank:Checking             50000.00 USD
  Assets:Receivable:TQL             2000.00 USD
  Assets:Factoring:Summit:Reserve   1000.00 USD
  {equity}

2025-01-31 balance Assets:Bank:Checking 50000.00 USD
"""
    )
    entries, errors = load(text)
    assert errors == []
    # Left as written: 1,000.00 on the reserve, 2,000.00 on the receivable.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("1000.00")
    assert balance(entries, "Assets:Receivable:TQL") == Decimal("2000.00")


def test_a_funding_before_the_books_that_names_its_invoice_is_still_a_funding():
    # INV-901 (10,000.00) funded on 2024-12-10, its cash in the bank's opening balance:
    # the funding takes it from Equity:Opening-Balances and, linking the invoice, is split
    # as any funding (9,500.00 advance - 200.00 fee = 9,300.00; 500.00 held).
    text = (
        SUMMIT.replace("2025-01-01 open Equity", "2024-06-01 open Equity").replace(
            '2025-01-01 custom "factoring-agreement"', '2024-06-01 custom "factoring-agreement"'
        )
        + """
2024-06-01 open Assets:Receivable:TQL

2024-12-09 * "TQL" "Load TQL-7731 (before the books)"
  invoice: "INV-901"
  Assets:Receivable:TQL       10000.00 USD
  Equity:Opening-Balances

2024-12-10 * "SUMMIT FUNDING" "Advance INV-901 (before the books)" ^INV-901
  Equity:Opening-Balances      9300.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("500.00")
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_a_deposit_converted_through_trading_accounts_is_still_a_deposit():
    # Summit funds TQL's CAD invoice (2,000.00 x 95% - 2% = 1,860.00 CAD) into the USD
    # account, the conversion written through trading accounts of equity: not an opening
    # balance (no Opening account), the deposit names nothing and funds schedule 1, and the
    # clearing account ends at 0.00 CAD.
    text = """
2025-01-01 open Assets:Bank:USD
2025-01-01 open Equity:Trading:USD
2025-01-01 open Equity:Trading:CAD

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:USD

2025-03-04 * "TQL" "Load"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 CAD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^INV-1001
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:USD      1339.20 USD
  Equity:Trading:USD  -1339.20 USD
  Equity:Trading:CAD   1860.00 CAD
  Assets:Factoring:Summit:Clearing
"""
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_a_trial_balance_in_two_currencies_is_no_deposit():
    # The equity leg left for Beancount to fill becomes one posting per currency: still an
    # opening balance, the reserves left as written.
    text = """
2025-01-01 open Equity:Opening-Balances

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 * "Opening balances" "Trial balance at 2024-12-31"
  Assets:Bank:Checking               50000.00 USD
  Assets:Factoring:Summit:Reserve     1000.00 USD
  Assets:Factoring:Summit:Reserve      800.00 CAD
  Equity:Opening-Balances

2025-06-01 balance Assets:Bank:Checking 50000.00 USD
"""
    entries, errors = load(text)
    assert errors == []
    # Left as written: 1,000.00 USD + 800.00 CAD on the reserve (the helper adds them).
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("1800.00")


def test_a_deposit_with_a_part_paid_to_the_owner_is_still_a_deposit():
    # Schedule 1 (INV-1, 2,000.00: 1,900.00 - 40.00 = 1,860.00) funded by a deposit of
    # which 100.00 went to the owner's draws: an equity account, but no opening balance.
    text = (
        SUMMIT
        + """
2025-01-01 open Equity:Owner:Draws

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "1"

2025-03-04 * "SUMMIT FUNDING" "ACH, part to the owner"
  Assets:Bank:Checking         1760.00 USD
  Equity:Owner:Draws            100.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
