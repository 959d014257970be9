"""The cost report: fees by factor, customer, month and invoice; days to pay; annual rate.

Factor and month lines add up the postings to the factors' fee accounts
(``fees``, ``invoice-fee-account``, ``transfer-fee-account``) dated in the
period, by their ``factoring-part``: they tie to the ledger's fee accounts, less
the year's close that moves them into equity by hand (``facts._closing``). A
fee posted by hand without one reads as the legs the plugin checked it
against (``parted_lines``), else it is "other" of no invoice. Customer lines add up each
invoice's fees from its state, on the day each was booked (the purchase fees
at funding or at a buyout, fees taken at release on the release, a
chargeback's or a forfeited credit loss's fee on that day), with each
deposit's transfer fee shared among the invoices it funded in proportion to
their face, and the fees posted against an invoice that its state does not
give (a fuel advance's fee) from their postings. The fees that belong to no
invoice (monthly minimums, buyout fees, other charges, a fee in another currency
than the invoice it names: ``tied_invoice``) make a customer line of
their own (``NO_INVOICE``): the factor, customer and month lines add up to the
same totals. With ``'accrue': 'month'``, each invoice's month-end accruals
and their reversals, as the plugin posted them, go to its customer line (they
net to nothing over a closed invoice, so no rate changes).

The annual rate (``model.CostLine``) looks at what was *closed* in the period,
whose fee is final: ``rate = sum(fee_i) / sum(advance_i x days_i) x 365``, days
at least one. On a factor's line each i is the spell an invoice spent with
that factor (``spells.py``): its own fees, advance and days, from its funding
or the buyout that brought the invoice to it, to the buyout that took it away,
its collection, chargeback or credit loss. On a customer line and per invoice
(``by_invoice``) each i is an invoice's whole life, every factor's spell in
it. For one invoice and one factor it is fee / cash advanced x 365 / days
outstanding; over many it weights each by its advance and its days, so it is
the cost of a dollar of advance for a year. A factor's all-in rate adds to the
fees of the closed spells those of the period that belong to no invoice.

The VAT a factor adds to its fees (``fee-vat: 0.255``, booked to the
agreement's ``vat-account``) is deductible input VAT: it is not a cost, so
neither the fees nor the rate include it; factor and month lines show it
apart (``vat``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount_factoring.reports.facts import Facts, Line, ToldOwner
from beancount_factoring.reports.model import (
    DEDUCTION_KINDS,
    FEE_KINDS,
    NO_FACTOR,
    NO_INVOICE,
    CostLine,
    CostReport,
    DaysToPay,
    Deductions,
    Fees,
    InvoiceCost,
)
from beancount_factoring.reports.spells import Booked, InvoiceFees, Window, fee_to, invoice_fees
from beancount_factoring.settlement.accruals import accrual_steps
from beancount_factoring.terms.fees import round_money
from beancount_factoring.terms.postings import fee_vat

ZERO = Decimal(0)
YEAR = Decimal(365)
PART_KIND = {
    "discount-fee": "discount",
    "late-fee": "late",
    "invoice-fee": "invoice",
    "transfer-fee": "transfer",
    # A transfer's fee the factor listed as a deduction (a fee event).
    "ach-fee": "transfer",
    "wire-fee": "transfer",
    "same-day-fee": "transfer",
    "chargeback-fee": "chargeback",
    "fuel-advance-fee": "fuel",
    "minimum-volume-fee": "minimum",
    "minimum-fee": "minimum",
    # The month-end accruals of ``'accrue': 'month'`` and their reversals: the
    # time-based fee moved into the months it was incurred.
    "accrued-fee": "discount",
    "accrued-fee-reversal": "discount",
}
# The parts an invoice's state gives (``spells.invoice_fees``); the others come from
# their postings, to the invoice they name, else to no invoice.
STATE_PARTS = frozenset(
    ("discount-fee", "late-fee", "invoice-fee", "transfer-fee", "chargeback-fee")
)
# The month-end accruals: their customer comes from the plugin's accrual steps
# (``_accruals``), since under ``detail: "item"`` a posting names no invoice.
ACCRUAL_PARTS = frozenset(("accrued-fee", "accrued-fee-reversal"))


@dataclass
class _Tally:
    """A cost line being added up."""

    fees: dict[str, Decimal]
    closed: int = 0
    closed_fees: Decimal = ZERO
    cash: Decimal = ZERO
    dollar_days: Decimal = ZERO
    untied: Decimal = ZERO
    vat: Decimal = ZERO

    @classmethod
    def new(cls) -> _Tally:
        return cls({kind: ZERO for kind in FEE_KINDS})

    def close(self, fees: Decimal, cash: Decimal, dollar_days: Decimal) -> None:
        """One spell or invoice closed in the period."""
        self.closed += 1
        self.closed_fees += fees
        self.cash += cash
        self.dollar_days += dollar_days

    def line(self, key: str, factor: str | None, currency: str, rate: bool = True) -> CostLine:
        days = self.dollar_days if rate else ZERO
        average = days / self.cash if days and self.cash else None
        annual = self.closed_fees / days * YEAR if days else None
        all_in = (self.closed_fees + self.untied) / days * YEAR if days and factor else None
        return CostLine(
            key=key,
            factor=factor,
            currency=currency,
            fees=Fees(**self.fees),
            closed=self.closed,
            closed_fees=self.closed_fees,
            cash_advanced=self.cash,
            dollar_days=self.dollar_days,
            average_days=average,
            annual_rate=annual,
            untied_fees=self.untied,
            all_in_rate=all_in,
            vat=self.vat,
        )


def parted_lines(facts: Facts, account: str) -> list[Line]:
    """The postings to ``account``, those the user wrote without parts given the plugin's.

    A deposit split by hand (docs/ledger.md, "Postings you write yourself") may
    book its fees in one posting without ``factoring-part``: 53.75 discount fee
    + 5.00 invoice fee + 15.00 transfer fee as ``Fees 73.75 USD``. When the
    plugin found the entry right (``Settlement.checked_legs``), that posting
    reads as the legs it expected on the account, each with its part and
    invoice; what the user wrote beyond them (a difference within the
    tolerance) stays a posting of no part and no invoice. So the factor, month
    and customer lines count each fee once, by its kind, and the account still
    ties.
    """
    lines = facts.lines.get(account, [])
    checked = facts.settlement.checked_legs
    if not checked or not lines:
        return list(lines)
    by_entry: dict[int, list[Line]] = {}
    for line in lines:
        by_entry.setdefault(line.index, []).append(line)
    found: list[Line] = []
    for index, written in by_entry.items():
        legs = checked.get(index)
        first = written[0]
        if legs is None or any(line.part or line.currency != first.currency for line in written):
            found.extend(written)
            continue
        mine = [leg for leg in legs if leg.account == account and leg.currency == first.currency]
        for leg in mine:
            found.append(
                Line(first.date, account, leg.number, leg.currency, leg.part, leg.invoice, index)
            )
        rest = sum((line.number for line in written), ZERO)
        rest -= sum((leg.number for leg in mine), ZERO)
        if rest:
            found.append(Line(first.date, account, rest, first.currency, None, None, index))
    return found


def transfer_shares(facts: Facts) -> dict[str, Decimal]:
    """Each funded invoice's share of its deposit's transfer fee.

    Shared in proportion to face, each share rounded half-up to cents, and the
    rounding left on the last invoice (by number), so the shares add up to the fee.
    """
    by_deposit: dict[int, list[str]] = {}
    deposits = {}
    for number, state in facts.settlement.states.items():
        if state.funded_by is not None:
            by_deposit.setdefault(id(state.funded_by), []).append(number)
            deposits[id(state.funded_by)] = state.funded_by
    hand_written = _hand_written_transfer_fees(facts, deposits)
    shares: dict[str, Decimal] = {}
    for key, numbers in by_deposit.items():
        fee = sum(
            (
                p.units.number
                for p in deposits[key].postings
                if (p.meta or {}).get("factoring-part") == "transfer-fee"
                and p.units is not None
                and isinstance(p.units.number, Decimal)
            ),
            ZERO,
        ) or hand_written.get(key, ZERO)
        numbers.sort()
        faces = {n: facts.settlement.states[n].face for n in numbers}
        total = sum(faces.values(), ZERO)
        rest = fee
        for number in numbers[:-1]:
            share = round_money(fee * faces[number] / total) if fee and total else ZERO
            shares[number] = share
            rest -= share
        shares[numbers[-1]] = rest
    return shares


def _hand_written_transfer_fees(facts: Facts, deposits: dict[int, Any]) -> dict[int, Decimal]:
    """The transfer fee of each deposit split by hand, by the legs the plugin checked it
    against (its fee posting names no part: ``parted_lines``); keyed as ``deposits``."""
    checked = facts.settlement.checked_legs
    if not checked:
        return {}
    found: dict[int, Decimal] = {}
    for index, entry in enumerate(facts.entries):
        key = id(entry)
        if key in deposits and index in checked:
            fee = sum((leg.number for leg in checked[index] if leg.part == "transfer-fee"), ZERO)
            if fee:
                found[key] = fee
    return found


def _tally(table: dict[Any, _Tally], key: Any) -> _Tally:
    found = table.get(key)
    if found is None:
        found = table[key] = _Tally.new()
    return found


def _in(date: datetime.date | None, start: datetime.date | None, end: datetime.date) -> bool:
    return date is not None and date <= end and (start is None or date >= start)


def fee_event_invoices(facts: Facts) -> dict[int, str]:
    """The invoice of each fee event that links one (a fee deducted from its funding), by
    the event's index: that invoice's fee, its customer's and in its rate."""
    return {
        event.index: event.invoices[0]
        for event in facts.book.events
        if event.kind == "fee" and len(event.invoices) == 1
    }


