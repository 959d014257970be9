"""An agreement's currency written as a second value after the factor's name.

``custom "factoring-agreement" "Copperline" "CAD"`` means what ``currency: "CAD"`` under
it means. The value used to be ignored without a word: the agreement governed every
currency, its accounts were named without the currency, and a CAD line written that
way took the USD events too. Two agreements of one factor on one day that differ
only in ``currency:`` are the same entry to Beancount's ``noduplicates`` plugin (it
ignores metadata); a second value tells them apart.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import printer
from test_currencies import LEDGER

from beancount_factoring import cli
from beancount_factoring.importers.banklines import _ByAgreement

from ledgers import LATE, balance, codes, load, txn

ROOT = Path(__file__).resolve().parent.parent
CROSSBORDER = ROOT / "example_ledger" / "crossborder" / "main.beancount"
REPORTS = ("reserve", "aging", "cost", "compare", "reconcile")


def rewrite(text: str) -> str:
    """``currency: "X"`` under a Copperline agreement or an offer moved after its name; a
    blank line before the directive takes the key's, so the other entries keep their
    line numbers."""
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        if line.startswith('  currency: "') and out[-1].endswith(
            ('custom "factoring-agreement" "Copperline"', 'custom "factoring-offer" "Bluewater"')
        ):
            out[-1] += " " + line.split(": ", 1)[1]
            out.insert(len(out) - 1, "")  # the key's line, now blank before the directive
            continue
        out.append(line)
    return "\n".join(out)


OFFER = """
2025-01-01 custom "factoring-offer" "Bluewater"
  currency: "CAD"
  advance-rate: 0.90
  fee: "tiered 1%/30d + 0.5%/15d"
  fee-timing: "collection"
  transfer-fee: 10.00 CAD
  recourse-days: 60
"""


def shown(entries) -> list[str]:
    """Every entry but the agreements, as Beancount prints it (metadata and all)."""
    return [printer.format_entry(e) for e in entries if not isinstance(e, data.Custom)]


def test_a_currency_after_the_name_books_as_the_key_does():
    # test_currencies.LEDGER: USD 1000.00 x 95% - 2% - 20.00 = 910.00, reserve 50.00;
    # CAD 1000.00 x 90% - 3% - 15.00 = 855.00, reserve 100.00. Before, both agreements
    # written "Copperline" "USD" / "Copperline" "CAD" were agreements of every currency
    # on one day: FCT110 for the second, and the CAD deposit booked on USD terms.
    text = rewrite(LEDGER)
    assert '"Copperline" "CAD"\n  advance-rate: 0.90' in text
    assert 'currency: "' not in text
    entries, errors = load(text)
    assert errors == []
    expected, _ = load(LEDGER)
    assert shown(entries) == shown(expected)
    assert balance(entries, "Assets:Factoring:Copperline:CAD:Reserve") == 100
    assert balance(entries, "Assets:Factoring:Copperline:USD:Reserve") == 50
    assert len(txn(entries, "CAD deposit").postings) == 5


def test_the_crossborder_example_books_and_reports_the_same(tmp_path):
    # The shipped example (two Copperline agreements dated 2025-02-01, USD and CAD),
    # copied with each currency written after the name: same entries, same figures. An
    # offer of CAD terms is added to both, for the compare report.
    original = CROSSBORDER.read_text(encoding="utf-8") + OFFER
    changed = rewrite(original)
    assert changed.count('"Copperline" "USD"') == 1 and changed.count('"Copperline" "CAD"') == 1
    assert '"Bluewater" "CAD"' in changed
    paths = []
    for name, text in (("key", original), ("value", changed)):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "main.beancount").write_text(text, encoding="utf-8")
        paths.append(folder / "main.beancount")
    (key_entries, key_errors, _), (value_entries, value_errors, _) = (
        loader.load_file(str(path)) for path in paths
    )
    assert key_errors == [] and value_errors == []
    assert [s.replace(str(paths[0]), "") for s in shown(key_entries)] == [
        s.replace(str(paths[1]), "") for s in shown(value_entries)
    ]
    for report in REPORTS:
        outputs = []
        for path in paths:
            out = io.StringIO()
            code = cli.main(
                [report, str(path), "--format", "json", "--as-of", "2025-03-31"], out=out
            )
            outputs.append((code, json.loads(out.getvalue().replace(str(path.parent), "DIR"))))
        assert outputs[0] == outputs[1], report
        if report == "compare":  # the offer is compared, on the CAD invoices only
            (offer,) = outputs[0][1]["offers"]
            assert offer["invoices"]


def test_noduplicates_tells_two_currencies_of_one_day_apart():
    # Beancount's noduplicates plugin compares entries without their metadata: the two
    # Copperline agreements of 2025-02-01 that differ only in currency: are one entry
    # to it. Written with the currency after the name, they differ.
    text = CROSSBORDER.read_text(encoding="utf-8").replace(
        'plugin "beancount_factoring.plugin"',
        'plugin "beancount.plugins.noduplicates"\nplugin "beancount_factoring.plugin"',
    )
    _, errors, _ = loader.load_string(text)
    assert len(errors) == 1 and errors[0].message.startswith("Duplicate entry")
    _, errors, _ = loader.load_string(rewrite(text))
    assert errors == []


AGREEMENT = """
2025-01-01 custom "factoring-agreement" "Copperline"{values}
  advance-rate: 0.90
  fee: "flat 3%"
  recourse-days: 60
  payee: "COPPERLINE"
  bank: Assets:Bank:Checking{key}
