{#
    Where a staged row came from: the submission, file, sheet and row number an analyst can open.
#}
{% macro lineage_columns(relation_alias=none) -%}
    {%- set p = (relation_alias ~ '.') if relation_alias else '' -%}
    {{ p }}_submission_id as submission_id,
    {{ p }}_file as source_file,
    {{ p }}_sheet as source_sheet,
    {{ p }}_row_number as source_row
{%- endmacro %}
