"""A hostile bank download, imported with the bank importer, then opened in Fava.

Fava's journal shows payees and narrations unescaped, so a bank line whose description
holds `<img src=x onerror=...>` or `<script>` would run in the browser if it were
imported as it is. The importer makes such text inert (`importers/inert.py`): the
journal, the bank account's page, the factoring pages and every link they lead to are
opened in headless Chromium, with no dialog, no page error and no request the payloads
would fire (listening to the page's "dialog" and "request" events).
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlparse

import pytest
from click.testing import CliRunner
from conftest import _serve
from fava_browser import Watched
from fava_ledgers import EXTENSION

from beancount_factoring.importers.bank import BankCsvImporter
from beancount_factoring.importers.ingest import ingest

SLUG = "hostile-import"
LEDGER = f"""\
option "title" "Hostile import"
option "operating_currency" "USD"
plugin "beancount_factoring.plugin"
{EXTENSION}
include "extracted.beancount"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Acme
2025-01-01 open Income:Freight
2025-01-01 open Expenses:Uncategorized

2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "Acme Corp" "Load 1"
  invoice: "INV-1"
  due: 2025-04-02
  Assets:Receivable:Acme        1000.00 USD
  Income:Freight

2025-03-04 * "SUMMIT FUNDING" "Schedule 1" ^INV-1
  factoring: "schedule"
  schedule: "S-1"
"""
# Each payload would fire a request (to /x, or to a path naming it) or open a dialog.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "<script>alert(2);fetch('/payload-script')</script>",
    "<img src=/payload-img onerror=\"fetch('/payload-onerror')\">",
    "<svg onload=alert(3)>",
)
CSV = "Posting Date,Description,Amount,Balance\n" + "".join(
    f'03/{5 + n:02d}/2025,"{text.replace(chr(34), chr(34) * 2)}",{amount},{balance}\n'
    for n, (text, amount, balance) in enumerate(
        [
            (f"SUMMIT FUNDING ACH {PAYLOADS[0]} {PAYLOADS[1]}", "930.00", "930.00"),
            (f"ACME {PAYLOADS[2]} PAYROLL", "-10.00", "920.00"),
            (f"{PAYLOADS[3]} FUEL", "-20.00", "900.00"),
        ]
    )
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Fava serving a ledger whose bank lines were imported from the hostile CSV."""
    folder = tmp_path_factory.mktemp("hostile_import")
    ledger = folder / "main.beancount"
    ledger.write_text(LEDGER, encoding="utf-8")
    (folder / "extracted.beancount").write_text("", encoding="utf-8")
    downloads = folder / "downloads"
    downloads.mkdir()
    (downloads / "bank.csv").write_text(CSV, encoding="utf-8")
    importer = BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        date_format="%m/%d/%Y",
        factors=ledger,
        fallback="Expenses:Uncategorized",
    )
    output = folder / "extracted.beancount"
    result = CliRunner().invoke(
        ingest([importer]).cli, ["extract", "-e", str(ledger), "-o", str(output), str(downloads)]
    )
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "\u2039img src=x onerror=alert(1)\u203a" in text and "<img" not in text
    log = tmp_path_factory.mktemp("log") / "fava-hostile-import.log"
    with _serve([ledger], log) as base:
        yield base


# Each link's address, resolved (an SVG link's `href` is no string).
RESOLVED = "l => l.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"


def fired(requests: list[str]) -> list[str]:
    """The requests a payload would make."""
    return [
        url
        for url in requests
        if "payload-" in url or urlparse(url).path.rsplit("/", 1)[-1] == "x"
    ]


def test_the_imported_lines_stay_text_everywhere(hostile_server: str, tab: Watched) -> None:
    from playwright.sync_api import expect

    page = tab.page
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    base = f"{hostile_server}/{SLUG}"
    pages = [
        f"{base}/journal/",
        f"{base}/account/Assets:Bank:Checking/",
        f"{base}/account/Expenses:Uncategorized/",
        f"{base}/errors/",
    ]
    names = ("Reserve", "Aging", "Cost", "Reconciliation")
    ours = [f"{base}/extension/Factoring{name}/" for name in names]
    links: set[str] = set()
    for url in ours:
        page.goto(url)
        page.wait_for_load_state("networkidle")
        for href in page.locator("article a[href]").evaluate_all(RESOLVED):
            if href.startswith(hostile_server):
                links.add(href)
    for url in pages + sorted(links):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # Hovering shows the metadata indicators' titles, where a quote could add an
        # attribute such as onmouseover.
        for indicator in page.locator(".metadata-indicator").all()[:20]:
            indicator.hover()
    assert tab.dialogs == []
    assert fired(requests) == []
    assert not [error for error in tab.errors if "alert" in error or "payload" in error]
    # The tabs and filters of our pages, and the invoices' links to the journal.
    assert any("/journal/" in link for link in links), sorted(links)
    # The lines are there, as text.
    page.goto(f"{base}/journal/")
    journal = page.locator("article ol.journal").last
    expect(journal).to_contain_text("ACME \u2039img src=/payload-img")
    expect(journal).to_contain_text("\u2039script\u203aalert(2)")
    assert page.locator("article .journal img, article .journal svg[onload]").count() == 0
