{#
    A score lies within its weight: 0 ≤ score ≤ weight, or weight ≤ score ≤ 0 for a deduction item
    (negative weight). Rows without a weight (PEFA letters) or without a score pass.
#}
{% test scoring_score_within_weight(model, score_column='score', weight_column='weight') %}
select * from {{ model }}
where {{ score_column }} is not null
  and {{ weight_column }} is not null
  and not (
    ({{ weight_column }} >= 0 and {{ score_column }} >= 0 and {{ score_column }} <= {{ weight_column }})
    or ({{ weight_column }} < 0 and {{ score_column }} >= {{ weight_column }} and {{ score_column }} <= 0)
  )
{% endtest %}
