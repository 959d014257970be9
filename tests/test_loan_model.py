"""The loan model (``model: "loan"``): ledger text in, entries and errors out.

Under the loan model an invoice stays on its receivable account until the
debtor pays the factor; the advance is a liability on the agreement's
``advances`` account. research/domain.md §3.4 entries 2′ (funding), 3 (the
debtor pays the factor), 5 (short pay), 6 (chargeback) and 9 (one lump sum)
are reproduced here with their numbers, each beside the sale model's booking
of the same events: both give the same cash and the same fees.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal

RTS = """
2025-01-01 open Assets:Receivable:Factored:TQL
2025-01-01 open Assets:Receivable:Factored:CHR
2025-01-01 open Assets:Receivable:Factored:QuickLane
2025-01-01 open Income:Freight:Linehaul
2025-01-01 open Income:Freight:Adjustments

2025-01-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.95
  fee: "tiered 2%/30d + 0.5%/10d"
  transfer-fee: 25.00 USD
  recourse-days: 90
  model: "loan"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  advances: Liabilities:Factor:RTS:Advances
  adjustments: Income:Freight:Adjustments
  transfer-fee-account: Expenses:Factoring:RTS:TransferFees

2025-03-03 * "TQL" "INV-1001 load TQL-88412"
  invoice: "inv-1001"
  Assets:Receivable:Factored:TQL        2000.00 USD
  Income:Freight:Linehaul              -2000.00 USD
"""

ADVANCES = "Liabilities:Factor:RTS:Advances"
RECEIVABLE = "Assets:Receivable:Factored:TQL"
CLEARING = "Assets:Factor:RTS:Clearing"
RESERVE = "Assets:Factor:RTS:Reserve"
DISCOUNT = "Expenses:Factoring:RTS:Discount"
TRANSFER = "Expenses:Factoring:RTS:TransferFees"
BANK = "Assets:Bank:Checking"

# Entry 2′: 1900 advance - 40 fee (2% first tier) - 25 wire = 1835.
FUNDING = """
2025-03-04 * "RTS Financial" "Schedule 10452 funding" ^inv-1001
  Assets:Bank:Checking                  1835.00 USD
  Assets:Factor:RTS:Clearing
"""

# Entry 3: TQL pays RTS on day 34; entry 4: the rebate less the $10 fee after day 30.
COLLECTED = """
2025-04-07 * "TQL" "Paid to RTS, ACH4471922" ^inv-1001
  factoring: "collected"
"""

REBATE = """
2025-04-11 * "RTS Financial" "Rebate" ^inv-1001
  Assets:Bank:Checking                    90.00 USD
  Assets:Factor:RTS:Reserve
"""


def with_model(text: str, model: str) -> str:
    """The same ledger under another model: every agreement's ``model:`` line set."""
    text = re.sub(r'\n  model: "\w+"', "", text)
    return re.sub(r'(custom "factoring-agreement" "[^"]*")\n', rf'\1\n  model: "{model}"\n', text)


def totals(entries, *accounts: str) -> dict[str, Decimal]:
    return {account: balance(entries, account) for account in accounts}


# The agreement.


def test_the_loan_model_is_accepted_and_its_advances_account_opened():
    entries, errors = load(RTS + FUNDING)
    assert errors == []
    opened = {e.account for e in entries if type(e).__name__ == "Open"}
    assert ADVANCES in opened


