"""The VAT variant of every event kind, in both models, as whole ledgers (plugin line in).

The plugin books the VAT on each fee (``fee-vat: 0.255`` and the like) to the
input-VAT account, an account of no factor. The reports settle the plugin's
output again (``reports/facts.py``): a VAT posting must then read as the
plugin's own leg, never as cash. Each ledger here loads without an error; the
amounts below are the non-VAT ledgers' less the VAT on their fees, worked out
beside each.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # the event tests' ledgers live one level up
    sys.path.insert(0, str(TESTS))

import test_buyout_thin_reserve as thin  # noqa: E402
import test_fee_vat as fee_vat  # noqa: E402
import test_misdirected_payments as misdirected  # noqa: E402
import test_partial_payments as partial  # noqa: E402

from ledgers import OPENS  # noqa: E402

PLUGIN = 'plugin "beancount_factoring.plugin"\n'
VAT_ACCOUNT = "2025-01-01 open Assets:Tax:VAT:Input\n"
# Every fee kind bears VAT at 25.5%; each agreement gets the keys.
VAT_KEYS = (
    "  fee-vat: 0.255\n"
    "  invoice-fee-vat: 0.255\n"
    "  transfer-fee-vat: 0.255\n"
    "  buyout-fee-vat: 0.255\n"
    "  other-fee-vat: 0.255\n"
    "  monthly-minimum-fee-vat: 0.255\n"
    "  vat-account: Assets:Tax:VAT:Input\n"
)
MODELS = ("sale", "loan")


def with_vat(text: str, *amounts: tuple[str, str]) -> str:
    """The ledger with VAT keys in each agreement, and its amounts net of the VAT."""
    agreement = re.compile(r'(custom "factoring-agreement" "[^"]*"\n)')
    text = agreement.sub(lambda found: found.group(1) + VAT_KEYS, text)
    for old, new in amounts:
        assert old in text, old
        text = text.replace(old, new)
    return text


def model(text: str, name: str) -> str:
    if name == "sale":
        return text
    return re.sub(r'(custom "factoring-agreement" "[^"]*"\n)', rf'\1  model: "{name}"\n', text)


def _ledgers() -> dict[str, str]:
    found: dict[str, str] = {}
    reviewed = Path(__file__).resolve().parent / "vat"
    for path in sorted(reviewed.glob("*.beancount")):
        found[f"vat.{path.stem}"] = path.read_text(encoding="utf-8")
    for name in MODELS:
        opened = PLUGIN + OPENS + VAT_ACCOUNT
        # Schedule, funding (named and matched by amount) and release.
        found[f"vat.release.{name}"] = PLUGIN + fee_vat.with_model(fee_vat.LEDGER, name)
        found[f"vat.chargeback.{name}"] = PLUGIN + fee_vat.chargeback_text(name)
        found[f"vat.credit-loss.{name}"] = PLUGIN + fee_vat.credit_loss_text(name)
        found[f"vat.fuel-advance.{name}"] = PLUGIN + fee_vat.fuel_text(name)
        found[f"vat.fee-event.{name}"] = PLUGIN + fee_vat.other_fee_text(name)
        found[f"vat.buyout.{name}"] = opened + fee_vat.buyout_text(name)
        found[f"vat.fee-paid-from-the-bank.{name}"] = PLUGIN + model(FEE_FROM_BANK, name)
        # THIN: 4,850.00 - 0.5% 25.00 - VAT 6.38 (6.375 half-up) - 202.00 owed = 4,616.62;
        # 202.00 = 300.00 - 350.00 - VAT 89.25 - 50.00 - VAT 12.75.
        found[f"vat.buyout-thin.{name}"] = opened + thin.with_model(
            with_vat(thin.THIN, ("4725.00 USD", "4616.62 USD")), name
        )
        # PAID: Lakeshore 9,000.00 - 2% 200.00 - VAT 51.00 = 8,749.00. Pinecrest pays
        # 9,500.00 - 9,000.00 - 1% 100.00 - VAT 25.50 = 374.50.
        found[f"vat.buyout-paid.{name}"] = opened + thin.with_model(
            with_vat(thin.PAID, ("8800.00 USD", "8749.00 USD"), ("400.00 USD", "374.50 USD")),
            name,
        )
        # 1,900.00 - 2% 40.00 - VAT 10.20 = 1,849.80; INV-1002: 2,850.00 - 60.00 - VAT
        # 15.30 = 2,774.70, less the 2,000.00 owed = 774.70.
        funding = ("1860.00 USD", "1849.80 USD")
        found[f"vat.misdirected.{name}"] = opened + model(
            with_vat(misdirected.LEDGER, funding), name
        )
        found[f"vat.misdirected-netted.{name}"] = opened + model(
            with_vat(misdirected.LEDGER_NETTED, funding, ("790.00 USD", "774.70 USD")), name
        )
        # 800.00 - 20.00 transfer fee - VAT 5.10 = 774.90. Paid in full on day 45: 17.50
        # discount fee + VAT 4.46 (4.4625), 10.00 late fee + VAT 2.55: 200.00 - 34.51 = 165.49.
        advance = ("780.00 USD", "774.90 USD")
        found[f"vat.partial.{name}"] = opened + model(
            with_vat(partial.IN_TWO_PARTS, advance, ("172.50 USD", "165.49 USD")), name
        )
        # Short pay of 150.00 on day 16: 200.00 - 150.00 - 17.50 - VAT 4.46 = 28.04; the
        # 150.00 paid later comes back whole.
        found[f"vat.recovered.{name}"] = opened + model(
            with_vat(partial.RECOVERED, advance, ("32.50 USD", "28.04 USD")), name
        )
    return found


# A fee the factor charged that the bank paid: the user writes the bank posting, the
# plugin adds the fee (25.00) and its VAT (6.375 -> 6.38): 31.38 from the bank.
FEE_FROM_BANK = (
    OPENS
    + VAT_ACCOUNT
    + with_vat(
        """
2025-01-01 custom "factoring-agreement" "Summit"
  advance-rate: 0.95
  fee: "flat 2%"
  recourse-days: 90
  payee: "SUMMIT FUNDING"
  bank: Assets:Bank:Checking

2025-03-03 * "TQL" "Load TQL-88412"
  invoice: "INV-1001"
  Assets:Receivable:TQL        2000.00 USD
  Income:Freight

2025-03-05 * "SUMMIT FUNDING" "Funding" ^INV-1001
  Assets:Bank:Checking          1849.80 USD
  Assets:Factoring:Summit:Clearing

2025-03-10 * "Summit" "UCC filing paid by card"
  factoring: "fee"
  factor: "Summit"
  charge: "other"
  amount: 25.00 USD
  Assets:Bank:Checking           -31.38 USD
"""
    )
)

VAT_LEDGERS = _ledgers()
