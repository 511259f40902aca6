-- 报告的总分（公共表）：部门报送的评价结果中的部门总分（reported_results 中 item = total、没有项目编码的行），
-- 每个部门 × 年度 × 评价体系一行，与仓库计算的总分并列。报告总分的等级按该体系的 grade_basis 查
-- framework_grades（与 fct_department_scores 用同一个宏 grade_band_matches）：按换算得分定等级的体系
-- （河北）先换算：报告总分 / (满分 − 不可评价分值) × 100。
with claims as (
    select * from {{ ref('stg_reported_results') }}
    where item_kind = 'total' and item = 'total' and project_code is null and reported_score is not null
),

-- one claim per department-year-framework: the first row of the latest submission
ranked_claims as (
    select
        claims.*,
        row_number() over (
            partition by claims.dept_code, claims.fiscal_year, claims.framework_code
            order by claims.submission_id desc, claims.source_row asc
        ) as claim_rank
    from claims
),

department_scores as (
    select * from {{ ref('fct_department_scores') }}
),

frameworks as (
    select * from {{ ref('frameworks') }}
),

grades as (
    select * from {{ ref('framework_grades') }}
),

reported as (
    select
        c.dept_code,
        c.fiscal_year,
        c.framework_code,
        cast(c.reported_score as decimal(18, 2)) as total_score,
        {{ scoring_percent('c.reported_score', 'd.max_score - d.not_assessable_weight') }} as normalized_score,
        d.total_score as computed_total_score,
        d.normalized_score as computed_normalized_score,
        d.grade as computed_grade,
        c.claim_source,
        c.submission_id,
        c.source_file,
        c.source_row
    from ranked_claims as c
    inner join department_scores as d
        on d.dept_code = c.dept_code and d.fiscal_year = c.fiscal_year and d.framework_code = c.framework_code
    where c.claim_rank = 1
),

final as (
    select
        r.dept_code,
        r.fiscal_year,
        r.framework_code,
        f.grade_basis,
        r.total_score as reported_total,
        r.normalized_score as reported_normalized_score,
        g.grade as reported_grade,
        r.computed_total_score as total_score,
        r.computed_normalized_score as normalized_score,
        r.computed_grade as grade,
        (r.total_score is distinct from r.computed_total_score) as differs,
        r.claim_source,
        r.submission_id,
        r.source_file,
        r.source_row
    from reported as r
    inner join frameworks as f
        on f.framework_code = r.framework_code
    left join grades as g
        on {{ grade_band_matches('g', 'f', 'r') }}
)

select * from final
