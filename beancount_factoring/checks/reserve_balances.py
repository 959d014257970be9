"""A factor's reserve statement beside the books: the reserve of a schedule not yet funded.

The plugin books a schedule's reserve on the day of the deposit that funds it; until
then the whole face is owed on the clearing account (docs/ledger.md 6.1). A factor's
reserve statement holds it from the purchase day. A `balance` assertion on the reserve
account dated between the two (a month end between a purchase on the 30th and its wire
on the 1st) holds the factor's figure: the books' reserve plus the reserves of the
schedules bought and not yet funded. When the assertion is exactly that, the factor and
the books agree: the plugin has Beancount check the books' part of it (the figure less
those reserves) and notes on the assertion which schedules make the difference
(`factoring-awaiting-funding`). Any other figure is left as written, for Beancount to
report; when such reserves explain part of the difference, or the figure lies between
the books' and the books' with them, the assertion Beancount prints under its failure
says so (`factoring-explained-in-part`): which part is those schedules' reserve, and
what is left that none explains.
"""

from __future__ import annotations

import bisect
import datetime
from decimal import Decimal
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.ledger.asserted import WRITTEN_KEY
from beancount_factoring.ledger.book import Book, units_of
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms import postings as P

ZERO = Decimal(0)
HALF_CENT = Decimal("0.005")
NOTE_KEY = "factoring-awaiting-funding"
PART_KEY = "factoring-explained-in-part"


class Waiting(NamedTuple):
    """The reserve of one scheduled invoice, held by the factor from its purchase day."""

    account: str
    currency: str
    bought: datetime.date
    funded: datetime.date | None
    closed: datetime.date | None
    schedule: str
    reserve: Decimal


def explained_balances(
    entries: list[data.Directive], book: Book, settlement: Settlement
) -> dict[int, data.Balance]:
    """The reserve assertions (by position) that hold the reserves of schedules bought and
    not yet funded on their date, and only those: each with the books' figure, noted.

    Only the assertions the books do not meet are looked at, each against running sums
    of the account's postings (a reserve statement imported every day asserts hundreds
    of balances: no walk of every invoice for each)."""
    asserted: dict[int, data.Balance] = {}
    for index in book.reserve_balances:
        entry = entries[index]
        if isinstance(entry, data.Balance) and entry.amount.number is not None:
            asserted[index] = entry
    if not asserted:
        return {}
    running = _running(entries, {entry.account for entry in asserted.values()})
    books: dict[int, Decimal] = {}
    for index, entry in asserted.items():
        figure = _before(running.get((entry.account, entry.amount.currency)), entry.date)
        if abs((entry.amount.number or ZERO) - figure) > HALF_CENT:
            books[index] = figure
    if not books:
        return {}
    days = sorted({asserted[index].date for index in books})
    waiting = [
        w
        for state in settlement.states.values()
        if _asserted_before_funding(state, days) and (w := _waiting(state)) is not None
    ]
    explained: dict[int, data.Balance] = {}
    for index, figure in books.items():
        entry = asserted[index]
        parts = [w for w in waiting if _held_then(w, entry)]
        written, currency = entry.amount.number or ZERO, entry.amount.currency
        held = sum((w.reserve for w in parts), ZERO)
        if not parts:
            continue
        meta = dict(entry.meta or {})
        if abs(written - held - figure) <= HALF_CENT:
            meta[NOTE_KEY] = _note(parts, held, written, currency)
            # (The figure as written: an importer finds the statement's assertion by it.)
            meta[WRITTEN_KEY] = entry.amount
            explained[index] = entry._replace(meta=meta, amount=Amount(written - held, currency))
        else:
            # (Left as written: Beancount reports it, printing this note with it.)
            meta[PART_KEY] = _in_part(parts, held, (written, figure), currency)
            explained[index] = entry._replace(meta=meta)
    return explained


def _before(
    running: tuple[list[datetime.date], list[Decimal]] | None, day: datetime.date
) -> Decimal:
    """The sum of an account's postings dated before ``day`` (a balance assertion holds at
    the start of its day), from its running sums."""
    if running is None:
        return ZERO
    days, sums = running
    at = bisect.bisect_left(days, day)
    return sums[at - 1] if at else ZERO


def _asserted_before_funding(state: InvoiceState, days: list[datetime.date]) -> bool:
    """True if a reserve assertion falls after the invoice's purchase, up to its funding."""
    bought = state.scheduled_on
    if bought is None:
        return False
    at = bisect.bisect_right(days, bought)
    return at < len(days) and (state.funded_on is None or days[at] <= state.funded_on)


