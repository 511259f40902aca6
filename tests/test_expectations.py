"""Issue 4, Great Expectations: the checkpoint `jixiao build` runs after dbt and `jixiao check` runs alone.

1. On the worked example every suite passes, each run leaves rows in audit.check_runs / check_results,
   and Data Docs (index.html beside the warehouse) list every suite.
2. `jixiao check --fail-on error` fails on the worked example (it has error findings), `--fail-on never`
   does not; findings never fail a build.
3. A planted integrity fault fails exactly the expectations that see it, and through the pipeline it stops
   the swap: the live warehouse stays as it was.
4. A real headless Chromium opens the Data Docs offline and shows the suites (screenshot in tests/artifacts/).

One GX import per session (~5 s); four extra checkpoint runs on copies of the session's warehouse.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import query

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _suite_names() -> list[str]:
    from expectations.suites import SUITES

    return [s.name for s in SUITES]


def _copy(warehouse: Path, dest_dir: Path) -> Path:
    dest_dir.mkdir(parents=True, exist_ok=True)
    dst = dest_dir / warehouse.name
    shutil.copyfile(warehouse, dst)
    return dst


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _latest_run(wh: Path) -> str:
    return query(wh, "select run_id from audit.check_runs order by run_at desc, run_id desc limit 1")[0][0]


# ---------------------------------------------------------------------------
# 0. GX's import (~5 s) stays out of the code paths that do not run the checkpoint


def test_great_expectations_is_imported_only_by_the_checkpoint():
    code = (
        "import sys, app.cli, app.pipeline, app.warehouse, ingest.load, ingest.submission, expectations, "
        "expectations.kinds, expectations.docs; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------------------
# 1. the worked example


def test_build_ran_the_checkpoint_and_every_suite_passed(yanfeng_warehouse):
    run_id = _latest_run(yanfeng_warehouse)
    runs = query(
        yanfeng_warehouse,
        "select suite, success, evaluated, successful, unsuccessful, suite_kind, docs_page from audit.check_runs where run_id = ?",
        [run_id],
    )
    assert sorted(r[0] for r in runs) == sorted(_suite_names())
    failed = [(r[0], r[4]) for r in runs if not r[1]]
    assert failed == [], failed
    assert all(r[2] > 0 and r[2] == r[3] and r[4] == 0 for r in runs)
    assert {r[5] for r in runs} == {"integrity", "findings"}

    results = query(
        yanfeng_warehouse,
        "select suite, count(*), bool_and(success), count(description) from audit.check_results where run_id = ? group by suite",
        [run_id],
    )
    evaluated = {r[0]: r[2] for r in runs}
    assert {r[0]: r[1] for r in results} == evaluated  # one row per expectation
    assert all(r[2] and r[3] == r[1] for r in results)  # all passed, all described

    # Data Docs beside the warehouse, with every suite and a page per suite
    docs = yanfeng_warehouse.parent / "data_docs"
    index = (docs / "index.html").read_text(encoding="utf-8")
    for name in _suite_names():
        assert name in index
    for suite, *_, page in runs:
        assert page and (docs / page).is_file(), suite
    assert (
        "https://" not in (docs / runs[0][6]).read_text(encoding="utf-8").split("<body")[0]
    )  # no CDN assets
    # the GX scratch folder (frames, site) is gone from the build folder
    assert not list((yanfeng_warehouse.parent / ".build").glob("gx-*"))


def test_findings_suite_reports_the_worked_examples_expected_errors(yanfeng_warehouse):
    """The report's own contradictions are error findings; they are in the allow-list, so the suite passes."""
    errors = query(
        yanfeng_warehouse,
        "select check_code, item from marts.fct_reconciliation_findings where severity = 'error' order by 1, 2",
    )
    assert ("reported_score", "B22 结转结余变动率") in errors and ("reported_total", "总分") in errors
    run_id = _latest_run(yanfeng_warehouse)
    assert query(
        yanfeng_warehouse,
        "select success, evaluated from audit.check_runs where run_id = ? and suite = 'findings_review'",
        [run_id],
    ) == [(True, 1)]


# ---------------------------------------------------------------------------
# 2. jixiao check


