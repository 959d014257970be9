"""Payments of a collections report that the ledger books already, from another report.

Factors send reports that overlap: a week's, then the month's that lists the same
payments again; the month's first, then a week's; a report sent again with a row added.
The importer sums one invoice's rows of one report into one `collected` event whose
narration ends with the rows' references (`..., W-1, W-2`), so the ledger may hold a
payment alone (`W-1` of 300.00 on 04-10) or inside a sum (`W-1, W-2` of 700.00 on
04-20). Each row of a report is matched against what the ledger's events of its
invoice list, by its reference:

- an event of that one reference and the row's amount, dated within the report's span
  (its first to its last day): the row is booked already;
- an event that sums that reference with others, dated on or after the row: the row is
  one of its payments. The rows of the report inside one such event must add up to its
  amount when they list all its references, and to less when they list some;
- an event of that one reference on the row's day with another amount: the factor
  re-issued the payment with another figure (the row differs);
- anything else: a new payment (another reference, or the same reference on a day
  outside the report's span: a payment of the same amount on another day is new).

A row without a reference is never matched here (`dedup.mark_typed_events` compares
the whole event). The work is one pass over the invoice's booked events and one over
its rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data

from beancount_factoring.importers.factor_history import Payment
from beancount_factoring.importers.inert import inert

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Part:
    """One row of a collections report: one payment of its invoice."""

    line: int
    day: datetime.date
    paid: Decimal
    reference: str
    open: bool | None  # what the row's balance or status says is left open
    short: Decimal | None


@dataclass
class Overlap:
    """What the ledger holds of a report's rows of one invoice."""

    # Each row booked already, and the event that holds it.
    booked: list[tuple[Part, data.Transaction]] = field(default_factory=list)
    # Each row the ledger holds with another amount, the event, what differs, and
    # whether the event is of that row alone (a payment re-issued with another amount).
    differ: list[tuple[Part, data.Transaction, str, bool]] = field(default_factory=list)
    new: list[Part] = field(default_factory=list)


# What `_collected` writes between `Paid <factor>` and the references: the amounts, a
# part, a recovery, remarks in brackets.
_AMOUNTS_WRITTEN = re.compile(
    r"(?: [\d,]+\.\d\d(?: of [\d,]+\.\d\d)?(?: \(a part\))?| [\d,]+\.\d\d after a short pay)?"
    r"(?: \([^()]*\))*, "
)


def booked_references(payee: str, booked: data.Transaction) -> str | None:
    """The references a collected event this importer wrote lists (`W-1, W-2` when it
    sums two rows), or None for a narration it did not write."""
    narration, start = booked.narration or "", inert(f"Paid {payee}")
    if not narration.startswith(start):
        return None
    found = _AMOUNTS_WRITTEN.match(narration, len(start))
    return narration[found.end() :] if found else None


@dataclass(slots=True)
class _Event:
    payment: Payment
    amount: Decimal | None  # its paid:, or the face less the payments before it
    references: tuple[str, ...]


def overlap(
    payments: Sequence[Payment],
    parts: Sequence[Part],
    span: tuple[datetime.date, datetime.date],
    payee: str,
    face: Decimal | None,
) -> Overlap | None:
    """What the ledger's events of an invoice (`payments`, by date) hold of the report's
    rows of it; None when they hold none of them (nor any with another amount)."""
    by_reference: dict[str, list[_Event]] = {}
    before = ZERO
    for payment in payments:
        amount = payment.paid
        if amount is None and face is not None:
            amount = max(face - before, ZERO)  # without paid:, the face or the rest
        before += amount or ZERO
        listed = booked_references(payee, payment.entry)
        if not listed:
            continue
        event = _Event(payment, amount, tuple(listed.split(", ")))
        for reference in event.references:
            by_reference.setdefault(reference, []).append(event)
    found = Overlap()
    summed: dict[int, tuple[_Event, list[Part]]] = {}
    for part in parts:
        events = by_reference.get(inert(part.reference), []) if part.reference else []
        if not _alone(part, events, span, found):
            inside = [e for e in events if len(e.references) > 1 and part.day <= e.payment.date]
            if inside:
                summed.setdefault(id(inside[0]), (inside[0], []))[1].append(part)
            else:
                found.new.append(part)
    for event, inside_parts in summed.values():
        _inside(event, inside_parts, found)
    return found if found.booked or found.differ else None


def _alone(
    part: Part, events: list[_Event], span: tuple[datetime.date, datetime.date], found: Overlap
) -> bool:
    """Whether an event of the row's reference alone holds it (booked), or holds it on
    its day with another amount (differs)."""
    alone = [event for event in events if len(event.references) == 1]
    for event in alone:
        if event.amount == part.paid and span[0] <= event.payment.date <= span[1]:
            found.booked.append((part, event.payment.entry))
            return True
    for event in alone:
        if event.payment.date == part.day:
            said = f"{part.paid:,.2f} here, {_amount(event)} booked"
            found.differ.append((part, event.payment.entry, said, True))
            return True
    return False


def _inside(event: _Event, parts: list[Part], found: Overlap) -> None:
    """The rows inside an event that sums them with others: booked if they add up to it
    (all its references) or to less (some of them); else they differ from it."""
    total = sum((part.paid for part in parts), ZERO)
    every = {inert(part.reference) for part in parts} == set(event.references)
    agrees = event.amount is not None and (
        total == event.amount if every else total < event.amount
    )
    entry = event.payment.entry
    if agrees:
        found.booked.extend((part, entry) for part in parts)
        return
    listed = ", ".join(event.references)
    said = f"{total:,.2f} here, the booked event sums {listed} to {_amount(event)}"
    found.differ.extend((part, entry, said, False) for part in parts)


def _amount(event: _Event) -> str:
    return f"{event.amount:,.2f}" if event.amount is not None else "the face (no paid:)"
