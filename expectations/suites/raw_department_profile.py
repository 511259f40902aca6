"""raw.department_profile (部门概况): one row per department-year, no control characters in the texts."""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, fiscal_year_in_range, locator, not_null, zero

# control characters (not tab / line breaks): ingest refuses them; a row that has one would break a DOCX
_CONTROL = r"'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]'"

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    count(*) - 1 as duplicate_keys,
    count(*) filter (where regexp_matches(coalesce(duties, '') || coalesce(organization, '')
        || coalesce(staffing_text, '') || coalesce(internal_control, ''), {_CONTROL})) as control_characters
from raw.department_profile
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year）"),
        zero("control_characters", "文字中没有控制字符"),
    ]


SUITE = Suite(
    name="raw_department_profile",
    title="部门概况（原始）",
    kind=INTEGRITY,
    tables=("raw.department_profile",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度汇总。",
)
