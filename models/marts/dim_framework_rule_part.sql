-- 评分规则的分档与分项（seeds/framework_rule_parts.csv）：区间、得分、目标值、字母等级与原文。
with parts as (
    select * from {{ ref('framework_rule_parts') }}
),

final as (
    select
        framework_code,
        indicator_code,
        part_code,
        part_name,
        lower_bound,
        lower_inclusive,
        upper_bound,
        upper_inclusive,
        points,
        target,
        letter,
        sort_order,
        rule_text
    from parts
)

select * from final
