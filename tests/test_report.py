"""Issue 7: the evaluation report (评价报告) generated from the warehouse.

1. The worked example (雁峰区人社局 2023, hn_dept_overall, ingest/sample/yanfeng-2023): Markdown and Word
   carry the real figures of the source report's sections 二 (expenditure, shares, the ledger table) and 六
   (each indicator's formula, numbers and points) where the source got them right, the total 90 / 优 by
   the framework's own rules, and the contradictions with what the report says (89 vs 90, B22 0 vs 1,
   subtotals A 15 vs 14 and B 26 vs 27).
2. PDF: a real PDF with Chinese text in an embedded CJK font (pdftotext / pdffonts).
3. An unknown department-year-framework: ReportNotFound with a Chinese message; the CLI exits 1.
4. The demo sample (three years per department): the trend table, other frameworks, not-assessable
   indicators said so (never as 0 points).
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import docx
import duckdb
import pytest
from conftest import ROOT, YANFENG, build_warehouse

from app.report import ReportNotFound, render_many, render_report

DEPT = "430406-hrss"
FW = "hn_dept_overall"
NAME = "雁峰区人力资源和社会保障局"
ARTIFACTS = ROOT / "tests" / "artifacts"


# ---------------------------------------------------------------------------- helpers


def docx_text(path: Path) -> tuple[list[str], list[list[list[str]]]]:
    """(paragraph texts, tables as rows of cell texts) of a Word file."""
    d = docx.Document(str(path))
    paragraphs = [p.text for p in d.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paragraphs, tables


def table_with(tables: list, *header: str) -> list[list[str]]:
    for t in tables:
        if all(h in t[0] for h in header):
            return t
    raise AssertionError(f"no table with columns {header}: {[t[0] for t in tables]}")


def row_of(table: list[list[str]], *cells: str) -> list[str]:
    for r in table:
        if all(c in r for c in cells):
            return r
    raise AssertionError(f"no row with {cells}")


REPORT_FIXTURE = ROOT / "tests" / "fixtures" / "report" / "yanfeng-2023"


@pytest.fixture(scope="module")
def report_warehouse(tmp_path_factory) -> Path:
    """The worked example with the two optional report templates the source report's text gives
    (tests/fixtures/report/yanfeng-2023: department_profile, evaluation), built once for this module."""
    root = tmp_path_factory.mktemp("report-wh")
    sub = root / "yanfeng-2023"
    shutil.copytree(YANFENG, sub)
    for f in REPORT_FIXTURE.glob("*.csv"):
        shutil.copy(f, sub / f.name)
    for f in sub.iterdir():
        f.chmod(0o644)
    wh = root / "jixiao.duckdb"
    result = build_warehouse(wh, sub, run_checks=False)
    assert result.swapped and not result.refused, [str(i) for o in result.outcomes for i in o.issues]
    return wh


@pytest.fixture(scope="module")
def worked(report_warehouse, tmp_path_factory):
    """The worked example as Markdown and Word."""
    out = tmp_path_factory.mktemp("report")
    md = render_report(report_warehouse, DEPT, 2023, FW, "md", out / "report.md").read_text(encoding="utf-8")
    docx_path = render_report(report_warehouse, DEPT, 2023, FW, "docx", out / "report.docx")
    paragraphs, tables = docx_text(docx_path)
    return {
        "md": md,
        "paragraphs": paragraphs,
        "text": "\n".join(paragraphs),
        "tables": tables,
        "docx": docx_path,
    }


# ---------------------------------------------------------------------------- 1. the worked example

# the source report's order (一 … 八), then what the warehouse adds (九 核对发现, 十 历年趋势)
SECTIONS = [
    "一、部门基本情况",
    "二、部门整体支出管理及使用情况",
    "三、部门内部控制情况",
    "四、评价思路",
    "五、绩效评价指标体系",
    "六、部门绩效评价结果",
    "七、出现的问题及原因",
    "八、改进建议",
    "九、核对发现",
    "十、历年趋势",
]


def test_title_and_structure(worked):
    p = worked["paragraphs"]
    assert p[0] == f"{NAME}\n2023年度部门整体支出绩效评价报告"  # the cover title on two lines
    sections = SECTIONS
    idx = [p.index(s) for s in sections]
    assert idx == sorted(idx)
    assert worked["md"].startswith(
        "<!-- class: cover -->\n# 雁峰区人力资源和社会保障局 2023年度部门整体支出绩效评价报告"
    )
    for s in sections:
        assert f"## {s}" in worked["md"]


def test_section_two_expenditure_and_shares(worked):
    """二、部门整体支出管理及使用情况: the source's sentences of 二(一) and 二(二), and the totals of 六 B11/B12."""
    t = worked["text"]
    assert (
        "年初预算 91,041,311.06 元，调整后预算 88,862,851.06 元，实际支出 88,044,648.36 元，预算完成率 99.08%"
        in t
    )
    assert "年末结转结余（调整后预算 − 实际支出）818,202.70 元" in t
    assert "基本支出 3,395,742.00 元" in t
    assert "人员经费 3,153,742.00 元，占基本支出的 92.87%" in t
    assert "公用经费 242,000.00 元，占基本支出的 7.13%" in t
    assert "项目支出 84,648,906.36 元" in t
    assert "其他运转类支出 4,596,539.19 元，占项目支出的 5.43%" in t
    assert "特定目标类支出 80,052,367.17 元，占项目支出的 94.57%" in t
    # 三公 0/0 and the carryover of B22
    assert "“三公”经费预算数 0.00 元，决算数 0.00 元" in t
    assert "年初结转结余 861,366.81 元，年末结转结余 818,202.70 元" in t
    assert "核定编制 42 人，实有在职人员 40 人" in t


