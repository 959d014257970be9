"""Probable duplicates: a bank line already in the ledger without its import id.

A line the bookkeeper typed before importing, or that another importer brought in (the
bank's OFX download beside its CSV), has no `import-id`, or another one, so matching ids
cannot find it:

    2025-02-05 * "Lakeshore Funding" "deposit, typed from the bank's app"
      Assets:Bank:Checking                 4563.37 USD
      Assets:Factoring:Lakeshore:Clearing

    ; the statement's line, imported later
    2025-02-06 * "LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045"
      import-id: "bank-2c908fd5b144"
      Assets:Bank:Checking                 4563.37 USD
      Assets:Factoring:Lakeshore:Clearing

beangulp's default rule takes an imported entry for a duplicate of an existing one with
the same amount on the same account within two days; here two working days, so that a
card used on Friday and typed that day is found in the bank's Monday line. It is not
certain (two fuel stops of the same price on consecutive days are two lines), so a match
is marked the way beangulp marks a duplicate (`__duplicate__`: the extract prints it
commented out, with the place of the entry it duplicates) and says why it is only
probable (`probable-duplicate:`): a line that is not a duplicate is uncommented by hand.

A line typed by hand with its sign the other way (the amount written on the wrong
posting) is no duplicate to leave out (a refund of a charge is such a pair too): the line
is imported with a note naming the typed entry (`sign-the-other-way:`). So is a line
matched by nothing that the ledger may hold typed with another amount (the factor
report's figure, cents mistyped: `amount_slip`), by an entry matched by no other line
(`typed-with-another-amount:`): the deposit is not booked twice in silence. A line
still matched by nothing is looked at once more (`_note_left`): two lines whose total an
entry typed by hand holds (`typed-as-one-with-another-line:`), an entry of its amount and
payee on another date within the statement's period (`typed-on-another-date:`), an
entry of its payee typed more than 1% off (`typed-with-another-amount:` again).

Each existing entry is the duplicate of one imported entry at most, the nearest in date;
an entry already matched by its id is taken. The existing entries are indexed by
(account, amount, currency), each key's dates sorted, so each imported entry costs a
lookup and a bisection, not a scan of the ledger: the work grows with the ledger and the
file, not with their product.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from beancount.core import data

# How far apart the dates of a line and its probable duplicate may be: two working days
# (beangulp's rule is two days; a bank posts Friday's card line on Monday).
WORKING_DAYS = 2
# The most calendar days two working days span (Thursday to Monday).
WINDOW = datetime.timedelta(days=4)
NOTE_KEY = "probable-duplicate"
# The note on an imported line the ledger may hold typed with its sign the other way.
SIGN_KEY = "sign-the-other-way"
# The note on an imported line the ledger may hold typed by hand with another amount.
AMOUNT_KEY = "typed-with-another-amount"
# How far apart a typed amount and the bank's may be, as a share of the larger: the
# factor report's figure beside the bank's, net of a wire fee (25.00 of 3,316.87: 0.75%).
NEAR_SHARE = Decimal("0.01")
# The note on an imported line the ledger may hold typed as one entry with another line.
SUM_KEY = "typed-as-one-with-another-line"
# The note on an imported line the ledger may hold typed (or booked) on another date.
DATE_KEY = "typed-on-another-date"
_DUPLICATE = "__duplicate__"
# (account, number, currency) of the posting an imported entry is matched by.
Key = tuple[str, Decimal, str]


def line_key(entry: Any) -> Key | None:
    """What an imported transaction is matched by: its first posting's account and amount
    (the statement's line; the other posting is the importer's guess)."""
    if not isinstance(entry, data.Transaction) or not entry.postings:
        return None
    units = entry.postings[0].units
    if units is None or not isinstance(units.number, Decimal):
        return None
    return (entry.postings[0].account, units.number, units.currency)


class Similar:
    """The existing transactions by (account, amount, currency), for the keys wanted.

    `comparisons` counts the existing entries looked at (tests check it stays linear).
    """

    def __init__(self, wanted: set[Key], existing: Iterable[Any], taken: set[int]) -> None:
        accounts = {key[0] for key in wanted}
        found: dict[Key, list[tuple[datetime.date, int, Any]]] = {}
        for order, entry in enumerate(existing):
            if not isinstance(entry, data.Transaction) or id(entry) in taken:
                continue
            for posting in entry.postings:
                if posting.account not in accounts:  # (most postings: one set lookup)
                    continue
                units = posting.units
                if units is None or not isinstance(units.number, Decimal):
                    continue
                key = (posting.account, units.number, units.currency)
                if key in wanted:
                    found.setdefault(key, []).append((entry.date, order, entry))
                    break
        for items in found.values():
            items.sort(key=lambda item: item[:2])
        self._by_key = {key: ([item[0] for item in items], items) for key, items in found.items()}
        self._taken = taken
        self.comparisons = 0

    def match(
        self, entry: data.Transaction, key: Key, agreeing: bool = False, typed: bool = False
    ) -> Any | None:
        """The nearest untaken existing entry of the key within the window, taken; with
        `agreeing`, only one whose other side agrees with the entry's (`_agrees`); with
        `typed`, only one typed by hand (without an import id)."""
        found = self._by_key.get(key)
        if found is None:
            return None
        dates, items = found
        best: tuple[tuple[int, int], Any] | None = None
        start = bisect_left(dates, entry.date - WINDOW)
        for day, _, other in items[start:]:
            if day > entry.date + WINDOW:
                break
            self.comparisons += 1
            if id(other) in self._taken or not _within(entry, other):
                continue
            if agreeing and not _agrees(entry, other, key[0]):
                continue
            if typed and _IMPORTED in (other.meta or {}):
                continue
            apart = (working_days_apart(day, entry.date), abs((day - entry.date).days))
            if best is None or apart < best[0]:
                best = (apart, other)
        if best is None:
            return None
        self._taken.add(id(best[1]))
        return best[1]


def _agrees(entry: Any, other: Any, account: str) -> bool:
    """Whether two transactions of one amount on `account` post their other side alike:
    to one account, or to accounts of one parent (the factor's clearing account, and the
    reserve the plugin split a deposit to)."""

    def sides(transaction: Any) -> set[str]:
        found = set()
        for posting in transaction.postings:
            if posting.account != account:
                found.add(posting.account)
                parent = posting.account.rpartition(":")[0]
                if ":" in parent:  # `Expenses` alone says nothing
                    found.add(parent)
        return found

    return not sides(entry).isdisjoint(sides(other))


def _within(entry: Any, other: Any) -> bool:
    """Close enough in date to be the same line: two working days for a line typed by
    hand or from another kind of file (a card used on Friday, posted on Monday); two
    days for one from a file of the same kind, which would have had the same id (the
    lines of a Thursday and a Monday are two fuel stops). A release (from the factor's
    reserve report) is the bank's line as the report finds its bank line
    (`release_near`), whichever of the two files is imported first."""
    own, booked = entry.meta.get(_IMPORTED), (other.meta or {}).get(_IMPORTED)
    if isinstance(own, str) and isinstance(booked, str) and _source(own) == _source(booked):
        return abs((other.date - entry.date).days) <= WORKING_DAYS
    if (other.meta or {}).get("factoring") == "release":
        return release_near(other.date, entry.date)
    return working_days_apart(other.date, entry.date) <= WORKING_DAYS


# How many calendar days a factor's release and its bank line may be apart (a release
# sent on Tuesday and posted on Friday), beside two working days (Friday to Tuesday).
RELEASE_DAYS = 3


def release_near(one: datetime.date, other: datetime.date) -> bool:
    """Whether a release of the factor's reserve report and a bank line of its amount
    are dated close enough to be one payment: two working days, or three calendar days."""
    days = abs((one - other).days)
    return days <= RELEASE_DAYS or working_days_apart(one, other) <= WORKING_DAYS


def working_days_apart(one: datetime.date, other: datetime.date) -> int:
    """The working days after the earlier date up to the later one: Friday to Monday is
    one, Wednesday to Friday two (a Saturday or Sunday counts for nothing)."""
    earlier, later = sorted((one, other))
    days = (later - earlier).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for step in range(1, rest + 1):
        if (earlier + datetime.timedelta(days=step)).weekday() < 5:
            count += 1
    return count


def mark_similar(
    entries: list[Any], existing: Iterable[Any], taken: set[int], signs: bool = False
) -> int:
    """Mark the entries not yet marked that have a probable duplicate in `existing`; with
    `signs` (a statement's lines), note those that have a line typed with its sign the
    other way (`SIGN_KEY`).

    `taken` holds the ids (`id()`) of the existing entries already matched; the ones
    matched here are added. Returns the number of existing entries compared.
    """
    keys = _unmarked(entries, line_key)
    if not keys:
        return 0
    wanted = set(keys.values())
    if signs:
        wanted |= {_negated(key) for key in wanted}
    similar = Similar(wanted, existing, taken)
    # First the entries whose other side agrees with the booked one's (of two factors'
    # deposits of one amount, the typed Lakeshore deposit is the Lakeshore line's), then
    # the rest, by account and amount alone.
    for agreeing in (True, False):
        for entry in entries:
            key = keys.get(id(entry))
            if key is None or _DUPLICATE in entry.meta:
                continue
            other = similar.match(entry, key, agreeing)
            if other is not None:
                _mark(entry, other, "same account and amount", "line")
    # Then a line the ledger holds typed by hand with its sign the other way (on the
    # wrong posting): not a duplicate to leave out, as a refund of a charge is such a pair
    # too, but the line is imported with a note naming it.
    for entry in entries if signs else ():
        key = keys.get(id(entry))
        if key is None or _DUPLICATE in entry.meta or not key[1]:
            continue
        other = similar.match(entry, _negated(key), typed=True)
        if other is not None:
            where = f"{other.meta.get('filename')}:{other.meta.get('lineno')}"
            entry.meta[SIGN_KEY] = (
                f"the ledger has {-key[1]} {key[2]} on {key[0]} on {other.date} ({where}), "
                "typed without an import-id: if it is this line with its sign written the "
                "other way, correct that entry and delete this one; if it is another line "
                "(a refund), delete this note"
            )
    compared = similar.comparisons
    if signs:
        compared += _note_typed_amounts(entries, keys, existing, taken)
        compared += _note_left(entries, keys, existing, taken)
    return compared


def amount_slip(booked: Decimal, line: Decimal) -> str | None:
    """How an amount typed by hand may be the statement's `line` written another way:
    within 1% of it (the factor report's figure, where the bank's is net of a wire fee),
    two adjacent digits swapped, or one digit different (cents mistyped); None when it
    is none of these, the same amount, or of the other sign."""
    if booked == line or not (booked.is_finite() and line.is_finite()):
        return None
    if not booked or not line or (booked > 0) != (line > 0):
        return None
    if abs(booked - line) <= NEAR_SHARE * max(abs(booked), abs(line)):
        return "within 1%"
    # Both written with as many decimals (96.4 is 96.40 beside 96.44), then digit by digit.
    places = max(-int(booked.as_tuple().exponent), -int(line.as_tuple().exponent), 0)
    ours, theirs = (str(int(abs(number).scaleb(places))) for number in (booked, line))
    if len(ours) != len(theirs):
        return None
    differ = [at for at, (one, other) in enumerate(zip(ours, theirs, strict=True)) if one != other]
    if len(differ) == 1:
        return "one digit different"
    if len(differ) == 2 and differ[1] == differ[0] + 1:
        first, second = differ
        if ours[first] == theirs[second] and ours[second] == theirs[first]:
            return "two digits swapped"
    return None


# Typed entries by (account, currency): their dates sorted, and (date, amount, entry).
_TypedIndex = dict[tuple[str, str], tuple[list[datetime.date], list[tuple[Any, ...]]]]


def _typed_index(accounts: set[tuple[str, str]], existing: Iterable[Any]) -> _TypedIndex:
    """The transactions typed by hand (without an import-id) posting to one of `accounts`
    (account, currency): what each posts there first, by date."""
    names = {account for account, _ in accounts}
    found: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for order, entry in enumerate(existing):
        if not isinstance(entry, data.Transaction) or _IMPORTED in (entry.meta or {}):
            continue
        for posting in entry.postings:
            units = posting.units
            if posting.account not in names or units is None:
                continue
            place = (posting.account, units.currency)
            if place in accounts and isinstance(units.number, Decimal):
                found.setdefault(place, []).append((entry.date, order, units.number, entry))
                break
    for items in found.values():
        items.sort(key=lambda item: item[:2])
    return {place: ([item[0] for item in items], items) for place, items in found.items()}


def _note_typed_amounts(
    entries: list[Any], keys: dict[int, Key], existing: Iterable[Any], taken: set[int]
) -> int:
    """Note each statement line matched by nothing that the ledger may hold typed by hand
    with another amount (`amount_slip`): an entry without an import-id on its account,
    within two working days, matched by no other line. The line is imported (it is the
    bank's figure) with a note naming the entry, so the two are not kept in silence.
    Of several pairs, the closest amounts first; each entry and line in one note at most.
    Returns the existing entries compared."""
    lines = [
        entry
        for entry in entries
        if id(entry) in keys
        and keys[id(entry)][1]
        and _DUPLICATE not in entry.meta
        and SIGN_KEY not in entry.meta
    ]
    if not lines:
        return 0
    index = _typed_index({(keys[id(line)][0], keys[id(line)][2]) for line in lines}, existing)
    compared = 0
    pairs: list[tuple[Any, ...]] = []
    for order, line in enumerate(lines):
        account, number, currency = keys[id(line)]
        dates, items = index.get((account, currency), ([], []))
        for day, rank, booked, other in items[bisect_left(dates, line.date - WINDOW) :]:
            if day > line.date + WINDOW:
                break
            compared += 1
            how = amount_slip(booked, number)
            if how is None or id(other) in taken or not _within(line, other):
                continue
            apart = working_days_apart(day, line.date)
            pairs.append((abs(booked - number), apart, order, rank, line, other, booked, how))
    noted: set[int] = set()
    for *_, line, other, booked, how in sorted(pairs, key=lambda pair: pair[:4]):
        if id(line) in noted or id(other) in taken:
            continue
        noted.add(id(line))
        taken.add(id(other))
        _note_amount(line, keys[id(line)], other, booked, how)
    return compared


def _note_amount(line: Any, key: Key, other: Any, booked: Decimal, how: str) -> None:
    """Note on `line` that the ledger may hold it typed by hand with another amount."""
    account, number, currency = key
    line.meta[AMOUNT_KEY] = (
        f"the ledger has {booked} {currency} on {account} on {other.date} ({_place(other)}), "
        f"typed without an import-id, where this line has {number} {currency} ({how}): "
        "if it is this line typed with another amount, delete one of the two (this "
        "line is the bank's figure: correct that entry to it if you keep that one); "
        "if it is another line, delete this note"
    )


def _place(entry: Any) -> str:
    """Where an entry of the ledger is: file:line."""
    return f"{entry.meta.get('filename')}:{entry.meta.get('lineno')}"


# How far apart a typed amount and the bank's may be, beyond the slips `amount_slip`
# finds, when the typed entry names the line's payee or posts its other side to the line's
# account: the factor's advance before the fees its deposit is net of (58.13 on
# 3,350.00), a fuel stop typed from the driver's estimate.
FAR_SHARE = Decimal("0.20")
# How far from its line an entry of its amount and payee, typed or booked on another
# date, is looked for: a date typed ten days off, a check typed when written.
REDATED = datetime.timedelta(days=31)
# The words of a payee or narration that may name someone: four letters or more, or a
# number of three digits or more (a check's, a store's), but not the words of any line.
_WORD = re.compile(r"[^\W\d_]{4,}|\d{3,}")
_COMMON = frozenset(
    (
        "bank", "card", "check", "company", "corp", "credit", "debit", "deposit", "draft",
        "from", "hand", "mobile", "online", "payment", "pending", "purchase", "recurring",
        "transfer", "typed", "wire", "with", "withdrawal",
    )
)  # fmt: skip
_NOTES = (_DUPLICATE, SIGN_KEY, AMOUNT_KEY, SUM_KEY, DATE_KEY)
# Entries by (account, currency) or by Key: their dates sorted, and (date, order, number,
# entry).
_Index = dict[Any, tuple[list[datetime.date], list[tuple[Any, ...]]]]


def _noted(entry: Any) -> bool:
    """Whether a line is a duplicate or has a note naming an entry already."""
    return any(key in entry.meta for key in _NOTES)


def _words(entry: Any, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    """The words of an entry's payee and narration that may name someone (kept in
    `cache` by `id()`: an entry is compared with several lines)."""
    found = cache.get(id(entry))
    if found is None:
        text = f"{entry.payee or ''} {entry.narration or ''}".casefold()
        found = cache[id(entry)] = frozenset(_WORD.findall(text)) - _COMMON
    return found


def _sorted(found: dict[Any, list[tuple[Any, ...]]]) -> _Index:
    for items in found.values():
        items.sort(key=lambda item: item[:2])
    return {place: ([item[0] for item in items], items) for place, items in found.items()}


def _left_index(
    lines: list[Any], keys: dict[int, Key], existing: Iterable[Any], taken: set[int]
) -> tuple[_Index, _Index]:
    """The entries of the ledger, matched by no line, that a line left may be, dated
    within the statement's period on the line's account (from its first line to its
    last): the statement covers that period and holds no line of theirs, where an entry
    dated before it is the last statement's (last week's fuel draft, typed the day
    before this statement's). By (account, currency), those typed by hand; by Key, for
    the lines' keys, those typed by hand or imported from another kind of file (an
    import-id of another prefix than the lines')."""
    spans: dict[tuple[str, str], tuple[datetime.date, datetime.date]] = {}
    for line in lines:
        account, _, currency = keys[id(line)]
        first, last = spans.get((account, currency), (line.date, line.date))
        spans[(account, currency)] = (min(first, line.date), max(last, line.date))
    wanted = {keys[id(line)] for line in lines}
    own = {_source(ident) for line in lines if isinstance(ident := line.meta.get(_IMPORTED), str)}
    names = {account for account, _ in spans}
    typed: dict[Any, list[tuple[Any, ...]]] = {}
    by_key: dict[Any, list[tuple[Any, ...]]] = {}
    for order, entry in enumerate(existing):
        if not isinstance(entry, data.Transaction) or id(entry) in taken:
            continue
        ident = (entry.meta or {}).get(_IMPORTED)
        if isinstance(ident, str) and _source(ident) in own:
            continue  # the same line would have had the same id: another line
        for posting in entry.postings:
            units = posting.units
            if posting.account not in names or units is None:
                continue
            span = spans.get((posting.account, units.currency))
            if span is None or not isinstance(units.number, Decimal):
                continue
            item = (entry.date, order, units.number, entry)
            if not span[0] <= entry.date <= span[1]:
                break
            if ident is None:
                typed.setdefault((posting.account, units.currency), []).append(item)
            key = (posting.account, units.number, units.currency)
            if key in wanted:
                by_key.setdefault(key, []).append(item)
            break
    return _sorted(typed), _sorted(by_key)


def _note_left(
    entries: list[Any], keys: dict[int, Key], existing: Iterable[Any], taken: set[int]
) -> int:
    """Note each statement line left (matched by nothing, named by no note) that the
    ledger may hold typed by hand another way: as one entry of its total with another
    line (`SUM_KEY`), on another date (`DATE_KEY`), or with an amount more than 1% off
    (`AMOUNT_KEY`). Each line is imported, with one note at most, each entry named by one
    line (or one pair) at most. Returns the existing entries compared."""
    lines = [e for e in entries if id(e) in keys and keys[id(e)][1] and not _noted(e)]
    if not lines:
        return 0
    typed, by_key = _left_index(lines, keys, existing, taken)
    compared = _note_sums(lines, keys, typed, taken)
    compared += _note_redated(lines, keys, by_key, taken)
    return compared + _note_far_amounts(lines, keys, typed, taken)


def _note_sums(lines: list[Any], keys: dict[int, Key], typed: _Index, taken: set[int]) -> int:
    """Note the two lines of one sign whose amounts add up to an entry typed by hand
    within two working days of both (two fuel stops of a day typed as one, the week's
    two deposits): of several pairs, the nearest in date first."""
    by_place: dict[Any, list[tuple[Any, ...]]] = {}
    for order, line in enumerate(lines):
        account, _, currency = keys[id(line)]
        by_place.setdefault((account, currency), []).append((line.date, order, line))
    placed = _sorted(by_place)
    compared = 0
    pairs: list[tuple[Any, ...]] = []
    for place, (_, items) in typed.items():
        line_dates, line_items = placed.get(place, ([], []))
        for day, rank, total, other in items:
            window = []
            for line_day, order, line in line_items[bisect_left(line_dates, day - WINDOW) :]:
                if line_day > day + WINDOW:
                    break
                compared += 1
                number = keys[id(line)][1]
                if (number > 0) != (total > 0):
                    continue
                apart = (working_days_apart(line_day, day), abs((line_day - day).days))
                # (`_within` for a typed entry: two working days, or a release's three days.)
                if apart[0] <= WORKING_DAYS or _within(line, other):
                    window.append((apart, order, number, line))
            # The nearest first, so that each line's mate is the nearest of its amount.
            window.sort(key=lambda item: item[:2])
            near: dict[Decimal, tuple[tuple[int, int], Any]] = {}
            for apart, _, number, line in window:
                mate = near.get(total - number)
                if mate is not None:
                    both = (mate[0][0] + apart[0], mate[0][1] + apart[1])
                    pairs.append((both, rank, mate[1], line, other, total))
                near.setdefault(number, (apart, line))
    done: set[int] = set()
    for _, _, first, second, other, total in sorted(pairs, key=lambda pair: pair[:2]):
        if id(other) in taken or id(first) in done or id(second) in done:
            continue
        taken.add(id(other))
        done.update((id(first), id(second)))
        for line, mate in ((first, second), (second, first)):
            account, number, currency = keys[id(line)]
            line.meta[SUM_KEY] = (
                f"the ledger has {total} {currency} "
                f"on {account} on {other.date} ({_place(other)}), typed without an "
                f"import-id: the total of this line and the line of {keys[id(mate)][1]} "
                f"{currency} on {mate.date} ({number} + {keys[id(mate)][1]}): if it is "
                "these two lines typed as one, delete that entry (or these two lines); "
                "if not, delete this note"
            )
    return compared


def _note_redated(lines: list[Any], keys: dict[int, Key], by_key: _Index, taken: set[int]) -> int:
    """Note each line left of which the ledger holds an entry of its account and amount,
    and a word of its payee in common, dated within the statement's period but further
    than the window, up to `REDATED` away: typed by hand on another date, or booked from
    another kind of file and re-dated. Of several, the nearest in date first (a payroll
    of one amount every two weeks is each time the nearest's, taken by its own line)."""
    compared = 0
    words: dict[int, frozenset[str]] = {}
    pairs: list[tuple[Any, ...]] = []
    for order, line in enumerate(lines):
        dates, items = by_key.get(keys[id(line)], ([], []))
        mine = _words(line, words)
        for day, rank, _, other in items[bisect_left(dates, line.date - REDATED) :]:
            if day > line.date + REDATED:
                break
            compared += 1
            if mine.isdisjoint(_words(other, words)):
                continue
            pairs.append((abs((day - line.date).days), order, rank, line, other))
    for days, _, _, line, other in sorted(pairs, key=lambda pair: pair[:3]):
        if _noted(line) or id(other) in taken:
            continue
        taken.add(id(other))
        account, number, currency = keys[id(line)]
        ident = (other.meta or {}).get(_IMPORTED)
        how = "typed without an import-id" if ident is None else f"imported with id {ident}"
        line.meta[DATE_KEY] = (
            f"the ledger has {number} {currency} on {account} on {other.date} "
            f"({_place(other)}), {how}, {days} days from this line, with a word of its "
            "payee: if it is this line on another date, delete one of the two (this line "
            "has the bank's date: correct that entry to it if you keep that one); if it is "
            "another line, delete this note"
        )
    return compared


def _note_far_amounts(
    lines: list[Any], keys: dict[int, Key], typed: _Index, taken: set[int]
) -> int:
    """Note each line left that the ledger may hold typed by hand with an amount of its
    sign more than 1% off but within `FAR_SHARE`, within two working days, when the typed
    entry has a word of its payee or posts its other side as the line does (the
    factor's clearing account): of several, the closest amounts first."""
    compared = 0
    words: dict[int, frozenset[str]] = {}
    pairs: list[tuple[Any, ...]] = []
    for order, line in enumerate(lines):
        if _noted(line):
            continue
        account, number, currency = keys[id(line)]
        dates, items = typed.get((account, currency), ([], []))
        for day, rank, booked, other in items[bisect_left(dates, line.date - WINDOW) :]:
            if day > line.date + WINDOW:
                break
            compared += 1
            if id(other) in taken or not booked or (booked > 0) != (number > 0):
                continue
            if abs(booked - number) > FAR_SHARE * max(abs(booked), abs(number)):
                continue
            if not _within(line, other):
                continue
            if not _words(line, words).isdisjoint(_words(other, words)):
                how = "more than 1% apart, a word of its payee in common"
            elif _agrees(line, other, account):
                how = "more than 1% apart, its other side posted alike"
            else:
                continue
            apart = working_days_apart(day, line.date)
            pairs.append((abs(booked - number), apart, order, rank, line, other, booked, how))
    for *_, line, other, booked, how in sorted(pairs, key=lambda pair: pair[:4]):
        if _noted(line) or id(other) in taken:
            continue
        taken.add(id(other))
        _note_amount(line, keys[id(line)], other, booked, how)
    return compared


def _negated(key: Key) -> Key:
    """The key of the same line with its sign the other way."""
    return (key[0], -key[1], key[2])


def _unmarked(entries: list[Any], key_of: Any) -> dict[int, Any]:
    """The key of each entry not yet marked a duplicate that has one, by ``id()``."""
    keys = {}
    for entry in entries:
        if entry.meta is not None and _DUPLICATE not in entry.meta:
            key = key_of(entry)
            if key is not None:
                keys[id(entry)] = key
    return keys


def _mark(entry: Any, other: Any, alike: str, what: str) -> None:
    """Mark ``entry`` a probable duplicate of ``other``, saying why and how to undo it."""
    days = abs((other.date - entry.date).days)
    apart = "the same day" if not days else f"{days} day{'s' if days > 1 else ''} apart"
    entry.meta[_DUPLICATE] = other
    ids = "no common import-id"
    own, booked = entry.meta.get(_IMPORTED), (other.meta or {}).get(_IMPORTED)
    if isinstance(own, str) and isinstance(booked, str) and _source(own) == _source(booked):
        # Both from the same kind of file: the same line would have had the same id, unless
        # the bank changed the line's text (the same day: as likely as another line).
        likely = "another line or" if not days else "most likely another line, unless"
        ids = (
            f"but the booked one ({other.narration!r}) came from a file of this kind with "
            f"another id ({booked}): {likely} the bank changed its export"
        )
    entry.meta[NOTE_KEY] = (
        f"{alike}, {apart}, {ids}; if it is another {what}, uncomment it and delete this line"
    )


def _source(ident: str) -> str:
    """The kind of file an import id comes from: its prefix (`bank`, `ofx`, `inv`)."""
    return ident.split("-", 1)[0]


# The factor's events a report brings that may be in the ledger already without its id.
EVENT_KINDS = ("collected", "schedule", "chargeback", "fee")
# The links an event's own kind gives it (a schedule's, a fee's), not an invoice's.
_EVENT_LINKS = ("sched-", "fee-")
# The key of an imported entry's id (base.ID_KEY; base imports this module).
_IMPORTED = "import-id"


def event_key(entry: Any) -> tuple[Any, ...] | None:
    """What a factor's event is matched by: its kind and invoices, and what it says of
    them: a payment's amount (None: the whole face or the rest), a schedule's number, a
    fee's amount (a chargeback says nothing more: the plugin works out its amount)."""
    if not isinstance(entry, data.Transaction) or entry.meta is None:
        return None
    kind = entry.meta.get("factoring")
    if kind not in EVENT_KINDS:
        return None
    invoices = frozenset(link for link in entry.links if not link.startswith(_EVENT_LINKS))
    said: Any = None
    if kind in ("collected", "fee"):
        figure = entry.meta.get("paid" if kind == "collected" else "amount")
        said = getattr(figure, "number", figure)
    elif kind == "schedule":
        said = str(entry.meta.get("schedule", ""))
    return (kind, invoices, said)


def _keys(key: tuple[Any, ...]) -> tuple[tuple[Any, ...], ...]:
    """The keys an imported event may be found by: its own, and for a fee of invoices
    the same fee typed without their links (from the factor's email)."""
    kind, invoices, said = key
    return (key, (kind, frozenset(), said)) if kind == "fee" and invoices else (key,)


def _near(other: Any, entry: Any) -> bool:
    """Close enough in date to be the same event: within two working days for one typed
    by hand (the day the email came, say); the same day for one imported from another
    report (its reference written another way), where a day apart is another payment."""
    if _IMPORTED in other.meta:
        return bool(other.date == entry.date)
    return working_days_apart(other.date, entry.date) <= WORKING_DAYS


def mark_typed_events(entries: list[Any], existing: Iterable[Any]) -> None:
    """Mark a report's `collected`, `schedule`, `chargeback` and `fee` events already in
    the ledger as probable duplicates: typed by hand from the factor's email, or imported from
    another report that writes the payment's reference another way (the weekly report,
    then the monthly one). Same kind, same invoices, same amount paid (or schedule),
    dated within two working days of one typed by hand, or on the same day as one imported.
    Without this, a short pay's payment typed by hand and then imported would read as
    a second payment after the short pay."""
    keys = _unmarked(entries, event_key)
    if not keys:
        return
    wanted = {each for key in keys.values() for each in _keys(key)}
    found: dict[tuple[Any, ...], list[Any]] = {}
    for entry in existing:
        key = event_key(entry)
        if key is not None and key in wanted:
            found.setdefault(key, []).append(entry)
    taken: set[int] = set()
    for entry in entries:
        key = keys.get(id(entry))
        if key is None:
            continue
        candidates = [
            other
            for each in _keys(key)
            for other in found.get(each, ())
            if id(other) not in taken and _near(other, entry)
        ]
        if not candidates:
            continue
        other = min(candidates, key=lambda other: abs(other.date - entry.date))
        taken.add(id(other))
        booked = event_key(other)
        linked = booked is not None and booked[1] == key[1]
        alike = "of the same invoices" if linked else "without the invoices' links"
        amount = " and amount" if key[0] == "fee" else ""
        _mark(entry, other, f"the same {key[0]} event {alike}{amount}", "one")


def figure_changes(new: data.Transaction, booked: data.Transaction) -> list[str]:
    """The factor's figures (a posting's `advance:`, `fee:`, `reserve:`...) that differ
    between a report's event and the one the ledger holds with the same id: a corrected
    report whose id, made of its invoices and faces, did not change."""

    def figures(entry: data.Transaction) -> dict[tuple[str, str], Any]:
        found = {}
        for posting in entry.postings:
            meta = posting.meta or {}
            invoice = str(meta.get("invoice", ""))
            for key, value in meta.items():
                if key not in ("filename", "lineno", "invoice") and not key.startswith("__"):
                    found[(invoice, key)] = value
        return found

    theirs, ours = figures(new), figures(booked)
    return [
        f"{invoice} {key} {theirs.get((invoice, key))} here, {ours.get((invoice, key))} in the "
        "ledger"
        for invoice, key in sorted(theirs.keys() | ours.keys())
        if theirs.get((invoice, key)) != ours.get((invoice, key))
    ]
