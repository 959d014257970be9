"""A release the factor netted against a fee taken from the reserve that names no invoice.

A reserve ledger's fee row of no invoice is imported as a fee taken from the reserve
(Fees / Reserve). When the factor netted it from a release instead (the rebate is the
reserves due less the fee), the bank line of the release matches no open item, and
linking the invoices would count the fee twice (FCT120, the fee left on the clearing
account and the reserve short by it). The FCT101 then names that fee and says what to
write: the fee as a `fee` event, which the release nets (docs/ledger.md 6.11).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import data

from beancount_factoring.ledger.book import Event, units_of
from beancount_factoring.settlement.allocate import Allocation
from beancount_factoring.settlement.context import Settler
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# How long before a release a fee it nets may be dated (a month-end fee, a Friday rebate).
FEE_WINDOW = datetime.timedelta(days=31)


def reserve_fee_hint(
    settler: Settler,
    event: Event,
    agreement: Agreement,
    result: Allocation,
    currency: str | None,
) -> str:
    """The words of an FCT101 whose deposit is a release less such a fee; "" if none."""
    short = {
        diff
        for group, diff in result.closest
        if diff > 0 and all(c.kind == "release" for c in group)
    }
    if not short:
        return ""
    for entry in settler.book.reserve_by_hand:
        if not event.date - FEE_WINDOW <= entry.date <= event.date:
            continue
        fee = _fee_from_reserve(entry, agreement, currency)
        if fee is not None and fee in short:
            # (Said to take the entry's place: written beside it, the fee counts twice,
            # in silence while the reserve holds more than the fee.)
            return (
                f". The fee of {fee:,.2f} {currency} taken from the reserve on {entry.date} "
                "is what the factor netted from this release: in place of the transaction at "
                f"{_where(entry)}, write that fee as a fee event this release nets, with no "
                f'postings (factoring: "fee", charge: "other", amount: {fee:,.2f} {currency}), '
                "dated the day of the release (delete that transaction: beside the event, the "
                "fee counts twice), and leave the release naming nothing"
            )
    return ""


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
