"""Input templates version 2 at the parser: each rule of ``input-templates.md`` "Real tables" and "Amounts"
with the exact values a document shows (issue 11). The layouts of whole real tables, loaded through the
warehouse, are in ``tests/real_tables/``.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import xlsxwriter

from ingest import templates as T
from ingest.parse import parse_table
from ingest.readers import read_csv, read_xlsx_sheet


def _parse(tmp_path: Path, template: str, text: str):
    path = tmp_path / f"{template}.csv"
    path.write_text(text, encoding="utf-8")
    return parse_table(read_csv(path), T.TEMPLATES[template])


def _issues(parsed):
    return [(i.row, i.column, i.value, i.reason, i.severity) for i in parsed.issues]


def _rows(parsed, *cols):
    return [
        tuple(None if v is None else str(v) for v in row) for row in parsed.frame.select(*cols).iter_rows()
    ]


# --- blank means unknown ---------------------------------------------------------------------------


def test_a_blank_three_public_budget_is_unknown_not_zero(tmp_path):
    p = _parse(
        tmp_path,
        "three_public",
        "dept_code,fiscal_year,item,budget,actual,unit\nD1,2023,公务接待费,,1.19,万元\n",
    )
    assert _issues(p) == []
    assert _rows(p, "item", "budget", "actual") == [("公务接待费", None, "11900.00")]


def test_a_blank_original_budget_leaves_the_adjusted_budget_unknown(tmp_path):
    p = _parse(
        tmp_path,
        "budget_ledger",
        "dept_code,fiscal_year,expense_type,category,original_budget,adjustment,adjusted_budget,actual_paid\n"
        "D1,2023,基本支出,人员经费,,-100.00,,900.00\n"
        "D1,2023,基本支出,公用经费,,,500.00,450.00\n"
        "D1,2023,项目支出,特定目标类,1000.00,-100.00,,\n",
    )
    assert _issues(p) == []
    assert _rows(p, "original_budget", "adjusted_budget", "adjusted_budget_derived", "actual_paid") == [
        (None, None, "False", "900.00"),
        (None, "500.00", "False", "450.00"),
        ("1000.00", "900.00", "True", None),  # a budget-stage line: 执行数 unknown
    ]


# --- subtotals -------------------------------------------------------------------------------------

LEDGER_HEAD = "dept_code,fiscal_year,expense_type,category,project_code,project_name,econ_class,original_budget,adjusted_budget,actual_paid\n"


def test_subtotals_are_whole_cells_in_any_label_column(tmp_path):
    p = _parse(
        tmp_path,
        "budget_ledger",
        LEDGER_HEAD
        + "D1,2023,项目支出,特定目标类,P1,综合计划管理经费,,10,10,10\n"
        + "D1,2023,项目支出,特定目标类,P2,大小计量器具维护费,,20,20,20\n"
        + "D1,2023,项目支出,特定目标类,P3,总额,,30,30,30\n"
        + "D1,2023,项目支出,特定目标类,P3,年度资金总额：,,30,30,30\n"
        + "D1,2023,项目支出,,P4,小计,,5,5,5\n"
        + "D1,2023,基本支出,合\u3000计,,,,7,7,7\n"
        + "D1,2023,基本支出合计,,,,,7,8,7\n"
        + "D1,2023,基本支出,人员经费小计,,,,7,7,7\n"
        + "D1,2023,基本支出,公用经费,,,合计数,1,1,1\n",
    )
    assert _issues(p) == []
    assert _rows(p, "project_code", "expense_type", "category", "is_subtotal", "subtotal_label") == [
        ("P1", "项目支出", "特定目标类", "False", None),
        ("P2", "项目支出", "特定目标类", "False", None),
        ("P3", "项目支出", "特定目标类", "True", "总额"),
        ("P3", "项目支出", "特定目标类", "True", "年度资金总额"),
        ("P4", "项目支出", None, "True", "小计"),
        (None, "基本支出", None, "True", "合计"),
        (None, "基本支出", None, "True", "基本支出合计"),
        (None, "基本支出", "人员经费", "True", "人员经费小计"),
        (None, "基本支出", "公用经费", "True", "合计数"),
    ]


def test_qizhong_rows_are_breakdowns_of_the_row_above(tmp_path):
    p = _parse(
        tmp_path,
        "budget_ledger",
        LEDGER_HEAD
        + "D1,2023,基本支出,公用经费,,,商品和服务支出,100,100,90\n"
        + "D1,2023,基本支出,公用经费,,,其中：办公费,40,40,35\n"
        + "D1,2023,基本支出,公用经费,,,其中:印刷费,10,10,9\n"
        + "D1,2023,基本支出,其中：人员经费,,,,5,5,5\n",
    )
    assert [i for i in _issues(p) if i[4] == "error"] == []
    assert _rows(p, "_row_number", "is_breakdown", "breakdown_parent_row", "is_subtotal") == [
        ("2", "False", None, "False"),
        ("3", "True", "2", "False"),
        ("4", "True", "2", "False"),
        ("5", "True", "2", "False"),
    ]


# --- header search, banners, notes ----------------------------------------------------------------


def test_header_below_title_rows_and_a_unit_banner(tmp_path):
    p = _parse(
        tmp_path,
        "budget_ledger",
        "2023年度部门预算执行情况表\n报表编号：财决01表\n编制单位：雁峰区人社局,,,,,,,,,单位：万元\n\n"
        + LEDGER_HEAD
        + "D1,2023,基本支出,人员经费,,,,3.36,3.36,3.3\n"
        + "注：本表根据部门决算填列。\n"
        + "项目负责人：张三,,,财务负责人：李四\n",
    )
    assert _issues(p) == [
        (7, None, "注：本表根据部门决算填列。", "表格后的注释或签字行，已跳过", "warning"),
        (8, None, "项目负责人：张三 | 财务负责人：李四", "表格后的注释或签字行，已跳过", "warning"),
    ]
    assert _rows(p, "_row_number", "original_budget", "actual_paid") == [("6", "33600.00", "33000.00")]
    assert p.units == {"万元"}


def test_disagreeing_unit_statements_are_refused(tmp_path):
    p = _parse(
        tmp_path,
        "three_public",
        "单位：万元\n金额单位：元\ndept_code,fiscal_year,item,budget,actual\nD1,2023,公务接待费,1,1\n",
    )
    assert [(i[0], i[3]) for i in _issues(p)] == [
        (1, "表格上方的单位说明不一致（第 1 行“单位：万元”；第 2 行“金额单位：元”）")
    ]
    q = _parse(
        tmp_path,
        "three_public",
        "单位：万元\ndept_code,fiscal_year,item,budget(元),actual(元)\nD1,2023,公务接待费,1,1\n",
    )
    assert [(i[1], i[3]) for i in _issues(q)] == [
        ("budget", "表头标注的单位（元）与表格上方的“单位：万元”不一致"),
        ("actual", "表头标注的单位（元）与表格上方的“单位：万元”不一致"),
    ]


def test_a_data_row_after_the_notes_is_refused(tmp_path):
    p = _parse(
        tmp_path,
        "three_public",
        "dept_code,fiscal_year,item,budget,actual\nD1,2023,公务接待费,1,1\n注：单位为元\nD1,2023,公务用车购置费,2,2\n",
    )
    assert _issues(p)[0] == (
        4,
        None,
        "D1 | 2023 | 公务用车购置费 | 2 | 2",
        "表格后的注释行（第 3 行）之后还有数据：注释和签字只能放在表格最后",
        "error",
    )


def test_a_merged_group_header_states_the_unit_of_the_amounts_below(tmp_path):
    path = tmp_path / "three_public.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("三公经费")
    ws.merge_range(0, 0, 0, 4, "2023年度“三公”经费支出决算表")
    ws.merge_range(1, 3, 1, 4, "金额（万元）")
    ws.write_row(2, 0, ["部门编码", "年度", "项目", "预算数", "决算数"])
    ws.write_row(3, 0, ["D1", 2023, "合　计", 4.3, 3.96])
    ws.write_row(4, 0, ["D1", 2023, "1.因公出国（境）费", 0, 0])
    ws.write_row(5, 0, ["D1", 2023, "2.公务用车购置及运行费", 3, 2.77])
    ws.write_row(6, 0, ["D1", 2023, "其中：（1）公务用车购置费", None, None])
    ws.write_row(7, 0, ["D1", 2023, "（2）公务用车运行费", 3, 2.77])
    ws.write_row(8, 0, ["D1", 2023, "3.公务接待费", 1.3, 1.19])
    wb.close()
    p = parse_table(read_xlsx_sheet(path, "三公经费"), T.TEMPLATES["three_public"])
    assert _issues(p) == []
    assert _rows(p, "item", "budget", "actual", "is_subtotal") == [
        ("合计", "43000.00", "39600.00", "True"),
        ("因公出国(境)费", "0.00", "0.00", "False"),
        ("公务用车购置及运行费", "30000.00", "27700.00", "False"),
        ("公务用车购置费", None, None, "False"),
        ("公务用车运行维护费", "30000.00", "27700.00", "False"),
        ("公务接待费", "13000.00", "11900.00", "False"),
    ]


def test_a_vehicle_group_heading_above_its_subtotal_is_not_a_second_row(tmp_path):
    p = _parse(
        tmp_path,
        "three_public",
        "dept_code,fiscal_year,item,budget,actual\nD1,2023,公务用车购置及运行费,,\nD1,2023,小计,5,4\nD1,2023,公务用车运行费,5,4\n",
    )
    assert _issues(p) == []
    assert _rows(p, "_row_number", "item", "budget") == [
        ("3", "公务用车购置及运行费", "5.00"),
        ("4", "公务用车运行维护费", "5.00"),
    ]


def test_a_sheet_without_the_header_says_which_row_looked_most_like_it(tmp_path):
    p = _parse(tmp_path, "staffing", "人员编制情况表\n部门,年份,类型,编制,实有\nD1,2023,行政编制,10,9\n")
    assert [(i[0], i[3]) for i in _issues(p)] == [
        (
            1,
            "找不到可识别的表头：前 30 行中没有一行含有模板 staffing（人员编制）的列名（如 dept_code / 部门编码）；最像表头的是第 1 行",
        )
    ]
    q = _parse(
        tmp_path,
        "staffing",
        "人员编制情况表\n部门编码,年度,编制类型,编制,实有在职人数\nD1,2023,行政编制,10,9\n",
    )
    assert [(i[0], i[1], i[3]) for i in _issues(q)] == [
        (2, "编制", "未知列“编制”：模板 staffing（人员编制）没有这一列；额外的列请以 x_ 开头"),
        (2, "authorized", "缺少必填列 authorized（编制数）"),
    ]


# --- targets as printed -----------------------------------------------------------------------------

TARGETS_HEAD = (
    "dept_code,fiscal_year,scope,level1,level2,indicator_name,direction,target_value,actual_value,unit\n"
)


def test_printed_targets_give_operator_number_and_unit(tmp_path):
    p = _parse(
        tmp_path,
        "performance_targets",
        TARGETS_HEAD
        + "D1,2023,部门整体,产出指标(50分),数量指标,培训人数,,≥50个,52个,\n"
        + "D1,2023,部门整体,成本指标,经济成本指标,公用经费,,≤90万元,85.5,万元\n"
        + "D1,2023,部门整体,产出指标,质量指标,合格率,=,﹦100%,100%,\n"
        + "D1,2023,部门整体,效益指标（30分）,社会效益指标,制度健全,定性,健全,达成预期指标,\n"
        + "D1,2023,部门整体,满意度指标,服务对象满意度指标,满意度,定性,较高,部分达成,\n",
    )
    assert _issues(p) == []
    assert _rows(
        p, "level1", "level2", "direction", "target_number", "actual_number", "unit", "actual_met"
    ) == [
        ("产出", "数量", "≥", "50.000000", "52.000000", "个", None),
        ("成本", "经济成本", "≤", "90.000000", "85.500000", "万元", None),
        ("产出", "质量", "=", "100.000000", "100.000000", "%", None),
        ("效益", "社会效益", "定性", None, None, None, "True"),
        ("满意度", "服务对象满意度", "定性", None, None, None, "False"),
    ]


def test_targets_that_cannot_be_read_are_refused_never_not_met(tmp_path):
    p = _parse(
        tmp_path,
        "performance_targets",
        TARGETS_HEAD
        + "D1,2023,部门整体,产出,数量,培训人数,≥,五十个,52,\n"
        + "D1,2023,部门整体,产出,数量,场次,≤,≥8个,8,\n"
        + "D1,2023,部门整体,产出,数量,台数,,≥8个,8,台\n"
        + "D1,2023,部门整体,效益,社会效益,制度,定性,健全,基本健全,\n"
        + "D1,2023,部门整体,效益,社会效益,宣传,,广泛宣传,达成,\n",
    )
    assert [(i[0], i[1], i[3]) for i in _issues(p)] == [
        (6, "direction", "不能为空：请填写方向（≥、≤、=、定性），或在年度指标值中写明（如 ≥50个）"),
        (2, "target_value", "方向是数值比较，年度指标值却没有数字"),
        (3, "target_value", "年度指标值中的符号与“方向”列不一致"),
        (4, "target_value", "年度指标值中的单位与“计量单位”列不一致"),
        (
            5,
            "actual_value",
            "定性指标的完成值无法判断是否达成：请填写 达成预期指标、已达成、达成、完成、已完成 或 未达成、未完成、否、部分达成",
        ),
    ]


# --- codes and amounts as Excel leaves them ---------------------------------------------------------


def test_codes_written_to_keep_excel_from_mangling_them(tmp_path):
    p = _parse(
        tmp_path,
        "departments",
        'dept_code,dept_name,region_code,region_name\n"=""430406""",甲,\'430406,雁峰区\n',
    )
    assert _issues(p) == []
    assert _rows(p, "dept_code", "region_code") == [("430406", "430406")]


