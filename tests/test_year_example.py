"""example_ledger/year/: a year of a 12-truck carrier's books, made by the importers.

What holds, and is checked here:

- the ledger loads with the plugin and gives no error at all;
- its downloads are what `make_downloads.py` writes, byte for byte, and its imported
  files are what `importers/year_import.py extract -e hand-kept.beancount` gives on each
  month's downloads, byte for byte: the factoring part of the books is importer output;
- the balances tie: each reserve account is, at the end of every day of the factor's
  reserve ledger, the ledger's running balance; the clearing accounts are zero at every
  month end; the insolvent broker's three invoices, pledged to the recourse factor (the
  loan model: they never left the receivable), were charged back after the recourse
  period, repaying their advances, and netted from the factor's fundings;
  the bank account ends where the last statement ends;
- every deposit from a factor came in naming nothing and the plugin allocated it; every
  bank line is categorized;
- the checks that did not fire are live: take away what answers them and they do;
- the reports agree with the ledger's balances at every month end, the advances owed
  to the recourse factor with the invoices it holds.
"""

from __future__ import annotations

import csv
import datetime
import re
import runpy
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import beangulp
import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import parser
from beangulp import identify
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
BOOKS = ROOT / "example_ledger" / "year"
MAIN = BOOKS / "main.beancount"
HAND_KEPT = BOOKS / "hand-kept.beancount"
DOWNLOADS = BOOKS / "downloads"
IMPORTED = BOOKS / "imported"
GENERATOR = BOOKS / "make_downloads.py"
IMPORT_SCRIPT = ROOT / "importers" / "year_import.py"

MONTHS = [f"2025-{month:02d}" for month in range(1, 13)]
FACTORS = ("Lakeshore", "Pinecrest")
BANK = "Assets:Bank:Checking"
LAKESHORE_ADVANCES = "Liabilities:Factoring:Lakeshore:Advances"
ZERO = Decimal(0)
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def ledger() -> tuple[list[Any], list[Any], dict[str, Any]]:
    entries, errors, options = loader.load_file(str(MAIN))
    return entries, errors, options


@pytest.fixture(scope="module")
def entries(ledger: tuple[list[Any], list[Any], dict[str, Any]]) -> list[Any]:
    return ledger[0]


def transactions(entries: list[Any]) -> Iterator[data.Transaction]:
    return (entry for entry in entries if isinstance(entry, data.Transaction))


def number(posting: data.Posting) -> Decimal:
    units = posting.units
    assert units is not None and isinstance(units.number, Decimal)
    return units.number


def balances(entries: list[Any], before: datetime.date) -> dict[str, Decimal]:
    """Every account's balance at the start of a day."""
    totals: dict[str, Decimal] = {}
    for entry in transactions(entries):
        if entry.date < before:
            for posting in entry.postings:
                totals[posting.account] = totals.get(posting.account, ZERO) + number(posting)
    return totals


def month_starts() -> list[datetime.date]:
    return [datetime.date(2025, month, 1) for month in range(2, 13)] + [datetime.date(2026, 1, 1)]


# --------------------------------------------------------------------------------------
# bean-check
# --------------------------------------------------------------------------------------


def test_the_ledger_has_no_error(ledger: tuple[list[Any], list[Any], dict[str, Any]]) -> None:
    entries, errors, options = ledger
    assert errors == []
    assert ("beancount_factoring.plugin", None) in options["plugin"]
    invoices = [e for e in transactions(entries) if "invoice" in e.meta]
    assert len(invoices) > 1800  # about 38 loads a week
    parts = [
        p for e in transactions(entries) for p in e.postings if "factoring-part" in (p.meta or {})
    ]
    assert len(parts) > 1000  # the plugin wrote the splits


