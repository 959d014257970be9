"""The aging report: open receivables per customer and bucket, as of a date.

Two tables. The receivables we hold (never factored, or charged back) come
from the postings to the receivable accounts up to the date, each posting
attributed to its invoice (``facts._attribute``), so their total is the
receivable accounts' balance. The invoices the factor holds (scheduled or
funded, and neither collected nor charged back by the date) come from the
invoices' snapshots, at what the customer still owes (the face, less any parts
it paid the factor or us), with the days left on the recourse clock.
An invoice whose customer paid us instead of the factor stays in the factor's
table until the factor reports it collected, in state ``paid to us, owed to
factor`` (or ``paid to us, forwarded`` once the cash went on to the factor), at what
is left unpaid: what it paid us is our debt to the factor, counted apart
(``paid_to_us``), no longer the customer's.

Each amount is aged by its days past a reference date. On the due basis (the
standard receivables aging, what the CLI and the pages show by default) the
reference is the invoice's ``due:`` date, else its date + 30 days (net 30):
``current`` is what is not yet due, then 1-30, 31-60, 61-90 and 90+ days past
due. On the invoice basis it is the invoice date::

    2025-05-01 * "CHR" "Load 5" ^INV-5
      due: 2025-05-31
      Assets:Receivable:CHR  800.00 USD
      Income:Freight

    as of 2025-06-30: due basis 30 days past due (1-30); invoice basis 60 days (31-60).

Under the loan model the invoices the factor holds are still on our
receivable accounts: they are shown in the factor's table only, and their
receivable amount is counted as ``pledged`` up to what the factor holds (the rest, a
debit memo billed on the invoice, is ours), so that the receivables we hold
plus the pledged ones still tie to the receivable accounts' balance. One on a schedule
whose customer paid us (in part) before the factor funded it is ours again (its funding
would be FCT131): it is in our table, at what its receivable still holds.

A receivable posting that names no invoice (an opening balance, an entry typed by
hand) is aged from its own date, as an invoice of that date without ``due:``; a credit
that names no invoice pays the oldest of them first. The report and the page name each
such amount's place (``unattributed_note``), so that it can be given its invoice.
"""

from __future__ import annotations

import collections
import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from beancount_factoring.reports.facts import Facts, Snap, source_of
from beancount_factoring.reports.model import (
    BASIS_DUE,
    BASIS_INVOICE,
    BUCKETS,
    CHARGED_BACK,
    FORWARDED,
    FUNDED,
    OPEN,
    PAID_TO_US,
    SCHEDULED,
    UNATTRIBUTED,
    AgingInvoice,
    AgingReport,
    AgingRow,
    AgingTotals,
    Source,
)

ZERO = Decimal(0)
BASES = (BASIS_INVOICE, BASIS_DUE)
DEFAULT_TERMS = datetime.timedelta(days=30)
"""The payment terms of an invoice without ``due:`` on the due basis: net 30 (the usual
terms of a freight invoice). ``due: 2025-03-15`` on the invoice replaces them."""


def bucket_of(days: int) -> str:
    """The bucket of an amount ``days`` past its reference date."""
    if days <= 0:
        return BUCKETS[0]
    if days <= 30:
        return BUCKETS[1]
    if days <= 60:
        return BUCKETS[2]
    if days <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


def _line(
    facts: Facts,
    number: str,
    factor: str | None,
    state: str,
    amount: Decimal,
    as_of: datetime.date,
    basis: str,
    funded_on: datetime.date | None = None,
    recourse_left: int | None = None,
    account: str | None = None,
    paid_to_us: Decimal = ZERO,
) -> AgingInvoice:
    invoice = facts.book.invoices[number]
    reference = invoice.entry.date
    if basis == BASIS_DUE:
        reference = invoice.due if invoice.due is not None else reference + DEFAULT_TERMS
    days = (as_of - reference).days
    return AgingInvoice(
        invoice=number,
        customer=invoice.customer,
        factor=facts.display(factor) if factor else None,
        currency=invoice.face.currency,
        account=account or invoice.account,
        state=state,
        amount=amount,
        invoice_date=invoice.entry.date,
        due=invoice.due,
        reference_date=reference,
        days=days,
        bucket=bucket_of(days),
        funded_on=funded_on,
        recourse_days_left=recourse_left,
        source=facts.invoice_source(number),
        paid_to_us=paid_to_us,
    )


