"""Issue 4: reconciliation finds every disagreement, with the right severity, and nothing else.

1. The worked example (雁峰区人社局 2023): the report's contradictions are found — B22 scored 0 where its
   rule gives 1 (error), level-1 A subtotal 15 where the items add to 14 (error), B 26 vs 27 (error, a
   consequence of B22), total 89 vs 90 (error), A22 95.23% vs 95.24% (info: the report truncates) — and
   every reported ledger total matches (no finding).
2. Planted faults: for each check type a department pair (a clean twin and a copy with one fault) is built
   from the worked example in one submission. The faulty copy's findings minus its twin's must be exactly
   the expected ones. Where a fault necessarily implies a second finding, the case says so and why.
"""

from __future__ import annotations

import copy
import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import YANFENG, build_warehouse, query

from ingest import templates as T

# ---------------------------------------------------------------------------
# 1. the worked example


def findings(wh: Path, dept: str, year: int | None = None) -> list[tuple]:
    sql = """select check_code, severity, item, expected, actual, message, framework_code
             from marts.fct_reconciliation_findings where dept_code = ?"""
    params: list = [dept]
    if year is not None:
        sql += " and fiscal_year = ?"
        params.append(year)
    return query(wh, sql + " order by severity_rank, check_code, item", params)


def test_worked_example_contradictions_are_found(yanfeng_warehouse):
    found = {(c, s, i): (e, a, m) for c, s, i, e, a, m, _ in findings(yanfeng_warehouse, "430406-hrss", 2023)}
    assert set(found) == {
        ("reported_score", "error", "B22 结转结余变动率"),
        ("reported_level1", "error", "A 投入"),
        ("reported_level1", "error", "B 过程"),
        ("reported_total", "error", "总分"),
        ("reported_value", "info", "A22 在职人员控制率"),
        ("zero_denominator", "warning", "“三公”经费变动率"),
        ("zero_denominator", "warning", "“三公经费”控制率"),
    }
    e, a, m = found[("reported_score", "error", "B22 结转结余变动率")]
    assert (e, a) == (Decimal(1), Decimal(0))
    assert "报告得 0 分" in m and "结转结余变动率小于10%" in m and "-5.01%" in m and "应得 1 分" in m
    e, a, m = found[("reported_level1", "error", "A 投入")]
    assert (e, a) == (Decimal(14), Decimal(15))
    assert "报告小计 15 分" in m and "各三级指标得分之和为 14 分" in m
    assert found[("reported_level1", "error", "B 过程")][:2] == (Decimal(27), Decimal(26))
    e, a, m = found[("reported_total", "error", "总分")]
    assert (e, a) == (Decimal(90), Decimal(89)) and "优" in m
    e, a, m = found[("reported_value", "info", "A22 在职人员控制率")]
    assert (e, a) == (Decimal("95.24"), Decimal("95.23")) and "舍入差异" in m


def test_worked_example_reported_ledger_totals_all_match(yanfeng_warehouse):
    assert query(
        yanfeng_warehouse,
        "select count(*) from marts.fct_reconciliation_findings where check_code in "
        "('reported_ledger', 'reported_identity', 'ledger_subtotal', 'ledger_balance_identity', 'ledger_adjusted_identity')",
    ) == [(0,)]
    # and there were claims to check: 7 ledger totals in reported_results
    assert query(
        yanfeng_warehouse, "select count(*) from staging.stg_reported_results where item_kind = 'ledger'"
    ) == [(7,)]


# ---------------------------------------------------------------------------
# 2. planted faults, one per check type


def _load_base() -> dict[str, list[dict]]:
    """The worked example's files as rows keyed by the templates' English column names."""
    base: dict[str, list[dict]] = {}
    for f in sorted(YANFENG.glob("*.csv")):
        tmpl = T.TEMPLATES[f.stem]
        names = {n: c.name for c in tmpl.columns for n in c.all_names()}
        with f.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        base[tmpl.name] = [{names[k]: v for k, v in r.items()} for r in rows]
    return base


