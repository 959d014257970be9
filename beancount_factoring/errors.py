"""Error codes the factoring plugin reports, and the error type bean-check prints.

Every problem the plugin finds becomes a ``FactoringError`` whose message starts
with a stable code (``FCT120 ...``). The codes are public: users switch them off
by name in the plugin config and search ``docs/errors.md`` for them, so a code is
never renumbered or reused.

The importers, the Fava pages and ``bean-factoring`` have codes of their own ranges
(``IMPORTER_CODES``, ``FAVA_CODES``, ``CLI_CODES``, at the end of this module).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from beancount.core import data

CODES: dict[str, str] = {
    "FCT100": "the plugin config cannot be read",
    "FCT101": "a lump sum matches no open item of its factor",
    "FCT102": "a lump sum matches the open items in more than one way",
    "FCT103": "a lump sum is still unallocated grace-days after it arrived",
    "FCT104": "entries written by hand to a clearing account are unexplained past grace-days",
    "FCT110": "a factoring agreement is malformed",
    "FCT111": "no factoring agreement applies to an event",
    "FCT120": "a lump sum differs from what the agreement gives",
    "FCT121": "postings written by hand differ from what the event implies",
    "FCT130": "an invoice is scheduled or funded twice",
    "FCT131": "an invoice is scheduled while already paid",
    "FCT132": "an event names an unknown invoice or schedule",
    "FCT133": "an event does not fit the invoice's state",
    "FCT134": "an invoice or an event is malformed",
    "FCT135": "a credit loss is booked that the factor does not bear (recourse, a dispute)",
    "FCT136": "a payment for an invoice the factor holds is booked as ours, or forwarded wrong",
    "FCT137": "a chargeback for nonpayment the agreement does not allow",
    "FCT140": "a release is larger than the reserve held",
    "FCT141": "a reserve account goes below zero",
    "FCT150": "a deposit from a factor is booked to an Income account",
    "FCT151": "a deposit from a factor is booked to another account than its bank",
    "FCT152": "a deposit whose payee is one factor's is booked to another factor's accounts",
    "FCT153": "a pad fills a factor's account or draws on one",
    "FCT154": "a reserve carried in as an opening balance beside the events that hold it",
    "FCT160": "an invoice is past its recourse days, neither collected nor charged back",
    "FCT161": "a collected invoice's reserve has not come back within release-days",
    "FCT162": "a schedule is not funded while the factor's later cash is in the books",
    "FCT163": "a fuel advance is neither recouped nor repaid within fuel-advance-days",
    "FCT170": "the factor's own figures for an invoice differ from the agreement",
    "FCT180": "a fuel advance differs from the agreement",
    "FCT190": "a fee charged apart from any invoice differs from the agreement",
    "FCT191": "a ledger string holds markup Fava's journal would render",
}


class FactoringError(NamedTuple):
    """An error in the shape Beancount's loader and bean-check expect."""

    source: dict[str, Any]
    message: str
    entry: data.Directive | None


def source_of(meta: dict[str, Any] | None, lineno: int | None = None) -> dict[str, Any]:
    """Return a source with the filename and line bean-check needs to print.

    Args:
      meta: The metadata of the entry the error is about, or None.
      lineno: A more precise line within the entry (a metadata key's line).
    Returns:
      A new metadata dict with ``filename`` and ``lineno``.
    """
    filename = "<factoring>"
    line = 0
    if meta:
        filename = meta.get("filename", filename)
        line = meta.get("lineno", line)
    return data.new_metadata(filename, lineno if lineno is not None else line)


def where_written(entry: data.Directive) -> str:
    """Where an entry is written, as an error names it: "file:line"."""
    meta = entry.meta or {}
    return f"{meta.get('filename')}:{meta.get('lineno')}"


def make_error(
    code: str,
    message: str,
    meta: dict[str, Any] | None,
    entry: data.Directive | None = None,
    lineno: int | None = None,
) -> FactoringError:
    """Build an error whose message starts with its code."""
    assert code in CODES, code
    if isinstance(entry, data.Custom) and entry.values is None:
        # A custom directive with no values at all (an agreement with no name): Beancount's
        # printer, which bean-check runs on the entry of each error, fails on None.
        entry = entry._replace(values=[])
    return FactoringError(source_of(meta, lineno), f"{code} {message}", entry)


def error_code(error: Any) -> str | None:
    """Return the FCT code an error's message starts with, or None."""
    message = getattr(error, "message", "")
    head = message.split(" ", 1)[0]
    return head if head in CODES else None


# The importers, the Fava pages and the command line ---------------------------------
#
# Their errors are not bean-check errors: an importer stops with an `ImportFailure`, a
# page answers 400 or shows its config error, `bean-factoring` exits 2. They have codes
# of their own ranges so that docs/errors.md can be searched for any of them. The
# plugin's config cannot switch these off: `disable` takes the codes of CODES only.

IMPORTER_CODES: dict[str, str] = {
    "FCT200": "a file cannot be read: it is missing, unreadable or damaged",
    "FCT201": "a file holds bytes that are not in the encoding it is read in",
    "FCT202": "the file is empty",
    "FCT203": "the file lacks the header, columns or sheet the importer reads",
    "FCT204": "a row or element is broken: cut short, or a quote or element left open",
    "FCT205": "a value the importer needs is missing",
    "FCT206": "a date cannot be read",
    "FCT207": "an amount or a percentage cannot be read",
    "FCT208": "an invoice number, currency or account name cannot be written in Beancount",
    "FCT209": "the file needs a setting the importer does not have",
    "FCT210": "the rows contradict each other or do not add up",
    "FCT211": "an amount has the wrong sign",
}

FAVA_CODES: dict[str, str] = {
    "FCT300": "the Fava extension's config cannot be read",
    "FCT301": "a page parameter has a value the pages cannot use",
    "FCT302": "a page asks for a factor no agreement names",
}

CLI_CODES: dict[str, str] = {
    "FCT310": "bean-factoring cannot load the ledger",
    "FCT311": "--factor names a factor no agreement names",
    "FCT312": "a date argument is not a date",
    "FCT313": "the command line is not one bean-factoring takes",
    "FCT314": "the ledger has errors, so a report could be wrong",
    "FCT315": "the ledger was loaded without the factoring plugin",
    "FCT316": "--start is after the as-of date",
    "FCT317": "--offer names an offer no factoring-offer names",
    "FCT318": "a report cannot be computed from the ledger",
}

ALL_CODES: dict[str, str] = {**CODES, **IMPORTER_CODES, **FAVA_CODES, **CLI_CODES}


def coded(code: str, message: str) -> str:
    """A message of the importers, the pages or the command line, led by its code."""
    assert code in ALL_CODES and code not in CODES, code
    return f"{code} {message}"


def as_written(value: Any) -> str:
    """A metadata value for a message, as the ledger writes it: text in quotes (its
    ``repr``, as the messages always showed it), and a number, a date, TRUE or FALSE or
    an amount as typed, not Python's ``Decimal('1001')`` or ``datetime.date(...)``."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if value is None:
        return "nothing"
    return str(value)
