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


@dataclass(frozen=True)
class Directory:
    """Which accounts belong to which factor and customer (for the account filter), where
    the ledger's files are, and how Fava writes a number (its ``locale`` option).

    ``number`` is Fava's own formatter with two decimals, the one its tables use, so
    that a figure in a page's header reads as the same number in its tables
    (``1 234,00`` under ``fi_FI`` in both).
    """

    factor_accounts: Mapping[str, frozenset[str]]
    customer_accounts: Mapping[str, frozenset[str]]
    ledger_dir: str
    number: Callable[[Decimal], str] = plain_number
    customer_factors: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def amount(self, value: Decimal, currency: str) -> str:
        """An amount in a page's text: rounded to cents, in Fava's locale, then the currency."""
        return f"{self.number(money(value))} {currency}"

    def factor(self, name: str | None) -> frozenset[str]:
        return self.factor_accounts.get(name, frozenset()) if name else frozenset()

    def customer(self, name: str) -> frozenset[str]:
        return self.customer_accounts.get(name, frozenset())

    def fee_account(self, factor: str) -> str:
        """The factor's fee account (an Expenses account), or its name."""
        expenses = sorted(a for a in self.factor(factor) if a.startswith("Expenses"))
        return expenses[0] if expenses else factor

    def kept_factors(self, view: View) -> frozenset[str] | None:
        """The factors whose rows the account filter keeps (None: no filter).

        A factor is kept when the filter names one of its accounts, or the receivable
        account of a customer with an invoice it bought: a customer's filter keeps its
        factors' rows whole (they tie to the factors' accounts), while the tables of
        invoices keep that customer's alone.
        """
        if not view.account:
            return None
        kept = {
            name
            for name, accounts in self.factor_accounts.items()
            if view.matches_account(accounts)
        }
        for customer, accounts in self.customer_accounts.items():
            if view.matches_account(accounts):
                kept |= self.customer_factors.get(customer, frozenset())
        return frozenset(kept)

    def named_factors(self, view: View) -> frozenset[str] | None:
        """The factors the account filter names by their own accounts (clearing,
        reserve, fees), not through a customer's (None: no filter)."""
        if not view.account:
            return None
        return frozenset(
            name
            for name, accounts in self.factor_accounts.items()
            if view.matches_account(accounts)
        )

    def names_customers(self, view: View) -> bool:
        """True if the account filter names some customer's receivable accounts: the rows
        of their factors are then whole, every customer's."""
        return bool(view.account) and any(
            view.matches_account(accounts) for accounts in self.customer_accounts.values()
        )

    def customer_kept(
        self, view: View, customer: str, named: frozenset[str] | None = None
    ) -> bool:
        """Whether the account filter keeps a customer's rows: it names the customer's
        receivable accounts, or a factor that bought its invoices (whose customers it
        keeps whole, as a customer's filter keeps its factors). ``named``: the
        ``named_factors`` of the view, when the caller has them."""
        if not view.account or view.matches_account(self.customer(customer)):
            return True
        if named is None:
            named = self.named_factors(view) or frozenset()
        return bool(self.customer_factors.get(customer, frozenset()) & named)

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
    for agreement in facts.book.agreements.latest():
        name = facts.display(agreement.name.strip().lower())
        factors.setdefault(name, set()).update(agreement.own_accounts())
    customers: dict[str, set[str]] = {}
    customer_factors: dict[str, set[str]] = {}
    timeline = facts.timeline
    for key, invoice in facts.book.invoices.items():
        customers.setdefault(invoice.customer, set()).add(invoice.account)
        # Every factor that held the invoice, not the last alone: one that bought it
        # out took it from another, whose rows a customer's filter keeps too.
        held = {snap.factor for snap in timeline.get(key, ()) if snap.factor is not None}
        if held:
            names = customer_factors.setdefault(invoice.customer, set())
            names.update(facts.display(factor) for factor in held)
    return Directory(
        {name: frozenset(accounts) for name, accounts in factors.items()},
        {name: frozenset(accounts) for name, accounts in customers.items()},
        os.path.dirname(ledger_path),
        number,
        {name: frozenset(names) for name, names in customer_factors.items()},
    )


def notices(
    book: ReportBook, view: View, where: Directory, page_currency: str | None
) -> tuple[str, ...]:
    """The page's notices; ``page_currency`` is its one currency (None: several)."""
    notices = list(book.warnings)
    if view.account and not where.named_factors(view) and not where.names_customers(view):
        # Else every table is empty, and reads "No fee in this period.", "No reserve
        # is held." as if the books said so.
        notices.append(
            "The account filter names no factor's account (clearing, reserve, fees) and "
            "no customer's receivable account: these pages keep their rows by those "
            "accounts, so their factors' and customers' rows are empty under it (an "
            "empty table says nothing of the books)."
        )
    if view.after_the_books:
        notices.append(
            f"The time filter starts on {view.start}, after the ledger's last day "
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
