"""The reports read the ledger after the plugin ran: the invoices must end as the plugin left them.

The plugin settles the entries as the user wrote them; the reports settle
them again once the plugin has split them (its postings are then only
compared). Every documented ledger, the example ledger, the report test
ledgers and the VAT variant of every event kind in both models
(``vat_ledgers.py``: the plugin's VAT postings are to an account of no
factor, and must not read as cash) must give the same state for every
invoice both ways, and the second settling must find no error the plugin
did not report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from beancount import loader
from report_ledgers import LEDGERS
from vat_ledgers import VAT_LEDGERS

from beancount_factoring.ledger.book import EVENT_KINDS, read_book
from beancount_factoring.reports import compute
from beancount_factoring.reports.facts import plugin_config, read_facts
from beancount_factoring.reports.render import FORMATS, render
from beancount_factoring.settlement.engine import HANDLERS, settle

ROOT = Path(__file__).resolve().parents[2]
FIELDS = (
    "factor",
    "schedule",
    "scheduled_on",
    "funded_on",
    "purchase",
    "held",
    "collected_on",
    "paid",
    "base_fee",
    "late_fee",
    "released_on",
    "charged_back_on",
    "owed",
    "direct_paid",
)
_BLOCK_RE = re.compile(r"<!--\s*expect:[^>]*-->\s*\n+```beancount\n(.*?)```", re.S)
_PLUGIN_RE = re.compile(r'^plugin "beancount_factoring\.plugin".*$', re.M)


def _ledgers() -> list[tuple[str, str]]:
    found = [(f"report_ledgers.{name}", text) for name, text in LEDGERS.items()]
    found.extend(VAT_LEDGERS.items())
    for doc in ("ledger.md", "errors.md"):
        text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
        for number, match in enumerate(_BLOCK_RE.finditer(text)):
            found.append((f"{doc}#{number}", match.group(1)))
    for example in sorted((ROOT / "example_ledger").glob("**/main.beancount")):
        name = str(example.parent.relative_to(ROOT))
        found.append((name, example.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("name,text", _ledgers(), ids=[n for n, _ in _ledgers()])
def test_settling_the_split_entries_gives_the_same_states(name, text):
    entries, errors, options_map = loader.load_string(text)
    raw, _, _ = loader.load_string(_PLUGIN_RE.sub("", text))
    config, _ = plugin_config(options_map)
    first = settle(read_book(raw), config)
    before = first.states
    settlement = read_facts(entries, options_map, errors).settlement
    after = settlement.states
    assert set(before) == set(after)
    for number, state in before.items():
        for field in FIELDS:
            assert getattr(after[number], field) == getattr(state, field), (number, field)
    # The fees apart from any invoice (a monthly minimum and its VAT) too, and the
    # deductions: the reconciliation and the cost report read them.
    assert _charges(settlement) == _charges(first)
    assert _deductions(settlement) == _deductions(first)
    # The plugin's own postings read back as it wrote them: no disagreement on an entry
    # the plugin found none on (where it did, the second settling sees the difference it
    # left on the clearing account, and says so in its own words).
    reported = {_place(error) for error in errors}
    new = [
        e.message
        for e in settlement.errors
        if _place(e) not in reported and e.message.split(" ", 1)[0] not in config.disabled
    ]
    assert new == []


def _charges(settlement) -> dict:
    return {
        (factor, key): (c.date, c.amount, c.currency, c.part, c.netted_on)
        for factor, charges in settlement.charges.items()
        for key, c in charges.items()
    }


def _deductions(settlement) -> list:
    return [
        (d.date, d.factor, d.invoice, d.kind, d.reason, d.amount, d.currency)
        for d in settlement.deductions
    ]


def _place(error) -> tuple[str, int]:
    source = error.source or {}
    return (str(source.get("filename")), int(source.get("lineno") or 0))


def test_every_event_kind_has_a_handler_the_recorder_sees():
    # The reports' history is taken after each handled event: a kind with no
    # handler would be neither settled nor recorded.
    # (Besides the kinds a user writes, the book makes payment, lump and remittance events.)
    assert set(HANDLERS) == set(EVENT_KINDS) | {"payment", "lump", "remittance"}


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_the_report_ledgers_load_without_errors(name):
    _, errors, _ = loader.load_string(LEDGERS[name])
    assert [e.message for e in errors] == []


@pytest.mark.parametrize("name,text", _ledgers(), ids=[n for n, _ in _ledgers()])
def test_every_documented_ledger_gives_every_report_in_every_format(name, text):
    # Odd ledgers included: the documents show each error the plugin reports.
    entries, errors, options_map = loader.load_string(text)
    book = compute(entries, options_map, errors)
    dates = sorted({e.date for e in entries})
    for as_of in (dates[0], dates[len(dates) // 2], book.last_date):
        reports = (
            book.reserve(as_of),
            book.aging(as_of),
            book.aging(as_of, basis="due"),
            book.cost(as_of),
            book.reconcile(as_of),
        )
        for report in reports:
            for fmt in FORMATS:
                assert render(report, fmt)
    for factor in book.reserve().factors:
        assert factor.held + factor.unexplained == factor.account_balance
