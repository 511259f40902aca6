"""Colours, and the number formats of ``app.numbers`` (the one formatter, shared with the reports). The
wording of codes (严重程度, 评分来源, 不可评价…) is marts.dim_label (``data.labels``); the grades and their
order are marts.dim_framework_grade. No Streamlit import here, so exports and tests can use it directly.
"""

from __future__ import annotations

import pandas as pd

from app.numbers import money, pct, score, to_decimal, value, wan  # noqa: F401  (the one formatter, re-exported)

# a grade's colour; which grades a framework has, and their order, is marts.dim_framework_grade
# (PEFA's letters too: A best … D* 信息不足)
GRADE_COLORS = {
    "A": "#2e7d32",
    "B+": "#1976d2",
    "B": "#1976d2",
    "C+": "#f9a825",
    "C": "#f9a825",
    "D+": "#c62828",
    "D": "#c62828",
    "D*": "#9e9e9e",
    "优": "#2e7d32",
    "良": "#1976d2",
    "合格": "#f9a825",
    "中": "#f9a825",
    "不合格": "#c62828",
    "差": "#c62828",
}

# the colour of a severity as marts.dim_label names it (kind = severity)
SEVERITY_COLORS = {"错误": "#c62828", "警告": "#f9a825", "提示": "#1976d2"}

PARTIAL_MARK = "*"  # 「良*」: the grade rests on part of the weight (marts grade_is_partial)
PARTIAL_COLOR = "#9e9e9e"


def is_true(x) -> bool:
    """A boolean mart cell (True / False / None / NaN / pd.NA) as a plain bool: missing is False."""
    if x is None or x is pd.NA or (isinstance(x, float) and x != x):
        return False
    return bool(x)


def grade_text(grade, partial=False, dash: str = "—") -> str:
    """A grade as the dashboard shows it: '良', or '良*' when it rests on part of the weight
    (``grade_is_partial`` of marts.fct_department_scores); `dash` when there is no grade."""
    if grade is None or grade is pd.NA or (isinstance(grade, float) and grade != grade) or grade == "":
        return dash
    return f"{grade}{PARTIAL_MARK}" if is_true(partial) else str(grade)


def partial_note(share, dash: str = "—") -> str:
    """The footnote of a partial grade: '仅 31.00% 的分值可评价' from ``assessed_share`` (a percentage)."""
    if to_decimal(share) is None:
        return dash
    return f"仅 {pct(share)} 的分值可评价"


def total_grade_note(grade, partial, total, max_score, not_assessable, normalized) -> str | None:
    """What a grade on the total out of the full points means when some points were not assessable
    (project_self: grade_basis 'total' in seeds/frameworks.csv, bands on the total in
    seeds/framework_grades.csv; frameworks.md: a not-assessable indicator earns nothing). From the marts'
    fct_project_scores / fct_department_scores columns (total_score, max_score, not_assessable_weight,
    normalized_score = total / (max − not assessable) × 100). None when everything was assessable or there
    is no grade. E.g. '等级“中*”按满分 100 分的总分 68.15 分评定，其中 30 分的指标不可评价（缺少数据，
    未得分）。只看已评价的 70 分，得分率为 97.36%。'"""
    na, mx = to_decimal(not_assessable), to_decimal(max_score)
    if grade_text(grade, dash="") == "" or na is None or na == 0 or mx is None:
        return None
    note = (
        f"等级“{grade_text(grade, partial)}”按满分 {score(mx)} 分的总分 {score(total)} 分评定，"
        f"其中 {score(na)} 分的指标不可评价（缺少数据，未得分）。"
    )
    if to_decimal(normalized) is not None:
        note += f"只看已评价的 {score(mx - na)} 分，得分率为 {pct(normalized)}。"
    return note
