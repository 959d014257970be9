"""FCT162: a schedule sold to a factor and never funded (checks/unfunded.py).

Summit advances 95% and takes a flat 2% at purchase (no transfer fee), so a funding
brings 93% of the faces. Schedule 100 (2025-03-03) sells INV-1 (1,000.00) and INV-2
(2,000.00): its deposit is 3,000.00 x 0.93 = 2,790.00. Schedule 101 (2025-03-10) sells
INV-3 (1,500.00): 1,500.00 x 0.93 = 1,395.00, paid on 2025-03-11. grace-days is 5
(the default): schedule 100 is late after 2025-03-08.

A schedule is reported only once the factor has paid into the books a deposit dated
more than grace-days after it: before that, the bank statement that holds its funding
may simply not be imported yet.
"""

from __future__ import annotations

from beancount import loader

HEAD = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-01 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-02 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1500.00 USD
  Income:Freight

2025-03-03 * "Summit" "Schedule 100" ^INV-1 ^INV-2
  factoring: "schedule"
  schedule: "100"
"""
SCHEDULE_101 = """
2025-03-10 * "Summit" "Schedule 101" ^INV-3
  factoring: "schedule"
  schedule: "101"

2025-03-11 * "SUMMIT FUNDING" "ACH schedule 101"
  schedule: "101"
  Assets:Bank:Checking         1395.00 USD
  Assets:Factoring:Summit:Clearing
"""
FUNDING_100 = """
2025-03-04 * "SUMMIT FUNDING" "ACH schedule 100"
  schedule: "100"
  Assets:Bank:Checking         2790.00 USD
  Assets:Factoring:Summit:Clearing
"""
SCHEDULE_LINE = HEAD.splitlines().index('2025-03-03 * "Summit" "Schedule 100" ^INV-1 ^INV-2') + 1


def errors_of(text: str) -> list[tuple[str, int, str]]:
    _, errors, _ = loader.load_string(text)
    return [(e.message.split(" ", 1)[0], e.source["lineno"], e.message) for e in errors]


def codes(text: str) -> list[str]:
    return [code for code, _, _ in errors_of(text)]


def test_a_schedule_left_unfunded_while_the_factor_paid_since_is_an_error() -> None:
    # Schedule 100's deposit was never booked; Summit paid schedule 101 on 03-11,
    # eight days after schedule 100 (grace-days 5).
    found = errors_of(HEAD + SCHEDULE_101)
    assert [(code, line) for code, line, _ in found] == [("FCT162", SCHEDULE_LINE)]
    message = found[0][2]
    assert "Schedule 100 of 'Summit' (2025-03-03) is not funded" in message
    assert "INV-1, INV-2" in message
    # The faces: 1,000.00 + 2,000.00; the cash: 3,000.00 x 0.93.
    assert "3,000.00 USD" in message
    assert "2,790.00 USD" in message
    assert "2025-03-11" in message  # the deposit that shows the books reach past it
    assert "Assets:Factoring:Summit:Clearing" in message
    assert 'schedule: "100"' in message
    assert "rejected" in message


def test_a_funded_schedule_is_no_error() -> None:
    assert codes(HEAD + FUNDING_100 + SCHEDULE_101) == []


def test_no_later_deposit_of_the_factor_means_the_bank_is_not_imported_yet() -> None:
    # Months on (an invoice of May), but no deposit of Summit after the schedule: the
    # funding may be on a bank statement not imported yet.
    later_invoice = """
2025-05-30 * "TQL" "Load 9"
  invoice: "INV-9"
  Assets:Receivable:TQL        700.00 USD
  Income:Freight
"""
    assert codes(HEAD + later_invoice) == []


def test_a_deposit_within_grace_days_of_the_schedule_is_no_proof() -> None:
    # Summit pays schedule 101 on 03-08, five days after schedule 100: not more than
    # grace-days, so schedule 100 may still be funded.
    within = SCHEDULE_101.replace("2025-03-10", "2025-03-07").replace("2025-03-11", "2025-03-08")
    assert codes(HEAD + within) == []
    # A day later it is past them.
    late = within.replace("2025-03-08", "2025-03-09")
    assert codes(HEAD + late) == ["FCT162"]


def test_the_agreements_grace_days_set_the_wait() -> None:
    text = (HEAD + SCHEDULE_101).replace("recourse-days: 90", "recourse-days: 90\n  grace-days: 8")
    assert codes(text) == []  # 03-11 is 8 days after 03-03: not more than 8
    assert codes(text.replace("2025-03-11", "2025-03-12")) == ["FCT162"]


def test_a_deposit_that_names_nothing_matched_by_amount_funds_the_schedule() -> None:
    nameless = """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         2790.00 USD
  Assets:Factoring:Summit:Clearing
