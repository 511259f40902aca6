-- Each framework's positive indicator weights add up to frameworks.total_weight (deduction items, with
-- negative weights, are not part of the maximum). Frameworks without a total (PEFA letters) are skipped.
with indicator_totals as (
    select
        framework_code,
        sum(case when weight > 0 then weight else 0 end) as positive_weight
    from {{ ref('framework_indicators') }}
    group by framework_code
)

select
    f.framework_code,
    f.total_weight,
    i.positive_weight
from {{ ref('frameworks') }} as f
left join indicator_totals as i
    on i.framework_code = f.framework_code
where
    f.total_weight is not null
    and (i.positive_weight is null or i.positive_weight <> f.total_weight)
