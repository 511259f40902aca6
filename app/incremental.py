"""Incremental builds: recompute only the departments whose raw rows changed since the last build.

Every model but a few computes a department's rows from that department's raw rows alone (all of its years:
the carryover of y−1, the PEFA letters' 3-year window, the score history and a later year's restated lines
stay inside one department). So after a load that touched departments D:

    live copy ──▶ scope file: raw rows of D only, audit.submissions whole ──dbt build──▶ (every department-local
    model and its data tests, on D's rows) ──▶ copy: delete D's rows, insert the scope file's, table by table
    ──dbt build --select tag:cross_department+ tag:whole_table──▶ (the region × year marts and 报送情况 over
    every department; the data tests of ids without dept_code, over the whole merged tables)

The models that read every department carry the dbt tag ``cross_department`` (models/marts/_fct_region_year_*.yml,
_fct_submission_coverage.yml); they and everything downstream of them are rebuilt whole. A table without a
``dept_code`` column that is not among them (the seed-only dimensions) must come out of the scope build equal to
the copy's, or the build falls back to a full one: nothing is merged on an assumption.

Which departments changed is measured, not inferred from what the ingest did: after every successful build the
copy stores, per raw table and department, the row count and the sum of a hash of every row with its
submission's load_seq (``audit.build_digest``). The next build compares the post-ingest digest with it. So a
correction (its submission's load_seq moves, which can change the current version of every department it
covers), a removed year, a hand edit of a raw table, or a load whose dbt never ran are all caught.

A full build runs instead (and says why) when: ``jixiao build --full`` or ``--rebuild`` (a build without
inputs is incremental too: it recomputes what hand edits changed); the warehouse has no
marts or no digest yet; the dbt project (models, macros, seeds, vars), dbt, dbt-duckdb or DuckDB changed since
the last build; a raw table's columns changed; a raw row without a department changed; the warehouse has
fewer than ``INCREMENTAL_FROM_DEPARTMENTS`` departments or more than ``FULL_FROM_SHARE`` of them changed (a
full build is then about as fast). Proven equal to a full
build by tests/test_incremental.py (every table, ``EXCEPT ALL`` both ways, after a sequence of loads and
corrections).
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import duckdb

from app import warehouse as W
from app.dbt import DbtResult, project_fingerprint, run_dbt
from app.errors import JixiaoError

CROSS_TAG = "cross_department"
# data tests keyed on an id without dept_code (提交编号:文件:行号): run again on the whole copy after the merge,
# since two departments' rows could share one (models/*/_staging.yml, _intermediate.yml, _fct_budget_ledger_lines.yml)
WHOLE_TABLE_TAG = "whole_table"
# more than this share of the departments changed: a full build (the scope build would hold most rows anyway)
FULL_FROM_SHARE = 0.25
# a warehouse of fewer departments is always built in full: an incremental build costs two dbt invocations
# (~12 s on the 2-core bench machine whatever the scope), as much as a full build of ~100 departments
# (bench/results/bench.md: dbt 15 s at 1× = 100 departments, 101 s at 100×)
INCREMENTAL_FROM_DEPARTMENTS = 100
# the schemas dbt writes tables into (dbt_project.yml): the tables merged from the scope build
MODEL_SCHEMAS = ("intermediate", "marts")
BUILD_DBT_ARGS = ["build", "--exclude-resource-type", "unit_test"]
EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"


class NotDepartmentLocal(JixiaoError):
    """A model without dept_code came out of the scope build different from the copy's: it reads more than
    the departments in scope. The build falls back to a full one (app/pipeline.py); the message names the table."""


@dataclass
class Plan:
    """What the next dbt run does. `departments` is None for a full build; `reason` says why (in Chinese,
    for the build summary); `total` is the number of departments in the warehouse."""

    departments: list[str] | None
    reason: str
    total: int = 0
    signature: str = ""  # build_signature() when planned: recorded with the build it describes
    # the last build's integrity checks passed on every department under today's expectations/: only then
    # may this build's checks read only the rebuilt departments (expectations/checkpoint.py)
    checked_before: bool = False

    @property
    def check_departments(self) -> list[str] | None:
        """The departments the integrity checks must read after this build; None: all of them."""
        return self.departments if self.incremental and self.checked_before else None

    @property
    def incremental(self) -> bool:
        return self.departments is not None


def build_signature() -> str:
    """A hash of what decides every model's rows besides the data: the dbt project's files (models, macros,
    seeds, dbt_project.yml with its vars: app.dbt.project_fingerprint) and the versions of dbt-core,
    dbt-duckdb and DuckDB."""
    versions = "|".join(version(p) for p in ("dbt-core", "dbt-duckdb", "duckdb"))
    return hashlib.blake2b(f"{project_fingerprint()}|{versions}".encode(), digest_size=16).hexdigest()


def checks_signature() -> str:
    """A hash of the Great Expectations suites and checkpoint (expectations/*.py): rows checked under other
    rules must be checked again."""
    h = hashlib.blake2b(digest_size=16)
    for f in sorted(EXPECTATIONS.rglob("*.py")):
        h.update(str(f.relative_to(EXPECTATIONS)).encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def _raw_tables(con: duckdb.DuckDBPyConnection, database: str | None = None) -> list[tuple[str, bool]]:
    """(table, has dept_code) for every table of schema raw of `database` (default: the current one)."""
    return [
        (t, bool(has))
        for t, has in con.execute(
            """select t.table_name, bool_or(c.column_name = 'dept_code')
               from duckdb_tables() as t join duckdb_columns() as c using (database_name, schema_name, table_name)
               where t.schema_name = 'raw' and t.database_name = coalesce(?, current_database())
               group by all order by 1""",
            [database],
        ).fetchall()
    ]


def raw_schema_signature(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of the raw tables' and audit.submissions' column names and types: a model that asks whether a
    raw column exists (macro raw_column_or) compiles differently once the ingest adds one."""
    rows = con.execute(
        """select schema_name, table_name, column_name, data_type from duckdb_columns()
           where database_name = current_database()
             and (schema_name = 'raw' or (schema_name = 'audit' and table_name = 'submissions'))
           order by 1, 2, column_index"""
    ).fetchall()
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).hexdigest()


def _ensure_state_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    con.execute(
        """CREATE TABLE IF NOT EXISTS audit.build_digest (
               table_name VARCHAR NOT NULL, dept_code VARCHAR, row_count BIGINT NOT NULL, checksum HUGEINT NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS audit.build_state (
               run_id VARCHAR NOT NULL, built_at TIMESTAMP NOT NULL, build_mode VARCHAR NOT NULL,
               departments_rebuilt INTEGER, departments_total INTEGER,
               build_signature VARCHAR NOT NULL, raw_schema_signature VARCHAR NOT NULL)"""
    )
    # set by mark_checked once this build's integrity checks passed: the expectations' hash they ran under
    con.execute("ALTER TABLE audit.build_state ADD COLUMN IF NOT EXISTS checks_signature VARCHAR")


def _digest_sql(con: duckdb.DuckDBPyConnection) -> str:
    """One query: per raw table and department, count(*) and the sum of hash(row, its submission's load_seq)."""
    parts = []
    for table, has_dept in _raw_tables(con):
        dept = "r.dept_code" if has_dept else "cast(null as varchar)"
        parts.append(
            f"""select '{table}' as table_name, {dept} as dept_code, count(*) as row_count,
                   sum(cast(hash(r, s.load_seq) as hugeint)) as checksum
                from raw."{table}" as r left join audit.submissions as s on s.submission_id = r._submission_id
                group by all"""
        )
    if not parts:
        return "select null::varchar as table_name, null::varchar as dept_code, 0::bigint as row_count, 0::hugeint as checksum where false"
    return "\nunion all\n".join(parts)


def plan(con: duckdb.DuckDBPyConnection, *, full: bool = False) -> Plan:
    """Decide, on the build's copy after the ingest, whether dbt rebuilds everything or only the departments
    whose raw rows changed since the last successful build. Leaves the current digest in
    audit.build_digest_next (committed by `record` after dbt succeeds).

    Args: con — the copy, open for writing; full — `jixiao build --full`/`--rebuild`.
    Returns: a Plan (departments sorted; an empty list when nothing changed)."""
    _ensure_state_tables(con)
    con.execute(f"CREATE OR REPLACE TABLE audit.build_digest_next AS {_digest_sql(con)}")
    total = con.execute(
        "select count(distinct dept_code) from audit.build_digest_next where dept_code is not null"
    ).fetchone()[0]
    signature = build_signature()

    def full_build(reason: str) -> Plan:
        return Plan(None, f"全量构建（{reason}）", total, signature)

    if full:
        return full_build("按要求重算全部部门")
    if not W.is_built(con):
        return full_build("仓库尚无结果表")
    last = con.execute(
        "select build_signature, raw_schema_signature, checks_signature from audit.build_state "
        "order by built_at desc, run_id desc limit 1"
    ).fetchone()
    if last is None:
        return full_build("仓库没有上次构建的记录")
    if last[0] != signature:
        return full_build("模型、种子表、参数或 dbt/DuckDB 版本自上次构建以来有变化")
    if last[1] != raw_schema_signature(con):
        return full_build("原始数据表的列自上次构建以来有变化")
    if total < INCREMENTAL_FROM_DEPARTMENTS:
        return full_build(f"仓库只有 {total} 个部门，全部重算与只重算有变化的部门一样快")
    changed = [
        d
        for (d,) in con.execute(
            """select distinct dept_code from (
                   (select * from audit.build_digest_next except all select * from audit.build_digest)
                   union all
                   (select * from audit.build_digest except all select * from audit.build_digest_next)
               ) order by dept_code nulls first"""
        ).fetchall()
    ]
    if None in changed:
        return full_build("有不属于任何部门的原始行发生变化")
    if total and len(changed) > FULL_FROM_SHARE * total:
        return full_build(f"{len(changed)} / {total} 个部门有变化")
    return Plan(
        changed,
        f"增量构建：重算 {len(changed)} 个部门，其余 {total - len(changed)} 个部门沿用上次结果"
        if changed
        else "增量构建：没有部门的原始数据有变化，只重算跨部门的表",
        total,
        signature,
        checked_before=last[2] == checks_signature(),
    )


def record(work: Path, run_id: str, result: Plan) -> None:
    """After dbt succeeded on the copy: the digest taken by `plan` becomes the last build's, with its state
    (not yet checked: `mark_checked` after the checks pass)."""
    with contextlib.closing(duckdb.connect(str(work))) as con:
        _ensure_state_tables(con)
        con.execute("BEGIN")
        con.execute("DELETE FROM audit.build_digest")
        con.execute("INSERT INTO audit.build_digest SELECT * FROM audit.build_digest_next")
        con.execute("DROP TABLE audit.build_digest_next")
        con.execute("DELETE FROM audit.build_state")
        con.execute(
            "INSERT INTO audit.build_state VALUES (?, current_localtimestamp()::timestamp(0), ?, ?, ?, ?, ?, NULL)",
            [
                run_id,
                "incremental" if result.incremental else "full",
                None if result.departments is None else len(result.departments),
                result.total,
                result.signature or build_signature(),
                raw_schema_signature(con),
            ],
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")


def mark_checked(work: Path) -> None:
    """The integrity checks passed on every department of the copy (or on the rebuilt ones, the others having
    passed at the last build): the next incremental build may check only the departments it rebuilds."""
    with contextlib.closing(duckdb.connect(str(work))) as con:
        _ensure_state_tables(con)
        con.execute("UPDATE audit.build_state SET checks_signature = ?", [checks_signature()])
        con.execute("CHECKPOINT")


def _scope_file(work: Path) -> Path:
    # the same file name as the copy: the same DuckDB catalog, so app.dbt's parsed manifest is reused; in a
    # folder named after its warehouse, since .build/ is shared by every warehouse of a folder
    return W.scope_dir(work) / work.name


def _make_scope_file(work: Path, departments: list[str]) -> Path:
    """A new DuckDB file holding the raw rows of `departments` (every year) and every audit source table whole."""
    scope = _scope_file(work)
    shutil.rmtree(scope.parent, ignore_errors=True)
    scope.parent.mkdir(parents=True)
    with contextlib.closing(duckdb.connect(str(scope))) as con:
        con.execute(f"ATTACH '{_quote(work)}' AS w (READ_ONLY)")
        con.execute(
            "CREATE TEMP TABLE scope_departments AS SELECT unnest(?::varchar[]) AS dept_code", [departments]
        )
        con.execute("CREATE SCHEMA raw")
        con.execute("CREATE SCHEMA audit")
        for table, has_dept in _raw_tables(con, "w"):
            # a raw table without departments is copied whole (plan() builds in full when one changes)
            where = " WHERE dept_code IN (SELECT dept_code FROM scope_departments)" if has_dept else ""
            con.execute(f'CREATE TABLE raw."{table}" AS SELECT * FROM w.raw."{table}"{where}')
        for table in ("submissions", "ingest_runs", "ingest_rejects"):
            con.execute(f'CREATE TABLE audit."{table}" AS SELECT * FROM w.audit."{table}"')
        con.execute("DETACH w")
        con.execute("CHECKPOINT")
    return scope


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _merge(work: Path, scope: Path, departments: list[str]) -> int:
    """In one transaction on the copy: for every table dbt built in the scope file, delete the departments'
    rows and insert the scope file's; a table without dept_code must be equal in both (NotDepartmentLocal).
    Returns the number of tables merged."""
    merged = 0
    with contextlib.closing(duckdb.connect(str(work))) as con:
        con.execute(f"ATTACH '{_quote(scope)}' AS sc (READ_ONLY)")
        con.execute(
            "CREATE TEMP TABLE scope_departments AS SELECT unnest(?::varchar[]) AS dept_code", [departments]
        )
        tables = con.execute(
            """select t.schema_name, t.table_name, bool_or(c.column_name = 'dept_code')
               from duckdb_tables() as t
               join duckdb_columns() as c using (database_name, schema_name, table_name)
               where t.database_name = 'sc' and list_contains(?, t.schema_name)
               group by all order by 1, 2""",
            [list(MODEL_SCHEMAS)],
        ).fetchall()
        con.execute("BEGIN")
        try:
            for schema, table, has_dept in tables:
                target, source = f'"{schema}"."{table}"', f'sc."{schema}"."{table}"'
                if has_dept:
                    con.execute(
                        f"DELETE FROM {target} WHERE dept_code IN (SELECT dept_code FROM scope_departments)"
                    )
                    con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM {source}")
                    merged += 1
                    continue
                differs = con.execute(
                    f"""select count(*) from (
                            (select * from {target} except all select * from {source})
                            union all
                            (select * from {source} except all select * from {target}))"""
                ).fetchone()[0]
                if differs:
                    raise NotDepartmentLocal(
                        f"{schema}.{table} 没有 dept_code，且只用部分部门的数据算出的结果与全量不同（{differs} 行）"
                    )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("DETACH sc")
        con.execute("CHECKPOINT")
    return merged


def _combined(*results: DbtResult) -> DbtResult:
    out = DbtResult(
        all(r.ok for r in results), sum(r.seconds for r in results), log_file=results[-1].log_file
    )
    for r in results:
        for k, v in r.counts.items():
            out.counts[k] = out.counts.get(k, 0) + v
        out.failures.extend(r.failures)
    return out


def incremental_dbt_build(
    work: Path, live: Path, departments: list[str], timings: dict[str, float] | None = None
) -> DbtResult:
    """Rebuild `departments` (every year) on the copy `work`, then every cross-department model over all.

    Shape: two dbt invocations (the scope file, then `--select tag:cross_department+` on the copy) and one
    merge transaction between them. Returns their counts combined; a failed scope build returns before the
    copy is touched. Raises NotDepartmentLocal (the copy's tables are then as before the merge).
    `timings` (seconds) gets scope_file, dbt_scope, merge and dbt_cross."""
    timings = {} if timings is None else timings
    results = []
    if departments:  # else loaded, but no department's rows changed (the same rows again under a new name)
        t = time.perf_counter()
        scope = _make_scope_file(work, departments)
        timings["scope_file"] = time.perf_counter() - t
        try:
            t = time.perf_counter()
            results.append(run_dbt([*BUILD_DBT_ARGS, "--exclude", f"tag:{CROSS_TAG}+"], scope, live))
            timings["dbt_scope"] = time.perf_counter() - t
            if not results[0].ok:
                return results[0]
            t = time.perf_counter()
            _merge(work, scope, departments)
            timings["merge"] = time.perf_counter() - t
        finally:
            shutil.rmtree(scope.parent, ignore_errors=True)
    t = time.perf_counter()
    results.append(
        run_dbt([*BUILD_DBT_ARGS, "--select", f"tag:{CROSS_TAG}+", f"tag:{WHOLE_TABLE_TAG}"], work, live)
    )
    timings["dbt_cross"] = time.perf_counter() - t
    return _combined(*results)
