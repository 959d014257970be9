"""The factor importers and the plugin agree, and importing twice adds nothing.

The sample reports' entries, printed and parsed again after the ledger that holds the
agreements, the invoices and the factors' deposits (factor_ledger.beancount), load with
the plugin without a single error: the factor's advance, fee and reserve agree with the
agreements, every collection, release and chargeback fits the invoice's state, and the
reserve ledgers' running balances are the reserve accounts' balances.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import beangulp
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from beangulp import extract
from click.testing import CliRunner
from factor_config import DOCUMENTS, LEDGER, documents, importers

from beancount_factoring.importers.base import ID_KEY

# Without a debtor map or bank accounts: everything comes from the ledger.
FROM_LEDGER = importers(debtors=None, usd_bank=None, eur_bank=None, cad_bank=None)
BASE = LEDGER.read_text(encoding="utf-8")


def base_entries() -> list[data.Directive]:
    entries, _, _ = loader.load_string(BASE)
    return entries


def extract_all(existing: list[data.Directive]) -> dict[Path, list[data.Directive]]:
    return {
        doc: extract.extract_from_file(FROM_LEDGER[doc.parent.name], str(doc), existing)
        for doc in documents()
    }


def printed(entries: list[data.Directive]) -> str:
    out = io.StringIO()
    printer.print_entries(entries, file=out)
    return out.getvalue()


def test_extracted_entries_load_with_the_plugin_without_errors() -> None:
    extracted = extract_all(base_entries())
    text = BASE + "\n" + "".join(printed(entries) for entries in extracted.values())
    entries, errors, _ = loader.load_string(text)
    assert [error.message for error in errors] == []
    # The reserve ledgers' balances were checked (Beancount keeps them, errors or not).
    assert sum(isinstance(e, data.Balance) for e in entries) == 17
    # The release that names nothing was matched to the two collected invoices.
    release = next(e for e in entries if isinstance(e, data.Transaction)
                   and e.narration == "Reserve release (rebate), ACH 77812")  # fmt: skip
    assert release.links == {"RF-1101", "RF-1102"}


def test_accounts_from_the_ledger_equal_the_configured_ones() -> None:
    """What the goldens show (debtor map, explicit banks) is what the ledger gives."""
    configured = importers()
    for doc, entries in extract_all(base_entries()).items():
        expected = extract.extract_from_file(configured[doc.parent.name], str(doc), [])
        assert printed(entries) == printed(expected), doc


def test_the_agreement_disagreeing_with_the_factor_is_reported() -> None:
    """The round trip is a real check: other terms make the plugin object (FCT170)."""
    changed = BASE.replace(
        'fee: "flat 2.5%"\n  invoice-fee: 5.00 USD', 'fee: "flat 2%"\n  invoice-fee: 5.00 USD'
    )
    existing, _, _ = loader.load_string(changed)
    doc = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    entries = extract.extract_from_file(FROM_LEDGER["lakeshore"], str(doc), existing)
    _, errors, _ = loader.load_string(changed + printed(entries))
    assert {error.message.split()[0] for error in errors} >= {"FCT170"}


def test_extracting_again_marks_every_entry_a_duplicate() -> None:
    extracted = extract_all(base_entries())
    ledger = BASE + "".join(printed(entries) for entries in extracted.values())
    existing, errors, _ = loader.load_string(ledger)  # as beangulp loads it: plugin applied
    assert not errors
    for doc, entries in extract_all(existing).items():
        importer = FROM_LEDGER[doc.parent.name]
        importer.deduplicate(entries, existing)
        assert entries and all("__duplicate__" in e.meta for e in entries), doc
        assert all(e.meta[ID_KEY] for e in entries)


def test_ids_are_stable_and_unique() -> None:
    first = extract_all(base_entries())
    second = extract_all(base_entries())
    ids = [e.meta[ID_KEY] for entries in first.values() for e in entries]
    assert len(ids) == len(set(ids))
    assert ids == [e.meta[ID_KEY] for entries in second.values() for e in entries]


def test_beangulp_extract_with_the_previous_output_prints_only_duplicates(tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    shutil.copytree(DOCUMENTS, downloads, ignore=shutil.ignore_patterns("*.beancount"))
    ingest = beangulp.Ingest(list(FROM_LEDGER.values()))
    ledger = tmp_path / "ledger.beancount"
    ledger.write_text(BASE, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(ingest.cli, ["extract", "-e", str(ledger), str(downloads)])
    assert first.exit_code == 0, first.output
    assert "; duplicate of" not in first.stdout
    (tmp_path / "imported.beancount").write_text(first.stdout, encoding="utf-8")
    ledger.write_text(BASE + '\ninclude "imported.beancount"\n', encoding="utf-8")
    assert loader.load_file(str(ledger))[1] == []
    second = runner.invoke(ingest.cli, ["extract", "-e", str(ledger), str(downloads)])
    assert second.exit_code == 0, second.output
    body = [line for line in second.stdout.splitlines() if line.strip()]
    sections = [line for line in body if line.startswith("**** ")]
    assert len(sections) == len(documents())
    live = [line for line in body if not line.startswith((";", "**** "))]
    assert live == []
    assert second.stdout.count("; duplicate of") == first.stdout.count(f"{ID_KEY}:")


def test_a_release_already_booked_from_the_bank_statement_is_a_duplicate() -> None:
    bank_line = """
