with source as (
    {{ current_version(source('raw', 'monthly_execution')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        cast(month as integer) as month,
        cumulative_paid,
        -- empty: the ledger's adjusted budget is the basis
        budget_basis,
        {{ lineage_columns() }}
    from source
)

select * from final
