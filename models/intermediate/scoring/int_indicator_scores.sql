-- 通用评分：对每个指标 × 部门年度（或项目）应用它在 framework_indicators 中的规则（rule_type），参数全部来自 seeds。
--
--   threshold    值 op bound 得满分，否则 0                                 （B11：预算完成率 > 90% 得 2 分）
--   bands        落在哪一档得哪一档的分（framework_rule_parts）              （S05：≤10% 10 分，(10%,20%] 5 分，>20% 0 分）
--   proportional 分值 × min(值 / target, 1)；有分项时各分项相加              （S07：6/9/11 月 40%/67.5%/82.5%，1/2/2 分）
--   count_share  分值 × 符合条件的项数 / 全部项数                           （S08：资金结余率 < 0.1 的项目数 / 项目总数 × 5）
--   deduction    max(0, 分值 − 每项扣分 × 项数)                             （S09：每个违规问题扣 0.5 分）
--   manual       评价人评分（qualitative_scores），不超过分值                  （A11）
--   survey       分值 × 满意度，按 score_decimals/score_rounding 取舍          （D2：4 × 81.25% = 3.25，取整 3 分）
--   per_point    在界限内得满分，超出每个百分点扣 per_point 分，扣完为止         （在职人员控制率 ≤ 100%）
--   letter       PEFA 等级：最近三年中至少两年落在某等级区间；不足三年 D*        （PI-1.1、PI-2.1、PI-2.2）
--   info         参考值，不计分（分值 0）
--
-- 边界情况：
--   比率先四舍五入到两位小数再比较（在公式模型中完成：89.995% → 90.00%，不大于 90%）；
--   0/0 由 on_zero_denominator 决定：value_zero 按 0% 计、full 得满分、not_assessable 无法评价；x/0 视为无穷大；
--   缺少数据：不可评价（int_ 中得 0 分，公共表 fct_indicator_scores 中得分为空，assessable = false，说明缺什么，分值计入不可评价分值）；
--   计算类指标缺少数据而有评价人评分时，采用评价人评分（scored_by = person，说明附依据）；
--   评价人评分超过分值时按分值计；扣分项（分值为负）得分在 [分值, 0] 之间。
{{ config(materialized='view') }}

with inputs as (
    select * from {{ ref('int_scoring_inputs') }}
),

parts as (
    select * from {{ ref('int_scoring_part_results') }}
),

band_ranked as (
    select
        parts.*,
        row_number() over (
            partition by parts.framework_code, parts.indicator_code, parts.dept_code, parts.fiscal_year, parts.project_code
            order by parts.part_sort
        ) as band_rank
    from parts
    where parts.rule_type in ('bands', 'letter') and parts.in_band
),

band_pick as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        part_name as band_name,
        points as band_points,
        letter as band_letter,
        years_available,
        part_text as years_text
    from band_ranked
    where band_rank = 1
),

proportional_parts as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        count(*) as parts_total,
        sum(case when part_missing then 1 else 0 end) as parts_missing,
        cast(sum(part_points) as decimal(18, 2)) as parts_points,
        {{ dbt.listagg('part_text', "'；'", 'order by part_sort') }} as parts_text,
        {{ dbt.listagg("case when part_missing then part_name end", "'、'", 'order by part_sort') }} as missing_parts
    from parts
    where rule_type = 'proportional'
    group by framework_code, indicator_code, dept_code, fiscal_year, project_code
),

letter_window as (
    select
        framework_code,
        indicator_code,
        dept_code,
        fiscal_year,
        project_code,
        max(years_available) as years_available,
        max(part_text) as years_text
    from parts
    where rule_type = 'letter'
    group by framework_code, indicator_code, dept_code, fiscal_year, project_code
),

