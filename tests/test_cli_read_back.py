"""bean-factoring on a load from Beancount's cache whose entries settle otherwise read back.

Beancount's pickle cache keeps the plugin's output, not its run, so a cached load's
report settles the entries once more. Should they settle otherwise than the plugin
settled them (a factoring error the load did not have), the report would disagree with
the books in silence: the command loads the ledger again without the cache instead.
"""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from beancount import loader

from beancount_factoring import cli
from beancount_factoring.errors import make_error
from beancount_factoring.reports import facts as facts_module

from ledgers import LATE, OPENS


@pytest.fixture
def cached(monkeypatch):
    """Beancount's pickle cache for every load, however small the ledger."""
    monkeypatch.delenv("BEANCOUNT_DISABLE_LOAD_CACHE", raising=False)
    monkeypatch.delenv("BEANCOUNT_LOAD_CACHE_FILENAME", raising=False)
    monkeypatch.setattr(loader, "PICKLE_CACHE_THRESHOLD", 0.0)
    loader.initialize(True)
    yield
    monkeypatch.undo()
    loader.initialize(not os.getenv("BEANCOUNT_DISABLE_LOAD_CACHE"))


@pytest.fixture
def ledger(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "main.beancount"
    path.write_text(
        'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + LATE,
        encoding="utf-8",
    )
    return path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


def test_a_cached_load_that_reads_back_otherwise_is_loaded_again(cached, ledger, monkeypatch):
    # The reserve as the plugin's own run gives it (the first load makes the cache).
    expected = run("reserve", str(ledger), "--format", "json")
    assert expected[0] == 0
    pickled = ledger.with_name(f".{ledger.name}.picklecache")
    assert pickled.exists()
    # From now on the reports' own settling of the entries gives an FCT120 the load had
    # not: the entries, read back, settle otherwise.
    calls: list[int] = []
    real = facts_module.settle

    def settle(book: Any, config: Any, recorder: Any) -> Any:
        calls.append(1)
        settlement = real(book, config, recorder)
        meta = book.events[0].entry.meta
        settlement.errors.append(make_error("FCT120", "read back otherwise", meta))
        return settlement

    monkeypatch.setattr(facts_module, "settle", settle)
    # Asked with another argument that changes nothing printed: not a result the command
    # kept, so computed from the cached load. Settled again it differs, so the ledger is
    # loaded again, with the plugin's run: the same report, and no refusal.
    assert run("reserve", str(ledger), "--format", "json", "--ignore-errors") == expected
    assert calls == [1]
