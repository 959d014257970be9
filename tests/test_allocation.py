"""Deposits that name nothing: allocation by amount, and the time-based checks."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from beancount_factoring.settlement.allocate import Candidate, allocate

from ledgers import balance, codes, legs, load, txn

D = Decimal

SUMMIT = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  transfer-fee: 15.00 USD
  recourse-days: 90
  release-days: 10
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""


def invoice(number: str, face: str, day: str = "2025-03-03", customer: str = "TQL") -> str:
    return f"""
{day} * "{customer}" "Load {number}"
  invoice: "{number}"
  Assets:Receivable:{customer}   {face} USD
  Income:Freight
"""


def schedule(sid: str, day: str, *numbers: str) -> str:
    links = " ".join(f"^{n}" for n in numbers)
    return f"""
{day} * "Summit" "Schedule {sid}" {links}
  factoring: "schedule"
  schedule: "{sid}"
"""


def deposit(day: str, amount: str, narration: str = "ACH", hints: str = "") -> str:
    return f"""
{day} * "SUMMIT FUNDING" "{narration}"{hints}
  Assets:Bank:Checking   {amount} USD
  Assets:Factoring:Summit:Clearing
"""


def rebate(day: str, amount: str, narration: str, hints: str = "") -> str:
    return f"""
{day} * "SUMMIT FUNDING" "{narration}"{hints}
  Assets:Bank:Checking   {amount} USD
  Assets:Factoring:Summit:Reserve
"""


def collected(day: str, number: str) -> str:
    return f"""
{day} * "TQL" "Paid {number}" ^{number}
  factoring: "collected"
"""


BOOKS = SUMMIT + invoice("A-1", "1000.00") + invoice("A-2", "2000.00") + invoice("A-3", "500.00")


def test_a_single_item_gives_the_same_split_as_the_hint():
    # Schedule 1: 2000 face, 1900 advance - 40 fee - 15 transfer fee = 1845.
    text = BOOKS + schedule("1", "2025-03-04", "A-2")
    unnamed, errors = load(text + deposit("2025-03-05", "1845.00"))
    assert errors == []
    named, _ = load(text + deposit("2025-03-05", "1845.00", hints='\n  schedule: "1"'))
    assert legs(txn(unnamed, "ACH")) == legs(txn(named, "ACH"))
    assert txn(unnamed, "ACH").links == {"A-2", "sched-1"}
    assert balance(unnamed, "Assets:Factoring:Summit:Clearing") == 0


COMBINED = (
    BOOKS
    + schedule("1", "2025-03-04", "A-1")
    + deposit("2025-03-05", "915.00", "ACH 1", '\n  schedule: "1"')
    + collected("2025-03-20", "A-1")
    + schedule("2", "2025-03-24", "A-2")
)


def test_a_run_of_items_a_schedule_and_a_release():
    # Schedule 2 (1900 - 40 - 15 = 1845) and the reserve of A-1 (50) in one credit.
    entries, errors = load(COMBINED + deposit("2025-03-25", "1895.00"))
    assert errors == []
    entry = txn(entries, "ACH")
    assert entry.links == {"A-1", "A-2", "sched-2"}
    assert ("Assets:Factoring:Summit:Reserve", D("-50.00"), "A-1", "reserve-release") in legs(
        entry
    )
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == D("100.00")


def test_advances_plus_releases_minus_chargebacks_minus_transfer_fee():
    text = (
        COMBINED
        + schedule("3", "2025-03-24", "A-3")
        + deposit("2025-03-25", "2310.00", "ACH 2+3", '\n  schedule: "2, 3"')
        + collected("2025-04-01", "A-2")
        + """
2025-06-23 * "Summit" "Recourse A-3" ^A-3
  factoring: "chargeback"
