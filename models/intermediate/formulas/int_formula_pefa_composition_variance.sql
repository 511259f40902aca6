-- PI-2 支出结构偏差（pefa_2016：adjust each line's original budget by total actual / total original,
-- variance = Σ|actual − adjusted| / Σ adjusted）：
--   pefa_composition_variance_function  PI-2.1 按支出功能分类（func_class）
--   pefa_composition_variance_economic  PI-2.2 按政府经济分类（econ_class）
-- 偏差 = Σ|实际支出 − 年初预算 × (实际总支出 / 年初预算总额)| / 实际总支出 × 100%
-- 为了精确（四舍五入到两位之前不经过浮点数），分子分母同乘 年初预算总额 O：
--   Σ|实际_f × O − 年初_f × A| / (O × A)，A = 实际总支出，Σ 调整后预算 = A。
-- 某年台账有任一行缺少该分类 → 该年无法计算（PEFA 评为 D* 时说明原因）。
with lines as (
    select * from {{ ref('int_ledger_lines') }}
),

finance as (
    select
        dept_code,
        fiscal_year,
        original_total,
        paid_total
    from {{ ref('int_dept_year_finance') }}
),

{% set families = [
    ('pefa_composition_variance_function', 'func_class', '支出功能分类'),
    ('pefa_composition_variance_economic', 'econ_class', '政府经济分类'),
] %}

{% for code, column, words in families %}
    {{ code }}_classes as (
        select
            dept_code,
            fiscal_year,
            {{ column }} as class_name,
            {{ strict_sum('original_budget') }} as original_budget,
            {{ strict_sum('actual_paid') }} as actual_paid
        from lines
        where {{ column }} is not null
        group by dept_code, fiscal_year, {{ column }}
    ),

    {{ code }}_missing as (
        select
            dept_code,
            fiscal_year,
            count(*) as unclassified_lines
        from lines
        where {{ column }} is null
        group by dept_code, fiscal_year
    ),

    {{ code }}_sums as (
        select
            c.dept_code,
            c.fiscal_year,
            count(*) as classes,
            {{ strict_sum('abs(c.actual_paid * f.original_total - c.original_budget * f.paid_total)') }} as scaled_abs_deviation
        from {{ code }}_classes as c
        inner join finance as f
            on f.dept_code = c.dept_code and f.fiscal_year = c.fiscal_year
        group by c.dept_code, c.fiscal_year
    ),

    {{ code }} as (
        select
            f.dept_code,
            f.fiscal_year,
            '' as project_code,
            '' as part_code,
            -- Σ|实际 − 调整后预算| = Σ|实际_f × O − 年初_f × A| / O（显示到分）
            {{ scoring_ratio('s.scaled_abs_deviation', 'f.original_total', 2) }} as numerator,
            f.paid_total as denominator,    -- Σ 调整后预算 = 实际总支出
            s.scaled_abs_deviation,
            cast(f.original_total as decimal(38, 6)) * cast(f.paid_total as decimal(38, 6)) as scaled_denominator,
            case
                when m.unclassified_lines > 0
                    then {{ dbt.concat(["'台账有 '", format_number('m.unclassified_lines'), "' 行缺少" ~ words ~ "'"]) }}
                when s.classes is null then '台账没有{{ words }}'
            end as missing_inputs,
        {{ scoring_concat(["'按" ~ words ~ " '", format_count('s.classes', '类'), "'，实际总支出 '", format_amount('f.paid_total'),
                           "'，年初预算总额 '", format_amount('f.original_total')]) }}
                as inputs
        from finance as f
        left join {{ code }}_sums as s
            on s.dept_code = f.dept_code and s.fiscal_year = f.fiscal_year
        left join {{ code }}_missing as m
            on m.dept_code = f.dept_code and m.fiscal_year = f.fiscal_year
    ),
{% endfor %}

final as (
    {% for code, column, words in families %}
        select
            '{{ code }}' as formula_code,
            dept_code,
            fiscal_year,
            project_code,
            part_code,
            cast(case when missing_inputs is null then numerator end as decimal(18, 2)) as numerator,
            cast(case when missing_inputs is null then denominator end as decimal(18, 2)) as denominator,
            case when missing_inputs is null then {{ scoring_percent('scaled_abs_deviation', 'scaled_denominator') }} end as value,
            '%' as unit,
            coalesce(missing_inputs is null and denominator = 0, false) as zero_denominator,
            missing_inputs,
            case
                when missing_inputs is null then
                    {{ dbt.concat(["'Σ|实际 − 调整后预算| '", format_amount('numerator'), "' / Σ调整后预算 '", format_amount('denominator'), "' × 100%'"]) }}
            end as calc_text,
            inputs
        from {{ code }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
