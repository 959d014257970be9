"""The reserve report: what each factor holds back, per invoice and over time.

Per invoice, from its snapshots up to the as-of date (``facts.Snap``): the
reserve held back at funding, what is still held, what the factor kept
against a short pay or a chargeback, the fees it will deduct at release, the
status and the expected release date (rules in ``model.ReserveInvoice`` and
``docs/reports.md``), and the fee accrued to the date: what the factor would
take from the reserve if the customer paid on the as-of date, less what it
took at funding (``accruals.fee_accrued``); once collected, the fees due.
Per factor and currency, the sum of what is held is set beside the balance
of the reserve account(s) from the ledger's postings, with the difference
shown as ``unexplained``, and the fees accrued are summed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal

from beancount_factoring.ledger.book import Invoice
from beancount_factoring.reports.facts import Facts, Line, Snap, ToldOwner
from beancount_factoring.reports.model import (
    AWAITING_COLLECTION,
    FORFEIT_CHARGEBACK,
    FORFEIT_CREDIT_LOSS,
    FORFEIT_SHORT_PAY,
    FORFEITED,
    NO_FACTOR,
    OVERDUE,
    RELEASE_DUE,
    RELEASED,
    BalancePoint,
    FactorReserve,
    ReserveInvoice,
    ReserveReport,
)
from beancount_factoring.settlement.accruals import fee_accrued
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)
OPEN_STATUSES = (AWAITING_COLLECTION, RELEASE_DUE, OVERDUE)
"""The statuses of a reserve not back yet: what is held is held under one of them."""
DEFAULT_DAYS_TO_PAY = 30


def typical_days(facts: Facts, as_of: datetime.date) -> dict[str, int]:
    """Per customer, the mean days from funding to payment in full of invoices collected by
    then."""
    totals: dict[str, list[int]] = {}
    for number, invoice in facts.book.invoices.items():
        snap = facts.snap(number, as_of)
        if snap is None or snap.funded_on is None or snap.collected_on is None:
            continue
        first = first_funded(facts.timeline[number]) or snap.funded_on
        days = ((snap.paid_in_full_on or snap.collected_on) - first).days
        totals.setdefault(invoice.customer, []).append(days)
    return {customer: round(sum(days) / len(days)) for customer, days in totals.items()}


def first_funded(history: Sequence[Snap]) -> datetime.date | None:
    """The day an invoice was first funded. A buyout funds it again, for the new factor
    (``Snap.funded_on``), but its customer pays on its own time: its days to pay run
    from the first funding."""
    for snap in history:
        if snap.funded_on is not None:
            return snap.funded_on
    return None


def forfeits(
    history: list[Snap], face: Decimal, short_paid: Decimal | None = None
) -> tuple[Decimal, str | None, datetime.date | None]:
    """What the factor kept of an invoice's reserve, why, and when, from its snapshots.

    A chargeback keeps all that was held; a short pay takes the shortfall from
    the reserve, up to what was held (``postings.collection_postings``), unless
    the factor nets it from a funding (``short-pay-from: "funding"``): then the
    reserve stays whole and comes back, and nothing is forfeited. ``short_paid``
    is what the ledger's short-pay postings took from the reserve, when known
    (``Facts.reserve_short_paid``). A credit loss keeps all that was held unless
    the agreement releases it. What the factor took for another invoice's chargeback
    (or short pay) is kept too.
    """
    forfeited, reason, when = ZERO, None, None
    previous: Snap | None = None
    for snap in history:
        if previous is not None and previous.funded_on:
            before = previous.held
        else:
            before = snap.purchase.reserve if snap.purchase is not None else ZERO
        charged_back = snap.charged_back_on and (previous is None or not previous.charged_back_on)
        if charged_back and before > 0:
            forfeited += before
            reason, when = FORFEIT_CHARGEBACK, snap.charged_back_on
        if snap.collected_on and (previous is None or not previous.collected_on):
            short = face - (snap.paid if snap.paid is not None else face)
            taken = min(short, before) if short_paid is None else short_paid
            if short > 0 and before > 0 and taken > 0:
                forfeited += taken
                reason, when = FORFEIT_SHORT_PAY, snap.collected_on
        recovered = snap.recovered_on and (
            previous is None or previous.recovered_on != snap.recovered_on
        )
        if recovered and previous is not None:
            # A short pay paid later: what went back to the reserve is not lost.
            forfeited = max(forfeited - (snap.held - previous.held), ZERO)
            reason, when = (reason, when) if forfeited else (None, None)
        # Taken for another invoice's chargeback or short pay
        # (settlement/handlers/reserve_taken.py).
        taken = snap.reserve_taken - (previous.reserve_taken if previous is not None else ZERO)
        if taken > 0:
            forfeited += taken
            reason = FORFEIT_SHORT_PAY if snap.reserve_taken_for == "short-pay" else None
            reason, when = reason or FORFEIT_CHARGEBACK, snap.date
        lost = snap.lost_on and (previous is None or not previous.lost_on)
        if lost and before > 0 and not snap.held:
            forfeited += before
            reason, when = FORFEIT_CREDIT_LOSS, snap.lost_on
        previous = snap
    return forfeited, reason, when


def reserve_line(
    facts: Facts,
    number: str,
    as_of: datetime.date,
    typical: Callable[[str], int],
    history: list[Snap] | None = None,
) -> ReserveInvoice | None:
    """One invoice's reserve as of a date, or None if it has none then (``history``: its
    snapshots to the date, when the caller has read them)."""
    if history is None:
        history = facts.history(number, as_of)
    if not history:
        return None
    snap = history[-1]
    if snap.funded_on is None or snap.purchase is None or snap.agreement is None:
        return None
    invoice = facts.book.invoices[number]
    agreement = snap.agreement
    short_paid = facts.reserve_short_paid(number, as_of)
    forfeited, reason, forfeited_on = forfeits(history, invoice.face.number or ZERO, short_paid)
    fees_due = ZERO if snap.released_on else snap.base_fee + snap.late_fee
    first = first_funded(history) or snap.funded_on
    status, expected, days_overdue = _status(
        snap, invoice, as_of, first, forfeited, fees_due, typical
    )
    face = invoice.face.number or ZERO
    accrued = fees_due
    if status == AWAITING_COLLECTION:
        # A customer that paid us in full stopped the fee that day, reported or not.
        until = min(as_of, snap.paid_in_full_on or as_of)
        # (Of the face the factor bought: of a part left unpaid, bought out, that part.)
        accrued = fee_accrued(
            agreement,
            snap.purchase.face,
            snap.purchase,
            snap.funded_on,
            until,
            invoice.face.currency,
        )
    if not (snap.purchase.reserve or forfeited or snap.held or fees_due or accrued):
        return None
    return ReserveInvoice(
        invoice=number,
        customer=invoice.customer,
        factor=facts.display(snap.factor),
        currency=invoice.face.currency,
        face=face,
        reserve=snap.purchase.reserve,
        held=snap.held,
        fees_due=fees_due,
        # Less the VAT on the fees due, which the factor deducts with them.
        due_back=(
            P.release_cash(
                facts.book.agreements.charged_on(agreement, as_of),
                snap.held,
                snap.base_fee,
                snap.late_fee,
            )
            if fees_due
            else snap.held
        ),
        accrued_fee=accrued,
        forfeited=forfeited,
        forfeit_reason=reason,
        forfeited_on=forfeited_on,
        status=status,
        invoice_date=invoice.entry.date,
        funded_on=snap.funded_on,
        collected_on=snap.collected_on,
        expected_release=expected,
        # A forfeited reserve came back on no day: a deposit that only netted its fees
        # (the short pay having taken it all) paid none of it back.
        released_on=None if status == FORFEITED else snap.released_on,
        days_overdue=days_overdue,
        source=facts.invoice_source(number),
    )


def _status(
    snap: Snap,
    invoice: Invoice,
    as_of: datetime.date,
    first_funding: datetime.date,
    forfeited: Decimal,
    fees_due: Decimal,
    typical: Callable[[str], int],
) -> tuple[str, datetime.date | None, int]:
    """Where the invoice's reserve stands: its status, the day it is expected back, and
    the days it is overdue (an invoice not collected yet is expected its customer's
    typical days after ``first_funding``, the first factor's, whatever buyout came since)."""
    agreement = snap.agreement
    assert agreement is not None and snap.funded_on is not None
    release_days = agreement.release_days
    expected: datetime.date | None = None
    days_overdue = 0
    if snap.released_on:
        # A release that only netted the fees of a reserve a short pay took whole paid
        # nothing back: the reserve was forfeited, not released.
        reserve = snap.purchase.reserve if snap.purchase is not None else ZERO
        whole = bool(forfeited) and forfeited >= reserve and not snap.held
        status = FORFEITED if whole else RELEASED
    elif snap.charged_back_on:
        status = FORFEITED
    elif snap.collected_on or snap.lost_on:
        closed = snap.recovered_on or snap.collected_on or snap.lost_on
        assert closed is not None
        if not (snap.held or fees_due) and forfeited:
            status = FORFEITED
        elif not (snap.held or fees_due):
            status = RELEASED  # Nothing was held back (a reserve of zero).
        else:
            expected = closed + datetime.timedelta(days=release_days or 0)
            late = (as_of - closed).days - (release_days or 0)
            if release_days is not None and late > 0:
                status, days_overdue = OVERDUE, late
            else:
                status = RELEASE_DUE
    else:
        status = AWAITING_COLLECTION
        collection = invoice.due
        if collection is None:
            days = typical(invoice.customer)
            collection = first_funding + datetime.timedelta(days=days)
        expected = collection + datetime.timedelta(days=release_days or 0)
    return status, expected, days_overdue


def reserve_report(facts: Facts, as_of: datetime.date, factor: str | None) -> ReserveReport:
    """The reserve report as of a date, for one factor (its key) or all."""
    known: list[dict[str, int]] = []

    def typical(customer: str) -> int:
        if not known:
            known.append(typical_days(facts, as_of))
        return known[0].get(customer, DEFAULT_DAYS_TO_PAY)

    lines: dict[tuple[str, str], list[ReserveInvoice]] = {}
    for number in facts.timeline:
        history = facts.history(number, as_of)
        if not history:
            continue
        snap = history[-1]
        if snap.factor is None or (factor and snap.factor != factor):
            continue
        line = reserve_line(facts, number, as_of, typical, history)
        if line is not None:
            lines.setdefault((snap.factor, line.currency), []).append(line)
    owners = _SharedReserves(facts)
    accounts: dict[str, tuple[str, ...]] = {}
    for key in facts.book.agreements.names():
        if factor and key != factor:
            continue
        accounts[key] = tuple(dict.fromkeys(a.reserve for a in facts.agreements_of(key)))
        for line_ in facts.account_lines(accounts[key], as_of):
            if owners.owner(line_, key) == key:
                lines.setdefault((key, line_.currency), [])
    result = []
    for (key, currency), invoices in sorted(lines.items()):
        # A factor with an agreement per currency keeps each currency's reserve apart.
        agreements = facts.agreements_of(key)
        own = [a.reserve for a in agreements if a.currency == currency]
        if own:
            # With the general line's accounts that hold this currency: the reserve of an
            # invoice bought before the currency's own line started stays where it went.
            general = dict.fromkeys(a.reserve for a in agreements if a.currency is None)
            own.extend(name for name in general if _holds(facts, name, currency, as_of))
        else:
            # A currency with no line of its own (the general line's): that line's
            # accounts, and another line's only if it holds the currency.
            own = [a.reserve for a in agreements if a.currency is None]
            own += [
                name
                for name in accounts.get(key, ())
                if name not in own and _holds(facts, name, currency, as_of)
            ]
        names = tuple(dict.fromkeys(own)) or accounts.get(key, ())
        balance, points = _balances(facts, names, currency, as_of, owners.keeper(key))
        invoices.sort(key=lambda line: (line.funded_on, line.invoice))
        result.append(
            _factor_reserve(facts.display(key), currency, names, invoices, balance, points)
        )
    result.extend(_unclaimed(facts, owners, as_of, factor))
    return ReserveReport(as_of=as_of, factors=tuple(result))


# A buyout's reserve postings of one account and currency naming one invoice (None: every
# one it moved): the buyout's index, the account, the currency and the invoice.
_BuyoutLine = tuple[int, str, str, str | None]


class _SharedReserves:
    """Whose each posting is on a reserve account factors share: the factor that held the
    invoice it names on its day, else the one its entry tells (``ToldOwner``), else
    None. On an account of one factor's, every posting is that factor's.

    A buyout's reserve postings hold both factors' parts: the old factor's reserve of the
    invoices moved goes out (what it held the day before), the new factor's comes in;
    under ``detail: "item"`` both are one posting naming no invoice (Lakeshore's -150.00
    and Pinecrest's +60.00 as -90.00). The old factor's part is what it held of them, the
    rest the new one's, so that each factor's line ties to its part of the account."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        sharers: dict[str, set[str]] = {}
        for agreement in facts.book.agreements.latest():
            sharers.setdefault(agreement.reserve, set()).add(agreement.name.strip().lower())
        self.sharers = {name: keys for name, keys in sharers.items() if len(keys) > 1}
        self.told = ToldOwner(facts, self.sharers)
        self.found: dict[int, str | None] = {}
        self.buyouts = {e.index: e for e in facts.book.events if e.kind == "buyout"}
        # Per buyout posting (by id), its parts: [(factor, amount)].
        self.parts: dict[int, list[tuple[str | None, Decimal]]] = {}
        # Per buyout, account, currency and invoice named (None: every one it moved), the
        # old factor's reserve left to give its postings, and that factor.
        self.left: dict[_BuyoutLine, tuple[str | None, list[Decimal]]] = {}

    def owner(self, line: Line, key: str) -> str | None:
        """The factor whose posting ``line`` is (``key``, on an account it alone has)."""
        if line.account not in self.sharers:
            return key
        found = id(line)
        if found not in self.found:
            snap = self.facts.snap(line.invoice, line.date) if line.invoice else None
            if snap is not None and snap.factor in self.sharers[line.account]:
                self.found[found] = snap.factor
            else:
                self.found[found] = self.told.owner(line)
        return self.found[found]

    def share(self, line: Line, key: str | None) -> Decimal | None:
        """What of the posting ``line`` is the factor ``key``'s (None: no factor's); None
        if none of it."""
        if line.account not in self.sharers:
            return line.number
        if line.index in self.buyouts and line.part == "buyout":
            parts = self._at_buyout(line)
            if parts is not None:
                mine = [amount for owner, amount in parts if owner == key]
                return sum(mine, ZERO) if mine else None
        return line.number if self.owner(line, "") == key else None

    def keeper(self, key: str | None) -> Callable[[Line], Decimal | None]:
        """What of a posting is the factor ``key``'s (None: no factor's)."""
        return lambda line: self.share(line, key)

    def _at_buyout(self, line: Line) -> list[tuple[str | None, Decimal]] | None:
        """A buyout's reserve posting on a shared account: the old factor's part (what it
        held of the invoices it names, or of all it moved) and the new one's rest."""
        found = self.parts.get(id(line))
        if found is not None:
            return found
        key = (line.index, line.account, line.currency, line.invoice)
        if key not in self.left:
            self.left[key] = self._held_before(line)
        old, left = self.left[key]
        if old is None:
            return None
        # One posting that names no invoice sums every leg of the account; one that
        # names it is the old factor's reserve going out (a credit) or the new one's.
        mine = left[0] if line.invoice is None else max(min(line.number, ZERO), left[0])
        left[0] -= mine
        new = self.facts.snap(line.invoice, line.date) if line.invoice else None
        factor = new.factor if new is not None else self.told.owner(line)
        if factor is None:
            event = self.buyouts[line.index]
            factor = (event.factor or "").strip().lower() or None
        found = [(old, mine), (factor, line.number - mine)]
        self.parts[id(line)] = found
        return found

    def _held_before(self, line: Line) -> tuple[str | None, list[Decimal]]:
        """The old factor of the invoices a buyout's posting names (or of every one it
        moved), and minus what it held of them on that account the day before, in the
        posting's currency. (The plugin books one buyout per currency, FCT134 else; a
        posting's part is still read of its own currency only, never of another's.)"""
        facts = self.facts
        if line.invoice is not None:
            numbers: list[str] = [line.invoice]
        else:
            links = getattr(facts.entries[line.index], "links", None) or ()
            numbers = sorted(n for n in links if n in facts.timeline)
        old_factor, held = None, ZERO
        for number in numbers:
            new = facts.snap(number, line.date)
            old = facts.snap(number, line.date - datetime.timedelta(days=1))
            if new is None or old is None or old.factor is None or old.factor == new.factor:
                continue
            if old.factor not in self.sharers[line.account]:
                continue
            if facts.book.invoices[number].face.currency != line.currency:
                continue
            old_factor = old.factor
            held += old.held
        return old_factor, [-held]


