"""Chargebacks and credit losses written by hand from the factor's notice, and the
factor's recourse figure, for events that name more than one invoice."""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports.compute import compute

from ledgers import OPENS, balance, codes, load

D = Decimal
CLEARING = "Assets:Factoring:Harbor:Clearing"
FEES = "Expenses:Factoring:Harbor:Fees"

# Harbor advances 80% and takes a flat 2% at purchase: on each $1,000.00 invoice the
# advance is 800.00, the fee 20.00 (taken from the funding: 780.00 paid), the reserve
# 200.00. A chargeback after the 90 recourse-days owes the advance back: 1,000.00 -
# 200.00 reserve + 0.00 fee (all taken at purchase) = 800.00 per invoice.
HARBOR = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load one"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load two"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "HARBOR CAPITAL" "Advance" ^INV-1 ^INV-2
  Assets:Bank:Checking          1560.00 USD
  Assets:Factoring:Harbor:Clearing
"""

# The factor's notice: both invoices back, 1,600.03 owed (the agreement gives 1,600.00;
# within the 0.05 tolerance), the 0.03 written as a fee.
BOTH_BY_HAND = """
2025-06-02 * "Harbor" "Recourse INV-1 INV-2" ^INV-1 ^INV-2
  factoring: "chargeback"
  Assets:Receivable:TQL              2000.00 USD
  Assets:Factoring:Harbor:Reserve    -400.00 USD
  Assets:Factoring:Harbor:Clearing  -1600.03 USD
  Expenses:Factoring:Harbor:Fees        0.03 USD

2025-06-05 * "HARBOR CAPITAL" "Repaid" ^INV-1 ^INV-2
  Assets:Bank:Checking             -1600.03 USD
  Assets:Factoring:Harbor:Clearing
"""


def test_a_chargeback_of_two_invoices_written_with_the_factors_cent_is_netted_to_it():
    # Before: the repayment netted the agreement's 1,600.00 and booked the 0.03 to the
    # fees as rounding a second time, leaving -0.03 on the clearing account that no
    # open item explained, with no error from bean-check.
    # Now: the notice's 1,600.03 is what is owed; the repayment nets it exactly.
    entries, errors = load(HARBOR + BOTH_BY_HAND, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, CLEARING) == D("0.00")
    # 20.00 + 20.00 at purchase + the notice's 0.03, once.
    assert balance(entries, FEES) == D("40.03")


def test_the_factors_cent_on_two_invoices_stays_owed_until_both_are_netted():
    # The repayment of INV-1 alone nets 800.00; INV-2 then owes 800.03 (the notice's
    # cent is the last invoice's), and its repayment of 800.03 nets it exactly.
    text = BOTH_BY_HAND.replace(
        """2025-06-05 * "HARBOR CAPITAL" "Repaid" ^INV-1 ^INV-2
  Assets:Bank:Checking             -1600.03 USD""",
        """2025-06-05 * "HARBOR CAPITAL" "Repaid one" ^INV-1
  Assets:Bank:Checking              -800.00 USD
  Assets:Factoring:Harbor:Clearing

2025-06-06 * "HARBOR CAPITAL" "Repaid two" ^INV-2
  Assets:Bank:Checking              -800.03 USD""",
    )
    entries, errors = load(HARBOR + text, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, CLEARING) == D("0.00")
    assert balance(entries, FEES) == D("40.03")


# Non-recourse, tiered 2%/30d + 0.5%/10d at purchase (2% = 40.00 of $2,000.00 taken from
# the funding: 2,000.00 x 90% - 40.00 = 1,760.00). Written off on 2025-12-31, 243 days
# after the funding: 2% + 22 x 0.5% = 13% = 260.00; 220.00 still due, of which the
# 200.00 reserve covers 200.00 and 20.00 is owed on the clearing account. The factor's
# notice says 20.02.
PINECREST = """
2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.90
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load"
  invoice: "INV-1044"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-05-02 * "PINECREST CAPITAL" "ACH deposit" ^INV-1044
  Assets:Bank:Checking         1760.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-12-31 * "Pinecrest" "TQL insolvent" ^INV-1044
  factoring: "credit-loss"
  Assets:Factoring:Pinecrest:Reserve   -200.00 USD
  Expenses:Factoring:Pinecrest:Fees     220.02 USD
  Assets:Factoring:Pinecrest:Clearing   -20.02 USD