# Per currency: a balance, a face funded or scheduled, a pledged amount.
ByCurrency = dict[str, Decimal]
# The postings of a receivable account (in a currency) that name no invoice: date, entry,
# amount.
Loose = dict[tuple[str, str], list[tuple[datetime.date, int, Decimal]]]
UNATTRIBUTED_SHOWN = 10
"""How many amounts of no invoice the report's notice names, with their places."""
# Per invoice, what each receivable account holds of it.
Held = dict[str, dict[str, Decimal]]


def aging_report(
    facts: Facts, as_of: datetime.date, factor: str | None, basis: str = BASIS_INVOICE
) -> AgingReport:
    """The aging report; ``factor`` (a key) narrows the factored table only."""
    if basis not in BASES:
        raise ValueError(f"basis must be one of {', '.join(BASES)}, not {basis!r}")
    ours, loose, balances, held = _receivables(facts, as_of)
    lines, pledged = _our_lines(facts, ours, as_of, basis, held)
    lines += _unattributed_lines(facts, loose, as_of, basis)
    factored_lines, outstanding, scheduled, paid_to_us = _factored_lines(
        facts, as_of, factor, basis
    )
    lines += factored_lines
    lines.sort(key=lambda x: (x.factor or "", x.customer, x.reference_date, x.invoice))
    unfactored = _rows(x for x in lines if x.factor is None)
    factored = _rows(x for x in lines if x.factor is not None)
    currencies = sorted(set(balances) | set(outstanding) | set(scheduled) | set(paid_to_us))
    totals = tuple(
        AgingTotals(
            currency=currency,
            unfactored=_sum_buckets(unfactored, currency),
            factored=_sum_buckets(factored, currency),
            receivable_balance=balances.get(currency, ZERO),
            factor_outstanding=outstanding.get(currency, ZERO),
            scheduled=scheduled.get(currency, ZERO),
            pledged=pledged.get(currency, ZERO),
            paid_to_us=paid_to_us.get(currency, ZERO),
        )
        for currency in currencies
    )
    return AgingReport(
        as_of=as_of,
        basis=basis,
        buckets=BUCKETS,
        unfactored=unfactored,
        factored=factored,
        invoices=tuple(lines),
        totals=totals,
    )


def _receivables(
    facts: Facts, as_of: datetime.date
) -> tuple[dict[str, Decimal], Loose, ByCurrency, Held]:
    """The receivables to the date: per invoice, per account naming no invoice, per currency,
    and per invoice the accounts that hold it."""
    ours: dict[str, Decimal] = {}
    loose: Loose = {}
    balances: ByCurrency = {}
    held: Held = {}
    for line, number, amount in facts.receivable:
        if line.date > as_of:
            continue
        balances[line.currency] = balances.get(line.currency, ZERO) + amount
        if number is not None:
            ours[number] = ours.get(number, ZERO) + amount
            accounts = held.setdefault(number, {})
            accounts[line.account] = accounts.get(line.account, ZERO) + amount
        else:
            loose.setdefault((line.account, line.currency), []).append(
                (line.date, line.index, amount)
            )
    return ours, loose, balances, held


def _holder(held: dict[str, Decimal]) -> str | None:
    """The account that holds an invoice (a chargeback moves it to the recourse
    receivable): the one that holds the most of it; None if none holds any."""
    found = max(held.items(), key=lambda item: abs(item[1]), default=None)
    return found[0] if found is not None and found[1] else None


def _our_lines(
    facts: Facts, ours: dict[str, Decimal], as_of: datetime.date, basis: str, holders: Held
) -> tuple[list[AgingInvoice], ByCurrency]:
    """The lines of the invoices we hold, each on the account that holds it, and the
    receivables pledged under the loan model."""
    lines: list[AgingInvoice] = []
    pledged: ByCurrency = {}
    for number, amount in ours.items():
        if not amount:
            continue
        account = _holder(holders.get(number, {}))
        snap = facts.snap(number, as_of)
        if snap is not None and _pledged(snap):
            invoice = facts.book.invoices[number]
            currency = invoice.face.currency
            # Pledged is what the factor holds: its table's figure, and what the customer
            # paid us of it (the receivable keeps that until the factor's report); what
            # the receivable holds beyond it (a debit memo billed on the invoice) is ours.
            held = (invoice.face.number or ZERO) - (snap.paid or ZERO)
            share = min(amount, max(held, ZERO))
            pledged[currency] = pledged.get(currency, ZERO) + share
            amount -= share
            if not amount:
                continue
            lines.append(_line(facts, number, None, OPEN, amount, as_of, basis, account=account))
            continue
        state = CHARGED_BACK if snap is not None and snap.charged_back_on else OPEN
        spread = [(name, part) for name, part in holders.get(number, {}).items() if part]
        if len(spread) < 2:
            lines.append(_line(facts, number, None, state, amount, as_of, basis, account=account))
            continue
        # On two accounts (a chargeback moved its face to the recourse receivable, its
        # debit memo stays on the customer's): a line on each, at what it holds, so that
        # each account's lines add up to its balance.
        lines.extend(
            _line(facts, number, None, state, part, as_of, basis, account=name)
            for name, part in spread
        )
    return lines, pledged


