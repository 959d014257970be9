"""A release the factor netted against a fee taken from the reserve that names no invoice.

A reserve ledger's fee row of no invoice is imported as a fee taken from the reserve
(Fees / Reserve). When the factor took that fee from the reserves it then released (the
rebate is the reserves due less the fee), the reserve account no longer holds the fee,
and the bank line of the release is short of the reserves by it. Such a release is
booked as the reserves it releases, less that fee (``less_a_fee``): a reserve posting
of the fee (part ``other-fee``, no invoice) beside the releases, so that the release
takes from the account what it still holds and the fee stays the imported entry's, once.

A release that names nothing is found by its amount plus the fee (``release_less_fee``);
one that links its invoices, or is written on the reserve account, by its difference
from them. A fee nets one release only. When two sets of releases fit, the FCT101 names
the fee and says to link the invoices the release pays (``reserve_fee_hint``). The user's
guide: docs/ledger.md 6.11, "A fee taken from the reserve, and a release less it".
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.allocate import Candidate, allocate
from beancount_factoring.settlement.context import Settler
from beancount_factoring.settlement.owed import Charge
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# How long before a release a fee it nets may be dated (a month-end fee, a Friday rebate).
FEE_WINDOW = datetime.timedelta(days=31)
# The part of the reserve posting of a fee the reserve account no longer holds.
PART = "other-fee"


class FeeMatch(NamedTuple):
    """The fee a release that names nothing is short by, and the sets of releases that
    the deposit and the fee add up to: one chosen, or several that fit."""

    entry: data.Transaction
    fee: Decimal
    chosen: tuple[Candidate, ...]
    ambiguous: tuple[tuple[Candidate, ...], ...]


def release_less_fee(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    candidates: list[Candidate],
    amount: Decimal,
    currency: str | None,
) -> FeeMatch | None:
    """The releases a deposit that names nothing and matches no open item pays less a fee
    already taken from the reserve (the latest such fee first); None if none fits."""
    releases = [c for c in candidates if c.kind == "release"]
    if not releases or amount <= 0:
        return None
    config = settler.config
    for entry, fee in _fees_before(settler, event, agreement, currency):
        result = allocate(
            releases,
            amount + fee,
            ZERO,
            settler.tolerance,
            config.max_candidates,
            config.max_subset,
        )
        if result.chosen or result.ambiguous:
            return FeeMatch(entry, fee, result.chosen, result.ambiguous)
    return None


def less_a_fee(
    settler: Settler, event: Event, agreement: Agreement, short: Decimal, currency: str
) -> Charge | None:
    """The fee already taken from the reserve that a release short of its reserves by
    ``short`` nets, as a charge on the reserve account (a reserve posting of the fee,
    which the release brings less), now taken; None if no such fee."""
    for entry, fee in _fees_before(settler, event, agreement, currency):
        if abs(fee - short) <= settler.tolerance:
            settler.reserve_fees_netted.add(id(entry))
            label = f"fee taken from the reserve on {entry.date} ({_where(entry)})"
            return Charge(
                "", label, entry.date, fee, currency, PART, entry, clearing=agreement.reserve
            )
    return None


def reserve_fee_hint(
    match: FeeMatch | None, numbers: Callable[[Candidate], list[str]], currency: str | None
) -> str:
    """The words of an FCT101 whose deposit is a release less such a fee that fits two
    sets of releases (``numbers``: the invoices of a release item); "" if none."""
    if match is None or not match.ambiguous:
        return ""
    options = "; or ".join(
        " ".join(f"^{number}" for candidate in group for number in numbers(candidate))
        for group in match.ambiguous
    )
    return (
        f". It may be a release less the fee of {match.fee:,.2f} {currency} taken from the "
        f"reserve on {match.entry.date} ({_where(match.entry)}), which the reserve account "
        "no longer holds, but more than one set of reserves fits: link the invoices whose "
        f"reserve it releases ({options}), and the plugin books it as their release less "
        "that fee"
    )


def _fees_before(
    settler: Settler, event: Event, agreement: Agreement, currency: str | None
) -> Iterator[tuple[data.Transaction, Decimal]]:
    """The fees taken from the agreement's reserve that name no invoice, dated within
    ``FEE_WINDOW`` before the release, no release having netted them yet; latest first."""
    used = settler.reserve_fees_netted
    for entry in reversed(settler.book.reserve_by_hand):
        if entry.date > event.date or id(entry) in used:
            continue
        if entry.date < event.date - FEE_WINDOW:
            break
        fee = _fee_from_reserve(entry, agreement, currency)
        if fee is not None:
            yield entry, fee


def _fee_from_reserve(
    entry: data.Transaction, agreement: Agreement, currency: str | None
) -> Decimal | None:
    """The fee a transaction takes from the agreement's reserve to its fees account alone,
    naming no invoice; None if it is not one."""
    if entry.links or "invoice" in entry.meta:
        return None
    fee = taken = ZERO
    for posting in entry.postings:
        units = units_of(posting)
        if units is None or units[1] != currency or (posting.meta or {}).get("invoice"):
            return None
        if posting.account == agreement.fees:
            fee += units[0]
        elif posting.account == agreement.reserve:
            taken -= units[0]
        else:
            return None
    return fee if fee > ZERO and fee == taken else None


def _where(entry: data.Transaction) -> str:
    """The file and line of an entry (an imported one is often in a file of its own)."""
    meta = entry.meta or {}
    return f"{meta.get('filename')}:{meta.get('lineno')}"
