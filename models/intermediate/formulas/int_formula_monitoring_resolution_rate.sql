-- 及时处置：已整改比例 = (绩效监控发现问题项目数 − 未整改问题项目数) / 绩效监控发现问题项目数 × 100%
-- （sc_county_self S06：5 − 5 × unresolved / monitoring issues (no issues → 5)，即 5 × 已整改 / 发现问题）
-- 未发现问题（0/0）的处理由评价体系决定（S06：满分）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        case when monitoring_issues = 0 then 0 else monitoring_issues - monitoring_issues_unresolved end
            as numerator,               -- 已整改（已处置）问题项目数
        monitoring_issues as denominator,   -- 绩效监控发现问题项目数
        case
            when monitoring_issues is null then '缺少绩效监控发现问题项目数（其他基础数据中的“绩效监控发现问题项目数”）'
            when monitoring_issues > 0 and monitoring_issues_unresolved is null
                then '缺少未整改问题项目数（其他基础数据中的“未整改问题项目数”）'
        end as missing_inputs,
        {{ scoring_concat(["'绩效监控发现问题项目 '", format_count('monitoring_issues'), "'，未整改 '", format_count('monitoring_issues_unresolved')]) }}
            as inputs
    from finance
)

select
    rates.formula_code,
    rates.dept_code,
    rates.fiscal_year,
    rates.project_code,
    rates.part_code,
    rates.numerator,
    rates.denominator,
    rates.value,
    rates.unit,
    rates.zero_denominator,
    rates.missing_inputs,
    case
        when rates.missing_inputs is null then
            {{ dbt.concat(["'已整改问题项目 '", format_count('rates.numerator'), "' / 发现问题项目 '", format_count('rates.denominator'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('monitoring_resolution_rate') }}
) as rates