def test_section_two_ledger_tables(worked):
    """The source's three expenditure tables: by category and economic classification, with totals."""
    tables = worked["tables"]
    header = ("项目类别", "政府经济分类", "年初预算", "调整金额", "调整后预算", "实际支出", "结余")
    basic, project = [t for t in tables if tuple(t[0]) == header][:2]
    assert row_of(basic, "工资奖金津补贴")[2:] == [
        "2,136,745.00",
        "-79,703.00",
        "2,057,042.00",
        "2,057,042.00",
        "0.00",
    ]
    assert row_of(basic, "人员经费小计")[2:] == [
        "3,233,445.00",
        "-79,703.00",
        "3,153,742.00",
        "3,153,742.00",
        "0.00",
    ]
    assert row_of(basic, "公用经费小计")[2:] == ["242,000.00", "0.00", "242,000.00", "242,000.00", "0.00"]
    assert row_of(basic, "基本支出合计")[2:] == [
        "3,475,445.00",
        "-79,703.00",
        "3,395,742.00",
        "3,395,742.00",
        "0.00",
    ]
    assert row_of(project, "办公经费")[2:] == ["115,740.00", "0.00", "115,740.00", "115,740.00", "0.00"]
    assert row_of(project, "其他运转类小计")[2:] == [
        "4,694,620.56",
        "-97,757.00",
        "4,596,863.56",
        "4,596,539.19",
        "324.37",
    ]
    assert row_of(project, "其他对个人和家庭补助", "10,701,959.00")[2:] == [
        "10,701,959.00",
        "-2,000,000.00",
        "8,701,959.00",
        "7,981,086.04",
        "720,872.96",
    ]
    assert row_of(project, "对社会保险基金补助")[2:] == [
        "53,126,700.00",
        "-1,000.00",
        "53,125,700.00",
        "53,123,700.00",
        "2,000.00",
    ]
    assert row_of(project, "特定目标类小计")[2:] == [
        "82,871,245.50",
        "-2,001,000.00",
        "80,870,245.50",
        "80,052,367.17",
        "817,878.33",
    ]
    assert row_of(project, "项目支出合计")[2:] == [
        "87,565,866.06",
        "-2,098,757.00",
        "85,467,109.06",
        "84,648,906.36",
        "818,202.70",
    ]
    total = table_with(tables, "指标管理类型", "执行率")
    assert row_of(total, "合计")[1:] == [
        "91,041,311.06",
        "-2,178,460.00",
        "88,862,851.06",
        "88,044,648.36",
        "818,202.70",
        "99.08%",
    ]
    # the ledger lines add up to the category subtotals (the table is complete)
    lines = [r for r in project[1:] if r[1] and not r[0].endswith(("小计", "合计"))]
    assert sum(Decimal(r[5].replace(",", "")) for r in lines) == Decimal("84648906.36")


# what the framework's own rules give (the source's table says B22 0 and total 89: the contradictions)
POINTS = {
    "A11": "3",
    "A12": "3",
    "A21": "2",
    "A22": "2",
    "A23": "2",
    "A24": "2",
    "B11": "2",
    "B12": "2",
    "B21": "1",
    "B22": "1",
    "B23": "1",
    "B24": "1",
    "B25": "1",
    "B31": "3",
    "B32": "3",
    "B33": "3",
    "B34": "3",
    "B35": "3",
    "B41": "2",
    "B42": "0",
    "B43": "1",
    "C11": "3",
    "C12": "3",
    "C13": "3",
    "C14": "3",
    "C2": "7",
    "C3": "7",
    "C4": "8",
    "D11": "4",
    "D12": "4",
    "D13": "4",
    "D2": "3",
}


