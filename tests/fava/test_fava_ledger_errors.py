"""The pages on a ledger with errors: a notice above the figures, and a data endpoint that
refuses as ``bean-factoring`` does (FCT314) unless ``ignore-errors``.

The rule is the command line's (``reports.load_errors``): any error of the load, the
plugin's or Beancount's, may make any figure wrong. A broken agreement (FCT110) leaves
its factor's invoices unfactored: the Reserve page read "No reserve is held" and the
endpoint answered 200 with figures, with no word of the error; only the Reconciliation
page listed it.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from fava.core import FavaLedger
from fava_ledgers import CROSSBORDER, EUROPE, EXAMPLE, YEAR, make_app
from flask import Flask

from beancount_factoring import cli
from beancount_factoring.fava import FactoringReserve

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")

# An invoice Summit bought: face 1,000.00, advance 95% = 950.00, fee flat 2% = 20.00, so
# the deposit is 930.00 and the reserve held 1,000.00 - 950.00 = 50.00. The agreement's
# `reserve-rate` is no number (FCT110, line 15): the plugin drops the agreement.
LEDGER = """\
option "title" "{title}"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
2025-01-01 custom "fava-extension" "beancount_factoring.fava"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
{broken}
2025-01-02 * "Acme Corp" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:Acme        1000.00 USD
  Income:Freight

