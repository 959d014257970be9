"""Bank lines and invoices, imported, then checked by the plugin: they must agree.

The sample statements (a CSV and an OFX file of the checking account, a QFX file of the
fleet card) and the TMS export are extracted, printed, and loaded together with a ledger
that holds the agreements, the accounts and the schedules the factors' deposits fund. The
plugin must find every deposit's schedule by its amount and report nothing; every balance
assertion of the statements must hold. Then the same files imported again, with that
ledger as the existing one, must be nothing but duplicates.
"""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

from bank_config import (
    BANK_DOCS,
    INVOICE_DOCS,
    checking_ofx,
    fleet_card,
    tms_invoices,
    us_checking,
)
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from beangulp import extract
from click.testing import CliRunner

from beancount_factoring.importers.base import ID_KEY
from beancount_factoring.importers.ingest import ingest

LEDGER = textwrap.dedent(
    """\
    plugin "beancount_factoring.plugin"
    option "operating_currency" "USD"

    2025-01-01 open Assets:Bank:Checking          USD
    2025-01-01 open Liabilities:CreditCard:Fleet  USD
    2025-01-01 open Assets:Receivable:Northstar   USD
    2025-01-01 open Assets:Receivable:Crossroads  USD
    2025-01-01 open Assets:Receivable:Bayline     USD
    2025-01-01 open Assets:Receivable:Prairie     USD
    2025-01-01 open Assets:Receivable:Tristate    USD
    2025-01-01 open Assets:Receivable:GraniteValley USD
    2025-01-01 open Income:Freight:Linehaul       USD
    2025-01-01 open Income:Freight:FuelSurcharge  USD
    2025-01-01 open Income:Freight:Lumper         USD
    2025-01-01 open Income:Freight:Detention      USD
    2025-01-01 open Income:Freight:Adjustments    USD
    2025-01-01 open Expenses:Uncategorized        USD
    2025-01-01 open Equity:Opening-Balances       USD

    2025-01-02 custom "factoring-agreement" "Lakeshore"
      advance-rate: 0.95
      fee: "flat 2.5%"
      invoice-fee: 5.00 USD
      transfer-fee: 10.00 USD
      recourse-days: 90
      payee: "LAKESHORE FUND"
      bank: Assets:Bank:Checking
      adjustments: Income:Freight:Adjustments

    2025-01-06 custom "factoring-agreement" "Pinecrest"
      advance-rate: 0.90
      fee: "tiered 1.75%/30d + 0.5%/10d"
      fee-timing: "collection"
      recourse-days: 90
      payee: "PINECREST CAP"
      bank: Assets:Bank:Checking
      adjustments: Income:Freight:Adjustments

    2025-01-31 * "Opening balance"
      Assets:Bank:Checking           15322.11 USD
      Equity:Opening-Balances

    2025-02-04 * "Lakeshore Funding" "Schedule of accounts 4101" ^RF-2001 ^RF-2002
      factoring: "schedule"
      schedule: "4101"

    2025-02-06 * "Pinecrest Capital" "Schedule 951" ^RF-2003
      factoring: "schedule"
      schedule: "951"

    2025-02-11 * "Lakeshore Funding" "Schedule of accounts 4102" ^RF-2004 ^RF-2006
      factoring: "schedule"
      schedule: "4102"

    2025-02-13 * "Pinecrest Capital" "Schedule 952" ^RF-2007
      factoring: "schedule"
      schedule: "952"

    2025-02-18 * "Lakeshore Funding" "Schedule of accounts 4103" ^RF-2008
      factoring: "schedule"
      schedule: "4103"

    2025-02-20 * "Lakeshore Funding" "Schedule of accounts 4104" ^RF-2009
      factoring: "schedule"
      schedule: "4104"

    2025-02-21 * "Pinecrest Capital" "Schedule 953" ^RF-2010
      factoring: "schedule"
      schedule: "953"
    """
)
DOCUMENTS = [
    (BANK_DOCS / "first_prairie_checking_2025-02-14.csv", us_checking),
    (BANK_DOCS / "first_prairie_2025-02.ofx", checking_ofx),
    (BANK_DOCS / "harborview_fleetcard_2025-02.qfx", fleet_card),
    (INVOICE_DOCS / "ridgeline_tms_invoices_2025-02.csv", tms_invoices),
]


def _agreements() -> list[data.Directive]:
    # Alone, the ledger's schedules name invoices not imported yet: errors expected.
    entries, _, _ = loader.load_string(LEDGER)
    return entries


def _imported() -> str:
    """Every sample document extracted, with the agreements given as entries, printed."""
    agreements = _agreements()
    out = io.StringIO()
    for path, make in DOCUMENTS:
        importer = make(agreements) if make is not tms_invoices else make()
        printer.print_entries(extract.extract_from_file(importer, str(path), []), file=out)
    return out.getvalue()


def test_the_plugin_accepts_what_the_importers_write() -> None:
    entries, errors, _ = loader.load_string(LEDGER + "\n" + _imported())
    assert [e.message for e in errors] == []
    deposits = [
        e
        for e in entries
        if isinstance(e, data.Transaction)
        and any(p.account.endswith(":Clearing") for p in e.postings)
        and any(p.account == "Assets:Bank:Checking" for p in e.postings)
    ]
    # Seven deposits, each split by the plugin: it found the schedule each one funds.
    assert len(deposits) == 7
    for deposit in deposits:
        assert any(link.startswith("sched-") for link in deposit.links), deposit
    balances = [e for e in entries if isinstance(e, data.Balance)]
    assert len(balances) == 11  # 9 days of the CSV, one per OFX file


def test_extracting_again_marks_everything_duplicate() -> None:
    previous, errors, _ = loader.load_string(LEDGER + "\n" + _imported())
    assert not errors
    agreements = _agreements()
    for path, make in DOCUMENTS:
        importer = make(agreements) if make is not tms_invoices else make()
        entries = extract.extract_from_file(importer, str(path), previous)
        assert entries
        importer.deduplicate(entries, previous)
        fresh = [e for e in entries if "__duplicate__" not in e.meta]
        assert fresh == [], f"{path.name}: {len(fresh)} entries not seen as duplicates"


def test_extract_with_the_ledger_prints_only_duplicates(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.beancount"
    ledger.write_text(LEDGER + "\n" + _imported())
    # Without `factors`, the bank importers read the agreements from the `-e` ledger.
    config = [us_checking(None), checking_ofx(None), fleet_card(None), tms_invoices()]
    sources = [str(path) for path, _ in DOCUMENTS]
    output = tmp_path / "out.beancount"
    arguments = ["extract", "-e", str(ledger), "-o", str(output), *sources]
    result = CliRunner().invoke(ingest(config).cli, arguments)
    assert result.exit_code == 0, result.output
    printed = output.read_text()
    body = [line for line in printed.splitlines() if line and not line.startswith(";")]
    assert all(line.startswith("****") for line in body), body
    imported = re.findall(rf"^\s+{ID_KEY}:", ledger.read_text(), re.MULTILINE)
    assert printed.count("; duplicate of") == len(imported) > 0
