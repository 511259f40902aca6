"""marts.fct_indicator_values: one value per department-year-framework-indicator, for known indicators.

At province scale this table has millions of rows; the frame has one row per framework × indicator with
counts computed in SQL (duplicate keys, undecided assessability, assessable values that are missing).
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, duplicate_keys, is_true, locator, zero

TABLE = "marts.fct_indicator_values"


def sql(ctx):
    # the contract's grain: × project for project frameworks, × part for monthly indicators (S07, B13)
    key = ["v.dept_code", "v.fiscal_year", "v.project_code", "v.part_code"]
    return f"""
with v as (select * from {TABLE}),
indicators as (select framework_code, indicator_code from marts.dim_framework_indicator)
select
    {locator("v.framework_code", "v.indicator_code")},
    v.framework_code,
    v.indicator_code,
    count(*) as row_count,
    {duplicate_keys(*key)} as duplicate_keys,
    count(*) - count(v.assessable) as undecided_assessable,
    count(*) filter (where v.assessable and v.value is null and not coalesce(v.zero_denominator, false)) as assessable_without_value,
    bool_and(i.indicator_code is not null) as known_indicator
from v
left join indicators as i on i.framework_code = v.framework_code and i.indicator_code = v.indicator_code
group by all
"""


def build(ctx):
    return [
        zero(
            "duplicate_keys", "键唯一（部门 × 年度 × 评价体系 × 指标，项目体系另 × 项目，分项指标另 × 分项）"
        ),
        is_true("known_indicator", "指标是该评价体系的指标（seeds/framework_indicators.csv）"),
        zero("undecided_assessable", "assessable（是否可评价）不为空"),
        zero("assessable_without_value", "可评价的指标有值（分母为 0 且按体系规则处理的除外）"),
    ]


SUITE = Suite(
    department_column=None,  # the frame has no dept_code column
    name="marts_indicator_values",
    title="指标值（公共表）",
    kind=INTEGRITY,
    tables=(TABLE, "marts.dim_framework_indicator"),
    sql=sql,
    build=build,
    notes="按 评价体系 × 指标 汇总（SQL 中计数）：键唯一、指标已知、可评价的指标有值。",
)