# what the computed scores are (asserted by the scoring tests): a report that agrees with them
CONSISTENT_CLAIMS = {
    "A22": ("95.24", "2"),
    "A23": ("0", "2"),
    "A24": ("99.04", "2"),
    "B11": ("99.08", "2"),
    "B12": ("2.39", "2"),
    "B21": ("0.93", "1"),
    "B22": ("-5.01", "1"),
    "B23": ("100", "1"),
    "B24": ("", "1"),
    "D2": ("81.25", "3"),
    "A": ("", "14"),
    "B": ("", "27"),
    "C": ("", "34"),
    "D": ("", "15"),
    "total": ("", "90"),
}


def _consistent(base: dict[str, list[dict]]) -> dict[str, list[dict]]:
    d = copy.deepcopy(base)
    for r in d["reported_results"]:
        if r["item"] in CONSISTENT_CLAIMS:
            r["reported_value"], r["reported_score"] = CONSISTENT_CLAIMS[r["item"]]
    return d


def _money(text: str) -> Decimal:
    return Decimal(text.replace(",", "")) if text.strip() else Decimal(0)


def _fmt(d: Decimal) -> str:
    return f"{d:,.2f}"


def _add(row: dict, col: str, delta: str) -> None:
    row[col] = _fmt(_money(row[col]) + Decimal(delta))


def _line(d, category, econ, year="2023"):
    for r in d["budget_ledger"]:
        if r["category"] == category and r["econ_class"] == econ and r["fiscal_year"] == year:
            return r
    raise KeyError((category, econ))


def _drop_claims(d, *items):
    d["reported_results"] = [r for r in d["reported_results"] if r["item"] not in items]


def _ledger_2022(d, extra_paid_cut: str = "0") -> None:
    """A 2022 ledger whose Σ(adjusted − paid) is exactly 2023's opening carryover 861,366.81."""
    lines = [
        copy.deepcopy(r)
        for r in d["budget_ledger"]
        if r["fiscal_year"] == "2023" and "计" not in r["category"]
    ]
    for r in lines:
        r["fiscal_year"] = "2022"
    target = next(
        r for r in lines if r["category"] == "特定目标类" and r["econ_class"] == "其他对个人和家庭补助"
    )
    _add(target, "actual_paid", "-43164.11")  # 818,202.70 + 43,164.11 = 861,366.81
    _add(target, "actual_paid", "-" + extra_paid_cut)
    target["balance"] = ""
    d["budget_ledger"].extend(lines)


def _monthly(d, overrides: dict[int, str] | None = None, basis: dict[int, str] | None = None) -> None:
    paid = Decimal("88044648.36")
    shares = [
        Decimal(x)
        for x in ("0.05", "0.11", "0.18", "0.25", "0.32", "0.42", "0.50", "0.58", "0.66", "0.75", "0.84", "1")
    ]
    d["monthly_execution"] = [
        {
            "dept_code": "",
            "fiscal_year": "2023",
            "month": str(m),
            "cumulative_paid": (overrides or {}).get(m, _fmt((paid * s).quantize(Decimal("0.01")))),
            "budget_basis": (basis or {}).get(m, ""),
        }
        for m, s in enumerate(shares, start=1)
    ]


def _three_public_nonzero(d) -> None:
    for r in d["three_public"]:
        if r["item"] == "公务接待费":
            r["budget"], r["actual"] = "10,000.00", "5,000.00"


def case_ledger_adjusted_identity(twin, fault):
    # the department wrote the cut as −89,703 on the line and summed it into both subtotals; adjusted is right
    for d, delta in ((fault, "-10000"),):
        _add(_line(d, "人员类", "工资奖金津补贴"), "adjustment", delta)
        for r in d["budget_ledger"]:
            if r["expense_type"] == "基本支出" and r["category"] in ("人员经费小计", "合计"):
                _add(r, "adjustment", delta)
    return {("ledger_adjusted_identity", "error")}


