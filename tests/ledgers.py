"""Helpers for tests whose input is ledger text with the plugin enabled."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from beancount import loader
from beancount.core import data
from beancount.parser import cmptest

# Summit buys INV-1 (2000.00) on 03-04 at 95% less 2%: the deposit is 2000.00 x 0.93
# = 1860.00, the reserve 2000.00 x 0.05 = 100.00. TQL pays Summit on 04-01; the
# reserve is due back ten days later, 04-11, and late from 04-12.
LATE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"
"""


OPENS = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Assets:Receivable:CHR
2025-01-01 open Assets:Receivable:Echo
2025-01-01 open Income:Freight
"""


def load(text: str, config: str | None = None, opens: bool = True):
    """Load ledger text with the plugin; return (entries, errors)."""
    plugin = 'plugin "beancount_factoring.plugin"'
    if config is not None:
        plugin += f' "{config}"'
    body = textwrap.dedent(text)
    source = plugin + "\n" + (textwrap.dedent(OPENS) if opens else "") + body
    entries, errors, _ = loader.load_string(source)
    return entries, errors


def codes(errors) -> list[str]:
    """The FCT codes of the errors, in order (other errors by their message)."""
    return [e.message.split(" ", 1)[0] for e in errors]


def txn(entries, narration: str) -> data.Transaction:
    """The one transaction with this narration."""
    found = [e for e in entries if isinstance(e, data.Transaction) and e.narration == narration]
    assert len(found) == 1, f"{len(found)} transactions named {narration!r}"
    return found[0]


def legs(entry: data.Transaction) -> list[tuple[str, Decimal, str | None, str | None]]:
    """(account, number, invoice, part) of each posting, sorted."""
    return sorted(
        (
            p.account,
            p.units.number,
            (p.meta or {}).get("invoice"),
            (p.meta or {}).get("factoring-part"),
        )
        for p in entry.postings
    )


def balance(entries, account: str) -> Decimal:
    """The final balance of one account, in its only currency."""
    total = Decimal(0)
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                if posting.account == account:
                    total += posting.units.number
    return total


def assert_entries(expected: str, actual) -> None:
    """Compare entries with ledger text, ignoring metadata (Beancount's cmptest)."""
    case = cmptest.TestCase()
    case.assertEqualEntries(textwrap.dedent(expected), actual)


def assert_includes(expected: str, actual) -> None:
    """Check that the entries include the ledger text's entries."""
    case = cmptest.TestCase()
    case.assertIncludesEntries(textwrap.dedent(expected), actual)


# Summit (95%, flat 2%, transfer fee 10.00) and Harbor (90%, flat 3%, transfer fee 15.00)
# book to one fees account and one transfer-fee account; each funds one invoice of TQL
# (1,000.00): Summit 20.00 + 10.00, Harbor 30.00 + 15.00 (the cost report's tests, in
# tests/reports/test_cost_shared_accounts.py, and the Fava cost page's).
SHARED_FEES = """plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  transfer-fee: 10.00 USD
  transfer-fee-account: Expenses:Factoring:TransferFees

2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
  fees: Expenses:Factoring:Fees
  transfer-fee: 15.00 USD
  transfer-fee-account: Expenses:Factoring:TransferFees

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking          920.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "HARBOR CAPITAL" "ACH deposit" ^INV-2
  Assets:Bank:Checking          855.00 USD
  Assets:Factoring:Harbor:Clearing

"""


# Summit holds back 5% of INV-1's 7,000.00: 350.00. TQL pays it 6,650.00 on 04-20: 350.00
# short, which takes the whole reserve. The late fee (46 days: 2% + 2 x 0.5% = 3%, less
# the 2% taken at funding = 1% of 7,000.00 = 70.00) is netted from INV-2's advance on
# 04-25: 950.00 - 20.00 - 70.00 = 860.00. Nothing of INV-1's reserve ever came back.
# ``{model}`` is the agreement's model line (`model: "loan"`, `model: "sale"`).
SHORT_PAY_THEN_LATE_FEE = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "tiered 2%/30d + 0.5%/10d"
  recourse-days: 90
  release-days: 10
  {model}
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        7000.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "Advance INV-1" ^INV-1
  Assets:Bank:Checking         6510.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-20 * "TQL" "TQL short pays Summit" ^INV-1
  factoring: "collected"
  paid: 6650.00 USD

2025-04-24 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-04-25 * "SUMMIT FUNDING" "Advance INV-2 less INV-1 late fee" ^INV-2 ^INV-1
  Assets:Bank:Checking          860.00 USD
  Assets:Factoring:Summit:Clearing
"""


# Schedule 100 (INV-1 1,000.00 + INV-2 2,000.00) sold 03-03 and never funded, while
# Summit funded schedule 101 on 03-11: FCT162's proof. The ledger disables FCT162.
SILENCED_162 = """\
plugin "beancount_factoring.plugin" "{'disable': ['FCT162']}"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-02 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1500.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 100" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "100"

2025-03-10 * "Summit" "Schedule 101" ^INV-3
  factoring: "schedule"
  schedule: "101"

2025-03-11 * "SUMMIT FUNDING" "ACH schedule 101"
  schedule: "101"
  Assets:Bank:Checking         1395.00 USD
  Assets:Factoring:Summit:Clearing
"""
