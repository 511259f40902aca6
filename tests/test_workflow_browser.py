"""Issue 17 in a real browser (streamlit run + Debian's Chromium): the analysts' year, walked as a user would.

On a served copy of the worked example (雁峰区人社局 2023, total 90):
1. 上传提交: a broken submission (a zip) shows its rejected row; a good workbook (the demo's 430408-2023.xlsx,
   9 departments of 蒸湘区) loads and 总览 counts them;
2. 评价人评分: B42 0 → 2 points, the total goes 90 → 92;
3. 核对发现处理: a finding acknowledged as 待整改 is still marked after a `jixiao build --rebuild`;
4. 批量报告: the ZIP of 蒸湘区's 9 reports (Word and Markdown) downloaded, one report read from it.
Screenshots: tests/artifacts/workflow-*.png. The repository is not written (the served warehouse, the jobs
and the submissions store are in a temporary folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import CHROMIUM, MAIN, free_port, query, serve_streamlit
from test_dashboard_browser import (
    CHROMIUM_ARGS,
    RENDERED,
    _expect_metric,
    _metric,
    _problems,
)

from app import numbers as N
from app.dashboard import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
DEMO = ROOT / "ingest" / "sample" / "demo"
BROKEN = ROOT / "tests" / "bad_inputs" / "amount_percent_in_money_column" / "submission"
HRSS = "430406-hrss"
LONG = 400_000  # ms: an upload is a whole build (dbt + checks) on 2 shared cores


@pytest.fixture(scope="module")
def served(yanfeng_warehouse, tmp_path_factory):
    """The dashboard as `jixiao app` serves it, on a copy of the worked example: (url, warehouse)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    live = tmp_path_factory.mktemp("wf_served") / "jixiao.duckdb"
    shutil.copyfile(yanfeng_warehouse, live)
    port = free_port()
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(live), HOME=str(live.parent))
    with serve_streamlit(serve.streamlit_command(MAIN, port), port, env, live.parent / "streamlit.log") as s:
        yield s.url, live


@pytest.fixture(scope="module")
def page(served):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = b.new_page(viewport={"width": 1440, "height": 1600})
        yield pg
        b.close()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function(RENDERED, timeout=60_000)


def _shot(page, name: str) -> None:
    """A screenshot of the page from its top (Streamlit scrolls its main area, not the window)."""
    page.locator("h1").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def _upload(page, url: str, files: list[Path]) -> None:
    _open(page, url + "/upload")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(f) for f in files])
    button = page.get_by_role("button", name="校验并导入")
    page.wait_for_function(
        "() => [...document.querySelectorAll('button')].some(b => b.innerText.includes('校验并导入') && !b.disabled)"
    )
    button.click()


def test_upload_a_broken_submission_then_a_good_one(served, page, tmp_path):
    url, live = served
    broken = tmp_path / "雁峰区人社局更正.zip"
    with zipfile.ZipFile(broken, "w") as z:
        for f in sorted(BROKEN.iterdir()):
            z.write(f, f.name)
    _upload(page, url, [broken])
    page.get_by_text("1 个提交被拒绝，未导入任何数据：雁峰区人社局更正").wait_for(timeout=LONG)
    page.wait_for_function(RENDERED, timeout=60_000)
    assert page.get_by_text("被拒绝的行与警告（共 1 条）").is_visible()
    assert page.get_by_role("button", name="下载 Excel").count() == 2
    _shot(page, "workflow-upload-rejects.png")
    # the rejected row, as the command line prints it, in the warehouse's audit table
    assert query(
        live,
        "select file, row_number, column_name, value, reason from audit.ingest_rejects where submission_id = '雁峰区人社局更正'",
    ) == [("carryover.csv", 2, "opening_balance", "121,000.00%", "金额列不能带 %")]

    _upload(page, url, [DEMO / "430408-2023.xlsx"])
    page.get_by_text("已导入 1 个提交，仓库已更新：430408-2023").wait_for(timeout=LONG)
    page.wait_for_function(RENDERED, timeout=60_000)
    assert not [p for p in _problems(page) if "被拒绝" not in p]
    _shot(page, "workflow-upload-loaded.png")

    _open(page, url + "/")
    n = query(
        live,
        "select count(*) from marts.fct_department_scores where framework_code = 'hn_dept_overall' and fiscal_year = 2023",
    )[0][0]
    assert n == 10  # 雁峰区人社局 + the 9 departments of 蒸湘区 in the uploaded workbook
    assert _metric(page, "参评部门") == "10"
    _shot(page, "workflow-overview-after-upload.png")
    assert (live.parent / "submissions" / "430408-2023.xlsx").is_file()


def test_enter_a_score_and_see_the_total_change(served, page):
    url, _ = served
    _open(page, url + "/scoring")
    assert _metric(page, "总分") == "90"
    key = f"st-key-sc_{HRSS}_2023_hn_dept_overall_B42"
    page.locator(f".{key}_score input").fill("2")
    page.locator(f".{key}_evidence input").fill("固定资产卡片已全部张贴")
    page.locator(f".{key}_evidence input").press("Tab")
    page.wait_for_function(RENDERED, timeout=60_000)  # as for 保存处理结果 below
    page.get_by_role("button", name="保存评分").click()
    page.get_by_text("已保存：B42 资产管理安全性 2 分。总分已重新计算。").wait_for(timeout=LONG)
    page.wait_for_function(RENDERED, timeout=60_000)
    assert _metric(page, "总分") == "92"
    _shot(page, "workflow-scoring.png")


