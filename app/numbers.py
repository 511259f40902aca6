"""The one number formatter: amounts, rates, scores and indicator values the way evaluation reports print
them. The dashboard (``app.dashboard.fmt``) and the reports' template filters (``app.report.render``) both
use these functions, so a figure reads the same on a dashboard page, in a download and in a report.

Amounts: 88,044,648.36 (yuan, two decimals, thousands separators; −0.00 prints as 0.00); 万元: 8,804.46 万元;
rates: 99.08% (already a percentage); scores: 90, 91.5, 97.92 (at most two decimals, no trailing zeros).
A missing value (None, NaN, pd.NA) prints as ``dash``. Rounding is half-up (四舍五入) on the exact decimal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DASH = "—"


def to_decimal(x) -> Decimal | None:
    """x as an exact Decimal; None when it is missing (None, NaN, pd.NA) or not a number."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return None if x.is_nan() else x
    if isinstance(x, float):
        return None if x != x else Decimal(str(x))  # str, not repr: numpy 2 reprs np.float64(…)
    if isinstance(x, int):
        return Decimal(x)
    try:
        d = Decimal(str(x))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return None if d.is_nan() else d


def money(x, dash: str = DASH) -> str:
    """88044648.36 -> '88,044,648.36' (yuan)."""
    v = to_decimal(x)
    if v is None:
        return dash
    return f"{v.quantize(Decimal('0.01'), ROUND_HALF_UP) + 0:,.2f}"  # + 0 turns -0.00 into 0.00


def wan(x, dash: str = DASH) -> str:
    """Yuan as 万元 with two decimals: 88044648.36 -> '8,804.46 万元'."""
    v = to_decimal(x)
    if v is None:
        return dash
    return f"{(v / 10000).quantize(Decimal('0.01'), ROUND_HALF_UP) + 0:,.2f} 万元"


def pct(x, dash: str = DASH, signed: bool = False) -> str:
    """99.08 (already a percentage) -> '99.08%'."""
    v = to_decimal(x)
    if v is None:
        return dash
    v = v.quantize(Decimal("0.01"), ROUND_HALF_UP) + 0
    return f"{v:+.2f}%" if signed else f"{v:.2f}%"


def score(x, dash: str = DASH, signed: bool = False) -> str:
    """90.00 -> '90'; 91.50 -> '91.5'; 97.92 -> '97.92'. Text passes through (a letter grade, 不可评价)."""
    if isinstance(x, str):
        return x
    v = to_decimal(x)
    if v is None:
        return dash
    v = v.quantize(Decimal("0.01"), ROUND_HALF_UP).normalize() + 0
    if v == v.to_integral():
        v = v.quantize(Decimal(1))
    s = f"{v:f}"
    return ("+" + s) if signed and v > 0 else s


def value(x, unit: str | None = None, dash: str = DASH) -> str:
    """An indicator's value with its unit: (99.08, '%') -> '99.08%'; (3, '项') -> '3 项'; (5000, '元') -> '5,000.00 元'."""
    if to_decimal(x) is None:
        return dash
    if unit == "%":
        return pct(x, dash)
    if unit in ("元", "yuan"):
        return money(x, dash) + " 元"
    s = score(x, dash)
    return f"{s} {unit}" if unit else s
