"""What reconciliation found: every `error` finding is one a bureau expected (never blocks a build).

"Expected" is an allow-list, expectations/expected_findings.csv: dept_code, fiscal_year, framework_code,
check_code, item, reason — an empty cell matches anything. An analyst who has looked at an error finding
and accepts it (e.g. the worked example, whose evaluation report contradicts its own rules) adds a
line with the reason; every other error finding makes this suite fail, in the summary, in Data Docs and
in audit.check_runs. Warnings and info findings are reported (counts in the summary), not expected away.
"""

from pathlib import Path

from expectations.kinds import FINDINGS
from expectations.suites._base import Suite, is_true, locator

ALLOW_LIST = Path(__file__).resolve().parents[1] / "expected_findings.csv"
TABLE = "marts.fct_reconciliation_findings"


def sql(ctx):
    path = str(ALLOW_LIST).replace("'", "''")
    return f"""
with f as (select * from {TABLE} where severity = 'error'),
expected as (
    select
        coalesce(trim(dept_code), '') as dept_code,
        coalesce(trim(fiscal_year), '') as fiscal_year,
        coalesce(trim(framework_code), '') as framework_code,
        coalesce(trim(check_code), '') as check_code,
        coalesce(trim(item), '') as item
    from read_csv('{path}', header = true, all_varchar = true)
)
select
    {locator("f.dept_code", "f.fiscal_year", "f.framework_code", "f.check_code", "f.item")},
    f.dept_code,
    f.fiscal_year,
    f.framework_code,
    f.check_code,
    f.item,
    cast(f.expected as varchar) as expected,
    cast(f.actual as varchar) as actual,
    f.message,
    exists (
        select 1 from expected as e
        where (e.dept_code = '' or e.dept_code = f.dept_code)
          and (e.fiscal_year = '' or e.fiscal_year = cast(f.fiscal_year as varchar))
          and (e.framework_code = '' or e.framework_code = coalesce(f.framework_code, ''))
          and (e.check_code = '' or e.check_code = f.check_code)
          and (e.item = '' or e.item = f.item)
    ) as acknowledged
from f
"""


def build(ctx):
    return [
        is_true(
            "acknowledged",
            "error 级核对发现都在预期清单 expectations/expected_findings.csv 中（未列入的即为新发现的错误）",
        ),
    ]


SUITE = Suite(
    name="findings_review",
    title="核对发现：error 级是否都在预期之中",
    kind=FINDINGS,
    tables=(TABLE,),
    sql=sql,
    build=build,
    notes="核对发现是结果，不是故障：本套件只报告，不会使构建失败。预期清单见 expectations/expected_findings.csv（空单元格匹配任意值）。",
)
