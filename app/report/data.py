"""What an evaluation report says, read from the warehouse into plain Python (``ReportContext``).

One read-only DuckDB connection; one query per table for a whole batch of reports (``ReportData``), so
generating every report of a warehouse costs a handful of queries, not a handful per report. The reads:

* public marts (the contract in shared/spec/warehouse-tables.md): ``dim_department``,
  ``fct_department_scores``, ``fct_level1_scores``, ``fct_indicator_scores``, ``fct_indicator_values``,
  ``fct_project_scores``, ``fct_reconciliation_findings``;
* the frameworks and the wording: ``dim_framework`` (titles, descriptions), ``dim_framework_grade`` (grade
  bands), ``dim_framework_level`` (level names), ``dim_label`` (严重程度, 评分状态, 核对类别);
* every figure the report quotes, computed in SQL: ``fct_level2_scores`` (level-2 subtotals),
  ``fct_budget_execution_summary`` (the budget tables: lines, subtotals, totals, rates),
  ``fct_department_year_finance`` (shares, 三公, staffing, carryover, 重点支出),
  ``fct_department_score_history`` (change on the previous year, finding counts),
  ``fct_reported_totals`` (a report's own total, the grade it earns by the framework's grade_basis, and
  where the claim says it comes from) and ``fct_survey_results`` (the survey table by question);
* the optional texts: ``fct_department_profile`` (部门职责, 机构设置, 人员情况, 内部控制) and
  ``fct_evaluation_items`` (委托单位, 评价机构, 评价日期, 评价思路, 评价方法, 问题及原因, 改进建议).
  A text that was not submitted is None (an empty list for the two lists): the template says so.

Only ``marts``, no probing of the schema, and no figure recomputed here: Python groups rows for the
templates and formats nothing (formatting is app/numbers.py, through the template filters).

Amounts stay ``Decimal`` (exact cents); formatting happens in the templates (filters in render.py).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import duckdb

from app.errors import EXIT_NOT_FOUND, JixiaoError

Key = tuple[str, int, str]  # (dept_code, fiscal_year, framework_code)


class ReportNotFound(JixiaoError, LookupError):
    """No scores for this department-year-framework: there is nothing to report."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, dept_code: str, year: int, framework_code: str, hint: str = ""):
        self.dept_code, self.year, self.framework_code = dept_code, year, framework_code
        msg = (
            f"没有找到部门 {dept_code} {year} 年度在评价体系 {framework_code} 下的评分结果，无法生成评价报告"
        )
        super().__init__(msg + (f"。{hint}" if hint else "。"))


class Row(dict):
    """A dict whose keys read as attributes too (``row.total``): the templates' variables. Jinja tries an
    attribute before an item, so this spares it a failed getattr on every lookup."""

    __slots__ = ()

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


