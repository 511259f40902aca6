{#
    Every row satisfies a SQL condition, e.g. `score <= weight`. Rows that fail are returned.
#}
{% test expression_is_true(model, expression, where_clause=none) %}
select * from {{ model }}
where not ({{ expression }})
{% if where_clause %} and ({{ where_clause }}) {% endif %}
{% endtest %}
