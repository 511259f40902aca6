"""Every other framework scores a fixture of its own (tests/fixtures/scoring/<framework>/).

Expected values are worked out by hand below, next to each assertion: rates as percentages rounded to
two decimals half-up before they are compared or multiplied, scores rounded by the indicator's
score_decimals (2, half-up, unless the seed says otherwise).
"""

from __future__ import annotations

import pytest
from test_scoring_support import D, department_score, level1, query, scores, scoring_warehouse


@pytest.fixture(scope="module")
def wh():
    return scoring_warehouse()


def check(got: dict, expected: dict[str, tuple]):
    """expected: code -> (value or None, score, scored_by)."""
    for code, (value, score, scored_by) in expected.items():
        s, assessable, by, v, explanation, _ = got[code]
        assert (v, s, by, assessable) == (None if value is None else D(value), D(score), scored_by, True), (
            code,
            explanation,
        )


# ---------------------------------------------------------------------------------------------------
# sc_county_self — dept sc-rsj 2023
#
# ledger (original / adjusted / paid):
#   基本 人员经费 工资福利            1,000,000 / 1,000,000 / 1,000,000
#   基本 公用经费 办公费                200,000 /   200,000 /   150,000
#   基本 公用经费 电费                   50,000 /    50,000 /    50,000
#   项目 P001 办公费                    100,000 /   100,000 /    95,000
#   项目 P001 印刷费                     20,000 /    20,000 /    20,000
#   项目 P002 对个人和家庭的补助      2,000,000 / 2,000,000 / 1,900,000
#   项目 P003 其他商品和服务支出        500,000 /   400,000 /   300,000
#   项目 P004 委托业务费                300,000 /   300,000 /   270,000
#   adjusted total 4,070,000
# ---------------------------------------------------------------------------------------------------


def test_sc_county_self(wh):
    got = scores(wh, "sc-rsj", "sc_county_self")
    check(
        got,
        {
            # S03: 部门整体 数量 targets: 958/900 (+6.44%) ✓, 2700/2000 (+35% > 30%) ✗, 224/220 ✓, 95/100 ✗,
            #      130/100 (+30.00%, not more than 30%) ✓ → 3 / 5 = 60.00% → 10 × 3/5 = 6
            "S03": ("60.00", 6, "rule"),
            # S04: project 数量 targets: 25/20 (+25%) ✓, 5112/5000 ✓, 9/10 ✗, ≤10 actual 8 (20% under) ✓ → 3/4 → 7.5
            "S04": ("75.00", "7.5", "rule"),
            # S05: 公用经费 250,000 → 200,000 plus project 办公费 100,000 → 95,000 and 印刷费 20,000 → 20,000:
            #      |315,000 − 370,000| / 370,000 = 14.8648…% → 14.86%, in (10%, 20%] → 5
            "S05": ("14.86", 5, "rule"),
            # S06: (4 − 1) / 4 = 75.00% → 5 × 3/4 = 3.75
            "S06": ("75.00", "3.75", "rule"),
            # S08: balance rates P001 5,000/120,000 = 4.17% ✓, P002 5.00% ✓, P003 100,000/400,000 = 25% ✗,
            #      P004 30,000/300,000 = 10.00% (not < 10) ✗ → 2/4 = 50.00% → 5 × 2/4 = 2.5
            "S08": ("50.00", "2.5", "rule"),
            # S09: 3 violations × 0.5 → 5 − 1.5 = 3.5
            "S09": ("3.00", "3.5", "rule"),
            "S01": (None, 10, "person"),
            "S02": (None, 9, "person"),
            "S10": (None, 8, "person"),
            "S11": (None, 10, "person"),
            "S12": (None, 5, "person"),
            "S13": (None, 5, "person"),
            "S14": (None, -1, "person"),  # 扣分项, by the bureau: −1
        },
    )
    # S07: progress over the ledger's adjusted budget 4,070,000:
    #   M6 1,800,000 → 44.23% ≥ 40% → 1; M9 2,500,000 → 61.43% < 67.5% → 2 × 61.43 / 67.5 = 1.8201… → 1.82;
    #   M11 3,400,000 → 83.54% ≥ 82.5% → 2; total 4.82
    s, assessable, by, _, explanation, _ = got["S07"]
    assert (s, assessable, by) == (D("4.82"), True, "rule")
    assert "9月 61.43%（目标 67.5%），得 2 × 61.43% / 67.5% = 1.82 分" in explanation
    parts = query(
        wh,
        """select part_code, value from marts.fct_indicator_values
           where dept_code = 'sc-rsj' and framework_code = 'sc_county_self' and indicator_code = 'S07' order by part_code""",
    )
    assert parts == [
        ("M06", D("44.23")),
        ("M09", D("61.43")),
        ("M11", D("83.54")),
    ]  # month 12 is not one of S07's parts
    assert "属于“偏差度在10%~20%之间”，得 5 分（满分 10 分）" in got["S05"][4]

    # A = 10 + 9 + 6 + 7.5 + 5 + 3.75 + 4.82 + 2.5 + 3.5 = 52.07; B = 8 + 10 + 5 + 5 = 28; Z = −1
    assert level1(wh, "sc-rsj", "sc_county_self") == {
        "A": (D("52.07"), None),
        "B": (D(28), None),
        "Z": (D(-1), None),
    }
    # total 52.07 + 28 − 1 = 79.07 → 良; max 100 (the deduction item is not in the maximum)
    got_total = department_score(wh, "sc-rsj", "sc_county_self")
    assert got_total["total_score"] == D("79.07")
    assert got_total["max_score"] == D(100)
    assert got_total["deductions"] == D(-1)
    assert got_total["not_assessable_weight"] == D(0)
    assert got_total["grade"] == "良"


