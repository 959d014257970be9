"""The comparison with an offer on ledgers that are easy to get wrong in silence.

A fee-free fuel advance, an offer without terms for some currency, an as-of date in the
middle of an invoice's life: each figure is worked out by hand in a comment.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from test_compare_twins import AS_OF, book_of, twin

D = Decimal
day = datetime.date

# Granite's fuel advances are free: 40% of the load, 800.00, paid at pickup. F-1 (2,000.00)
# funded 03-04: 1,800.00 - 2% 40.00 - the fuel advance 800.00 = 960.00; paid 04-03.
FREE_FUEL = """
2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  fuel-advance-rate: 0.40
  payee: "GRANITE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-offer" "Rowan"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  fuel-advance-rate: 0.40
  fuel-advance-fee: "3%"

2025-03-01 * "GRANITE" "Fuel advance load A-88"
  factoring: "fuel-advance"
  load: "A-88"
  Assets:Bank:Checking                   800.00 USD

2025-03-03 * "Acme" "F-1 load A-88"
  invoice: "F-1"
  load: "A-88"
  Assets:Receivable:Acme        2000.00 USD
  Income:Freight

2025-03-04 * "GRANITE" "ACH F-1" ^F-1
  Assets:Bank:Checking     960.00 USD
  Assets:Factoring:Granite:Clearing

2025-04-03 * "Acme" "paid" ^F-1
  factoring: "collected"
"""


def test_an_invoice_with_a_fee_free_fuel_advance_is_not_compared():
    # The books charged no fee on F-1's fuel advance; Rowan charges 3% of it, 24.00, which
    # the comparison does not replay. Compared, F-1 cost 40.00 on both sides, the offer's
    # 24.00 left out: listed as not compared, as one whose fuel advance had a fee is.
    book = book_of(FREE_FUEL)
    (compared,) = book.compare(AS_OF).offers
    assert compared.invoices == ()
    (left,) = compared.excluded
    assert left.invoice == "F-1"
    assert left.reason.startswith("fuel advance")


# Larch factors in USD and CAD; its CAD agreement sets a monthly minimum of fees, 100.00
# CAD: March's CAD fees, 3% of 2,000.00 = 60.00, leave 40.00 CAD to pay. The offer, Maple,
# has terms in USD only.
TWO_CURRENCIES = """
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
  monthly-minimum-fee: 100.00 CAD
  payee: "LARCH"
  bank: Assets:Bank:CAD

2025-01-01 custom "factoring-offer" "Maple" "USD"
  advance-rate: 0.90
  fee: "flat 2%"
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

2025-04-01 * "Larch" "Minimum fee, March"
  factoring: "fee"
  charge: "monthly-minimum-fee"
  amount: 40.00 CAD

2025-04-03 * "Northwind" "paid" ^U-1 ^K-1
  factoring: "collected"
"""


def test_the_charges_in_a_currency_the_offer_has_no_terms_for_are_left_out_with_its_invoices():
    # U-1: 3% = 30.00 against Maple's 2% = 20.00. K-1 is not compared (no CAD terms); nor
    # is Larch's CAD minimum, 40.00 CAD: against no offer's fee it made Maple look 40.00
    # CAD cheaper, a CAD total of 40.00 against 0.00 (as before).
    book = book_of(TWO_CURRENCIES)
    (compared,) = book.compare(day(2025, 4, 30)).offers
    assert [item.invoice for item in compared.excluded] == ["K-1"]
    lines = compared.totals + compared.by_month + compared.by_customer
    assert {line.currency for line in lines} == {"USD"}
    (total,) = compared.totals
    assert (total.actual_fees, total.offer_fees) == (D("30.00"), D("20.00"))


def test_a_credit_loss_the_offer_charges_back_after_the_as_of_date_is_not_compared_yet():
    # test_compare_twins' L-1 (funded 03-04, written off 05-13) under an offer with 90
    # recourse days: charged back on 03-04 + 90 = 06-02. As of 05-31 the offer still holds
    # it: not compared yet, as an invoice still open is not (its fee to 06-02 and the month
    # of June would be a report of after the as-of date). As of 06-30: charged back on
    # 06-02, 2% + 6 x 0.5% = 5% = 100.00, 60.00 more; fees 40.00 + 5.00 + 15.00 + 60.00 =
    # 120.00, and the face, 2,000.00, lost.
    import test_compare_twins as twins

    offer_terms = twins.LOSS_TERMS.replace("recourse-days: 0", "recourse-days: 90")
    book = book_of(twin(twins.LOSS_TERMS, twins.loss_body(), offer_terms))
    (early,) = book.compare(day(2025, 5, 31)).offers
    assert early.invoices == ()
    (left,) = early.excluded
    assert left.reason == (
        "written off on 2025-05-13; the offer, with recourse, charges it back on "
        "2025-06-02, after 2025-05-31"
    )
    (late,) = book.compare(AS_OF).offers
    (item,) = late.invoices
    assert (item.offer_closed_on, item.offer.total, item.offer_loss) == (
        day(2025, 6, 2),
        D("120.00"),
        D("2000.00"),
    )
