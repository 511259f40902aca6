-- 字母等级体系（PEFA）的等级分布（公共表）：区划 × 年度 × 评价体系 × 一级指标 × 字母等级的部门数。
-- 每个一级指标都列出体系的全部等级（A、B+ … D*，没有部门的为 0，顺序见 dim_framework_grade），之后是
-- 未评定（letter 为空）的部门数。region_code 为空的行是全部区划合计。看板“总览”PEFA 的等级卡片从这里读。
with level1 as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        level1_code,
        letter
    from {{ ref('fct_level1_scores') }}
    where aggregation = 'M1' and coalesce(project_code, '') = ''
),

departments as (
    select
        dept_code,
        region_code
    from {{ ref('dim_department') }}
),

letters as (
    select
        framework_code,
        grade as letter,
        sort_order
    from {{ ref('dim_framework_grade') }}
    where grade_basis = 'letter'
),

level_names as (
    select
        framework_code,
        level_code as level1_code,
        level_name,
        sort_order as level_sort_order
    from {{ ref('dim_framework_level') }}
    where level = 1
),

counted as (
    select
        level1.framework_code,
        level1.fiscal_year,
        departments.region_code,
        grouping(departments.region_code) = 1 as all_regions,
        level1.level1_code,
        level1.letter,
        count(distinct level1.dept_code) as departments
    from level1
    inner join departments
        on departments.dept_code = level1.dept_code
    group by level1.framework_code, level1.fiscal_year, level1.level1_code, level1.letter, rollup(departments.region_code)
),

spine as (
    select distinct
        counted.framework_code,
        counted.fiscal_year,
        counted.region_code,
        counted.all_regions,
        counted.level1_code,
        letters.letter,
        letters.sort_order
    from counted
    inner join letters
        on letters.framework_code = counted.framework_code
),

final as (
    select
        spine.framework_code,
        spine.fiscal_year,
        spine.region_code,
        spine.all_regions,
        spine.level1_code,
        level_names.level_name,
        cast(level_names.level_sort_order as integer) as level_sort_order,
        spine.letter,
        cast(spine.sort_order as integer) as sort_order,
        cast(coalesce(counted.departments, 0) as integer) as departments
    from spine
    left join counted
        on
            counted.framework_code = spine.framework_code
            and counted.fiscal_year = spine.fiscal_year
            and counted.all_regions = spine.all_regions
            and counted.region_code is not distinct from spine.region_code
            and counted.level1_code = spine.level1_code
            and counted.letter = spine.letter
    left join level_names
        on
            level_names.framework_code = spine.framework_code
            and level_names.level1_code = spine.level1_code
    union all
    -- departments without a letter for this indicator (nothing to grade): after the framework's letters
    select
        counted.framework_code,
        counted.fiscal_year,
        counted.region_code,
        counted.all_regions,
        counted.level1_code,
        level_names.level_name,
        cast(level_names.level_sort_order as integer) as level_sort_order,
        counted.letter,
        cast(999 as integer) as sort_order,
        cast(counted.departments as integer) as departments
    from counted
    left join letters
        on letters.framework_code = counted.framework_code and letters.letter = counted.letter
    left join level_names
        on
            level_names.framework_code = counted.framework_code
            and level_names.level1_code = counted.level1_code
    where letters.letter is null
)

select * from final
