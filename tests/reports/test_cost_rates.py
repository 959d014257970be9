"""The cost report's rates in every case, and its tie-outs, with the figures worked out by hand.

The rate is Σ fee ÷ Σ (advance × days) × 365 (docs/reports.md, "The annual rate"). After a
buyout each factor counts its own fees, advance and days; a customer and an invoice count
the invoice's whole life. Fees taken at a credit loss and fuel-advance fees belong to their
invoice; a monthly minimum belongs to no invoice and shows in the all-in rate only.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import test_accruals
import test_buyout
import test_credit_loss
import test_docs
import test_fuel_advances
import test_other_fees
import test_partial_payments
import test_short_pays
from beancount import loader
from beancount.core import data
from report_ledgers import full

from beancount_factoring.reports import ReportBook, compute
from beancount_factoring.reports.model import NO_INVOICE, CostReport, Fees
from beancount_factoring.reports.render import csv_rows, render

D = Decimal
day = datetime.date
YEAR = D(365)
ZERO = D(0)
EXAMPLES = Path(__file__).resolve().parents[2] / "example_ledger"


def with_model(text: str, model: str) -> str:
    """Every agreement of the ledger under ``model`` (sale or loan)."""
    return text.replace("  advance-rate:", f'  model: "{model}"\n  advance-rate:')


def book_of(text: str, opens: bool = True) -> tuple[ReportBook, list[data.Directive]]:
    source = full(text) if opens else 'plugin "beancount_factoring.plugin"\n' + text
    entries, errors, options_map = loader.load_string(source)
    assert errors == []
    return compute(entries, options_map, errors), entries


def by_key(lines):
    return {line.key: line for line in lines}


# ---------------------------------------------------------------------------------------------
# A buyout: each factor its own rate
# ---------------------------------------------------------------------------------------------

# INV-1, 2,000.00: Lakeshore (95%, flat 2%) funds it on 03-03; Pinecrest (97%, 1% per 30
# days) buys it out 30 days later, on 04-02; TQL pays Pinecrest 45 days after that, on 05-17.
BUYOUT = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 0
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "tiered 1%/30d"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-03 * "LAKESHORE" "Purchase" ^INV-1
  Assets:Bank:Checking   1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-04-02 * "Pinecrest Capital" "Buyout of Lakeshore"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-05-17 * "TQL" "Paid Pinecrest" ^INV-1
  factoring: "collected"

2025-05-20 * "PINECREST" "Rebate" ^INV-1
  Assets:Bank:Checking     60.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""
# Lakeshore: advance 1,900.00, fee 40.00 at purchase (1,860.00 in the bank), reserve 100.00.
# At the buyout Lakeshore's flat fee is all taken; Pinecrest takes its first 1% (20.00) from
# the reserve, 80.00 moves: Pinecrest's advance is 2,000.00 - 80.00 = 1,920.00.
# Collected 45 days after the buyout: two terms, 2% = 40.00, 20.00 more at release;
# the rebate is 80.00 - 20.00 = 60.00.
LAKESHORE_DOLLAR_DAYS = D(1900) * 30  # 57,000
PINECREST_DOLLAR_DAYS = D(1920) * 45  # 86,400


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_after_a_buyout_each_factor_counts_its_own_fees_days_and_cash(model):
    book, _ = book_of(with_model(BUYOUT, model))
    report = book.cost(day(2025, 5, 31))
    factors = by_key(report.by_factor)
    lakeshore, pinecrest = factors["Lakeshore"], factors["Pinecrest"]
    assert lakeshore.fees.total == D("40.00")
    assert pinecrest.fees.total == D("40.00")  # 20.00 at the buyout + 20.00 at release
    assert (lakeshore.closed, lakeshore.cash_advanced, lakeshore.average_days) == (
        1,
        D("1900.00"),
        D(30),
    )
    assert (pinecrest.closed, pinecrest.cash_advanced, pinecrest.average_days) == (
        1,
        D("1920.00"),
        D(45),
    )
    # Lakeshore: 40.00 / (1,900.00 x 30) x 365 = 25.61%.
    assert lakeshore.annual_rate == D(40) / LAKESHORE_DOLLAR_DAYS * YEAR
    assert round(lakeshore.annual_rate, 4) == D("0.2561")
    # Pinecrest: 40.00 / (1,920.00 x 45) x 365 = 16.90%, the cheaper of the two. (Counting
    # Lakeshore's 40.00 over Pinecrest's days gave 80.00 / 86,400 x 365 = 33.80%: twice too
    # high, and Lakeshore looked cheaper.)
    assert pinecrest.annual_rate == D(40) / PINECREST_DOLLAR_DAYS * YEAR
    assert round(pinecrest.annual_rate, 4) == D("0.1690")
    assert pinecrest.annual_rate < lakeshore.annual_rate


# Pine and Summit book their fees to one account. Pine (90%, 2% for 30 days, 1% per 15
# days after) funds INV-3 (10,000.00) and INV-4 (5,000.00) on 01-03; Summit (flat 3%) buys
# both out 59 days later, on 03-03.
SHARED_FEES = """
plugin "beancount_factoring.plugin" "{'detail': 'DETAIL'}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Pine"
  advance-rate: 0.90
  fee: "tiered 2%/30d + 1%/15d"
  fee-timing: "TIMING"
  fees: Expenses:Factoring:Fees
  recourse-days: 90
  payee: "PINE FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  fees: Expenses:Factoring:Fees
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-02 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-01-02 * "TQL" "Load 4"
  invoice: "INV-4"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2025-01-03 * "PINE FUNDING" "Purchase" ^INV-3 ^INV-4
  Assets:Bank:Checking   AMOUNT USD
  Assets:Factoring:Pine:Clearing

