"""The cost report on ledger text, with the figures worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from conftest import book_of
from report_ledgers import full

from beancount_factoring.reports.model import NO_INVOICE, Fees

D = Decimal
day = datetime.date
YEAR = D(365)


def by_key(lines):
    return {line.key: line for line in lines}


def test_fees_by_factor_and_month_tie_to_the_fee_postings(summit):
    report = summit.cost(as_of=day(2025, 6, 30))
    (line,) = report.by_factor
    # Discount: 2% of 3,000.00 (S1) + 3,000.00 (INV-3) + 4,000.00 (S2) = 60 + 60 + 80.
    # Transfer: three fundings at 25.00.
    assert line.fees == Fees(discount=D("200.00"), transfer=D("75.00"))
    assert line.fees.total == D("275.00")
    months = {(m.key, m.factor): m.fees.total for m in report.by_month}
    assert months == {("2025-03", "Summit"): D("170.00"), ("2025-06", "Summit"): D("105.00")}


def test_fees_by_customer_share_each_transfer_fee_by_face(summit):
    report = summit.cost(as_of=day(2025, 6, 30))
    customers = by_key(report.by_customer)
    # S1's 25.00 transfer fee by face: INV-1 (TQL) 2,000/3,000 = 16.666.. -> 16.67, the
    # last invoice by number, INV-2 (CHR), the rest: 8.33.
    assert customers["TQL"].fees == Fees(discount=D("40.00"), transfer=D("16.67"))
    assert customers["CHR"].fees == Fees(discount=D("20.00"), transfer=D("8.33"))
    # Echo: INV-3 60.00 + 25.00, INV-6 80.00 + 25.00.
    assert customers["Echo"].fees == Fees(discount=D("140.00"), transfer=D("50.00"))
    assert sum((c.fees.total for c in report.by_customer), D(0)) == D("275.00")


def test_the_annual_rate_of_the_invoices_closed(summit):
    report = summit.cost(as_of=day(2025, 6, 30))
    tql = D(40) + D("16.67")  # INV-1: fee and its share of the transfer fee
    chr_ = D(20) + D("8.33")  # INV-2
    echo = D(60) + D(25)  # INV-3, charged back; INV-6 is still open
    # Advances: 1,900.00 for 27 days (03-05 to 04-01), 950.00 for 29 days (to 04-03),
    # 2,850.00 for 96 days (03-11 to the chargeback on 06-15).
    dollar_days = D(1900) * 27 + D(950) * 29 + D(2850) * 96
    (line,) = report.by_factor
    assert (line.closed, line.cash_advanced, line.dollar_days) == (3, D("5700.00"), dollar_days)
    assert line.closed_fees == tql + chr_ + echo == D("170")
    assert line.annual_rate == D(170) / dollar_days * YEAR  # 170 / 352,450 x 365 = 17.6%
    assert round(line.annual_rate, 4) == D("0.1761")
    assert line.average_days == dollar_days / D(5700)
    customers = by_key(report.by_customer)
    # One invoice: fee / cash advanced x 365 / days.
    assert customers["TQL"].annual_rate == tql / (D(1900) * 27) * YEAR
    assert round(customers["TQL"].annual_rate, 4) == D("0.4032")  # 56.67 / 51,300 x 365


def test_days_to_pay_and_short_pays(summit):
    report = summit.cost(as_of=day(2025, 6, 30))
    waits = {w.customer: w for w in report.days_to_pay}
    assert set(waits) == {"TQL", "CHR"}  # Echo's INV-3 was charged back, not paid
    assert (waits["TQL"].average_from_funding, waits["TQL"].average_from_invoice) == (27, 29)
    assert (waits["CHR"].average_from_funding, waits["CHR"].average_from_invoice) == (29, 31)
    assert waits["CHR"].short_paid == D("100.00")


def test_a_period_counts_only_its_own_fees(summit):
    report = summit.cost(as_of=day(2025, 6, 30), start=day(2025, 4, 1))
    (line,) = report.by_factor
    assert line.fees.total == D("105.00")  # S2's 80.00 + 25.00 only
    assert line.closed == 3  # all three closed in April to June
    early = summit.cost(as_of=day(2025, 3, 31))
    assert early.by_factor[0].annual_rate is None  # nothing closed yet
    assert early.days_to_pay == ()


def test_time_based_fees_are_booked_with_the_release(pine):
    # P-1: 1,000.00 funded 03-01, collected 04-05 (35 days): 17.50 base + 5.00 late,
    # taken by the release on 04-10.
    before = pine.cost(as_of=day(2025, 4, 9))
    assert before.by_factor[0].fees.total == 0
    assert before.by_factor[0].closed_fees == D("22.50")
    report = pine.cost(as_of=day(2025, 4, 10))
    (line,) = report.by_factor
    assert line.fees == Fees(discount=D("17.50"), late=D("5.00"))
    assert report.by_customer[0].fees == line.fees
    # 22.50 / 900.00 x 365 / 35 = 26.07%.
    assert line.annual_rate == D("22.50") / (D(900) * 35) * YEAR


def test_each_factor_is_costed_apart(both):
    report = both.cost(as_of=day(2025, 6, 30))
    assert {(x.key, x.fees.total) for x in report.by_factor} == {
        ("Pine", D("22.50")),
        ("Summit", D("275.00")),
    }
    # TQL's line adds up both factors: INV-1 at Summit, P-1 at Pine.
    tql = by_key(report.by_customer)["TQL"]
    assert tql.fees.total == D(40) + D("16.67") + D("22.50")
    assert tql.closed == 2
    only = both.cost(as_of=day(2025, 6, 30), factor="SUMMIT")
    assert [x.key for x in only.by_factor] == ["Summit"]
    assert "TQL" in by_key(only.by_customer)
    assert by_key(only.by_customer)["TQL"].closed == 1


TWO_CURRENCIES = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Northern"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "NORTHERN"
  bank: Assets:Bank:CAD

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "NORTHERN" "EFT" ^INV-2
  Assets:Bank:CAD               880.00 CAD
  Assets:Factoring:Northern:CAD:Clearing

2025-03-20 * "TQL" "Paid short" ^INV-1
  factoring: "collected"
  paid: 900.00 USD

2025-03-25 * "TQL" "Paid short" ^INV-2
  factoring: "collected"
  paid: 950.00 CAD
"""


