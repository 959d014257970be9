"""The benchmark's generated ledgers are valid books, so its figures mean something."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

from generate import generate  # noqa: E402


@pytest.mark.parametrize("config", ["", "{'detail': 'item'}"])
def test_a_generated_ledger_checks_clean_and_is_really_split(config):
    entries, errors, _ = loader.load_string(generate(400, 0.3, 7, True, config))
    assert [e.message for e in errors] == []
    deposits = [
        e
        for e in entries
        if isinstance(e, data.Transaction) and e.narration == "ACH deposit" and not e.links
    ]
    assert deposits == [], "every deposit, named or not, was allocated and gained links"
    parts = {
        p.meta.get("factoring-part")
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.meta
    }
    assert {"face", "reserve", "reserve-release", "chargeback", "transfer-fee"} <= parts


def test_the_benchmark_runs_and_reports_ratios():
    out = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--sizes", "200", "--repeat", "1"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "x" in out.splitlines()[-1] and out.splitlines()[-1].split()[0] == "200"


@pytest.mark.parametrize("dense", [False, True])
def test_both_baselines_check_clean_beside_the_ledger_with_the_plugin(dense):
    """The ledger without the plugin balances too: it carries the legs only the plugin
    would write (a fuel advance's fee and clearing, a fee event's expense)."""
    plain, errors, _ = loader.load_string(generate(600, 0.3, 7, False, "", dense))
    assert [e.message for e in errors] == []
    _, errors, _ = loader.load_string(generate(600, 0.3, 7, True, "", dense))
    assert [e.message for e in errors] == []
    invoices = [e for e in plain if isinstance(e, data.Transaction) and "invoice" in e.meta]
    assert len(invoices) == 600
    fuel = [
        e for e in plain if isinstance(e, data.Transaction) and e.narration.startswith("Diesel")
    ]
    # Dense: one entry per invoice beside its factoring events, no other books.
    assert (fuel == []) == dense
    if not dense:
        assert len(fuel) == 600


def test_the_dense_ledger_has_the_same_invoices_and_events():
    def factoring(text):
        entries, _, _ = loader.load_string(text)
        return [
            (e.date, e.narration, e.meta.get("factoring"), e.meta.get("invoice"))
            for e in entries
            if isinstance(e, data.Transaction)
            and ("factoring" in e.meta or "invoice" in e.meta or e.narration == "ACH deposit")
        ]

    assert factoring(generate(300, 0.3, 3, True)) == factoring(
        generate(300, 0.3, 3, True, "", True)
    )
