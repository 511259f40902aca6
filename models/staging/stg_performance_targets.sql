with source as (
    {{ current_version(source('raw', 'performance_targets')) }}
),

final as (
    select
        {{ dbt.concat(["_submission_id", "':'", "_file", "':'", dbt.cast("_row_number", api.Column.translate_type("string"))]) }}
            as target_id,
        dept_code,
        fiscal_year,
        scope,
        project_code,
        level1,
        level2,
        indicator_name,
        direction,
        target_value,
        actual_value,
        -- the numbers in target_value / actual_value when they are numbers (95%, 1,200 人 …)
        target_number,
        actual_number,
        -- 定性 targets: the completion wording as the ingest read it (达成/完成/是… true; 未达成/否/部分达成… false);
        -- null for numeric targets
        {{ raw_column_or(source('raw', 'performance_targets'), 'actual_met', 'cast(null as boolean)') }} as actual_met,
        unit,
        weight,
        self_score,
        {{ lineage_columns() }}
    from source
)

select * from final
