"""The Beancount plugin: split factors' lump sums and audit them.

Enable it at the top of the ledger::

    plugin "beancount_factoring.plugin"

or with a config (see ``ledger/config.py``; ``'accrue': 'month'`` adds the month-end
fee accruals of ``settlement/accruals.py``)::

    plugin "beancount_factoring.plugin" "{'tolerance': '0.01', 'disable': ['FCT141']}"

It reads the factoring facts (``ledger/book.py``), applies every event in date order
(``settlement/engine.py``), writes the postings each event implies, adds the invoice and
schedule links so Fava's link view shows an invoice's whole life, opens the
factor's accounts the agreement names if the ledger has not opened them, and
returns one error per disagreement with the agreement (codes in
``docs/errors.md``). It never raises: an unexpected failure becomes an error
and the entries are returned as they came.
"""

from __future__ import annotations

import datetime
import gc
import os
import traceback
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_factoring.checks.account_names import check_account_names
from beancount_factoring.checks.accounts import (
    check_clocks,
    check_deposit_owners,
    check_elsewhere_deposits,
    check_income_deposits,
    check_reserves,
)
from beancount_factoring.checks.advances_entries import check_advances_entries
from beancount_factoring.checks.fuel_entries import check_fuel_entries
from beancount_factoring.checks.fuel_overdue import check_fuel_overdue, said_by
from beancount_factoring.checks.hand_entries import check_carried_twice, check_hand_entries
from beancount_factoring.checks.held_receivables import check_held_receivables
from beancount_factoring.checks.kept_reserve import check_accrual_entries
from beancount_factoring.checks.keys import check_keys
from beancount_factoring.checks.markup import check_markup
from beancount_factoring.checks.pads import check_pads
from beancount_factoring.checks.reserve_balances import explained_balances
from beancount_factoring.checks.unfunded import check_unfunded_schedules
from beancount_factoring.errors import FactoringError, error_code, make_error
from beancount_factoring.ledger.book import Book, in_order, note_unread_terms, read_book
from beancount_factoring.ledger.config import (
    CONFIG_KEY,
    PLUGIN_MODULE,
    RUNS_KEY,
    factoring_lines,
    parse_config,
    plugin_source,
)
from beancount_factoring.ledger.fills import unrounded
from beancount_factoring.ledger.refused import Refusals
from beancount_factoring.settlement import history
from beancount_factoring.settlement.accruals import accrual_entries
from beancount_factoring.settlement.engine import settle
from beancount_factoring.settlement.state import Settlement
from beancount_factoring.stamp import SOURCES_KEY, STAMP_KEY, build_stamp, sources_stamp
from beancount_factoring.terms.agreement import Agreement, Roots, roots_of

__plugins__ = ("factoring",)

# Ledgers at least this long have their objects frozen for the cyclic collector
# once the plugin is done (see ``factoring``); smaller ones are left alone.
FREEZE_AT = 50_000
# The options key a run keeps the entries it made under (``_Made``).
MADE_KEY = "factoring:made"


class _Made:
    """The entries a run of the plugin made (its split deposits, accruals, opens): a
    later run of the same load that finds one among its entries is run on the
    books the first made. That is how a function of the bookkeeper's own that calls
    the plugin itself is told apart, which no plugin line shows. Held for this load
    only: Beancount's pickle cache keeps none (a cached load runs no plugin)."""

    __slots__ = ("entries", "ids")

    def __init__(self, entries: tuple[data.Directive, ...] = ()) -> None:
        self.entries = entries  # held, so that no other object takes one's id
        self.ids = frozenset(id(entry) for entry in entries)

    def __reduce__(self) -> tuple[type, tuple[()]]:
        return (_Made, ())

    def found_in(self, entries: list[data.Directive]) -> bool:
        ids = self.ids
        return bool(ids) and any(id(entry) in ids for entry in entries)