# ---------------------------------------------------------------------------------------------------
# mof_dept_common — dept mof-demo 2023
#
# ledger: 基本 人员 3,000,000/3,000,000/3,000,000; 基本 公用 400,000/420,000/410,000;
#         项目 K001 (重点) 4,000,000/4,200,000/4,000,000; 项目 N001 1,600,000/1,300,000/1,200,000
#   original 9,000,000, adjusted 8,920,000, paid 8,610,000, closing carryover (ledger) 310,000
# ---------------------------------------------------------------------------------------------------


def test_mof_dept_common(wh):
    got = scores(wh, "mof-demo", "mof_dept_common")
    check(
        got,
        {
            # A21 per_point: staff 21 + 32 = 53 over 20 + 30 = 50 → 106.00%: 6 points over 100% × 0.5 → 4 − 3 = 1
            "A21": ("106.00", 1, "rule"),
            # A22: 三公 2023 32,000 + 13,000 = 45,000 vs 2022 35,000 + 15,000 = 50,000 → −10.00% ≤ 0 → 4
            "A22": ("-10.00", 4, "rule"),
            # A23: no key_expenditure fact, so the key project's adjusted budget: 4,200,000 / 5,500,000 = 76.36%,
            #      band [60%, 80%) → 2
            "A23": ("76.36", 2, "rule"),
            # B11 proportional: 8,610,000 / 8,920,000 = 96.5246…% → 96.52% → 3 × 0.9652 = 2.8956 → 2.90
            "B11": ("96.52", "2.90", "rule"),
            # B12: |8,920,000 − 9,000,000| / 9,000,000 = 0.89% ≤ 5% → 2
            "B12": ("0.89", 2, "rule"),
            # B14: 310,000 / 8,920,000 (budget, MOF's denominator) = 3.4753…% → 3.48% ≤ 5% → 2
            "B14": ("3.48", 2, "rule"),
            # B15: (310,000 − 400,000) / 400,000 = −22.50% ≤ 0 → 2
            "B15": ("-22.50", 2, "rule"),
            # B16: 410,000 / 420,000 = 97.619…% → 97.62% ≤ 100% → 2
            "B16": ("97.62", 2, "rule"),
            # B17: 45,000 / 60,000 = 75.00% ≤ 100% → 2
            "B17": ("75.00", 2, "rule"),
            # B18: 450,000 / 500,000 = 90.00% → 2 × 0.9 = 1.8
            "B18": ("90.00", "1.8", "rule"),
            # B33: 1,900,000 / 2,000,000 = 95.00% → 1 × 0.95
            "B33": ("95.00", "0.95", "rule"),
            # C11: 部门整体 数量 150/100 ✓ (no 30% cap here), 50/50 ✓, =12 12 ✓, 20/30 ✗ → 3/4 → 10 × 3/4 = 7.5
            "C11": ("75.00", "7.5", "rule"),
            # C12: 时效 100%/100% ✓, ≤30 actual 35 ✗ → 1/2 → 7 × 1/2 = 3.5
            "C12": ("50.00", "3.5", "rule"),
            # C13: 质量 定性 达标/达标 ✓, 97/95 ✓, 85/90 ✗ → 2/3 = 66.67% → 7 × 2/3 = 4.666… → 4.67
            "C13": ("66.67", "4.67", "rule"),
            # C14: key project K001's 产出 targets 10/10 ✓, 99/98 ✓, ≤12 12 ✓ → 3/3 → 6 (N001 is not a key project)
            "C14": ("100.00", 6, "rule"),
            # D14 survey: (10×3 + 5×2 + 3×1 − 2×1) / (3 × 20) = 41/60 = 68.33% → 6 × 0.6833 = 4.0998 → 4.10
            "D14": ("68.33", "4.10", "rule"),
            "A11": (None, 4, "person"),
            "A12": (None, "3.5", "person"),
            "B21": (None, 3, "person"),
            "B22": (None, 3, "person"),
            "B23": (None, 2, "person"),
            "B24": (None, "1.5", "person"),
            "B31": (None, 1, "person"),
            "B32": (None, 1, "person"),
            "D11": (None, 3, "person"),
            "D12": (None, 5, "person"),
        },
    )
    # B13 支付进度率 over the reported basis 9,000,000: M6 4,050,000 = 45.00% vs 50% → 1 × 45/50 = 0.90;
    #     M9 6,300,000 = 70.00% vs 75% → 1 × 70/75 = 0.9333 → 0.93; total 1.83
    assert got["B13"][:3] == (D("1.83"), True, "rule")
    # D13 生态效益: nobody scored it → not assessable, 4 points of weight not assessable
    s, assessable, _by, _, explanation, _ = got["D13"]
    assert (s, assessable) == (None, False)  # not assessable is never 0
    assert explanation == "未提供评价人评分，不可评价（不计分，满分 4 分计入不可评价分值）"
    assert "超过 100% 6 个百分点，每个百分点扣 0.5 分，得 4 − 0.5 × 6 = 1 分（满分 4 分）" in got["A21"][4]

    # A = 4 + 3.5 + 1 + 4 + 2 = 14.5
    # B = 2.90 + 2 + 1.83 + 2 + 2 + 2 + 2 + 1.80 + 3 + 3 + 2 + 1.5 + 1 + 1 + 0.95 = 28.98
    # C = 7.5 + 3.5 + 4.67 + 6 = 21.67;  D = 3 + 5 + 0 + 4.10 = 12.10
    assert level1(wh, "mof-demo", "mof_dept_common") == {
        "A": (D("14.5"), None),
        "B": (D("28.98"), None),
        "C": (D("21.67"), None),
        "D": (D("12.10"), None),
    }
    # total 77.25 → 良 (grade on the total); normalized 77.25 / (100 − 4) × 100 = 80.46875 → 80.47
    got_total = department_score(wh, "mof-demo", "mof_dept_common")
    assert (
        got_total["total_score"],
        got_total["normalized_score"],
        got_total["grade"],
        got_total["not_assessable_weight"],
    ) == (
        D("77.25"),
        D("80.47"),
        "良",
        D(4),
    )


