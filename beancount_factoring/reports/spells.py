"""An invoice's fees, and the spells it spent with each factor, for the cost report.

The annual rate of factoring asks what a dollar of advance cost for a year:
the fees over the cash advanced times the days it was out. An invoice is
usually held by one factor from funding to collection, but a buyout splits its
life into *spells*, one per factor, each with its own advance, days and fees::

    2025-06-11 * "LAKESHORE FUNDING" "Purchase" ^INV-1      ; 95%, flat 2%
    2025-07-01 * "Pinecrest Capital" "Buyout"               ; 97%, flat 3%
      factoring: "buyout"
      factor: "Pinecrest"
      from: "Lakeshore"
    2025-07-10 * "TQL" "Paid Pinecrest" ^INV-1
      factoring: "collected"

INV-1 (2,000.00) spends 20 days with Lakeshore (advance 1,900.00, fee 40.00,
and whatever time-based fee it had accrued by the buyout) and 9 days with
Pinecrest (advance 1,960.00: the face less the reserve that moved, fee
60.00). Lakeshore's rate counts 40.00 over 1,900.00 x 20 days, Pinecrest's
60.00 over 1,960.00 x 9 days; the invoice's whole life counts 100.00 over
1,900.00 x 20 + 1,960.00 x 9.

Each fee belongs to a spell and to the day it was booked (the purchase fees
at funding or at the buyout, the fee accrued to a buyout on the buyout,
time-based fees with the release, a chargeback's or a forfeited credit loss's
fee on that day). Fees the ledger books against an invoice that the invoice's
state does not work out (a fuel advance's fee, another charge naming the
invoice) come from their postings (``Booked``) and go to the spell of their
factor. The report asks two sums of them (``InvoiceFees``), so each fee is
added up as it is found rather than kept: by kind, those of the factor asked
booked in the period (a customer's line), and those of the factor's spells
whenever booked (the invoice's whole life).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from beancount_factoring.reports.facts import Snap
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Window:
    """What a report asks of the fees: the period ``start`` (None: all) to ``end``, both
    inclusive, and the factor (its key; None: every factor)."""

    start: datetime.date | None
    end: datetime.date
    factor: str | None = None

    def holds(self, date: datetime.date | None) -> bool:
        """True when ``date`` falls in the period (a fee not booked yet never does)."""
        return date is not None and date <= self.end and (self.start is None or date >= self.start)

    def keeps(self, factor: str) -> bool:
        """True when the report counts this factor's fees and spells."""
        return not self.factor or factor == self.factor


@dataclass(slots=True)
class Spell:
    """The time an invoice spent with one factor: from its funding (or the buyout) to the
    day it left that factor (buyout, collection, chargeback, credit loss; None: not yet).

    ``end`` ends the days the advance was out: for a collection, the day the invoice was
    paid in full (to us, perhaps, before the factor's report). ``closed_on`` is the day
    the books say the spell ended (the factor's report of the collection, the chargeback,
    the loss, the buyout): only from then is its fee final, so the period that holds it
    is the one the spell closed in, and each invoice closes in exactly one period.
    """

    factor: str
    advance: Decimal
    start: datetime.date
    end: datetime.date | None = None
    fees: Decimal = ZERO
    closed_on: datetime.date | None = None

    @property
    def days(self) -> int:
        """Days the advance was out, at least one (only for a spell that ended)."""
        assert self.end is not None
        return max((self.end - self.start).days, 1)


@dataclass(frozen=True, slots=True)
class Booked:
    """A fee posting naming the invoice, of a part the invoice's state does not give."""

    factor: str
    kind: str
    date: datetime.date
    amount: Decimal


