"""Colours, and the number formats of ``app.numbers`` (the one formatter, shared with the reports). The
wording of codes (严重程度, 评分来源, 不可评价…) is marts.dim_label (``data.labels``); the grades and their
order are marts.dim_framework_grade. No Streamlit import here, so exports and tests can use it directly.
"""

from __future__ import annotations

from app.numbers import money, pct, score, value, wan  # noqa: F401  (the one formatter, re-exported)

# a grade's colour; which grades a framework has, and their order, is marts.dim_framework_grade
GRADE_COLORS = {
    "优": "#2e7d32",
    "良": "#1976d2",
    "合格": "#f9a825",
    "中": "#f9a825",
    "不合格": "#c62828",
    "差": "#c62828",
}

# the colour of a severity as marts.dim_label names it (kind = severity)
SEVERITY_COLORS = {"错误": "#c62828", "警告": "#f9a825", "提示": "#1976d2"}
