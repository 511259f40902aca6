-- 资金结余率小于 0.1 的项目占比 = 资金结余率 < 10% 的项目数 / 项目总数 × 100%
-- （sc_county_self S08：count_share: projects whose (adjusted − paid)/adjusted < 0.1）
-- 资金结余率按百分比四舍五入两位后与 10% 比较；调整后预算为 0 的项目没有结余，计为小于 10%。
-- 项目 = 台账中项目支出的项目编码；台账没有项目编码 → 无法评价。
with finance as (
    select
        dept_code,
        fiscal_year
    from {{ ref('int_dept_year_finance') }}
),

projects as (
    select * from {{ ref('int_project_execution') }}
),

counts as (
    select
        dept_code,
        fiscal_year,
        count(*) as projects,
        sum(case when coalesce(balance_rate, 0) < 10 then 1 else 0 end) as low_balance_projects
    from projects
    group by dept_code, fiscal_year
),

inputs as (
    select
        finance.dept_code,
        finance.fiscal_year,
        '' as project_code,
        '' as part_code,
        counts.low_balance_projects as numerator,   -- 资金结余率小于 0.1 的项目数
        counts.projects as denominator,             -- 项目总数
        case when counts.projects is null then '台账未填写项目编码，无法按项目计算资金结余率' end as missing_inputs,
        {{ scoring_concat(["'项目 '", format_count('counts.projects'), "'，其中资金结余率小于 10% 的 '", format_count('counts.low_balance_projects')]) }}
            as inputs
    from finance
    left join counts
        on counts.dept_code = finance.dept_code and counts.fiscal_year = finance.fiscal_year
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
            {{ dbt.concat(["'资金结余率小于 10% 的项目 '", format_count('rates.numerator'), "' / 项目总数 '", format_count('rates.denominator'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('project_low_balance_share') }}
) as rates
