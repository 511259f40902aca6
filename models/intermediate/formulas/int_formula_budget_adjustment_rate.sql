-- 预算调整率 = |调整后预算 − 年初预算| / 年初预算 × 100%
-- （hn_dept_overall B12：abs(adjusted − original) / original；mof_dept_common B12）
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

inputs as (
    select
        dept_code,
        fiscal_year,
        '' as project_code,
        '' as part_code,
        abs(adjusted_total - original_total) as numerator,  -- 预算调整数
        original_total as denominator,                       -- 年初预算
        cast(null as {{ dbt.type_string() }}) as missing_inputs,
        {{ scoring_concat(["'年初预算 '", format_amount('original_total'), "'，调整后预算 '", format_amount('adjusted_total'),
                           "'，预算调整数 '", format_amount('abs(adjusted_total - original_total)')]) }}
            as inputs
    from finance
)

{{ scoring_rate_select('budget_adjustment_rate') }}
