"""The reports take the plugin's own settlement of the load, not a second one.

When the CLI or the Fava extension asks (``history.keep_for_reports``), the
plugin records each invoice's history while it settles and leaves its run in
the options map; the reports read it instead of settling the ledger again.
Every documented ledger, the report ledgers and the example ledgers must then
give every report, in every format and on several dates, exactly as the
second settling gives it; a run kept in Beancount's pickle cache must still
be used; and entries a later plugin changed must not be read with the run's
stale positions.
"""

from __future__ import annotations

import pickle
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data
from test_report_facts import _ledgers

from beancount_factoring.reports import compute
from beancount_factoring.reports import facts as facts_module
from beancount_factoring.reports.render import FORMATS, render
from beancount_factoring.settlement import history

ROOT = Path(__file__).resolve().parents[2]
D = Decimal
EXAMPLES = sorted((ROOT / "example_ledger").glob("**/main.beancount"))


def _load(text: str, keep: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, Any]:
    monkeypatch.setattr(history, "_wanted", keep)
    return loader.load_string(text)


def _rendered(entries: list[Any], errors: list[Any], options_map: dict[str, Any]) -> list[str]:
    book = compute(entries, options_map, errors)
    dates = sorted({entry.date for entry in entries})
    out = []
    for as_of in (dates[0], dates[len(dates) // 2], book.last_date):
        for report in (
            book.reserve(as_of),
            book.aging(as_of),
            book.aging(as_of, basis="due"),
            book.cost(as_of),
            book.reconcile(as_of),
        ):
            out.extend(render(report, fmt) for fmt in FORMATS)
    return out


def _no_second_settling(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the reports settled the ledger a second time")

    monkeypatch.setattr(facts_module, "settle", refuse)
    monkeypatch.setattr(facts_module, "read_book", refuse)


@pytest.mark.parametrize("name,text", _ledgers(), ids=[n for n, _ in _ledgers()])
def test_the_plugins_run_gives_every_report_as_a_second_settling(name, text, monkeypatch):
    replayed = _rendered(*_load(text, False, monkeypatch))
    entries, errors, options_map = _load(text, True, monkeypatch)
    assert isinstance(options_map.get(history.RUN_KEY), history.PluginRun)
    _no_second_settling(monkeypatch)
    assert _rendered(entries, errors, options_map) == replayed


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.parent.relative_to(ROOT)) for p in EXAMPLES])
def test_the_example_ledgers_with_their_includes(path, monkeypatch):
    # Each load its own: a pickle cache of the first would be read by the second.
    monkeypatch.setattr(loader, "_load_file", loader._uncached_load_file)
    monkeypatch.setattr(history, "_wanted", False)
    replayed = _rendered(*loader.load_file(str(path)))
    monkeypatch.setattr(history, "_wanted", True)
    entries, errors, options_map = loader.load_file(str(path))
    _no_second_settling(monkeypatch)
    assert _rendered(entries, errors, options_map) == replayed


def test_bean_check_alone_keeps_nothing(monkeypatch):
    # Without a report layer in the process the plugin records no history.
    _, _, options_map = _load(_ledgers()[0][1], False, monkeypatch)
    assert history.RUN_KEY not in options_map


@pytest.mark.parametrize("path", EXAMPLES, ids=[str(p.parent.relative_to(ROOT)) for p in EXAMPLES])
def test_a_load_from_the_pickle_cache_is_settled_again(path, monkeypatch):
    # The run is left out of Beancount's cache (reading it back would cost about what
    # settling again costs, on every cached bean-check): the reports settle again,
    # with the same figures.
    monkeypatch.setattr(loader, "_load_file", loader._uncached_load_file)
    monkeypatch.setattr(history, "_wanted", True)
    loaded = loader.load_file(str(path))
    from_run = _rendered(*loaded)
    # Beancount's cache pickles (entries, errors, options map) together.
    entries, errors, options_map = pickle.loads(pickle.dumps(loaded, pickle.HIGHEST_PROTOCOL))
    assert options_map[history.RUN_KEY] is None
    assert _rendered(entries, errors, options_map) == from_run


def test_entries_a_later_plugin_changed_are_settled_again(monkeypatch):
    text = next(t for n, t in _ledgers() if n.startswith("report_ledgers"))
    replayed = _rendered(*_load(text, False, monkeypatch))
    entries, errors, options_map = _load(text, True, monkeypatch)
    # A plugin after ours that rewrites a transaction (here: its narration).
    index = next(i for i, e in enumerate(entries) if isinstance(e, data.Transaction))
    entries = list(entries)
    entries[index] = entries[index]._replace(narration=entries[index].narration + " ")
    run = options_map[history.RUN_KEY]
    assert run.added(entries) is None
    settled = []
    real = facts_module.settle

    def counted(*args: Any, **kwargs: Any) -> Any:
        settled.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(facts_module, "settle", counted)
    assert len(_rendered(entries, errors, options_map)) == len(replayed)
    assert settled == [True]


def test_the_run_reads_as_one_short_line_in_favas_options_page(monkeypatch):
    _, _, options_map = _load(_ledgers()[0][1], True, monkeypatch)
    shown = str(options_map[history.RUN_KEY])
    assert shown.startswith("<factoring plugin run: ") and len(shown) < 80