2025-04-09 * "LAKESHORE FUNDING LLC" "ACH CREDIT"
  import-id: "bank-000000000001"
  Assets:Bank:Checking            151.25 USD
  Assets:Factoring:Lakeshore:Clearing
"""
    too_late = bank_line.replace("2025-04-09", "2025-04-14").replace("0001", "0002")
    doc = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"
    importer = FROM_LEDGER["lakeshore"]
    for ledger, expected in ((bank_line, True), (too_late, False)):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        release = next(e for e in entries if e.meta.get("factoring") == "release")
        assert ("__duplicate__" in release.meta) is expected
        assert not any("__duplicate__" in e.meta for e in entries if e is not release)


def test_a_balance_written_by_hand_is_a_duplicate() -> None:
    existing, _, _ = loader.load_string(
        BASE + "2025-04-09 balance Assets:Factoring:Lakeshore:Reserve  82.00 USD\n"
    )
    doc = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"
    importer = FROM_LEDGER["lakeshore"]
    entries = importer.extract(str(doc), existing)
    importer.deduplicate(entries, existing)
    marked = [str(e.date) for e in entries if "__duplicate__" in e.meta]
    assert marked == ["2025-04-09"]
    assert re.fullmatch(r"balance-[0-9a-f]{12}", entries[-1].meta[ID_KEY])


def test_a_schedule_typed_by_hand_is_a_duplicate() -> None:
    # Schedule 3110 of RF-1101 and RF-1102, typed from the factor's email a day after
    # the report's date: the report's schedule is a probable duplicate. Another
    # schedule number, or other invoices, is not.
    typed = """
2025-03-04 * "Lakeshore Funding" "Schedule 3110, per email" ^RF-1101 ^RF-1102
  factoring: "schedule"
  factor: "Lakeshore"
  schedule: "3110"
"""
    doc = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    importer = FROM_LEDGER["lakeshore"]
    for ledger, expected in (
        (typed, True),
        (typed.replace('"3110"', '"3111"'), False),
        (typed.replace(" ^RF-1102", ""), False),
    ):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        (schedule,) = [e for e in entries if e.meta.get("schedule") == "3110"]
        assert ("__duplicate__" in schedule.meta) is expected, ledger
        if expected:
            note = schedule.meta["probable-duplicate"]
            assert note.startswith("the same schedule event of the same invoices, 1 day apart")


def test_a_corrected_report_says_which_figures_changed() -> None:
    # Schedule 3110 booked from an earlier report that gave RF-1101's fee as 60.00;
    # the report now says 58.75. Same invoices and faces, so the same id: a duplicate,
    # which says what differs from the booked one.
    doc = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
    importer = FROM_LEDGER["lakeshore"]
    first = importer.extract(str(doc), base_entries())
    booked = printed(first).replace("fee: 58.75 USD", "fee: 60.00 USD", 1)
    existing, _, _ = loader.load_string(BASE + booked)
    entries = importer.extract(str(doc), existing)
    importer.deduplicate(entries, existing)
    (schedule,) = [e for e in entries if e.meta.get("schedule") == "3110"]
    assert "__duplicate__" in schedule.meta
    note = schedule.meta["differs-from-ledger"]
    assert note.startswith("RF-1101 fee 58.75 USD here, 60.00 USD in the ledger (booked at")
    (other,) = [e for e in entries if e.meta.get("schedule") == "3111"]
    assert "__duplicate__" in other.meta and "differs-from-ledger" not in other.meta


def two_releases(tmp_path: Path, second: str) -> Path:
    """The Lakeshore reserve report with its release of 151.25 on 04/08 as two of 75.00:
    on 04/07 and on ``second``."""
    doc = DOCUMENTS / "lakeshore" / "reserve_account_2025-04-30.csv"
    text = (
        doc.read_text(encoding="utf-8")
        .replace(
            "04/08/2025,Release,ACH 77812,,Reserve release (rebate),($151.25),$82.00",
            "04/07/2025,Release,ACH 77811,,Reserve release (rebate),($75.00),$158.25\n"
            f"{second},Release,ACH 77813,,Reserve release (rebate),($75.00),$83.25",
        )
        .replace("Total,,,,,$82.00,", "Total,,,,,$83.25,")
    )  # 82.00 + 151.25 - 75.00 - 75.00
    path = tmp_path / doc.name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_releases_of_one_amount_are_two_lines(tmp_path: Path) -> None:
    # The reserve released 75.00 on 04/07 and 75.00 again on 04/09; the ledger holds the
    # bank line of the first only. The first is its duplicate; the second is imported
    # (both were matched to the one bank line, the second release left out in silence).
    path = two_releases(tmp_path, "04/09/2025")
    bank_line = """