def _unattributed_lines(
    facts: Facts, loose: Loose, as_of: datetime.date, basis: str
) -> list[AgingInvoice]:
    """What stays open of each receivable account's postings that name no invoice: each
    aged from its own date, as an invoice of that date without ``due:``."""
    lines: list[AgingInvoice] = []
    if not loose:
        return lines
    # The customer of an account's invoices, when it has one (`customer:` may name it
    # otherwise than the account's last part): its line is then on that customer's row.
    customers: dict[str, set[str]] = {}
    for invoice in facts.book.invoices.values():
        customers.setdefault(invoice.account, set()).add(invoice.customer)
    for (account, currency), postings in sorted(loose.items()):
        named = customers.get(account, set())
        customer = next(iter(named)) if len(named) == 1 else account.rsplit(":", 1)[-1]
        for date, index, amount in _open_postings(postings):
            reference = date + DEFAULT_TERMS if basis == BASIS_DUE else date
            days = (as_of - reference).days
            lines.append(
                AgingInvoice(
                    invoice="",
                    customer=customer,
                    factor=None,
                    currency=currency,
                    account=account,
                    state=UNATTRIBUTED,
                    amount=amount,
                    invoice_date=date,
                    due=None,
                    reference_date=reference,
                    days=days,
                    bucket=bucket_of(days),
                    funded_on=None,
                    recourse_days_left=None,
                    source=_source(facts, index),
                )
            )
    return lines


def _open_postings(
    postings: list[tuple[datetime.date, int, Decimal]],
) -> list[tuple[datetime.date, int, Decimal]]:
    """What stays open of an account's postings that name no invoice (date, entry, amount).

    A credit pays the oldest debits first, as a payment of several invoices does (an
    opening balance of 3,000.00 and a payment on account of 1,000.00 leave 2,000.00 of
    the opening balance's date, not of the payment's); a credit beyond the debits waits
    for the next debit, and what is left of it at the end is one credit, of its date.
    """
    debits: collections.deque[list[Any]] = collections.deque()
    credit = ZERO
    credit_at: tuple[datetime.date, int] | None = None
    for date, index, amount in sorted(postings, key=lambda posting: posting[:2]):
        if amount > 0:
            taken = min(amount, -credit)
            credit += taken
            if amount - taken:
                debits.append([date, index, amount - taken])
            continue
        left = -amount
        while left and debits:
            taken = min(left, debits[0][2])
            debits[0][2] -= taken
            left -= taken
            if not debits[0][2]:
                debits.popleft()
        if left:
            credit -= left
            credit_at = (date, index)
    found = [(date, index, amount) for date, index, amount in debits]
    if credit and credit_at is not None:
        found.append((*credit_at, credit))
    return found


def unattributed_note(
    lines: Iterable[AgingInvoice],
    place: Callable[[Source], str],
    amount: Callable[[Decimal, str], str],
) -> str | None:
    """What the aging says of the amounts on receivable accounts that name no invoice
    (their account, amount and place), or None when there is none."""
    found = [line for line in lines if line.state == UNATTRIBUTED]
    if not found:
        return None
    named = ", ".join(
        f"{line.account} {amount(line.amount, line.currency)} ({place(line.source)})"
        for line in found[:UNATTRIBUTED_SHOWN]
    )
    if len(found) > UNATTRIBUTED_SHOWN:
        named += f" and {len(found) - UNATTRIBUTED_SHOWN} more"
    return (
        f"{len(found)} amount{'s' if len(found) > 1 else ''} on the receivable accounts "
        f"name{'' if len(found) > 1 else 's'} no invoice (an opening balance, an entry typed "
        f"by hand): {named}. {'Each' if len(found) > 1 else 'It'} is "
        "aged from its own posting's date, as an invoice of that date without due: (net "
        "30 on the due basis), a credit that names no invoice paying the oldest first. To "
        "age one by its invoice, write the invoice's number on its posting "
        '(invoice: "INV-1") or link the invoice.'
    )


