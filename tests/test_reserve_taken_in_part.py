"""What a factor takes from the reserve of other invoices for part of a debt.

Summit advances 80% with a flat 2% fee at purchase. INV-1 (1,000.00) is funded 780.00
and holds 200.00; INV-2 (2,500.00) is funded 2,000.00 - 50.00 = 1,950.00 and holds
500.00. INV-1 is charged back on June 20: Receivable +1,000.00, Reserve -200.00,
Clearing -800.00 owed. Summit takes INV-2's whole reserve, 500.00, toward it
(Clearing +500.00, Reserve -500.00): the other 300.00 is still owed, and the next
deposit nets it: INV-3 (1,000.00, 780.00 funded) less 300.00 = 480.00.

Before, the part was ``FCT120`` (clearing expected 800.00, written 500.00), as was a
chargeback netted from the reserve and the rest paid from the bank in one entry, and a
short pay the reserve of its own invoice did not cover could not be taken this way at all.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, load, txn

D = Decimal
RESERVE = "Assets:Factoring:Summit:Reserve"
CLEARING = "Assets:Factoring:Summit:Clearing"
BANK = "Assets:Bank:Checking"

HEAD = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Summit:Clearing

2025-05-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        {face} USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         {funded} USD
  Assets:Factoring:Summit:Clearing
"""
# INV-2 of 2,500.00 (reserve 500.00), or of 5,000.00 (3,900.00 funded, reserve 1,000.00).
SMALL = HEAD.format(face="2500.00", funded="1950.00")
LARGE = HEAD.format(face="5000.00", funded="3900.00")

CHARGEBACK = """
2025-06-20 * "Summit" "Recourse INV-1" ^INV-1
  factoring: "chargeback"
"""
# INV-1 paid 700.00 of 1,000.00: 300.00 short, 200.00 of it from its own reserve and
# 100.00 owed on the clearing account.
SHORT_PAY = """
2025-06-20 * "TQL" "TQL short pays Summit" ^INV-1
  factoring: "collected"
  paid: 700.00 USD
  reason: "shortpay"
"""
TAKEN = """
2025-06-21 * "Summit" "Taken from reserve" ^INV-1
  Assets:Factoring:Summit:Clearing    {amount} USD
  Assets:Factoring:Summit:Reserve    -{amount} USD
"""
NEXT = """
2025-07-01 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-07-02 * "SUMMIT FUNDING" "ACH INV-3 less the rest" ^INV-3 ^INV-1
  Assets:Bank:Checking          {amount} USD
  Assets:Factoring:Summit:Clearing
"""
COLLECT_TWO = """
2025-07-10 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"
"""
RELEASE_TWO = """
2025-07-15 * "SUMMIT FUNDING" "Reserve release INV-2" ^INV-2
  Assets:Bank:Checking          {amount} USD
  Assets:Factoring:Summit:Clearing
"""


def reports(text: str):
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options_map = loader.load_string(textwrap.dedent(source))
    return compute(entries, options_map, errors)


def test_part_of_a_chargeback_from_the_reserve_leaves_the_rest_owed():
    entries, errors = load(SMALL + CHARGEBACK + TAKEN.format(amount="500.00"))
    assert errors == []
    assert txn(entries, "Taken from reserve").links == frozenset({"INV-1"})
    # Reserve: 200.00 + 500.00 held, 200.00 kept at the chargeback, 500.00 taken: 0.00.
    assert balance(entries, RESERVE) == 0
    # Clearing: -800.00 owed at the chargeback, +500.00 taken: 300.00 still owed.
    assert balance(entries, CLEARING) == D("-300.00")
    (factor,) = (
        reports(SMALL + CHARGEBACK + TAKEN.format(amount="500.00"))
        .reserve(as_of=datetime.date(2025, 6, 22))
        .factors
    )
    two = {line.invoice: line for line in factor.invoices}["INV-2"]
    assert (two.held, two.forfeited, two.forfeit_reason) == (0, D("500.00"), "chargeback")
    assert factor.unexplained == 0


