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
