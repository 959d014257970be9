"""A payment for a factored invoice that names no invoice: the usual imported bank line.

TQL owes us INV-1001 (2,000.00, factored with Summit at 95%, flat 2%: the funding
brings 1,900.00 - 40.00 = 1,860.00) and INV-1002 (500.00, not factored). A bank line
that only credits Assets:Receivable:TQL cannot say which invoice it pays; the
receivable's balance can:

- sale model: INV-1001 left the receivable when Summit bought it, so only INV-1002's
  500.00 is ours to collect; a credit of more takes the receivable below zero;
- loan model: INV-1001 stays on the receivable while pledged, so the receivable may
  not fall below the 2,000.00 pledged and still open.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from ledgers import OPENS, balance, codes, load

TQL = "Assets:Receivable:TQL"
MODELS = pytest.mark.parametrize("model", ["sale", "loan"])


def ledger(model: str, payment: str) -> str:
    terms = '  model: "loan"\n' if model == "loan" else ""
    return (
        """
2025-01-01 custom "factoring-agreement" "Summit"
"""
        + terms
        + """  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load TQL-88413"
  invoice: "INV-1002"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
        + payment
    )


def plain(amount: str, date: str = "2025-04-10") -> str:
    return f"""
{date} * "TQL" "ACH payment"
  Assets:Bank:Checking         {amount} USD
  Assets:Receivable:TQL
"""


@MODELS
def test_a_payment_of_what_is_ours_passes(model):
    # INV-1002's 500.00 is ours: sale 2000 + 500 - 2000 (sold) - 500 = 0; loan 2000 + 500
    # - 500 = 2,000.00, the pledged INV-1001 still on the receivable.
    entries, errors = load(ledger(model, plain("500.00")))
    assert errors == []
    assert balance(entries, TQL) == (0 if model == "sale" else 2000)


def test_sale_a_payment_of_the_sold_invoice_goes_below_zero():
    # 2000 + 500 - 2000 (sold) - 2500 = -2,000.00 on the day of the payment.
    _, errors = load(ledger("sale", plain("2500.00")))
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert "Assets:Receivable:TQL goes below zero (-2,000.00 USD) on 2025-04-10" in message
    assert "INV-1001 (2,000.00 USD, factor 'Summit')" in message
    assert 'factoring: "misdirected-payment"' in message
    # On the bank line: its line in what load() reads (the plugin line, the opens, the text).
    source = ["plugin", *textwrap.dedent(OPENS).splitlines(), *ledger("sale", "").splitlines()]
    assert errors[0].source["lineno"] == len(source) + 2


def test_loan_a_payment_of_the_pledged_invoice_leaves_less_than_pledged():
    # 2000 + 500 - 2500 = 0.00 left on the receivable, below the 2,000.00 pledged that day.
    _, errors = load(ledger("loan", plain("2500.00")))
    assert codes(errors) == ["FCT136"]
    assert "holds 0.00 USD on 2025-04-10, less than the 2,000.00 USD of invoices pledged" in (
        errors[0].message
    )


@MODELS
def test_the_event_that_books_it_right_gives_no_error(model):
    # The 2,000.00 for INV-1001 as a misdirected payment (owed to Summit), the 500.00 for
    # INV-1002 as a plain line: sale 2500 - 2000 - 500 = 0; loan 2500 - 500 = 2,000.00.
    payment = plain("500.00") + (
        """
2025-04-10 * "TQL" "ACH payment of INV-1001" ^INV-1001
  factoring: "misdirected-payment"
  Assets:Bank:Checking         2000.00 USD
"""
    )
    entries, errors = load(ledger(model, payment))
    assert errors == []
    assert balance(entries, TQL) == (0 if model == "sale" else 2000)


def test_a_linked_plain_payment_is_reported_once():
    # The line names INV-1001: the FCT136 of misdirected.py; no second error for the
    # receivable it takes below zero.
    payment = """
2025-04-10 * "TQL" "ACH payment" ^INV-1001
  Assets:Bank:Checking         2000.00 USD
  Assets:Receivable:TQL
"""
    _, errors = load(ledger("sale", payment))
    assert codes(errors) == ["FCT136"]
    assert "Invoice INV-1001 is sold to factor 'Summit'" in errors[0].message


def test_a_customer_without_factored_invoices_is_not_checked():
    # CHR owes nothing and pays 300.00 on account: a credit balance on its receivable is
    # the bookkeeper's business, not a factoring mistake.
    payment = """
2025-04-10 * "CHR" "Unapplied payment"
  Assets:Bank:Checking          300.00 USD
  Assets:Receivable:CHR
"""
    entries, errors = load(ledger("sale", payment))
    assert errors == []
    assert balance(entries, "Assets:Receivable:CHR") == -300