"""
        + invoice("A-4", "3000.00", "2025-06-24", "CHR")
        + schedule("4", "2025-06-24", "A-4")
    )
    # 2850 - 60 - 15 (schedule 4) + 50 + 100 (reserves of)
    # - 475 (A-3's advance, its 25 reserve kept) = 2450.
    entries, errors = load(text + deposit("2025-06-25", "2450.00"))
    assert errors == []
    entry = txn(entries, "ACH")
    assert entry.links == {"A-1", "A-2", "A-3", "A-4", "sched-4"}
    made = legs(entry)
    assert ("Assets:Factoring:Summit:Clearing", D("475.00"), "A-3", "chargeback") in made
    assert ("Expenses:Factoring:Summit:Fees", D("15.00"), None, "transfer-fee") in made
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_a_combination_that_is_not_a_run():
    # Open by date: the reserve of A-1 (50), schedule 2 (1860), schedule 3 (465);
    # the deposit is the first and the last, less the transfer fee.
    text = COMBINED + schedule("3", "2025-03-26", "A-3")
    entries, errors = load(text + deposit("2025-03-27", "500.00"))
    assert errors == []
    assert txn(entries, "ACH").links == {"A-1", "A-3", "sched-3"}
    # The same deposit with the subset search switched off fits nothing.
    _, errors = load(text + deposit("2025-03-27", "500.00"), config="{'max-subset': 1}")
    assert codes(errors) == ["FCT101"]


def test_fct101_gives_each_closest_item_its_worth_and_its_distance():
    # Open: the reserve of A-1 (1000 x 5% = 50.00) and schedule 2 (A-2: 1900 - 40 = 1860,
    # 1845.00 after the 15.00 transfer fee). A deposit of 1,000.00 fits neither: schedule 2
    # is 845.00 more, both together 1,895.00 (895.00 more), the reserve 950.00 less. Each
    # is named with what it is worth and how far that is from the deposit, not only with
    # the distance (which read as the item's amount).
    _, errors = load(COMBINED + deposit("2025-03-25", "1000.00"))
    assert codes(errors) == ["FCT101"]
    assert (
        "the closest are: schedule 2, worth 1,845.00 USD after the 15.00 transfer fee "
        "(845.00 more than this deposit); reserve of A-1 collected 2025-03-20 + schedule 2, "
        "worth 1,895.00 USD after the 15.00 transfer fee (895.00 more than this deposit); "
        "reserve of A-1 collected 2025-03-20, worth 50.00 USD (950.00 less than this deposit)."
    ) in errors[0].message


def test_fct101_on_a_reserve_the_late_fee_exceeds_says_what_it_is_worth():
    # advance-rate: 1 holds no reserve; A (1000.00) pays 2% (20.00) at funding and, paid
    # 45 days after its schedule, two more periods of 0.5% (10.00) at release: the
    # reserve's item is worth 0 - 10.00 = -10.00. A second deposit of 980.00 fits nothing
    # and is 990.00 more than that item: the message said "(-990.00)" beside the reserve,
    # which read as the reserve's amount.
    text = (
        SUMMIT.replace('fee: "flat 2%"', 'fee: "tiered 2%/30d + 0.5%/10d"')
        .replace("advance-rate: 0.95", "advance-rate: 1")
        .replace("  transfer-fee: 15.00 USD\n", "")
        + invoice("A", "1000.00")
        + schedule("1", "2025-03-04", "A")
        + deposit("2025-03-05", "980.00", "ACH 1")
        + collected("2025-04-18", "A")
        + deposit("2025-04-20", "980.00", "ACH 2")
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT101"]
    assert (
        "the closest are: reserve of A collected 2025-04-18, worth -10.00 USD "
        "(990.00 less than this deposit)."
    ) in errors[0].message
    assert "-990.00" not in errors[0].message


def test_two_equal_candidates_are_an_error_never_a_guess():
    text = (
        BOOKS
        + invoice("A-5", "2000.00")
        + schedule("1", "2025-03-04", "A-2")
        + schedule("2", "2025-03-04", "A-5")
    )
    entries, errors = load(text + deposit("2025-03-05", "1845.00"))
    assert codes(errors) == ["FCT102"]
    assert "schedule 1; or schedule 2" in errors[0].message
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("2155.00")


def test_a_run_with_an_equal_item_outside_it_is_an_error_never_a_guess():
    # A-1 and A-2 (1000.00 each, schedule 1: 2 x 930 - 15 = 1845) are charged back, each
    # owing 1000 - 50 = 950.00; schedule 4 (A-4: 2850 - 60 = 2790) is then bought. A
    # deposit of 2790 - 15 - 950 = 1825.00 funds schedule 4 and nets one chargeback: A-2's
    # (a run with the schedule, the day before) or A-1's (a set not next to each other).
    # It was booked against A-2 without a word; which chargeback it nets cannot be told.
    text = (
        BOOKS.replace("A-3", "A-5")
        .replace("500.00", "1000.00")
        .replace("A-2", "A-4")
        .replace("2000.00", "3000.00")
        + invoice("A-2", "1000.00")
        + schedule("1", "2025-03-04", "A-1", "A-2")
        + deposit("2025-03-05", "1845.00", "ACH 1", '\n  schedule: "1"')
        + """
