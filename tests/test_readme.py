"""The README's example does what the README says."""

from __future__ import annotations

import re
from pathlib import Path

from beancount import loader
from beancount.parser import printer

README = Path(__file__).resolve().parent.parent / "README.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_example_checks_clean_and_a_short_deposit_is_reported(tmp_path):
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


def test_the_split_shown_is_the_split_made(tmp_path):
    path = tmp_path / "main.beancount"
    path.write_text(blocks("beancount")[0], encoding="utf-8")
    entries, _, _ = loader.load_file(str(path))
    deposit = next(e for e in entries if getattr(e, "narration", "") == "ACH deposit")
    made = sorted((p.account, p.units.number) for p in deposit.postings)
    shown = sorted(
        (line.split()[0], float(line.split()[1]))
        for line in blocks("beancount")[1].splitlines()[1:]
        if line.strip()
    )
    assert [(a, float(n)) for a, n in made] == shown
