-- 月度支出进度：
--   monthly_monotonic    累计支出随月份不减少（减少为 error）
--   monthly_over_budget  累计支出不超过预算基数（预算基数为空时用台账可用金额；超出为 warning）
--   monthly_year_end     12 月累计支出 = 台账实际支付（相差超过 0.5 万元为 warning）
with months as (
    select * from {{ ref('stg_monthly_execution') }}
),

finance as (
    select
        dept_code,
        fiscal_year,
        adjusted_total,
        paid_total
    from {{ ref('int_dept_year_finance') }}
),

ordered as (
    select
        months.*,
        lag(months.cumulative_paid) over (partition by months.dept_code, months.fiscal_year order by months.month) as previous_paid,
        lag(months.month) over (partition by months.dept_code, months.fiscal_year order by months.month) as previous_month
    from months
),

monotonic as (
    select
        dept_code,
        fiscal_year,
        'monthly_monotonic' as check_code,
        {{ recon_text('month') }} || ' 月累计支出' as item,
        cast(previous_paid as decimal(24, 6)) as expected,
        cast(cumulative_paid as decimal(24, 6)) as actual,
        cast(cumulative_paid - previous_paid as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年 ' || {{ recon_text('month') }} || ' 月累计支出 ' || {{ format_amount('cumulative_paid') }}
        || ' 元，小于 ' || {{ recon_text('previous_month') }} || ' 月的 ' || {{ format_amount('previous_paid') }}
        || ' 元：累计数不应减少' as message,
        submission_id,
        source_file,
        source_row,
        'error' as severity
    from ordered
    where cumulative_paid < previous_paid
),

with_basis as (
    select
        m.*,
        coalesce(m.budget_basis, f.adjusted_total) as basis,
        case when m.budget_basis is not null then '预算数' else '台账可用金额' end as basis_label,
        f.paid_total
    from months as m
    left join finance as f on f.dept_code = m.dept_code and f.fiscal_year = m.fiscal_year
),

over_budget as (
    select
        dept_code,
        fiscal_year,
        'monthly_over_budget' as check_code,
        {{ recon_text('month') }} || ' 月累计支出' as item,
        cast(basis as decimal(24, 6)) as expected,
        cast(cumulative_paid as decimal(24, 6)) as actual,
        cast(cumulative_paid - basis as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年 ' || {{ recon_text('month') }} || ' 月累计支出 ' || {{ format_amount('cumulative_paid') }}
        || ' 元，超过' || basis_label || ' ' || {{ format_amount('basis') }} || ' 元，需要说明' as message,
        submission_id,
        source_file,
        source_row,
        'warning' as severity
    from with_basis
    where cumulative_paid > basis
),

year_end as (
    select
        dept_code,
        fiscal_year,
        'monthly_year_end' as check_code,
        '12 月累计支出' as item,
        cast(paid_total as decimal(24, 6)) as expected,
        cast(cumulative_paid as decimal(24, 6)) as actual,
        cast(cumulative_paid - paid_total as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年 12 月累计支出 ' || {{ format_amount('cumulative_paid') }}
        || ' 元，与台账实际支付合计 ' || {{ format_amount('paid_total') }} || ' 元相差 '
        || {{ format_amount('cumulative_paid - paid_total') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        case
            when abs(cumulative_paid - paid_total) <= {{ var('recon_amount_tolerance') }} then 'info'
            else 'warning'
        end as severity
    from with_basis
    where
        month = 12
        and paid_total is not null
        and cumulative_paid <> paid_total
),

final as (
    select * from monotonic
    union all
    select * from over_budget
    union all
    select * from year_end
)

select * from final
