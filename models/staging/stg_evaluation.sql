-- 评价报告信息（可选模板）：每行一个事项；问题及原因、改进建议每条一行（seq 为序号），其他事项各一行（seq = 1）。
-- framework_code 为空：适用于该部门年度的所有评价体系。
with source as (
    {{ current_version(source('raw', 'evaluation')) }}
),

final as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        item,
        cast(seq as integer) as seq,
        content,
        date_value,
        date_precision,
        {{ lineage_columns() }}
    from source
)

select * from final
