"""An invoice's number is a string (docs/ledger.md 4): `invoice: "001023"`.

Written without quotes, `invoice: 001023` is a number to Beancount, 1023: its leading
zeros (and any thousands separator) are gone before the plugin sees it, and a factor's
report, a bank line or an export that names the invoice as it is written (`^001023`)
does not find it. A customer's payment linking `^001023` was then aged as a payment of
no invoice, and the invoice as open, without a word. Since the zeros cannot be told
from what Beancount keeps, the plugin reads the value's line back from the ledger's
file: plain digits typed so (`invoice: 1023`) are the invoice's number, and any other
number written without quotes (or one of a ledger read from a string, which cannot be
read back) is an FCT134 error on the invoice's line, which asks for the quotes; the
invoice is still booked under the number as read (1023), so the events that name it so
apply and raise nothing more.
The invoice importer reads such a number as the export's number of those digits
(tests/importers/test_invoice_export_numbers.py).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.ledger.book import read_book

from ledgers import OPENS, balance, codes, load

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-17 * "TQL" "Load TQL-88412"
  invoice: NUMBER
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-18 * "SUMMIT FUNDING" "ACH deposit" ^LINK
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def invoice_line(entries) -> int:
    return next(e for e in entries if "invoice" in getattr(e, "meta", {})).meta["lineno"]


def test_a_number_in_quotes_is_read_as_written():
    entries, errors = load(LEDGER.replace("NUMBER", '"001023"').replace("LINK", "001023"))
    assert errors == []
    # Funded: advance 950.00 (95% of 1,000.00) less the 2% fee, 20.00: 930.00 cash.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


@pytest.mark.parametrize("number", ["001023", "1023", "1,023"])
def test_a_number_without_quotes_is_an_error_on_its_line(number):
    entries, errors = load(LEDGER.replace("NUMBER", number).replace("LINK", "1023"))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "invoice: 1023 is written without quotes" in message
    assert 'write it in quotes as the invoice writes it (invoice: "1023"' in message
    assert errors[0].source["lineno"] == invoice_line(entries)
    # Still booked as 1023: the deposit that links ^1023 funds it (reserve 50.00).
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    assert "1023" in read_book(entries).invoices


def test_a_payment_naming_the_number_as_written_is_not_lost_in_silence():
    # A customer's payment linking ^001023 found no invoice 001023 (the plugin had
    # 1023): no error, and the aging had the invoice open and the payment unattributed.
    text = LEDGER.replace("NUMBER", "001023").replace("^LINK", "").replace("SUMMIT FUNDING", "TQL")
    text = text.replace("Assets:Factoring:Summit:Clearing", "Assets:Receivable:TQL")
    text = text.replace("ACH deposit", "payment ^001023")
    entries, errors = load(text.replace('"payment ^001023"', '"payment" ^001023'))
    assert codes(errors) == ["FCT134"]
    assert errors[0].source["lineno"] == invoice_line(entries)


def test_a_payment_posting_naming_its_invoice_without_quotes_is_an_error():
    # `invoice: 001024` on the posting of a payment of 500.00 was no invoice's name (a
    # number): the payment paid nothing of 001024, which the aging showed open, and
    # the payment unattributed, with no word.
    text = """
2025-03-03 * "TQL" "Load 1"
  invoice: "001024"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-03-20 * "TQL" "payment"
  Assets:Bank:Checking         500.00 USD
  Assets:Receivable:TQL       -500.00 USD
    invoice: NUMBER
"""
    entries, errors = load(text.replace("NUMBER", '"001024"'))
    assert errors == []
    entries, errors = load(text.replace("NUMBER", "001024"))
    assert codes(errors) == ["FCT134"]
    assert "invoice: 1024 is written without quotes" in errors[0].message
    payment = next(e for e in entries if getattr(e, "narration", "") == "payment")
    assert errors[0].source["lineno"] == payment.meta["lineno"]


def load_file(tmp_path, text: str):
    """Load ledger text from a file on disk, as bean-check and Fava do: the typed text
    of a value can then be read back from its line."""
    path = tmp_path / "main.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + text, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(path))
    return entries, errors


@pytest.mark.parametrize("number", ["1023", "1023  ; from the TMS"])
def test_plain_digits_without_quotes_in_a_file_are_the_invoices_number(tmp_path, number):
    # Nothing was dropped from 1023: it is the invoice's name as typed, no error, and
    # the deposit linking ^1023 funds it (reserve 5% of 1,000.00 = 50.00).
    entries, errors = load_file(tmp_path, LEDGER.replace("NUMBER", number).replace("LINK", "1023"))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


@pytest.mark.parametrize(("typed", "read"), [("001023", "1023"), ("1,023", "1023")])
def test_digits_that_lost_zeros_or_a_separator_in_a_file_say_what_was_typed(tmp_path, typed, read):
    entries, errors = load_file(tmp_path, LEDGER.replace("NUMBER", typed).replace("LINK", read))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert f"invoice: {typed} is written without quotes" in message
    assert f"reads it as the number {read}" in message
    assert f'write it in quotes (invoice: "{typed}")' in message
    assert errors[0].source["lineno"] == invoice_line(entries)
    # Booked as read meanwhile: the deposit linking ^1023 funds it.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
