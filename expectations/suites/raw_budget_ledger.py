"""raw.budget_ledger (预算指标执行台账), the big table: never pulled row by row.

The frame has one row per submission × department × year × 指标管理类型 × 项目类别 × (line or reported
subtotal) with the group's minima, null counts and row count, so allowed values and signs can be checked
on a few rows per department-year even when the ledger has millions of lines.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, between, fiscal_year_in_range, in_set, is_true, locator, not_null
from ingest import templates as T

SQL = f"""
with known as (select distinct dept_code from raw.departments)
select
    {
    locator(
        "l._submission_id",
        "l.dept_code",
        "l.fiscal_year",
        "l.expense_type",
        "l.category",
        "case when l.is_subtotal then '小计行' when coalesce(l.is_breakdown, false) then '其中行' else '预算行' end",
    )
},
    l._submission_id as submission_id,
    l.dept_code,
    l.fiscal_year,
    l.expense_type,
    l.category,
    l.is_subtotal,
    coalesce(l.is_breakdown, false) as is_breakdown,
    count(*) as row_count,
    cast(min(l.original_budget) as double) as min_original_budget,
    cast(min(l.adjusted_budget) as double) as min_adjusted_budget,
    cast(min(l.actual_paid) as double) as min_actual_paid,
    bool_and(k.dept_code is not null) as dept_known
from raw.budget_ledger as l
left join known as k on k.dept_code = l.dept_code
group by all
"""

# budget lines: neither a reported subtotal nor a 其中 breakdown (which may name no category of its own)
NOT_SUBTOTAL = "is_subtotal == False and is_breakdown == False"


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        is_true("dept_known", "台账的部门编码都在部门信息中"),
        not_null("is_subtotal", "每行都已判定是否为小计/合计行"),
        in_set(
            "expense_type", T.EXPENSE_TYPES, "预算行的指标管理类型为 基本支出 / 项目支出", where=NOT_SUBTOTAL
        ),
        not_null("expense_type", "预算行的指标管理类型不为空", where=NOT_SUBTOTAL),
        in_set(
            "category",
            T.CATEGORIES,
            "预算行的项目类别为 人员经费 / 公用经费 / 其他运转类 / 特定目标类",
            where=NOT_SUBTOTAL,
        ),
        not_null("category", "预算行的项目类别不为空", where=NOT_SUBTOTAL),
        between("min_original_budget", 0, None, "原始指标金额（年初预算）非负：各组最小值 ≥ 0"),
        between("min_adjusted_budget", 0, None, "实际指标可用金额（调整后预算）非负：各组最小值 ≥ 0"),
        between("min_actual_paid", 0, None, "实际支付合计非负：各组最小值 ≥ 0"),
        # blank amounts are allowed: blank means unknown (input-templates.md v2, "Amounts"); the indicators
        # that need one are not assessable and say which input is missing
    ]


SUITE = Suite(
    name="raw_budget_ledger",
    title="预算指标执行台账（原始）",
    kind=INTEGRITY,
    tables=("raw.budget_ledger", "raw.departments"),
    sql=SQL,
    build=build,
    notes="台账按 提交 × 部门 × 年度 × 指标管理类型 × 项目类别 × 预算行/小计行 汇总（最小值、空值数、行数），不逐行拉取。",
)