# ---------------------------------------------------------------------------------------------------
# hebei_mgmt — dept hb-xushui 2023: section scores by people; 投资评审 not applicable (no score given)
# ---------------------------------------------------------------------------------------------------


def test_hebei_mgmt(wh):
    got = scores(wh, "hb-xushui", "hebei_mgmt")
    check(
        got,
        {
            "H01": (None, "10.5", "person"),
            "H02": (None, 10, "person"),
            "H03": (None, "19.1", "person"),
            "H04": (None, "20.8", "person"),
            "H06": (None, "4.4", "person"),
            "H07": (None, 1, "person"),
            "H08": (None, "7.5", "person"),
            "H09": (None, "11.5", "person"),
            "H10": (None, 0, "person"),
            "H11": (None, 0, "person"),  # 存在问题: 扣 0 分
            # reference values the source quotes, not scored:
            # 三公 2022 4.30 万元 (a 合计 row only) → 2023 2.60 + 1.36 = 3.96 万元: (39,600 − 43,000) / 43,000 = −7.91%
            "HX1": ("-7.91", 0, "rule"),
            # project progress 7,469,000 / 10,000,000 = 74.69%
            "HX2": ("74.69", 0, "rule"),
        },
    )
    assert got["H05"][:2] == (None, False)  # 投资评审: not applicable → not assessable
    assert got["H11"][4] == "评价人扣分：扣 0 分（最多扣 10 分）。依据：未出现严重问题"
    # raw 10.5 + 10 + 19.1 + 20.8 + 4.4 + 1 + 7.5 + 11.5 + 0 − 0 = 84.8; applicable maximum 100 − 7 = 93
    # converted 84.8 / 93 × 100 = 91.1827… → 91.18 → 优 (graded on the converted score)
    got_total = department_score(wh, "hb-xushui", "hebei_mgmt")
    assert (got_total["total_score"], got_total["max_score"], got_total["not_assessable_weight"]) == (
        D("84.8"),
        D(100),
        D(7),
    )
    assert (got_total["normalized_score"], got_total["grade"]) == (D("91.18"), "优")
    assert level1(wh, "hb-xushui", "hebei_mgmt") == {"M": (D("84.8"), None), "N": (D(0), None)}


