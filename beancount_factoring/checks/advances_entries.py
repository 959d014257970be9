"""FCT134: a posting to a loan-model factor's advances account written by hand.

Under the loan model the plugin keeps the advances account: the funding credits each
invoice's face, and the factor's collection, short pay, chargeback or credit loss repays
it. So the account is what the factor advanced on the invoices still open with it. A
repayment typed by hand, as a bookkeeper would for any other loan::

    2025-04-07 * "RTS FINANCIAL" "Advance repaid"
      Liabilities:Factoring:RTS:Advances        2000.00 USD
      Assets:Bank:Checking

is not read: the invoice is still open with the factor in every report, while the
balance sheet shows the loan repaid (and the `collected` event, when it comes, repays
it a second time). Interest added to the loan by hand leaves the liability above what
any collection will repay. Such an entry is an error saying which event to write.
Opening balances (a posting to an equity account) are left alone, as for fuel
advances (checks/fuel_entries.py).
"""

from __future__ import annotations

from beancount.core import data

from beancount_factoring.checks.hand_entries import entries_by_hand
from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book


def check_advances_entries(
    entries: list[data.Directive], book: Book, equity: str = "Equity"
) -> list[FactoringError]:
    """FCT134 on each transaction that is no event and posts to a loan-model agreement's
    advances account (``equity``: the ledger's equity root, ``option "name_equity"``)."""
    # Every agreement, of any date: terms that later changed to the sale model still
    # govern the loans made under them.
    loans = {a.advances: a for a in book.agreements.latest() if a.loan and a.advances}
    errors = []
    for entry, account in entries_by_hand(entries, book, set(loans), equity):
        terms = loans[account]
        posting = next(p for p in entry.postings if p.account == account)
        if _deposit(entry, posting, terms.bank):
            # The factor's cash lent on its invoices, typed against the loan: deleting
            # it would lose the cash. Its clearing account is where the plugin splits it.
            message = (
                f"This transaction posts to {account} by hand, and brings cash: a deposit "
                f"of '{book.agreements.display(terms.name)}' goes to its clearing account, "
                "which the plugin splits per invoice it names into the advance (on "
                f"{account}, the face), the fees and the reserve; post it to "
                f"{terms.clearing} instead of {account}"
            )
            errors.append(make_error("FCT134", message, entry.meta, entry))
            continue
        message = (
            f"This transaction posts to {account} by hand: the plugin does not read it, "
            "so the advances no longer equal what the factor advanced on the invoices "
            "still open with it, and the reports still show those invoices open. The "
            "plugin books the advances from the events: the customer's payment to the "
            'factor is a factoring: "collected" event linking the invoice, with no '
            "postings (it repays the advance); a payment that reached you is a "
            'factoring: "misdirected-payment", forwarded through the due-to-factor '
            'account; a fee or interest the factor charges is a factoring: "fee" event '
            '(charge: "other"). Delete this transaction and write the event'
        )
        errors.append(make_error("FCT134", message, entry.meta, entry))
    return errors


def _deposit(entry: data.Transaction, advances: data.Posting, bank: str) -> bool:
    """True if the transaction credits the advances (the factor lent more) against cash:
    a debit to an account of the bank's root (``Assets``)."""
    if advances.units is None or not advances.units.number or advances.units.number > 0:
        return False
    root = bank.split(":", 1)[0] + ":"
    return any(
        p is not advances and p.account.startswith(root) and p.units is not None
        and p.units.number and p.units.number > 0
        for p in entry.postings
    )  # fmt: skip


__all__ = ["check_advances_entries"]
