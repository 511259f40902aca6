"""Running dbt on a warehouse file, in-process (dbtRunner).

In-process saves dbt's import (~4–5 s) on every build after the first in a long-lived process (tests,
benchmarks). dbt-duckdb caches its DuckDB environment in a class attribute after `invoke` returns;
``_release_duckdb`` closes it, so no handle on the warehouse file outlives the build (a handle would
follow the file through the atomic swap and lock other processes out).
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.warehouse import DBT_PROJECT, build_dir

_DBT_LOCK = threading.Lock()  # dbtRunner is not re-entrant


@dataclass
class DbtResult:
    ok: bool
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)  # status -> nodes
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (node, status, message)
    log_file: Path | None = None


@contextmanager
def _env(overrides: dict[str, str]):
    saved = {k: os.environ.get(k) for k in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _release_duckdb() -> None:
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager as M

    with M._LOCK:
        if M._ENV is not None:
            try:
                M._ENV.close()
            finally:
                M._ENV = None


def dbt_paths(live_warehouse: Path) -> dict[str, str]:
    work_dir = build_dir(live_warehouse)
    return {
        "DBT_TARGET_PATH": str(work_dir / "dbt-target"),
        "DBT_LOG_PATH": str(work_dir / "dbt-logs"),
    }


def run_dbt(
    args: list[str], warehouse_file: Path, live_warehouse: Path, env: dict[str, str] | None = None
) -> DbtResult:
    """`dbt <args>` against `warehouse_file`; dbt's target/ and logs/ live in the build folder.
    `env`: more environment variables for the profile while dbt runs (the Spark target's JIXIAO_SPARK_DIR)."""
    from dbt.cli.main import dbtRunner

    # absolute: dbt resolves a relative target/log path from the project folder, the profile's from the cwd
    warehouse_file, live_warehouse = Path(warehouse_file).resolve(), Path(live_warehouse).resolve()
    paths = dbt_paths(live_warehouse)
    Path(paths["DBT_LOG_PATH"]).mkdir(parents=True, exist_ok=True)
    env = {
        "JIXIAO_WAREHOUSE": str(warehouse_file),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **paths,
        **(env or {}),
    }
    started = time.perf_counter()
    with _DBT_LOCK, _env(env):
        try:
            res = dbtRunner().invoke(
                [
                    *args,
                    "--project-dir",
                    str(DBT_PROJECT),
                    "--profiles-dir",
                    str(DBT_PROJECT),
                    "--log-level",
                    "none",
                    "--log-level-file",
                    "info",
                ]
            )
        finally:
            _release_duckdb()
    result = DbtResult(
        bool(res.success), time.perf_counter() - started, log_file=Path(paths["DBT_LOG_PATH"]) / "dbt.log"
    )
    for r in getattr(res.result, "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        result.counts[status] = result.counts.get(status, 0) + 1
        if status in ("error", "fail", "runtime error"):
            node = getattr(getattr(r, "node", None), "unique_id", "?")
            result.failures.append((node, status, (r.message or "").strip()[:800]))
    if not result.ok and not result.failures:
        result.failures.append(("dbt", "error", str(res.exception or "dbt 失败，详见日志")[:800]))
    return result


def dbt_build(warehouse_file: Path, live_warehouse: Path) -> DbtResult:
    """Seeds, models and data tests. Unit tests check the SQL, not the data: the test suite runs them
    (tests/test_dbt_unit_tests.py), a bureau's build does not pay for them on every submission."""
    return run_dbt(["build", "--exclude-resource-type", "unit_test"], warehouse_file, live_warehouse)
