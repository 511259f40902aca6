-- 被评价的部门年度：任何一张原始表中有这个部门、这个年度的数据，就有这一行——只报了人员编制、
-- 只报了台账合计行的部门年度也在，评分时从不消失。
-- 例外：一个提交为比较而重述的以前年度数据（如 2023 年提交里的 2022 年“三公”经费，供三公经费变动率用）
-- 不构成那一年的评价：提交的台账覆盖同一部门更晚的年度、却不覆盖这一年时，这些行只作为上年数据。
-- Read from the raw tables (every version): a department-year that any submission holds is current in some
-- version (a correction replaces only the department-years it covers), and the staging views' version
-- ranking need not run here.
{% set inputs = ['budget_ledger', 'carryover', 'three_public', 'staffing', 'monthly_execution', 'performance_targets',
                 'facts', 'qualitative_scores', 'survey_responses', 'reported_results'] %}
with input_rows as (
    {% for t in inputs -%}
        select distinct
            dept_code,
            fiscal_year,
            _submission_id as submission_id
        from {{ source('raw', t) }}
        {% if not loop.last %}union{% endif %}
    {% endfor %}
),

ledger_years as (
    select distinct
        _submission_id as submission_id,
        dept_code,
        fiscal_year
    from {{ source('raw', 'budget_ledger') }}
),

restated as (
    select
        i.dept_code,
        i.fiscal_year,
        i.submission_id
    from input_rows as i
    where exists (
        select 1 from ledger_years as later
        where
            later.submission_id = i.submission_id
            and later.dept_code = i.dept_code
            and later.fiscal_year > i.fiscal_year
    )
    and not exists (
        select 1 from ledger_years as own
        where
            own.submission_id = i.submission_id
            and own.dept_code = i.dept_code
            and own.fiscal_year = i.fiscal_year
    )
),

final as (
    select distinct
        i.dept_code,
        cast(i.fiscal_year as integer) as fiscal_year
    from input_rows as i
    left join restated as r
        on r.dept_code = i.dept_code and r.fiscal_year = i.fiscal_year and r.submission_id = i.submission_id
    where r.submission_id is null
)

select * from final
