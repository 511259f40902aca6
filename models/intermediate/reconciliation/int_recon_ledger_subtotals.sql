-- ledger_subtotal：报告的小计/合计行 = 它覆盖的预算行之和，逐个金额列核对。
-- 范围：expense_type 为空 = 全部台账；category 为空 = 该指标管理类型的全部。
with subtotals as (
    select * from {{ ref('stg_budget_ledger_subtotals') }}
),

lines as (
    select * from {{ ref('stg_budget_ledger') }}
),

-- the lines summed at every scope a subtotal can have; '*' = all values of that column.
-- (an equi-join on the scope keeps this a hash join: an OR in the join condition would make it a
-- nested loop over every subtotal × every line, minutes at a province's scale)
line_scopes as (
    select
        dept_code,
        fiscal_year,
        case when grouping(expense_type) = 1 then '*' else coalesce(expense_type, '') end as expense_scope,
        case when grouping(category) = 1 then '*' else coalesce(category, '') end as category_scope,
        count(ledger_line_id) as line_count,
        sum(original_budget) as original_budget,
        sum(coalesce(adjustment, 0)) as adjustment,
        sum(adjusted_budget) as adjusted_budget,
        sum(actual_paid) as actual_paid,
        sum(balance) as balance
    from lines
    group by grouping sets (
        (dept_code, fiscal_year),
        (dept_code, fiscal_year, expense_type),
        (dept_code, fiscal_year, category),
        (dept_code, fiscal_year, expense_type, category)
    )
),

covered as (
    select
        s.subtotal_id,
        coalesce(ls.line_count, 0) as line_count,
        ls.original_budget,
        ls.adjustment,
        ls.adjusted_budget,
        ls.actual_paid,
        ls.balance
    from subtotals as s
    left join line_scopes as ls
        on ls.dept_code = s.dept_code
        and ls.fiscal_year = s.fiscal_year
        and ls.expense_scope = coalesce(s.expense_type, '*')
        and ls.category_scope = coalesce(s.category, '*')
),

-- one row per subtotal × amount column that was reported
pairs as (
    {% set columns = [
        ('original_budget', '原始指标金额', 'original_budget'),
        ('adjustment', '调整金额', 'adjustment'),
        ('adjusted_budget', '实际指标可用金额', 'adjusted_budget'),
        ('actual_paid', '实际支付合计', 'actual_paid'),
        ('balance_reported', '指标结余', 'balance'),
    ] %}
    {% for reported_col, label, sum_col in columns %}
    select
        s.dept_code,
        s.fiscal_year,
        s.subtotal_label,
        '{{ label }}' as column_label,
        cast(s.{{ reported_col }} as decimal(24, 6)) as reported,
        cast(coalesce(c.{{ sum_col }}, 0) as decimal(24, 6)) as summed,
        c.line_count,
        s.submission_id,
        s.source_file,
        s.source_row
    from subtotals as s
    inner join covered as c on c.subtotal_id = s.subtotal_id
    where s.{{ reported_col }} is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        dept_code,
        fiscal_year,
        'ledger_subtotal' as check_code,
        subtotal_label || '：' || column_label as item,
        summed as expected,
        reported as actual,
        reported - summed as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行“' || subtotal_label || '”的' || column_label || ' '
            || {{ format_amount('reported') }} || ' 元，与其覆盖的 ' || {{ recon_text('line_count') }} || ' 个预算行之和 '
            || {{ format_amount('summed') }} || ' 元相差 ' || {{ format_amount('reported - summed') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('reported - summed') }} as severity
    from pairs
    where reported <> summed
)

select * from final
