"""Fees a factor deducts from an invoice's funding: `charge: "wire"`, `"same-day"`, `"other"`.

A purchase report's deductions column (a wire fee, a lien search) becomes a fee event of
its kind that links the invoice (docs/ledger.md 6.11). A wire or same-day fee is a
transfer fee: part `wire-fee` / `same-day-fee`, on the transfer-fee-account, its VAT
`wire-fee-vat` / `same-day-fee-vat`, "transfer" in the cost report, on the invoice's
customer. The deposit that funds the invoice nets it; a deposit marked `transfer: "wire"`
that nets a wire fee event takes no wire fee of its own (no double charge).

INV-1001, 2,000.00 to TQL; Summit advances 95% (1,900.00) less 2% (40.00). Its report
deducts a 30.00 wire fee (the agreement's wire-fee says 25.00: the report's figure is
the one deducted, and booked):

    wire deposit      1,900.00 - 40.00 - 30.00          = 1,830.00 (no 25.00 on top)
    ACH deposit       1,900.00 - 40.00 - 30.00 - 5.00   = 1,825.00 (its ACH fee)
    charged twice     1,900.00 - 40.00 - 30.00 - 25.00  = 1,805.00 (an error)
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
CLEARING = "Assets:Factoring:Summit:Clearing"
FEES = "Expenses:Factoring:Summit:Fees"
TRANSFER = "Expenses:Factoring:Summit:Transfers"

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 5.00 USD
  wire-fee: 25.00 USD
  same-day-fee: 15.00 USD
  transfer-fee-account: Expenses:Factoring:Summit:Transfers
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 7" ^INV-1001
  factoring: "schedule"
  schedule: "7"

2025-03-03 * "Summit" "Wire Fee, schedule 7, INV-1001" ^INV-1001 ^fee-2025-03-03-INV-1001
  factoring: "fee"
  charge: "wire"
  amount: 30.00 USD
"""


def deposit(cash: str, rail: str = "wire", links: str = "") -> str:
    meta = f'  transfer: "{rail}"\n' if rail != "ach" else ""
    return f"""
2025-03-04 * "SUMMIT FUNDING" "Deposit"{links}
{meta}  Assets:Bank:Checking   {cash} USD
  Assets:Factoring:Summit:Clearing
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  advance-rate:", f'  model: "{model}"\n  advance-rate:')


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("links", ["", " ^INV-1001", " ^sched-7 ^fee-2025-03-03-INV-1001"])
def test_a_wire_deposit_nets_the_wire_fee_and_takes_no_other(model: str, links: str) -> None:
    entries, errors = load(with_model(SUMMIT + deposit("1830.00", links=links), model))
    assert errors == []
    fee = txn(entries, "Wire Fee, schedule 7, INV-1001")
    # The factor's 30.00, a transfer fee of its own kind on the transfer-fee-account.
    assert (TRANSFER, D("30.00"), None, "wire-fee") in legs(fee)
    parts = [part for _, _, _, part in legs(txn(entries, "Deposit"))]
    assert "transfer-fee" not in parts
    # 40.00 discount fee on the fees account; 30.00 wire, and nothing else, on transfers.
    assert balance(entries, FEES) == D("40.00")
    assert balance(entries, TRANSFER) == D("30.00")
    # Under the sale model the clearing account is settled: +2,000.00 sold, -30.00 owed,
    # -1,970.00 the deposit (1,830.00 + 40.00 + 100.00 reserve). Loan: nothing left either.
    assert balance(entries, CLEARING) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_an_ach_deposit_nets_the_wire_fee_and_pays_its_own(model: str) -> None:
    # The factor deducted the wire fee and sent the rest by ACH: 1,830.00 - 5.00.
    entries, errors = load(with_model(SUMMIT + deposit("1825.00", rail="ach"), model))
    assert errors == []
    assert balance(entries, TRANSFER) == D("35.00")  # 30.00 wire + 5.00 ACH
    assert balance(entries, CLEARING) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("links", ["", " ^INV-1001"])
def test_the_wire_fee_is_never_charged_twice(model: str, links: str) -> None:
    """A credit that paid both the deduction and the agreement's wire fee is not booked
    as such: 1,805.00 is an error, not 25.00 more of fees."""
    _, errors = load(with_model(SUMMIT + deposit("1805.00", links=links), model))
    # The deposit is 25.00 short of 1,830.00: the difference is reported, not booked.
    assert codes(errors) == ["FCT120"]
    assert "expected 1,830.00 USD" in errors[0].message
    assert "difference -25.00 USD" in errors[0].message


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_same_day_fee_and_its_vat(model: str) -> None:
    text = SUMMIT.replace('charge: "wire"\n  amount: 30.00', 'charge: "same-day"\n  amount: 15.00')
    text = text.replace(
        "  recourse-days: 90\n",
        "  recourse-days: 90\n  same-day-fee-vat: 0.20\n  vat-account: Assets:Tax:VAT\n",
    )
    # 15.00 same-day fee + 20% VAT (3.00) deducted: 1,900.00 - 40.00 - 18.00 = 1,842.00.
    entries, errors = load(
        with_model(text + deposit("1842.00", rail="same-day"), model) + OPEN_VAT
    )
    assert errors == []
    fee = txn(entries, "Wire Fee, schedule 7, INV-1001")
    assert (TRANSFER, D("15.00"), None, "same-day-fee") in legs(fee)
    assert balance(entries, "Assets:Tax:VAT") == D("3.00")
    assert balance(entries, CLEARING) == 0


OPEN_VAT = "\n2025-01-01 open Assets:Tax:VAT\n"


def test_a_wire_fee_needs_its_amount() -> None:
    text = SUMMIT.replace("  amount: 30.00 USD\n", "")
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert 'charge: "wire" needs the fee the factor charged' in errors[0].message


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_cost_report_counts_it_as_the_invoices_transfer_fee(model: str) -> None:
    paid = """
