-- 满意度调查汇总：每个部门、年度一行。评分：非常好 3、比较好 2、一般 1、非常差 −1；“不了解”不给分且不纳入总分。
-- 空白 = 未知（input-templates.md “Amounts”）：任何一行的人数空白，得分与有效回答人次即未知（null），从不当作 0。
with responses as (
    select * from {{ ref('stg_survey_responses') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        count(distinct question) as questions,
        sum(case when rating = '非常好' then respondents else 0 end) as very_good,
        sum(case when rating = '比较好' then respondents else 0 end) as good,
        sum(case when rating = '一般' then respondents else 0 end) as fair,
        sum(case when rating = '非常差' then respondents else 0 end) as poor,
        sum(case when rating = '不了解' then respondents else 0 end) as unknown,
        case when count(respondents) = count(*) then sum(
            case rating when '非常好' then 3 when '比较好' then 2 when '一般' then 1 when '非常差' then -1 else 0 end
            * respondents
        ) end as points,
        case when count(respondents) = count(*) then sum(case when rating <> '不了解' then respondents else 0 end) end
            as answered,
        count(*) - count(respondents) as blank_respondent_rows
    from responses
    group by dept_code, fiscal_year
)

select * from final