def test_a_payment_after_the_factor_collected_says_paid_twice():
    # Summit reports INV-1001 collected on 04-01 and TQL also pays us the 2,000.00 with
    # INV-1002's 500.00: 2000 + 500 - 2000 - 2500 = -2,000.00, and no factored invoice
    # of TQL is open any more.
    payment = """
2025-04-01 * "TQL" "TQL paid Summit" ^INV-1001
  factoring: "collected"
""" + plain("2500.00")
    _, errors = load(ledger("sale", payment))
    assert codes(errors) == ["FCT136"]
    assert "the customer paid twice" in errors[0].message


def test_the_receivable_recovering_the_same_day_is_no_error():
    # The payment is booked before the invoice it pays, on the same day: the balance is
    # judged at the end of the day (2000 + 500 - 2000 - 500 + 600 - 600 = 0).
    payment = (
        plain("600.00", "2025-04-10")
        + """
2025-04-10 * "TQL" "Detention charge"
  invoice: "INV-1003"
  Assets:Receivable:TQL         600.00 USD
  Income:Freight
"""
        + plain("500.00", "2025-04-11")
    )
    _, errors = load(ledger("sale", payment))
    assert errors == []


def test_loan_a_later_invoice_does_not_hide_the_payment_of_the_pledged_one():
    # On 04-10 TQL owes only INV-1001 (pledged) and INV-1002: 2000 + 500 - 2500 = 0.00,
    # below the 2,000.00 pledged that day. INV-1003 (2,000.00, ours) billed on 04-20 brings
    # the receivable back to 2,000.00 = what is pledged at the end: judged at the end only,
    # the payment of the factor's invoice would pass without a word.
    later = """
2025-04-20 * "TQL" "Load TQL-88500"
  invoice: "INV-1003"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
"""
    _, errors = load(ledger("loan", plain("2500.00") + later))
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert (
        "Assets:Receivable:TQL holds 0.00 USD on 2025-04-10, less than the 2,000.00 USD "
        "of invoices pledged to a factor and still open"
    ) in message
    assert "INV-1001 (2,000.00 USD, factor 'Summit')" in message
    source = ["plugin", *textwrap.dedent(OPENS).splitlines(), *ledger("loan", "").splitlines()]
    assert errors[0].source["lineno"] == len(source) + 2


def test_loan_what_the_factor_collected_before_is_not_pledged_any_more():
    # Summit collects 1,500.00 of INV-1001 on 04-01 (the loan model credits the receivable):
    # 2000 + 500 - 1500 = 1,000.00, of which 500.00 is still pledged. TQL then pays us
    # INV-1002's 500.00: 1000 - 500 = 500.00 = what is pledged, no error; a later invoice
    # and the factor collecting the rest on 04-25 change nothing.
    payment = (
        """
2025-04-01 * "TQL paid Summit in part" ^INV-1001
  factoring: "collected"
  paid: 1500.00 USD
  partial: TRUE
"""
        + plain("500.00")
        + """
2025-04-20 * "TQL" "Load TQL-88500"
  invoice: "INV-1003"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-04-25 * "TQL paid Summit the rest" ^INV-1001
  factoring: "collected"
  paid: 500.00 USD
"""
    )
    entries, errors = load(ledger("loan", payment))
    assert errors == []
    # 2000 + 500 + 2000 - 1500 - 500 - 500 = 2,000.00: INV-1003, ours.
    assert balance(entries, TQL) == 2000


def test_loan_the_receivable_made_whole_again_reports_a_second_shortfall():
    # 04-10: 2000 + 500 - 2500 = 0.00 < 2,000.00 pledged (FCT136). INV-1003 (2,000.00) on
    # 04-20 brings it to 2,000.00; on 05-02 TQL pays 2,000.00 again while INV-1001 is still
    # pledged: 0.00 < 2,000.00, a second FCT136 on that line.
    later = """
2025-04-20 * "TQL" "Load TQL-88500"
  invoice: "INV-1003"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight
""" + plain("2000.00", "2025-05-02")
    _, errors = load(ledger("loan", plain("2500.00") + later))
    assert codes(errors) == ["FCT136", "FCT136"]
    assert "on 2025-04-10" in errors[0].message
    assert "on 2025-05-02" in errors[1].message


def linked(amount: str, link: str = "INV-1002") -> str:
    return f"""
2025-04-10 * "TQL" "ACH payment" ^{link}
  Assets:Bank:Checking         {amount} USD
  Assets:Receivable:TQL
"""


