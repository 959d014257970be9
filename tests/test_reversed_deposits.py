"""A deposit entered twice and reversed by hand (settlement/handlers/lumps.py).

INV-1001 (2,000.00) and INV-1002 (1,000.00) funded by Summit on one deposit:
3,000.00 x 0.95 = 2,850.00 less the 2% fee (60.00) and the 25.00 transfer fee is
2,765.00. The bank line was entered a second time, naming nothing, then reversed.
"""

from __future__ import annotations

from decimal import Decimal

from beancount import loader
from beancount.core import realization

LEDGER = """
plugin "beancount_factoring.plugin" "{'as-of': '2025-03-20'}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001 ^INV-1002
  Assets:Bank:Checking         2765.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "SUMMIT FUNDING" "ACH deposit (entered twice)"
  Assets:Bank:Checking         2765.00 USD
  Assets:Factoring:Summit:Clearing
"""
REVERSAL = """
2025-03-05 * "Summit" "Reverse the duplicate entry of the March 4 deposit"
  Assets:Bank:Checking        -2765.00 USD
  Assets:Factoring:Summit:Clearing
"""


def codes(text: str) -> list[str]:
    _, errors, _ = loader.load_string(text)
    return [error.message.split(" ", 1)[0] for error in errors]


def test_a_duplicate_deposit_reversed_by_hand_waits_no_longer() -> None:
    # Before: FCT103 on both, the duplicate and its reversal, for good, though the bank
    # (2,765.00) and the clearing account (0.00) were right.
    entries, errors, _ = loader.load_string(LEDGER + REVERSAL)
    assert errors == []
    balances = realization.realize(entries)
    bank = realization.get(balances, "Assets:Bank:Checking").balance
    clearing = realization.get(balances, "Assets:Factoring:Summit:Clearing").balance
    assert bank.get_currency_units("USD").number == Decimal("2765.00")
    assert clearing.get_currency_units("USD").number == Decimal("0.00")


def test_without_its_reversal_the_duplicate_still_waits() -> None:
    assert codes(LEDGER) == ["FCT103"]
    # A take-back of another amount reverses nothing.
    assert codes(LEDGER + REVERSAL.replace("-2765.00", "-2700.00")) == ["FCT103", "FCT103"]


def test_a_take_back_that_an_open_item_explains_reverses_nothing() -> None:
    # 150.00 from Summit waits (nothing open); Summit then charges a 150.00 fee and we
    # pay it, naming nothing. The payment settles the fee: the waiting 150.00 stays
    # FCT103 (it was taken for the payment's reversal, the fee left open, in silence).
    text = """
plugin "beancount_factoring.plugin" "{'as-of': '2025-03-31'}"

2025-01-01 open Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-04 * "SUMMIT FUNDING" "ACH credit"
  Assets:Bank:Checking          150.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Summit" "UCC filing fee"
  factoring: "fee"
  charge: "other"
  amount: 150.00 USD

2025-03-12 * "SUMMIT FUNDING" "ACH debit, fee"
  Assets:Bank:Checking         -150.00 USD
  Assets:Factoring:Summit:Clearing
"""
    _, errors, _ = loader.load_string(text)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT103"]
    assert errors[0].source["lineno"] == 13  # the 150.00 of 2025-03-04


def test_a_duplicate_reversed_while_another_schedule_waits() -> None:
    # INV-1003 (1,000.00) sold on schedule 10453 and not yet funded: the duplicate
    # matched no open item (FCT101, other items being open) and was not waiting, so the
    # reversal found nothing to cancel: FCT101 on both.
    waiting = """
2025-03-03 * "TQL" "Load 3"
  invoice: "INV-1003"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 10453" ^INV-1003
  factoring: "schedule"
  schedule: "10453"
"""
    assert codes(LEDGER + REVERSAL + waiting) == []
    # Without the reversal, the duplicate is still FCT101.
    assert codes(LEDGER + waiting) == ["FCT101"]


# Summit funds INV-1 (2,000.00) on 03-04: 2,000.00 x 0.95 = 1,900.00 less the 2% fee
# (40.00) = 1,860.00. On 03-05 the bank returns that deposit: 1,860.00 leaves the bank.
RETURNED = """
plugin "beancount_factoring.plugin" "{'as-of': '2025-03-20'}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight
2025-01-01 open Liabilities:ReturnedDeposits

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 7" ^INV-1
  factoring: "schedule"
  schedule: "7"

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-05 * "SUMMIT FUNDING" "ACH deposit of 03-04 returned" ^INV-1
  Assets:Bank:Checking        -1860.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_linked_deposit_the_bank_returned_says_what_to_write() -> None:
    # Before: "FCT130 Nothing of invoice INV-1 is due in this deposit: it is funded on
    # 2025-03-04, not yet collected", no word of the return.
    for text in (RETURNED, RETURNED.replace('returned" ^INV-1', 'returned"\n  schedule: "7"')):
        _, errors, _ = loader.load_string(text)
        (error,) = errors
        assert error.source["lineno"] == 29
        assert "takes back the 1,860.00 USD of the deposit that funded it" in error.message
        assert "<string>:25" in error.message  # the deposit returned
        assert "returned that deposit" in error.message
        assert "Assets:Factoring:Summit:Clearing" in error.message
    # A take-back of another amount is not taken for the return.
    _, errors, _ = loader.load_string(RETURNED.replace("-1860.00", "-1800.00"))
    (error,) = errors
    assert "returned" not in error.message


def test_a_returned_deposit_written_as_its_error_says_is_booked() -> None:
    # Both lines to a liability of one's own, naming nothing: they cancel there, and
    # schedule 7 waits for the deposit Summit sends again on 03-07 (1,860.00).
    moved = RETURNED.replace(
        " ^INV-1\n  Assets:Bank:Checking         1860.00 USD\n  Assets:Factoring:Summit:Clearing",
        "\n  Assets:Bank:Checking         1860.00 USD\n  Liabilities:ReturnedDeposits",
    ).replace(
        " ^INV-1\n  Assets:Bank:Checking        -1860.00 USD\n  Assets:Factoring:Summit:Clearing",
        "\n  Assets:Bank:Checking        -1860.00 USD\n  Liabilities:ReturnedDeposits",
    )
    assert "ReturnedDeposits" in moved.split("returned")[1]
    again = """
2025-03-07 * "SUMMIT FUNDING" "ACH deposit sent again" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
    entries, errors, _ = loader.load_string(moved + again)
    assert errors == []
    balances = realization.realize(entries)

    def balance(account: str) -> Decimal:
        units = realization.get(balances, account).balance.get_currency_units("USD")
        return units.number

    # 1,860.00 - 1,860.00 + 1,860.00; the reserve 2,000.00 x 0.05 = 100.00.
    assert balance("Assets:Bank:Checking") == Decimal("1860.00")
    assert balance("Liabilities:ReturnedDeposits") == Decimal("0")
    assert balance("Assets:Factoring:Summit:Clearing") == Decimal("0")
    assert balance("Assets:Factoring:Summit:Reserve") == Decimal("100.00")
    assert balance("Expenses:Factoring:Summit:Fees") == Decimal("40.00")
