"""The factoring facts the reports need, read once per ledger.

The reports receive the entries *after* the plugin ran (what bean-check and
Fava load). When the plugin kept its run for them (``settlement/history.py``:
Fava and the CLI ask for it), they take its facts, settlement and history as
they are. Otherwise they read the entries again with ``book.read_book`` and
apply every event again with ``settlement.engine.settle``: the split postings
are then only compared, and each invoice ends in the same state as in the
plugin's own run. Either way every event leaves a snapshot of the invoices it
touched (``Snap``), so each report can ask where an invoice stood on any date
(``Facts.snap``).

The balances come from the postings themselves: for the accounts the reports
tie out against (reserve, clearing, fees, receivables), every posting is kept
here once, in date order.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_factoring.errors import error_code
from beancount_factoring.ledger.book import (
    Book,
    closes_into_equity,
    in_order_of_checks,
    natural_key,
    read_book,
    returns_after_checks,
    units_of,
)
from beancount_factoring.ledger.config import CONFIG_KEY, Config, parse_config
from beancount_factoring.ledger.typed import TypedNumbers
from beancount_factoring.reports.model import Source
from beancount_factoring.settlement.engine import settle
from beancount_factoring.settlement.history import RUN_KEY, PluginRun, Recorder, Snap
from beancount_factoring.settlement.state import InvoiceState, Settlement
from beancount_factoring.terms.agreement import Agreement, roots_of

__all__ = ["Facts", "Line", "Snap", "plugin_config", "read_facts", "source_of"]

PLUGIN = "beancount_factoring.plugin"
ZERO = Decimal(0)
LUMP_KINDS = ("lump", "funding", "release")


@dataclass(slots=True)
class Line:
    """One posting to an account the reports watch."""

    date: datetime.date
    account: str
    number: Decimal
    currency: str
    part: str | None
    invoice: str | None
    index: int


@dataclass
class Facts:
    """Everything the four reports read, built once per ledger by ``read_facts``."""

    entries: list[data.Directive]
    book: Book
    settlement: Settlement
    config: Config
    last_date: datetime.date | None
    timeline: dict[str, list[Snap]] = field(default_factory=dict)
    lines: dict[str, list[Line]] = field(default_factory=dict)
    # Each receivable posting, or the part of it, and the invoice it belongs to.
    receivable: list[tuple[Line, str | None, Decimal]] = field(default_factory=list)
    factor_of_account: dict[str, str] = field(default_factory=dict)
    fee_accounts: set[str] = field(default_factory=set)
    # Per invoice, the postings that took a short pay from a reserve account.
    short_pay_lines: dict[str, list[Line]] = field(default_factory=dict)
    # The input-VAT accounts the agreements book the VAT on the fees to.
    vat_accounts: set[str] = field(default_factory=set)
    errors: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The date of the ledger's last entry (``last_date`` is the as-of date if set).
    last_entry: datetime.date | None = None
    # Each invoice's line in the ledger, made at the first report that shows it: the
    # same for every as-of date (a new time filter makes every line again).
    _sources: dict[str, Source] = field(default_factory=dict)
    # What a report works out of the whole load, the same for every as-of date (the cost
    # report's transfer-fee shares), kept by the report's name for the next date.
    derived: dict[str, Any] = field(default_factory=dict)
    # Settled again, the entries of a load without a factoring error gave one: the
    # reports may be wrong (``_read_back_differs``; said in ``warnings`` too).
    read_back_differs: bool = False

    def snap(self, number: str, as_of: datetime.date) -> Snap | None:
        """Where an invoice stood at the end of ``as_of``; None if never factored by then."""
        for snap in reversed(self.timeline.get(number, ())):
            if snap.date <= as_of:
                return snap
        return None

    def history(self, number: str, as_of: datetime.date) -> list[Snap]:
        """An invoice's snapshots up to ``as_of`` (not to be changed)."""
        snaps = self.timeline.get(number, [])
        if snaps and snaps[-1].date <= as_of:
            return snaps
        return [s for s in snaps if s.date <= as_of]

    def reserve_short_paid(self, number: str, as_of: datetime.date) -> Decimal:
        """What short pays took from the invoice's reserve up to ``as_of`` (by the
        ledger's ``short-pay`` postings; nothing when netted from a funding)."""
        lines = self.short_pay_lines.get(number)
        if not lines:
            return ZERO  # (Most invoices: paid in full.)
        return -sum((line.number for line in lines if line.date <= as_of), ZERO)

    def invoice_source(self, number: str) -> Source:
        """The file and line of an invoice's entry."""
        found = self._sources.get(number)
        if found is None:
            found = self._sources[number] = source_of(self.book.invoices[number].entry.meta)
        return found

    def display(self, factor: str | None) -> str:
        return self.book.agreements.display(factor)

    def agreements_of(self, factor: str) -> list[Agreement]:
        key = factor.strip().lower()
        return [a for a in self.book.agreements.latest() if a.name.strip().lower() == key]

    def clearing_accounts(self, factor: str | None) -> dict[str, tuple[str, ...]]:
        """Each factor's clearing account(s), by factor key (one factor if given)."""
        found: dict[str, dict[str, None]] = {}
        for agreement in self.book.agreements.latest():
            key = agreement.name.strip().lower()
            if factor is None or key == factor:
                found.setdefault(key, {})[agreement.clearing] = None
        return {key: tuple(accounts) for key, accounts in found.items()}

    def account_lines(self, accounts: Iterable[str], as_of: datetime.date) -> list[Line]:
        """The postings to these accounts up to ``as_of``, in date order."""
        found: list[Line] = []
        for account in dict.fromkeys(accounts):
            found.extend(line for line in self.lines.get(account, ()) if line.date <= as_of)
        found.sort(key=lambda line: (line.date, line.index))
        return found


