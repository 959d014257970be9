"""The ingest script of the year example: Ridgeline Freight's 2025 downloads into its books.

    python importers/year_import.py identify example_ledger/year/downloads
    python importers/year_import.py extract -e example_ledger/year/hand-kept.beancount \\
        example_ledger/year/downloads/2025-03 -o example_ledger/year/imported/2025-03.beancount

The books of example_ledger/year/ are the hand-kept ledger (agreements, accounts, opening
balances, the few entries no download gives) and, one file per month, what this script
extracts from that month's downloads: `make_downloads.py --extract` runs the command above
for every month, and tests/test_year_example.py checks that it gives the committed files
byte for byte. Extract with `-e hand-kept.beancount`, not main.beancount: against the
whole ledger every line would be a duplicate.

What each importer reads (docs/importers.md says how to configure them for your files):

- Lakeshore Funding's reports (CSV) and Pinecrest Capital's (tab-separated text), in
  their shipped profiles: purchase reports become `schedule` events, collections reports
  `collected` events, recourse reports chargebacks, and the reserve ledgers `balance`
  assertions on the reserve accounts. The ledgers' releases are not booked from them
  (`releases=False`): the same money is on the bank statement, and the plugin finds by
  its amount which collected reserves a rebate pays;
- First Prairie Bank's checking account, as CSV or OFX: a line from a factor goes to the
  factor's clearing account for the plugin to split; any other line to
  `Expenses:Uncategorized`, flagged `!`, until the hooks below sort it;
- the TMS's invoice export: one invoice transaction per invoice number.

Fava's Import page runs this file too (example_ledger/year/main.beancount names it); it
reads CONFIG and HOOKS.
"""

from __future__ import annotations

import contextlib
import os
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
BOOKS = HERE.parent / "example_ledger" / "year"
# The agreements (the factors' payee patterns and accounts) come from here.
LEDGER = BOOKS / "hand-kept.beancount"

CHECKING = "Assets:Bank:Checking"
UNCATEGORIZED = "Expenses:Uncategorized"

# Each customer: its name in the TMS, on Lakeshore's and on Pinecrest's reports, and its
# receivable account. The two shippers pay us directly and are never factored.
CUSTOMERS = (
    ("Northstar Logistics", "NORTHSTAR LOGISTICS LLC", "Northstar Logistics LLC", "Northstar"),
    ("Crossroads Brokerage", "CROSSROADS BROKERAGE, INC.", "Crossroads Brokerage Inc",
     "Crossroads"),
    ("Bayline Logistics", "BAYLINE LOGISTICS", "Bayline Logistics", "Bayline"),
    ("Kestrel Point Logistics", "KESTREL POINT LOGISTICS LLC", "Kestrel Point Logistics LLC",
     "KestrelPoint"),
    ("Tristate Cargo Partners", "TRISTATE CARGO PARTNERS LLC", "Tristate Cargo Partners LLC",
     "Tristate"),
    ("Prairie Freight Solutions", "PRAIRIE FREIGHT SOLUTIONS INC",
     "Prairie Freight Solutions Inc", "Prairie"),
    ("Millbrook Transport Services", "MILLBROOK TRANSPORT SERVICES",
     "Millbrook Transport Services", "Millbrook"),
    ("Sandhill Logistics", "SANDHILL LOGISTICS LLC", "Sandhill Logistics LLC", "Sandhill"),
    ("Owlcreek Freight", "OWLCREEK FREIGHT INC", "Owlcreek Freight Inc", "Owlcreek"),
    ("Redfern Freight Brokers", "REDFERN FREIGHT BROKERS LLC", "Redfern Freight Brokers LLC",
     "Redfern"),
    ("Granite Valley Paper", None, None, "GraniteValley"),
    ("Hollins Creek Foods", None, None, "HollinsCreek"),
)  # fmt: skip
# The factors' names for the customers -> receivable account, for invoices the ledger
# given to `extract -e` does not have (an earlier month's).
DEBTORS = {
    name: f"Assets:Receivable:{leaf}"
    for _, *names, leaf in CUSTOMERS
    for name in names
    if name is not None
}

CONFIG = [
    FactorReportImporter(profiles.LAKESHORE, "Lakeshore", debtors=DEBTORS, releases=False),
    FactorReportImporter(profiles.PINECREST, "Pinecrest", debtors=DEBTORS, releases=False),
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
    # The same account's OFX download (one month was downloaded for Quicken).
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
            "FSC": "Income:Freight:FuelSurcharge",
            "LUMPER": "Income:Freight:Lumper",
            "DETENTION": "Income:Freight:Detention",
            "TONU": "Income:Freight:TONU",
        },
        customers={tms: leaf for tms, _, _, leaf in CUSTOMERS},
    ),
]


