"""The factoring facts of a ledger: agreements, invoices and events.

This is the one module that reads factoring facts from Beancount entries; the
plugin, checks and reports ask it instead of looking at metadata themselves.
It makes two linear passes: one for the agreements (so that invoices dated
before their agreement are still recognised), one for everything else.

What it recognises:

- an *invoice*: a transaction with ``invoice: "INV-1001"`` metadata and a
  posting to a receivable account (under ``Assets:Receivable`` or an
  agreement's ``receivables`` prefix);
- an *event*: a transaction marked ``factoring: "schedule"``, ``"funding"``,
  ``"collected"``, ``"release"``, ``"chargeback"``, ``"misdirected-payment"``…;
- a *lump sum*: an unmarked transaction that posts to a factor's clearing or
  reserve account and to a bank account, or that names what it settles;
- a *payment*: any other transaction that credits a receivable account with an
  invoice's link (the debtor paid us directly);
- a *remittance*: any other transaction that posts to a factor's ``due-to-factor``
  account (a payment for the factor's invoice that reached us, forwarded to it),
  one event per currency it posts there in;
- a *deposit to income*: a bank credit from a factor's payee booked to Income.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple, cast

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.errors import FactoringError, as_written, make_error
from beancount_factoring.ledger.loads import load_key
from beancount_factoring.ledger.typed import TypedNumbers
from beancount_factoring.terms import spelling
from beancount_factoring.terms.agreement import (
    DEFAULT_ROOTS,
    DIRECTIVE,
    OFFER_DIRECTIVE,
    Agreement,
    Agreements,
    Roots,
    account_component,
    parse_agreement,
    written_currency,
)
from beancount_factoring.terms.currencies import KnownCurrencies
from beancount_factoring.terms.fees import CENT, WHOLE, not_whole, whole_units

EVENT_KINDS = (
    "schedule",
    "funding",
    "collected",
    "release",
    "chargeback",
    "fuel-advance",
    "credit-loss",
    "fee",
    "buyout",
    "misdirected-payment",
)
SCHEDULE_LINK_PREFIX = "sched-"
ZERO = Decimal(0)
WATCHED, OWN, RESERVE, BANK, INCOME, DUE, RECEIVABLE = 1, 2, 4, 8, 16, 32, 64
# The keys the plugin reads on an invoice (``checks/keys.py`` reports the others that
# look misspelt) and, with them, those Beancount gives every entry (its own keys of
# "__" are never reported): an invoice's metadata with no key beyond these has nothing
# to report, which is tested as it is read (see ``Book.other_keys``).
INVOICE_KEYS = frozenset(("invoice", "customer", "due", "load", "debtor-mc"))
SOURCE_KEYS = frozenset(("filename", "lineno", "__tolerances__", "__automatic__"))
_INVOICE_QUIET = INVOICE_KEYS | SOURCE_KEYS
# The invoice's keys read under its receivable posting too, where its date line does not
# give them (``invoice:`` there names an invoice of its own: FCT134).
_POSTED_KEYS = ("due", "customer", "load")
# The keys of a deposit or payment that cannot be ``factoring:`` misspelt: where most
# transactions stop (one subset test). See ``_misspelt_event``.
_LUMP_QUIET = SOURCE_KEYS | {"schedule", "import-id", "factor", "paid", "invoice"}
_EVENT_KEY = frozenset(("factoring",))
# An equity account of opening balances is named for them: "Opening" (``Equity:Opening``,
# ``Equity:Opening-Balances``), a balance "Beginning", "Starting", "Previous", "Prior" or
# "Initial" (``Equity:Beginning-Balances``, ``Equity:Balances:Previous``,
# ``Equity:Initial-Balance``), earnings "Retained", "Previous", "Prior" or "Initial"
# (``Equity:Retained-Earnings``, ``Equity:Earnings:Previous``,
# ``Equity:Prior-Years-Earnings``), ``Retained-Income``, or "Retained" as a whole part of
# the name (``Equity:Retained``). Those words alone are none: ``Equity:Owner:Previous-Draws``,
# ``Equity:Owner:Prior-Draws``, ``Equity:Starting-Capital`` or
# ``Equity:Partners:Retained-Distributions`` may take a part of a factor's deposit.
# (And the year-end close that mirrors them: ``Equity:Closing-Balances``, a balance
# ``Carried-Forward`` or ``Brought-Forward``, moves the balance sheet out on the last day.
# "Carried" or "brought" alone is no close: ``Equity:Partners:Carried-Interest`` or
# ``Equity:Owner:Capital-Brought-In`` may take a part of a factor's deposit.)
_OPENING_WORDS = re.compile(
    r"(?i)opening|closing"
    r"|(?:beginning|starting|previous|prior|initial)[-_: ]?(?:years?[-_: ]?)?balances?"
    r"|balances?[-_: ]?(?:beginning|starting|previous|prior|initial)"
    r"|(?:retained|previous|prior|initial)[-_: ]?(?:years?[-_: ]?)?(?:earnings|profits?)"
    r"|(?:earnings|profits?)[-_: ]?(?:retained|previous|prior|initial)"
    r"|retained[-_: ]?income|:retained(?::|$)"
    r"|(?:carried|brought)[-_ ]?(?:forward|down|over)"
)
# Those of a year's close alone (the opening balances' account is named for a hint).
_CLOSING_WORDS = re.compile(r"(?i)closing|(?:carried|brought)[-_ ]?(?:forward|down|over)")
_EVENT_KIND_SET = frozenset(EVENT_KINDS)
_LINK_RE = re.compile(r"[A-Za-z0-9\-_/.]+")
# What a link cannot hold, and what separates the ids of ``schedule:``.
_NOT_LINK_RE = re.compile(r"[^A-Za-z0-9\-_/.]")
_SCHEDULE_SEPARATORS = re.compile(r"[,\s]+")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DIGITS_RE = re.compile(r"(\d+)")
# The largest amount the plugin books: 15 digits before the decimal point, 10 after,
# as the importers read them. Fees, shares and sums of larger ones pass the 28 digits
# of Python's decimals and cannot be rounded to the cent.
AMOUNT_DIGITS = 15
AMOUNT_PLACES = 10


def fits(number: Decimal) -> bool:
    """True if the number is an amount the plugin can compute with (see AMOUNT_DIGITS)."""
    if number.same_quantum(CENT):
        # (The usual amount, in cents: finite, its exponent -2. as_tuple builds a tuple
        # of its digits for the exponent alone.)
        return number.adjusted() < AMOUNT_DIGITS
    exponent = number.as_tuple().exponent
    return (
        number.is_finite()
        and number.adjusted() < AMOUNT_DIGITS
        and isinstance(exponent, int)
        and exponent >= -AMOUNT_PLACES
    )


# Within one day, events are applied in this order, so that a funding can net
# a chargeback or release booked on the same day.
# (Tens, so that the old factor's events of a buyout's day fit in before the buyout.)
RANK = {
    "invoice": 0,
    "payment": 10,
    "misdirected-payment": 10,
    "remittance": 30,
    "fuel-advance": 30,
    "schedule": 30,
    "buyout": 40,
    "chargeback": 60,
    "collected": 70,
    "credit-loss": 70,
    "fee": 70,
}
# A payment taken back (a check returned unpaid): after the day's payments, whatever
# their order in the file, so that it gives back what its own check paid.
TAKE_BACK_RANK = 20
# A part paid to the factor (collected, partial: TRUE): before the chargeback or the
# credit loss of the rest and the last payment of its day, as a payment to us of that
# day is, whatever their order in the files (after a buyout: the new factor's).
PART_RANK = 50
# The old factor's own chargebacks, payments collected, credit losses and fees of the
# day it is bought out (named by factor:, account or payee): before the buyout, in
# their order among themselves (35, 36, 37), since its payoff letter counts them;
# the buyout takes over what they leave owed, as it does the earlier days' (ledger.md
# 6.12). Its deposits of that day stay after the buyout: they net what they name.
BEFORE_BUYOUT = {PART_RANK: 35, RANK["chargeback"]: 36, RANK["fee"]: 37}
LUMP_RANK = 80
# A deposit that names nothing is allocated by amount to what is still open: after the
# day's deposits that name what they settle (those are facts; an allocation is a guess
# that must not take an item a named deposit of the same day settles).
UNNAMED_RANK = 90
# A monthly minimum dated the last day of its month (a month-end statement) is worked
# out from the whole month: after every deposit of that day, named or not.
MONTH_END_RANK = 100
MONTH_MINIMUMS = ("minimum-volume", "monthly-minimum-fee")
PERIOD_RE = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
# The source beancount.plugins.auto_accounts gives the ``open`` directives it adds.
AUTO_OPEN_SOURCE = "<auto_accounts>"


class Invoice(NamedTuple):
    """An invoice transaction and the facts the factoring rules need."""

    number: str
    position: int
    entry: data.Transaction
    face: Amount
    account: str
    customer: str
    due: datetime.date | None
    load: str | None = None


@dataclass(slots=True)
class Event:
    """A transaction that changes the factoring state of some invoices."""

    kind: str
    index: int
    entry: data.Transaction
    factor: str | None = None
    invoices: tuple[str, ...] = ()
    schedules: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    # Links naming a fee the factor charged apart from any invoice (a fee event's link).
    charges: tuple[str, ...] = ()
    amount: Decimal | None = None
    currency: str | None = None
    date: datetime.date = field(init=False)
    rank: int = field(init=False)

    def __post_init__(self) -> None:
        self.date = self.entry.date
        self.rank = RANK.get(self.kind, LUMP_RANK)
        if self.kind == "collected" and self.entry.meta.get("partial") is True:
            self.rank = PART_RANK


# (An attrgetter, not a lambda: the key of every event, made in C.)
_EVENT_ORDER = operator.attrgetter("date", "rank", "index")


@dataclass
class Book:
    """Everything factoring-related in a list of entries."""

    agreements: Agreements = field(default_factory=Agreements)
    invoices: dict[str, Invoice] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    income_deposits: list[tuple[int, str]] = field(default_factory=list)
    # A factor's deposits that name nothing, to another asset account than a factor's
    # bank or paying down a liability: the position, the factor, that account and
    # whether it is a liability (FCT151).
    elsewhere_deposits: list[tuple[int, str, str, bool]] = field(default_factory=list)
    errors: list[FactoringError] = field(default_factory=list)
    opened: set[str] = field(default_factory=set)
    first_use: dict[str, datetime.date] = field(default_factory=dict)
    reserve_entries: list[int] = field(default_factory=list)
    # The ``balance`` assertions on a factor's reserve account: a factor's statement
    # holds a schedule's reserve from the purchase day (checks/reserve_balances.py).
    reserve_balances: list[int] = field(default_factory=list)
    # The payments that credit a receivable more than the faces of the invoices they link
    # there (one check for your invoice and a factored one): judged by the receivable's
    # balance (checks/held_receivables.py).
    beyond_linked: set[int] = field(default_factory=set)
    # What the payments read so far credited each invoice (by number), shared oldest
    # first up to each face: a later payment is beyond what it links when it credits
    # more than they still owe, not more than their faces.
    linked_paid: dict[str, Decimal] = field(default_factory=dict)
    # Invoice numbers by their ``load:``, by ``load_key`` (a fuel advance names its load).
    loads: dict[str, str] = field(default_factory=dict)
    # The loads written on several invoices (a rebill, a detention invoice), by
    # ``load_key``: their invoice numbers in the ledger's order.
    shared_loads: dict[str, list[str]] = field(default_factory=dict)
    # The links of the fee and buyout events: a deposit that nets their fee names them.
    charge_links: set[str] = field(default_factory=set)
    # Each fee or buyout event's own key (by its index): the link of the fee it
    # charges (``charge_link``), one per event of a factor.
    charge_keys: dict[int, str] = field(default_factory=dict)
    # The fee or buyout event of each factor's charge link.
    charge_sources: dict[tuple[str | None, str], data.Transaction] = field(default_factory=dict)
    # The transactions other than invoices that post to a receivable account.
    receivable_entries: list[int] = field(default_factory=list)
    # Other factors' offers (``factoring-offer``), by lower-cased name, then by currency
    # (None: the terms of an offer without ``currency:``), the latest of each kept: one
    # offer may give its terms per currency, as an agreement does. Read for the
    # comparison report only, never applied.
    offers: dict[str, dict[str | None, Agreement]] = field(default_factory=dict)
    # The invoices whose metadata has keys the plugin does not read, in the order of
    # ``invoices``: the few that ``checks/keys.py`` looks at (tested while each
    # invoice's metadata is at hand, not in a pass of its own).
    other_keys: list[str] = field(default_factory=list)
    # The ledger's root accounts (``option "name_income" "Ertrag"`` renames one): what
    # tells revenue or an expense from an asset wherever an account's kind matters.
    roots: Roots = DEFAULT_ROOTS
    # The ``close`` of each receivable account: a payment of an invoice on one closed
    # says where the invoice is (``_elsewhere_credited``).
    closed: dict[str, data.Close] = field(default_factory=dict)
    # The letters of the ledger's invoice numbers (``INV-1001``: "inv"), made at the
    # first unknown link an error names (``own_link``).
    number_letters: set[str] | None = None
    # The transactions written by hand to a factor's clearing or reserve account that
    # are no event, deposit or opening balance (checks/hand_entries.py).
    hand_entries: list[int] = field(default_factory=list)
    # Those of them that post to a reserve account (a reserve ledger's fee of no invoice,
    # imported): the FCT101 of a release the factor netted one from names it.
    reserve_by_hand: list[data.Transaction] = field(default_factory=list)
    # The opening balances on a factor's own accounts (from an equity account of
    # opening balances): never reported, but counted with the entries written by hand.
    opening_entries: list[int] = field(default_factory=list)
    # Those of them that post to a factor's reserve account: a reserve carried in, which
    # a later release that names nothing takes back (its FCT103 says so).
    carried_reserves: list[data.Transaction] = field(default_factory=list)
    # The ``pad`` directives: Beancount pads after the plugins (checks/pads.py).
    pads: list[data.Pad] = field(default_factory=list)
    # Those of them from an equity account of opening balances: a balance carried in.
    opening_pads: list[data.Pad] = field(default_factory=list)
    # The first day of opening balances (a transaction naming nothing, or a pad, from an
    # equity account of opening balances): an invoice a later event names and the ledger
    # does not know may be one from before the books' start (FCT132 says how to write it).
    books_start: datetime.date | None = None
    # The equity accounts of those opening balances, each with the first day it is used:
    # a hint that asks for one more names the ledger's own (``books_opening_account``).
    opening_accounts: dict[str, datetime.date] = field(default_factory=dict)
    # The ``open`` directives beancount.plugins.auto_accounts made (listed before this
    # plugin), by account: each dated the ledger's first use, by position.
    auto_opens: dict[str, int] = field(default_factory=dict)
    # The broken agreements (FCT110), each with the prefixes of its default accounts and
    # the accounts it names: the plugin opens those the ledger posts to, so that the
    # agreement's error is not followed by Beancount's "unknown account" on each.
    broken: list[tuple[data.Custom, tuple[str, ...], frozenset[str]]] = field(default_factory=list)
    # How many postings and balance assertions of the ledger use each factor's account:
    # an account whose every use a split replaced is not opened (``plugin._unused``).
    uses: dict[str, int] = field(default_factory=dict)
    # The text typed for an ``invoice:`` Beancount read as a number (ledger/typed.py).
    typed: TypedNumbers = field(default_factory=TypedNumbers)
    # The invoices one of whose receivable postings holds a cost (``2000.00 CAD {0.74
    # USD}``): noted as each invoice is read, so that the settlement looks for the cost
    # (``handlers/schedule.py``) in these few alone, not in every invoice's postings.
    costed: set[str] = field(default_factory=set)
    # The invoice numbers by their case-folded, stripped form, made when a payment's
    # posting or link names no invoice (``_near_invoices``): ``inv-1001`` most likely
    # means INV-1001.
    folded: dict[str, list[str]] | None = None
    # The transactions refused as they were read, with an error at their line (an
    # invoice: that is no invoice, a factoring: misspelt) or at their broken agreement's:
    # each with its kind ("invoice", "deposit", or the factoring: value as written), the
    # names it gives (invoice numbers, ``sched-`` and a schedule) and the code of that
    # error. The events that name them wait for them without an error of their own
    # (``ledger/refused.py``).
    refused: list[tuple[data.Transaction, str, tuple[str, ...], str]] = field(default_factory=list)
    # The entries read, and the ledger's files (the plugin's ``include``): an event that
    # waits for an entry Beancount could not read finds it there (``ledger/refused.py``).
    entries: list[data.Directive] | None = None
    sources: tuple[str, ...] = ()
    # The invoices refused for posting to no receivable account, with their error: the
    # receivables of an agreement Beancount could not read take that error back
    # (``plugin._unread_receivables``).
    unposted: list[tuple[data.Transaction, FactoringError]] = field(default_factory=list)

    def ordered_events(self) -> list[Event]:
        """Events by date, then by kind (see RANK), then by position."""
        return sorted(self.events, key=_EVENT_ORDER)


# A chargeback of the short pay of its day: after the collected event of that day.
AFTER_SHORT_PAY_RANK = 71


def _short_pays(book: Book) -> dict[tuple[datetime.date, str], Amount]:
    """What each invoice's closing ``collected`` event with ``paid:`` leaves unpaid, by
    its day and number: the face less that payment and the parts paid before it."""
    parts: dict[str, Decimal] = {}
    shorts: dict[tuple[datetime.date, str], Amount] = {}
    for event in book.ordered_events():
        paid = event.entry.meta.get("paid")
        if event.kind != "collected" or len(event.invoices) != 1 or not isinstance(paid, Amount):
            continue
        invoice = book.invoices.get(event.invoices[0])
        if invoice is None or paid.number is None or paid.currency != invoice.face.currency:
            continue
        before = parts.get(invoice.number, Decimal(0))
        if event.rank == PART_RANK:
            parts[invoice.number] = before + paid.number
        elif invoice.face.number is not None:
            unpaid = invoice.face.number - before - paid.number
            shorts[(event.date, invoice.number)] = Amount(unpaid, paid.currency)
    return shorts


def _short_pay_chargebacks(book: Book) -> None:
    """Rank after the collected event of its day a chargeback whose factor's figure
    (``recourse-amount:``) is that event's short pay: a factor's recourse report lists
    the short it took back, which the collected event books; applied first, it would
    charge back the whole invoice and refuse the payment."""
    chargebacks = [
        event
        for event in book.events
        if event.kind == "chargeback"
        and event.rank == RANK["chargeback"]
        and len(event.invoices) == 1
        and isinstance(event.entry.meta.get("recourse-amount"), Amount)
    ]
    if not chargebacks:
        return
    shorts = _short_pays(book)
    for event in chargebacks:
        figure = event.entry.meta["recourse-amount"]
        short = shorts.get((event.date, event.invoices[0]))
        if short is not None and short.number and short.number > 0 and figure == short:
            event.rank = AFTER_SHORT_PAY_RANK


def _before_buyouts(book: Book) -> None:
    """Rank the old factor's own events of a buyout's day before the buyout (see
    BEFORE_BUYOUT); FCT134 on its monthly minimum of that day, which cannot be."""
    buyouts: dict[tuple[datetime.date, str], Event] = {}
    # Those of all the old factor's invoices (no links): they alone take its fees.
    whole: dict[tuple[datetime.date, str], Event] = {}
    for event in book.events:
        if event.kind == "buyout":
            old = event.entry.meta.get("from")
            if isinstance(old, str) and book.agreements.known(old):
                key = (event.date, old.strip().lower())
                buyouts.setdefault(key, event)
                if not event.invoices:
                    whole.setdefault(key, event)
    if not buyouts:
        return
    for event in book.events:
        buyout = buyouts.get((event.date, event.factor or ""))
        if buyout is None:
            continue
        if event.rank in BEFORE_BUYOUT and event.kind != "payment":
            event.rank = BEFORE_BUYOUT[event.rank]
        elif event.rank == MONTH_END_RANK and (
            taker := whole.get((event.date, event.factor or ""))
        ):
            # (A buyout that links its invoices takes none of the old factor's fees:
            # the minimum stays the old factor's, as it should.)
            book.errors.append(_minimum_on_buyout_day(book, event, taker))


def _minimum_on_buyout_day(book: Book, event: Event, buyout: Event) -> FactoringError:
    """FCT134: the old factor's monthly minimum dated its buyout's day. Worked out after
    that day's deposits and the buyout (whose fees to the day count in it), it cannot
    be before the buyout, which would take it over: it would stay owed to the old
    factor in silence, out of the payoff."""
    entry, names = event.entry, book.agreements
    where = f"{buyout.entry.meta.get('filename')}:{buyout.entry.meta.get('lineno')}"
    old, new = names.display(event.factor), names.display(buyout.factor)
    message = (
        f"This {entry.meta.get('charge')} fee of '{old}' is dated {event.date}, the day "
        f"'{new}' bought '{old}' out ({where}): a monthly minimum dated its month's last "
        "day is worked out after that day's deposits and buyout, so the buyout cannot take "
        f"it over, and it would stay owed to '{old}', out of the payoff. If the payoff "
        f"letter counts it, date the buyout the next day "
        f"({event.date + datetime.timedelta(days=1)}); if '{old}' charged it after the "
        "payoff, date it the day it charged it"
    )
    return make_error("FCT134", message, entry.meta, entry)


def in_order(size: int, *groups: Iterable[int]) -> Iterator[int]:
    """The positions of ``groups`` (below ``size``), each once, in ascending order.

    Marked in a bytearray rather than gathered in a set and sorted: at 100k invoices a
    set of their positions is megabytes at the plugin's peak, a bytearray one byte each.
    """
    marks = bytearray(size)
    for group in groups:
        for index in group:
            marks[index] = 1
    return itertools.compress(range(size), marks)


def units_of(posting: data.Posting) -> tuple[Decimal, str] | None:
    """A posting's number and currency, or None when it has no number."""
    units = posting.units
    if units is None or not isinstance(units.number, Decimal):
        return None
    return units.number, units.currency