def _factored_lines(
    facts: Facts, as_of: datetime.date, factor: str | None, basis: str
) -> tuple[list[AgingInvoice], ByCurrency, ByCurrency, ByCurrency]:
    """The lines of the invoices a factor holds; what is owed on those funded and on
    those scheduled (their face, less the parts paid to the factor and to us); and what
    their customers paid us of them (owed to the factor until it reports it collected)."""
    lines: list[AgingInvoice] = []
    outstanding: ByCurrency = {}
    scheduled: ByCurrency = {}
    paid_to_us: ByCurrency = {}
    for number in facts.timeline:
        invoice = facts.book.invoices[number]
        snap = facts.snap(number, as_of)
        if snap is None or snap.collected_on or snap.charged_back_on or snap.lost_on:
            continue
        if not (snap.scheduled_on or snap.funded_on) or snap.factor is None:
            continue
        if _ours_again(snap):
            continue  # (Shown in our table, at what its receivable holds.)
        if factor and snap.factor != factor:
            continue
        currency = invoice.face.currency
        # What the customer still owes: the face, less what it paid the factor in parts
        # (``partial: TRUE``) and what it paid us (a misdirected payment: that cash is
        # our debt to the factor, on its due-to-factor account, no longer the customer's).
        face = max((invoice.face.number or ZERO) - (snap.paid or ZERO) - snap.received, ZERO)
        if snap.received:
            paid_to_us[currency] = paid_to_us.get(currency, ZERO) + snap.received
        left = None
        if snap.funded_on is not None:
            outstanding[currency] = outstanding.get(currency, ZERO) + face
            terms = snap.agreement
            if terms is not None and terms.recourse_days:
                left = terms.recourse_days - (as_of - snap.funded_on).days
        else:
            scheduled[currency] = scheduled.get(currency, ZERO) + face
        state = FUNDED if snap.funded_on else SCHEDULED
        if snap.received:
            owed = any(part == "misdirected-payment" for part, _ in snap.owed)
            state = PAID_TO_US if owed else FORWARDED
        lines.append(
            _line(
                facts,
                number,
                snap.factor,
                state,
                face,
                as_of,
                basis,
                snap.funded_on,
                left,
                paid_to_us=snap.received,
            )
        )
    return lines, outstanding, scheduled, paid_to_us


def _pledged(snap: Snap) -> bool:
    """True for an invoice a factor holds under the loan model: on our books, not ours."""
    terms = snap.agreement
    return (
        terms is not None
        and terms.loan
        and snap.factor is not None
        and bool(snap.scheduled_on or snap.funded_on)
        and not (snap.collected_on or snap.charged_back_on or snap.lost_on)
        and not _ours_again(snap)
    )


def _ours_again(snap: Snap) -> bool:
    """True for a loan-model invoice on a schedule, not funded, that its customer paid us
    (in part): still ours to collect, no longer the factor's to fund (its funding would be
    FCT131; ``checks.unfunded.awaits_funding``). Its factor holds nothing of it."""
    terms = snap.agreement
    return terms is not None and terms.loan and snap.funded_on is None and snap.direct_paid > 0


def _source(facts: Facts, index: int) -> Source:
    return source_of(getattr(facts.entries[index], "meta", None))


def _rows(lines: Iterable[AgingInvoice]) -> tuple[AgingRow, ...]:
    groups: dict[tuple[str, str, str], list[AgingInvoice]] = {}
    for line in lines:
        groups.setdefault((line.customer, line.factor or "", line.currency), []).append(line)
    rows = []
    for (customer, factor, currency), members in sorted(groups.items()):
        buckets = tuple(
            sum((x.amount for x in members if x.bucket == name), ZERO) for name in BUCKETS
        )
        rows.append(
            AgingRow(
                customer=customer,
                factor=factor or None,
                currency=currency,
                buckets=buckets,
                total=sum(buckets, ZERO),
                invoices=len(members),
            )
        )
    return tuple(rows)


def _sum_buckets(rows: tuple[AgingRow, ...], currency: str) -> tuple[Decimal, ...]:
    return tuple(
        sum((row.buckets[i] for row in rows if row.currency == currency), ZERO)
        for i in range(len(BUCKETS))
    )
