with source as (
    {{ current_version(source('raw', 'carryover')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        opening_balance,
        -- empty: derived later as Σ ledger (adjusted − paid)
        closing_balance as closing_balance_reported,
        {{ lineage_columns() }}
    from source
)

select * from final
