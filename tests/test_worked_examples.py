"""The worked examples of the sources, reproduced with their numbers.

- research/domain.md §3.4, entries 1, 2, 4 and 6 (sale model);
- seeds/001: transfer to the factor, receipt with fee and retention,
  retention release, recourse reversal;
- seeds/003: the intermediary account nets to zero.
"""

from __future__ import annotations

from decimal import Decimal

from ledgers import assert_includes, balance, legs, load, txn

D = Decimal

RTS = """
2025-01-01 open Assets:Receivable:Factored:TQL
2025-01-01 open Assets:Receivable:Factored:QuickLane
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.95
  fee: "tiered 2%/30d + 0.5%/10d"
  transfer-fee: 25.00 USD
  recourse-days: 90
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  recourse-receivables: Assets:Receivable:Recourse
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  transfer-fee-account: Expenses:Factoring:RTS:TransferFees
"""

ENTRY_1 = """
2025-03-03 * "TQL" "INV-1001 load TQL-88412"
  invoice: "inv-1001"
  Assets:Receivable:Factored:TQL        2000.00 USD
  Income:Freight:Linehaul              -2000.00 USD
"""

ENTRY_2_AS_WRITTEN = """
2025-03-04 * "RTS Financial" "Schedule 10452 purchase" ^inv-1001
  Assets:Bank:Checking                  1835.00 USD
  Assets:Factor:RTS:Clearing
"""

ENTRY_4_AS_WRITTEN = """
2025-04-07 * "TQL" "Paid to RTS, ACH4471922" ^inv-1001
  factoring: "collected"

2025-04-11 * "RTS Financial" "Rebate" ^inv-1001
  Assets:Bank:Checking                    90.00 USD
  Assets:Factor:RTS:Reserve
"""


def test_domain_entries_1_2_4():
    entries, errors = load(RTS + ENTRY_1 + ENTRY_2_AS_WRITTEN + ENTRY_4_AS_WRITTEN)
    assert errors == []
    assert_includes(
        """
        2025-03-03 * "TQL" "INV-1001 load TQL-88412" ^inv-1001
          Assets:Receivable:Factored:TQL        2000.00 USD
          Income:Freight:Linehaul              -2000.00 USD

        2025-03-04 * "RTS Financial" "Schedule 10452 purchase" ^inv-1001
          Assets:Bank:Checking                  1835.00 USD
          Expenses:Factoring:RTS:Discount         40.00 USD
          Expenses:Factoring:RTS:TransferFees     25.00 USD
          Assets:Factor:RTS:Reserve              100.00 USD
          Assets:Receivable:Factored:TQL       -2000.00 USD

        2025-04-11 * "RTS Financial" "Rebate" ^inv-1001
          Assets:Bank:Checking                    90.00 USD
          Expenses:Factoring:RTS:Discount         10.00 USD
          Assets:Factor:RTS:Reserve             -100.00 USD
        """,
        entries,
    )
    funding = txn(entries, "Schedule 10452 purchase")
    parts = {p.meta["factoring-part"]: p.meta.get("invoice") for p in funding.postings[1:]}
    assert parts == {
        "face": "inv-1001",
        "discount-fee": "inv-1001",
        "reserve": "inv-1001",
        "transfer-fee": None,
    }
    late = [p for p in txn(entries, "Rebate").postings if p.account.endswith("Discount")]
    assert late[0].meta == {"invoice": "inv-1001", "factoring-part": "late-fee"}
    assert balance(entries, "Assets:Factor:RTS:Reserve") == 0
    assert balance(entries, "Assets:Receivable:Factored:TQL") == 0


def test_domain_entry_6_chargeback_netted_from_the_next_funding():
    # INV-0931, $1,250 to QuickLane at 97% advance and a flat fee at purchase:
    # the factor recovers the $1,212.50 advance; it keeps the $37.50 reserve.
    entries, errors = load(
        """
2024-11-01 open Assets:Bank:Checking
2024-11-01 open Assets:Receivable:Factored:QuickLane
2024-11-01 open Assets:Receivable:Factored:TQL
2024-11-01 open Income:Freight:Linehaul

2024-11-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 2.5%"
  recourse-days: 90
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  recourse-receivables: Assets:Receivable:Recourse
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount

2024-12-02 * "QuickLane" "INV-0931"
  invoice: "INV-0931"
  Assets:Receivable:Factored:QuickLane   1250.00 USD
  Income:Freight:Linehaul

2024-12-03 * "RTS Financial" "Purchase INV-0931" ^INV-0931
  Assets:Bank:Checking                   1181.25 USD
  Assets:Factor:RTS:Clearing

2025-06-03 * "RTS Financial" "Chargeback INV-0931 (QuickLane)" ^INV-0931
  factoring: "chargeback"

2025-06-01 * "TQL" "INV-1001"
  invoice: "INV-1001"
  Assets:Receivable:Factored:TQL         2000.00 USD
  Income:Freight:Linehaul

2025-06-04 * "RTS Financial" "Funding less recourse" ^INV-1001 ^INV-0931
  Assets:Bank:Checking                    677.50 USD
  Assets:Factor:RTS:Clearing
""",
        opens=False,
    )
    assert errors == []
    assert legs(txn(entries, "Chargeback INV-0931 (QuickLane)")) == [
        ("Assets:Factor:RTS:Clearing", D("-1212.50"), "INV-0931", "chargeback"),
        ("Assets:Factor:RTS:Reserve", D("-37.50"), "INV-0931", "chargeback"),
        ("Assets:Receivable:Recourse:QuickLane", D("1250.00"), "INV-0931", "chargeback"),
    ]
    # 1940 advance - 50 fee - 1212.50 recourse = 677.50.
    assert ("Assets:Factor:RTS:Clearing", D("1212.50"), "INV-0931", "chargeback") in legs(
        txn(entries, "Funding less recourse")
    )
    assert balance(entries, "Assets:Factor:RTS:Clearing") == 0
    assert balance(entries, "Assets:Receivable:Recourse:QuickLane") == D("1250.00")


