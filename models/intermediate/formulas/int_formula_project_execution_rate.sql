-- 项目预算执行率：
--   project_execution_rate       预算执行率 = 项目实际支出 / 项目调整后预算 × 100%（project_self A1，每个项目一行）
--   project_execution_rate_dept  项目支出进度 = 项目支出实际支出 / 项目支出调整后预算 × 100%（hebei_mgmt 引用的“项目整体支出进度”）
with projects as (
    select * from {{ ref('int_project_execution') }}
),

finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

per_project as (
    select
        dept_code,
        fiscal_year,
        project_code,
        '' as part_code,
        actual_paid as numerator,       -- 项目实际支出
        adjusted_budget as denominator, -- 项目调整后预算
        case
            when actual_paid is null or adjusted_budget is null then
                '缺少项目' || rtrim({{ scoring_concat(["case when actual_paid is null then '实际支出、' end",
                                                   "case when adjusted_budget is null then '调整后预算、' end"]) }}, '、')
                || '（台账金额空白，空白表示未知）'
        end as missing_inputs,
        {{ scoring_concat(["'项目 '", 'project_code', dbt.concat(["' '", 'project_name']), "'：实际支出 '", format_amount('actual_paid'),
                           "'，调整后预算 '", format_amount('adjusted_budget')]) }}
            as inputs
    from projects
),

department as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        project_paid as numerator,          -- 项目支出实际支出
        project_adjusted as denominator,    -- 项目支出调整后预算
        {{ missing_amounts([('project_paid', '项目支出实际支出'), ('project_adjusted', '项目支出调整后预算')]) }} as missing_inputs,
        {{ scoring_concat(["'项目支出实际支出 '", format_amount('project_paid'), "'，项目支出调整后预算 '", format_amount('project_adjusted')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('project_execution_rate', relation='per_project') }}
union all
{{ scoring_rate_select('project_execution_rate_dept', relation='department') }}
