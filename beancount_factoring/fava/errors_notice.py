"""The pages on a ledger with errors (FCT314): a notice above the figures, and a ``data``
endpoint that refuses unless ``ignore-errors``.

The rule is ``bean-factoring``'s (``reports.load_errors``): any error of the load may
make any figure wrong. A page is read by a person, who may be mid-edit (Fava reloads on
every save): it keeps its figures, under a notice at its top that says how many errors,
the first one's place (a link to Fava's editor) and message, a link to Fava's Errors
page, and which figures are affected; that is what ``--ignore-errors`` gives on the
command line, the report and a line saying what was let through. The ``data`` endpoint
is read by scripts, as the command line is: it refuses (409, FCT314, as it does for
FCT315) unless asked with ``ignore-errors=1``, and then gives the report with its
``errors``. A ledger Beancount could not read whole is refused even then, as the command
line refuses it (FCT310).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from beancount_factoring.errors import coded
from beancount_factoring.fava.content import Directory
from beancount_factoring.fava.view import ParameterError
from beancount_factoring.reports.load_errors import LedgerErrors

PARAMETER = "ignore-errors"
YES = ("", "1", "true", "yes")
NO = ("0", "false", "no")


@dataclass(frozen=True)
class Notice:
    """What a page's notice says (``_factoring.html``, ``ledger_errors``)."""

    count: int
    summary: str  # "FCT314 the ledger has 2 errors, so the figures on this page could be wrong"
    place: str  # the first error's file:line, relative to the ledger's folder ("" for none)
    editor: str  # Fava's editor at that line ("" for no place)
    message: str  # the first error's message, without a last full stop
    affects: str  # the page's figures it names
    errors_page: str  # Fava's Errors page


def notice(
    said: LedgerErrors, affects: str, directory: Directory, editor: str, errors_page: str
) -> Notice:
    """The notice of a page whose figures are ``affects``."""
    place = href = ""
    if said.first is not None:
        place = directory.where(said.first)
        if said.first.lineno:
            query = urllib.parse.urlencode(
                {"file_path": said.first.filename, "line": said.first.lineno},
                quote_via=urllib.parse.quote,
            )
            href = f"{editor}?{query}"
    return Notice(
        count=said.count,
        summary=coded("FCT314", said.summary("the figures on this page")),
        place=place,
        editor=href,
        message=said.message.rstrip(". "),
        affects=affects,
        errors_page=errors_page,
    )


def ignore_errors(args: Mapping[str, str]) -> bool:
    """Whether the request asks for the report despite the ledger's errors (400 if the
    value is neither a yes nor a no: a typo must not be read as either)."""
    if PARAMETER not in args:
        return False
    value = args.get(PARAMETER, "").strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    message = f"must be 1 (or true, yes) or 0 (or false, no), not {value[:20]!r}"
    raise ParameterError("FCT301", PARAMETER, message)


def errors_data(said: LedgerErrors | None) -> dict[str, Any] | None:
    """The ``errors`` of the endpoint's JSON: how many, and the first (None: no error)."""
    if said is None:
        return None
    source = said.place() or None
    return {"count": said.count, "first": {"source": source, "message": said.message}}


def refusal(said: LedgerErrors) -> str:
    """The endpoint's 409 message: FCT314, the first error, and what to do."""
    if said.unreadable:
        advice = (
            "part of the ledger could not be read, so no report is given even with "
            "ignore-errors, as bean-factoring gives none (FCT310): fix it (Fava's Errors "
            "page lists them all)"
        )
    else:
        advice = (
            "fix them (Fava's Errors page lists them all), or ask with ignore-errors=1 for "
            "the report all the same, as bean-factoring --ignore-errors gives it"
        )
    return coded("FCT314", f"{said.summary()}: {said.first_said()}; {advice}")
