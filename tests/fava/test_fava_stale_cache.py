"""A load Beancount read from its cache, made by another build's plugin, is said on
Fava's Errors page: the figures would be the old plugin's (after an upgrade)."""

from __future__ import annotations

from pathlib import Path

from fava.core import FavaLedger

from beancount_factoring import cli_cache
from beancount_factoring.fava.state import STALE_CACHE, LedgerState


def test_a_load_of_another_build_is_an_error_on_favas_page(small_ledger: Path, monkeypatch):
    monkeypatch.delenv("BEANCOUNT_DISABLE_LOAD_CACHE", raising=False)
    ledger = FavaLedger(str(small_ledger))
    state = LedgerState(ledger)
    state.refresh()
    assert not any(STALE_CACHE in str(e.message) for e in ledger.extensions.errors)
    # The same load, as a later build sees it: the stamp in the options is not its own.
    monkeypatch.setattr(cli_cache, "build_stamp", lambda: "a later build")
    state = LedgerState(ledger)
    state.refresh()
    assert any(STALE_CACHE in str(e.message) for e in ledger.extensions.errors)
