"""importers/import.py: the example ledger's ingest script, on its sample downloads.

It is run the three ways a user runs it: as beangulp's command line (identify, extract,
archive), as a script from another folder, and by Fava's import page, which loads it
with `runpy` and reads its CONFIG and HOOKS.
"""

from __future__ import annotations

import datetime
import re
import runpy
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import beangulp
import pytest
from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount
from beancount.core.number import D
from beangulp import identify
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
IMPORT_PY = ROOT / "importers" / "import.py"
LEDGER = ROOT / "example_ledger" / "main.beancount"
DOWNLOADS = ROOT / "example_ledger" / "downloads"
MAKE_DOWNLOADS = ROOT / "example_ledger" / "make_downloads.py"
README = ROOT / "README.md"

MODULE = "beancount_factoring.importers"
# The importer each download is for, by the start of its name.
IMPORTER_OF = (
    (r"first_prairie_checking_.*\.csv$", f"{MODULE}.bank.BankCsvImporter:Assets:Bank:Checking"),
    (r"first_prairie_.*\.ofx$", f"{MODULE}.ofx.OfxImporter:Assets:Bank:Checking"),
    (r"lakeshore_", f"{MODULE}.factor.FactorReportImporter:Lakeshore"),
    (r"pinecrest_", f"{MODULE}.factor.FactorReportImporter:Pinecrest"),
    (r"ridgeline_tms_invoices_", f"{MODULE}.invoices.InvoiceImporter:Assets:Receivable"),
)


def downloads() -> list[Path]:
    return sorted(p for p in DOWNLOADS.iterdir() if p.is_file())


def expected_importer(path: Path) -> str:
    names = [name for pattern, name in IMPORTER_OF if re.match(pattern, path.name)]
    assert len(names) == 1, f"no importer is expected for {path.name}"
    return names[0]


@pytest.fixture(scope="module", autouse=True)
def _keep_size_limits() -> Iterator[None]:
    """import.py lifts beangulp's (and Fava's) size limit; give other tests theirs back."""
    fava_ingest = pytest.importorskip("fava.core.ingest")
    saved = identify.FILE_TOO_LARGE_THRESHOLD, fava_ingest._FILE_TOO_LARGE_THRESHOLD
    yield
    identify.FILE_TOO_LARGE_THRESHOLD, fava_ingest._FILE_TOO_LARGE_THRESHOLD = saved


@pytest.fixture(scope="module")
def script() -> dict[str, Any]:
    """The script's globals, loaded as Fava loads it."""
    return runpy.run_path(str(IMPORT_PY))


@pytest.fixture(scope="module")
def cli(script: dict[str, Any]) -> Any:
    """The click group `python importers/import.py` runs."""
    ingest = script["ingest"](script["CONFIG"], script["HOOKS"])
    assert isinstance(ingest, beangulp.Ingest)
    return ingest.cli


