"""Issue 5: the dashboard, page by page, with Streamlit's AppTest on the worked example (雁峰区人社局 2023).

- every page renders without an exception or error, under every framework;
- 部门详情 for 430406-hrss 2023 under hn_dept_overall: 90, 优, level-1 A 14, B11 99.08% with its sentence,
  the ledger totals behind it, the B22 finding;
- 核对发现: the B22 error (报告得 0 分 … 应得 1 分); drill-down from the findings and from the league table;
- sidebar filters (region, years, framework);
- SQL 查询: a SELECT returns rows; every forbidden attempt is refused with a Chinese message, at the
  statement filter and, independently, at the locked connection; runaway queries are stopped;
- cache invalidation: a swapped-in warehouse file shows up on the next run, never stale rows;
- exports: CSV / XLSX bytes of the department-year's scoring table.

Multi-year behaviour (change from last year, movers, trends) and a rebuild while the app is serving are in
test_dashboard_browser.py, which builds a multi-year warehouse while a real server is running.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import query
from streamlit.testing.v1 import AppTest

from app.dashboard import data, exports, fmt, sandbox, scoring_table

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "dashboard" / "main.py")
PAGES = [
    "views/overview.py",
    "views/department.py",
    "views/indicators.py",
    "views/trends.py",
    "views/findings.py",
    "views/sql.py",
]
HRSS = "430406-hrss"
HRSS_NAME = "雁峰区人力资源和社会保障局"


@pytest.fixture
def wh(yanfeng_warehouse, monkeypatch) -> Path:
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(yanfeng_warehouse))
    return yanfeng_warehouse


def app(page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.run()
    ok(at)
    if page:
        if query:
            at.query_params.update(query)
        at.switch_page(page).run()
        ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def frames(at: AppTest):
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, *columns: str):
    for df in frames(at):
        if all(c in df.columns for c in columns):
            return df
    raise AssertionError(f"no table with columns {columns}: {[list(d.columns) for d in frames(at)]}")


def chart_data(at: AppTest):
    """The data behind every Altair chart on the page (Streamlit ships it as Arrow datasets)."""
    from streamlit import dataframe_util

    out = []
    for chart in at.get("vega_lite_chart"):
        for ds in chart.proto.datasets:
            out.append(dataframe_util.convert_arrow_bytes_to_pandas_df(ds.data.data))
        if chart.proto.data.data:
            out.append(dataframe_util.convert_arrow_bytes_to_pandas_df(chart.proto.data.data))
    return out


def text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader]
    return "\n".join(parts)


def open_department(query=None) -> AppTest:
    return app("views/department.py", query or {"dept": HRSS, "year": "2023", "fw": "hn_dept_overall"})


# ---------------------------------------------------------------------------- every page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(wh, page):
    at = app(page)
    assert at.title[0].value in {"总览", "部门详情", "指标分析", "年度趋势", "核对发现", "SQL 查询"}
    assert len(at.get("download_button")) >= 2, "every table has CSV and XLSX downloads"
    # the sidebar: region, years, framework
    assert {w.label for w in at.sidebar.selectbox} >= {"区划", "评价体系"}
    assert [w.label for w in at.sidebar.multiselect] == ["年度"]


def test_every_framework_renders_on_every_page(wh):
    with data.run_scope():
        codes = data.frameworks().framework_code.tolist()
    assert {"hn_dept_overall", "sc_county_self", "mof_dept_common", "pefa_2016"} <= set(codes)
    at = app()
    for fw in codes:
        at.sidebar.selectbox(key="f_framework").set_value(fw).run()
        ok(at)
        for page in PAGES[1:] + PAGES[:1]:
            at.switch_page(page).run()
            ok(at)


def test_hn_dept_overall_is_the_default_framework(wh):
    at = app()
    assert at.sidebar.selectbox(key="f_framework").value == "hn_dept_overall"
    assert at.sidebar.multiselect(key="f_years").value == [2023]


# ---------------------------------------------------------------------------- 部门详情: the worked example


def test_department_page_shows_the_worked_example(wh):
    at = open_department()
    m = metrics(at)
    assert m["总分"] == "90"
    assert m["等级"] == "优"
    assert m["满分"] == "100"
    assert HRSS_NAME in text(at)

    l1 = frame_with(at, "一级指标", "名称", "分值", "得分")
    a = l1[l1["一级指标"] == "A"].iloc[0]
    assert (a["名称"], a["分值"], a["得分"]) == ("投入", 15, 14)
    assert l1.set_index("一级指标")["得分"].to_dict() == {"A": 14, "B": 27, "C": 34, "D": 15}

    ind = frame_with(at, "指标编码", "指标值", "评分规则", "说明").set_index("指标编码")
    b11 = ind.loc["B11"]
    assert b11["指标值"] == "99.08%"
    assert (b11["分值"], b11["得分"], b11["评分方式"]) == (2, 2, "按规则")
    assert (
        b11["说明"]
        == "预算完成率 = 88,044,648.36 / 88,862,851.06 × 100% = 99.08%，大于 90%，得 2 分（满分 2 分）"
    )
    assert "90%" in b11["评分规则"]
    assert ind.loc["B22", "指标值"] == "-5.01%" and ind.loc["B22", "得分"] == 1
    assert ind.loc["D2", "得分"] == 3 and "81.25%" in ind.loc["D2", "说明"]
    assert ind.loc["A11", "评分方式"] == "评价人"
    assert ind["得分"].sum() == 90

    # the step-by-step explanation, report style
    assert "**B11 预算完成率**" in text(at) and "99.08%" in text(at)
    # the inputs behind the scores: ledger totals, shares like the report's
    assert m["实际支出（元）"] == "88,044,648.36"
    assert m["调整后预算（元）"] == "88,862,851.06"
    assert m["年初预算（元）"] == "91,041,311.06"
    assert m["预算完成率"] == "99.08%"
    ledger = frame_with(at, "项目", "年初预算", "调整后预算", "实际支出").set_index("项目")
    assert ledger.loc["基本支出", "实际支出"] == pytest.approx(3_395_742.00)
    assert ledger.loc["　人员经费", "支出占比"] == pytest.approx(92.87, abs=0.005)
    assert ledger.loc["项目支出", "实际支出"] == pytest.approx(84_648_906.36)
    assert ledger.loc["　特定目标类", "支出占比"] == pytest.approx(94.57, abs=0.005)
    calc = frame_with(at, "计算式", "分子", "分母").set_index("指标编码")
    assert calc.loc["A22", "计算式"] == "40 / 42 × 100%"
    # 三公 and staffing
    facts = frame_with(at, "类别", "项目", "数值")
    assert {"“三公”经费", "人员编制", "结转结余"} <= set(facts["类别"])
    # history, the two scoring-table downloads and the evaluation report (app/report, generated on click)
    assert frame_with(at, "年度", "总分", "等级")["总分"].tolist() == [90]
    labels = [b.label for b in at.get("download_button")]
    assert "下载评分表（Excel）" in labels and "下载评分表（CSV）" in labels
    assert {"评价报告（Word）", "评价报告（PDF）", "评价报告（Markdown）"} <= set(labels)


def test_department_page_lists_its_findings(wh):
    at = open_department()
    fd = frame_with(at, "严重程度", "检查", "核对对象", "说明")
    b22 = fd[fd["核对对象"].str.startswith("B22")]
    assert len(b22) == 1
    row = b22.iloc[0]
    assert row["严重程度"] == "错误"
    assert "报告得 0 分" in row["说明"] and "应得 1 分" in row["说明"]
    assert any(fd["核对对象"] == "总分")
    assert int(metrics(at)["核对发现"]) == len(fd)


def test_department_page_follows_its_selectors_and_the_url(wh):
    at = open_department()
    assert at.query_params.get("dept") == HRSS and at.query_params.get("year") == "2023"
    assert at.selectbox(key="d_dept").value == HRSS
    assert at.selectbox(key="d_year").value == 2023
    # another framework: the same department-year, scored by Sichuan's self-evaluation table
    at.sidebar.selectbox(key="f_framework").set_value("sc_county_self").run()
    ok(at)
    assert metrics(at)["总分"] != "90"
    assert at.query_params.get("fw") == "sc_county_self"


def test_scoring_table_export(wh):
    with data.run_scope():
        title, sheets = scoring_table.workbook("hn_dept_overall", "湖南", HRSS, 2023)
        xlsx = scoring_table.workbook_bytes("hn_dept_overall", "湖南", HRSS, 2023)
        csv_bytes = scoring_table.csv_bytes("hn_dept_overall", "湖南", HRSS, 2023)
    assert HRSS_NAME in title and "2023" in title
    assert set(sheets) == {"总分", "评分表", "一级指标", "预算执行", "核对发现"}
    summary = dict(zip(sheets["总分"]["项目"], sheets["总分"]["内容"]))
    assert (summary["总分"], summary["等级"]) == (90, "优")  # a number in Excel, not the text "90"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        names = z.namelist()
        assert "xl/workbook.xml" in names and sum(n.startswith("xl/worksheets/sheet") for n in names) == 5
        strings = z.read("xl/sharedStrings.xml").decode("utf-8")
        workbook = z.read("xl/workbook.xml").decode("utf-8")
    assert "评分表" in workbook and "一级指标" in workbook
    assert "预算完成率 = 88,044,648.36 / 88,862,851.06 × 100% = 99.08%" in strings
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    b11 = next(r for r in rows if r["指标编码"] == "B11")
    assert b11["指标值"] == "99.08%" and b11["得分"] in ("2", "2.0")
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese correctly


def test_xlsx_keeps_numbers_as_numbers():
    import pandas as pd

    df = pd.DataFrame({"部门": ["甲"], "实际支出": [88044648.36], "执行率": [99.08], "得分": [90.0]})
    xlsx = exports.xlsx_bytes({"表": df}, money=["实际支出"], pct=["执行率"], score=["得分"], title="标题")
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        styles = z.read("xl/styles.xml").decode("utf-8")
    assert "<v>88044648.36</v>" in sheet and "<v>99.08</v>" in sheet
    assert "#,##0.00" in styles and "0.00&quot;%&quot;" in styles


def test_number_formats_are_the_reports():
    assert fmt.money(88044648.36) == "88,044,648.36"
    assert fmt.pct(99.08) == "99.08%"
    assert fmt.pct(-5.005) == "-5.01%"  # half-up, like the reports
    assert fmt.score(90.0) == "90" and fmt.score(91.5) == "91.5" and fmt.score(97.925) == "97.93"
    assert fmt.value(3, "项") == "3 项" and fmt.value(None, "%") == "—"


# ---------------------------------------------------------------------------- 总览 and drill-down


def test_overview_league_table_and_drill_down(wh):
    at = app()
    assert at.title[0].value == "总览"
    m = metrics(at)
    assert m["参评部门"] == "1" and m["优"] == "1" and m["良"] == "0"
    league = frame_with(at, "排名", "部门", "得分", "等级", "较上年", "核对发现")
    row = league[league["部门"] == HRSS_NAME].iloc[0]
    assert (row["排名"], row["得分"], row["等级"]) == (1, 90, "优")
    assert row["核对发现"] >= 1 and row["其中错误"] >= 1
    assert row["详情"] == f"department?dept={HRSS}&year=2023&fw=hn_dept_overall"
    # select the row, press the button: the department page opens on that department-year
    at.session_state["league"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    button = next(b for b in at.button if b.label.startswith("打开部门详情"))
    assert HRSS_NAME in button.label and "2023" in button.label
    button.click().run()
    ok(at)
    assert at.title[0].value == "部门详情"
    assert metrics(at)["总分"] == "90" and metrics(at)["等级"] == "优"
    assert at.query_params.get("dept") == HRSS


def test_sidebar_filters(wh):
    at = app()
    regions = at.sidebar.selectbox(key="f_region").options
    assert any("430406" in r for r in regions)
    at.sidebar.selectbox(key="f_region").set_value("430406").run()
    ok(at)
    assert metrics(at)["参评部门"] == "1"
    assert "湖南省衡阳市雁峰区" in text(at)
    at.sidebar.selectbox(key="f_framework").set_value("mof_dept_common").run()
    ok(at)
    league = frame_with(at, "部门", "得分", "等级")
    assert league.iloc[0]["得分"] != 90  # the national template scores the same department differently
    # no year selected means every year
    at.sidebar.multiselect(key="f_years").set_value([]).run()
    ok(at)
    assert "按全部年度显示" in "\n".join(c.value for c in at.sidebar.caption)
    # filters survive a page change
    at.switch_page("views/department.py").run()
    ok(at)
    assert at.sidebar.selectbox(key="f_framework").value == "mof_dept_common"
    assert at.sidebar.selectbox(key="f_region").value == "430406"


# ---------------------------------------------------------------------------- 核对发现


def test_findings_page_shows_the_b22_error_and_links_to_the_department(wh):
    at = app("views/findings.py")
    fd = frame_with(at, "严重程度", "部门", "检查", "核对对象", "说明", "详情")
    b22 = fd[fd["核对对象"].str.startswith("B22")].iloc[0]
    assert b22["严重程度"] == "错误" and b22["部门"] == HRSS_NAME
    assert "报告得 0 分" in b22["说明"] and "应得 1 分" in b22["说明"]
    assert (
        b22["详情"] == f"department?dept={HRSS}&year=2023&fw=hn_dept_overall&tab=findings"
    )  # opens 核对发现
    assert int(metrics(at)["错误"]) >= 4  # B22, A subtotal, B subtotal, total

    # filter: severity and check
    at.multiselect(key="fi_sev").set_value(["info"]).run()
    ok(at)
    info = frame_with(at, "严重程度", "核对对象")
    assert set(info["严重程度"]) == {"提示"} and any(info["核对对象"].str.startswith("A22"))
    at.multiselect(key="fi_sev").set_value(["error", "warning", "info"]).run()
    at.multiselect(key="fi_checks").set_value(["reported_score"]).run()
    ok(at)
    only = frame_with(at, "严重程度", "核对对象")
    assert only["核对对象"].tolist() == ["B22 结转结余变动率"]
    # filter: department
    at.selectbox(key="fi_dept").set_value(HRSS).run()
    ok(at)
    # drill down: select the row, open the department
    at.session_state["findings"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    next(b for b in at.button if b.label.startswith("打开部门详情")).click().run()
    ok(at)
    assert at.title[0].value == "部门详情" and metrics(at)["总分"] == "90"


def test_findings_page_reports_the_latest_checkpoint(wh):
    at = app("views/findings.py")
    assert any(s.value.startswith("数据质量检查") for s in at.subheader)
    with data.run_scope():
        runs = data.check_runs()
    if runs.empty:
        assert any("还没有数据质量检查记录" in i.value for i in at.info)
    else:
        latest = runs[runs.run_id == runs.iloc[0].run_id]
        m = metrics(at)
        integrity = latest[latest.suite_kind == "integrity"]
        assert m["完整性检查组"] == f"{int(integrity.success.sum())}/{len(integrity)} 通过"
        assert int(m["检查项"]) == int(latest.evaluated.sum())
        assert int(m["未通过项"]) == int(latest.unsuccessful.sum())
        assert any(str(runs.iloc[0].run_id) in c.value for c in at.caption)
    assert "Data Docs" in text(at)


# ---------------------------------------------------------------------------- 指标分析 and 年度趋势


def test_indicator_page_heatmap_distribution_and_thresholds(wh):
    at = app("views/indicators.py")
    heat = frame_with(at, "部门", "B11")
    row = heat[heat["部门"] == HRSS_NAME].iloc[0]
    assert row["B11"] == 100 and row["B42"] == 0  # 2/2 and 0/2 (部分资产未张贴固定资产卡片)
    at.selectbox(key="ia_indicator").set_value("B11").run()
    ok(at)
    assert "评分规则：预算完成率大于90%" in text(at).replace(" ", "")
    assert metrics(at)["中位数"] == "99.08%"
    # the threshold is drawn on the distribution: the chart has a rule at 90 labelled 大于 90%
    lines = [d for d in chart_data(at) if "阈值" in d.columns]
    assert len(lines) == 1 and lines[0][["阈值", "说明"]].to_dict("records") == [
        {"阈值": 90.0, "说明": "大于 90%"}
    ]


def test_trend_page_for_one_department(wh):
    at = app("views/trends.py")
    assert any("只选了一个年度" in i.value for i in at.info)
    at.selectbox(key="tr_scope").set_value(HRSS).run()
    ok(at)
    t = frame_with(at, "年度", "得分", "等级", "区划中位数")
    assert t.iloc[0]["得分"] == 90 and t.iloc[0]["等级"] == "优"
    rates = frame_with(at, "年度", "B11 预算完成率")
    assert rates.iloc[0]["B11 预算完成率"] == pytest.approx(99.08)


# ---------------------------------------------------------------------------- SQL 查询


FORBIDDEN = {
    "insert": "insert into marts.dim_department select * from marts.dim_department",
    "update": "update marts.fct_department_scores set total_score = 100",
    "create": "create table marts.x as select 1",
    "create_temp": "create temp table x as select 1",
    "drop": "drop table marts.fct_department_scores",
    "copy_to": "copy (select * from marts.fct_department_scores) to '/tmp/jixiao_stolen.csv'",
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_text": "select * from read_text('/etc/passwd')",
    "read_parquet": "select * from read_parquet('/tmp/x.parquet')",
    "glob": "select * from glob('/etc/*')",
    "attach": "attach '/tmp/jixiao_other.duckdb' as other",
    "install": "install httpfs",
    "load": "load httpfs",
    "set_external": "set enable_external_access = true",
    "reset_external": "reset enable_external_access",
    "unlock": "set lock_configuration = false",
    "pragma": "pragma enable_profiling",
    "call": "call checkpoint()",
    "export": "export database '/tmp/jixiao_export'",
    "smuggled_write": "select 1; drop table marts.fct_department_scores",
    "smuggled_copy": "select * from marts.dim_department; copy (select 1) to '/tmp/jixiao_x.csv'",
}


@pytest.mark.parametrize("name", list(FORBIDDEN))
def test_sandbox_refuses(wh, name):
    count = "select count(*) from marts.fct_department_scores"
    before = query(wh, count)
    with pytest.raises(sandbox.QueryRefused) as e:
        sandbox.run_query(FORBIDDEN[name], wh)
    assert str(e.value).startswith("查询被拒绝"), str(e.value)
    assert re.search(r"[\u4e00-\u9fff]", str(e.value))
    after = query(wh, count)
    assert before == after
    assert not Path("/tmp/jixiao_stolen.csv").exists() and not Path("/tmp/jixiao_x.csv").exists()


LOCKED_CONNECTION_ATTEMPTS = {
    "copy_to": "copy (select 1) to '/tmp/jixiao_locked.csv'",
    "read_csv": "select * from read_csv('/etc/passwd')",
    "read_parquet": "select * from read_parquet('/tmp/x.parquet')",
    "glob": "select * from glob('/etc/*')",
    "attach": "attach '/tmp/jixiao_other.duckdb' as other",
    "install": "install httpfs",
    "load": "load httpfs",
    "set_external": "set enable_external_access = true",
    "reset_external": "reset enable_external_access",
    "unlock": "set lock_configuration = false",
    "pragma_threads": "pragma threads = 1",
    "memory": "set memory_limit = '100GB'",
    "insert": "insert into marts.dim_department select * from marts.dim_department",
    "drop": "drop table marts.dim_department",
}


@pytest.mark.parametrize("name", list(LOCKED_CONNECTION_ATTEMPTS))
def test_locked_connection_blocks_without_the_statement_filter(wh, name):
    """Defence in depth: even a statement that got past the filter is stopped by the connection itself."""
    con = sandbox.connect(wh)
    try:
        with pytest.raises(duckdb.Error):
            con.execute(LOCKED_CONNECTION_ATTEMPTS[name]).fetchall()
        assert con.execute(
            "select current_setting('enable_external_access'), current_setting('lock_configuration')"
        ).fetchone() == (False, True)
    finally:
        con.close()
    assert not Path("/tmp/jixiao_locked.csv").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r",
        "select count(*) from range(100000) a, range(100000) b, range(100000) c",
    ],
    ids=["recursive_cte", "cross_join"],
)
def test_sandbox_stops_a_query_that_runs_forever(wh, sql):
    t = time.perf_counter()
    with pytest.raises(sandbox.QueryFailed) as e:
        sandbox.run_query(sql, wh, time_limit=1.0, grace=2.0)
    assert "时间限制" in str(e.value)
    assert time.perf_counter() - t < 1.0 + 2.0 + 1.5


def test_sandbox_kills_a_query_that_ignores_interrupts(wh):
    # one enormous string: DuckDB checks for interrupts between chunks, not inside repeat()
    t = time.perf_counter()
    with pytest.raises(sandbox.QueryFailed) as e:
        sandbox.run_query("select length(repeat('x', 400000000))", wh, time_limit=0.5, grace=1.0)
    assert "时间限制" in str(e.value) or "内存" in str(e.value)
    assert time.perf_counter() - t < 0.5 + 1.0 + 1.5


def test_sandbox_row_limit_and_results(wh):
    r = sandbox.run_query("select * from range(25000) t(i) order by i desc", wh)
    assert len(r.rows) == sandbox.ROW_LIMIT and r.truncated and r.rows[0] == (24999,)
    r = sandbox.run_query("select * from marts.fct_department_scores", wh)
    df = r.dataframe()
    assert not r.truncated and len(df) >= 5 and "total_score" in df.columns
    hn = df[(df.framework_code == "hn_dept_overall") & (df.dept_code == HRSS)].iloc[0]
    assert hn.total_score == 90 and hn.grade == "优"
    # harmless statements DuckDB rewrites to SELECT are allowed
    assert sandbox.run_query("describe marts.fct_department_scores", wh).rows
    assert sandbox.run_query("pragma table_info('marts.dim_department')", wh).rows
    with pytest.raises(sandbox.QueryFailed, match="语法错误"):
        sandbox.run_query("selec 1", wh)
    with pytest.raises(sandbox.QueryRefused, match="请输入"):
        sandbox.run_query("  ;  ", wh)


def test_sql_page_runs_a_select_and_refuses_the_rest(wh):
    at = app("views/sql.py")
    assert any(s.value == "公共表说明" for s in at.subheader)
    cols = frame_with(at, "列", "类型", "说明")
    assert "total_score" in set(cols["列"])  # the default table is documented: marts.fct_department_scores
    assert cols.set_index("列").loc["dept_code", "说明"]
    at.text_area(key="sql_text").set_value("select * from marts.fct_department_scores").run()
    at.button(key="sql_run").click().run()
    ok(at)
    res = frame_with(at, "dept_code", "fiscal_year", "framework_code", "total_score", "grade")
    assert len(res) >= 5
    assert res[(res.framework_code == "hn_dept_overall") & (res.dept_code == HRSS)].iloc[0].total_score == 90
    assert any("共" in c.value and "行" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert "下载 CSV" in labels and "下载 Excel" in labels
    for name in (
        "insert",
        "drop",
        "copy_to",
        "read_csv",
        "attach",
        "install",
        "load",
        "set_external",
        "pragma",
        "smuggled_write",
    ):
        at.text_area(key="sql_text").set_value(FORBIDDEN[name]).run()
        at.button(key="sql_run").click().run()
        assert not at.exception
        assert at.error and at.error[0].value.startswith("查询被拒绝"), (name, [e.value for e in at.error])
    at.text_area(key="sql_text").set_value(
        "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r"
    ).run()
    monkey = pytest.MonkeyPatch()
    monkey.setattr(sandbox, "TIME_LIMIT_S", 1.0)  # the page passes the module's limit at call time
    try:
        at.button(key="sql_run").click().run()
    finally:
        monkey.undo()
    assert any("时间限制" in w.value for w in at.warning)


# ---------------------------------------------------------------------------- rebuilds: cache keyed by the file's version


def _rename(wh: Path, new_name: str) -> None:
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        con.execute("update marts.dim_department set dept_name = ? where dept_code = ?", [new_name, HRSS])
        con.execute("CHECKPOINT")


def test_a_swapped_in_warehouse_shows_on_the_next_run(yanfeng_warehouse, tmp_path, monkeypatch):
    live = tmp_path / "live" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(yanfeng_warehouse, live)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(live))
    at = open_department()
    assert HRSS_NAME in text(at)
    v1 = data.current_version(live)
    # a "build": a new file next to it, swapped in with os.replace
    new = tmp_path / "live" / "new.duckdb"
    shutil.copyfile(yanfeng_warehouse, new)
    _rename(new, "雁峰区人社局（新）")
    new.replace(live)
    assert data.current_version(live) != v1
    at.run()
    ok(at)
    assert "雁峰区人社局（新）" in text(at)


def test_a_newer_version_waits_for_connections_to_the_old_one(yanfeng_warehouse, tmp_path, monkeypatch):
    """DuckDB shares one instance per path in a process: a connection opened while an old-file connection
    is still open would read the old file. The gate makes the new version wait, so no stale rows get
    cached under the new version's key."""
    live = tmp_path / "gate" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(yanfeng_warehouse, live)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(live))
    sql = "select dept_name from marts.dim_department where dept_code = ?"
    holding, release = threading.Event(), threading.Event()

    def old_reader():
        with data.run_scope():
            assert data.q(sql + " and 1 = 1", (HRSS,)).dept_name[0] == HRSS_NAME  # opens the old file
            holding.set()
            release.wait(10)

    t = threading.Thread(target=old_reader)
    t.start()
    assert holding.wait(10)
    new = live.with_name("new.duckdb")
    shutil.copyfile(yanfeng_warehouse, new)
    _rename(new, "换入的新仓库")
    new.replace(live)
    threading.Timer(0.5, release.set).start()
    started = time.perf_counter()
    with data.run_scope():
        name = data.q(sql, (HRSS,)).dept_name[0]
    t.join(10)
    assert name == "换入的新仓库"
    assert time.perf_counter() - started >= 0.4  # it waited for the old reader to finish