2025-01-05 * "SUMMIT" "Advance" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing
{tail}"""
BROKEN = '  reserve-rate: "lots"\n'
FCT110 = (
    "FCT110 Agreement 'Summit', key 'reserve-rate' (column 3): \"lots\" must be a number "
    "from 0 to 1, like 0.95 for 95%"
)
# A bank balance the books do not reach: Beancount's error, no factoring one.
BALANCE = "\n2025-01-06 balance Assets:Bank:Checking  900.00 USD\n"
# A line Beancount cannot parse.
GARBLED = '\n2025-01-07 * "Half typed\n  Assets:Bank:Checking\n'

AFFECTS = {
    "FactoringReserve": "the reserve held, owed now and due back",
    "FactoringAging": "what is overdue and the receivables we and the factors hold",
    "FactoringCost": "the fees, the annual rates and the comparison with offers",
    "FactoringReconciliation": "the clearing residue, what explains it and what needs attention",
}


def write(folder: Path, title: str, broken: str = BROKEN, tail: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "books.beancount"
    path.write_text(LEDGER.format(title=title, broken=broken, tail=tail), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("errors")
    return {
        "broken": write(folder / "broken", "Broken"),
        "two": write(folder / "two", "Two errors", tail=BALANCE),
        "balance": write(folder / "balance", "Balance", broken="", tail=BALANCE),
        "garbled": write(folder / "garbled", "Garbled", broken="", tail=GARBLED),
        "clean": write(folder / "clean", "Clean", broken=""),
    }


@pytest.fixture(scope="module")
def app(ledgers: dict[str, Path]) -> Flask:
    return make_app(*ledgers.values())


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def notice_of(html: str) -> str | None:
    """The notice's HTML, or None."""
    found = re.search(r'<div class="factoring-ledger-errors"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def page_html(app: Flask, slug: str, page: str, query: str = "") -> str:
    response = app.test_client().get(f"/{slug}/extension/{page}/" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_says_the_error_above_its_figures(app: Flask, page: str) -> None:
    html = page_html(app, "broken", page)
    notice = notice_of(html)
    assert notice is not None
    # At the top: under the tabs, before the page's figures.
    assert html.index('class="factoring-ledger-errors"') < html.index('class="factoring-figures"')
    assert text_of(notice) == (
        "FCT314 the ledger has 1 error, so the figures on this page could be wrong: "
        f"{AFFECTS[page]}, and every table and chart below. The first is at "
        f"books.beancount:15: {FCT110}. Fix it (see Fava's Errors page)."
    )
    # The place is a link to Fava's editor at its line, as on Fava's Errors page; the
    # Errors page is linked too.
    assert re.search(
        r'<a href="/broken/editor/\?file_path=%2F[^"]*books.beancount&amp;line=15"', notice
    )
    assert '<a href="/broken/errors/">Fava\'s Errors page</a>' in notice
    # The figures are still there (a bookkeeper mid-edit sees them, under the notice).
    assert 'class="factoring-figures"' in html


def test_the_reserve_page_no_longer_says_nothing_is_held_in_silence(app: Flask) -> None:
    html = page_html(app, "broken", "FactoringReserve")
    # The agreement dropped, nothing is held: said, but under the notice.
    assert "No reserve is held" in html
    assert html.index("factoring-ledger-errors") < html.index("No reserve is held")
    # Fixed, the 50.00 is held and there is no notice.
    clean = page_html(app, "clean", "FactoringReserve")
    assert notice_of(clean) is None
    assert "Reserve held: <strong>50.00 USD</strong>" in clean


def test_two_errors_are_counted_and_the_first_is_named(app: Flask) -> None:
    notice = notice_of(page_html(app, "two-errors", "FactoringCost"))
    assert notice is not None
    said = text_of(notice)
    assert said.startswith("FCT314 the ledger has 2 errors, so the figures on this page")
    assert f"The first is at books.beancount:15: {FCT110}." in said
    assert said.endswith("Fix them (Fava's Errors page lists all 2).")


def test_the_data_endpoint_refuses_as_the_command_line_does(
    app: Flask, ledgers: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(ledgers["broken"])
    for page in PAGES:
        response = app.test_client().get(f"/broken/extension/{page}/data")
        assert response.status_code == 409
        assert response.mimetype == "application/json"
        assert json.loads(response.get_data(as_text=True)) == {
            "error": (
                f"FCT314 the ledger has 1 error, so the report could be wrong: the first at "
                f"{path}:15: {FCT110}; fix them (Fava's Errors page lists them all), or ask "
                "with ignore-errors=1 for the report all the same, as bean-factoring "
                "--ignore-errors gives it"
            ),
            "errors": {"count": 1, "first": {"source": f"{path}:15", "message": FCT110}},
        }
    # The command line refuses the same ledger with the same words.
    assert cli.main(["reserve", path]) == 2
    said = "FCT314 the ledger has 1 error, so the report could be wrong; "
    assert said in capsys.readouterr().err


def test_ignore_errors_gives_the_report_with_its_errors(
    app: Flask, ledgers: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(ledgers["broken"])
    response = app.test_client().get("/broken/extension/FactoringReserve/data?ignore-errors=1")
    assert response.status_code == 200
    data = response.json
    assert data is not None
    assert data.pop("errors") == {
        "count": 1,
        "first": {"source": f"{path}:15", "message": FCT110},
    }
    data.pop("page")
    # The figures are the command line's under --ignore-errors: no factor, no reserve.
    assert cli.main(["reserve", path, "--ignore-errors", "--format", "json"]) == 0
    assert data == json.loads(capsys.readouterr().out)
    assert data["factors"] == []


AGING_DATA = "/broken/extension/FactoringAging/data"


@pytest.mark.parametrize("value", ["", "1", "true", "yes"])
def test_ignore_errors_takes_the_usual_words_for_yes(app: Flask, value: str) -> None:
    response = app.test_client().get(f"{AGING_DATA}?ignore-errors={value}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["0", "false", "no"])
def test_ignore_errors_off_is_a_refusal(app: Flask, value: str) -> None:
    response = app.test_client().get(f"{AGING_DATA}?ignore-errors={value}")
    assert response.status_code == 409


def test_a_bad_ignore_errors_is_a_bad_request(app: Flask) -> None:
    response = app.test_client().get("/broken/extension/FactoringCost/data?ignore-errors=maybe")
    assert response.status_code == 400
    assert response.json == {
        "error": "ignore-errors: FCT301 must be 1 (or true, yes) or 0 (or false, no), not 'maybe'"
    }


@pytest.mark.parametrize("name", ["broken", "balance", "clean"])
def test_the_pages_and_the_command_line_share_the_rule(
    app: Flask, ledgers: dict[str, Path], name: str
) -> None:
    # A balance assertion that fails is Beancount's error, not the plugin's: it counts,
    # as for bean-factoring (the reserve's figures are from the same books).
    refused = cli.main(["aging", str(ledgers[name])]) == 2
    noticed = notice_of(page_html(app, name, "FactoringAging")) is not None
    status = app.test_client().get(f"/{name}/extension/FactoringAging/data").status_code
    wrong = name != "clean"
    assert (refused, noticed, status) == (wrong, wrong, 409 if wrong else 200)


def test_a_clean_ledgers_data_says_no_errors(app: Flask) -> None:
    data = app.test_client().get("/clean/extension/FactoringReserve/data").json
    assert data is not None
    assert data["errors"] is None
    (factor,) = data["factors"]
    assert factor["held"] == "50.00"


def test_an_unreadable_ledger_is_refused_even_with_ignore_errors(
    app: Flask, ledgers: dict[str, Path]
) -> None:
    # The page shows the notice (the bookkeeper is typing); the endpoint gives no report,
    # as bean-factoring gives none (FCT310) of a ledger Beancount cannot read whole.
    notice = notice_of(page_html(app, "garbled", "FactoringReserve"))
    assert notice is not None and "books.beancount:25" in text_of(notice)
    response = app.test_client().get("/garbled/extension/FactoringReserve/data?ignore-errors=1")
    assert response.status_code == 409
    error = response.json["error"]  # type: ignore[index]
    assert error.startswith("FCT314 the ledger has 2 errors, so the report could be wrong")
    assert error.endswith(
        "part of the ledger could not be read, so no report is given even with "
        "ignore-errors, as bean-factoring gives none (FCT310): fix it (Fava's Errors page "
        "lists them all)"
    )
    assert cli.main(["reserve", str(ledgers["garbled"]), "--ignore-errors"]) == 2


def test_the_notice_goes_when_the_error_is_fixed(tmp_path: Path) -> None:
    path = write(tmp_path, "Fixed later")
    ledger = FavaLedger(str(path))
    page = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(page, FactoringReserve)
    said = page.ledger_errors
    assert said is not None and said.count == 1
    write(tmp_path, "Fixed later", broken="")
    ledger.load_file()
    assert page.ledger_errors is None
    held = {f.factor: str(f.held) for f in page.state.book.reserve(None, None).factors}
    assert held == {"Summit": "50.00"}


EXAMPLE_SLUGS = {
    EXAMPLE: "ridgeline-freight-llc",
    YEAR: "ridgeline-freight-llc-2",
    EUROPE: "routakallio-metal-oy",
    CROSSBORDER: "tamarack-haulage-ltd",
}


@pytest.fixture(scope="module")
def examples() -> Flask:
    return make_app(*EXAMPLE_SLUGS)


@pytest.mark.parametrize("slug", EXAMPLE_SLUGS.values())
def test_the_example_ledgers_show_no_notice(examples: Flask, slug: str) -> None:
    ledger: FavaLedger = examples.config["LEDGERS"][slug]
    assert list(ledger.load_errors) == []
    client = examples.test_client()
    for page in PAGES:
        html = page_html(examples, slug, page)
        assert notice_of(html) is None
        response = client.get(f"/{slug}/extension/{page}/data")
        assert response.status_code == 200
        assert response.json["errors"] is None  # type: ignore[index]
