"""批量报告: every evaluation report of a region-year under a framework, in the chosen formats, as one ZIP,
with a region summary workbook (scores, grades, partial flags, finding counts) — `jixiao report-batch` and
the 批量报告 page (a background job with progress).

Reports are rendered from the marts by app/report (one connection, the marts read once per format); the
summary is marts.fct_department_scores + fct_department_score_history. The ZIP is written where the
caller says (the page: the job's folder beside the warehouse). The batch is recorded in the operation log
through the pipeline (copy → record → swap, no dbt, no checks).
"""

from __future__ import annotations

import contextlib
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from app import warehouse as W
from app.errors import EXIT_NOT_FOUND, JixiaoError
from app.workflow import jobs, oplog
from app.workflow.actor import current_actor

FORMATS = ("docx", "pdf", "md", "html")
SUMMARY_NAME = "汇总.xlsx"


class BatchError(JixiaoError):
    """Nothing to report for that region-year-framework (exit 7), or an unknown format; `message` in Chinese."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


SUMMARY_SQL = """
select d.region_name as 区划, s.dept_code as 部门编码, d.dept_name as 部门, s.fiscal_year as 年度,
       s.framework_name as 评价体系, s.total_score as 总分, s.max_score as 满分, s.normalized_score as 换算得分,
       s.grade as 等级, case when s.grade_is_partial then '是' else '否' end as 等级仅基于部分指标,
       s.not_assessable_weight as 不可评价分值, s.person_scored_count as 评价人评分指标数,
       h.findings as 核对发现, h.errors as 错误, h.warnings as 警告
from marts.fct_department_scores s
join marts.dim_department d using (dept_code)
left join marts.fct_department_score_history h using (dept_code, fiscal_year, framework_code)
where d.region_code = ? and s.fiscal_year = ? and s.framework_code = ?
order by s.total_score desc nulls last, s.dept_code
"""


def region_batch(
    region: str,
    year: int,
    framework: str,
    formats: list[str],
    out: Path,
    *,
    warehouse: Path | None = None,
    actor: str | None = None,
    on_progress: Callable[[float, str], None] | None = None,
) -> dict:
    """Write the ZIP `out`: ``<format>/<report file>`` for every department of `region` scored in `year`
    under `framework`, and ``汇总.xlsx``. Returns {"zip", "reports" (count), "departments", "formats"}.
    Raises BatchError (no such region-year-framework, unknown format); the ZIP is complete or absent."""
    from app.dashboard.exports import xlsx_bytes
    from app.report.render import render_many

    wh = (warehouse or W.default_warehouse()).resolve()
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise BatchError(f"报告格式无效：{'、'.join(bad) or '（未选择）'}；可选 {'、'.join(FORMATS)}")
    if not wh.exists():
        raise BatchError(f"仓库不存在：{wh}；先运行 jixiao build。")
    say = on_progress or (lambda p, m: None)
    out = Path(out)
    with contextlib.closing(W.connect_readonly(wh)) as con:
        summary = con.execute(SUMMARY_SQL, [region, year, framework]).df()
        if summary.empty:
            raise BatchError(f"区划 {region} {year} 年在评价体系 {framework} 下没有评分结果")
        keys = [(d, int(year), framework) for d in summary["部门编码"]]
        with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
            part = Path(tmp) / out.name
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
                for i, fmt in enumerate(formats):
                    say(i / (len(formats) + 1), f"生成 {fmt} 报告（{len(keys)} 份）")
                    for p in render_many(None, Path(tmp) / fmt, fmt, keys, con=con):
                        z.write(p, f"{fmt}/{p.name}")
                say(len(formats) / (len(formats) + 1), "生成汇总表")
                z.writestr(
                    SUMMARY_NAME,
                    xlsx_bytes(
                        {"汇总": summary},
                        score=["总分", "满分", "换算得分", "不可评价分值"],
                        title=f"{summary['区划'].iloc[0]} {year} 年 {summary['评价体系'].iloc[0]} 评价结果汇总",
                    ),
                )
            part.replace(out)
    _record(wh, actor or current_actor(), region, year, framework, formats, len(keys))
    say(1.0, "完成")
    return {
        "zip": str(out),
        "reports": len(keys) * len(formats),
        "departments": len(keys),
        "formats": formats,
    }


def _record(wh: Path, actor: str, region: str, year: int, framework: str, formats: list[str], n: int) -> None:
    """The batch in the operation log, through the pipeline (no dbt, no checks)."""
    from app.pipeline import build

    summary = f"批量报告：区划 {region} {year} 年 {framework}，{n} 个部门 × {'、'.join(formats)}"
    detail = {"region": region, "year": year, "framework": framework, "formats": formats, "departments": n}
    build(
        [],
        wh,
        run_dbt=False,
        run_checks=False,
        edit=lambda con, result: oplog.record(con, actor, "report_batch", summary, detail, result.run_id),
    )


def summary_frame(warehouse: Path, region: str, year: int, framework: str) -> pd.DataFrame:
    """The summary sheet's rows (for a preview)."""
    with contextlib.closing(W.connect_readonly(warehouse)) as con:
        return con.execute(SUMMARY_SQL, [region, year, framework]).df()


def _run_batch(params: dict, actor: str, warehouse: Path, p: jobs.Progress) -> dict:
    def progress(frac: float, msg: str) -> None:
        p.update(state="running", stage="reports", stage_zh=msg, progress=frac)

    return region_batch(
        params["region"],
        int(params["year"]),
        params["framework"],
        list(params["formats"]),
        Path(p.job) / params["file_name"],
        warehouse=warehouse,
        actor=actor,
        on_progress=progress,
    )


jobs.register("report_batch", _run_batch)
