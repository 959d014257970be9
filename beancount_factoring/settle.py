"""Apply factoring events in date order: the life of every factored invoice.

An invoice moves through ``scheduled`` (sold to the factor, face in the
clearing account), ``funded`` (advance paid, reserve held), ``collected`` (the
debtor paid the factor; a time-based fee becomes known), then ``released``
(reserve back, less late fees) or ``charged back`` (sold back to us, the
advance recovered from the next lump sum). Each event is checked against that
state, and its postings come from ``postings.py``; the customer's payments (in
full, short, in parts, a short pay paid later) are booked by ``collect.py``.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from beancount.core import data
from beancount.core.data import Posting

from beancount_factoring import postings as P
from beancount_factoring.accruals import FeePeriod
from beancount_factoring.agreement import Agreement
from beancount_factoring.book import Book, Event, Invoice, schedule_link, units_of
from beancount_factoring.buyout import settle_buyout
from beancount_factoring.charges import settle_fee
from beancount_factoring.collect import settle_collected
from beancount_factoring.config import Config
from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.fuel import settle_fuel_advance
from beancount_factoring.losses import settle_credit_loss
from beancount_factoring.lumps import settle_lump
from beancount_factoring.misdirected import (
    factor_holds,
    report_payment,
    settle_misdirected,
    settle_remittance,
)
from beancount_factoring.owed import Charge, Deduction, FuelAdvance

ZERO = Decimal(0)
# Events about funded invoices: on the day of the funding, they wait for it.
AFTER_FUNDING = ("collected", "chargeback", "credit-loss", "buyout", "misdirected-payment")
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
    owed: dict[str, Decimal] = field(default_factory=dict)
    base_fee: Decimal = ZERO
    factor_split: P.Purchase | None = None
    planned: P.Purchase | None = None
    direct_paid: Decimal = ZERO
    # A fuel advance on the invoice's load, recouped from its funding.
    fuel: Decimal = ZERO
    fuel_account: str = ""
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

    def split(self, agreement: Agreement) -> P.Purchase:
        """The split at purchase: the factor's own figures if given, else the agreement's."""
        if self.factor_split is not None:
            return self.factor_split
        if self.planned is None:
            self.planned = P.purchase_split(self.agreement or agreement, self.face, self.currency)
        return self.planned

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


class Settler:
    """Walks the events of a Book and writes the postings they imply."""

    def __init__(self, book: Book, config: Config) -> None:
        self.book = book
        self.config = config
        self.tolerance = config.tolerance
        self.result = Settlement()
        self.states = self.result.states
        # Per factor, what may still be open: checked again when a deposit asks.
        self.open_schedules: dict[str, dict[str, None]] = {}
        self.open_releases: dict[str, dict[str, None]] = {}
        self.open_owed: dict[str, dict[str, None]] = {}
        self.open_charges: dict[str, dict[str, Charge]] = {}
        # The charges deducted from an invoice's funding, by invoice (charges.py).
        self.invoice_charges: dict[str, list[Charge]] = {}
        # The cash a schedule's unfunded invoices bring, by how many are left.
        self.schedule_cash: dict[tuple[str, str], tuple[int, Decimal]] = {}

    def run(self) -> Settlement:
        handlers: dict[str, Callable[[Event], None]] = {
            "payment": self._payment,
            "schedule": self._schedule,
            "collected": self._collected,
            "chargeback": self._chargeback,
            "funding": self._lump,
            "release": self._lump,
            "lump": self._lump,
            "fuel-advance": self._fuel_advance,
            "credit-loss": self._credit_loss,
            "fee": self._fee,
            "buyout": self._buyout,
            "misdirected-payment": self._misdirected,
            "remittance": self._remittance,
        }
        for number, invoice in self.book.invoices.items():
            face = invoice.face
            self.states[number] = InvoiceState(invoice, face.number or ZERO, face.currency)
            if number not in invoice.entry.links:
                links = invoice.entry.links | {number}
                self.result.replaced[invoice.position] = invoice.entry._replace(links=links)
        # Within a day, an event about an invoice that a later deposit of the
        # same day funds (the debtor paid the factor on the funding day) waits
        # until that day's deposits are booked.
        deferred: list[Event] = []
        day = None
        for event in self.book.ordered_events():
            if event.date != day:
                for waiting in deferred:
                    handlers[waiting.kind](waiting)
                deferred, day = [], event.date
            if event.kind in AFTER_FUNDING and self._awaits_funding(event):
                deferred.append(event)
                continue
            handlers[event.kind](event)
        for waiting in deferred:
            handlers[waiting.kind](waiting)
        if self.config.accrue:
            for state in self.states.values():
                if state.funded_on is not None and state.fee_booked_on is None:
                    self._note_period(state, None)
        return self.result

    def _awaits_funding(self, event: Event) -> bool:
        states = self.states
        return any(
            number in states and states[number].funded_on is None for number in event.invoices
        )

    # Helpers shared by the handlers.

    def error(self, code: str, message: str, event: Event) -> None:
        self.result.errors.append(make_error(code, message, event.entry.meta, event.entry))

    def currency_of(self, event: Event) -> str | None:
        """The currency an event is in: its invoices', else its postings'."""
        for number in event.invoices:
            return self.states[number].currency
        for posting in event.entry.postings:
            units = units_of(posting)
            if units is not None:
                return units[1]
        return event.currency

    def agreement_for(self, event: Event, currency: str | None = None) -> Agreement | None:
        """The agreement in force for an event's factor, or None after an error."""
        if event.factor is None:
            named = event.entry.meta.get("factor")
            hint = (
                f"no agreement names the factor {named!r}"
                if named
                else 'say which factor with factor: "Name"'
            )
            self.error("FCT111", f"Cannot tell which factor this event belongs to: {hint}", event)
            return None
        currency = currency or self.currency_of(event)
        agreements = self.book.agreements
        found, agreement = agreements.in_force(event.factor, event.date, currency)
        if not found:
            own = agreements.currencies(event.factor)
            scope = f" for {currency}" if own and currency else ""
            hint = (
                f"it has agreements for {', '.join(own)} only; add one for {currency}"
                if own and currency and currency not in own
                else "date the agreement on or before its first event"
            )
            self.error(
                "FCT111",
                f"No factoring agreement of '{agreements.display(event.factor)}'{scope} "
                f"is in force on {event.date}; {hint}",
                event,
            )
        return agreement

    def add_fees(
        self, factor: str | None, currency: str, date: datetime.date, fee: Decimal
    ) -> None:
        """Count discount fees booked in a month, for a monthly minimum."""
        if fee:
            key = (factor or "", currency, f"{date:%Y-%m}")
            fees = self.result.month_fees
            fees[key] = fees.get(key, ZERO) + fee

    def fee_booked(self, state: InvoiceState, date: datetime.date) -> None:
        """Note that the invoice's fee went to the fees account: its fee period ends."""
        if state.fee_booked_on is None and state.funded_on is not None:
            state.fee_booked_on = date
            self._note_period(state, date)

    def _note_period(self, state: InvoiceState, booked: datetime.date | None) -> None:
        # Only the month-end accruals read the periods: without them, none is kept.
        if not self.config.accrue:
            return
        if state.agreement is None or state.purchase is None or state.funded_on is None:
            return
        self.result.fee_periods.append(
            FeePeriod(
                state.invoice.number,
                state.agreement,
                state.currency,
                state.face,
                state.purchase,
                state.funded_on,
                state.fee_stopped_on,
                booked,
            )
        )

    def charge(self, factor: str | None, charge: Charge) -> None:
        """Note a fee the factor charged apart from any invoice, owed until netted."""
        self.result.charges.setdefault(factor or "", {})[charge.key] = charge
        self.open_charges.setdefault(factor or "", {})[charge.key] = charge
        if charge.invoice is not None:
            self.invoice_charges.setdefault(charge.invoice, []).append(charge)

    def deduct(
        self, event: Event, state: InvoiceState, kind: str, reason: str, amount: Decimal
    ) -> None:
        """Note what a customer took off (or failed to pay), for the deductions report."""
        self.result.deductions.append(
            Deduction(
                event.date,
                state.factor or "",
                state.invoice.number,
                state.invoice.customer,
                kind,
                reason,
                amount,
                state.currency,
                event.entry,
            )
        )

    def reason(self, event: Event, default: str) -> str | None:
        """The event's ``reason:`` (one of REASONS), or None after an error."""
        value = event.entry.meta.get("reason", default)
        if isinstance(value, str) and value in REASONS:
            return value
        self.error(
            "FCT134",
            f"reason: {value!r} is not one of the factor's reasons: {', '.join(REASONS)}",
            event,
        )
        return None

    def named_states(self, event: Event) -> list[InvoiceState] | None:
        """The invoices an event links, or None after reporting unknown links."""
        if event.unknown:
            self.error(
                "FCT132",
                f"Unknown invoice {', '.join(event.unknown)}: no transaction has "
                "invoice: metadata with that number",
                event,
            )
            return None
        if not event.invoices:
            self.error("FCT134", "This event links no invoice; add a link like ^INV-1001", event)
            return None
        return [self.states[number] for number in event.invoices]

    def write(
        self,
        event: Event,
        expected: list[P.Leg],
        links: set[str],
        agreement: Agreement,
        checked: bool = False,
    ) -> None:
        """Give an event its postings, or check the ones the user wrote.

        The caller has already noted the accounts of ``expected`` (note_accounts);
        with ``checked`` it has also compared the postings the user wrote.
        """
        entry = self.result.replaced.get(event.index, event.entry)
        if entry.postings:
            if not checked:
                self.compare(event, expected, entry.postings, "FCT121")
            new_postings = list(entry.postings)
        else:
            own = frozenset(agreement.own_accounts())
            new_postings = P.materialize(expected, self.config.detail, own)
        self.result.replaced[event.index] = entry._replace(
            postings=new_postings, links=entry.links | links
        )

    def note_accounts(
        self, postings: list[P.Leg], date: datetime.date, agreement: Agreement
    ) -> None:
        """Remember the first use of the accounts the agreement names, to open them."""
        used = self.result.accounts_used
        own = agreement.own_accounts()
        prefixes = tuple(
            prefix + ":"
            for prefix in (agreement.recourse_receivables, agreement.customer_credits)
            if prefix
        )
        for posting in postings:
            account = posting.account
            if account in used:
                continue
            if account in own or account == agreement.vat_account or account.startswith(prefixes):
                used[account] = (date, agreement)

    def check_factor(self, event: Event, states: list[InvoiceState]) -> bool:
        """An event that names its factor must name the one that bought its invoices."""
        if "factor" not in event.entry.meta:
            return True
        if event.factor is None:
            self.agreement_for(event)
            return False
        names = self.book.agreements
        for state in states:
            if state.factor is not None and state.factor != event.factor:
                self.error(
                    "FCT133",
                    f"Invoice {state.invoice.number} belongs to factor "
                    f"'{names.display(state.factor)}', not to '{names.display(event.factor)}'",
                    event,
                )
                return False
        return True

    def compare(
        self,
        event: Event,
        expected: list[P.Leg],
        actual: list[Posting],
        code: str,
        agreement: Agreement | None = None,
        accounts: set[str] | None = None,
        hint: str = "",
    ) -> bool:
        """Compare written postings with expected ones, account by account.

        The accounts compared are those of the expected postings and, given an
        agreement, every account it names, so that an amount parked on the
        clearing account cannot hide a shortfall; and any ``accounts`` given.
        """
        want: dict[tuple[str, str], Decimal] = {}
        for item in expected:
            key = (item.account, item.currency)
            want[key] = want.get(key, ZERO) + item.number
        accounts = {key[0] for key in want} | (accounts or set())
        if agreement is not None:
            accounts |= set(agreement.own_accounts())
        have = _totals([p for p in actual if p.account in accounts])
        lines = []
        for key in sorted(set(want) | set(have)):
            diff = have.get(key, ZERO) - want.get(key, ZERO)
            if abs(diff) > self.tolerance:
                lines.append(
                    f"{key[0]}: expected {want.get(key, ZERO):,.2f} {key[1]}, "
                    f"written {have.get(key, ZERO):,.2f} {key[1]} (difference {diff:+,.2f})"
                )
        if not lines and any(
            p.account in accounts and "factoring-part" not in (p.meta or {}) for p in actual
        ):
            # Written by hand and right: the reports read its postings as these legs.
            self.result.checked_legs[event.index] = tuple(expected)
        if lines:
            self.error(
                code,
                "The postings written here differ from what the agreement gives: "
                + "; ".join(lines)
                + (f" ({hint})" if hint else ""),
                event,
            )
        return not lines

    # Handlers.

    def _payment(self, event: Event) -> None:
        state = self.states[event.invoices[0]]
        if factor_holds(state):
            # The factor's invoice: the cash is the factor's, not a payment to us (FCT136).
            report_payment(self, event, state)
            return
        state.direct_paid += event.amount or ZERO

    def _schedule(self, event: Event) -> None:
        agreement = self.agreement_for(event)
        states = self.named_states(event)
        if agreement is None or states is None:
            return
        ids = event.schedules
        if len(ids) > 1:
            self.error("FCT134", "A schedule event carries one schedule: id", event)
            return
        schedule = ids[0] if ids else None
        ok = True
        for state in states:
            ok = self._check_sellable(state, event) and ok
        if not ok:
            return
        expected: list[P.Leg] = []
        for state in states:
            face, currency, number = state.face, state.currency, state.invoice.number
            if not agreement.loan:
                # Sold: the invoice leaves the receivable for the clearing account.
                # (Loan model: pledged, not sold; nothing moves until the funding.)
                expected.append(
                    P.leg(agreement.clearing, face, currency, "face", number, schedule)
                )
                expected.append(
                    P.leg(state.invoice.account, -face, currency, "face", number, schedule)
                )
            state.factor, state.agreement = event.factor, agreement
            state.schedule, state.scheduled_on = schedule, event.date
            state.in_clearing = not agreement.loan
            state.scheduled_by = event.entry
        if schedule is not None:
            assert event.factor is not None
            numbers = self.result.schedules.setdefault((event.factor, schedule), [])
            numbers.extend(s.invoice.number for s in states)
            self.open_schedules.setdefault(event.factor, {})[schedule] = None
        links = {schedule_link(schedule)} if schedule else set()
        self.note_accounts(expected, event.date, agreement)
        if agreement.loan and event.entry.postings:
            # Nothing may move: not the receivables, not the factor's accounts.
            watched = set(agreement.own_accounts()) | {s.invoice.account for s in states}
            self.compare(
                event,
                [],
                event.entry.postings,
                "FCT121",
                accounts=watched,
                hint=f"under the loan model of agreement '{agreement.name}' a schedule moves "
                "nothing: the invoices stay on their receivable accounts until the debtor pays",
            )
        self.write(event, expected, links, agreement, checked=agreement.loan)
        if event.entry.postings:
            self._read_factor_figures(event, agreement, states)

    def _read_factor_figures(
        self, event: Event, agreement: Agreement, states: list[InvoiceState]
    ) -> None:
        """Take the factor's own split from the schedule's legs, and audit it."""
        by_invoice: dict[str, dict[str, object]] = {}
        by_account: dict[str, list[dict[str, object]]] = {}
        for posting in event.entry.postings:
            meta = posting.meta or {}
            if isinstance(meta.get("invoice"), str):
                by_invoice[str(meta["invoice"])] = meta
            by_account.setdefault(posting.account, []).append(meta)
        problems = []
        for state in states:
            number = state.invoice.number
            figures = by_invoice.get(number)
            if figures is None and len(by_account.get(state.invoice.account, ())) == 1:
                figures = by_account[state.invoice.account][0]
            terms = P.purchase_split(agreement, state.face, state.currency)
            split = P.factor_split(figures or {}, terms, state.currency)
            if split is None:
                continue
            if isinstance(split, str):
                problems.append(f"{number}: {split} (the agreement's figures are used)")
                continue
            state.factor_split = split
            pairs = (
                ("advance", split.advance, terms.advance),
                (
                    "fee",
                    split.discount_fee + split.invoice_fee,
                    terms.discount_fee + terms.invoice_fee,
                ),
                ("reserve", split.reserve, terms.reserve),
            )
            wrong = [
                f"{name} {theirs:,.2f} (agreement {ours:,.2f})"
                for name, theirs, ours in pairs
                if abs(theirs - ours) > self.tolerance
            ]
            if wrong:
                problems.append(f"{number}: " + ", ".join(wrong))
        if problems:
            self.error(
                "FCT170",
                f"The factor's figures differ from agreement '{agreement.name}' "
                f"({agreement.date}) for {'; '.join(problems)}. The books use the factor's "
                "figures; ask the factor, or correct the agreement",
                event,
            )

    def _check_sellable(self, state: InvoiceState, event: Event) -> bool:
        number = state.invoice.number
        issued = state.invoice.entry.date
        if event.date < issued:
            self.error(
                "FCT133",
                f"Invoice {number} cannot be sold on {event.date}: it is dated {issued}; "
                "correct one of the two dates",
                event,
            )
            return False
        if state.scheduled_on or state.funded_on:
            where = state.funded_by or state.scheduled_by or state.invoice.entry
            self.error(
                "FCT130",
                f"Invoice {number} is already {state.describe()} "
                f"(schedule {state.schedule or '-'}; see {where.meta.get('filename')}:"
                f"{where.meta.get('lineno')}); remove it from one of the two",
                event,
            )
            return False
        if state.collected_on or state.direct_paid >= state.face - self.tolerance:
            self.error(
                "FCT131",
                f"Invoice {number} is already paid ({state.direct_paid or state.paid} "
                f"{state.currency} received); a paid invoice cannot be sold to the factor",
                event,
            )
            return False
        return True

    def _collected(self, event: Event) -> None:
        settle_collected(self, event)

    def check_state(self, state: InvoiceState, event: Event, action: str) -> bool:
        if (
            state.funded_on
            and not state.collected_on
            and not state.charged_back_on
            and not state.lost_on
        ):
            if state.received and action != "collected" and not _charges_back_rest(state, action):
                # Paid to us (misdirected.py): the factor's collection closes it, or, paid in
                # part, a chargeback of the rest.
                rest = (
                    f"; if the customer does not pay the {state.unpaid:,.2f} {state.currency} "
                    "left, the factor may charge that back"
                    if state.unpaid > 0
                    else ""
                )
                self.error(
                    "FCT136",
                    f"Invoice {state.invoice.number} cannot be {action}: its customer paid "
                    f"{state.received:,.2f} {state.currency} to you on {state.received_on} "
                    "(a misdirected payment), which is owed to the factor; forward it or let "
                    f"the factor net it, and book the factor's collected report instead{rest}",
                    event,
                )
                return False
            return True
        self.error(
            "FCT133",
            f"Invoice {state.invoice.number} cannot be {action}: it is {state.describe()}",
            event,
        )
        return False

    def funded_states(self, event: Event, action: str) -> list[InvoiceState] | None:
        """The invoices an event links, each funded and still open, or None after an error."""
        states = self.named_states(event)
        if states is None or not self.check_factor(event, states):
            return None
        for state in states:
            if not self.check_state(state, event, action):
                return None
        return states

    def _chargeback(self, event: Event) -> None:
        states = self.funded_states(event, "charged back")
        if states is None:
            return
        reason = self.reason(event, "nonpayment")
        if reason is None:
            return
        expected: list[P.Leg] = []
        for state in states:
            agreement = state.agreement
            assert agreement is not None and state.funded_on and state.purchase
            if reason == "nonpayment":
                self._check_recourse(event, state, agreement)
            fee = P.fee_due(
                agreement,
                state.face,
                state.purchase.advance,
                state.funded_on,
                event.date,
                state.purchase.discount_fee,
                state.currency,
            )
            receivable = state.invoice.account
            if agreement.recourse_receivables:
                receivable = f"{agreement.recourse_receivables}:{receivable.rsplit(':', 1)[-1]}"
            legs, owed = P.chargeback_postings(
                agreement,
                state.invoice.number,
                state.currency,
                state.unpaid,
                receivable,
                state.held,
                fee,
                state.invoice.account,
            )
            if agreement.loan and state.received:
                # What the customer paid us repays as much of the advance and clears as
                # much of the receivable (a collection); the factor sells back the rest.
                legs = (
                    P.partial_postings(
                        agreement,
                        state.invoice.number,
                        state.currency,
                        state.received,
                        state.invoice.account,
                    )
                    + legs
                )
            self.note_accounts(legs, event.date, agreement)
            if state.factor is not None:
                self.open_owed.setdefault(state.factor, {})[state.invoice.number] = None
            self.fee_booked(state, event.date)
            state.held, state.charged_back_on = ZERO, event.date
            state.owed["chargeback"] = state.owed.get("chargeback", ZERO) + owed
            self.add_fees(state.factor, state.currency, event.date, fee)
            self.deduct(event, state, "chargeback", reason, state.unpaid)
            expected.extend(legs)
        assert states[0].agreement is not None
        self.write(event, expected, set(), states[0].agreement)

    def _check_recourse(self, event: Event, state: InvoiceState, agreement: Agreement) -> None:
        """A chargeback for nonpayment needs recourse, and its recourse-days run out.

        The chargeback is booked all the same: the factor did sell the invoice
        back and its next deposit nets it. The error is there to dispute it.
        """
        days = (event.date - (state.funded_on or event.date)).days
        if agreement.recourse_days and days >= agreement.recourse_days:
            return
        terms = f"agreement '{agreement.name}' of {agreement.date}"
        if not agreement.recourse_days:
            why = f"the invoice was bought without recourse (recourse-days: 0 in {terms})"
        else:
            why = (
                f"it comes {days} days after the funding on {state.funded_on}, before the "
                f"{agreement.recourse_days} recourse-days of {terms} have run"
            )
        self.error(
            "FCT137",
            f"Invoice {state.invoice.number} is charged back for nonpayment, but {why}. "
            "The chargeback is booked as the factor made it; dispute it with the factor, or "
            'give its reason if it is a dispute (reason: "broker-claim"), or correct the '
            "agreement",
            event,
        )

    def _lump(self, event: Event) -> None:
        settle_lump(self, event)

    def _fuel_advance(self, event: Event) -> None:
        settle_fuel_advance(self, event)

    def _credit_loss(self, event: Event) -> None:
        settle_credit_loss(self, event)

    def _fee(self, event: Event) -> None:
        settle_fee(self, event)

    def _buyout(self, event: Event) -> None:
        settle_buyout(self, event)

    def _misdirected(self, event: Event) -> None:
        settle_misdirected(self, event)

    def _remittance(self, event: Event) -> None:
        settle_remittance(self, event)


def _charges_back_rest(state: InvoiceState, action: str) -> bool:
    """A chargeback of what a customer that paid us in part left unpaid."""
    return action == "charged back" and state.unpaid > 0


def _totals(postings: list[Posting]) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = {}
    for posting in postings:
        units = units_of(posting)
        if units is None:
            continue
        key = (posting.account, units[1])
        totals[key] = totals.get(key, ZERO) + units[0]
    return totals


def settle(book: Book, config: Config) -> Settlement:
    """Apply every event of a book in order."""
    return Settler(book, config).run()
