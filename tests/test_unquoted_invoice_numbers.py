"""An invoice's number is a string (docs/ledger.md 4): `invoice: "001023"`.

Written without quotes, `invoice: 001023` is a number to Beancount, 1023: its leading
zeros (and any thousands separator) are gone before the plugin sees it, and a factor's
report, a bank line or an export that names the invoice as it is written (`^001023`)
does not find it. A customer's payment linking `^001023` was then aged as a payment of
no invoice, and the invoice as open, without a word. Since the zeros cannot be told
from what Beancount keeps, the plugin reads the value's line back from the ledger's
file: plain digits typed so (`invoice: 1023`) are the invoice's number, and any other
number written without quotes (or one of a ledger read from a string, which cannot be
read back) is an FCT134 error on the invoice's line, which asks for the quotes; the
invoice is still booked under the number as read (1023), so the events that name it so
apply and raise nothing more.
The invoice importer reads such a number as the export's number of those digits
(tests/importers/test_invoice_export_numbers.py).
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

import pytest
from beancount import loader

from beancount_factoring.ledger.book import read_book
from beancount_factoring.reports import compute
from beancount_factoring.settlement import history

from ledgers import OPENS, balance, codes, load

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-17 * "TQL" "Load TQL-88412"
  invoice: NUMBER
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-18 * "SUMMIT FUNDING" "ACH deposit" ^LINK
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
"""


def posting_lines(entry) -> list[int]:
    """The lines of the entry's postings that name an invoice without quotes (a number to
    Beancount): each such error's place."""
    return [
        p.meta["lineno"]
        for p in entry.postings
        if p.meta and isinstance(p.meta.get("invoice"), Decimal)
    ]


def invoice_line(entries) -> int:
    return next(e for e in entries if "invoice" in getattr(e, "meta", {})).meta["lineno"]


def test_a_number_in_quotes_is_read_as_written():
    entries, errors = load(LEDGER.replace("NUMBER", '"001023"').replace("LINK", "001023"))
    assert errors == []
    # Funded: advance 950.00 (95% of 1,000.00) less the 2% fee, 20.00: 930.00 cash.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


@pytest.mark.parametrize("number", ["001023", "1023", "1,023"])
def test_a_number_without_quotes_is_an_error_on_its_line(number):
    entries, errors = load(LEDGER.replace("NUMBER", number).replace("LINK", "1023"))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert "invoice: 1023 is written without quotes" in message
    assert 'write it in quotes as the invoice writes it (invoice: "1023"' in message
    assert errors[0].source["lineno"] == invoice_line(entries)
    # Still booked as 1023: the deposit that links ^1023 funds it (reserve 50.00).
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")
    assert "1023" in read_book(entries).invoices


def test_a_payment_naming_the_number_as_written_is_not_lost_in_silence():
    # A customer's payment linking ^001023 found no invoice 001023 (the plugin had
    # 1023): no error, and the aging had the invoice open and the payment unattributed.
    text = LEDGER.replace("NUMBER", "001023").replace("^LINK", "").replace("SUMMIT FUNDING", "TQL")
    text = text.replace("Assets:Factoring:Summit:Clearing", "Assets:Receivable:TQL")
    text = text.replace("ACH deposit", "payment ^001023")
    entries, errors = load(text.replace('"payment ^001023"', '"payment" ^001023'))
    assert codes(errors) == ["FCT134"]
    assert errors[0].source["lineno"] == invoice_line(entries)


def test_a_payment_posting_naming_its_invoice_without_quotes_is_an_error():
    # `invoice: 001024` on the posting of a payment of 500.00 was no invoice's name (a
    # number): the payment paid nothing of 001024, which the aging showed open, and
    # the payment unattributed, with no word.
    text = """
2025-03-03 * "TQL" "Load 1"
  invoice: "001024"
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-03-20 * "TQL" "payment"
  Assets:Bank:Checking         500.00 USD
  Assets:Receivable:TQL       -500.00 USD
    invoice: NUMBER
"""
    entries, errors = load(text.replace("NUMBER", '"001024"'))
    assert errors == []
    entries, errors = load(text.replace("NUMBER", "001024"))
    assert codes(errors) == ["FCT134"]
    assert "invoice: 1024 is written without quotes" in errors[0].message
    payment = next(e for e in entries if getattr(e, "narration", "") == "payment")
    # At the posting's own line, which names the invoice.
    assert errors[0].source["lineno"] == posting_lines(payment)[0]


def load_file(tmp_path, text: str):
    """Load ledger text from a file on disk, as bean-check and Fava do: the typed text
    of a value can then be read back from its line."""
    path = tmp_path / "main.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + text, encoding="utf-8")
    entries, errors, _ = loader.load_file(str(path))
    return entries, errors


