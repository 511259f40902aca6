-- 报送情况（公共表）：每个部门、每个应报年度、每个输入模板一行——是否已报送、由哪个提交报送（当前版本）、多少行。
-- 应报的部门年度：部门所在区划有数据的每个年度中，不早于该部门第一次出现的年度（dim_department.first_fiscal_year）。
-- 部门信息（departments）没有年度：报送该部门年度任何数据的提交中含有该部门的部门信息时，算作已报送。
-- 被拒绝的提交没有导入任何行，不在本表中：原因见 audit.ingest_rejects（看板“报送情况”页一并列出）。
{% set year_tables = ['budget_ledger', 'carryover', 'three_public', 'staffing', 'monthly_execution',
                      'performance_targets', 'facts', 'qualitative_scores', 'survey_responses', 'reported_results'] %}
{% set required = ['departments', 'budget_ledger'] %}
with departments as (
    select
        dept_code,
        dept_name,
        region_code,
        region_name,
        first_fiscal_year
    from {{ ref('dim_department') }}
),

region_years as (
    select distinct
        d.region_code,
        dy.fiscal_year
    from {{ ref('dim_department_year') }} as dy
    inner join departments as d on d.dept_code = dy.dept_code
),

expected as (
    select
        d.dept_code,
        d.dept_name,
        d.region_code,
        d.region_name,
        ry.fiscal_year
    from departments as d
    inner join region_years as ry
        on
            ry.region_code is not distinct from d.region_code
            and ry.fiscal_year >= coalesce(d.first_fiscal_year, ry.fiscal_year)
),

templates as (
    select
        code as template_name,
        label as template_label,
        sort_order as template_order
    from {{ ref('dim_label') }}
    where kind = 'template'
),

year_rows as (
    {% for t in year_tables -%}
        select
            '{{ t }}' as template_name,
            dept_code,
            fiscal_year,
            _submission_id as submission_id,
            count(*) as row_count
        from {{ source('raw', t) }}
        group by dept_code, fiscal_year, _submission_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

-- departments: a submission that holds the department's year data and its department row
department_rows as (
    select
        'departments' as template_name,
        y.dept_code,
        y.fiscal_year,
        y.submission_id,
        count(*) as row_count
    from (select distinct
        dept_code,
        fiscal_year,
        submission_id
    from year_rows) as y
    inner join {{ source('raw', 'departments') }} as r
        on r._submission_id = y.submission_id and r.dept_code = y.dept_code
    group by y.dept_code, y.fiscal_year, y.submission_id
),

submitted as (
    select
        r.template_name,
        r.dept_code,
        cast(r.fiscal_year as integer) as fiscal_year,
        r.submission_id,
        r.row_count,
        s.loaded_at,
        count(*) over (partition by r.template_name, r.dept_code, r.fiscal_year) as submission_count,
        row_number() over (
            partition by r.template_name, r.dept_code, r.fiscal_year order by s.load_seq desc
        ) as newest
    from (
        select * from year_rows
        union all
        select * from department_rows
    ) as r
    inner join {{ source('audit', 'submissions') }} as s on s.submission_id = r.submission_id
),

final as (
    select
        e.dept_code,
        e.dept_name,
        e.region_code,
        e.region_name,
        cast(e.fiscal_year as integer) as fiscal_year,
        t.template_name,
        t.template_label,
        cast(t.template_order as integer) as template_order,
        t.template_name in ({% for r in required %}'{{ r }}'{% if not loop.last %}, {% endif %}{% endfor %})
            as required,
        s.submission_id is not null as submitted,
        s.submission_id,
        coalesce(s.submission_count, 0) as submission_count,
        coalesce(s.row_count, 0) as row_count,
        s.loaded_at
    from expected as e
    cross join templates as t
    left join submitted as s
        on
            s.dept_code = e.dept_code and s.fiscal_year = e.fiscal_year and s.template_name = t.template_name
            and s.newest = 1
),

with_status as (
    select
        *,
        case
            when not bool_or(submitted) over (partition by dept_code, fiscal_year) then 'missing'
            -- bool_and skips the NULLs of the optional templates (a FILTER clause on a window is DuckDB's, not Spark's)
            when bool_and(case when required then submitted end) over (partition by dept_code, fiscal_year) then 'complete'
            else 'incomplete'
        end as dept_year_status
    from final
)

select * from with_status
