"""The factoring pages against hostile ledgers and hostile requests (docs/reliability.md).

- Every string of a ledger reaches the pages escaped: a ledger whose every string is
  markup (`hostile_ledger.py`) is loaded, and every page (whole, and as Fava's sidebar
  fetches it) and every `data` endpoint is asked for, for all factors and for each.
  The HTML then holds no element, attribute or `<script>` that the pages' templates
  and Fava's layout do not write themselves, every `<script type="application/json">`
  is valid JSON, no payload is in the HTML as written, and the strings are all there,
  escaped (so the test sees them reach the page). The endpoints give valid JSON.
- Any query string is a page or a 400 that names the parameter, never a 500.
- Nothing writes to the ledger: after every page, endpoint and method, with good and
  bad parameters, the ledger's files are byte for byte what they were, with the same
  modification times, and no file was added.

Both generated checks run through the fuzz driver (`tests/fuzz/fuzzing.py`): a few
cases in the normal test run, `FUZZ_SECONDS` each under `make fuzz`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fava_ledgers import SMALL_SLUG, make_app, write_small
from flask import Flask
from flask.testing import FlaskClient
from fuzzing import fuzz
from hostile_ledger import PAYLOADS, Strings, hostile, hostile_ledger, strings
from hypothesis import strategies as st
from markupsafe import escape

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
SLUG = "hostile"
# What the templates and Fava's layout write; anything else came from the ledger.
TAGS = {
    "a", "article", "body", "details", "div", "em", "h3", "h4", "head", "html", "li", "link",
    "meta", "p", "script", "section", "span", "strong", "style", "summary", "svelte-component",
    "table", "tbody", "td", "th", "thead", "title", "tr", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "class", "content", "data-editor", "data-invoice-column", "data-journal", "data-totals",
    "data-ledger-dir", "data-source-column", "href", "id", "name", "rel", "src", "type",
}  # fmt: skip
SCRIPT_TYPES = {"application/json", "module"}
# The places whose strings each page shows as they are (in a table, a chart or the
# header); every page also shows both factors' names and the config error.
SHOWN = {
    "FactoringReserve": ("customer2",),
    "FactoringAging": ("customer1", "customer2"),
    "FactoringCost": ("customer1", "customer2"),
    "FactoringReconciliation": ("payee", "narration", "schedule"),
}
# The places whose strings each data endpoint gives.
DATA = {
    "FactoringReserve": ("factor1", "factor2", "customer1", "customer2"),
    "FactoringAging": ("factor2", "customer1", "customer2"),
    "FactoringCost": ("factor1", "factor2", "customer1", "customer2"),
    "FactoringReconciliation": ("factor1", "factor2", "payee", "narration", "schedule"),
}
# The errors the reconciliation page lists for the hostile invoice number and factor.
CODES = ("FCT134", "FCT111")
METHODS = ("POST", "PUT", "DELETE", "PATCH")


class Parsed(HTMLParser):
    """The elements, attributes and scripts of a page, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.links: list[str] = []
        self.scripts: list[tuple[str | None, str]] = []
        self._script: tuple[str | None, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        self.attributes.update(values)
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(str(values[name]))
        if tag == "script":
            self._script = (values.get("type"), [])

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script[0], "".join(self._script[1])))
            self._script = None


