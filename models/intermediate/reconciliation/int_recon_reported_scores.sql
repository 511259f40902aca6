-- 报告的指标值与得分 = 按本评价体系计算：
--   reported_value   报告的三级指标值，按其写出的精度比较：相差一个末位为 info（舍入差异，如 95.23% 与 95.24%），否则 error
--   reported_score   报告的三级指标得分 ≠ 按规则（或评价人）给出的得分 → error
--   reported_level1  报告的一级指标小计 ≠ 各三级指标得分之和 → error
--   reported_total   报告的总分 ≠ 计算的总分 → error
with claims as (
    select * from {{ ref('stg_reported_results') }}
    where item_kind in ('framework', 'total')
),

indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
    where coalesce(project_code, '') = ''
),

indicator_scores as (
    select * from {{ ref('fct_indicator_scores') }}
    where coalesce(project_code, '') = ''
),

level1 as (
    select * from {{ ref('fct_level1_scores') }}
),

department as (
    select * from {{ ref('fct_department_scores') }}
),

value_claims as (
    select c.*, v.indicator_name, v.value as computed, v.assessable, v.numerator, v.denominator
    from claims as c
    inner join indicator_values as v
        on v.dept_code = c.dept_code and v.fiscal_year = c.fiscal_year
        and v.framework_code = c.framework_code and v.indicator_code = c.item
    where c.reported_value is not null
),

reported_value as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_value' as check_code,
        item || ' ' || indicator_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_value as decimal(24, 6)) as actual,
        cast(reported_value - computed as decimal(24, 6)) as difference,
        '%' as unit,
        case
            when computed is null then
                item || ' ' || indicator_name || '：报告值 ' || {{ format_number('reported_value') }}
                || '%，仓库无法计算（分母为 0 或缺少输入数据）'
            else
                item || ' ' || indicator_name || '：报告值 ' || {{ format_number('reported_value') }} || '%'
                || coalesce('（' || claim_source || '）', '') || '，按公式计算为 ' || {{ format_percent('computed') }}
                || case
                    when {{ recon_units_apart('reported_value', 'computed', 'least(reported_value_decimals, 2)') }} <= 1
                        then '，仅为舍入差异'
                    else ''
                end
        end as message,
        submission_id,
        source_file,
        source_row,
        case
            when computed is null then 'warning'
            when {{ recon_units_apart('reported_value', 'computed', 'least(reported_value_decimals, 2)') }} = 0 then null
            when {{ recon_units_apart('reported_value', 'computed', 'least(reported_value_decimals, 2)') }} <= 1 then 'info'
            else 'error'
        end as severity
    from value_claims
),

score_claims as (
    select c.*, s.indicator_name, s.score as computed, s.weight, s.rule_text, s.scored_by, s.assessable,
           v.value as computed_value
    from claims as c
    inner join indicator_scores as s
        on s.dept_code = c.dept_code and s.fiscal_year = c.fiscal_year
        and s.framework_code = c.framework_code and s.indicator_code = c.item
    left join indicator_values as v
        on v.dept_code = c.dept_code and v.fiscal_year = c.fiscal_year
        and v.framework_code = c.framework_code and v.indicator_code = c.item
    where c.reported_score is not null
),

reported_score as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_score' as check_code,
        item || ' ' || indicator_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        case
            when not assessable then
                item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }}
                || ' 分，仓库无法评价（缺少输入数据，也没有评价人评分）'
            when scored_by = 'person' then
                item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }} || ' 分，评价人评分为 '
                || {{ format_number('computed') }} || ' 分（满分 ' || {{ format_number('weight') }} || ' 分）'
            else
                item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }} || ' 分，但按规则“'
                || rule_text || '”'
                || coalesce('，计算值 ' || {{ format_percent('computed_value') }}, '')
                || ' 应得 ' || {{ format_number('computed') }} || ' 分：报告与自己的评分规则矛盾'
        end as message,
        submission_id,
        source_file,
        source_row,
        case
            when not assessable then 'warning'
            when reported_score = computed then null
            else 'error'
        end as severity
    from score_claims
),

-- the report's own indicator scores, summed by level 1 (to say whether its subtotal even adds up)
claimed_by_level1 as (
    select c.dept_code, c.fiscal_year, c.framework_code, s.level1_code,
           sum(c.reported_score) as claimed_sum, count(*) as claimed_items
    from claims as c
    inner join indicator_scores as s
        on s.dept_code = c.dept_code and s.fiscal_year = c.fiscal_year
        and s.framework_code = c.framework_code and s.indicator_code = c.item
    where c.reported_score is not null
    group by c.dept_code, c.fiscal_year, c.framework_code, s.level1_code
),

level1_claims as (
    select c.*, l.level_name as level1_name, l.score as computed, l.weight as level1_weight, l.indicator_count,
           cl.claimed_sum, cl.claimed_items
    from claims as c
    inner join level1 as l
        on l.dept_code = c.dept_code and l.fiscal_year = c.fiscal_year
        and l.framework_code = c.framework_code and l.level1_code = c.item
    left join claimed_by_level1 as cl
        on cl.dept_code = c.dept_code and cl.fiscal_year = c.fiscal_year
        and cl.framework_code = c.framework_code and cl.level1_code = c.item
    where c.reported_score is not null
),

reported_level1 as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_level1' as check_code,
        item || ' ' || level1_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        '一级指标 ' || item || ' ' || level1_name || '：报告小计 ' || {{ format_number('reported_score') }}
            || ' 分，各三级指标得分之和为 ' || {{ format_number('computed') }} || ' 分'
            || case
                when claimed_items = indicator_count then
                    '（报告自己列出的各项得分之和为 ' || {{ format_number('claimed_sum') }} || ' 分'
                    || case when claimed_sum <> reported_score then '，小计与其明细也不符' else '' end || '）'
                else ''
            end as message,
        submission_id,
        source_file,
        source_row,
        'error' as severity
    from level1_claims
    where reported_score <> computed
),

total_claims as (
    select c.*, d.total_score as computed, d.grade, d.max_score
    from claims as c
    inner join department as d
        on d.dept_code = c.dept_code and d.fiscal_year = c.fiscal_year and d.framework_code = c.framework_code
    where c.item = 'total' and c.reported_score is not null
),

reported_total as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_total' as check_code,
        '总分' as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        '报告总分 ' || {{ format_number('reported_score') }} || ' 分，按各指标得分计算为 ' || {{ format_number('computed') }}
            || ' 分' || coalesce('（' || grade || '）', '') as message,
        submission_id,
        source_file,
        source_row,
        'error' as severity
    from total_claims
    where reported_score <> computed
),

final as (
    select * from reported_value where severity is not null
    union all
    select * from reported_score where severity is not null
    union all
    select * from reported_level1
    union all
    select * from reported_total
)

select * from final
