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

from decimal import Decimal

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
