"""A buyout takes over what the old factor is owed apart from its open invoices.

The new factor pays off the old one's whole balance (research/domain.md §3.4 entry
10, "the new factor pays the old one off"): the advances on the open invoices, and
what is owed on the old factor's clearing account and not netted yet, a chargeback,
the part of a short pay its reserve could not cover, a fee charged apart from any
invoice. Those are then owed to the new factor, netted by its next deposit.

Lakeshore (95%, flat 2% at purchase, 30 recourse days) funds INV-1 (2,000.00), INV-2
and INV-3 (1,000.00 each) on 05-02: 3,800.00 advanced less 80.00 of fees = 3,720.00,
reserves 100.00, 50.00 and 50.00. On 06-20 it charges INV-2 back: 1,000.00 less the
50.00 reserve = 950.00 owed. On 06-21 CHR pays 800.00 of INV-3: 200.00 short, 50.00
from the reserve, 150.00 owed. On 07-01 Pinecrest (97%, flat 3%) buys Lakeshore out:
INV-1's 100.00 reserve moves less Pinecrest's 3% of 2,000.00 = 60.00, 40.00; and the
950.00 + 150.00 = 1,100.00 Lakeshore is owed moves to Pinecrest's clearing account.
On 07-10 Pinecrest funds INV-4 (5,000.00): 97% = 4,850.00 less 3% = 150.00 is
4,700.00, less the 1,100.00 it took over = 3,600.00.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.reports.facts import read_facts
from beancount_factoring.reports.reconcile import reconcile_report

from ledgers import OPENS, balance, codes, legs, load, txn

D = Decimal
L_CLEARING = "Assets:Factoring:Lakeshore:Clearing"
P_CLEARING = "Assets:Factoring:Pinecrest:Clearing"
L_RESERVE = "Assets:Factoring:Lakeshore:Reserve"
P_RESERVE = "Assets:Factoring:Pinecrest:Reserve"

LEDGER = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 30
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   2000.00 USD
  Income:Freight

2025-05-01 * "CHR" "INV-2"
  invoice: "INV-2"
  Assets:Receivable:CHR   1000.00 USD
  Income:Freight

2025-05-01 * "CHR" "INV-3"
  invoice: "INV-3"
  Assets:Receivable:CHR   1000.00 USD
  Income:Freight

2025-05-02 * "LAKESHORE" "Purchase" ^INV-1 ^INV-2 ^INV-3
  Assets:Bank:Checking   3720.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-06-20 * "CHR" "Chargeback INV-2" ^INV-2
  factoring: "chargeback"
  reason: "nonpayment"

2025-06-21 * "CHR" "Short paid INV-3" ^INV-3
  factoring: "collected"
  paid: 800.00 USD

2025-07-01 * "Pinecrest Capital" "Buyout"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-05 * "TQL" "INV-4"
  invoice: "INV-4"
  Assets:Receivable:TQL   5000.00 USD
  Income:Freight

2025-07-10 * "PINECREST" "Funding less what Lakeshore was owed" ^INV-2 ^INV-3 ^INV-4
  Assets:Bank:Checking   3600.00 USD
  Assets:Factoring:Pinecrest:Clearing
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  recourse-days:", f'  model: "{model}"\n  recourse-days:')


def until(text: str, date: str) -> str:
    return text.split(f"\n{date} ")[0]


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_chargeback_and_short_pay_not_netted_move_to_the_new_factor(model):
    entries, errors = load(with_model(LEDGER, model))
    assert codes(errors) == []
    buyout = txn(entries, "Buyout")
    moved = [leg for leg in legs(buyout) if "Clearing" in leg[0]]
    assert moved == [
        (L_CLEARING, D("150.00"), "INV-3", "short-pay"),
        (L_CLEARING, D("950.00"), "INV-2", "chargeback"),
        (P_CLEARING, D("-950.00"), "INV-2", "chargeback"),
        (P_CLEARING, D("-150.00"), "INV-3", "short-pay"),
    ]
    assert {"INV-1", "INV-2", "INV-3"} <= buyout.links
    funding = legs(txn(entries, "Funding less what Lakeshore was owed"))
    assert (P_CLEARING, D("950.00"), "INV-2", "chargeback") in funding
    assert (P_CLEARING, D("150.00"), "INV-3", "short-pay") in funding
    # Lakeshore is square: 3,720.00 + 80.00 fees + 200.00 reserves - 4,000.00 sold
    # on 05-02; -950.00 and -150.00 owed, +1,100.00 taken over by Pinecrest.
    assert balance(entries, L_CLEARING) == 0
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, L_RESERVE) == 0
    # INV-1's 40.00 and INV-4's 3% = 150.00.
    assert balance(entries, P_RESERVE) == D("190.00")


def test_the_reconciliation_lists_them_on_the_old_factor_then_on_the_new_one():
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + OPENS + until(LEDGER, "2025-07-05")
    )
    assert codes(errors) == []
    facts = read_facts(entries, options)

    def open_items(day):
        report = reconcile_report(facts, day, None)
        return {
            (account.factor, account.balance, account.unexplained): sorted(
                (item.reference, item.on_clearing) for item in account.items if item.on_clearing
            )
            for account in report.accounts
            if account.account.endswith("Clearing")
        }

    owed = [("INV-2", D("-950.00")), ("INV-3", D("-150.00"))]
    assert open_items(datetime.date(2025, 6, 30)) == {("Lakeshore", D("-1100.00"), 0): owed}
    assert open_items(datetime.date(2025, 7, 1)) == {
        ("Lakeshore", 0, 0): [],
        ("Pinecrest", D("-1100.00"), 0): owed,
    }


def test_a_buyout_that_pays_takes_the_debts_from_the_payment():
    # Pinecrest pays nothing for INV-1 (40.00 moves, below its own 3% reserve of 60.00),
    # and takes the 1,100.00 it paid Lakeshore for the chargeback and the short pay:
    # the carrier pays it 1,100.00 on the buyout day; its funding of INV-4 is then whole.
    text = LEDGER.replace(
        '  from: "Lakeshore"\n',
        '  from: "Lakeshore"\n  Assets:Bank:Checking   -1100.00 USD\n'
        "  Assets:Factoring:Pinecrest:Clearing\n",
        1,
    ).replace("3600.00 USD", "4700.00 USD")
    text = text.replace("^INV-2 ^INV-3 ^INV-4", "^INV-4")
    entries, errors = load(text)
    assert codes(errors) == []
    buyout = legs(txn(entries, "Buyout"))
    assert (L_CLEARING, D("950.00"), "INV-2", "chargeback") in buyout
    assert (L_CLEARING, D("150.00"), "INV-3", "short-pay") in buyout
    assert not [leg for leg in buyout if leg[0] == P_CLEARING]
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0
    # A payment that forgets them is FCT120, naming them.
    _, errors = load(until(text.replace("-1100.00 USD", "0.00 USD"), "2025-07-05"))
    assert codes(errors) == ["FCT120"]
    assert "expected -1,100.00 USD (- short pays 150.00 - chargebacks 950.00)" in (
        errors[0].message
    )


def test_a_fee_of_the_old_factor_not_netted_moves_too():
    # Lakeshore's 75.00 fee of 06-30, owed on its clearing account: Pinecrest nets it,
    # 3,600.00 - 75.00 = 3,525.00, naming its link.
    text = LEDGER.replace(
        '2025-07-01 * "Pinecrest Capital"',
        '2025-06-30 * "Lakeshore" "Lien search" ^fee-lake-june\n  factoring: "fee"\n'
        '  factor: "Lakeshore"\n  charge: "other"\n  amount: 75.00 USD\n\n'
        '2025-07-01 * "Pinecrest Capital"',
    )
    text = text.replace("3600.00 USD", "3525.00 USD").replace(
        "^INV-4\n", "^INV-4 ^fee-lake-june\n"
    )
    entries, errors = load(text)
    assert codes(errors) == []
    buyout = txn(entries, "Buyout")
    assert "fee-lake-june" in buyout.links
    assert (L_CLEARING, D("75.00"), None, "other-fee") in legs(buyout)
    assert (P_CLEARING, D("-75.00"), None, "other-fee") in legs(buyout)
    assert (P_CLEARING, D("75.00"), None, "other-fee") in legs(
        txn(entries, "Funding less what Lakeshore was owed")
    )
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0


def test_a_buyout_that_links_its_invoices_takes_only_their_debts():
    # Linking INV-1 and INV-2: INV-3's 150.00 stays Lakeshore's, whose release nets it.
    text = LEDGER.replace('"Buyout"\n', '"Buyout" ^INV-1 ^INV-2\n').replace(
        "3600.00 USD", "3750.00 USD"
    )
    text = text.replace("^INV-2 ^INV-3 ^INV-4", "^INV-2 ^INV-4")
    entries, errors = load(text)
    assert codes(errors) == []
    assert [leg for leg in legs(txn(entries, "Buyout")) if "Clearing" in leg[0]] == [
        (L_CLEARING, D("950.00"), "INV-2", "chargeback"),
        (P_CLEARING, D("-950.00"), "INV-2", "chargeback"),
    ]
    assert balance(entries, L_CLEARING) == D("-150.00")
    assert balance(entries, P_CLEARING) == 0


def test_the_old_factor_netting_after_the_buyout_is_told_why():
    text = until(LEDGER, "2025-07-05") + (
        '\n2025-07-03 * "LAKESHORE" "Lakeshore nets INV-2" ^INV-2\n'
        "  Assets:Bank:Checking   -950.00 USD\n  Assets:Factoring:Lakeshore:Clearing\n"
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"]
    assert "'Pinecrest' bought it out, with what it owed 'Lakeshore'" in errors[0].message


def test_the_old_factors_last_settlement_on_the_buyout_day_nets_its_own():
    # Lakeshore's own deposit of 07-01 names INV-2: it nets the 950.00 itself, and the
    # buyout takes INV-3's 150.00 alone (3,600.00 + 950.00 = 4,550.00 from Pinecrest).
    text = LEDGER.replace(
        '2025-07-01 * "Pinecrest Capital"',
        '2025-07-01 * "LAKESHORE" "Last settlement" ^INV-2\n'
        "  Assets:Bank:Checking   -950.00 USD\n  Assets:Factoring:Lakeshore:Clearing\n\n"
        '2025-07-01 * "Pinecrest Capital"',
    )
    text = text.replace("3600.00 USD", "4550.00 USD").replace(
        "^INV-2 ^INV-3 ^INV-4", "^INV-3 ^INV-4"
    )
    entries, errors = load(text)
    assert codes(errors) == []
    assert [leg for leg in legs(txn(entries, "Buyout")) if "Clearing" in leg[0]] == [
        (L_CLEARING, D("150.00"), "INV-3", "short-pay"),
        (P_CLEARING, D("-150.00"), "INV-3", "short-pay"),
    ]
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0


CHAIN = """
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

