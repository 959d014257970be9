"""VAT on the factor's fees (``fee-vat``, ``invoice-fee-vat``, ...; ``vat-account``).

In Finland (KHO 2013:129) and EU-wide since the CJEU's C-232/24, a factor's commission
and handling fees are a taxable service: the factor deducts fee + 25.5% VAT from its
deposit, and the seller deducts the VAT as input VAT. The plugin books each fee's VAT,
rounded to cents per fee line with the agreement's rounding (half-up), to the
agreement's ``vat-account``, and expects every deposit net of it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import test_buyout as buyout
import test_credit_loss as loss
import test_fuel_advances as fuel
from beancount import loader

from beancount_factoring.reports import compute
from beancount_factoring.reports.render import render_csv, render_text

from ledgers import balance, codes, legs, load, txn

D = Decimal
BANK = "Assets:Bank:Checking"
CLEARING = "Assets:Factoring:Vakka:Clearing"
RESERVE = "Assets:Factoring:Vakka:Reserve"
FEES = "Expenses:Factoring:Vakka:Fees"
VAT = "Assets:Tax:VAT:Input"

# Face 1,000.00 EUR, advance 90% = 900.00, reserve 100.00. Fee: 1.5% for 30 days, then
# 0.5% per 15 days. Per funding: 1.5% = 15.00, VAT 25.5% = 3.825 -> 3.83 (half-up);
# invoice fee 5.00, VAT 1.275 -> 1.28; transfer fee 2.00, VAT 0.51.
LEDGER = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Kaarna
2025-01-01 open Assets:Receivable:Lumo
2025-01-01 open Assets:Tax:VAT:Input
2025-01-01 open Income:Sales

2025-01-01 custom "factoring-agreement" "Vakka"
  advance-rate: 0.90
  fee: "tiered 1.5%/30d + 0.5%/15d"
  fee-vat: 0.255
  invoice-fee: 5.00 EUR
  invoice-fee-vat: 0.255
  transfer-fee: 2.00 EUR
  transfer-fee-vat: 0.255
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
  vat-account: Assets:Tax:VAT:Input

2025-03-03 * "Kaarna Oy" "Invoice 1001"
  invoice: "1001"
  Assets:Receivable:Kaarna       1000.00 EUR
  Income:Sales

2025-03-06 * "Lumo Oy" "Invoice 1002"
  invoice: "1002"
  Assets:Receivable:Lumo         2000.00 EUR
  Income:Sales

; 900.00 - 15.00 - 3.83 - 5.00 - 1.28 - 2.00 - 0.51 = 872.38
2025-03-05 * "VAKKA RAHOITUS" "Funding of 1001" ^1001
  Assets:Bank:Checking            872.38 EUR
  Assets:Factoring:Vakka:Clearing

2025-03-07 * "Vakka" "Schedule S-7" ^1002
  factoring: "schedule"
  schedule: "S-7"

; Names nothing: matched by amount. 1,800.00 - 30.00 - VAT 7.65 - 5.00 - 1.28 - 2.00
; - 0.51 = 1,753.56
2025-03-07 * "VAKKA RAHOITUS" "Funding that names nothing"
  Assets:Bank:Checking           1753.56 EUR
  Assets:Factoring:Vakka:Clearing

; Day 40 after funding (03-05 to 04-14): 1.5% + 0.5% = 2.0% = 20.00, 15.00 taken, so
; 5.00 late fee, VAT 1.275 -> 1.28.
2025-04-14 * "Kaarna Oy" "Kaarna paid Vakka" ^1001
  factoring: "collected"

; 100.00 - 5.00 - 1.28 = 93.72
2025-04-16 * "VAKKA RAHOITUS" "Reserve of 1001" ^1001
  Assets:Bank:Checking             93.72 EUR
  Assets:Factoring:Vakka:Reserve

; Day 40 (03-07 to 04-16): 2.0% of 2,000.00 = 40.00, 30.00 taken: 10.00 late, VAT 2.55.
2025-04-16 * "Lumo Oy" "Lumo paid Vakka" ^1002
  factoring: "collected"

; Names nothing: 200.00 - 10.00 - 2.55 = 187.45
2025-04-18 * "VAKKA RAHOITUS" "Reserve that names nothing"
  Assets:Bank:Checking            187.45 EUR
  Assets:Factoring:Vakka:Reserve
"""


def with_model(text: str, model: str) -> str:
    return text.replace("  advance-rate: 0.90\n", f'  advance-rate: 0.90\n  model: "{model}"\n')


# The VAT variant of each event's ledger, as text without the plugin line (also settled
# again by the reports' replay test, tests/reports/test_report_facts.py).


def chargeback_text(model: str) -> str:
    """1001 charged back on day 40 (a dispute, so before recourse-days is allowed)."""
    return (
        with_model(LEDGER, model).split("2025-04-14 *")[0]
        + """
2025-04-14 * "Vakka" "1001 sold back" ^1001
  factoring: "chargeback"
  reason: "broker-claim"
"""
    )


