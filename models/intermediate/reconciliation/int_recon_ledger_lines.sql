-- 台账行的算术（每个预算行）：
--   ledger_adjusted_identity  实际指标可用金额 = 原始指标金额 + 调整金额（两者都填写时）
--   ledger_balance_identity   指标结余 = 可用金额 − 实际支付（填写了结余时）
--   ledger_overspend          实际支付 ≤ 可用金额（超出为 warning：执行率超过 100%）
with lines as (
    select * from {{ ref('stg_budget_ledger') }}
),

described as (
    select
        lines.*,
        lines.expense_type || '/' || lines.category || coalesce('/' || lines.project_code, '') || coalesce('/' || lines.econ_class, '')
            as line_label
    from lines
),

adjusted_identity as (
    select
        dept_code,
        fiscal_year,
        'ledger_adjusted_identity' as check_code,
        line_label as item,
        cast(original_budget + adjustment as decimal(24, 6)) as expected,
        cast(adjusted_budget as decimal(24, 6)) as actual,
        cast(adjusted_budget - (original_budget + adjustment) as decimal(24, 6)) as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行（' || line_label || '）实际指标可用金额 '
        || {{ format_amount('adjusted_budget') }} || ' 元，不等于原始指标金额 ' || {{ format_amount('original_budget') }}
        || ' 元加调整金额 ' || {{ format_amount('adjustment') }} || ' 元（= '
        || {{ format_amount('original_budget + adjustment') }} || ' 元），相差 '
        || {{ format_amount('adjusted_budget - (original_budget + adjustment)') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row
    from described
    where
        adjustment is not null
        and not adjusted_budget_derived
        and adjusted_budget <> original_budget + adjustment
),

balance_identity as (
    select
        dept_code,
        fiscal_year,
        'ledger_balance_identity' as check_code,
        line_label as item,
        cast(balance as decimal(24, 6)) as expected,
        cast(balance_reported as decimal(24, 6)) as actual,
        cast(balance_reported - balance as decimal(24, 6)) as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行（' || line_label || '）填写的指标结余 '
        || {{ format_amount('balance_reported') }} || ' 元，不等于可用金额 ' || {{ format_amount('adjusted_budget') }}
        || ' 元减实际支付 ' || {{ format_amount('actual_paid') }} || ' 元（= ' || {{ format_amount('balance') }}
        || ' 元），相差 ' || {{ format_amount('balance_reported - balance') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row
    from described
    where
        balance_reported is not null
        and balance_reported <> balance
),

overspend as (
    select
        dept_code,
        fiscal_year,
        'ledger_overspend' as check_code,
        line_label as item,
        cast(adjusted_budget as decimal(24, 6)) as expected,
        cast(actual_paid as decimal(24, 6)) as actual,
        cast(actual_paid - adjusted_budget as decimal(24, 6)) as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行（' || line_label || '）实际支付 '
        || {{ format_amount('actual_paid') }} || ' 元，超过可用金额 ' || {{ format_amount('adjusted_budget') }}
        || ' 元 ' || {{ format_amount('actual_paid - adjusted_budget') }} || ' 元（执行率超过 100%），需要说明' as message,
        submission_id,
        source_file,
        source_row
    from described
    where actual_paid > adjusted_budget
),

final as (
    select
        *,
        {{ recon_amount_severity('difference') }} as severity
    from adjusted_identity
    union all
    select
        *,
        {{ recon_amount_severity('difference') }} as severity
    from balance_identity
    union all
    select
        *,
        'warning' as severity
    from overspend
)

select * from final
