-- 部门得分：部门 × 年度 × 评价体系。
--   total_score     = 正分值指标得分之和 + 扣分项（负），最低 0；
--   max_score       = 正分值指标的分值之和（扣分项不计入满分）；
--   not_assessable_weight = 不可评价的指标的分值之和；
--   normalized_score = total_score / (max_score − not_assessable_weight) × 100，两位小数（河北“换算得分”：84.8 / 93 × 100 = 91.18）；
--   grade：按 frameworks.grade_basis（total 总分 / normalized 换算得分）查 framework_grades。
-- 项目体系（project_self）：部门的分数为各项目的算术平均（project_count 个项目，见 fct_project_scores）。
-- PEFA（letter）：没有总分，grade 列出各一级指标的等级，如“PI-1 A；PI-2 B+”。
with scores as (
    select * from {{ ref('fct_indicator_scores') }}
    where scope = 'department'
),

frameworks as (
    select * from {{ ref('frameworks') }}
),

grades as (
    select * from {{ ref('framework_grades') }}
),

department_totals as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        {{ score_total_columns() }},
        sum(case when scored_by = 'person' and assessable then 1 else 0 end) as person_scored_count,
        cast(null as integer) as project_count
    from scores
    group by dept_code, fiscal_year, framework_code
),

department_scored as (
    select
        department_totals.*,
        {{ score_total() }} as total_score
    from department_totals
),

-- 项目体系：各项目的算术平均
project_averages as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        {{ scoring_ratio('sum(max_score)', 'count(*)', 2) }} as max_score,
        cast(null as decimal(18, 2)) as positive_score,
        {{ scoring_ratio('sum(deductions)', 'count(*)', 2) }} as deductions,
        {{ scoring_ratio('sum(not_assessable_weight)', 'count(*)', 2) }} as not_assessable_weight,
        sum(indicator_count) as indicator_count,
        sum(not_assessable_count) as not_assessable_count,
        cast(0 as bigint) as person_scored_count,
        cast(count(*) as integer) as project_count,
        -- 算术平均（可评分的项目），两位小数四舍五入；没有可评分的项目时为空
        {{ scoring_ratio('sum(total_score)', 'count(total_score)', 2) }} as total_score
    from {{ ref('fct_project_scores') }}
    group by dept_code, fiscal_year, framework_code
),

all_scored as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        max_score,
        positive_score,
        deductions,
        not_assessable_weight,
        indicator_count,
        not_assessable_count,
        person_scored_count,
        project_count,
        total_score
    from department_scored
    union all
    select
        dept_code,
        fiscal_year,
        framework_code,
        max_score,
        positive_score,
        deductions,
        not_assessable_weight,
        indicator_count,
        not_assessable_count,
        person_scored_count,
        project_count,
        total_score
    from project_averages
),

normalized as (
    select
        all_scored.*,
        {{ scoring_percent('total_score', 'max_score - not_assessable_weight') }} as normalized_score
    from all_scored
),

letters as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        {{ dbt.listagg(dbt.concat(['level1_code', "' '", "coalesce(letter, '—')"]), "'；'", 'order by sort_order') }} as letter_summary
    from {{ ref('fct_level1_scores') }}
    where aggregation = 'M1'
    group by dept_code, fiscal_year, framework_code
),

final as (
    select
        n.dept_code,
        n.fiscal_year,
        n.framework_code,
        f.framework_name,
        case when f.scoring_mode = 'letter' then null else n.total_score end as total_score,
        case when f.scoring_mode = 'letter' then null else n.max_score end as max_score,
        case when f.scoring_mode = 'letter' then null else n.normalized_score end as normalized_score,
        case when f.scoring_mode = 'letter' then letters.letter_summary else g.grade end as grade,
        case when f.scoring_mode = 'letter' then null else n.not_assessable_weight end as not_assessable_weight,
        f.grade_basis,
        -- some weight was not assessable: the total leaves those points out, so the grade rests on part of
        -- the framework (reported as such, never as if the missing points were zero)
        case when f.scoring_mode = 'letter' then null else {{ grade_is_partial('n.not_assessable_weight') }} end as grade_is_partial,
        case when f.scoring_mode = 'letter' then null else {{ assessed_share('n.max_score', 'n.not_assessable_weight') }} end as assessed_share,
        case when f.scoring_mode = 'letter' then null else n.deductions end as deductions,
        n.indicator_count,
        n.not_assessable_count,
        n.person_scored_count,
        n.project_count
    from normalized as n
    inner join frameworks as f
        on f.framework_code = n.framework_code
    left join grades as g
        on {{ grade_band_matches('g', 'f', 'n') }}
    left join letters
        on
            letters.dept_code = n.dept_code
            and letters.fiscal_year = n.fiscal_year
            and letters.framework_code = n.framework_code
)

select * from final
