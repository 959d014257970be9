"""The reconciliation report: what is open between us and each factor, as of a date.

Per factor and currency, the clearing account's balance from the postings is
set beside the open items that explain it:

- schedules sold and not yet funded (their face is on the clearing account;
  under the loan model nothing is, but the schedule is still listed, with
  the cash it should bring);
- chargebacks and short pays the factor will deduct from its next deposit;
- payments the customer made to us for the factor's invoices and that we have
  not forwarded yet (on the due-to-factor account, not on the clearing account;
  the factor may net them from its next deposit);
- differences the plugin left on the clearing account (``FCT120``) and
  entries written to the clearing account by hand, listed only while they do
  not add up to zero (a correction that clears a difference closes both);
- deposits and releases the plugin could not book (unallocated lumps);

and, though they are not on the clearing account, the reserves due back and
the invoices past their recourse period. Items have a deadline; an item open
after its deadline, or a lump older than ``grace-days``, is a problem, and
``bean-factoring reconcile`` exits 1, unless the ledger disables the error code that
judges it (``CLOCK_OF_KIND``): then it is listed and said, not counted. A schedule
not funded past its deadline is one only once the books prove its funding missing,
by bean-check's own FCT162 rule
(``checks/unfunded.py``); until then it awaits its funding (a factor that funds
weekly). The ledger's own FCT errors are listed as disagreements with the agreement.
"""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal
from typing import Any

from beancount_factoring.checks.fuel_overdue import fuel_deadline
from beancount_factoring.checks.unfunded import FundingEvidence, awaits_funding
from beancount_factoring.errors import error_code
from beancount_factoring.reports.facts import LUMP_KINDS, Facts, Snap, source_of
from beancount_factoring.reports.model import (
    ITEM_CHARGEBACK,
    ITEM_DIFFERENCE,
    ITEM_ENTRY,
    ITEM_FEE,
    ITEM_FUEL,
    ITEM_MISDIRECTED,
    ITEM_OVERPAY,
    ITEM_RECOURSE,
    ITEM_RELEASE,
    ITEM_SCHEDULE,
    ITEM_SHORT_PAY,
    ClearingAccount,
    Disagreement,
    OpenItem,
    ReconcileReport,
    Source,
    UnallocatedLump,
)
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)
# Judged by the report on its own date, as open items.
CLOCK_CODES = ("FCT103", "FCT104", "FCT160", "FCT161", "FCT162", "FCT163")
Key = tuple[str, str]
# The code that judges each kind of item's deadline (bean-check's, on the same rule):
# an item of a code the ledger disables is listed past its deadline, not counted.
CLOCK_OF_KIND = {
    ITEM_SCHEDULE: "FCT162",
    ITEM_RECOURSE: "FCT160",
    ITEM_RELEASE: "FCT161",
    ITEM_FUEL: "FCT163",
    ITEM_ENTRY: "FCT104",
}
LUMP_CODE = "FCT103"  # an unallocated deposit past grace-days
# The open item each part an invoice owes the factor is listed as (others: fee to net).
OWED_KINDS = {
    "chargeback": ITEM_CHARGEBACK,
    "short-pay": ITEM_SHORT_PAY,
    "overpay": ITEM_OVERPAY,
    "misdirected-payment": ITEM_MISDIRECTED,
}


def _days(days: int) -> datetime.timedelta:
    return datetime.timedelta(days=days)


def _item(
    kind: str,
    factor: str,
    currency: str,
    reference: str,
    invoices: tuple[str, ...],
    since: datetime.date,
    as_of: datetime.date,
    on_clearing: Decimal,
    cash: Decimal,
    deadline: datetime.date | None,
    source: Source,
    overdue: bool | None = None,
) -> OpenItem:
    """An open item; overdue once past its deadline, unless told (a schedule: by proof)."""
    if overdue is None:
        overdue = deadline is not None and as_of > deadline
    return OpenItem(
        kind=kind,
        factor=factor,
        currency=currency,
        reference=reference,
        invoices=invoices,
        since=since,
        days_open=(as_of - since).days,
        on_clearing=on_clearing,
        cash=cash,
        deadline=deadline,
        overdue=overdue,
        source=source,
    )


