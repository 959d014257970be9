"""Ledger entries written in an unusual but valid Beancount form (docs/ledger.md).

Amounts may be written as arithmetic, and Beancount keeps what it works out to the
last of its 28 digits: ``(2790.01 / 3) USD`` is 930.00333... USD. A factor's deposit
or a customer's payment in fractions of a cent is no money a bank moves: such a
deposit was split as if it were the whole cents (its fraction dropped from the split,
the entry balanced within Beancount's tolerance only), and such a ``paid:`` booked a
short pay and a reserve in fractions of a cent, without a word. Each is one FCT134 on
its line now.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, load

# Summit funds INV-1 (1000.00) at 95% less 2%: 950.00 - 20.00 = 930.00 cash, 50.00
# reserve. TQL pays Summit PAID.
LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        (600.00 + 400.00) USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking         CASH
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"
  paid: PAID
  reason: "shortpay"
"""


def ledger(cash: str = "(1000.00 - 70.00) USD", paid: str = "(1000.00 - 30.00) USD") -> str:
    return LEDGER.replace("CASH", cash).replace("PAID", paid)


def test_amounts_written_as_arithmetic_are_booked_as_their_sums():
    entries, errors = load(ledger())
    assert errors == []
    # Short paid 30.00, taken from the reserve: 50.00 - 30.00 = 20.00 left.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("20.00")
    assert balance(entries, "Income:Factoring:Summit:Adjustments") == Decimal("30.00")
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == Decimal("20.00")


def line_of(entries, narration: str) -> int:
    return next(e for e in entries if getattr(e, "narration", "") == narration).meta["lineno"]


@pytest.mark.parametrize("cash", ["930.004 USD", "(2790.01 / 3) USD", "930.014 USD"])
def test_a_deposit_in_fractions_of_a_cent_is_one_error(cash):
    entries, errors = load(ledger(cash=cash))
    # Before: 930.004 was split as 930.00 (the 0.004 in no posting, the entry balanced
    # within the tolerance only); 930.014 was an FCT120 that said "received 930.01".
    assert codes(errors) == ["FCT134"]
    assert "is not in whole cents: a bank moves whole cents" in errors[0].message
    assert errors[0].source["lineno"] == line_of(entries, "ACH")
    # The fraction is kept on the clearing account, not dropped: the books still add up.
    cash_number = balance(entries, "Assets:Bank:Checking")
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == Decimal("930.00") - cash_number


def test_a_converted_deposit_may_hold_the_prices_arithmetic():
    # 651.00 USD at 1/0.7 CAD is 930.0000000000000000000000003 CAD: the price's
    # arithmetic, not money: the deposit is 930.00 CAD, no error.
    text = ledger(cash="651.00 USD @ (1 / 0.7) CAD").replace("USD", "CAD")
    text = text.replace("651.00 CAD @ (1 / 0.7) CAD", "651.00 USD @ (1 / 0.7) CAD")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("20.00")


@pytest.mark.parametrize("paid", ["970.004 USD", "(2910.01 / 3) USD", "970.004"])
def test_a_payment_in_fractions_of_a_cent_is_one_error(paid):
    entries, errors = load(ledger(paid=paid))
    # Before: a short pay of 29.996 and a reserve of 20.004 left, or (the repeating
    # decimal) "not an amount in the invoice's currency" of an amount in USD.
    assert codes(errors) == ["FCT134"]
    assert "is not in whole cents: a customer pays whole cents" in errors[0].message
    assert errors[0].source["lineno"] == line_of(entries, "TQL paid Summit")
    # Nothing of the event is booked: the reserve is still held whole.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


def test_a_payment_too_large_to_book_keeps_its_own_error():
    # 40 digits: no cents can be worked out of it (found by the corpus: the new test of
    # whole cents raised on it, and the plugin failed on the whole ledger).
    _, errors = load(ledger(paid="1000000000000000000000000000000000000000 USD"))
    assert codes(errors) == ["FCT134"]
    assert "is not an amount in the invoice's currency" in errors[0].message


