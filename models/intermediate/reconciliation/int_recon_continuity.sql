-- 跨年度连续性：
--   carryover_continuity     本年年初结转结余 = 上年年末结转结余（上年未填时为上年台账 Σ(可用 − 支付)）
--   carryover_closing        填报的年末结转结余 与 台账 Σ(可用 − 支付)（不一致为 warning：可能含台账外资金）
--   three_public_prior_year  本年提交中重述的上年“三公”经费 = 上年提交自己的数字
with finance as (
    select * from {{ ref('int_dept_year_finance') }}
),

carryover as (
    select * from {{ ref('stg_carryover') }}
),

prior_year as (
    select
        dept_code,
        fiscal_year,
        carryover_closing,
        carryover_closing_source
    from finance
),

carryover_continuity as (
    select
        c.dept_code,
        c.fiscal_year,
        'carryover_continuity' as check_code,
        '年初结转结余' as item,
        cast(p.carryover_closing as decimal(24, 6)) as expected,
        cast(c.opening_balance as decimal(24, 6)) as actual,
        cast(c.opening_balance - p.carryover_closing as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('c.fiscal_year') }} || ' 年年初结转结余 ' || {{ format_amount('c.opening_balance') }} || ' 元，与 '
        || {{ recon_text('p.fiscal_year') }} || ' 年年末结转结余 ' || {{ format_amount('p.carryover_closing') }}
        || case when p.carryover_closing_source = 'ledger' then ' 元（上年台账结余之和）' else ' 元' end
        || '相差 ' || {{ format_amount('c.opening_balance - p.carryover_closing') }} || ' 元' as message,
        c.submission_id,
        c.source_file,
        c.source_row,
        {{ recon_amount_severity('c.opening_balance - p.carryover_closing') }} as severity
    from carryover as c
    inner join prior_year as p
        on p.dept_code = c.dept_code and p.fiscal_year = c.fiscal_year - 1
    where
        c.opening_balance is not null
        and p.carryover_closing is not null
        and c.opening_balance <> p.carryover_closing
),

carryover_closing as (
    select
        c.dept_code,
        c.fiscal_year,
        'carryover_closing' as check_code,
        '年末结转结余' as item,
        cast(f.balance_total as decimal(24, 6)) as expected,
        cast(c.closing_balance_reported as decimal(24, 6)) as actual,
        cast(c.closing_balance_reported - f.balance_total as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('c.fiscal_year') }} || ' 年填报的年末结转结余 ' || {{ format_amount('c.closing_balance_reported') }}
        || ' 元，与台账各行结余之和 ' || {{ format_amount('f.balance_total') }} || ' 元相差 '
        || {{ format_amount('c.closing_balance_reported - f.balance_total') }} || ' 元，需要说明' as message,
        c.submission_id,
        c.source_file,
        c.source_row,
        case
            when abs(c.closing_balance_reported - f.balance_total) <= {{ var('recon_amount_tolerance') }} then 'info'
            else 'warning'
        end as severity
    from carryover as c
    inner join finance as f
        on f.dept_code = c.dept_code and f.fiscal_year = c.fiscal_year
    where
        c.closing_balance_reported is not null
        and c.closing_balance_reported <> f.balance_total
),

-- every version of the “三公” rows, with the submission that holds them
all_versions as (
    select
        tp.dept_code,
        tp.fiscal_year,
        tp.item,
        tp.budget,
        tp.actual,
        tp._submission_id as submission_id,
        tp._file as source_file,
        tp._row_number as source_row
    from {{ source('raw', 'three_public') }} as tp
    where not tp.is_subtotal
),

-- which department-years each submission's ledger covers
ledger_years as (
    select distinct
        _submission_id as submission_id,
        dept_code,
        fiscal_year
    from {{ source('raw', 'budget_ledger') }}
),

current_rows as (
    select * from {{ ref('stg_three_public') }}
),

-- a restatement: a row for year Y held by a submission whose ledger covers a later year of the same
-- department but not Y itself, while the current version of Y comes from another submission
restated as (
    select
        v.*,
        later.fiscal_year as restating_year
    from all_versions as v
    inner join ledger_years as later
        on
            later.submission_id = v.submission_id
            and later.dept_code = v.dept_code
            and later.fiscal_year > v.fiscal_year
    where not exists (
        select 1 from ledger_years as own
        where own.submission_id = v.submission_id and own.dept_code = v.dept_code and own.fiscal_year = v.fiscal_year
    )
),

three_public_prior_year as (
    select
        r.dept_code,
        r.restating_year as fiscal_year,
        'three_public_prior_year' as check_code,
        {{ recon_text('r.fiscal_year') }} || ' 年' || r.item || '决算数' as item,
        cast(cur.actual as decimal(24, 6)) as expected,
        cast(r.actual as decimal(24, 6)) as actual,
        cast(r.actual - cur.actual as decimal(24, 6)) as difference,
        '元' as unit,
        {{ recon_text('r.restating_year') }} || ' 年提交（' || r.submission_id || '）填报的 ' || {{ recon_text('r.fiscal_year') }}
        || ' 年' || r.item || '决算数 ' || {{ format_amount('r.actual') }} || ' 元，与 ' || {{ recon_text('r.fiscal_year') }}
        || ' 年提交（' || cur.submission_id || '）的 ' || {{ format_amount('cur.actual') }} || ' 元相差 '
        || {{ format_amount('r.actual - cur.actual') }} || ' 元' as message,
        r.submission_id,
        r.source_file,
        r.source_row,
        {{ recon_amount_severity('r.actual - cur.actual') }} as severity
    from restated as r
    inner join current_rows as cur
        on
            cur.dept_code = r.dept_code
            and cur.fiscal_year = r.fiscal_year
            and cur.item = r.item
            and cur.submission_id <> r.submission_id
    where r.actual <> cur.actual
),

final as (
    select * from carryover_continuity
    union all
    select * from carryover_closing
    union all
    select * from three_public_prior_year
)

select * from final
