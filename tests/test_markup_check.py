"""FCT191: ledger strings that Fava's journal would render as markup.

Fava's journal writes payees, narrations, notes' comments and metadata values into the
page unescaped; the plugin reports each string that would be markup there, at its line.
"""

from __future__ import annotations

from pathlib import Path

from beancount import loader

HEAD = """
plugin "beancount_factoring.plugin"

2025-01-01 open Assets:Bank:Checking
2025-01-01 open Expenses:Uncategorized
"""


def fct191(text: str) -> list[tuple[int, str]]:
    _, errors, _ = loader.load_string(HEAD + text)
    assert all(error.message.startswith("FCT191") for error in errors), errors
    return [(error.source["lineno"], error.message) for error in errors]


def test_each_place_fava_renders_unescaped_is_reported_at_its_line() -> None:
    found = fct191(
        """
2025-03-05 ! "<script>alert(1)</script>" "ACME <img src=x onerror=alert(1)> PAYROLL"
  memo: "<svg onload=alert(1)>"
  Assets:Bank:Checking         -96.44 USD
    note: "x' onmouseover='alert(1)"
  Expenses:Uncategorized

2025-03-06 note Assets:Bank:Checking "</p><iframe src=//example.com>"
"""
    )
    # Lines: HEAD is 5 lines (a blank first), the text starts with a blank line: the
    # transaction is on line 7, the note on line 13.
    assert [line for line, _ in found] == [7, 7, 7, 7, 13]
    messages = " | ".join(message for _, message in found)
    for where in ("payee", "narration", "metadata value 'memo'",
                  "posting metadata value 'note'", "comment"):  # fmt: skip
        assert f"The {where} holds" in messages


def test_text_that_is_no_markup_is_quiet() -> None:
    assert (
        fct191(
            """
2025-03-05 * "AT&T" "R & D, a < b, <5 days, 3<4, O'Hare, &lt;b&gt;"
  memo: "Driver's log; pay = 3 < 4"
  Assets:Bank:Checking         -96.44 USD
  Expenses:Uncategorized
"""
        )
        == []
    )


def test_it_can_be_switched_off() -> None:
    text = HEAD.replace(
        'plugin "beancount_factoring.plugin"',
        """plugin "beancount_factoring.plugin" "{'disable': ['FCT191']}\"""",
    )
    _, errors, _ = loader.load_string(
        text
        + """
2025-03-05 ! "ACME <b>PAYROLL</b>"
  Assets:Bank:Checking         -96.44 USD
  Expenses:Uncategorized
"""
    )
    assert errors == []


def test_a_document_query_and_custom_entry_are_checked_too(tmp_path: Path) -> None:
    statement = tmp_path / "<img src=x onerror=alert(1)>.pdf"
    statement.write_bytes(b"%PDF-1.4")
    found = fct191(
        f"""
2025-03-06 document Assets:Bank:Checking "{statement}"
2025-03-07 query "<b>cash</b>" "SELECT account"
2025-03-08 custom "budget" "<script>alert(1)</script>"
"""
    )
    # HEAD is 5 lines and the text starts with a blank line: entries on lines 7, 8, 9.
    assert [line for line, _ in found] == [7, 8, 9]
    messages = " | ".join(message for _, message in found)
    assert "The document's file name holds '<img" in messages
    assert "The query name holds '<b>" in messages
    assert "The custom value holds '<script>" in messages
