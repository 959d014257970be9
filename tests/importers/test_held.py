"""The invoices a factor holds, read from the ledger for the bank importers (held.py)."""

from __future__ import annotations

import datetime

import pytest
from beancount import loader

from beancount_factoring.importers.held import HeldInvoices

from ledgers import OPENS

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 3, not factored"
  invoice: "INV-3"
  Assets:Receivable:TQL         200.00 USD
  Income:Freight

; Funded straight from the receivable: 1,425.00 advance - 30.00 fee = 1,395.00.
2025-03-05 * "SUMMIT FUNDING" "ACH" ^INV-1 ^INV-2
  Assets:Bank:Checking         1395.00 USD
  Assets:Factoring:Summit:Clearing
"""


@pytest.mark.parametrize("config", ["", " \"{'detail': 'invoice'}\""])
def test_a_funding_holds_its_invoices_whatever_the_detail(config):
    # Under detail "item" no posting of the deposit names an invoice: its one
    # receivable credit (-1,500.00) sums both faces; the links name them.
    entries, errors, _ = loader.load_string(
        f'plugin "beancount_factoring.plugin"{config}\n' + OPENS + LEDGER
    )
    assert errors == []
    held = HeldInvoices(entries)
    funded, day = datetime.date(2025, 3, 5), datetime.date(2025, 3, 10)
    assert [held.holds(n, day) for n in ("INV-1", "INV-2", "INV-3")] == [True, True, False]
    assert not held.holds("INV-1", funded - datetime.timedelta(days=1))
