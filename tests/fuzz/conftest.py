"""Fixtures of the fuzz tests: the sample documents' configs, the counts at the end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The importer configs (tests/importers) and the Fava ledgers (tests/fava) are shared.
for folder in (HERE.parent / "importers", HERE.parent / "fava", HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import fuzzing  # noqa: E402


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = fuzzing.summary()
    if not lines:
        return
    mode = f"{fuzzing.SECONDS:g} s per target" if fuzzing.LONG else "short run"
    terminalreporter.section(f"fuzz cases ({mode})")
    for line in lines:
        terminalreporter.write_line(line)
    # A finding fails its test: the failed and erroring tests are the run's crashes.
    stats = terminalreporter.stats
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    total = sum(fuzzing.COUNTS[name] for name in fuzzing.COUNTS if " -> " not in name)
    terminalreporter.write_line(f"{total} cases, {failed} failed (findings and crashes)")
    fuzzing.write_report(failed)