class ToldOwner:
    """Whose posting one is that names no invoice, on an account factors share
    (``sharers``: account -> the factors' keys), by what its entry tells: a link to an
    invoice a factor held on its day, a posting to one of the factor's own accounts (its reserve,
    its clearing), its payee or narration naming the factor ("Summit wire fee"), as
    ``_others_cost`` tells a factor's posting on an account it shares with other costs.
    Only one of the factors that share the account, and only when the entry tells one:
    else None (the reports' ``NO_FACTOR`` line)."""

    def __init__(self, facts: Facts, sharers: dict[str, set[str]]) -> None:
        self.facts = facts
        self.sharers = sharers

    def owner(self, line: Line) -> str | None:
        facts = self.facts
        entry = facts.entries[line.index]
        if type(entry) is not data.Transaction:
            return None
        # A linked invoice tells the factor that held it on the posting's day (before a
        # buyout, the old one).
        told: set[str | None] = set()
        for link in entry.links:
            snap = facts.snap(link, line.date)
            told.add(snap.factor if snap is not None else None)
        for posting in entry.postings:
            told.add(facts.factor_of_account.get(posting.account))
        text = f"{entry.payee or ''} {entry.narration or ''}"
        told.update(facts.book.agreements.factor_of_payee(text, by_name=True))
        found = told & self.sharers.get(line.account, set())
        return next(iter(found)) if len(found) == 1 else None


def source_of(meta: dict[str, Any] | None) -> Source:
    meta = meta or {}
    return Source(str(meta.get("filename", "<unknown>")), int(meta.get("lineno", 0) or 0))


def plugin_config(options_map: dict[str, Any]) -> tuple[Config, list[Any]]:
    """The config the plugin ran with (through a module of one's own too, or the first
    of two plugin lines), parsed as the plugin parses it; a load the plugin did not
    run in, the config of its line."""
    if CONFIG_KEY in options_map:
        return parse_config(options_map[CONFIG_KEY], options_map)
    text = None
    for name, config in options_map.get("plugin", ()) or ():
        if name == PLUGIN:
            text = config
    return parse_config(text, options_map)


