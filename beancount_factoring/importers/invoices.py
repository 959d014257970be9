"""Invoice exports of billing and TMS software: one invoice transaction per invoice.

Most exports list one row per line item, with the invoice's fields repeated (or left blank
on the rows after the first). The rows of one invoice need not be next to each other:

    Invoice No,Invoice Date,Due Date,Customer,Load No,Charge Code,Description,Amount
    RF-2001,02/03/2025,03/05/2025,Northstar Logistics,NSL-460231,LINEHAUL,Linehaul,1840.00
    RF-2001,02/03/2025,03/05/2025,Northstar Logistics,NSL-460231,FSC,Fuel surcharge,310.00

becomes, with `InvoiceImporter(invoice="Invoice No", load="Load No", charge="Charge Code",
description="Description", customers={"Northstar Logistics": "Northstar"})`, the invoice
SPEC §3.2 describes:

    2025-02-03 * "Northstar Logistics" "Linehaul" ^RF-2001
      import-id: "inv-78bfd846f151"
      invoice: "RF-2001"
      load: "NSL-460231"
      due: 2025-03-05
      Assets:Receivable:Northstar         2150.00 USD
      Income:Freight:Linehaul            -1840.00 USD
      Income:Freight:FuelSurcharge        -310.00 USD

Every row is in the importer's `currency`: a file with a column of each row's currency
(`Currency`, `Ccy`, ...) has it checked, and a row in another currency is an error
(FCT209; `table.check_currency`), never written in the importer's currency.

Each charge code goes to the income account `income` maps it to (an unknown code is an
error unless `other_income` is given). Exports with one row per invoice and one column per
charge are read with `charges={"Linehaul": "Income:Freight:Linehaul", ...}` instead. A VAT
column goes to `vat_account`; the receivable is the total. An invoice whose total is
negative is a credit note: it is written flagged `!`, with `credit-note:` in place of
`invoice:`, for the bookkeeper to settle by hand; one of 0.00 owes and credits nothing,
and is written flagged with `zero-invoice:`.

An invoice carries its own number as a link (`^RF-2001`), so Fava's link view shows it
beside the schedule, deposits and payments that link it (the plugin adds that link to an
invoice typed without it, at the cost of a copy of the entry on every load). The numbers
are checked to hold only what a link may: letters, digits, `-`, `_`, `/` and `.`.

The `import-id` is made from the invoice number, which the ledger keeps unique, and
`deduplicate()` also knows invoices booked by hand by their `invoice:` metadata.
"""

from __future__ import annotations

import datetime
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from beancount.core import account as accounts
from beancount.core import data
from beancount.core.amount import Amount

from beancount_factoring.importers import settings
from beancount_factoring.importers.base import (
    CHANGED_KEY,
    DASH_ZERO,
    ID_KEY,
    Dates,
    Importer,
    ImportFailure,
    Numbers,
    RowIds,
    mark_duplicates,
    no_gc_pauses,
)
from beancount_factoring.importers.dedup import NOTE_KEY
from beancount_factoring.importers.inert import inert_entries
from beancount_factoring.importers.readers import (
    Cell,
    Layout,
    is_xlsx,
    text_of,
    workbook_amount,
    workbook_date,
)
from beancount_factoring.importers.table import (
    Claim,
    Table,
    check_currency,
    currency_column,
    header_key,
    latest_date,
    whole_units_only,
)

# The key of an invoice whose items add up to 0.00: nothing owed, nothing to settle.
ZERO_KEY = "zero-invoice"
DEFAULT_INCOME = {
    "linehaul": "Income:Freight:Linehaul",
    "fuel surcharge": "Income:Freight:FuelSurcharge",
    "fsc": "Income:Freight:FuelSurcharge",
    "lumper": "Income:Freight:Lumper",
    "detention": "Income:Freight:Detention",
}
# An invoice number is also the link events name it by (docs/ledger.md, section 4).
_NUMBER = re.compile(r"[A-Za-z0-9\-_/.]+")
_HEAD_FIELDS = ("date", "due", "customer", "load")
# A charge code or a description that is a line of totals, not a charge: `Total`,
# `Invoice total`, `Sub Total`, `Total incl. VAT`, `TOTAL USD`, `Total Due`, `Balance Due`.
_TOTAL_CODE = re.compile(
    r"(?:(?:invoice|grand|sub)[\s-]*)?totals?(?:\s+(?:due|amount|incl\.?(?:\s+\w+)?"
    r"|(?-i:USD|CAD|EUR|GBP|MXN|AUD|CHF|SEK|NOK|DKK|PLN)))?\W*|(?:balance|amount)\s+due\W*",
    re.IGNORECASE,
)
# Header names (as `table.header_key` makes them) of a column of each row's kind of
# document, which the importer reads unless it is configured as another column.
_KIND_HEADERS = (
    "type", "transactiontype", "txntype", "trantype", "doctype", "documenttype",
    "invoicetype", "belegart", "dokumenttyp", "documentkind",
)  # fmt: skip
# A kind that is a credit: a credit note or memo, written positive or negative.
_CREDIT_KIND = re.compile(
    r"\bcredit\b|\bcr\.?\s*(?:memo|note)\b|^c[mn]$|gutschrift|avoir|hyvitys", re.IGNORECASE
)
# A kind that names an invoice (`Deposit Invoice` is one, not a deposit).
_INVOICE_KIND = re.compile(r"invoice|rechnung|\bbill\b|lasku", re.IGNORECASE)
# A kind that names a document that is no credit: an invoice, or a debit memo.
_DEBIT_KIND = re.compile(_INVOICE_KIND.pattern + r"|\bdebit\b", re.IGNORECASE)
# A kind that is no invoice at all: cash received or paid, a journal entry.
_NOT_INVOICE_KIND = re.compile(
    r"\b(?:payments?|receipts?|deposits?|journal|write[\s-]?offs?|refunds?)\b", re.IGNORECASE
)


