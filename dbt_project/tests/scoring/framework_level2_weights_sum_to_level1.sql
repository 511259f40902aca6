-- Level-2 weights add up to their level-1 weight, and level-1 positive weights to the framework's total.
with level1 as (
    select
        framework_code,
        level_code,
        weight
    from {{ ref('framework_levels') }}
    where level = 1 and weight is not null
),

level2_sums as (
    select
        framework_code,
        parent_code,
        sum(weight) as weight
    from {{ ref('framework_levels') }}
    where level = 2
    group by framework_code, parent_code
),

level1_totals as (
    select
        framework_code,
        sum(case when weight > 0 then weight else 0 end) as weight
    from level1
    group by framework_code
)

select
    l1.framework_code,
    l1.level_code,
    l1.weight,
    l2.weight as level2_sum,
    'level-2 weights <> level-1 weight' as problem
from level1 as l1
inner join level2_sums as l2
    on l2.framework_code = l1.framework_code and l2.parent_code = l1.level_code
where l2.weight <> l1.weight

union all

select
    f.framework_code,
    null,
    f.total_weight,
    t.weight,
    'level-1 weights <> total_weight'
from {{ ref('frameworks') }} as f
inner join level1_totals as t
    on t.framework_code = f.framework_code
where f.total_weight is not null and t.weight <> f.total_weight