def read_facts(
    entries: list[data.Directive], options_map: dict[str, Any], errors: list[Any] | None = None
) -> Facts:
    """Read the factoring facts of a loaded ledger (entries after the plugin).

    The plugin's own run is taken when it left one for these very entries
    (``settlement/history.py``); otherwise the ledger is settled again here.
    """
    config, config_errors = plugin_config(options_map)
    dates = [entry.date for entry in entries[-100:]] if entries else []
    last_entry = max(dates) if dates else None
    last = config.as_of or last_entry
    run = options_map.get(RUN_KEY)
    warnings: list[str] = []
    differs: str | None = None
    padding = run.added(entries) if isinstance(run, PluginRun) else None
    if isinstance(run, PluginRun) and padding is not None:
        # The plugin's indices point into the list as it returned it; Beancount's
        # padding, added after the plugin, comes after them.
        book, settlement, timeline = run.book, run.settlement, run.timeline
        entries = [*run.entries, *padding]
        found_errors = list(run.errors)
    else:
        book = read_book(entries, roots_of(options_map))
        recorder = Recorder()
        try:
            settlement = settle(book, config, recorder)
        except Exception as exc:  # noqa: BLE001 - a report must not crash on an odd ledger.
            settlement = Settlement()
            recorder.timeline = {}
            warnings.append(f"The factoring state of this ledger could not be computed: {exc!r}")
        timeline = recorder.timeline
        found_errors = list(config_errors) + list(book.errors) + list(settlement.errors)
        differs = _read_back_differs(errors, found_errors, config)
    if errors is None:
        errors = found_errors
    facts = Facts(entries, book, settlement, config, last, timeline, errors=errors)
    facts.last_entry = last_entry
    facts.warnings.extend(warnings)
    if differs is not None:
        facts.read_back_differs = True
        facts.warnings.append(differs)
    _read_lines(facts)
    facts.book.typed.forget()
    return facts


def _read_back_differs(given: list[Any] | None, found: list[Any], config: Config) -> str | None:
    """Why the reports of entries settled again may be wrong, or None: the load they came
    from had no factoring error (``given``), but settled again they give one (``found``).

    The plugin's run is not in Beancount's pickle cache, so the reports of a cached load
    (and of ``compute`` after a load that did not keep the run) settle the entries the
    plugin returned once more. Read back, those entries must settle as the plugin
    settled them; an error here that bean-check did not report says they did not, and
    the state the reports read is not the books' (an invoice left unfunded, a reserve
    shown released): said, rather than reported in silence."""
    if given is None or any(error_code(error) for error in given):
        return None
    new = [e for e in found if error_code(e) and error_code(e) not in config.disabled]
    if not new:
        return None
    source = source_of(getattr(new[0], "source", None))
    return (
        f"the entries read back (a load from Beancount's cache) settle otherwise than the "
        f"plugin settled them: {error_code(new[0])} at {source}, which the load did not "
        "report, so the reports may be wrong; load the ledger again with the plugin's run "
        "kept (call beancount_factoring.settlement.history.keep_for_reports() before "
        "loading, or set BEANCOUNT_DISABLE_LOAD_CACHE=1)"
    )