2025-04-07 * "LAKESHORE FUNDING LLC" "ACH CREDIT"
  import-id: "bank-000000000001"
  Assets:Bank:Checking             75.00 USD
  Assets:Factoring:Lakeshore:Clearing
"""
    importer = FROM_LEDGER["lakeshore"]
    existing, _, _ = loader.load_string(BASE + bank_line)
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    releases = [e for e in entries if e.meta.get("factoring") == "release"]
    assert [(str(e.date), "__duplicate__" in e.meta) for e in releases] == [
        ("2025-04-07", True),
        ("2025-04-09", False),
    ]
    # Listed newest first, the pairs are the same: the nearest in date.
    importer.deduplicate(entries := importer.extract(str(path), existing)[::-1], existing)
    releases = [e for e in entries if e.meta.get("factoring") == "release"]
    assert sorted((str(e.date), "__duplicate__" in e.meta) for e in releases) == [
        ("2025-04-07", True),
        ("2025-04-09", False),
    ]


def test_two_releases_whose_bank_lines_came_later_are_each_paired(tmp_path: Path) -> None:
    # Releases of 75.00 on 04/07 and 04/10; the bank posted them on 04/09 and 04/12. The
    # nearest pair (04/10 with 04/09, one day) was taken first, and 04/07 had no line
    # left within three days: it was imported beside its bank line, 75.00 twice in the
    # bank. Now each release has its own line (two days apart each).
    path = two_releases(tmp_path, "04/10/2025")
    bank_lines = "".join(
        f"""
2025-04-{day} * "LAKESHORE FUNDING LLC" "ACH CREDIT"
  import-id: "bank-0000000000{day}"
  Assets:Bank:Checking             75.00 USD
  Assets:Factoring:Lakeshore:Clearing
"""
        for day in ("09", "12")
    )
    importer = FROM_LEDGER["lakeshore"]
    existing, _, _ = loader.load_string(BASE + bank_lines)
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    releases = [e for e in entries if e.meta.get("factoring") == "release"]
    assert [(str(e.date), str(e.meta["__duplicate__"].date)) for e in releases] == [
        ("2025-04-07", "2025-04-09"),
        ("2025-04-10", "2025-04-12"),
    ]


def test_a_release_imported_before_claims_its_own_entry(tmp_path: Path) -> None:
    # The report of 04/07 brought the release of 04/07 (75.00); the next report lists it
    # again beside a second 75.00 of 04/09. The first is a duplicate by its id; the second
    # is new (it was taken for a duplicate of the booked first, two days apart).
    path = two_releases(tmp_path, "04/09/2025")
    importer = FROM_LEDGER["lakeshore"]
    existing, _, _ = loader.load_string(BASE)
    first = [e for e in importer.extract(str(path), existing) if e.meta.get("factoring")]
    booked = next(e for e in first if e.meta.get("factoring") == "release")
    assert str(booked.date) == "2025-04-07"
    existing = [*existing, booked]
    entries = importer.extract(str(path), existing)
    importer.deduplicate(entries, existing)
    releases = [e for e in entries if e.meta.get("factoring") == "release"]
    assert [(str(e.date), "__duplicate__" in e.meta) for e in releases] == [
        ("2025-04-07", True),
        ("2025-04-09", False),
    ]


def test_a_chargeback_typed_by_hand_is_a_duplicate() -> None:
    # RF-1103 charged back on 2025-06-04 by the recourse report, typed the day before from
    # the factor's notice: imported as well, it was a second chargeback (FCT133 at
    # bean-check, telling to delete one). Another invoice's chargeback is not it.
    typed = """
