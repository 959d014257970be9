"""A buyout of an invoice whose customer paid you a part before it (docs/ledger.md 6.12).

Harbor (80%, "tiered 1.75%/30d + 0.5%/10d" at collection, a $20 transfer fee) funds
INV-2001 (1,000.00) on March 4: 780.00, 200.00 held. Echo pays us 400.00 of it on
March 14 (a misdirected payment, owed to Harbor). On April 1 (28 days on) Pinecrest
(80%, "tiered 2%/30d + 1%/15d" at purchase, a 1% buyout fee) buys Harbor out: it buys
what is left unpaid, 600.00, and pays Harbor off its whole balance, the 400.00 we owe
it included (we owe it to Pinecrest now).

    Harbor's fee to the day, on the 1,000.00 it bought: 1.75% = 17.50
    Pinecrest's fee at purchase, on the 600.00 it buys: 2% = 12.00
    Reserve that moves: 200.00 - 17.50 - 12.00 = 170.50
    Buyout fee: 1% of 600.00 = 6.00, owed on Pinecrest's clearing
    DueToFactor 400.00: Harbor's to Pinecrest's
    Payoff: 600.00 - 200.00 + 17.50 = 417.50 for the invoice, + 400.00 owed apart
            = 817.50 = Harbor's advance 800.00 + its fee 17.50

We forward the 400.00 to Pinecrest on April 5; Echo pays Pinecrest the 600.00 on May 10
(39 days after the buyout: 3% of 600.00 = 18.00, 12.00 taken, 6.00 late; of the face it
would be 30.00 - 12.00 = 18.00); Pinecrest's rebate on May 12 nets the late fee and the
buyout fee: 170.50 - 6.00 - 6.00 = 158.50.

    Bank: 780.00 + 400.00 - 400.00 + 158.50 = 938.50
    Fees: Harbor 20.00 + 17.50 = 37.50; Pinecrest 12.00 + 6.00 + 6.00 = 24.00
    938.50 + 37.50 + 24.00 = 1,000.00, the face
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from beancount.parser import printer

from beancount_factoring.reports import compute

from ledgers import balance, codes, legs, load, txn

D = Decimal
H_RESERVE = "Assets:Factoring:Harbor:Reserve"
H_FEES = "Expenses:Factoring:Harbor:Fees"
H_DUE = "Liabilities:Factoring:Harbor:DueToFactor"
H_ADVANCES = "Liabilities:Factoring:Harbor:Advances"
P_RESERVE = "Assets:Factoring:Pinecrest:Reserve"
P_FEES = "Expenses:Factoring:Pinecrest:Fees"
P_CLEARING = "Assets:Factoring:Pinecrest:Clearing"
P_DUE = "Liabilities:Factoring:Pinecrest:DueToFactor"
P_ADVANCES = "Liabilities:Factoring:Pinecrest:Advances"
BANK = "Assets:Bank:Checking"
ECHO = "Assets:Receivable:Echo"

AGREEMENTS = """
2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.80
  fee: "tiered 1.75%/30d + 0.5%/10d"
  fee-timing: "collection"
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "HARBOR CAPITAL"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.80
  fee: "tiered 2%/30d + 1%/15d"
  buyout-fee: "1%"
  recourse-days: 90
  payee: "PINECREST"
  bank: Assets:Bank:Checking
"""
FUNDED_AND_PAID_US = """
2025-03-03 * "Echo" "Load E-55120"
  invoice: "INV-2001"
  Assets:Receivable:Echo       1000.00 USD
  Income:Freight

2025-03-04 * "HARBOR CAPITAL" "Advance" ^INV-2001
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Harbor:Clearing

2025-03-14 * "Echo" "Echo paid us a part" ^INV-2001
  factoring: "misdirected-payment"
  Assets:Bank:Checking          400.00 USD
"""
BUYOUT = """
2025-04-01 * "Pinecrest" "Buyout of Harbor's invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Harbor"
  amount: 817.50 USD