def factoring(
    entries: list[data.Directive], options_map: dict[str, Any], config: str | None = None
) -> tuple[list[data.Directive], list[FactoringError]]:
    """Split and check the factoring events of a ledger.

    Args:
      entries: The entries after booking.
      options_map: The ledger's options.
      config: The plugin's config string, if any.
    Returns:
      The new entries and the errors.
    """
    # The entries are hundreds of thousands of long-lived objects; letting the
    # cyclic collector rescan them while the plugin allocates doubles its cost.
    collecting = gc.isenabled()
    gc.disable()
    try:
        result = _run(entries, options_map, config)
        if collecting and len(entries) >= FREEZE_AT:
            # What the plugin leaves behind (new postings, relinked invoices) would
            # otherwise tip the collector into one more full scan of the whole
            # ledger during validation; frozen objects are still freed when unused.
            gc.freeze()
        return result
    except Exception:  # noqa: BLE001 - the plugin must return errors, never raise.
        source = data.new_metadata(str(options_map.get("filename", "<factoring>")), 0)
        message = (
            "The factoring plugin failed on this ledger; the entries are left as they are. "
            "Please report this with the ledger that causes it:\n" + traceback.format_exc()
        )
        return entries, [make_error("FCT100", message, source)]
    finally:
        if collecting:
            gc.enable()


def _sources(options_map: dict[str, Any]) -> str | None:
    """What the ledger's files hold, for ``bean-factoring`` to tell a cached load whose
    files changed in a way Beancount's check misses; None when no cache is written."""
    main = options_map.get("filename")
    if os.getenv("BEANCOUNT_DISABLE_LOAD_CACHE") or not (main and os.path.isfile(main)):
        return None
    return sources_stamp(main, options_map.get("include") or ())


def _run(
    entries: list[data.Directive], options_map: dict[str, Any], config_text: str | None
) -> tuple[list[data.Directive], list[FactoringError]]:
    runs = options_map.get(RUNS_KEY) or 0
    options_map[RUNS_KEY] = runs + 1
    if runs and _ran_before(entries, options_map, runs):
        # A second plugin line of this load (or a module of one's own naming the
        # plugin twice, or calling it) runs the plugin again, on what the first run
        # returned: its splits checked as if written by hand, its accruals twice.
        return entries, _run_again(options_map, config_text, runs)
    config, errors = parse_config(config_text, options_map, runs)
    # Kept with the load (Beancount's pickle cache too): which build booked it, and
    # with which config (the reports read the same).
    options_map[STAMP_KEY] = build_stamp()
    options_map[CONFIG_KEY] = config_text
    options_map[SOURCES_KEY] = _sources(options_map)
    roots = roots_of(options_map)
    entries, book = _read(entries, roots)
    # (Read only by an event that waits for an entry Beancount could not read.)
    book.sources = tuple(options_map.get("include") or ())
    errors.extend(_unread_receivables(book))
    recorder = history.Recorder() if history.wanted() else None
    settlement = settle(book, config, recorder)
    book.typed.forget()
    errors.extend(settlement.errors)
    read_errors = list(errors)
    new_entries = list(entries)
    for index, entry in settlement.replaced.items():
        new_entries[index] = entry
    for index, assertion in explained_balances(new_entries, book, settlement).items():
        new_entries[index] = assertion
    for index, directive in enumerate(new_entries):
        if type(directive) is data.Custom and directive.values is None:
            # A custom directive written with no values (an agreement with no name) has
            # None for them, on which Beancount's pad check and printer fail.
            new_entries[index] = directive._replace(values=[])
    if config.accrue and entries:
        last_day = max(entry.date for entry in entries[-100:])
        accruals, used = accrual_entries(settlement.fee_periods, last_day, config.detail)
        new_entries.extend(accruals)
        for account, first in used.items():
            known = settlement.accounts_used.get(account)
            if known is None or first[0] < known[0]:
                settlement.accounts_used[account] = first
    first_use = _first_uses(book, settlement)
    for account in _unused(book, settlement, entries):
        del first_use[account]
    new_entries.extend(_missing_opens(book, first_use))
    new_entries.extend(_broken_opens(book, entries, first_use))
    _move_auto_opens(book, first_use, new_entries)
    made = [new_entries[index] for index in settlement.replaced]
    options_map[MADE_KEY] = _Made((*made, *new_entries[len(entries) :]))
    if recorder is not None:
        _point_to_output(book, settlement, new_entries)
        # Kept for the reports of this load (Fava, the CLI): they need not settle again.
        run = history.PluginRun(
            book, settlement, recorder.timeline, tuple(new_entries), config_text, read_errors
        )
        options_map[history.RUN_KEY] = run
    errors.extend(_reserve_errors(new_entries, book, settlement, config.tolerance))
    errors.extend(check_income_deposits(new_entries, book))
    errors.extend(check_elsewhere_deposits(new_entries, book))
    errors.extend([*check_pads(book), *check_carried_twice(entries, book)])
    errors.extend(check_deposit_owners(new_entries, book))
    errors.extend(check_held_receivables(new_entries, book, settlement, config.tolerance))
    errors.extend(check_keys(book))
    fuel_by_hand = check_fuel_entries(entries, book, roots.equity)
    errors.extend(fuel_by_hand)
    errors.extend(check_advances_entries(entries, book, roots.equity))
    errors.extend(check_account_names(entries, book))
    errors.extend(check_markup(entries))
    if entries:
        as_of = config.as_of or max(entry.date for entry in entries[-100:])
        errors.extend(_clocks(entries, book, settlement, as_of, config.disabled, fuel_by_hand))
        if config.accrue:
            errors.extend(check_accrual_entries(entries, new_entries, book, settlement))
    if config.disabled:
        errors = [e for e in errors if error_code(e) not in config.disabled]
    return new_entries, errors


