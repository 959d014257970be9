"""FCT162: a schedule sold to a factor that the books never see funded.

A schedule moves its invoices to the factor's clearing account (sale model), where
they wait for the deposit that funds them. If that deposit is never booked, or is
booked somewhere else (to income, to another account, linking other invoices), the
invoices sit there as owed by the factor forever, and nothing else in the ledger is
wrong: the reconciliation report lists the schedule, `bean-check` said nothing.

The books may also simply stop before the funding: the bank statement that holds it
is not imported yet, while the schedules come from the factor's portal every day. So
a schedule is reported only when the books show the factor's cash beyond its grace:
a deposit (or release) of the same factor, in the schedule's currency, dated more
than the agreement's ``grace-days`` after the schedule (and not after the as-of
date), or a buyout of all its open invoices by another factor after that day.

A deposit that booked nothing and said so may be the schedule's funding, and its
error speaks for it: one that names nothing, left unallocated on or after the
schedule (``FCT101``, ``FCT102``, ``FCT103``), or one refused (``FCT13x``) that names
the schedule or one of its invoices. The schedule then waits for it to be settled.

What legitimately leaves an invoice of a schedule unfunded is not reported: the
customer paid it to us (loan model: it is still ours to collect), or it was closed
otherwise (those events before its funding are errors of their own). A rejected
invoice, or a schedule withdrawn, is taken off the schedule event (docs/ledger.md).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import data

from beancount_factoring.errors import FactoringError, error_code, make_error
from beancount_factoring.ledger.book import SCHEDULE_LINK_PREFIX, Book, Event
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)
# The events that show a factor's cash reached the books on their date.
DEPOSIT_KINDS = ("lump", "funding", "release")
# The errors of a deposit that books nothing of what it pays for (its items stay open).
REFUSED_CODES = frozenset(("FCT101", "FCT102", "FCT130", "FCT131", "FCT132", "FCT133", "FCT134"))
Key = tuple[str, str]  # a factor, a currency
ANY = "*"  # the currency of a buyout of all a factor's invoices: it ends them all


def check_unfunded_schedules(
    settlement: Settlement, book: Book, as_of: datetime.date
) -> list[FactoringError]:
    """FCT162 on each schedule event whose invoices the factor has not funded past its
    ``grace-days``, while the books hold the factor's later cash (see the module)."""
    waiting: dict[int, tuple[data.Transaction, list[InvoiceState]]] = {}
    for state in settlement.states.values():
        if _to_fund(state):
            assert state.scheduled_by is not None
            entry = state.scheduled_by
            waiting.setdefault(id(entry), (entry, []))[1].append(state)
    if not waiting:
        return []
    since = _latest_cash(book, as_of)
    unnamed, named = _unsettled(book, settlement)
    errors = []
    for entry, states in waiting.values():
        first = states[0]
        assert first.factor is not None and first.agreement is not None
        assert first.scheduled_on is not None
        key = (first.factor, first.currency)
        if unnamed.get(key, datetime.date.min) >= first.scheduled_on:
            continue  # That deposit's error speaks: it may be this schedule's funding.
        deadline = first.scheduled_on + datetime.timedelta(days=first.agreement.grace_days)
        proof = max(since.get(key, NONE), since.get((first.factor, ANY), NONE), key=_day)
        if proof[0] <= deadline or _awaits_refused(states, named):
            continue
        errors.append(_error(book, entry, states, proof, as_of))
    return errors


def _to_fund(state: InvoiceState) -> bool:
    """True if the invoice is on a schedule its factor has still to fund."""
    return (
        state.scheduled_on is not None
        and state.funded_on is None
        and state.scheduled_by is not None
        and state.factor is not None
        and state.agreement is not None
        and not (state.collected_on or state.charged_back_on or state.lost_on)
        # Paid to us (loan model: a pledged invoice is ours to collect): not to fund.
        and state.direct_paid <= ZERO
    )


Proof = tuple[datetime.date, Event | None, str]
NONE: Proof = (datetime.date.min, None, "")


def _day(proof: Proof) -> datetime.date:
    return proof[0]


