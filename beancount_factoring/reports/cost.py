"""The cost report: fees by factor, customer and month, days to pay, annual rate.

Factor and month lines add up the postings to the factors' fee accounts
(``fees``, ``invoice-fee-account``, ``transfer-fee-account``) dated in the
period, by their ``factoring-part`` (a fee posted by hand, without one, is
"other"): they tie to the ledger's fee accounts. Customer lines add up each
invoice's fees from its state, on the day each was booked (the purchase fees
at funding, fees taken at release on the release, a chargeback's fee on the
chargeback), with each deposit's transfer fee shared among the invoices it
funded in proportion to their face.

The annual rate (``model.CostLine``) looks at the invoices closed in the
period, collected or charged back, whose fee is final:
``rate = sum(fee_i) / sum(advance_i x days_i) x 365``, days from funding to
collection (or chargeback), at least one. For one invoice it is
fee / cash advanced x 365 / days outstanding; over many it weights each invoice
by its advance and its days, so it is the cost of a dollar of advance for a
year.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from beancount_factoring import postings as P
from beancount_factoring.fees import round_money
from beancount_factoring.reports.facts import Facts, Line, Snap
from beancount_factoring.reports.model import (
    DEDUCTION_KINDS,
    FEE_KINDS,
    CostLine,
    CostReport,
    DaysToPay,
    Deductions,
    Fees,
)

ZERO = Decimal(0)
YEAR = Decimal(365)
PART_KIND = {
    "discount-fee": "discount",
    "late-fee": "late",
    "invoice-fee": "invoice",
    "transfer-fee": "transfer",
    "chargeback-fee": "chargeback",
    "fuel-advance-fee": "fuel",
    "minimum-volume-fee": "minimum",
    "minimum-fee": "minimum",
}


@dataclass
class _Tally:
    """A cost line being added up."""

    fees: dict[str, Decimal]
    closed: int = 0
    closed_fees: Decimal = ZERO
    cash: Decimal = ZERO
    dollar_days: Decimal = ZERO

    @classmethod
    def new(cls) -> _Tally:
        return cls({kind: ZERO for kind in FEE_KINDS})

    def line(self, key: str, factor: str | None, currency: str, rate: bool = True) -> CostLine:
        average = self.dollar_days / self.cash if rate and self.cash else None
        annual = self.closed_fees / self.dollar_days * YEAR if rate and self.dollar_days else None
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
        )


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
        )
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


def _tally(table: dict[Any, _Tally], key: Any) -> _Tally:
    found = table.get(key)
    if found is None:
        found = table[key] = _Tally.new()
    return found


def _in(date: datetime.date | None, start: datetime.date | None, end: datetime.date) -> bool:
    return date is not None and date <= end and (start is None or date >= start)


def cost_report(
    facts: Facts, as_of: datetime.date, factor: str | None, start: datetime.date | None = None
) -> CostReport:
    """The cost report for the period ``start`` (inclusive, None: all) to ``as_of``."""
    by_factor: dict[tuple[str, str], _Tally] = {}
    by_month: dict[tuple[str, str, str], _Tally] = {}
    event_factor = {event.index: event.factor for event in facts.book.events if event.factor}
    states = facts.settlement.states
    for account in sorted(facts.fee_accounts):
        for line in facts.lines.get(account, ()):
            if not _in(line.date, start, as_of):
                continue
            owner = facts.factor_of_account.get(account)
            if owner is None and line.invoice in states:
                owner = states[line.invoice].factor
            if owner is None:
                owner = event_factor.get(line.index)
            if owner is None or (factor and owner != factor):
                continue
            kind = PART_KIND.get(line.part or "", "other")
            _tally(by_factor, (owner, line.currency)).fees[kind] += line.number
            month = f"{line.date.year:04d}-{line.date.month:02d}"
            _tally(by_month, (month, owner, line.currency)).fees[kind] += line.number
    by_customer: dict[tuple[str, str], _Tally] = {}
    waits: dict[str, list[tuple[int, int, Decimal]]] = {}
    shares = transfer_shares(facts)
    for number in facts.timeline:
        history = facts.history(number, as_of)
        last = history[-1] if history else None
        if last is None or last.factor is None or last.funded_on is None:
            continue
        if factor and last.factor != factor:
            continue
        funded_on = last.funded_on
        invoice = facts.book.invoices[number]
        currency, face = invoice.face.currency, invoice.face.number or ZERO
        customer = _tally(by_customer, (invoice.customer, currency))
        mine = _tally(by_factor, (last.factor, currency))
        fees = _invoice_fees(history, face, shares.get(number, ZERO), currency)
        total = ZERO
        for kind, date, amount in fees:
            total += amount
            if _in(date, start, as_of):
                customer.fees[kind] += amount
        closed = last.collected_on or last.charged_back_on or last.lost_on
        if last.purchase is None or not _in(closed, start, as_of):
            continue
        assert closed is not None
        days = max((closed - funded_on).days, 1)
        for tally in (customer, mine):
            tally.closed += 1
            tally.closed_fees += total
            tally.cash += last.purchase.advance
            tally.dollar_days += last.purchase.advance * days
        if last.collected_on:
            paid = last.paid if last.paid is not None else face
            waits.setdefault(invoice.customer, []).append(
                (days, (last.collected_on - invoice.entry.date).days, face - paid)
            )
    days_to_pay = tuple(
        DaysToPay(
            customer=customer,
            collected=len(items),
            average_from_funding=Decimal(sum(i[0] for i in items)) / len(items),
            average_from_invoice=Decimal(sum(i[1] for i in items)) / len(items),
            short_paid=sum((i[2] for i in items), ZERO),
        )
        for customer, items in sorted(waits.items())
    )
    for line in _fuel_fees(facts, start, as_of, factor):
        invoice = facts.book.invoices[line.invoice or ""]
        _tally(by_customer, (invoice.customer, line.currency)).fees["fuel"] += line.number
    return CostReport(
        as_of=as_of,
        start=start,
        by_factor=tuple(
            tally.line(facts.display(key), facts.display(key), currency)
            for (key, currency), tally in sorted(by_factor.items())
        ),
        by_customer=tuple(
            tally.line(customer, None, currency)
            for (customer, currency), tally in sorted(by_customer.items())
        ),
        by_month=tuple(
            tally.line(month, facts.display(key), currency, rate=False)
            for (month, key, currency), tally in sorted(by_month.items())
        ),
        days_to_pay=days_to_pay,
        deductions=_deductions(facts, start, as_of, factor),
    )


def _fuel_fees(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> list[Line]:
    """The fuel-advance fees that name their invoice, booked in the period."""
    states = facts.settlement.states
    found = []
    for account in sorted(facts.fee_accounts):
        for line in facts.lines.get(account, ()):
            if line.part != "fuel-advance-fee" or line.invoice not in states:
                continue
            if _in(line.date, start, as_of) and (not factor or factor == _owner(facts, line)):
                found.append(line)
    return found


def _owner(facts: Facts, line: Line) -> str | None:
    return (
        facts.factor_of_account.get(line.account)
        or facts.settlement.states[line.invoice or ""].factor
    )


def _deductions(
    facts: Facts, start: datetime.date | None, as_of: datetime.date, factor: str | None
) -> tuple[Deductions, ...]:
    """Short pays, chargebacks and credit losses by customer, kind and reason.

    Summed per invoice first: a short pay the customer paid later (a negative
    deduction, ``collect.py``) cancels it, and an invoice whose deductions come
    to nothing in the period is not counted.
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
        left = {number: amount for number, amount in invoices.items() if amount}
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


