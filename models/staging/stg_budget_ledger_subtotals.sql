-- Subtotal rows as the department reported them (公用经费小计, 人员经费小计, 合计 …).
-- Scope: expense_type null = the whole ledger; category null = the whole expense type;
-- project_code null = not project-scoped (a project's own 合计 row carries its project_code).
-- Reconciliation checks each against the sum of the lines it covers.
with source as (
    {{ current_version(source('raw', 'budget_ledger')) }}
),

subtotals as (
    select * from source
    where
        is_subtotal
        and not coalesce({{ raw_column_or(source('raw', 'budget_ledger'), 'is_breakdown', 'false') }}, false)
),

final as (
    select
        {{ dbt.concat(["_submission_id", "':'", "_file", "':'", dbt.cast("_row_number", api.Column.translate_type("string"))]) }}
            as subtotal_id,
        dept_code,
        fiscal_year,
        expense_type,
        category,
        project_code,
        project_name,
        coalesce(is_key_project, false) as is_key_project,
        subtotal_label,
        original_budget,
        adjustment,
        adjusted_budget,
        actual_paid,
        balance as balance_reported,
        {{ lineage_columns() }}
    from subtotals
)

select * from final
