"""What the plugin keeps per invoice is small, without changing what it computes.

At 100k invoices every object kept per invoice is megabytes at the plugin's peak (the
memory target of ``benchmarks/README.md``): an invoice's face is its posting's own
amount, an invoice that owes its factor nothing shares one read-only mapping, and the
checks walk positions marked in a bytearray instead of a set; an event the plugin adds
nothing to is returned as it came, not copied.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.ledger.book import in_order, read_book
from beancount_factoring.plugin import factoring
from beancount_factoring.settlement.state import NOTHING_OWED, InvoiceState

from ledgers import LATE, OPENS

LEDGER = """
option "operating_currency" "USD"
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Assets:Receivable:Brightway
2025-01-01 open Income:Freight

2025-03-01 * "Acme" "Load 1"
  invoice: "RF-1"
  Assets:Receivable:Acme      1000.00 USD
  Income:Freight

2025-03-02 * "Brightway" "Loads 2 and 3, billed in two parts"
  invoice: "RF-2"
  Assets:Receivable:Brightway   600.00 USD
  Assets:Receivable:Brightway   400.50 USD
  Income:Freight
"""


def test_in_order__gives_each_position_once_in_ascending_order():
    # Three overlapping groups, in no order: 7 and 2 are in two of them.
    assert list(in_order(10, [7, 2], (5, 7), iter([0, 2, 9]))) == [0, 2, 5, 7, 9]
    assert list(in_order(3)) == []


def test_book__an_invoice_of_one_leg_keeps_its_postings_amount_as_its_face():
    entries, errors, _ = loader.load_string(LEDGER)
    assert not errors
    book = read_book(entries)
    one, two = book.invoices["RF-1"], book.invoices["RF-2"]
    assert one.face is one.entry.postings[0].units
    # Two legs: the face is their sum, 600.00 + 400.50 = 1000.50.
    assert two.face.number == Decimal("1000.50") and two.face.currency == "USD"
    # Both customers are named by their receivable account's last part.
    assert (one.customer, two.customer) == ("Acme", "Brightway")


def test_state__owing_nothing_is_shared_read_only_and_a_debt_gets_its_own_mapping():
    entries, _, _ = loader.load_string(LEDGER)
    book = read_book(entries)
    first = InvoiceState(book.invoices["RF-1"], Decimal("1000.00"), "USD")
    second = InvoiceState(book.invoices["RF-2"], Decimal("1000.50"), "USD")
    assert first.owed is NOTHING_OWED and second.owed is NOTHING_OWED
    with pytest.raises(TypeError):
        first.owed["chargeback"] = Decimal(1)  # type: ignore[index]
    first.set_owed("chargeback", Decimal("900.00"))
    first.set_owed("short-pay", Decimal("50.00"))
    assert dict(first.owed) == {"chargeback": Decimal("900.00"), "short-pay": Decimal("50.00")}
    assert second.owed == {} and not NOTHING_OWED
    first.drop_owed("chargeback")
    assert dict(first.owed) == {"short-pay": Decimal("50.00")}
    with pytest.raises(KeyError):
        second.drop_owed("chargeback")


def test_an_event_the_plugin_adds_nothing_to_is_not_copied():
    # LATE: Summit funds INV-1 (2000.00) and TQL pays it in full. The collected event
    # has no postings and links INV-1 already: the plugin returns it as it came. The
    # funding gains its split, so it is a new entry.
    entries, _, options_map = loader.load_string(textwrap.dedent(OPENS) + LATE)
    out, errors = factoring(list(entries), options_map)
    assert errors == []
    collected = next(e for e in entries if e.meta.get("factoring") == "collected")
    funding = next(e for e in entries if getattr(e, "narration", "") == "ACH INV-1")
    assert any(e is collected for e in out)
    assert not any(e is funding for e in out)