def test_budget_execution_alias_and_percent_amount(tmp_path):
    p = _parse(
        tmp_path,
        "budget_ledger",
        "部门编码,年度,指标管理类型,项目类别,年初预算,预算执行数\nD1,2023,基本支出,人员经费,100.00,98.00\n",
    )
    assert _issues(p) == []
    assert _rows(p, "original_budget", "actual_paid") == [("100.00", "98.00")]
    assert Decimal("98.00") == p.frame["actual_paid"][0]


def test_a_data_row_above_the_header_is_refused_not_taken_for_a_title(tmp_path):
    p = _parse(
        tmp_path,
        "three_public",
        "D1,2023,公务接待费,1,1\ndept_code,fiscal_year,item,budget,actual\nD1,2023,公务用车购置费,2,2\n",
    )
    assert [(i[0], i[2], i[3]) for i in _issues(p)] == [
        (
            1,
            "D1 | 2023 | 公务接待费 | 1 | 1",
            "表头（第 2 行）上方的这一行有数值，像是数据行：数据只能写在表头下面",
        )
    ]


def test_strictly_greater_or_less_targets_are_refused_not_read_as_at_least(tmp_path):
    p = _parse(
        tmp_path,
        "performance_targets",
        TARGETS_HEAD
        + "D1,2023,部门整体,产出,质量,合格率,,＞90%,95%,\n"
        + "D1,2023,部门整体,产出,质量,差错率,,低于5%,3%,\n"
        + "D1,2023,部门整体,产出,数量,人数,,大于等于50人,52人,\n",
    )
    assert [(i[0], i[1], i[3]) for i in _issues(p)] == [
        (
            2,
            "target_value",
            "年度指标值写成了“大于/小于”：方向只能是 ≥、≤、= 或 定性，请改写为 ≥ 或 ≤ 并核对目标值",
        ),
        (
            3,
            "target_value",
            "年度指标值写成了“大于/小于”：方向只能是 ≥、≤、= 或 定性，请改写为 ≥ 或 ≤ 并核对目标值",
        ),
    ]
    assert _rows(p, "direction", "target_number")[2] == ("≥", "50.000000")


def test_a_figure_merged_down_over_two_lines_is_refused(tmp_path):
    path = tmp_path / "budget_ledger.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("budget_ledger")
    ws.write_row(0, 0, ["部门编码", "年度", "指标管理类型", "项目类别", "政府经济分类", "年初预算", "决算数"])
    ws.write_row(1, 0, ["D1", 2023, "基本支出", "公用经费", "办公费", 100])
    ws.write_row(2, 0, ["D1", 2023, "基本支出", "公用经费", "印刷费", 50])
    ws.merge_range(1, 6, 2, 6, 140)
    wb.close()
    p = parse_table(read_xlsx_sheet(path, "budget_ledger"), T.TEMPLATES["budget_ledger"])
    assert [(i[0], i[1], i[2], i[3]) for i in _issues(p)] == [
        (2, "第 7 列", "140", "数值单元格向下合并到第 3 行：无法确定它属于哪一行，请拆分单元格、每行分别填写")
    ]
