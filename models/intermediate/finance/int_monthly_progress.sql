-- 月度支出进度：每个部门、年度、月份一行。执行进度 = 截至当月累计支出 / 预算数 × 100%；
-- 预算数取月度进度表填报的预算数，未填时取台账的调整后预算（部门合计）。
with months as (
    select * from {{ ref('stg_monthly_execution') }}
),

finance as (
    select
        dept_code,
        fiscal_year,
        adjusted_total
    from {{ ref('int_dept_year_finance') }}
),

final as (
    select
        months.dept_code,
        months.fiscal_year,
        months.month,
        case
            when months.month < 10
                then {{ dbt.concat(["'M0'", dbt.cast('months.month', dbt.type_string())]) }}
            else {{ dbt.concat(["'M'", dbt.cast('months.month', dbt.type_string())]) }}
        end as part_code,
        months.cumulative_paid,
        cast(coalesce(months.budget_basis, finance.adjusted_total) as decimal(18, 2)) as budget_basis,
        case when months.budget_basis is not null then 'reported' else 'ledger_adjusted' end as budget_basis_source
    from months
    left join finance
        on finance.dept_code = months.dept_code and finance.fiscal_year = months.fiscal_year
)

select * from final
