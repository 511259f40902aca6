"""raw.performance_targets (绩效目标及完成值): scope, level-1 and level-2 from their lists, keys unique."""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    Suite,
    between,
    duplicate_keys,
    fiscal_year_in_range,
    in_set,
    locator,
    not_null,
    zero,
)
from ingest import templates as T

_TEMPLATE = T.TEMPLATES["performance_targets"]

SQL = f"""
select
    {locator("_submission_id", "dept_code", "fiscal_year", "scope", "level1", "level2")},
    _submission_id as submission_id,
    dept_code,
    fiscal_year,
    scope,
    level1,
    level2,
    {duplicate_keys("project_code", "indicator_name")} as duplicate_keys,
    count(*) - count(indicator_name) as null_indicator_name,
    count(*) - count(direction) as null_direction,
    cast(min(weight) as double) as min_weight,
    cast(min(self_score) as double) as min_self_score
from raw.performance_targets
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        fiscal_year_in_range(),
        in_set("scope", _TEMPLATE.column("scope").choices, "范围为 部门整体 / 项目"),
        in_set("level1", _TEMPLATE.column("level1").choices, "一级指标为 产出 / 效益 / 满意度 / 成本"),
        in_set("level2", _TEMPLATE.column("level2").choices, "二级指标在模板列出的范围内"),
        zero(
            "duplicate_keys",
            "键唯一（dept_code, fiscal_year, scope, project_code, level1, level2, indicator_name）",
        ),
        zero("null_indicator_name", "三级指标名称不为空"),
        zero("null_direction", "方向不为空"),
        between("min_weight", 0, None, "分值（如填写）非负"),
        between("min_self_score", 0, None, "自评得分（如填写）非负"),
    ]


SUITE = Suite(
    name="raw_performance_targets",
    title="绩效目标及完成值（原始）",
    kind=INTEGRITY,
    tables=("raw.performance_targets",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门 × 年度 × 范围 × 一级指标 × 二级指标汇总。",
)
