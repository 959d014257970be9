"""The example ledger (a carrier with two factors) loads cleanly and shows every event kind."""

from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from beancount import loader
from beancount.core import data
from beancount.parser import parser

D = Decimal
LEDGER = Path(__file__).resolve().parent.parent / "example_ledger" / "main.beancount"
FACTORS = ("Lakeshore", "Pinecrest")


@pytest.fixture(scope="module")
def loaded():
    entries, errors, options = loader.load_file(str(LEDGER))
    return entries, errors, options


@pytest.fixture(scope="module")
def entries(loaded):
    return loaded[0]


def transactions(entries) -> list[data.Transaction]:
    return [e for e in entries if isinstance(e, data.Transaction)]


def invoices(entries) -> dict[str, data.Transaction]:
    return {e.meta["invoice"]: e for e in transactions(entries) if "invoice" in e.meta}


def parts(entry: data.Transaction) -> set[str]:
    return {p.meta["factoring-part"] for p in entry.postings if "factoring-part" in (p.meta or {})}


def balance(entries, account: str) -> Decimal:
    return sum(
        (
            p.units.number
            for e in transactions(entries)
            for p in e.postings
            if p.account == account
        ),
        D(0),
    )


def factor_of(entries, number: str) -> set[str]:
    """The factors whose accounts carry postings of this invoice, or that it is linked to."""
    found = set()
    for entry in transactions(entries):
        if "invoice" in entry.meta:
            continue
        for posting in entry.postings:
            tagged = (posting.meta or {}).get("invoice") == number
            linked = number in entry.links and "factoring-part" not in (posting.meta or {})
            if not (tagged or linked):
                continue
            for name in FACTORS:
                if f"Factoring:{name}:" in posting.account:
                    found.add(name)
    return found


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def test_loads_without_errors(loaded):
    _, errors, options = loaded
    assert errors == []
    assert options["title"] == "Ridgeline Freight LLC"
    assert options["operating_currency"] == ["USD"]


def test_every_invoice_carries_its_own_link(entries):
    found = invoices(entries)
    assert len(found) == 24
    for number, entry in found.items():
        assert number in entry.links, number
        assert "due" in entry.meta and "load" in entry.meta, number


def test_invoices_per_factor(entries):
    by_factor = Counter()
    for number in invoices(entries):
        owners = factor_of(entries, number)
        assert len(owners) <= 1, (number, owners)
        by_factor[owners.pop() if owners else None] += 1
    assert by_factor == {"Lakeshore": 12, "Pinecrest": 7, None: 5}


def test_every_event_kind_occurs(entries):
    kinds = Counter(e.meta.get("factoring") for e in transactions(entries))
    assert kinds["schedule"] == 13
    assert kinds["collected"] == 13
    assert kinds["chargeback"] == 1
    assert kinds["release"] == 1
    short = [e for e in transactions(entries) if e.meta.get("factoring") == "collected"]
    assert sum("paid" in e.meta for e in short) == 1


def test_every_part_of_a_split_occurs(entries):
    seen = set().union(*(parts(e) for e in transactions(entries)))
    assert seen >= {
        "face",
        "discount-fee",
        "invoice-fee",
        "transfer-fee",
        "reserve",
        "reserve-release",
        "late-fee",
        "chargeback",
        "chargeback-fee",
        "short-pay",
    }


def test_fundings_by_schedule_and_by_link(entries):
    lumps = [
        e
        for e in transactions(entries)
        if "factoring" not in e.meta
        and any(p.account == "Assets:Bank:Checking" for p in e.postings)
        and any(p.account.startswith("Assets:Factoring:") for p in e.postings)
    ]
    by_schedule = [e for e in lumps if "schedule" in e.meta]
    by_link = [e for e in lumps if "schedule" not in e.meta and "face" in parts(e)]
    assert len(by_schedule) == 13
    assert {e.narration for e in by_link} == {"ACH CREDIT advance", "ACH CREDIT same-day funding"}
    # A funding by links (no schedule event) is taken straight from the receivable.
    for entry in by_link:
        faces = [p for p in entry.postings if (p.meta or {}).get("factoring-part") == "face"]
        assert all(p.account.startswith("Assets:Receivable:") for p in faces)


def test_combined_deposit_funds_releases_and_nets_a_chargeback(entries):
    combined = [
        e
        for e in transactions(entries)
        if {"face", "reserve-release", "late-fee", "chargeback"} <= parts(e)
    ]
    assert len(combined) == 1
    entry = combined[0]
    assert entry.links == {"RF-1002", "RF-1004", "RF-1018", "sched-874"}
    bank = [p.units.number for p in entry.postings if p.account == "Assets:Bank:Checking"]
    # 90% of 2,740.00 + (187.50 - 2.25% of 1,875.00) - (2,100.00 - 210.00 + 2.75% of 2,100.00)
    assert bank == [D("2466.00") + (D("187.50") - D("42.19")) - (D("1890.00") + D("57.75"))]


