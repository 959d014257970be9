"""The settlement engine: every event of a book, in date order, to its handler.

The handlers (``handlers/``) each settle one kind of event on the shared state
(``context.Settler``); the engine looks them up by kind, orders the events and makes
an event about an invoice wait for that day's funding. ``after_event`` lets the
reports watch the state after each event without changing it.
"""

from __future__ import annotations

from collections.abc import Callable

from beancount_factoring.errors import error_code
from beancount_factoring.ledger.book import Book, Event
from beancount_factoring.ledger.config import Config
from beancount_factoring.settlement.context import SELLING, Settler, rewritten
from beancount_factoring.settlement.handlers.buyout import settle_buyout
from beancount_factoring.settlement.handlers.chargeback import settle_chargeback
from beancount_factoring.settlement.handlers.charges import settle_fee
from beancount_factoring.settlement.handlers.collect import settle_collected
from beancount_factoring.settlement.handlers.fuel import settle_fuel_advance
from beancount_factoring.settlement.handlers.losses import settle_credit_loss
from beancount_factoring.settlement.handlers.lumps import settle_lump
from beancount_factoring.settlement.handlers.misdirected import (
    settle_misdirected,
    settle_payment,
    settle_remittance,
)
from beancount_factoring.settlement.handlers.schedule import settle_schedule
from beancount_factoring.settlement.state import ZERO, InvoiceState, Settlement

# The codes of an error that leaves a deposit unbooked (a difference, FCT120, books it).
REFUSING = frozenset(
    ("FCT101", "FCT102", "FCT111", "FCT130", "FCT131", "FCT132", "FCT133", "FCT134")
)
# Events about funded invoices: on the day of the funding, they wait for it.
AFTER_FUNDING = ("collected", "chargeback", "credit-loss", "buyout", "misdirected-payment")

Handler = Callable[[Settler, Event], None]
# Each event kind's handler (the kinds of ``book.EVENT_KINDS``).
HANDLERS: dict[str, Handler] = {
    "payment": settle_payment,
    "schedule": settle_schedule,
    "collected": settle_collected,
    "chargeback": settle_chargeback,
    "funding": settle_lump,
    "release": settle_lump,
    "lump": settle_lump,
    "fuel-advance": settle_fuel_advance,
    "credit-loss": settle_credit_loss,
    "fee": settle_fee,
    "buyout": settle_buyout,
    "misdirected-payment": settle_misdirected,
    "remittance": settle_remittance,
}


def settle(book: Book, config: Config, after_event: Handler | None = None) -> Settlement:
    """Apply every event of a book in order; ``after_event`` sees the state after each."""
    settler = Settler(book, config)

    def apply(event: Event) -> None:
        errors = len(settler.result.errors)
        HANDLERS[event.kind](settler, event)
        if len(settler.result.errors) > errors or settler.result.waiting:
            _note_refused(settler, event, errors)
        if event.kind in SELLING and (event.invoices or event.schedules):
            settler.note_unsold(event, event.index in settler.spoke)
        if after_event is not None:
            after_event(settler, event)

    _start(settler)
    # Within a day, an event about an invoice that a later deposit of the
    # same day funds (the debtor paid the factor on the funding day) waits
    # until that day's deposits are booked; and so does a payment to us of an
    # invoice a chargeback of the day returns to us (a plain payment is ours).
    charged_back = {
        (event.date, number)
        for event in book.events
        if event.kind == "chargeback"
        for number in event.invoices
    }
    deferred: list[Event] = []
    day = None
    for event in book.ordered_events():
        if event.date != day:
            for waiting in deferred:
                apply(waiting)
            deferred, day = [], event.date
        if (event.kind in AFTER_FUNDING and _awaits_funding(settler, event)) or (
            event.kind == "payment"
            and any((day, number) in charged_back for number in event.invoices)
        ):
            deferred.append(event)
            continue
        apply(event)
    for waiting in deferred:
        apply(waiting)
    if config.accrue:
        for state in settler.states.values():
            if state.funded_on is not None and state.fee_booked_on is None:
                settler.note_period(state, None)
    return settler.result


def _note_refused(settler: Settler, event: Event, errors: int) -> None:
    """Note an event that added an error the config does not turn off, or that waits for
    a refused entry: the events that wait for it say nothing of their own."""
    result = settler.result
    if event.index in result.waiting or settler.speaks(result.errors[errors:]):
        settler.spoke.add(event.index)
        if event.index in result.waiting or any(
            error_code(error) in REFUSING for error in result.errors[errors:]
        ):
            result.refused.add(event.index)
            if event.kind in ("funding", "lump"):
                settler.refused_deposits.append(event)


def _start(settler: Settler) -> None:
    """Every invoice starts unfactored, and carries its own number as a link."""
    states = settler.states
    for number, invoice in settler.book.invoices.items():
        face = invoice.face
        states[number] = InvoiceState(invoice, face.number or ZERO, face.currency)
        if number not in invoice.entry.links:
            links = invoice.entry.links | {number}
            settler.result.replaced[invoice.position] = rewritten(invoice.entry, links)


def _awaits_funding(settler: Settler, event: Event) -> bool:
    states = settler.states
    # (A loop, not any() over a generator: this runs for most events of the ledger.)
    for number in event.invoices:
        state = states.get(number)
        if state is not None and state.funded_on is None:
            return True
    return False