def _unread_receivables(book: Book) -> list[FactoringError]:
    """The errors of reading the book, less the FCT134 of each invoice that posts to no
    receivable account known but to the ``receivables:`` of an agreement Beancount could
    not read: that agreement's error speaks for them (and for their events, which wait
    for them). The ledger's files are read only when there is such an invoice."""
    if not book.unposted:
        return book.errors
    refusals = Refusals(book.refused, book.entries, book.sources)
    prefixes = tuple(refusals.receivables)
    if not prefixes:
        return book.errors
    for name, refused in refusals.agreements.items():
        # (Their deposits are no events: no event would open their accounts.)
        note_unread_terms(book, name, refused.filename, refused.lineno)
    said = {
        id(error)
        for entry, error in book.unposted
        for posting in entry.postings
        if posting.account.startswith(tuple(prefix + ":" for prefix in prefixes))
        or posting.account in prefixes
    }
    return [error for error in book.errors if id(error) not in said]


def _reserve_errors(
    entries: list[data.Directive], book: Book, settlement: Settlement, tolerance: Decimal
) -> list[FactoringError]:
    """FCT141 on each reserve account that ends a day below zero, but for what an entry
    refused (or waiting for a refused entry) posts by hand: that follows from its error,
    as what an overdrawing already reported leaves does."""
    touched = in_order(len(entries), book.reserve_entries, (e.index for e in book.events))
    said = settlement.overdrawn | settlement.refused if settlement.refused else None
    return check_reserves(entries, touched, book, tolerance, said or settlement.overdrawn)


def _clocks(
    entries: list[data.Directive],
    book: Book,
    settlement: Settlement,
    as_of: datetime.date,
    disabled: Collection[str],
    fuel_by_hand: list[FactoringError],
) -> list[FactoringError]:
    """The checks of how much time has passed, judged on ``as_of`` (docs/ledger.md 10).
    (``fuel_by_hand``: the FCT134 errors of entries written by hand on a fuel-advances
    account. They speak for the advances they repay, as FCT162 does for those on the
    schedules it reports: FCT163 does not say it again, unless they are ``disabled``.)"""
    errors = check_clocks(settlement, book, as_of)
    unfunded = check_unfunded_schedules(settlement, book, as_of)
    errors.extend(unfunded)
    said = said_by(
        [e for e in unfunded if error_code(e) not in disabled],
        [e for e in fuel_by_hand if error_code(e) not in disabled],
    )
    errors.extend(check_fuel_overdue(settlement, book, as_of, said))
    errors.extend(check_hand_entries(entries, book, settlement.differences, as_of))
    return errors


