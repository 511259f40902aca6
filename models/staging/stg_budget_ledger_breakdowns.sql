-- `其中：…` rows of the ledger: a breakdown of the row above it (its parent, breakdown_parent_row, in the
-- same submission, file and sheet). Kept to be checked (≤ the parent), never added to the facts.
with source as (
    {{ current_version(source('raw', 'budget_ledger')) }}
),

breakdowns as (
    select * from source
    where coalesce({{ raw_column_or(source('raw', 'budget_ledger'), 'is_breakdown', 'false') }}, false)
),

final as (
    select
        {{ dbt.concat(["_submission_id", "':'", "_file", "':'", dbt.cast("_row_number", api.Column.translate_type("string"))]) }}
            as breakdown_id,
        dept_code,
        fiscal_year,
        expense_type,
        category,
        project_code,
        project_name,
        econ_class,
        original_budget,
        adjusted_budget,
        actual_paid,
        cast({{ raw_column_or(source('raw', 'budget_ledger'), 'breakdown_parent_row', 'null') }} as integer)
            as parent_row,
        {{ lineage_columns() }}
    from breakdowns
)

select * from final