# ---------------------------------------------------------------------------------------------------
# project_self — dept ps-demo 2023, two projects
# ---------------------------------------------------------------------------------------------------


def test_project_self(wh):
    pa = scores(wh, "ps-demo", "project_self", project="PA")
    check(
        pa,
        {
            # A1: (680,000 + 270,000) / (700,000 + 300,000) = 95.00% → 10 × 0.95 = 9.5
            "A1": ("95.00", "9.5", "rule"),
            # B1: weights 20/20/10: 1100 ≥ 1000 → 1; 90% vs ≥95% → 90/95 = 0.947368; 12 = 12 → 1
            #     (20 + 20 × 0.947368 + 10) / 50 = 48.94736 / 50 = 97.89% → 50 × 0.9789 = 48.945 → 48.95
            "B1": ("97.89", "48.95", "rule"),
            # C1: 92% ≥ 90% → 100% → 30
            "C1": ("100.00", 30, "rule"),
            # D1: 85% vs ≥ 90% → 85/90 = 0.944444 → 94.44% → 10 × 0.9444 = 9.444 → 9.44
            "D1": ("94.44", "9.44", "rule"),
        },
    )
    pb = scores(wh, "ps-demo", "project_self", project="PB")
    check(
        pb,
        {
            # A1: 300,000 / 500,000 = 60.00% → 6
            "A1": ("60.00", 6, "rule"),
            # B1: unweighted: 100 vs ≥200 → 0.5; 定性 按期完成 vs 未完成 → 0 → (0.5 + 0) / 2 = 25.00% → 12.5
            "B1": ("25.00", "12.5", "rule"),
            # D1: 88% ≥ 80% → 10
            "D1": ("100.00", 10, "rule"),
        },
    )
    assert pb["C1"][:2] == (None, False)  # no 效益 targets → not assessable (30)
    rows = query(
        wh,
        """select project_code, total_score, normalized_score, grade, not_assessable_weight
           from marts.fct_project_scores where dept_code = 'ps-demo' order by project_code""",
    )
    # PA 9.5 + 48.95 + 30 + 9.44 = 97.89 → 优; PB 6 + 12.5 + 0 + 10 = 28.5 → 差, normalized 28.5 / 70 = 40.71
    assert rows == [("PA", D("97.89"), D("97.89"), "优", D(0)), ("PB", D("28.5"), D("40.71"), "差", D(30))]
    # the department: mean of its projects (97.89 + 28.5) / 2 = 63.195 → 63.20 → 中;
    # not assessable (0 + 30) / 2 = 15 → normalized 63.20 / 85 × 100 = 74.35
    got_total = department_score(wh, "ps-demo", "project_self")
    assert (
        got_total["total_score"],
        got_total["normalized_score"],
        got_total["grade"],
        got_total["project_count"],
    ) == (
        D("63.20"),
        D("74.35"),
        "中",
        2,
    )
    # the project without a project code (an 其他运转类 line) is not scored as a project
    assert query(
        wh, "select count(distinct project_code) from marts.fct_project_scores where dept_code = 'ps-demo'"
    ) == [(2,)]


