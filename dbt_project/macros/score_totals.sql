{#
    How indicator scores add up to a total and how a total finds its grade: one definition for
    fct_department_scores (per department-year) and fct_project_scores (per project).
#}

{#- The sums over fct_indicator_scores rows: full marks (positive weights only; 扣分项 do not raise the
    maximum), points won, deductions (negative), the weight that was not assessable, and counts. A
    not-assessable indicator has no score (NULL): it adds nothing to the points and its weight to
    not_assessable_weight. -#}
{% macro score_total_columns() -%}
        cast(sum(case when weight > 0 then weight else 0 end) as decimal(18, 2)) as max_score,
        cast(sum(case when weight > 0 and assessable then score else 0 end) as decimal(18, 2)) as positive_score,
        cast(sum(case when weight < 0 and assessable then score else 0 end) as decimal(18, 2)) as deductions,
        cast(sum(case when weight > 0 and not assessable then weight else 0 end) as decimal(18, 2)) as not_assessable_weight,
        count(*) as indicator_count,
        sum(case when not assessable then 1 else 0 end) as not_assessable_count
{%- endmacro %}

{#- Points won plus deductions, never below 0; NULL (不可评价, never 0) when no indicator of positive weight
    could be assessed (spec frameworks.md: a not-assessable indicator earns nothing and is never scored as 0;
    a total resting on nothing is unknown, not a department that won 0 points). -#}
{% macro score_total(positive_score='positive_score', deductions='deductions', max_score='max_score', not_assessable_weight='not_assessable_weight') -%}
    cast(case
        when {{ max_score }} > 0 and {{ not_assessable_weight }} >= {{ max_score }} then null
        when {{ positive_score }} + {{ deductions }} < 0 then 0
        else {{ positive_score }} + {{ deductions }}
    end as decimal(18, 2))
{%- endmacro %}

{#- A level subtotal's points: the sum of its assessable indicators' scores (deductions negative); NULL when
    the level has indicators of positive weight and none of them could be assessed (a reference indicator of
    weight 0 that was computed does not make the level assessable). -#}
{% macro level_score_sum() -%}
    case
        when sum(case when weight > 0 then 1 else 0 end) > 0 and sum(case when weight > 0 and assessable then 1 else 0 end) = 0 then null
        else sum(case when assessable then score end)
    end
{%- endmacro %}

{#- Join condition of a framework_grades band on a scored row: the total or the normalized score, by the
    framework's grade_basis, in [min_score, max_score) (an open end where the bound is null). -#}
{% macro grade_band_matches(grades, frameworks, scored) -%}
    {%- set basis_score -%}
        (case when {{ frameworks }}.grade_basis = 'normalized' then {{ scored }}.normalized_score else {{ scored }}.total_score end)
    {%- endset -%}
    {{ grades }}.framework_code = {{ scored }}.framework_code
        and ({{ grades }}.min_score is null or {{ basis_score }} >= {{ grades }}.min_score)
        and ({{ grades }}.max_score is null or {{ basis_score }} < {{ grades }}.max_score)
{%- endmacro %}

{#- The one definition of a partial grade: some positive weight could not be assessed (missing data, no
    evaluator's score), so the total leaves those points out and the grade rests on part of the framework.
    The dashboard marks such a grade 「良*」 with the assessed share, and can leave it out of rankings. -#}
{% macro grade_is_partial(not_assessable_weight='not_assessable_weight') -%}
    ({{ not_assessable_weight }} > 0)
{%- endmacro %}

{#- The assessed share of the framework's positive weight, a percentage with two decimals (half-up):
    (max_score − not_assessable_weight) / max_score × 100; 100.00 when everything was assessed, 0.00 when
    nothing was, null without a maximum. -#}
{% macro assessed_share(max_score='max_score', not_assessable_weight='not_assessable_weight') -%}
    case when {{ max_score }} > 0 then
        cast({{ scoring_percent(max_score ~ ' - ' ~ not_assessable_weight, max_score) }} as decimal(9, 2))
    end
{%- endmacro %}
