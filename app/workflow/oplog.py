"""The operation log, ``audit.operations``: who uploaded, scored, acknowledged or sent what, and when."""

from __future__ import annotations

import json
from datetime import datetime

import duckdb

from app.workflow.schema import OPERATION_KINDS, ensure_workflow_schema


def record(
    con: duckdb.DuckDBPyConnection,
    actor: str,
    kind: str,
    summary: str,
    detail: dict | list | None = None,
    run_id: str | None = None,
) -> int:
    """Append one operation on `con` (the build's copy) and return its sequence number.

    `kind` is a key of OPERATION_KINDS (ValueError otherwise); `summary` one Chinese line for the
    操作记录 page; `detail` is stored as JSON text."""
    if kind not in OPERATION_KINDS:
        raise ValueError(f"unknown operation kind {kind!r}")
    ensure_workflow_schema(con)
    seq = con.execute("SELECT coalesce(max(op_seq), 0) + 1 FROM audit.operations").fetchone()[0]
    con.execute(
        "INSERT INTO audit.operations VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            seq,
            datetime.now().replace(microsecond=0),
            actor,
            kind,
            summary,
            None if detail is None else json.dumps(detail, ensure_ascii=False, default=str),
            run_id,
        ],
    )
    return seq
