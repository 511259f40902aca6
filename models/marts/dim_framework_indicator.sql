-- 评价体系的三级指标（seeds/framework_indicators.csv）：分值、公式、规则类型、阈值与原文评分规则，附一级、
-- 二级指标名称。看板的“指标分析”页从这里读规则。
with indicators as (
    select * from {{ ref('framework_indicators') }}
),

levels as (
    select
        framework_code,
        level_code,
        level_name
    from {{ ref('framework_levels') }}
),

final as (
    select
        indicators.framework_code,
        indicators.indicator_code,
        indicators.indicator_name,
        indicators.level1_code,
        level1.level_name as level1_name,
        indicators.level2_code,
        level2.level_name as level2_name,
        indicators.weight,
        indicators.formula_code,
        indicators.rule_type,
        indicators.op,
        indicators.bound,
        indicators.target,
        indicators.per_item,
        indicators.per_point,
        indicators.on_zero_denominator,
        indicators.score_decimals,
        indicators.score_rounding,
        indicators.sort_order,
        indicators.rule_text,
        indicators.window_years,
        indicators.min_years
    from indicators
    left join levels as level1
        on level1.framework_code = indicators.framework_code and level1.level_code = indicators.level1_code
    left join levels as level2
        on level2.framework_code = indicators.framework_code and level2.level_code = indicators.level2_code
)

select * from final
