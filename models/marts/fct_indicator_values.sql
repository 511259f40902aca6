-- 指标值：部门 × 年度 × 评价体系 × 计算类指标（× 项目，project_self；× 分项，如 S07 的 6/9/11 月）。
-- 值由公式模型计算（models/intermediate/formulas/，见 framework_formulas），指标通过 framework_indicators.formula_code
-- 选用公式；人工评分（manual）的指标没有值，不在这里。
-- value：百分比（99.08 = 99.08%），两位小数四舍五入；0/0 且体系规定按 0% 计（如湖南 A23）时为 0。
with indicators as (
    select * from {{ ref('framework_indicators') }}
    where formula_code is not null
),

frameworks as (
    select
        framework_code,
        scope
    from {{ ref('frameworks') }}
),

rule_parts as (
    select
        framework_code,
        indicator_code,
        part_code,
        part_name,
        sort_order
    from {{ ref('framework_rule_parts') }}
),

formula_values as (
    select * from {{ ref('int_indicator_values') }}
),

final as (
    select
        v.dept_code,
        v.fiscal_year,
        i.framework_code,
        i.indicator_code,
        i.indicator_name,
        -- no project / no part is NULL here; '' is only the internal join key
        nullif(v.project_code, '') as project_code,
        nullif(v.part_code, '') as part_code,
        p.part_name,
        i.level1_code,
        i.level2_code,
        cast(i.sort_order as integer) as sort_order,
        i.formula_code,
        case
            when v.zero_denominator and coalesce(v.numerator, 0) = 0 and i.on_zero_denominator = 'value_zero'
                then cast(0 as decimal(18, 2))
            else v.value
        end as value,
        v.unit,
        v.numerator,
        v.denominator,
        v.missing_inputs is null
        and (v.value is not null or v.zero_denominator)
        and not (
            v.zero_denominator and coalesce(v.numerator, 0) = 0
            and coalesce(i.on_zero_denominator, 'not_assessable') = 'not_assessable')
            as assessable,
        v.zero_denominator,
        v.missing_inputs,
        v.calc_text,
        v.inputs
    from indicators as i
    inner join frameworks as f
        on f.framework_code = i.framework_code
    inner join formula_values as v
        on
            v.formula_code = i.formula_code
            and (f.scope = 'project') = (v.project_code <> '')
    left join rule_parts as p
        on
            p.framework_code = i.framework_code
            and p.indicator_code = i.indicator_code
            and p.part_code = v.part_code
            and i.rule_type = 'proportional'
    where v.part_code = '' or p.part_code is not null
)

select * from final