def test_section_three_conclusion_and_scoring_table(worked):
    t = worked["text"]
    assert f"{NAME} 2023 年度部门整体支出绩效评价得分为 90 分（满分 100 分），评价等级为 优。" in t
    assert "•\u3000综合得分 90 分（含）以上为优" in worked["paragraphs"]
    assert "•\u3000综合得分 75 分（含）—90 分为良" in worked["paragraphs"]
    table = table_with(worked["tables"], "一级指标", "二级指标", "三级指标", "得分")
    got = {r[3].split()[0]: r[5] for r in table[1:] if r[3]}
    assert got == POINTS
    assert row_of(table, "投入小计")[4:] == ["15", "14"]
    assert row_of(table, "过程小计")[4:] == ["29", "27"]
    assert row_of(table, "产出小计")[4:] == ["40", "34"]
    assert row_of(table, "效果小计")[4:] == ["16", "15"]
    assert row_of(table, "总计")[4:] == ["100", "90"]
    assert row_of(table, "A 投入")[:4] == ["A 投入", "15", "A1 目标设定", "A11 绩效目标合理性"]
    assert row_of(table, "B22 结转结余变动率")[4:] == ["1", "1"]


def test_the_contradictions_are_stated(worked):
    t = worked["text"]
    # the 89 is the evaluation agency's (the 报告值 row's 来源 says so), never "部门报送"
    assert (
        "评价报告 评分结果表（湖南良才联合会计师事务所）所列总分为 89 分（良），按评价体系自身的评分规则计算为 90 分（优），二者不一致"
        in t
    )
    assert "部门报送" not in t
    assert (
        "B22 结转结余变动率：报告得 0 分，但按规则“结转结余变动率小于10%，得1分，否则不得分”，计算值 -5.01% 应得 1 分"
        in t
    )
    assert "一级指标 A 投入：报告小计 15 分，各三级指标得分之和为 14 分" in t
    assert "一级指标 B 过程：报告小计 26 分，各三级指标得分之和为 27 分" in t
    assert "报告总分 89 分，按各指标得分计算为 90 分（优）" in t
    # 五、核对发现: most severe first
    findings = table_with(worked["tables"], "序号", "严重程度", "核对对象", "应为", "实为")
    assert [r[1] for r in findings[1:]] == ["错误"] * 4 + ["警告"] * 2 + ["提示"]
    total = row_of(findings, "总分")
    assert total[3:5] == ["90 分", "89 分"]
    a22 = row_of(findings, "A22 在职人员控制率")
    assert a22[1] == "提示" and a22[3:5] == ["95.24%", "95.23%"] and "仅为舍入差异" in a22[5]
    assert "共发现 7 处不一致：错误 4 处、警告 2 处、提示 1 处" in t


@pytest.mark.parametrize(
    "code, sentence",
    [
        ("A22", "在职人员控制率 = 40 / 42 × 100% = 95.24%，大于 80%，得 2 分（满分 2 分）"),
        (
            "A23",
            "三公经费变动率 = (0.00 − 0.00) / 0.00 × 100%，分子分母均为 0，按 0.00% 计，小于 10%，得 2 分（满分 2 分）",
        ),
        (
            "A24",
            "重点支出安排率 = 84,648,906.36 / 85,467,109.06 × 100% = 99.04%，大于 50%，得 2 分（满分 2 分）",
        ),
        ("B11", "预算完成率 = 88,044,648.36 / 88,862,851.06 × 100% = 99.08%，大于 90%，得 2 分（满分 2 分）"),
        ("B12", "预算调整率 = 2,178,460.00 / 91,041,311.06 × 100% = 2.39%，小于 10%，得 2 分（满分 2 分）"),
        ("B21", "结转结余率 = 818,202.70 / 88,044,648.36 × 100% = 0.93%，小于 10%，得 1 分（满分 1 分）"),
        (
            "B22",
            "结转结余变动率 = (818,202.70 − 861,366.81) / 861,366.81 × 100% = -5.01%，小于 10%，得 1 分（满分 1 分）",
        ),
        ("B23", "公用经费控制率 = 242,000.00 / 242,000.00 × 100% = 100.00%，大于 90%，得 1 分（满分 1 分）"),
        (
            "B24",
            "“三公经费”控制率 = 0.00 / 0.00 × 100%，分子分母均为 0，按评分规则得满分，得 1 分（满分 1 分）",
        ),
        ("D2", "服务满意度 = 39 / 48 × 100% = 81.25%"),
    ],
)
def test_section_four_computed_indicators(worked, code, sentence):
    """六、部门绩效评价结果 of the source: formula, numbers, rule and points, one paragraph per indicator."""
    paras = worked["paragraphs"]
    head = next(i for i, p in enumerate(paras) if re.match(rf"^(——)?{code} ", p))
    assert f"得分 {POINTS[code]} 分" in paras[head]
    body = paras[head + 1]
    assert sentence in body
    assert "评分规则：" in body


def test_section_four_manual_indicators_carry_the_evidence(worked):
    t = worked["text"]
    assert "——A21 预算编制合理性　分值 3 分，得分 2 分。" in worked["paragraphs"]
    assert (
        "评价人评分：得 2 分（满分 3 分）。依据：项目支出未有细化的工作计划及预算。评分人：湖南良才联合会计师事务所（第三方评价机构）。"
        in t
    )
    assert "评价人评分：得 0 分（满分 2 分）。依据：部分资产未张贴固定资产卡片" in t
    # no procurement / fixed-asset amounts: the evaluator's score, and the reason
    assert (
        "缺少政府采购数据（其他基础数据中的“政府采购预算数”“政府采购实际执行数”），由评价人评分：得 1 分（满分 1 分）"
        in t
    )
    assert "服务满意度 = 39 / 48 × 100% = 81.25%" in t and "取整得 3 分（满分 4 分）" in t


