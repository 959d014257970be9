"""The factor importers the tests run: one per sample folder under documents/factor/."""

from __future__ import annotations

from pathlib import Path

from beancount_factoring.importers import profiles
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.profiles import Profile

HERE = Path(__file__).parent
DOCUMENTS = HERE / "documents" / "factor"
LEDGER = HERE / "factor_ledger.beancount"

# A factor without a shipped profile, configured in a few lines as a user would.
ASHGROVE = Profile.generic(
    kind="purchase",
    columns={"invoice": "Inv #", "date": "Sold On", "debtor": "Customer", "face": "Face",
             "advance": "Adv", "fee": "Disc", "reserve": "Hold"},
    date_format="%m/%d/%Y",
    name="ashgrove",
    factor="Ashgrove Trade Finance",
)  # fmt: skip

# A funding report that deducts fees from invoices, with its net funded per invoice.
BRAMBLEWOOD = Profile.generic(
    kind="purchase",
    columns={"schedule": "Schedule", "date": "Funded", "debtor": "Debtor",
             "invoice": "Invoice", "face": "Face Value", "advance": "Advance",
             "fee": "Factoring Fee", "reserve": "Reserve", "deductions": "Deduction",
             "deduction_type": "Deduction Type", "net": "Net Funded"},
    name="bramblewood",
    factor="Bramblewood Capital",
)  # fmt: skip

# The report's debtor name -> the receivable account the ledger's invoices post to.
DEBTORS = {
    "NORTHSTAR LOGISTICS LLC": "Assets:Receivable:Northstar",
    "CROSSROADS BROKERAGE, INC.": "Assets:Receivable:Crossroads",
    "BAYLINE LOGISTICS": "Assets:Receivable:Bayline",
    "Prairie Freight Solutions": "Assets:Receivable:Prairie",
    "Tristate Cargo Partners": "Assets:Receivable:Tristate",
    "Kivijärven Saha Oy": "Assets:Receivable:Kivijarvi",
    "Hämeen Puutuote Oy": "Assets:Receivable:Hame",
    "Itämeren Logistiikka Oy": "Assets:Receivable:Itameri",
    "Maple Ridge Fabricators Ltd.": "Assets:Receivable:MapleRidge",
    "Les Entrepôts Nordiques Ltée": "Assets:Receivable:Entrepots",
}


def importers(
    debtors: dict[str, str] | None = DEBTORS, **options: object
) -> dict[str, FactorReportImporter]:
    """The importer of each sample folder. Without `debtors` (and with `bank` left out) the
    accounts come from the ledger given to extract()."""
    usd = options.pop("usd_bank", "Assets:Bank:Checking")
    eur = options.pop("eur_bank", "Assets:Bank:EUR")
    cad = options.pop("cad_bank", "Assets:Bank:CAD")
    common = {"debtors": debtors, **options}
    return {
        "lakeshore": FactorReportImporter(profiles.LAKESHORE, "Lakeshore", bank=usd, **common),
        "pinecrest": FactorReportImporter(profiles.PINECREST, "Pinecrest", bank=usd, **common),
        "saaristo": FactorReportImporter(profiles.SAARISTO, "Saaristo", bank=eur, **common),
        "copperline": FactorReportImporter(profiles.COPPERLINE, "Copperline", bank=cad, **common),
        "ashgrove": FactorReportImporter(ASHGROVE, "Ashgrove", **common),
        "bramblewood": FactorReportImporter(BRAMBLEWOOD, "Bramblewood", **common),
    }


def documents() -> list[Path]:
    """Every sample report (not the golden files)."""
    return sorted(p for p in DOCUMENTS.rglob("*") if p.is_file() and p.suffix != ".beancount")
