-- 分项规则的逐项结果（framework_rule_parts 的每一行 × 指标 × 部门年度/项目）：
--   bands        分档：指标的值是否落在该档（lower, upper] 内，落在的档给 points 分；
--   proportional 分项按比例：该分项（如 6 月）的值 v 与目标 target：v ≥ target 得 points，否则 points × v / target；
--   letter       等级（PEFA）：最近 window_years 个年度中，值落在该等级区间的年数 hits；hits ≥ min_years 即达到该等级，
--                没有区间的一档（D）总是达到。
-- int_indicator_scores 取第一个（sort_order 最小）落在其中的档/等级，或把分项得分相加。
with inputs as (
    select * from {{ ref('int_scoring_inputs') }}
    where rule_parts > 0
),

parts as (
    select * from {{ ref('framework_rule_parts') }}
),

formula_values as (
    select * from {{ ref('int_indicator_values') }}
),

band_parts as (
    select
        i.framework_code,
        i.indicator_code,
        i.dept_code,
        i.fiscal_year,
        i.project_code,
        i.rule_type,
        p.part_code,
        p.part_name,
        cast(p.sort_order as integer) as part_sort,
        cast(p.points as decimal(9, 2)) as points,
        cast(p.target as decimal(18, 4)) as target,
        cast(null as {{ dbt.type_string() }}) as letter,
        i.effective_value as part_value,
        i.effective_value is null as part_missing,
        {{ scoring_in_band('i.effective_value', 'p.lower_bound', 'p.lower_inclusive', 'p.upper_bound', 'p.upper_inclusive') }}
            as in_band,
        cast(null as decimal(18, 2)) as part_points,
        cast(null as integer) as hits,
        cast(null as integer) as years_available,
        cast(null as {{ dbt.type_string() }}) as part_text
    from inputs as i
    inner join parts as p
        on p.framework_code = i.framework_code and p.indicator_code = i.indicator_code
    where i.rule_type = 'bands'
),

proportional_values as (
    select
        i.framework_code,
        i.indicator_code,
        i.dept_code,
        i.fiscal_year,
        i.project_code,
        i.rule_type,
        i.score_decimals,
        i.score_rounding,
        p.part_code,
        p.part_name,
        cast(p.sort_order as integer) as part_sort,
        cast(p.points as decimal(9, 2)) as points,
        cast(p.target as decimal(18, 4)) as target,
        v.value as part_value
    from inputs as i
    inner join parts as p
        on p.framework_code = i.framework_code and p.indicator_code = i.indicator_code
    left join formula_values as v
        on
            v.formula_code = i.formula_code
            and v.dept_code = i.dept_code
            and v.fiscal_year = i.fiscal_year
            and v.project_code = i.project_code
            and v.part_code = p.part_code
    where i.rule_type = 'proportional'
),

proportional_parts as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        rule_type,
        part_code,
        part_name,
        part_sort,
        points,
        target,
        cast(null as {{ dbt.type_string() }}) as letter,
        part_value,
        part_value is null as part_missing,
        cast(null as boolean) as in_band,
        case
            when part_value is null then null
            when part_value >= target then points
            when part_value <= 0 then 0
            else {{ scoring_ratio_by_rule('points * part_value', 'target', 'score_decimals', 'score_rounding') }}
        end as part_points,
        cast(null as integer) as hits,
        cast(null as integer) as years_available
    from proportional_values
),

proportional_texts as (
    select
        proportional_parts.*,
        case
            when proportional_parts.part_missing then {{ dbt.concat(['part_name', "'缺少数据'"]) }}
            when proportional_parts.part_value >= proportional_parts.target
                then
                {{ dbt.concat(['part_name', "' '", format_percent('part_value'), "'（目标 '", format_number('target'),
                               "'%），达到目标，得 '", format_number('part_points'), "' 分'"]) }}
            else
                {{ dbt.concat(['part_name', "' '", format_percent('part_value'), "'（目标 '", format_number('target'),
                               "'%），得 '", format_number('points'), "' × '", format_percent('part_value'), "' / '",
                               format_number('target'), "'% = '", format_number('part_points'), "' 分'"]) }}
        end as part_text
    from proportional_parts
),