2025-06-03 * "Lakeshore Funding" "Recourse RF-1103, per notice" ^RF-1103
  factoring: "chargeback"
"""
    doc = DOCUMENTS / "lakeshore" / "recourse_report_2025-06-04.csv"
    importer = FROM_LEDGER["lakeshore"]
    for ledger, expected in ((typed, True), (typed.replace("^RF-1103", "^RF-1101"), False)):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        (chargeback,) = [e for e in entries if e.meta.get("factoring") == "chargeback"]
        assert ("__duplicate__" in chargeback.meta) is expected, ledger
        if expected:
            note = chargeback.meta["probable-duplicate"]
            assert note.startswith("the same chargeback event of the same invoices, 1 day apart")


def test_a_fee_typed_by_hand_is_a_duplicate() -> None:
    # The lien search of 35.00 deducted from BW-103's funding on 2025-03-17, typed from
    # the factor's email the day after, with the invoice's link or with none: the
    # report's fee is a probable duplicate (imported too, the fee was charged twice and
    # the deposit's FCT120 said only "fees charged 95.00"). Another amount is another fee,
    # and so is one that links another invoice.
    typed = """
2025-03-18 * "Bramblewood Capital" "Lien search, per email" ^BW-103
  factoring: "fee"
  factor: "Bramblewood"
  charge: "other"
  amount: 35.00 USD
"""
    doc = DOCUMENTS / "bramblewood" / "funding_report_2025-03-17.csv"
    importer = FROM_LEDGER["bramblewood"]
    for ledger, expected in (
        (typed, "BW-103"),
        (typed.replace(" ^BW-103", ""), "BW-103"),
        (typed.replace("35.00", "36.00"), None),
        (typed.replace("^BW-103", "^BW-102"), None),
    ):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        fees = [e for e in entries if e.meta.get("factoring") == "fee"]
        marked = [sorted(e.links)[0] for e in fees if "__duplicate__" in e.meta]
        assert marked == ([expected] if expected else []), ledger


def test_a_reserve_fee_typed_by_hand_is_a_duplicate() -> None:
    # Copperline's monthly service charge of 20.00 CAD taken from the reserve on
    # 2025-04-30, typed from the statement's email the day before: the report's fee was
    # booked again (20.00 more fees, the reserve 20.00 short of the factor's, said only
    # by the next balance assertion). 25.00 typed is another fee.
    typed = """
2025-04-29 * "Copperline" "Service charge April, per email"
  Expenses:Factoring:Copperline:Fees    20.00 CAD
  Assets:Factoring:Copperline:Reserve
"""
    doc = DOCUMENTS / "copperline" / "reserve_statement_2025-04.xlsx"
    importer = FROM_LEDGER["copperline"]
    for ledger, expected in ((typed, True), (typed.replace("20.00", "25.00"), False)):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        (fee,) = [e for e in entries if e.meta[ID_KEY].startswith("fee-")]
        assert ("__duplicate__" in fee.meta) is expected, ledger
        if expected:
            assert fee.meta["probable-duplicate"].startswith("same account and amount, 1 day")


def test_a_release_paid_over_a_weekend_is_its_bank_lines_duplicate(tmp_path: Path) -> None:
    # The factor sends the release on Friday 2025-04-04; the bank posts it on Tuesday
    # 04-08: four calendar days, two working days. The bank line, imported first, found
    # the release from the report within two working days, but the release found no bank
    # line (three calendar days): it was booked again beside it, the cash twice.
    doc = tmp_path / "reserve_account_2025-04-30.csv"
    text = (DOCUMENTS / "lakeshore" / doc.name).read_text(encoding="utf-8")
    doc.write_text(text.replace("04/08/2025,Release", "04/04/2025,Release"), encoding="utf-8")
    bank_line = """
2025-04-08 * "LAKESHORE FUNDING LLC" "ACH CREDIT"
  import-id: "bank-000000000001"
  Assets:Bank:Checking            151.25 USD
  Assets:Factoring:Lakeshore:Clearing
"""
    importer = FROM_LEDGER["lakeshore"]
    # Wednesday 04-09 is three working days after: another line.
    for ledger, expected in ((bank_line, True), (bank_line.replace("04-08", "04-09"), False)):
        existing, _, _ = loader.load_string(BASE + ledger)
        entries = importer.extract(str(doc), existing)
        importer.deduplicate(entries, existing)
        release = next(e for e in entries if e.meta.get("factoring") == "release")
        assert ("__duplicate__" in release.meta) is expected, ledger
