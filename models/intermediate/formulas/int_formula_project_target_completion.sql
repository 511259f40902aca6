-- 项目绩效目标完成程度（project_self，每个项目一行）：
--   project_output_completion        产出指标完成程度 = Σ(指标分值 × min(完成值 / 指标值, 1)) / Σ指标分值 × 100%（一级指标 = 产出）
--   project_effect_completion        效益指标完成程度（一级指标 = 效益）
--   project_satisfaction_completion  满意度指标完成程度（一级指标 = 满意度）
-- 财预〔2020〕10号：完全达成年度指标值的记该指标全部分值，未完成的按完成值与指标值的比例记分。
-- 未填分值的目标按 1 计（等权）；定性目标达成计 1，否则 0（逐项判定见 int_target_attainment）。
-- 项目没有该类绩效目标 → 无法评价。
with projects as (
    select
        dept_code,
        fiscal_year,
        project_code
    from {{ ref('int_project_execution') }}
),

targets as (
    select * from {{ ref('int_target_attainment') }}
    where scope = '项目'
),

{% set families = [
    ('project_output_completion', '产出'),
    ('project_effect_completion', '效益'),
    ('project_satisfaction_completion', '满意度'),
] %}

{% for code, level1 in families %}
    {{ code }}_sums as (
        select
            dept_code,
            fiscal_year,
            project_code,
            count(*) as targets,
            sum(case when met then 1 else 0 end) as met_targets,
            sum(weight * completion_ratio) as achieved_weight,
            sum(weight) as total_weight
        from targets
        where level1 = '{{ level1 }}'
        group by dept_code, fiscal_year, project_code
    ),

    {{ code }} as (
        select
            projects.dept_code,
            projects.fiscal_year,
            projects.project_code,
            '' as part_code,
            s.achieved_weight as numerator,     -- Σ 分值 × 完成比例
            s.total_weight as denominator,      -- Σ 分值
            s.achieved_weight as raw_numerator,
            case when s.targets is null then '缺少该项目的{{ level1 }}指标（绩效目标）' end as missing_inputs,
            {{ scoring_concat(["'" ~ level1 ~ "指标 '", format_count('s.targets'), "'，达到目标值的 '", format_count('s.met_targets')]) }}
                as inputs
        from projects
        left join {{ code }}_sums as s
            on
                s.dept_code = projects.dept_code
                and s.fiscal_year = projects.fiscal_year
                and s.project_code = projects.project_code
    ),
{% endfor %}

rates as (
    {% for code, level1 in families %}
        select
            r.*,
            {{ code }}.raw_numerator
        from ({{ scoring_rate_select(code, relation=code) }}) as r
        inner join {{ code }}
            on
                {{ code }}.dept_code = r.dept_code
                and {{ code }}.fiscal_year = r.fiscal_year
                and {{ code }}.project_code = r.project_code
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    formula_code,
    dept_code,
    fiscal_year,
    project_code,
    part_code,
    numerator,
    denominator,
    value,
    unit,
    zero_denominator,
    missing_inputs,
    case
        when missing_inputs is null then
            {{ dbt.concat(["'Σ(分值 × 完成比例) '", format_number('raw_numerator'), "' / Σ分值 '", format_number('denominator'), "' × 100%'"]) }}
    end as calc_text,
    inputs
from rates
