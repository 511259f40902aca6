-- 区划 × 年度 × 评价体系的得分统计（公共表；平均分与中位数两位小数，四舍五入）：看板“总览”“年度趋势”的平均分、中位数、最低分、最高分、参评部门数、
-- 核对发现（错误）数。region_code 为空的行是全部区划合计（grouping sets），与侧栏“全部区划”对应。
-- mean_*_change：平均分较上一年度（同一区划）的变化。各等级的部门数见 fct_region_year_grades。
with scores as (
    select * from {{ ref('fct_department_scores') }}
),

departments as (
    select
        dept_code,
        region_code
    from {{ ref('dim_department') }}
),

history as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        errors
    from {{ ref('fct_department_score_history') }}
),

scored as (
    select
        scores.dept_code,
        scores.fiscal_year,
        scores.framework_code,
        departments.region_code,
        scores.total_score,
        scores.normalized_score,
        scores.grade,
        coalesce(scores.grade_is_partial, false) as grade_is_partial,
        history.errors
    from scores
    inner join departments
        on departments.dept_code = scores.dept_code
    inner join history
        on
            history.dept_code = scores.dept_code
            and history.fiscal_year = scores.fiscal_year
            and history.framework_code = scores.framework_code
),

statistics as (
    select
        framework_code,
        fiscal_year,
        region_code,
        grouping(region_code) = 1 as all_regions,
        count(distinct dept_code) as departments,
        avg(total_score) as mean_total_score,
        median(cast(total_score as decimal(18, 4))) as median_total_score,
        min(total_score) as min_total_score,
        max(total_score) as max_total_score,
        avg(normalized_score) as mean_normalized_score,
        median(cast(normalized_score as decimal(18, 4))) as median_normalized_score,
        min(normalized_score) as min_normalized_score,
        max(normalized_score) as max_normalized_score,
        sum(errors) as errors,
        -- the same statistics over complete grades only (the dashboard's switch 「排名与分布不含部分评价」)
        count(distinct dept_code) filter (where not grade_is_partial) as complete_departments,
        avg(total_score) filter (where not grade_is_partial) as mean_total_score_complete,
        median(cast(total_score as decimal(18, 4))) filter (where not grade_is_partial) as median_total_score_complete,
        min(total_score) filter (where not grade_is_partial) as min_total_score_complete,
        max(total_score) filter (where not grade_is_partial) as max_total_score_complete,
        avg(normalized_score) filter (where not grade_is_partial) as mean_normalized_score_complete,
        median(cast(normalized_score as decimal(18, 4))) filter (where not grade_is_partial) as median_normalized_score_complete,
        min(normalized_score) filter (where not grade_is_partial) as min_normalized_score_complete,
        max(normalized_score) filter (where not grade_is_partial) as max_normalized_score_complete
    from scored
    group by framework_code, fiscal_year, rollup(region_code)
),

previous_year as (
    select
        framework_code,
        fiscal_year + 1 as fiscal_year,
        region_code,
        all_regions,
        mean_total_score,
        mean_normalized_score
    from statistics
),

final as (
    select
        s.framework_code,
        s.fiscal_year,
        s.region_code,
        s.all_regions,
        cast(s.departments as integer) as departments,
        cast(round(cast(s.mean_total_score as decimal(18, 6)), 2) as decimal(18, 2)) as mean_total_score,
        cast(round(cast(s.median_total_score as decimal(18, 6)), 2) as decimal(18, 2)) as median_total_score,
        cast(s.min_total_score as decimal(18, 2)) as min_total_score,
        cast(s.max_total_score as decimal(18, 2)) as max_total_score,
        cast(round(cast(s.mean_normalized_score as decimal(18, 6)), 2) as decimal(18, 2)) as mean_normalized_score,
        cast(round(cast(s.median_normalized_score as decimal(18, 6)), 2) as decimal(18, 2)) as median_normalized_score,
        cast(s.min_normalized_score as decimal(18, 2)) as min_normalized_score,
        cast(s.max_normalized_score as decimal(18, 2)) as max_normalized_score,
        cast(round(cast(s.mean_total_score - p.mean_total_score as decimal(18, 6)), 2) as decimal(18, 2)) as mean_total_score_change,
        cast(round(cast(s.mean_normalized_score - p.mean_normalized_score as decimal(18, 6)), 2) as decimal(18, 2)) as mean_normalized_score_change,
        cast(coalesce(s.errors, 0) as integer) as errors,
        cast(s.complete_departments as integer) as complete_departments,
        cast(round(cast(s.mean_total_score_complete as decimal(18, 6)), 2) as decimal(18, 2)) as mean_total_score_complete,
        cast(round(cast(s.median_total_score_complete as decimal(18, 6)), 2) as decimal(18, 2)) as median_total_score_complete,
        cast(s.min_total_score_complete as decimal(18, 2)) as min_total_score_complete,
        cast(s.max_total_score_complete as decimal(18, 2)) as max_total_score_complete,
        cast(round(cast(s.mean_normalized_score_complete as decimal(18, 6)), 2) as decimal(18, 2)) as mean_normalized_score_complete,
        cast(round(cast(s.median_normalized_score_complete as decimal(18, 6)), 2) as decimal(18, 2)) as median_normalized_score_complete,
        cast(s.min_normalized_score_complete as decimal(18, 2)) as min_normalized_score_complete,
        cast(s.max_normalized_score_complete as decimal(18, 2)) as max_normalized_score_complete
    from statistics as s
    left join previous_year as p
        on
            p.framework_code = s.framework_code
            and p.fiscal_year = s.fiscal_year
            and p.all_regions = s.all_regions
            and p.region_code is not distinct from s.region_code
)

select * from final
