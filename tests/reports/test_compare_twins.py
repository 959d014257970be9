"""An offer written on the agreement's own terms costs what the books did, line by line.

The family of ``test_compare.test_an_offer_on_the_agreements_own_terms_costs_what_the_
books_did``, extended: fees taken at collection (booked when the reserve is released, in
the month of the release), credit losses, part months. Each ledger is the agreement
Granite and the offer Twin, written with the same keys; every figure is worked out by hand.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from report_ledgers import full
from test_compare import GRANITE_TWIN_TERMS, OWN_OPENS

from beancount_factoring.reports import ReportBook, compute

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