def test_the_plugin_keeps_its_run_where_fava_is_loaded(monkeypatch):
    monkeypatch.setattr(history, "_wanted", None)
    monkeypatch.delitem(sys.modules, "fava.core", raising=False)
    assert not history.wanted()
    monkeypatch.setitem(sys.modules, "fava.core", object())
    assert history.wanted()
    # Asked for, or refused, by the caller: that holds wherever.
    monkeypatch.setattr(history, "_wanted", False)
    assert not history.wanted()


PADDED = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Income:Freight
2025-01-01 open Equity:Opening-Balances

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 pad Assets:Bank:Checking Equity:Opening-Balances
2025-01-01 pad Assets:Receivable:CHR Equity:Opening-Balances
2025-01-02 balance Assets:Bank:Checking  5000.00 USD
2025-01-02 balance Assets:Receivable:CHR  700.00 USD

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_beancounts_padding_is_read_with_the_run_not_settled_again(monkeypatch):
    # Beancount pads after every plugin: the loaded entries are the run's and two
    # padding transactions. The reports take the run (they settled again before) and
    # read the padding too: the aging holds CHR's 700.00 of opening balance.
    replayed = _rendered(*_load(PADDED, False, monkeypatch))
    entries, errors, options_map = _load(PADDED, True, monkeypatch)
    assert errors == []
    run = options_map[history.RUN_KEY]
    assert [e.narration for e in run.added(entries)] == [
        "(Padding inserted for Balance of 5000.00 USD for difference 5000.00 USD)",
        "(Padding inserted for Balance of 700.00 USD for difference 700.00 USD)",
    ]
    _no_second_settling(monkeypatch)
    assert _rendered(entries, errors, options_map) == replayed
    aging = compute(entries, options_map, errors).aging()
    assert "700.00" in render(aging, "text")


# A deposit whose clearing leg the plugin replaced whole posts, once split, to no clearing
# or reserve account: a loan's funding (to the advances account, the fuel advance it
# recoups) and a rebate that the factor's fees at collection take whole. Read back from
# Beancount's pickle cache, or by compute() without the plugin's run, each is still the
# deposit it was (they were read as no event: INV-1 and INV-2 unfunded, their fees lost).
REPLACED_WHOLE = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:Echo
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Harbor"
  model: "loan"
  advance-rate: 1.00
  fee: "flat 2%"
  fuel-advance-fee: "1%"
  recourse-days: 3650
  payee: "HARBOR FUNDING"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "RTS"
  advance-rate: 1.00
  fee: "tiered 1%/15d + 1%/15d"
  fee-timing: "collection"
  recourse-days: 3650
  payee: "RTS FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  load: "L-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-03 * "Echo" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:Echo   2000.00 USD
  Income:Freight

2025-03-03 * "HARBOR FUNDING" "Fuel advance"
  factoring: "fuel-advance"
  load: "L-1"
  advance: 300.00 USD
  Assets:Bank:Checking   297.00 USD

2025-03-04 * "HARBOR FUNDING" "Funding" ^INV-1
  Assets:Bank:Checking   680.00 USD
  Assets:Factoring:Harbor:Clearing

2025-03-04 * "RTS FUNDING" "Funding" ^INV-2
  Assets:Bank:Checking   2000.00 USD
  Assets:Factoring:RTS:Clearing

2025-03-24 * "Echo" "Paid RTS" ^INV-2
  factoring: "collected"

2025-03-25 * "RTS FUNDING" "Fees on INV-2" ^INV-2
  Assets:Bank:Checking   -40.00 USD
  Assets:Factoring:RTS:Clearing
"""


def test_a_deposit_the_plugin_replaced_whole_is_read_back_as_that_deposit(monkeypatch):
    # INV-1 (TQL): Harbor advances 1,000.00 less its 2% fee (20.00) less the fuel advance
    # it recoups (300.00): 680.00; the fuel advance's fee is 1% of 300.00 = 3.00.
    # INV-2 (Echo): RTS advances 2,000.00 and takes its fee at collection, 20 days in:
    # 1% + 1% = 40.00, the rebate of -40.00 (nothing held) is all fees.
    expected = {
        ("Harbor", "discount"): D("20.00"),
        ("Harbor", "fuel"): D("3.00"),
        ("RTS", "discount"): D("20.00"),
        ("RTS", "late"): D("20.00"),
        ("TQL", "discount"): D("20.00"),
        ("TQL", "fuel"): D("3.00"),
        ("Echo", "discount"): D("20.00"),
        ("Echo", "late"): D("20.00"),
    }
    entries, errors, options_map = _load(REPLACED_WHOLE, True, monkeypatch)
    assert errors == []
    rebuilt = dict(options_map)
    del rebuilt[history.RUN_KEY]
    for options in (options_map, rebuilt):
        cost = compute(entries, options, errors).cost()
        found = {
            (line.key, kind): amount
            for line in (*cost.by_factor, *cost.by_customer)
            for kind, amount in vars(line.fees).items()
            if amount
        }
        assert found == expected
    assert _rendered(entries, errors, rebuilt) == _rendered(entries, errors, options_map)
