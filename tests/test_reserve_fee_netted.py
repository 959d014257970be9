"""A release the factor netted against a fee of its reserve ledger that names no invoice.

Pinecrest holds 3% of RF-1 and RF-2 (2,430.00 each): 72.90 + 72.90 = 145.80. Both are
paid on 2025-07-10. On 2025-07-18 its escrow ledger lists a 25.00 escrow fee naming no
invoice and the weekly rebate, 145.80 less the fee: 120.80, which the bank statement
shows. The reserve importer (`releases=False`) writes the fee as Fees 25.00 / Reserve
-25.00; the bank line of 120.80 names nothing. It is the release of RF-1 and RF-2 less
that fee, which the reserve account no longer holds: the plugin books it so, Bank
+120.80, Reserve -72.90 -72.90 released and +25.00 for the fee the imported entry took
already. By hand: Reserve +145.80 at funding, -25.00 the fee, -120.80 the rebate: 0.00;
Fees 145.80 at purchase (3% of 4,860.00) + 25.00 the escrow fee, once: 170.80; Clearing
untouched by the rebate: 0.00. (Before, this was FCT101 naming the fee and what to write.)

Written as a fee event the release nets instead, the books are the same: Bank +120.80;
Reserve +145.80 at funding, -145.80 released: 0.00; the fee 25.00 on Fees; Clearing
-25.00 owed for the fee, +25.00 netted by the release: 0.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from beancount import loader
from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import profiles
from beancount_factoring.importers.factor import FactorReportImporter
from beancount_factoring.ledger.book import read_book
from beancount_factoring.reports import compute
from beancount_factoring.reports.facts import plugin_config, roots_of
from beancount_factoring.settlement.engine import settle
from tests.ledgers import balance, codes, legs, load, txn

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


def test_the_release_less_the_imported_fee_is_matched():
    entries, errors = _load(HEAD + FEE_FROM_RESERVE + REBATE)
    assert codes(errors) == []
    rebate = txn(entries, "ACH rebate")
    assert rebate.links == frozenset({"RF-1", "RF-2"})
    # The releases summed (detail: "item"), and the fee the reserve no longer holds.
    assert legs(rebate) == [
        ("Assets:Bank:Checking", Decimal("120.80"), None, None),
        ("Assets:Factoring:Pinecrest:Reserve", Decimal("-145.80"), None, "reserve-release"),
        ("Assets:Factoring:Pinecrest:Reserve", Decimal("25.00"), None, "other-fee"),
    ]
    assert balance(entries, "Assets:Bank:Checking") == Decimal("4689.20")  # 4568.40 + 120.80
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("0.00")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("170.80")


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


def test_the_fee_is_counted_once_while_another_invoice_holds_a_reserve():
    # RF-3's 72.90 is still held: the rebate takes RF-1's and RF-2's reserves, the fee
    # stays the imported entry's alone. Fees 3 x 72.90 + 25.00 = 243.70; the reserve
    # 3 x 72.90 - 25.00 - 120.80 = 72.90, RF-3's.
    entries, errors = _load(HEAD + RF3 + FEE_FROM_RESERVE + REBATE)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("72.90")
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("243.70")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")
    # The fee event written as the FCT101 used to say, in place of the imported entry:
    # the same books.
    entries, errors = _load(HEAD + RF3 + FEE_EVENT + REBATE)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("72.90")
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("243.70")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")


def test_a_release_that_links_its_invoices_less_the_fee_is_matched():
    # Linked ^RF-1 ^RF-2, the rebate of 120.80 was FCT140 (expected 145.80).
    linked = REBATE.replace('"ACH rebate"', '"ACH rebate" ^RF-1 ^RF-2')
    entries, errors = _load(HEAD + FEE_FROM_RESERVE + linked)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("0.00")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == Decimal("170.80")
    # Written on the reserve account by hand, the same.
    by_hand = linked.replace(
        "Assets:Factoring:Pinecrest:Clearing", "Assets:Factoring:Pinecrest:Reserve"
    )
    entries, errors = _load(HEAD + FEE_FROM_RESERVE + by_hand)
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("0.00")


def test_the_fee_nets_one_release_only():
    # RF-3 paid on 07-20; a rebate of 47.90 on 07-25 is its 72.90 less 25.00, but the
    # fee was netted by the rebate of 07-18: FCT101, the fee not taken twice.
    later = """
2025-07-20 * "Bayline" "Paid Pinecrest" ^RF-3
  factoring: "collected"
  factor: "Pinecrest"

2025-07-25 * "PINECREST CAP" "ACH rebate 2"
  Assets:Bank:Checking   47.90 USD
  Assets:Factoring:Pinecrest:Clearing
"""
    _, errors = _load(HEAD + RF3 + FEE_FROM_RESERVE + REBATE + later)
    assert codes(errors) == ["FCT101"]
    assert "fee" not in errors[0].message


def test_a_release_that_fits_two_sets_less_the_fee_says_to_link_them():
    # RF-2 paid a day later: two release items of 72.90. 47.90 is either less the 25.00
    # fee: which one the plugin cannot tell. The FCT101 names the fee and says to link
    # the invoice it releases.
    head = HEAD.replace(
        '2025-07-10 * "Bayline" "Paid Pinecrest" ^RF-2',
        '2025-07-11 * "Bayline" "Paid Pinecrest" ^RF-2',
    )
    short = REBATE.replace("120.80", "47.90")
    _, errors = _load(head + FEE_FROM_RESERVE + short)
    assert codes(errors) == ["FCT101"]
    message = errors[0].message
    assert "fee of 25.00 USD" in message and "2025-07-18" in message
    assert "in place of" not in message
    assert "^RF-1" in message and "^RF-2" in message
    # Linked as it says, the release of RF-1 less the fee: RF-2 still holds 72.90.
    entries, errors = _load(head + FEE_FROM_RESERVE + short.replace('rebate"', 'rebate" ^RF-1'))
    assert codes(errors) == []
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == Decimal("72.90")
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == Decimal("0.00")


def test_the_output_settled_again_as_the_reports_do_is_the_same():
    # A cached load is settled again from the plugin's output (reports/facts.py).
    for detail in ("invoice", "item"):
        config = f"{{'detail': '{detail}'}}"
        entries, errors, options = loader.load_string(
            f'plugin "beancount_factoring.plugin" "{config}"\n'
            + HEAD
            + RF3
            + FEE_FROM_RESERVE
            + REBATE
        )
        assert errors == []
        settings, _ = plugin_config(options)
        book = read_book(entries, roots_of(options))
        again = settle(book, settings)
        assert again.errors == []
        lumps = [event for event in book.events if event.kind in ("lump", "release")]
        assert all(list(again.replaced[e.index].postings) == list(e.entry.postings) for e in lumps)


def test_the_reserve_report_explains_the_account_after_the_rebate():
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + HEAD + RF3 + FEE_FROM_RESERVE + REBATE
    )
    assert errors == []
    (factor,) = compute(entries, options, errors).reserve(as_of=datetime.date(2025, 7, 18)).factors
    assert (factor.held, factor.account_balance, factor.unexplained) == (
        Decimal("72.90"),
        Decimal("72.90"),
        0,
    )


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
