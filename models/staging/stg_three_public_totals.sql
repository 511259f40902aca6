-- “三公”经费 合计 rows as reported; checked against the sum of the items.
with source as (
    {{ current_version(source('raw', 'three_public')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        budget,
        actual,
        {{ lineage_columns() }}
    from source
    where is_subtotal
)

select * from final
