-- 核对检查目录（seeds/reconciliation_checks.csv）：每个检查一行，附类别的中文名称（dim_label）。
with checks as (
    select * from {{ ref('reconciliation_checks') }}
),

labels as (
    select
        code,
        label
    from {{ ref('dim_label') }}
    where kind = 'check_category'
),

final as (
    select
        checks.check_code,
        checks.check_name,
        checks.category,
        coalesce(labels.label, checks.category) as category_name,
        checks.severity_rule,
        checks.description
    from checks
    left join labels
        on labels.code = checks.category
)

select * from final