2025-06-10 * "Summit" "Recourse A-1" ^A-1
  factoring: "chargeback"

2025-06-11 * "Summit" "Recourse A-2" ^A-2
  factoring: "chargeback"
"""
        + schedule("4", "2025-06-12", "A-4")
    )
    entries, errors = load(text + deposit("2025-06-13", "1825.00"))
    assert codes(errors) == ["FCT102"]
    assert "chargeback of A-2 + schedule 4; or chargeback of A-1 + schedule 4" in (
        errors[0].message
    )
    # Nothing is booked: schedule 4's 3,000.00 face, less the two chargebacks owed
    # (2 x 950.00) and the 1,825.00 waiting.
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("-725.00")
    # Named, it is booked.
    entries, errors = load(text + deposit("2025-06-13", "1825.00", hints=" ^A-1 ^sched-4"))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == D("-950.00")


LIEN_AND_UCC = """
2025-03-03 * "Summit" "Lien search A-1" ^A-1
  factoring: "fee"
  charge: "other"
  amount: 25.00 USD

2025-03-04 * "Summit" "UCC filing"
  factoring: "fee"
  charge: "other"
  amount: 25.00 USD
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_fee_deducted_from_a_schedules_funding_is_part_of_its_item(model):
    # A lien search of 25.00 linking A-1 is deducted from A-1's funding; a UCC filing of
    # 25.00 is a fee apart. Schedule 1 (A-1: 950 - 20 = 930) funded by a deposit that
    # names nothing: 930 - 25 (the lien search) - 15 (transfer fee) = 890.00. It was
    # matched to the UCC filing (next to the schedule by date) and schedule 1, then the
    # lien search was deducted too: FCT120, "expected 865.00", +25.00 left open, and the
    # UCC filing taken as netted. The lien search is the schedule's; the UCC filing stays
    # owed, and the payment of 25.00 that follows nets it.
    text = BOOKS + schedule("1", "2025-03-04", "A-1") + LIEN_AND_UCC
    text = text.replace("  advance-rate:", f'  model: "{model}"\n  advance-rate:')
    entries, errors = load(
        text + deposit("2025-03-05", "890.00") + deposit("2025-03-06", "-25.00", "Fee")
    )
    assert errors == []
    assert txn(entries, "Fee").links == {"fee-2025-03-04-other"}
    assert "fee-2025-03-04-other" not in txn(entries, "ACH").links
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_a_deposit_with_nothing_open_waits_its_grace_days():
    text = BOOKS + deposit("2025-03-05", "1845.00")
    _, errors = load(text + '\n2025-03-10 note Assets:Bank:Checking "statement"\n')
    assert errors == []
    _, errors = load(text + '\n2025-03-11 note Assets:Bank:Checking "statement"\n')
    assert codes(errors) == ["FCT103"]
    assert "still unallocated 6 days after it arrived (grace-days: 5" in errors[0].message
    _, errors = load(text, config="{'as-of': '2025-04-01'}")
    assert codes(errors) == ["FCT103"]
    # Once the schedule it pays for is booked, it is allocated.
    _, errors = load(text + schedule("1", "2025-03-04", "A-2"), config="{'as-of': '2025-04-01'}")
    assert errors == []


