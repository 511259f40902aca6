"""Issue 17 in a real browser (streamlit run + Debian's Chromium), logged in as each role: 报送情况 and 对比
walked by an analyst with their exports read back, a read-only user who types a write page's URL refused,
and a 地区 user who sees only her region's departments on the workflow pages.

The warehouse: the worked example (雁峰区人社局, 430406, 2023), the demo's 珠晖区 (430405) in 2022 and in 2023
without 430405-housing (so it is missing), then a refused submission (a money column with a % sign).
Users (app/auth): admin 管理员, ana 分析员, wang 地区 (430405). Numbers are checked against the marts queried
here. Screenshots: tests/artifacts/workflow-roles-*.png. Nothing is written into the repository.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pytest
from conftest import CHROMIUM, MAIN, build_warehouse, free_port, query, serve_streamlit
from test_dashboard_browser import (
    CHROMIUM_ARGS,
    RENDERED,
    _expect_metric,
    _problems,
)

from app.auth import users as U
from app.dashboard import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
DEMO = ROOT / "ingest" / "sample" / "demo"
BROKEN = ROOT / "tests" / "bad_inputs" / "amount_percent_in_money_column" / "submission"
PASSWORD = "Jixiao-2023!"
ZHUHUI = "430405"
HRSS = "430406-hrss"
HOUSING = "430405-housing"
FW = "hn_dept_overall"


def _without(src: Path, dst: Path, dept: str) -> Path:
    """A copy of a CSV submission folder with every row of `dept` removed (its encoding kept)."""
    dst.mkdir(parents=True)
    for f in src.iterdir():
        raw = f.read_bytes()
        enc = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            enc, text = "gb18030", raw.decode("gb18030")
        kept = [ln for ln in text.splitlines(keepends=True) if ln.split(",", 1)[0] != dept]
        (dst / f.name).write_bytes("".join(kept).encode(enc))
    return dst


@pytest.fixture(scope="module")
def warehouse(yanfeng_warehouse, tmp_path_factory) -> Path:
    import shutil

    folder = tmp_path_factory.mktemp("roles")
    live = folder / "live" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(yanfeng_warehouse, live)
    sub23 = _without(DEMO / f"{ZHUHUI}-2023", folder / "in" / f"{ZHUHUI}-2023", HOUSING)
    res = build_warehouse(live, DEMO / f"{ZHUHUI}-2022", sub23, run_checks=False)
    assert [o.status for o in res.outcomes] == ["loaded", "loaded"]
    res = build_warehouse(live, BROKEN, run_checks=False)
    assert [o.status for o in res.outcomes] == ["refused"]
    return live


@pytest.fixture(scope="module")
def served(warehouse, tmp_path_factory):
    """`streamlit run` with jixiao's options on 127.0.0.1 and three users."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("roles_served")
    users = folder / "users.yaml"
    U.add_user(users, "admin", U.ADMIN, [], PASSWORD)
    U.add_user(users, "ana", U.ANALYST, [], PASSWORD)
    U.add_user(users, "wang", U.REGION, [ZHUHUI], PASSWORD)
    port = free_port()
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(warehouse), JIXIAO_USERS=str(users), HOME=str(folder))
    with serve_streamlit(serve.streamlit_command(MAIN, port), port, env, folder / "streamlit.log") as s:
        yield s.url


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _session(browser, url: str, name: str):
    """A new browser context logged in as `name`, on 总览."""
    context = browser.new_context(viewport={"width": 1440, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/")
    page.get_by_label("用户名").wait_for(timeout=60_000)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("h1", has_text="总览").wait_for(timeout=60_000)
    page.wait_for_function(RENDERED, timeout=60_000)
    return context, page


def _open(page, url: str, path: str, title: str) -> None:
    """Type the page's URL (a full load: the login cookie logs in again)."""
    page.goto(f"{url}/{path}")
    page.locator("h1", has_text=title).wait_for(timeout=60_000)
    page.wait_for_function(RENDERED, timeout=60_000)


def _choose(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key}").click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_function(RENDERED, timeout=60_000)


def _shot(page, name: str) -> None:
    page.locator("h1").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _download(page, key: str, tmp_path: Path) -> Path:
    """Click the download button with Streamlit key `key`; the saved file. A click that lands while the
    app reruns (the button redrawn) starts no download: clicked again, at most three times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        page.wait_for_function(RENDERED, timeout=60_000)
        try:
            with page.expect_download(timeout=15_000) as dl:
                page.locator(f".st-key-{key} button").click()
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    out = tmp_path / dl.value.suggested_filename
    dl.value.save_as(out)
    return out


def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Chinese Windows
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _num(v) -> float | None:
    return None if v in (None, "") else float(v)


def _sidebar_nav(page) -> str:
    return page.locator('[data-testid="stSidebarNav"]').inner_text()


def _region_name(wh: Path, region: str) -> str:
    return query(wh, "select distinct region_name from marts.dim_department where region_code = ?", [region])[
        0
    ][0]


def _expect_status_tiles(page, due: str, submitted: str, incomplete: str, missing: str) -> None:
    """Wait until the four 报送情况 tiles read these values (see `_expect_metric`)."""
    for label, value in zip(
        ("应报部门", "已报送", "缺少必需模板", "未报送"), (due, submitted, incomplete, missing), strict=True
    ):
        _expect_metric(page, label, value)


def _status_counts(wh: Path, year: int, region: str | None) -> dict[str, int]:
    rows = query(
        wh,
        "select l.label, count(distinct c.dept_code) from marts.fct_submission_coverage c "
        "join marts.dim_label l on l.kind = 'submission_status' and l.code = c.dept_year_status "
        "where c.fiscal_year = ? and (? is null or c.region_code = ?) group by 1",
        [year, region, region],
    )
    return dict(rows)


# ---------------------------------------------------------------------------- 报送情况 (item 3)


def test_submission_status_per_region_and_year_and_its_export(served, browser, warehouse, tmp_path):
    wh = warehouse
    context, page = _session(browser, served, "ana")
    try:
        _open(page, served, "submission-status", "报送情况")
        # every region, 2023 (the latest year): 珠晖区's 6 departments and 雁峰区人社局; housing is missing
        assert _status_counts(wh, 2023, None) == {"已报送": 6, "未报送": 1}
        _expect_status_tiles(page, "7", "6", "0", "1")

        zhuhui = _region_name(wh, ZHUHUI)
        _choose(page, "f_region", f"{zhuhui}（{ZHUHUI}）")
        assert _status_counts(wh, 2023, ZHUHUI) == {"已报送": 5, "未报送": 1}
        _expect_status_tiles(page, "6", "5", "0", "1")
        assert not _problems(page)
        _shot(page, "workflow-roles-submission-status.png")

        # the export, opened as the analyst would: title, headers, one row per department
        xlsx = _download(page, "ss_matrix__xlsx", tmp_path)
        assert xlsx.name == f"报送情况_{zhuhui}_2023.xlsx"
        ws = openpyxl.load_workbook(xlsx).active
        assert ws["A1"].value == f"报送情况（{zhuhui}，2023 年）"
        header = [c.value for c in ws[3]]
        labels = [
            r[0]
            for r in query(
                wh,
                "select distinct template_label, template_order from marts.fct_submission_coverage "
                "order by template_order",
            )
        ]
        assert header == ["区划", "部门编码", "部门", "报送状态", *labels]
        rows = {r[1]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=4, values_only=True)}
        expected = dict(
            query(
                wh,
                "select distinct c.dept_code, l.label from marts.fct_submission_coverage c "
                "join marts.dim_label l on l.kind = 'submission_status' and l.code = c.dept_year_status "
                "where c.fiscal_year = 2023 and c.region_code = ?",
                [ZHUHUI],
            )
        )
        assert {d: r["报送状态"] for d, r in rows.items()} == expected and len(expected) == 6
        assert (rows[HOUSING]["部门信息"], rows[HOUSING]["预算指标执行台账"]) == ("缺（必需）", "缺（必需）")
        submitted = query(
            wh,
            "select dept_code, template_label, submission_id from marts.fct_submission_coverage "
            "where fiscal_year = 2023 and region_code = ? and submitted",
            [ZHUHUI],
        )
        assert submitted and all(rows[d][t] == f"✓ {s}" for d, t, s in submitted)
        assert {s for _, _, s in submitted} == {f"{ZHUHUI}-2023"}

        # the refused submission and why, as exported
        refused = _csv(_download(page, "ss_refused__csv", tmp_path))
        assert [(r["提交"], r["错误数"], r["原因"], r["之后是否已导入更正版"]) for r in refused] == [
            ("submission", "1", "金额列不能带 %", "否")
        ]

        # 2022: all six departments of 珠晖区 submitted everything required
        _choose(page, "ss_year", "2022")
        assert _status_counts(wh, 2022, ZHUHUI) == {"已报送": 6}
        _expect_status_tiles(page, "6", "6", "0", "0")
        _shot(page, "workflow-roles-submission-status-2022.png")
    finally:
        context.close()


# ---------------------------------------------------------------------------- 对比 (item 7)


def test_compare_departments_side_by_side_and_against_their_region_median(
    served, browser, warehouse, tmp_path
):
    wh = warehouse
    scored = query(
        wh,
        "select s.dept_code, d.dept_name, d.region_code from marts.fct_department_scores s "
        "join marts.dim_department d using (dept_code) where s.fiscal_year = 2023 and s.framework_code = ? "
        "order by d.region_code, s.dept_code",
        [FW],
    )
    names = {d: n for d, n, _ in scored}
    chosen = [scored[0][0], scored[1][0], HRSS]  # the page's default two (珠晖区), then 雁峰区人社局
    context, page = _session(browser, served, "ana")
    try:
        _open(page, served, "compare", "对比")
        _choose(page, "cmp_year", "2023")
        page.locator(".st-key-cmp_depts input").click()
        page.get_by_role("option", name=f"{names[HRSS]}（{HRSS}）").click()
        page.keyboard.press("Escape")
        page.wait_for_function(RENDERED, timeout=60_000)
        assert not _problems(page)
        _shot(page, "workflow-roles-compare.png")

        ph = ", ".join("?" for _ in chosen)
        # totals and grades
        total = _csv(_download(page, "cmp_total__csv", tmp_path))
        want = query(
            wh,
            f"select dept_code, total_score, grade from marts.fct_department_scores "
            f"where fiscal_year = 2023 and framework_code = ? and dept_code in ({ph})",
            [FW, *chosen],
        )
        assert [r["部门"] for r in total] == [names[d] for d in chosen]
        assert {r["部门"]: (_num(r["总分"]), r["等级"]) for r in total} == {
            names[d]: (float(s), g) for d, s, g in want
        }

        # level-1 and indicator scores: every cell against the marts
        for key, table, label in (
            ("cmp_level1", "fct_level1_scores", "level1_code || ' ' || level_name"),
            ("cmp_indicators", "fct_indicator_scores", "indicator_code || ' ' || indicator_name"),
        ):
            got = _csv(_download(page, f"{key}__csv", tmp_path))
            want = query(
                wh,
                f"select {label}, dept_code, score from marts.{table} where fiscal_year = 2023 "
                f"and framework_code = ? and coalesce(project_code, '') = '' and dept_code in ({ph})",
                [FW, *chosen],
            )
            cells = {(r["指标"], d): _num(r[names[d]]) for r in got for d in chosen}
            assert cells == {(i, d): (None if s is None else float(s)) for i, d, s in want}, key
            assert len(got) == len({i for i, _, _ in want}) > 0

        # key rates, and each department's region median (珠晖区 and 雁峰区)
        rates = _csv(_download(page, "cmp_rates__csv", tmp_path))
        values = query(
            wh,
            f"select indicator_code || ' ' || indicator_name, dept_code, value from marts.fct_indicator_values "
            f"where fiscal_year = 2023 and framework_code = ? and project_code is null and part_code is null "
            f"and unit = '%' and dept_code in ({ph})",
            [FW, *chosen],
        )
        assert {(r["指标"], d): _num(r[names[d]]) for r in rates for d in chosen} == {
            (i, d): (None if v is None else float(v)) for i, d, v in values
        }
        for region in (ZHUHUI, "430406"):
            col = f"{_region_name(wh, region)}中位数"
            medians = dict(
                query(
                    wh,
                    "select v.indicator_code || ' ' || v.indicator_name, m.median_value "
                    "from marts.fct_region_year_indicator_values m join (select distinct indicator_code, "
                    "indicator_name, unit from marts.fct_indicator_values where framework_code = ?) v "
                    "using (indicator_code) where m.framework_code = ? and m.fiscal_year = 2023 "
                    "and not m.all_regions and m.region_code = ? and v.unit = '%'",
                    [FW, FW, region],
                )
            )
            got = {r["指标"]: _num(r[col]) for r in rates}
            # a rate that no department of the region could compute has no median: an empty cell
            assert got == {i: _num(medians.get(i)) for i in got}
            assert any(v is not None for v in got.values()), col
    finally:
        context.close()


# ---------------------------------------------------------------------------- roles (read-only, 地区)

WRITE_PAGES = [
    ("upload", "上传提交"),
    ("scoring", "评价人评分"),
    ("finding-review", "核对发现处理"),
    ("batch", "批量报告"),
    ("operations", "操作记录"),
]


@pytest.mark.parametrize(("name", "role"), [("ana", "分析员"), ("wang", "地区")])
def test_a_read_only_user_who_types_a_write_pages_url_is_refused(served, browser, name, role):
    context, page = _session(browser, served, name)
    try:
        nav = _sidebar_nav(page)
        assert "报送情况" in nav and not any(t in nav for _, t in WRITE_PAGES)
        for path, title in WRITE_PAGES:
            _open(page, served, path, title)
            page.get_by_text(f"此页面只对管理员开放：{role}只能查看，不能修改数据；请联系管理员").wait_for()
            assert page.locator('[data-testid="stFileUploader"]').count() == 0
            assert page.locator("button", has_text="校验并导入").count() == 0
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert title not in _sidebar_nav(page)  # still hidden from the menu
            if path == "upload":
                _shot(page, f"workflow-roles-{name}-upload-refused.png")
    finally:
        context.close()


def test_an_admin_gets_the_write_pages(served, browser):
    context, page = _session(browser, served, "admin")
    try:
        nav = _sidebar_nav(page)
        assert all(t in nav for _, t in WRITE_PAGES) and "View" not in nav  # no English "View 5 more"
        _shot(page, "workflow-roles-admin-overview.png")
        _open(page, served, "upload", "上传提交")
        assert page.locator('[data-testid="stFileUploader"]').count() == 1
        assert page.get_by_text("此页面只对管理员开放").count() == 0
    finally:
        context.close()


def test_a_region_user_sees_only_her_regions_departments_on_the_workflow_pages(
    served, browser, warehouse, tmp_path
):
    wh = warehouse
    mine = {
        r[0]: r[1]
        for r in query(
            wh, "select dept_code, dept_name from marts.dim_department where region_code = ?", [ZHUHUI]
        )
    }
    assert len(mine) == 6 and HRSS not in mine
    context, page = _session(browser, served, "wang")
    try:
        # 填报模板: pre-filled with her six departments only
        _open(page, served, "submit", "填报模板")
        assert page.get_by_text(f"预填所选区划部门（{len(mine)} 个）").count() == 1
        tpl = _download(page, "tpl_download", tmp_path)
        ws = openpyxl.load_workbook(tpl)["部门信息"]
        codes = {r[0] for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
        assert codes == set(mine)

        # 报送情况: her region's departments, 2023 (housing missing); no other region's refusals
        _open(page, served, "submission-status", "报送情况")
        _expect_status_tiles(page, "6", "5", "0", "1")
        page.get_by_text("被拒绝的提交无法确定所属区划，只对管理员和分析员显示。").wait_for()
        ws = openpyxl.load_workbook(_download(page, "ss_matrix__xlsx", tmp_path)).active
        assert {r[1] for r in ws.iter_rows(min_row=4, values_only=True)} == set(mine)
        assert page.locator(".st-key-ss_refused__csv").count() == 0
        _shot(page, "workflow-roles-wang-submission-status.png")

        # 对比: only her departments to choose from
        _open(page, served, "compare", "对比")
        page.locator(".st-key-cmp_depts input").click()
        options = [o.inner_text().strip() for o in page.locator('[role="option"]').all()]
        page.keyboard.press("Escape")
        scored = query(
            wh,
            "select dept_code from marts.fct_department_scores s join marts.dim_department d using (dept_code) "
            "where s.fiscal_year = 2023 and s.framework_code = ? and d.region_code = ?",
            [FW, ZHUHUI],
        )
        chosen = page.locator(".st-key-cmp_depts").inner_text()
        listed = set(options) | {f"{mine[d]}（{d}）" for d in mine if f"（{d}）" in chosen}
        assert listed == {f"{mine[d]}（{d}）" for (d,) in scored}
        assert HRSS not in " ".join(options) + chosen
        _shot(page, "workflow-roles-wang-compare.png")
    finally:
        context.close()
