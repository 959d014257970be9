"""The factoring pages through Fava's test client: content, filters, errors, methods."""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape
from pathlib import Path

import pytest
from beancount import loader
from fava.core import FavaLedger
from fava_ledgers import EXAMPLE, EXAMPLE_SLUG, HOSTILE, SMALL_SLUG, make_app, write_small
from flask import Flask
from flask.testing import FlaskClient

import beancount_factoring.fava.state as state_module
from beancount_factoring.fava import FactoringReserve
from beancount_factoring.reports import compute

from ledgers import SHARED_FEES as SHARED_FEES_LEDGER
from ledgers import SHORT_PAY_THEN_LATE_FEE as SHORT_PAY_LEDGER
from ledgers import SILENCED_162

PAGES = {
    "FactoringReserve": ["Reserve held per factor", "Open reserves", "Forfeited reserves"],
    "FactoringAging": ["Receivables we hold", "Invoices the factors hold", "Tie-out"],
    "FactoringCost": [
        "By factor",
        "By customer",
        "By month",
        "By invoice, over its whole life",
        "Days to pay",
    ],
    "FactoringReconciliation": ["Clearing accounts", "Open items", "Unallocated lump sums"],
}


def url(page: str, slug: str = EXAMPLE_SLUG, query: str = "") -> str:
    return f"/{slug}/extension/{page}/" + (f"?{query}" if query else "")


def components(html: str, kind: str) -> list[object]:
    """The JSON data of each ``<svelte-component type=kind>`` of a page."""
    pattern = (
        rf'<svelte-component type="{kind}"[^>]*><script type="application/json">(.*?)</script>'
    )
    return [json.loads(found) for found in re.findall(pattern, html, re.S)]


def rows(html: str, index: int = 0, totals: bool = False) -> list[list[object]]:
    """The rows of the page's ``index``-th table; with ``totals`` its total rows (text,
    from the element's ``data-totals``, which the page's script writes in its footer)."""
    if totals:
        return [json.loads(html_unescape(found)) for found in _totals(html)][index]  # type: ignore[no-any-return]
    found: list[list[object]] = components(html, "query-table")[index]["rows"]  # type: ignore[index]
    return found


def _totals(html: str) -> list[str]:
    """Each query table's ``data-totals`` attribute ("[]" when it has none)."""
    return [
        (re.search(r'data-totals="([^"]*)"', tag) or re.match("()", "")).group(1) or "[]"  # type: ignore[union-attr]
        for tag in re.findall(r'<svelte-component type="query-table"[^>]*>', html)
    ]


def figure(html: str, label: str) -> str:
    found = re.search(rf"{label}: <strong>([^<]*)</strong>", html)
    assert found, f"no figure {label!r}"
    return found.group(1)


def test_the_extension_adds_four_pages_to_the_sidebar(app: Flask) -> None:
    ledger: FavaLedger = app.config["LEDGERS"][EXAMPLE_SLUG]
    details = {d.name: d.report_title for d in ledger.extensions.extension_details}
    assert details == {
        "FactoringAging": "Factoring: Aging",
        "FactoringCost": "Factoring: Cost",
        "FactoringReconciliation": "Factoring: Reconciliation",
        "FactoringReserve": "Factoring: Reserve",
    }
    assert ledger.extensions.errors == []


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_its_tables_and_chart(client: FlaskClient, page: str) -> None:
    response = client.get(url(page))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for heading in PAGES[page]:
        # The settled history is behind a <details> control, named by its summary.
        assert f"<h3>{heading}</h3>" in html or f"<summary>{heading}:" in html
    assert components(html, "query-table")
    assert components(html, "charts")
    # The ledger's last transaction; its last entries, 2025-04-01, are balance assertions.
    assert "As of: <strong>2025-03-31</strong>" in html
    script = client.get(f"/{EXAMPLE_SLUG}/extension_js_module/{page}.js")
    assert script.status_code == 200


