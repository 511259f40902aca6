{#
    ref() and source() without the database name on DuckDB.

    dbt renders a relation as "jixiao"."staging"."stg_budget_ledger", and DuckDB stores a view's SQL as
    written: a warehouse file copied as jixiao_2023.duckdb (its catalog is then "jixiao_2023") or attached
    under another alias would have staging views pointing at a catalog that does not exist. Inside a view,
    DuckDB resolves schema.table in the view's own catalog, so leaving the database out keeps every view
    working under any file name. Tables are unaffected (they are built in the default catalog, which is
    the warehouse). Other engines keep dbt's fully qualified names (default__).
#}

{% macro ref() %}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {{ return(adapter.dispatch('portable_relation')(relation)) }}
{% endmacro %}

{% macro source() %}
    {%- set relation = builtins.source(*varargs, **kwargs) -%}
    {{ return(adapter.dispatch('portable_relation')(relation)) }}
{% endmacro %}

{% macro default__portable_relation(relation) %}
    {{ return(relation) }}
{% endmacro %}

{% macro duckdb__portable_relation(relation) %}
    {%- if relation is not none and relation.include is defined -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{% endmacro %}
