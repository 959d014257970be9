"""The config the plugin ran with is the one the reports use, however the plugin is run:
through a module of one's own (Beancount's ``combine_plugins``, named on the plugin
line) or by two plugin lines. Two lines with different configs are an FCT100 at the
second, which is not applied.

Summit buys INV-1 (1000.00) on 01-05 at 95% less a daily 0.1%; the ledger's last entry
is 03-20. With ``'as-of': '2025-02-15'`` the reports are as of 02-15, and the fee
accrued by then is 41 days (01-05 to 02-15) x 1.00 = 41.00, less the 1.00 taken at the
purchase: 40.00. With ``'accrue': 'month'`` the plugin posts 25.00 at 01-31 (26 days
less the day taken) and 28.00 at 02-28: the fees account holds 1.00 + 25.00 + 28.00 =
54.00, and the cost report's January is 1.00 + 25.00 = 26.00.
"""

from __future__ import annotations

import io
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import realization

from beancount_factoring import cli

CONFIG = "{'accrue': 'month', 'as-of': '2025-02-15'}"
BOOKS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Income:Freight
2025-01-01 open Assets:Factoring:Summit:Clearing
2025-01-01 open Assets:Factoring:Summit:Reserve
2025-01-01 open Expenses:Factoring:Summit:Fees

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "daily 0.1%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-02 * "Acme Corp" "Load 1"
  invoice: "INV-1"
  due: 2025-02-01
  Assets:Receivable:Acme        1000.00 USD
  Income:Freight

2025-01-05 * "SUMMIT" "Advance" ^INV-1
  Assets:Bank:Checking           949.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-20 * "Note"
  Assets:Bank:Checking  0.00 USD
  Assets:Factoring:Summit:Clearing
"""
WRAPPER = (
    "from beancount import loader\n"
    "from beancount_factoring import plugin\n"
    "__plugins__ = loader.combine_plugins(plugin)\n"
)


@pytest.fixture(autouse=True)
def _no_pickle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    monkeypatch.setattr(sys, "path", list(sys.path))  # insert_pythonpath adds the folder


def write(folder: Path, *plugin_lines: str) -> Path:
    """The ledger's main file (returned), its plugin lines as given, the books included."""
    (folder / "books.beancount").write_text(BOOKS, encoding="utf-8")
    (folder / "carrier_plugins.py").write_text(WRAPPER, encoding="utf-8")
    head = 'option "operating_currency" "USD"\noption "insert_pythonpath" "TRUE"\n'
    main = folder / "main.beancount"
    main.write_text(head + "".join(plugin_lines) + 'include "books.beancount"\n', "utf-8")
    return main


def line(module: str, config: str | None) -> str:
    return f'plugin "{module}"' + (f' "{config}"' if config else "") + "\n"


def report(ledger: Path, name: str, *args: str) -> dict:
    out = io.StringIO()
    assert cli.main([name, str(ledger), "--format", "json", *args], out=out) == 0
    return json.loads(out.getvalue())


def fees_booked(ledger: Path) -> Decimal:
    entries, _, _ = loader.load_file(str(ledger))
    fees = realization.get(realization.realize(entries), "Expenses:Factoring:Summit:Fees")
    return fees.balance.get_currency_units("USD").number


def check_first_config_figures(ledger: Path, *args: str) -> None:
    """The reports as of 02-15 with the month-end accruals (module docstring)."""
    reserve = report(ledger, "reserve", *args)
    assert reserve["as_of"] == "2025-02-15"
    assert reserve["factors"][0]["accrued_fees"] == "40.00"
    cost = report(ledger, "cost", *args)
    assert cost["by_customer"][0]["fees"]["total"] == "26.00"
    assert cost["by_factor"][0]["fees"]["total"] == "26.00"


def test_the_plugin_run_through_ones_own_module_is_reported_with_its_config(tmp_path):
    ledger = write(tmp_path, line("carrier_plugins", CONFIG))
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    assert fees_booked(ledger) == Decimal("54.00")
    # Before: the reports read the config of a line named beancount_factoring.plugin
    # only, found none, and reported as of 03-20 (accrued 73.00) with no accruals in
    # the customer's cost (1.00).
    check_first_config_figures(ledger)


def test_a_cached_load_through_ones_own_module_keeps_its_config(tmp_path, monkeypatch):
    monkeypatch.delenv("BEANCOUNT_DISABLE_LOAD_CACHE")
    monkeypatch.delenv("BEANCOUNT_LOAD_CACHE_FILENAME", raising=False)
    monkeypatch.setattr(loader, "PICKLE_CACHE_THRESHOLD", 0.0)
    loader.initialize(True)
    try:
        ledger = write(tmp_path, line("carrier_plugins", CONFIG))
        loader.load_file(str(ledger))  # the pickle: the reports settle it again
        assert tmp_path.joinpath(".main.beancount.picklecache").exists()
        check_first_config_figures(ledger)
    finally:
        loader.initialize(not os.getenv("BEANCOUNT_DISABLE_LOAD_CACHE"))


