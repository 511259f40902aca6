-- 部门维表：每个部门一行（部门信息模板的当前版本），附台账覆盖的年度。
with departments as (
    select * from {{ ref('stg_departments') }}
),

years as (
    select
        dept_code,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(*) as fiscal_years
    from {{ ref('int_dept_year_finance') }}
    group by dept_code
),

final as (
    select
        departments.dept_code,
        departments.dept_name,
        departments.region_code,
        departments.region_name,
        departments.parent_dept_code,
        departments.sector,
        departments.dept_level,
        years.first_fiscal_year,
        years.last_fiscal_year,
        coalesce(years.fiscal_years, 0) as fiscal_years
    from departments
    left join years
        on years.dept_code = departments.dept_code
)

select * from final
