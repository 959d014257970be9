"""The factor's open items a deposit that names nothing may settle, matched by amount.

Each is one figure of cash the factor may send: the funding of a schedule not
yet funded (less the fuel advances on its loads), the reserves of the invoices
collected on one day, what one invoice owes the factor (netted), or a fee
charged apart from any invoice. Items older than ``MATCH_WINDOW`` are dropped
for good, so each deposit looks at a year of items at most.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import cast

from beancount_factoring.ledger.book import Event
from beancount_factoring.settlement.allocate import MATCH_WINDOW, Candidate
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.owed import Charge
from beancount_factoring.settlement.state import InvoiceState
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

# An invoice a deposit settles, the schedule that named it, and which of its
# items (funding, release, netting) to settle: None for all that are due.
Wanted = tuple["InvoiceState", str | None, frozenset[str] | None]
# What each open item (by its candidate's key) settles: its invoices, or a fee.
Members = dict[str, "list[Wanted] | Charge"]

ZERO = Decimal(0)
FUNDING = frozenset({"funding"})
RELEASE = frozenset({"release"})
NETTING = frozenset({"netting"})


def open_items(
    settler: Settler, event: Event, agreement: Agreement, currency: str | None
) -> tuple[list[Candidate], Members]:
    """The factor's open items a deposit could settle, with the invoices of each."""
    candidates: list[Candidate] = []
    members: Members = {}
    # Items older than this are no longer matched by amount (dropped for good: the
    # events come in date order), so each deposit looks at a year of items at most.
    oldest = event.date - MATCH_WINDOW
    folded = _open_schedules(settler, event, agreement, currency, oldest, candidates, members)
    _open_releases(settler, event, agreement, currency, oldest, candidates, members)
    _open_owed(settler, event, currency, oldest, candidates, members)
    _open_charges(settler, event, currency, oldest, candidates, members, folded)
    return candidates, members


def _linked_charges(
    settler: Settler, factor: str, currency: str | None
) -> dict[str, list[Charge]]:
    """The open fees deducted from the funding of an invoice not yet funded (a fee event
    that links it: a purchase report's wire fee or lien search), by invoice."""
    linked: dict[str, list[Charge]] = {}
    for charge in settler.open_charges.get(factor, {}).values():
        if charge.invoice is not None and charge.currency == currency:
            state = settler.states.get(charge.invoice)
            if state is not None and state.funded_on is None:
                linked.setdefault(charge.invoice, []).append(charge)
    return linked


def _open_schedules(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    currency: str | None,
    oldest: datetime.date,
    candidates: list[Candidate],
    members: Members,
) -> set[str]:
    """Each schedule not yet funded (none for a release), at the cash its funding brings.

    The fees deducted from the funding of its invoices are netted by the deposit that
    funds it (``lumps._deducted_charges``): they are part of its item, not items of
    their own (a deposit that funds it nets them, and no other fee of their amount).
    Returns their keys."""
    factor = event.factor or ""
    states = settler.states
    open_schedules = settler.open_schedules.setdefault(factor, {})
    folded: set[str] = set()
    if event.kind == "release":
        return folded
    linked = _linked_charges(settler, factor, currency) if settler.open_charges.get(factor) else {}
    schedules = settler.result.schedules
    for schedule in list(open_schedules):
        waiting = [
            state
            for n in schedules[(factor, schedule)]
            if (state := states[n]).funded_on is None and state.factor == factor
        ]
        scheduled_on = waiting[0].scheduled_on if waiting else None
        if not waiting or (scheduled_on is not None and scheduled_on < oldest):
            del open_schedules[schedule]
            continue
        if any(state.currency != currency for state in waiting):
            continue
        cash = _schedule_cash(settler, agreement, (factor, schedule), waiting, event.date)
        label = f"schedule {schedule}"
        if linked:
            deducted = [c for state in waiting for c in linked.get(state.invoice.number, ())]
            if deducted:
                taken = sum((c.amount for c in deducted), ZERO)
                cash -= taken
                folded.update(c.key for c in deducted)
                # (Fuel, a levy, an escrow deducted are no fees: `charge: "deduction"`.)
                fees = all(c.part != "deduction" for c in deducted)
                label += f" (less {taken:,.2f} {'of fees ' if fees else ''}deducted)"
        key = f"schedule:{schedule}"
        # (Set with the schedule, as every invoice in it was: schedule.py.)
        day = cast(datetime.date, scheduled_on)
        candidates.append(Candidate(key, label, day, cash, "schedule"))
        members[key] = [(state, schedule, FUNDING) for state in waiting]
    return folded