SEED_001 = """
2025-01-01 open Assets:Receivable:Customers:Acme
2025-01-01 open Income:Sales

2025-01-01 custom "factoring-agreement" "Universal"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  bank: Assets:Bank:Checking
  clearing: Assets:Factor:Control
  reserve: Assets:Factor:Retentions
  fees: Expenses:Factoring:Fees

2025-05-01 * "Acme Supply" "Sales invoice S-100"
  invoice: "S-100"
  Assets:Receivable:Customers:Acme    10000.00 USD
  Income:Sales

2025-05-01 * "Acme Supply" "Sales invoice S-101"
  invoice: "S-101"
  Assets:Receivable:Customers:Acme     4000.00 USD
  Income:Sales

2025-05-01 * "Universal" "Transfer to the factor" ^S-100 ^S-101
  factoring: "schedule"
  schedule: "D-0501"

2025-05-02 * "Universal" "Receipt from the factor"
  schedule: "D-0501"
  Assets:Bank:Checking                12180.00 USD
  Assets:Factor:Control
"""


def test_seed_001_transfer_receipt_release_recourse():
    entries, errors = load(
        SEED_001
        + """
2025-06-01 * "Acme Supply" "Acme paid the factor" ^S-100
  factoring: "collected"

2025-06-03 * "Universal" "Retention release" ^S-100
  Assets:Bank:Checking                 1000.00 USD
  Assets:Factor:Retentions

2025-08-04 * "Universal" "Recourse S-101" ^S-101
  factoring: "chargeback"
"""
    )
    assert errors == []
    # Transfer: debit the factor control account with the total, credit receivables:
    # both invoices are Acme's, so one credit, 10,000.00 + 4,000.00, the links naming them.
    transfer = txn(entries, "Transfer to the factor")
    assert legs(transfer) == [
        ("Assets:Factor:Control", D("14000.00"), None, "face"),
        ("Assets:Receivable:Customers:Acme", D("-14000.00"), None, "face"),
    ]
    assert {"S-100", "S-101"} <= transfer.links
    # Receipt: debit bank, fees and retentions; credit the control account with the total.
    receipt = txn(entries, "Receipt from the factor")
    assert sum(
        p.units.number for p in receipt.postings if p.account == "Expenses:Factoring:Fees"
    ) == D("420.00")
    assert sum(
        p.units.number for p in receipt.postings if p.account == "Assets:Factor:Retentions"
    ) == D("1400.00")
    assert sum(
        p.units.number for p in receipt.postings if p.account == "Assets:Factor:Control"
    ) == D("-14000.00")
    # Release: debit bank, credit retentions.
    assert legs(txn(entries, "Retention release")) == [
        ("Assets:Bank:Checking", D("1000.00"), None, None),
        ("Assets:Factor:Retentions", D("-1000.00"), "S-100", "reserve-release"),
    ]
    # Recourse: reinstate the receivable, credit the control account; the amount
    # less the retention is deducted from the next payment.
    assert legs(txn(entries, "Recourse S-101")) == [
        ("Assets:Factor:Control", D("-3600.00"), "S-101", "chargeback"),
        ("Assets:Factor:Retentions", D("-400.00"), "S-101", "chargeback"),
        ("Assets:Receivable:Customers:Acme", D("4000.00"), "S-101", "chargeback"),
    ]
    assert balance(entries, "Assets:Receivable:Customers:Acme") == D("4000.00")
    assert balance(entries, "Assets:Factor:Control") == D("-3600.00")
    assert balance(entries, "Assets:Factor:Retentions") == 0


def test_seed_003_intermediary_account_nets_to_zero():
    entries, errors = load(
        """
2025-01-01 open Assets:Receivable:Customers:Oy-Nordic
2025-01-01 open Assets:Receivable:Customers:Oy-Baltic
2025-01-01 open Income:Sales

2025-01-01 custom "factoring-agreement" "Finance Company"
  advance-rate: 1.00
  fee: "flat 1.2%"
  recourse-days: 0
  bank: Assets:Bank:Checking
  clearing: Assets:Intermediary:Factoring
  fees: Expenses:Factoring:Fees

2025-02-03 * "Oy Nordic" "Invoice 5001"
  invoice: "5001"
  Assets:Receivable:Customers:Oy-Nordic   1240.00 EUR
  Income:Sales

2025-02-03 * "Oy Baltic" "Invoice 5002"
  invoice: "5002"
  Assets:Receivable:Customers:Oy-Baltic    620.00 EUR
  Income:Sales

2025-02-03 * "Finance Company" "Invoices transferred" ^5001 ^5002
  factoring: "schedule"
  schedule: "2025-02-03"

2025-02-05 * "FINANCE COMPANY" "Lump-sum payment" ^sched-2025-02-03
  Assets:Bank:Checking                    1837.68 EUR
  Assets:Intermediary:Factoring
"""
    )
    assert errors == []
    assert balance(entries, "Assets:Intermediary:Factoring") == 0
    assert balance(entries, "Assets:Receivable:Customers:Oy-Nordic") == 0
    assert balance(entries, "Assets:Receivable:Customers:Oy-Baltic") == 0
    # The finance company's fee voucher: 1.2% of 1240 and of 620, 14.88 + 7.44.
    lump = txn(entries, "Lump-sum payment")
    fees = [p.units.number for p in lump.postings if "Fees" in p.account]
    assert fees == [D("22.32")]
    assert lump.links == {"5001", "5002", "sched-2025-02-03"}
