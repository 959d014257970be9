"""A release the factor netted against a fee of its reserve ledger that names no invoice.

Pinecrest holds 3% of RF-1 and RF-2 (2,430.00 each): 72.90 + 72.90 = 145.80. Both are
paid on 2025-07-10. On 2025-07-18 its escrow ledger lists a 25.00 escrow fee naming no
invoice and the weekly rebate, 145.80 less the fee: 120.80, which the bank statement
shows. The reserve importer (`releases=False`) writes the fee as Fees 25.00 / Reserve
-25.00; the bank line of 120.80 names nothing and matches no open item (the reserves due
are 145.80). The FCT101 must say which fee makes the difference and what to write.

Written as it says (the fee a `fee` event the release nets), the books are right by hand:
Bank +120.80 for the rebate; Reserve +145.80 at funding, -145.80 released: 0.00; the
fee 25.00 on Fees; Clearing -25.00 owed for the fee, +25.00 netted by the release: 0.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import profiles
from beancount_factoring.importers.factor import FactorReportImporter
from tests.ledgers import balance, codes, load

HEAD = """
2025-07-01 open Assets:Bank:Checking
2025-07-01 open Assets:Receivable:Bayline
2025-07-01 open Income:Freight

2025-07-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  reserve-rate: 0.03
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST CAP"
  bank: Assets:Bank:Checking

2025-07-01 * "Bayline" "Load 1"
  invoice: "RF-1"
  Assets:Receivable:Bayline   2430.00 USD
  Income:Freight

2025-07-01 * "Bayline" "Load 2"
  invoice: "RF-2"
  Assets:Receivable:Bayline   2430.00 USD
  Income:Freight

2025-07-02 * "Pinecrest Capital" "Schedule 58801" ^RF-1 ^RF-2
  factoring: "schedule"
  schedule: "58801"

2025-07-02 * "PINECREST CAP" "ACH"
  Assets:Bank:Checking   4568.40 USD
  Assets:Factoring:Pinecrest:Clearing

2025-07-10 * "Bayline" "Paid Pinecrest" ^RF-1
  factoring: "collected"
  factor: "Pinecrest"

2025-07-10 * "Bayline" "Paid Pinecrest" ^RF-2
  factoring: "collected"
  factor: "Pinecrest"
"""
# As the reserve importer writes the fee row (no invoice).
FEE_FROM_RESERVE = """
2025-07-18 * "Pinecrest Capital" "Escrow fee, 58899"
  factor: "Pinecrest"
  Expenses:Factoring:Pinecrest:Fees     25.00 USD
  Assets:Factoring:Pinecrest:Reserve   -25.00 USD
"""
# As the FCT101 says to write it.
FEE_EVENT = """
2025-07-18 * "Pinecrest Capital" "Escrow fee, 58899"
  factoring: "fee"
  factor: "Pinecrest"
  charge: "other"
  amount: 25.00 USD
"""
REBATE = """
2025-07-18 * "PINECREST CAP" "ACH rebate"
  Assets:Bank:Checking   120.80 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def _load(text: str):
    return load(text, opens=False)


def test_the_fct101_names_the_fee_and_what_to_write():
    _, errors = _load(HEAD + FEE_FROM_RESERVE + REBATE)
    assert codes(errors) == ["FCT101"]
    message = errors[0].message
    assert "fee of 25.00 USD" in message and "2025-07-18" in message
    assert 'factoring: "fee"' in message and 'charge: "other"' in message
    assert "amount: 25.00 USD" in message


def test_written_as_the_message_says_the_books_are_right():
    entries, errors = _load(HEAD + FEE_EVENT + REBATE)
    assert codes(errors) == []
    assert balance(entries, "Assets:Bank:Checking") == Decimal("4689.20")  # 4568.40 + 120.80
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("0.00")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")
    # 145.80 discount fees at purchase (3% of 4,860.00) and the 25.00 escrow fee, once.
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("170.80")


# RF-3 (2,430.00, reserve 72.90) is bought on 07-03 and still held on 07-18: the reserve
# does not go below zero whatever is written.
RF3 = """
2025-07-01 * "Bayline" "Load 3"
  invoice: "RF-3"
  Assets:Receivable:Bayline   2430.00 USD
  Income:Freight

2025-07-03 * "Pinecrest Capital" "Schedule 58802" ^RF-3
  factoring: "schedule"
  schedule: "58802"

2025-07-03 * "PINECREST CAP" "ACH"
  Assets:Bank:Checking   2284.20 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def test_the_fct101_says_the_fee_event_replaces_the_imported_fee():
    # The message said to write the fee as a fee event, and not that the event takes the
    # place of the imported Fees / Reserve entry. Written beside it, the fee counted
    # twice with no error once the reserve held more than the fee (RF-3's 72.90): Fees
    # 268.70 (3 x 72.90 + 25.00 + 25.00, not 243.70), the reserve 47.90 (not 72.90).
    # The message now says to write the event in place of that entry, which it names by
    # file and line.
    _, errors = _load(HEAD + RF3 + FEE_FROM_RESERVE + REBATE)
    assert codes(errors) == ["FCT101"]
    message = errors[0].message
    assert "in place of the transaction at <string>:" in message
    assert "delete that transaction" in message
    # Written as it says: the books are right by hand.
    entries, errors = _load(HEAD + RF3 + FEE_EVENT + REBATE)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("72.90")
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("243.70")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")


def test_the_fee_row_imported_again_is_the_fee_event():
    # The statement imported again once the fee is written as the message says: its fee
    # row (Fees 25.00 / Reserve -25.00, an import-id the ledger no longer holds) is the
    # fee event's duplicate, not a second fee.
    existing, errors = _load(HEAD + FEE_EVENT + REBATE)
    assert codes(errors) == []
    meta = data.new_metadata("escrow_2025-07.csv", 7)
    meta.update({"import-id": "pinecrest-reserve-fee-1", "factor": "Pinecrest"})
    legs = [
        ("Expenses:Factoring:Pinecrest:Fees", "25.00"),
        ("Assets:Factoring:Pinecrest:Reserve", "-25.00"),
    ]
    postings = [
        data.Posting(account, Amount(Decimal(n), "USD"), None, None, None, None)
        for account, n in legs
    ]
    row = data.Transaction(
        meta, datetime.date(2025, 7, 18), "*", "Pinecrest Capital", "Escrow fee, 58899",
        frozenset(), frozenset(), postings,
    )  # fmt: skip
    importer = FactorReportImporter(
        profiles.PINECREST, "Pinecrest", bank="Assets:Bank:Checking", releases=False
    )
    importer.deduplicate([row], existing)
    assert row.meta["__duplicate__"].meta.get("factoring") == "fee"
