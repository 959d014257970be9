"""Part of a reserve released before the customer pays (an advance on the reserve).

Summit (80%, flat 2% at purchase) funds INV-2 (5,000.00) 3,900.00 and holds 1,000.00.
On June 10, before TQL pays, Summit releases 400.00 of that reserve at the client's
request. TQL pays on June 25; the release of June 30 brings the other 600.00.

Before, the early release was FCT133 ("the debtor has not paid the factor yet ...
correct one of the two dates"), with no way to book it, and the later release of 600.00
was FCT120 (expected 1,000.00). Marked `partial: TRUE`, it now takes 400.00 off what
INV-2 holds: Reserve +1,000.00 - 400.00 - 600.00 = 0.00, Bank 3,900.00 + 400.00 + 600.00.
"""

from __future__ import annotations

import datetime
import textwrap
from decimal import Decimal

from beancount import loader

from beancount_factoring.reports import compute

from ledgers import OPENS, balance, codes, load

D = Decimal
RESERVE = "Assets:Factoring:Summit:Reserve"
CLEARING = "Assets:Factoring:Summit:Clearing"

LEDGER = """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.80
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-05-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL        5000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking         3900.00 USD
  Assets:Factoring:Summit:Clearing

2025-06-10 * "SUMMIT FUNDING" "Reserve advance" ^INV-2
  factoring: "release"{partial}
  Assets:Bank:Checking          {early} USD
  Assets:Factoring:Summit:Reserve
"""
LATER = """
2025-06-25 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-06-30 * "SUMMIT FUNDING" "Rest of the reserve" ^INV-2
  Assets:Bank:Checking          {rest} USD
  Assets:Factoring:Summit:Clearing
"""
PARTIAL = "\n  partial: TRUE"


def test_unmarked_the_early_release_says_how_to_book_it():
    _, errors = load(LEDGER.format(partial="", early="400.00"))
    assert codes(errors) == ["FCT133"]
    assert "partial: TRUE" in errors[0].message


def test_marked_partial_it_takes_part_of_the_reserve_and_the_release_brings_the_rest():
    text = LEDGER.format(partial=PARTIAL, early="400.00")
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, RESERVE) == D("600.00")
    entries, errors = load(text + LATER.format(rest="600.00"))
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Assets:Bank:Checking") == D("4900.00")
    # The whole 1,000.00 at the release is 400.00 too much.
    _, errors = load(text + LATER.format(rest="1000.00"))
    assert codes(errors) == ["FCT140"]


def test_the_reserve_report_shows_what_is_left_held():
    text = LEDGER.format(partial=PARTIAL, early="400.00")
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    entries, errors, options_map = loader.load_string(source)
    assert errors == []
    (factor,) = (
        compute(entries, options_map, errors).reserve(as_of=datetime.date(2025, 6, 12)).factors
    )
    (line,) = factor.invoices
    assert (line.reserve, line.held) == (D("1000.00"), D("600.00"))
    assert factor.unexplained == 0


def test_more_than_the_reserve_held_is_refused():
    _, errors = load(LEDGER.format(partial=PARTIAL, early="1200.00"))
    assert codes(errors) == ["FCT140"]
    assert "1,000.00" in errors[0].message


def test_on_the_clearing_account_marked_release_and_settled_again():
    # The same release written to the clearing account, marked a release; and the
    # plugin's output settled again as the reports settle a cached load.
    from beancount_factoring.ledger.book import read_book
    from beancount_factoring.reports.facts import plugin_config, roots_of
    from beancount_factoring.settlement.engine import settle

    text = LEDGER.format(partial=PARTIAL, early="400.00") + LATER.format(rest="600.00")
    for account in ("Reserve", "Clearing"):
        body = text.replace(
            "  Assets:Bank:Checking          400.00 USD\n  Assets:Factoring:Summit:Reserve",
            f"  Assets:Bank:Checking          400.00 USD\n  Assets:Factoring:Summit:{account}",
        )
        source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + body
        entries, errors, options = loader.load_string(source)
        assert errors == []
        assert balance(entries, RESERVE) == 0 and balance(entries, CLEARING) == 0
        config, _ = plugin_config(options)
        again = settle(read_book(entries, roots_of(options)), config)
        assert again.errors == []