def case_ledger_balance_identity(twin, fault):
    _add(_line(fault, "特定目标类", "其他对企业补助"), "balance", "10000")
    return {("ledger_balance_identity", "error")}


def case_ledger_subtotal(twin, fault):
    for r in fault["budget_ledger"]:
        if r["category"] == "公用经费小计":
            _add(r, "actual_paid", "10000")
    return {("ledger_subtotal", "error")}


def case_ledger_subtotal_rounding(twin, fault):
    for r in fault["budget_ledger"]:
        if r["category"] == "公用经费小计":
            _add(r, "actual_paid", "1")
    return {("ledger_subtotal", "info")}


def case_ledger_overspend(twin, fault):
    # 10,000 moved within 其他运转类: one line overspends, another underspends; every total is unchanged
    _add(_line(fault, "其他运转类", "办公经费"), "actual_paid", "10000")
    other = _line(fault, "其他运转类", "其他商品和服务支出")
    _add(other, "actual_paid", "-10000")
    _add(other, "balance", "10000")
    return {("ledger_overspend", "warning")}


def case_three_public_total(twin, fault):
    fault["three_public"].append(
        {"dept_code": "", "fiscal_year": "2023", "item": "合计", "budget": "0", "actual": "10,000.00"}
    )
    twin["three_public"].append(
        {"dept_code": "", "fiscal_year": "2023", "item": "合计", "budget": "0", "actual": "0"}
    )
    return {("three_public_total", "error")}


def case_staffing_total(twin, fault):
    for d, total_actual in ((twin, "40"), (fault, "41")):
        d["staffing"] = [
            {
                "dept_code": "",
                "fiscal_year": "2023",
                "staff_type": "行政编制",
                "authorized": "12",
                "actual": "10",
            },
            {
                "dept_code": "",
                "fiscal_year": "2023",
                "staff_type": "事业编制",
                "authorized": "30",
                "actual": "30",
            },
            {
                "dept_code": "",
                "fiscal_year": "2023",
                "staff_type": "合计",
                "authorized": "42",
                "actual": total_actual,
            },
        ]
    return {("staffing_total", "error")}


def case_carryover_continuity(twin, fault):
    _ledger_2022(twin)
    _ledger_2022(fault, extra_paid_cut="10000")  # 2022 closes at 871,366.81; 2023 opens at 861,366.81
    return {("carryover_continuity", "error")}


def case_carryover_closing(twin, fault):
    # B21/B22 would change with the reported closing balance: leave them out of both reports
    for d in (twin, fault):
        _drop_claims(d, "B21", "B22")
    fault["carryover"][0]["closing_balance"] = "828,202.70"
    return {("carryover_closing", "warning")}


def case_monthly_monotonic(twin, fault):
    _monthly(twin)
    _monthly(fault, overrides={7: "35,000,000.00"})  # June is 36,978,752.31
    return {("monthly_monotonic", "error")}


def case_monthly_over_budget(twin, fault):
    # spending past the month's budget basis is also a payment-progress rate over 100%: both are reported
    _monthly(twin)
    _monthly(fault, basis={11: "70,000,000.00"})  # November's cumulative is 73,957,504.62
    return {("monthly_over_budget", "warning"), ("rate_over_100", "warning")}


def case_monthly_year_end(twin, fault):
    _monthly(twin)
    _monthly(fault, overrides={12: "88,034,648.36"})
    return {("monthly_year_end", "warning")}


def case_zero_denominator(twin, fault):
    # the twin has “三公” spending within budget; the copy spends with no budget at all (x/0)
    # (spending with no budget loses B24's point, which moves B and the total: leave those claims out)
    for d in (twin, fault):
        _three_public_nonzero(d)
        _drop_claims(d, "B24", "B", "total")
    for r in fault["three_public"]:
        if r["fiscal_year"] == "2023":
            r["budget"] = "0"
    return {("zero_denominator", "warning")}