"""
AFTER = """
2025-04-05 * "PINECREST" "Forward Echo's part" ^INV-2001
  Liabilities:Factoring:Pinecrest:DueToFactor   400.00 USD
  Assets:Bank:Checking

2025-05-10 * "Echo" "Echo paid Pinecrest the rest" ^INV-2001
  factoring: "collected"

2025-05-12 * "PINECREST" "Rebate" ^INV-2001 ^buyout-2025-04-01
  Assets:Bank:Checking          158.50 USD
  Assets:Factoring:Pinecrest:Reserve
"""
# INV-2002 (500.00), funded by Harbor on March 20 (400.00 - 20.00), stays with it when
# the buyout links INV-2001 alone.
SECOND = """
2025-03-19 * "Echo" "Load E-55121"
  invoice: "INV-2002"
  Assets:Receivable:Echo        500.00 USD
  Income:Freight

2025-03-20 * "HARBOR CAPITAL" "Advance" ^INV-2002
  Assets:Bank:Checking          380.00 USD
  Assets:Factoring:Harbor:Clearing
"""
LINKED = BUYOUT.replace("Buyout of Harbor's invoices\"", "Buyout of Harbor's invoices\" ^INV-2001")
LEDGERS = {
    "links nothing": AGREEMENTS + FUNDED_AND_PAID_US + BUYOUT + AFTER,
    "links it": AGREEMENTS + FUNDED_AND_PAID_US + SECOND + LINKED + AFTER,
}
BOTH = pytest.mark.parametrize("name", ["sale", "loan"])
WAYS = pytest.mark.parametrize("way", sorted(LEDGERS))


def model(text: str, name: str) -> str:
    return text.replace("  recourse-days: 90", f'  model: "{name}"\n  recourse-days: 90')


@BOTH
@WAYS
def test_the_new_factor_buys_what_is_left_unpaid_and_pays_off_what_was_paid_to_us(name, way):
    entries, errors = load(model(LEDGERS[way], name))
    assert errors == []
    bought = legs(txn(entries, "Buyout of Harbor's invoices"))
    for leg in [
        (H_RESERVE, D("-200.00"), "INV-2001", "buyout"),
        (H_FEES, D("17.50"), "INV-2001", "discount-fee"),
        (P_FEES, D("12.00"), "INV-2001", "discount-fee"),
        (P_RESERVE, D("170.50"), "INV-2001", "buyout"),
        (H_DUE, D("400.00"), "INV-2001", "misdirected-payment"),
        (P_DUE, D("-400.00"), "INV-2001", "misdirected-payment"),
        (P_FEES, D("6.00"), None, "buyout-fee"),
        (P_CLEARING, D("-6.00"), None, "buyout-fee"),
    ]:
        assert leg in bought
    if name == "loan":
        # The whole advance moves; Echo's two payments repay it at the close.
        assert (H_ADVANCES, D("1000.00"), "INV-2001", "buyout") in bought
        assert (P_ADVANCES, D("-1000.00"), "INV-2001", "buyout") in bought
        assert balance(entries, P_ADVANCES) == 0
        # (INV-2002, left with Harbor, is still on the receivable.)
        assert balance(entries, ECHO) == (D("500.00") if way == "links it" else 0)
    # The late fee at the close is of the 600.00 bought: 3% - 2% = 6.00 (not 18.00).
    assert (P_FEES, D("6.00"), "INV-2001", "late-fee") in legs(txn(entries, "Rebate"))
    assert balance(entries, BANK) == D("938.50") + (D("380.00") if way == "links it" else 0)
    assert balance(entries, H_FEES) == D("37.50") + (D("20.00") if way == "links it" else 0)
    assert balance(entries, P_FEES) == D("24.00")
    assert balance(entries, P_RESERVE) == balance(entries, P_CLEARING) == 0
    assert balance(entries, H_DUE) == balance(entries, P_DUE) == 0
    assert balance(entries, H_RESERVE) == (D("100.00") if way == "links it" else 0)


def test_a_payoff_counting_what_was_paid_to_us_twice_is_an_error():
    # 800.00 + 17.50 + 400.00 = 1,217.50 counts the 400.00 in the advance and again apart.
    text = AGREEMENTS + FUNDED_AND_PAID_US + BUYOUT.replace("817.50", "1217.50") + AFTER
    _, errors = load(text)
    assert codes(errors) == ["FCT170"]
    message = errors[0].message
    assert "817.50 USD (417.50 for the invoices bought" in message
    assert "plus 400.00 it was owed apart from them" in message


def test_a_part_forwarded_to_the_old_factor_is_no_part_of_the_payoff():
    # Forwarded on March 15, Harbor is owed 800.00 + 17.50 - 400.00 = 417.50, and nothing
    # moves on the due-to-factor accounts; we then forward nothing to Pinecrest.
    forward = """