@dataclass(slots=True)
class InvoiceFees:
    """An invoice's spells and the sums of its fees that a report asks (``window``),
    worked out from its snapshots by ``invoice_fees``."""

    face: Decimal
    currency: str
    window: Window
    spells: list[Spell] = field(default_factory=list)
    # By kind, the fees of the window's factor booked in the period; None when none was
    # (the invoice's customer then has no fee in the period from it).
    in_period: dict[str, Decimal] | None = None
    # By kind, the fees of the spells the window keeps, whenever booked.
    whole: dict[str, Decimal] = field(default_factory=dict)
    # The fees known and booked with the release to come: (factor, kind, amount).
    pending: list[tuple[str, str, Decimal]] = field(default_factory=list)

    def add(self, kind: str, date: datetime.date | None, amount: Decimal) -> None:
        """A fee of the current spell, booked on ``date`` (None: with the release)."""
        if not amount:
            return
        spell = self.spells[-1]
        spell.fees += amount
        self._count(spell.factor, kind, date, amount, spell)

    def _count(
        self,
        factor: str,
        kind: str,
        date: datetime.date | None,
        amount: Decimal,
        spell: Spell | None,
    ) -> None:
        """Add a fee to the sums the window asks for (``spell``: the one it belongs to)."""
        window = self.window
        if spell is not None and window.keeps(spell.factor):
            self.whole[kind] = self.whole.get(kind, ZERO) + amount
        if date is None:
            self.pending.append((factor, kind, amount))
        else:
            self._dated(factor, kind, date, amount)

    def _dated(self, factor: str, kind: str, date: datetime.date, amount: Decimal) -> None:
        """A fee booked on ``date``: in the period's sum if the window holds it."""
        if self.window.holds(date) and self.window.keeps(factor):
            if self.in_period is None:
                self.in_period = {}
            self.in_period[kind] = self.in_period.get(kind, ZERO) + amount

    def release(self, date: datetime.date | None) -> None:
        """The reserve came back: the fees waiting for it are booked on ``date``."""
        if date is not None:
            for factor, kind, amount in self.pending:
                self._dated(factor, kind, date, amount)
        self.pending.clear()

    def start(self, factor: str, advance: Decimal, date: datetime.date) -> None:
        self.end(date)
        self.spells.append(Spell(factor, advance, date))

    def end(self, date: datetime.date, closed_on: datetime.date | None = None) -> None:
        """End the current spell's days on ``date``, closed on ``closed_on`` (that day)."""
        if self.spells and self.spells[-1].end is None:
            self.spells[-1].end = date
            self.spells[-1].closed_on = closed_on or date

    def book(self, fee: Booked) -> None:
        """A posted fee: to the spell of its factor that ran on its day, else the first."""
        first: Spell | None = None
        found: Spell | None = None
        for spell in self.spells:
            if spell.factor != fee.factor:
                continue
            if first is None:
                first = spell
            if spell.start <= fee.date and (spell.end is None or fee.date <= spell.end):
                found = spell
                break
        owner = found or first
        if owner is not None:
            owner.fees += fee.amount
        self._count(fee.factor, fee.kind, fee.date, fee.amount, owner)


def invoice_fees(
    history: list[Snap],
    face: Decimal,
    currency: str,
    transfer: Decimal,
    booked: list[Booked],
    window: Window,
) -> InvoiceFees:
    """An invoice's spells and fees from its snapshots (``transfer``: its share of its
    funding's transfer fee) and the fees posted against it (``booked``), summed as
    ``window`` asks."""
    result = InvoiceFees(face, currency, window)
    previous: Snap | None = None
    for snap in history:
        _step(result, previous, snap, transfer)
        previous = snap
    for fee in booked:
        result.book(fee)
    return result


