"""State that outlives one load: a process that loads a ledger again after an edit
(Fava, on each change of its files) or loads several ledgers (Fava's ledger switcher)
must report each load as if it were the only one."""

from __future__ import annotations

import dataclasses
import gc
from decimal import Decimal
from pathlib import Path

from beancount import loader
from test_agreement import FULL, agreement_of

AGREEMENT = """\
plugin "beancount_factoring.plugin"
2025-01-01 open Assets:Bank:Checking
2025-01-01 custom "factoring-agreement" "Summit"
{above}  advance-rate: 1.5
  fee: "flat 2%"
  recourse-days: 90
  bank: Assets:Bank:Checking
"""


def _places(path: Path) -> list[tuple[int, str]]:
    _, errors, _ = loader.load_file(str(path))
    return [(error.source["lineno"], error.message) for error in errors]


def test_an_error_names_the_key_where_the_edited_file_has_it(tmp_path: Path, monkeypatch):
    # The advance rate 1.5 is FCT110 at its key: line 4, column 3 as first written.
    # Edited in the same process (Fava reloads it), two keys written above it put it on
    # line 6, and indented by six its column is 7: the error says where it is now, not
    # where the file had it at the first load.
    monkeypatch.setenv("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
    path = tmp_path / "main.beancount"
    path.write_text(AGREEMENT.format(above=""), encoding="utf-8")
    assert [(line, "column 3" in text) for line, text in _places(path)] == [(4, True)]
    path.write_text(AGREEMENT.format(above='  release-days: 10\n  payee: "S"\n'), "utf-8")
    assert [(line, "column 3" in text) for line, text in _places(path)] == [(6, True)]
    path.write_text(AGREEMENT.format(above="").replace("  advance", "      advance"), "utf-8")
    assert [(line, "column 7" in text) for line, text in _places(path)] == [(4, True)]


def test_terms_with_the_vat_of_agreements_made_one_after_the_other():
    # An invoice's terms take the VAT of the agreement in force the day a fee is charged.
    # Asked of one agreement, then of another made after the first was dropped (which
    # may take the first one's place in memory, and so its id()), each answer is the
    # VAT of the agreement asked: 24%, then 25.5%, and so on.
    terms, _ = agreement_of(FULL.replace("rounding:", "vat-account: Assets:VAT\n  rounding:"))
    for rate in ("0.24", "0.255", "0.24", "0.255", "0.14", "0.10"):
        current = dataclasses.replace(terms, vat_rates=(("fee", Decimal(rate)),))
        assert terms.with_vat_of(current).vat_rates == (("fee", Decimal(rate)),)
        del current
        gc.collect()