def _read(entries: list[data.Directive], roots: Roots) -> tuple[list[data.Directive], Book]:
    """The factoring facts of the entries, and the entries they were read from: those
    given, or (when Beancount rounded a factor's leg it filled in to a tolerance wider
    than a cent) a copy with each such leg as its transaction balances it."""
    book = read_book(entries, roots)
    read = [event.index for event in book.events]
    exact = unrounded(entries, (*read, *book.reserve_entries), book.first_use)
    if exact is entries:
        return entries, book
    return exact, read_book(exact, roots)


def _ran_before(entries: list[data.Directive], options_map: dict[str, Any], runs: int) -> bool:
    """Whether this, the plugin's call number ``runs`` + 1 with these options, runs it
    on books an earlier call of the same load made: the plugin lines say so, or the
    entries hold one the first run made."""
    if runs < len(factoring_lines(options_map)):
        return True
    made = options_map.get(MADE_KEY)
    return isinstance(made, _Made) and made.found_in(entries)


def _run_again(
    options_map: dict[str, Any], config_text: str | None, run: int
) -> list[FactoringError]:
    """The errors of a plugin line that runs the plugin again in the same load (the
    ``run``-th): none if its config is the one the books were made with (the first
    line's errors were said on it); else, one, that it runs the plugin again (what is
    wrong in a config not applied does not matter: the fix is to delete a line). The
    books are left as the first run made them."""
    first_text = options_map.get(CONFIG_KEY)
    if config_text == first_text:
        return []
    first, _ = parse_config(first_text, options_map)
    config, problems = parse_config(config_text, options_map, run)
    errors: list[FactoringError] = []
    if config != first or problems:
        lines = factoring_lines(options_map)
        if run < len(lines):
            lineno, name, _ = lines[0]
            through = "" if name == PLUGIN_MODULE else f' (through the module "{name}")'
            message = (
                f"The factoring plugin runs a second time here, with {_shown(config_text)}; "
                f"line {lineno} already ran it{through} with {_shown(first_text)}. The "
                "plugin is applied once, with the first config: the books, bean-check and "
                "the reports follow it, not this line. Delete one of the two lines and "
                "keep on the other the config you mean"
            )
        else:
            # Called by a function of a module of one's own: no line shows which run
            # came from where.
            message = (
                f"The factoring plugin runs a second time in this load, with "
                f"{_shown(config_text)}, after a run with {_shown(first_text)}: a plugin "
                "of your own calls it besides a plugin line that names it (or calls it "
                "twice). The plugin is applied once, with the first config: the books, "
                "bean-check and the reports follow it. Run it one way only (its plugin "
                "line or your module), with the config you mean"
            )
        errors.append(make_error("FCT100", message, plugin_source(options_map, run)))
    return [error for error in errors if error_code(error) not in first.disabled]


def _shown(config_text: str | None) -> str:
    return f"the config {config_text!r}" if config_text else "no config"


def _point_to_output(
    book: Book, settlement: Settlement, new_entries: list[data.Directive]
) -> None:
    """Let the states name their schedule and deposit as the plugin returns them.

    That is with the postings the plugin wrote: the very objects of the loaded
    ledger, which the reports read a deposit's transfer fee from and find by
    identity. (Only ``.meta`` of these is read here, the same on both.)
    """
    written: dict[int, data.Transaction] = {}
    for event in book.events:
        entry = new_entries[event.index]
        if type(entry) is data.Transaction:
            written[id(event.entry)] = entry
    for state in settlement.states.values():
        if state.funded_by is not None:
            state.funded_by = written.get(id(state.funded_by), state.funded_by)
        if state.scheduled_by is not None:
            state.scheduled_by = written.get(id(state.scheduled_by), state.scheduled_by)


FirstUses = dict[str, tuple[datetime.date, Agreement]]


