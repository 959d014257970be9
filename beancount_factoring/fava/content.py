"""What the four pages' contents share: who owns which account, notices, figures.

The report layer (``beancount_factoring.reports``) computes; the modules
``reserve_page``, ``aging_page``, ``cost_page`` and ``reconcile_page`` only choose rows and
columns, apply the account filter and the time filter's start, and shape
tables and charts for Fava's components. Every page is a ``blocks.Page``; the
templates lay it out.
"""

from __future__ import annotations

import datetime
import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount_factoring.fava.blocks import Table, money, table
from beancount_factoring.fava.view import View
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.model import Source


def plain_number(value: Decimal) -> str:
    """A number as Fava's tables show it without a locale: two decimals, no grouping."""
    return f"{value:.2f}"


Rows = frozenset[tuple[str, str | None]]
"""The factors' rows an account filter keeps: (factor, currency) pairs, a currency of
None for every currency of the factor."""


def keeps(rows: Rows | None, factor: str | None, currency: str) -> bool:
    """Whether ``rows`` (None: no filter) keep a factor's rows in a currency."""
    return rows is None or (factor, None) in rows or (factor, currency) in rows


def names_of(rows: Rows | None) -> frozenset[str] | None:
    """The factors of some kept rows (None: no filter)."""
    return None if rows is None else frozenset(name for name, _ in rows)


@dataclass(frozen=True)
class Directory:
    """Which accounts belong to which factor and customer (for the account filter), where
    the ledger's files are, and how Fava writes a number (its ``locale`` option).

    ``number`` is Fava's own formatter with two decimals, the one its tables use, so
    that a figure in a page's header reads as the same number in its tables
    (``1 234,00`` under ``fi_FI`` in both).

    The account filter keeps a factor's rows per currency: ``factor_lines`` holds each
    factor's accounts per line of agreements (``currency: "CAD"``, None for the line of
    every currency), so that a factor's CAD accounts keep its CAD rows, which tie to
    them, and not its USD ones; ``customer_lines`` the receivable accounts of each
    customer's invoices per currency, and ``customer_line_factors`` the factors that
    held them.
    """

    factor_accounts: Mapping[str, frozenset[str]]
    customer_accounts: Mapping[str, frozenset[str]]
    ledger_dir: str
    number: Callable[[Decimal], str] = plain_number
    customer_factors: Mapping[str, frozenset[str]] = field(default_factory=dict)
    factor_lines: Mapping[str, Mapping[str | None, frozenset[str]]] = field(default_factory=dict)
    customer_lines: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    customer_line_factors: Mapping[tuple[str, str], frozenset[str]] = field(default_factory=dict)

    def amount(self, value: Decimal, currency: str) -> str:
        """An amount in a page's text: rounded to cents, in Fava's locale, then the currency."""
        return f"{self.number(money(value))} {currency}"

    def factor(self, name: str | None, currency: str | None = None) -> frozenset[str]:
        """The factor's accounts; with ``currency``, those of the lines of agreements that
        govern it (its own line and the line of every currency)."""
        if not name:
            return frozenset()
        lines = self.factor_lines.get(name)
        if currency is None or not lines:
            return self.factor_accounts.get(name, frozenset())
        return lines.get(currency, frozenset()) | lines.get(None, frozenset())

    def customer(self, name: str, currency: str | None = None) -> frozenset[str]:
        """The customer's receivable accounts; with ``currency``, those of its invoices in
        it (all of them when it has none in it: a line of no invoice)."""
        if currency is not None:
            accounts = self.customer_lines.get((name, currency))
            if accounts:
                return accounts
        return self.customer_accounts.get(name, frozenset())

    def fee_account(self, factor: str) -> str:
        """The factor's fee account (an Expenses account), or its name."""
        expenses = sorted(a for a in self.factor(factor) if a.startswith("Expenses"))
        return expenses[0] if expenses else factor

    def named_rows(self, view: View) -> Rows | None:
        """The factors' rows the account filter names by their own accounts (clearing,
        reserve, fees), not through a customer's (None: no filter): a factor's
        accounts of one currency's agreements keep its rows in that currency."""
        if not view.account:
            return None
        kept: set[tuple[str, str | None]] = set()
        for name, accounts in self.factor_accounts.items():
            lines = self.factor_lines.get(name)
            if not lines:
                if view.matches_account(accounts):
                    kept.add((name, None))
                continue
            kept.update(
                (name, currency)
                for currency, line_accounts in lines.items()
                if view.matches_account(line_accounts)
            )
        return frozenset(kept)

    def kept_rows(self, view: View) -> Rows | None:
        """The factors' rows the account filter keeps (None: no filter).

        A factor's rows in a currency are kept when the filter names one of its accounts
        of that currency, or the receivable account of a customer with an invoice in it
        the factor bought: a customer's filter keeps its factors' rows whole (they tie to
        the factors' accounts), while the tables of invoices keep that customer's alone.
        """
        named = self.named_rows(view)
        if named is None:
            return None
        kept = set(named)
        for (customer, currency), accounts in self.customer_lines.items():
            if view.matches_account(accounts):
                factors = self.customer_line_factors.get((customer, currency), frozenset())
                kept.update((name, currency) for name in factors)
        return frozenset(kept)

    def kept_factors(self, view: View) -> frozenset[str] | None:
        """The factors with rows the account filter keeps (None: no filter)."""
        return names_of(self.kept_rows(view))

    def named_factors(self, view: View) -> frozenset[str] | None:
        """The factors the account filter names by their own accounts (clearing,
        reserve, fees), not through a customer's (None: no filter)."""
        return names_of(self.named_rows(view))

    def split_factors(self, view: View) -> frozenset[str]:
        """The factors whose rows the account filter keeps in some currencies of their
        agreements and not in others (a CAD account of a factor that also buys in USD)."""
        kept = self.kept_rows(view)
        if kept is None:
            return frozenset()
        split = set()
        for name, lines in self.factor_lines.items():
            if (name, None) in kept:
                continue
            currencies = {currency for owner, currency in kept if owner == name}
            if currencies and set(lines) - currencies:
                split.add(name)
        return frozenset(split)

    def names_customers(self, view: View) -> bool:
        """True if the account filter names some customer's receivable accounts: the rows
        of their factors are then whole, every customer's."""
        return bool(view.account) and any(
            view.matches_account(accounts) for accounts in self.customer_accounts.values()
        )

    def customer_kept(
        self, view: View, customer: str, currency: str, named: Rows | None = None
    ) -> bool:
        """Whether the account filter keeps a customer's rows in a currency: it names the
        customer's receivable accounts of that currency, or a factor's accounts of that
        currency whose factor bought its invoices in it (whose customers it keeps whole,
        as a customer's filter keeps its factors). ``named``: the ``named_rows`` of the
        view, when the caller has them."""
        if not view.account or view.matches_account(self.customer(customer, currency)):
            return True
        if named is None:
            named = self.named_rows(view) or frozenset()
        factors = self.customer_line_factors.get((customer, currency))
        if factors is None:  # (no invoice of it in this currency: a line of no invoice)
            factors = self.customer_factors.get(customer, frozenset())
        return any(keeps(named, name, currency) for name in factors)

    def where(self, source: Source) -> str:
        """``file:line``, the file relative to the ledger's directory."""
        name = source.filename
        if os.path.isabs(name):
            relative = os.path.relpath(name, self.ledger_dir)
            name = relative if not relative.startswith("..") else name
        return f"{name}:{source.lineno}" if source.lineno else name