def test_the_next_deposit_nets_the_rest():
    text = SMALL + CHARGEBACK + TAKEN.format(amount="500.00") + NEXT.format(amount="480.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == 0
    # INV-3's 200.00 is all the reserve holds.
    assert balance(entries, RESERVE) == D("200.00")
    assert balance(entries, BANK) == D("3210.00")  # 780.00 + 1,950.00 + 480.00
    # The whole chargeback again from that deposit is 500.00 too much.
    _, errors = load(
        SMALL + CHARGEBACK + TAKEN.format(amount="500.00") + NEXT.format(amount="-20.00")
    )
    assert "FCT120" in codes(errors)


def test_part_taken_where_the_reserve_held_more_releases_the_rest():
    # INV-2 holds 1,000.00; Summit takes 500.00 of it and nets the other 300.00 from the
    # next deposit: INV-2's release brings 500.00.
    text = (
        LARGE
        + CHARGEBACK
        + TAKEN.format(amount="500.00")
        + NEXT.format(amount="480.00")
        + COLLECT_TWO
        + RELEASE_TWO.format(amount="500.00")
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("200.00")  # INV-3's


def test_a_chargeback_from_the_reserve_and_the_bank_in_one_entry():
    # 500.00 from INV-2's reserve and 300.00 paid by you from the bank.
    taken = """
2025-06-21 * "Summit" "Taken from reserve and paid" ^INV-1
  Assets:Factoring:Summit:Clearing    800.00 USD
  Assets:Factoring:Summit:Reserve    -500.00 USD
  Assets:Bank:Checking               -300.00 USD
"""
    entries, errors = load(
        LARGE + CHARGEBACK + taken + COLLECT_TWO + RELEASE_TWO.format(amount="500.00")
    )
    assert errors == []
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == 0
    assert balance(entries, BANK) == D("4880.00")  # 780.00 + 3,900.00 - 300.00 + 500.00


def test_a_short_pay_the_reserve_did_not_cover_is_taken_from_another_reserve():
    # The 100.00 INV-1's reserve did not cover, taken from INV-2's 1,000.00: its release
    # brings 900.00.
    text = LARGE + SHORT_PAY + TAKEN.format(amount="100.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == 0
    # 200.00 + 1,000.00 held, 200.00 for the short pay, 100.00 taken.
    assert balance(entries, RESERVE) == D("900.00")
    entries, errors = load(text + COLLECT_TWO + RELEASE_TWO.format(amount="900.00"))
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    (factor,) = reports(text).reserve(as_of=datetime.date(2025, 6, 22)).factors
    two = {line.invoice: line for line in factor.invoices}["INV-2"]
    assert (two.held, two.forfeited, two.forfeit_reason) == (D("900.00"), D("100.00"), "short-pay")


def test_part_of_a_short_pay_from_another_reserve_and_the_rest_from_a_deposit():
    # 60.00 of the 100.00 from INV-2's reserve, 40.00 from INV-3's funding: 740.00.
    text = LARGE + SHORT_PAY + TAKEN.format(amount="60.00") + NEXT.format(amount="740.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("1140.00")  # INV-2's 940.00 and INV-3's 200.00


def test_more_than_the_other_invoices_hold_is_one_error_that_says_what_to_write():
    # INV-2 holds 500.00: the reserve cannot give 800.00 toward the chargeback.
    _, errors = load(SMALL + CHARGEBACK + TAKEN.format(amount="800.00"))
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "500.00 USD" in message and "INV-2" in message and "800.00" in message
    assert "Assets:Factoring:Summit:Reserve    -500.00 USD" in message
    assert "300.00 USD" in message


# Summit also buys in CAD under terms of their own (accounts Assets:Factoring:Summit:CAD:*):
# INV-C (5,000.00 CAD) is funded 3,900.00 CAD and holds 1,000.00 CAD.
CAD = """
2025-01-01 open Assets:Receivable:TQL-CAD

2025-01-01 custom "factoring-agreement" "Summit" "CAD"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load C"
  invoice: "INV-C"
  Assets:Receivable:TQL-CAD    5000.00 CAD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-C" ^INV-C
  Assets:Bank:Checking         3900.00 CAD
  Assets:Factoring:Summit:CAD:Clearing
"""
CAD_RESERVE = "Assets:Factoring:Summit:CAD:Reserve"
# Summit takes 700.00 CAD of INV-C's reserve toward INV-1's USD chargeback, converted
# at 500.00 USD: the other 300.00 USD stays owed.
FROM_CAD = """
2025-06-21 * "Summit" "Taken from the CAD reserve" ^INV-1
  Assets:Factoring:Summit:Clearing        500.00 USD
  Assets:Factoring:Summit:CAD:Reserve    -700.00 CAD @@ 500.00 USD
"""


def test_part_of_a_chargeback_from_the_reserve_of_another_currency():
    # Before, the CAD posting was read as cash from outside: 500.00 USD netted, and
    # INV-C still held 1,000.00 CAD while its account held 300.00 CAD, with no error
    # until INV-C's release (expected 1,000.00 CAD, received 300.00 CAD).
    text = SMALL + CAD + CHARGEBACK + FROM_CAD
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == D("-300.00")  # -800.00 + 500.00
    assert balance(entries, CAD_RESERVE) == D("300.00")  # 1,000.00 - 700.00
    release = """
2025-07-10 * "TQL" "TQL paid Summit" ^INV-C
  factoring: "collected"

2025-07-15 * "SUMMIT FUNDING" "Reserve release INV-C" ^INV-C
  Assets:Bank:Checking          300.00 CAD
  Assets:Factoring:Summit:CAD:Clearing
"""
    entries, errors = load(text + release)
    assert errors == []
    assert balance(entries, CAD_RESERVE) == 0
    (factor,) = [
        f
        for f in reports(text).reserve(as_of=datetime.date(2025, 6, 22)).factors
        if any(line.invoice == "INV-C" for line in f.invoices)
    ]
    line = {line.invoice: line for line in factor.invoices}["INV-C"]
    assert (line.held, line.forfeited) == (D("300.00"), D("700.00"))
