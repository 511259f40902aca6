-- ledger_subtotal：报告的小计/合计行 = 它覆盖的预算行之和，逐个金额列核对。
-- 范围：expense_type 为空 = 全部台账；category 为空 = 该指标管理类型的全部；project_code 为空 = 不限项目，
-- 否则只是该项目的行（两个项目各自的“合计”行各自核对，互不相干）。
-- 范围内没有任何预算行的小计是部门合计（部门决算表只印合计），不是矛盾：不与预算行核对；
-- 只有合计行时，合计 = 基本支出合计 + 项目支出合计（三者都填写时）仍逐列核对。
-- 某个金额有空白（未知）的行使该范围的和未知：不核对那一列。
-- ledger_breakdown：“其中：…”行不超过它细分的上级行（同一提交、文件的 breakdown_parent_row）。
with subtotals as (
    select * from {{ ref('stg_budget_ledger_subtotals') }}
),

-- the budget lines, a project's lone total row included (int_ledger_lines): a department 合计 covers it
lines as (
    select * from {{ ref('int_ledger_lines') }}
),

-- the lines summed at every scope a subtotal can have; '*' = all values of that column.
-- (an equi-join on the scope keeps this a hash join: an OR in the join condition would make it a
-- nested loop over every subtotal × every line, minutes at a province's scale)
line_scopes as (
    select
        dept_code,
        fiscal_year,
        case when grouping(expense_type) = 1 then '*' else coalesce(expense_type, '') end as expense_scope,
        case when grouping(category) = 1 then '*' else coalesce(category, '') end as category_scope,
        case when grouping(project_code) = 1 then '*' else coalesce(project_code, '') end as project_scope,
        count(ledger_line_id) as line_count,
        {{ strict_sum('original_budget') }} as original_budget,
        sum(coalesce(adjustment, 0)) as adjustment,
        {{ strict_sum('adjusted_budget') }} as adjusted_budget,
        {{ strict_sum('actual_paid') }} as actual_paid,
        {{ strict_sum('balance') }} as balance
    from lines
    -- every combination of expense type, category and project within a department-year (8 grouping sets)
    group by dept_code, fiscal_year, cube(expense_type, category, project_code)
),

covered as (
    select
        s.subtotal_id,
        coalesce(ls.line_count, 0) as line_count,
        ls.original_budget,
        ls.adjustment,
        ls.adjusted_budget,
        ls.actual_paid,
        ls.balance
    from subtotals as s
    left join line_scopes as ls
        on
            ls.dept_code = s.dept_code
            and ls.fiscal_year = s.fiscal_year
            and ls.expense_scope = coalesce(s.expense_type, '*')
            and ls.category_scope = coalesce(s.category, '*')
            and ls.project_scope = coalesce(s.project_code, '*')
),

-- one row per subtotal × amount column that was reported
pairs as (
    {% set columns = [
        ('original_budget', '原始指标金额', 'original_budget'),
        ('adjustment', '调整金额', 'adjustment'),
        ('adjusted_budget', '实际指标可用金额', 'adjusted_budget'),
        ('actual_paid', '实际支付合计', 'actual_paid'),
        ('balance_reported', '指标结余', 'balance'),
    ] %}
    {% for reported_col, label, sum_col in columns %}
        select
            s.dept_code,
            s.fiscal_year,
            s.subtotal_label,
            '{{ label }}' as column_label,
            cast(s.{{ reported_col }} as decimal(24, 6)) as reported,
            cast(c.{{ sum_col }} as decimal(24, 6)) as summed,
            c.line_count,
            s.submission_id,
            s.source_file,
            s.source_row
        from subtotals as s
        inner join covered as c on c.subtotal_id = s.subtotal_id
        where
            s.{{ reported_col }} is not null
            and c.line_count > 0          -- no lines under it: a department total, not a contradiction
            and c.{{ sum_col }} is not null   -- a blank amount in scope: the sum is unknown
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

subtotal_findings as (
    select
        dept_code,
        fiscal_year,
        'ledger_subtotal' as check_code,
        subtotal_label || '：' || column_label as item,
        summed as expected,
        reported as actual,
        reported - summed as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行“' || subtotal_label || '”的' || column_label || ' '
        || {{ format_amount('reported') }} || ' 元，与其覆盖的 ' || {{ recon_text('line_count') }} || ' 个预算行之和 '
        || {{ format_amount('summed') }} || ' 元相差 ' || {{ format_amount('reported - summed') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('reported - summed') }} as severity
    from pairs
    where reported <> summed
),

-- a department total with no lines under it: 合计 = 基本支出合计 + 项目支出合计, when all three are reported
-- (department-level rows: no project, no category)
total_rows as (
    select
        s.*,
        case when s.expense_type is null then 'total' when s.expense_type = '基本支出' then 'basic' else 'project' end as scope
    from subtotals as s
    inner join covered as c on c.subtotal_id = s.subtotal_id
    where c.line_count = 0 and s.project_code is null and s.category is null
),

total_pairs as (
    {% for reported_col, label, sum_col in columns if reported_col != 'balance_reported' %}
        select
            t.dept_code,
            t.fiscal_year,
            t.subtotal_label,
            '{{ label }}' as column_label,
            cast(t.{{ reported_col }} as decimal(24, 6)) as reported,
            cast(b.{{ reported_col }} + p.{{ reported_col }} as decimal(24, 6)) as summed,
            t.submission_id,
            t.source_file,
            t.source_row
        from total_rows as t
        inner join total_rows as b
            on b.dept_code = t.dept_code and b.fiscal_year = t.fiscal_year and b.scope = 'basic'
        inner join total_rows as p
            on p.dept_code = t.dept_code and p.fiscal_year = t.fiscal_year and p.scope = 'project'
        where
            t.scope = 'total'
            and t.{{ reported_col }} is not null and b.{{ reported_col }} is not null and p.{{ reported_col }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

total_findings as (
    select
        dept_code,
        fiscal_year,
        'ledger_subtotal' as check_code,
        subtotal_label || '：' || column_label as item,
        summed as expected,
        reported as actual,
        reported - summed as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行“' || subtotal_label || '”的' || column_label || ' '
        || {{ format_amount('reported') }} || ' 元，与基本支出合计、项目支出合计之和 '
        || {{ format_amount('summed') }} || ' 元相差 ' || {{ format_amount('reported - summed') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('reported - summed') }} as severity
    from total_pairs
    where reported <> summed
),

-- 其中 rows and the row they break down (a budget line or a subtotal of the same submission and file)
breakdowns as (
    select * from {{ ref('stg_budget_ledger_breakdowns') }}
),

parents as (
    select
        ledger_line_id as parent_id,
        dept_code,
        original_budget,
        adjusted_budget,
        actual_paid,
        expense_type || '/' || category || coalesce('/' || project_code, '') || coalesce('/' || econ_class, '') as parent_label
    from lines
    where not is_project_total    -- those are in subtotals below
    union all
    select
        subtotal_id,
        dept_code,
        original_budget,
        adjusted_budget,
        actual_paid,
        subtotal_label
    from subtotals
),

breakdown_pairs as (
    {% set bcolumns = [('original_budget', '原始指标金额'), ('adjusted_budget', '实际指标可用金额'), ('actual_paid', '实际支付合计')] %}
    {% for col, label in bcolumns %}
        select
            b.dept_code,
            b.fiscal_year,
            -- the label as printed, without its own 其中：
            replace(replace(coalesce(b.econ_class, b.project_name, b.category, ''), '其中：', ''), '其中:', '') as breakdown_label,
            p.parent_label,
            b.parent_row,
            '{{ label }}' as column_label,
            cast(p.{{ col }} as decimal(24, 6)) as parent_amount,
            cast(b.{{ col }} as decimal(24, 6)) as breakdown_amount,
            b.submission_id,
            b.source_file,
            b.source_row
        from breakdowns as b
        inner join parents as p
            on
                p.parent_id
                = {{ dbt.concat(["b.submission_id", "':'", "b.source_file", "':'", dbt.cast("b.parent_row", api.Column.translate_type("string"))]) }}
                -- the row above of another department is not its parent: every finding stays within a department
                and p.dept_code = b.dept_code
        where b.{{ col }} is not null and p.{{ col }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

breakdown_findings as (
    select
        dept_code,
        fiscal_year,
        'ledger_breakdown' as check_code,
        '其中：' || breakdown_label || '：' || column_label as item,
        parent_amount as expected,
        breakdown_amount as actual,
        breakdown_amount - parent_amount as difference,
        '元' as unit,
        '台账第 ' || {{ recon_text('source_row') }} || ' 行“其中：' || breakdown_label || '”的' || column_label || ' '
        || {{ format_amount('breakdown_amount') }} || ' 元，超过它细分的第 ' || {{ recon_text('parent_row') }} || ' 行（'
        || parent_label || '）' || {{ format_amount('parent_amount') }} || ' 元 '
        || {{ format_amount('breakdown_amount - parent_amount') }} || ' 元' as message,
        submission_id,
        source_file,
        source_row,
        {{ recon_amount_severity('breakdown_amount - parent_amount') }} as severity
    from breakdown_pairs
    where breakdown_amount > parent_amount
),

final as (
    select * from subtotal_findings
    union all
    select * from total_findings
    union all
    select * from breakdown_findings
)

select * from final
