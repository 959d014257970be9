"""An offer written on the agreement's own terms costs what the books did, line by line.

The family of ``test_compare.test_an_offer_on_the_agreements_own_terms_costs_what_the_
books_did``, extended: fees taken at collection (booked when the reserve is released, in
the month of the release), credit losses, part months. Each ledger is the agreement
Granite and the offer Twin, written with the same keys; every figure is worked out by hand.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

import pytest
from beancount import loader
from report_ledgers import full
from test_compare import GRANITE_TWIN_TERMS, OWN_OPENS

from beancount_factoring.reports import ReportBook, compute
from beancount_factoring.reports.model import CHARGED_BACK, CREDIT_LOSS
from beancount_factoring.reports.render import render
from beancount_factoring.settlement import history

D = Decimal
day = datetime.date
AS_OF = day(2025, 6, 30)


def book_of(text: str) -> ReportBook:
    entries, errors, options_map = loader.load_string(full(OWN_OPENS + text))
    assert [getattr(e, "message", e) for e in errors] == []
    return compute(entries, options_map, errors)


def twin(terms: str, body: str, offer_terms: str | None = None) -> str:
    """The agreement Granite and the offer Twin on ``terms`` (the offer's own if given)."""
    return (
        '\n2025-01-01 custom "factoring-agreement" "Granite"'
        + terms
        + '  payee: "GRANITE"\n  bank: Assets:Bank:Checking\n'
        + '\n2025-01-01 custom "factoring-offer" "Twin"'
        + (terms if offer_terms is None else offer_terms)
        + body
    )


def assert_twin(compared) -> None:
    """Each month, customer and total line costs the same on both sides."""
    for line in compared.by_month + compared.by_customer + compared.totals:
        assert line.actual_fees == line.offer_fees, line


def months_of(compared) -> dict[str, Decimal]:
    return {line.key: line.actual_fees for line in compared.by_month}


# --- Fees taken at collection ------------------------------------------------------
#
# GRANITE_TWIN's invoices, the fee taken at collection ("tiered 2%/30d + 0.5%/10d" on
# the face, to the day the customer paid): the plugin books it when the reserve is
# released, and counts it toward the monthly minimum of the fees booked in the month of
# the release, not of the payment.
#   D-1 (3,000.00) and D-2 (500.00) by one wire on 03-04: advance 2,700.00 + 450.00 -
#     invoice fees 10.00 - wire 30.00 = 3,110.00 (30.00 shared: 25.71 and 4.29).
#   D-1 paid 04-20, 47 days: 2% + 0.5% (31-40) + 0.5% (41-50) = 3% = 90.00 (60.00
#     discount, 30.00 late); released 300.00 - 90.00 = 210.00. 90.00 + 5.00 + 25.71
#     = 120.71.
#   D-2 charged back 05-03, 60 days: 2% + 3 x 0.5% = 3.5% of 500.00 = 17.50, booked on
#     the chargeback; 17.50 + 5.00 + 4.29 = 26.79.
#   D-3 (1,000.00) on 05-05: 900.00 - 5.00 - 15.00 = 880.00; paid 05-20, 15 days: 2% =
#     20.00, released 100.00 - 20.00 = 80.00; 20.00 + 5.00 + 15.00 = 40.00.
COLLECTION_TERMS = GRANITE_TWIN_TERMS.replace(
    "  recourse-days: 60\n", '  recourse-days: 60\n  fee-timing: "collection"\n'
)


def collection_body(d1_release: str, d3_release: str) -> str:
    return f"""
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
  Assets:Bank:Checking     3110.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-01 * "Granite" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"

2025-04-01 * "Granite" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-04-20 * "Acme" "Acme paid Granite" ^D-1
  factoring: "collected"

{d1_release} * "GRANITE" "Rebate D-1" ^D-1
  Assets:Bank:Checking      210.00 USD
  Assets:Factoring:Granite:Reserve

2025-05-01 * "Granite" "Minimum volume, April"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-04"

2025-05-01 * "Granite" "Minimum fee, April"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  period: "2025-04"

2025-05-03 * "Granite" "Chargeback D-2" ^D-2
  factoring: "chargeback"

2025-05-04 * "Acme" "Load D3"
  invoice: "D-3"
  Assets:Receivable:Acme   1000.00 USD
  Income:Freight

2025-05-05 * "GRANITE" "ACH D-3" ^D-3
  Assets:Bank:Checking      880.00 USD
  Assets:Factoring:Granite:Clearing

2025-05-20 * "Acme" "Acme paid Granite" ^D-3
  factoring: "collected"

{d3_release} * "GRANITE" "Rebate D-3" ^D-3
  Assets:Bank:Checking       80.00 USD
  Assets:Factoring:Granite:Reserve

2025-06-02 * "Granite" "Minimum volume, May"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-05"

2025-06-02 * "Granite" "Minimum fee, May"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  period: "2025-05"
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize(
    ("d1_release", "d3_release", "expected"),
    [
        # Released in the month paid. March: 3,500.00 funded, 6,500.00 short: 65.00; no
        # fee booked (taken at collection): 300.00. April: nothing funded: 100.00; D-1's
        # 90.00 booked on 04-25: 210.00. May: 9,000.00 short: 90.00; D-2's 17.50 (05-03)
        # + D-3's 20.00 (05-25) = 37.50: 262.50. Lines: March D-1 + D-2 = 147.50 + 365.00
        # = 512.50; April 310.00; May D-3's 40.00 + 352.50 = 392.50. 1,215.00 in all.
        (
            "2025-04-25",
            "2025-05-25",
            {"2025-03": D("512.50"), "2025-04": D("310.00"), "2025-05": D("392.50")},
        ),
        # D-1 paid 04-20, released 05-02: its 90.00 is May's. April books no fee: 100.00 +
        # 300.00 = 400.00; May 90.00 + 17.50 + 20.00 = 127.50: 90.00 + 172.50, + D-3's
        # 40.00 = 302.50. (Before, the offer counted D-1's fee in April, the month paid:
        # April 310.00, May 392.50 on the offer's side.)
        (
            "2025-05-02",
            "2025-05-25",
            {"2025-03": D("512.50"), "2025-04": D("400.00"), "2025-05": D("302.50")},
        ),
        # D-3 paid 05-20, released 06-03: its 20.00 is June's, which has no minimum (no
        # funding, no minimum charged): May 90.00 + 17.50 = 107.50: 90.00 + 192.50 + 40.00
        # = 322.50; 512.50 + 400.00 + 322.50 = 1,235.00.
        (
            "2025-05-02",
            "2025-06-03",
            {"2025-03": D("512.50"), "2025-04": D("400.00"), "2025-05": D("322.50")},
        ),
    ],
)
def test_fees_taken_at_collection_count_in_the_month_of_the_release(
    model, d1_release, d3_release, expected
):
    terms = COLLECTION_TERMS
    if model == "loan":
        terms = terms.replace("  advance-rate:", '  model: "loan"\n  advance-rate:')
    book = book_of(twin(terms, collection_body(d1_release, d3_release)))
    (compared,) = book.compare(AS_OF).offers
    assert months_of(compared) == expected
    assert_twin(compared)
    invoices = {item.invoice: item.offer.total for item in compared.invoices}
    assert invoices == {"D-1": D("120.71"), "D-2": D("26.79"), "D-3": D("40.00")}


# --- Part months ---------------------------------------------------------------------
#
# Granite's first agreement starts on March 15: March is a part month, 17 of its 31 days
# under an agreement. P-1 (5,000.00) funded 03-17, flat 2% = 100.00 taken at purchase,
# advance 4,500.00 - 100.00 = 4,400.00; paid 04-10, its reserve 500.00 back on 04-15.
PART_TERMS = """
  advance-rate: 0.90
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  monthly-minimum-fee: 300.00 USD
  recourse-days: 60
"""
PART_BODY = """
2025-03-16 * "Acme" "Load P1"
  invoice: "P-1"
  Assets:Receivable:Acme   5000.00 USD
  Income:Freight

2025-03-17 * "GRANITE" "ACH P-1" ^P-1
  Assets:Bank:Checking     4400.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-01 * "Granite" "Minimum volume, March"
  factoring: "fee"
  charge: "minimum-volume"

2025-04-01 * "Granite" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-04-10 * "Acme" "Acme paid Granite" ^P-1
  factoring: "collected"

2025-04-15 * "GRANITE" "Rebate P-1" ^P-1
  Assets:Bank:Checking      500.00 USD
  Assets:Factoring:Granite:Reserve

2025-05-01 * "Granite" "Minimum volume, April"
  factoring: "fee"
  charge: "minimum-volume"

2025-05-01 * "Granite" "Minimum fee, April"
  factoring: "fee"
  charge: "monthly-minimum-fee"
"""


@pytest.mark.parametrize(
    ("part", "march"),
    [
        # "prorated": March's minimums are 17/31 of the month's: volume 10,000.00 x 17/31
        # = 5,483.87, 5,000.00 funded, 483.87 short: 1% = 4.84; fees 300.00 x 17/31 =
        # 164.52, 100.00 booked: 64.52. March: 100.00 + 4.84 + 64.52 = 169.36. (Before,
        # the offer charged March's whole minimums, 50.00 + 200.00: 350.00.)
        ("prorated", D("169.36")),
        # "full" (the default): the whole minimums: 5,000.00 short: 50.00; 200.00.
        ("full", D("350.00")),
    ],
)
def test_a_part_month_owes_what_part_month_minimum_says(part, march):
    # April, a whole month: nothing funded, 10,000.00 short: 100.00; no fee booked (P-1's
    # was taken at purchase): 300.00. April: 400.00.
    terms = PART_TERMS + f'  part-month-minimum: "{part}"\n'
    text = twin(terms, PART_BODY).replace(
        '2025-01-01 custom "factoring-agreement"', '2025-03-15 custom "factoring-agreement"'
    )
    book = book_of(text)
    (compared,) = book.compare(AS_OF).offers
    assert months_of(compared) == {"2025-03": march, "2025-04": D("400.00")}
    assert_twin(compared)


@pytest.mark.parametrize("kept", [False, True], ids=["settled-again", "plugin-run"])
def test_a_month_a_buyout_ends_is_a_part_month_of_the_factor_bought_out(kept, monkeypatch):
    # test_part_month_minimums.BOUGHT_OUT: Lakeshore (minimum volume 10,000.00, 1%,
    # prorated) funds INV-1 (2,000.00) on 03-04 and is bought out by Pinecrest on 03-11:
    # its March is 11 of 31 days, 10,000.00 x 11/31 = 3,548.39, 1,548.39 short: 15.48, on
    # both sides for Lakeshore (INV-1, bought out, is compared on neither). The offer in
    # the place of both factors has every day of March under an agreement: its whole
    # minimum, 8,000.00 short: 80.00, against the books' 15.48. The same from the plugin's
    # own run (the buyout as written, without links) and from the entries it wrote (with
    # the links of the invoices it took).
    import test_part_month_minimums as part

    monkeypatch.setattr(history, "_wanted", kept)

    offer = """
2025-01-01 custom "factoring-offer" "Twin"
  advance-rate: 0.95
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  part-month-minimum: "prorated"
  recourse-days: 90
"""
    book = book_of(part.BOUGHT_OUT + offer)
    (lakeshore,) = book.compare(AS_OF, factor="Lakeshore").offers
    assert [item.invoice for item in lakeshore.excluded] == ["INV-1"]
    assert months_of(lakeshore) == {"2025-03": D("15.48")}
    assert_twin(lakeshore)
    (both,) = book.compare(AS_OF).offers
    (march,) = both.by_month
    assert (march.actual_fees, march.offer_fees) == (D("15.48"), D("80.00"))


# --- Credit losses -------------------------------------------------------------------
#
# Granite, non-recourse: L-1 (2,000.00) funded 03-04, the first tier taken at purchase:
# 1,800.00 - 2% 40.00 - 5.00 - 15.00 = 1,740.00, reserve 200.00. Acme is insolvent:
# written off on 05-13, 70 days: 2% + 4 x 0.5% (31-40, 41-50, 51-60, 61-70) = 4% =
# 80.00, 40.00 more on the day. The reserve, 200.00, is forfeited: 40.00 of it the fee,
# 160.00 the credit loss. L-1 cost 40.00 + 5.00 + 15.00 + 40.00 = 100.00 in fees.
# Monthly minimum of fees, 300.00: March books 40.00: 260.00; April none: 300.00; May the
# loss's 40.00 (the plugin counts it): 260.00. Fees: 100.00 + 260.00 + 300.00 + 260.00
# = 920.00.
LOSS_TERMS = """
  advance-rate: 0.90
  fee: "tiered 2%/30d + 0.5%/10d"
  invoice-fee: 5.00 USD
  transfer-fee: 15.00 USD
  monthly-minimum-fee: 300.00 USD
  recourse-days: 0
"""


def loss_body(released: bool = False) -> str:
    # Released (reserve-on-loss: "released"): the reserve less the fee, 160.00, back on
    # 05-20, when the fee is booked.
    rebate = """
2025-05-20 * "GRANITE" "Reserve L-1 less fees" ^L-1
  Assets:Bank:Checking      160.00 USD
  Assets:Factoring:Granite:Reserve
"""
    return (
        """
2025-03-03 * "Acme" "Load L1"
  invoice: "L-1"
  Assets:Receivable:Acme   2000.00 USD
  Income:Freight

2025-03-04 * "GRANITE" "ACH L-1" ^L-1
  Assets:Bank:Checking     1740.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-01 * "Granite" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-05-01 * "Granite" "Minimum fee, April"
  factoring: "fee"
  charge: "monthly-minimum-fee"

2025-05-13 * "Granite" "Acme insolvent" ^L-1
  factoring: "credit-loss"
"""
        + (rebate if released else "")
        + """
2025-06-02 * "Granite" "Minimum fee, May"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  period: "2025-05"
"""
    )


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("released", [False, True], ids=["forfeited", "released"])
def test_a_credit_loss_on_the_agreements_own_terms(model, released):
    # Forfeited: 160.00 lost on both sides. Released: nothing lost; the fee, 40.00, is
    # booked with the release on 05-20, in May as well: the same fees.
    terms = LOSS_TERMS + ('  reserve-on-loss: "released"\n' if released else "")
    if model == "loan":
        terms = terms.replace("  advance-rate:", '  model: "loan"\n  advance-rate:')
    book = book_of(twin(terms, loss_body(released)))
    (compared,) = book.compare(AS_OF).offers
    assert compared.excluded == ()
    (item,) = compared.invoices
    assert (item.outcome, item.closed_on) == (CREDIT_LOSS, day(2025, 5, 13))
    assert (item.offer_outcome, item.offer_closed_on) == (CREDIT_LOSS, day(2025, 5, 13))
    lost = D(0) if released else D("160.00")
    assert (item.actual.total, item.actual_loss) == (D("100.00"), lost)
    assert (item.offer.total, item.offer_loss) == (D("100.00"), lost)
    assert months_of(compared) == {
        "2025-03": D("360.00"),
        "2025-04": D("300.00"),
        "2025-05": D("260.00"),
    }
    assert_twin(compared)
    (total,) = compared.totals
    assert (total.actual_fees, total.actual_losses) == (D("920.00"), lost)
    assert (total.offer_losses, total.difference) == (lost, D(0))


def test_under_an_offer_with_recourse_a_credit_loss_is_charged_back_and_lost_whole():
    # The offer on Granite's terms but for 60 recourse days: Acme never pays, so the offer
    # charges L-1 back on 03-04 + 60 = 05-03, its fee to that day 2% + 3 x 0.5% = 3.5% =
    # 70.00, 30.00 more as the chargeback's; and the business, not the factor, bears the
    # loss: the face unpaid, 2,000.00. Offer fees 40.00 + 5.00 + 15.00 + 30.00 = 90.00;
    # May books the chargeback's 30.00: 270.00. Offer: 90.00 + 260.00 + 300.00 + 270.00
    # = 920.00 in fees and 2,000.00 lost, against the books' 920.00 and 160.00: the
    # offer costs 1,840.00 more. (Before, L-1 was left out, and the offer's cost without
    # the loss it leaves the business looked the same as the books'.)
    offer_terms = LOSS_TERMS.replace("recourse-days: 0", "recourse-days: 60")
    book = book_of(twin(LOSS_TERMS, loss_body(), offer_terms))
    (compared,) = book.compare(AS_OF).offers
    (item,) = compared.invoices
    assert (item.offer_outcome, item.offer_closed_on) == (CHARGED_BACK, day(2025, 5, 3))
    assert (item.offer.chargeback, item.offer.total) == (D("30.00"), D("90.00"))
    assert (item.actual_loss, item.offer_loss) == (D("160.00"), D("2000.00"))
    months = {line.key: (line.actual_fees, line.offer_fees) for line in compared.by_month}
    assert months["2025-05"] == (D("260.00"), D("270.00"))
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("920.00"), D("920.00"))
    assert (total.actual_losses, total.offer_losses) == (D("160.00"), D("2000.00"))
    assert total.difference == D("1840.00")


def test_the_losses_are_shown_in_each_format():
    # The offer with recourse above: its total costs 920.00 + 2,000.00 against 920.00 +
    # 160.00. Text shows the losses beside the fees (only when an invoice was lost);
    # CSV gives them in the last two columns; JSON as fields of each line and invoice.
    offer_terms = LOSS_TERMS.replace("recourse-days: 0", "recourse-days: 60")
    book = book_of(twin(LOSS_TERMS, loss_body(), offer_terms))
    report = book.compare(AS_OF)
    text = render(report, "text")
    # The rates are of the fees, all in: 920.00 / (1,800.00 x 70) x 365 = 266.51% and
    # 920.00 / (1,800.00 x 60) x 365 = 310.93%.
    total = next(line for line in text.splitlines() if line.startswith("total"))
    cells = "USD 1 2,000.00 920.00 160.00 266.51% 920.00 2,000.00 310.93% 1,840.00"
    assert total.split()[1:] == cells.split(" ")
    assert "Actual losses" in text and "Offer losses" in text
    assert "credit loss 2025-05-13" in text and "charged back 2025-05-03" in text
    rows = list(csv.reader(io.StringIO(render(report, "csv"))))
    assert rows[0][-2:] == ["actual_losses", "offer_losses"]
    assert rows[1][:3] == ["Twin", "total", "total"] and rows[1][-2:] == ["160.00", "2000.00"]
    invoice = next(row for row in rows if row[1] == "invoice")
    assert invoice[-2:] == ["160.00", "2000.00"]
    data = json.loads(render(report, "json"))
    assert data["offers"][0]["totals"][0]["offer_losses"] == "2000.00"
    assert data["offers"][0]["invoices"][0]["actual_loss"] == "160.00"
    # Without a credit loss the text has no loss columns.
    plain = book_of(twin(COLLECTION_TERMS, collection_body("2025-04-25", "2025-05-25")))
    assert "loss" not in render(plain.compare(AS_OF), "text")


@pytest.mark.parametrize(
    ("as_of", "may"),
    [
        # As of May 31 (and June 1) the books have not charged May's minimums yet (on June
        # 2): May holds D-3's 40.00 alone, on both sides. (Before, the offer charged its
        # own for May, the month being over: 40.00 + 90.00 + 272.50 = 402.50 against 40.00.)
        (day(2025, 5, 31), D("40.00")),
        (day(2025, 6, 1), D("40.00")),
        # Charged on June 2: 402.50 on both sides.
        (day(2025, 6, 2), D("402.50")),
    ],
)
def test_a_months_minimums_count_from_the_day_the_books_charge_them(as_of, may):
    # test_compare.GRANITE_TWIN: March 442.50 and April 370.00 (charged 04-01 and 05-01).
    from test_compare import GRANITE_TWIN

    (compared,) = book_of(GRANITE_TWIN).compare(as_of).offers
    assert months_of(compared) == {"2025-03": D("442.50"), "2025-04": D("370.00"), "2025-05": may}
    assert_twin(compared)


def _twins() -> dict[str, str]:
    from test_compare import GRANITE_TWIN

    prorated = PART_TERMS + '  part-month-minimum: "prorated"\n'
    found = {
        "own-terms": GRANITE_TWIN,
        "collection": twin(COLLECTION_TERMS, collection_body("2025-05-02", "2025-06-03")),
        "loss": twin(LOSS_TERMS, loss_body()),
        "loss-released": twin(LOSS_TERMS + '  reserve-on-loss: "released"\n', loss_body(True)),
        "part-month": twin(prorated, PART_BODY).replace(
            '2025-01-01 custom "factoring-agreement"', '2025-03-15 custom "factoring-agreement"'
        ),
    }
    return found


def _days() -> list[datetime.date]:
    """Every fourth day from March 1 to July 5, and each month's last day and the next two."""
    days = {day(2025, 3, 1) + datetime.timedelta(days=n) for n in range(0, 127, 4)}
    for month in (3, 4, 5, 6):
        first = day(2025, month + 1, 1)
        days |= {first - datetime.timedelta(days=1), first, first + datetime.timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("name", list(_twins()))
def test_every_twin_costs_what_the_books_did_on_any_day_from_any_start(name, model):
    # Each ledger above, as of each day (a month's last day, the next, the day the books
    # charge its minimums), from each start: line by line, the same on both sides.
    text = _twins()[name]
    if model == "loan":
        text = text.replace("  advance-rate:", '  model: "loan"\n  advance-rate:')
    book = book_of(text)
    starts = [None, day(2025, 3, 15), day(2025, 4, 1), day(2025, 4, 21), day(2025, 5, 1)]
    for as_of in _days():
        for start in starts:
            if start is None or start <= as_of:
                assert_twin(book.compare(as_of, start=start).offers[0])
