"""What the four pages share for one Fava ledger: the config, the reports, a page cache.

Fava makes one instance of each page class per ledger and keeps it across
reloads. The four instances share one ``LedgerState`` (``pages.FactoringPage.state``). It is
keyed on the ledger's load: every (re)load gives Fava a new ``all_entries``
list, ``after_load_file`` calls ``load``, which drops whatever was computed from
the previous load and reads the reports' facts (``ReportBook``) at once, with the
load rather than on the first request after it; each page's content is kept for the
parameters it was asked with, so a request for a page already shown costs a
dictionary lookup and the template. Right after a load, each page's content for
the default view (no filter) is made in the background (``warm``), so the first
request of a page finds it made, while Fava answers other requests.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fava.core import FavaLedger
from fava.ext import FavaExtensionError

from beancount_factoring.cli_cache import stale_load
from beancount_factoring.errors import coded
from beancount_factoring.fava.config import ConfigError, PageConfig, parse_config
from beancount_factoring.reports import ReportBook, compute
from beancount_factoring.reports.load_errors import LedgerErrors, ledger_errors
from beancount_factoring.reports.plugin_run import plugin_not_run

MODULE = "beancount_factoring.fava"
CACHE_SIZE = 64
T = TypeVar("T")


STALE_CACHE = (
    "Beancount read this ledger from its cache, made when another version of "
    "beancount-factoring checked it (an upgrade): the figures may be the old plugin's. "
    "Delete the .picklecache file beside the ledger (or run bean-factoring once) and "
    "reload the page"
)


class LedgerState:
    """The config and the computed reports of one load of one ledger."""

    def __init__(self, ledger: FavaLedger) -> None:
        self.ledger = ledger
        self._lock = threading.RLock()
        self._entries: object = None
        self.config = PageConfig()
        self.config_error: str | None = None
        # Why the factoring plugin did not run in this load (the pages then show no figures).
        self.plugin_error: str | None = None
        # The load's errors, by bean-factoring's rule (FCT314): the pages say them above
        # their figures, and the data endpoint refuses unless ignore-errors.
        self.ledger_errors: LedgerErrors | None = None
        self._book: ReportBook | None = None
        self._pages: OrderedDict[Hashable, Any] = OrderedDict()
        self._derived: dict[Hashable, Any] = {}
        # Page contents to make in the background: (the load, key, how to make it).
        self._to_warm: list[tuple[object, Hashable, Callable[[], Any]]] = []
        self._warmer: threading.Thread | None = None
        # This load's errors for Fava's Errors page, and the list they were put on.
        self._said: list[FavaExtensionError] = []
        self._told: list[FavaExtensionError] | None = None

    def refresh(self) -> None:
        """Forget the previous load; read the config again; report a bad one.

        Called by each page's ``after_load_file``: the first call after a load
        does the work, the others see the same ``all_entries`` and return.
        """
        with self._lock:
            if self._entries is self.ledger.all_entries:
                self._tell()
                return
            self._entries = self.ledger.all_entries
            self._book = None
            self._pages.clear()
            self._derived.clear()
            self.config, self.config_error, entry = _read_config(self.ledger)
            said: list[FavaExtensionError] = []
            options: Any = self.ledger.options
            if stale_load(self.ledger.beancount_file_path, options):
                # Beancount read its cache, made by another build's plugin (an upgrade):
                # the figures would be the old plugin's, so the Errors page says so.
                said.append(FavaExtensionError(None, STALE_CACHE, None))
            self.plugin_error, not_run = _plugin_error(self.ledger)
            entries: Any = self.ledger.all_entries
            self.ledger_errors = ledger_errors(list(self.ledger.load_errors), entries)
            said.extend(not_run)
            if self.config_error is not None:
                # Fava shows this list on its Errors page; the ledger itself loads as usual.
                meta = entry.meta if entry is not None else None
                said.append(FavaExtensionError(meta, self.config_error, entry))
            self._said, self._told = said, None
            self._tell()

    def _tell(self) -> None:
        """Put this load's errors on Fava's list, once. Fava empties the list during a
        reload, after it has read the new entries: a request answered in between (from
        another thread) took the load, and its errors must be put on the new list."""
        errors = self.ledger.extensions.errors
        if self._told is not errors:
            errors.extend(self._said)
            self._told = errors

    def load(self) -> None:
        """Take a new load: read the config, then the reports' facts, at once.

        Fava calls this right after it (re)loads the ledger (``after_load_file``), so
        the first page request after a load finds the reports ready.
        """
        with self._lock:
            self.refresh()
            if self.plugin_error is not None:
                return  # No page shows figures of this load.
            try:
                _ = self.book
            except Exception:  # noqa: BLE001 - a page request shows it, as before.
                self._book = None

    @property
    def book(self) -> ReportBook:
        """The reports of this load, computed on first use."""
        with self._lock:
            self.refresh()
            if self._book is None:
                ledger = self.ledger
                entries: Any = list(ledger.all_entries)
                options: Any = ledger.options
                self._book = compute(entries, options, list(ledger.load_errors))
            return self._book

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """A value all pages use, made once per load (kept until the next load)."""
        with self._lock:
            self.refresh()
            if key not in self._derived:
                self._derived[key] = make()
            value: T = self._derived[key]
            return value

    def cached(self, key: Hashable, make: Callable[[], T]) -> T:
        """A page's content for ``key``, made once per load; the last CACHE_SIZE are kept."""
        with self._lock:
            self.refresh()
            if key in self._pages:
                self._pages.move_to_end(key)
                value: T = self._pages[key]
                return value
            value = make()
            self._keep(key, value)
            return value

    def _keep(self, key: Hashable, value: Any) -> None:
        self._pages[key] = value
        while len(self._pages) > CACHE_SIZE:
            self._pages.popitem(last=False)

    def warm(self, key: Hashable, make: Callable[[], Any]) -> None:
        """Make a page's content for ``key`` in the background, for this load.

        One thread per ledger makes them in turn; a request for a content being
        made waits for it (the lock) rather than making it twice. A later load
        drops what is left; a failure is left for the request to show.
        """
        with self._lock:
            self._to_warm.append((self._entries, key, make))
            if self._warmer is None:
                self._warmer = threading.Thread(
                    target=self._warm_all, name="factoring-pages", daemon=True
                )
                self._warmer.start()

    def _warm_all(self) -> None:
        while True:
            with self._lock:
                if not self._to_warm:
                    self._warmer = None
                    return
                load, key, make = self._to_warm.pop(0)
                if load is not self.ledger.all_entries or key in self._pages:
                    continue
                try:
                    value = make()
                except Exception:  # noqa: BLE001 - the page's request shows it.
                    continue
                if load is self.ledger.all_entries:
                    self._keep(key, value)

    def wait_warm(self, timeout: float | None = None) -> None:
        """Wait until the background contents are made (for tests and benchmarks)."""
        thread = self._warmer
        if thread is not None:
            thread.join(timeout)


