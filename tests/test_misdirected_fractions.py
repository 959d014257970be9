"""Cash a bank moved in fractions of a cent, outside a factor's deposit: one FCT134.

A deposit of ``930.004 USD`` was already FCT134 (``test_converted_deposits.py``). A
payment that reaches you for an invoice the factor holds (a misdirected payment), its
forward to the factor, a fuel advance or its repayment, and a fee paid from the bank
were booked with the fraction left on the bank in silence (it balances within
Beancount's tolerance), or said as something it is not. Each is now the same FCT134 on
the entry's line, naming the amount and its account, and is booked as for whole cents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import test_fuel_advances as fuel
from test_misdirected_payments import DUE, MISDIRECTED, SOLD, in_cad

from ledgers import balance, codes, legs, load, txn

D = Decimal
FIX = (
    "is not in whole cents: a bank moves whole cents; write the amount on the bank "
    "statement (written as arithmetic, work the sum out to the cent)"
)

# INV-1001 is 2,000.00 CAD, bought by Summit; TQL pays it to us in US dollars. The bank
# converts 2,000.00 CAD at 0.72: 1,440.00 USD. Written 1440.004 USD, the bank would hold
# a tenth of a cent that no bank moves (before: no error at all, the 0.004 balanced
# within Beancount's tolerance). Written unconverted as 2000.004 CAD, it read as 0.004
# beyond the face: an FCT133 overpay of "0.00 more".
PAID = """
2025-04-10 * "TQL" "TQL paid us for INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          {cash}
"""


@pytest.mark.parametrize(
    ("cash", "said"),
    [
        ("1440.004 USD @@ 2000.00 CAD", "1440.004 USD"),
        ("2000.004 CAD", "2000.004 CAD"),
        ("(6000.01 / 3) CAD", "2000.003333333333333333333333 CAD"),
    ],
    ids=["converted", "unconverted", "arithmetic"],
)
def test_a_misdirected_payment_in_fractions_of_a_cent_is_one_fct134(cash, said):
    text = in_cad(SOLD) + PAID.format(cash=cash)
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == (f"FCT134 This payment's {said} on Assets:Bank:Checking {FIX}")
    paid = txn(entries, "TQL paid us for INV-1001")
    assert errors[0].source["lineno"] == paid.meta["lineno"]
    # Booked as for whole cents: 2,000.00 CAD owed to Summit, not 2,000.004.
    assert balance(entries, DUE) == D("-2000.00")
    assert (DUE, D("-2000.00"), "INV-1001", "misdirected-payment") in legs(paid)


def test_a_misdirected_payment_in_whole_cents_is_still_booked_without_a_word():
    entries, errors = load(in_cad(SOLD) + PAID.format(cash="1440.00 USD @@ 2000.00 CAD"))
    assert errors == []
    assert balance(entries, DUE) == D("-2000.00")


# The forward of TQL's 2,000.00 to Summit: written 2000.004 (on either leg), the
# due-to-factor account kept 0.004 (2000.004 forwarded against 2000.00 owed) in silence.
@pytest.mark.parametrize(
    ("due", "bank", "said"),
    [
        ("2000.004 USD", "", "2000.004 USD on " + DUE),
        ("", "-2000.004 USD", "-2000.004 USD on Assets:Bank:Checking"),
        ("2000.00 USD", "-2000.004 USD", "-2000.004 USD on Assets:Bank:Checking"),
    ],
    ids=["due", "bank", "both"],
)
def test_a_forward_in_fractions_of_a_cent_is_fct134(due, bank, said):
    forward = f"""
2025-04-11 * "Summit" "Forward TQL's payment to Summit" ^INV-1001
  {DUE}   {due}
  Assets:Bank:Checking   {bank}
"""
    _, errors = load(SOLD + MISDIRECTED + forward)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == f"FCT134 This forward's {said} {FIX}"


# RTS advances 40% of a 2,000.00 load less its 2.5% fee: 800.00 - 20.00 = 780.00 in the
# bank. Written 780.004, the advance worked back from it rounded the fraction away
# (800.00, fee 20.00) with no word; a repayment of -800.004 was an FCT180 saying it
# "repays 800.00 USD, but the fuel advances open ... come to 800.00 USD".
@pytest.mark.parametrize(
    ("extra", "said"),
    [
        ("", "780.004 USD"),
        (
            """
2025-03-10 * "RTS FINANCIAL" "Fuel advance TQL-88412 wired back"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking         -800.004 USD
""",
            "-800.004 USD",
        ),
    ],
    ids=["advance", "repayment"],
)
def test_a_fuel_advance_in_fractions_of_a_cent_is_fct134(extra, said):
    entry = fuel.ENTRY_8
    if not extra:
        entry = entry.replace("780.00 USD", "780.004 USD")
    text = fuel.fee_account(fuel.RTS + entry + extra)
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == (
        f"FCT134 This fuel advance's {said} on Assets:Bank:Checking {FIX}"
    )
    # Refused, the cash is left on the factor's clearing account, as a refusal's is.
    assert balance(entries, "Assets:Factor:RTS:Clearing") == -D(said.split()[0])


# A fee Summit took by debiting the bank, 25.00: written -25.004, the fee was booked at
# 25.00 and the bank held the fraction in silence.
def test_a_fee_paid_from_the_bank_in_fractions_of_a_cent_is_fct134():
    fee = """
2025-03-20 * "Summit" "Wire fee" ^INV-1001
  factoring: "fee"
  charge: "other"
  amount: 25.00 USD
  Assets:Bank:Checking   {cash}
"""
    entries, errors = load(SOLD + fee.format(cash="-25.004 USD"))
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == f"FCT134 This fee's -25.004 USD on Assets:Bank:Checking {FIX}"
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("40.00") + D("25.00")
    _, errors = load(SOLD + fee.format(cash="-25.00 USD"))
    assert errors == []


# Summit charges INV-1001 back (2,000.00 unpaid less the 100.00 reserve held: 1,900.00
# owed), and we wire it back: -1900.004 was FCT134 already, as any deposit is.
def test_a_chargeback_repaid_in_fractions_of_a_cent_is_fct134():
    repay = """
2025-06-05 * "Summit" "Chargeback INV-1001" ^INV-1001
  factoring: "chargeback"

2025-06-06 * "SUMMIT FUNDING" "Repay chargeback" ^INV-1001
  Assets:Bank:Checking   -1900.004 USD
  Assets:Factoring:Summit:Clearing
"""
    _, errors = load(SOLD + repay)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == f"FCT134 This deposit's cash -1900.004 USD {FIX}"
