-- 评分的输入：骨架（指标 × 部门年度/项目）+ 公式的值（单一值的公式；分项/多年的见 int_scoring_part_results）
-- + 评价人评分（qualitative_scores，只对部门级指标）。
-- value_status：ok 有值；missing 缺少数据；zero_zero 分子分母均为 0；infinite 分母为 0、分子不为 0。
-- effective_value：规则比较用的值 —— 0/0 且体系规定按 0% 计（value_zero）时为 0；x/0 视为 ±无穷（±10^12）。
with spine as (
    select * from {{ ref('int_scoring_spine') }}
),

formula_values as (
    select * from {{ ref('int_indicator_values') }}
    where part_code = ''
),

-- a person scores department-level indicators only: project_code '' (an equi-join key, so the join
-- stays a hash join; a condition on the spine alone would force a nested-loop join)
person as (
    select
        dept_code,
        fiscal_year,
        framework_code,
        indicator_code,
        '' as project_code,
        score,
        scorer,
        evidence
    from {{ ref('stg_qualitative_scores') }}
),

joined as (
    select
        spine.*,
        v.formula_code is not null as has_value_row,
        v.numerator,
        v.denominator,
        v.value,
        v.unit,
        v.zero_denominator,
        v.calc_text,
        v.inputs,
        case
            when spine.formula_code is null or spine.rule_type = 'manual' then null
            when spine.rule_type = 'letter' then v.missing_inputs
            when v.formula_code is null and spine.rule_parts > 0 and spine.rule_type = 'proportional' then null
            when v.formula_code is null then '缺少计算所需数据'
            else v.missing_inputs
        end as missing_inputs,
        cast(person.score as decimal(9, 2)) as person_score,
        person.scorer,
        person.evidence
    from spine
    left join formula_values as v
        on
            v.formula_code = spine.formula_code
            and v.dept_code = spine.dept_code
            and v.fiscal_year = spine.fiscal_year
            and v.project_code = spine.project_code
    left join person
        on
            person.framework_code = spine.framework_code
            and person.indicator_code = spine.indicator_code
            and person.dept_code = spine.dept_code
            and person.fiscal_year = spine.fiscal_year
            and person.project_code = spine.project_code
),

final as (
    select
        joined.*,
        case
            when joined.missing_inputs is not null then 'missing'
            when not joined.has_value_row then null
            when joined.zero_denominator and coalesce(joined.numerator, 0) = 0 then 'zero_zero'
            when joined.zero_denominator then 'infinite'
            when joined.value is null then 'missing'
            else 'ok'
        end as value_status,
        cast(case
            when joined.missing_inputs is not null then null
            when joined.zero_denominator and coalesce(joined.numerator, 0) = 0
                then
                    case when joined.on_zero_denominator = 'value_zero' then 0 end
            when joined.zero_denominator and joined.numerator > 0 then 1000000000000
            when joined.zero_denominator and joined.numerator < 0 then -1000000000000
            else joined.value
        end as decimal(18, 2)) as effective_value
    from joined
)

select * from final