# A word of totals anywhere in a description (`Northstar Total`, `Total for RF-3`,
# `Sum`): the label of a subtotal, never an item's.
_TOTAL_WORD = re.compile(
    r"\b(?:sub[\s-]?)?totals?\b|\bsum\b|\b(?:balance|amount)\s+due\b", re.IGNORECASE
)


def _own_description(cells: Sequence[Cell], cols: dict[str, int | None], above: _Invoice) -> bool:
    """True if a row's description is its own, an item's (`Stop-off`): no word of totals,
    nor the customer's name or the invoice's number alone, which a subtotal writes."""
    index = cols.get("description")
    text = _cell(cells, index) if index is not None else ""
    if not text or _TOTAL_WORD.search(text):
        return False
    customer = str(above.fields.get("customer") or "")
    return normal(text) not in (normal(customer), normal(above.number))


@dataclass
class _Invoice:
    """One invoice while its rows are read."""

    number: str
    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    narration: str = ""
    amounts: dict[str, Decimal] = field(default_factory=dict)
    totals: list[tuple[Decimal, int]] = field(default_factory=list)
    # Each row's cells (as a hash) -> its line: a row exported twice doubles the invoice.
    rows: dict[int, int] = field(default_factory=dict)
    # What its rows' kind column says (`_kind_column`), by what it is ("credit", "debit":
    # an invoice or a debit memo, "item": none of those, the kind of an item, such as
    # Linehaul): the first such kind and its line.
    kinds: dict[str, tuple[str, int]] = field(default_factory=dict)

    def credited(self) -> bool:
        """Whether its kind column says it is a credit: every row a credit's (a column
        that also names items, Linehaul beside Fuel Credit, says what each item is)."""
        return "credit" in self.kinds and len(self.kinds) == 1


@dataclass
class _Sums:
    """What some rows add up to, per amount column, how many rows gave each, and how many
    rows there were: a row without an invoice number giving these sums is a totals row."""

    running: dict[str, Decimal] = field(default_factory=dict)
    summed: dict[str, int] = field(default_factory=dict)
    rows: int = 0

    def add(self, key: str, value: Decimal) -> None:
        self.running[key] = self.running.get(key, Decimal(0)) + value
        self.summed[key] = self.summed.get(key, 0) + 1


def _changes(new: data.Transaction, booked: data.Transaction, key: str) -> list[str]:
    """How an exported invoice (or credit note: ``key``) differs from the one the ledger
    has: its number's case, its date, and its receivable account and face."""
    changes = []
    number, known = new.meta.get(key), booked.meta.get(key)
    if str(number) != str(known):
        changes.append(f"number {number} here, {known} in the ledger")
    if isinstance(known, Decimal) and str(number) != str(known):
        # (Plain digits typed without quotes lose nothing: the plugin reads them so.)
        changes.append(
            f"the ledger's {key}: {known} is written without quotes, which Beancount reads "
            f'as a number (without leading zeros): write it {key}: "{number}"'
        )
    if new.date != booked.date:
        changes.append(f"dated {new.date} here, {booked.date} in the ledger")
    receivable = new.postings[0]
    theirs = [
        p.units.number
        for p in booked.postings
        if p.account == receivable.account
        and p.units is not None
        and isinstance(p.units.number, Decimal)
    ]
    if not theirs:
        changes.append(f"{receivable.account} here, another account in the ledger")
    elif receivable.units is not None and sum(theirs, Decimal(0)) != receivable.units.number:
        changes.append(f"{receivable.units} here, {sum(theirs, Decimal(0))} in the ledger")
    return changes


def _note_changes(entry: data.Transaction, booked: data.Transaction, key: str) -> None:
    """The note on an exported invoice (or credit note) the ledger books otherwise: the
    export changed it since it was booked (a re-bill); the booked one stays, and the note
    says what to correct by hand."""
    changes = _changes(entry, booked, key)
    if changes:
        where = f"{booked.meta.get('filename')}:{booked.meta.get('lineno')}"
        what = "invoice" if key == "invoice" else "credit note"
        entry.meta[CHANGED_KEY] = (
            f"{'; '.join(changes)} (booked at {where}): correct the booked {what} if the "
            "export is right"
        )


def _invoiced_since(entry: data.Transaction) -> None:
    """The note on an exported invoice whose id is that of a credit note booked before
    (the export then netted it to zero or less): a duplicate by its id, it would be left
    out with no word of the invoice it is now."""
    booked = entry.meta.get("__duplicate__")
    if not isinstance(booked, data.Transaction) or "invoice" in booked.meta:
        return
    key = next((key for key in ("credit-note", ZERO_KEY) if key in booked.meta), None)
    if key is None:
        return
    face = entry.postings[0].units
    theirs = Decimal(0)
    for posting in booked.postings:
        number = posting.units.number if posting.units is not None else None
        if _same_leg(posting, entry) and isinstance(number, Decimal):
            theirs += number
    currency = face.currency if face is not None else ""
    where = f"{booked.meta.get('filename')}:{booked.meta.get('lineno')}"
    what = "credit note " if key == "credit-note" else ""
    entry.meta[CHANGED_KEY] = (
        f"an invoice of {face} here, {what}"
        f"{booked.meta[key]} of {theirs} {currency} in the "
        f"ledger (booked at {where}): the export made it an invoice since; correct the "
        f"booked entry (its invoice: key in place of {key}:, and amounts) if the export "
        "is right"
    )


def _opened_leaves(existing: Sequence[Any], receivables: str) -> dict[str, str]:
    """The leaves of the customers' receivable accounts the ledger opens, by their
    letters without regard to case: a name the export writes in capitals is theirs."""
    prefix = receivables + ":"
    opened: dict[str, str] = {}
    for entry in existing:
        if isinstance(entry, data.Open) and entry.account.startswith(prefix):
            leaf = entry.account[len(prefix) :]
            if ":" not in leaf:
                opened.setdefault(leaf.casefold(), leaf)
    return opened


