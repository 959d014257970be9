"""Buyouts whose reserve cannot cover the fees, and buyouts that pay the advance difference.

THIN: a 97/3 program. Lakeshore (97%, "tiered 3%/30d + 0.5%/15d" taken at collection)
funds INV-1, 10,000.00, on 2 June: 9,700.00, reserve 300.00. Pinecrest (97%, flat 0.5%)
buys it out on 12 July, 40 days later: Lakeshore's fee to the day is 3% + 0.5% = 3.5% of
10,000.00 = 350.00 (base 300.00, late 50.00), Pinecrest's own fee 0.5% = 50.00. What moves
is 300.00 - 350.00 - 50.00 = -100.00: Pinecrest holds nothing and 100.00 is owed on its
clearing account until its next funding nets it: INV-2, 5,000.00 at 97% = 4,850.00, less
0.5% = 25.00, less the 100.00 = 4,725.00.

PAID: Lakeshore (90%, flat 2%) funds INV-1, 10,000.00: 9,000.00 - 200.00 = 8,800.00,
reserve 1,000.00. Pinecrest (95%, flat 1%) buys it out and pays the difference: its
advance 9,500.00 less what it paid Lakeshore (the 9,000.00 advanced; Lakeshore's flat fee
was all taken at funding) less its fee 100.00 = 400.00. Its reserve is its own 5%, 500.00:
1,000.00 - 100.00 fee - 400.00 paid.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports.cost import cost_report
from beancount_factoring.reports.facts import read_facts
from beancount_factoring.reports.reconcile import reconcile_report
from beancount_factoring.reports.reserve import reserve_report

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
L_RESERVE = "Assets:Factoring:Lakeshore:Reserve"
L_FEES = "Expenses:Factoring:Lakeshore:Fees"
L_ADVANCES = "Liabilities:Factoring:Lakeshore:Advances"
P_RESERVE = "Assets:Factoring:Pinecrest:Reserve"
P_FEES = "Expenses:Factoring:Pinecrest:Fees"
P_CLEARING = "Assets:Factoring:Pinecrest:Clearing"
P_ADVANCES = "Liabilities:Factoring:Pinecrest:Advances"
BANK = "Assets:Bank:Checking"

THIN = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.97
  fee: "tiered 3%/30d + 0.5%/15d"
  fee-timing: "collection"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 0.5%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-06-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-06-02 * "LAKESHORE FUNDING" "Purchase" ^INV-1
  Assets:Bank:Checking   9700.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-12 * "Pinecrest Capital" "Buyout of Lakeshore"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-14 * "CHR" "INV-2"
  invoice: "INV-2"
  Assets:Receivable:CHR   5000.00 USD
  Income:Freight

2025-07-15 * "PINECREST CAPITAL" "Funding less the buyout" ^INV-1 ^INV-2
  Assets:Bank:Checking   4725.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-08-01 * "TQL" "TQL paid Pinecrest" ^INV-1
  factoring: "collected"

2025-08-01 * "CHR" "CHR paid Pinecrest" ^INV-2
  factoring: "collected"

2025-08-05 * "PINECREST CAPITAL" "Rebate" ^INV-2
  Assets:Bank:Checking   150.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""

PAID = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.95
  fee: "flat 1%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-06-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-06-02 * "LAKESHORE FUNDING" "Purchase" ^INV-1
  Assets:Bank:Checking   8800.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-12 * "PINECREST CAPITAL" "Buyout of Lakeshore, advance difference"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"
  Assets:Bank:Checking   400.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-08-01 * "TQL" "TQL paid Pinecrest" ^INV-1
  factoring: "collected"

2025-08-05 * "PINECREST CAPITAL" "Rebate" ^INV-1
  Assets:Bank:Checking   500.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  recourse-days:", f'  model: "{model}"\n  recourse-days:')


def unsorted_legs(entry) -> list[tuple]:
    """(account, number, invoice, part) of each posting, as written."""
    return [
        (
            p.account,
            p.units.number,
            (p.meta or {}).get("invoice"),
            (p.meta or {}).get("factoring-part"),
        )
        for p in entry.postings
    ]


def until(text: str, date: str) -> str:
    """The ledger up to (not including) the first entry dated ``date``."""
    return text.split(f"\n{date} ")[0]


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_thin_reserve__what_it_cannot_cover_is_owed_on_the_new_clearing(model):
    entries, errors = load(with_model(THIN, model))
    # No FCT141: no reserve goes below zero.
    assert codes(errors) == []
    buyout = [leg for leg in legs(txn(entries, "Buyout of Lakeshore")) if "Advances" not in leg[0]]
    assert buyout == [
        (L_RESERVE, D("-300.00"), "INV-1", "buyout"),
        # 300.00 held - 350.00 Lakeshore's fee - 50.00 Pinecrest's = -100.00 owed.
        (P_CLEARING, D("-100.00"), "INV-1", "buyout"),
        # 3% of 10,000.00 for the first 30 days, 0.5% for days 31-40.
        (L_FEES, D("50.00"), "INV-1", "late-fee"),
        (L_FEES, D("300.00"), "INV-1", "discount-fee"),
        # 0.5% of 10,000.00.
        (P_FEES, D("50.00"), "INV-1", "discount-fee"),
    ]
    funding = legs(txn(entries, "Funding less the buyout"))
    assert (P_CLEARING, D("100.00"), "INV-1", "buyout") in funding
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, L_RESERVE) == balance(entries, P_RESERVE) == 0
    # Fees: Lakeshore 350.00; Pinecrest 50.00 + 0.5% of 5,000.00 = 75.00.
    assert balance(entries, L_FEES) == D("350.00")
    assert balance(entries, P_FEES) == D("75.00")
    # Cash: 9,700.00 + 4,725.00 + 150.00 (INV-2's 3%) = 14,575.00 = 15,000.00 - 425.00.
    assert balance(entries, BANK) == D("14575.00")


def test_thin_reserve__under_the_loan_model_the_liability_moves():
    entries, errors = load(with_model(THIN, "loan"))
    assert codes(errors) == []
    moved = [leg for leg in legs(txn(entries, "Buyout of Lakeshore")) if "Advances" in leg[0]]
    assert moved == [
        (L_ADVANCES, D("10000.00"), "INV-1", "buyout"),
        (P_ADVANCES, D("-10000.00"), "INV-1", "buyout"),
    ]
    # TQL's payment repays Pinecrest: 10,000.00 + 5,000.00 advanced, both collected.
    assert balance(entries, L_ADVANCES) == balance(entries, P_ADVANCES) == 0
    assert balance(entries, "Assets:Receivable:TQL") == 0


def test_thin_reserve__a_deposit_that_names_nothing_nets_it_by_amount():
    # INV-2 on a schedule: 4,825.00 for the schedule - 100.00 owed = 4,725.00.
    text = until(THIN, "2025-07-15") + (
        """