def texts(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts(item)


def marked(values: list[str]) -> list[str]:
    """The values with a payload in them: any other may be in a page by chance ("<")."""
    return [value for value in values if any(payload in value for payload in PAYLOADS)]


def check_html(html: str, hostile_strings: list[str]) -> list[str]:
    """Raise if anything from the ledger or the request is in the page unescaped; the
    strings of the page's JSON components."""
    for value in (*PAYLOADS, *marked(hostile_strings)):
        assert value not in html, f"unescaped: {value[:200]!r}"
    parsed = Parsed()
    parsed.feed(html)
    parsed.close()
    assert parsed.tags <= TAGS, parsed.tags - TAGS
    assert parsed.attributes <= ATTRIBUTES, parsed.attributes - ATTRIBUTES
    # Where a browser would see a script the parser did not, a string ended one.
    assert html.lower().count("<script") == len(parsed.scripts)
    for link in parsed.links:
        assert link.startswith("/"), link
    found: list[str] = []
    for kind, body in parsed.scripts:
        assert kind in SCRIPT_TYPES, kind
        if kind == "application/json":
            found += texts(json.loads(body))
    return found


def check_data(client: FlaskClient, target: str) -> list[str]:
    """The endpoint's answer is JSON that no browser takes for HTML; its strings."""
    response = client.get(target)
    assert response.status_code == 200, (target, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return list(texts(json.loads(response.get_data(as_text=True))))


def shows(found: list[str], value: str) -> bool:
    wanted = value.strip()
    return any(wanted in text for text in found)


# Every ledger string is escaped -----------------------------------------------------------


EXAMPLE = Strings(
    factor1="Summit <b>",
    factor2="Harbor & Co <x>",
    payee="<script>alert(1)</script>",
    narration='"><img src=x onerror=alert(1)>',
    customer1="</script><script>alert(1)</script>",
    customer2="Acme <i>",
    schedule="S-<u>2",
    invoice="INV-<s>",
    unknown_factor="Nobody <q>",
    config="{'as-of': '<script>alert(1)</script>'}",
)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Path]:
    """Fava with a hostile ledger; each case writes its own and loads it again."""
    path = hostile_ledger(tmp_path_factory.mktemp("hostile") / "hostile.beancount", EXAMPLE)
    return make_app(path), path


def check_ledger(app: Flask, path: Path, case: Strings) -> None:
    """Load the case's ledger and check every page and endpoint (module docstring)."""
    hostile_ledger(path, case)
    ledger = app.config["LEDGERS"][SLUG]
    ledger.load_file()
    factors = [case.factor1, case.factor2]
    errors = [e.message for e in ledger.errors]
    assert not [e for e in errors if "Traceback" in e or "FCT100" in e], errors
    client = app.test_client()
    values = list(case.all().values())
    for page in PAGES:
        base = f"/{SLUG}/extension/{page}/"
        for query in ("", "?partial=true", *(f"?{urlencode({'factor': f})}" for f in factors)):
            response = client.get(base + query)
            assert response.status_code == 200, (page, query, response.get_data(as_text=True))
            html = response.get_data(as_text=True)
            found = check_html(html, values)
            assert 'class="factoring-error"' in html  # the config error, escaped
            for name in factors:
                assert str(escape(name.strip())) in html, name
            if query:
                continue
            for place in SHOWN[page]:
                assert shows(found, getattr(case, place)), (page, place)
            if page == "FactoringReconciliation":
                for code in CODES:
                    assert code in found, code
        # (The ledger has errors, its FCT codes: the endpoint gives the report when asked
        # to let them through, as bean-factoring --ignore-errors does.)
        refused = client.get(base + "data")
        assert refused.status_code == 409 and refused.mimetype == "application/json"
        data = check_data(client, base + "data?ignore-errors=1")
        for place in DATA[page]:
            assert shows(data, getattr(case, place)), (page, place)
        for factor in factors:
            check_data(client, f"{base}data?{urlencode({'factor': factor, 'ignore-errors': 1})}")


def test_the_example_hostile_ledger_is_escaped(hostile_app: tuple[Flask, Path]) -> None:
    app, path = hostile_app
    check_ledger(app, path, EXAMPLE)


def test_fuzz_every_ledger_string_is_escaped(hostile_app: tuple[Flask, Path]) -> None:
    app, path = hostile_app
    fuzz("fava: hostile ledger strings", strings(), lambda c: check_ledger(app, path, c), 3)


# Any request is a page or a 400 ----------------------------------------------------------


def text(max_size: int) -> st.SearchStrategy[str]:
    """Any text a browser can send: no lone surrogate, which no URL can encode."""
    return st.text(st.characters(blacklist_categories=("Cs",)), max_size=max_size)


def times() -> st.SearchStrategy[str]:
    """Time filters Fava reads, ones it cannot, and dates that do not exist."""
    parts = st.sampled_from(
        ["2025", "0000", "0001", "9999", "10000", "-", " - ", " to ", "+", "day", "week",
         "month", "quarter", "year", "fy", "fy2025", "-W", "-Q", "01", "12", "13", "00",
         "31", "32", "53", "99", "99999999999999999999", "2024-02-29", "2025-02-29"]
    )  # fmt: skip
    return st.lists(parts, max_size=6).map("".join) | text(30) | hostile()


def accounts() -> st.SearchStrategy[str]:
    """Account filters: accounts, parents, regular expressions, broken ones."""
    # No nested quantifiers: Fava's own filter tries the value as a regular expression
    # too, and one that backtracks for ever is a hang in Fava as well (see the docs).
    return st.sampled_from(
        [
            "Assets",
            "Assets:Factoring",
            "Assets:Receivable:Acme",
            "Summit",
            "[",
            "(",
            ")",
            "\\",
            "Assets:",
            ":",
            "^Assets",
            "Fees$",
            "a|b",
            ".",
        ]
    ) | st.text(
        st.characters(blacklist_characters="*+?{", blacklist_categories=("Cs",)), max_size=30
    )


@st.composite
def queries(draw: st.DrawFn) -> dict[str, str]:
    """A query string: any of the pages' parameters and Fava's, and others."""
    factor = st.sampled_from(["Summit", "harbor", " HARBOR ", "Nobody", ""]) | text(20)
    values = {
        "time": times(),
        "factor": factor | hostile(),
        "basis": st.sampled_from(["invoice", "due", "DUE", " due", "weekly", ""]) | hostile(),
        "account": accounts() | hostile(),
        "filter": text(30) | hostile(),
        "conversion": st.sampled_from(["at_cost", "at_value", "units", "USD", "garbage"]),
        "interval": st.sampled_from(["day", "month", "year", "garbage"]),
        "partial": st.sampled_from(["true", "false", "x"]),
        "huge": st.sampled_from(["9" * 100_000, "Summit" * 10_000]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(values)), unique=True, max_size=4))
    query = {name: draw(values[name]) for name in chosen}
    if "huge" in query:  # a huge value of one of the parameters the pages read
        query[draw(st.sampled_from(["time", "factor", "account", "basis"]))] = query.pop("huge")
    query.update(draw(st.dictionaries(text(8), text(8), max_size=2)))
    return query


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Flask, Path]:
    path = write_small(tmp_path_factory.mktemp("requests"))
    return make_app(path), path


