"""Short pays and disputes, with the factor's reason, from the reserve or the next funding.

research/domain.md §3.4 entry 5: TQL pays $1,850 of $2,000 for a late delivery;
the factor takes the $150 from the reserve. Some factors deduct a short pay
from the next funding instead (``short-pay-from: "funding"``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from beancount_factoring.settlement.state import REASONS

from ledgers import balance, codes, legs, load, txn

D = Decimal
CLEARING = "Assets:Factoring:RTS:Clearing"
RESERVE = "Assets:Factoring:RTS:Reserve"
ADJUSTMENTS = "Income:Freight:Adjustments"

RTS = """
2025-01-01 open Income:Freight:Adjustments

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  adjustments: Income:Freight:Adjustments

2025-03-03 * "TQL" "INV-1001 load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "RTS FINANCIAL" "Schedule 10452 purchase" ^INV-1001
  Assets:Bank:Checking         1835.00 USD
  Assets:Factoring:RTS:Clearing

2025-04-07 * "TQL" "Short pay: late-delivery deduction" ^INV-1001
  factoring: "collected"
  paid: 1850.00 USD
  reason: "shortpay"
"""


def test_domain_entry_5__the_reserve_takes_the_short_pay():
    # The reserve holds 100.00 (5%): it takes that, and the 50.00 beyond it comes out
    # of the next funding, as the entry says.
    entries, errors = load(RTS)
    assert errors == []
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == [
        (CLEARING, D("-50.00"), "INV-1001", "short-pay"),
        (RESERVE, D("-100.00"), "INV-1001", "short-pay"),
        (ADJUSTMENTS, D("150.00"), "INV-1001", "short-pay"),
    ]


def test_a_factor_that_deducts_short_pays_from_the_next_funding():
    text = RTS.replace("  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "funding"')
    text += """
2025-04-08 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-09 * "RTS FINANCIAL" "Funding less the short pay" ^INV-1001 ^INV-1002
  Assets:Bank:Checking          855.00 USD
  Assets:Factoring:RTS:Clearing
"""
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == [
        (CLEARING, D("-150.00"), "INV-1001", "short-pay"),
        (ADJUSTMENTS, D("150.00"), "INV-1001", "short-pay"),
    ]
    # 950.00 advance - 20.00 fee - 25.00 transfer + 100.00 reserve of INV-1001 back
    # - 150.00 short pay = 855.00: INV-1001's reserve is whole, so it comes back in full.
    funding = legs(txn(entries, "Funding less the short pay"))
    assert (CLEARING, D("150.00"), "INV-1001", "short-pay") in funding
    assert (RESERVE, D("-100.00"), "INV-1001", "reserve-release") in funding
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("50.00")  # INV-1002's


def test_an_event_may_say_where_its_short_pay_comes_from():
    text = RTS.replace(
        '  reason: "shortpay"', '  reason: "broker-claim"\n  short-pay-from: "funding"'
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == D("-150.00")
    assert balance(entries, RESERVE) == D("100.00")


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        (
            '  reason: "late delivery"',
            "reason: 'late delivery' is not one of the factor's reasons",
        ),
        ('  short-pay-from: "bank"', 'short-pay-from: \'bank\' must be "reserve" or "funding"'),
    ],
)
def test_fct134__a_reason_or_source_that_cannot_be_read(meta, message):
    text = RTS.replace('  reason: "shortpay"', meta)
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert message in errors[0].message


def test_fct110__short_pay_from_in_the_agreement_is_a_choice():
    text = RTS.replace("  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "later"')
    _, errors = load(text)
    assert "FCT110" in codes(errors)


def test_a_chargeback_carries_its_reason():
    text = (
        RTS.split("2025-04-07")[0]
        + """
2025-06-03 * "RTS" "Disputed: damaged freight" ^INV-1001
  factoring: "chargeback"
  reason: "broker-claim"
"""
    )
    _, errors = load(text)
    assert errors == []


def test_the_reasons_are_the_factors_reserve_ledger_reasons():
    assert {"shortpay", "overpay", "nonpayment", "broker-claim", "write-off"} <= set(REASONS)


NOTHING_PAID = RTS.replace('paid: 1850.00 USD\n  reason: "shortpay"', "paid: 0.00 USD")


def test_nothing_paid_without_a_reason_is_an_error_on_the_event():
    # A collected event where nothing was collected is most likely a misread report:
    # booked as it reads, all 2,000.00 would leave revenue and the reserve in silence.
    entries, errors = load(NOTHING_PAID)
    assert codes(errors) == ["FCT134"]
    assert (
        errors[0].source["lineno"]
        == txn(entries, "Short pay: late-delivery deduction").meta["lineno"]
    )
    assert "paid nothing" in errors[0].message and 'reason: "broker-claim"' in errors[0].message
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == []
    # Nothing moved: the reserve still holds the invoice's 100.00 (5% of 2,000.00).
    assert balance(entries, RESERVE) == D("100.00")


def test_nothing_paid_with_a_reason_is_a_short_pay_of_the_whole_face():
    # The factor closed the invoice unpaid for a claim on the whole load: the short pay
    # is the face, 2,000.00; the reserve gives its 100.00 and the other 1,900.00 is owed
    # to the factor from the next funding (2,000.00 - 100.00).
    text = NOTHING_PAID.replace("paid: 0.00 USD", 'paid: 0.00 USD\n  reason: "broker-claim"')
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == [
        (CLEARING, D("-1900.00"), "INV-1001", "short-pay"),
        (RESERVE, D("-100.00"), "INV-1001", "short-pay"),
        (ADJUSTMENTS, D("2000.00"), "INV-1001", "short-pay"),
    ]


@pytest.mark.parametrize("reason", ["nonpayment", "write-off"])
def test_nothing_paid_for_the_customers_failure_to_pay_is_no_short_pay(reason):
    # The customer did not pay at all: a chargeback (the invoice comes back to you, held
    # to the recourse-days) or a non-recourse factor's credit loss. As a short pay the
    # 2,000.00 left revenue and 1,900.00 was owed to the factor, in silence, even under
    # a non-recourse agreement that bears the loss.
    text = NOTHING_PAID.replace("paid: 0.00 USD", f'paid: 0.00 USD\n  reason: "{reason}"')
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    event = txn(entries, "Short pay: late-delivery deduction")
    assert errors[0].source["lineno"] == event.meta["lineno"]
    assert 'a chargeback (factoring: "chargeback")' in errors[0].message
    assert '(factoring: "credit-loss")' in errors[0].message
    assert legs(event) == []
    assert balance(entries, RESERVE) == D("100.00")


def test_a_quoted_paid_is_reported_as_text_in_quotes():
    text = RTS.replace("paid: 1850.00 USD", 'paid: "1850.00 USD"')
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "paid: '1850.00 USD' is text in quotes" in errors[0].message
    assert "without quotes" in errors[0].message