2025-07-14 * "Pinecrest" "Schedule P-1" ^INV-2
  factoring: "schedule"
  schedule: "P-1"

2025-07-15 * "PINECREST CAPITAL" "Funding naming nothing"
  Assets:Bank:Checking   4725.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""
    )
    entries, errors = load(text)
    assert codes(errors) == []
    funding = txn(entries, "Funding naming nothing")
    assert {"INV-1", "INV-2", "sched-P-1"} <= funding.links
    assert (P_CLEARING, D("100.00"), "INV-1", "buyout") in legs(funding)
    assert balance(entries, P_CLEARING) == 0


def test_thin_reserve__with_a_buyout_fee_both_are_owed_and_netted():
    # A 50.00 buyout-fee on top: 100.00 owed on INV-1 + 50.00 charged = 150.00 on the
    # clearing account; the funding nets both: 4,725.00 - 50.00 = 4,675.00.
    text = THIN.replace('  fee: "flat 0.5%"\n', '  fee: "flat 0.5%"\n  buyout-fee: 50.00 USD\n')
    text = text.replace("4725.00 USD", "4675.00 USD").replace(
        'buyout" ^INV-1 ^INV-2', 'buyout" ^INV-1 ^INV-2 ^buyout-2025-07-12'
    )
    entries, errors = load(until(text, "2025-08-01"))
    assert codes(errors) == []
    buyout = unsorted_legs(txn(entries, "Buyout of Lakeshore"))
    assert (P_CLEARING, D("-100.00"), "INV-1", "buyout") in buyout
    assert (P_CLEARING, D("-50.00"), None, "buyout-fee") in buyout
    funding = unsorted_legs(txn(entries, "Funding less the buyout"))
    assert (P_CLEARING, D("100.00"), "INV-1", "buyout") in funding
    assert (P_CLEARING, D("50.00"), None, "buyout-fee") in funding
    assert balance(entries, P_CLEARING) == 0


