-- 区划 × 年度 × 评价体系 × 比率指标的中位数（公共表）：区划内各部门（部门级，不含项目与分项）该比率的中位数（%，
-- 两位小数，四舍五入）与有值的部门数。region_code 为空（all_regions）的行是全部区划合计。看板“年度趋势”的
-- “主要比率”从这里读。
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
    where unit = '%' and coalesce(project_code, '') = '' and coalesce(part_code, '') = '' and value is not null
),

departments as (
    select
        dept_code,
        region_code
    from {{ ref('dim_department') }}
),

aggregated as (
    select
        indicator_values.framework_code,
        indicator_values.fiscal_year,
        departments.region_code,
        grouping(departments.region_code) = 1 as all_regions,
        indicator_values.indicator_code,
        count(*) as departments,
        median(cast(indicator_values.value as decimal(18, 4))) as median_value
    from indicator_values
    inner join departments
        on departments.dept_code = indicator_values.dept_code
    group by indicator_values.framework_code, indicator_values.fiscal_year, indicator_values.indicator_code, rollup(departments.region_code)
),

final as (
    select
        framework_code,
        fiscal_year,
        region_code,
        all_regions,
        indicator_code,
        cast(departments as integer) as departments,
        cast(round(cast(median_value as decimal(18, 6)), 2) as decimal(18, 2)) as median_value
    from aggregated
)

select * from final