2025-03-03 * "Summit" "Buyout of Pine"
  factoring: "buyout"
  factor: "Summit"
  from: "Pine"
"""


@pytest.mark.parametrize("detail", ["item", "invoice"])
@pytest.mark.parametrize("timing,amount", [("purchase", "13200.00"), ("collection", "13500.00")])
def test_after_a_buyout_each_factor_counts_its_own_fees_on_a_shared_account(
    detail, timing, amount
):
    # Pine's fee over 59 days: 2% + 1% + 1% = 4% of 15,000.00 = 600.00, its first 2%
    # (300.00) at funding (fee-timing "purchase": 13,500.00 - 300.00 in the bank) or at the
    # buyout ("collection"), the other 2% (300.00) at the buyout as a late fee. Summit's
    # 3% at the buyout: 450.00. (The account holds 1,050.00; the factor lines read the
    # factor that holds the invoices today and gave Summit all of it; under "item" the two
    # discount fees of the buyout are one posting of 750.00 that names no invoice.)
    text = SHARED_FEES.replace("DETAIL", detail).replace("TIMING", timing)
    entries, errors, options_map = loader.load_string(text.replace("AMOUNT", amount))
    assert errors == []
    report = compute(entries, options_map, errors).cost()
    factors = by_key(report.by_factor)
    pine, summit = factors["Pine"].fees, factors["Summit"].fees
    assert (pine.discount, pine.late, pine.total) == (D("300.00"), D("300.00"), D("600.00"))
    assert (summit.discount, summit.late, summit.total) == (D("450.00"), ZERO, D("450.00"))
    assert by_key(report.by_customer)["TQL"].fees.total == D("1050.00")
    assert_ties(report, entries, {"Expenses:Factoring:Fees"})
    months = {(line.key, line.factor): line.fees.total for line in report.by_month}
    if timing == "purchase":
        assert months == {
            ("2025-01", "Pine"): D("300.00"),
            ("2025-03", "Pine"): D("300.00"),
            ("2025-03", "Summit"): D("450.00"),
        }
    else:
        assert months == {("2025-03", "Pine"): D("600.00"), ("2025-03", "Summit"): D("450.00")}


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_whole_life_rate_of_an_invoice_bought_out(model):
    book, _ = book_of(with_model(BUYOUT, model))
    report = book.cost(day(2025, 5, 31))
    (invoice,) = report.by_invoice
    assert invoice.factors == ("Lakeshore", "Pinecrest")
    assert invoice.fees == Fees(discount=D("60.00"), late=D("20.00"))  # 40 + 20, and 20 late
    assert (invoice.funded_on, invoice.closed_on, invoice.days) == (
        day(2025, 3, 3),
        day(2025, 5, 17),
        75,
    )
    # 80.00 / (57,000 + 86,400) x 365 = 80 / 143,400 x 365 = 20.36%; the advance weighted
    # by time is 143,400 / 75 days = 1,912.00.
    assert invoice.dollar_days == LAKESHORE_DOLLAR_DAYS + PINECREST_DOLLAR_DAYS
    assert invoice.cash_advanced == D("1912")
    assert invoice.annual_rate == D(80) / D(143400) * YEAR
    assert round(invoice.annual_rate, 4) == D("0.2036")
    tql = by_key(report.by_customer)["TQL"]
    assert (tql.fees.total, tql.closed, tql.annual_rate) == (D("80.00"), 1, invoice.annual_rate)
    # One factor's part of it only.
    only = book.cost(day(2025, 5, 31), factor="Pinecrest")
    (mine,) = only.by_invoice
    assert (mine.factors, mine.fees.total, mine.days) == (("Pinecrest",), D("40.00"), 45)
    assert by_key(only.by_customer)["TQL"].annual_rate == D(40) / PINECREST_DOLLAR_DAYS * YEAR


def test_the_old_factors_spell_closes_at_the_buyout():
    book, _ = book_of(BUYOUT)
    report = book.cost(day(2025, 4, 30))
    factors = by_key(report.by_factor)
    assert factors["Lakeshore"].closed == 1  # left Lakeshore's hands on 04-02
    assert factors["Pinecrest"].closed == 0 and factors["Pinecrest"].annual_rate is None
    assert report.by_invoice == ()  # its life goes on


def test_the_whole_life_rate_in_every_renderer():
    book, _ = book_of(BUYOUT)
    report = book.cost(day(2025, 5, 31))
    text = render(report, "text")
    assert "INV-1    TQL       Lakeshore, Pinecrest  USD  80.00" in text
    assert "20.36%" in text
    header, rows = csv_rows(report)
    (row,) = [dict(zip(header, row, strict=True)) for row in rows if row[0] == "invoice"]
    assert (row["key"], row["factor"], row["total"], row["annual_rate"]) == (
        "INV-1",
        "Lakeshore; Pinecrest",
        "80.00",
        "0.2036",  # a number, as the agreement writes rates: 20.36%
    )
    assert (row["customer"], row["funded_on"], row["closed_on"]) == (
        "TQL",
        "2025-03-03",
        "2025-05-17",
    )
    assert '"factors": [\n        "Lakeshore",\n        "Pinecrest"\n      ]' in render(
        report, "json"
    )


# ---------------------------------------------------------------------------------------------
# A credit loss: its fee in the customer line and the rate
# ---------------------------------------------------------------------------------------------

# RTS (non-recourse, 97%, 2% for 30 days + 0.5% per 10 days, taken at purchase) funds
# INV-1044 (2,000.00) on 05-02: advance 1,940.00, fee 40.00, 1,900.00 in the bank. Written
# off on 06-30, 59 days on: 2% + 3 x 0.5% = 3.5% = 70.00 due, 30.00 more taken from the
# 60.00 reserve at the loss, 30.00 lost.
CREDIT_LOSS = test_credit_loss.RTS.replace('fee: "flat 3%"', 'fee: "tiered 2%/30d + 0.5%/10d"')
CREDIT_LOSS = CREDIT_LOSS.replace("1880.00 USD", "1900.00 USD")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_fee_taken_at_a_credit_loss_counts_for_its_customer_and_rate(model):
    book, _ = book_of(with_model(CREDIT_LOSS, model), opens=False)
    report = book.cost(day(2025, 6, 30))
    keystone = by_key(report.by_customer)["Keystone"]
    assert keystone.fees == Fees(discount=D("40.00"), late=D("30.00"))
    assert keystone.fees == report.by_factor[0].fees
    # 70.00 / (1,940.00 x 59) x 365 = 22.32%.
    rate = D(70) / (D(1940) * 59) * YEAR
    assert round(rate, 4) == D("0.2232")
    assert (keystone.closed, keystone.closed_fees, keystone.annual_rate) == (1, D(70), rate)
    assert report.by_factor[0].annual_rate == rate
    assert report.by_invoice[0].closed_on == day(2025, 6, 30)
    # The reserve kept beyond the fee (30.00) is a credit loss, not a fee.
    (loss,) = report.deductions
    assert (loss.kind, loss.amount) == ("credit loss", D("30.00"))


def test_the_fee_of_a_credit_loss_whose_reserve_comes_back_counts_at_the_release():
    # fee-timing "collection": nothing at funding (1,940.00 in the bank); the agreement
    # releases the reserve: the rebate of 07-03 takes 70.00 (40.00 + 30.00) of the 60.00,
    # and 10.00 more from the bank.
    text = (
        test_credit_loss.RTS.replace(
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
    book, _ = book_of(text, opens=False)
    before = book.cost(day(2025, 7, 2))
    # Closed on 06-30 with its fee known: in the rate, not yet in the fees booked.
    assert before.by_factor[0].closed_fees == D("70.00")
    assert by_key(before.by_customer)["Keystone"].fees.total == 0
    report = book.cost(day(2025, 7, 3))
    keystone = by_key(report.by_customer)["Keystone"]
    assert keystone.fees == Fees(discount=D("40.00"), late=D("30.00"))
    assert keystone.annual_rate == D(70) / (D(1940) * 59) * YEAR


# ---------------------------------------------------------------------------------------------
# A fuel advance: its fee in its invoice's rate
# ---------------------------------------------------------------------------------------------

# 800.00 of fuel on 03-01 for a 20.00 fee; INV-1001 (2,000.00) funded on 03-04: 1,940.00
# advance - 50.00 fee (2.5%) - 800.00 recouped = 1,090.00; collected 30 days later, on
# 04-03; the 60.00 reserve comes back on 04-07.
FUEL = (
    test_fuel_advances.RTS
    + test_fuel_advances.ENTRY_8
    + """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1090.00 USD
  Assets:Factor:RTS:Clearing

