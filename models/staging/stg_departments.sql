with source as (
    {{ current_version(source('raw', 'departments'), partition_by=['dept_code']) }}
),

final as (
    select
        dept_code,
        dept_name,
        region_code,
        region_name,
        parent_dept_code,
        sector,
        case when parent_dept_code is null then 1 else 2 end as dept_level,
        {{ lineage_columns() }}
    from source
)

select * from final
