"""A buyout from one factor to another (research/domain.md §3.4 entry 10), both models.

Lakeshore (95% advance, flat 2% at purchase) funded two invoices; on 1 July
Pinecrest (97%, flat 3%, a $50 buyout fee) pays Lakeshore off and takes them.
Each reserve moves less Pinecrest's 3% fee at purchase: INV-1's 100.00 - 60.00
= 40.00, INV-2's 50.00 - 30.00 = 20.00. Under the loan model the 3,000.00 owed
for the advances moves from Lakeshore's liability to Pinecrest's.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ledgers import balance, codes, legs, load, txn

D = Decimal
L_RESERVE = "Assets:Factoring:Lakeshore:Reserve"
P_RESERVE = "Assets:Factoring:Pinecrest:Reserve"
P_FEES = "Expenses:Factoring:Pinecrest:Fees"
P_CLEARING = "Assets:Factoring:Pinecrest:Clearing"
L_ADVANCES = "Liabilities:Factoring:Lakeshore:Advances"
P_ADVANCES = "Liabilities:Factoring:Pinecrest:Advances"

LEDGER = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  buyout-fee: 50.00 USD
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-06-10 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-06-10 * "CHR" "INV-2"
  invoice: "INV-2"
  Assets:Receivable:CHR   1000.00 USD
  Income:Freight

2025-06-11 * "LAKESHORE FUNDING" "Purchase" ^INV-1 ^INV-2
  Assets:Bank:Checking   2790.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-01 * "Pinecrest Capital" "Buyout of Lakeshore's open invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-10 * "TQL" "Paid Pinecrest" ^INV-1 ^INV-2
  factoring: "collected"

2025-07-11 * "PINECREST CAPITAL" "Rebate less the buyout fee"
  Assets:Bank:Checking     10.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  recourse-days:", f'  model: "{model}"\n  recourse-days:')


def test_domain_entry_10__the_reserves_move_to_the_new_factor():
    entries, errors = load(LEDGER)
    assert errors == []
    buyout = txn(entries, "Buyout of Lakeshore's open invoices")
    # (The new factor's own accounts take one posting per part, as for a schedule.)
    assert legs(buyout) == [
        (L_RESERVE, D("-100.00"), "INV-1", "buyout"),
        (L_RESERVE, D("-50.00"), "INV-2", "buyout"),
        (P_CLEARING, D("-50.00"), None, "buyout-fee"),
        (P_RESERVE, D("60.00"), None, "buyout"),
        (P_FEES, D("50.00"), None, "buyout-fee"),
        (P_FEES, D("90.00"), None, "discount-fee"),
    ]
    assert buyout.links == {"INV-1", "INV-2", "buyout-2025-07-01"}
    # Pinecrest releases 60.00 and nets its 50.00 fee.
    assert balance(entries, L_RESERVE) == 0
    assert balance(entries, P_RESERVE) == 0
    assert balance(entries, P_CLEARING) == 0


def test_domain_entry_10__under_the_loan_model_the_liability_moves():
    entries, errors = load(with_model(LEDGER, "loan"))
    assert errors == []
    moved = [
        leg
        for leg in legs(txn(entries, "Buyout of Lakeshore's open invoices"))
        if "Advances" in leg[0]
    ]
    assert moved == [
        (L_ADVANCES, D("1000.00"), "INV-2", "buyout"),
        (L_ADVANCES, D("2000.00"), "INV-1", "buyout"),
        (P_ADVANCES, D("-3000.00"), None, "buyout"),
    ]
    # The collection repays Pinecrest; Lakeshore is square.
    assert balance(entries, L_ADVANCES) == 0
    assert balance(entries, P_ADVANCES) == 0
    assert balance(entries, "Assets:Receivable:TQL") == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_both_models_pay_the_same_fees(model):
    entries, _ = load(with_model(LEDGER, model))
    assert balance(entries, P_FEES) == D("140.00")
    assert balance(entries, "Expenses:Factoring:Lakeshore:Fees") == D("60.00")
    assert balance(entries, "Assets:Bank:Checking") == D("2800.00")


def test_a_buyout_that_links_its_invoices_takes_only_those():
    text = LEDGER.replace(
        "Buyout of Lakeshore's open invoices\"\n", "Buyout of Lakeshore's open invoices\" ^INV-1\n"
    ).split("2025-07-10")[0]
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, L_RESERVE) == D("50.00")
    assert balance(entries, P_RESERVE) == D("40.00")


def test_the_new_factors_terms_apply_from_the_buyout():
    # Pinecrest is non-recourse: after the buyout no recourse clock runs on the invoices.
    text = (
        LEDGER.split("2025-07-10")[0]
        + """
