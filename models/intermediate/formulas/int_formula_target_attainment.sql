-- 按绩效目标个数计算的比率（count_share 的分子、分母），逐项判定见 int_target_attainment：
--   target_attainment_quantity_dept     目标实现（部门整体）= 达到预期值的数量指标个数 / 全部数量指标个数 × 100%
--   target_attainment_quantity_project  目标实现（项目）    = 同上，范围为项目的数量指标
--       （sc_county_self S03/S04：单个数量指标实际完成未达到预期指标或超过预期指标 30% 以上的，均不计分）
--   target_completion_quantity    实际完成率 = 实际完成工作数 / 计划工作数 × 100%（部门整体数量指标达到目标值的个数 / 全部个数）
--   target_completion_timeliness  完成及时率 = 及时完成实际工作数 / 计划工作数 × 100%（部门整体时效指标）
--   target_completion_quality     质量达标率 = 质量达标实际工作数 / 计划工作数 × 100%（部门整体质量指标）
--   key_work_completion           重点工作办结率 = 实际完成重点工作数 / 交办或下达重点工作数 × 100%（重点项目的产出指标）
--       （mof_dept_common C11–C14：财预〔2013〕53号的“工作数”取自绩效目标表，这是我们的口径选择）
-- 没有相应的绩效目标 → 无法评价。
with finance as (
    select
        dept_code,
        fiscal_year
    from {{ ref('int_dept_year_finance') }}
),

targets as (
    select * from {{ ref('int_target_attainment') }}
),

{% set families = [
    ('target_attainment_quantity_dept', "scope = '部门整体' and level2 = '数量'", 'within_tolerance',
     '达到预期值（未超过 30%）的数量指标', '全部数量指标', '部门整体的数量指标'),
    ('target_attainment_quantity_project', "scope = '项目' and level2 = '数量'", 'within_tolerance',
     '达到预期值（未超过 30%）的数量指标', '全部数量指标', '项目的数量指标'),
    ('target_completion_quantity', "scope = '部门整体' and level2 = '数量'", 'met',
     '实际完成的工作（达到目标值的数量指标）', '计划工作（全部数量指标）', '部门整体的数量指标'),
    ('target_completion_timeliness', "scope = '部门整体' and level2 = '时效'", 'met',
     '及时完成的工作（达到目标值的时效指标）', '计划工作（全部时效指标）', '部门整体的时效指标'),
    ('target_completion_quality', "scope = '部门整体' and level2 = '质量'", 'met',
     '质量达标的工作（达到目标值的质量指标）', '计划工作（全部质量指标）', '部门整体的质量指标'),
    ('key_work_completion', "scope = '项目' and is_key_project and level1 = '产出'", 'met',
     '办结的重点工作（达到目标值的重点项目产出指标）', '重点工作（重点项目的全部产出指标）', '重点项目的产出指标'),
] %}

{% for code, condition, met_column, met_noun, all_noun, scope_words in families %}
    {{ code }}_counts as (
        select
            dept_code,
            fiscal_year,
            count(*) as all_items,
            sum(case when {{ met_column }} then 1 else 0 end) as met_items
        from targets
        where {{ condition }}
        group by dept_code, fiscal_year
    ),

    {{ code }} as (
        select
            finance.dept_code,
            finance.fiscal_year,
            '' as project_code,
            '' as part_code,
            c.met_items as numerator,
            c.all_items as denominator,
            case when c.all_items is null then '缺少绩效目标数据（{{ scope_words }}）' end as missing_inputs,
            {{ scoring_concat(["'" ~ scope_words ~ " '", format_count('c.all_items'), "'，其中" ~ met_noun ~ " '", format_count('c.met_items')]) }}
                as inputs,
            case
                when c.all_items is not null then
                    {{ dbt.concat(["'" ~ met_noun ~ " '", format_count('c.met_items'), "' / " ~ all_noun ~ " '", format_count('c.all_items'), "' × 100%'"]) }}
            end as count_text
        from finance
        left join {{ code }}_counts as c
            on c.dept_code = finance.dept_code and c.fiscal_year = finance.fiscal_year
    ),
{% endfor %}

rates as (
    {% for code, condition, met_column, met_noun, all_noun, scope_words in families %}
        select
            rates.*,
            {{ code }}.count_text
        from ({{ scoring_rate_select(code, relation=code) }}) as rates
        inner join {{ code }}
            on {{ code }}.dept_code = rates.dept_code and {{ code }}.fiscal_year = rates.fiscal_year
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
    count_text as calc_text,
    inputs
from rates
