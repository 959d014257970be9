"""FCT136 on a payment that reaches you for a factored invoice without naming it.

A bank line that links the invoice it pays is checked when it is read (see
``settlement/handlers/misdirected.py``). Bank imports rarely carry that link, though: the usual
line only credits the customer's receivable account::

    2025-04-10 * "TQL" "ACH payment"
      Assets:Bank:Checking       2000.00 USD
      Assets:Receivable:TQL

If TQL's only open invoice, INV-1001, was sold to Summit, that credit takes
``Assets:Receivable:TQL`` below zero: under the sale model the invoice left the
receivable when it was sold, so the receivable can only go negative because
the cash was paid for the factor's invoice. Under the loan model a pledged
invoice stays on the receivable until the factor reports it collected, so
the same line leaves the receivable holding less than the open pledged
invoices are worth, and the factor's advance unpaid.

This module walks the receivable accounts that hold (or held) a factored
invoice, the recourse receivables a chargeback moved one to, and the customer's
other receivables beside them (``Assets:Receivable:TQL:Detention`` next to
``...:TQL:Linehaul``, while a factor holds one of its invoices), once, in date
order, at the end of each day (the plugin applies a day's events in its own order):

- a balance below zero is an ``FCT136`` error on the day's last plain credit
  to that account (not an invoice, not a factoring event, not a line already
  reported as a payment for a named invoice);
- under the loan model, a balance below what the invoices pledged and still open
  that day are worth is an ``FCT136`` error on the day's last plain credit (judged
  that day: an invoice billed later would hide it), and at the end, on the
  account's last plain credit, below what those still open at the end are worth.

Each names the factored invoices open on the account and the fix: link the
invoice the payment is for and mark it ``factoring: "misdirected-payment"``.
A customer that pays an invoice you did not factor never triggers it, unless
the payment is larger than everything it owes you on that account.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book, Event, in_order
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms.fees import HALF_CENT
from beancount_factoring.terms.postings import recourse_receivable

ZERO = Decimal(0)
# How many of the factor's invoices a message names.
NAMED = 5
Key = tuple[str, str]


def check_held_receivables(
    entries: list[data.Directive],
    book: Book,
    settlement: Settlement,
    tolerance: Decimal,
) -> list[FactoringError]:
    """Report plain credits that take a factored customer's receivable too low.

    Args:
      entries: The entries after the split (same positions as the input).
      book: The factoring facts read from the input.
      settlement: The settled states; its errors say which lines were reported.
      tolerance: The plugin's tolerance.
    """
    factored: dict[str, list[InvoiceState]] = {}
    for state in settlement.states.values():
        if state.factor is not None:
            factored.setdefault(state.invoice.account, []).append(state)
    if not factored:
        return []
    accounts = _Accounts(factored, book)
    reported = {id(error.entry) for error in settlement.errors if error.entry is not None}
    plain = _plain_credits(book)
    if not any(
        id(entries[index]) not in reported and _credits(entries[index], accounts)
        for index in plain
    ):
        # Only a plain credit can be reported (a factoring book often has none): the
        # walk of every invoice below would find nothing.
        return []
    indices = in_order(
        len(entries),
        (invoice.position for invoice in book.invoices.values()),
        book.receivable_entries,
        (event.index for event in book.events),
    )
    # (At least half a cent: a payment converted at a total price, the receivable leg
    # left for Beancount to fill, is a fraction of a cent off: arithmetic, not money.)
    slack = max(tolerance, HALF_CENT)
    walk = _Walk(accounts, slack, book.agreements.display, _Pledges(factored))
    day = None
    for index in indices:
        entry = entries[index]
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date != day:
            if day is not None:
                walk.close_day(day)
            day = entry.date
        credit = index in plain and id(entry) not in reported
        walk.add(entry, credit)
    if day is not None:
        walk.close_day(day)
    walk.check_pledged()
    return walk.errors


def _credits(entry: data.Directive, accounts: _Accounts) -> bool:
    """True if the entry credits a factored customer's receivable account."""
    if not isinstance(entry, data.Transaction):
        return False
    walked = accounts.walked
    for posting in entry.postings:
        units = posting.units
        known = walked.get(posting.account)
        if known is None:
            known = accounts.classify(posting.account)
        if known and units is not None and isinstance(units.number, Decimal) and units.number < 0:
            return True
    return False


