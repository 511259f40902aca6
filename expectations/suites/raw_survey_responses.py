"""raw.survey_responses (满意度调查): ratings from the template's five, respondents non-negative.
Amounts and counts may be blank (unknown, never zero: spec input-templates.md "Amounts"), so none is required here.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    Suite,
    between,
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
    {locator("_submission_id", "dept_code", "fiscal_year", "rating")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    rating,
    {duplicate_keys("question")} as duplicate_keys,
    min(respondents) as min_respondents
from raw.survey_responses
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("rating", T.SURVEY_RATINGS, "评价为 非常好 / 比较好 / 一般 / 非常差 / 不了解"),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, question, rating）"),
        between("min_respondents", 0, None, "人数非负"),
    ]


SUITE = Suite(
    name="raw_survey_responses",
    title="满意度调查（原始）",
    kind=INTEGRITY,
    tables=("raw.survey_responses",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 评价汇总。",
)
