"""The generator's own arithmetic: an independent oracle of the warehouse's SQL formulas.

Amounts are integers in cents (fen) throughout, so every sum is exact. Rates are percentages
rounded to 2 decimals, half-up, before they are compared with a threshold, the way the
evaluation reports do it (frameworks.md, "Edge cases every rule must state").

hn_dept_overall, over a department-year's budget lines (reported subtotal rows excluded):

    B11 预算完成率   = Σ actual_paid / Σ adjusted_budget × 100            full (2) if > 90
    B12 预算调整率   = |Σ adjusted_budget − Σ original_budget| / Σ original_budget × 100
                                                                        full (2) if < 10
    B21 结转结余率   = closing carryover / Σ actual_paid × 100           full (1) if < 10
                       closing = carryover.closing_balance, else Σ (adjusted − paid)
    B23 公用经费控制率 = Σ paid / Σ adjusted over lines of category 公用经费 × 100
                                                                        full (1) if > 90
    project 执行率   = Σ paid / Σ adjusted over the lines of one project_code × 100

Ledger totals (reported_results items): 年初预算 Σ original, 调整后预算 Σ adjusted, 支出合计 Σ paid,
基本支出 / 人员经费 / 公用经费 / 项目支出 Σ paid of that expense type or category,
三公经费预算 / 决算 Σ of the four items (the 合计 row is not used), 年初 / 年末结转结余 from carryover.
"""

from __future__ import annotations

from decimal import Decimal

# (weight, operator, bound) of the computed hn indicators the generator reports
HN_RULES: dict[str, tuple[int, str, int]] = {
    "B11": (2, ">", 90),
    "B12": (2, "<", 10),
    "B21": (1, "<", 10),
    "B23": (1, ">", 90),
}
HN_NAMES = {"B11": "预算完成率", "B12": "预算调整率", "B21": "结转结余率", "B23": "公用经费控制率"}


def pct_hundredths(num: int, den: int) -> int:
    """num / den × 100 in hundredths of a percentage point, rounded half-up (num ≥ 0, den > 0).

    Exact integer arithmetic: round(10000·num/den) = floor((2·10000·num + den) / (2·den)).
    """
    if den <= 0 or num < 0:
        raise ValueError(f"rate of {num}/{den}")
    return (20000 * num + den) // (2 * den)


def pct(num: int, den: int) -> Decimal:
    """The rate as a Decimal percentage with exactly 2 decimals (99.08)."""
    return Decimal(pct_hundredths(num, den)).scaleb(-2)


def threshold_score(code: str, value: Decimal) -> int:
    weight, op, bound = HN_RULES[code]
    ok = {">": value > bound, "<": value < bound, ">=": value >= bound, "<=": value <= bound}[op]
    return weight if ok else 0


def hn_values(
    original: int, adjusted: int, paid: int, public_adjusted: int, public_paid: int, closing: int
) -> dict[str, Decimal]:
    """B11, B12, B21, B23 of one department-year from its ledger sums (cents)."""
    return {
        "B11": pct(paid, adjusted),
        "B12": pct(abs(adjusted - original), original),
        "B21": pct(closing, paid),
        "B23": pct(public_paid, public_adjusted),
    }


def fmt_rate(value: Decimal, strip: bool = True) -> str:
    """99.08 → '99.08'; 100.00 → '100' (a report writes 100%); 5.10 → '5.1' when strip."""
    s = f"{value:.2f}"
    if strip and "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def yuan(cents: int) -> str:
    """Cents as a plain yuan amount: 3395742.00."""
    sign = "-" if cents < 0 else ""
    y, f = divmod(abs(cents), 100)
    return f"{sign}{y}.{f:02d}"
