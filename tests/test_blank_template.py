"""The fill-in workbook (填报模板, issue 17 item 1): generated, filled in as a department would (openpyxl
edits the workbook in place, keeping its drop-downs and formats), and loaded to the expected rows."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
from conftest import build_warehouse, query
from python_calamine import CalamineWorkbook

from ingest import templates as T
from ingest.blank_template import Department, sheet_name, write_blank_template
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = str(ROOT / ".venv" / "bin" / "jixiao")
DEPT = Department(
    "430406-hrss", "雁峰区人力资源和社会保障局", "430406", "湖南省衡阳市雁峰区", "", "人力资源和社会保障"
)


def test_one_sheet_per_template_with_chinese_headers_and_drop_downs(tmp_path):
    path = write_blank_template(tmp_path / "模板.xlsx", [DEPT], [2023])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["说明", "x_选项", *[sheet_name(t) for t in T.TEMPLATES.values()]]
    ledger = book["预算指标执行台账"]
    assert [c.value for c in ledger[1]][:4] == ["部门编码", "年度", "指标管理类型", "项目类别"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ledger.data_validations.dataValidation}
    choices = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("x_选项").to_python()
    column = {
        f: [r[i] for r in choices if i < len(r) and r[i] != ""]
        for i, f in enumerate(sorted(set(lists.values()), key=lambda f: f.split("$")[1]))
    }
    assert column[lists["C2"]] == ["基本支出", "项目支出"]
    assert column[lists["D2"]] == ["人员经费", "公用经费", "其他运转类", "特定目标类"]
    assert column[lists["A2"]] == ["430406-hrss"] and column[lists["B2"]] == ["2023"]
    assert [c.value for c in book["部门信息"][2]][:4] == [
        "430406-hrss",
        "雁峰区人力资源和社会保障局",
        "430406",
        "湖南省衡阳市雁峰区",
    ]
    notes = [
        r[0]
        for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("说明").to_python()
        if r and r[0]
    ]
    assert "预算指标执行台账（budget_ledger）　必填" in notes and "人员编制（staffing）　可选" in notes


def test_a_filled_in_template_loads_to_the_rows_written(tmp_path):
    path = write_blank_template(tmp_path / "雁峰区人社局2023.xlsx", [DEPT], [2023])
    book = openpyxl.load_workbook(path)
    ledger = book["预算指标执行台账"]
    header = [c.value for c in ledger[1]]
    lines = [
        {
            "部门编码": "430406-hrss",
            "年度": 2023,
            "指标管理类型": "基本支出",
            "项目类别": "人员经费",
            "原始指标金额": 3233445,
            "实际指标可用金额": 3153742,
            "实际支付合计": 3153742,
        },
        {
            "部门编码": "430406-hrss",
            "年度": 2023,
            "指标管理类型": "基本支出",
            "项目类别": "公用经费",
            "原始指标金额": 242000,
            "实际指标可用金额": 242000,
            "实际支付合计": 242000,
        },
        {
            "部门编码": "430406-hrss",
            "年度": 2023,
            "指标管理类型": "项目支出",
            "项目类别": "特定目标类",
            "项目编码": "P1",
            "项目名称": "就业补助",
            "原始指标金额": 1000.5,
            "实际指标可用金额": 1000.5,
            "实际支付合计": None,
        },
    ]
    for r, line in enumerate(lines, start=2):
        for name, value in line.items():
            ledger.cell(row=r, column=header.index(name) + 1, value=value)
    three = book["三公经费"]
    for r, (item, budget, actual) in enumerate(
        [("公务接待费", 1.3, 1.19), ("公务用车运行维护费", None, 2.5)], start=2
    ):
        for c, v in enumerate(["430406-hrss", 2023, item, budget, actual, "万元"], start=1):
            three.cell(row=r, column=c, value=v)
    book.save(path)

    sub = read_submission(path, catalog=FrameworkCatalog.from_seeds(ROOT / "seeds"))
    assert sub.ok, [str(i) for i in sub.issues]
    assert sub.row_counts() == {
        name: {"departments": 1, "budget_ledger": 3, "three_public": 2}.get(name, 0) for name in T.TEMPLATES
    }
    wh = tmp_path / "jixiao.duckdb"
    result = build_warehouse(wh, path, run_checks=False)
    assert result.swapped and not result.refused
    assert [
        tuple(map(str, r))
        for r in query(
            wh,
            "select category, original_budget, adjusted_budget, actual_paid from raw.budget_ledger order by _row_number",
        )
    ] == [
        ("人员经费", "3233445.00", "3153742.00", "3153742.00"),
        ("公用经费", "242000.00", "242000.00", "242000.00"),
        ("特定目标类", "1000.50", "1000.50", "None"),
    ]
    assert [
        tuple(map(str, r))
        for r in query(wh, "select item, budget, actual from raw.three_public order by _row_number")
    ] == [
        ("公务接待费", "13000.00", "11900.00"),
        ("公务用车运行维护费", "None", "25000.00"),
    ]


def test_cli_prefills_departments_from_the_warehouse(yanfeng_warehouse, tmp_path):
    out = tmp_path / "模板.xlsx"
    done = subprocess.run(
        [
            JIXIAO,
            "template",
            "--out",
            str(out),
            "--region",
            "430406",
            "--year",
            "2024",
            "--warehouse",
            str(yanfeng_warehouse),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # rich wraps at the console's width, at a space: compare without whitespace (the path has none here)
    assert f"已生成填报模板：{out}（1个部门已预填）" in "".join(done.stdout.split())
    assert [c.value for c in openpyxl.load_workbook(out)["部门信息"][2]][:2] == [
        "430406-hrss",
        "雁峰区人力资源和社会保障局",
    ]
    missing = subprocess.run(
        [JIXIAO, "template", "--out", str(out), "--dept", "nope", "--warehouse", str(yanfeng_warehouse)],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and "仓库中没有这些部门：nope" in missing.stdout


def test_the_report_templates_have_their_sheets_and_a_filled_in_one_loads(tmp_path):
    """部门概况 and 评价报告信息 (issue 16): sheets with Chinese headers; a real Excel date cell for 评价日期
    and a multi-line 评价思路 read as written."""
    import datetime

    path = write_blank_template(tmp_path / "模板.xlsx", [DEPT], [2023])
    book = openpyxl.load_workbook(path)
    assert [c.value for c in book["部门概况"][1]] == [
        "部门编码",
        "年度",
        "部门职责",
        "机构设置",
        "人员情况",
        "内部控制",
    ]
    assert [c.value for c in book["评价报告信息"][1]] == [
        "部门编码",
        "年度",
        "评价体系",
        "事项",
        "序号",
        "内容",
    ]
    ev = book["评价报告信息"]
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in ev.data_validations.dataValidation}
    assert "D2" in lists  # 事项: a drop-down of the seven items
    rows = [
        ["430406-hrss", 2023, "hn_dept_overall", "评价机构", None, "湖南良才联合会计师事务所（普通合伙）"],
        ["430406-hrss", 2023, "hn_dept_overall", "评价日期", None, datetime.datetime(2024, 6, 30)],
        ["430406-hrss", 2023, "hn_dept_overall", "评价思路", None, "评价目的。\n评价重点。"],
        ["430406-hrss", 2023, "hn_dept_overall", "改进建议", 1, "积极引入绩效理念。"],
    ]
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ev.cell(row=r, column=c, value=v)
    ledger = book["预算指标执行台账"]
    for c, v in enumerate(["430406-hrss", 2023, "基本支出", "人员经费"], start=1):
        ledger.cell(row=2, column=c, value=v)
    ledger.cell(row=2, column=[x.value for x in ledger[1]].index("实际支付合计") + 1, value=100)
    book.save(path)

    sub = read_submission(path, catalog=FrameworkCatalog.from_seeds(ROOT / "seeds"))
    assert sub.ok, [str(i) for i in sub.issues]
    frame = sub.tables["evaluation"].frame
    assert [
        tuple(None if v is None else str(v) for v in r)
        for r in frame.select("item", "seq", "content", "date_value", "date_precision").iter_rows()
    ] == [
        ("评价机构", "1", "湖南良才联合会计师事务所（普通合伙）", None, None),
        ("评价日期", "1", "2024-06-30", "2024-06-30", "day"),  # an Excel date cell
        ("评价思路", "1", "评价目的。\n评价重点。", None, None),
        ("改进建议", "1", "积极引入绩效理念。", None, None),
    ]
