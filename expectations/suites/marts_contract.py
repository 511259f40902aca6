"""The public marts exist with (at least) their contract columns (/work/shared/spec/warehouse-tables.md).

Analysts, the dashboard and the acceptance tests query these columns by name: a missing one is a broken
build, whatever the numbers say. fct_level1_scores is not in the contract table but the checks rely on it.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, is_true

CONTRACT: dict[str, tuple[str, ...]] = {
    "dim_department": ("dept_code", "dept_name", "region_code", "region_name", "parent_dept_code"),
    "fct_budget_execution": (
        "dept_code",
        "fiscal_year",
        "expense_type",
        "category",
        "original_budget",
        "adjusted_budget",
        "actual_paid",
        "balance",
    ),
    "fct_indicator_values": (
        "dept_code",
        "fiscal_year",
        "framework_code",
        "indicator_code",
        "indicator_name",
        "value",
        "numerator",
        "denominator",
        "assessable",
    ),
    "fct_indicator_scores": (
        "dept_code",
        "fiscal_year",
        "framework_code",
        "indicator_code",
        "level1_code",
        "weight",
        "score",
        "rule_type",
        "rule_text",
        "scored_by",
        "assessable",
        "explanation",
    ),
    "fct_department_scores": (
        "dept_code",
        "fiscal_year",
        "framework_code",
        "total_score",
        "max_score",
        "normalized_score",
        "grade",
        "not_assessable_weight",
    ),
    "fct_reconciliation_findings": (
        "dept_code",
        "fiscal_year",
        "framework_code",
        "check_code",
        "severity",
        "item",
        "expected",
        "actual",
        "difference",
        "message",
    ),
    "fct_level1_scores": ("dept_code", "fiscal_year", "framework_code", "level1_code", "score"),
}

_VALUES = ",\n        ".join(
    f"('{t}', '{c}', {i})" for t, cols in CONTRACT.items() for i, c in enumerate(cols)
)

SQL = f"""
with contract(table_name, column_name, position) as (
    values
        {_VALUES}
),
tables as (
    select table_name from information_schema.tables where table_schema = 'marts'
),
columns as (
    select table_name, column_name from information_schema.columns where table_schema = 'marts'
)
select
    'marts.' || c.table_name || '.' || c.column_name as locator,
    c.table_name,
    c.column_name,
    t.table_name is not null as table_exists,
    col.column_name is not null as column_exists
from contract as c
left join tables as t on t.table_name = c.table_name
left join columns as col on col.table_name = c.table_name and col.column_name = c.column_name
order by c.table_name, c.position
"""


def build(ctx):
    return [
        is_true("table_exists", "契约中的公共表都存在（schema marts）"),
        is_true("column_exists", "契约中的列都存在（只允许增加列）"),
    ]


SUITE = Suite(
    department_column=None,  # the frame has no dept_code column
    name="marts_contract",
    title="公共表契约（表与列）",
    kind=INTEGRITY,
    tables=(),
    sql=SQL,
    build=build,
    notes="warehouse-tables.md 列出的公共表及其列必须存在；分析人员、看板和验收测试按名称查询它们。",
)