def test_a_release_deposit_looks_only_at_releases():
    text = (
        COMBINED
        + """
2025-03-27 * "SUMMIT FUNDING" "Rebate"
  Assets:Bank:Checking     50.00 USD
  Assets:Factoring:Summit:Reserve
"""
    )
    entries, errors = load(text)
    assert errors == []
    assert legs(txn(entries, "Rebate")) == [
        ("Assets:Bank:Checking", D("50.00"), None, None),
        ("Assets:Factoring:Summit:Reserve", D("-50.00"), "A-1", "reserve-release"),
    ]


def test_fct160__recourse_clock():
    text = BOOKS + deposit("2025-03-04", "915.00", "ACH 1", " ^A-1")
    _, errors = load(text, config="{'as-of': '2025-06-02'}")
    assert errors == []
    _, errors = load(text, config="{'as-of': '2025-06-03'}")
    assert codes(errors) == ["FCT160"]
    assert "Invoice A-1 was funded by 'Summit' on 2025-03-04, 91 days before 2025-06-03" in (
        errors[0].message
    )
    assert errors[0].source["lineno"] == txn(load(text)[0], "Load A-1").meta["lineno"]
    _, errors = load(text + collected("2025-05-01", "A-1"), config="{'as-of': '2025-06-03'}")
    assert codes(errors) == ["FCT161"]


def test_fct161__reserve_not_back_within_release_days():
    text = (
        BOOKS + deposit("2025-03-04", "915.00", "ACH 1", " ^A-1") + collected("2025-03-20", "A-1")
    )
    _, errors = load(text, config="{'as-of': '2025-03-30'}")
    assert errors == []
    _, errors = load(text, config="{'as-of': '2025-03-31'}")
    assert codes(errors) == ["FCT161"]
    assert "The reserve of invoice A-1 (50.00 USD) has not come back" in errors[0].message
    released = text + deposit("2025-03-25", "50.00", "Rebate", " ^A-1")
    _, errors = load(released, config="{'as-of': '2025-04-30'}")
    assert errors == []


FACTOR_FIGURES = (
    BOOKS
    + """
2025-03-04 * "Summit" "Schedule 9 (purchase report)" ^A-1 ^A-2
  factoring: "schedule"
  schedule: "9"
  Assets:Factoring:Summit:Clearing   3000.00 USD
  Assets:Receivable:TQL             -1000.00 USD
    invoice: "A-1"
    advance: 950.00 USD
    fee: 20.00 USD
    reserve: 50.00 USD
  Assets:Receivable:TQL             -2000.00 USD
    invoice: "A-2"
    advance: 1900.00 USD
    fee: 45.00 USD
    reserve: 100.00 USD
"""
)


def test_fct170__the_factors_own_split_is_audited_and_used():
    # The factor charged 45 on A-2 where the agreement says 40: the books follow
    # the factor (so the deposit agrees with the bank), and FCT170 says so.
    entries, errors = load(
        FACTOR_FIGURES + deposit("2025-03-05", "2770.00", hints='\n  schedule: "9"'),
        "{'detail': 'invoice'}",
    )
    assert codes(errors) == ["FCT170"]
    assert "A-2: fee 45.00 (agreement 40.00)" in errors[0].message
    assert ("Expenses:Factoring:Summit:Fees", D("45.00"), "A-2", "discount-fee") in legs(
        txn(entries, "ACH")
    )
    agreed = FACTOR_FIGURES.replace("fee: 45.00 USD", "fee: 40.00 USD")
    _, errors = load(agreed + deposit("2025-03-05", "2775.00", hints='\n  schedule: "9"'))
    assert errors == []


def test_the_factors_fee_includes_its_invoice_fee():
    # With invoice-fee 5.00, the report's fee 25.00 on A-1 is 20.00 of discount fee
    # and 5.00 of invoice fee; 45.00 on A-2 is 40.00 and 5.00. Both as agreed: no
    # FCT170, and the invoice fees are booked as such. Cash: 2850 - 60 - 10 - 15.
    ledger = FACTOR_FIGURES.replace(
        "  transfer-fee: 15.00 USD", "  transfer-fee: 15.00 USD\n  invoice-fee: 5.00 USD"
    ).replace("fee: 20.00 USD", "fee: 25.00 USD")
    entries, errors = load(
        ledger + deposit("2025-03-05", "2765.00", hints='\n  schedule: "9"'),
        "{'detail': 'invoice'}",
    )
    assert errors == []
    split = legs(txn(entries, "ACH"))
    assert ("Expenses:Factoring:Summit:Fees", D("20.00"), "A-1", "discount-fee") in split
    assert ("Expenses:Factoring:Summit:Fees", D("5.00"), "A-1", "invoice-fee") in split
    assert ("Expenses:Factoring:Summit:Fees", D("40.00"), "A-2", "discount-fee") in split
    assert ("Expenses:Factoring:Summit:Fees", D("5.00"), "A-2", "invoice-fee") in split


