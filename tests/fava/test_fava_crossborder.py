"""The Fava pages on the cross-border example: loan model, two currencies, the rest of
real factoring (fuel advances, a buyout, a credit loss, a monthly minimum)."""

from __future__ import annotations

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
