-- 核对发现：每一条不一致一行（公共表）。检查目录与严重程度规则见 seeds/reconciliation_checks.csv：
--   error   违反评价体系自身规则的得分，或超出容差（0.5 万元）的金额差异
--   warning 需要说明的核实类问题（比率超过 100%、分母为 0、支付超过预算……）
--   info    仅为舍入差异（按报告自身精度相差一个末位，或金额相差不超过 0.5 万元）
{% set sources = [
    ('int_recon_ledger_lines', false),
    ('int_recon_ledger_subtotals', false),
    ('int_recon_reported_totals_rows', false),
    ('int_recon_continuity', false),
    ('int_recon_carryover_overspend', false),
    ('int_recon_monthly', false),
    ('int_recon_indicator_values', true),
    ('int_recon_reported_ledger', true),
    ('int_recon_reported_scores', true),
] %}

with findings as (
    {% for model, has_framework in sources %}
        select
            dept_code,
            fiscal_year,
            {% if has_framework -%}
                framework_code,
                project_code,
            {%- else -%}
                cast(null as {{ dbt.type_string() }}) as framework_code,
                cast(null as {{ dbt.type_string() }}) as project_code,
            {%- endif %}
            check_code,
            severity,
            item,
            expected,
            actual,
            difference,
            unit,
            message,
            submission_id,
            source_file,
            source_row
        from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

checks as (
    select * from {{ ref('reconciliation_checks') }}
),

departments as (
    select
        dept_code,
        dept_name
    from {{ ref('dim_department') }}
),

-- the department's name in the finding's year (dim_department_year), else its latest name
department_years as (
    select
        dept_code,
        fiscal_year,
        dept_name
    from {{ ref('dim_department_year') }}
),

-- how many findings share the stable key (department, year, framework, project, check, item): one in almost
-- every check; more where one check flags two source rows with the same label (e.g. two ledger lines of the
-- same type, category, project and economic class). Only then does the id include the file and row.
keyed as (
    select
        *,
        count(*) over (
            partition by dept_code, fiscal_year, framework_code, project_code, check_code, item
        ) as same_key
    from findings
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "f.dept_code", "'|'", dbt.cast("f.fiscal_year", dbt.type_string()), "'|'",
            "coalesce(f.framework_code, '')", "'|'", "coalesce(f.project_code, '')", "'|'",
            "f.check_code", "'|'", "f.item",
            "case when f.same_key > 1 then '|' || coalesce(f.source_file, '') || '|' || coalesce("
            ~ dbt.cast("f.source_row", dbt.type_string()) ~ ", '') else '' end"
        ])) }} as finding_id,
        f.dept_code,
        coalesce(dy.dept_name, d.dept_name) as dept_name,
        f.fiscal_year,
        f.framework_code,
        f.project_code,
        f.check_code,
        c.check_name,
        c.category as check_category,
        f.severity,
        case f.severity when 'error' then 1 when 'warning' then 2 else 3 end as severity_rank,
        f.item,
        f.expected,
        f.actual,
        f.difference,
        f.unit,
        f.message,
        f.submission_id,
        f.source_file,
        f.source_row
    from keyed as f
    left join checks as c on c.check_code = f.check_code
    left join departments as d on d.dept_code = f.dept_code
    left join department_years as dy on dy.dept_code = f.dept_code and dy.fiscal_year = f.fiscal_year
)

select * from final