def test_a_deposit_to_clearing_unmarked_says_how_to_book_it():
    text = (
        LEDGER.format(partial="", early="400.00")
        .replace('  factoring: "release"\n', "")
        .replace("Summit:Reserve\n", "Summit:Clearing\n")
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT130"]
    assert 'factoring: "release"' in errors[0].message and "partial: TRUE" in errors[0].message


def test_two_invoices_on_one_early_release_are_refused():
    text = (
        LEDGER.format(partial=PARTIAL, early="400.00").replace(
            '"Reserve advance" ^INV-2', '"Reserve advance" ^INV-2 ^INV-3'
        )
        + """
2025-05-01 * "TQL" "Load 3"
  invoice: "INV-3"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-05-02 * "SUMMIT FUNDING" "ACH INV-3" ^INV-3
  Assets:Bank:Checking          780.00 USD
  Assets:Factoring:Summit:Clearing
"""
    )
    _, errors = load(text)
    assert "FCT133" in codes(errors)
    assert any("links alone" in e.message for e in errors)


# After TQL paid: Summit releases 400.00 of INV-2's 1,000.00 on June 30, holding back
# the rest a month (a dispute, a reserve released in parts); the release of July 30
# brings the other 600.00. Before, the part marked partial: TRUE was FCT120 (expected
# 1,000.00) with 600.00 left on the clearing account, and the rest FCT140.
IN_PARTS = """
2025-06-25 * "TQL" "TQL paid Summit" ^INV-2
  factoring: "collected"

2025-06-30 * "SUMMIT FUNDING" "Part of the reserve" ^INV-2
  factoring: "release"{partial}
  Assets:Bank:Checking          {part} USD
  Assets:Factoring:Summit:Reserve

2025-07-30 * "SUMMIT FUNDING" "Rest of the reserve" ^INV-2
  Assets:Bank:Checking          {rest} USD
  Assets:Factoring:Summit:Clearing
"""
FUNDED = LEDGER.split("2025-06-10")[0]


def test_marked_partial_after_the_payment_it_releases_part_and_the_rest_follows():
    text = FUNDED + IN_PARTS.format(partial=PARTIAL, part="400.00", rest="600.00")
    entries, errors = load(text)
    assert errors == []
    # Reserve +1,000.00 - 400.00 - 600.00; Bank 3,900.00 + 400.00 + 600.00.
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Assets:Bank:Checking") == D("4900.00")
    source = 'plugin "beancount_factoring.plugin"\n' + textwrap.dedent(OPENS) + text
    loaded, errors, options_map = loader.load_string(source)
    (factor,) = (
        compute(loaded, options_map, errors).reserve(as_of=datetime.date(2025, 7, 1)).factors
    )
    (line,) = factor.invoices
    # Between the two: 600.00 held, release due, nothing forfeited or unexplained.
    assert (line.held, line.forfeited, factor.unexplained) == (D("600.00"), 0, 0)


def test_a_whole_release_marked_partial_is_the_release():
    # partial: TRUE on a release of all that is due: the release, nothing left.
    text = FUNDED + IN_PARTS.format(partial=PARTIAL, part="1000.00", rest="600.00")
    _, errors = load(text.split("2025-07-30")[0])
    assert errors == []
    _, errors = load(text)
    assert codes(errors) == ["FCT140"]  # nothing left to release


def test_a_part_after_the_payment_takes_the_fees_at_the_last_release():
    # Fees at collection, tiered: 54 days (May 2 to June 25) cost 1.75% + 3 x 0.5% =
    # 3.25% of 5,000.00 = 162.50, taken from the reserve at its release: 1,000.00 -
    # 162.50 = 837.50 due, 400.00 of it on June 30 and 437.50 on July 30.
    text = FUNDED.replace(
        'fee: "flat 2%"', 'fee: "tiered 1.75%/30d + 0.5%/10d"\n  fee-timing: "collection"'
    ).replace("3900.00 USD", "4000.00 USD") + IN_PARTS.format(
        partial=PARTIAL, part="400.00", rest="437.50"
    )
    entries, errors = load(text)
    assert errors == []
    assert balance(entries, RESERVE) == 0
    assert balance(entries, CLEARING) == 0
    assert balance(entries, "Expenses:Factoring:Summit:Fees") == D("162.50")
    # More than is due after the fees (900.00 of 837.50), marked partial, is compared as
    # the release, as before: FCT140, 62.50 too much.
    text = text.replace("400.00 USD", "900.00 USD")
    _, errors = load(text.split("2025-07-30")[0])
    assert codes(errors) == ["FCT140"] and "+62.50" in errors[0].message


def test_unmarked_a_part_after_the_payment_says_how_to_book_it():
    # 400.00 of the 1,000.00 due: FCT120 as before, now saying what partial: TRUE does.
    text = FUNDED + IN_PARTS.format(partial="", part="400.00", rest="600.00")
    _, errors = load(text.split("2025-07-30")[0])
    assert codes(errors) == ["FCT120"]
    assert "-600.00" in errors[0].message and "partial: TRUE" in errors[0].message
    # Written to the clearing account with no mark, it says to mark it a release too.
    text = text.replace('  factoring: "release"\n', "").replace(
        "Summit:Reserve\n\n2025-07-30", "Summit:Clearing\n\n2025-07-30"
    )
    _, errors = load(text.split("2025-07-30")[0])
    assert codes(errors) == ["FCT120"]
    assert 'factoring: "release" and partial: TRUE' in errors[0].message
    # 975.00 of 1,000.00: 25.00 short, less than a tenth, more likely a fee than a part.
    text = FUNDED + IN_PARTS.format(partial="", part="975.00", rest="25.00")
    _, errors = load(text.split("2025-07-30")[0])
    assert codes(errors) == ["FCT120"] and "partial" not in errors[0].message
