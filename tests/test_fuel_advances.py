"""Fuel advances: cash against a load before it is invoiced, recouped from its funding.

research/domain.md §3.4 entry 8 (a 40% fuel advance with its fee) and entry 9
(one lump sum that recoups a fuel advance, nets a chargeback and pays a wire
fee) are reproduced with their numbers, in both models.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
BANK = "Assets:Bank:Checking"
FUEL = "Liabilities:Factor:RTS:FuelAdvances"
FEES = "Expenses:Factoring:RTS:OtherFees"
DISCOUNT = "Expenses:Factoring:RTS:Discount"
TRANSFER = "Expenses:Factoring:RTS:TransferFees"
CLEARING = "Assets:Factor:RTS:Clearing"
RESERVE = "Assets:Factor:RTS:Reserve"
ADVANCES = "Liabilities:Factor:RTS:Advances"

RTS = """
2024-11-01 open Assets:Bank:Checking
2024-11-01 open Assets:Receivable:Factored:TQL
2024-11-01 open Assets:Receivable:Factored:CHR
2024-11-01 open Assets:Receivable:Factored:QuickLane
2024-11-01 open Assets:Receivable:Recourse:QuickLane
2024-11-01 open Income:Freight:Linehaul

2024-11-01 custom "factoring-agreement" "RTS Financial"
  advance-rate: 0.97
  fee: "flat 2.5%"
  transfer-fee: 0.00 USD
  wire-fee: 25.00 USD
  recourse-days: 90
  fuel-advance-rate: 0.40
  fuel-advance-fee: "2.5%"
  payee: "RTS FINANCIAL"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
  recourse-receivables: Assets:Receivable:Recourse
  clearing: Assets:Factor:RTS:Clearing
  reserve: Assets:Factor:RTS:Reserve
  fees: Expenses:Factoring:RTS:Discount
  transfer-fee-account: Expenses:Factoring:RTS:TransferFees
  fuel-advances: Liabilities:Factor:RTS:FuelAdvances
  advances: Liabilities:Factor:RTS:Advances
"""

# Entry 8: 40% of a $2,000 load at pickup, a $20 fee (2.5%): $780 in the bank.
ENTRY_8 = """
2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                   780.00 USD

2025-03-03 * "TQL" "INV-1001 load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:Factored:TQL        2000.00 USD
  Income:Freight:Linehaul
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  advance-rate: 0.97", f'  model: "{model}"\n  advance-rate: 0.97')


def fee_account(text: str) -> str:
    return text.replace("  fees: Expenses:Factoring:RTS:Discount", f"  fees: {FEES}")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_domain_entry_8__a_fuel_advance_and_its_fee(model):
    entries, errors = load(fee_account(with_model(RTS + ENTRY_8, model)), opens=False)
    assert errors == []
    # The advance is the cash plus its fee: 780 / (1 - 2.5%) = 800.00.
    assert legs(txn(entries, "Fuel advance load TQL-88412")) == [
        (BANK, D("780.00"), None, None),
        (FEES, D("20.00"), "INV-1001", "fuel-advance-fee"),
        (FUEL, D("-800.00"), "INV-1001", "fuel-advance"),
    ]
    assert "INV-1001" in txn(entries, "Fuel advance load TQL-88412").links


