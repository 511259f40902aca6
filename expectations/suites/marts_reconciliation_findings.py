"""marts.fct_reconciliation_findings as a table: well-formed findings (what they say is the findings suite's).

One frame row per framework × check × severity with counts computed in SQL. These are integrity rules
(severity from the list, checks from the catalogue, difference = actual − expected, located in a known
department): a failure is a broken model, not a finding.
"""

from expectations.kinds import INTEGRITY
from expectations.suites._base import (
    AMOUNT_TOLERANCE,
    Suite,
    between,
    in_set,
    is_true,
    locator,
    zero,
)

TABLE = "marts.fct_reconciliation_findings"

SQL = f"""
with f as (select * from {TABLE}),
checks as (select check_code from marts.dim_reconciliation_check),
departments as (select dept_code from marts.dim_department)
select
    {locator("f.framework_code", "f.check_code", "f.severity")},
    f.framework_code,
    f.check_code,
    f.severity,
    count(*) as findings,
    bool_and(f.check_code in (select check_code from checks)) as known_check,
    count(*) - count(f.dept_code) as null_dept_code,
    count(*) - count(f.fiscal_year) as null_fiscal_year,
    count(*) - count(f.item) as null_item,
    count(*) - count(f.message) as null_message,
    count(*) filter (where f.dept_code not in (select dept_code from departments)) as unknown_departments,
    coalesce(cast(max(abs(f.difference - (f.actual - f.expected))) as double), 0) as max_difference_error
from f
group by all
"""


def build(ctx):
    return [
        in_set("severity", ["error", "warning", "info"], "严重程度为 error / warning / info"),
        is_true("known_check", "检查编码在检查目录中（seeds/reconciliation_checks.csv）"),
        zero("null_dept_code", "每条发现都有部门编码"),
        zero("null_fiscal_year", "每条发现都有年度"),
        zero("null_item", "每条发现都写明核对对象（item）"),
        zero("null_message", "每条发现都有中文说明（message）"),
        zero("unknown_departments", "发现所属部门在部门维表中"),
        between("max_difference_error", 0, AMOUNT_TOLERANCE, "差额 = actual − expected（三者都有值时）"),
    ]


SUITE = Suite(
    department_column=None,  # the frame has no dept_code column
    name="marts_reconciliation_findings",
    title="核对发现表的完整性",
    kind=INTEGRITY,
    tables=(TABLE, "marts.dim_reconciliation_check", "marts.dim_department"),
    sql=SQL,
    build=build,
    notes="按 评价体系 × 检查 × 严重程度 汇总：发现是否写得完整、合法。发现本身（数据中的不一致）见 findings_review，不影响构建。",
)
