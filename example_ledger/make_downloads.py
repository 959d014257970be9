"""Write the sample downloads of the example ledger into example_ledger/downloads/.

    .venv/bin/python example_ledger/make_downloads.py

What Ridgeline Freight's bookkeeper has on Friday 2025-04-11, the second week after the
ledger's last entry: the TMS invoice export, Lakeshore's purchase and collections reports,
Pinecrest's payments report, the checking account's CSV download for the first week and
its OFX download for the second (never the same days in both: the two formats give the
same bank line different ids). `importers/import.py extract -e main.beancount downloads/`
turns them into entries that continue the books: new invoices, their schedules and
funding, the brokers' payments to the factors and the reserve rebates that follow.

Every figure is worked out here from the factoring agreements of main.beancount (the
Lakeshore advance, fee and reserve of each invoice, the Pinecrest fee for the days the
money was out), so that the imported entries load with the plugin without an error and
the bank's running balance follows on from the ledger's. To extend the example, add
invoices to NEW_INVOICES, schedules, collections and bank lines to the lists below, and
run the script again: it writes the same bytes for the same data. Every name is fictional.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOWNLOADS = HERE / "downloads"
D = Decimal
day = datetime.date

# The ledger's `2025-04-01 balance Assets:Bank:Checking`: where the statements start.
OPENING_BALANCE = D("17528.01")
# The CSV download covers the days up to this one, the OFX download the days after.
CSV_UNTIL = day(2025, 4, 4)
OFX_FROM, OFX_UNTIL = day(2025, 4, 7), day(2025, 4, 11)


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------------
# Invoices
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invoice:
    number: str
    date: datetime.date
    customer: str
    load: str
    # (charge code, description, amount); the first description is the route.
    items: tuple[tuple[str, str, str], ...]
    terms_days: int = 30

    @property
    def face(self) -> Decimal:
        return sum((D(amount) for _, _, amount in self.items), D(0))

    @property
    def due(self) -> datetime.date:
        return self.date + datetime.timedelta(days=self.terms_days)


def linehaul(route: str, amount: str) -> tuple[str, str, str]:
    return ("LINEHAUL", route, amount)


# Invoices main.beancount already has, that this period's reports name or that the TMS
# export lists again (as main.beancount books them).
BOOKED = {
    invoice.number: invoice
    for invoice in (
        Invoice("RF-1019", day(2025, 3, 3), "Prairie Freight Solutions", "PFS-22410",
                (linehaul("Louisville KY - Atlanta GA", "1995.00"),)),
        Invoice("RF-1020", day(2025, 3, 5), "Bayline Logistics", "BL-91530",
                (linehaul("Chicago IL - Columbus OH", "2420.00"),
                 ("LUMPER", "Lumper at receiver (billed back)", "210.00"))),
        Invoice("RF-1021", day(2025, 3, 10), "Crossroads Brokerage", "CRB-80102",
                (linehaul("Columbus OH - Louisville KY", "2790.00"),)),
        Invoice("RF-1022", day(2025, 3, 12), "Tristate Cargo Partners", "TCP-6044",
                (linehaul("St. Louis MO - Indianapolis IN", "1830.00"),)),
        Invoice("RF-1023", day(2025, 3, 17), "Northstar Logistics", "NSL-461905",
                (linehaul("Indianapolis IN - Cleveland OH", "2260.00"),)),
        Invoice("RF-1024", day(2025, 3, 24), "Granite Valley Paper", "GV-25-0324",
                (linehaul("Muncie IN - Columbus OH", "1640.00"),)),
    )
}  # fmt: skip

NEW_INVOICES = (
    Invoice("RF-1025", day(2025, 4, 1), "Northstar Logistics", "NSL-463020",
            (linehaul("Indianapolis IN - Columbus OH", "2480.00"),)),
    Invoice("RF-1026", day(2025, 4, 2), "Granite Valley Paper", "GV-25-0402",
            (linehaul("Muncie IN - Toledo OH", "1640.00"),
             ("DETENTION", "Detention at receiver, 2 h", "100.00"))),
    Invoice("RF-1027", day(2025, 4, 3), "Bayline Logistics", "BL-92011",
            (linehaul("Chicago IL - Indianapolis IN", "1890.00"),
             ("LUMPER", "Lumper at receiver (billed back)", "160.00"))),
    Invoice("RF-1028", day(2025, 4, 7), "Crossroads Brokerage", "CRB-80655",
            (linehaul("Dayton OH - Nashville TN", "2640.00"),
             ("DETENTION", "Detention at shipper, 2 h", "100.00"))),
)  # fmt: skip

# The TMS export lists every invoice dated from this day on.
TMS_FROM = day(2025, 3, 17)

INVOICES = {**BOOKED, **{invoice.number: invoice for invoice in NEW_INVOICES}}


# --------------------------------------------------------------------------------------
# Lakeshore Funding: 95% advance, flat 2.5% fee and $5 per invoice taken at purchase,
# $10 per funding transfer, 5% reserve paid back in full once the broker has paid.
# --------------------------------------------------------------------------------------

LAKESHORE_CLIENT = "RIDGELINE FREIGHT LLC (Client #C10482)"
LAKESHORE_DEBTORS = {  # customer -> (the name on Lakeshore's reports, its MC number)
    "Northstar Logistics": ("NORTHSTAR LOGISTICS LLC", "618204"),
    "Crossroads Brokerage": ("CROSSROADS BROKERAGE, INC.", "702913"),
    "Bayline Logistics": ("BAYLINE LOGISTICS", "559061"),
}
LAKESHORE_PAYEE = "LAKESHORE FUNDING LLC ACH CREDIT PPD ID: 8833120045"


@dataclass(frozen=True)
class LakeshoreSplit:
    advance: Decimal
    fee: Decimal
    invoice_fee: Decimal
    reserve: Decimal

    @property
    def net(self) -> Decimal:
        return self.advance - self.fee - self.invoice_fee


def lakeshore_split(invoice: Invoice) -> LakeshoreSplit:
    face = invoice.face
    advance = cents(face * D("0.95"))
    return LakeshoreSplit(advance, cents(face * D("0.025")), D("5.00"), face - advance)


LAKESHORE_TRANSFER_FEE = D("10.00")

# (schedule, purchase date, invoices, the day the funding reaches the bank)
LAKESHORE_SCHEDULES = (
    ("3108", day(2025, 4, 2), ("RF-1025",), day(2025, 4, 3)),
    ("3109", day(2025, 4, 8), ("RF-1027", "RF-1028"), day(2025, 4, 9)),
)
# (invoice, the day the broker paid Lakeshore, Lakeshore's batch date, check/ACH number)
LAKESHORE_COLLECTIONS = (
    ("RF-1020", day(2025, 4, 3), day(2025, 4, 4), "ACH5520418"),
    ("RF-1021", day(2025, 4, 8), day(2025, 4, 9), "CHK 120944"),
)
# (the day of the Friday rebate, the invoices whose reserve it pays back)
LAKESHORE_REBATES = ((day(2025, 4, 11), ("RF-1020", "RF-1021")),)


# --------------------------------------------------------------------------------------
# Pinecrest Capital: 90% advance; the fee (1.75% for 30 days + 0.5% per further 10 days,
# from the funding to the broker's payment) comes out of the 10% reserve at the rebate.
# --------------------------------------------------------------------------------------

PINECREST_PAYEE = "PINECREST CAPITAL ACH CREDIT PPD ID: 4471902233"
# The day Pinecrest funded each invoice it holds (main.beancount's deposits).
PINECREST_FUNDED = {"RF-1019": day(2025, 3, 5), "RF-1022": day(2025, 3, 14)}


def pinecrest_fee(invoice: Invoice, paid_on: datetime.date) -> Decimal:
    days = (paid_on - PINECREST_FUNDED[invoice.number]).days
    rate = D("0.0175")
    if days > 30:
        rate += D("0.005") * ((days - 30 + 9) // 10)
    return cents(invoice.face * rate)


def pinecrest_rebate(invoice: Invoice, paid_on: datetime.date) -> Decimal:
    """The reserve (10% of face) less the fee for the days the advance was out."""
    reserve = invoice.face - cents(invoice.face * D("0.90"))
    return reserve - pinecrest_fee(invoice, paid_on)


# (invoice, the day the broker paid Pinecrest, payment type, Pinecrest's transaction no.)
PINECREST_COLLECTIONS = (
    ("RF-1019", day(2025, 4, 2), "ACH", "000458812"),
    ("RF-1022", day(2025, 4, 10), "ACH", "000461290"),
)
# (the day of the rebate, the invoices whose reserve less fee it pays back)
PINECREST_REBATES = (
    (day(2025, 4, 4), ("RF-1019",)),
    (day(2025, 4, 11), ("RF-1022",)),
)


# --------------------------------------------------------------------------------------
# The checking account at First Prairie Bank
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BankLine:
    date: datetime.date
    name: str  # the CSV's description starts with it; OFX's NAME
    memo: str  # the rest of the CSV's description; OFX's MEMO
    amount: Decimal
    kind: str  # the CSV's Type (ACH_DEBIT, ...); OFX's TRNTYPE follows from it
    check: str = ""


# Lines that are not a factor's; the factors' deposits are worked out below.
OTHER_LINES = (
    BankLine(day(2025, 4, 1), "KEYLINE MUTUAL INS", "PREMIUM PPD ID: 9100443871",
             D("-1640.00"), "ACH_DEBIT"),
    BankLine(day(2025, 4, 1), "FLEETONE FUEL CARD", "DRAFT PPD ID: 1231456789",
             D("-871.42"), "ACH_DEBIT"),
    BankLine(day(2025, 4, 3), "COMCHEK LUMPER SVC", "040325 INDIANAPOLIS IN",
             D("-160.00"), "DEBIT_CARD"),
    BankLine(day(2025, 4, 4), "TRUCKLOG ELD", "SUBSCRIPTION 800-555-0142", D("-35.00"),
             "DEBIT_CARD"),
    BankLine(day(2025, 4, 7), "FLEETONE FUEL CARD", "DRAFT PPD ID: 1231456789",
             D("-905.36"), "ACH_DEBIT"),
    BankLine(day(2025, 4, 8), "E-ZPASS REPLENISHMENT", "877-762-7824", D("-150.00"),
             "DEBIT_CARD"),
    BankLine(day(2025, 4, 9), "CHECK 1044", "", D("-420.00"), "CHECK_PAID", "1044"),
    BankLine(day(2025, 4, 10), "GRANITE VALLEY PAPER", "ACH PMT INV RF-1024",
             D("1640.00"), "ACH_CREDIT"),
)  # fmt: skip

OFX_TYPES = {
    "ACH_DEBIT": "DIRECTDEBIT",
    "ACH_CREDIT": "CREDIT",
    "DEBIT_CARD": "POS",
    "CHECK_PAID": "CHECK",
}


def factor_lines() -> list[BankLine]:
    """The factors' deposits: fundings (advances less fees) and reserve rebates."""
    lines = []
    name, memo = LAKESHORE_PAYEE.split(" ACH ", 1)
    for _, _, numbers, funded in LAKESHORE_SCHEDULES:
        net = sum((lakeshore_split(INVOICES[n]).net for n in numbers), D(0))
        lines.append(BankLine(funded, name, "ACH " + memo, net - LAKESHORE_TRANSFER_FEE,
                              "ACH_CREDIT"))  # fmt: skip
    for paid_on, numbers in LAKESHORE_REBATES:
        amount = sum((lakeshore_split(INVOICES[n]).reserve for n in numbers), D(0))
        lines.append(BankLine(paid_on, name, "ACH " + memo, amount, "ACH_CREDIT"))
    name, memo = PINECREST_PAYEE.split(" ACH ", 1)
    paid = {number: paid_on for number, paid_on, _, _ in PINECREST_COLLECTIONS}
    for paid_on, numbers in PINECREST_REBATES:
        amount = sum((pinecrest_rebate(INVOICES[n], paid[n]) for n in numbers), D(0))
        lines.append(BankLine(paid_on, name, "ACH " + memo, amount, "ACH_CREDIT"))
    return lines