def test_reserve_page_figures_tie_to_the_reserve_accounts(client: FlaskClient) -> None:
    html = client.get(url("FactoringReserve")).get_data(as_text=True)
    factors = rows(html, 0)
    # Factor, account, awaiting, release due, overdue, held, balance, unexplained, due back
    assert [row[:2] for row in factors] == [
        ["Lakeshore", "Assets:Factoring:Lakeshore:Reserve"],
        ["Pinecrest", "Assets:Factoring:Pinecrest:Reserve"],
    ]
    assert [(row[5], row[6], row[7]) for row in factors] == [
        (384.0, 384.0, 0.0),
        (382.5, 382.5, 0.0),
    ]
    # Fees accrued to the date (Lakeshore's flat fee is all taken at purchase, Pinecrest's
    # tiered fee comes out of the reserve), and the reserve held net of them.
    table = components(html, "query-table")[0]
    assert [column["name"] for column in table["types"]][-2:] == [  # type: ignore[index]
        "Fees accrued",
        "Held net of fees",
    ]
    assert [round(row[5] - row[9], 2) for row in factors] == [row[10] for row in factors]
    assert factors[0][9] == 0.0 and factors[1][9] > 0
    assert figure(html, "Reserve held") == "766.50 USD"
    assert figure(html, "Amounts in") == "USD"
    open_reserves = rows(html, 1)
    assert [row[0] for row in open_reserves] == [
        "RF-1019",
        "RF-1020",
        "RF-1021",
        "RF-1022",
        "RF-1023",
    ]
    forfeited = rows(html, 2)
    assert {row[0]: row[4] for row in forfeited} == {
        "RF-1003": "short-pay",
        "RF-1004": "chargeback",
    }


def test_the_reserve_chart_is_its_balance_over_time(client: FlaskClient) -> None:
    html = client.get(url("FactoringReserve")).get_data(as_text=True)
    (charts,) = components(html, "charts")
    labels = [chart["label"] for chart in charts]  # type: ignore[attr-defined]
    assert labels == ["Reserve held, all factors", "Lakeshore reserve", "Pinecrest reserve"]
    lakeshore = charts[1]["data"]  # type: ignore[index]
    assert all(chart["type"] == "balances" for chart in charts)  # type: ignore[attr-defined]
    # 2025-02-01 balance assertion in the ledger: 632.25; then a step on 02-05.
    by_date = {point["date"]: point["balance"]["USD"] for point in lakeshore}
    assert by_date["2025-01-29"] == 632.25
    assert by_date["2025-02-04"] == 632.25
    assert by_date["2025-02-05"] == 742.25
    assert lakeshore[-1] == {"date": "2025-03-31", "balance": {"USD": 384.0}}


def test_the_time_filter_sets_the_as_of_date(client: FlaskClient) -> None:
    html = client.get(url("FactoringReserve", query="time=2025-02")).get_data(as_text=True)
    assert figure(html, "As of") == "2025-02-28"
    assert figure(html, "Period from") == "2025-02-01"
    factors = rows(html, 0)
    held = {row[0]: row[5] for row in factors}
    assert held != {"Lakeshore": 384.0, "Pinecrest": 382.5}
    (charts,) = components(html, "charts")
    lakeshore = charts[1]["data"]  # type: ignore[index]
    assert lakeshore[0]["date"] == "2025-02-01"  # the balance carried into the period
    assert lakeshore[0]["balance"]["USD"] == 632.25
    assert lakeshore[-1]["date"] == "2025-02-28"

    aging = client.get(url("FactoringAging", query="time=2025-01")).get_data(as_text=True)
    assert figure(aging, "As of") == "2025-01-31"


def test_a_time_filter_past_the_ledger_stops_at_its_last_date(client: FlaskClient) -> None:
    html = client.get(url("FactoringAging", query="time=2025")).get_data(as_text=True)
    assert figure(html, "As of") == "2025-03-31"


def test_the_cost_page_counts_fees_from_the_start_of_the_time_filter(
    client: FlaskClient,
) -> None:
    whole = rows(client.get(url("FactoringCost")).get_data(as_text=True), 2)
    march = rows(client.get(url("FactoringCost", query="time=2025-03")).get_data(as_text=True), 2)
    assert {row[0] for row in whole} == {"2025-01", "2025-02", "2025-03"}
    assert {row[0] for row in march} == {"2025-03"}


