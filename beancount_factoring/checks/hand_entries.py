"""FCT104: entries written by hand to a factor's clearing account that no event
explains, still there ``grace-days`` later.

The plugin books what the factor's deposits, fees and releases do to its clearing
account. An entry typed by hand beside them, most often a fee read off the
factor's statement that the deposit's split already took::

    2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
      Assets:Bank:Checking                     1835.00 USD
      Assets:Factoring:Summit:Clearing

    2025-03-05 * "Summit" "Transfer fee per statement"
      Expenses:Factoring:Summit:Fees             25.00 USD
      Assets:Factoring:Summit:Clearing

counts the fee twice (fees 25.00 too high) and leaves the clearing account 25.00
below zero, where no deposit will ever take it back. The reconciliation report lists
such an entry; bean-check says so too once the account's hand-written entries, which
may cancel each other (an entry and its reversal) or clear what a deposit that
differed from the agreement left there (``FCT120``: the factor's correction, a fee it
took), still do not add up to zero ``grace-days`` after the entry. Opening balances
(from an equity account of opening balances) are not hand-written entries: they are
the books' start, counted in the sum (an entry may write one off) and never reported;
nor are the lines an importer brought from a factor's statement (an ``import-id``).
The reserve account is left out: a charge the factor takes from the reserve is written
by hand as the reserve statement's importer writes it (fees against the reserve), and
the reserve report shows what its entries leave unexplained.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book, units_of

ZERO = Decimal(0)
# The key of an entry an importer brought from a statement (importers/base.py ID_KEY).
IMPORTED = "import-id"


def check_hand_entries(
    entries: list[data.Directive],
    book: Book,
    differences: dict[tuple[str, str], Decimal],
    as_of: datetime.date,
) -> list[FactoringError]:
    """FCT104 on each hand-written entry past grace on an account whose hand-written
    entries do not add up to zero, with what deposits that differed from the agreement
    left there (``differences``: a correction written by hand clears those)."""
    if not book.hand_entries:
        return []
    owners: dict[str, str] = {}
    for agreement in book.agreements.latest():
        owners.setdefault(agreement.clearing, agreement.name.strip().lower())
    groups: dict[tuple[str, str], list[tuple[data.Transaction, Decimal]]] = {}
    # What opening balances put there, which an entry written by hand may clear.
    totals = dict(differences)
    for index in book.opening_entries:
        for posting in getattr(entries[index], "postings", ()):
            units = units_of(posting) if posting.account in owners else None
            if units is not None:
                key = (posting.account, units[1])
                totals[key] = totals.get(key, ZERO) + units[0]
    for index in book.hand_entries:
        entry = entries[index]
        if not isinstance(entry, data.Transaction) or IMPORTED in entry.meta:
            continue  # a line of a factor's statement, such as a fee taken from the reserve
        for posting in entry.postings:
            units = units_of(posting) if posting.account in owners else None
            if units is not None:
                groups.setdefault((posting.account, units[1]), []).append((entry, units[0]))
    errors = []
    for (account, currency), found in groups.items():
        total = sum((amount for _, amount in found), totals.get((account, currency), ZERO))
        if not total:
            continue
        for entry, amount in found:
            error = _past_grace(
                book, owners[account], account, currency, entry, amount, total, as_of
            )
            if error is not None:
                errors.append(error)
    return errors


def _past_grace(
    book: Book,
    factor: str,
    account: str,
    currency: str,
    entry: data.Transaction,
    amount: Decimal,
    total: Decimal,
    as_of: datetime.date,
) -> FactoringError | None:
    """FCT104 for one entry, if it is older than its factor's grace-days."""
    _, agreement = book.agreements.in_force(factor, entry.date, currency)
    if agreement is None:
        return None
    waited = (as_of - entry.date).days
    if waited <= agreement.grace_days:
        return None
    message = (
        f"This entry ({entry.date}, {amount} {currency} on {account}) is not a factoring "
        f"event, deposit or imported line. As of {as_of}, {waited} days later (grace-days: "
        f"{agreement.grace_days}), the entries written by hand on this account total "
        f"{total} {currency} instead of zero. The plugin books deposits, fees and releases "
        "itself: if the deposit already took this charge under the agreement's terms "
        "(fee, transfer-fee), delete this entry; if it is a charge the agreement does not "
        'cover, replace it with a fee event (factoring: "fee", charge: "other", amount:, '
        "no postings), which the next deposit nets"
    )
    return make_error("FCT104", message, entry.meta, entry)


