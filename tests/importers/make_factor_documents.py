"""Write the sample factor reports under documents/factor/ (and documents/payments/).

    .venv/bin/python tests/importers/make_factor_documents.py

The figures follow the agreements of tests/importers/factor_ledger.beancount, so that the
imported entries load with the plugin without an error: each advance, fee and reserve is
the agreement's, each reserve ledger's running balance is what the ledger holds. Every
name is fictional. Regenerate the golden files after a change (test_factor.py says how).
"""

from __future__ import annotations

import csv
import datetime
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ROOT = Path(__file__).parent / "documents" / "factor"
D = Decimal


def usd(value: str) -> str:
    """Lakeshore's money: $2,150.00 and ($50.00)."""
    number = D(value)
    text = f"${abs(number):,.2f}"
    return f"({text})" if number < 0 else text


def fin(value: str) -> str:
    """Finnish money: 4 960,00 and -2 604,00."""
    return f"{D(value):,.2f}".replace(",", " ").replace(".", ",")


def write_csv(path: Path, rows: list[list[str]], delimiter: str, encoding: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def write_xlsx(path: Path, sheet: str, rows: list[list[Any]], formats: dict[int, str]) -> None:
    """A workbook as a portal writes it: typed cells, number formats per column."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    fixed = datetime.datetime(2025, 7, 1, 8, 0, 0)
    book.properties.created = book.properties.modified = fixed
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows():
        for cell in row:
            fmt = formats.get(cell.column)
            if fmt and isinstance(cell.value, (int, float, datetime.date)):
                cell.number_format = fmt
    book.save(path)
    _fix_timestamps(path)


def _fix_timestamps(path: Path) -> None:
    """Give every member of the workbook's zip one date, so a rerun writes the same bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, content in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 7, 1, 8, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)


def lakeshore() -> None:
    title = "RIDGELINE FREIGHT LLC (Client #C10482)"
    purchase = [
        [f"Purchase Report - {title} 03/01/2025 - 03/07/2025"],
        ["Schedule #", "Purchase Date", "Debtor", "Debtor MC", "Invoice #", "Load #",
         "Invoice Amount", "Advance Rate", "Advance", "Fee %", "Fee", "Inv Fee", "Reserve",
         "Deductions", "Net Funded"],
        ["3110", "03/03/2025", "NORTHSTAR LOGISTICS LLC", "618204", "RF-1101", "NSL-460115",
         usd("2150"), "95.00%", usd("2042.50"), "2.50%", usd("53.75"), usd("5"),
         usd("107.50"), usd("0"), usd("1983.75")],
        ["3110", "03/03/2025", "CROSSROADS BROKERAGE, INC.", "702913", "RF-1102", "CRB-80331",
         usd("1875"), "95.00%", usd("1781.25"), "2.50%", usd("46.88"), usd("5"),
         usd("93.75"), usd("0"), usd("1729.37")],
        [""] * 13 + ["Transfer Fee", usd("-10")],
        ["Total", "", "", "", "", "", usd("4025"), "", usd("3823.75"), "", usd("100.63"),
         usd("10"), usd("201.25"), usd("0"), usd("3703.12")],
        ["3111", "03/05/2025", "BAYLINE LOGISTICS", "559061", "RF-1103", "BL-91544",
         usd("1640"), "95.00%", usd("1558"), "2.50%", usd("41"), usd("5"), usd("82"),
         usd("0"), usd("1512")],
        [""] * 13 + ["Transfer Fee", usd("-10")],
        ["Total", "", "", "", "", "", usd("1640"), "", usd("1558"), "", usd("41"), usd("5"),
         usd("82"), usd("0"), usd("1502")],
    ]  # fmt: skip
    collections = [
        [f"Collections Report - {title} 04/01/2025 - 04/07/2025"],
        ["Batch Date", "Pay Date", "Debtor", "Check/ACH #", "Invoice #", "Load #",
         "Invoice Amt", "Paid", "Short/Over", "Pay Type"],
        ["04/03/2025", "04/02/2025", "NORTHSTAR LOGISTICS LLC", "ACH4471922", "RF-1101",
         "NSL-460115", usd("2150"), usd("2150"), usd("0"), "ACH"],
        ["04/07/2025", "04/04/2025", "CROSSROADS BROKERAGE, INC.", "CHK 118733", "RF-1102",
         "CRB-80331", usd("1875"), usd("1825"), usd("-50"), "Check"],
        ["Total", "", "", "", "", "", usd("4025"), usd("3975"), usd("-50"), ""],
    ]  # fmt: skip
    reserve = [
        [f"Reserve Account Report - {title} 03/01/2025 - 04/30/2025"],
        ["Date", "Transaction Type", "Batch#", "Invoice #", "Description", "Amount", "Balance"],
        ["03/03/2025", "Purchase", "Schedule#3110", "", "Reserve holdback", usd("201.25"),
         usd("201.25")],
        ["03/05/2025", "Purchase", "Schedule#3111", "", "Reserve holdback", usd("82"),
         usd("283.25")],
        ["04/04/2025", "CashPosting", "Collection Report#772", "RF-1102",
         "Short pay - lumper not approved", usd("-50"), usd("233.25")],
        ["04/08/2025", "Release", "ACH 77812", "", "Reserve release (rebate)", usd("-151.25"),
         usd("82")],
        ["Total", "", "", "", "", usd("82"), ""],
    ]  # fmt: skip
    recourse = [
        [f"Recourse Report - {title} as of 06/04/2025"],
        ["Debtor", "Invoice#", "Invoice Date", "Post Date", "Invoice Amount", "Recourse Date",
         "Recourse Amount"],
        ["BAYLINE LOGISTICS", "RF-1103", "03/04/2025", "03/05/2025", usd("1640"), "06/04/2025",
         usd("1558")],
        ["Total", "", "", "", usd("1640"), "", usd("1558")],
    ]  # fmt: skip
    folder = ROOT / "lakeshore"
    write_csv(folder / "purchase_report_2025-03-07.csv", purchase, ",", "utf-8")
    write_csv(folder / "collections_report_2025-04-07.csv", collections, ",", "utf-8")
    write_csv(folder / "reserve_account_2025-04-30.csv", reserve, ",", "utf-8")
    write_csv(folder / "recourse_report_2025-06-04.csv", recourse, ",", "utf-8")


def pinecrest() -> None:
    day = datetime.date
    purchase = [
        ["Batch ID", "Fund Date", "Debtor Name", "Debtor Key", "Invoice No", "Ref No",
         "Invoice Amt", "Adv Pct", "Advance Amt", "Escrow Reserve", "Fee Amt"],
        [880, day(2025, 3, 4), "Prairie Freight Solutions", "PFS01", "PC-2001", "PFS-23310",
         1000, 0.9, 899.9999999999999, 100, 0],  # a float as a formula leaves it
        [880, day(2025, 3, 4), "Tristate Cargo Partners", "TCP02", "PC-2002", "TCP-6120",
         3000, 0.9, 2700, 300, 0],
        ["*", None, None, None, None, None, 4000, None, 3600, 400, 0],
        [881, "03-11-25", "Prairie Freight Solutions", "PFS01", "PC-2003", "PFS-23502",
         2500, 0.9, 2250, 250, 0],  # a date typed as text
        ["*", None, None, None, None, None, 2500, None, 2250, 250, 0],
    ]  # fmt: skip
    money = "#,##0.00;-#,##0.00"
    folder = ROOT / "pinecrest"
    write_xlsx(folder / "batch_detail_2025-03.xlsx", "Batch Detail", purchase,
               {2: "mm-dd-yy", 7: money, 8: "0.00", 9: money, 10: money, 11: money})  # fmt: skip
    collections = [
        ["Payment Date", "Payment Type", "Transaction Number", "Remitter Name", "Invoice No",
         "Invoice Amt", "Amount Paid"],
        ["04-18-25", "ACH", "000451187", "Prairie Freight Solutions", "PC-2001", "1000.00",
         "1000.00"],
        ["04-21-25", "CHECK", "20417", "Prairie Freight Solutions \u2013 AP", "PC-2003",
         "2500.00", "2450.00"],
        ["*", "", "", "", "", "3500.00", "3450.00"],
    ]  # fmt: skip
    write_csv(folder / "payments_2025-04.txt", collections, "\t", "cp1252")
    reserve = [
        ["Date", "Trans Type", "Reference", "Invoice No", "Description", "Amount", "Balance"],
        [day(2025, 3, 4), "Purchase", "B880", None, "Escrow reserve", 400, 400],
        [day(2025, 3, 11), "Purchase", "B881", None, "Escrow reserve", 250, 650],
        [day(2025, 4, 21), "Short Pay", "P-20417", "PC-2003", "Short paid by debtor", -50, 600],
        [day(2025, 4, 25), "Discount", "REB-4471", "PC-2001", "Discount 45 days", -27.5, 572.5],
        [day(2025, 4, 25), "Rebate", "REB-4471", "PC-2001", "Reserve rebate", -72.5, 500],
        [day(2025, 4, 25), "Discount", "REB-4471", "PC-2003", "Discount 41 days", -68.75,
         431.25],
        [day(2025, 4, 25), "Rebate", "REB-4471", "PC-2003", "Reserve rebate", -131.25, 300],
        [day(2025, 6, 2), "Recourse", "RC-118", "PC-2002", "Reserve applied to recourse",
         -300, 0],
        ["*", None, None, None, None, 0, None],
    ]  # fmt: skip
    write_xlsx(folder / "escrow_reserve_2025-06.xlsx", "Reserve", reserve,
               {1: "mm-dd-yy", 6: money, 7: money})  # fmt: skip
    recourse = [
        ["Debtor Name", "Invoice No", "Fund Date", "Invoice Amt", "Days Out", "Recourse Date",
         "Recourse Amt", "Fees Accrued"],
        ["Tristate Cargo Partners", "PC-2002", "03-04-25", "3000.00", "90", "06-02-25",
         "2842.50", "142.50"],
        ["*", "", "", "3000.00", "", "", "2842.50", "142.50"],
    ]  # fmt: skip
    write_csv(folder / "recourse_2025-06-02.txt", recourse, "\t", "cp1252")


def saaristo() -> None:
    client = "Asiakas: Kuljetusliike Revontuli Oy, asiakasnumero 40117"
    purchase = [
        ["Saaristo Rahoitus Oy"],
        ["Rahoitetut laskut 01.03.2025-31.03.2025"],
        [client],
        [],
        ["Erä", "Rahoituspäivä", "Ostaja", "Y-tunnus", "Laskunumero", "Viitenumero",
         "Laskun summa", "Rahoitus-%", "Rahoitettu", "Palkkio-%", "Palkkio", "Käsittelymaksu",
         "Pidätys", "Tilitetty"],
        ["5501", "03.03.2025", "Kivijärven Saha Oy", "2745193-4", "SA-301", "1100 3012",
         fin("4960"), "85,00", fin("4216"), "1,20", fin("59.52"), fin("4"), fin("744"),
         fin("4152.48")],
        ["5501", "03.03.2025", "Hämeen Puutuote Oy", "0918462-7", "SA-302", "1100 3025",
         fin("12400"), "85,00", fin("10540"), "1,20", fin("148.80"), fin("4"), fin("1860"),
         fin("10387.20")],
        ["Yhteensä", "", "", "", "", "", fin("17360"), "", fin("14756"), "", fin("208.32"),
         fin("8"), fin("2604"), fin("14539.68")],
        ["5502", "10.03.2025", "Itämeren Logistiikka Oy", "3310577-2", "SA-303", "1100 3038",
         fin("2180.50"), "85,00", fin("1853.43"), "1,20", fin("26.17"), fin("4"),
         fin("327.07"), fin("1823.26")],
        ["Yhteensä", "", "", "", "", "", fin("2180.50"), "", fin("1853.43"), "", fin("26.17"),
         fin("4"), fin("327.07"), fin("1823.26")],
    ]  # fmt: skip
    collections = [
        ["Saaristo Rahoitus Oy"],
        ["Ostajien suoritukset 01.04.2025-30.04.2025"],
        [client],
        [],
        ["Maksupäivä", "Kirjauspäivä", "Maksaja", "Laskunumero", "Viitenumero", "Laskun summa",
         "Suoritus", "Erotus"],
        ["02.04.2025", "03.04.2025", "Kivijärven Saha Oy", "SA-301", "1100 3012", fin("4960"),
         fin("4960"), fin("0")],
        ["15.04.2025", "16.04.2025", "Hämeen Puutuote Oy", "SA-302", "1100 3025", fin("12400"),
         fin("12350"), fin("50")],
        ["Yhteensä", "", "", "", "", fin("17360"), fin("17310"), fin("50")],
    ]  # fmt: skip
    reserve = [
        ["Saaristo Rahoitus Oy"],
        ["Pidätystili 01.03.2025-30.04.2025"],
        [client],
        [],
        ["Päivä", "Tapahtuma", "Tosite", "Laskunumero", "Selite", "Summa", "Saldo"],
        ["03.03.2025", "Rahoitus", "5501", "", "Pidätys erästä 5501", fin("-2604"),
         fin("-2604")],
        ["10.03.2025", "Rahoitus", "5502", "", "Pidätys erästä 5502", fin("-327.07"),
         fin("-2931.07")],
        ["04.04.2025", "Palautus", "88001", "SA-301", "Pidätyksen palautus", fin("744"),
         fin("-2187.07")],
        ["15.04.2025", "Suoritus", "77120", "SA-302", "Alisuoritus", fin("50"),
         fin("-2137.07")],
        ["30.04.2025", "Palvelumaksu", "88145", "", "Kuukausimaksu huhtikuu", fin("25"),
         fin("-2112.07")],
        ["Yhteensä", "", "", "", "", fin("-2112.07"), ""],
    ]  # fmt: skip
    recourse = [
        ["Saaristo Rahoitus Oy"],
        ["Takaisinsiirretyt laskut 09.06.2025"],
        [client],
        [],
        ["Ostaja", "Laskunumero", "Laskun päivä", "Eräpäivä", "Laskun summa",
         "Takaisinsiirtopäivä", "Takaisinsiirto"],
        ["Itämeren Logistiikka Oy", "SA-303", "07.03.2025", "06.04.2025", fin("2180.50"),
         "09.06.2025", fin("1853.43")],
        ["Yhteensä", "", "", "", fin("2180.50"), "", fin("1853.43")],
    ]  # fmt: skip
    folder = ROOT / "saaristo"
    write_csv(folder / "rahoitus_2025-03.csv", purchase, ";", "latin-1")
    write_csv(folder / "suoritukset_2025-04.csv", collections, ";", "latin-1")
    write_csv(folder / "pidatystili_2025-04.csv", reserve, ";", "latin-1")
    write_csv(folder / "takaisinsiirrot_2025-06.csv", recourse, ";", "latin-1")


def copperline() -> None:
    day = datetime.date
    client = "Client: Bluebird Staffing Inc. (7730)"
    money = "#,##0.00"
    funding = [
        ["Copperline Capital Corp. - Funding Detail"],
        [f"{client}    Period: 2025-03-01 to 2025-03-31"],
        ["Funding Date", "Funding No.", "Customer", "Customer No.", "Invoice", "PO Number",
         "Gross Amount", "Advance %", "Advance", "Discount", "Reserve", "Net Advance"],
        [day(2025, 3, 7), "F-2025-031", "Maple Ridge Fabricators Ltd.", "C-1184", "CL-501",
         "PO-77310", 8420, 0.9, 7578, 168.4, 842, 7409.6],
        [day(2025, 3, 7), "F-2025-031", "Les Entrepôts Nordiques Ltée", "C-1207", "CL-502",
         "PO-4471", 3175.25, 0.9, 2857.73, 63.51, 317.52, 2794.22],
        ["Grand Total", None, None, None, None, None, 11595.25, None, 10435.73, 231.91,
         1159.52, 10203.82],
    ]  # fmt: skip
    folder = ROOT / "copperline"
    write_xlsx(folder / "funding_detail_2025-03.xlsx", "Funding Detail", funding,
               {1: "yyyy-mm-dd", 7: money, 8: "0%", 9: money, 10: money, 11: money,
                12: money})  # fmt: skip
    payments = [
        ["Copperline Capital Corp. - Payments Applied"],
        [f"{client}    Period: 2025-04-01 to 2025-04-30"],
        ["Deposit Date", "Posting Date", "Customer", "Payment Ref", "Invoice", "Gross Amount",
         "Applied", "Variance"],
        ["2025-04-14", "2025-04-15", "Maple Ridge Fabricators Ltd.", "EFT 300122", "CL-501",
         "8,420.00", "8,420.00", "0.00"],
        ["2025-04-30", "2025-05-01", "Les Entrepôts Nordiques Ltée", "CHQ 004417", "CL-502",
         "3,175.25", "3,100.25", "-75.00"],
        ["Grand Total", "", "", "", "", "11,595.25", "11,520.25", "-75.00"],
    ]  # fmt: skip
    write_csv(folder / "payments_applied_2025-04.csv", payments, ",", "utf-8-sig")
    reserve = [
        ["Copperline Capital Corp. - Client Reserve Statement"],
        [f"{client}    Period: 2025-03-01 to 2025-04-30"],
        ["Date", "Description", "Invoice", "Reference", "Debit", "Credit", "Balance"],
        [day(2025, 3, 7), "Reserve on funding F-2025-031", None, "F-2025-031", None, 1159.52,
         1159.52],
        [day(2025, 4, 18), "Late discount", "CL-501", "W-88120", 84.2, None, 1075.32],
        [day(2025, 4, 18), "Reserve rebate", "CL-501", "W-88120", 757.8, None, 317.52],
        [day(2025, 4, 30), "Short payment", "CL-502", "CHQ 004417", 75, None, 242.52],
        [day(2025, 4, 30), "Monthly service charge", None, "SC-0425", 20, None, 222.52],
        ["Grand Total", None, None, None, 937, 1159.52, 222.52],
    ]  # fmt: skip
    write_xlsx(folder / "reserve_statement_2025-04.xlsx", "Reserve Statement", reserve,
               {1: "yyyy-mm-dd", 5: money, 6: money, 7: money})  # fmt: skip


def generic() -> None:
    rows = [
        ["Inv #", "Sold On", "Customer", "Face", "Adv", "Disc", "Hold"],
        ["A-7001", "03/12/2025", "Prairie Freight Solutions", "1200.00", "1104.00", "36.00",
         "96.00"],
        ["A-7002", "03/12/2025", "Northstar Logistics LLC", "800.00", "736.00", "24.00",
         "64.00"],
    ]  # fmt: skip
    write_csv(ROOT / "ashgrove" / "sold_invoices_2025-03-12.csv", rows, ",", "utf-8")


def later_payments() -> None:
    """Payments in parts and after a short pay, over two reports each (documents/payments/,
    the invoices of payments_ledger.beancount)."""
    title = "RIDGELINE FREIGHT LLC (Client #C10482)"
    header = ["Batch Date", "Pay Date", "Debtor", "Check/ACH #", "Invoice #", "Load #",
              "Invoice Amt", "Paid", "Short/Over", "Pay Type"]  # fmt: skip
    first = [
        [f"Collections Report - {title} 05/01/2025 - 05/05/2025"],
        header,
        ["05/05/2025", "05/02/2025", "NORTHSTAR LOGISTICS LLC", "ACH5510021", "RF-3001",
         "NSL-470221", usd("2000"), usd("1200"), usd("-800"), "ACH"],
        ["05/05/2025", "05/05/2025", "CROSSROADS BROKERAGE, INC.", "CHK 120045", "RF-3002",
         "CRB-81107", usd("1500"), usd("1450"), usd("-50"), "Check"],
        # Bayline paid the carrier, who forwarded it (the bank statement of April).
        ["05/05/2025", "04/29/2025", "BAYLINE LOGISTICS", "WIRE 0429-RF", "RF-3201",
         "BL-92010", usd("1000"), usd("1000"), usd("0"), "Wire"],
        ["Total", "", "", "", "", "", usd("4500"), usd("3650"), usd("-850"), ""],
    ]  # fmt: skip
    second = [
        [f"Collections Report - {title} 05/15/2025 - 05/21/2025"],
        header,
        ["05/20/2025", "05/19/2025", "NORTHSTAR LOGISTICS LLC", "ACH5539870", "RF-3001",
         "NSL-470221", usd("2000"), usd("800"), usd("0"), "ACH"],
        ["05/21/2025", "05/20/2025", "CROSSROADS BROKERAGE, INC.", "CHK 120388", "RF-3002",
         "CRB-81107", usd("1500"), usd("50"), usd("0"), "Check"],
        ["Total", "", "", "", "", "", usd("3500"), usd("850"), usd("0"), ""],
    ]  # fmt: skip
    folder = ROOT.parent / "payments"
    write_csv(folder / "lakeshore_collections_2025-05-05.csv", first, ",", "utf-8")
    write_csv(folder / "lakeshore_collections_2025-05-21.csv", second, ",", "utf-8")
    # A factor whose report says what is left open (a generic profile, BIRCHFIELD_PAYMENTS).
    columns = ["Invoice", "Paid On", "Payer", "Ref", "Invoice Total", "Received", "Open Balance"]
    april = [
        columns,
        ["RF-3101", "04/20/2025", "Prairie Freight Solutions", "W-8812", "1000.00", "400.00",
         "600.00"],
        ["RF-3102", "04/22/2025", "Tristate Cargo Partners", "W-8830", "500.00", "510.00",
         "-10.00"],
    ]  # fmt: skip
    may = [
        columns,
        ["RF-3101", "05/09/2025", "Prairie Freight Solutions", "W-9174", "1000.00", "600.00",
         "0.00"],
    ]  # fmt: skip
    # The carrier's bank: Bayline pays RF-3201, which Lakeshore holds, to the carrier,
    # who wires it on; another customer's payment names no invoice the factor holds.
    statement = [
        ["Details", "Posting Date", "Description", "Amount", "Type", "Balance",
         "Check or Slip #", ""],
        ["DEBIT", "04/29/2025", "LAKESHORE FUNDING WIRE OUT RF-3201", "-1000.00", "WIRE_OUT",
         "5740.00", "", ""],
        ["CREDIT", "04/28/2025", "TRISTATE CARGO ACH PMT REF 7781", "250.00", "ACH_CREDIT",
         "6740.00", "", ""],
        ["CREDIT", "04/25/2025", "BAYLINE LOGISTICS ACH PMT INV RF-3201", "1000.00",
         "ACH_CREDIT", "6490.00", "", ""],
    ]  # fmt: skip
    write_csv(folder / "first_prairie_checking_2025-04-30.csv", statement, ",", "utf-8")
    write_csv(folder / "birchfield_payments_2025-04.csv", april, ",", "utf-8")
    write_csv(folder / "birchfield_payments_2025-05.csv", may, ",", "utf-8")


def deductions() -> None:
    """A funding report that deducts fees from invoices: a 25.00 wire fee from BW-101
    (900.00 - 30.00 - 25.00 = 845.00 net) and a 35.00 lien search from BW-103
    (450.00 - 15.00 - 35.00 = 400.00); advance 90 %, fee 3 %, reserve 10 %."""
    rows = [
        ["Bramblewood Capital - Funding Report"],
        ["Schedule", "Funded", "Debtor", "Invoice", "Face Value", "Advance", "Factoring Fee",
         "Reserve", "Deduction", "Deduction Type", "Net Funded"],
        ["S-77", "2025-03-17", "NORTHSTAR LOGISTICS LLC", "BW-101", "1000.00", "900.00",
         "30.00", "100.00", "25.00", "Wire Fee", "845.00"],
        ["S-77", "2025-03-17", "CROSSROADS BROKERAGE, INC.", "BW-102", "2000.00", "1800.00",
         "60.00", "200.00", "0.00", "", "1740.00"],
        ["S-77", "2025-03-17", "BAYLINE LOGISTICS", "BW-103", "500.00", "450.00", "15.00",
         "50.00", "35.00", "UCC lien search", "400.00"],
        ["Total", "", "", "", "3500.00", "3150.00", "105.00", "350.00", "60.00", "",
         "2985.00"],
    ]  # fmt: skip
    write_csv(ROOT / "bramblewood" / "funding_report_2025-03-17.csv", rows, ",", "utf-8")


if __name__ == "__main__":
    lakeshore()
    pinecrest()
    saaristo()
    copperline()
    generic()
    later_payments()
    deductions()
