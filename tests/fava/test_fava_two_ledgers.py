"""Several ledgers in one Fava, reloaded after an edit: each ledger's pages show its own
figures whatever order the requests come in, and nothing of a load outlives it."""

from __future__ import annotations

import json
from pathlib import Path

from fava.core import FavaLedger
from fava_ledgers import make_app, write_small

from beancount_factoring.fava.pages import FactoringReserve


def _held(client, slug: str) -> str:
    """The reserve Summit holds, as the Reserve page's JSON says (the deposit of B, the
    same as A's, disagrees with B's terms: FCT120, let through)."""
    target = f"/{slug}/extension/FactoringReserve/data?ignore-errors=1"
    data = json.loads(client.get(target).get_data())
    rows = {row["factor"]: row for row in data["factors"]}
    return str(rows["Summit"]["held"])


def _rate(path: Path, rate: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("advance-rate: 0.95", f"advance-rate: {rate}", 1), "utf-8")


def test_two_ledgers_differing_in_one_term_each_show_their_own(tmp_path: Path):
    # The same file name in two folders, the same books but Summit's advance rate.
    # Summit buys INV-1 and INV-2 (3,000.00); INV-1 (1,000.00) is collected. At 95% the
    # reserve held is 5% of 3,000.00 = 150.00; at 93%, 7% = 210.00; at 91% (after the
    # edit), 9% = 270.00.
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = write_small(tmp_path / "a", name="main.beancount", title="Books A")
    b = write_small(tmp_path / "b", name="main.beancount", title="Books B")
    _rate(b, "0.93")
    app = make_app(a, b)
    client = app.test_client()
    for _ in range(2):
        assert (_held(client, "books-b"), _held(client, "books-a")) == ("210.00", "150.00")
    ledger_b = app.config["LEDGERS"].ledgers_by_slug["books-b"]
    b.write_text(b.read_text("utf-8").replace("0.93", "0.91", 1), "utf-8")
    ledger_b.load_file()
    assert (_held(client, "books-a"), _held(client, "books-b")) == ("150.00", "270.00")


def test_a_request_while_fava_reloads_keeps_the_errors_on_favas_page(tmp_path: Path):
    # Fava reloads a ledger in the thread of the request that found it changed, while
    # other threads answer requests: one of the pages asked between Fava's reading of the
    # new entries and its emptying of the extensions' errors must not take the load's
    # FCT300 off Fava's Errors page (the pages' own first request after the load then
    # found the load already taken, and said nothing).
    path = write_small(tmp_path, "\"{'aging-basis': 'weekly'}\"")
    ledger = FavaLedger(str(path))
    page = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(page, FactoringReserve)
    assert any("FCT300" in str(error.message) for error in ledger.extensions.errors)
    reload_accounts = ledger.accounts.load_file

    def accounts_then_a_request() -> None:
        reload_accounts()
        page.state.refresh()  # another thread's request, in the middle of the reload

    ledger.accounts.load_file = accounts_then_a_request  # type: ignore[method-assign]
    ledger.load_file()
    assert [error for error in ledger.extensions.errors if "FCT300" in str(error.message)]