def test_days_to_pay_are_a_line_per_currency():
    # TQL paid 100.00 USD short of INV-1 and 50.00 CAD short of INV-2: two lines, never
    # 150.00 of nothing. Days from funding: 03-04 to 03-20 = 16; 03-04 to 03-25 = 21.
    book = book_of(full(TWO_CURRENCIES))
    assert book.facts.errors == []
    report = book.cost(as_of=datetime.date(2025, 3, 31))
    found = {
        (d.customer, d.currency): (d.short_paid, d.average_from_funding)
        for d in report.days_to_pay
    }
    assert found == {
        ("TQL", "USD"): (Decimal("100.00"), Decimal(16)),
        ("TQL", "CAD"): (Decimal("50.00"), Decimal(21)),
    }


RELEASED_THE_DAY_PAID = """
2025-01-01 custom "factoring-agreement" "Ridgeline"
  advance-rate: 0.90
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 90
  payee: "RIDGELINE CAPITAL"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-90177"
  invoice: "INV-1010"
  Assets:Receivable:TQL        1800.00 USD
  Income:Freight

2025-03-04 * "RIDGELINE CAPITAL" "ACH deposit" ^INV-1010
  Assets:Bank:Checking         1584.00 USD
  Assets:Factoring:Ridgeline:Clearing

2025-04-28 * "TQL" "TQL paid Ridgeline" ^INV-1010
  factoring: "collected"

2025-04-28 * "RIDGELINE CAPITAL" "Reserve release" ^INV-1010
  Assets:Bank:Checking          153.00 USD
  Assets:Factoring:Ridgeline:Reserve
"""


