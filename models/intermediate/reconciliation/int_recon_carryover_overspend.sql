-- carryover_overspent：没有填报年末结转结余时，年末数取台账 Σ(调整后预算 − 实际支出)；它为负说明台账超支，
-- 不是结转结余（结转结余率、结转结余变动率因此无法评价）。每个这样的部门年度一条发现（warning）。
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

final as (
    select
        dept_code,
        fiscal_year,
        'carryover_overspent' as check_code,
        '年末结转结余（台账 Σ(调整后预算 − 实际支出)）' as item,
        cast(0 as decimal(24, 6)) as expected,
        cast(carryover_closing as decimal(24, 6)) as actual,
        cast(carryover_closing as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('fiscal_year') }} || ' 年没有填报年末结转结余，台账 Σ(调整后预算 − 实际支出) = '
        || {{ format_amount('carryover_closing') }} || ' 元：实际支出 ' || {{ format_amount('paid_total') }}
        || ' 元超过调整后预算 ' || {{ format_amount('adjusted_total') }} || ' 元，超支不是结转结余，'
        || '结转结余率、结转结余变动率无法评价' as message,
        cast(null as {{ dbt.type_string() }}) as submission_id,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as integer) as source_row,
        'warning' as severity
    from finance
    where carryover_closing_source = 'ledger' and carryover_closing < 0
)

select * from final
