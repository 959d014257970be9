"""What a written-off customer (or its estate) pays later: a recovery after a credit loss.

Under non-recourse the factor bore the loss and owns the claim: a bankruptcy dividend
that reaches us months later is the factor's, owed to it on the due-to-factor account
until forwarded or netted, as any misdirected payment. After a chargeback (recourse)
the invoice is ours again, and so is what its customer pays.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports import compute
from beancount_factoring.reports.model import ITEM_MISDIRECTED

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
BANK = "Assets:Bank:Checking"
DUE = "Liabilities:Factoring:Pinecrest:DueToFactor"
RESERVE = "Assets:Factoring:Pinecrest:Reserve"
LOSSES = "Expenses:Factoring:Pinecrest:CreditLosses"
RECEIVABLE = "Assets:Receivable:Keystone"

# Pinecrest, non-recourse, 97% advance, flat 3% at purchase: INV-1044 (2,000.00)
# funded 1,880.00, reserve 60.00, forfeited at the write-off on June 30. The trustee
# pays a dividend of 15% (300.00) on November 14.
PINECREST = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Keystone
2025-01-01 open Income:Freight:Linehaul

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-05-01 * "Keystone Freight" "Load KF-2231"
  invoice: "INV-1044"
  Assets:Receivable:Keystone   2000.00 USD
  Income:Freight:Linehaul

2025-05-02 * "PINECREST CAPITAL" "ACH deposit" ^INV-1044
  Assets:Bank:Checking         1880.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-06-30 * "Pinecrest" "Keystone Freight insolvent" ^INV-1044
  factoring: "credit-loss"

2025-11-14 * "Keystone Trustee" "Chapter 7 dividend" ^INV-1044
  factoring: "misdirected-payment"
  Assets:Bank:Checking          300.00 USD
"""

FORWARD = """
2025-11-20 * "PINECREST CAPITAL" "Forward dividend" ^INV-1044
  Assets:Bank:Checking         -300.00 USD
  Liabilities:Factoring:Pinecrest:DueToFactor
"""

# INV-1050 (1,000.00) funded December 2: 970.00 advance - 30.00 fee = 940.00, less the
# 300.00 dividend netted: 640.00.
NETTED = """
2025-12-01 * "Keystone Freight" "Load KF-2400"
  invoice: "INV-1050"
  Assets:Receivable:Keystone   1000.00 USD
  Income:Freight:Linehaul

2025-12-02 * "PINECREST CAPITAL" "ACH deposit" ^INV-1050 ^INV-1044
  Assets:Bank:Checking          640.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def reports(text: str):
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(text)
    entries, errors, options_map = loader.load_string(source)
    return compute(entries, options_map, errors)


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_dividend_after_a_credit_loss_is_owed_to_the_factor(model):
    text = PINECREST.replace("  advance-rate", f'  model: "{model}"\n  advance-rate')
    entries, errors = load(text, opens=False)
    assert errors == []
    assert legs(txn(entries, "Chapter 7 dividend")) == [
        (BANK, D("300.00"), None, None),
        (DUE, D("-300.00"), "INV-1044", "misdirected-payment"),
    ]
    # The write-off stands: the receivable is not credited again, the loss is the 60.00
    # reserve, the 300.00 is the factor's.
    assert balance(entries, RECEIVABLE) == 0
    assert balance(entries, LOSSES) == D("60.00")
    assert balance(entries, DUE) == D("-300.00")


def test_the_dividend_forwarded_clears_the_debt():
    entries, errors = load(PINECREST + FORWARD, opens=False)
    assert errors == []
    assert balance(entries, DUE) == 0
    # 1,880.00 funded + 300.00 dividend - 300.00 forwarded.
    assert balance(entries, BANK) == D("1880.00")


def test_the_dividend_netted_from_a_later_deposit_clears_the_debt():
    entries, errors = load(PINECREST + NETTED, opens=False)
    assert errors == []
    (deposit,) = [e for e in entries if e.date == datetime.date(2025, 12, 2)]
    assert (DUE, D("300.00"), "INV-1044", "misdirected-payment") in legs(deposit)
    assert balance(entries, DUE) == 0
    assert balance(entries, "Assets:Factoring:Pinecrest:Clearing") == 0


def test_the_reports_show_the_dividend_to_forward_and_the_loss_alone():
    book = reports(PINECREST)
    day = datetime.date(2025, 11, 14)
    (account,) = book.reconcile(as_of=day).accounts
    (item,) = account.items
    assert (item.kind, item.reference, item.cash) == (ITEM_MISDIRECTED, "INV-1044", D("-300.00"))
    assert account.balance == account.unexplained == 0
    # The written-off invoice is nobody's receivable: not aged again.
    aging = book.aging(as_of=day)
    assert aging.invoices == ()
    # The reserve: 60.00 forfeited to the loss; the dividend does not touch it.
    (factor,) = book.reserve(as_of=day).factors
    assert (factor.held, factor.forfeited, factor.unexplained) == (0, D("60.00"), 0)
    (line,) = factor.invoices
    assert (line.forfeited, line.forfeit_reason) == (D("60.00"), "credit-loss")
    # Forwarded, nothing is left to forward.
    later = reports(PINECREST + FORWARD).reconcile(as_of=datetime.date(2025, 11, 20))
    assert [item for account in later.accounts for item in account.items] == []
    assert later.ok


def test_a_reserve_the_agreement_releases_comes_back_whole_after_a_dividend():
    # reserve-on-loss: "released": the 60.00 comes back on July 10; the dividend of
    # November is the factor's all the same.
    text = PINECREST.replace(
        "  recourse-days: 0", '  recourse-days: 0\n  reserve-on-loss: "released"'
    )
    text += """
