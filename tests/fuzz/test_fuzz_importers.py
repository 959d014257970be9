"""Fuzzing every importer from its golden samples (docs/reliability.md).

Each case is a damaged copy of a sample (`mutate.py`), written to a file of the same
name in a fresh folder and given to the sample's importer as beangulp would:
`identify()`, then `extract()`, `deduplicate()` and `sort()`, then `date()`,
`filename()` and `account()`. What must hold, every time:

- `identify()` answers True or False;
- `extract()` gives entries, or raises one `ImportFailure` that names the file and a
  line (a workbook that cannot be opened at all has no line), then a code of
  `IMPORTER_CODES`, and nothing else: any other exception is a crash;
- the entries are well formed: Beancount's own type check passes, each names the file
  and a line, has its `import-id`, its transactions balance when every posting has an
  amount, and printed as ledger text they read back without a syntax error;
- `date()` gives a date or None, or raises an `ImportFailure`.

A list is returned whole or not at all, so "nothing partial" holds by construction.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bank_config import DOCUMENTS as BANK_DOCUMENTS
from beancount import loader
from beancount.core import data
from beancount.parser import parser, printer
from factor_config import LEDGER, documents, importers
from fuzzing import fuzz, keep_finding, note
from mutate import Case, Sample, damaged

from beancount_factoring.errors import IMPORTER_CODES
from beancount_factoring.importers.base import ID_KEY, ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.importers.ofx import OfxImporter

HERE = Path(__file__).parent
REGRESSIONS = HERE / "regressions"


def samples() -> list[Sample]:
    """Every golden sample with its importer (one importer per sample, reused)."""
    found = []
    for path, make in BANK_DOCUMENTS.items():
        importer = make()
        if isinstance(importer, OfxImporter):
            found.append(Sample(path, importer, "latin-1", "<"))
        else:
            layout = importer.layout
            found.append(Sample(path, importer, layout.encoding, layout.delimiter))
    factor_importers = importers()
    ledger, _, _ = loader.load_file(str(LEDGER))
    for path in documents():
        importer = factor_importers[path.parent.name]
        profile = importer._detect(str(path))[0]
        assert profile is not None, path
        layout = profile.layout
        found.append(Sample(path, importer, layout.encoding, layout.delimiter, list(ledger)))
    return found


SAMPLES = samples()
_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-importers-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def write_case(folder: Path, case: Case) -> str:
    """The damaged copy, under the sample's own name in a folder of its own."""
    place = folder / str(next(_COUNTER))
    place.mkdir()
    path = place / case.sample.path.name
    path.write_bytes(case.content)
    return str(path)


def check_failure(failure: ImportFailure, path: str, case: Case) -> None:
    assert failure.filename == path, failure
    assert str(failure).startswith(path), failure
    if failure.line is None:
        # Only a workbook that cannot be opened, or one without the sheet, has no line.
        assert case.sample.kind == "xlsx", failure
    else:
        assert isinstance(failure.line, int) and failure.line >= 1, failure
    assert failure.detail.strip(), failure
    assert failure.code in IMPORTER_CODES, failure
    assert f": {failure.code} {failure.detail}" in str(failure), failure


def check_entries(entries: Any, path: str) -> None:
    assert isinstance(entries, list)
    for entry in entries:
        data.sanity_check_types(entry)
        meta = entry.meta
        assert meta["filename"] == path, meta
        assert isinstance(meta["lineno"], int) and meta["lineno"] >= 1, meta
        assert meta.get(ID_KEY), entry
        if isinstance(entry, data.Transaction):
            sums: dict[str, Decimal] = {}
            complete = True
            for posting in entry.postings:
                units = posting.units
                if units is None or not isinstance(units.number, Decimal):
                    complete = False
                    continue
                sums[units.currency] = sums.get(units.currency, Decimal(0)) + units.number
            if complete:
                assert all(total == 0 for total in sums.values()), entry
    text = "\n".join(printer.format_entry(entry) for entry in entries)
    parsed, errors, _ = parser.parse_string(text)
    assert errors == [], (errors, text[:2000])
    assert len(parsed) == len(entries)


def run_case(folder: Path, case: Case) -> str:
    """Give the damaged file to its importer as beangulp would; the outcome's name."""
    path = write_case(folder, case)
    importer = case.sample.importer
    existing = case.sample.existing
    try:
        identified = importer.identify(path)
        assert isinstance(identified, bool)
        try:
            entries = importer.extract(path, existing)
        except ImportFailure as failure:
            check_failure(failure, path, case)
            return "failure"
        check_entries(entries, path)
        importer.deduplicate(entries, existing)
        importer.sort(entries)
        try:
            day = importer.date(path)
        except ImportFailure as failure:
            check_failure(failure, path, case)
        else:
            assert day is None or hasattr(day, "isoformat")
        if identified:
            importer.filename(path)
            importer.account(path)
        return "entries"
    finally:
        shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def test_fuzz_importers_with_damaged_samples(workdir: Path) -> None:
    outcomes: dict[str, int] = {}

    def check(case: Case) -> None:
        try:
            outcome = run_case(workdir, case)
        except Exception as exc:
            name = f"{case.sample.path.name}--{type(exc).__name__}"
            keep_finding(name, case.content)
            raise
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    fuzz("importers: damaged samples", damaged(SAMPLES), check, examples=250)
    for outcome, count in sorted(outcomes.items()):
        note(f"importers: damaged samples -> {outcome}", count)
    # Most damage is caught, but some files still read: both outcomes are exercised.
    assert outcomes.get("failure", 0) > 0


def regression_cases() -> list[tuple[str, Sample]]:
    """Each file under regressions/importers/, named `<sample file name>--<what>`."""
    by_name = {sample.path.name: sample for sample in SAMPLES}
    found = []
    for path in sorted((REGRESSIONS / "importers").glob("*")):
        sample = by_name[path.name.split("--")[0]]
        found.append((path.name, sample))
    return found


@pytest.mark.parametrize(("name", "sample"), regression_cases(), ids=lambda x: str(x))
def test_importer_regressions(workdir: Path, name: str, sample: Sample) -> None:
    """Files the fuzzer found crashing an importer: now one ImportFailure or entries."""
    content = (REGRESSIONS / "importers" / name).read_bytes()
    run_case(workdir, Case(sample, content, [name]))


def test_every_sample_has_a_fuzzed_importer() -> None:
    kinds = {type(sample.importer).__name__ for sample in SAMPLES}
    assert kinds == {"BankCsvImporter", "OfxImporter", "InvoiceImporter", "FactorReportImporter"}
    factor_kinds = {
        sample.importer._detect(str(sample.path))[0].kind  # type: ignore[union-attr]
        for sample in SAMPLES
        if isinstance(sample.importer, FactorReportImporter)
    }
    assert factor_kinds == {"purchase", "collections", "reserve", "chargeback"}
