"""FCT153: a ``pad`` that fills a factor's account, or draws on one.

Beancount inserts the padding entry of a ``pad`` directive after every plugin has
run, so this plugin never sees its amount::

    2025-03-31 pad Assets:Factoring:Summit:Reserve Expenses:Factoring:Summit:Fees
    2025-04-01 balance Assets:Factoring:Summit:Reserve  0.00 USD

The balance passes, and the reserve the factor still holds for its invoices is
written off as a fee with no word: the release that comes later takes the
reserve below zero where no check looks, the fees are overstated, and the
reports' reserve no longer ties to the account. A pad between a bank account and
a factor's clearing account hides a deposit the plugin would have split (the
advance, the fee and the reserve all left in clearing). So a pad whose account
or source is one of a factor's own accounts (clearing, reserve, fees,
adjustments, and the others an agreement names) is an error: write the
difference as a transaction with its amount, which the plugin checks like any
other entry.
"""

from __future__ import annotations

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book


def check_pads(book: Book) -> list[FactoringError]:
    """FCT153 on each pad whose account or source account is a factor's own."""
    if not book.pads:
        return []
    owned = {account for a in book.agreements.latest() for account in a.own_accounts()}
    errors = []
    for pad in book.pads:
        account = next((a for a in (pad.account, pad.source_account) if a in owned), None)
        if account is None:
            continue
        message = (
            f"This pad fills {pad.account} from {pad.source_account}; {account} is a "
            "factor's account, and Beancount pads after the plugin has run, so the amount "
            "it inserts is never checked against the factoring agreement: remove the pad "
            "(the balance assertion after it then fails with the difference) and write "
            "what the difference is as a transaction: the release, deposit or charge the "
            "factor's statement shows"
        )
        if pad in book.opening_pads:
            message += (
                "; for a balance carried in on the books' first day, write instead each "
                "invoice the factor still holds (or holds a reserve or a chargeback for) and "
                "its funding on their own dates, the face and the cash against "
                f"{pad.source_account} (ledger.md 6.19): the plugin books that reserve and "
                "clearing balance from them"
            )
        errors.append(make_error("FCT153", message, pad.meta, pad))
    return errors


__all__ = ["check_pads"]