def test_section_four_level_subtotals_like_the_source(worked):
    t = worked["text"]
    for s in (
        "投入一级指标总分值 15 分，得分 14 分。",  # the source's text says 14 (its table 15)
        "过程一级指标总分值 29 分，得分 27 分。",  # the source: 26 (B22)
        "产出一级指标总分值 40 分，得分 34 分。",
        "效果一级指标总分值 16 分，得分 15 分。",
        "A1 目标设定指标分值 6 分，得分 6 分。",
        "A2 预算配置指标分值 9 分，得分 8 分。",
        "B1 预算执行指标分值 4 分，得分 4 分。",
        "B2 经费执行率指标分值 5 分，得分 5 分。",
        "B3 业务管理指标分值 15 分，得分 15 分。",
        "B4 资产管理指标分值 5 分，得分 3 分。",
        "C1 实际完成情况指标分值 16 分，得分 12 分。",
        "D1 社会效益指标分值 12 分，得分 12 分。",
    ):
        assert s in t, s


def test_indicators_in_the_frameworks_order(worked):
    md = worked["md"]
    section = md[md.index("## 六、部门绩效评价结果") : md.index("## 七、出现的问题及原因")]
    found = re.findall(r"^\*\*(?:——)?([A-D]\d+) ", section, flags=re.M)
    assert found == list(POINTS)


def test_single_year_has_no_trend_table(worked):
    assert "只有 2023 年度的评分，暂无历年趋势" in worked["text"]
    assert not any("年度" in t[0] and "总分" in t[0] for t in worked["tables"])


def test_markdown_has_the_same_figures(worked):
    md = worked["md"]
    for s in (
        "88,862,851.06",
        "88,044,648.36",
        "99.08%",
        "92.87%",
        "94.57%",
        "818,202.70",
        "**90 分**",
        "**优**",
    ):
        assert s in md
    assert (
        "| **项目支出合计** | | **87,565,866.06** | **-2,098,757.00** | **85,467,109.06** | **84,648,906.36** | **818,202.70** |"
        in md
    )


# ---------------------------------------------------------------------------- 2. PDF


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_pdf_has_chinese_text_in_an_embedded_cjk_font(report_warehouse, tmp_path):
    pdf = render_report(report_warehouse, DEPT, 2023, FW, "pdf", tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for s in (NAME, "二、部门整体支出管理及使用情况", "人员经费 3,153,742.00 元", "88,044,648.36", "99.08%"):
        assert s in text, s
    assert re.search(r"第\s*2\s*页\s*/\s*共\s*\d+\s*页", text)  # page numbers in the footer
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and " yes " in fonts  # embedded
    if shutil.which("pdftoppm"):  # the first two pages, to look at (tests/artifacts is not committed)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "report-page")],
            check=True,
        )


def test_html_is_self_contained(yanfeng_warehouse, tmp_path):
    html = render_report(yanfeng_warehouse, DEPT, 2023, FW, "html", tmp_path / "r.html").read_text(
        encoding="utf-8"
    )
    assert "<style>" in html and "Noto Sans CJK SC" in html and "counter(page)" in html
    assert '<td class="right"><strong>88,044,648.36</strong></td>' in html  # the ledger's 合计 row
    assert '<h1 class="cover"' in html and "<br>" in html


# ---------------------------------------------------------------------------- 3. not found


def test_unknown_department_is_report_not_found(yanfeng_warehouse, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(ReportNotFound, match=r"没有找到部门 nope 2023 年度.*不在仓库中"):
        render_report(yanfeng_warehouse, "nope", 2023, FW, "docx", out)
    with pytest.raises(ReportNotFound, match="有评分的年度：2023"):
        render_report(yanfeng_warehouse, DEPT, 2022, FW, "md", out)
    assert not out.exists()


def test_cli(yanfeng_warehouse, tmp_path, capsys):
    from app.cli import main
    from app.errors import EXIT_NOT_FOUND

    assert (
        EXIT_NOT_FOUND == 7
    )  # one exit-code table for every command: 1 is a failed build, never "not found"

    out = tmp_path / "报告.docx"
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
                "docx",
                "--out",
                str(out),
                "--warehouse",
                str(yanfeng_warehouse),
            ]
        )
        == 0
    )
    assert out.read_bytes()[:2] == b"PK"
    assert (
        main(
            [
                "report",
                "--dept",
                "nope",
                "--year",
                "2023",
                "--out",
                str(tmp_path / "n.md"),
                "-w",
                str(yanfeng_warehouse),
            ]
        )
        == EXIT_NOT_FOUND
    )
    assert "没有找到部门 nope" in capsys.readouterr().err
    assert (
        main(
            [
                "report",
                "--dept",
                DEPT,
                "--year",
                "2023",
                "--out",
                str(tmp_path / "m.md"),
                "-w",
                str(tmp_path / "missing.duckdb"),
            ]
        )
        == EXIT_NOT_FOUND
    )


