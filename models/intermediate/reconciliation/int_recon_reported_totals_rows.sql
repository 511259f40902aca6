-- 填报的合计行 = 各项之和：
--   three_public_total  “三公”经费合计行（预算数、决算数）= 各项之和（车辆：购置 + 运行维护，未分列时车辆组）
--   three_public_vehicle_group  车辆组“公务用车购置及运行费”= 公务用车购置费 + 公务用车运行维护费（两项都分列时）
--   staffing_total      人员编制合计行（编制数、实有人数）= 各类型之和（人数不等即为 error）
with tp_totals as (
    select * from {{ ref('stg_three_public_totals') }}
),

tp_items as (
    select
        dept_code,
        fiscal_year,
        items,
        items_budget as budget,
        items_actual as actual,
        vehicle_parts,
        vehicle_groups,
        vehicle_from_parts,
        vehicle_parts_budget,
        vehicle_parts_actual,
        vehicle_group_budget,
        vehicle_group_actual
    from {{ ref('int_three_public_year') }}
    where items > 0
),

tp_pairs as (
    select
        t.dept_code,
        t.fiscal_year,
        '预算数' as column_label,
        t.budget as reported,
        i.budget as summed,
        i.items,
        t.submission_id,
        t.source_file,
        t.source_row
    from tp_totals as t inner join tp_items as i on i.dept_code = t.dept_code and i.fiscal_year = t.fiscal_year
    union all
    select
        t.dept_code,
        t.fiscal_year,
        '决算数',
        t.actual,
        i.actual,
        i.items,
        t.submission_id,
        t.source_file,
        t.source_row
    from tp_totals as t inner join tp_items as i on i.dept_code = t.dept_code and i.fiscal_year = t.fiscal_year
),

three_public_total as (
    select
        dept_code,
        fiscal_year,
        'three_public_total' as check_code,
        '“三公”经费合计：' || column_label as item,
        cast(summed as decimal(24, 6)) as expected,
        cast(reported as decimal(24, 6)) as actual,
        cast(reported - summed as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年“三公”经费合计行的' || column_label || ' ' || {{ format_amount('reported') }}
        || ' 元，与 ' || {{ recon_text('items') }} || ' 个项目之和 ' || {{ format_amount('summed') }} || ' 元相差 '
        || {{ format_amount('reported - summed') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('reported - summed') }} as severity
    from tp_pairs
    where reported <> summed
),

vehicle_rows as (
    select * from {{ ref('stg_three_public') }}
    where item = '公务用车购置及运行费'
),

vehicle_pairs as (
    select
        g.dept_code,
        g.fiscal_year,
        '预算数' as column_label,
        g.budget as reported,
        i.vehicle_parts_budget as summed,
        i.vehicle_parts as items,
        g.submission_id,
        g.source_file,
        g.source_row
    from vehicle_rows as g inner join tp_items as i on i.dept_code = g.dept_code and i.fiscal_year = g.fiscal_year
    where i.vehicle_from_parts
    union all
    select
        g.dept_code,
        g.fiscal_year,
        '决算数',
        g.actual,
        i.vehicle_parts_actual,
        i.vehicle_parts,
        g.submission_id,
        g.source_file,
        g.source_row
    from vehicle_rows as g inner join tp_items as i on i.dept_code = g.dept_code and i.fiscal_year = g.fiscal_year
    where i.vehicle_from_parts
),

three_public_vehicle_group as (
    select
        dept_code,
        fiscal_year,
        'three_public_vehicle_group' as check_code,
        '公务用车购置及运行费：' || column_label as item,
        cast(summed as decimal(24, 6)) as expected,
        cast(reported as decimal(24, 6)) as actual,
        cast(reported - summed as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年“公务用车购置及运行费”的' || column_label || ' ' || {{ format_amount('reported') }}
        || ' 元，与公务用车购置费、公务用车运行维护费之和 ' || {{ format_amount('summed') }} || ' 元相差 '
        || {{ format_amount('reported - summed') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('reported - summed') }} as severity
    from vehicle_pairs
    where reported <> summed
),

st_totals as (
    select * from {{ ref('stg_staffing_totals') }}
),

st_detail as (
    select
        dept_code,
        fiscal_year,
        count(*) as types,
        sum(authorized) as authorized,
        sum(actual) as actual
    from {{ ref('stg_staffing') }}
    group by dept_code, fiscal_year
),

st_pairs as (
    select
        t.dept_code,
        t.fiscal_year,
        '编制数' as column_label,
        t.authorized as reported,
        d.authorized as summed,
        d.types,
        t.submission_id,
        t.source_file,
        t.source_row
    from st_totals as t inner join st_detail as d on d.dept_code = t.dept_code and d.fiscal_year = t.fiscal_year
    union all
    select
        t.dept_code,
        t.fiscal_year,
        '实有在职人数',
        t.actual,
        d.actual,
        d.types,
        t.submission_id,
        t.source_file,
        t.source_row
    from st_totals as t inner join st_detail as d on d.dept_code = t.dept_code and d.fiscal_year = t.fiscal_year
),

staffing_total as (
    select
        dept_code,
        fiscal_year,
        'staffing_total' as check_code,
        '人员编制合计：' || column_label as item,
        cast(summed as decimal(24, 6)) as expected,
        cast(reported as decimal(24, 6)) as actual,
        cast(reported - summed as decimal(24, 6)) as difference,
        '人' as unit,
        {{ recon_text('fiscal_year') }} || ' 年人员编制合计行的' || column_label || ' ' || {{ recon_text('reported') }}
        || ' 人，与 ' || {{ recon_text('types') }} || ' 个编制类型之和 ' || {{ recon_text('summed') }} || ' 人不等' as message,
        submission_id,
        source_file,
        source_row,
        'error' as severity
    from st_pairs
    where reported <> summed
),

final as (
    select * from three_public_total
    union all
    select * from three_public_vehicle_group
    union all
    select * from staffing_total
)

select * from final
