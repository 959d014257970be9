"""One schedule funded by several wires that all name it, and a chargeback netted or
repaid in instalments."""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.ledger.book import read_book
from beancount_factoring.reports import compute
from beancount_factoring.reports.facts import plugin_config, roots_of
from beancount_factoring.settlement.engine import settle

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal

# Summit buys at 95% less a flat 2% and 15.00 per deposit that funds.
# A-1 1,000.00: 950.00 - 20.00 = 930.00; A-2 2,000.00: 1,900.00 - 40.00 = 1,860.00;
# A-3 500.00: 475.00 - 10.00 = 465.00. The whole schedule: 3,255.00 - 15.00 = 3,240.00,
# its reserve 5% of 3,500.00 = 175.00, its discount fees 70.00.
SCHEDULE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load A-1"
  invoice: "A-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load A-2"
  invoice: "A-2"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load A-3"
  invoice: "A-3"
  Assets:Receivable:TQL   500.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^A-1 ^A-2 ^A-3
  factoring: "schedule"
  schedule: "1"
"""

CLEARING = "Assets:Factoring:Summit:Clearing"
RESERVE = "Assets:Factoring:Summit:Reserve"
FEES = "Expenses:Factoring:Summit:Fees"
DETAILS = ["{'detail': 'item'}", "{'detail': 'invoice'}"]


def wire(day: str, amount: str, narration: str, names: str = '  schedule: "1"\n') -> str:
    return f"""
{day} * "SUMMIT FUNDING" "{narration}"
{names}  Assets:Bank:Checking   {amount} USD
  Assets:Factoring:Summit:Clearing
