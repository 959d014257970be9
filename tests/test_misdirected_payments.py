"""Payments that reach us for invoices the factor bought (sale model) or holds (loan model).

TQL ignores the notice of assignment and pays INV-1001 (2,000.00) to us. Summit
bought it at 95% with a flat 2% fee: advance 2000.00 * 0.95 = 1,900.00, fee
2000.00 * 2% = 40.00, so the funding brings 1,900.00 - 40.00 = 1,860.00 and the
reserve holds 2000.00 - 1900.00 = 100.00. The cash TQL sent us is Summit's: a
plain bank line that credits the receivable is FCT136; the ``misdirected-payment``
event books it to ``Liabilities:Factoring:Summit:DueToFactor`` until we forward it
or Summit nets it from a later deposit, and Summit's ``collected`` report then closes
the invoice without booking the cash again.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring import cli
from beancount_factoring.reports import compute
from beancount_factoring.reports.model import (
    FORWARDED,
    ITEM_MISDIRECTED,
    PAID_TO_US,
)

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
day = datetime.date
BANK = "Assets:Bank:Checking"
TQL = "Assets:Receivable:TQL"
CHR = "Assets:Receivable:CHR"
DUE = "Liabilities:Factoring:Summit:DueToFactor"
ADVANCES = "Liabilities:Factoring:Summit:Advances"
CLEARING = "Assets:Factoring:Summit:Clearing"
RESERVE = "Assets:Factoring:Summit:Reserve"
FEES = "Expenses:Factoring:Summit:Fees"

SOLD = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 10452" ^INV-1001
  factoring: "schedule"
  schedule: "10452"

2025-03-05 * "SUMMIT FUNDING" "Funding of schedule 10452" ^sched-10452
  Assets:Bank:Checking          1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
PLAIN = """
2025-04-10 * "TQL" "TQL paid us for INV-1001" ^INV-1001
  Assets:Bank:Checking          2000.00 USD
  Assets:Receivable:TQL
"""
MISDIRECTED = """
2025-04-10 * "TQL" "TQL paid us for INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD
"""
FORWARD = """
2025-04-11 * "Summit" "Forward TQL's payment to Summit" ^INV-1001
  Liabilities:Factoring:Summit:DueToFactor   2000.00 USD
  Assets:Bank:Checking
"""
COLLECTED = """
2025-04-14 * "Summit" "Summit reports INV-1001 collected" ^INV-1001
  factoring: "collected"
"""
RELEASE = """
2025-04-15 * "SUMMIT FUNDING" "Reserve release" ^INV-1001
  Assets:Bank:Checking           100.00 USD
  Assets:Factoring:Summit:Reserve
"""
# A later funding nets the 2,000.00 owed: INV-1002, 3,000.00 to CHR, brings
# 3000.00 * 0.95 = 2,850.00 - fee 3000.00 * 2% = 60.00 = 2,790.00; less 2,000.00 = 790.00.
SECOND = """
2025-04-12 * "CHR" "Load CHR-5531"
  invoice: "INV-1002"
  Assets:Receivable:CHR        3000.00 USD
  Income:Freight

2025-04-13 * "Summit" "Schedule 10460" ^INV-1002
  factoring: "schedule"
  schedule: "10460"
"""
NETTED = """
2025-04-14 * "SUMMIT FUNDING" "Funding of 10460 less TQL's payment" ^sched-10460 ^INV-1001
  Assets:Bank:Checking           790.00 USD
  Assets:Factoring:Summit:Clearing
"""
NETTED_UNNAMED = """
2025-04-14 * "SUMMIT FUNDING" "ACH deposit"
  Assets:Bank:Checking           790.00 USD
  Assets:Factoring:Summit:Clearing
"""
# The whole life, forwarded: used by the property test of the two models too.
LEDGER = SOLD + MISDIRECTED + FORWARD + COLLECTED + RELEASE
# (Summit reports the collection after the netting deposit: on the same day, the
# deposit that links INV-1001 would also have to release its reserve.)
LATER = COLLECTED.replace("04-14", "04-15") + RELEASE.replace("04-15", "04-16")
LEDGER_NETTED = SOLD + MISDIRECTED + SECOND + NETTED + LATER


def loan(text: str) -> str:
    return text.replace("  advance-rate: 0.95\n", '  advance-rate: 0.95\n  model: "loan"\n')


MODELS = pytest.mark.parametrize("model", ["sale", "loan"])


def ledger(text: str, model: str) -> str:
    return loan(text) if model == "loan" else text


@MODELS
def test_a_plain_bank_line_for_the_factors_invoice_is_fct136(model):
    entries, errors = load(ledger(SOLD + PLAIN, model))
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert "INV-1001" in message and "'Summit'" in message
    assert 'factoring: "misdirected-payment"' in message and DUE in message
    assert errors[0].source["lineno"] > 0
    if model == "sale":
        # Schedule -2,000.00, payment -2,000.00: 2000 - 2000 - 2000 = -2,000.00, the
        # silent wrong balance the error is about.
        assert "sold to" in message and "below zero" in message
        assert balance(entries, TQL) == D("-2000.00")
    else:
        # Pledged: the receivable is 2000 - 2000 = 0, but the advance of 2,000.00 still
        # stands, with nothing left to repay it: wrong too.
        assert "pledged to" in message and "advance" in message
        assert balance(entries, ADVANCES) == D("-2000.00")


def test_a_payment_after_the_factor_collected_is_a_double_payment():
    _, errors = load(SOLD + COLLECTED + PLAIN.replace("04-10", "04-20"))
    assert codes(errors) == ["FCT136"]
    assert "paid twice" in errors[0].message


def test_a_payment_on_a_charged_back_invoice_is_ours():
    # A dispute (a chargeback for nonpayment before recourse-days have run is FCT137).
    chargeback = """
2025-04-01 * "Summit" "INV-1001 charged back" ^INV-1001
  factoring: "chargeback"
  reason: "broker-claim"
