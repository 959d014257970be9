"""The comparison with another factor's offer, with every figure worked out by hand.

The books: the SUMMIT ledger (flat 2% taken at purchase, advance 95%, 25.00 per deposit).
The offer: Bluewater, advance 90%, "tiered 1%/30d + 0.5%/15d" taken at collection, 10.00
per deposit, 60 recourse days. docs/reports.md, "Compare an offer", defines each figure.
"""

from __future__ import annotations

import datetime
import io
import re
import shlex
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from report_ledgers import SUMMIT, full

from beancount_factoring import cli
from beancount_factoring.reports import ReportBook, UnknownOffer, compute
from beancount_factoring.reports.model import CHARGED_BACK, COLLECTED, NO_INVOICE
from beancount_factoring.reports.render import render

D = Decimal
day = datetime.date
YEAR = D(365)
AS_OF = day(2025, 6, 30)

OFFER = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 0.5%/15d"
  fee-timing: "collection"
  transfer-fee: 10.00 USD
  recourse-days: 60
"""
MINIMUM = "  monthly-minimum-fee: 100.00 USD\n"


def with_model(text: str, model: str) -> str:
    return text.replace("  advance-rate: 0.95", f'  model: "{model}"\n  advance-rate: 0.95')


def book_of(text: str) -> tuple[ReportBook, list[data.Directive]]:
    entries, errors, options_map = loader.load_string(full(text))
    assert errors == []
    return compute(entries, options_map, errors), entries


def by_key(lines):
    return {line.key: line for line in lines}


# Actual (SUMMIT): deposit S1 (03-05) funds INV-1 (2,000.00) and INV-2 (1,000.00); its
# 25.00 transfer fee is shared by face: 25 x 2000/3000 = 16.67, and 8.33 on the last.
#   INV-1 TQL: 2% = 40.00 + 16.67 = 56.67; advance 1,900.00; paid 04-01: 27 days.
#   INV-2 CHR: 2% = 20.00 + 8.33 = 28.33; advance 950.00; paid (short) 04-03: 29 days.
#   INV-3 Echo: funded 03-11, 2% = 60.00 + 25.00 = 85.00; advance 2,850.00; charged back
#     06-15: 96 days (a flat fee taken at purchase: nothing more at the chargeback).
#   INV-6 funded 06-20, still open on 06-30: excluded.
# Offer (Bluewater), nothing taken at purchase; S1's 10.00 shared: 6.67 and 3.33.
#   INV-1: 1% of 2,000.00 for 27 days = 20.00 + 6.67 = 26.67; advance 1,800.00.
#   INV-2: 1% of 1,000.00 for 29 days = 10.00 + 3.33 = 13.33; advance 900.00.
#   INV-3: unpaid 60 days after funding: charged back on 03-11 + 60 = 05-10, its fee to
#     that day 1% + 2 x 0.5% (days 31-60) = 2% of 3,000.00 = 60.00 + 10.00 = 70.00;
#     advance 2,700.00 for 60 days.
ACTUAL_DOLLAR_DAYS = D(1900) * 27 + D(950) * 29 + D(2850) * 96  # 352,450
OFFER_DOLLAR_DAYS = D(1800) * 27 + D(900) * 29 + D(2700) * 60  # 236,700


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_tiered_offer_against_a_flat_agreement_per_invoice(model):
    book, _ = book_of(with_model(SUMMIT, model) + OFFER)
    (compared,) = book.compare(AS_OF).offers
    assert compared.offer == "Bluewater"
    invoices = {item.invoice: item for item in compared.invoices}
    assert sorted(invoices) == ["INV-1", "INV-2", "INV-3"]
    one, two, three = invoices["INV-1"], invoices["INV-2"], invoices["INV-3"]
    assert (one.actual.total, one.offer.total) == (D("56.67"), D("26.67"))
    assert (one.offer.discount, one.offer.transfer) == (D("20.00"), D("6.67"))
    assert (two.actual.total, two.offer.total) == (D("28.33"), D("13.33"))
    assert (one.actual_advance, one.offer_advance) == (D("1900.00"), D("1800.00"))
    assert one.actual_rate == D("56.67") / (D(1900) * 27) * YEAR
    assert one.offer_rate == D("26.67") / (D(1800) * 27) * YEAR
    # The chargeback: the books on 06-15; the offer's recourse runs out on 05-10.
    assert (three.outcome, three.closed_on) == (CHARGED_BACK, day(2025, 6, 15))
    assert (three.offer_outcome, three.offer_closed_on) == (CHARGED_BACK, day(2025, 5, 10))
    assert (three.actual.total, three.actual.chargeback) == (D("85.00"), D(0))
    assert (three.offer.chargeback, three.offer.transfer) == (D("60.00"), D("10.00"))
    assert one.outcome == one.offer_outcome == COLLECTED
    (excluded,) = compared.excluded
    assert (excluded.invoice, excluded.face) == ("INV-6", D("4000.00"))
    assert excluded.reason.startswith("open on 2025-06-30")


def test_per_month_per_customer_and_total():
    book, _ = book_of(SUMMIT + OFFER)
    (compared,) = book.compare(AS_OF).offers
    # All three compared invoices were funded in March.
    (march,) = compared.by_month
    assert (march.key, march.invoices, march.face) == ("2025-03", 3, D("6000.00"))
    assert (march.actual_fees, march.offer_fees) == (D("170.00"), D("110.00"))
    assert march.difference == D("-60.00")
    customers = by_key(compared.by_customer)
    assert set(customers) == {"TQL", "CHR", "Echo"}
    assert (customers["TQL"].actual_fees, customers["TQL"].offer_fees) == (
        D("56.67"),
        D("26.67"),
    )
    assert (customers["Echo"].actual_fees, customers["Echo"].offer_fees) == (
        D("85.00"),
        D("70.00"),
    )
    assert customers["Echo"].offer_rate == D("70.00") / (D(2700) * 60) * YEAR
    (total,) = compared.totals
    assert (total.key, total.currency, total.invoices) == ("total", "USD", 3)
    assert (total.actual_fees, total.offer_fees) == (D("170.00"), D("110.00"))
    assert total.actual_dollar_days == ACTUAL_DOLLAR_DAYS
    assert total.offer_dollar_days == OFFER_DOLLAR_DAYS
    assert total.actual_rate == D("170.00") / ACTUAL_DOLLAR_DAYS * YEAR  # 17.61%
    assert total.offer_rate == D("110.00") / OFFER_DOLLAR_DAYS * YEAR  # 16.96%


def test_the_actual_side_ties_to_the_cost_report():
    book, _ = book_of(SUMMIT + OFFER)
    (compared,) = book.compare(AS_OF).offers
    cost = book.cost(AS_OF)
    closed = {line.invoice: line for line in cost.by_invoice}
    # The cost report's invoices closed by 06-30 are exactly the ones compared, and the
    # customers' closed fees (the ones the annual rate counts) add up to the actual side.
    assert set(closed) == {item.invoice for item in compared.invoices}
    customers = [line for line in cost.by_customer if line.key != NO_INVOICE]
    assert sum(line.closed_fees for line in customers) == compared.totals[0].actual_fees
    assert sum(line.dollar_days for line in customers) == ACTUAL_DOLLAR_DAYS
    for line in compared.by_customer:
        assert line.actual_rate == by_key(cost.by_customer)[line.key].annual_rate


def test_a_period_counts_the_invoices_funded_in_it():
    book, _ = book_of(SUMMIT + OFFER)
    # From 03-10 on: INV-1 and INV-2 (funded 03-05) are out; INV-3 (the chargeback) is in.
    (compared,) = book.compare(AS_OF, start=day(2025, 3, 10)).offers
    assert [item.invoice for item in compared.invoices] == ["INV-3"]
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees, total.difference) == (
        D("85.00"),
        D("70.00"),
        D("-15.00"),
    )
    # Before the chargeback is booked INV-3 is open: excluded, nothing compared.
    (early,) = book.compare(day(2025, 6, 1), start=day(2025, 3, 10)).offers
    assert early.invoices == () and early.totals == ()
    assert [item.invoice for item in early.excluded] == ["INV-3"]


def test_the_offers_monthly_minimum():
    book, _ = book_of(SUMMIT + OFFER + MINIMUM)
    (compared,) = book.compare(AS_OF).offers
    months = by_key(compared.by_month)
    # Nothing is taken at purchase (fee-timing collection), and March's fees are booked in
    # April and May: March's discount fees come to 0.00, so 100.00 is charged. June funded
    # INV-6 (open) and books no discount fee: 100.00. April and May funded nothing, and
    # are charged the minimum all the same, as a factor charges it for a month with no
    # purchase: April books INV-1's 20.00 and INV-2's 10.00 (paid 04-01 and 04-03):
    # 70.00; May books INV-3's chargeback fee, 60.00 (05-10): 40.00.
    assert months["2025-03"].offer_fees == D("110.00") + D("100.00")
    assert (months["2025-04"].invoices, months["2025-04"].offer_fees) == (0, D("70.00"))
    assert (months["2025-05"].invoices, months["2025-05"].offer_fees) == (0, D("40.00"))
    assert (months["2025-06"].invoices, months["2025-06"].offer_fees) == (0, D("100.00"))
    assert months["2025-06"].actual_fees == D(0)
    assert compared.totals[0].offer_fees == D("420.00")
    # Charges apart from any invoice make a customer line of their own.
    assert by_key(compared.by_customer)[NO_INVOICE].offer_fees == D("310.00")
    # A month after the last the books funded an invoice (or charged a minimum) is no
    # month of the agreement: July to December are charged nothing.
    (later,) = book.compare(day(2025, 12, 31)).offers
    assert [line.key for line in later.by_month] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert later.totals[0].offer_fees == D("420.00")


def test_an_offer_changes_nothing_in_the_books():
    _, without = book_of(SUMMIT)
    book, entries = book_of(SUMMIT + OFFER)
    transactions = [e for e in entries if isinstance(e, data.Transaction)]
    assert transactions == [e for e in without if isinstance(e, data.Transaction)]
    opened = {e.account for e in entries if isinstance(e, data.Open)}
    assert not any("Bluewater" in account for account in opened)
    assert book.factors == ("Summit",)
    assert book.offers == ("Bluewater",)


def test_an_offer_with_a_bad_key_is_fct110():
    text = full(SUMMIT + OFFER + "  advance: 0.9\n")
    entries, errors, options_map = loader.load_string(text)
    messages = [str(getattr(e, "message", e)) for e in errors]
    assert len(messages) == 1 and "FCT110" in messages[0]
    assert "Offer 'Bluewater', key 'advance'" in messages[0]
    # The broken offer is not compared.
    assert compute(entries, options_map, errors).compare(AS_OF).offers == ()


def test_an_unknown_offer_is_refused_and_each_format_renders():
    book, _ = book_of(SUMMIT + OFFER)
    with pytest.raises(UnknownOffer, match="Bluewater"):
        book.compare(AS_OF, offer="Redwood")
    report = book.compare(AS_OF, offer="bluewater")
    text = render(report, "text")
    assert "Bluewater" in text and "170.00" in text and "110.00" in text
    assert "INV-6" in text  # the excluded invoice is listed
    csv_text = render(report, "csv")
    assert csv_text.splitlines()[0].startswith("offer,group,key,currency")
    assert '"actual_fees": "170.00"' in render(report, "json")


DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_reports_md_shows_what_compare_prints_for_the_ledger_of_ledger_md(tmp_path, monkeypatch):
    # 10,000.00 at flat 3% (advance 9,500.00), paid after 30 days: 300.00, 38.42% a year;
    # the offer's first tier, 1% = 100.00 on 9,000.00: 13.52% a year.
    guide = (DOCS / "ledger.md").read_text(encoding="utf-8")
    section = guide[guide.index("### 2.4 Offers from other factors") :]
    ledger = re.search(r"```beancount\n(.*?)```", section, re.S)[1]
    (shown,) = re.findall(
        r"<!-- compare: bean-factoring (.*?) -->\s*\n```text\n(.*?)```",
        (DOCS / "reports.md").read_text(encoding="utf-8"),
        re.S,
    )
    (tmp_path / "ledger.beancount").write_text(ledger, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    assert cli.main(shlex.split(shown[0]), out=out) == 0
    assert out.getvalue() == shown[1]
    assert "38.42%" in shown[1] and "13.52%" in shown[1] and "-200.00" in shown[1]


def test_what_cannot_be_replayed_is_listed_not_dropped():
    # test_cost_rates.BUYOUT: INV-1 (2,000.00) funded by Lakeshore on 03-03, bought out by
    # Pinecrest on 04-02, paid on 05-17: two factors' spells, not replayed on one offer.
    import test_cost_rates

    entries, errors, options_map = loader.load_string(full(test_cost_rates.BUYOUT + OFFER))
    assert errors == []
    book = compute(entries, options_map, errors)
    (compared,) = book.compare(day(2025, 5, 31)).offers
    assert compared.invoices == () and compared.totals == ()
    (left,) = compared.excluded
    assert (left.invoice, left.factor, left.face) == ("INV-1", "Lakeshore", D("2000.00"))
    assert left.reason.startswith("bought out by another factor")
    # With --factor Pinecrest nothing was funded by it in the period: nothing at all.
    (pinecrest,) = book.compare(day(2025, 5, 31), factor="Pinecrest").offers
    assert pinecrest.excluded == () and pinecrest.invoices == ()


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_books_monthly_minimum_is_on_the_actual_side(model):
    # test_cost_rates.MINIMUM: INV-1001 (2,000.00) funded 03-04 by Summit (2% + 5.00 invoice
    # fee = 45.00), paid 04-03 (30 days); March's minimum fee, 60.00, posted on 04-01.
    # Offer: 1% of 2,000.00 for 30 days = 20.00, and its 10.00 transfer fee on the deposit
    # that funded the invoice: 30.00. March's offer fees are booked in April (collection
    # timing): the offer has no monthly minimum, so none is charged.
    import test_cost_rates

    text = full(test_cost_rates.with_model(test_cost_rates.MINIMUM, model) + OFFER)
    entries, errors, options_map = loader.load_string(text)
    assert errors == []
    book = compute(entries, options_map, errors)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    (item,) = compared.invoices
    assert (item.actual.total, item.offer.total) == (D("45.00"), D("30.00"))
    months = by_key(compared.by_month)
    # The 60.00 charge, posted on 04-01, is March's minimum: on March's line, where the
    # offer's own minimum of March would be.
    assert (months["2025-03"].actual_fees, months["2025-03"].offer_fees) == (D("105.00"), D(30))
    assert "2025-04" not in months
    customers = by_key(compared.by_customer)
    cost = by_key(book.cost(day(2025, 4, 30)).by_customer)
    assert customers[NO_INVOICE].actual_fees == cost[NO_INVOICE].fees.total == D("60.00")
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("105.00"), D("30.00"))
    # All in: 105.00 / (1,900.00 x 30) x 365 = 67.24%, the cost report's all-in rate.
    assert total.actual_rate == book.cost(day(2025, 4, 30)).by_factor[0].all_in_rate


def test_a_non_recourse_offer_never_charges_back():
    # recourse-days: 0 is non-recourse. INV-3 (3,000.00, funded 03-11, charged back in the
    # books on 06-15) then runs to 06-15 on the offer too: 96 days, 1% + 5 x 0.5% (days
    # 31-105, in 15-day steps: 31-45, 46-60, 61-75, 76-90, 91-105) = 3.5% of 3,000.00 =
    # 105.00, charged back as in the books; + its deposit's 10.00.
    text = SUMMIT + OFFER.replace("recourse-days: 60", "recourse-days: 0")
    book, _ = book_of(text)
    (compared,) = book.compare(AS_OF).offers
    invoices = {item.invoice: item for item in compared.invoices}
    one, three = invoices["INV-1"], invoices["INV-3"]
    assert (one.offer_outcome, one.offer_closed_on) == (COLLECTED, day(2025, 4, 1))
    assert (three.offer_outcome, three.offer_closed_on) == (CHARGED_BACK, day(2025, 6, 15))
    assert three.offer.chargeback == D("105.00")


def test_an_offer_with_fees_in_another_currency_leaves_those_invoices_out():
    # An offer without currency: whose transfer fee is in CAD has no terms for the USD
    # invoices: compared, their fees would lack it and the offer look cheaper.
    book, _ = book_of(SUMMIT + OFFER.replace("transfer-fee: 10.00 USD", "transfer-fee: 10.00 CAD"))
    (compared,) = book.compare(AS_OF).offers
    assert compared.invoices == ()
    reasons = {item.invoice: item.reason for item in compared.excluded}
    assert reasons["INV-1"].startswith(
        "the offer gives transfer-fee: 10.00 CAD, not in USD: give the offer currency: "
    )


def test_a_months_minimums_do_not_depend_on_the_day_the_period_starts():
    # March funded INV-1 (2,000.00) and INV-2 (1,000.00) on 03-05 and INV-3 (3,000.00) on
    # 03-11: 6,000.00, above a 5,000.00 floor: no shortfall fee, whether the period
    # starts on 03-01 or on 03-06 (which compares INV-3 alone: its 60.00 chargeback fee
    # and 10.00 transfer fee; March books none of the offer's fees: the 100.00 floor).
    volume = '  monthly-minimum-volume: 5000.00 USD\n  volume-shortfall-fee: "1%"\n'
    book, _ = book_of(SUMMIT + OFFER + MINIMUM + volume)
    (whole,) = book.compare(AS_OF).offers
    (late,) = book.compare(AS_OF, start=day(2025, 3, 6)).offers
    assert by_key(late.by_month)["2025-03"].invoices == 1
    assert by_key(late.by_month)["2025-03"].offer_fees == D("70.00") + D("100.00")
    assert by_key(whole.by_month)["2025-03"].offer_fees == D("110.00") + D("100.00")


@pytest.mark.parametrize("posting", [False, True], ids=["event", "posting"])
@pytest.mark.parametrize("currency", ["CAD", "USD"])
def test_a_fee_tied_to_an_invoice_counts_once(currency, posting):
    # test_cost_report.CAD_INVOICE: CA-1 (1,000.00) funded 03-04, 90% less flat 2% =
    # 20.00, paid 04-01: 28 days; a 35.00 USD wire fee tied to it. Offer: 1% = 10.00.
    # In USD the fee is CA-1's: 55.00 on its line, nothing of no invoice. In CAD it
    # cannot be added to CA-1's: 20.00 on its line, 35.00 USD of no invoice.
    import test_cost_report as cost_ledgers

    fee = cost_ledgers.USD_FEE_POSTING if posting else cost_ledgers.USD_FEE_EVENT
    text = (cost_ledgers.CAD_INVOICE + fee).replace("CAD", currency)
    offer = """
