"""What the ledger already says of an invoice's payments, for a factor's next report.

A factor's collections report lists each payment the factor received. The first
payment of an invoice is a plain `collected` event; a later one, in a later report,
is not: the plugin rejects a second `collected` on an invoice already closed
(docs/ledger.md, 6.15). So the importer reads the `collected` events the ledger
already holds (the entries beangulp passes to `extract`) and writes what each new
payment is:

    2025-05-05 * "CROSSROADS" "Paid Lakeshore Funding 1,450.00 of 1,500.00" ^RF-3002
      factoring: "collected"
      paid: 1450.00 USD                      ; in the ledger: closed short by 50.00

    2025-05-20 * "CROSSROADS" "Paid Lakeshore Funding 50.00 after a short pay" ^RF-3002
      factoring: "collected"
      paid: 50.00 USD
      reason: "additional-payment"           ; what the importer writes for the rest

- the invoice was closed short (its payments add up to less than its face): the new
  payment is `reason: "additional-payment"`;
- it was paid in parts (`partial: TRUE`) and is still open: the new payment carries
  `paid:`, the amount of that payment alone, and is a part again only if the report
  says an amount is still open;
- it was paid in full or more: the payment is written as the report gives it, and the
  plugin's `FCT133` says what to do (a payment reported twice, or a second payment of
  the customer, owed back to it).

A customer that paid the carrier (a `misdirected-payment` event) is paid to the factor
by the carrier: a forward (a bank debit to the factor's due-to-factor account that names
the invoice) or a deposit that nets it. The factor's report lists that cash as applied
to the invoice, but it is no payment of the customer to the factor (`paid:` counts those
alone, docs/ledger.md 6.14): a row of the amount of such a forward, dated within a few
days of it, is the factor's record of it (`forward_of`), each forward claimed by one row.

The index is built in one pass over the ledger, per invoice number; a payment is
compared only with the events dated on or before it, and never with the event that
has its own `import-id` (the same report extracted again gives the same entry, which
the deduplication then drops).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers.base import ID_KEY
from beancount_factoring.importers.inert import inert

ZERO = Decimal(0)
RECOVERY = "additional-payment"
MISDIRECTED = "misdirected-payment"
OVERPAY = "overpay"
BUYOUT = "buyout"
# The key of the note a collections row that records a forward becomes: its amount.
FORWARDED_KEY = "forwarded"
# A factor dates the cash it received; the carrier's bank books the wire: the two may be
# a few days apart either way (a wire sent on Friday, applied on Monday).
FORWARD_DAYS = datetime.timedelta(days=4)


@dataclass(frozen=True)
class Payment:
    """One `collected` event of the ledger, as far as the next payment needs it."""

    date: datetime.date
    ident: str
    paid: Decimal | None  # None: the face (or, after parts, the rest)
    partial: bool
    recovery: bool
    entry: data.Transaction = field(compare=False)  # (its narration names its reference)


@dataclass(frozen=True)
class Before:
    """An invoice's payments in the ledger before a new one."""

    paid: Decimal  # the sum of the payments so far
    closed: bool  # a payment without partial: closed the invoice
    face: Decimal | None

    @property
    def short(self) -> Decimal:
        """What a short pay left unpaid (zero when paid in full, or not closed)."""
        if not self.closed or self.face is None:
            return ZERO
        return max(self.face - self.paid, ZERO)


@dataclass
class Forward:
    """Cash the carrier passed on to the factor for an invoice the customer paid it."""

    date: datetime.date
    amount: Decimal
    currency: str
    claimed_by: str | None = None  # the import-id of the row (note) that records it


