"""Factor report importers: golden files, identification, profiles.

Each sample report under documents/factor/<profile>/ has its golden file beside it
(`<doc>.beancount`, beangulp's layout). After a deliberate change, write them again with

    .venv/bin/python tests/importers/make_factor_documents.py
    FACTOR_GOLDENS=write .venv/bin/python -m pytest tests/importers/test_factor.py

and read the diff before committing it.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import click.testing
import pytest
from beangulp import identify, testing
from factor_config import ASHGROVE, DOCUMENTS, documents, importers

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.profiles import FIELDS, KINDS, SHIPPED, Profile

IMPORTERS = importers()
DOCS = documents()


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(doc: Path) -> None:
    importer = IMPORTERS[doc.parent.name]
    assert importer.identify(str(doc))
    account, date, name, entries = testing.run_importer(importer, str(doc))
    expected = f"{doc}.beancount"
    if os.environ.get("FACTOR_GOLDENS") == "write":
        testing.write_expected_file(expected, account, date, name, entries, force=True)
    diff = testing.compare_expected(expected, account, date, name, entries)
    assert not diff, "".join(diff)


def test_every_profile_and_kind_has_a_sample() -> None:
    """Each shipped profile and report kind has a golden file."""
    covered = set()
    for doc in DOCS:
        profile = IMPORTERS[doc.parent.name]._detect(str(doc))[0]
        assert profile is not None
        covered.add((profile.name, profile.kind))
        assert Path(f"{doc}.beancount").exists()
    shipped = {(p.name, p.kind) for family in SHIPPED.values() for p in family}
    assert shipped <= covered
    assert ("ashgrove", "purchase") in covered
    assert {doc.suffix for doc in DOCS} >= {".csv", ".txt", ".xlsx"}


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_importer_claims_another_profiles_file(doc: Path) -> None:
    # beangulp raises when two importers identify one file.
    found = identify.identify(list(IMPORTERS.values()), str(doc))
    assert found is IMPORTERS[doc.parent.name]


def test_beangulp_test_harness_passes() -> None:
    for folder in sorted(p for p in DOCUMENTS.iterdir() if p.is_dir()):
        runner = click.testing.CliRunner()
        result = runner.invoke(testing.wrap(IMPORTERS[folder.name]), ["test", str(folder)])
        assert result.exit_code == 0, result.output


def test_identification_is_by_header_not_by_name(tmp_path: Path) -> None:
    source = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    renamed = tmp_path / "download (3).csv"
    renamed.write_bytes(source.read_bytes())
    assert IMPORTERS["lakeshore"].identify(str(renamed))
    # A file named as a report is claimed whatever its header, and extract says why it
    # cannot be read: a name that says "Lakeshore purchase" is not skipped in silence.
    named = tmp_path / "lakeshore-purchase.csv"
    named.write_text("Date,Description,Amount\n2025-03-04,Fuel,12.00\n")
    assert IMPORTERS["lakeshore"].identify(str(named))
    with pytest.raises(ImportFailure, match="FCT203 no header with the columns 'Schedule #'"):
        IMPORTERS["lakeshore"].extract(str(named), [])
    other = tmp_path / "notes.pdf"
    other.write_bytes(source.read_bytes())
    assert not IMPORTERS["lakeshore"].identify(str(other))


def test_header_found_without_title_rows_and_in_any_case(tmp_path: Path) -> None:
    """Users delete the title row in Excel; headers may change case and spacing."""
    source = DOCUMENTS / "lakeshore" / "collections_report_2025-04-07.csv"
    lines = source.read_text().splitlines()[1:]
    lines[0] = lines[0].upper().replace("PAY DATE", "  pay   date ")
    edited = tmp_path / "collections.csv"
    edited.write_text("\n".join(lines) + "\n")
    importer = IMPORTERS["lakeshore"]
    assert importer.identify(str(edited))
    entries = importer.extract(str(edited), [])
    assert [e.links for e in entries] == [{"RF-1101"}, {"RF-1102"}]


def test_receivables_come_from_the_ledger_before_the_debtor_map(tmp_path: Path) -> None:
    doc = DOCUMENTS / "ashgrove" / "sold_invoices_2025-03-12.csv"
    guessing = FactorReportImporter(ASHGROVE, "Ashgrove")
    (entry,) = guessing.extract(str(doc), [])
    assert entry.flag == "!"  # guessed accounts are flagged for review
    assert [p.account for p in entry.postings[1:]] == [
        "Assets:Receivable:PrairieFreightSolutions",
        "Assets:Receivable:NorthstarLogistics",
    ]
    from beancount import loader

    ledger, _, _ = loader.load_string(
        '2025-03-11 * "Prairie" "Load"\n  invoice: "A-7001"\n  Assets:AR:Prairie  1200.00 USD\n'
        "  Income:Freight\n"
    )
    (entry,) = guessing.extract(str(doc), ledger)
    assert entry.postings[1].account == "Assets:AR:Prairie"


def test_accounts_come_from_the_agreement_in_the_ledger() -> None:
    from beancount import loader

    ledger, _, _ = loader.load_string(
        '2025-01-01 custom "factoring-agreement" "Lakeshore"\n  advance-rate: 0.95\n'
        '  fee: "flat 2.5%"\n  recourse-days: 90\n  bank: Assets:Bank:Operating\n'
        "  reserve: Assets:Factor:Lakeshore:Reserve\n  clearing: Assets:Factor:Lakeshore:Transit\n"
    )
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore")
    doc = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"
    entries = importer.extract(str(doc), ledger)
    release = next(e for e in entries if e.meta.get("factoring") == "release")
    assert [p.account for p in release.postings] == [
        "Assets:Bank:Operating",
        "Assets:Factor:Lakeshore:Reserve",
    ]
    purchase = importer.extract(
        str(DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"), ledger
    )
    assert purchase[0].postings[0].account == "Assets:Factor:Lakeshore:Transit"


def test_money_is_decimal_and_excel_floats_are_rounded_to_cents() -> None:
    doc = DOCUMENTS / "pinecrest" / "batch_detail_2025-03.xlsx"
    entries = IMPORTERS["pinecrest"].extract(str(doc), [])
    leg = entries[0].postings[1]
    assert leg.meta["advance"].number == Decimal("900.00")  # the cell holds 899.9999999999999
    for entry in entries:
        for posting in entry.postings:
            assert isinstance(posting.units.number, Decimal)


def test_reserve_balances_last_or_none() -> None:
    doc = str(DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv")
    kinds = {}
    for option in ("daily", "last", "none"):
        importer = FactorReportImporter(
            profiles.LAKESHORE, "Lakeshore", bank="Assets:Bank:Checking", balances=option
        )
        kinds[option] = [type(e).__name__ for e in importer.extract(doc, [])]
    assert kinds["daily"].count("Balance") == 4
    assert kinds["last"].count("Balance") == 1
    assert kinds["none"].count("Balance") == 0
    no_release = FactorReportImporter(profiles.LAKESHORE, "Lakeshore", releases=False)
    assert all(type(e).__name__ == "Balance" for e in no_release.extract(doc, []))


def test_a_release_needs_a_bank_account() -> None:
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore")
    doc = str(DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv")
    with pytest.raises(
        ImportFailure,
        match=r"reserve_account_2025-04-30.csv:6, column .Transaction Type.: FCT209 .*bank=",
    ):
        importer.extract(doc, [])


def test_filename_date_and_account() -> None:
    importer = IMPORTERS["saaristo"]
    doc = str(DOCUMENTS / "saaristo" / "pidatystili_2025-04.csv")
    assert importer.filename(doc) == "saaristo-reserve.csv"
    assert str(importer.date(doc)) == "2025-04-30"
    assert importer.account(doc) == "Assets:Factoring:Saaristo:Clearing"
    assert importer.name.endswith("FactorReportImporter:Saaristo")


def test_shipped_profiles_differ_in_every_format_setting() -> None:
    families = [family[0] for family in SHIPPED.values()]
    assert len(families) >= 4
    for setting in ("date_formats", "sign", "title_rows", "total_marker", "encoding", "percent"):
        assert len({getattr(p, setting) for p in families}) == len(families), setting
    for setting in ("delimiter", "decimal_mark", "thousands", "currency"):
        assert len({getattr(p, setting) for p in families}) > 1, setting
    european = SHIPPED["saaristo"][0]
    assert (european.delimiter, european.decimal_mark, european.currency) == (";", ",", "EUR")
    assert european.date_formats == ("%d.%m.%Y",)
    for family in SHIPPED.values():
        assert len({p.kind for p in family}) == len(family)


def test_generic_profile_and_its_checks() -> None:
    profile = Profile.generic(
        kind="collections",
        columns={"invoice": "Invoice", "date": "Paid On", "paid": "Amount"},
        date_format="%d/%m/%Y",
        decimal_mark=",",
        thousands=".",
        currency="GBP",
    )
    assert profile.signature == FIELDS["collections"][0]
    assert profile.columns["paid"] == ("Amount",)
    with pytest.raises(ValueError, match="give the column"):
        Profile.generic(kind="purchase", columns={"invoice": "Inv"})
    with pytest.raises(ValueError, match="unknown field"):
        Profile.generic(kind="chargeback", columns={"invoice": "I", "date": "D", "amount": "A",
                                                     "paid": "P"})  # fmt: skip
    with pytest.raises(ValueError, match="unknown encoding"):
        profile.replace(encoding="utf-9")
    with pytest.raises(ValueError, match="kind"):
        Profile.generic(kind="aging", columns={})
    assert set(KINDS) == set(FIELDS)
