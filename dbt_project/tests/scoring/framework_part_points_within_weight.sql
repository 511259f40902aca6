-- A bands rule gives at most the indicator's weight; the points of a proportional rule's parts add up to it.
with indicators as (
    select * from {{ ref('framework_indicators') }}
),

parts as (
    select
        framework_code,
        indicator_code,
        max(points) as max_points,
        sum(points) as sum_points
    from {{ ref('framework_rule_parts') }}
    group by framework_code, indicator_code
)

select
    i.framework_code,
    i.indicator_code,
    i.rule_type,
    i.weight,
    p.max_points,
    p.sum_points
from indicators as i
inner join parts as p
    on p.framework_code = i.framework_code and p.indicator_code = i.indicator_code
where
    (i.rule_type = 'bands' and p.max_points > i.weight)
    or (i.rule_type = 'proportional' and p.sum_points <> i.weight)
