"""Region extracts: what a 地区 user's dashboard and SQL page read instead of the warehouse.

A region user must not be able to see another region's rows by any query, so her session never opens
the warehouse at all. It reads a separate DuckDB file holding only the ``marts`` and ``audit`` tables,
each filtered by the rule in ``RULES``:

* ``dept``: rows whose ``dept_code`` belongs to one of her regions (``marts.dim_department``);
* ``region``: rows whose ``region_code`` is one of her regions (the all-regions aggregates, computed over
  every region, are left out);
* ``global``: copied whole: framework definitions, labels, check catalogue, check-run counts (no
  department's data);
* ``withheld``: the table is created empty: audit rows that quote any region's data or file paths.

A table that is not in ``RULES`` is created **empty** (deny by default), and ``tests/test_auth.py`` fails
until it is classified. The other schemas (raw, staging, intermediate, seeds) are not copied.

The extract is named after the warehouse version (inode, mtime) and the region set, so a new build gives
a new extract; it is written by a separate process (``python -m app.auth.extract``: no DuckDB instance of
the warehouse is shared with the dashboard's process) into ``.region-extracts/`` beside the warehouse,
to a temporary name first and then renamed (``os.replace``). Extracts of older warehouse versions are
removed once they are PRUNE_AFTER seconds old (a run still reading one has it open: unlinking is safe).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from app import warehouse as W
from app.errors import EXIT_FAILED, JixiaoError

SCHEMAS = ("marts", "audit")
DEPT, REGION, GLOBAL, WITHHELD = "dept", "region", "global", "withheld"
RULES: dict[str, str] = {
    # marts: departments' data, by dept_code
    "marts.dim_department": DEPT,
    "marts.dim_department_year": DEPT,
    "marts.fct_budget_execution": DEPT,
    "marts.fct_budget_execution_summary": DEPT,
    "marts.fct_budget_ledger_lines": DEPT,
    "marts.fct_department_score_history": DEPT,
    "marts.fct_department_scores": DEPT,
    "marts.fct_department_year_finance": DEPT,
    "marts.fct_indicator_scores": DEPT,
    "marts.fct_indicator_values": DEPT,
    "marts.fct_level1_scores": DEPT,
    "marts.fct_level2_scores": DEPT,
    "marts.fct_project_scores": DEPT,
    "marts.fct_reconciliation_findings": DEPT,
    "marts.fct_reported_totals": DEPT,
    "marts.fct_staffing_items": DEPT,
    "marts.fct_three_public_items": DEPT,
    "marts.fct_department_profile": DEPT,
    "marts.fct_evaluation_items": DEPT,
    "marts.fct_survey_results": DEPT,
    "marts.fct_submission_coverage": DEPT,
    # marts: aggregates per region (and over all regions, left out)
    "marts.fct_region_year_budget": REGION,
    "marts.fct_region_year_grades": REGION,
    "marts.fct_region_year_indicator_values": REGION,
    "marts.fct_region_year_letters": REGION,
    "marts.fct_region_year_scores": REGION,
    # marts: definitions, no department's data
    "marts.dim_framework": GLOBAL,
    "marts.dim_framework_grade": GLOBAL,
    "marts.dim_framework_indicator": GLOBAL,
    "marts.dim_framework_level": GLOBAL,
    "marts.dim_framework_rule_part": GLOBAL,
    "marts.dim_label": GLOBAL,
    "marts.dim_reconciliation_check": GLOBAL,
    # audit
    "audit.check_runs": GLOBAL,  # per suite: passed / evaluated counts, no values
    "audit.check_results": WITHHELD,  # observed values and details may quote any region's rows
    "audit.ingest_runs": WITHHELD,
    "audit.ingest_rejects": WITHHELD,  # file names of every region's submissions
    "audit.submissions": WITHHELD,  # every submission's id and source path
    "audit.finding_acks": DEPT,  # acknowledgements of her departments' findings (who, when, why)
    "audit.operations": WITHHELD,  # uploads, scores, batches of every region, by whom
    "audit.build_state": WITHHELD,  # how the last build ran (app/incremental.py): the bureau's
    "audit.build_digest": WITHHELD,  # row counts and checksums of every department's raw rows
}
# columns that hold a server path: NULL in the extract (the SQL page would show them to a region user)
PATH_COLUMNS: dict[str, tuple[str, ...]] = {"audit.check_runs": ("docs_dir",)}
EXTRACT_DIR = ".region-extracts"
PRUNE_AFTER = 3600.0  # seconds an extract of an older warehouse version is kept for runs still reading it
BUILD_TIMEOUT = 300.0
_lock = threading.Lock()


class ExtractFailed(JixiaoError):
    """The region extract could not be made (disk full, warehouse unreadable…). Message in Chinese."""

    exit_code = EXIT_FAILED


def extract_dir(warehouse: Path) -> Path:
    return warehouse.parent / EXTRACT_DIR


def extract_path(warehouse: Path, regions: tuple[str, ...] | list[str]) -> Path:
    """The extract's file for this warehouse version and region set (it may not exist yet).
    Raises FileNotFoundError if the warehouse does not exist."""
    ino, mtime = W.warehouse_version(warehouse)
    key = hashlib.sha256("\n".join(sorted(set(regions))).encode("utf-8")).hexdigest()[:16]
    return extract_dir(warehouse) / f"{warehouse.stem}.{ino}-{mtime}.{key}.duckdb"


def ensure_extract(warehouse: Path, regions: tuple[str, ...] | list[str]) -> Path:
    """The region extract of the live warehouse for `regions`, made now if it does not exist yet.
    Returns its path. Raises ExtractFailed (Chinese message) if the worker fails, FileNotFoundError if the
    warehouse does not exist."""
    regions = tuple(sorted(set(regions)))
    if not regions:
        raise ExtractFailed("地区用户没有任何区划，不能生成数据")
    with _lock:
        for _ in range(3):  # a build may swap the warehouse while we copy: then copy the new one
            out = extract_path(warehouse, regions)
            if out.exists():
                return out
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
            tmp.unlink(missing_ok=True)
            cmd = [sys.executable, "-m", "app.auth.extract", str(warehouse), str(tmp), *regions]
            root = Path(__file__).resolve().parents[2]
            env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
            try:
                proc = subprocess.run(cmd, capture_output=True, timeout=BUILD_TIMEOUT, cwd=root, env=env)
            except subprocess.TimeoutExpired:
                tmp.unlink(missing_ok=True)
                raise ExtractFailed("生成地区数据超时") from None
            if proc.returncode != 0:
                tmp.unlink(missing_ok=True)
                raise ExtractFailed("生成地区数据失败：" + _last_line(proc.stderr))
            if extract_path(warehouse, regions) != out:  # swapped during the copy: the copy may mix versions
                tmp.unlink(missing_ok=True)
                continue
            os.replace(tmp, out)
            _prune(warehouse, keep=out)
            return out
    raise ExtractFailed("仓库在生成地区数据时连续被替换，请稍后刷新")


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:300] if lines else "未知错误"


def _prune(warehouse: Path, keep: Path) -> None:
    """Remove extracts of older warehouse versions made more than PRUNE_AFTER seconds ago."""
    ino, mtime = W.warehouse_version(warehouse)
    current = f"{warehouse.stem}.{ino}-{mtime}."
    now = time.time()
    for p in extract_dir(warehouse).glob(f"{warehouse.stem}.*.duckdb"):
        if p == keep or p.name.startswith(current):
            continue
        try:
            if now - p.stat().st_mtime > PRUNE_AFTER:
                p.unlink()
        except OSError:
            pass


def write_extract(warehouse: Path, out: Path, regions: tuple[str, ...]) -> dict[str, int]:
    """Copy the marts and audit tables of `warehouse` into a new DuckDB file `out`, each filtered by its rule
    for `regions` (run in the worker process). Returns rows copied per table."""
    import duckdb

    counts: dict[str, int] = {}
    con = duckdb.connect(str(out))
    try:
        literal = "'" + str(warehouse).replace("'", "''") + "'"
        con.execute(f"ATTACH {literal} AS src (READ_ONLY)")
        con.execute(
            "CREATE TEMP TABLE _regions AS SELECT unnest(?::varchar[]) AS region_code", [list(regions)]
        )
        con.execute(
            "CREATE TEMP TABLE _depts AS SELECT dept_code FROM src.marts.dim_department "
            "WHERE region_code IN (SELECT region_code FROM _regions)"
        )
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'src' AND schema_name IN "
            "('marts', 'audit') UNION SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'src' "
            "AND schema_name IN ('marts', 'audit') ORDER BY 1, 2"
        ).fetchall()
        for schema in SCHEMAS:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for schema, table in tables:
            rule = RULES.get(f"{schema}.{table}", WITHHELD)
            src = f'src."{schema}"."{table}"'
            where = {
                DEPT: "dept_code IN (SELECT dept_code FROM _depts)",
                REGION: "region_code IN (SELECT region_code FROM _regions)",
                GLOBAL: "true",
                WITHHELD: "false",
            }[rule]
            # a column naming a server folder (audit.check_runs.docs_dir) never reaches a region user; the
            # checkpoint creates audit.check_runs with every CHECK_RUNS column, so the column is always there
            hidden = PATH_COLUMNS.get(f"{schema}.{table}", ())
            select = f"* REPLACE ({', '.join(f'NULL AS {c}' for c in hidden)})" if hidden else "*"
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT {select} FROM {src} WHERE {where}')
            counts[f"{schema}.{table}"] = con.execute(
                f'SELECT count(*) FROM "{schema}"."{table}"'
            ).fetchone()[0]
        con.execute("DETACH src")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


if __name__ == "__main__":
    write_extract(Path(sys.argv[1]), Path(sys.argv[2]), tuple(sys.argv[3:]))
