-- 重点支出安排率 = 重点支出安排数 / 项目支出调整后预算 × 100%
-- （hn_dept_overall A24：key expenditure / project adjusted budget；mof_dept_common A23）
-- 重点支出安排数：facts.key_expenditure；未填报而台账有标为重点项目的行时，取这些行的调整后预算之和。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        coalesce(key_expenditure_reported, case when key_project_lines > 0 then key_project_adjusted end)
            as numerator,                   -- 重点支出（重点项目）安排数
        project_adjusted as denominator,    -- 项目支出调整后预算
        coalesce(
            case
                when key_expenditure_reported is null and key_project_lines = 0
                    then '缺少重点支出安排数（其他基础数据中的“重点支出(重点项目)安排数”，或台账的“是否重点项目”标记）'
            end,
            {{ missing_amounts([('project_adjusted', '项目支出调整后预算')]) }}
        ) as missing_inputs,
        {{ scoring_concat(["'重点支出安排数 '", format_amount('coalesce(key_expenditure_reported, key_project_adjusted)'),
                           "case when key_expenditure_reported is null then '（台账重点项目）' end",
                           "'，项目支出调整后预算 '", format_amount('project_adjusted')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('key_expenditure_rate') }}