def test_the_cost_page_shows_each_invoices_whole_life_cost(client: FlaskClient) -> None:
    html = client.get(url("FactoringCost")).get_data(as_text=True)
    invoices = rows(html, 3)  # after the factors, customers and months
    entries, errors, options_map = loader.load_file(str(EXAMPLE))
    report = compute(entries, options_map, errors).cost()
    # One currency: no Currency column. Invoice, customer, factors, fees ... rate.
    assert [row[0] for row in invoices] == [line.invoice for line in report.by_invoice]
    assert {row[2] for row in invoices} == {"Lakeshore", "Pinecrest"}
    assert [row[-1] for row in invoices] == [
        float(round(line.annual_rate * 100, 2)) for line in report.by_invoice
    ]


def test_the_account_filter_keeps_the_rows_of_the_accounts_it_names(
    client: FlaskClient,
) -> None:
    query = "account=Assets:Factoring:Lakeshore"
    html = client.get(url("FactoringReserve", query=query)).get_data(as_text=True)
    assert [row[0] for row in rows(html, 0)] == ["Lakeshore"]
    assert {row[2] for row in rows(html, 1)} == {"Lakeshore"}

    query = "account=Assets:Receivable:Northstar"
    aging = client.get(url("FactoringAging", query=query)).get_data(as_text=True)
    assert [row[0] for row in rows(aging, 0)] == ["Northstar"]  # the factors hold it
    invoices = rows(aging, 1)
    assert {row[1] for row in invoices} == {"Northstar"}


def test_the_factor_parameter_narrows_to_one_factor(client: FlaskClient) -> None:
    html = client.get(url("FactoringCost", query="factor=pinecrest")).get_data(as_text=True)
    assert [row[0] for row in rows(html, 0)] == ["Pinecrest"]


def test_the_aging_basis_is_the_due_date_unless_asked(client: FlaskClient) -> None:
    by_due = client.get(url("FactoringAging")).get_data(as_text=True)
    by_invoice = client.get(url("FactoringAging", query="basis=invoice")).get_data(as_text=True)
    assert figure(by_invoice, "Aged by") == "invoice date"
    assert figure(by_due, "Aged by") == "due date"
    days = {row[0]: row[6] for row in rows(by_invoice, 2)}
    days_due = {row[0]: row[6] for row in rows(by_due, 2)}
    # Invoiced 2025-03-05, due 2025-04-04, as of 2025-03-31: 26 days old, due in 4.
    assert days["RF-1020"] == 26 and days_due["RF-1020"] == -4


def test_invoices_link_to_the_journal_of_their_link(app: Flask, client: FlaskClient) -> None:
    html = client.get(url("FactoringReserve")).get_data(as_text=True)
    found = re.search(r'data-invoice-column="(\d+)" data-journal="([^"]+)"', html)
    assert found
    assert found.group(1) == "0"
    assert found.group(2) == f"/{EXAMPLE_SLUG}/journal/"
    # The page's script links RF-1020 to journal/?filter=^RF-1020: the invoice's life.
    assert client.get(f"/{EXAMPLE_SLUG}/journal/?filter=%5ERF-1020").status_code == 200
    ledger: FavaLedger = app.config["LEDGERS"][EXAMPLE_SLUG]
    life = ledger.get_filtered(filter="^RF-1020").entries
    assert len(life) >= 3  # the invoice, its schedule, its funding


def test_the_pages_only_read(client: FlaskClient) -> None:
    for page in PAGES:
        for target in (
            url(page),
            f"/{EXAMPLE_SLUG}/extension/{page}/data",
            f"/{EXAMPLE_SLUG}/extension_js_module/{page}.js",
        ):
            assert client.get(target).status_code == 200
            assert client.head(target).status_code == 200
            for method in ("POST", "PUT", "DELETE", "PATCH"):
                response = client.open(target, method=method, data=b"{}")
                assert response.status_code == 405, (target, method)
                assert "GET" in response.headers["Allow"]