def other_fee_text(model: str) -> str:
    """A 25.00 "other" fee with other-fee-vat 0.255, owed and netted from the funding."""
    text = with_model(LEDGER, model).replace(
        "  vat-account:", "  other-fee-vat: 0.255\n  vat-account:"
    )
    text = text.replace(
        '2025-03-07 * "Vakka" "Schedule S-7"',
        """2025-03-06 * "Vakka" "UCC filing"
  factoring: "fee"
  charge: "other"
  amount: 25.00 EUR

2025-03-07 * "Vakka" "Schedule S-7\"""",
    )
    return text.replace("1753.56 EUR", "1722.18 EUR")


def fuel_text(model: str) -> str:
    """A fuel advance whose 2.5% fee bears VAT."""
    text = fuel.with_model(fuel.RTS + fuel.ENTRY_8, model)
    text = text.replace(
        '  fuel-advance-fee: "2.5%"\n',
        '  fuel-advance-fee: "2.5%"\n  fuel-advance-fee-vat: 0.255\n'
        "  vat-account: Assets:Tax:VAT:Input\n",
    )
    # 40% of 2,000.00 = 800.00, fee 2.5% = 20.00, VAT 5.10: 800.00 - 20.00 - 5.10 = 774.90.
    # From the cash: 774.90 / (1 - 0.025 x 1.255) = 774.90 / 0.968625 = 800.00.
    return text.replace("780.00 USD", "774.90 USD")


def buyout_text(model: str) -> str:
    """Lakeshore's two invoices bought out by Pinecrest, both factors' fees with VAT
    (opens included: load with the default opens)."""
    vat = "  fee-vat: 0.255\n  vat-account: Assets:Tax:VAT:Input\n"
    text = buyout.LEDGER.replace('  fee: "flat 2%"\n', '  fee: "flat 2%"\n' + vat)
    text = text.replace(
        '  fee: "flat 3%"\n  buyout-fee: 50.00 USD\n',
        '  fee: "flat 3%"\n  buyout-fee: 10.00 USD\n  buyout-fee-vat: 0.255\n' + vat,
    )
    # Lakeshore: 1,900.00 + 950.00 - 2% fees 40.00 + 20.00 - VAT 10.20 + 5.10 = 2,774.70.
    text = text.replace("2790.00 USD", "2774.70 USD")
    # Pinecrest's 3% at purchase with its VAT comes out of each reserve: INV-1 100.00
    # - 60.00 - 15.30 = 24.70; INV-2 50.00 - 30.00 - 7.65 = 12.35. Its buyout fee 10.00
    # + VAT 2.55 = 12.55 is owed. The rebate: 24.70 + 12.35 - 12.55 = 24.50.
    text = text.replace(
        "    10.00 USD\n  Assets:Factoring:Pinecrest:Reserve",
        "    24.50 USD\n  Assets:Factoring:Pinecrest:Reserve",
    )
    return buyout.with_model(text, model)


def credit_loss_text(model: str) -> str:
    """A credit loss on day 59 of a tiered fee with VAT."""
    text = loss.with_model(loss.RTS, model).replace(
        '  fee: "flat 3%"\n',
        '  fee: "tiered 3%/30d + 1%/30d"\n  fee-vat: 0.255\n  vat-account: Assets:Tax:VAT:Input\n',
    )
    # Funding: 1,940.00 - 3% 60.00 - VAT 15.30 = 1,864.70.
    return text.replace("1880.00 USD", "1864.70 USD")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_each_fee_brings_its_vat_to_the_input_vat_account(model):
    entries, errors = load(with_model(LEDGER, model), opens=False)
    assert errors == []
    funding = [leg for leg in legs(txn(entries, "Funding of 1001")) if leg[0] in (FEES, VAT)]
    # One VAT posting per deposit (the plugin's default detail: "item" sums a part's legs):
    # 2.00 x 0.255 = 0.51; 5.00 x 0.255 = 1.275 -> 1.28; 15.00 x 0.255 = 3.825 -> 3.83.
    assert funding == [
        (VAT, D("5.62"), None, "vat"),  # 0.51 + 1.28 + 3.83
        (FEES, D("2.00"), None, "transfer-fee"),
        (FEES, D("5.00"), "1001", "invoice-fee"),
        (FEES, D("15.00"), "1001", "discount-fee"),
    ]
    # With detail: "invoice", one VAT posting per fee, naming its invoice.
    entries_, errors_ = load(
        with_model(LEDGER, model), config="{'detail': 'invoice'}", opens=False
    )
    assert errors_ == []
    funding = [leg for leg in legs(txn(entries_, "Funding of 1001")) if leg[0] == VAT]
    assert funding == [
        (VAT, D("0.51"), None, "vat"),
        (VAT, D("1.28"), "1001", "vat"),
        (VAT, D("3.83"), "1001", "vat"),
    ]
    release = legs(txn(entries, "Reserve of 1001"))
    assert release == [
        (BANK, D("93.72"), None, None),
        (RESERVE, D("-100.00"), "1001", "reserve-release"),
        (VAT, D("1.28"), "1001", "vat"),
        (FEES, D("5.00"), "1001", "late-fee"),
    ]
    # The deposit that names nothing was matched with the VAT in: 30.00 x 0.255 = 7.65,
    # + 1.28 on the invoice fee = 8.93 (the 0.51 on the transfer fee names no schedule).
    unnamed = legs(txn(entries, "Funding that names nothing"))
    assert (VAT, D("8.93"), None, "vat") in unnamed
    assert (VAT, D("0.51"), None, "vat") in unnamed
    released = legs(txn(entries, "Reserve that names nothing"))
    assert (VAT, D("2.55"), "1002", "vat") in released  # 10.00 late fee x 0.255
    # Fees: 15 + 5 + 2 (1001) + 30 + 5 + 2 (1002) + 5 + 10 (late) = 74.00. VAT: 3.83 +
    # 1.28 + 0.51 + 7.65 + 1.28 + 0.51 + 1.28 + 2.55 = 18.89. Cash: 3,000.00 - 74.00
    # - 18.89 = 2,907.11 = 872.38 + 1,753.56 + 93.72 + 187.45.
    assert balance(entries, FEES) == D("74.00")
    assert balance(entries, VAT) == D("18.89")
    assert balance(entries, BANK) == D("2907.11")
    assert balance(entries, CLEARING) == 0
    assert balance(entries, RESERVE) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_deposit_without_the_vat_is_an_fct120_that_says_so(model):
    # The factor deducted the fees but not their VAT: 872.38 + 3.83 + 1.28 + 0.51 = 878.00.
    text = with_model(LEDGER, model).replace("872.38 EUR", "878.00 EUR")
    entries, errors = load(text, opens=False)
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "expected 872.38 EUR" in message
    assert "VAT on fees 5.62" in message
    assert "difference +5.62 EUR" in message
    assert "did not deduct" in message and "fee-vat" in message
    # The split is written, the 5.62 left on the clearing account.
    assert balance(entries, CLEARING) == D("-5.62")