"""


def reconcile(text: str, config: str, as_of: datetime.date):
    source = f'plugin "beancount_factoring.plugin" "{config}"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options = loader.load_string(source)
    return compute(entries, options, errors).reconcile(as_of=as_of)


@pytest.mark.parametrize("config", DETAILS)
def test_two_wires_that_fit_whole_invoices_fund_those_invoices(config):
    # Wire 1: A-2 alone, 1,860.00 - 15.00 = 1,845.00. Wire 2,
    # 930.00 + 465.00 - 15.00 = 1,380.00.
    text = (
        SCHEDULE
        + wire("2025-03-05", "1845.00", "Wire 1")
        + wire("2025-03-06", "1380.00", "Wire 2")
    )
    entries, errors = load(text, config)
    assert errors == []
    assert txn(entries, "Wire 1").links == {"A-2", "sched-1"}
    assert txn(entries, "Wire 2").links == {"A-1", "A-3", "sched-1"}
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("175.00")
    # 70.00 of discount fees + 2 x 15.00 of transfer fees.
    assert balance(entries, FEES) == D("100.00")
    report = reconcile(text, config, datetime.date(2025, 3, 6))
    assert report.accounts[0].balance == 0
    assert report.accounts[0].items == ()
    assert report.accounts[0].unallocated == ()


@pytest.mark.parametrize("config", DETAILS)
def test_two_wires_split_at_a_limit_fund_the_schedule_and_owe_the_rest(config):
    # 2,000.00 is no set of whole invoices (915.00, 1,845.00, 450.00, 2,775.00,
    # 1,380.00, 2,310.00, 3,240.00 after the fee). Wire 1 funds the schedule, and
    # Summit owes 3,240.00 - 2,000.00 = 1,240.00 of it. Wire 2 pays that less its own
    # transfer fee: 1,240.00 - 15.00 = 1,225.00.
    text = (
        SCHEDULE
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-03-06", "1225.00", "Wire 2")
    )
    entries, errors = load(text, config)
    assert errors == []
    first, second = txn(entries, "Wire 1"), txn(entries, "Wire 2")
    assert first.links == {"A-1", "A-2", "A-3", "sched-1"}
    assert (CLEARING, D("1240.00"), None, "difference") in legs(first)
    assert second.links == {"sched-1"}
    assert legs(second) == [
        ("Assets:Bank:Checking", D("1225.00"), None, None),
        (CLEARING, D("-1240.00"), None, "difference"),
        (FEES, D("15.00"), None, "transfer-fee"),
    ]
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == D("175.00")
    # 70.00 of discount fees + 2 x 15.00 of transfer fees.
    assert balance(entries, FEES) == D("100.00")
    # Between the wires, the 1,240.00 Summit owes is open; after the second, nothing.
    between = reconcile(text, config, datetime.date(2025, 3, 5))
    (item,) = between.accounts[0].items
    assert item.on_clearing == D("1240.00")
    after = reconcile(text, config, datetime.date(2025, 3, 6))
    assert after.accounts[0].balance == 0
    assert after.accounts[0].items == ()
    assert after.accounts[0].unallocated == ()
    assert after.ok


def test_three_wires_each_with_its_transfer_fee():
    # Owed after wire 1: 3,240.00 - 1,000.00 = 2,240.00. Wire 2 (1,000.00) settles
    # 1,000.00 + 15.00 of it: 1,225.00 left, which wire 3 pays less 15.00: 1,210.00.
    text = (
        SCHEDULE
        + wire("2025-03-05", "1000.00", "Wire 1")
        + wire("2025-03-06", "1000.00", "Wire 2")
        + wire("2025-03-07", "1210.00", "Wire 3")
    )
    entries, errors = load(text)
    assert errors == []
    assert (CLEARING, D("-1015.00"), None, "difference") in legs(txn(entries, "Wire 2"))
    assert (CLEARING, D("-1225.00"), None, "difference") in legs(txn(entries, "Wire 3"))
    assert balance(entries, CLEARING) == 0
    # 70.00 + 3 x 15.00.
    assert balance(entries, FEES) == D("115.00")


def test_the_last_wire_that_does_not_fit_names_the_schedule_the_wires_and_the_difference():
    # Owed after wire 1: 1,240.00; wire 2 should bring 1,225.00 and brings 1,300.00:
    # +75.00, left on the clearing account.
    text = (
        SCHEDULE
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-03-06", "1300.00", "Wire 2")
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "schedule 1" in message
    assert "2,000.00 on 2025-03-05" in message and "1,300.00 on 2025-03-06" in message
    assert "expected 1,225.00 USD" in message
    assert "difference +75.00 USD" in message
    assert errors[0].source["lineno"] == txn(entries, "Wire 2").meta["lineno"]
    assert balance(entries, CLEARING) == D("-75.00")


def test_a_wire_short_of_all_the_rest_before_a_later_one_waits_for_it():
    # Wire 2 brings 1,000.00 of the 1,225.00 it should; wire 3 brings 300.00 where
    # 1,225.00 - 1,015.00 - 15.00 = 195.00 is left: +105.00 on wire 3.
    text = (
        SCHEDULE
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-03-06", "1000.00", "Wire 2")
        + wire("2025-03-07", "300.00", "Wire 3")
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT120"]
    assert errors[0].source["lineno"] == txn(entries, "Wire 3").meta["lineno"]
    assert "difference +90.00 USD" in errors[0].message
    assert balance(entries, CLEARING) == D("-90.00")


def test_a_single_short_wire_is_still_a_difference():
    # No later wire names the schedule: 2,000.00 of 3,240.00 is FCT120 at once.
    entries, errors = load(SCHEDULE + wire("2025-03-05", "2000.00", "Wire 1"))
    assert codes(errors) == ["FCT120"]
    assert "difference -1,240.00 USD" in errors[0].message
    assert errors[0].message.endswith(
        "Clearing. If the factor sends the rest in a later wire, book it naming schedule 1 too: "
        "the wires are then booked together"
    )
    assert balance(entries, CLEARING) == D("1240.00")


def test_a_wire_over_the_schedule_is_still_a_difference_and_a_third_is_fct133():
    # Wire 1 over (3,300.00 for 3,240.00): FCT120 as before, even with a later wire;
    # the schedule is then funded, and the later wire names nothing open.
    text = (
        SCHEDULE + wire("2025-03-05", "3300.00", "Wire 1") + wire("2025-03-06", "100.00", "Wire 2")
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT120", "FCT133"]
    # Funded in two wires that fit, a third wire has nothing to settle.
    text = (
        SCHEDULE
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-03-06", "1225.00", "Wire 2")
        + wire("2025-03-07", "50.00", "Wire 3")
    )
    entries, errors = load(text)
    assert codes(errors) == ["FCT133"]
    assert errors[0].source["lineno"] == txn(entries, "Wire 3").meta["lineno"]


# B-1 (1,000.00) is funded 950.00 - 20.00 = 930.00, its reserve 50.00; charged back
# after 91 days, the flat fee taken already: 1,000.00 - 50.00 = 950.00 owed to Summit.
CHARGED_BACK = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load B-1"
  invoice: "B-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "Fund B-1" ^B-1
  Assets:Bank:Checking   930.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-03 * "Summit" "Recourse B-1" ^B-1
  factoring: "chargeback"

2025-06-10 * "TQL" "Load C-1"
  invoice: "C-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-06-10 * "TQL" "Load C-2"
  invoice: "C-2"
  Assets:Receivable:TQL   500.00 USD
  Income:Freight
"""


