-- 满意度 = Σ(非常好 3, 比较好 2, 一般 1, 非常差 −1) / (3 × 除“不了解”外的回答人次) × 100%
-- （frameworks.md survey：satisfaction = Σ(非常好 3, 比较好 2, 一般 1, 非常差 −1) / (3 × responses other than 不了解)）
with finance as (
    select
        dept_code,
        fiscal_year
    from {{ ref('int_dept_year_finance') }}
),

survey as (
    select * from {{ ref('int_survey_satisfaction') }}
),

inputs as (
    select
        finance.dept_code,
        finance.fiscal_year,
        '' as project_code,
        '' as part_code,
        survey.points as numerator,             -- 得分：非常好 3、比较好 2、一般 1、非常差 −1
        3 * survey.answered as denominator,     -- 总分：3 × 除“不了解”外的人次
        case
            when survey.dept_code is null then '缺少满意度调查数据'
            when survey.blank_respondent_rows > 0 then '满意度调查有人数空白（空白表示未知）'
        end as missing_inputs,
        {{ scoring_concat(["'非常好 '", format_number('survey.very_good'), "' 人、比较好 '", format_number('survey.good'),
                           "' 人、一般 '", format_number('survey.fair'), "' 人、非常差 '", format_number('survey.poor'),
                           "' 人，不了解 '", format_number('survey.unknown'), "' 人不计'"]) }}
            as inputs
    from finance
    left join survey
        on survey.dept_code = finance.dept_code and survey.fiscal_year = finance.fiscal_year
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
            {{ dbt.concat([format_number('rates.numerator'), "' / '", format_number('rates.denominator'), "' × 100%'"]) }}
    end as calc_text,
    rates.inputs
from (
    {{ scoring_rate_select('survey_satisfaction') }}
) as rates
