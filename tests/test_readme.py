"""The README's example does what the README says, and its walkthrough runs as shown."""

from __future__ import annotations

import io
import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer

from beancount_factoring import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DEMO_HEADING = "## The demo: a carrier's year of books"


def blocks(kind: str, text: str | None = None) -> list[str]:
    text = README.read_text(encoding="utf-8") if text is None else text
    return re.findall(rf"```{kind}\n(.*?)```", text, re.S)


def section(heading: str) -> str:
    """The README's section under a `## ` heading, up to the next one."""
    text = README.read_text(encoding="utf-8")
    return text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]


def shown_runs(block: str) -> list[list[str]]:
    """The runs of lines a README block shows, split where it leaves lines out."""
    runs: list[list[str]] = [[]]
    for line in block.splitlines():
        if not line.strip() or line.strip() == "...":
            runs.append([])
        else:
            runs[-1].append(line)
    return [run for run in runs if run]


def assert_shown(block: str, output: str) -> None:
    """Each run of lines the block shows is a run of the output's lines."""
    printed = output.splitlines()
    for run in shown_runs(block):
        starts = [i for i, line in enumerate(printed) if line == run[0]]
        assert any(printed[i : i + len(run)] == run for i in starts), "\n".join(run)


def test_the_example_checks_clean_and_a_short_deposit_is_reported(tmp_path: Path) -> None:
    ledger = blocks("beancount")[0]
    path = tmp_path / "main.beancount"
    path.write_text(ledger, encoding="utf-8")
    _, errors, _ = loader.load_file(str(path))
    assert errors == []

    path.write_text(ledger.replace("1835.00 USD", "1810.00 USD"), encoding="utf-8")
    _, errors, _ = loader.load_file(str(path))
    assert len(errors) == 1
    printed = printer.format_error(errors[0]).split("\n\n")[0].replace(str(tmp_path) + "/", "")
    shown = " ".join(blocks("text")[0].split())
    assert " ".join(printed.split()) == shown


def test_the_split_shown_is_the_split_made(tmp_path: Path) -> None:
    path = tmp_path / "main.beancount"
    path.write_text(blocks("beancount")[0], encoding="utf-8")
    entries, _, _ = loader.load_file(str(path))
    deposit = next(
        e for e in entries if isinstance(e, data.Transaction) and e.narration == "ACH deposit"
    )
    made = sorted(
        (p.account, float(p.units.number))
        for p in deposit.postings
        if p.units is not None and p.units.number is not None
    )
    shown = sorted(
        (line.split()[0], float(line.split()[1]))
        for line in blocks("beancount")[1].splitlines()[1:]
        if line.strip()
    )
    assert made == shown


# The demo's walkthrough --------------------------------------------------------------


def test_the_demo_walkthrough_runs_as_shown(tmp_path: Path) -> None:
    """identify and extract print what the README shows; extract gives the imported file."""
    demo = section(DEMO_HEADING)
    commands = re.findall(r"^\.venv/bin/python importers/year_import\.py (.*)$", demo, re.M)
    assert [c.split()[0] for c in commands] == ["identify", "extract"]
    texts, ledgers = blocks("text", demo), blocks("beancount", demo)

    def run(args: list[str]) -> str:
        script = [sys.executable, "importers/year_import.py", *args]
        done = subprocess.run(script, cwd=ROOT, capture_output=True, text=True, check=True)
        # beangulp prints absolute paths; the README shortens them.
        return done.stdout.replace(str(ROOT) + "/", "")

    assert_shown(texts[0], run(commands[0].split()))

    extract = commands[1].split()
    written = extract[extract.index("-o") + 1]
    output = tmp_path / written
    extract[extract.index("-o") + 1] = str(output)
    run(extract)
    compared = re.findall(rf"^cmp {re.escape(written)} (\S+)$", demo, re.M)
    assert len(compared) == 1
    assert output.read_bytes() == (ROOT / compared[0]).read_bytes()
    assert_shown(ledgers[0], output.read_text(encoding="utf-8"))


def test_the_screenshots_are_the_pages_take_py_shoots_with_the_filters_named() -> None:
    text = README.read_text(encoding="utf-8")
    shots = runpy.run_path(str(ROOT / "docs" / "screenshots" / "take.py"))["SHOTS"]
    shown = re.findall(r"!\[[^\]]*\]\((docs/screenshots/[^)]+)\)", text)
    assert sorted(shown) == sorted(f"docs/screenshots/{name}" for name, *_ in shots)
    for name, _, time_filter, _ in shots:
        assert (ROOT / "docs" / "screenshots" / name).stat().st_size > 10_000
        paragraph = text.split(f"(docs/screenshots/{name})")[0].rsplit("\n\n", 1)[1]
        assert f"(`{time_filter}`" in paragraph, name


def test_the_files_the_readme_links_exist() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    assert len(links) > 10
    for link in links:
        assert (ROOT / link).exists(), link


COMMANDS = re.findall(
    r"^\.venv/bin/bean-factoring (.*?)(?:\s+#.*)?$",
    section("## Reports on the command line"),
    re.M,
)


def test_the_command_line_section_shows_each_report() -> None:
    assert sorted(command.split()[0] for command in COMMANDS) == [
        "aging",
        "cost",
        "reconcile",
        "reserve",
    ]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command.split()))
def test_the_command_line_examples_run(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    assert cli.main(command.split(), out=out) == 0
    printed = out.getvalue()
    assert "example_ledger/year/" in command
    if "--format json" in command:
        assert json.loads(printed)
    elif "--format csv" in command:
        assert printed.startswith("group,key,factor,currency,")
    else:
        assert len(printed.splitlines()) > 10
