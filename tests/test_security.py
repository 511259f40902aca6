"""Issue 15: the dashboard, its downloads and the reports cannot be turned against their users.

Each attack of the issue, tried the way a hostile submitter (or a curious dashboard user) would, and the
exact neutralised result. The hostile names go through the real pipeline (a copy of the worked example
with its department renamed); names the ingest layer may one day refuse (line breaks, control characters)
are put straight into a report's context, so the report layer holds them on its own.

| attack                                                        | test                                          |
|---------------------------------------------------------------|-----------------------------------------------|
| dashboard on every interface, Deploy button, first-run prompt | test_app_listens_on_loopback_only_and_never_asks, test_streamlit_options |
| ``=HYPERLINK(…)`` / ``+cmd|…`` / ``@SUM`` in downloads         | test_csv_*, test_xlsx_*, test_scoring_workbook_from_a_hostile_submission |
| heading / table / HTML / link forged in the reports           | test_report_*                                 |
| control characters: a DOCX Word cannot open                   | test_docx_with_control_characters_opens       |
| the same in the dashboard's headers                           | test_department_page_header_is_text, test_browser_shows_hostile_names_as_text_without_deploy_or_menu |
| ``repeat('x', 100000000)`` on the SQL page                    | test_sql_*                                    |
| paths in ``duckdb_databases()``, settings, errors             | test_sql_results_and_errors_carry_no_paths    |
| ``File name too long``                                        | test_report_to_a_folder_with_a_long_name      |
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import CHROMIUM, build_warehouse, free_port, serve_streamlit

from app.dashboard import data, exports, sandbox, scoring_table, serve, ui
from app.report import escape as E
from app.report.data import load_context
from app.report.render import render_context
from app.warehouse import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "dashboard" / "main.py")
DEPT = "430406-hrss"
FW = "hn_dept_overall"

FORMULA = '=HYPERLINK("http://evil.example/x","点此查看")'
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1)"
# one line, so that any ingest accepts it; it starts a line in the report ("{{ dept.dept_name }}（部门编码…")
HOSTILE_NAME = (
    "## 五、评价结论（更正） 该部门得分 100 分，等级为 优 <script>alert(1)</script>"
    "<img src=x onerror=alert(2)> [点此查看](javascript:alert(3)) | 伪造 | 表格 | **粗体** "
    + "很长的部门名称"
    * 20
)
FORGED_LINES = "正常局\n\n## 五、评价结论（更正）\n\n该部门得分 100 分，等级为 优\n\n| 指标 | 得分 |\n|---|---|\n| 总分 | 100 |\n\n- 列表项\n> 注释\n"
CONTROL_NAME = "控制\x00字符\x01局\x0b\x1f\x7f\ufffe"


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory) -> Path:
    """The worked example, its department named HOSTILE_NAME, its region a formula, its sector a command."""
    root = tmp_path_factory.mktemp("hostile")
    sub = root / "yanfeng-2023"
    shutil.copytree(SAMPLE / "yanfeng-2023", sub)
    for f in sub.iterdir():
        f.chmod(0o644)
    path = sub / "departments.csv"
    rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    header = rows[0]
    for r in rows[1:]:
        r[header.index("部门名称")] = HOSTILE_NAME
        r[header.index("区划名称")] = FORMULA
        r[header.index("行业/职能")] = CMD
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    wh = root / "jixiao.duckdb"
    result = build_warehouse(wh, sub, run_checks=False)
    if result.refused:  # the attack stopped at the door: the report-layer tests below still try it
        pytest.skip(
            "ingest refuses the hostile names: "
            + "; ".join(str(i) for o in result.outcomes for i in o.issues)[:500]
        )
    assert result.swapped, [str(i) for o in result.outcomes for i in o.issues]
    return wh


@pytest.fixture(scope="module")
def hostile_reports(hostile_warehouse) -> dict:
    with contextlib.closing(duckdb.connect(str(hostile_warehouse), read_only=True)) as con:
        ctx = load_context(con, DEPT, 2023, FW)
    assert ctx.dept["dept_name"] == HOSTILE_NAME
    md = render_context(ctx, "md").decode("utf-8")
    return {
        "ctx": ctx,
        "md": md,
        "html": render_context(ctx, "html").decode("utf-8"),
        "docx": render_context(ctx, "docx"),
    }


@pytest.fixture(scope="module")
def clean_context(yanfeng_warehouse):
    with contextlib.closing(duckdb.connect(str(yanfeng_warehouse), read_only=True)) as con:
        return load_context(con, DEPT, 2023, FW)


def _with_name(ctx, name: str):
    import copy

    c = copy.deepcopy(ctx)
    c.dept["dept_name"] = name
    c.report["title"] = f"{name} 2023年度部门整体支出绩效评价报告"
    return c


def _commonmark(md: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table").render(md)


def _docx(blob: bytes):
    import docx

    return docx.Document(io.BytesIO(blob))


def _docx_headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]


# ---------------------------------------------------------------------------- 1. downloads (CSV / XLSX)

ATTACK_FRAME = pd.DataFrame(
    {
        "部门": [FORMULA, CMD, AT_SUM, "-2+3", "\t=1+1", "\r=1+1", "雁峰区人社局"],
        "金额": [1.5, -79703.0, 3.0, 4.0, 5.0, 6.0, 7.0],
        "人数": [1, 2, 3, 4, 5, 6, 7],
    }
)


def test_csv_download_neutralises_formula_cells():
    text = exports.csv_bytes(ATTACK_FRAME).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["部门", "金额", "人数"]
    assert [r[0] for r in rows[1:]] == [
        "'" + FORMULA,
        "'" + CMD,
        "'" + AT_SUM,
        "'-2+3",
        "'\t=1+1",
        "'\r=1+1",
        "雁峰区人社局",
    ]
    # numbers stay numbers: a negative amount is not prefixed
    assert [r[1] for r in rows[1:]] == ["1.5", "-79703.0", "3.0", "4.0", "5.0", "6.0", "7.0"]
    assert not any(record.startswith(("=", "+", "@", "-")) for record in text.split("\r\n"))
    assert (
        text.count("\r\n") == len(ATTACK_FRAME) + 1
    )  # the carriage return inside a value is quoted, not a new row
    # a column name (an ad-hoc SQL alias) is neutralised too
    assert exports.csv_bytes(pd.DataFrame({"=1+1": [1]})).decode("utf-8-sig").split("\r\n")[0] == "'=1+1"


def test_xlsx_download_writes_text_never_formulas():
    from python_calamine import CalamineWorkbook

    blob = exports.xlsx_bytes({"数据": ATTACK_FRAME}, money=["金额"], title=FORMULA)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in s or "<f " in s for s in sheets)  # no cell of the workbook is a formula
        assert not any(n.startswith("xl/worksheets/_rels") for n in z.namelist())  # and no hyperlinks
    rows = CalamineWorkbook.from_filelike(io.BytesIO(blob)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "'" + FORMULA  # the title too
    table = rows[2:]
    assert table[0] == ["部门", "金额", "人数"]
    assert [r[0] for r in table[1:]] == [
        "'" + FORMULA,
        "'" + CMD,
        "'" + AT_SUM,
        "'-2+3",
        "'\t=1+1",
        "'\r=1+1",
        "雁峰区人社局",
    ]
    assert [r[1] for r in table[1:]] == [1.5, -79703.0, 3.0, 4.0, 5.0, 6.0, 7.0]  # numeric cells
    assert all(isinstance(r[2], (int, float)) for r in table[1:])


def test_scoring_workbook_from_a_hostile_submission(hostile_warehouse, monkeypatch):
    """The department page's scoring workbook and the overview's table: the region named as a formula is text."""
    from python_calamine import CalamineWorkbook

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(hostile_warehouse))
    with data.run_scope():
        title, sheets = scoring_table.workbook(FW, "湖南", DEPT, 2023)
        blob = scoring_table.sheets_xlsx(title, sheets)
        scores = data.department_scores(FW, None, [2023])
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        assert not any(
            "<f>" in z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        )
    wb = CalamineWorkbook.from_filelike(io.BytesIO(blob))
    cells = [
        c
        for name in wb.sheet_names
        for row in wb.get_sheet_by_name(name).to_python()
        for c in row
        if isinstance(c, str)
    ]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    # the overview's league table (区划 column) as its CSV and Excel downloads
    league = pd.DataFrame(
        {"部门": scores["dept_name"], "区划": scores["region_name"], "得分": scores["total_score"]}
    )
    rows = list(csv.reader(io.StringIO(exports.csv_bytes(league).decode("utf-8-sig"))))
    assert rows[1][:2] == [HOSTILE_NAME, "'" + FORMULA] and float(rows[1][2]) == 90
    table = (
        CalamineWorkbook.from_filelike(io.BytesIO(exports.xlsx_bytes(league)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert table[1] == [HOSTILE_NAME, "'" + FORMULA, 90.0]


# ---------------------------------------------------------------------------- 2. reports


def test_report_markdown_forges_no_heading_link_or_html(hostile_reports, clean_context):
    md = hostile_reports["md"]
    clean = render_context(clean_context, "md").decode("utf-8")
    heads = [ln for ln in md.splitlines() if ln.startswith("#")]
    clean_heads = [ln for ln in clean.splitlines() if ln.startswith("#")]
    assert (
        len(heads) == len(clean_heads) and heads[1:] == clean_heads[1:]
    )  # only the title differs: it holds the name
    assert not any(ln.lstrip().startswith("## 五、评价结论（更正）") for ln in md.splitlines())
    assert "<script" not in md and "<img" not in md and "onerror=alert(2)>" not in md
    assert not re.search(r"(?<!\\)\]\(javascript:", md)
    # a CommonMark renderer (HTML allowed) makes of it exactly the template's structure
    html = _commonmark(md)
    clean_html = _commonmark(clean)
    for tag in ("<h1", "<h2", "<h3", "<h4", "<table", "<li", "<blockquote", "<strong"):
        assert html.count(tag) == clean_html.count(tag), tag
    assert (
        "<script" not in html
        and "<img" not in html
        and "<a " not in html
        and "javascript:" not in html.replace("](javascript:", "")
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    # the section really is one paragraph that starts with the name
    assert "## 五、评价结论（更正） 该部门得分 100 分" in html
    # the region, a formula with a bare URL: GFM renderers link bare URLs after parsing, so a zero-width
    # space breaks the address (it looks the same)
    assert "http://evil" not in md and "http\u200b://evil.example/x" in md


def test_report_html_and_docx_show_the_name_as_text(hostile_reports, clean_context):
    html = hostile_reports["html"]
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    clean_html = render_context(clean_context, "html").decode("utf-8")
    for tag in ("<h1", "<h2", "<h3", "<h4", "<table", "<li"):
        assert html.count(tag) == clean_html.count(tag), tag
    doc = _docx(hostile_reports["docx"])
    clean_doc = _docx(render_context(clean_context, "docx"))
    assert _docx_headings(doc)[1:] == _docx_headings(clean_doc)[1:]
    assert len(doc.tables) == len(clean_doc.tables)
    body = "\n".join(p.text for p in doc.paragraphs)
    assert HOSTILE_NAME + "（部门编码 430406-hrss）" in body  # the exact name, as text, no backslashes
    assert "\\" not in body and "\u200b" not in body
    assert f"属{FORMULA}（区划编码" in body  # the region, exactly


def test_report_line_breaks_cannot_forge_a_section(clean_context):
    ctx = _with_name(clean_context, FORGED_LINES)
    md = render_context(ctx, "md").decode("utf-8")
    clean = render_context(clean_context, "md").decode("utf-8")
    assert not any(
        ln.startswith(("## 五、评价结论（更正）", "该部门得分", "| 总分 |", "- 列表项", "> 注释"))
        for ln in md.splitlines()
    )
    assert [ln for ln in md.splitlines() if ln.startswith("#")][1:] == [
        ln for ln in clean.splitlines() if ln.startswith("#")
    ][1:]
    assert md.count("\n|") == clean.count("\n|")  # no table row more
    doc = _docx(render_context(ctx, "docx"))
    assert _docx_headings(doc)[1:] == _docx_headings(_docx(render_context(clean_context, "docx")))[1:]
    html = render_context(ctx, "html").decode("utf-8")
    assert html.count("<h2") == render_context(clean_context, "html").decode("utf-8").count("<h2")


def test_docx_with_control_characters_opens(clean_context, tmp_path):
    ctx = _with_name(clean_context, CONTROL_NAME)
    blob = render_context(ctx, "docx")
    doc = _docx(blob)  # python-docx parses every part: Word can open it
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        from lxml import etree

        for part in ("word/document.xml", "docProps/core.xml"):
            etree.fromstring(z.read(part))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "控制字符局（部门编码" in body
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe]", body)
    md = render_context(ctx, "md").decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", md)
    assert "控制字符局" in render_context(ctx, "html").decode("utf-8")


def test_report_to_a_folder_with_a_long_name(hostile_warehouse, tmp_path):
    from app.cli import main

    out = tmp_path / "报告"
    out.mkdir()
    assert (
        main(
            [
                "report",
                "--dept",
                DEPT,
                "--year",
                "2023",
                "--framework",
                FW,
                "--format",
                "md",
                "--out",
                str(out),
                "-w",
                str(hostile_warehouse),
            ]
        )
        == 0
    )
    (written,) = list(out.iterdir())
    assert (
        len(written.name.encode("utf-8")) <= 200
        and written.name.startswith("评价报告_")
        and written.name.endswith("_2023_hn_dept_overall.md")
    )
    assert not set(written.name) & set('/\\:*?"<>|\n\r\t ')
    assert written.read_text(encoding="utf-8").startswith("<!-- class: cover -->")


@pytest.mark.parametrize(
    "raw, stem",
    [
        ("../../etc/passwd", "etc_passwd"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("\x00\x01名称\n第二行", "名称_第二行"),
        ("...", "_"),
        ("CON", "_CON"),
        ("局" * 300, "局" * 40),  # 120 bytes of UTF-8, whole characters
    ],
)
def test_file_stems(raw, stem):
    assert E.file_stem(raw) == stem


def test_markdown_escape_round_trip():
    from app.report import blocks as B

    for s in [
        HOSTILE_NAME,
        "a\\",
        "\\|",
        "1. 第一",
        "- 列表",
        "= 标题",
        "&lt;b&gt;",
        "**x**",
        "a_b_c",
        "C:\\dir\\",
    ]:
        esc = E.md(s)
        assert B.plain(esc) == " ".join(s.split()), s  # what HTML and DOCX print is the original text
        # and a paragraph made of it alone is one paragraph
        (block,) = B.parse(esc + "\n")
        assert block.kind == "paragraph", (s, block)


# ---------------------------------------------------------------------------- 3. dashboard headers


def test_department_page_header_is_text(hostile_warehouse, monkeypatch):
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(BidiComponentManager, "discover_and_register_components", lambda self, **kw: None)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(hostile_warehouse))
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.query_params.update({"dept": DEPT, "year": "2023", "fw": FW})
    at.switch_page("views/department.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (header,) = [h.value for h in at.header]
    assert header == f"{ui.md(HOSTILE_NAME)} · 2023 年"
    rendered = _commonmark(header)
    assert (
        rendered.startswith("<p>")
        and "<h2" not in rendered
        and "<a " not in rendered
        and "<script" not in rendered
    )
    assert "&lt;script&gt;" in rendered
    caption = next(c.value for c in at.caption if "部门编码" in c.value)
    assert "<a " not in _commonmark(caption) and "HYPERLINK" in caption
    assert "http://" not in caption and "http\u200b" in caption  # no bare link for GFM's autolinker


# ---------------------------------------------------------------------------- 4. SQL page


def test_sql_one_huge_cell_is_cut_in_the_worker(yanfeng_warehouse):
    res = sandbox.run_query("select repeat('x', 100000000) as x, 42 as n", yanfeng_warehouse)
    (row,) = res.rows
    assert row[1] == 42
    assert row[0] == "x" * sandbox.CELL_CHAR_LIMIT + "…（已截断：原长 100,000,000 个字符）"
    assert res.cells_truncated == 1 and not res.size_truncated and not res.truncated


def test_sql_total_result_size_is_capped(yanfeng_warehouse, monkeypatch):
    res = sandbox.run_query("select repeat('y', 9000) as y from range(10000)", yanfeng_warehouse)
    assert res.size_truncated and not res.cells_truncated
    assert 0 < len(res.rows) < 10000
    assert sum(len(r[0]) for r in res.rows) <= sandbox.RESULT_BYTE_LIMIT + 9000
    # nested values are capped as well
    res = sandbox.run_query(
        "select list_transform(range(5000), i -> repeat('z', 100)) as l", yanfeng_warehouse
    )
    assert res.cells_truncated == 1 and len(res.rows[0][0]) < sandbox.CELL_CHAR_LIMIT + 100


def test_sql_page_shows_the_truncation_notice(yanfeng_warehouse, monkeypatch):
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(BidiComponentManager, "discover_and_register_components", lambda self, **kw: None)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(yanfeng_warehouse))
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page("views/sql.py").run()
    at.text_area(key="sql_text").set_value("select repeat('x', 100000000) as x").run()
    at.button(key="sql_run").click().run()
    assert not at.exception and not at.error
    assert any("1 个单元格超过 10,000 个字符，已截断" in w.value for w in at.warning), [
        w.value for w in at.warning
    ]
    (df,) = [d.value for d in at.dataframe if "x" in d.value.columns]
    assert len(df.x.iloc[0]) < 10_100


def test_sql_results_and_errors_carry_no_paths(yanfeng_warehouse):
    folder, home = str(yanfeng_warehouse.parent), str(Path.home())
    secrets = [folder, home, str(ROOT)]
    for sql in (
        "select * from duckdb_databases()",
        "select name, value from duckdb_settings()",
        "select current_setting('temp_directory') as t, current_setting('home_directory') as h",
    ):
        res = sandbox.run_query(sql, yanfeng_warehouse)
        flat = repr(res.rows) + repr(res.columns)
        assert not any(s in flat for s in secrets), (sql, flat[:500])
    db = sandbox.run_query("select path from duckdb_databases() where path is not null", yanfeng_warehouse)
    assert db.rows == [(f"…{os.sep}{yanfeng_warehouse.name}",)]
    for sql in (
        f"select * from read_csv('{folder}/x.csv')",
        f"attach '{folder}/other.duckdb'",
        f"select * from '{home}/x.parquet'",
    ):
        with pytest.raises((sandbox.QueryRefused, sandbox.QueryFailed)) as e:
            sandbox.run_query(sql, yanfeng_warehouse)
        assert not any(s in str(e.value) for s in secrets), str(e.value)


# ---------------------------------------------------------------------------- 5. the server


def test_streamlit_options():
    cmd = serve.streamlit_command(Path(MAIN), 8501)
    opts = dict(zip(cmd[5::2], cmd[6::2]))
    assert opts["--server.address"] == "127.0.0.1"
    assert opts["--server.headless"] == "true"  # never the first-run "Email:" prompt
    assert opts["--browser.gatherUsageStats"] == "false"
    assert opts["--client.toolbarMode"] == "minimal"  # no Deploy button, no developer menu
    assert opts["--client.showErrorDetails"] == "type" and opts["--client.showErrorLinks"] == "false"
    assert opts["--server.enableXsrfProtection"] == "true"
    from app.cli import make_parser

    for command in ("app", "demo"):
        assert make_parser().parse_args([command]).address == "127.0.0.1"
        assert make_parser().parse_args([command, "--address", "0.0.0.0"]).address == "0.0.0.0"
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("localhost") and serve.is_loopback("::1")
    assert (
        not serve.is_loopback("0.0.0.0")
        and not serve.is_loopback("")
        and not serve.is_loopback("192.168.1.10")
    )


def test_sharing_prints_a_warning(monkeypatch, tmp_path):
    from app.auth import users

    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "users.yaml"))
    users.add_user(
        tmp_path / "users.yaml", "admin", users.ADMIN, [], "Jixiao-2023!"
    )  # shared: login required
    said, ran = [], []

    class FakeStreamlit:
        def __init__(self, cmd, env=None):
            ran.append(cmd)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", FakeStreamlit)
    assert serve.serve(tmp_path / "w.duckdb", 8600, "0.0.0.0", say=said.append) == 0
    assert said[0].startswith("警告：看板将对网络开放（0.0.0.0:8600），需要登录。") and "HTTPS" in said[0]
    assert ran[0][ran[0].index("--server.address") + 1] == "0.0.0.0"
    said.clear()
    serve.serve(tmp_path / "w.duckdb", 8600, say=said.append)
    assert said == ["看板：http://localhost:8600（Ctrl+C 退出）"]


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on `port`."""
    out = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError):
            for line in Path(name).read_text().splitlines()[1:]:
                f = line.split()
                addr, hexport = f[1].rsplit(":", 1)
                if int(hexport, 16) == port and f[3] == "0A":
                    out.append(addr)
    return out


