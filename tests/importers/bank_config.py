"""The importers the bank, OFX and invoice tests run, one per sample document.

They read the factor agreements from the example ledger, as a user's `import.py` would
read them from the user's own ledger.
"""

from __future__ import annotations

from pathlib import Path

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.invoices import InvoiceImporter
from beancount_factoring.importers.ofx import OfxImporter

HERE = Path(__file__).parent
DOCS = HERE / "documents"
BANK_DOCS = DOCS / "bank"
INVOICE_DOCS = DOCS / "invoices"
EXAMPLE = HERE.parents[1] / "example_ledger" / "main.beancount"

CUSTOMERS = {
    "Northstar Logistics": "Northstar",
    "Crossroads Brokerage": "Crossroads",
    "Bayline Logistics": "Bayline",
    "Prairie Freight Solutions": "Prairie",
    "Tristate Cargo Partners": "Tristate",
    "Granite Valley Paper": "GraniteValley",
}


def us_checking(factors: object = EXAMPLE) -> BankCsvImporter:
    """A US bank's CSV: newest line first, a running balance, a trailing comma."""
    return BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        signature=("Details", "Type", "Check or Slip #"),
        factors=factors,  # type: ignore[arg-type]
    )


def eu_giro() -> BankCsvImporter:
    """A German bank's CSV: `;`, decimal comma, dd.mm.yyyy, cp1252, title rows."""
    return BankCsvImporter(
        "Assets:Bank:Giro",
        currency="EUR",
        date="Buchungstag",
        payee="Auftraggeber/Empfänger",
        narration=["Buchungstext", "Verwendungszweck"],
        debit="Soll",
        credit="Haben",
        balance="Saldo",
        date_format="%d.%m.%Y",
        decimal_mark=",",
        delimiter=";",
        encoding="cp1252",
        skip_rows=4,
        account_number="DE89 3704 0044 0532 0130 00",
        factors={"LAKESHORE FUNDING EUROPE": "Assets:Factoring:LakeshoreEurope:Clearing"},
    )


def checking_ofx(factors: object = EXAMPLE) -> OfxImporter:
    return OfxImporter("Assets:Bank:Checking", account_id="4417902216", factors=factors)  # type: ignore[arg-type]


def fleet_card(factors: object = EXAMPLE) -> OfxImporter:
    return OfxImporter("Liabilities:CreditCard:Fleet", account_id="4417", factors=factors)  # type: ignore[arg-type]


def tms_invoices() -> InvoiceImporter:
    """A TMS export: one row per line item, an invoice's rows not always together."""
    return InvoiceImporter(
        invoice="Invoice No",
        load="Load No",
        charge="Charge Code",
        description="Description",
        customers=CUSTOMERS,
    )


def eu_invoices() -> InvoiceImporter:
    """A European billing export: one row per invoice, a column per charge, VAT, total."""
    return InvoiceImporter(
        currency="EUR",
        invoice="Rechnungsnr",
        date="Rechnungsdatum",
        due="Fällig am",
        customer="Kunde",
        load="Auftrag",
        charges={
            "Fracht": "Income:Freight:Linehaul",
            "Maut": "Income:Freight:Tolls",
            "Standgeld": "Income:Freight:Detention",
        },
        vat="MwSt",
        vat_account="Liabilities:VAT:Output",
        total="Gesamt",
        date_format="%d.%m.%Y",
        decimal_mark=",",
        delimiter=";",
        encoding="cp1252",
    )


# Each sample document and the importer that reads it.
DOCUMENTS = {
    BANK_DOCS / "first_prairie_checking_2025-02-14.csv": us_checking,
    BANK_DOCS / "rheinland_giro_2025-02.csv": eu_giro,
    BANK_DOCS / "first_prairie_2025-02.ofx": checking_ofx,
    BANK_DOCS / "harborview_fleetcard_2025-02.qfx": fleet_card,
    INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv": tms_invoices,
    INVOICE_DOCS / "rheinland_rechnungen_2025-01.csv": eu_invoices,
    # The same export saved as XLSX (make_invoice_documents.py): the same entries.
    INVOICE_DOCS / "rheinland_rechnungen_2025-01.xlsx": eu_invoices,
}

# An import.py's list: one importer of each kind, as the CLI tests run them.
CONFIG = [make() for make in dict.fromkeys(DOCUMENTS.values())]