def _kind_column(table: Table, configured: Sequence[str | None]) -> tuple[int, str] | None:
    """(position, name) of a column of each row's kind of document (`Type`: Invoice,
    Credit Memo, Payment) the importer is not told to read as another: a credit the
    export writes positive would otherwise be booked as an invoice, a payment as one."""
    used = {header_key(name) for name in configured if name}
    for key in _KIND_HEADERS:
        position = table.header.positions.get(key)
        if position is not None and key not in used:
            name = table.header.names[position]
            table.column(name)  # every row must hold it
            return position, name
    return None


def _read_kind(
    table: Table, line: int, cells: Sequence[Cell], column: tuple[int, str], invoice: _Invoice
) -> None:
    """Take a row's kind for its invoice: FCT209 for a row that is no invoice (a payment),
    FCT210 for an invoice whose rows are of a credit and of an invoice or debit memo."""
    text = _cell(cells, column[0])
    if not text:
        return
    credit = bool(_CREDIT_KIND.search(text))
    if not credit and _NOT_INVOICE_KIND.search(text) and not _INVOICE_KIND.search(text):
        message = (
            f"the row is a {text!r} by its column {column[1]!r}, not an invoice or a credit "
            "note: read as one, its amount would be booked as an invoice; delete such rows "
            "from the file (export invoices and credit notes only), and book payments from "
            "the bank statement"
        )
        raise table.fail(line, column[1], message, code="FCT209")
    what = "credit" if credit else "debit" if _DEBIT_KIND.search(text) else "item"
    invoice.kinds.setdefault(what, (text, line))
    if "credit" in invoice.kinds and "debit" in invoice.kinds:
        first, at = invoice.kinds["debit" if credit else "credit"]
        message = (
            f"invoice {invoice.number} is {first!r} on line {at}, {text!r} here: one number "
            "cannot be an invoice and a credit; correct the row, or export again"
        )
        raise table.fail(line, column[1], message, code="FCT210")


def _one_spelling(
    table: Table, line: int, column: str | None, invoice: _Invoice, folded: dict[str, _Invoice]
) -> None:
    """FCT210 if another invoice of the file has this number in another case (`rf-1028`
    and `RF-1028`): one invoice split in two, its receivable counted twice."""
    first = folded.setdefault(invoice.number.casefold(), invoice)
    if first is not invoice:
        message = (
            f"invoice {invoice.number} is {first.number} on line {first.line}: one number in "
            "two spellings would make two invoices; write it the same way on every row"
        )
        raise table.fail(line, column, message, code="FCT210")


def normal(name: str) -> str:
    """A charge code or a customer's name, compared without regard to case or spacing."""
    return " ".join(name.split()).casefold()


def customer_leaf(customer: str) -> str | None:
    """An account leaf from a customer's name: "Hanse Kühllogistik AG" -> "HanseKuhllogistikAG",
    "Σίγμα Cargo" -> "ΣιγμαCargo".

    Accents are dropped rather than the letters they sit on; other letters Beancount
    allows in an account (Greek, Cyrillic, ß) are kept, so that two customers whose names
    differ only in them keep two accounts. None if no account can be made.
    """
    plain = "".join(
        char for char in unicodedata.normalize("NFKD", customer) if not unicodedata.combining(char)
    )
    words = re.findall(r"[^\W_]+", plain)
    leaf = "".join(word[:1].upper() + word[1:] for word in words)
    if not leaf or not accounts.is_valid(f"Assets:{leaf}"):
        return None
    return leaf


def _cell(cells: Sequence[Cell], index: int | None) -> str:
    """A cell's text, stripped (a workbook's number or date as `text_of` writes it: an
    invoice or load number of digits as its cell shows it); '' for a column not
    configured (`Table.cells()` checked the row's length)."""
    if index is None:
        return ""
    value = cells[index]
    return value.strip() if type(value) is str else text_of(value)


def _text(value: Cell) -> str:
    return value.strip() if type(value) is str else text_of(value)


def _value(cells: Sequence[Cell], index: int | None) -> Cell:
    """A cell as read: a CSV's text stripped, a workbook's number or date as it is."""
    if index is None:
        return ""
    value = cells[index]
    return value.strip() if type(value) is str else value


def _valid(name: str, what: str) -> str:
    if not accounts.is_valid(name):
        raise ValueError(f"{what} {name!r} is not a valid account name")
    return name


def _customers(
    importer: InvoiceImporter, customers: Mapping[str, str] | None, currency: str, skip: int
) -> dict[str, str]:
    """The leaf of each customer `customers=` names (by its name as compared); ValueError
    (or TypeError) for a mistake in the importer's arguments: the currency, skip_rows, two
    fields of one column, a leaf that makes no account."""
    settings.currency(currency)
    settings.skip_rows(skip)
    charges = {f"charges[{column!r}]": column for column in importer.charges}
    settings.columns({**importer.columns, **charges})
    receivables = importer.receivables
    return {normal(k): _leaf(receivables, k, v) for k, v in (customers or {}).items()}


def _leaf(receivables: str, customer: str, leaf: object) -> str:
    """The leaf `customers=` gives a customer's receivable, if it makes an account."""
    what = f"customers[{customer!r}]"
    if isinstance(leaf, str) and leaf.split(":", 1)[0] == receivables.split(":", 1)[0]:
        raise ValueError(
            f"{what}: {leaf!r} is a whole account; give the part after {receivables!r} "
            f"({leaf.rsplit(':', 1)[-1]!r}), or {receivables!r} would be written before it"
        )
    if not isinstance(leaf, str) or not accounts.is_valid(f"{receivables}:{leaf}"):
        raise ValueError(
            f"{what}: {leaf!r} makes no account name under {receivables!r}: give the "
            "account's last part, starting with a capital letter or a digit ('Northstar')"
        )
    return leaf