resolved as (
    select
        inputs.*,
        bp.band_name,
        bp.band_points,
        bp.band_letter,
        pp.parts_total,
        pp.parts_missing,
        pp.parts_points,
        pp.parts_text,
        lw.years_available,
        lw.years_text,
        -- why the rule cannot be applied (null: it can)
        case
            when inputs.rule_type in ('manual', 'info') then null
            when inputs.rule_type = 'letter'
                then
                    case
                        when coalesce(lw.years_available, 0) < inputs.window_years then
                    {{ scoring_concat(["case when inputs.missing_inputs is not null then inputs.missing_inputs || '；' end",
                                       "'最近 '", format_number('inputs.window_years'), "' 个年度中只有 '",
                                       format_number('coalesce(lw.years_available, 0)'), "' 个年度有数据'",
                                       "case when lw.years_text is not null then '（' || lw.years_text || '）' end"]) }}
                    end
            when inputs.rule_type = 'proportional' and pp.parts_total > 0
                then
                    case
                        when pp.parts_missing > 0 then
                            {{ scoring_concat(["'缺少 '", 'pp.missing_parts', "' 的月度支出进度数据'"]) }}
                    end
            when inputs.value_status = 'missing' then coalesce(inputs.missing_inputs, '缺少计算所需数据')
            when inputs.value_status = 'zero_zero' and inputs.on_zero_denominator = 'not_assessable' then
                {{ scoring_concat(["inputs.indicator_name", "' = '", "inputs.calc_text", "'，分子分母均为 0，无法计算'"]) }}
        end as blocked_reason
    from inputs
    left join band_pick as bp
        on
            bp.framework_code = inputs.framework_code and bp.indicator_code = inputs.indicator_code
            and bp.dept_code = inputs.dept_code and bp.fiscal_year = inputs.fiscal_year and bp.project_code = inputs.project_code
    left join proportional_parts as pp
        on
            pp.framework_code = inputs.framework_code and pp.indicator_code = inputs.indicator_code
            and pp.dept_code = inputs.dept_code and pp.fiscal_year = inputs.fiscal_year and pp.project_code = inputs.project_code
    left join letter_window as lw
        on
            lw.framework_code = inputs.framework_code and lw.indicator_code = inputs.indicator_code
            and lw.dept_code = inputs.dept_code and lw.fiscal_year = inputs.fiscal_year and lw.project_code = inputs.project_code
),

statused as (
    select
        resolved.*,
        case
            when resolved.rule_type = 'info' then 'info'
            when resolved.rule_type = 'manual' then case when resolved.person_score is not null then 'person' else 'not_assessable' end
            when resolved.rule_type = 'letter' then case when resolved.blocked_reason is not null then 'insufficient' else 'rule' end
            when
                resolved.blocked_reason is not null
                then case when resolved.person_score is not null then 'person' else 'not_assessable' end
            else 'rule'
        end as status,
        coalesce(value_status = 'zero_zero' and resolved.on_zero_denominator = 'full', false) as full_on_zero,
        {{ scoring_compare('effective_value', 'op', 'bound') }} as passed,
        case
            when
                resolved.op in ('<', '<=', '≤')
                then case when resolved.effective_value > resolved.bound then resolved.effective_value - resolved.bound else 0 end
            when resolved.effective_value < resolved.bound then resolved.bound - resolved.effective_value
            else 0
        end as excess_points
    from resolved
),

-- the rule's score before the cap: special cases first, otherwise score_numerator / score_denominator
-- rounded by score_decimals / score_rounding (one exact rounding for every rule type)
rule_terms as (
    select
        statused.*,
        case statused.rule_type
            when 'proportional' then statused.weight * statused.effective_value    -- 分值 × 值 / 目标
            when 'count_share' then statused.weight * statused.numerator            -- 分值 × 符合条件的项数 / 全部项数
            when 'survey' then statused.weight * statused.effective_value           -- 分值 × 满意度% / 100
            when 'deduction' then statused.weight - statused.per_item * statused.effective_value
            when 'per_point' then statused.weight - statused.per_point * statused.excess_points
        end as score_numerator,
        case statused.rule_type
            when 'proportional' then statused.target
            when 'count_share' then statused.denominator
            when 'survey' then 100
            else 1
        end as score_denominator
    from statused
),

rule_scores as (
    select
        rule_terms.*,
        case
            when rule_terms.rule_type = 'info' then 0
            when rule_terms.rule_type = 'letter' then null
            when rule_terms.full_on_zero then rule_terms.weight
            when rule_terms.rule_type = 'threshold' then case when rule_terms.passed then rule_terms.weight else 0 end
            when rule_terms.rule_type = 'bands' then coalesce(rule_terms.band_points, 0)
            when rule_terms.rule_type = 'proportional' and rule_terms.parts_total > 0 then rule_terms.parts_points
            when rule_terms.rule_type = 'proportional' and rule_terms.effective_value >= rule_terms.target then rule_terms.weight
            when rule_terms.rule_type = 'proportional' and rule_terms.effective_value <= 0 then 0
            when rule_terms.rule_type = 'count_share' and rule_terms.value_status = 'zero_zero' then 0
            else {{ scoring_ratio_by_rule('score_numerator', 'score_denominator', 'score_decimals', 'score_rounding') }}
        end as rule_score_raw
    from rule_terms
),