def _step(result: InvoiceFees, previous: Snap | None, snap: Snap, transfer: Decimal) -> None:
    """What one event did to the invoice's fees and spells.

    A date field "set by this event" is set now and was not before; each is compared
    by hand, not looked up by its name: this runs for every event of every invoice.
    """
    if (
        snap.funded_on
        and (previous is None or not previous.funded_on)
        and snap.purchase is not None
    ):
        result.start(snap.factor or "", snap.purchase.advance, snap.funded_on)
        result.add("discount", snap.funded_on, snap.purchase.discount_fee)
        result.add("invoice", snap.funded_on, snap.purchase.invoice_fee)
        result.add("transfer", snap.funded_on, transfer)
    elif _bought(previous, snap):
        assert previous is not None and snap.purchase is not None and snap.funded_on
        # A buyout: the old factor's fee to the day is the last of its spell; the new
        # factor's fees at purchase the first of the next (buyout.py).
        base, late = _fee_to(previous, result, snap.funded_on)
        result.add("discount", snap.funded_on, base)
        result.add("late", snap.funded_on, late)
        result.start(snap.factor or "", snap.purchase.advance, snap.funded_on)
        result.add("discount", snap.funded_on, snap.purchase.discount_fee)
        result.add("invoice", snap.funded_on, snap.purchase.invoice_fee)
    if not result.spells:
        return
    if snap.collected_on and (previous is None or not previous.collected_on):
        # Known on collection, booked with the release (None: not yet). Released the
        # same day, they are the release's: the day's snapshot holds them no more.
        released = snap.released_on and (previous is None or not previous.released_on)
        result.add("discount", None, snap.released_base if released else snap.base_fee)
        result.add("late", None, snap.released_late if released else snap.late_fee)
        # The advance was out until the invoice was paid in full (to us, perhaps,
        # before the factor's report) or closed short: the fee ran that long. (Paid to
        # us before the funding, the spell ends the day it began.)
        paid_on = snap.paid_in_full_on or snap.collected_on
        result.end(max(paid_on, result.spells[-1].start), snap.collected_on)
    if snap.lost_on and (previous is None or not previous.lost_on):
        _lost(result, snap, snap.lost_on)
    if snap.released_on and (previous is None or not previous.released_on):
        result.release(snap.released_on)
    if snap.charged_back_on and (previous is None or not previous.charged_back_on):
        base, late = _fee_to(snap, result, snap.charged_back_on)
        result.add("chargeback", snap.charged_back_on, base + late)
        result.end(snap.charged_back_on)


def _lost(result: InvoiceFees, snap: Snap, lost_on: datetime.date) -> None:
    """A credit loss: the fee to the day is taken from the reserve at once when the
    factor keeps the reserve, else with the release (losses.py)."""
    released = snap.agreement is not None and snap.agreement.reserve_on_loss == "released"
    base, late = _fee_to(snap, result, lost_on)
    result.add("discount", None if released else lost_on, base)
    result.add("late", None if released else lost_on, late)
    result.end(lost_on)


def _bought(previous: Snap | None, snap: Snap) -> bool:
    return (
        previous is not None
        and previous.funded_on is not None
        and snap.funded_on != previous.funded_on
        and snap.factor != previous.factor
        and snap.purchase is not None
    )


def _fee_to(snap: Snap, result: InvoiceFees, day: datetime.date) -> tuple[Decimal, Decimal]:
    return fee_to(snap, result.currency, day)


def fee_to(snap: Snap, currency: str, day: datetime.date) -> tuple[Decimal, Decimal]:
    """The time-based fee accrued to ``day`` beyond the one taken at purchase, split into
    its first term and the rest, as the plugin works it out for a buyout, a chargeback
    or a credit loss."""
    terms, purchase = snap.agreement, snap.purchase
    if terms is None or purchase is None or snap.funded_on is None:
        return ZERO, ZERO
    # The fee is a rate of the face the factor bought (``P.Purchase.face``), which after
    # a buyout of what a customer that paid us a part left unpaid is that part.
    due = P.fee_due(
        terms,
        purchase.face,
        purchase.advance,
        snap.funded_on,
        day,
        purchase.discount_fee,
        currency,
    )
    return P.base_and_late(terms, purchase, due, currency)
