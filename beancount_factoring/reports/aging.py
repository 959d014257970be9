"""The aging report: open receivables per customer and bucket, as of a date.

Two tables. The receivables we hold (never factored, or charged back) come
from the postings to the receivable accounts up to the date, each posting
attributed to its invoice (``facts._attribute``), so their total is the
receivable accounts' balance. The invoices the factor holds (scheduled or
funded, and neither collected nor charged back by the date) come from the
invoices' snapshots, at what the customer still owes the factor (the face, less
any parts it paid the factor), with the days left on the recourse clock.
An invoice whose customer paid us instead of the factor stays in the factor's
table until the factor reports it collected, in state ``paid to us, owed to
factor`` (or ``paid to us, forwarded`` once the cash went on to the factor).

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
plus the pledged ones still tie to the receivable accounts' balance.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

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
    )


# Per currency: a balance, a face funded or scheduled, a pledged amount.
ByCurrency = dict[str, Decimal]
# What a receivable account holds that names no invoice: its total, latest date and entry.
Loose = dict[tuple[str, str], tuple[Decimal, datetime.date, int]]
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
    lines += _unattributed_lines(facts, loose, as_of)
    factored_lines, outstanding, scheduled = _factored_lines(facts, as_of, factor, basis)
    lines += factored_lines
    lines.sort(key=lambda x: (x.factor or "", x.customer, x.reference_date, x.invoice))
    unfactored = _rows(x for x in lines if x.factor is None)
    factored = _rows(x for x in lines if x.factor is not None)
    currencies = sorted(set(balances) | set(outstanding) | set(scheduled))
    totals = tuple(
        AgingTotals(
            currency=currency,
            unfactored=_sum_buckets(unfactored, currency),
            factored=_sum_buckets(factored, currency),
            receivable_balance=balances.get(currency, ZERO),
            factor_outstanding=outstanding.get(currency, ZERO),
            scheduled=scheduled.get(currency, ZERO),
            pledged=pledged.get(currency, ZERO),
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
            key = (line.account, line.currency)
            total = loose.get(key, (ZERO, line.date, line.index))[0]
            loose[key] = (total + amount, line.date, line.index)
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
            # Pledged is what the factor holds (its table's figure); what the receivable
            # holds beyond it (a debit memo billed on the invoice) is ours.
            held = (invoice.face.number or ZERO) - (snap.paid or ZERO)
            share = min(amount, max(held, ZERO))
            pledged[currency] = pledged.get(currency, ZERO) + share
            amount -= share
            if not amount:
                continue
            lines.append(_line(facts, number, None, OPEN, amount, as_of, basis, account=account))
            continue
        state = CHARGED_BACK if snap is not None and snap.charged_back_on else OPEN
        lines.append(_line(facts, number, None, state, amount, as_of, basis, account=account))
    return lines, pledged


def _unattributed_lines(facts: Facts, loose: Loose, as_of: datetime.date) -> list[AgingInvoice]:
    """The rest of each receivable account that names no invoice, aged from its last posting."""
    lines = []
    for (account, currency), (amount, date, index) in sorted(loose.items()):
        if not amount:
            continue
        days = (as_of - date).days
        lines.append(
            AgingInvoice(
                invoice="",
                customer=account.rsplit(":", 1)[-1],
                factor=None,
                currency=currency,
                account=account,
                state=UNATTRIBUTED,
                amount=amount,
                invoice_date=date,
                due=None,
                reference_date=date,
                days=days,
                bucket=bucket_of(days),
                funded_on=None,
                recourse_days_left=None,
                source=_source(facts, index),
            )
        )
    return lines


def _factored_lines(
    facts: Facts, as_of: datetime.date, factor: str | None, basis: str
) -> tuple[list[AgingInvoice], ByCurrency, ByCurrency]:
    """The lines of the invoices a factor holds, and what is owed on those funded and
    scheduled: their face, less the parts paid to the factor."""
    lines: list[AgingInvoice] = []
    outstanding: ByCurrency = {}
    scheduled: ByCurrency = {}
    for number in facts.timeline:
        invoice = facts.book.invoices[number]
        snap = facts.snap(number, as_of)
        if snap is None or snap.collected_on or snap.charged_back_on or snap.lost_on:
            continue
        if not (snap.scheduled_on or snap.funded_on) or snap.factor is None:
            continue
        if factor and snap.factor != factor:
            continue
        currency = invoice.face.currency
        # What the customer still owes the factor: the face, less what it paid the
        # factor in parts (``partial: TRUE``) so far.
        face = (invoice.face.number or ZERO) - (snap.paid or ZERO)
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
            _line(facts, number, snap.factor, state, face, as_of, basis, snap.funded_on, left)
        )
    return lines, outstanding, scheduled


def _pledged(snap: Snap) -> bool:
    """True for an invoice a factor holds under the loan model: on our books, not ours."""
    terms = snap.agreement
    return (
        terms is not None
        and terms.loan
        and snap.factor is not None
        and bool(snap.scheduled_on or snap.funded_on)
        and not (snap.collected_on or snap.charged_back_on or snap.lost_on)
    )


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
