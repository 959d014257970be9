"""A monthly minimum of a month the factor's agreement covers in part.

An agreement that starts on March 15, new terms from March 16, a factor bought out on
March 11: the month's minimum is the whole minimum (``part-month-minimum: "full"``, the
default, as the factor's month is its month) or prorated by the days of the month each
agreement was in force (``"prorated"``), as the contract says. Either way the FCT190
of a factor's figure that differs says what the agreement gives and how it was worked
out, and, when the month was a part month under "full", what "prorated" would give.

Summit: monthly-minimum-volume 10,000.00, volume-shortfall-fee 1%, flat 2% at 95%.
INV-1 (2,000.00) is funded on 2025-03-17: 1,900.00 - 40.00 = 1,860.00.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
FEES = "Expenses:Factoring:Summit:Fees"


def _summit(date: str = "2025-03-15", extra: str = "", minimum: str = "10000.00") -> str:
    return f"""
{date} custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: {minimum} USD
  volume-shortfall-fee: "1%"
{extra}  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


MARCH = """
2025-03-16 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-17 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking   1860.00 USD
  Assets:Factoring:Summit:Clearing
"""


def _minimum(amount: str = "", charge: str = "minimum-volume") -> str:
    given = f"  amount: {amount} USD\n" if amount else ""
    return f"""
2025-04-01 * "Summit" "March minimum"
  factoring: "fee"
  charge: "{charge}"
{given}"""


def _charged(entries) -> Decimal:
    return sum((n for a, n, _, _ in legs(txn(entries, "March minimum")) if a == FEES), D(0))


PRORATED = '  part-month-minimum: "prorated"\n'


def test_a_first_part_month_owes_the_whole_minimum_by_default():
    # 10,000.00 - 2,000.00 = 8,000.00 short: 1% = 80.00, as for a whole month.
    entries, errors = load(_summit() + MARCH + _minimum())
    assert errors == []
    assert _charged(entries) == D("80.00")


def test_a_factor_that_prorated_the_first_month_is_told_how_the_books_work_it_out():
    # The factor prorated: 10,000.00 x 17/31 (March 15-31) = 5,483.87; short 3,483.87;
    # 1% = 34.84. Under "full" the books expect 80.00: FCT190 says why, and what
    # "prorated" gives.
    entries, errors = load(_summit() + MARCH + _minimum("34.84"))
    assert codes(errors) == ["FCT190"]
    message = errors[0].message
    assert "charges 80.00 USD (difference -45.16)" in message
    assert "short of the minimum volume of 10,000.00" in message
    assert "'Summit' had no agreement before 2025-03-15" in message
    assert 'part-month-minimum: "full"' in message
    assert 'part-month-minimum: "prorated"' in message
    assert "34.84 USD" in message
    # The factor's figure is booked.
    assert _charged(entries) == D("34.84")


def test_a_prorated_first_month():
    entries, errors = load(_summit(extra=PRORATED) + MARCH + _minimum())
    assert errors == []
    assert _charged(entries) == D("34.84")
    # The factor's own figure agrees; a full month's does not, and the message says how.
    assert load(_summit(extra=PRORATED) + MARCH + _minimum("34.84"))[1] == []
    _, errors = load(_summit(extra=PRORATED) + MARCH + _minimum("80.00"))
    assert codes(errors) == ["FCT190"]
    message = errors[0].message
    assert "short of the minimum volume of 5,483.87" in message
    assert "10,000.00 for 17 of 31 days (from 2025-03-15)" in message
    assert 'part-month-minimum: "prorated"' in message


def test_a_whole_month_is_not_prorated():
    # An agreement from March 1: the prorating key changes nothing (80.00).
    text = _summit("2025-03-01", PRORATED) + MARCH + _minimum()
    entries, errors = load(text)
    assert errors == []
    assert _charged(entries) == D("80.00")
    # Nor is the message of a whole month's FCT190 any longer.
    _, errors = load(_summit("2025-03-01") + MARCH + _minimum("70.00"))
    assert codes(errors) == ["FCT190"]
    assert "part-month" not in errors[0].message