def test_the_subset_search_stays_bounded_with_thousands_of_open_items():
    day = datetime.date(2025, 1, 1)
    items = [
        Candidate(
            f"k{i}", f"item {i}", day + datetime.timedelta(days=i % 300), D(1000 + i), "release"
        )
        for i in range(5000)
    ]
    result = allocate(items, D("1"), D(0), D(0))
    assert result.chosen == () and len(result.closest) == 3


def test_fct170__figures_that_cannot_be_used_fall_back_to_the_agreement():
    broken = FACTOR_FIGURES.replace("reserve: 50.00 USD", "reserve: 40.00 USD").replace(
        "advance: 1900.00 USD", "advance: 1900.00 CAD"
    )
    entries, errors = load(broken + deposit("2025-03-05", "2775.00", hints='\n  schedule: "9"'))
    assert codes(errors) == ["FCT170"]
    message = errors[0].message
    assert "A-1: advance 950.00 + reserve 40.00 is not the face 1,000.00" in message
    assert "A-2: advance is in CAD, the invoice in USD" in message
    assert balance(entries, "Assets:Factoring:Summit:Clearing") == 0


def test_fct170__a_fee_alone_is_the_factors_fee_on_the_agreements_advance():
    fee_only = FACTOR_FIGURES.replace("    advance: 1900.00 USD\n", "").replace(
        "    reserve: 100.00 USD\n", ""
    )
    _entries, errors = load(fee_only + deposit("2025-03-05", "2770.00", hints='\n  schedule: "9"'))
    assert codes(errors) == ["FCT170"]
    assert "A-2: fee 45.00 (agreement 40.00)" in errors[0].message


def test_a_deposit_that_names_nothing_looks_back_a_year():
    # A schedule left unfunded for more than a year is no longer an item a deposit that
    # names nothing is matched to: the search stays within a year of open items.
    text = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 0
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-02-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL   1000.00 USD
  Income:Freight

2025-02-01 * "Summit" "Schedule 7" ^INV-1
  factoring: "schedule"
  schedule: "7"

{day} * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking   930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    config = "{'as-of': '2026-03-01'}"
    entries, errors = load(text.replace("{day}", "2026-01-31"), config)
    assert errors == []
    assert "sched-7" in txn(entries, "ACH").links
    entries, errors = load(text.replace("{day}", "2026-02-02"), config)
    assert [e.message.split(" ", 1)[0] for e in errors] == ["FCT103"]
    assert "sched-7" not in txn(entries, "ACH").links


def test_a_deposit_that_names_nothing_comes_after_the_named_ones_of_its_day():
    # INV-1 and INV-2, 2000.00 each, funded (2000.00 x 0.95 - 2% of 2000.00 = 1860.00;
    # the transfer fee makes it 1845.00) and collected on the same day: each reserve,
    # 2000.00 x 0.05 = 100.00, is due on 04-11. On 04-11 the file has a rebate of 100.00
    # naming nothing, then one of 100.00 naming INV-2. Applied in file order, the first
    # would see both reserves (one item of 200.00: collected the same day) and match
    # nothing; the named one goes first, and the other is INV-1's by its amount.
    text = SUMMIT + invoice("INV-1", "2000.00") + invoice("INV-2", "2000.00", customer="CHR")
    for number in ("INV-1", "INV-2"):
        text += deposit("2025-03-04", "1845.00", f"ACH {number}", f" ^{number}")
        text += collected("2025-04-01", number)
    text += rebate("2025-04-11", "100.00", "Reserve rebate")
    text += rebate("2025-04-11", "100.00", "Reserve rebate INV-2", " ^INV-2")
    entries, errors = load(text)
    assert errors == []
    unnamed = txn(entries, "Reserve rebate")
    assert unnamed.links == {"INV-1"}
    assert legs(unnamed) == [
        ("Assets:Bank:Checking", D("100.00"), None, None),
        ("Assets:Factoring:Summit:Reserve", D("-100.00"), "INV-1", "reserve-release"),
    ]
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == 0


