"""FCT110 on an agreement whose account is a slip away from one the ledger opened.

The plugin opens the accounts an agreement names (or defaults) when the ledger does
not, so Beancount's "unknown account" error never catches a misspelt one. A
bookkeeper who opens the reserve account and books the factor's rebates to it,
while the agreement names another::

    2025-01-01 open Assets:Factoring:Harbor:Reserve

    2025-01-01 custom "factoring-agreement" "Harbor"
      ...
      reserve: Assets:Factoring:Harbor:Reserves

gets the advances' holdbacks on ``...:Reserves`` (opened by the plugin) and the
rebates on ``...:Reserve``, which is not the factor's for the plugin: the rebate is
no release, both accounts keep a balance, and nothing is said. The same happens
with the default names of a factor of two words: ``"Harbor Capital"`` defaults to
``Assets:Factoring:HarborCapital:Clearing``, not ``Assets:Factoring:Harbor:Clearing``.

So an account an agreement names that the ledger never opens is compared with the
accounts the ledger does open, names in no agreement and posts to on or after the
agreement's date: one that differs from it in one component, a slip away
(``Reserve`` for ``Reserves``) or the factor's name shortened or lengthened
(``Harbor:Clearing`` for ``HarborCapital:Clearing``), is an FCT110
error on the agreement's key (or its line, for a default), naming both accounts.
"""

from __future__ import annotations

import datetime

from beancount.core import data

from beancount_factoring.errors import FactoringError, make_error
from beancount_factoring.ledger.book import Book
from beancount_factoring.terms import spelling
from beancount_factoring.terms.agreement import ACCOUNT_KEYS, Agreement, key_position

# (An agreement's account, the ledger's account like it, the agreement.)
Lookalike = tuple[str, str, Agreement]


def check_account_names(entries: list[data.Directive], book: Book) -> list[FactoringError]:
    """Report agreements' accounts that the ledger seems to have opened under another name."""
    named = {account for terms in book.agreements.latest() for account in terms.owned_set}
    mine = [account for account in book.opened if account not in named]
    lookalikes = [
        (account, other, terms)
        for terms in book.agreements.latest()
        for account in terms.owned
        if account not in book.opened
        for other in mine
        if _alike(account, other)
    ]
    if not lookalikes:
        return []
    used, opens = _uses(entries, {other for _, other, _ in lookalikes})
    errors: list[FactoringError] = []
    reported: set[str] = set()
    for account, other, terms in lookalikes:
        last = used.get(other)
        if last is None or last < terms.date or account in reported:
            continue
        reported.add(account)
        errors.append(_error(account, other, terms, opens.get(other)))
    return errors


def _alike(account: str, other: str) -> bool:
    """``other`` differs from ``account`` in one component: a slip, or the factor's name
    written another way under the same last component."""
    parts, others = account.split(":"), other.split(":")
    if len(parts) != len(others):
        return False
    differ = [index for index, (a, b) in enumerate(zip(parts, others, strict=True)) if a != b]
    if len(differ) != 1:
        return False
    index = differ[0]
    mine, theirs = parts[index].lower(), others[index].lower()
    if 0 < index < len(parts) - 1 and _shortened(parts[index], others[index]):
        return True  # the factor's name shortened or lengthened ("Harbor", "HarborCapital")
    # (Both lowered: a capital letter is no slip, "Fee" beside "Fees" is one.)
    return spelling.near(theirs, frozenset((mine,))) is not None


def _shortened(one: str, other: str) -> bool:
    """One component is the other shortened at a word: "Harbor" of "HarborCapital", "RTS"
    of "RTSFinancial" (the longer continues with a capital letter, or the shorter has
    four letters or more)."""
    short, long = sorted((one, other), key=len)
    if len(short) == len(long) or not long.lower().startswith(short.lower()):
        return False
    return len(short) >= 4 or long[len(short)].isupper()


def _uses(
    entries: list[data.Directive], accounts: set[str]
) -> tuple[dict[str, datetime.date], dict[str, data.Open]]:
    """The last day a transaction posts to each account, and each account's open."""
    used: dict[str, datetime.date] = {}
    opens: dict[str, data.Open] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account in accounts:
                    used[posting.account] = entry.date
        elif isinstance(entry, data.Open) and entry.account in accounts:
            opens.setdefault(entry.account, entry)
    return used, opens


def _error(account: str, other: str, terms: Agreement, opened: data.Open | None) -> FactoringError:
    key = next(
        (key for key in ACCOUNT_KEYS if getattr(terms, key.replace("-", "_"), None) == account),
        "clearing",
    )
    lineno, where = None, ""
    if key in terms.meta:
        lineno, column = key_position(terms.meta, key)
        where = f", key '{key}' (column {column})"
        said = f"{key}: {account}"
    else:
        said = f"its {key} account, {account} by default (no {key}: key),"
    at = (
        f" (opened at {opened.meta.get('filename')}:{opened.meta.get('lineno')})" if opened else ""
    )
    message = (
        f"Agreement '{terms.name}'{where}: {said} is never opened in the ledger (the plugin "
        f"opens it), while {other}{at}, which the ledger posts to, is named by no "
        f"agreement: the factor's money may be split between the two. If {other} is the "
        f"factor's, write {key}: {other} in the agreement; if both are meant, open "
        f"{account} yourself"
    )
    return make_error("FCT110", message, terms.meta, None, lineno)
