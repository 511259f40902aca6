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


def _blank(path: Path, row: int, column: str) -> None:
    """Blank one cell of a CSV (row 1 = the first data row), leaving every other byte of the file as it was."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    col = rows[0].index(column)
    assert rows[row][col] != "", (path.name, row, column)
    rows[row][col] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_blank_amounts_and_counts_of_every_template_load_and_pass_the_checks(tmp_path, sample_copy):
    """Blank means unknown in every amount or count column, not only the ledger's (spec input-templates.md,
    "Amounts"): the submission loads, the integrity checks accept it (they used to fail the whole build on
    年初结转结余 / 实有在职人数 / 决算数 / 数值 / 人数 left blank), and what needs the figure is not assessable."""
    blanks = {"carryover.csv": "年初结转结余", "facts.csv": "value", "survey_responses.csv": "人数"}
    for name, column in blanks.items():
        _blank(sample_copy / name, 1, column)
    # two staff types, one count blank: the total is unknown, not 28 (a sum that skipped the blank)
    (sample_copy / "staffing.csv").write_text(
        "部门编码,年度,编制类型,编制数,实有在职人数\n430406-hrss,2023,行政编制,30,28\n430406-hrss,2023,事业编制,12,\n",
        encoding="utf-8",
    )
    three_public = sample_copy / "three_public.csv"
    row_2023 = next(
        i for i, line in enumerate(three_public.read_text(encoding="utf-8").splitlines()) if ",2023," in line
    )
    _blank(three_public, row_2023, "决算数")
    res = build_warehouse(tmp_path / "jixiao.duckdb", sample_copy)
    assert res.swapped and not res.refused, [str(i) for o in res.outcomes for i in o.issues]
    assert res.checks.integrity_success
    got = query(
        tmp_path / "jixiao.duckdb",
        """select indicator_code, score, not_assessable_reason from marts.fct_indicator_scores
           where framework_code = 'hn_dept_overall' and fiscal_year = 2023 and not assessable order by 1""",
    )
    assert got == [
        ("A22", None, "缺少实有在职人数（人员编制表中有空白，空白表示未知）"),
        ("A23", None, "缺少本年“三公”经费数据"),
        (
            "A24",
            None,
            "缺少重点支出安排数（其他基础数据中的“重点支出(重点项目)安排数”，或台账的“是否重点项目”标记）",
        ),
        ("B22", None, "缺少年初结转结余数据"),
        ("B24", None, "缺少“三公”经费决算数（空白表示未知）"),
        ("D2", None, "满意度调查有人数空白（空白表示未知）"),
    ]
    assert query(
        tmp_path / "jixiao.duckdb",
        "select staff_authorized, staff_actual from intermediate.int_dept_year_finance where fiscal_year = 2023",
    ) == [(42, None)]