def _unclaimed(
    facts: Facts, owners: _SharedReserves, as_of: datetime.date, factor: str | None
) -> list[FactorReserve]:
    """Per currency, what is on reserve accounts factors share that no entry gives to one
    of them (interest the bank credited, a charge written by hand naming no factor): a
    ``NO_FACTOR`` line, so that the factors' lines still add up to the accounts. With
    ``factor``, that of the accounts it shares."""
    names = tuple(
        sorted(name for name, keys in owners.sharers.items() if not factor or factor in keys)
    )
    currencies = sorted({line.currency for line in facts.account_lines(names, as_of)})
    result = []
    for currency in currencies:
        keep = owners.keeper(None)
        balance, points = _balances(facts, names, currency, as_of, keep)
        if points:
            result.append(_factor_reserve(NO_FACTOR, currency, names, [], balance, points))
    return result


def _holds(facts: Facts, account: str, currency: str, as_of: datetime.date) -> bool:
    """Whether the account has a posting in ``currency`` up to ``as_of``."""
    return any(
        line.currency == currency and line.date <= as_of for line in facts.lines.get(account, ())
    )


def _balances(
    facts: Facts,
    names: tuple[str, ...],
    currency: str,
    as_of: datetime.date,
    keep: Callable[[Line], Decimal | None],
) -> tuple[Decimal, list[BalancePoint]]:
    """The reserve accounts' balance in ``currency`` as of the date (the postings ``keep``
    keeps), and at the end of each day it changed."""
    history: list[BalancePoint] = []
    balance = ZERO
    for posting in facts.account_lines(names, as_of):
        if posting.currency != currency:
            continue
        number = keep(posting)
        if number is None:
            continue
        balance += number
        if history and history[-1].date == posting.date:
            history[-1] = BalancePoint(posting.date, balance)
        else:
            history.append(BalancePoint(posting.date, balance))
    return balance, history