2025-01-01 custom "factoring-offer" "Bluewater"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 60
"""
    book, _ = book_of(text + offer)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    (item,) = compared.invoices
    actual = {(line.key, line.currency): line.actual_fees for line in compared.by_customer}
    totals = {line.currency: line.actual_fees for line in compared.totals}
    if currency == "USD":
        assert item.actual.total == D("55.00")
        assert actual == {("TQL", "USD"): D("55.00")}
        assert totals == {"USD": D("55.00")}
    else:
        assert item.actual.total == D("20.00")
        assert actual == {("TQL", "CAD"): D("20.00"), (NO_INVOICE, "USD"): D("35.00")}
        assert totals == {"CAD": D("20.00"), "USD": D("35.00")}


OWN_OPENS = """
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Assets:Receivable:Birch
"""

# Granite (the books): advance 90%, flat 3%, 90 recourse days. C-1 (Acme, 5,000.00)
# funded 03-03, paid 05-20; C-2 (Birch, 1,000.00) funded 04-10, paid 04-25.
GRANITE_CEDAR = """
2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "GRANITE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-offer" "Cedar"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 1%/30d"
  fee-timing: "collection"
  recourse-days: 30
  monthly-minimum-fee: 100.00 USD

2025-03-02 * "Acme" "Load C1"
  invoice: "C-1"
  Assets:Receivable:Acme   5000.00 USD
  Income:Freight

