"""The plugin's configuration string.

::

    plugin "beancount_factoring.plugin" "{'tolerance': '0.01', 'disable': ['FCT141']}"

``tolerance``
    The largest difference, in currency units, that still counts as agreeing
    with the factoring agreement. The default, ``0``, wants every cent; a
    factor that rounds schedule totals rather than invoices may need ``0.05``.
    At most ``1``: a larger one could count an unpaid invoice as paid.
``disable``
    Error codes not to report, for a ledger that knowingly departs from a rule.
``as-of``
    The date ("2025-06-30") the time-based checks (recourse clock, overdue
    releases, unallocated deposits) are judged on. Default: the date of the
    last entry in the ledger, so a ledger checks the same tomorrow as today.
``detail``
    ``"item"`` (the default): on the factor's own accounts the plugin writes
    one posting per schedule (or per deposit) and part, naming the schedule, as
    the factor's purchase report adds them up; a part that only one invoice
    contributes names that invoice too. The faces leaving a receivable (a
    schedule, a funding straight from the receivable) are summed per account and
    schedule; every other receivable leg stays one per invoice. The
    transaction's links name every invoice. ``"invoice"``: one posting
    per invoice and part, each naming its invoice; clearer in Fava's journal of
    the fee account, but bean-check then has about twice the postings to check.
``accrue``
    ``"month"``: at each month end, post the time-based fees incurred in the
    month on the invoices still outstanding (fees account / the agreement's
    ``accrued-fees`` account), reversed on the day the fee is booked (see
    ``settlement/accruals.py``). Left out (the default), fees are expensed when the
    factor takes them.
``max-candidates``, ``max-subset``
    The bounds of the search for what a deposit that names nothing settles:
    it combines up to ``max-subset`` (default 4) of the ``max-candidates``
    (default 20) open items dated closest before the deposit.

The config is a Python dict literal, or a JSON object (``true``, ``false``, ``null``).
A config that cannot be read is an FCT100 error on the plugin line; the plugin
then runs with the defaults, so the rest of the ledger is still checked. So is a key
written twice (Python and JSON keep the last without a word): which is meant cannot be
told, and the key has its default until one is deleted.
"""

from __future__ import annotations

import ast
import datetime
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from beancount.core import data

from beancount_factoring.errors import CODES, FactoringError, make_error
from beancount_factoring.terms.agreement import PLUGIN_SETTINGS
from beancount_factoring.terms.postings import DETAILS

DEFAULT_TOLERANCE = Decimal("0")
# Rounding differences are cents; a whole unit is already generous.
MAX_TOLERANCE = Decimal("1")
KEYS = tuple(PLUGIN_SETTINGS)
ACCRUE = ("month",)


# How many open items a deposit is matched against, and how many it may settle
# together when no link names them (settlement/allocate.py).
MAX_CANDIDATES = 20
MAX_SUBSET = 4


@dataclass(frozen=True)
class Config:
    """The plugin's settings."""

    tolerance: Decimal = DEFAULT_TOLERANCE
    disabled: frozenset[str] = field(default_factory=frozenset)
    max_candidates: int = MAX_CANDIDATES
    max_subset: int = MAX_SUBSET
    as_of: datetime.date | None = None
    detail: str = "item"
    accrue: str | None = None


# The options keys the plugin keeps its runs of one load under (Beancount's pickle
# cache keeps them too): the config text the books were made with, which the reports
# read rather than the line named "beancount_factoring.plugin" (the plugin may be run
# through a module of the bookkeeper's own, or its line written twice), and how many
# times the plugin was called in this load.
CONFIG_KEY = "factoring:config"
RUNS_KEY = "factoring:runs"
PLUGIN_MODULE = "beancount_factoring.plugin"
# A ``plugin`` directive (Beancount's starts its line), and the module it names.
_PLUGIN_LINE = re.compile(r'^plugin[ \t]+"([^"\n]*)"', re.MULTILINE)


def factoring_calls(name: str) -> int:
    """How many times the plugin line naming module ``name`` runs the factoring plugin:
    once for its own module; for a module of the bookkeeper's, as many times as its
    list of plugins names it (``loader.combine_plugins``, which may name it twice). A
    module Beancount has not imported yet counts as not running it (Beancount imports
    each module just before running it)."""
    if name == PLUGIN_MODULE:
        return 1
    module = sys.modules.get(name)
    calls = 0
    for item in getattr(module, "__plugins__", None) or ():
        function = getattr(module, item, None) if isinstance(item, str) else item
        if (
            getattr(function, "__module__", None) == PLUGIN_MODULE
            and getattr(function, "__name__", None) == "factoring"
        ):
            calls += 1
    return calls


