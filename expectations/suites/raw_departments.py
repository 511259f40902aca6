"""raw.departments (部门信息): one row per department in each submission, named and placed in a region."""

from expectations.kinds import INTEGRITY
from expectations.suites._base import Suite, is_true, locator, not_null, zero

SQL = f"""
with d as (select * from raw.departments),
known as (select distinct dept_code from raw.departments)
select
    {locator("d._submission_id", "d.dept_code")},
    d._submission_id as submission_id,
    d.dept_code,
    count(*) - 1 as duplicate_keys,
    count(*) filter (where d.dept_name is null) as null_dept_name,
    count(*) filter (where d.region_code is null) as null_region_code,
    bool_and(d.parent_dept_code is null or d.parent_dept_code in (select dept_code from known)) as parent_known
from d
group by all
"""


def build(ctx):
    return [
        not_null("dept_code", "部门编码不为空"),
        zero("duplicate_keys", "同一提交中部门编码唯一（键 dept_code）"),
        zero("null_dept_name", "部门名称不为空"),
        zero("null_region_code", "区划编码不为空"),
        is_true("parent_known", "上级部门编码（如填写）是已知部门"),
    ]


SUITE = Suite(
    name="raw_departments",
    title="部门信息（原始）",
    kind=INTEGRITY,
    tables=("raw.departments",),
    sql=SQL,
    build=build,
    notes="按提交 × 部门汇总：键唯一、必填列不为空、上级部门已知。",
)
