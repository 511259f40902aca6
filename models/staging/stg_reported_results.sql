-- What a department or an evaluation report claims. item_kind tells what the claim is about.
with source as (
    {{ current_version(source('raw', 'reported_results')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        project_code,
        item,
        case
            -- a project's amounts and execution rate, checked against the ledger by project_code
            when project_code is not null and item in ('执行率', '调整后预算', '支出合计') then 'project'
            -- a project's score: an indicator code of the project framework (project_self), or total
            when project_code is not null then 'project_score'
            when item = 'total' then 'total'
            when item in (
                '年初预算', '调整后预算', '支出合计', '基本支出', '人员经费', '公用经费', '项目支出',
                '三公经费预算', '三公经费决算', '年初结转结余', '年末结转结余',
                '基本支出预算', '项目支出预算'
            ) then 'ledger'
            -- an indicator code or a level-1 code of framework_code (resolved against the seeds downstream)
            else 'framework'
        end as item_kind,
        -- rates in percentage points (99.08 = 99.08%), amounts in yuan
        reported_value,
        reported_value_text,
        -- decimals as written: a claim is checked at its own precision
        reported_value_decimals,
        reported_value_unit,
        reported_score,
        source as claim_source,
        {{ lineage_columns() }}
    from source
)

select * from final
