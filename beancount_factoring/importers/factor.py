"""The beangulp importer for a factor's reports: purchase, collections, reserve, recourse.

One importer serves one factor and the profiles of the reports it sends; it recognises
each file by its header (the profile's signature columns), not by its name:

    from beancount_factoring.importers import profiles
    from beancount_factoring.importers.factor import FactorReportImporter

    CONFIG = [
        FactorReportImporter(profiles.LAKESHORE, "Lakeshore"),
        FactorReportImporter(profiles.PINECREST, "Pinecrest", bank="Assets:Bank:Checking"),
    ]

`factor` is the name of the factor's agreement in the ledger. Its accounts (clearing,
reserve, fees, bank) come from the arguments, else from that agreement when beangulp is
given the ledger (`extract -e ledger.beancount`), else from the plugin's defaults
(`Assets:Factoring:<Name>:Clearing`, ...). A factor with an agreement per currency
(`currency: "CAD"`) has each row booked under the agreement of the row's currency, else
the one without `currency:`, as the plugin picks it; a row no agreement covers, or whose
account the ledger opens for other currencies only, is an error (FCT209).

The receivable account of each invoice on a schedule is the one its invoice posts to in
the ledger; else `debtors` maps the report's debtor name (or MC number) to an account;
else it is guessed from the debtor's name and the schedule is flagged `!`.

Every entry carries an `import-id` made from its content, and `deduplicate()` marks an
entry whose id is already in the ledger. A release is also marked as a duplicate of a
bank line already in the ledger that pays the same amount into the bank from the
factor's clearing or reserve account within three days: the bank statement and the
reserve ledger report the same money.

A payment of an invoice the ledger already shows closed short becomes an
`additional-payment`; one after parts carries its own `paid:`, and is a part again
(`partial: TRUE`) when the report's balance or status column says some is still open
(`factor_history.py`).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from beancount.core import data

from beancount_factoring.importers import base, dedup, settings
from beancount_factoring.importers.base import ImportFailure, no_gc_pauses
from beancount_factoring.importers.factor_entries import (
    Context,
    Terms,
    chargeback,
    collections,
    purchase,
)
from beancount_factoring.importers.factor_history import PaymentHistory
from beancount_factoring.importers.factor_reserve import reserve_ledger
from beancount_factoring.importers.inert import inert_entries
from beancount_factoring.importers.invoices import CHANGED_KEY, customer_leaf
from beancount_factoring.importers.profiles import Profile
from beancount_factoring.importers.readers import (
    Cell,
    Layout,
    head,
    is_xlsx,
    readable,
    sheet_names,
    text_of,
)
from beancount_factoring.importers.report import (
    HEADER_SLACK,
    Report,
    find_header,
    missing_columns,
)
from beancount_factoring.importers.table import (
    Header,
    continued_elsewhere,
    on_another_sheet,
    sheets_holding,
    split_over_sheets,
)
from beancount_factoring.ledger.asserted import written_figure
from beancount_factoring.terms.agreement import (
    DIRECTIVE,
    Agreement,
    account_component,
    parse_agreement,
)
from beancount_factoring.terms.currencies import KnownCurrencies

BALANCES = ("daily", "last", "none")
# The company form, left out of an account guessed from a debtor's name.
# What each kind of report becomes.
BUILDERS: dict[str, Callable[[Report, Context], list[data.Directive]]] = {
    "purchase": purchase,
    "collections": collections,
    "reserve": reserve_ledger,
    "chargeback": chargeback,
}
# (the profile a file is claimed by, the closest profile, the row nearest its header).
_Detected = tuple[Profile | None, Profile, Header | None]
_COMPANY = re.compile(r"\b(llc|inc|ltd|oy|gmbh|co)\b\.?", re.IGNORECASE)


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def shows_client(text: str, client: str) -> bool:
    """True if `text` shows the client number or name, whatever its case and spacing, and
    not as a part of a longer one ("C10482" is not in "C104821", nor "1048" in "10482")."""
    wanted = _key(client)
    found = _key(text)
    start = found.find(wanted)
    while start >= 0:
        end = start + len(wanted)
        before = found[start - 1] if start else " "
        after = found[end] if end < len(found) else " "
        if not (_same_kind(before, wanted[0]) or _same_kind(after, wanted[-1])):
            return True
        start = found.find(wanted, start + 1)
    return False


def _same_kind(one: str, other: str) -> bool:
    """True for two digits, or two letters: characters a number or a name runs on with."""
    return (one.isdigit() and other.isdigit()) or (one.isalpha() and other.isalpha())


# The kind of each account a factor's importer may be given.
_KINDS = {
    "clearing": settings.NOT_ASSET,
    "reserve": settings.NOT_ASSET,
    "fees": settings.NOT_COST,
    "bank": settings.NOT_MONEY,
}


def _accounts(**given: str | None) -> dict[str, str | None]:
    """The accounts given to the importer, each checked for its kind."""
    return {
        what: None if name is None else settings.account(name, what, _KINDS[what])
        for what, name in given.items()
    }


class FactorReportImporter(base.Importer):
    """Factor reports (CSV or XLSX) of one factor, read through its profiles.

    Args:
      profiles: the profile, or the profiles, of the reports this factor sends.
      factor: the factor's name as in its `factoring-agreement` directive.
      payee: the payee of the entries; the profile's factor name by default.
      clearing, reserve, fees, bank: the factor's accounts (see the module docstring).
      debtors: the report's debtor name or id -> receivable account.
      receivables: the prefix of guessed receivable accounts.
      balances: "daily" (a balance assertion per day of a reserve ledger), "last" (only
        the closing balance) or "none".
      releases: False to leave releases to the bank statement's importer.
      flag: the flag of the entries.
      client: your client number (or name) at the factor, as the reports show it in
        their title rows or their file's name: a report that does not show it (another
        client's, or another factor's on the same software) is not claimed.
      deductions: the account of each kind of deduction a purchase report takes from a
        funding that is no fee: "fuel" (bought on the factor's fuel card), "levy" (a tax
        levy or garnishment it paid for you), "escrow" (held back): {"fuel":
        "Expenses:Fuel"}. A report that deducts a kind it does not name stops (FCT209).
    """

    def __init__(
        self,
        profiles: Profile | Iterable[Profile],
        factor: str,
        *,
        payee: str | None = None,
        clearing: str | None = None,
        reserve: str | None = None,
        fees: str | None = None,
        bank: str | None = None,
        debtors: Mapping[str, str] | None = None,
        receivables: str = "Assets:Receivable",
        balances: str = "daily",
        releases: bool = True,
        flag: str = "*",
        client: str | None = None,
        deductions: Mapping[str, str] | None = None,
    ) -> None:
        self.profiles = (profiles,) if isinstance(profiles, Profile) else tuple(profiles)
        if not self.profiles:
            raise ValueError("give at least one profile")
        if balances not in BALANCES:
            raise ValueError(f"balances must be one of {BALANCES}, not {balances!r}")
        component = account_component(factor)
        if component is None:
            raise ValueError(f"cannot make an account name from the factor name {factor!r}")
        self.factor = factor
        self.payee = payee or self.profiles[0].factor
        self.explicit = _accounts(clearing=clearing, reserve=reserve, fees=fees, bank=bank)
        self.defaults = {
            "clearing": f"Assets:Factoring:{component}:Clearing",
            "reserve": f"Assets:Factoring:{component}:Reserve",
            "fees": f"Expenses:Factoring:{component}:Fees",
        }
        self.debtors = {
            _key(name): settings.account(account, f"debtors[{name!r}]", settings.NOT_ASSET)
            for name, account in (debtors or {}).items()
        }
        self.receivables = settings.account(receivables, "receivables", settings.NOT_ASSET)
        self.balances = balances
        self.releases = releases
        self.flag = flag
        settings.text(client, "client", "'C10482', or '004417'")
        self.client = client
        self.deductions = settings.deduction_accounts(deductions)
        self._detected: dict[tuple[str, int, int], _Detected] = {}
        # A workbook whose report is on a sheet other than the one its profile reads.
        self._elsewhere: dict[str, str] = {}
        # A report of another client (with `client`): the title it shows instead.
        self._other_client: dict[str, str] = {}
        # identify() reads only the rows where a header may be.
        self._window = max(p.title_rows for p in self.profiles) + HEADER_SLACK

    @property
    def name(self) -> str:
        # Unique per factor: Fava's import page refuses two importers of one name.
        return f"{type(self).__module__}.{type(self).__name__}:{self.factor}"

    # Identification.

    def _detect(self, filepath: str) -> _Detected:
        """(the profile the file is claimed by, or None; the closest profile; the row of
        the file closest to the closest profile's header, if any)."""
        stat = os.stat(filepath)
        key = (filepath, stat.st_mtime_ns, stat.st_size)
        cached = self._detected.get(key)
        if cached is None:
            cached = self._detected[key] = self._scan(filepath)
        return cached

    def _scan(self, filepath: str) -> _Detected:
        self._elsewhere.pop(filepath, None)
        self._other_client.pop(filepath, None)
        found, closest, header = detected = self._claim(filepath)
        if found is None or self.client is None:
            return detected
        shown = self._title_without_client(filepath, found, header)
        if shown is None:
            return detected
        self._other_client[filepath] = shown
        return None, closest, header

    def _title_without_client(
        self, filepath: str, profile: Profile, header: Header | None
    ) -> str | None:
        """None if the report shows the importer's `client` in its name or in a row above
        its header (all its first rows when it has no header); else the title it shows
        ('' if none)."""
        assert self.client is not None
        if shows_client(os.path.basename(filepath), self.client):
            return None
        rows = head(filepath, profile.layout, self._window + 1) or []
        titles = [
            ", ".join(text_of(cell) for cell in cells if text_of(cell))  # as it was written
            for line, cells in rows
            if header is None or line < header.line
        ]
        if any(shows_client(title, self.client) for title in titles):
            return None
        return next((title for title in titles if title), "")

    def _claim(self, filepath: str) -> _Detected:
        heads: dict[Layout, list[tuple[int, list[Cell]]] | None] = {}
        matches: list[tuple[int, int, Profile, Header]] = []
        closest: tuple[float, int, Profile, Header | None] = (-1, 0, self.profiles[0], None)
        for order, profile in enumerate(self.profiles):
            # Profiles that read the file alike share one read of its first rows.
            if profile.layout not in heads:
                heads[profile.layout] = head(filepath, profile.layout, self._window + 1)
            rows = heads[profile.layout]
            if rows is None:
                continue
            header, best, _ = find_header(rows, profile)
            if header is not None:
                matches.append((len(header.index), -order, profile, header))
            elif best is not None:
                share = len(best.index) / len(profile.columns)
                if (share, -order) > closest[:2]:
                    closest = (share, -order, profile, best)
        if matches:
            _, _, found, header = max(matches, key=lambda item: item[:2])
            return found, found, header
        other = self._other_sheet(filepath) if is_xlsx(filepath) else None
        if other is not None:
            return other[0], other[0], other[1]
        # A file named as one of the reports, or titled as one, is claimed without the
        # profile's header (a column misspelt in the profile, an empty or unreadable
        # file), so that extract says what is wrong with it rather than beangulp
        # skipping it unseen.
        name = os.path.basename(filepath)
        for profile in self.profiles:
            rows = heads.get(profile.layout)
            if profile.claims_name(name) or (rows and profile.claims_title(rows)):
                return profile, profile, closest[3] if closest[2] is profile else None
        return None, closest[2], closest[3]

    def _other_sheet(self, filepath: str) -> tuple[Profile, Header] | None:
        """A profile whose header is on another sheet than the one it reads (the first,
        unless it names one): the file is claimed, so that extract names the sheet."""
        names = sheet_names(filepath)
        for profile in self.profiles:
            read = profile.layout.sheet or (names[0] if names else None)
            for name in names:
                if name == read:
                    continue
                rows = head(filepath, replace(profile.layout, sheet=name), self._window + 1)
                header = find_header(rows, profile)[0] if rows else None
                if header is not None:
                    self._elsewhere[filepath] = name
                    return profile, header
        return None

    def _on_other_sheet(self, filepath: str) -> ImportFailure | None:
        """The error for a report found on another sheet than its profile reads."""
        name = self._elsewhere.get(filepath)
        if name is None:
            return None
        return on_another_sheet(filepath, name, "the report", "the profile")

    def _on_more_sheets(self, filepath: str, profile: Profile) -> ImportFailure | None:
        """FCT203 for a workbook whose report's header stands on more than one sheet (a
        portal that splits a report one sheet per batch or month): only the sheet the
        profile reads is read, and the rows of the others would be left out unseen."""
        if profile.layout.sheet is not None or not is_xlsx(filepath):
            return None

        def holds(layout: Layout) -> bool:
            rows = head(filepath, layout, self._window + 1)
            return rows is not None and find_header(rows, profile)[0] is not None

        names, holding = sheets_holding(filepath, profile.layout, holds)
        problem = split_over_sheets(filepath, names, holding, "the report", "the profile")
        if problem is None and holding == names[:1]:
            # A later sheet may carry on its rows with no header of their own.
            rows = head(filepath, profile.layout, self._window + 1)
            header = find_header(rows, profile)[0] if rows else None
            if header is not None:
                layout = profile.layout
                return continued_elsewhere(filepath, layout, header, "the report", "the profile")
        return problem

    def identify(self, filepath: str) -> bool:
        if not readable(filepath):
            return False
        try:
            return self._detect(filepath)[0] is not None
        except OSError:
            return False

    def diagnose(self, filepath: str) -> str | None:
        """For a file this importer claims: the error its header gives extract (a
        missing column, a strict profile's unknown one), or None if it has none."""
        profile = self._detect(filepath)[0]
        if profile is None:
            return None
        elsewhere = self._on_other_sheet(filepath)
        if elsewhere is not None:
            return str(elsewhere)
        try:
            Report(filepath, profile).close()
        except ImportFailure as failure:
            return str(failure)
        return None

    def near_miss(self, filepath: str) -> tuple[float, str] | None:
        """For a file this importer does not claim: the share of the closest profile's
        columns its best row has, and what that row misses; None if nothing is near."""
        if not readable(filepath):
            return None
        try:
            found, closest, best = self._detect(filepath)
        except OSError:
            return None
        title = self._other_client.get(filepath)
        if title is not None:
            return 1.0, self._other_client_message(title)
        if found is not None or best is None or not best.index:
            return None
        problem = missing_columns(best, closest)
        if problem is None:  # (cannot happen: the signature's columns are configured)
            return None
        share = len(best.index) / len(closest.columns)
        return share, f"line {best.line}: {problem[0]}"

    def _other_client_message(self, title: str) -> str:
        shown = f"its title is {title!r}" if title else "it has no title rows"
        return (
            f"the report does not show the client {self.client!r} in its name or its title "
            f"rows ({shown}): a report of another client, or of another factor? Give it to "
            f"the importer of the client it shows; for a report of yours, put "
            f"{self.client!r} in the file's name"
        )

    def account(self, filepath: str) -> str:
        return self.explicit["clearing"] or self.defaults["clearing"]

    def filename(self, filepath: str) -> str | None:
        profile = self._detect(filepath)[0]
        if profile is None:
            return None
        return f"{profile.name}-{profile.kind}{os.path.splitext(filepath)[1].lower()}"

    def date(self, filepath: str) -> datetime.date | None:
        """The latest date in the report (None if it cannot be read)."""
        profile = self._detect(filepath)[0]
        if profile is None:
            return None
        latest = None
        try:
            report = Report(filepath, profile)
            try:
                for row in report.rows():
                    day = row.date("date")
                    if day is not None and (latest is None or day > latest):
                        latest = day
            finally:
                report.close()
        except ImportFailure:
            return None
        return latest

    # Extraction.

    def extract(self, filepath: str, existing: Sequence[Any]) -> list[Any]:
        found, closest, _ = self._detect(filepath)
        elsewhere = self._on_other_sheet(filepath)
        if elsewhere is None and found is not None:
            elsewhere = self._on_more_sheets(filepath, found)
        if elsewhere is not None:
            raise elsewhere
        ledger = self._from_ledger(existing)
        if not ledger[0]:
            self._check_named(filepath, existing)
        general, by_currency = self._terms(ledger[0])
        prefix = self._prefix(ledger[0], (found or closest).currency)
        invoices = ledger[1]
        # A report names the same few debtors on every row: each is looked up once, by
        # its name and by its id (which may differ from row to row).
        by_name: dict[str, tuple[str, bool]] = {}
        by_id: dict[str, str | None] = {}

        def receivable(number: str, debtor: str, debtor_id: str) -> tuple[str, bool]:
            account = invoices.get(number)
            if account is not None:
                return account, True
            named = by_name.get(debtor)
            if named is None:
                named = by_name[debtor] = self._debtor(prefix, debtor)
            if named[1] or not debtor_id:
                return named
            account = by_id.get(debtor_id, "")
            if account == "":
                account = by_id[debtor_id] = self.debtors.get(_key(debtor_id))
            return named if account is None else (account, True)

        context = Context(
            factor=self.factor,
            payee=self.payee,
            general=general,
            by_currency=by_currency,
            constraints=ledger[2],
            receivable=receivable,
            flag=self.flag,
            balances=self.balances,
            releases=self.releases,
            deductions=self.deductions,
            # A collections report's payments follow those the ledger already has.
            history=(
                PaymentHistory(existing, frozenset(a.due_to_factor for a in ledger[0]))
                if (found or closest).kind == "collections"
                else None
            ),
        )
        with no_gc_pauses():
            # Opening the closest profile's report explains a file no profile recognises.
            report = Report(filepath, found or closest)
            try:
                # The file's text, made inert for Fava's journal (inert.py).
                return inert_entries(BUILDERS[report.profile.kind](report, context))
            finally:
                report.close()

    def _check_named(self, filepath: str, existing: Sequence[Any]) -> None:
        """Stop when the ledger has agreements and none of this importer's factor (a name
        written another way, "Lakeshore Funding" for "Lakeshore"): its events would name
        a factor the plugin does not know, on accounts guessed from the name. A ledger
        without agreements (or none given) takes the defaults, as documented."""
        wanted = self.factor.strip().lower()
        names: dict[str, str] = {}
        for entry in existing:
            if isinstance(entry, data.Custom) and entry.type == DIRECTIVE and entry.values:
                name = entry.values[0].value
                if isinstance(name, str) and name.strip():
                    names.setdefault(name.strip().lower(), name.strip())
        if not names or wanted in names:
            return  # (A broken agreement of the name: the plugin's FCT110 says it.)
        shown = ", ".join(repr(name) for name in names.values())
        example = next(iter(names.values())) if len(names) == 1 else "Name"
        raise ImportFailure(
            filepath,
            None,
            f"the ledger has no factoring-agreement named {self.factor.strip()!r}, the factor "
            f"this importer is given (its agreements name {shown}): give the importer the "
            f'name the agreement has, like FactorReportImporter(..., "{example}"), or write '
            "the factor's agreement first",
            code="FCT209",
        )

    def _debtor(self, prefix: str, debtor: str) -> tuple[str, bool]:
        """(receivable account, sure) of a debtor by its name: from `debtors`, else a guess."""
        account = self.debtors.get(_key(debtor))
        if account is not None:
            return account, True
        # Non-ASCII letters are kept, so that two debtors apart stay apart (a guess: `!`).
        leaf = customer_leaf(_COMPANY.sub("", debtor))
        return f"{prefix}:{leaf or 'Unknown'}", False

    def _terms(self, agreements: list[Agreement]) -> tuple[Terms | None, dict[str, Terms]]:
        """The terms of the factor's agreement without `currency:` (None when each of its
        agreements names one), and of its latest agreement of each currency; the
        importer's own account settings take the place of the agreements'."""
        latest: dict[str | None, Agreement] = {a.currency: a for a in agreements}
        terms = {key: self._terms_of(agreement) for key, agreement in latest.items()}
        general = terms.pop(None, None)
        if general is None and not terms:  # no agreement: the settings and the defaults
            general = self._terms_of(None)
        return general, {key: value for key, value in terms.items() if key is not None}

    def _terms_of(self, agreement: Agreement | None) -> Terms:
        accounts: dict[str, str | None] = dict(self.defaults)
        accounts["bank"] = None
        if agreement is not None:
            accounts.update(clearing=agreement.clearing, reserve=agreement.reserve,
                            fees=agreement.fees, bank=agreement.bank)  # fmt: skip
        accounts.update({key: value for key, value in self.explicit.items() if value})
        clearing, reserve, fees = accounts["clearing"], accounts["reserve"], accounts["fees"]
        assert clearing is not None and reserve is not None and fees is not None
        loan = agreement is not None and agreement.model == "loan"
        return Terms(clearing, reserve, fees, accounts["bank"], loan)

    def _prefix(self, agreements: list[Agreement], currency: str) -> str:
        """The prefix of guessed receivables: the agreement's of the report's currency."""
        own = [a for a in agreements if a.currency == currency]
        general = [a for a in agreements if a.currency is None]
        chosen = own or general or agreements
        return chosen[-1].receivables if chosen else self.receivables

    def _from_ledger(
        self, existing: Sequence[Any]
    ) -> tuple[list[Agreement], dict[str, str], dict[str, tuple[str, ...]]]:
        """The factor's agreements in date order, each invoice's receivable account, and
        the currencies of each account opened for some (one pass)."""
        wanted = self.factor.strip().lower()
        agreements: list[Agreement] = []
        invoices: dict[str, str] = {}
        constraints: dict[str, tuple[str, ...]] = {}
        # ("Copperline" "LLC" is no agreement for LLC, as for the plugin.)
        known = KnownCurrencies(existing)
        for entry in existing:
            if isinstance(entry, data.Custom):
                values = entry.values or []
                name = values[0].value if values else None
                named = isinstance(name, str) and name.strip().lower() == wanted
                if entry.type == DIRECTIVE and named:
                    parsed = parse_agreement(entry, known=known)[0]
                    if parsed is not None:
                        agreements.append(parsed)
            elif isinstance(entry, data.Transaction) and "invoice" in entry.meta:
                for posting in entry.postings:
                    units = posting.units
                    number = getattr(units, "number", None)
                    # The receivable is the invoice's positive asset posting.
                    positive = isinstance(number, Decimal) and number > 0
                    if positive and posting.account.startswith("Assets:"):
                        invoices.setdefault(str(entry.meta["invoice"]), posting.account)
                        break
            elif isinstance(entry, data.Open) and entry.currencies:
                constraints[entry.account] = tuple(entry.currencies)
        agreements.sort(key=lambda agreement: agreement.date)
        return agreements, invoices, constraints

    # Deduplication.

    def deduplicate(self, entries: list[Any], existing: Sequence[Any]) -> None:
        base.mark_duplicates(entries, existing)
        for entry in entries:
            booked = entry.meta.get("__duplicate__")
            if isinstance(booked, data.Transaction) and entry.meta.get("factoring") == "schedule":
                changes = dedup.figure_changes(entry, booked)
                if changes:
                    # A corrected report: the booked schedule stays, and the note says
                    # what to correct by hand.
                    where = f"{booked.meta.get('filename')}:{booked.meta.get('lineno')}"
                    entry.meta[CHANGED_KEY] = (
                        f"{'; '.join(changes)} (booked at {where}): the factor corrected its "
                        "report; correct the booked schedule if this one is right"
                    )
        dedup.mark_typed_events(entries, existing)
        # A fee the factor took from the reserve (the one kind of entry here that is no
        # event), typed by hand from its statement: found as a bank line is, by account,
        # amount and date.
        fees = [
            e for e in entries if isinstance(e, data.Transaction) and "factoring" not in e.meta
        ]
        if fees:
            taken = {id(e.meta["__duplicate__"]) for e in entries if "__duplicate__" in e.meta}
            dedup.mark_similar(fees, existing, taken)
        todo = [
            e
            for e in entries
            if "__duplicate__" not in e.meta
            and (isinstance(e, data.Balance) or e.meta.get("factoring") == "release")
        ]
        if not todo:
            return
        general, by_currency = self._terms(self._from_ledger(existing)[0])
        every = [*by_currency.values(), *([general] if general is not None else [])]
        own = {account for terms in every for account in (terms.clearing, terms.reserve)}
        # (bank account, number, currency) of bank lines to or from the factor's accounts,
        # but those an entry of this file is the duplicate of already (by its id).
        taken = {id(e.meta["__duplicate__"]) for e in entries if "__duplicate__" in e.meta}
        deposits: dict[tuple[Any, ...], list[Any]] = {}
        # The ledger's assertions by (date, account, currency): typed by hand from the
        # statement, or imported from another file of it.
        balances: dict[tuple[Any, ...], list[Any]] = {}
        for entry in existing:
            if id(entry) in taken:
                continue
            if isinstance(entry, data.Balance):
                day = (entry.date, entry.account, entry.amount.currency)
                balances.setdefault(day, []).append(entry)
            elif isinstance(entry, data.Transaction) and (
                any(p.account in own for p in entry.postings)
                or entry.meta.get("factoring") == "release"
            ):
                for posting in entry.postings:
                    cash = posting.units
                    if cash is not None and posting.account not in own:
                        key = (posting.account, cash.number, cash.currency)
                        deposits.setdefault(key, []).append(entry)
        releases = []
        for entry in todo:
            if isinstance(entry, data.Balance):
                day = (entry.date, entry.account, entry.amount.currency)
                _typed_balance(entry, balances.get(day, ()))
            else:
                releases.append(entry)
        _pair_releases(releases, deposits)


def _typed_balance(entry: data.Balance, booked: Sequence[data.Balance]) -> None:
    """Mark a statement's assertion a duplicate of the ledger's of its day, account and
    figure; else note the ledger's of another figure, if any (one of the two fails).

    The figure is the one written: on a month end between a schedule's purchase and its
    funding the plugin gives a typed assertion the books' figure (the statement's less
    the reserve awaiting funding), and the statement's, compared with that, was
    imported again beside it."""
    number = entry.amount.number
    for other in booked:
        if written_figure(other).number == number:
            entry.meta["__duplicate__"] = other
            return
    if not booked:
        return
    other = booked[0]
    figure = written_figure(other)
    where = f"{other.meta.get('filename')}:{other.meta.get('lineno')}"
    entry.meta[dedup.AMOUNT_KEY] = (
        f"the ledger asserts {figure} on {entry.account} on {entry.date} ({where}), where the "
        f"statement has {number} {entry.amount.currency}: one of the two fails in bean-check. "
        "If the ledger's was typed from this statement, correct it to the statement's "
        "figure and delete one of the two; if the statement is wrong, ask the factor, and "
        "delete this one"
    )


def _pair_releases(releases: list[Any], deposits: dict[tuple[Any, ...], list[Any]]) -> None:
    """Mark each release a duplicate of a bank line of its amount within the window, each
    bank line once: as many pairs as can be made, then the nearest in date. Two releases
    of one amount in a week are two lines, each the duplicate of its own (or imported, if
    the ledger has one only)."""
    by_key: dict[tuple[Any, ...], list[Any]] = {}
    for entry in releases:
        bank = entry.postings[0]
        by_key.setdefault((bank.account, bank.units.number, bank.units.currency), []).append(entry)
    for key, wanted in by_key.items():
        # An entry is listed once per posting of the key: each bank line counts once.
        unique = {id(line): line for line in deposits.get(key, ())}
        lines = sorted(unique.values(), key=lambda line: line.date)
        wanted.sort(key=lambda entry: entry.date)
        for release, line in _paired(wanted, lines):
            release.meta["__duplicate__"] = line


def _paired(releases: list[Any], lines: list[Any]) -> list[tuple[Any, Any]]:
    """The most pairs of a release and a bank line within the window, each used once,
    the fewest days apart in all; both lists sorted by date.

    Nearest first is not enough: releases of 04/01 and 04/04 with bank lines of 04/03
    and 04/06 pair 04/04 with 04/03 first and leave 04/01 unpaired. On a line, such a
    best set of pairs never crosses (a later release never takes an earlier line), so
    the best for the first ``i`` releases and ``j`` lines builds on smaller ones.
    """
    rows, columns = len(releases), len(lines)
    # best[i][j]: (pairs, -days apart) of the first i releases and j lines.
    best = [[(0, 0)] * (columns + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        day = releases[i - 1].date
        for j in range(1, columns + 1):
            found = max(best[i - 1][j], best[i][j - 1])
            apart = abs((lines[j - 1].date - day).days)
            if dedup.release_near(lines[j - 1].date, day):
                pairs, days = best[i - 1][j - 1]
                found = max(found, (pairs + 1, days - apart))
            best[i][j] = found
    paired: list[tuple[Any, Any]] = []
    i, j = rows, columns
    while i and j:
        if best[i][j] == best[i - 1][j]:
            i -= 1
        elif best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            paired.append((releases[i - 1], lines[j - 1]))
            i, j = i - 1, j - 1
    return paired
