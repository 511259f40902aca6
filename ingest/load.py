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


def _covers(sub: Submission) -> set[tuple]:
    """The department-years a parsed submission holds (departments only: its department codes)."""
    out: set[tuple] = set()
    for _name, t in sub.tables.items():
        if t.frame.height and "fiscal_year" in t.frame.columns:
            out |= set(t.frame.select("dept_code", "fiscal_year").unique().iter_rows())
    if not out and "departments" in sub.tables:
        out = {(c, None) for c in sub.tables["departments"].frame["dept_code"].to_list()}
    return out


def _loaded_covers(con: duckdb.DuckDBPyConnection, submission_id: str) -> set[tuple]:
    parts = [
        f"SELECT DISTINCT dept_code, fiscal_year FROM raw.{t.name} WHERE _submission_id = $sid"
        for t in T.TEMPLATES.values()
        if "fiscal_year" in t.partition
    ]
    out = set(con.execute(" UNION ".join(parts), {"sid": submission_id}).fetchall())
    if not out:
        out = {
            (c, None)
            for (c,) in con.execute(
                "SELECT dept_code FROM raw.departments WHERE _submission_id = ?", [submission_id]
            ).fetchall()
        }
    return out


def _resolve_identity(con: duckdb.DuckDBPyConnection, sub: Submission) -> tuple[str | None, Issue | None]:
    """Which earlier submission this one replaces (spec "Which submission replaces which").

    Returns ("unchanged", None) when the same bytes are already loaded under this name (or a name it was
    given before, ``填报模板(2)``); (id, None) for the version it replaces — same name, and it shares a
    department-year with it; (None, note) when it shares none with any version of that name: it is then
    loaded beside them under the next free name ``<name>(k)``, and the note says so. ``sub.submission_id``
    is updated in place.
    """
    base = sub.submission_id
    rows = con.execute(
        "SELECT submission_id, content_hash FROM audit.submissions WHERE submission_id = ? OR starts_with(submission_id, ?) ORDER BY load_seq",
        [base, base + "("],
    ).fetchall()
    versions = [
        (sid, h)
        for sid, h in rows
        if sid == base or (sid[len(base) :].startswith("(") and sid[len(base) + 1 : -1].isdigit())
    ]
    if not versions:
        return None, None
    if any(h == sub.content_hash for _, h in versions):
        sub.submission_id = next(sid for sid, h in versions if h == sub.content_hash)
        return "unchanged", None
    mine = _covers(sub)
    for sid, _ in versions:
        if _loaded_covers(con, sid) & mine:
            sub.submission_id = sid
            return sid, None
    taken = {sid for sid, _ in versions}
    k = 2
    while f"{base}({k})" in taken:
        k += 1
    sub.submission_id = f"{base}({k})"
    return None, Issue(
        None,
        None,
        None,
        None,
        base,
        f"已有同名提交“{base}”，但两者没有相同的部门年度：本提交不替换它，作为“{sub.submission_id}”一并加载",
        "warning",
    )


