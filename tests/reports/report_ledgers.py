"""Ledgers for the report tests, with the figures worked out by hand in the tests."""

from __future__ import annotations

import textwrap

from ledgers import OPENS


def full(body: str, config: str | None = None) -> str:
    """A whole ledger: the plugin line (with its config), the usual opens, the body."""
    plugin = 'plugin "beancount_factoring.plugin"'
    if config is not None:
        plugin += f' "{config}"'
    return plugin + "\n" + textwrap.dedent(OPENS) + textwrap.dedent(body)


SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  due: 2025-04-02
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load 2"
  invoice: "INV-2"
  due: 2025-04-02
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule S1" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "S1"

; S1: face 3,000.00, advance 2,850.00 - fee 60.00 - transfer fee 25.00 = 2,765.00;
; reserve 100.00 (INV-1) + 50.00 (INV-2).
2025-03-05 * "SUMMIT FUNDING" "ACH S1"
  schedule: "S1"
  Assets:Bank:Checking         2765.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Echo" "Load 3"
  invoice: "INV-3"
  due: 2025-04-09
  Assets:Receivable:Echo       3000.00 USD
  Income:Freight

; INV-3 funded without a schedule: 2,850.00 - 60.00 - 25.00 = 2,765.00; reserve 150.00.
2025-03-11 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:Checking         2765.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-20 * "TQL" "Load 4, not factored"
  invoice: "INV-4"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"

; Short pay: 100.00 short; the reserve of INV-2 (50.00) covers half, 50.00 is netted later.
2025-04-03 * "CHR" "CHR paid Summit short" ^INV-2
  factoring: "collected"
  paid: 900.00 USD

2025-04-10 * "TQL" "TQL pays part of load 4" ^INV-4
  Assets:Bank:Checking          200.00 USD
  Assets:Receivable:TQL

; Released 19 days after collection (release-days: 10).
2025-04-20 * "SUMMIT FUNDING" "Rebate INV-1" ^INV-1
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve

2025-05-01 * "CHR" "Load 5, not factored"
  invoice: "INV-5"
  due: 2025-05-31
  Assets:Receivable:CHR         800.00 USD
  Income:Freight

; Charged back 96 days after funding: the reserve (150.00) is kept, 2,850.00 netted later.
2025-06-15 * "Summit" "Chargeback INV-3" ^INV-3
  factoring: "chargeback"

2025-06-16 * "Echo" "Load 6"
  invoice: "INV-6"
  Assets:Receivable:Echo       4000.00 USD
  Income:Freight

2025-06-17 * "Summit" "Schedule S2" ^INV-6
  factoring: "schedule"
  schedule: "S2"

; 3,800.00 advance - 80.00 fee - 25.00 - 2,850.00 chargeback - 50.00 short pay = 795.00.
2025-06-20 * "SUMMIT FUNDING" "ACH S2, less chargeback and short pay" ^INV-2 ^INV-3
  schedule: "S2"
  Assets:Bank:Checking          795.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-30 balance Assets:Factoring:Summit:Reserve      200.00 USD
"""

PINE = """
2025-01-01 custom "factoring-agreement" "Pine"
  advance-rate: 0.90
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  recourse-days: 60
  release-days: 5
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load P1"
  invoice: "P-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

; 90% of 1,000.00, no fee up front; reserve 100.00.
2025-03-01 * "PINE" "Advance P-1" ^P-1
  Assets:Bank:Checking          900.00 USD
  Assets:Factoring:Pine:Clearing

; 35 days: 1.75% + 0.5% = 22.50 (17.50 base, 5.00 late), taken from the reserve.
2025-04-05 * "TQL" "TQL paid Pine" ^P-1
  factoring: "collected"

2025-04-10 * "PINE" "Rebate P-1" ^P-1
  Assets:Bank:Checking           77.50 USD
  Assets:Factoring:Pine:Reserve
"""

# The same events under the loan model (docs/ledger.md 6.8): the same cash and fees;
# the invoices stay on the receivable accounts until the debtor pays the factor.
SUMMIT_LOAN = SUMMIT.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n', 1)

# Receivable credits summed per account and schedule (detail "item"): schedule S1 on
# two customers, S2 on one; a deposit that funds both schedules out of clearing, two
# invoices straight out of TQL's receivable, and nets the chargeback of G-0, also on
# TQL, whose face is back on the receivable: each invoice's share must be its own.
GROUPED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load G-0"
  invoice: "G-0"
  Assets:Receivable:TQL         300.00 USD
  Income:Freight

; G-0 alone, from the receivable: 285.00 - 6.00 fee - 25.00 = 254.00; reserve 15.00.
2025-03-02 * "SUMMIT FUNDING" "ACH G-0" ^G-0
  Assets:Bank:Checking          254.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-03 * "TQL" "Load G-1"
  invoice: "G-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load G-2"
  invoice: "G-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load G-3"
  invoice: "G-3"
  Assets:Receivable:CHR         500.00 USD
  Income:Freight

2025-03-03 * "CHR" "Load G-4"
  invoice: "G-4"
  Assets:Receivable:CHR        1500.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load G-5"
  invoice: "G-5"
  Assets:Receivable:TQL         400.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load G-6"
  invoice: "G-6"
  Assets:Receivable:TQL         600.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load G-7"
  invoice: "G-7"
  Assets:Receivable:TQL         700.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load G-8"
  invoice: "G-8"
  Assets:Receivable:TQL         300.00 USD
  Income:Freight

; Receivable:TQL -3,000.00 (G-1, G-2), Receivable:CHR -2,000.00 (G-3, G-4).
2025-03-04 * "Summit" "Schedule S1" ^G-1 ^G-2 ^G-3 ^G-4
  factoring: "schedule"
  schedule: "S1"

; Receivable:TQL -1,000.00 (G-7, G-8).
2025-03-05 * "Summit" "Schedule S2" ^G-7 ^G-8
  factoring: "schedule"
  schedule: "S2"

; Receivable:TQL +300.00 back; the reserve (15.00) is kept, 285.00 netted later.
2025-03-06 * "Summit" "Chargeback G-0" ^G-0
  factoring: "chargeback"
  reason: "broker-claim"

; S1 and S2 out of clearing (6,000.00), G-5 and G-6 straight out of the receivable
; (Receivable:TQL -1,000.00): 7,000.00 at 95% = 6,650.00 - 140.00 fee (2%)
; - 25.00 transfer fee - 285.00 chargeback of G-0 = 6,200.00.
2025-03-10 * "SUMMIT FUNDING" "ACH S1, S2, G-5, G-6 less G-0" ^G-0 ^G-5 ^G-6
  schedule: "S1, S2"
  Assets:Bank:Checking         6200.00 USD
  Assets:Factoring:Summit:Clearing
"""

LEDGERS = {
    "SUMMIT": full(SUMMIT),
    "SUMMIT-loan": full(SUMMIT_LOAN),
    "SUMMIT-invoice-detail": full(SUMMIT, "{'detail': 'invoice'}"),
    "PINE": full(PINE),
    "BOTH": full(SUMMIT + PINE),
    "GROUPED": full(GROUPED),
    "GROUPED-invoice-detail": full(GROUPED, "{'detail': 'invoice'}"),
}