2025-06-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.97
  fee: "flat 1%"
  recourse-days: 0
  payee: "SUMMIT"
  bank: Assets:Bank:Checking

2025-06-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-06-02 * "LAKESHORE" "Purchase" ^INV-1
  Assets:Bank:Checking   9700.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-12 * "Pinecrest" "Buyout of Lakeshore"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"

2025-07-20 * "Summit" "Buyout of Pinecrest"
  factoring: "buyout"
  factor: "Summit"
  from: "Pinecrest"

2025-07-30 * "TQL" "Paid Summit" ^INV-1
  factoring: "collected"

2025-08-01 * "SUMMIT" "Summit nets what INV-1 owes" ^INV-1
  Assets:Bank:Checking   -200.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_a_second_buyout_takes_what_the_first_left_owed():
    # 07-12: Lakeshore's 300.00 reserve less its 350.00 fee to the day and Pinecrest's
    # 0.5% (50.00): 100.00 owed on Pinecrest's clearing (ledger.md 6.12). 07-20: Summit
    # takes INV-1, with nothing held, less its 1% (100.00), owed on its clearing; and the
    # 100.00 owed to Pinecrest, which it paid off: 200.00 owed to Summit, netted 08-01.
    # (It stayed -100.00 on Pinecrest's clearing, while Summit netted 200.00 on its own.)
    entries, errors = load(CHAIN)
    assert codes(errors) == []
    second = [leg for leg in legs(txn(entries, "Buyout of Pinecrest")) if "Clearing" in leg[0]]
    assert second == [
        (P_CLEARING, D("100.00"), "INV-1", "buyout"),
        # (Summit's own accounts take one posting per part.)
        ("Assets:Factoring:Summit:Clearing", D("-200.00"), None, "buyout"),
    ]
    assert balance(entries, P_CLEARING) == 0
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_payoff_letters_figure_is_checked(model):
    # What Pinecrest pays Lakeshore: INV-1's advance, 2,000.00 - 100.00 held = 1,900.00
    # (its 2% was taken at funding: no fee to the day), plus the 950.00 + 150.00 it was
    # owed apart from it: 3,000.00.
    text = with_model(until(LEDGER, "2025-07-05"), model)
    right = text.replace('  from: "Lakeshore"\n', '  from: "Lakeshore"\n  amount: 3000.00 USD\n')
    _, errors = load(right)
    assert codes(errors) == []
    _, errors = load(right.replace("3000.00 USD", "2900.00 USD"))
    assert codes(errors) == ["FCT170"]
    assert (
        "amount: 2900.00 USD differs from what 'Lakeshore' is owed by the agreements: "
        "3,000.00 USD (1,900.00 for the invoices bought: the old factor's advances and its "
        "fees to the day, plus 1,100.00 it was owed apart from them), difference -100.00 USD"
    ) in errors[0].message
    _, errors = load(right.replace("3000.00 USD", '"3000"'))
    assert codes(errors) == ["FCT170"]
    assert "like amount: 3000.00 USD" in errors[0].message


