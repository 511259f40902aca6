{#
    Blank = unknown (input-templates.md): an amount the department left empty is NULL in raw.*, and every
    sum that includes it is unknown too. SQL's sum() skips NULLs, which would silently read a blank as 0;
    strict_sum() does not.

      strict_sum('original_budget')                              -- Σ over the group; NULL if any is NULL
      strict_sum('original_budget', "expense_type = '基本支出'")  -- Σ over the rows meeting the condition;
                                                                 -- 0 when no row meets it (no such lines),
                                                                 -- NULL when one of them is blank
#}
{% macro strict_sum(value, condition=none) -%}
    {%- if condition is none -%}
    case when count(*) = count({{ value }}) then sum({{ value }}) end
    {%- else -%}
    case
        when sum(case when ({{ condition }}) and {{ value }} is null then 1 else 0 end) > 0 then null
        else coalesce(sum(case when ({{ condition }}) then {{ value }} end), 0)
    end
    {%- endif -%}
{%- endmacro %}

{#
    A raw column the ingest adds in a later version (raw tables gain columns; see ingest/schema.py DERIVED).
    Until a warehouse has it, the model reads `fallback` instead, so models build on warehouses created by
    an older ingest. Resolved when the model runs (the raw relation exists then).
#}
{% macro raw_column_or(relation, column, fallback) -%}
    {%- if execute -%}
        {%- set names = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- if column | lower in names -%}{{ column }}{%- else -%}{{ fallback }}{%- endif -%}
    {%- else -%}{{ fallback }}{%- endif -%}
{%- endmacro %}

{#
    missing_inputs for a formula over int_dept_year_finance (alias-free columns): names each unknown input.
      missing_amounts([('public_paid', '公用经费实际支出'), ('public_adjusted', '公用经费调整后预算')])
    → '缺少公用经费实际支出（台账金额空白，空白表示未知）', '… （台账只有合计行，没有预算明细行）',
      '缺少预算指标执行台账', or null when every input is known.
#}
{% macro missing_amounts(inputs) -%}
    case
        when ledger_basis = 'none' then '缺少预算指标执行台账'
        when {% for expr, label in inputs %}({{ expr }}) is null{% if not loop.last %} or {% endif %}{% endfor %} then
            {{ dbt.concat(["'缺少'", "rtrim(" ~ scoring_concat(missing_amount_parts(inputs)) ~ ", '、')",
                            "case when ledger_basis = 'totals' then '（台账只有合计行，没有预算明细行）' else '（台账金额空白，空白表示未知）' end"]) }}
    end
{%- endmacro %}

{% macro missing_amount_parts(inputs) -%}
    {%- set parts = [] -%}
    {%- for expr, label in inputs -%}
        {%- do parts.append("case when (" ~ expr ~ ") is null then '" ~ label ~ "、' end") -%}
    {%- endfor -%}
    {{ return(parts) }}
{%- endmacro %}

{#- A closing carryover derived from the ledger (Σ adjusted − paid) that is negative: an overspend, not a carryover. -#}
{% macro carryover_overspent_text() -%}
    case when carryover_closing_source = 'ledger' and carryover_closing < 0 then
        {{ dbt.concat(["'台账 Σ(调整后预算 − 实际支出) 为 '", format_amount('carryover_closing'),
                       "' 元（超支），不是年末结转结余'"]) }}
    end
{%- endmacro %}