def test_a_deposit_that_names_nothing_and_lacks_the_vat_matches_nothing():
    # 1,753.56 + 7.65 + 1.28 + 0.51 = 1,763.00: the schedule's cash is net of its VAT.
    text = LEDGER.replace("1753.56 EUR", "1763.00 EUR")
    _, errors = load(text, opens=False)
    assert codes(errors)[0] == "FCT101"
    assert (
        "schedule S-7, worth 1,753.56 EUR after the 2.51 transfer fee (9.44 less"
        in errors[0].message
    )
    assert "net of the VAT on their fees" in errors[0].message


def test_without_a_vat_rate_nothing_changes():
    # fee-vat: 0 is the default, and needs no vat-account. The deposits are the same less
    # no VAT: 900.00 - 15.00 - 5.00 - 2.00 = 878.00; 1,800.00 - 30.00 - 5.00 - 2.00 =
    # 1,763.00; releases 100.00 - 5.00 = 95.00 and 200.00 - 10.00 = 190.00.
    text = LEDGER.replace("  fee-vat: 0.255\n", "  fee-vat: 0\n")
    for key in ("  invoice-fee-vat: 0.255\n", "  transfer-fee-vat: 0.255\n"):
        text = text.replace(key, "")
    text = text.replace("  vat-account: Assets:Tax:VAT:Input\n", "")
    for old, new in (("872.38", "878.00"), ("1753.56", "1763.00"), ("93.72", "95.00")):
        text = text.replace(f"{old} EUR", f"{new} EUR")
    text = text.replace("187.45 EUR", "190.00 EUR")
    entries, errors = load(text, opens=False)
    assert errors == []
    assert balance(entries, FEES) == D("74.00")
    assert balance(entries, VAT) == 0
    assert balance(entries, BANK) == D("2926.00")  # 3,000.00 - 74.00


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("  vat-account: Assets:Tax:VAT:Input\n", ""),
            "key 'fee-vat' (column 1): the VAT on the fees is booked to the input-VAT "
            "account: give the key 'vat-account', like vat-account: Assets:Tax:VAT:Input",
        ),
        (("  fee-vat: 0.255\n", "  fee-vat: 25.5\n"), "25.5 must be a number from 0 to 1"),
        (("  fee-vat: 0.255\n", '  fee-vat: "25.5%"\n'), '"25.5%" must be a number from 0 to 1'),
        (
            ("  vat-account: Assets:Tax:VAT:Input\n", "  vat-account: VAT\n"),
            "key 'vat-account' (column 1): \"VAT\" is not a valid account name",
        ),
    ],
)
def test_fct110__a_bad_vat_rate_or_a_missing_vat_account(change, message):
    _, errors = load(LEDGER.replace(*change), opens=False)
    # The agreement is not used (its deposits then find no terms to book by).
    assert codes(errors)[0] == "FCT110"
    assert message in errors[0].message
    assert errors[0].message.startswith("FCT110 Agreement 'Vakka'")


