"""raw.facts (其他基础数据): known fact codes only, one value each per department-year.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, fiscal_year_in_range, in_set, locator, not_null, zero
from ingest import templates as T

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year", "fact_code")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    fact_code,
    count(*) - 1 as duplicate_keys
from raw.facts
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("fact_code", T.FACT_CODES, "数据项编码是模板列出的 8 个之一"),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, fact_code）"),
    ]


SUITE = Suite(
    name="raw_facts",
    title="其他基础数据（原始）",
    kind=INTEGRITY,
    tables=("raw.facts",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 数据项汇总。",
)
