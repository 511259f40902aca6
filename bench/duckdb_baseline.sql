-- The alternative an SQL-savvy analyst would write: the five core indicators in one DuckDB query over the
-- loaded raw tables (after jixiao's ingest), per department and year. bench/stages.py (stage `duckdb_sql`)
-- times it; bench/run.py checks its answers against jixiao's marts and compares its time with the execution
-- time of the dbt models behind the same five indicators.
--
--   预算完成率     = 实际支出 / 调整后预算 × 100
--   预算调整率     = |调整后预算 − 年初预算| / 年初预算 × 100
--   结转结余率     = 年末结转结余 / 实际支出 × 100（年末数未填时为台账 Σ(调整后预算 − 实际支出)）
--   公用经费控制率 = 基本支出·公用经费 实际支出 / 调整后预算 × 100
--   “三公经费”控制率 = Σ三公决算 / Σ三公预算 × 100
--
-- Raw tables keep every version of a department-year (a correction, or a later year's workbook that repeats
-- last year's “三公” lines), so each department-year is read from one submission: the latest loaded one that
-- holds its ledger (jixiao's rule, macro current_version).
-- What it does not do, and jixiao does: blanks as unknown (a sum here skips them), subtotal-only ledgers,
-- validation, lineage, explanations, scoring, reconciliation.
with current_submission as (
    select l.dept_code, l.fiscal_year, arg_max(l._submission_id, s.load_seq) as submission_id
    from raw.budget_ledger as l
    inner join audit.submissions as s on l._submission_id = s.submission_id
    group by l.dept_code, l.fiscal_year
),

ledger as (
    select
        l.dept_code,
        l.fiscal_year,
        sum(original_budget) as original_total,
        sum(adjusted_budget) as adjusted_total,
        sum(actual_paid) as paid_total,
        sum(adjusted_budget - actual_paid) as balance_total,
        sum(actual_paid) filter (where expense_type = '基本支出' and category = '公用经费') as public_paid,
        sum(adjusted_budget) filter (where expense_type = '基本支出' and category = '公用经费') as public_adjusted
    from raw.budget_ledger as l
    inner join current_submission as c
        on l.dept_code = c.dept_code and l.fiscal_year = c.fiscal_year and l._submission_id = c.submission_id
    where not l.is_subtotal and not coalesce(l.is_breakdown, false)
    group by l.dept_code, l.fiscal_year
),

carryover as (
    select carryover.dept_code, carryover.fiscal_year, carryover.closing_balance
    from raw.carryover
    inner join current_submission as c
        on
            carryover.dept_code = c.dept_code and carryover.fiscal_year = c.fiscal_year
            and carryover._submission_id = c.submission_id
),

three_public as (
    select three_public.dept_code, three_public.fiscal_year, sum(budget) as budget, sum(actual) as actual
    from raw.three_public
    inner join current_submission as c
        on
            three_public.dept_code = c.dept_code and three_public.fiscal_year = c.fiscal_year
            and three_public._submission_id = c.submission_id
    where not three_public.is_subtotal
    group by three_public.dept_code, three_public.fiscal_year
)

select
    l.dept_code,
    l.fiscal_year,
    round(l.paid_total / nullif(l.adjusted_total, 0) * 100, 2) as budget_completion_rate,
    round(abs(l.adjusted_total - l.original_total) / nullif(l.original_total, 0) * 100, 2) as budget_adjustment_rate,
    round(coalesce(c.closing_balance, l.balance_total) / nullif(l.paid_total, 0) * 100, 2) as carryover_rate_on_paid,
    round(l.public_paid / nullif(l.public_adjusted, 0) * 100, 2) as public_expense_control_rate,
    round(t.actual / nullif(t.budget, 0) * 100, 2) as three_public_control_rate
from ledger as l
left join carryover as c on l.dept_code = c.dept_code and l.fiscal_year = c.fiscal_year
left join three_public as t on l.dept_code = t.dept_code and l.fiscal_year = t.fiscal_year
