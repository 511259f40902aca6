"""Helpers for the SQL side of issue 11 (no tests here): a warehouse whose raw tables are filled directly.

The version-2 raw contract (blank amounts = NULL, `is_breakdown` / `breakdown_parent_row`, the vehicle group
in three_public, …) is what the ingest produces; these tests exercise the SQL alone, so the rows are inserted
as the ingest would write them (tests/fixtures/sql_v2/raw/<table>.csv, one CSV per raw table, an empty cell =
NULL, lineage columns `_submission_id`, `_row_number`; submissions.csv gives the load order).

The build is a copy of dbt_project/, models/ and seeds/ with the rows in tests/fixtures/sql_v2/seeds/*.csv
appended to the seeds of the same names: `sqlv2_variants`, a framework made of seed rows only that picks
the version-2 formula variants. Built once per session (one dbt build, data tests included).
"""

from __future__ import annotations

import csv
import functools
import shutil
import sys
from pathlib import Path

import duckdb
from test_scoring_support import _check, _tempdir, append_rows, run_dbt

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "sql_v2"
FRAMEWORK = "sqlv2_variants"

# checks whose findings these tests plant directly in raw tables (the ingest's version-2 columns):
# test_reconciliation.test_every_check_type_is_planted counts them as planted
PLANTED_CHECKS = {"ledger_breakdown", "carryover_overspent", "three_public_vehicle_group"}

# raw columns the version-2 ingest adds (ingest/schema.py DERIVED); added here when the schema lacks them
V2_COLUMNS = {
    "budget_ledger": [("is_breakdown", "BOOLEAN"), ("breakdown_parent_row", "INTEGER")],
    "performance_targets": [("actual_met", "BOOLEAN")],
}
# flags the ingest always fills
DEFAULT_FALSE = {
    "budget_ledger": ["is_subtotal", "is_breakdown"],
    "three_public": ["is_subtotal"],
    "staffing": ["is_total"],
}


def _raw_columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchall()
    ]


def load_raw(warehouse: Path, raw_dir: Path = FIXTURES / "raw") -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from ingest.schema import ensure_schema

    with duckdb.connect(str(warehouse)) as con:
        ensure_schema(con)
        for table, cols in V2_COLUMNS.items():
            have = set(_raw_columns(con, table))
            for name, ty in cols:
                if name not in have:
                    con.execute(f'alter table raw.{table} add column "{name}" {ty}')
        with (raw_dir / "submissions.csv").open(encoding="utf-8") as fh:
            subs = list(csv.DictReader(fh))
        for s in subs:
            con.execute(
                "insert into audit.submissions (submission_id, content_hash, source_path, run_id, loaded_at, load_seq) "
                "values (?, ?, ?, 'test', now(), ?)",
                [s["submission_id"], s["submission_id"], "fixture", int(s["load_seq"])],
            )
        for path in sorted(raw_dir.glob("*.csv")):
            table = path.stem
            if table == "submissions":
                continue
            with path.open(encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            have = _raw_columns(con, table)
            for r in rows:
                values = {k: (v if v != "" else None) for k, v in r.items()}
                for flag in DEFAULT_FALSE.get(table, []):
                    if values.get(flag) is None:
                        values[flag] = "false"
                values["_file"] = f"{table}.csv"
                values["_loaded_at"] = "2026-01-01 00:00:00"
                unknown = set(values) - set(have)
                assert not unknown, (table, unknown)
                names = list(values)
                con.execute(
                    f"insert into raw.{table} ("
                    + ", ".join(f'"{n}"' for n in names)
                    + ") values ("
                    + ", ".join("?" for _ in names)
                    + ")",
                    [values[n] for n in names],
                )


@functools.cache
def sql_v2_warehouse() -> Path:
    root = _tempdir("jixiao-sqlv2-")
    shutil.copytree(
        ROOT / "dbt_project",
        root / "dbt_project",
        ignore=shutil.ignore_patterns("target", "logs", ".user.yml"),
    )
    shutil.copytree(ROOT / "models", root / "models")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    for rows_file in sorted((FIXTURES / "seeds").glob("*.csv")):
        append_rows(root / "seeds" / rows_file.name, rows_file)
    warehouse = root / "sqlv2.duckdb"
    load_raw(warehouse)
    _check(run_dbt(warehouse, root, ["build", "--exclude-resource-type", "unit_test"], root))
    return warehouse


@functools.cache
def _reader(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)


def query(sql: str, params=None) -> list[tuple]:
    return _reader(sql_v2_warehouse()).cursor().execute(sql, params or []).fetchall()


def scores(dept: str, framework: str = "hn_dept_overall", year: int = 2023) -> dict[str, tuple]:
    """indicator_code -> (score, assessable, value, not_assessable_reason, explanation)."""
    rows = query(
        """select indicator_code, score, assessable, value, not_assessable_reason, explanation
           from marts.fct_indicator_scores
           where dept_code = ? and framework_code = ? and fiscal_year = ? and project_code is null""",
        [dept, framework, year],
    )
    return {r[0]: r[1:] for r in rows}


def finance(dept: str, year: int = 2023) -> dict:
    con = _reader(sql_v2_warehouse()).cursor()
    cur = con.execute(
        "select * from intermediate.int_dept_year_finance where dept_code = ? and fiscal_year = ?",
        [dept, year],
    )
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    assert len(rows) == 1, (dept, year, rows)
    return dict(zip(names, rows[0]))


def findings(dept: str, year: int = 2023) -> list[tuple]:
    """(check_code, severity, item, expected, actual) of a department-year, sorted."""
    return query(
        """select check_code, severity, item, expected, actual from marts.fct_reconciliation_findings
           where dept_code = ? and fiscal_year = ? order by check_code, item""",
        [dept, year],
    )