@pytest.mark.parametrize("number", ["1023", "1023  ; from the TMS"])
def test_plain_digits_without_quotes_in_a_file_are_the_invoices_number(tmp_path, number):
    # Nothing was dropped from 1023: it is the invoice's name as typed, no error, and
    # the deposit linking ^1023 funds it (reserve 5% of 1,000.00 = 50.00).
    entries, errors = load_file(tmp_path, LEDGER.replace("NUMBER", number).replace("LINK", "1023"))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


@pytest.mark.parametrize(
    "text_before",
    [
        # Beancount counts lines by their line feeds only; Python's str.splitlines() also
        # breaks at these, so the value's line was looked for too far down, not found,
        # and the plain digits were a false FCT134 (as if they had lost their zeros).
        "; pasted from the TMS:\u2028 next\n",  # a line separator in a comment
        "; mis-decoded \u0085 dash\n",  # a next-line character
        "; \x1c\n",  # a file separator
        "; old export \r line\n",  # a lone carriage return (Python reads it as a line end)
    ],
)
def test_plain_digits_are_read_back_past_characters_beancount_does_not_break_at(
    tmp_path, text_before
):
    # As above: 1023 typed so is the invoice's number, no error, reserve 50.00.
    text = LEDGER.replace("NUMBER", "1023").replace("LINK", "1023")
    text = text.replace("\n2025-03-17", "\n" + text_before + "2025-03-17")
    entries, errors = load_file(tmp_path, text)
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


def test_plain_digits_are_read_back_in_a_file_of_crlf_lines_and_tabs(tmp_path):
    text = LEDGER.replace("NUMBER", "1023\t; from the TMS").replace("LINK", "1023")
    text = text.replace("\n  ", "\n\t").replace("\n", "\r\n")
    path = tmp_path / "main.beancount"
    body = 'plugin "beancount_factoring.plugin"\n' + OPENS + text
    path.write_bytes(body.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))
    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


@pytest.mark.parametrize(
    ("typed", "read", "fix"),
    [
        ("001023", "1023", 'write it in quotes (invoice: "001023")'),
        # "1,023" in quotes would be FCT134 again (a comma is no link's): left out.
        ("1,023", "1023", 'write it in quotes, without the separator (invoice: "1023")'),
    ],
)
def test_digits_that_lost_zeros_or_a_separator_in_a_file_say_what_was_typed(
    tmp_path, typed, read, fix
):
    entries, errors = load_file(tmp_path, LEDGER.replace("NUMBER", typed).replace("LINK", read))
    assert codes(errors) == ["FCT134"]
    message = errors[0].message
    assert f"invoice: {typed} is written without quotes" in message
    assert f"reads it as the number {read}" in message
    assert fix in message
    assert errors[0].source["lineno"] == invoice_line(entries)
    # Booked as read meanwhile: the deposit linking ^1023 funds it.
    assert balance(entries, "Assets:Factoring:Summit:Reserve") == Decimal("50.00")


SCHEDULE = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "1001"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load TQL-88413"
  invoice: "1002"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 10452" ^1001 ^1002
  factoring: "schedule"
  schedule: "10452"
  Assets:Factoring:Summit:Clearing   3000.00 USD
  Assets:Receivable:TQL             -1000.00 USD
    invoice: "1001"
    fee: 20.00 USD
  Assets:Receivable:TQL             -2000.00 USD
    invoice: NUMBER
    fee: 45.00 USD

2025-03-05 * "SUMMIT FUNDING" "ACH schedule 10452"
  schedule: "10452"
  Assets:Bank:Checking         2785.00 USD
  Assets:Factoring:Summit:Clearing
