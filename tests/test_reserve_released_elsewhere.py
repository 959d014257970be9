"""A reserve released to another bank account than the agreement's, naming nothing.

Summit (80%, flat 2%) funds INV-2 (5,000.00) 3,900.00 and holds 1,000.00; TQL pays
Summit on June 25. Summit's rebate of the 1,000.00 comes into the savings account, not
the agreement's `bank:` (checking), written by hand against the reserve under the payee
the bookkeeper typed ("Summit", not the agreement's `payee: "SUMMIT FUNDING"`), naming
nothing. The reserve account is then 0.00, but the plugin took no release: INV-2 was
still "release due" for 1,000.00 (the reserve report 1,000.00 unexplained), with no
error. The reserve posting says whose it is: it is FCT151 like any factor's deposit
booked elsewhere, and linked, or on the agreement's bank, it is the release.
"""

from __future__ import annotations

from decimal import Decimal

from ledgers import balance, codes, load, txn

LEDGER = """
2025-01-01 open Assets:Bank:Savings

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

2025-06-30 * "Summit" "Reserve rebate"{links}
  Assets:Bank:{bank}          1000.00 USD
  Assets:Factoring:Summit:Reserve
"""


def test_a_rebate_from_the_reserve_into_another_account_is_fct151():
    _, errors = load(LEDGER.format(links="", bank="Savings"))
    assert codes(errors) == ["FCT151"]
    message = errors[0].message
    assert "Assets:Bank:Savings" in message and "'Summit'" in message
    assert "bank: Assets:Bank:Savings" in message


def test_linked_it_is_the_release():
    entries, errors = load(LEDGER.format(links=" ^INV-2", bank="Savings"))
    assert errors == []
    assert txn(entries, "Reserve rebate").links == frozenset({"INV-2"})
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0
    assert balance(entries, "Assets:Bank:Savings") == Decimal("1000.00")


def test_on_the_agreements_bank_it_is_the_release_as_before():
    entries, errors = load(LEDGER.format(links="", bank="Checking"))
    assert errors == []
    assert txn(entries, "Reserve rebate").links == frozenset({"INV-2"})


def test_the_message_says_how_to_book_a_release():
    # The entry takes money out of the reserve: what it names is the invoices whose
    # reserve it releases, or the release marker, not a schedule.
    _, errors = load(LEDGER.format(links="", bank="Savings"))
    message = errors[0].message
    assert "out of Assets:Factoring:Summit:Reserve" in message
    assert 'factoring: "release"' in message
    assert "schedule:" not in message
    # Marked a release, it is matched by its amount against the reserves due.
    marked = LEDGER.format(links="", bank="Savings").replace(
        '"Reserve rebate"\n', '"Reserve rebate"\n  factoring: "release"\n'
    )
    entries, errors = load(marked)
    assert errors == []
    assert txn(entries, "Reserve rebate").links == frozenset({"INV-2"})
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0


def test_an_escrow_of_the_factors_is_told_the_same():
    # The factor moves the reserve into an escrow it holds (an account of yours under
    # the factor's name): the same release, linked or marked; the message does not call
    # the escrow a bank.
    text = "2025-01-01 open Assets:Factoring:Summit:Escrow\n" + LEDGER.format(
        links="", bank="Savings"
    ).replace("Assets:Bank:Savings          1000.00", "Assets:Factoring:Summit:Escrow  1000.00")
    _, errors = load(text)
    assert codes(errors) == ["FCT151"]
    assert "give the agreement bank" not in errors[0].message