RECORD_SUBMISSION = """INSERT OR REPLACE INTO audit.submissions
    (submission_id, content_hash, source_path, templates, row_count, run_id, loaded_at, load_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""


def _submission_row(sub: Submission, out: LoadOutcome, run_id: str, loaded_at: datetime, seq: int) -> list:
    """audit.submissions' row for a loaded submission (RECORD_SUBMISSION's parameters)."""
    return [
        sub.submission_id,
        sub.content_hash,
        str(sub.source),
        ",".join(sorted(out.rows)),
        sum(out.rows.values()),
        run_id,
        loaded_at,
        seq,
    ]


def load_submission(
    con: duckdb.DuckDBPyConnection,
    sub: Submission,
    run_id: str,
    schema_ready: bool = False,
    coverage: Coverage | None = None,
    resolved: tuple[str | None, Issue | None] | None = None,
) -> LoadOutcome:
    """Load one parsed submission in its own transaction (see the module's rules). ``resolved``: what
    ``_resolve_identity`` already answered for it (it renames ``sub`` in place, so it runs once)."""
    if not schema_ready:
        ensure_schema(con)
    out = LoadOutcome(sub.submission_id, "refused", issues=list(sub.issues))
    if not sub.ok:
        return out
    prev, note = resolved if resolved is not None else _resolve_identity(con, sub)
    out.submission_id = sub.submission_id
    if prev == "unchanged":
        out.status = "unchanged"
        return out
    if note is not None:
        out.issues.append(note)
    loaded_at = datetime.now().replace(microsecond=0)
    con.execute("BEGIN TRANSACTION")
    try:
        if prev:
            out.replaced_previous_version = True
            for t in T.TEMPLATES.values():
                con.execute(f"DELETE FROM raw.{t.name} WHERE _submission_id = ?", [sub.submission_id])
        for name, _parsed in sub.tables.items():
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
        con.execute(RECORD_SUBMISSION, _submission_row(sub, out, run_id, loaded_at, seq))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    out.status = "loaded"
    return out


class BulkLoader:
    """Loads a run's submissions, many in one transaction where that changes nothing.

    A submission is *new* when it is accepted and no earlier version has its name (nor does a held
    one): loading it deletes nothing, it only appends rows. Consecutive new submissions are held and
    inserted together, one INSERT per template (DuckDB's cost is per statement, ~6 ms, not per row),
    with their own audit rows and load_seq in input order. What each supersedes (rows of other
    submissions for the same department-years) is counted from per-partition row counts kept in memory
    (read from the raw tables once, then kept up to date), the count ``load_submission`` takes with SQL.
    Any other submission (refused, unchanged, a new version of a name) first flushes the held ones and is
    then handled by ``load_submission`` alone, as before. Outcomes, rows, audit rows and rejects are those
    of loading one at a time; a failure rolls back the held group and raises (as a failure of
    ``load_submission`` does: the build stops and the live warehouse is untouched).

    ``add`` and ``flush`` return the outcomes that became final, in input order.
    """

    MAX_PENDING = 64  # submissions held at most (memory: their parsed frames)

    def __init__(self, con: duckdb.DuckDBPyConnection, run_id: str, coverage: Coverage) -> None:
        self.con, self.run_id, self.coverage = con, run_id, coverage
        self.pending: list[tuple[Submission, LoadOutcome, datetime]] = []
        self._rows: dict[str, dict[tuple, int]] | None = None  # per template: partition -> raw rows

    def _row_counts(self, name: str) -> dict[tuple, int]:
        if self._rows is None:
            self._rows = {}
        if name not in self._rows:
            keys = ", ".join(T.TEMPLATES[name].partition)
            self._rows[name] = {
                tuple(r[:-1]): r[-1]
                for r in self.con.execute(f"SELECT {keys}, count(*) FROM raw.{name} GROUP BY ALL").fetchall()
            }
        return self._rows[name]

    def _collides(self, sid: str) -> bool:
        return any(
            p.submission_id == sid or p.submission_id.startswith(sid + "(") for p, _, _ in self.pending
        )

    def add(self, sub: Submission) -> list[tuple[Submission, LoadOutcome]]:
        """Load or hold ``sub``; its rejects are recorded with its outcome."""
        if sub.ok and not self._collides(sub.submission_id):
            prev, note = _resolve_identity(self.con, sub)
            if prev is None and note is None:
                out = LoadOutcome(sub.submission_id, "loaded", issues=list(sub.issues))
                out.rows = {n: t.frame.height for n, t in sub.tables.items() if t.frame.height}
                self.pending.append((sub, out, datetime.now().replace(microsecond=0)))
                return self.flush() if len(self.pending) >= self.MAX_PENDING else []
            done = self.flush()
            out = load_submission(self.con, sub, self.run_id, True, self.coverage, resolved=(prev, note))
        else:
            done = self.flush()
            out = load_submission(self.con, sub, self.run_id, True, self.coverage)
        if out.status == "loaded":
            self._rows = None  # it may have deleted an earlier version's rows: count again when needed
        record_issues(self.con, self.run_id, sub.submission_id, sub.issues)
        return [*done, (sub, out)]

    def _stacked(self, name: str, pending: list) -> pl.DataFrame | None:
        """The held submissions' rows of one template, as ``_frame_for_insert`` makes them, plus ``_k``
        (the submission's place among the held ones)."""
        items = [
            (k, sub.tables[name])
            for k, (sub, _, _) in enumerate(pending)
            if name in sub.tables and sub.tables[name].frame.height
        ]
        if not items:
            return None
        frame = pl.concat([t.frame for _, t in items], how="diagonal_relaxed")
        at = pl.Series("_at", [j for j, (_, t) in enumerate(items) for _ in range(t.frame.height)])
        per = {
            "_k": pl.Series([k for k, _ in items], dtype=pl.Int32),
            "_submission_id": pl.Series([pending[k][0].submission_id for k, _ in items], dtype=pl.Utf8),
            "_source_unit": pl.Series(
                [next(iter(t.units)) if len(t.units) == 1 else None for _, t in items], dtype=pl.Utf8
            ),
            "_loaded_at": pl.Series([pending[k][2] for k, _ in items]),
        }
        cols = [c for c, _ in raw_columns(T.TEMPLATES[name])]
        return frame.with_columns(s.gather(at).alias(c) for c, s in per.items()).select([*cols, "_k"])

    def flush(self) -> list[tuple[Submission, LoadOutcome]]:
        """Insert the held submissions in one transaction; record their rejects; return their outcomes."""
        if not self.pending:
            return []
        pending, self.pending = self.pending, []
        con = self.con
        stacked = {name: self._stacked(name, pending) for name in T.TEMPLATES}
        superseded: list[dict[str, int]] = [{} for _ in pending]
        for name, frame in stacked.items():
            if frame is None:
                continue
            keys = list(T.TEMPLATES[name].partition)
            counts = self._row_counts(name)
            parts: dict[int, dict[tuple, int]] = {}
            for r in frame.group_by(["_k", *keys]).len().iter_rows():
                parts.setdefault(r[0], {})[tuple(r[1:-1])] = r[-1]
            for k in sorted(parts):  # in input order: a submission supersedes what was loaded before it
                # SQL's r.k = p.k: a partition with a NULL key matches nothing
                n = sum(counts.get(p, 0) for p in parts[k] if None not in p)
                if n:
                    superseded[k][name] = n
                for p, m in parts[k].items():
                    counts[p] = counts.get(p, 0) + m
                self.coverage.add(name, set(parts[k]))
        for (sub, out, _), sup in zip(pending, superseded):
            out.superseded = {
                n: sup[n] for n in sub.tables if n in sup
            }  # in the order load_submission counts
        con.execute("BEGIN TRANSACTION")
        try:
            for name, frame in stacked.items():
                if frame is None:
                    continue
                con.register("_incoming", frame.drop("_k").to_arrow())
                con.execute(f"INSERT INTO raw.{name} BY NAME SELECT * FROM _incoming")
                con.unregister("_incoming")
            seq = con.execute("SELECT coalesce(max(load_seq), 0) FROM audit.submissions").fetchone()[0]
            con.executemany(
                RECORD_SUBMISSION,
                [
                    _submission_row(sub, out, self.run_id, at, seq + k)
                    for k, (sub, out, at) in enumerate(pending, start=1)
                ],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        for sub, _, _ in pending:
            record_issues(con, self.run_id, sub.submission_id, sub.issues)
        return [(sub, out) for sub, out, _ in pending]


def record_issues(
    con: duckdb.DuckDBPyConnection, run_id: str, submission_id: str, issues: list[Issue]
) -> None:
    if not issues:
        return
    now = datetime.now().replace(microsecond=0)
    con.executemany(
        "INSERT INTO audit.ingest_rejects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [
                run_id,
                submission_id,
                i.file,
                i.sheet,
                i.row,
                i.column,
                None if i.value is None else str(i.value)[:500],
                i.reason,
                i.severity,
                now,
            ]
            for i in issues
        ],
    )
