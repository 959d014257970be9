"""FCT162: a schedule sold to a factor that the books never see funded.

A schedule moves its invoices to the factor's clearing account (sale model), where
they wait for the deposit that funds them. If that deposit is never booked, or is
booked somewhere else (to income, to another account, linking other invoices), the
invoices sit there as owed by the factor forever, and nothing else in the ledger is
wrong: the reconciliation report lists the schedule, `bean-check` said nothing.

The books may also simply stop before the funding: the bank statement that holds it
is not imported yet, while the schedules come from the factor's portal every day. And
a factor may fund once a week, a Friday's schedule the next Friday, with a release or
another deposit of its own in between. So a schedule is reported only when the books
show its funding is missing, the as-of date being more than the agreement's
``grace-days`` after it: the factor has funded a schedule sent after it (in the
schedule's currency, by the as-of date: a factor funds its schedules in the order they
come), or its cash (a deposit or release, or a buyout of all its open invoices by
another factor) came later than ``grace-days`` beyond the longest wait its funded
schedules have had (a week, for a factor that funds weekly).

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
from dataclasses import dataclass
from decimal import Decimal

from beancount.core import data

from beancount_factoring.errors import FactoringError, error_code, make_error
from beancount_factoring.ledger.book import SCHEDULE_LINK_PREFIX, Book
from beancount_factoring.settlement.history import Snap
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)
# The events that show a factor's cash reached the books on their date.
DEPOSIT_KINDS = ("lump", "funding", "release")
# The errors of a deposit that books nothing of what it pays for (its items stay open).
REFUSED_CODES = frozenset(("FCT101", "FCT102", "FCT130", "FCT131", "FCT132", "FCT133", "FCT134"))
Key = tuple[str, str]  # a factor, a currency
ANY = "*"  # the currency of a buyout of all a factor's invoices: it ends them all
# What shows a factor's cash in the books: its day, its entry, what it did (for a message).
Proof = tuple[datetime.date, data.Transaction | None, str]
NONE: Proof = (datetime.date.min, None, "")
# Per factor and currency: the latest day a schedule sent was funded by, and that funding.
NONE_LATER: tuple[datetime.date, Proof] = (datetime.date.min, NONE)


def check_unfunded_schedules(
    settlement: Settlement, book: Book, as_of: datetime.date
) -> list[FactoringError]:
    """FCT162 on each schedule event whose invoices the factor has not funded past its
    ``grace-days``, while the books hold the factor's later cash (see the module)."""
    waiting: dict[int, tuple[data.Transaction, list[InvoiceState]]] = {}
    for state in settlement.states.values():
        # (Most invoices are funded: tested inline before the call.)
        if state.funded_on is None and _to_fund(state):
            assert state.scheduled_by is not None
            entry = state.scheduled_by
            waiting.setdefault(id(entry), (entry, []))[1].append(state)
    if not waiting:
        return []
    evidence = FundingEvidence.of(settlement, book, as_of)
    errors = []
    for entry, states in waiting.values():
        first = states[0]
        assert first.factor is not None and first.agreement is not None
        assert first.scheduled_on is not None
        found = evidence.late(
            first.factor,
            first.currency,
            first.scheduled_on,
            first.agreement.grace_days,
            first.schedule,
            [state.invoice.number for state in states],
        )
        if found is not None:
            errors.append(_error(book, entry, states, found, as_of))
    return errors


@dataclass(frozen=True)
class FundingEvidence:
    """What the books hold, as of a date, that shows a schedule's funding is missing
    (the module's rule), read once; ``late`` judges one schedule by it. The
    reconciliation report asks the same of each schedule it lists, so the two agree."""

    as_of: datetime.date
    later_funded: dict[Key, tuple[datetime.date, Proof]]
    waits: dict[str, int]
    cash: dict[Key, Proof]
    unnamed: dict[Key, datetime.date]
    named: set[str]

    @classmethod
    def of(cls, settlement: Settlement, book: Book, as_of: datetime.date) -> FundingEvidence:
        later_funded, waits = _later_fundings(settlement, as_of)
        unnamed, named = _unsettled(book, settlement, as_of)
        return cls(as_of, later_funded, waits, _latest_cash(book, as_of), unnamed, named)

    def late(
        self,
        factor: str,
        currency: str,
        scheduled_on: datetime.date,
        grace_days: int,
        schedule: str | None,
        invoices: list[str],
    ) -> tuple[Proof, str] | None:
        """The proof that this schedule (its factor's key, currency, date, grace-days,
        number and invoices not funded) should be funded by the as-of date, and why, for
        a message; None while it may still come (or a deposit that booked nothing and
        said so may be its funding: that deposit's error speaks)."""
        if self.unnamed.get((factor, currency), datetime.date.min) >= scheduled_on:
            return None
        if schedule is not None and SCHEDULE_LINK_PREFIX + schedule in self.named:
            return None
        if any(number in self.named for number in invoices):
            return None
        return _proof(self, factor, currency, scheduled_on, grace_days)


