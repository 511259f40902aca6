-- “三公”经费 by item. A reported 合计 row is in stg_three_public_totals.
with source as (
    {{ current_version(source('raw', 'three_public')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        item,
        budget,
        actual,
        {{ lineage_columns() }}
    from source
    where not is_subtotal
)

select * from final
