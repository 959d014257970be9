"""What the bank importers (CSV and OFX) share: which factor a line comes from, and the
entries they write.

A line whose payee or description matches a factor agreement's `payee` pattern becomes the
bank line the plugin expects of a funding or a release: the bank posting and one clearing
posting left for Beancount to fill in. The plugin then finds by its amount what the deposit
pays for and splits it (docs/ledger.md, 5.3). Any other line goes to a fallback account
flagged `!`, for the bookkeeper to look at:

    2025-02-05 * "LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045"
      import-id: "bank-2c908fd5b144"
      Assets:Bank:Checking                 4563.37 USD
      Assets:Factoring:Lakeshore:Clearing

    2025-02-11 ! "PILOT TRAVEL CENTER #412 RICHMOND IN"
      import-id: "bank-6c9f1075c20d"
      Assets:Bank:Checking    -96.44 USD
      Expenses:Uncategorized

The agreements come from the ledger through the project's own reader (`book.read_book`),
so the importer and the plugin recognise a factor the same way; a factor with an
agreement per currency is matched by the agreement of the statement's currency (else
its agreement without `currency:`), as the plugin picks it. They may be given as a
ledger path, a list of entries, or a plain `{pattern: clearing account}` mapping; without
any, the ledger passed to `extract -e` is used.

A customer's payment that names an invoice a factor holds is written as a
`misdirected-payment`, and a debit to the factor that forwards it to its
`due-to-factor` account (`held.py`).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any, Union

from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import settings
from beancount_factoring.importers.base import ID_KEY, ImportFailure
from beancount_factoring.importers.held import HeldInvoices
from beancount_factoring.ledger.book import read_book
from beancount_factoring.terms.agreement import DIRECTIVE, Agreement, Agreements, name_pattern
from beancount_factoring.terms.currencies import KnownCurrencies

# Where the agreements come from: a ledger file, its entries, or {pattern: clearing account}.
FactorSource = Union[str, "os.PathLike[str]", Sequence[Any], Mapping[str, str], None]


class _ByAgreement:
    """Matches bank lines with the agreements of a ledger."""

    def __init__(self, entries: Sequence[Any]) -> None:
        # Only the agreements matter here; the reader gets nothing else to look at.
        customs: list[data.Directive] = [
            e for e in entries if isinstance(e, data.Custom) and e.type == DIRECTIVE
        ]
        # (The ledger's currencies from all of it: "Copperline" "USDC" of a ledger that
        # posts USDC is an agreement for USDC, as for the plugin.)
        known = KnownCurrencies(entries)
        self.agreements: Agreements = read_book(customs, known=known).agreements
        self.terms: dict[str, list[Agreement]] = {}
        for agreement in sorted(self.agreements.latest(), key=lambda a: a.date):
            self.terms.setdefault(agreement.name.strip().lower(), []).append(agreement)
        # Per factor and currency, the agreements that govern a line in that currency.
        self.lines: dict[tuple[str, str], list[Agreement]] = {}
        latest = {key: terms[-1] for key, terms in self.terms.items()}
        # Each clearing account -> its due-to-factor account (forwarded payments): a
        # factor with an agreement per currency has a clearing account per currency.
        self.due = {a.clearing: a.due_to_factor for terms in self.terms.values() for a in terms}
        self.loans = frozenset(key for key, a in latest.items() if a.loan)
        if latest and len(self.loans) == len(latest):
            self.loans |= {""}
        self.held = HeldInvoices(entries, self.loans)
        self.rivals = _rivals(entries, self.terms)

    def governing(self, key: str, currency: str) -> list[Agreement]:
        """The factor's agreements that govern a line in `currency`, as the plugin picks
        them: those of that currency, else those without `currency:`."""
        found = self.lines.get((key, currency))
        if found is None:
            terms = self.terms.get(key, [])
            if any(a.currency is not None for a in terms):
                own = [a for a in terms if a.currency == currency]
                terms = own or [a for a in terms if a.currency is None]
            found = self.lines[(key, currency)] = terms
        return found

    def clearing(self, text: str, date: datetime.date, bank: str, currency: str) -> str | None:
        candidates = []
        for key in self.agreements.factor_of_payee(text):
            if any(pattern.search(text) for pattern in self.rivals.get(key, ())):
                continue  # a customer whose name holds the factor's: its payment
            terms = self.governing(key, currency)
            if not terms:
                # Every agreement of this factor is broken (bean-check says why), or each
                # is for another currency: the line is the bookkeeper's to look at.
                continue
            # The terms in force on the line's date; a line older than them still
            # belongs to the factor.
            earlier = [a for a in terms if a.date <= date]
            candidates.append(earlier[-1] if earlier else terms[0])
        if len(candidates) > 1:
            # Two factors' patterns match: the one that pays into this account wins.
            candidates = [a for a in candidates if a.bank == bank] or candidates
        accounts = {a.clearing for a in candidates}
        return accounts.pop() if len(accounts) == 1 else None


def _rivals(
    entries: Sequence[Any], terms: Mapping[str, list[Agreement]]
) -> dict[str, list[re.Pattern[str]]]:
    """Per factor, the name patterns of the ledger's customers whose names hold the
    factor's name (`Summit Logistics` beside the factor Summit): a line that names such a
    customer is its payment, not the factor's, whose default pattern (its name as a word)
    matches it too."""
    names: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Transaction) and "invoice" in entry.meta:
            # (customer: under the receivable posting is read too, as the plugin does.)
            posted = [p.meta.get("customer") for p in entry.postings if p.meta]
            for name in (entry.meta.get("customer"), entry.payee, *posted):
                if isinstance(name, str) and name.strip():
                    names.add(name.strip())
    found: dict[str, list[re.Pattern[str]]] = {}
    for key, agreements in terms.items():
        if any(a.payee.pattern != name_pattern(a.name) for a in agreements):
            continue  # a pattern of its own (`SUMMIT FUNDING`) says which lines are its
        factor = re.compile(name_pattern(key), re.IGNORECASE)
        for name in names:
            if name.casefold() != key and factor.search(name):
                found.setdefault(key, []).append(re.compile(name_pattern(name), re.IGNORECASE))
    return found


class _ByPattern:
    """Matches bank lines with explicit `{pattern: clearing account}` rules."""

    def __init__(self, rules: Mapping[str, str]) -> None:
        self.rules = [(re.compile(pattern, re.IGNORECASE), acc) for pattern, acc in rules.items()]

        self.due: dict[str, str] = {}
        self.loans: frozenset[str] = frozenset()
        self.held: HeldInvoices | None = None

    def clearing(self, text: str, date: datetime.date, bank: str, currency: str) -> str | None:
        accounts = {acc for pattern, acc in self.rules if pattern.search(text)}
        return accounts.pop() if len(accounts) == 1 else None


Matcher = _ByAgreement | _ByPattern


class FactorPayees:
    """Finds the clearing account of the factor a bank line comes from (module docstring)."""

    def __init__(self, source: FactorSource = None) -> None:
        if isinstance(source, Mapping):
            settings.factor_patterns(source)  # a mistake in import.py: fail early
        self.source = source
        self._fixed: Matcher | None = None
        self._existing: tuple[int, int, Matcher] | None = None
        self._held: tuple[int, int, HeldInvoices] | None = None

    def matcher(self, existing: Sequence[Any]) -> Matcher:
        """The matcher for one extract() call; `existing` is the ledger beangulp passed."""
        source = self.source
        if source is None:
            # The same list is passed for every file of a run: read it once.
            key = (id(existing), len(existing))
            if self._existing is None or self._existing[:2] != key:
                self._existing = (*key, _ByAgreement(existing))
            return self._existing[2]
        if self._fixed is None:
            if isinstance(source, Mapping):
                self._fixed = _ByPattern(source)
            elif isinstance(source, str | os.PathLike):
                self._fixed = _ByAgreement(_load(os.fspath(source)))
            else:
                self._fixed = _ByAgreement(list(source))
        return self._fixed

    def held(self, existing: Sequence[Any]) -> tuple[HeldInvoices | None, dict[str, str]]:
        """The invoices the factors hold, from the ledger beangulp passed (else from the
        ledger given as `factors`), and each clearing account's due-to-factor account."""
        matcher = self.matcher(existing)
        if self.source is None or not existing:
            return matcher.held, matcher.due
        key = (id(existing), len(existing))
        if self._held is None or self._held[:2] != key:
            self._held = (*key, HeldInvoices(existing, matcher.loans))
        return self._held[2], matcher.due


