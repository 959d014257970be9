"""Each invoice's history, recorded while the plugin settles, for the reports.

The reports ask where an invoice stood on any date (the reserve and aging as of
a past day, the cost of each spell with a factor). ``Recorder`` watches the
settlement (``engine.settle``'s ``after_event``) and keeps a snapshot (``Snap``)
of each invoice an event touched, once per day on which it changed.

bean-check needs no history, so the plugin records it only when a report layer
is in the same process: Fava (loaded before it loads a ledger, and before it
imports the factoring pages), or a caller that asked (``keep_for_reports``: the
``bean-factoring`` CLI does). It then leaves its whole run in the options map
(``PluginRun`` under ``RUN_KEY``): the facts it read, the settlement, the
history and the entries as it returned them (the indices of the facts point into
that list, before Beancount sorts it). The reports take that run instead of
settling the ledger a second time. It is left out of Beancount's pickle cache
(reading it back costs about what settling again does, and would slow every
cached bean-check): a load from the cache is settled again by the reports.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from beancount.core import data, flags

from beancount_factoring.ledger.book import Book, Event
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# The options-map key of the plugin's run: not an option a ledger can set.
RUN_KEY = "factoring:plugin-run"
# True or False once asked; None: keep the run when Fava is loaded in this process.
_wanted: bool | None = None


def keep_for_reports() -> None:
    """Ask the plugin, from now on in this process, to record and keep its run."""
    global _wanted
    _wanted = True


def wanted() -> bool:
    """Whether a report layer in this process will read the plugin's run."""
    if _wanted is None:
        return "fava.core" in sys.modules
    return _wanted


@dataclass(frozen=True, slots=True)
class Snap:
    """An invoice's factoring state at the end of a day on which an event touched it."""

    date: datetime.date
    factor: str | None
    agreement: Agreement | None
    schedule: str | None
    scheduled_on: datetime.date | None
    funded_on: datetime.date | None
    purchase: P.Purchase | None
    held: Decimal
    collected_on: datetime.date | None
    paid: Decimal | None
    base_fee: Decimal
    late_fee: Decimal
    released_on: datetime.date | None
    charged_back_on: datetime.date | None
    owed: tuple[tuple[str, Decimal], ...]
    lost_on: datetime.date | None = None
    fuel: Decimal = ZERO
    # The day of the oldest fuel advance on it still open (InvoiceState.fuel_since).
    fuel_since: datetime.date | None = None
    # What the customer paid us for the factor's invoice, and when (misdirected.py).
    received: Decimal = ZERO
    received_on: datetime.date | None = None
    # What was paid to us of it (InvoiceState.direct_paid): under the loan model, an
    # invoice on a schedule that its customer paid us is no longer the factor's to fund.
    direct_paid: Decimal = ZERO
    # The day a short pay paid later put money back in the reserve (collect.py).
    recovered_on: datetime.date | None = None
    # The day the payments (to the factor and to us) reached the face, or the factor
    # closed the invoice short: its time-based fee stops (InvoiceState.paid_in_full_on).
    paid_in_full_on: datetime.date | None = None
    # The fees the last release took (InvoiceState.released_base, released_late).
    released_base: Decimal = ZERO
    released_late: Decimal = ZERO
    # What the factor took from its reserve for another invoice's chargeback or short
    # pay, and which the last taking was for (InvoiceState.reserve_taken_for).
    reserve_taken: Decimal = ZERO
    reserve_taken_for: str | None = None

    @classmethod
    def of(cls, state: InvoiceState, date: datetime.date) -> Snap:
        return _snapshot(state, date)


def _snapshot_function() -> Callable[[InvoiceState, datetime.date], Snap]:
    """``Snap.of``, written out once: a new Snap with each slot set from the state.

    A frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``,
    looked up by name; the slots' own setters, bound here, take half the time, and the
    plugin snaps an invoice at each event that touches it (75,000 times at 20k invoices).
    Every field but ``date`` and ``owed`` is the state's field of the same name.
    """
    names = [f.name for f in fields(Snap)]
    lines = ["def of(state, date):", "    snap = new(Snap)"]
    for name in names:
        value = {"date": "date", "owed": "tuple(sorted(state.owed.items()))"}.get(name)
        lines.append(f"    set_{name}(snap, {value or 'state.' + name})")
    lines.append("    return snap")
    scope: dict[str, Any] = {f"set_{name}": getattr(Snap, name).__set__ for name in names}
    scope.update(new=object.__new__, Snap=Snap)
    exec("\n".join(lines), scope)
    function: Callable[[InvoiceState, datetime.date], Snap] = scope["of"]
    return function


_snapshot = _snapshot_function()


class Recorder:
    """Snapshots the invoices each event touched, after the event (``settle``'s hook)."""

    def __init__(self) -> None:
        self.timeline: dict[str, list[Snap]] = {}

    def __call__(self, settler: Settler, event: Event) -> None:
        numbers = set(event.invoices)
        for schedule in event.schedules:
            numbers.update(settler.result.schedules.get((event.factor or "", schedule), ()))
        replaced = settler.result.replaced.get(event.index)
        if replaced is not None:
            numbers.update(link for link in replaced.links if link in settler.states)
        numbers.update(settler.touched.get(event.index, ()))
        states, timeline, date = settler.states, self.timeline, event.date
        for number in numbers:
            state = states.get(number)
            if state is None:
                continue
            snaps = timeline.get(number)
            if snaps is None:
                timeline[number] = [_snapshot(state, date)]
            elif snaps[-1].date == date:
                snaps[-1] = _snapshot(state, date)
            else:
                # Events come in date order: a snap of a later day differs from the last.
                snaps.append(_snapshot(state, date))


@dataclass(eq=False)
class PluginRun:
    """What the plugin read and settled in one load, kept for the reports."""

    book: Book
    settlement: Settlement
    timeline: dict[str, list[Snap]]
    # The entries as the plugin returned them, in its order (Book's indices).
    entries: tuple[data.Directive, ...]
    config_text: str | None
    errors: list[Any] = field(default_factory=list)

    def added(self, entries: list[data.Directive]) -> list[data.Directive] | None:
        """The entries Beancount's ``pad`` added to this run's (its padding transactions,
        inserted after every plugin), if the loaded entries are otherwise the very ones
        this run returned; None if not.

        A later plugin that replaced or added entries breaks the match: the
        reports then settle the ledger again rather than trust stale indices.
        """
        if len(entries) < len(self.entries):
            return None
        own = {id(entry) for entry in self.entries}
        extra = [entry for entry in entries if id(entry) not in own]
        if len(entries) - len(extra) != len(self.entries):
            return None
        padding = all(
            type(entry) is data.Transaction and entry.flag == flags.FLAG_PADDING for entry in extra
        )
        return extra if padding else None

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        # Not kept in Beancount's pickle cache: unpickling the run costs about what
        # settling again costs, and would slow every cached bean-check (measured:
        # 1.45 s against 0.64 s at 10k invoices). A cached load is settled again.
        return _not_kept, ()

    def __repr__(self) -> str:
        # Fava's options page shows every option as text: keep it one short line.
        return f"<factoring plugin run: {len(self.book.invoices)} invoices>"

    __str__ = __repr__


def _not_kept() -> None:
    """What a pickled run becomes: nothing (see ``PluginRun.__reduce__``)."""
    return None
