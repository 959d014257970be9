"""docs/reports.md shows what bean-factoring prints for its example ledger.

A ```beancount block marked ``<!-- reports: ledger -->`` is the ledger; each
```text block marked ``<!-- reports: bean-factoring ARGS -->`` is what the
command prints for it, run in the ledger's folder as ``ledger.beancount``.
"""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest
from report_ledgers import LEDGERS

from beancount_factoring import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "reports.md"
_BLOCK_RE = re.compile(r"<!-- reports: (.*?) -->\s*\n```(\w+)\n(.*?)```", re.S)


def blocks() -> list[tuple[str, str, str]]:
    return _BLOCK_RE.findall(DOC.read_text(encoding="utf-8"))


def test_the_documented_ledger_is_the_one_the_tests_check():
    (ledger,) = [text for marker, _, text in blocks() if marker == "ledger"]
    assert ledger == LEDGERS["SUMMIT"]


@pytest.mark.parametrize(
    "command,shown", [(m, t) for m, kind, t in blocks() if kind == "text"], ids=lambda x: x[:40]
)
def test_the_document_shows_what_the_command_prints(command, shown, tmp_path, monkeypatch):
    (ledger,) = [text for marker, _, text in blocks() if marker == "ledger"]
    (tmp_path / "ledger.beancount").write_text(ledger, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(command)
    assert args[0] == "bean-factoring"
    out = io.StringIO()
    cli.main(args[1:], out=out)
    assert out.getvalue() == shown
