"""Fuzzing the plugin with generated ledgers (docs/reliability.md).

Each case is a ledger from `ledger_gen.generate`: agreements valid and broken, events
in any order, missing and duplicated, amounts off by a cent, random links, deliberate
balance assertions. Loaded with Beancount and the plugin, what must hold:

- the plugin never fails: no `FCT100 The factoring plugin failed` (its catch-all);
- every error is the plugin's, with a code from `errors.CODES`, and names a file and a
  line; or Beancount's error on one of the deliberate `balance` assertions.
  Anything else (a transaction that does not balance, an account not open) is the
  plugin writing something wrong;
- every transaction balances, each posting with a Decimal amount;
- a clean ledger (no perturbation: every deposit what the generator's own arithmetic
  of the agreement gives, every event in its place) has no error but those of
  deposits that name nothing and of the deadlines.

The scaling check (time at N and 4N invoices) is `test_fuzz_scaling.py`, run by `make fuzz`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from fuzzing import fuzz, keep_finding
from hypothesis import strategies as st
from ledger_gen import DrawChooser, Generated, generate

from beancount_factoring.errors import CODES

CRASH = "The factoring plugin failed"
# What a clean ledger may still be told: a deposit that names nothing may fit two sets
# of open items, or none (two invoices collected on one day are one item), and the
# deadlines pass as they do.
CLEAN = {"FCT101", "FCT102", "FCT103", "FCT160", "FCT161"}
REGRESSIONS = Path(__file__).parent / "regressions" / "plugin"


@st.composite
def ledgers(draw: st.DrawFn) -> Generated:
    data_object = draw(st.data())
    chooser = DrawChooser(data_object)
    return generate(chooser, invoices=chooser.integer(1, 12))


def problems(text: str, balance_lines: set[int], clean: bool = False) -> list[str]:
    """What is wrong with the loaded ledger (see the module docstring)."""
    entries, errors, _ = loader.load_string(text)
    found = []
    if clean:  # the generator's own arithmetic and order: nothing but the deadlines
        codes = {e.message.split(" ", 1)[0] for e in errors}
        allowed = set(CLEAN)
        unallocated = bool(codes & {"FCT101", "FCT102"})
        if unallocated:
            # A deposit left unallocated leaves its schedule unfunded: the customer's
            # payment to the factor then does not fit, and a later rebate that names
            # nothing takes another invoice's reserve by its amount, so the rebate that
            # names that invoice finds it released and the reserve below zero (all
            # found by fuzzing).
            allowed |= {"FCT133", "FCT141"}
        found += [
            e.message
            for e in errors
            if e.message.split(" ", 1)[0] not in allowed
            and not (unallocated and _released_already(e.message))
        ]
    for error in errors:
        message = error.message
        code = message.split(" ", 1)[0]
        source = error.source or {}
        line = source.get("lineno")
        if CRASH in message:
            found.append(f"plugin crash: {message}")
        elif code in CODES:
            if not isinstance(line, int) or "filename" not in source:
                found.append(f"no place: {message}")
        elif line in balance_lines:  # a made-up amount, or two on one day
            continue
        else:
            found.append(f"{type(error).__name__} line {line}: {message}")
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        sums: dict[str, Decimal] = {}
        for posting in entry.postings:
            units = posting.units
            if units is None or not isinstance(units.number, Decimal):
                found.append(f"a posting without an amount: {entry.date} {entry.narration}")
                continue
            sums[units.currency] = sums.get(units.currency, Decimal(0)) + units.number
        if any(abs(total) > Decimal("0.005") for total in sums.values()):
            found.append(f"unbalanced: {entry.date} {entry.narration} {sums}")
    return found


def _released_already(message: str) -> bool:
    """An FCT140 on a rebate whose invoice's reserve an earlier one took by its amount."""
    return message.startswith("FCT140") and "reserve was already released" in message


def test_fuzz_plugin_with_generated_ledgers() -> None:
    def check(ledger: Generated) -> None:
        found = problems(ledger.text, ledger.balance_lines, ledger.clean)
        if found:
            keep_finding(f"plugin-{len(ledger.text)}.beancount", ledger.text)
        assert found == [], "\n".join(found) + "\n\n" + ledger.text

    fuzz("plugin: generated ledgers", ledgers(), check, examples=60)


def regression_ledgers() -> list[Path]:
    return sorted(REGRESSIONS.glob("*.beancount"))


@pytest.mark.parametrize("path", regression_ledgers(), ids=lambda p: p.stem)
def test_plugin_regressions(path: Path) -> None:
    """Ledgers the fuzzer found failing the plugin: now only FCT errors, all balanced.
    A deliberate balance assertion is marked by a `; deliberate` comment on its line."""
    text = path.read_text(encoding="utf-8")
    marked = {n for n, line in enumerate(text.splitlines(), 1) if "; deliberate" in line}
    assert problems(text, marked) == []
