"""The sample generator: deterministic, loads through the real ingest, clean where clean, faulty where planted.

The heart of it is ``violations()``: a small reconciler in SQL over the loaded raw tables that checks
every identity the generator promises, exactly (to the cent, to the hundredth of a point). On a
generated sample its findings, as (dept_code, fiscal_year, check_code), must be exactly the rows of
planted.csv: every planted fault is visible, touches nothing else, and clean department-years are clean.
"""

from __future__ import annotations

import csv
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.generator import DEMO_DIR, DEMO_PARAMETERS, FAULT_TYPES, generate
from ingest.generator import catalog as C
from ingest.generator.oracle import hn_values, pct, threshold_score
from ingest.load import load_submission
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SMALL = {"departments": 10, "years": 3, "seed": 11, "regions": 2}


# ---------------------------------------------------------------------------
# helpers


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def load_all(out: Path) -> tuple[duckdb.DuckDBPyConnection, dict]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    catalog = FrameworkCatalog.from_seeds(SEEDS)
    con = duckdb.connect(":memory:")
    for s in manifest["submissions"]:
        sub = read_submission(out / s["path"], catalog=catalog)
        assert not sub.errors, (s["path"], [str(i) for i in sub.errors[:5]])
        assert not sub.warnings, (s["path"], [str(i) for i in sub.warnings[:5]])
        outcome = load_submission(con, sub, "test-run")
        assert outcome.status == "loaded"
        assert outcome.rows == {t: f["rows"] for t, f in s["files"].items()}, s["path"]
    return con, manifest


