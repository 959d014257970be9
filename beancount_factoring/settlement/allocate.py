"""Which open items a factor's lump sum settles, found by its amount.

A bank line that names nothing (no links, no ``schedule:``) is matched against
the factor's open items: schedules bought but not yet funded, reserves due
after collection (one item per collection day), and chargebacks or uncovered
short pays still to be netted. The search goes in three steps and stops at the
first that finds anything (but an item that fits only within the tolerance does
not stop it where a run fits as closely: the deposit is then ambiguous):

1. one item whose cash equals the deposit;
2. a run of two or more items next to each other by date, among all the open
   items or among those of one kind (a rebate of a week's collections is a
   run of release days even with a chargeback dated in between);
3. any other combination of up to ``max-subset`` items (default 4) among the
   ``max-candidates`` open items dated closest before the deposit (default 20).

A deposit that funds a schedule pays the transfer fee once, so a set that holds
a funding is compared with the deposit plus the fee. Amounts agree within the
plugin's tolerance. When a step finds two or more different sets, nothing is
chosen: the deposit is ambiguous and the candidates are listed. When nothing
fits, the closest single items and runs are listed instead.

The bounds keep the third step small: C(20, 4) = 4,845 sets at most, whatever
the number of open items; steps 1 and 2 look up prefix sums and stay linear.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from beancount_factoring.ledger.config import MAX_CANDIDATES, MAX_SUBSET

ZERO = Decimal(0)
CENT = Decimal("0.01")
# How far back a deposit that names nothing looks for the items it settles.
MATCH_WINDOW = datetime.timedelta(days=365)
# Beyond this many cents of tolerance, runs are compared pairwise, not looked up.
_LOOKUP_SPAN = 200


@dataclass(frozen=True)
class Candidate:
    """One open item a deposit may settle."""

    key: str
    label: str
    date: datetime.date
    cash: Decimal
    kind: str

    @property
    def funding(self) -> bool:
        return self.kind == "schedule"


@dataclass(frozen=True)
class Allocation:
    """The outcome: the items settled, or the competing sets, or the closest misses."""

    chosen: tuple[Candidate, ...] = ()
    ambiguous: tuple[tuple[Candidate, ...], ...] = ()
    # Each closest set, with what it brings less the deposit (a set that funds, less the
    # transfer fee below, once).
    closest: tuple[tuple[tuple[Candidate, ...], Decimal], ...] = ()
    transfer_fee: Decimal = ZERO


def _cents(value: Decimal) -> int:
    """A figure in whole cents (the runs' prefix sums)."""
    return int((value / CENT).to_integral_value())


def allocate(
    candidates: list[Candidate],
    amount: Decimal,
    transfer_fee: Decimal,
    tolerance: Decimal,
    max_candidates: int = MAX_CANDIDATES,
    max_subset: int = MAX_SUBSET,
) -> Allocation:
    """Find the open items a deposit of ``amount`` settles.

    Args:
      candidates: The factor's open items.
      amount: The cash the deposit brought (negative if we paid the factor).
      transfer_fee: The fee the factor takes once from a deposit that funds.
      tolerance: The largest difference that still counts as equal.
      max_candidates: How many items, closest by date, the subset search uses.
      max_subset: The most items the subset search combines.
    """
    items = sorted(candidates, key=lambda c: (c.date, c.key))
    # The sums are made on whole numbers of the smallest unit any figure uses (cents,
    # usually): exact, and far cheaper than Decimals in the subset search's loops.
    scale = _scale([c.cash for c in items] + [amount, transfer_fee, tolerance])
    cash = [int(c.cash * scale) for c in items]
    funds = [c.funding for c in items]
    target, fee, slack = int(amount * scale), int(transfer_fee * scale), int(tolerance * scale)
    # Step 1: one item.
    singles: list[tuple[Candidate, ...]] = [
        (items[i],)
        for i in range(len(items))
        if abs(cash[i] - (fee if funds[i] else 0) - target) <= slack
    ]
    sequences = _sequences(items)
    if singles:
        off = min(abs(_gap(group, amount, transfer_fee)) for group in singles)
        if not off:
            return _decide(singles, items, amount, transfer_fee, tolerance)
        # Only within the tolerance: a run that fits as closely is as likely (a rebate of
        # two releases of 150.00 and 100.00 against one of 250.03): ambiguous, never the
        # nearer one guessed, its cents booked as rounding.
        runs = [
            run
            for run in _matching_runs(sequences, amount, transfer_fee, tolerance)
            if abs(_gap(run, amount, transfer_fee)) <= off
        ]
        fits = _distinct(singles + runs) if runs else singles
        return _decide(fits, items, amount, transfer_fee, tolerance)
    # Step 2: a run of items next to each other.
    runs = _matching_runs(sequences, amount, transfer_fee, tolerance)
    if runs:
        return _decide(runs, items, amount, transfer_fee, tolerance)
    # Step 3: any set of the most recent items.
    first = max(0, len(items) - max_candidates) if max_candidates > 0 else len(items)
    recent_cash, recent_funds = cash[first:], funds[first:]
    found = _matching_subsets(recent_cash, recent_funds, max_subset, target, fee, slack)
    if found:
        sets = [tuple(items[first + i] for i in indices) for indices in found]
        return _decide(sets, items, amount, transfer_fee, tolerance)
    near = [
        tuple(items[first + i] for i in indices)
        for indices in _nearest_subsets(recent_cash, recent_funds, max_subset, target, fee)
    ]
    return Allocation(
        closest=_closest(items, sequences, near, amount, transfer_fee, max_candidates),
        transfer_fee=transfer_fee,
    )


def _sequences(items: list[Candidate]) -> list[list[Candidate]]:
    """The sequences runs are looked for in: all the items, and those of each kind."""
    kinds = sorted({c.kind for c in items})
    return [items] + ([[c for c in items if c.kind == k] for k in kinds] if len(kinds) > 1 else [])


def _matching_runs(
    sequences: list[list[Candidate]], amount: Decimal, transfer_fee: Decimal, tolerance: Decimal
) -> list[tuple[Candidate, ...]]:
    """The different runs, in any of the sequences, whose cash matches the deposit."""
    runs: dict[frozenset[str], tuple[Candidate, ...]] = {}
    for sequence in sequences:
        for run in _runs(sequence, amount, transfer_fee, tolerance):
            runs.setdefault(frozenset(c.key for c in run), run)
    return list(runs.values())


def _matching_subsets(
    cash: list[int], funds: list[bool], max_subset: int, target: int, fee: int, slack: int
) -> list[tuple[int, ...]]:
    """The positions of the smallest sets that match: stops at the second set found."""
    found: list[tuple[int, ...]] = []
    for size in range(2, max_subset + 1):
        for gap, indices in _subsets(cash, funds, size, target, fee):
            if abs(gap) <= slack:
                found.append(indices)
                if len(found) > 1:
                    return found
        if found:
            return found
    return found


def _nearest_subsets(
    cash: list[int], funds: list[bool], max_subset: int, target: int, fee: int
) -> list[tuple[int, ...]]:
    """The positions of the three sets of two or three items nearest the deposit."""
    near = sorted(
        (abs(gap), size, indices)
        for size in range(2, min(max_subset, 3) + 1)
        for gap, indices in _subsets(cash, funds, size, target, fee)
    )[:3]
    return [indices for _, _, indices in near]


def _closest(
    items: list[Candidate],
    sequences: list[list[Candidate]],
    near: list[tuple[Candidate, ...]],
    amount: Decimal,
    transfer_fee: Decimal,
    max_candidates: int,
) -> tuple[tuple[tuple[Candidate, ...], Decimal], ...]:
    """When nothing fits: the three closest single items, recent runs or ``near`` sets."""

    def total(group: tuple[Candidate, ...]) -> Decimal:
        cash_ = sum((c.cash for c in group), ZERO)
        return cash_ - transfer_fee if any(c.funding for c in group) else cash_

    misses: list[tuple[tuple[Candidate, ...], Decimal]] = [
        ((c,), total((c,)) - amount) for c in items
    ]
    for sequence in sequences:
        misses += [
            (tuple(sequence[i:j]), total(tuple(sequence[i:j])) - amount)
            for i in range(max(0, len(sequence) - max_candidates), len(sequence))
            for j in range(i + 2, len(sequence) + 1)
        ]
    # The nearest sets of two or three recent items, found on whole numbers first.
    misses += [(group, total(group) - amount) for group in near]
    misses.sort(key=lambda miss: (abs(miss[1]), len(miss[0])))
    closest: dict[frozenset[str], tuple[tuple[Candidate, ...], Decimal]] = {}
    for group, diff in misses:
        closest.setdefault(frozenset(c.key for c in group), (group, diff))
        if len(closest) == 3:
            break
    return tuple(closest.values())


def _subsets(
    cash: list[int], funds: list[bool], size: int, target: int, fee: int
) -> Iterator[tuple[int, tuple[int, ...]]]:
    """Every set of ``size`` items: how far its cash is from ``target``, and its positions.

    The three ``combinations`` run in step, so each set is summed on a tuple the
    C code builds, not by a loop in Python: up to C(20, 4) sets per deposit.
    """
    combos = zip(
        itertools.combinations(cash, size),
        itertools.combinations(funds, size),
        itertools.combinations(range(len(cash)), size),
        strict=True,
    )
    for values, funding, indices in combos:
        total = sum(values) - fee if any(funding) else sum(values)
        yield total - target, indices


def _scale(values: list[Decimal]) -> Decimal:
    """A power of ten that makes every one of these figures a whole number."""
    places = 0
    for value in values:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            places = -exponent
    return Decimal(10) ** places


def _gap(group: tuple[Candidate, ...], amount: Decimal, transfer_fee: Decimal) -> Decimal:
    """How far the set's cash is from the deposit (a set that funds pays the fee once)."""
    fee = transfer_fee if any(c.funding for c in group) else ZERO
    return sum((c.cash for c in group), ZERO) - fee - amount


def _distinct(found: list[tuple[Candidate, ...]]) -> list[tuple[Candidate, ...]]:
    """The sets that differ by more than items of no cash (a release the fees took
    whole): a run of an item and such a release is that item alone (the first kept)."""
    kept: dict[frozenset[str], tuple[Candidate, ...]] = {}
    for items in found:
        kept.setdefault(frozenset(c.key for c in items if c.cash), items)
    return list(kept.values())


def _decide(
    found: list[tuple[Candidate, ...]],
    items: list[Candidate],
    amount: Decimal,
    transfer_fee: Decimal,
    tolerance: Decimal,
) -> Allocation:
    """The one set found, or the competing sets (five at most) when there are more."""
    if len(found) == 1:
        found = found + _twins(found[0], items, amount, transfer_fee, tolerance)
        if len(found) == 1:
            return Allocation(chosen=found[0])
    return Allocation(ambiguous=tuple(found[:5]))


def _twins(
    chosen: tuple[Candidate, ...],
    items: list[Candidate],
    amount: Decimal,
    transfer_fee: Decimal,
    tolerance: Decimal,
) -> list[tuple[Candidate, ...]]:
    """The sets that fit too, within the tolerance, by taking another open item in the
    place of one of ``chosen`` (two chargebacks of 950.00, one next to the schedule a
    deposit funds and one not): that a run, or the smallest sets, were found first is
    no reason to net the one rather than the other. Items of no cash are left out (a
    release the fees took whole: ``_distinct``); a funding is replaced by a funding only,
    so the transfer fee stays as it was."""
    taken = {c.key for c in chosen}
    others = sorted(
        ((item.cash, item.funding, item.date, item.key), item)
        for item in items
        if item.key not in taken and item.cash
    )
    if not others:
        return []
    keys = [key for key, _ in others]
    gap = _gap(chosen, amount, transfer_fee)
    found: list[tuple[Candidate, ...]] = []
    for position, item in enumerate(chosen):
        if not item.cash:
            continue
        # The other item's cash may differ from this one's by what keeps the set's gap
        # within the tolerance: from -tolerance - gap to tolerance - gap.
        low = (item.cash - gap - tolerance, False, datetime.date.min, "")
        high = item.cash - gap + tolerance
        for (cash, funding, _, _), twin in others[bisect.bisect_left(keys, low) :]:
            if cash > high:
                break
            if funding == item.funding:
                found.append((*chosen[:position], twin, *chosen[position + 1 :]))
                break
    return found


def _runs(
    items: list[Candidate], amount: Decimal, transfer_fee: Decimal, tolerance: Decimal
) -> list[tuple[Candidate, ...]]:
    """Runs of two or more adjacent items whose cash matches, by prefix sums."""
    prefix = [0]
    fundings = [0]
    for item in items:
        prefix.append(prefix[-1] + _cents(item.cash))
        fundings.append(fundings[-1] + item.funding)
    target, fee, slack = _cents(amount), _cents(transfer_fee), _cents(tolerance)
    found: list[tuple[Candidate, ...]] = []
    if slack > _LOOKUP_SPAN:
        for i in range(len(items)):
            for j in range(i + 2, len(items) + 1):
                cash = prefix[j] - prefix[i] - (fee if fundings[j] > fundings[i] else 0)
                if abs(cash - target) <= slack:
                    found.append(tuple(items[i:j]))
        return found
    seen: dict[int, list[int]] = {}
    for j in range(len(items) + 1):
        if j >= 2:
            for offset in range(-slack, slack + 1):
                for funded, want in (
                    (False, prefix[j] - target - offset),
                    (True, prefix[j] - target - fee - offset),
                ):
                    for i in seen.get(want, ()):
                        if j - i < 2 or (fundings[j] > fundings[i]) != funded:
                            continue
                        found.append(tuple(items[i:j]))
        seen.setdefault(prefix[j], []).append(j)
    return found