def test_the_payoff_counts_the_old_factors_fee_to_the_day():
    # ledger.md 6.12's thin reserve: Lakeshore advanced 9,700.00 and its fee to the day is
    # 350.00: 10,000.00 - 300.00 + 350.00 = 10,050.00.
    text = until(CHAIN, "2025-07-20").replace(
        '  from: "Lakeshore"\n', '  from: "Lakeshore"\n  amount: 10050.00 USD\n'
    )
    _, errors = load(text)
    assert codes(errors) == []
    _, errors = load(text.replace("10050.00", "9700.00"))
    assert codes(errors) == ["FCT170"]
    assert "difference -350.00 USD" in errors[0].message


# The old factor's own events of the buyout day: before the buyout, as the payoff
# letter counts them (the day's order puts a chargeback and a collected after it).
SAME_DAY = {
    "chargeback by payee": (
        '2025-06-20 * "CHR" "Chargeback INV-2"',
        '2025-07-01 * "LAKESHORE" "Chargeback INV-2"',
    ),
    "chargeback by factor:": (
        '2025-06-20 * "CHR" "Chargeback INV-2" ^INV-2\n  factoring: "chargeback"\n',
        '2025-07-01 * "CHR" "Chargeback INV-2" ^INV-2\n  factoring: "chargeback"\n'
        '  factor: "Lakeshore"\n',
    ),
    "short pay by payee": (
        '2025-06-21 * "CHR" "Short paid INV-3"',
        '2025-07-01 * "LAKESHORE" "Short paid INV-3"',
    ),
}


