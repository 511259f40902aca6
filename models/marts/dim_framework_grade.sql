-- 评价等级维表：评价体系 × 等级（seeds/framework_grades.csv），分数区间 [min_score, max_score)；
-- 字母等级体系（PEFA）的等级与含义来自 seeds/framework_letter_grades.csv（没有分数区间，grade_basis = letter）。
-- grade_basis 说明区间比较的是总分还是换算得分；band_text 是评价报告中的写法。
with grades as (
    select * from {{ ref('framework_grades') }}
),

letter_grades as (
    select * from {{ ref('framework_letter_grades') }}
),

frameworks as (
    select
        framework_code,
        grade_basis
    from {{ ref('frameworks') }}
),

final as (
    select
        grades.framework_code,
        grades.grade,
        grades.min_score,
        grades.max_score,
        grades.sort_order,
        frameworks.grade_basis,
        case
            when grades.min_score is not null and grades.max_score is not null
                then
                    {{ dbt.concat(["'综合得分 '", format_number('grades.min_score'), "' 分（含）—'", format_number('grades.max_score'), "' 分为'", 'grades.grade']) }}
            when grades.min_score is not null
                then
                    {{ dbt.concat(["'综合得分 '", format_number('grades.min_score'), "' 分（含）以上为'", 'grades.grade']) }}
            when grades.max_score is not null then
                {{ dbt.concat([format_number('grades.max_score'), "' 分以下为'", 'grades.grade']) }}
        end as band_text
    from grades
    inner join frameworks
        on frameworks.framework_code = grades.framework_code
    union all
    -- letter frameworks (PEFA): the letters, best first, with their meaning; no score band
    select
        letter_grades.framework_code,
        letter_grades.grade,
        cast(null as decimal(9, 2)) as min_score,
        cast(null as decimal(9, 2)) as max_score,
        letter_grades.sort_order,
        frameworks.grade_basis,
        letter_grades.meaning as band_text
    from letter_grades
    inner join frameworks
        on frameworks.framework_code = letter_grades.framework_code
)

select * from final
