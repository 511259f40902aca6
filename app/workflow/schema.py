"""The workflow's tables in the warehouse's ``audit`` schema, created by every build (app/pipeline.py).

``audit.finding_acks``  one row per acknowledgement of a reconciliation finding, never updated: the latest
                        row of a ``finding_id`` (highest ``ack_seq``) is the finding's current status. The
                        finding's description is copied in, so an acknowledgement whose finding has gone
                        (a corrected submission) still says what it was about.
``audit.operations``    one row per upload, score entry, acknowledgement and report batch: who, when, what.

Both live in the warehouse file, so a build (which copies the live file) carries them into the file it
swaps in: they survive every rebuild, and a concurrent writer waits for the build lock instead of losing
them.
"""

from __future__ import annotations

import duckdb

ACK_STATUSES = ("确认无误", "已整改", "待整改")

WORKFLOW_DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.finding_acks (
    ack_seq BIGINT NOT NULL,
    finding_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    acked_by VARCHAR NOT NULL,
    acked_at TIMESTAMP NOT NULL,
    dept_code VARCHAR,
    fiscal_year INTEGER,
    framework_code VARCHAR,
    check_code VARCHAR,
    severity VARCHAR,
    item VARCHAR,
    message VARCHAR,
    run_id VARCHAR
);
CREATE TABLE IF NOT EXISTS audit.operations (
    op_seq BIGINT NOT NULL,
    done_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    detail VARCHAR,
    run_id VARCHAR
);
"""

# the current status of each acknowledged finding: its latest acknowledgement
CURRENT_ACKS_SQL = """
select * from audit.finding_acks
qualify row_number() over (partition by finding_id order by ack_seq desc) = 1
"""

OPERATION_KINDS = {
    "upload": "上传提交",
    "score": "评价人评分",
    "ack": "核对发现处理",
    "report_batch": "批量报告",
}


def ensure_workflow_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the workflow's audit tables if missing (idempotent; on the build's copy, never the live file)."""
    con.execute(WORKFLOW_DDL)