def _load(path: str) -> list[Any]:
    if not os.path.isfile(path):
        message = (
            "the ledger named for the factor agreements is missing: give factors= the path "
            "of your main ledger file"
        )
        raise ImportFailure(path, None, message, code="FCT200")
    entries, _, _ = loader.load_file(path)
    return list(entries)


def check_opened(path: str, existing: Sequence[Any], account: str, currency: str) -> None:
    """FCT209 if the ledger opens the statement's account for other currencies only: the
    importer's `currency` is not the file's (each line would be the right figure in the
    wrong money, and `bean-check` would refuse every line)."""
    for entry in existing:
        if (
            type(entry) is data.Open
            and entry.account == account
            and entry.currencies
            and currency not in entry.currencies
        ):
            opened = ", ".join(entry.currencies)
            message = (
                f"the ledger opens {account} for {opened} only, and the importer writes the "
                f"statement's amounts in {currency}: give the importer "
                f"currency={entry.currencies[0]!r} (or, if the account holds {currency} too, "
                "add it to its open directive)"
            )
            raise ImportFailure(path, None, message, code="FCT209")


def bank_transaction(
    meta: dict[str, Any],
    date: datetime.date,
    payee: str | None,
    narration: str,
    bank: str,
    units: Amount,
    clearing: str | None,
    fallback: str,
) -> data.Transaction:
    """A bank line: to the factor's clearing account, else to `fallback` flagged `!`."""
    other = clearing or fallback
    postings = [
        data.Posting(bank, units, None, None, None, None),
        # No amount: Beancount fills it in, and the plugin splits a clearing leg.
        data.Posting(other, None, None, None, None, None),
    ]
    flag = "*" if clearing else "!"
    return data.Transaction(
        meta, date, flag, payee or None, narration, frozenset(), frozenset(), postings
    )


def balance_entry(
    filename: str, line: int, ident: str, date: datetime.date, account: str, units: Amount
) -> data.Balance:
    """A `balance` assertion with its import id."""
    meta = data.new_metadata(filename, line, {ID_KEY: ident})
    return data.Balance(meta, date, account, units, None, None)


def line_text(payee: str | None, narration: str) -> str:
    """The text the payee patterns are searched in, as the plugin searches it."""
    return f"{payee or ''} {narration}"