def test_fees_taken_at_a_release_the_day_of_the_collection_count():
    # 1,800.00 advanced at 90%: 1,620.00; 2% taken at funding = 36.00. Paid 04-28, 55 days
    # after the 03-04 funding: 2% + 3 x 0.5% (days 31-40, 41-50, 51-55) = 3.5% = 63.00,
    # of which 27.00 late, taken at the release that same day (180.00 - 27.00 = 153.00).
    # Every line: 63.00 over 1,620.00 x 55 days x 365 = 25.81%.
    book = book_of(full(RELEASED_THE_DAY_PAID))
    assert book.facts.errors == []
    report = book.cost(as_of=datetime.date(2025, 4, 30))
    (factor,) = report.by_factor
    (customer,) = report.by_customer
    (invoice,) = report.by_invoice
    for line in (factor, customer):
        assert (line.fees.discount, line.fees.late, line.fees.total) == (
            Decimal("36.00"),
            Decimal("27.00"),
            Decimal("63.00"),
        )
        assert round(line.annual_rate * 100, 2) == Decimal("25.81")
    assert invoice.fees.total == Decimal("63.00")


# Summit funds CA-1 (1,000.00 CAD) on 03-04 at 90% less flat 2%: advance 900.00 CAD,
# fee 20.00 CAD; TQL pays Summit on 04-01, 28 days later. Summit also charges a
# 35.00 USD wire fee for the funding, tied to CA-1 by its link or by ``invoice:``.
CAD_INVOICE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "CA load"
  invoice: "CA-1"
  Assets:Receivable:TQL        1000.00 CAD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "EFT" ^CA-1
  Assets:Bank:Checking          880.00 CAD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "paid" ^CA-1
  factoring: "collected"
"""
USD_FEE_EVENT = """
2025-03-05 * "Summit" "Wire fee on CA-1" ^CA-1
  factoring: "fee"
  charge: "other"
  amount: 35.00 USD
  Assets:Bank:Checking   -35.00 USD
"""
USD_FEE_POSTING = """
2025-03-05 * "Summit" "Wire fee on CA-1" ^CA-1
  Expenses:Factoring:Summit:Fees   35.00 USD
    invoice: "CA-1"
  Assets:Bank:Checking
"""


@pytest.mark.parametrize("fee", [USD_FEE_EVENT, USD_FEE_POSTING], ids=["event", "posting"])
def test_a_fee_in_another_currency_than_its_invoice_is_of_no_invoice(fee):
    # The 35.00 USD cannot be added to CA-1's CAD fees: CA-1 keeps 20.00 CAD over
    # 900.00 x 28 days = 20 / 25,200 x 365 = 28.97% a year (with it, 55.00: 79.66%).
    # The USD fee is Summit's in USD, and of no invoice.
    book = book_of(full(CAD_INVOICE + fee))
    assert book.facts.errors == []
    report = book.cost(as_of=day(2025, 4, 30))
    rate = D(20) / (D(900) * 28) * YEAR
    (invoice,) = report.by_invoice
    assert (invoice.invoice, invoice.currency, invoice.fees.total) == ("CA-1", "CAD", D(20))
    assert invoice.annual_rate == rate
    customers = {(line.key, line.currency): line for line in report.by_customer}
    assert set(customers) == {("TQL", "CAD"), (NO_INVOICE, "USD")}
    tql = customers[("TQL", "CAD")]
    assert (tql.fees.total, tql.closed_fees, tql.annual_rate) == (D(20), D(20), rate)
    assert customers[(NO_INVOICE, "USD")].fees.total == D(35)
    factors = {(line.key, line.currency): line for line in report.by_factor}
    assert factors[("Summit", "CAD")].closed_fees == D(20)
    assert factors[("Summit", "CAD")].annual_rate == rate
    assert factors[("Summit", "USD")].fees.total == D(35)
    assert factors[("Summit", "USD")].untied_fees == D(35)


# The bookkeeper keeps Summit's transfer fees with the bank's other wire fees, as the
# ledger guide's own example does (transfer-fee-account: Expenses:Bank:WireFees).
SHARED_TRANSFER_ACCOUNT = """
2025-01-01 open Expenses:Bank:WireFees

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  transfer-fee-account: Expenses:Bank:WireFees
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^A
  Assets:Bank:Checking         915.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Chase" "Outgoing wire to the fuel vendor"
  Expenses:Bank:WireFees   30.00 USD
  Assets:Bank:Checking