2025-04-02 * "Summit" "Paid" ^INV-1001
  factoring: "collected"
"""
    text = with_model(SUMMIT + deposit("1830.00") + paid, model)
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + text
    entries, errors, options = loader.load_string(source)
    assert errors == []
    report = compute(entries, options, errors).cost(datetime.date(2025, 4, 30))
    (summit,) = report.by_factor
    assert (summit.fees.discount, summit.fees.transfer, summit.fees.other) == (
        D("40.00"),
        D("30.00"),
        D(0),
    )
    assert summit.untied_fees == 0  # tied to INV-1001, not a fee of no invoice
    customers = {line.key: line for line in report.by_customer}
    assert set(customers) == {"TQL"}
    assert customers["TQL"].fees.transfer == D("30.00")
    # INV-1001's rate: (40.00 + 30.00) / (1,900.00 x 29 days, funded 03-04, paid 04-02)
    # x 365 = 0.4637.
    (invoice,) = report.by_invoice
    assert (invoice.fees.transfer, invoice.fees.total) == (D("30.00"), D("70.00"))
    assert invoice.annual_rate == D("70.00") / (D("1900.00") * 29) * 365
    assert round(invoice.annual_rate, 4) == D("0.4637")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_another_invoices_wire_pays_the_agreements_wire_fee(model: str) -> None:
    """INV-1001's wire fee is still open when a wire for INV-1002 (1,000.00 to CHR) comes,
    naming nothing: it nets no wire fee event, so it pays the agreement's 25.00:
    950.00 advance - 20.00 (2%) - 25.00 = 905.00."""
    other = """
2025-03-05 * "CHR" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:CHR   1000.00 USD
  Income:Freight

2025-03-05 * "Summit" "Schedule 8" ^INV-1002
  factoring: "schedule"
  schedule: "8"
"""
    text = SUMMIT + other + deposit("905.00").replace("2025-03-04", "2025-03-06")
    entries, errors = load(with_model(text, model))
    assert errors == []
    funded = legs(txn(entries, "Deposit"))
    assert (TRANSFER, D("25.00"), None, "transfer-fee") in funded
    assert all(part != "wire-fee" for _, _, _, part in funded)
    # The wire fee of INV-1001 is still owed on the clearing account (sale model).
    assert balance(entries, TRANSFER) == D("55.00")  # 30.00 deducted + 25.00 wire


# A factor whose purchase report deducts the ACH transfer's fee from an invoice's
# funding, labelled "ACH Fee": 5.00, the agreement's transfer-fee. The ACH deposit is
# 1,900.00 - 40.00 - 5.00 = 1,855.00: the deduction is the transfer's fee, not a second.
ACH = SUMMIT.replace('"Wire Fee', '"ACH Fee').replace(
    'charge: "wire"\n  amount: 30.00', 'charge: "ach"\n  amount: 5.00'
)


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("links", ["", " ^INV-1001", " ^sched-7 ^fee-2025-03-03-INV-1001"])
def test_an_ach_deposit_nets_the_ach_fee_and_takes_no_other(model: str, links: str) -> None:
    entries, errors = load(with_model(ACH + deposit("1855.00", rail="ach", links=links), model))
    assert errors == []
    fee = txn(entries, "ACH Fee, schedule 7, INV-1001")
    # A transfer fee of its own part on the transfer-fee-account.
    assert (TRANSFER, D("5.00"), None, "ach-fee") in legs(fee)
    parts = [part for _, _, _, part in legs(txn(entries, "Deposit"))]
    assert "transfer-fee" not in parts
    assert balance(entries, TRANSFER) == D("5.00")
    assert balance(entries, CLEARING) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_wire_deposit_nets_the_ach_fee_and_pays_its_wire_fee(model: str) -> None:
    # An ACH fee deducted, the rest sent by wire: 1,855.00 - 25.00 wire-fee = 1,830.00.
    entries, errors = load(with_model(ACH + deposit("1830.00", rail="wire"), model))
    assert errors == []
    assert balance(entries, TRANSFER) == D("30.00")  # 5.00 ACH + 25.00 wire


@pytest.mark.parametrize("links", ["", " ^INV-1001"])
def test_the_ach_fee_is_never_charged_twice(links: str) -> None:
    # Both the deduction and the agreement's transfer-fee: 1,850.00 is reported.
    _, errors = load(ACH + deposit("1850.00", rail="ach", links=links))
    assert codes(errors) == ["FCT120"]
    assert "expected 1,855.00 USD" in errors[0].message


def test_the_cost_report_counts_an_ach_fee_as_the_invoices_transfer_fee() -> None:
    paid = """