"""
    entries, errors = load(SOLD + chargeback + PLAIN)
    assert errors == []
    # Back on the receivable: 2000 - 2000 (schedule) + 2000 (chargeback) - 2000 (paid) = 0.
    assert balance(entries, TQL) == 0


@pytest.mark.parametrize("payment_first", [True, False])
def test_a_payment_on_the_day_of_the_chargeback_is_ours(payment_first):
    # TQL pays us on April 10, the day Summit charges INV-1001 back. Applied before the
    # chargeback (payments to us come first in a day), it was FCT136, the factor's; marked
    # a misdirected payment as that error said, the chargeback of an invoice paid to us
    # in full was FCT136 in turn. A plain payment of the invoice a chargeback of the day
    # returns to us comes after it: 2000 + 2000 (chargeback) - 2000 (paid) - 2000 = 0.
    chargeback = """
2025-04-10 * "Summit" "INV-1001 charged back" ^INV-1001
  factoring: "chargeback"
  reason: "broker-claim"
"""
    day = PLAIN + chargeback if payment_first else chargeback + PLAIN
    entries, errors = load(SOLD + day)
    assert errors == []
    assert balance(entries, TQL) == 0
    # Summit nets 2,000.00 - 100.00 reserve = 1,900.00 from its next deposit.
    assert balance(entries, CLEARING) == D("-1900.00")


@MODELS
def test_the_event_owes_the_cash_to_the_factor(model):
    entries, errors = load(ledger(SOLD + MISDIRECTED, model))
    assert errors == []
    assert legs(txn(entries, "TQL paid us for INV-1001")) == [
        (BANK, D("2000.00"), None, None),
        (DUE, D("-2000.00"), "INV-1001", "misdirected-payment"),
    ]
    # The receivable does not move: sale 2000 - 2000 (schedule) = 0; loan 2,000.00 pledged.
    assert balance(entries, TQL) == (0 if model == "sale" else D("2000.00"))
    # Bank: 1,860.00 funding + 2,000.00 from TQL = 3,860.00.
    assert balance(entries, BANK) == D("3860.00")


def test_the_event_with_its_liability_written_is_checked():
    written = MISDIRECTED + "  Liabilities:Factoring:Summit:DueToFactor\n"
    entries, errors = load(SOLD + written)
    assert errors == []
    assert balance(entries, DUE) == D("-2000.00")
    wrong = MISDIRECTED + "  Assets:Receivable:TQL\n"
    _, errors = load(SOLD + wrong)
    assert codes(errors) == ["FCT121"]
    assert "DueToFactor" in errors[0].message


def test_the_event_on_an_invoice_the_factor_never_had_is_fct133():
    never_sold = SOLD.split('2025-03-04 * "Summit"')[0]
    _, errors = load(never_sold + MISDIRECTED)
    # Nothing is booked, so the bank line is also left unbalanced (Beancount's own error).
    assert codes(errors) == ["FCT133", "Transaction"]
    assert "INV-1001" in errors[0].message and "yours" in errors[0].message


@MODELS
def test_forwarded_then_collected_then_released(model):
    entries, errors = load(ledger(LEDGER, model))
    assert errors == []
    assert legs(txn(entries, "Summit reports INV-1001 collected")) == (
        []
        if model == "sale"
        else [
            # Loan: the factor applies the forwarded cash to the advance: 2,000.00 repaid.
            (TQL, D("-2000.00"), "INV-1001", "collection"),
            (ADVANCES, D("2000.00"), "INV-1001", "collection"),
        ]
    )
    # Bank: 1,860.00 + 2,000.00 received - 2,000.00 forwarded + 100.00 reserve = 1,960.00,
    # the same as had TQL paid Summit: 2000.00 - 40.00 fee.
    assert balance(entries, BANK) == D("1960.00")
    assert balance(entries, DUE) == 0
    assert balance(entries, FEES) == D("40.00")
    assert balance(entries, RESERVE) == 0
    assert balance(entries, TQL) == 0
    if model == "loan":
        assert balance(entries, ADVANCES) == 0


@MODELS
def test_netted_from_a_later_funding_that_links_the_invoice(model):
    entries, errors = load(ledger(LEDGER_NETTED, model))
    assert errors == []
    assert (DUE, D("2000.00"), "INV-1001", "misdirected-payment") in legs(
        txn(entries, "Funding of 10460 less TQL's payment")
    )
    # Bank: 1,860.00 + 2,000.00 + 790.00 + 100.00 = 4,750.00
    #     = (2000.00 - 40.00) + (3000.00 - 60.00 - 150.00 reserve still held).
    assert balance(entries, BANK) == D("4750.00")
    assert balance(entries, DUE) == 0
    assert balance(entries, FEES) == D("100.00")  # 40.00 + 60.00
    assert balance(entries, RESERVE) == D("150.00")  # INV-1002: 3000.00 - 2850.00


def test_netted_from_a_funding_that_names_nothing():
    # The open items: schedule 10460 (+2,790.00) and INV-1001's payment (-2,000.00): only
    # the two together make 790.00.
    text = SOLD + MISDIRECTED + SECOND + NETTED_UNNAMED
    for model in ("sale", "loan"):
        entries, errors = load(ledger(text, model))
        assert errors == []
        assert balance(entries, DUE) == 0
        deposit = txn(entries, "ACH deposit")
        assert {"INV-1001", "INV-1002", "sched-10460"} <= set(deposit.links)


def test_a_funding_that_forgets_the_payment_is_a_difference():
    # Linking only the schedule: 2,790.00 expected, 790.00 received: FCT120.
    text = SOLD + MISDIRECTED + SECOND + NETTED.replace(" ^INV-1001", "")
    _, errors = load(text)
    assert codes(errors) == ["FCT120"]
    assert "2,790.00" in errors[0].message


def test_forwarding_errors():
    unlinked = FORWARD.replace(" ^INV-1001", "")
    _, errors = load(SOLD + MISDIRECTED + unlinked)
    assert codes(errors) == ["FCT136"]
    assert "link the invoice" in errors[0].message
    _, errors = load(SOLD + MISDIRECTED + FORWARD + FORWARD.replace("04-11", "04-12"))
    assert codes(errors) == ["FCT136"]
    # Forwarded twice: 2,000.00 more than the 2,000.00 - 2,000.00 = 0.00 still owed.
    assert "2,000.00 more than" in errors[0].message
    by_hand = """