@pytest.mark.parametrize("model", ["sale", "loan"])
@pytest.mark.parametrize("case", sorted(SAME_DAY))
def test_the_old_factors_chargeback_or_short_pay_of_the_buyout_day_is_taken_over(case, model):
    # As on 06-20 and 06-21 (the first test): 950.00 (INV-2's 1,000.00 less its 50.00
    # reserve) and 150.00 (INV-3's 200.00 short less its 50.00) owed to Lakeshore move to
    # Pinecrest, which nets them on 07-10; INV-2 and INV-3 are not bought (Pinecrest's 3%
    # is on INV-1 alone: 60.00, 40.00 held). Before, the chargeback came after the buyout:
    # FCT137 (Pinecrest has no recourse) or FCT133 (factor: names Lakeshore), and the
    # short pay was Pinecrest's, its 3% of INV-3 charged (FCT120 at 07-10).
    entries, errors = load(with_model(LEDGER.replace(*SAME_DAY[case]), model))
    assert codes(errors) == []
    moved = [leg for leg in legs(txn(entries, "Buyout")) if "Clearing" in leg[0]]
    assert moved == [
        (L_CLEARING, D("150.00"), "INV-3", "short-pay"),
        (L_CLEARING, D("950.00"), "INV-2", "chargeback"),
        (P_CLEARING, D("-950.00"), "INV-2", "chargeback"),
        (P_CLEARING, D("-150.00"), "INV-3", "short-pay"),
    ]
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0
    assert balance(entries, L_RESERVE) == 0
    assert balance(entries, P_RESERVE) == D("190.00")  # 40.00 + INV-4's 150.00