class InvoiceImporter(Importer):
    """A billing or TMS invoice export (see the module docstring).

    Args:
      receivables: The parent of the customers' receivable accounts.
      income: Charge code -> income account, for one row per line item (`charge`,
        `amount` columns). Codes are compared without regard to case or spacing.
      charges: Column header -> income account, for one row per invoice.
      other_income: Where a charge code not in `income` goes; by default it is an error.
      vat, vat_account: A column of VAT (or sales tax) amounts and its liability account.
      invoice, date, due, customer, load, charge, amount, description, total: Header
        names of the columns; `due`, `load`, `description` and `total` (checked against
        the sum of the items) may be None.
      customers: Customer name -> account leaf ("Northstar Logistics": "Northstar"); other
        names become a leaf by themselves ("Bayline Logistics" -> "BaylineLogistics").
      terms_days: Without a due date column, the due date is this many days on.
      sheet: The worksheet of an XLSX export (the first by default); its title rows are
        `skip_rows`.
      date_format, decimal_mark, thousands, delimiter, encoding, skip_rows, signature,
      filename, name: As for `bank.BankCsvImporter`.
    """

    def __init__(
        self,
        receivables: str = "Assets:Receivable",
        *,
        income: Mapping[str, str] | None = None,
        charges: Mapping[str, str] | None = None,
        other_income: str | None = None,
        vat: str | None = None,
        vat_account: str = "Liabilities:VAT:Output",
        currency: str = "USD",
        invoice: str = "Invoice #",
        date: str = "Invoice Date",
        due: str | None = "Due Date",
        customer: str = "Customer",
        load: str | None = "Load #",
        charge: str | None = "Charge",
        amount: str | None = "Amount",
        description: str | None = None,
        total: str | None = None,
        customers: Mapping[str, str] | None = None,
        terms_days: int | None = None,
        date_format: str | Sequence[str] = "%m/%d/%Y",
        decimal_mark: str = ".",
        thousands: str | None = None,
        delimiter: str = ",",
        encoding: str = "utf-8-sig",
        skip_rows: int = 0,
        sheet: str | None = None,
        signature: Sequence[str] = (),
        filename: str | None = None,
        name: str | None = None,
    ) -> None:
        self.receivables = settings.account(receivables, "receivables", settings.NOT_ASSET)
        if charges:
            charge = amount = None
            self.charges = {col: _valid(acc, "income") for col, acc in charges.items()}
        elif not (charge and amount):
            raise ValueError("give the charge and amount columns, or charges={column: account}")
        else:
            self.charges = {}
        self.income = {
            normal(k): _valid(v, "income") for k, v in (income or DEFAULT_INCOME).items()
        }
        self.other_income = _valid(other_income, "other_income") if other_income else None
        self.vat_account = _valid(vat_account, "vat_account")
        self.currency = currency
        self.columns = {
            "invoice": invoice,
            "date": date,
            "due": due,
            "customer": customer,
            "load": load,
            "charge": charge,
            "amount": amount,
            "vat": vat,
            "description": description,
            "total": total,
        }
        self.date_column = date
        self.customers = _customers(self, customers, currency, skip_rows)
        self.terms = datetime.timedelta(days=terms_days) if terms_days is not None else None
        self.formats = (date_format,) if isinstance(date_format, str) else tuple(date_format)
        self.decimal_mark = decimal_mark
        self.thousands = (
            thousands if thousands is not None else "," if decimal_mark != "," else "."
        )
        self.numbers = Numbers(decimal_mark, self.thousands, self.currency, money=True)
        self.dates = Dates(self.formats)
        # Leaves of receivable accounts by their letters without case (`_receivable`).
        self._spelled: dict[str, str] = {}
        # An undecodable byte is placed by its position: path:line:column, for an editor.
        self.layout = Layout(
            delimiter, encoding, skip_lines=skip_rows, sheet=sheet, byte_position=True
        )
        configured = [c for c in self.columns.values() if c]
        self.signature = (*configured, *self.charges, *signature)
        self.claim = Claim(
            self.layout, [*configured, *self.charges], signature, filename=filename, workbook=True
        )
        self._name = name or f"{type(self).__module__}.{type(self).__name__}:{receivables}"

    @property
    def name(self) -> str:
        return self._name

    def identify(self, filepath: Any) -> bool:
        return self.claim(os.fspath(filepath))

    def diagnose(self, filepath: Any) -> str | None:
        """For a claimed file: the error its header gives extract, or None."""
        return self.claim.diagnose(os.fspath(filepath))

    def near_miss(self, filepath: Any) -> tuple[float, str] | None:
        """For a file not claimed: how much of the configuration it has, and what not."""
        return self.claim.near_miss(os.fspath(filepath))

    def account(self, filepath: Any) -> str:
        return self.receivables

    def filename(self, filepath: Any) -> str | None:
        return "invoices.xlsx" if is_xlsx(os.fspath(filepath)) else "invoices.csv"

    def date(self, filepath: Any) -> datetime.date | None:
        """The latest invoice date; None if the file cannot be read (extract says why)."""
        try:
            # (Its own reader: a file's dates settle their order for that file alone.)
            return latest_date(
                os.fspath(filepath),
                self.layout,
                self.date_column,
                Dates(self.formats),
                workbook=True,
            )
        except ImportFailure:
            return None

    def deduplicate(self, entries: list[Any], existing: Sequence[Any]) -> None:
        """Duplicates by import id, and by invoice number (whatever its case, or its
        leading zeros: `_Booked`) for invoices booked by hand; a duplicate that differs
        from the booked invoice says how."""
        mark_duplicates(entries, existing)
        booked = _Booked("invoice")
        credits = _Booked("credit-note")  # credit notes booked by hand, by their number
        # Typed without the invoice: key, linking its number (or the key on a posting).
        linked: dict[str, list[Any]] = {}
        for entry in existing:
            if not isinstance(entry, data.Transaction):
                continue
            if "credit-note" in entry.meta:
                credits.add(entry)
            if "invoice" in entry.meta:
                booked.add(entry)
                continue
            names = {link.casefold() for link in entry.links}
            names |= {
                str(p.meta["invoice"]).casefold()
                for p in entry.postings
                if p.meta and "invoice" in p.meta
            }
            for name in names:
                linked.setdefault(name, []).append(entry)
        invoices, credit_notes = booked.match(entries), credits.match(entries)
        for entry in entries:
            number = entry.meta.get("invoice")
            if number is None:
                _credit_duplicate(entry, *credit_notes.get(id(entry), (None, None)))
                continue
            found, which = invoices.get(id(entry), (None, None))
            if found is None:
                typed = _typed_without_key(entry, linked.get(str(number).casefold(), ()))
                if typed is not None and "__duplicate__" not in entry.meta:
                    entry.meta["__duplicate__"] = typed
                    entry.meta[NOTE_KEY] = _typed_note(entry, typed, str(number))
                _invoiced_since(entry)
                continue
            if "__duplicate__" not in entry.meta:
                entry.meta["__duplicate__"] = found
            if which is not None:
                entry.meta[NOTE_KEY] = which
                continue
            _note_changes(entry, found, "invoice")

    def _whole_units(
        self, table: Table, money: list[int | None], wide: list[tuple[str, int | None, str]]
    ) -> None:
        """FCT209 at the header for a money column whose header names a unit the export
        is not read in (`Amount (cents)`, `Amount (000s)`, `Amount (EUR)` in dollars)."""
        for position in [*money, *(index for _, index, _ in wide)]:
            if position is None:
                continue
            name = table.header.names[position]
            message = whole_units_only(name, self.currency)
            if message is not None:
                raise table.fail(table.header.line, name, message, code="FCT209")

    def _number(self, table: Table, line: int, value: Cell, name: str | None) -> Decimal | None:
        """An amount: a CSV's text in the file's number format, a workbook's number as its
        cell shows it (to the cent, as a factor's workbook is read)."""
        if not value:
            return None
        try:
            if type(value) is str:
                return self.numbers(value)
            if isinstance(value, Decimal):
                return workbook_amount(value, self.currency)
            raise ValueError(f"{text_of(value)} is a date, not an amount")
        except ValueError as exc:
            if type(value) is str and DASH_ZERO.fullmatch(value.strip()):
                return Decimal(0)  # Excel's accounting zero, `$ -`: an item of nothing
            raise table.fail(line, name, str(exc), code="FCT207") from None

    def _date(self, table: Table, line: int, value: Cell, key: str) -> Any:
        """A date: a CSV's text in the file's date format, a workbook's date (or a date
        serial in a cell formatted as a number)."""
        if not value:
            return None
        try:
            return self.dates(value) if type(value) is str else workbook_date(value)
        except ValueError as exc:
            raise table.fail(line, self.columns[key], str(exc), code="FCT206") from None

    def _not_labelled_a_total(self, table: Table, line: int, description: str) -> None:
        """FCT210 for a row without a charge code whose description is a line of totals
        (`Invoice total` under Description): read as an item, with or without the
        invoice's number, it would add the invoice's sum to it again."""
        if description and _TOTAL_CODE.fullmatch(description):
            message = (
                f"the row's description {description!r} is a line of totals, which would be "
                "added to the invoice as one more item; delete every totals or subtotals "
                "row from the file"
            )
            raise table.fail(line, self.columns["description"], message, code="FCT210")

    def _not_a_total_label(self, table: Table, line: int, number: str) -> None:
        """FCT210 for a row whose invoice number is a line of totals (`Subtotal`, `Total`
        where the number stands, below a customer's invoices): it was booked as an
        invoice of that number, the sum of the invoices above it."""
        if _TOTAL_CODE.fullmatch(number):
            message = (
                f"the invoice number {number!r} is a line of totals (a subtotal of the rows "
                "above), not an invoice; delete every totals or subtotals row from the file"
            )
            raise table.fail(line, self.columns["invoice"], message, code="FCT210")

    def _item_account(self, table: Table, line: int, code: str) -> str:
        found = self.income.get(normal(code))
        if found is None and _TOTAL_CODE.fullmatch(code.strip()):
            # `Invoice total`, `Subtotal` where a charge code stands: no charge, a line
            # of totals (other_income would take it, and the invoice count it twice).
            message = (
                f"the charge {code!r} is a line of totals, which would be added to the "
                "invoice as one more charge; delete every totals or subtotals row from the "
                "file (or, if it is a charge, give its code to income=)"
            )
            raise table.fail(line, self.columns["charge"], message, code="FCT210")
        found = found or self.other_income
        if found is None:
            known = ", ".join(repr(k) for k in self.income)
            message = f"unknown charge code {code!r}; the importer knows {known} (income=...)"
            raise table.fail(line, self.columns["charge"], message, code="FCT209")
        return found

    def extract(self, filepath: Any, existing: Sequence[Any]) -> list[Any]:
        with no_gc_pauses():
            # The file's text, made inert for Fava's journal (inert.py).
            return inert_entries(self._extract(os.fspath(filepath), existing))

    def _extract(self, path: str, existing: Sequence[Any]) -> list[Any]:
        self.dates = Dates(self.formats)  # a file's dates settle their order for it alone
        # Every invoice is kept until the end: its rows may be anywhere in the file.
        invoices: dict[str, _Invoice] = {}
        folded: dict[str, _Invoice] = {}  # by number without regard to case
        current: _Invoice | None = None
        # What rows add up to: a row without an invoice number that gives the sums of
        # the whole file so far, of the invoice above, or of the rows since the last row
        # without a number (a subtotal of a later group) is a totals row, not more of the
        # invoice above.
        whole, own, since = _Sums(), _Sums(), _Sums()
        self.claim.check_sheets(path)  # a workbook's sheets: one holds the export
        with Table(path, self.layout, workbook=True) as table:
            cols = {key: table.column(name) for key, name in self.columns.items()}
            wide = [(col, table.column(col), acc) for col, acc in self.charges.items()]
            self._whole_units(table, [cols["amount"], cols["vat"], cols["total"]], wide)
            # A column of each row's currency: every row must be in the importer's.
            currency = currency_column(table, [*self.columns.values(), *self.charges])
            kind = _kind_column(table, [*self.columns.values(), *self.charges])
            for line, cells in table.cells():
                if currency is not None:
                    check_currency(table, line, cells, currency, self.currency)
                if not _cell(cells, cols["charge"]):
                    # (A row with its charge code is that charge, whatever it says.)
                    self._not_labelled_a_total(table, line, _cell(cells, cols["description"]))
                number = _cell(cells, cols["invoice"])
                if number:
                    self._not_a_total_label(table, line, number)
                    if not _NUMBER.fullmatch(number):
                        message = (
                            f"invoice number {number!r} may hold only letters, digits, - _ / ."
                        )
                        raise table.fail(line, self.columns["invoice"], message, code="FCT208")
                    if current is None or current.number != number:
                        own = _Sums()
                    current = invoices.get(number)
                    if current is None:
                        current = invoices[number] = _Invoice(number, line)
                        _one_spelling(table, line, self.columns["invoice"], current, folded)
                elif current is None:
                    raise table.fail(
                        line,
                        self.columns["invoice"],
                        "the first row has no invoice number",
                        code="FCT205",
                    )
                else:
                    for sums in (whole, own, since):
                        self._not_a_total(table, line, cells, cols, wide, sums, current)
                texts = tuple(map(_text, cells) if table.workbook else map(str.strip, cells))  # type: ignore[arg-type]
                first = current.rows.setdefault(hash(texts), line)
                if first != line:
                    message = (
                        f"the row of invoice {current.number} is line {first} again: an export "
                        "that repeats a row doubles its amount; export again, or delete the row "
                        "(two items alike should differ in their description)"
                    )
                    raise table.fail(line, self.columns["invoice"], message, code="FCT210")
                if kind is not None:
                    _read_kind(table, line, cells, kind, current)
                self._read_fields(table, line, cells, cols, current)
                self._read_items(table, line, cells, cols, wide, current, (whole, own, since))
                if not number:
                    # Read as an item: the rows after it may be a later group's subtotal.
                    since = _Sums()
        ids = RowIds("inv")
        leaves: dict[str, tuple[str, int, bool, str]] = {}
        self._spelled = _opened_leaves(existing, self.receivables)
        return [self._entry(path, invoice, ids, leaves) for invoice in invoices.values()]

    def _read_items(
        self,
        table: Table,
        line: int,
        cells: Sequence[Cell],
        cols: dict[str, int | None],
        wide: list[tuple[str, int | None, str]],
        invoice: _Invoice,
        totals: tuple[_Sums, ...],
    ) -> None:
        """Add a row's amounts to its invoice, per income account (and to each of
        ``totals``, per column)."""
        amounts = invoice.amounts
        names = self.columns
        for sums in totals:
            sums.rows += 1
        if wide:
            for column, index, income in wide:
                value = self._number(table, line, _value(cells, index), column)
                if value is not None:
                    amounts[income] = amounts.get(income, Decimal(0)) + value
                    for sums in totals:
                        sums.add(column, value)
        else:
            value = self._number(table, line, _value(cells, cols["amount"]), names["amount"])
            if value is None:
                raise table.fail(line, names["amount"], "no amount", code="FCT205")
            income = self._item_account(table, line, _cell(cells, cols["charge"]))
            amounts[income] = amounts.get(income, Decimal(0)) + value
            for sums in totals:
                sums.add("amount", value)
        vat = self._number(table, line, _value(cells, cols["vat"]), names["vat"])
        if vat:
            amounts[self.vat_account] = amounts.get(self.vat_account, Decimal(0)) + vat
            for sums in totals:
                sums.add("vat", vat)
        expected = self._number(table, line, _value(cells, cols["total"]), names["total"])
        if expected is not None:
            invoice.totals.append((expected, line))

    def _not_a_total(
        self,
        table: Table,
        line: int,
        cells: Sequence[Cell],
        cols: dict[str, int | None],
        wide: list[tuple[str, int | None, str]],
        totals: _Sums,
        above: _Invoice,
    ) -> None:
        """FCT210 if a row without an invoice number is an export's totals or subtotals
        row, which read as more of the invoice above would add those rows to it again:
        every amount column it fills gives what the rows of ``totals`` add up to, and

        - in a column per charge: it fills every column the rows above filled (even
          sums of one row each), or one of its sums is of two rows or more (exports may
          total the main charge alone); a row whose sums are each of one row, of some
          columns only (a return toll of 45.50, like the one toll above), may be an item
          as well, and is read as one;
        - in an amount column: it sums two rows or more (one item again, without its
          number, sums to itself).
        """
        running, summed = totals.running, totals.summed
        columns: list[tuple[str, str | None, int | None]]
        if wide:
            # (Keyed as ``_read_items`` keys ``running``: each charge column.)
            columns = [(column, column, index) for column, index, _ in wide]
        else:
            # (A row of one item's amount is one more item of that amount, unless it
            # has no charge code and no description of its own either: a subtotal of one
            # row, `other_income` its account. Two stop-offs of 150.00, the invoice's
            # number on the first row only, are two items.)
            if totals.rows < 2 and (
                _cell(cells, cols["charge"]) or _own_description(cells, cols, above)
            ):
                return
            columns = [("amount", self.columns["amount"], cols["amount"])]
        if cols.get("vat") is not None:
            columns.append(("vat", self.columns["vat"], cols["vat"]))
        given = {}
        for key, column, index in columns:
            value = self._number(table, line, _value(cells, index), column)
            # (0,00 under a column no row filled is no figure: a total of nothing.)
            if value is not None and (value or running.get(key)):
                given[key] = value
        if not given or any(running.get(key) != value for key, value in given.items()):
            return
        if wide:
            every = all(key in given for key, total in running.items() if total)
            if not every and all(summed.get(key, 0) < 2 for key in given):
                return
        message = (
            "this row has no invoice number and its amounts are what the rows above add "
            "up to: a totals row, which would be added to invoice "
            f"{above.number}; delete it, and every other totals or subtotals row, from the "
            f"file (or, if it is an item of {above.number}, give it the invoice number)"
        )
        raise table.fail(line, self.columns["invoice"], message, code="FCT210")

    def _read_fields(
        self,
        table: Table,
        line: int,
        cells: Sequence[Cell],
        cols: dict[str, int | None],
        invoice: _Invoice,
    ) -> None:
        """Take the invoice's own fields from a row; they must agree with its other rows."""
        values = {
            "date": self._date(table, line, _value(cells, cols["date"]), "date"),
            "due": self._date(table, line, _value(cells, cols["due"]), "due"),
            "customer": _cell(cells, cols["customer"]),
            "load": _cell(cells, cols["load"]),
        }
        for key in _HEAD_FIELDS:
            value, known = values[key], invoice.fields.get(key)
            if not value:
                continue
            if known and known != value:
                message = (
                    f"invoice {invoice.number} has {key} {known} on line {invoice.line}, "
                    f"{value} here"
                )
                raise table.fail(line, self.columns[key], message, code="FCT210")
            invoice.fields[key] = value
        if not invoice.narration:
            invoice.narration = _cell(cells, cols["description"])

    def _receivable(
        self,
        path: str,
        invoice: _Invoice,
        customer: str,
        leaves: dict[str, tuple[str, int, bool, str]],
    ) -> str:
        """The customer's receivable account: its leaf from customers=, or made of its name.
        Two names made into one leaf (`Kühl AG` and `Kuhl AG`, `Acme, Inc.` and `Acme
        Inc`) would share one receivable in silence: an FCT208 error, fixed in customers=."""
        mapped = self.customers.get(normal(customer))
        leaf = mapped or customer_leaf(customer)
        if leaf:
            # One leaf in one spelling: the account the ledger opens, or the first made
            # or mapped in the file (`BAYLINE LOGISTICS` is `BaylineLogistics`).
            spelled = self._spelled.setdefault(leaf.casefold(), leaf)
            leaf = leaf if mapped else spelled
        receivable = f"{self.receivables}:{leaf}"
        if not leaf or not accounts.is_valid(receivable):
            message = f"cannot make an account of customer {customer!r}: add it to customers="
            raise ImportFailure(
                path, invoice.line, message, self.columns["customer"], code="FCT208"
            )
        name = normal(customer)
        # (Mapped to the leaf in customers=, or unmapped with a name that is the leaf
        # itself: `TQL`, to which customers= maps `Total Quality Logistics`. Such names
        # share it as asked; a name merely made into it, `North Star`, does not.)
        named = mapped is not None or customer.strip() == leaf
        first = (name, invoice.line, named, customer.strip())
        other, line, other_named, written = leaves.setdefault(leaf, first)
        if other != name and not (other_named and named):
            message = (
                f"customer {customer!r} and customer {written!r} on line {line} both make "
                f"the account {receivable}: map each to its own leaf in customers=, or both "
                "to one if they are the same customer"
            )
            raise ImportFailure(
                path, invoice.line, message, self.columns["customer"], code="FCT208"
            )
        return receivable

    def _entry(
        self,
        path: str,
        invoice: _Invoice,
        ids: RowIds,
        leaves: dict[str, tuple[str, int, bool, str]],
    ) -> data.Transaction:
        fields = invoice.fields
        for key in ("date", "customer"):
            if not fields.get(key):
                message = f"invoice {invoice.number} has no {key} on any of its rows"
                raise ImportFailure(path, invoice.line, message, self.columns[key], code="FCT205")
        customer = str(fields["customer"])
        receivable = self._receivable(path, invoice, customer, leaves)
        face = sum(invoice.amounts.values(), Decimal(0))
        for expected, line in invoice.totals:
            if expected != face:
                message = f"invoice {invoice.number}: the items add up to {face}, not {expected}"
                raise ImportFailure(path, line, message, self.columns["total"], code="FCT210")
        amounts = invoice.amounts
        if invoice.credited() and face > 0:
            # A credit its kind column names, written positive: a credit note all the same.
            amounts = {income: -number for income, number in amounts.items()}
            face = -face
        due = fields.get("due") or (fields["date"] + self.terms if self.terms else None)
        credit = face <= 0
        meta: dict[str, Any] = {ID_KEY: ids(self.receivables, invoice.number)}
        # An invoice of 0.00 (billed at no charge, voided) is neither an invoice, which
        # the plugin refuses without a receivable (FCT134), nor a credit to settle.
        key = "invoice" if face > 0 else ZERO_KEY if face == 0 else "credit-note"
        meta[key] = invoice.number
        if fields.get("load"):
            meta["load"] = fields["load"]
        if due:
            meta["due"] = due
        postings = [data.Posting(receivable, Amount(face, self.currency), None, None, None, None)]
        for income, number in amounts.items():
            if number:
                units = Amount(-number, self.currency)
                postings.append(data.Posting(income, units, None, None, None, None))
        narration = invoice.narration or (
            f"Load {fields['load']}" if fields.get("load") else f"Invoice {invoice.number}"
        )
        return data.Transaction(
            data.new_metadata(path, invoice.line, meta),
            fields["date"],
            "!" if credit else "*",
            customer,
            narration,
            frozenset(),
            frozenset() if credit else frozenset({invoice.number}),
            postings,
        )