def test_the_data_endpoint_is_the_report_as_json(client: FlaskClient) -> None:
    response = client.get(f"/{EXAMPLE_SLUG}/extension/FactoringReserve/data?time=2025-02")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.json["as_of"] == "2025-02-28"
    assert {f["factor"] for f in response.json["factors"]} == {"Lakeshore", "Pinecrest"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("factor=Nobody", "factor: FCT302 No factoring agreement names the factor"),
        ("time=not-a-date", "time: FCT301 Failed to parse date"),
        ("basis=weekly", "basis: FCT301 must be"),
    ],
)
def test_a_bad_parameter_is_a_bad_request(client: FlaskClient, query: str, message: str) -> None:
    for page in ("FactoringAging", "FactoringReserve"):
        response = client.get(url(page, query=query))
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    response = client.get(f"/{EXAMPLE_SLUG}/extension/FactoringAging/data?{query}")
    assert response.status_code == 400
    assert message in response.json["error"]


def test_ledger_strings_are_escaped(client: FlaskClient) -> None:
    for page in PAGES:
        html = client.get(url(page, slug=SMALL_SLUG)).get_data(as_text=True)
        assert HOSTILE not in html
        assert "<script>alert" not in html
    html = client.get(url("FactoringReserve", slug=SMALL_SLUG)).get_data(as_text=True)
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    customers = {row[1] for row in rows(html, 1)}
    assert HOSTILE in customers  # the JSON gives the name back, unchanged


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            "\"{'aging-basis': 'weekly'}\"",
            "'aging-basis' must be 'invoice' or 'due', not 'weekly'",
        ),
        ('"foo"', "the config 'foo' is not a Python dict literal"),
        ("\"{'as-of': 'yesterday'}\"", "'as-of' must be 'today' or a date"),
        ("\"{'colour': 'red'}\"", "unknown key 'colour'"),
        # Python keeps the last of a key written twice, without a word: which is meant?
        (
            "\"{'as-of': '2025-01-31', 'as-of': '2025-02-28'}\"",
            "key 'as-of' is written twice ('2025-01-31', then '2025-02-28')",
        ),
        # The same in a JSON object.
        (
            '"{\\"aging-basis\\": \\"due\\", \\"aging-basis\\": \\"invoice\\"}"',
            "key 'aging-basis' is written twice ('due', then 'invoice')",
        ),
        # A date without quotes: Python refuses 01 (a leading zero) or reads 2025-12-31
        # as a sum.
        ("\"{'as-of': 2025-01-31}\"", "the date 2025-01-31 is not in quotes: write '2025-01-31'"),
        ("\"{'as-of': 2025-12-31}\"", "the date 2025-12-31 is not in quotes: write '2025-12-31'"),
        (
            "\"{'aging_basis': 'invoice'}\"",
            "unknown key 'aging_basis' in the config (did you mean 'aging-basis'?)",
        ),
        ("\"{'asof': 'today'}\"", "unknown key 'asof' in the config (did you mean 'as-of'?)"),
        ("\"{aging-basis: 'due'}\"", "is not a Python dict literal"),
        ('"{\\"aging-basis\\": true}"', "'aging-basis' must be 'invoice' or 'due', not True"),
    ],
)
def test_a_bad_config_is_an_error_and_the_ledger_still_loads(
    tmp_path: Path, config: str, message: str
) -> None:
    path = write_small(tmp_path, config)
    app = make_app(path)
    client = app.test_client()
    ledger: FavaLedger = app.config["LEDGERS"][SMALL_SLUG]
    assert len(ledger.all_entries) > 10  # loaded
    errors = client.get(f"/{SMALL_SLUG}/api/errors").json["data"]
    ours = [e for e in errors if "beancount_factoring.fava" in e["message"]]
    assert len(ours) == 1, errors
    assert ours[0]["message"].startswith(
        "FCT300 bad extension config for beancount_factoring.fava"
    )
    assert message in ours[0]["message"]
    assert ours[0]["source"] == {"filename": str(path), "lineno": 4}
    # The pages still work, with the defaults, and say why.
    page = client.get(url("FactoringAging", slug=SMALL_SLUG))
    assert page.status_code == 200
    assert "FCT300 bad extension config" in page.get_data(as_text=True)
    # A reload reports it again, once.
    ledger.load_file()
    errors = client.get(f"/{SMALL_SLUG}/api/errors").json["data"]
    assert len([e for e in errors if "beancount_factoring.fava" in e["message"]]) == 1


