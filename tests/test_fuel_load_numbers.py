"""A load written as its number alone (``4471``) and with its prefix (``L-4471``).

The factor's fuel-advance line often gives the load's number alone, the invoice
export the load as the broker writes it (``L-4471``, ``LOAD-4471``), or the other
way round. They are one load when nothing else could be: the ledger has one
load of letters then those digits. Two (``L-4471`` and ``TQL-4471``) make the
number ambiguous, and the advance is an error naming both, with the fix; a load
with another prefix (``TQL-4471`` for ``L-4471``) is never the same load.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, load, txn

D = Decimal
FUEL = "Liabilities:Factoring:RTS:FuelAdvances"
CLEARING = "Assets:Factoring:RTS:Clearing"

RTS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
"""


def advance(written: str, cash: str = "780.00") -> str:
    # 780.00 in the bank, 2.5% fee: 780.00 / 0.975 = 800.00 advanced.
    return f"""
2025-03-01 * "RTS FINANCIAL" "Fuel advance"
  factoring: "fuel-advance"
  load: {written}
  Assets:Bank:Checking          {cash} USD
"""


def invoice(number: str, written: str) -> str:
    return f"""
2025-03-03 * "TQL" "Load {number}"
  invoice: "{number}"
  load: {written}
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
"""


# 2,000.00 x 0.95 - 2% (40.00) - 800.00 fuel = 1,060.00.
FUNDING = """
2025-03-04 * "RTS FINANCIAL" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1060.00 USD
  Assets:Factoring:RTS:Clearing
"""


@pytest.mark.parametrize(
    ("on_advance", "on_invoice"),
    [
        ('"4471"', '"L-4471"'),
        ("4471", '"LOAD-4471"'),
        ('"04471"', '"L4471"'),
        ('"L-4471"', '"4471"'),
        ('"LOAD-4471"', "4471"),
    ],
)
def test_a_load_number_alone_is_its_prefixed_load(on_advance, on_invoice):
    text = RTS + advance(on_advance) + invoice("INV-1", on_invoice) + FUNDING
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "INV-1" in txn(entries, "Fuel advance").links
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_load_number_of_two_prefixed_loads_is_an_error_naming_both():
    text = RTS + advance('"4471"') + invoice("INV-1", '"L-4471"') + invoice("INV-2", '"TQL-4471"')
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert 'load: "4471"' in message
    assert "L-4471 (invoice INV-1)" in message
    assert "TQL-4471 (invoice INV-2)" in message
    # Nothing is booked to either invoice: the cash waits on the clearing account.
    assert balance(entries, CLEARING) == D("-780.00")
    assert balance(entries, FUEL) == 0


def test_a_prefixed_load_whose_number_alone_is_written_beside_another_prefix_is_ambiguous():
    # The invoice "4471" may be TQL-4471 written alone: L-4471 is not surely it.
    text = RTS + advance('"L-4471"') + invoice("INV-1", '"4471"') + invoice("INV-2", '"TQL-4471"')
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "4471 (invoice INV-1)" in errors[0].message
    assert "TQL-4471 (invoice INV-2)" in errors[0].message


