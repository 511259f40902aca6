"""raw.carryover (结转结余): one row per department-year.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, fiscal_year_in_range, locator, not_null, zero

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    count(*) - 1 as duplicate_keys
from raw.carryover
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        zero("duplicate_keys", "同一提交中每个部门年度只有一行（键 dept_code, fiscal_year）"),
    ]


SUITE = Suite(
    name="raw_carryover",
    title="结转结余（原始）",
    kind=INTEGRITY,
    tables=("raw.carryover",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度汇总。",
)