def _latest_cash(book: Book, as_of: datetime.date) -> dict[Key, Proof]:
    """Per factor and currency, the latest event up to ``as_of`` that shows its cash in
    the books: a deposit or release, or a buyout of its invoices by another factor."""
    latest: dict[Key, Proof] = {}
    for event in book.events:
        if event.date > as_of:
            continue
        if event.kind in DEPOSIT_KINDS and event.factor is not None:
            factor, words = event.factor, "deposited"
            currencies = _currencies(event.entry)
        elif (
            event.kind == "buyout"
            and not event.invoices
            and isinstance(event.entry.meta.get("from"), str)
        ):
            # Of all its open invoices: the factor is gone. (Of every currency: a buyout
            # needs no posting.) One that links some leaves the factor the others.
            factor, words = event.entry.meta["from"].strip().lower(), "was bought out"
            currencies = {ANY}
        else:
            continue
        for currency in currencies:
            known = latest.get((factor, currency))
            if known is None or known[0] < event.date:
                latest[(factor, currency)] = (event.date, event, words)
    return latest


Unsettled = tuple[dict[Key, datetime.date], set[str]]


def _unsettled(book: Book, settlement: Settlement) -> Unsettled:
    """The factor's deposits that booked nothing and said so (left unallocated, or
    refused): per factor and currency the date of its latest one that names nothing,
    and the invoices and schedules (``sched-`` and the number) the others name."""
    refused = {
        id(error.entry) for error in settlement.errors if error_code(error) in REFUSED_CODES
    }
    refused.update(id(event.entry) for event in settlement.unallocated)
    latest: dict[Key, datetime.date] = {}
    named: set[str] = set()
    for event in book.events:
        if event.kind not in DEPOSIT_KINDS or id(event.entry) not in refused:
            continue
        if event.invoices or event.schedules:
            # (Refused whatever its currency or factor: one in CAD for a USD schedule.)
            named.update(event.invoices)
            named.update(SCHEDULE_LINK_PREFIX + number for number in event.schedules)
        elif event.factor is not None:
            for currency in _currencies(event.entry):
                key = (event.factor, currency)
                latest[key] = max(latest.get(key, event.date), event.date)
    return latest, named


def _awaits_refused(states: list[InvoiceState], named: set[str]) -> bool:
    """True if a refused deposit names the schedule or one of its invoices."""
    first = states[0]
    if first.schedule is not None and SCHEDULE_LINK_PREFIX + first.schedule in named:
        return True
    return any(state.invoice.number in named for state in states)


def _currencies(entry: data.Transaction) -> set[str]:
    """The currencies of a transaction's postings (a converted deposit has two)."""
    return {posting.units.currency for posting in entry.postings if posting.units is not None}


def _error(
    book: Book,
    entry: data.Transaction,
    states: list[InvoiceState],
    proof: Proof,
    as_of: datetime.date,
) -> FactoringError:
    """FCT162 on the schedule event: what is not funded, since when we know, the fix."""
    first = states[0]
    terms, currency, factor = first.agreement, first.currency, first.factor
    assert terms is not None and factor is not None and proof[1] is not None
    name = book.agreements.display(factor)
    numbers = ", ".join(sorted(state.invoice.number for state in states))
    face = sum((state.face for state in states), ZERO)
    # What the deposit that funds them alone brings, as the reconciliation expects it.
    charged = book.agreements.charged_on(terms, as_of)
    cash = sum((P.funding_cash(charged, s.split(terms)) - s.fuel for s in states), ZERO)
    deposit_terms = book.agreements.in_force(factor, as_of, currency)[1] or terms
    cash -= sum((leg.number for leg in P.transfer_fee_legs(deposit_terms, currency)), ZERO)
    what = f"Schedule {first.schedule}" if first.schedule else "This schedule"
    names = f'schedule: "{first.schedule}", or ' if first.schedule else ""
    meta = proof[1].entry.meta
    message = (
        f"{what} of '{name}' ({first.scheduled_on}) is not funded: invoices {numbers} "
        f"({face:,.2f} {currency}; the deposit that funds them should bring {cash:,.2f} "
        f"{currency}), while '{name}' {proof[2]} on {proof[0]} "
        f"({meta.get('filename')}:{meta.get('lineno')}), more than grace-days "
        f"({terms.grace_days}) after the schedule. Book the deposit that funds "
        f"them ({names}their links), or move a deposit booked elsewhere to "
        f"{terms.clearing}; if the factor rejected an invoice, take its link off this "
        "schedule (the invoice stays yours to collect), and if the schedule was withdrawn "
        "or links no other invoice, delete this schedule event"
    )
    return make_error("FCT162", message, entry.meta, entry)