def _factor_reserve(
    factor: str,
    currency: str,
    names: tuple[str, ...],
    invoices: list[ReserveInvoice],
    balance: Decimal,
    history: list[BalancePoint],
) -> FactorReserve:
    """One factor's reserve in one currency: its invoices' sums, in one pass, beside the
    balance of its reserve accounts."""
    held = accrued = forfeited = due_back = ZERO
    by_status = dict.fromkeys(OPEN_STATUSES, ZERO)
    for line in invoices:
        held += line.held
        accrued += line.accrued_fee
        forfeited += line.forfeited
        if line.held or line.status in by_status:
            # A forfeited or released reserve holds nothing (listed, its 0.00 would read
            # as the forfeited figure); should one still hold some, it is shown.
            by_status[line.status] = by_status.get(line.status, ZERO) + line.held
        if line.status in (RELEASE_DUE, OVERDUE):
            due_back += line.due_back
    return FactorReserve(
        factor=factor,
        currency=currency,
        accounts=names,
        held=held,
        account_balance=balance,
        unexplained=balance - held,
        due_back=due_back,
        accrued_fees=accrued,
        held_net_of_fees=held - accrued,
        forfeited=forfeited,
        by_status=tuple(by_status.items()),
        history=tuple(history),
        invoices=tuple(invoices),
    )