def factoring_lines(options_map: dict[str, Any] | None) -> list[tuple[int, str, str | None]]:
    """The runs of the factoring plugin by the plugin lines of the main file, in the
    order Beancount runs them: each its line's number (0 when the file cannot be read),
    the module it names and its config text (a line listed once per run it makes)."""
    options_map = options_map or {}
    written: list[tuple[int, str]] = []
    try:
        with open(str(options_map.get("filename") or ""), encoding="utf-8") as handle:
            text = handle.read()
        for match in _PLUGIN_LINE.finditer(text):
            written.append((text.count("\n", 0, match.start()) + 1, match[1]))
    except (OSError, UnicodeDecodeError):
        pass  # (a ledger loaded from a string: no line numbers)
    found: list[tuple[int, str, str | None]] = []
    position = 0
    for name, config_text in options_map.get("plugin") or ():
        # Beancount lists the main file's plugin lines in their order: the next
        # written line of this name is this one.
        lineno = 0
        while position < len(written):
            position += 1
            if written[position - 1][1] == name:
                lineno = written[position - 1][0]
                break
        found.extend([(lineno, name, config_text)] * factoring_calls(name))
    return found


def plugin_source(options_map: dict[str, Any] | None, run: int = 0) -> dict[str, Any]:
    """The ``run``-th line of the main file that runs the plugin (Beancount does not
    tell a plugin its line); line 0 of the main file when it cannot be found."""
    filename = "<factoring>"
    if options_map and options_map.get("filename"):
        filename = options_map["filename"]
    lines = factoring_lines(options_map)
    lineno = lines[run][0] if run < len(lines) else (lines[0][0] if lines else 0)
    return data.new_metadata(filename, lineno)


# A date written without its quotes (``{'as-of': 2025-06-30}``): Python reads a sum, or
# refuses ``06`` for its leading zero.
_BARE_DATE = re.compile(r"(?<![\w'\".-])(\d{4}-\d{1,2}-\d{1,2})(?![\w'\".-])")


def not_literal_reason(text: str, exc: Exception) -> str:
    """Why a config is no literal, in the bookkeeper's words (the Fava extension's
    config too): a date left out of its quotes is named; Python's own message of a name
    (``{accrue: 'month'}``) shows an object's memory address, which says nothing and
    differs from one load to the next."""
    bare = _BARE_DATE.search(text)
    if bare is not None:
        return f"the date {bare[1]} is not in quotes: write '{bare[1]}'"
    if not (isinstance(exc, ValueError) and "malformed node" in str(exc)):
        return str(exc)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return "it holds something other than quoted strings, numbers, lists and dicts"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            break  # (A call's name is no word to quote.)
        if isinstance(node, ast.Name):
            return f"{node.id} is a name, not a quoted string: write '{node.id}'"
    return "it holds something other than quoted strings, numbers, lists and dicts"


