-- 指标计算中的异常（需要说明的核实类问题，warning）：
--   zero_denominator  指标分母为 0（0/0 或 x/0），按评价体系规则处理（如“无预算、无支出”得满分）
--   rate_over_100     执行类比率超过 100%（预算完成率、公用经费控制率、“三公经费”控制率、政府采购执行率、支付进度）
-- 同一公式在多个评价体系中出现时只报告一次。
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

formulas as (
    select
        formula_code,
        formula_name
    from {{ ref('framework_formulas') }}
),

per_formula as (
    select
        v.dept_code,
        v.fiscal_year,
        v.formula_code,
        coalesce(v.project_code, '') as project_code,
        min(f.formula_name) as indicator_name,
        max(v.numerator) as numerator,
        max(v.denominator) as denominator,
        max(v.value) as value
    from indicator_values as v
    inner join formulas as f on v.formula_code = f.formula_code
    where v.numerator is not null and v.denominator is not null
    group by v.dept_code, v.fiscal_year, v.formula_code, coalesce(v.project_code, '')
),

final as (
    select
        dept_code,
        fiscal_year,
        cast(null as {{ dbt.type_string() }}) as framework_code,
        nullif(project_code, '') as project_code,
        'zero_denominator' as check_code,
        indicator_name as item,
        cast(null as decimal(24, 6)) as expected,
        cast(numerator as decimal(24, 6)) as actual,
        cast(null as decimal(24, 6)) as difference,
        '元' as unit,
        indicator_name || '的分母为 0（分子 ' || {{ format_amount('numerator') }} || '）：按评价体系的规则处理，需要说明' as message,
        cast(null as {{ dbt.type_string() }}) as submission_id,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as integer) as source_row,
        'warning' as severity
    from per_formula
    where denominator = 0
    union all
    select
        dept_code,
        fiscal_year,
        cast(null as {{ dbt.type_string() }}),
        nullif(project_code, ''),
        'rate_over_100',
        indicator_name,
        cast(100 as decimal(24, 6)),
        cast(value as decimal(24, 6)),
        cast(value - 100 as decimal(24, 6)),
        '%',
        indicator_name || ' = ' || {{ format_amount('numerator') }} || ' / ' || {{ format_amount('denominator') }}
        || ' × 100% = ' || {{ format_percent('value') }} || '，超过 100%，需要说明',
        cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}),
        cast(null as integer),
        'warning'
    from per_formula
    where
        value > 100
        and formula_code in (
            'budget_completion_rate', 'budget_completion_rate_with_carryover', 'public_expense_control_rate', 'three_public_control_rate',
            'procurement_execution_rate', 'payment_progress', 'project_execution_rate', 'project_execution_rate_dept'
        )
)

select * from final