# --------------------------------------------------------------------------------------
# Hooks: they run after deduplication, on what every importer extracted. beangulp passes
# (filename, entries, account, importer) tuples, Fava (filename, entries) pairs; both are
# handled. Entries marked as duplicates are left alone.
# --------------------------------------------------------------------------------------

# The bookkeeper's rules for the bank lines that are not a factor's: (pattern on the
# line's text, account). A customer's payment goes to its receivable, linked to each
# invoice number it names, so the plugin knows the invoice is paid.
RULES = (
    (r"TRAILWISE FUEL", "Expenses:Fuel"),
    (r"TOLLWAY ACCT|OPENROAD BYPASS", "Expenses:Tolls"),
    (r"HOOSIER TRUCK SERVICE|PRAIRIE TIRE", "Expenses:Maintenance"),
    (r"DOCKPAY LUMPER", "Expenses:Lumper"),
    (r"RIVERPOINT PAYROLL NET PAY", "Expenses:Payroll:Wages"),
    (r"RIVERPOINT PAYROLL TAX", "Expenses:Payroll:Taxes"),
    (r"RIVERPOINT PAYROLL SERVICE", "Expenses:Payroll:ServiceFees"),
    (r"BLUE PRAIRIE HEALTH", "Expenses:Payroll:Benefits"),
    (r"KEYLINE MUTUAL", "Expenses:Insurance:Fleet"),
    (r"LAKEVIEW EQUIP FIN", "Liabilities:Loans:Lakeview"),
    (r"BRIARWOOD TRUCK CREDIT", "Liabilities:Loans:Briarwood"),
    (r"MERIDIAN YARD", "Expenses:Rent:Yard"),
    (r"TRUCKLOG ELD", "Expenses:Software:ELD"),
    (r"FLEETCOMM WIRELESS", "Expenses:Office:Phones"),
    (r"MONTHLY SERVICE CHARGE", "Expenses:Bank:Fees"),
    (r"IFTA", "Expenses:Taxes:FuelTax"),
    (r"FORM 2290", "Expenses:Taxes:HVUT"),
    (r"IN BMV IRP", "Expenses:Licenses:Registration"),
    (r"FIRST PRAIRIE LOC PAYMENT", "Liabilities:Bank:LineOfCredit"),
    (r"FIRST PRAIRIE LOC INTEREST", "Expenses:Interest:LineOfCredit"),
    (r"OWNER DRAW", "Equity:Owner:Draws"),
    (r"HARTWELL SURETY", "Income:Other:BadDebtRecovery"),
    *((re.escape(tms.upper()), f"Assets:Receivable:{leaf}") for tms, _, _, leaf in CUSTOMERS),
)
_RULES = [(re.compile(pattern, re.IGNORECASE), account) for pattern, account in RULES]
_INVOICE = re.compile(r"\bRF-\d{5}\b")


def _uncategorized(entry: Any) -> bool:
    """True for a bank line the importer left on the fallback account, not a duplicate."""
    return (
        isinstance(entry, data.Transaction)
        and "__duplicate__" not in entry.meta
        and len(entry.postings) == 2
        and entry.postings[1].account == UNCATEGORIZED
        and entry.postings[1].units is None
    )


def categorize(extracted: list[Any], existing: Sequence[Any]) -> list[Any]:
    """Move the bank lines a rule knows to its account, no longer flagged."""
    result = []
    for filename, entries, *rest in extracted:
        changed = []
        for entry in entries:
            if _uncategorized(entry):
                text = f"{entry.payee or ''} {entry.narration or ''}"
                found = next((acc for pattern, acc in _RULES if pattern.search(text)), None)
                if found is not None:
                    bank, other = entry.postings
                    links = (
                        frozenset(_INVOICE.findall(text))
                        if found.startswith("Assets:Receivable:")
                        else frozenset()
                    )
                    entry = entry._replace(
                        flag="*",
                        links=entry.links | links,
                        postings=[bank, other._replace(account=found)],
                    )
            changed.append(entry)
        result.append((filename, changed, *rest))
    return result


def relative_sections(extracted: list[Any], existing: Sequence[Any]) -> list[Any]:
    """Name each download in the output relative to the books' folder, not the disk.

    beangulp heads each file's entries with `**** <absolute path>`; made relative, the
    output is the same on every machine, so the committed imported files can be checked
    against a fresh extract. (Fava's pairs are left alone.)
    """
    result = []
    for item in extracted:
        filename = item[0]
        if len(item) == 4 and os.path.isabs(filename):
            with contextlib.suppress(ValueError):  # a file outside the books' folder
                filename = Path(filename).relative_to(BOOKS).as_posix()
        result.append((filename, *item[1:]))
    return result


HOOKS = [categorize, relative_sections]

# Files over beangulp's 8 MiB limit are read, not skipped; for Fava's Import page too.
allow_large_files()

if __name__ == "__main__":
    ingest(CONFIG, HOOKS)()
