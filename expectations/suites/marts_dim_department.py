"""marts.dim_department: one row per department (10,000 rows at province scale: pulled as is)."""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, is_true, not_null, unique_together

SQL = """
select
    d.dept_code as locator,
    d.dept_code,
    d.dept_name,
    d.region_code,
    d.parent_dept_code is null
        or d.parent_dept_code in (select dept_code from marts.dim_department) as parent_known
from marts.dim_department as d
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        unique_together(["dept_code"], "部门编码唯一（每个部门一行）"),
        not_null("dept_name", "部门名称不为空"),
        not_null("region_code", "区划编码不为空"),
        is_true("parent_known", "上级部门编码（如有）也是维表中的部门"),
    ]


SUITE = Suite(
    name="marts_dim_department",
    title="部门维表",
    kind=INTEGRITY,
    tables=("marts.dim_department",),
    sql=SQL,
    build=build,
    notes="每个部门一行；上级部门可追溯。",
)
