-- One row per budget line (指标). Reported subtotals (小计/合计/总计) are in stg_budget_ledger_subtotals
-- and `其中：…` breakdown rows in stg_budget_ledger_breakdowns: neither is ever added to the facts.
-- A blank amount is unknown (NULL), never 0; adjusted_budget is derived by the ingest only when the
-- original budget is known.
with source as (
    {{ current_version(source('raw', 'budget_ledger')) }}
),

lines as (
    select * from source
    where
        not is_subtotal
        and not coalesce({{ raw_column_or(source('raw', 'budget_ledger'), 'is_breakdown', 'false') }}, false)
),

final as (
    select
        {{ dbt.concat(["_submission_id", "':'", "_file", "':'", dbt.cast("_row_number", api.Column.translate_type("string"))]) }}
            as ledger_line_id,
        dept_code,
        fiscal_year,
        expense_type,
        category,
        project_code,
        project_name,
        coalesce(is_key_project, false) as is_key_project,
        econ_class,
        func_class,
        fund_source,
        original_budget,
        adjustment,
        -- 实际指标可用金额: as reported, else original + adjustment (adjustment empty = 0)
        adjusted_budget,
        adjusted_budget_derived,
        actual_paid,
        cast(adjusted_budget - actual_paid as decimal(18, 2)) as balance,
        balance as balance_reported,
        {{ lineage_columns() }}
    from lines
)

select * from final
