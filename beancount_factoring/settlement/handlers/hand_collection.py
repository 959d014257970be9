"""Whether a transaction is a factor's collection written by hand, and the event it is.

Asked only for the message of an error on a transaction that links an invoice the factor
holds (``FCT136`` for a credit to its receivable, ``FCT130`` for a debit to the clearing
account): a transaction that only moves the invoice's receivable onto the factor's
advances or clearing account brings no cash, so it is no payment that reached you but
the customer's payment to the factor, which the plugin books from a ``collected`` event.
"""

from __future__ import annotations

from decimal import Decimal

from beancount.core import data

from beancount_factoring.ledger.book import units_of
from beancount_factoring.settlement.state import InvoiceState

ZERO = Decimal(0)


def collection_hint(entry: data.Transaction, state: InvoiceState) -> str:
    """The advice for a collection written by hand (credits to the invoice's receivable,
    debits to the factor's advances or clearing account, nothing else), or ""."""
    terms = state.agreement
    if terms is None or state.collected_on is not None:
        return ""
    receivable = state.invoice.account
    onto: dict[str, None] = {}
    moved = ZERO
    for posting in entry.postings:
        units = units_of(posting)
        if units is None or units[1] != state.currency:
            return ""
        number = units[0]
        if posting.account == receivable and number < 0:
            moved -= number
        elif posting.account in (terms.advances, terms.clearing) and number > 0:
            onto[posting.account] = None
        else:
            return ""
    if not (moved and onto):
        return ""
    books = (
        "repays the advance and clears the receivable"
        if terms.loan
        else "closes the invoice (its receivable left at the sale)"
    )
    return (
        f"This transaction moves the receivable of {state.invoice.number} ({moved:,.2f} "
        f"{state.currency}) to {' and '.join(onto)}: a collection written by hand, with no "
        "cash. When the customer pays the factor, write it as the event "
        'factoring: "collected" with no postings (paid: for what it paid, when short), '
        f"and the plugin books it: it {books}"
    )