def bank_line(day: str, amount: str, narration: str, links: str) -> str:
    return f"""
{day} * "SUMMIT FUNDING" "{narration}" {links}
  Assets:Bank:Checking   {amount} USD
  Assets:Factoring:Summit:Clearing
"""


@pytest.mark.parametrize("config", DETAILS)
def test_a_chargeback_netted_from_two_deposits(config):
    # C-1: 1,900.00 - 40.00 = 1,860.00, less 500.00 of the chargeback: 1,360.00.
    # C-2: 475.00 - 10.00 = 465.00, less the other 450.00: 15.00.
    text = (
        CHARGED_BACK
        + bank_line("2025-06-11", "1360.00", "Deposit 1", "^C-1 ^B-1")
        + bank_line("2025-06-12", "15.00", "Deposit 2", "^C-2 ^B-1")
    )
    entries, errors = load(text, config)
    assert errors == []
    assert (CLEARING, D("500.00"), "B-1", "chargeback") in legs(txn(entries, "Deposit 1"))
    assert (CLEARING, D("450.00"), "B-1", "chargeback") in legs(txn(entries, "Deposit 2"))
    assert balance(entries, CLEARING) == 0
    between = reconcile(text, config, datetime.date(2025, 6, 11))
    (item,) = between.accounts[0].items
    assert (item.invoices, item.on_clearing) == (("B-1",), D("-450.00"))
    after = reconcile(text, config, datetime.date(2025, 6, 12))
    assert after.accounts[0].items == ()
    assert after.accounts[0].balance == 0


def test_a_chargeback_repaid_by_the_carrier_in_two_payments():
    # 950.00 owed: 500.00 paid on 06-11, 450.00 on 06-20.
    text = (
        CHARGED_BACK
        + bank_line("2025-06-11", "-500.00", "Repay 1", "^B-1")
        + bank_line("2025-06-20", "-450.00", "Repay 2", "^B-1")
    )
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Repay 1")) == [
        ("Assets:Bank:Checking", D("-500.00"), None, None),
        (CLEARING, D("500.00"), "B-1", "chargeback"),
    ]
    assert balance(entries, CLEARING) == 0
    after = reconcile(text, "{}", datetime.date(2025, 6, 20))
    assert after.accounts[0].items == ()
    assert after.ok


