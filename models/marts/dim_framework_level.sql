-- 评价体系的一级、二级指标（seeds/framework_levels.csv）：编码、名称、层级、上级、分值、顺序、汇总方式。
with levels as (
    select * from {{ ref('framework_levels') }}
),

final as (
    select
        framework_code,
        level_code,
        level_name,
        level,
        parent_code,
        weight,
        sort_order,
        coalesce(aggregation, 'sum') as aggregation,
        source_weight,
        note
    from levels
)

select * from final
