"""Plausible mistakes in the plugin's config string: each one FCT100 on the plugin line,
naming the fix; never a value taken in silence.

- A key written twice (`{'detail': 'item', 'detail': 'invoice'}`): Python keeps the
  last without a word. Now FCT100, and the key's default until one is deleted.
- A config in JSON with `true`, `false` or `null`: refused with "null is a name, not a
  quoted string: write 'null'", a wrong fix. A JSON object is now read as such.
- A date without quotes (`{'as-of': 2025-06-30}`): "leading zeros in decimal integer
  literals are not permitted" or "something other than quoted strings". Now it says to
  put the date in quotes.
- A key misspelt: the message names the key it is closest to.
- The same wrong config on two plugin lines: its errors twice, once per line. Now once,
  on the first line; and a second line that is wrong is said to run the plugin twice
  (delete it), not only wrong.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from beancount import loader

from beancount_factoring.ledger.config import Config, parse_config


@pytest.fixture(autouse=True)
def _no_pickle(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")


def load(tmp_path: Path, *configs: str | None) -> tuple[Path, list[tuple[int, str]]]:
    """A ledger whose plugin lines (from line 3) have these configs; its errors as
    (line, message)."""
    lines = ['option "operating_currency" "USD"', ""]
    for config in configs:
        quoted = "" if config is None else ' "' + config.replace('"', '\\"') + '"'
        lines.append(f'plugin "beancount_factoring.plugin"{quoted}')
    lines.append("2025-01-01 open Assets:Bank:Checking")
    ledger = tmp_path / "main.beancount"
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, errors, _ = loader.load_file(str(ledger))
    for error in errors:
        assert error.source["filename"] == str(ledger)
    return ledger, [(error.source["lineno"], error.message) for error in errors]


def test_a_key_written_twice_is_an_error(tmp_path: Path) -> None:
    _, errors = load(tmp_path, "{'detail': 'item', 'detail': 'invoice'}")
    ((lineno, message),) = errors
    assert lineno == 3
    assert message.startswith("FCT100 Key 'detail' is written twice in the factoring plugin's")
    assert "'item', then 'invoice'" in message and "delete the one you do not mean" in message
    config, _ = parse_config("{'detail': 'invoice', 'tolerance': '0.05', 'detail': 'invoice'}")
    assert config == Config(tolerance=Decimal("0.05"))  # the default detail, 'item'


def test_a_json_object_is_read(tmp_path: Path) -> None:
    text = '{"detail": "invoice", "accrue": null, "tolerance": 0.05, "as-of": "2025-06-30"}'
    _, errors = load(tmp_path, text)
    assert errors == []
    config, _ = parse_config(text)
    assert config == Config(
        tolerance=Decimal("0.05"), detail="invoice", as_of=datetime.date(2025, 6, 30)
    )
    # JSON's own values are still checked as Python's: false is no choice of accrue.
    ((lineno, message),) = load(tmp_path, '{"accrue": false}')[1]
    assert lineno == 3 and message.startswith("FCT100 accrue False must be 'month'")
    # A key twice in JSON, as in Python.
    ((_, message),) = load(tmp_path, '{"detail": "item", "detail": "invoice"}')[1]
    assert "Key 'detail' is written twice" in message


@pytest.mark.parametrize("date", ["2025-06-30", "2025-12-31"])
def test_a_date_without_quotes_is_named(tmp_path: Path, date: str) -> None:
    ((lineno, message),) = load(tmp_path, f"{{'as-of': {date}}}")[1]
    assert lineno == 3
    assert f"the date {date} is not in quotes: write '{date}'" in message


def test_a_misspelt_key_names_the_key_it_is_closest_to(tmp_path: Path) -> None:
    ((lineno, message),) = load(tmp_path, "{'tolerence': '0.01'}")[1]
    assert lineno == 3
    assert message.startswith("FCT100 Unknown key 'tolerence' in the factoring plugin's config")
    assert "did you mean 'tolerance'?" in message
    ((_, message),) = load(tmp_path, "{'as_of': '2025-06-30'}")[1]
    assert "did you mean 'as-of'?" in message
    ((_, message),) = load(tmp_path, "{'colour': 'blue'}")[1]
    assert "did you mean" not in message and "the keys are tolerance, disable" in message


def test_a_wrong_config_on_two_lines_is_said_once(tmp_path: Path) -> None:
    # Before: "Unknown key 'detial'" on line 3 and again on line 4.
    ((lineno, message),) = load(tmp_path, "{'detial': 'item'}", "{'detial': 'item'}")[1]
    assert lineno == 3 and "Unknown key 'detial'" in message


def test_a_second_line_that_is_wrong_is_said_to_run_the_plugin_twice(tmp_path: Path) -> None:
    # Before: only "detail 'invoce' must be 'invoice'...": corrected, the line would then
    # be "runs a second time", which is what is wrong with it.
    ((lineno, message),) = load(tmp_path, "{'detail': 'item'}", "{'detail': 'invoce'}")[1]
    assert lineno == 4
    assert message.startswith("FCT100 The factoring plugin runs a second time here")
    assert "Delete one of the two lines" in message
    # The same meaning written twice is no alarm.
    assert load(tmp_path, None, "{}")[1] == []
    assert load(tmp_path, "{'detail': 'item'}", '{"detail": "item"}')[1] == []


def test_an_empty_config_is_no_config(tmp_path: Path) -> None:
    # An empty string asks for nothing: the defaults, as a line without a config.
    assert load(tmp_path, "")[1] == []
    assert parse_config("") == parse_config(None) == (Config(), [])