def _proof(
    evidence: FundingEvidence,
    factor: str,
    currency: str,
    scheduled_on: datetime.date,
    grace: int,
) -> tuple[Proof, str] | None:
    """What shows the schedule should be funded by now, if anything: a schedule sent
    after it funded, the books past ``grace-days``; or the factor's cash (or a buyout of
    all its invoices) past ``grace-days`` beyond the longest wait its schedules have had
    for their funding; and why, for the message."""
    as_of = evidence.as_of
    key = (factor, currency)
    deadline = scheduled_on + datetime.timedelta(days=grace)
    later, funding = evidence.later_funded.get(key, NONE_LATER)
    if later > scheduled_on and as_of > deadline:
        why = (
            f" and the books run to {as_of}, more than grace-days ({grace}) after the "
            "schedule: a factor funds its schedules in the order they come"
        )
        return funding, why
    wait = evidence.waits.get(factor, 0)
    cash = evidence.cash
    latest = max(cash.get(key, NONE), cash.get((factor, ANY), NONE), key=_day)
    if latest[0] <= deadline + datetime.timedelta(days=wait):
        return None
    why = f", more than grace-days ({grace})"
    if wait:
        why += f" and the longest wait of its schedules for their funding ({wait} days)"
    why += " after the schedule"
    return latest, why


def _day(proof: Proof) -> datetime.date:
    return proof[0]


def _to_fund(state: InvoiceState) -> bool:
    """True if the invoice is on a schedule its factor has still to fund."""
    return (
        state.scheduled_by is not None
        and state.factor is not None
        and state.agreement is not None
        and awaits_funding(state)
    )


def awaits_funding(state: InvoiceState | Snap) -> bool:
    """True if the invoice (its state, or its snapshot on a date) is scheduled and its
    factor has still to fund it: the one rule of FCT162 and of the reconciliation
    report's schedules not funded. Not one closed before its funding (collected,
    charged back, written off: errors of their own), nor one paid to us (loan model:
    a pledged invoice is still ours to collect)."""
    return (
        state.scheduled_on is not None
        and state.funded_on is None
        and not (state.collected_on or state.charged_back_on or state.lost_on)
        and state.direct_paid <= ZERO
    )


def _later_fundings(
    settlement: Settlement, as_of: datetime.date
) -> tuple[dict[Key, tuple[datetime.date, Proof]], dict[str, int]]:
    """Per factor and currency, the latest day of a schedule whose invoice the factor
    funded by ``as_of``, with that funding; and per factor the longest wait, in days,
    from a schedule to its funding (once a week: seven)."""
    latest: dict[Key, tuple[datetime.date, Proof]] = {}
    waits: dict[str, int] = {}
    for state in settlement.states.values():
        funded, sent = state.funded_on, state.scheduled_on
        if funded is None or sent is None or funded > as_of or state.factor is None:
            continue
        waits[state.factor] = max(waits.get(state.factor, 0), (funded - sent).days)
        key = (state.factor, state.currency)
        if state.funded_by is not None and latest.get(key, NONE_LATER)[0] < sent:
            latest[key] = (sent, (funded, state.funded_by, "funded a schedule sent after it"))
    return latest, waits


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
                latest[(factor, currency)] = (event.date, event.entry, words)
    return latest


Unsettled = tuple[dict[Key, datetime.date], set[str]]


def _unsettled(book: Book, settlement: Settlement, as_of: datetime.date) -> Unsettled:
    """The factor's deposits that booked nothing and said so (left unallocated, or
    refused): per factor and currency the date of its latest one that names nothing,
    and the invoices and schedules (``sched-`` and the number) the others name."""
    refused = {
        id(error.entry) for error in settlement.errors if error_code(error) in REFUSED_CODES
    }
    refused.update(id(event.entry) for event in settlement.unallocated)
    if settlement.waiting:
        # (Waiting for a refused entry, whose error speaks for them: refused too.)
        waiting = settlement.waiting
        refused.update(id(event.entry) for event in book.events if event.index in waiting)
    latest: dict[Key, datetime.date] = {}
    named: set[str] = set()
    for event in book.events:
        if event.kind not in DEPOSIT_KINDS or id(event.entry) not in refused:
            continue
        if event.date > as_of:
            continue  # Not in the books yet on the date judged (a report's earlier one).
        if event.invoices or event.schedules:
            # (Refused whatever its currency or factor: one in CAD for a USD schedule.)
            named.update(event.invoices)
            named.update(SCHEDULE_LINK_PREFIX + number for number in event.schedules)
        elif event.factor is not None:
            for currency in _currencies(event.entry):
                key = (event.factor, currency)
                latest[key] = max(latest.get(key, event.date), event.date)
    return latest, named


def _currencies(entry: data.Transaction) -> set[str]:
    """The currencies of a transaction's postings (a converted deposit has two)."""
    return {posting.units.currency for posting in entry.postings if posting.units is not None}


def _error(
    book: Book,
    entry: data.Transaction,
    states: list[InvoiceState],
    found: tuple[Proof, str],
    as_of: datetime.date,
) -> FactoringError:
    """FCT162 on the schedule event: what is not funded, since when we know, the fix."""
    first = states[0]
    (day, proof, words), why = found
    terms, currency, factor = first.agreement, first.currency, first.factor
    assert terms is not None and factor is not None and proof is not None
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
    meta = proof.meta
    message = (
        f"{what} of '{name}' ({first.scheduled_on}) is not funded: invoices {numbers} "
        f"({face:,.2f} {currency}; the deposit that funds them should bring {cash:,.2f} "
        f"{currency}), while '{name}' {words} on {day} "
        f"({meta.get('filename')}:{meta.get('lineno')}){why}. Book the deposit that funds "
        f"them ({names}their links), or move a deposit booked elsewhere to "
        f"{terms.clearing}; if the factor rejected an invoice, take its link off this "
        "schedule (the invoice stays yours to collect), and if the schedule was withdrawn "
        "or links no other invoice, delete this schedule event"
    )
    return make_error("FCT162", message, entry.meta, entry)