2025-03-03 * "GRANITE" "ACH C-1" ^C-1
  Assets:Bank:Checking     4350.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-09 * "Birch" "Load C2"
  invoice: "C-2"
  Assets:Receivable:Birch  1000.00 USD
  Income:Freight

2025-04-10 * "GRANITE" "ACH C-2" ^C-2
  Assets:Bank:Checking      870.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-25 * "Birch" "Birch paid Granite" ^C-2
  factoring: "collected"

2025-05-20 * "Acme" "Acme paid Granite" ^C-1
  factoring: "collected"

2025-05-31 * "GRANITE" "Rebates" ^C-1 ^C-2
  Assets:Bank:Checking      600.00 USD
  Assets:Factoring:Granite:Reserve
"""


def test_the_offers_chargeback_fees_count_toward_its_monthly_minimum():
    # Cedar: C-1 unpaid 30 days after funding is charged back on 04-02 with 1% of
    # 5,000.00 = 50.00; C-2 is paid after 15 days: 1% of 1,000.00 = 10.00, booked when
    # its reserve is released (05-31, the books' release), as the plugin books a fee
    # taken at collection. March books none of the offer's fees: 100.00. April books
    # C-1's chargeback fee 50.00 (the plugin counts a chargeback's fee toward the
    # month's minimum): 50.00. May funded nothing and the books charged no minimum for
    # it: no month of the agreement. Offer: 50.00 + 10.00 + 100.00 + 50.00 = 210.00.
    # (Before, C-2's fee counted in April, the month paid: 40.00 for April, 200.00.)
    book, _ = book_of(OWN_OPENS + GRANITE_CEDAR)
    (compared,) = book.compare(day(2025, 5, 31)).offers
    months = by_key(compared.by_month)
    assert months["2025-03"].offer_fees == D("50.00") + D("100.00")
    assert months["2025-04"].offer_fees == D("10.00") + D("50.00")
    assert compared.totals[0].offer_fees == D("210.00")


# The offer Twin has Granite's own terms: on the same invoices it costs what Granite did.
GRANITE_TWIN_TERMS = """
  advance-rate: 0.90
  fee: "tiered 2%/30d + 0.5%/10d"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  wire-fee: 30.00 USD
  minimum-fee: 10.00 USD
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  monthly-minimum-fee: 300.00 USD
  recourse-days: 60