scored as (
    select
        rule_scores.*,
        cast(case
            when rule_scores.rule_type = 'letter' then null
            when rule_scores.status = 'rule'
                then
                    case
                        when rule_scores.weight >= 0 then greatest(0, least(rule_scores.rule_score_raw, rule_scores.weight))
                        else greatest(rule_scores.weight, least(rule_scores.rule_score_raw, 0))
                    end
            when rule_scores.status = 'info' then 0
            when rule_scores.status = 'person'
                then
                    case
                        when rule_scores.weight >= 0 then greatest(0, least(rule_scores.person_score, rule_scores.weight))
                        else greatest(rule_scores.weight, least(rule_scores.person_score, 0))
                    end
            else 0
        end as decimal(18, 2)) as score,
        case
            when rule_scores.status = 'rule' and rule_scores.rule_type = 'letter' then rule_scores.band_letter
            when rule_scores.status = 'insufficient' then 'D*'
        end as letter
    from rule_scores
),

texts as (
    select
        scored.*,
        case
            when scored.weight < 0
                then {{ dbt.concat(["'（最多扣 '", format_number('-weight'), "' 分）'"]) }}
            else {{ dbt.concat(["'（满分 '", format_number('weight'), "' 分）'"]) }}
        end as full_text,
        case
            when scored.unit = '%' then {{ format_percent('effective_value') }}
            else {{ dbt.concat([format_number('effective_value'), "' '", 'unit']) }}
        end as value_text,
        case
            when scored.unit = '%' then {{ dbt.concat([format_number('bound'), "'%'"]) }}
            else {{ dbt.concat([format_number('bound'), "' '", 'coalesce(unit, \'\')']) }}
        end as bound_text,
        case
            when scored.value_status = 'zero_zero'
                then
                {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "'，分子分母均为 0'",
                                   "case when on_zero_denominator = 'value_zero' then '，按 0.00% 计' end"]) }}
            when scored.value_status = 'infinite'
                then
                    {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "'，分母为 0，比率视为无穷大'"]) }}
            when scored.unit = '%'
                then
                    {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "' = '", format_percent('value')]) }}
            else {{ scoring_concat(['indicator_name', "'：'", 'inputs']) }}
        end as sentence
    from scored
),