def _schedule_cash(
    settler: Settler,
    agreement: Agreement,
    key: tuple[str, str],
    waiting: list[InvoiceState],
    day: datetime.date,
) -> Decimal:
    """The cash a schedule's funding brings, less its fuel advances; kept until it changes.
    (``key``: the factor and the schedule; ``day``: the deposit's, whose VAT its fees
    bear, from the line the schedule was sold under.)"""
    known = settler.schedule_cash.get(key)
    sold = waiting[0].agreement or agreement
    terms = sold if sold is agreement else settler.book.agreements.charged_on(sold, day)
    # (Another agreement in force by a later deposit's day may give another VAT.)
    if known is None or known[0] != len(waiting) or known[2] is not terms:
        cash = ZERO
        if terms.vat_rates:
            for state in waiting:
                cash += P.funding_cash(terms, state.split(agreement)) - state.fuel
        else:
            # (``funding_cash`` inline, with no VAT on the fees: every invoice of a
            # schedule funded by a deposit that names nothing comes here.)
            for state in waiting:
                split = state.split(agreement)
                cash += split.advance - split.discount_fee - split.invoice_fee - ZERO - state.fuel
        known = (len(waiting), cash, terms)
        settler.schedule_cash[key] = known
    return known[1]


def _open_releases(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    currency: str | None,
    oldest: datetime.date,
    candidates: list[Candidate],
    members: Members,
) -> None:
    """The reserves due back on the invoices collected each day, one item a day."""
    by_day: dict[datetime.date, list[InvoiceState]] = {}
    open_releases = settler.open_releases.setdefault(event.factor or "", {})
    states, today = settler.states, event.date
    # (``release_from`` and ``reserve_due`` read inline: every deposit that names nothing
    # walks each invoice whose reserve is still due.)
    for number in list(open_releases):
        state = states[number]
        closed_on = state.recovered_on or state.collected_on or state.lost_on or today
        if (
            state.released_on
            or not (state.held or state.base_fee or state.late_fee)
            or closed_on < oldest
        ):
            del open_releases[number]
        elif state.currency == currency:
            if closed_on in by_day:
                by_day[closed_on].append(state)
            else:
                by_day[closed_on] = [state]
    release_cash = P.release_cash
    for day, day_states in by_day.items():
        cash = ZERO
        for state in day_states:
            terms = state.agreement or agreement
            if terms is not agreement:  # (the VAT of the deposit's day on its fees)
                terms = settler.book.agreements.charged_on(terms, today)
            if terms.vat_rates:
                cash += release_cash(terms, state.held, state.base_fee, state.late_fee)
            else:
                # (``release_cash`` inline, with no VAT on the fees.)
                cash += state.held - state.base_fee - state.late_fee - ZERO
        key = f"release:{day}"
        label = f"reserve of {_named(day_states)} collected {day}"
        candidates.append(Candidate(key, label, day, cash, "release"))
        members[key] = [(state, None, RELEASE) for state in day_states]


def _open_owed(
    settler: Settler,
    event: Event,
    currency: str | None,
    oldest: datetime.date,
    candidates: list[Candidate],
    members: Members,
) -> None:
    """What each invoice owes the factor (a chargeback, a short pay...), to net."""
    states = settler.states
    open_owed = settler.open_owed.setdefault(event.factor or "", {})
    for number in list(open_owed):
        state = states[number]
        # (What a buyout's thin reserve left is owed from the buyout: the invoice's funding.)
        bought = state.funded_on if "buyout" in state.owed else None
        date = state.charged_back_on or state.closed_on or bought or event.date
        if not state.owed or date < oldest:
            del open_owed[number]
            continue
        if state.currency != currency:
            continue
        key = f"owed:{number}"
        label = (
            f"{' and '.join(P.OWED_WORDS.get(part, part) for part in sorted(state.owed))} "
            f"of {number}"
        )
        candidates.append(Candidate(key, label, date, -sum(state.owed.values(), ZERO), "owed"))
        members[key] = [(state, None, NETTING)]


def _open_charges(
    settler: Settler,
    event: Event,
    currency: str | None,
    oldest: datetime.date,
    candidates: list[Candidate],
    members: Members,
    folded: set[str],
) -> None:
    """The fees charged apart from any invoice and not yet netted (but those ``folded``
    into the item of the schedule whose funding they are deducted from)."""
    open_charges = settler.open_charges.get(event.factor or "", {})
    for charge in list(open_charges.values()):
        if charge.date < oldest:
            del open_charges[charge.key]
        elif charge.currency == currency and charge.key not in folded:
            key = f"charge:{charge.key}"
            candidates.append(Candidate(key, charge.label, charge.date, -charge.amount, "owed"))
            members[key] = charge


def _named(states: list[InvoiceState]) -> str:
    """The invoices of a day's releases, for messages: up to three named (what to link)."""
    if len(states) <= 3:
        return ", ".join(state.invoice.number for state in states)
    return f"{len(states)} invoices ({states[0].invoice.number}, ...)"