def test_chargeback_and_short_pay(entries):
    chargeback = next(e for e in transactions(entries) if e.meta.get("factoring") == "chargeback")
    legs = {(p.account, p.units.number) for p in chargeback.postings}
    assert legs == {
        ("Assets:Receivable:Tristate", D("2100.00")),
        ("Assets:Factoring:Pinecrest:Reserve", D("-210.00")),
        ("Expenses:Factoring:Pinecrest:Fees", D("57.75")),
        ("Assets:Factoring:Pinecrest:Clearing", D("-1947.75")),
    }
    short = next(e for e in transactions(entries) if "paid" in e.meta)
    legs = {(p.account, p.units.number) for p in short.postings}
    assert legs == {
        ("Income:Freight:Adjustments", D("185.00")),
        ("Assets:Factoring:Lakeshore:Reserve", D("-133.25")),
        ("Assets:Factoring:Lakeshore:Clearing", D("-51.75")),
    }


def test_the_plugin_writes_the_postings(entries):
    # In the text, the events have no postings and each deposit one clearing or reserve leg.
    raw, errors, _ = parser.parse_file(str(LEDGER))
    assert errors == []
    events = [e for e in transactions(raw) if "factoring" in e.meta]
    assert all(not e.postings for e in events if e.meta["factoring"] != "release")
    written = [
        p for e in transactions(entries) for p in e.postings if "factoring-part" in (p.meta or {})
    ]
    assert len(written) > 100
    assert all(
        p.meta.get("invoice") or p.meta["factoring-part"] == "transfer-fee" for p in written
    )


def test_balances_at_quarter_end(entries):
    for name in FACTORS:
        assert balance(entries, f"Assets:Factoring:{name}:Clearing") == 0
    # The reserves of the invoices the brokers have not paid yet.
    lakeshore = D("131.50") + D("139.50") + D("113.00")  # RF-1020, RF-1021, RF-1023
    pinecrest = D("199.50") + D("183.00")  # RF-1019, RF-1022
    assert balance(entries, "Assets:Factoring:Lakeshore:Reserve") == lakeshore
    assert balance(entries, "Assets:Factoring:Pinecrest:Reserve") == pinecrest
    # Every factored invoice left its broker's receivable; RF-1004 came back and was paid.
    for broker in ("Northstar", "Crossroads", "Bayline", "Prairie", "Tristate"):
        assert balance(entries, f"Assets:Receivable:{broker}") == 0, broker
    assert balance(entries, "Assets:Receivable:GraniteValley") == D("1640.00")


def test_fees_over_the_quarter_match_the_agreements(entries):
    found = invoices(entries)
    faces = {n: e.postings[0].units.number for n, e in found.items()}
    lakeshore = [n for n in found if factor_of(entries, n) == {"Lakeshore"}]
    fundings = [e for e in transactions(entries) if "transfer-fee" in parts(e)]
    assert all(
        factor_of(entries, n) == {"Lakeshore"}
        for e in fundings
        for n in e.links
        if n.startswith("RF-")
    )
    expected = sum(cents(faces[n] * D("0.025")) + D("5.00") for n in lakeshore)
    expected += D("10.00") * len(fundings)
    assert len(fundings) == 8
    assert balance(entries, "Expenses:Factoring:Lakeshore:Fees") == expected
    # Pinecrest: 34, 38, 42 and 29 days to collection, and 41 days to the chargeback.
    rates = {"RF-1002": "0.0225", "RF-1008": "0.0225", "RF-1012": "0.0275", "RF-1018": "0.0175"}
    rates["RF-1004"] = "0.0275"
    expected = sum(cents(faces[n] * D(rate)) for n, rate in rates.items())
    assert balance(entries, "Expenses:Factoring:Pinecrest:Fees") == expected


def test_every_deposit_is_exactly_what_the_agreements_give(entries):
    # A deposit within the plugin's tolerance (0.01) raises no error but leaves its
    # difference on the clearing account; the example must have none.
    assert not any("difference" in parts(e) for e in transactions(entries))


def test_a_wrong_deposit_is_an_error():
    text = LEDGER.read_text(encoding="utf-8")
    assert text.count("4433.87 USD") == 1
    _, errors, _ = loader.load_string(text.replace("4433.87 USD", "4433.77 USD"))
    messages = [e.message for e in errors]
    # The FCT120 itself; the 0.10 then stays on the clearing account (an open item) and
    # is missing from the bank, so each later month-end balance of both fails too.
    assert messages[0].startswith("FCT120 ")
    assert "expected 4,433.87 USD" in messages[0]
    assert "difference -0.10 USD" in messages[0]
    failed = Counter(m.split("'")[1] for m in messages[1:] if m.startswith("Balance failed"))
    assert failed == {"Assets:Factoring:Lakeshore:Clearing": 3, "Assets:Bank:Checking": 3}
    assert len(messages) == 7
