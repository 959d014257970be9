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


LOSS = """plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Income:Freight

2025-01-01 custom "factoring-agreement" "Granite"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 0
  payee: "GRANITE"
  bank: Assets:Bank:Checking

2025-01-01 custom "factoring-offer" "Rowan"
  advance-rate: 0.90
  fee: "flat 2%"
  recourse-days: 60

2025-03-03 * "Acme" "Load L1"
  invoice: "L-1"
  Assets:Receivable:Acme   2000.00 USD
  Income:Freight

2025-03-04 * "GRANITE" "ACH L-1" ^L-1
  Assets:Bank:Checking     1760.00 USD
  Assets:Factoring:Granite:Clearing

2025-05-13 * "Granite" "Acme insolvent" ^L-1
  factoring: "credit-loss"
"""


def test_a_credit_loss_shows_each_sides_losses(tmp_path):
    # Granite, non-recourse, wrote L-1 (2,000.00, 2% = 40.00 at purchase) off on 05-13:
    # the reserve, 200.00, kept. Rowan, with 60 recourse days, would have charged it back
    # on 05-03 and left the business the face unpaid, 2,000.00: fees 40.00 on each side,
    # 40.00 / (1,800.00 x 70) x 365 = 11.59% and 40.00 / (1,800.00 x 60) x 365 = 13.52%;
    # the difference 40.00 + 2,000.00 - 40.00 - 200.00 = 1,800.00.
    path = tmp_path / "loss.beancount"
    path.write_text(HEAD + LOSS, encoding="utf-8")
    html = make_app(path).test_client().get("/offer-test/extension/FactoringCost/")
    tables = components(html.get_data(as_text=True), "query-table")
    months = next(t for t in tables if t["types"][0]["name"] == "Month funded")
    assert [c["name"] for c in months["types"]][3:7] == [
        "Actual fees",
        "Actual losses",
        "Actual rate %",
        "Offer fees",
    ]
    assert months["rows"][0] == [
        "total",
        1,
        2000.0,
        40.0,
        200.0,
        11.59,
        40.0,
        2000.0,
        13.52,
        1800.0,
    ]