def _waiting(state: InvoiceState) -> Waiting | None:
    """The reserve a scheduled invoice's factor holds from the purchase day (the books from
    its funding), or None."""
    agreement, bought = state.agreement, state.scheduled_on
    if agreement is None or bought is None or state.direct_paid > ZERO:
        return None
    split = state.factor_split or state.planned
    if split is None:
        split = P.purchase_split(agreement, state.face, state.currency)
    if split.reserve <= ZERO:
        return None
    closed = state.collected_on or state.charged_back_on or state.lost_on
    schedule = state.schedule or state.invoice.number
    return Waiting(
        agreement.reserve,
        state.currency,
        bought,
        state.funded_on,
        closed,
        schedule,
        split.reserve,
    )


def _held_then(waiting: Waiting, entry: data.Balance) -> bool:
    """True if at the start of the assertion's day the invoice was bought, and neither
    funded nor closed (a balance assertion holds at the start of its day)."""
    day = entry.date
    return (
        waiting.account == entry.account
        and waiting.currency == entry.amount.currency
        and waiting.bought < day
        and (waiting.funded is None or waiting.funded >= day)
        and (waiting.closed is None or waiting.closed >= day)
    )


def _running(
    entries: list[data.Directive], accounts: set[str]
) -> dict[tuple[str, str], tuple[list[datetime.date], list[Decimal]]]:
    """The running sums of the postings to these accounts (and their sub-accounts, as
    Beancount's balance check counts them), by asserted account and currency: each
    posting's date and the sum up to it, in date order."""
    dated: dict[tuple[str, str], list[tuple[datetime.date, Decimal]]] = {}
    prefixes = tuple(account + ":" for account in accounts)
    for entry in entries:
        if type(entry) is not data.Transaction:
            continue
        for posting in entry.postings:
            account = posting.account
            if account not in accounts and not account.startswith(prefixes):
                continue
            units = units_of(posting)
            if units is None:
                continue
            for asserted in accounts:
                if account == asserted or account.startswith(asserted + ":"):
                    dated.setdefault((asserted, units[1]), []).append((entry.date, units[0]))
    running: dict[tuple[str, str], tuple[list[datetime.date], list[Decimal]]] = {}
    for key, postings in dated.items():
        postings.sort(key=lambda dated_posting: dated_posting[0])
        total, sums = ZERO, []
        for _, number in postings:
            total += number
            sums.append(total)
        running[key] = ([day for day, _ in postings], sums)
    return running


def _note(parts: list[Waiting], held: Decimal, written: Decimal, currency: str) -> str:
    """What the factor's figure holds beyond the books', in words."""
    return (
        f"{held:,.2f} {currency} of the factor's {written:,.2f} {currency} is the reserve of "
        f"{_schedules(parts)}: the books hold it from the funding"
    )


def _in_part(
    parts: list[Waiting], held: Decimal, figures: tuple[Decimal, Decimal], currency: str
) -> str:
    """What of a failing assertion's difference from the books the reserves of schedules
    awaiting funding explain (the factor's statement holds them from the purchase day),
    and what none explains, in words."""
    written, books = figures
    difference, rest = written - books, written - books - held
    reserve = f"{held:,.2f} {currency}, the reserve of {_schedules(parts)}"
    told = (
        f"The factor's {written:,.2f} {currency} differs from the books' {books:,.2f} "
        f"{currency} by {difference:+,.2f} {currency}. The factor's statement holds "
        f"{reserve} from the purchase day, the books from the funding"
    )
    if rest > 0 and difference > 0:
        return (
            f"{told}: that explains {held:,.2f} {currency} of it; the other {rest:,.2f} "
            f"{currency} is not explained (the factor holds it and the books do not: a "
            "holdback the books lack, or a fee or release they book that the factor did not "
            "take)"
        )
    # (Below the books' figure with those reserves: else it was explained, or above.)
    return (
        f"{told}: with it the books would hold {books + held:,.2f} {currency}, and the "
        f"factor's figure is {-rest:,.2f} {currency} less than that, not explained (a fee "
        "or a release the factor took that the books lack, a holdback booked twice, or a "
        "statement that does not hold the schedule's reserve yet)"
    )


def _schedules(parts: list[Waiting]) -> str:
    """The schedules of the reserves awaiting funding, each with its days, in words."""
    schedules: dict[str, Waiting] = {}
    for part in parts:
        schedules.setdefault(part.schedule, part)
    named = ", ".join(
        f"{name} (bought {w.bought}, " + (f"funded {w.funded})" if w.funded else "not yet funded)")
        for name, w in schedules.items()
    )
    which = "schedule" if len(schedules) == 1 else "schedules"
    return f"{which} {named}"