def tied_invoice(facts: Facts, line: Line, event_invoice: dict[int, str]) -> str | None:
    """The invoice a fee posting is counted with: the one it names (``invoice:``), else
    the one its fee event links (``fee_event_invoices``); None for a fee of no invoice.

    Only an invoice the reports follow, and only in the invoice's own currency: a fee
    in another (a USD wire fee on a CAD invoice) cannot be added to the invoice's fees
    or rate, so it is a fee of no invoice, on the "(no invoice)" line of its currency.
    """
    number = line.invoice if line.invoice is not None else event_invoice.get(line.index)
    if number is None or number not in facts.timeline:
        return None
    if facts.book.invoices[number].face.currency != line.currency:
        return None
    return number


@dataclass
class _Posted:
    """The fee postings of the period by factor and month, and what they tie to."""

    by_factor: dict[tuple[str, str], _Tally]
    by_month: dict[tuple[str, str, str], _Tally]
    # Per currency, the fees of the period that belong to no invoice.
    untied: dict[str, _Tally]
    # Per invoice, its fees posted up to the as-of date that its state does not give.
    booked: dict[str, list[Booked]]
    # The postings of ``untied``, in the order read (the compare report's own lines).
    untied_lines: list[Line] = field(default_factory=list)


def untied_fees(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> list[Line]:
    """The fee postings of the period that belong to no invoice: the cost report's
    "(no invoice)" line, one posting each (the VAT beside them left out)."""
    return _posted(facts, start, as_of, factor).untied_lines


def _month(day: datetime.date) -> str:
    """The key of a day's month in the lines by month: ``2025-03``."""
    return f"{day.year:04d}-{day.month:02d}"


def _posted(
    facts: Facts,
    start: datetime.date | None,
    as_of: datetime.date,
    factor: str | None,
    period: Callable[[datetime.date], str] = _month,
) -> _Posted:
    """Read the postings to the factors' fee accounts once; ``by_month`` is keyed by
    ``period`` of each posting's date (its month, or its day: ``fees_by_day``)."""
    posted = _Posted({}, {}, {}, {})
    event_factor = {event.index: event.factor for event in facts.book.events if event.factor}
    event_invoice = fee_event_invoices(facts)
    states = facts.settlement.states
    # The deposits that fund invoices: their transfer fee is the invoices' (a state part).
    # That of a later wire paying the rest of a schedule funds none: read from its posting.
    fundings = {id(state.funded_by) for state in states.values() if state.funded_by is not None}
    holders = _Holders(facts)
    told = ToldOwner(facts, _fee_sharers(facts))
    # Per transaction, its fee postings with their factors: the VAT beside them is theirs.
    fee_owners: dict[int, list[tuple[str, Line]]] = {}
    for account in sorted(facts.fee_accounts):
        shared = account not in facts.factor_of_account
        lines = parted_lines(facts, account)
        for line, owner in holders.split(lines) if shared else ((line, None) for line in lines):
            if line.date > as_of:
                continue
            if owner is None:
                owner = facts.factor_of_account.get(account)
            if owner is None and line.part in ACCRUAL_PARTS:
                # An accrual on an account two factors share: the plugin writes one per
                # factor, under its name (an invoice's factor today may be a later one).
                owner = _accrual_owner(facts, line)
            if owner is None and line.invoice in states:
                owner = states[line.invoice].factor
            if owner is None:
                owner = event_factor.get(line.index)
            if owner is None:
                owner = told.owner(line)
            if owner is None:
                if factor and factor not in told.sharers.get(account, ()):
                    continue
                # No entry tells whose it is: a line of its own, not left out.
                owner = NO_FACTOR
            else:
                fee_owners.setdefault(line.index, []).append((owner, line))
            kind = PART_KIND.get(line.part or "", "other")
            number = tied_invoice(facts, line, event_invoice) if owner != NO_FACTOR else None
            tied = number is not None
            own_part = (
                line.part in STATE_PARTS
                and (line.part != "transfer-fee" or id(facts.entries[line.index]) in fundings)
            ) or line.part in ACCRUAL_PARTS
            if number is not None and not own_part:
                booked = Booked(owner, kind, line.date, line.number)
                posted.booked.setdefault(number, []).append(booked)
            if not _in(line.date, start, as_of) or (factor and owner not in (factor, NO_FACTOR)):
                continue
            mine = _tally(posted.by_factor, (owner, line.currency))
            mine.fees[kind] += line.number
            _tally(posted.by_month, (period(line.date), owner, line.currency)).fees[kind] += (
                line.number
            )
            if not tied and not own_part:
                if owner != NO_FACTOR:
                    # (No factor's all-in rate: the line of no factor has none.)
                    mine.untied += line.number
                _tally(posted.untied, line.currency).fees[kind] += line.number
                posted.untied_lines.append(line)
    for line, owner in _fee_vat(facts, start, as_of, factor, event_factor, fee_owners):
        _tally(posted.by_factor, (owner, line.currency)).vat += line.number
        _tally(posted.by_month, (period(line.date), owner, line.currency)).vat += line.number
    return posted


class _Holders:
    """Whose fee each posting is, on a fees account factors share, after a buyout.

    The invoice bought out is the new factor's, but the old factor's fees before
    the buyout were its own: a posting naming the invoice goes to the factor that
    held it on its day. The buyout's own postings hold both factors' fees (the old
    one's fee to the day, its ``discount-fee`` and ``late-fee``; the new one's fees
    at purchase, its ``discount-fee`` and ``invoice-fee``), and under ``detail:
    "item"`` both discount fees may be one posting, naming no invoice when several
    moved: the old factor's are worked out from its terms as the plugin works them
    out (``spells.fee_to``), the rest is the new factor's. The factor lines still
    add up to the account.
    """

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.buyouts = {e.index: e for e in facts.book.events if e.kind == "buyout"}
        # The old factor's fees at a buyout left to find, by the buyout's index and the
        # invoice its postings name (None: those of every invoice it moved), as
        # [old factor, new factor, discount fee, late fee]; None: no invoice moved.
        self.left: dict[tuple[int, str | None], list[Any] | None] = {}
        self.moved: dict[str, bool] = {}

    def split(self, lines: list[Line]) -> list[tuple[Line, str | None]]:
        """Each line with its factor (None: not known here), a buyout's line split."""
        found: list[tuple[Line, str | None]] = []
        for line in lines:
            number = line.invoice
            if line.index in self.buyouts:
                found.extend(self._at_buyout(line))
            elif number is None or not self._changed_hands(number):
                found.append((line, None))
            else:
                snap = self.facts.snap(number, line.date)
                found.append((line, snap.factor if snap is not None else None))
        return found

    def _changed_hands(self, number: str) -> bool:
        known = self.moved.get(number)
        if known is None:
            snaps = self.facts.timeline.get(number) or []
            known = self.moved[number] = any(s.factor != snaps[-1].factor for s in snaps)
        return known

    def _at_buyout(self, line: Line) -> list[tuple[Line, str | None]]:
        """A buyout's fee posting: the old factor's part of it, and the new factor's rest."""
        key = (line.index, line.invoice)
        if key not in self.left:
            self.left[key] = self._old_fees(line)
        left = self.left[key]
        if left is None:
            return [(line, None)]
        slot = {"discount-fee": 2, "late-fee": 3}.get(line.part or "")
        if slot is None:
            return [(line, left[1])]
        # (Fees are debits: a credit, a correction, is the new factor's.)
        mine = min(max(line.number, ZERO), left[slot])
        left[slot] -= mine
        found: list[tuple[Line, str | None]] = []
        if mine:
            found.append((_with_number(line, mine), left[0]))
        if line.number != mine:
            found.append((_with_number(line, line.number - mine), left[1]))
        return found

    def _old_fees(self, line: Line) -> list[Any] | None:
        """[old factor, new factor, discount fee, late fee] of the invoices the buyout of
        ``line`` moved (the one it names, else every one it links); None if none."""
        facts = self.facts
        event = self.buyouts[line.index]
        if line.invoice is not None:
            numbers: list[str] = [line.invoice]
        else:
            links = getattr(facts.entries[line.index], "links", None) or ()
            numbers = sorted(n for n in links if n in facts.timeline)
        found: list[Any] | None = None
        for number in numbers:
            new = facts.snap(number, event.date)
            old = facts.snap(number, event.date - datetime.timedelta(days=1))
            if new is None or old is None or old.factor is None or old.factor == new.factor:
                continue
            invoice = facts.book.invoices[number]
            base, late = fee_to(old, invoice.face.currency or line.currency, event.date)
            if found is None:
                found = [old.factor, new.factor, ZERO, ZERO]
            found[2] += base
            found[3] += late
        return found


def _fee_sharers(facts: Facts) -> dict[str, set[str]]:
    """The factors whose fee accounts each account is."""
    sharers: dict[str, set[str]] = {}
    for agreement in facts.book.agreements.latest():
        key = agreement.name.strip().lower()
        for account in (
            agreement.fees,
            agreement.invoice_fee_account,
            agreement.transfer_fee_account,
        ):
            sharers.setdefault(account, set()).add(key)
    return sharers


def _with_number(line: Line, number: Decimal) -> Line:
    return Line(
        line.date, line.account, number, line.currency, line.part, line.invoice, line.index
    )


def _accrual_owner(facts: Facts, line: Line) -> str | None:
    """The factor whose month-end accrual (or reversal) ``line`` is: its transaction's payee,
    the agreement's name (``settlement/accruals.py``); None if that is no factor's."""
    entry = facts.entries[line.index]
    payee = getattr(entry, "payee", None)
    if not isinstance(payee, str):
        return None
    return payee.strip().lower() if facts.book.agreements.known(payee) else None


def cost_report(
    facts: Facts, as_of: datetime.date, factor: str | None, start: datetime.date | None = None
) -> CostReport:
    """The cost report for the period ``start`` (inclusive, None: all) to ``as_of``."""
    posted = _posted(facts, start, as_of, factor)
    lives = _invoice_lines(facts, Window(start, as_of, factor), posted)
    by_customer = lives.by_customer
    for currency, tally in posted.untied.items():
        by_customer[(NO_INVOICE, currency)] = tally
    for customer_name, currency, amount in _accruals(facts, start, as_of, factor):
        _tally(by_customer, (customer_name, currency)).fees["discount"] += amount
    return CostReport(
        as_of=as_of,
        start=start,
        by_factor=tuple(
            tally.line(facts.display(key), facts.display(key), currency)
            for (key, currency), tally in sorted(
                posted.by_factor.items(), key=lambda item: (item[0][0] == NO_FACTOR, item[0])
            )
        ),
        by_customer=tuple(
            tally.line(customer, None, currency)
            for (customer, currency), tally in sorted(
                by_customer.items(), key=lambda item: (item[0][0] == NO_INVOICE, item[0])
            )
        ),
        by_month=_period_lines(facts, posted),
        days_to_pay=tuple(
            wait.line(customer, currency)
            for (customer, currency), wait in sorted(lives.waits.items())
        ),
        deductions=_deductions(facts, start, as_of, factor),
        by_invoice=tuple(
            sorted(lives.by_invoice, key=lambda line: (line.closed_on, line.invoice))
        ),
    )


def fees_by_day(
    facts: Facts, as_of: datetime.date, factor: str | None, start: datetime.date | None = None
) -> tuple[CostLine, ...]:
    """The cost report's lines by month, by day instead (each keyed by its ISO date):
    what a chart of the fees by week or by day adds up (the Fava page's, under Fava's
    interval), the same postings split the same way between the factors."""
    return _period_lines(facts, _posted(facts, start, as_of, factor, datetime.date.isoformat))


def _period_lines(facts: Facts, posted: _Posted) -> tuple[CostLine, ...]:
    """The lines of ``posted.by_month``: by period, then factor (no factor's last)."""
    return tuple(
        tally.line(period, facts.display(key), currency, rate=False)
        for (period, key, currency), tally in sorted(
            posted.by_month.items(),
            key=lambda item: (item[0][0], item[0][1] == NO_FACTOR, item[0][1:]),
        )
    )


@dataclass(slots=True)
class _Wait:
    """How long a customer took to pay, summed over its invoices collected in the period."""

    collected: int = 0
    from_funding: int = 0
    from_invoice: int = 0
    short_paid: Decimal = ZERO
    overpaid: Decimal = ZERO

    def add(self, from_funding: int, from_invoice: int, short: Decimal) -> None:
        """One invoice: its days from funding and from its date, and what it was paid short
        of its face (negative: beyond it; each apart)."""
        self.collected += 1
        self.from_funding += from_funding
        self.from_invoice += from_invoice
        self.short_paid += max(short, ZERO)
        self.overpaid += max(-short, ZERO)

    def line(self, customer: str, currency: str) -> DaysToPay:
        return DaysToPay(
            customer=customer,
            currency=currency,
            collected=self.collected,
            average_from_funding=Decimal(self.from_funding) / self.collected,
            average_from_invoice=Decimal(self.from_invoice) / self.collected,
            short_paid=self.short_paid,
            overpaid=self.overpaid,
        )


@dataclass
class _Lives:
    """What the invoices' own fees and spells add to the report (``_invoice_lines``)."""

    by_customer: dict[tuple[str, str], _Tally] = field(default_factory=dict)
    by_invoice: list[InvoiceCost] = field(default_factory=list)
    waits: dict[tuple[str, str], _Wait] = field(default_factory=dict)


def _invoice_lines(facts: Facts, window: Window, posted: _Posted) -> _Lives:
    """One pass over the invoices: each one's fees of the period to its customer's line,
    its spells closed in the period to their factors' lines (``posted.by_factor``), and
    its whole life, once closed in the period, to its customer's rate and days to pay."""
    lives = _Lives()
    by_customer, by_factor, factor = lives.by_customer, posted.by_factor, window.factor
    shares = facts.derived.get("transfer_shares")
    if shares is None:
        # (The same for every period: a new time filter does not work them out again.)
        shares = facts.derived["transfer_shares"] = transfer_shares(facts)
    invoices = facts.book.invoices
    for number in facts.timeline:
        invoice = invoices[number]
        currency, face = invoice.face.currency, invoice.face.number or ZERO
        history = facts.history(number, window.end)
        costs = invoice_fees(
            history,
            face,
            currency,
            shares.get(number, ZERO),
            posted.booked.get(number, []),
            window,
        )
        if costs.in_period is not None:
            fees = _tally(by_customer, (invoice.customer, currency)).fees
            for kind, amount in costs.in_period.items():
                fees[kind] += amount
        for spell in costs.spells:
            if window.holds(spell.closed_on) and (not factor or spell.factor == factor):
                mine = _tally(by_factor, (spell.factor, currency))
                mine.close(spell.fees, spell.advance, spell.advance * spell.days)
        whole = _whole_life(facts, number, costs)
        if whole is None:
            continue
        lives.by_invoice.append(whole)
        customer = _tally(by_customer, (invoice.customer, currency))
        customer.close(whole.fees.total, whole.cash_advanced, whole.dollar_days)
        last = history[-1]
        if last.collected_on:
            # Paid to the factor and to us; on the day the payments reached the face.
            paid = (last.paid if last.paid is not None else face) + last.received
            if paid > face:  # what paid a debit memo billed on it is no overpayment
                paid -= memo_paid(facts, number, window.end)
            paid_on = last.paid_in_full_on or last.collected_on
            wait = lives.waits.get((invoice.customer, currency))
            if wait is None:
                wait = lives.waits[(invoice.customer, currency)] = _Wait()
            wait.add(whole.days, (paid_on - invoice.entry.date).days, face - paid)
    return lives


def memo_paid(facts: Facts, number: str, as_of: datetime.date) -> Decimal:
    """What a payment of the invoice (to the factor, or to us for the factor) paid of a
    debit memo billed on it, up to ``as_of``: the plugin's ``overpay`` postings that clear
    its receivable (the rest of an overpay is owed to the customer, not on it). Indexed
    once per load, on the first invoice paid beyond its face."""
    index = facts.derived.get("memo_paid")
    if index is None:
        index = facts.derived["memo_paid"] = {}
        for line, invoice, amount in facts.receivable:
            if invoice is not None and line.part == "overpay":
                index.setdefault(invoice, []).append((line.date, amount))
    return -sum((amount for day, amount in index.get(number, ()) if day <= as_of), ZERO)


def _whole_life(facts: Facts, number: str, costs: InvoiceFees) -> InvoiceCost | None:
    """The invoice's cost over its whole life (the window's factor's spells only), once its
    last spell has ended in the window's period; None otherwise."""
    factor = costs.window.factor
    spells = [s for s in costs.spells if s.factor == factor] if factor else costs.spells
    if not spells:
        return None
    # In the period the invoice closed in (the factor's report), its days to the day
    # it was paid in full.
    closed_on = spells[-1].end
    if closed_on is None or not costs.window.holds(spells[-1].closed_on):
        return None
    fees = Fees(**costs.whole)
    days = max((closed_on - spells[0].start).days, 1)
    dollar_days = ZERO
    for spell in spells:
        dollar_days += spell.advance * spell.days
    if len(spells) == 1:
        factors: tuple[str, ...] = (facts.display(spells[0].factor),)
    else:
        factors = tuple(dict.fromkeys(facts.display(s.factor) for s in spells))
    invoice = facts.book.invoices[number]
    return InvoiceCost(
        invoice=number,
        customer=invoice.customer,
        factors=factors,
        currency=invoice.face.currency,
        fees=fees,
        funded_on=spells[0].start,
        closed_on=closed_on,
        days=days,
        cash_advanced=dollar_days / days,
        dollar_days=dollar_days,
        annual_rate=fees.total / dollar_days * YEAR if dollar_days else None,
    )


def _fee_vat(
    facts: Facts,
    start: datetime.date | None,
    as_of: datetime.date,
    factor: str | None,
    event_factor: dict[int, str],
    fee_owners: dict[int, list[tuple[str, Line]]],
) -> list[tuple[Line, str]]:
    """The VAT on the fees booked in the period (part "vat"), each with its factor.

    It is input VAT the business deducts, not a cost: shown beside the fees,
    kept out of them and of the rate. (A vat-account that is a fee account, for
    VAT that is not deductible, counts it among the fees as "other" instead.)

    A transaction's VAT belongs to the factors whose fees it is on: in a buyout
    the old factor's fee to the day and the new factor's fee share one VAT
    account, so each factor gets the VAT its agreement puts on its own fee
    postings there (``postings.fee_vat``), and what is left (a cent of rounding,
    a VAT of no factor's fee) goes to the transaction's factor. A posting written by
    hand to the VAT account beside a fee the report counts is that fee's VAT too: a
    fee refunded by a credit note (fees -30.00, VAT -7.65), a fee booked by hand with
    its VAT; the input VAT of other purchases, in entries of no factor's fee, is not.
    (``fee_owners``: each
    transaction's fee postings with their factors, as ``_posted`` told them: on a fees
    account two factors share, the factor each posting's entry names.)
    """
    states = facts.settlement.states
    found = []
    for account in sorted(facts.vat_accounts - facts.fee_accounts):
        lines = [
            line
            for line in parted_lines(facts, account)
            # (A deposit's VAT rounding within the tolerance, part "rounding", is VAT too.)
            if (
                line.part in ("vat", "rounding")
                or (line.part is None and line.index in fee_owners)
            )
            and _in(line.date, start, as_of)
        ]
        by_entry: dict[int, list[Line]] = {}
        for line in lines:
            by_entry.setdefault(line.index, []).append(line)
        for index, vat_lines in by_entry.items():
            fallback = event_factor.get(index)
            for line in vat_lines:
                if fallback is None and line.invoice in states:
                    fallback = states[line.invoice].factor
            shares = _vat_shares(facts, fee_owners.get(index, ()), vat_lines, fallback)
            for line, owner in shares:
                if not factor or owner == factor:
                    found.append((line, owner))
    return found


def _vat_shares(
    facts: Facts, fees: Any, vat_lines: list[Line], fallback: str | None
) -> list[tuple[Line, str]]:
    """The VAT lines of one transaction, split among the factors of its fees."""
    owners = list(dict.fromkeys(owner for owner, _ in fees))
    if len(owners) <= 1:
        owner = owners[0] if owners else fallback
        return [(line, owner) for line in vat_lines] if owner else []
    total = sum((line.number for line in vat_lines), ZERO)
    first = vat_lines[0]
    shares: dict[str, Decimal] = {}
    for owner, line in fees:
        # The VAT in force on the day the fee was charged (Agreement.with_vat_of).
        _, terms = facts.book.agreements.in_force(owner, line.date, line.currency)
        if terms is None or not terms.vat_account:
            terms = next((a for a in facts.agreements_of(owner) if a.vat_account), None)
        if terms is not None and line.part:
            shares[owner] = shares.get(owner, ZERO) + fee_vat(terms, line.part, line.number)
    rest = total - sum(shares.values(), ZERO)
    if rest and fallback:
        shares[fallback] = shares.get(fallback, ZERO) + rest
    return [
        (Line(first.date, first.account, amount, first.currency, "vat", None, first.index), owner)
        for owner, amount in shares.items()
        if amount
    ]


def _accruals(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> list[tuple[str, str, Decimal]]:
    """With ``'accrue': 'month'``: each month-end accrual and reversal in the period.

    (customer, currency, amount), the same steps the plugin posted to the fee
    accounts, so that customer rows add up to the factor and month rows.
    """
    if not facts.config.accrue or facts.last_entry is None:
        return []
    last_day = facts.last_entry
    invoices = facts.book.invoices
    found = []
    for step in accrual_steps(facts.settlement.fee_periods, last_day):
        if not _in(step.date, start, as_of):
            continue
        if factor and step.period.agreement.name.strip().lower() != factor:
            continue
        invoice = invoices[step.period.invoice]
        found.append((invoice.customer, step.period.currency, step.expense))
    return found


def _deductions(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> tuple[Deductions, ...]:
    """Short pays, chargebacks and credit losses by customer, kind and reason.

    Summed per invoice first: a short pay the customer paid later (a negative
    deduction, ``settlement/handlers/collect.py``) cancels it, and an invoice whose deductions come
    to nothing in the period is not counted (a credit loss is: the customer did not pay).
    """
    groups: dict[tuple[str, str, str, str], dict[str, Decimal]] = {}
    for item in facts.settlement.deductions:
        if not _in(item.date, start, as_of) or (factor and item.factor != factor):
            continue
        key = (item.customer, item.kind, item.reason, item.currency)
        invoices = groups.setdefault(key, {})
        invoices[item.invoice] = invoices.get(item.invoice, ZERO) + item.amount
    rows = []
    for (customer, kind, reason, currency), invoices in sorted(
        groups.items(),
        key=lambda pair: (pair[0][0], DEDUCTION_KINDS.index(pair[0][1]), pair[0][2:]),
    ):
        # (A credit loss is never undone, and one that cost nothing beyond its fee, the
        # reserve released or none held, is still an invoice the customer failed to pay.)
        left = {
            number: amount
            for number, amount in invoices.items()
            if amount or kind == "credit loss"
        }
        if left:
            rows.append(
                Deductions(
                    customer=customer,
                    kind=kind,
                    reason=reason,
                    currency=currency,
                    count=len(left),
                    amount=sum(left.values(), ZERO),
                    invoices=tuple(sorted(left)),
                )
            )
    return tuple(rows)