def test_a_wire_fee_has_its_own_vat_rate():
    # wire-fee 12.00 EUR with wire-fee-vat 0 (the ACH transfer fee's VAT does not apply):
    # 900.00 - 15.00 - 3.83 - 5.00 - 1.28 - 12.00 = 862.89.
    text = LEDGER.replace(
        "  transfer-fee: 2.00 EUR\n",
        "  transfer-fee: 2.00 EUR\n  wire-fee: 12.00 EUR\n  wire-fee-vat: 0\n",
    )
    text = text.replace(
        '"Funding of 1001" ^1001\n  Assets:Bank:Checking            872.38 EUR',
        '"Funding of 1001" ^1001\n  transfer: "wire"\n'
        "  Assets:Bank:Checking            862.89 EUR",
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    funding = [leg for leg in legs(txn(entries, "Funding of 1001")) if leg[0] in (FEES, VAT)]
    assert funding == [
        (VAT, D("5.11"), None, "vat"),  # 1.28 + 3.83, none on the wire fee
        (FEES, D("5.00"), "1001", "invoice-fee"),
        (FEES, D("12.00"), None, "transfer-fee"),
        (FEES, D("15.00"), "1001", "discount-fee"),
    ]


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_chargeback_owes_the_fee_and_its_vat(model):
    # 1001 charged back on day 40 (04-14): the fee to the day is 2.0% = 20.00, 15.00 taken,
    # so 5.00 + VAT 1.28; the factor keeps the 100.00 reserve and is owed through clearing
    # 1,000.00 - 100.00 + 5.00 + 1.28 = 906.28. (A dispute: a chargeback for nonpayment
    # on day 40 would come before the agreement's recourse-days, FCT137.)
    entries, errors = load(chargeback_text(model), opens=False)
    assert errors == []
    chargeback = legs(txn(entries, "1001 sold back"))
    assert (FEES, D("5.00"), "1001", "chargeback-fee") in chargeback
    assert (VAT, D("1.28"), "1001", "vat") in chargeback
    assert (CLEARING, D("-906.28"), "1001", "chargeback") in chargeback


def test_a_monthly_minimum_and_its_vat_are_owed_and_netted():
    # A charge apart from any invoice: 25.00 "other" fee with other-fee-vat 0.255: VAT 6.38
    # (6.375 half-up); owed 31.38, netted from the next funding: 1,753.56 - 31.38 = 1,722.18.
    entries, errors = load(other_fee_text("sale"), opens=False)
    assert errors == []
    fee = legs(txn(entries, "UCC filing"))
    assert fee == [
        (CLEARING, D("-31.38"), None, "other-fee"),
        (VAT, D("6.38"), None, "vat"),
        (FEES, D("25.00"), None, "other-fee"),
    ]
    assert balance(entries, CLEARING) == 0


def test_the_cost_rate_excludes_the_deductible_vat():
    entries, errors, options = loader.load_string('plugin "beancount_factoring.plugin"\n' + LEDGER)
    assert errors == []
    report = compute(entries, options, errors).cost(as_of=datetime.date(2025, 4, 30))
    (line,) = report.by_factor
    # Fees 74.00 (as above), VAT 18.89 apart.
    assert line.fees.total == D("74.00")
    assert line.vat == D("18.89")
    # The rate: fees without VAT over advance x days: (15 + 5 + 2 + 5) = 27.00 on 900.00
    # for 40 days, (30 + 5 + 2 + 10) = 47.00 on 1,800.00 for 40 days.
    dollar_days = D(900) * 40 + D(1800) * 40
    assert line.closed_fees == D("74.00")
    assert line.annual_rate == D("74.00") / dollar_days * 365  # 25.0%, not 31.4% with VAT
    assert round(line.annual_rate, 4) == D("0.2501")
    months = {m.key: (m.fees.total, m.vat) for m in report.by_month}
    # March: 22.00 + 37.00 fees, 5.62 + 9.44 VAT; April: 5.00 + 10.00, 1.28 + 2.55.
    assert months == {
        "2025-03": (D("59.00"), D("15.06")),
        "2025-04": (D("15.00"), D("3.83")),
    }
    assert "VAT excluded, deductible" in render_text(report)
    csv = render_csv(report).splitlines()
    # (The last column, overpaid, is a customer line's: empty on a factor line.)
    assert csv[0].endswith(",vat,overpaid")
    assert csv[1].startswith("factor,Vakka,Vakka,EUR,") and csv[1].endswith(",18.89,")


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_fuel_advance_fee_and_its_vat(model):
    text = fuel_text(model)
    entries, errors = load(text, opens=False)
    assert errors == []
    assert legs(txn(entries, "Fuel advance load TQL-88412")) == [
        (fuel.BANK, D("774.90"), None, None),
        (VAT, D("5.10"), "INV-1001", "vat"),
        (fuel.DISCOUNT, D("20.00"), "INV-1001", "fuel-advance-fee"),
        (fuel.FUEL, D("-800.00"), "INV-1001", "fuel-advance"),
    ]
    # Without the VAT deducted (780.00), the cash alone reads as an advance of 805.26
    # (fee 20.13 + VAT 5.13 = 780.00 exactly): only the factor's stated advance, or the
    # fuel-advance-rate, can tell. With advance: 800.00 it is an error.
    stated = text.replace("774.90 USD", "780.00 USD").replace(
        '  load: "TQL-88412"\n  Assets:Bank',
        '  load: "TQL-88412"\n  advance: 800.00 USD\n  Assets:Bank',
    )
    _, errors = load(stated, opens=False)
    assert codes(errors) == ["FCT180"]
    assert "expected 774.90 USD" in errors[0].message
    assert "VAT on the fee 5.10" in errors[0].message


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_buyout_takes_each_factors_fees_and_their_vat_from_the_reserve(model):
    entries, errors = load(buyout_text(model))
    assert errors == []
    moved = [
        leg
        for leg in legs(txn(entries, "Buyout of Lakeshore's open invoices"))
        if not leg[0].startswith("Liabilities")
    ]
    assert moved == [
        (buyout.L_RESERVE, D("-100.00"), "INV-1", "buyout"),
        (buyout.L_RESERVE, D("-50.00"), "INV-2", "buyout"),
        (buyout.P_CLEARING, D("-12.55"), None, "buyout-fee"),
        (buyout.P_RESERVE, D("37.05"), None, "buyout"),
        (VAT, D("25.50"), None, "vat"),  # 15.30 + 7.65 + 10.00 x 0.255 = 2.55
        (buyout.P_FEES, D("10.00"), None, "buyout-fee"),
        (buyout.P_FEES, D("90.00"), None, "discount-fee"),
    ]
    # 15.30 (Lakeshore's) + 22.95 + 2.55 = 40.80
    assert balance(entries, VAT) == D("40.80")
    assert balance(entries, buyout.P_RESERVE) == 0
    assert balance(entries, buyout.P_CLEARING) == 0


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_credit_loss_takes_the_fee_and_its_vat_from_the_reserve(model):
    entries, errors = load(credit_loss_text(model), opens=False)
    assert errors == []
    # Day 59 (05-02 to 06-30): 3% + 1% = 80.00, 60.00 taken: 20.00 late + VAT 5.10 out
    # of the 60.00 reserve; the rest, 60.00 - 25.10 = 34.90, is the credit loss.
    written = legs(txn(entries, "Reserve forfeited - debtor insolvent"))
    assert (loss.RESERVE, D("-60.00"), "INV-1044", "credit-loss") in written
    assert (VAT, D("5.10"), "INV-1044", "vat") in written
    assert (loss.FEES, D("20.00"), "INV-1044", "late-fee") in written
    assert (loss.LOSS, D("34.90"), "INV-1044", "credit-loss") in written
    assert balance(entries, VAT) == D("20.40")  # 15.30 + 5.10


# Finland's VAT went from 24% to 25.5% on 2024-09-01. Each invoice keeps the fee terms it
# was bought under; the VAT on a fee is the rate of the day the fee is charged, which the
# agreement dated 2024-09-01 (the same terms, the new rate) gives.
RATE_CHANGE = """
2024-01-01 open Assets:Bank:Checking
2024-01-01 open Assets:Receivable:Kaarna
2024-01-01 open Assets:Receivable:Lumo
2024-01-01 open Assets:Tax:VAT:Input
2024-01-01 open Income:Sales

2024-01-01 custom "factoring-agreement" "Vakka"
  advance-rate: 0.90
  fee: "tiered 1.5%/30d + 0.5%/15d"
  fee-vat: 0.24
  invoice-fee: 5.00 EUR
  invoice-fee-vat: 0.24
  transfer-fee: 2.00 EUR
  transfer-fee-vat: 0.24
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
  vat-account: Assets:Tax:VAT:Input

2024-09-01 custom "factoring-agreement" "Vakka"
  advance-rate: 0.90
  fee: "tiered 1.5%/30d + 0.5%/15d"
  fee-vat: 0.255
  invoice-fee: 5.00 EUR
  invoice-fee-vat: 0.255
  transfer-fee: 2.00 EUR
  transfer-fee-vat: 0.255
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
  vat-account: Assets:Tax:VAT:Input

2024-08-05 * "Kaarna Oy" "Invoice 1001"
  invoice: "1001"
  Assets:Receivable:Kaarna       1000.00 EUR
  Income:Sales

; In August, at 24%: 900.00 - 15.00 - 3.60 - 5.00 - 1.20 - 2.00 - 0.48 = 872.72
2024-08-06 * "VAKKA RAHOITUS" "Funding of 1001" ^1001
  Assets:Bank:Checking            872.72 EUR
  Assets:Factoring:Vakka:Clearing

; Paid 40 days after the funding: 1.5% + 0.5% = 2.0% = 20.00, of which 15.00 was taken.
2024-09-15 * "Kaarna Oy" "Kaarna paid Vakka" ^1001
  factoring: "collected"

; In September, at 25.5%: 100.00 - 5.00 - 1.28 (5.00 x 0.255 = 1.275) = 93.72
2024-09-17 * "VAKKA RAHOITUS" "Reserve of 1001" ^1001
  Assets:Bank:Checking             93.72 EUR
  Assets:Factoring:Vakka:Reserve

2024-08-26 * "Lumo Oy" "Invoice 1002"
  invoice: "1002"
  Assets:Receivable:Lumo         2000.00 EUR
  Income:Sales

2024-08-30 * "Vakka" "Schedule S-7" ^1002
  factoring: "schedule"
  schedule: "S-7"

; Bought in August, funded in September by a deposit that names nothing, at 25.5%:
; 1,800.00 - 30.00 - 7.65 - 5.00 - 1.28 - 2.00 - 0.51 = 1,753.56
2024-09-02 * "VAKKA RAHOITUS" "Funding that names nothing"
  Assets:Bank:Checking           1753.56 EUR
  Assets:Factoring:Vakka:Clearing
"""


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_fee_bears_the_vat_rate_of_the_day_it_is_charged(model):
    entries, errors = load(with_model(RATE_CHANGE, model), opens=False)
    assert errors == []
    funding = legs(txn(entries, "Funding of 1001"))
    assert (VAT, D("5.28"), None, "vat") in funding  # 3.60 + 1.20 + 0.48, at 24%
    release = legs(txn(entries, "Reserve of 1001"))
    assert (VAT, D("1.28"), "1001", "vat") in release  # the late fee's, at 25.5%
    unnamed = legs(txn(entries, "Funding that names nothing"))
    assert (VAT, D("8.93"), None, "vat") in unnamed  # 7.65 + 1.28, at 25.5%
    # VAT: 5.28 + 1.28 + 8.93 + 0.51 = 16.00. Fees: 15 + 5 + 2 + 5 + 30 + 5 + 2 = 64.00.
    # Cash: 872.72 + 93.72 + 1,753.56 = 2,720.00 = 900.00 + 100.00 + 1,800.00 - 64.00 - 16.00.
    assert balance(entries, VAT) == D("16.00")
    assert balance(entries, FEES) == D("64.00")
    assert balance(entries, CLEARING) == 0
    # A release at the old rate (5.00 + 1.20 taken: 93.80) is an error, not booked.
    _, errors = load(with_model(RATE_CHANGE, model).replace("93.72", "93.80"), opens=False)
    assert codes(errors) == ["FCT140"]


def test_the_reserve_report_expects_the_vat_rate_of_its_date(tmp_path):
    # Collected 2024-09-15, not released as of 2024-09-16: due back 100.00 - late fee 5.00
    # - VAT 1.28 (25.5%, the rate in force that day; 24% would give 1.20 and 93.80).
    path = tmp_path / "main.beancount"
    text = RATE_CHANGE.split("; In September")[0]
    path.write_text('plugin "beancount_factoring.plugin"\n' + text, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    (factor,) = compute(entries, options, errors).reserve(as_of=datetime.date(2024, 9, 16)).factors
    (line,) = [line for line in factor.invoices if line.invoice == "1001"]
    assert (line.held, line.fees_due, line.due_back) == (D("100.00"), D("5.00"), D("93.72"))


@pytest.mark.parametrize("model", ["sale", "loan"])
def test_a_chargeback_after_the_rate_change_owes_the_new_vat(model):
    # 1001, funded 2024-08-06 at 24%, charged back 2024-09-15 (day 40): fee 2.0% = 20.00,
    # 15.00 taken, so 5.00 + VAT 1.28 at 25.5% (not 1.20 at 24%); owed through clearing
    # 1,000.00 - 100.00 + 5.00 + 1.28 = 906.28.
    text = with_model(RATE_CHANGE, model).split("; Paid 40 days")[0]
    text += '\n2024-09-15 * "Vakka" "1001 sold back" ^1001\n  factoring: "chargeback"\n'
    text += '  reason: "broker-claim"\n'
    entries, errors = load(text, opens=False)
    assert errors == []
    chargeback = legs(txn(entries, "1001 sold back"))
    assert (VAT, D("1.28"), "1001", "vat") in chargeback
    assert (CLEARING, D("-906.28"), "1001", "chargeback") in chargeback


def test_a_months_minimum_charged_after_the_rate_change_bears_the_new_vat():
    # August's discount fees: 15.00 (1001's, funded 08-06) against a minimum of 100.00:
    # 85.00 short, worked out under August's terms, charged on 09-01 at 25.5%:
    # 85.00 x 0.255 = 21.675 -> 21.68 (not 85.00 x 0.24 = 20.40).
    text = RATE_CHANGE
    for rate in ("0.24", "0.255"):
        text = text.replace(
            f"  fee-vat: {rate}\n",
            f"  fee-vat: {rate}\n  monthly-minimum-fee: 100.00 EUR\n"
            f"  monthly-minimum-fee-vat: {rate}\n",
        )
    text = text.split("; In September")[0] + (
        '\n2024-09-01 * "Vakka" "Minimum fee, August"\n'
        '  factoring: "fee"\n  charge: "monthly-minimum-fee"\n  period: "2024-08"\n'
    )
    entries, errors = load(text, opens=False)
    assert errors == []
    fee = legs(txn(entries, "Minimum fee, August"))
    assert (VAT, D("21.68"), None, "vat") in fee
    assert (FEES, D("85.00"), None, "minimum-fee") in fee


def test_a_fee_charged_after_the_vat_account_changed_is_owed_in_the_reports(tmp_path):
    # New terms on 09-01 also move the input VAT to another account. August's minimum,
    # charged on 09-01 (85.00 + 21.68 on the new account), is owed on clearing: the
    # reconciliation explains the -106.68 by it (it read the VAT leg as "paid otherwise").
    text = RATE_CHANGE
    for rate in ("0.24", "0.255"):
        text = text.replace(
            f"  fee-vat: {rate}\n",
            f"  fee-vat: {rate}\n  monthly-minimum-fee: 100.00 EUR\n"
            f"  monthly-minimum-fee-vat: {rate}\n",
        )
    september = text.index('2024-09-01 custom "factoring-agreement"')
    text = text[:september] + text[september:].replace(
        "vat-account: Assets:Tax:VAT:Input", "vat-account: Assets:Tax:VAT:Input2", 1
    )
    text = text.split("; In September")[0] + (
        "\n2024-01-01 open Assets:Tax:VAT:Input2\n"
        '2024-09-01 * "Vakka" "Minimum fee, August"\n'
        '  factoring: "fee"\n  charge: "monthly-minimum-fee"\n  period: "2024-08"\n'
    )
    path = tmp_path / "main.beancount"
    path.write_text('plugin "beancount_factoring.plugin"\n' + text, encoding="utf-8")
    entries, errors, options = loader.load_file(str(path))
    assert errors == []
    assert (D("21.68"), "Assets:Tax:VAT:Input2") in [
        (n, a) for a, n, _, part in legs(txn(entries, "Minimum fee, August")) if part == "vat"
    ]
    report = compute(entries, options, errors).reconcile(as_of=datetime.date(2024, 9, 5))
    assert all(account.unexplained == 0 for account in report.accounts)


def test_the_vat_of_the_day_comes_from_the_invoices_own_agreement_line():
    # 1001 bought in August under the terms for every currency; a EUR line of its own
    # starts 08-20 (no VAT keys). On 09-17 the late fee's VAT is that of the line 1001 was
    # bought under, in force that day: 25.5% (1.28), not the EUR line's none, nor 24%.
    eur_line = """
2024-08-20 custom "factoring-agreement" "Vakka"
  currency: "EUR"
  advance-rate: 0.90
  fee: "flat 1%"
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
"""
    text = RATE_CHANGE.split('2024-08-26 * "Lumo Oy"')[0] + eur_line
    entries, errors = load(text, opens=False)
    assert errors == []
    assert (VAT, D("1.28"), "1001", "vat") in legs(txn(entries, "Reserve of 1001"))


# One invoice of 1,000.00: the fee 15.00 and the invoice fee 5.00 come out in whole cents,
# their VAT does not: 15.00 x 0.255 = 3.825 -> 3.83 and 5.00 x 0.255 = 1.275 -> 1.28, 5.11
# per fee line; a factor that works out the VAT of the fees once, 20.00 x 0.255 = 5.10,
# pays 900.00 - 20.00 - 5.10 = 874.90, a cent more than the plugin's 874.89.
VAT_ONCE = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Kaarna
2025-01-01 open Assets:Tax:VAT:Input
2025-01-01 open Income:Sales

2025-01-01 custom "factoring-agreement" "Vakka"
  advance-rate: 0.90
  fee: "flat 1.5%"
  fee-vat: 0.255
  invoice-fee: 5.00 EUR
  invoice-fee-vat: 0.255
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
  vat-account: Assets:Tax:VAT:Input

2025-03-03 * "Kaarna Oy" "Invoice 1001"
  invoice: "1001"
  Assets:Receivable:Kaarna       1000.00 EUR
  Income:Sales

2025-03-05 * "VAKKA RAHOITUS" "Funding of 1001" ^1001
  Assets:Bank:Checking            874.90 EUR
  Assets:Factoring:Vakka:Clearing
"""


def test_a_cent_off_from_the_vat_rounded_once_is_said_to_be_rounding():
    # The advance and the fees are whole cents, but not the VAT on them: the cent is the
    # factor's rounding of the VAT, and the message says so.
    _, errors = load(VAT_ONCE, opens=False)
    assert codes(errors) == ["FCT120"]
    message = errors[0].message
    assert "expected 874.89 EUR" in message and "difference +0.01 EUR" in message
    assert "may be rounding" in message
    assert "VAT on each fee" in message
    # With the VAT in whole cents too (24%: 3.60 and 1.20), a cent off is no rounding.
    exact = VAT_ONCE.replace("0.255", "0.24").replace("874.90 EUR", "875.21 EUR")
    _, errors = load(exact, opens=False)
    assert codes(errors) == ["FCT120"]
    assert "expected 875.20 EUR" in errors[0].message
    assert "may be rounding" not in errors[0].message


# A fee the factor charged with its VAT, 30.00 + 25.5% = 7.65, netted from the funding of
# 1001 (900.00 - 15.00 - 3.83 - 30.00 - 7.65 = 843.52), then refunded by a credit note:
# fee and VAT come back. A fee charged by hand with its VAT (an annual fee, 100.00 + 25.50).
HAND_FEES = """
2025-01-01 open Assets:Bank:Checking
2025-01-01 open Assets:Receivable:Kaarna
2025-01-01 open Assets:Tax:VAT:Input
2025-01-01 open Expenses:Materials
2025-01-01 open Income:Sales

2025-01-01 custom "factoring-agreement" "Vakka"
  advance-rate: 0.90
  fee: "flat 1.5%"
  fee-vat: 0.255
  other-fee-vat: 0.255
  recourse-days: 90
  payee: "VAKKA RAHOITUS"
  bank: Assets:Bank:Checking
  vat-account: Assets:Tax:VAT:Input

2025-03-03 * "Kaarna Oy" "Invoice 1001"
  invoice: "1001"
  Assets:Receivable:Kaarna       1000.00 EUR
  Income:Sales

2025-03-04 * "Vakka" "Credit check fee" ^1001
  factoring: "fee"
  charge: "other"
  amount: 30.00 EUR

2025-03-05 * "VAKKA RAHOITUS" "Funding of 1001" ^1001
  Assets:Bank:Checking            843.52 EUR
  Assets:Factoring:Vakka:Clearing

2025-03-10 * "Steel Oy" "Steel sheet"
  Expenses:Materials              1000.00 EUR
  Assets:Tax:VAT:Input             255.00 EUR
  Assets:Bank:Checking

2025-03-20 * "VAKKA RAHOITUS" "Credit check fee refunded (credit note)"
  Assets:Bank:Checking              37.65 EUR
  Expenses:Factoring:Vakka:Fees    -30.00 EUR
  Assets:Tax:VAT:Input              -7.65 EUR

2025-04-01 * "VAKKA RAHOITUS" "Annual fee"
  Expenses:Factoring:Vakka:Fees    100.00 EUR
  Assets:Tax:VAT:Input              25.50 EUR
  Assets:Bank:Checking
"""


def test_the_cost_reports_vat_counts_the_vat_beside_fees_written_by_hand():
    entries, errors, options = loader.load_string(
        'plugin "beancount_factoring.plugin"\n' + HAND_FEES
    )
    assert errors == []
    report = compute(entries, options, errors).cost(as_of=datetime.date(2025, 4, 30))
    (line,) = report.by_factor
    # Fees: 15.00 + 30.00 - 30.00 + 100.00 = 115.00. VAT: 3.83 + 7.65 - 7.65 + 25.50 =
    # 29.33, what the factor's fees moved on the input-VAT account (the steel's 255.00 is
    # not the factor's): before, the refund's -7.65 and the annual fee's 25.50 were left
    # out, 11.48 beside fees of 115.00.
    assert line.fees.total == D("115.00")
    assert line.vat == D("29.33")
    months = {m.key: (m.fees.total, m.vat) for m in report.by_month}
    assert months == {"2025-03": (D("15.00"), D("3.83")), "2025-04": (D("100.00"), D("25.50"))}
    assert balance(entries, VAT) - D("255.00") == line.vat


@pytest.mark.parametrize("detail", ["item", "invoice"])
def test_a_vat_cent_within_the_tolerance_is_booked_to_the_vat_account(detail):
    # VAT_ONCE's deposit is a cent more than the plugin's 874.89: the factor's VAT of the
    # fees at once, 5.10, not 3.83 + 1.28 = 5.11. Within a tolerance, the cent is VAT's:
    # the input-VAT account shows the 5.10 the factor charged, the fees stay 20.00.
    config = f"{{'tolerance': '0.05', 'detail': '{detail}'}}"
    entries, errors, options = loader.load_string(
        f'plugin "beancount_factoring.plugin" "{config}"\n' + VAT_ONCE
    )
    assert errors == []
    assert (VAT, D("-0.01"), None, "rounding") in legs(txn(entries, "Funding of 1001"))
    assert balance(entries, VAT) == D("5.10")
    assert balance(entries, FEES) == D("20.00")
    # The cost report's VAT is what the factor charged, its fees the agreement's.
    report = compute(entries, options, errors).cost(as_of=datetime.date(2025, 3, 31))
    (line,) = report.by_factor
    assert (line.fees.total, line.vat) == (D("20.00"), D("5.10"))


def test_a_cent_the_vat_does_not_explain_is_still_booked_to_fees():
    # A cent short (874.88): the VAT rounded once would make it a cent more, not less,
    # so the cent is the factor's rounding of something else: fees, as without VAT.
    text = VAT_ONCE.replace("874.90 EUR", "874.88 EUR")
    entries, errors, _ = loader.load_string(
        "plugin \"beancount_factoring.plugin\" \"{'tolerance': '0.05'}\"\n" + text
    )
    assert errors == []
    assert (FEES, D("0.01"), None, "rounding") in legs(txn(entries, "Funding of 1001"))
    assert balance(entries, VAT) == D("5.11")


def test_a_cent_without_vat_rounding_in_the_deposit_is_booked_to_fees():
    # 24%: the VAT is whole cents (3.60 + 1.20), so a cent more is no VAT rounding.
    text = VAT_ONCE.replace("0.255", "0.24").replace("874.90 EUR", "875.21 EUR")
    entries, errors, _ = loader.load_string(
        "plugin \"beancount_factoring.plugin\" \"{'tolerance': '0.05'}\"\n" + text
    )
    assert errors == []
    assert (FEES, D("-0.01"), None, "rounding") in legs(txn(entries, "Funding of 1001"))
    assert balance(entries, VAT) == D("4.80")
