-- 区划 × 年度 × 评价体系 × 等级的部门数（公共表）：评价体系的每个等级都有一行（没有部门的为 0，项目体系为
-- 优 / 良 / 中 / 差），之后是体系等级以外的评定结果（PEFA 的字母等级组合）和未评分（grade 为空）的部门数。
-- region_code 为空的行是全部区划合计。
-- 看板“总览”的等级卡片与“年度趋势”的等级分布从这里读。
with scores as (
    select * from {{ ref('fct_department_scores') }}
),

departments as (
    select
        dept_code,
        region_code
    from {{ ref('dim_department') }}
),

grades as (
    -- score bands only: a letter framework's grade is a summary (「PI-1 C；PI-2 B+」), its letters are counted
    -- per indicator in fct_region_year_letters
    select
        framework_code,
        grade,
        sort_order
    from {{ ref('dim_framework_grade') }}
    where grade_basis <> 'letter'
),

scored as (
    select
        scores.framework_code,
        scores.fiscal_year,
        departments.region_code,
        scores.dept_code,
        scores.grade,
        coalesce(scores.grade_is_partial, false) as grade_is_partial
    from scores
    inner join departments
        on departments.dept_code = scores.dept_code
),

counted as (
    select
        framework_code,
        fiscal_year,
        region_code,
        grouping(region_code) = 1 as all_regions,
        grade,
        count(distinct dept_code) as departments,
        count(distinct dept_code) filter (where not grade_is_partial) as complete_departments
    from scored
    group by framework_code, fiscal_year, grade, rollup(region_code)
),

-- every (framework, year, region) that has scores, with every grade of its framework
spine as (
    select distinct
        counted.framework_code,
        counted.fiscal_year,
        counted.region_code,
        counted.all_regions,
        grades.grade,
        grades.sort_order
    from counted
    inner join grades
        on grades.framework_code = counted.framework_code
),

final as (
    select
        spine.framework_code,
        spine.fiscal_year,
        spine.region_code,
        spine.all_regions,
        spine.grade,
        cast(spine.sort_order as integer) as sort_order,
        cast(coalesce(counted.departments, 0) as integer) as departments,
        cast(coalesce(counted.complete_departments, 0) as integer) as complete_departments
    from spine
    left join counted
        on
            counted.framework_code = spine.framework_code
            and counted.fiscal_year = spine.fiscal_year
            and counted.all_regions = spine.all_regions
            and counted.region_code is not distinct from spine.region_code
            and counted.grade = spine.grade
    union all
    -- grades that are not one of the framework's bands (PEFA's letter summaries) and departments without a
    -- grade (null): after the framework's grades
    select
        counted.framework_code,
        counted.fiscal_year,
        counted.region_code,
        counted.all_regions,
        counted.grade,
        cast(999 as integer) as sort_order,
        cast(counted.departments as integer) as departments,
        cast(counted.complete_departments as integer) as complete_departments
    from counted
    left join grades
        on grades.framework_code = counted.framework_code and grades.grade = counted.grade
    where grades.grade is null
)

select * from final