explained as (
    select
        texts.*,
        case texts.status
            when 'not_assessable'
                then
                {{ scoring_concat(["coalesce(blocked_reason, '未提供评价人评分')", "'，不可评价（'",
                                   "case when weight < 0 then '扣分项，不扣分' else '不计分，满分 ' || " ~ format_number('weight') ~ " || ' 分计入不可评价分值' end",
                                   "'）'"]) }}
            when 'person'
                then
                {{ scoring_concat(["case when blocked_reason is not null then blocked_reason || '，由' end",
                                   "case when weight < 0 then '评价人扣分：' else '评价人评分：' end",
                                   "case when person_score <> score then '评分 ' || " ~ format_number('person_score') ~ " || ' 分超出分值范围，按 ' || " ~ format_number('score') ~ " || ' 分计，' end",
                                   "case when weight < 0 then '扣 ' || " ~ format_number('-score') ~ " else '得 ' || " ~ format_number('score') ~ " end",
                                   "' 分'", 'full_text',
                                   "case when evidence is not null and evidence <> '' then '。依据：' || evidence end"]) }}
            when 'info'
                then
                    {{ scoring_concat(['coalesce(blocked_reason, sentence)', "'（参考值，不计分）'"]) }}
            when 'insufficient'
                then
                {{ scoring_concat(['indicator_name', "'：'", 'blocked_reason', "'，不足 '", format_number('window_years'),
                                   "' 年，评为 D*（信息不足）'"]) }}
            else
                case texts.rule_type
                    when 'threshold'
                        then
                        {{ scoring_concat(['sentence',
                                           "case when full_on_zero then '，按评分规则得满分' else '，' || " ~ scoring_compare_words('op', 'passed') ~ " || ' ' || bound_text end",
                                           "'，得 '", format_number('score'), "' 分'", 'full_text']) }}
                    when 'bands'
                        then
                        {{ scoring_concat(['sentence',
                                           "case when full_on_zero then '，按评分规则得满分' when band_name is null then '，不在任何评分区间' else '，属于“' || band_name || '”' end",
                                           "'，得 '", format_number('score'), "' 分'", 'full_text']) }}
                    when 'proportional'
                        then
                            case
                                when texts.parts_total > 0
                                    then
                                        {{ scoring_concat(['indicator_name', "'：'", 'parts_text', "'；合计得 '", format_number('score'), "' 分'", 'full_text']) }}
                                else
                            {{ scoring_concat(['sentence',
                                               "case when full_on_zero then '，按评分规则得满分，得 ' else '，得分 = ' || " ~ format_number('weight') ~ " || ' × min(' || value_text || ' / ' || " ~ format_number('target') ~ " || '%, 1) = ' end",
                                               format_number('score'), "' 分'", 'full_text']) }}
                            end
                    when 'count_share'
                        then
                        {{ scoring_concat(['sentence',
                                           "case when full_on_zero then '，按评分规则得满分，得 ' when value_status = 'zero_zero' then '，得 ' else '，得分 = ' || " ~ format_number('weight') ~ " || ' × ' || " ~ format_number('numerator') ~ " || ' / ' || " ~ format_number('denominator') ~ " || ' = ' end",
                                           format_number('score'), "' 分'", 'full_text']) }}
                    when 'deduction'
                        then
                        {{ scoring_concat(['sentence', "'，每个扣 '", format_number('per_item'), "' 分，得 '",
                                           format_number('weight'), "' − '", format_number('per_item'), "' × '", format_number('effective_value'),
                                           "case when rule_score_raw < 0 then '，扣完为止，得 0' else ' = ' || " ~ format_number('score') ~ " end",
                                           "' 分'", 'full_text']) }}
                    when 'survey'
                        then
                        {{ scoring_concat(['sentence', "'（'", 'inputs', "'）'",
                                           "case when full_on_zero then '，按评分规则得满分，得 ' else '，得分 = ' || " ~ format_number('weight') ~ " || ' × ' || value_text || ' = ' || " ~ format_number('cast(weight * effective_value * 0.01 as decimal(18, 4))') ~ " end",
                                           "case when full_on_zero then " ~ format_number('score') ~ " when cast(weight * effective_value * 0.01 as decimal(18, 4)) = score then '' when score_rounding = 'floor' and coalesce(score_decimals, 2) = 0 then '，取整得 ' || " ~ format_number('score') ~ " else '，得 ' || " ~ format_number('score') ~ " end",
                                           "' 分'", 'full_text']) }}
                    when 'per_point'
                        then
                        {{ scoring_concat(['sentence',
                                           "case when excess_points = 0 then '，' || " ~ scoring_compare_words('op', 'true') ~ " || ' ' || bound_text || '，得 ' || " ~ format_number('weight') ~ "
                                                 else case when op in ('<', '<=', '≤') then '，超过 ' else '，低于 ' end || bound_text || ' ' || " ~ format_number('excess_points') ~ " || ' 个百分点，每个百分点扣 ' || " ~ format_number('per_point') ~ " || ' 分，得 ' || " ~ format_number('weight') ~ " || ' − ' || " ~ format_number('per_point') ~ " || ' × ' || " ~ format_number('excess_points') ~ " || case when rule_score_raw < 0 then '，扣完为止，得 0' else ' = ' || " ~ format_number('score') ~ " end end",
                                           "' 分'", 'full_text']) }}
                    when 'letter' then
                        {{ scoring_concat(['indicator_name', "'：'", 'years_text', "'；'", 'band_name', "'，评为 '", 'letter']) }}
                end
        end as explanation
    from texts
),

final as (
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
        case
            when status in ('person', 'not_assessable') and rule_type = 'manual' then 'person'
            when status = 'person' then 'person'
            else 'rule'
        end as scored_by,
        status in ('rule', 'person', 'info') as assessable,
        status as scoring_status,
        case when status in ('not_assessable', 'insufficient') then coalesce(blocked_reason, '未提供评价人评分') end
            as not_assessable_reason,
        case when value_status = 'zero_zero' and on_zero_denominator = 'value_zero' then effective_value else value end
            as value,
        unit,
        numerator,
        denominator,
        value_status,
        person_score,
        scorer,
        evidence,
        explanation
    from explained
)

select * from final
