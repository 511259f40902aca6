"""raw.evaluation (评价报告信息): items from the template's seven, single items once, list entries
numbered, 评价日期 read as a date, names on one line."""

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
from ingest import templates as T

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year", "framework_code", "item")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    item,
    {duplicate_keys("seq")} as duplicate_keys,
    count(*) - count(seq) as null_seq,
    count(*) - count(content) as null_content,
    count(*) filter (where item = '评价日期' and date_value is null) as unread_dates,
    count(*) filter (where item in ('委托单位', '评价机构') and regexp_matches(content, '[\\r\\n]')) as broken_names,
    greatest(count(*) filter (where item not in ('问题及原因', '改进建议')) - 1, 0) as repeated_single
from raw.evaluation
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set(
            "item",
            T.EVALUATION_ITEMS,
            "事项为 委托单位 / 评价机构 / 评价日期 / 评价思路 / 评价方法 / 问题及原因 / 改进建议",
        ),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, framework_code, item, seq）"),
        zero("null_seq", "每行有序号（单项事项为 1）"),
        zero("null_content", "内容不为空"),
        zero("unread_dates", "评价日期读作日期"),
        zero("broken_names", "委托单位、评价机构没有换行"),
        zero("repeated_single", "委托单位、评价机构、评价日期、评价思路、评价方法各只有一行"),
    ]


SUITE = Suite(
    name="raw_evaluation",
    title="评价报告信息（原始）",
    kind=INTEGRITY,
    tables=("raw.evaluation",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 评价体系 × 事项汇总。",
)
