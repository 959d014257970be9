"""Which words are currencies: for a value written after an agreement's name.

``custom "factoring-agreement" "Copperline" "CAD"`` is an agreement for CAD alone, and
``"Copperline" "LLC"`` a name of two words cut in two: both are capitals, so the form
cannot tell them apart. A value there is a currency when it is an ISO 4217 code (a line
of agreements may be set up before its first sale) or a commodity the ledger knows:
declared (``commodity``), or used in a posting, an ``open``'s currencies, a price or a
balance assertion.
"""

from __future__ import annotations

from collections.abc import Iterable

from beancount.core import data
from beancount.core.amount import Amount

# The ISO 4217 codes in use (and HRK, SLL, ZWL of the last few years: old books).
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL
    BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF
    DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HRK HTG
    HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP
    LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG
    SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
    UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XCD XCG XDR XOF XPD
    XPF XPT YER ZAR ZMW ZWG ZWL
"""
ISO_4217 = frozenset(_CODES.split())


class KnownCurrencies:
    """Whether a word is a currency of this ledger (an ISO 4217 code, or a commodity the
    ledger declares or uses). The ledger is read for its commodities the first time a
    word is not an ISO code, once: most ledgers never ask."""

    def __init__(self, entries: Iterable[data.Directive]) -> None:
        self._entries = entries
        self._used: set[str] | None = None

    def __call__(self, currency: str) -> bool:
        if currency in ISO_4217:
            return True
        if self._used is None:
            self._used = _commodities(self._entries)
        return currency in self._used


def _commodities(entries: Iterable[data.Directive]) -> set[str]:
    """Every commodity the entries declare or use."""
    found: set[str] = set()
    for entry in entries:
        if isinstance(entry, data.Transaction):
            for posting in entry.postings:
                for amount in (posting.units, posting.cost, posting.price):
                    currency = getattr(amount, "currency", None)
                    if isinstance(currency, str):
                        found.add(currency)
        elif isinstance(entry, (data.Commodity, data.Price)):
            found.add(entry.currency)
            if isinstance(entry, data.Price):
                found.add(entry.amount.currency)
        elif isinstance(entry, data.Open):
            found.update(entry.currencies or ())
        elif isinstance(entry, data.Balance):
            found.add(entry.amount.currency)
        elif isinstance(entry, data.Custom):
            # An agreement's own amounts (transfer-fee: 10.00 USDC) name it too.
            found.update(v.currency for v in entry.meta.values() if isinstance(v, Amount))
    return found