def _plugin_error(ledger: FavaLedger) -> tuple[str | None, list[FavaExtensionError]]:
    """Why the factoring plugin did not run in this load, and the error that says it on
    Fava's Errors page too."""
    options: Any = ledger.options
    not_run = plugin_not_run(options)
    if not_run is None:
        return None, []
    message = coded(
        "FCT315",
        f"{not_run.message}. The factoring pages show no figures until the plugin runs.",
    )
    place: dict[str, Any] = {"filename": not_run.filename, "lineno": not_run.lineno}
    return message, [FavaExtensionError(place, message, None)]


def _read_config(ledger: FavaLedger) -> tuple[PageConfig, str | None, Any]:
    """The config of this module's ``fava-extension`` line, or the defaults and an error."""
    entry = None
    for custom in ledger.all_entries_by_type.Custom:
        if custom.type == "fava-extension" and custom.values and custom.values[0].value == MODULE:
            entry = custom
            break
    text = None
    if entry is not None and len(entry.values) > 1:
        raw = entry.values[1].value
        text = raw if isinstance(raw, str) else repr(raw)
    try:
        return parse_config(text), None, entry
    except ConfigError as error:
        # The code leads, as in the plugin's errors: Fava shows the line apart.
        message = (
            f"{error.code} bad extension config for {MODULE}: {error.detail}. "
            "The factoring pages use the defaults until it is fixed."
        )
        return PageConfig(), message, entry
