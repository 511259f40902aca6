"""Issue 11, SQL side: real published tables scored as the document means them.

Raw rows are inserted as the version-2 ingest writes them (tests/fixtures/sql_v2/raw/, see
test_sql_v2_support); every figure below is checked to the cent.

- blank = unknown: a sum that includes a blank amount is unknown, the indicator needing it is not assessable
  and names what is missing; nothing unknown is ever read as 0;
- department totals without lines (T1) and a department-year with only staffing (T2) are scored;
- subtotals reconcile against the lines of their own scope (project, expense type, category);
  其中 rows are never added and are checked against their parent;
- the 三公 vehicle group (公务用车购置及运行费);
- formula variants picked by a framework made of seed rows only (sqlv2_variants), B12 with an original
  budget of 0, a negative derived closing carryover.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal as D

import pytest
from test_sql_v2_support import (
    FRAMEWORK,
    PLANTED_CHECKS,
    ROOT,
    finance,
    findings,
    query,
    scores,
    sql_v2_warehouse,
)


@pytest.fixture(scope="module", autouse=True)
def _built():
    sql_v2_warehouse()


def _score(dept, code, framework="hn_dept_overall", year=2023):
    """(score, assessable, value, not_assessable_reason)"""
    return scores(dept, framework, year)[code][:4]


# ---------------------------------------------------------------------------
# 1. blank = unknown


def test_blank_three_public_budget_b24_not_assessable_next_year_a23_from_actuals():
    # N1 2022: 公务接待费 budget blank → 三公 budget unknown (actual 1,000 + 4,000 = 5,000 known)
    f22 = finance("N1", 2022)
    assert (f22["three_public_budget"], f22["three_public_actual"]) == (None, D("5000.00"))
    _, assessable, value, reason = _score("N1", "B24", year=2022)
    assert (assessable, value) == (False, None)
    assert reason == "缺少“三公”经费预算数（空白表示未知）"
    # N1 2023: A23 from actuals: (5,200 − 5,000) / 5,000 = 4.00% < 10% → 2
    assert _score("N1", "A23") == (D(2), True, D("4.00"), None)
    # and 2023's own budget is known: 5,200 / 8,000 = 65.00% ≤ 100% → 1
    assert _score("N1", "B24") == (D(1), True, D("65.00"), None)


def test_blank_actual_paid_b11_not_assessable_b12_computed():
    # N1 2023: 公用经费 line has no 执行数 (a budget-stage table)
    f = finance("N1")
    assert (f["original_total"], f["adjusted_total"], f["paid_total"]) == (
        D("180000.00"),
        D("185000.00"),
        None,
    )
    assert (f["personnel_paid"], f["public_paid"], f["basic_paid"]) == (D("90000.00"), None, None)
    _, assessable, value, reason = _score("N1", "B11")
    assert (assessable, value, reason) == (
        False,
        None,
        "缺少实际支出（执行数）（台账金额空白，空白表示未知）",
    )
    # B12 = |185,000 − 180,000| / 180,000 = 2.78% < 10% → 2
    assert _score("N1", "B12") == (D(2), True, D("2.78"), None)
    # the closing carryover (Σ adjusted − paid) is unknown too: B21 not assessable, never 0
    assert f["carryover_closing"] is None
    assert _score("N1", "B21")[1:3] == (False, None)


def test_blank_original_budget_b12_not_assessable_b11_computed():
    # N2 2023: the project line has 可用金额 80,000 but a blank 年初预算
    f = finance("N2")
    assert (f["original_total"], f["adjusted_total"], f["paid_total"]) == (
        None,
        D("180000.00"),
        D("171000.00"),
    )
    _, assessable, value, reason = _score("N2", "B12")
    assert (assessable, value, reason) == (False, None, "缺少年初预算（台账金额空白，空白表示未知）")
    # B11 = 171,000 / 180,000 = 95.00% > 90% → 2
    assert _score("N2", "B11") == (D(2), True, D("95.00"), None)


def test_unknown_is_never_scored_as_zero_in_the_marts():
    rows = query(
        """select dept_code, indicator_code, score, assessable from marts.fct_indicator_scores
           where framework_code = 'hn_dept_overall' and fiscal_year = 2023
             and dept_code in ('N1', 'N2') and indicator_code in ('B11', 'B12')"""
    )
    assessable = {(d, c): a for d, c, _, a in rows}
    assert assessable == {
        ("N1", "B11"): False,
        ("N1", "B12"): True,
        ("N2", "B11"): True,
        ("N2", "B12"): False,
    }
    values = query(
        """select dept_code, numerator, denominator, value, missing_inputs from marts.fct_indicator_values
           where framework_code = 'hn_dept_overall' and indicator_code = 'B11' and dept_code = 'N1' and fiscal_year = 2023"""
    )
    assert values == [
        ("N1", None, D("185000.00"), None, "缺少实际支出（执行数）（台账金额空白，空白表示未知）")
    ]

    # N1's project P7 (30,000, 执行数 blank): project_self A1 not assessable, named
    a1 = query(
        """select case when assessable then score end, assessable, not_assessable_reason from marts.fct_indicator_scores
           where dept_code = 'N1' and framework_code = 'project_self' and project_code = 'P7' and indicator_code = 'A1'"""
    )
    assert a1 == [(None, False, "缺少项目实际支出（台账金额空白，空白表示未知）")]


# ---------------------------------------------------------------------------
# 2. department totals without lines; a department-year never vanishes


def test_totals_only_ledger_is_scored_on_its_totals():
    f = finance("T1")
    assert f["ledger_basis"] == "totals" and f["ledger_lines"] == 0
    assert (f["original_total"], f["adjusted_total"], f["paid_total"]) == (
        D("1000000.00"),
        D("1050000.00"),
        D("1000000.00"),
    )
    assert (f["basic_adjusted"], f["project_paid"]) == (D("420000.00"), D("590000.00"))
    assert (f["public_adjusted"], f["public_paid"]) == (None, None)
    # B11 from the 合计 row: 1,000,000 / 1,050,000 = 95.238…% → 95.24% → 2
    assert _score("T1", "B11") == (D(2), True, D("95.24"), None)
    # B12 = 50,000 / 1,000,000 = 5.00% → 2;  B21 = (1,050,000 − 1,000,000) / 1,000,000 = 5.00% → 1
    assert _score("T1", "B12") == (D(2), True, D("5.00"), None)
    assert _score("T1", "B21") == (D(1), True, D("5.00"), None)
    # B23 needs the 公用经费 lines
    _, assessable, _value, reason = _score("T1", "B23")
    assert (assessable, reason) == (
        False,
        "缺少公用经费实际支出、公用经费调整后预算（台账只有合计行，没有预算明细行）",
    )
    # the totals are not contradicted by the absent lines
    assert [f for f in findings("T1") if f[0] == "ledger_subtotal"] == []


def test_totals_only_ledger_checks_its_total_against_the_expense_type_totals():
    # T3: 合计 实际支付 1,000,000 but 基本支出合计 410,000 + 项目支出合计 600,000 = 1,010,000 (error);
    # the other columns add up (1,000,000 = 400,000 + 600,000; 1,050,000 = 420,000 + 630,000)
    assert [f for f in findings("T3") if f[0].startswith("ledger")] == [
        ("ledger_subtotal", "error", "合计：实际支付合计", D(1010000), D(1000000)),
    ]
    # still scored on its 合计 row: 1,000,000 / 1,050,000 = 95.24%
    assert _score("T3", "B11") == (D(2), True, D("95.24"), None)


def _department_frameworks() -> set[str]:
    with (ROOT / "seeds" / "frameworks.csv").open(encoding="utf-8") as fh:
        built_in = {r["framework_code"] for r in csv.DictReader(fh) if r["scope"] == "department"}
    return built_in | {FRAMEWORK}


@pytest.mark.parametrize("dept", ["T1", "T2"])
def test_every_department_year_with_input_has_every_framework(dept):
    got = {
        r[0]
        for r in query(
            "select framework_code from marts.fct_department_scores where dept_code = ? and fiscal_year = 2023",
            [dept],
        )
    }
    assert got == _department_frameworks()
    n = query(
        "select count(*) from marts.fct_indicator_scores where dept_code = ? and fiscal_year = 2023 and framework_code = 'hn_dept_overall'",
        [dept],
    )
    assert n == [(32,)]


def test_staffing_only_department_year():
    # T2 2023: 18 / 20 = 90.00% > 80% → 2;  everything on the ledger: not assessable, named
    assert _score("T2", "A22") == (D(2), True, D("90.00"), None)
    assert _score("T2", "B11")[1:] == (False, None, "缺少预算指标执行台账")
    total = query(
        """select total_score, not_assessable_weight, grade_is_partial from marts.fct_department_scores
           where dept_code = 'T2' and fiscal_year = 2023 and framework_code = 'hn_dept_overall'"""
    )
    assert total == [(D(2), D(98), True)]


def test_a_restated_prior_year_is_not_an_evaluated_year():
    # V2's 2022 is its own submission (evaluated); the 三公 rows alone never create a year
    years = query(
        "select dept_code, fiscal_year from intermediate.int_dept_years where dept_code in ('V2', 'N1') order by 1, 2"
    )
    assert years == [("N1", 2022), ("N1", 2023), ("V2", 2022), ("V2", 2023)]


# ---------------------------------------------------------------------------
# 3. subtotals by scope; 其中 rows


def test_project_subtotals_reconcile_within_their_own_project():
    # D2: 合计 P1 = 100 万元 over P1's line, 合计 P2 = 50 万元 over P2's line: no finding
    assert [f for f in findings("D2") if f[0].startswith("ledger")] == []
    # and the subtotals are never added: 150 万元, not 300
    assert finance("D2")["adjusted_total"] == D("1500000.00")


def test_a_project_subtotal_that_disagrees_with_its_lines():
    # D3: 合计 P1 = 100 万元, P1's line 90 万元: each amount column differs by 100,000 (error)
    got = [f for f in findings("D3") if f[0] == "ledger_subtotal"]
    assert got == [
        ("ledger_subtotal", "error", "合计：原始指标金额", D("900000"), D("1000000")),
        ("ledger_subtotal", "error", "合计：实际指标可用金额", D("900000"), D("1000000")),
        ("ledger_subtotal", "error", "合计：实际支付合计", D("900000"), D("1000000")),
    ]


def test_breakdown_rows_are_never_added_and_checked_against_their_parent():
    f = finance("B1")
    # only the 办公经费 line: 100,000 / 90,000 (the two 其中 rows are not facts)
    assert (f["adjusted_total"], f["paid_total"], f["public_paid"], f["ledger_lines"]) == (
        D("100000.00"), D("90000.00"), D("90000.00"), 1,
    )  # fmt: skip
    assert query("select count(*) from marts.fct_budget_ledger_lines where dept_code = 'B1'") == [(1,)]
    # 其中：公务接待费 paid 120,000 > its parent's 90,000 (error); 其中：印刷费 is within its parent (no finding)
    got = [f for f in findings("B1") if f[0] == "ledger_breakdown"]
    assert got == [("ledger_breakdown", "error", "其中：公务接待费：实际支付合计", D("90000"), D("120000"))]
    msg = query(
        "select message from marts.fct_reconciliation_findings where check_code = 'ledger_breakdown'"
    )[0][0]
    assert (
        msg
        == "台账第 3 行“其中：公务接待费”的实际支付合计 120,000.00 元，超过它细分的第 2 行（基本支出/公用经费/办公经费）90,000.00 元 30,000.00 元"
    )


# ---------------------------------------------------------------------------
# 4. the 三公 vehicle group


def test_vehicle_group_with_parts_is_their_subtotal():
    # V1: 因公出国 10,000/8,000 + parts (购置 20,000/20,000 + 运行维护 30,000/24,000) + 接待 5,000/4,000
    f = finance("V1")
    assert (f["three_public_budget"], f["three_public_actual"]) == (D("65000.00"), D("56000.00"))
    # B24 = 56,000 / 65,000 = 86.15% → 1
    assert _score("V1", "B24") == (D(1), True, D("86.15"), None)
    # the group's 决算数 45,000 vs the parts' 44,000: 1,000 apart (≤ 0.5 万元: info); its 预算数 agrees;
    # the 合计 row (65,000 / 56,000) agrees with the items counted once
    got = [f for f in findings("V1") if f[0].startswith("three_public")]
    assert got == [
        ("three_public_vehicle_group", "info", "公务用车购置及运行费：决算数", D("44000"), D("45000"))
    ]


def test_vehicle_group_without_parts_is_the_vehicle_amount():
    # V2 2023: group 30,000/27,000 + 接待 10,000/9,000 = 40,000 / 36,000 → B24 90.00%
    assert (finance("V2")["three_public_budget"], finance("V2")["three_public_actual"]) == (
        D("40000.00"),
        D("36000.00"),
    )
    assert _score("V2", "B24") == (D(1), True, D("90.00"), None)
    # A23 from the group too: 2022 actual 30,000 + 10,000 = 40,000 → (36,000 − 40,000) / 40,000 = −10.00% → 2
    assert _score("V2", "A23") == (D(2), True, D("-10.00"), None)


# ---------------------------------------------------------------------------
# 5. formula variants (a framework of seed rows only), B12 with original 0, negative derived closing


def test_variant_framework_is_seed_rows_only():
    for folder in ("seeds", "models", "dbt_project/macros"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file() and f.suffix in (".csv", ".sql", ".yml"):
                assert FRAMEWORK not in f.read_text(encoding="utf-8"), f


def test_three_public_change_rate_on_budgets():
    # V2: 2023 budget 40,000 vs 2022 budget 32,000 + 8,000 = 40,000 → 0.00% ≤ 0 → 5
    score, assessable, value, _reason = _score("V2", "V1", FRAMEWORK)
    assert (score, assessable, value) == (D(5), True, D("0.00"))
    assert scores("V2", FRAMEWORK)["V1"][4] == (
        "三公经费变动率（按预算数） = (40,000.00 − 40,000.00) / 40,000.00 × 100% = 0.00%，不超过 0%，得 5 分（满分 5 分）"
    )
    # N1: 2023 budget 8,000, 2022 budget unknown (blank 接待费 budget) → not assessable
    assert _score("N1", "V1", FRAMEWORK)[1:] == (False, None, "缺少上年“三公”经费预算数")


def test_budget_completion_rate_with_opening_carryover():
    # C1: paid 760,000 / (opening 200,000 + adjusted 800,000) = 76.00% < 90% → 0 (the adjusted-only rate is 95.00%)
    assert _score("C1", "V2", FRAMEWORK) == (D(0), True, D("76.00"), None)
    assert scores("C1", FRAMEWORK)["V2"][4] == (
        "预算完成率（含年初结转） = 760,000.00 / (200,000.00 + 800,000.00) × 100% = 76.00%，低于 90%，得 0 分（满分 5 分）"
    )
    assert _score("C1", "B11") == (D(2), True, D("95.00"), None)
    total = query(
        """select total_score, max_score, not_assessable_weight, grade from marts.fct_department_scores
           where dept_code = 'C1' and fiscal_year = 2023 and framework_code = ?""",
        [FRAMEWORK],
    )
    # V1 not assessable (no 三公), V2 0, V3 0.00% → 5, V4 40,000 / 760,000 = 5.26% → 5
    assert total == [(D(10), D(20), D(5), "差")]


def test_b12_with_original_budget_zero_is_not_assessable_with_a_warning():
    # Z1: a budget created during the year: original 0, adjusted 300,000
    for framework, code in (("hn_dept_overall", "B12"), (FRAMEWORK, "V3")):
        _, assessable, value, reason = _score("Z1", code, framework)
        assert (assessable, value, reason) == (
            False,
            None,
            "年初预算为 0（年度中新增的预算），预算调整率无法计算",
        )
    assert ("zero_denominator", "warning", "预算调整率", None, D("300000")) in findings("Z1")


def test_negative_derived_closing_carryover_is_an_overspend_not_a_carryover():
    # O1: adjusted 100,000, paid 130,000, no carryover file → Σ(adjusted − paid) = −30,000
    f = finance("O1")
    assert (f["carryover_closing"], f["carryover_closing_source"]) == (D("-30000.00"), "ledger")
    reason = "台账 Σ(调整后预算 − 实际支出) 为 -30,000.00 元（超支），不是年末结转结余"
    assert _score("O1", "B21")[1] is False and _score("O1", "B21")[3] == reason
    assert _score("O1", "V4", FRAMEWORK)[3] == reason
    got = [f for f in findings("O1") if f[0] == "carryover_overspent"]
    assert got == [
        ("carryover_overspent", "warning", "年末结转结余（台账 Σ(调整后预算 − 实际支出)）", D(0), D("-30000"))
    ]


def test_int_indicator_values_lists_every_formula_model():
    sql = (ROOT / "models" / "intermediate" / "scoring" / "int_indicator_values.sql").read_text(
        encoding="utf-8"
    )
    listed = set(re.findall(r"'(int_formula_[a-z0-9_]+)'", sql))
    with (ROOT / "seeds" / "framework_formulas.csv").open(encoding="utf-8") as fh:
        in_seed = {r["model_name"] for r in csv.DictReader(fh)}
    on_disk = {p.stem for p in (ROOT / "models" / "intermediate" / "formulas").glob("int_formula_*.sql")}
    assert listed == on_disk
    assert in_seed == on_disk


def test_planted_checks_are_found():
    found = {r[0] for r in query("select distinct check_code from marts.fct_reconciliation_findings")}
    assert found >= PLANTED_CHECKS


# ---------------------------------------------------------------------------
# 7. department attributes by year


def test_a_later_loaded_older_year_does_not_rename_the_department():
    # R1: the 2023 submission (新名称局) was loaded first, the 2022 one (旧名称局, another region) after it
    years = query(
        """select fiscal_year, dept_name, region_code, region_name, sector, attributes_source
           from marts.dim_department_year where dept_code = 'R1' order by fiscal_year"""
    )
    assert years == [
        (2022, "旧名称局", "430400", "湖南省衡阳市", "社会事务", "own_submission"),
        (2023, "新名称局", "430406", "湖南省衡阳市雁峰区", "民政", "own_submission"),
    ]
    dim = query(
        """select dept_name, region_code, sector, first_fiscal_year, last_fiscal_year, fiscal_years
           from marts.dim_department where dept_code = 'R1'"""
    )
    assert dim == [("新名称局", "430406", "民政", 2022, 2023, 2)]
    # a department-year without a departments row of its own: the current version (T1 has its own)
    assert query(
        "select count(*) from marts.dim_department_year where attributes_source <> 'own_submission'"
    ) == [(0,)]


# ---------------------------------------------------------------------------
# 6. reported results: project scores, 基本支出预算 / 项目支出预算


def _reported(dept):
    return [f for f in findings(dept) if f[0].startswith("reported")]


def test_reported_project_scores_are_checked_against_the_project_scores():
    # Z1 P1: A1 = 280,000 / 300,000 = 93.33% → 10 × 93.33% = 9.33 (claimed 93.33 / 9.33: right);
    # the claimed project total 9.5 is not the 9.33 its indicators add up to
    assert query(
        "select total_score from marts.fct_project_scores where dept_code = 'Z1' and project_code = 'P1'"
    ) == [(D("9.33"),)]
    assert _reported("Z1") == [("reported_total", "error", "项目 P1 总分", D("9.33"), D("9.5"))]
    msg, project = query(
        "select message, project_code from marts.fct_reconciliation_findings where dept_code = 'Z1' and check_code = 'reported_total'"
    )[0]
    assert (msg, project) == ("报告项目 P1 总分 9.5 分，按各指标得分计算为 9.33 分（差）", "P1")
    # N2 P9: 76,000 / 80,000 = 95.00% → 9.5; the self-evaluation claims 10 points (its value 95 is right)
    assert _reported("N2") == [("reported_score", "error", "项目 P9 A1 预算执行率", D("9.5"), D(10))]


def test_reported_expense_type_budgets_are_the_original_budgets():
    # T1 (totals only): 基本支出合计 年初 400,000 (claim right); 项目支出合计 年初 600,000, claimed 650,000
    assert _reported("T1") == [("reported_ledger", "error", "项目支出预算", D("600000"), D("650000"))]
    # N1: 基本支出 年初 100,000 + 50,000 = 150,000, claimed 150,000 (its 执行数 being blank does not matter)
    assert _reported("N1") == []


# ---------------------------------------------------------------------------
# targets: 定性 completion as the ingest read it (actual_met)


def test_qualitative_targets_use_actual_met():
    got = query(
        """select indicator_name, met, completion_ratio from intermediate.int_target_attainment
           where dept_code = 'D3' order by target_id"""
    )
    # 达成预期指标 (not the target's own words) is met; ≥50个 with 40 done: 0.8; 部分达成 is not met
    assert got == [("验收合格", True, D(1)), ("培训人次", False, D("0.8")), ("按期完成", False, D(0))]
    # project_self B1 (产出): Σ(20 × 1 + 20 × 0.8 + 10 × 0) / 50 = 72.00% → 50 × 72.00% = 36
    b1 = query(
        """select score, value from marts.fct_indicator_scores
           where dept_code = 'D3' and framework_code = 'project_self' and project_code = 'P1' and indicator_code = 'B1'"""
    )
    assert b1 == [(D(36), D("72.00"))]
    assert query(
        "select total_score from marts.fct_project_scores where dept_code = 'D3' and project_code = 'P1'"
    ) == [(D(46),)]


def test_vehicle_group_with_only_one_part_is_the_vehicle_amount():
    # V3: the group 60,000 / 56,000 with only 其中 购置费 20,000 / 15,000: the part is inside the group
    # → 10,000 + 60,000 + 10,000 = 80,000 budget, 0 + 56,000 + 15,000 = 71,000 actual → 88.75%; nothing contradicts
    assert (finance("V3")["three_public_budget"], finance("V3")["three_public_actual"]) == (
        D("80000.00"),
        D("71000.00"),
    )
    assert _score("V3", "B24") == (D(1), True, D("88.75"), None)
    assert [f for f in findings("V3") if f[0].startswith("three_public")] == []


def test_a_project_printed_only_as_its_total_is_a_budget_line():
    # PT: 人员经费 100,000 / 100,000 / 98,000 and project PT2 only as its 年度资金总额 500,000 / 600,000 / 573,000
    f = finance("PT")
    assert (f["original_total"], f["adjusted_total"], f["paid_total"]) == (
        D("600000.00"),
        D("700000.00"),
        D("671000.00"),
    )
    # B11 = 671,000 / 700,000 = 95.857…% → 95.86%;  B12 = 100,000 / 600,000 = 16.67% → 0
    assert _score("PT", "B11") == (D(2), True, D("95.86"), None)
    assert _score("PT", "B12") == (D(0), True, D("16.67"), None)
    # project_self A1 for PT2: 573,000 / 600,000 = 95.50% → 10 × 95.50% = 9.55
    a1 = query(
        """select score, value from marts.fct_indicator_scores
           where dept_code = 'PT' and framework_code = 'project_self' and project_code = 'PT2' and indicator_code = 'A1'"""
    )
    assert a1 == [(D("9.55"), D("95.50"))]
    # the line keeps its source row; the department 合计 (600,000 / 700,000 / 671,000) covers it: no finding
    assert query("select source_row, is_project_total from marts.fct_budget_ledger_lines where dept_code = 'PT' order by 1") == [
        (2, False), (3, True),
    ]  # fmt: skip
    assert [f for f in findings("PT") if f[0].startswith("ledger")] == []
