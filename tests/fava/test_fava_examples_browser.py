"""Every page of every example ledger in headless Chromium, 1280 pixels wide, filtered.

Each of the four pages of each example (the year, Europe, the cross-border carrier, the
tutorial) is opened with a time filter, a customer's account filter and a factor
selected, as a bookkeeper narrows a page to one question. On each: the browser reports
no console or page error; no table is cut off at the window's edge (a table too wide
scrolls inside its own box); and the page's totals equal the accounts' balances,
summed here from the ledger's postings: each factor's reserve account, the receivable
accounts, each factor's fee accounts over the period, each clearing account. One Fava
server serves the four ledgers for the session (the ``demo_server`` fixture).
Skipped with the reason where Chromium or playwright is missing (see conftest).
"""

from __future__ import annotations

import datetime
import functools
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from beancount import loader
from beancount.core import data
from fava_browser import Watched
from fava_ledgers import CROSSBORDER, EUROPE, EXAMPLE, YEAR, YEAR_SLUG

from beancount_factoring.reports import ReportBook, compute

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
WIDTH = 1280


@dataclass(frozen=True)
class Example:
    path: Path
    slug: str
    time: str
    account: str  # a customer's receivable account
    factor: str


EXAMPLES = {
    # July: Pinecrest buys, Lakeshore's last invoices run off; Northstar uses both.
    "year": Example(YEAR, YEAR_SLUG, "2025-07", "Assets:Receivable:Northstar", "Pinecrest"),
    # The bank's program: no reserve, VAT on the fees.
    "europe": Example(
        EUROPE,
        "routakallio-metal-oy",
        "2025-02",
        "Assets:1718-Factoring-Receivables:Aallokko",
        "Saaristo",
    ),
    # Copperline's USD and CAD desks; Maplecrest pays in CAD.
    "crossborder": Example(
        CROSSBORDER,
        "tamarack-haulage-ltd",
        "2025-03",
        "Assets:Receivable:Maplecrest",
        "Copperline",
    ),
    # The tutorial, served after the year, whose title it shares.
    "tutorial": Example(
        EXAMPLE, f"{YEAR_SLUG}-2", "2025-03", "Assets:Receivable:Bayline", "Lakeshore"
    ),
}

# Each table of the article: the heading of its section, its column names, its cells.
TABLES = """article => [...article.querySelectorAll('svelte-component[type=query-table]')].map(
    component => {
        let heading = component.previousElementSibling;
        while (heading && heading.tagName !== 'H3') heading = heading.previousElementSibling;
        const table = component.querySelector('table');
        return {
            section: heading ? heading.textContent.trim() : '',
            columns: [...table.querySelectorAll('thead th')].map(
                th => th.textContent.replace(/\\s+/g, ' ').trim()),
            rows: [...table.querySelectorAll('tbody tr')].map(
                tr => [...tr.cells].map(td => td.textContent.trim())),
        };
    })"""

# What sticks out of the window or of the article: a cut-off column.
CUT_OFF = """article => {
    const found = [];
    if (article.scrollWidth > article.clientWidth + 1) {
        found.push(`the article scrolls sideways: ${article.scrollWidth}px`);
    }
    for (const box of article.querySelectorAll(
        'svelte-component[type=query-table], .factoring-headline'
    )) {
        const right = box.getBoundingClientRect().right;
        if (right > window.innerWidth) found.push(`a table ends at ${right}px`);
        const scrolls = ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
        if (box.scrollWidth > box.clientWidth + 1 && !scrolls) {
            found.push(`a table is cut at ${box.clientWidth}px of ${box.scrollWidth}px`);
        }
    }
    return found;
}"""


@dataclass(frozen=True)
class Ledger:
    """An example's postings, and which accounts are whose (from the plugin's reading)."""

    entries: list[Any]
    book: ReportBook

    def balance(
        self, accounts: Iterable[str], end: datetime.date, start: datetime.date | None = None
    ) -> dict[str, Decimal]:
        """The accounts' balance per currency at the end of ``end`` (from ``start``)."""
        accounts = set(accounts)
        found: dict[str, Decimal] = {}
        for entry in self.entries:
            if not isinstance(entry, data.Transaction) or entry.date > end:
                continue
            if start is not None and entry.date < start:
                continue
            for posting in entry.postings:
                if posting.account in accounts:
                    currency = posting.units.currency
                    found[currency] = found.get(currency, Decimal(0)) + posting.units.number
        return found

    def factor_accounts(self, factor: str) -> set[str]:
        facts = self.book.facts
        return {a for a, key in facts.factor_of_account.items() if facts.display(key) == factor}

    def receivable_accounts(self) -> set[str]:
        return {invoice.account for invoice in self.book.facts.book.invoices.values()}


@functools.cache
def ledger(path: Path) -> Ledger:
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    return Ledger(entries, compute(entries, options, errors))


def amount(text: str) -> Decimal:
    return Decimal(re.sub(r"[\s,\u00a0\u202f]", "", text))


def figure(body: str, label: str) -> str:
    found = re.search(rf"{label}: ([^·]+?)(?: ·|$)", body, re.M)
    assert found, f"no {label!r} in the header"
    return found.group(1).strip()