class PaymentHistory:
    """The `collected` events of a ledger and the invoices' faces, by invoice number;
    the payments that reached the carrier, and what it passed on of them."""

    def __init__(self, existing: Sequence[Any], dues: frozenset[str] = frozenset()) -> None:
        self.payments: dict[str, list[Payment]] = {}
        self.faces: dict[str, Decimal] = {}
        # Each invoice's currency, and the line of the invoice in the ledger.
        self.currencies: dict[str, tuple[str, str]] = {}
        # Per invoice: what its customer paid the carrier (date, amount), and what the
        # carrier passed on of it to the factor. `dues`: the due-to-factor accounts.
        self.to_us: dict[str, list[tuple[datetime.date, Decimal]]] = {}
        self.forwards: dict[str, list[Forward]] = {}
        notes: list[tuple[str, Decimal, str]] = []
        for entry in existing:
            if isinstance(entry, data.Note):
                _read_note(entry, notes)
                continue
            if not isinstance(entry, data.Transaction):
                continue
            meta = entry.meta
            if meta.get("factoring") != BUYOUT and (meta.get("factoring") == MISDIRECTED or dues):
                # (A buyout moves what you owe between the factors' due-to-factor
                # accounts: no payment to you, nothing passed on.)
                self._read_cash(entry, dues)
            if meta.get("factoring") == "collected":
                payment = _payment(entry)
                for link in entry.links:
                    self.payments.setdefault(link, []).append(payment)
            elif "invoice" in meta:
                face, currency = _face(entry)
                if face is not None:
                    number = str(meta["invoice"])
                    self.faces.setdefault(number, face)
                    where = f"{meta.get('filename')}:{meta.get('lineno')}"
                    self.currencies.setdefault(number, (currency, where))
        for payments in self.payments.values():
            payments.sort(key=lambda payment: payment.date)
        for number, amount, ident in notes:  # rows of earlier reports claimed these
            for forward in self.forwards.get(number, ()):
                if forward.claimed_by is None and forward.amount == amount:
                    forward.claimed_by = ident
                    break

    def _read_cash(self, entry: data.Transaction, dues: frozenset[str]) -> None:
        """A misdirected payment's share of each invoice (the plugin's postings), and a
        forward or a deposit's netting of one: a positive posting to a due-to-factor
        account, naming its invoice, or in an entry that links that one invoice."""
        links = [link for link in entry.links if not link.startswith("sched-")]
        for posting in entry.postings:
            number = getattr(posting.units, "number", None)
            if not isinstance(number, Decimal) or not number:
                continue
            meta = posting.meta or {}
            invoice = meta.get("invoice")
            tagged = meta.get("factoring-part") == MISDIRECTED
            if meta.get("factoring-part") == OVERPAY:
                # (A collection that gives up what the customer paid us when it paid the
                # factor the face too: owed to the customer now, nothing forwarded.)
                continue
            if invoice is None and len(links) == 1 and posting.account in dues:
                invoice = links[0]
            if invoice is None or not (tagged or posting.account in dues):
                continue
            if number < 0 and tagged:
                self.to_us.setdefault(str(invoice), []).append((entry.date, -number))
            elif number > 0:
                currency = str(getattr(posting.units, "currency", ""))
                forward = Forward(entry.date, number, currency)
                self.forwards.setdefault(str(invoice), []).append(forward)

    def forward_of(
        self, number: str, day: datetime.date, amount: Amount, ident: str
    ) -> Forward | None:
        """The forward a report's row of `amount` on `day` records, if one of the
        invoice's forwards has that amount, is within a few days of it and is not
        claimed by another row (claimed by this one now); else None."""
        for forward in self.forwards.get(number, ()):
            near = abs(forward.date - day) <= FORWARD_DAYS
            free = forward.claimed_by in (None, ident)
            same = forward.amount == amount.number and forward.currency == amount.currency
            if near and free and same:
                forward.claimed_by = ident
                return forward
        return None

    def paid_to_us(self, number: str, day: datetime.date) -> Decimal:
        """What the invoice's customer paid the carrier on or before `day`."""
        return sum((paid for date, paid in self.to_us.get(number, ()) if date <= day), ZERO)

    def before(
        self, number: str, day: datetime.date, ident: str, face: Decimal | None
    ) -> Before | None:
        """The invoice's payments dated on or before `day`, not counting the event `ident`;
        None if there is none. `face` is the report's, when the ledger has no invoice."""
        payments = self.payments.get(number)
        if not payments:
            return None
        face = self.faces.get(number, face)
        paid, closed, any_before = ZERO, False, False
        for payment in payments:
            if payment.date > day:
                break
            if payment.ident == ident:
                continue
            any_before = True
            if payment.paid is not None:
                paid += payment.paid
            elif face is not None:
                paid = max(paid, face)  # without paid:, the face (or the rest) is paid
            if not payment.partial and not payment.recovery:
                closed = True
        return Before(paid, closed, face) if any_before else None

    def reissued(
        self, number: str, day: datetime.date, ident: str, references: str
    ) -> data.Transaction | None:
        """The ledger's event of the same payment (the invoice, its day and its reference,
        which ends the narration the importer writes) under another id: the payment the
        factor re-issued with another amount (the id holds the amount); None if none."""
        if not references:
            return None
        tail = f", {inert(references)}"
        payments = self.payments.get(number, ())
        if any(payment.ident == ident for payment in payments):
            return None  # this row is booked already, by its own id
        for payment in payments:
            if payment.date == day and (payment.entry.narration or "").endswith(tail):
                return payment.entry
        return None


def _read_note(entry: data.Note, notes: list[tuple[str, Decimal, str]]) -> None:
    """The note a report's row of a forward became (`FORWARDED_KEY`): it claims it."""
    amount = (entry.meta or {}).get(FORWARDED_KEY)
    number = getattr(amount, "number", None)
    if isinstance(number, Decimal):
        ident = str(entry.meta.get(ID_KEY, ""))
        notes.extend((link, number, ident) for link in entry.links or ())


def _payment(entry: data.Transaction) -> Payment:
    meta = entry.meta
    paid = meta.get("paid")
    number = getattr(paid, "number", None)
    return Payment(
        entry.date,
        str(meta.get(ID_KEY, "")),
        number if isinstance(number, Decimal) else None,
        meta.get("partial") is True,
        meta.get("reason") == RECOVERY,
        entry,
    )


def _face(entry: data.Transaction) -> tuple[Decimal | None, str]:
    """The invoice's face, as the plugin reads it: the sum of its postings to its
    receivable account, the account of its first positive asset posting; and the
    currency of that posting."""
    account = None
    currency = ""
    face = Decimal(0)
    for posting in entry.postings:
        number = getattr(posting.units, "number", None)
        if not isinstance(number, Decimal):
            continue
        if account is None and number > 0 and posting.account.startswith("Assets:"):
            account = posting.account
            currency = str(getattr(posting.units, "currency", ""))
        if posting.account == account:
            face += number
    return (face if account is not None else None), currency
