"""The Fava pages on the cross-border example: loan model, two currencies, the rest of
real factoring (fuel advances, a buyout, a credit loss, a monthly minimum)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fava_ledgers import CROSSBORDER, make_app
from flask.testing import FlaskClient

SLUG = "tamarack-haulage-ltd"
PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")


@pytest.fixture(scope="module")
def client() -> FlaskClient:
    return make_app(CROSSBORDER).test_client()


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders(client: FlaskClient, page: str) -> None:
    response = client.get(f"/{SLUG}/extension/{page}/")
    assert response.status_code == 200
    assert "No factoring agreement" not in response.get_data(as_text=True)


def test_the_cost_page_lists_deductions_by_reason(client: FlaskClient) -> None:
    data = client.get(f"/{SLUG}/extension/FactoringCost/data").json
    assert [
        (d["customer"], d["kind"], d["reason"], d["currency"]) for d in data["deductions"]
    ] == [
        ("Lakeport", "short pay", "broker-claim", "USD"),
        ("Maplecrest", "short pay", "shortpay", "CAD"),
        ("Oakmont", "chargeback", "broker-claim", "USD"),
        ("Pinewood", "credit loss", "write-off", "USD"),
    ]
    html = client.get(f"/{SLUG}/extension/FactoringCost/").get_data(as_text=True)
    assert "Short pays, chargebacks and credit losses" in html
    assert "broker-claim" in html
    assert "Fuel advances" in html and "Minimums" in html


def test_the_reserve_page_keeps_each_currency_on_its_own_line(client: FlaskClient) -> None:
    data = client.get(f"/{SLUG}/extension/FactoringReserve/data").json
    assert sorted((f["factor"], f["currency"], f["held"]) for f in data["factors"]) == [
        ("Copperline", "CAD", "200.00"),
        ("Copperline", "USD", "57.00"),
        ("Harborview", "USD", "0.00"),  # JSON amounts: always in cents
    ]


def items(client: FlaskClient, time: str) -> list[tuple[str, str, str, str]]:
    data = client.get(f"/{SLUG}/extension/FactoringReconciliation/data?time={time}").json
    return [
        (item["kind"], item["reference"], item["on_clearing"], item["cash"])
        for account in data["accounts"]
        for item in account["items"]
    ]


def test_the_reconciliation_page_shows_what_waits_to_be_netted_or_recouped(
    client: FlaskClient,
) -> None:
    assert items(client, "2025-02-15") == [
        ("fee to net", "buyout-2025-02-14", "-150.00", "-150.00")
    ]
    assert items(client, "2025-02-18") == [
        ("fee to net", "buyout-2025-02-14", "-150.00", "-150.00"),
        ("fuel advance to recoup", "TH-106", "0.00", "-1000.00"),
    ]
    assert items(client, "2025-02-20") == []


def page_text(client: FlaskClient, page: str, query: str) -> str:
    return client.get(f"/{SLUG}/extension/{page}/?{query}&partial=true").get_data(as_text=True)


def test_a_customers_filter_keeps_the_factor_that_held_an_invoice_before_a_buyout(
    client: FlaskClient,
) -> None:
    # Harborview bought Pinewood's TH-103 and held its 310.00 reserve in January;
    # Copperline bought it out on 2025-02-14. The filter of Pinewood's account kept the
    # factors of its invoices' last holder alone: "No reserve is held", no clearing.
    query = "account=Assets:Receivable:Pinewood&time=2025-01"
    reserve = page_text(client, "FactoringReserve", query)
    assert "Harborview" in reserve and "310.00" in reserve
    reconcile = page_text(client, "FactoringReconciliation", query)
    assert "Harborview" in reconcile and "No clearing account" not in reconcile


def test_a_factors_account_filter_keeps_the_fees_of_no_invoice(client: FlaskClient) -> None:
    # Copperline's monthly minimum (90.00 CAD) and other fees belong to no invoice: the
    # customer table keeps their line, so that it adds up to the factor's fees, as
    # factor=Copperline shows it.
    html = page_text(client, "FactoringCost", "account=Assets:Factoring:Copperline")
    assert html.count('["(no invoice)",') == 2  # one a currency, CAD and USD
    assert '["(no invoice)","CAD",0.00,0.00,0.00,90.00' in html
    # A filter that names Harborview and a customer of its: the report is every
    # factor's, and Copperline's fees of no invoice are not Harborview's.
    html = page_text(client, "FactoringCost", "account=Harborview|Oakmont")
    assert '["(no invoice)",' not in html


def fava_balances(client: FlaskClient, pattern: str, time: str = "") -> dict[str, dict[str, str]]:
    """Fava's own balance of each account the regex names: its query endpoint (with the
    time filter's period when given), as a bookkeeper would ask it."""
    query = f"SELECT account, sum(position) WHERE account ~ '{pattern}' GROUP BY account"
    found = client.get(
        f"/{SLUG}/api/query", query_string={"query_string": query, "time": time}
    ).json["data"]["rows"]
    return {account: {c: f"{n:.2f}" for c, n in held.items()} for account, held in found}


def tables(client: FlaskClient, page: str, query: str) -> list[dict[str, object]]:
    """Each table of the page: its columns and rows (cells as the page gives them)."""
    from test_fava_pages import components

    html = page_text(client, page, query)
    return [
        {"columns": [t["name"] for t in table["types"]], "rows": table["rows"]}  # type: ignore[index]
        for table in components(html, "query-table")
    ]


CAD_DESK = "account=Assets:Factoring:Copperline:CAD"


