-- 满意度调查汇总：每个部门、年度一行。评分：非常好 3、比较好 2、一般 1、非常差 −1；“不了解”不给分且不纳入总分。
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
        sum(
            case rating when '非常好' then 3 when '比较好' then 2 when '一般' then 1 when '非常差' then -1 else 0 end
            * respondents
        ) as points,
        sum(case when rating <> '不了解' then respondents else 0 end) as answered
    from responses
    group by dept_code, fiscal_year
)

select * from final