def planted(out: Path) -> list[dict]:
    with (out / "planted.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def planted_keys(out: Path) -> set[tuple[str, int, str]]:
    return {(r["dept_code"], int(r["fiscal_year"]), r["check_code"]) for r in planted(out)}


LINES = "(SELECT * FROM raw.budget_ledger WHERE NOT is_subtotal)"
OWN = "(SELECT DISTINCT _submission_id, dept_code, fiscal_year FROM raw.budget_ledger)"
# hundredths of a percentage point, rounded half-up, exactly: (20000·n + d) // (2·d) over cents
H = "((20000 * CAST({n} * 100 AS HUGEINT) + CAST({d} * 100 AS HUGEINT)) // (2 * CAST({d} * 100 AS HUGEINT)))"

CHECKS = {
    "ledger_adjusted_identity": """
        SELECT dept_code, fiscal_year FROM raw.budget_ledger
        WHERE adjustment IS NOT NULL AND adjusted_budget <> original_budget + adjustment""",
    "ledger_balance_identity": """
        SELECT dept_code, fiscal_year FROM raw.budget_ledger
        WHERE balance IS NOT NULL AND balance <> adjusted_budget - actual_paid""",
    "ledger_overspend": f"SELECT dept_code, fiscal_year FROM {LINES} WHERE actual_paid > adjusted_budget",
    # a subtotal covers the lines of its expense type (null: all) and category (null: all of the type)
    "ledger_subtotal": f"""
        WITH sums AS (
            SELECT _submission_id, dept_code, fiscal_year, coalesce(expense_type, '*') AS et, coalesce(category, '*') AS cat,
                   sum(original_budget) AS lo, sum(coalesce(adjustment, 0)) AS la, sum(adjusted_budget) AS ld,
                   sum(actual_paid) AS lp, sum(adjusted_budget - actual_paid) AS lb
            FROM {LINES}
            GROUP BY GROUPING SETS ((_submission_id, dept_code, fiscal_year, expense_type, category),
                                    (_submission_id, dept_code, fiscal_year, expense_type),
                                    (_submission_id, dept_code, fiscal_year))),
        s AS (
            SELECT *, coalesce(expense_type, '*') AS et, coalesce(category, '*') AS cat
            FROM raw.budget_ledger WHERE is_subtotal)
        SELECT s.dept_code, s.fiscal_year FROM s
        LEFT JOIN sums l USING (_submission_id, dept_code, fiscal_year, et, cat)
        WHERE l.lo IS NULL OR s.original_budget <> l.lo OR s.adjusted_budget <> l.ld OR s.actual_paid <> l.lp
           OR (s.adjustment IS NOT NULL AND s.adjustment <> l.la) OR (s.balance IS NOT NULL AND s.balance <> l.lb)""",
    "three_public_total": """
        WITH items AS (
            SELECT _submission_id, dept_code, fiscal_year, sum(budget) AS b, sum(actual) AS a
            FROM raw.three_public WHERE NOT is_subtotal GROUP BY ALL)
        SELECT t.dept_code, t.fiscal_year FROM raw.three_public t JOIN items i USING (_submission_id, dept_code, fiscal_year)
        WHERE t.is_subtotal AND (t.budget <> i.b OR t.actual <> i.a)""",
    "three_public_prior_year": f"""
        WITH own AS {OWN},
        mine AS (SELECT t.* FROM raw.three_public t JOIN own o USING (_submission_id, dept_code, fiscal_year)),
        restated AS (
            SELECT t.*, o.fiscal_year AS submission_year FROM raw.three_public t
            JOIN own o ON o._submission_id = t._submission_id AND o.dept_code = t.dept_code AND o.fiscal_year = t.fiscal_year + 1)
        SELECT r.dept_code, r.submission_year FROM restated r
        JOIN mine m ON m.dept_code = r.dept_code AND m.fiscal_year = r.fiscal_year AND m.item = r.item
        WHERE r.budget <> m.budget OR r.actual <> m.actual""",
    "staffing_total": """
        WITH types AS (
            SELECT _submission_id, dept_code, fiscal_year, sum(authorized) AS a, sum(actual) AS n
            FROM raw.staffing WHERE NOT is_total GROUP BY ALL)
        SELECT s.dept_code, s.fiscal_year FROM raw.staffing s JOIN types t USING (_submission_id, dept_code, fiscal_year)
        WHERE s.is_total AND (s.authorized <> t.a OR s.actual <> t.n)""",
    "carryover_continuity": f"""
        WITH closing AS (SELECT dept_code, fiscal_year, sum(adjusted_budget - actual_paid) AS c FROM {LINES} GROUP BY ALL)
        SELECT c.dept_code, c.fiscal_year FROM raw.carryover c
        JOIN closing p ON p.dept_code = c.dept_code AND p.fiscal_year = c.fiscal_year - 1
        WHERE c.opening_balance <> p.c""",
    "carryover_closing": f"""
        WITH closing AS (SELECT dept_code, fiscal_year, sum(adjusted_budget - actual_paid) AS c FROM {LINES} GROUP BY ALL)
        SELECT c.dept_code, c.fiscal_year FROM raw.carryover c JOIN closing USING (dept_code, fiscal_year)
        WHERE c.closing_balance IS NOT NULL AND c.closing_balance <> closing.c""",
    "monthly_monotonic": """
        SELECT dept_code, fiscal_year FROM (
            SELECT *, lag(cumulative_paid) OVER (PARTITION BY _submission_id, dept_code, fiscal_year ORDER BY month) AS prev
            FROM raw.monthly_execution)
        WHERE cumulative_paid < prev""",
    "monthly_december": f"""
        WITH paid AS (SELECT dept_code, fiscal_year, sum(actual_paid) AS p FROM {LINES} GROUP BY ALL)
        SELECT m.dept_code, m.fiscal_year FROM raw.monthly_execution m JOIN paid USING (dept_code, fiscal_year)
        WHERE m.month = 12 AND m.cumulative_paid <> paid.p""",
    "monthly_over_budget": """
        SELECT dept_code, fiscal_year FROM raw.monthly_execution WHERE budget_basis IS NOT NULL AND cumulative_paid > budget_basis""",
    "reported_ledger": f"""
        WITH led AS (
            SELECT dept_code, fiscal_year,
                   sum(original_budget) AS "年初预算", sum(adjusted_budget) AS "调整后预算", sum(actual_paid) AS "支出合计",
                   coalesce(sum(actual_paid) FILTER (expense_type = '基本支出'), 0) AS "基本支出",
                   coalesce(sum(actual_paid) FILTER (category = '人员经费'), 0) AS "人员经费",
                   coalesce(sum(actual_paid) FILTER (category = '公用经费'), 0) AS "公用经费",
                   coalesce(sum(actual_paid) FILTER (expense_type = '项目支出'), 0) AS "项目支出",
                   sum(adjusted_budget - actual_paid) AS closing
            FROM {LINES} GROUP BY ALL),
        tp AS (
            SELECT t.dept_code, t.fiscal_year, sum(t.budget) AS "三公经费预算", sum(t.actual) AS "三公经费决算"
            FROM raw.three_public t JOIN {OWN} o USING (_submission_id, dept_code, fiscal_year)
            WHERE NOT t.is_subtotal GROUP BY ALL),
        computed AS (
            SELECT * FROM (
                SELECT led.dept_code, led.fiscal_year, "年初预算", "调整后预算", "支出合计", "基本支出", "人员经费", "公用经费", "项目支出",
                       "三公经费预算", "三公经费决算", c.opening_balance AS "年初结转结余",
                       coalesce(c.closing_balance, led.closing) AS "年末结转结余"
                FROM led LEFT JOIN tp USING (dept_code, fiscal_year) LEFT JOIN raw.carryover c USING (dept_code, fiscal_year))
            UNPIVOT (value FOR item IN (COLUMNS(* EXCLUDE (dept_code, fiscal_year)))))
        SELECT r.dept_code, r.fiscal_year FROM raw.reported_results r JOIN computed c USING (dept_code, fiscal_year, item)
        WHERE r.project_code IS NULL AND r.reported_value <> c.value""",
    "reported_value": None,  # filled below: one query gives values and scores
    "reported_score": None,
    "reported_project": f"""
        WITH p AS (
            SELECT dept_code, fiscal_year, project_code, sum(adjusted_budget) AS adj, sum(actual_paid) AS paid
            FROM {LINES} WHERE project_code IS NOT NULL GROUP BY ALL)
        SELECT r.dept_code, r.fiscal_year FROM raw.reported_results r JOIN p USING (dept_code, fiscal_year, project_code)
        WHERE (r.item = '执行率' AND r.reported_value * 100 <> {H.format(n="p.paid", d="p.adj")})
           OR (r.item = '调整后预算' AND r.reported_value <> p.adj)
           OR (r.item = '支出合计' AND r.reported_value <> p.paid)""",
}

HN_SQL = f"""
    WITH led AS (
        SELECT dept_code, fiscal_year, sum(original_budget) AS orig, sum(adjusted_budget) AS adj, sum(actual_paid) AS paid,
               sum(adjusted_budget) FILTER (category = '公用经费') AS pub_adj, sum(actual_paid) FILTER (category = '公用经费') AS pub_paid,
               sum(adjusted_budget - actual_paid) AS closing
        FROM {LINES} GROUP BY ALL),
    v AS (
        SELECT l.dept_code, l.fiscal_year,
               {H.format(n="l.paid", d="l.adj")} AS B11,
               {H.format(n="abs(l.adj - l.orig)", d="l.orig")} AS B12,
               {H.format(n="coalesce(c.closing_balance, l.closing)", d="l.paid")} AS B21,
               {H.format(n="l.pub_paid", d="l.pub_adj")} AS B23
        FROM led l LEFT JOIN raw.carryover c USING (dept_code, fiscal_year)),
    vv AS (SELECT * FROM v UNPIVOT (h FOR item IN (B11, B12, B21, B23))),
    scored AS (
        SELECT *, CASE item WHEN 'B11' THEN CASE WHEN h > 9000 THEN 2 ELSE 0 END
                            WHEN 'B12' THEN CASE WHEN h < 1000 THEN 2 ELSE 0 END
                            WHEN 'B21' THEN CASE WHEN h < 1000 THEN 1 ELSE 0 END
                            WHEN 'B23' THEN CASE WHEN h > 9000 THEN 1 ELSE 0 END END AS score
        FROM vv)
    SELECT r.dept_code, r.fiscal_year,
           r.reported_value * 100 <> s.h AS bad_value, r.reported_score <> s.score AS bad_score
    FROM raw.reported_results r JOIN scored s USING (dept_code, fiscal_year, item)
    WHERE r.framework_code = 'hn_dept_overall'
"""


def violations(con: duckdb.DuckDBPyConnection) -> set[tuple[str, int, str]]:
    found: set[tuple[str, int, str]] = set()
    for code, sql in CHECKS.items():
        if sql is None:
            continue
        for dept, year in con.execute(sql).fetchall():
            found.add((dept, int(year), code))
    for dept, year, bad_value, bad_score in con.execute(HN_SQL).fetchall():
        if bad_value:
            found.add((dept, int(year), "reported_value"))
        if bad_score:
            found.add((dept, int(year), "reported_score"))
    return found


# ---------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def demo_like(tmp_path_factory) -> tuple[Path, duckdb.DuckDBPyConnection, dict]:
    out = tmp_path_factory.mktemp("gen") / "demo"
    generate(out=out, **DEMO_PARAMETERS)
    con, manifest = load_all(out)
    return out, con, manifest


# ---------------------------------------------------------------------------
# determinism


def test_same_seed_same_bytes_different_seed_differs(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(out=a, fault_rate=0.2, **SMALL)
    generate(out=b, fault_rate=0.2, **SMALL)
    generate(out=c, fault_rate=0.2, **{**SMALL, "seed": SMALL["seed"] + 1})
    da, db, dc = tree_digest(a), tree_digest(b), tree_digest(c)
    assert da == db
    assert da != dc


def test_demo_sample_is_what_the_generator_writes(tmp_path, demo_like):
    """ingest/sample/demo is committed output: regenerating it must give the same bytes."""
    out, _, _ = demo_like
    assert DEMO_DIR.exists(), "regenerate with: python -m ingest.generator --demo"
    assert tree_digest(out) == tree_digest(DEMO_DIR)


def test_output_does_not_depend_on_worker_processes(tmp_path):
    a, b = tmp_path / "w1", tmp_path / "w2"
    generate(out=a, fault_rate=0.3, workers=1, **SMALL)
    generate(out=b, fault_rate=0.3, workers=2, **SMALL)
    assert tree_digest(a) == tree_digest(b)


def test_fast_amount_formatting_is_exact():
    import random

    from ingest.generator.writer import FAST_LIMIT, STYLES, Formatter

    r = random.Random(0)
    values = [0, 1, -1, 99, 100, 5, -79_703_00, FAST_LIMIT - 1, -(FAST_LIMIT - 1), FAST_LIMIT, 10**15 + 7]
    values += [r.randrange(-FAST_LIMIT, FAST_LIMIT) for _ in range(3_000)] + [
        r.randrange(0, 10**9) for _ in range(3_000)
    ]
    for style, _ in STYLES:
        f = Formatter(style)
        for v in values:
            assert f.plain_amount(v) == f._exact_amount(v), (style.name, v)


def test_xlsx_bytes_are_stable(tmp_path):
    outs = []
    for name in ("x1", "x2"):
        out = tmp_path / name
        generate(out=out, **DEMO_PARAMETERS)
        outs.append({k: v for k, v in tree_digest(out).items() if k.endswith(".xlsx")})
    assert outs[0] and outs[0] == outs[1]


# ---------------------------------------------------------------------------
# loading and consistency


def test_every_submission_loads_without_issues_and_row_counts_match(demo_like):
    _out, con, manifest = demo_like  # load_all asserted no errors, no warnings, rows per file
    for table, n in manifest["rows"].items():
        assert con.execute(f"SELECT count(*) FROM raw.{table}").fetchone()[0] == n, table
    assert con.execute("SELECT count(*) FROM audit.submissions").fetchone()[0] == len(manifest["submissions"])
    assert (
        manifest["department_years"]
        == manifest["parameters"]["departments"] * manifest["parameters"]["years"]
    )


def test_findings_are_exactly_the_planted_faults(demo_like):
    out, con, _ = demo_like
    expected = planted_keys(out)
    assert len(expected) == len(planted(out)), "one fault per department-year and check"
    assert violations(con) == expected


def test_demo_plants_every_fault_type_once(demo_like):
    out, _, manifest = demo_like
    rows = planted(out)
    assert sorted(r["check_code"] for r in rows) == sorted(FAULT_TYPES)
    assert manifest["faults"]["planted"] == len(rows) == 12
    assert len({(r["dept_code"], r["fiscal_year"]) for r in rows}) == len(rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_every_department_year_faulty_still_one_finding_each(tmp_path, seed):
    """fault_rate=1: every department-year carries one fault; each shows up alone."""
    out = tmp_path / "all"
    res = generate(departments=9, years=3, seed=seed, regions=2, fault_rate=1.0, out=out)
    con, _ = load_all(out)
    assert len(res.faults) == res.dept_years == 27
    assert violations(con) == planted_keys(out)


def test_clean_sample_has_no_findings(tmp_path):
    out = tmp_path / "clean"
    res = generate(departments=12, years=3, seed=5, regions=2, fault_rate=0.0, out=out)
    con, _ = load_all(out)
    assert res.faults == [] and planted(out) == []
    assert violations(con) == set()
    # monthly: twelve months per department-year that has them
    bad = con.execute(
        "SELECT count(*) FROM (SELECT dept_code, fiscal_year FROM raw.monthly_execution GROUP BY ALL HAVING count(*) <> 12)"
    )
    assert bad.fetchone()[0] == 0


def test_fault_types_can_be_chosen(tmp_path):
    out = tmp_path / "some"
    res = generate(
        departments=9,
        years=2,
        seed=4,
        regions=1,
        fault_rate=0.5,
        fault_types=["staffing_total", "reported_score"],
        out=out,
    )
    assert {f.check_code for f in res.faults} <= {"staffing_total", "reported_score"}
    assert len(res.faults) == 9
    with pytest.raises(ValueError):
        generate(departments=2, years=1, seed=1, out=tmp_path / "x", fault_types=["no_such_check"])


def test_reported_values_agree_with_the_oracle(demo_like):
    """Spot-check the Python oracle against the loaded ledger for every clean hn claim."""
    out, con, _ = demo_like
    bad = {(r["dept_code"], int(r["fiscal_year"])) for r in planted(out)}
    rows = con.execute(
        f"""
        SELECT l.dept_code, l.fiscal_year, sum(original_budget), sum(adjusted_budget), sum(actual_paid),
               sum(adjusted_budget) FILTER (category = '公用经费'), sum(actual_paid) FILTER (category = '公用经费'),
               any_value(c.closing_balance), sum(adjusted_budget - actual_paid)
        FROM {LINES} l LEFT JOIN raw.carryover c USING (dept_code, fiscal_year) GROUP BY ALL"""
    ).fetchall()
    claims = {
        (d, y, item): (v, s)
        for d, y, item, v, s in con.execute(
            "SELECT dept_code, fiscal_year, item, reported_value, reported_score FROM raw.reported_results WHERE framework_code = 'hn_dept_overall'"
        ).fetchall()
    }
    checked = 0
    for d, y, orig, adj, paid, pub_adj, pub_paid, closing_rep, closing_sum in rows:
        if (d, y) in bad:
            continue
        cents = lambda x: int(Decimal(x) * 100)  # noqa: E731
        closing = cents(closing_rep if closing_rep is not None else closing_sum)
        values = hn_values(cents(orig), cents(adj), cents(paid), cents(pub_adj), cents(pub_paid), closing)
        for code, value in values.items():
            if (d, y, code) in claims:
                v, s = claims[(d, y, code)]
                assert Decimal(v) == value and int(s) == threshold_score(code, value), (d, y, code)
                checked += 1
    assert checked > 40


# ---------------------------------------------------------------------------
# formats


def test_demo_varies_encodings_units_and_containers():
    manifest = json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))
    csvs = [p for p in DEMO_DIR.rglob("*.csv") if p.parent != DEMO_DIR]
    raw = {p: p.read_bytes() for p in csvs}

    def utf8(b: bytes) -> bool:
        try:
            b.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False

    gb = [p for p, b in raw.items() if not utf8(b)]
    assert gb and all(b.decode("gb18030") for p, b in raw.items() if p in gb)
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw.values()), "a UTF-8 CSV with BOM"
    assert list(DEMO_DIR.glob("*.xlsx")), "an XLSX workbook"
    texts = {p: (b.decode("gb18030") if p in gb else b.decode("utf-8-sig")) for p, b in raw.items()}
    first_lines = [t.splitlines()[0] for t in texts.values()]
    assert any("(万元)" in h for h in first_lines), "a 万元 header suffix"
    assert any(h.endswith(",unit") for h in first_lines), "a unit column"
    assert any("部门编码" in h for h in first_lines) and any(h.startswith("dept_code") for h in first_lines)
    assert any('"' in t and ",0" in t.replace('",', "") for t in texts.values()), (
        "quoted thousands separators"
    )
    assert any("(" in t and ")" in t for t in texts.values())
    styles = {s["style"] for s in manifest["submissions"]}
    assert {"csv-en", "csv-gbk-zh", "csv-gbk-zh-wan", "xlsx-en", "xlsx-zh"} <= styles
    size = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert size < 2_000_000
    assert not any(p.name.startswith("430406-") for p in DEMO_DIR.iterdir()), (
        "430406 belongs to the worked example"
    )


