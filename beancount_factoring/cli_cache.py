"""The reports ``bean-factoring`` printed, kept beside Beancount's pickle cache.

A ledger large enough for Beancount to cache (its load takes over a second)
is read back from ``.main.beancount.picklecache`` in a fraction of the time,
but the plugin's settlement is not in that cache (``settlement/history.py``
says why), so a report would settle the whole ledger again: two to three
times what ``bean-check`` costs on the cached ledger. The same report asked
again of the same ledger is therefore printed from this cache instead: the
folder ``.main.beancount.picklecache.factoring`` beside Beancount's file, a
JSON file per result.

What makes a result valid, all of it part of the key:

- the ledger's files, as Beancount checks them for its own cache (each
  included file's path, modification time in nanoseconds and size:
  ``options_map["input_hash"]``), and Beancount's cache file itself, which is
  rewritten whenever Beancount loads the sources again (its modification time
  and size): without that cache (``BEANCOUNT_DISABLE_LOAD_CACHE``, or a ledger
  too small for Beancount to cache) nothing is kept or read here;
- what the files hold (their contents, and the files the ``include`` globs match
  now): a cached load whose files changed in a way Beancount's check misses is
  loaded again (``stamp.sources_stamp``);
- the versions of this package and of Beancount, and the modification times of
  this package's modules, so that an upgrade or an edited module computes again;
- the command's arguments and the current folder (sources are shown relative
  to it).

A result that cannot be read, written or parsed is ignored: the report is
computed as if there were none. The ``KEPT`` results last asked are kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import beancount
from beancount import loader

from beancount_factoring import __version__
from beancount_factoring.stamp import SOURCES_KEY, STAMP_KEY, build_stamp, sources_stamp

# How many results one ledger's cache keeps (each a printed report, a few kB to a few MB).
KEPT = 32
SUFFIX = ".factoring"


def cache_path(ledger: str) -> Path | None:
    """The folder of ``ledger``'s results: beside Beancount's own cache, if it is in use."""
    pickled = pickle_path(ledger)
    return None if pickled is None else Path(str(pickled) + SUFFIX)


def pickle_path(ledger: str) -> Path | None:
    """Beancount's cache file of ``ledger``, if its cache is in use."""
    if os.getenv("BEANCOUNT_DISABLE_LOAD_CACHE"):
        return None
    pattern = os.getenv("BEANCOUNT_LOAD_CACHE_FILENAME") or loader.PICKLE_CACHE_FILENAME
    return Path(loader.get_cache_filename(pattern, ledger))


def stale_load(ledger: str, options_map: dict[str, Any]) -> bool:
    """True if a cached load is not this ledger's as this build would make it: another
    ledger's (a cache file name shared by several, ``BEANCOUNT_LOAD_CACHE_FILENAME``
    without ``{filename}``), or one whose plugin run was another build's (an upgrade:
    Beancount checks the ledger's files only)."""
    if pickle_path(ledger) is None:
        return False
    if options_map.get("filename") != os.path.abspath(ledger):
        return True
    stamp = options_map.get(STAMP_KEY)
    plugins = [name for name, _ in options_map.get("plugin", ())]
    # (A load the plugin ran in: its stamp, or its line for a load older than stamps.)
    ran = stamp is not None or "beancount_factoring.plugin" in plugins
    return ran and stamp != build_stamp()


def changed_sources(ledger: str, options_map: dict[str, Any]) -> bool:
    """True if the ledger's files no longer hold what the plugin's load read: what
    Beancount's cache check misses (a file edited to the same size with its old
    modification time put back, a new file an ``include`` glob matches)."""
    loaded = options_map.get(SOURCES_KEY)
    if pickle_path(ledger) is None or loaded is None:
        return False
    return loaded != sources_stamp(os.path.abspath(ledger), options_map.get("include") or ())


def drop_pickle(ledger: str) -> None:
    """Delete Beancount's cache file of ``ledger``, so that the next load makes it again."""
    pickled = pickle_path(ledger)
    if pickled is not None:
        with contextlib.suppress(OSError):
            pickled.unlink()


def key(folder: Path, options_map: dict[str, Any], argv: Sequence[str]) -> str | None:
    """The key of a result: None when Beancount's cache does not hold this load."""
    pickled = folder.with_name(folder.name[: -len(SUFFIX)])
    try:
        stat = pickled.stat()
    except OSError:
        return None
    if loader.needs_refresh(options_map):
        # The files changed since they were loaded: no result of this load is kept.
        return None
    digest = hashlib.sha256()
    parts = [
        __version__,
        beancount.__version__,
        build_stamp(),
        str(options_map.get("input_hash")),
        f"{stat.st_mtime_ns}:{stat.st_size}",
        os.getcwd(),
        *argv,
    ]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def read(folder: Path, wanted: str) -> tuple[str, str, int] | None:
    """The printed report, the text on stderr and the exit code kept under ``wanted``."""
    path = folder / f"{wanted}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        text, errors, code = kept["text"], kept["stderr"], kept["code"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(text, str) and isinstance(errors, str) and isinstance(code, int)):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # Asked again: the last to be dropped.
    return text, errors, code


def write(folder: Path, wanted: str, text: str, errors: str, code: int) -> None:
    """Keep a result, and the ``KEPT`` last asked; a cache that cannot be written is skipped."""
    content = json.dumps({"text": text, "stderr": errors, "code": code})
    try:
        folder.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    except OSError:
        return
    try:
        # Written whole, then renamed: a reader never sees half a file.
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(content)
        os.replace(temporary, folder / f"{wanted}.json")
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return
    _drop_old(folder)


def _drop_old(folder: Path) -> None:
    """Delete all but the ``KEPT`` results last written or read."""
    try:
        results = sorted(
            ((item.stat().st_mtime_ns, item) for item in folder.glob("*.json")), reverse=True
        )
        for _, item in results[KEPT:]:
            item.unlink()
    except OSError:
        return
