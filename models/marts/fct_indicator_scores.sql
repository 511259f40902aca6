-- 指标得分：部门 × 年度 × 评价体系 × 指标（project_self 另 × 项目）。评分逻辑见 int_indicator_scores
-- （通用规则：threshold、bands、proportional、count_share、deduction、manual、survey、per_point、letter、info），
-- 参数全部来自 seeds/framework_*.csv。explanation 是评价报告中的那句话，带真实数字。
-- 这是视图：紧凑表 int_indicator_scores_compact 存数字与片段，explanation 在读取时拼出（indicator_explanation_ctes，
-- 与 int_indicator_scores 同一段 SQL），列与行和原来的表完全相同（issue 18：不为每行存一句文字）。
-- On Spark it stays a table: the Spark comparison reads every mart from its Parquet folder, which a view has not.
{{ config(materialized=('view' if target.type == 'duckdb' else 'table')) }}

with compact as (
    select * from {{ ref('int_indicator_scores_compact') }}
),

-- the columns the explanation reads, named as int_indicator_scores's `scored` step names them
scored as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        scope,
        indicator_name,
        level1_code,
        level2_code,
        sort_order,
        weight,
        score,
        letter,
        rule_type,
        rule_text,
        formula_code,
        scored_by,
        assessable,
        scoring_status,
        scoring_status as status,
        not_assessable_reason,
        value as public_value,
        formula_value as value,
        unit,
        numerator,
        denominator,
        value_status,
        person_score,
        scorer,
        evidence,
        effective_value,
        calc_text,
        inputs,
        blocked_reason,
        on_zero_denominator,
        op,
        bound,
        passed,
        full_on_zero,
        band_name,
        parts_total,
        parts_text,
        target,
        per_item,
        per_point,
        excess_points,
        rule_score_raw,
        score_rounding,
        score_decimals,
        years_text,
        window_years
    from compact
),

{{ indicator_explanation_ctes('scored') }},

scores as (
    select * from explained
),

frameworks as (
    select
        framework_code,
        framework_name
    from {{ ref('frameworks') }}
),

final as (
    select
        scores.dept_code,
        scores.fiscal_year,
        scores.framework_code,
        frameworks.framework_name,
        scores.indicator_code,
        -- no project (a department-level indicator) is NULL here; '' is only the internal join key
        nullif(scores.project_code, '') as project_code,
        scores.level1_code,
        scores.level2_code,
        scores.indicator_name,
        scores.sort_order,
        scores.weight,
        -- not assessable is never 0: the score is NULL and the weight counts as not_assessable_weight
        case when scores.assessable then scores.score end as score,
        -- 得分率 = 得分 / 分值 × 100（%）：可评价、分值为正的指标
        case when scores.assessable and scores.weight > 0 then {{ scoring_percent('scores.score', 'scores.weight') }} end
            as score_rate,
        scores.letter,
        scores.rule_type,
        scores.rule_text,
        scores.scored_by,
        scores.assessable,
        scores.not_assessable_reason,
        scores.explanation,
        scores.formula_code,
        scores.public_value as value,
        scores.unit,
        scores.numerator,
        scores.denominator,
        scores.scoring_status,
        scores.person_score,
        scores.scorer,
        scores.evidence,
        scores.scope
    from scores
    inner join frameworks
        on frameworks.framework_code = scores.framework_code
)

select * from final