def test_missing_warehouse_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "nope.duckdb"))
    at = AppTest.from_file(MAIN, default_timeout=30).run()
    assert not at.exception
    assert at.error and "仓库文件不存在" in at.error[0].value


def test_submit_page_offers_the_fill_in_template_prefilled_with_the_region(wh):
    at = app("views/submit.py")
    assert at.title[0].value == "填报模板"
    (button,) = [b for b in at.get("download_button") if b.label == "下载填报模板（.xlsx）"]
    assert button.proto.deferred_file_id and button.proto.url == ""  # made when clicked
    assert at.multiselect(key="tpl_years").value == [2024]  # the year after the warehouse's last
    assert any(c.value == "已预填 1 个部门" for c in at.caption)
    at.toggle(key="tpl_prefill").set_value(False).run()
    ok(at)
    assert any(c.value == "未预填部门（部门编码列不提供下拉列表）" for c in at.caption)


# ---------------------------------------------------------------------------- cache warming (issue 18)


def test_a_new_warehouse_is_warmed_so_the_overviews_first_run_queries_nothing(
    yanfeng_warehouse, tmp_path, monkeypatch
):
    from app.dashboard import warm

    live = tmp_path / "jixiao.duckdb"
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(live))
    monkeypatch.delenv("JIXIAO_WARM_CACHE", raising=False)
    ran: list[str] = []
    execute = data._execute

    def spy(version, sql, params):
        ran.append(" ".join(sql.split())[:60])
        return execute(version, sql, params)

    monkeypatch.setattr(data, "_execute", spy)

    # control: a warehouse nobody warmed — 总览's first run runs its 7 queries cold
    shutil.copyfile(yanfeng_warehouse, live)
    ok(AppTest.from_file(MAIN, default_timeout=60).run())
    assert len(ran) == 7, ran

    # a build swaps a new file in: the warmer notices the version change and runs those 7 queries …
    shutil.copyfile(yanfeng_warehouse, tmp_path / "next.duckdb")
    (tmp_path / "next.duckdb").replace(live)
    ran.clear()
    seen = warm.warm_if_new(data.current_version(live)[:1] + (0, 0))
    assert seen == data.current_version(live) and len(ran) == 7
    # … so the first person to open 总览 waits for none of them
    ran.clear()
    ok(AppTest.from_file(MAIN, default_timeout=60).run())
    assert ran == []
    # the same version again: nothing to warm
    assert warm.warm_if_new(seen) == seen and ran == []
    # no warming thread outside `jixiao app` (JIXIAO_WARM_CACHE unset): AppTest runs started none
    assert not warm.enabled()
    assert "jixiao-cache-warmer" not in [t.name for t in threading.enumerate()]


def test_every_multiselect_goes_through_the_wrapper_without_the_english_select_all():
    """Streamlit's multiselect draws an English "Select all" row (no translation in its frontend): every
    multiselect of the dashboard is ui.multiselect, which switches it off."""
    app_dir = Path(__file__).resolve().parents[1] / "app"
    direct = [
        f"{f.relative_to(app_dir)}:{n}"
        for f in sorted(app_dir.rglob("*.py"))
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if "st.multiselect(" in line
        and not line.strip().startswith("return st.multiselect(label, options, select_all=False")
    ]
    assert direct == []
