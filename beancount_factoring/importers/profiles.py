"""Profiles: how one factor writes one kind of report.

Factors export the same facts under different names and formats. A `Profile` says, for
one report of one factor, which header means which field, how dates and numbers are
written, how signs are shown, what comes before the header and after the data, and how
the file is encoded. The importer (`factor.py`) reads any profile the same way.

A profile for a purchase report whose header reads `Inv #,Sold On,Customer,Face,Adv,Disc`
takes a few lines of `import.py`:

    ashgrove = Profile.generic(
        kind="purchase",
        columns={"invoice": "Inv #", "date": "Sold On", "debtor": "Customer",
                 "face": "Face", "advance": "Adv", "fee": "Disc"},
        date_format="%m/%d/%Y",
        name="ashgrove", factor="Ashgrove Trade Finance",
    )

The fields of each kind are in `FIELDS`; the shipped profiles (`SHIPPED`) are described
in docs/importers.md. Every name here is fictional.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from beancount_factoring.importers import settings
from beancount_factoring.importers.base import check_date_format, other_mark
from beancount_factoring.importers.readers import Layout

KINDS = ("purchase", "collections", "reserve", "chargeback")
SIGNS = ("minus", "parentheses", "inverted", "debit-credit")
PERCENT_STYLES = ("percent", "fraction", "number", "auto")
# What a reserve ledger row means; only "release" and "fee" rows become entries.
MEANINGS = ("holdback", "collection", "release", "fee", "chargeback", "other")
# What a purchase report's deduction is, by its label (`deduction_kinds`): a fee of a
# kind ("wire", "same-day", "ach", "other"); no fee, booked to the account the importer's
# `deductions` names for it ("fuel", "levy", "escrow"); or "none": the importer writes
# nothing for it (the plugin nets it from a ledger event, or you write it on the deposit
# that funds it).
DEDUCTION_MEANINGS = ("wire", "same-day", "ach", "other", "fuel", "levy", "escrow", "none")

# Per kind: the fields a report must have, then those it may have.
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "purchase": (
        ("invoice", "date", "face"),
        (
            "schedule", "debtor", "debtor_id", "load", "advance_rate", "advance",
            "fee_rate", "fee", "invoice_fee", "reserve", "deductions", "deduction_type", "net",
            "currency",
        ),
    ),
    "collections": (
        ("invoice", "date", "paid"),
        ("batch_date", "debtor", "debtor_id", "reference", "load", "face", "short",
         "pay_type", "currency", "balance", "status"),
    ),
    "reserve": (
        ("date", "type", "amount"),
        ("reference", "invoice", "description", "balance", "debit", "credit", "currency"),
    ),
    "chargeback": (
        ("invoice", "date", "amount"),
        ("debtor", "debtor_id", "invoice_date", "face", "fees", "currency"),
    ),
}  # fmt: skip
# A row whose key fields are empty is a footer ("Wire Fee", a note), not data.
KEY_FIELDS = {"purchase": ("invoice",), "collections": ("invoice",), "reserve": ("date",),
              "chargeback": ("invoice",)}  # fmt: skip
# A reserve statement's balance row, labelled under its Date column (`Opening Balance`,
# `Closing balance as of 04/30/2025`, `Balance forward`, Finnish `Alkusaldo`): checked
# against the running balance, never booked. Anchored at the label's start, so that a
# dated row whose description mentions the balance stays a row.
BALANCE_MARKER = (
    r"^(?:(?:opening|beginning|starting|previous|prior|closing|ending|final|current|new)"
    r"\s+)?balance\b|^(?:alku|loppu)?saldo\b"
)
# Of those, the labels of a balance after the rows (for a statement of one day, whose
# order its dates cannot show).
CLOSING_MARKER = r"closing|ending|final|current|new|carried|c/f|loppu"


_CLOSING = re.compile(CLOSING_MARKER, re.IGNORECASE)


def _aliases(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Profile:
    """One factor's layout of one report kind.

    `columns` maps each field to the header names that mean it (matched without regard
    to case or spaces). `signature` lists the fields whose columns identify the report.
    A file with them, or whose name matches `filename`, or whose title rows match
    `title`, is claimed even when its header lacks a column the profile configures
    (required or optional), so the user gets an error naming the missing column instead
    of a silently ignored file or silently dropped figures.
    """

    name: str
    kind: str
    factor: str
    columns: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    decimal_mark: str = "."
    # None: the other of "," and "." (a decimal comma groups thousands with points).
    thousands: str | None = None
    # minus: -12.50 or 12.50-; parentheses: (12.50); inverted: the factor prints the
    # reserve from its own side, so every signed amount is negated; debit-credit: two
    # columns, credit adds to the reserve.
    sign: str = "minus"
    title_rows: int = 0
    total_marker: str = r"totals?\b"
    delimiter: str = ","
    encoding: str = "utf-8"
    currency: str = "USD"
    # percent: "2.50%"; fraction: ".025"; number: "2,5" means 2.5 %; auto: guess.
    percent: str = "auto"
    # Reserve ledgers: (regex on the type column, meaning); first match wins.
    types: tuple[tuple[str, str], ...] = ()
    # Purchase reports: (regex on a deduction's label, meaning of DEDUCTION_MEANINGS);
    # first match wins, before the importer's own reading of the label.
    deduction_kinds: tuple[tuple[str, str], ...] = ()
    strict: bool = False
    filename: str | None = None
    # A regular expression on the rows above the header ("Purchase Report"): like
    # `filename`, it claims a file whose header lacks a column, so that extract names it.
    title: str | None = None
    sheet: str | None = None
    # Reserve ledgers: a regular expression on the Date column's text that marks a balance
    # row (None: no balance rows; a row so labelled is then an error).
    balance_marker: str | None = BALANCE_MARKER
    _patterns: tuple[Any, ...] = field(init=False, repr=False, compare=False)
    layout: Layout = field(init=False, repr=False, compare=False)  # from the settings above

    def __post_init__(self) -> None:
        if self.kind not in FIELDS:
            raise ValueError(f"profile {self.name!r}: kind {self.kind!r} is not one of {KINDS}")
        columns = {key: _aliases(value) for key, value in self.columns.items()}
        required, optional = FIELDS[self.kind]
        unknown = set(columns) - set(required) - set(optional)
        if unknown:
            raise ValueError(
                f"profile {self.name!r}: unknown field(s) {sorted(unknown)} for a "
                f"{self.kind} report; the fields are {', '.join(required + optional)}"
            )
        missing = [name for name in self.required if name not in columns]
        if missing:
            raise ValueError(f"profile {self.name!r}: give the column(s) of {missing}")
        try:
            # (A reserve statement's type may be read from its description.)
            settings.columns(columns, shared=[frozenset(("type", "description"))])
            settings.currency(self.currency)
        except ValueError as exc:
            raise ValueError(f"profile {self.name!r}: {exc}") from None
        for name, value, choices in (
            ("sign", self.sign, SIGNS),
            ("percent", self.percent, PERCENT_STYLES),
        ):
            if value not in choices:
                raise ValueError(
                    f"profile {self.name!r}: {name} {value!r} is not one of {choices}"
                )
        # One format given as text is that format, not its characters (as ``generic``
        # and the other importers take it: ``("%d.%m.%Y")`` has no comma).
        object.__setattr__(self, "date_formats", _aliases(self.date_formats))
        for fmt in self.date_formats:
            try:
                check_date_format(fmt)
            except ValueError as exc:
                raise ValueError(f"profile {self.name!r}: {exc}") from None
        try:
            codecs.lookup(self.encoding)
        except LookupError as exc:
            raise ValueError(f"profile {self.name!r}: unknown encoding {self.encoding!r}") from exc
        if self.thousands is None:
            object.__setattr__(self, "thousands", other_mark(self.decimal_mark))
        if len(self.delimiter) != 1 or self.decimal_mark == self.thousands:
            raise ValueError(f"profile {self.name!r}: check delimiter and number marks")
        for _, meaning in self.types:
            if meaning not in MEANINGS:
                raise ValueError(f"profile {self.name!r}: type meaning {meaning!r} unknown")
        for _, meaning in self.deduction_kinds:
            if meaning not in DEDUCTION_MEANINGS:
                raise ValueError(
                    f"profile {self.name!r}: deduction kind {meaning!r} is not one of "
                    f"{', '.join(DEDUCTION_MEANINGS)}"
                )
        signature = self.signature or self.required
        if set(signature) - set(columns):
            raise ValueError(f"profile {self.name!r}: signature fields need columns")
        object.__setattr__(self, "columns", MappingProxyType(columns))
        object.__setattr__(self, "signature", tuple(signature))
        # Compiled once: identify() runs for every downloaded file.
        patterns = (
            re.compile(self.total_marker, re.IGNORECASE),
            tuple((re.compile(regex, re.IGNORECASE), meaning) for regex, meaning in self.types),
            re.compile(self.filename, re.IGNORECASE) if self.filename else None,
            re.compile(self.title, re.IGNORECASE) if self.title else None,
            re.compile(self.balance_marker, re.IGNORECASE) if self.balance_marker else None,
            _CLOSING,
            tuple(
                (re.compile(regex, re.IGNORECASE), meaning)
                for regex, meaning in self.deduction_kinds
            ),
        )
        object.__setattr__(self, "_patterns", patterns)
        layout = Layout(self.delimiter, self.encoding, sheet=self.sheet, setting="in the profile")
        object.__setattr__(self, "layout", layout)

    def __hash__(self) -> int:
        return hash((self.name, self.kind))

    @property
    def required(self) -> tuple[str, ...]:
        """The fields the report must have."""
        required = FIELDS[self.kind][0]
        if self.kind == "reserve" and self.sign == "debit-credit":
            return ("date", "type", "debit", "credit")
        return required

    @property
    def key_fields(self) -> tuple[str, ...]:
        return KEY_FIELDS[self.kind]

    @property
    def total_pattern(self) -> re.Pattern[str]:
        """Matches a total row's first cell, stripped (`Total`, `*`, `Yhteensä`)."""
        return cast(re.Pattern[str], self._patterns[0])

    def meaning(self, type_text: str) -> str:
        """What a reserve ledger row of this type does (see MEANINGS)."""
        for pattern, meaning in self._patterns[1]:
            if pattern.search(type_text):
                return str(meaning)
        return "other"

    def deduction_meaning(self, label: str) -> str | None:
        """What the profile says a deduction so labelled is (DEDUCTION_MEANINGS); None
        when it says nothing (the importer reads the label)."""
        for pattern, meaning in self._patterns[6]:
            if pattern.search(label):
                return str(meaning)
        return None

    def balance_label(self, text: str) -> str | None:
        """ "opening" or "closing" if a reserve ledger's date cell labels a balance row
        (`Opening Balance`, `Ending Balance`); None if not."""
        pattern = self._patterns[4]
        if pattern is None or self.kind != "reserve" or not pattern.search(text):
            return None
        return "closing" if self._patterns[5].search(text) else "opening"

    def claims_name(self, basename: str) -> bool:
        """True if the file's name is this report's usual download name."""
        pattern = self._patterns[2]
        return bool(pattern and pattern.search(basename))

    def claims_title(self, rows: Sequence[tuple[int, Sequence[Any]]]) -> bool:
        """True if a row above the header (the first `title_rows` + a few) shows `title`."""
        pattern = self._patterns[3]
        if pattern is None:
            return False
        return any(
            pattern.search(" ".join(str(cell) for cell in cells if cell is not None))
            for _, cells in rows
        )

    def replace(self, **changes: Any) -> Profile:
        """A copy with some settings changed: `LAKESHORE_PURCHASE.replace(currency="CAD")`."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def generic(
        cls,
        kind: str,
        columns: Mapping[str, str | tuple[str, ...]],
        *,
        date_format: str | tuple[str, ...] = "%Y-%m-%d",
        name: str = "generic",
        factor: str = "Factor",
        **options: Any,
    ) -> Profile:
        """A profile for any factor: name the columns and the date format, and go.

        Other settings (decimal_mark, thousands, sign, delimiter, encoding, currency,
        percent, title_rows, total_marker, types, deduction_kinds, signature, strict,
        filename, title, sheet, balance_marker)
        default to a plain comma-separated UTF-8 file in USD.
        """
        return cls(
            name=name,
            kind=kind,
            factor=factor,
            columns={key: _aliases(value) for key, value in columns.items()},
            date_formats=_aliases(date_format),
            **options,
        )


def _family(**common: Any) -> Any:
    """Profiles of one factor share their formats; only columns differ per kind."""

    def make(kind: str, columns: dict[str, Any], **extra: Any) -> Profile:
        return Profile(kind=kind, columns=columns, **{**common, **extra})

    return make


# Lakeshore Funding: a US freight factor on FactorSoft-style software. Comma CSV in UTF-8,
# a title row before the header, `$1,234.50`, negatives in parentheses, MM/DD/YYYY,
# percentages as `97.00%`, a `Total` row after the data.
_lakeshore = _family(
    name="lakeshore", factor="Lakeshore Funding", date_formats=("%m/%d/%Y", "%m/%d/%y"),
    decimal_mark=".", thousands=",", sign="parentheses", title_rows=1,
    total_marker=r"totals?\b", delimiter=",", encoding="utf-8", currency="USD",
    percent="percent",
)  # fmt: skip
LAKESHORE_PURCHASE = _lakeshore(
    "purchase",
    {"schedule": "Schedule #", "date": "Purchase Date", "debtor": "Debtor",
     "debtor_id": "Debtor MC", "invoice": "Invoice #", "load": "Load #",
     "face": "Invoice Amount", "advance_rate": "Advance Rate", "advance": "Advance",
     "fee_rate": "Fee %", "fee": "Fee", "invoice_fee": "Inv Fee", "reserve": "Reserve",
     "deductions": "Deductions", "net": "Net Funded"},
    signature=("schedule", "advance", "net"), filename=r"lakeshore.*(purchase|funding)",
    title=r"^purchase report - .*\(client #",
)  # fmt: skip
LAKESHORE_COLLECTIONS = _lakeshore(
    "collections",
    {"batch_date": "Batch Date", "date": "Pay Date", "debtor": "Debtor",
     "reference": "Check/ACH #", "invoice": "Invoice #", "load": "Load #",
     "face": "Invoice Amt", "paid": "Paid", "short": "Short/Over", "pay_type": "Pay Type"},
    signature=("reference", "paid", "short"), filename=r"lakeshore.*collect",
    title=r"^collections report - .*\(client #",
)  # fmt: skip
LAKESHORE_RESERVE = _lakeshore(
    "reserve",
    {"date": "Date", "type": "Transaction Type", "reference": "Batch#", "invoice": "Invoice #",
     "description": "Description", "amount": "Amount", "balance": "Balance"},
    signature=("type", "reference", "balance"), filename=r"lakeshore.*reserve",
    title=r"^reserve account report - .*\(client #",
    types=((r"^purchase", "holdback"), (r"^cashposting", "collection"),
           (r"^release", "release"), (r"^fee", "fee"), (r"^(recourse|chargeback)", "chargeback")),
)  # fmt: skip
LAKESHORE_CHARGEBACK = _lakeshore(
    "chargeback",
    {"debtor": "Debtor", "invoice": "Invoice#", "invoice_date": "Invoice Date",
     "face": "Invoice Amount", "date": "Recourse Date", "amount": "Recourse Amount"},
    signature=("date", "amount"), filename=r"lakeshore.*(recourse|chargeback)",
    title=r"^recourse report - .*\(client #",
)  # fmt: skip
LAKESHORE = (LAKESHORE_PURCHASE, LAKESHORE_COLLECTIONS, LAKESHORE_RESERVE, LAKESHORE_CHARGEBACK)

# Pinecrest Capital: a US spot factor whose portal exports Excel workbooks, or text with
# tabs in Windows-1252. No title rows, MM-DD-YY, plain `-1234.50`, no thousands
# separator, rates as fractions (`.9`), `*` marks the total row.
_pinecrest = _family(
    name="pinecrest", factor="Pinecrest Capital", date_formats=("%m-%d-%y", "%m-%d-%Y"),
    decimal_mark=".", thousands="", sign="minus", title_rows=0, total_marker=r"\*",
    delimiter="\t", encoding="cp1252", currency="USD", percent="fraction",
)  # fmt: skip
PINECREST_PURCHASE = _pinecrest(
    "purchase",
    {"schedule": "Batch ID", "date": "Fund Date", "debtor": "Debtor Name",
     "debtor_id": "Debtor Key", "invoice": "Invoice No", "load": "Ref No",
     "face": "Invoice Amt", "advance_rate": "Adv Pct", "advance": "Advance Amt",
     "reserve": "Escrow Reserve", "fee": "Fee Amt"},
    signature=("schedule", "advance", "reserve"), filename=r"pinecrest.*(purchase|batch)",
)  # fmt: skip
PINECREST_COLLECTIONS = _pinecrest(
    "collections",
    {"date": "Payment Date", "pay_type": "Payment Type", "reference": "Transaction Number",
     "debtor": "Remitter Name", "invoice": "Invoice No", "face": "Invoice Amt",
     "paid": "Amount Paid"},
    signature=("reference", "paid", "debtor"), filename=r"pinecrest.*(payment|collect)",
)  # fmt: skip
PINECREST_RESERVE = _pinecrest(
    "reserve",
    {"date": "Date", "type": "Trans Type", "reference": "Reference", "invoice": "Invoice No",
     "description": "Description", "amount": "Amount", "balance": "Balance"},
    signature=("type", "reference", "balance"), filename=r"pinecrest.*(reserve|escrow)",
    types=((r"^purchase", "holdback"), (r"^short|^over", "collection"),
           (r"^rebate", "release"), (r"discount|fee", "fee"), (r"^recourse", "chargeback")),
)  # fmt: skip
PINECREST_CHARGEBACK = _pinecrest(
    "chargeback",
    {"debtor": "Debtor Name", "invoice": "Invoice No", "face": "Invoice Amt",
     "date": "Recourse Date", "amount": "Recourse Amt", "fees": "Fees Accrued"},
    signature=("date", "amount", "fees"), filename=r"pinecrest.*recourse",
)  # fmt: skip
PINECREST = (PINECREST_PURCHASE, PINECREST_COLLECTIONS, PINECREST_RESERVE, PINECREST_CHARGEBACK)

# Saaristo Rahoitus: a Finnish bank's factoring service. Semicolons, ISO-8859-1, three
# title rows, dd.mm.yyyy, `1 234,50`, rates as bare percentages (`85,00`), EUR, a
# `Yhteensä` (total) row per batch. The reserve is printed from the bank's side, where it
# is a debt to the client: holdbacks negative, payouts positive. English headers of the
# bank's English export are accepted too.
_saaristo = _family(
    name="saaristo", factor="Saaristo Rahoitus", date_formats=("%d.%m.%Y",),
    decimal_mark=",", thousands=" ", sign="inverted", title_rows=4,
    total_marker=r"yhteens|total", delimiter=";", encoding="latin-1", currency="EUR",
    percent="number",
)  # fmt: skip
SAARISTO_PURCHASE = _saaristo(
    "purchase",
    {"schedule": ("Erä", "Batch"), "date": ("Rahoituspäivä", "Funding date"),
     "debtor": ("Ostaja", "Buyer"), "debtor_id": ("Y-tunnus", "Business ID"),
     "invoice": ("Laskunumero", "Invoice number"), "load": ("Viitenumero", "Reference"),
     "face": ("Laskun summa", "Invoice amount"), "advance_rate": ("Rahoitus-%", "Advance %"),
     "advance": ("Rahoitettu", "Financed"), "fee_rate": ("Palkkio-%", "Fee %"),
     "fee": ("Palkkio", "Fee"), "invoice_fee": ("Käsittelymaksu", "Handling fee"),
     "reserve": ("Pidätys", "Holdback"), "net": ("Tilitetty", "Paid out")},
    signature=("schedule", "advance", "reserve"), filename=r"rahoitus|saaristo.*purchase",
)  # fmt: skip
SAARISTO_COLLECTIONS = _saaristo(
    "collections",
    {"date": ("Maksupäivä", "Payment date"), "batch_date": ("Kirjauspäivä", "Booking date"),
     "debtor": ("Maksaja", "Payer"), "invoice": ("Laskunumero", "Invoice number"),
     "load": ("Viitenumero", "Reference"), "face": ("Laskun summa", "Invoice amount"),
     "paid": ("Suoritus", "Payment"), "short": ("Erotus", "Difference")},
    signature=("date", "paid", "batch_date"), filename=r"suoritukset|saaristo.*payment",
)  # fmt: skip
SAARISTO_RESERVE = _saaristo(
    "reserve",
    {"date": ("Päivä", "Date"), "type": ("Tapahtuma", "Event"),
     "reference": ("Tosite", "Voucher"), "invoice": ("Laskunumero", "Invoice number"),
     "description": ("Selite", "Text"), "amount": ("Summa", "Amount"),
     "balance": ("Saldo", "Balance")},
    signature=("type", "reference", "balance"), filename=r"pidatys|saaristo.*reserve",
    types=((r"^rahoitus|^funding", "holdback"), (r"^palautus|^release", "release"),
           (r"maksu|fee", "fee"), (r"^suoritus|^erotus|^payment", "collection"),
           (r"^takaisin|^recourse", "chargeback")),
)  # fmt: skip
SAARISTO_CHARGEBACK = _saaristo(
    "chargeback",
    {"debtor": ("Ostaja", "Buyer"), "invoice": ("Laskunumero", "Invoice number"),
     "invoice_date": ("Laskun päivä", "Invoice date"), "face": ("Laskun summa", "Invoice amount"),
     "date": ("Takaisinsiirtopäivä", "Recourse date"),
     "amount": ("Takaisinsiirto", "Recourse amount")},
    signature=("date", "amount"), filename=r"takaisinsiirr|saaristo.*recourse",
)  # fmt: skip
SAARISTO = (SAARISTO_PURCHASE, SAARISTO_COLLECTIONS, SAARISTO_RESERVE, SAARISTO_CHARGEBACK)

# Copperline Capital: a Canadian staffing factor. Excel workbooks (or Excel's "CSV UTF-8"
# with a byte-order mark), two title rows, ISO dates, CAD, a reserve statement with Debit
# and Credit columns, `Grand Total` rows. Non-recourse: it sends no recourse report.
_copperline = _family(
    name="copperline", factor="Copperline Capital", date_formats=("%Y-%m-%d",),
    decimal_mark=".", thousands=",", sign="debit-credit", title_rows=2,
    total_marker=r"(grand |sub-?)?total", delimiter=",", encoding="utf-8-sig",
    currency="CAD", percent="auto",
)  # fmt: skip
COPPERLINE_PURCHASE = _copperline(
    "purchase",
    {"date": "Funding Date", "schedule": "Funding No.", "debtor": "Customer",
     "debtor_id": "Customer No.", "invoice": "Invoice", "load": "PO Number",
     "face": "Gross Amount", "advance_rate": "Advance %", "advance": "Advance",
     "fee": "Discount", "reserve": "Reserve", "net": "Net Advance"},
    signature=("schedule", "advance", "net"), filename=r"copperline.*funding",
    title=r"^copperline capital\b.* - funding detail",
)  # fmt: skip
COPPERLINE_COLLECTIONS = _copperline(
    "collections",
    {"date": "Deposit Date", "batch_date": "Posting Date", "debtor": "Customer",
     "reference": "Payment Ref", "invoice": "Invoice", "face": "Gross Amount",
     "paid": "Applied", "short": "Variance"},
    signature=("reference", "paid", "short"), filename=r"copperline.*payment",
    title=r"^copperline capital\b.* - payments applied",
)  # fmt: skip
COPPERLINE_RESERVE = _copperline(
    "reserve",
    {"date": "Date", "type": "Description", "description": "Description",
     "invoice": "Invoice", "reference": "Reference", "debit": "Debit", "credit": "Credit",
     "balance": "Balance"},
    signature=("debit", "credit", "balance"), filename=r"copperline.*reserve",
    title=r"^copperline capital\b.* - client reserve statement",
    types=((r"reserve on funding", "holdback"), (r"rebate|release", "release"),
           (r"short|over", "collection"), (r"discount|charge|fee", "fee"),
           (r"recourse", "chargeback")),
)  # fmt: skip
COPPERLINE = (COPPERLINE_PURCHASE, COPPERLINE_COLLECTIONS, COPPERLINE_RESERVE)

SHIPPED: dict[str, tuple[Profile, ...]] = {
    "lakeshore": LAKESHORE,
    "pinecrest": PINECREST,
    "saaristo": SAARISTO,
    "copperline": COPPERLINE,
}