2025-04-10 * "TQL" "TQL paid us, booked by hand" ^INV-1001
  Assets:Bank:Checking          2000.00 USD
  Liabilities:Factoring:Summit:DueToFactor
"""
    _, errors = load(SOLD + by_hand)
    assert codes(errors) == ["FCT136"]
    assert "misdirected-payment" in errors[0].message


def test_a_part_forwarded_leaves_the_rest_owed():
    partial = FORWARD.replace("2000.00 USD", "1500.00 USD")
    text = SOLD + MISDIRECTED + partial + SECOND
    # Then Summit nets the 2000.00 - 1500.00 = 500.00 left: 2,790.00 - 500.00 = 2,290.00.
    text += NETTED.replace("790.00", "2290.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, DUE) == 0


@MODELS
def test_the_fee_runs_to_the_day_the_customer_paid_us(model):
    # fee: "daily 0.1%" taken at release. Funded 03-05, TQL paid us 04-10: 26 + 10 = 36
    # days, 2000.00 * 0.1% * 36 = 72.00; to Summit's report of 04-14 it would be 80.00.
    # The release brings 100.00 - 72.00 = 28.00.
    daily = SOLD.replace('fee: "flat 2%"', 'fee: "daily 0.1%"\n  fee-timing: "collection"')
    daily = daily.replace("1860.00 USD", "1900.00 USD")
    text = daily + MISDIRECTED + FORWARD + COLLECTED + RELEASE.replace("100.00 USD", "28.00 USD")
    entries, errors = load(ledger(text, model))
    assert errors == []
    assert balance(entries, FEES) == D("72.00")
    # Bank: 1,900.00 + 2,000.00 - 2,000.00 + 28.00 = 1,928.00 = 2000.00 - 72.00.
    assert balance(entries, BANK) == D("1928.00")


def reports(text: str):
    entries, errors, options_map = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + OPENS + text
    )
    return compute(entries, options_map, errors)


def open_items(book, as_of):
    # (Under the loan model nothing is on the clearing account: with no open item
    # either, the report lists no account at all.)
    accounts = book.reconcile(as_of=as_of).accounts
    return {(i.kind, i.reference): i for account in accounts for i in account.items}


def factored(book, as_of):
    return {x.invoice: x for x in book.aging(as_of=as_of).invoices if x.factor}


@MODELS
def test_reports_show_the_payment_until_forwarded_and_collected(model):
    book = reports(ledger(LEDGER, model))
    # 04-10: received, not forwarded: an open item of -2,000.00 for the next deposit,
    # on the due-to-factor account, so nothing on the clearing account.
    found = open_items(book, day(2025, 4, 10))
    item = found[(ITEM_MISDIRECTED, "INV-1001")]
    assert (item.cash, item.on_clearing, item.since) == (D("-2000.00"), 0, day(2025, 4, 10))
    assert factored(book, day(2025, 4, 10))["INV-1001"].state == PAID_TO_US
    # 04-11: forwarded; the factor has not reported it collected yet.
    assert (ITEM_MISDIRECTED, "INV-1001") not in open_items(book, day(2025, 4, 11))
    assert factored(book, day(2025, 4, 11))["INV-1001"].state == FORWARDED
    # 04-14: collected: no longer the factor's open invoice.
    assert "INV-1001" not in factored(book, day(2025, 4, 14))


def test_reports_after_netting():
    book = reports(LEDGER_NETTED)
    assert (ITEM_MISDIRECTED, "INV-1001") in open_items(book, day(2025, 4, 13))
    assert (ITEM_MISDIRECTED, "INV-1001") not in open_items(book, day(2025, 4, 14))


def test_the_renderers_show_the_payment_and_the_state(tmp_path):
    path = tmp_path / "ledger.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + LEDGER, encoding="utf-8")
    shown = {}
    for report in ("reconcile", "aging"):
        for form in ("text", "csv", "json"):
            out = io.StringIO()
            cli.main([report, str(path), "--as-of", "2025-04-10", "--format", form], out=out)
            shown[(report, form)] = out.getvalue()
    for form in ("text", "csv", "json"):
        assert ITEM_MISDIRECTED in shown[("reconcile", form)]
        assert PAID_TO_US in shown[("aging", form)]
    # The item's cash: what Summit's next deposit will keep, -2,000.00.
    found = json.loads(shown[("reconcile", "json")])
    assert "-2000.00" in json.dumps(found)


@MODELS
def test_a_paid_invoice_cannot_be_charged_back(model):
    # TQL paid us on 04-10; a chargeback of 04-20 would owe Summit 2,000.00 - 100.00
    # twice over (the advance and the cash we hold): FCT136, nothing booked.
    chargeback = """
2025-04-20 * "Summit" "INV-1001 charged back" ^INV-1001
  factoring: "chargeback"