def test_a_named_rebate_of_the_day_can_leave_two_equal_items_an_error_not_a_guess():
    # Three invoices of 1000.00, each reserve 1000.00 x 0.05 = 50.00; INV-1 and INV-2
    # collected on 03-20 (one item: 100.00), INV-3 on 03-21 (50.00). On 04-01 a rebate of
    # 50.00 naming nothing, then one of 50.00 naming INV-2. The named one goes first and
    # leaves INV-1 (50.00) and INV-3 (50.00) open: two equal items, so the rebate that
    # names nothing is FCT102 and waits, rather than a guess that only held while INV-2
    # seemed open.
    text = SUMMIT
    for number, day in (("INV-1", "2025-03-20"), ("INV-2", "2025-03-20"), ("INV-3", "2025-03-21")):
        # 1000.00 x 0.93 - the 15.00 transfer fee = 915.00.
        text += invoice(number, "1000.00")
        text += deposit("2025-03-04", "915.00", f"ACH {number}", f" ^{number}")
        text += collected(day, number)
    text += rebate("2025-04-01", "50.00", "Rebate naming nothing")
    text += rebate("2025-04-01", "50.00", "Rebate INV-2", " ^INV-2")
    entries, errors = load(text)
    # And the two reserves still held are past their release-days (10): FCT161 each.
    assert codes(errors) == ["FCT102", "FCT161", "FCT161"]
    assert errors[0].source["lineno"] == txn(entries, "Rebate naming nothing").meta["lineno"]
    assert txn(entries, "Rebate INV-2").links == {"INV-2"}


def test_fct170__differences_within_the_tolerance_one_by_one_add_up():
    # Tolerance 0.05: the factor's fee 20.04 on A-1 (agreement 20.00) and 40.04 on A-2
    # (40.00) is each within it, but together 0.08 more than agreed: FCT170 on the
    # schedule. (The deposit: 2850.00 - 60.08 - 15.00 = 2774.92.)
    ledger = FACTOR_FIGURES.replace("fee: 20.00 USD", "fee: 20.04 USD").replace(
        "fee: 45.00 USD", "fee: 40.04 USD"
    )
    _, errors = load(
        ledger + deposit("2025-03-05", "2774.92", hints='\n  schedule: "9"'),
        "{'tolerance': '0.05'}",
    )
    assert codes(errors) == ["FCT170"]
    assert "the schedule's invoices, each within the tolerance: fee +0.08 in all" in (
        errors[0].message
    )
    # 0.02 in all (0.01 each) is within it: no error.
    within = FACTOR_FIGURES.replace("fee: 20.00 USD", "fee: 20.01 USD").replace(
        "fee: 45.00 USD", "fee: 40.01 USD"
    )
    _, errors = load(
        within + deposit("2025-03-05", "2774.98", hints='\n  schedule: "9"'),
        "{'tolerance': '0.05'}",
    )
    assert errors == []


def test_the_factors_advance_rounded_down_is_timing_not_a_cost():
    # The factor rounds each advance down a cent (949.99, 1899.99) and holds the cent in
    # the reserve (50.01, 100.01): each within the tolerance, 0.02 in all, and no cost
    # (the release pays the cent back): no FCT170 for the sum. 2849.98 - 60.00 - 15.00.
    ledger = (
        FACTOR_FIGURES.replace("advance: 950.00 USD", "advance: 949.99 USD")
        .replace("advance: 1900.00 USD", "advance: 1899.99 USD")
        .replace("reserve: 50.00 USD", "reserve: 50.01 USD")
        .replace("reserve: 100.00 USD", "reserve: 100.01 USD")
        .replace("fee: 45.00 USD", "fee: 40.00 USD")
    )
    _, errors = load(
        ledger + deposit("2025-03-05", "2774.98", hints='\n  schedule: "9"'),
        "{'tolerance': '0.01'}",
    )
    assert errors == []