2026-01-05 * "PINECREST CAPITAL" "Fees owed" ^INV-1044
  Assets:Bank:Checking                  -20.02 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def test_a_credit_loss_written_with_the_factors_cent_is_netted_to_it():
    # Before: the payment netted the agreement's 20.00 and booked 0.02 more to the fees,
    # leaving -0.02 on the clearing account, with no error.
    entries, errors = load(PINECREST, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == D("0.00")
    # 40.00 at purchase + the notice's 220.02.
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == D("260.02")


SUMMIT_CAD = """
2025-01-01 custom "factoring-agreement" "Summit" "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load in CAD"
  invoice: "CA-1"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "Advance" ^CA-1
  Assets:Bank:Checking          870.00 CAD
  Assets:Factoring:Summit:CAD:Clearing
"""


def test_fct170__one_recourse_amount_for_invoices_in_two_currencies():
    # INV-1 owes 800.00 USD, CA-1 owes 1,000.00 - 100.00 = 900.00 CAD. Before: the
    # figures were added across currencies (1,700.00 "USD"), so recourse-amount:
    # 1700.00 USD passed with no word and 800.00 USD, the USD invoice's true figure,
    # was said to differ from 1,700.00 USD.
    for figure in ("1700.00", "800.00"):
        text = (
            HARBOR
            + SUMMIT_CAD
            + f"""
2025-06-02 * "Recourse" ^INV-1 ^CA-1
  factoring: "chargeback"
  recourse-amount: {figure} USD
"""
        )
        entries, errors = load(text)
        assert codes(errors) == ["FCT170"]
        message = errors[0].message
        assert "CA-1 (CAD), INV-1 (USD)" in message
        assert "one chargeback per currency" in message
        # The chargeback itself is booked, each invoice in its currency.
        assert balance(entries, CLEARING) == D("-800.00")
        assert balance(entries, "Assets:Factoring:Summit:CAD:Clearing") == D("-900.00")


SUMMIT_USD = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load three"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "Advance" ^INV-3
  Assets:Bank:Checking          870.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-02 * "Recourse" ^INV-1 ^INV-3
  factoring: "chargeback"
  recourse-amount: 1700.00 USD
"""


def test_fct170__one_recourse_amount_for_invoices_of_two_factors():
    # Harbor's INV-1 owes 800.00, Summit's INV-3 1,000.00 - 100.00 = 900.00: no one
    # factor's report says 1,700.00. Before: the sum passed with no word.
    entries, errors = load(HARBOR + SUMMIT_USD)
    assert codes(errors) == ["FCT170"]
    assert "INV-1 ('Harbor'), INV-3 ('Summit')" in errors[0].message
    assert "one chargeback per factor" in errors[0].message
    assert balance(entries, CLEARING) == D("-800.00")
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("-900.00")


def test_fct120__a_deposit_that_nets_a_chargeback_it_does_not_name_says_which():
    # INV-1 is charged back (800.00 owed); INV-3, 2,000.00 on schedule S9, is funded
    # less that chargeback: 1,600.00 - 40.00 - 800.00 = 760.00. The deposit names the
    # schedule only: 760.00 where the agreement gives 1,560.00, and the difference,
    # -800.00, is what INV-1 owes. Before: the message did not say so.
    text = (
        HARBOR
        + """
2025-06-02 * "Harbor" "Recourse INV-1" ^INV-1
  factoring: "chargeback"

2025-06-03 * "TQL" "Load three"
  invoice: "INV-3"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-06-03 * "Harbor" "Schedule S9" ^INV-3
  factoring: "schedule"
  schedule: "S9"

2025-06-10 * "HARBOR CAPITAL" "Advance less recourse"
  schedule: "S9"
  Assets:Bank:Checking          760.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    )
    # (INV-2, past its recourse-days, is FCT160: not the matter here.)
    _, errors = load(text, "{'disable': ['FCT160']}")
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "difference -800.00 USD" in message
    assert "The difference is the chargeback of INV-1 (800.00 USD), still to net" in message
    assert "link ^INV-1 on it" in message

    # INV-2 charged back too, owing as much: either may be the one netted.
    both = text.replace('"Recourse INV-1" ^INV-1', '"Recourse INV-1 INV-2" ^INV-1 ^INV-2')
    _, errors = load(both)
    assert codes(errors) == ["FCT120"]
    assert "what each of INV-1, INV-2 owes (800.00 USD), still to net" in errors[0].message