def _read_lines(facts: Facts) -> None:
    """Keep every posting to the accounts the reports watch, and attribute receivables."""
    book = facts.book
    agreements = book.agreements.latest()
    prefixes = _receivable_prefixes(book, agreements)
    watched: set[str] = set()
    owners: dict[str, set[str]] = {}
    for agreement in agreements:
        key = agreement.name.strip().lower()
        for account in agreement.own_accounts():
            watched.add(account)
            owners.setdefault(account, set()).add(key)
        facts.fee_accounts.update(
            (agreement.fees, agreement.invoice_fee_account, agreement.transfer_fee_account)
        )
        if agreement.vat_account:
            # Read for the VAT on the fees (part "vat"), which the cost report shows apart.
            watched.add(agreement.vat_account)
            facts.vat_accounts.add(agreement.vat_account)
    facts.factor_of_account = {a: next(iter(k)) for a, k in owners.items() if len(k) == 1}
    others_cost = _others_cost(facts, agreements, owners)
    reserves = {agreement.reserve for agreement in agreements}
    receivable_cache: dict[str, bool] = {}
    invoices = book.invoices
    states = facts.settlement.states
    open_amounts = _OpenAmounts(invoices)
    # How each credit of several invoices was shared (a check returned unpaid gives back
    # what it paid of each), by account, currency, invoices and amount.
    shared: dict[tuple[Any, ...], list[list[tuple[str | None, Decimal]]]] = {}
    taken: dict[tuple[int, str, str], list[list[Any]]] = {}  # (``_settled_shares``)
    # The receivable accounts other than its own that an invoice has been posted to by
    # name (a chargeback moves it to the recourse receivables): a payment that links it
    # there is its payment too.
    moved: dict[str, set[str]] = {}
    is_receivable = _receivable_test(prefixes, receivable_cache)
    for index, entry in _in_order_of_checks(facts.entries, is_receivable):
        if type(entry) is not data.Transaction:
            continue
        for posting in _named_first(entry):
            account = posting.account
            # (The cache read inline: this runs for every posting of the ledger.)
            known = receivable_cache.get(account)
            if known is None:
                known = is_receivable(account)
            if not known and account not in watched:
                continue
            units = units_of(posting)
            if units is None:
                continue
            meta = posting.meta or {}
            part = meta.get("factoring-part")
            line = Line(
                entry.date,
                account,
                units[0],
                units[1],
                part if isinstance(part, str) else None,
                _named_invoice(meta, known, book.typed),
                index,
            )
            if account in watched and not others_cost(line, entry):
                facts.lines.setdefault(account, []).append(line)
                if line.part == "short-pay" and line.invoice and account in reserves:
                    facts.short_pay_lines.setdefault(line.invoice, []).append(line)
            if known:
                shares = _attribute(line, entry, invoices, moved)
                if shares is None:
                    shares = _face_shares(line, entry, meta.get("schedule"), invoices, states)
                    shares = shares or _settled_shares(line, facts.settlement, taken)
                    shares = shares or _share_by_number(
                        line, entry, invoices, open_amounts, moved, shared
                    )
                for number, amount in shares:
                    facts.receivable.append((line, number, amount))
                    if number is not None:
                        open_amounts.add(number, amount, index)
                        if account != invoices[number].account:
                            moved.setdefault(number, set()).add(account)
    facts.receivable.sort(key=lambda item: (item[0].date, item[0].index))


def _receivable_prefixes(book: Book, agreements: list[Agreement]) -> set[str]:
    """The receivable accounts' prefixes, as the plugin reads them: under the ledger's
    own assets root (``option "name_assets" "Aktiva"``: Aktiva:Receivable, whatever the
    agreements say), each agreement's ``receivables`` and ``recourse-receivables``."""
    prefixes = {f"{book.roots.assets}:Receivable"} | {a.receivables for a in agreements}
    return prefixes | {a.recourse_receivables for a in agreements if a.recourse_receivables}


def _closing(line: Line, entry: data.Transaction, facts: Facts) -> bool:
    """True for a year's close on a fee account: the credit of an entry that moves the
    year's expenses into equity (``Equity:Earnings:Previous``), as bookkeepers close a
    year by hand. It is no fee: counted, it took the year's fees off its last day (a
    year of 110.00 in fees cost 0.00, its December -65.00). A debit against equity is
    still a fee (the owner paying the factor from a personal account), and so is what
    the plugin wrote (a ``factoring-part``) or a posting naming an invoice."""
    return (
        line.number < 0
        and line.part is None
        and line.invoice is None
        and line.account in facts.fee_accounts
        and closes_into_equity(entry, facts.book.roots)
    )


def _named_invoice(meta: dict[str, Any], receivable: bool, typed: TypedNumbers) -> str | None:
    """The invoice a posting's ``invoice:`` names. Written without quotes, a number: the
    invoice booked under it, as the plugin reads an event's; on a receivable posting only
    if typed as plain digits that lost nothing, as the plugin reads a payment's (else it
    names none, after the plugin's FCT134)."""
    value = meta.get("invoice")
    if isinstance(value, str):
        return value
    if not isinstance(value, Decimal):
        return None
    if receivable and typed.typed(meta, "invoice") != str(value):
        return None
    return str(value)