def schedule_ids(value: Any) -> tuple[str, ...]:
    """Read ``schedule: "10452, 10453"`` (or a bare number) as schedule ids."""
    if value is None:
        return ()
    if isinstance(value, Decimal):
        return (str(value),)
    return tuple(part for part in _SCHEDULE_SEPARATORS.split(str(value)) if part)


def schedule_link(schedule: str) -> str:
    """The link the plugin adds for a schedule: ``sched-10452``."""
    # (Most ids are a link's characters already: one match, no substitution.)
    if _LINK_RE.fullmatch(schedule):
        return SCHEDULE_LINK_PREFIX + schedule
    return SCHEDULE_LINK_PREFIX + _NOT_LINK_RE.sub("-", schedule)


def refused_names(entry: data.Transaction) -> tuple[str, ...]:
    """The names a refused event gives: its links, and its schedules as ``sched-`` links."""
    names = list(entry.links)
    names.extend(schedule_link(each) for each in schedule_ids(entry.meta.get("schedule")))
    return tuple(names)


def natural_key(number: str) -> tuple[str | int, ...]:
    """The order of invoice numbers as a person reads them: INV-9 before INV-10 (each run
    of digits compared as a number)."""
    # (Split on a group, the runs of digits are the odd parts.)
    parts = _DIGITS_RE.split(number)
    return tuple(int(part) if index % 2 else part for index, part in enumerate(parts))