2025-04-03 * "TQL" "Paid RTS" ^INV-1001
  factoring: "collected"

2025-04-07 * "RTS FINANCIAL" "Rebate" ^INV-1001
  Assets:Bank:Checking                    60.00 USD
  Assets:Factor:RTS:Reserve
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_fuel_advance_fee_counts_in_its_invoices_rate(model):
    book, _ = book_of(with_model(FUEL, model), opens=False)
    report = book.cost(day(2025, 4, 30))
    (invoice,) = report.by_invoice
    assert invoice.fees == Fees(discount=D("50.00"), fuel=D("20.00"))
    # (50.00 + 20.00) / (1,940.00 x 30) x 365 = 43.90% (without the fuel fee, 31.36%).
    rate = D(70) / (D(1940) * 30) * YEAR
    assert round(rate, 4) == D("0.4390")
    assert invoice.annual_rate == rate
    (factor,) = report.by_factor
    assert (factor.closed_fees, factor.annual_rate) == (D(70), rate)
    tql = by_key(report.by_customer)["TQL"]
    assert (tql.fees.fuel, tql.annual_rate) == (D("20.00"), rate)


# ---------------------------------------------------------------------------------------------
# A monthly minimum: in the all-in rate only
# ---------------------------------------------------------------------------------------------

