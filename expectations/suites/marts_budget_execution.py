"""marts.fct_budget_execution: department × year × 指标管理类型 × 项目类别, adding up to the ledger.

Four rows per department-year: small enough to pull as is. Each row carries the department-year's totals
from the mart and from marts.fct_budget_ledger_lines (aggregated in SQL), so "the mart neither loses nor
double-counts ledger lines" is a plain column check.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    AMOUNT_TOLERANCE,
    Suite,
    between,
    fiscal_year_in_range,
    in_set,
    locator,
    near_zero,
    not_null,
    unique_together,
)
from ingest import templates as T

SQL = f"""
with e as (select * from marts.fct_budget_execution),
mart_totals as (
    select dept_code, fiscal_year,
           -- a blank (unknown) amount makes the sum unknown, as in the models
           case when count(*) = count(original_budget) then sum(original_budget) end as original_budget,
           case when count(*) = count(adjusted_budget) then sum(adjusted_budget) end as adjusted_budget,
           case when count(*) = count(actual_paid) then sum(actual_paid) end as actual_paid
    from e group by all
),
ledger_totals as (
    select dept_code, fiscal_year,
           -- a blank (unknown) amount makes the sum unknown, as in the models
           case when count(*) = count(original_budget) then sum(original_budget) end as original_budget,
           case when count(*) = count(adjusted_budget) then sum(adjusted_budget) end as adjusted_budget,
           case when count(*) = count(actual_paid) then sum(actual_paid) end as actual_paid
    from marts.fct_budget_ledger_lines group by all
)
select
    {locator("e.dept_code", "e.fiscal_year", "e.expense_type", "e.category")},
    e.dept_code,
    e.fiscal_year,
    e.expense_type,
    e.category,
    cast(e.original_budget as double) as original_budget,
    cast(e.adjusted_budget as double) as adjusted_budget,
    cast(e.actual_paid as double) as actual_paid,
    cast(e.balance - (e.adjusted_budget - e.actual_paid) as double) as balance_difference,
    cast(m.original_budget - coalesce(l.original_budget, 0) as double) as original_vs_ledger,
    cast(m.adjusted_budget - coalesce(l.adjusted_budget, 0) as double) as adjusted_vs_ledger,
    cast(m.actual_paid - coalesce(l.actual_paid, 0) as double) as paid_vs_ledger
from e
left join mart_totals as m on m.dept_code = e.dept_code and m.fiscal_year = e.fiscal_year
left join ledger_totals as l on l.dept_code = e.dept_code and l.fiscal_year = e.fiscal_year
union all
-- department-years the ledger has and the mart lost
select
    {locator("l.dept_code", "l.fiscal_year", "'台账有、公共表无'")},
    l.dept_code, l.fiscal_year, null, null, null, null, null, null,
    cast(-l.original_budget as double), cast(-l.adjusted_budget as double), cast(-l.actual_paid as double)
from ledger_totals as l
where not exists (select 1 from mart_totals as m where m.dept_code = l.dept_code and m.fiscal_year = l.fiscal_year)
"""


def build(ctx):
    tol = AMOUNT_TOLERANCE
    return [
        unique_together(
            ["dept_code", "fiscal_year", "expense_type", "category"],
            "键唯一（部门 × 年度 × 指标管理类型 × 项目类别）",
        ),
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("expense_type", T.EXPENSE_TYPES, "指标管理类型为 基本支出 / 项目支出"),
        in_set("category", T.CATEGORIES, "项目类别为 人员经费 / 公用经费 / 其他运转类 / 特定目标类"),
        between("original_budget", 0, None, "原始预算非负"),
        between("adjusted_budget", 0, None, "调整后预算非负"),
        between("actual_paid", 0, None, "实际支出非负"),
        near_zero("balance_difference", tol, "结余 = 调整后预算 − 实际支出（差额为 0）"),
        near_zero("original_vs_ledger", tol, "部门年度的原始预算合计 = 台账预算行之和"),
        near_zero("adjusted_vs_ledger", tol, "部门年度的调整后预算合计 = 台账预算行之和"),
        near_zero("paid_vs_ledger", tol, "部门年度的实际支出合计 = 台账预算行之和"),
    ]


SUITE = Suite(
    name="marts_budget_execution",
    title="预算执行（公共表）",
    kind=INTEGRITY,
    tables=("marts.fct_budget_execution", "marts.fct_budget_ledger_lines"),
    sql=SQL,
    build=build,
    notes="键唯一、取值合法、结余恒等式，以及每个部门年度的合计与台账预算行之和一致（台账在 SQL 中按部门年度汇总）。",
)