def _show_warnings(page) -> None:
    """The page lists errors by default: add the warnings."""
    page.locator(".st-key-fr_sev").click()
    page.get_by_role("option", name="警告").click()
    page.keyboard.press("Escape")
    page.wait_for_function(RENDERED, timeout=60_000)


def test_acknowledge_a_finding_and_see_it_marked_after_a_rebuild(served, page):
    url, live = served
    fid, item = query(
        live,
        "select finding_id, item from marts.fct_reconciliation_findings where severity = 'warning' "
        "and dept_code = ? order by finding_id limit 1",
        [HRSS],
    )[0]
    _open(page, url + "/finding-review")
    assert _metric(page, "已处理") == "4"  # the worked example's 4 errors (seeded)
    _show_warnings(page)
    assert _metric(page, "已处理") == "4"  # no warning acknowledged yet
    page.locator(".st-key-fr_ids").click()
    page.get_by_role("option", name=fid[:12]).first.click()
    page.keyboard.press("Escape")
    page.wait_for_function(RENDERED, timeout=60_000)  # each widget's rerun ends before the next one is used
    page.locator(".st-key-fr_status").get_by_text("待整改").click()
    page.wait_for_function(RENDERED, timeout=60_000)
    page.locator(".st-key-fr_note textarea").fill("已通知部门说明分母为 0 的原因")
    # commit the note (a text area sends its value on blur) and let that rerun end before clicking: a click
    # that lands while the page reruns hits a button being redrawn and starts no job (CI, a loaded machine)
    page.locator(".st-key-fr_note textarea").press("Tab")
    page.wait_for_function(RENDERED, timeout=60_000)
    page.get_by_role("button", name="保存处理结果").click()
    page.get_by_text("已标记 1 条为“待整改”").wait_for(timeout=LONG)
    page.wait_for_function(RENDERED, timeout=60_000)
    assert query(live, "select status, note from audit.finding_acks where finding_id = ?", [fid]) == [
        ("待整改", "已通知部门说明分母为 0 的原因")
    ]

    # a rebuild from the command line; the open page reruns by itself when the new file lands
    ino = live.stat().st_ino
    stamp = page.get_by_text("更新于").first.inner_text()
    r = subprocess.run(
        [sys.executable, "-m", "app.cli", "build", "--rebuild", "--warehouse", str(live), "--skip-checks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stdout[-2000:]
    assert live.stat().st_ino != ino
    # no reload: the page notices the new file (app/dashboard/refresh.py) and shows its time
    page.wait_for_function(
        "(old) => [...document.querySelectorAll('[data-testid=stSidebar] p')]"
        ".some(p => p.innerText.includes('更新于') && p.innerText !== old)",
        arg=stamp,
        timeout=30_000,
    )
    _open(page, url + "/finding-review")
    _show_warnings(page)
    _expect_metric(page, "已处理", "5")
    page.locator(".st-key-fr_ids").click()
    option = page.get_by_role("option", name=fid[:12]).first
    assert f"{item} · 待整改" in option.inner_text()
    page.keyboard.press("Escape")
    _shot(page, "workflow-finding-acked-after-rebuild.png")
    _open(page, url + "/operations")
    assert [r[0] for r in query(live, "select kind from audit.operations order by op_seq")] == [
        "upload",
        "upload",
        "score",
        "ack",
    ]
    _shot(page, "workflow-operations.png")


def test_download_a_region_zip_and_open_one_report_from_it(served, page, tmp_path):
    url, live = served
    _open(page, url + "/batch")
    page.locator(".st-key-bt_region").click()
    page.get_by_role("option", name="湖南省衡阳市蒸湘区（430408）").click()
    page.wait_for_function(RENDERED, timeout=60_000)
    page.locator(".st-key-bt_formats").click()
    page.get_by_role("option", name="Markdown").click()
    page.keyboard.press("Escape")
    page.wait_for_function(RENDERED, timeout=60_000)
    page.get_by_role("button", name="生成报告").click()
    page.get_by_text("已生成 9 个部门 × docx、md，共 18 份报告，另有汇总表。").wait_for(timeout=LONG)
    page.wait_for_function(RENDERED, timeout=60_000)
    _shot(page, "workflow-batch.png")
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载 ZIP").click()
    z = tmp_path / dl.value.suggested_filename
    dl.value.save_as(z)
    assert z.name == "评价报告_湖南省衡阳市蒸湘区_2023_hn_dept_overall.zip"
    with zipfile.ZipFile(z) as zf:
        names = zf.namelist()
        assert len([n for n in names if n.startswith("docx/")]) == 9 and "汇总.xlsx" in names
        report = zf.read("md/430408-science_2023_hn_dept_overall.md").decode("utf-8")
    name, total = query(
        live,
        "select d.dept_name, s.total_score from marts.fct_department_scores s join marts.dim_department d using (dept_code) "
        "where dept_code = '430408-science' and fiscal_year = 2023 and framework_code = 'hn_dept_overall'",
    )[0]
    assert name in report and f"评价得分为 **{N.score(total)} 分**" in report


def test_the_repository_was_not_written():
    assert _git_status() == GIT_STATUS_BEFORE


def _git_status() -> str:
    r = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True)
    return r.stdout


GIT_STATUS_BEFORE = _git_status()
