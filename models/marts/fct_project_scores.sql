-- 项目得分（scope = project 的评价体系，如 project_self）：部门 × 年度 × 评价体系 × 项目。
-- total_score = 各指标得分之和；normalized_score = total_score / (max_score − not_assessable_weight) × 100；
-- 等级按 frameworks.grade_basis（总分或换算得分）查 framework_grades（project_self：优 ≥90、良 [80,90)、中 [60,80)、差 <60）。
with scores as (
    select * from {{ ref('fct_indicator_scores') }}
    where scope = 'project'
),

frameworks as (
    select * from {{ ref('frameworks') }}
),

grades as (
    select * from {{ ref('framework_grades') }}
),

projects as (
    select * from {{ ref('int_project_execution') }}
),

totals as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        {{ score_total_columns() }}
    from scores
    group by dept_code, fiscal_year, framework_code, project_code
),

scored as (
    select
        totals.*,
        {{ score_total() }} as total_score
    from totals
),

normalized as (
    select
        scored.*,
        {{ scoring_percent('total_score', 'max_score - not_assessable_weight') }} as normalized_score
    from scored
),

final as (
    select
        n.dept_code,
        n.fiscal_year,
        n.framework_code,
        n.project_code,
        projects.project_name,
        projects.is_key_project,
        n.total_score,
        n.max_score,
        n.normalized_score,
        g.grade,
        n.not_assessable_weight,
        {{ grade_is_partial('n.not_assessable_weight') }} as grade_is_partial,
        {{ assessed_share('n.max_score', 'n.not_assessable_weight') }} as assessed_share,
        n.deductions,
        n.indicator_count,
        n.not_assessable_count,
        projects.adjusted_budget,
        projects.actual_paid,
        projects.execution_rate
    from normalized as n
    inner join frameworks as f
        on f.framework_code = n.framework_code
    left join grades as g
        on {{ grade_band_matches('g', 'f', 'n') }}
    left join projects
        on
            projects.dept_code = n.dept_code
            and projects.fiscal_year = n.fiscal_year
            and projects.project_code = n.project_code
)

select * from final
