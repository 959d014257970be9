"""The monthly minimum of a month the factor's agreements cover in part.

A factor's month may start late (its first agreement dated March 15), change terms
(new ones from March 16), or end early (a buyout of all its invoices on March 11).
Contracts differ on what such a month owes: the agreement's ``part-month-minimum``
says it. ``"full"`` (the default): the whole minimum of the terms in force on the
month's last day, as for any month (docs/ledger.md 6.11). ``"prorated"``: each day of
the month owes its share of the minimum of the terms in force that day, a day with no
agreement (before the first, after the buyout) nothing; the sum is rounded to the cent
with the agreement's rounding. 10,000.00 from March 15 is 10,000.00 x 17/31 = 5,483.87;
10,000.00 to March 15 and 20,000.00 from March 16 is (15 x 10,000.00 + 16 x
20,000.00) / 31 = 15,161.29. The fee on the shortfall is then the month-end terms'.

The words say how the figure was found, for the FCT190 of a factor's figure that
differs; under "full", for a part month, they also say what "prorated" would give.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from beancount_factoring.ledger.book import Book, Event, month_end_of
from beancount_factoring.settlement.context import Settler
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import ROUNDING_MODES, smallest_unit

ZERO = Decimal(0)
DAY = datetime.timedelta(days=1)
# The events of a factor that fund (after a buyout of all its invoices, the factor
# still in business that month).
FUNDINGS = ("lump", "funding")


class MonthMinimum(NamedTuple):
    """The minimum a month owes and how it was found; under "full", for a part month,
    the words that say so (with ``{charge}`` where the charge "prorated" would give goes)
    and the prorated minimum it is worked out from."""

    number: Decimal
    text: str
    note: str = ""
    prorated: Decimal = ZERO


class Span(NamedTuple):
    """Days of the month in a row under one agreement (None: under none)."""

    terms: Agreement | None
    first: datetime.date
    days: int


def month_minimum(
    settler: Settler, event: Event, agreement: Agreement, attribute: str, period: str
) -> MonthMinimum:
    """The minimum (``attribute``: monthly_minimum_volume or monthly_minimum_fee) that
    ``agreement``, in force on the month's last day, gives for the month ``period``."""
    minimum = getattr(agreement, attribute)
    whole = MonthMinimum(minimum.number, f"{minimum.number:,.2f}")
    spans = _spans(settler, event, agreement, period)
    if len(spans) == 1 and spans[0].terms is agreement:
        return whole
    total = sum((span.days for span in spans), 0)
    shared = sum(
        (span.days * _minimum_of(span.terms, attribute, minimum.currency) for span in spans),
        ZERO,
    )
    unit, mode = smallest_unit(minimum.currency), ROUNDING_MODES[agreement.rounding]
    prorated = (shared / total).quantize(unit, mode)
    if prorated == minimum.number:
        return whole
    how = _how_prorated(spans, attribute, minimum.currency, total)
    if agreement.part_month_minimum == "prorated":
        return MonthMinimum(prorated, f'{prorated:,.2f} ({how}, part-month-minimum: "prorated")')
    note = _part_month(settler, event, agreement, spans, attribute)
    return whole._replace(note=note, prorated=prorated)


def _minimum_of(terms: Agreement | None, attribute: str, currency: str) -> Decimal:
    """A day's minimum: its terms' (0 under none, or none in ``currency``)."""
    if terms is None:
        return ZERO
    value = getattr(terms, attribute)
    if value is None or value.currency != currency or value.number is None:
        return ZERO
    return Decimal(value.number)


def _spans(settler: Settler, event: Event, agreement: Agreement, period: str) -> list[Span]:
    """The month's days, in runs under one agreement of the minimum's line each."""
    if settler.month_ends is None:
        settler.month_ends = month_ends(settler.book)
    factor = event.factor or agreement.name
    spans: list[Span] = []
    for day, terms in days_of(
        settler.book, settler.month_ends, factor, period, agreement.currency
    ):
        if spans and spans[-1].terms is terms:
            spans[-1] = spans[-1]._replace(days=spans[-1].days + 1)
        else:
            spans.append(Span(terms, day, 1))
    return spans


