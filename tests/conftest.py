"""Shared fixtures: build a warehouse once per session, snapshot tables, copy the sample, serve the dashboard."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from app.pipeline import build
from app.warehouse import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
YANFENG = SAMPLE / "yanfeng-2023"
MAIN = ROOT / "app" / "dashboard" / "main.py"
CHROMIUM = "/usr/bin/chromium"  # Debian's chromium, driven by Playwright (executable_path)

# Modules by their time (`pytest --durations=0`, summed per module; bench/results/suite.md), longest first.
# This only orders the work on the two workers; nothing asserts a time.
LONGEST_MODULES_FIRST = [
    "test_spark",  # skipped without pyspark (the `spark` extra); minutes with it
    "test_workflow",
    "test_lint",
    "test_warehouse_integrity",
    "test_auth",
    "test_incremental",
    "test_ingest_foundation",
    "test_workflow_browser",
    "test_dashboard_frameworks",
    "test_report",
    "test_workflow_browser_roles",
    "test_reconciliation",
    "test_bad_inputs",
    "test_dashboard_browser",
    "test_scoring_worked_example",
    "test_sql_v2_pipeline",
]


def pytest_collection_modifyitems(config, items):
    """The suite runs on two workers (pytest-xdist, ``-n 2 --dist loadfile`` in pyproject.toml): each module
    runs whole, in file order, on one worker, so its module-scoped warehouses and servers are built once. The
    longest modules start first, so neither worker is left alone with a long one at the end
    (``--no-loadscope-reorder`` keeps this order instead of ordering modules by their number of tests)."""
    first = {name: rank for rank, name in enumerate(LONGEST_MODULES_FIRST)}
    items.sort(key=lambda it: first.get(it.module.__name__, len(first)))


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put ``sys.modules["__main__"]`` back after each test. A test that runs a page in-process can leave it
    pointing at the page's module; every process pool spawned later in this pytest process would then re-run
    that page in each child, which dies (BrokenProcessPool in ingest's parse pool and the generator's pool)."""
    main = sys.modules.get("__main__")
    yield
    if sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


@pytest.fixture(scope="session", autouse=True)
def _fast_apptest():
    """AppTest scans every installed package for Streamlit v2 components on each new instance (~2 s); we use none."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    mp = pytest.MonkeyPatch()
    mp.setattr(BidiComponentManager, "discover_and_register_components", lambda self, **kw: None)
    yield
    mp.undo()


def build_warehouse(warehouse: Path, *inputs: Path, **kw):
    """Run the real pipeline (ingest → dbt build → checks → swap) on `inputs`."""
    return build([(Path(p), None) for p in inputs], warehouse, **kw)


def snapshot(warehouse: Path, exclude_schemas=("audit",)) -> dict[str, list[tuple]]:
    """Every row of every table and view outside `exclude_schemas`, sorted: equal snapshots = equal data."""
    out: dict[str, list[tuple]] = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        tables = [
            (schema, table)
            for schema, table in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
            ).fetchall()
            if schema not in exclude_schemas
        ]
        for schema, table in sorted(tables):
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(rows, key=repr)
    return out


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def yanfeng_warehouse(tmp_path_factory) -> Path:
    """The worked example (雁峰区人社局 2023) built into a warehouse, once per test session."""
    wh = tmp_path_factory.mktemp("yanfeng") / "jixiao.duckdb"
    result = build_warehouse(wh, YANFENG)
    assert result.swapped and not result.refused, [str(i) for o in result.outcomes for i in o.issues]
    return wh


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the worked example's submission folder."""
    dst = tmp_path / "yanfeng-2023"
    shutil.copytree(YANFENG, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Served:
    """A dashboard server started by `serve_streamlit`: its base URL, process and output file."""

    url: str
    proc: subprocess.Popen
    log: Path

    def output(self) -> str:
        """Everything the server (or `jixiao app`) printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextlib.contextmanager
def serve_streamlit(
    cmd: list[str],
    port: int,
    env: dict[str, str],
    log: Path,
    *,
    https_context=None,
    new_session: bool = False,
    timeout: float = 60,
) -> Iterator[Served]:
    """Start `cmd` (``streamlit run …`` from serve.streamlit_command, or ``python -m app.cli app …``) in the
    repository with `env`, its output in the file `log`; yield once ``/_stcore/health`` on `port` answers
    ``ok``; stop it on exit (SIGTERM, SIGKILL after 30 s).

    `https_context`: an ``ssl.SSLContext`` — the health check goes over HTTPS to ``localhost`` with it (the
    URL is then ``https://localhost:<port>``), else plain HTTP to 127.0.0.1. `new_session`: the command
    starts its own process group and the whole group is stopped (``jixiao app`` runs Streamlit as a child).
    Fails the test with the end of the log when the server exits or does not answer within `timeout` s."""
    url = f"https://localhost:{port}" if https_context else f"http://127.0.0.1:{port}"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )

    def stop(sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig) if new_session else proc.send_signal(sig)

    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=5, context=https_context) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the dashboard did not start ({' '.join(cmd[:5])} …):\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.25)
        yield Served(url, proc, log)
    finally:
        stop(15)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            stop(9)
            proc.wait(30)