def _others_cost(
    facts: Facts, agreements: list[Agreement], owners: dict[str, set[str]]
) -> Callable[[Line, data.Transaction], bool]:
    """A test of a posting to an ``invoice-fee-account`` or ``transfer-fee-account`` that
    is not the factor's: the ledger guide's own example keeps the transfer fees with the
    bank's other wire fees (``Expenses:Bank:WireFees``), whose wire to a fuel vendor is no
    factoring cost. Such an account may hold other costs; a posting there counts as the
    factor's if the plugin wrote it (``factoring-part``), it names an invoice, or its entry
    is the factor's: one of its events, one that posts to another of its accounts (a fee
    taken from its reserve), one that links an invoice it bought, or one whose payee or
    narration names it. (A ``fees`` account is the factor's alone: every posting to it
    counts, a fee typed by hand without a word of the factor too; and so is an account
    beside it, under the same parent: ``Expenses:Factoring:Summit:TransferFees``.) On
    any fee account, a year's close into equity is no cost either (``_closing``)."""
    shared = {a.invoice_fee_account for a in agreements} | {
        a.transfer_fee_account for a in agreements
    }
    shared -= {a.fees for a in agreements}
    # (A parent that is a root, ``Expenses``, says nothing.)
    beside_fees = {a.fees.rpartition(":")[0] for a in agreements} - {""}
    beside_fees = {parent for parent in beside_fees if ":" in parent}
    shared = {account for account in shared if account.rpartition(":")[0] not in beside_fees}
    if not shared:
        return lambda line, entry: _closing(line, entry, facts)
    event_factor = {event.index: event.factor for event in facts.book.events}
    states = facts.settlement.states
    agreements_ = facts.book.agreements
    factor_of_account = facts.factor_of_account

    def others(line: Line, entry: data.Transaction) -> bool:
        if line.account not in shared or line.part is not None or line.invoice is not None:
            return _closing(line, entry, facts)
        if _closing(line, entry, facts):
            return True
        mine = owners.get(line.account, set())
        if event_factor.get(line.index) in mine:
            return False
        for posting in entry.postings:
            if posting.account not in shared and factor_of_account.get(posting.account) in mine:
                return False
        for link in entry.links:
            state = states.get(link)
            if state is not None and state.factor is not None:
                return False
        text = f"{entry.payee or ''} {entry.narration or ''}"
        return not mine.intersection(agreements_.factor_of_payee(text, by_name=True))

    return others


class _OpenAmounts:
    """What each invoice is owed by the receivable postings read so far, to share a
    credit of several invoices on: its face from the start, even while its own entry is
    still to come (a payment dated before the invoice it pays), as the plugin shares
    on the faces; then what the postings since took off or added (a debit memo)."""

    __slots__ = ("billed", "invoices", "posted")

    def __init__(self, invoices: dict[str, Any]) -> None:
        self.invoices = invoices
        self.posted: dict[str, Decimal] = {}
        # The invoices whose own entry was read (its face is then among ``posted``).
        self.billed: set[str] = set()

    def add(self, number: str, amount: Decimal, index: int) -> None:
        self.posted[number] = self.posted.get(number, ZERO) + amount
        if self.invoices[number].position == index:
            self.billed.add(number)

    def left(self, number: str) -> Decimal:
        amount = self.posted.get(number, ZERO)
        if number not in self.billed:
            amount += self.invoices[number].face.number or ZERO
        return amount


def _receivable_test(prefixes: set[str], cache: dict[str, bool]) -> Callable[[str], bool]:
    """Whether an account is a receivable (under one of ``prefixes``), kept in ``cache``."""

    def receivable(account: str) -> bool:
        found = cache.get(account)
        if found is None:
            found = cache[account] = any(
                account == p or account.startswith(p + ":") for p in prefixes
            )
        return found

    return receivable


def _in_order_of_checks(
    entries: list[data.Directive], receivable: Callable[[str], bool]
) -> Iterable[Any]:
    """(index, entry) of the entries, each check returned unpaid listed above its own
    check taken after it, as the plugin takes it (``book.returns_after_checks``)."""
    payments = [
        (index, entry)
        for index, entry in enumerate(entries)
        if type(entry) is data.Transaction
        and entry.links
        and "factoring" not in entry.meta
        and "invoice" not in entry.meta
    ]
    taken_after = returns_after_checks(payments, receivable)
    if not taken_after:
        return enumerate(entries)
    return in_order_of_checks(list(enumerate(entries)), taken_after)  # type: ignore[arg-type]