# ---------------------------------------------------------------------------------------------------
# pefa_2016 — pefa-demo 2021–2023, pefa-short 2022–2023
#
# outturn (PI-1.1) = paid / original, original 1,000,000 every year:
#   2021 980,000 → 98.00% (A band 95–105); 2022 930,000 → 93.00% (B band); 2023 1,030,000 → 103.00% (A band)
# composition (PI-2): each class's original scaled by r = actual total / original total,
#   variance = Σ|actual − original × r| / actual total
#   2021 r = 0.98  function: F1 600→600 (adj 588, 12k), F2 400→380 (adj 392, 12k): 24k / 980k = 2.45%
#                  economic: E1 500→500 (adj 490, 10k), E2 500→480 (adj 490, 10k): 20k / 980k = 2.04%
#   2022 r = 0.93  function: F1 600→530 (adj 558, 28k), F2 400→400 (adj 372, 28k): 56k / 930k = 6.02%
#                  economic: E1 500→465, E2 500→465 (adj 465 each): 0.00%
#   2023 r = 1.03  function: F1 600→660 (adj 618, 42k), F2 400→370 (adj 412, 42k): 84k / 1,030k = 8.16%
#                  economic: E1 500→550 (adj 515, 35k), E2 500→480 (adj 515, 35k): 70k / 1,030k = 6.80%
# ---------------------------------------------------------------------------------------------------


def test_pefa_2016(wh):
    got = scores(wh, "pefa-demo", "pefa_2016", year=2023)
    # PI-1.1: two of three years within 95–105% (2021, 2023) → A
    # PI-2.1: 2.45, 6.02, 8.16: one year < 5% (not enough for A), all three < 10% → B
    # PI-2.2: 2.04, 0.00, 6.80: two years < 5% → A
    assert {k: (v[3], v[5], v[1]) for k, v in got.items()} == {
        "PI-1.1": (D("103.00"), "A", True),
        "PI-2.1": (D("8.16"), "B", True),
        "PI-2.2": (D("6.80"), "A", True),
    }
    values = query(
        wh,
        """select fiscal_year, indicator_code, value from marts.fct_indicator_values
           where dept_code = 'pefa-demo' and framework_code = 'pefa_2016' order by 1, 2""",
    )
    assert values == [
        (2021, "PI-1.1", D("98.00")), (2021, "PI-2.1", D("2.45")), (2021, "PI-2.2", D("2.04")),
        (2022, "PI-1.1", D("93.00")), (2022, "PI-2.1", D("6.02")), (2022, "PI-2.2", D("0.00")),
        (2023, "PI-1.1", D("103.00")), (2023, "PI-2.1", D("8.16")), (2023, "PI-2.2", D("6.80")),
    ]  # fmt: skip
    # PI-2 by M1: weakest link B, another dimension higher → B+
    assert level1(wh, "pefa-demo", "pefa_2016", year=2023) == {"PI-1": (None, "A"), "PI-2": (None, "B+")}
    got_total = department_score(wh, "pefa-demo", "pefa_2016", year=2023)
    assert got_total["grade"] == "PI-1 A；PI-2 B+"
    assert got_total["total_score"] is None
    assert "2021 年 98.00%，2022 年 93.00%，2023 年 103.00%" in got["PI-1.1"][4]


@pytest.mark.parametrize("dept, year", [("pefa-short", 2023), ("pefa-short", 2022), ("pefa-demo", 2022)])
def test_pefa_fewer_than_three_years_is_d_star(wh, dept, year):
    got = scores(wh, dept, "pefa_2016", year=year)
    assert {k: (v[5], v[1]) for k, v in got.items()} == {
        "PI-1.1": ("D*", False),
        "PI-2.1": ("D*", False),
        "PI-2.2": ("D*", False),
    }
    assert all("评为 D*（信息不足）" in v[4] for v in got.values())
    assert level1(wh, dept, "pefa_2016", year=year) == {"PI-1": (None, "D*"), "PI-2": (None, "D*")}


def test_every_framework_scores_every_department_year(wh):
    # 6 frameworks × every department-year in the ledger (project_self only where the ledger has project codes)
    rows = query(
        wh,
        """select d.dept_code, d.fiscal_year, count(distinct s.framework_code)
           from intermediate.int_dept_year_finance d
           left join marts.fct_department_scores s on s.dept_code = d.dept_code and s.fiscal_year = d.fiscal_year
           group by 1, 2""",
    )
    with_projects = {
        r[0] for r in query(wh, "select distinct dept_code from intermediate.int_project_execution")
    }
    for dept, _, n in rows:
        assert n == (6 if dept in with_projects else 5), dept
