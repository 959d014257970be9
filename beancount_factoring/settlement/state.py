"""Where each invoice stands with its factor, and the outcome of settling a ledger.


An invoice moves through ``scheduled`` (sold to the factor, face in the
clearing account), ``funded`` (advance paid, reserve held), ``collected`` (the
debtor paid the factor; a time-based fee becomes known), then ``released``
(reserve back, less late fees) or ``charged back`` (sold back to us, the
advance recovered from the next lump sum). Each event is checked against that
state, and its postings come from ``terms/postings.py``; the customer's payments (in
full, short, in parts, a short pay paid later) are booked by ``handlers/collect.py``.
Under the loan model the states are the same; only the postings differ (the
invoice stays on its receivable, the advance is a liability that the
collection or the chargeback repays), each invoice following the model of the
terms it was bought under.

A lump sum names what it settles by links (``^INV-1001``, ``^sched-10452``) or
``schedule:`` metadata. Every named item is worked out first; only if all of
them fit is the lump sum split and the state moved on, so one bad link never
leaves half a deposit booked.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from beancount.core import data

from beancount_factoring.errors import FactoringError
from beancount_factoring.ledger.book import Event, Invoice
from beancount_factoring.settlement.accruals import FeePeriod
from beancount_factoring.settlement.owed import Charge, Deduction, FuelAdvance
from beancount_factoring.terms import postings as P
from beancount_factoring.terms.agreement import Agreement

ZERO = Decimal(0)
# What an invoice that owes its factor nothing owes: one read-only mapping shared by
# all of them (a dict each is megabytes at 100k invoices); ``set_owed`` gives an
# invoice its own dict on its first debt, and writing to the shared one fails loudly.
NOTHING_OWED: Mapping[str, Decimal] = MappingProxyType({})
# Why a customer paid short or not at all, and why the factor charged an invoice
# back or wrote it off: the reasons of a factor's reserve ledger.
REASONS = (
    "shortpay",
    "overpay",
    "nonpayment",
    "chargeback",
    "broker-claim",
    "overadvance",
    "non-factored-payment",
    "direct-payment-by-client",
    "client-credit",
    "client-debit",
    "write-off",
    "fee",
    "additional-payment",
)
# The reasons that are the customer's failure to pay (it is insolvent, out of
# business): the risk a non-recourse factor bears, writing the invoice off, and a factor
# with recourse charges back only once its recourse days have run. Every other reason
# (a dispute, a short pay, a deduction) is charged back at any time (docs/ledger.md 6.16).
LOSS_REASONS = ("write-off", "nonpayment")


@dataclass(slots=True)
class InvoiceState:
    """Where one invoice stands with its factor."""

    invoice: Invoice
    face: Decimal
    currency: str
    factor: str | None = None
    agreement: Agreement | None = None
    schedule: str | None = None
    scheduled_on: datetime.date | None = None
    scheduled_by: data.Transaction | None = None
    in_clearing: bool = False
    funded_on: datetime.date | None = None
    funded_by: data.Transaction | None = None
    purchase: P.Purchase | None = None
    held: Decimal = ZERO
    # The day the invoice was closed by the customer's last payment, and all it has
    # paid the factor: its parts, the last payment, and a short pay paid later.
    collected_on: datetime.date | None = None
    paid: Decimal | None = None
    late_fee: Decimal = ZERO
    released_on: datetime.date | None = None
    charged_back_on: datetime.date | None = None
    # What it owes its factor, by part (``P.OWED_WORDS``); changed by ``set_owed`` and
    # ``drop_owed`` only.
    owed: Mapping[str, Decimal] = field(default_factory=lambda: NOTHING_OWED)
    base_fee: Decimal = ZERO
    factor_split: P.Purchase | None = None
    planned: P.Purchase | None = None
    direct_paid: Decimal = ZERO
    # A fuel advance on the invoice's load, recouped from its funding: what is open of
    # them all, and each (oldest first, with what was repaid of it apart from the
    # funding), for the day the oldest still open is late (checks/fuel_overdue.py).
    fuel: Decimal = ZERO
    fuel_account: str = ""
    fuel_advances: list[FuelAdvance] | None = None
    # The day the factor wrote it off (a non-recourse credit loss), and the factor
    # that sold it on in a buyout.
    lost_on: datetime.date | None = None
    bought_from: str | None = None
    # What the customer paid us for the factor's invoice (a misdirected payment), up to
    # what was left unpaid, and the first day it did: while the invoice is open the cash
    # is owed to the factor (``owed``) until forwarded; after a short pay it recovers it.
    received: Decimal = ZERO
    received_on: datetime.date | None = None
    # The day the invoice's payments (to the factor and to us) added up to its face, or
    # the day the factor closed it short: its time-based fee stops that day. Set where
    # the invoice is paid in full or closed (collect.py, misdirected.py); read by the
    # fee at collection, the month-end accruals, the reserve and the cost reports.
    paid_in_full_on: datetime.date | None = None
    # The day its factor's fee went to the fees account (release, chargeback, credit
    # loss, buyout): the end of its fee period, for the month-end accruals.
    fee_booked_on: datetime.date | None = None
    # A short pay's reason, and the day a later payment recovered (part of) it and
    # the factor held it in the reserve again (collect.py).
    short_reason: str | None = None
    recovered_on: datetime.date | None = None
    # The references the narrations of its parts paid before list (`..., W-1`), with
    # each part's day and amount: a payment that lists them again counts them twice.
    listed: dict[str, tuple[datetime.date, Decimal]] | None = None
    # The base and late fees the last release took from the reserve (lumps.py): the
    # reports read them when the release came the day of the collection, whose fees
    # the day's snapshot no longer shows.
    released_base: Decimal = ZERO
    released_late: Decimal = ZERO
    # What the factor took from its reserve for another invoice's chargeback or short
    # pay (handlers/reserve_taken.py): held no more, released no more, kept; and which
    # of the two the last taking was for (the part owed: "chargeback", "short-pay").
    reserve_taken: Decimal = ZERO
    reserve_taken_for: str | None = None

    def set_owed(self, part: str, amount: Decimal) -> None:
        """Record that the invoice owes its factor ``amount`` for ``part``."""
        owed = self.owed
        if type(owed) is not dict:
            owed = self.owed = dict(owed)
        owed[part] = amount

    def drop_owed(self, part: str) -> None:
        """Record that the invoice no longer owes its factor anything for ``part``."""
        owed = self.owed
        if type(owed) is not dict:
            raise KeyError(part)
        del owed[part]

    def split(self, agreement: Agreement) -> P.Purchase:
        """The split at purchase: the factor's own figures if given, else the agreement's."""
        if self.factor_split is not None:
            return self.factor_split
        if self.planned is None:
            self.planned = P.purchase_split(self.agreement or agreement, self.face, self.currency)
        return self.planned

    @property
    def fuel_since(self) -> datetime.date | None:
        """The day of the oldest fuel advance on the invoice still open; None if none."""
        oldest = self.oldest_fuel()
        return oldest.date if oldest is not None else None

    def oldest_fuel(self) -> FuelAdvance | None:
        """The oldest fuel advance on the invoice still (partly) open, not yet recouped."""
        if not self.fuel or self.fuel_advances is None:
            return None
        return next((a for a in self.fuel_advances if a.amount > a.repaid), None)

    @property
    def closed_on(self) -> datetime.date | None:
        """The day the invoice left the factor's hands: collected or written off."""
        return self.collected_on or self.lost_on

    @property
    def payments(self) -> Decimal:
        """All the customer paid for the invoice: to the factor, and to us."""
        return (self.paid or ZERO) + self.received

    @property
    def unpaid(self) -> Decimal:
        """What is left of the face after the payments so far (to the factor and to us)."""
        return self.face - self.payments

    @property
    def fee_stopped_on(self) -> datetime.date | None:
        """The day the time-based fee stopped growing: paid in full (or closed short), or
        written off; None while it still runs."""
        return self.paid_in_full_on or self.lost_on

    @property
    def release_from(self) -> datetime.date | None:
        """The day the reserve became due: closed, or a short pay recovered since."""
        return self.recovered_on or self.closed_on

    @property
    def reserve_due(self) -> bool:
        """True while a release of this invoice has something to settle."""
        return bool(self.held or self.base_fee or self.late_fee)

    def describe(self) -> str:
        """The state in words, for error messages."""
        if self.lost_on:
            return f"written off as a credit loss on {self.lost_on}"
        if self.charged_back_on:
            return f"charged back on {self.charged_back_on}"
        if self.released_on:
            return f"reserve released on {self.released_on}"
        if self.collected_on:
            return f"collected on {self.collected_on}"
        if self.funded_on and self.paid:
            return (
                f"funded on {self.funded_on}, paid in part ({self.paid:,.2f} of "
                f"{self.face:,.2f} {self.currency})"
            )
        if self.funded_on:
            return f"funded on {self.funded_on}, not yet collected"
        if self.scheduled_on:
            return f"scheduled on {self.scheduled_on}, not yet funded"
        return "not factored"


