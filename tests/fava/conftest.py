"""Fixtures for the Fava page tests: Fava's test client, and Fava in headless Chromium.

The browser tests need Chromium at /usr/bin/chromium (Debian's package; never a
``playwright install`` download) and the ``playwright`` package (the test
extras). Where either is missing they are skipped with the reason, except when
``FACTORING_REQUIRE_BROWSER`` is set (``.ci/run`` sets it): then they fail.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The fuzz driver (tests/fuzz/fuzzing.py) runs the generated checks of these pages too.
FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
if str(FUZZ) not in sys.path:
    sys.path.insert(0, str(FUZZ))

from fava_browser import Watched  # noqa: E402
from fava_ledgers import (  # noqa: E402
    BAD_TITLE,
    DEMO,
    EXAMPLE,
    make_app,
    write_finnish,
    write_own,
    write_six,
    write_small,
)
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def small_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small(tmp_path_factory.mktemp("small"))


@pytest.fixture(scope="session")
def app(small_ledger: Path) -> Flask:
    """Fava with the example ledger and the small ledger."""
    return make_app(EXAMPLE, small_ledger)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# The browser ----------------------------------------------------------------------------


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _require_browser() -> None:
    """Skip (or, with FACTORING_REQUIRE_BROWSER, fail) where the browser is missing."""
    reason = _browser_missing()
    if reason:
        if os.environ.get("FACTORING_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required here, but {reason}")
        pytest.skip(reason)


@contextlib.contextmanager
def _serve(ledgers: list[Path], log: Path) -> Iterator[str]:
    """``fava`` on a free port serving the ledgers, until the block ends; yields its URL."""
    port = _free_port()
    fava = Path(sys.executable).with_name("fava")
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(fava), "-H", "127.0.0.1", "-p", str(port), *map(str, ledgers)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"fava did not start:\n{log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def fava_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``fava`` serving the tutorial, the small and a badly configured ledger, the
    tutorial in Finnish number format, a ledger of one's own and one of six factors;
    yields its URL."""
    _require_browser()
    served = tmp_path_factory.mktemp("served")
    small = write_small(served)
    bad = write_small(served, "\"{'aging-basis': 'weekly'}\"", "bad.beancount", BAD_TITLE)
    finnish = write_finnish(served)
    own = write_own(tmp_path_factory.mktemp("own"))
    six = write_six(served)
    log = tmp_path_factory.mktemp("log") / "fava.log"
    with _serve([EXAMPLE, small, bad, finnish, own, six], log) as base:
        yield base


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``fava`` serving what ``make demo`` opens (the year, Europe, the cross-border
    carrier), then the tutorial (its slug, the year's title's, gets ``-2``); yields its URL.

    Started once per session for every example: the year's books load in a few seconds.
    """
    _require_browser()
    log = tmp_path_factory.mktemp("log") / "fava-demo.log"
    with _serve([*DEMO, EXAMPLE], log) as base:
        yield base


@pytest.fixture
def narrow_tab(browser: Any) -> Iterator[Watched]:
    """A fresh browser tab 1280 pixels wide, watched for errors and dialogs."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    watched = Watched(page)
    yield watched
    context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Watched]:
    """A fresh browser tab, watched for errors and dialogs."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    watched = Watched(page)
    yield watched
    context.close()
