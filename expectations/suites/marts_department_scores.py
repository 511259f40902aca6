"""marts.fct_department_scores: totals add up, stay within the maximum, grades follow the bands.

One row per department × year × framework (a few hundred thousand at province scale): pulled as is, with
the expected total (Σ indicator scores, floor 0) and the expected grade (seeds/framework_grades.csv on the
framework's grade basis) computed beside it in SQL.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    SCORE_TOLERANCE,
    Suite,
    a_at_least_b,
    between,
    fiscal_year_in_range,
    in_set,
    is_true,
    locator,
    near_zero,
    not_null,
    pair_equal,
    unique_together,
)

TABLE = "marts.fct_department_scores"
POINTS = 'scoring_mode != "letter"'


def sql(ctx):
    return f"""
with d as (select * from {TABLE}),
frameworks as (select framework_code, scope, scoring_mode, grade_basis from marts.dim_framework),
sums as (
    select dept_code, fiscal_year, framework_code, cast(sum(score) as double) as score_sum,
           -- something of positive weight was assessed (or the framework has no positive weight): a total exists
           count(*) filter (where weight > 0 and assessable) > 0 or count(*) filter (where weight > 0) = 0
               as assessed_any
    from marts.fct_indicator_scores
    group by all
),
departments as (select dept_code from marts.dim_department),
based as (
    select
        d.*,
        f.scope as framework_scope,
        f.scoring_mode,
        f.grade_basis as framework_grade_basis,
        case when f.grade_basis = 'normalized' then d.normalized_score else d.total_score end as grade_value
    from d
    left join frameworks as f on f.framework_code = d.framework_code
)
select
    {locator("b.dept_code", "b.fiscal_year", "b.framework_code")},
    b.dept_code,
    b.fiscal_year,
    b.framework_code,
    coalesce(b.scoring_mode, '（未知体系）') as scoring_mode,
    cast(b.total_score as double) as total_score,
    cast(b.max_score as double) as max_score,
    cast(b.normalized_score as double) as normalized_score,
    cast(b.not_assessable_weight as double) as not_assessable_weight,
    b.grade,
    -- department frameworks: total = Σ indicator scores, floor 0 (project frameworks average their projects)
    coalesce(s.assessed_any, true) as assessed_any,
    -- nothing of positive weight assessed: the total is NULL (不可评价), never 0
    case when b.framework_scope = 'department' and b.scoring_mode = 'points'
         then case when (b.total_score is null) = coalesce(s.assessed_any, true) then 1e9
                   else cast(b.total_score as double) - greatest(coalesce(s.score_sum, 0), 0) end
    end as total_difference,
    case when b.max_score - b.not_assessable_weight > 0
         then cast(b.normalized_score as double)
              - round(cast(b.total_score as double) * 100 / cast(b.max_score - b.not_assessable_weight as double), 2)
    end as normalized_difference,
    (select string_agg(g.grade, ' / ' order by g.grade)
       from marts.dim_framework_grade as g
      where g.framework_code = b.framework_code
        and (g.min_score is null or b.grade_value >= g.min_score)
        and (g.max_score is null or b.grade_value < g.max_score)) as expected_grade,
    b.dept_code in (select dept_code from departments) as dept_known
from based as b
left join sums as s on s.dept_code = b.dept_code and s.fiscal_year = b.fiscal_year and s.framework_code = b.framework_code
"""


def build(ctx):
    return [
        unique_together(["dept_code", "fiscal_year", "framework_code"], "键唯一（部门 × 年度 × 评价体系）"),
        fiscal_year_in_range(),
        in_set("framework_code", ctx.framework_codes, "评价体系是 seeds/frameworks.csv 中的体系"),
        is_true("dept_known", "部门在部门维表中"),
        not_null(
            "total_score",
            "计分类评价体系都有总分（有可评价的计分指标时）",
            where=POINTS + " and assessed_any == True",
        ),
        near_zero(
            "total_difference",
            SCORE_TOLERANCE,
            "总分 = Σ 三级指标得分（含扣分项），最低 0；没有可评价的计分指标时总分为空（部门整体类体系）",
        ),
        between("total_score", 0, None, "总分不为负"),
        a_at_least_b("max_score", "total_score", "总分不超过满分"),
        a_at_least_b("max_score", "not_assessable_weight", "不可评价分值不超过满分"),
        between("not_assessable_weight", 0, None, "不可评价分值不为负"),
        between("normalized_score", 0, 100, "换算得分在 0–100 之间"),
        near_zero(
            "normalized_difference", 0.0101, "换算得分 = 总分 / (满分 − 不可评价分值) × 100（两位小数）"
        ),
        pair_equal(
            "grade",
            "expected_grade",
            "等级与 seeds/framework_grades.csv 的分数段一致（按体系的 grade_basis：总分或换算得分）",
            where=POINTS,
        ),
    ]


SUITE = Suite(
    name="marts_department_scores",
    title="部门得分与等级（公共表）",
    kind=INTEGRITY,
    tables=(
        TABLE,
        "marts.fct_indicator_scores",
        "marts.dim_department",
        "marts.dim_framework",
        "marts.dim_framework_grade",
    ),
    sql=sql,
    build=build,
    notes="每个部门 × 年度 × 评价体系一行：总分 = 指标得分之和（最低 0）、不超过满分、换算得分在 0–100、等级符合分数段。等级类（PEFA）体系没有总分，不检查分数与分数段。",
)