def case_rate_over_100(twin, fault):
    # 公用经费 overspends by 10,000 while a project line underspends as much: totals are unchanged.
    # A rate over 100% needs a line paid over its budget, so ledger_overspend necessarily comes with it.
    for d in (twin, fault):
        _drop_claims(d, "B23", "基本支出", "公用经费", "项目支出")
    _add(_line(fault, "公用经费", "办公经费"), "actual_paid", "10000")
    proj = _line(fault, "特定目标类", "其他对个人和家庭补助")
    _add(proj, "actual_paid", "-10000")
    _add(proj, "balance", "10000")
    for r in fault["budget_ledger"]:
        if r["category"] in ("公用经费小计",) or (
            r["expense_type"] == "基本支出" and r["category"] == "合计"
        ):
            _add(r, "actual_paid", "10000")
            if r["balance"].strip():
                _add(r, "balance", "-10000")
        if r["category"] == "特定目标类小计" or (r["expense_type"] == "项目支出" and r["category"] == "合计"):
            _add(r, "actual_paid", "-10000")
            _add(r, "balance", "10000")
    return {("rate_over_100", "warning"), ("ledger_overspend", "warning")}


def _claim(d, item, value=None, score=None):
    for r in d["reported_results"]:
        if r["item"] == item and not r.get("project_code"):
            if value is not None:
                r["reported_value"] = value
            if score is not None:
                r["reported_score"] = score
            return
    raise KeyError(item)


def case_reported_value(twin, fault):
    _claim(fault, "B11", value="97.50")
    return {("reported_value", "error")}


def case_reported_value_rounding(twin, fault):
    _claim(fault, "B12", value="2.40")  # computed 2.39 (2,178,460.00 / 91,041,311.06 = 2.3928…%)
    return {("reported_value", "info")}


def case_reported_score(twin, fault):
    _claim(fault, "B12", score="0")
    return {("reported_score", "error")}


def case_reported_level1(twin, fault):
    _claim(fault, "C", score="33")
    return {("reported_level1", "error")}


def case_reported_total(twin, fault):
    _claim(fault, "total", score="91")
    return {("reported_total", "error")}


def case_reported_ledger(twin, fault):
    _claim(fault, "调整后预算", value="88,962,851.06")
    return {("reported_ledger", "error")}


def case_reported_ledger_rounding(twin, fault):
    _claim(fault, "年初预算", value="91,041,000.00")  # 311.06 off: within 0.5 万元
    return {("reported_ledger", "info")}


def case_reported_identity(twin, fault):
    # 基本支出 ≠ 人员经费 + 公用经费 in the report: one of the three must then differ from the ledger too
    _claim(fault, "人员经费", value="3,163,742.00")
    return {("reported_identity", "error"), ("reported_ledger", "error")}


def case_reported_project(twin, fault):
    for d, rate in ((twin, "91.72"), (fault, "100")):
        for r in d["budget_ledger"]:
            if r["category"] == "特定目标类" and r["econ_class"] == "其他对个人和家庭补助":
                r["project_code"] = "P-EMP-01"
        d["reported_results"].append(
            {
                "dept_code": "",
                "fiscal_year": "2023",
                "framework_code": "",
                "project_code": "P-EMP-01",
                "item": "执行率",
                "reported_value": rate,
                "reported_score": "",
                "source": "自评表",
            }
        )
    return {("reported_project", "error")}


def case_three_public_prior_year(twin, fault):
    # handled with a second submission (the 2022 one); see _write_fixture
    return {("three_public_prior_year", "error")}


CASES = {name[len("case_") :]: fn for name, fn in globals().items() if name.startswith("case_")}


