-- 核对检查目录（seeds/reconciliation_checks.csv）：每个检查一行，附类别的中文名称。
with checks as (
    select * from {{ ref('reconciliation_checks') }}
),

final as (
    select
        check_code,
        check_name,
        category,
        case category
            when 'ledger_arithmetic' then '台账算术'
            when 'identity' then '恒等关系'
            when 'continuity' then '跨年连续性'
            when 'verification' then '核实类'
            when 'reported' then '报告数与计算数'
            else category
        end as category_name,
        severity_rule,
        description
    from checks
)

select * from final