def _named_first(entry: data.Transaction) -> list[data.Posting]:
    """A transaction's postings, those that name their invoice first: the rest is shared
    among the invoices it links by what those left open, as the plugin shares it."""
    postings = entry.postings
    if entry.links and len(postings) > 2:
        return sorted(postings, key=lambda p: not (p.meta and "invoice" in p.meta))
    return postings


def _on_account(
    link: str, line: Line, invoices: dict[str, Any], moved: dict[str, set[str]]
) -> bool:
    """True if ``link`` is an invoice that is on the line's account (its own receivable,
    or one it was moved to: a chargeback's recourse receivable) in the line's currency.
    A credit in another currency pays nothing of it (``book._read_payments``)."""
    invoice = invoices.get(link)
    if invoice is None or invoice.face.currency != line.currency:
        return False
    account = line.account
    return invoice.account == account or account in moved.get(link, ())


def _attribute(
    line: Line, entry: data.Transaction, invoices: dict[str, Any], moved: dict[str, set[str]]
) -> list[tuple[str | None, Decimal]] | None:
    """The invoice a receivable posting belongs to, with its amount; None if shared.

    By the posting's ``invoice:`` metadata, else the invoice the transaction
    is, else the one invoice it links on that account (its own receivable, or the
    one a chargeback moved it to), each in the posting's currency. A posting that names
    no invoice, or one in another currency, belongs to none (None as its number): 720.00
    USD is no part of a CAD invoice. A credit that links several invoices on the account
    in its currency is to be shared (``_face_shares``, else ``_share_by_number``).
    """
    if line.invoice in invoices:
        # Named, but in another currency than the invoice's: a sum of no invoice.
        named = line.invoice if invoices[line.invoice].face.currency == line.currency else None
        return [(named, line.number)]
    number = None
    own = entry.meta.get("invoice")
    if isinstance(own, Decimal):
        own = str(own)  # (unquoted: booked under the number as read, after FCT134)
    if isinstance(own, str) and own in invoices and invoices[own].position == line.index:
        number = own
    if number is None:
        linked = [link for link in entry.links if _on_account(link, line, invoices, moved)]
        if not linked:
            return [(None, line.number)]
        if len(linked) > 1:
            return None
        number = min(linked)
    return [(number, line.number)]


def _face_shares(
    line: Line,
    entry: data.Transaction,
    schedule: object,
    invoices: dict[str, Any],
    states: dict[str, InvoiceState],
) -> list[tuple[str | None, Decimal]] | None:
    """The exact shares of a credit the plugin summed over invoices, or None.

    Under ``detail: "item"`` the legs that take an invoice's whole face off its
    receivable are written as one posting per account, currency and schedule
    (``terms/postings.py``'s ``materialize``): ``factoring-part: "face"``, the
    ``schedule:`` if any, no ``invoice:``. The invoices in it are those the
    transaction links on that account that it took off the receivable: every
    invoice it scheduled (a schedule event carries one schedule; only the sale
    model moves the receivable), or funded straight from the receivable, never
    scheduled (so under no schedule). Not an invoice it funds out of the clearing
    account (of another schedule), nor one whose reserve it releases or whose
    chargeback it nets. Each is shared its face. If the faces do not add up to
    the posting (edited by hand), None: the posting is shared by number.
    """
    if line.part != "face" or line.invoice is not None:
        return None
    shares: list[tuple[str | None, Decimal]] = []
    total = ZERO
    for number in sorted(entry.links):
        state = states.get(number)
        if (
            state is None
            or number not in invoices
            or invoices[number].account != line.account
            or state.currency != line.currency
        ):
            continue
        if state.scheduled_by is entry or (
            state.funded_by is entry and state.scheduled_by is None and schedule is None
        ):
            shares.append((number, -state.face))
            total -= state.face
    return shares if shares and total == line.number else None


