"""Warm the dashboard's query cache when a new warehouse is swapped in (issue 18, item 5).

The cache (app/dashboard/data.py) is keyed by the warehouse file's version, so every build empties it in
effect: without warming, the first person to open 总览 after a build waits for its queries to run cold.
`start()` runs one daemon thread per server process (only when `jixiao app` / `jixiao demo` serve it:
$JIXIAO_WARM_CACHE=1, set by app/dashboard/serve.py; never in AppTest or a test's server, where a thread
polling whatever warehouse the environment names would hold read connections other tests then write) that
watches the live file's version and, when it
changes, runs the queries of 总览's default view (the first page a person sees: the default framework,
all regions, the latest year) — the same calls with the same arguments as app/dashboard/views/overview.py
and ui.sidebar, so the page then finds them in the cache.

The warmer reads the warehouse itself (the version outside any session's run scope), never a 地区 user's
extract, and shows nothing to anyone: its cache entries are keyed by the warehouse's version, which a 地区
user's runs never ask for (they key on their extract's version).

Not warmed: other pages and other selections (they are cached on first use, as before), and a 地区 user's
region extract (made and read per region on first use, app/auth/extract.py).
"""

from __future__ import annotations

import os
import threading
import time

from streamlit.logger import get_logger

from app.dashboard import data, ui

log = get_logger(__name__)  # Streamlit's logger: its level follows `--logger.level`

POLL_SECONDS = 2.0

_started = threading.Lock()
_thread: threading.Thread | None = None
warmed_versions: list[data.Version] = []  # newest last; read by tests and the log


def overview_default_view() -> int:
    """Run (through the cache) the queries 总览 runs for its default view; return how many were run.

    Raises data.WarehouseUnavailable when the warehouse is missing or cannot be opened now."""
    with data.run_scope():
        fws = data.frameworks()
        data.regions()
        years = data.years()
        if fws.empty or not years:
            return 3
        codes = fws.framework_code.tolist()
        framework = ui.DEFAULT_FRAMEWORK if ui.DEFAULT_FRAMEWORK in codes else codes[0]
        latest = [max(years)]
        data.department_scores(framework, None, latest)
        data.region_year_scores(framework, None, latest)
        data.region_year_grades(framework, None, latest)
        data.grades(framework)
        return 7


def enabled() -> bool:
    """Whether this process should warm the cache: served by `jixiao app` / `jixiao demo`."""
    return os.environ.get("JIXIAO_WARM_CACHE") == "1"


def warm_if_new(last: data.Version | None) -> data.Version | None:
    """Warm the cache if the live warehouse's version differs from `last`; return the version now seen."""
    version = data.current_version()  # outside a run scope: the warehouse
    if version is None or version == last:
        return version
    try:
        started = time.perf_counter()
        n = overview_default_view()
        log.info("warmed %d queries of 总览 for %s in %.2f s", n, version, time.perf_counter() - started)
        warmed_versions.append(version)
    except data.WarehouseUnavailable as e:  # mid-swap or locked: try again on the next poll
        log.info("cache not warmed (%s); retrying", e)
        return last
    return version


def _loop(poll: float) -> None:
    last = None
    while True:
        try:
            last = warm_if_new(last)
        except Exception:  # a warming failure must never take the server down: the page then runs cold
            log.exception("cache warming failed")
        time.sleep(poll)


def start(poll: float = POLL_SECONDS) -> threading.Thread:
    """Start the warming thread once per process (later calls return the running one)."""
    global _thread
    with _started:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, args=(poll,), name="jixiao-cache-warmer", daemon=True)
            _thread.start()
        return _thread