def _invoice_items(
    facts: Facts, as_of: datetime.date, factor: str | None
) -> dict[Key, list[OpenItem]]:
    """The open items of the invoices the factors hold, and their schedules not funded yet."""
    items: dict[Key, list[OpenItem]] = {}
    schedules: dict[tuple[str, str, str], list[str]] = {}
    for number in facts.timeline:
        snap = facts.snap(number, as_of)
        if snap is None or snap.factor is None or (factor and snap.factor != factor):
            continue
        currency = facts.book.invoices[number].face.currency
        if awaits_funding(snap):  # (bean-check's FCT162 judges the same invoices)
            group = snap.schedule or f"invoice {number}"
            schedules.setdefault((snap.factor, currency, group), []).append(number)
        found = _items_of_invoice(facts, number, snap, snap.factor, as_of)
        if found:  # no empty list: each key of the items is an account the report shows
            items.setdefault((snap.factor, currency), []).extend(found)
    # Late by the rule of bean-check's FCT162, read once: a date alone proves nothing
    # (a factor that funds weekly; a bank statement not imported yet).
    evidence = FundingEvidence.of(facts.settlement, facts.book, as_of) if schedules else None
    for (key_, currency, group), numbers in schedules.items():
        assert evidence is not None
        item = _schedule_item(facts, evidence, key_, currency, group, numbers, as_of)
        items.setdefault((key_, currency), []).append(item)
    return items


def _items_of_invoice(
    facts: Facts, number: str, snap: Snap, key_: str, as_of: datetime.date
) -> list[OpenItem]:
    """What one invoice leaves open with its factor: parts owed, fuel, a release, recourse."""
    invoice = facts.book.invoices[number]
    currency = invoice.face.currency
    name = facts.display(key_)
    source = facts.invoice_source(number)

    def item(
        kind: str,
        since: datetime.date,
        on_clearing: Decimal,
        cash: Decimal,
        deadline: datetime.date | None = None,
    ) -> OpenItem:
        """An open item of this invoice, referred to by its number."""
        return _item(
            kind,
            name,
            currency,
            number,
            (number,),
            since,
            as_of,
            on_clearing,
            cash,
            deadline,
            source,
        )

    found = []
    for part, owed in snap.owed:
        since = snap.charged_back_on or snap.collected_on or snap.date
        if part == "buyout" and snap.funded_on:
            since = snap.funded_on  # What a thin reserve left: owed since the buyout.
        kind = OWED_KINDS.get(part, ITEM_FEE)
        on_clearing = -owed
        if kind == ITEM_MISDIRECTED:
            # Owed on the due-to-factor account: it leaves nothing on the clearing one.
            since, on_clearing = snap.received_on or snap.date, ZERO
        found.append(item(kind, since, on_clearing, -owed))
    if snap.fuel and not snap.funded_on:
        # On the fuel-advances account; the funding of the invoice deducts it. Once the
        # invoice is on a schedule, that schedule's cash nets it (counted there alone).
        since = snap.fuel_since or snap.date
        cash = ZERO if snap.scheduled_on else -snap.fuel
        late = fuel_deadline(facts.book, key_, since, currency)
        found.append(item(ITEM_FUEL, since, ZERO, cash, late[0] if late else None))
    terms = snap.agreement
    if terms is None or snap.funded_on is None:
        return found
    fees = snap.base_fee + snap.late_fee
    closed = snap.recovered_on or snap.collected_on or snap.lost_on
    if closed and not snap.released_on and (snap.held or fees):
        days = terms.release_days
        deadline = closed + _days(days) if days is not None else None
        # (The fees are charged when it comes: with the VAT in force as of the date.)
        charged = facts.book.agreements.charged_on(terms, as_of)
        cash = P.release_cash(charged, snap.held, snap.base_fee, snap.late_fee)
        found.append(item(ITEM_RELEASE, closed, ZERO, cash, deadline))
    if not (closed or snap.charged_back_on) and terms.recourse_days:
        deadline = snap.funded_on + _days(terms.recourse_days)
        if as_of > deadline:
            found.append(item(ITEM_RECOURSE, snap.funded_on, ZERO, ZERO, deadline))
    return found


