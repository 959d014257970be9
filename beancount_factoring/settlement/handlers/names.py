"""What a name a deposit gives, and the ledger does not know, may have meant.

Asked only for the message of an ``FCT132``: a schedule written with another zero or in
another case (``SCH-0012`` for ``SCH-012``), another factor's schedule, an invoice given
as a schedule or a schedule linked as an invoice, or a schedule whose event is dated
after the deposit. The names are indexed once per ledger, at the first such error, so a
ledger of many misspelt names is still read in one pass.
"""

from __future__ import annotations

import datetime
import re
import weakref
from dataclasses import dataclass, field

from beancount_factoring.errors import where_written
from beancount_factoring.ledger.book import Event, schedule_link
from beancount_factoring.settlement.context import Settler

# The kinds of refused entry a schedule named by a deposit may be: the schedule event,
# or one whose factoring: is of no kind known.
_SCHEDULES = frozenset(("schedule", "event"))

_DIGITS = re.compile(r"\d+")
_NOT_LETTERS = re.compile(r"[^a-z]")
# The most names one message suggests.
MOST = 3

# The loose forms of a name: its letters and numbers (``SCH-0012`` is ``SCH-012``),
# then its numbers alone (``12`` is ``SCH-012``).
Loose = tuple[str, tuple[int, ...]]


def _loose(name: str) -> tuple[Loose, Loose | None]:
    numbers = tuple(int(run) for run in _DIGITS.findall(name))
    letters = _NOT_LETTERS.sub("", _DIGITS.sub("", name.casefold()))
    return (letters, numbers), (("", numbers) if numbers else None)


@dataclass
class _Names:
    """The ledger's schedules (per factor, each with its first event's date) and
    invoice numbers, by their loose forms."""

    schedules: dict[str, dict[str, datetime.date]] = field(default_factory=dict)
    # The first event of each schedule, by factor and schedule.
    events: dict[tuple[str, str], Event] = field(default_factory=dict)
    # By factor ("" for the invoices) and loose form: the names, in ledger order.
    near: dict[tuple[str, Loose], list[str]] = field(default_factory=dict)

    def add(self, owner: str, name: str) -> None:
        for form in _loose(name):
            if form is not None:
                names = self.near.setdefault((owner, form), [])
                if name not in names:
                    names.append(name)

    def like(self, owner: str, name: str) -> list[str]:
        """The names of ``owner`` (a factor, or "" for the invoices) ``name`` may mean."""
        for form in _loose(name):
            found = [n for n in self.near.get((owner, form), ()) if n != name] if form else []
            if found:
                return found[:MOST]
        return []


# (By the settler of one ledger: dropped with it.)
_INDEX: weakref.WeakKeyDictionary[Settler, _Names] = weakref.WeakKeyDictionary()


def _names(settler: Settler) -> _Names:
    known = _INDEX.get(settler)
    if known is None:
        book = settler.book
        known = _Names()
        for event in book.events:
            if event.kind == "schedule" and event.factor:
                dates = known.schedules.setdefault(event.factor, {})
                for schedule in event.schedules:
                    if schedule not in dates:
                        dates[schedule] = event.date
                        known.add(event.factor, schedule)
                        known.events[(event.factor, schedule)] = event
        for number in book.invoices:
            known.add("", number)
        _INDEX[settler] = known
    return known


def schedule_hint(settler: Settler, factor: str, name: str, day: datetime.date) -> str:
    """Words for a schedule ``name`` that factor ``factor`` has no schedule of by ``day``:
    its event dated later, another factor's, an invoice, or the names it may mean."""
    known, display = _names(settler), settler.book.agreements.display
    later = known.schedules.get(factor, {}).get(name)
    if later is not None and later > day:
        where = where_written(known.events[(factor, name)].entry)
        return (
            f"; its schedule event is dated {later} ({where}), after this deposit: correct "
            "one of the two dates"
        )
    if later is not None:
        # (Its event is there, but refused without a word: an error the config turns off.)
        meta = known.events[(factor, name)].entry.meta
        return (
            f"; the schedule event of {name} ({later}, {meta.get('filename')}:"
            f"{meta.get('lineno')}) was not booked: correct the error reported on it, and "
            "this deposit funds it"
        )
    others = [f for f, dates in known.schedules.items() if f != factor and name in dates]
    if others:
        return f"; {name} is a schedule of '{display(others[0])}', not of " + (
            f"'{display(factor)}' who sent this deposit"
        )
    if name in settler.book.invoices:
        return f"; {name} is an invoice: link it as ^{name}"
    like = known.like(factor, name)
    if like:
        return "; did you mean " + " or ".join(f'schedule: "{n}"' for n in like) + "?"
    return _unfunded_schedule(settler, factor, name, day)


def _unfunded_schedule(settler: Settler, factor: str, name: str, day: datetime.date) -> str:
    """Words for a deposit that names a schedule no event gives, while a schedule event
    of its factor, on or before its day, gives none (its schedule: misspelt or dropped)
    or another one, and its invoices wait for their funding: the latest such."""
    found, latest = None, datetime.date.min
    for state in settler.states.values():
        scheduled = state.scheduled_on
        if (
            state.factor == factor
            and state.funded_on is None
            and state.scheduled_by is not None
            and scheduled is not None
            and latest < scheduled <= day
        ):
            found, latest = state, scheduled
    if found is None or found.scheduled_by is None:
        return ""
    gives = "no schedule:" if found.schedule is None else f'schedule: "{found.schedule}"'
    return (
        f"; the schedule event of {latest} ({where_written(found.scheduled_by)}) "
        f"gives {gives}, and its invoices wait for their funding: if this deposit pays for "
        f'it, write schedule: "{name}" there'
    )


def waits_for_schedule(settler: Settler, event: Event, name: str) -> bool:
    """True (the deposit waits) if schedule ``name`` of the deposit's factor is written
    on or before its day but was refused: its event was refused with an error (or waits
    for a refused entry), or Beancount could not read it, or its factoring: is misspelt.
    That error speaks for the deposit, which is booked once it is corrected."""
    factor = event.factor or ""
    schedule = _names(settler).events.get((factor, name))
    if schedule is not None and schedule.date <= event.date:
        if schedule.index not in settler.spoke:
            return False  # (Refused without a word, as by an error the config turns off.)
        return settler.waits(event, where_written(schedule.entry))
    refused = settler.refusals.root((schedule_link(name),), _SCHEDULES, event.date)
    return settler.waits_for(event, refused)


def link_hint(settler: Settler, factor: str, name: str) -> str:
    """Words for a link ``name`` that is no invoice number: a schedule of ``factor`` to
    link as ``^sched-``, or the invoice numbers or schedules it may mean."""
    known, display = _names(settler), settler.book.agreements.display
    if name in known.schedules.get(factor, {}):
        return f"; {name} is a schedule of '{display(factor)}': link it as ^{schedule_link(name)}"
    like = [f"^{n}" for n in known.like("", name)]
    like += [f"^{schedule_link(n)}" for n in known.like(factor, name)]
    if like:
        return "; did you mean " + " or ".join(like[:MOST]) + "?"
    return ""
