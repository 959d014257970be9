"""The pages are right on every ledger and with every filter (Fava's test client).

One regression test per defect found on the example ledgers and on a small ledger of
one's own: a factor with two currencies, a customer's account filter, the "Amounts in"
figure on a page of two currencies, the reconciliation headline while a deposit
disagrees with the agreement, references to the ledger's files, a bank-run program
without a reserve, Fava's locale, a bad time filter, and the default as-of date.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fava_ledgers import CROSSBORDER, EUROPE, EXAMPLE, EXAMPLE_SLUG, OWN_SLUG, make_app, write_own
from flask import Flask
from flask.testing import FlaskClient
from test_fava_pages import components, figure, rows, url

CROSSBORDER_SLUG = "tamarack-haulage-ltd"
EUROPE_SLUG = "routakallio-metal-oy"
PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    own = write_own(tmp_path_factory.mktemp("own"))
    return make_app(EXAMPLE, EUROPE, CROSSBORDER, own)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def html_of(client: FlaskClient, page: str, slug: str, query: str = "") -> str:
    response = client.get(url(page, slug, query))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_a_factor_with_two_currencies_has_one_chart_per_currency(client: FlaskClient) -> None:
    html = html_of(client, "FactoringReserve", CROSSBORDER_SLUG)
    (charts,) = components(html, "charts")
    labels = [chart["label"] for chart in charts]  # type: ignore[attr-defined]
    # Fava keys its chart tabs by label: two "Copperline reserve" broke the page.
    assert labels == [
        "Reserve held, all factors",
        "Copperline reserve (CAD)",
        "Copperline reserve (USD)",
        "Harborview reserve",
    ]


def test_a_customers_account_keeps_its_open_reserves(client: FlaskClient) -> None:
    query = "account=Assets:Receivable:Bayline"
    html = html_of(client, "FactoringReserve", EXAMPLE_SLUG, query)
    assert "No reserve is held" not in html
    open_reserves = rows(html, 1)
    assert open_reserves, "Bayline's open reserves are gone"
    assert {row[1] for row in open_reserves} == {"Bayline"}
    assert "RF-1020" in {row[0] for row in open_reserves}
    # Its factor's row stays, whole: it ties to the reserve account.
    factors = rows(html, 0)
    assert [row[0] for row in factors] == ["Lakeshore"]
    assert all(row[5] + row[7] == row[6] for row in factors)
    # Aging and Cost keep the customer too.
    aging = html_of(client, "FactoringAging", EXAMPLE_SLUG, query)
    invoices = table_starting(aging, "Invoice")
    assert invoices and {row[1] for row in invoices} == {"Bayline"}
    cost = html_of(client, "FactoringCost", EXAMPLE_SLUG, query)
    assert {row[0] for row in table_starting(cost, "Customer")} == {"Bayline"}
    # Lakeshore buys every Bayline load: its rows stay, whole; Pinecrest's go.
    assert [row[0] for row in table_starting(cost, "Factor")] == ["Lakeshore"]
    reconcile = html_of(client, "FactoringReconciliation", EXAMPLE_SLUG, query)
    assert [row[0] for row in table_starting(reconcile, "Factor")] == ["Lakeshore"]


def table_starting(html: str, column: str) -> list[list[object]]:
    """The rows of the page's first table whose first column is ``column``."""
    for table in components(html, "query-table"):
        if table["types"][0]["name"] == column:  # type: ignore[index]
            found: list[list[object]] = table["rows"]  # type: ignore[index]
            return [row for row in found if row[0] != "Total"]
    raise AssertionError(f"no table starts with {column!r}")


def currencies_of(html: str) -> set[str]:
    """The currencies of the page's tables: their Currency column, or none."""
    found = set()
    for table in components(html, "query-table"):
        names = [column["name"] for column in table["types"]]  # type: ignore[index]
        if "Currency" in names:
            index = names.index("Currency")
            found |= {row[index] for row in table["rows"]}  # type: ignore[index]
    return found


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("slug", [EXAMPLE_SLUG, EUROPE_SLUG, CROSSBORDER_SLUG, OWN_SLUG])
def test_amounts_in_names_the_pages_only_currency(
    client: FlaskClient, slug: str, page: str
) -> None:
    html = html_of(client, page, slug)
    # (Own Books has an error, FCT120: its report is asked for all the same.)
    response = client.get(f"/{slug}/extension/{page}/data?ignore-errors=1")
    assert response.status_code == 200
    data = json.dumps(response.json)
    reported = set(re.findall(r'"currency": "([A-Z]+)"', data))
    found = re.search(r"Amounts in: <strong>([^<]*)</strong>", html)
    if found:
        # One currency: no table has a Currency column, and the report holds no other.
        assert currencies_of(html) == set()
        assert reported <= {found.group(1)}
    else:
        assert len(reported) != 1 or currencies_of(html) == reported
    if slug == CROSSBORDER_SLUG and page in ("FactoringReserve", "FactoringCost"):
        assert not found, "the page holds USD and CAD"
        assert currencies_of(html) == {"USD", "CAD"}