def _invoice_fees(
    history: list[Snap], face: Decimal, transfer: Decimal, currency: str
) -> list[tuple[str, datetime.date | None, Decimal]]:
    """An invoice's fees, each with its kind and the day it was booked."""
    fees: list[tuple[str, datetime.date | None, Decimal]] = []
    previous: Snap | None = None
    for snap in history:
        funded = snap.funded_on and (previous is None or not previous.funded_on)
        if funded and snap.purchase is not None:
            fees.append(("discount", snap.funded_on, snap.purchase.discount_fee))
            fees.append(("invoice", snap.funded_on, snap.purchase.invoice_fee))
            fees.append(("transfer", snap.funded_on, transfer))
        bought = (
            previous is not None
            and previous.funded_on
            and snap.funded_on != previous.funded_on
            and snap.factor != previous.factor
        )
        if bought and snap.purchase is not None and previous is not None:
            # A buyout: the old factor's fee to the day comes out of the reserve that
            # moves, and so do the new factor's fees at purchase (buyout.py).
            new = snap.purchase
            accrued = previous.held - new.reserve - new.discount_fee - new.invoice_fee
            terms, old = previous.agreement, previous.purchase
            if terms is not None and old is not None:
                base, late = P.base_and_late(terms, old, accrued)
                fees.append(("discount", snap.funded_on, base))
                fees.append(("late", snap.funded_on, late))
            fees.append(("discount", snap.funded_on, new.discount_fee))
            fees.append(("invoice", snap.funded_on, new.invoice_fee))
        if snap.collected_on and (previous is None or not previous.collected_on):
            # Known on collection, booked with the release (None: not yet).
            fees.append(("discount", None, snap.base_fee))
            fees.append(("late", None, snap.late_fee))
        if snap.released_on and (previous is None or not previous.released_on):
            fees = [(k, snap.released_on if d is None else d, a) for k, d, a in fees]
        if snap.charged_back_on and (previous is None or not previous.charged_back_on):
            terms, purchase = snap.agreement, snap.purchase
            if terms is not None and purchase is not None and snap.funded_on is not None:
                fee = P.fee_due(
                    terms,
                    face,
                    purchase.advance,
                    snap.funded_on,
                    snap.charged_back_on,
                    purchase.discount_fee,
                    currency,
                )
                fees.append(("chargeback", snap.charged_back_on, fee))
        previous = snap
    return fees
