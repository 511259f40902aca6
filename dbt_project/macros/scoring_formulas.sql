{#
    The common tail of every formula model (models/intermediate/formulas/). A formula model builds a CTE
    `inputs` with one row per department-year (or project, or month) and the columns

        dept_code, fiscal_year, project_code ('' = department level), part_code ('' = single value),
        numerator, denominator, missing_inputs (null, or what is missing, in the report's words),
        inputs (the figures in words)

    and ends with {{ scoring_rate_select('formula_code') }}, which adds the value (a percentage, 2 decimals
    half-up), zero_denominator and calc_text ('88,044,648.36 / 88,862,851.06 × 100%'), always in the
    column order int_indicator_values unions.
    kind='count': value = numerator (a number of items, no division), unit as given.
    number_format='number' prints numerator and denominator without thousands separators and cents
    (people, items): '40 / 42 × 100%'.
#}
{% macro scoring_rate_select(formula_code, relation='inputs', kind='rate', unit='%', number_format='amount') -%}
    {%- set fmt = format_amount if number_format == 'amount' else format_number -%}
select
    '{{ formula_code }}' as formula_code,
    dept_code,
    fiscal_year,
    project_code,
    part_code,
    cast(numerator as decimal(18, 2)) as numerator,
    cast(denominator as decimal(18, 2)) as denominator,
    {%- if kind == 'count' %}
    cast(numerator as decimal(18, 2)) as value,
    {%- else %}
    {{ scoring_percent('numerator', 'denominator') }} as value,
    {%- endif %}
    '{{ unit }}' as unit,
    {%- if kind == 'count' %}
    false as zero_denominator,
    {%- else %}
    coalesce(denominator = 0, false) as zero_denominator,
    {%- endif %}
    -- an unknown numerator or denominator is a missing input, never 0 (0/0 would otherwise read as "no budget, no spending")
    coalesce(missing_inputs, case when numerator is null{% if kind != 'count' %} or denominator is null{% endif %} then '缺少计算所需数据' end)
        as missing_inputs,
    {%- if kind == 'count' %}
    cast(null as {{ dbt.type_string() }}) as calc_text,
    {%- else %}
    case when numerator is not null and denominator is not null then
        {{ dbt.concat([fmt('numerator'), "' / '", fmt('denominator'), "' × 100%'"]) }}
    end as calc_text,
    {%- endif %}
    inputs
from {{ relation }}
{%- endmacro %}

{#- A count of items (targets, projects …) as the report writes it: '9 个' -#}
{% macro format_count(x, noun='个') -%}
    {{ dbt.concat([format_number(x), "' " ~ noun ~ "'"]) }}
{%- endmacro %}

{#- concat that skips nulls (dbt.concat is null if any part is): each part wrapped in coalesce(…, '') -#}
{% macro scoring_concat(parts) -%}
    {%- set wrapped = [] -%}
    {%- for p in parts -%}
        {%- do wrapped.append('coalesce(' ~ p ~ ", '')") -%}
    {%- endfor -%}
    {{ dbt.concat(wrapped) }}
{%- endmacro %}
