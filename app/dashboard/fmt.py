"""Numbers and labels the way evaluation reports print them.

Amounts: 88,044,648.36 (yuan, two decimals, thousands separators); rates: 99.08%; scores: 90, 91.5
(no trailing zeros). No Streamlit import here, so exports and tests can use it directly.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# a grade's colour; which grades a framework has, and their order, is marts.dim_framework_grade
GRADE_COLORS = {
    "优": "#2e7d32",
    "良": "#1976d2",
    "合格": "#f9a825",
    "中": "#f9a825",
    "不合格": "#c62828",
    "差": "#c62828",
}

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_EN = {v: k for k, v in SEVERITY_ZH.items()}
SEVERITY_COLORS = {"错误": "#c62828", "警告": "#f9a825", "提示": "#1976d2"}

NOT_ASSESSABLE = "不可评价"  # the one wording for an indicator without a score (never 0 分)
SCORED_BY_ZH = {"rule": "按规则", "person": "评价人"}
SCORING_STATUS_ZH = {
    "rule": "按规则计分",
    "person": "评价人评分",
    "not_assessable": "不可评价",
    "insufficient": "信息不足",
    "info": "仅供参考",
}
RULE_TYPE_ZH = {
    "threshold": "达标得分",
    "bands": "分档计分",
    "proportional": "按比例计分",
    "count_share": "按达标个数比例",
    "deduction": "扣分",
    "manual": "评价人评分",
    "survey": "满意度调查",
    "per_point": "超出按点扣分",
    "letter": "等级（A–D）",
    "info": "参考（不计分）",
}
CHECK_CATEGORY_ZH = {
    "ledger_arithmetic": "台账算术",
    "identity": "恒等关系",
    "continuity": "跨年连续性",
    "verification": "核实类",
    "reported": "报告数与计算数",
}
OP_ZH = {">": "大于", ">=": "不低于", "<": "小于", "<=": "不超过", "=": "等于"}


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return isinstance(x, float) and math.isnan(x)
    except TypeError:
        return False


def money(x, dash: str = "—") -> str:
    """88044648.36 -> '88,044,648.36' (yuan)."""
    if _is_missing(x):
        return dash
    return f"{Decimal(str(x)).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


def wan(x, dash: str = "—") -> str:
    """Yuan as 万元 with two decimals: 88044648.36 -> '8,804.46 万元'."""
    if _is_missing(x):
        return dash
    return f"{(Decimal(str(x)) / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f} 万元"


def pct(x, dash: str = "—", signed: bool = False) -> str:
    """99.08 (already a percentage) -> '99.08%'."""
    if _is_missing(x):
        return dash
    v = Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{v:+.2f}%" if signed else f"{v:.2f}%"


def score(x, dash: str = "—", signed: bool = False) -> str:
    """90.0 -> '90'; 91.5 -> '91.5'; 97.92 -> '97.92' (at most two decimals, as reports print scores)."""
    if _is_missing(x):
        return dash
    v = Decimal(str(x)).quantize(Decimal("0.01"), ROUND_HALF_UP).normalize()
    if v == v.to_integral():
        v = v.quantize(Decimal(1))
    s = f"{v:f}"
    if signed and v > 0:
        s = "+" + s
    return s


def value(x, unit: str | None, dash: str = "—") -> str:
    """An indicator's value with its unit: (99.08, '%') -> '99.08%'; (3, '项') -> '3 项'."""
    if _is_missing(x):
        return dash
    if unit == "%":
        return pct(x)
    if unit in ("元", "yuan"):
        return money(x) + " 元"
    s = score(x)
    return f"{s} {unit}" if unit else s


def rule_bound_text(op: str | None, bound) -> str:
    if op is None or _is_missing(bound):
        return ""
    return f"{OP_ZH.get(op, op)} {score(bound)}%"