@pytest.mark.parametrize(
    "written",
    [
        "factoring: 100.00 USD\n  paid: 970.00 USD",
        'factoring: "collected"\n  paid: 970.00 USD\n  reason: 30.00 USD',
        'factoring: "collected"\n  paid: 970.00 USD\n  short-pay-from: 30.00 USD',
        'factoring: "collected"\n  paid: 970.00 USD\n  partial: 970.00 USD',
    ],
)
def test_an_amount_where_an_event_takes_a_word_is_one_error_at_its_line(written):
    # An amount is Beancount's Amount, which cannot be compared with a word: the plugin
    # failed on the whole ledger (FCT100, every split left out). The event alone is
    # refused now, and the deposit before it is split as usual: 50.00 of reserve.
    text = LEDGER.replace("CASH", "930.00 USD").replace(
        'factoring: "collected"\n  paid: PAID\n  reason: "shortpay"', written
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "is an amount" in errors[0].message
    assert errors[0].source["lineno"] == line_of(entries, "TQL paid Summit")
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


def test_an_amount_as_a_fee_events_charge_is_one_error():
    fee = '\n2025-03-31 * "Summit" "fee"\n  factoring: "fee"\n  factor: "Summit"\n'
    text = ledger() + fee + "  charge: 25.00 USD\n"
    _, errors = load(text)
    assert codes(errors) == ["FCT134"] and "charge: 25.00 USD is an amount" in errors[0].message


# Every kind of factoring entry, each key the plugin reads written on it with a value of
# a type it does not take: an amount (Beancount's Amount cannot be compared with a word),
# TRUE, a date, a number, an account. Each is an error or read; none makes the plugin fail
# on the whole ledger (FCT100), as five keys with an amount did.
TYPED_BASE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  load: "L-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight
"""
TYPED_EVENTS = (
    '2025-03-04 * "SUMMIT FUNDING" "schedule" ^INV-1 ^INV-2\n  factoring: "schedule"',
    '2025-03-05 * "SUMMIT FUNDING" "ACH"\n  schedule: "S1"\n'
    "  Assets:Bank:Checking  2790.00 USD\n  Assets:Factoring:Summit:Clearing",
    '2025-03-20 * "TQL" "Paid" ^INV-1\n  factoring: "collected"',
    '2025-03-25 * "SUMMIT FUNDING" "Rebate" ^INV-1\n  factoring: "release"\n'
    "  Assets:Bank:Checking  50.00 USD\n  Assets:Factoring:Summit:Reserve",
    '2025-04-20 * "SUMMIT FUNDING" "cb" ^INV-2\n  factoring: "chargeback"',
    '2025-04-21 * "TQL" "loss" ^INV-2\n  factoring: "credit-loss"',
    '2025-03-31 * "SUMMIT FUNDING" "fee"\n  factoring: "fee"\n  factor: "Summit"',
    '2025-03-21 * "TQL" "paid us" ^INV-2\n  factoring: "misdirected-payment"\n'
    "  Assets:Bank:Checking  2000.00 USD\n  Assets:Factoring:Summit:Clearing",
    '2025-03-02 * "SUMMIT FUNDING" "fuel"\n  factoring: "fuel-advance"\n  load: "L-1"\n'
    "  Assets:Bank:Checking  100.00 USD\n  Assets:Factoring:Summit:Clearing",
    '2025-03-22 * "X" "buyout" ^INV-2\n  factoring: "buyout"\n  factor: "Summit"',
)
TYPED_KEYS = (
    "factoring", "factor", "from", "paid", "partial", "reason", "short-pay-from", "schedule",
    "load", "charge", "period", "amount", "recourse-amount", "advance", "transfer", "invoice",
)  # fmt: skip


@pytest.mark.parametrize(
    "value", ["100.00 USD", "TRUE", "2025-03-01", "42", "Assets:Bank:Checking"]
)
def test_no_value_of_another_type_makes_the_plugin_fail(value):
    failed = []
    for event in TYPED_EVENTS:
        date_line, *rest = event.split("\n")
        for key in TYPED_KEYS:
            kept = [line for line in rest if not line.strip().startswith(key + ":")]
            text = "\n".join([date_line, f"  {key}: {value}", *kept])
            _, errors = load(TYPED_BASE + "\n" + text + "\n")
            if any(error.message.startswith("FCT100") for error in errors):
                failed.append(f"{key}: {value} on {date_line}")
    assert failed == []
