{#
    Schemas are named exactly as configured (staging, intermediate, marts, seeds), not prefixed with
    the target schema: the public tables live in `marts`, a name analysts type every day.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