def _credit_duplicate(entry: Any, found: Any | None, which: str | None) -> None:
    """Mark a credit note the ledger books already (typed by hand with its `credit-note:`
    key: ``found``, and ``which`` if it may be another) a duplicate; and one whose id is
    that of an invoice booked before (the export cancelled or credited it under its own
    number) says how it differs."""
    key = next((key for key in ("credit-note", ZERO_KEY) if key in entry.meta), None)
    if key is None:
        return
    if found is not None and "__duplicate__" not in entry.meta:
        entry.meta["__duplicate__"] = found
        if which is not None:
            entry.meta[NOTE_KEY] = which
    booked = entry.meta.get("__duplicate__")
    if not isinstance(booked, data.Transaction):
        return
    if "invoice" not in booked.meta:
        if which is None and key in booked.meta:
            _note_changes(entry, booked, key)
        return
    face = entry.postings[0].units
    where = f"{booked.meta.get('filename')}:{booked.meta.get('lineno')}"
    if key == ZERO_KEY:
        entry.meta[CHANGED_KEY] = (
            f"an invoice of {face} here, invoice {booked.meta['invoice']} in the ledger "
            f"(booked at {where}): the export voided it since (its items add up to "
            "nothing); book a credit note of the booked amount by hand (with its own "
            "number) if the export is right"
        )
        return
    entry.meta[CHANGED_KEY] = (
        f"a credit note of {face} here, invoice {booked.meta['invoice']} in the ledger "
        f"(booked at {where}): the export cancelled or credited it since; book the credit "
        "note by hand (with its own number) if the export is right"
    )