def bank_lines() -> list[tuple[BankLine, Decimal]]:
    """Every line, oldest first, with the running balance after it."""
    lines = sorted([*OTHER_LINES, *factor_lines()], key=lambda line: line.date)
    running = OPENING_BALANCE
    result = []
    for line in lines:
        running += line.amount
        result.append((line, running))
    return result


# --------------------------------------------------------------------------------------
# Writing the files
# --------------------------------------------------------------------------------------


def usd(value: Decimal) -> str:
    """Lakeshore's money: $2,150.00 and ($50.00)."""
    text = f"${abs(value):,.2f}"
    return f"({text})" if value < 0 else text


def write_csv(
    path: Path, rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8"
) -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\r\n").writerows(rows)


def mdy(date: datetime.date) -> str:
    return date.strftime("%m/%d/%Y")


def tms_export(folder: Path) -> None:
    """The TMS's invoice export: one row per line item."""
    rows = [["Invoice No", "Invoice Date", "Due Date", "Customer", "Load No", "Charge Code",
             "Description", "Amount"]]  # fmt: skip
    listed = sorted((i for i in INVOICES.values() if i.date >= TMS_FROM), key=lambda i: i.number)
    for invoice in listed:
        for code, description, amount in invoice.items:
            rows.append([invoice.number, mdy(invoice.date), mdy(invoice.due), invoice.customer,
                         invoice.load, code, description, f"{D(amount):,.2f}"])  # fmt: skip
    write_csv(folder / f"ridgeline_tms_invoices_{max(i.date for i in listed)}.csv", rows)


