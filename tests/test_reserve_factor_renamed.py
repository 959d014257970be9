"""A factor that changes its name mid-year, holding the reserve of invoices it bought
under the old one.

Summit funds INV-2 (5,000.00) on May 2 and holds 1,000.00; TQL pays it on June 25. On
July 1 Summit becomes Summit Capital: its bank lines say "SUMMIT CAPITAL". A bookkeeper
who writes the new name as a new agreement sees the release of INV-2's reserve refused
(INV-2 is Summit's), and the message advised booking the cash as a payment passed on
for another factor, which it is not. It now says how to book the new name: new terms
of Summit's own agreement, with the new payee, which then books the release.
"""

from __future__ import annotations

from ledgers import balance, codes, load

BASE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        5000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         3900.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-25 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-07-01 custom "factoring-agreement" "{name}"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT CAPITAL"
  bank: Assets:Bank:Checking
  clearing: Assets:Factoring:Summit:Clearing
  reserve: Assets:Factoring:Summit:Reserve

2025-07-10 * "SUMMIT CAPITAL" "Reserve release" ^INV-2
  Assets:Bank:Checking          1000.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_new_agreement_for_the_new_name_says_to_write_new_terms():
    _, errors = load(BASE.format(name="Summit Capital"))
    assert codes(errors) == ["FCT133"]
    message = errors[0].message
    assert "under a new name" in message
    assert "new terms of 'Summit'" in message and 'payee: "SUMMIT CAPITAL"' in message


def test_written_as_it_says_the_release_is_booked():
    entries, errors = load(BASE.format(name="Summit"))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0