def _plain_credits(book: Book) -> set[int]:
    """The receivable entries that are neither invoices nor factoring events. A payment
    that links only invoices of yours is one too: a check for them and for a factored
    invoice, linking only yours, takes the receivable as low (the payment's own rule
    reads the invoices it links, never the rest of the receivable). Not a prepayment,
    though: the invoices it links billed later, it takes the receivable below zero
    until they are."""
    events = {event.index for event in book.events if not _judged(book, event)}
    return {index for index in book.receivable_entries if index not in events}


def _judged(book: Book, event: Event) -> bool:
    """True if a payment event is judged by the receivable's balance like a plain credit:
    it credits more than the invoices it links there, every one of them billed by its day."""
    if event.kind != "payment" or event.index not in book.beyond_linked:
        return False
    invoices = book.invoices
    return all(
        number in invoices and invoices[number].entry.date <= event.date
        for number in event.invoices
    )


class _Accounts:
    """The receivable accounts the walk follows, each with the factored invoices it
    holds or held:

    - each factored invoice's own receivable;
    - the agreement's recourse receivables of the customer, once a chargeback moved a
      factored invoice there (it holds what those invoices owe, never less than zero);
    - the customer's other receivables (``kin``): the siblings of a factored invoice's
      account under the customer's own account (``Assets:Receivable:TQL:Detention``
      beside ``...:TQL:Linehaul``, the invoices saying ``customer: "TQL"``), judged
      while a factor holds one of the customer's invoices, and with what the customer
      owes on its other accounts there (``group``): a credit kept apart on
      ``...:TQL:Unapplied`` passes while TQL owes as much on ``...:TQL:Detention``, as
      it would on one account. Not under a receivables root or a recourse prefix
      itself, nor where the invoices name another customer: the accounts there are
      other customers.
    """

    def __init__(self, factored: dict[str, list[InvoiceState]], book: Book) -> None:
        self.states: dict[str, list[InvoiceState]] = {a: list(s) for a, s in factored.items()}
        self.recourse: set[str] = set()
        for states in factored.values():
            for state in states:
                terms = state.agreement
                if state.charged_back_on is None or terms is None:
                    continue
                if terms.recourse_receivables:
                    moved = recourse_receivable(terms, state.invoice.account)
                    self.states.setdefault(moved, []).append(state)
                    self.recourse.add(moved)
        agreements = book.agreements.latest()
        roots = {a.receivables for a in agreements}
        prefixes = {a.recourse_receivables for a in agreements if a.recourse_receivables}
        below = tuple(root + ":" for root in roots)
        self.customers: dict[str, list[InvoiceState]] = {}
        # By customer account: the receivables under it the walk follows.
        self.group: dict[str, set[str]] = {}
        for account, states in factored.items():
            parent = account.rsplit(":", 1)[0]
            if parent in roots or parent in prefixes or not parent.startswith(below):
                continue
            # (Kin only where the invoices name the customer as the parent account does,
            # `customer: "TQL"` over TQL's accounts by charge: an account's last part is
            # its customer otherwise, and `...:Brokers:ACME` beside `...:Brokers:TQL` is
            # another customer.)
            customer = parent.rsplit(":", 1)[-1]
            kin = [state for state in states if state.invoice.customer == customer]
            if kin:
                self.customers.setdefault(parent, []).extend(kin)
                self.group.setdefault(parent, set()).add(account)
        # By account: True if walked, False if not (every account of the walk is asked).
        self.walked: dict[str, bool] = dict.fromkeys(self.states, True)
        self.kin: dict[str, list[InvoiceState]] = {}

    def classify(self, account: str) -> bool:
        """Whether the walk follows an account not asked before: a customer's other
        receivable (``kin``)."""
        parent = account.rsplit(":", 1)[0]
        states = self.customers.get(parent) if self.customers else None
        if states is not None:
            self.kin[account] = states
            self.group[parent].add(account)
        self.walked[account] = states is not None
        return states is not None


