"""The fee an agreement writes, as a bookkeeper copies it from the factor's rate sheet,
and the days it counts: each fee worked out by hand in the comments."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from beancount_factoring.terms.fees import parse_fee

from ledgers import codes, legs, load, txn

D = Decimal


def _ledger(fee: str, extra: str = "") -> str:
    """The agreement, flush left (the pieces of a ledger are put together unindented)."""
    extra = f"  {extra}\n" if extra else ""
    return (
        '\n2024-01-01 custom "factoring-agreement" "Summit"\n'
        f'  advance-rate: 0.90\n  fee: "{fee}"\n{extra}  recourse-days: 90\n'
        '  payee: "SUMMIT FUNDING"\n  bank: Assets:Bank:Checking\n'
    )


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # The day's letter in capitals, as the form may be ("Flat 2%"): 30 days.
        ("tiered 2%/30D + 0.5%/10D", ((D("0.02"), 30), (D("0.005"), 10))),
        ("Tiered 2%/30 Days + 0.5%/10 DAYS", ((D("0.02"), 30), (D("0.005"), 10))),
        # Spaces anywhere a hand puts them, a percentage written with a zero more.
        ("  flat   2.0 %  ", ((D("0.02"), 0),)),
        # A rate of 0% is a free program, read as written.
        ("flat 0%", ((D("0"), 0),)),
    ],
)
def test_fees_written_other_ways_read_right(text, terms):
    assert parse_fee(text).terms == terms


@pytest.mark.parametrize(
    ("text", "told"),
    [
        # The form after the rate: say to put it first.
        ("2% flat", "write the form first: 'flat 2%'"),
        ("0.5% daily", "write the form first: 'daily 0.5%'"),
        # A fraction where a percentage goes: 0.02 is 2% as a fraction.
        ("flat 0.02", "'2%' for 2%"),
        ("tiered 0.02/30d + 0.5%/10d", "'2%' for 2%"),
    ],
)
def test_fees_written_the_wrong_way_say_how_to_write_them(text, told):
    with pytest.raises(ValueError) as caught:
        parse_fee(text)
    assert told in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        # What factors write: a long first period, then short ones that cost less.
        "tiered 1.75%/30d + 0.5%/10d",
        "tiered 2%/30d + 1%/15d + 0.5%/10d",
        "tiered 1.5%/30d + 1%/30d",
        "tiered 2.5%/30d + 2%/30d",
        # A later tier dearer but shorter, or longer but no dearer: periods, as written.
        "tiered 1%/30d + 2%/10d",
        "tiered 2%/30d + 2%/60d",
    ],
)
def test_tiers_as_periods_read_as_written(text):
    assert parse_fee(text).form == "tiered"


# Summit advances 90% of INV-1 (1,000.00): 900.00, reserve 100.00; the whole fee is
# taken from the reserve at release: 2% for the first 30 days, 0.5% for each further
# 10 days or part of them. The rebate is 100.00 less the fee.
TIERED = _ledger("tiered 2%/30d + 0.5%/10d", 'fee-timing: "collection"')


@pytest.mark.parametrize(
    ("funded", "paid", "fee"),
    [
        # Paid the day it was funded: day 0, the first tier: 2% = 20.00.
        ("2028-02-01", "2028-02-01", "20.00"),
        # February 2028 has 29 days: 02-01 to 03-02 is 30 days, still 2%.
        ("2028-02-01", "2028-03-02", "20.00"),
        # 03-03 is day 31: 2% + 0.5% = 25.00.
        ("2028-02-01", "2028-03-03", "25.00"),
        # Across 29 February: 01-31 to 03-01 is 29 + 1 = 30 days: 20.00.
        ("2028-01-31", "2028-03-01", "20.00"),
        # Across a year end: 2027-12-15 to 2028-01-14 is 16 + 14 = 30 days, 01-15 is 31.
        ("2027-12-15", "2028-01-14", "20.00"),
        ("2027-12-15", "2028-01-15", "25.00"),
        # Day 40 is the last of the first 10-day period after 30: 25.00; day 41: 30.00.
        ("2028-03-01", "2028-04-10", "25.00"),
        ("2028-03-01", "2028-04-11", "30.00"),
    ],
)
def test_tiered_fee_on_its_boundary_days(funded, paid, fee):
    rebate = D("100.00") - D(fee)
    entries, errors = load(
        TIERED
        + textwrap.dedent(
            f"""
        2027-12-01 * "TQL" "Load 1"
          invoice: "INV-1"
          Assets:Receivable:TQL        1000.00 USD
          Income:Freight

        {funded} * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
          Assets:Bank:Checking          900.00 USD
          Assets:Factoring:Summit:Clearing

        {paid} * "TQL" "TQL paid Summit" ^INV-1
          factoring: "collected"

        2028-05-01 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
          Assets:Bank:Checking          {rebate} USD
          Assets:Factoring:Summit:Reserve
        """
        )
    )
    assert codes(errors) == []
    fees = sum(
        (n for a, n, _, part in legs(txn(entries, "Rebate INV-1")) if a.endswith(":Fees")), D(0)
    )
    assert fees == D(fee)


# Two invoices of 823.00 at a flat 1.5%: each fee is 12.345, 12.35 half-up, and the
# agreement rounds each invoice: 24.70 of fees, 1,481.40 - 24.70 = 1,456.70 of cash. A
# factor that rounds the schedule's total fee once takes 24.69 (half-up of 24.690) and
# sends 1,456.71: the cent is the rounding, and the message says so.
ROUNDED_ONCE = _ledger("flat 1.5%") + textwrap.dedent(
    """
    2025-01-02 * "TQL" "Load 1"
      invoice: "INV-1"
      Assets:Receivable:TQL        823.00 USD
      Income:Freight

    2025-01-02 * "TQL" "Load 2"
      invoice: "INV-2"
      Assets:Receivable:TQL        823.00 USD
      Income:Freight

    2025-01-03 * "SUMMIT FUNDING" "ACH" ^INV-1 ^INV-2
      Assets:Bank:Checking         1456.71 USD
      Assets:Factoring:Summit:Clearing
    """
)


def test_a_cent_of_rounding_on_a_deposit_says_what_it_is():
    _, errors = load(ROUNDED_ONCE)
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "difference +0.01 USD" in message
    assert "rounds each invoice's advance and fees to the cent" in message
    assert "tolerance" in message


def test_a_difference_of_more_than_rounding_says_nothing_of_rounding():
    _, errors = load(ROUNDED_ONCE.replace("1456.71 USD", "1456.90 USD"))
    assert codes(errors) == ["FCT120"]
    assert "rounds each invoice" not in errors[0].message


def test_a_cent_off_figures_that_need_no_rounding_says_nothing_of_rounding():
    # 1,000.00 at 90% and 1.5%: 900.00 - 15.00 = 885.00, all whole cents; 885.01 is
    # a cent off, but not the factor's rounding.
    ledger = ROUNDED_ONCE.replace("823.00 USD", "1000.00 USD").replace("1456.71", "1770.01")
    _, errors = load(ledger)
    assert codes(errors) == ["FCT120"]
    assert "difference +0.01 USD" in errors[0].message
    assert "rounds each invoice" not in errors[0].message


# A rate sheet's table of totals copied as tiers: 2% up to day 30, 3% (in all) up to day
# 60. Read as written, each tier adds: day 45 costs 2% + 3% = 5%, 50.00 on INV-1's
# 1,000.00. The factor charged the total, 3% = 30.00. At purchase both take 2% = 20.00:
# funding 900.00 - 20.00 = 880.00; the release: 100.00 - (50.00 - 20.00) = 70.00 as
# written, 100.00 - (30.00 - 20.00) = 90.00 as the factor reads its sheet.
def _totals(fee: str, rebate: str, timing: str = "purchase", paid: str = "2025-04-18") -> str:
    funded = "880.00" if timing == "purchase" else "900.00"
    return _ledger(fee, f'fee-timing: "{timing}"') + textwrap.dedent(
        f"""
        2025-03-01 * "TQL" "Load 1"
          invoice: "INV-1"
          Assets:Receivable:TQL        1000.00 USD
          Income:Freight

        2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
          Assets:Bank:Checking          {funded} USD
          Assets:Factoring:Summit:Clearing

        {paid} * "TQL" "TQL paid Summit" ^INV-1
          factoring: "collected"

        2025-04-25 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
          Assets:Bank:Checking          {rebate} USD
          Assets:Factoring:Summit:Reserve
        """
    )


@pytest.mark.parametrize(("timing", "rebate"), [("purchase", "90.00"), ("collection", "70.00")])
def test_a_factor_that_charged_the_tiers_as_totals_is_told_so(timing, rebate):
    # Under "collection" nothing is taken at funding: 100.00 - 50.00 = 50.00 as
    # written, 100.00 - 30.00 = 70.00 as totals.
    _, errors = load(_totals("tiered 2%/30d + 3%/60d", rebate, timing))
    assert codes(errors) == ["FCT140"]
    message = errors[0].message
    assert "difference +20.00 USD" in message
    assert "totals by days outstanding" in message
    # What the agreement reads, and what the factor's figure fits.
    assert "INV-1, 45 days: 5% as written, 3% as totals" in message
    assert 'fee: "tiered 2%/30d + 1%/30d"' in message


def test_totals_with_three_tiers_are_written_step_by_step():
    # 2% to day 30, 2.5% to day 45, 3% to day 60; INV-1 paid on day 50 (04-23). As
    # written, the second tier covers days 31-75: 2% + 2.5% = 4.5% (45.00); as totals,
    # 3% (30.00). Release: 100.00 - (30.00 - 20.00) = 90.00, where the agreement gives
    # 100.00 - (45.00 - 20.00) = 75.00.
    text = _totals("tiered 2%/30d + 2.5%/45d + 3%/60d", "90.00", paid="2025-04-23")
    _, errors = load(text)
    assert codes(errors) == ["FCT140"]
    assert "INV-1, 50 days: 4.5% as written, 3% as totals" in errors[0].message
    assert 'fee: "tiered 2%/30d + 0.5%/15d + 0.5%/15d"' in errors[0].message


def test_a_release_off_by_another_amount_says_nothing_of_totals():
    _, errors = load(_totals("tiered 2%/30d + 3%/60d", "85.00"))
    assert codes(errors) == ["FCT140"]
    assert "totals" not in errors[0].message


def test_tiers_that_are_periods_are_not_read_as_totals():
    # 1.5%/30d + 1%/30d (the rate falls): no totals reading; the release as written,
    # day 45: 2.5% = 25.00, 100.00 - (25.00 - 15.00) = 90.00, is booked; a release of
    # 95.00 is an error that says nothing of totals.
    assert load(_totals("tiered 1.5%/30d + 1%/30d", "90.00").replace("880.00", "885.00"))[1] == []
    _, errors = load(_totals("tiered 1.5%/30d + 1%/30d", "95.00").replace("880.00", "885.00"))
    assert codes(errors) == ["FCT140"]
    assert "totals" not in errors[0].message


def test_a_release_that_names_nothing_is_told_so_too():
    text = _totals("tiered 2%/30d + 3%/60d", "90.00").replace(
        ' "Rebate INV-1" ^INV-1', ' "Rebate"'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT101"]
    assert "INV-1, 45 days: 5% as written, 3% as totals" in errors[0].message
    assert 'fee: "tiered 2%/30d + 1%/30d"' in errors[0].message