def test_the_old_factors_part_payment_and_chargeback_of_the_buyout_day_keep_their_order():
    # Lakeshore, on 07-01, the chargeback written first: CHR paid it 400.00 of INV-2, the
    # rest charged back: 1,000.00 - 400.00 - 50.00 reserve = 550.00 owed, taken over with
    # INV-3's 150.00. Pinecrest's 07-10 funding: 4,700.00 - 550.00 - 150.00 = 4,000.00.
    text = LEDGER.replace(
        '2025-06-20 * "CHR" "Chargeback INV-2" ^INV-2\n',
        '2025-07-01 * "LAKESHORE" "Chargeback INV-2" ^INV-2\n',
    ).replace(
        '2025-06-21 * "CHR" "Short paid INV-3"',
        '2025-07-01 * "LAKESHORE" "CHR paid part of INV-2" ^INV-2\n'
        '  factoring: "collected"\n  paid: 400.00 USD\n  partial: TRUE\n\n'
        '2025-06-21 * "CHR" "Short paid INV-3"',
    )
    entries, errors = load(text.replace("3600.00 USD", "4000.00 USD"))
    assert codes(errors) == []
    assert (P_CLEARING, D("-550.00"), "INV-2", "chargeback") in legs(txn(entries, "Buyout"))
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0


FEE_OF_THE_DAY = (
    '2025-07-01 * "Lakeshore" "Lien search" ^fee-lake-july\n  factoring: "fee"\n'
    '  factor: "Lakeshore"\n  charge: "other"\n  amount: 75.00 USD\n\n'
)


def test_the_old_factors_fee_of_the_buyout_day_is_taken_over_and_in_the_payoff():
    # Lakeshore's 75.00 fee of 07-01 (after the buyout before: left owed to Lakeshore, out
    # of the payoff): Pinecrest nets it, 3,600.00 - 75.00 = 3,525.00; the payoff is
    # 1,900.00 + 950.00 + 150.00 + 75.00 = 3,075.00.
    text = LEDGER.replace(
        '2025-07-01 * "Pinecrest Capital"', FEE_OF_THE_DAY + '2025-07-01 * "Pinecrest Capital"'
    )
    text = text.replace("3600.00 USD", "3525.00 USD").replace(
        "^INV-4\n", "^INV-4 ^fee-lake-july\n"
    )
    text = text.replace('  from: "Lakeshore"\n', '  from: "Lakeshore"\n  amount: 3075.00 USD\n')
    entries, errors = load(text)
    assert codes(errors) == []
    assert (P_CLEARING, D("-75.00"), None, "other-fee") in legs(txn(entries, "Buyout"))
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0
    _, errors = load(text.replace("3075.00 USD", "3000.00 USD"))
    assert codes(errors) == ["FCT170"]
    assert "difference -75.00 USD" in errors[0].message


def test_the_old_factors_chargeback_its_last_settlement_nets_the_same_day():
    # Lakeshore charges INV-2 back on 07-01 and its deposit of that day nets the 950.00:
    # the buyout takes INV-3's 150.00 alone (Pinecrest: 3,600.00 + 950.00 = 4,550.00).
    text = LEDGER.replace(*SAME_DAY["chargeback by payee"]).replace(
        '2025-07-01 * "Pinecrest Capital"',
        '2025-07-01 * "LAKESHORE" "Last settlement" ^INV-2\n'
        "  Assets:Bank:Checking   -950.00 USD\n  Assets:Factoring:Lakeshore:Clearing\n\n"
        '2025-07-01 * "Pinecrest Capital"',
    )
    text = text.replace("3600.00 USD", "4550.00 USD").replace(
        "^INV-2 ^INV-3 ^INV-4", "^INV-3 ^INV-4"
    )
    entries, errors = load(text)
    assert codes(errors) == []
    assert [leg for leg in legs(txn(entries, "Buyout")) if "Clearing" in leg[0]] == [
        (L_CLEARING, D("150.00"), "INV-3", "short-pay"),
        (P_CLEARING, D("-150.00"), "INV-3", "short-pay"),
    ]
    assert balance(entries, L_CLEARING) == balance(entries, P_CLEARING) == 0


