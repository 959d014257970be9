"""The Cost page's comparison with another factor's offer, through Fava's test client.

The ledger of docs/ledger.md 2.4: INV-1, 10,000.00, funded by Summit (flat 3%, advance
95%) on 03-01 and paid on 03-31: 300.00, 300.00 / (9,500.00 x 30) x 365 = 38.42% a year.
Bluewater's offer (advance 90%, 1% for the first 30 days): 100.00, 13.52% a year.
"""

from __future__ import annotations

import re
from pathlib import Path

from fava_ledgers import make_app
from test_fava_pages import components

DOCS = Path(__file__).resolve().parents[2] / "docs"
HEAD = """option "title" "Offer test"
2025-01-01 custom "fava-extension" "beancount_factoring.fava"
"""


def cost_page(tmp_path: Path, extra: str = "", offer: bool = True) -> str:
    guide = (DOCS / "ledger.md").read_text(encoding="utf-8")
    section = guide[guide.index("### 2.4 Offers from other factors") :]
    ledger = re.search(r"```beancount\n(.*?)```", section, re.S)[1]  # type: ignore[index]
    if not offer:
        ledger = re.sub(
            r'custom "factoring-offer".*?\n\n',
            'note Assets:Bank:Checking "x"\n\n',
            ledger,
            flags=re.S,
        )
    path = tmp_path / "offer.beancount"
    path.write_text(HEAD + ledger + extra, encoding="utf-8")
    client = make_app(path).test_client()
    response = client.get("/offer-test/extension/FactoringCost/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_cost_page_compares_each_offer(tmp_path):
    html = cost_page(tmp_path)
    assert "Compared with other factors&#39; offers" in html or "other factors' offers" in html
    assert "Bluewater: total and by month funded" in html
    tables = components(html, "query-table")
    months = next(t for t in tables if t["types"][0]["name"] == "Month funded")
    # The page is in one currency: no Currency column.
    assert [c["name"] for c in months["types"]] == [
        "Month funded",
        "Invoices",
        "Face",
        "Actual fees",
        "Actual rate %",
        "Offer fees",
        "Offer rate %",
        "Difference",
    ]
    assert months["rows"] == [
        ["total", 1, 10000.0, 300.0, 38.42, 100.0, 13.52, -200.0],
        ["2025-03", 1, 10000.0, 300.0, 38.42, 100.0, 13.52, -200.0],
    ]


def test_an_open_invoice_is_listed_as_not_compared(tmp_path):
    open_invoice = """
2025-04-01 * "TQL" "Load 2"
  invoice: "INV-2"
  Assets:Receivable:TQL         2000.00 USD
  Income:Freight

2025-04-02 * "SUMMIT FUNDING" "ACH INV-2" ^INV-2
  Assets:Bank:Checking          1840.00 USD
  Assets:Factoring:Summit:Clearing
"""
    html = cost_page(tmp_path, open_invoice)
    assert "Bluewater: not compared" in html
    tables = components(html, "query-table")
    excluded = next(t for t in tables if t["types"][-1]["name"] == "Not compared because")
    assert [row[0] for row in excluded["rows"]] == ["INV-2"]


def test_a_ledger_without_offers_shows_no_comparison(tmp_path):
    html = cost_page(tmp_path, offer=False)
    assert "By factor" in html
    assert "Bluewater" not in html and "factoring-offers" not in html