"""
    assert codes(HEAD + nameless + SCHEDULE_101) == []


def test_only_the_invoices_left_unfunded_are_named() -> None:
    # Summit funded INV-1 alone (its link on the deposit: 1,000.00 x 0.93 = 930.00) and
    # never INV-2: 2,000.00 left, 1,860.00 to come.
    part = """
2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    found = errors_of(HEAD + part + SCHEDULE_101)
    assert [code for code, _, _ in found] == ["FCT162"]
    message = found[0][2]
    assert "INV-2" in message and "INV-1" not in message
    assert "2,000.00 USD" in message and "1,860.00 USD" in message


def test_an_invoice_taken_off_its_schedule_after_a_rejection_is_no_error() -> None:
    # The factor rejected INV-2: the schedule lists INV-1 alone, and its deposit brings
    # 930.00. INV-2 stays on TQL's receivable, ours to collect.
    rejected = HEAD.replace("^INV-1 ^INV-2", "^INV-1")
    funding = FUNDING_100.replace("2790.00", "930.00")
    assert codes(rejected + funding + SCHEDULE_101) == []


def test_a_schedule_paid_in_two_wires_is_left_to_their_errors() -> None:
    # Each wire names the schedule: 1,790.00 + 1,000.00 = 2,790.00, its funding, the two
    # wires together (tests/test_schedule_wires.py). The schedule is funded: no FCT162.
    wires = FUNDING_100.replace("2790.00", "1790.00") + FUNDING_100.replace(
        "2025-03-04", "2025-03-05"
    ).replace("2790.00", "1000.00")
    assert codes(HEAD + wires + SCHEDULE_101) == []


def test_a_deposit_that_matched_nothing_is_reported_alone() -> None:
    # The funding came 10.00 short and names nothing: FCT101 on it already says what
    # is wrong; the schedule it would fund is not reported a second time.
    nameless = """
2025-03-05 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         2780.00 USD
  Assets:Factoring:Summit:Clearing
"""
    assert codes(HEAD + nameless + SCHEDULE_101) == ["FCT101"]


def test_a_funding_booked_to_income_leaves_the_schedule_unfunded() -> None:
    # FCT150 on the deposit, and the schedule it should have funded.
    to_income = FUNDING_100.replace("Assets:Factoring:Summit:Clearing", "Income:Freight")
    assert sorted(codes(HEAD + to_income + SCHEDULE_101)) == ["FCT150", "FCT162"]


def test_the_as_of_date_judges_the_deposits_too() -> None:
    # As of 03-09 Summit has paid nothing since schedule 100 (its deposit of 03-11 is
    # after the as-of date).
    text = (HEAD + SCHEDULE_101).replace(
        'plugin "beancount_factoring.plugin"',
        "plugin \"beancount_factoring.plugin\" \"{'as-of': '2025-03-09'}\"",
    )
    assert codes(text) == []


def test_the_check_can_be_switched_off() -> None:
    text = (HEAD + SCHEDULE_101).replace(
        'plugin "beancount_factoring.plugin"',
        "plugin \"beancount_factoring.plugin\" \"{'disable': ['FCT162']}\"",
    )
    assert codes(text) == []


LOAN = HEAD.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n')


def test_a_loan_schedule_left_unfunded_is_an_error_too() -> None:
    # Pledged, not sold: nothing waits on the clearing account, but the advance of
    # 2,790.00 is missing from the books all the same.
    found = errors_of(LOAN + SCHEDULE_101)
    assert [code for code, _, _ in found] == ["FCT162"]
    assert codes(LOAN + FUNDING_100 + SCHEDULE_101) == []


def test_a_loan_invoice_the_customer_paid_us_is_no_longer_to_fund() -> None:
    # Under the loan model an invoice only on a schedule is still ours to collect: TQL
    # paid INV-2 to us, so Summit will fund INV-1 alone (930.00), as it did.
    paid = """
2025-03-04 * "TQL" "Payment INV-2" ^INV-2
  Assets:Bank:Checking          2000.00 USD
  Assets:Receivable:TQL
"""
    funding = """
2025-03-05 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    assert codes(LOAN + paid + funding + SCHEDULE_101) == []


BUYOUT = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE FUNDING"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.97
  fee: "flat 3%"
  recourse-days: 0
  payee: "PINECREST CAPITAL"
  bank: Assets:Bank:Checking

2025-06-10 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-06-11 * "LAKESHORE FUNDING" "ACH deposit" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-07-02 * "Lakeshore" "Schedule 300" ^INV-2
  factoring: "schedule"
  schedule: "300"

2025-07-21 * "Pinecrest Capital" "Buyout of Lakeshore's open invoices"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"
"""