def test_check_exit_codes_follow_fail_on(yanfeng_warehouse, tmp_path, capsys):
    from app.cli import EXIT_FINDINGS, EXIT_OK, main, make_parser
    from expectations.suites import SUITES

    wh = _copy(yanfeng_warehouse, tmp_path / "live")
    runs_before = query(wh, "select count(distinct run_id) from audit.check_runs")[0][0]

    assert main(["check", "--warehouse", str(wh), "--fail-on", "error"]) == EXIT_FINDINGS
    out = capsys.readouterr().out
    n = len(SUITES)  # 22: one per raw table and public mart checked, and the findings review
    assert "错误 4 条" in out and f"{n} 个套件，{n} 个通过" in out and "--fail-on error" in out

    assert main(["check", "--warehouse", str(wh), "--fail-on", "never"]) == EXIT_OK
    assert make_parser().parse_args(["check"]).fail_on == "never"  # the default
    # each check went through the pipeline and swapped in a copy that records its run
    assert query(wh, "select count(distinct run_id) from audit.check_runs")[0][0] == runs_before + 2
    assert (wh.parent / "data_docs" / "index.html").is_file()
    assert not (wh.parent / ".build" / wh.name).exists()


# ---------------------------------------------------------------------------
# 3. planted integrity faults


def _plant(wh: Path) -> None:
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        # a score above its weight: B22 is worth 1 point
        con.execute(
            "update marts.fct_indicator_scores set score = 5 "
            "where framework_code = 'hn_dept_overall' and indicator_code = 'B22'"
        )
        # a duplicate key in a raw input: a second carryover row for the same department-year
        con.execute("insert into raw.carryover select * from raw.carryover limit 1")


def test_planted_faults_fail_the_right_expectations(yanfeng_warehouse, tmp_path):
    from app.pipeline import BuildFailed
    from expectations.checkpoint import ChecksFailed, run_checkpoint

    wh = _copy(yanfeng_warehouse, tmp_path / "planted")
    _plant(wh)
    with pytest.raises(ChecksFailed) as exc:
        run_checkpoint(wh, "planted")
    assert isinstance(exc.value, BuildFailed) and exc.value.stage == "checks"
    outcome = exc.value.outcome
    failed = {(s.name, r.column) for s in outcome.suites for r in s.results if not r.success}
    assert failed == {
        ("raw_carryover", "duplicate_keys"),  # the duplicate key
        ("marts_indicator_scores", "score_cap, max_score"),  # max(score) ≤ max(weight, 0)
        ("marts_level1_scores", "max_difference"),  # B's subtotal is no longer Σ its indicators
        ("marts_department_scores", "total_difference"),  # nor is the total
    }, failed
    cap = next(
        r for r in outcome.suite("marts_indicator_scores").results if r.column == "score_cap, max_score"
    )
    assert "hn_dept_overall · B22" in cap.details and "1 / " in cap.observed
    assert outcome.suite("findings_review").success and not outcome.integrity_success
    # the failing run's docs do not replace the live ones
    assert (wh.parent / "data_docs_failed" / "index.html").is_file()
    assert not (wh.parent / "data_docs").exists()
    assert "未通过" in (wh.parent / "data_docs_failed" / "index.html").read_text(encoding="utf-8")


def test_screened_checks_fail_exactly_like_full_ones(yanfeng_warehouse, tmp_path, monkeypatch):
    """Issue 18: with every frame screened (SCREEN_MIN_ROWS 0, a 3-row sample) GX sees a fraction of
    the rows, yet the same expectations fail with the same failing rows quoted as with --full."""
    import expectations.checkpoint as cp

    wh = _copy(yanfeng_warehouse, tmp_path / "screened")
    _plant(wh)
    full = cp.run_checkpoint(wh, "full", raise_on_failure=False, full=True)
    monkeypatch.setattr(cp, "SCREEN_MIN_ROWS", 0)
    monkeypatch.setattr(cp, "SAMPLE_ROWS", 3)
    screened = cp.run_checkpoint(wh, "screened", raise_on_failure=False)

    def failures(outcome):
        return {(s.name, r.column, r.details) for s in outcome.suites for r in s.results if not r.success}

    assert failures(screened) == failures(full) and len(failures(full)) == 4
    assert [(s.name, s.success, s.evaluated) for s in screened.suites] == [
        (s.name, s.success, s.evaluated) for s in full.suites
    ]
    ledger_full, ledger = full.suite("raw_budget_ledger"), screened.suite("raw_budget_ledger")
    assert ledger_full.rows == ledger_full.rows_total == ledger.rows_total == 10
    assert ledger.rows == 3  # the sample only: no ledger group fails or might fail a rule
    contract = screened.suite("marts_contract")
    assert (contract.rows_total, contract.rows, contract.success) == (57, 3, True)
    scores_full, scores = full.suite("marts_indicator_scores"), screened.suite("marts_indicator_scores")
    # 46 suspect rows (nulls are kept, to be safe) and the 3-row sample taken among the others
    assert (scores_full.rows, scores.rows_total, scores.rows) == (90, 90, 49)
    cap = next(r for r in scores.results if r.column == "score_cap, max_score")
    cap_full = next(r for r in scores_full.results if r.column == "score_cap, max_score")
    # counts are of the rows GX was given (the suite's Data Docs note says how many of how many)
    assert (cap_full.observed, cap.observed) == ("1 / 90 行不符", "1 / 49 行不符")
    assert "hn_dept_overall · B22" in cap.details and cap.details == cap_full.details


