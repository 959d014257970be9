"""Fees that accrue before anything is paid: the month-end accruals.

A time-based fee (``tiered``, ``daily``, or any fee with ``fee-timing:
"collection"``) is known only when the customer pays the factor, and the
plugin books it when the factor takes it: from the reserve at the release,
or at a chargeback, a credit loss or a buyout. That is cash-basis timing: an
invoice funded on January 10 and collected on March 3 costs nothing in
January and February and all of its fee in March, and until then the reserve
shows more than the factor will pay back.

With ``'accrue': 'month'`` in the plugin's config, the plugin also writes, at
each month end while an invoice is funded and its fee not yet booked, the fee
incurred in that month: what the agreement would charge if the invoice were
paid that day (``postings.fee_due``), less what was taken at funding and
what earlier month ends accrued. Daily 0.06% on a face of 10,000.00 with the
fee taken at collection, funded January 10::

    2025-01-31 * "Summit" "Factoring fees accrued to 2025-01-31" ^INV-1001
      Expenses:Factoring:Summit:Fees          126.00 USD  ; factoring-part: "accrued-fee"
      Assets:Factoring:Summit:AccruedFees    -126.00 USD  ; factoring-part: "accrued-fee"

(21 days x 6.00), and on the day the fee is booked the whole accrual is
reversed, so that the booking's own fee legs count once::

    2025-03-05 * "Summit" "Accrued factoring fees reversed: the fee is booked" ^INV-1001
      Assets:Factoring:Summit:AccruedFees     294.00 USD  ; factoring-part: "accrued-fee-reversal"
      Expenses:Factoring:Summit:Fees         -294.00 USD  ; factoring-part: "accrued-fee-reversal"

``AccruedFees`` (the agreement's ``accrued-fees`` account) is a contra
account to the reserve: the factor takes the fee out of the reserve it owes
us, so the reserve net of it is what will come back. After the day the
invoice was paid in full or closed short (``InvoiceState.paid_in_full_on``:
the collection's, or an earlier day the customer paid us the last of it) the
fee no longer grows; the month ends between that day and the release accrue
nothing more. Each accrual is reversed exactly once, on the day the
fee is booked, so over an invoice's life the accruals add nothing to the fee
account: they only move the cost into the months it was incurred.

The settler notes one ``FeePeriod`` per invoice and factor (a buyout closes
the old factor's period and opens the new one's); ``accrual_entries`` walks
each period's month ends once, so the work grows with invoices x months.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data

from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
ONE_DAY = datetime.timedelta(days=1)


def fee_accrued(
    agreement: Agreement,
    face: Decimal,
    purchase: P.Purchase,
    funded_on: datetime.date,
    day: datetime.date,
    currency: str,
) -> Decimal:
    """The fee the agreement gives for an invoice paid on ``day``, less what funding took."""
    return P.fee_due(
        agreement, face, purchase.advance, funded_on, day, purchase.discount_fee, currency
    )


@dataclass(frozen=True, slots=True)
class FeePeriod:
    """One invoice's time with one factor: from its funding to the day its fee was booked.

    ``fixed`` is the day the fee stopped growing (paid in full, closed short, or
    written off: ``InvoiceState.fee_stopped_on``),
    ``booked`` the day the fee went to the fees account (release, chargeback,
    credit loss, buyout); None while that has not happened.
    """

    invoice: str
    agreement: Agreement
    currency: str
    face: Decimal
    purchase: P.Purchase
    funded: datetime.date
    fixed: datetime.date | None
    booked: datetime.date | None

    def accrued(self, day: datetime.date) -> Decimal:
        """The fee incurred to the end of ``day`` and not yet booked."""
        if day < self.funded or (self.booked is not None and day >= self.booked):
            return ZERO
        until = min(day, self.fixed) if self.fixed is not None else day
        return fee_accrued(
            self.agreement, self.face, self.purchase, self.funded, until, self.currency
        )


def month_ends(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    """The last days of the months from ``first`` to ``last`` that fall in that range."""
    year, month = first.year, first.month
    while True:
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        end = following - ONE_DAY
        if end > last:
            return
        yield end
        year, month = following.year, following.month


class Step(NamedTuple):
    """One accrual (``accrued-fee``, a cost) or reversal (``accrued-fee-reversal``)."""

    date: datetime.date
    kind: str
    period: FeePeriod
    amount: Decimal

    @property
    def expense(self) -> Decimal:
        """What the step adds to the fees account: the amount, negative for a reversal."""
        return self.amount if self.kind == "accrued-fee" else -self.amount


def accrual_steps(periods: list[FeePeriod], last_day: datetime.date) -> Iterator[Step]:
    """Each period's month-end accruals up to ``last_day``, then its reversal if booked.

    Month ends run up to ``last_day`` (the ledger's last date): a month not
    over yet is not accrued. A fee booked on a month end is not accrued that day.
    """
    for period in periods:
        stop = last_day if period.booked is None else min(last_day, period.booked - ONE_DAY)
        so_far = ZERO
        for end in month_ends(period.funded, stop):
            total = period.accrued(end)
            if total > so_far:
                yield Step(end, "accrued-fee", period, total - so_far)
                so_far = total
        if period.booked is not None and so_far:
            yield Step(period.booked, "accrued-fee-reversal", period, so_far)


# (date, kind, fees account, accrued-fees account, currency, factor): one transaction per
# factor even where two factors share their accounts, so that its payee names the factor
# whose fee it is (the cost report reads it).
_Key = tuple[datetime.date, str, str, str, str, str]


def accrual_entries(
    periods: list[FeePeriod], last_day: datetime.date, detail: str
) -> tuple[list[data.Transaction], dict[str, tuple[datetime.date, Agreement]]]:
    """The month-end accruals and their reversals, one transaction per factor, kind and day.

    Returns the transactions and the first use of each account they post to,
    for the plugin to open.
    """
    groups: dict[_Key, list[P.Leg]] = {}
    terms: dict[_Key, Agreement] = {}
    used: dict[str, tuple[datetime.date, Agreement]] = {}
    for step in accrual_steps(periods, last_day):
        period, day = step.period, step.date
        agreement = period.agreement
        fees, accrued = agreement.fees, agreement.accrued_fees
        key = (day, step.kind, fees, accrued, period.currency, agreement.name.strip().lower())
        found = groups.setdefault(key, [])
        found.append(P.leg(fees, step.expense, period.currency, step.kind, period.invoice))
        found.append(P.leg(accrued, -step.expense, period.currency, step.kind, period.invoice))
        terms.setdefault(key, agreement)
        for account in (fees, accrued):
            if account not in used or day < used[account][0]:
                used[account] = (day, agreement)
    entries = [_transaction(key, legs, terms[key], detail) for key, legs in sorted(groups.items())]
    return entries, used


def _transaction(
    key: _Key, legs: list[P.Leg], agreement: Agreement, detail: str
) -> data.Transaction:
    day, kind, fees, accrued, _, _ = key
    if kind == "accrued-fee":
        narration = f"Factoring fees accrued to {day}"
    else:
        narration = "Accrued factoring fees reversed: the fee is booked"
    meta = data.new_metadata(agreement.meta["filename"], agreement.meta["lineno"])
    postings = P.materialize(legs, detail, frozenset((fees, accrued)))
    links = frozenset(item.invoice for item in legs if item.invoice is not None)
    return data.Transaction(
        meta, day, "*", agreement.name, narration, data.EMPTY_SET, links, postings
    )