"""
    entries, errors = load(ledger(SOLD + MISDIRECTED + chargeback, model))
    assert codes(errors) == ["FCT136"]
    assert "cannot be charged back" in errors[0].message
    assert balance(entries, CLEARING) == 0


# TQL pays us twice (a duplicate ACH): 2 x 2,000.00 for a 2,000.00 invoice. The first
# 2,000.00 is Summit's; the second is beyond the face: owed back to TQL, not to Summit,
# as its event says (without the reason it reads as the same line booked twice).
OVERPAY = '  factoring: "misdirected-payment"\n  reason: "overpay"\n'


def said_overpay(text: str) -> str:
    """The misdirected payments of ``text``, saying that the customer paid more."""
    return text.replace('  factoring: "misdirected-payment"\n', OVERPAY)


AGAIN = MISDIRECTED.replace("04-10", "04-12").replace("paid us", "paid us again")
TWICE = MISDIRECTED + said_overpay(AGAIN)
CREDITS = "Liabilities:Factoring:Summit:CustomerCredits:TQL"


@MODELS
def test_a_payment_beyond_what_is_unpaid_must_say_it_is_an_overpay(model):
    # The same 2,000.00 line booked twice (typed, then imported): the second finds
    # nothing unpaid (2,000.00 - 2,000.00 = 0.00), and would owe all of it to TQL in
    # silence. FCT133 on it, naming the customer's account; nothing of it is booked
    # (Beancount then finds its one bank leg unbalanced, as for any refused event).
    entries, errors = load(ledger(SOLD + MISDIRECTED + AGAIN, model))
    assert codes(errors) == ["FCT133", "Transaction"]
    again = txn(entries, "TQL paid us again for INV-1001")
    assert errors[0].source["lineno"] == again.meta["lineno"]
    assert "2,000.00 more than is left unpaid (0.00 of the face 2,000.00)" in errors[0].message
    assert 'say reason: "overpay"' in errors[0].message and CREDITS in errors[0].message
    assert balance(entries, CREDITS) == 0
    # A cent beyond the face: FCT133 too with no tolerance (the default); within a
    # tolerance of 0.01 it is booked, the cent owed to TQL (2,000.01 - 2,000.00).
    cent = ledger(SOLD + MISDIRECTED.replace("2000.00 USD", "2000.01 USD"), model)
    assert codes(load(cent)[1]) == ["FCT133", "Transaction"]
    entries, errors = load(cent, "{'tolerance': '0.01'}")
    assert errors == []
    assert balance(entries, CREDITS) == D("-0.01")


@MODELS
def test_payments_to_us_beyond_the_face_are_owed_to_the_customer(model):
    entries, errors = load(ledger(SOLD + TWICE + FORWARD + COLLECTED + RELEASE, model))
    assert errors == []
    assert legs(txn(entries, "TQL paid us again for INV-1001")) == [
        (BANK, D("2000.00"), None, None),
        (CREDITS, D("-2000.00"), "INV-1001", "overpay"),
    ]
    # Bank: 1,860.00 + 2,000.00 + 2,000.00 - 2,000.00 forwarded + 100.00 = 3,960.00:
    # the 1,960.00 of the invoice and the 2,000.00 owed back to TQL.
    assert balance(entries, BANK) == D("3960.00")
    assert balance(entries, CREDITS) == D("-2000.00")
    assert balance(entries, DUE) == 0
    assert balance(entries, FEES) == D("40.00")


@MODELS
def test_forwarding_the_customers_second_payment_is_an_error(model):
    forward_all = FORWARD.replace("2000.00 USD", "4000.00 USD")
    _, errors = load(ledger(SOLD + TWICE + forward_all, model))
    assert codes(errors) == ["FCT136"]
    # 4,000.00 forwarded, 2,000.00 owed to Summit: 2,000.00 too much.
    assert "2,000.00 more than the payments received" in errors[0].message


@MODELS
def test_one_payment_above_the_face_owes_the_excess_to_the_customer(model):
    above = said_overpay(MISDIRECTED.replace("2000.00 USD", "2500.00 USD"))
    entries, errors = load(ledger(SOLD + above, model))
    assert errors == []
    # 2,500.00 - 2,000.00 face = 500.00 owed back to TQL; 2,000.00 owed to Summit.
    assert legs(txn(entries, "TQL paid us for INV-1001")) == [
        (BANK, D("2500.00"), None, None),
        (CREDITS, D("-500.00"), "INV-1001", "overpay"),
        (DUE, D("-2000.00"), "INV-1001", "misdirected-payment"),
    ]


def test_a_payment_after_the_factor_collected_in_full_goes_to_the_customer():
    late = said_overpay(MISDIRECTED.replace("04-10", "04-20"))
    entries, errors = load(SOLD + COLLECTED + late)
    assert errors == []
    assert legs(txn(entries, "TQL paid us for INV-1001")) == [
        (BANK, D("2000.00"), None, None),
        (CREDITS, D("-2000.00"), "INV-1001", "overpay"),
    ]


@pytest.mark.parametrize("named", ["", " ^sched-10452 ^INV-1001"])
def test_the_funding_of_the_invoice_paid_to_you_nets_the_payment(named):
    # TQL paid us 2,000.00 for INV-1001 on 03-05, after its schedule (03-04) and before
    # Summit funded it; Summit then funds it less that payment: 2,000.00 x 0.95 - 40.00
    # - 2,000.00 = -140.00, naming nothing (found by amount) or naming the schedule and
    # the invoice. Funded once, the payment netted: the due-to-factor and the clearing
    # accounts end at 0.00.
    head = SOLD.split("\n2025-03-05")[0]
    text = (
        head
        + """
2025-03-05 * "TQL" "TQL paid us for INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD

