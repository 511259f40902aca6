{#- The explanation (说明) of an indicator score: the sentence an evaluation report prints, with the real
    numbers (warehouse-tables.md, fct_indicator_scores.explanation). Two CTEs, `texts` and `explained`, over
    `source`: a relation with the columns int_indicator_scores's `scored` step has (value = the formula's
    value before the zero-denominator rule, status = scoring status, …). int_indicator_scores (the unit
    tests' model) and marts.fct_indicator_scores (a view over the compact table
    int_indicator_scores_compact, so the sentence is formatted where it is read instead of stored for every
    department-year) both call it, so the two cannot drift apart. Portable SQL: every DuckDB-specific piece
    is one of the dispatched macros (format_number, format_percent, scoring_concat, scoring_compare_words). -#}
{% macro indicator_explanation_ctes(source) -%}
texts as (
    select
        {{ source }}.*,
        case
            when {{ source }}.weight < 0
                then {{ dbt.concat(["'（最多扣 '", format_number('-weight'), "' 分）'"]) }}
            else {{ dbt.concat(["'（满分 '", format_number('weight'), "' 分）'"]) }}
        end as full_text,
        case
            when {{ source }}.unit = '%' then {{ format_percent('effective_value') }}
            else {{ dbt.concat([format_number('effective_value'), "' '", 'unit']) }}
        end as value_text,
        case
            when {{ source }}.unit = '%' then {{ dbt.concat([format_number('bound'), "'%'"]) }}
            else {{ dbt.concat([format_number('bound'), "' '", 'coalesce(unit, \'\')']) }}
        end as bound_text,
        case
            when {{ source }}.value_status = 'zero_zero'
                then
                {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "'，分子分母均为 0'",
                                   "case when on_zero_denominator = 'value_zero' then '，按 0.00% 计' end"]) }}
            when {{ source }}.value_status = 'infinite'
                then
                    {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "'，分母为 0，比率视为无穷大'"]) }}
            when {{ source }}.unit = '%'
                then
                    {{ scoring_concat(['indicator_name', "' = '", 'calc_text', "' = '", format_percent('value')]) }}
            else {{ scoring_concat(['indicator_name', "'：'", 'inputs']) }}
        end as sentence
    from {{ source }}
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
)
{%- endmacro %}