def lakeshore_purchase_report(folder: Path) -> None:
    first = min(purchased for _, purchased, _, _ in LAKESHORE_SCHEDULES)
    last = max(purchased for _, purchased, _, _ in LAKESHORE_SCHEDULES)
    start = first - datetime.timedelta(days=first.weekday())
    rows = [
        [f"Purchase Report - {LAKESHORE_CLIENT} {mdy(start)} - {mdy(last)}"],
        ["Schedule #", "Purchase Date", "Debtor", "Debtor MC", "Invoice #", "Load #",
         "Invoice Amount", "Advance Rate", "Advance", "Fee %", "Fee", "Inv Fee", "Reserve",
         "Deductions", "Net Funded"],
    ]  # fmt: skip
    zero = D(0)
    for schedule, purchased, numbers, _ in LAKESHORE_SCHEDULES:
        totals = [zero] * 6  # face, advance, fee, invoice fee, reserve, net
        for number in numbers:
            invoice = INVOICES[number]
            split = lakeshore_split(invoice)
            debtor, mc = LAKESHORE_DEBTORS[invoice.customer]
            rows.append([schedule, mdy(purchased), debtor, mc, number, invoice.load,
                         usd(invoice.face), "95.00%", usd(split.advance), "2.50%",
                         usd(split.fee), usd(split.invoice_fee), usd(split.reserve),
                         usd(zero), usd(split.net)])  # fmt: skip
            figures = (invoice.face, split.advance, split.fee, split.invoice_fee,
                       split.reserve, split.net)  # fmt: skip
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
        rows.append([""] * 13 + ["Transfer Fee", usd(-LAKESHORE_TRANSFER_FEE)])
        face, advance, fee, invoice_fee, reserve, net = totals
        rows.append(["Total", "", "", "", "", "", usd(face), "", usd(advance), "", usd(fee),
                     usd(invoice_fee), usd(reserve), usd(zero),
                     usd(net - LAKESHORE_TRANSFER_FEE)])  # fmt: skip
    write_csv(folder / f"lakeshore_purchase_report_{last}.csv", rows)


