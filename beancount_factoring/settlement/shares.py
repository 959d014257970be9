"""How one payment that links several invoices is shared among them: the one place the
plugin (``handlers/misdirected.py``'s ``settle_payment``) and the aging report (through
``Settlement.payment_shares``) read it from.

A credit pays first what each invoice owes *you*, oldest first (by date, then number):
an invoice of yours its face, less what was paid of it, plus what was billed on it
beyond its face (a debit memo: detention on a load); an invoice a factor holds only what
was billed on it beyond its face, the factor having bought the face. What is left then
goes to the faces the factor holds, oldest first (a payment owed to the factor: the
plugin's ``FCT136``), and what is left after that to the last invoice (paid beyond what
it owes). INV-1 (1,000.00, sold, billed 200.00 of detention) and INV-2 (500.00, ours): a
check of 700.00 for both pays INV-1's detention and INV-2, no cash of the factor's; one
of 1,700.00 gives INV-1's 1,000.00 of face to the factor too.

A debit (a check returned unpaid, a refund) gives back what the credit of the same
invoices and amount paid of each; else it takes back what was paid of them, youngest
first, and bills the rest on the oldest (a debit memo of several loads).
"""

from __future__ import annotations

from decimal import Decimal

ZERO = Decimal(0)

# Per invoice, oldest first: its number, what it owes you, what it owes its factor.
Owed = list[tuple[str, Decimal, Decimal]]
Shares = list[tuple[str, Decimal]]


def share_credit(owed: Owed, paid: Decimal) -> Shares:
    """The shares of a credit of ``paid`` (above zero) among invoices owing ``owed``."""
    given: dict[str, Decimal] = {}
    rest = paid
    # What each owes you first, then what each owes its factor.
    for column in ([(n, yours) for n, yours, _ in owed], [(n, its) for n, _, its in owed]):
        for number, owing in column:
            take = min(rest, max(owing, ZERO))
            if take > 0:
                given[number] = given.get(number, ZERO) + take
                rest -= take
    if rest:
        last = owed[-1][0]
        given[last] = given.get(last, ZERO) + rest
    # (In the invoices' order, oldest first, as the payments are applied.)
    return [(number, given[number]) for number, _, _ in owed if number in given]


def share_debit(paid_before: list[tuple[str, Decimal]], debit: Decimal) -> Shares:
    """The shares (below zero) of a debit of ``debit`` (below zero) among invoices, oldest
    first with what was paid of each: taken back youngest first, the rest billed on the
    oldest."""
    shares: Shares = []
    rest = debit
    for number, paid in reversed(paid_before):
        share = max(rest, -paid)
        if share < 0:
            shares.append((number, share))
            rest -= share
    if rest < 0:
        # (The loop ends on the oldest: its take-back, if any, is the last share.)
        oldest = paid_before[0][0]
        if shares and shares[-1][0] == oldest:
            rest += shares.pop()[1]
        shares.append((oldest, rest))
    return shares
