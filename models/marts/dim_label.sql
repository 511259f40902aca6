-- 代码的中文名称（公共表）：看板、评价报告和下载的表格显示代码（error、not_assessable、threshold……）时都从这里取名称，
-- 一处定义，一种写法（不可评价的指标处处写作“不可评价”）。kind 为代码的种类，sort_order 为列出的顺序。
with labels (kind, code, label, sort_order) as (
    values
    ('severity', 'error', '错误', 1),
    ('severity', 'warning', '警告', 2),
    ('severity', 'info', '提示', 3),
    ('scored_by', 'rule', '按规则', 1),
    ('scored_by', 'person', '评价人', 2),
    ('scoring_status', 'rule', '按规则计分', 1),
    ('scoring_status', 'person', '评价人评分', 2),
    ('scoring_status', 'not_assessable', '不可评价', 3),
    ('scoring_status', 'insufficient', '信息不足', 4),
    ('scoring_status', 'info', '参考值（不计分）', 5),
    ('rule_type', 'threshold', '达标得分', 1),
    ('rule_type', 'bands', '分档计分', 2),
    ('rule_type', 'proportional', '按比例计分', 3),
    ('rule_type', 'count_share', '按达标个数比例', 4),
    ('rule_type', 'deduction', '扣分', 5),
    ('rule_type', 'manual', '评价人评分', 6),
    ('rule_type', 'survey', '满意度调查', 7),
    ('rule_type', 'per_point', '超出按点扣分', 8),
    ('rule_type', 'letter', '等级（A–D）', 9),
    ('rule_type', 'info', '参考（不计分）', 10),
    ('check_category', 'ledger_arithmetic', '台账算术', 1),
    ('check_category', 'identity', '恒等关系', 2),
    ('check_category', 'continuity', '跨年连续性', 3),
    ('check_category', 'verification', '核实类', 4),
    ('check_category', 'reported', '报告数与计算数', 5),
    ('op', '>', '大于', 1),
    ('op', '>=', '不低于', 2),
    ('op', '<', '小于', 3),
    ('op', '<=', '不超过', 4),
    ('op', '=', '等于', 5),
    -- the input templates (ingest/templates.py), in the template's order: 报送情况 (fct_submission_coverage)
    ('template', 'departments', '部门信息', 1),
    ('template', 'budget_ledger', '预算指标执行台账', 2),
    ('template', 'carryover', '结转结余', 3),
    ('template', 'three_public', '“三公”经费', 4),
    ('template', 'staffing', '人员编制', 5),
    ('template', 'monthly_execution', '月度支出进度', 6),
    ('template', 'performance_targets', '绩效目标及完成值', 7),
    ('template', 'facts', '其他基础数据', 8),
    ('template', 'qualitative_scores', '定性指标评分', 9),
    ('template', 'survey_responses', '满意度调查', 10),
    ('template', 'reported_results', '报告值', 11),
    ('submission_status', 'complete', '已报送', 1),
    ('submission_status', 'incomplete', '缺少必需模板', 2),
    ('submission_status', 'missing', '未报送', 3)
),

final as (
    select
        cast(kind as {{ dbt.type_string() }}) as kind,
        cast(code as {{ dbt.type_string() }}) as code,
        cast(label as {{ dbt.type_string() }}) as label,
        cast(sort_order as integer) as sort_order
    from labels
)

select * from final