def test_a_good_config_is_used(tmp_path: Path) -> None:
    path = write_small(tmp_path, "\"{'as-of': '2025-01-31', 'aging-basis': 'due'}\"")
    client = make_app(path).test_client()
    html = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert figure(html, "As of") == "2025-01-31"
    assert figure(html, "Aged by") == "due date"
    assert client.get(f"/{SMALL_SLUG}/api/errors").json["data"] == []


@pytest.mark.parametrize(
    "config",
    [
        '"{\\"as-of\\": \\"2025-01-31\\", \\"aging-basis\\": \\"invoice\\"}"',
        # JSON's null is a key left out: the ledger's own date.
        '"{\\"as-of\\": null, \\"aging-basis\\": \\"invoice\\"}"',
    ],
)
def test_a_json_config_is_read(tmp_path: Path, config: str) -> None:
    path = write_small(tmp_path, config)
    client = make_app(path).test_client()
    assert client.get(f"/{SMALL_SLUG}/api/errors").json["data"] == []
    html = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert figure(html, "Aged by") == "invoice date"
    if "null" not in config:
        assert figure(html, "As of") == "2025-01-31"


def test_reports_are_computed_once_per_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    compute = state_module.compute

    def counting(*args: object) -> object:
        calls.append(1)
        return compute(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(state_module, "compute", counting)
    path = write_small(tmp_path)
    app = make_app(path)
    client = app.test_client()
    assert calls == [1]  # at load (Fava's after_load_file), not on the first request
    for _ in range(3):
        for page in PAGES:
            assert client.get(url(page, slug=SMALL_SLUG)).status_code == 200
            assert client.get(url(page, slug=SMALL_SLUG, query="time=2025-01")).status_code == 200
    assert len(calls) == 1
    ledger: FavaLedger = app.config["LEDGERS"][SMALL_SLUG]
    page = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(page, FactoringReserve)
    before = page.state.book
    ledger.load_file()
    assert len(calls) == 2
    assert client.get(url("FactoringReserve", slug=SMALL_SLUG)).status_code == 200
    assert len(calls) == 2
    assert page.state.book is not before


def test_a_config_change_takes_effect_on_reload(tmp_path: Path) -> None:
    path = write_small(tmp_path)
    app = make_app(path)
    client = app.test_client()
    html = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert figure(html, "Aged by") == "due date"
    write_small(tmp_path, "\"{'aging-basis': 'invoice'}\"")
    app.config["LEDGERS"][SMALL_SLUG].load_file()
    html = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert figure(html, "Aged by") == "invoice date"


def test_the_aging_page_ties_out_a_loan_model_ledger(tmp_path: Path) -> None:
    # Summit under the loan model, Harbor under the sale model: INV-1 and INV-2 (Summit)
    # stay on the receivable accounts, pledged; INV-3 (Harbor) has left them.
    path = write_small(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n', 1),
        encoding="utf-8",
    )
    client = make_app(path).test_client()
    aging = client.get(url("FactoringAging", SMALL_SLUG, "time=2025-01")).get_data(as_text=True)
    held = {(row[0], row[1]): row[-2] for row in rows(aging, 0)}
    assert held == {
        (HOSTILE, "Summit"): 2000.0,
        ("Acme", "Harbor"): 500.0,
        ("Acme", "Summit"): 1000.0,
    }
    # We hold nothing; the receivable accounts' 3,000.00 are all pledged to Summit.
    (tie,) = rows(aging, 2)
    assert tie[-7:] == [0.0, 3000.0, 3000.0, 3500.0, 3500.0, 0.0, 0.0]


PAID_US_A_PART = """\
option "title" "Paid to us"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
2025-01-01 custom "fava-extension" "beancount_factoring.fava"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:TQL
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load 1"
  invoice: "INV-1"
  Assets:Receivable:TQL        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "ACH" ^INV-1
  Assets:Bank:Checking          930.00 USD
  Assets:Factoring:Summit:Clearing

2025-03-14 * "TQL" "TQL paid us a part" ^INV-1
  factoring: "misdirected-payment"
  Assets:Bank:Checking          400.00 USD
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_the_aging_page_shows_what_the_customer_still_owes_of_an_invoice_it_paid_us_a_part_of(
    tmp_path: Path, model: str
) -> None:
    # TQL paid us 400.00 of Summit's INV-1 (1,000.00): it owes 600.00 (the page showed
    # the face); the 400.00 is ours to forward to Summit, in the tie-out apart. Under the
    # loan model the receivable keeps the 1,000.00, pledged, until Summit's report.
    text = PAID_US_A_PART
    if model == "loan":
        text = text.replace("  recourse-days: 90\n", '  recourse-days: 90\n  model: "loan"\n')
    path = tmp_path / "paid.beancount"
    path.write_text(text, encoding="utf-8")
    client = make_app(path).test_client()
    aging = client.get(url("FactoringAging", "paid-to-us", "time=2025-03")).get_data(as_text=True)
    tables = components(aging, "query-table")
    held, invoices, tie = (table["rows"] for table in tables[-3:])  # type: ignore[index]
    assert [(row[0], row[1], row[-2]) for row in held] == [("TQL", "Summit", 600.0)]
    assert [(row[0], row[3], row[-2]) for row in invoices] == [
        ("INV-1", "paid to us, owed to factor", 600.0)
    ]
    pledged = 1000.0 if model == "loan" else 0.0
    # Ours, the receivable accounts, pledged, factors hold, funded, scheduled, paid to us
    # (one currency: the page leaves its column out).
    assert tie == [[0.0, pledged, pledged, 600.0, 600.0, 0.0, 400.0]]
    # The words above the tie-out add up as its columns do: factors hold 600.00 = funded
    # 600.00 + scheduled 0.00, the 400.00 paid to us already out of both (the text said
    # "less what their customers paid us", 600.00 - 400.00 = 200.00 to a reader).
    assert tables[-1]["types"][-1]["name"] == "Paid to us, the factors'"  # type: ignore[index]
    words = " ".join(aging.split())
    assert "less what their customers paid us" not in words
    assert "what their customers still owe on the invoices funded and not collected" in words
    assert "in the last column." in words


def test_the_data_endpoint_sends_one_page_of_each_long_list(client: FlaskClient) -> None:
    base = f"/{EXAMPLE_SLUG}/extension/FactoringReserve/data"
    whole = client.get(base).json
    # The example's reserve has fewer rows than a page: everything, and no next page.
    lakeshore = next(f for f in whole["factors"] if f["factor"] == "Lakeshore")
    rows = lakeshore["invoices"]
    assert len(rows) >= 3
    assert whole["page"]["offset"] == 0
    assert whole["page"]["limit"] == 1000
    assert whole["page"]["next"] is None
    total = whole["page"]["total"]
    assert total >= len(rows)
    # Pages of two rows: the first two invoices, then the next two; the summary stays.
    first = client.get(f"{base}?limit=2").json
    second = client.get(f"{base}?limit=2&offset=2").json
    assert first["page"] == {"offset": 0, "limit": 2, "total": total, "next": 2}
    assert second["page"]["next"] == (4 if total > 4 else None)
    paged = [next(f for f in d["factors"] if f["factor"] == "Lakeshore") for d in (first, second)]
    assert paged[0]["invoices"] == rows[:2]
    assert paged[1]["invoices"] == rows[2:4]
    assert paged[0]["held"] == paged[1]["held"] == lakeshore["held"]
    assert len(paged[0]["history"]) <= 2
    # Past the end: empty lists, the summary still whole.
    beyond = client.get(f"{base}?offset={total}").json
    assert all(f["invoices"] == [] for f in beyond["factors"])
    assert beyond["page"]["next"] is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=0", "limit: FCT301 give a page size of at least 1"),
        ("limit=100001", "limit: FCT301 give at most 10000 rows"),
        ("offset=-1", "offset: FCT301 '-1' is not a whole number"),
        ("offset=abc", "offset: FCT301 'abc' is not a whole number"),
    ],
)
def test_a_bad_page_is_a_bad_request(client: FlaskClient, query: str, message: str) -> None:
    for page in PAGES:
        response = client.get(f"/{EXAMPLE_SLUG}/extension/{page}/data?{query}")
        assert response.status_code == 400
        assert response.json["error"].startswith(message)


def test_the_reports_are_read_with_the_load(tmp_path: Path) -> None:
    app = make_app(write_small(tmp_path))
    page = app.config["LEDGERS"][SMALL_SLUG].extensions.get_extension("FactoringReserve")
    assert isinstance(page, FactoringReserve)
    # Fava's load hook read the reports: the first request finds them ready.
    assert page.state._book is not None


def test_each_page_of_the_default_view_is_made_in_the_background_after_a_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(write_small(tmp_path))
    client = app.test_client()
    ledger: FavaLedger = app.config["LEDGERS"][SMALL_SLUG]
    reserve = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(reserve, FactoringReserve)
    reserve.state.wait_warm(120)
    # Made already: the first request of each page only reads it.
    for name in PAGES:
        page = ledger.extensions.get_extension(name)

        def refuse(*args: object) -> object:
            raise AssertionError("the page was made on its first request")

        monkeypatch.setattr(type(page), "build", refuse)
        monkeypatch.setattr(type(page), "_data_json", refuse)
    for name in PAGES:
        assert client.get(url(name, slug=SMALL_SLUG)).status_code == 200
        assert client.get(url(name, slug=SMALL_SLUG, query="partial=true")).status_code == 200
        data = client.get(f"/{SMALL_SLUG}/extension/{name}/data")
        assert data.status_code == 200 and data.json["page"]["offset"] == 0


def test_a_reload_during_the_background_work_shows_the_new_figures(tmp_path: Path) -> None:
    path = write_small(tmp_path)
    app = make_app(path)
    client = app.test_client()
    ledger: FavaLedger = app.config["LEDGERS"][SMALL_SLUG]
    write_small(tmp_path, "\"{'aging-basis': 'invoice'}\"")
    ledger.load_file()  # at once: the first load's background work may not be done
    reserve = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(reserve, FactoringReserve)
    reserve.state.wait_warm(120)
    html = client.get(url("FactoringAging", slug=SMALL_SLUG)).get_data(as_text=True)
    assert figure(html, "Aged by") == "invoice date"


def test_the_first_load_of_fava_reads_the_plugins_own_settlement(tmp_path: Path) -> None:
    # Fava loads the ledger before it imports the pages; the plugin keeps its run for
    # them all the same (Fava is loaded), and the reports read it.
    from beancount_factoring.settlement import history

    app = make_app(write_small(tmp_path))
    ledger: FavaLedger = app.config["LEDGERS"][SMALL_SLUG]
    run = ledger.options[history.RUN_KEY]  # type: ignore[literal-required]
    assert isinstance(run, history.PluginRun)
    reserve = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(reserve, FactoringReserve)
    assert reserve.state.book.facts.book is run.book


# Summit and Harbor share their fee accounts (tests/reports/test_cost_shared_accounts.py),
# and a wire fee of 12.00 is typed by hand naming neither.
SHARED_FEES = (
    'option "title" "Shared fees"\n'
    + SHARED_FEES_LEDGER.replace(
        'plugin "beancount_factoring.plugin"\n',
        'plugin "beancount_factoring.plugin"\n'
        '2025-01-01 custom "fava-extension" "beancount_factoring.fava"\n',
        1,
    )
    + """2025-03-05 * "Bank" "Wire fee by hand"
  Expenses:Factoring:TransferFees   12.00 USD
  Assets:Bank:Checking
"""
)


def test_the_cost_page_shows_the_fees_of_no_factor(tmp_path: Path) -> None:
    # A wire fee of 12.00 typed by hand on the shared account tells no factor: a row of
    # its own, so the rows add up to the accounts: 30.00 + 45.00 + 12.00 = 87.00.
    path = tmp_path / "shared.beancount"
    path.write_text(SHARED_FEES, encoding="utf-8")
    client = make_app(path).test_client()
    page = client.get(url("FactoringCost", "shared-fees")).get_data(as_text=True)
    factors = {row[0]: row for row in rows(page, 0)}
    # Factor, Discount, Transfer, Other, Total fees, ...
    assert {key: row[1:5] for key, row in factors.items()} == {
        "Harbor": [30.0, 15.0, 0.0, 45.0],
        "Summit": [20.0, 10.0, 0.0, 30.0],
        "(no factor)": [0.0, 0.0, 12.0, 12.0],
    }
    assert list(factors)[-1] == "(no factor)"
    # Filtered to one of the accounts the two share: the fee may be either's, still shown.
    query = "account=Expenses:Factoring:TransferFees"
    page = client.get(url("FactoringCost", "shared-fees", query)).get_data(as_text=True)
    assert [row[0] for row in rows(page, 0)] == ["Harbor", "Summit", "(no factor)"]


# The short pay that takes a whole reserve (tests/ledgers.py), under the loan model.
SHORT_PAY_THEN_LATE_FEE = 'option "title" "Short pay"\n' + SHORT_PAY_LEDGER.replace(
    "{model}", 'model: "loan"'
).replace(
    "\n\n2025-01-01 open",
    '\n2025-01-01 custom "fava-extension" "beancount_factoring.fava"\n2025-01-01 open',
    1,
)


def test_the_reserve_page_says_the_reports_forfeited_figure(tmp_path: Path) -> None:
    # As the CLI: 350.00 forfeited for INV-1's short pay on 04-20, and 50.00 (INV-2's
    # 1,000.00 - 950.00) held, awaiting collection.
    path = tmp_path / "short.beancount"
    path.write_text(SHORT_PAY_THEN_LATE_FEE, encoding="utf-8")
    client = make_app(path).test_client()
    page = url("FactoringReserve", "short-pay", "time=2025-04 - 2025-05")
    html = client.get(page).get_data(as_text=True)
    (factor,) = rows(html, 0)
    # Factor, account, awaiting collection, release due, overdue, held.
    assert factor[2:6] == [50.0, 0.0, 0.0, 50.0]
    (forfeited,) = rows(html, 2)
    assert forfeited[0] == "INV-1" and forfeited[3:6] == ["forfeited", "short-pay", "2025-04-20"]
    assert forfeited[-2:] == [350.0, 350.0]


def test_the_reconciliation_page_says_an_item_whose_check_is_disabled_but_does_not_count_it(
    tmp_path: Path,
) -> None:
    # Schedule 100 (3,000.00) never funded while Summit funded 101 after it: FCT162,
    # which the ledger disables. Listed, overdue, not counted among the problems.
    path = tmp_path / "silenced.beancount"
    text = SILENCED_162.replace(
        "\n2025-01-01 open Assets:Bank",
        '\noption "title" "Silenced"\n2025-01-01 custom "fava-extension" '
        '"beancount_factoring.fava"\n2025-01-01 open Assets:Bank',
        1,
    )
    path.write_text(text, encoding="utf-8")
    client = make_app(path).test_client()
    page = client.get(url("FactoringReconciliation", slug="silenced")).get_data(as_text=True)
    assert "factoring-problems" not in page
    assert (
        "1 open item, none past its grace period (1 past its deadline, not counted: "
        "the ledger disables FCT162)" in page
    )
    assert [rows(page, 1)[0][i] for i in (0, 2, 7)] == [
        "schedule not funded",
        "100",
        "yes (FCT162 disabled)",
    ]
