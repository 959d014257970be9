"""The other fees of a factoring agreement: transfer rails, minimums, per-invoice fees.

Each fee is an agreement key, and each is audited: a deposit that pays a
different amount is an FCT120 error, a monthly charge that differs from the
agreement an FCT190.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
BANK = "Assets:Bank:Checking"
CLEARING = "Assets:Factoring:Summit:Clearing"
FEES = "Expenses:Factoring:Summit:Fees"

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 0.00 USD
  wire-fee: 25.00 USD
  same-day-fee: 15.00 USD
  invoice-fee: 5.00 USD
  minimum-fee: 10.00 USD
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:CHR    300.00 USD
  Income:Freight
"""


@pytest.mark.parametrize(
    ("rail", "cash", "fee"),
    [("", "1855.00", None), ("wire", "1830.00", "25.00"), ("same-day", "1840.00", "15.00")],
)
def test_the_transfer_fee_is_the_one_of_the_deposits_rail(rail, cash, fee):
    # 1900.00 advance - 40.00 fee (2%) - 5.00 invoice fee = 1855.00, less the rail's fee.
    meta = f'  transfer: "{rail}"\n' if rail else ""
    text = (
        SUMMIT
        + f"""
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1001
{meta}  Assets:Bank:Checking   {cash} USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    transfer = [n for a, n, _, part in legs(txn(entries, "Deposit")) if part == "transfer-fee"]
    assert transfer == ([D(fee)] if fee else [])


def test_a_deposit_that_names_nothing_is_matched_with_its_rails_fee():
    text = (
        SUMMIT
        + """
2025-03-03 * "Summit" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"

2025-03-04 * "SUMMIT FUNDING" "Wire"
  transfer: "wire"
  Assets:Bank:Checking   1830.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert "sched-7" in txn(entries, "Wire").links


def test_fct134__an_unknown_transfer_rail():
    text = (
        SUMMIT
        + """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1001
  transfer: "pigeon"
  Assets:Bank:Checking   1855.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "transfer: 'pigeon' is not one of 'ach', 'wire', 'same-day'" in errors[0].message


def test_the_minimum_fee_per_invoice():
    # 2% of 300.00 is 6.00, less than the minimum of 10.00:
    # 285.00 advance - 10.00 - 5.00 invoice fee = 270.00.
    text = (
        SUMMIT
        + """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1002
  Assets:Bank:Checking   270.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert (FEES, D("10.00"), "INV-1002", "discount-fee") in legs(txn(entries, "Deposit"))


def test_fct120__a_deposit_that_ignores_the_minimum_fee():
    text = (
        SUMMIT
        + """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1002
  Assets:Bank:Checking   274.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT120"]
    assert "expected 270.00 USD (advances 285.00 - discount fees 10.00" in errors[0].message


def test_the_minimum_fee_applies_to_a_time_based_fee_at_collection():
    # 0.5% per 10 days from collection: 300.00 paid in 12 days is 1% = 3.00 < 10.00.
    text = (
        SUMMIT.replace('fee: "flat 2%"', 'fee: "tiered 0.5%/10d"\n  fee-timing: "collection"')
        + """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1002
  Assets:Bank:Checking   280.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-16 * "CHR" "Paid" ^INV-1002
  factoring: "collected"

2025-03-20 * "SUMMIT FUNDING" "Rebate" ^INV-1002
  Assets:Bank:Checking     5.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, FEES) == D("15.00")  # 5.00 invoice fee + 10.00 minimum


MONTH = """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1001
  Assets:Bank:Checking   1855.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_the_monthly_minimum_volume_fee_is_worked_out_and_netted():
    # March funded 2,000.00 of a 10,000.00 minimum: 1% of the 8,000.00 shortfall = 80.00,
    # netted from April's deposit: 1855.00 - 80.00 = 1775.00.
    text = (
        SUMMIT
        + MONTH
        + """
2025-04-01 * "Summit" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"

2025-04-02 * "CHR" "Load 3"
  invoice: "INV-1003"
  Assets:Receivable:CHR   2000.00 USD
  Income:Freight

2025-04-03 * "SUMMIT FUNDING" "April deposit" ^INV-1003
  Assets:Bank:Checking   1775.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(
        text.replace("^INV-1003\n", "^INV-1003 ^fee-2025-04-01-minimum-volume\n")
    )
    assert errors == []
    fee = txn(entries, "Minimum volume, March")
    assert legs(fee) == [
        (CLEARING, D("-80.00"), None, "minimum-volume-fee"),
        (FEES, D("80.00"), None, "minimum-volume-fee"),
    ]
    assert fee.links == {"fee-2025-04-01-minimum-volume"}
    assert (CLEARING, D("80.00"), None, "minimum-volume-fee") in legs(
        txn(entries, "April deposit")
    )
    assert balance(entries, CLEARING) == 0


# March's minimum volume fee, and a deposit naming nothing that nets it by its amount.
NETTED_FEE = (
    SUMMIT
    + MONTH
    + """
2025-04-01 * "Summit" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"

2025-04-03 * "SUMMIT FUNDING" "Takes the fee from the reserve"
  Assets:Bank:Checking   -80.00 USD
  Assets:Factoring:Summit:Clearing
"""
)


def test_a_deposit_that_names_nothing_nets_the_monthly_fee_by_its_amount():
    text = NETTED_FEE
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, CLEARING) == 0


def test_fct190__the_factor_charges_another_amount():
    text = (
        SUMMIT
        + MONTH
        + """
2025-04-01 * "Summit" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"
  amount: 100.00 USD
"""
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT190"]
    assert (
        "2,000.00 USD funded in 2025-03 is 8,000.00 short of the minimum volume of 10,000.00"
        in errors[0].message
    )
    assert "charges 80.00 USD (difference +20.00)" in errors[0].message
    # The factor's figure is what the books show.
    assert balance(entries, FEES) == D("100.00") + D("45.00")


def test_fct190__a_month_that_met_the_minimum():
    text = (
        SUMMIT.replace("10000.00 USD", "1000.00 USD")
        + MONTH
        + """
2025-04-01 * "Summit" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"
  amount: 50.00 USD
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT190"]
    assert "meets the minimum volume of 1,000.00" in errors[0].message


def test_the_monthly_minimum_fee():
    # March's discount fees: 40.00 on INV-1001; a 100.00 monthly minimum charges 60.00.
    text = (
        SUMMIT.replace(
            '  monthly-minimum-volume: 10000.00 USD\n  volume-shortfall-fee: "1%"\n',
            "  monthly-minimum-fee: 100.00 USD\n",
        )
        + MONTH
        + """
2025-04-01 * "Summit" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  Assets:Bank:Checking   -60.00 USD
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Minimum fee, March")) == [
        (BANK, D("-60.00"), None, None),
        (FEES, D("60.00"), None, "minimum-fee"),
    ]
    assert balance(entries, CLEARING) == 0


def test_another_fee_is_booked_as_the_factor_charges_it():
    text = (
        SUMMIT
        + """
2025-03-10 * "Summit" "UCC filing"
  factoring: "fee"
  charge: "other"
  amount: 75.00 USD
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, FEES) == D("75.00")
    assert balance(entries, CLEARING) == D("-75.00")


@pytest.mark.parametrize(
    ("meta", "message"),
    [
        ('  charge: "teaser"\n', "charge: 'teaser' is not one of"),
        ('  charge: "other"\n', 'charge: "other" needs the fee the factor charged'),
        ('  charge: "minimum-volume"\n  period: "March"\n', "period: 'March' must be a month"),
        # "$" would match before the newline: the period is matched whole.
        ('  charge: "minimum-volume"\n  period: "2025-03\\n"\n', "must be a month"),
        ('  charge: "monthly-minimum-fee"\n', "has no monthly-minimum-fee"),
    ],
)
def test_fct134__a_fee_event_that_cannot_be_read(meta, message):
    text = (
        SUMMIT
        + f"""
2025-04-01 * "Summit" "Fee"
  factoring: "fee"
{meta}"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert message in errors[0].message


@pytest.mark.parametrize("charge", ["other", "wire"])
def test_fct134__a_fee_given_as_a_negative_amount(charge):
    # Booked as given, -30.00 was a fee the factor owes (Fees -30.00, Clearing +30.00),
    # with no word until a later deposit failed to match it. Now nothing is booked.
    text = (
        SUMMIT
        + f"""
2025-04-01 * "Summit" "Fee"
  factoring: "fee"
  charge: "{charge}"
  amount: -30.00 USD
"""
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert (
        "amount: -30.00 USD is negative; give the fee the factor charged as a positive "
        "amount, like amount: 30.00 USD. A fee the factor refunds is not a fee event: book "
        "the refund as a transaction of your own that credits the agreement's fees account"
    ) in errors[0].message
    assert balance(entries, FEES) == balance(entries, CLEARING) == 0


@pytest.mark.parametrize("charge", ["other", "wire", "minimum-volume"])
def test_fct134__a_fee_given_in_a_fraction_of_a_cent(charge):
    # Booked as given, 30.005 went to the fees and clearing accounts; a deposit of 900.00
    # (950.00 advanced - 20.00 - 30.005 = 899.995) was then an FCT120 "difference +0.00",
    # or, with a tolerance, its half cent booked as rounding. Now nothing is booked.
    text = (
        SUMMIT
        + f"""
2025-04-01 * "Summit" "Fee"
  factoring: "fee"
  charge: "{charge}"
  amount: 30.005 USD
"""
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "amount: 30.005 USD is not in whole cents" in errors[0].message
    assert balance(entries, FEES) == balance(entries, CLEARING) == 0


# Summit's March: a 50,000.00 minimum volume at 1% of the shortfall and a 500.00 least
# total of discount fees; V1 and V2 (10,000.00 each, 2% = 200.00 each) funded on 03-30
# and on 03-31, the month's last day.
LAST_DAY = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  monthly-minimum-volume: 50000.00 USD
  volume-shortfall-fee: "1%"
  monthly-minimum-fee: 500.00 USD
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-30 * "TQL" "Load 1"
  invoice: "V1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-03-30 * "TQL" "Load 2"
  invoice: "V2"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-03-30 * "SUMMIT FUNDING" "ACH V1" ^V1
  Assets:Bank:Checking   8800.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-31 * "SUMMIT FUNDING" "ACH V2" ^V2
  Assets:Bank:Checking   8800.00 USD
  Assets:Factoring:Summit:Clearing

{date} * "Summit" "March volume shortfall"
  factoring: "fee"
  charge: "minimum-volume"
  period: "{period}"

{date} * "Summit" "March minimum fee"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  period: "{period}"
"""


@pytest.mark.parametrize("date", ["2025-04-01", "2025-03-31"])
def test_a_monthly_minimum_charged_after_its_month_or_on_its_last_day(date):
    # Volume 10,000.00 + 10,000.00 = 20,000.00: 1% of the 30,000.00 shortfall = 300.00.
    # Discount fees 200.00 + 200.00 = 400.00 of the 500.00 minimum: 100.00. Dated the
    # month's last day (a month-end statement), the fees come after that day's funding of
    # V2, whatever their place in the file: the same figures.
    entries, errors = load(LAST_DAY.format(date=date, period="2025-03"))
    assert errors == []
    assert legs(txn(entries, "March volume shortfall")) == [
        (CLEARING, D("-300.00"), None, "minimum-volume-fee"),
        (FEES, D("300.00"), None, "minimum-volume-fee"),
    ]
    assert legs(txn(entries, "March minimum fee")) == [
        (CLEARING, D("-100.00"), None, "minimum-fee"),
        (FEES, D("100.00"), None, "minimum-fee"),
    ]


@pytest.mark.parametrize(
    ("date", "period", "last"),
    [("2025-03-30", "2025-03", "2025-03-31"), ("2025-04-01", "2025-04", "2025-04-30")],
)
def test_fct134__a_monthly_minimum_charged_before_its_month_is_over(date, period, last):
    # Dated 03-30 for March, the fees would run before V2's funding of 03-31 and book
    # 1% of (50,000.00 - 10,000.00) = 400.00 and 500.00 - 200.00 = 300.00 (dated 04-01
    # for April, before all of April). Each is refused: only the discount fees are
    # booked, 200.00 + 200.00 = 400.00.
    entries, errors = load(LAST_DAY.format(date=date, period=period))
    assert codes(errors) == ["FCT134", "FCT134"]
    for kind, error in zip(("minimum-volume", "monthly-minimum-fee"), errors, strict=True):
        assert (
            f'This {kind} fee is for period: "{period}", but it is dated {date}, before the '
            f"month is over: what {period} funds on or after {date} would be left out. Date "
            f"it the month's last business day ({last}) or the day the factor charged it "
            "after the month ended"
        ) in error.message
    assert balance(entries, FEES) == D("400.00")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("  monthly-minimum-volume: 5000.00 USD\n", "needs the fee charged on a shortfall"),
        ('  volume-shortfall-fee: "1%"\n', "give monthly-minimum-volume too"),
        ('  fuel-advance-fee: "2.5"\n', "cannot read '2.5'"),
        ("  wire-fee: 25.00\n", "must be an amount with a currency"),
        ('  currency: "CAD"\n  wire-fee: 25.00 USD\n', "is not in the agreement's currency CAD"),
        # The fixed part of a fee given as text, in another currency than it can apply
        # to: it was left out of every charge without a word (1% of the shortfall alone).
        (
            '  monthly-minimum-volume: 10000.00 USD\n  volume-shortfall-fee: "1% + 100.00 CAD"\n',
            '"1% + 100.00 CAD" charges 100.00 CAD on a shortfall of monthly-minimum-volume: '
            "10000.00 USD; give the fee in USD",
        ),
        (
            '  currency: "USD"\n  fuel-advance-fee: "1.5% + 15.00 CAD"\n',
            "charges 15.00 CAD, not in the agreement's currency USD",
        ),
        (
            '  currency: "USD"\n  buyout-fee: "0.5% + 50.00 CAD"\n',
            "charges 50.00 CAD, not in the agreement's currency USD",
        ),
    ],
)
def test_fct110__fee_keys_that_cannot_be_read(keys, message):
    text = f"""
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
{keys}"""
    _, errors = load(text)
    assert codes(errors) == ["FCT110"]
    assert message in errors[0].message


def test_a_free_wire_is_a_wire_fee_of_zero():
    # Found by fuzzing: wire-fee: 0.00 USD was taken for "no wire fee given", and the
    # ACH transfer fee charged instead.
    text = (
        SUMMIT.replace("wire-fee: 25.00 USD", "wire-fee: 0.00 USD").replace(
            "transfer-fee: 0.00 USD", "transfer-fee: 15.00 USD"
        )
        + """
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1001
  transfer: "wire"
  Assets:Bank:Checking   1855.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert errors == []


TWO_FEES_OF_A_DAY = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-03-01 * "Summit" "UCC filing"{ucc}
  factoring: "fee"
  charge: "other"
  amount: 50.00 USD

2025-03-01 * "Summit" "Credit check"{check}
  factoring: "fee"
  charge: "other"
  amount: 25.00 USD

2025-03-04 * "Summit" "Pays the credit check" {pays}
  Assets:Bank:Checking         -25.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_two_fees_of_a_day_and_kind_each_need_their_own_link():
    # Both would be fee-2025-03-01-other: the deposit of 25.00 naming it could not tell
    # them apart (and one of them dropped out of the open items). The second is FCT134.
    text = TWO_FEES_OF_A_DAY.format(ucc="", check="", pays="^fee-2025-03-01-other")
    _, errors = load(text)
    assert codes(errors)[0] == "FCT134"
    assert "This fee's link fee-2025-03-01-other is another fee event's too" in (errors[0].message)
    # Each with its own link: the credit check is netted, the filing still owed (50.00).
    text = TWO_FEES_OF_A_DAY.format(
        ucc=" ^fee-2025-03-01-ucc", check=" ^fee-2025-03-01-check", pays="^fee-2025-03-01-check"
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == Decimal("-50.00")


@pytest.mark.parametrize(("rail", "key"), [("wire", "wire-fee"), ("same-day", "same-day-fee")])
def test_a_rail_fee_in_another_currency_names_its_own_key(rail, key):
    # The wire (or same-day) fee in CAD on a deposit funding USD invoices: it cannot apply,
    # and the error names the key that gives it (not transfer-fee).
    written = {"wire-fee": "25.00 USD", "same-day-fee": "15.00 USD"}[key]
    terms = SUMMIT.replace(f"  {key}: {written}", f"  {key}: 25.00 CAD")
    text = (
        terms
        + f"""
2025-03-04 * "SUMMIT FUNDING" "Deposit" ^INV-1001
  transfer: "{rail}"
  Assets:Bank:Checking   1830.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert f"gives {key}: 25.00 CAD, but this deposit funds invoices in USD" in errors[0].message


MONTH_END = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-31 * "Summit" "Minimum volume fee, March"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-03"

2025-03-28 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-03-31 * "Summit" "Schedule 10460" ^INV-1002
  factoring: "schedule"
  schedule: "10460"

2025-03-31 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking         2790.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-03 * "TQL" "Load 3"
  invoice: "INV-1003"
  Assets:Receivable:TQL        8000.00 USD
  Income:Freight

2025-04-03 * "SUMMIT FUNDING" "ACH deposit" ^INV-1003 ^fee-2025-03-31-minimum-volume
  Assets:Bank:Checking         7390.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_month_end_minimum_comes_after_the_days_unnamed_deposit():
    # Dated March 31, the statement comes after that day's unnamed deposit funding
    # schedule 10460, wherever it stands in the file: March funded 2,000.00 + 3,000.00 =
    # 5,000.00, 1% of the 5,000.00 short of 10,000.00 = 50.00, netted by April's
    # deposit (8,000.00 x 93% - 50.00 = 7,390.00), the clearing account back to 0.00.
    entries, errors = load(MONTH_END)
    assert errors == []
    assert legs(txn(entries, "Minimum volume fee, March")) == [
        (CLEARING, D("-50.00"), None, "minimum-volume-fee"),
        (FEES, D("50.00"), None, "minimum-volume-fee"),
    ]
    assert balance(entries, CLEARING) == 0


SAME_DAY_NETTING = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 20.00 USD
  monthly-minimum-fee: 300.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load A"
  invoice: "INV-A"
  Assets:Receivable:TQL        5000.00 USD
  Income:Freight
2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-A
  Assets:Bank:Checking         4630.00 USD
  Assets:Factoring:Summit:Clearing
2025-03-28 * "TQL" "TQL paid Summit" ^INV-A
  factoring: "collected"
; month-end statement: reserve 250 released, less March minimum (300 - 100 = 200)
2025-03-31 * "Summit" "Monthly minimum March" ^fee-march
  factoring: "fee"
  charge: "monthly-minimum-fee"
  period: "2025-03"
2025-03-31 * "SUMMIT FUNDING" "Month-end settlement" ^INV-A ^fee-march
  Assets:Bank:Checking           50.00 USD
  Assets:Factoring:Summit:Reserve
"""


def test_a_month_end_minimum_named_by_a_deposit_of_its_day_says_why_it_is_not_open():
    # The minimum dated March 31 is worked out after that day's deposits: the month-end
    # settlement of the same day cannot net it yet, and the error says to net it later.
    _, errors = load(SAME_DAY_NETTING)
    assert codes(errors)[0] == "FCT133"
    assert "worked out after that day's deposits: net it with a deposit of a later day" in (
        errors[0].message
    )


FRIDAY_END = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-28 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

{date} * "Summit" "Minimum volume fee, May"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-05"

2025-05-30 * "SUMMIT FUNDING" "ACH" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_month_end_minimum_dated_the_last_business_day():
    # May 2025 ends on a Saturday: the factor's statement is dated Friday the 30th, the
    # month's last business day, and comes after that day's funding of INV-1001: May
    # funded 2,000.00, 1% of the 8,000.00 short of 10,000.00 = 80.00. Dated Thursday
    # the 29th it is FCT134.
    entries, errors = load(FRIDAY_END.format(date="2025-05-30"))
    assert codes(errors) == []
    assert legs(txn(entries, "Minimum volume fee, May")) == [
        (CLEARING, D("-80.00"), None, "minimum-volume-fee"),
        (FEES, D("80.00"), None, "minimum-volume-fee"),
    ]
    _, errors = load(FRIDAY_END.format(date="2025-05-29"))
    assert codes(errors) == ["FCT134"]
    assert "Date it the month's last business day (2025-05-30)" in errors[0].message


def test_a_friday_statement_before_a_saturday_funding_of_its_month_is_fct134():
    # May 2025: the statement dated Friday the 30th, and a funding dated Saturday the 31st
    # (a deposit the bank booked on the weekend): the charge would leave it out, so the
    # statement is FCT134 and says to date it the month's last day.
    text = (
        FRIDAY_END.format(date="2025-05-30")
        + """
2025-05-29 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-05-31 * "SUMMIT FUNDING" "ACH" ^INV-1002
  Assets:Bank:Checking         2790.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "Date it the month's last day (2025-05-31)" in errors[0].message


FEBRUARY_UNDER_OLD_TERMS = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  monthly-minimum-fee: 100.00 USD
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 1.5%"
  monthly-minimum-fee: 300.00 USD
  monthly-minimum-volume: 50000.00 USD
  volume-shortfall-fee: "2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-02-03 * "TQL" "Load"
  invoice: "V1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-02-04 * "SUMMIT FUNDING" "ACH" ^V1
  Assets:Bank:Checking   1760.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-03 * "Summit" "Feb minimum fee"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-03-03 * "Summit" "Feb minimum volume"
  factoring: "fee"
  charge: "minimum-volume"
"""


def test_a_months_minimums_are_worked_out_under_that_months_terms():
    # February's minimums, charged on March 3 under terms that changed on March 1.
    # February's terms: fees 2% x 2,000.00 = 40.00, so the minimum fee is 100.00 - 40.00
    # = 60.00; the shortfall (10,000.00 - 2,000.00) x 1% = 80.00. (March's terms would
    # give 300.00 - 40.00 = 260.00 and 48,000.00 x 2% = 960.00.)
    entries, errors = load(FEBRUARY_UNDER_OLD_TERMS)
    assert errors == []
    assert [n for a, n, _, _ in legs(txn(entries, "Feb minimum fee")) if a == FEES] == [D("60")]
    assert [n for a, n, _, _ in legs(txn(entries, "Feb minimum volume")) if a == FEES] == [
        D("80.00")
    ]
    # 60.00 + 80.00 = 140.00 owed on the clearing account.
    assert balance(entries, FEES) == D("40.00") + D("140.00")
    # The factor's own figures of February agree.
    stated = FEBRUARY_UNDER_OLD_TERMS.replace(
        'charge: "monthly-minimum-fee"\n', 'charge: "monthly-minimum-fee"\n  amount: 60.00 USD\n'
    ).replace('charge: "minimum-volume"\n', 'charge: "minimum-volume"\n  amount: 80.00 USD\n')
    assert load(stated)[1] == []
    # New terms that drop the minimums do not drop February's.
    dropped = FEBRUARY_UNDER_OLD_TERMS.replace("  monthly-minimum-fee: 300.00 USD\n", "")
    assert load(dropped)[1] == []


def test_a_minimum_fee_raised_at_collection_is_discount_fee_not_late():
    # Flat 1% of 1,000.00 = 10.00 at collection, raised to the 25.00 minimum: all of it
    # discount fee (the least discount fee), none late (a flat fee is never late). The
    # rebate: reserve 100.00 - 25.00 = 75.00.
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 1%"
  fee-timing: "collection"
  minimum-fee: 25.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-05 * "TQL" "Load"
  invoice: "F1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "ACH" ^F1
  Assets:Bank:Checking   900.00 USD
  Assets:Factoring:Summit:Clearing

2025-01-20 * "TQL" "paid" ^F1
  factoring: "collected"

2025-01-22 * "SUMMIT FUNDING" "rebate" ^F1
  Assets:Bank:Checking   75.00 USD
  Assets:Factoring:Summit:Reserve
"""
    entries, errors = load(text)
    assert errors == []
    assert [(n, part) for a, n, _, part in legs(txn(entries, "rebate")) if a == FEES] == [
        (D("25.00"), "discount-fee")
    ]


def test_a_fee_above_the_minimum_is_split_as_if_there_were_none():
    # "tiered 1%/30d + 1%/30d" at collection, 25.00 minimum. Funded 01-10, paid 03-25:
    # 74 days = 1% for the first 30 + 1% for each 30 after (2 steps) = 3% = 30.00, above
    # the minimum: 10.00 discount fee (the first term) and 20.00 late. The rebate: 100.00
    # - 30.00 = 70.00. (Raising the first term to the minimum gave 25.00 and 5.00.)
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 1%/30d"
  fee-timing: "collection"
  minimum-fee: 25.00 USD
  recourse-days: 120
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-05 * "TQL" "Load"
  invoice: "F1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-01-10 * "SUMMIT FUNDING" "ACH" ^F1
  Assets:Bank:Checking   900.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-25 * "TQL" "paid" ^F1
  factoring: "collected"

2025-03-27 * "SUMMIT FUNDING" "rebate" ^F1
  Assets:Bank:Checking   70.00 USD
  Assets:Factoring:Summit:Reserve
"""
    entries, errors = load(text)
    assert errors == []
    fees = [(n, part) for a, n, _, part in legs(txn(entries, "rebate")) if a == FEES]
    assert sorted(fees) == [(D("10.00"), "discount-fee"), (D("20.00"), "late-fee")]


def test_a_minimum_volume_fee_in_whole_units_is_worked_out_in_them():
    # Nothing funded in March of a 1,234,567 JPY minimum: 1.5% of it is 18,518.505 JPY,
    # 18,519 JPY rounded half-up to the yen (the yen has no fraction). Worked out in
    # cents it was 18,518.51 JPY: a fraction of a yen booked, and the factor's whole-yen
    # charge an FCT190 "difference +0.49".
    text = """
2025-01-01 custom "factoring-agreement" "Sakura"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: 1234567 JPY
  volume-shortfall-fee: "1.5%"
  recourse-days: 90
  payee: "SAKURA"
  bank: Assets:Bank:Checking

2025-04-01 * "Sakura" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"
"""
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Sakura:Fees") == D("18519")
    _, errors = load(text + "  amount: 18519 JPY\n")
    assert errors == []