def charge_link(entry: data.Transaction) -> str:
    """The link of the fee a fee or buyout event charges, which the deposit netting it names.

    A buyout's is ``buyout-2025-07-01`` (its own links name the invoices it
    moves). A fee event's is its own link if it has one (the first in order, or the
    first that starts with ``fee-``, so that linking an invoice too keeps it),
    else one made from the date and the charge: ``fee-2025-04-01-minimum-volume``.
    The plugin adds it to the event, so Fava's link view joins the two.
    """
    if entry.meta.get("factoring") == "buyout":
        return f"buyout-{entry.date}"
    if entry.links:
        # A fee event that links the invoice it was deducted from keeps its own link.
        links = sorted(entry.links)
        return next((link for link in links if link.startswith("fee-")), links[0])
    charge = re.sub(r"[^A-Za-z0-9\-_/.]", "-", str(entry.meta.get("charge", "other")))
    return f"fee-{entry.date}-{charge}"


def read_book(
    entries: list[data.Directive],
    roots: Roots = DEFAULT_ROOTS,
    known: KnownCurrencies | None = None,
) -> Book:
    """Read the factoring facts of a ledger.

    Args:
      entries: The entries after booking, as a plugin receives them.
      roots: The ledger's root accounts (``roots_of(options_map)``).
      known: The currencies of the ledger, when ``entries`` are only a part of it (the
        agreements alone): a word after an agreement's name is one of them or none.
    Returns:
      A Book; its ``errors`` hold the malformed agreements and invoices.
    """
    book = Book(roots=roots, entries=entries)
    _read_agreements(book, entries, roots, known or KnownCurrencies(entries))
    accounts = _AccountKinds(book.agreements.latest(), roots, _broken_receivables(book))
    pending = _read_transactions(book, entries, accounts)
    _read_payments(book, pending.payments, accounts)
    for event in book.events:
        if event.kind != "payment":
            _resolve(book, event)
            if event.rank == LUMP_RANK and not (
                event.invoices or event.schedules or event.charges or event.unknown
            ):
                event.rank = UNNAMED_RANK
    _before_buyouts(book)
    _short_pay_chargebacks(book)
    _unquoted_on_postings(book)
    unknown = {link for event in book.events for link in event.unknown}
    if unknown:
        _numbers_written_elsewhere(book, entries, unknown, accounts)
        _numbers_in_another_case(book, unknown)
    for event in pending.remittances:
        # A remittance's amount is what it forwards, whatever its ``paid:`` says.
        amount, currency = event.amount, event.currency
        _resolve(book, event)
        event.amount, event.currency = amount, currency
        book.events.append(event)
    return book


def _unquoted_on_postings(book: Book) -> None:
    """FCT134 on an event whose posting names its invoice without quotes (``invoice:
    001023``, a number to Beancount) that lost what was typed (its zeros, a separator):
    the factor's figures on a schedule's posting, a misdirected payment's share on the
    due-to-factor account. It is read as the invoice's own unquoted number is, as the
    invoice booked under that number (``str``), and plain digits typed so (``invoice:
    1023``, read back from the file: ``ledger/typed.py``) are that invoice with no error.
    (A payment's receivable posting is read in ``_named_postings``.)"""
    read: set[int] = set()
    for event in book.events:
        if event.kind == "payment" or event.index in read:
            continue
        # (A remittance is one event per currency: its entry is read once.)
        read.add(event.index)
        entry = event.entry
        for posting in entry.postings:
            meta = posting.meta or {}
            number = meta.get("invoice")
            if not isinstance(number, Decimal):
                continue
            written = book.typed.typed(meta, "invoice")
            if written == str(number):
                continue  # (plain digits typed so lose nothing: the invoice's number)
            problem = unquoted_problem(number, f"is read as invoice {number}", typed=written)
            message = f"This posting's {problem}"
            # (At the posting's own line: a schedule has a posting an invoice.)
            line = meta.get("lineno")
            book.errors.append(make_error("FCT134", message, entry.meta, entry, line))


def _numbers_written_elsewhere(
    book: Book, entries: list[data.Directive], unknown: set[str], accounts: _AccountKinds
) -> None:
    """FCT134 on a transaction that bills a receivable without ``invoice:`` while it holds
    a number an event links and no invoice has: under another key (``invoice_number:``,
    ``inv:``), on its posting, or in its narration (``Load INV-1003``: one such number, in
    no opening balance). It is no invoice for the plugin; this names the line to fix (the
    events that link the number wait for it). A number no event links is left alone (an
    opening balance may list old invoices on its postings)."""
    reported: set[str] = set()
    for index in book.receivable_entries:
        entry = entries[index]
        if type(entry) is not data.Transaction or "factoring" in entry.meta:
            continue
        billed = ZERO
        written: list[tuple[str, str]] = []
        for posting in entry.postings:
            units = units_of(posting)
            if units is None or not accounts.is_receivable(posting.account):
                continue
            billed += units[0]
            value = (posting.meta or {}).get("invoice")
            if value is not None:
                written.append(("invoice", str(value)))
        written.extend(
            (key, str(value))
            for key, value in entry.meta.items()
            if isinstance(value, (str, Decimal)) and key not in SOURCE_KEYS
        )
        written.extend(("^", link) for link in entry.links)
        written.extend(_narrated(entry, unknown, accounts.roots))
        for key, number in written:
            if billed <= 0 or number not in unknown or number in reported:
                continue
            reported.add(number)
            where = _WRITTEN.get(key, f"under {key}:")
            message = (
                f"This transaction bills {number} ({where}), and an event links ^{number}, "
                f"but no transaction is invoice {number}: the plugin reads an invoice's "
                "number from invoice: on the transaction, under its date line. Write "
                f'invoice: "{number}" there (one invoice per transaction)'
            )
            book.errors.append(make_error("FCT134", message, entry.meta, entry))
            book.refused.append((entry, "invoice", (number,), "FCT134"))


# Where a number is written on a transaction that bills it without invoice:, by the key
# ``_numbers_written_elsewhere`` gives it (else "under" the metadata key).
_WRITTEN = {"invoice": "on a posting", "^": "as a link", " ": "in its narration"}


def _narrated(entry: data.Transaction, unknown: set[str], roots: Roots) -> list[tuple[str, str]]:
    """The number no invoice has that a transaction's narration names (``Load INV-1003``),
    if it names one alone and is no opening balance (which may list old invoices)."""
    words = _LINK_RE.findall(entry.narration or "")
    named = [word for word in dict.fromkeys(words) if word in unknown]
    if len(named) != 1 or _opening(entry, roots):
        return []
    return [(" ", named[0])]


def _numbers_in_another_case(book: Book, unknown: set[str]) -> None:
    """FCT134 on an invoice whose number an event links in another case (``inv-1001``
    linked as ``^INV-1001``): numbers and links are compared exactly, so the event's
    FCT132 says the invoice is unknown while it stands in the ledger."""
    folded: dict[str, str] = {link.casefold(): link for link in unknown}
    for number, invoice in book.invoices.items():
        link = folded.get(number.casefold())
        if link is None:
            continue
        message = (
            f"Invoice {number} is linked as ^{link} by an event: invoice numbers and links "
            "are compared exactly, case and all, so that event names no invoice. Write "
            "the number the same way in both"
        )
        book.errors.append(make_error("FCT134", message, invoice.entry.meta, invoice.entry))
        book.refused.append((invoice.entry, "invoice", (link,), "FCT134"))


def _read_agreements(
    book: Book, entries: list[data.Directive], roots: Roots, known: KnownCurrencies
) -> None:
    """The first pass: every agreement and offer, wherever it is dated. (``known``:
    "Copperline" "LLC" is no agreement for LLC alone, terms/currencies.py.)"""
    dated: dict[tuple[str, datetime.date, object], data.Custom] = {}
    offered: dict[tuple[str, object], data.Custom] = {}
    for entry in entries:
        if isinstance(entry, data.Custom) and entry.type == DIRECTIVE:
            agreement, errors = parse_agreement(entry, roots=roots, known=known)
            book.errors.extend(errors)
            values = entry.values or []
            name = values[0].value if values and isinstance(values[0].value, str) else None
            if not name or not name.strip():
                continue
            currency = written_currency(entry, known)
            if _same_day(book, dated, name, entry, currency):
                continue
            currency = currency if isinstance(currency, str) else None
            book.agreements.add(name, entry.date, agreement, currency)
            if agreement is None:
                book.broken.append(_broken_terms(entry, name, currency, roots))
        elif isinstance(entry, data.Custom) and entry.type == OFFER_DIRECTIVE:
            # Same keys and same FCT110 errors as an agreement; not an agreement: it
            # opens no account and no deposit is matched against it.
            offer, errors = parse_agreement(entry, offer=True, roots=roots, known=known)
            book.errors.extend(errors)
            if offer is not None and not _second_offer(book, offered, offer.name, entry):
                book.offers.setdefault(offer.name.lower(), {})[offer.currency] = offer
        elif type(entry) is data.Pad:
            book.pads.append(entry)
            if opening_account(entry.source_account, roots):
                book.opening_pads.append(entry)
                _note_start(book, entry, entry.source_account, roots)


# The keys of a factor's own accounts (not the bank, not the receivables).
_OWN_ACCOUNT_KEYS = (
    "clearing",
    "reserve",
    "fees",
    "advances",
    "adjustments",
    "invoice-fee-account",
    "transfer-fee-account",
    "fuel-advances",
    "credit-losses",
    "due-to-factor",
    "accrued-fees",
)


def note_unread_terms(book: Book, name: str, filename: str, lineno: int) -> None:
    """Count an agreement Beancount could not read (its line reported) with the broken
    ones: the plugin opens the accounts of it the ledger posts to, so that its error is
    not followed by Beancount's "unknown account" on each deposit of the factor."""
    # (Dated last: each account is opened on its first use.)
    entry = data.Custom(data.new_metadata(filename, lineno), datetime.date.max, DIRECTIVE, [])
    book.broken.append(_broken_terms(entry, name, None, book.roots))


def _broken_receivables(book: Book) -> tuple[str, ...]:
    """The ``receivables:`` of the broken agreements (FCT110): their invoices are still
    invoices (their events add no error while the agreement is broken), not one FCT134
    each for a posting to no receivable account."""
    assets = book.roots.assets + ":"
    named = (entry.meta.get("receivables") for entry, _, _ in book.broken)
    return tuple(each for each in named if isinstance(each, str) and each.startswith(assets))