WEEKLY_REBATE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  release-days: 10
  transfer-fee: 20.00 USD
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "Echo" "Load A"
  invoice: "INV-A"
  Assets:Receivable:Echo       5000.60 USD
  Income:Freight

2025-03-03 * "TQL" "Load B"
  invoice: "INV-B"
  Assets:Receivable:TQL        3000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load C"
  invoice: "INV-C"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-A ^INV-B ^INV-C
  Assets:Bank:Checking         9280.57 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "Echo" "Echo paid Summit" ^INV-A
  factoring: "collected"

2025-04-08 * "TQL" "TQL paid Summit" ^INV-B
  factoring: "collected"

2025-04-09 * "TQL" "TQL paid Summit" ^INV-C
  factoring: "collected"

2025-04-11 * "SUMMIT FUNDING" "ACH credit"
  Assets:Bank:Checking          250.00 USD
  Assets:Factoring:Summit:Reserve
"""


def test_fct102__a_release_within_the_tolerance_against_an_exact_run():
    # Reserves due: INV-A 5,000.60 x 5% = 250.03, INV-B 150.00, INV-C 100.00. A rebate
    # of 250.00 fits INV-A within the 0.05 tolerance, and INV-B + INV-C to the cent:
    # nothing is chosen (booked as INV-A, 0.03 would go to the fees as rounding).
    # (Funding: 10,000.60 x 95% = 9,500.57 - 200.01 fee - 20.00 transfer = 9,280.56,
    # the 0.01 within the tolerance.)
    _, errors = load(WEEKLY_REBATE, "{'as-of': '2025-04-11', 'tolerance': '0.05'}")
    assert codes(errors) == ["FCT102"]
    message = errors[0].message
    assert "reserve of INV-A collected 2025-04-01; or reserve of INV-B collected " in message
    assert "2025-04-08 + reserve of INV-C collected 2025-04-09" in message


def test_a_run_within_the_tolerance_with_an_item_that_fits_to_the_cent_outside_it():
    # Owed: A-1 950.00 (06-10), A-2 950.01 (06-11); schedule 4 brings 2,790.00 (06-12),
    # less the 15.00 transfer fee. A deposit of 1,825.00 is schedule 4 less A-1's 950.00
    # to the cent, or the run of A-2 and schedule 4 within the 0.01 tolerance
    # (1,824.99): it was booked as the run, the cent as rounding. Either chargeback may be
    # the one netted: nothing is chosen.
    day = datetime.date(2025, 6, 10)
    items = [
        Candidate("owed:A-1", "chargeback of A-1", day, D("-950.00"), "owed"),
        Candidate("owed:A-2", "chargeback of A-2", day.replace(day=11), D("-950.01"), "owed"),
        Candidate("schedule:4", "schedule 4", day.replace(day=12), D("2790.00"), "schedule"),
    ]
    result = allocate(items, D("1825.00"), D("15.00"), D("0.01"))
    assert result.chosen == ()
    assert [[c.key for c in group] for group in result.ambiguous] == [
        ["owed:A-2", "schedule:4"],
        ["owed:A-1", "schedule:4"],
    ]
    # With no tolerance, only A-1 fits: the set not next to each other is found.
    result = allocate(items, D("1825.00"), D("15.00"), D("0"))
    assert [c.key for c in result.chosen] == ["owed:A-1", "schedule:4"]


def test_an_exact_release_is_chosen_before_a_run_that_fits_too():
    # A rebate of 250.03 is INV-A's to the cent: the single item is taken (a run of
    # 150.00 + 100.00 does not fit it), as before.
    text = WEEKLY_REBATE.replace(
        "250.00 USD\n  Assets:Factoring:Summit:Reserve",
        "250.03 USD\n  Assets:Factoring:Summit:Reserve",
    )
    _, errors = load(text, "{'as-of': '2025-04-11', 'tolerance': '0.05'}")
    assert errors == []


def rounded_schedule(face: str, fees: list[tuple[str, str]]) -> str:
    """Schedule 11 of the factor's figures: each invoice's face and the fee it lists."""
    text = SUMMIT + "".join(invoice(number, face) for number, _ in fees)
    total = sum((Decimal(face) for _ in fees), Decimal(0))
    links = " ".join(f"^{number}" for number, _ in fees)
    text += f"""