def check_request(client: FlaskClient, page: str, target: str, query: dict[str, str]) -> None:
    """A page or its data for any query: 200 with every value escaped, or a 400 that
    names the parameter and escapes the value it echoes."""
    url = f"/{SMALL_SLUG}/extension/{page}/{target}?{urlencode(query)}"
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 400), (url[:300], response.status_code, body[:2000])
    echoed = marked(list(query.values()))
    if response.status_code == 400:
        if target == "data":
            message = json.loads(body)["error"]
        else:
            # Plain text that no browser takes for HTML: Fava's in-page navigation
            # shows it as it is.
            assert response.mimetype == "text/plain", response.mimetype
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            message = body.strip()
        name = message.split(":", 1)[0]
        assert name in ("time", "factor", "basis", "account", "filter"), message
        assert name in query, (message, query)
        code = "FCT302" if name == "factor" else "FCT301"
        assert message.startswith(f"{name}: {code} "), message
    elif target == "data":
        json.loads(body)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    else:
        check_html(body, echoed)


def test_fuzz_any_query_is_a_page_or_a_bad_request(small: tuple[Flask, Path]) -> None:
    app, path = small
    client = app.test_client()
    before = snapshot(path.parent)

    def check(case: tuple[str, str, dict[str, str]]) -> None:
        check_request(client, *case)

    cases = st.tuples(st.sampled_from(PAGES), st.sampled_from(["", "data"]), queries())
    fuzz("fava: query strings", cases, check, examples=40)
    assert snapshot(path.parent) == before


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("time=2025-13", "time"),  # Fava's parser raised ValueError: a 500
        ("time=0000", "time"),
        ("time=2025-W99", "time"),
        ("time=2025-03-01+-+2025-01-01", "time"),  # ends before it starts
        ("time=day%2B99999999999", "time"),  # OverflowError
        ("time=day-100000000", "time"),
        ("time=" + "9" * 5000, "time"),
        ("factor=" + "x" * 100_000, "factor"),  # unknown: its error shows its start
        ("account=" + "A" * 2000, "account"),
        ("basis=" + "d" * 2000, "basis"),
    ],
)
def test_a_time_that_does_not_exist_or_a_huge_value_is_a_bad_request(
    small: tuple[Flask, Path], query: str, parameter: str
) -> None:
    client = small[0].test_client()
    code = "FCT302" if parameter == "factor" else "FCT301"
    for page in PAGES:
        response = client.get(f"/{SMALL_SLUG}/extension/{page}/?{query}")
        assert response.status_code == 400
        assert response.mimetype == "text/plain"
        assert response.get_data(as_text=True).startswith(f"{parameter}: {code} ")
        response = client.get(f"/{SMALL_SLUG}/extension/{page}/data?{query}")
        assert response.status_code == 400
        message = response.json["error"]
        assert message.startswith(f"{parameter}: {code} ")
        assert len(message) < 300