def _broken_terms(
    entry: data.Custom, name: str, currency: str | None, roots: Roots
) -> tuple[data.Custom, tuple[str, ...], frozenset[str]]:
    """A broken agreement, the prefixes of its default accounts (``Assets:Factoring:
    Summit:`` and the other roots') and the accounts it names for its own."""
    component = account_component(name.strip())
    prefixes: tuple[str, ...] = ()
    if component is not None:
        if currency is not None:
            component = f"{component}:{re.sub(r'[^A-Za-z0-9-]', '-', currency)}"
        prefixes = tuple(
            f"{root}:Factoring:{component}:"
            for root in (roots.assets, roots.liabilities, roots.income, roots.expenses)
        )
    named = (entry.meta.get(key) for key in _OWN_ACCOUNT_KEYS)
    return entry, prefixes, frozenset(v for v in named if isinstance(v, str) and ":" in v)


class _AccountKinds:
    """What each account is to the factoring rules (WATCHED, OWN... bits), worked out once.

    The second pass looks every posting of the ledger up in ``kinds``; an account
    not there yet is classified by ``kind_of``, which adds it.
    """

    def __init__(self, valid: list[Agreement], roots: Roots, broken: tuple[str, ...] = ()) -> None:
        self.roots = roots
        receivables = {f"{roots.assets}:Receivable", *broken}
        self.prefixes = tuple(receivables | {a.receivables for a in valid})
        # (With the colon: Income:Freight, not IncomeTax:...)
        self.income = roots.income + ":"
        self.own_accounts = {acc for a in valid for acc in (a.clearing, a.reserve)}
        self.reserves = {a.reserve for a in valid}
        self.watched = {acc for a in valid for acc in a.own_accounts()}
        self.banks = {a.bank for a in valid}
        self.adjustments = {a.adjustments for a in valid}
        self.dues = {a.due_to_factor for a in valid}
        self.kinds: dict[str, int] = {}
        # Whether an account is a receivable, by account (``is_receivable``).
        self.receivable: dict[str, bool] = {}

    def is_receivable(self, account: str) -> bool:
        """True if the account is under Assets:Receivable or an agreement's ``receivables``."""
        known = self.receivable.get(account)
        if known is None:
            known = any(account == p or account.startswith(p + ":") for p in self.prefixes)
            self.receivable[account] = known
        return known

    def kind_of(self, account: str) -> int:
        """Classify an account not seen before, and remember it in ``kinds``."""
        kind = 0
        if account in self.watched:
            kind |= WATCHED
            if account in self.own_accounts:
                kind |= OWN
            if account in self.reserves:
                kind |= RESERVE
            if account in self.dues:
                kind |= DUE
        elif account in self.banks:
            kind |= BANK
        elif account.startswith(self.income) and account not in self.adjustments:
            kind |= INCOME
        if self.is_receivable(account):
            kind |= RECEIVABLE
        self.kinds[account] = kind
        return kind


@dataclass
class _Pending:
    """What the second pass leaves for after it: the invoices of a payment may be
    defined later in the ledger, and remittances are resolved after every other event."""

    payments: list[tuple[int, data.Transaction]] = field(default_factory=list)
    remittances: list[Event] = field(default_factory=list)


def _read_transactions(
    book: Book, entries: list[data.Directive], accounts: _AccountKinds
) -> _Pending:
    """The second pass: invoices, events, opened accounts and each account's first use."""
    pending = _Pending()
    first_use, uses = book.first_use, book.uses
    kinds, kind_of = accounts.kinds, accounts.kind_of
    transaction, open_, balance_, close_ = data.Transaction, data.Open, data.Balance, data.Close
    for index, entry in enumerate(entries):
        # Exact type checks: this loop sees every entry of the ledger.
        if type(entry) is not transaction:
            if type(entry) is open_:
                book.opened.add(entry.account)
                if entry.meta and entry.meta.get("filename") == AUTO_OPEN_SOURCE:
                    book.auto_opens[entry.account] = index
            elif type(entry) is balance_ or type(entry) is close_:
                # A balance assertion uses the account too (a factor's reserve statement
                # imported before any deposit): the plugin opens it (found by fuzzing). So
                # does a ``close`` (the accounts of a factor replaced): an account the
                # plugin left unopened, one no split uses, was "Unopened account".
                flags = kinds.get(entry.account)
                flags = kind_of(entry.account) if flags is None else flags
                if flags & WATCHED:
                    first_use.setdefault(entry.account, entry.date)
                    uses[entry.account] = uses.get(entry.account, 0) + 1
                if flags & RESERVE and type(entry) is balance_:
                    book.reserve_balances.append(index)
                elif flags & RECEIVABLE and type(entry) is close_:
                    book.closed[entry.account] = entry
            continue
        meta = entry.meta
        if "invoice" in meta:
            _read_invoice(book, index, entry, accounts)
            continue
        found = 0
        watched_postings = 0
        for posting in entry.postings:
            account = posting.account
            flags = kinds.get(account)
            if flags is None:
                flags = kind_of(account)
            if flags:
                found |= flags
                if flags & WATCHED:
                    watched_postings += 1
                    uses[account] = uses.get(account, 0) + 1
                    if account not in first_use:
                        first_use[account] = entry.date
        if found and not entry.links:
            opening = _opening_account(entry, accounts.roots)
            if opening is not None:
                _note_start(book, entry, opening, accounts.roots)
        if found or entry.links or "factoring" in meta:
            _sort_transaction(book, index, entry, found, watched_postings, accounts, pending)
    return pending


def _sort_transaction(
    book: Book,
    index: int,
    entry: data.Transaction,
    found: int,
    watched_postings: int,
    accounts: _AccountKinds,
    pending: _Pending,
) -> None:
    """File one transaction by what it does (``found``: the kinds of the accounts it posts to).

    A marked event, a lump sum, a remittance or a payment; and, apart, a deposit to income.
    """
    meta = entry.meta
    if found & RECEIVABLE:
        book.receivable_entries.append(index)
    own, reserve = bool(found & OWN), bool(found & RESERVE)
    bank, income = bool(found & BANK), bool(found & INCOME)
    if reserve:
        book.reserve_entries.append(index)
    if "factoring" in meta:
        if not _read_event(book, index, entry):
            return
    elif _unmarked_event(book, entry):
        return
    elif (
        own
        or (bank and len(entry.postings) == 1 and (entry.links or "schedule" in meta))
        or (bank and not found & DUE and split_by_plugin(entry))
    ):
        # (A bank line of zero leaves no clearing or reserve posting: Beancount
        # drops an interpolated posting of nothing. It is still a deposit.)
        named = entry.links or "schedule" in meta
        if not named and _opening(entry, accounts.roots):
            # The books' opening balances (a trial balance carried in, the reserve the
            # factor held on the first day): no deposit, nothing to split or allocate.
            # (An entry written by hand may clear one: checks/hand_entries.py.)
            book.opening_entries.append(index)
            if reserve:
                book.carried_reserves.append(entry)
        elif bank or named:
            # A deposit whose one factor posting is to the reserve is a release,
            # unless it buys an invoice: split, a deposit that funds straight
            # from the receivable and takes no fee also has one reserve posting.
            lump = "release" if reserve and watched_postings == 1 else "lump"
            if lump == "release" and _buys(entry):
                lump = "lump"
            book.events.append(Event(lump, index, entry))
        elif not _elsewhere(book, index, entry, accounts):
            book.hand_entries.append(index)
            if reserve:
                book.reserve_by_hand.append(entry)
    elif book.broken and entry.links and _of_broken_terms(book, entry):
        # A deposit of a factor whose agreement is broken: its FCT110 speaks for it, and
        # for the later events of the invoices it links.
        book.refused.append((entry, "deposit", refused_names(entry), "FCT110"))
    elif found & DUE:
        _remittances(index, entry, accounts, pending)
    elif (entry.links or found & RECEIVABLE) and any(
        accounts.is_receivable(p.account)
        and (units_of(p) or (ZERO, ""))[0]
        and (entry.links or (p.meta and "invoice" in p.meta))
        for p in entry.postings
    ):
        # A credit that links invoices, or whose posting names its invoice, pays them; a
        # debit (a check returned unpaid) takes back what was paid of them
        # (``settlement/shares.py``).
        pending.payments.append((index, entry))
    if bank and income:
        text = f"{entry.payee or ''} {entry.narration or ''}"
        for factor in book.agreements.factor_of_payee(text):
            book.income_deposits.append((index, factor))
            break


def _remittances(
    index: int, entry: data.Transaction, accounts: _AccountKinds, pending: _Pending
) -> None:
    """Cash forwarded to the factor (or, wrongly, received) on its due-to-factor account
    outside a misdirected-payment event: the amount is what it pays, in its currency
    (one remittance per currency: 720.00 USD pays nothing of CAD)."""
    forwarded: dict[str | None, Decimal] = {}
    for posting in entry.postings:
        units = units_of(posting) if posting.account in accounts.dues else None
        if units is not None:
            forwarded[units[1]] = forwarded.get(units[1], ZERO) + units[0]
    for currency, amount in (forwarded or {None: ZERO}).items():
        event = Event("remittance", index, entry, amount=amount, currency=currency)
        pending.remittances.append(event)


def split_by_plugin(entry: data.Transaction) -> bool:
    """True if the plugin split this deposit already (a posting of its with a
    ``factoring-part`` and no line of a file): the reports read back the entries the
    plugin returned, and a deposit whose clearing leg it replaced whole (a loan's
    funding to the advances account, a funding of the whole face that holds no
    reserve, straight from the receivable; a rebate that fees at collection take
    whole) posts to no clearing or reserve account any more. It is still the deposit
    it was. (A ledger as written has none: Beancount gives each posting its line.)"""
    return any(
        p.meta is not None and "factoring-part" in p.meta and "lineno" not in p.meta
        for p in entry.postings
    )


def names_an_event(value: object) -> bool:
    """True if the value is a factoring event's name, or a slip away from one
    (``"colected"``): what a misspelt ``factoring:`` key would hold."""
    return isinstance(value, str) and (spelling.near(value.strip(), _EVENT_KIND_SET) is not None)


def _opening(entry: data.Transaction, roots: Roots) -> bool:
    """True if the transaction posts to an equity account of opening balances
    (``Equity:Opening-Balances``, ``...:Beginning-Balances``, ``...:Retained-Earnings``)
    or of a year's close (``Equity:Closing-Balances``, ``...:Carried-Forward``):
    an opening or closing balance, not cash from a factor. Not any equity account: a deposit may
    post to a conversion's trading accounts or to the owner's draws."""
    return _opening_account(entry, roots) is not None


def _opening_account(entry: data.Transaction, roots: Roots) -> str | None:
    """The first equity account of opening (or closing) balances the transaction posts
    to, or None (``_opening``)."""
    for posting in entry.postings:
        if opening_account(posting.account, roots):
            return posting.account
    return None


def closes_into_equity(entry: data.Transaction, roots: Roots) -> bool:
    """True if the transaction moves balances into equity as a year's close does: it
    posts to an equity account of opening or closing balances or earnings
    (``Equity:Earnings:Previous``, ``Equity:Closing-Balances``), or to equity and
    otherwise only to income and expenses (a close into ``Equity:Earnings:Current``).
    The owner paying a fee from a personal account posts to equity too: which of the
    two moves an expense is told by its sign (``reports/facts.py``)."""
    if _opening(entry, roots):
        return True
    roots_posted = {posting.account.partition(":")[0] for posting in entry.postings}
    return roots.equity in roots_posted and roots_posted <= {
        roots.equity,
        roots.income,
        roots.expenses,
    }


