"""One factor, two currencies: an agreement per currency, each with accounts of its own.

A Canadian factor keeps a client's USD and CAD business apart (two client ids,
two ledgers): each currency has its own terms and its own clearing, reserve and
fee accounts, and no report adds one currency to the other.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader
from beancount.core import data, inventory

from beancount_factoring.reports import compute

from ledgers import balance, codes, legs, load, txn

D = Decimal

LEDGER = """
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Northline

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "USD"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "COPPERLINE"
  bank: Assets:Bank:USD

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  transfer-fee: 15.00 CAD
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD

2025-03-03 * "Northline" "US load"
  invoice: "US-1"
  Assets:Receivable:Northline   1000.00 USD
  Income:Freight

2025-03-03 * "Northline" "Canadian load"
  invoice: "CA-1"
  Assets:Receivable:Northline   1000.00 CAD
  Income:Freight

2025-03-03 * "Copperline" "Schedule U7" ^US-1
  factoring: "schedule"
  schedule: "U7"

2025-03-03 * "Copperline" "Schedule C7" ^CA-1
  factoring: "schedule"
  schedule: "C7"

2025-03-04 * "COPPERLINE" "USD deposit"
  Assets:Bank:USD   910.00 USD
  Assets:Factoring:Copperline:USD:Clearing

2025-03-04 * "COPPERLINE" "CAD deposit"
  Assets:Bank:CAD   855.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing
"""


def test_each_currency_follows_its_own_agreement_and_accounts():
    entries, errors = load(LEDGER)
    assert errors == []
    # USD: 950.00 - 20.00 fee - 20.00 transfer; CAD: 900.00 - 30.00 - 15.00.
    assert "sched-U7" in txn(entries, "USD deposit").links
    assert "sched-C7" in txn(entries, "CAD deposit").links
    assert ("Assets:Factoring:Copperline:CAD:Reserve", D("100.00"), "CA-1", "reserve") in legs(
        txn(entries, "CAD deposit")
    )
    assert balance(entries, "Assets:Factoring:Copperline:USD:Reserve") == D("50.00")
    assert balance(entries, "Assets:Factoring:Copperline:USD:Clearing") == 0
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == 0


def test_an_event_in_a_currency_without_an_agreement():
    text = (
        LEDGER
        + """
2025-03-05 * "Northline" "Euro load"
  invoice: "EU-1"
  Assets:Receivable:Northline   1000.00 EUR
  Income:Freight

2025-03-05 * "Copperline" "Schedule E7" ^EU-1
  factoring: "schedule"
  schedule: "E7"
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT111"]
    assert (
        "No factoring agreement of 'Copperline' for EUR is in force on 2025-03-05; it has "
        "agreements for CAD, USD only; add one for EUR" in errors[0].message
    )


def test_fct103__a_deposit_in_a_currency_no_invoice_has_says_so():
    # Summit's one agreement (no currency:) governs every currency; its invoice is in
    # USD, and a deposit that names nothing comes in CAD: no open item is in CAD, so it
    # waits, and past its grace days FCT103 says why and how to book it.
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 7" ^INV-1
  factoring: "schedule"
  schedule: "7"

2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking   930.00 CAD
  Assets:Factoring:Summit:Clearing
"""
    _, errors = load(text, config="{'as-of': '2025-03-20'}")
    assert codes(errors) == ["FCT103"]
    assert (
        "No invoice of the ledger is in CAD: book the deposit in the currency of what it "
        "settles (with a price if the bank converted it)"
    ) in errors[0].message


def test_a_later_agreement_replaces_only_its_own_currencys():
    text = LEDGER.replace(
        '2025-03-03 * "Northline" "US load"',
        """2025-02-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.80
  fee: "flat 3%"
  transfer-fee: 15.00 CAD
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD

2025-03-03 * "Northline" "US load\"""",
    )
    entries, errors = load(text.replace("855.00 CAD", "755.00 CAD"))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Reserve") == D("200.00")
    assert balance(entries, "Assets:Factoring:Copperline:USD:Reserve") == D("50.00")


# One agreement, no currency: key, for invoices in any currency.
ONE_AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  minimum-fee: {minimum}
  recourse-days: 90
  payee: "SUMMIT"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load"
  invoice: "CA-1"
  Assets:Receivable:TQL   400.00 {currency}
  Income:Freight

2025-03-05 * "SUMMIT" "Advance CA-1" ^CA-1
  Assets:Bank:Checking   {cash} {currency}
  Assets:Factoring:Summit:Clearing