def test_sale_a_check_that_links_only_our_invoice_and_pays_the_sold_one_too():
    # One check of 2,500.00 for INV-1002 (500.00, ours) and INV-1001 (2,000.00, Summit's),
    # linking only INV-1002: 2000 + 500 - 2000 (sold) - 2500 = -2,000.00 on the receivable,
    # the 2,000.00 Summit's cash. It was no error: INV-1002 read as paid 2,500.00.
    _, errors = load(ledger("sale", linked("2500.00")))
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert "Assets:Receivable:TQL goes below zero (-2,000.00 USD) on 2025-04-10" in message
    assert "INV-1001 (2,000.00 USD, factor 'Summit')" in message


def test_loan_a_check_that_links_only_our_invoice_and_pays_the_pledged_one_too():
    # 2000 + 500 - 2500 = 0.00 on the receivable, below the 2,000.00 pledged.
    _, errors = load(ledger("loan", linked("2500.00")))
    assert codes(errors) == ["FCT136"]
    assert "holds 0.00 USD on 2025-04-10, less than the 2,000.00 USD of invoices pledged" in (
        errors[0].message
    )


@MODELS
def test_a_linked_payment_of_our_invoice_alone_passes(model):
    # 500.00 for INV-1002: sale 2000 + 500 - 2000 - 500 = 0; loan 2,000.00, as pledged.
    entries, errors = load(ledger(model, linked("500.00")))
    assert errors == []
    assert balance(entries, TQL) == (0 if model == "sale" else 2000)


def test_a_prepayment_of_invoices_billed_later_is_no_error():
    # TQL prepays 500.00 on 03-01 for INV-1003, billed 03-20 (ours): the receivable is
    # -500.00 until then, 2000 + 500 - 2000 (sold) - 500 + 500 - 500 = 0 at the end.
    prepaid = """
2025-03-01 * "TQL" "Prepayment for load 3" ^INV-1003
  Assets:Bank:Checking          500.00 USD
  Assets:Receivable:TQL

2025-03-20 * "TQL" "Load TQL-88414"
  invoice: "INV-1003"
  Assets:Receivable:TQL         500.00 USD
  Income:Freight
"""
    entries, errors = load(ledger("sale", plain("500.00") + prepaid))
    assert errors == []
    assert balance(entries, TQL) == 0


PARENT = "\n2025-01-01 open Assets:Receivable:TQLHoldings\n"


@MODELS
def test_a_parent_companys_payment_credited_to_its_own_receivable(model):
    # TQL Holdings pays its subsidiary's INV-1001 (2,000.00, Summit's): the line links
    # INV-1001 but credits Assets:Receivable:TQLHoldings. It was no error: the link read
    # as nothing, TQLHoldings at -2,000.00 and Summit's cash in the bank, owed to no one.
    payment = """
2025-04-10 * "TQL HOLDINGS INC" "ACH payment" ^INV-1001
  Assets:Bank:Checking          2000.00 USD
  Assets:Receivable:TQLHoldings
"""
    _, errors = load(PARENT + ledger(model, payment))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "links invoice INV-1001 (2,000.00 USD, on Assets:Receivable:TQL)" in message
    assert "credits Assets:Receivable:TQLHoldings" in message
    # Credited to the invoice's own receivable, as its message says, it is FCT136 (the
    # factor's cash); marked misdirected, no error: owed to Summit.
    fixed = payment.replace("Assets:Receivable:TQLHoldings", "Assets:Receivable:TQL")
    assert codes(load(PARENT + ledger(model, fixed))[1]) == ["FCT136"]
    right = payment.replace("  Assets:Receivable:TQLHoldings\n", "").replace(
        '"ACH payment" ^INV-1001\n',
        '"ACH payment" ^INV-1001\n  factoring: "misdirected-payment"\n',
    )
    entries, errors = load(PARENT + ledger(model, right))
    assert errors == []
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == -2000


def test_a_parent_pays_its_own_invoice_and_a_subsidiarys_crediting_each():
    # One check of 2,500.00: INV-1002 (TQL's, ours, 500.00) credited to TQL and INV-7
    # (the parent's, 2,000.00) to TQLHoldings: each account holds an invoice it links.
    payment = """
2025-03-03 * "TQL Holdings" "Load H-1"
  invoice: "INV-7"
  Assets:Receivable:TQLHoldings   2000.00 USD
  Income:Freight

2025-04-10 * "TQL HOLDINGS INC" "ACH payment" ^INV-1002 ^INV-7
  Assets:Bank:Checking          2500.00 USD
  Assets:Receivable:TQL          -500.00 USD
  Assets:Receivable:TQLHoldings
"""
    entries, errors = load(PARENT + ledger("sale", payment))
    assert errors == []
    assert balance(entries, "Assets:Receivable:TQLHoldings") == 0