def _first_uses(book: Book, settlement: Settlement) -> FirstUses:
    """The factor's accounts that are used, each with its first use (by the ledger or
    by the plugin's postings) and its agreement: the accounts an agreement names
    (clearing, reserve, fees, adjustments) and the ones the plugin posts to."""
    first_use: FirstUses = {}
    for agreement in book.agreements.latest():
        for account in agreement.own_accounts():
            if account in book.first_use:
                first_use.setdefault(account, (book.first_use[account], agreement))
    for account, (date, agreement) in settlement.accounts_used.items():
        known = first_use.get(account)
        if known is None or date < known[0]:
            first_use[account] = (date, agreement)
    return first_use


def _unused(book: Book, settlement: Settlement, entries: list[data.Directive]) -> list[str]:
    """The factor's accounts the ledger used, not opened, that no entry uses once the
    plugin has split its deposits: the clearing leg of a deposit that funds its invoices
    straight off the receivable. Opened all the same, such an account was "Unused
    account" for beancount.plugins.nounused (and pedantic) on a good ledger."""
    left = {
        account: book.uses.get(account, 0)
        for account in book.first_use
        if account not in book.opened and account not in settlement.accounts_used
    }
    if not left:
        return []
    for index, written in settlement.replaced.items():
        before = entries[index]
        if type(before) is not data.Transaction or type(written) is not data.Transaction:
            continue
        for posting in before.postings:
            if posting.account in left:
                left[posting.account] -= 1
        for posting in written.postings:
            if posting.account in left:
                left[posting.account] += 1
    return [account for account, count in left.items() if count <= 0]


def _move_auto_opens(book: Book, first_use: FirstUses, new_entries: list[data.Directive]) -> None:
    """Date an ``open`` that beancount.plugins.auto_accounts made, listed before this
    plugin, on the plugin's first use of the account if that is earlier.

    It dates each account the ledger's first use: a reserve the ledger first names on
    a rebate, which the plugin booked a funding's reserve to weeks before, was
    Beancount's "inactive account" on a good ledger.
    """
    for account, index in book.auto_opens.items():
        used = first_use.get(account)
        entry = new_entries[index]
        if used is not None and used[0] < entry.date:
            new_entries[index] = entry._replace(date=used[0])


def _broken_opens(book: Book, entries: list[data.Directive], opened: FirstUses) -> list[data.Open]:
    """Open the accounts of a broken agreement (FCT110) that the ledger posts to and
    never opened: its default accounts and those it names. Its FCT110 says what to
    correct; Beancount's "unknown account" on every deposit of the factor said to open
    accounts. One pass over the ledger, only when an agreement is broken."""
    if not book.broken:
        return []
    found: dict[str, tuple[datetime.date, data.Custom]] = {}
    for entry in entries:
        if type(entry) is data.Transaction:
            accounts = [posting.account for posting in entry.postings]
        elif type(entry) is data.Balance:
            accounts = [entry.account]
        else:
            continue
        for account in accounts:
            if account in found or account in book.opened or account in opened:
                continue
            for agreement, prefixes, named in book.broken:
                if account in named or account.startswith(prefixes):
                    found[account] = (entry.date, agreement)
                    break
    opens = []
    for account, (date, agreement) in sorted(found.items()):
        meta = data.new_metadata(agreement.meta["filename"], agreement.meta["lineno"])
        opens.append(data.Open(meta, min(date, agreement.date), account, [], None))
    return opens


def _missing_opens(book: Book, first_use: FirstUses) -> list[data.Open]:
    """Open the factor's accounts that are used and that the ledger never opened.

    Each is opened on the agreement's date, or on its first use if that is earlier,
    with the agreement's line as its source.
    """
    opens = []
    for account, (date, agreement) in sorted(first_use.items()):
        if account in book.opened:
            continue
        meta = data.new_metadata(agreement.meta["filename"], agreement.meta["lineno"])
        opens.append(data.Open(meta, min(date, agreement.date), account, [], None))
    return opens