def _schedule_item(
    facts: Facts,
    evidence: FundingEvidence,
    key_: str,
    currency: str,
    group: str,
    numbers: list[str],
    as_of: datetime.date,
) -> OpenItem:
    """A schedule sold and not funded yet: its face on clearing, the cash it should bring;
    overdue once the books prove its funding missing (FCT162's rule), else awaiting it."""
    states = facts.settlement.states
    first = facts.snap(numbers[0], as_of)
    assert first is not None and first.scheduled_on is not None
    terms = first.agreement
    grace = terms.grace_days if terms is not None else 0
    face = sum((states[n].face for n in numbers), ZERO)
    if terms is not None and terms.loan:
        face = ZERO  # Pledged, not sold: a loan-model schedule moves nothing to clearing.
    cash = ZERO
    if terms is not None:
        charged = facts.book.agreements.charged_on(terms, as_of)
        for n in numbers:
            snap_ = facts.snap(n, as_of)
            fuel = snap_.fuel if snap_ else ZERO
            cash += P.funding_cash(charged, states[n].split(terms)) - fuel
        # Less the transfer fee (and its VAT) the deposit that funds it takes, by ACH
        # unless it says otherwise, as the plugin expects of that deposit: the fee of the
        # terms in force then (as of the date), not those the schedule was sold under.
        deposit = facts.book.agreements.in_force(key_, as_of, currency)[1] or terms
        cash -= sum((leg.number for leg in P.transfer_fee_legs(deposit, currency)), ZERO)
    scheduled_by = states[numbers[0]].scheduled_by
    source = source_of(scheduled_by.meta if scheduled_by else None)
    schedule = first.schedule
    late = evidence.late(key_, currency, first.scheduled_on, grace, schedule, numbers)
    return _item(
        ITEM_SCHEDULE,
        facts.display(key_),
        currency,
        group,
        tuple(sorted(numbers)),
        first.scheduled_on,
        as_of,
        face,
        cash,
        first.scheduled_on + _days(grace),
        source,
        overdue=late is not None,
    )


def _owed_items(
    facts: Facts, as_of: datetime.date, factor: str | None
) -> dict[Key, list[OpenItem]]:
    """Fees charged apart from any invoice, not netted yet; fuel advances on no invoice."""
    items: dict[Key, list[OpenItem]] = {}
    settlement = facts.settlement
    for key_, charges in settlement.charges.items():
        if factor and key_ != factor:
            continue
        for charge in charges.values():
            if charge.date > as_of or (charge.netted_on and charge.netted_on <= as_of):
                continue
            items.setdefault((key_, charge.currency), []).append(
                _item(
                    ITEM_FEE,
                    facts.display(key_),
                    charge.currency,
                    charge.key,
                    (),
                    charge.date,
                    as_of,
                    -charge.amount,
                    -charge.amount,
                    None,
                    source_of(charge.entry.meta),
                )
            )
    for key_, advances in settlement.fuel_open.items():
        if factor and key_ != factor:
            continue
        for advance in advances.values():
            left = advance.open_on(as_of)
            if advance.date > as_of or left <= 0:
                continue
            late = fuel_deadline(facts.book, key_, advance.date, advance.currency)
            items.setdefault((key_, advance.currency), []).append(
                _item(
                    ITEM_FUEL,
                    facts.display(key_),
                    advance.currency,
                    f"load {advance.load}",
                    (),
                    advance.date,
                    as_of,
                    ZERO,
                    -left,
                    late[0] if late else None,
                    source_of(advance.entry.meta),
                )
            )
    return items


