"""The Fava extension's configuration: a dict literal after the module name.

    2025-01-01 custom "fava-extension" "beancount_factoring.fava"
    2025-01-01 custom "fava-extension" "beancount_factoring.fava" "{'aging-basis': 'due'}"

Keys (all optional):

``as-of``
    The date the reports are computed for when Fava has no time filter. By
    default the ledger's own: the plugin's ``as-of``, else the date of the
    last entry (the date bean-check judges the deadlines by, and the CLI's
    default). ``'today'`` or an ISO date such as ``'2025-03-31'`` replace it.
    With a time filter the as-of date is the filter's last day, or this date
    when that is earlier.
``aging-basis``
    ``'due'`` (the default: days past the invoice's ``due:`` date, else its date
    + 30 days; ``current`` is what is not yet due) or ``'invoice'`` (days since
    the invoice date). The aging page's ``basis`` parameter overrides it for one view.

The config is a Python dict literal or a JSON object (``null`` is a key left out),
read as the plugin's is (``ledger/config.py``). A config that is neither, names an
unknown key (the key it is closest to is named), gives a key twice (Python and JSON
keep the last without a word, so which is meant cannot be told) or has a bad value
is an FCT300 error on Fava's Errors page, and the pages fall back to the defaults.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from beancount_factoring.errors import FAVA_CODES, coded
from beancount_factoring.ledger.config import did_you_mean, not_literal_reason, read_literal

AGING_BASES = ("invoice", "due")
KEYS = ("as-of", "aging-basis")


class ConfigError(ValueError):
    """A bad extension config: its code (FAVA_CODES), then what is wrong and how to fix it."""

    def __init__(self, code: str, message: str) -> None:
        assert code in FAVA_CODES, code
        super().__init__(coded(code, message))
        self.code = code
        self.detail = message


@dataclass(frozen=True)
class PageConfig:
    """The parsed config: ``as_of`` None and not ``as_of_today`` is the ledger's date."""

    as_of: datetime.date | None = None
    as_of_today: bool = False
    aging_basis: str = "due"


def parse_config(text: str | None) -> PageConfig:
    """Parse and validate the config string of the ``fava-extension`` line.

    Args:
        text: The second value of the ``custom "fava-extension"`` directive, or None.

    Returns:
        The config.

    Raises:
        ConfigError: The config is not a dict literal or has a bad key or value.
    """
    if text is None or not text.strip():
        return PageConfig()
    try:
        value, twice = read_literal(text)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError) as error:
        raise ConfigError(
            "FCT300",
            f"the config {text!r} is not a Python dict literal "
            f"({not_literal_reason(text, error)}); "
            "write it like \"{'as-of': '2025-03-31', 'aging-basis': 'due'}\"",
        ) from None
    if not isinstance(value, dict):
        raise ConfigError(
            "FCT300", f"the config {text!r} must be a dict, not a {type(value).__name__}"
        )
    for key, values in twice.items():
        shown = ", then ".join(repr(one) for one in values)
        raise ConfigError(
            "FCT300",
            f"key {key!r} is written twice ({shown}): which is meant cannot be told; "
            "delete the one you do not mean",
        )
    unknown = [key for key in value if key not in KEYS]
    if unknown:
        raise ConfigError(
            "FCT300",
            f"unknown key {unknown[0]!r} in the config{did_you_mean(unknown[0], KEYS)}; "
            f"the keys are {', '.join(KEYS)}",
        )
    as_of = value.get("as-of")
    return PageConfig(
        as_of=None if as_of in (None, "today") else _as_of(as_of),
        as_of_today=as_of == "today",
        aging_basis=_aging_basis(value.get("aging-basis", "due")),
    )


def _as_of(value: Any) -> datetime.date:
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise ConfigError(
        "FCT300", f"'as-of' must be 'today' or a date like '2025-03-31', not {value!r}"
    )


def _aging_basis(value: Any) -> str:
    if value not in AGING_BASES:
        raise ConfigError("FCT300", f"'aging-basis' must be 'invoice' or 'due', not {value!r}")
    return str(value)
