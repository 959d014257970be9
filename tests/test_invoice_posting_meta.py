"""An invoice's ``due:``, ``customer:`` and ``load:`` under its receivable posting
(docs/ledger.md 4).

Written one line too deep, under the receivable posting rather than under the date
line, they were ignored without a word: the aging report aged the invoice from its
date + 30 days and named the customer after the account. The posting is the
invoice's own (one invoice per transaction), so they are read from it when the date
line does not give them; given in both places with two values, which one is meant
cannot be told: FCT134, the date line's read meanwhile.
"""

from __future__ import annotations

import datetime

from beancount import loader

from beancount_factoring.ledger.book import read_book
from beancount_factoring.reports.compute import compute

from ledgers import codes, load

LEDGER = """
2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
HEAD  Assets:Receivable:TQL        1000.00 USD
POSTING  Income:Freight
"""


def invoice_of(head: str = "", posting: str = ""):
    text = LEDGER.replace("HEAD", head).replace("POSTING", posting)
    entries, errors = load(text)
    return read_book(entries).invoices["INV-1001"], errors, text


def test_due_and_customer_under_the_receivable_posting_are_read():
    invoice, errors, text = invoice_of(
        posting='    due: 2025-03-20\n    customer: "TQL Logistics"\n    load: "TQL-88412"\n'
    )
    assert errors == []
    assert invoice.due == datetime.date(2025, 3, 20)
    assert invoice.customer == "TQL Logistics"
    assert invoice.load == "TQL-88412"
    # The aging on 2025-04-10: 21 days past its due date 03-20 (1-30), under the
    # customer's name; not 8 days past 03-03 + 30 = 04-02 (also 1-30) under "TQL", so
    # the days are looked at too.
    source = 'plugin "beancount_factoring.plugin"\n2025-01-01 open Assets:Receivable:TQL\n'
    source += "2025-01-01 open Income:Freight\n" + text
    entries, errors, options = loader.load_string(source)
    report = compute(entries, options, errors).aging(as_of=datetime.date(2025, 4, 10), basis="due")
    (line,) = report.invoices
    assert (line.customer, line.days, line.due) == (
        "TQL Logistics",
        21,
        datetime.date(2025, 3, 20),
    )


def test_the_same_value_in_both_places_is_fine():
    invoice, errors, _ = invoice_of(head="  due: 2025-03-20\n", posting="    due: 2025-03-20\n")
    assert errors == []
    assert invoice.due == datetime.date(2025, 3, 20)


def test_two_values_are_an_error_and_the_date_lines_is_read():
    invoice, errors, _ = invoice_of(
        head='  customer: "TQL"\n', posting='    customer: "Echo Global"\n'
    )
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "customer: 'TQL' under its date line" in message
    assert "customer: 'Echo Global' under its receivable posting" in message
    assert invoice.customer == "TQL"


def test_a_due_under_the_posting_that_is_no_date_is_an_error():
    invoice, errors, _ = invoice_of(posting='    due: "2025-03-20"\n')
    assert codes(errors) == ["FCT134"]
    assert "due: '2025-03-20' is not a date" in errors[0].message
    assert invoice.due is None


def test_a_misspelt_invoice_key_under_the_posting_is_reported():
    _, errors, _ = invoice_of(posting='    costumer: "TQL"\n')
    assert codes(errors) == ["FCT134"]
    assert "The key costumer: on this posting" in errors[0].message
    assert "did you mean customer:?" in errors[0].message


def test_other_keys_of_the_users_own_on_the_posting_pass():
    invoice, errors, _ = invoice_of(posting='    bol: "BOL-7"\n    debtor-mc: "411443"\n')
    assert errors == []
    assert (invoice.customer, invoice.due) == ("TQL", None)
