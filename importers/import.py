"""The ingest script of the example ledger: Ridgeline Freight's downloads into its books.

    python importers/import.py identify example_ledger/downloads
    python importers/import.py extract -e example_ledger/main.beancount example_ledger/downloads
    python importers/import.py archive -o documents example_ledger/downloads

Fava's Import page runs it too: example_ledger/main.beancount names it with
`custom "fava-option" "import-config" "../importers/import.py"` and names the folder of the
downloads with `custom "fava-option" "import-dirs" "downloads/"` (Fava reads both relative
to the ledger's own folder). Fava runs this file with `runpy` and reads its `CONFIG` and
`HOOKS`; the command line is the `ingest()` group at the bottom.

What each importer reads (docs/importers.md says how to configure them for your files):

- Lakeshore Funding's and Pinecrest Capital's reports, in their shipped profiles: the
  purchase reports become `schedule` events, the collections reports `collected` events,
  the reserve ledgers releases and `balance` assertions, the recourse reports chargebacks;
- First Prairie Bank's checking account, as CSV or OFX: a line from a factor goes to the
  factor's clearing account for the plugin to split, any other line to
  `Expenses:Uncategorized`, flagged `!` (the hooks below sort out the lines they know);
- the TMS's invoice export: one invoice transaction per invoice number.

Where the factors' terms come from: the bank importers read the agreements' payee
patterns and clearing accounts from main.beancount, found from this file's place (not
from the folder the command is run in), so `extract` without `-e` still recognises a
factor's deposit. The factor report importers take each factor's accounts from the
ledger given to `extract -e` (Fava gives its own), and each invoice's receivable account
from the invoice in that ledger, else from RECEIVABLES (a schedule can name an invoice
that the TMS export of the same run brings in).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from beancount.core import data

from beancount_factoring.importers import profiles
from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.ingest import allow_large_files, ingest
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.ofx import OfxImporter

HERE = Path(__file__).resolve().parent
LEDGER = HERE.parent / "example_ledger" / "main.beancount"

CHECKING = "Assets:Bank:Checking"
UNCATEGORIZED = "Expenses:Uncategorized"

# Each customer's receivable account. The factors' reports name the customers their own
# way; an invoice already in the ledger keeps the account it was booked to.
RECEIVABLES = {
    "Northstar Logistics": "Assets:Receivable:Northstar",
    "NORTHSTAR LOGISTICS LLC": "Assets:Receivable:Northstar",
    "Crossroads Brokerage": "Assets:Receivable:Crossroads",
    "CROSSROADS BROKERAGE, INC.": "Assets:Receivable:Crossroads",
    "Bayline Logistics": "Assets:Receivable:Bayline",
    "Prairie Freight Solutions": "Assets:Receivable:Prairie",
    "Tristate Cargo Partners": "Assets:Receivable:Tristate",
    "Granite Valley Paper": "Assets:Receivable:GraniteValley",
}

CONFIG = [
    # The factors' reports: `extract -e` (or Fava) gives the agreements, and with them
    # the accounts of each factor.
    # Lakeshore's reports name the client in their title: one of another carrier the
    # bookkeeper keeps books for is then not booked here.
    FactorReportImporter(profiles.LAKESHORE, "Lakeshore", debtors=RECEIVABLES, client="C10482"),
    FactorReportImporter(profiles.PINECREST, "Pinecrest", debtors=RECEIVABLES),
    # First Prairie Bank's CSV download: newest line first, a running balance.
    BankCsvImporter(
        CHECKING,
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        date_format="%m/%d/%Y",
        signature=("Details", "Type", "Check or Slip #"),
        factors=LEDGER,
        fallback=UNCATEGORIZED,
    ),
    # The same account's OFX download (for Quicken): use one format per period, since
    # the two give one bank line different ids.
    OfxImporter(CHECKING, account_id="4417902216", factors=LEDGER, fallback=UNCATEGORIZED),
    # The TMS's invoice export: one row per charge.
    InvoiceImporter(
        "Assets:Receivable",
        invoice="Invoice No",
        date="Invoice Date",
        due="Due Date",
        customer="Customer",
        load="Load No",
        charge="Charge Code",
        amount="Amount",
        description="Description",
        income={
            "LINEHAUL": "Income:Freight:Linehaul",
            "LUMPER": "Income:Freight:Lumper",
            "DETENTION": "Income:Freight:Detention",
        },
        customers={name: account.rsplit(":", 1)[1] for name, account in RECEIVABLES.items()},
        # Its usual name: an export whose header lacks a column above is then an error
        # naming the column (FCT203), not a file skipped in silence.
        filename=r"tms_invoices",
    ),
]


# --------------------------------------------------------------------------------------
# Hooks: they run after deduplication, on what every importer extracted. beangulp passes
# (filename, entries, account, importer) tuples, Fava (filename, entries) pairs; both are
# handled. Entries marked as duplicates are left alone.
# --------------------------------------------------------------------------------------

# Bank lines that always go to the same account: (pattern on payee and narration, account).
# Lines that need a split (payroll, the loan payment) or that say nothing (a check) stay
# on Expenses:Uncategorized, flagged `!`, for the bookkeeper.
CATEGORIES = (
    (r"FLEETONE FUEL", "Expenses:Fuel"),
    (r"KEYLINE MUTUAL", "Expenses:Insurance:Truck"),
    (r"TRUCKLOG ELD", "Expenses:Software:ELD"),
    (r"E-?ZPASS", "Expenses:Tolls"),
    (r"COMCHEK LUMPER", "Expenses:Lumper"),
    (r"MONTHLY SERVICE CHARGE", "Expenses:Bank:Fees"),
)
_CATEGORIES = [(re.compile(pattern, re.IGNORECASE), account) for pattern, account in CATEGORIES]
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-_/.]*")


def _uncategorized(entry: Any) -> bool:
    """True for a bank line the importer left on the fallback account, not a duplicate."""
    return (
        isinstance(entry, data.Transaction)
        and "__duplicate__" not in entry.meta
        and len(entry.postings) == 2
        and entry.postings[1].account == UNCATEGORIZED
        and entry.postings[1].units is None
    )


def _text(entry: data.Transaction) -> str:
    return f"{entry.payee or ''} {entry.narration or ''}"


def _settle(entry: data.Transaction, account: str, links: frozenset[str]) -> data.Transaction:
    """The bank line with its other posting on `account`, no longer flagged."""
    bank, other = entry.postings
    return entry._replace(
        flag="*", links=entry.links | links, postings=[bank, other._replace(account=account)]
    )


def categorize(extracted: list[Any], existing: Sequence[Any]) -> list[Any]:
    """Move the bank lines that CATEGORIES knows to their expense account."""
    result = []
    for filename, entries, *rest in extracted:
        changed = []
        for entry in entries:
            if _uncategorized(entry):
                text = _text(entry)
                found = next((acc for pattern, acc in _CATEGORIES if pattern.search(text)), None)
                if found is not None:
                    entry = _settle(entry, found, frozenset())
            changed.append(entry)
        result.append((filename, changed, *rest))
    return result


def customer_payments(extracted: list[Any], existing: Sequence[Any]) -> list[Any]:
    """Book a customer's payment that names one of our own (not factored) invoices.

    A bank credit whose text names an invoice number of the ledger (or of this import)
    goes to that invoice's receivable account, with the invoice's link, as the ledger
    books a direct payment (`^RF-1015`). An invoice a factor holds is left alone: money
    from its customer belongs to the factor, and the line stays flagged `!`.
    """
    everything = [*existing, *(entry for _, entries, *_ in extracted for entry in entries)]
    receivable: dict[str, str] = {}
    factored: set[str] = set()
    for entry in everything:
        if not isinstance(entry, data.Transaction):
            continue
        number = entry.meta.get("invoice")
        if isinstance(number, str):
            # The receivable is the invoice's positive asset posting.
            for posting in entry.postings:
                units = posting.units
                number_ = units.number if units is not None else None
                if posting.account.startswith("Assets:") and number_ and number_ > 0:
                    receivable.setdefault(number, posting.account)
                    break
        elif "factoring" in entry.meta or any(
            p.account.startswith("Assets:Factoring:") for p in entry.postings
        ):
            factored.update(entry.links)
    result = []
    for filename, entries, *rest in extracted:
        changed = []
        for entry in entries:
            if _uncategorized(entry) and entry.postings[0].units.number > 0:
                named = [w for w in _WORD.findall(_text(entry)) if w in receivable]
                if len(named) == 1 and named[0] not in factored:
                    number = named[0]
                    entry = _settle(entry, receivable[number], frozenset({number}))
            changed.append(entry)
        result.append((filename, changed, *rest))
    return result


HOOKS = [categorize, customer_payments]

# Files over beangulp's 8 MiB limit are read, not skipped; for Fava's Import page too.
allow_large_files()

if __name__ == "__main__":
    ingest(CONFIG, HOOKS)()
