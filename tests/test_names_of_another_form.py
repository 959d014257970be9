"""Names written in a form the plugin cannot match, which it read in silence.

An invoice's ``customer:`` of another type than text (``customer: TRUE``, a date, a
number, an amount) named a customer "True", "2025-01-03" or "10.00 USD" in the
reports, and ``customer: FALSE`` fell back to the account's name, without a word: one
FCT134 at the invoice's line now asks for the name in quotes (the invoice is booked,
its customer the account's meanwhile).

A payment's receivable posting whose ``invoice:`` names an invoice of the ledger in
another case or with spaces around it (``"inv-1001"``, ``" INV-1001"`` for INV-1001)
paid no invoice in silence: the aging showed the invoice unpaid and the payment
unattributed. One FCT134 at the posting's line names the invoice it most likely means.
An ``invoice:`` that resembles no invoice is left as it was (no error).
"""

from __future__ import annotations

import datetime

import pytest
from beancount import loader

from beancount_factoring.ledger.book import read_book
from beancount_factoring.reports.compute import compute

from ledgers import OPENS, codes, load

INVOICE = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
CUSTOMER  Assets:Receivable:TQL        1000.00 USD
  Income:Freight
"""


@pytest.mark.parametrize("value", ["TRUE", "FALSE", "2025-01-03", "10.00 USD", "1001", "0"])
def test_a_customer_that_is_no_text_is_one_error_at_the_invoice(value):
    entries, errors = load(INVOICE.replace("CUSTOMER", f"  customer: {value}\n"))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert f"customer: {value}" in message
    assert 'customer: "' in message  # (how to write it: the name in quotes)
    assert errors[0].source["lineno"] == len(OPENS.split("\n")) + 2  # the invoice's line
    # Booked meanwhile, its customer the account's name (TQL), not "True" or "10.00 USD".
    invoice = read_book(entries).invoices["INV-1001"]
    assert (invoice.customer, invoice.face.number) == ("TQL", 1000)


def test_a_customer_that_is_no_text_under_the_receivable_posting_is_one_error():
    text = INVOICE.replace("CUSTOMER", "").replace(
        "1000.00 USD\n", "1000.00 USD\n    customer: TRUE\n"
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert read_book(entries).invoices["INV-1001"].customer == "TQL"


@pytest.mark.parametrize("value", ['"TQL Logistics"', ""])
def test_a_customer_in_quotes_or_none_is_no_error(value):
    customer = f"  customer: {value}\n" if value else ""
    entries, errors = load(INVOICE.replace("CUSTOMER", customer))
    assert errors == []
    expected = "TQL Logistics" if value else "TQL"
    assert read_book(entries).invoices["INV-1001"].customer == expected


PAYMENT = """
2025-03-20 * "TQL" "Check 5521"
  Assets:Bank:Checking          400.00 USD
  Assets:Receivable:TQL        -400.00 USD
    invoice: NAME
"""


def aging(text: str):
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + text
    entries, errors, options = loader.load_string(source)
    report = compute(entries, options, errors).aging(as_of=datetime.date(2025, 4, 10))
    return errors, {line.invoice: line.amount for line in report.invoices}


def test_a_payment_that_names_its_invoice_pays_it():
    # INV-1001 1000.00, paid 400.00: 600.00 open.
    errors, open_amounts = aging(
        INVOICE.replace("CUSTOMER", "") + PAYMENT.replace("NAME", '"INV-1001"')
    )
    assert errors == []
    assert open_amounts == {"INV-1001": 600}


@pytest.mark.parametrize("name", ["inv-1001", " INV-1001", "INV-1001 ", " Inv-1001 "])
def test_a_payment_that_names_an_invoice_in_another_form_is_one_error_at_its_posting(name):
    text = INVOICE.replace("CUSTOMER", "") + PAYMENT.replace("NAME", f'"{name}"')
    errors, open_amounts = aging(text)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert f'invoice: "{name}"' in message
    assert 'invoice: "INV-1001"' in message  # the invoice it most likely means, as written
    # At the posting's own line: the payment's date line is 5 lines below the
    # invoice's, its receivable posting 2 below that.
    invoice_line = len(OPENS.split("\n")) + 2
    assert errors[0].source["lineno"] == invoice_line + 5 + 2
    # Said, not guessed: it pays no invoice until written as the invoice is (the
    # aging's line of no invoice holds it).
    assert open_amounts == {"INV-1001": 1000, "": -400}


def test_a_payment_that_names_no_invoice_of_the_ledger_is_left_alone():
    # (An opening balance may name old invoices; a misread number has no near one here.)
    text = INVOICE.replace("CUSTOMER", "") + PAYMENT.replace("NAME", '"INV-9999"')
    errors, open_amounts = aging(text)
    assert errors == []
    assert open_amounts == {"INV-1001": 1000, "": -400}


def test_a_payment_that_also_links_its_invoice_is_read_by_the_link():
    # ^INV-1001 pays it (600.00 open), whatever the posting's "inv-1001": no error.
    payment = PAYMENT.replace("NAME", '"inv-1001"').replace(
        '"Check 5521"', '"Check 5521" ^INV-1001'
    )
    errors, open_amounts = aging(INVOICE.replace("CUSTOMER", "") + payment)
    assert errors == []
    assert open_amounts == {"INV-1001": 600}