def _settled_shares(
    line: Line, settlement: Settlement, taken: dict[tuple[int, str, str], list[list[Any]]]
) -> list[tuple[str | None, Decimal]] | None:
    """The part of a payment of several invoices that a posting is, by invoice, as the
    settlement shared the payment (``settlement/shares.py``: what each owes you first,
    then the faces a factor holds); None if it shared none here (the aging then shares
    it by number). The payment's postings on the account take its shares in turn: two
    of 300.00 for a check of 600.00 that paid 400.00 and 200.00 are 300.00, then 100.00
    and 200.00."""
    key = (line.index, line.account, line.currency)
    left = taken.get(key)
    if left is None:
        found = settlement.payment_shares.get(key)
        if not found:
            return None
        left = taken[key] = [[number, share] for number, share in found]
    # (A share is what the payment paid: a credit to the receivable.)
    rest = -line.number
    if not left or any((share > 0) != (rest > 0) for _, share in left):
        return None  # (a debit beside the credit: as the aging shares it)
    shares: list[tuple[str | None, Decimal]] = []
    while rest and left:
        number, share = left[0]
        part = min(rest, share) if rest > 0 else max(rest, share)
        shares.append((number, -part))
        rest -= part
        left[0][1] -= part
        if not left[0][1]:
            left.pop(0)
    if rest:
        shares.append((shares[-1][0], -rest))
    return shares


def _share_by_number(
    line: Line,
    entry: data.Transaction,
    invoices: dict[str, Any],
    open_amounts: _OpenAmounts,
    moved: dict[str, set[str]],
    shared: dict[tuple[Any, ...], list[list[tuple[str | None, Decimal]]]],
) -> list[tuple[str | None, Decimal]]:
    """A credit that links several invoices on its account, shared oldest first: one the
    plugin did not share (``_settled_shares``), as a payment on a recourse receivable.

    By the invoices' dates, then their numbers as a person reads them (INV-9 before
    INV-10), each up to its open amount, the rest to the last: a guess for a credit
    written by hand (or edited), where the ledger says no more. A debit (a check
    returned unpaid) gives back what the credit of the same invoices and amount took of
    each (``shared``), else what was paid, youngest first (``_share_debit``): as the
    plugin shares them (``settlement/shares.py``).
    """
    linked = sorted(
        (link for link in entry.links if _on_account(link, line, invoices, moved)),
        key=lambda link: (invoices[link].entry.date, natural_key(link)),
    )
    # Keyed as the plugin keys it: the transaction's credit on the account, whatever
    # postings it is written in (two of 300.00, returned as one of 600.00).
    total = _unnamed_total(entry, line)
    key = (line.account, line.currency, tuple(linked), abs(total))
    if line.number > 0:
        earlier = shared.get(key)
        if earlier and line.number == total:
            return [(number, -amount) for number, amount in earlier.pop()]
        return _share_debit(line, linked, invoices, open_amounts)
    shares: list[tuple[str | None, Decimal]] = []
    rest = -line.number
    for candidate in linked[:-1]:
        take = min(max(open_amounts.left(candidate), ZERO), rest)
        if take:
            shares.append((candidate, -take))
            rest -= take
    if rest:
        shares.append((linked[-1], -rest))
    own = ("transaction", line.index, line.account, line.currency)
    record = shared.get(own)
    if record is None:
        record = shared[own] = [[]]
        shared.setdefault(key, []).append(record[0])
    record[0].extend(shares)
    return shares


def _unnamed_total(entry: data.Transaction, line: Line) -> Decimal:
    """What a transaction posts to the line's account in its currency, but for the
    postings that name their invoice."""
    total = ZERO
    for posting in entry.postings:
        if posting.account != line.account or (posting.meta and "invoice" in posting.meta):
            continue
        units = units_of(posting)
        if units is not None and units[1] == line.currency:
            total += units[0]
    return total


def _share_debit(
    line: Line, linked: list[str], invoices: dict[str, Any], open_amounts: _OpenAmounts
) -> list[tuple[str | None, Decimal]]:
    """A debit that links several invoices on its account (sorted oldest first), shared
    as the plugin takes back a payment: youngest first, each up to what was paid of it
    (its face less what is open), the rest to the oldest. A bounced check of 1,000.00
    that paid INV-9 (500.00) and 500.00 of INV-10 (700.00) gives 500.00 back to each."""
    shares: list[tuple[str | None, Decimal]] = []
    rest = line.number
    for candidate in reversed(linked[1:]):
        face = invoices[candidate].face.number or ZERO
        take = min(max(face - open_amounts.left(candidate), ZERO), rest)
        if take:
            shares.append((candidate, take))
            rest -= take
    if rest:
        shares.append((linked[0], rest))
    return shares