"""


def test_the_factors_figures_on_a_schedule_posting_named_without_quotes():
    # Summit's report charges 45.00 on invoice 1002 (the agreement's 2% of 2,000.00 is
    # 40.00); its deposit is 950.00 - 20.00 + 1,900.00 - 45.00 = 2,785.00. Written
    # `invoice: 1002`, the posting's figures were read for no invoice: the agreement's
    # 40.00 was booked, and the deposit was FCT120, 5.00 short, with no word of why.
    entries, errors = load(SCHEDULE.replace("NUMBER", '"1002"'))
    assert codes(errors) == ["FCT170"]
    entries, errors = load(SCHEDULE.replace("NUMBER", "1002"))
    # Read as invoice 1002 (as an unquoted invoice is booked), and asked in quotes.
    assert codes(errors) == ["FCT134", "FCT170"]
    message = errors[0].message
    assert "This posting's invoice: 1002 is written without quotes" in message
    assert "It is read as invoice 1002 meanwhile" in message
    schedule = next(e for e in entries if getattr(e, "narration", "") == "Schedule 10452")
    assert errors[0].source["lineno"] == posting_lines(schedule)[0]
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == Decimal("65.00")


def test_a_schedule_posting_whose_unquoted_number_lost_its_zeros():
    # `invoice: 001002` for invoice "001002": Beancount reads 1002, which no invoice
    # is. Its FCT134 said the figures "name invoice: Decimal('1002'), which the schedule
    # does not sell"; now it asks for the quotes (the figures, read for no invoice until
    # then, leave the deposit 5.00 short: FCT120).
    text = SCHEDULE.replace('"1002"', '"001002"').replace("^1002", "^001002")
    _, errors = load(text.replace("NUMBER", "001002"))
    assert codes(errors) == ["FCT134", "FCT120"]
    assert [e for e in errors if "Decimal(" in e.message] == []
    assert "invoice: 1002 is written without quotes" in errors[0].message


MISDIRECTED = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "1"
  Assets:Receivable:TQL  1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Load 2"
  invoice: "2"
  Assets:Receivable:TQL  2000.00 USD
  Income:Freight

2025-03-04 * "Summit" "Schedule 1" ^1 ^2
  factoring: "schedule"
  schedule: "1"

2025-03-05 * "SUMMIT FUNDING" "ACH deposit" ^sched-1
  Assets:Bank:Checking  2790.00 USD
  Assets:Factoring:Summit:Clearing

2025-04-10 * "TQL" "TQL paid us for both" ^1 ^2
  factoring: "misdirected-payment"
  Assets:Bank:Checking                       2999.98 USD
  Liabilities:Factoring:Summit:DueToFactor  -1000.00 USD
    invoice: ONE
  Liabilities:Factoring:Summit:DueToFactor  -1999.98 USD
    invoice: TWO

2025-04-11 * "SUMMIT FUNDING" "Forwarded" ^1 ^2
  Liabilities:Factoring:Summit:DueToFactor   2999.98 USD
  Assets:Bank:Checking
"""


def test_a_misdirected_payments_shares_named_without_quotes():
    # TQL pays 2,999.98 for invoices 1 (1,000.00) and 2 (2,000.00); the bookkeeper writes
    # that 2 is short (1,999.98). Written `invoice: 2`, the shares were read for no
    # invoice: the payment was FCT134 "faces add up to 3,000.00: write one event per
    # invoice", and the forward FCT136 (more than is owed). Read as invoices 1 and 2,
    # each share is owed as written and the forward pays both (the due-to-factor
    # account at 0.00); each posting asks for its quotes.
    text = MISDIRECTED.replace("ONE", '"1"').replace("TWO", '"2"')
    entries, errors = load(text, "{'tolerance': '0.05'}")
    assert errors == []
    entries, errors = load(text.replace('"1"\n  Liab', "1\n  Liab").replace('"2"\n\n', "2\n\n"),
                           "{'tolerance': '0.05'}")  # fmt: skip
    assert codes(errors) == ["FCT134", "FCT134"]
    assert "invoice: 1 is written without quotes" in errors[0].message
    assert "invoice: 2 is written without quotes" in errors[1].message
    payment = next(e for e in entries if getattr(e, "narration", "") == "TQL paid us for both")
    assert {e.source["lineno"] for e in errors} == set(posting_lines(payment))
    assert balance(entries, "Liabilities:Factoring:Summit:DueToFactor") == 0


def test_a_fee_posting_named_without_quotes_is_the_invoices_fee_in_the_reports():
    # Summit funds invoice 1023 (1,000.00 at 95% less 2%: 930.00) and TQL pays it; the
    # bookkeeper types Summit's 35.00 wire fee for it by hand, `invoice: 1023` on the
    # posting. The reports read it as the invoice booked under that number, as the
    # plugin reads an event's posting: 1023's fees are 20.00 + 35.00 = 55.00. They were
    # 20.00, the 35.00 a fee of no invoice.
    text = (
        LEDGER.replace("NUMBER", '"1023"').replace("LINK", "1023")
        + """
2025-03-19 * "Summit" "Wire fee on 1023"
  Expenses:Factoring:Summit:Fees   35.00 USD
    invoice: 1023
  Assets:Bank:Checking

2025-04-01 * "TQL" "paid" ^1023
  factoring: "collected"
"""
    )
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    )
    assert errors == []
    report = compute(entries, options, errors).cost(as_of=datetime.date(2025, 4, 30))
    (invoice,) = report.by_invoice
    assert (invoice.invoice, invoice.fees.total) == ("1023", Decimal("55.00"))