2025-07-10 * "PINECREST CAPITAL" "Reserve release" ^INV-1044
  Assets:Bank:Checking           60.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""
    entries, errors = load(text + FORWARD, opens=False)
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, DUE) == 0
    # 1,880.00 funded + 60.00 released + 300.00 dividend - 300.00 forwarded.
    assert balance(entries, BANK) == D("1940.00")


def test_a_plain_bank_line_after_the_write_off_says_to_mark_it():
    text = PINECREST.replace('  factoring: "misdirected-payment"\n', "") + (
        "  Assets:Receivable:Keystone\n"
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT136"]
    assert 'Mark this transaction factoring: "misdirected-payment"' in errors[0].message
    assert DUE in errors[0].message


def test_an_additional_payment_after_the_write_off_says_it_is_the_factors():
    text = PINECREST.replace(
        """2025-11-14 * "Keystone Trustee" "Chapter 7 dividend" ^INV-1044
  factoring: "misdirected-payment"
  Assets:Bank:Checking          300.00 USD
""",
        """2025-11-14 * "Pinecrest" "Trustee paid the factor" ^INV-1044
  factoring: "collected"
  reason: "additional-payment"
  paid: 300.00 USD
""",
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT133"]
    message = errors[0].message
    assert "written off as a credit loss on 2025-06-30" in message
    assert "the factor's, and nothing is booked" in message
    assert "a payment to you after a chargeback" not in message


# Summit, with recourse: INV-1001 (1,000.00) charged back June 20 and paid for; the
# customer's trustee then pays us 300.00 of it: ours, on the receivable.
SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-20 * "Summit" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"

2025-06-21 * "SUMMIT FUNDING" "Pay recourse" ^INV-1001
  Assets:Bank:Checking          -950.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_after_a_chargeback_the_recovery_is_ours_on_the_receivable():
    text = SUMMIT + (
        """
2025-11-14 * "TQL Trustee" "Dividend" ^INV-1001
  Assets:Bank:Checking          300.00 USD
  Assets:Receivable:TQL
"""
    )
    entries, errors = load(text)
    assert errors == []
    # 1,000.00 back on the receivable at the chargeback, 300.00 paid: 700.00 left.
    assert balance(entries, "Assets:Receivable:TQL") == D("700.00")
    aging = reports(load_text(text)).aging(as_of=datetime.date(2025, 11, 14))
    (line,) = aging.invoices
    assert (line.invoice, line.amount) == ("INV-1001", D("700.00"))
    # Marked misdirected, it is refused: the payment is ours.
    marked = text.replace(
        '"Dividend" ^INV-1001\n', '"Dividend" ^INV-1001\n  factoring: "misdirected-payment"\n'
    ).replace("  Assets:Receivable:TQL\n\n", "\n")
    _, errors = load(marked)
    assert codes(errors)[0] == "FCT133"
    assert "the payment is yours" in errors[0].message


def load_text(text: str) -> str:
    return textwrap.dedent(OPENS) + textwrap.dedent(text)
