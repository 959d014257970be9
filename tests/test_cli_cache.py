"""bean-factoring prints a report asked again of an unchanged, cached ledger from its cache."""

from __future__ import annotations

import io
import json
import os
import textwrap
from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring import cli, cli_cache

from ledgers import LATE, OPENS

# The reserve Summit gives back on 04-11: the 100.00 held, less nothing more (flat fee).
RELEASE = """
2025-04-11 * "SUMMIT FUNDING" "Reserve release" ^INV-1
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Clearing
"""


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


def no_computing(monkeypatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("computed again")

    monkeypatch.setattr(cli, "compute", refuse)


def kept(ledger: Path) -> Path:
    return ledger.with_name(f".{ledger.name}.picklecache{cli_cache.SUFFIX}")


@pytest.mark.parametrize("report", ["reserve", "aging", "cost", "reconcile"])
def test_asked_again_it_is_printed_from_the_cache(report, cached, ledger, monkeypatch):
    first = run(report, str(ledger))
    assert first[0] == 0 and first[1]
    assert kept(ledger).exists()
    no_computing(monkeypatch)
    assert run(report, str(ledger)) == first


def test_a_changed_ledger_is_computed_again(cached, ledger, monkeypatch):
    code, before = run("reserve", str(ledger), "--format", "json")
    assert json.loads(before)["factors"][0]["held"] == "100.00"
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write(RELEASE)
    # A later time than the first write, even on a file system with coarse times.
    stat = ledger.stat()
    os.utime(ledger, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    code, after = run("reserve", str(ledger), "--format", "json")
    assert code == 0
    # Released: nothing held any more (100.00 - 100.00).
    assert json.loads(after)["factors"][0]["held"] == "0.00"


def test_other_arguments_are_other_results(cached, ledger):
    # --as-of 04-11: the release is due that day, not late; 04-12: late, exit 1.
    assert run("reconcile", str(ledger), "--as-of", "2025-04-11")[0] == 0
    assert run("reconcile", str(ledger), "--as-of", "2025-04-12")[0] == 1
    assert run("reconcile", str(ledger), "--as-of", "2025-04-11")[0] == 0


def test_the_exit_code_and_stderr_are_kept(cached, ledger, monkeypatch, capsys):
    args = ("reconcile", str(ledger), "--as-of", "2025-04-12", "--format", "csv")
    code, out = run(*args)
    first_err = capsys.readouterr().err
    assert code == 1 and "release due INV-1" in first_err
    no_computing(monkeypatch)
    assert run(*args) == (1, out)
    assert capsys.readouterr().err == first_err


def test_without_beancounts_cache_nothing_is_kept(cached, ledger, monkeypatch):
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    loader.initialize(False)
    assert run("aging", str(ledger))[0] == 0
    assert not kept(ledger).exists()


def test_a_damaged_result_is_ignored_and_rewritten(cached, ledger, monkeypatch):
    first = run("cost", str(ledger))
    (result,) = kept(ledger).glob("*.json")
    result.write_text('{"text": "cut sh', encoding="utf-8")
    assert run("cost", str(ledger)) == first
    assert json.loads(result.read_text(encoding="utf-8"))["text"] == first[1]
    no_computing(monkeypatch)
    assert run("cost", str(ledger)) == first


def test_a_cache_that_cannot_be_written_is_skipped(cached, ledger):
    kept(ledger).write_text("a file where the folder would be", encoding="utf-8")
    first = run("aging", str(ledger))
    assert first[0] == 0
    assert run("aging", str(ledger)) == first


def test_a_result_kept_under_another_folder_is_not_reused(cached, ledger, tmp_path, monkeypatch):
    run("reserve", str(ledger))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    no_computing(monkeypatch)
    with pytest.raises(AssertionError, match="computed again"):
        run("reserve", str(ledger))


def test_an_edited_module_changes_the_key(cached, ledger, monkeypatch):
    options = loader.load_file(str(ledger))[2]
    path = kept(ledger)
    before = cli_cache.key(path, options, ["reserve"])
    assert before is not None
    monkeypatch.setattr(cli_cache, "build_stamp", lambda: "edited")
    assert cli_cache.key(path, options, ["reserve"]) not in (None, before)


def test_at_most_kept_results(cached, ledger, monkeypatch):
    monkeypatch.setattr(cli_cache, "KEPT", 3)
    for day in range(1, 6):
        assert run("aging", str(ledger), "--as-of", f"2025-05-{day:02d}")[0] == 0
    assert len(list(kept(ledger).glob("*.json"))) == 3


def test_a_cached_load_of_another_build_is_loaded_again(cached, ledger, monkeypatch):
    # An upgrade: Beancount's pickle holds what the old build's plugin booked and said
    # (Beancount checks the ledger's files only). The report loads the ledger again with
    # this build: here its plugin's run is told apart by the stamp it writes.
    assert run("aging", str(ledger))[0] == 0
    options = loader.load_file(str(ledger))[2]
    assert not cli_cache.stale_load(str(ledger), options)
    monkeypatch.setattr(cli_cache, "build_stamp", lambda: "a later build")
    assert cli_cache.stale_load(str(ledger), options)
    loads = []
    real = loader.load_file

    def counted(*args, **kwargs):
        loads.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "load_file", counted)
    assert run("aging", str(ledger))[0] == 0
    # Loaded twice: the cached load, then again without it (the pickle dropped).
    assert len(loads) == 2


def test_a_cache_file_shared_by_two_ledgers_never_shows_the_others(
    cached, ledger, tmp_path, monkeypatch
):
    # BEANCOUNT_LOAD_CACHE_FILENAME without {filename}: one pickle for every ledger of the
    # folder. Each report is of its own ledger: the other's cached load is loaded again.
    monkeypatch.setenv("BEANCOUNT_LOAD_CACHE_FILENAME", ".shared.pickle")
    loader.initialize(True)  # (Beancount reads the variable as it starts.)
    other = tmp_path / "other.beancount"
    other.write_text(ledger.read_text(encoding="utf-8") + RELEASE, encoding="utf-8")
    assert run("reserve", str(ledger), "--format", "json")[0] == 0
    code, text = run("reserve", str(other), "--format", "json")
    assert code == 0
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    loader.initialize(False)
    assert run("reserve", str(other), "--format", "json")[1] == text


def split_ledger(ledger: Path) -> Path:
    """The ledger's events in a month file, included by a glob: ``2025/*.beancount``."""
    month = ledger.parent / "2025" / "04.beancount"
    month.parent.mkdir()
    month.write_text("; April\n", encoding="utf-8")
    with ledger.open("a", encoding="utf-8") as handle:
        handle.write('include "2025/*.beancount"\n')
    return month


def test_an_included_file_edited_to_its_size_and_old_time_is_computed_again(
    cached, ledger, monkeypatch
):
    # Beancount's cache checks each file's path, modification time and size: an edit
    # that keeps the size, its old time put back (cp -p, rsync -t, a checkout), is not
    # seen by it. The report reads the files' contents: loaded again, never the old one.
    month = split_ledger(ledger)
    month.write_text("; April" + " " * len(RELEASE) + "\n", encoding="utf-8")
    code, before = run("reserve", str(ledger), "--format", "json")
    # INV-1 collected, its reserve of 100.00 held.
    assert code == 0 and json.loads(before)["factors"][0]["held"] == "100.00"
    stat = month.stat()
    month.write_text("; April" + RELEASE + "\n", encoding="utf-8")
    assert month.stat().st_size == stat.st_size
    os.utime(month, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert not loader.needs_refresh(loader.load_file(str(ledger))[2])  # (Beancount's check)
    code, after = run("reserve", str(ledger), "--format", "json")
    # Released in the included file: 100.00 - 100.00 = 0.00 held.
    assert code == 0 and json.loads(after)["factors"][0]["held"] == "0.00"


def test_a_new_file_matched_by_an_include_glob_is_computed_again(cached, ledger):
    # Beancount's cache checks the files it loaded: a new one its glob now matches is not
    # among them. The report finds it: loaded again.
    month = split_ledger(ledger)
    code, before = run("reserve", str(ledger), "--format", "json")
    assert code == 0 and json.loads(before)["factors"][0]["held"] == "100.00"
    (month.parent / "05.beancount").write_text(RELEASE, encoding="utf-8")
    code, after = run("reserve", str(ledger), "--format", "json")
    # Released in the new file: 100.00 - 100.00 = 0.00 held.
    assert code == 0 and json.loads(after)["factors"][0]["held"] == "0.00"


def test_an_unchanged_split_ledger_is_not_loaded_again(cached, ledger, monkeypatch):
    # Reading the files' contents must not make every cached load look changed.
    split_ledger(ledger)
    first = run("reserve", str(ledger))
    no_computing(monkeypatch)
    assert run("reserve", str(ledger)) == first


def test_an_include_line_no_file_name_can_hold_does_not_stop_the_plugin(cached, ledger):
    # A NUL byte in an include line (a pasted text, in a note's string here): Beancount
    # reports the line; the digest of the files must not fail the plugin's whole run
    # (FCT100, every split left out) on a folder name no file system holds.
    with ledger.open("ab") as handle:
        handle.write(b'\n2025-01-05 note Assets:Bank:Checking "pasted:\ninclude "x\x00/*.b"\n"\n')
    entries, errors, _ = loader.load_file(str(ledger))
    assert not [e for e in errors if "FCT100" in e.message]
    # INV-1 funded and collected as before: its 100.00 (5% of 2000.00) held in the reserve.
    held = sum(
        posting.units.number
        for entry in entries
        if hasattr(entry, "postings")
        for posting in entry.postings
        if posting.account == "Assets:Factoring:Summit:Reserve"
    )
    assert held == 100