class _Walk:
    """The running balances of the factored receivable accounts, a day at a time."""

    def __init__(
        self,
        accounts: _Accounts,
        tolerance: Decimal,
        display: Callable[[str | None], str],
        pledges: _Pledges,
    ) -> None:
        self.accounts = accounts
        self.factored = accounts.states
        self.tolerance = tolerance
        self.display = display
        self.pledges = pledges
        self.balances: dict[Key, Decimal] = {}
        # The day's (then the ledger's) last plain credit to each account.
        self.today: dict[Key, data.Transaction] = {}
        self.last_credit: dict[Key, data.Transaction] = {}
        self.below: set[Key] = set()
        # Accounts reported below what is pledged, until they hold it again.
        self.short: set[Key] = set()
        # The lines reported, each once.
        self.flagged: set[int] = set()
        self.errors: list[FactoringError] = []

    def add(self, entry: data.Transaction, credit: bool) -> None:
        # (units_of inline and the attributes read once: this runs for every invoice.)
        accounts, balances = self.accounts, self.balances
        walked = accounts.walked
        for posting in entry.postings:
            known = walked.get(posting.account)
            if known is None:
                known = accounts.classify(posting.account)
            if not known:
                continue
            units = posting.units
            if units is None or not isinstance(units.number, Decimal):
                continue
            number = units.number
            key = (posting.account, units.currency)
            balances[key] = balances.get(key, ZERO) + number
            if credit and number < 0:
                self.today[key] = entry
                self.last_credit[key] = entry

    def close_day(self, day: datetime.date) -> None:
        kin = self.accounts.kin
        for key, entry in self.today.items():
            balance = self.balances[key]
            if key[0] in kin and not any(_held_on(s, day) for s in kin[key[0]]):
                continue  # (no invoice of the customer's with a factor that day)
            if balance < -self.tolerance:
                if key[0] in kin and self._owed_beside(key, day) >= -self.tolerance:
                    continue  # (as much owed on the customer's other accounts)
                if key not in self.below:
                    self.below.add(key)
                    self._report(key, entry, balance, ZERO, entry.date)
                continue
            pledged = self.pledges.on(key, entry.date)
            if balance < pledged - self.tolerance:
                if key not in self.short:
                    self.short.add(key)
                    self._report(key, entry, balance, pledged, entry.date)
            else:
                self.short.discard(key)
        for key in list(self.below):
            if self.balances[key] >= -self.tolerance:
                self.below.discard(key)
        for key in list(self.short):
            if self.balances[key] >= self.pledges.on(key, day) - self.tolerance:
                self.short.discard(key)
        self.today.clear()

    def _owed_beside(self, key: Key, day: datetime.date) -> Decimal:
        """What the customer owes over its receivables beside ``key``'s (a customer's
        other receivable), ``key``'s balance with it: less what the loan model's invoices
        pledged there are worth, which is the factor's."""
        account, currency = key
        total = ZERO
        for other in self.accounts.group[account.rsplit(":", 1)[0]]:
            held = (other, currency)
            total += self.balances.get(held, ZERO) - self.pledges.on(held, day)
        return total

    def check_pledged(self) -> None:
        """At the end: the loan model's open invoices are still on the receivable."""
        for key, entry in self.last_credit.items():
            if key in self.below or key in self.short or id(entry) in self.flagged:
                continue
            account, currency = key
            pledged = sum(
                (
                    state.unpaid
                    for state in self.factored.get(account, ())
                    if _pledged(state) and state.currency == currency
                ),
                ZERO,
            )
            balance = self.balances[key]
            if pledged and balance < pledged - self.tolerance:
                self._report(key, entry, balance, pledged, None)

    def _report(
        self,
        key: Key,
        entry: data.Transaction,
        balance: Decimal,
        floor: Decimal,
        day: datetime.date | None,
    ) -> None:
        account, currency = key
        day_of = day or entry.date
        kin = self.accounts.kin.get(account)
        states = self.factored[account] if kin is None else kin
        held = [s for s in states if _held_on(s, day_of)]
        if day is not None and not floor:
            what = f"{account} goes below zero ({balance:,.2f} {currency}) on {day}"
        else:
            when = f" on {day}" if day is not None else ""
            what = (
                f"{account} holds {balance:,.2f} {currency}{when}, less than the "
                f"{floor:,.2f} {currency} of invoices pledged to a factor and still open"
            )
        if account in self.accounts.recourse and not held:
            why = _recourse_why(states, day_of)
        elif held:
            named = ", ".join(
                f"{s.invoice.number} ({s.face:,.2f} {s.currency}"
                + (f" on {s.invoice.account}" if kin is not None else "")
                + f", factor '{self.display(s.factor)}')"
                for s in held[:NAMED]
            )
            more = f" and {len(held) - NAMED} more" if len(held) > NAMED else ""
            why = (
                f"this payment credits the receivable of a customer whose invoices a factor "
                f"holds ({named}{more}). A payment that reaches you for a factored invoice is "
                "owed to the factor: link the invoice it pays and mark it "
                'factoring: "misdirected-payment"; if it pays an invoice you did not factor, '
                "link that invoice" + _split_hint(entry)
            )
        elif moved := _charged_back_elsewhere(states, account, day_of):
            why = (
                f"the customer's invoices a factor charged back are on the recourse "
                f"receivables ({moved}): a payment of one of them credits that account, "
                "linking the invoice"
            )
        else:
            why = (
                "no invoice of this customer is open with a factor or with you: if it pays an "
                "invoice a factor collected, the customer paid twice and the cash is owed back "
                "to the customer (book it to a liability); else link the invoice it pays"
            )
        self.flagged.add(id(entry))
        self.errors.append(make_error("FCT136", f"{what}: {why}", entry.meta, entry))


