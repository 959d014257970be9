"""The four Fava pages: Reserve, Aging, Cost, Reconciliation.

Each is a ``FavaExtensionBase`` with a ``report_title`` (a link in Fava's
sidebar), a template ``templates/<Class>.html`` and the shared script
``FactoringReserve.js``. They only read: the page itself and one ``data``
endpoint (the report as JSON, the same as ``bean-factoring ... --format json``)
answer GET and HEAD; any other method on the endpoint is 405 Method Not Allowed,
and Flask answers 405 for the page. On a ledger with errors each page says so above
its figures, and the endpoint refuses unless asked with ``ignore-errors=1``
(``errors_notice``). The base class lives here, out of the
package's namespace, because Fava registers every extension class it finds
in the module named on the ``fava-extension`` line.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable
from typing import Any, ClassVar

import flask
from beancount.core.data import Transaction
from fava.ext import FavaExtensionBase, extension_endpoint
from werkzeug.exceptions import BadRequest, MethodNotAllowed

from beancount_factoring.fava import (
    aging_page,
    content,
    cost_page,
    errors_notice,
    paging,
    reconcile_page,
    reserve_page,
)
from beancount_factoring.fava.blocks import Page
from beancount_factoring.fava.state import LedgerState
from beancount_factoring.fava.view import DEFAULT_INTERVAL, View, parse_view
from beancount_factoring.reports import ReportBook
from beancount_factoring.reports.load_errors import LedgerErrors

# Fava's decorator is typed for its own classes only.
endpoint: Any = extension_endpoint

# The pages in the order of the tabs on each page: (class name, tab label).
TABS = (
    ("FactoringReserve", "Reserve"),
    ("FactoringAging", "Aging"),
    ("FactoringCost", "Cost"),
    ("FactoringReconciliation", "Reconciliation"),
)


class FactoringPage(FavaExtensionBase):
    """What the four pages have in common."""

    has_js_module = True
    tabs: ClassVar[tuple[tuple[str, str], ...]] = TABS
    # The page's figures a ledger error may make wrong, as its notice names them.
    affects: ClassVar[str] = ""

    def __init__(self, ledger: Any, config: str | None = None) -> None:
        # Fava would ``ast.literal_eval`` the config itself, and a config that
        # parses but is no literal would then stop the whole ledger from
        # loading; ``state`` reads and checks it on every load instead.
        super().__init__(ledger, None)
        self._state: LedgerState | None = None

    @property
    def state(self) -> LedgerState:
        """The state the four pages of this ledger share (made by the first that asks)."""
        if self._state is None:
            for name, _ in TABS:
                other = self.ledger.extensions.get_extension(name)
                if isinstance(other, FactoringPage) and other._state is not None:
                    self._state = other._state
                    break
            else:
                self._state = LedgerState(self.ledger)
        return self._state

    def after_load_file(self) -> None:
        # The reports are read with the load, not on the first request after it, and
        # the page for the default view is made in the background.
        state = self.state
        state.load()
        if state.plugin_error is not None:
            return  # The pages show the error, not figures (see ``data`` too).
        try:
            view = self._default_view()
        except Exception:  # noqa: BLE001 - the page's request shows it.
            return
        state.warm((self.name, view), lambda: self.build(state, view))
        offset, limit = paging.page_bounds({})
        state.warm(
            ("data", self.name, view, offset, limit),
            lambda: self._data_json(state, view, offset, limit),
        )

    def _default_view(self) -> View:
        """The view of a request without parameters (the page as the sidebar opens it)."""
        state = self.state
        last = state.derived("last-transaction", self._last_transaction)
        return parse_view({}, self.ledger, state.config, state.book, datetime.date.today(), last)

    def view(self) -> View:
        """This request's parameters, checked (400 Bad Request if not valid)."""
        state = self.state
        last = state.derived("last-transaction", self._last_transaction)
        return parse_view(
            flask.request.args,
            self.ledger,
            state.config,
            state.book,
            datetime.date.today(),
            last,
        )

    def _last_transaction(self) -> datetime.date | None:
        """The date of the ledger's last transaction (entries are in date order)."""
        for entry in reversed(self.ledger.all_entries):
            if isinstance(entry, Transaction):
                return entry.date
        return None

    def page(self) -> Page:
        """What the page shows for this request, made once per load and parameters.

        A bad parameter is a 400 whose body is the message as plain text: Fava's
        in-page navigation shows the body of a failed page as text, so it reads
        ``HTTP 400 - time: FCT301 ...``, not the markup of an HTML error page.
        """
        state = self.state
        try:
            view = self.view()
        except BadRequest as error:
            text = f"{error.description}\n"
            response = flask.Response(text, status=400, mimetype="text/plain")
            response.headers["X-Content-Type-Options"] = "nosniff"
            error.response = response  # what werkzeug answers for it
            raise
        return state.cached((self.name, view), lambda: self.build(state, view))

    def build(self, state: LedgerState, view: View) -> Page:
        raise NotImplementedError

    def report(self, book: ReportBook, view: View) -> Any:
        raise NotImplementedError

    def directory(self) -> content.Directory:
        state = self.state
        return state.derived(
            "directory",
            lambda: content.directory_of(
                state.book, self.ledger.beancount_file_path, self._format_number
            ),
        )

    def _format_number(self, value: Any) -> str:
        """A number as Fava's tables write it: its locale, two decimals."""
        text: str = self.ledger.format_decimal(value)
        return text

    # The template's helpers ------------------------------------------------------------

    def editor_url(self) -> str:
        """Fava's editor (the page adds ``?file_path=...&line=N``), as its Errors page links."""
        return _report_url("editor")

    @property
    def ledger_errors(self) -> LedgerErrors | None:
        """The load's errors, by bean-factoring's rule (FCT314); None for none."""
        return self.state.ledger_errors

    def ledger_notice(self) -> errors_notice.Notice | None:
        """What the notice at the top of the page says, when the ledger has errors."""
        said = self.ledger_errors
        if said is None:
            return None
        return errors_notice.notice(
            said, self.affects, self.directory(), self.editor_url(), _report_url("errors")
        )

    def ledger_dir(self) -> str:
        """The directory of the ledger's main file (the pages show paths relative to it)."""
        return self.directory().ledger_dir

    @property
    def config_error(self) -> str | None:
        return self.state.config_error

    @property
    def plugin_error(self) -> str | None:
        """Why the factoring plugin did not run in this load: the page shows only that."""
        return self.state.plugin_error

    def journal_url(self) -> str:
        """Fava's journal, without the current filters (the page adds ``?filter=^INV``)."""
        return _report_url("journal")

    def factors(self) -> tuple[str, ...]:
        return self.state.book.factors

    # The endpoints ---------------------------------------------------------------------

    @endpoint("data", ["GET", "HEAD"])
    def data(self) -> flask.Response:
        """The report for this request's parameters, as JSON, with the ledger's
        ``errors`` (null for none); a bad parameter is a 400 whose JSON says which
        (``{"error": "time: ..."}``); a ledger the plugin did not run in (FCT315) or one
        with errors (FCT314, unless ``ignore-errors=1``: ``errors_notice``) is a 409."""
        if self.plugin_error is not None:
            # Figures from books the plugin never checked would look as good as any.
            return _json(json.dumps({"error": self.plugin_error}), 409)
        try:
            # (Fava's interval shapes the pages' charts alone: one JSON for every one.)
            view = dataclasses.replace(self.view(), interval=DEFAULT_INTERVAL)
            offset, limit = paging.page_bounds(flask.request.args)
            paging.check_whole(view)
            ignore = errors_notice.ignore_errors(flask.request.args)
        except BadRequest as error:
            return _json(json.dumps({"error": error.description}), 400)
        said = self.ledger_errors
        if said is not None and (said.unreadable or not ignore):
            # As bean-factoring refuses it (FCT314): a script would take the figures for
            # good ones.
            refused = {
                "error": errors_notice.refusal(said),
                "errors": errors_notice.errors_data(said),
            }
            return _json(json.dumps(refused), 409)
        # Each request sends one page of the report's long lists (at 100k invoices
        # the whole report is tens of megabytes); a page's JSON is kept for the load.
        state = self.state
        key = ("data", self.name, view, offset, limit)
        return _json(state.cached(key, lambda: self._data_json(state, view, offset, limit)))

    def _data_json(self, state: LedgerState, view: View, offset: int, limit: int) -> str:
        """One page of the report as JSON text."""
        data = paging.page_of(self.report(state.book, view), offset, limit)
        data["errors"] = errors_notice.errors_data(state.ledger_errors)
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @endpoint("data", ["POST", "PUT", "PATCH", "DELETE"])
    def data_write(self) -> flask.Response:
        """The pages only read."""
        raise MethodNotAllowed(valid_methods=["GET", "HEAD"])