def test_the_old_factors_monthly_minimum_of_the_buyout_day_is_told():
    # Lakeshore's June minimum, dated 06-30 (a Monday, the month's last day) as Pinecrest's
    # buyout: worked out after the day's deposits and the buyout, it cannot be taken over.
    text = LEDGER.replace(
        '  payee: "LAKESHORE"\n',
        '  payee: "LAKESHORE"\n'
        "  monthly-minimum-volume: 10000.00 USD\n"
        '  volume-shortfall-fee: "1%"\n',
        1,
    ).replace('2025-07-01 * "Pinecrest Capital"', '2025-06-30 * "Pinecrest Capital"')
    text = until(text, "2025-07-05") + (
        '\n2025-06-30 * "Lakeshore" "Minimum volume, June"\n  factoring: "fee"\n'
        '  factor: "Lakeshore"\n  charge: "minimum-volume"\n  period: "2025-06"\n'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "dated 2025-06-30, the day 'Pinecrest' bought 'Lakeshore' out (<string>:" in message
    assert "date the buyout the next day (2025-07-01)" in message
    # The buyout dated the next day takes it over: June funded 0.00 of Lakeshore's
    # 10,000.00 minimum, 1% of 10,000.00 = 100.00 owed to Pinecrest.
    entries, errors = load(
        text.replace('2025-06-30 * "Pinecrest Capital"', '2025-07-01 * "Pinecrest Capital"')
    )
    assert codes(errors) == []
    taken = [leg for leg in legs(txn(entries, "Buyout")) if leg[2] is None]
    assert taken == [
        (L_CLEARING, D("100.00"), None, "minimum-volume-fee"),
        (P_CLEARING, D("-100.00"), None, "minimum-volume-fee"),
    ]


def test_a_buyout_of_some_invoices_leaves_the_month_end_minimum_alone():
    # Pinecrest buys INV-1 alone on 06-30: a buyout that links its invoices takes none
    # of Lakeshore's fees (Lakeshore keeps its other invoices and nets its own fees), so
    # Lakeshore's June minimum of that day is owed to Lakeshore as it should be: no
    # FCT134 asking to date the buyout the next day, which would change nothing.
    text = LEDGER.replace(
        '  payee: "LAKESHORE"\n',
        '  payee: "LAKESHORE"\n'
        "  monthly-minimum-volume: 10000.00 USD\n"
        '  volume-shortfall-fee: "1%"\n',
        1,
    ).replace(
        '2025-07-01 * "Pinecrest Capital" "Buyout"',
        '2025-06-30 * "Pinecrest Capital" "Buyout" ^INV-1',
    )
    text = until(text, "2025-07-05") + (
        '\n2025-06-30 * "Lakeshore" "Minimum volume, June"\n  factoring: "fee"\n'
        '  factor: "Lakeshore"\n  charge: "minimum-volume"\n  period: "2025-06"\n'
    )
    entries, errors = load(text)
    assert codes(errors) == []
    # June funded 0.00 of the 10,000.00 minimum: 1% = 100.00, owed on Lakeshore's
    # clearing account beside what INV-2 (950.00) and INV-3 (150.00) owe it.
    assert balance(entries, L_CLEARING) == D("-1200.00")
    # The buyout moves INV-1 alone, nothing of Lakeshore's fees.
    assert {leg[2] for leg in legs(txn(entries, "Buyout"))} == {"INV-1"}


@pytest.mark.parametrize(
    "key",
    [
        "paid: 3000.00 USD",
        "partial: TRUE",
        "recourse-amount: 950.00 USD",
        'reason: "sold"',
        'schedule: "10452"',
        'transfer: "wire"',
    ],
)
def test_a_key_no_buyout_reads_is_told(key):
    text = until(LEDGER, "2025-07-05").replace(
        '  from: "Lakeshore"\n', f'  from: "Lakeshore"\n  {key}\n'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134"]
    name = key.split(":")[0]
    assert f"The key {name}: is not read on a buyout" in errors[0].message


def test_a_buyout_linking_an_invoice_its_old_factor_closed_that_day_says_what_to_do():
    # Lakeshore's collection of INV-1 on 07-01 comes before the buyout of that day (its
    # own events of the buyout day come first): INV-1 is no longer Lakeshore's to sell.
    # The buyout that links it is FCT133, and it said only "it is collected on
    # 2025-07-01"; it says to take the link off now, and so written the buyout checks
    # with no error (it takes the chargeback and short pay Lakeshore is still owed).
    head = until(LEDGER, "2025-07-01") + (
        '\n2025-07-01 * "TQL" "Lakeshore collected INV-1" ^INV-1\n'
        '  factoring: "collected"\n  factor: "Lakeshore"\n'
    )
    buyout = (
        '\n2025-07-01 * "Pinecrest Capital" "Buyout"{links}\n  factoring: "buyout"\n'
        '  factor: "Pinecrest"\n  from: "Lakeshore"\n'
    )
    _, errors = load(head + buyout.format(links=" ^INV-1"))
    assert codes(errors) == ["FCT133"]
    assert "it is collected on 2025-07-01" in errors[0].message
    assert "take its link off the buyout" in errors[0].message
    entries, errors = load(head + buyout.format(links=""))
    assert codes(errors) == []
    # The 950.00 chargeback of INV-2 and 150.00 short of INV-3 move to Pinecrest.
    assert balance(entries, P_CLEARING) == D("-1100.00")
