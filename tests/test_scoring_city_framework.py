"""A city's framework added from seeds alone: no Python, no SQL.

test_scoring_support copies dbt_project/, models/ and seeds/ to a temporary folder, appends the rows in
tests/fixtures/scoring/_city_framework/*.csv — a made-up framework `hy_city_demo` (衡阳市, 50 points)
reusing existing formula codes and rule types, bands and per_point included — to the seed CSVs of the
same names, loads three existing submissions (the worked example with one manual score for the city),
builds, and the tests below check the scores.
"""

from __future__ import annotations

import pytest
from test_scoring_support import CITY_FRAMEWORK as FW
from test_scoring_support import (
    CITY_SEEDS,
    ROOT,
    D,
    city_warehouse,
    department_score,
    level1,
    scores,
    want_city,
)

want_city()  # start the city build alongside the main one


@pytest.fixture(scope="module")
def city():
    return city_warehouse()


def test_the_city_framework_is_seed_rows_only():
    # the framework exists only in the copy's seeds: the project's own seeds, models and macros don't know it
    assert sorted(p.name for p in CITY_SEEDS.glob("*.csv")) == [
        "framework_grades.csv", "framework_indicators.csv", "framework_levels.csv", "framework_rule_parts.csv", "frameworks.csv",
    ]  # fmt: skip
    for folder in ("seeds", "models", "dbt_project/macros"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file() and f.suffix in (".csv", ".sql", ".yml"):
                assert FW not in f.read_text(encoding="utf-8"), f


def test_city_framework_on_the_worked_example(city):
    got = scores(city, "430406-hrss", FW)
    assert {k: (v[0], v[3]) for k, v in got.items()} == {
        "C1": (D(5), D("95.24")),  # 95.24% ≤ 100%: full 5
        "C2": (D(10), D("99.08")),  # band ≥ 95% → 10
        "C3": (D(5), D("0.93")),  # 0.93% < 5% → 5
        "C4": (D(5), None),  # 三公 0 / 0: full marks by the city's rule
        "C5": (D("8.1"), D("81.25")),  # 10 × 81.25% = 8.125 → one decimal half-up → 8.1
        "C6": (D(12), None),  # the city evaluator's score
    }
    assert level1(city, "430406-hrss", FW) == {"X": (D(25), None), "Y": (D("20.1"), None)}
    total = department_score(city, "430406-hrss", FW)
    assert (total["total_score"], total["max_score"], total["grade"]) == (D("45.1"), D(50), "优")


def test_city_framework_per_point_and_bands(city):
    mof = scores(city, "mof-demo", FW)
    # C1: 53 / 50 = 106.00% → 6 points over × 0.5 → 5 − 3 = 2
    # C3: 310,000 / 8,610,000 = 3.60% < 5% → 5;  C5: 10 × 68.33% = 6.833 → 6.8;  C6: no score → not assessable
    assert {k: (v[0], v[1]) for k, v in mof.items()} == {
        "C1": (D(2), True), "C2": (D(10), True), "C3": (D(5), True), "C4": (D(5), True), "C5": (D("6.8"), True), "C6": (None, False),
    }  # fmt: skip
    total = department_score(city, "mof-demo", FW)
    # 2 + 10 + 5 + 5 + 6.8 = 28.8 → 差; normalized 28.8 / (50 − 15) × 100 = 82.29
    assert (
        total["total_score"],
        total["normalized_score"],
        total["not_assessable_weight"],
        total["grade"],
    ) == (
        D("28.8"),
        D("82.29"),
        D(15),
        "差",
    )
    sc = scores(city, "sc-rsj", FW)
    # C2: 3,785,000 / 4,070,000 = 92.9975…% → 93.00%: band [85%, 95%) → 6
    assert sc["C2"][:4] == (D(6), True, "rule", D("93.00"))
    assert "属于“85%（含）至95%”，得 6 分（满分 10 分）" in sc["C2"][4]
    # C3: closing 285,000 / 3,785,000 = 7.53%, not < 5% → 0
    assert sc["C3"][0] == D(0) and "不小于 5%" in sc["C3"][4]