def test_both_agreements_and_the_switch(entries: list[Any]) -> None:
    """Lakeshore buys until June, Pinecrest from July; Lakeshore's invoices run off."""
    agreements = [e for e in entries if isinstance(e, data.Custom)]
    kinds = {e.values[0].value: e.meta for e in agreements if e.type == "factoring-agreement"}
    assert set(kinds) == set(FACTORS)
    schedules = [e for e in transactions(entries) if e.meta.get("factoring") == "schedule"]
    switch = datetime.date(2025, 7, 1)
    assert {e.meta["factor"] for e in schedules if e.date < switch} == {"Lakeshore"}
    assert {e.meta["factor"] for e in schedules if e.date >= switch} == {"Pinecrest"}
    collected = [e for e in transactions(entries) if e.meta.get("factoring") == "collected"]
    late = {e.meta["factor"] for e in collected if e.date >= datetime.date(2025, 8, 1)}
    assert late == {"Lakeshore", "Pinecrest"}  # Lakeshore's invoices, paid after the switch
    fees = balances(entries, datetime.date(2026, 1, 1))
    assert fees["Expenses:Factoring:Lakeshore:Fees"] > 0
    assert fees["Expenses:Factoring:Pinecrest:Fees"] > 0


# --------------------------------------------------------------------------------------
# The downloads and the imported files are made by the repository's scripts
# --------------------------------------------------------------------------------------


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_generator_writes_the_committed_downloads(tmp_path: Path) -> None:
    generator = runpy.run_path(str(GENERATOR), run_name="make_downloads")
    generator["write_downloads"](tmp_path)
    written = files_under(tmp_path)
    assert written == files_under(DOWNLOADS)
    assert len(written) > 60
    for name in written:
        assert (tmp_path / name).read_bytes() == (DOWNLOADS / name).read_bytes(), name


@pytest.fixture(scope="module")
def cli() -> Iterator[Any]:
    """The click group `python importers/year_import.py` runs."""
    fava_ingest = pytest.importorskip("fava.core.ingest")
    saved = identify.FILE_TOO_LARGE_THRESHOLD, fava_ingest._FILE_TOO_LARGE_THRESHOLD
    script = runpy.run_path(str(IMPORT_SCRIPT))
    ingest = script["ingest"](script["CONFIG"], script["HOOKS"])
    assert isinstance(ingest, beangulp.Ingest)
    yield ingest.cli
    # The script lifts beangulp's (and Fava's) size limit; give other tests theirs back.
    identify.FILE_TOO_LARGE_THRESHOLD, fava_ingest._FILE_TOO_LARGE_THRESHOLD = saved


