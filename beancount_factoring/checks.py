"""Audit rules that look at the ledger as a whole after the split.

- FCT141: a reserve account's running balance goes below zero. The factor
  cannot owe us less than nothing; a negative reserve means a release or a
  short pay was booked twice, or a holdback is missing.
- FCT150: a deposit from a factor booked to an Income account. An advance is
  not revenue: the revenue was booked with the invoice, and the deposit must
  go through the factor's clearing account.
"""

from __future__ import annotations

from decimal import Decimal

from beancount.core import data

from beancount_factoring.book import Book, units_of
from beancount_factoring.errors import FactoringError, make_error

ZERO = Decimal(0)


def check_reserves(
    entries: list[data.Directive], indices: list[int], book: Book, tolerance: Decimal
) -> list[FactoringError]:
    """Report each time a reserve account's balance ends a day below zero.

    Balances are taken at the end of each day, since the plugin applies a
    day's events in its own order (collections before deposits), not in the
    order they are written.

    Args:
      entries: The entries after the split.
      indices: The positions of every transaction that may post to a reserve
        account, in date order.
    """
    reserves = {a.reserve: a.name for a in book.agreements.latest()}
    balances: dict[tuple[str, str], Decimal] = {}
    last_entry: dict[tuple[str, str], data.Transaction] = {}
    below: set[tuple[str, str]] = set()
    errors: list[FactoringError] = []

    def close_day() -> None:
        for key, entry in last_entry.items():
            balance = balances[key]
            if balance < -tolerance and key not in below:
                below.add(key)
                errors.append(
                    make_error(
                        "FCT141",
                        f"Reserve account {key[0]} of '{reserves[key[0]]}' goes below zero "
                        f"({balance:,.2f} {key[1]}) on {entry.date}: more was released or "
                        "deducted than the factor held",
                        entry.meta,
                        entry,
                    )
                )
            elif balance >= -tolerance:
                below.discard(key)
        last_entry.clear()

    day = None
    for index in indices:
        entry = entries[index]
        if not isinstance(entry, data.Transaction):
            continue
        if entry.date != day:
            close_day()
            day = entry.date
        for posting in entry.postings:
            units = units_of(posting)
            if posting.account not in reserves or units is None:
                continue
            key = (posting.account, units[1])
            balances[key] = balances.get(key, ZERO) + units[0]
            last_entry[key] = entry
    close_day()
    return errors


def check_income_deposits(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """Report bank credits from a factor that were booked to Income."""
    errors = []
    for index, factor in book.income_deposits:
        entry = entries[index]
        _, agreement = book.agreements.in_force(factor, entry.date)
        clearing = agreement.clearing if agreement else "the factor's clearing account"
        name = agreement.name if agreement else factor
        errors.append(
            make_error(
                "FCT150",
                f"This deposit from factor {name!r} is booked to Income; an advance is not "
                f"revenue. Post it to {clearing} and link what it settles",
                entry.meta,
                entry,
            )
        )
    return errors
