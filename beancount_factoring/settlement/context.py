"""The settlement's working state and the helpers every event handler shares.

A ``Settler`` holds the invoices' states, what is still open per factor and the
``Settlement`` being built; the handlers (``handlers/``) read and move it through the
helpers here: find the agreement in force, check an invoice may take an event, write
the postings an event implies or compare them with the ones the user wrote.
"""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal

from beancount.core.data import Posting, Transaction

from beancount_factoring.errors import (
    FactoringError,
    as_written,
    error_code,
    make_error,
    where_written,
)
from beancount_factoring.ledger.book import (
    Book,
    Event,
    carried_in,
    note_unread_terms,
    own_link,
    schedule_link,
    units_of,
)
from beancount_factoring.ledger.config import Config
from beancount_factoring.ledger.refused import SELLING_KINDS, Refusals, Refused
from beancount_factoring.settlement.accruals import FeePeriod
from beancount_factoring.settlement.owed import Charge, Deduction, ScheduleOwed
from beancount_factoring.settlement.state import REASONS, ZERO, InvoiceState, Settlement
from beancount_factoring.terms import postings as P
from beancount_factoring.terms import spelling
from beancount_factoring.terms.agreement import Agreement, key_position

# The kind of refused entry an unknown invoice may be (``Settler.waits_for_names``), and
# that of a schedule (``Settler.refused_schedule``).
_INVOICE = frozenset(("invoice",))
_SCHEDULE = frozenset(("schedule",))
# The events that sell an invoice to its factor or fund it (``Settler.sold_later``).
SELLING = frozenset(("schedule", "funding", "lump"))
# The debtor's payments, after which a factor releases a reserve (``Settler.closed_later``).
CLOSING = frozenset(("collected", "misdirected-payment"))


# A factor may collect an invoice it never bought (a load billed apart, detention
# invoiced on its own): the cash is ours, passed on by the factor.
_NOT_FACTORED_PAID = (
    ". If the factor collected it though it never bought it (a non-factored payment, "
    "which it passes on to you), it is no collected event: book the factor's payment of "
    "it as a payment of ours, a posting to the invoice's receivable that names it "
    '(invoice: "...") in the factor\'s bank line, beside its release if one pays both'
)


@functools.lru_cache(maxsize=1024)
def month_of(date: datetime.date) -> str:
    """The month a date is in ("2025-03"), the key of the monthly volumes and fees:
    kept per date, as strftime costs microseconds and a ledger's deposits share days."""
    return f"{date:%Y-%m}"