"""


@pytest.mark.parametrize(("minimum", "currency"), [("15.00 USD", "CAD"), ("30.00 CAD", "USD")])
def test_fct134__a_minimum_fee_in_another_currency_than_the_invoice(minimum, currency):
    # 400.00 x 90% = 360.00 advance; 2% = 8.00, below a minimum in the other currency,
    # which was left out without a word: 360.00 - 8.00 = 352.00 booked, no error (reviewB
    # t3). Now the funding is refused, as for an invoice-fee in another currency, and
    # nothing is booked.
    text = ONE_AGREEMENT.format(minimum=minimum, currency=currency, cash="352.00")
    entries, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert (
        f"Agreement 'Summit' gives minimum-fee: {minimum}, but invoice CA-1 is in "
        f"{currency}; give the fee in {currency}" in errors[0].message
    )
    assert errors[0].entry.narration == "Advance CA-1"
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == 0
    # In the invoice's currency the minimum applies: 360.00 - 15.00 = 345.00.
    text = ONE_AGREEMENT.format(minimum=f"15.00 {currency}", currency=currency, cash="345.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("15.00")


def test_reports_keep_the_currencies_apart(tmp_path):
    path = tmp_path / "main.beancount"
    from ledgers import OPENS

    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + LEDGER, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    book = compute(entries, options, errors)
    day = datetime.date(2025, 3, 4)
    reserve = book.reserve(as_of=day)
    assert sorted((f.factor, f.currency, f.held) for f in reserve.factors) == [
        ("Copperline", "CAD", D("100.00")),
        ("Copperline", "USD", D("50.00")),
    ]
    cost = book.cost(as_of=day)
    assert sorted((line.currency, line.fees.total) for line in cost.by_factor) == [
        ("CAD", D("45.00")),
        ("USD", D("40.00")),
    ]
    aging = book.aging(as_of=day)
    assert sorted((t.currency, t.factor_outstanding) for t in aging.totals) == [
        ("CAD", D("1000.00")),
        ("USD", D("1000.00")),
    ]
    accounts = book.reconcile(as_of=day).accounts
    assert sorted((a.account, a.currency) for a in accounts) == [
        ("Assets:Factoring:Copperline:CAD:Clearing", "CAD"),
        ("Assets:Factoring:Copperline:USD:Clearing", "USD"),
    ]


def line_of(text: str, words: str) -> int:
    """The line of ``load(text, opens=False)`` that holds ``words`` (the plugin's is 1)."""
    return next(n for n, line in enumerate(text.splitlines(), 2) if words in line)


# Maple owes CA-1 (1,000.00 CAD, 03-03) and US-1 (500.00 USD, 03-05).
MAPLE = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Maple
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple      1000.00 CAD
  Income:Freight

2025-03-05 * "Maple" "US load"
  invoice: "US-1"
  Assets:Receivable:Maple       500.00 USD
  Income:Freight
"""


def test_a_payment_pays_only_invoices_of_its_own_currency():
    # One remittance pays all of US-1 (500.00 USD) and 400.00 CAD of CA-1. US-1 is then
    # paid, so Summit's funding of it is FCT131; CA-1 has 1,000.00 - 400.00 = 600.00 CAD
    # left. (Summed across currencies, 900.00 went oldest first to CA-1, and US-1 was
    # funded with no error.)
    text = (
        MAPLE
        + """
2025-03-20 * "Maple" "Remittance" ^CA-1 ^US-1
  Assets:Bank:Checking      500.00 USD
  Assets:Bank:Checking      400.00 CAD
  Assets:Receivable:Maple  -500.00 USD
  Assets:Receivable:Maple  -400.00 CAD

2025-03-21 * "SUMMIT FUNDING" "ACH" ^US-1
  Assets:Bank:Checking         440.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT131"]
    assert errors[0].source["lineno"] == line_of(text, '"SUMMIT FUNDING" "ACH" ^US-1')
    assert "Invoice US-1 is already paid" in errors[0].message


def test_a_payment_in_another_currency_than_its_invoice_is_fct134():
    # Maple pays CA-1 720.00 USD, the receivable left for Beancount to fill (-720.00 USD):
    # nothing of it is CAD. Taken as paying 720.00 of CA-1, CA-1 showed 280.00 CAD open.
    text = (
        MAPLE
        + """
2025-03-20 * "Maple" "Payment CA-1" ^CA-1
  Assets:Bank:Checking     720.00 USD
  Assets:Receivable:Maple  -720.00 USD
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    assert errors[0].source["lineno"] == line_of(text, '"Maple" "Payment CA-1"')
    assert errors[0].message == (
        "FCT134 This payment links invoice CA-1 (1,000.00 CAD) but credits "
        "Assets:Receivable:Maple only in another currency (720.00 USD), so nothing of it "
        "pays the invoice. Credit the receivable in CAD, at the rate of the conversion if the "
        "customer paid in another currency (like -1000.00 CAD @ 0.72 USD), or drop the link "
        "^CA-1 if the payment is not for it"
    )
    # Credited in CAD at the rate of the day, it pays CA-1 in full: no error.
    converted = text.replace("-720.00 USD", "-1000.00 CAD @ 0.72 USD")
    _, errors = load(converted, opens=False)
    assert errors == []


def test_a_fee_in_another_currency_than_the_invoice_it_links_is_a_fee_apart():
    # Summit funds Maple's CA-1 (1,000.00 CAD at 90% less 2%: 900.00 - 20.00 = 880.00 CAD)
    # and lists a 25.00 USD wire charge on CA-1 the same day. A CAD funding cannot deduct
    # USD: the charge is owed apart (-25.00 USD on the clearing account, for a USD deposit
    # to net), and the 880.00 CAD deposit funds CA-1 alone, with nothing left over.
    text = """
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "Maple" "CA load"
  invoice: "CA-1"
  Assets:Receivable:Maple      1000.00 CAD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "EFT" ^CA-1
  Assets:Bank:Checking         880.00 CAD
  Assets:Factoring:Summit:Clearing

2025-03-04 * "Summit" "Wire charge CA-1" ^CA-1
  factoring: "fee"
  charge: "wire"
  amount: 25.00 USD
"""
    entries, errors = load(text)
    assert errors == []
    clearing = "Assets:Factoring:Summit:Clearing"
    postings = [
        p.units
        for e in entries
        if isinstance(e, data.Transaction)
        for p in e.postings
        if p.account == clearing
    ]
    assert sum((u.number for u in postings if u.currency == "CAD"), D(0)) == 0
    assert sum((u.number for u in postings if u.currency == "USD"), D(0)) == D("-25.00")


def test_fct134__one_release_of_reserves_in_two_currencies_says_how_to_book_it():
    # One agreement for both currencies: U (1,000.00 USD) and K (1,000.00 CAD) each hold a
    # 100.00 reserve; one USD bank line linking both cannot pay the CAD one.
    text = """
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Northline
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:USD

2025-03-01 * "Northline" "U"
  invoice: "U"
  Assets:Receivable:Northline  1000.00 USD
  Income:Freight

2025-03-01 * "Northline" "K"
  invoice: "K"
  Assets:Receivable:Northline  1000.00 CAD
  Income:Freight

2025-03-02 * "SUMMIT FUNDING" "ACH U" ^U
  Assets:Bank:USD   880.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-02 * "SUMMIT FUNDING" "ACH K" ^K
  Assets:Bank:CAD   880.00 CAD
  Assets:Factoring:Summit:Clearing

2025-03-20 * "Northline" "U paid" ^U
  factoring: "collected"

2025-03-20 * "Northline" "K paid" ^K
  factoring: "collected"

2025-03-25 * "SUMMIT FUNDING" "Rebate U and K" ^U ^K
  Assets:Bank:USD   200.00 USD
  Assets:Factoring:Summit:Reserve
"""
    entries, errors = load(text, opens=False)
    # (The 200.00 USD it leaves on the reserve account takes U's 100.00 below zero: that
    # follows from the release refused, and its FCT134 alone says what to correct.)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "settles items in CAD and USD" in message
    assert "one bank line per currency" in message
    assert errors[0].source["lineno"] == txn(entries, "Rebate U and K").meta["lineno"]


# A carrier whose books are in USD keeps its CAD receivables at their USD cost. The
# plugin moves invoices in their own currency: its credit of the receivable would be
# -2,000.00 CAD with no cost, beside the invoice's lot of 2,000.00 CAD {0.74 USD}, and the
# account would hold both (its at-cost balance off by the invoice's 1,480.00 USD). The
# schedule's clearing leg is CAD and the invoice's lot weighs USD, so no complete cost
# could balance without an exchange account the plugin does not have: the invoice is not
# factored, and the error on its line says to book it at a price instead.
AT_COST = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD{loan}

2025-03-01 * "Maple" "Load 1"
  invoice: "CA-1"
  Assets:Receivable:Maple   1000.00 CAD {{0.74 USD}}
  Income:Freight

2025-03-03 * "Maple" "Load 2"
  invoice: "CA-2"
  Assets:Receivable:Maple   2000.00 CAD {{0.74 USD}}
  Income:Freight
{sale}
2025-03-20 * "Copperline" "Maple paid Copperline" ^CA-2
  factoring: "collected"
"""
SCHEDULED = """
2025-03-03 * "Copperline" "Schedule C7" ^CA-2
  factoring: "schedule"
  schedule: "C7"

2025-03-04 * "COPPERLINE" "CAD deposit" ^CA-2
  Assets:Bank:CAD   1740.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing
"""
FUNDED = """
2025-03-04 * "COPPERLINE" "CAD deposit" ^CA-2
  Assets:Bank:CAD   1740.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing
"""


def _receivable_lots(entries) -> list[str]:
    """The lots Assets:Receivable:Maple holds at the end, as Beancount sums them."""
    held = inventory.Inventory()
    for entry in data.filter_txns(entries):
        for posting in entry.postings:
            if posting.account == "Assets:Receivable:Maple":
                held.add_position(posting)
    return sorted(str(position) for position in held)


@pytest.mark.parametrize(
    "sale, loan",
    [(sale, loan) for loan in ("", '\n  model: "loan"') for sale in (SCHEDULED, FUNDED)],
    ids=["scheduled", "funded", "loan-scheduled", "loan-funded"],
)
def test_fct134__an_invoice_held_at_cost_is_not_factored(sale, loan):
    entries, errors = load(AT_COST.format(sale=sale, loan=loan))
    # Said once, on the invoice's line; a deposit after its schedule is not booked either
    # (an error on its own line that names it), and its collection waits for the sale
    # refused without an error of its own.
    scheduled = sale is SCHEDULED
    assert codes(errors) == ["FCT134"] * (1 + scheduled)
    cost = errors[:1]
    # On the invoice's line, where it is to be fixed.
    assert cost[0].source["lineno"] == txn(entries, "Load 2").meta["lineno"]
    assert codes(cost) == ["FCT134"]
    assert (
        "Invoice CA-2 is booked on Assets:Receivable:Maple at a cost (2000.00 CAD "
        "{0.74 USD})" in cost[0].message
    )
    # Its income at the cost: 2,000.00 x 0.74 = 1,480.00 USD.
    assert (
        "Assets:Receivable:Maple  2000.00 CAD @ 0.74 USD (its income 1,480.00 USD)"
        in cost[0].message
    )
    if scheduled:
        assert "Invoice CA-2 is not factored: it is booked at a cost (see" in errors[1].message
        assert errors[1].source["lineno"] == txn(entries, "CAD deposit").meta["lineno"]
    # Nothing is written to the receivable: each invoice is still one lot of its own.
    assert _receivable_lots(entries) == [
        "1000.00 CAD {0.74 USD, 2025-03-01}",
        "2000.00 CAD {0.74 USD, 2025-03-03}",
    ]


def test_an_invoice_held_at_cost_and_never_sold_is_no_error():
    text = AT_COST.format(sale="", loan="").split("2025-03-20")[0]
    _, errors = load(text)
    assert errors == []


# The same carrier books its receivables at a price: the income is in USD (1,480.00 =
# 2,000.00 x 0.74), the receivable holds plain CAD, and the plugin's CAD postings take
# each invoice off in full. CA-2 and CA-3 (3,000.00 CAD, its income written in USD at
# the rate the other way) are sold on schedule C7: advances 90% of 5,000.00 = 4,500.00
# less fees 3% = 150.00 is the deposit of 4,350.00, the reserve 500.00. CA-2 is
# collected; CA-3 is charged back to the receivable (+3,000.00 CAD: its reserve of
# 300.00 and the 2,700.00 advance owed back on the clearing account) and then paid to
# us in USD at a price.
AT_PRICE = """
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copperline"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:CAD

2025-03-03 * "Maple" "Load 2"
  invoice: "CA-2"
  Assets:Receivable:Maple   2000.00 CAD @ 0.74 USD
  Income:Freight           -1480.00 USD

2025-03-03 * "Maple" "Load 3"
  invoice: "CA-3"
  Assets:Receivable:Maple   3000.00 CAD
  Income:Freight           -2220.00 USD @@ 3000.00 CAD

2025-03-03 * "Copperline" "Schedule C7" ^CA-2 ^CA-3
  factoring: "schedule"
  schedule: "C7"

2025-03-04 * "COPPERLINE" "CAD deposit"
  Assets:Bank:CAD   4350.00 CAD
  Assets:Factoring:Copperline:CAD:Clearing

2025-03-20 * "Copperline" "Maple paid Copperline" ^CA-2
  factoring: "collected"

2025-05-05 * "Copperline" "CA-3 charged back" ^CA-3
  factoring: "chargeback"

2025-05-20 * "Maple" "Paid CA-3 in US dollars" ^CA-3
  Assets:Bank:USD                2160.00 USD
  Assets:Receivable:Maple       -3000.00 CAD @ 0.72 USD
"""


def test_receivables_at_a_price_are_taken_off_whole():
    entries, errors = load(AT_PRICE)
    assert errors == []
    # Sold, charged back (+3,000.00 CAD) and paid: nothing is left, in CAD or any lot.
    assert _receivable_lots(entries) == []
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Clearing") == D("-2700.00")
    deposit = txn(entries, "CAD deposit")
    assert ("Assets:Factoring:Copperline:CAD:Reserve", D("500.00"), None, "reserve") in [
        (a, n, None, p) for a, n, _, p in legs(deposit)
    ]


def test_receivables_at_a_price_under_the_loan_model_are_taken_off_whole():
    # Under the loan model the receivable moves at the collection (CA-2: -2,000.00 CAD)
    # and at the credit loss (CA-3: -3,000.00 CAD, recourse-days 0): nothing is left.
    text = (
        AT_PRICE.replace("  bank: Assets:Bank:CAD\n", '  bank: Assets:Bank:CAD\n  model: "loan"\n')
        .replace("recourse-days: 60", "recourse-days: 0")
        .split("2025-05-05")[0]
        + """
2025-06-20 * "Copperline" "CA-3 written off" ^CA-3
  factoring: "credit-loss"
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert _receivable_lots(entries) == []
    assert balance(entries, "Liabilities:Factoring:Copperline:CAD:Advances") == 0


# One agreement for every currency (no `currency:`) with monthly minimums in USD, and
# March's fundings in both: 4,000.00 USD and 5,000.00 CAD, each at a 2% fee (80.00 USD,
# 100.00 CAD). From the USD alone, the shortfall of the 10,000.00 USD minimum is
# 6,000.00 (1%: 60.00 USD) and the fees fall 220.00 short of 300.00 USD; but the factor
# counts its CAD business too, at a rate the books do not hold, so neither is the charge.
MINIMUMS = """
2025-01-01 open Income:Freight
2025-01-01 open Assets:Bank:USD
2025-01-01 open Assets:Bank:CAD
2025-01-01 open Assets:Receivable:Maple

2025-01-01 custom "factoring-agreement" "Copper"
  advance-rate: 0.90
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  monthly-minimum-fee: 300.00 USD
  recourse-days: 60
  payee: "COPPER"
  bank: Assets:Bank:USD

2025-03-03 * "Maple" "Canadian load"
  invoice: "CA-1"
  Assets:Receivable:Maple   5000.00 CAD
  Income:Freight

2025-03-03 * "Maple" "US load"
  invoice: "US-1"
  Assets:Receivable:Maple   4000.00 USD
  Income:Freight

2025-03-04 * "COPPER" "CAD deposit" ^CA-1
  Assets:Bank:CAD   4400.00 CAD
  Assets:Factoring:Copper:Clearing

2025-03-04 * "COPPER" "USD deposit" ^US-1
  Assets:Bank:USD   3520.00 USD
  Assets:Factoring:Copper:Clearing
"""


@pytest.mark.parametrize(
    ("charge", "counted"),
    [
        ("minimum-volume", "5,000.00 CAD funded"),
        ("monthly-minimum-fee", "100.00 CAD of discount fees"),
    ],
)
def test_fct134__a_monthly_minimum_of_one_currency_on_a_month_of_two(charge, counted):
    text = (
        MINIMUMS
        + f"""
2025-04-01 * "Copper" "March minimum"
  factoring: "fee"
  charge: "{charge}"
  period: "2025-03"
"""
    )
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert counted in message and "in USD" in message and "amount:" in message
    assert 'currency: "CAD"' in message
    assert errors[0].source["lineno"] == text.count("\n", 0, text.index("2025-04-01")) + 2
    assert legs(txn(entries, "March minimum")) == []


@pytest.mark.parametrize(
    ("charge", "amount", "part"),
    [
        ("minimum-volume", "25.00", "minimum-volume-fee"),
        ("monthly-minimum-fee", "150.00", "minimum-fee"),
    ],
)
def test_a_monthly_minimum_of_a_month_of_two_currencies_is_the_factors_figure(
    charge, amount, part
):
    text = (
        MINIMUMS
        + f"""
2025-04-01 * "Copper" "March minimum"
  factoring: "fee"
  charge: "{charge}"
  period: "2025-03"
  amount: {amount} USD
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert legs(txn(entries, "March minimum")) == [
        ("Assets:Factoring:Copper:Clearing", -D(amount), None, part),
        ("Expenses:Factoring:Copper:Fees", D(amount), None, part),
    ]


def test_a_monthly_minimum_the_usd_alone_meets_needs_no_figure():
    # 12,000.00 USD funded meets the 10,000.00 USD minimum whatever the CAD counts for.
    text = (
        MINIMUMS.replace("4000.00 USD", "12000.00 USD").replace("3520.00 USD", "10560.00 USD")
        + """
2025-04-01 * "Copper" "March minimum"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-03"
"""
    )
    _, errors = load(text, opens=False)
    assert codes(errors) == ["FCT190"]
    assert "meets the minimum volume" in errors[0].message


def test_a_minimum_of_a_currencys_own_agreement_counts_its_currency_alone():
    # The CAD fundings are the CAD agreement's: the USD minimum is worked out from USD.
    cad = """
2025-01-01 custom "factoring-agreement" "Copper"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 60
  payee: "COPPER"
  bank: Assets:Bank:CAD
"""
    text = (
        MINIMUMS.replace(
            '2025-03-03 * "Maple" "Canadian', cad + '\n2025-03-03 * "Maple" "Canadian', 1
        ).replace(
            'Copper:Clearing\n\n2025-03-04 * "COPPER" "USD',
            'Copper:CAD:Clearing\n\n2025-03-04 * "COPPER" "USD',
        )
        + """
2025-04-01 * "Copper" "March minimum"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-03"
"""
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    assert ("Expenses:Factoring:Copper:Fees", D("60.00"), None, "minimum-volume-fee") in legs(
        txn(entries, "March minimum")
    )


def test_fct134__a_monthly_minimum_set_by_the_agreements_of_two_currencies():
    # Both lines set a minimum volume of 10,000.00: March's USD shortfall is 6,000.00
    # (1%: 60.00 USD), its CAD one 5,000.00 (1%: 50.00 CAD). With no amount: the event
    # was booked as the CAD one, the last agreement in the file, with no word.
    usd = """
2025-01-01 custom "factoring-agreement" "Copper"
  currency: "USD"
  advance-rate: 0.90
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 USD
  volume-shortfall-fee: "1%"
  recourse-days: 60
  payee: "COPPER"
  bank: Assets:Bank:USD

2025-01-01 custom "factoring-agreement" "Copper"
  currency: "CAD"
  advance-rate: 0.90
  fee: "flat 2%"
  monthly-minimum-volume: 10000.00 CAD
  volume-shortfall-fee: "1%"
  recourse-days: 60
  payee: "COPPER"
  bank: Assets:Bank:CAD
"""
    start = MINIMUMS.index('2025-01-01 custom "factoring-agreement"')
    end = MINIMUMS.index("2025-03-03")
    text = (
        (MINIMUMS[:start] + usd + "\n" + MINIMUMS[end:])
        .replace(
            "4400.00 CAD\n  Assets:Factoring:Copper:",
            "4400.00 CAD\n  Assets:Factoring:Copper:CAD:",
        )
        .replace(
            "3520.00 USD\n  Assets:Factoring:Copper:",
            "3520.00 USD\n  Assets:Factoring:Copper:USD:",
        )
    )
    event = """
2025-04-01 * "Copper" "March minimum"
  factoring: "fee"
  charge: "minimum-volume"
  period: "2025-03"
"""
    entries, errors = load(text + event, opens=False)
    assert codes(errors) == ["FCT134"]
    assert "amount: 50.00 CAD or amount: 60.00 USD" in errors[0].message
    assert legs(txn(entries, "March minimum")) == []
    entries, errors = load(text + event + "  amount: 60.00 USD\n", opens=False)
    assert errors == []
    assert ("Expenses:Factoring:Copper:USD:Fees", D("60.00"), None, "minimum-volume-fee") in legs(
        txn(entries, "March minimum")
    )
