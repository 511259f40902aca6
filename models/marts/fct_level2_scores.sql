-- 二级指标小计（公共表）：部门 × 年度 × 评价体系 × 二级指标（× 项目），评价报告评分表“二级指标分值、得分”的数字。
--   weight = 二级指标的分值（framework_levels；未列出时为所含计分指标的分值之和）；
--   score  = 所含可评价指标的得分之和（参考指标不计，不可评价的指标没有得分）；含字母等级（PEFA）时为空；
--   not_assessable_weight = 所含不可评价指标的分值之和（正分值）。
with scores as (
    select * from {{ ref('fct_indicator_scores') }}
    where level2_code is not null and rule_type <> 'info' and scoring_status <> 'info'
),

levels as (
    select * from {{ ref('framework_levels') }}
),

aggregated as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        level1_code,
        level2_code,
        count(*) as indicator_count,
        count(letter) as letters,
        cast(sum(weight) as decimal(18, 2)) as indicator_weight,
        cast({{ level_score_sum() }} as decimal(18, 2)) as score_sum,
        cast(sum(case when weight > 0 and not assessable then weight else 0 end) as decimal(18, 2)) as not_assessable_weight,
        sum(case when not assessable then 1 else 0 end) as not_assessable_count
    from scores
    group by dept_code, fiscal_year, framework_code, project_code, level1_code, level2_code
),

final as (
    select
        a.dept_code,
        a.fiscal_year,
        a.framework_code,
        a.project_code,
        a.level1_code,
        a.level2_code,
        levels.level_name,
        cast(levels.sort_order as integer) as sort_order,
        cast(coalesce(levels.weight, a.indicator_weight) as decimal(18, 2)) as weight,
        case when a.letters = 0 then a.score_sum end as score,
        a.not_assessable_weight,
        cast(a.indicator_count as integer) as indicator_count,
        cast(a.not_assessable_count as integer) as not_assessable_count
    from aggregated as a
    left join levels
        on levels.framework_code = a.framework_code and levels.level_code = a.level2_code
)

select * from final