def test_units_convert_exactly_on_load(demo_like):
    _, con, manifest = demo_like
    wan = [s["submission_id"] for s in manifest["submissions"] if s["style"].endswith("-wan")]
    assert wan
    units = con.execute(
        "SELECT DISTINCT _source_unit FROM raw.budget_ledger WHERE _submission_id IN (SELECT unnest(?::VARCHAR[]))",
        [wan],
    ).fetchall()
    assert units == [("万元",)]


# ---------------------------------------------------------------------------
# the generator's own knowledge against the project's seeds and the worked example


def test_plantable_faults_are_error_checks_of_the_catalogue():
    with (SEEDS / "reconciliation_checks.csv").open(encoding="utf-8") as fh:
        checks = {r["check_code"]: r["severity_rule"] for r in csv.DictReader(fh)}
    for code in FAULT_TYPES:
        assert code in checks, code
        assert "error" in checks[code], code


def test_manual_indicators_match_the_seed():
    """The generator writes a person's score for every manual indicator of every department framework."""
    with (SEEDS / "frameworks.csv").open(encoding="utf-8") as fh:
        department_scope = {r["framework_code"] for r in csv.DictReader(fh) if r["scope"] == "department"}
    with (SEEDS / "framework_indicators.csv").open(encoding="utf-8") as fh:
        seed = {
            (r["framework_code"], r["indicator_code"]): Decimal(r["weight"])
            for r in csv.DictReader(fh)
            if r["framework_code"] in department_scope and r["rule_type"] == "manual"
        }
    generated = {("hn_dept_overall", m.code): Decimal(str(m.weight)) for m in C.HN_MANUAL}
    generated |= {(fw, m.code): Decimal(str(m.weight)) for fw, ms in C.OTHER_MANUAL.items() for m in ms}
    assert generated == seed


