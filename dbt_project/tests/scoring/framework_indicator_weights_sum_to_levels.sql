-- Indicator weights add up to their level-2 weight (or level-1 weight where a framework has no level 2),
-- and every indicator points at levels that exist.
with levels as (
    select * from {{ ref('framework_levels') }}
),

indicators as (
    select * from {{ ref('framework_indicators') }}
),

by_level2 as (
    select
        framework_code,
        level2_code,
        sum(weight) as weight
    from indicators
    where level2_code is not null
    group by framework_code, level2_code
),

by_level1 as (
    select
        framework_code,
        level1_code,
        sum(weight) as weight
    from indicators
    group by framework_code, level1_code
)

select
    b.framework_code,
    b.level2_code as level_code,
    b.weight,
    l.weight as level_weight,
    'indicators <> level-2 weight' as problem
from by_level2 as b
inner join levels as l
    on l.framework_code = b.framework_code and l.level_code = b.level2_code and l.level = 2
where l.weight is not null and b.weight <> l.weight

union all

select
    b.framework_code,
    b.level1_code,
    b.weight,
    l.weight,
    'indicators <> level-1 weight'
from by_level1 as b
inner join levels as l
    on l.framework_code = b.framework_code and l.level_code = b.level1_code and l.level = 1
where l.weight is not null and b.weight <> l.weight

union all

select
    i.framework_code,
    i.indicator_code,
    i.weight,
    null,
    'level-1 code not in framework_levels'
from indicators as i
left join levels as l
    on l.framework_code = i.framework_code and l.level_code = i.level1_code and l.level = 1
where l.level_code is null

union all

select
    i.framework_code,
    i.indicator_code,
    i.weight,
    null,
    'level-2 code not in framework_levels'
from indicators as i
left join levels as l
    on l.framework_code = i.framework_code and l.level_code = i.level2_code and l.level = 2
where i.level2_code is not null and l.level_code is null
