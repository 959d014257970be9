"""A fuel advance on a load written on several invoices: a cancelled invoice and its
rebill, or a linehaul and an accessorial invoice (detention, lumper) for one load.

The advance names the load; the factor recoups it from the funding of the load's
invoice it funds. It went to the load's first invoice in the ledger: the rebill's
funding then came 800.00 short (FCT120) with no word of the fuel advance.
"""

from __future__ import annotations

from decimal import Decimal

from ledgers import balance, codes, legs, load, txn

D = Decimal
FUEL = "Liabilities:Factoring:RTS:FuelAdvances"
CLEARING = "Assets:Factoring:RTS:Clearing"

# RTS advances 95% less a flat 2%, 10.00 a transfer; a fuel advance of up to 40%
# for 2.5%: 780.00 in the bank is an advance of 780.00 / 0.975 = 800.00.
RTS = """
2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 10.00 USD
  recourse-days: 90
  fuel-advance-rate: 0.40
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking

2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking          780.00 USD
"""

# INV-1001 is cancelled by a credit note that links it, and rebilled as INV-1001R.
REBILL = """
2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "TQL" "Cancel INV-1001: wrong rate" ^INV-1001
  credit-note: "CN-1001"
  Assets:Receivable:TQL       -2000.00 USD
  Income:Freight

2025-03-04 * "TQL" "Load TQL-88412 rebilled"
  invoice: "INV-1001R"
  load: "TQL-88412"
  Assets:Receivable:TQL        2100.00 USD
  Income:Freight
"""

# The rebill's funding: 2,100.00 x 0.95 = 1,995.00 - fee 42.00 - fuel advance 800.00
# - transfer fee 10.00 = 1,143.00.
REBILL_FUNDING = """
2025-03-05 * "RTS FINANCIAL" "ACH deposit" ^INV-1001R
  Assets:Bank:Checking         1143.00 USD
  Assets:Factoring:RTS:Clearing
"""


def advance_invoice(entries) -> str:
    (leg,) = [leg for leg in legs(txn(entries, "Fuel advance load TQL-88412")) if leg[0] == FUEL]
    return leg[2]


def test_a_fuel_advance_is_recouped_from_the_rebills_funding():
    entries, errors = load(RTS + REBILL + REBILL_FUNDING)
    assert errors == []
    assert advance_invoice(entries) == "INV-1001R"
    assert (FUEL, D("800.00"), "INV-1001R", "fuel-advance-recoup") in legs(
        txn(entries, "ACH deposit")
    )
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_before_the_rebill_is_funded_the_advance_waits_on_the_rebill_not_the_cancelled():
    entries, errors = load(RTS + REBILL)
    assert errors == []
    assert advance_invoice(entries) == "INV-1001R"


def test_an_advance_that_links_the_rebill_and_names_the_shared_load_is_no_conflict():
    # (It was FCT134: "its load is invoice INV-1001's".)
    text = RTS.replace('"Fuel advance load TQL-88412"', '"Fuel advance load TQL-88412" ^INV-1001R')
    entries, errors = load(text + REBILL + REBILL_FUNDING)
    assert errors == []
    assert advance_invoice(entries) == "INV-1001R"
    assert balance(entries, FUEL) == 0


# A detention invoice for the load, written (and dated) before its linehaul invoice
# and funded after it: the factor recoups the advance from the linehaul's funding,
# 2,000.00 x 0.95 = 1,900.00 - 40.00 - 800.00 - 10.00 = 1,050.00; the detention's is
# 150.00 x 0.95 = 142.50 - 3.00 - 10.00 = 129.50.
ACCESSORIAL = """
2025-03-02 * "TQL" "Detention TQL-88412"
  invoice: "INV-1001D"
  load: "TQL-88412"
  Assets:Receivable:TQL         150.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "RTS FINANCIAL" "ACH linehaul" ^INV-1001
  Assets:Bank:Checking         1050.00 USD
  Assets:Factoring:RTS:Clearing

2025-03-10 * "RTS FINANCIAL" "ACH detention" ^INV-1001D
  Assets:Bank:Checking          129.50 USD
  Assets:Factoring:RTS:Clearing
"""


def test_an_accessorial_invoice_of_the_load_does_not_take_the_linehauls_advance():
    # (The advance went to INV-1001D: FCT180, 800.00 over 40% of its 150.00, and both
    # fundings differed, -800.00 and +800.00.)
    entries, errors = load(RTS + ACCESSORIAL)
    assert codes(errors) == []
    assert advance_invoice(entries) == "INV-1001"
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_linehaul_and_its_detention_sold_in_one_deposit_the_linehaul_recoups():
    # The detention invoice written first (dated a day before), both funded by one
    # deposit: the advance is the linehaul's, as its rate confirmation's. The deposit is
    # 1,900.00 - 40.00 - 800.00 + 142.50 - 3.00 - 10.00 (one transfer) = 1,189.50. (It
    # went to INV-1001D, the first in the file: FCT180, 800.00 over 40% of its 150.00.)
    funding = ACCESSORIAL.split('2025-03-04 * "RTS FINANCIAL"')[0] + (
        '2025-03-04 * "RTS FINANCIAL" "ACH load TQL-88412" ^INV-1001 ^INV-1001D\n'
        "  Assets:Bank:Checking         1189.50 USD\n"
        "  Assets:Factoring:RTS:Clearing\n"
    )
    entries, errors = load(RTS + funding)
    assert codes(errors) == []
    assert advance_invoice(entries) == "INV-1001"
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_load_number_used_again_goes_to_the_invoice_not_funded_yet():
    # The broker's load 88412 of January, funded then, and March's, funded after the
    # advance: 2,000.00 x 0.95 = 1,900.00 - 40.00 - 800.00 - 10.00 = 1,050.00. (It went
    # to January's invoice: FCT133, funded before the advance, and March's came short.)
    text = """
2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 10.00 USD
  recourse-days: 90
  fuel-advance-rate: 0.40
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking

2025-01-06 * "TQL" "January's load"
  invoice: "INV-0901"
  load: "TQL-88412"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-01-07 * "RTS FINANCIAL" "ACH January" ^INV-0901
  Assets:Bank:Checking          920.00 USD
  Assets:Factoring:RTS:Clearing

2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking          780.00 USD

2025-03-03 * "TQL" "March's load"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "RTS FINANCIAL" "ACH March" ^INV-1001
  Assets:Bank:Checking         1050.00 USD
  Assets:Factoring:RTS:Clearing
"""
    entries, errors = load(text)
    assert errors == []
    assert advance_invoice(entries) == "INV-1001"
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0