def _write(folder: Path, data: dict[str, list[dict]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in data.items():
        if not rows:
            continue
        cols = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)


def _relabel(data, dept_code: str, name: str) -> dict[str, list[dict]]:
    out = {}
    for t, rows in data.items():
        rs = []
        for r in rows:
            r = dict(r)
            if "dept_code" in r:
                r["dept_code"] = dept_code
            if t == "departments":
                r["dept_name"] = name
            rs.append(r)
        out[t] = rs
    return out


@pytest.fixture(scope="module")
def fault_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("recon-faults")
    base = _consistent(_load_base())
    main: dict[str, list[dict]] = {}
    prior: dict[str, list[dict]] = {}
    expected = {}
    for case, fn in CASES.items():
        twin, fault = copy.deepcopy(base), copy.deepcopy(base)
        expected[case] = fn(twin, fault)
        for role, data in (("twin", twin), ("fault", fault)):
            code = f"fx-{case}-{role}"
            data = _relabel(data, code, f"核对样例 {case} {role}")
            if case == "three_public_prior_year":
                # the 2022 submission holds a 2022 ledger and the 2022 “三公” figures (all 0);
                # the 2023 submission restates 2022's 公务接待费 (the fault: 10,000)
                d2022 = copy.deepcopy(data)
                _ledger_2022(d2022)
                p = {
                    "departments": d2022["departments"],
                    "budget_ledger": [r for r in d2022["budget_ledger"] if r["fiscal_year"] == "2022"],
                    "three_public": [r for r in d2022["three_public"] if r["fiscal_year"] == "2022"],
                }
                for t, rows in p.items():
                    prior.setdefault(t, []).extend(rows)
                if role == "fault":
                    for r in data["three_public"]:
                        if r["fiscal_year"] == "2022" and r["item"] == "公务接待费":
                            r["actual"] = "10,000.00"
            for t, rows in data.items():
                for r in rows:
                    r.setdefault("dept_code", code)
                main.setdefault(t, []).extend(rows)
    _write(root / "faults-2022", prior)
    _write(root / "faults-2023", main)
    wh = root / "jixiao.duckdb"
    first = build_warehouse(wh, root / "faults-2022")
    assert not first.refused, [str(i) for o in first.outcomes for i in o.issues]
    res = build_warehouse(wh, root / "faults-2023")
    assert not res.refused, [str(i) for o in res.outcomes for i in o.issues][:20]
    return wh, expected


@pytest.mark.parametrize("case", sorted(CASES))
def test_planted_fault_gives_exactly_its_finding(fault_warehouse, case):
    wh, expected = fault_warehouse
    twin = Counter((c, s) for c, s, *_ in findings(wh, f"fx-{case}-twin"))
    fault = Counter((c, s) for c, s, *_ in findings(wh, f"fx-{case}-fault"))
    assert fault - twin == Counter(expected[case]), (case, findings(wh, f"fx-{case}-fault"))
    assert twin - fault == Counter(), (case, findings(wh, f"fx-{case}-twin"))


def test_every_check_type_is_planted():
    checks = {
        r["check_code"]
        for r in csv.DictReader(
            (Path(__file__).parents[1] / "seeds" / "reconciliation_checks.csv")
            .read_text(encoding="utf-8")
            .splitlines()
        )
    }
    planted = {
        c
        for fn in CASES.values()
        for c, _ in fn(copy.deepcopy(_consistent(_load_base())), copy.deepcopy(_consistent(_load_base())))
    }
    # checks on version-2 raw columns are planted in raw tables directly by tests/test_sql_v2_edge_rules.py
    from test_sql_v2_support import PLANTED_CHECKS

    assert checks == planted | PLANTED_CHECKS


def test_clean_twins_have_no_error_or_info_findings(fault_warehouse):
    wh, _ = fault_warehouse
    rows = query(
        wh,
        "select dept_code, check_code, severity, message from marts.fct_reconciliation_findings "
        "where dept_code like '%-twin' and severity in ('error', 'info')",
    )
    assert rows == []