def test_thin_reserve__a_funding_that_does_not_net_it_differs():
    text = THIN.replace("4725.00 USD", "4825.00 USD")
    _, errors = load(until(text, "2025-08-01"))
    assert codes(errors) == ["FCT120"]
    # 4,850.00 advance - 25.00 fee - 100.00 owed from the buyout.
    assert (
        "expected 4,725.00 USD (advances 4,850.00 - discount fees 25.00 - buyout differences "
        "100.00), received 4,825.00 USD, difference +100.00 USD" in errors[0].message
    )


def test_thin_reserve__the_carrier_may_pay_the_shortfall_on_the_buyout_day():
    # The buyout written as a payment: -100.00 leaves our bank, nothing is owed.
    text = THIN.replace(
        '  from: "Lakeshore"\n',
        '  from: "Lakeshore"\n  Assets:Bank:Checking   -100.00 USD\n'
        "  Assets:Factoring:Pinecrest:Clearing\n",
        1,
    )
    text = text.replace("4725.00 USD", "4825.00 USD").replace(
        'buyout" ^INV-1 ^INV-2', 'buyout" ^INV-2'
    )
    entries, errors = load(text)
    assert codes(errors) == []
    buyout = legs(txn(entries, "Buyout of Lakeshore"))
    assert (BANK, D("-100.00"), None, None) in buyout
    assert not [leg for leg in buyout if leg[0] == P_CLEARING]
    assert balance(entries, P_CLEARING) == 0
    # 9,700.00 - 100.00 + 4,825.00 + 150.00: the same 14,575.00 as when netted.
    assert balance(entries, BANK) == D("14575.00")


def _facts(text: str):
    entries, errors, options = _load_with_options(text)
    assert codes(errors) == []
    return read_facts(entries, options)


def _load_with_options(text: str):
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + text
    return loader.load_string(source)


def test_thin_reserve__the_reconciliation_lists_what_is_owed_until_netted():
    facts = _facts(THIN)
    before = reconcile_report(facts, datetime.date(2025, 7, 13), None)
    (account,) = before.accounts
    assert (account.factor, account.account, account.balance) == (
        "Pinecrest",
        P_CLEARING,
        D("-100.00"),
    )
    (item,) = account.items
    assert (item.kind, item.reference, item.since, item.on_clearing, item.cash) == (
        "fee to net",
        "INV-1",
        datetime.date(2025, 7, 12),
        D("-100.00"),
        D("-100.00"),
    )
    assert account.unexplained == 0
    after = reconcile_report(facts, datetime.date(2025, 7, 15), None)
    assert all(not a.items and not a.balance for a in after.accounts)


def test_thin_reserve__the_reserve_and_cost_reports_tie_out():
    facts = _facts(THIN)
    reserve = reserve_report(facts, datetime.date(2025, 7, 13), None)
    # Lakeshore's 300.00 left with the buyout; Pinecrest holds nothing for INV-1.
    for factor in reserve.factors:
        assert (factor.held, factor.account_balance, factor.unexplained) == (0, 0, 0)
    cost = cost_report(facts, datetime.date(2025, 8, 5), None)
    by_factor = {line.factor: line.fees for line in cost.by_factor}
    # Lakeshore: 300.00 discount + 50.00 late; Pinecrest: 50.00 + 25.00 discount.
    assert (by_factor["Lakeshore"].discount, by_factor["Lakeshore"].late) == (
        D("300.00"),
        D("50.00"),
    )
    assert by_factor["Pinecrest"].discount == D("75.00")
    # The customer lines count the same fees: Lakeshore's fee to the day is worked out
    # again, not taken from the reserve that moved (which would give 250.00).
    by_customer = {line.key: line.fees for line in cost.by_customer}
    assert by_customer["TQL"].discount == D("350.00")  # 300.00 + 50.00
    assert by_customer["TQL"].late == D("50.00")
    assert by_customer["CHR"].discount == D("25.00")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_paid__the_new_factor_pays_the_advance_difference(model):
    entries, errors = load(with_model(PAID, model))
    assert codes(errors) == []
    buyout = txn(entries, "Buyout of Lakeshore, advance difference")
    assert [leg for leg in legs(buyout) if "Advances" not in leg[0]] == [
        (BANK, D("400.00"), None, None),
        # Lakeshore's 10% reserve leaves whole: its 2% was all taken at funding.
        (L_RESERVE, D("-1000.00"), "INV-1", "buyout"),
        # Pinecrest's 5% of 10,000.00; 1,000.00 - 100.00 - 500.00 = 400.00 paid.
        (P_RESERVE, D("500.00"), "INV-1", "buyout"),
        (P_FEES, D("100.00"), "INV-1", "discount-fee"),
    ]
    assert buyout.links == {"INV-1"}
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, L_RESERVE) == balance(entries, P_RESERVE) == 0
    # 8,800.00 + 400.00 + 500.00 = 9,700.00 = 10,000.00 - 200.00 - 100.00 fees.
    assert balance(entries, BANK) == D("9700.00")
    assert balance(entries, L_FEES) == D("200.00")
    assert balance(entries, P_FEES) == D("100.00")
    if model == "loan":
        assert balance(entries, L_ADVANCES) == balance(entries, P_ADVANCES) == 0


