"""What every build does to its copy after dbt and before the checks (called by app/pipeline.py).

Inside the build lock, on the copy that will be swapped in: create the workflow's audit tables, seed the
bundled sample's known findings, and apply the caller's `edit` (an acknowledgement, an operation-log
entry). So a workflow write lands in the same atomic swap as the build that carries it, and the checks
that run next (findings_review) already see it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from app import warehouse as W
from app.workflow.schema import ensure_workflow_schema

# the worked example's report contradicts its own rules: four error findings that are known and kept
SAMPLE_ACKS = W.SAMPLE / "acknowledged_findings.csv"
SAMPLE_ACTOR = "内置样例"

Edit = Callable[[duckdb.DuckDBPyConnection, Any], None]


def seed_sample_acks(con: duckdb.DuckDBPyConnection, seed: Path = SAMPLE_ACKS) -> int:
    """Acknowledge the bundled sample's known findings (matched by submission, department, year, check and
    item) that have no acknowledgement yet; returns how many were added. Only findings of the sample's
    own submission (``yanfeng-2023``) match: a bureau's data is never acknowledged by the repository."""
    if not seed.exists() or not W.is_built(con):
        return 0
    seq0 = con.execute("SELECT coalesce(max(ack_seq), 0) FROM audit.finding_acks").fetchone()[0]
    before = con.execute("SELECT count(*) FROM audit.finding_acks").fetchone()[0]
    con.execute(
        """
        insert into audit.finding_acks
        select ? + row_number() over (order by f.finding_id), f.finding_id, s.status, s.note, ?,
               current_localtimestamp()::timestamp(0), f.dept_code, f.fiscal_year, f.framework_code, f.check_code,
               f.severity, f.item, f.message, null
        from marts.fct_reconciliation_findings as f
        join read_csv(?, header = true, all_varchar = true) as s
          on s.submission_id = f.submission_id and s.dept_code = f.dept_code
         and s.fiscal_year = cast(f.fiscal_year as varchar) and s.check_code = f.check_code and s.item = f.item
        where not exists (select 1 from audit.finding_acks as a where a.finding_id = f.finding_id)
        """,
        [seq0, SAMPLE_ACTOR, str(seed)],
    )
    return con.execute("SELECT count(*) FROM audit.finding_acks").fetchone()[0] - before


def after_dbt(work: Path, result: Any, edit: Edit | None = None) -> None:
    """Run on the build's copy `work` (a closed file) before the checks: tables, sample acks, `edit(con, result)`."""
    with contextlib.closing(duckdb.connect(str(work))) as con:
        ensure_workflow_schema(con)
        seed_sample_acks(con)
        if edit is not None:
            edit(con, result)
        con.execute("CHECKPOINT")
