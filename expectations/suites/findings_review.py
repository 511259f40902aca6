"""What reconciliation found: has an analyst dealt with every `error` finding (never blocks a build)?

A finding is dealt with when it has an acknowledgement in ``audit.finding_acks`` (确认无误 / 已整改 /
待整改, with a note, who and when), keyed by the finding's stable ``finding_id``: ``jixiao ack`` or the
核对发现处理 page (app/workflow/acks.py). Every other error finding makes this suite fail, in the summary,
in Data Docs and in audit.check_runs. Warnings and info findings are reported (counts in the summary).
The acknowledgements live in the warehouse, not in the repository; the bundled sample's known findings
are seeded from ingest/sample/acknowledged_findings.csv (app/workflow/hooks.py).
"""

from expectations.kinds import FINDINGS
from expectations.suites._base import Suite, is_true, locator

TABLE = "marts.fct_reconciliation_findings"


def sql(ctx):
    return f"""
with f as (select * from {TABLE} where severity = 'error')
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
    exists (select 1 from audit.finding_acks as a where a.finding_id = f.finding_id) as acknowledged
from f
"""


def build(ctx):
    return [
        is_true(
            "acknowledged",
            "error 级核对发现都已处理（确认无误、已整改或待整改；jixiao ack 或看板“核对发现处理”页），未处理的即为新发现的错误",
        ),
    ]


SUITE = Suite(
    name="findings_review",
    title="核对发现：error 级是否都已处理",
    kind=FINDINGS,
    tables=(TABLE, "audit.finding_acks"),
    sql=sql,
    build=build,
    notes="核对发现是结果，不是故障：本套件只报告，不会使构建失败。处理记录保存在仓库的 audit.finding_acks（jixiao ack 或看板“核对发现处理”页），按发现编号在重新构建后保留。",
)