2025-03-15 * "HARBOR CAPITAL" "Forward Echo's part" ^INV-2001
  Liabilities:Factoring:Harbor:DueToFactor   400.00 USD
  Assets:Bank:Checking
"""
    after = AFTER.split("2025-05-10")[1]
    text = AGREEMENTS + FUNDED_AND_PAID_US + forward + BUYOUT.replace("817.50", "417.50")
    entries, errors = load(text + "2025-05-10" + after)
    assert errors == []
    bought = legs(txn(entries, "Buyout of Harbor's invoices"))
    assert not [leg for leg in bought if leg[0] in (H_DUE, P_DUE)]
    assert (P_RESERVE, D("170.50"), "INV-2001", "buyout") in bought
    assert balance(entries, BANK) == D("938.50")


def test_an_invoice_paid_to_us_in_full_is_still_not_bought():
    # Nothing is left for the new factor to buy: Harbor's collected report closes it.
    text = AGREEMENTS + FUNDED_AND_PAID_US.replace("400.00 USD", "1000.00 USD") + BUYOUT
    entries, errors = load(text)
    assert codes(errors) == ["FCT136"]
    assert "cannot be bought out" in errors[0].message
    assert "nothing of it is left for the new factor to buy" in errors[0].message
    assert balance(entries, H_RESERVE) == D("200.00")


def book_of(text: str):
    entries, errors, options_map = loader.load_string(
        'plugin "beancount_factoring.plugin"\n'
        "2025-01-01 open Assets:Bank:Checking\n"
        "2025-01-01 open Assets:Receivable:Echo\n"
        "2025-01-01 open Income:Freight\n" + text
    )
    assert errors == [], printer.format_errors(errors)
    return compute(entries, options_map, errors)


@BOTH
def test_the_reports_tie_out_to_the_accounts(name):
    book = book_of(model(LEDGERS["links nothing"], name))
    # On May 5, 34 days after the buyout: Pinecrest's fee accrued beyond the 12.00 taken
    # is 3% x 600.00 - 12.00 = 6.00 (of the face it would be 18.00).
    reserve = book.reserve(as_of=datetime.date(2025, 5, 5))
    (pine,) = [f for f in reserve.factors if f.factor == "Pinecrest"]
    assert (pine.held, pine.account_balance, pine.unexplained) == (D("170.50"), D("170.50"), 0)
    (line,) = pine.invoices
    assert (line.held, line.accrued_fee) == (D("170.50"), D("6.00"))
    cost = book.cost(as_of=datetime.date(2025, 5, 31))
    by_factor = {line.factor: line.fees.total for line in cost.by_factor}
    assert by_factor == {"Harbor": D("37.50"), "Pinecrest": D("24.00")}
    # The invoice's life: 20.00 + 17.50 + 12.00 + 6.00 = 55.50 (the buyout fee is the
    # "(no invoice)" line's).
    (life,) = cost.by_invoice
    assert life.fees.total == D("55.50")
    for as_of in (datetime.date(2025, 4, 2), datetime.date(2025, 5, 13)):
        report = book.reconcile(as_of=as_of)
        assert all(account.unexplained == 0 for account in report.accounts)
        assert report.disagreements == ()


def test_a_buyout_that_pays_takes_what_was_paid_to_us_from_the_payment():
    # Pinecrest at 90% pays the difference: of the 600.00 it buys, its reserve is 10% =
    # 60.00 of the 170.50 that moves; 110.50 is paid, less the 400.00 we owe it (paid to
    # us) and the 6.00 buyout fee: 110.50 - 400.00 - 6.00 = -295.50, which we pay. The
    # rebate: 60.00 less the 6.00 late fee = 54.00.
    # Bank: 780.00 + 400.00 - 295.50 + 54.00 = 938.50, as when the buyout pays nothing.
    paid = BUYOUT + "  Assets:Bank:Checking   -295.50 USD\n  Assets:Factoring:Pinecrest:Clearing\n"
    after = """