2025-03-06 * "SUMMIT FUNDING" "ACH deposit less TQL's payment\""""
        + named
        + """
  Assets:Bank:Checking          -140.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, DUE) == balance(entries, CLEARING) == D("0.00")
    assert balance(entries, RESERVE) == D("100.00")
    assert balance(entries, FEES) == D("40.00")


def in_cad(text: str) -> str:
    return text.replace(" USD", " CAD")


# INV-1001 in CAD: TQL pays us 2,000.00 CAD, owed to Summit; the bank wires it to Summit
# in US dollars at 0.72: 2000.00 x 0.72 = 1,440.00 USD.
FORWARD_IN_USD = FORWARD.replace("2000.00 USD", "1440.00 USD")
FORWARD_CONVERTED = FORWARD.replace("2000.00 USD", "2000.00 CAD @ 0.72 USD")


def test_a_forward_in_another_currency_than_the_payment_is_fct136():
    # 1,440.00 USD is no part of the 2,000.00 CAD owed: taken as one, 2,000.00 -
    # 1,440.00 = 560.00 was left "to forward" with no error.
    text = in_cad(SOLD + MISDIRECTED) + FORWARD_IN_USD
    _, errors = load(text)
    assert codes(errors) == ["FCT136"]
    # The forward's line: after the plugin's line and the opens of ``load``.
    source = ["plugin", *OPENS.splitlines(), *text.splitlines()]
    forward = next(n for n, line in enumerate(source, 1) if "Forward TQL's payment" in line)
    assert errors[0].source["lineno"] == forward
    assert errors[0].message == (
        "FCT136 This transaction forwards 1,440.00 USD to 'Summit' for INV-1001, whose "
        "payment is owed in CAD (2,000.00 CAD): forward it in CAD, at the rate of the "
        "conversion if the bank converted it (Liabilities:Factoring:Summit:DueToFactor  "
        "2000.00 CAD @ 0.72 USD)"
    )
    # Forwarded in CAD at the rate, it books cleanly: the 2,000.00 CAD owed is paid.
    text = in_cad(SOLD + MISDIRECTED) + FORWARD_CONVERTED + in_cad(COLLECTED + RELEASE)
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, DUE) == 0


def test_one_forward_in_two_currencies_pays_each_its_own():
    # INV-1001 (2,000.00 CAD) and INV-1002 (3,000.00 USD, funded 04-13 at 95% less 2%:
    # 3000.00 x 0.93 = 2,790.00 USD) are both paid to us; one wire forwards 1,500.00 CAD
    # and 3,000.00 USD. INV-1001 still owes 2,000.00 - 1,500.00 = 500.00 CAD, INV-1002
    # nothing. (Summed, 4,500.00 paid INV-1001's 2,000.00 and 2,500.00 of INV-1002.)
    second = (
        SECOND
        + """
2025-04-14 * "SUMMIT FUNDING" "Funding of 10460" ^sched-10460
  Assets:Bank:Checking          2790.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-20 * "CHR" "CHR paid us for INV-1002" ^INV-1002
  factoring: "misdirected-payment"
  Assets:Bank:Checking          3000.00 USD
"""
    )
    forward = """
2025-04-21 * "Summit" "Forward both payments" ^INV-1001 ^INV-1002
  Liabilities:Factoring:Summit:DueToFactor   1500.00 CAD
  Liabilities:Factoring:Summit:DueToFactor   3000.00 USD
  Assets:Bank:Checking                      -1500.00 CAD
  Assets:Bank:Checking                      -3000.00 USD
"""
    text = in_cad(SOLD + MISDIRECTED) + second + forward
    _, errors = load(text)
    assert errors == []
    found = open_items(reports(text), day(2025, 4, 21))
    item = found[(ITEM_MISDIRECTED, "INV-1001")]
    assert (item.cash, item.currency) == (D("-500.00"), "CAD")
    assert (ITEM_MISDIRECTED, "INV-1002") not in found


TOLERATED = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL  1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL  2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "SUMMIT FUNDING" "ACH deposit" ^sched-1
  Assets:Bank:Checking  2790.00 USD
  Assets:Factoring:Summit:Clearing
"""

SUMMIT_95 = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


