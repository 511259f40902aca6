"""raw.qualitative_scores (定性指标评分): a person's score for a known indicator, within its weight."""

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
with q as (select * from raw.qualitative_scores),
w as (select framework_code, indicator_code, cast(weight as double) as weight from marts.dim_framework_indicator)
select
    {locator("q._submission_id", "q.dept_code", "q.fiscal_year", "q.framework_code")},
    q._submission_id as submission_id,
    q.dept_code,
    q.fiscal_year,
    q.framework_code,
    {duplicate_keys("q.indicator_code")} as duplicate_keys,
    count(*) - count(q.score) as null_score,
    count(*) filter (where w.indicator_code is null) as unknown_indicators,
    count(*) filter (
        where q.score > greatest(coalesce(w.weight, 0), 0) or q.score < least(coalesce(w.weight, 0), 0)
    ) as scores_outside_weight
from q
left join w on w.framework_code = q.framework_code and w.indicator_code = q.indicator_code
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("framework_code", ctx.framework_codes, "评价体系是 seeds/frameworks.csv 中的体系"),
        zero("duplicate_keys", "键唯一（dept_code, fiscal_year, framework_code, indicator_code）"),
        zero("null_score", "得分不为空"),
        zero("unknown_indicators", "指标编码是该评价体系的指标（seeds/framework_indicators.csv）"),
        zero("scores_outside_weight", "得分在 0 与该指标分值之间（扣分项在分值与 0 之间）"),
    ]


SUITE = Suite(
    name="raw_qualitative_scores",
    title="定性指标评分（原始）",
    kind=INTEGRITY,
    tables=("raw.qualitative_scores", "marts.dim_framework_indicator"),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 评价体系汇总：键唯一、指标已知、得分不超过分值。",
)
