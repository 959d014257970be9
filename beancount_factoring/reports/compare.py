"""What the same invoices would have cost under another factor's offer.

A carrier with an offer from another factor writes its terms once, with the
keys of an agreement, as a ``factoring-offer``::

    2025-01-01 custom "factoring-offer" "Bluewater"
      advance-rate: 0.90
      fee: "tiered 1%/30d + 0.5%/10d"
      fee-timing: "collection"
      recourse-days: 60

The offer changes nothing in the books. This report replays on its terms
every invoice the books funded in the period (``start`` to ``as_of``) and
closed by ``as_of``, with the same fee functions as the plugin:

- at funding: ``postings.purchase_split`` (advance, the fee taken at
  purchase with the offer's ``minimum-fee``, the offer's ``invoice-fee``) and
  the offer's transfer fee on the deposit that funded it (its ``transfer``
  rail), shared among that deposit's invoices by face, as the cost report
  shares the actual one;
- at the end: ``postings.fee_due`` and ``base_and_late`` to the day the
  customer paid, or the day it was charged back or written off; under the offer's
  recourse terms an invoice still unpaid ``recourse-days`` after funding is charged
  back on that day, with its fee to that day (kind "chargeback");
- a credit loss: what the business lost beyond the fees, each side (``_replay``);
- per month: the offer's monthly minimums (``monthly-minimum-volume`` with
  ``volume-shortfall-fee``, ``monthly-minimum-fee``) for each month of the
  agreement charged by ``as_of`` (from the day the books charged theirs for it, else
  from its last day), from the first to the last in which the books funded an
  invoice or charged a monthly minimum (a month between that funded nothing
  too, as the plugin charges the books' minimums for it), the fees counted in the
  month the plugin books them (``_booked_on``), a part month as the offer's
  ``part-month-minimum`` says (``_Calendar``).

INV-1, 10,000.00 funded on 2025-03-01 by a flat 3% agreement (advance 95%)
and paid on 03-31: actual 300.00 on 9,500.00 x 30 days = 38.42% a year; the
offer above: advance 9,000.00, 1% on 10,000.00 for the first 30 days = 100.00
on 9,000.00 x 30 days = 13.52% a year.

The actual side of each invoice is the cost report's own (``by_invoice``), so
its totals tie to the cost report. What cannot be replayed is listed in
``excluded`` with the reason, never dropped: an invoice still open on
``as_of``, one a buyout moved to another factor, a fuel advance, an invoice in a
currency the offer has no terms for.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from beancount.core.amount import Amount

from beancount_factoring.ledger.book import Event, month_end_of
from beancount_factoring.reports.cost import cost_report, untied_fees
from beancount_factoring.reports.facts import Facts
from beancount_factoring.reports.model import (
    CHARGED_BACK,
    COLLECTED,
    CREDIT_LOSS,
    FEE_KINDS,
    NO_INVOICE,
    CompareExcluded,
    CompareInvoice,
    CompareLine,
    CompareReport,
    Fees,
    InvoiceCost,
    OfferComparison,
)
from beancount_factoring.settlement.handlers.charges import MINIMUMS, fee_period
from beancount_factoring.settlement.handlers.part_month import FUNDINGS, days_of
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement
from beancount_factoring.terms.fees import ROUNDING_MODES, round_money, smallest_unit

ZERO = Decimal(0)
YEAR = Decimal(365)
TOTAL = "total"
# An offer's terms by currency (None: those of the offer written without ``currency:``,
# for every other currency): ``Book.offers``'s value.
Offer = dict[str | None, Agreement]


def _terms(offer: Offer, currency: str) -> Agreement | None:
    """The offer's terms for an invoice in ``currency``: its own, else those for every
    currency, else none."""
    return offer.get(currency) or offer.get(None)


class UnknownOffer(ValueError):
    """An offer name that no ``factoring-offer`` of the ledger has."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        names = ", ".join(known) if known else 'none: write one as custom "factoring-offer"'
        super().__init__(
            f"No factoring-offer names {name!r}; the offers are {names} (an offer with "
            "errors, FCT110, is left out: correct it)"
        )


