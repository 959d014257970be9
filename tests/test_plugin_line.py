"""bean-factoring on a ledger the factoring plugin did not run in: an error that says
where the plugin line is and what to do, never a report of books it never checked.

Beancount runs the plugin lines of the main file only; one in an included file is
skipped without a word, and bean-check is then clean. The ledgers are files on disk
(tests/split_ledgers.py): the main file includes factoring.beancount.
"""

from __future__ import annotations

import io
import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from split_ledgers import write_split

from beancount_factoring import cli


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main(list(args), out=out)
    return code, out.getvalue()


@pytest.fixture(autouse=True)
def _no_pickle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")


def refusal(capsys: pytest.CaptureFixture[str], ledger: Path, *args: str) -> str:
    """What bean-factoring says on stderr when it refuses the ledger (exit 2, no report)."""
    assert run("reserve", str(ledger), *args) == (2, "")
    return capsys.readouterr().err


def test_a_plugin_line_in_an_included_file_is_named_with_its_place(tmp_path, capsys):
    ledger = write_split(tmp_path, "included")
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []  # bean-check is silent: the plugin never ran
    err = refusal(capsys, ledger)
    assert err == (
        f"bean-factoring: {ledger}: FCT315 the factoring plugin did not run, so nothing is "
        'split or checked: its line plugin "beancount_factoring.plugin" is in '
        "factoring.beancount:1, an included file, and Beancount runs only the plugin lines "
        "of the main file: move the line to main.beancount, or pass --ignore-errors\n"
    )


def test_no_plugin_line_names_the_main_file(tmp_path, capsys):
    err = refusal(capsys, write_split(tmp_path, "none"))
    assert (
        'add the line plugin "beancount_factoring.plugin" to the main file, main.beancount' in err
    )
    assert "FCT315" in err


def test_the_package_named_instead_of_its_plugin_is_named_with_its_line(tmp_path, capsys):
    ledger = write_split(tmp_path, "package")
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []  # Beancount finds no plugin in the package and goes on
    err = refusal(capsys, ledger)
    assert (
        "FCT315 the factoring plugin did not run, so nothing is split or checked: "
        'main.beancount:3 names the plugin "beancount_factoring", which is not the factoring '
        "plugin (Beancount found no plugin in it to run): write "
        'plugin "beancount_factoring.plugin"'
    ) in err


def test_a_misspelt_plugin_is_beancounts_import_error(tmp_path, capsys):
    err = refusal(capsys, write_split(tmp_path, "misspelt"))
    assert "FCT310 cannot load the ledger" in err
    assert 'Error importing "beancount_factoring.plugins"' in err
    assert "No module named 'beancount_factoring.plugins'" in err


def test_ignore_errors_still_reports(tmp_path, capsys):
    code, out = run("reserve", str(write_split(tmp_path, "included")), "--ignore-errors")
    assert code == 0 and "Summit" in out


def held(out: str) -> tuple[Decimal, Decimal]:
    """Summit's reserve held, and its reserve account's balance, from the JSON report."""
    (factor,) = json.loads(out)["factors"]
    return Decimal(factor["held"]), Decimal(factor["account_balance"])


@pytest.mark.parametrize("layout", ["after-include", "both"])
def test_a_plugin_line_the_main_file_runs_is_no_alarm(tmp_path, capsys, layout):
    # After an include, or in both files (Beancount runs the main file's, once): the
    # reserve is split once, 1000.00 x 0.05 = 50.00, and the account holds 50.00.
    ledger = write_split(tmp_path, layout)
    _, errors, _ = loader.load_file(str(ledger))
    assert errors == []
    code, out = run("reserve", str(ledger), "--format", "json")
    assert (code, capsys.readouterr().err) == (0, "")
    assert held(out) == (Decimal("50.00"), Decimal("50.00"))


def test_the_plugin_run_through_a_module_of_ones_own_is_no_alarm(tmp_path, capsys, monkeypatch):
    # Plugins combined in a module of the ledger's folder (Beancount's combine_plugins):
    # the factoring plugin ran, though no line names it.
    (tmp_path / "carrier_plugins.py").write_text(
        "from beancount import loader\n"
        "from beancount_factoring import plugin\n"
        "__plugins__ = loader.combine_plugins(plugin)\n",
        encoding="utf-8",
    )
    ledger = write_split(tmp_path, "none")
    text = ledger.read_text(encoding="utf-8")
    head = 'option "insert_pythonpath" "TRUE"\nplugin "carrier_plugins"\n'
    ledger.write_text(head + text, encoding="utf-8")
    monkeypatch.setattr(sys, "path", list(sys.path))  # Beancount adds the ledger's folder
    code, out = run("reserve", str(ledger), "--format", "json")
    assert (code, capsys.readouterr().err) == (0, "")
    assert held(out) == (Decimal("50.00"), Decimal("50.00"))


def test_a_plugin_that_failed_on_the_ledger_lists_its_error(tmp_path, capsys, monkeypatch):
    # The plugin line is there but the plugin stopped before its run counted (an
    # unexpected failure, FCT100): the errors say why, as for any ledger with errors.
    from beancount_factoring import plugin

    def fail(*args: object) -> None:
        raise RuntimeError("a failure")

    monkeypatch.setattr(plugin, "parse_config", fail)
    err = refusal(capsys, write_split(tmp_path, "both"))
    assert "FCT314 the ledger has 1 error" in err
    assert "FCT100 The factoring plugin failed on this ledger" in err


@pytest.mark.parametrize("where", ["same folder", "parent folder"])
def test_an_included_file_given_as_the_ledger_names_the_main_file(tmp_path, capsys, where):
    # `bean-factoring reserve factoring.beancount`, the file main.beancount includes: the
    # advice was to add the plugin line to factoring.beancount, which Beancount would skip
    # once the main file is loaded. It names the file that includes it and runs the plugin.
    folder = tmp_path / "books"
    folder.mkdir()
    main = write_split(tmp_path if where == "parent folder" else folder, "after-include")
    part = main.with_name("factoring.beancount")
    if where == "parent folder":
        part = part.rename(folder / "factoring.beancount")
        main.write_text(
            main.read_text("utf-8").replace('"factoring.beancount"', '"books/*.beancount"'),
            "utf-8",
        )
    assert run("reserve", str(main))[0] == 0  # The main file reports.
    err = refusal(capsys, part)
    assert "FCT315 the factoring plugin did not run" in err
    shown = "../main.beancount" if where == "parent folder" else "main.beancount"
    assert f"factoring.beancount is included by {shown}, which runs the plugin: " in err
    # (Not "or pass --ignore-errors": the report of a part of the books is no answer.)
    assert err.rstrip().endswith("give that file, the ledger's main file, instead")
