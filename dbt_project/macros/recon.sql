{#
    Reconciliation helpers. Severity rules are those of seeds/reconciliation_checks.csv:
      amounts: equal → no finding; |difference| ≤ var('recon_amount_tolerance') (0.5 万元 = 5,000 元) → info
               (a rounding-only difference); beyond → error;
      figures a report wrote with d decimals are compared at d decimals: the computed figure is rounded
      half-up to d places and the difference counted in units of the last place (1 unit = info).
#}

{% macro recon_amount_severity(difference) -%}
    case
        when {{ difference }} is null or {{ difference }} = 0 then null
        when abs({{ difference }}) <= {{ var('recon_amount_tolerance') }} then 'info'
        else 'error'
    end
{%- endmacro %}

{#- 10^d as an exact DECIMAL, for d in [-6, 6] (a figure's precision: 2 = cents, −2 = hundreds of yuan). -#}
{% macro recon_scale(decimals) -%}
    cast(power(10, {{ decimals }}) as decimal(38, 6))
{%- endmacro %}

{#-
    How many units of the reported figure's last decimal place separate the claim from the computed value,
    after rounding the computed value half-up to that place (exact: DECIMAL multiplication and floor).
    0 = the claim is right at its own precision; 1 = a rounding-only difference; more = wrong.
-#}
{% macro recon_units_apart(reported, computed, decimals) -%}
    abs(
        cast({{ reported }} as decimal(38, 6)) * {{ recon_scale(decimals) }}
        - sign({{ computed }}) * floor(abs(cast({{ computed }} as decimal(38, 6))) * {{ recon_scale(decimals) }} + 0.5)
    )
{%- endmacro %}

{#- An integer as text, portable. -#}
{% macro recon_text(x) -%}
    cast({{ x }} as {{ dbt.type_string() }})
{%- endmacro %}