@pytest.mark.parametrize("month", MONTHS)
def test_extract_gives_the_committed_imported_file(cli: Any, tmp_path: Path, month: str) -> None:
    output = tmp_path / f"{month}.beancount"
    args = ["extract", "-e", str(HAND_KEPT), "-o", str(output), str(DOWNLOADS / month)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert output.read_bytes() == (IMPORTED / f"{month}.beancount").read_bytes()


def test_main_includes_every_imported_file() -> None:
    text = MAIN.read_text(encoding="utf-8")
    included = re.findall(r'^include "(.*)"', text, re.MULTILINE)
    hand = ["hand-kept.beancount", "adjustments.beancount"]
    assert included == hand + [f"imported/{m}.beancount" for m in MONTHS]
    assert files_under(IMPORTED) == [f"{m}.beancount" for m in MONTHS]


def imported_entries() -> list[Any]:
    """The imported files as the importers wrote them, before the plugin."""
    found: list[Any] = []
    for month in MONTHS:
        parsed, errors, _ = parser.parse_file(str(IMPORTED / f"{month}.beancount"))
        assert errors == []
        found.extend(parsed)
    return found


def test_every_factor_deposit_names_nothing_and_is_allocated(entries: list[Any]) -> None:
    clearing = {f"Assets:Factoring:{name}:Clearing" for name in FACTORS}
    raw = [
        e
        for e in imported_entries()
        if isinstance(e, data.Transaction) and {p.account for p in e.postings} & clearing
    ]
    deposits = [e for e in raw if any(p.account == BANK for p in e.postings)]
    assert len(deposits) > 280  # a funding a business day, a rebate a week
    for deposit in deposits:
        assert not deposit.links and "schedule" not in deposit.meta
        assert len(deposit.postings) == 2  # the bank line as it came: bank and clearing
    booked = {e.meta.get("import-id"): e for e in transactions(entries)}
    for deposit in deposits:
        split = booked[deposit.meta["import-id"]]
        assert split.links, split  # the plugin found what it pays for
        assert all("factoring-part" in (p.meta or {}) for p in split.postings[1:]), split


def test_every_bank_line_is_categorized(entries: list[Any]) -> None:
    lines = [e for e in transactions(entries) if any(p.account == BANK for p in e.postings)]
    assert len(lines) > 1000
    assert [e for e in lines if e.flag != "*"] == []
    assert balances(entries, datetime.date(2026, 1, 1)).get("Expenses:Uncategorized", 0) == 0


# --------------------------------------------------------------------------------------
# The balances tie
# --------------------------------------------------------------------------------------


def amount(text: str) -> Decimal:
    """$1,234.50, ($50.00) or -50.00 as a Decimal."""
    negative = text.startswith(("(", "-"))
    number = Decimal(re.sub(r"[^0-9.]", "", text))
    return -number if negative else number


def reserve_ledger(factor: str) -> dict[datetime.date, Decimal]:
    """The factor's reserve ledger: the balance at the end of each day it has rows."""
    closing: dict[datetime.date, Decimal] = {}
    if factor == "Lakeshore":
        paths, delimiter, encoding, skip, date_format = (
            sorted(DOWNLOADS.glob("*/lakeshore_reserve_report_*.csv")),
            ",",
            "utf-8",
            1,
            "%m/%d/%Y",
        )
    else:
        paths, delimiter, encoding, skip, date_format = (
            sorted(DOWNLOADS.glob("*/pinecrest_escrow_*.txt")),
            "\t",
            "cp1252",
            0,
            "%m-%d-%y",
        )
    for path in paths:
        with open(path, encoding=encoding, newline="") as handle:
            rows = list(csv.reader(handle, delimiter=delimiter))[skip:]
        header = rows[0]
        for row in rows[1:]:
            fields = dict(zip(header, row, strict=True))
            day = datetime.datetime.strptime(fields["Date"], date_format).date()
            closing[day] = amount(fields["Balance"])
    return closing


@pytest.mark.parametrize("factor", FACTORS)
def test_the_reserve_is_the_factors_every_day(entries: list[Any], factor: str) -> None:
    account = f"Assets:Factoring:{factor}:Reserve"
    closing = reserve_ledger(factor)
    assert len(closing) > 100
    imported = [e for e in entries if isinstance(e, data.Balance) and "import-id" in e.meta]
    asserted = {e.date: e.amount.number for e in imported if e.account == account}
    # One balance assertion per day of the factor's ledger, dated the next morning...
    assert asserted == {day + ONE_DAY: balance for day, balance in closing.items()}
    # ... and the books agree (bean-check says so too; this is the same sum, done here).
    postings = sorted(
        (e.date, number(p))
        for e in transactions(entries)
        for p in e.postings
        if p.account == account
    )
    running, index = ZERO, 0
    for day in sorted(closing):
        while index < len(postings) and postings[index][0] <= day:
            running += postings[index][1]
            index += 1
        assert running == closing[day], (factor, day)


def test_the_clearing_accounts_are_zero_at_every_month_end(entries: list[Any]) -> None:
    for start in month_starts():
        totals = balances(entries, start)
        for factor in FACTORS:
            assert totals.get(f"Assets:Factoring:{factor}:Clearing", ZERO) == 0, (factor, start)
    # Lakeshore's reserve is all back once the last invoice it bought is paid.
    assert balances(entries, datetime.date(2025, 9, 1))["Assets:Factoring:Lakeshore:Reserve"] == 0


def test_the_insolvent_brokers_invoices_are_charged_back(entries: list[Any]) -> None:
    chargebacks = [e for e in transactions(entries) if e.meta.get("factoring") == "chargeback"]
    assert len(chargebacks) == 3
    invoices = {e.meta["invoice"]: e for e in transactions(entries) if "invoice" in e.meta}
    funded: dict[str, datetime.date] = {}
    netted: dict[str, data.Transaction] = {}
    for entry in transactions(entries):
        if "factoring" in entry.meta or all(p.account != BANK for p in entry.postings):
            continue  # a factor's deposit is a bank line
        for link in entry.links:
            funded.setdefault(link, entry.date)
        for posting in entry.postings:
            meta = posting.meta or {}
            if meta.get("factoring-part") == "chargeback":
                netted[meta["invoice"]] = entry
    faces = ZERO
    for chargeback in chargebacks:
        (link,) = chargeback.links
        invoice = invoices[link]
        assert invoice.postings[0].account == "Assets:Receivable:Redfern"
        face = number(invoice.postings[0])
        faces += face
        # Lakeshore lends against the invoices (the loan model): the chargeback repays
        # the advance of the face; the claim on Redfern never left its receivable.
        assert [p for p in chargeback.postings if p.account.startswith("Assets:Receivable")] == []
        repaid = [p for p in chargeback.postings if p.account == LAKESHORE_ADVANCES]
        assert [number(p) for p in repaid] == [face]
        # After the recourse period; netted from the factor's next funding.
        assert (chargeback.date - funded[link]).days >= 90
        deposit = netted[link]
        assert chargeback.date <= deposit.date < chargeback.date + datetime.timedelta(days=5)
        assert any(link.startswith("sched-") for link in deposit.links)
    after = max(c.date for c in chargebacks) + ONE_DAY
    assert balances(entries, after)["Assets:Receivable:Redfern"] == faces
    assert balances(entries, datetime.date(2026, 1, 1))["Expenses:BadDebt"] == faces


def test_short_pays_are_contra_revenue_and_netted(entries: list[Any]) -> None:
    """A short pay reduces revenue; what the reserve cannot cover a rebate takes back."""
    short = [e for e in transactions(entries) if "paid" in e.meta]
    assert len(short) > 40  # about 3% of the loads
    for event in short:
        adjustments = [p for p in event.postings if p.account == "Income:Freight:Adjustments"]
        assert len(adjustments) == 1 and number(adjustments[0]) > 0
    netted = [
        p
        for e in transactions(entries)
        if any(p.account == BANK for p in e.postings)
        for p in e.postings
        if (p.meta or {}).get("factoring-part") == "short-pay"
    ]
    assert len(netted) > 10


def test_the_bank_ends_where_the_last_statement_ends(entries: list[Any]) -> None:
    with open(DOWNLOADS / "2025-12" / "first_prairie_checking_2025-12.csv", newline="") as file:
        newest = next(iter(csv.DictReader(file)))
    assert newest["Posting Date"] == "12/31/2025"
    assert balances(entries, datetime.date(2026, 1, 1))[BANK] == Decimal(newest["Balance"])


# --------------------------------------------------------------------------------------
# The checks that did not fire are live
# --------------------------------------------------------------------------------------


def codes_after(tmp_path: Path, month: str, edit: Any) -> set[str]:
    """The error codes of the ledger with one imported file edited."""
    copy = tmp_path / "year"
    copy.mkdir()
    shutil.copy(MAIN, copy)
    shutil.copy(HAND_KEPT, copy)
    shutil.copy(BOOKS / "adjustments.beancount", copy)
    shutil.copytree(IMPORTED, copy / "imported")
    target = copy / "imported" / f"{month}.beancount"
    text = target.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text
    target.write_text(changed, encoding="utf-8")
    _, errors, _ = loader.load_file(str(copy / "main.beancount"))
    return {m.group(0) for e in errors if (m := re.match(r"FCT\d+", e.message))}


def drop_blocks(text: str, marker: str) -> str:
    """The text without the entries that contain `marker`."""
    blocks = text.split("\n\n")
    return "\n\n".join(block for block in blocks if marker not in block)


def test_without_the_chargebacks_the_recourse_clock_fires(tmp_path: Path) -> None:
    codes = codes_after(tmp_path, "2025-06", lambda t: drop_blocks(t, 'factoring: "chargeback"'))
    assert "FCT160" in codes


def test_without_a_rebate_the_release_clock_fires(tmp_path: Path, entries: list[Any]) -> None:
    rebates = [
        e
        for e in transactions(entries)
        if any(p.account == BANK for p in e.postings)
        and any((p.meta or {}).get("factoring-part") == "reserve-release" for p in e.postings)
        and e.date.month == 12
    ]
    first = rebates[0].meta["import-id"]
    codes = codes_after(tmp_path, "2025-12", lambda t: drop_blocks(t, first))
    assert "FCT161" in codes


def test_a_deposit_a_cent_off_matches_nothing(tmp_path: Path, entries: list[Any]) -> None:
    funding = next(
        e
        for e in transactions(entries)
        if e.date.month == 3 and any(p.account == BANK for p in e.postings)
        and any((p.meta or {}).get("factoring-part") == "face" for p in e.postings)
    )  # fmt: skip
    cash = number(funding.postings[0])
    wrong = f"{cash + Decimal('0.01')}"

    def edit(text: str) -> str:
        block = next(b for b in text.split("\n\n") if funding.meta["import-id"] in b)
        return text.replace(block, block.replace(f"{cash} USD", f"{wrong} USD"))

    assert "FCT101" in codes_after(tmp_path, "2025-03", edit)


def test_a_factor_figure_off_the_agreement_is_reported(tmp_path: Path) -> None:
    def edit(text: str) -> str:
        found = re.search(r"^    fee: (\d+\.\d\d) USD$", text, re.MULTILINE)
        assert found is not None
        wrong = Decimal(found.group(1)) + 1
        return text[: found.start(1)] + f"{wrong}" + text[found.end(1) :]

    assert "FCT170" in codes_after(tmp_path, "2025-08", edit)


# --------------------------------------------------------------------------------------
# The reports agree with the ledger
# --------------------------------------------------------------------------------------


def test_the_reports_tie_to_the_ledger_at_every_month_end(
    ledger: tuple[list[Any], list[Any], dict[str, Any]],
) -> None:
    reports = pytest.importorskip("beancount_factoring.reports")
    entries, errors, options = ledger
    book = reports.compute(entries, options, errors)
    faces = {
        e.meta["invoice"]: number(e.postings[0])
        for e in transactions(entries)
        if "invoice" in e.meta
    }
    events = [e for e in transactions(entries) if e.meta.get("factoring")]
    lakeshore = {
        n for e in events if e.meta.get("factor") == "Lakeshore" for n in e.links & faces.keys()
    }
    for start in month_starts():
        as_of = start - ONE_DAY
        ledger_now = balances(entries, start)
        # The reserve report's total is the reserve accounts' balance.
        for factor in book.reserve(as_of).factors:
            account = f"Assets:Factoring:{factor.factor}:Reserve"
            assert factor.held == factor.account_balance == ledger_now.get(account, ZERO)
        # Aging: what we hold ties to the receivable accounts, what the factor holds to
        # the invoices sold and not yet paid for or charged back.
        receivable = sum(
            (v for k, v in ledger_now.items() if k.startswith("Assets:Receivable:")), ZERO
        )
        sold: set[str] = set()
        for event in events:
            if event.date <= as_of:
                if event.meta["factoring"] == "schedule":
                    sold |= event.links & faces.keys()
                elif event.meta["factoring"] in ("collected", "chargeback"):
                    sold -= event.links
        outstanding = sum((faces[n] for n in sold), ZERO)
        (totals,) = book.aging(as_of).totals
        # Lakeshore's invoices are pledged (loan model): on our receivables until paid.
        receivables = sum(totals.unfactored) + totals.pledged
        assert receivables == totals.receivable_balance == receivable, as_of
        assert sum(totals.factored) == totals.factor_outstanding + totals.scheduled
        assert totals.factor_outstanding + totals.scheduled == outstanding, as_of
        # What we owe Lakeshore is the face of the invoices it funded and holds.
        pledged = sum((faces[n] for n in sold if n in lakeshore), ZERO)
        assert totals.pledged == pledged == -ledger_now.get(LAKESHORE_ADVANCES, ZERO), as_of
        fees = sum((v for k, v in ledger_now.items() if k.startswith("Expenses:Factoring:")), ZERO)
        assert sum((line.fees.total for line in book.cost(as_of).by_factor), ZERO) == fees
    reconcile = book.reconcile()
    assert reconcile.ok
    assert reconcile.disagreements == ()