def test_a_link_settles_which_load_a_number_alone_is():
    text = (
        RTS
        + advance('"4471"').replace('"Fuel advance"', '"Fuel advance" ^INV-1')
        + invoice("INV-1", '"L-4471"')
        + invoice("INV-2", '"TQL-4471"')
        + FUNDING
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0


def test_another_prefix_is_never_the_same_load():
    # L-4471 advanced; the only invoice is TQL-4471: the advance waits for its load.
    text = RTS + advance('"L-4471"') + invoice("INV-1", '"TQL-4471"')
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "INV-1" not in txn(entries, "Fuel advance").links
    assert balance(entries, FUEL) == D("-800.00")


def test_the_exact_load_wins_over_its_other_forms():
    # Invoices "4471" and "L-4471": an advance on "4471" is the first's.
    text = RTS + advance('"4471"') + invoice("INV-1", '"4471"') + invoice("INV-2", '"L-4471"')
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "INV-1" in txn(entries, "Fuel advance").links


def test_a_repayment_of_a_load_number_alone_repays_the_prefixed_advance():
    # No invoice: the advance on L-4471 waits; the wire back names 4471.
    repaid = """
2025-03-10 * "RTS FINANCIAL" "Fuel advance wired back"
  factoring: "fuel-advance"
  load: "4471"
  Assets:Bank:Checking         -800.00 USD
"""
    entries, errors = load(RTS + advance('"L-4471"') + repaid, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_link_to_one_invoice_and_the_exact_load_of_another_is_still_an_error():
    # INV-1's load is L-4471, INV-2's is "4471" written so: the advance links INV-1 and
    # names "4471", INV-2's own load. Which one the factor recoups it from is not told.
    text = (
        RTS
        + advance('"4471"').replace('"Fuel advance"', '"Fuel advance" ^INV-1')
        + invoice("INV-1", '"L-4471"')
        + invoice("INV-2", '"4471"')
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert 'load: "4471" is invoice INV-2\'s' in errors[0].message


# INV-1 (load L-4471) funded on 03-04 (2,000.00 x 0.95 - 2% = 1,860.00) and collected.
FUNDED_L4471 = """
2025-03-03 * "TQL" "Load INV-1"
  invoice: "INV-1"
  load: "L-4471"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "RTS FINANCIAL" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:RTS:Clearing

2025-03-25 * "TQL" "TQL paid RTS" ^INV-1
  factoring: "collected"
"""

LATER_ADVANCE = """
2025-04-01 * "RTS FINANCIAL" "Fuel advance"
  factoring: "fuel-advance"
  load: "4471"
  Assets:Bank:Checking          780.00 USD
"""


def test_a_load_number_alone_is_not_a_load_whose_invoice_was_funded_before_it():
    # A new load 4471 (another broker's, not invoiced yet) advanced on 04-01, a month
    # after L-4471's invoice was funded: the number alone was taken for L-4471, and the
    # advance refused (FCT133 "funded before this fuel advance on its load"), where it
    # had waited for its own invoice. A funded invoice takes no advance: the number
    # alone is not its load; the advance waits, as written, for the invoice of "4471".
    entries, errors = load(RTS + FUNDED_L4471 + LATER_ADVANCE, opens=False)
    assert errors == []
    assert "INV-1" not in txn(entries, "Fuel advance").links
    assert balance(entries, FUEL) == D("-800.00")
    # Its invoice, written later, recoups it: 1,500.00 x 0.95 - 2% (30.00) - 800.00
    # = 595.00.
    own = """
2025-04-03 * "CHR" "Load INV-2"
  invoice: "INV-2"
  load: "4471"
  Assets:Receivable:TQL        1500.00 USD
  Income:Freight

2025-04-04 * "RTS FINANCIAL" "ACH deposit" ^INV-2
  Assets:Bank:Checking          595.00 USD
  Assets:Factoring:RTS:Clearing
"""
    entries, errors = load(RTS + FUNDED_L4471 + LATER_ADVANCE + own, opens=False)
    assert errors == []
    assert "INV-2" in txn(entries, "Fuel advance").links
    assert balance(entries, FUEL) == 0


def test_a_load_number_alone_is_not_a_load_another_factor_holds():
    # L-4471's invoice is on Summit's schedule; RTS advances on "4471": not that load
    # (it was FCT133, "belongs to factor 'Summit'"): it waits for its own invoice.
    summit = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-04 * "SUMMIT FUNDING" "Schedule 5" ^INV-1
  factoring: "schedule"
  schedule: "5"
"""
    text = RTS + summit + invoice("INV-1", '"L-4471"') + LATER_ADVANCE
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == D("-800.00")


def test_a_load_number_alone_of_two_loads_one_funded_is_the_other():
    # L-4471 funded and collected in March; TQL-4471 invoiced, not sold yet: "4471" on
    # 04-01 can only be TQL-4471 (not FCT134, "may be either").
    text = RTS + FUNDED_L4471 + LATER_ADVANCE + invoice("INV-2", '"TQL-4471"')
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "INV-2" in txn(entries, "Fuel advance").links
