"""Non-recourse credit losses (research/domain.md §3.4 entry 7), in both models."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
BANK = "Assets:Bank:Checking"
RESERVE = "Assets:Factor:RTS:Reserve"
LOSS = "Expenses:Factoring:RTS:LossOnSale"
FEES = "Expenses:Factoring:RTS:Discount"
ADVANCES = "Liabilities:Factor:RTS:Advances"
CLEARING = "Assets:Factor:RTS:Clearing"
RECEIVABLE = "Assets:Receivable:Factored:Keystone"

# Non-recourse: 97% advance, 3% reserve, a flat 3% fee at purchase; the $2,000
# invoice's reserve is $60.00, the entry's figure.
RTS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Factored:Keystone
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  advances: Liabilities:Factor:RTS:Advances
  credit-losses: Expenses:Factoring:RTS:LossOnSale

2025-05-01 * "Keystone Freight" "INV-1044"
  invoice: "INV-1044"
  Assets:Receivable:Factored:Keystone   2000.00 USD
  Income:Freight:Linehaul

2025-05-02 * "RTS FINANCIAL" "Purchase INV-1044" ^INV-1044
  Assets:Bank:Checking                  1880.00 USD
  Assets:Factor:RTS:Clearing

2025-06-30 * "RTS Financial" "Reserve forfeited - debtor insolvent" ^INV-1044
  factoring: "credit-loss"
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  advance-rate: 0.97", f'  model: "{model}"\n  advance-rate: 0.97')


def test_domain_entry_7__the_reserve_is_forfeited_to_a_credit_loss():
    entries, errors = load(RTS, opens=False)
    assert errors == []
    assert legs(txn(entries, "Reserve forfeited - debtor insolvent")) == [
        (RESERVE, D("-60.00"), "INV-1044", "credit-loss"),
        (LOSS, D("60.00"), "INV-1044", "credit-loss"),
    ]
    assert balance(entries, RESERVE) == 0
    # The fee of 60.00 was expensed at purchase; the loss is the reserve: 120.00 in all.
    assert balance(entries, FEES) + balance(entries, LOSS) == D("120.00")


def test_under_the_loan_model_the_receivable_is_written_off_against_the_advance():
    entries, errors = load(with_model(RTS, "loan"), opens=False)
    assert errors == []
    assert legs(txn(entries, "Reserve forfeited - debtor insolvent")) == [
        (RESERVE, D("-60.00"), "INV-1044", "credit-loss"),
        (RECEIVABLE, D("-2000.00"), "INV-1044", "credit-loss"),
        (LOSS, D("60.00"), "INV-1044", "credit-loss"),
        (ADVANCES, D("2000.00"), "INV-1044", "credit-loss"),
    ]
    assert balance(entries, ADVANCES) == 0
    assert balance(entries, RECEIVABLE) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_both_models_lose_the_same(model):
    entries, _ = load(with_model(RTS, model), opens=False)
    assert balance(entries, LOSS) == D("60.00")
    assert balance(entries, BANK) == D("1880.00")


def test_a_reserve_the_agreement_releases_comes_back_less_the_fee_to_the_day():
    # A tiered fee at collection: 2% for the first 30 days, 0.5% per 10 more. Written
    # off 59 days after funding: 2% + 3 x 0.5% = 3.5% of 2,000.00 = 70.00.
    text = (
        RTS.replace(
            'fee: "flat 3%"', 'fee: "tiered 2%/30d + 0.5%/10d"\n  fee-timing: "collection"'
        )
        .replace("  credit-losses:", '  reserve-on-loss: "released"\n  credit-losses:')
        .replace("1880.00 USD", "1940.00 USD")
        + """
2025-07-03 * "RTS FINANCIAL" "Rebate INV-1044" ^INV-1044
  Assets:Bank:Checking                   -10.00 USD
  Assets:Factor:RTS:Reserve
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert legs(txn(entries, "Reserve forfeited - debtor insolvent")) == []
    assert legs(txn(entries, "Rebate INV-1044")) == [
        (BANK, D("-10.00"), None, None),
        (RESERVE, D("-60.00"), "INV-1044", "reserve-release"),
        (FEES, D("30.00"), "INV-1044", "late-fee"),
        (FEES, D("40.00"), "INV-1044", "discount-fee"),
    ]
    assert balance(entries, LOSS) == 0


def test_fct135__a_credit_loss_on_an_invoice_bought_with_recourse():
    text = RTS.replace("recourse-days: 0", "recourse-days: 90")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT135"]
    assert "bought with recourse (recourse-days: 90" in errors[0].message
    assert 'Book a chargeback (factoring: "chargeback")' in errors[0].message
    assert balance(entries, RESERVE) == D("60.00")


