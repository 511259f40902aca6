-- 部门得分的历年变化（公共表）：部门 × 年度 × 评价体系一行，带上一年度（fiscal_year − 1）的总分、换算得分、等级，
-- 较上年的变化，以及该部门年度的核对发现数（不区分评价体系的发现与该体系的发现；按级别分列）。
-- 看板的总览、部门详情、年度趋势和评价报告的历年趋势都从这里读“较上年”和发现数，不在 Python 中相减或计数。
with scores as (
    select * from {{ ref('fct_department_scores') }}
),

findings as (
    select * from {{ ref('fct_reconciliation_findings') }}
),

-- a finding with no framework counts for every framework of its department-year, one with a framework for
-- that framework only: counted apart and added (one join with that OR in its condition took minutes at 100×)
general_findings as (
    select
        dept_code,
        fiscal_year,
        count(check_code) as findings,
        count(case when severity = 'error' then 1 end) as errors,
        count(case when severity = 'warning' then 1 end) as warnings,
        count(case when severity = 'info' then 1 end) as infos
    from findings
    where framework_code is null or framework_code = ''
    group by dept_code, fiscal_year
),

framework_findings as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        count(check_code) as findings,
        count(case when severity = 'error' then 1 end) as errors,
        count(case when severity = 'warning' then 1 end) as warnings,
        count(case when severity = 'info' then 1 end) as infos
    from findings
    where framework_code <> ''
    group by dept_code, fiscal_year, framework_code
),

finding_counts as (
    select
        scores.dept_code,
        scores.fiscal_year,
        scores.framework_code,
        coalesce(g.findings, 0) + coalesce(f.findings, 0) as findings,
        coalesce(g.errors, 0) + coalesce(f.errors, 0) as errors,
        coalesce(g.warnings, 0) + coalesce(f.warnings, 0) as warnings,
        coalesce(g.infos, 0) + coalesce(f.infos, 0) as infos
    from scores
    left join general_findings as g
        on g.dept_code = scores.dept_code and g.fiscal_year = scores.fiscal_year
    left join framework_findings as f
        on
            f.dept_code = scores.dept_code and f.fiscal_year = scores.fiscal_year
            and f.framework_code = scores.framework_code
),

final as (
    select
        this_year.dept_code,
        this_year.fiscal_year,
        this_year.framework_code,
        this_year.total_score,
        this_year.normalized_score,
        this_year.grade,
        this_year.grade_is_partial,
        this_year.assessed_share,
        this_year.not_assessable_weight,
        previous_year.total_score as previous_total_score,
        previous_year.normalized_score as previous_normalized_score,
        previous_year.grade as previous_grade,
        previous_year.grade_is_partial as previous_grade_is_partial,
        previous_year.assessed_share as previous_assessed_share,
        cast(this_year.total_score - previous_year.total_score as decimal(18, 2)) as total_score_change,
        cast(this_year.normalized_score - previous_year.normalized_score as decimal(18, 2)) as normalized_score_change,
        cast(finding_counts.findings as integer) as findings,
        cast(finding_counts.errors as integer) as errors,
        cast(finding_counts.warnings as integer) as warnings,
        cast(finding_counts.infos as integer) as infos
    from scores as this_year
    left join scores as previous_year
        on
            previous_year.dept_code = this_year.dept_code
            and previous_year.framework_code = this_year.framework_code
            and previous_year.fiscal_year = this_year.fiscal_year - 1
    inner join finding_counts
        on
            finding_counts.dept_code = this_year.dept_code
            and finding_counts.fiscal_year = this_year.fiscal_year
            and finding_counts.framework_code = this_year.framework_code
)

select * from final
