"""What a suite is, and the few helpers the suite modules share.

A suite validates one pandas DataFrame, pulled from DuckDB by the suite's ``sql`` over a read-only
connection. The SQL does the heavy lifting (group by department-year, framework × indicator, …) so every
DataFrame stays small at province scale; the expectations are then plain GX expectations over its columns.

Every frame has a ``locator`` column (where a row comes from, e.g. ``yanfeng-2023 · 430406-hrss · 2023``):
the checkpoint asks GX to report failing rows by it, so Data Docs and ``audit.check_results`` say where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import great_expectations.expectations as gxe

# same bounds as ingest.parse.parse_year
YEAR_MIN, YEAR_MAX = 1990, 2100
# scores are compared to two decimals: anything within half a hundredth is equal
SCORE_TOLERANCE = 0.005
# amounts (yuan, DECIMAL(18,2)) likewise
AMOUNT_TOLERANCE = 0.005


@dataclass
class Context:
    """Facts a suite's expectations need from the warehouse itself (the frameworks' seeds)."""

    framework_codes: list[str] = field(default_factory=list)
    check_codes: list[str] = field(default_factory=list)
    tables: set[str] = field(default_factory=set)  # "schema.table" names the warehouse has


@dataclass(frozen=True)
class Suite:
    name: str  # GX suite name (ASCII: it becomes a Data Docs file name)
    title: str  # 中文标题
    kind: str  # expectations.INTEGRITY | expectations.FINDINGS
    tables: tuple[str, ...]  # "schema.table" the SQL reads; absent → every expectation fails ("表不存在")
    sql: str | Callable[[Context], str]  # DuckDB query returning the frame (must include `locator`)
    build: Callable[[Context], list]  # the expectations, as code
    notes: str = ""  # 中文说明, shown on the suite's Data Docs page
    # the frame's department code column: the checkpoint's screen keeps every row of the departments loaded in
    # this build (expectations/checkpoint.py `_screen`); None when the frame has none
    department_column: str | None = "dept_code"

    def query(self, ctx: Context) -> str:
        return self.sql(ctx) if callable(self.sql) else self.sql

    def expectations(self, ctx: Context) -> list:
        return self.build(ctx)


# ---------------------------------------------------------------------------
# small constructors, so a suite reads as a list of rules


def _kw(row_condition: str | None) -> dict:
    return {"row_condition": row_condition, "condition_parser": "pandas"} if row_condition else {}


def _say(description: str, rule: str, where: str | None) -> str:
    """The rule in words, then in columns (Data Docs show the description instead of GX's own sentence)."""
    return f"{description}〔{rule}{'；条件 ' + where if where else ''}〕"


def _num(v: float | None, inf: str) -> str:
    return inf if v is None else f"{v:g}"


def between(
    column: str, low: float | None, high: float | None, description: str, *, where: str | None = None
):
    rule = f"{column} ∈ [{_num(low, '−∞')}, {_num(high, '+∞')}]"
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=low, max_value=high, description=_say(description, rule, where), **_kw(where)
    )


def zero(column: str, description: str, *, where: str | None = None):
    """A count of offending rows computed in SQL must be 0."""
    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=0,
        max_value=0,
        description=_say(description, f"{column} = 0", where),
        **_kw(where),
    )


def near_zero(column: str, tolerance: float, description: str, *, where: str | None = None):
    return gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=-tolerance,
        max_value=tolerance,
        description=_say(description, f"|{column}| ≤ {tolerance:g}", where),
        **_kw(where),
    )


def in_set(column: str, values, description: str, *, where: str | None = None):
    values = list(values)
    shown = "、".join(map(str, values[:6])) + ("…" if len(values) > 6 else "")
    return gxe.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=values,
        description=_say(description, f"{column} ∈ {{{shown}}}", where),
        **_kw(where),
    )


def not_null(column: str, description: str, *, where: str | None = None):
    return gxe.ExpectColumnValuesToNotBeNull(
        column=column, description=_say(description, f"{column} 非空", where), **_kw(where)
    )


def is_true(column: str, description: str, *, where: str | None = None):
    return gxe.ExpectColumnValuesToBeInSet(
        column=column,
        value_set=[True],
        description=_say(description, f"{column} = true", where),
        **_kw(where),
    )


def a_at_least_b(column_a: str, column_b: str, description: str, *, where: str | None = None):
    """column_a ≥ column_b on every row (rows where either is empty are skipped)."""
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=column_a,
        column_B=column_b,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        description=_say(description, f"{column_a} ≥ {column_b}", where),
        **_kw(where),
    )


def pair_equal(column_a: str, column_b: str, description: str, *, where: str | None = None):
    return gxe.ExpectColumnPairValuesToBeEqual(
        column_A=column_a,
        column_B=column_b,
        ignore_row_if="both_values_are_missing",
        description=_say(description, f"{column_a} = {column_b}", where),
        **_kw(where),
    )


def unique_together(columns: list[str], description: str):
    text = _say(description, f"({', '.join(columns)}) 唯一", None)
    if len(columns) == 1:
        return gxe.ExpectColumnValuesToBeUnique(column=columns[0], description=text)
    return gxe.ExpectCompoundColumnsToBeUnique(column_list=columns, description=text)


def fiscal_year_in_range(column: str = "fiscal_year"):
    return between(column, YEAR_MIN, YEAR_MAX, f"年度在 {YEAR_MIN}–{YEAR_MAX} 之间（与导入规则相同）")


def locator(*parts: str) -> str:
    """SQL for the `locator` column: the parts joined with ' · ' (empty parts shown as —)."""
    return (
        "concat_ws(' · ', "
        + ", ".join(f"coalesce(cast({p} as varchar), '—')" for p in parts)
        + ") as locator"
    )


def duplicate_keys(*key: str) -> str:
    """SQL aggregate: rows in the group beyond the first for each key (0 when the key is unique)."""
    cols = ", ".join(f"coalesce(cast({k} as varchar), '∅')" for k in key)
    return f"count(*) - count(distinct concat_ws(chr(31), {cols}))"