"""
GRANITE_TWIN = (
    '\n2025-01-01 custom "factoring-agreement" "Granite"'
    + GRANITE_TWIN_TERMS
    + '  payee: "GRANITE"\n  bank: Assets:Bank:Checking\n'
    + '\n2025-01-01 custom "factoring-offer" "Twin"'
    + GRANITE_TWIN_TERMS
    + """
2025-03-03 * "Acme" "Load D1"
  invoice: "D-1"
  Assets:Receivable:Acme   3000.00 USD
  Income:Freight

2025-03-03 * "Birch" "Load D2"
  invoice: "D-2"
  Assets:Receivable:Birch   500.00 USD
  Income:Freight

2025-03-04 * "GRANITE" "Wire" ^D-1 ^D-2
  transfer: "wire"
  Assets:Bank:Checking     3040.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-01 * "Granite" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"

2025-04-01 * "Granite" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-04-20 * "Acme" "Acme paid Granite" ^D-1
  factoring: "collected"

2025-04-25 * "GRANITE" "Rebate D-1" ^D-1
  Assets:Bank:Checking      270.00 USD
  Assets:Factoring:Granite:Reserve

2025-05-01 * "Granite" "Minimum volume, April"
  factoring: "fee"
  charge: "minimum-volume"

2025-05-01 * "Granite" "Minimum fee, April"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-05-03 * "Granite" "Chargeback D-2" ^D-2
  factoring: "chargeback"

