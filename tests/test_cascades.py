"""One mistake, one error: the events that wait for a refused entry add none of their own.

Found by injecting one mistake at a time into one entry of the example ledgers, the test
ledgers and the fuzzing corpus (a misspelt key, a wrong date, an amount, a line
Beancount cannot read) and reading every error bean-check then gave. A refused funding
left its invoice's collection with FCT133 "not factored" and the advice to book the
factor's payment as your own; an invoice whose date line Beancount could not read gave
one FCT132 per later event, each with the advice to write an opening balance. Those
errors follow from the first, and told the bookkeeper to fix the wrong thing.

Each test also checks that an independent mistake is still reported beside the first.
"""

from __future__ import annotations

from beancount import loader

from ledgers import OPENS, codes, load

TERMS = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
"""

# Two invoices, each funded by a deposit that links it: 2000.00 x (0.95 - 0.02) =
# 1860.00 and 1000.00 x 0.93 = 930.00; 5% of each face is held in reserve (100.00,
# 50.00). TQL pays Summit both; Summit releases INV-1's 100.00 reserve.
FUNDED = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-05 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"

2025-04-02 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-04-11 * "SUMMIT FUNDING" "Release INV-1" ^INV-1
  factoring: "release"
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve
"""

# INV-1 sold on schedule 501 and funded by a deposit that names the schedule alone:
# 2000.00 x 0.93 = 1860.00. TQL pays Summit; Summit releases the 100.00 reserve.
SCHEDULED = """
2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 501" ^INV-1
  factoring: "schedule"
  schedule: "501"

2025-03-05 * "SUMMIT FUNDING" "ACH schedule 501"
  schedule: "501"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"

2025-04-11 * "SUMMIT FUNDING" "Release INV-1" ^INV-1
  factoring: "release"
  Assets:Bank:Checking          100.00 USD
  Assets:Factoring:Summit:Reserve
"""

# Books that start with opening balances: an unknown invoice's FCT132 then adds how to
# write an invoice from before their start.
OPENING = """
2025-01-01 open Equity:Opening-Balances
2025-01-01 * "Opening balances"
  Assets:Bank:Checking          5000.00 USD
  Equity:Opening-Balances
"""


def _load_file(tmp_path, text: str):
    """Load ledger text from a file (Beancount's errors name its lines; the plugin
    reads the file for an entry Beancount could not read)."""
    path = tmp_path / "ledger.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + text)
    _, errors, _ = loader.load_file(str(path))
    return path, errors


def _line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().split("\n"), 1) if text in line)


def test_the_ledgers_of_these_tests_book_without_errors():
    for text in (FUNDED, SCHEDULED, OPENING + SCHEDULED):
        assert codes(load(TERMS + text)[1]) == []


def test_the_events_after_a_refused_funding_add_no_error():
    # The funding is dated before its invoice. Before: FCT133 on it, FCT133 "not
    # factored" on the collection (advice: book it as a payment of yours), FCT133 on the
    # release, and FCT141 on the reserve the release takes below zero.
    text = TERMS + FUNDED.replace(
        '2025-03-04 * "SUMMIT FUNDING" "ACH INV-1"', '2025-03-02 * "SUMMIT FUNDING" "ACH INV-1"'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"], [e.message for e in errors]
    assert "cannot be funded on 2025-03-02: it is dated 2025-03-03" in errors[0].message


def test_a_funding_beancount_cannot_read_leaves_its_events_silent(tmp_path):
    # February 30: Beancount drops the deposit and reports its line; the plugin never
    # sees it. Before: "not factored. If the factor collected it though it never bought
    # it ... book the factor's payment of it as a payment of ours", and two more.
    text = TERMS + FUNDED.replace('2025-03-04 * "SUMMIT', '2025-02-30 * "SUMMIT')
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]
    assert not any(e.message.startswith("FCT") for e in errors), [e.message for e in errors]


def test_an_invoice_beancount_cannot_read_gives_no_error_per_event(tmp_path):
    # Before: one FCT132 on the schedule, the deposit, the collection and the release,
    # each with the long advice to write an invoice from before the books' start.
    text = TERMS + OPENING + SCHEDULED.replace('2025-03-03 * "TQL"', '2025-02-30 * "TQL"')
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_an_invoice_with_its_key_misspelt_is_one_error():
    # invoce: "INV-1": the FCT134 at the invoice names the key; the schedule's FCT132,
    # the deposit's and the later events' followed from it.
    _, errors = load(
        TERMS + OPENING + SCHEDULED.replace('  invoice: "INV-1"', '  invoce: "INV-1"')
    )
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert 'Write invoice: "INV-1" there' in errors[0].message