letter_years as (
    select
        i.framework_code,
        i.indicator_code,
        i.dept_code,
        i.fiscal_year,
        i.project_code,
        v.fiscal_year as value_year,
        v.value
    from inputs as i
    inner join formula_values as v
        on
            v.formula_code = i.formula_code
            and v.dept_code = i.dept_code
            and v.project_code = i.project_code
            and v.part_code = ''
            and v.fiscal_year between i.fiscal_year - i.window_years + 1 and i.fiscal_year
    where i.rule_type = 'letter' and v.value is not null
),

letter_window as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        count(*) as years_available,
        {{ dbt.listagg(dbt.concat([dbt.cast('value_year', dbt.type_string()), "' 年 '", format_percent('value')]), "'，'", 'order by value_year') }}
            as years_text
    from letter_years
    group by framework_code, indicator_code, dept_code, fiscal_year, project_code
),

letter_parts as (
    select
        i.framework_code,
        i.indicator_code,
        i.dept_code,
        i.fiscal_year,
        i.project_code,
        i.rule_type,
        p.part_code,
        p.part_name,
        cast(p.sort_order as integer) as part_sort,
        cast(null as decimal(9, 2)) as points,
        cast(null as decimal(18, 4)) as target,
        p.letter,
        cast(null as decimal(18, 2)) as part_value,
        false as part_missing,
        (p.lower_bound is null and p.upper_bound is null)
        or sum(case
            when
                ly.value is not null
                and {{ scoring_in_band('ly.value', 'p.lower_bound', 'p.lower_inclusive', 'p.upper_bound', 'p.upper_inclusive') }}
                then 1
            else 0
        end) >= max(i.min_years)
            as in_band,
        cast(null as decimal(18, 2)) as part_points,
        cast(sum(case
            when
                ly.value is not null
                and {{ scoring_in_band('ly.value', 'p.lower_bound', 'p.lower_inclusive', 'p.upper_bound', 'p.upper_inclusive') }}
                then 1
            else 0
        end) as integer) as hits
    from inputs as i
    inner join parts as p
        on p.framework_code = i.framework_code and p.indicator_code = i.indicator_code
    left join letter_years as ly
        on
            ly.framework_code = i.framework_code
            and ly.indicator_code = i.indicator_code
            and ly.dept_code = i.dept_code
            and ly.fiscal_year = i.fiscal_year
            and ly.project_code = i.project_code
    where i.rule_type = 'letter'
    group by
        i.framework_code, i.indicator_code, i.dept_code, i.fiscal_year, i.project_code, i.rule_type,
        p.part_code, p.part_name, p.sort_order, p.letter, p.lower_bound, p.upper_bound
),

letters as (
    select
        letter_parts.*,
        cast(coalesce(w.years_available, 0) as integer) as years_available,
        w.years_text as part_text
    from letter_parts
    left join letter_window as w
        on
            w.framework_code = letter_parts.framework_code
            and w.indicator_code = letter_parts.indicator_code
            and w.dept_code = letter_parts.dept_code
            and w.fiscal_year = letter_parts.fiscal_year
            and w.project_code = letter_parts.project_code
),

final as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        rule_type,
        part_code,
        part_name,
        part_sort,
        points,
        target,
        letter,
        part_value,
        part_missing,
        in_band,
        part_points,
        hits,
        years_available,
        part_text
    from band_parts
    union all
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        rule_type,
        part_code,
        part_name,
        part_sort,
        points,
        target,
        letter,
        part_value,
        part_missing,
        in_band,
        part_points,
        hits,
        years_available,
        part_text
    from proportional_texts
    union all
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        rule_type,
        part_code,
        part_name,
        part_sort,
        points,
        target,
        letter,
        part_value,
        part_missing,
        in_band,
        part_points,
        hits,
        years_available,
        part_text
    from letters
)

select * from final
