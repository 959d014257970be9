"""The pages on a ledger the factoring plugin did not run in: the error on each page and
on Fava's Errors page, and no figure; a plugin line the main file runs is no alarm.

The ledgers are files on disk (tests/split_ledgers.py): the main file includes
factoring.beancount, which holds the agreement and, in some, the plugin line.
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from fava.core import FavaLedger
from fava_ledgers import make_app
from flask import Flask
from split_ledgers import write_split

from beancount_factoring.fava import FactoringReserve

PAGES = ("FactoringReserve", "FactoringAging", "FactoringCost", "FactoringReconciliation")
# Each layout's title, and so its slug in Fava's URLs.
TITLES = {
    "included": "Included plugin",
    "none": "No plugin",
    "package": "Package plugin",
    "after-include": "Plugin after include",
    "both": "Plugin twice",
}


def slug(layout: str) -> str:
    return TITLES[layout].lower().replace(" ", "-")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("split")
    paths = [write_split(folder / layout, layout, title) for layout, title in TITLES.items()]
    return make_app(*paths)


def extension_errors(app: Flask, layout: str) -> list[dict[str, object]]:
    errors = app.test_client().get(f"/{slug(layout)}/api/errors").json["data"]  # type: ignore[index]
    return [e for e in errors if e["type"] == "FavaExtensionError"]


INCLUDED = (
    "FCT315 the factoring plugin did not run, so nothing is split or checked: its line "
    'plugin "beancount_factoring.plugin" is in factoring.beancount:1, an included file, '
    "and Beancount runs only the plugin lines of the main file: move the line to "
    "main.beancount. The factoring pages show no figures until the plugin runs."
)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_error_and_no_figure(app: Flask, page: str) -> None:
    response = app.test_client().get(f"/{slug('included')}/extension/{page}/")
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    content = html[html.index('<div class="factoring-page') :]
    content = content[: content.index("</article>")] if "</article>" in content else content
    assert f'<p class="factoring-error">{INCLUDED}</p>' in content
    # No figure, table or chart of books the plugin never checked.
    assert 'class="factoring-figures"' not in content and "svelte-component" not in content
    assert "50.00" not in content and "Summit" not in content


def test_favas_errors_page_names_the_included_line(app: Flask) -> None:
    (error,) = extension_errors(app, "included")
    assert error["message"] == INCLUDED
    source = error["source"]
    assert isinstance(source, dict)
    assert Path(str(source["filename"])).name == "factoring.beancount"
    assert source["lineno"] == 1


@pytest.mark.parametrize("layout", ["none", "package"])
def test_a_missing_or_wrong_plugin_line_is_said_with_the_main_file(app: Flask, layout: str):
    (error,) = extension_errors(app, layout)
    message = str(error["message"])
    assert message.startswith("FCT315 the factoring plugin did not run")
    assert "main.beancount" in message
    html = app.test_client().get(f"/{slug(layout)}/extension/FactoringReserve/")
    assert 'class="factoring-figures"' not in html.get_data(as_text=True)


def test_the_data_endpoint_refuses_with_the_error(app: Flask) -> None:
    response = app.test_client().get(f"/{slug('included')}/extension/FactoringReserve/data")
    assert response.status_code == 409
    assert json.loads(response.get_data(as_text=True)) == {"error": INCLUDED}


@pytest.mark.parametrize("layout", ["after-include", "both"])
def test_a_plugin_line_the_main_file_runs_is_no_alarm(app: Flask, layout: str) -> None:
    # The reserve is split once: 1000.00 x 0.05 = 50.00 held, and the account holds 50.00.
    assert extension_errors(app, layout) == []
    client = app.test_client()
    html = client.get(f"/{slug(layout)}/extension/FactoringReserve/").get_data(as_text=True)
    assert 'class="factoring-error"' not in html
    assert "Reserve held: <strong>50.00 USD</strong>" in html
    data = client.get(f"/{slug(layout)}/extension/FactoringReserve/data").json
    (factor,) = data["factors"]  # type: ignore[index]
    assert (factor["held"], factor["account_balance"]) == ("50.00", "50.00")


def test_the_error_goes_when_the_line_is_moved_to_the_main_file(tmp_path: Path) -> None:
    main = write_split(tmp_path, "included")
    ledger = FavaLedger(str(main))
    page = ledger.extensions.get_extension("FactoringReserve")
    assert isinstance(page, FactoringReserve)
    assert page.plugin_error == INCLUDED
    # The bookkeeper moves the line; Fava reloads the changed files.
    write_split(tmp_path, "after-include")
    ledger.load_file()
    assert page.plugin_error is None
    assert [e for e in ledger.errors if "FCT315" in str(e.message)] == []
    held = {f.factor: f.held for f in page.state.book.reserve(None, None).factors}
    assert held == {"Summit": Decimal("50.00")}
