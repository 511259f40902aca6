"""Running dbt on a warehouse file, in-process (dbtRunner).

In-process saves dbt's import (~4–5 s) on every build after the first in a long-lived process (tests,
benchmarks, the dashboard's jobs run one build per process). The parsed project is kept too
(``_parsed_manifest``): dbt's own partial parsing is keyed on the profile, which holds the warehouse's
path, so every new warehouse folder would otherwise cost a full parse of the project (~5–10 s).
dbt-duckdb caches its DuckDB environment in a class attribute after `invoke` returns;
``_release_duckdb`` closes it, so no handle on the warehouse file outlives the build (a handle would
follow the file through the atomic swap and lock other processes out).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from app.warehouse import DBT_PROJECT, build_dir

_DBT_LOCK = threading.Lock()  # dbtRunner is not re-entrant
# what dbt parses: the project file, the profile, macros, tests, and the model and seed folders it names
_PARSED_PATHS = (
    "dbt_project/dbt_project.yml",
    "dbt_project/profiles.yml",
    "dbt_project/macros",
    "dbt_project/tests",
    "dbt_project/analyses",
    "models",
    "seeds",
)
_MANIFESTS: dict[tuple[str, str], object] = {}  # (project fingerprint, database name) -> dbt Manifest


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


def project_fingerprint(root: Path = DBT_PROJECT.parent) -> str:
    """A hash (32 hex digits) of the names and contents of every file dbt parses under `root` (the
    repository: `dbt_project/`, `models/`, `seeds/`): a parsed manifest is reused only while it is the same."""
    h = hashlib.blake2b(digest_size=16)
    for rel in _PARSED_PATHS:
        base = root / rel
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for f in files:
            if f.exists():
                h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _reusable(args: list[str]) -> bool:
    # another target or --vars changes what parsing renders: those invocations parse for themselves
    return not any(a in ("--target", "-t", "--vars", "--profile") for a in args)


def _parsed_manifest(common: list[str], database: str):
    """The project parsed for a warehouse whose DuckDB database is named `database` (the file's stem: dbt
    writes it into every node), from this process's cache or by one `dbt parse` (which also writes
    manifest.json and dbt's partial-parse file into the build folder). None if parsing failed: the caller
    then runs dbt as is and reports dbt's own error."""
    from dbt.cli.main import dbtRunner

    key = (project_fingerprint(), database)
    if key not in _MANIFESTS:
        res = dbtRunner().invoke(["parse", *common])
        if not res.success or res.result is None:
            return None
        for stale in [k for k in _MANIFESTS if k[0] != key[0]]:  # the project was edited since
            del _MANIFESTS[stale]
        _MANIFESTS[key] = res.result
    return _MANIFESTS[key]


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
            common = [
                "--project-dir",
                str(DBT_PROJECT),
                "--profiles-dir",
                str(DBT_PROJECT),
                "--log-level",
                "none",
                "--log-level-file",
                "info",
            ]
            manifest = _parsed_manifest(common, warehouse_file.stem) if _reusable(args) else None
            res = dbtRunner(manifest=manifest).invoke([*args, *common])
        finally:
            _release_duckdb()
    if isinstance(res.exception, KeyboardInterrupt):  # dbt catches Ctrl-C and stops: so does the build
        raise KeyboardInterrupt
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
