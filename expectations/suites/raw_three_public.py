"""raw.three_public (“三公”经费): four items and an optional reported total, amounts non-negative.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, between, fiscal_year_in_range, in_set, locator, not_null, zero
from ingest import templates as T

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year", "item")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    item,
    count(*) - 1 as duplicate_keys,
    cast(min(budget) as double) as min_budget,
    cast(min(actual) as double) as min_actual
from raw.three_public
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set(
            "item",
            (*T.THREE_PUBLIC_ITEMS, "合计"),
            "项目为 因公出国(境)费 / 公务用车购置费 / 公务用车运行维护费 / 公务接待费 / 合计",
        ),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, item）"),
        between("min_budget", 0, None, "预算数非负"),
        between("min_actual", 0, None, "决算数非负"),
    ]


SUITE = Suite(
    name="raw_three_public",
    title="“三公”经费（原始）",
    kind=INTEGRITY,
    tables=("raw.three_public",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 项目汇总。",
)