def test_each_suite_declares_its_frames_department_column(yanfeng_warehouse):
    # the screen keeps the loaded departments' rows by this column: declared where the frame has it, only there
    from expectations.checkpoint import _context
    from expectations.suites import SUITES

    with contextlib.closing(duckdb.connect(str(yanfeng_warehouse), read_only=True)) as con:
        ctx = _context(con)
        columns = {s.name: set(con.execute(s.query(ctx)).df().columns) for s in SUITES}
    declared = {s.name: s.department_column for s in SUITES}
    assert {n: "dept_code" if "dept_code" in columns[n] else None for n in columns} == declared
    assert sorted(n for n, c in declared.items() if c is None) == [
        "marts_contract",
        "marts_indicator_scores",
        "marts_indicator_values",
        "marts_level1_scores",
        "marts_reconciliation_findings",
    ]


def test_the_screen_keeps_every_row_that_might_fail():
    """_may_fail per expectation helper: a row is left out only when the rule certainly holds on it."""
    import pandas as pd

    from expectations.checkpoint import _may_fail
    from expectations.suites import _base as b

    f = pd.DataFrame(
        {
            "locator": list("abcdef"),
            "n": [0, 1, None, -1, 0, 2],
            "k": ["x", "x", "y", None, "z", "w"],
            "t": [True, True, False, True, True, True],
            "a": [1.0, 2.0, None, 3.0, 1.0, 5.0],
            "b": [1.0, 3.0, 1.0, 3.0, 0.5, 5.0],
        }
    )

    def rows(e):
        return "".join(f.loc[_may_fail(f, e), "locator"])

    assert rows(b.zero("n", "零")) == "bcdf"  # the null (c) is kept
    assert rows(b.zero("n", "零", where="t == True")) == "bdf"  # c is excluded by the condition
    assert rows(b.between("n", 0, None, "非负")) == "cd"
    assert rows(b.in_set("k", ["x", "y"], "集合")) == "def"  # the null (d) is kept
    assert rows(b.not_null("k", "非空")) == "d"
    assert rows(b.is_true("t", "真")) == "c"
    assert rows(b.a_at_least_b("a", "b", "a ≥ b")) == "bc"  # c: a missing
    assert rows(b.pair_equal("a", "b", "a = b")) == "bce"  # c: a missing
    assert rows(b.unique_together(["k"], "唯一")) == "abd"
    assert rows(b.unique_together(["k", "t"], "唯一")) == "ab"
    assert _may_fail(f, b.zero("missing_column", "缺列")) is None  # GX then sees the whole frame


def test_failed_checks_prevent_the_swap(yanfeng_warehouse, tmp_path):
    from app.pipeline import BuildFailed, build

    live = _copy(yanfeng_warehouse, tmp_path / "live")
    _plant(live)
    before = _digest(live)
    with pytest.raises(BuildFailed) as exc:
        build([], live, run_dbt=False)
    assert exc.value.stage == "checks" and "marts_indicator_scores" in exc.value.message
    assert _digest(live) == before  # not swapped: the live file is byte for byte the same
    assert not (live.parent / ".build" / live.name).exists()  # the build copy was discarded


# ---------------------------------------------------------------------------
# 4. Data Docs in a real browser, offline


CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_data_docs_open_in_a_browser(yanfeng_warehouse):
    sync_api = pytest.importorskip("playwright.sync_api")
    index = yanfeng_warehouse.parent / "data_docs" / "index.html"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    external: list[str] = []

    def only_local(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:  # a bureau's intranet has no CDN: the docs must not need one
            external.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.route("**/*", only_local)
            page.goto(index.as_uri(), wait_until="load", timeout=20_000)
            assert page.get_by_text("marts_indicator_scores").first.is_visible()
            assert page.get_by_text("指标得分（公共表）").first.is_visible()
            assert page.get_by_text("完整性检查全部通过").first.is_visible()
            page.screenshot(path=str(ARTIFACTS / "data_docs_index.png"), full_page=True)

            page.get_by_text("marts_indicator_scores").first.click()
            page.wait_for_load_state("load")
            assert page.get_by_text("Expectation Validation Result").first.is_visible()
            assert page.get_by_text("得分不超过分值").first.is_visible()
            page.screenshot(path=str(ARTIFACTS / "data_docs_suite.png"), full_page=True)
        finally:
            browser.close()
    assert external == []
