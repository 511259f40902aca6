-- 一级指标小计：部门 × 年度 × 评价体系 × 一级指标（× 项目）。score = 所含指标得分之和（扣分项为负）；
-- PEFA（aggregation = M1）：letter = 各维度的最低等级（最弱环节），其他维度更高时加“+”；D* 按 D 参与，
-- 全部为 D* 时为 D*。报告中“投入 15 分”这类小计由核对层与 score 比较。
with scores as (
    select * from {{ ref('fct_indicator_scores') }}
),

levels as (
    select * from {{ ref('framework_levels') }}
    where level = 1
),

ranked as (
    select
        scores.*,
        case scores.letter when 'A' then 4 when 'B' then 3 when 'C' then 2 when 'D' then 1 when 'D*' then 1 end as letter_rank
    from scores
),

aggregated as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        level1_code,
        count(*) as indicator_count,
        -- points won: not-assessable indicators have no score (NULL) and add nothing; none assessable → NULL
        -- (unknown is never 0: the group shows 不可评价, its weight is in not_assessable_weight)
        cast({{ level_score_sum() }} as decimal(18, 2)) as score_sum,
        cast(sum(case when weight > 0 and not assessable then weight else 0 end) as decimal(18, 2)) as not_assessable_weight,
        sum(case when not assessable then 1 else 0 end) as not_assessable_count,
        sum(case when scored_by = 'person' and assessable then 1 else 0 end) as person_scored_count,
        count(letter) as letters,
        sum(case when letter = 'D*' then 1 else 0 end) as insufficient_letters,
        min(letter_rank) as min_letter_rank,
        max(letter_rank) as max_letter_rank
    from ranked
    group by dept_code, fiscal_year, framework_code, project_code, level1_code
),

final as (
    select
        a.dept_code,
        a.fiscal_year,
        a.framework_code,
        a.project_code,
        a.level1_code,
        levels.level_name,
        cast(levels.sort_order as integer) as sort_order,
        cast(levels.weight as decimal(9, 2)) as weight,
        case when coalesce(levels.aggregation, 'sum') = 'sum' then a.score_sum end as score,
        -- 得分率 = 得分 / 分值 × 100（%，两位小数）；PEFA 与分值为 0 时为空
        case when coalesce(levels.aggregation, 'sum') = 'sum' then {{ scoring_percent('a.score_sum', 'levels.weight') }} end
            as score_rate,
        case
            when levels.aggregation <> 'M1' or a.letters = 0 then null
            when a.insufficient_letters = a.letters then 'D*'
            else {{ dbt.concat([
                "case a.min_letter_rank when 4 then 'A' when 3 then 'B' when 2 then 'C' else 'D' end",
                "case when a.max_letter_rank > a.min_letter_rank then '+' else '' end"]) }}
        end as letter,
        a.not_assessable_weight,
        a.indicator_count,
        a.not_assessable_count,
        a.person_scored_count,
        coalesce(levels.aggregation, 'sum') as aggregation
    from aggregated as a
    left join levels
        on levels.framework_code = a.framework_code and levels.level_code = a.level1_code
)

select * from final