2025-03-04 * "Summit" "Schedule 11 (purchase report)" {links}
  factoring: "schedule"
  schedule: "11"
  Assets:Factoring:Summit:Clearing   {total} USD
"""
    for number, fee in fees:
        text += f"""  Assets:Receivable:TQL             -{face} USD
    invoice: "{number}"
    fee: {fee} USD
"""
    return text


def test_fct170__a_cent_over_on_fees_that_need_no_rounding():
    # Four invoices of 1,000.00 at 2%: 20.00 each, to the cent, nothing to round. The
    # factor lists 20.01, 20.00, 20.01, 20.00: each within the 0.01 tolerance, +0.02 in
    # all, which no rounding of the total explains: FCT170.
    fees = [("B-1", "20.01"), ("B-2", "20.00"), ("B-3", "20.01"), ("B-4", "20.00")]
    # 4 x 950.00 = 3,800.00 - 80.02 - 15.00 = 3,704.98.
    text = rounded_schedule("1000.00", fees)
    _, errors = load(
        text + deposit("2025-03-05", "3704.98", hints='\n  schedule: "11"'),
        "{'tolerance': '0.01'}",
    )
    assert codes(errors) == ["FCT170"]
    assert "fee +0.02 in all" in errors[0].message


def test_a_factor_that_rounds_the_schedules_total_fee_is_not_fct170():
    # Four invoices of 1,000.25 at 2%: 20.005 each, 20.01 rounded per invoice (80.04 in
    # all); the factor rounds the total, 4,001.00 x 2% = 80.02, and lists 20.01, 20.00,
    # 20.01, 20.00. Each within the 0.01 tolerance, -0.02 in all: no more than rounding the
    # total can make (the 4 x 0.005 the per-invoice fees gained, + the tolerance).
    faces = [("B-1", "20.01"), ("B-2", "20.00"), ("B-3", "20.01"), ("B-4", "20.00")]
    text = rounded_schedule("1000.25", faces)
    # 4 x 950.24 (95%, half-up) = 3,800.96 - 80.02 - 15.00 = 3,705.94.
    _, errors = load(
        text + deposit("2025-03-05", "3705.94", hints='\n  schedule: "11"'),
        "{'tolerance': '0.01'}",
    )
    assert errors == []


def test_fct102__a_run_that_fits_more_closely_than_the_single_item():
    # INV-A's reserve is 5,000.80 x 5% = 250.04, INV-B + INV-C 150.00 + 100.01 = 250.01
    # (INV-C 2,000.20 x 5%): a rebate of 250.00 fits both within the 0.05 tolerance, the
    # run more closely; booking INV-A would book 0.04 as rounding: nothing is chosen.
    text = WEEKLY_REBATE.replace("5000.60 USD", "5000.80 USD").replace(
        "Assets:Receivable:TQL        2000.00 USD", "Assets:Receivable:TQL        2000.20 USD"
    )
    text = text.replace("9280.57 USD", "9281.10 USD")
    _, errors = load(text, "{'as-of': '2025-04-11', 'tolerance': '0.05'}")
    assert "FCT102" in codes(errors)


def test_fct170__a_cent_over_the_agreements_own_rounding():
    # Four invoices of 1,000.25 at 2%: the agreement books 20.01 each (80.04); the true
    # total is 80.02. The factor lists 20.02, 20.01, 20.02, 20.01 (80.06): +0.02 over the
    # agreement's, +0.04 over the true total, which neither rounding explains: FCT170.
    fees = [("B-1", "20.02"), ("B-2", "20.01"), ("B-3", "20.02"), ("B-4", "20.01")]
    # 4 x 950.24 = 3,800.96 - 80.06 - 15.00 = 3,705.90.
    text = rounded_schedule("1000.25", fees)
    _, errors = load(
        text + deposit("2025-03-05", "3705.90", hints='\n  schedule: "11"'),
        "{'tolerance': '0.01'}",
    )
    assert codes(errors) == ["FCT170"]