def digits_of(number: object) -> str | None:
    """What a number of digits alone is without its leading zeros (`001023` -> `1023`),
    as Beancount reads one typed without quotes (`invoice: 001023` is the number 1023);
    None for any other number (`RF-001023`, `10.5`), whose zeros are its own."""
    if isinstance(number, Decimal):
        if number.is_finite() and number >= 0 and number == number.to_integral_value():
            return str(int(number))
        return None
    if isinstance(number, str) and number.isascii() and number.isdigit():
        return number.lstrip("0") or "0"
    return None


class _Booked:
    """The ledger's invoices (or credit notes) by the number under ``key``.

    An exported number is the one the ledger has as written, without regard to case.
    Failing that, a number of digits is the one the ledger has with other leading zeros:
    typed without them (`"1023"` for the export's `001023`), or without quotes, which
    Beancount reads as a number and drops them (`invoice: 001023` is 1023, and so is
    `invoice: 1023`: such a number is never matched as written). When the digits leave
    a choice (the export's 1023 and 001023, the ledger's unquoted 1023), every exported
    number of the choice is a probable duplicate whose note says so: one of them is
    booked, which cannot be told, and imported it would be booked twice in silence.
    """

    def __init__(self, key: str) -> None:
        self.key = key
        self.written: dict[str, Any] = {}
        self.digits: dict[str, list[Any]] = {}

    def add(self, entry: data.Transaction) -> None:
        number = entry.meta[self.key]
        digits = digits_of(number)
        if digits is not None:
            self.digits.setdefault(digits, []).append(entry)
        if digits is None or not isinstance(number, Decimal):
            self.written.setdefault(str(number).casefold(), entry)

    def match(self, entries: Sequence[Any]) -> dict[int, tuple[Any, str | None]]:
        """By ``id()`` of each exported entry the ledger has: the booked entry, and the
        note of a choice left by the digits (None when there is none)."""
        found: dict[int, tuple[Any, str | None]] = {}
        taken = {id(e.meta["__duplicate__"]) for e in entries if "__duplicate__" in e.meta}
        loose: dict[str, list[Any]] = {}
        for entry in entries:
            number = entry.meta.get(self.key)
            if number is None:
                continue
            booked = self.written.get(str(number).casefold())
            if booked is not None:
                found[id(entry)] = (booked, None)
                taken.add(id(booked))
                continue
            digits = digits_of(number)
            if digits is not None and digits in self.digits:
                loose.setdefault(digits, []).append(entry)
        for digits, group in loose.items():
            booked_ones = [e for e in self.digits[digits] if id(e) not in taken]
            if not booked_ones:
                continue
            which = (
                None if len(group) == len(booked_ones) == 1 else self._choice(group, booked_ones)
            )
            for entry in group:
                found[id(entry)] = (booked_ones[0], which)
        return found

    def _choice(self, group: list[Any], booked: list[Any]) -> str:
        here = ", ".join(str(entry.meta[self.key]) for entry in group)
        quoted = " or ".join(f'"{entry.meta[self.key]}"' for entry in group)
        there = ", ".join(
            f"{entry.meta[self.key]} at {entry.meta.get('filename')}:{entry.meta.get('lineno')}"
            for entry in booked
        )
        return (
            f"the ledger's {self.key}: {there} and the export's {here} differ only in leading "
            "zeros (a number written without quotes, which Beancount reads as a number, "
            "loses them), so which is booked cannot be told: write the ledger's number in "
            f"quotes as the invoice writes it ({self.key}: {quoted}) and import again; if "
            "this one is not booked, uncomment it and delete this line"
        )


