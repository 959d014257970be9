"""A factor report importer named as no agreement of the ledger: an error, not a guess.

A newcomer gives the importer the factor's full name ("Lakeshore Funding") while the
agreement says "Lakeshore". The importer found no agreement of that name and wrote every
event with `factor: "Lakeshore Funding"` and accounts guessed from it
(`Assets:Factoring:LakeshoreFunding:Clearing`): exit 0, and bean-check then gave an
FCT111 per event and an "unknown account" per posting.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring.importers import profiles
from beancount_factoring.importers.base import ImportFailure
from beancount_factoring.importers.factor import FactorReportImporter

ROOT = Path(__file__).resolve().parents[2]
PURCHASE = ROOT / "example_ledger" / "downloads" / "lakeshore_purchase_report_2025-04-08.csv"

LEDGER = """
2025-03-01 open Assets:Bank:Checking
2025-03-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2.5%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""


def existing(text: str) -> list:
    entries, errors, _ = loader.load_string(text)
    assert errors == []
    return entries


def test_a_name_no_agreement_has_beside_others_stops_the_import() -> None:
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore Funding")
    assert importer.identify(str(PURCHASE))
    with pytest.raises(ImportFailure) as info:
        importer.extract(str(PURCHASE), existing(LEDGER))
    error = info.value
    assert error.code == "FCT209"
    assert str(error) == (
        f"{PURCHASE}: FCT209 the ledger has no factoring-agreement named 'Lakeshore "
        "Funding', the factor this importer is given (its agreements name 'Lakeshore'): "
        "give the importer the name the agreement has, like FactorReportImporter(..., "
        '"Lakeshore"), or write the factor\'s agreement first'
    )


def test_the_agreements_name_in_another_case_is_that_agreement() -> None:
    importer = FactorReportImporter(profiles.LAKESHORE, "LAKESHORE")
    entries = importer.extract(str(PURCHASE), existing(LEDGER))
    assert entries


def test_without_a_ledger_or_without_agreements_the_defaults_still_apply() -> None:
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore Funding")
    for ledger in ([], existing("2025-03-01 open Assets:Bank:Checking\n")):
        entries = importer.extract(str(PURCHASE), ledger)
        postings = [p.account for e in entries for p in getattr(e, "postings", ())]
        assert "Assets:Factoring:LakeshoreFunding:Clearing" in postings


def test_a_broken_agreement_of_the_name_is_the_plugins_to_report() -> None:
    broken = LEDGER.replace("recourse-days", "recource-days")
    importer = FactorReportImporter(profiles.LAKESHORE, "Lakeshore")
    entries, _, _ = loader.load_string(broken)
    assert importer.extract(str(PURCHASE), entries)
