"""One schedule funded by several wires that all name it.

A factor may fund part of a schedule today and the rest tomorrow, or split its funding
at a wire limit, each wire naming the schedule. The plugin sees the whole ledger, so a
deposit that names one schedule alone, brings less than the schedule's funding and is
followed by another deposit of the factor that names the same schedule is a part:

- if its amount is the funding of a set of the schedule's invoices, found as a deposit
  that names nothing is (``allocate``), it funds those invoices, and the later wires the
  others;
- else it funds the whole schedule (the factor bought it) and what it lacks is left on
  the clearing account as owed by the factor (part ``difference``): each later wire pays
  some of it, less its own transfer fee, until the last, which must bring all that is
  left; what the last differs by is ``FCT120``, naming the schedule and its wires.

A deposit short of its schedule that no later wire follows is ``FCT120`` at once, as
before; so is one that brings more.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.allocate import Candidate, allocate
from beancount_factoring.settlement.context import Settler
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# The kinds of deposit that may fund a schedule.
FUNDING_KINDS = ("funding", "lump")


def one_schedule(settler: Settler, event: Event) -> str | None:
    """The schedule a deposit names if it names that alone (no fee), or with some of its
    invoices (a part's output, settled again by the reports, links what it funded)."""
    if len(event.schedules) != 1 or event.charges or event.unknown:
        return None
    schedule = event.schedules[0]
    if event.invoices:
        numbers = set(settler.result.schedules.get((event.factor or "", schedule), ()))
        if not numbers.issuperset(event.invoices):
            return None
    return schedule


def later_wires(settler: Settler, event: Event, schedule: str) -> list[Event]:
    """The later deposits of the event's factor that name ``schedule`` too, in order."""
    wires = settler.schedule_wires
    if wires is None:
        wires = settler.schedule_wires = {}
        for other in settler.book.ordered_events():
            if other.kind in FUNDING_KINDS and other.factor is not None:
                for name in other.schedules:
                    wires.setdefault((other.factor, name), []).append(other)
    order = (event.date, event.rank, event.index)
    return [
        other
        for other in wires.get((event.factor or "", schedule), ())
        if (other.date, other.rank, other.index) > order
    ]


def brings_the_rest(
    settler: Settler,
    agreement: Agreement,
    later: list[Event],
    accounts: frozenset[str],
    gap: Decimal,
    fee: Decimal,
) -> bool:
    """True if the ``later`` wires come closer to the schedule's funding than the first,
    ``gap`` short of it, alone: each brings its cash, less a transfer fee ``fee``. (A
    deposit entered twice brings the whole funding again, far from the rest.)"""
    rest = ZERO
    for other in later:
        cash = single_cash(settler, other, agreement, accounts)
        if cash is None:
            return False
        rest += cash + fee
    return abs(gap - rest) < gap


def single_cash(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    accounts: frozenset[str] = frozenset(),
    currency: str | None = None,
) -> Decimal | None:
    """What the deposit brings: less the sum of its postings to the factor's accounts (and
    ``accounts``), all in one currency (``currency`` if given) and none at a price
    (converted); else None. One leg to the clearing account, or a split written by hand
    (or by the plugin before: the reports settle its output again)."""
    owned = agreement.owned_set | settler.book.agreements.deposit_accounts(agreement) | accounts
    total, currencies = ZERO, set()
    for posting in event.entry.postings:
        if posting.account not in owned:
            continue
        units = units_of(posting)
        if units is None or posting.price is not None:
            return None
        total += units[0]
        currencies.add(units[1])
    if len(currencies) != 1 or (currency is not None and currency not in currencies):
        return None
    return -total


def whole_invoices(
    settler: Settler,
    event: Event,
    items: list[tuple[str, datetime.date, Decimal]],
    cash: Decimal,
    transfer: Decimal,
) -> set[str] | None:
    """The invoices (of ``items``: number, date, cash of its funding) whose funding, less
    the transfer fee, is ``cash``: those the deposit links if it links some, else the one
    set found by amount as for a deposit that names nothing; not all; else None."""
    if event.invoices:
        linked = set(event.invoices)
        total = sum((amount for number, _, amount in items if number in linked), ZERO)
        fits = abs(total - transfer - cash) <= settler.tolerance
        return linked if fits and len(linked) < len(items) else None
    candidates = [
        Candidate(number, number, day, amount, "schedule") for number, day, amount in items
    ]
    found = allocate(
        candidates,
        cash,
        transfer,
        settler.tolerance,
        settler.config.max_candidates,
        settler.config.max_subset,
    )
    if not found.chosen or len(found.chosen) >= len(items):
        return None
    return {candidate.key for candidate in found.chosen}