def test_a_credit_loss_on_an_invoice_already_collected_is_an_error():
    text = RTS.replace(
        '2025-06-30 * "RTS Financial" "Reserve',
        '2025-06-01 * "Keystone" "Paid RTS" ^INV-1044\n  factoring: "collected"\n\n'
        '2025-06-30 * "RTS Financial" "Reserve',
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT133"]
    assert "cannot be written off: it is collected on 2025-06-01" in errors[0].message


def test_an_unknown_reason_is_an_error():
    text = RTS + '  reason: "insolvency"\n'
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "reason: 'insolvency' is not one of the factor's reasons" in errors[0].message


def test_a_released_reserve_of_a_credit_loss_is_matched_by_amount():
    # (A release that names nothing used to find no date for such an item.)
    text = (
        RTS.replace("  credit-losses:", '  reserve-on-loss: "released"\n  credit-losses:')
        + """
2025-05-01 * "Keystone Freight" "INV-1045"
  invoice: "INV-1045"
  Assets:Receivable:Factored:Keystone   1000.00 USD
  Income:Freight:Linehaul

2025-05-02 * "RTS FINANCIAL" "Purchase INV-1045" ^INV-1045
  Assets:Bank:Checking                   940.00 USD
  Assets:Factor:RTS:Clearing

2025-06-02 * "Keystone" "Paid RTS" ^INV-1045
  factoring: "collected"

2025-07-03 * "RTS FINANCIAL" "Rebate"
  Assets:Bank:Checking                    60.00 USD
  Assets:Factor:RTS:Reserve
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    # Two items: INV-1045's reserve of 30.00, collected, and INV-1044's 60.00, written off.
    assert txn(entries, "Rebate").links == {"INV-1044"}
    assert balance(entries, RESERVE) == D("30.00")


@pytest.mark.parametrize("key", ["amount: 500.00 USD", "paid: 500.00 USD", "partial: TRUE"])
def test_fct134__an_amount_on_a_credit_loss_is_not_read(key):
    # A loss of part of the invoice (the customer paid 1,500.00, the estate nothing more)
    # would be booked as the loss of the whole 2,000.00 without a word.
    entries, errors = load(RTS + f"  {key}\n", opens=False)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message.startswith(f"FCT134 {key} is not read on a credit-loss")
    assert "all that is unpaid of invoice INV-1044 (2,000.00 USD)" in errors[0].message
    event = txn(entries, "Reserve forfeited - debtor insolvent")
    assert errors[0].source["lineno"] == event.meta["lineno"]
    assert event.postings == []
    assert balance(entries, RESERVE) == D("60.00")


# The reasons of a loss the factor bears under non-recourse: the customer's failure to
# pay (insolvency), written off. Every other reason is a dispute or a deduction the
# carrier bears, which even a non-recourse factor charges back (docs/ledger.md 6.16;
# research/domain.md 2.2: non-recourse covers the debtor's insolvency only).
CARRIERS_REASONS = [
    "broker-claim",
    "shortpay",
    "chargeback",
    "client-debit",
    "overadvance",
    "direct-payment-by-client",
]


@pytest.mark.parametrize("reason", CARRIERS_REASONS)
def test_fct135__a_credit_loss_for_a_dispute_is_charged_back_not_written_off(reason):
    # It was booked as the factor's loss: the carrier lost the 60.00 reserve only, when
    # the factor charges the dispute back and the carrier owes 2,000.00 - 60.00 = 1,940.00.
    entries, errors = load(RTS + f'  reason: "{reason}"\n', opens=False)
    assert codes(errors) == ["FCT135"]
    event = txn(entries, "Reserve forfeited - debtor insolvent")
    assert errors[0].source["lineno"] == event.meta["lineno"]
    assert f'reason: "{reason}"' in errors[0].message
    assert f'(factoring: "chargeback", reason: "{reason}")' in errors[0].message
    assert event.postings == []
    assert balance(entries, RESERVE) == D("60.00")
    assert balance(entries, LOSS) == 0


@pytest.mark.parametrize("reason", ["write-off", "nonpayment"])
def test_a_credit_loss_for_the_customers_failure_to_pay_is_the_factors(reason):
    entries, errors = load(RTS + f'  reason: "{reason}"\n', opens=False)
    assert errors == []
    assert balance(entries, LOSS) == D("60.00")
    assert balance(entries, RESERVE) == 0


def test_the_chargeback_fct135_asks_for_books_the_dispute_with_no_error():
    # The dispute charged back: Receivable +2,000.00, Reserve -60.00, and the
    # 2,000.00 - 60.00 = 1,940.00 the carrier owes waits on the clearing account.
    text = RTS.replace('factoring: "credit-loss"', 'factoring: "chargeback"')
    entries, errors = load(text + '  reason: "broker-claim"\n', opens=False)
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == D("-1940.00")
    assert balance(entries, RECEIVABLE) == D("2000.00")


@pytest.mark.parametrize(
    "key",
    [
        "recourse-amount: 500.00 USD",
        'load: "L-1"',
        'charge: "other"',
        'period: "2025-05"',
        'transfer: "wire"',
        'short-pay-from: "reserve"',
        'from: "Summit"',
        'schedule: "7001"',
    ],
)
def test_fct134__a_key_of_another_event_on_a_credit_loss_is_said(key):
    # Read on other events only (the factor's recourse figure of a chargeback, a fee's
    # charge:, a deposit's transfer:...), each was dropped without a word. The loss is
    # booked as without it: the 60.00 reserve written off.
    entries, errors = load(RTS + f"  {key}\n", opens=False)
    name = key.split(":")[0]
    assert codes(errors) == ["FCT134"]
    assert errors[0].message.startswith(f"FCT134 The key {name}: is not read on a credit-loss")
    event = txn(entries, "Reserve forfeited - debtor insolvent")
    assert errors[0].source["lineno"] == event.meta["lineno"]
    assert balance(entries, LOSS) == D("60.00")


def test_the_factors_recourse_amount_on_a_chargeback_is_read_with_no_error():
    # 2,000.00 unpaid - 60.00 reserve held = 1,940.00, the factor's figure.
    text = RTS.replace('factoring: "credit-loss"', 'factoring: "chargeback"')
    text = text.replace("recourse-days: 0", "recourse-days: 30")
    entries, errors = load(text + "  recourse-amount: 1940.00 USD\n", opens=False)
    assert errors == []
    assert balance(entries, CLEARING) == D("-1940.00")
    _, errors = load(text + '  recourse-amount: 1940.00 USD\n  transfer: "wire"\n', opens=False)
    assert codes(errors) == ["FCT134"]
    assert "The key transfer: is not read on a chargeback" in errors[0].message
