"""Checks of an importer's arguments, made when `import.py` builds it.

A mistake in the configuration is one error when the importer is made, naming the
argument and saying how to fix it, never an importer that books to an account Beancount
cannot read (or to one of the wrong kind), reads one column as two fields, or raises in
`identify()` (which stops the whole run, in Fava the whole import page).

The kinds of account are checked by the default names of Beancount's roots: a ledger
that renames them (`option "name_assets" "Aktiva"`) has its own names let through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from beancount.core import account as accounts
from beancount.core.amount import CURRENCY_RE

# The roots an account of each kind may not have (Beancount's default names).
NOT_MONEY = frozenset(("Income", "Expenses", "Equity"))  # a bank or card account
NOT_ASSET = NOT_MONEY | {"Liabilities"}  # a receivable, a factor's clearing or reserve
NOT_COST = frozenset(("Assets", "Liabilities", "Income", "Equity"))  # a factor's fees
NOT_PAID = frozenset(("Income", "Equity"))  # what a factor paid for you from a funding

_KINDS = {
    NOT_MONEY: "an Assets (or, for a card, Liabilities) account",
    NOT_ASSET: "an Assets account",
    NOT_COST: "an Expenses account",
    NOT_PAID: "an Expenses, Liabilities or Assets account",
}
# What a factor deducts from a funding that is no fee, and the kind of account each goes
# to: fuel bought on its fuel card (your fuel expense, or the card's liability), a tax
# levy or garnishment it paid for you (the debt it settles), an escrow it holds back
# (still your money: an asset).
DEDUCTION_KINDS = {"fuel": NOT_PAID, "levy": NOT_PAID, "escrow": NOT_ASSET}
_CURRENCY = re.compile(CURRENCY_RE)


def account(value: object, what: str, refused: frozenset[str] = frozenset()) -> str:
    """The account name `value` given as the argument `what`; ValueError (TypeError for
    no text) if Beancount cannot read it, or if its root is one of `refused`."""
    if not isinstance(value, str):
        raise TypeError(f"{what}: give an account name in quotes, not {value!r}")
    if not accounts.is_valid(value):
        raise ValueError(
            f"{what}: {value!r} is not an account name Beancount reads: write it as the "
            "ledger opens it, a root (Assets, Liabilities, Income, Expenses, Equity) and "
            "one or more parts after it, each starting with a capital letter or a digit "
            "('Assets:Bank:Checking')"
        )
    root = value.split(":", 1)[0]
    if root in refused:
        raise ValueError(
            f"{what}: {value!r} is an {root} account, and this must be {_KINDS[refused]}: "
            "give the account as the ledger opens it"
        )
    return value


def currency(value: object, what: str = "currency") -> str:
    """The currency code `value`; ValueError if Beancount cannot read it."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValueError(
            f"{what}: {value!r} is not a currency Beancount reads: give its code in capitals "
            "('USD', 'CAD', 'EUR')"
        )
    return value


def text(value: object, what: str, example: str) -> str | None:
    """An argument the file's text is searched for (an account number, a client number):
    None or text. A number is refused: `417` has lost the leading zero of `0417`."""
    if value is None or isinstance(value, str):
        if isinstance(value, str) and not value.strip():
            raise ValueError(f"{what}: give it as the files show it ({example}), or leave it out")
        return value
    raise TypeError(
        f"{what}: give it in quotes, as the files show it ({example}), not as the number "
        f"{value!r}: a number loses its leading zeros, and is searched for as text"
    )


def skip_rows(value: object) -> int:
    """The number of lines before the header."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"skip_rows: give the number of lines above the header (0 or more), not {value!r}"
        )
    return value


def _key(name: str) -> str:
    # As `table.header_key` compares a header with a configured name.
    return re.sub(r"[\s_\ufeff]+", "", name).casefold()


def columns(fields: Mapping[str, object], shared: Iterable[frozenset[str]] = ()) -> None:
    """ValueError if a column name is no text, or if two fields name the same column
    (one cell read as both: an amount as the balance, a date as the due date). The
    pairs in `shared` may (a bank's payee and narration from one Description)."""
    allowed = set(shared)
    seen: dict[str, str] = {}
    for field, value in fields.items():
        names = (
            (value,)
            if isinstance(value, str) or value is None
            else tuple(cast(Iterable[object], value))
        )
        for name in names:
            if name is None:
                continue
            if not isinstance(name, str) or not name.strip():
                raise ValueError(
                    f"{field}: give the column's name as the file's header writes it, not {name!r}"
                )
            other = seen.get(_key(name))
            if other is not None and other != field and frozenset((other, field)) not in allowed:
                raise ValueError(
                    f"{other} and {field} both name the column {name!r}: one column would be "
                    f"read as both. Give {field} (or {other}) the header of its own column"
                )
            seen.setdefault(_key(name), field)


def factor_patterns(source: Mapping[Any, Any]) -> None:
    """ValueError for a `factors={pattern: clearing account}` entry that cannot be used:
    a pattern that is no regular expression, one that matches every line (`.*`, an empty
    one: every line would go to that factor's clearing account), an account Beancount
    cannot read."""
    for pattern, clearing in source.items():
        if not isinstance(pattern, str):
            raise TypeError(f"factors: the pattern {pattern!r} must be text, a regular expression")
        try:
            compiled = re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(
                f"factors: {pattern!r} is not a regular expression ({exc}): escape its special "
                "characters (re.escape), or write the factor's name as the bank lines show it"
            ) from None
        if compiled.search("") is not None:
            raise ValueError(
                f"factors: the pattern {pattern!r} matches an empty text, so every bank line "
                "would be booked to that factor's clearing account: write the factor's name "
                "as its deposits show it ('LAKESHORE FUNDING')"
            )
        account(clearing, f"factors[{pattern!r}]", NOT_ASSET)


def deduction_accounts(value: object) -> dict[str, str]:
    """`deductions={kind: account}`: the account each kind of deduction that is no fee
    goes to (DEDUCTION_KINDS); TypeError or ValueError naming the entry that cannot be
    used (a kind misspelt would leave that kind's rows refused, with the setting given)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(
            'deductions: give a mapping of kind to account, {"fuel": "Expenses:Fuel"}, '
            f"not {value!r}"
        )
    found: dict[str, str] = {}
    for kind, name in value.items():
        refused = DEDUCTION_KINDS.get(kind) if isinstance(kind, str) else None
        if refused is None:
            raise ValueError(
                f"deductions: {kind!r} is not a kind of deduction the importer books: give "
                f"one of {', '.join(repr(k) for k in DEDUCTION_KINDS)} (a fee the factor "
                "deducts is booked as a fee without a setting)"
            )
        found[kind] = account(name, f"deductions[{kind!r}]", refused)
    return found
