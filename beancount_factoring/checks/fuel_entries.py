"""FCT134: a posting to a factor's fuel-advances account written by hand.

The plugin books each fuel advance, and its repayment, from a ``fuel-advance``
event, and notes it on the load's invoice, whose funding then recoups what is
still owed. A repayment typed by hand beside them::

    2025-03-20 * "RTS FINANCIAL" "Wire: fuel advance back"
      Assets:Bank:Checking                     -800.00 USD
      Liabilities:Factoring:RTS:FuelAdvances

brings the account to zero but is not read: the funding of the load's invoice
still expects to recoup the 800.00, and the reconciliation still lists the
advance as open, with no word of why. So such an entry is an error saying how
to write it as an event. Opening balances (a posting to an equity account) are
left alone: the books' start, not a repayment.
"""

from __future__ import annotations

from beancount.core import data

from beancount_factoring.checks.hand_entries import entries_by_hand
from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book


def check_fuel_entries(
    entries: list[data.Directive], book: Book, equity: str = "Equity"
) -> list[FactoringError]:
    """FCT134 on each transaction that is no event and posts to a fuel-advances account
    (``equity``: the ledger's equity root, ``option "name_equity"``)."""
    accounts = {a.fuel_advances for a in book.agreements.latest() if a.fuel_advances}
    errors = []
    for entry, account in entries_by_hand(entries, book, accounts, equity):
        message = (
            f"This transaction posts to {account} by hand: the plugin does not read it, "
            "so the fuel advance it pays back is still recouped from the funding of its "
            "load's invoice, and still listed as open. Write a repayment as an event: "
            'factoring: "fuel-advance", the load: (or a link to its invoice), and the '
            "bank posting alone, negative"
        )
        errors.append(make_error("FCT134", message, entry.meta, entry))
    return errors


__all__ = ["check_fuel_entries"]