2025-04-02 * "Summit" "Paid" ^INV-1001
  factoring: "collected"
"""
    source = 'plugin "beancount_factoring.plugin"\n' + OPENS + ACH
    source += deposit("1855.00", rail="ach") + paid
    entries, errors, options = loader.load_string(source)
    assert errors == []
    report = compute(entries, options, errors).cost(datetime.date(2025, 4, 30))
    (summit,) = report.by_factor
    # 5.00 once: the fee event's, and no transfer fee of the deposit's.
    assert (summit.fees.discount, summit.fees.transfer, summit.fees.other) == (
        D("40.00"),
        D("5.00"),
        D(0),
    )
    assert summit.untied_fees == 0
    (invoice,) = report.by_invoice
    assert invoice.fees.transfer == D("5.00")


@pytest.mark.parametrize("links", ["", " ^INV-1001"])
def test_an_ach_fee_written_as_another_fee_says_it_may_be_the_transfer_fee(links: str) -> None:
    """Imported before `charge: "ach"` (or typed as "other"), the ACH fee is a fee apart,
    and the deposit takes the agreement's transfer-fee beside it: 1,850.00 expected,
    1,855.00 received. The message names the fee that may be the transfer's."""
    text = ACH.replace('charge: "ach"', 'charge: "other"')
    _, errors = load(text + deposit("1855.00", rail="ach", links=links))
    assert codes(errors) == ["FCT120" if links else "FCT101"]
    message = errors[0].message
    assert "ACH Fee, schedule 7, INV-1001" in message
    assert 'charge: "ach"' in message


def test_another_fee_of_another_amount_says_nothing_of_the_transfer_fee() -> None:
    # A 7.00 "other" fee beside the 5.00 transfer fee, and a deposit 5.00 off: the other
    # fee is no transfer fee (its amount is not the agreement's), nothing is suggested.
    text = ACH.replace('charge: "ach"\n  amount: 5.00', 'charge: "other"\n  amount: 7.00')
    _, errors = load(text + deposit("1853.00", rail="ach", links=" ^INV-1001"))
    assert codes(errors) == ["FCT120"]
    assert 'charge: "ach"' not in errors[0].message


def test_a_wire_fee_written_as_another_fee_says_to_write_it_as_the_wires():
    # A "Wire" deduction of 25.00 typed as "other", the deposit marked wire: it takes the
    # agreement's 25.00 wire-fee beside it, 1,900.00 - 40.00 - 25.00 - 25.00 = 1,810.00
    # expected, 1,835.00 received.
    text = ACH.replace('charge: "ach"\n  amount: 5.00', 'charge: "other"\n  amount: 25.00')
    _, errors = load(text + deposit("1835.00", rail="wire", links=" ^INV-1001"))
    assert codes(errors) == ["FCT120"]
    assert "agreement's wire-fee (25.00)" in errors[0].message
    assert 'write it charge: "wire"' in errors[0].message


def test_each_invoices_ach_fee_is_netted_and_the_deposit_takes_none():
    """Per-invoice ACH fees (5.00 on each of two invoices) funded by one ACH deposit: the
    factor took 10.00, the report's figures, booked as they are: (1,900.00 - 40.00 - 5.00)
    + (950.00 - 20.00 - 5.00) = 2,780.00."""
    second = """
2025-03-03 * "CHR" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:CHR   1000.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 7, INV-1002" ^INV-1002
  factoring: "schedule"
  schedule: "7"

2025-03-03 * "Summit" "ACH Fee, schedule 7, INV-1002" ^INV-1002 ^fee-2025-03-03-INV-1002
  factoring: "fee"
  charge: "ach"
  amount: 5.00 USD
"""
    entries, errors = load(ACH + second + deposit("2780.00", rail="ach"))
    assert errors == []
    assert balance(entries, TRANSFER) == D("10.00")
    assert balance(entries, CLEARING) == 0