# New terms from March 16 raise the minimum to 20,000.00.
CHANGED = _summit("2025-01-01") + _summit("2025-03-16", minimum="20000.00")


def test_terms_changed_mid_month_charge_the_month_end_terms_by_default():
    # 20,000.00 - 2,000.00 = 18,000.00 short: 180.00, under the terms of March 31.
    entries, errors = load(CHANGED + MARCH + _minimum())
    assert errors == []
    assert _charged(entries) == D("180.00")
    _, errors = load(CHANGED + MARCH + _minimum("131.61"))
    assert codes(errors) == ["FCT190"]
    message = errors[0].message
    assert "the terms of 2025-03-16, in force on the month's last day" in message
    assert "those of 2025-01-01 set 10,000.00 before" in message
    assert "131.61 USD" in message


def test_terms_changed_mid_month_prorated():
    # 15 days at 10,000.00 and 16 at 20,000.00: (150,000.00 + 320,000.00) / 31 =
    # 15,161.29; short 13,161.29; 1% (the month-end terms' rule) = 131.61.
    text = CHANGED.replace("  recourse-days: 90\n", PRORATED + "  recourse-days: 90\n")
    entries, errors = load(text + MARCH + _minimum())
    assert errors == []
    assert _charged(entries) == D("131.61")
    _, errors = load(text + MARCH + _minimum("180.00"))
    assert codes(errors) == ["FCT190"]
    message = errors[0].message
    assert "short of the minimum volume of 15,161.29" in message
    assert "10,000.00 for 15 days (2025-01-01) and 20,000.00 for 16 (2025-03-16), of 31" in (
        message
    )


def test_a_prorated_monthly_minimum_fee():
    # 100.00 x 17/31 = 54.84; March's discount fees 40.00: 14.84 due.
    text = (
        _summit(extra=PRORATED)
        .replace('  monthly-minimum-volume: 10000.00 USD\n  volume-shortfall-fee: "1%"\n', "")
        .replace("  recourse-days", "  monthly-minimum-fee: 100.00 USD\n  recourse-days")
    )
    entries, errors = load(text + MARCH + _minimum(charge="monthly-minimum-fee"))
    assert errors == []
    assert _charged(entries) == D("14.84")


# Lakeshore, prorated, is bought out by Pinecrest on March 11: its month ends that day.
BOUGHT_OUT = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  part-month-minimum: "prorated"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-04 * "LAKESHORE" "ACH" ^INV-1
  Assets:Bank:Checking   1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-03-11 * "Pinecrest" "Buyout of Lakeshore"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-04-01 * "Lakeshore" "March minimum"
  factoring: "fee"
  factor: "Lakeshore"
  charge: "minimum-volume"
"""


def test_a_factor_bought_out_mid_month_prorates_to_the_buyout():
    # March 1-11: 10,000.00 x 11/31 = 3,548.39; short 1,548.39; 1% = 15.48.
    entries, errors = load(BOUGHT_OUT)
    assert errors == []
    lakeshore = "Expenses:Factoring:Lakeshore:Fees"
    charged = [n for a, n, _, _ in legs(txn(entries, "March minimum")) if a == lakeshore]
    assert charged == [D("15.48")]
    # By default (full): 10,000.00 - 2,000.00 = 8,000.00 short, 80.00.
    entries, errors = load(BOUGHT_OUT.replace('  part-month-minimum: "prorated"\n', ""))
    assert errors == []
    assert balance(entries, lakeshore) == D("40.00") + D("80.00")


@pytest.mark.parametrize("value", ['"half"', '"Prorated "', "1"])
def test_fct110__a_part_month_rule_that_cannot_be_read(value):
    _, errors = load(_summit(extra=f"  part-month-minimum: {value}\n"))
    assert codes(errors) == ["FCT110"]
    assert "part-month-minimum" in errors[0].message