def opening_account(account: str, roots: Roots) -> bool:
    """True if ``account`` is an equity account of opening (or closing) balances."""
    return account.startswith(roots.equity + ":") and (
        _OPENING_WORDS.search(account) is not None
        # (The ledger's own name for them: option "account_previous_balances".)
        or account.startswith(roots.openings)
    )


def _note_start(
    book: Book, entry: data.Transaction | data.Pad, account: str, roots: Roots
) -> None:
    """Keep the first day of the books' opening balances, and the account they are
    written against. A year's close is none: it ends a year of the books, their start
    is before it (the next year opened again from it may be a start: a file per year)."""
    if type(entry) is data.Transaction and _closes_a_year(entry, roots):
        return
    if book.books_start is None or entry.date < book.books_start:
        book.books_start = entry.date
    book.opening_accounts.setdefault(account, entry.date)


def books_opening_account(book: Book) -> str:
    """The equity account the ledger writes its opening balances against, for a hint
    that asks for one more: the first used whose name says Opening (books may carry
    their earnings in on Equity:Retained-Earnings beside it), else the first used that
    is no year's close, else Beancount's own name."""
    used = sorted(book.opening_accounts, key=book.opening_accounts.__getitem__)
    named = [account for account in used if "opening" in account.casefold()]
    # (Not the account a year closed by hand moved its balances out to.)
    opening = [account for account in used if not _CLOSING_WORDS.search(account)]
    return (named or opening or ["Equity:Opening-Balances"])[0]


# The equity accounts of a year's close alone: ``Equity:Closing-Balances``, a balance
# ``Carried-Forward`` (``Brought-Forward`` opens the next year).
_YEAR_END_WORDS = re.compile(r"(?i)closing|carried[-_ ]?(?:forward|down|over)")


def _closes_a_year(entry: data.Transaction, roots: Roots) -> bool:
    """True if the transaction closes a year: it posts to an equity account of closing
    balances, or moves the income statement into equity (it posts to nothing else, and
    takes expenses off or income out: year-to-date balances carried in at the books'
    start post the other way)."""
    equity = roots.equity + ":"
    if any(
        p.account.startswith(equity) and _YEAR_END_WORDS.search(p.account) for p in entry.postings
    ):
        return True
    moved = ZERO
    for posting in entry.postings:
        root = posting.account.partition(":")[0]
        units = units_of(posting)
        if root == roots.expenses and units is not None:
            moved -= units[0]
        elif root == roots.income and units is not None:
            moved += units[0]
        elif root != roots.equity:
            return False
    return moved > 0


_NOT_A_LETTER = re.compile(r"[^a-z]")
_PLUGIN_LINKS = (SCHEDULE_LINK_PREFIX, "fee-", "buyout-")


def own_link(book: Book, name: str) -> str:
    """Words for an FCT132 on a link that no invoice or schedule is and that does not
    look like an invoice number (it has letters, none of theirs: ``stmt-2025-03`` where
    the invoices are ``INV-1001``): it may be a link of the user's own, a statement's or
    a load's, which an event cannot carry. Empty if it looks like an invoice number, or
    one of the plugin's own links (``sched-10452``, ``fee-...``, ``buyout-...``), or the
    ledger has no invoice to tell the form of their numbers."""
    if not book.invoices or name.startswith(_PLUGIN_LINKS):
        return ""
    if book.number_letters is None:
        book.number_letters = {_NOT_A_LETTER.sub("", n.casefold()) for n in book.invoices}
    letters = _NOT_A_LETTER.sub("", name.casefold())
    if not letters or letters in book.number_letters:
        return ""  # (Digits alone, 1001, may be any invoice's number.)
    return (
        f"; if ^{name} is a link of your own (a statement's, a load's), write it as "
        f'metadata (ref: "{name}"): each link of a factoring event names an invoice or '
        "a schedule it concerns"
    )


def carried_in(book: Book, date: datetime.date) -> str:
    """Words for an FCT132 on ``date`` in books that start with opening balances: the
    invoice may be one from before their start, which the plugin needs written."""
    if book.books_start is None or date < book.books_start:
        return ""
    equity = books_opening_account(book)
    return (
        f"; if it is an invoice from before the books' start (the opening balances of "
        f"{book.books_start}), write it on its own date with its face against "
        f"{equity}, and what the factor did with it before that day on "
        f"theirs: its funding, with the cash against {equity}, its "
        "collection or chargeback (ledger.md 6.19)"
    )


def _misspelt_event(book: Book, entry: data.Transaction) -> bool:
    """True (after FCT134) if a key is ``factoring:`` misspelt (``factorng: "collected"``):
    the transaction would be read as no event at all, its payment or fee lost in silence.
    Only a key whose value names an event: ``factor-no: "H-20311"`` is the user's own."""
    for key, value in entry.meta.items():
        # (The key first: near() is cached per key, and most keys are the user's own.)
        if (
            key not in _LUMP_QUIET
            and spelling.near(key, _EVENT_KEY) is not None
            and names_an_event(value)
        ):
            message = (
                f"The key {key}: is not one the plugin reads; did you mean factoring:? "
                "Without it this transaction is not read as a factoring event"
            )
            book.errors.append(make_error("FCT134", message, entry.meta, entry))
            book.refused.append((entry, str(value), refused_names(entry), "FCT134"))
            return True
    return False


def _of_broken_terms(book: Book, entry: data.Transaction) -> bool:
    """True if the transaction posts to an account of a broken agreement (FCT110)."""
    return any(
        posting.account in named or posting.account.startswith(prefixes)
        for _, prefixes, named in book.broken
        for posting in entry.postings
    )


def _unmarked_event(book: Book, entry: data.Transaction) -> bool:
    """True (after FCT134) if a transaction with no ``factoring:`` is an event without it:
    the key misspelt, or a schedule written without it."""
    meta = entry.meta
    if not meta.keys() <= _LUMP_QUIET and _misspelt_event(book, entry):
        return True
    if not entry.postings and "schedule" in meta and entry.links:
        _unmarked_schedule(book, entry)
        return True
    return False


def _unmarked_schedule(book: Book, entry: data.Transaction) -> None:
    """FCT134 on a transaction that gives ``schedule:`` and links invoices, with no posting
    and no ``factoring:``: a schedule event without its key, which the plugin would read
    as nothing (its invoices never sold, the deposit that names the schedule refused)."""
    ids = ", ".join(f'"{each}"' for each in schedule_ids(entry.meta["schedule"]))
    message = (
        f"This transaction gives schedule: {ids} and links invoices, but has no postings "
        "and no factoring: key, so the plugin reads it as nothing. If it is the schedule, "
        'write factoring: "schedule" under its date line; if it is the factor\'s deposit, '
        "give it its bank posting"
    )
    book.errors.append(make_error("FCT134", message, entry.meta, entry))
    book.refused.append((entry, "schedule", refused_names(entry), "FCT134"))


def _elsewhere(book: Book, index: int, entry: data.Transaction, accounts: _AccountKinds) -> bool:
    """Note a factor's deposit that names nothing and lands on another asset account than
    the agreement's bank (a savings account), or pays down a liability (a line of credit
    that sweeps the bank): not taken for a deposit, it would be neither split nor checked,
    so it is reported (FCT151). True if noted."""
    roots = (accounts.roots.assets + ":", accounts.roots.liabilities + ":")
    for posting in entry.postings:
        units = units_of(posting)
        account = posting.account
        if units is None or units[0] <= 0 or not account.startswith(roots):
            continue
        if accounts.kinds.get(account, accounts.kind_of(account)):
            continue  # a factor's own account, a receivable, a bank
        text = f"{entry.payee or ''} {entry.narration or ''}"
        # (Under a payee that is not the factor's, money out of its reserve is its too:
        # a release into a savings account, typed by hand.)
        for factor in book.agreements.factor_of_payee(text) or _reserve_owner(
            book, entry, accounts
        ):
            liability = account.startswith(roots[1])
            book.elsewhere_deposits.append((index, factor, account, liability))
            return True
        return False
    return False


def _reserve_owner(book: Book, entry: data.Transaction, accounts: _AccountKinds) -> list[str]:
    """The factor whose reserve account the entry takes money out of, if one."""
    for posting in entry.postings:
        units = units_of(posting)
        if units is not None and units[0] < 0 and posting.account in accounts.reserves:
            owner = book.agreements.factor_of_account(posting.account)
            return [owner] if owner is not None else []
    return []


# The keys of an event that hold a name, a choice or TRUE/FALSE, never an amount: an
# amount written there (``reason: 100 USD``) is Beancount's Amount, which cannot even be
# compared with a name, so the event is refused before any rule reads it.
# (Those whose own checks compare before they look at the type; ``from:``, ``period:``,
# ``transfer:``, ``schedule:`` and ``factor:`` have errors of their own.)
_WORD_KEYS = ("factoring", "charge", "reason", "short-pay-from", "partial")


def _read_event(book: Book, index: int, entry: data.Transaction) -> bool:
    """Record a marked event (``factoring: "funding"``...); False after FCT134 if unknown."""
    meta = entry.meta
    amounts = [key for key in _WORD_KEYS if isinstance(meta.get(key), Amount)]
    if amounts:
        key = amounts[0]
        message = (
            f"{key}: {as_written(meta[key])} is an amount, and {key}: takes a word here "
            f"(docs/ledger.md lists its values): write the amount under its own key "
            f"(paid:, amount:) and give {key}: its value in quotes. This event is not "
            "applied meanwhile"
        )
        book.errors.append(make_error("FCT134", message, meta, entry))
        book.refused.append((entry, str(meta.get("factoring")), refused_names(entry), "FCT134"))
        return False
    kind = meta["factoring"]
    if kind not in EVENT_KINDS:
        book.errors.append(
            make_error(
                "FCT134",
                f"Unknown factoring event {as_written(kind)}; use one of {', '.join(EVENT_KINDS)}",
                entry.meta,
                entry,
            )
        )
        book.refused.append((entry, str(kind), refused_names(entry), "FCT134"))
        return False
    event = Event(kind, index, entry)
    if kind == "fee" and entry.meta.get("charge") in MONTH_MINIMUMS and _month_end(entry):
        event.rank = MONTH_END_RANK
    if kind in ("fee", "buyout"):
        owned = _own_charge_key(book, entry, kind)
        if owned is None:
            book.refused.append((entry, kind, refused_names(entry), "FCT134"))
            return False
        book.charge_links.add(owned[1])
        book.charge_sources[owned] = entry
        book.charge_keys[index] = owned[1]
    book.events.append(event)
    return True


def month_end_of(period: str) -> datetime.date:
    """The last day of a month given as ``"2025-03"``."""
    year, month = int(period[:4]), int(period[5:7])
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def month_closing_of(period: str) -> datetime.date:
    """The month's last business day (Monday to Friday), when a factor's month-end
    statement is dated: 2024-03-29 for March 2024, whose 31st was a Sunday."""
    day = month_end_of(period)
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def _month_end(entry: data.Transaction) -> bool:
    """True if the fee event is dated the last business day of the month its ``period:``
    names, or later in that month: a month-end statement."""
    period = entry.meta.get("period")
    if not isinstance(period, str) or not PERIOD_RE.fullmatch(period):
        return False
    return month_closing_of(period) <= entry.date <= month_end_of(period)


