"""The sale and the loan model give the same cash, fees and reserve on the same events.

Every ledger of the tests of the rest of real factoring (fuel advances, credit losses,
fees apart from invoices, short pays, buyouts, several currencies, payments in parts and
short pays paid later, overpayments, disputes charged back) is loaded once as
written and once with every agreement under the other model: day by day, the bank, fee,
reserve, clearing, fuel-advance and accrued-fee accounts move alike, and neither model
reports an error the other does not.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import test_accruals
import test_buyout
import test_buyout_thin_reserve
import test_chargeback_rules
import test_credit_loss
import test_currencies
import test_deducted_fees
import test_fee_vat
import test_fuel_advances
import test_misdirected_payments
import test_other_fees
import test_partial_payments
import test_short_pays
from beancount.core import data

from ledgers import load

LEDGERS = {
    "fuel advance (entry 8)": (test_fuel_advances.RTS + test_fuel_advances.ENTRY_8, False),
    "lump sum with a fuel recoup (entry 9)": (
        test_fuel_advances.RTS + test_fuel_advances.ENTRY_9,
        False,
    ),
    "credit loss (entry 7)": (test_credit_loss.RTS, False),
    "short pay (entry 5)": (test_short_pays.RTS, True),
    "short pay from the funding": (
        test_short_pays.RTS.replace('  reason: "shortpay"', '  short-pay-from: "funding"'),
        True,
    ),
    "buyout (entry 10)": (test_buyout.LEDGER, True),
    "buyout with a thin reserve": (test_buyout_thin_reserve.THIN, True),
    "buyout paying the advance difference": (test_buyout_thin_reserve.PAID, True),
    "monthly minimum": (test_other_fees.NETTED_FEE, True),
    "two currencies": (test_currencies.LEDGER, True),
    "misdirected payment forwarded": (test_misdirected_payments.LEDGER, True),
    "misdirected payment netted": (test_misdirected_payments.LEDGER_NETTED, True),
    # With the month-end fee accruals on (a third item: the plugin's config).
    "accrued daily fee": (test_accruals.DAILY, True, test_accruals.ACCRUE),
    "accrued fee, chargeback": (test_accruals.CHARGEBACK, True, test_accruals.ACCRUE),
    "accrued fee, credit loss": (test_accruals.CREDIT_LOSS, True, test_accruals.ACCRUE),
    "accrued fee, buyout": (test_accruals.BUYOUT, True, test_accruals.ACCRUE),
    "VAT on the fees": (test_fee_vat.LEDGER, False),
    "payments in parts": (test_partial_payments.IN_TWO_PARTS, True),
    "a part, then a short last payment": (test_partial_payments.PART_THEN_SHORT, True),
    "a short pay paid later": (test_partial_payments.RECOVERED, True),
    "a wire fee deducted from the funding": (
        test_deducted_fees.SUMMIT + test_deducted_fees.deposit("1830.00"),
        True,
    ),
    "a short pay paid later, before the netting": (
        test_partial_payments.RECOVERED_BEFORE_NETTING,
        True,
    ),
    "a short pay from the funding paid later": (
        test_partial_payments.RECOVERED_FROM_FUNDING,
        True,
    ),
    "an overpayment owed to the customer": (test_chargeback_rules.OVERPAID, True),
    "a part paid to us, the rest to the factor": (test_partial_payments.PART_TO_US, True),
    "a part paid to us, the factor's report of the rest": (
        test_partial_payments.PART_TO_US_REPORTED,
        True,
    ),
    "a part paid to us, the rest charged back": (test_partial_payments.CHARGED_BACK_REST, True),
    "a deduction paid to us after a short pay": (test_partial_payments.SHORT_THEN_US, True),
    "paid to us twice": (
        test_misdirected_payments.SOLD
        + test_misdirected_payments.TWICE
        + test_misdirected_payments.FORWARD
        + test_misdirected_payments.COLLECTED
        + test_misdirected_payments.RELEASE,
        True,
    ),
    "accrued fee, paid to us": (test_accruals.PAID_TO_US, True, test_accruals.ACCRUE),
    "a dispute charged back early, netted": (
        test_chargeback_rules.SUMMIT
        + test_chargeback_rules.chargeback("2025-03-10", "broker-claim")
        + test_chargeback_rules.NEXT_DEPOSIT,
        True,
    ),
}
# Where the two models differ by design: the invoices' receivables and the advances; and,
# between a schedule and its funding, the clearing account (the sale model puts the sold
# face there), which must end the same.
DIFFER = re.compile(
    r"^(Assets:Receivable|Liabilities:Factor(ing)?:[^:]+(:[A-Z]{3})?:Advances|.*:Clearing$)"
)
CLEARING = re.compile(r".*:Clearing$")


def model(text: str, name: str) -> str:
    text = re.sub(r'\n  model: "(sale|loan)"', "", text)
    return re.sub(r'(custom "factoring-agreement" "[^"]*"\n)', rf'\1  model: "{name}"\n', text)


def day_totals(entries) -> dict[tuple, Decimal]:
    found: dict[tuple, Decimal] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            if DIFFER.match(posting.account):
                continue
            key = (entry.date, posting.account, posting.units.currency)
            found[key] = found.get(key, Decimal(0)) + posting.units.number
    return {key: value for key, value in found.items() if value}


@pytest.mark.parametrize("name", list(LEDGERS))
def test_both_models_move_cash_fees_and_reserve_alike(name):
    text, opens, *config = LEDGERS[name]
    sale, sale_errors = load(model(text, "sale"), *config, opens=opens)
    loan, loan_errors = load(model(text, "loan"), *config, opens=opens)
    assert [e.message for e in sale_errors] == [e.message for e in loan_errors] == []
    assert day_totals(sale) == day_totals(loan)
    assert clearing(sale) == clearing(loan)


def clearing(entries) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for entry in entries:
        for posting in getattr(entry, "postings", ()):
            if CLEARING.match(posting.account):
                key = (posting.account, posting.units.currency)
                found[key] = found.get(key, Decimal(0)) + posting.units.number
    return {key: value for key, value in found.items() if value}