2025-03-12 * "SUMMIT FUNDING" "Wire fee on the March statement"
  Expenses:Bank:WireFees   25.00 USD
  Assets:Bank:Checking

2025-03-14 * "Chase" "Incoming wire fee" ^A
  Expenses:Bank:WireFees   12.00 USD
  Assets:Bank:Checking

2025-04-03 * "TQL" "paid A" ^A
  factoring: "collected"
"""


def test_a_shared_transfer_fee_account_counts_only_the_factors_fees():
    # Summit's fees: 2% of 1,000.00 = 20.00 at funding, the 15.00 transfer fee, the
    # 25.00 wire fee Summit's line charged and the 12.00 of the entry that links its
    # invoice A: 72.00. The 30.00 wire to the fuel vendor is the bank's, not Summit's:
    # counted, it made Summit's all-in rate (20 + 15 + 30 + 25 + 12) / (950 x 30) x 365
    # = 130.63% instead of 72 / (950 x 30) x 365 = 92.21%.
    book = book_of(full(SHARED_TRANSFER_ACCOUNT))
    assert book.facts.errors == []
    report = book.cost(as_of=day(2025, 4, 3))
    (line,) = report.by_factor
    assert line.fees == Fees(discount=D("20.00"), transfer=D("15.00"), other=D("37.00"))
    assert round(line.all_in_rate * 100, 2) == D("92.21")
    customers = by_key(report.by_customer)
    assert customers[NO_INVOICE].fees == Fees(other=D("37.00"))
    assert sum((m.fees.total for m in report.by_month), D(0)) == D("72.00")


# Summit's transfer fees on an account of Summit's own, beside its fees account
# (Expenses:Factoring:Summit:TransferFees): every posting there is Summit's, as on the
# fees account, a hand-typed one whose payee is the bank's too (the incoming wire fee
# on Summit's deposit), and one that takes a fee from Summit's reserve.
OWN_TRANSFER_ACCOUNT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  transfer-fee-account: Expenses:Factoring:Summit:TransferFees
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load A"
  invoice: "A"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^A
  Assets:Bank:Checking         915.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "Chase" "Incoming wire fee"
  Expenses:Factoring:Summit:TransferFees   12.00 USD
  Assets:Bank:Checking

2025-04-03 * "TQL" "paid A" ^A
  factoring: "collected"
"""


def test_a_transfer_fee_account_of_the_factors_own_counts_every_posting():
    # 20.00 discount + 15.00 transfer fee + 12.00 typed by hand = 47.00, the account
    # balances' sum; the all-in rate 47 / (950 x 30) x 365 = 60.19%.
    book = book_of(full(OWN_TRANSFER_ACCOUNT))
    report = book.cost(as_of=day(2025, 4, 30))
    (line,) = report.by_factor
    assert line.fees == Fees(discount=D("20.00"), transfer=D("15.00"), other=D("12.00"))
    assert round(line.all_in_rate * 100, 2) == D("60.19")


def test_a_shared_transfer_fee_account_counts_a_fee_taken_from_the_factors_reserve():
    # A posting typed by hand against Summit's reserve is Summit's, whatever its payee:
    # 72.00 as above and the 8.00 taken from the reserve.
    text = (
        SHARED_TRANSFER_ACCOUNT
        + """
2025-04-10 * "Reserve statement" "Wire fee"
  Expenses:Bank:WireFees                8.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    book = book_of(full(text))
    report = book.cost(as_of=day(2025, 4, 30))
    (line,) = report.by_factor
    assert line.fees.other == D("45.00")
