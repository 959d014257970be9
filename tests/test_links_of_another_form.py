"""A payment's link written in another form than the invoice's number.

A customer's payment that links ``^inv-1001`` (the invoice is INV-1001), or the number
with punctuation after it (``^INV-1001.``, ``^INV-1001-``: Beancount takes ``.``, ``-``,
``_`` and ``/`` into a link), paid no invoice without a word: links are compared
exactly, so the aging showed the invoice unpaid and the payment unattributed; beside a
link written right (``^INV-1001 ^inv-1002``) the whole check went to the one it found,
overpaying it. As for a posting's ``invoice:`` in another case (FCT134,
``test_names_of_another_form.py``), it is said, not guessed: one FCT134 at the
payment's line names the invoice it most likely means and how to write it, and the
payment pays nothing of that invoice until it is written as the invoice is. A link
that resembles no invoice of the ledger (an old invoice from before the books) is left
alone, as before.
"""

from __future__ import annotations

import datetime

import pytest
from beancount import loader

from beancount_factoring.reports.compute import compute

from ledgers import OPENS, codes

INVOICES = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL         600.00 USD
  Income:Freight
"""

PAYMENT = """
2025-03-20 * "TQL" "Check 5521" LINKS
  Assets:Bank:Checking          AMOUNT USD
  Assets:Receivable:TQL
"""

# The payment's date line: after the plugin line, OPENS and INVOICES, a blank line.
PAYMENT_LINE = ("plugin\n" + OPENS + INVOICES).count("\n") + 2


def aging(links: str, amount: str = "400.00", invoices: str = INVOICES):
    text = PAYMENT.replace("LINKS", links).replace("AMOUNT", amount)
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + invoices + text
    entries, errors, options = loader.load_string(source)
    report = compute(entries, options, errors).aging(as_of=datetime.date(2025, 4, 10))
    return errors, {line.invoice: line.amount for line in report.invoices}


def test_a_payment_that_links_its_invoice_pays_it():
    # INV-1001 1000.00 - 400.00 = 600.00 open; INV-1002 600.00 untouched.
    errors, open_amounts = aging("^INV-1001")
    assert errors == []
    assert open_amounts == {"INV-1001": 600, "INV-1002": 600}


@pytest.mark.parametrize(
    "link", ["^inv-1001", "^Inv-1001", "^INV-1001.", "^INV-1001-", "^inv-1001_", "^INV-1001/"]
)
def test_a_link_of_an_invoice_in_another_form_is_one_error_at_the_payment(link):
    errors, open_amounts = aging(link)
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    message = errors[0].message
    assert f"links {link}," in message
    assert "invoice INV-1001" in message
    assert "Write ^INV-1001" in message  # how to write it, as the invoice is numbered
    assert errors[0].source["lineno"] == PAYMENT_LINE
    # Said, not guessed: it pays nothing of INV-1001 until written right (the aging's
    # line of no invoice holds the 400.00, as before).
    assert open_amounts == {"INV-1001": 1000, "INV-1002": 600, "": -400}


def test_beside_a_link_written_right_the_check_is_not_all_given_to_that_one():
    # One check of 1600.00 for both loads, INV-1002 linked in small letters. Before, all
    # 1600.00 went to INV-1001 (1000.00 - 1600.00 = -600.00 open) with no word, and
    # INV-1002 stayed open. Now FCT134 names ^inv-1002; the check still pays only what
    # it links right until fixed.
    errors, open_amounts = aging("^INV-1001 ^inv-1002", "1600.00")
    assert codes(errors) == ["FCT134"]
    assert "links ^inv-1002," in errors[0].message
    assert "Write ^INV-1002" in errors[0].message
    # Written right: 1000.00 and 600.00, each paid in full.
    errors, open_amounts = aging("^INV-1001 ^INV-1002", "1600.00")
    assert errors == []
    assert open_amounts == {}


def test_a_payment_that_also_links_the_invoice_as_it_is_numbered_is_no_error():
    # ^INV-1001 pays it (600.00 open); the stray ^inv-1001 beside it adds nothing.
    errors, open_amounts = aging("^INV-1001 ^inv-1001")
    assert errors == []
    assert open_amounts == {"INV-1001": 600, "INV-1002": 600}


def test_a_posting_that_names_the_invoice_is_no_error_for_a_link_in_another_case():
    # The posting's invoice: "INV-1001" pays it; the link is only a cross-reference.
    text = PAYMENT.replace("LINKS", "^inv-1001").replace("AMOUNT", "400.00")
    text += '    invoice: "INV-1001"\n'
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + INVOICES + text
    entries, errors, options = loader.load_string(source)
    assert errors == []
    report = compute(entries, options, errors).aging(as_of=datetime.date(2025, 4, 10))
    assert {line.invoice: line.amount for line in report.invoices} == {
        "INV-1001": 600,
        "INV-1002": 600,
    }


@pytest.mark.parametrize("link", ["^INV-9999", "^INV-10010", "^INV-100", "^REF-5521"])
def test_a_link_near_no_invoice_of_the_ledger_is_left_alone(link):
    # (An invoice from before the books, a remittance's own reference: not guessed at.)
    errors, open_amounts = aging(link)
    assert errors == []
    assert open_amounts == {"INV-1001": 1000, "INV-1002": 600, "": -400}


def test_two_invoices_that_differ_in_case_are_both_named():
    invoices = INVOICES.replace('invoice: "INV-1002"', 'invoice: "inv-1001"')
    errors, _ = aging("^Inv-1001", invoices=invoices)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "INV-1001 and inv-1001" in message
    assert "Write ^INV-1001 or ^inv-1001" in message


@pytest.mark.parametrize("name", ["INV-1001.", "inv-1001-"])
def test_a_postings_invoice_with_punctuation_after_it_is_one_error_too(name):
    # As a link, so under a posting: invoice: "INV-1001." pays no invoice until written
    # as the invoice is.
    text = PAYMENT.replace(" LINKS", "").replace("AMOUNT", "400.00")
    text += f'    invoice: "{name}"\n'
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + INVOICES + text
    _, errors, _ = loader.load_string(source)
    assert codes(errors) == ["FCT134"]
    assert f'invoice: "{name}"' in errors[0].message
    assert 'invoice: "INV-1001"' in errors[0].message