def _typed_without_key(entry: data.Transaction, candidates: Sequence[Any]) -> Any | None:
    """The transaction among ``candidates`` (linking the invoice's number) that books the
    invoice: its receivable account debited, against a credit to income (or to equity:
    an invoice open when the books started). A check returned unpaid debits the
    receivable too, against the bank, and a refund against a liability: not invoices.
    (The amount may differ: a re-bill, which the note says.)"""
    receivable = entry.postings[0].account
    for other in candidates:
        debited = any(
            p.account == receivable and p.units is not None and p.units.number > 0
            for p in other.postings
        )
        earned = any(
            p.account.startswith(("Income:", "Equity:"))
            and p.units is not None
            and p.units.number < 0
            for p in other.postings
        )
        if debited and earned:
            return other
    return None


def _typed_note(entry: data.Transaction, typed: Any, number: str) -> str:
    """The note on an invoice the ledger books without its key: what to do, and the
    amounts if they differ (a re-bill)."""
    first = entry.postings[0]
    face = first.units.number if first.units is not None else None
    debits = [p.units.number for p in typed.postings if _same_leg(p, entry)]
    booked = sum((number for number in debits if number > 0), Decimal(0))
    differs = f" (booked {booked}, {face} here)" if booked != face else ""
    return (
        f"the ledger books invoice {number} without its invoice: key (it links the "
        f"number){differs}: add invoice: to the booked one, which the plugin needs to "
        "follow it, and correct it if the export is right; if it is another invoice, "
        "uncomment this one"
    )


def _same_leg(posting: Any, entry: data.Transaction) -> bool:
    """True for a posting on ``entry``'s receivable account in its currency."""
    first = entry.postings[0]
    return (
        posting.account == first.account
        and posting.units is not None
        and first.units is not None
        and posting.units.currency == first.units.currency
    )