def month_ends(book: Book) -> list[Event]:
    """The events that may end a factor's month: the buyouts of all its invoices (no
    links), and the fundings after which it is still in business."""
    return [
        other
        for other in book.events
        if (other.kind == "buyout" and not other.invoices) or other.kind in FUNDINGS
    ]


def days_of(
    book: Book, ends: list[Event], factor: str, period: str, line: str | None
) -> Iterator[tuple[datetime.date, Agreement | None]]:
    """Each day of the month ``period`` and the factor's agreement of ``line`` (a currency,
    or None: the line for every currency) in force that day: None before its first, after
    a buyout of all its invoices (``ends``: ``month_ends``), or under a broken one."""
    end = month_end_of(period)
    day = end.replace(day=1)
    last = _bought_out(ends, factor, day, end)
    agreements = book.agreements
    while day <= end:
        found, terms = agreements.line_on(factor, day, line)
        yield day, terms if found and (last is None or day <= last) else None
        day += DAY


def _bought_out(
    events: list[Event], factor: str, first: datetime.date, end: datetime.date
) -> datetime.date | None:
    """The day in the month another factor bought all the factor's invoices (a buyout
    with ``from:`` naming it and no links), unless the factor funds again after it in
    the month: its last day. None if none."""
    key = factor.strip().lower()
    last = None
    for other in events:
        if first <= other.date <= end and other.kind == "buyout":
            old = other.entry.meta.get("from")
            if isinstance(old, str) and old.strip().lower() == key:
                last = other.date if last is None else max(last, other.date)
    if last is None:
        return None
    later = any(
        other.kind in FUNDINGS and other.factor == key and last < other.date <= end
        for other in events
    )
    return None if later else last


def _how_prorated(spans: list[Span], attribute: str, currency: str, total: int) -> str:
    """``10,000.00 for 17 of 31 days (from 2025-03-15)``, or for several terms
    ``10,000.00 for 15 days (2025-01-01) and 20,000.00 for 16 (2025-03-16), of 31``."""
    under = [span for span in spans if span.terms is not None]
    if len(under) == 1:
        span = under[0]
        minimum = _minimum_of(span.terms, attribute, currency)
        until = span.first + (span.days - 1) * DAY
        when = f"from {span.first}" if spans[0].terms is None else f"to {until}"
        if spans[0].terms is None and spans[-1].terms is None:
            when = f"{span.first} to {until}"
        return f"{minimum:,.2f} for {span.days} of {total} days ({when})"
    parts = []
    for index, span in enumerate(under):
        assert span.terms is not None
        minimum = _minimum_of(span.terms, attribute, currency)
        days = f"{span.days} days" if index == 0 else f"{span.days}"
        parts.append(f"{minimum:,.2f} for {days} ({span.terms.date})")
    return f"{', '.join(parts[:-1])} and {parts[-1]}, of {total}"


def _part_month(
    settler: Settler, event: Event, agreement: Agreement, spans: list[Span], attribute: str
) -> str:
    """What made the month a part month, under "full": the words for the message."""
    name = settler.book.agreements.display(event.factor or agreement.name)
    said = []
    if spans[0].terms is None:
        said.append(f"'{name}' had no agreement before {spans[1].first}")
    if spans[-1].terms is None and len(spans) > 1:
        said.append(f"'{name}' was bought out on {spans[-1].first - DAY}")
    others = [s.terms for s in spans if s.terms is not None and s.terms is not agreement]
    if others:
        minimum = getattr(agreement, attribute)
        before = ", ".join(
            f"those of {terms.date} set "
            f"{_minimum_of(terms, attribute, minimum.currency):,.2f} before"
            for terms in {id(terms): terms for terms in others}.values()
        )
        said.append(
            f"the terms of {agreement.date}, in force on the month's last day, give the "
            f"whole month's minimum ({before})"
        )
    days = sum((span.days for span in spans if span.terms is not None), 0)
    total = sum((span.days for span in spans), 0)
    under = f" ({days} of {total} days under an agreement)" if days < total else ""
    return (
        f" {spans[0].first:%Y-%m} is a part month: {period_words(said)}. Under "
        'part-month-minimum: "full" (the default) a part month owes the whole minimum; '
        f"prorated by the days of the month under each agreement{under}, it charges "
        "{charge}: if the factor prorates part months, set part-month-minimum: "
        '"prorated" in the agreement.'
    )


def period_words(said: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