def check_carried_twice(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """FCT154 on each opening balance that puts a reserve on a factor's reserve account
    while the ledger has that factor's events from before it, when the ledger's opening
    (and closing) balances on that account add up to more than nothing.

    Books started as ledger.md 6.19 says write the invoices the factor still holds and
    their fundings on their own dates: the plugin books their reserve from them. The old
    trial balance's reserve line kept beside them counts it twice, and no release ever
    takes it back. (A year closed by hand and opened again in one load adds up to
    nothing; a closing balance alone moves the reserve out, never in; an opening balance
    that brings back only what a close before it moved out is a year reopened, not the
    reserve carried in: ``_carried_in``.)
    """
    if not book.opening_entries or not book.events:
        return []
    owners = {a.reserve: a.name.strip().lower() for a in book.agreements.latest()}
    found: dict[tuple[str, str], list[tuple[data.Transaction, Decimal]]] = {}
    for index in book.opening_entries:
        entry = entries[index]
        for posting in getattr(entry, "postings", ()):
            units = units_of(posting) if posting.account in owners else None
            if units is not None and isinstance(entry, data.Transaction):
                found.setdefault((posting.account, units[1]), []).append((entry, units[0]))
    errors = []
    for (account, currency), written in found.items():
        if sum((amount for _, amount in written), ZERO) <= 0:
            continue
        for entry, amount in _carried_in(written):
            first = _first_event_before(book, owners[account], entry.date)
            if first is None:
                continue
            message = (
                f"This opening balance puts {amount} {currency} on {account}, and the "
                f"ledger has events of '{book.agreements.display(owners[account])}' from "
                f"before it (the first on {first}): the plugin books the reserve of the "
                "invoices they fund itself, so this counts it a second time and no release "
                "will take it back. Remove this posting; for the reserve of an invoice the "
                "ledger does not have, write that invoice and its funding on their own "
                "dates instead (ledger.md 6.19)"
            )
            errors.append(make_error("FCT154", message, entry.meta, entry))
    return errors


def _carried_in(
    written: list[tuple[data.Transaction, Decimal]],
) -> Iterator[tuple[data.Transaction, Decimal]]:
    """The opening balances that put a reserve on the account, each with what it puts
    there beyond what closing balances of its day or before moved out: a year closed by
    hand and opened again brings back only what it took out (in either order on a day).
    """
    moved_out = ZERO
    for day in sorted({entry.date for entry, _ in written}):
        today = [(entry, amount) for entry, amount in written if entry.date == day]
        moved_out -= sum((amount for _, amount in today if amount < 0), ZERO)
        for entry, amount in today:
            if amount > 0:
                back = min(moved_out, amount)
                moved_out -= back
                if amount > back:
                    yield entry, amount


def _first_event_before(book: Book, factor: str, date: datetime.date) -> datetime.date | None:
    """The date of the factor's first event, if it is before ``date``."""
    first = min((e.date for e in book.events if e.factor == factor), default=None)
    return first if first is not None and first < date else None


def check_accrued_by_hand(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """With ``'accrue': 'month'``: FCT104 on each entry written to an ``accrued-fees``
    account while those entries do not add up to zero.

    The plugin writes that account itself: the month-end accruals of every invoice
    funded and its fee not yet booked, from the funding on (a funding written before
    the books' start too, ledger.md 6.19), each reversed when the fee is booked. An
    opening balance carried in from the old books, or an accrual typed by hand, counts
    those fees twice, and nothing ever reverses it. (An entry and its reversal by hand
    add up to nothing: no error.)
    """
    accounts = {agreement.accrued_fees for agreement in book.agreements.latest()}
    accounts.discard("")
    found: dict[tuple[str, str], list[tuple[data.Transaction, Decimal]]] = {}
    for entry in entries:
        if type(entry) is not data.Transaction:
            continue
        for posting in entry.postings:
            units = units_of(posting) if posting.account in accounts else None
            if units is not None:
                found.setdefault((posting.account, units[1]), []).append((entry, units[0]))
    errors = []
    for (account, currency), written in found.items():
        total = sum((amount for _, amount in written), ZERO)
        if not total:
            continue
        for entry, amount in written:
            message = (
                f"This entry ({entry.date}, {amount} {currency} on {account}) posts to the "
                "accrued-fees account, and with 'accrue': 'month' the plugin writes this "
                "account itself: at each month end the fee incurred on every invoice funded "
                "and not yet closed (those funded before the books' start too, from their "
                "funding), reversed the day the fee is booked. The entries written by hand "
                f"on it total {total} {currency} instead of zero, which counts those fees "
                "twice and is never reversed: delete this entry (an opening balance of "
                "the old books' accrued fees included)"
            )
            errors.append(make_error("FCT104", message, entry.meta, entry))
    return errors


def entries_by_hand(
    entries: list[data.Directive], book: Book, accounts: set[str], equity: str
) -> Iterator[tuple[data.Transaction, str]]:
    """Each transaction that is no event and posts to one of ``accounts`` (accounts the
    plugin keeps from the events: fuel advances, a loan's advances), with the first such
    account it posts to. Opening balances (a posting to the ``equity`` root, ``option
    "name_equity"``) are left out: the books' start, not an entry typed beside the events.
    """
    # (The plugin writes those postings itself: a ledger that writes none of its own, by
    # far the most, is not read again.)
    if not any(account in book.first_use for account in accounts):
        return
    events = {event.index for event in book.events}
    equity_prefix = equity + ":"
    for index, entry in enumerate(entries):
        if type(entry) is not data.Transaction or index in events:
            continue
        account = next((p.account for p in entry.postings if p.account in accounts), None)
        if account is None or any(p.account.startswith(equity_prefix) for p in entry.postings):
            continue
        yield entry, account