def _loose_items(
    facts: Facts, as_of: datetime.date, factor: str | None, booked: set[int]
) -> dict[Key, list[OpenItem]]:
    """Differences and hand-written clearing entries, while they do not add up to zero."""
    events = {event.index for event in facts.book.events}
    items: dict[Key, list[OpenItem]] = {}
    totals: dict[Key, Decimal] = {}
    for key_, names in facts.clearing_accounts(factor).items():
        for line in facts.account_lines(names, as_of):
            if facts.factor_of_account.get(line.account) != key_:
                continue
            if line.part == "difference" and line.index in booked:
                kind = ITEM_DIFFERENCE
            elif line.index not in events and line.part is None:
                kind = ITEM_ENTRY
            else:
                continue
            entry = facts.entries[line.index]
            _, terms = facts.book.agreements.in_force(key_, line.date, line.currency)
            deadline = line.date + _days(terms.grace_days) if terms is not None else None
            key = (key_, line.currency)
            totals[key] = totals.get(key, ZERO) + line.number
            source = source_of(getattr(entry, "meta", None))
            items.setdefault(key, []).append(
                _item(
                    kind,
                    facts.display(key_),
                    line.currency,
                    str(source),
                    (),
                    line.date,
                    as_of,
                    line.number,
                    # What it leaves on the clearing account is what the next deposit
                    # settles: a deposit 25.00 short, the factor still pays; an entry
                    # that credits the account, the factor deducts.
                    line.number,
                    deadline,
                    source,
                )
            )
    return {key: found for key, found in items.items() if totals[key]}


def _reversed_by(facts: Facts, as_of: datetime.date) -> set[int]:
    """The deposits reversed by a take-back by the date, and those take-backs (a deposit
    entered twice, reversed by hand): the plugin let the two cancel, with no error, so
    neither is a lump that waits. Before the take-back's day, the deposit still waits."""
    found: set[int] = set()
    for reversal, deposit in facts.settlement.reversals.items():
        if facts.entries[reversal].date <= as_of:
            found.update((reversal, deposit))
    return found


def _lumps(facts: Facts, as_of: datetime.date, factor: str | None) -> dict[Key, list[Any]]:
    codes: dict[tuple[str, int], list[str]] = {}
    for error in facts.errors:
        code = error_code(error)
        if code is not None:
            source = source_of(getattr(error, "source", None))
            codes.setdefault((source.filename, source.lineno), []).append(code)
    found: dict[Key, list[Any]] = {}
    replaced = facts.settlement.replaced
    cancelled = _reversed_by(facts, as_of)
    agreements = facts.book.agreements
    # The clearing and reserve accounts of every agreement: a deposit booked to another
    # currency's terms' (its own factor's) is unallocated there, not 0.00.
    lump_accounts = {
        account for terms in agreements.latest() for account in (terms.clearing, terms.reserve)
    }
    for event in facts.book.events:
        if event.kind not in LUMP_KINDS or event.index in replaced or event.date > as_of:
            continue
        if event.index in cancelled:
            continue
        if event.factor is None or (factor and event.factor != factor):
            continue
        for currency in sorted({p.units.currency for p in event.entry.postings if p.units}):
            _, terms = facts.book.agreements.in_force(event.factor, event.date, currency)
            if terms is None:
                continue
            amount = on_clearing = ZERO
            account = None
            for posting in event.entry.postings:
                units = posting.units
                if units is None or units.currency != currency or units.number is None:
                    continue
                # (Another terms' account of the factor too: a CAD deposit booked to the
                # USD terms' clearing account is that much unallocated, not 0.00.)
                if posting.account in (terms.clearing, terms.reserve) or (
                    posting.account in lump_accounts
                    and agreements.factor_of_account(posting.account) == event.factor
                ):
                    amount += units.number
                    account = account or posting.account
                    if posting.account != terms.reserve:
                        on_clearing += units.number
            if account is None:
                # Only the bank's leg is in this currency (a deposit converted at the
                # bank, 600.00 USD @@ 820.00 CAD): nothing of it is on the factor's
                # accounts in it, so no lump of 0.00 here.
                continue
            days = (as_of - event.date).days
            source = source_of(event.entry.meta)
            lump = UnallocatedLump(
                factor=facts.display(event.factor),
                currency=currency,
                date=event.date,
                payee=event.entry.payee or "",
                narration=event.entry.narration or "",
                account=account,
                amount=amount,
                days_open=days,
                grace_days=terms.grace_days,
                past_grace=days > terms.grace_days,
                codes=tuple(codes.get((source.filename, source.lineno), ())),
                source=source,
            )
            found.setdefault((event.factor, currency), []).append((lump, on_clearing))
    return found