def test_the_advances_account_defaults_to_the_factors_liability():
    entries, errors = load(
        """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  model: "loan"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT" "ACH" ^INV-1
  Assets:Bank:Checking     930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    assert errors == []
    assert legs(txn(entries, "ACH")) == [
        ("Assets:Bank:Checking", D("930.00"), None, None),
        ("Assets:Factoring:Summit:Reserve", D("50.00"), "INV-1", "reserve"),
        ("Expenses:Factoring:Summit:Fees", D("20.00"), "INV-1", "discount-fee"),
        ("Liabilities:Factoring:Summit:Advances", D("-1000.00"), "INV-1", "face"),
    ]
    assert balance(entries, "Assets:Receivable:TQL") == D("1000.00")


@pytest.mark.parametrize(
    ("advances", "message"),
    [
        ("Assets:Factor:RTS:Clearing", "is also the agreement's clearing"),
        ("Assets:Bank:Checking", "is also the agreement's bank"),
        ("Expenses:Factoring:RTS:Discount", "is also the agreement's fees"),
        ("Assets:Receivable:Factored:Advances", "is a receivable account"),
        ("Assets:Receivable:Advances", "is a receivable account"),
    ],
)
def test_fct110__loan_advances_on_an_account_that_is_not_their_own(advances, message):
    text = RTS.replace(f"advances: {ADVANCES}", f"advances: {advances}")
    entries, errors = load(text + FUNDING)
    # (Beancount adds that the clearing account is not open: the agreement is not used.)
    errors = [e for e in errors if e.message.startswith("FCT")]
    assert codes(errors) == ["FCT110"]
    assert "key 'advances'" in errors[0].message
    assert message in errors[0].message
    # The deposit stays as written.
    assert len(txn(entries, "Schedule 10452 funding").postings) == 2


def test_the_sale_model_does_not_use_the_advances_account():
    text = with_model(RTS, "sale").replace(f"advances: {ADVANCES}", f"advances: {CLEARING}")
    entries, errors = load(text + FUNDING)
    assert errors == []
    assert balance(entries, RECEIVABLE) == 0


# Entries 2′, 3 and 4: funding, the debtor pays the factor, the rebate.


def test_domain_entries_2_prime_3_4__funding_collection_and_rebate():
    entries, errors = load(RTS + FUNDING + COLLECTED + REBATE)
    assert errors == []
    # 2′: A/R stays; the factor's claim is a liability at face, the reserve an asset.
    assert legs(txn(entries, "Schedule 10452 funding")) == [
        (BANK, D("1835.00"), None, None),
        (RESERVE, D("100.00"), "inv-1001", "reserve"),
        (DISCOUNT, D("40.00"), "inv-1001", "discount-fee"),
        (TRANSFER, D("25.00"), None, "transfer-fee"),
        (ADVANCES, D("-2000.00"), "inv-1001", "face"),
    ]
    # 3: the debtor's payment to the factor clears both sides.
    paid = txn(entries, "Paid to RTS, ACH4471922")
    assert legs(paid) == [
        (RECEIVABLE, D("-2000.00"), "inv-1001", "collection"),
        (ADVANCES, D("2000.00"), "inv-1001", "collection"),
    ]
    # 4: the rebate takes the $10 tier that accrued after day 30, as in the sale model.
    assert legs(txn(entries, "Rebate")) == [
        (BANK, D("90.00"), None, None),
        (RESERVE, D("-100.00"), "inv-1001", "reserve-release"),
        (DISCOUNT, D("10.00"), "inv-1001", "late-fee"),
    ]
    assert totals(entries, ADVANCES, RECEIVABLE, RESERVE, CLEARING) == {
        ADVANCES: 0,
        RECEIVABLE: 0,
        RESERVE: 0,
        CLEARING: 0,
    }


def test_the_receivable_stays_until_the_debtor_pays():
    entries, errors = load(RTS + FUNDING)
    assert errors == []
    assert balance(entries, RECEIVABLE) == D("2000.00")
    assert balance(entries, ADVANCES) == D("-2000.00")


@pytest.mark.parametrize(
    "hand_entry",
    [
        # The bookkeeper "repays the loan" when TQL pays, as with any other loan.
        """
2025-04-07 * "RTS FINANCIAL" "By hand: advance repaid"
  Liabilities:Factor:RTS:Advances     2000.00 USD
  Assets:Bank:Checking
""",
        # The same, linked to the invoice.
        """
2025-04-07 * "RTS FINANCIAL" "By hand: advance repaid" ^inv-1001
  Liabilities:Factor:RTS:Advances     2000.00 USD
  Assets:Bank:Checking
""",
        # Interest read off the factor's statement, added to the loan.
        """
2025-03-31 * "RTS Financial" "By hand: interest"
  Expenses:Factoring:RTS:Discount       25.00 USD
  Liabilities:Factor:RTS:Advances
""",
    ],
)
def test_fct134__a_posting_to_the_advances_account_written_by_hand(hand_entry):
    # The funding puts 2,000.00 on the advances; TQL has not paid RTS, so the
    # invoice is still open with RTS and the 2,000.00 still owed. The plugin does
    # not read a posting typed to the advances account: the liability would then
    # differ from the invoices open with the factor (0.00 or 2,025.00 against
    # 2,000.00) with no word.
    entries, errors = load(RTS + FUNDING + hand_entry)
    assert codes(errors) == ["FCT134"]
    assert "Liabilities:Factor:RTS:Advances by hand" in errors[0].message
    assert 'factoring: "collected"' in errors[0].message
    hand = [e for e in entries if getattr(e, "narration", "").startswith("By hand")]
    assert errors[0].source["lineno"] == hand[0].meta["lineno"]


def test_fct134__the_factors_deposit_booked_to_the_advances_says_where_it_goes():
    # The funding typed against the loan, as a bookkeeper would: RTS's 1,835.00 on the
    # advances. The message to "delete this transaction and write the event" would
    # lose the cash: it says to post the deposit to the clearing account, which the
    # plugin splits (1,900.00 advance on the advances, 40.00 fee, 25.00 wire, 100.00
    # reserve), as the fixed ledger below shows.
    deposit = FUNDING.replace("Assets:Factor:RTS:Clearing", ADVANCES)
    _, errors = load(RTS + deposit)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "deposit of 'RTS Financial'" in message
    assert f"post it to {CLEARING} instead of {ADVANCES}" in message
    assert "Delete this transaction" not in message
    entries, errors = load(RTS + deposit.replace(ADVANCES, CLEARING))
    assert errors == []
    assert balance(entries, ADVANCES) == D("-2000.00")


def test_an_opening_balance_of_the_advances_is_no_hand_entry():
    entries, errors = load(
        RTS
        + """
2025-01-01 open Equity:Opening-Balances

2025-03-01 * "Opening balances"
  Liabilities:Factor:RTS:Advances    -500.00 USD
  Equity:Opening-Balances
"""
    )
    assert errors == []
    assert balance(entries, ADVANCES) == D("-500.00")


def test_both_models_give_the_same_cash_and_fees_for_entries_2_to_4():
    found = {}
    for model in ("sale", "loan"):
        entries, errors = load(with_model(RTS, model) + FUNDING + COLLECTED + REBATE)
        assert errors == []
        found[model] = totals(entries, BANK, DISCOUNT, TRANSFER, RESERVE, CLEARING)
    assert found["sale"] == found["loan"]
    assert found["loan"][BANK] == D("1925.00")


SCHEDULE = """
2025-03-04 * "RTS Financial" "Schedule 10452" ^inv-1001
  factoring: "schedule"
  schedule: "10452"

2025-03-04 * "RTS FINANCIAL" "ACH schedule 10452"
  schedule: "10452"
  Assets:Bank:Checking                  1835.00 USD
  Assets:Factor:RTS:Clearing
"""


def test_a_schedule_moves_nothing_and_gains_its_link():
    entries, errors = load(RTS + SCHEDULE)
    assert errors == []
    schedule = txn(entries, "Schedule 10452")
    assert schedule.postings == []
    assert schedule.links == {"inv-1001", "sched-10452"}
    funding = txn(entries, "ACH schedule 10452")
    assert funding.links == {"inv-1001", "sched-10452"}
    face = [p for p in funding.postings if p.account == ADVANCES]
    assert [(p.units.number, p.meta["schedule"]) for p in face] == [(D("-2000.00"), "10452")]
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RECEIVABLE) == D("2000.00")


def test_fct121__a_loan_schedule_written_as_a_sale():
    # The sale model's schedule, written by hand (or by an importer) under the loan model.
    _, errors = load(
        RTS
        + """
2025-03-04 * "RTS Financial" "Schedule 10452" ^inv-1001
  factoring: "schedule"
  schedule: "10452"
  Assets:Factor:RTS:Clearing            2000.00 USD
  Assets:Receivable:Factored:TQL       -2000.00 USD
"""
    )
    assert codes(errors) == ["FCT121"]
    message = errors[0].message
    assert "Assets:Receivable:Factored:TQL: expected 0.00 USD, written -2,000.00 USD" in message
    assert "under the loan model" in message


def test_the_factors_own_figures_ride_on_postings_of_zero():
    entries, errors = load(
        RTS
        + """
2025-03-04 * "RTS Financial" "Schedule 10452" ^inv-1001
  factoring: "schedule"
  schedule: "10452"
  Assets:Receivable:Factored:TQL           0.00 USD
    invoice: "inv-1001"
    advance: 1900.00 USD
    fee: 45.00 USD
    reserve: 100.00 USD

2025-03-05 * "RTS FINANCIAL" "ACH schedule 10452"
  schedule: "10452"
  Assets:Bank:Checking                  1830.00 USD
  Assets:Factor:RTS:Clearing
"""
    )
    assert codes(errors) == ["FCT170"]
    assert "fee 45.00 (agreement 40.00)" in errors[0].message
    funding = txn(entries, "ACH schedule 10452")
    assert (DISCOUNT, D("45.00"), "inv-1001", "discount-fee") in legs(funding)
    assert balance(entries, RECEIVABLE) == D("2000.00")


def test_a_funding_written_by_hand_is_compared():
    good = """
2025-03-04 * "RTS Financial" "By hand" ^inv-1001
  Assets:Bank:Checking                  1835.00 USD
  Expenses:Factoring:RTS:Discount         40.00 USD
  Expenses:Factoring:RTS:TransferFees     25.00 USD
  Assets:Factor:RTS:Reserve              100.00 USD
  Liabilities:Factor:RTS:Advances      -2000.00 USD
"""
    entries, errors = load(RTS + good)
    assert errors == []
    assert len(txn(entries, "By hand").postings) == 5
    # The sale model's booking, under the loan model: the receivable may not leave.
    sale = good.replace("Liabilities:Factor:RTS:Advances", "Assets:Receivable:Factored:TQL")
    entries, errors = load(RTS + sale)
    assert codes(errors) == ["FCT120"]
    assert f"{ADVANCES}: expected -2,000.00 USD, written 0.00 USD" in errors[0].message


# Entry 5: a short pay.

SHORT_PAY = """
2025-04-07 * "TQL" "Short pay: late-delivery deduction" ^inv-1001
  factoring: "collected"
  paid: 1850.00 USD
"""


def test_domain_entry_5__short_pay_covered_by_the_reserve():
    # With a 90% advance the $200 reserve covers the $150 deduction, as in entry 5.
    text = RTS.replace("advance-rate: 0.95", "advance-rate: 0.90").replace(
        'fee: "tiered 2%/30d + 0.5%/10d"', 'fee: "flat 2%"'
    )
    # 1800 advance - 40 fee - 25 wire = 1735.
    entries, errors = load(text + FUNDING.replace("1835.00", "1735.00") + SHORT_PAY)
    assert errors == []
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == [
        (RESERVE, D("-150.00"), "inv-1001", "short-pay"),
        (RECEIVABLE, D("-1850.00"), "inv-1001", "collection"),
        (RECEIVABLE, D("-150.00"), "inv-1001", "short-pay"),
        ("Income:Freight:Adjustments", D("150.00"), "inv-1001", "short-pay"),
        (ADVANCES, D("150.00"), "inv-1001", "short-pay"),
        (ADVANCES, D("1850.00"), "inv-1001", "collection"),
    ]
    assert balance(entries, ADVANCES) == 0
    assert balance(entries, RECEIVABLE) == 0
    assert balance(entries, RESERVE) == D("50.00")


def test_a_short_pay_beyond_the_reserve_is_netted_from_the_next_funding():
    # The $100 reserve covers $100 of the $150; the other $50 comes out of the next
    # funding, with INV-1001's late fee (34 days: 2% + 0.5% = $50, $40 taken): $10.
    # INV-1002: 950 advance - 20 fee - 25 wire; less 50 and 10: 845.
    next_funding = """
2025-04-08 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:Factored:TQL        1000.00 USD
  Income:Freight:Linehaul

2025-04-09 * "RTS Financial" "Funding less short pay" ^INV-1002 ^inv-1001
  Assets:Bank:Checking                   845.00 USD
  Assets:Factor:RTS:Clearing
"""
    found = {}
    for model in ("sale", "loan"):
        text = with_model(RTS, model) + FUNDING + SHORT_PAY + next_funding
        entries, errors = load(text)
        assert errors == []
        found[model] = totals(entries, BANK, DISCOUNT, TRANSFER, RESERVE, CLEARING)
        if model == "loan":
            short = legs(txn(entries, "Short pay: late-delivery deduction"))
            assert (CLEARING, D("-50.00"), "inv-1001", "short-pay") in short
            assert (RESERVE, D("-100.00"), "inv-1001", "short-pay") in short
            assert (ADVANCES, D("150.00"), "inv-1001", "short-pay") in short
            assert balance(entries, ADVANCES) == D("-1000.00")
            assert balance(entries, RECEIVABLE) == D("1000.00")
    assert found["sale"] == found["loan"]
    assert found["loan"][CLEARING] == 0


CREDITS = "Liabilities:Factoring:RTSFinancial:CustomerCredits:TQL"


def test_an_overpayment_is_owed_to_the_customer_and_added_to_the_reserve():
    # TQL pays 2010.00 of 2000.00: the 10.00 excess is TQL's money (a liability to the
    # customer, under customer-credits by the receivable's leaf), not revenue.
    overpaid = SHORT_PAY.replace("1850.00", "2010.00") + '  reason: "overpay"\n'
    entries, errors = load(RTS + FUNDING + overpaid)
    assert errors == []
    assert legs(txn(entries, "Short pay: late-delivery deduction")) == [
        (RESERVE, D("10.00"), "inv-1001", "overpay"),
        (RECEIVABLE, D("-2000.00"), "inv-1001", "collection"),
        (ADVANCES, D("2000.00"), "inv-1001", "collection"),
        (CREDITS, D("-10.00"), "inv-1001", "overpay"),
    ]
    assert balance(entries, "Income:Freight:Adjustments") == 0


# Entry 6: a recourse chargeback, netted from the next funding.

CHARGEBACK = """
2024-11-01 open Assets:Bank:Checking
2024-11-01 open Assets:Receivable:Factored:QuickLane
2024-11-01 open Assets:Receivable:Factored:TQL
2024-11-01 open Income:Freight:Linehaul

2024-11-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 2.5%"
  recourse-days: 90
  model: "loan"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  advances: Liabilities:Factor:RTS:Advances

2024-12-02 * "QuickLane" "INV-0931"
  invoice: "INV-0931"
  Assets:Receivable:Factored:QuickLane   1250.00 USD
  Income:Freight:Linehaul

2024-12-03 * "RTS Financial" "Purchase INV-0931" ^INV-0931
  Assets:Bank:Checking                   1181.25 USD
  Assets:Factor:RTS:Clearing

2025-06-03 * "RTS Financial" "Chargeback INV-0931 (QuickLane)" ^INV-0931
  factoring: "chargeback"

2025-06-01 * "TQL" "INV-1001"
  invoice: "INV-1001"
  Assets:Receivable:Factored:TQL         2000.00 USD
  Income:Freight:Linehaul

2025-06-04 * "RTS Financial" "Funding less recourse" ^INV-1001 ^INV-0931
  Assets:Bank:Checking                    677.50 USD
  Assets:Factor:RTS:Clearing
"""


def test_domain_entry_6__chargeback_repays_the_advance_and_the_receivable_stays():
    entries, errors = load(CHARGEBACK, opens=False)
    assert errors == []
    # Advances 1250.00 / Reserve -37.50 / Clearing -1212.50; the A/R stays open.
    assert legs(txn(entries, "Chargeback INV-0931 (QuickLane)")) == [
        (CLEARING, D("-1212.50"), "INV-0931", "chargeback"),
        (RESERVE, D("-37.50"), "INV-0931", "chargeback"),
        (ADVANCES, D("1250.00"), "INV-0931", "chargeback"),
    ]
    # 1940 advance - 50 fee - 1212.50 recourse = 677.50, as in the sale model.
    funding = legs(txn(entries, "Funding less recourse"))
    assert (CLEARING, D("1212.50"), "INV-0931", "chargeback") in funding
    assert (ADVANCES, D("-2000.00"), "INV-1001", "face") in funding
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Assets:Receivable:Factored:QuickLane") == D("1250.00")
    assert balance(entries, ADVANCES) == D("-2000.00")  # INV-1001's advance only.


def test_a_chargeback_gives_the_same_cash_and_fees_in_both_models():
    found = {}
    for model in ("sale", "loan"):
        entries, errors = load(with_model(CHARGEBACK, model), opens=False)
        assert errors == []
        found[model] = totals(entries, BANK, DISCOUNT, RESERVE, CLEARING)
    assert found["sale"] == found["loan"]


def test_a_loan_chargeback_moves_the_receivable_to_recourse_receivables():
    text = CHARGEBACK.replace(
        "  receivables: Assets:Receivable:Factored\n",
        "  receivables: Assets:Receivable:Factored\n"
        "  recourse-receivables: Assets:Receivable:Recourse\n",
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert legs(txn(entries, "Chargeback INV-0931 (QuickLane)")) == [
        (CLEARING, D("-1212.50"), "INV-0931", "chargeback"),
        (RESERVE, D("-37.50"), "INV-0931", "chargeback"),
        ("Assets:Receivable:Factored:QuickLane", D("-1250.00"), "INV-0931", "chargeback"),
        ("Assets:Receivable:Recourse:QuickLane", D("1250.00"), "INV-0931", "chargeback"),
        (ADVANCES, D("1250.00"), "INV-0931", "chargeback"),
    ]
    assert balance(entries, "Assets:Receivable:Factored:QuickLane") == 0
    assert balance(entries, "Assets:Receivable:Recourse:QuickLane") == D("1250.00")


def test_a_chargeback_takes_the_fee_accrued_as_in_the_sale_model():
    # 91 days on the tiered fee: 2% + 7 x 0.5% = 5.5% of 2000 = 110, 40 taken: 70 more.
    entries, errors = load(
        RTS
        + FUNDING
        + """
2025-06-03 * "RTS Financial" "Recourse" ^inv-1001
  factoring: "chargeback"
"""
    )
    assert errors == []
    assert legs(txn(entries, "Recourse")) == [
        (CLEARING, D("-1970.00"), "inv-1001", "chargeback"),
        (RESERVE, D("-100.00"), "inv-1001", "chargeback"),
        (DISCOUNT, D("70.00"), "inv-1001", "chargeback-fee"),
        (ADVANCES, D("2000.00"), "inv-1001", "chargeback"),
    ]
    assert balance(entries, RECEIVABLE) == D("2000.00")
    assert balance(entries, ADVANCES) == 0


def test_a_later_agreement_changes_the_model_for_invoices_bought_from_then_on():
    text = (
        RTS
        + FUNDING
        + with_model(
            """
2025-03-10 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  advances: Liabilities:Factor:RTS:Advances

2025-03-11 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:Factored:TQL        1000.00 USD
  Income:Freight:Linehaul

2025-03-12 * "RTS Financial" "Sale funding" ^INV-1002
  Assets:Bank:Checking                   930.00 USD
  Assets:Factor:RTS:Clearing
""",
            "sale",
        )
        + COLLECTED
    )
    entries, errors = load(text)
    assert errors == []
    assert (RECEIVABLE, D("-1000.00"), "INV-1002", "face") in legs(txn(entries, "Sale funding"))
    # INV-1001 keeps the loan model it was bought under.
    assert (ADVANCES, D("2000.00"), "inv-1001", "collection") in legs(
        txn(entries, "Paid to RTS, ACH4471922")
    )
    assert balance(entries, ADVANCES) == 0
    assert balance(entries, RECEIVABLE) == 0


# Lump sums: a combined deposit, named or found by its amount.

HARBOR = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  transfer-fee: 20.00 USD
  recourse-days: 90
  model: "loan"
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-03 * "Echo" "Load E-55120"
  invoice: "INV-2001"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-03-03 * "Echo" "Load E-55121"
  invoice: "INV-2002"
  Assets:Receivable:Echo       1500.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load CY-20931"
  invoice: "INV-2007"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-03-04 * "Harbor" "Schedule 7001" ^INV-2001 ^INV-2002 ^INV-2007
  factoring: "schedule"
  schedule: "7001"

2025-03-05 * "HARBOR CAPITAL" "ACH credit 1"
  Assets:Bank:Checking         4380.00 USD
  Assets:Factoring:Harbor:Clearing

2025-04-18 * "Echo" "Echo paid Harbor" ^INV-2001
  factoring: "collected"

2025-05-20 * "Echo" "Echo paid Harbor again" ^INV-2002
  factoring: "collected"

2025-05-30 * "Echo" "Load E-56001"
  invoice: "INV-2021"
  Assets:Receivable:Echo       2500.00 USD
  Income:Freight

2025-05-30 * "CHR" "Load E-56002"
  invoice: "INV-2022"
  Assets:Receivable:CHR        1200.00 USD
  Income:Freight

2025-06-03 * "Harbor" "Schedule 7002" ^INV-2021 ^INV-2022
  factoring: "schedule"
  schedule: "7002"

2025-06-03 * "Harbor" "Recourse INV-2007" ^INV-2007
  factoring: "chargeback"

2025-06-04 * "HARBOR CAPITAL" "ACH credit 2"
  Assets:Bank:Checking          570.00 USD
  Assets:Factoring:Harbor:Clearing

2025-06-06 * "HARBOR CAPITAL" "ACH credit 3"
  Assets:Bank:Checking          236.25 USD
  Assets:Factoring:Harbor:Reserve
"""

H_ADVANCES = "Liabilities:Factoring:Harbor:Advances"
H_CLEARING = "Assets:Factoring:Harbor:Clearing"
H_RESERVE = "Assets:Factoring:Harbor:Reserve"
H_FEES = "Expenses:Factoring:Harbor:Fees"


def test_deposits_that_name_nothing_are_matched_as_in_the_sale_model():
    # docs/ledger.md 6.7 under the loan model: the same open items, the same amounts.
    # March 5: schedule 7001, 800 + 1200 + 2400 - 20 = 4380. June 4: INV-2001's reserve
    # (200 - 27.50) - the chargeback of INV-2007 (3000 - 600 + 142.50) + schedule 7002
    # (2000 + 960) - 20 = 570. June 6: INV-2002's reserve, 300 - 63.75 = 236.25.
    entries, errors = load(HARBOR)
    assert errors == []
    first = txn(entries, "ACH credit 1")
    assert first.links == {"INV-2001", "INV-2002", "INV-2007", "sched-7001"}
    assert legs(first) == [
        ("Assets:Bank:Checking", D("4380.00"), None, None),
        (H_RESERVE, D("1100.00"), None, "reserve"),
        (H_FEES, D("20.00"), None, "transfer-fee"),
        (H_ADVANCES, D("-5500.00"), None, "face"),
    ]
    second = txn(entries, "ACH credit 2")
    assert second.links == {"INV-2001", "INV-2007", "INV-2021", "INV-2022", "sched-7002"}
    assert legs(second) == [
        ("Assets:Bank:Checking", D("570.00"), None, None),
        (H_CLEARING, D("2542.50"), "INV-2007", "chargeback"),
        (H_RESERVE, D("-200.00"), "INV-2001", "reserve-release"),
        (H_RESERVE, D("740.00"), None, "reserve"),
        (H_FEES, D("10.00"), "INV-2001", "late-fee"),
        (H_FEES, D("17.50"), "INV-2001", "discount-fee"),
        (H_FEES, D("20.00"), None, "transfer-fee"),
        (H_ADVANCES, D("-3700.00"), None, "face"),
    ]
    assert txn(entries, "ACH credit 3").links == {"INV-2002"}
    # What is left: INV-2007 is ours again (charged back, still on the receivable), the
    # invoices of schedule 7002 are pledged against their advances.
    assert balance(entries, H_ADVANCES) == D("-3700.00")
    assert balance(entries, "Assets:Receivable:TQL") == D("3000.00")
    assert balance(entries, "Assets:Receivable:Echo") == D("2500.00")
    assert balance(entries, "Assets:Receivable:CHR") == D("1200.00")
    assert balance(entries, H_CLEARING) == 0
    assert balance(entries, H_RESERVE) == D("740.00")


def test_a_combined_deposit_gives_the_same_cash_and_fees_in_both_models():
    found = {}
    for model in ("sale", "loan"):
        entries, errors = load(with_model(HARBOR, model))
        assert errors == []
        found[model] = totals(entries, "Assets:Bank:Checking", H_FEES, H_RESERVE, H_CLEARING)
    assert found["sale"] == found["loan"]


def test_fct102__an_ambiguous_deposit_is_refused_as_in_the_sale_model():
    # Two schedules worth the same: the deposit names nothing and fits both.
    text = (
        HARBOR.split("2025-03-05")[0]
        + """
2025-03-04 * "Echo" "Load E-55130"
  invoice: "INV-2003"
  Assets:Receivable:Echo       5500.00 USD
  Income:Freight

2025-03-04 * "Harbor" "Schedule 7003" ^INV-2003
  factoring: "schedule"
  schedule: "7003"

2025-03-05 * "HARBOR CAPITAL" "ACH credit 1"
  Assets:Bank:Checking         4380.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT102"]
    assert legs(txn(entries, "ACH credit 1")) == [
        ("Assets:Bank:Checking", D("4380.00"), None, None),
        (H_CLEARING, D("-4380.00"), None, None),
    ]
    assert balance(entries, H_ADVANCES) == 0


# Entry 9: one lump sum, split by the plugin (without its fuel-advance recoup).

ENTRY_9 = """
2024-11-01 open Assets:Bank:Checking
2024-11-01 open Assets:Receivable:Factored:TQL
2024-11-01 open Assets:Receivable:Factored:CHR
2024-11-01 open Assets:Receivable:Factored:QuickLane
2024-11-01 open Income:Freight:Linehaul

2024-11-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 2.5%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  model: "loan"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  transfer-fee-account: Expenses:Factoring:RTS:TransferFees
  advances: Liabilities:Factor:RTS:Advances

2024-12-02 * "QuickLane" "INV-0931"
  invoice: "INV-0931"
  Assets:Receivable:Factored:QuickLane   1250.00 USD
  Income:Freight:Linehaul

2024-12-03 * "RTS FINANCIAL" "Purchase INV-0931" ^INV-0931
  Assets:Bank:Checking                   1156.25 USD
  Assets:Factor:RTS:Clearing

2025-03-03 * "RTS Financial" "Chargeback INV-0931" ^INV-0931
  factoring: "chargeback"

2025-03-03 * "TQL" "INV-1001"
  invoice: "INV-1001"
  Assets:Receivable:Factored:TQL   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:Factored:TQL   2150.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1003"
  invoice: "INV-1003"
  Assets:Receivable:Factored:CHR   1850.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1004"
  invoice: "INV-1004"
  Assets:Receivable:Factored:CHR   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1005"
  invoice: "INV-1005"
  Assets:Receivable:Factored:CHR   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "RTS Financial" "Schedule 10452" ^INV-1001 ^INV-1002 ^INV-1003 ^INV-1004 ^INV-1005
  factoring: "schedule"
  schedule: "10452"

2025-03-04 * "RTS FINANCIAL" "Schedule 10452" ^sched-10452 ^INV-0931
  Assets:Bank:Checking                  8212.50 USD
  Assets:Factor:RTS:Clearing
"""


def test_domain_entry_9__one_lump_sum_under_the_loan_model():
    # Five invoices, $10,000 face: 9700 advance - 250 fee - 25 wire - 1212.50 chargeback
    # of INV-0931's advance = 8212.50 (entry 9's 7712.50 also recoups a $500 fuel advance).
    entries, errors = load(ENTRY_9, opens=False)
    assert errors == []
    lump = [e for e in entries if getattr(e, "narration", "") == "Schedule 10452"]
    deposit = next(e for e in lump if e.postings and e.postings[0].account == BANK)
    got = {}
    for posting in deposit.postings:
        got[posting.account] = got.get(posting.account, 0) + posting.units.number
    assert got == {
        BANK: D("8212.50"),
        DISCOUNT: D("250.00"),
        TRANSFER: D("25.00"),
        RESERVE: D("300.00"),
        CLEARING: D("1212.50"),  # The chargeback (Advances +1250 / Reserve -37.50) netted.
        ADVANCES: D("-10000.00"),  # One posting for the schedule, not two A/R legs.
    }
    assert [p.units.number for p in deposit.postings if p.account == ADVANCES] == [D("-10000.00")]
    # INV-0931's advance is repaid; the A/R stays, against QuickLane.
    assert balance(entries, ADVANCES) == D("-10000.00")
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Assets:Receivable:Factored:QuickLane") == D("1250.00")
    assert balance(entries, "Assets:Receivable:Factored:TQL") == D("4150.00")
    assert balance(entries, "Assets:Receivable:Factored:CHR") == D("5850.00")


def test_detail_invoice_writes_one_advances_posting_per_invoice():
    entries, errors = load(ENTRY_9, "{'detail': 'invoice'}", opens=False)
    assert errors == []
    deposit = next(
        e
        for e in entries
        if getattr(e, "narration", "") == "Schedule 10452"
        and e.postings
        and e.postings[0].account == BANK
    )
    advances = sorted(
        (p.meta["invoice"], p.units.number) for p in deposit.postings if p.account == ADVANCES
    )
    assert advances == [
        ("INV-1001", D("-2000.00")),
        ("INV-1002", D("-2150.00")),
        ("INV-1003", D("-1850.00")),
        ("INV-1004", D("-2000.00")),
        ("INV-1005", D("-2000.00")),
    ]


# Found by the property test of deposits that name nothing: three equal schedules and
# two deposits that each fit more than one of them. Both models refuse to guess
# (FCT102); the unfunded schedules stay where each model keeps them: on the clearing
# account when sold, on the receivable when pledged.
AMBIGUOUS = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.70
  fee: "flat 0.00%"
  recourse-days: 3650
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load INV-1001"
  invoice: "INV-1001"
  Assets:Receivable:TQL   100.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:TQL   100.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 10452" ^INV-1001
  factoring: "schedule"
  schedule: "10452"

2025-03-04 * "Summit" "Schedule 10453" ^INV-1002
  factoring: "schedule"
  schedule: "10453"

2025-03-04 * "SUMMIT FUNDING" "Deposit"
  Assets:Bank:Checking   70.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_an_ambiguous_deposit_leaves_each_model_its_unfunded_schedules():
    clearing, receivable = "Assets:Factoring:Summit:Clearing", "Assets:Receivable:TQL"
    advances = "Liabilities:Factoring:Summit:Advances"
    sale, sale_errors = load(AMBIGUOUS)
    loan, loan_errors = load(
        AMBIGUOUS.replace("  advance-rate", '  model: "loan"\n  advance-rate')
    )
    assert codes(sale_errors) == codes(loan_errors) == ["FCT102"]
    assert balance(sale, clearing) == D("130.00")  # 200.00 sold, 70.00 unallocated
    assert balance(sale, receivable) == D("0")
    assert balance(loan, clearing) == D("-70.00")
    assert balance(loan, receivable) == D("200.00")
    assert balance(loan, advances) == D("0")
    assert balance(sale, "Assets:Bank:Checking") == balance(loan, "Assets:Bank:Checking")