class Page:
    """The figures and tables one page shows."""

    def __init__(self, header: str, tables: list[dict[str, Any]]) -> None:
        self.header = header
        self.as_of = datetime.date.fromisoformat(figure(header, "As of"))
        start = re.search(r"Period from: (\S+)", header)
        self.start = datetime.date.fromisoformat(start.group(1)) if start else None
        single = re.search(r"Amounts in: ([A-Z]+)", header)
        self.currency = single.group(1) if single else None
        self.tables = tables

    def rows(self, section: str) -> list[dict[str, str]]:
        """The rows of the table under ``section``, as column name -> text."""
        for table in self.tables:
            if table["section"] == section:
                rows = [
                    dict(zip(table["columns"], row, strict=True))
                    for row in table["rows"]
                    if row[0] != "Total"  # the table's total rows
                ]
                if self.currency is not None:
                    for row in rows:
                        row.setdefault("Currency", self.currency)
                return rows
        return []


def open_page(tab: Watched, server: str, example: Example, name: str) -> Page:
    from playwright.sync_api import expect

    query = urllib.parse.urlencode(
        {"time": example.time, "account": example.account, "factor": example.factor}
    )
    page = tab.page
    response = page.goto(f"{server}/{example.slug}/extension/{name}/?{query}")
    assert response is not None and response.status == 200
    article = page.locator("article")
    components = article.locator("svelte-component[type=query-table]")
    expect(article.locator(".factoring-figures")).to_be_visible()
    expect(article.locator("svelte-component[type=query-table] table")).to_have_count(
        components.count()
    )
    expect(article.locator("svelte-component.error")).to_have_count(0)
    charts = article.locator("svelte-component[type=charts]")
    if charts.count():
        expect(charts.locator("svg").first).to_be_visible()
    header = article.locator(".factoring-figures").inner_text()
    return Page(" ".join(header.split()), article.evaluate(TABLES))


def check_reserve(page: Page, books: Ledger, example: Example, body: str) -> int:
    rows = page.rows("Reserve held per factor")
    if not rows:
        assert "No reserve: no invoice's reserve is held back under the agreement" in body
        assert books.book.reserve(as_of=page.as_of, factor=example.factor).factors == ()
        return 1
    held: dict[str, Decimal] = {}
    for row in rows:
        accounts = row["Reserve account"].split(", ")
        currency = row["Currency"]
        balance = books.balance(accounts, page.as_of).get(currency, Decimal(0))
        assert amount(row["Account balance"]) == balance, row
        assert amount(row["Held"]) + amount(row["Unexplained"]) == balance, row
        held[currency] = held.get(currency, Decimal(0)) + amount(row["Held"])
    shown = re.findall(r"Reserve held[^:]*: ([\d.,\s]+) ([A-Z]+)", page.header)
    assert {currency: amount(value) for value, currency in shown} == held
    return len(rows)


def check_aging(page: Page, books: Ledger, example: Example, body: str) -> int:
    rows = page.rows("Tie-out")
    balances = books.balance(books.receivable_accounts(), page.as_of)
    assert {row["Currency"] for row in rows} >= {c for c, v in balances.items() if v}
    for row in rows:
        balance = balances.get(row["Currency"], Decimal(0))
        assert amount(row["Receivable accounts' balance"]) == balance, row
        pledged = amount(row["Of which pledged (loan model)"])
        assert amount(row["Receivables we hold"]) + pledged == balance, row
    return len(rows)


def check_cost(page: Page, books: Ledger, example: Example, body: str) -> int:
    rows = page.rows("By factor")
    fee_accounts = books.factor_accounts(example.factor) & books.book.facts.fee_accounts
    fees = books.balance(fee_accounts, page.as_of, page.start)
    # The customer's filter keeps its factor's rows of the currencies it is billed in.
    billed = books.balance([example.account], page.as_of)
    assert {row["Factor"] for row in rows} <= {example.factor}
    assert {row["Currency"]: amount(row["Total fees"]) for row in rows} == {
        currency: value for currency, value in fees.items() if value and currency in billed
    }
    return len(rows)


def check_reconciliation(page: Page, books: Ledger, example: Example, body: str) -> int:
    rows = page.rows("Clearing accounts")
    assert rows, "the factor's clearing account is gone"
    for row in rows:
        account = row["Clearing account"]
        assert account in books.factor_accounts(example.factor)
        balance = books.balance([account], page.as_of).get(row["Currency"], Decimal(0))
        assert amount(row["Balance"]) == balance, row
        explained = amount(row["Explained by open items"]) + amount(row["Unexplained"])
        assert explained == balance, row
    return len(rows)


