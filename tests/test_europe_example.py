"""The European example (a Finnish workshop, bank-run factoring, VAT) loads cleanly and adds up.

The figures in the comments were worked out by hand from the ledger's invoices; the tests
recompute them from the loaded entries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.core.number import MISSING
from beancount.parser import parser

from beancount_factoring.reports.facts import read_facts

D = Decimal
LEDGER = Path(__file__).resolve().parent.parent / "example_ledger" / "europe" / "main.beancount"

BANK = "Assets:1910-Bank"
INTERMEDIARY = "Assets:1717-Factoring-Intermediary"
RECEIVABLES = "Assets:1718-Factoring-Receivables"
SALES = "Income:3000-Sales"
CREDIT_NOTES = "Income:3010-Credit-Notes"
VAT = "Liabilities:2939-VAT"
OWED_TO_BANK = "Liabilities:2871-Credit-Notes-To-Factor"
FEES = "Expenses:9460-Factoring-Fees"
INPUT_VAT = "Assets:1763-VAT-Receivable"

VAT_RATE = D("0.255")  # the Finnish general rate since 1 September 2024
FEE_RATE = D("0.0125")  # the agreement: flat 1.25% of each invoice's total, VAT included
HANDLING = D("4.00")  # and 4.00 EUR per invoice


@pytest.fixture(scope="module")
def loaded():
    return loader.load_file(str(LEDGER))


@pytest.fixture(scope="module")
def entries(loaded):
    return loaded[0]


def transactions(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def invoices(entries) -> dict[str, data.Transaction]:
    return {e.meta["invoice"]: e for e in transactions(entries) if "invoice" in e.meta}


def lump_sums(entries) -> list[data.Transaction]:
    return [
        e
        for e in transactions(entries)
        if e.payee == "SAARISTO RAHOITUS OY" and any(p.account == BANK for p in e.postings)
    ]


def balance(entries, account: str, before: datetime.date | None = None) -> Decimal:
    """The balance of an account and its sub-accounts (before a date, if given)."""
    return sum(
        (
            p.units.number
            for e in transactions(entries)
            if before is None or e.date < before
            for p in e.postings
            if p.account == account or p.account.startswith(account + ":")
        ),
        D(0),
    )


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def face(invoice: data.Transaction) -> Decimal:
    return next(p.units.number for p in invoice.postings if p.account.startswith(RECEIVABLES))


def test_bean_check_reports_nothing(loaded):
    _, errors, options = loaded
    assert errors == []
    assert options["title"] == "Routakallio Metal Oy"
    assert options["operating_currency"] == ["EUR"]


def test_invoices_carry_vat_and_their_own_link(entries):
    found = invoices(entries)
    assert len(found) == 56
    for number, entry in found.items():
        assert number in entry.links
        legs = {p.account: p.units for p in entry.postings}
        assert {u.currency for u in legs.values()} == {"EUR"}
        net, vat = -legs[SALES].number, -legs[VAT].number
        # Net amounts are whole even euros, so 25.5% of each is exact to the cent.
        assert vat == net * VAT_RATE == cents(net * VAT_RATE), number
        assert face(entry) == net + vat
    customers = {
        p.account.rsplit(":", 1)[1]
        for e in found.values()
        for p in e.postings
        if p.account.startswith(RECEIVABLES)
    }
    assert customers == {"Aallokko", "Ilmavirta", "Kaarisilta", "Lumivaara"}


def test_twelve_weekly_lump_sums_each_settle_several_invoices(entries):
    lumps = lump_sums(entries)
    assert len(lumps) == 12
    for lump in lumps:
        settled = [n for n in lump.links if not n.startswith("sched-")]
        assert len(settled) >= 3, lump.date
        assert any(n.startswith("sched-T-25") for n in lump.links)
    # 54 of the 56 invoices were paid for; 1155 and 1156 wait for the April settlement.
    paid_for = {n for lump in lumps for n in lump.links if not n.startswith("sched-")}
    assert len(paid_for) == 54
    assert set(invoices(entries)) - paid_for == {"1155", "1156"}


def test_four_lump_sums_without_reference_are_matched_by_amount(entries):
    raw, errors, _ = parser.parse_file(str(LEDGER))
    assert errors == []
    bare = {
        e.date
        for e in transactions(raw)
        if e.payee == "SAARISTO RAHOITUS OY" and not e.links and "schedule" not in e.meta
    }
    assert bare == {
        datetime.date(2025, 1, 22),
        datetime.date(2025, 2, 12),
        datetime.date(2025, 3, 5),
        datetime.date(2025, 3, 19),
    }
    # After the plugin, each is booked as if it had named its settlement.
    matched = {e.date: e for e in lump_sums(entries) if e.date in bare}
    assert "sched-T-2503" in matched[datetime.date(2025, 1, 22)].links
    # February 12 also nets the credit note on invoice 1108 (a run of two open items).
    assert {"sched-T-2506", "1108"} <= matched[datetime.date(2025, 2, 12)].links


def test_the_banks_payments_report_is_recorded(entries):
    # 45 of the 54 invoices the bank paid for were paid to the bank by March 31 (one of
    # them short, less the credit note); the plugin accepts a payment only once the
    # invoice is paid for (FCT133 otherwise), and the ledger has no error.
    collected = [
        n for e in transactions(entries) if e.meta.get("factoring") == "collected" for n in e.links
    ]
    assert len(collected) == len(set(collected)) == 45


def test_intermediary_nets_to_zero_after_each_lump_sum_and_at_the_end(entries):
    days = sorted({e.date for e in lump_sums(entries)})
    assert days[0] == datetime.date(2025, 1, 8) and days[-1] == datetime.date(2025, 3, 26)
    for day in days:
        assert balance(entries, INTERMEDIARY, before=day + datetime.timedelta(days=1)) == 0, day
    assert balance(entries, INTERMEDIARY) == 0
    # Between the short payment (February 10) and the next lump sum it holds the 502.00
    # the bank will take back.
    assert balance(entries, INTERMEDIARY, before=datetime.date(2025, 2, 12)) == D("-502.00")
    # The plugin wrote every posting to 1717: the text has only the bank lines' open legs.
    raw, _, _ = parser.parse_file(str(LEDGER))
    written = [p for e in transactions(raw) for p in e.postings if p.account == INTERMEDIARY]
    assert len(written) == 12
    assert all(p.units is MISSING for p in written)


def test_receivables_of_factored_invoices_are_cleared(loaded):
    # Each receivable posting counted for its invoice as the aging report counts it: a
    # credit that sums the faces of a transfer's invoices (detail "item") is each its face.
    entries, errors, options_map = loaded
    per_invoice: dict[str | None, Decimal] = defaultdict(Decimal)
    for line, number, amount in read_facts(entries, options_map, errors).receivable:
        if line.account.startswith(RECEIVABLES + ":"):
            per_invoice[number] += amount
    open_items = {n: amount for n, amount in per_invoice.items() if amount}
    # 4,058.67 (1155, Ilmavirta) + 3,127.46 (1156, Aallokko), both sent after March 24.
    assert open_items == {"1155": D("4058.67"), "1156": D("3127.46")}
    assert balance(entries, RECEIVABLES) == D("7186.13")
    assert balance(entries, f"{RECEIVABLES}:Kaarisilta") == 0
    assert balance(entries, f"{RECEIVABLES}:Lumivaara") == 0


def test_vat_is_25_5_percent_of_net_sales(entries):
    net_sales = -(balance(entries, SALES) + balance(entries, CREDIT_NOTES))
    # Sales 282,326.00 less the 400.00 credit note = 281,926.00; 25.5% of it = 71,891.13.
    assert net_sales == D("281926.00")
    charged = -sum(
        (
            p.units.number
            for e in transactions(entries)
            if "invoice" in e.meta or e.narration.startswith("Credit note")
            for p in e.postings
            if p.account == VAT
        ),
        D(0),
    )
    assert charged == net_sales * VAT_RATE == D("71891.13")
    # November's, December's and January's VAT were paid to the tax office on January 13,
    # February 12 and March 12; February's and March's are still owed: 25.5% of 136,068.00.
    feb_mar = -sum(
        (
            p.units.number
            for e in transactions(entries)
            if e.date >= datetime.date(2025, 2, 1)
            for p in e.postings
            if p.account in (SALES, CREDIT_NOTES)
        ),
        D(0),
    )
    assert feb_mar == D("136068.00")
    assert -balance(entries, VAT) == feb_mar * VAT_RATE == D("34697.34")


def test_fees_are_the_agreements_rate_on_the_factored_invoices(entries):
    found = invoices(entries)
    factored = [n for n in found if n not in ("1155", "1156")]
    faces = [face(found[n]) for n in factored]
    # 54 invoices, 347,133.00 EUR in all. 1.25% of each, rounded to the cent: 4,339.15
    # (1.25% of the total would be 4,339.16); 54 handling fees of 4.00: 216.00.
    assert len(factored) == 54
    assert sum(faces) == D("347133.00")
    discount = sum(cents(f * FEE_RATE) for f in faces)
    assert discount == D("4339.15")
    assert balance(entries, FEES) == discount + HANDLING * 54 == D("4555.15")
    # The fee voucher of each lump sum is written by the plugin, one posting per part.
    parts = {
        p.meta["factoring-part"]
        for e in lump_sums(entries)
        for p in e.postings
        if p.account == FEES
    }
    assert parts == {"discount-fee", "invoice-fee"}
    # What reached the bank: 347,133.00 - 4,339.15 - 216.00 - the VAT on the fees 1,161.58
    # (below) - the 502.00 credit note.
    received = sum(
        p.units.number for e in lump_sums(entries) for p in e.postings if p.account == BANK
    )
    assert received == D("347133.00") - D("4339.15") - D("216.00") - D("1161.58") - D("502.00")
    assert received == D("340914.27")


def test_the_vat_on_the_banks_fees_is_input_vat(entries):
    found = invoices(entries)
    factored = [n for n in found if n not in ("1155", "1156")]
    # 25.5% of each invoice's fee, rounded half-up per invoice (1.25% of 10,000.00 =
    # 125.00, VAT 31.875 -> 31.88), and of each 4.00 handling fee: 1.02 (exact).
    on_fees = sum(cents(cents(face(found[n]) * FEE_RATE) * VAT_RATE) for n in factored)
    assert on_fees == D("1106.50")
    assert D("1.02") == HANDLING * VAT_RATE  # 4.00 x 0.255, exact
    # 1,106.50 + 54 x 1.02 (55.08) = 1,161.58, on the input-VAT account, none on the fees.
    assert on_fees + D("1.02") * 54 == D("1161.58")
    written = [p for e in lump_sums(entries) for p in e.postings if p.account == INPUT_VAT]
    assert {p.meta["factoring-part"] for p in written} == {"vat"}
    assert sum(p.units.number for p in written) == D("1161.58")
    # By month of the lump sums: January 491.75 (deducted in January's VAT return, paid
    # March 12: 11,443.38 + 491.75 = 11,935.13), February 417.02, March 252.81.
    by_month: dict[int, Decimal] = defaultdict(Decimal)
    for e in lump_sums(entries):
        by_month[e.date.month] += sum(
            (p.units.number for p in e.postings if p.account == INPUT_VAT), D(0)
        )
    assert dict(by_month) == {1: D("491.75"), 2: D("417.02"), 3: D("252.81")}
    january = next(e for e in transactions(entries) if e.narration == "VAT for January 2025")
    assert {p.account: p.units.number for p in january.postings}[INPUT_VAT] == D("-11935.13")
    # Left to deduct at the end: 23,626.77 on purchases + 417.02 + 252.81 = 24,296.60.
    assert balance(entries, INPUT_VAT) == D("23626.77") + D("417.02") + D("252.81")
    assert balance(entries, INPUT_VAT) == D("24296.60")


def test_a_lump_sum_without_the_vat_is_an_error():
    text = LEDGER.read_text(encoding="utf-8")
    # T-2501 with the fees deducted but not their VAT: 30,274.79 + 101.15 = 30,375.94.
    assert text.count("30274.79 EUR") == 1
    _, errors, _ = loader.load_string(text.replace("30274.79 EUR", "30375.94 EUR"))
    first = errors[0].message
    assert first.startswith("FCT120 ")
    assert "VAT on fees 101.15" in first
    assert "difference +101.15 EUR" in first
    assert "did not deduct" in first


def test_credit_note_flows_through_the_intermediary(entries):
    note = next(e for e in transactions(entries) if e.narration.startswith("Credit note"))
    legs = {(p.account, p.units.number) for p in note.postings}
    # 400.00 net + 25.5% VAT 102.00 = 502.00, owed to the bank until it takes it back.
    assert legs == {(CREDIT_NOTES, D("400.00")), (VAT, D("102.00")), (OWED_TO_BANK, D("-502.00"))}
    short = next(e for e in transactions(entries) if "paid" in e.meta)
    assert short.links == {"1108"} and short.meta["factoring"] == "collected"
    assert short.meta["paid"].number == D("6157.03")  # 6,659.03 less 502.00
    legs = {(p.account, p.units.number, p.meta["factoring-part"]) for p in short.postings}
    assert legs == {
        (OWED_TO_BANK, D("502.00"), "short-pay"),
        (INTERMEDIARY, D("-502.00"), "short-pay"),
    }
    assert balance(entries, OWED_TO_BANK) == 0


def test_a_wrong_lump_sum_is_an_error():
    text = LEDGER.read_text(encoding="utf-8")
    assert text.count("52211.24 EUR") == 1
    _, errors, _ = loader.load_string(text.replace("52211.24 EUR", "52211.14 EUR"))
    messages = [e.message for e in errors]
    # No settlement fits a lump sum 0.10 short, so the plugin books none of it: the six
    # invoices of T-2503 stay unpaid for (so their customers' payments to the bank cannot
    # be recorded), and 1717 keeps the 53,073.95 of the mass entry less the 52,211.14.
    assert messages[0].startswith("FCT101 ")
    assert "schedule T-2503, worth 52,211.24 EUR (0.10 more" in messages[0]
    assert sum(m.startswith("FCT133 ") for m in messages) == 6
    failed = [m for m in messages if m.startswith("Balance failed")]
    assert len(failed) == len(messages) - 7
    # ... and 1763 lacks the VAT on T-2503's fees (175.28), booked with the lump sum.
    assert all(INTERMEDIARY in m or BANK in m or INPUT_VAT in m for m in failed)
    assert any(INPUT_VAT in m and "175.28 too little" in m for m in failed)
    assert any(INTERMEDIARY in m and "862.81 too much" in m for m in failed)