def test_sale_a_second_payment_of_our_invoice_that_pays_the_sold_one_too():
    # INV-1002 is 3,000.00 here (ours). TQL pays 2,000.00 of it on 04-01, then one check
    # of 3,000.00 on 04-10 for its last 1,000.00 and Summit's INV-1001 (2,000.00), linking
    # INV-1002 alone: 2000 + 3000 - 2000 (sold) - 2000 - 3000 = -2,000.00, Summit's cash.
    # No more than INV-1002's face, the check was taken for a payment of it alone: no
    # error, 2,000.00 of Summit's cash owed to no one. What INV-1002 still owed, 1,000.00,
    # is what the check is judged by.
    text = ledger("sale", linked("2000.00").replace("04-10", "04-01") + linked("3000.00"))
    text = text.replace(
        "Assets:Receivable:TQL         500.00", "Assets:Receivable:TQL        3000.00"
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT136"]
    assert "Assets:Receivable:TQL goes below zero (-2,000.00 USD) on 2025-04-10" in (
        errors[0].message
    )
    # Its last 1,000.00 alone: 2000 + 3000 - 2000 - 2000 - 1000 = 0, no error.
    text = text.replace(
        "3000.00 USD\n  Assets:Receivable:TQL\n", "1000.00 USD\n  Assets:Receivable:TQL\n"
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, TQL) == 0


# Summit funds INV-1001 (2,000.00), charges it back on 06-03 to
# Assets:Receivable:Recourse:TQL; INV-1002 (500.00, ours) is billed on TQL on 06-05.
RECOURSE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  recourse-receivables: Assets:Receivable:Recourse

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-03 * "Summit Funding" "Recourse INV-1001" ^INV-1001
  factoring: "chargeback"

2025-06-05 * "TQL" "Load 2"
  invoice: "INV-1002"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight
"""
RECOURSE_TQL = "Assets:Receivable:Recourse:TQL"


@pytest.mark.parametrize("named", [False, True])
def test_a_check_for_the_charged_back_invoice_and_ours_credited_to_the_recourse(named):
    # One check of 2,500.00 for INV-1001 and INV-1002, linking INV-1001 and credited
    # in full to the recourse receivable (the posting naming INV-1001, or not):
    # 2000 (chargeback) - 2500 = -500.00 there, INV-1002's 500.00 left open on TQL. It
    # passed in silence; now FCT136, saying to split the check.
    name = '    invoice: "INV-1001"\n' if named else ""
    paid = f"""
2025-06-10 * "TQL" "TQL paid both" ^INV-1001
  Assets:Bank:Checking  2500.00 USD
  {RECOURSE_TQL}  -2500.00 USD
{name}"""
    _, errors = load(RECOURSE + paid)
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert f"{RECOURSE_TQL} goes below zero (-500.00 USD) on 2025-06-10" in message
    assert "charged back to it owe (INV-1001 (2,000.00 USD))" in message
    assert "split it" in message
    # Exactly what INV-1001 owes: 2000 - 2000 = 0 there, no error.
    entries, errors = load(RECOURSE + paid.replace("2500.00", "2000.00"))
    assert errors == []
    assert balance(entries, RECOURSE_TQL) == 0
    # Split as the message says: 2,000.00 naming INV-1001 on the recourse, 500.00 on TQL
    # linking INV-1002: both accounts at 0, no error.
    split = f"""
2025-06-10 * "TQL" "TQL paid both" ^INV-1001 ^INV-1002
  Assets:Bank:Checking  2500.00 USD
  {RECOURSE_TQL}  -2000.00 USD
    invoice: "INV-1001"
  Assets:Receivable:TQL  -500.00 USD
"""
    entries, errors = load(RECOURSE + split)
    assert errors == []
    assert balance(entries, RECOURSE_TQL) == 0
    assert balance(entries, TQL) == 0


SIBLINGS = """
2025-01-01 open Assets:Receivable:TQL:Linehaul
2025-01-01 open Assets:Receivable:TQL:Detention

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1001"
  customer: "TQL"
  Assets:Receivable:TQL:Linehaul  2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Detention, load 1"
  invoice: "INV-1002"
  customer: "TQL"
  Assets:Receivable:TQL:Detention  500.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH deposit" ^INV-1001
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
DETENTION = "Assets:Receivable:TQL:Detention"


@pytest.mark.parametrize("link", [" ^INV-1002", ""])
def test_a_check_for_both_credited_to_the_customers_other_receivable(link):
    # Summit holds INV-1001 (on TQL:Linehaul); INV-1002 (500.00, ours) is on
    # TQL:Detention. One check of 2,500.00 for both, crediting Detention (linking
    # INV-1002, or nothing): 500 - 2500 = -2,000.00 there, Summit's cash, with no error
    # (Detention holds no factored invoice). Now FCT136, naming INV-1001 and its account.
    paid = f"""
2025-04-10 * "TQL" "check for both"{link}
  Assets:Bank:Checking  2500.00 USD
  {DETENTION}
"""
    _, errors = load(SIBLINGS + paid)
    assert codes(errors) == ["FCT136"]
    message = errors[0].message
    assert f"{DETENTION} goes below zero (-2,000.00 USD) on 2025-04-10" in message
    assert "INV-1001 (2,000.00 USD on Assets:Receivable:TQL:Linehaul, factor 'Summit')" in (
        message
    )
    assert ("split it" in message) == bool(link)
    # What INV-1002 owes: 500 - 500 = 0, no error.
    entries, errors = load(SIBLINGS + paid.replace("2500.00", "500.00"))
    assert errors == []
    assert balance(entries, DETENTION) == 0


def test_the_customers_other_receivable_is_not_judged_when_no_invoice_is_factored():
    # After TQL paid Summit for INV-1001 (collected 04-01), a credit of 700.00 to
    # Detention (500 - 700 = -200.00, a customer credit) names no factored invoice it
    # could be: as for a customer with no factored invoice, no error.
    paid = """
2025-04-01 * "TQL" "TQL paid Summit" ^INV-1001
  factoring: "collected"

2025-04-10 * "TQL" "check"
  Assets:Bank:Checking  700.00 USD
  Assets:Receivable:TQL:Detention
"""
    entries, errors = load(SIBLINGS + paid)
    assert errors == []
    assert balance(entries, DETENTION) == -200


def test_other_customers_under_the_receivables_root_are_not_kin():
    # CHR's account sits beside TQL's under Assets:Receivable (the root): CHR is
    # another customer. A credit of 300.00 to CHR (0 - 300 = -300.00) while Summit holds
    # TQL's INV-1001 is CHR's affair: no error.
    paid = """
2025-04-10 * "CHR" "prepayment"
  Assets:Bank:Checking  300.00 USD
  Assets:Receivable:CHR
"""
    _, errors = load(ledger("sale", paid))
    assert errors == []


def test_accounts_under_a_category_are_other_customers():
    # The same accounts without customer: "TQL" are two customers, Linehaul and
    # Detention, as an account's last part is its customer (and ...:Brokers:ACME beside
    # ...:Brokers:TQL is another broker): a credit of 700.00 to Detention (500 - 700 =
    # -200.00) while Summit holds INV-1001 is Detention's affair, no error.
    paid = """
2025-04-10 * "ACME" "prepayment"
  Assets:Bank:Checking  700.00 USD
  Assets:Receivable:TQL:Detention
"""
    entries, errors = load(SIBLINGS.replace('  customer: "TQL"\n', "") + paid)
    assert errors == []
    assert balance(entries, DETENTION) == -200


@pytest.mark.parametrize(
    ("account", "amount"),
    [("Assets:Receivable:TQL:Unapplied", "500.00"), ("Assets:Receivable:TQL:Credits", "100.00")],
)
def test_a_credit_kept_on_another_receivable_of_the_customer_is_judged_with_what_it_owes(
    account, amount
):
    # Summit holds INV-1001 (sold: 0.00 left on TQL:Linehaul); INV-1002 (500.00, ours) is
    # on TQL:Detention. A check of 500.00 kept on TQL:Unapplied until it is applied, or a
    # credit memo of 100.00 kept on TQL:Credits, takes that account below zero, but TQL
    # owes 500.00 on Detention: 0.00 + 500.00 - 500.00 = 0.00 (or 400.00) over its
    # accounts, as on one account, where it passes. It was FCT136; now no error.
    credit = f"""
2025-01-01 open {account}
2025-04-10 * "TQL" "kept apart"
  {account}  -{amount} USD
  Assets:Bank:Checking
"""
    entries, errors = load(SIBLINGS + credit)
    assert errors == []
    assert balance(entries, account) == -Decimal(amount)
    # 200.00 more than TQL owes over its accounts: 500.00 - 700.00 = -200.00, FCT136.
    _, errors = load(SIBLINGS + credit.replace(f"-{amount}", "-700.00"))
    assert codes(errors) == ["FCT136"]
    assert f"{account} goes below zero (-700.00 USD) on 2025-04-10" in errors[0].message