2025-05-04 * "Acme" "Load D3"
  invoice: "D-3"
  Assets:Receivable:Acme   1000.00 USD
  Income:Freight

2025-05-05 * "GRANITE" "ACH D-3" ^D-3
  Assets:Bank:Checking      860.00 USD
  Assets:Factoring:Granite:Clearing

2025-05-20 * "Acme" "Acme paid Granite" ^D-3
  factoring: "collected"

2025-05-25 * "GRANITE" "Rebate D-3" ^D-3
  Assets:Bank:Checking      100.00 USD
  Assets:Factoring:Granite:Reserve

2025-06-02 * "Granite" "Minimum volume, May"
  factoring: "fee"
  charge: "minimum-volume"

2025-06-02 * "Granite" "Minimum fee, May"
  factoring: "fee"
  charge: "monthly-minimum-fee"
"""
)


@pytest.mark.parametrize("offered", ["2025-01-01", "2025-04-15"])
@pytest.mark.parametrize(
    "start", [None, day(2025, 2, 1), day(2025, 3, 15), day(2025, 4, 1), day(2025, 5, 1)]
)
def test_an_offer_on_the_agreements_own_terms_costs_what_the_books_did(start, offered):
    # D-1 (3,000.00) and D-2 (500.00) by one wire (30.00: 25.71 and 4.29 by face) on 03-04;
    # D-1: 2% 60.00 + 5.00 + 25.71, paid after 47 days: 0.5% x 2 = 30.00 late: 120.71.
    # D-2: 2% = 10.00 (the minimum) + 5.00 + 4.29, charged back after 60 days: 3.5% =
    # 17.50, 7.50 more: 26.79. D-3 (1,000.00) on 05-05: 20.00 + 5.00 + 15.00 = 40.00.
    # March: 3,500.00 funded, 6,500.00 short: 65.00; fees booked 70.00: 230.00 (charged
    # 04-01). April funded nothing: 10,000.00 short: 100.00; fees booked D-1's late fee
    # 30.00: 270.00 (charged 05-01). May: 9,000.00 short: 90.00; fees booked 20.00 + D-2's
    # chargeback fee 7.50: 272.50 (charged 06-02). The fee accounts hold 1,215.00 in all.
    # Each month's minimums are that month's on both sides, whatever day the period starts:
    # a period from April 1 holds neither side's minimums of March (charged April 1).
    # The offer's date does not matter: a period from before it (February, or March with
    # the offer dated April 15) is replayed on its terms all the same; February, before
    # the books' first funding or minimum, is no month of the agreement on either side.
    text = GRANITE_TWIN.replace(
        '2025-01-01 custom "factoring-offer"', f'{offered} custom "factoring-offer"'
    )
    book, _ = book_of(OWN_OPENS + text)
    (compared,) = book.compare(day(2025, 6, 30), start=start).offers
    for line in compared.by_month + compared.by_customer + compared.totals:
        assert line.actual_fees == line.offer_fees, line
    months = {line.key: line.actual_fees for line in compared.by_month}
    # (From March 15, March holds its minimums alone: D-1 and D-2 were funded before.)
    whole = {"2025-03": D("442.50"), "2025-04": D("370.00"), "2025-05": D("402.50")}
    expected = {
        None: whole,
        day(2025, 2, 1): whole,
        day(2025, 3, 15): {"2025-03": D("295.00"), "2025-04": D("370.00"), "2025-05": D("402.50")},
        day(2025, 4, 1): {"2025-04": D("370.00"), "2025-05": D("402.50")},
        day(2025, 5, 1): {"2025-05": D("402.50")},
    }
    assert months == expected[start]
    if start is None:
        assert compared.totals[0].actual_fees == D("1215.00")


def test_an_offer_in_two_currencies_compares_each_currency_on_its_own_terms():
    # One offer, Maple, written once per currency: U-1 (1,000.00 USD) on its USD terms,
    # 2% = 20.00 + 10.00 USD; K-1 (2,000.00 CAD) on its CAD terms, 1% = 20.00 + 12.00 CAD.
    text = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Northwind

2025-01-01 custom "factoring-agreement" "Larch" "USD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "LARCH"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Larch" "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "LARCH"
  bank: Assets:Bank:CAD

2025-01-01 custom "factoring-offer" "Maple" "USD"
  advance-rate: 0.90
  fee: "flat 2%"
  transfer-fee: 10.00 USD
  recourse-days: 90

2025-01-01 custom "factoring-offer" "MAPLE" "CAD"
  advance-rate: 0.90
  fee: "flat 1%"
  transfer-fee: 12.00 CAD
  recourse-days: 90

2025-03-03 * "Northwind" "Load U1"
  invoice: "U-1"
  Assets:Receivable:Northwind   1000.00 USD
  Income:Freight

2025-03-03 * "Northwind" "Load K1"
  invoice: "K-1"
  Assets:Receivable:Northwind   2000.00 CAD
  Income:Freight

2025-03-04 * "LARCH" "USD deposit" ^U-1
  Assets:Bank:Checking   870.00 USD
  Assets:Factoring:Larch:USD:Clearing

2025-03-04 * "LARCH" "CAD deposit" ^K-1
  Assets:Bank:CAD   1740.00 CAD
  Assets:Factoring:Larch:CAD:Clearing

2025-04-03 * "Northwind" "paid" ^U-1 ^K-1
  factoring: "collected"
"""
    book, _ = book_of(text)
    assert book.offers == ("Maple",)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    assert compared.offer == "Maple" and compared.excluded == ()
    totals = {line.currency: line.offer_fees for line in compared.totals}
    assert totals == {"USD": D("30.00"), "CAD": D("32.00")}


