-- 报告的指标值与得分 = 按本评价体系计算：
--   reported_value   报告的三级指标值，按其写出的精度比较：相差一个末位为 info（舍入差异，如 95.23% 与 95.24%），否则 error
--   reported_score   报告的三级指标得分 ≠ 按规则（或评价人）给出的得分 → error
--   reported_level1  报告的一级指标小计 ≠ 各三级指标得分之和 → error
--   reported_total   报告的总分 ≠ 计算的总分 → error
-- 项目的自评（project_code 填写、item 为项目评价体系的指标编码或 total，item_kind = project_score）同样核对：
-- 与该项目的指标值、指标得分（fct_indicator_scores 的项目行）和项目总分（fct_project_scores）比较。
-- project_key：'' = 部门整体，否则项目编码（等值连接，保持哈希连接）。
with claims as (
    select
        reported.*,
        coalesce(reported.project_code, '') as project_key,
        case when reported.project_code is not null then '项目 ' || reported.project_code || ' ' else '' end as item_prefix
    from {{ ref('stg_reported_results') }} as reported
    where reported.item_kind in ('framework', 'total', 'project_score')
),

indicator_values as (
    select
        *,
        coalesce(project_code, '') as project_key
    from {{ ref('fct_indicator_values') }}
),

indicator_scores as (
    select
        *,
        coalesce(project_code, '') as project_key
    from {{ ref('fct_indicator_scores') }}
),

level1 as (
    select
        *,
        coalesce(project_code, '') as project_key
    from {{ ref('fct_level1_scores') }}
),

-- department totals ('' project) and project totals in one relation
totals as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        '' as project_key,
        total_score,
        grade,
        max_score
    from {{ ref('fct_department_scores') }}
    union all
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code as project_key,
        total_score,
        grade,
        max_score
    from {{ ref('fct_project_scores') }}
),

value_claims as (
    select
        c.*,
        v.indicator_name,
        v.value as computed,
        v.assessable,
        v.numerator,
        v.denominator
    from claims as c
    inner join indicator_values as v
        on
            v.dept_code = c.dept_code and v.fiscal_year = c.fiscal_year
            and v.framework_code = c.framework_code and v.indicator_code = c.item and v.project_key = c.project_key
    where c.reported_value is not null
),

reported_value as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        'reported_value' as check_code,
        item_prefix || item || ' ' || indicator_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_value as decimal(24, 6)) as actual,
        cast(reported_value - computed as decimal(24, 6)) as difference,
        '%' as unit,
        case
            when computed is null
                then
                    item_prefix || item || ' ' || indicator_name || '：报告值 ' || {{ format_number('reported_value') }}
                    || '%，仓库无法计算（分母为 0 或缺少输入数据）'
            else
                item_prefix || item || ' ' || indicator_name || '：报告值 ' || {{ format_number('reported_value') }} || '%'
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
    select
        c.*,
        s.indicator_name,
        s.score as computed,
        s.weight,
        s.rule_text,
        s.scored_by,
        s.assessable,
        v.value as computed_value
    from claims as c
    inner join indicator_scores as s
        on
            s.dept_code = c.dept_code and s.fiscal_year = c.fiscal_year
            and s.framework_code = c.framework_code and s.indicator_code = c.item and s.project_key = c.project_key
    left join indicator_values as v
        on
            v.dept_code = c.dept_code and v.fiscal_year = c.fiscal_year
            and v.framework_code = c.framework_code and v.indicator_code = c.item and v.project_key = c.project_key
    where c.reported_score is not null
),

reported_score as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        'reported_score' as check_code,
        item_prefix || item || ' ' || indicator_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        case
            when not assessable
                then
                    item_prefix || item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }}
                    || ' 分，仓库不可评价（缺少输入数据，也没有评价人评分）'
            when scored_by = 'person'
                then
                    item_prefix || item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }} || ' 分，评价人评分为 '
                    || {{ format_number('computed') }} || ' 分（满分 ' || {{ format_number('weight') }} || ' 分）'
            else
                item_prefix || item || ' ' || indicator_name || '：报告得 ' || {{ format_number('reported_score') }} || ' 分，但按规则“'
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
    select
        c.dept_code,
        c.fiscal_year,
        c.framework_code,
        c.project_key,
        s.level1_code,
        sum(c.reported_score) as claimed_sum,
        count(*) as claimed_items
    from claims as c
    inner join indicator_scores as s
        on
            s.dept_code = c.dept_code and s.fiscal_year = c.fiscal_year
            and s.framework_code = c.framework_code and s.indicator_code = c.item and s.project_key = c.project_key
    where c.reported_score is not null
    group by c.dept_code, c.fiscal_year, c.framework_code, c.project_key, s.level1_code
),

level1_claims as (
    select
        c.*,
        l.level_name as level1_name,
        l.score as computed,
        l.weight as level1_weight,
        l.indicator_count,
        cl.claimed_sum,
        cl.claimed_items
    from claims as c
    inner join level1 as l
        on
            l.dept_code = c.dept_code and l.fiscal_year = c.fiscal_year
            and l.framework_code = c.framework_code and l.level1_code = c.item and l.project_key = c.project_key
    left join claimed_by_level1 as cl
        on
            cl.dept_code = c.dept_code and cl.fiscal_year = c.fiscal_year
            and cl.framework_code = c.framework_code and cl.level1_code = c.item and cl.project_key = c.project_key
    where c.reported_score is not null
),

reported_level1 as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        'reported_level1' as check_code,
        item_prefix || item || ' ' || level1_name as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        item_prefix || '一级指标 ' || item || ' ' || level1_name || '：报告小计 ' || {{ format_number('reported_score') }}
        || ' 分，各三级指标得分之和为 ' || {{ format_number('computed') }} || ' 分'
        || case
            when claimed_items = indicator_count
                then
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
    select
        c.*,
        d.total_score as computed,
        d.grade,
        d.max_score
    from claims as c
    inner join totals as d
        on
            d.dept_code = c.dept_code and d.fiscal_year = c.fiscal_year and d.framework_code = c.framework_code
            and d.project_key = c.project_key
    where c.item = 'total' and c.reported_score is not null
),

reported_total as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        'reported_total' as check_code,
        item_prefix || '总分' as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_score as decimal(24, 6)) as actual,
        cast(reported_score - computed as decimal(24, 6)) as difference,
        '分' as unit,
        '报告' || item_prefix || '总分 ' || {{ format_number('reported_score') }} || ' 分，按各指标得分计算为 ' || {{ format_number('computed') }}
        || ' 分' || coalesce('（' || grade || '）', '') as message,
        submission_id,
        source_file,
        source_row,
        'error' as severity
    from total_claims
    where reported_score <> computed
),

final as (
    select * from reported_value
    where severity is not null
    union all
    select * from reported_score
    where severity is not null
    union all
    select * from reported_level1
    union all
    select * from reported_total
)

select * from final
