"""Ledger text written to break the plugin: each is an error at its line, never a traceback
and never a silent booking (see docs/reliability.md, "Hostile input")."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import test_chargeback_rules
from beancount.parser import printer

from ledgers import balance, codes, load, txn

D = Decimal

# Summit funds TQL's INV-1001 (the ledger of the chargeback-rule tests).
SUMMIT = test_chargeback_rules.SUMMIT
CREDITS = "Liabilities:Factoring:Summit:CustomerCredits:TQL"
BOTH = pytest.mark.parametrize("model", ["sale", "loan"])


def with_model(text: str, model: str) -> str:
    return text.replace('"Summit"\n', f'"Summit"\n  model: "{model}"\n', 1)


def collected(paid: str, reason: str | None = None) -> str:
    extra = f'  reason: "{reason}"\n' if reason else ""
    return (
        '\n2025-03-20 * "TQL" "Collections report row" ^INV-1001\n'
        f'  factoring: "collected"\n  paid: {paid} USD\n{extra}'
    )


@BOTH
def test_a_payment_of_twice_the_face_that_does_not_say_so_is_an_error(model):
    # A collections report row counted twice: paid 2 x 1000.00 = 2000.00 on a 1000.00
    # invoice. Booked, 1000.00 would go to the customer's credit and the reserve unseen.
    entries, errors = load(with_model(SUMMIT + collected("2000.00"), model))
    assert codes(errors) == ["FCT133"]
    assert 'reason: "overpay"' in errors[0].message
    assert errors[0].source["lineno"] == txn(entries, "Collections report row").meta["lineno"]
    assert balance(entries, CREDITS) == 0


@BOTH
def test_a_payment_of_twice_the_face_said_to_be_an_overpay_is_owed_to_the_customer(model):
    # 2000.00 - 1000.00 face = 1000.00 owed to TQL, added to the reserve: 50.00 + 1000.00.
    entries, errors = load(with_model(SUMMIT + collected("2000.00", "overpay"), model))
    assert errors == []
    assert balance(entries, CREDITS) == D("-1000.00")
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("1050.00")


def test_an_excess_within_the_tolerance_needs_no_reason():
    # 1000.01 - 1000.00 = 0.01, within a tolerance of 0.05: a cent owed to TQL.
    entries, errors = load(SUMMIT + collected("1000.01"), config="{'tolerance': '0.05'}")
    assert errors == []
    assert balance(entries, CREDITS) == D("-0.01")
    _, errors = load(SUMMIT + collected("1000.06"), config="{'tolerance': '0.05'}")
    assert codes(errors) == ["FCT133"]


def test_a_tolerance_as_large_as_an_invoice_is_refused():
    # A tolerance of 1000 would count the 1000.00 invoice as paid before any payment.
    _, errors = load(SUMMIT, config="{'tolerance': '1000'}")
    assert codes(errors) == ["FCT100"]
    assert "from 0 to 1" in errors[0].message
    _, errors = load(SUMMIT, config="{'tolerance': 1}")
    assert errors == []


def test_a_trailing_newline_does_not_pass_the_patterns():
    # Python's "$" matches before a final newline: "INV-1\n" and "USD\n" would pass.
    invoice = SUMMIT.replace('invoice: "INV-1001"', 'invoice: "INV-1001\\n"')
    _, errors = load(invoice)
    assert "FCT134" in codes(errors)
    assert "cannot be a link" in errors[codes(errors).index("FCT134")].message
    currency = SUMMIT.replace('  payee: "SUMMIT', '  currency: "USD\\n"\n  payee: "SUMMIT')
    _, errors = load(currency)
    assert codes(errors)[0] == "FCT110"
    assert "currency" in errors[0].message


def test_two_agreements_of_one_factor_on_one_date_are_an_error():
    second = SUMMIT.split("\n2025-03-03")[0].replace("0.95", "0.90")
    entries, errors = load(SUMMIT + second)
    assert codes(errors) == ["FCT110"]
    assert "a second agreement of this factor dated 2025-01-01" in errors[0].message
    # The first is kept: 1000.00 * 0.95 = 950.00 advance - 20.00 fee = 930.00, no FCT120.
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_an_invoice_too_large_to_compute_is_an_error_at_its_line():
    # 10**39 passes the 28 digits of Python's decimals once multiplied by a rate.
    huge = "1" + "0" * 39 + ".00"
    text = SUMMIT.replace(
        "  Assets:Receivable:TQL        1000.00 USD\n  Income:Freight\n",
        f"  Assets:Receivable:TQL  {huge} USD\n  Income:Freight  -{huge} USD\n",
    )
    entries, errors = load(text)
    assert codes(errors)[0] == "FCT134"
    assert "FCT100" not in codes(errors)
    assert errors[0].source["lineno"] == txn(entries, "Load TQL-88412").meta["lineno"]
    assert "too large" in errors[0].message


def test_a_paid_amount_too_large_is_an_error_at_its_line():
    entries, errors = load(SUMMIT + collected("1" + "0" * 39))
    assert codes(errors) == ["FCT134"]
    assert errors[0].source["lineno"] == txn(entries, "Collections report row").meta["lineno"]


NO_NAME = """plugin "beancount_factoring.plugin"
2025-01-01 open Assets:Bank:Checking
2025-01-01 custom "factoring-agreement"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""


def test_an_agreement_with_no_name_is_printed_by_bean_check(tmp_path):
    _, errors = load(NO_NAME.split("\n", 1)[1], opens=False)
    assert codes(errors) == ["FCT110"]
    printer.format_error(errors[0])  # Beancount's printer takes the error's entry.
    ledger = tmp_path / "ledger.beancount"
    ledger.write_text(NO_NAME)
    check = [sys.executable, "-m", "beancount.scripts.check", str(ledger)]
    root = str(Path(__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": root}
    run = subprocess.run(check, capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in run.stdout + run.stderr
    assert "FCT110 Agreement '?': give the factor's name" in run.stdout + run.stderr