def test_an_invoice_no_transaction_has_is_reported_once():
    # The invoice is not written at all: the schedule that first links it says so; the
    # deposit, the collection and the release that follow wait for it. (Four FCT132.)
    text = TERMS + SCHEDULED.replace('  invoice: "INV-1"', '  customer: "TQL"')
    _, errors = load(text)
    assert codes(errors) == ["FCT132"], [e.message for e in errors]
    assert errors[0].message.startswith("FCT132 Unknown invoice INV-1")
    assert errors[0].entry.narration == "Schedule 501"


def test_two_invoices_unknown_are_two_errors():
    # Each name no invoice has is reported once, at the first event that links it.
    text = TERMS + FUNDED.replace('  invoice: "INV-1"\n', "").replace('  invoice: "INV-2"\n', "")
    _, errors = load(text)
    assert codes(errors) == ["FCT132", "FCT132"], [e.message for e in errors]
    assert "INV-1" in errors[0].message and "INV-2" in errors[1].message


def test_an_independent_mistake_beside_a_refused_invoice_is_still_reported():
    # INV-1's key misspelt (its events wait), and INV-2's deposit short by 10.00:
    # expected 930.00, received 920.00. Two mistakes, two errors.
    text = TERMS + FUNDED.replace('  invoice: "INV-1"', '  invoce: "INV-1"').replace(
        "930.00 USD", "920.00 USD"
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT134", "FCT120"], [e.message for e in errors]
    assert "difference -10.00 USD" in errors[1].message


def test_a_payment_of_an_invoice_never_sold_beside_a_refused_funding_keeps_its_advice():
    # INV-1's funding refused (dated before the invoice) and INV-2 never funded at all
    # (its deposit deleted): the collection of INV-2 is an error of its own, with its
    # own advice, beside the funding's.
    text = TERMS + FUNDED.replace(
        '2025-03-04 * "SUMMIT FUNDING" "ACH INV-1"', '2025-03-02 * "SUMMIT FUNDING" "ACH INV-1"'
    ).replace(
        '2025-03-05 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2\n'
        "  Assets:Bank:Checking          930.00 USD\n"
        "  Assets:Factoring:Summit:Clearing\n",
        "",
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133", "FCT133"], [e.message for e in errors]
    assert "cannot be funded on 2025-03-02" in errors[0].message
    assert "Invoice INV-2 cannot be collected: it is not factored" in errors[1].message
    assert "non-factored payment" in errors[1].message


def test_a_schedule_beancount_cannot_read_leaves_its_deposit_and_events_silent(tmp_path):
    # Before: FCT132 "Unknown schedule 501" on the deposit, FCT133 "not factored" (book
    # it as your own payment) on the collection, FCT133 on the release.
    text = TERMS + SCHEDULED.replace('2025-03-04 * "Summit"', '2025-02-30 * "Summit"')
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_a_schedule_without_its_factoring_key_is_one_error_at_its_line():
    # Read as nothing, it left the deposit's FCT132 and the collection's "not factored".
    _, errors = load(TERMS + SCHEDULED.replace('  factoring: "schedule"\n', ""))
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert errors[0].entry.narration == "Schedule 501"
    assert 'write factoring: "schedule" under its date line' in errors[0].message


def test_a_deposit_naming_a_schedule_whose_key_is_misspelt_names_that_schedule():
    # schedle: "501" on the schedule event: it is booked, with no schedule (and FCT134
    # names the key). The deposit that names 501 is refused and names the schedule event
    # without one; the events of INV-1 name the refused deposit (they are not told to book
    # a payment of their own).
    text = TERMS + SCHEDULED.replace(
        '  factoring: "schedule"\n  schedule:', '  factoring: "schedule"\n  schedle:'
    )
    _, errors = load(text)
    assert "did you mean schedule:?" in errors.pop().message
    assert codes(errors)[0] == "FCT132", [e.message for e in errors]
    assert (
        "gives no schedule:, and its invoices wait for their funding: if this deposit "
        'pays for it, write schedule: "501" there' in errors[0].message
    )
    assert "<string>:" in errors[0].message
    for error in errors[1:]:
        assert "the deposit of 2025-03-05" in error.message, error.message


def test_a_deposit_before_its_schedule_names_the_schedule_and_its_release_waits():
    # The schedule is dated 03-14 for 03-04: the deposit of 03-05 finds no schedule 501
    # (its FCT132 names the schedule's date and line); the collection of 04-01 and the
    # release come after the schedule and wait for the deposit.
    text = TERMS + SCHEDULED.replace('2025-03-04 * "Summit"', '2025-03-14 * "Summit"')
    _, errors = load(text)
    assert codes(errors) == ["FCT132"], [e.message for e in errors]
    assert "its schedule event is dated 2025-03-14 (<string>:" in errors[0].message


def test_a_funding_posted_to_the_reserve_says_so_and_its_events_wait():
    # The deposit's one posting to Summit is to the reserve: read as a release, which
    # found "nothing open: every invoice already funded or released" (they were not).
    text = TERMS + SCHEDULED.replace(
        "  Assets:Bank:Checking         1860.00 USD\n  Assets:Factoring:Summit:Clearing",
        "  Assets:Bank:Checking         1860.00 USD\n  Assets:Factoring:Summit:Reserve",
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"], [e.message for e in errors]
    assert errors[0].message == (
        "FCT133 Schedule 501 is not funded yet (INV-1), and this deposit is read as a "
        "release of reserve, as its one posting to the factor's accounts is to the reserve "
        "account: if it is the schedule's funding, post it to the clearing account "
        "(Assets:Factoring:Summit:Clearing)"
    )


def test_an_agreement_beancount_cannot_read_leaves_its_events_silent(tmp_path):
    # Before: FCT111 "Cannot tell which factor this event belongs to: say which factor
    # with factor:" on every event.
    text = TERMS.replace("2025-01-01 custom", "2025-02-30 custom") + SCHEDULED
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_a_ledger_without_an_agreement_is_told_so_once():
    opens = "2025-01-01 open Assets:Factoring:Summit:Clearing\n"
    opens += "2025-01-01 open Assets:Factoring:Summit:Reserve\n"
    _, errors = load(opens + SCHEDULED)
    assert codes(errors) == ["FCT111"], [e.message for e in errors]
    assert "the ledger has no agreement; write the factor's terms" in errors[0].message


def test_an_agreement_dated_after_the_events_names_its_line():
    _, errors = load(TERMS.replace("2025-01-01 custom", "2025-03-10 custom") + SCHEDULED)
    assert codes(errors)[:2] == ["FCT111", "FCT111"], [e.message for e in errors]
    assert "its first agreement is dated 2025-03-10 (<string>:" in errors[0].message


def test_an_error_turned_off_leaves_the_events_that_wait_for_it_reported():
    # The schedule's FCT111 turned off by the config: the collection, which would
    # otherwise wait without a word, says it is not factored.
    text = TERMS.replace("2025-01-01 custom", "2025-03-10 custom") + SCHEDULED
    _, errors = load(text, config="{'disable': ['FCT111']}")
    assert "FCT133" in codes(errors), [e.message for e in errors]


# Summit's own receivables: an invoice posts to Assets:Sold:TQL. 2000.00 x 0.93 =
# 1860.00 funds INV-1.
OWN_RECEIVABLES = """
2025-01-01 open Assets:Sold:TQL

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking
  receivables: Assets:Sold

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Sold:TQL              2000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH INV-1" ^INV-1
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-01 * "TQL" "TQL paid Summit" ^INV-1
  factoring: "collected"
"""


def test_the_invoices_of_a_broken_agreement_with_its_own_receivables_are_no_errors():
    # advance-rae: the agreement is broken (FCT110). Its receivables: were not read, so
    # each invoice was FCT134 "no posting to a receivable account" (56 in the Finnish
    # example ledger).
    assert codes(load(OWN_RECEIVABLES)[1]) == []
    _, errors = load(OWN_RECEIVABLES.replace("advance-rate", "advance-rae"))
    assert codes(errors) == ["FCT110"], [e.message for e in errors]


def test_the_invoices_of_an_agreement_beancount_cannot_read_are_no_errors(tmp_path):
    # The same agreement dated February 30: Beancount's error alone. The deposit's
    # accounts are opened by the plugin (no "unknown account" on them).
    text = OWN_RECEIVABLES.replace("2025-01-01 custom", "2025-02-30 custom")
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_a_buyout_from_a_factor_whose_agreement_is_broken_adds_no_error():
    # Lakeshore's agreement broken: its funding of INV-1 is not booked; Pinecrest's
    # buyout of it, the collection and Pinecrest's rebate said "holds no open invoice",
    # "not factored" (book it as your own payment) and "nothing due".
    text = """
2025-01-01 custom "factoring-agreement" "Lakeshore"
  advance-rae: 0.90
  fee: "flat 2%"
  recourse-days: 90
  payee: "LAKESHORE"
  bank: Assets:Bank:Checking

2025-06-01 custom "factoring-agreement" "Pinecrest"
  advance-rate: 0.95
  fee: "flat 1%"
  recourse-days: 0
  payee: "PINECREST"
  bank: Assets:Bank:Checking

2025-06-01 * "TQL" "INV-1"
  invoice: "INV-1"
  Assets:Receivable:TQL   10000.00 USD
  Income:Freight

2025-06-02 * "LAKESHORE FUNDING" "Purchase" ^INV-1
  Assets:Bank:Checking   8800.00 USD
  Assets:Factoring:Lakeshore:Clearing

2025-07-12 * "PINECREST CAPITAL" "Buyout of Lakeshore, advance difference"
  factoring: "buyout"
  factor: "Pinecrest"
  from: "Lakeshore"
  Assets:Bank:Checking   400.00 USD
  Assets:Factoring:Pinecrest:Clearing

2025-08-01 * "TQL" "TQL paid Pinecrest" ^INV-1
  factoring: "collected"

2025-08-05 * "PINECREST CAPITAL" "Rebate" ^INV-1
  Assets:Bank:Checking   500.00 USD
  Assets:Factoring:Pinecrest:Reserve
"""
    assert codes(load(text.replace("advance-rae", "advance-rate"))[1]) == []
    _, errors = load(text)
    assert codes(errors) == ["FCT110"], [e.message for e in errors]


def test_an_event_of_books_whose_only_agreement_beancount_cannot_read_waits(tmp_path):
    # A chargeback and a collection of invoices funded under the unread agreement: they
    # said "not factored" (one with the advice to book a payment of your own), and
    # Beancount "unknown account" on each deposit.
    text = TERMS.replace("2025-01-01 custom", "2025-02-30 custom") + FUNDED.replace(
        '"TQL paid Summit" ^INV-1\n  factoring: "collected"',
        '"Summit charges back" ^INV-1\n  factoring: "chargeback"',
    )
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_an_invoice_billed_without_its_key_but_named_in_its_narration_is_one_error():
    # The invoice's invoice: line dropped; its narration still says "Load INV-1". Before:
    # FCT132 on the schedule, the deposit and the later events, none at the invoice.
    text = TERMS + SCHEDULED.replace('"Load 1"\n  invoice: "INV-1"\n', '"Load INV-1"\n')
    _, errors = load(text)
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert errors[0].message.startswith("FCT134 This transaction bills INV-1 (in its narration)")
    assert errors[0].entry.narration == "Load INV-1"


def test_an_opening_balance_naming_an_old_invoice_is_not_taken_for_it():
    # A trial balance that names INV-901 in its narration is no invoice without its key:
    # the collection's FCT132 says how to write an invoice from before the books' start.
    text = (
        TERMS
        + OPENING
        + """
2025-01-01 * "Opening balances" "Receivable INV-901 carried in"
  Assets:Receivable:TQL          500.00 USD
  Equity:Opening-Balances

2025-01-20 * "TQL" "TQL paid Summit" ^INV-901
  factoring: "collected"
"""
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT132"], [e.message for e in errors]
    assert "before the books' start" in errors[0].message


def test_an_invoice_number_a_slip_away_from_the_links_is_named():
    # invoice: "INV-10" for INV-1, which every event links: the first event's FCT132
    # names the invoice no event links, and its line; the others wait for it.
    text = TERMS + OPENING + SCHEDULED.replace('  invoice: "INV-1"', '  invoice: "INV-10"')
    _, errors = load(text)
    assert codes(errors) == ["FCT132"], [e.message for e in errors]
    assert (
        "; invoice INV-10 (<string>:" in errors[0].message
        and "which no event links, is a slip away from it: correct the one typed wrong"
        in errors[0].message
    )
    # (Not the advice to write an invoice from before the books' start.)
    assert "books' start" not in errors[0].message


def test_a_release_after_a_collection_beancount_cannot_read_adds_no_error(tmp_path):
    # Before: "Nothing of invoice INV-1 is due in this deposit: the debtor has not paid
    # the factor yet (no collected event)", and FCT141 for the reserve it takes.
    text = TERMS + FUNDED.replace('2025-04-01 * "TQL"', '2025-02-30 * "TQL"')
    path, errors = _load_file(tmp_path, text)
    assert [e.source["lineno"] for e in errors] == [_line_of(path, "2025-02-30")]


def test_a_release_after_a_collection_with_its_kind_misspelt_is_one_error():
    text = TERMS + FUNDED.replace('factoring: "collected"', 'factoring: "colected"', 1)
    _, errors = load(text)
    assert codes(errors) == ["FCT134"], [e.message for e in errors]
    assert "Unknown factoring event 'colected'" in errors[0].message


def test_a_funding_by_link_posted_to_the_reserve_is_one_error():
    # INV-1's deposit posts to the reserve: read as a release of an invoice not funded.
    # Its collection said "not factored" (book it as your own payment), its release
    # "nothing due".
    text = TERMS + FUNDED.replace(
        "  Assets:Bank:Checking         1860.00 USD\n  Assets:Factoring:Summit:Clearing",
        "  Assets:Bank:Checking         1860.00 USD\n  Assets:Factoring:Summit:Reserve",
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT133"], [e.message for e in errors]
    assert errors[0].message == (
        "FCT133 Nothing of invoice INV-1 is due in this deposit: it is not factored; this "
        "deposit is read as a release of reserve, as its one posting to the factor's "
        "accounts is to the reserve account: if it is the invoice's funding, post it to "
        "the clearing account (Assets:Factoring:Summit:Clearing)"
    )


def test_a_collection_after_a_deposit_that_lost_its_link_names_that_deposit():
    # The deposit of INV-1 names nothing and matches nothing open (INV-1 was never
    # scheduled): the collection names it, beside the advice for a payment the factor
    # passed on (either may be the case).
    text = TERMS + FUNDED.replace('"ACH INV-1" ^INV-1', '"ACH INV-1"')
    _, errors = load(text)
    collected = [e for e in errors if "cannot be collected" in e.message]
    assert len(collected) == 1, [e.message for e in errors]
    assert "; the deposit of 2025-03-04 (<string>:" in collected[0].message
    assert "if it is this invoice's funding, link it there (^INV-1)" in collected[0].message
    assert "non-factored payment" in collected[0].message


def test_a_collection_after_a_deposit_naming_nothing_beancount_cannot_read_names_it(tmp_path):
    # An unnamed deposit (allocated by its amount) on February 30: the collection of the
    # schedule's invoice names that line.
    text = TERMS + SCHEDULED.replace(
        '2025-03-05 * "SUMMIT FUNDING" "ACH schedule 501"\n  schedule: "501"\n',
        '2025-02-30 * "SUMMIT FUNDING" "ACH"\n',
    )
    path, errors = _load_file(tmp_path, text)
    line = _line_of(path, "2025-02-30")
    assert errors[0].source["lineno"] == line
    assert codes(errors[1:]) == ["FCT133", "FCT133"], [e.message for e in errors]
    for error in errors[1:]:
        assert f"; the transaction at {path}:{line} could not be read" in error.message


def test_an_invoice_one_digit_away_from_an_unknown_link_is_not_named():
    # INV-2 beside a link ^INV-1 no invoice has: most likely an invoice of its own.
    text = TERMS + FUNDED.replace('  invoice: "INV-1"', '  invoice: "INV-3"')
    _, errors = load(text)
    assert codes(errors) == ["FCT132"], [e.message for e in errors]
    assert "slip away" not in errors[0].message


def test_books_without_errors_never_read_their_files(tmp_path, monkeypatch):
    # The files are read for an entry Beancount could not read only on the way to an
    # error: not for a deposit that comes before its schedule is booked (no error yet).
    from beancount_factoring.ledger import refused

    def refuse(*_):
        raise AssertionError("the ledger's files were read")

    monkeypatch.setattr(refused.Refusals, "_read_files", refuse)
    early = """
2025-03-02 * "SUMMIT FUNDING" "ACH"
  Assets:Bank:Checking         1860.00 USD
  Assets:Factoring:Summit:Clearing
"""
    for text in (FUNDED, SCHEDULED, early):
        _, errors = _load_file(tmp_path, TERMS + text)
        assert codes(errors) == [], [e.message for e in errors]


def test_a_line_beancount_cannot_read_beside_an_independent_mistake_is_two_errors(tmp_path):
    # INV-1's funding on February 30 (its collection and release wait), and INV-2's
    # deposit short by 10.00 (930.00 expected, 920.00 received): two errors.
    text = TERMS + FUNDED.replace('2025-03-04 * "SUMMIT', '2025-02-30 * "SUMMIT').replace(
        "930.00 USD", "920.00 USD"
    )
    path, errors = _load_file(tmp_path, text)
    assert errors[0].source["lineno"] == _line_of(path, "2025-02-30")
    assert codes(errors[1:]) == ["FCT120"], [e.message for e in errors]
    assert errors[1].source["lineno"] == _line_of(path, "920.00 USD") - 1