# Pinecrest again, written off on 2025-06-15, 44 days after the funding: 2% + 2 x 0.5%
# = 3% = 60.00, of which 40.00 was taken at purchase: 20.00 still due, taken from the
# 200.00 reserve, and 180.00 of it lost. The factor's notice takes 20.02 in fees, so
# 179.98 went to the credit-losses account (within the 0.05 tolerance: booked as written).
EARLY_LOSS = """
2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.90
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load"
  invoice: "INV-1044"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-05-01 * "TQL" "Load two"
  invoice: "INV-1045"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-05-02 * "PINECREST CAPITAL" "ACH deposit" ^INV-1044 ^INV-1045
  Assets:Bank:Checking         3520.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-06-15 * "Pinecrest" "TQL insolvent" ^INV-1044
  factoring: "credit-loss"
  Assets:Factoring:Pinecrest:Reserve          -200.00 USD
  Expenses:Factoring:Pinecrest:Fees             20.02 USD
  Expenses:Factoring:Pinecrest:CreditLosses    179.98 USD
"""
LOSSES = "Expenses:Factoring:Pinecrest:CreditLosses"


def _credit_losses(text: str):
    """The cost report's credit-loss rows for 2025, and the ledger's errors."""
    source = "plugin \"beancount_factoring.plugin\" \"{'tolerance': '0.05'}\"\n" + OPENS + text
    entries, errors, options = loader.load_string(source)
    report = compute(entries, options, errors).cost(
        as_of=datetime.date(2025, 12, 31), start=datetime.date(2025, 1, 1)
    )
    rows = [(d.count, d.amount, d.invoices) for d in report.deductions if d.kind == "credit loss"]
    return entries, errors, rows


def test_a_credit_loss_by_hand_is_reported_at_what_went_to_the_credit_losses_account():
    # Before: the cost report said 180.00, the agreement's figure, while the books
    # held the notice's 179.98 on the credit-losses account, with no word.
    entries, errors, rows = _credit_losses(EARLY_LOSS)
    assert errors == []
    assert balance(entries, LOSSES) == D("179.98")
    assert rows == [(1, D("179.98"), ("INV-1044",))]


def test_a_credit_loss_of_two_invoices_by_hand_gives_the_cents_to_the_last():
    # Both written off on one notice: 2 x 180.00 = 360.00 by the agreement, 359.98 by the
    # notice (fees 40.02). The report's total is the account's; the cents are the last
    # invoice's, as what a hand-written chargeback owes.
    text = EARLY_LOSS.replace(
        """^INV-1044
  factoring: "credit-loss"
  Assets:Factoring:Pinecrest:Reserve          -200.00 USD
  Expenses:Factoring:Pinecrest:Fees             20.02 USD
  Expenses:Factoring:Pinecrest:CreditLosses    179.98 USD""",
        """^INV-1044 ^INV-1045
  factoring: "credit-loss"
  Assets:Factoring:Pinecrest:Reserve          -400.00 USD
  Expenses:Factoring:Pinecrest:Fees             40.02 USD
  Expenses:Factoring:Pinecrest:CreditLosses    359.98 USD""",
    )
    entries, errors, rows = _credit_losses(text)
    assert errors == []
    assert balance(entries, LOSSES) == D("359.98")
    assert rows == [(2, D("359.98"), ("INV-1044", "INV-1045"))]