# Summit funds INV-1001 (2,000.00) on 03-04: 1,900.00 advance - 40.00 (2%) - 5.00 invoice
# fee = 1,855.00; March's discount fees (40.00) are short of the 100.00 monthly minimum:
# 60.00 charged on 04-01. Collected on 04-03 (30 days), the 100.00 reserve back on 04-04.
MINIMUM = (
    test_other_fees.SUMMIT.replace(
        '  monthly-minimum-volume: 10000.00 USD\n  volume-shortfall-fee: "1%"\n',
        "  monthly-minimum-fee: 100.00 USD\n",
    )
    + test_other_fees.MONTH
    + """
2025-04-01 * "Summit" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  Assets:Bank:Checking   -60.00 USD

2025-04-03 * "TQL" "Paid Summit" ^INV-1001
  factoring: "collected"

2025-04-04 * "SUMMIT FUNDING" "Rebate" ^INV-1001
  Assets:Bank:Checking   100.00 USD
  Assets:Factoring:Summit:Reserve
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_monthly_minimum_is_in_the_all_in_rate_only(model):
    book, _ = book_of(with_model(MINIMUM, model))
    report = book.cost(day(2025, 4, 30))
    (summit,) = report.by_factor
    assert summit.fees == Fees(discount=D("40.00"), invoice=D("5.00"), minimum=D("60.00"))
    assert summit.untied_fees == D("60.00")
    # The invoice's rate: (40.00 + 5.00) / (1,900.00 x 30) x 365 = 28.82%.
    assert summit.annual_rate == D(45) / (D(1900) * 30) * YEAR
    assert round(summit.annual_rate, 4) == D("0.2882")
    # All in: (45.00 + 60.00) / 57,000 x 365 = 67.24%.
    assert summit.all_in_rate == D(105) / (D(1900) * 30) * YEAR
    assert round(summit.all_in_rate, 4) == D("0.6724")
    customers = by_key(report.by_customer)
    assert customers["TQL"].fees == Fees(discount=D("40.00"), invoice=D("5.00"))
    assert customers["TQL"].annual_rate == summit.annual_rate
    assert customers[NO_INVOICE].fees == Fees(minimum=D("60.00"))
    assert customers[NO_INVOICE].annual_rate is None
    assert report.by_customer[-1].key == NO_INVOICE  # after the customers
    text = render(report, "text")
    assert "All-in" in text and "67.24%" in text


# ---------------------------------------------------------------------------------------------
# A short pay netted from a funding: no reserve forfeited
# ---------------------------------------------------------------------------------------------

# INV-1001 (2,000.00, reserve 100.00) is paid 1,850.00 on 04-07. From the reserve: it takes
# the 100.00 and 50.00 waits for the next deposit. From the funding: the 04-09 deposit nets
# all 150.00 and gives the 100.00 reserve back whole.
NETTED = test_short_pays.RTS.replace(
    "  recourse-days: 90", '  recourse-days: 90\n  short-pay-from: "funding"'
) + (
    """
2025-04-08 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-09 * "RTS FINANCIAL" "Funding less the short pay" ^INV-1001 ^INV-1002
  Assets:Bank:Checking          855.00 USD
  Assets:Factoring:RTS:Clearing
"""
)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_short_pay_netted_from_a_funding_forfeits_no_reserve(model):
    book, _ = book_of(with_model(NETTED, model))
    for as_of in (day(2025, 4, 8), day(2025, 4, 9)):
        reserve = book.reserve(as_of)
        (line,) = [x for f in reserve.factors for x in f.invoices if x.invoice == "INV-1001"]
        assert (line.forfeited, line.forfeit_reason) == (0, None), as_of
        assert reserve.factors[0].forfeited == 0
    assert book.reserve(day(2025, 4, 8)).factors[0].invoices[0].due_back == D("100.00")
    # The cost report counts the short pay as what TQL paid short, 150.00, not as reserve.
    (short,) = book.cost(day(2025, 4, 30)).deductions
    assert (short.kind, short.amount) == ("short pay", D("150.00"))


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_short_pay_from_the_reserve_forfeits_what_it_took(model):
    book, _ = book_of(with_model(test_short_pays.RTS, model))
    reserve = book.reserve(day(2025, 4, 8))
    (line,) = reserve.factors[0].invoices
    assert (line.forfeited, line.forfeit_reason) == (D("100.00"), "short-pay")  # min(150, 100)


# ---------------------------------------------------------------------------------------------
# Tie-outs: factor, customer and month lines add up to the same totals, and to the ledger
# ---------------------------------------------------------------------------------------------


def kinds(lines) -> dict[tuple[str, str], Decimal]:
    """The fees of the lines by currency and kind, without the zeros."""
    totals: dict[tuple[str, str], Decimal] = {}
    for line in lines:
        for kind, amount in line.fees.by_kind():
            totals[(line.currency, kind)] = totals.get((line.currency, kind), ZERO) + amount
    return {key: amount for key, amount in totals.items() if amount}


def fee_accounts(book: ReportBook) -> set[str]:
    """The accounts the cost report summarises: each agreement's fee accounts."""
    return {
        account
        for a in book.facts.book.agreements.latest()
        for account in (a.fees, a.invoice_fee_account, a.transfer_fee_account)
    }


def ledger_fees(entries, accounts, start, end) -> dict[str, Decimal]:
    """What the ledger posted to the fee accounts in the period, by currency."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        if not isinstance(entry, data.Transaction) or entry.date > end:
            continue
        if start is not None and entry.date < start:
            continue
        for posting in entry.postings:
            if posting.account in accounts:
                currency = posting.units.currency
                totals[currency] = totals.get(currency, ZERO) + posting.units.number
    return {currency: amount for currency, amount in totals.items() if amount}


def assert_ties(report: CostReport, entries, accounts) -> None:
    by_factor = kinds(report.by_factor)
    assert by_factor == kinds(report.by_customer), (report.as_of, report.start)
    assert by_factor == kinds(report.by_month), (report.as_of, report.start)
    per_currency: dict[str, Decimal] = {}
    for (currency, _), amount in by_factor.items():
        per_currency[currency] = per_currency.get(currency, ZERO) + amount
    per_currency = {c: a for c, a in per_currency.items() if a}
    assert per_currency == ledger_fees(entries, accounts, report.start, report.as_of)


def month_starts(first: datetime.date, last: datetime.date):
    month = day(first.year, first.month, 1)
    while month <= last:
        yield month
        month = day(month.year + month.month // 12, month.month % 12 + 1, 1)


def check_every_month(book: ReportBook, entries) -> None:
    """Each month alone and everything to its end, and the whole ledger."""
    accounts = fee_accounts(book)
    dates = [e.date for e in entries if isinstance(e, data.Transaction)]
    last = book.last_date or max(dates)
    for start in month_starts(min(dates), last):
        end = min(day(start.year + start.month // 12, start.month % 12 + 1, 1), last)
        end = end if end == last else end - datetime.timedelta(days=1)
        assert_ties(book.cost(end, start=start), entries, accounts)
        assert_ties(book.cost(end), entries, accounts)


@pytest.mark.parametrize(
    "path",
    [
        "main.beancount",
        "year/main.beancount",
        "europe/main.beancount",
        "crossborder/main.beancount",
    ],
)
def test_the_example_ledgers_tie_out(path):
    entries, errors, options_map = loader.load_file(str(EXAMPLES / path))
    assert errors == []
    book = compute(entries, options_map, errors)
    check_every_month(book, entries)
    # Each factor alone: its lines, its customers' and its months' add up alike.
    for factor in book.factors:
        report = book.cost(factor=factor)
        assert kinds(report.by_factor) == kinds(report.by_customer) == kinds(report.by_month)


TEST_LEDGERS = {
    "buyout": (test_buyout.LEDGER, True),
    "buyout-tiered": (BUYOUT, True),
    "credit-loss": (test_credit_loss.RTS, False),
    "credit-loss-tiered": (CREDIT_LOSS, False),
    "fuel-advance": (FUEL, False),
    "minimum-volume": (test_other_fees.NETTED_FEE, True),
    "minimum-fee": (MINIMUM, True),
    "short-pay": (test_short_pays.RTS, True),
    "short-pay-funding": (NETTED, True),
}


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("name", sorted(TEST_LEDGERS))
def test_the_test_ledgers_tie_out_every_day(name, model):
    text, opens = TEST_LEDGERS[name]
    book, entries = book_of(with_model(text, model), opens=opens)
    accounts = fee_accounts(book)
    dates = sorted({e.date for e in entries if isinstance(e, data.Transaction)})
    for as_of in dates:
        assert_ties(book.cost(as_of), entries, accounts)
        assert_ties(book.cost(as_of, start=as_of), entries, accounts)
    check_every_month(book, entries)


# ---------------------------------------------------------------------------------------------
# A customer that paid us: the days run to the day the invoice was paid in full
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_days_and_rate_run_to_the_day_the_customer_paid_us(model):
    text = test_accruals.OPENS + test_accruals.with_model(test_accruals.PAID_TO_US, model)
    book, _ = book_of(text, opens=False)
    report = book.cost(day(2025, 3, 31))
    (summit,) = report.by_factor
    # Funded January 10, paid to us in full February 15 (Summit's report: March 3): 36
    # days, not 52. Fee 36 x 6.00 = 216.00 on an advance of 9,000.00:
    # 216 / (9,000 x 36) x 365 = 24.33% (to the report: 216 / (9,000 x 52) x 365 = 16.85%).
    assert (summit.fees.total, summit.cash_advanced, summit.average_days) == (
        D("216.00"),
        D("9000.00"),
        D(36),
    )
    assert summit.annual_rate == D(216) / (D(9000) * 36) * YEAR
    assert round(summit.annual_rate, 4) == D("0.2433")
    (invoice,) = report.by_invoice
    assert (invoice.closed_on, invoice.days) == (day(2025, 2, 15), 36)
    (tql,) = report.days_to_pay
    # From funding: 36 days; from the invoice (January 9): 37 days; nothing short.
    assert (tql.average_from_funding, tql.average_from_invoice, tql.short_paid) == (
        D(36),
        D(37),
        D(0),
    )


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_part_paid_to_us_counts_to_the_day_the_rest_was_paid(model):
    text = test_partial_payments.model(test_partial_payments.PART_TO_US, model)
    book, _ = book_of(text)
    report = book.cost(day(2025, 5, 31))
    (invoice,) = report.by_invoice
    # Funded March 4, 400.00 to us on March 14, the rest to Harbor on May 3: 60 days.
    # Fees 20.00 + 32.50 = 52.50 on an advance of 800.00: 52.50 / (800 x 60) x 365.
    assert (invoice.closed_on, invoice.days, invoice.fees.total) == (
        day(2025, 5, 3),
        60,
        D("52.50"),
    )
    assert invoice.annual_rate == D("52.50") / (D(800) * 60) * YEAR
    (echo,) = report.days_to_pay
    assert (echo.average_from_funding, echo.short_paid) == (D(60), D(0))


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_an_invoice_paid_to_us_closes_in_the_month_the_factor_reports_it(model):
    # Paid to us in full on February 15, reported collected by Summit on March 3: as of
    # February 28 nothing says the invoice is closed (its fee is not final); it closes in
    # March, with its days to February 15. February + March = February to March.
    text = test_accruals.OPENS + test_accruals.with_model(test_accruals.PAID_TO_US, model)
    book, _ = book_of(text, opens=False)
    february = book.cost(day(2025, 2, 28), start=day(2025, 2, 1))
    march = book.cost(day(2025, 3, 31), start=day(2025, 3, 1))
    both = book.cost(day(2025, 3, 31), start=day(2025, 2, 1))
    # February: nothing closed (and, under cash timing, no fee booked either).
    assert (closed(february), february.by_invoice, february.days_to_pay) == (0, (), ())
    # March: one invoice closed, 36 x 6.00 = 216.00 of fees over 9,000.00 x 36 days.
    (mar,) = march.by_factor
    assert (mar.closed, mar.closed_fees, mar.dollar_days) == (1, D("216.00"), D(9000) * 36)
    (invoice,) = march.by_invoice
    assert (invoice.closed_on, invoice.days) == (day(2025, 2, 15), 36)
    (tql,) = march.days_to_pay
    assert (tql.collected, tql.average_from_funding) == (1, D(36))
    (customer,) = march.by_customer
    assert (customer.closed, customer.closed_fees) == (1, D("216.00"))
    assert closed(february) + closed(march) == closed(both) == 1


def closed(report: CostReport) -> int:
    """The invoices the factors' lines count closed in the report's period."""
    return sum(line.closed for line in report.by_factor)


def test_an_invoice_paid_to_us_before_its_funding_closes_when_collected():
    # Paid to us March 6, funded March 7, reported collected May 20: it closes in the
    # period that holds May 20, not in one that ends on March 14 (not collected yet)
    # nor in one from March 15 (its one day, March 7, is before it).
    text = test_accruals.OPENS + test_accruals.BEFORE_FUNDING
    book, _ = book_of(text, opens=False)
    first = book.cost(day(2025, 3, 14), start=day(2025, 3, 1))
    rest = book.cost(day(2025, 5, 31), start=day(2025, 3, 15))
    assert (first.by_invoice, closed(first)) == ((), 0)
    (invoice,) = rest.by_invoice
    # 40.00 / (1,800.00 x 1) x 365, as over the whole ledger.
    assert (invoice.closed_on, invoice.days, invoice.fees.total) == (day(2025, 3, 7), 1, D(40))
    assert closed(rest) == 1


def test_paid_to_us_before_the_funding_counts_one_day():
    text = test_accruals.OPENS + test_accruals.BEFORE_FUNDING
    book, _ = book_of(text, opens=False)
    report = book.cost(day(2025, 5, 31))
    (invoice,) = report.by_invoice
    # Funded March 7 (1,800.00 advanced), paid to us in full March 6: the spell ends the
    # day it began, and counts the least, one day: 40.00 / (1,800.00 x 1) x 365.
    assert (invoice.funded_on, invoice.closed_on, invoice.days) == (
        day(2025, 3, 7),
        day(2025, 3, 7),
        1,
    )
    assert invoice.fees.total == D("40.00")
    assert invoice.annual_rate == D(40) / D(1800) * YEAR


def _clean_doc_ledgers() -> list[tuple[str, str]]:
    """Every docs/ledger.md example that loads with no error (expect: ok)."""
    return [
        (block.name, block.text)
        for block in test_docs.read_blocks(test_docs.LEDGER_MD)
        if block.marker == "expect" and block.arg.strip() == "ok"
    ]


@pytest.mark.parametrize(
    ("name", "text"), _clean_doc_ledgers(), ids=[name for name, _ in _clean_doc_ledgers()]
)
def test_every_clean_documented_ledger_ties_out(name, text):
    # Deposits split by hand (section 7, "Postings you write yourself") included: a fee
    # posting written without factoring-part reads as the fees the plugin checked it
    # against, so it is counted once, kind by kind, in every kind of line.
    entries, errors, options_map = loader.load_string(text)
    assert errors == []
    book = compute(entries, options_map, errors)
    if any(isinstance(entry, data.Transaction) for entry in entries):
        check_every_month(book, entries)
    for factor in book.factors:
        report = book.cost(factor=factor)
        assert kinds(report.by_factor) == kinds(report.by_customer) == kinds(report.by_month)


# A deposit split by hand, its three fees in one posting without factoring-part (docs/
# ledger.md section 7): 2,150.00 at 95% = 2,042.50 advanced; 2.5% = 53.75 discount fee,
# 5.00 invoice fee, 15.00 transfer fee: 73.75 in one posting. TQL pays 30 days later.
HAND_SPLIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2.5%"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING|SUMMIT FIN"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2150.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking                1968.75 USD
  Assets:Receivable:TQL              -2150.00 USD
  Expenses:Factoring:Summit:Fees        73.75 USD
  Assets:Factoring:Summit:Reserve      107.50 USD

2025-04-04 * "TQL" "paid" ^INV-1001
  factoring: "collected"

2025-04-05 * "SUMMIT FUNDING" "rel" ^INV-1001
  Assets:Bank:Checking  107.50 USD
  Assets:Factoring:Summit:Reserve
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_deposit_split_by_hand_counts_each_fee_once_and_all_in_the_rate(model):
    text = HAND_SPLIT
    if model == "loan":
        # Pledged: the receivable stays until TQL pays, and
        text = text.replace("  recourse-days: 90", '  model: "loan"\n  recourse-days: 90')
        # the face is owed on the advances account until TQL pays the factor.
        text = text.replace(
            "  Assets:Receivable:TQL              -2150.00 USD\n",
            "  Liabilities:Factoring:Summit:Advances  -2150.00 USD\n",
        )
    book, _ = book_of(text)
    report = book.cost(day(2025, 4, 5))
    fees = Fees(discount=D("53.75"), invoice=D("5.00"), transfer=D("15.00"))
    (factor,) = report.by_factor
    (customer,) = report.by_customer  # no "(no invoice)" line: nothing counted twice
    (month,) = report.by_month
    assert customer.key == "TQL" and customer.key != NO_INVOICE
    assert factor.fees == customer.fees == month.fees == fees  # 73.75 each
    # 73.75 / (2,042.50 x 30) x 365 = 0.43928...: 43.93%, the transfer fee included.
    rate = D("73.75") / (D("2042.50") * 30) * YEAR
    assert factor.annual_rate == customer.annual_rate == rate
    assert round(rate * 100, 2) == D("43.93")
    assert factor.all_in_rate == rate  # no fee of no invoice
    (invoice,) = report.by_invoice
    assert (invoice.fees.total, invoice.annual_rate) == (D("73.75"), rate)


@pytest.mark.parametrize("detail", ["item", "invoice"])
def test_after_a_buyout_each_factor_has_the_vat_of_its_own_fees_on_a_shared_account(detail):
    # The ledger above (fee-timing "purchase") with VAT: Pine 25% on its fees, Summit 10%.
    # Pine's 300.00 at funding brings 75.00 of VAT; at the buyout Pine's late 300.00 brings
    # 25% = 75.00 and Summit's 450.00 brings 10% = 45.00, both in the buyout's one entry.
    # (The VAT lines read the fee postings of the factors' own fee accounts: on a shared
    # one they found none and gave the buyout's 120.00 to its factor, Summit.)
    # The bank: 13,500.00 - 300.00 - 75.00 = 13,125.00.
    text = SHARED_FEES.replace("DETAIL", detail).replace("TIMING", "purchase")
    text = text.replace(
        '  fees: Expenses:Factoring:Fees\n  recourse-days: 90\n  payee: "PINE',
        "  fees: Expenses:Factoring:Fees\n  fee-vat: 0.25\n"
        '  vat-account: Assets:Tax:VAT\n  recourse-days: 90\n  payee: "PINE',
    ).replace(
        '  fees: Expenses:Factoring:Fees\n  recourse-days: 90\n  payee: "SUMMIT',
        "  fees: Expenses:Factoring:Fees\n  fee-vat: 0.10\n"
        '  vat-account: Assets:Tax:VAT\n  recourse-days: 90\n  payee: "SUMMIT',
    )
    text = text.replace(
        "2025-01-01 open Income:Freight",
        "2025-01-01 open Income:Freight\n2025-01-01 open Assets:Tax:VAT",
    )
    entries, errors, options_map = loader.load_string(text.replace("AMOUNT", "13125.00"))
    assert errors == []
    report = compute(entries, options_map, errors).cost()
    factors = by_key(report.by_factor)
    assert (factors["Pine"].fees.total, factors["Pine"].vat) == (D("600.00"), D("150.00"))
    assert (factors["Summit"].fees.total, factors["Summit"].vat) == (D("450.00"), D("45.00"))
    months = {(line.key, line.factor): line.vat for line in report.by_month}
    assert months == {
        ("2025-01", "Pine"): D("75.00"),
        ("2025-03", "Pine"): D("75.00"),
        ("2025-03", "Summit"): D("45.00"),
    }
