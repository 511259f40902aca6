"""raw.staffing (人员编制): one row per staff type, head counts non-negative.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.
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
    {duplicate_keys("staff_type")} as duplicate_keys,
    min(authorized) as min_authorized,
    min(actual) as min_actual,
    count(*) - count(staff_type) as null_staff_type
from raw.staffing
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, staff_type）"),
        zero("null_staff_type", "编制类型不为空"),
        between("min_authorized", 0, None, "编制数非负"),
        between("min_actual", 0, None, "实有在职人数非负"),
    ]


SUITE = Suite(
    name="raw_staffing",
    title="人员编制（原始）",
    kind=INTEGRITY,
    tables=("raw.staffing",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度汇总。",
)
