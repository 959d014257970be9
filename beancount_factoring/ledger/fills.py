"""Amounts Beancount filled in and rounded to a tolerance wider than a cent.

An option such as ``inferred_tolerance_default "USD:0.05"`` (or ``tolerance_multiplier
"10"``) makes Beancount round an amount it fills in to 0.1: the clearing leg of a deposit
whose bank line says 2790.51 becomes -2790.50, and the factor would be said to have sent
2,790.50. On a factor's account the leg is what balances the other postings, as written.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from decimal import Decimal

from beancount.core import convert, data

CENT = Decimal("0.01")
# The tolerance of amounts written in cents: a leg filled in under it is exact to the cent.
HALF_CENT = CENT / 2


def unrounded(
    entries: list[data.Directive], indices: Iterable[int], accounts: Container[str]
) -> list[data.Directive]:
    """The entries, with each filled-in leg on one of ``accounts`` that Beancount rounded
    coarser than a cent set to what balances its transaction; the same list if none.
    Only the transactions at ``indices`` are looked at (those the plugin reads as
    factoring events or reserve movements: a walk of every entry cost 0.14 s at 100,000
    invoices, for an option few ledgers set)."""
    fixed: list[data.Directive] | None = None
    for index in indices:
        entry = entries[index]
        if type(entry) is not data.Transaction:
            continue
        exact = _exact(entry, accounts)
        if exact is not None:
            fixed = list(entries) if fixed is None else fixed
            fixed[index] = exact
    return entries if fixed is None else fixed


def _exact(entry: data.Transaction, accounts: Container[str]) -> data.Transaction | None:
    """The transaction with its rounded filled-in leg made exact, or None."""
    tolerances = entry.meta.get("__tolerances__") if entry.meta else None
    if not tolerances or max(tolerances.values()) <= HALF_CENT:
        return None  # (the usual transaction, every amount written in cents: one test)
    for position, leg in enumerate(entry.postings):
        if not (leg.meta and leg.meta.get("__automatic__")) or leg.account not in accounts:
            continue
        units = leg.units
        if units is None or not isinstance(units.number, Decimal):
            continue
        tolerance = tolerances.get(units.currency)
        if leg.cost is not None or leg.price is not None or not tolerance:
            continue
        if tolerance * 2 <= CENT:
            continue  # rounded to the cent at most: written as such
        others = [convert.get_weight(p) for p in entry.postings if p is not leg]
        if any(w.currency != units.currency or w.number is None for w in others):
            continue
        number = -sum((w.number for w in others if w.number is not None), Decimal(0))
        if number == units.number or abs(number - units.number) > tolerance:
            continue
        postings = list(entry.postings)
        postings[position] = leg._replace(units=data.Amount(number, units.currency))
        return entry._replace(postings=postings)
    return None
