"""The ingest entry point reads statements beangulp would skip for their size."""

from __future__ import annotations

import sys
from pathlib import Path

import beangulp
import pytest
from bank_config import BANK_DOCS, us_checking
from beangulp import identify
from click.testing import CliRunner

from beancount_factoring.importers import ingest as ingest_module
from beancount_factoring.importers.ingest import allow_large_files, ingest

DOC = BANK_DOCS / "first_prairie_checking_2025-02-14.csv"


def extract(cli: object, tmp_path: Path) -> tuple[str, str]:
    output = tmp_path / "out.beancount"
    result = CliRunner().invoke(cli, ["extract", "-o", str(output), str(DOC)])  # type: ignore[arg-type]
    assert result.exit_code == 0, result.output
    return result.output, output.read_text() if output.exists() else ""


def test_beangulp_skips_a_large_file_and_ingest_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sample stands in for a statement over the limit: the limit is lowered instead.
    monkeypatch.setattr(identify, "FILE_TOO_LARGE_THRESHOLD", DOC.stat().st_size - 1)
    log, printed = extract(beangulp.Ingest([us_checking()]).cli, tmp_path)
    assert "SKIP" in log and "import-id" not in printed
    log, printed = extract(ingest([us_checking()]).cli, tmp_path)
    assert "SKIP" not in log and printed.count("import-id") == 24


def test_a_limit_can_still_be_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identify, "FILE_TOO_LARGE_THRESHOLD", ingest_module.BEANGULP_LIMIT)
    assert allow_large_files(64 << 20) == identify.FILE_TOO_LARGE_THRESHOLD == 64 << 20
    assert allow_large_files() == sys.maxsize


def test_favas_copy_of_the_limit_is_raised_when_fava_is_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fava_ingest = pytest.importorskip("fava.core.ingest")
    monkeypatch.setattr(identify, "FILE_TOO_LARGE_THRESHOLD", ingest_module.BEANGULP_LIMIT)
    monkeypatch.setattr(fava_ingest, "_FILE_TOO_LARGE_THRESHOLD", ingest_module.BEANGULP_LIMIT)
    allow_large_files()
    limit = fava_ingest._FILE_TOO_LARGE_THRESHOLD
    assert limit == sys.maxsize


def test_an_extract_that_reads_nothing_leaves_no_old_output(tmp_path: Path) -> None:
    # Last week's run wrote its 24 bank lines to new.beancount, which the user appended
    # to the ledger. This week's only download is cut short: extract says so and exits 1.
    # beangulp then never opened the output, so new.beancount still held last week's 24
    # lines, and `cat new.beancount >> main.beancount` booked them a second time. The
    # output is emptied now: appended, it adds nothing.
    output = tmp_path / "new.beancount"
    cli = ingest([us_checking()]).cli
    first = CliRunner().invoke(cli, ["extract", "-o", str(output), str(DOC)])
    assert first.exit_code == 0 and output.read_text().count("import-id") == 24
    cut = tmp_path / "first_prairie_checking_2025-02-21.csv"
    cut.write_text(DOC.read_text()[:200] + '"unclosed')
    second = CliRunner().invoke(cli, ["extract", "-o", str(output), str(cut)])
    assert second.exit_code == 1, second.output
    assert "import-id" not in output.read_text()
    # An empty folder, or one of files no importer claims: the same.
    CliRunner().invoke(cli, ["extract", "-o", str(output), str(DOC)])
    empty = tmp_path / "empty"
    empty.mkdir()
    third = CliRunner().invoke(cli, ["extract", "-o", str(output), str(empty)])
    assert third.exit_code == 0 and "import-id" not in output.read_text()
