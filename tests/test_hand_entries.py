"""FCT104: entries written by hand to a factor's clearing account
(checks/hand_entries.py).

INV-1001 (2,000.00) funded by Summit: 2,000.00 x 0.95 = 1,900.00 less the 2% fee
(40.00) and the 25.00 transfer fee is a deposit of 1,835.00, which the plugin splits.
"""

from __future__ import annotations

from beancount import loader

LEDGER = """
plugin "beancount_factoring.plugin" "{'as-of': '2025-03-14'}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
2025-01-01 open Equity:Opening-Balances

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
  Assets:Bank:Checking         1835.00 USD
  Assets:Factoring:Summit:Clearing
"""
FEE_BY_HAND = """
2025-03-05 * "Summit" "Transfer fee per statement"
  Expenses:Factoring:Summit:Fees       25.00 USD
  Assets:Factoring:Summit:Clearing
"""


def codes(text: str) -> list[str]:
    _, errors, _ = loader.load_string(text)
    return [error.message.split(" ", 1)[0] for error in errors]


def test_a_fee_typed_beside_the_deposits_split_is_an_error_past_grace() -> None:
    # The fee counted twice: fees 40.00 + 25.00 + 25.00 = 90.00 where 65.00 is right,
    # and the clearing account at -25.00 for good. Nine days on (grace-days: 5).
    _, errors, _ = loader.load_string(LEDGER + FEE_BY_HAND)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT104"]
    assert "(2025-03-05, -25.00 USD on Assets:Factoring:Summit:Clearing)" in errors[0].message
    assert "total -25.00 USD instead of zero" in errors[0].message
    # Within grace-days (as of 2025-03-09: four days), not yet.
    assert codes((LEDGER + FEE_BY_HAND).replace("2025-03-14", "2025-03-09")) == []


def test_a_charge_taken_from_the_reserve_by_hand_is_left_to_the_reserve_report() -> None:
    # Fees against the reserve is how the reserve statement's importer books a charge the
    # factor took from the reserve; typed by hand it is the same entry.
    text = LEDGER + FEE_BY_HAND.replace("Summit:Clearing", "Summit:Reserve")
    assert codes(text) == []


def test_a_correction_written_by_hand_clears_a_deposits_difference() -> None:
    # The deposit 25.00 short of 1,835.00 (FCT120: 25.00 left on the clearing account);
    # the factor's statement shows a same-day fee of 25.00, written by hand: the hand
    # entry (-25.00) and the difference (+25.00) add up to nothing, weeks later too.
    text = LEDGER.replace("1835.00 USD", "1810.00 USD").replace("2025-03-14", "2025-04-30")
    text += FEE_BY_HAND.replace("Transfer fee per statement", "Same-day funding fee")
    assert codes(text) == ["FCT120"]


def test_an_entry_and_its_reversal_add_up_to_nothing() -> None:
    reversal = FEE_BY_HAND.replace("2025-03-05", "2025-03-06").replace("25.00 USD", "-25.00 USD")
    assert codes(LEDGER + FEE_BY_HAND + reversal) == []


def test_opening_balances_and_statement_lines_are_not_written_by_hand() -> None:
    opening = """
2025-01-01 * "Opening balance"
  Assets:Factoring:Summit:Reserve      300.00 USD
  Equity:Opening-Balances
"""
    imported = FEE_BY_HAND.replace(
        '"Transfer fee per statement"\n', '"Monthly charge"\n  import-id: "fee-0a1b2c3d4e5f"\n'
    ).replace("Summit:Clearing", "Summit:Reserve")
    assert codes(LEDGER + opening + imported) == []


def test_an_entry_that_writes_off_an_opening_balance_is_counted_against_it() -> None:
    # 40.00 on the clearing account from the opening balances, written off by hand to
    # the fees: together nothing (it was FCT104 for good, opening balances left out).
    opening = """
2025-01-01 * "Opening balance"
  Assets:Factoring:Summit:Clearing      40.00 USD
  Equity:Opening-Balances

2025-01-10 * "Summit" "Write off the opening clearing balance"
  Expenses:Factoring:Summit:Fees       40.00 USD
  Assets:Factoring:Summit:Clearing
"""
    assert codes(LEDGER + opening) == []
