"""One department-year's scoring table (评分表) as display frames and as a downloadable workbook.

Used by the 部门详情 page (tables and the download button) and by the tests, which check the workbook.
"""

from __future__ import annotations

import pandas as pd

from app.dashboard import data, exports, fmt
from app.dashboard.ack_status import ack_label

INDICATOR_COLUMNS = [
    "指标编码",
    "指标名称",
    "一级指标",
    "二级指标",
    "分值",
    "得分",
    "指标值",
    "评分方式",
    "评分规则",
    "说明",
]


def indicator_frame(
    ind: pd.DataFrame, levels: pd.DataFrame | None = None, project_names: dict[str, str] | None = None
) -> pd.DataFrame:
    """The scoring table (评分表) of indicator rows (``data.indicator_scores``): one row per indicator, with
    the level names of `levels`; a project framework's rows start with the project's name (not its code)."""
    scored_by = data.labels("scored_by")
    status = data.labels("scoring_status")
    names = {} if levels is None or levels.empty else dict(zip(levels.level_code, levels.level_name))
    out = pd.DataFrame(
        {
            "指标编码": ind["indicator_code"],
            "指标名称": ind["indicator_name"],
            "一级指标": [f"{c} {names[c]}" if c in names else c for c in ind["level1_code"]],
            "二级指标": [f"{c} {names[c]}" if c in names else c for c in ind["level2_code"]],
            "分值": ind["weight"],
            "得分": ind["score"],
            "指标值": [fmt.value(v, u, dash="") for v, u in zip(ind["value"], ind["unit"])],
            "评分方式": [
                status.get(st, status["not_assessable"]) if not fmt.is_true(a) else scored_by.get(s, s or "")
                for s, a, st in zip(ind["scored_by"], ind["assessable"], ind["scoring_status"])
            ],
            "评分规则": ind["rule_text"].fillna(""),
            "说明": ind["explanation"].fillna(""),
        }
    )
    if ind["project_code"].fillna("").ne("").any():
        names = project_names or {}
        out.insert(0, "项目", [names.get(c, c) for c in ind["project_code"]])
    return out


def level1_frame(l1: pd.DataFrame) -> pd.DataFrame:
    """The 一级指标 table of marts.fct_level1_scores rows (`l1`), as the marts hold them: a level with nothing
    of positive weight assessable has a NULL score there (shown blank = 不可评价)."""
    out = pd.DataFrame(
        {
            "一级指标": l1["level1_code"],
            "名称": l1["level_name"],
            "分值": l1["weight"],
            "得分": l1["score"],
            "得分率": l1["score_rate"],
            "不可评价分值": l1["not_assessable_weight"],
            "指标数": l1["indicator_count"],
            "评价人评分": l1["person_scored_count"],
        }
    )
    if l1["letter"].notna().any():
        out.insert(4, "等级", l1["letter"])
    return out


def ledger_frame(bs: pd.DataFrame) -> pd.DataFrame:
    """The report's 支出 table: 基本支出 (人员经费, 公用经费), 项目支出 (其他运转类, 特定目标类), 合计, with the
    execution rates and shares of marts.fct_budget_execution_summary (``data.budget_summary``)."""
    if bs.empty:
        return pd.DataFrame()
    names = [
        f"　{c}" if lvl == "category" else ("合计" if lvl == "total" else e)
        for lvl, e, c in zip(bs["row_level"], bs["expense_type"], bs["category"])
    ]
    return pd.DataFrame(
        {
            "项目": names,
            "年初预算": bs["original_budget"].values,
            "调整后预算": bs["adjusted_budget"].values,
            "实际支出": bs["actual_paid"].values,
            "结余": bs["balance"].values,
            "执行率": bs["execution_rate"].values,
            "支出占比": bs["share_of_parent"].values,
        }
    )


def finding_items(fd: pd.DataFrame, project_names: dict[str, str]) -> list:
    """The 核对对象 of findings (``data.findings`` rows) with a project's code replaced by its name:
    "P43040700301 执行率" → "职业技能培训补贴 执行率"."""
    out = []
    for item, code in zip(fd["item"], fd["project_code"] if "project_code" in fd else [None] * len(fd)):
        if isinstance(item, str) and isinstance(code, str) and code and code in project_names:
            item = item.replace(code, project_names[code])
        elif isinstance(item, str) and item in project_names:
            item = project_names[item]
        out.append(item)
    return out


def findings_frame(fd: pd.DataFrame) -> pd.DataFrame:
    """The findings table of the department page and of the scoring workbook."""
    severity = data.labels("severity")
    return pd.DataFrame(
        {
            "严重程度": fd["severity"].map(lambda s: severity.get(s, s)),
            "年度": fd["fiscal_year"],
            "检查": fd["check_name"].fillna(fd["check_code"]),
            "核对对象": finding_items(fd, data.project_names()),
            "应为": fd["expected"],
            "实为": fd["actual"],
            "差额": fd["difference"],
            "单位": fd["unit"].fillna(""),
            "说明": fd["message"],
            "来源文件": fd["source_file"],
            "行号": fd["source_row"],
            "处理状态": ack_label(fd, with_note=True),
        }
    )


MONEY = ["年初预算", "调整后预算", "实际支出", "结余"]
PCT = ["执行率", "支出占比", "得分率"]
SCORE = ["分值", "得分", "不可评价分值"]


def workbook(
    framework: str, framework_name: str, dept: str, year: int
) -> tuple[str, dict[str, pd.DataFrame]]:
    """(title, sheets) of the department-year's scoring table."""
    d = data.department_row(dept)
    name = d["dept_name"] if d is not None else dept
    ind = data.indicator_scores(framework, dept, year)
    l1 = data.level1(framework, dept, year)
    hist = data.dept_history(framework, dept)
    this = hist[hist.fiscal_year == year]
    levels = data.level_names(framework)
    row = this.iloc[0] if not this.empty else None

    def number(col):  # a number cell stays a number in Excel (never the text "90")
        v = None if row is None else fmt.to_decimal(row[col])
        return None if v is None else float(v)

    summary = pd.DataFrame(
        {
            "项目": [
                "部门",
                "部门编码",
                "年度",
                "评价体系",
                "总分",
                "满分",
                "等级",
                "已评价占比（%）",
                "不可评价分值",
            ],
            "内容": [
                name,
                dept,
                int(year),
                framework_name,
                number("total_score"),
                number("max_score"),
                fmt.grade_text(row["grade"], row["grade_is_partial"]) if row is not None else "—",
                number("assessed_share"),
                number("not_assessable_weight"),
            ],
        },
    ).astype({"内容": object})
    sheets = {
        "总分": summary,
        "评分表": indicator_frame(ind, levels, data.project_names(dept)),
        "一级指标": level1_frame(l1),
        "预算执行": ledger_frame(data.budget_summary(dept, [year])),
        "核对发现": findings_frame(data.findings(framework, [year], None, dept)),
    }
    title = f"{name} {year} 年度部门整体支出绩效评价评分表（{framework_name}）"
    return title, sheets


def workbook_bytes(framework: str, framework_name: str, dept: str, year: int) -> bytes:
    title, sheets = workbook(framework, framework_name, dept, year)
    return sheets_xlsx(title, sheets)


def sheets_xlsx(title: str, sheets: dict[str, pd.DataFrame]) -> bytes:
    return exports.xlsx_bytes(sheets, money=MONEY, pct=PCT, score=SCORE, title=title)


def csv_bytes(framework: str, framework_name: str, dept: str, year: int) -> bytes:
    _, sheets = workbook(framework, framework_name, dept, year)
    return exports.csv_bytes(sheets["评分表"])
