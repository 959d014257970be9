"""What a factor takes from a funding that is no fee: `charge: "deduction"` with `account:`.

Fuel bought on the factor's fuel card, a tax levy or garnishment it paid for you, an
escrow it holds back: the factor deducts each from an invoice's funding as it deducts a
wire fee, but none is a cost of factoring. The event books it to the `account:` it names
and leaves it owed on the clearing account, where the deposit that funds the invoice
nets it (docs/ledger.md 6.11).

Summit advances 95%, charges a flat 2% and 5.00 per ACH transfer. Schedule 10610 buys
INV-1101 (3,000.00) and INV-1102 (1,000.00); the report deducts 400.00 of fuel from
INV-1101 and a 100.00 tax levy from INV-1102:

    advance 3,800.00 - fees 80.00 - fuel 400.00 - levy 100.00 - ACH 5.00 = 3,215.00
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
CLEARING = "Assets:Factoring:Summit:Clearing"
FEES = "Expenses:Factoring:Summit:Fees"

SUMMIT = """
2025-01-01 open Expenses:Fuel
2025-01-01 open Liabilities:Taxes:Levy

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 5.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-05 * "TQL" "Load TQL-91200"
  invoice: "INV-1101"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-05-05 * "TQL" "Load TQL-91201"
  invoice: "INV-1102"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-05-05 * "Summit" "Schedule 10610" ^INV-1101 ^INV-1102
  factoring: "schedule"
  schedule: "10610"

2025-05-05 * "Summit" "Fuel card, INV-1101" ^INV-1101 ^fee-2025-05-05-INV-1101
  factoring: "fee"
  charge: "deduction"
  account: "Expenses:Fuel"
  amount: 400.00 USD

2025-05-05 * "Summit" "IRS levy, INV-1102" ^INV-1102 ^fee-2025-05-05-INV-1102
  factoring: "fee"
  charge: "deduction"
  account: Liabilities:Taxes:Levy
  amount: 100.00 USD

2025-05-06 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         3215.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_each_goes_to_its_account_and_the_deposit_nets_it() -> None:
    entries, errors = load(SUMMIT)
    assert codes(errors) == []
    assert legs(txn(entries, "Fuel card, INV-1101")) == [
        (CLEARING, D("-400.00"), None, "deduction"),
        ("Expenses:Fuel", D("400.00"), None, "deduction"),
    ]
    assert balance(entries, "Expenses:Fuel") == D("400.00")
    assert balance(entries, "Liabilities:Taxes:Levy") == D("100.00")
    # Fees: 2% of 4,000.00 = 80.00, and the 5.00 ACH fee: no fuel, no levy.
    assert balance(entries, FEES) == D("85.00")
    assert balance(entries, CLEARING) == 0
    deposit = txn(entries, "ACH")
    assert {"fee-2025-05-05-INV-1101", "fee-2025-05-05-INV-1102"} <= deposit.links


def test_a_deposit_that_ignores_them_is_short() -> None:
    """3,715.00 (the funding without the 500.00 of deductions) is not what is due."""
    _, errors = load(SUMMIT.replace("3215.00 USD", "3715.00 USD"))
    assert codes(errors) in (["FCT101"], ["FCT120"])


FUEL = 'charge: "deduction"\n  account: "Expenses:Fuel"'


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ('charge: "deduction"', 'charge: "deduction" needs the account the deduction goes to'),
        (
            'charge: "deduction"\n  account: "expenses:fuel"',
            "needs the account the deduction goes to, as the ledger opens it: account: "
            "\"Expenses:Fuel\" (not 'expenses:fuel')",
        ),
        (f'charge: "deduction"\n  account: "{CLEARING}"', f"account: {CLEARING} is a factor's"),
        (f'charge: "deduction"\n  account: "{FEES}"', f"account: {FEES} is a factor's own"),
        (
            'charge: "other"\n  account: "Expenses:Fuel"',
            'account: is read on a charge: "deduction" only',
        ),
    ],
)
def test_an_account_that_cannot_be_used_is_fct134(written: str, said: str) -> None:
    """Without an account, or with one the plugin cannot use (no account name, one of the
    factor's own), nothing is booked in silence: FCT134 on the event. account: on a fee
    of another kind is FCT134 too: the fuel of `charge: "other"` would be a fee."""
    text = SUMMIT.replace(FUEL, written, 1)
    assert text != SUMMIT
    _, errors = load(text)
    messages = [e.message for e in errors if e.message.startswith("FCT134")]
    assert len(messages) == 1 and said in messages[0], [e.message for e in errors]


def test_account_is_a_key_the_plugin_reads() -> None:
    """account: was taken for a misspelt amount: (FCT134) on any event."""
    _, errors = load(SUMMIT)
    assert not any("amount" in e.message and "misspel" in e.message for e in errors)


@pytest.mark.parametrize(
    ("anchor", "kind"),
    [
        ('2025-05-06 * "SUMMIT FUNDING" "ACH"\n', "deposit"),
        ('2025-05-05 * "Summit" "Schedule 10610" ^INV-1101 ^INV-1102\n', "schedule"),
    ],
)
def test_account_on_an_event_that_is_no_fee_is_fct134(anchor: str, kind: str) -> None:
    """`account: "Expenses:Fuel"` on the deposit (or the schedule), meant for the fuel it
    nets: read on a deduction alone, it was left out in silence (before `account:` was a
    key, FCT134 asked for amount:)."""
    text = SUMMIT.replace(anchor, anchor + '  account: "Expenses:Fuel"\n')
    assert text != SUMMIT
    _, errors = load(text)
    messages = [e.message for e in errors]
    assert codes(errors) == ["FCT134"], messages
    assert messages[0].startswith(
        f"FCT134 The key account: is not read on a {kind}, only on a fee event of charge: "
        '"deduction"'
    )
