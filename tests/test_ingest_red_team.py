"""What a red-team pass over ingest found (issue 12), each pinned with its exact outcome: the ordinary
accidents that used to load a different number than the document shows, and the files that crashed or hung.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from ingest import templates as T
from ingest.parse import parse_table
from ingest.readers import read_csv, read_xlsx_sheet
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "sample" / "yanfeng-2023"
LEDGER_HEAD = "部门编码,年度,指标管理类型,项目类别,政府经济分类,原始指标金额,调整金额,实际指标可用金额,实际支付合计,指标结余\n"


def _csv(tmp_path: Path, template: str, text: str):
    path = tmp_path / f"{template}.csv"
    path.write_text(text, encoding="utf-8")
    return parse_table(read_csv(path), T.TEMPLATES[template])


def _xlsx(tmp_path: Path, template: str, write) -> object:
    path = tmp_path / f"{template}.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(template)
    write(wb, ws)
    wb.close()
    return parse_table(read_xlsx_sheet(path, template), T.TEMPLATES[template])


def _errors(parsed):
    return [(i.row, i.column, i.value, i.reason) for i in parsed.issues if i.severity == "error"]


def test_an_unquoted_thousands_separator_before_a_blank_last_field_is_refused(tmp_path):
    p = _csv(
        tmp_path,
        "budget_ledger",
        LEDGER_HEAD + "430406-hrss,2023,基本支出,公用经费,办公经费,121,000.00,,121000.00,120000.00,\n",
    )
    assert _errors(p) == [
        (
            2,
            None,
            "",
            '这一行有 11 个字段，表头只有 10 列：金额中的千分位逗号要加引号（如 "121,000.00"），多余的字段请删除',
        )
    ]


def test_money_units_other_than_yuan_and_wan_are_refused_wherever_stated(tmp_path):
    p = _csv(
        tmp_path,
        "three_public",
        "单位：千元\ndept_code,fiscal_year,item,budget,actual\nD1,2023,公务接待费,1.2,1.1\n",
    )
    assert _errors(p) == [
        (1, None, "单位：千元", "表格上方写明的金额单位“千元”不支持：金额请以 元 或 万元 填写（并写明单位）")
    ]
    q = _csv(
        tmp_path,
        "three_public",
        "dept_code,fiscal_year,item,budget,actual\nD1,2023,公务接待费,1.2,1.1\n注：单位：万元\n",
    )
    assert _errors(q) == [
        (
            3,
            None,
            "注：单位：万元",
            "表格后的注释写明了金额单位：请把单位写在表头上方（如“单位：万元”）或表头中（如“年初预算(万元)”）",
        )
    ]

    def fmt(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "item", "budget", "actual"])
        ws.write_row(1, 0, ["D1", 2023, "公务接待费"])
        ws.write_number(1, 3, 286.5, wb.add_format({"num_format": '0.00"千元"'}))
        ws.write_number(1, 4, 286.5, wb.add_format({"num_format": '0.00"万元"'}))

    r = _xlsx(tmp_path, "three_public", fmt)
    assert [e[:3] for e in _errors(r)] == [(2, "budget", "286.5")]
    assert "显示的数与保存的数不同" in _errors(r)[0][3]


@pytest.mark.parametrize(
    "note",
    ["注：单位万元", "注：以上金额均为万元", "备注：单位为万元", "说明：金额以 千元 计", "注：单位 万 元"],
)
def test_a_money_unit_in_a_note_below_the_table_is_refused_in_any_wording(tmp_path, note):
    """Found by a new user: only 注：单位：万元 was refused; 注：单位万元 was skipped as a note and 86.14 (万元)
    loaded as 86.14 元."""
    p = _csv(tmp_path, "carryover", f"部门编码,年度,年初结转结余,年末结转结余\nD1,2023,86.14,\n{note}\n")
    assert _errors(p) == [
        (
            3,
            None,
            note,
            "表格后的注释写明了金额单位：请把单位写在表头上方（如“单位：万元”）或表头中（如“年初预算(万元)”）",
        )
    ]


def test_a_note_that_names_no_money_unit_is_skipped_with_a_warning(tmp_path):
    p = _csv(
        tmp_path,
        "carryover",
        "部门编码,年度,年初结转结余,年末结转结余\nD1,2023,86.14,\n注：数据来源于决算报表\n",
    )
    assert _errors(p) == []


def test_a_figure_typed_as_text_and_merged_down_is_refused_not_copied(tmp_path):
    def merged(wb, ws):
        ws.write_row(0, 0, ["部门编码", "年度", "指标管理类型", "项目类别", "政府经济分类", "年初预算"])
        ws.write_row(1, 0, ["D1", 2023, "基本支出", "公用经费", "办公经费"])
        ws.write_row(2, 0, ["D1", 2023, "基本支出", "公用经费", "邮电费"])
        ws.merge_range(1, 5, 2, 5, "121,000.00")

    p = _xlsx(tmp_path, "budget_ledger", merged)
    assert _errors(p) == [
        (
            2,
            "第 6 列",
            "121,000.00",
            "数值单元格向下合并到第 3 行：无法确定它属于哪一行，请拆分单元格、每行分别填写",
        )
    ]


def test_a_data_row_with_a_remark_is_data_not_a_note(tmp_path):
    p = _csv(
        tmp_path,
        "budget_ledger",
        LEDGER_HEAD.rstrip("\n")
        + ",x_备注\n"
        + "D1,2023,基本支出,公用经费,办公费,500000,,500000,500000,,说明：年中追加\n",
    )
    assert p.issues == []
    assert [str(v) for v in p.frame["original_budget"]] == ["500000.00"]


def test_spaces_inside_a_number_never_join_two_numbers(tmp_path):
    p = _csv(
        tmp_path,
        "carryover",
        'dept_code,fiscal_year,opening_balance,closing_balance\nD1,2021,"100\n200",\nD1,2022,12 000 5,\nD1,2023,1 234 567.89,\n',
    )
    assert _errors(p) == [
        (2, "opening_balance", "100\n200", "金额格式无法识别"),
        (4, "opening_balance", "12 000 5", "金额格式无法识别"),
    ]
    staff = _csv(
        tmp_path,
        "staffing",
        'dept_code,fiscal_year,staff_type,authorized,actual\nD1,2023,行政编制,4 2,"1,042"\n',
    )
    assert _errors(staff) == [(2, "authorized", "4 2", "应为整数")]


def test_codes_shown_with_leading_zeros_load_as_shown(tmp_path):
    def codes(wb, ws):
        ws.write_row(0, 0, ["dept_code", "dept_name", "region_code", "region_name"])
        ws.write_number(1, 0, 12345, wb.add_format({"num_format": "000000"}))
        ws.write_row(1, 1, ["甲"])
        ws.write_string(1, 2, "430406")
        ws.write_string(1, 3, "雁峰区")

    p = _xlsx(tmp_path, "departments", codes)
    assert p.issues == [] and p.frame["dept_code"].to_list() == ["012345"]


def test_a_number_shown_rounded_by_its_format_is_refused(tmp_path):
    def rounded(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance"])
        ws.write_row(1, 0, ["D1", 2023])
        ws.write_number(1, 2, 1234.56, wb.add_format({"num_format": "#,##0"}))

    p = _xlsx(tmp_path, "carryover", rounded)
    assert _errors(p) == [
        (
            2,
            "opening_balance",
            "1235（保存的值 1234.56）",
            "单元格按数字格式显示的是四舍五入后的数，与保存的数不同：请把单元格格式改为显示全部小数位后再报送",
        )
    ]


def test_hidden_columns_and_zero_height_rows_are_refused(tmp_path):
    def hidden(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance", "x_备注"])
        ws.write_row(1, 0, ["D1", 2022, 100, "作废"])
        ws.write_row(2, 0, ["D1", 2023, 200])
        ws.set_column(3, 3, None, None, {"hidden": True})
        ws.set_row(2, 0)

    p = _xlsx(tmp_path, "carryover", hidden)
    assert _errors(p) == [
        (
            2,
            "第 4 列",
            "作废",
            "这个单元格在隐藏的列中：隐藏的内容不会显示和打印，请删除它，或取消隐藏后确认其中的数据是要报送的",
        ),
        (
            3,
            None,
            "D1 | 2023 | 200",
            "这一行是隐藏的行：隐藏的行不会显示和打印，请删除它，或取消隐藏后确认其中的数据是要报送的",
        ),
    ]


def test_a_figure_merged_across_two_amount_columns_is_refused(tmp_path):
    def across(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance", "closing_balance"])
        ws.write_row(1, 0, ["D1", 2023])
        ws.merge_range(1, 2, 1, 3, 1000)

    p = _xlsx(tmp_path, "carryover", across)
    assert _errors(p) == [
        (2, "第 3 列", "1000", "数值单元格横向合并到第 4 列：无法确定它属于哪一列，请拆分单元格分别填写")
    ]


def test_a_percent_in_a_reported_amount_is_refused(tmp_path):
    p = _csv(
        tmp_path,
        "reported_results",
        'dept_code,fiscal_year,framework_code,item,reported_value\nD1,2023,,年初预算,"3,395,742%"\nD1,2023,hn_dept_overall,B11,99.08%\n',
    )
    assert _errors(p) == [(2, "reported_value", "3,395,742%", "金额项目的报告值不能带 %")]


def test_a_damaged_workbook_or_a_pipe_is_refused_never_a_crash_or_a_hang(tmp_path):
    good = tmp_path / "good.xlsx"
    wb = xlsxwriter.Workbook(str(good))
    wb.add_worksheet("departments").write_row(0, 0, ["dept_code"])
    wb.close()
    bad = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as z, zipfile.ZipFile(bad, "w") as w:
        for n in z.namelist():
            data = z.read(n)
            w.writestr(n, data[: len(data) // 2] if n == "xl/styles.xml" else data)
    sub = read_submission(bad, catalog=FrameworkCatalog.from_seeds(ROOT / "seeds"))
    assert [(i.file, i.reason) for i in sub.errors] == [
        ("damaged.xlsx", "XLSX 文件无法打开（工作簿结构损坏：XMLSyntaxError）")
    ]

    folder = tmp_path / "sub"
    folder.mkdir()
    for f in SAMPLE.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    (folder / "facts.csv").unlink()
    os.mkfifo(folder / "facts.csv")
    sub = read_submission(folder, catalog=FrameworkCatalog.from_seeds(ROOT / "seeds"))
    assert [(i.file, i.reason) for i in sub.errors] == [("facts.csv", "不是普通文件（管道或设备），不读取")]


def test_a_huge_number_in_a_shifted_format_is_refused_not_a_traceback(tmp_path):
    def huge(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance"])
        ws.write_row(1, 0, ["D1", 2023])
        ws.write_number(1, 2, 1e30, wb.add_format({"num_format": "0!.0000"}))

    p = _xlsx(tmp_path, "carryover", huge)
    assert [e[:2] for e in _errors(p)] == [(2, "opening_balance")]


def test_a_zero_shown_as_blank_is_refused(tmp_path):
    def zero(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance", "closing_balance"])
        ws.write_row(1, 0, ["D1", 2023])
        ws.write_number(1, 2, 0, wb.add_format({"num_format": "0.00;-0.00;"}))
        ws.write_number(1, 3, 5, wb.add_format({"num_format": "0.00;-0.00;"}))

    p = _xlsx(tmp_path, "carryover", zero)
    assert _errors(p) == [
        (
            2,
            "opening_balance",
            "0",
            "单元格保存的是 0，却按格式或工作表设置显示为空白：空白表示未知，0 就请显示 0（取消“零值显示为空白”）",
        )
    ]


def test_a_footnote_mark_in_a_number_is_refused(tmp_path):
    def rich(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance"])
        ws.write_row(1, 0, ["D1", 2023])
        ws.write_rich_string(1, 2, "121000", wb.add_format({"font_script": 1}), "1")

    p = _xlsx(tmp_path, "carryover", rich)
    assert _errors(p) == [
        (
            2,
            "opening_balance",
            "1210001",
            "单元格中的数字带有上标、下标或删除线：读出的数字与显示的不同，请改为普通格式后再填写",
        )
    ]


def test_csv_limits_are_located_refusals(tmp_path):
    from ingest.issues import Issue
    from ingest.readers import ReadError

    wide = tmp_path / "carryover.csv"
    wide.write_text(",".join(f"c{i}" for i in range(300)) + "\n1\n", encoding="utf-8")
    try:
        read_csv(wide)
        raise AssertionError("a 300-column header must be refused")
    except ReadError as e:
        assert (e.issue.row, e.issue.reason) == (
            1,
            "表头有 300 列，远超任何模板（最多 256 列）：这不是一张填报表",
        )
    long = tmp_path / "departments.csv"
    long.write_text(
        "dept_code,dept_name,region_code,region_name\nD1," + "名" * 10_001 + ",430406,雁峰区\n",
        encoding="utf-8",
    )
    try:
        read_csv(long)
        raise AssertionError("a 10,001-character cell must be refused")
    except ReadError as e:
        assert (e.issue.row, e.issue.column, e.issue.reason) == (
            2,
            "第 2 列",
            "单元格内容过长（超过 10,000 个字符）",
        )
    assert len(Issue("f", None, 1, None, "x" * 3_000_000, "r").value) == 501  # 500 characters and an ellipsis


def test_a_bom_written_twice_and_counts_with_thousands_separators(tmp_path):
    path = tmp_path / "staffing.csv"
    path.write_bytes(
        '\ufeff\ufeffdept_code,fiscal_year,staff_type,authorized,actual\nD1,2023,行政编制,"1,042",998\n'.encode(
            "utf-8"
        )
    )
    p = parse_table(read_csv(path), T.TEMPLATES["staffing"])
    assert p.issues == []
    assert p.frame.select("authorized", "actual").row(0) == (1042, 998)


def test_a_sheet_set_to_show_zeros_as_blank_refuses_its_zeros(tmp_path):
    def zeros(wb, ws):
        ws.write_row(0, 0, ["dept_code", "fiscal_year", "opening_balance"])
        ws.write_row(1, 0, ["D1", 2023, 0])
        ws.hide_zero()

    p = _xlsx(tmp_path, "carryover", zeros)
    assert _errors(p) == [
        (
            2,
            "opening_balance",
            "0",
            "单元格保存的是 0，却按格式或工作表设置显示为空白：空白表示未知，0 就请显示 0（取消“零值显示为空白”）",
        )
    ]