def directory_of(
    book: ReportBook, ledger_path: str, number: Callable[[Decimal], str] = plain_number
) -> Directory:
    """The accounts of each factor and customer of a ledger."""
    facts = book.facts
    factors: dict[str, set[str]] = {}
    for account, key in facts.factor_of_account.items():
        factors.setdefault(facts.display(key), set()).add(account)
    # And the accounts factors share (one fees account for two): a filter naming one
    # keeps every factor that books to it, not none.
    lines: dict[str, dict[str | None, set[str]]] = {}
    for agreement in facts.book.agreements.latest():
        name = facts.display(agreement.name.strip().lower())
        factors.setdefault(name, set()).update(agreement.own_accounts())
        line = lines.setdefault(name, {}).setdefault(agreement.currency, set())
        line.update(agreement.own_accounts())
    customers: dict[str, set[str]] = {}
    customer_factors: dict[str, set[str]] = {}
    customer_lines: dict[tuple[str, str], set[str]] = {}
    line_factors: dict[tuple[str, str], set[str]] = {}
    timeline = facts.timeline
    for key, invoice in facts.book.invoices.items():
        customers.setdefault(invoice.customer, set()).add(invoice.account)
        in_currency = (invoice.customer, invoice.face.currency)
        customer_lines.setdefault(in_currency, set()).add(invoice.account)
        # Every factor that held the invoice, not the last alone: one that bought it
        # out took it from another, whose rows a customer's filter keeps too.
        held = {snap.factor for snap in timeline.get(key, ()) if snap.factor is not None}
        if held:
            names = {facts.display(factor) for factor in held}
            customer_factors.setdefault(invoice.customer, set()).update(names)
            line_factors.setdefault(in_currency, set()).update(names)
    return Directory(
        {name: frozenset(accounts) for name, accounts in factors.items()},
        {name: frozenset(accounts) for name, accounts in customers.items()},
        os.path.dirname(ledger_path),
        number,
        {name: frozenset(names) for name, names in customer_factors.items()},
        {
            name: {currency: frozenset(accounts) for currency, accounts in by_line.items()}
            for name, by_line in lines.items()
        },
        {key: frozenset(accounts) for key, accounts in customer_lines.items()},
        {key: frozenset(names) for key, names in line_factors.items()},
    )