"""


def errors_of(values: str, key: str = "", directive: str = "factoring-agreement"):
    text = AGREEMENT.format(values=values, key=key).replace("factoring-agreement", directive)
    _, errors = load(text)
    return errors


def test_the_same_currency_both_ways_is_fine():
    assert errors_of(' "CAD"', '\n  currency: "CAD"') == []


@pytest.mark.parametrize(
    ("values", "key", "expected"),
    [
        (
            ' "CAD"',
            '\n  currency: "USD"',
            "Agreement 'Copperline': the currency after the name, \"CAD\", is not the "
            "key 'currency', \"USD\": write the agreement's currency once, keep the one "
            "the factor agreed and delete the other",
        ),
        (
            ' "cad"',
            "",
            "Agreement 'Copperline': the currency after the name, \"cad\", must be in "
            'capitals: "CAD"',
        ),
        (
            ' "Funding"',
            "",
            "Agreement 'Copperline': \"Funding\" after the name is not a currency; the "
            "directive takes the factor's name and, for an agreement of one currency, that "
            'currency: custom "factoring-agreement" "Copperline" "CAD", or currency: "CAD" '
            'under it. Write a name of several words as one string ("Copperline Capital"), '
            "and every term as a key under the directive",
        ),
        (
            " 0.95",
            "",
            "Agreement 'Copperline': 0.95 after the name is not a currency; the directive "
            "takes the factor's name and",
        ),
        (
            ' "CAD" "USD"',
            "",
            "Agreement 'Copperline': \"USD\" after the currency is one value too many; the "
            "directive takes the factor's name and, for an agreement of one currency, that "
            'currency: custom "factoring-agreement" "Copperline" "CAD", or currency: "CAD" '
            "under it",
        ),
        (' "JPY"', "", "Agreement 'Copperline': the currency after the name, \"JPY\", has no "),
    ],
)
def test_a_value_after_the_name_that_cannot_be_read_is_fct110(values, key, expected):
    errors = errors_of(values, key)
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    assert expected in errors[0].message
    # At the directive's line (the plugin line, a blank line, five opens, a blank line).
    assert errors[0].source["lineno"] == 9


def test_an_offer_reads_the_value_too():
    errors = errors_of(' "CAD" 15', "", "factoring-offer")
    assert codes(errors) == ["FCT110"]
    assert errors[0].message.startswith("FCT110 Offer 'Copperline': 15 after the currency")
    assert errors_of(' "CAD"', '\n  currency: "CAD"', "factoring-offer") == []


def test_the_same_day_and_currency_written_both_ways_is_one_line():
    # "Copperline" "CAD" and a Copperline with currency: "CAD" on one day are two
    # agreements of one currency on one day: which applies cannot be told.
    text = AGREEMENT.format(values=' "CAD"', key="") + AGREEMENT.format(
        values="", key='\n  currency: "CAD"'
    )
    _, errors = load(text)
    assert codes(errors) == ["FCT110"]
    assert "a second agreement of this factor dated 2025-01-01 for CAD" in errors[0].message
    # With another currency, two lines: no error.
    text = AGREEMENT.format(values=' "CAD"', key="") + AGREEMENT.format(values=' "USD"', key="")
    assert load(text)[1] == []


def test_the_bank_importer_picks_the_clearing_account_of_the_lines_currency():
    # The bank importer matches a line to the agreement of its factor and currency: a CAD
    # line of COPPERLINE to the CAD agreement's clearing account, written either way.
    for text in (LEDGER, rewrite(LEDGER)):
        entries, _, _ = loader.load_string(text)
        by_agreement = _ByAgreement(entries)
        for currency in ("USD", "CAD"):
            clearing = by_agreement.clearing(
                "COPPERLINE", datetime.date(2025, 3, 4), f"Assets:Bank:{currency}", currency
            )
            assert clearing == f"Assets:Factoring:Copperline:{currency}:Clearing"


# A word after the name that has a currency's form (capitals) but names no currency:
# "Copperline" "LLC" was read as an agreement for LLC alone, and then every event of
# the factor (in USD) was FCT111 "it has agreements for LLC only". The value is a
# currency when it is an ISO 4217 code or a commodity the ledger knows (declared, or
# used in a posting, a price or a balance); else one FCT110 at the directive's line says
# what was read and how to write it, as for "Funding".


@pytest.mark.parametrize("word", ["LLC", "INC", "LTD", "LP", "CORP", "CO", "PLC", "GMBH"])
def test_a_company_word_after_the_name_is_one_fct110_not_a_currency(word):
    errors = errors_of(f' "{word}"')
    assert codes(errors) == ["FCT110"], [e.message for e in errors]
    message = errors[0].message
    assert f'"{word}" after the name is no currency' in message
    assert f'("Copperline {word}")' in message  # the name of several words, as one string
    assert f"commodity {word}" in message  # or, if it is a currency of yours, declare it
    assert errors[0].source["lineno"] == 9


def test_a_company_word_after_the_name_leaves_the_events_without_fct111():
    # LATE's Summit written "Summit" "LLC": before, the deposit was FCT111 ("agreements
    # for LLC only"). Now the agreement's line alone is in error, as for "Funding"; the
    # factor's events raise no FCT111.
    text = LATE.replace('"factoring-agreement" "Summit"', '"factoring-agreement" "Summit" "LLC"')
    _, errors = load(text)
    assert "FCT111" not in codes(errors)
    assert codes(errors)[0] == "FCT110"
    assert errors[0].source["lineno"] == 9


@pytest.mark.parametrize("currency", ["CAD", "USD", "EUR", "MXN", "GBP", "CHF"])
def test_an_iso_currency_the_ledger_has_not_used_yet_is_read_as_before(currency):
    # A line of agreements set up before its first sale: no posting in it yet.
    assert errors_of(f' "{currency}"') == []


@pytest.mark.parametrize(
    "known",
    [
        "2024-01-01 commodity USDC\n",
        '2025-01-02 * "Swap"\n  Assets:Bank:Checking  10.00 USDC\n  Income:Freight\n',
        "2025-01-02 price USDC  1.00 USD\n",
        "2025-01-02 balance Assets:Bank:Checking  0.00 USDC\n",
        "2025-01-01 open Assets:Bank:Stable  USDC\n",
    ],
)
def test_a_commodity_the_ledger_knows_is_a_currency_after_the_name(known):
    text = AGREEMENT.format(values=' "USDC"', key="") + "\n" + known
    _, errors = load(text)
    assert errors == []


def test_a_commodity_the_ledger_does_not_know_is_fct110():
    errors = errors_of(' "USDC"')
    assert codes(errors) == ["FCT110"]
    assert '"USDC" after the name is no currency' in errors[0].message


def test_an_offer_reads_a_company_word_the_same_way():
    errors = errors_of(' "LLC"', "", "factoring-offer")
    assert codes(errors) == ["FCT110"]
    assert errors[0].message.startswith("FCT110 Offer 'Copperline': \"LLC\" after the name")


def test_the_bank_importer_reads_a_word_after_the_name_as_the_plugin_does():
    # It reads the agreements alone, and the ledger's currencies from all of it: a USDC
    # the ledger posts makes "Copperline" "USDC" an agreement for USDC; "LLC" is none.
    swap = '2025-01-02 * "Swap"\n  Assets:Bank:Checking  10.00 USDC\n  Income:Freight\n'
    for word, expected in (("USDC", ["USDC"]), ("LLC", [])):
        text = AGREEMENT.format(values=f' "{word}"', key="") + "\n" + swap
        entries, _, _ = loader.load_string(text)
        by_agreement = _ByAgreement(entries)
        assert [a.currency for a in by_agreement.agreements.latest()] == expected