@pytest.mark.parametrize(
    "lines",
    [
        [line("beancount_factoring.plugin", CONFIG), line("beancount_factoring.plugin", None)],
        [line("carrier_plugins", CONFIG), line("beancount_factoring.plugin", None)],
    ],
)
def test_a_second_plugin_line_with_another_config_is_an_error_and_not_applied(tmp_path, lines):
    ledger = write(tmp_path, *lines)
    _, errors, _ = loader.load_file(str(ledger))
    (error,) = errors
    assert (error.source["filename"], error.source["lineno"]) == (str(ledger), 4)
    assert error.message.startswith(
        "FCT100 The factoring plugin runs a second time here, with no config; line 3 "
        "already ran it"
    )
    assert f"with the config {CONFIG!r}. The plugin is applied once" in error.message
    # The books and the reports are the first line's, once: not the accruals twice
    # (before: 1.00 + 2 x 53.00 = 107.00 with FCT104 on the agreement).
    assert fees_booked(ledger) == Decimal("54.00")
    check_first_config_figures(ledger, "--ignore-errors")


def test_the_second_line_config_is_the_one_not_applied(tmp_path):
    # Before: the reports read the last line's config (accrue, as-of) while the books
    # were made by both runs; now the first line's (none) is applied and said.
    ledger = write(
        tmp_path, line("beancount_factoring.plugin", None), line("carrier_plugins", CONFIG)
    )
    _, errors, _ = loader.load_file(str(ledger))
    (error,) = errors
    assert error.source["lineno"] == 4
    assert "line 3 already ran it with no config" in error.message
    assert fees_booked(ledger) == Decimal("1.00")  # the day taken at the purchase only
    reserve = report(ledger, "reserve", "--ignore-errors")
    assert reserve["as_of"] == "2025-03-20"
    # 74 days (01-05 to 03-20) x 1.00, less the 1.00 taken: 73.00.
    assert reserve["factors"][0]["accrued_fees"] == "73.00"


def test_the_same_config_twice_is_applied_once_without_a_word(tmp_path):
    ledger = write(
        tmp_path, line("beancount_factoring.plugin", CONFIG), line("carrier_plugins", CONFIG)
    )
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    assert fees_booked(ledger) == Decimal("54.00")
    check_first_config_figures(ledger)


def test_a_bad_config_on_ones_own_module_line_is_reported_on_that_line(tmp_path):
    ledger = write(tmp_path, "\n", line("carrier_plugins", "{'tolerence': '0.05'}"))
    _, errors, _ = loader.load_file(str(ledger))
    (error,) = errors
    assert error.source["lineno"] == 4  # before: line 0 (no line names the plugin)
    assert error.message.startswith("FCT100 Unknown key 'tolerence'")


def own_module(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.py").write_text(text, encoding="utf-8")


def test_ones_own_module_naming_the_plugin_twice_applies_it_once(tmp_path):
    # combine_plugins(plugin, plugin): one plugin line, two runs with its config.
    # Before: the second run took the first's month-end accruals for hand entries
    # (FCT104) and accrued again: fees 1.00 + 2 x (25.00 + 28.00) = 107.00.
    own_module(
        tmp_path,
        "twice_plugins",
        "from beancount import loader\nfrom beancount_factoring import plugin\n"
        "__plugins__ = loader.combine_plugins(plugin, plugin)\n",
    )
    ledger = write(tmp_path, line("twice_plugins", CONFIG))
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    assert fees_booked(ledger) == Decimal("54.00")
    check_first_config_figures(ledger)


WRAPPING = (
    "from beancount_factoring.plugin import factoring\n"
    "def with_my_config(entries, options_map):\n"
    "    return factoring(entries, options_map, {config!r})\n"
    "__plugins__ = ('with_my_config',)\n"
)


@pytest.mark.parametrize("order", ["line first", "own module first"])
def test_a_function_of_ones_own_calling_the_plugin_again_is_not_applied(tmp_path, order):
    # A plugin of one's own that calls the factoring plugin itself (with a config of
    # its own), beside the plugin's line: Beancount runs both. Before: the books were
    # made twice (fees 107.00, see above) with FCT104s on the first run's accruals.
    # (Each test its own module name: Python keeps a module imported once.)
    if order == "line first":
        own_module(tmp_path, "my_factoring_1", WRAPPING.format(config="{'tolerance': '0.05'}"))
        lines = [line("beancount_factoring.plugin", CONFIG), line("my_factoring_1", None)]
    else:
        own_module(tmp_path, "my_factoring_2", WRAPPING.format(config=CONFIG))
        lines = [line("my_factoring_2", None), line("beancount_factoring.plugin", None)]
    ledger = write(tmp_path, *lines)
    _, errors, _ = loader.load_file(str(ledger))
    (error,) = errors
    assert error.message.startswith("FCT100 The factoring plugin runs a second time")
    assert "applied once, with the first config" in error.message
    assert fees_booked(ledger) == Decimal("54.00")
    check_first_config_figures(ledger, "--ignore-errors")


def test_a_function_of_ones_own_calling_the_plugin_with_the_lines_config_is_no_alarm(
    tmp_path,
):
    own_module(tmp_path, "my_factoring_3", WRAPPING.format(config=CONFIG))
    ledger = write(
        tmp_path, line("beancount_factoring.plugin", CONFIG), line("my_factoring_3", None)
    )
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    assert fees_booked(ledger) == Decimal("54.00")
    check_first_config_figures(ledger)
