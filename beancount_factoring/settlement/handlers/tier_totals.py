"""A rate sheet's table of totals copied as tiers, caught by the factor's own figure.

A tiered fee's terms are periods, each adding its rate (docs/ledger.md 3.1):
``tiered 2%/30d + 3%/60d`` is 2% for days 0-30, then 3% more for each 60 days. A rate
sheet often gives totals by days outstanding instead (2% up to day 30, 3% in all up to
day 60), and copied as they stand they read as periods: 5% on day 45, where the factor
charges 3%. Refusing every tier list whose days and rates both grow would refuse
agreements that mean them, so the plugin reads the fee as written; but when a release
differs from it by exactly what the totals reading gives for the invoices it releases,
the message says so, with each invoice's rate both ways and the fee written step by
step (``tiered 2%/30d + 1%/30d``). A difference of any other amount says nothing.
"""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal

from beancount_factoring.settlement.allocate import Allocation
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.handlers.open_items import Members
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.fees import HUNDRED, FeeSchedule

ZERO = Decimal(0)


def totals_reading(fee: FeeSchedule) -> FeeSchedule | None:
    """The fee as periods if its tiers were totals by days outstanding (each tier's rate
    the total up to its day): None unless it is tiered, with two tiers or more whose days
    and rates both grow. ``2%/30d + 2.5%/45d + 3%/60d`` is ``2%/30d + 0.5%/15d + 0.5%/15d``
    (past day 60 its last step repeats, as a tier list's last term does)."""
    terms = fee.terms
    if fee.form != "tiered" or len(terms) < 2:
        return None
    steps = [terms[0]]
    for (rate, days), (next_rate, next_days) in itertools.pairwise(terms):
        if next_rate <= rate or next_days <= days:
            return None
        steps.append((next_rate - rate, next_days - days))
    text = "tiered " + " + ".join(f"{_percent(rate)}/{days}d" for rate, days in steps)
    return FeeSchedule("tiered", tuple(steps), text)


def _percent(rate: Decimal) -> str:
    return f"{(rate * HUNDRED).normalize():f}%"


def tiers_hint(settler: Settler, items: list[P.Item], difference: Decimal) -> str:
    """The words for a deposit ``difference`` more than expected, when that is what the
    releases among ``items`` bring more if their tiers are totals; "" otherwise."""
    if difference <= 0:
        return ""
    more, told, fees = ZERO, [], set()
    for item in items:
        if item.kind != "release":
            continue
        found = _release_as_totals(settler, item)
        if found is None:
            continue
        extra, words, fee = found
        more += extra
        if extra:
            told.append(words)
            fees.add(fee)
    if not told or more != difference or len(fees) != 1:
        return ""
    written, steps = fees.pop()
    return (
        f' The difference is what the fee comes to if the tiers of "{written}" are totals '
        "by days outstanding (each rate the whole fee up to its day) rather than periods, "
        f"each adding its rate: {'; '.join(told[:3])}. If the factor's rate sheet gives "
        f'totals, write the fee step by step, fee: "{steps}" (new terms from the day they '
        "apply, or this agreement corrected)"
    )


def _release_as_totals(
    settler: Settler, item: P.Item
) -> tuple[Decimal, str, tuple[str, str]] | None:
    """What one release brings more if its invoice's tiers are totals, the words that
    say each reading's rate, and (the fee as written, as steps); None if it cannot be."""
    state = settler.states.get(item.invoice)
    if state is None:
        return None
    terms, purchase = state.agreement, state.purchase
    funded, paid = state.funded_on, state.paid_in_full_on
    if terms is None or purchase is None or funded is None or paid is None:
        return None
    steps = totals_reading(terms.fee)
    if steps is None or not item.amounts:
        return None
    alternative = dataclasses.replace(terms, fee=steps)
    due = P.fee_due(
        alternative,
        purchase.face,
        purchase.advance,
        funded,
        paid,
        purchase.discount_fee,
        state.currency,
    )
    base, late = P.base_and_late(alternative, purchase, due, state.currency)
    held, written_base, written_late = item.amounts
    # (Both readings with the same terms' VAT, whatever the day's.)
    extra = P.release_cash(terms, held, base, late) - P.release_cash(
        terms, held, written_base, written_late
    )
    days = max((paid - funded).days, 0)
    words = (
        f"{item.invoice}, {days} days: {_percent(terms.fee.rate_for_days(days))} as written, "
        f"{_percent(steps.rate_for_days(days))} as totals"
    )
    return extra, words, (terms.fee.text, steps.text)


def unmatched_tiers_hint(settler: Settler, result: Allocation, members: Members) -> str:
    """The same words (after a full stop) for a release that names nothing and matches no
    open item, when one of its closest sets of releases is short of it by just that."""
    for group, diff in result.closest:
        if diff >= 0 or not all(c.kind == "release" for c in group):
            continue
        items = []
        for candidate in group:
            member = members.get(candidate.key)
            if not isinstance(member, list):
                continue
            for state, _, _ in member:
                if state.agreement is None:
                    continue
                items.append(
                    P.release_item(
                        state.agreement,
                        state.invoice.number,
                        state.currency,
                        state.held,
                        state.base_fee,
                        state.late_fee,
                    )
                )
        hint = tiers_hint(settler, items, -diff)
        if hint:
            return "." + hint
    return ""