@dataclasses.dataclass
class ReportContext:
    """Everything one report prints, as plain dicts and lists (the templates' variables)."""

    key: Key
    year: int
    report: dict  # title, generated_at
    dept: dict  # dim_department row + parent_name, units
    framework: dict  # code, name, description, scope, grade_basis, is_letter, is_project
    score: dict  # fct_department_scores row (+ reported total/grade when the findings have them)
    grades: list[dict]  # grade bands
    levels: list[dict]  # level 1 → level 2 → indicators (department level)
    indicators: list[dict]  # department-level indicators in framework order
    projects: list[dict]  # project frameworks: one entry per project with its levels
    budget: dict | None  # categories, totals, shares, ledger tables
    facts: dict  # staff, 三公, carryover, procurement (None when unknown)
    findings: list[dict]  # most severe first
    finding_counts: dict
    contradictions: list[dict]  # reported-vs-computed errors (the report contradicts its own rule)
    trend: dict | None  # several years: scores and budget per year
    profile: (
        dict  # 部门职责 / 机构设置 / 人员情况 / 内部控制: each a list of paragraphs, empty when not submitted
    )
    evaluation: dict  # commissioner, agency, date_text, approach, method (paragraph lists), problems, advice
    survey: list[dict]  # marts.fct_survey_results rows, questions then the total row; empty when none

    def as_dict(self) -> dict[str, Any]:
        """The template variables."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


# ---------------------------------------------------------------------------- helpers


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [Row(zip(cols, r)) for r in cur.fetchall()]


def _dec(x) -> Decimal | None:
    if x is None:
        return None
    if isinstance(x, Decimal):
        return x
    if isinstance(x, float) and x != x:  # NaN
        return None
    return Decimal(str(x))


def _money(r: dict) -> dict:
    """A row of marts.fct_budget_execution_summary as the templates name its figures."""
    return Row(
        {
            "label": r["label"],
            "original": r["original_budget"],
            "adjustment": r["adjustment"],
            "adjusted": r["adjusted_budget"],
            "paid": r["actual_paid"],
            "balance": r["balance"],
            "rate": r["execution_rate"],
        }
    )


# an expense type the department has no line of (the template prints its 0.00)
_NO_MONEY = Row(
    label="",
    original=Decimal(0),
    adjustment=Decimal(0),
    adjusted=Decimal(0),
    paid=Decimal(0),
    balance=Decimal(0),
    rate=None,
)


_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


# an English gloss after a Chinese name in the frameworks' seeds: 总支出结果（Aggregate expenditure outturn）
_LATIN_GLOSS = re.compile(r"\s*[（(][A-Za-z][A-Za-z \-/,.'&]*[）)]")


def zh_name(name: str | None) -> str | None:
    """A framework's indicator or level name as the report prints it: without an English gloss in
    brackets (the report speaks Chinese; codes such as PI-1.1 stay)."""
    if not name:
        return name
    return _LATIN_GLOSS.sub("", str(name)) or str(name)


def paragraphs(text: str | None) -> list[str]:
    """A submitted long text as its paragraphs (one per line; blank lines dropped). None -> []."""
    if not text:
        return []
    return [p.strip() for p in _LINE_BREAKS.split(str(text)) if p.strip()]


def source_name(source_file: str | None, source_row: int | None) -> str:
    """Where a figure came from, named as the submission names it: a template file is called by its
    Chinese name (``reported_results.csv`` row 12 -> 报送的报告值表第 12 行); another file by its name."""
    if not source_file and not source_row:
        return ""
    from ingest.templates import template_for  # the templates' Chinese names (no database read)

    stem = PurePath(str(source_file or "")).stem
    t = template_for(stem) if stem else None
    where = f"报送的{t.zh}表" if t else (f"报送文件“{source_file}”" if source_file else "报送的数据")
    return f"{where}第 {source_row} 行" if source_row else where


def _in_list(col: str, values: list | None, params: list) -> str:
    if values is None:
        return "true"
    params.append(list(values))
    return f"list_contains(?, {col})"


# ---------------------------------------------------------------------------- batch reader


class ReportData:
    """The warehouse rows for a batch of reports, read with one query per table and grouped in memory.

    ``depts``/``years``/``frameworks`` limit what is read (None = everything). Per-year detail (indicators,
    findings, ledger lines) is read for ``years`` only; what the trend needs (department scores, level-1
    subtotals, budget execution, finding counts) is read for every year of the departments.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        depts: list[str] | None = None,
        years: list[int] | None = None,
        frameworks: list[str] | None = None,
    ):
        self.con = con
        self.generated_at = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
        self._load_reference()
        self._load(depts, years, frameworks)

    # -- reference data (small, read whole)

    def _load_reference(self) -> None:
        con = self.con
        self.departments = {r["dept_code"]: r for r in _rows(con, "select * from marts.dim_department")}
        self.units = defaultdict(list)
        for r in sorted(self.departments.values(), key=lambda r: r["dept_code"]):
            if r.get("parent_dept_code"):
                self.units[r["parent_dept_code"]].append(r)
        self.fw_meta = {r["framework_code"]: r for r in _rows(con, "select * from marts.dim_framework")}
        # the wording of codes (严重程度, 评分状态, 核对类别): marts.dim_label, the same as the dashboard's
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for r in _rows(con, "select kind, code, label from marts.dim_label"):
            self.labels[r["kind"]][r["code"]] = r["label"]
        self.grade_bands: dict[str, list[dict]] = defaultdict(list)
        for r in _rows(con, "select * from marts.dim_framework_grade order by framework_code, sort_order"):
            self.grade_bands[r["framework_code"]].append(r)
        self.level_meta: dict[tuple[str, str], dict] = {}
        for r in _rows(con, "select * from marts.dim_framework_level"):
            self.level_meta[(r["framework_code"], r["level_code"])] = r

    # -- the batch

    def _load(self, depts, years, frameworks) -> None:
        con = self.con

        # department scores, all years (trend)
        p: list = []
        w = f"{_in_list('dept_code', depts, p)} and {_in_list('framework_code', frameworks, p)}"
        self.dept_scores: dict[Key, dict] = {}
        self.dept_years: dict[tuple[str, str], list[int]] = defaultdict(list)
        for r in _rows(con, f"select * from marts.fct_department_scores where {w} order by fiscal_year", p):
            k = (r["dept_code"], int(r["fiscal_year"]), r["framework_code"])
            self.dept_scores[k] = r
            self.dept_years[(r["dept_code"], r["framework_code"])].append(int(r["fiscal_year"]))

        # level-1 subtotals, all years (department level and per project)
        p = []
        w = f"{_in_list('dept_code', depts, p)} and {_in_list('framework_code', frameworks, p)}"
        self.level1: dict[Key, list[dict]] = defaultdict(list)
        for r in _rows(
            con, f"select * from marts.fct_level1_scores where {w} order by sort_order, level1_code", p
        ):
            self.level1[(r["dept_code"], int(r["fiscal_year"]), r["framework_code"])].append(r)

        # year-over-year change and finding counts, all years (trend)
        p = []
        w = f"{_in_list('dept_code', depts, p)} and {_in_list('framework_code', frameworks, p)}"
        self.history: dict[Key, dict] = {}
        for r in _rows(con, f"select * from marts.fct_department_score_history where {w}", p):
            self.history[(r["dept_code"], int(r["fiscal_year"]), r["framework_code"])] = r

        # indicator scores and values, report years only
        p = []
        w = " and ".join(
            [
                _in_list("dept_code", depts, p),
                _in_list("fiscal_year", years, p),
                _in_list("framework_code", frameworks, p),
            ]
        )
        self.indicators: dict[Key, list[dict]] = defaultdict(list)
        for r in _rows(
            con,
            f"select * from marts.fct_indicator_scores where {w} order by coalesce(project_code, ''), sort_order, indicator_code",
            p,
        ):
            self.indicators[(r["dept_code"], int(r["fiscal_year"]), r["framework_code"])].append(r)
        self.values: dict[tuple, dict] = {}
        for r in _rows(
            con,
            f"""select dept_code, fiscal_year, framework_code, indicator_code, coalesce(project_code, '') as project_code,
                       calc_text, inputs, missing_inputs
                from marts.fct_indicator_values where {w} and coalesce(part_code, '') = ''""",
            p,
        ):
            self.values[
                (
                    r["dept_code"],
                    int(r["fiscal_year"]),
                    r["framework_code"],
                    r["indicator_code"],
                    r["project_code"],
                )
            ] = r
        self.projects: dict[Key, list[dict]] = defaultdict(list)
        for r in _rows(con, f"select * from marts.fct_project_scores where {w} order by project_code", p):
            self.projects[(r["dept_code"], int(r["fiscal_year"]), r["framework_code"])].append(r)
        # level-2 subtotals, report years only
        self.level2: dict[Key, dict[tuple[str, str], dict]] = defaultdict(dict)
        for r in _rows(con, f"select * from marts.fct_level2_scores where {w}", p):
            key = (r["dept_code"], int(r["fiscal_year"]), r["framework_code"])
            self.level2[key][(r["project_code"] or "", r["level2_code"])] = r
        # the report's own total where it differs from the computed one, graded by the framework's grade_basis
        self.reported_totals: dict[Key, dict] = {}
        for r in _rows(con, f"select * from marts.fct_reported_totals where {w} and differs", p):
            self.reported_totals[(r["dept_code"], int(r["fiscal_year"]), r["framework_code"])] = r

        # department-year facts quoted in the report: shares, 三公, staffing, carryover, 重点支出… (one mart row)
        p = []
        w = f"{_in_list('dept_code', depts, p)} and {_in_list('fiscal_year', years, p)}"
        self.facts: dict[tuple[str, int], dict] = {}
        for r in _rows(con, f"select * from marts.fct_department_year_finance where {w}", p):
            self.facts[(r["dept_code"], int(r["fiscal_year"]))] = r

        # the budget tables (lines, category subtotals, expense-type totals, total), all years (trend)
        p = []
        w = _in_list("dept_code", depts, p)
        self.budget: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for r in _rows(
            con,
            f"""select * from marts.fct_budget_execution_summary where {w}
                order by expense_type_order, category_order, row_level, label""",
            p,
        ):
            self.budget[(r["dept_code"], int(r["fiscal_year"]))].append(r)

        # the optional texts and the survey by question, report years only
        p = []
        w = f"{_in_list('dept_code', depts, p)} and {_in_list('fiscal_year', years, p)}"
        self.profiles: dict[tuple[str, int], dict] = {}
        for r in _rows(con, f"select * from marts.fct_department_profile where {w}", p):
            self.profiles[(r["dept_code"], int(r["fiscal_year"]))] = r
        self.evaluations: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for r in _rows(
            con, f"select * from marts.fct_evaluation_items where {w} order by item_order, seq", p
        ):
            self.evaluations[(r["dept_code"], int(r["fiscal_year"]))].append(r)
        self.surveys: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for r in _rows(con, f"select * from marts.fct_survey_results where {w} order by question_order", p):
            self.surveys[(r["dept_code"], int(r["fiscal_year"]))].append(r)

        # findings: detail for the report years, counts for every year
        p = []
        w = _in_list("dept_code", depts, p)
        self.findings: dict[tuple[str, int], list[dict]] = defaultdict(list)
        for r in _rows(
            con, f"select * exclude (finding_id) from marts.fct_reconciliation_findings where {w}", p
        ):
            self.findings[(r["dept_code"], int(r["fiscal_year"]))].append(r)

    # -- one report

    def keys(self) -> list[Key]:
        return sorted(self.dept_scores)

    def context(self, dept_code: str, year: int, framework_code: str) -> ReportContext:
        key = (dept_code, int(year), framework_code)
        srow = self.dept_scores.get(key)
        if srow is None:
            raise ReportNotFound(dept_code, year, framework_code, self._hint(dept_code, framework_code))
        dept = self._dept(dept_code)
        fw = self._framework(framework_code, srow)
        inds = self._indicators(key)
        dept_inds = [i for i in inds if not i["project_code"]]
        findings = self._findings(key)
        # the report's own claims about an indicator or a subtotal, next to it in 四、绩效评价结果
        claims: dict[str, list[dict]] = defaultdict(list)
        for f in findings:
            if f.get("check_category") == "reported" and not f.get("project_code") and f.get("item"):
                claims[str(f["item"]).split()[0]].append(f)
        for i in dept_inds:
            i["reported"] = claims.get(i["code"], [])
        levels = self._levels(key, dept_inds, self.level1.get(key, []), "")
        for lv in levels:
            lv["reported"] = claims.get(lv["code"], [])
        score = Row(srow)
        score["reported_total"] = score["reported_grade"] = score["reported_source"] = None
        reported = self.reported_totals.get(key)
        if reported is not None:
            score["reported_total"] = reported["reported_total"]
            score["reported_grade"] = reported["reported_grade"]
            # who made the claim, as the 报告值 row's 来源 names it (an evaluation agency's report, a
            # department's self-evaluation…); else where the row is
            score["reported_source"] = reported.get("claim_source") or source_name(
                reported.get("source_file"), reported.get("source_row")
            )
        return ReportContext(
            key=key,
            year=int(year),
            report=Row(
                title=f"{dept['dept_name']} {year}年度{fw['report_title']}",
                generated_at=self.generated_at,
            ),
            dept=dept,
            framework=fw,
            score=score,
            grades=self.grade_bands.get(framework_code, []),
            levels=levels,
            indicators=dept_inds,
            projects=self._projects(key, inds) if fw["is_project"] else [],
            budget=self._budget(dept_code, int(year)),
            facts=self._facts(dept_code, int(year)),
            findings=findings,
            finding_counts=Row(
                error=self.history[key]["errors"],
                warning=self.history[key]["warnings"],
                info=self.history[key]["infos"],
            ),
            contradictions=[
                f for f in findings if f["severity"] == "error" and f.get("check_category") == "reported"
            ],
            trend=self._trend(dept_code, framework_code),
            profile=self._profile(dept_code, int(year)),
            evaluation=self._evaluation(dept_code, int(year), framework_code),
            survey=[Row(r) for r in self.surveys.get((dept_code, int(year)), [])],
        )

    def _profile(self, dept_code: str, year: int) -> dict:
        r = self.profiles.get((dept_code, year)) or {}
        return Row(
            {
                "duties": paragraphs(r.get("duties")),
                "organization": paragraphs(r.get("organization")),
                "staffing": paragraphs(r.get("staffing_text")),
                "internal_control": paragraphs(r.get("internal_control")),
            }
        )

    def _evaluation(self, dept_code: str, year: int, framework_code: str) -> dict:
        """The evaluation's items for this framework: its own rows, else the rows without a framework."""
        rows = self.evaluations.get((dept_code, year), [])
        own = [r for r in rows if r.get("framework_code") == framework_code]
        rows = own or [r for r in rows if not r.get("framework_code")]
        by_item: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            by_item[r["item"]].append(r)

        def one(item: str, col: str = "content"):
            return by_item[item][0][col] if by_item.get(item) else None

        return Row(
            {
                "commissioner": one("委托单位"),
                "agency": one("评价机构"),
                "date_text": one("评价日期", "evaluation_date_text"),
                "approach": paragraphs(one("评价思路")),
                "method": paragraphs(one("评价方法")),
                "problems": [paragraphs(r["content"]) for r in by_item.get("问题及原因", [])],
                "advice": [paragraphs(r["content"]) for r in by_item.get("改进建议", [])],
            }
        )

    def _hint(self, dept_code: str, framework_code: str) -> str:
        if dept_code not in self.departments:
            return f"部门编码 {dept_code} 不在仓库中（marts.dim_department）"
        rows = self.con.execute(
            """select framework_code, list(distinct fiscal_year order by fiscal_year) from marts.fct_department_scores
               where dept_code = ? group by 1 order by 1""",
            [dept_code],
        ).fetchall()
        years = dict(rows).get(framework_code)
        if years:
            return f"该部门在此评价体系下有评分的年度：{'、'.join(str(y) for y in years)}"
        if rows:
            return f"该部门有评分的评价体系：{'、'.join(r[0] for r in rows)}"
        return "该部门没有任何评分结果"

    def _dept(self, dept_code: str) -> dict:
        d = Row(self.departments.get(dept_code) or {"dept_code": dept_code, "dept_name": dept_code})
        parent = self.departments.get(d.get("parent_dept_code") or "")
        d["parent_name"] = parent["dept_name"] if parent else None
        d["units"] = [
            Row(dept_code=u["dept_code"], dept_name=u["dept_name"]) for u in self.units.get(dept_code, [])
        ]
        return d

    def _framework(self, code: str, srow: dict) -> dict:
        meta = self.fw_meta[code]
        return Row(
            {
                "code": code,
                "name": meta["framework_name"],
                "report_title": meta["report_title"],
                "description": meta["description"],
                "source_doc": meta["source_doc"],
                "scope": meta["scope"],
                "grade_basis": meta["grade_basis"],
                "is_letter": meta["is_letter"],
                "is_project": meta["is_project"],
                "is_normalized": meta["grade_basis"] == "normalized",
            }
        )

    def _indicators(self, key: Key) -> list[dict]:
        out = []
        for r in self.indicators.get(key, []):
            pc = r.get("project_code") or ""
            v = self.values.get((*key, r["indicator_code"], pc)) or {}
            status = r.get("scoring_status") or (
                "not_assessable" if not r.get("assessable") else r.get("scored_by")
            )
            out.append(
                Row(
                    {
                        "code": r["indicator_code"],
                        "name": zh_name(r.get("indicator_name")) or r["indicator_code"],
                        "project_code": pc,
                        "level1": r.get("level1_code"),
                        "level2": r.get("level2_code"),
                        "weight": _dec(r.get("weight")),
                        "score": _dec(r.get("score")),
                        "letter": r.get("letter"),
                        "rule_type": r.get("rule_type"),
                        "rule_text": zh_name(r.get("rule_text")),
                        "scored_by": r.get("scored_by"),
                        "assessable": bool(r.get("assessable")),
                        "status": status,
                        "status_zh": self.labels["scoring_status"].get(status, status),
                        "is_info": r.get("rule_type") == "info" or status == "info",
                        "is_deduction": (_dec(r.get("weight")) or 0) < 0,
                        "value": _dec(r.get("value")),
                        "unit": r.get("unit"),
                        "explanation": zh_name(r.get("explanation")),
                        "evidence": r.get("evidence"),
                        "scorer": r.get("scorer"),
                        "reason": r.get("not_assessable_reason"),
                        "calc_text": v.get("calc_text"),
                        "inputs": v.get("inputs"),
                        "missing_inputs": v.get("missing_inputs"),
                        "reported": [],
                    }
                )
            )
        return out

    def _levels(self, key: Key, inds: list[dict], l1_rows: list[dict], project_code: str) -> list[dict]:
        """Level 1 → level 2 → indicators; every subtotal from marts.fct_level1_scores / fct_level2_scores."""
        fw = key[2]
        rows = [r for r in l1_rows if (r.get("project_code") or "") == project_code]
        l2_rows = self.level2.get(key, {})
        by_l1: dict[str, list[dict]] = defaultdict(list)
        for i in inds:
            by_l1[i["level1"]].append(i)
        out = []
        for r in sorted(rows, key=lambda r: (r.get("sort_order") or 0, r["level1_code"])):
            code = r["level1_code"]
            items = by_l1.get(code, [])
            level2: list[dict] = []
            by_code: dict[str | None, dict] = {}
            for i in items:
                l2 = i["level2"]
                if l2 not in by_code:
                    sub = l2_rows.get((project_code, l2), {})
                    name2 = zh_name(sub.get("level_name"))
                    if not name2 and l2:  # a level 2 that is its only indicator (merged in the framework)
                        same = next((x for x in items if x["code"] == l2), None)
                        name2 = same["name"] if same else None
                    by_code[l2] = Row(
                        code=l2,
                        name=name2,
                        weight=_dec(sub.get("weight")),
                        score=_dec(sub.get("score")),
                        not_assessable_weight=_dec(sub.get("not_assessable_weight")),
                        indicators=[],
                    )
                    level2.append(by_code[l2])
                by_code[l2]["indicators"].append(i)
            out.append(
                Row(
                    {
                        "code": code,
                        "name": zh_name(
                            r.get("level_name") or self.level_meta.get((fw, code), {}).get("level_name")
                        )
                        or code,
                        "weight": _dec(r.get("weight")),
                        "score": _dec(r.get("score")),
                        "letter": r.get("letter"),
                        "not_assessable_weight": _dec(r.get("not_assessable_weight")),
                        "level2": level2,
                        "indicators": items,
                        "reported": [],
                    }
                )
            )
        return out

    def _projects(self, key: Key, inds: list[dict]) -> list[dict]:
        by_proj: dict[str, list[dict]] = defaultdict(list)
        for i in inds:
            if i["project_code"]:
                by_proj[i["project_code"]].append(i)
        out = []
        for p in self.projects.get(key, []):
            code = p["project_code"]
            items = by_proj.get(code, [])
            entry = Row(p)
            entry["levels"] = self._levels(key, items, self.level1.get(key, []), code)
            entry["indicators"] = items
            out.append(entry)
        return out

    def _budget(self, dept_code: str, year: int) -> dict | None:
        """The 支出 section: every row and figure from marts.fct_budget_execution_summary, shares from
        marts.fct_department_year_finance."""
        rows = self.budget.get((dept_code, year))
        if not rows:
            return None
        by_level = defaultdict(list)
        for r in rows:
            by_level[r["row_level"]].append(r)
        cat = {r["category"]: _money(r) for r in by_level["category"]}
        types = {r["expense_type"]: _money(r) for r in by_level["expense_type"]}
        f = self.facts.get((dept_code, year)) or {}
        shares = Row(
            {
                "personnel_of_basic": f.get("personnel_share_of_basic"),
                "public_of_basic": f.get("public_share_of_basic"),
                "operating_of_project": f.get("operating_share_of_project"),
                "specific_of_project": f.get("specific_share_of_project"),
                "basic_of_total": f.get("basic_share_of_total"),
                "project_of_total": f.get("project_share_of_total"),
            }
        )
        tables = []
        for et in by_level["expense_type"]:
            groups = [
                Row(
                    {
                        "category": cr["category"],
                        "lines": [
                            _money(x)
                            for x in sorted(by_level["line"], key=lambda x: x["label"])
                            if x["expense_type"] == et["expense_type"] and x["category"] == cr["category"]
                        ],
                        "subtotal": _money(cr),
                    }
                )
                for cr in by_level["category"]
                if cr["expense_type"] == et["expense_type"]
            ]
            tables.append(Row(expense_type=et["expense_type"], groups=groups, total=_money(et)))
        return Row(
            {
                "categories": cat,
                "basic": types.get("基本支出", _NO_MONEY),
                "project": types.get("项目支出", _NO_MONEY),
                "total": _money(by_level["total"][0]),
                "shares": shares,
                "tables": tables,
                "by_type": [t["total"] for t in tables],
                "has_lines": bool(by_level["line"]),
            }
        )

    def _facts(self, dept_code: str, year: int) -> dict:
        f = self.facts.get((dept_code, year)) or {}
        return Row(
            {
                "staff_actual": f.get("staff_actual"),
                "staff_authorized": f.get("staff_authorized"),
                "three_public_actual": f.get("three_public_actual"),
                "three_public_budget": f.get("three_public_budget"),
                "three_public_prior": f.get("three_public_actual_prior"),
                "carryover_opening": f.get("carryover_opening"),
                "carryover_closing": f.get("carryover_closing"),
                "procurement_actual": f.get("procurement_actual"),
                "procurement_budget": f.get("procurement_budget"),
                "key_expenditure": f.get("key_expenditure"),
            }
        )

    def _findings(self, key: Key) -> list[dict]:
        dept_code, year, fw = key
        out = []
        for r in self.findings.get((dept_code, year), []):
            if r.get("framework_code") not in (None, "", fw):
                continue
            d = Row(r)
            d["severity_zh"] = self.labels["severity"].get(r["severity"], r["severity"])
            d["category_zh"] = self.labels["check_category"].get(
                r.get("check_category"), r.get("check_category")
            )
            d["source"] = source_name(r.get("source_file"), r.get("source_row"))
            out.append(d)
        out.sort(key=lambda f: (f["severity_rank"], f.get("check_code") or "", f.get("item") or ""))
        for n, f in enumerate(out, 1):
            f["n"] = n
        return out

    def _trend(self, dept_code: str, framework_code: str) -> dict | None:
        years = self.dept_years.get((dept_code, framework_code), [])
        if len(years) < 2:
            return None
        level_codes: list[tuple[str, str]] = []
        rows = []
        for y in years:
            k = (dept_code, y, framework_code)
            s = self.dept_scores[k]
            l1 = {r["level1_code"]: r for r in self.level1.get(k, []) if not (r.get("project_code") or "")}
            for r in sorted(l1.values(), key=lambda r: (r.get("sort_order") or 0, r["level1_code"])):
                if (r["level1_code"], zh_name(r.get("level_name"))) not in level_codes:
                    level_codes.append((r["level1_code"], zh_name(r.get("level_name"))))
            money = next(
                (_money(r) for r in self.budget.get((dept_code, y), []) if r["row_level"] == "total"), None
            )
            h = self.history[k]
            total = _dec(s.get("total_score"))
            rows.append(
                Row(
                    {
                        "year": y,
                        "total": total,
                        "normalized": _dec(s.get("normalized_score")),
                        "grade": s.get("grade"),
                        "change": h["total_score_change"],
                        "not_assessable_weight": _dec(s.get("not_assessable_weight")),
                        "levels": {
                            c: (_dec(r.get("score")) if r.get("letter") is None else r.get("letter"))
                            for c, r in l1.items()
                        },
                        "budget": money,
                        "findings": h["findings"],
                        "errors": h["errors"],
                    }
                )
            )
        return Row(years=years, rows=rows, level_codes=[Row(code=c, name=n) for c, n in level_codes])


def load_context(
    con: duckdb.DuckDBPyConnection, dept_code: str, year: int, framework_code: str
) -> ReportContext:
    """The context of one report (raises ReportNotFound)."""
    return ReportData(con, depts=[dept_code], years=[int(year)], frameworks=[framework_code]).context(
        dept_code, int(year), framework_code
    )
