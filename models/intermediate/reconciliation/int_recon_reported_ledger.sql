-- 报告的台账数字：
--   reported_ledger    报告的 年初预算 / 调整后预算 / 支出合计 / 基本支出 / 人员经费 / 公用经费 / 项目支出 /
--                      三公经费预算 / 三公经费决算 / 年初结转结余 / 年末结转结余 = 台账计算值；
--                      基本支出预算 / 项目支出预算 = 该类型的年初预算（自评表“预算数”栏印的是年初数；
--                      基本支出、项目支出 不带“预算”是支出数）
--   reported_identity  报告自身：基本支出 = 人员经费 + 公用经费；支出合计 = 基本支出 + 项目支出
--   reported_project   报告的项目执行率 / 调整后预算 / 支出合计 = 台账按项目编码汇总
-- 一个数字按它写出的精度比较（3.96 万元与 39,612.34 元一致）；不一致时差额不超过 0.5 万元为 info，否则 error。
with claims as (
    select * from {{ ref('stg_reported_results') }}
    where reported_value is not null
),

finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

projects as (
    select * from {{ ref('int_project_execution') }}
),

ledger_claims as (
    select
        c.*,
        case c.item
            when '年初预算' then f.original_total
            when '调整后预算' then f.adjusted_total
            when '支出合计' then f.paid_total
            when '基本支出' then f.basic_paid
            when '人员经费' then f.personnel_paid
            when '公用经费' then f.public_paid
            when '项目支出' then f.project_paid
            when '基本支出预算' then f.basic_original
            when '项目支出预算' then f.project_original
            when '三公经费预算' then f.three_public_budget
            when '三公经费决算' then f.three_public_actual
            when '年初结转结余' then f.carryover_opening
            when '年末结转结余' then f.carryover_closing
        end as computed,
        coalesce(f.ledger_basis, 'none') <> 'none' as has_ledger
    from claims as c
    left join finance as f
        on f.dept_code = c.dept_code and f.fiscal_year = c.fiscal_year
    where c.item_kind = 'ledger'
),

reported_ledger as (
    select
        dept_code,
        fiscal_year,
        cast(null as {{ dbt.type_string() }}) as framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_ledger' as check_code,
        item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_value as decimal(24, 6)) as actual,
        cast(reported_value - computed as decimal(24, 6)) as difference,
        '元' as unit,
        case
            when computed is null
                then
                    '报告的' || item || ' ' || {{ format_amount('reported_value') }} || ' 元，仓库中没有可比较的数据（'
                    || case when has_ledger then '缺少相应的填报数据' else '该部门年度没有台账' end || '）'
            else
                '报告的' || item || ' ' || {{ format_amount('reported_value') }} || ' 元'
                || coalesce('（' || claim_source || '）', '') || '，台账计算为 ' || {{ format_amount('computed') }}
                || ' 元，相差 ' || {{ format_amount('reported_value - computed') }} || ' 元'
        end as message,
        submission_id,
        source_file,
        source_row,
        case
            when computed is null then 'warning'
            when {{ recon_units_apart('reported_value', 'computed', 'reported_value_decimals') }} = 0 then null
            when abs(reported_value - computed) <= {{ var('recon_amount_tolerance') }} then 'info'
            else 'error'
        end as severity
    from ledger_claims
),

-- the report's own figures, one row per department-year (latest claim per item)
pivoted as (
    select
        dept_code,
        fiscal_year,
        max(case when item = '基本支出' then reported_value end) as basic,
        max(case when item = '人员经费' then reported_value end) as personnel,
        max(case when item = '公用经费' then reported_value end) as public_expense,
        max(case when item = '项目支出' then reported_value end) as project,
        max(case when item = '支出合计' then reported_value end) as total,
        min(submission_id) as submission_id,
        min(source_file) as source_file
    from ledger_claims
    group by dept_code, fiscal_year
),

