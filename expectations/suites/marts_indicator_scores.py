"""marts.fct_indicator_scores: every score within its indicator's weight, weights as the framework says.

Millions of rows at province scale, so the frame has one row per framework × indicator × scored_by ×
assessable × rule_type, with min/max score and weight and counts computed in SQL. The bounds are the
issue's: min(score) ≥ min(0, weight) and max(score) ≤ max(weight, 0) (a deduction item has a negative
weight and scores between it and 0).
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    Suite,
    a_at_least_b,
    duplicate_keys,
    in_set,
    is_true,
    locator,
    not_null,
    pair_equal,
    zero,
)

TABLE = "marts.fct_indicator_scores"


def sql(ctx):
    key = ["dept_code", "fiscal_year", "project_code"]
    return f"""
with s as (select * from {TABLE}),
indicators as (
    select framework_code, indicator_code, level1_code, rule_type, cast(weight as double) as weight
    from marts.dim_framework_indicator
),
keys as (
    select framework_code, indicator_code, {duplicate_keys(*key)} as duplicate_keys
    from s group by all
)
select
    {
        locator(
            "s.framework_code",
            "s.indicator_code",
            "s.scored_by",
            "case when s.assessable then '可评价' when not s.assessable then '不可评价' end",
            "s.rule_type",
        )
    },
    s.framework_code,
    s.indicator_code,
    s.scored_by,
    s.assessable,
    s.rule_type,
    any_value(i.rule_type) as framework_rule_type,
    count(*) as row_count,
    any_value(k.duplicate_keys) as duplicate_keys,
    bool_and(i.indicator_code is not null) as known_indicator,
    count(*) filter (where s.level1_code is distinct from i.level1_code) as level1_mismatches,
    cast(min(s.weight) as double) as min_weight,
    cast(max(s.weight) as double) as max_weight,
    any_value(i.weight) as framework_weight,
    cast(min(s.score) as double) as min_score,
    cast(max(s.score) as double) as max_score,
    least(0, cast(min(s.weight) as double)) as score_floor,
    greatest(cast(max(s.weight) as double), 0) as score_cap,
    count(*) filter (where s.score is null and s.assessable and s.rule_type is distinct from 'letter') as missing_scores,
    count(s.score) filter (where not s.assessable) as scores_when_not_assessable,
    count(*) - count(s.explanation) as missing_explanations
from s
left join indicators as i on i.framework_code = s.framework_code and i.indicator_code = s.indicator_code
left join keys as k on k.framework_code = s.framework_code and k.indicator_code = s.indicator_code
group by all
"""


def build(ctx):
    return [
        zero("duplicate_keys", "键唯一（部门 × 年度 × 评价体系 × 指标，项目体系另 × 项目）"),
        is_true("known_indicator", "指标是该评价体系的指标（seeds/framework_indicators.csv）"),
        zero("level1_mismatches", "一级指标与评价体系的定义一致"),
        pair_equal("rule_type", "framework_rule_type", "评分规则类型与评价体系的定义一致"),
        pair_equal("min_weight", "framework_weight", "分值与评价体系的定义一致（最小值）"),
        pair_equal("max_weight", "framework_weight", "分值与评价体系的定义一致（最大值）"),
        a_at_least_b("min_score", "score_floor", "得分不低于 min(0, 分值)：min(score) ≥ min(0, weight)"),
        a_at_least_b("score_cap", "max_score", "得分不超过分值：max(score) ≤ max(weight, 0)"),
        zero("missing_scores", "除等级类（letter）指标外，每个可评价的指标都有得分"),
        zero("scores_when_not_assessable", "不可评价的指标没有得分（为空，从不记 0 分）"),
        in_set("scored_by", ["rule", "person"], "评分来源为 rule（按规则）/ person（评价人）"),
        not_null("assessable", "assessable（是否可评价）不为空"),
        zero("missing_explanations", "每个得分都有说明（explanation：评价报告中的那句话）"),
    ]


SUITE = Suite(
    department_column=None,  # the frame has no dept_code column
    name="marts_indicator_scores",
    title="指标得分（公共表）",
    kind=INTEGRITY,
    tables=(TABLE, "marts.dim_framework_indicator"),
    sql=sql,
    build=build,
    notes="按 评价体系 × 指标 × 评分来源 × 是否可评价 × 规则类型 汇总（SQL 中取最小/最大得分与分值）：得分在分值范围内、分值与体系一致、键唯一。",
)
