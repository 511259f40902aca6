-- 满意度调查结果（公共表）：部门 × 年度 × 问题，各评价等级的人数与得分，另加一行合计（is_total_row）。
-- 得分：非常好 3、比较好 2、一般 1、非常差 −1，“不了解”不给分且不纳入总分（与 int_survey_satisfaction 同一规则）；
-- 满分 = 3 × 除“不了解”外的人数；满意度 = 得分 / 满分 × 100（%）。问题按在调查表中第一次出现的次序排列。
with responses as (
    select * from {{ ref('stg_survey_responses') }}
),

per_question as (
    select
        dept_code,
        fiscal_year,
        question,
        min(source_row) as first_row,
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
    group by dept_code, fiscal_year, question
),

numbered as (
    select
        *,
        row_number() over (partition by dept_code, fiscal_year order by first_row, question) as question_order,
        false as is_total_row
    from per_question
),

totals as (
    select
        dept_code,
        fiscal_year,
        '合计' as question,
        cast(null as integer) as first_row,
        sum(very_good) as very_good,
        sum(good) as good,
        sum(fair) as fair,
        sum(poor) as poor,
        sum(unknown) as unknown,
        sum(points) as points,
        sum(answered) as answered,
        count(*) + 1 as question_order,
        true as is_total_row
    from per_question
    group by dept_code, fiscal_year
),

unioned as (
    select * from numbered
    union all
    select * from totals
),

final as (
    select
        dept_code,
        fiscal_year,
        question,
        cast(question_order as integer) as question_order,
        is_total_row,
        cast(very_good as bigint) as very_good,
        cast(good as bigint) as good,
        cast(fair as bigint) as fair,
        cast(poor as bigint) as poor,
        cast(unknown as bigint) as unknown,
        cast(answered as bigint) as answered,
        cast(points as bigint) as points,
        cast(3 * answered as bigint) as max_points,
        case when answered > 0 then cast(round(cast(points as decimal(18, 6)) * 100 / (3 * answered), 2) as decimal(9, 2)) end
            as satisfaction_rate
    from unioned
)

select * from final
