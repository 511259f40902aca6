-- 绩效目标完成情况：每个绩效目标（performance_targets 的一行）一行。
--   met（达到预期值）：≥ 实际 ≥ 目标；≤ 实际 ≤ 目标；= 实际 = 目标；定性：导入时读出的 actual_met
--       （达成预期指标/已达成/达成/完成/已完成/是/达到/好 = 达到；未达成/未完成/否/部分达成 = 未达到）；
--       较早的仓库没有 actual_met 时，完成值与目标值文字相同或为“达成/达到/完成/已完成/是/达标/合格”；未填完成值 = 未达到。
--   over_target_pct（超出预期的幅度，%）：≥ (实际 − 目标)/目标；≤ (目标 − 实际)/目标，四舍五入两位。
--   within_tolerance（sc_county_self 目标实现）：达到预期值，且超出幅度不超过 30%（“超过预期指标30%以上的不计分”）。
--   completion_ratio（project_self 完成程度，0–1）：达到为 1；未达到：≥ 实际/目标，≤ 目标/实际，= 较小/较大；定性 0。
with targets as (
    select * from {{ ref('stg_performance_targets') }}
),

projects as (
    select
        dept_code,
        fiscal_year,
        project_code,
        is_key_project
    from {{ ref('int_project_execution') }}
),

classified as (
    select
        targets.target_id,
        targets.dept_code,
        targets.fiscal_year,
        targets.scope,
        coalesce(targets.project_code, '') as project_code,
        targets.level1,
        targets.level2,
        targets.indicator_name,
        targets.direction,
        targets.target_value,
        targets.actual_value,
        cast(targets.target_number as decimal(38, 6)) as target_number,
        cast(targets.actual_number as decimal(38, 6)) as actual_number,
        targets.actual_met,
        targets.unit,
        cast(coalesce(targets.weight, 1) as decimal(18, 2)) as weight,
        coalesce(projects.is_key_project, false) as is_key_project,
        targets.direction in ('≥', '≤', '=') and targets.target_number is not null as is_numeric
    from targets
    left join projects
        on
            projects.dept_code = targets.dept_code
            and projects.fiscal_year = targets.fiscal_year
            and projects.project_code = targets.project_code
),

evaluated as (
    select
        classified.*,
        case
            when classified.is_numeric and classified.actual_number is null then false
            when classified.is_numeric and classified.direction = '≥' then classified.actual_number >= classified.target_number
            when classified.is_numeric and classified.direction = '≤' then classified.actual_number <= classified.target_number
            when classified.is_numeric and classified.direction = '=' then classified.actual_number = classified.target_number
            when classified.actual_met is not null then classified.actual_met
            when classified.actual_value is null then false
            else
                trim(classified.actual_value) = trim(classified.target_value)
                or trim(classified.actual_value) in ('达成', '达到', '已达成', '已达到', '完成', '已完成', '是', '达标', '合格')
        end as met,
        case
            when
                classified.is_numeric and classified.direction = '≥'
                then {{ scoring_percent('actual_number - target_number', 'target_number') }}
            when
                classified.is_numeric and classified.direction = '≤'
                then {{ scoring_percent('target_number - actual_number', 'target_number') }}
        end as over_target_pct
    from classified
),

final as (
    select
        evaluated.*,
        evaluated.met and (evaluated.over_target_pct is null or evaluated.over_target_pct <= 30) as within_tolerance,
        cast(case
            when evaluated.met then 1
            when not evaluated.is_numeric or evaluated.actual_number is null or evaluated.actual_number <= 0 then 0
            when evaluated.direction = '≥' and evaluated.target_number > 0 then evaluated.actual_number / evaluated.target_number
            when evaluated.direction = '≤' then evaluated.target_number / evaluated.actual_number
            when evaluated.direction = '=' and evaluated.target_number > 0
                then
                    case
                        when evaluated.actual_number < evaluated.target_number then evaluated.actual_number / evaluated.target_number
                        else evaluated.target_number / evaluated.actual_number
                    end
            else 0
        end as decimal(18, 6)) as completion_ratio
    from evaluated
)

select * from final