2025-05-10 * "Echo" "Echo paid Pinecrest the rest" ^INV-2001
  factoring: "collected"

2025-05-12 * "PINECREST" "Rebate" ^INV-2001
  Assets:Bank:Checking          54.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""
    text = AGREEMENTS.replace('0.80\n  fee: "tiered 2%', '0.90\n  fee: "tiered 2%')
    entries, errors = load(text + FUNDED_AND_PAID_US + paid + after)
    assert errors == []
    bought = legs(txn(entries, "Buyout of Harbor's invoices"))
    assert (P_RESERVE, D("60.00"), "INV-2001", "buyout") in bought
    assert (H_DUE, D("400.00"), "INV-2001", "misdirected-payment") in bought
    assert balance(entries, BANK) == D("938.50")
    assert balance(entries, P_DUE) == balance(entries, H_DUE) == balance(entries, P_CLEARING) == 0
    assert balance(entries, P_RESERVE) == 0


def test_a_second_buyout_takes_the_part_left_and_what_the_first_left_owed():
    # Oak (80%, flat 1%) buys Pinecrest out on April 20, 19 days on, before we forward the
    # 400.00: Pinecrest's fee to the day is 2% of the 600.00 it bought, 12.00, all taken;
    # Oak's 1% of 600.00 = 6.00; the reserve 170.50 - 6.00 = 164.50 moves. The payoff:
    # 600.00 - 170.50 = 429.50 for the invoice, + 400.00 paid to us + Pinecrest's 6.00
    # buyout fee = 835.50 (= 817.50 + 12.00 + 6.00, all Pinecrest paid and charged).
    # Oak's rebate: 164.50 less the 6.00 fee it took over = 158.50.
    oak = """
2025-01-01 custom "factoring-agreement" "Oak"
  advance-rate: 0.80
  fee: "flat 1%"
  recourse-days: 90
  payee: "OAK"
  bank: Assets:Bank:Checking
"""
    second = """
2025-04-20 * "Oak" "Buyout of Pinecrest"
  factoring: "buyout"
  factor: "Oak"
  from: "Pinecrest"
  amount: 835.50 USD

2025-04-21 * "OAK" "Forward" ^INV-2001
  Liabilities:Factoring:Oak:DueToFactor   400.00 USD
  Assets:Bank:Checking

2025-05-10 * "Echo" "Echo paid Oak the rest" ^INV-2001
  factoring: "collected"

2025-05-12 * "OAK" "Rebate" ^INV-2001 ^buyout-2025-04-01
  Assets:Bank:Checking          158.50 USD
  Assets:Factoring:Oak:Reserve
"""
    entries, errors = load(AGREEMENTS + oak + FUNDED_AND_PAID_US + BUYOUT + second)
    assert errors == []
    assert (
        "Assets:Factoring:Oak:Reserve",
        D("164.50"),
        "INV-2001",
        "buyout",
    ) in legs(txn(entries, "Buyout of Pinecrest"))
    assert balance(entries, BANK) == D("938.50")
    assert balance(entries, P_DUE) == balance(entries, P_CLEARING) == 0
    assert balance(entries, "Liabilities:Factoring:Oak:DueToFactor") == 0
    assert balance(entries, "Assets:Factoring:Oak:Reserve") == 0