2025-12-31 * "Year end" "Year end"
  Assets:Bank:Checking   0.00 USD
  Equity:Opening
"""
    )
    _, errors = load(
        text.replace('2025-06-10 * "TQL"', '2025-01-01 open Equity:Opening\n\n2025-06-10 * "TQL"')
    )
    assert codes(errors) == []


@pytest.mark.parametrize(
    ("edit", "code", "message"),
    [
        (('  from: "Lakeshore"', '  from: "Harbor"'), "FCT134", "from: 'Harbor' must name"),
        (('  factor: "Pinecrest"\n', '  factor: "Lakeshore"\n'), "FCT134", "booked on the new"),
        (
            (
                'from: "Lakeshore"\n',
                'from: "Lakeshore"\n\n2025-07-02 * "P" "Again"\n'
                '  factoring: "buyout"\n  factor: "Pinecrest"\n  from: "Lakeshore"\n',
            ),
            "FCT133",
            "'Lakeshore' holds no open invoice on 2025-07-02",
        ),
    ],
)
def test_a_buyout_that_cannot_be_booked(edit, code, message):
    text = LEDGER.replace(*edit).split("2025-07-10")[0]
    _, errors = load(text)
    assert codes(errors) == [code]
    assert message in errors[0].message


def test_fct134__the_two_agreements_must_share_a_model():
    text = LEDGER.replace("  buyout-fee:", '  model: "loan"\n  buyout-fee:').split("2025-07-10")[0]
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    assert "give both agreements the same model" in errors[0].message


@pytest.mark.parametrize(
    "fee",
    [
        "buyout-fee: 50.00 USD",
        'buyout-fee: "0.5% + 50.00 USD"',
        "buyout-fee: 50.00 CAD\n  invoice-fee: 5.00 USD",
        "buyout-fee: 50.00 CAD\n  minimum-fee: 10.00 USD",
    ],
)
def test_fct134__a_fee_of_the_new_agreement_in_another_currency(fee):
    # Lakeshore's invoices are in CAD; Pinecrest (no currency: key) gives a fee in USD.
    # It was left out without a word: no buyout-fee leg, nothing owed (reviewB t14). Now
    # the buyout is refused and nothing moves: Lakeshore still holds the reserves,
    # 2,000.00 x 5% + 1,000.00 x 5% = 150.00 CAD, and nothing is owed to Pinecrest.
    text = LEDGER.split("2025-07-10")[0].replace(" USD", " CAD")
    _, errors = load(text)
    assert errors == []  # (the ledger in CAD books the buyout)
    entries, errors = load(text.replace("buyout-fee: 50.00 CAD", fee))
    assert codes(errors) == ["FCT134"]
    shown = fee.rsplit("\n  ", 1)[-1]
    assert (
        f"Agreement 'Pinecrest' gives {shown}, but the invoices this buyout takes are in "
        "CAD; give the fee in CAD" in errors[0].message
    )
    assert errors[0].entry.narration == "Buyout of Lakeshore's open invoices"
    assert balance(entries, L_RESERVE) == D("150.00")
    assert balance(entries, P_CLEARING) == 0


TWO_BUYOUTS_OF_A_DAY = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Harbor"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.90
  fee: "flat 1%"
  buyout-fee: 50.00 USD
  recourse-days: 90
  bank: Assets:Bank:Checking

2025-06-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL       1000.00 USD
  Income:Freight

2025-06-01 * "CHR" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:CHR       1000.00 USD
  Income:Freight

2025-06-02 * "Lakeshore" "ACH" ^INV-1
  Assets:Bank:Checking         880.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-06-02 * "Harbor" "ACH" ^INV-2
  Assets:Bank:Checking         880.00 USD
  Assets:Factoring:Harbor:Clearing

2025-07-01 * "Pinecrest" "Buyout of Lakeshore"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-01 * "Pinecrest" "Buyout of Harbor"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Harbor"

2025-07-03 * "Pinecrest" "Pays both buyout fees" ^buyout-2025-07-01 ^buyout-2025-07-01-2
  Assets:Bank:Checking         -100.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def test_two_buyouts_of_a_day_are_two_fees():
    # Pinecrest buys both out on 07-01, 50.00 a buyout: two fees, buyout-2025-07-01 and
    # buyout-2025-07-01-2 (the second of the day), both netted by the 100.00 paid.
    entries, errors = load(TWO_BUYOUTS_OF_A_DAY)
    assert errors == []
    links = [txn(entries, f"Buyout of {name}").links for name in ("Lakeshore", "Harbor")]
    assert "buyout-2025-07-01" in links[0] and "buyout-2025-07-01-2" in links[1]


# Lakeshore (95%, flat 2%) funds INV-1 (2,000.00: 1,860.00, 100.00 held) and INV-4
# (1,000.00: 930.00, 50.00 held), and charges INV-4 back on 07-15 (1,000.00 - 50.00 =
# 950.00 owed). Pinecrest (99%, flat 3%) buys Lakeshore out on 07-21.
OLD_FACTORS_DAY = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE FUNDING"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.99
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-06-10 * "TQL" "Load"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-06-11 * "LAKESHORE FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-06-12 * "CHR" "Load"
  invoice: "INV-4"
  Assets:Receivable:CHR        1000.00 USD
  Income:Freight

2025-06-13 * "LAKESHORE FUNDING" "ACH deposit" ^INV-4
  Assets:Bank:Checking         930.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-15 * "Lakeshore" "Chargeback" ^INV-4
  factoring: "chargeback"
  reason: "broker-claim"

2025-07-21 * "Pinecrest Capital" "Buyout of Lakeshore's open invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-21 * "LAKESHORE FUNDING" "ACH"
  Assets:Bank:Checking         AMOUNT USD
  Assets:Factoring:Lakeshore:Clearing

2025-08-05 note Assets:Bank:Checking "Statement"
"""


