"""A `pad` on a factor's account (checks/pads.py): Beancount pads after the plugin."""

from __future__ import annotations

from beancount import loader

LEDGER = """
plugin "beancount_factoring.plugin"

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

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^INV-1001
  factoring: "schedule"
  schedule: "1"
"""


def codes(text: str) -> list[str]:
    _, errors, _ = loader.load_string(text)
    return [error.message.split(" ", 1)[0] for error in errors]


def test_a_pad_of_the_bank_from_the_clearing_account_is_an_error() -> None:
    # The deposit of schedule 1 (3,000.00 x 0.95 - 60.00 fee - 25.00 transfer fee =
    # 2,765.00) padded in from the clearing account: the balance passed, and the
    # clearing account kept 235.00 (3,000.00 - 2,765.00) where the plugin would have
    # booked 150.00 of reserve and 85.00 of fees, with no error.
    text = LEDGER + (
        "2025-03-05 pad Assets:Bank:Checking Assets:Factoring:Summit:Clearing\n"
        "2025-03-06 balance Assets:Bank:Checking  2765.00 USD\n"
    )
    _, errors, _ = loader.load_string(text)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT153"]
    assert (
        errors[0].source["lineno"]
        == text.splitlines().index(
            "2025-03-05 pad Assets:Bank:Checking Assets:Factoring:Summit:Clearing"
        )
        + 1
    )
    assert "remove the pad" in errors[0].message


def test_a_pad_of_the_reserve_or_from_the_fees_is_an_error() -> None:
    for pad in (
        "pad Assets:Factoring:Summit:Reserve Equity:Opening-Balances",
        "pad Assets:Bank:Checking Expenses:Factoring:Summit:Fees",
    ):
        assert "FCT153" in codes(LEDGER + f"2025-03-05 {pad}\n"), pad


def test_a_pad_between_accounts_of_no_factor_is_left_alone() -> None:
    text = LEDGER + (
        "2025-02-01 pad Assets:Bank:Checking Equity:Opening-Balances\n"
        "2025-02-02 balance Assets:Bank:Checking  500.00 USD\n"
    )
    assert codes(text) == []