def test_a_schedule_the_old_factor_never_funded_before_its_buyout_is_an_error() -> None:
    # Lakeshore's schedule 300 (INV-2, 1,000.00) was never funded; Pinecrest bought out
    # Lakeshore's open invoices (INV-1, funded) on 07-21, 19 days later: INV-2 stays on
    # Lakeshore's clearing account, owed by a factor that is gone.
    found = errors_of(BUYOUT)
    assert [code for code, _, _ in found] == ["FCT162"]
    assert "was bought out on 2025-07-21" in found[0][2]
    assert "INV-2 (1,000.00 USD" in found[0][2]
    # Funded before the buyout (1,000.00 x 0.93 = 930.00), it is bought out with INV-1.
    funded = BUYOUT.replace(
        "\n2025-07-21 *",
        """
2025-07-03 * "LAKESHORE FUNDING" "ACH schedule 300"
  schedule: "300"
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-21 *""",
    )
    assert codes(funded) == []


def test_a_buyout_of_some_invoices_leaves_the_old_factor_the_others_to_fund() -> None:
    # Pinecrest buys INV-1 alone: Lakeshore goes on, and may still fund schedule 300.
    linked = BUYOUT.replace(
        "buyout of Lakeshore's open invoices\"", 'buyout of INV-1" ^INV-1'
    ).replace("Buyout of Lakeshore's open invoices\"", 'Buyout of INV-1" ^INV-1')
    assert '^INV-1\n  factoring: "buyout"' in linked
    assert codes(linked) == []


def test_a_refused_deposit_that_names_the_schedule_is_reported_alone() -> None:
    # The funding names schedule 100 but is booked in CAD (FCT134: it books nothing);
    # its error says what to fix, whatever its currency.
    in_cad = FUNDING_100.replace("2790.00 USD", "2790.00 CAD")
    assert codes(HEAD + in_cad + SCHEDULE_101) == ["FCT134"]


def test_a_withdrawn_schedule_is_deleted_as_its_error_says() -> None:
    # Schedule 101 (INV-3 alone, sent 03-02) was withdrawn; Summit funded schedule 100,
    # sent after it, on 03-20, eighteen days after it (grace-days 5). Taking INV-3's
    # link off would leave a schedule that links nothing (FCT134 "add a link"): the
    # message says to delete the event then, and the ledger without it is right (INV-3
    # stays on TQL's receivable).
    schedule_101 = """
2025-03-02 * "Summit" "Schedule 101" ^INV-3
  factoring: "schedule"
  schedule: "101"
"""
    funding_100 = FUNDING_100.replace("2025-03-04", "2025-03-20")
    found = errors_of(HEAD + schedule_101 + funding_100)
    assert [code for code, _, _ in found] == ["FCT162"]
    assert "Schedule 101" in found[0][2]
    assert "delete this schedule event" in found[0][2]
    assert codes(HEAD + funding_100) == []


def test_a_weekly_funding_with_other_cash_in_between_is_no_error() -> None:
    # Summit funds its schedules once a week: schedule 99 (02-21) on 02-28, schedule 100
    # (03-03) on 03-10. Before that, on 03-10 (seven days after the schedule, past
    # grace-days 5), it pays for INV-3 alone, which no schedule sent. The books end on
    # 03-12: schedule 100 may still come, as Summit's schedules wait up to seven days
    # (03-03 + 7 + 5 = 03-15) and none sent after it was funded. (Any deposit of the
    # factor past grace-days was taken for proof: a false FCT162 on every weekly program.)
    # Schedule 99's deposit: 1,000.00 x 0.93 = 930.00.
    week_before = """
2025-02-20 * "TQL" "Load 0"
  invoice: "INV-0"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-02-21 * "Summit" "Schedule 99" ^INV-0
  factoring: "schedule"
  schedule: "99"

2025-02-28 * "SUMMIT FUNDING" "ACH schedule 99"
  schedule: "99"
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""
    alone = (
        week_before
        + """
2025-03-10 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:Checking         1395.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-12 * "TQL" "Load 4"
  invoice: "INV-4"
  Assets:Receivable:TQL         800.00 USD
  Income:Freight
"""
    )
    assert codes(HEAD + alone) == []
    # Funded on its day, 03-14: 3,000.00 x 0.93 = 2,790.00.
    assert codes(HEAD + alone + FUNDING_100.replace("2025-03-04", "2025-03-14")) == []
    # Not funded, while Summit's cash of 03-16 is past those twelve days: FCT162.
    later = alone.replace("2025-03-10", "2025-03-16").replace("2025-03-12", "2025-03-16")
    assert codes(HEAD + later) == ["FCT162"]