def test_paid__the_buyout_fee_comes_out_of_the_payment():
    # A 50.00 buyout fee: 400.00 - 50.00 = 350.00 paid, nothing left to net.
    text = PAID.replace('  fee: "flat 1%"\n', '  fee: "flat 1%"\n  buyout-fee: 50.00 USD\n')
    text = text.replace("400.00 USD", "350.00 USD")
    entries, errors, options = _load_with_options(text)
    assert codes(errors) == []
    buyout = txn(entries, "Buyout of Lakeshore, advance difference")
    assert (P_FEES, D("50.00"), None, "buyout-fee") in legs(buyout)
    assert buyout.links == {"INV-1", "buyout-2025-07-12"}
    assert balance(entries, P_CLEARING) == 0
    facts = read_facts(entries, options)
    (charge,) = facts.settlement.charges["pinecrest"].values()
    assert charge.netted_on == datetime.date(2025, 7, 12)
    report = reconcile_report(facts, datetime.date(2025, 7, 20), None)
    assert all(not a.items and not a.balance for a in report.accounts)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_fct120__a_payment_that_differs_from_the_new_agreement(model):
    _, errors = load(with_model(PAID.replace("400.00 USD", "390.00 USD"), model))
    assert codes(errors) == ["FCT120"]
    assert (
        "expected 400.00 USD (buyout differences 400.00), received 390.00 USD, "
        "difference -10.00 USD. The difference is left on Assets:Factoring:Pinecrest:Clearing"
        in errors[0].message
    )


def test_fct121__hand_written_legs_without_a_payment_are_checked():
    # A buyout written by hand that keeps the whole 900.00 in Pinecrest's reserve is
    # right (nothing paid); one that books 500.00 without a bank posting is not.
    text = until(PAID, "2025-08-01").replace(
        "  Assets:Bank:Checking   400.00 USD\n  Assets:Factoring:Pinecrest:Clearing\n",
        "  Assets:Factoring:Lakeshore:Reserve   -1000.00 USD\n"
        "  Expenses:Factoring:Pinecrest:Fees      100.00 USD\n"
        "  Assets:Factoring:Pinecrest:Reserve     500.00 USD\n"
        "  Assets:Factoring:Pinecrest:Clearing\n",
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT121"]
    assert "Assets:Factoring:Pinecrest:Reserve: expected 900.00 USD" in errors[0].message


def test_fct134__a_payment_in_another_currency_moves_nothing():
    text = until(PAID, "2025-08-01").replace(
        "  Assets:Bank:Checking   400.00 USD\n",
        "  Assets:Bank:Checking   400.00 CAD\n",
    )
    entries, errors = load(
        text.replace("2025-01-01 custom", "2025-01-01 commodity CAD\n\n2025-01-01 custom", 1)
    )
    assert codes(errors) == ["FCT134"]
    assert "This buyout is paid in CAD but the invoices it buys are in USD" in errors[0].message
    # Nothing moved: Lakeshore still holds its 1,000.00.
    assert balance(entries, L_RESERVE) == D("1000.00")
