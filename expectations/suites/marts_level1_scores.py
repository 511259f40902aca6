"""marts.fct_level1_scores: each level-1 subtotal (投入 / 过程 / …) is the sum of its indicators' scores.

One frame row per framework × level-1 code. The subtotals are compared with the indicator scores in SQL
(department-year by department-year), and the frame carries the largest difference and where it occurs,
plus how many subtotals are missing, and the subtotals' range against the weights the framework gives the
level's indicators.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    SCORE_TOLERANCE,
    Suite,
    a_at_least_b,
    between,
    duplicate_keys,
    is_true,
    locator,
    zero,
)

TABLE = "marts.fct_level1_scores"
SCORES = "marts.fct_indicator_scores"


def sql(ctx):
    project = "coalesce(project_code, '')"  # NULL = no project (a department-level framework)
    return f"""
with l as (
    select dept_code, fiscal_year, framework_code, {project} as project_code, level1_code, cast(score as double) as score
    from {TABLE}
),
sums as (
    select dept_code, fiscal_year, framework_code, {project} as project_code, level1_code,
           -- NULL when the level has indicators of positive weight and none was assessable (a computed
           -- reference indicator of weight 0 does not make the level assessable)
           case when count(*) filter (where weight > 0) > 0 and count(*) filter (where weight > 0 and assessable) = 0
                then null else cast(sum(score) as double) end as score_sum
    from {SCORES}
    group by all
),
bounds as (
    select framework_code, level1_code,
           cast(sum(case when weight < 0 then weight else 0 end) as double) as lowest,
           cast(sum(case when weight > 0 then weight else 0 end) as double) as highest,
           count(weight) as weighted_indicators
    from marts.dim_framework_indicator
    group by all
),
compared as (
    select
        coalesce(l.framework_code, s.framework_code) as framework_code,
        coalesce(l.level1_code, s.level1_code) as level1_code,
        coalesce(l.dept_code, s.dept_code) || ' ' || coalesce(l.fiscal_year, s.fiscal_year)
            || case when coalesce(l.project_code, s.project_code, '') <> '' then ' ' || coalesce(l.project_code, s.project_code) else '' end
            as case_label,
        l.dept_code is not null as has_subtotal,
        s.dept_code is not null as has_indicators,
        l.score,
        -- a subtotal is NULL exactly when none of its scored indicators could be assessed (不可评价)
        case when (l.score is null) <> (s.score_sum is null) then 1e9 else abs(l.score - s.score_sum) end
            as difference
    from l
    full join sums as s
        on s.dept_code = l.dept_code and s.fiscal_year = l.fiscal_year and s.framework_code = l.framework_code
        and s.project_code = l.project_code and s.level1_code is not distinct from l.level1_code
),
keys as (
    select framework_code, level1_code, {duplicate_keys("dept_code", "fiscal_year", "project_code")} as duplicate_keys
    from l group by all
)
select
    {locator("c.framework_code", "c.level1_code")},
    c.framework_code,
    c.level1_code,
    count(*) filter (where c.has_subtotal) as row_count,
    coalesce(any_value(k.duplicate_keys), 0) as duplicate_keys,
    count(*) filter (where c.has_indicators and not c.has_subtotal) as missing_subtotals,
    count(*) filter (where c.has_subtotal and not c.has_indicators) as subtotals_without_indicators,
    coalesce(max(c.difference), 0) as max_difference,
    arg_max(c.case_label, c.difference) as largest_difference_at,
    min(c.score) as min_score,
    max(c.score) as max_score,
    any_value(b.lowest) as lowest_possible,
    any_value(b.highest) as highest_possible,
    bool_and(b.level1_code is not null) as known_level
from compared as c
left join keys as k on k.framework_code = c.framework_code and k.level1_code is not distinct from c.level1_code
left join bounds as b on b.framework_code = c.framework_code and b.level1_code is not distinct from c.level1_code
group by all
"""


def build(ctx):
    return [
        zero("duplicate_keys", "键唯一（部门 × 年度 × 评价体系 × 一级指标，项目体系另 × 项目）"),
        is_true(
            "known_level", "一级指标是该评价体系的一级指标（其指标在 seeds/framework_indicators.csv 中）"
        ),
        zero("missing_subtotals", "有指标得分的每个一级指标都有小计行"),
        zero("subtotals_without_indicators", "每个小计行都有其指标得分"),
        between(
            "max_difference",
            0,
            SCORE_TOLERANCE,
            "一级指标小计 = 所含指标得分之和（最大差额为 0；largest_difference_at 为差额最大处）",
        ),
        a_at_least_b("min_score", "lowest_possible", "小计不低于所含扣分项分值之和"),
        a_at_least_b("highest_possible", "max_score", "小计不超过所含指标的分值之和"),
    ]


SUITE = Suite(
    department_column=None,  # the frame has no dept_code column
    name="marts_level1_scores",
    title="一级指标小计（公共表）",
    kind=INTEGRITY,
    tables=(TABLE, SCORES, "marts.dim_framework_indicator"),
    sql=sql,
    build=build,
    notes="按 评价体系 × 一级指标 汇总：小计与指标得分之和在 SQL 中逐部门年度比较，取最大差额及其位置；等级类（PEFA，M1）没有分数小计，只检查键与覆盖。",
)