identities as (
    select
        dept_code,
        fiscal_year,
        '基本支出 = 人员经费 + 公用经费' as item,
        personnel + public_expense as expected,
        basic as actual,
        '报告的基本支出 ' || {{ format_amount('basic') }} || ' 元，不等于报告的人员经费 ' || {{ format_amount('personnel') }}
        || ' 元加公用经费 ' || {{ format_amount('public_expense') }} || ' 元（= ' || {{ format_amount('personnel + public_expense') }}
        || ' 元）' as message,
        submission_id,
        source_file
    from pivoted
    where
        basic is not null and personnel is not null and public_expense is not null
        and basic <> personnel + public_expense
    union all
    select
        dept_code,
        fiscal_year,
        '支出合计 = 基本支出 + 项目支出',
        basic + project,
        total,
        '报告的支出合计 ' || {{ format_amount('total') }} || ' 元，不等于报告的基本支出 ' || {{ format_amount('basic') }}
        || ' 元加项目支出 ' || {{ format_amount('project') }} || ' 元（= ' || {{ format_amount('basic + project') }} || ' 元）',
        submission_id,
        source_file
    from pivoted
    where
        total is not null and basic is not null and project is not null
        and total <> basic + project
),

reported_identity as (
    select
        dept_code,
        fiscal_year,
        cast(null as {{ dbt.type_string() }}) as framework_code,
        cast(null as {{ dbt.type_string() }}) as project_code,
        'reported_identity' as check_code,
        item,
        cast(expected as decimal(24, 6)) as expected,
        cast(actual as decimal(24, 6)) as actual,
        cast(actual - expected as decimal(24, 6)) as difference,
        '元' as unit,
        message,
        submission_id,
        source_file,
        cast(null as integer) as source_row,
        {{ recon_amount_severity('actual - expected') }} as severity
    from identities
),

project_claims as (
    select
        c.*,
        p.project_code is not null as project_known,
        p.project_name,
        case c.item
            when '执行率' then p.execution_rate
            when '调整后预算' then p.adjusted_budget
            when '支出合计' then p.actual_paid
        end as computed,
        p.actual_paid,
        p.adjusted_budget
    from claims as c
    left join projects as p
        on p.dept_code = c.dept_code and p.fiscal_year = c.fiscal_year and p.project_code = c.project_code
    where c.item_kind = 'project'
),

reported_project as (
    select
        dept_code,
        fiscal_year,
        cast(null as {{ dbt.type_string() }}) as framework_code,
        project_code,
        'reported_project' as check_code,
        project_code || ' ' || item as item,
        cast(computed as decimal(24, 6)) as expected,
        cast(reported_value as decimal(24, 6)) as actual,
        cast(reported_value - computed as decimal(24, 6)) as difference,
        case when item = '执行率' then '%' else '元' end as unit,
        case
            when not project_known
                then
                    '报告的项目 ' || project_code || ' 不在台账中（台账没有该项目编码的项目支出）'
            when computed is null
                then
                    '报告项目 ' || project_code || ' 的' || item || '，台账无法计算（调整后预算为 0）'
            when item = '执行率'
                then
                    '报告项目 ' || project_code || coalesce('（' || project_name || '）', '') || '执行率 '
                    || {{ format_number('reported_value') }} || '%，台账为 ' || {{ format_amount('actual_paid') }} || ' / '
                    || {{ format_amount('adjusted_budget') }} || ' × 100% = ' || {{ format_percent('computed') }}
            else
                '报告项目 ' || project_code || coalesce('（' || project_name || '）', '') || '的' || item || ' '
                || {{ format_amount('reported_value') }} || ' 元，台账为 ' || {{ format_amount('computed') }} || ' 元'
        end as message,
        submission_id,
        source_file,
        source_row,
        case
            when not project_known then 'error'
            when computed is null then 'warning'
            when {{ recon_units_apart('reported_value', 'computed', 'least(reported_value_decimals, 2)') }} = 0 then null
            when
                item = '执行率' and {{ recon_units_apart('reported_value', 'computed', 'least(reported_value_decimals, 2)') }} <= 1
                then 'info'
            when item <> '执行率' and abs(reported_value - computed) <= {{ var('recon_amount_tolerance') }} then 'info'
            else 'error'
        end as severity
    from project_claims
),

final as (
    select * from reported_ledger
    where severity is not null
    union all
    select * from reported_identity
    union all
    select * from reported_project
    where severity is not null
)

select * from final