def notices(
    book: ReportBook, view: View, where: Directory, page_currency: str | None
) -> tuple[str, ...]:
    """The page's notices; ``page_currency`` is its one currency (None: several)."""
    notices = list(book.warnings)
    end = book.books_end
    projected = end is not None and view.as_of > end
    if projected:
        # As the command line's "Projected:" line: fees accrue, days count and reserves
        # fall due past the books, as if nothing happened since (the extension's as-of).
        notices.append(
            f"Projected: these pages are as of {view.as_of}, after the ledger's last date "
            f"{end}; what they show after it (fees accrued, days counted, statuses) "
            "assumes nothing happened since."
        )
    if view.account and not where.named_factors(view) and not where.names_customers(view):
        # Else every table is empty, and reads "No fee in this period.", "No reserve
        # is held." as if the books said so.
        notices.append(
            "The account filter names no factor's account (clearing, reserve, fees) and "
            "no customer's receivable account: these pages keep their rows by those "
            "accounts, so their factors' and customers' rows are empty under it (an "
            "empty table says nothing of the books)."
        )
    elif _other_factor(view, where):
        # The factor links keep Fava's filter: one factor's page under another's account
        # shows nothing, and would read "No fee in this period." as if the books said so.
        notices.append(
            f"The account filter ({view.account}) keeps none of {view.factor}'s rows: it "
            f"names no account of {view.factor}'s, nor of a customer whose invoices "
            f"{view.factor} bought, so the rows of the factor these pages show are empty "
            "under it (an empty table says nothing of the books). Show all factors, or "
            "leave out the account filter."
        )
    if view.after_the_books:
        # (Past the books, the as-of date is the extension's, not the ledger's last day.)
        day = "these pages' as-of date" if projected else "the ledger's last day"
        notices.append(
            f"The time filter starts on {view.start}, after {day} "
            f"({view.as_of}): nothing is booked in it. The reports are as of "
            f"{view.as_of}, and no fee falls in the period."
        )
    if view.advanced_filter:
        notices.append(
            "Fava's advanced filter selects entries, not invoices: these reports are "
            "computed from all entries and do not apply it."
        )
    if view.conversion and page_currency != view.conversion:
        # (A page all in the currency converted to shows what Fava would.)
        notices.append(
            "Fava's conversion setting is not applied: every amount on these pages is in "
            "its own currency, with the currency beside it."
        )
    return tuple(notices)


def _other_factor(view: View, where: Directory) -> bool:
    """True when the pages show one factor (``factor=``) and the account filter keeps
    none of its rows (it names another factor's accounts, or a customer of others)."""
    if not view.factor or not view.account:
        return False
    kept = where.kept_factors(view)
    return kept is not None and view.factor not in kept


def as_of_figures(view: View, currency: str | None) -> list[tuple[str, str]]:
    figures = [("As of", view.as_of.isoformat())]
    if view.start is not None:
        figures.append(("Period from", view.start.isoformat()))
    if currency is not None:
        figures.append(("Amounts in", currency))
    return figures


def page_tables(
    currencies: set[str], number: Callable[[Decimal], str] = plain_number
) -> tuple[Callable[..., Table], str | None]:
    """``table`` for a page, and its one currency: then no table shows a Currency column.

    ``currencies`` must hold the currency of every row of every table of the page: the
    header says "Amounts in" only when there is one. ``number`` writes the total rows.
    """
    if len(currencies) != 1:
        return functools.partial(table, number=number), None
    (currency,) = currencies
    return functools.partial(table, leave_out=("Currency",), number=number), currency


def clearing_history(
    entries: Sequence[Any], accounts: frozenset[str]
) -> dict[str, list[tuple[datetime.date, dict[str, Decimal]]]]:
    """Each account's balance per currency at the end of each day it changed.

    One pass over the entries (in date order), once per ledger load.
    """
    running: dict[str, dict[str, Decimal]] = {}
    history: dict[str, list[tuple[datetime.date, dict[str, Decimal]]]] = {}
    for entry in entries:
        for posting in getattr(entry, "postings", None) or ():
            if posting.account not in accounts or posting.units is None:
                continue
            number = posting.units.number
            if number is None:
                continue
            balance = running.setdefault(posting.account, {})
            currency = posting.units.currency
            balance[currency] = balance.get(currency, Decimal(0)) + number
            points = history.setdefault(posting.account, [])
            if points and points[-1][0] == entry.date:
                points[-1] = (entry.date, dict(balance))
            else:
                points.append((entry.date, dict(balance)))
    return history
