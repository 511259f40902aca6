-- 在职人员控制率 = 实有在职人数 / 编制数 × 100%
-- （hn_dept_overall A22 在职人员控制率：actual staff / authorized staff；mof_dept_common A21）
-- 人员编制表各编制类型之和；只填了合计行时取合计行。没有人员编制表 → 无法评价。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        staff_actual as numerator,          -- 实有在职人数
        staff_authorized as denominator,    -- 编制数（核定人数）
        case
            when staff_authorized is null and staff_actual is null then '缺少人员编制数据'
            when staff_authorized is null then '缺少编制数（人员编制表中有空白，空白表示未知）'
            when staff_actual is null then '缺少实有在职人数（人员编制表中有空白，空白表示未知）'
        end as missing_inputs,
        {{ scoring_concat(["'实有在职人数 '", format_number('staff_actual'), "' 人，编制数 '", format_number('staff_authorized'), "' 人'"]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('staff_control_rate', number_format='number') }}