def test_a_chargeback_netted_beyond_what_is_owed_is_still_an_error():
    # A third payment of 100.00 after the 950.00 is repaid: nothing of B-1 is due.
    text = (
        CHARGED_BACK
        + bank_line("2025-06-11", "-500.00", "Repay 1", "^B-1")
        + bank_line("2025-06-20", "-450.00", "Repay 2", "^B-1")
        + bank_line("2025-06-21", "-100.00", "Repay 3", "^B-1")
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT130"]
    # Paying 1,000.00 for the 950.00 owed is 50.00 too much: FCT120 as before.
    _, errors = load(CHARGED_BACK + bank_line("2025-06-11", "-1000.00", "Repay", "^B-1"))
    assert codes(errors) == ["FCT120"]
    assert "difference -50.00 USD" in errors[0].message


@pytest.mark.parametrize("detail", ["item", "invoice"])
@pytest.mark.parametrize(
    "text",
    [
        SCHEDULE + wire("2025-03-05", "1845.00", "Wire 1") + wire("2025-03-06", "1380.00", "W2"),
        SCHEDULE + wire("2025-03-05", "2000.00", "Wire 1") + wire("2025-03-06", "1225.00", "W2"),
        CHARGED_BACK
        + bank_line("2025-06-11", "-500.00", "Repay 1", "^B-1")
        + bank_line("2025-06-20", "-450.00", "Repay 2", "^B-1"),
    ],
    ids=["whole invoices", "owed", "repaid"],
)
def test_the_output_settled_again_as_the_reports_do_is_the_same(text, detail):
    # A cached load is settled again from the plugin's output (reports/facts.py).
    source = (
        f"plugin \"beancount_factoring.plugin\" \"{{'detail': '{detail}'}}\"\n"
        + textwrap.dedent(OPENS)
        + text
    )
    entries, errors, options = loader.load_string(source)
    assert errors == []
    config, _ = plugin_config(options)
    book = read_book(entries, roots_of(options))
    again = settle(book, config)
    assert again.errors == []
    lumps = [event for event in book.events if event.kind in ("lump", "funding")]
    assert all(event.index in again.replaced for event in lumps)
    assert all(list(again.replaced[e.index].postings) == list(e.entry.postings) for e in lumps)


def fees_by_kind(lines) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        for kind, amount in line.fees.by_kind():
            totals[kind] = totals.get(kind, D(0)) + amount
    return {kind: amount for kind, amount in totals.items() if amount}


def test_the_cost_report_counts_each_wires_transfer_fee_in_its_month():
    # Wire 1 (03-05) funds the schedule: 70.00 of discount fees and its 15.00 transfer
    # fee in March; wire 2 (04-02) pays the 1,240.00 owed less its own 15.00, in April.
    text = (
        SCHEDULE
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-04-02", "1225.00", "Wire 2")
    )
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options = loader.load_string(source)
    assert errors == []
    book = compute(entries, options, errors)
    march = book.cost(datetime.date(2025, 3, 31), start=datetime.date(2025, 3, 1))
    april = book.cost(datetime.date(2025, 4, 30), start=datetime.date(2025, 4, 1))
    assert fees_by_kind(march.by_factor) == {"discount": D("70.00"), "transfer": D("15.00")}
    assert fees_by_kind(march.by_customer) == fees_by_kind(march.by_factor)
    assert fees_by_kind(april.by_factor) == {"transfer": D("15.00")}
    assert fees_by_kind(april.by_customer) == fees_by_kind(april.by_factor)


def test_a_later_wire_that_names_another_invoice_too_says_what_is_still_owed():
    # Wire 2 names schedule 1 and an invoice of no schedule: it is not the rest of the
    # schedule alone. FCT133, saying the 1,240.00 still owed of schedule 1.
    text = (
        SCHEDULE
        + """
2025-03-03 * "TQL" "Load Z-1"
  invoice: "Z-1"
  Assets:Receivable:TQL   100.00 USD
  Income:Freight
"""
        + wire("2025-03-05", "2000.00", "Wire 1")
        + wire("2025-03-06", "1225.00", "Wire 2", '  schedule: "1"\n').replace(
            '"Wire 2"', '"Wire 2" ^Z-1'
        )
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"]
    assert "the factor still owes 1,240.00 USD of its funding" in errors[0].message
