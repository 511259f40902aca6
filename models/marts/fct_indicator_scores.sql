-- 指标得分：部门 × 年度 × 评价体系 × 指标（project_self 另 × 项目）。评分逻辑见 int_indicator_scores
-- （通用规则：threshold、bands、proportional、count_share、deduction、manual、survey、per_point、letter、info），
-- 参数全部来自 seeds/framework_*.csv。explanation 是评价报告中的那句话，带真实数字。
with scores as (
    select * from {{ ref('int_indicator_scores') }}
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
        scores.value,
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