def test_an_open_invoices_fee_at_purchase_counts_toward_the_offers_monthly_minimum():
    # GRANITE_TWIN with D-4 (2,000.00) funded on 05-06 and still open on 06-30: left out,
    # but its 2% taken at purchase, 40.00, is booked in May on both sides. May: 3,000.00
    # funded, 7,000.00 short: 70.00; fees booked 20.00 + 40.00 + 7.50 = 67.50: 232.50.
    # Both sides: 120.71 + 26.79 + 40.00 (the invoices) + 65.00 + 230.00 (March) + 100.00
    # + 270.00 (April) + 70.00 + 232.50 (May) = 1,155.00 (before, the offer's May floor was
    # 40.00 higher).
    text = (
        GRANITE_TWIN
        + """
2025-05-05 * "Birch" "Load D4"
  invoice: "D-4"
  Assets:Receivable:Birch  2000.00 USD
  Income:Freight

2025-05-06 * "GRANITE" "ACH D-4" ^D-4
  Assets:Bank:Checking     1740.00 USD
  Assets:Factoring:Granite:Clearing
"""
    )
    book, _ = book_of(OWN_OPENS + text)
    (compared,) = book.compare(day(2025, 6, 30)).offers
    assert [item.invoice for item in compared.excluded] == ["D-4"]
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("1155.00"), D("1155.00"))


