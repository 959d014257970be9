"""Importer throughput and deduplication cost, as ratios to plain beangulp.

    python benchmarks/importers.py                 # 10k and 100k rows
    python benchmarks/importers.py --rows 10000    # a quick run

For each size it writes, into a temporary folder, a bank statement CSV, the same
lines as OFX, a TMS invoice export and two factor reports of the LAKESHORE profile
(a purchase report and a collections report, with its title row, `$1,234.50`
money, `95.00%` rates and a total row per schedule) with that many rows, all
deterministic. It then times ``extract()`` of each of our importers and of a
minimal ``beangulp.importers.csvbase`` importer on the same bank CSV (the
baseline: five columns, one posting per row) in interleaved pairs (each run of ours
right beside a run of the baseline), and prints the medians of wall and CPU time,
rows per second and the ratios to the baseline (above 1.00 is faster).

Deduplication, at each size: the extracted bank lines are deduplicated against a
generated ledger of as many invoices (``generate.py``, loaded with the plugin) that
also holds the same lines, so every line is a duplicate: once as a previous import
(matched by ``import-id``), once typed by hand, without ids (matched by account,
amount and date as probable duplicates, ``dedup.py``). It reports our
``deduplicate()`` time per row in both cases, the typed case against the extract's
time, and the per-row cost of beangulp's default matcher, measured on a sample of
rows (it compares each row with every entry within two days, so its cost grows with
the ledger).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from beancount import loader  # noqa: E402
from beangulp import extract, similar  # noqa: E402
from beangulp.importers import csvbase  # noqa: E402
from generate import generate  # noqa: E402

from beancount_factoring.importers import profiles  # noqa: E402
from beancount_factoring.importers.bank import BankCsvImporter  # noqa: E402
from beancount_factoring.importers.base import ID_KEY  # noqa: E402
from beancount_factoring.importers.dedup import NOTE_KEY  # noqa: E402
from beancount_factoring.importers.factor import FactorReportImporter  # noqa: E402
from beancount_factoring.importers.invoices import InvoiceImporter  # noqa: E402
from beancount_factoring.importers.ofx import OfxImporter  # noqa: E402

START = datetime.date(2020, 1, 1)
FACTORS = {"SUMMIT FUNDING": "Assets:Factoring:Summit:Clearing"}
PAYEES = (
    "PILOT TRAVEL CENTER #412 RICHMOND IN",
    "E-ZPASS REPLENISHMENT",
    "PAYROLL SVC DIRECT DEP PPD",
    "LAKEVIEW EQUIP FIN LOAN PMT",
    "SUMMIT FUNDING ACH CREDIT PPD",
    "PROGRESSIVE INS PREMIUM",
)


class Baseline(csvbase.Importer):
    """The smallest useful beangulp CSV importer for the same bank file."""

    date = csvbase.Date("Posting Date", "%m/%d/%Y")
    narration = csvbase.Column("Description")
    amount = csvbase.Amount("Amount")
    balance = csvbase.Amount("Balance")
    order = csvbase.Order.DESCENDING

    def identify(self, filepath: str) -> bool:
        return filepath.endswith(".csv")


def bank_lines(rows: int) -> list[tuple[datetime.date, str, Decimal]]:
    rng = random.Random(7)
    lines = []
    for n in range(rows):
        day = START + datetime.timedelta(days=n // 40)
        payee = PAYEES[rng.randrange(len(PAYEES))]
        cents = rng.randrange(1_000, 900_000)
        amount = Decimal(cents).scaleb(-2)
        lines.append((day, f"{payee} {n}", amount if "SUMMIT" in payee else -amount))
    return lines


def write_bank_csv(path: Path, lines: list[tuple[datetime.date, str, Decimal]]) -> None:
    balance = Decimal("50000.00")
    out = []
    for day, text, amount in lines:
        balance += amount
        kind = "CREDIT" if amount > 0 else "DEBIT"
        out.append(f'{kind},{day:%m/%d/%Y},"{text}",{amount},ACH,{balance},,')
    header = "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #,\n"
    path.write_text(header + "\n".join(reversed(out)) + "\n", encoding="utf-8")


def write_ofx(path: Path, lines: list[tuple[datetime.date, str, Decimal]]) -> None:
    body = []
    for n, (day, text, amount) in enumerate(lines):
        body.append(
            f"<STMTTRN><TRNTYPE>{'CREDIT' if amount > 0 else 'DEBIT'}"
            f"<DTPOSTED>{day:%Y%m%d}<TRNAMT>{amount}<FITID>{n:09d}"
            f"<NAME>{text[:32]}<MEMO>{text}</STMTTRN>"
        )
    last = lines[-1][0]
    path.write_text(
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\n"
        "CHARSET:1252\nCOMPRESSION:NONE\nOLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        "<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>071000013<ACCTID>4417902216"
        "<ACCTTYPE>CHECKING</BANKACCTFROM><BANKTRANLIST>"
        f"<DTSTART>{START:%Y%m%d}<DTEND>{last:%Y%m%d}\n"
        + "\n".join(body)
        + f"\n</BANKTRANLIST><LEDGERBAL><BALAMT>1000.00<DTASOF>{last:%Y%m%d}</LEDGERBAL>"
        "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n",
        encoding="ascii",
    )


def write_invoices(path: Path, rows: int) -> None:
    rng = random.Random(11)
    out = ["Invoice No,Invoice Date,Due Date,Customer,Load No,Charge Code,Description,Amount"]
    n = 0
    while len(out) <= rows:
        n += 1
        day = START + datetime.timedelta(days=n // 30)
        due = day + datetime.timedelta(days=30)
        customer = ("Northstar Logistics", "Crossroads Brokerage", "Bayline Logistics")[n % 3]
        head = f"RF-{n:07d},{day:%m/%d/%Y},{due:%m/%d/%Y},{customer},L-{n}"
        out.append(f"{head},LINEHAUL,Lane {n},{rng.randrange(900, 3500)}.00")
        out.append(f"{head},FSC,Fuel surcharge,{rng.randrange(100, 400)}.00")
    path.write_text("\n".join(out[: rows + 1]) + "\n", encoding="utf-8")


DEBTORS = (
    "NORTHSTAR LOGISTICS LLC",
    "CROSSROADS BROKERAGE, INC.",
    "BAYLINE LOGISTICS",
    "PRAIRIE FREIGHT SOLUTIONS",
    "TRISTATE CARGO PARTNERS LLC",  # not in `debtors=`: its account is guessed
)
# Each schedule of the purchase report holds this many invoices.
SCHEDULE = 25


def usd(cents: int) -> str:
    """Lakeshore's money: $2,150.00, ($50.00), quoted when it has a comma."""
    text = f"${abs(cents) / 100:,.2f}"
    text = f"({text})" if cents < 0 else text
    return f'"{text}"' if "," in text else text