def test_an_event_posting_typed_as_plain_digits_in_a_file_is_the_invoices_number(tmp_path):
    # In a file, `invoice: 1002` on the schedule's posting is read back as typed: plain
    # digits lose nothing, so it names invoice 1002 with no FCT134 (the figures' FCT170
    # only). `invoice: 001002` for invoice "001002" lost its zeros: FCT134 naming what
    # was typed.
    _, errors = load_file(tmp_path, SCHEDULE.replace("NUMBER", "1002"))
    assert codes(errors) == ["FCT170"]
    text = SCHEDULE.replace('"1002"', '"001002"').replace("^1002", "^001002")
    entries, errors = load_file(tmp_path, text.replace("NUMBER", "001002"))
    assert codes(errors) == ["FCT134", "FCT120"]
    message = errors[0].message
    assert "This posting's invoice: 001002 is written without quotes" in message
    assert 'write it in quotes (invoice: "001002")' in message
    assert "It is read as invoice 1002 meanwhile" in message
    schedule = next(e for e in entries if getattr(e, "narration", "") == "Schedule 10452")
    assert errors[0].source["lineno"] == posting_lines(schedule)[0]


def test_an_unquoted_invoice_that_links_another_is_aged_as_itself():
    # Invoice 1024 (500.00), typed `invoice: 1024`, rebills load 1 and links ^1023
    # (1,000.00). The plugin books it as 1024 (after its FCT134); the aging took its
    # receivable posting for a credit of both links, shared oldest first: 1023 at
    # 1,500.00, 1024 nowhere. Now 1023 1,000.00 and 1024 500.00.
    text = """
2025-03-01 * "TQL" "Load 1"
  invoice: "1023"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-03 * "TQL" "Rebill of load 1" ^1023
  invoice: 1024
  Assets:Receivable:TQL         500.00 USD
  Income:Freight
"""
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    )
    assert codes(errors) == ["FCT134"]
    aging = compute(entries, options, errors).aging(as_of=datetime.date(2025, 3, 31))
    assert {line.invoice: line.amount for line in aging.invoices} == {
        "1023": Decimal("1000.00"),
        "1024": Decimal("500.00"),
    }


def test_a_payment_posting_typed_as_plain_digits_in_a_file_pays_its_invoice(tmp_path):
    # In a file, `invoice: 1024` under the payment's receivable posting is read back as
    # typed: plain digits lose nothing, so it pays invoice 1024 (as the invoice's own
    # `invoice: 1024` is its number), with no FCT134, and the aging shows nothing open
    # (500.00 - 500.00). It was FCT134, the payment naming no invoice. Typed 001024 (for
    # invoice "001024"), it still names no invoice, FCT134 saying what was typed.
    text = """
2025-03-03 * "TQL" "Load 1"
  invoice: NUMBER
  Assets:Receivable:TQL        500.00 USD
  Income:Freight

2025-03-20 * "TQL" "payment"
  Assets:Bank:Checking         500.00 USD
  Assets:Receivable:TQL       -500.00 USD
    invoice: TYPED
"""
    for number in ('"1024"', "1024"):
        entries, errors = load_file(
            tmp_path, text.replace("NUMBER", number).replace("TYPED", "1024")
        )
        assert errors == []
        options = loader.load_file(str(tmp_path / "main.beancount"))[2]
        aging = compute(entries, options, errors).aging(as_of=datetime.date(2025, 3, 31))
        assert aging.invoices == ()
    text = text.replace("NUMBER", '"001024"').replace("TYPED", "001024")
    _, errors = load_file(tmp_path, text)
    assert codes(errors) == ["FCT134"]
    assert "This posting's invoice: 001024 is written without quotes" in errors[0].message
    assert "It names no invoice meanwhile" in errors[0].message


def test_the_ledgers_text_read_back_is_not_kept_with_the_run(tmp_path, monkeypatch):
    # The plugin's run is kept with the load for the reports (Fava, the CLI); the lines
    # of the file it read back for `invoice: 1023` need not live as long as the load.
    monkeypatch.setattr(history, "_wanted", True)
    path = tmp_path / "main.beancount"
    text = LEDGER.replace("NUMBER", "1023").replace("LINK", "1023")
    path.write_text('plugin "beancount_factoring.plugin"\n' + OPENS + text, encoding="utf-8")
    _, errors, options = loader.load_file(str(path))
    assert errors == []
    run = options[history.RUN_KEY]
    assert run.book.typed._files == {}
    # Asked again (a report reading a posting's number), the line is read back again.
    invoice = run.book.invoices["1023"]
    assert run.book.typed.typed(invoice.entry.meta, "invoice") == "1023"