def _rate(fees: Decimal, dollar_days: Decimal) -> Decimal | None:
    return fees / dollar_days * YEAR if dollar_days else None


def _month(day: datetime.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class _Sum:
    """A comparison line being added up."""

    invoices: int = 0
    face: Decimal = ZERO
    actual: Decimal = ZERO
    actual_days: Decimal = ZERO
    offer: Decimal = ZERO
    offer_days: Decimal = ZERO
    actual_losses: Decimal = ZERO
    offer_losses: Decimal = ZERO

    def add(self, item: CompareInvoice) -> None:
        days = max((item.closed_on - item.funded_on).days, 1)
        offer_days = max((item.offer_closed_on - item.funded_on).days, 1)
        self.invoices += 1
        self.face += item.face
        self.actual += item.actual.total
        self.actual_days += item.actual_advance * days
        self.offer += item.offer.total
        self.offer_days += item.offer_advance * offer_days
        self.actual_losses += item.actual_loss
        self.offer_losses += item.offer_loss

    def line(self, key: str, currency: str) -> CompareLine:
        return CompareLine(
            key=key,
            currency=currency,
            invoices=self.invoices,
            face=self.face,
            actual_fees=self.actual,
            actual_dollar_days=self.actual_days,
            actual_rate=_rate(self.actual, self.actual_days),
            offer_fees=self.offer,
            offer_dollar_days=self.offer_days,
            offer_rate=_rate(self.offer, self.offer_days),
            difference=self.offer + self.offer_losses - self.actual - self.actual_losses,
            actual_losses=self.actual_losses,
            offer_losses=self.offer_losses,
        )


@dataclass
class _Funded:
    """The invoices funded in the period: compared, excluded, and per deposit."""

    closed: list[tuple[InvoiceCost, str]] = field(default_factory=list)
    excluded: list[CompareExcluded] = field(default_factory=list)
    # Per deposit (id of its entry) and currency: its rail ("transfer:", default "ach")
    # and the face of every invoice it funded in the period.
    deposits: dict[tuple[int, str], tuple[str, dict[str, Decimal]]] = field(default_factory=dict)
    # Per (month, currency): the face funded, for the offer's volume minimum.
    volume: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    # Every invoice funded in the period, compared or not: (day funded, currency, face),
    # for the fees the offer would have booked at funding, toward its monthly minimum.
    faces: list[tuple[datetime.date, str, Decimal]] = field(default_factory=list)
    # Per invoice written off by the as-of date: the books' credit loss (the reserve
    # forfeited beyond the fee taken from it, as the credit-losses account holds it).
    losses: dict[str, Decimal] = field(default_factory=dict)
    as_of: datetime.date = datetime.date.max


def _funded(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> _Funded:
    """Sort the invoices funded in the period into those to compare and those excluded."""
    found = _Funded(as_of=as_of)
    closed = {line.invoice: line for line in cost_report(facts, as_of, None, None).by_invoice}
    for noted in facts.settlement.deductions:
        if noted.kind == "credit loss" and noted.date <= as_of:
            found.losses[noted.invoice] = found.losses.get(noted.invoice, ZERO) + noted.amount
    states = facts.settlement.states
    for number, snaps in facts.timeline.items():
        first = next((s for s in snaps if s.funded_on is not None), None)
        if first is None or first.funded_on is None or first.factor is None:
            continue
        funded_on = first.funded_on
        if funded_on > as_of or (start is not None and funded_on < start):
            continue
        if factor is not None and first.factor != factor:
            continue
        invoice = facts.book.invoices[number]
        currency, face = invoice.face.currency, invoice.face.number or ZERO
        month = _month(funded_on)
        found.volume[(month, currency)] = found.volume.get((month, currency), ZERO) + face
        found.faces.append((funded_on, currency, face))
        deposit = states[number].funded_by if number in states else None
        if deposit is not None:
            rail = str(deposit.meta.get("transfer", "ach"))
            found.deposits.setdefault((id(deposit), currency), (rail, {}))[1][number] = face
        reason = _why_not(facts, number, closed.get(number), as_of)
        if reason is None:
            found.closed.append((closed[number], first.factor))
        else:
            found.excluded.append(
                CompareExcluded(
                    number,
                    invoice.customer,
                    facts.display(first.factor),
                    currency,
                    face,
                    funded_on,
                    reason,
                )
            )
    return found


def _why_not(
    facts: Facts, number: str, closed: InvoiceCost | None, as_of: datetime.date
) -> str | None:
    """Why an invoice funded in the period cannot be replayed (None: it can). One with a
    fuel advance cannot, whether the books charged a fee on it or not: the offer's own
    ``fuel-advance-fee`` would be left out."""
    if closed is None:
        return f"open on {as_of.isoformat()}: not collected or charged back yet"
    if len(closed.factors) > 1:
        return "bought out by another factor: each factor's spell is not replayed"
    if closed.fees.fuel or any(snap.fuel for snap in facts.history(number, as_of)):
        return "fuel advance: the offer's fuel-advance fee is not replayed"
    return None


def _transfer_shares(offer: Offer, funded: _Funded) -> dict[str, Decimal]:
    """Each invoice's share of the offer's transfer fee on the deposit that funded it:
    by face, rounded half-up to cents, the rounding left on the last invoice by number.
    (A fee in another currency than the deposit's is not charged, as in the plugin.)"""
    shares: dict[str, Decimal] = {}
    for (_, currency), (rail, faces) in funded.deposits.items():
        own = _terms(offer, currency)
        terms = own.rail_fee(rail) if own is not None else None
        if terms is None or not terms.number or terms.currency != currency:
            continue
        fee, total = terms.number, sum(faces.values(), ZERO)
        numbers = sorted(faces)
        rest = fee
        for number in numbers[:-1]:
            share = round_money(fee * faces[number] / total) if total else ZERO
            shares[number] = share
            rest -= share
        shares[numbers[-1]] = rest
    return shares


@dataclass(frozen=True)
class _Replayed:
    """One invoice on the offer's terms: its fees, advance, end day, outcome, and what
    the business lost beyond the fees (a credit loss)."""

    fees: Fees
    advance: Decimal
    end: datetime.date
    how: str
    loss: Decimal


def _offer_end(
    offer: Agreement, funded: datetime.date, closed: datetime.date, outcome: str
) -> tuple[datetime.date, str]:
    """The day the invoice leaves the offer's hands, and how.

    The books' end (collected, charged back, written off), but under recourse (an offer
    with ``recourse-days`` above 0) an invoice unpaid when they run out is charged back
    then: one collected later, or one the books wrote off, whose insolvent customer never
    pays (whenever the books wrote it off: a factor with recourse charges a customer's
    failure to pay back once its recourse days have run). Non-recourse, the offer never
    charges an invoice back itself."""
    if offer.recourse_days <= 0:
        return closed, outcome
    recourse_end = funded + datetime.timedelta(days=offer.recourse_days)
    if outcome == CREDIT_LOSS or recourse_end < closed:
        return recourse_end, CHARGED_BACK
    return closed, outcome


def _replay(
    offer: Agreement,
    actual: InvoiceCost,
    face: Decimal,
    outcome: str,
    transfer: Decimal,
    unpaid: Decimal,
) -> _Replayed:
    """One closed invoice on the offer's terms (``_offer_end``): the same face and funding
    day, its fee to the end day. A credit loss (``unpaid``: what its customer left
    unpaid) costs beyond the fees, charged back, the whole of it; written off by a
    non-recourse offer, what the plugin books as the credit loss on the offer's terms
    (the reserve forfeited less the fee taken from it, or nothing if it is released)."""
    currency, funded = actual.currency, actual.funded_on
    split = P.purchase_split(offer, face, currency)
    end, how = _offer_end(offer, funded, actual.closed_on, outcome)
    due = P.fee_due(offer, face, split.advance, funded, end, split.discount_fee, currency)
    base, late = P.base_and_late(offer, split, due, currency)
    fees = {kind: ZERO for kind in FEE_KINDS}
    fees["discount"] = split.discount_fee
    fees["invoice"] = split.invoice_fee
    fees["transfer"] = transfer
    if how == CHARGED_BACK:
        fees["chargeback"] = base + late
    else:
        fees["discount"] += base
        fees["late"] = late
    loss = ZERO
    if outcome == CREDIT_LOSS:
        loss = unpaid
        if how == CREDIT_LOSS:
            held = split.reserve
            number, account = actual.invoice, offer.receivables
            loss = P.credit_loss_postings(
                offer, number, currency, unpaid, held, (base, late), account
            )[2]
    return _Replayed(Fees(**fees), split.advance, end, how, loss)


# The offer's keys of a fixed amount, which apply only in their own currency.
AMOUNT_KEYS = (
    ("invoice-fee", "invoice_fee"),
    ("transfer-fee", "transfer_fee"),
    ("wire-fee", "wire_fee"),
    ("same-day-fee", "same_day_fee"),
    ("minimum-fee", "minimum_fee"),
    ("monthly-minimum-fee", "monthly_minimum_fee"),
    ("monthly-minimum-volume", "monthly_minimum_volume"),
)


def _foreign_terms(offer: Offer, currency: str) -> str | None:
    """Why the offer has no terms for an invoice in ``currency``, or None: an offer for
    other currencies, or one that gives a fixed amount in another (its fees would be
    left out, and the offer look cheaper than it is)."""
    terms = _terms(offer, currency)
    if terms is None:
        return f"the offer's terms are in {', '.join(sorted(map(str, offer)))}, not {currency}"
    for key, name in AMOUNT_KEYS:
        amount = getattr(terms, name)
        if amount is not None and amount.currency != currency:
            return (
                f"the offer gives {key}: {amount.number} {amount.currency}, not in {currency}: "
                f'give the offer currency: "{amount.currency}" to compare its '
                f"{amount.currency} invoices alone"
            )
    return None


def _released_on(facts: Facts, number: str, paid: datetime.date) -> datetime.date | None:
    """The day the books first released the invoice's reserve (the day its fees taken at
    collection were booked); None if the release is still to come. One with nothing to
    release (its fees all taken at purchase, its reserve taken by a short pay) never is:
    the day it was ``paid``, when its fee is known."""
    snaps = facts.timeline[number]
    released = next((s.released_on for s in snaps if s.released_on), None)
    if released is not None:
        return released
    last = snaps[-1]
    return None if last.held or last.base_fee or last.late_fee else paid


@dataclass
class _Compared:
    """One offer's invoices: those compared, those excluded, and, per compared invoice,
    the day its fees beyond those taken at purchase are booked (None: not yet)."""

    items: list[CompareInvoice] = field(default_factory=list)
    excluded: list[CompareExcluded] = field(default_factory=list)
    booked_on: dict[str, datetime.date | None] = field(default_factory=dict)


def _compare_one(facts: Facts, offer: Offer, funded: _Funded) -> _Compared:
    """Each compared invoice on both sides; those the offer has no terms for, excluded."""
    shares = _transfer_shares(offer, funded)
    found = _Compared(excluded=list(funded.excluded))
    for actual, factor in funded.closed:
        face = facts.book.invoices[actual.invoice].face.number or ZERO
        reason = _foreign_terms(offer, actual.currency)
        terms = _terms(offer, actual.currency)
        item = None
        if reason is None and terms is not None:
            item = _compared(facts, terms, actual, face, shares.get(actual.invoice, ZERO))
            reason = _after(item, funded.as_of)
        if item is None or terms is None or reason is not None:
            found.excluded.append(
                CompareExcluded(
                    actual.invoice,
                    actual.customer,
                    facts.display(factor),
                    actual.currency,
                    face,
                    actual.funded_on,
                    reason or "",
                )
            )
            continue
        item = replace(
            item, factor=facts.display(factor), actual_loss=funded.losses.get(actual.invoice, ZERO)
        )
        found.items.append(item)
        found.booked_on[actual.invoice] = _booked_on(facts, terms, item)
    found.excluded.sort(key=lambda item: (item.funded_on, item.invoice))
    found.items.sort(key=lambda item: (item.funded_on, item.invoice))
    return found


def _after(item: CompareInvoice, as_of: datetime.date) -> str | None:
    """Why an invoice the books wrote off is not compared yet: the offer, with recourse,
    charges it back after the as-of date (its fee to that day, and that day's month,
    would be of after the report's date). None: it is."""
    if item.offer_closed_on <= as_of:
        return None
    return (
        f"written off on {item.closed_on}; the offer, with recourse, charges it back on "
        f"{item.offer_closed_on}, after {as_of}"
    )


def _compared(
    facts: Facts, terms: Agreement, actual: InvoiceCost, face: Decimal, transfer: Decimal
) -> CompareInvoice:
    """One invoice the books closed, on both sides (the factor and the books' credit loss
    left for the caller to give)."""
    last = facts.snap(actual.invoice, actual.closed_on)
    outcome, unpaid = COLLECTED, ZERO
    if last is not None and last.charged_back_on == actual.closed_on:
        outcome = CHARGED_BACK
    elif last is not None and last.lost_on == actual.closed_on:
        outcome, unpaid = CREDIT_LOSS, face - (last.paid or ZERO) - last.received
    offer = _replay(terms, actual, face, outcome, transfer, unpaid)
    offer_days = max((offer.end - actual.funded_on).days, 1)
    return CompareInvoice(
        invoice=actual.invoice,
        customer=actual.customer,
        factor="",
        currency=actual.currency,
        face=face,
        funded_on=actual.funded_on,
        closed_on=actual.closed_on,
        outcome=outcome,
        actual=actual.fees,
        actual_advance=actual.cash_advanced,
        actual_rate=actual.annual_rate,
        offer_closed_on=offer.end,
        offer_outcome=offer.how,
        offer=offer.fees,
        offer_advance=offer.advance,
        offer_rate=_rate(offer.fees.total, offer.advance * offer_days),
        offer_loss=offer.loss,
    )


def _booked_on(facts: Facts, terms: Agreement, item: CompareInvoice) -> datetime.date | None:
    """The day the offer books an invoice's fees beyond the one taken at purchase (and
    counts them toward its monthly minimum), as the plugin books them: a chargeback's and
    a forfeited credit loss's on their day; those taken at collection, or at a credit
    loss whose reserve is released, when the reserve is released: on the day the books
    released it, the offer's factor paying it back on the same day."""
    end = item.offer_closed_on
    how = item.offer_outcome
    if how == COLLECTED or (how == CREDIT_LOSS and terms.reserve_on_loss == "released"):
        return _released_on(facts, item.invoice, end)
    return end


class _Calendar:
    """The offer's months as the books show them, of the factor asked or any.

    ``days``: the days of a month the books had an agreement in force
    (``part_month.days_of``: none before a factor's first, after a buyout of all its
    invoices), for an offer's ``part-month-minimum: "prorated"``. ``charged``: whether a
    month's minimums are charged by a day: from the day the books charged theirs (the
    factor's statement after the month: May's on June 2, not in a report as of May 31);
    a month the books charged none for, from its last day."""

    def __init__(self, facts: Facts, factor: str | None) -> None:
        self.facts = facts
        self.book = facts.book
        self.factors = [factor] if factor is not None else self.book.agreements.names()
        self.ends: list[Event] | None = None
        self.found: dict[tuple[str, str], tuple[int, int]] = {}
        self.charged_on: dict[str, datetime.date] = {}
        for event in facts.book.events:
            if event.kind != "fee" or event.entry.meta.get("charge") not in MINIMUMS:
                continue
            if factor is not None and event.factor != factor:
                continue
            period = fee_period(event)
            if period is not None and event.date < self.charged_on.get(period, event.date.max):
                self.charged_on[period] = event.date

    def charged(self, month: str, as_of: datetime.date) -> bool:
        """Whether the month's minimums are charged by ``as_of``."""
        return self.charged_on.get(month, month_end_of(month)) <= as_of

    def days(self, month: str, currency: str) -> tuple[int, int]:
        """(days under an agreement, days of the month)."""
        key = (month, currency)
        if key not in self.found:
            if self.ends is None:
                self.ends = self._ends()
            covered: set[datetime.date] = set()
            for factor in self.factors:
                covered.update(
                    day
                    for day, terms in days_of(self.book, self.ends, factor, month, currency)
                    if terms is not None
                )
            self.found[key] = (len(covered), month_end_of(month).day)
        return self.found[key]

    def _ends(self) -> list[Event]:
        """The events that may end a factor's month (``part_month.month_ends``): the
        fundings, and a buyout of all the old factor's invoices, told by what it left the
        old factor: none open. (The plugin tells it by its having no links, but writes the
        links of the invoices it took: the entries the reports read again have them.)"""
        return [
            event
            for event in self.book.events
            if event.kind in FUNDINGS
            or (event.kind == "buyout" and (not event.invoices or self._took_all(event)))
        ]

    def _took_all(self, event: Event) -> bool:
        """Whether the old factor (``from:``) held no invoice open after the buyout."""
        old = event.entry.meta.get("from")
        if not isinstance(old, str):
            return False
        key = old.strip().lower()
        for number in self.facts.timeline:
            snap = self.facts.snap(number, event.date)
            if (
                snap is not None
                and snap.factor == key
                and snap.funded_on is not None
                and not (snap.collected_on or snap.charged_back_on or snap.lost_on)
            ):
                return False
        return True


def _minimum_of(
    terms: Agreement, amount: Amount | None, currency: str, days: tuple[int, int] | None
) -> Decimal | None:
    """One of the offer's monthly minimums for a month in ``currency`` (None: it sets none
    in it): the whole, or under ``part-month-minimum: "prorated"`` the share of the days
    under an agreement (``days``), rounded to the smallest unit as the plugin rounds it."""
    if amount is None or amount.currency != currency or amount.number is None:
        return None
    if days is None or days[0] == days[1]:
        return Decimal(amount.number)
    covered, total = days
    mode = ROUNDING_MODES[terms.rounding]
    return (amount.number * covered / total).quantize(smallest_unit(currency), mode)


def _booked(offer: Offer, compared: _Compared, funded: _Funded) -> dict[tuple[str, str], Decimal]:
    """The offer's discount fees booked per (month, currency), toward its minimum of fees.

    The fee taken at purchase of every invoice funded in the month (excluded ones too: an
    invoice still open was bought all the same), and the compared invoices' discount,
    late and chargeback fees beyond it, in the month they are booked: of the release of
    a collected invoice's reserve, of a chargeback (``_compare_one``). (Those of
    invoices not compared cannot be replayed: their month's floor counts without them.)
    """
    booked: dict[tuple[str, str], Decimal] = {}
    for funded_on, currency, face in funded.faces:
        terms = _terms(offer, currency)
        if terms is not None and _foreign_terms(offer, currency) is None:
            at_funding = (_month(funded_on), currency)
            upfront = P.purchase_split(terms, face, currency).discount_fee
            booked[at_funding] = booked.get(at_funding, ZERO) + upfront
    for item in compared.items:
        terms = _terms(offer, item.currency)
        assert terms is not None  # (an invoice it has no terms for is not compared)
        booked_on = compared.booked_on[item.invoice]
        if booked_on is None:
            continue  # (Collected, its reserve not released yet: no month books its fee.)
        upfront = P.purchase_split(terms, item.face, item.currency).discount_fee
        at_end = (_month(booked_on), item.currency)
        # (A chargeback's fee counts too, as the plugin counts it toward the minimum.)
        later = item.offer.discount + item.offer.late + item.offer.chargeback - upfront
        booked[at_end] = booked.get(at_end, ZERO) + later
    return booked


def _minimums(
    offer: Offer,
    compared: _Compared,
    funded: _Funded,
    months: Iterable[tuple[str, str]],
    as_of: datetime.date,
    calendar: _Calendar,
) -> dict[tuple[str, str], Decimal]:
    """The offer's monthly minimums per (month, currency): each month of ``months``, those
    of the agreement (``_agreement_months``), charged by ``as_of`` (``calendar``: from the
    day the books charged theirs, else from its last day): a month that funded nothing is
    charged its minimums all the same, as the plugin charges the books' (the whole volume
    short, the fees booked in it, of earlier invoices' ends). A part month (``calendar``)
    owes the whole minimums or their share by days, as the offer's ``part-month-minimum``
    says, as the plugin charges the books'.

    Volume: the face of every invoice funded in the month (excluded ones too); the
    discount fees: those booked in the month (``_booked``).
    """
    booked = _booked(offer, compared, funded)
    found: dict[tuple[str, str], Decimal] = {}
    for month, currency in sorted(months):
        terms = _terms(offer, currency)
        if terms is None or not calendar.charged(month, as_of):
            continue
        # (The days under an agreement only for a prorating offer: they take a look at
        # every buyout, and every invoice for a buyout with links.)
        days = calendar.days(month, currency) if terms.part_month_minimum == "prorated" else None
        charge = ZERO
        floor = _minimum_of(terms, terms.monthly_minimum_volume, currency, days)
        rule = terms.volume_shortfall_fee
        if floor is not None and rule is not None:
            shortfall = floor - funded.volume.get((month, currency), ZERO)
            if shortfall > 0:
                charge += rule.of(shortfall, currency, terms.rounding)
        least = _minimum_of(terms, terms.monthly_minimum_fee, currency, days)
        if least is not None:
            charge += max(least - booked.get((month, currency), ZERO), ZERO)
        if charge:
            found[(month, currency)] = charge
    return found


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _agreement_months(
    facts: Facts, whole: _Funded, as_of: datetime.date, factor: str | None
) -> set[tuple[str, str]]:
    """The months the books show an agreement running, per currency: every month from the
    first to the last in which the books funded an invoice or charged a monthly minimum
    (of the factor asked, or any), those between included though they funded nothing.

    The offer charges its monthly minimums in each, as the factor charges its own for a
    month with no purchase; a month before the first or after the last (the business not
    factoring yet, or no more) is charged none."""
    minimum_month = _minimum_months(facts)
    active = set(whole.volume)
    for line in untied_fees(facts, None, as_of, factor):
        month = minimum_month.get(line.index)
        if month is not None:
            active.add((month, line.currency))
    months: set[tuple[str, str]] = set()
    for currency in {currency for _, currency in active}:
        own = sorted(month for month, other in active if other == currency)
        month = own[0]
        while month <= own[-1]:
            months.add((month, currency))
            month = _next_month(month)
    return months


def _minimum_months(facts: Facts) -> dict[int, str]:
    """The month each monthly-minimum fee event of the books is for (its ``period:``), by
    the event's index: the month of the offer's own minimums it stands beside."""
    found = {}
    for event in facts.book.events:
        if event.kind == "fee" and event.entry.meta.get("charge") in MINIMUMS:
            period = fee_period(event)
            if period is not None:
                found[event.index] = period
    return found


def _charges(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> dict[tuple[str, str], Decimal]:
    """The fees the books charged apart from any invoice (monthly minimums, buyout fees,
    other charges, a later wire's transfer fee) per (month, currency): the cost report's
    "(no invoice)" line, each posting once.

    The month is the one posted, but a monthly minimum's is the month it is for, as the
    offer's are: March's, charged on April 1, is March's, in a period from March on (and
    in none from April on)."""
    minimum_month = _minimum_months(facts)
    first = _month(start) if start is not None else ""
    found: dict[tuple[str, str], Decimal] = {}
    for line in untied_fees(facts, start, as_of, factor):
        month = minimum_month.get(line.index)
        if month is not None and month < first:
            continue
        key = (month or _month(line.date), line.currency)
        found[key] = found.get(key, ZERO) + line.number
    return found


def _lines(
    items: list[CompareInvoice],
    key_of: str,
    extra_actual: dict[tuple[str, str], Decimal],
    extra_offer: dict[tuple[str, str], Decimal],
) -> list[CompareLine]:
    """Sum the compared invoices by month of funding or by customer, with the charges
    apart from any invoice (per month, or on the ``NO_INVOICE`` line)."""
    sums: dict[tuple[str, str], _Sum] = {}
    for item in items:
        key = _month(item.funded_on) if key_of == "month" else item.customer
        sums.setdefault((key, item.currency), _Sum()).add(item)
    for extras, side in ((extra_actual, "actual"), (extra_offer, "offer")):
        for (month, currency), amount in extras.items():
            key = month if key_of == "month" else NO_INVOICE
            tally = sums.setdefault((key, currency), _Sum())
            setattr(tally, side, getattr(tally, side) + amount)
    ordered = sorted(sums.items(), key=lambda pair: (pair[0][0] == NO_INVOICE, pair[0]))
    return [tally.line(key, currency) for (key, currency), tally in ordered]


def _totals(lines: list[CompareLine]) -> tuple[CompareLine, ...]:
    """The total per currency of a set of lines."""
    sums: dict[str, _Sum] = {}
    for line in lines:
        tally = sums.setdefault(line.currency, _Sum())
        tally.invoices += line.invoices
        tally.face += line.face
        tally.actual += line.actual_fees
        tally.actual_days += line.actual_dollar_days
        tally.offer += line.offer_fees
        tally.offer_days += line.offer_dollar_days
        tally.actual_losses += line.actual_losses
        tally.offer_losses += line.offer_losses
    return tuple(tally.line(TOTAL, currency) for currency, tally in sorted(sums.items()))


def compare_report(
    facts: Facts,
    as_of: datetime.date,
    factor: str | None,
    start: datetime.date | None = None,
    offer: str | None = None,
) -> CompareReport:
    """Each offer (or the one named) against the invoices funded from ``start`` to ``as_of``."""
    offers = facts.book.offers
    names = {key: next(iter(terms.values())).name for key, terms in offers.items()}
    if offer is not None and offer.strip().lower() not in offers:
        raise UnknownOffer(offer, sorted(names.values()))
    chosen = [offer.strip().lower()] if offer is not None else list(offers)
    shown = facts.display(factor) if factor else None
    if not chosen:
        # No offer: nothing to replay (and no cost report to work out for the page).
        return CompareReport(as_of=as_of, start=start, factor=shown, offers=())
    funded = _funded(facts, start, as_of, factor)
    # A month's minimums are the whole month's, whatever day the period starts: its
    # volume and the fees booked in it count the invoices funded before ``start`` too.
    whole = funded if start is None else _funded(facts, None, as_of, factor)
    charges = _charges(facts, start, as_of, factor)
    months = _agreement_months(facts, whole, as_of, factor)
    calendar = _Calendar(facts, factor)
    results = []
    for key in sorted(chosen):
        terms = offers[key]
        compared = _compare_one(facts, terms, funded)
        items, excluded = compared.items, compared.excluded
        minimums = _minimums(terms, compared, funded, months, as_of, calendar)
        if whole is not funded:
            first = _month(start) if start is not None else ""
            again = _compare_one(facts, terms, whole)
            every = _minimums(terms, again, whole, months, as_of, calendar)
            minimums = {key: fee for key, fee in every.items() if key[0] >= first}
        # (The books' charges in a currency the offer has no terms for are left out with
        # its invoices in that currency: against nothing, the offer would look cheaper.)
        own = {k: fee for k, fee in charges.items() if _foreign_terms(terms, k[1]) is None}
        by_month = _lines(items, "month", own, minimums)
        results.append(
            OfferComparison(
                offer=names[key],
                by_month=tuple(by_month),
                by_customer=tuple(_lines(items, "customer", own, minimums)),
                totals=_totals(by_month),
                invoices=tuple(items),
                excluded=tuple(excluded),
            )
        )
    return CompareReport(
        as_of=as_of,
        start=start,
        factor=shown,
        offers=tuple(results),
    )
