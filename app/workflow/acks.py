"""核对发现处理: acknowledge reconciliation findings (确认无误 / 已整改 / 待整改, a note, who, when).

An acknowledgement is a row of ``audit.finding_acks`` in the warehouse (app/workflow/schema.py), keyed by
the finding's stable ``finding_id`` (marts.fct_reconciliation_findings: a hash of department, year,
framework, project, check and item, the same after every rebuild and after a corrected file moves the
finding to another row; only when one check flags several rows with the same item, e.g. two ledger lines
with one label, are the source file and row added to those ids). It is written the way every
change to the warehouse is: ``app.pipeline.build`` copies the live file, ``edit`` inserts the rows on the
copy, the checks run (so findings_review counts it at once), the copy is swapped in. The build lock queues
an acknowledgement behind a running build (and the other way round); nothing is lost and nothing is
written into the repository.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from app import warehouse as W
from app.errors import EXIT_INPUT_REFUSED, EXIT_NOT_FOUND, JixiaoError
from app.workflow import oplog
from app.workflow.actor import current_actor
from app.workflow.schema import ACK_STATUSES, CURRENT_ACKS_SQL

STATUS_ALIASES = {"confirmed": "确认无误", "fixed": "已整改", "pending": "待整改"}
MIN_PREFIX = 6  # a finding id may be given by its first characters, as `jixiao ack --list` shows them
MAX_NOTE = 2000


class AckError(JixiaoError):
    """An acknowledgement refused before anything was written: unknown or ambiguous finding id, an
    unknown status, an empty note. `message` is one Chinese line."""

    exit_code = EXIT_INPUT_REFUSED

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


@dataclass
class AckResult:
    """What `acknowledge` wrote: one dict per finding (finding_id, dept_code, fiscal_year, check_code, item,
    severity, status), the build's run id, and the checks' outcome (expectations CheckpointOutcome)."""

    run_id: str
    acked: list[dict] = field(default_factory=list)
    checks: object | None = None


FINDING_COLUMNS = (
    "finding_id",
    "dept_code",
    "fiscal_year",
    "framework_code",
    "check_code",
    "severity",
    "item",
    "message",
)


def normalise_status(status: str) -> str:
    """确认无误 / 已整改 / 待整改 (or confirmed / fixed / pending); AckError otherwise."""
    s = (status or "").strip()
    s = STATUS_ALIASES.get(s.lower(), s)
    if s not in ACK_STATUSES:
        raise AckError(f"处理状态“{status}”无效：应为 {'、'.join(ACK_STATUSES)}")
    return s


def resolve_findings(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[dict]:
    """The findings named by `ids` (full ids or unique prefixes of at least MIN_PREFIX characters), in the
    order given, without repeats. AckError names the first id that matches none or more than one."""
    if not ids:
        raise AckError("请给出要处理的核对发现编号（jixiao ack --list 查看）")
    out: dict[str, dict] = {}
    cols = ", ".join(FINDING_COLUMNS)
    for raw in ids:
        key = (raw or "").strip().lower()
        if len(key) < MIN_PREFIX:
            raise AckError(f"核对发现编号“{raw}”太短：至少给出前 {MIN_PREFIX} 个字符")
        rows = con.execute(
            f"select {cols} from marts.fct_reconciliation_findings where starts_with(finding_id, ?) order by finding_id",
            [key],
        ).fetchall()
        if not rows:
            raise AckError(
                f"找不到核对发现“{raw}”：它可能已随更正的提交消失（jixiao ack --list 查看现有的发现）"
            )
        if len(rows) > 1:
            raise AckError(f"核对发现编号“{raw}”不唯一（{len(rows)} 条以它开头）：请多给几个字符")
        out.setdefault(rows[0][0], dict(zip(FINDING_COLUMNS, rows[0], strict=True)))
    return list(out.values())


def _check_note(note: str) -> str:
    n = (note or "").strip()
    if not n:
        raise AckError("请填写处理说明（为什么确认无误、如何整改或待谁整改）")
    if len(n) > MAX_NOTE:
        raise AckError(f"处理说明太长：{len(n)} 字，最多 {MAX_NOTE} 字")
    return n


OLD_WAREHOUSE = "仓库由较早的版本构建，还没有核对发现处理记录表：先运行 jixiao build（不需要输入）"


def _live(warehouse: Path | None) -> Path:
    live = (warehouse or W.default_warehouse()).resolve()
    if not live.exists():
        raise AckError(f"仓库不存在：{live}；先运行 jixiao build。", EXIT_NOT_FOUND)
    return live


def acknowledge(
    ids: list[str],
    status: str,
    note: str,
    *,
    actor: str | None = None,
    warehouse: Path | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> AckResult:
    """Acknowledge the findings `ids` with `status` and `note` as `actor` (default: current_actor()).

    Validated on the live file first (a quick refusal), then again on the build's copy inside the build
    lock (a build that ran meanwhile may have removed a finding). One operation-log entry for the lot.
    Raises AckError (exit 2; 7 when there is no warehouse), or what app.pipeline.build raises
    (WarehouseError, BuildFailed): then nothing was written.
    """
    from app.pipeline import build

    status = normalise_status(status)
    note = _check_note(note)
    actor = actor or current_actor()
    live = _live(warehouse)
    with contextlib.closing(W.connect_readonly(live)) as con:
        if not W.is_built(con):
            raise AckError(f"仓库中还没有计算结果（marts）：{live}；先运行 jixiao build。", EXIT_NOT_FOUND)
        resolve_findings(con, ids)
    acked: list[dict] = []

    def edit(con: duckdb.DuckDBPyConnection, result) -> None:
        findings = resolve_findings(con, ids)
        seq = con.execute("select coalesce(max(ack_seq), 0) from audit.finding_acks").fetchone()[0]
        now = datetime.now().replace(microsecond=0)
        for i, f in enumerate(findings, 1):
            con.execute(
                "insert into audit.finding_acks values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    seq + i,
                    f["finding_id"],
                    status,
                    note,
                    actor,
                    now,
                    f["dept_code"],
                    f["fiscal_year"],
                    f["framework_code"],
                    f["check_code"],
                    f["severity"],
                    f["item"],
                    f["message"],
                    result.run_id,
                ],
            )
            acked.append({**f, "status": status})
        what = "、".join(f"{f['dept_code']} {f['fiscal_year']} {f['item']}" for f in findings[:3])
        more = f" 等 {len(findings)} 条" if len(findings) > 3 else ""
        oplog.record(
            con,
            actor,
            "ack",
            f"核对发现标记为“{status}”：{what}{more}",
            {"finding_ids": [f["finding_id"] for f in findings], "status": status, "note": note},
            result.run_id,
        )

    result = build(
        [], live, run_dbt=False, run_checks=True, on_stage=on_stage, on_notice=on_notice, edit=edit
    )
    return AckResult(result.run_id, acked, result.checks)


def findings_with_status(
    warehouse: Path | None = None, severities: tuple[str, ...] = ("error",), only_open: bool = False
) -> list[dict]:
    """Findings of the given severities with their current acknowledgement (status, note, acked_by,
    acked_at; None when not acknowledged), errors first. `only_open`: the unacknowledged ones only."""
    live = _live(warehouse)
    with contextlib.closing(W.connect_readonly(live)) as con:
        if not W.is_built(con):
            raise AckError(f"仓库中还没有计算结果（marts）：{live}；先运行 jixiao build。", EXIT_NOT_FOUND)
        try:
            cur = con.execute(
                f"""
            select f.finding_id, f.severity, f.dept_code, f.dept_name, f.fiscal_year, f.framework_code,
                   f.check_code, f.check_name, f.item, f.message, a.status, a.note, a.acked_by, a.acked_at
            from marts.fct_reconciliation_findings as f
            left join ({CURRENT_ACKS_SQL}) as a using (finding_id)
            where list_contains(?, f.severity) and (not ? or a.finding_id is null)
            order by f.severity_rank, f.dept_code, f.fiscal_year, f.check_code, f.item, f.finding_id
            """,
                [list(severities), only_open],
            )
        except duckdb.CatalogException:
            raise AckError(OLD_WAREHOUSE, EXIT_NOT_FOUND) from None
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def ack_history(warehouse: Path | None = None, finding_id: str | None = None) -> list[dict]:
    """Every acknowledgement (newest first), or those of one finding; includes acknowledgements whose
    finding no longer exists (`finding_exists` False)."""
    live = _live(warehouse)
    with contextlib.closing(W.connect_readonly(live)) as con:
        cur = con.execute(
            """
            select a.*, f.finding_id is not null as finding_exists
            from audit.finding_acks as a
            left join marts.fct_reconciliation_findings as f using (finding_id)
            where ? is null or a.finding_id = ?
            order by a.ack_seq desc
            """,
            [finding_id, finding_id],
        )
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