def _report_url(name: str) -> str:
    """One of Fava's own pages of this ledger, without the current filters."""
    return flask.url_for(
        "report",
        bfile=flask.g.beancount_file_slug,
        report_name=name,
        time=None,
        account=None,
        filter=None,
        conversion=None,
        interval=None,
    )


def _json(text: str, status: int = 200) -> flask.Response:
    response = flask.Response(text, status=status, mimetype="application/json")
    # A browser must not take the JSON, which holds the ledger's strings as they are,
    # for HTML.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


class FactoringReserve(FactoringPage):
    """Reserve held per factor, over time, and per invoice."""

    report_title = "Factoring: Reserve"
    affects = "the reserve held, owed now and due back"

    def build(self, state: LedgerState, view: View) -> Page:
        return reserve_page.reserve_page(state.book, view, self.directory())

    def report(self, book: ReportBook, view: View) -> Any:
        return book.reserve(as_of=view.as_of, factor=view.factor)


class FactoringAging(FactoringPage):
    """Receivables per customer and age, ours apart from the factors'."""

    report_title = "Factoring: Aging"
    affects = "what is overdue and the receivables we and the factors hold"

    def build(self, state: LedgerState, view: View) -> Page:
        return aging_page.aging_page(state.book, view, self.directory())

    def report(self, book: ReportBook, view: View) -> Any:
        return book.aging(as_of=view.as_of, factor=view.factor, basis=view.basis)


