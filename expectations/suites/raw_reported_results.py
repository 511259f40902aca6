"""raw.reported_results (报告值/自评值): one claim per item, frameworks known.

Whether a claim is right is reconciliation's business (findings), not an integrity fault.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    Suite,
    duplicate_keys,
    fiscal_year_in_range,
    in_set,
    locator,
    not_null,
    zero,
)

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year", "framework_code")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    framework_code,
    {duplicate_keys("project_code", "item")} as duplicate_keys,
    count(*) - count(item) as null_item
from raw.reported_results
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("framework_code", ctx.framework_codes, "评价体系（如填写）是 seeds/frameworks.csv 中的体系"),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, framework_code, project_code, item）"),
        zero("null_item", "项目（item）不为空"),
    ]


SUITE = Suite(
    name="raw_reported_results",
    title="报告值/自评值（原始）",
    kind=INTEGRITY,
    tables=("raw.reported_results",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 评价体系汇总。报告值与计算值是否一致由核对层报告（fct_reconciliation_findings）。",
)
