-- 每个公式的值：公式 × 部门 × 年度（× 项目 × 分项），由 models/intermediate/formulas/ 下每个公式模型合并而来。
-- 评价体系通过 framework_indicators.formula_code 选用公式；同名指标在不同体系的不同口径是不同的 formula_code
-- （如 carryover_rate_on_paid 与 carryover_rate_on_budget）。新增公式：新建 int_formula_*.sql，
-- 输出同样的列（以 scoring_rate_select 结尾），并把模型名加到下面的列表。
{% set formula_models = [
    'int_formula_staff_control_rate',
    'int_formula_three_public_change_rate',
    'int_formula_three_public_change_rate_on_budget',
    'int_formula_key_expenditure_rate',
    'int_formula_budget_completion_rate',
    'int_formula_budget_completion_rate_with_carryover',
    'int_formula_budget_adjustment_rate',
    'int_formula_carryover_rate',
    'int_formula_carryover_change_rate',
    'int_formula_public_expense_control_rate',
    'int_formula_three_public_control_rate',
    'int_formula_procurement_execution_rate',
    'int_formula_fixed_asset_utilization_rate',
    'int_formula_payment_progress',
    'int_formula_expense_control_deviation',
    'int_formula_monitoring_resolution_rate',
    'int_formula_project_low_balance_share',
    'int_formula_violation_count',
    'int_formula_survey_satisfaction',
    'int_formula_target_attainment',
    'int_formula_project_execution_rate',
    'int_formula_project_target_completion',
    'int_formula_pefa_aggregate_outturn',
    'int_formula_pefa_composition_variance',
] %}

{% for m in formula_models %}
    select
        cast(formula_code as {{ dbt.type_string() }}) as formula_code,
        dept_code,
        cast(fiscal_year as integer) as fiscal_year,
        cast(project_code as {{ dbt.type_string() }}) as project_code,
        cast(part_code as {{ dbt.type_string() }}) as part_code,
        cast(numerator as decimal(18, 2)) as numerator,
        cast(denominator as decimal(18, 2)) as denominator,
        cast(value as decimal(18, 2)) as value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        zero_denominator,
        cast(missing_inputs as {{ dbt.type_string() }}) as missing_inputs,
        cast(calc_text as {{ dbt.type_string() }}) as calc_text,
        cast(inputs as {{ dbt.type_string() }}) as inputs
    from {{ ref(m) }}
    {% if not loop.last %}union all{% endif %}
{% endfor %}