@pytest.mark.parametrize("page", PAGES)
def test_a_factors_accounts_of_one_currency_keep_its_rows_of_that_currency(
    client: FlaskClient, page: str
) -> None:
    # Copperline buys in USD and in CAD, an agreement and accounts each. Filtered on the
    # CAD desk's accounts, every page showed Copperline's USD rows too (its reserve of
    # 57.00 USD, its USD clearing account, fees and invoices): figures that are not on
    # the accounts filtered. Every row with a currency is now in CAD, but for the
    # aging's tie-out, which is the whole ledger's and says so.
    for table in tables(client, page, CAD_DESK):
        columns = table["columns"]
        if "Currency" not in columns or columns[1] == "Receivables we hold":  # type: ignore[operator,index]
            continue
        at = columns.index("Currency")  # type: ignore[attr-defined]
        assert {row[at] for row in table["rows"]} <= {"CAD"}, (page, columns)  # type: ignore[attr-defined]
    # And the pages keep what the CAD desk has: a table of rows on each.
    assert any(table["rows"] for table in tables(client, page, CAD_DESK))


def test_the_cad_desks_rows_tie_to_favas_balance_of_its_accounts(client: FlaskClient) -> None:
    fava = fava_balances(client, "Copperline:CAD")
    # Reserve: held 200.00 CAD on Assets:Factoring:Copperline:CAD:Reserve (the 57.00 USD
    # held on the USD desk's reserve is gone).
    (reserve,) = tables(client, "FactoringReserve", CAD_DESK)[0]["rows"]  # type: ignore[misc]
    assert reserve[:3] == ["Copperline", "CAD", "Assets:Factoring:Copperline:CAD:Reserve"]
    assert f"{reserve[6]:.2f}" == f"{reserve[7]:.2f}" == "200.00"
    assert fava["Assets:Factoring:Copperline:CAD:Reserve"] == {"CAD": "200.00"}
    # Cost: 370.00 CAD of fees (250.00 discount + 30.00 transfer + 90.00 minimum), the
    # balance of Expenses:Factoring:Copperline:CAD:Fees.
    (fees,) = tables(client, "FactoringCost", CAD_DESK)[0]["rows"]  # type: ignore[misc]
    assert fees[:2] == ["Copperline", "CAD"] and f"{fees[5]:.2f}" == "370.00"
    assert fava["Expenses:Factoring:Copperline:CAD:Fees"] == {"CAD": "370.00"}
    # Reconciliation: the CAD clearing account alone, at its balance (nothing on it).
    (clearing,) = tables(client, "FactoringReconciliation", CAD_DESK)[0]["rows"]  # type: ignore[misc]
    assert clearing[1:4] == ["Assets:Factoring:Copperline:CAD:Clearing", "CAD", 0.0]
    assert fava["Assets:Factoring:Copperline:CAD:Clearing"] == {}
    # Aging: Copperline holds Maplecrest's TH-203, 4,000.00 CAD, pledged under the loan
    # model: the balance of the CAD desk's advances.
    (held,) = tables(client, "FactoringAging", CAD_DESK)[0]["rows"]  # type: ignore[misc]
    assert held[:3] == ["Maplecrest", "Copperline", "CAD"] and f"{held[8]:.2f}" == "4000.00"
    assert fava["Liabilities:Factoring:Copperline:CAD:Advances"] == {"CAD": "-4000.00"}


def test_the_usd_desks_filter_keeps_its_usd_rows_and_a_parent_keeps_both(
    client: FlaskClient,
) -> None:
    usd = tables(client, "FactoringReserve", "account=Assets:Factoring:Copperline:USD:Reserve")
    assert [row[:2] for row in usd[0]["rows"]] == [["Copperline", "USD"]]  # type: ignore[attr-defined]
    both = tables(client, "FactoringReserve", "account=Assets:Factoring:Copperline")
    assert sorted(row[1] for row in both[0]["rows"]) == ["CAD", "USD"]  # type: ignore[attr-defined]
    # A customer's filter keeps its factors' rows of the customer's currency: Maplecrest
    # is billed in CAD.
    maple = tables(client, "FactoringReserve", "account=Assets:Receivable:Maplecrest")
    assert [row[:2] for row in maple[0]["rows"]] == [["Copperline", "CAD"]]  # type: ignore[attr-defined]


def test_errors_that_name_the_factor_alone_are_said_to_be_of_every_currency(
    tmp_path: Path,
) -> None:
    # A deposit of the USD desk that links an invoice no one wrote (FCT132, Copperline's):
    # under the CAD desk's filter it is listed, and the page says that the errors are
    # the factor's in every currency (an error names no currency).
    text = (
        CROSSBORDER.read_text(encoding="utf-8")
        + """
2025-03-20 * "COPPERLINE CAPITAL" "Advance" ^TH-999
  Assets:Bank:US-Checking          100.00 USD
  Assets:Factoring:Copperline:USD:Clearing
"""
    )
    path = tmp_path / "main.beancount"
    path.write_text(text, encoding="utf-8")
    client = make_app(path).test_client()
    html = page_text(client, "FactoringReconciliation", CAD_DESK)
    assert "FCT132" in html
    assert "rows in CAD only, but the disagreements below are Copperline" in html
    whole = page_text(client, "FactoringReconciliation", "account=Assets:Factoring:Copperline")
    assert "FCT132" in whole and "rows in CAD only" not in whole
    # With no error of the factor there is nothing to say.
    assert "rows in CAD only" not in page_text(
        make_app(CROSSBORDER).test_client(), "FactoringReconciliation", CAD_DESK
    )