class Settler:
    """Walks the events of a Book and writes the postings they imply."""

    def __init__(self, book: Book, config: Config) -> None:
        self.book = book
        self.config = config
        self.tolerance = config.tolerance
        self.result = Settlement()
        self.states = self.result.states
        # The deposits that named nothing and matched no open item (FCT101), with their
        # error: a later take-back that reverses one cancels it (handlers/lumps.py).
        self.unmatched: list[tuple[Event, FactoringError]] = []
        # Per factor, what may still be open: checked again when a deposit asks.
        self.open_schedules: dict[str, dict[str, None]] = {}
        self.open_releases: dict[str, dict[str, None]] = {}
        self.open_owed: dict[str, dict[str, None]] = {}
        self.open_charges: dict[str, dict[str, Charge]] = {}
        # The charges deducted from an invoice's funding, by invoice (charges.py).
        self.invoice_charges: dict[str, list[Charge]] = {}
        # The cash a schedule's unfunded invoices bring, by how many are left.
        self.schedule_cash: dict[tuple[str, str], tuple[int, Decimal, Agreement]] = {}
        # What a factor still owes of a schedule funded by several wires (by factor and
        # schedule), and the deposits that name each schedule, built at the first deposit
        # short of its schedule (``handlers/wires.py``).
        self.schedule_owed: dict[tuple[str, str], ScheduleOwed] = {}
        self.schedule_wires: dict[tuple[str, str], list[Event]] | None = None
        # The buyouts of all a factor's invoices and the fundings, by date: for the end of
        # its month under a part month's minimum (``handlers/part_month.py``), built at the
        # first monthly minimum.
        self.month_ends: list[Event] | None = None
        # The days each invoice is named by a schedule, a deposit or an event that closes
        # it: only for the message of an event that comes before them (``sold_later``,
        # ``closed_later``), built at the first one.
        self._dated_on: dict[str, list[tuple[datetime.date, str, str]]] | None = None
        # The invoices of each load written on several invoices (a rebill, an accessorial
        # invoice), by ``load_key``, in the order a fuel advance that names the load goes
        # to them: built at the first such advance (handlers/fuel.py).
        self.shared_loads: dict[str, list[str]] | None = None
        # The keys of the invoices' loads of letters then digits, by their number alone
        # (``loads.load_number``): built at the first advance whose load no invoice has.
        self.load_numbers: dict[str, list[str]] | None = None
        # The invoices held at a cost whose sale was refused (FCT134, once, on their line).
        self.reported_at_cost: set[str] = set()
        # The invoices a schedule or deposit that names them left unsold, by number: the
        # event, refused with an error (or waiting for a refused entry), or of a broken
        # agreement. The later events of the invoice wait for it (``note_unsold``,
        # ``check_state``): its error speaks for them.
        self.unsold: dict[str, Event] = {}
        # The events refused with an error of their own (one the config does not turn
        # off) or waiting for a refused entry, by index (``engine.settle``).
        self.spoke: set[int] = set()
        # The names no invoice has that an event reported (FCT132), each with where: a
        # later event that links them waits for that one.
        self.unknown_said: dict[str, str] = {}
        # The agreements Beancount could not read that an event waits for, by name.
        self.unread_terms: set[str] = set()
        # The invoices no event links, by each form of their number with a letter
        # dropped (and the number itself): made at the first unknown link
        # (``unlinked_near``).
        self._unlinked: dict[str, list[str]] | None = None
        # Where the first event of a ledger with no agreement was told to write one.
        self.no_terms_said: str | None = None
        # The deposits refused with an error (a funding, a lump sum): an invoice left
        # unfunded names the one that may have paid for it (``unfunded_hint``).
        self.refused_deposits: list[Event] = []
        # How each payment of several invoices was shared, by its invoices and amount:
        # of each such credit, each invoice's share and what of it counted as paid to
        # you (a check returned unpaid gives back both: ``handlers/misdirected.py``).
        self.shared_payments: dict[
            tuple[tuple[str, ...], Decimal], list[list[tuple[str, Decimal, Decimal]]]
        ] = {}
        # Invoices an event changed that it does not link, by the event's index: those
        # whose reserve a chargeback was taken from (``handlers/reserve_taken.py``), for
        # the history the reports read.
        self.touched: dict[int, list[str]] = {}
        # The fees taken from a reserve (entries written by hand, by id) that a release
        # netted already: each nets one release (``handlers/reserve_fees.py``).
        self.reserve_fees_netted: set[int] = set()

    # Helpers shared by the handlers.

    def sold_later(self, state: InvoiceState, event: Event) -> str:
        """Words for an invoice not yet factored when ``event`` comes: the later schedule or
        deposit that names it, if there is one (a date typed wrong on one of the two)."""
        # (An invoice scheduled already waits for its funding, not another schedule.)
        dated = self._dated_events(state.invoice.number)
        if state.schedule is not None:
            # (A deposit that names its schedule alone funds it too.)
            dated = dated + self._dated_events(schedule_link(state.schedule))
        later = [
            (date, kind, where)
            for date, kind, where in dated
            if kind in SELLING
            and date > event.date
            and not (state.scheduled_on and kind == "schedule")
        ]
        if not later:
            return ""
        date, kind, where = min(later)
        what = "scheduled" if kind == "schedule" else "funded"
        return (
            f" (it is {what} on {date} ({where}), {(date - event.date).days} day(s) after "
            "this event: correct one of the two dates)"
        )

    def closed_later(self, state: InvoiceState, event: Event) -> str:
        """Words for a release that comes before the debtor paid: the invoice's later
        payment (its collected or misdirected-payment event), if there is one (a date typed
        wrong on one of the two)."""
        later = [
            (date, kind, where)
            for date, kind, where in self._dated_events(state.invoice.number)
            if kind in CLOSING and date > event.date
        ]
        if not later:
            return ""
        date, kind, where = min(later)
        return (
            f"its {kind} event is dated {date} ({where}), {(date - event.date).days} day(s) "
            "after this deposit: correct one of the two dates"
        )

    def _dated_events(self, number: str) -> list[tuple[datetime.date, str, str]]:
        """The days and kinds of the events that sell or close invoice ``number``, indexed
        at the first question (only the messages of misdated events ask)."""
        if self._dated_on is None:
            self._dated_on = {}
            for other in self.book.events:
                if other.kind in SELLING or other.kind in CLOSING:
                    named = list(other.invoices)
                    if other.kind != "schedule":
                        named.extend(map(schedule_link, other.schedules))
                    for each in named:
                        dated = (other.date, other.kind, where_written(other.entry))
                        self._dated_on.setdefault(each, []).append(dated)
        return self._dated_on.get(number, [])

    def note_unsold(self, event: Event, errored: bool) -> None:
        """Remember the invoices a schedule or deposit names (by number, or by schedule)
        that it left unsold (not scheduled, or not funded): it was refused with an error,
        or the agreement of its factor is broken (FCT110, and its events are not booked)."""
        numbers = list(event.invoices)
        for schedule in event.schedules:
            known = self.result.schedules.get((event.factor or "", schedule))
            if known is not None:
                numbers.extend(known)
            elif errored:
                # (A schedule dated after its deposit: its invoices, scheduled later,
                # wait for this deposit's error too. Kept by its link.)
                self.unsold.setdefault(schedule_link(schedule), event)
        for number in numbers:
            state = self.states.get(number)
            if state is None or number in self.unsold or state.funded_on:
                continue
            if event.kind == "schedule" and state.scheduled_on:
                continue
            if errored or self._broken_terms(event):
                self.unsold[number] = event

    def _broken_terms(self, event: Event) -> bool:
        """True if the agreement in force for the event's factor is broken (FCT110)."""
        if event.factor is None:
            return False
        found, agreement = self.book.agreements.in_force(
            event.factor, event.date, self.currency_of(event)
        )
        return found and agreement is None

    @functools.cached_property
    def refusals(self) -> Refusals:
        """The entries refused before the settlement (``ledger/refused.py``): read at the
        first event that may wait for one, on its way to an error."""
        book = self.book
        return Refusals(book.refused, book.entries, book.sources)

    def waits(self, event: Event, where: str) -> bool:
        """Note that ``event`` waits for the entry at ``where`` ("file:line"), refused
        with an error that says what to correct: it is not applied, and says nothing of
        its own (it would follow from that error). True."""
        self.result.waiting[event.index] = where
        return True

    def waits_for(self, event: Event, refused: Refused | None) -> bool:
        """``waits`` for an entry refused before the settlement, if there is one and the
        config does not turn its error off; False if not."""
        if refused is None or refused.code in self.config.disabled:
            return False
        return self.waits(event, refused.where)

    def waits_for_sale(self, state: InvoiceState, event: Event) -> bool:
        """True (the event waits) if the invoice is not funded by the event's day for a
        schedule or deposit that was refused before it: one the settlement refused or
        left unbooked (``note_unsold``), or one refused before it (a line Beancount could
        not read, a factoring: misspelt) that names the invoice or its schedule."""
        unsold = self.unsold.get(state.invoice.number)
        if unsold is None and state.schedule is not None:
            unsold = self.unsold.get(schedule_link(state.schedule))
        if unsold is not None and unsold.date <= event.date:
            return self.waits(event, where_written(unsold.entry))
        names = [state.invoice.number]
        if state.schedule is not None:
            names.append(schedule_link(state.schedule))
        if self.waits_for(event, self.refusals.root(names, SELLING_KINDS, event.date)):
            return True
        # (An event of no factor known, in books whose agreement Beancount could not
        # read: the agreement's error speaks for it.)
        return event.factor is None and self.waits_for_unread_terms(event)

    def unfunded_hint(self, state: InvoiceState, event: Event) -> str:
        """Words for an event about an invoice not funded: the deposit of its factor,
        after the invoice was sold (or issued) and before the event, that was refused
        with an error (FCT101, matching no open item; FCT132...), if there is one: it may
        be the invoice's funding. "" if none."""
        factor = state.factor or event.factor
        since = state.scheduled_on or state.invoice.entry.date
        for deposit in self.refused_deposits:
            if deposit.factor == factor and since <= deposit.date <= event.date:
                return (
                    f"; the deposit of {deposit.date} ({where_written(deposit.entry)}) was "
                    "refused, for the error reported there: if it pays for this invoice, "
                    "correct that, and this event is booked with it"
                )
        unread = self.refusals.unnamed_between(since, event.date)
        if unread is not None:
            return (
                f"; the transaction at {unread.where} could not be read, for the error "
                "reported there: if it is this invoice's funding, correct it, and this event "
                "is booked with it"
            )
        unread_terms = self.refusals.agreement()
        if unread_terms is not None:
            # (Its deposits are no events: their accounts are of no agreement.)
            name, refused = unread_terms
            return (
                f"; the agreement of '{name}' ({refused.where}) could not be read, for the "
                "error reported there: if this invoice is that factor's, correct that first"
            )
        return ""

    def unallocated_hint(self, state: InvoiceState, event: Event) -> str:
        """Words for an event about an invoice not funded while a deposit of its factor,
        after the invoice was sold (or issued) and before the event, named nothing and
        matched no open item (FCT103 past grace-days): it may be the invoice's funding,
        its link dropped. "" if there is none."""
        factor = state.factor or event.factor
        since = state.scheduled_on or state.invoice.entry.date
        for deposit in self.result.unallocated:
            if deposit.factor == factor and since <= deposit.date <= event.date:
                return (
                    f"; the deposit of {deposit.date} ({where_written(deposit.entry)}) names "
                    "nothing and matches no open item: if it is this invoice's funding, link "
                    f"it there (^{state.invoice.number})"
                )
        return ""

    def refused_schedule(self, event: Event, files: bool = False) -> str | None:
        """Where a schedule of the deposit's factor, dated on or before it, was refused
        (its error says why), or (with ``files``, on the way to an error) one Beancount
        could not read: a deposit that finds nothing open may pay for it. None if there
        is none."""
        for unsold in self.unsold.values():
            if (
                unsold.kind == "schedule"
                and unsold.factor == event.factor
                and unsold.date <= event.date
            ):
                return where_written(unsold.entry)
        # (The files are not read for a deposit that finds nothing open: it may simply
        # come before its schedule is booked, no error.)
        refused = self.refusals.first(_SCHEDULE, event.date, files)
        return None if refused is None or refused.code in self.config.disabled else refused.where

    def waits_for_names(self, event: Event) -> bool:
        """True (the event waits) if each name of the event that no invoice has is an
        invoice refused before the settlement (its FCT134, or a line Beancount could not
        read), or a name an earlier event reported (FCT132): one error for each. False if
        one is new: the caller reports them, and they are noted as said."""
        found = []
        for name in event.unknown:
            where = self.unknown_said.get(name)
            if where is None:
                refused = self.refusals.root((name,), _INVOICE)
                if refused is None or refused.code in self.config.disabled:
                    break
                where = refused.where
            found.append(where)
        else:
            return self.waits(event, found[0])
        where = where_written(event.entry)
        for name in event.unknown:
            self.unknown_said.setdefault(name, where)
        return False

    def unlinked_near(self, name: str) -> str:
        """Words for a link no invoice has that is a slip away (a character added or
        dropped, two swapped, a letter changed) from an invoice no event links: that
        invoice and its line, one of the two numbers typed wrong. One digit for another
        is no slip: INV-1002 beside INV-1001 is most likely an invoice of its own. "" if
        there is none."""
        if self._unlinked is None:
            linked = {number for other in self.book.events for number in other.invoices}
            self._unlinked = {}
            for number in self.book.invoices:
                if number not in linked:
                    for form in _dropped(number):
                        self._unlinked.setdefault(form, []).append(number)
        near = {
            number
            for form in _dropped(name)
            for number in self._unlinked.get(form, ())
            if spelling.slips(name, number) <= 1 and not _other_digit(name, number)
        }
        if not near:
            return ""
        number = min(near)
        where = where_written(self.book.invoices[number].entry)
        return (
            f"; invoice {number} ({where}), which no event links, is a slip away from it: "
            "correct the one typed wrong"
        )

    def speaks(self, errors: list[FactoringError]) -> bool:
        """True if one of these errors is of a code the config does not turn off."""
        disabled = self.config.disabled
        return any(error_code(error) not in disabled for error in errors)

    def error(self, code: str, message: str, event: Event) -> None:
        self.result.errors.append(make_error(code, message, event.entry.meta, event.entry))

    def _waits_for_terms(self, event: Event) -> bool:
        """True (the event waits) if the agreement of the factor the event names, or of
        any factor when it names none, is one Beancount could not read; or if the ledger
        has no agreement, and an earlier event was told to write one (one error)."""
        if self.waits_for_unread_terms(event):
            return True
        if self.book.agreements.names():
            return False
        if self.no_terms_said is not None:
            return self.waits(event, self.no_terms_said)
        self.no_terms_said = where_written(event.entry)
        return False

    def waits_for_unread_terms(self, event: Event) -> bool:
        """True (the event waits) if the agreement of the factor it names, or of any
        factor when it names none, is one Beancount could not read: its accounts the
        ledger posts to are then opened (``book.note_unread_terms``)."""
        named = event.entry.meta.get("factor")
        found = self.refusals.agreement(named if isinstance(named, str) else None)
        if found is None:
            return False
        name, refused = found
        if name not in self.unread_terms:
            self.unread_terms.add(name)
            note_unread_terms(self.book, name, refused.filename, refused.lineno)
        return self.waits(event, refused.where)

    def _names_hint(self, named: str) -> str:
        """The factors the agreements name, for an event that names another; with none,
        the agreement to write (reports imported before the terms were written)."""
        names = self.book.agreements.names()
        if not names:
            return (
                f": the ledger has no agreement yet; write the factor's terms as custom "
                f'"factoring-agreement" "{named}" (docs/ledger.md, 2)'
            )
        shown = ", ".join(repr(self.book.agreements.display(name)) for name in names)
        return f" (the agreements name {shown}): write the name as the agreement does"

    def currency_of(self, event: Event) -> str | None:
        """The currency an event is in: its invoices', else that of its posting to a
        factor's clearing or reserve account (a deposit converted by the bank, 616.00 USD
        @@ 880.00 CAD, is in CAD), else its first posting's."""
        for number in event.invoices:
            return self.states[number].currency
        first = None
        for posting in event.entry.postings:
            units = units_of(posting)
            if units is None:
                continue
            if posting.account in self.deposit_accounts:
                return units[1]
            first = first or units[1]
        return first or event.currency

    @functools.cached_property
    def deposit_accounts(self) -> frozenset[str]:
        """Every agreement's clearing and reserve accounts."""
        return frozenset(
            account for a in self.book.agreements.latest() for account in (a.clearing, a.reserve)
        )

    def agreement_for(
        self, event: Event, currency: str | None = None, on: datetime.date | None = None
    ) -> Agreement | None:
        """The agreement in force for an event's factor on its day (or ``on``), or None
        after an error."""
        if event.factor is None:
            if self._waits_for_terms(event):
                return None
            named = event.entry.meta.get("factor")
            if isinstance(named, str) and named:
                hint = f"no agreement names the factor {named!r}" + self._names_hint(named)
            elif not self.book.agreements.names():
                hint = (
                    "the ledger has no agreement; write the factor's terms as custom "
                    '"factoring-agreement" "Name" (docs/ledger.md, 2)'
                )
            elif named is None or named is False or isinstance(named, str):
                hint = 'say which factor with factor: "Name"'
            else:
                # (factor: 1001, a number to Beancount: shown as written, not its repr.)
                names = self.book.agreements.names()
                example = self.book.agreements.display(names[0]) if len(names) == 1 else "Name"
                hint = (
                    f"factor: {as_written(named)} is no factor's name: write the factor's "
                    f'name in quotes, as its agreement does (factor: "{example}")'
                )
            self.error("FCT111", f"Cannot tell which factor this event belongs to: {hint}", event)
            return None
        currency = currency or self.currency_of(event)
        agreements = self.book.agreements
        day = on or event.date
        found, agreement = agreements.in_force(event.factor, day, currency)
        if not found:
            own = agreements.currencies(event.factor)
            scope = f" for {currency}" if own and currency else ""
            hint = (
                f"it has agreements for {', '.join(own)} only; add one for {currency}"
                if own and currency and currency not in own
                else "date the agreement on or before its first event"
            )
            first = agreements.first_date(event.factor)
            if first is not None and first > day and not scope:
                # (An agreement dated after the events: say its date and line, the slip to
                # correct, whether the agreement's date or the event's.)
                where = agreements.first_where(event.factor)
                written = f" ({where})" if where else ""
                hint = f": its first agreement is dated {first}{written}; {hint}"
            else:
                hint = f"; {hint}"
            self.error(
                "FCT111",
                f"No factoring agreement of '{agreements.display(event.factor)}'{scope} "
                f"is in force on {day}{hint}",
                event,
            )
        return agreement

    def add_fees(
        self, factor: str | None, currency: str, date: datetime.date, fee: Decimal
    ) -> None:
        """Count discount fees booked in a month, for a monthly minimum."""
        if fee:
            key = (factor or "", currency, month_of(date))
            fees = self.result.month_fees
            fees[key] = fees.get(key, ZERO) + fee

    def fee_booked(self, state: InvoiceState, date: datetime.date) -> None:
        """Note that the invoice's fee went to the fees account: its fee period ends."""
        if state.fee_booked_on is None and state.funded_on is not None:
            state.fee_booked_on = date
            if self.config.accrue:  # (note_period's own test: one call less per invoice)
                self.note_period(state, date)

    def note_period(self, state: InvoiceState, booked: datetime.date | None) -> None:
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
                state.purchase.face,  # (the face bought: the fee is a rate of it)
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
        meta = event.entry.meta
        value = meta.get("reason", default)
        if isinstance(value, str) and value in REASONS:
            return value
        squeezed = re.sub(r"[\s_-]+", "", value.lower()) if isinstance(value, str) else None
        meant = next((r for r in REASONS if r.replace("-", "") == squeezed), None)
        if meant is not None:
            problem = f'reason: {as_written(value)} is written reason: "{meant}"'
        else:
            problem = (
                f"reason: {as_written(value)} is not one of the factor's reasons: "
                f"{', '.join(REASONS)}. A customer's claim against the load (damage, "
                f'shortage, a late delivery) is "broker-claim"; without reason: it is '
                f'"{default}". Keep your own words in the narration'
            )
        # (At the reason's own line: the event's may be a screen above.)
        line = key_position(meta, "reason")[0] if "reason" in meta else None
        self.result.errors.append(
            make_error(
                "FCT134", f"{problem}. The event is not booked until then", meta, event.entry, line
            )
        )
        return None

    def named_states(self, event: Event) -> list[InvoiceState] | None:
        """The invoices an event links, or None after reporting unknown links."""
        if event.unknown:
            if self.waits_for_names(event):
                return None
            near = "".join(map(self.unlinked_near, event.unknown))
            self.error(
                "FCT132",
                f"Unknown invoice {', '.join(event.unknown)}: no transaction has "
                "invoice: metadata with that number"
                + "".join(own_link(self.book, name) for name in event.unknown)
                + (near or carried_in(self.book, event.date)),
                event,
            )
            return None
        if not event.invoices:
            self.error("FCT134", "This event links no invoice; add a link like ^INV-1001", event)
            return None
        # (map, not a comprehension: a deposit may link a thousand invoices.)
        return list(map(self.states.__getitem__, event.invoices))

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
            new_postings = P.materialize(expected, self.config.detail, agreement.owned_set)
        self._give(event, entry, new_postings, links)

    def sums(self, agreement: Agreement) -> P.Sums:
        """Where an event's legs are summed as they are made, as ``write`` writes them."""
        return P.Sums(None if self.config.detail == "invoice" else agreement.owned_set)

    def write_sums(self, event: Event, sums: P.Sums, links: set[str]) -> None:
        """``write`` for an event written without postings, of the legs in ``sums``."""
        entry = self.result.replaced.get(event.index, event.entry)
        self._give(event, entry, sums.postings(), links)

    def _give(
        self, event: Event, entry: Transaction, new_postings: list[Posting], links: set[str]
    ) -> None:
        if len(new_postings) == len(entry.postings) and links <= entry.links:
            # Nothing to add: its own postings (or none, as for the whole payment of a
            # ``collected`` event) and its links. The entry stays as written, not copied.
            return
        self.result.replaced[event.index] = rewritten(entry, entry.links | links, new_postings)

    def note_accounts(
        self, postings: list[P.Leg], date: datetime.date, agreement: Agreement
    ) -> None:
        """Remember the first use of the accounts the agreement names, to open them."""
        used = self.result.accounts_used
        prefixes = None
        for posting in postings:
            account = posting.account
            if account in used:
                continue
            if prefixes is None:
                # Most events use no account for the first time: worked out only when one may.
                prefixes = tuple(
                    prefix + ":"
                    for prefix in (agreement.recourse_receivables, agreement.customer_credits)
                    if prefix
                )
            if (
                account in agreement.owned_set
                or account == agreement.vat_account
                or account.startswith(prefixes)
                or account in self.all_owned
            ):
                # (Any agreement's own account: an invoice funded under earlier terms,
                # their loan model's advances, posts to theirs; found by fuzzing.)
                used[account] = (date, agreement)

    @functools.cached_property
    def all_owned(self) -> frozenset[str]:
        """The accounts of every agreement of the ledger, all dates."""
        return frozenset().union(*(terms.owned_set for terms in self.book.agreements.latest()))

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
            accounts |= agreement.owned_set
        have = _totals([p for p in actual if p.account in accounts])
        # The face leaving its receivable to the cent: a difference there is no rounding,
        # and would stay on the receivable for good, the sold invoice shown open.
        exact = {item.account for item in expected if item.part == "face"}
        lines = []
        summed: dict[str, Decimal] = {}
        for key in sorted(set(want) | set(have)):
            diff = have.get(key, ZERO) - want.get(key, ZERO)
            summed[key[1]] = summed.get(key[1], ZERO) + diff
            if abs(diff) > (ZERO if key[0] in exact else self.tolerance):
                lines.append(
                    f"{key[0]}: expected {want.get(key, ZERO):,.2f} {key[1]}, "
                    f"written {have.get(key, ZERO):,.2f} {key[1]} (difference {diff:+,.2f})"
                )
        for currency, total in summed.items() if not lines else ():
            if abs(total) > self.tolerance:
                # Each account within the tolerance, the whole beyond it: the cash is off.
                lines.append(
                    f"each account within the tolerance, but {total:+,.2f} {currency} in all "
                    f"(the cash is {-total:+,.2f} {currency} off what the agreement gives)"
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

    def check_state(self, state: InvoiceState, event: Event, action: str) -> bool:
        if (
            state.funded_on
            and not state.collected_on
            and not state.charged_back_on
            and not state.lost_on
        ):
            if state.received and action != "collected" and not _takes_the_rest(state, action):
                # Paid to us (misdirected.py): the factor's collection closes it, or, paid in
                # part, a chargeback or a credit loss of the rest.
                rest = _the_rest(state) if state.unpaid > 0 else ""
                if action == "bought out":
                    # (Linked or taken as one of all the old factor's open invoices: paid
                    # to us in full, as a part is bought with the rest.)
                    rest += (
                        "; nothing of it is left for the new factor to buy: link the other "
                        "invoices the buyout takes (not this one), and let the old factor "
                        "close this one"
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
        later = self.sold_later(state, event) if not state.funded_on else ended_hint(state, action)
        if not (state.funded_on or later) and self.waits_for_sale(state, event):
            return False  # Its schedule or deposit was refused: that error says what to do.
        if not (state.funded_on or later):
            later = self.unfunded_hint(state, event)
        if not (state.funded_on or later):
            # (A guess: the deposit may be something else, and the advice for a payment
            # the factor passed on still holds.)
            later = self.unallocated_hint(state, event)
            if action == "collected" and not state.scheduled_on:
                later += _NOT_FACTORED_PAID
        self.error(
            "FCT133",
            f"Invoice {state.invoice.number} cannot be {action}: it is {state.describe()}" + later,
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


def rewritten(
    entry: Transaction, links: frozenset[str], postings: list[Posting] | None = None
) -> Transaction:
    """``entry`` with these links (and postings): ``entry._replace`` without its map over
    every field, which the settlement calls once per invoice and event."""
    return Transaction(
        entry.meta,
        entry.date,
        entry.flag,
        entry.payee,
        entry.narration,
        entry.tags,
        links,
        entry.postings if postings is None else postings,
    )


# What to book instead of an event that comes after the invoice's life with its factor
# ended, by how it ended and the event: (ended, action) -> words.
_AFTER_THE_END = {
    ("charged back", "collected"): (
        "; since the chargeback the invoice is yours again, and so is what its customer "
        "pays the factor: book the factor's bank line that passes it on as a payment of "
        "its receivable (linking the invoice), with a posting to the factor's clearing "
        "account for what it keeps of the chargeback; if the factor takes the chargeback "
        "back before netting it, delete the chargeback event instead"
    ),
    ("charged back", "charged back"): "; the same chargeback booked twice? Delete one",
    ("charged back", "written off"): (
        "; since the chargeback the invoice is yours: a loss on it is your own bad debt, "
        "written off its receivable by a transaction of your own"
    ),
    ("written off", "written off"): "; the same credit loss booked twice? Delete one",
    ("written off", "collected"): (
        "; the factor bore the loss and owns the claim: what the customer pays it now is "
        "the factor's, and nothing is booked; book what the factor passes on to you of it "
        "as its bank line against the credit-losses account"
    ),
    ("collected", "charged back"): (
        "; the customer paid the factor, and what it kept back is the collected event's "
        "short pay (paid: on it), which the factor takes from the reserve or the next "
        "deposit: there is nothing left to charge back. Delete the chargeback, or correct "
        "the collected event if the customer did not pay the factor"
    ),
    ("collected", "written off"): (
        "; the customer paid the factor, and what it kept back is the collected event's "
        "short pay (paid: on it): there is nothing left to write off. Delete the credit "
        "loss, or correct the collected event if the customer did not pay the factor"
    ),
}
# A buyout takes the invoices still open with the old factor; one it collected or wrote
# off (its events of the buyout day come first) is no longer its to sell. (A buyout that
# links a charged-back invoice takes its chargeback over: handlers/buyout.py.)
for _ended_as in ("collected", "written off"):
    _AFTER_THE_END.setdefault(
        (_ended_as, "bought out"),
        f"; {_ended_as} before the buyout (the old factor's events of the buyout day come "
        "first), it is no longer the old factor's to sell: take its link off the buyout "
        "(a buyout that links no invoice takes what the old factor is still owed on it, "
        "with its other debts)",
    )


def _other_digit(first: str, second: str) -> bool:
    """True if two names of one length differ in one digit for another alone."""
    if len(first) != len(second):
        return False
    changed = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    return len(changed) == 1 and changed[0][0].isdigit() and changed[0][1].isdigit()


def _dropped(name: str) -> set[str]:
    """A name and each form of it with one letter dropped: two names a slip apart share
    one of these (a letter changed, added or dropped; two swapped)."""
    return {name, *(name[:at] + name[at + 1 :] for at in range(len(name)))}


def ended_hint(state: InvoiceState, action: str) -> str:
    """What to book instead of an event on an invoice whose life with its factor ended."""
    if state.lost_on:
        ended = "written off"
    elif state.charged_back_on:
        ended = "charged back"
    elif state.collected_on:
        ended = "collected"
    else:
        return ""
    return _AFTER_THE_END.get((ended, action), "")


def _takes_the_rest(state: InvoiceState, action: str) -> bool:
    """A chargeback (with recourse), a credit loss (without) or a buyout of what a
    customer that paid us in part left unpaid: what it paid us stays owed to the factor
    (a buyout's new factor pays it off with the rest: ``handlers/buyout.py``)."""
    return action in ("charged back", "written off", "bought out") and state.unpaid > 0


def _the_rest(state: InvoiceState) -> str:
    """What the factor may do with what a customer that paid us in part left unpaid: a
    factor with recourse charges it back, one without writes it off as a credit loss."""
    left = f"{state.unpaid:,.2f} {state.currency}"
    if state.agreement is not None and not state.agreement.recourse_days:
        return (
            f"; if the customer does not pay the {left} left (insolvent), the factor bears "
            'it: book a credit loss (factoring: "credit-loss")'
        )
    return f"; if the customer does not pay the {left} left, the factor may charge that back"


def _totals(postings: list[Posting]) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = {}
    for posting in postings:
        units = units_of(posting)
        if units is None:
            continue
        key = (posting.account, units[1])
        totals[key] = totals.get(key, ZERO) + units[0]
    return totals