def test_the_funding_recoups_the_fuel_advance():
    text = (
        RTS
        + ENTRY_8
        + """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1090.00 USD
  Assets:Factor:RTS:Clearing
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    # 1940.00 advance - 50.00 fee (2.5%) - 800.00 fuel advance = 1090.00.
    assert (
        "Liabilities:Factor:RTS:FuelAdvances",
        D("800.00"),
        "INV-1001",
        "fuel-advance-recoup",
    ) in legs(txn(entries, "Purchase INV-1001"))
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_deposit_that_names_nothing_is_matched_net_of_the_fuel_advance():
    text = (
        RTS
        + ENTRY_8
        + """
2025-03-03 * "RTS Financial" "Schedule 10452" ^INV-1001
  factoring: "schedule"
  schedule: "10452"

2025-03-04 * "RTS FINANCIAL" "ACH credit"
  Assets:Bank:Checking                  1090.00 USD
  Assets:Factor:RTS:Clearing
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "sched-10452" in txn(entries, "ACH credit").links
    assert balance(entries, FUEL) == 0


# Entry 9: five invoices, $10,000 face, one of them the load of a $500 fuel advance;
# a wire; and the chargeback of INV-0931 ($1,250 face, $37.50 reserve held).
ENTRY_9 = """
2024-12-02 * "QuickLane" "INV-0931"
  invoice: "INV-0931"
  Assets:Receivable:Factored:QuickLane   1250.00 USD
  Income:Freight:Linehaul

2024-12-03 * "RTS FINANCIAL" "Purchase INV-0931" ^INV-0931
  Assets:Bank:Checking                   1181.25 USD
  Assets:Factor:RTS:Clearing

2025-02-27 * "RTS FINANCIAL" "Fuel advance CHR-551907"
  factoring: "fuel-advance"
  load: "CHR-551907"
  advance: 500.00 USD
  Assets:Bank:Checking                    487.50 USD

2025-03-03 * "RTS Financial" "Chargeback INV-0931" ^INV-0931
  factoring: "chargeback"

2025-03-03 * "TQL" "INV-1001"
  invoice: "INV-1001"
  Assets:Receivable:Factored:TQL   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "TQL" "INV-1002"
  invoice: "INV-1002"
  Assets:Receivable:Factored:TQL   2150.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1003"
  invoice: "INV-1003"
  load: "CHR-551907"
  Assets:Receivable:Factored:CHR   1850.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1004"
  invoice: "INV-1004"
  Assets:Receivable:Factored:CHR   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "CHR" "INV-1005"
  invoice: "INV-1005"
  Assets:Receivable:Factored:CHR   2000.00 USD
  Income:Freight:Linehaul

2025-03-03 * "RTS Financial" "Schedule 10452" ^INV-1001 ^INV-1002 ^INV-1003 ^INV-1004 ^INV-1005
  factoring: "schedule"
  schedule: "10452"

2025-03-04 * "RTS FINANCIAL" "Schedule 10452" ^sched-10452 ^INV-0931
  transfer: "wire"
  Assets:Bank:Checking                  7712.50 USD
  Assets:Factor:RTS:Clearing
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_domain_entry_9__one_lump_sum_with_a_fuel_recoup(model):
    # 9700.00 advance - 250.00 fee - 25.00 wire - 500.00 fuel - 1212.50 chargeback = 7712.50.
    entries, errors = load(with_model(RTS + ENTRY_9, model), opens=False)
    assert errors == []
    deposit = next(
        e
        for e in entries
        if getattr(e, "narration", "") == "Schedule 10452"
        and e.postings
        and e.postings[0].account == BANK
    )
    got: dict[str, Decimal] = {}
    for posting in deposit.postings:
        got[posting.account] = got.get(posting.account, 0) + posting.units.number
    face = {"sale": CLEARING, "loan": ADVANCES}[model]
    expected = {
        BANK: D("7712.50"),
        DISCOUNT: D("250.00"),
        TRANSFER: D("25.00"),
        RESERVE: D("300.00"),
        FUEL: D("500.00"),
    }
    if model == "sale":
        # The face leaves clearing; the chargeback's 1212.50 nets there too.
        expected[CLEARING] = D("-10000.00") + D("1212.50")
    else:
        expected[CLEARING] = D("1212.50")
        expected[ADVANCES] = D("-10000.00")
    assert got == expected
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0
    assert face in got
    if model == "sale":
        assert balance(entries, "Assets:Receivable:Recourse:QuickLane") == D("1250.00")


def test_fct180__a_fuel_advance_over_the_agreements_rate():
    # 40% of 2,000.00 is 800.00; 900.00 is more.
    text = RTS + ENTRY_8.replace("780.00 USD", "877.50 USD")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "more than fuel-advance-rate 0.40 of invoice INV-1001's 2,000.00 (800.00)" in (
        errors[0].message
    )
    # Still booked, as the bank says: the debt is what the factor advanced.
    assert balance(entries, FUEL) == D("-900.00")


def test_fct180__a_fuel_advance_whose_cash_is_not_the_advance_less_its_fee():
    text = RTS + ENTRY_8.replace(
        '  load: "TQL-88412"\n  Assets:Bank:Checking                   780.00',
        '  load: "TQL-88412"\n  advance: 800.00 USD\n  Assets:Bank:Checking  770.00',
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "expected 780.00 USD (advance 800.00 - fee 20.00), received 770.00 USD" in (
        errors[0].message
    )
    assert balance(entries, CLEARING) == D("10.00")


def test_a_fuel_advance_that_names_no_load_is_an_error():
    text = RTS + ENTRY_8.replace('  load: "TQL-88412"\n  Assets:Bank', "  Assets:Bank")
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert 'name it with load: "TQL-88412"' in errors[0].message


def test_a_fuel_advance_after_the_funding_cannot_be_recouped():
    text = (
        RTS
        + """
2025-03-03 * "TQL" "INV-1001 load TQL-88412"
  invoice: "INV-1001"
  load: "TQL-88412"
  Assets:Receivable:Factored:TQL        2000.00 USD
  Income:Freight:Linehaul

2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1890.00 USD
  Assets:Factor:RTS:Clearing

2025-03-05 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                   780.00 USD
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT133"]
    assert "funded on 2025-03-04, before this fuel advance" in errors[0].message


def test_a_fuel_advance_on_a_load_not_invoiced_yet_waits_as_a_debt():
    text = RTS + ENTRY_8.split("2025-03-03")[0]
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == D("-800.00")
    assert [leg[2] for leg in legs(txn(entries, "Fuel advance load TQL-88412"))] == [None] * 3


def test_a_fuel_advance_in_another_currency_than_its_invoice_is_refused():
    text = RTS + ENTRY_8.replace("780.00 USD", "780.00 CAD")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "is in CAD, but invoice INV-1001 of its load is in USD" in errors[0].message
    # Nothing is lost: the cash waits on the clearing account.
    assert balance(entries, CLEARING) == D("-780.00")
    assert balance(entries, SUMMIT_CLEARING) == 0


def test_a_fuel_advance_before_its_agreement_leaves_its_cash_on_clearing():
    text = RTS.replace("2024-11-01 custom", "2025-06-01 custom") + ENTRY_8
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT111"]
    assert balance(entries, CLEARING) == D("-780.00")
    assert balance(entries, SUMMIT_CLEARING) == 0


# A second advance on the same load, 487.50 in the bank: 487.50 / 0.975 = 500.00.
SECOND_ADVANCE = """
2025-03-02 * "RTS FINANCIAL" "Second fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                   487.50 USD
"""


def test_fct180__two_fuel_advances_on_one_load_over_the_rate_together():
    # 500.00 + 500.00 = 1,000.00, more than 40% of 2,000.00 = 800.00, though each is less.
    first = ENTRY_8.replace("780.00 USD", "487.50 USD")
    entries, errors = load(RTS + first + SECOND_ADVANCE, opens=False)
    assert codes(errors) == ["FCT180"]
    # On the second advance's line (after the plugin line and its blank line).
    assert errors[0].source["lineno"] == (RTS + first).count("\n") + 3
    assert "with the fuel advances already on the load (500.00), 1,000.00 USD" in (
        errors[0].message
    )
    assert balance(entries, FUEL) == D("-1000.00")


def test_two_fuel_advances_on_one_load_within_the_rate_are_both_recouped():
    # 300.00 (292.50 in the bank) + 500.00 = 800.00, 40% of 2,000.00 exactly; the
    # funding pays 1,940.00 - 50.00 - 800.00 = 1,090.00.
    first = ENTRY_8.replace("780.00 USD", "292.50 USD")
    deposit = """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1090.00 USD
  Assets:Factor:RTS:Clearing
"""
    entries, errors = load(RTS + first + SECOND_ADVANCE + deposit, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


@pytest.mark.parametrize("written", ['"tql-88412"', '"TQL 88412"', '"TQL88412"', '" TQL-88412 "'])
def test_a_load_written_another_way_on_the_advance_is_the_invoices_load(written):
    # Case, spaces and dashes aside, the load is the invoice's: the funding recoups it.
    text = RTS + ENTRY_8.replace('load: "TQL-88412"', f"load: {written}", 1)
    deposit = """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1090.00 USD
  Assets:Factor:RTS:Clearing
"""
    entries, errors = load(text + deposit, opens=False)
    assert errors == []
    assert "INV-1001" in txn(entries, "Fuel advance load TQL-88412").links
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


@pytest.mark.parametrize(("advance", "invoice"), [("88412", '"088412"'), ('"088412"', "88412")])
def test_a_load_number_with_leading_zeros_is_the_same_load(advance, invoice):
    text = RTS + ENTRY_8.replace('load: "TQL-88412"', f"load: {advance}", 1).replace(
        'load: "TQL-88412"', f"load: {invoice}"
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert "INV-1001" in txn(entries, "Fuel advance load TQL-88412").links


def test_a_fuel_advance_without_cash_names_the_currency_of_its_advance():
    text = (
        RTS
        + """
2025-03-01 * "RTS FINANCIAL" "Fuel advance load TQL-99"
  factoring: "fuel-advance"
  load: "TQL-99"
  advance: 800.00 USD
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "None" not in errors[0].message
    assert "expected 780.00 USD (advance 800.00 - fee 20.00), received 0.00 USD" in (
        errors[0].message
    )


# The carrier wires the advance back: the same event, its bank posting negative.
REPAID = """
2025-03-02 * "RTS FINANCIAL" "Fuel advance repaid"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                  -800.00 USD
"""


def test_a_fuel_advance_repaid_by_wire_is_not_recouped_again():
    # Repaid before the funding: the funding pays 1,940.00 - 50.00 = 1,890.00.
    deposit = """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1890.00 USD
  Assets:Factor:RTS:Clearing
"""
    entries, errors = load(RTS + ENTRY_8 + REPAID + deposit, opens=False)
    assert errors == []
    assert legs(txn(entries, "Fuel advance repaid")) == [
        (BANK, D("-800.00"), None, None),
        (FUEL, D("800.00"), "INV-1001", "fuel-advance-recoup"),
    ]
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == 0


def test_a_fuel_advance_on_a_load_never_invoiced_repaid_by_wire():
    text = RTS + ENTRY_8.split("2025-03-03")[0] + REPAID
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0


def test_fct180__a_repayment_of_more_than_the_fuel_advance():
    # 900.00 repaid where 800.00 was advanced: 800.00 repays the advance, the 100.00
    # more waits on the clearing account.
    text = RTS + ENTRY_8.split("2025-03-03")[0] + REPAID.replace("-800.00", "-900.00")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "repays 900.00 USD, but the fuel advances open on load TQL-88412 come to 800.00" in (
        errors[0].message
    )
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == D("100.00")


def test_a_load_sold_to_another_factor_after_its_fuel_advance_is_repaid():
    # RTS's 800.00 wired back; Summit buys INV-1001: 2,000.00 x 90% - 3% = 1,740.00.
    text = (
        RTS
        + ENTRY_8
        + REPAID
        + """
2024-11-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored

2025-03-04 * "SUMMIT FUNDING" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1740.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("200.00")


def test_a_fuel_advance_repaid_by_hand_is_an_error_naming_the_event_to_write():
    text = (
        RTS
        + ENTRY_8
        + """
2025-03-02 * "RTS FINANCIAL" "Fuel advance wired back"
  Assets:Bank:Checking                  -800.00 USD
  Liabilities:Factor:RTS:FuelAdvances
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert errors[0].source["lineno"] == (RTS + ENTRY_8).count("\n") + 3
    assert "posts to Liabilities:Factor:RTS:FuelAdvances by hand" in errors[0].message
    assert 'factoring: "fuel-advance"' in errors[0].message


def test_an_opening_balance_of_the_fuel_advances_account_is_no_error():
    text = (
        RTS
        + """
2024-11-01 open Equity:Opening-Balances

2024-11-01 * "Opening balances"
  Liabilities:Factor:RTS:FuelAdvances   -300.00 USD
  Equity:Opening-Balances
"""
    )
    _, errors = load(text, opens=False)
    assert errors == []


def test_a_repayment_that_gives_an_advance_too_is_refused():
    text = RTS + ENTRY_8 + REPAID.replace("  Assets:Bank", "  advance: 800.00 USD\n  Assets:Bank")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "pays it back, but it gives an advance: too" in errors[0].message
    # Nothing lost: the cash waits on the clearing account.
    assert balance(entries, CLEARING) == D("800.00")


@pytest.mark.parametrize(
    ("load_", "said"),
    [
        ('"TQL-99999"', 'but its load: "TQL-99999" is invoice INV-1002\'s'),
        ('"TQL-55555"', 'whose load is "TQL-88412", but names load: "TQL-55555"'),
    ],
)
def test_a_fuel_advance_that_links_one_invoice_and_names_anothers_load(load_, said):
    text = (
        RTS
        + ENTRY_8.replace(
            '"Fuel advance load TQL-88412"\n  factoring: "fuel-advance"\n  load: "TQL-88412"',
            f'"Fuel advance load TQL-88412" ^INV-1001\n  factoring: "fuel-advance"\n'
            f"  load: {load_}",
        )
        + """
2025-03-03 * "TQL" "INV-1002 load TQL-99999"
  invoice: "INV-1002"
  load: "TQL-99999"
  Assets:Receivable:Factored:TQL        2000.00 USD
  Income:Freight:Linehaul
"""
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert said in errors[0].message
    # Nothing lost: the cash waits on the clearing account.
    assert balance(entries, CLEARING) == D("-780.00")
    assert balance(entries, SUMMIT_CLEARING) == 0


def test_a_fuel_advance_that_links_its_invoice_and_names_its_load_is_booked():
    text = RTS + ENTRY_8.replace(
        '"Fuel advance load TQL-88412"\n', '"Fuel advance load TQL-88412" ^INV-1001\n'
    ).replace('load: "TQL-88412"', 'load: "tql 88412"', 1)
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == D("-800.00")


def test_a_fuel_advance_that_links_the_second_invoice_of_its_load_is_booked():
    # A load billed twice (the linehaul INV-1001, then a detention invoice INV-1002 on
    # the same load): an advance that links INV-1002 and names the load is INV-1002's,
    # the load being INV-1002's too. 40% of 150.00 is 60.00 at most; 39.00 in the bank
    # is 39.00 / 0.975 = 40.00 advanced, 1.00 fee.
    text = (
        RTS
        + ENTRY_8.split("2025-03-03")[0]
        .replace("780.00", "39.00")
        .replace('"Fuel advance load TQL-88412"\n', '"Fuel advance load TQL-88412" ^INV-1002\n')
        + "2025-03-03"
        + ENTRY_8.split("2025-03-03")[1]
        + """
2025-03-03 * "TQL" "INV-1002 detention on load TQL-88412"
  invoice: "INV-1002"
  load: "TQL-88412"
  Assets:Receivable:Factored:TQL         150.00 USD
  Income:Freight:Linehaul
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == D("-40.00")
    assert {leg[2] for leg in legs(txn(entries, "Fuel advance load TQL-88412"))} == {
        None,
        "INV-1002",
    }


def test_an_opening_balance_of_the_fuel_advances_account_under_renamed_roots_is_no_error():
    # option "name_equity" "Eigenkapital": the opening balance posts to the ledger's own
    # equity root, not to Equity:, and is the books' start all the same.
    text = (
        'option "name_equity" "Eigenkapital"\n'
        + RTS
        + """
2024-11-01 open Eigenkapital:Eroeffnungsbilanz

2024-11-01 * "Opening balances"
  Liabilities:Factor:RTS:FuelAdvances   -300.00 USD
  Eigenkapital:Eroeffnungsbilanz
"""
    )
    _, errors = load(text, opens=False)
    assert errors == []


def test_fct180__a_fuel_advance_more_than_its_invoices_funding_pays_without_a_rate():
    # No fuel-advance-rate. INV-1001's funding pays 2,000.00 x 0.97 = 1,940.00 less the
    # 2.5% fee of 50.00: 1,890.00. An advance of 2,000.00 (1,950.00 in the bank) is more:
    # the funding would be 1,890.00 - 2,000.00 = -110.00, booked without a word.
    text = RTS.replace("  fuel-advance-rate: 0.40\n", "") + ENTRY_8.replace(
        "780.00 USD", "1950.00 USD"
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT180"]
    event = txn(entries, "Fuel advance load TQL-88412")
    assert errors[0].source["lineno"] == event.meta["lineno"]
    assert (
        "the advance of 2,000.00 USD is more than invoice INV-1001's funding pays before "
        "its fuel advances (1,890.00 USD)" in errors[0].message
    )
    # Still booked, as the bank says.
    assert balance(entries, FUEL) == D("-2000.00")


def test_a_fuel_advance_of_all_its_invoices_funding_pays_is_no_error():
    # 1,890.00 exactly (1,842.75 in the bank: 1,890.00 less its 2.5% fee of 47.25); the
    # funding then brings nothing: 1,890.00 - 1,890.00 = 0.00.
    text = RTS.replace("  fuel-advance-rate: 0.40\n", "") + ENTRY_8.replace(
        "780.00 USD", "1842.75 USD"
    )
    _, errors = load(text, opens=False)
    assert errors == []


def test_fct180__two_fuel_advances_more_than_the_funding_pays_together():
    # 1,000.00 (975.00 in the bank) and 1,000.00: 2,000.00 together, more than 1,890.00.
    text = RTS.replace("  fuel-advance-rate: 0.40\n", "")
    first = ENTRY_8.replace("780.00 USD", "975.00 USD")
    second = SECOND_ADVANCE.replace("487.50 USD", "975.00 USD")
    _, errors = load(text + first + second, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "with the fuel advances already on the load (1,000.00), 2,000.00 USD" in (
        errors[0].message
    )


def test_a_fuel_advance_in_whole_units_is_refused():
    # 81,250 JPY in the bank at a 2.5% fee, worked out in cents: an advance of
    # 81,250 / 0.975 = 83,333.33 JPY and a fee of 2,083.33 JPY, fractions of a yen no
    # factor charges; and the load's invoice in JPY cannot be sold (FCT134 at its
    # funding). Refused, as the invoice is.
    text = RTS.replace("USD", "JPY") + (
        ENTRY_8.replace("780.00 USD", "81250 JPY").replace("2000.00 USD", "250000 JPY")
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "This fuel advance is in JPY, which is not counted in cents" in errors[0].message
    assert balance(entries, FUEL) == 0


# Summit, a second factor of the same business (90%, flat 3%, no fuel-advance fee).
SUMMIT = """
2024-11-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  receivables: Assets:Receivable:Factored
"""
SUMMIT_FUEL = "Liabilities:Factoring:Summit:FuelAdvances"
SUMMIT_CLEARING = "Assets:Factoring:Summit:Clearing"


def test_fct133__a_fuel_advance_of_another_factor_on_a_load_its_factor_advanced_on():
    # RTS advanced 400.00 (390.00 in the bank) on TQL-88412, then Summit 400.00 on the
    # same load. RTS's funding recoups its own 400.00 only: 1,940.00 - 50.00 - 400.00 =
    # 1,490.00. Summit's advance was booked on INV-1001 and RTS's funding recouped it
    # into Summit's fuel advances account: RTS's stayed -400.00 owed, Summit's +400.00,
    # with no word. It is refused now, its cash left on Summit's clearing account.
    first = ENTRY_8.replace("780.00 USD", "390.00 USD")
    summit = """
2025-03-02 * "SUMMIT FUNDING" "Fuel advance Summit"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                   400.00 USD
"""
    deposit = """
2025-03-04 * "RTS FINANCIAL" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1490.00 USD
  Assets:Factor:RTS:Clearing
"""
    text = RTS + SUMMIT + first + summit + deposit
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT133"]
    assert errors[0].source["lineno"] == (RTS + SUMMIT + first).count("\n") + 3
    assert "Invoice INV-1001 of load TQL-88412 belongs to factor 'RTS Financial'" in (
        errors[0].message
    )
    assert balance(entries, FUEL) == 0
    assert balance(entries, SUMMIT_FUEL) == 0
    assert balance(entries, SUMMIT_CLEARING) == D("-400.00")
    assert balance(entries, CLEARING) == 0


def test_fct133__a_fuel_advance_on_a_load_another_factor_has_scheduled():
    # Summit scheduled INV-1001; RTS's fuel advance on its load was noted on it, and
    # Summit's funding of 2,000.00 x 90% - 3% = 1,740.00 was expected 800.00 less, the
    # 800.00 recouped into RTS's account (a deposit of 940.00 passed with no word).
    # Refused now, its cash left on RTS's clearing; Summit's funding is its own.
    schedule = """
2025-03-03 * "SUMMIT FUNDING" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"
"""
    advance = """
2025-03-04 * "RTS FINANCIAL" "Fuel advance load TQL-88412"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                   780.00 USD
"""
    deposit = """
2025-03-05 * "SUMMIT FUNDING" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1740.00 USD
  Assets:Factoring:Summit:Clearing
"""
    invoice = "\n2025-03-03" + ENTRY_8.split("2025-03-03")[1]
    entries, errors = load(RTS + SUMMIT + invoice + schedule + advance + deposit, opens=False)
    assert codes(errors) == ["FCT133"]
    assert "belongs to factor 'Summit'" in errors[0].message
    assert balance(entries, FUEL) == 0
    assert balance(entries, CLEARING) == D("-780.00")
    assert balance(entries, SUMMIT_CLEARING) == 0


def test_fct133__another_factor_schedules_an_invoice_whose_load_carries_a_fuel_advance():
    # RTS advanced 800.00 on TQL-88412 (INV-1001's load); then Summit scheduled INV-1001
    # and funded it with 2,000.00 x 90% - 3% - 800.00 = 940.00: Summit's funding
    # "recouped" RTS's advance into RTS's fuel-advances account, with no word. Refused
    # now, on the schedule: the invoice is RTS's to buy until its advance is repaid.
    schedule = """
2025-03-04 * "SUMMIT FUNDING" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"
"""
    deposit = """
2025-03-05 * "SUMMIT FUNDING" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                   940.00 USD
  Assets:Factoring:Summit:Clearing
"""
    text = RTS + SUMMIT + ENTRY_8 + schedule
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT133"]
    assert errors[0].source["lineno"] == (RTS + SUMMIT + ENTRY_8).count("\n") + 3
    message = errors[0].message
    assert "fuel advance of 'RTS Financial' (800.00 USD open)" in message
    assert "not 'Summit''s" in message or "not to 'Summit'" in message
    assert "repayment" in message
    # Nothing moved: INV-1001 is still on its receivable, RTS's advance still owed.
    assert balance(entries, SUMMIT_CLEARING) == 0
    assert balance(entries, FUEL) == D("-800.00")
    entries, errors = load(text + deposit, opens=False)
    assert codes(errors) == ["FCT133", "FCT133"]
    assert "fuel advance of 'RTS Financial'" in errors[1].message
    assert balance(entries, FUEL) == D("-800.00")
    # Each says where the advance is, to correct its load if it is another's (the
    # message ended "correct its load:", naming nothing).
    advance_line = (RTS + SUMMIT).count("\n") + 3
    for error in errors:
        assert error.message.endswith(f"correct its load (<string>:{advance_line})")


def test_another_factor_may_schedule_an_invoice_once_its_fuel_advance_is_repaid():
    repaid = """
2025-03-02 * "RTS FINANCIAL" "Fuel advance repaid"
  factoring: "fuel-advance"
  load: "TQL-88412"
  Assets:Bank:Checking                  -800.00 USD
"""
    schedule = """
2025-03-04 * "SUMMIT FUNDING" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"

2025-03-05 * "SUMMIT FUNDING" "Purchase INV-1001" ^INV-1001
  Assets:Bank:Checking                  1740.00 USD
  Assets:Factoring:Summit:Clearing
"""
    entries, errors = load(RTS + SUMMIT + ENTRY_8 + repaid + schedule, opens=False)
    assert errors == []
    assert balance(entries, FUEL) == 0
    assert balance(entries, SUMMIT_CLEARING) == 0
