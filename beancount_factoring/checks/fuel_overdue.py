"""FCT163: a fuel advance neither recouped nor repaid past its deadline.

A fuel advance waits for the funding of its load's invoice, which recoups it. One
whose load no invoice of the ledger has, or whose invoice is never sold (or sold
and never funded), would wait forever, a debt to the factor listed as open with no
word: the factor asks for it back sooner or later (from a rebate, as a
chargeback). So once it is older than its agreement's ``fuel-advance-days`` (by
default ``recourse-days``: see ``Agreement.fuel_days``), as of the ledger's last
date (or the plugin config's ``as-of``), it is an error on the advance's line,
naming what is missing. Inside the days it is no error: the load may not be
delivered yet.

An advance another error of the run speaks for already is not reported twice
(``Said``): one on an invoice whose schedule FCT162 reports not funded (booking
that funding recoups it), or one followed by an entry FCT134 reports written by
hand on the fuel-advances account (a repayment typed, which the plugin does not
read: written as an event, it repays the advance).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from beancount.core import data

from beancount_factoring.errors import FactoringError, error_code, make_error
from beancount_factoring.ledger.book import Book
from beancount_factoring.settlement.owed import FuelAdvance
from beancount_factoring.settlement.state import InvoiceState, Settlement


def fuel_deadline(
    book: Book, factor: str, date: datetime.date, currency: str
) -> tuple[datetime.date, str] | None:
    """The last day a fuel advance of ``date`` may wait for its recoup, and where the days
    come from (the terms in force on its day); None when they give no limit."""
    _, terms = book.agreements.in_force(factor, date, currency)
    days = terms.fuel_days() if terms is not None else None
    if days is None:
        return None
    return date + datetime.timedelta(days=days[0]), days[1]


@dataclass(frozen=True)
class Said:
    """What the run's other errors say already of open fuel advances: the schedule
    events FCT162 reports not funded (by ``id``), and the last day of an entry FCT134
    reports written by hand on each account (a fuel-advances account's: a repayment
    typed). Made by ``said_by`` from the errors shown (not those switched off)."""

    schedules: frozenset[int] = frozenset()
    by_hand: dict[str, datetime.date] = field(default_factory=dict)

    def speaks_for(self, advance: FuelAdvance, state: InvoiceState | None, account: str) -> bool:
        """Whether an error said already is the word on this late advance."""
        if state is not None and id(state.scheduled_by) in self.schedules:
            return True
        return self.by_hand.get(account, datetime.date.min) >= advance.date


def said_by(unfunded: Iterable[FactoringError], by_hand: Iterable[FactoringError]) -> Said:
    """``Said`` of the FCT162 errors of unfunded schedules and the FCT134 errors of
    entries written by hand on a fuel-advances account."""
    schedules = frozenset(id(e.entry) for e in unfunded if error_code(e) == "FCT162")
    days: dict[str, datetime.date] = {}
    for error in by_hand:
        entry = error.entry
        if error_code(error) != "FCT134" or not isinstance(entry, data.Transaction):
            continue
        for posting in entry.postings:
            days[posting.account] = max(days.get(posting.account, entry.date), entry.date)
    return Said(schedules, days)


def check_fuel_overdue(
    settlement: Settlement, book: Book, as_of: datetime.date, said: Said | None = None
) -> list[FactoringError]:
    """FCT163 on the oldest open fuel advance of each load past its deadline on ``as_of``,
    but for one an error ``said`` already speaks for."""
    said = said or Said()
    errors = []
    for factor, advances in settlement.fuel_open.items():
        for advance in advances.values():
            if advance.open_on(as_of) > 0:
                errors.extend(_late(book, factor, advance, None, as_of, said))
    for state in settlement.states.values():
        if state.fuel and state.funded_on is None and state.factor is not None:
            oldest = state.oldest_fuel()
            if oldest is not None:
                errors.extend(_late(book, state.factor, oldest, state, as_of, said))
    return errors


def _late(
    book: Book,
    factor: str,
    advance: FuelAdvance,
    state: InvoiceState | None,
    as_of: datetime.date,
    said: Said,
) -> list[FactoringError]:
    """FCT163 for one advance, if it is past its deadline on ``as_of``."""
    deadline = fuel_deadline(book, factor, advance.date, advance.currency)
    if deadline is None or as_of <= deadline[0]:
        return []
    if said.speaks_for(advance, state, _account(book, factor, advance, state)):
        return []
    name = book.agreements.display(factor)
    open_ = advance.amount - advance.repaid
    left = f" ({open_:,.2f} {advance.currency} of it is still open)" if advance.repaid else ""
    on = f"load {advance.load}" if state is None else f"invoice {state.invoice.number}"
    if state is not None and advance.load:
        on += f" (load {advance.load})"
    message = (
        f"This fuel advance of {advance.amount:,.2f} {advance.currency} on {on} from "
        f"'{name}', on {advance.date}, {(as_of - advance.date).days} days before {as_of}, is "
        f"past its deadline ({deadline[1]}) and neither recouped nor repaid{left}: "
        f"{_why(state, name)}. {_fix(state, advance)}"
    )
    return [make_error("FCT163", message, advance.entry.meta, advance.entry)]


def _account(book: Book, factor: str, advance: FuelAdvance, state: InvoiceState | None) -> str:
    """The fuel-advances account the advance is on: its invoice's, else that of the
    terms in force on its day."""
    if state is not None and state.fuel_account:
        return state.fuel_account
    _, terms = book.agreements.in_force(factor, advance.date, advance.currency)
    return terms.fuel_advances if terms is not None else ""


def _why(state: InvoiceState | None, name: str) -> str:
    """Why no funding has recouped the advance."""
    if state is None:
        return "no invoice of the ledger has its load, so no funding recouped it"
    if state.direct_paid and state.scheduled_on is None:
        # (A payment, a credit note or a write-off alike: the books do not say which.)
        return (
            f"{state.direct_paid:,.2f} {state.currency} of it is paid to you or credited, "
            "so no funding will recoup it"
        )
    if state.scheduled_on is None:
        return f"the invoice is not sold to '{name}', so no funding recouped it"
    schedule = f"schedule {state.schedule}" if state.schedule else "the schedule"
    return f"{schedule} of {state.scheduled_on} that sold the invoice is not funded"


def _fix(state: InvoiceState | None, advance: FuelAdvance) -> str:
    """What to book: what recoups the advance, or its repayment."""
    repay = (
        "or, if the factor took it back otherwise, its repayment: a fuel-advance event "
        "with the load and the bank posting alone, negative"
    )
    if state is None:
        load = f'load: "{advance.load}"' if advance.load else "the load"
        return f"Book the load's invoice with {load} and its sale, {repay}"
    if state.direct_paid and state.scheduled_on is None:
        return (
            "Book the advance's repayment: a fuel-advance event with the load and the bank "
            "posting alone, negative (a rebate paid short by it: two bank lines, the "
            "release and the repayment)"
        )
    if state.scheduled_on is None:
        return f"Book the invoice's sale (a schedule, or the deposit that funds it), {repay}"
    return f"Book the deposit that funds it, {repay}"


__all__ = ["Said", "check_fuel_overdue", "fuel_deadline", "said_by"]