# ---------------------------------------------------------------------------- 4. the demo sample: several years


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    from app.cli import expand_inputs

    wh = tmp_path_factory.mktemp("demo") / "jixiao.duckdb"
    result = build_warehouse(wh, *expand_inputs([str(ROOT / "ingest" / "sample" / "demo")]), run_checks=False)
    assert result.swapped, [str(i) for o in result.outcomes for i in o.issues]
    return wh


def test_demo_department_has_the_trend_table(demo_warehouse, tmp_path):
    dept = "430407-hrss"
    with contextlib.closing(duckdb.connect(str(demo_warehouse), read_only=True)) as con:
        scores = con.execute(
            "select fiscal_year, total_score, grade from marts.fct_department_scores where dept_code = ? and framework_code = ? order by 1",
            [dept, FW],
        ).fetchall()
    assert [y for y, _, _ in scores] == [2021, 2022, 2023]
    paragraphs, tables = docx_text(render_report(demo_warehouse, dept, 2023, FW, "docx", tmp_path / "r.docx"))
    assert "十、历年趋势" in paragraphs
    trend = table_with(tables, "年度", "总分", "等级", "较上年")
    from app.report.render import score

    assert [(r[0], r[1], r[2]) for r in trend[1:]] == [(str(y), score(t), g) for y, t, g in scores]
    assert trend[0][4:8] == ["A 投入", "B 过程", "C 产出", "D 效果"]
    budget = table_with(tables, "年度", "年初预算", "预算完成率")
    assert [r[0] for r in budget[1:]] == ["2021", "2022", "2023"]
    assert all(r[5].endswith("%") for r in budget[1:])


def test_demo_not_assessable_is_never_zero(demo_warehouse, tmp_path):
    """mof_dept_common: indicators without their inputs (and no evaluator's score) are 不可评价, not 0 points."""
    dept = "430407-hrss"
    with contextlib.closing(duckdb.connect(str(demo_warehouse), read_only=True)) as con:
        na = [
            r[0]
            for r in con.execute(
                """select indicator_code from marts.fct_indicator_scores where dept_code = ? and fiscal_year = 2023
                   and framework_code = 'mof_dept_common' and not assessable order by sort_order""",
                [dept],
            ).fetchall()
        ]
    assert na
    paragraphs, tables = docx_text(
        render_report(demo_warehouse, dept, 2023, "mof_dept_common", "docx", tmp_path / "m.docx")
    )
    table = table_with(tables, "一级指标", "三级指标", "得分")
    cells = {r[3].split()[0]: r[5] for r in table[1:] if r[3]}
    assert all(cells[c] == "不可评价" for c in na)
    for c in na:
        head = next(p for p in paragraphs if p.startswith(f"——{c} ") or p.startswith(f"{c} "))
        assert "不可评价（不计分，不按 0 分计）" in head and "得分" not in head
    assert any("不可评价，不计分（不按 0 分解读）" in p for p in paragraphs)


def test_every_demo_report_renders(demo_warehouse, tmp_path):
    """Every (department, year, framework) of the demo sample: Markdown and Word, on one connection."""
    with contextlib.closing(duckdb.connect(str(demo_warehouse), read_only=True)) as con:
        n = con.execute("select count(*) from marts.fct_department_scores").fetchone()[0]
        md = render_many(None, tmp_path / "md", "md", con=con)
        dx = render_many(
            None,
            tmp_path / "docx",
            "docx",
            con=con,
            keys=[
                ("430405-nr", 2022, f) for f in ("pefa_2016", "project_self", "hebei_mgmt", "sc_county_self")
            ],
        )
    assert len(md) == n
    assert all("## 十、历年趋势" in p.read_text(encoding="utf-8") for p in md)
    titles = {}
    for p in dx:
        docx.Document(io.BytesIO(p.read_bytes()))
        titles[p.stem.split("_", 2)[2]] = docx_text(p)[0][0].split("\n")[1]
    # each framework's own report title (seeds/frameworks.csv report_title)
    assert titles == {
        "pefa_2016": "2022年度公共财政管理绩效评估报告（PEFA）",
        "project_self": "2022年度项目支出绩效自评报告",
        "hebei_mgmt": "2022年度预算绩效管理工作考核报告",
        "sc_county_self": "2022年度部门整体绩效自评报告",
    }


# ---------------------------------------------------------------------------- 5. the source report's sections (issue 16)


