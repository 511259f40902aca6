{#
    Exact rounding for rates and scores, in plain SQL (runs on DuckDB, Spark, Trino …).

    Reports round rates to 2 decimals half-up (四舍五入) BEFORE comparing them with a bound: 89.995% is
    90.00% (not > 90%), 90.005% is 90.01% (> 90%). Division of DECIMALs gives a DOUBLE on most engines
    (DuckDB included), and 0.89995 has no exact DOUBLE, so rounding the DOUBLE can land on either side.
    These macros take a DOUBLE first guess and correct it with exact DECIMAL multiplications:
    c = floor(n / d) to k decimals is the largest multiple of 10^-k with c × d ≤ n.
    Half-up is floor((n + d × ½·10^-k) / d); negative quotients round half away from zero (symmetrically).
#}

{#-
    floor(n / d) on a grid of 1/scale (scale = 1, 10 or 100: 0, 1 or 2 decimals; unit = 1/scale as a DECIMAL),
    for n ≥ 0 and d > 0 (DECIMAL expressions). scale and unit may be literals or SQL expressions.
-#}
{% macro scoring_floor_ratio(n, d, scale, unit) -%}
    {%- set c0 -%}
        cast(floor(cast({{ n }} as double) / cast({{ d }} as double) * {{ scale }}) / {{ scale }} as decimal(38, 2))
    {%- endset -%}
    ({{ c0 }} + case
        when ({{ c0 }} + {{ unit }}) * ({{ d }}) <= ({{ n }}) then {{ unit }}
        when {{ c0 }} * ({{ d }}) > ({{ n }}) then -{{ unit }}
        else 0
    end)
{%- endmacro %}

{#-
    numerator × multiplier / denominator, rounded to `decimals` (0, 1 or 2) places by `rounding`
    ('half_up' = 四舍五入, half away from zero; 'floor' = 去尾, toward zero). Null when the
    denominator is 0 or either side is null: 0/0 and x/0 are the rule's business, not arithmetic's.
-#}
{% macro scoring_ratio(numerator, denominator, decimals=2, rounding='half_up', multiplier=1) -%}
    {%- set units = {0: ('1', '1.00', '0.500'), 1: ('10', '0.10', '0.050'), 2: ('100', '0.01', '0.005')} -%}
    {%- set scale, unit, half = units[decimals] -%}
    {%- set a -%}(cast(abs({{ numerator }}) as decimal(38, 6)) * {{ multiplier }}){%- endset -%}
    {%- set b -%}cast(abs({{ denominator }}) as decimal(38, 6)){%- endset -%}
    {%- if rounding == 'floor' -%}
        {%- set q = scoring_floor_ratio(a, b, scale, unit) -%}
    {%- else -%}
        {%- set a_half -%}({{ a }} + {{ b }} * {{ half }}){%- endset -%}
        {%- set q = scoring_floor_ratio(a_half, b, scale, unit) -%}
    {%- endif -%}
    case
        when {{ numerator }} is null or {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast(sign({{ numerator }}) * sign({{ denominator }}) * {{ q }} as decimal(18, {{ decimals }}))
    end
{%- endmacro %}

{#- A rate in percent, 2 decimals half-up: 88,044,648.36 / 88,862,851.06 → 99.08. -#}
{% macro scoring_percent(numerator, denominator) -%}
    {{ scoring_ratio(numerator, denominator, 2, 'half_up', 100) }}
{%- endmacro %}

{#-
    Like scoring_ratio, but decimals (0, 1 or 2) and rounding ('half_up' / 'floor') come from columns
    (framework_indicators.score_decimals, score_rounding). Result DECIMAL(18,2).
-#}
{% macro scoring_ratio_by_rule(numerator, denominator, decimals_col, rounding_col, multiplier=1) -%}
    {%- set dec -%}coalesce({{ decimals_col }}, 2){%- endset -%}
    {%- set scale -%}(case {{ dec }} when 0 then 1 when 1 then 10 else 100 end){%- endset -%}
    {%- set unit -%}(case {{ dec }} when 0 then cast(1 as decimal(38, 2)) when 1 then cast(0.1 as decimal(38, 2)) else cast(0.01 as decimal(38, 2)) end){%- endset -%}
    {%- set half -%}(case when coalesce({{ rounding_col }}, 'half_up') = 'floor' then cast(0 as decimal(38, 3))
        when {{ dec }} = 0 then cast(0.5 as decimal(38, 3)) when {{ dec }} = 1 then cast(0.05 as decimal(38, 3))
        else cast(0.005 as decimal(38, 3)) end){%- endset -%}
    {%- set a -%}(cast(abs({{ numerator }}) as decimal(38, 6)) * {{ multiplier }}){%- endset -%}
    {%- set b -%}cast(abs({{ denominator }}) as decimal(38, 6)){%- endset -%}
    {%- set a_half -%}({{ a }} + {{ b }} * {{ half }}){%- endset -%}
    case
        when {{ numerator }} is null or {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast(sign({{ numerator }}) * sign({{ denominator }}) * {{ scoring_floor_ratio(a_half, b, scale, unit) }} as decimal(18, 2))
    end
{%- endmacro %}

{#- A score rounded by its rule (no division): scoring_ratio_by_rule(x, 1, …). -#}
{% macro scoring_round_by_rule(expr, decimals_col, rounding_col) -%}
    {{ scoring_ratio_by_rule(expr, '1', decimals_col, rounding_col) }}
{%- endmacro %}

{#- `value op bound` for the comparison operators the seeds use (> >= < <= =, and ≥ ≤). -#}
{% macro scoring_compare(value, op, bound) -%}
    case {{ op }}
        when '>' then {{ value }} > {{ bound }}
        when '>=' then {{ value }} >= {{ bound }}
        when '≥' then {{ value }} >= {{ bound }}
        when '<' then {{ value }} < {{ bound }}
        when '<=' then {{ value }} <= {{ bound }}
        when '≤' then {{ value }} <= {{ bound }}
        when '=' then {{ value }} = {{ bound }}
    end
{%- endmacro %}

{#- Chinese wording of a comparison, as reports write it: 大于 / 不大于 … -#}
{% macro scoring_compare_words(op, passed) -%}
    case
        when {{ op }} = '>' then case when {{ passed }} then '大于' else '不大于' end
        when {{ op }} in ('>=', '≥') then case when {{ passed }} then '达到' else '低于' end
        when {{ op }} = '<' then case when {{ passed }} then '小于' else '不小于' end
        when {{ op }} in ('<=', '≤') then case when {{ passed }} then '不超过' else '超过' end
        when {{ op }} = '=' then case when {{ passed }} then '等于' else '不等于' end
    end
{%- endmacro %}

{#- `value` within a band: (lower, upper) with inclusive flags; a null bound is open. -#}
{% macro scoring_in_band(value, lower, lower_inclusive, upper, upper_inclusive) -%}
    (
        ({{ lower }} is null or {{ value }} > {{ lower }} or (coalesce({{ lower_inclusive }}, true) and {{ value }} = {{ lower }}))
        and ({{ upper }} is null or {{ value }} < {{ upper }} or (coalesce({{ upper_inclusive }}, true) and {{ value }} = {{ upper }}))
    )
{%- endmacro %}