def test_the_transfer_fee_of_a_later_wire_of_a_schedule_is_on_the_actual_side():
    # ledger.md, "A schedule funded by several wires": F-1 (3,500.00), flat 2% = 70.00,
    # funded by a wire of 2,000.00 (transfer fee 15.00) and one of 1,225.00 the next day,
    # which pays what the first lacked less its own 15.00: the books paid 100.00, the
    # cost report's 85.00 for F-1 and 15.00 of no invoice. The offer (Granite's terms)
    # funds it once: 85.00.
    text = """
2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "GRANITE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-offer" "Rowan"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  recourse-days: 90

2025-03-03 * "Acme" "Loads"
  invoice: "F-1"
  Assets:Receivable:Acme   3500.00 USD
  Income:Freight

2025-03-04 * "Granite" "Schedule 1" ^F-1
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "GRANITE" "Wire 1 of 2"
  schedule: "1"
  Assets:Bank:Checking   2000.00 USD
  Assets:Factoring:Granite:Clearing

2025-03-06 * "GRANITE" "Wire 2 of 2"
  schedule: "1"
  Assets:Bank:Checking   1225.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-04 * "Acme" "paid" ^F-1
  factoring: "collected"
"""
    book, _ = book_of(OWN_OPENS + text)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("100.00"), D("85.00"))
    cost = by_key(book.cost(day(2025, 4, 30)).by_customer)
    customers = by_key(compared.by_customer)
    assert customers[NO_INVOICE].actual_fees == cost[NO_INVOICE].fees.total == D("15.00")


def test_a_deposit_split_by_hand_counts_its_fees_once():
    # ledger.md, "Postings you write yourself": the deposit books its fees in one posting
    # without factoring-part, 2.5% of 2,150.00 = 53.75 + 5.00 + 15.00 = 73.75. The actual
    # side: 73.75, A-7's alone (not again on the line of no invoice); the offer, on the
    # same terms, 73.75.
    text = """
2025-01-01 open Expenses:Factoring:Granite:Fees
2025-01-01 open Assets:Factoring:Granite:Reserve

2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.95
  fee: "flat 2.5%"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "GRANITE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-offer" "Rowan"
  advance-rate: 0.95
  fee: "flat 2.5%"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  recourse-days: 90

2025-03-03 * "Acme" "Load A7"
  invoice: "A-7"
  Assets:Receivable:Acme        2150.00 USD
  Income:Freight

2025-03-05 * "GRANITE" "ACH deposit" ^A-7
  Assets:Bank:Checking                1968.75 USD
  Assets:Receivable:Acme             -2150.00 USD
  Expenses:Factoring:Granite:Fees       73.75 USD
  Assets:Factoring:Granite:Reserve     107.50 USD

2025-04-04 * "Acme" "paid" ^A-7
  factoring: "collected"
"""
    book, _ = book_of(OWN_OPENS + text)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("73.75"), D("73.75"))
    assert NO_INVOICE not in by_key(compared.by_customer)