def test_cover_names_the_commissioner_the_agency_and_the_date(worked):
    assert worked["paragraphs"][1] == (
        f"项目单位：{NAME}\n委托单位：衡阳市雁峰区财政局\n评价机构：湖南良才联合会计师事务所（普通合伙）\n日期：2024 年 6 月"
    )


def test_the_overview_says_who_evaluated_for_whom(worked):
    p = worked["paragraphs"]
    i = p.index("概\u3000述")
    assert p[i + 1] == (
        "湖南良才联合会计师事务所（普通合伙）受衡阳市雁峰区财政局委托，对雁峰区人力资源和社会保障局 2023 年度部门整体支出"
        "进行绩效评价，按《湖南省部门整体支出绩效评价指标体系（湘财绩〔2020〕7号）》评分，形成本评价报告（2024 年 6 月）。"
    )
    assert p[i + 2] == SECTIONS[0]


def test_sections_and_subsections_in_the_source_order(worked):
    p = worked["paragraphs"]
    body = p[_body_start(p) :]  # after the table of contents
    order = [
        "一、部门基本情况",
        "（一）部门职责",
        "（二）机构设置",
        "（三）人员情况",
        "二、部门整体支出管理及使用情况",
        "（一）基本支出",
        "（二）项目支出",
        "（三）“三公”经费支出",
        "三、部门内部控制情况",
        "四、评价思路",
        "（一）评价目的与重点",
        "（二）评价对象和依据",
        "（三）评价方法",
        "五、绩效评价指标体系",
        "（一）指标体系框架构成",
        "（二）评价等级",
        "（三）评价结论",
        "六、部门绩效评价结果",
        "（一）投入分析",
        "（四）效果分析",
        "（五）满意度调查",
        "七、出现的问题及原因",
        "八、改进建议",
        "九、核对发现",
        "十、历年趋势",
    ]
    idx = [body.index(s) for s in order]
    assert idx == sorted(idx)


def _body_start(paragraphs: list[str]) -> int:
    """Where the body begins: the second 一、… (the first is the table of contents' line)."""
    return paragraphs.index(SECTIONS[0], paragraphs.index(SECTIONS[0]) + 1)


def _section(paragraphs: list[str], start: str, end: str) -> list[str]:
    i = paragraphs.index(start, _body_start(paragraphs))
    return paragraphs[i + 1 : paragraphs.index(end, i)]


def test_the_profile_texts_print_paragraph_by_paragraph(worked):
    p = worked["paragraphs"]
    duties = _section(p, "（一）部门职责", "（二）机构设置")
    assert duties[0].startswith(
        "雁峰区人力资源和社会保障局贯彻落实党中央关于人力资源和社会保障工作的方针政策"
    )
    assert duties[-1].startswith("15、有关职责分工。毕业生离校前的就业指导和服务工作，由区教育局负责。")
    assert len(duties) == 16  # the source's paragraphs, one per line of the 部门职责 cell
    assert _section(p, "（二）机构设置", "（三）人员情况") == [
        "雁峰区人社局共设有 6 个股室、5 个二级机构。6 个股室分别是：办公室、行政审批服务股（政策法规股）、社会保险股、"
        "事业单位人事管理股、工资福利股、财务及基金监督股。5 个二级机构分别是：雁峰区社会保险服务中心、雁峰区就业服务中心、"
        "雁峰区人力资源服务中心、雁峰区劳动人事争议仲裁院、雁峰区劳动保障监察大队。"
    ]
    staff = _section(p, "（三）人员情况", "二、部门整体支出管理及使用情况")
    assert staff[-1] == "按报送的人员编制表，2023 年度核定编制 42 人，实有在职人员 40 人。"
    control = _section(p, "三、部门内部控制情况", "四、评价思路")
    assert control[0].startswith("单位成立了内部控制领导小组和内部控制工作小组")
    assert control[-1] == "（摘自被评价单位《2023 年度行政事业单位内部控制报告》）"
    method = _section(p, "（三）评价方法", "五、绩效评价指标体系")
    assert method[0] == (
        "在本次绩效评价的过程中，评价机构拟通过案卷研究法、比较法、因素分析法及公众评判法等评价方法对本项目的各项指标依次打分。"
    )
    assert method[-1].startswith("本报告的计算类指标按评价体系的公式和评分规则")


def test_problems_and_advice_are_numbered_lists(worked):
    p = worked["paragraphs"]
    problems = _section(p, "七、出现的问题及原因", "八、改进建议")
    assert [x[:2] for x in problems] == ["1、", "2、"]
    assert problems[0] == (
        "1、运用绩效指标评价体系还不够深入；全面绩效责任约束作用不强，预算执行绩效目标完成率与实际支出匹配性有待进一步提高。"
    )
    advice = _section(p, "八、改进建议", "九、核对发现")
    assert [x[:2] for x in advice] == ["1、", "2、", "3、", "4、"]
    assert (
        advice[2]
        == "3、全面落实就业创业政策，重点抓好农村劳动力转移就业者职业技能培训，统筹推进全区就业工作。改善就业结构，提高就业质量。"
    )


