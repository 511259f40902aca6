-- 部门维表：每个部门一行。属性取最近年度的（dim_department_year），所以后导入的以前年度不会给部门改名；
-- 没有任何年度数据的部门取部门信息模板的当前版本。附被评价的年度范围。
with departments as (
    select * from {{ ref('stg_departments') }}
),

department_years as (
    select * from {{ ref('dim_department_year') }}
),

latest_year as (
    select
        department_years.*,
        row_number() over (partition by department_years.dept_code order by department_years.fiscal_year desc) as year_rank
    from department_years
),

years as (
    select
        dept_code,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(*) as fiscal_years
    from department_years
    group by dept_code
),

final as (
    select
        departments.dept_code,
        coalesce(latest.dept_name, departments.dept_name) as dept_name,
        case when latest.dept_code is not null then latest.region_code else departments.region_code end as region_code,
        case when latest.dept_code is not null then latest.region_name else departments.region_name end as region_name,
        case when latest.dept_code is not null then latest.parent_dept_code else departments.parent_dept_code end
            as parent_dept_code,
        case when latest.dept_code is not null then latest.sector else departments.sector end as sector,
        case
            when (case when latest.dept_code is not null then latest.parent_dept_code else departments.parent_dept_code end) is null
                then 1
            else 2
        end as dept_level,
        years.first_fiscal_year,
        years.last_fiscal_year,
        coalesce(years.fiscal_years, 0) as fiscal_years
    from departments
    left join latest_year as latest
        on latest.dept_code = departments.dept_code and latest.year_rank = 1
    left join years
        on years.dept_code = departments.dept_code
)

select * from final