def test_an_account_filter_that_is_no_regex_keeps_what_it_names(
    small: tuple[Flask, Path],
) -> None:
    # "[" made Fava's parent-account test raise re.error: a 500.
    client = small[0].test_client()
    for value, rows in (("[", 0), ("Assets:Factoring:Summit", 1), ("Summit", 1)):
        query = urlencode({"account": value})
        response = client.get(f"/{SMALL_SLUG}/extension/FactoringReserve/?{query}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        table = re.search(r'"query-table"[^>]*><script type="application/json">(.*?)<', html)
        factors = json.loads(table.group(1))["rows"] if table else []
        factors = [row for row in factors if row[0] != "Total"]
        assert len(factors) == rows, (value, factors)


# Nothing writes ---------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under the folder: its bytes and modification time."""
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_nothing_writes_to_the_ledger(tmp_path: Path) -> None:
    main = hostile_ledger(tmp_path / "main.beancount", EXAMPLE)
    # An included file too: Fava watches and would reload every file of the ledger.
    (tmp_path / "more.beancount").write_text(
        '2025-03-21 note Assets:Bank:Checking "included"\n', encoding="utf-8"
    )
    main.write_text(main.read_text(encoding="utf-8") + 'include "more.beancount"\n')
    before = snapshot(tmp_path)
    client = make_app(main).test_client()
    bad = ("time=2025-13", "factor=Nobody", "basis=weekly", "account=[", "basis=" + "d" * 2000)
    good = ("", "partial=true", "time=2025-02", "factor=summit+%3Cb%3E", "account=Assets")
    asked = 0
    for page in PAGES:
        targets = (
            f"/{SLUG}/extension/{page}/",
            f"/{SLUG}/extension/{page}/data",
            f"/{SLUG}/extension_js_module/{page}.js",
            f"/{SLUG}/extension/{page}/nothing-here",
        )
        for target in targets:
            for query in (*good, *bad):
                client.get(f"{target}?{query}")
                client.head(f"{target}?{query}")
                asked += 2
            for method in METHODS:
                for body in ({"data": b"x"}, {"json": {"entry": "2025-01-01 open Assets:X"}}):
                    response = client.open(target, method=method, **body)
                    assert response.status_code in (404, 405), (target, method)
                    asked += 1
    assert asked > 300
    assert snapshot(tmp_path) == before
