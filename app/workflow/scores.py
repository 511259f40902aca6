"""评价人评分: an evaluator scores the manual indicators of a department-year-framework, with evidence.

The scores are saved as a ``qualitative_scores`` submission, ``评价人评分-<dept>-<year>-<framework>`` (one
CSV, the template's columns), loaded like any other (app/workflow/submissions.py: the submissions store,
the atomic pipeline, audit.submissions, the operation log). Its rows hold every evaluator score of that
department-year-framework — the ones entered now and the current ones kept — because the latest loaded
submission with scores for a department-year-framework is the current one (stg_qualitative_scores).
A score above the indicator's weight is refused here (the page caps its input at the weight), and by
ingest's own rule.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from app import numbers as N
from app import warehouse as W
from app.errors import EXIT_INPUT_REFUSED, EXIT_NOT_FOUND, JixiaoError
from app.workflow import jobs, submissions
from app.workflow.actor import current_actor

COLUMNS = ("dept_code", "fiscal_year", "framework_code", "indicator_code", "score", "scorer", "evidence")
MAX_EVIDENCE = 2000


class ScoreError(JixiaoError):
    """A score entry refused before anything was written; `message` is one Chinese line."""

    exit_code = EXIT_INPUT_REFUSED

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


@dataclass
class Indicator:
    """A manual indicator of a department-year-framework and its current evaluator score (None: none yet)."""

    code: str
    name: str
    weight: Decimal
    rule_text: str | None
    score: Decimal | None
    scorer: str | None
    evidence: str | None


SUBMISSION_PREFIX = (
    "评价人评分-"  # the submissions of entered scores (app/pipeline.py warns when one is replaced)
)


def submission_id(dept: str, year: int, framework: str) -> str:
    return f"{SUBMISSION_PREFIX}{dept}-{year}-{framework}"


def manual_indicators(warehouse: Path, dept: str, year: int, framework: str) -> list[Indicator]:
    """The department-level manual indicators (rule_type manual) of `framework` for `dept` in `year`, in the
    framework's order, from marts.fct_indicator_scores. ScoreError (exit 7) when that department-year has
    no scores under the framework."""
    with contextlib.closing(W.connect_readonly(warehouse)) as con:
        rows = con.execute(
            """select indicator_code, indicator_name, weight, rule_text, person_score, scorer, evidence
               from marts.fct_indicator_scores
               where dept_code = ? and fiscal_year = ? and framework_code = ? and project_code is null
                 and rule_type = 'manual'
               order by sort_order, indicator_code""",
            [dept, year, framework],
        ).fetchall()
        if not rows:
            n = con.execute(
                "select count(*) from marts.fct_department_scores where dept_code = ? and fiscal_year = ? and framework_code = ?",
                [dept, year, framework],
            ).fetchone()[0]
            if not n:
                raise ScoreError(f"{dept} {year} 年在评价体系 {framework} 下没有评分结果", EXIT_NOT_FOUND)
    return [Indicator(*r) for r in rows]


def _current_person_scores(warehouse: Path, dept: str, year: int, framework: str) -> dict[str, tuple]:
    """Every evaluator score now in force for the department-year-framework (manual or not): code → (score,
    scorer, evidence)."""
    with contextlib.closing(W.connect_readonly(warehouse)) as con:
        rows = con.execute(
            """select indicator_code, person_score, scorer, evidence from marts.fct_indicator_scores
               where dept_code = ? and fiscal_year = ? and framework_code = ? and project_code is null
                 and person_score is not null""",
            [dept, year, framework],
        ).fetchall()
    return {c: (s, who, ev) for c, s, who, ev in rows}


def _decimal(v) -> Decimal:
    try:
        d = Decimal(str(v).strip())
    except (InvalidOperation, ValueError):
        raise ScoreError(f"得分“{v}”不是数字") from None
    if not d.is_finite():
        raise ScoreError(f"得分“{v}”不是数字")
    return d


def scores_csv(
    warehouse: Path, dept: str, year: int, framework: str, entered: dict[str, tuple], scorer: str
) -> tuple[bytes, list[tuple]]:
    """The qualitative_scores CSV of the new version and the entered (code, name, score, weight) rows.

    `entered` maps indicator code → (score, evidence). ScoreError: an indicator that is not a manual
    indicator here, a score that is not a number, below 0 or above the weight (more than two decimals),
    an empty or overlong evidence."""
    if not entered:
        raise ScoreError("没有要保存的评分")
    manual = {i.code: i for i in manual_indicators(warehouse, dept, year, framework)}
    rows = {
        c: (s, who, ev)
        for c, (s, who, ev) in _current_person_scores(warehouse, dept, year, framework).items()
    }
    done = []
    for code, (score, evidence) in entered.items():
        ind = manual.get(code)
        if ind is None:
            raise ScoreError(
                f"{code} 不是 {framework} 的人工评分指标（可评分的：{'、'.join(manual) or '无'}）"
            )
        s = _decimal(score)
        if s < 0 or s > ind.weight:
            raise ScoreError(
                f"{code} {ind.name} 的得分 {N.score(s)} 超出范围：应在 0 到 {N.score(ind.weight)} 分之间（分值）"
            )
        if s != s.quantize(Decimal("0.01")):
            raise ScoreError(f"{code} 的得分 {s} 最多两位小数")
        ev = (evidence or "").strip()
        if not ev:
            raise ScoreError(f"请填写 {code} {ind.name} 的评分依据")
        if len(ev) > MAX_EVIDENCE:
            raise ScoreError(f"{code} 的评分依据太长：{len(ev)} 字，最多 {MAX_EVIDENCE} 字")
        rows[code] = (s, scorer, ev)
        done.append((code, ind.name, s, ind.weight))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for code in sorted(rows):
        s, who, ev = rows[code]
        w.writerow([dept, year, framework, code, f"{Decimal(s):f}", who or "", ev or ""])
    return buf.getvalue().encode("utf-8"), done


def save_scores(
    dept: str,
    year: int,
    framework: str,
    entered: dict[str, tuple],
    *,
    actor: str | None = None,
    warehouse: Path | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> dict:
    """Save evaluator scores (`entered`: code → (score, evidence)) as `actor` (the scorer recorded) and
    rebuild. Returns the upload result (submissions.load) plus "entered": [[code, name, score, weight]].
    Raises ScoreError, or what the pipeline raises; a refused submission is reported in the result."""
    wh = (warehouse or W.default_warehouse()).resolve()
    if not wh.exists():
        raise ScoreError(f"仓库不存在：{wh}；先运行 jixiao build。", EXIT_NOT_FOUND)
    actor = actor or current_actor()
    data, done = scores_csv(wh, dept, year, framework, entered, actor)
    staged = submissions.stage([("qualitative_scores.csv", data)], wh, submission_id(dept, year, framework))
    summary = f"评价人评分：{dept} {year} 年 {framework}：" + "，".join(
        f"{c} {N.score(s)} 分" for c, _, s, _ in done
    )
    out = submissions.load(
        staged, wh, actor=actor, kind="score", summary=summary, on_stage=on_stage, on_notice=on_notice
    )
    out["entered"] = [[c, n, str(s), str(wt)] for c, n, s, wt in done]
    return out


def _run_score(params: dict, actor: str, warehouse: Path, p: jobs.Progress) -> dict:
    return save_scores(
        params["dept"],
        int(params["year"]),
        params["framework"],
        {c: tuple(v) for c, v in params["entered"].items()},
        actor=actor,
        warehouse=warehouse,
        on_stage=p.stage,
        on_notice=p.notice,
    )


jobs.register("score", _run_score)
