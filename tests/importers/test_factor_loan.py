"""A purchase report under the loan model: the schedule pledges and moves nothing.

docs/ledger.md (6.8): under `model: "loan"` a schedule whose postings move an amount on a
receivable or on the factor's accounts is an FCT121 error; the factor's own figures go on
a posting of zero to each invoice's receivable. The factor importer reads the model from
the agreement in the ledger given to `extract -e` and writes the schedule so.
"""

from __future__ import annotations

from decimal import Decimal

from beancount import loader
from factor_config import DOCUMENTS

from beancount_factoring.importers import profiles
from beancount_factoring.importers.factor import FactorReportImporter

REPORT = DOCUMENTS / "lakeshore" / "purchase_report_2025-03-07.csv"
INVOICES = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Northstar
2025-01-01 open Assets:Receivable:Crossroads
2025-01-01 open Assets:Receivable:Bayline
2025-01-01 open Income:Freight
2025-03-03 * "Northstar" "Load"
  invoice: "RF-1101"
  Assets:Receivable:Northstar   2150.00 USD
  Income:Freight
2025-03-03 * "Crossroads" "Load"
  invoice: "RF-1102"
  Assets:Receivable:Crossroads  1875.00 USD
  Income:Freight
2025-03-05 * "Bayline" "Load"
  invoice: "RF-1103"
  Assets:Receivable:Bayline     1640.00 USD
  Income:Freight
"""


def agreement(model: str) -> str:
    line = f'  model: "{model}"\n' if model else ""
    return (
        'plugin "beancount_factoring.plugin"\n'
        '2025-01-01 custom "factoring-agreement" "Lakeshore"\n  advance-rate: 0.95\n'
        '  fee: "flat 2.5%"\n  invoice-fee: 5.00 USD\n  transfer-fee: 10.00 USD\n'
        f"  recourse-days: 90\n{line}  bank: Assets:Bank:Checking\n"
    )


def schedules(model: str) -> tuple[list, str]:
    text = agreement(model) + INVOICES
    ledger, errors, _ = loader.load_string(text)
    assert errors == []
    found = FactorReportImporter(profiles.LAKESHORE, "Lakeshore").extract(str(REPORT), ledger)
    return [e for e in found if e.meta.get("factoring") == "schedule"], text


def test_under_the_loan_model_a_schedule_is_zero_legs_with_the_factors_figures() -> None:
    found, _ = schedules("loan")
    first = found[0]
    assert first.meta["schedule"] == "3110"
    # No clearing leg; each invoice on its receivable, for 0.00, with the report's figures:
    # RF-1101 2,150.00: advance 95% = 2,042.50, fee 2.5% = 53.75 + 5.00 invoice fee =
    # 58.75, reserve 5% = 107.50.
    assert [(p.account, p.units.number) for p in first.postings] == [
        ("Assets:Receivable:Northstar", Decimal("0.00")),
        ("Assets:Receivable:Crossroads", Decimal("0.00")),
    ]
    figures = first.postings[0].meta
    assert figures["invoice"] == "RF-1101"
    assert figures["advance"].number == Decimal("2042.50")
    assert figures["fee"].number == Decimal("58.75")
    assert figures["reserve"].number == Decimal("107.50")


def test_under_the_sale_model_the_schedule_moves_the_faces() -> None:
    found, _ = schedules("")
    # 2,150.00 + 1,875.00 = 4,025.00 to clearing, off the two receivables.
    assert [p.units.number for p in found[0].postings] == [
        Decimal("4025.00"),
        Decimal("-2150.00"),
        Decimal("-1875.00"),
    ]


def test_the_imported_loan_schedule_passes_the_plugin() -> None:
    """The extracted schedules, added to the ledger, give no error (FCT121 otherwise)."""
    from beancount.parser import printer

    for model in ("loan", ""):
        found, text = schedules(model)
        books = text + "\n" + "\n".join(printer.format_entry(e) for e in found)
        _, errors, _ = loader.load_string(books)
        assert errors == [], (model, errors)
        # Written under the other model's layout, the plugin objects.
        other, _ = schedules("" if model else "loan")
        wrong = text + "\n" + "\n".join(printer.format_entry(e) for e in other)
        _, errors, _ = loader.load_string(wrong)
        assert any("FCT121" in e.message for e in errors), model