def test_the_reconciliation_headline_names_a_disagreement(client: FlaskClient) -> None:
    html = html_of(client, "FactoringReconciliation", OWN_SLUG)
    assert "Nothing is open" not in html
    assert "Needs attention" in html
    assert "1 disagreement with the agreements (FCT120)" in html
    # The deposit's difference (1,835.00 expected - 1,810.00 received = 25.00) is open.
    (account,) = rows(html, 0)
    assert account[2:5] == [25.0, 25.0, 0.0]


def test_references_are_relative_and_link_to_the_editor(app: Flask, client: FlaskClient) -> None:
    html = html_of(client, "FactoringReconciliation", OWN_SLUG)
    ledger_dir = str(Path(app.config["LEDGERS"][OWN_SLUG].beancount_file_path).parent)
    for table in components(html, "query-table"):
        assert ledger_dir not in json.dumps(table)
    for chart in components(html, "charts"):
        assert ledger_dir not in json.dumps(chart)
    assert ledger_dir not in html.split('data-ledger-dir="')[0]
    items = rows(html, 1)
    # Kind, factor, reference: the deposit on line 22 of main.beancount.
    assert items[0][:3] == ["deposit difference", "Summit", "main.beancount:22"]
    (disagreement,) = rows(html, 2)
    assert disagreement[0] == "FCT120" and disagreement[-1] == "main.beancount:22"
    # The page's script links these cells to Fava's editor at the line.
    found = re.findall(
        r'data-source-column="(\d+)" data-editor="([^"]+)" data-ledger-dir="([^"]+)"', html
    )
    assert found == [(index, f"/{OWN_SLUG}/editor/", ledger_dir) for index in ("2", "4")]
    editor = client.get(f"/{OWN_SLUG}/editor/?file_path={ledger_dir}/main.beancount&line=22")
    assert editor.status_code == 200


def test_a_bank_run_program_without_a_reserve_is_not_a_missing_agreement(
    client: FlaskClient,
) -> None:
    html = html_of(client, "FactoringReserve", EUROPE_SLUG)
    assert "No factoring agreement" not in html
    message = "No reserve: no invoice&#39;s reserve is held back under the agreement (Saaristo)."
    assert message in html


def test_a_bad_time_filter_is_a_readable_message(client: FlaskClient) -> None:
    for page in PAGES:
        response = client.get(url(page, EXAMPLE_SLUG, "time=2025-13"))
        assert response.status_code == 400
        assert response.mimetype == "text/plain"
        text = response.get_data(as_text=True)
        # Fava's in-page navigation shows this body as it is, after "HTTP 400 - ".
        assert text == (
            "time: FCT301 '2025-13' is not a time Fava can filter by (month must be in 1..12)\n"
        )


def test_the_as_of_date_is_the_last_transactions_not_a_later_assertions(
    client: FlaskClient,
) -> None:
    # The last transaction is the deposit of 2025-03-04; a balance follows on 03-10.
    html = html_of(client, "FactoringAging", OWN_SLUG)
    assert figure(html, "As of") == "2025-03-04"
    # The examples end with the factors' reserve reports as balances on 2025-04-01.
    for slug in (EUROPE_SLUG, CROSSBORDER_SLUG):
        assert figure(html_of(client, "FactoringReserve", slug), "As of") == "2025-03-31"


def test_numbers_follow_favas_locale(tmp_path: Path) -> None:
    path = tmp_path / "main.beancount"
    text = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(text + '\n2025-01-01 custom "fava-option" "locale" "fi_FI"\n', "utf-8")
    client = make_app(path).test_client()
    html = html_of(client, "FactoringReserve", EXAMPLE_SLUG)
    # 384.00 (Lakeshore) + 382.50 (Pinecrest) = 766.50, written as Finnish does.
    assert figure(html, "Reserve held") == "766,50 USD"
    aging = html_of(client, "FactoringAging", EXAMPLE_SLUG)
    (scatter,) = [c for c in components(aging, "charts")[0] if c["type"] == "scatterplot"]  # type: ignore[index,union-attr]
    descriptions = [dot["description"] for dot in scatter["data"]]
    # RF-1020's 2,630.00 with Finnish grouping (a no-break space) and decimal comma.
    assert any(re.search(r"RF-1020 2\s630,00 USD", text) for text in descriptions)
    # The headline and the total rows are written as the tables are, in Finnish.
    assert re.search(r"<td class=\"num\">766,50 USD</td>", html)
    assert '"766,50"' in html.replace("&#34;", '"')