@pytest.mark.parametrize("amount", ["-950.00", "20.00"])
def test_the_old_factors_deposit_of_the_buyout_day_that_names_nothing_says_what_to_write(
    amount,
):
    # The buyout took INV-1 and the 950.00 owed on INV-4 first, so the old factor's deposit
    # of that day that names nothing (it netting the chargeback, or passing on the rest of
    # the payoff) found nothing; its FCT103 said nothing of the buyout.
    _, errors = load(OLD_FACTORS_DAY.replace("AMOUNT", amount))
    assert codes(errors) == ["FCT103"]
    message = errors[0].message
    assert "'Pinecrest' bought 'Lakeshore' out the same day (the buyout at <string>:" in message
    assert "link what it settles (the invoice, ^INV-..., or the fee's link)" in message
    assert "move its bank posting onto the buyout" in message
    assert "(Assets:Factoring:Pinecrest:Clearing)" in message


def test_each_fix_the_buyout_days_fct103_gives_checks():
    # Netting the chargeback: linked, the buyout leaves INV-4's 950.00 to this deposit.
    text = OLD_FACTORS_DAY.replace("AMOUNT", "-950.00").replace('"ACH"\n', '"ACH" ^INV-4\n')
    # (INV-1's 100.00 moves less Pinecrest's 3%, 60.00: 40.00.)
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Lakeshore:Clearing") == 0
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, P_RESERVE) == D("40.00")
    # The rest of the payoff: INV-1's 100.00 less Pinecrest's 60.00 = 40.00 moves, 20.00
    # of it Pinecrest's reserve (1%), 20.00 paid; less the 950.00 owed on INV-4 taken
    # over: written on the buyout, a payment of 20.00 - 950.00 = -930.00.
    paid = OLD_FACTORS_DAY.split('2025-07-21 * "LAKESHORE FUNDING"')[0].replace(
        '  from: "Lakeshore"\n',
        '  from: "Lakeshore"\n  Assets:Bank:Checking   -930.00 USD\n'
        "  Assets:Factoring:Pinecrest:Clearing\n",
    )
    entries, errors = load(paid)
    assert errors == []
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, P_RESERVE) == D("20.00")


def test_a_nonpayment_chargeback_soon_after_the_buyout_says_it_was_bought_out():
    # Lakeshore funded INV-1 on 06-11; Pinecrest (30 recourse-days) bought it on 07-01 and
    # charges it back for nonpayment on 07-12, 11 days on: its recourse days count from
    # the buyout. The message said "11 days after the funding on 2025-07-01", a funding
    # the ledger does not hold.
    text = LEDGER.split("2025-07-10")[0].replace("recourse-days: 0", "recourse-days: 30")
    text += """
2025-07-12 * "Pinecrest" "Chargeback" ^INV-1
  factoring: "chargeback"
  reason: "nonpayment"
"""
    _, errors = load(text)
    assert codes(errors) == ["FCT137"]
    assert (
        "it comes 11 days after 'Pinecrest' bought it out from 'Lakeshore' on 2025-07-01"
        in errors[0].message
    )
