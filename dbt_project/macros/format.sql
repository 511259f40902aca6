{#
    Numbers as an evaluation report prints them. DuckDB-specific formatting lives only here, behind
    adapter.dispatch; other engines get the default__ (plain casts: correct, less pretty).
#}

{#- 88044648.36 → '88,044,648.36' -#}
{% macro format_amount(x) -%}
    {{ return(adapter.dispatch('format_amount')(x)) }}
{%- endmacro %}

{% macro duckdb__format_amount(x) -%}
    format('{:,.2f}', cast({{ x }} as decimal(18, 2)))
{%- endmacro %}

{#- Spark's format_number: thousands separators, the decimal's two places (it rounds half-even, but the
    value is already a decimal(18, 2), so nothing is rounded) -#}
{% macro spark__format_amount(x) -%}
    format_number(cast({{ x }} as decimal(18, 2)), 2)
{%- endmacro %}

{% macro default__format_amount(x) -%}
    cast(cast({{ x }} as decimal(18, 2)) as {{ dbt.type_string() }})
{%- endmacro %}

{#- 99.08 → '99.08%', 100 → '100.00%' (rates always with two decimals) -#}
{% macro format_percent(x) -%}
    {{ return(adapter.dispatch('format_percent')(x)) }}
{%- endmacro %}

{% macro duckdb__format_percent(x) -%}
    format('{:.2f}%', cast({{ x }} as decimal(18, 2)))
{%- endmacro %}

{% macro default__format_percent(x) -%}
    {{ dbt.concat([dbt.cast(dbt.cast(x, 'decimal(18, 2)'), dbt.type_string()), "'%'"]) }}
{%- endmacro %}

{#- A score, a bound or a count without trailing zeros: 2.00 → '2', 3.25 → '3.25', 67.50 → '67.5' -#}
{% macro format_number(x) -%}
    {{ return(adapter.dispatch('format_number')(x)) }}
{%- endmacro %}

{% macro duckdb__format_number(x) -%}
    regexp_replace(regexp_replace(format('{:.4f}', cast({{ x }} as decimal(38, 4))), '0+$', ''), '\.$', '')
{%- endmacro %}

{#- a decimal(38, 4) as a string always has four places on Spark; '[.]' because a Spark string literal
    reads '\.' as '.' -#}
{% macro spark__format_number(x) -%}
    regexp_replace(regexp_replace(cast(cast({{ x }} as decimal(38, 4)) as string), '0+$', ''), '[.]$', '')
{%- endmacro %}

{% macro default__format_number(x) -%}
    cast({{ x }} as {{ dbt.type_string() }})
{%- endmacro %}
