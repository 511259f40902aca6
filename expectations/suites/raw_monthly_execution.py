"""raw.monthly_execution (月度支出进度): months 1–12, one row each, amounts non-negative.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.

Whether the cumulative amounts decrease is a reconciliation finding (monthly_monotonic), not a data fault.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    Suite,
    between,
    duplicate_keys,
    fiscal_year_in_range,
    locator,
    not_null,
    zero,
)

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    {duplicate_keys("month")} as duplicate_keys,
    min(month) as min_month,
    max(month) as max_month,
    count(*) - count(month) as null_month,
    cast(min(cumulative_paid) as double) as min_cumulative_paid,
    cast(min(budget_basis) as double) as min_budget_basis
from raw.monthly_execution
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        zero("duplicate_keys", "每个月一行（键 dept_code, fiscal_year, month）"),
        zero("null_month", "月份不为空"),
        between("min_month", 1, 12, "月份在 1–12 之间（最小值）"),
        between("max_month", 1, 12, "月份在 1–12 之间（最大值）"),
        between("min_cumulative_paid", 0, None, "累计支出非负"),
        between("min_budget_basis", 0, None, "预算数（如填写）非负"),
    ]


SUITE = Suite(
    name="raw_monthly_execution",
    title="月度支出进度（原始）",
    kind=INTEGRITY,
    tables=("raw.monthly_execution",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度汇总（最小/最大月份、重复月份数）。累计支出是否递减由核对层报告（monthly_monotonic）。",
)