class FactoringCost(FactoringPage):
    """Fees by factor, customer and month; days to pay; the effective annual rate."""

    report_title = "Factoring: Cost"
    affects = "the fees, the annual rates and the comparison with offers"

    def build(self, state: LedgerState, view: View) -> Page:
        return cost_page.cost_page(state.book, view, self.directory())

    def report(self, book: ReportBook, view: View) -> Any:
        return book.cost(as_of=view.as_of, factor=view.factor, start=view.start)


class FactoringReconciliation(FactoringPage):
    """Open items of the clearing accounts, unallocated lump sums, disagreements."""

    report_title = "Factoring: Reconciliation"
    affects = "the clearing residue, what explains it and what needs attention"

    def build(self, state: LedgerState, view: View) -> Page:
        history = state.derived("clearing-history", self._clearing_history(state))
        return reconcile_page.reconcile_page(state.book, view, self.directory(), history)

    def _clearing_history(self, state: LedgerState) -> Callable[[], Any]:
        def make() -> Any:
            # Every account of a factor: the clearing accounts are among them.
            accounts = frozenset(state.book.facts.factor_of_account)
            return content.clearing_history(self.ledger.all_entries, accounts)

        return make

    def report(self, book: ReportBook, view: View) -> Any:
        return book.reconcile(as_of=view.as_of, factor=view.factor)
