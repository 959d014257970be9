"""Write the sample invoice exports saved as XLSX under documents/invoices/.

    .venv/bin/python tests/importers/make_invoice_documents.py

A workbook holds the rows of the CSV sample of the same name, as a billing system's
"Export to Excel" writes them: dates as dates, amounts as numbers (Excel keeps binary
floats), each column with its number format, the rest as text. The invoice importer must
read it as it reads the CSV (tests/importers/test_invoice_workbooks.py). Regenerate the
golden file after a change (test_invoices.py says how).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from make_factor_documents import write_xlsx

DOCS = Path(__file__).parent / "documents" / "invoices"
MONEY = "#,##0.00"


def typed_rows(
    rows: Sequence[Sequence[str]],
    *,
    dates: Sequence[int],
    amounts: Sequence[int],
    date_format: str,
    decimal_mark: str = ".",
) -> list[list[Any]]:
    """The CSV's rows as a workbook's cells: the columns ``dates`` (0-based) as dates,
    ``amounts`` as numbers (a float, as Excel keeps it), an empty cell as none."""
    thousands = "," if decimal_mark == "." else "."
    typed: list[list[Any]] = [list(rows[0])]
    for row in rows[1:]:
        cells: list[Any] = []
        for index, text in enumerate(row):
            if not text:
                cells.append(None)
            elif index in dates:
                cells.append(_date(text, date_format))
            elif index in amounts:
                cells.append(_amount(text, thousands, decimal_mark))
            else:
                cells.append(text)
        typed.append(cells)
    return typed


def _date(text: str, date_format: str) -> datetime.date | str:
    """A date cell, or the text as typed when it is no date (kept as Excel keeps it)."""
    try:
        return datetime.datetime.strptime(text, date_format).date()
    except ValueError:
        return text


def _amount(text: str, thousands: str, decimal_mark: str) -> float | str:
    """A number cell, or the text as typed when it is no number."""
    try:
        return float(Decimal(text.replace(thousands, "").replace(decimal_mark, ".")))
    except ArithmeticError:
        return text


def rheinland() -> None:
    """A German billing export: a column per charge, VAT and total, dates dd.mm.yyyy."""
    source = DOCS / "rheinland_rechnungen_2025-01.csv"
    with open(source, encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    typed = typed_rows(
        rows, dates=(1, 2), amounts=(5, 6, 7, 8, 9), date_format="%d.%m.%Y", decimal_mark=","
    )
    formats = {2: "dd.mm.yyyy", 3: "dd.mm.yyyy", **{column: MONEY for column in range(6, 11)}}
    write_xlsx(DOCS / "rheinland_rechnungen_2025-01.xlsx", "Rechnungen", typed, formats)


if __name__ == "__main__":
    rheinland()
