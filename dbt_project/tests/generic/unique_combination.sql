{#
    The columns together identify a row: no two rows share the combination.
    (dbt_utils.unique_combination_of_columns cannot be installed here: `dbt deps` has no hub.)
#}
{% test unique_combination(model, combination_of_columns) %}
with grouped as (
    select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
)
select * from grouped where n_rows > 1
{% endtest %}