def test_the_survey_table_by_question(worked):
    """The source's 服务满意度 table: per question the respondents by rating and the points, 39 of 48."""
    table = table_with(worked["tables"], "调查内容", "非常好", "不了解", "得分")
    assert table == [
        ["调查内容", "非常好", "比较好", "一般", "非常差", "不了解", "得分", "满意度"],
        ["服务态度", "2 人", "2 人", "0 人", "0 人", "1 人", "10", "83.33%"],
        ["办事效率", "2 人", "4 人", "1 人", "0 人", "2 人", "15", "71.43%"],
        ["办事流程", "4 人", "1 人", "0 人", "0 人", "1 人", "14", "93.33%"],
        ["合计", "8 人", "7 人", "1 人", "0 人", "4 人", "39", "81.25%"],
    ]
    assert (
        "本次调查纳入总分的回答 16 人次（不了解 4 人次），总分 = 16 × 3 = 48 分，得分 39 分，满意度 = 39 / 48 × 100% = 81.25%。"
        in worked["text"]
    )


def test_person_scored_indicators_show_their_evidence_or_say_there_is_none(worked):
    t = worked["text"]
    assert "依据：部分资产未张贴固定资产卡片。" in t  # B42, the evaluator's evidence
    b31 = _section(
        worked["paragraphs"],
        "——B31 业务管理制度健全性\u3000分值 3 分，得分 3 分。",
        "——B32 业务管理制度执行有效性\u3000分值 3 分，得分 3 分。",
    )
    assert b31 == [
        "评价人评分：得 3 分（满分 3 分）。评价人未填写评分依据。评分人：湖南良才联合会计师事务所（第三方评价机构）。"
        "评分规则：已制定相应的业务管理制度且合法、合规、完整，得3分，否则酌情扣分。"
    ]


def test_sources_are_named_as_the_data_names_them(worked):
    t = worked["text"] + "\n".join("|".join(c for r in tb for c in r) for tb in worked["tables"])
    assert "报告总分 89 分，按各指标得分计算为 90 分（优）（来源：报送的报告值表第 16 行）" in t
    for internal in (".csv", "facts.", "仓库", "公共表", "marts", "jixiao", "reported_results"):
        assert internal not in t, internal
    assert "本报告根据报送的数据，按评价体系的公式和评分规则自动生成" in t