@pytest.mark.skipif(
    not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from /proc (Linux)"
)
def test_app_listens_on_loopback_only_and_never_asks(yanfeng_warehouse, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # a fresh home (no ~/.streamlit/credentials.toml: where Streamlit would ask for an e-mail), no --headless,
    # nothing on stdin; BROWSER=true makes "opening the browser" a no-op
    env = dict(os.environ, HOME=str(tmp_path), BROWSER="true", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "app", "-w", str(yanfeng_warehouse), "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out = ""
    try:
        deadline = time.monotonic() + 60
        while not _listening(port) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
        addrs = _listening(port)
        assert addrs, "the dashboard did not start"
        assert set(addrs) == {"0100007F"}, addrs  # 127.0.0.1 only: not 0.0.0.0, not ::
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        proc.terminate()  # SIGTERM to `jixiao app` alone: Streamlit must stop with it, not linger
        out = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
        deadline = time.monotonic() + 20
        while _listening(port) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _listening(port), "Streamlit outlived jixiao app"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
        if proc.poll() is None:
            out = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    assert "Email" not in out and "Welcome to Streamlit" not in out
    assert "看板：http://localhost:" in out


def _self_signed(folder: Path, host: str = "localhost") -> tuple[Path, Path]:
    """A throw-away self-signed certificate and key (PEM) for `host`, made with the `cryptography` package."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    c, k = folder / "cert.pem", folder / "key.pem"
    c.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    k.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return c, k


def test_tls_options_reach_streamlit(monkeypatch, tmp_path):
    """`jixiao app --ssl-cert FILE --ssl-key FILE` gives Streamlit server.sslCertFile / server.sslKeyFile and
    announces https; off loopback with TLS there is no plain-text warning, without it there is (Chinese)."""
    from app.auth import users
    from app.cli import make_parser

    cert, key = _self_signed(tmp_path)
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "users.yaml"))
    users.add_user(tmp_path / "users.yaml", "admin", users.ADMIN, [], "Jixiao-2023!")
    said, ran = [], []

    class FakeStreamlit:
        def __init__(self, cmd, env=None):
            ran.append(cmd)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", FakeStreamlit)
    assert (
        serve.serve(tmp_path / "w.duckdb", 8600, "0.0.0.0", say=said.append, ssl_cert=cert, ssl_key=key) == 0
    )
    opts = dict(zip(ran[0][5::2], ran[0][6::2]))
    assert opts["--server.sslCertFile"] == str(cert) and opts["--server.sslKeyFile"] == str(key)
    assert said == [
        f"看板将对网络开放（0.0.0.0:8600），需要登录；已启用 HTTPS（证书：{cert}）。",
        "看板：https://本机的网络地址:8600（Ctrl+C 退出）",
    ]
    said.clear()
    serve.serve(tmp_path / "w.duckdb", 8600, "0.0.0.0", say=said.append)
    assert said[0] == serve.WARN_SHARED.format(address="0.0.0.0", port=8600)
    assert "未启用 HTTPS：用户名、密码和登录 cookie 以明文经过网络" in said[0] and "--ssl-cert" in said[0]
    assert "--server.sslCertFile" not in ran[1]
    for command in ("app", "demo"):
        a = make_parser().parse_args([command, "--ssl-cert", str(cert), "--ssl-key", str(key)])
        assert (a.ssl_cert, a.ssl_key) == (str(cert), str(key))


def test_tls_refuses_unusable_files(tmp_path, capsys):
    """Only one of the two, a missing file, or a key that is not the certificate's: refused before anything
    starts (exit code 2), with the reason in Chinese."""
    from app.cli import main as cli_main

    cert, key = _self_signed(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    _, other_key = _self_signed(other)
    with pytest.raises(serve.TlsError) as e:
        serve.check_tls(cert, None)
    assert str(e.value) == "--ssl-cert 与 --ssl-key 必须同时给出（证书文件和它的私钥文件，PEM 格式）。"
    with pytest.raises(serve.TlsError) as e:
        serve.check_tls(tmp_path / "nope.pem", key)
    assert str(e.value) == f"找不到证书文件：{tmp_path / 'nope.pem'}"
    with pytest.raises(serve.TlsError) as e:
        serve.check_tls(cert, other_key)
    assert str(e.value) == (
        f"证书或私钥无法使用（KEY_VALUES_MISMATCH）：{cert}、{other_key}。请给出 PEM 格式的证书及与之配对的私钥。"
    )
    assert serve.check_tls(None, None) is None and serve.check_tls(cert, key) == (cert, key)
    demo = tmp_path / "demo.duckdb"
    code = cli_main(["demo", "-w", str(demo), "--ssl-cert", str(cert)])
    assert code == 2 and not demo.exists()  # refused before building
    assert "--ssl-cert 与 --ssl-key 必须同时给出" in capsys.readouterr().out


def test_app_serves_https_with_a_certificate(yanfeng_warehouse, tmp_path):
    """The real thing: `jixiao app --ssl-cert --ssl-key` answers over TLS (verified against the certificate)
    and not in plain HTTP."""
    import ssl
    import urllib.request

    cert, key = _self_signed(tmp_path)
    port = free_port()
    env = dict(os.environ, HOME=str(tmp_path), BROWSER="true", PYTHONPATH=str(ROOT))
    argv = ["app", "-w", str(yanfeng_warehouse), "--port", str(port), "--headless"]
    cmd = [sys.executable, "-m", "app.cli", *argv, "--ssl-cert", str(cert), "--ssl-key", str(key)]
    context = ssl.create_default_context(cafile=str(cert))
    log = tmp_path / "jixiao-app.log"
    # the health check answers over TLS, verified against the certificate (serve_streamlit waits for it)
    with serve_streamlit(cmd, port, env, log, https_context=context, new_session=True) as served:
        with urllib.request.urlopen(served.url + "/_stcore/health", timeout=5, context=context) as r:
            assert r.read().strip() == b"ok"
        with pytest.raises(OSError):  # no plain HTTP on that port
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5).read()
    assert f"看板：https://localhost:{port}" in served.output()


def test_every_download_is_made_only_when_clicked():
    """Streamlit serves a download at /media/<hash> to anyone who has the link, without the session. Every
    st.download_button in app/ passes a callable as `data` (deferred): nothing is stored, so there is no
    link, until the logged-in user clicks in her own session."""
    import ast

    found = []
    for f in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                kw = {k.arg: k.value for k in node.keywords}
                data_arg = kw.get("data", node.args[1] if len(node.args) > 1 else None)
                found.append((f.relative_to(ROOT).as_posix(), node.lineno))
                where = f"{f.relative_to(ROOT)}:{node.lineno}"
                assert isinstance(data_arg, (ast.Lambda, ast.Name, ast.Attribute)), where
                if isinstance(kw.get("on_click"), ast.Constant):
                    assert kw["on_click"].value == "ignore", where
    assert len(found) >= 8, found  # export_buttons (2), department (5), findings, submit, batch


def test_a_download_exists_only_from_the_click_until_the_next_cleanup(yanfeng_warehouse, monkeypatch):
    """On the 填报模板 page (AppTest): no file is stored when the page is drawn; the click (Streamlit's
    execute_deferred, as the browser's request does) stores it and returns its /media link; Streamlit's
    cleanup after the next script runs (remove_orphaned_files: mark, then delete) removes it, so the bearer
    link works only briefly after the click (README, 安全)."""
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.runtime.media_file_storage import MediaFileStorageError
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1 import app_test as app_test_module

    managers = []
    real = app_test_module.MediaFileManager

    def recording(storage):
        managers.append(real(storage))
        return managers[-1]

    monkeypatch.setattr(app_test_module, "MediaFileManager", recording)
    monkeypatch.setattr(BidiComponentManager, "discover_and_register_components", lambda self, **kw: None)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(yanfeng_warehouse))
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    at.switch_page("views/submit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (button,) = [b for b in at.get("download_button") if b.label == "下载填报模板（.xlsx）"]
    assert button.proto.url == "" and button.proto.deferred_file_id
    mgr = managers[-1]
    storage = mgr._storage
    assert storage.get_stats() == {}  # drawn, not clicked: nothing stored, no link exists
    url = mgr.execute_deferred(button.proto.deferred_file_id)  # the click
    assert re.fullmatch(r"/mock/media/[0-9a-f]{32}\.xlsx", url), url
    content = storage.get_file(url.rsplit("/", 1)[1]).content
    assert content[:2] == b"PK"
    assert [st.byte_length for sts in storage.get_stats().values() for st in sts] == [len(content)]
    mgr.remove_orphaned_files()  # after the next script run: marked
    assert storage.get_file(url.rsplit("/", 1)[1]).content == content
    mgr.remove_orphaned_files()  # after the one after: gone
    with pytest.raises(MediaFileStorageError):
        storage.get_file(url.rsplit("/", 1)[1])
    assert storage.get_stats() == {}


# ---------------------------------------------------------------------------- 6. in a real browser


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium at /usr/bin/chromium")
def test_browser_shows_hostile_names_as_text_without_deploy_or_menu(hostile_warehouse, tmp_path):
    """The dashboard as `jixiao app` serves it (serve.streamlit_command), in headless Chromium: the header
    holds no link, no script ran, and the toolbar has neither Deploy nor the developer menu."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(hostile_warehouse), HOME=str(tmp_path))
    cmd = serve.streamlit_command(Path(MAIN), port)
    with serve_streamlit(cmd, port, env, tmp_path / "streamlit.log"), sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        page = b.new_page(viewport={"width": 1400, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"http://127.0.0.1:{port}/department?dept={DEPT}&year=2023&fw={FW}")
        page.wait_for_selector("h2", timeout=60_000)
        page.wait_for_function(
            "() => document.querySelector('[data-test-script-state=notRunning]')", timeout=60_000
        )
        page.wait_for_timeout(1000)
        header = page.locator('[data-testid="stHeading"] h2').first
        assert header.inner_text().strip().startswith("## 五、评价结论（更正） 该部门得分 100 分")
        assert header.locator("a[href^='javascript'], a[href*='evil'], strong, script, img").count() == 0
        caption = page.locator('[data-testid="stCaptionContainer"]', has_text="部门编码").first
        assert (
            FORMULA in caption.inner_text().replace("\u200b", "") and caption.locator("a").count() == 0
        )  # no link
        assert page.locator("a[href*='evil.example'], a[href^='javascript']").count() == 0
        assert page.locator('[data-testid="stAppDeployButton"], [data-testid="stMainMenu"]').count() == 0
        assert not dialogs  # alert() never ran
        b.close()