def _own_charge_key(
    book: Book, entry: data.Transaction, kind: str
) -> tuple[str | None, str] | None:
    """The factor and key of the fee a fee or buyout event charges, which no other event
    of its factor has; None after FCT134 for a fee event whose link another's is too (two fees
    of one day and kind, or two linking one invoice alone): each nets by its own link.
    A second buyout of the day (from another factor), which takes no link of its own,
    is ``-2``."""
    key = charge_link(entry)
    # (Each factor nets its own fees: two factors' fees may share a link.)
    factor = _factor_of(book, entry)
    first = book.charge_sources.get((factor, key))
    if first is None:
        return factor, key
    if kind == "buyout":
        count = 2
        while (factor, f"{key}-{count}") in book.charge_sources:
            count += 1
        return factor, f"{key}-{count}"
    where = f"{first.meta.get('filename')}:{first.meta.get('lineno')}"
    charge = re.sub(r"[^A-Za-z0-9\-_/.]", "-", str(entry.meta.get("charge", "other")))
    own = f"fee-{entry.date}-{charge}"
    message = (
        f"This fee's link {key} is another fee event's too ({where}): a deposit names the "
        f"fee it nets by its link, so give each its own (^{own}-2 here, say); if it is "
        "the same fee booked twice, delete one"
    )
    book.errors.append(make_error("FCT134", message, entry.meta, entry))
    return None


def _read_payments(
    book: Book, payments: list[tuple[int, data.Transaction]], accounts: _AccountKinds
) -> None:
    """The payment events of each payment that links invoices and credits them (the
    debtor paid us), in date order.

    A posting that names its invoice pays that one. The rest a payment credits a
    receivable account in a currency is one event for the invoices of that currency it
    links there, oldest first (by date, then number: INV-9 before INV-10), which the
    settlement shares by what each owes then (``settlement/shares.py``): one check for
    two loads pays each its own, and a check for the rest of one and all of another pays
    that rest. A credit pays only invoices of its own currency: one remittance for a CAD
    and a USD invoice pays each from its own credit. An invoice it links but credits
    only in other currencies is an FCT134 error (``_other_currency``).
    """
    # A check returned unpaid listed above its own check gives back what that one paid.
    moved = returns_after_checks(payments, accounts.is_receivable)
    payments = in_order_of_checks(payments, moved)
    for index, entry in payments:
        first = len(book.events)
        _read_payment(book, index, entry, accounts)
        if index in moved:
            # Applied after the day's payments too, whatever its place in the file.
            for event in book.events[first:]:
                event.rank = TAKE_BACK_RANK


def _read_payment(
    book: Book,
    index: int,
    entry: data.Transaction,
    accounts: _AccountKinds,
) -> None:
    """The payment events of one payment (``_read_payments``)."""
    named = _named_postings(book, entry, accounts)
    for amount, paid_invoice in named.values():
        _share_payment(book, index, entry, [paid_invoice], -amount)
        _beyond(book, index, [paid_invoice], -amount)
    on_account: dict[str, list[Invoice]] = {}
    for link in entry.links:
        invoice = book.invoices.get(link)
        if invoice is not None:
            on_account.setdefault(invoice.account, []).append(invoice)
        else:
            _near_link(book, entry, link)
    _elsewhere_credited(book, entry, on_account, accounts)
    for account, invoices in on_account.items():
        credited: dict[str, Decimal] = {}
        for posting in entry.postings:
            units = units_of(posting) if posting.account == account else None
            if units is not None and id(posting) not in named:
                credited[units[1]] = credited.get(units[1], ZERO) - units[0]
        if not credited:
            continue
        currency = invoices[0].face.currency
        if len(invoices) == 1 and len(credited) == 1 and currency in credited:
            # The common case: one invoice, paid in its currency.
            paid = credited[currency]
            _beyond(book, index, invoices, paid)
            _share_payment(book, index, entry, invoices, paid)
            continue
        invoices.sort(key=lambda i: (i.entry.date, natural_key(i.number)))
        for currency, paid in credited.items():
            mine = [i for i in invoices if i.face.currency == currency]
            _beyond(book, index, mine, paid)
            if mine:
                _share_payment(book, index, entry, mine, paid)
        for invoice in invoices:
            if invoice.face.currency not in credited and any(
                amount > 0 for amount in credited.values()
            ):
                _other_currency(book, entry, invoice, credited)


def _beyond(book: Book, index: int, invoices: list[Invoice], paid: Decimal) -> None:
    """Note (``beyond_linked``) a payment that credits ``invoices`` (of one currency,
    oldest first) more than they still owe after the payments read before it: one check
    for the rest of your invoice and a factored one. What it pays of each is kept, up to
    each face (a check returned unpaid is not taken back: a later payment is then judged
    by the receivable's balance, which holds the return)."""
    if paid <= 0:
        return
    before = book.linked_paid
    rest = paid
    for invoice in invoices:
        number = invoice.number
        share = min(max(cast(Decimal, invoice.face.number) - before.get(number, ZERO), ZERO), rest)
        before[number] = before.get(number, ZERO) + share
        rest -= share
    if rest > 0:
        book.beyond_linked.add(index)


def _elsewhere_credited(
    book: Book,
    entry: data.Transaction,
    on_account: dict[str, list[Invoice]],
    accounts: _AccountKinds,
) -> None:
    """FCT134: a payment links invoices and credits none of their receivable accounts,
    but another customer's (a parent company's payment booked to its own account). The
    link would read as nothing: the invoice left open (a factor's, its cash owed to no
    one) and the other account below zero, with no word."""
    # (Not a posting that names its invoice: ``_named_postings`` judges it. Not the
    # recourse receivables, where a chargeback moved the invoice. Every payment comes
    # here: the usual one, crediting the account of the invoices it links, in one loop.)
    credits = set()
    for p in entry.postings:
        account = p.account
        if account in on_account or (p.meta and "invoice" in p.meta):
            continue
        if accounts.is_receivable(account) and (units_of(p) or (ZERO, ""))[0] < 0:
            credits.add(account)
    if not credits:
        return
    recourse = tuple(prefix + ":" for prefix in _recourse(book))
    other = sorted(account for account in credits if not account.startswith(recourse))
    if not other:
        return
    for account, invoices in on_account.items():
        if any(p.account == account for p in entry.postings):
            continue
        for invoice in invoices:
            face = invoice.face
            message = (
                f"This payment links invoice {invoice.number} ({face.number:,.2f} "
                f"{face.currency}, on {account}) but credits {', '.join(other)}, which does "
                "not hold it, so it pays nothing of the invoice. "
                + (
                    _closed_words(book, account, other, entry.date)
                    or "If it pays the invoice (a parent company paying its subsidiary's), "
                    f"credit {account}; if not, drop the link ^{invoice.number}"
                )
            )
            book.errors.append(make_error("FCT134", message, entry.meta, entry))


def _closed_words(book: Book, account: str, other: list[str], date: datetime.date) -> str:
    """What to do when the invoice's receivable is closed by ``date`` (a customer's
    account renamed, its balance moved to another): crediting it, as the usual advice
    goes, would post to a closed account. Empty if it is open."""
    closed = book.closed.get(account)
    if closed is None or closed.date > date:
        return ""
    return (
        f"{account} is closed on {closed.date} ({closed.meta.get('filename')}:"
        f"{closed.meta.get('lineno')}), and moving its balance to another account does "
        "not move the invoices on it: each stays on the account it was billed to. "
        f"Keep {account} open until the invoices on it are settled, with what they owe "
        f"on it, credit it for them, and bill the new invoices to {other[0]}"
    )


def _recourse(book: Book) -> set[str]:
    """The agreements' recourse receivables accounts (where chargebacks move invoices)."""
    return {a.recourse_receivables for a in book.agreements.latest() if a.recourse_receivables}


def returns_after_checks(
    items: list[tuple[int, data.Transaction]], receivable: Callable[[str], bool]
) -> dict[int, int]:
    """Of payments in file order, each debit listed above the credit of the same day,
    links and amount (a check returned unpaid above its own check, as some banks list
    them), by ``index``: the index of that credit, after which it is taken. Any other
    order is the file's: a check returned, then another paid the same day, stay so."""
    keys = []
    for index, entry in items:
        total = ZERO
        for posting in entry.postings:
            units = units_of(posting) if receivable(posting.account) else None
            if units is not None:
                total += units[0]
        keys.append((index, entry.date, entry.links, total))
    # Each day's credits by links and amount, their positions in order: a debit takes
    # the first after its own (one pass, then a search per debit).
    credits: dict[tuple[Any, ...], list[int]] = {}
    for position, (_, day, links, total) in enumerate(keys):
        if total < 0 and links:
            credits.setdefault((day, links, -total), []).append(position)
    moved: dict[int, int] = {}
    for position, (index, day, links, total) in enumerate(keys):
        found = credits.get((day, links, total)) if total > 0 and links else None
        if found:
            later = bisect.bisect_right(found, position)
            if later < len(found):
                moved[index] = keys[found.pop(later)][0]
    return moved


def in_order_of_checks(
    items: list[tuple[int, data.Transaction]], moved: dict[int, int]
) -> list[tuple[int, data.Transaction]]:
    """The items with each returned check after its own (``returns_after_checks``)."""
    if not moved:
        return items
    deferred: dict[int, list[tuple[int, data.Transaction]]] = {}
    ordered = []
    for index, entry in items:
        anchor = moved.get(index)
        if anchor is not None:
            deferred.setdefault(anchor, []).append((index, entry))
            continue
        ordered.append((index, entry))
        ordered.extend(deferred.pop(index, ()))
    return ordered


def _named_postings(
    book: Book, entry: data.Transaction, accounts: _AccountKinds
) -> dict[int, tuple[Decimal, Invoice]]:
    """The postings of a payment that name their invoice (``invoice:`` on the posting),
    on its receivable account and in its currency, by ``id()``: each pays that invoice
    alone, its amount."""
    named: dict[int, tuple[Decimal, Invoice]] = {}
    for posting in entry.postings:
        number = posting.meta.get("invoice") if posting.meta else None
        if isinstance(number, Decimal) and accounts.is_receivable(posting.account):
            written = book.typed.typed(posting.meta or {}, "invoice")
            if written == str(number):
                number = written  # (plain digits typed so lose nothing: the invoice's number)
            else:
                # (Read as no invoice's name, as the aging reads it: said, not guessed.)
                problem = unquoted_problem(number, "names no invoice", typed=written)
                message = f"This posting's {problem}"
                line = posting.meta.get("lineno") if posting.meta else None
                book.errors.append(make_error("FCT134", message, entry.meta, entry, line))
        invoice = book.invoices.get(number) if isinstance(number, str) else None
        if invoice is None or not accounts.is_receivable(posting.account):
            if invoice is None and type(number) is str and accounts.is_receivable(posting.account):
                _near_number(book, entry, posting, number)
            continue  # (a discount or a fee noted with its invoice pays nothing of it)
        units = units_of(posting)
        if units is None or not units[0]:
            continue
        # Its own receivable, or its customer's under an agreement's recourse receivables
        # (where a chargeback moved it).
        account = posting.account
        moved = any(account.startswith(prefix + ":") for prefix in _recourse(book)) and (
            account.rsplit(":", 1)[-1] == invoice.account.rsplit(":", 1)[-1]
        )
        if (account == invoice.account or moved) and units[1] == invoice.face.currency:
            named[id(posting)] = (units[0], invoice)
            continue
        where = f"{invoice.account} in {invoice.face.currency}"
        message = (
            f"This posting of {units[0]} {units[1]} on {posting.account} names invoice "
            f"{invoice.number}, which is on {where}: it pays no part of it; book it to "
            f"the invoice's own receivable in its currency, or correct its invoice:"
        )
        book.errors.append(make_error("FCT134", message, entry.meta, entry))
    return named