def lakeshore_collections_report(folder: Path) -> None:
    first = min(batch for _, _, batch, _ in LAKESHORE_COLLECTIONS)
    last = max(batch for _, _, batch, _ in LAKESHORE_COLLECTIONS)
    start = first - datetime.timedelta(days=first.weekday())
    rows = [
        [f"Collections Report - {LAKESHORE_CLIENT} {mdy(start)} - {mdy(last)}"],
        ["Batch Date", "Pay Date", "Debtor", "Check/ACH #", "Invoice #", "Load #",
         "Invoice Amt", "Paid", "Short/Over", "Pay Type"],
    ]  # fmt: skip
    face_total = D(0)
    for number, paid_on, batch, reference in LAKESHORE_COLLECTIONS:
        invoice = INVOICES[number]
        debtor = LAKESHORE_DEBTORS[invoice.customer][0]
        kind = "Check" if reference.startswith("CHK") else "ACH"
        rows.append([mdy(batch), mdy(paid_on), debtor, reference, number, invoice.load,
                     usd(invoice.face), usd(invoice.face), usd(D(0)), kind])  # fmt: skip
        face_total += invoice.face
    rows.append(["Total", "", "", "", "", "", usd(face_total), usd(face_total), usd(D(0)), ""])
    write_csv(folder / f"lakeshore_collections_report_{last}.csv", rows)


def pinecrest_payments(folder: Path) -> None:
    """Pinecrest's payments report, as its portal exports it: tab-separated, cp1252."""
    rows = [["Payment Date", "Payment Type", "Transaction Number", "Remitter Name",
             "Invoice No", "Invoice Amt", "Amount Paid"]]  # fmt: skip
    total = D(0)
    for number, paid_on, kind, reference in PINECREST_COLLECTIONS:
        invoice = INVOICES[number]
        face = f"{invoice.face:.2f}"
        rows.append([paid_on.strftime("%m-%d-%y"), kind, reference, invoice.customer, number,
                     face, face])  # fmt: skip
        total += invoice.face
    rows.append(["*", "", "", "", "", f"{total:.2f}", f"{total:.2f}"])
    last = max(paid_on for _, paid_on, _, _ in PINECREST_COLLECTIONS)
    write_csv(folder / f"pinecrest_payments_{last}.txt", rows, "\t", "cp1252")