def test_a_fee_on_an_account_two_factors_share_is_on_the_actual_side():
    # A 12.00 wire fee booked by hand on the transfer-fee account Granite and Alder share,
    # whose factor no entry tells: the cost report's line of no invoice (and no factor).
    # The actual side left it out: 36.00 (A-1's 20.00 + 10.00, A-2's 30.00 + 15.00 would
    # be 75.00) without it; with it, 75.00 + 12.00 = 87.00.
    text = """
2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "GRANITE"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  transfer-fee: 10.00 USD
  transfer-fee-account: Expenses:Factoring:TransferFees

2025-01-01 custom "factoring-agreement" "Alder"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "ALDER CAPITAL"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  transfer-fee: 15.00 USD
  transfer-fee-account: Expenses:Factoring:TransferFees

2025-01-01 custom "factoring-offer" "Rowan"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 90

2025-03-03 * "Acme" "Load 1"
  invoice: "A-1"
  Assets:Receivable:Acme       1000.00 USD
  Income:Freight

2025-03-03 * "Birch" "Load 2"
  invoice: "A-2"
  Assets:Receivable:Birch      1000.00 USD
  Income:Freight

2025-03-04 * "GRANITE" "ACH deposit" ^A-1
  Assets:Bank:Checking          920.00 USD
  Assets:Factoring:Granite:Clearing

2025-03-04 * "ALDER CAPITAL" "ACH deposit" ^A-2
  Assets:Bank:Checking          855.00 USD
  Assets:Factoring:Alder:Clearing

2025-03-05 * "Bank" "Wire fee by hand"
  Expenses:Factoring:TransferFees   12.00 USD
  Assets:Bank:Checking

2025-04-03 * "Acme" "paid" ^A-1 ^A-2
  factoring: "collected"
"""
    book, _ = book_of(OWN_OPENS + text)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    cost = by_key(book.cost(day(2025, 4, 30)).by_customer)
    customers = by_key(compared.by_customer)
    assert customers[NO_INVOICE].actual_fees == cost[NO_INVOICE].fees.total == D("12.00")
    assert compared.totals[0].actual_fees == D("87.00")


def test_a_second_offer_of_one_name_and_currency_is_fct110():
    # Two versions of Bluewater pasted one under the other (the second "bluewater", 2%
    # flat): one would replace the other without a word. The second is FCT110 at its own
    # line, and the first is compared: INV-1 costs 20.00 + 6.67 on its terms, as above.
    second = OFFER.replace('"Bluewater"', '"bluewater"').replace(
        '"tiered 1%/30d + 0.5%/15d"', '"flat 2%"'
    )
    text = full(SUMMIT + OFFER + second.replace("2025-01-01", "2025-02-01"))
    entries, errors, options_map = loader.load_string(text)
    (error,) = errors
    lines = text.splitlines()
    assert 'custom "factoring-offer" "bluewater"' in lines[error.source["lineno"] - 1]
    first = lines.index('2025-01-01 custom "factoring-offer" "Bluewater"') + 1
    assert error.message == (
        "FCT110 Offer 'bluewater': a second factoring-offer of this name (the first is at "
        f"<string>:{first}); the first is compared, this one is left out. To compare both, "
        'give this one another name, like "bluewater 2025"; else delete the one not meant'
    )
    (compared,) = compute(entries, options_map, errors).compare(AS_OF).offers
    invoices = {item.invoice: item for item in compared.invoices}
    assert invoices["INV-1"].offer.total == D("26.67")
    # Named apart, both are compared; one per currency is one offer, no error.
    renamed = second.replace('"bluewater"', '"Bluewater 2025"')
    book, _ = book_of(SUMMIT + OFFER + renamed)
    assert [item.offer for item in book.compare(AS_OF).offers] == ["Bluewater", "Bluewater 2025"]
    per_currency = OFFER.replace('"Bluewater"', '"Bluewater" "USD"')
    in_cad = second.replace('"bluewater"', '"bluewater" "CAD"').replace("USD", "CAD")
    book, _ = book_of(SUMMIT + per_currency + in_cad)
    assert [item.offer for item in book.compare(AS_OF).offers] == ["Bluewater"]
