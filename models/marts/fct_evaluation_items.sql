-- 评价报告信息（公共表）：部门 × 年度（× 评价体系）的委托单位、评价机构、评价日期、评价思路、评价方法，
-- 以及问题及原因、改进建议的逐条内容（可选模板 evaluation）。framework_code 为空的行适用于该部门年度的
-- 所有评价体系。item_order 是报告中的次序，evaluation_date_text 是评价日期的中文写法（只报到月份的写到月份）。
with items as (
    select * from {{ ref('stg_evaluation') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        item,
        case item
            when '委托单位' then 1
            when '评价机构' then 2
            when '评价日期' then 3
            when '评价思路' then 4
            when '评价方法' then 5
            when '问题及原因' then 6
            when '改进建议' then 7
        end as item_order,
        seq,
        content,
        date_value as evaluation_date,
        case
            when date_value is null then null
            when date_precision = 'month'
                then cast(year(date_value) as {{ dbt.type_string() }}) || ' 年 ' || cast(month(date_value) as {{ dbt.type_string() }}) || ' 月'
            else
                cast(year(date_value) as {{ dbt.type_string() }}) || ' 年 ' || cast(month(date_value) as {{ dbt.type_string() }}) || ' 月 '
                || cast(day(date_value) as {{ dbt.type_string() }}) || ' 日'
        end as evaluation_date_text,
        submission_id,
        source_file,
        source_sheet,
        source_row
    from items
)

select * from final