def bank_csv(folder: Path, lines: list[tuple[BankLine, Decimal]]) -> None:
    """First Prairie's CSV download: newest line first, a running balance."""
    rows = [["Details", "Posting Date", "Description", "Amount", "Type", "Balance",
             "Check or Slip #", ""]]  # fmt: skip
    chosen = [(line, running) for line, running in lines if line.date <= CSV_UNTIL]
    for line, running in reversed(chosen):
        details = "CHECK" if line.check else "CREDIT" if line.amount > 0 else "DEBIT"
        description = f"{line.name} {line.memo}".strip()
        rows.append([details, mdy(line.date), description, f"{line.amount:.2f}", line.kind,
                     f"{running:.2f}", line.check, ""])  # fmt: skip
    write_csv(folder / f"first_prairie_checking_{CSV_UNTIL}.csv", rows)


def bank_ofx(folder: Path, lines: list[tuple[BankLine, Decimal]]) -> None:
    """First Prairie's OFX download (OFX 1.02, SGML), for Quicken and QuickBooks."""
    chosen = [(line, running) for line, running in lines if OFX_FROM <= line.date <= OFX_UNTIL]
    closing = chosen[-1][1]
    stamp = "120000.000[-5:EST]"
    server = f"<DTSERVER>{OFX_UNTIL + datetime.timedelta(days=1):%Y%m%d}083015.000[-5:EST]"
    out = [
        "OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII",
        "CHARSET:1252", "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
        "<OFX>", "<SIGNONMSGSRSV1>", "<SONRS>", "<STATUS>", "<CODE>0", "<SEVERITY>INFO",
        "</STATUS>", server,
        "<LANGUAGE>ENG", "<FI>", "<ORG>FIRST PRAIRIE BANK", "<FID>10898", "</FI>", "</SONRS>",
        "</SIGNONMSGSRSV1>", "<BANKMSGSRSV1>", "<STMTTRNRS>", "<TRNUID>0", "<STATUS>",
        "<CODE>0", "<SEVERITY>INFO", "</STATUS>", "<STMTRS>", "<CURDEF>USD", "<BANKACCTFROM>",
        "<BANKID>074000010", "<ACCTID>4417902216", "<ACCTTYPE>CHECKING", "</BANKACCTFROM>",
        "<BANKTRANLIST>", f"<DTSTART>{OFX_FROM:%Y%m%d}", f"<DTEND>{OFX_UNTIL:%Y%m%d}",
    ]  # fmt: skip
    for seq, (line, _) in enumerate(chosen, start=1):
        out += [
            "<STMTTRN>",
            f"<TRNTYPE>{OFX_TYPES[line.kind]}",
            f"<DTPOSTED>{line.date:%Y%m%d}{stamp}",
            f"<TRNAMT>{line.amount:.2f}",
            f"<FITID>{line.date:%Y%m%d}{seq * 10:05d}",
        ]
        if line.check:
            out.append(f"<CHECKNUM>{line.check}")
        out.append(f"<NAME>{line.name}")
        if line.memo:
            out.append(f"<MEMO>{line.memo.replace(':', '')}")
        out.append("</STMTTRN>")
    asof = f"<DTASOF>{OFX_UNTIL:%Y%m%d}170000.000[-5:EST]"
    out += [
        "</BANKTRANLIST>", "<LEDGERBAL>", f"<BALAMT>{closing:.2f}", asof, "</LEDGERBAL>",
        "<AVAILBAL>", f"<BALAMT>{closing:.2f}", asof, "</AVAILBAL>", "</STMTRS>",
        "</STMTTRNRS>", "</BANKMSGSRSV1>", "</OFX>",
    ]  # fmt: skip
    text = "\r\n".join(out) + "\r\n"
    (folder / f"first_prairie_{OFX_UNTIL}.ofx").write_bytes(text.encode("ascii"))


def write_downloads(folder: Path = DOWNLOADS) -> None:
    """Write every sample download into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    tms_export(folder)
    lakeshore_purchase_report(folder)
    lakeshore_collections_report(folder)
    pinecrest_payments(folder)
    lines = bank_lines()
    bank_csv(folder, lines)
    bank_ofx(folder, lines)


if __name__ == "__main__":
    write_downloads()
