{{ config(materialized='view') }}
-- 评分骨架：每个评价体系的每个指标，对每个部门年度（scope = department 的体系）或每个项目（scope = project，
-- 台账中项目支出的项目编码）各一行，带上指标在 seeds 中的全部评分参数。每个体系都对每个部门年度评分：
-- 数据不够时指标“无法评价”，如实列出。
-- 部门年度 × 指标 是有意的笛卡尔积（结果的粒度本身），不是意外的膨胀。
with indicators as (
    select * from {{ ref('framework_indicators') }}
),

frameworks as (
    select
        framework_code,
        scope
    from {{ ref('frameworks') }}
),

rule_parts as (
    select
        framework_code,
        indicator_code,
        count(*) as rule_parts
    from {{ ref('framework_rule_parts') }}
    group by framework_code, indicator_code
),

dept_years as (
    select
        dept_code,
        fiscal_year
    from {{ ref('int_dept_year_finance') }}
),

projects as (
    select
        dept_code,
        fiscal_year,
        project_code
    from {{ ref('int_project_execution') }}
),

units as (
    select
        indicators.framework_code,
        indicators.indicator_code,
        frameworks.scope,
        dept_years.dept_code,
        dept_years.fiscal_year,
        '' as project_code
    from indicators
    inner join frameworks
        on frameworks.framework_code = indicators.framework_code and frameworks.scope = 'department'
    cross join dept_years

    union all

    select
        indicators.framework_code,
        indicators.indicator_code,
        frameworks.scope,
        projects.dept_code,
        projects.fiscal_year,
        projects.project_code
    from indicators
    inner join frameworks
        on frameworks.framework_code = indicators.framework_code and frameworks.scope = 'project'
    cross join projects
),

final as (
    select
        units.framework_code,
        units.indicator_code,
        units.dept_code,
        cast(units.fiscal_year as integer) as fiscal_year,
        cast(units.project_code as {{ dbt.type_string() }}) as project_code,
        units.scope,
        i.indicator_name,
        i.level1_code,
        i.level2_code,
        cast(i.weight as decimal(9, 2)) as weight,
        i.formula_code,
        i.rule_type,
        i.op,
        cast(i.bound as decimal(18, 4)) as bound,
        cast(i.target as decimal(18, 4)) as target,
        cast(i.per_item as decimal(9, 2)) as per_item,
        cast(i.per_point as decimal(9, 2)) as per_point,
        coalesce(i.on_zero_denominator, 'not_assessable') as on_zero_denominator,
        cast(i.score_decimals as integer) as score_decimals,
        i.score_rounding,
        cast(i.sort_order as integer) as sort_order,
        i.rule_text,
        cast(i.window_years as integer) as window_years,
        cast(i.min_years as integer) as min_years,
        coalesce(rule_parts.rule_parts, 0) as rule_parts
    from units
    inner join indicators as i
        on i.framework_code = units.framework_code and i.indicator_code = units.indicator_code
    left join rule_parts
        on rule_parts.framework_code = units.framework_code and rule_parts.indicator_code = units.indicator_code
)

select * from final