CHECKS = {
    "FactoringReserve": check_reserve,
    "FactoringAging": check_aging,
    "FactoringCost": check_cost,
    "FactoringReconciliation": check_reconciliation,
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("which", list(EXAMPLES))
def test_each_page_of_each_example_filtered_fits_and_ties_to_the_accounts(
    demo_server: str, narrow_tab: Watched, which: str, name: str
) -> None:
    example = EXAMPLES[which]
    page = open_page(narrow_tab, demo_server, example, name)
    body = narrow_tab.page.locator("article").inner_text()
    # The time filter's last day (each check keeps to the factor chosen).
    assert page.as_of.isoformat().startswith(example.time)
    assert CHECKS[name](page, ledger(example.path), example, body) > 0
    # Nothing is cut off at 1280 pixels, and the answer is above the fold (900 pixels).
    assert narrow_tab.page.locator("article").evaluate(CUT_OFF) == []
    answer = narrow_tab.page.locator(".factoring-answer")
    box = answer.bounding_box()
    assert box is not None and answer.is_visible()
    assert box["y"] + box["height"] <= 900, f"the headline ends at {box['y'] + box['height']}px"
    # The examples load with no error: no notice that the figures could be wrong (FCT314).
    assert narrow_tab.page.locator(".factoring-ledger-errors").count() == 0
    narrow_tab.page.wait_for_timeout(200)
    assert narrow_tab.errors == []


# Copperline's CAD desk by its accounts, in March: the factor also buys in USD, on
# accounts of its own.
CAD_DESK = Example(
    CROSSBORDER, "tamarack-haulage-ltd", "2025-03", "Assets:Factoring:Copperline:CAD", ""
)


@pytest.mark.parametrize("name", PAGES)
def test_a_factors_accounts_of_one_currency_show_its_rows_of_that_currency_tied_out(
    demo_server: str, narrow_tab: Watched, name: str
) -> None:
    page = open_page(narrow_tab, demo_server, CAD_DESK, name)
    books = ledger(CROSSBORDER)
    named = {
        account
        for account in books.factor_accounts("Copperline")
        if account.startswith(CAD_DESK.account + ":") or ":CAD:" in account
    }
    assert named and all(":CAD:" in account for account in named)
    shown = 0
    for table in page.tables:
        if table["section"] == "Tie-out":
            continue  # the whole ledger's, and the page says so
        for row in page.rows(table["section"]):
            if "Currency" in row:
                assert row["Currency"] == "CAD", (table["section"], row)
                shown += 1
    assert shown > 0
    if name == "FactoringReserve":
        (row,) = page.rows("Reserve held per factor")
        balance = books.balance(row["Reserve account"].split(", "), page.as_of)
        assert set(row["Reserve account"].split(", ")) <= named
        assert amount(row["Account balance"]) == balance["CAD"] == amount(row["Held"])
        assert re.findall(r"Reserve held[^:]*: ([\d.,\s]+) ([A-Z]+)", page.header) == [
            (row["Held"], "CAD")
        ]
    if name == "FactoringCost":
        (row,) = page.rows("By factor")
        fees = books.balance(named & books.book.facts.fee_accounts, page.as_of, page.start)
        assert {row["Currency"]: amount(row["Total fees"])} == fees
    if name == "FactoringReconciliation":
        (row,) = page.rows("Clearing accounts")
        assert row["Clearing account"] in named
        balance = books.balance([row["Clearing account"]], page.as_of).get("CAD", Decimal(0))
        assert amount(row["Balance"]) == balance
    narrow_tab.page.wait_for_timeout(200)
    assert narrow_tab.errors == []


def test_an_empty_table_under_an_account_filter_says_the_filter_may_be_why(
    demo_server: str, narrow_tab: Watched
) -> None:
    # The tutorial's GraniteValley load (RF-1024, 1,640.00) is ours: Lakeshore's accounts
    # keep none of our receivables, and the empty table says that the filter is why
    # (the tie-out below still counts the 1,640.00 we hold).
    page = narrow_tab.page
    base = f"{demo_server}/{YEAR_SLUG}-2/extension/FactoringAging/"
    page.goto(base + "?account=Assets:Factoring:Lakeshore")
    empty = page.locator("article .factoring-empty")
    expect_text = "The account filter (Assets:Factoring:Lakeshore) keeps only the rows"
    ours = empty.filter(has_text="No open receivable.")
    assert ours.count() == 1
    assert expect_text in ours.inner_text()
    # A filter that keeps nothing empties every table: the word is said once, not per table.
    page.goto(base + "?account=Assets:Receivable:Nowhere")
    text = page.locator("article").inner_text()
    for empty in ("No open receivable.", "The factors hold no open invoice.", "No open invoice."):
        assert empty in text
    assert text.count("The account filter (") == 1
    # Without a filter the table has its row, and no empty table speaks of a filter.
    page.goto(base)
    assert page.locator("article .factoring-empty", has_text="account filter").count() == 0
    assert narrow_tab.errors == []


def test_the_aging_page_says_once_how_it_counts_the_days(
    demo_server: str, narrow_tab: Watched
) -> None:
    # The headline's note and the line below it both said "Days past the due date (the
    # invoice's due:, else its date + 30 days)": the line below says it, once.
    page = narrow_tab.page
    page.goto(f"{demo_server}/{YEAR_SLUG}-2/extension/FactoringAging/")
    text = page.locator("article").inner_text()
    assert text.count("else its date + 30 days") == 1, text[:600]
    assert "Ours and the factors' invoices." in text
    assert narrow_tab.errors == []