def write_purchase_report(path: Path, rows: int) -> None:
    """A LAKESHORE purchase report: a title, schedules of SCHEDULE invoices, totals."""
    rng = random.Random(13)
    out = [
        "Purchase Report - RIDGELINE FREIGHT LLC (Client #C10482) 01/01/2020 - 12/31/2029",
        "Schedule #,Purchase Date,Debtor,Debtor MC,Invoice #,Load #,Invoice Amount,"
        "Advance Rate,Advance,Fee %,Fee,Inv Fee,Reserve,Deductions,Net Funded",
    ]
    for first in range(0, rows, SCHEDULE):
        number = 3000 + first // SCHEDULE
        day = START + datetime.timedelta(days=first // SCHEDULE)
        total = 0
        for n in range(first, min(first + SCHEDULE, rows)):
            debtor = DEBTORS[rng.randrange(len(DEBTORS))]
            face = rng.randrange(50_000, 900_000)
            advance, fee, reserve = face * 95 // 100, face * 25 // 1000, face * 5 // 100
            total += face
            net = advance - fee - 500
            name = f'"{debtor}"' if "," in debtor else debtor
            out.append(
                f"{number},{day:%m/%d/%Y},{name},{600000 + n % 997},RF-{n:07d},L-{n},"
                f"{usd(face)},95.00%,{usd(advance)},2.50%,{usd(fee)},$5.00,{usd(reserve)},"
                f"$0.00,{usd(net)}"
            )
        out.append(",,,,,,,,,,,,,Transfer Fee,($10.00)")
        out.append(f"Total,,,,,,{usd(total)},,,,,,,,")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_collections_report(path: Path, rows: int) -> None:
    """A LAKESHORE collections report: one payment per row, some short, some split."""
    rng = random.Random(17)
    out = [
        "Collections Report - RIDGELINE FREIGHT LLC (Client #C10482) 01/01/2020 - 12/31/2029",
        "Batch Date,Pay Date,Debtor,Check/ACH #,Invoice #,Load #,Invoice Amt,Paid,Short/Over,"
        "Pay Type",
    ]
    invoice = face = 0
    for n in range(rows):
        day = START + datetime.timedelta(days=n // 40)
        batch = day + datetime.timedelta(days=2)
        if rng.randrange(20) or not n:  # one row in twenty pays the invoice of the row before
            invoice += 1
            face = rng.randrange(50_000, 900_000)
        debtor = DEBTORS[invoice % len(DEBTORS)]
        name = f'"{debtor}"' if "," in debtor else debtor
        short = -rng.randrange(1, 9_000) if rng.randrange(10) == 0 else 0
        kind, ref = ("ACH", f"ACH{4_000_000 + n}") if n % 3 else ("Check", f"CHK {n}")
        out.append(
            f"{batch:%m/%d/%Y},{day:%m/%d/%Y},{name},{ref},RF-{invoice:07d},L-{invoice},"
            f"{usd(face)},{usd(face + short)},{usd(short)},{kind}"
        )
    out.append("Total,,,,,,,,,")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def lakeshore() -> FactorReportImporter:
    return FactorReportImporter(
        profiles.LAKESHORE,
        "Lakeshore",
        bank="Assets:Bank:Checking",
        debtors={name: f"Assets:Receivable:D{n}" for n, name in enumerate(DEBTORS[:-1])},
    )


def us_bank() -> BankCsvImporter:
    return BankCsvImporter(
        "Assets:Bank:Checking",
        date="Posting Date",
        narration="Description",
        amount="Amount",
        balance="Balance",
        signature=("Details", "Type", "Check or Slip #"),
        factors=FACTORS,
    )


@dataclass(frozen=True)
class Timing:
    """One importer's medians: wall and CPU seconds, and its ratios to the baseline
    (the baseline's time over its own, each pair run back to back; above 1 is faster)."""

    wall: float
    cpu: float
    wall_ratio: float
    cpu_ratio: float


def run_once(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    spent = time.perf_counter() - wall, time.process_time() - cpu
    assert isinstance(result, list) and result
    del result  # freed before the next run starts
    return spent


def timed(
    baseline: Callable[[], object], runs: list[Callable[[], object]], repeat: int
) -> list[Timing]:
    """The baseline's medians, then each run's against it, in interleaved pairs: in
    each round every run is timed right after (or, every other round, right before) a
    run of the baseline, so that a burst of load on the shared machine slows both sides
    of a pair alike. The ratios are the medians of the pairs' ratios; CPU time, which
    load changes less than wall time, is given beside it."""
    pairs: list[list[tuple[tuple[float, float], tuple[float, float]]]] = [[] for _ in runs]
    for round_ in range(repeat):
        for run, found in zip(runs, pairs, strict=True):
            if round_ % 2:
                ours = run_once(run)
                base = run_once(baseline)
            else:
                base = run_once(baseline)
                ours = run_once(run)
            found.append((base, ours))
    median = statistics.median
    bases = [base for found in pairs for base, _ in found]
    baseline_timing = Timing(median(b[0] for b in bases), median(b[1] for b in bases), 1.0, 1.0)
    return [baseline_timing] + [
        Timing(
            median(ours[0] for _, ours in found),
            median(ours[1] for _, ours in found),
            median(base[0] / ours[0] for base, ours in found),
            median(base[1] / max(ours[1], 1e-9) for base, ours in found),
        )
        for found in pairs
    ]


def throughput(rows: int, repeat: int, folder: Path) -> list[tuple[str, int, Timing]]:
    lines = bank_lines(rows)
    csv_path, ofx_path = folder / f"bank-{rows}.csv", folder / f"bank-{rows}.ofx"
    invoices_path = folder / f"invoices-{rows}.csv"
    write_bank_csv(csv_path, lines)
    write_ofx(ofx_path, lines)
    write_invoices(invoices_path, rows)
    purchase_path = folder / f"lakeshore_purchase-{rows}.csv"
    collections_path = folder / f"lakeshore_collections-{rows}.csv"
    write_purchase_report(purchase_path, rows)
    write_collections_report(collections_path, rows)
    cases: list[tuple[str, Callable[[], list], int]] = [
        (
            "csvbase (baseline)",
            lambda: Baseline("Assets:Bank:Checking", "USD").extract(str(csv_path), []),
            rows,
        ),
        ("bank CSV", lambda: us_bank().extract(str(csv_path), []), rows),
        (
            "bank OFX",
            lambda: OfxImporter(
                "Assets:Bank:Checking", account_id="4417902216", factors=FACTORS
            ).extract(str(ofx_path), []),
            rows,
        ),
        (
            "invoice export",
            lambda: InvoiceImporter(
                invoice="Invoice No",
                load="Load No",
                charge="Charge Code",
                description="Description",
            ).extract(str(invoices_path), []),
            rows,
        ),
        ("factor purchase", lambda: lakeshore().extract(str(purchase_path), []), rows),
        ("factor collections", lambda: lakeshore().extract(str(collections_path), []), rows),
    ]
    timings = timed(cases[0][1], [run for _, run, _ in cases[1:]], repeat)
    return [(name, count, timing) for (name, _, count), timing in zip(cases, timings, strict=True)]


def typed_by_hand(entries: list) -> list:
    """The same entries without their import ids, as a bookkeeper would have typed them."""
    return [e._replace(meta={k: v for k, v in e.meta.items() if k != ID_KEY}) for e in entries]


def dedupe(rows: int, sample: int, folder: Path) -> dict[str, float]:
    """Deduplicate the bank lines against a ledger that holds them already: imported
    (matched by import id) and typed by hand (no ids: matched by account, amount and date,
    as probable duplicates)."""
    csv_path = folder / f"bank-{rows}.csv"
    if not csv_path.exists():
        write_bank_csv(csv_path, bank_lines(rows))
    ledger = folder / f"ledger-{rows}.beancount"
    ledger.write_text(generate(rows, 0.3, 1, True), encoding="utf-8")
    books, _, _ = loader.load_file(str(ledger))
    importer = us_bank()
    start = time.perf_counter()
    previous = importer.extract(str(csv_path), [])
    extract_s = time.perf_counter() - start
    figures: dict[str, float] = {"extract_s": extract_s}
    for name, earlier in (("ids", previous), ("typed", typed_by_hand(previous))):
        existing = list(books) + earlier
        fresh = importer.extract(str(csv_path), [])
        start = time.perf_counter()
        importer.deduplicate(fresh, existing)
        spent = time.perf_counter() - start
        marked = sum(1 for entry in fresh if "__duplicate__" in entry.meta)
        assert marked == len(fresh), f"{name}: {marked} of {len(fresh)} marked"
        probable = sum(1 for entry in fresh if NOTE_KEY in entry.meta)
        assert (probable > 0) == (name == "typed"), (name, probable)
        figures.update(
            {
                "rows": len(fresh),
                "existing": len(existing),
                f"{name}_s": spent,
                f"{name}_per_row_ms": spent / len(fresh) * 1000,
            }
        )
    picks = fresh[:: max(1, len(fresh) // sample)][:sample]
    for entry in picks:
        entry.meta.pop("__duplicate__", None)
    start = time.perf_counter()
    extract.mark_duplicate_entries(
        picks, existing, datetime.timedelta(days=2), similar.heuristic_comparator()
    )
    default_s = time.perf_counter() - start
    figures.update(
        {
            "default_per_row_ms": default_s / len(picks) * 1000,
            "default_found": sum(1 for entry in picks if "__duplicate__" in entry.meta),
            "sample": len(picks),
        }
    )
    return figures


def print_dedupe(d: dict[str, float]) -> None:
    print(
        f"{d['rows']:>8.0f} {d['existing']:>9.0f} {d['ids_per_row_ms']:>10.4f} "
        f"{d['typed_per_row_ms']:>10.4f} {d['typed_s'] / d['extract_s']:>10.2f}x "
        f"{d['default_per_row_ms']:>10.1f} {d['default_found']:>5.0f}/{d['sample']:.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(
            f"extract(), median of {args.repeat} interleaved pairs with csvbase; "
            "ratio = csvbase's time over ours (above 1.00 is faster)"
        )
        print(
            f"{'rows':>8} {'importer':<20} {'wall s':>7} {'cpu s':>7} {'rows/s':>8} "
            f"{'wall':>6} {'cpu':>6}"
        )
        for rows in args.rows:
            for name, count, timing in throughput(rows, args.repeat, folder):
                print(
                    f"{rows:>8} {name:<20} {timing.wall:>7.2f} {timing.cpu:>7.2f} "
                    f"{count / timing.wall:>8.0f} {timing.wall_ratio:>5.2f}x "
                    f"{timing.cpu_ratio:>5.2f}x"
                )
        print()
        print(
            "deduplicate(): ms per row by import id, and typed by hand (probable duplicates by"
            " account, amount, date); beangulp's default matcher on a sample"
        )
        print(
            f"{'rows':>8} {'existing':>9} {'by id':>10} {'by hand':>10} {'of extract':>11} "
            f"{'default':>10} {'found':>6}"
        )
        for rows in args.rows:
            print_dedupe(dedupe(rows, args.sample, folder))


if __name__ == "__main__":
    main()