def test_manual_scores_stay_within_each_indicator_weight(demo_like):
    _, con, _ = demo_like
    weights = {("hn_dept_overall", m.code): m.weight for m in C.HN_MANUAL}
    weights |= {(fw, m.code): m.weight for fw, ms in C.OTHER_MANUAL.items() for m in ms}
    rows = con.execute("select framework_code, indicator_code, score from raw.qualitative_scores").fetchall()
    seen: dict[str, int] = {}
    for fw, code, score in rows:
        w = weights.get((fw, code))
        if w is None:  # B25 / B43, scored by a person when the department gave no inputs
            assert (fw, code) in {("hn_dept_overall", "B25"), ("hn_dept_overall", "B43")}
            continue
        assert min(0, w) <= float(score) <= max(0, w), (fw, code, score)
        seen[fw] = seen.get(fw, 0) + 1
    assert set(seen) == {"hn_dept_overall", *C.OTHER_MANUAL}
    assert any(float(s) < 0 for fw, c, s in rows if (fw, c) == ("sc_county_self", "S14"))  # some deductions


def test_oracle_reproduces_the_worked_example():
    """frameworks.md: B11 99.08, B12 2.39, B21 0.93, B23 100 for the 2023 雁峰区人社局 ledger."""
    sub = read_submission(
        ROOT / "ingest" / "sample" / "yanfeng-2023", catalog=FrameworkCatalog.from_seeds(SEEDS)
    )
    led = sub.tables["budget_ledger"].frame
    lines = [r for r in led.iter_rows(named=True) if not r["is_subtotal"]]
    c = lambda x: int(x * 100)  # noqa: E731
    orig = sum(c(r["original_budget"]) for r in lines)
    adj = sum(c(r["adjusted_budget"]) for r in lines)
    paid = sum(c(r["actual_paid"]) for r in lines)
    pub = [r for r in lines if r["category"] == "公用经费"]
    values = hn_values(
        orig,
        adj,
        paid,
        sum(c(r["adjusted_budget"]) for r in pub),
        sum(c(r["actual_paid"]) for r in pub),
        adj - paid,
    )
    assert {k: str(v) for k, v in values.items()} == {
        "B11": "99.08",
        "B12": "2.39",
        "B21": "0.93",
        "B23": "100.00",
    }
    assert pct(1, 8) == Decimal("12.50") and pct(1, 3) == Decimal("33.33") and pct(2, 3) == Decimal("66.67")
    assert pct(1, 40000) == Decimal("0.00") and pct(1, 20000) == Decimal(
        "0.01"
    )  # 0.0025 → 0.00; 0.005 → 0.01 (half-up)


# ---------------------------------------------------------------------------
# the output folder


def test_refuses_a_non_empty_folder_and_overwrites_its_own(tmp_path):
    out = tmp_path / "o"
    generate(departments=3, years=1, seed=1, out=out)
    with pytest.raises(FileExistsError):
        generate(departments=3, years=1, seed=1, out=out)
    res = generate(departments=4, years=2, seed=2, out=out, overwrite=True)
    listed = {s.path for s in res.submissions} | {"manifest.json", "planted.csv"}
    assert {p.name for p in out.iterdir()} == listed
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("x")
    with pytest.raises(FileExistsError):
        generate(departments=3, years=1, seed=1, out=other, overwrite=True)
    assert "部门" in res.summary() and "planted.csv" in res.summary()
