"""Loading a parsed submission into DuckDB: whole or not at all, idempotent, replacing older versions.

Rules (see README, 数据导入):
- a submission is named (its folder or workbook name, or --submission-id); loading the same name with the
  same bytes again changes nothing;
- loading a new version of a name first removes every row the previous version loaded;
- rows of other submissions are kept (raw is the history). Which version of a department-year is
  current is decided in staging (macro `current_version`): the latest-loaded submission whose ledger
  covers that year, else the latest-loaded one that has it at all. So a corrected file for one department
  supersedes that department only, and a 2023 file restating 2022 三公 figures does not overwrite the
  2022 submission: reconciliation compares the two;
- all of this happens in one transaction: a failure leaves the tables as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import polars as pl

from ingest import templates as T
from ingest.issues import Issue
from ingest.schema import ensure_schema, raw_columns
from ingest.submission import Submission


@dataclass
class LoadOutcome:
    submission_id: str
    status: str  # loaded | unchanged | refused
    rows: dict[str, int] = field(default_factory=dict)
    superseded: dict[str, int] = field(default_factory=dict)
    replaced_previous_version: bool = False
    issues: list[Issue] = field(default_factory=list)


class Coverage:
    """Which partitions (department-years; departments for `departments`) each raw table already holds.

    A superset kept in memory for one ingest run: loading a submission whose partitions are all new (the
    usual case) then needs no scan of the raw tables to count what it supersedes. When its partitions do
    meet earlier rows, the exact count still comes from SQL.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._keys: dict[str, set[tuple]] = {}

    def _for(self, name: str) -> set[tuple]:
        if name not in self._keys:
            keys = ", ".join(T.TEMPLATES[name].partition)
            self._keys[name] = set(self._con.execute(f"SELECT DISTINCT {keys} FROM raw.{name}").fetchall())
        return self._keys[name]

    def meets(self, name: str, partitions: set[tuple]) -> bool:
        return not self._for(name).isdisjoint(partitions)

    def add(self, name: str, partitions: set[tuple]) -> None:
        self._for(name).update(partitions)


def known_departments(con: duckdb.DuckDBPyConnection, schema_ready: bool = False) -> set[str]:
    if not schema_ready:
        ensure_schema(con)
    return {r[0] for r in con.execute("SELECT DISTINCT dept_code FROM raw.departments").fetchall()}


def _frame_for_insert(sub: Submission, name: str, loaded_at: datetime) -> pl.DataFrame:
    t = sub.tables[name]
    frame = t.frame
    cols = raw_columns(T.TEMPLATES[name])
    unit = next(iter(t.units)) if len(t.units) == 1 else None
    frame = frame.with_columns(
        pl.lit(sub.submission_id).alias("_submission_id"),
        pl.lit(unit, dtype=pl.Utf8).alias("_source_unit"),
        pl.lit(loaded_at).alias("_loaded_at"),
    )
    return frame.select([c for c, _ in cols])


def load_submission(
    con: duckdb.DuckDBPyConnection,
    sub: Submission,
    run_id: str,
    schema_ready: bool = False,
    coverage: Coverage | None = None,
) -> LoadOutcome:
    if not schema_ready:
        ensure_schema(con)
    out = LoadOutcome(sub.submission_id, "refused", issues=list(sub.issues))
    if not sub.ok:
        return out
    prev = con.execute("SELECT content_hash FROM audit.submissions WHERE submission_id = ?", [sub.submission_id]).fetchone()
    if prev and prev[0] == sub.content_hash:
        out.status = "unchanged"
        return out
    loaded_at = datetime.now().replace(microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        if prev:
            out.replaced_previous_version = True
            for t in T.TEMPLATES.values():
                con.execute(f"DELETE FROM raw.{t.name} WHERE _submission_id = ?", [sub.submission_id])
        for name, parsed in sub.tables.items():
            tmpl = T.TEMPLATES[name]
            frame = _frame_for_insert(sub, name, loaded_at)
            if frame.height == 0:
                continue
            con.register("_incoming", frame.to_arrow())
            keys = list(tmpl.partition)
            partitions = set(frame.select(keys).unique().iter_rows()) if coverage is not None else set()
            if coverage is None or coverage.meets(name, partitions):
                cond = " AND ".join(f"r.{k} = p.{k}" for k in keys)
                # rows other submissions hold for the same department-years: kept, but no longer current
                n = con.execute(
                    f"SELECT count(*) FROM raw.{name} r WHERE EXISTS (SELECT 1 FROM (SELECT DISTINCT {', '.join(keys)} FROM _incoming) p WHERE {cond})"
                ).fetchone()[0]
                if n:
                    out.superseded[name] = n
            con.execute(f"INSERT INTO raw.{name} BY NAME SELECT * FROM _incoming")
            con.unregister("_incoming")
            if coverage is not None:
                coverage.add(name, partitions)
            out.rows[name] = frame.height
        seq = con.execute("SELECT coalesce(max(load_seq), 0) + 1 FROM audit.submissions").fetchone()[0]
        con.execute(
            """INSERT OR REPLACE INTO audit.submissions
               (submission_id, content_hash, source_path, templates, row_count, run_id, loaded_at, load_seq)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                sub.submission_id,
                sub.content_hash,
                str(sub.source),
                ",".join(sorted(out.rows)),
                sum(out.rows.values()),
                run_id,
                loaded_at,
                seq,
            ],
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    out.status = "loaded"
    return out


def record_issues(con: duckdb.DuckDBPyConnection, run_id: str, submission_id: str, issues: list[Issue]) -> None:
    if not issues:
        return
    now = datetime.now().replace(microsecond=0)
    con.executemany(
        "INSERT INTO audit.ingest_rejects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [run_id, submission_id, i.file, i.sheet, i.row, i.column, None if i.value is None else str(i.value)[:500], i.reason, i.severity, now]
            for i in issues
        ],
    )