def _split_hint(entry: data.Transaction) -> str:
    """What to do with a line that links invoices of yours and pays more than they owe
    (one check for them and a factored invoice): split it; or ''."""
    if not entry.links:
        return ""
    links = " ".join(f"^{link}" for link in sorted(entry.links))
    return (
        f". This line links {links}: if the check pays a factored invoice too, split it "
        "into a payment of what the invoices it links owe you and a bank line of the rest "
        'marked factoring: "misdirected-payment" linking the factored invoice'
    )


def _recourse_why(states: list[InvoiceState], day: datetime.date) -> str:
    """Why a recourse receivables account below zero is wrong, and the fix."""
    back = [s for s in states if s.charged_back_on is not None and s.charged_back_on <= day]
    named = ", ".join(f"{s.invoice.number} ({s.face:,.2f} {s.currency})" for s in back[:NAMED])
    more = f" and {len(back) - NAMED} more" if len(back) > NAMED else ""
    return (
        "this payment credits the recourse receivables more than the invoices a factor "
        f"charged back to it owe ({named or 'none by then'}{more}). If the check pays an "
        "invoice on the customer's own receivable too, split it: credit this account what "
        'each charged-back invoice owes, naming it on the posting (invoice: "INV-1"), and '
        "the customer's receivable the rest, linking the invoice it pays (a bank line of its "
        'own marked factoring: "misdirected-payment" if a factor holds that one)'
    )


def _charged_back_elsewhere(states: list[InvoiceState], account: str, day: datetime.date) -> str:
    """The invoices of ``account`` charged back by ``day`` to an agreement's recourse
    receivables, each with the account that holds it now, for a message; or ''."""
    moved = []
    for state in states:
        terms = state.agreement
        if state.charged_back_on is None or state.charged_back_on > day or terms is None:
            continue
        if terms.recourse_receivables:
            leaf = account.rsplit(":", 1)[-1]
            moved.append(f"{state.invoice.number} on {terms.recourse_receivables}:{leaf}")
    return ", ".join(moved[:NAMED]) + (
        f" and {len(moved) - NAMED} more" if len(moved) > NAMED else ""
    )


class _Pledges:
    """What the loan model's invoices pledged on each receivable are worth, day by day.

    An invoice counts from the day it was funded to the day before it was closed or
    charged back, for what was left unpaid at the end: never more than it was worth
    that day (the payments of later days are taken off already), so a balance below
    it is always below what was pledged. Asked in date order, as the walk goes.
    """

    def __init__(self, factored: dict[str, list[InvoiceState]]) -> None:
        self.changes: dict[Key, list[tuple[datetime.date, Decimal]]] = {}
        for account, states in factored.items():
            for state in states:
                terms = state.agreement
                if terms is None or not terms.loan or state.funded_on is None:
                    continue
                worth = state.unpaid
                if worth <= 0:
                    continue
                changes = self.changes.setdefault((account, state.currency), [])
                changes.append((state.funded_on, worth))
                end = state.closed_on or state.charged_back_on
                if end is not None:
                    changes.append((end, -worth))
        for changes in self.changes.values():
            changes.sort(key=lambda change: change[0])
        self.seen: dict[Key, tuple[int, Decimal]] = {}

    def on(self, key: Key, day: datetime.date) -> Decimal:
        """What is pledged on the account at the end of ``day`` (days asked in order)."""
        changes = self.changes.get(key)
        if not changes:
            return ZERO
        position, pledged = self.seen.get(key, (0, ZERO))
        while position < len(changes) and changes[position][0] <= day:
            pledged += changes[position][1]
            position += 1
        self.seen[key] = (position, pledged)
        return pledged


def _pledged(state: InvoiceState) -> bool:
    """A loan-model invoice funded and still open: its face is on the receivable."""
    terms = state.agreement
    return (
        terms is not None
        and terms.loan
        and state.funded_on is not None
        and state.closed_on is None
        and state.charged_back_on is None
    )


def _held_on(state: InvoiceState, day: datetime.date) -> bool:
    """The factor held the invoice on ``day``: sold or funded, and not yet back or closed."""
    start = state.funded_on or (state.scheduled_on if state.in_clearing else None)
    if start is None or start > day:
        return False
    end = state.closed_on or state.charged_back_on
    return end is None or end > day