def test_table_of_contents_in_every_format(worked, report_warehouse, tmp_path):
    import zipfile

    # Word: a TOC field over the level-2/3 headings, refreshed (page numbers) when Word opens the file
    with zipfile.ZipFile(worked["docx"]) as z:
        document = z.read("word/document.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    assert '<w:instrText xml:space="preserve"> TOC \\o "2-3" \\h \\z \\u </w:instrText>' in document
    assert '<w:updateFields w:val="true"/>' in settings
    p = worked["paragraphs"]
    toc = [x for x in p[p.index("目\u3000录") + 1 : p.index("概\u3000述")] if x]  # (a page break follows)
    assert toc[:4] == ["一、部门基本情况", "（一）部门职责", "（二）机构设置", "（三）人员情况"]
    assert [x for x in toc if x in SECTIONS] == SECTIONS and toc[-1] == "十、历年趋势"
    # Markdown: the list of sections
    md = worked["md"]
    assert "**目\u3000录**\n\n- 一、部门基本情况\n  - （一）部门职责\n" in md and "<!-- toc -->" not in md
    # HTML/PDF: links with page numbers (target-counter), and the PDF's bookmarks
    html = render_report(report_warehouse, DEPT, 2023, FW, "html", tmp_path / "r.html").read_text(
        encoding="utf-8"
    )
    assert '<li class="toc-2"><a href="#s1">一、部门基本情况</a></li>' in html
    assert '<h2 id="s1">一、部门基本情况</h2>' in html and "target-counter(attr(href url), page)" in html
    import weasyprint

    from app.report.data import load_context
    from app.report.render import render_html

    with contextlib.closing(duckdb.connect(str(report_warehouse), read_only=True)) as con:
        ctx = load_context(con, DEPT, 2023, FW)
    doc = weasyprint.HTML(string=render_html(ctx)).render()
    tree = doc.make_bookmark_tree()  # (label, target, children, state) per bookmark
    assert [b[0] for b in tree] == [f"{NAME}2023年度部门整体支出绩效评价报告"]  # the two-line cover title
    assert [b[0] for b in tree[0][2]] == SECTIONS
    assert [b[0] for b in tree[0][2][0][2]] == ["（一）部门职责", "（二）机构设置", "（三）人员情况"]
    if shutil.which("pdftotext"):
        pdf = tmp_path / "r.pdf"
        doc.write_pdf(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        assert re.search(r"一、部门基本情况\s*\.{5,}\s*3\n", text), text[:2000]


def test_missing_optional_inputs_are_said_plainly(yanfeng_warehouse, tmp_path):
    """Without department_profile and evaluation: every section is there and says what was not submitted."""
    paragraphs, _ = docx_text(render_report(yanfeng_warehouse, DEPT, 2023, FW, "docx", tmp_path / "r.docx"))
    assert paragraphs[1] == f"项目单位：{NAME}\n委托单位：未报送\n评价机构：未报送\n日期：未报送"
    for s in (
        "未报送部门职责（部门概况表中没有“部门职责”）。",
        "未报送机构设置（部门概况表中没有“机构设置”）。",
        "未报送人员情况的文字说明（部门概况表中没有“人员情况”）。",
        "未报送内部控制情况（部门概况表中没有“内部控制”）。",
        "未报送评价思路（评价报告信息表中没有“评价思路”）。",
        "未报送评价方法（评价报告信息表中没有“评价方法”）。",
        "未报送问题及原因（评价报告信息表中没有“问题及原因”）。",
        "未报送改进建议（评价报告信息表中没有“改进建议”）。",
    ):
        assert s in paragraphs, s
    body = paragraphs[_body_start(paragraphs) :]
    idx = [body.index(s) for s in SECTIONS]
    assert idx == sorted(idx)


# ---------------------------------------------------------------------------- 6. no English in any report


# Latin letters a report may print: codes (any token with a digit: A11, PI-1, 430406-hrss, B22; a single
# capital: the level codes A–D, M, N, Z and the letter grades D*, B+), the PEFA name, and min/max of the
# frameworks' formulas (得分 = 3 × min(完成率/100%, 1)). Anything else is English or an internal name.
LATIN_ALLOWED = {"PEFA", "PI", "min", "max"}
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[*+]?")
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def latin_words(text: str) -> set[str]:
    """Latin words in `text` outside the allow-list (a token holding a digit is a code)."""
    out = set()
    for tok in _TOKEN.findall(text):
        if any(ch.isdigit() for ch in tok) or not any(ch.isalpha() for ch in tok):
            continue
        word = tok.rstrip("*+")
        if not (len(word) == 1 and word.isupper()) and word not in LATIN_ALLOWED:
            out.add(tok)
    return out


def html_text(html: str) -> str:
    from html.parser import HTMLParser

    class _Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    p = _Text()
    p.feed(html)
    return " ".join(p.parts)


def report_text(path: Path) -> str:
    """What a reader of the report sees, per format."""
    if path.suffix == ".md":
        return _COMMENT.sub("", path.read_text(encoding="utf-8"))
    if path.suffix == ".html":
        return html_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".docx":
        paragraphs, tables = docx_text(path)
        return "\n".join(paragraphs) + "\n" + "\n".join(c for t in tables for r in t for c in r)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_latin_word_scan_knows_codes_from_words():
    assert latin_words("A11 绩效目标 430406-hrss PI-1 D* 等级 B+ 评价 A PEFA") == set()
    assert latin_words("评分人：third-party evaluator，facts.procurement_budget、仓库（marts）") == {
        "third-party",
        "evaluator",
        "facts.procurement_budget",
        "marts",
    }


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_no_latin_words_in_any_demo_report(demo_warehouse, report_warehouse, tmp_path, fmt):
    """Every report of the demo sample (432) and the worked example, as Markdown, HTML and Word: no English,
    no internal names — only codes, level letters and grades. (PDF: the two tests below.)"""
    with contextlib.closing(duckdb.connect(str(demo_warehouse), read_only=True)) as con:
        n = con.execute("select count(*) from marts.fct_department_scores").fetchone()[0]
        paths = render_many(None, tmp_path / fmt, fmt, con=con)
    assert len(paths) == n == 432
    paths.append(render_report(report_warehouse, DEPT, 2023, FW, fmt, tmp_path / f"worked.{fmt}"))
    found = {p.name: words for p in paths if (words := latin_words(report_text(p)))}
    assert found == {}


def _pdf_scan(paths: list[Path]) -> dict[str, set[str]]:
    return {p.name: words for p in paths if (words := latin_words(report_text(p)))}


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_no_latin_words_in_the_pdf_of_every_framework(demo_warehouse, report_warehouse, tmp_path):
    """PDF text (pdftotext): one department-year per framework of the demo sample and the worked example —
    what the PDF adds to the HTML's text (running header, page numbers, table of contents) is the same for
    every report; the HTML of every report is scanned above."""
    with contextlib.closing(duckdb.connect(str(demo_warehouse), read_only=True)) as con:
        keys = con.execute(
            """select dept_code, fiscal_year, framework_code from marts.fct_department_scores
               qualify row_number() over (partition by framework_code order by fiscal_year desc, dept_code) = 1
               order by framework_code"""
        ).fetchall()
        paths = render_many(None, tmp_path, "pdf", keys=keys, con=con)
    assert len(paths) == 6
    paths.append(render_report(report_warehouse, DEPT, 2023, FW, "pdf", tmp_path / "worked.pdf"))
    assert _pdf_scan(paths) == {}