def test_a_forward_short_within_the_tolerance_stays_owed_to_the_cent():
    # TQL pays us INV-1's 1,000.00; we forward 999.96 (tolerance 0.05). The 0.04 left is
    # still on the due-to-factor account, so it stays owed: Summit's release of INV-1's
    # 50.00 reserve nets it (50.00 - 0.04 = 49.96) and the account ends at 0.00, the
    # fees at 2% x 3,000.00 = 60.00 (no 0.04 of "rounding" beside a 0.04 debt).
    text = (
        SUMMIT_95
        + TOLERATED
        + """
2025-04-10 * "TQL" "TQL paid us for INV-1" ^INV-1
  factoring: "misdirected-payment"
  Assets:Bank:Checking  1000.00 USD

2025-04-11 * "SUMMIT FUNDING" "TQL's payment forwarded" ^INV-1
  Liabilities:Factoring:Summit:DueToFactor   999.96 USD
  Assets:Bank:Checking

2025-04-14 * "Summit" "collected" ^INV-1
  factoring: "collected"

2025-04-15 * "SUMMIT FUNDING" "Reserve release" ^INV-1
  Assets:Bank:Checking  49.96 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(text, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == 0
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("60.00")


def test_a_payment_of_several_invoices_a_few_cents_off_their_faces_is_an_error():
    # 2,999.96 for INV-1 and INV-2 (3,000.00): shared face by face, 0.04 would be
    # booked that never came (the plugin's own transaction unbalanced), whatever the
    # tolerance: one event per invoice says which one is short.
    text = (
        SUMMIT_95
        + TOLERATED
        + """
2025-04-10 * "TQL" "TQL paid us for both" ^INV-1 ^INV-2
  factoring: "misdirected-payment"
  Assets:Bank:Checking  2999.96 USD
"""
    )
    _, errors = load(text, "{'tolerance': '0.05'}")
    assert codes(errors)[0] == "FCT134"
    assert "links invoices whose faces add up to 3,000.00" in errors[0].message
    assert not any(
        "does not balance" in e.message and "DueToFactor" in str(e.entry) for e in errors
    )


def test_a_payment_of_several_invoices_split_by_hand_takes_the_shares_written():
    # TQL pays 2,999.98 for INV-1 (1,000.00) and INV-2 (2,000.00), 0.02 short of the
    # faces; the bookkeeper writes which invoice is short (INV-2: 1,999.98). Each share is
    # owed as written, the forward of 2,999.98 pays both, and nothing is left owed.
    text = (
        SUMMIT_95
        + TOLERATED
        + """
2025-04-10 * "TQL" "TQL paid us for both" ^INV-1 ^INV-2
  factoring: "misdirected-payment"
  Assets:Bank:Checking                       2999.98 USD
  Liabilities:Factoring:Summit:DueToFactor  -1000.00 USD
    invoice: "INV-1"
  Liabilities:Factoring:Summit:DueToFactor  -1999.98 USD
    invoice: "INV-2"

2025-04-11 * "SUMMIT FUNDING" "Forwarded" ^INV-1 ^INV-2
  Liabilities:Factoring:Summit:DueToFactor   2999.98 USD
  Assets:Bank:Checking
"""
    )
    entries, errors = load(text, "{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == 0


# A credit note on INV-1001 after Summit bought it: 300.00 off for a rate dispute.
CREDIT_NOTE = """
2025-03-12 * "TQL" "Credit note CM-1 on INV-1001: rate dispute" ^INV-1001
  Assets:Receivable:TQL        -300.00 USD
  Income:Freight
"""


@MODELS
def test_a_credit_note_on_a_factored_invoice_is_no_payment(model):
    # FCT136 says what it is (no cash came) and how to write it, not to mark it as a
    # payment that reached us.
    _, errors = load(ledger(SOLD + CREDIT_NOTE, model))
    assert codes(errors) == ["FCT136"]
    assert "a credit note" in errors[0].message
    assert 'reason: "client-credit"' in errors[0].message
    assert "misdirected-payment" not in errors[0].message


@MODELS
def test_a_misdirected_payment_of_income_postings_brings_no_cash(model):
    # Marked as a payment with only its income posting, the 300.00 was taken for cash
    # received and owed to Summit (a payment to forward that never came). No cash: FCT134.
    marked = """
2025-03-12 * "TQL" "Credit note CM-1 on INV-1001: rate dispute" ^INV-1001
  factoring: "misdirected-payment"
  Income:Freight                300.00 USD
"""
    entries, errors = load(ledger(SOLD + marked, model))
    assert codes(errors)[0] == "FCT134"
    assert "a credit note, not a payment" in errors[0].message
    assert 'reason: "client-credit"' in errors[0].message
    assert balance(entries, DUE) == 0


def test_past_recourse_after_a_misdirected_payment_says_what_is_missing():
    # TQL paid us on 2025-04-10; Summit never reported the collection. 2025-07-20 is
    # 137 days after the funding of 2025-03-05, past recourse-days 90: FCT160, which asks
    # for the forward and the factor's report, not for the payment already booked.
    _, errors = load(SOLD + MISDIRECTED + "\n2025-07-20 open Expenses:Later\n")
    assert codes(errors) == ["FCT160"]
    assert "The customer paid you 2000.00 USD for it on 2025-04-10" in errors[0].message
    assert "forward it to the factor if you have not" in errors[0].message
    assert "Book the debtor's payment" not in errors[0].message


@MODELS
def test_a_payment_less_the_banks_wire_fee_is_the_whole_payment(model):
    # TQL wired 2,000.00; the bank kept 15.00: 1,985.00 reached the account. All 2,000.00
    # is Summit's (the fee is ours), so the forward of 2,000.00 clears what is owed.
    wired = """
2025-04-10 * "TQL" "TQL wired us for INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          1985.00 USD
  Expenses:Bank:WireFees          15.00 USD
"""
    text = (
        SOLD + wired + FORWARD + COLLECTED + RELEASE + "2025-01-01 open Expenses:Bank:WireFees\n"
    )
    entries, errors = load(ledger(text, model))
    assert errors == []
    assert (DUE, D("-2000.00"), "INV-1001", "misdirected-payment") in legs(
        txn(entries, "TQL wired us for INV-1001")
    )
    assert balance(entries, DUE) == 0


@MODELS
def test_a_credit_note_with_its_vat_is_told_as_a_credit_note(model):
    # Its VAT leg (a debit to the output-VAT liability) is no cash that arrived.
    with_vat = """
2025-03-12 * "TQL" "Credit note CM-1 on INV-1001: rate dispute" ^INV-1001
  Assets:Receivable:TQL        -357.00 USD
  Income:Freight                300.00 USD
  Liabilities:VAT:Output         57.00 USD
"""
    text = SOLD + with_vat + "2025-01-01 open Liabilities:VAT:Output\n"
    _, errors = load(ledger(text, model))
    assert codes(errors) == ["FCT136"]
    assert "a credit note" in errors[0].message
    assert "misdirected-payment" not in errors[0].message


@MODELS
@pytest.mark.parametrize(
    ("postings", "opens"),
    [
        (
            # Paid into a Canadian account, converted through an equity account.
            "  Assets:Bank:CAD              2760.00 CAD\n"
            "  Equity:Conversions          -2760.00 CAD\n"
            "  Equity:Conversions           2000.00 USD\n",
            "2025-01-01 open Assets:Bank:CAD\n2025-01-01 open Equity:Conversions\n",
        ),
        (
            # Swept into the credit line the bank keeps.
            "  Liabilities:Bank:LineOfCredit   2000.00 USD\n",
            "2025-01-01 open Liabilities:Bank:LineOfCredit\n",
        ),
        (
            # Swept into the credit line, less the bank's wire fee.
            "  Liabilities:Bank:LineOfCredit   1985.00 USD\n"
            "  Expenses:Bank:WireFees            15.00 USD\n",
            "2025-01-01 open Liabilities:Bank:LineOfCredit\n"
            "2025-01-01 open Expenses:Bank:WireFees\n",
        ),
        (
            # Swept into the credit line, less an early-payment discount.
            "  Liabilities:Bank:LineOfCredit   1960.00 USD\n"
            "  Income:Freight:Discounts          40.00 USD\n",
            "2025-01-01 open Liabilities:Bank:LineOfCredit\n"
            "2025-01-01 open Income:Freight:Discounts\n",
        ),
    ],
    ids=["converted", "credit-line", "credit-line-less-fee", "credit-line-less-discount"],
)
def test_a_payment_that_reaches_another_account_is_owed_whole(model, postings, opens):
    # The 2,000.00 TQL paid is Summit's wherever it landed.
    paid = (
        '\n2025-04-10 * "TQL" "TQL paid us for INV-1001" ^INV-1001\n'
        '  factoring: "misdirected-payment"\n' + postings
    )
    entries, errors = load(ledger(SOLD + paid + FORWARD + COLLECTED + RELEASE + opens, model))
    assert errors == []
    assert balance(entries, DUE) == 0
    assert (DUE, D("-2000.00"), "INV-1001", "misdirected-payment") in legs(
        txn(entries, "TQL paid us for INV-1001")
    )


def test_past_recourse_after_a_part_paid_to_you_also_offers_the_chargeback():
    # TQL paid us 500.00 of 2,000.00: 1,500.00 is still unpaid past recourse-days.
    part = MISDIRECTED.replace("2000.00 USD", "500.00 USD")
    _, errors = load(SOLD + part + "\n2025-07-20 open Expenses:Later\n")
    assert codes(errors) == ["FCT160"]
    assert "The customer paid you 500.00 USD for it on 2025-04-10" in errors[0].message
    assert "for the 1,500.00 it has not paid" in errors[0].message
    assert "chargeback" in errors[0].message


# INV-1001 in CAD: TQL pays us 2,000.00 CAD in US dollars at 0.72 (1,440.00 USD). The
# bookkeeper writes the payment as a customer's payment of a CAD invoice in US dollars is
# written (ledger.md 6.13): the receivable credited in CAD at the price; FCT136 says to
# mark it a misdirected payment. Marked so, its cash was read as none ("needs the posting
# of the cash received, like Assets:Bank:Checking 2,000.00 CAD": the cash is there, in
# USD); the error now says to put the price on the cash and leave the receivable alone.
PAID_AT_A_PRICE = """
2025-04-10 * "TQL" "TQL paid us for INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          1440.00 USD
  Assets:Receivable:TQL        -2000.00 CAD @ 0.72 USD
"""


def test_a_misdirected_payment_written_on_the_receivable_at_a_price_says_where_the_price_goes():
    entries, errors = load(in_cad(SOLD) + PAID_AT_A_PRICE)
    assert codes(errors) == ["FCT134"]
    assert errors[0].message == (
        "FCT134 This payment credits Assets:Receivable:TQL -2,000.00 CAD at a price in USD, "
        "but a payment for an invoice the factor holds does not move the receivable: it "
        "is owed to the factor. Write the price on the cash and drop the receivable "
        "posting: Assets:Bank:Checking  1440.00 USD @@ 2000.00 CAD"
    )
    # Written so, it is booked: 2,000.00 CAD owed to Summit, the receivable untouched.
    fixed = PAID_AT_A_PRICE.replace(
        "          1440.00 USD\n  Assets:Receivable:TQL        -2000.00 CAD @ 0.72 USD",
        "          1440.00 USD @@ 2000.00 CAD",
    )
    entries, errors = load(in_cad(SOLD) + fixed)
    assert errors == []
    assert balance(entries, DUE) == D("-2000.00")
    assert balance(entries, TQL) == 0


# TQL pays Summit, and the carrier writes Summit's collection by hand, moving the
# receivable to one of Summit's accounts: no cash reaches the carrier, so it is no
# misdirected payment but a collection, which is the plugin's `collected` event.
HAND_COLLECTION = """
2025-04-10 * "TQL" "TQL paid Summit for INV-1001" ^INV-1001
  {account}   2000.00 USD
  Assets:Receivable:TQL      -2000.00 USD
"""


@pytest.mark.parametrize(
    ("model", "account", "code"),
    [("loan", ADVANCES, "FCT136"), ("loan", CLEARING, "FCT130"), ("sale", CLEARING, "FCT130")],
)
def test_a_collection_written_by_hand_is_advised_a_collected_event(model, account, code):
    _, errors = load(ledger(SOLD + HAND_COLLECTION.format(account=account), model))
    assert codes(errors) == [code]
    message = errors[0].message
    assert f"moves the receivable of INV-1001 (2,000.00 USD) to {account}" in message
    assert 'factoring: "collected" with no postings' in message
    assert "misdirected-payment" not in message


@MODELS
def test_the_collected_event_the_advice_gives_closes_the_invoice(model):
    # As advised: Summit's collection of INV-1001 as its event. Loan model: the advance
    # (-2,000.00) is repaid and the receivable (2,000.00) cleared, both to 0; sale model:
    # the receivable left at the schedule (2,000.00 - 2,000.00 = 0). The reserve comes
    # back whole: 100.00.
    entries, errors = load(ledger(SOLD + COLLECTED + RELEASE, model))
    assert errors == []
    assert (balance(entries, TQL), balance(entries, ADVANCES)) == (0, 0)
    assert balance(entries, BANK) == D("1960.00")


# TQL pays us 800.00 of INV-1001 (2,000.00) on 04-10, then pays Summit the whole
# 2,000.00 on 04-14: it paid 800.00 + 2,000.00 = 2,800.00, 800.00 too much. Summit was
# paid the face by TQL itself, so nothing is owed to it any more for the 800.00 we hold:
# that cash is TQL's (customer-credits), not Summit's, and not in Summit's reserve.
PART = MISDIRECTED.replace("2000.00 USD", "800.00 USD")
FACE_TO_FACTOR = """
2025-04-14 * "Summit" "TQL paid Summit the face" ^INV-1001
  factoring: "collected"
  paid: 2000.00 USD
"""
FACE_AGAIN = FACE_TO_FACTOR.replace("  paid:", '  reason: "overpay"\n  paid:')


def _release(amount: str) -> str:
    return RELEASE.replace("100.00 USD", f"{amount} USD")


@MODELS
def test_the_face_paid_to_the_factor_after_a_part_paid_to_you_is_not_the_rest(model):
    # paid: 2,000.00 after 800.00 paid to us reads as the total so far (write 1,200.00)
    # or as the customer paying twice: an error saying both, nothing booked.
    entries, errors = load(ledger(SOLD + PART + FACE_TO_FACTOR, model))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "paid: 1200.00 USD" in message
    assert 'reason: "overpay"' in message and CREDITS in message
    assert "800.00" in message and "no longer owed to the factor" in message
    assert balance(entries, DUE) == D("-800.00")


@MODELS
@pytest.mark.parametrize(
    ("forwarded", "to_reserve"),
    [("0", "0.00"), ("800.00", "800.00"), ("300.00", "300.00")],
    ids=["held", "forwarded", "part-forwarded"],
)
def test_the_customer_who_paid_the_factor_the_face_after_a_part_to_you(
    model, forwarded, to_reserve
):
    # The excess of 800.00 is owed to TQL. What we still hold of its payment (800.00 -
    # forwarded) is no longer owed to Summit: the due-to-factor account gives it up;
    # what we forwarded Summit holds beyond the face, in the reserve (released with it).
    held = D("800.00") - D(forwarded)
    forward = FORWARD.replace("2000.00 USD", f"{forwarded} USD") if held < 800 else ""
    release = str(D("100.00") + D(to_reserve))
    text = SOLD + PART + forward + FACE_AGAIN + _release(release)
    entries, errors = load(ledger(text, model))
    assert errors == []
    expected = [(CREDITS, D("-800.00"), "INV-1001", "overpay")]
    if held:
        expected.append((DUE, held, "INV-1001", "overpay"))
    if D(to_reserve):
        expected.append((RESERVE, D(to_reserve), "INV-1001", "overpay"))
    if model == "loan":
        expected += [
            (ADVANCES, D("2000.00"), "INV-1001", "collection"),
            (TQL, D("-2000.00"), "INV-1001", "collection"),
        ]
    assert legs(txn(entries, "TQL paid Summit the face")) == sorted(expected)
    # Bank: 1,860.00 + 800.00 - forwarded + release (100.00 + forwarded) = 2,760.00:
    # the invoice's 2,000.00 - 40.00 fee = 1,960.00, and the 800.00 owed back to TQL.
    assert balance(entries, BANK) == D("2760.00")
    assert balance(entries, CREDITS) == D("-800.00")
    assert balance(entries, DUE) == balance(entries, RESERVE) == D("0.00")
    assert balance(entries, CLEARING) == D("0.00")
    assert balance(entries, FEES) == D("40.00")


@MODELS
def test_the_customer_who_paid_you_the_face_then_the_factor_the_face(model):
    # TQL pays us all 2,000.00 (owed to Summit), then Summit 2,000.00 too: Summit has the
    # face from TQL, the 2,000.00 we hold is TQL's. Bank: 1,860.00 + 2,000.00 + 100.00
    # = 3,960.00 = 1,960.00 + 2,000.00 owed back to TQL.
    text = SOLD + MISDIRECTED + FACE_AGAIN + RELEASE
    entries, errors = load(ledger(text, model))
    assert errors == []
    assert balance(entries, BANK) == D("3960.00")
    assert balance(entries, CREDITS) == D("-2000.00")
    assert balance(entries, DUE) == balance(entries, RESERVE) == D("0.00")
    assert balance(entries, FEES) == D("40.00")


@pytest.mark.parametrize("forwarded", [False, True], ids=["held", "forwarded"])
def test_the_reports_tie_out_when_the_customer_paid_twice(forwarded):
    # 04-10: 800.00 paid to us, to forward (an open item of -800.00). 04-14: TQL paid
    # Summit the face: nothing to forward any more, and the reserve holds 100.00 (plus
    # the 800.00 forwarded, beyond the face), all of it due back, none unexplained.
    forward = FORWARD.replace("2000.00 USD", "800.00 USD") if forwarded else ""
    book = reports(SOLD + PART + forward + FACE_AGAIN)
    assert (ITEM_MISDIRECTED, "INV-1001") in open_items(book, day(2025, 4, 10))
    after = day(2025, 4, 14)
    assert (ITEM_MISDIRECTED, "INV-1001") not in open_items(book, after)
    assert all(not account.unexplained for account in book.reconcile(as_of=after).accounts)
    assert "INV-1001" not in factored(book, after)
    (summit,) = book.reserve(as_of=after).factors
    held = D("900.00") if forwarded else D("100.00")
    assert (summit.held, summit.account_balance, summit.unexplained) == (held, held, 0)


TWO_FACTORS = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "flat 3%"
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking
"""


def test_a_payment_of_one_factors_invoice_passed_on_by_another_factor():
    # TQL pays INV-1001 (Summit's) to Harbor, which passes the 2,000.00 on to us. Booked
    # to Harbor's clearing with the link, it was FCT133 naming the owner, with no word of
    # what to book; the message now says it, and its booking checks: the 2,000.00 owed to
    # Summit (bank 1,860.00 + 2,000.00 = 3,860.00).
    wrong = """
2025-04-10 * "HARBOR CAPITAL" "TQL's payment of INV-1001, passed on" ^INV-1001
  Assets:Bank:Checking          2000.00 USD
  Assets:Factoring:Harbor:Clearing
"""
    _, errors = load(SOLD + TWO_FACTORS + wrong)
    assert codes(errors) == ["FCT133"]
    assert "belongs to factor 'Summit', not to 'Harbor'" in errors[0].message
    assert 'marked factoring: "misdirected-payment" linking ^INV-1001' in errors[0].message
    right = """
2025-04-10 * "HARBOR CAPITAL" "TQL's payment of INV-1001, passed on" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          2000.00 USD
"""
    entries, errors = load(SOLD + TWO_FACTORS + right)
    assert errors == []
    assert balance(entries, DUE) == D("-2000.00")
    assert balance(entries, BANK) == D("3860.00")
    assert balance(entries, "Assets:Factoring:Harbor:Clearing") == 0