def _near_number(book: Book, entry: data.Transaction, posting: data.Posting, number: str) -> None:
    """FCT134 on a payment's receivable posting whose ``invoice:`` names an invoice of
    the ledger in another case, with spaces around it or punctuation after it
    (``"inv-1001"``, ``" INV-1001"``, ``"INV-1001."`` for INV-1001): numbers are
    compared exactly, so it paid no invoice in silence. Said, not guessed: it pays none
    until written as the invoice is. A name near no invoice (an old invoice an opening
    balance lists) is left alone, as is one the payment links too (the link pays it)."""
    near = _near_invoices(book, number)
    if not near or not entry.links.isdisjoint(near):
        return  # (linked too, ^INV-1001: the link pays it)
    meant = " or ".join(f'invoice: "{known}"' for known in near)
    message = (
        f'This posting\'s invoice: "{number}" names no invoice: invoice numbers are '
        f"compared exactly, case and spaces and all, and the ledger has invoice "
        f"{' and '.join(near)}. Write {meant}, as the invoice writes it; until then the "
        "posting pays no invoice"
    )
    line = (posting.meta or {}).get("lineno")
    book.errors.append(make_error("FCT134", message, entry.meta, entry, line))


def _near_link(book: Book, entry: data.Transaction, link: str) -> None:
    """FCT134 on a payment that links an invoice of the ledger in another case or with
    punctuation after it (``^inv-1001``, ``^INV-1001.`` for INV-1001): links are
    compared exactly, so it paid nothing of that invoice in silence (the aging showed
    the payment unattributed, or gave all of it to another invoice it links). As for
    a posting's ``invoice:``, said and not guessed; a link near no invoice (one from
    before the books) is left alone, as is one beside the invoice linked as it is
    numbered or named by a posting's ``invoice:``."""
    near = _near_invoices(book, link)
    if not near or not entry.links.isdisjoint(near):
        return
    if any((p.meta or {}).get("invoice") in near for p in entry.postings):
        return  # (its posting names the invoice: that pays it)
    meant = " or ".join(f"^{known}" for known in near)
    message = (
        f"This payment links ^{link}, which names no invoice: links are compared with "
        f"invoice numbers exactly, case and punctuation and all, and the ledger has "
        f"invoice {' and '.join(near)}. Write {meant}, as the invoice is numbered; until "
        "then the payment pays nothing of it"
    )
    book.errors.append(make_error("FCT134", message, entry.meta, entry))


def _near_invoices(book: Book, number: str) -> list[str]:
    """The invoices of the ledger whose numbers ``number`` most likely means: the same
    but for case, spaces around it, or punctuation a link can hold after it (``.``,
    ``-``, ``_``, ``/``: "INV-1001." at the end of a sentence). The map is made the
    first time a payment names no invoice."""
    if book.folded is None:
        book.folded = {}
        for known in book.invoices:
            book.folded.setdefault(_folded(known), []).append(known)
    return book.folded.get(_folded(number), [])


def _folded(number: str) -> str:
    """An invoice number without its case, spaces around it or punctuation after it."""
    return number.strip().casefold().rstrip("._-/")


def _share_payment(
    book: Book,
    index: int,
    entry: data.Transaction,
    invoices: list[Invoice],
    paid: Decimal,
) -> None:
    """The payment event of what a payment credits (below zero, debits) in one currency
    to its invoices of that currency (sorted oldest first). Of several invoices, the
    settlement shares it by what each owes then (``settlement/shares.py``): whether a
    factor holds one is known only there."""
    if not paid:
        return
    event = Event(
        "payment", index, entry, invoices=tuple(invoice.number for invoice in invoices),
        amount=paid, currency=invoices[0].face.currency,
    )  # fmt: skip
    book.events.append(event)


def _other_currency(
    book: Book, entry: data.Transaction, invoice: Invoice, credited: dict[str, Decimal]
) -> None:
    """FCT134: a payment links the invoice and credits its receivable only in other
    currencies. Nothing of it can pay the invoice (720.00 USD is not 720.00 CAD); taken
    as a payment, it would leave the invoice open less a sum of another currency."""
    face = invoice.face
    credits = [(currency, amount) for currency, amount in credited.items() if amount > 0]
    written = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in credits)
    message = (
        f"This payment links invoice {invoice.number} ({face.number:,.2f} {face.currency}) "
        f"but credits {invoice.account} only in another currency ({written}), so nothing "
        f"of it pays the invoice. Credit the receivable in {face.currency}, at the rate of "
        f"the conversion if the customer paid in another currency (like -{face.number} "
        f"{face.currency} @ 0.72 {credits[0][0]}), or drop the link "
        f"^{invoice.number} if the payment is not for it"
    )
    book.errors.append(make_error("FCT134", message, entry.meta, entry))


def _buys(entry: data.Transaction) -> bool:
    """True if a posting of the deposit buys an invoice (``factoring-part: "face"``)."""
    return any((p.meta or {}).get("factoring-part") == "face" for p in entry.postings)


def _same_day(
    book: Book,
    dated: dict[tuple[str, datetime.date, object], data.Custom],
    name: str,
    entry: data.Custom,
    currency: object,
) -> bool:
    """True (after an FCT110 error) if the factor already has an agreement on this date
    (for the same ``currency``, as written): which of the two applies cannot be told, so
    the first is kept and the second reported."""
    key = (name.strip().lower(), entry.date, currency)
    first = dated.setdefault(key, entry)
    if first is entry:
        return False
    message = (
        f"Agreement '{name.strip()}': a second agreement of this factor dated {entry.date}"
        + (f" for {currency}" if currency else "")
        + " "
        + f"(the first is at {first.meta.get('filename')}:{first.meta.get('lineno')}); which "
        + "applies cannot be told: merge them into one, or date the new terms the day they start"
    )
    book.errors.append(make_error("FCT110", message, entry.meta, entry))
    return True


def _second_offer(
    book: Book, offered: dict[tuple[str, object], data.Custom], name: str, entry: data.Custom
) -> bool:
    """True (after an FCT110 error) if an offer of this name (in any case) and currency
    came before: one would replace the other without a word, so the first is compared and
    the second reported."""
    currency = written_currency(entry)
    first = offered.setdefault((name.lower(), currency), entry)
    if first is entry:
        return False
    message = (
        f"Offer '{name}': a second factoring-offer of this name"
        + (f" for {currency}" if currency else "")
        + f" (the first is at {first.meta.get('filename')}:{first.meta.get('lineno')}); "
        + "the first is compared, this one is left out. To compare both, give this one "
        + f'another name, like "{name} {entry.date.year}"; else delete the one not meant'
    )
    book.errors.append(make_error("FCT110", message, entry.meta, entry))
    return True


def _read_invoice(
    book: Book, index: int, entry: data.Transaction, accounts: _AccountKinds
) -> None:
    """Record an invoice transaction, or an FCT134 error when it cannot be one."""
    meta = entry.meta
    number = meta["invoice"]
    # (Quoted text, the usual number, is tested first: this runs for every invoice.)
    if type(number) is not str:
        number = _number_of(book, entry, number)
    legs: list[tuple[str, Amount]] = []
    posted: list[dict[str, Any]] = []
    other_number: str | None = None
    costed = False
    # (is_receivable's cache read inline: this runs for every invoice of the ledger.)
    receivable, is_receivable = accounts.receivable, accounts.is_receivable
    for posting in entry.postings:
        account = posting.account
        known = receivable.get(account)
        if known is None:
            known = is_receivable(account)
        if known:
            units = posting.units
            if posting.cost is not None:
                costed = True
            if units is not None and type(units.number) is Decimal:
                legs.append((account, units))
            if posting.meta:
                other = posting.meta.get("invoice", number)
                if other is not number and str(other) != number and other_number is None:
                    other_number = str(other)
                if len(posting.meta) > 2:  # (beyond its filename and line: due:, maybe)
                    posted.append(posting.meta)
    # (The usual invoice, tested inline: this runs for every invoice of the ledger.)
    usual = len(legs) == 1 and other_number is None and number not in book.invoices
    usual = usual and _LINK_RE.fullmatch(number) is not None
    problem = None if usual else _invoice_problem(book, number, meta, legs, other_number)
    if problem is not None:
        _refuse_invoice(book, entry, number, problem, not legs)
        return
    # (Each leg's number is a Decimal: tested as the leg was taken.)
    total = cast(Decimal, legs[0][1].number)
    # (A yen has no cents: 1000.10 JPY, in the form of cents, is looked at in full.)
    if len(legs) > 1 or not _plain_total(total) or legs[0][1].currency in WHOLE:
        problem = _legs_problem(number, legs)
        if problem is not None:
            _refuse_invoice(book, entry, number, problem)
            return
        if len(legs) > 1:
            total = sum((cast(Decimal, units.number) for _, units in legs), ZERO)
    account, units = legs[0]
    meta = _with_posted(book, number, entry, posted) if posted else meta
    customer = meta.get("customer")
    if type(customer) is not str or not customer:
        # (Absent or "": the account's name; of another type, FCT134: TRUE is no name.)
        customer = _customer(book, number, entry, customer, account)
    due = meta.get("due")
    if due is not None and not isinstance(due, datetime.date):
        # The invoice is booked (its events apply) with no due date, after the error: a
        # quoted date would otherwise be dropped, and the invoice aged from its terms.
        typed = book.typed.typed(meta, "due") if isinstance(due, Decimal) else None
        book.errors.append(make_error("FCT134", _due_problem(number, due, typed), meta, entry))
        due = None
    # One leg (the usual invoice): its units are the face, kept rather than copied.
    face = units if len(legs) == 1 else tuple.__new__(Amount, (total, units.currency))
    load = meta.get("load")
    load = str(load) if isinstance(load, (str, Decimal)) else None
    # (tuple.__new__, as for the face: the named tuple's own __new__ is Python code.)
    book.invoices[number] = tuple.__new__(
        Invoice, (number, index, entry, face, account, customer, due, load)
    )
    if costed:
        book.costed.add(number)
    if load is not None:
        key = load_key(load) or load
        first = book.loads.setdefault(key, number)
        if first != number:
            book.shared_loads.setdefault(key, [first]).append(number)
    if posted or not meta.keys() <= _INVOICE_QUIET:
        book.other_keys.append(number)


def _refuse_invoice(
    book: Book, entry: data.Transaction, number: str, problem: str, unposted: bool = False
) -> None:
    """FCT134 on a transaction with ``invoice:`` that is no invoice: the events that link
    its number wait for it (``ledger/refused.py``). ``unposted``: it posts to no
    receivable account (it may be one of an agreement Beancount could not read)."""
    error = make_error("FCT134", problem, entry.meta, entry)
    book.errors.append(error)
    book.refused.append((entry, "invoice", (number,), "FCT134"))
    if unposted:
        book.unposted.append((entry, error))


def _number_of(book: Book, entry: data.Transaction, number: object) -> str:
    """An invoice's ``invoice:`` that is not text: a number (FCT134 when it lost what
    was typed, its leading zeros or a separator), else no number ("")."""
    if isinstance(number, Decimal):
        meta = entry.meta
        written = book.typed.typed(meta, "invoice")
        if written != str(number):  # (plain digits typed so lose nothing: its name)
            unquoted = unquoted_problem(number, typed=written)
            book.errors.append(make_error("FCT134", unquoted, meta, entry))
        return str(number)
    return ""