@dataclass
class Settlement:
    """The outcome of applying every event: new transactions, state, errors."""

    states: dict[str, InvoiceState] = field(default_factory=dict)
    schedules: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    replaced: dict[int, data.Transaction] = field(default_factory=dict)
    errors: list[FactoringError] = field(default_factory=list)
    accounts_used: dict[str, tuple[datetime.date, Agreement]] = field(default_factory=dict)
    unallocated: list[Event] = field(default_factory=list)
    deductions: list[Deduction] = field(default_factory=list)
    # What each factor charged apart from any invoice (a monthly minimum, a buyout
    # fee), by key, netted or not; and the fuel advances no invoice recoups.
    charges: dict[str, dict[str, Charge]] = field(default_factory=dict)
    fuel_open: dict[str, dict[str, FuelAdvance]] = field(default_factory=dict)
    # Per factor, currency and month ("2025-03"): face funded, discount fees booked.
    volume: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    month_fees: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    # Each invoice's time with each factor, for the month-end fee accruals.
    fee_periods: list[FeePeriod] = field(default_factory=list)
    # Per entry (its index) whose postings the user wrote and the plugin found right
    # (``Settler.compare``), the legs it expected: the parts and invoices of postings
    # written without them (a fee posting summing several fees), for the reports.
    checked_legs: dict[int, tuple[P.Leg, ...]] = field(default_factory=dict)
    # What deposits that differ from the agreement left on a clearing account, per
    # account and currency: entries written by hand may clear it (checks/hand_entries.py).
    differences: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    # How each payment of several invoices was shared (``shares.py``), by the entry's
    # index, the invoices' receivable account and currency: what each was paid (below
    # zero, taken back), for the aging to read each receivable posting as the plugin did.
    payment_shares: dict[tuple[int, str, str], list[tuple[str, Decimal]]] = field(
        default_factory=dict
    )
    # Each take-back that reversed a deposit still unallocated (a deposit entered twice,
    # reversed by hand: ``lumps._reverses``), by its index: the deposit's index. From the
    # take-back's day on, neither waits, and the reports list neither as unallocated.
    reversals: dict[int, int] = field(default_factory=dict)

    # The entries that take more from a reserve account than the invoices hold, already
    # reported (handlers/reserve_taken.py): the account below zero is not said again.
    overdrawn: set[int] = field(default_factory=set)
    # The events not applied because they wait for an entry refused with an error of
    # its own (its schedule, its funding, its invoice), by index, with where that entry
    # is ("file:line"): they add no error, as theirs would follow from that one
    # (``Settler.waits``); the checks that read the refused events read these too.
    waiting: dict[int, str] = field(default_factory=dict)
    # The events not applied, by index: those waiting, and those refused with an error of
    # their own (FCT101, FCT111, FCT13x). What they post by hand to a reserve is not
    # checked against it (FCT141): it follows from their error.
    refused: set[int] = field(default_factory=set)

    def left_open(self, account: str, amount: Decimal, currency: str) -> None:
        """Note a difference left on ``account`` (a credit is negative)."""
        key = (account, currency)
        self.differences[key] = self.differences.get(key, ZERO) + amount
