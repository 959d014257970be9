"""One OFX download, several accounts: each account's importer takes its own statement.

A bank's download often holds the statements of two accounts, a checking and a savings
account (or a card), each in its own `<STMTRS>` with its own `<ACCTID>`. Each account
has its `OfxImporter`, given its `account_id`; each takes from the file only its own
statement's lines and `LEDGERBAL`:

    checking = OfxImporter("Assets:Bank:Checking", account_id="12300000012345678")
    savings = OfxImporter("Assets:Bank:Savings", account_id="12300000087654321")

    2025-03-14 * "TRANSFER TO SAVINGS"        ; from the checking statement
      Assets:Bank:Checking     -1000.00 USD
    2025-03-14 * "TRANSFER FROM CHECKING"     ; from the savings statement
      Assets:Bank:Savings       1000.00 USD

Fava's import page offers such a file to each importer that claims it. beangulp's
command line gives a file to one importer and refuses one that two claim, so `ingest()`
puts the OFX importers that have an `account_id` together (`together()`): one
`OfxAccounts`, which claims a file when any of them does and extracts it with each that
does. Two of them that take the same account's statement (an `account_id` of last
digits that fits another's number) would book it twice: that is an error (FCT209).
So is a statement with transactions of an account none of them takes, unless one of
them names it in `ignore_accounts` (see `ofx.unclaimed`): its lines would be left out.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence
from typing import Any

from beancount_factoring.importers.base import Importer, ImportFailure
from beancount_factoring.importers.ofx import OfxImporter, another_account, investment_miss


class OfxAccounts(Importer):
    """The OFX importers of several accounts, as one importer for beangulp."""

    def __init__(self, importers: Sequence[OfxImporter]) -> None:
        self.importers = tuple(importers)
        self._name = "ofx accounts: " + ", ".join(i.name for i in self.importers)

    @property
    def name(self) -> str:
        return self._name

    def claiming(self, filepath: Any) -> list[OfxImporter]:
        """The importers whose account has a statement in the file."""
        return [importer for importer in self.importers if importer.identify(filepath)]

    def identify(self, filepath: Any) -> bool:
        return any(importer.identify(filepath) for importer in self.importers)

    def near_miss(self, filepath: Any) -> tuple[float, str] | None:
        """For an OFX statement of none of the accounts, or an investment statement
        none of them ignores: what it holds."""
        found = [importer.other_accounts(filepath) for importer in self.importers]
        if found and all(accounts is not None for accounts in found):
            ids = [importer.account_id or "" for importer in self.importers]
            return 1.0, another_account(found[0] or [], ids)
        invested = [importer.investments(filepath) for importer in self.importers]
        if not invested or not all(invested):
            return None
        return investment_miss(invested[0])

    def _others(self, importer: OfxImporter) -> list[OfxImporter]:
        return [other for other in self.importers if other is not importer]

    def diagnose(self, filepath: Any) -> str | None:
        """What extract would say of a statement of an account none of them takes."""
        claiming = self.claiming(filepath)
        return claiming[0].diagnose(filepath, self._others(claiming[0])) if claiming else None

    def account(self, filepath: Any) -> str:
        claiming = self.claiming(filepath) or list(self.importers)
        return claiming[0].account(filepath)

    def filename(self, filepath: Any) -> str | None:
        claiming = self.claiming(filepath) or list(self.importers)
        return claiming[0].filename(filepath)

    def date(self, filepath: Any) -> datetime.date | None:
        dates = [importer.date(filepath) for importer in self.claiming(filepath)]
        return max((day for day in dates if day is not None), default=None)

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        entries: list[Any] = []
        taken: dict[str, OfxImporter] = {}
        for importer in self.claiming(filepath):
            found, accounts = importer.statements(filepath, existing, self._others(importer))
            for account in accounts:
                other = taken.setdefault(account, importer)
                if other is not importer:
                    raise ImportFailure(
                        os.fspath(filepath),
                        None,
                        f"the statement of account {account} is taken by two importers, "
                        f"{other.name} (account_id {other.account_id!r}) and {importer.name} "
                        f"(account_id {importer.account_id!r}): give each more of its number",
                        code="FCT209",
                    )
            entries.extend(found)
        return entries


def together(importers: Iterable[Any]) -> list[Any]:
    """The importers, with those of OFX that have an `account_id` put together (in the
    place of the first) when there are several; any other is left as it is."""
    importers = list(importers)
    accounts = [i for i in importers if isinstance(i, OfxImporter) and i.account_id is not None]
    if len(accounts) < 2:
        return importers
    merged: list[Any] = []
    for importer in importers:
        if importer is accounts[0]:
            merged.append(OfxAccounts(accounts))
        elif not any(importer is other for other in accounts):
            merged.append(importer)
    return merged