def _customer(
    book: Book, number: str, entry: data.Transaction, value: object, account: str
) -> str:
    """An invoice's customer when its ``customer:`` is no name: absent or empty, its
    receivable account's name; not text (TRUE, a date, a number, an amount), which would
    name a customer "True" or "10.00 USD" in the reports (and FALSE none), FCT134, and
    the invoice is booked with its account's name meanwhile."""
    customer = _customer_of(account)
    if value is None or isinstance(value, str):  # ("" too: Amount == "" would raise)
        return customer
    example = customer if isinstance(value, bool) else str(value)
    message = (
        f"Invoice {number}'s customer: {as_written(value)} is not text: write the "
        f'customer\'s name in quotes (customer: "{example}"). The invoice is booked '
        f"meanwhile, its customer {customer}, its receivable account's name"
    )
    book.errors.append(make_error("FCT134", message, entry.meta, entry))
    return customer


def _with_posted(
    book: Book, number: str, entry: data.Transaction, posted: list[dict[str, Any]]
) -> dict[str, Any]:
    """The invoice's metadata with the keys written under its receivable postings
    (``due:`` one line too deep) that its date line does not give: the postings are the
    invoice's own, so they say the same. Given twice with two values, which is meant
    cannot be told: FCT134, and the date line's (else the first posting's) is read."""
    meta = entry.meta
    found: dict[str, Any] = {}
    for posting_meta in posted:
        for key in _POSTED_KEYS:
            if key not in posting_meta:
                continue
            value = posting_meta[key]
            if key in meta:
                first, where = meta[key], "under its date line"
            elif key in found:
                first, where = found[key], "under another of its receivable postings"
            else:
                found[key] = value
                continue
            if value != first:
                message = (
                    f"Invoice {number} has {key}: {as_written(first)} {where} and {key}: "
                    f"{as_written(value)} under its receivable posting (line "
                    f"{posting_meta.get('lineno')}): which is meant cannot be told; keep one, "
                    f"under the date line. The first, {as_written(first)}, is read meanwhile"
                )
                book.errors.append(make_error("FCT134", message, meta, entry))
    return {**meta, **found} if found else meta


def unquoted_problem(number: Decimal, meanwhile: str = "", typed: str | None = None) -> str:
    """What is wrong with an ``invoice:`` written without quotes whose typed text is not
    the number's own: Beancount reads it as a number, which drops leading zeros and a
    thousands separator (or the ledger was read from a string, where it cannot be told)."""
    if typed is not None:
        # A thousands separator cannot be in an invoice number (it is no link): quoted,
        # 1,023 would be another FCT134, so the fix shown leaves it out.
        fix = (
            f'write it in quotes, without the separator (invoice: "{typed.replace(",", "")}")'
            if "," in typed
            else f'write it in quotes (invoice: "{typed}")'
        )
        return (
            f"invoice: {typed} is written without quotes, so Beancount reads it as the "
            f"number {number}: an event, a report or an export that names the invoice as "
            f"it is written would not find it; {fix}. "
            f"It {meanwhile or f'is booked as {number}'} meanwhile"
        )
    return (
        f"invoice: {number} is written without quotes, so Beancount reads it as a number, "
        "without leading zeros or thousands separators (001023 is read as 1023): an event, "
        "a report or an export that names the invoice as it is written would not find it; "
        f'write it in quotes as the invoice writes it (invoice: "{number}", with its zeros '
        f"if it has any). It {meanwhile or f'is booked as {number}'} meanwhile"
    )


def _invoice_problem(
    book: Book,
    number: str,
    meta: dict[str, Any],
    legs: list[tuple[str, Amount]],
    other_number: str | None,
) -> str | None:
    """What makes a transaction with ``invoice:`` no invoice (its number, its legs on
    receivables, a posting's ``invoice:`` of another number), or None."""
    if other_number is not None:
        # Two invoices in one transaction: read as one, of both faces, funded as one.
        return (
            f"this transaction is invoice {number}, and its posting on a receivable names "
            f"invoice {other_number}: the plugin reads one invoice per transaction, from "
            f"the invoice: under its date line; write invoice {other_number} as a "
            "transaction of its own (or drop the posting's invoice: if it is part of "
            f"{number})"
        )
    if not number or not _LINK_RE.fullmatch(number):
        return (
            f"invoice number {as_written(meta['invoice'])} cannot be a link; use letters, digits "
            "and - _ / . only"
        )
    if number in book.invoices:
        other = book.invoices[number].entry.meta
        where = f"{other.get('filename')}:{other.get('lineno')}"
        if "factoring" in meta or not any(cast(Decimal, units.number) > 0 for _, units in legs):
            # An event, a deposit or a payment that names its invoice the invoice's way.
            return (
                f"invoice: {number} makes this transaction an invoice for the plugin, and "
                f"invoice {number} is defined at {where}: to name the invoice this "
                f"transaction is about, link it (^{number}) and drop invoice:"
            )
        return (
            f"invoice {number} is defined twice (first at {where}); give each invoice "
            "its own number"
        )
    if not legs:
        return f"invoice {number} has no posting to a receivable account (Assets:Receivable:…)"
    if len(legs) > 1 and len({(account, units[1]) for account, units in legs}) > 1:
        return f"invoice {number} posts to more than one receivable account or currency"
    return None


def _plain_total(total: Decimal) -> bool:
    """True if one leg's amount is a positive amount in cents that ``fits``: what
    ``_total_problem`` finds nothing wrong with, in three calls, for the usual invoice
    (every invoice of the ledger comes here). Any other is looked at in full."""
    # (Of CENT's quantum: finite, written with two decimals, so in whole cents.)
    return total.same_quantum(CENT) and total > 0 and total.adjusted() < AMOUNT_DIGITS


def _legs_problem(number: str, legs: list[tuple[str, Amount]]) -> str | None:
    """What is wrong with the total of an invoice's receivable legs, or None."""
    numbers = [cast(Decimal, units.number) for _, units in legs]
    if len(numbers) == 1:
        # (Its one leg is the total: checked once, as it is written.)
        total, too_large = numbers[0], not fits(numbers[0])
    else:
        total = sum(numbers, ZERO)
        too_large = not all(fits(number) for number in numbers) or not fits(total)
    return _total_problem(number, total, legs[0][1].currency, too_large)


def _total_problem(number: str, total: Decimal, currency: str, too_large: bool) -> str | None:
    """What is wrong with an invoice's receivable total, or None when it can be booked."""
    if too_large:
        return (
            f"invoice {number}'s receivable {total} is too large to book: an amount has at "
            f"most {AMOUNT_DIGITS} digits before its decimal point and {AMOUNT_PLACES} after; "
            "correct the amount"
        )
    if total <= 0:
        return f"invoice {number} has no positive receivable"
    if whole_units(total, currency):
        return None
    # A fraction of a cent would come back at every step as a difference that rounds
    # to nothing (expected 100.00, received 100.00, difference -0.00).
    if currency in WHOLE:
        return (
            f"invoice {number}'s receivable {total} {currency} is not in whole "
            f"{not_whole(total, currency)}; correct the amount"
        )
    return (
        f"invoice {number}'s receivable {total} {currency} is not in whole "
        f"{not_whole(total, currency)}, which is all a factor advances, collects and "
        "releases: correct the amount"
    )


_SLASHED_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def _due_problem(number: str, due: object, typed: str | None = None) -> str:
    """What is wrong with an invoice's ``due:`` that is not a date (``typed``: the text
    typed for a number, read back from the file)."""
    slashed = _SLASHED_DATE.fullmatch(typed) if typed else None
    if slashed is not None:
        # Beancount reads 03/05/2025 as 3 / 5 / 2025: the number said nothing to the user.
        return (
            f"invoice {number}'s due: {typed} is not a date (Beancount reads it as a "
            f"division): write the date year first, {_year_first(*slashed.groups())}, or "
            "leave due: out (the aging report then takes the invoice's date + 30 days)"
        )
    shown = repr(due) if isinstance(due, str) else str(due)
    example = due.strip() if isinstance(due, str) and _DATE_RE.fullmatch(due.strip()) else None
    how = (
        f"write it without quotes (due: {example})"
        if example
        else "give the due date like due: 2025-05-30"
    )
    return (
        f"invoice {number}'s due: {shown} is not a date: {how}, or leave due: out (the "
        "aging report then takes the invoice's date + 30 days)"
    )


def _year_first(first: str, second: str, year: str) -> str:
    """A date typed day and month first, year first: both readings when either could be."""
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(f"due: {datetime.date(int(year), int(month), int(day))}")
        except ValueError:
            continue
    if len(set(readings)) > 1:
        return f"{readings[0]} or {readings[1]}, whichever you mean"
    return readings[0] if readings else "due: 2025-05-30"


@functools.lru_cache(maxsize=4096)
def _customer_of(account: str) -> str:
    """The customer a receivable account names (its last component), one string per
    account: a ledger of 100k invoices bills a few hundred customers."""
    return account.rsplit(":", 1)[-1]


def _resolve(book: Book, event: Event) -> None:
    """Sort an event's links into invoices, schedules and unknowns; find its factor."""
    entry = event.entry
    schedules, unknown = list(schedule_ids(entry.meta.get("schedule"))), []
    charges: list[str] = []
    links, known = sorted(entry.links), book.invoices
    # Most links of a deposit name invoices: those are found by one filter, and
    # the loop below runs only if some link is something else.
    invoices = list(filter(known.__contains__, links))
    # The link the plugin adds for a schedule its ``schedule:`` names is that schedule,
    # not another, even when the id is not a link's characters ("#1234": ^sched--1234).
    written = {schedule_link(schedule) for schedule in schedules}
    for link in links if len(invoices) < len(links) else ():
        if link in known or link in written:
            continue
        if link.startswith(SCHEDULE_LINK_PREFIX):
            schedules.append(link[len(SCHEDULE_LINK_PREFIX) :])
        elif link in book.charge_links:
            charges.append(link)
        else:
            unknown.append(link)
    event.invoices = tuple(invoices)
    event.charges = tuple(charges)
    event.schedules = tuple(dict.fromkeys(schedules))
    event.unknown = tuple(unknown)
    paid = entry.meta.get("paid")
    number = paid.number if isinstance(paid, Amount) else paid
    if isinstance(number, Decimal) and not fits(number):
        event.amount = Decimal(-1)  # Too large to book: reported as not an amount.
    elif isinstance(paid, Amount):
        event.amount = paid.number
        event.currency = paid.currency
    elif isinstance(paid, Decimal):
        event.amount = paid
    elif paid is not None:
        event.amount = Decimal(-1)  # Not an amount: reported when the event is applied.
    event.factor = _factor_of(book, entry)


def _factor_of(book: Book, entry: data.Transaction) -> str | None:
    """The event's factor: by ``factor:``, by account, by payee or name, or the only one."""
    agreements = book.agreements
    name = entry.meta.get("factor")
    if name is not None:
        return name.strip().lower() if isinstance(name, str) and agreements.known(name) else None
    for posting in entry.postings:
        factor = agreements.factor_of_account(posting.account)
        if factor is not None:
            return factor
    matches = agreements.factor_of_payee(f"{entry.payee or ''} {entry.narration or ''}", True)
    if len(matches) == 1:
        return matches[0]
    names = agreements.names()
    if len(names) == 1 and name is None:
        return names[0]
    return None
