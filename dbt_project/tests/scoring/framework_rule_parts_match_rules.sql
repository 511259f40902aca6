-- bands and letter rules have parts; parts belong to an indicator whose rule uses them
-- (bands, proportional with parts, letter); proportional parts have a target and points.
with indicators as (
    select * from {{ ref('framework_indicators') }}
),

parts as (
    select * from {{ ref('framework_rule_parts') }}
),

part_counts as (
    select
        framework_code,
        indicator_code,
        count(*) as parts
    from parts
    group by framework_code, indicator_code
)

select
    i.framework_code,
    i.indicator_code,
    i.rule_type,
    'no parts for a bands/letter rule' as problem
from indicators as i
left join part_counts as c
    on c.framework_code = i.framework_code and c.indicator_code = i.indicator_code
where i.rule_type in ('bands', 'letter') and c.parts is null

union all

select
    p.framework_code,
    p.indicator_code,
    i.rule_type,
    'parts on an indicator whose rule does not use them'
from parts as p
left join indicators as i
    on i.framework_code = p.framework_code and i.indicator_code = p.indicator_code
where i.rule_type is null or i.rule_type not in ('bands', 'proportional', 'letter')

union all

select
    p.framework_code,
    p.indicator_code,
    i.rule_type,
    'proportional part without target or points'
from parts as p
inner join indicators as i
    on i.framework_code = p.framework_code and i.indicator_code = p.indicator_code
where i.rule_type = 'proportional' and (p.target is null or p.target <= 0 or p.points is null)

union all

select
    p.framework_code,
    p.indicator_code,
    i.rule_type,
    'letter part without a letter'
from parts as p
inner join indicators as i
    on i.framework_code = p.framework_code and i.indicator_code = p.indicator_code
where i.rule_type = 'letter' and p.letter is null