def _disagreements(
    facts: Facts, as_of: datetime.date, factor: str | None
) -> tuple[Disagreement, ...]:
    wanted = []
    for error in facts.errors:
        code = error_code(error)
        if code is None or code in CLOCK_CODES:
            continue
        entry = getattr(error, "entry", None)
        date = getattr(entry, "date", None)
        if date is not None and date > as_of:
            continue
        wanted.append((code, error, date, source_of(getattr(error, "source", None))))
    if not wanted:
        return ()  # (Books with no error: no walk of every event for their owners.)
    owners = _owners(facts, {(source.filename, source.lineno) for *_, source in wanted})
    found = []
    for code, error, date, source in wanted:
        owner = owners.get((source.filename, source.lineno))
        if factor and owner is not None and owner != factor:
            continue
        message = str(getattr(error, "message", "")).split(" ", 1)[-1]
        found.append(
            Disagreement(code, message, source, date, facts.display(owner) if owner else None)
        )
    return tuple(found)


def _owners(facts: Facts, places: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The factor each of these places (an event's or an invoice's line) belongs to."""
    owners: dict[tuple[str, int], str] = {}
    for event in facts.book.events:
        source = source_of(event.entry.meta)
        place = (source.filename, source.lineno)
        if place not in places:
            continue
        # The factor that held the invoices it names, as the plugin settled it (a payee
        # may name another, "Summit" on a chargeback of RTS's invoice); else the one its
        # entry names. (Read so, the entries the plugin returned give the same owner: a
        # load from Beancount's cache, whose postings name the factor's accounts.)
        held = set()
        for number in event.invoices:
            snap = facts.snap(number, event.date)
            held.add(snap.factor if snap is not None else None)
        owner = next(iter(held)) if len(held) == 1 else None
        owner = owner or event.factor
        if owner:
            owners[place] = owner
    for state in facts.settlement.states.values():
        if state.factor:
            source = source_of(state.invoice.entry.meta)
            if (source.filename, source.lineno) in places:
                owners[(source.filename, source.lineno)] = state.factor
    return owners


def _clearing_balances(
    facts: Facts, as_of: datetime.date, factor: str | None
) -> dict[Key, dict[str, Decimal]]:
    """Each factor's clearing balance per account (more than one after new terms named
    another clearing account), per currency, as of the date."""
    balances: dict[Key, dict[str, Decimal]] = {}
    for key_, names in facts.clearing_accounts(factor).items():
        for line in facts.account_lines(names, as_of):
            if facts.factor_of_account.get(line.account, key_) != key_:
                continue
            accounts = balances.setdefault((key_, line.currency), {})
            accounts[line.account] = accounts.get(line.account, ZERO) + line.number
    return balances


def reconcile_report(facts: Facts, as_of: datetime.date, factor: str | None) -> ReconcileReport:
    """The reconciliation report as of a date, for one factor (its key) or all."""
    items = _invoice_items(facts, as_of, factor)
    for key, found in _owed_items(facts, as_of, factor).items():
        items.setdefault(key, []).extend(found)
    for key, found in _loose_items(facts, as_of, factor, set(facts.settlement.replaced)).items():
        items.setdefault(key, []).extend(found)
    lumps = _lumps(facts, as_of, factor)
    clearing = _clearing_balances(facts, as_of, factor)
    accounts = []
    problems: list[str] = []
    silenced: list[str] = []
    for key in sorted(set(items) | set(lumps) | set(clearing)):
        key_, currency = key
        own = sorted(items.get(key, ()), key=lambda i: (i.since, i.kind, i.reference))
        own = _silence(own, facts.config.disabled)
        lumps_ = lumps.get(key, [])
        lumps_ = [(_silence_lump(lump, facts.config.disabled), on) for lump, on in lumps_]
        _, terms = facts.book.agreements.in_force(key_, as_of, currency)
        default = terms.clearing if terms is not None else ""
        by_account = clearing.get(key, {})
        balance = sum(by_account.values(), ZERO)
        holding = tuple(sorted(name for name, amount in by_account.items() if amount))
        # The account of the terms in force, unless the balance is on an earlier
        # terms' account alone: then that one.
        account = default if len(holding) != 1 else holding[0]
        account = account or next(iter(by_account), "")
        explained = sum((i.on_clearing for i in own), ZERO)
        explained += sum((on for _, on in lumps_), ZERO)
        accounts.append(
            ClearingAccount(
                factor=facts.display(key_),
                account=account,
                currency=currency,
                balance=balance,
                explained=explained,
                unexplained=balance - explained,
                items=tuple(own),
                unallocated=tuple(lump for lump, _ in lumps_),
                accounts=holding or (account,),
            )
        )
        if balance != explained:
            # A balance no open item or lump accounts for (a posting written by hand,
            # a deposit booked to the wrong factor): nothing will ever clear it.
            problems.append(
                f"{facts.display(key_)}: {' + '.join(holding or (account,))} holds "
                f"{balance:,.2f} {currency}, of which "
                f"{balance - explained:,.2f} no open item explains"
            )
        late, silenced_ = _past_deadline(own, [lump for lump, _ in lumps_], as_of)
        problems.extend(late)
        silenced.extend(silenced_)
    return ReconcileReport(
        as_of=as_of,
        accounts=tuple(accounts),
        disagreements=_disagreements(facts, as_of, factor),
        problems=tuple(problems),
        silenced=tuple(silenced),
    )


def _past_deadline(
    items: list[OpenItem], lumps: list[UnallocatedLump], as_of: datetime.date
) -> tuple[list[str], list[str]]:
    """What is open past its deadline: the problems, and those whose check the ledger
    disables (listed as the user silenced them, not counted)."""
    problems: list[str] = []
    silenced: list[str] = []
    for item in items:
        if item.overdue:
            assert item.deadline is not None
            line = (
                f"{item.factor}: {item.kind} {item.reference} ({item.source}), open since "
                f"{item.since}, past {item.deadline} by {(as_of - item.deadline).days} days"
            )
            _said(line, item.silenced, problems, silenced)
    for lump in lumps:
        if lump.past_grace:
            line = (
                f"{lump.factor}: unallocated {lump.amount:,.2f} {lump.currency} on "
                f"{lump.date} ({lump.source}), open {lump.days_open} days "
                f"(grace-days: {lump.grace_days})"
            )
            _said(line, lump.silenced, problems, silenced)
    return problems, silenced


def _silence_lump(lump: UnallocatedLump, disabled: frozenset[str]) -> UnallocatedLump:
    """A lump with FCT103 where the ledger disables it, and every other error it has
    (a deposit bean-check reports otherwise is still counted)."""
    if LUMP_CODE in disabled and all(code in disabled for code in lump.codes):
        return replace(lump, silenced=LUMP_CODE)
    return lump


def _said(line: str, code: str | None, problems: list[str], silenced: list[str]) -> None:
    if code is None:
        problems.append(line)
    else:
        silenced.append(f"{line} ({code} disabled)")


def _silence(items: list[OpenItem], disabled: frozenset[str]) -> list[OpenItem]:
    """The items with the code that judges their deadline, where the ledger disables it:
    bean-check says nothing of them, so the report lists them but does not count them."""
    return [
        replace(item, silenced=CLOCK_OF_KIND[item.kind])
        if CLOCK_OF_KIND.get(item.kind) in disabled
        else item
        for item in items
    ]
