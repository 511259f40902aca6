"""Issue 11, SQL side, through the real pipeline: a printed ledger with a blank 执行数 and 其中 rows
(tests/fixtures/sql_v2/submissions/blank_paid) read by the version-2 ingest and scored.

Rows: 人员经费 100,000 / 100,000 / 90,000; 公用经费 办公经费 50,000 / 50,000 / blank;
其中：差旅费 5,000 / 5,000 / 3,000 (of 办公经费); 公用经费 印刷费 10,000 / 10,000 / 8,000;
其中：印刷品 12,000 / 12,000 / 9,000 (of 印刷费: more than its parent); 基本支出合计 160,000 / 160,000 / blank.
"""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from conftest import build_warehouse, query

SUBMISSION = Path(__file__).parent / "fixtures" / "sql_v2" / "submissions" / "blank_paid"


@pytest.fixture(scope="module")
def wh(tmp_path_factory) -> Path:
    w = tmp_path_factory.mktemp("sqlv2-pipeline") / "jixiao.duckdb"
    res = build_warehouse(w, SUBMISSION, run_checks=False)
    assert res.swapped and not res.refused, [str(i) for o in res.outcomes for i in o.issues]
    return w


def test_blank_paid_through_the_pipeline(wh):
    got = query(
        wh,
        """select indicator_code, case when assessable then score end, assessable, value, not_assessable_reason
           from marts.fct_indicator_scores
           where framework_code = 'hn_dept_overall' and indicator_code in ('B11', 'B12', 'B23') order by 1""",
    )
    assert got == [
        ("B11", None, False, None, "缺少实际支出（执行数）（台账金额空白，空白表示未知）"),
        ("B12", D(2), True, D("0.00"), None),  # 0 / 160,000
        ("B23", None, False, None, "缺少公用经费实际支出（台账金额空白，空白表示未知）"),
    ]
    # the 其中 rows are not facts: 160,000 of budget (not 177,000)
    assert query(wh, "select original_total, paid_total from intermediate.int_dept_year_finance") == [
        (D("160000.00"), None)
    ]


def test_breakdowns_and_subtotals_through_the_pipeline(wh):
    got = query(
        wh,
        """select check_code, severity, item, expected, actual from marts.fct_reconciliation_findings
           where check_code like 'ledger%' order by item""",
    )
    # 其中：印刷品 exceeds 印刷费 by 2,000 (≤ 0.5 万元: info); 其中：差旅费 is within 办公经费 (paid unknown: not compared);
    # the 基本支出合计 equals its lines (its blank 实际支付 is not compared)
    assert got == [
        ("ledger_breakdown", "info", "其中：印刷品：原始指标金额", D(10000), D(12000)),
        ("ledger_breakdown", "info", "其中：印刷品：实际指标可用金额", D(10000), D(12000)),
        ("ledger_breakdown", "info", "其中：印刷品：实际支付合计", D(8000), D(9000)),
    ]


def test_the_checks_accept_blank_amounts(tmp_path):
    res = build_warehouse(tmp_path / "jixiao.duckdb", SUBMISSION)
    assert res.swapped