def parse_config(
    text: str | None, options_map: dict[str, Any] | None = None, run: int = 0
) -> tuple[Config, list[FactoringError]]:
    """Read the plugin's config string (of the ``run``-th plugin line that runs the
    plugin: the line its errors are reported on).

    Returns:
      The config (the defaults where the string is wrong) and the errors.
    """
    if text is None or not text.strip():
        return Config(), []
    how = "write it like \"{'tolerance': '0.01', 'disable': ['FCT141']}\""
    try:
        raw, twice = read_literal(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        message = (
            f"The factoring plugin's config {text!r} is not a Python dict literal "
            f"({not_literal_reason(text, exc)}); {how}"
        )
        return Config(), [make_error("FCT100", message, plugin_source(options_map, run))]
    if not isinstance(raw, dict):
        message = f"The factoring plugin's config {text!r} must be a dict; {how}"
        return Config(), [make_error("FCT100", message, plugin_source(options_map, run))]
    # Each key's problem, in the order the keys are read: each an FCT100 error.
    problems = [_written_twice(raw, key, values) for key, values in twice.items()]
    problems.extend(_unknown(key) for key in raw if key not in KEYS)
    tolerance = _tolerance(raw, problems)
    disabled = _disabled(raw, problems)
    bounds = _bounds(raw, problems)
    as_of = _as_of(raw, problems)
    detail, accrue = _choices(raw, problems)
    config = Config(
        tolerance,
        disabled,
        bounds["max-candidates"],
        bounds["max-subset"],
        as_of,
        detail,
        accrue,
    )
    source = plugin_source(options_map, run) if problems else {}
    errors = [make_error("FCT100", problem, source) for problem in problems]
    return config, errors


def read_literal(text: str) -> tuple[Any, dict[Any, list[Any]]]:
    """The config's value, a Python literal or else a JSON object, and the values of each
    key its dict gives more than once (the Fava extension's config is read so too).
    Raises as ``ast.literal_eval`` for a text that is neither (the reason is Python's)."""
    try:
        tree = ast.parse(text.lstrip(" \t"), mode="eval")
        return ast.literal_eval(tree), _repeated_keys(tree.body)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        read = _json(text)
        if read is None:
            raise
        return read


def _repeated_keys(node: ast.expr) -> dict[Any, list[Any]]:
    """The values of each key a dict display gives more than once (it is a literal)."""
    if not isinstance(node, ast.Dict):
        return {}
    values: dict[Any, list[Any]] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if key is not None:
            values.setdefault(ast.literal_eval(key), []).append(ast.literal_eval(value))
    return {key: found for key, found in values.items() if len(found) > 1}


def _json(text: str) -> tuple[dict[str, Any], dict[Any, list[Any]]] | None:
    """A JSON object's value and its keys given more than once; None for any other text."""
    values: dict[Any, list[Any]] = {}

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        for key, value in items:
            values.setdefault(key, []).append(value)
        return dict(items)

    try:
        read = json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    if not isinstance(read, dict):
        return None
    top = {key: found for key, found in values.items() if key in read and len(found) > 1}
    return read, top


def _written_twice(raw: dict[Any, Any], key: Any, values: list[Any]) -> str:
    """The problem of a key given twice; the key is dropped, to have its default."""
    raw.pop(key, None)
    shown = ", then ".join(repr(value) for value in values)
    return (
        f"Key {key!r} is written twice in the factoring plugin's config ({shown}): which "
        "is meant cannot be told, and the plugin uses its default until you delete the "
        "one you do not mean"
    )


def _unknown(key: Any) -> str:
    """The problem of a key the plugin does not know, with the one it is closest to."""
    message = f"Unknown key {key!r} in the factoring plugin's config{did_you_mean(key, KEYS)}"
    return f"{message}; the keys are {', '.join(KEYS)}"


def did_you_mean(key: Any, keys: tuple[str, ...]) -> str:
    """`` (did you mean 'as-of'?)`` for the one of ``keys`` an unknown key is closest to
    (``as_of``, ``asof``); empty when none is close."""
    close = difflib.get_close_matches(str(key).replace("_", "-"), keys, n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _tolerance(raw: dict[Any, Any], problems: list[str]) -> Decimal:
    """The ``tolerance`` (the default when left out or wrong)."""
    if "tolerance" not in raw:
        return DEFAULT_TOLERANCE
    try:
        tolerance = Decimal(str(raw["tolerance"]))
        # Bounded: a tolerance as large as an invoice would count an unpaid
        # invoice as paid, or match a deposit to any open item.
        if not tolerance.is_finite() or not 0 <= tolerance <= MAX_TOLERANCE:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(
            f"tolerance {raw['tolerance']!r} must be a number from 0 to "
            f"{MAX_TOLERANCE} like '0.01'"
        )
        return DEFAULT_TOLERANCE
    return tolerance


def _disabled(raw: dict[Any, Any], problems: list[str]) -> frozenset[str]:
    """The error codes of ``disable`` (a list, or one code), each a factoring code."""
    disabled: set[str] = set()
    codes = raw.get("disable", [])
    if isinstance(codes, str) or not isinstance(codes, (list, tuple, set, frozenset)):
        codes = [codes]
    for code in codes:
        if isinstance(code, str) and code in CODES:
            disabled.add(code)
        else:
            problems.append(
                f"Cannot disable {code!r}: not a factoring error code (see docs/errors.md)"
            )
    return frozenset(disabled)


def _bounds(raw: dict[Any, Any], problems: list[str]) -> dict[str, int]:
    """``max-candidates`` and ``max-subset``, each a whole number up to its limit."""
    bounds = {"max-candidates": MAX_CANDIDATES, "max-subset": MAX_SUBSET}
    for key, limit in (("max-candidates", 200), ("max-subset", 8)):
        if key in raw:
            value = raw[key]
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= limit:
                bounds[key] = value
            else:
                problems.append(f"{key} {value!r} must be a whole number from 0 to {limit}")
    return bounds


def _as_of(raw: dict[Any, Any], problems: list[str]) -> datetime.date | None:
    """The ``as-of`` date, or None (the last entry's date) when left out or wrong."""
    if "as-of" not in raw:
        return None
    try:
        return datetime.date.fromisoformat(str(raw["as-of"]))
    except ValueError:
        problems.append(f"as-of {raw['as-of']!r} must be a date like '2025-06-30'")
        return None


def _choices(raw: dict[Any, Any], problems: list[str]) -> tuple[str, str | None]:
    """``detail`` and ``accrue``, each one of its choices (the default when wrong)."""
    detail = raw.get("detail", "item")
    if detail not in DETAILS:
        problems.append(
            f"detail {detail!r} must be 'invoice' (a posting per invoice and part) or "
            "'item' (a posting per schedule or deposit and part)"
        )
        detail = "item"
    accrue = raw.get("accrue")
    if accrue is not None and accrue not in ACCRUE:
        problems.append(
            f"accrue {accrue!r} must be 'month' (post the time-based fees incurred at each "
            "month end) or be left out (fees expensed when the factor takes them)"
        )
        accrue = None
    return detail, accrue
