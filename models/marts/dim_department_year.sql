-- 部门年度维表：每个被评价的部门年度一行，带那一年的部门属性（名称、区划、上级部门、行业）。
-- 部门信息表没有年度：一行部门信息属于它自己的提交（_submission_id）在其他原始表中覆盖的部门年度。
-- 同一部门年度有多个提交给出部门信息时，后导入的为准；某年没有自己的部门信息时，取部门信息的当前版本。
-- 这样，后导入的以前年度（部门此后改了名）不会改变其他年度的名称。
{% set year_tables = ['budget_ledger', 'carryover', 'three_public', 'staffing', 'monthly_execution',
                      'performance_targets', 'facts', 'qualitative_scores', 'survey_responses', 'reported_results'] %}
with dept_years as (
    select * from {{ ref('int_dept_years') }}
),

department_rows as (
    select
        dept_code,
        dept_name,
        region_code,
        region_name,
        parent_dept_code,
        sector,
        _submission_id as submission_id
    from {{ source('raw', 'departments') }}
),

-- the department-years each submission covers, in any table other than departments (every version)
submission_years as (
    {% for t in year_tables -%}
        select distinct
            _submission_id as submission_id,
            dept_code,
            fiscal_year
        from {{ source('raw', t) }}
        {% if not loop.last %}union{% endif %}
    {% endfor %}
),

submissions as (
    select
        submission_id,
        load_seq
    from {{ source('audit', 'submissions') }}
),

year_attributes as (
    select
        d.dept_code,
        y.fiscal_year,
        d.dept_name,
        d.region_code,
        d.region_name,
        d.parent_dept_code,
        d.sector,
        row_number() over (partition by d.dept_code, y.fiscal_year order by s.load_seq desc) as version_rank
    from department_rows as d
    inner join submission_years as y
        on y.submission_id = d.submission_id and y.dept_code = d.dept_code
    inner join submissions as s
        on s.submission_id = d.submission_id
),

current_attributes as (
    select * from {{ ref('stg_departments') }}
),

final as (
    select
        dept_years.dept_code,
        cast(dept_years.fiscal_year as integer) as fiscal_year,
        coalesce(ya.dept_name, cur.dept_name) as dept_name,
        case when ya.dept_code is not null then ya.region_code else cur.region_code end as region_code,
        case when ya.dept_code is not null then ya.region_name else cur.region_name end as region_name,
        case when ya.dept_code is not null then ya.parent_dept_code else cur.parent_dept_code end as parent_dept_code,
        case when ya.dept_code is not null then ya.sector else cur.sector end as sector,
        case when ya.dept_code is not null then 'own_submission' else 'current_version' end as attributes_source
    from dept_years
    left join year_attributes as ya
        on
            ya.dept_code = dept_years.dept_code
            and ya.fiscal_year = dept_years.fiscal_year
            and ya.version_rank = 1
    left join current_attributes as cur
        on cur.dept_code = dept_years.dept_code
)

select * from final
