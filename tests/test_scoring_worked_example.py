"""The worked example (shared/spec/frameworks.md): 雁峰区人力资源和社会保障局 2023, hn_dept_overall.

The sample ingest/sample/yanfeng-2023 is loaded with the other scoring fixtures (their department codes
differ) and `dbt build` runs once for the session (see test_scoring_support).
"""

from __future__ import annotations

import pytest
from test_scoring_support import D, department_score, level1, query, scores, scoring_warehouse

DEPT = "430406-hrss"
FW = "hn_dept_overall"


@pytest.fixture(scope="module")
def wh():
    return scoring_warehouse()


@pytest.fixture(scope="module")
def hn(wh):
    return scores(wh, DEPT, FW)


@pytest.mark.parametrize(
    "code, value, score",
    [
        ("A22", "95.24", 2),  # 40 / 42 = 95.238…% → 95.24% > 80% (the report truncates to 95.23%)
        ("A23", "0.00", 2),  # (0 − 0) / 0: 0/0 counts as 0% < 10%
        ("A24", "99.04", 2),  # 84,648,906.36 / 85,467,109.06
        ("B11", "99.08", 2),  # 88,044,648.36 / 88,862,851.06 > 90%
        ("B12", "2.39", 2),  # 2,178,460.00 / 91,041,311.06 < 10%
        ("B21", "0.93", 1),  # 818,202.70 / 88,044,648.36 < 10%
        (
            "B22",
            "-5.01",
            1,
        ),  # (818,202.70 − 861,366.81) / 861,366.81 < 10% (the report gives 0: contradicts its rule)
        ("B23", "100.00", 1),  # 242,000.00 / 242,000.00 > 90%
        ("D2", "81.25", 3),  # 39 / 48 → 4 × 81.25% = 3.25 → whole points 3
    ],
)
def test_computed_indicators(hn, code, value, score):
    s, assessable, scored_by, v, _, _ = hn[code]
    assert (v, s, assessable, scored_by) == (D(value), D(score), True, "rule")


def test_three_public_control_zero_over_zero_is_full_marks(hn):
    s, assessable, scored_by, v, explanation, _ = hn["B24"]
    assert (s, assessable, scored_by, v) == (D(1), True, "rule", None)
    assert "分子分母均为 0" in explanation and "得 1 分（满分 1 分）" in explanation


def test_b11_explanation_reads_like_the_report(hn):
    explanation = hn["B11"][4]
    assert (
        explanation
        == "预算完成率 = 88,044,648.36 / 88,862,851.06 × 100% = 99.08%，大于 90%，得 2 分（满分 2 分）"
    )


def test_b11_numerator_and_denominator_to_the_cent(wh):
    rows = query(
        wh,
        """select numerator, denominator, value, assessable from marts.fct_indicator_values
           where dept_code = ? and framework_code = ? and indicator_code = 'B11' and fiscal_year = 2023""",
        [DEPT, FW],
    )
    assert rows == [(D("88044648.36"), D("88862851.06"), D("99.08"), True)]


@pytest.mark.parametrize("code", ["B25", "B43"])
def test_missing_facts_fall_back_to_the_evaluators_score(hn, code):
    # no procurement / fixed-asset facts in the sample: the evaluator's 1 point, with the evidence
    s, assessable, scored_by, v, explanation, _ = hn[code]
    assert (s, assessable, scored_by, v) == (D(1), True, "person", None)
    assert explanation.startswith("缺少") and "由评价人评分：得 1 分（满分 1 分）。依据：" in explanation


def test_manual_explanation(hn):
    assert hn["A21"][4] == "评价人评分：得 2 分（满分 3 分）。依据：项目支出未有细化的工作计划及预算"


def test_level1_subtotals(wh):
    # A 投入 14 (the report's table says 15, its text 14), B 过程 27, C 产出 34, D 效果 15
    assert level1(wh, DEPT, FW) == {
        "A": (D(14), None),
        "B": (D(27), None),
        "C": (D(34), None),
        "D": (D(15), None),
    }


def test_total_and_grade(wh):
    # 90 with B22 scored by its own rule (the report: 89, 良)
    got = department_score(wh, DEPT, FW)
    assert got["total_score"] == D(90)
    assert got["max_score"] == D(100)
    assert got["normalized_score"] == D(90)
    assert got["grade"] == "优"
    assert got["not_assessable_weight"] == D(0)


def test_every_indicator_scored(hn):
    assert len(hn) == 32  # 29 third-level indicators in the source + C2, C3, C4 standing alone
    assert all(row[1] for row in hn.values()), [k for k, row in hn.items() if not row[1]]


def test_budget_execution_totals(wh):
    rows = query(
        wh,
        """select expense_type, category, original_budget, adjusted_budget, actual_paid, balance
           from marts.fct_budget_execution where dept_code = ? and fiscal_year = 2023""",
        [DEPT],
    )
    by = {(r[0], r[1]): r[2:] for r in rows}
    total = [sum(r[i] for r in by.values()) for i in range(4)]
    assert total[:3] == [D("91041311.06"), D("88862851.06"), D("88044648.36")]
    assert total[3] == D("818202.70")  # 年末结转结余 = Σ(adjusted − paid)

    def paid(*keys):
        return sum(v[2] for k, v in by.items() if k in keys)

    assert paid(("基本支出", "人员经费"), ("基本支出", "公用经费")) == D("3395742.00")
    assert paid(("基本支出", "人员经费")) == D("3153742.00")
    assert paid(("基本支出", "公用经费")) == D("242000.00")
    assert paid(("项目支出", "其他运转类"), ("项目支出", "特定目标类")) == D("84648906.36")
    assert paid(("项目支出", "其他运转类")) == D("4596539.19")
    assert paid(("项目支出", "特定目标类")) == D("80052367.17")


def test_closing_carryover(wh):
    rows = query(
        wh,
        "select carryover_closing, carryover_closing_source from intermediate.int_dept_year_finance where dept_code = ?",
        [DEPT],
    )
    assert rows == [(D("818202.70"), "ledger")]


def test_dim_department(wh):
    rows = query(
        wh,
        "select dept_name, region_code, region_name, parent_dept_code from marts.dim_department where dept_code = ?",
        [DEPT],
    )
    assert rows == [("雁峰区人力资源和社会保障局", "430406", "湖南省衡阳市雁峰区", None)]