def run(cli: Any, *args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def extract(cli: Any, ledger: Path, tmp_path: Path, name: str) -> str:
    output = tmp_path / name
    run(cli, "extract", "-e", str(ledger), "-o", str(output), str(DOWNLOADS))
    return output.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def first_extract(cli: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    return extract(cli, LEDGER, tmp_path_factory.mktemp("extract"), "first.beancount")


def printed_entries(output: str) -> list[str]:
    """The entries extract printed, duplicates (commented out) left out."""
    blocks = re.split(r"\n\s*\n", output)
    return [b for b in blocks if re.match(r"\d{4}-\d\d-\d\d ", b.strip())]


# The module, as Fava sees it.


def test_config_and_hooks_are_what_fava_reads(script: dict[str, Any]) -> None:
    fava_ingest = pytest.importorskip("fava.core.ingest")
    config, hooks = script["CONFIG"], script["HOOKS"]
    assert isinstance(config, list) and config
    assert all(isinstance(importer, beangulp.Importer) for importer in config)
    assert isinstance(hooks, list) and hooks and all(callable(hook) for hook in hooks)
    names = [importer.name for importer in config]
    assert len(set(names)) == len(names), names  # Fava refuses two importers of one name
    # Fava's own loader accepts it.
    loaded = fava_ingest.load_import_config(IMPORT_PY)
    assert sorted(loaded.importers) == sorted(names)
    assert len(loaded.hooks) == len(hooks)


def test_every_kind_of_download_has_its_importer(script: dict[str, Any]) -> None:
    names = {importer.name for importer in script["CONFIG"]}
    assert names == {name for _, name in IMPORTER_OF}


# The command line.


def test_identify_names_the_importer_of_every_download(cli: Any) -> None:
    output = run(cli, "identify", str(DOWNLOADS)).output
    found = dict(re.findall(r"^\* (\S+) \.\.\. OK\n  (\S+)$", output, re.M))
    assert sorted(found) == [str(path) for path in downloads()], output
    for path in downloads():
        assert found[str(path)] == expected_importer(path)


def test_extract_continues_the_books_without_an_error(first_extract: str) -> None:
    ledger = LEDGER.read_text(encoding="utf-8")
    # Every deposit the downloads bring settles what it pays for: nothing stays in transit.
    closing = "".join(
        f"2025-04-12 balance Assets:Factoring:{factor}:Clearing  0.00 USD\n"
        for factor in ("Lakeshore", "Pinecrest")
    )
    entries, errors, _ = loader.load_string(ledger + "\n" + first_extract + "\n" + closing)
    assert errors == [], "\n".join(e.message for e in errors)

    imported = [e for e in entries if "import-id" in e.meta]
    assert len(imported) == len(printed_entries(first_extract)) > 0
    kinds = {e.meta.get("factoring") for e in imported if isinstance(e, data.Transaction)}
    assert {"schedule", "collected"} <= kinds
    assert any("invoice" in e.meta for e in imported)
    assert any(isinstance(e, data.Balance) for e in imported)
    # The plugin split every factor deposit of the bank statements.
    deposits = [
        e
        for e in imported
        if isinstance(e, data.Transaction)
        and "factoring" not in e.meta
        and any(p.account.startswith("Assets:Factoring:") for p in e.postings)
    ]
    assert len(deposits) >= 4
    for deposit in deposits:
        parts = {(p.meta or {}).get("factoring-part") for p in deposit.postings}
        assert parts - {None}, deposit


def test_extract_marks_what_the_ledger_already_has(first_extract: str) -> None:
    # The TMS export lists two invoices booked by hand in March.
    duplicates = re.findall(r"^; duplicate of (\S+):\d+$", first_extract, re.M)
    assert duplicates == [str(LEDGER)] * 2
    assert re.search(r'^;   invoice: "RF-1024"$', first_extract, re.M)


def test_the_hooks_sort_out_the_bank_lines_they_know(first_extract: str) -> None:
    flagged = [b for b in printed_entries(first_extract) if re.match(r"\S+ ! ", b.strip())]
    # Only the check, which says nothing of what it paid, is left to the bookkeeper.
    assert len(flagged) == 1 and '"CHECK 1044"' in flagged[0], flagged
    assert re.search(
        r'"ACH PMT INV RF-1024" \^RF-1024\n.*\n.*\n  Assets:Receivable:GraniteValley',
        first_extract,
    )


def test_extracting_again_adds_nothing(cli: Any, first_extract: str, tmp_path: Path) -> None:
    ledger = tmp_path / "main.beancount"
    ledger.write_text(LEDGER.read_text(encoding="utf-8") + "\n" + first_extract, "utf-8")
    second = extract(cli, ledger, tmp_path, "second.beancount")
    assert printed_entries(second) == []
    total = len(printed_entries(first_extract)) + first_extract.count("; duplicate of")
    assert second.count("; duplicate of") == total


def test_archive_dry_run_names_where_each_file_goes(cli: Any, tmp_path: Path) -> None:
    before = {path: path.read_bytes() for path in downloads()}
    output = run(cli, "archive", "-n", "-o", str(tmp_path), str(DOWNLOADS)).output
    moves = dict(re.findall(r"^\* (\S+) \.\.\. OK\n  (\S+)$", output, re.M))
    assert sorted(moves) == [str(path) for path in downloads()], output
    for destination in moves.values():
        relative = Path(destination).relative_to(tmp_path)
        assert relative.parts[0] == "Assets"
        assert re.fullmatch(r"\d{4}-\d\d-\d\d\.\S+", relative.name), destination
    assert len(set(moves.values())) == len(moves)
    assert "Assets/Bank/Checking" in " ".join(moves.values())
    # A dry run moves nothing.
    assert list(tmp_path.iterdir()) == []
    assert {path: path.read_bytes() for path in downloads()} == before


def test_the_script_finds_the_ledger_from_any_folder(tmp_path: Path) -> None:
    # No -e: the bank importers read the agreements from the ledger next to the script.
    result = subprocess.run(
        [sys.executable, str(IMPORT_PY), "extract", str(DOWNLOADS)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert re.search(
        r'"LAKESHORE FUNDING LLC" .*\n.*\n.*\n  Assets:Factoring:Lakeshore:Clearing\n',
        result.stdout,
    )
    assert "Expenses:Uncategorized" in result.stdout  # the check
    assert list(tmp_path.iterdir()) == []


# Fava's import page.


@pytest.fixture(scope="module")
def fava_client() -> Any:
    application = pytest.importorskip("fava.application")
    app = application.create_app([str(LEDGER)], load=True)
    app.config["TESTING"] = True
    return app.test_client()


def slug(client: Any) -> str:
    location = client.get("/").headers["Location"]
    return location.strip("/").split("/")[0]


def test_fava_finds_the_script_and_the_downloads_next_to_the_ledger(fava_client: Any) -> None:
    ledger = fava_client.application.config["LEDGERS"].ledgers[0]
    assert ledger.ingest.module_path == IMPORT_PY
    assert [ledger.join_path(d) for d in ledger.fava_options.import_dirs] == [DOWNLOADS]
    assert ledger.errors == []


def test_favas_import_page_lists_the_downloads_with_their_importer(fava_client: Any) -> None:
    page = fava_client.get(f"/{slug(fava_client)}/import/")
    assert page.status_code == 200
    listed = fava_client.get(f"/{slug(fava_client)}/api/imports").get_json()["data"]
    assert [item["name"] for item in listed] == [str(path) for path in downloads()]
    for item in listed:
        path = Path(item["name"])
        assert [i["importer_name"] for i in item["importers"]] == [expected_importer(path)]


def test_favas_import_page_extracts_with_the_hooks(fava_client: Any) -> None:
    ofx = next(path for path in downloads() if path.suffix == ".ofx")
    response = fava_client.get(
        f"/{slug(fava_client)}/api/extract",
        query_string={"filename": str(ofx), "importer": expected_importer(ofx)},
    )
    assert response.status_code == 200
    entries = response.get_json()["data"]
    payment = next(e for e in entries if e.get("narration") == "ACH PMT INV RF-1024")
    assert payment["links"] == ["RF-1024"] and payment["flag"] == "*"
    assert payment["postings"][1]["account"] == "Assets:Receivable:GraniteValley"
    fuel = next(e for e in entries if e.get("payee") == "FLEETONE FUEL CARD")
    assert fuel["postings"][1]["account"] == "Expenses:Fuel"


# The hooks, in Fava's form: (filename, entries) pairs.

DAY = datetime.date(2025, 4, 10)


def posting(account: str, number: str | None) -> data.Posting:
    units = Amount(D(number), "USD") if number is not None else None
    return data.Posting(account, units, None, None, None, None)


def bank_line(text: str, number: str) -> data.Transaction:
    meta = data.new_metadata("bank.csv", 1, {"import-id": f"bank-{text}"})
    postings = [posting("Assets:Bank:Checking", number), posting("Expenses:Uncategorized", None)]
    return data.Transaction(meta, DAY, "!", None, text, frozenset(), frozenset(), postings)


def invoice(number: str, customer: str) -> data.Transaction:
    meta = data.new_metadata("main.beancount", 1, {"invoice": number})
    postings = [
        posting(f"Assets:Receivable:{customer}", "100"),
        posting("Income:Freight:Linehaul", "-100"),
    ]
    return data.Transaction(meta, DAY, "*", customer, "Load", frozenset(), frozenset(), postings)


def run_hook(hook: Callable[..., Any], entries: list[Any], existing: Sequence[Any]) -> list[Any]:
    result = hook([("downloads/bank.csv", entries)], existing)
    assert len(result) == 1 and len(result[0]) == 2
    return list(result[0][1])


def test_categorize_moves_only_the_lines_it_knows(script: dict[str, Any]) -> None:
    fuel, other = bank_line("FLEETONE FUEL CARD DRAFT", "-90"), bank_line("ACME", "-5")
    duplicate = bank_line("FLEETONE FUEL CARD DRAFT", "-90")
    duplicate.meta["__duplicate__"] = fuel
    out = run_hook(script["categorize"], [fuel, other, duplicate], [])
    assert [(e.flag, e.postings[1].account) for e in out] == [
        ("*", "Expenses:Fuel"),
        ("!", "Expenses:Uncategorized"),
        ("!", "Expenses:Uncategorized"),
    ]


def test_a_payment_of_a_factored_invoice_is_left_to_the_bookkeeper(
    script: dict[str, Any],
) -> None:
    ours, sold = invoice("RF-7", "GraniteValley"), invoice("RF-8", "Northstar")
    schedule = data.Transaction(
        data.new_metadata("main.beancount", 9, {"factoring": "schedule"}), DAY, "*",
        "Lakeshore Funding", "Schedule", frozenset(), frozenset({"RF-8"}), [],
    )  # fmt: skip
    lines = [bank_line("PMT INV RF-7", "100"), bank_line("PMT INV RF-8", "100")]
    out = run_hook(script["customer_payments"], lines, [ours, sold, schedule])
    assert (out[0].flag, out[0].links, out[0].postings[1].account) == (
        "*",
        frozenset({"RF-7"}),
        "Assets:Receivable:GraniteValley",
    )
    assert (out[1].flag, out[1].postings[1].account) == ("!", "Expenses:Uncategorized")


# The downloads are the script's.


def test_the_downloads_are_what_make_downloads_writes(tmp_path: Path) -> None:
    make = runpy.run_path(str(MAKE_DOWNLOADS), run_name="make_downloads")
    make["write_downloads"](tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [p.name for p in downloads()]
    for name in written:
        assert (tmp_path / name).read_bytes() == (DOWNLOADS / name).read_bytes(), name


# The README shows what the script prints.


def readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("\n## Importing downloads\n", 1)[1].split("\n## ", 1)[0]


def shown_runs(block: str) -> list[list[str]]:
    """The runs of lines a README block shows, split where it leaves lines out."""
    runs: list[list[str]] = [[]]
    for line in block.splitlines():
        if not line.strip() or line.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(line)
    return [run for run in runs if run]


def assert_shown(block: str, output: str) -> None:
    def normal(text: str) -> str:
        # Paths as the README shortens them (the line numbers must be the ledger's).
        return text.replace(str(ROOT) + "/", "")

    printed = normal(output).splitlines()
    for run in shown_runs(normal(block)):
        starts = [i for i, line in enumerate(printed) if line == run[0]]
        assert any(printed[i : i + len(run)] == run for i in starts), "\n".join(run)


def test_the_readme_shows_what_the_script_prints(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    section = readme_section()
    commands = re.findall(r"^\.venv/bin/python importers/import\.py (.*)$", section, re.M)
    assert [c.split()[0] for c in commands] == ["identify", "extract", "archive"]
    texts = re.findall(r"```text\n(.*?)```", section, re.S)
    ledgers = re.findall(r"```beancount\n(.*?)```", section, re.S)
    assert len(texts) == 2 and len(ledgers) == 1
    monkeypatch.chdir(ROOT)

    identify_args = commands[0].split()
    assert_shown(texts[0], run(cli, *identify_args).output)

    extract_args = commands[1].split(">")[0].split()
    assert_shown(ledgers[0], run(cli, *extract_args).stdout)

    archive_args = [str(tmp_path) if a == "documents" else a for a in commands[2].split()]
    assert "-n" in archive_args
    output = run(cli, *archive_args).output.replace(str(tmp_path), "documents")
    assert_shown(texts[1], output)
