"""The two optional templates the evaluation report reads (issue 16, item 4): department_profile (部门概况)
and evaluation (评价报告信息), at the parser, with the exact rows a good file gives and the exact refusals
of a bad one; then through the warehouse to their marts.

Shapes (README, 填报模板):
- department_profile: one row per department-year; 部门职责, 机构设置, 人员情况, 内部控制 are long free text
  (line breaks allowed, control characters refused; at most 10,000 characters a cell like every cell).
- evaluation: one row per item. 委托单位 / 评价机构 (names: one line), 评价日期 (a date or a month),
  评价思路, 评价方法 once each (序号 blank or 1); 问题及原因 and 改进建议 one row per entry, numbered by 序号.
  评价体系 blank = every framework of the department-year.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import YANFENG, build_warehouse, query

from ingest import templates as T
from ingest.parse import parse_date, parse_table
from ingest.readers import read_csv
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "report" / "yanfeng-2023"


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


# --- department_profile ------------------------------------------------------------------------------


def test_a_good_department_profile_parses_exactly(tmp_path):
    p = _parse(
        tmp_path,
        "department_profile",
        "部门编码,年度,部门职责,机构设置,人员情况,内部控制\n"
        '430406-hrss,2023年,"主要职责是：\n1、组织实施政策法规。\n2、负责促进就业工作。",'
        "设有 6 个股室、5 个二级机构。,核定在职人员 42 人。,\n"
        "430406-hrss,2022,,,,建立了内部控制领导小组。\n",
    )
    assert _issues(p) == []
    assert _rows(
        p, "dept_code", "fiscal_year", "duties", "organization", "staffing_text", "internal_control"
    ) == [
        (
            "430406-hrss",
            "2023",
            "主要职责是：\n1、组织实施政策法规。\n2、负责促进就业工作。",  # line breaks kept in long text
            "设有 6 个股室、5 个二级机构。",
            "核定在职人员 42 人。",
            None,
        ),
        ("430406-hrss", "2022", None, None, None, "建立了内部控制领导小组。"),
    ]


def test_a_bad_department_profile_is_refused_with_located_reasons(tmp_path):
    p = _parse(
        tmp_path,
        "department_profile",
        "部门编码,年度,部门职责,机构设置\n"
        "D1,2023,职责\x07文字,设有股室\n"  # a control character (BEL)
        "D1,二〇二三,职责,\n"
        "D1,2023,又一行,\n",
    )
    assert _issues(p) == [
        (3, "fiscal_year", "二〇二三", "年度格式无法识别，应为四位数字，如 2023 或 2023年", "error"),
        (2, "duties", "职责\x07文字", "文本中不能有控制字符", "error"),
        (4, "dept_code, fiscal_year", None, "重复的行：(dept_code, fiscal_year) 与第 2 行相同", "error"),
    ]


# --- evaluation --------------------------------------------------------------------------------------

EVAL_HEAD = "部门编码,年度,评价体系,事项,序号,内容\n"


def test_a_good_evaluation_parses_exactly(tmp_path):
    p = _parse(
        tmp_path,
        "evaluation",
        EVAL_HEAD
        + "430406-hrss,2023,hn_dept_overall,委托单位,,衡阳市雁峰区财政局\n"
        + "430406-hrss,2023,hn_dept_overall,评价机构,1,湖南良才联合会计师事务所（普通合伙）\n"
        + "430406-hrss,2023,hn_dept_overall,评价日期,,2024年6月\n"
        + '430406-hrss,2023,hn_dept_overall,评价方法,,"案卷研究法、比较法。\n（1）文献和资料研究"\n'
        + "430406-hrss,2023,hn_dept_overall,出现的问题及原因,1,运用绩效指标评价体系还不够深入\n"
        + "430406-hrss,2023,hn_dept_overall,问题及原因,2,信息化应用效率有待加强\n"
        + "430406-hrss,2023,,建议,1,积极引入绩效理念\n"
        + "430406-hrss,2022,,评价日期,,２０２３/５/１５\n",
    )
    assert _issues(p) == []
    assert _rows(
        p, "fiscal_year", "framework_code", "item", "seq", "content", "date_value", "date_precision"
    ) == [
        ("2023", "hn_dept_overall", "委托单位", "1", "衡阳市雁峰区财政局", None, None),
        ("2023", "hn_dept_overall", "评价机构", "1", "湖南良才联合会计师事务所（普通合伙）", None, None),
        ("2023", "hn_dept_overall", "评价日期", "1", "2024年6月", "2024-06-01", "month"),
        ("2023", "hn_dept_overall", "评价方法", "1", "案卷研究法、比较法。\n（1）文献和资料研究", None, None),
        ("2023", "hn_dept_overall", "问题及原因", "1", "运用绩效指标评价体系还不够深入", None, None),
        ("2023", "hn_dept_overall", "问题及原因", "2", "信息化应用效率有待加强", None, None),
        ("2023", None, "改进建议", "1", "积极引入绩效理念", None, None),
        ("2022", None, "评价日期", "1", "２０２３/５/１５", "2023-05-15", "day"),
    ]


def test_a_bad_evaluation_is_refused_with_located_reasons(tmp_path):
    p = _parse(
        tmp_path,
        "evaluation",
        EVAL_HEAD
        + "D1,2023,,评价日期,,2024年13月\n"  # 2: no such month
        + "D1,2023,,评价日期,,去年六月\n"  # 3: no date (and a second 评价日期)
        + 'D1,2023,,评价机构,,"湖南良才\n联合会计师事务所"\n'  # 4-5: a name on two lines
        + "D1,2023,,问题及原因,,没有序号\n"  # 6
        + "D1,2023,,改进建议,1,建议一\n"  # 7
        + "D1,2023,,改进建议,1,建议一的重复\n"  # 8: duplicate key
        + "D1,2023,,评价思路,2,思路\n"  # 9: a single item numbered 2
        + "D1,2023,,结论,,优\n"  # 10: not an item
        + "D1,2023,,委托单位,,\n",  # 11: no content
    )
    assert _issues(p) == [
        (
            10,
            "item",
            "结论",
            "取值无效，应为：委托单位、评价机构、评价日期、评价思路、评价方法、问题及原因、改进建议",
            "error",
        ),
        (11, "content", "", "不能为空", "error"),
        (4, "content", "湖南良才\n联合会计师事务所", "委托单位、评价机构是名称，不能有换行", "error"),
        (2, "content", "2024年13月", "日期不存在：2024年13月", "error"),
        (3, "content", "去年六月", "日期格式无法识别，应为 2024-06-30、2024年6月30日 或 2024年6月", "error"),
        (6, "seq", "", "问题及原因、改进建议每一条都要填序号（1、2、3…）", "error"),
        (
            9,
            "seq",
            "2",
            "委托单位、评价机构、评价日期、评价思路、评价方法各只有一条，序号应为空或 1",
            "error",
        ),
        (
            3,
            "dept_code, fiscal_year, framework_code, item, seq",
            None,
            "重复的行：(dept_code, fiscal_year, framework_code, item, seq) 与第 2 行相同",
            "error",
        ),
        (
            8,
            "dept_code, fiscal_year, framework_code, item, seq",
            None,
            "重复的行：(dept_code, fiscal_year, framework_code, item, seq) 与第 7 行相同",
            "error",
        ),
    ]


def test_a_missing_required_column_is_refused(tmp_path):
    p = _parse(tmp_path, "evaluation", "部门编码,年度,事项,序号\nD1,2023,委托单位,\n")
    assert [(i.column, i.reason) for i in p.issues] == [("content", "缺少必填列 content（内容）")]
    assert p.frame.is_empty()


def test_dates_as_people_write_them():
    assert parse_date("2024-06-30") == (dt.date(2024, 6, 30), "day", None)
    assert parse_date("2024/6/3") == (dt.date(2024, 6, 3), "day", None)
    assert parse_date("2024.06.30") == (dt.date(2024, 6, 30), "day", None)
    assert parse_date("2024 年 6 月 30 日") == (dt.date(2024, 6, 30), "day", None)
    assert parse_date("2024-06-30T00:00:00") == (dt.date(2024, 6, 30), "day", None)  # an Excel date cell
    assert parse_date("2024-06") == (dt.date(2024, 6, 1), "month", None)
    assert parse_date("2023-02-29") == (None, None, "日期不存在：2023-02-29")
    assert parse_date("1989年1月") == (None, None, "日期的年份超出范围（1990–2100）")
    assert parse_date("") == (None, None, None)


def test_an_unknown_framework_in_evaluation_is_refused(tmp_path):
    sub = tmp_path / "yanfeng-2023"
    shutil.copytree(YANFENG, sub)
    (sub / "evaluation.csv").write_text(
        EVAL_HEAD + "430406-hrss,2023,hn_nope,委托单位,,财政局\n", encoding="utf-8"
    )
    parsed = read_submission(sub, catalog=FrameworkCatalog.from_seeds(ROOT / "seeds"))
    assert [(i.file, i.row, i.column, i.value, i.reason) for i in parsed.errors] == [
        ("evaluation.csv", 2, "framework_code", "hn_nope", "未知的评价体系编码")
    ]


# --- through the warehouse ---------------------------------------------------------------------------


def test_the_worked_example_fixture_loads_to_the_marts(tmp_path):
    sub = tmp_path / "yanfeng-2023"
    shutil.copytree(YANFENG, sub)
    for f in FIXTURE.glob("*.csv"):
        shutil.copy(f, sub / f.name)
    wh = tmp_path / "jixiao.duckdb"
    result = build_warehouse(wh, sub, run_checks=True)  # the GX raw suites of both templates pass too
    assert result.swapped and not result.refused
    assert query(
        wh,
        """select item, seq, evaluation_date_text, left(content, 12) from marts.fct_evaluation_items
           where item in ('委托单位', '评价机构', '评价日期') or seq > 1 order by item_order, seq""",
    ) == [
        ("委托单位", 1, None, "衡阳市雁峰区财政局"),
        ("评价机构", 1, None, "湖南良才联合会计师事务所"),
        ("评价日期", 1, "2024 年 6 月", "2024年6月"),
        ("问题及原因", 2, None, "信息化应用效率与广度、人"),
        ("改进建议", 2, None, "加强信息化建设，提高数据"),
        ("改进建议", 3, None, "全面落实就业创业政策，重"),
        ("改进建议", 4, None, "加大宣传力度，树立绩效管"),
    ]
    assert query(
        wh,
        """select left(organization, 24), strpos(duties, chr(10)) > 0, staffing_text
           from marts.fct_department_profile""",
    ) == [
        (
            "雁峰区人社局共设有 6 个股室、5 个二级机构。",
            True,
            "雁峰区人力资源和社会保障局核定在职人员 42 人（含临聘人员 2 人），其中公务员 3 人，参公 10 人，"
            "事业编制 24 人，机关其他编 1 人；2023 年末实有在职人员 40 人。",
        )
    ]
    # the survey table by question (the source's 服务满意度 table: 10, 15, 14, total 39 of 48 = 81.25%)
    assert [
        tuple(map(str, r))
        for r in query(
            wh,
            """select question, very_good, good, fair, poor, unknown, points, max_points, satisfaction_rate
               from marts.fct_survey_results order by question_order""",
        )
    ] == [
        ("服务态度", "2", "2", "0", "0", "1", "10", "12", "83.33"),
        ("办事效率", "2", "4", "1", "0", "2", "15", "21", "71.43"),
        ("办事流程", "4", "1", "0", "0", "1", "14", "15", "93.33"),
        ("合计", "8", "7", "1", "0", "4", "39", "48", "81.25"),
    ]
