"""Build the real-tables corpus: submissions laid out like what departments really export.

Each case folder holds ``submission/`` (CSV files, one per template) or ``submission.xlsx`` (one sheet
per template), laid out after public forms: 部门决算 tables (“三公”经费支出决算表, 支出决算表),
项目支出绩效自评表, 部门整体支出绩效自评表, budget-system exports of 预算指标执行台账. The amounts are
invented; the layouts (title rows, 报表编号, 编制单位, 单位：万元 banners, merged group headers, 合计 first
or last, 其中 rows, numbered 三公 items, printed targets, notes and signatures) are the forms'.

``expected.json`` next to each submission is written by hand from the document, never by this script.

    python tests/real_tables/build_cases.py            # (re)write every case's submission
    python tests/real_tables/build_cases.py --check    # compare the committed files with a fresh build
"""

from __future__ import annotations

import csv
import datetime
import io
import sys
from collections.abc import Callable
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import corpus_builder

HERE = Path(__file__).resolve().parent
CASES: dict[str, Callable[[Path], None]] = {}

REGION = ("430406", "湖南省衡阳市雁峰区")
LEDGER_HEADER = [
    "部门编码",
    "年度",
    "指标管理类型",
    "项目类别",
    "项目编码",
    "项目名称",
    "政府经济分类",
    "年初预算数",
    "调整后预算数",
    "决算数",
]


def case(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    CASES[fn.__name__] = fn
    return fn


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    """Rows as Excel writes a CSV: CRLF, every row padded to the widest one (trailing commas)."""
    width = max(len(r) for r in rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for r in rows:
        w.writerow(list(r) + [""] * (width - len(r)))
    data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    if encoding == "utf-8-sig":
        path.write_bytes(b"\xef\xbb\xbf" + data.encode("utf-8"))
    else:
        path.write_bytes(data.encode(encoding))


def departments(
    sub: Path, code: str, name: str, encoding: str = "utf-8", region_code: str = REGION[0]
) -> None:
    write_csv(
        sub / "departments.csv",
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code, name, region_code, REGION[1]]],
        encoding,
    )


def small_ledger(sub: Path, code: str, year: int = 2023, encoding: str = "utf-8") -> None:
    """A two-line ledger in 元, for cases about another template (the ledger is required)."""
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                code,
                str(year),
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "3,215,400.00",
                "3,302,118.50",
                "3,302,118.50",
            ],
            [
                code,
                str(year),
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "412,000.00",
                "398,560.00",
                "371,245.18",
            ],
        ],
        encoding,
    )


def workbook(path: Path) -> xlsxwriter.Workbook:
    """Deterministic: fixed document dates (xlsxwriter fixes the zip entries' timestamps)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2024, 1, 1)})
    return wb


def sheet_rows(ws, rows: list[list], start: int = 0, fmt=None) -> None:
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if v is None or v == "":
                continue
            ws.write(start + i, j, v, fmt)


# ---------------------------------------------------------------------------
# “三公”经费 tables


@case
def sangong_decision_heji_first(d: Path) -> None:
    """2023年度部门决算“三公”经费支出表: title, 报表编号, 编制单位, 单位：万元 at the right, 合计 first,
    numbered items, the vehicle group with （1）（2）, the 决算 note after the table."""
    code = "430406101"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区人力资源和社会保障局")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["2023年度部门决算“三公”经费支出表"],
            ["报表编号：财决附03表"],
            ["编制单位：衡阳市雁峰区人力资源和社会保障局"],
            ["", "", "", "", "单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "合计", "12.50", "10.36"],
            [code, "2023", "1.因公出国（境）费", "0.00", "0.00"],
            [code, "2023", "2.公务用车购置及运行费", "8.00", "7.21"],
            [code, "2023", "（1）公务用车购置费", "0.00", "0.00"],
            [code, "2023", "（2）公务用车运行费", "8.00", "7.21"],
            [code, "2023", "3.公务接待费", "4.50", "3.15"],
            [
                "注：本表反映部门本年度“三公”经费支出预决算情况。其中，预算数为“三公”经费年初预算数，决算数是包括当年一般公共预算财政拨款和以前年度结转资金安排的实际支出。"
            ],
        ],
    )


@case
def sangong_gb18030_group_header_heji_last(d: Path) -> None:
    """GB18030 (Excel on a Chinese Windows): a group header 金额（万元） above 预算数/决算数, 其中 under the
    vehicle group, an indented second sub-item, 合　计 (U+3000) last, signatures below."""
    code = "430406102"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区民政局", "gb18030")
    small_ledger(sub, code, encoding="gb18030")
    write_csv(
        sub / "three_public.csv",
        [
            ["“三公”经费支出决算表"],
            ["编制单位：衡阳市雁峰区民政局"],
            ["", "", "", "金额（万元）", ""],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "因公出国（境）费", "2.00", "1.85"],
            [code, "2023", "公务用车购置及运行费", "15.60", "14.92"],
            [code, "2023", "其中：公务用车购置费", "9.80", "9.80"],
            [code, "2023", "\u3000\u3000\u3000公务用车运行费", "5.80", "5.12"],
            [code, "2023", "公务接待费", "3.20", "2.47"],
            [code, "2023", "合\u3000计", "20.80", "19.24"],
            ["单位负责人：王建国", "", "财务负责人：李红梅", "", "填表人：赵敏"],
        ],
        "gb18030",
    )


@case
def sangong_xlsx_vehicle_subtotal_formulas(d: Path) -> None:
    """A workbook: merged title, merged 单位：万元 banner, the vehicle group printed as a heading with no
    figures, （1）（2） and a 小计 row, 合计 last; 小计 and 合计 are =SUM formulas with cached values."""
    code = "430406103"
    wb = workbook(d / "submission.xlsx")
    bold = wb.add_format({"bold": True, "align": "center"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区教育局", *REGION]])
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    sheet_rows(
        ws,
        [
            [code, 2023, "基本支出", "人员经费", "", "", "工资福利支出", 52630000, 53911246.8, 53911246.8],
            [code, 2023, "基本支出", "公用经费", "", "", "商品和服务支出", 4210000, 4388500, 4102317.64],
        ],
        1,
    )
    ws = wb.add_worksheet("“三公”经费")
    ws.merge_range(0, 0, 0, 4, "2023年度“三公”经费支出决算表", bold)
    ws.merge_range(1, 3, 1, 4, "单位：万元")
    ws.write(1, 0, "编制单位：衡阳市雁峰区教育局")
    sheet_rows(ws, [["部门编码", "年度", "项目", "预算数", "决算数"]], 2)
    rows = [
        ["1.因公出国（境）费", 0, 0],
        ["2.公务用车购置及运行费", None, None],
        ["（1）公务用车购置费", 24.5, 24.38],
        ["（2）公务用车运行费", 18.6, 16.94],
    ]
    for i, (item, b, a) in enumerate(rows):
        r = 3 + i
        ws.write(r, 0, code)
        ws.write(r, 1, 2023)
        ws.write(r, 2, item)
        if b is not None:
            ws.write_number(r, 3, b, money)
            ws.write_number(r, 4, a, money)
    ws.write_row(7, 0, [code, 2023, "小计"])
    ws.write_formula(7, 3, "=SUM(D6:D7)", money, 43.1)
    ws.write_formula(7, 4, "=SUM(E6:E7)", money, 41.32)
    ws.write_row(8, 0, [code, 2023, "3.公务接待费"])
    ws.write_number(8, 3, 6.8, money)
    ws.write_number(8, 4, 5.96, money)
    ws.write_row(9, 0, [code, 2023, "合计"])
    ws.write_formula(9, 3, "=D4+D8+D9", money, 49.9)
    ws.write_formula(9, 4, "=E4+E8+E9", money, 47.28)
    wb.close()


@case
def sangong_vehicle_not_split_prior_year_budget_blank(d: Path) -> None:
    """The 2023 决算 table restates 2022's 决算 (its budget column blank: the prior year's budget is not
    printed); the vehicle group is one amount (no 购置/运行 split); UTF-8 with BOM."""
    code = "430406104"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区卫生健康局", "utf-8-sig")
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                code,
                "2022",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "1,850,000.00",
                "1,902,340.00",
                "1,866,420.35",
            ],
            [
                code,
                "2023",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "1,900,000.00",
                "1,946,800.00",
                "1,921,115.62",
            ],
        ],
        "utf-8-sig",
    )
    write_csv(
        sub / "three_public.csv",
        [
            ["“三公”经费支出情况表"],
            ["单位：元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2022", "因公出国（境）费", "", "0.00"],
            [code, "2022", "公务用车购置及运行费", "", "68,420.00"],
            [code, "2022", "公务接待费", "", "21,356.00"],
            [code, "2022", "合计", "", "89,776.00"],
            [code, "2023", "因公出国（境）费", "0.00", "0.00"],
            [code, "2023", "公务用车购置及运行费", "72,000.00", "65,130.40"],
            [code, "2023", "公务接待费", "25,000.00", "19,842.00"],
            [code, "2023", "合计", "97,000.00", "84,972.40"],
        ],
        "utf-8-sig",
    )


@case
def sangong_xlsx_two_row_header(d: Path) -> None:
    """The public form's two-row header: 部门编码/年度/项目 merged down over both header rows, 金额（万元）
    merged across 预算数/决算数 above them."""
    code = "430406115"
    wb = workbook(d / "submission.xlsx")
    center = wb.add_format({"align": "center", "valign": "vcenter"})
    ws = wb.add_worksheet("departments")
    sheet_rows(
        ws,
        [
            ["dept_code", "dept_name", "region_code", "region_name"],
            [code, "衡阳市雁峰区住房和城乡建设局", *REGION],
        ],
    )
    ws = wb.add_worksheet("budget_ledger")
    sheet_rows(
        ws,
        [
            LEDGER_HEADER,
            [code, 2023, "基本支出", "公用经费", "", "", "商品和服务支出", 2350000, 2410000, 2288731.25],
        ],
    )
    ws = wb.add_worksheet("three_public")
    ws.merge_range(0, 0, 0, 4, "2023年度部门决算“三公”经费支出表", center)
    ws.merge_range(2, 0, 3, 0, "部门编码", center)
    ws.merge_range(2, 1, 3, 1, "年度", center)
    ws.merge_range(2, 2, 3, 2, "项目", center)
    ws.merge_range(2, 3, 2, 4, "金额（万元）", center)
    ws.write_row(3, 3, ["预算数", "决算数"])
    data = [
        ["合计", 9.6, 8.75],
        ["因公出国（境）费", 0, 0],
        ["公务用车购置及运行费", 6.0, 5.92],
        ["公务接待费", 3.6, 2.83],
    ]
    for i, (item, b, a) in enumerate(data):
        ws.write_row(4 + i, 0, [code, 2023, item, b, a])
    wb.close()


@case
def refused_note_row_then_data(d: Path) -> None:
    """A line typed below the 注 row after the table was printed: the table does not continue under its notes."""
    code = "430406120"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区文化旅游广电体育局")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["2023年度部门决算“三公”经费支出表"],
            ["单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "1.因公出国（境）费", "0.00", "0.00"],
            [code, "2023", "2.公务用车购置及运行费", "3.00", "2.64"],
            ["注：本单位2023年无公务用车购置。"],
            [code, "2023", "3.公务接待费", "1.20", "0.97"],
        ],
    )


# ---------------------------------------------------------------------------
# ledgers


def _totals_only_rows(code: str, with_original: bool) -> list[list[str]]:
    head = (
        ["部门编码", "年度", "指标管理类型", "项目类别"]
        + (["年初预算数"] if with_original else [])
        + ["全年预算数", "全年执行数"]
    )
    rows = [
        [code, "2023", "合计", ""] + (["1520.36"] if with_original else []) + ["1609.84", "1577.62"],
        [code, "2023", "基本支出合计", ""] + (["980.12"] if with_original else []) + ["1001.40", "998.73"],
        [code, "2023", "项目支出合计", ""] + (["540.24"] if with_original else []) + ["608.44", "578.89"],
    ]
    return [head, *rows]


@case
def ledger_totals_only_decision_page(d: Path) -> None:
    """A 部门决算 支出决算表 page that holds only 合计 / 基本支出合计 / 项目支出合计, 单位：万元."""
    code = "430406105"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区财政局")
    head, *rows = _totals_only_rows(code, True)
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门决算支出决算表"],
            ["报表编号：财决04表"],
            ["编制单位：衡阳市雁峰区财政局", "", "", "", "", "", "单位：万元"],
            head,
            *rows,
        ],
    )


@case
def ledger_totals_only_without_original_column(d: Path) -> None:
    """The same page as the 决算 prints it for a unit without a 年初预算 column: 全年预算数 and 全年执行数 only."""
    code = "430406106"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区审计局")
    head, *rows = _totals_only_rows(code, False)
    write_csv(sub / "budget_ledger.csv", [["2023年度部门决算支出决算表"], ["单位：万元"], head, *rows])


@case
def ledger_budget_export_substring_lines(d: Path) -> None:
    """A budget-system export of 预算指标执行台账 (元, no banner): 小计 per category, 合计 last, and lines whose
    names hold 合计/小计 as a substring (综合计划管理经费, 大小计量器具维护费); 预算执行数 as the paid header."""
    code = "430406107"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区市场监督管理局")
    H = [
        "部门编码",
        "年度",
        "指标管理类型",
        "项目类别",
        "项目编码",
        "项目名称",
        "政府经济分类",
        "支出功能分类",
        "资金来源",
        "原始指标金额",
        "调整金额",
        "实际指标可用金额",
        "预算执行数",
        "指标结余",
    ]
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            H,
            R(
                "基本支出",
                "人员经费",
                "",
                "",
                "基本工资",
                "2013801 行政运行",
                "一般公共预算",
                "2,856,000.00",
                "48,300.00",
                "2,904,300.00",
                "2,904,300.00",
                "0.00",
            ),
            R(
                "基本支出",
                "人员经费",
                "",
                "",
                "机关事业单位基本养老保险缴费",
                "2013801 行政运行",
                "一般公共预算",
                "412,600.00",
                "0.00",
                "412,600.00",
                "409,882.16",
                "2,717.84",
            ),
            R(
                "基本支出",
                "人员经费",
                "",
                "",
                "小计",
                "",
                "",
                "3,268,600.00",
                "48,300.00",
                "3,316,900.00",
                "3,314,182.16",
                "2,717.84",
            ),
            R(
                "基本支出",
                "公用经费",
                "",
                "",
                "办公费",
                "2013801 行政运行",
                "一般公共预算",
                "186,000.00",
                "-12,000.00",
                "174,000.00",
                "168,245.30",
                "5,754.70",
            ),
            R(
                "基本支出",
                "公用经费",
                "",
                "",
                "大小计量器具维护费",
                "2013812 质量基础",
                "一般公共预算",
                "64,000.00",
                "0.00",
                "64,000.00",
                "61,920.00",
                "2,080.00",
            ),
            R(
                "基本支出",
                "公用经费",
                "",
                "",
                "小计",
                "",
                "",
                "250,000.00",
                "-12,000.00",
                "238,000.00",
                "230,165.30",
                "7,834.70",
            ),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0107001",
                "综合计划管理经费",
                "委托业务费",
                "2013899 其他市场监督管理事务",
                "一般公共预算",
                "150,000.00",
                "30,000.00",
                "180,000.00",
                "172,460.00",
                "7,540.00",
            ),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0107002",
                "食品安全抽检经费",
                "委托业务费",
                "2013899 其他市场监督管理事务",
                "一般公共预算",
                "320,000.00",
                "0.00",
                "320,000.00",
                "296,850.00",
                "23,150.00",
            ),
            R(
                "项目支出",
                "特定目标类",
                "",
                "",
                "小计",
                "",
                "",
                "470,000.00",
                "30,000.00",
                "500,000.00",
                "469,310.00",
                "30,690.00",
            ),
            R(
                "",
                "合计",
                "",
                "",
                "",
                "",
                "",
                "3,988,600.00",
                "66,300.00",
                "4,054,900.00",
                "4,013,657.46",
                "41,242.54",
            ),
        ],
    )


@case
def ledger_budget_stage_paid_blank(d: Path) -> None:
    """A budget-stage export for 2024 (GB18030): the 执行数 column is there and every cell of it is blank."""
    code = "430406108"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区司法局", "gb18030")
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2024年预算指标执行台账"],
            [
                "部门编码",
                "年度",
                "指标管理类型",
                "项目类别",
                "项目名称",
                "政府经济分类",
                "年初预算数",
                "调整后预算数",
                "执行数",
            ],
            [code, "2024年", "基本支出", "人员经费", "", "工资福利支出", "4,126,300.00", "4,126,300.00", ""],
            [code, "2024年", "基本支出", "公用经费", "", "商品和服务支出", "356,000.00", "356,000.00", ""],
            [
                code,
                "2024年",
                "项目支出",
                "特定目标类",
                "人民调解以案定补经费",
                "委托业务费",
                "180,000.00",
                "180,000.00",
                "",
            ],
        ],
        "gb18030",
    )


@case
def ledger_decision_heji_first_breakdowns(d: Path) -> None:
    """支出决算明细表 (GB18030, 单位：万元 on the 编制单位 line): 合计 first, 其中 rows under
    商品和服务支出 and under a project, 综合计划 / 小计 substrings absent, signatures after."""
    code = "430406121"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区农业农村局", "gb18030")
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度支出决算明细表"],
            ["编制单位：衡阳市雁峰区农业农村局", "", "", "", "", "", "", "单位：万元"],
            LEDGER_HEADER,
            R("", "合计", "", "", "", "1286.40", "1342.75", "1301.28"),
            R("基本支出", "人员经费", "", "", "工资福利支出", "702.30", "715.62", "715.62"),
            R("基本支出", "公用经费", "", "", "商品和服务支出", "96.10", "99.35", "92.47"),
            R("", "", "", "", "其中：办公费", "18.00", "18.00", "16.85"),
            R("", "", "", "", "其中：差旅费", "12.40", "12.40", "10.92"),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0121001",
                "高标准农田建设",
                "资本性支出",
                "488.00",
                "527.78",
                "493.19",
            ),
            R("", "", "43040623P0121001", "其中：上年结转", "", "0.00", "39.78", "39.78"),
            ["填报人：周丽", "", "", "审核人：陈刚", "", "", "", "填报日期：2024年3月15日"],
        ],
        "gb18030",
    )


@case
def ledger_xlsx_workbook_formulas_percent(d: Path) -> None:
    """A workbook copied from a budget-system export: merged title, a 单位：元 banner line, =SUM 合计 with
    cached values, a 部门整体 target sheet whose 实际完成值 is a percent-formatted cell (0.9908 shown as
    99.08%), and a 报告值 sheet whose B11 is a percent-formatted cell."""
    code = "430406116"
    wb = workbook(d / "submission.xlsx")
    title = wb.add_format({"bold": True, "align": "center"})
    money = wb.add_format({"num_format": "#,##0.00"})
    pct = wb.add_format({"num_format": "0.00%"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws,
        [
            ["部门编码", "部门名称", "区划编码", "区划名称", "行业/职能"],
            [code, "衡阳市雁峰区退役军人事务局", *REGION, "退役军人事务"],
        ],
    )
    ws = wb.add_worksheet("预算指标执行台账")
    ws.merge_range(0, 0, 0, 9, "2023年预算指标执行台账", title)
    ws.write(1, 9, "单位：元")
    sheet_rows(ws, [LEDGER_HEADER], 2)
    lines = [
        ["基本支出", "人员经费", "", "", "工资福利支出", 2864500, 2931260.4, 2931260.4],
        ["基本支出", "公用经费", "", "", "商品和服务支出", 318000, 326540, 301287.65],
        [
            "项目支出",
            "特定目标类",
            "43040623P0116001",
            "退役军人服务站运行经费",
            "委托业务费",
            400000,
            400000,
            372915.2,
        ],
    ]
    for i, line in enumerate(lines):
        ws.write_row(3 + i, 0, [code, 2023])
        ws.write_row(3 + i, 2, line[:5])
        for j, v in enumerate(line[5:]):
            ws.write_number(3 + i, 7 + j, v, money)
    ws.write_row(6, 0, [code, 2023, "", "合计"])
    for j, (col, cached) in enumerate([("H", 3582500), ("I", 3657800.4), ("J", 3605463.25)]):
        ws.write_formula(6, 7 + j, f"=SUM({col}4:{col}6)", money, cached)
    ws = wb.add_worksheet("绩效目标及完成值")
    sheet_rows(
        ws,
        [
            [
                "部门编码",
                "年度",
                "范围",
                "一级指标",
                "二级指标",
                "三级指标",
                "方向",
                "年度指标值",
                "实际完成值",
                "分值",
                "自评得分",
            ]
        ],
    )
    ws.write_row(
        1, 0, [code, 2023, "部门整体", "产出指标", "质量指标", "优抚对象抚恤补助发放准确率", "≥", "≥98%"]
    )
    ws.write_number(1, 8, 0.9908, pct)
    ws.write_row(1, 9, [10, 10])
    ws.write_row(
        2, 0, [code, 2023, "部门整体", "满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "≥90%"]
    )
    ws.write_number(2, 8, 0.935, pct)
    ws.write_row(2, 9, [10, 10])
    ws = wb.add_worksheet("报告值")
    sheet_rows(ws, [["部门编码", "年度", "评价体系", "项目", "报告值", "来源"]])
    ws.write_row(1, 0, [code, 2023, "hn_dept_overall", "B11"])
    ws.write_number(1, 4, 0.9857, pct)
    ws.write(1, 5, "部门整体支出绩效自评报告")
    wb.close()


@case
def refused_xlsx_ref_error_in_total(d: Path) -> None:
    """A 合计 formula left pointing at a deleted row: its cell shows #REF!."""
    code = "430406122"
    wb = workbook(d / "submission.xlsx")
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区应急管理局", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    ws.write_row(1, 0, [code, 2023, "基本支出", "人员经费", "", "", "工资福利支出"])
    for j, v in enumerate([1862000, 1903450, 1903450]):
        ws.write_number(1, 7 + j, v, money)
    ws.write_row(2, 0, [code, 2023, "基本支出", "公用经费", "", "", "商品和服务支出"])
    for j, v in enumerate([205000, 211600, 198734.5]):
        ws.write_number(2, 7 + j, v, money)
    ws.write_row(3, 0, [code, 2023, "", "合计"])
    ws.write_formula(3, 7, "=SUM(H2:H3)", money, 2067000)
    ws.write_formula(3, 8, "=SUM(I2:I3)", money, 2115050)
    ws.write_formula(3, 9, "=J2+#REF!", money, "#REF!")
    wb.close()


@case
def refused_unit_banners_disagree(d: Path) -> None:
    """单位：万元 above the table, and a group header 金额（元） over the amount columns."""
    code = "430406111"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区自然资源局")
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门支出决算表"],
            ["单位：万元"],
            ["", "", "", "", "", "", "", "金额（元）", "", ""],
            LEDGER_HEADER,
            [code, "2023", "基本支出", "人员经费", "", "", "工资福利支出", "312.40", "318.95", "318.95"],
            [code, "2023", "基本支出", "公用经费", "", "", "商品和服务支出", "41.20", "43.00", "40.16"],
        ],
    )


# ---------------------------------------------------------------------------
# codes


@case
def codes_written_for_excel(d: Path) -> None:
    """Codes kept as text the ways Excel users do it: ="430406123" and '430406123 (and '430406 for the region)."""
    code = "430406123"
    sub = d / "submission"
    write_csv(
        sub / "departments.csv",
        [
            ["部门编码", "部门名称", "区划编码", "区划名称", "上级部门编码"],
            [f'="{code}"', "衡阳市雁峰区统计局", "'430406", REGION[1], ""],
        ],
    )
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                f"'{code}",
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "1,218,600.00",
                "1,236,480.00",
                "1,236,480.00",
            ],
            [
                f'="{code}"',
                "2023",
                "项目支出",
                "特定目标类",
                "'43040623P0123001",
                "第五次全国经济普查经费",
                "委托业务费",
                "260,000.00",
                "260,000.00",
                "248,930.00",
            ],
        ],
    )


@case
def refused_code_scientific_notation(d: Path) -> None:
    """A 15-digit department code that Excel showed as 4.30406E+14 before the file was saved as CSV."""
    sub = d / "submission"
    write_csv(
        sub / "departments.csv",
        [
            ["部门编码", "部门名称", "区划编码", "区划名称"],
            ["4.30406E+14", "衡阳市雁峰区城市管理和综合执法局", *REGION],
        ],
    )
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                "4.30406E+14",
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "2,318,000.00",
                "2,366,700.00",
                "2,366,700.00",
            ],
            [
                "4.30406E+14",
                "2023",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "298,000.00",
                "305,000.00",
                "289,416.72",
            ],
        ],
    )


# ---------------------------------------------------------------------------
# performance targets


TARGET_HEADER = [
    "部门编码",
    "年度",
    "范围",
    "项目编码",
    "一级指标",
    "二级指标",
    "三级指标",
    "方向",
    "年度指标值",
    "实际完成值",
    "计量单位",
    "分值",
    "自评得分",
]


@case
def project_self_eval_form(d: Path) -> None:
    """项目支出绩效自评表: 年度资金总额 with 其中：当年财政拨款 and the indented 上年结转资金 / 其他资金
    below it (单位：万元), then the indicator table with 产出指标(50分), 数量指标, printed targets, 定性
    targets and the signatures under it."""
    code = "430406109"
    proj = "43040623P0109001"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区就业服务中心")
    R = lambda *c: [code, "2023", "项目支出", "特定目标类", proj, "就业补助资金", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["项目支出绩效自评表"],
            ["（2023年度）"],
            ["项目名称：就业补助资金", "", "", "", "", "", "", "", "单位：万元"],
            [
                "部门编码",
                "年度",
                "指标管理类型",
                "项目类别",
                "项目编码",
                "项目名称",
                "资金来源",
                "年初预算数",
                "全年预算数",
                "全年执行数",
            ],
            R("年度资金总额", "120.00", "135.00", "128.62"),
            R("其中：当年财政拨款", "120.00", "120.00", "113.62"),
            R("\u3000\u3000\u3000上年结转资金", "0.00", "15.00", "15.00"),
            R("\u3000\u3000\u3000其他资金", "0.00", "0.00", "0.00"),
        ],
    )
    T = lambda *c: [code, "2023", "项目", proj, *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            ["项目支出绩效自评表（绩效指标）"],
            TARGET_HEADER,
            T("产出指标(50分)", "数量指标", "职业技能培训人数", "", "≥500人", "526人", "", "20", "20"),
            T("产出指标(50分)", "质量指标", "培训合格率", "", "≥90%", "93.5%", "", "15", "15"),
            T(
                "产出指标(50分)",
                "时效指标",
                "补贴资金发放及时性",
                "定性",
                "及时发放",
                "达成预期指标",
                "",
                "15",
                "15",
            ),
            T(
                "效益指标(30分)",
                "社会效益指标",
                "促进重点群体就业",
                "定性",
                "有效促进",
                "部分达成",
                "",
                "20",
                "16",
            ),
            T(
                "效益指标(30分)",
                "可持续影响指标",
                "就业服务长效机制",
                "定性",
                "逐步建立",
                "已完成",
                "",
                "10",
                "10",
            ),
            T(
                "满意度指标(10分)",
                "服务对象满意度指标",
                "培训学员满意度",
                "",
                "≥90%",
                "95.2%",
                "",
                "10",
                "10",
            ),
            ["项目负责人：刘志强", "", "", "", "财务负责人：何雪", "", "", "", "联系电话：0734-8156021"],
        ],
    )


@case
def dept_self_eval_printed_targets(d: Path) -> None:
    """部门整体支出绩效自评表: the targets as printed (≥50个, ≤90万元, =8个, ﹦12次, ≥100%), the 方向 and
    计量单位 columns blank where the target says it, or filled and agreeing."""
    code = "430406117"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区科学技术局")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            ["2023年度部门整体支出绩效自评表"],
            ["填报单位：衡阳市雁峰区科学技术局"],
            TARGET_HEADER,
            T("产出指标", "数量指标", "科技型中小企业入库数", "", "≥50个", "63个", "", "10", "10"),
            T("产出指标", "数量指标", "科技特派员服务村数", "", "=8个", "8个", "", "5", "5"),
            T("产出指标", "数量指标", "科技活动周活动场次", "", "\ufe6612次", "12次", "", "5", "5"),
            T("产出指标", "时效指标", "项目资金拨付及时率", "≥", "≥100%", "100%", "%", "5", "5"),
            T("成本指标", "经济成本指标", "科技活动周经费", "", "≤90万元", "86.4万元", "", "5", "5"),
            T("效益指标", "社会效益指标", "高新技术企业数量", "≥", "15", "17", "家", "10", "10"),
        ],
    )


@case
def dept_self_eval_qualitative_words(d: Path) -> None:
    """部门整体自评表的定性指标: every completion wording a form uses (达成预期指标, 已完成, 是, 好, 达到,
    部分达成 with its own score, 未达成)."""
    code = "430406118"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区生态环境分局")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "质量指标", "环境信访件办结", "定性", "全部办结", "达成预期指标", "", "5", "5"),
            T("产出指标", "时效指标", "中央环保督察交办件整改", "定性", "按时整改", "已完成", "", "5", "5"),
            T(
                "效益指标",
                "生态效益指标",
                "空气质量优良天数比例达到省定目标",
                "定性",
                "达到",
                "是",
                "",
                "10",
                "10",
            ),
            T("效益指标", "社会效益指标", "公众生态环境意识", "定性", "明显提高", "好", "", "5", "5"),
            T("效益指标", "可持续影响指标", "河长制长效管护", "定性", "持续开展", "达到", "", "5", "5"),
            T("效益指标", "生态效益指标", "黑臭水体治理", "定性", "基本消除", "部分达成", "", "10", "6"),
            T(
                "满意度指标",
                "服务对象满意度指标",
                "环境投诉处理满意度",
                "定性",
                "满意",
                "未达成",
                "",
                "5",
                "0",
            ),
        ],
    )


@case
def refused_qualitative_word_not_in_list(d: Path) -> None:
    """A 定性 completion written 基本达成: neither met nor not met in the list; never silently 'not met'."""
    code = "430406112"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区水利局")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "质量指标", "水利工程质量合格率", "≥", "≥95%", "98%", "", "10", "10"),
            T("效益指标", "社会效益指标", "防汛抗旱能力", "定性", "明显提升", "基本达成", "", "10", "8"),
        ],
    )


@case
def refused_numeric_target_without_number(d: Path) -> None:
    """方向 ≥ and a 年度指标值 that is a phrase with no number (较上年有所提高)."""
    code = "430406113"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区商务局")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "数量指标", "限额以上商贸企业新增数", "≥", "≥20家", "24家", "", "10", "10"),
            T(
                "效益指标",
                "经济效益指标",
                "社会消费品零售总额增长率",
                "≥",
                "较上年有所提高",
                "6.8%",
                "",
                "10",
                "10",
            ),
        ],
    )


@case
def refused_target_operator_disagrees(d: Path) -> None:
    """方向 says ≤ and the printed target says ≥50个."""
    code = "430406114"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区档案馆")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "数量指标", "档案数字化卷数", "≤", "≥50个", "56个", "", "10", "10"),
        ],
    )


@case
def refused_target_unit_disagrees(d: Path) -> None:
    """The printed target is ≥500人 and the 计量单位 column says 人次."""
    code = "430406119"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区残疾人联合会")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "数量指标", "残疾人康复服务人数", "", "≥500人", "538人", "人次", "10", "10"),
        ],
    )


# ---------------------------------------------------------------------------
# more layouts: banners with more on their line, merged rows in a workbook, basic-data tables, codes


@case
def ledger_banner_unit_with_date_on_its_line(d: Path) -> None:
    """The line under the title as a 决算 system prints it, in one cell: 编制单位, 单位：万元 and 填报日期
    separated by ideographic spaces."""
    code = "430406124"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区发展和改革局")
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门支出决算表"],
            [
                "编制单位：衡阳市雁峰区发展和改革局\u3000\u3000\u3000\u3000单位：万元\u3000\u3000\u3000\u3000填报日期：2024年3月20日"
            ],
            LEDGER_HEADER,
            [code, "2023", "基本支出", "人员经费", "", "", "工资福利支出", "286.50", "291.36", "291.36"],
            [code, "2023", "基本支出", "公用经费", "", "", "商品和服务支出", "38.20", "40.10", "37.84"],
            [
                code,
                "2023",
                "项目支出",
                "特定目标类",
                "43040623P0124001",
                "重大项目前期工作经费",
                "委托业务费",
                "120.00",
                "150.00",
                "138.65",
            ],
        ],
    )


@case
def ledger_xlsx_merged_total_and_section_rows(d: Path) -> None:
    """A workbook ledger laid out like a printed 支出决算明细表: merged title, merged 单位：元 banner, section
    rows 一、基本支出 / 二、项目支出 merged across the table, and a 合计 row whose label is merged across
    指标管理类型:政府经济分类 with its figures beside it."""
    code = "430406125"
    wb = workbook(d / "submission.xlsx")
    center = wb.add_format({"align": "center", "bold": True})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["单位编码", "单位名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区交通运输局", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    ws.merge_range(0, 0, 0, 9, "2023年度支出决算明细表", center)
    ws.merge_range(1, 7, 1, 9, "单位：元")
    sheet_rows(ws, [LEDGER_HEADER], 2)
    ws.merge_range(3, 0, 3, 9, "一、基本支出")
    lines = [
        (4, ["基本支出", "人员经费", "", "", "工资福利支出"], [3126800, 3188450.6, 3188450.6]),
        (5, ["基本支出", "公用经费", "", "", "商品和服务支出"], [402000, 415300, 389625.45]),
        (
            7,
            ["项目支出", "特定目标类", "43040623P0125001", "农村公路养护补助", "资本性支出"],
            [1500000, 1680000, 1596210],
        ),
    ]
    ws.merge_range(6, 0, 6, 9, "二、项目支出")
    for r, labels, amounts in lines:
        ws.write_row(r, 0, [code, 2023, *labels])
        for j, v in enumerate(amounts):
            ws.write_number(r, 7 + j, v, money)
    ws.write_row(8, 0, [code, 2023])
    ws.merge_range(8, 2, 8, 6, "合计", center)
    for j, v in enumerate([5028800, 5283750.6, 5174286.05]):
        ws.write_number(8, 7 + j, v, money)
    wb.close()


@case
def staffing_basic_data_table(d: Path) -> None:
    """人员编制情况表 from the basic-data tables (CSV, GB18030): 单位：人, 合计 first, 编制数 and 实有人数 by type."""
    code = "430406126"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区林业局", "gb18030")
    small_ledger(sub, code, encoding="gb18030")
    write_csv(
        sub / "staffing.csv",
        [
            ["2023年度人员编制情况表"],
            ["编制单位：衡阳市雁峰区林业局", "", "", "", "单位：人"],
            ["部门编码", "年度", "编制类型", "编制数", "实有在职人数"],
            [code, "2023", "合计", "46", "43"],
            [code, "2023", "行政编制", "18", "17"],
            [code, "2023", "事业编制", "24", "23"],
            [code, "2023", "工勤", "4", "3"],
        ],
        "gb18030",
    )


@case
def codes_with_invisible_characters(d: Path) -> None:
    """Codes pasted from a web page or a PDF: a trailing no-break space on the department code, a zero-width
    space inside a project code. They load without them, with a warning each."""
    code = "430406127"
    sub = d / "submission"
    write_csv(
        sub / "departments.csv",
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code + "\u00a0", "衡阳市雁峰区信访局", *REGION]],
    )
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                code,
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "986,400.00",
                "1,002,360.00",
                "1,002,360.00",
            ],
            [
                code,
                "2023",
                "项目支出",
                "特定目标类",
                "43040623\u200bP0127001",
                "信访积案化解经费",
                "委托业务费",
                "80,000.00",
                "80,000.00",
                "76,520.00",
            ],
        ],
    )


@case
def refused_xlsx_line_break_in_project_name(d: Path) -> None:
    """A long project name wrapped with Alt+Enter in its cell: a line break inside a name."""
    code = "430406128"
    wb = workbook(d / "submission.xlsx")
    wrap = wb.add_format({"text_wrap": True})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区乡村振兴局", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    ws.write_row(1, 0, [code, 2023, "项目支出", "特定目标类", "43040623P0128001"])
    ws.write(1, 5, "巩固拓展脱贫攻坚成果\n同乡村振兴有效衔接资金", wrap)
    ws.write_row(1, 6, ["对个人和家庭的补助", 600000, 650000, 618400])
    wb.close()


@case
def refused_sangong_dash_for_zero(d: Path) -> None:
    """A 三公 table as published on a department's website: 因公出国（境）费 printed — (no such spending)."""
    code = "430406129"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区机关事务服务中心")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["2023年度“三公”经费支出决算表"],
            ["单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "合计", "14.30", "12.86"],
            [code, "2023", "1.因公出国（境）费", "—", "—"],
            [code, "2023", "2.公务用车购置及运行费", "10.50", "9.74"],
            [code, "2023", "3.公务接待费", "3.80", "3.12"],
        ],
    )


@case
def sangong_xlsx_hidden_sheet(d: Path) -> None:
    """A workbook whose “三公”经费 sheet was hidden by the person who filled it: read, with a warning."""
    code = "430406130"
    wb = workbook(d / "submission.xlsx")
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区医疗保障局", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(
        ws,
        [
            LEDGER_HEADER,
            [code, 2023, "基本支出", "公用经费", "", "", "商品和服务支出", 268000, 275500, 259871.3],
        ],
    )
    ws = wb.add_worksheet("三公经费")
    sheet_rows(
        ws,
        [
            ["部门编码", "年度", "项目", "预算数(万元)", "决算数(万元)"],
            [code, 2023, "公务接待费", 1.5, 1.26],
            [code, 2023, "合计", 1.5, 1.26],
        ],
    )
    ws.hide()
    wb.close()


@case
def ledger_xlsx_hidden_row(d: Path) -> None:
    """A workbook ledger with a cancelled line hidden (not deleted) and the 合计 as =SUBTOTAL(109, …), which
    leaves hidden rows out: what the person sees and prints has two lines."""
    code = "430406131"
    wb = workbook(d / "submission.xlsx")
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区人民防空办公室", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    lines = [
        ["基本支出", "人员经费", "", "", "工资福利支出", 1436200, 1468350, 1468350],
        [
            "项目支出",
            "特定目标类",
            "43040623P0131001",
            "人防工程维护管理经费（已取消）",
            "委托业务费",
            300000,
            300000,
            0,
        ],
        ["基本支出", "公用经费", "", "", "商品和服务支出", 156000, 161200, 148906.4],
    ]
    for i, line in enumerate(lines):
        ws.write_row(1 + i, 0, [code, 2023, *line[:5]])
        for j, v in enumerate(line[5:]):
            ws.write_number(1 + i, 7 + j, v, money)
    ws.set_row(2, None, None, {"hidden": True})
    ws.write_row(4, 0, [code, 2023, "", "合计"])
    for j, (col, cached) in enumerate([("H", 1592200), ("I", 1629550), ("J", 1617256.4)]):
        ws.write_formula(4, 7 + j, f"=SUBTOTAL(109,{col}2:{col}4)", money, cached)
    wb.close()


@case
def ledger_xlsx_wan_number_format(d: Path) -> None:
    """A workbook ledger whose amount cells carry the number format 0.00"万元": the cell holds 286.5 and
    Excel shows 286.50万元; no banner, no header suffix."""
    code = "430406132"
    wb = workbook(d / "submission.xlsx")
    wan = wb.add_format({"num_format": '#,##0.00"万元"'})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区工业和信息化局", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    lines = [
        ["基本支出", "人员经费", "", "", "工资福利支出", 286.5, 291.36, 291.36],
        ["基本支出", "公用经费", "", "", "商品和服务支出", 38.2, 40.1, 37.84],
    ]
    for i, line in enumerate(lines):
        ws.write_row(1 + i, 0, [code, 2023, *line[:5]])
        for j, v in enumerate(line[5:]):
            ws.write_number(1 + i, 7 + j, v, wan)
    wb.close()


@case
def facts_basic_data_mixed_unit_banner(d: Path) -> None:
    """其他基础数据表 (CSV): amounts and counts in one table, the banner says 金额单位：万元　　数量单位：个
    in one cell, as basic-data tables print it."""
    code = "430406133"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区城市建设投资服务中心")
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                code,
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "1,862,400.00",
                "1,902,150.00",
                "1,902,150.00",
            ],
            [
                code,
                "2023",
                "项目支出",
                "特定目标类",
                "43040623P0133001",
                "老旧小区改造前期经费",
                "委托业务费",
                "1,500,000.00",
                "1,500,000.00",
                "1,421,600.00",
            ],
        ],
    )
    write_csv(
        sub / "facts.csv",
        [
            ["2023年度部门基础数据表"],
            ["金额单位：万元\u3000\u3000数量单位：个"],
            ["部门编码", "年度", "数据项编码", "数值", "备注"],
            [code, "2023", "key_expenditure", "120.00", "重点支出（重点项目）安排数"],
            [code, "2023", "fixed_assets_total", "862.35", "固定资产总额"],
            [code, "2023", "fixed_assets_in_use", "862.35", "在用固定资产"],
            [code, "2023", "violations", "0", "违规违纪问题个数"],
        ],
    )


@case
def sangong_banner_renminbi_wanyuan(d: Path) -> None:
    """A 三公 table whose banner reads 金额单位：人民币万元."""
    code = "430406134"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区政务服务中心")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["2023年度“三公”经费支出决算表"],
            ["", "", "", "金额单位：人民币万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "公务用车购置及运行费", "4.20", "3.87"],
            [code, "2023", "公务接待费", "1.60", "1.18"],
            [code, "2023", "合计", "5.80", "5.05"],
        ],
    )


@case
def refused_xlsx_project_code_as_number(d: Path) -> None:
    """A 20-digit project code (43040623000000012345) typed into a General-format cell: Excel keeps 15
    significant digits (4.3040623E+19) and shows 4.30406E+19."""
    code = "430406135"
    wb = workbook(d / "submission.xlsx")
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws, [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区红十字会", *REGION]]
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    ws.write_row(1, 0, [code, 2023, "项目支出", "特定目标类"])
    ws.write_number(1, 4, 4.3040623e19)  # what Excel stores for 43040623000000012345: 15 significant digits
    ws.write_row(1, 5, ["应急救护培训经费", "委托业务费", 50000, 50000, 47380])
    wb.close()


@case
def sangong_budget_table_circled_numbering(d: Path) -> None:
    """A 部门预算 “三公”经费 table (CSV): （一）（二）（三） items, ① ② under the vehicle group, and
    “三公”经费合计 last."""
    code = "430406136"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区融媒体中心")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["2023年部门预算“三公”经费支出表"],
            ["", "", "", "", "单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "（一）因公出国（境）费", "0.00", "0.00"],
            [code, "2023", "（二）公务用车购置及运行维护费", "5.40", "4.96"],
            [code, "2023", "①公务用车购置费", "0.00", "0.00"],
            [code, "2023", "②公务用车运行维护费", "5.40", "4.96"],
            [code, "2023", "（三）公务接待费", "2.10", "1.73"],
            [code, "2023", "“三公”经费合计", "7.50", "6.69"],
        ],
    )


@case
def targets_worded_operators(d: Path) -> None:
    """部门整体自评表 (CSV) whose targets are written in words, as most printed forms do: 不少于50个 and
    不高于5%, with the 方向 column filled (≥, ≤)."""
    code = "430406137"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区人民武装部")
    small_ledger(sub, code)
    T = lambda *c: [code, "2023", "部门整体", "", *c]  # noqa: E731
    write_csv(
        sub / "performance_targets.csv",
        [
            TARGET_HEADER,
            T("产出指标", "数量指标", "民兵军事训练人数", "≥", "不少于50个", "56个", "", "10", "10"),
            T("成本指标", "经济成本指标", "训练经费超支率", "≤", "不高于5%", "3.2%", "", "5", "5"),
        ],
    )


@case
def ledger_totals_only_with_breakdowns(d: Path) -> None:
    """A totals-only 决算 page (CSV, GB18030, 单位：万元) that also prints 其中：人员经费 / 其中：公用经费
    under 基本支出合计."""
    code = "430406138"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区机关事务管理局", "gb18030")
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门决算支出决算表"],
            ["编制单位：衡阳市雁峰区机关事务管理局", "", "", "", "", "单位：万元"],
            ["部门编码", "年度", "指标管理类型", "项目类别", "年初预算数", "调整后预算数", "决算数"],
            R("合计", "", "842.60", "901.25", "876.43"),
            R("基本支出合计", "", "612.40", "628.75", "621.08"),
            R("其中：人员经费", "", "518.20", "531.05", "531.05"),
            R("其中：公用经费", "", "94.20", "97.70", "90.03"),
            R("项目支出合计", "", "230.20", "272.50", "255.35"),
            ["注：本表按部门决算口径填列。"],
        ],
        "gb18030",
    )


@case
def ledger_decision_original_blank(d: Path) -> None:
    """A 决算 detail page (CSV, 单位：万元) with a 年初预算数 column the 决算 does not fill: every cell blank;
    调整后预算数 and 决算数 printed."""
    code = "430406139"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区妇女联合会")
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度支出决算表"],
            ["单位：万元"],
            LEDGER_HEADER,
            R("基本支出", "人员经费", "", "", "工资福利支出", "", "186.42", "186.42"),
            R("基本支出", "公用经费", "", "", "商品和服务支出", "", "21.60", "19.87"),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0139001",
                "妇女儿童维权服务经费",
                "委托业务费",
                "",
                "35.00",
                "31.26",
            ),
            R("", "合计", "", "", "", "", "243.02", "237.55"),
        ],
    )


@case
def sangong_totals_only_two_years(d: Path) -> None:
    """“三公”经费 printed as one line per year (CSV): 2022 and 2023 each a 合计 row labelled “三公”经费,
    no items; the department sent no 2022 ledger."""
    code = "430406140"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区档案史志中心")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["“三公”经费支出情况"],
            ["单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2022", "“三公”经费", "3.50", "3.12"],
            [code, "2023", "“三公”经费", "3.20", "2.85"],
        ],
    )


@case
def ledger_project_total_rows(d: Path) -> None:
    """A project ledger (CSV, 单位：万元) as a 项目支出 table prints it: one project with its lines and a 总额
    row, another with only its 年度资金总额 row (the system exports no lines for it)."""
    code = "430406141"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区总工会")
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度项目支出表"],
            ["单位：万元"],
            LEDGER_HEADER,
            R("基本支出", "人员经费", "", "", "工资福利支出", "100.00", "100.00", "98.00"),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0141001",
                "职工服务阵地运行经费",
                "委托业务费",
                "30.00",
                "30.00",
                "28.50",
            ),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0141001",
                "职工服务阵地运行经费",
                "办公费",
                "5.00",
                "5.00",
                "4.20",
            ),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0141001",
                "职工服务阵地运行经费",
                "总额",
                "35.00",
                "35.00",
                "32.70",
            ),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0141002",
                "困难职工帮扶资金",
                "年度资金总额",
                "50.00",
                "60.00",
                "57.30",
            ),
        ],
    )


@case
def sangong_no_total_purchase_only_split(d: Path) -> None:
    """A 三公 table without a 合计 row (CSV, 单位：万元) whose vehicle group prints only 其中：公务用车购置费
    below it (运行维护费 not broken out)."""
    code = "430406142"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区城乡规划服务中心")
    small_ledger(sub, code)
    write_csv(
        sub / "three_public.csv",
        [
            ["“三公”经费支出决算表"],
            ["单位：万元"],
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "因公出国（境）费", "1.00", "0.00"],
            [code, "2023", "公务用车购置及运行费", "6.00", "5.60"],
            [code, "2023", "其中：公务用车购置费", "2.00", "1.50"],
            [code, "2023", "公务接待费", "1.00", "1.50"],
        ],
    )


@case
def reported_results_from_self_eval_report(d: Path) -> None:
    """报告值 copied from a 部门整体支出绩效自评报告 (CSV): 预算完成率 written 98.57% for one framework and
    98.57 (percentage points, no sign) for another."""
    code = "430406143"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区地方金融服务中心")
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                code,
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "2,864,500.00",
                "2,931,260.40",
                "2,931,260.40",
            ],
            [
                code,
                "2023",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "318,000.00",
                "326,540.00",
                "301,287.65",
            ],
            [
                code,
                "2023",
                "项目支出",
                "特定目标类",
                "43040623P0143001",
                "金融风险防范处置经费",
                "委托业务费",
                "400,000.00",
                "400,000.00",
                "372,915.20",
            ],
        ],
    )
    write_csv(
        sub / "reported_results.csv",
        [
            ["部门编码", "年度", "评价体系", "项目", "报告值", "来源"],
            [code, "2023", "hn_dept_overall", "B11", "98.57%", "2023年度部门整体支出绩效自评报告 第3页"],
            [code, "2023", "mof_dept_common", "B11", "98.57", "2023年度部门整体支出绩效自评表"],
        ],
    )


@case
def ledger_uniformly_indented_econ_classes(d: Path) -> None:
    """A 决算 detail export (CSV, 单位：万元) that indents every 款级 economic class with two ideographic
    spaces (the system's hierarchy), with one 其中：会议费 row under 办公费. The lines after the 其中 row are
    indented like every other line: they are lines, not part of the 其中 list."""
    code = "430406144"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区科学技术协会")
    I = "\u3000\u3000"  # noqa: E741
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度一般公共预算财政拨款支出决算明细表"],
            ["单位：万元"],
            LEDGER_HEADER,
            R("基本支出", "人员经费", "", "", I + "基本工资", "60.00", "60.00", "60.00"),
            R("基本支出", "人员经费", "", "", I + "津贴补贴", "30.00", "31.20", "31.20"),
            R("基本支出", "公用经费", "", "", I + "办公费", "10.00", "10.00", "9.00"),
            R("", "", "", "", I + "其中：会议费", "2.00", "2.00", "1.50"),
            R("基本支出", "公用经费", "", "", I + "差旅费", "8.00", "8.00", "7.00"),
            R("基本支出", "公用经费", "", "", I + "公务接待费", "3.00", "3.00", "2.00"),
            R(
                "项目支出",
                "特定目标类",
                "43040623P0144001",
                "科普活动经费",
                I + "委托业务费",
                "20.00",
                "25.00",
                "23.80",
            ),
        ],
    )


@case
def targets_xlsx_merged_level_cells(d: Path) -> None:
    """部门整体支出绩效自评表 in a workbook, as the form is laid out: 一级指标 and 二级指标 merged down over
    the rows they group (产出指标 over three rows, 数量指标 over two), 部门编码/年度/范围 on every row."""
    code = "430406146"
    wb = workbook(d / "submission.xlsx")
    center = wb.add_format({"align": "center", "valign": "vcenter"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws,
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区社会保险服务中心", *REGION]],
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(
        ws,
        [
            LEDGER_HEADER,
            [code, 2023, "基本支出", "人员经费", "", "", "工资福利支出", 2450000, 2502300, 2502300],
        ],
    )
    ws = wb.add_worksheet("绩效目标及完成值")
    ws.merge_range(0, 0, 0, 10, "2023年度部门整体支出绩效自评表", center)
    sheet_rows(
        ws,
        [
            [
                "部门编码",
                "年度",
                "范围",
                "一级指标",
                "二级指标",
                "三级指标",
                "方向",
                "年度指标值",
                "实际完成值",
                "分值",
                "自评得分",
            ]
        ],
        1,
    )
    rows = [
        ["职工养老保险参保人数", "", "≥12000人", "12680人", 10, 10],
        ["待遇资格认证人数", "", "≥8000人", "8214人", 10, 10],
        ["社保待遇按时足额发放率", "", "=100%", "100%", 10, 10],
        ["参保对象满意度", "", "≥90%", "94.6%", 10, 10],
    ]
    for i, r in enumerate(rows):
        ws.write_row(2 + i, 0, [code, 2023, "部门整体"])
        for j, v in enumerate(r):  # text cells as text: xlsxwriter would make =100% a formula
            ws.write_string(2 + i, 5 + j, v) if isinstance(v, str) else ws.write_number(2 + i, 5 + j, v)
    ws.merge_range(2, 3, 4, 3, "产出指标(30分)", center)
    ws.merge_range(2, 4, 3, 4, "数量指标", center)
    ws.write(4, 4, "时效指标")
    ws.write(5, 3, "满意度指标(10分)")
    ws.write(5, 4, "服务对象满意度指标")
    wb.close()


@case
def ledger_unit_banner_county_named_yuan(d: Path) -> None:
    """A 决算 page of a county whose name begins with 元 (云南省玉溪市元江哈尼族彝族傣族自治县): the 编制单位
    line names it, the next line says 单位：万元."""
    code = "530428101"
    sub = d / "submission"
    write_csv(
        sub / "departments.csv",
        [
            ["部门编码", "部门名称", "区划编码", "区划名称"],
            [code, "元江哈尼族彝族傣族自治县财政局", "530428", "云南省玉溪市元江哈尼族彝族傣族自治县"],
        ],
    )
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门支出决算表"],
            ["编制单位：元江哈尼族彝族傣族自治县财政局"],
            ["单位：万元"],
            LEDGER_HEADER,
            [code, "2023", "基本支出", "人员经费", "", "", "工资福利支出", "412.60", "425.18", "425.18"],
            [code, "2023", "基本支出", "公用经费", "", "", "商品和服务支出", "52.40", "55.00", "51.36"],
        ],
    )


@case
def ledger_totals_by_type_no_grand_total(d: Path) -> None:
    """A 决算 summary (CSV, 单位：万元) that prints 基本支出合计 and 项目支出合计 but no grand 合计, with a
    重点支出 fact from the basic-data table."""
    code = "430406147"
    sub = d / "submission"
    departments(sub, code, "衡阳市雁峰区教育局机关")
    R = lambda *c: [code, "2023", *c]  # noqa: E731
    write_csv(
        sub / "budget_ledger.csv",
        [
            ["2023年度部门支出决算汇总表"],
            ["单位：万元"],
            ["部门编码", "年度", "指标管理类型", "项目类别", "年初预算数", "调整后预算数", "决算数"],
            R("基本支出", "合计", "2,130.50", "2,186.42", "2,170.36"),
            R("项目支出", "合计", "860.00", "948.60", "902.15"),
        ],
    )
    write_csv(
        sub / "facts.csv",
        [
            ["部门编码", "年度", "数据项编码", "数值", "单位", "备注"],
            [code, "2023", "key_expenditure", "600.00", "万元", "重点项目安排数"],
        ],
    )


@case
def ledger_two_units_one_file(d: Path) -> None:
    """A 主管部门 sends its own ledger and its 二级单位's in one export (CSV, 元), each unit's lines followed
    by its own 合计 row; the 二级单位 points to the 主管部门."""
    top, unit = "430406148", "430406149"
    sub = d / "submission"
    write_csv(
        sub / "departments.csv",
        [
            ["部门编码", "部门名称", "区划编码", "区划名称", "上级部门编码"],
            [top, "衡阳市雁峰区自然资源局（本级）", *REGION, ""],
            [unit, "衡阳市雁峰区不动产登记中心", *REGION, top],
        ],
    )
    write_csv(
        sub / "budget_ledger.csv",
        [
            LEDGER_HEADER,
            [
                top,
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "3,020,000.00",
                "3,086,400.00",
                "3,086,400.00",
            ],
            [
                top,
                "2023",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "410,000.00",
                "422,000.00",
                "396,518.20",
            ],
            [top, "2023", "", "合计", "", "", "", "3,430,000.00", "3,508,400.00", "3,482,918.20"],
            [
                unit,
                "2023",
                "基本支出",
                "人员经费",
                "",
                "",
                "工资福利支出",
                "1,260,000.00",
                "1,284,300.00",
                "1,284,300.00",
            ],
            [
                unit,
                "2023",
                "项目支出",
                "特定目标类",
                "43040623P0149001",
                "不动产登记数据整合经费",
                "委托业务费",
                "500,000.00",
                "500,000.00",
                "463,250.00",
            ],
            [unit, "2023", "", "合计", "", "", "", "1,760,000.00", "1,784,300.00", "1,747,550.00"],
        ],
    )


@case
def chinese_file_names(d: Path) -> None:
    """A folder whose files are named by the templates' Chinese names, as a department names them:
    部门信息.csv, 预算指标执行台账.csv, “三公”经费.csv (GB18030)."""
    code = "430406150"
    sub = d / "submission"
    write_csv(
        sub / "部门信息.csv",
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区老干部局", *REGION]],
        "gb18030",
    )
    write_csv(
        sub / "预算指标执行台账.csv",
        [
            LEDGER_HEADER,
            [
                code,
                "2023",
                "基本支出",
                "公用经费",
                "",
                "",
                "商品和服务支出",
                "236,000.00",
                "241,500.00",
                "228,640.90",
            ],
        ],
        "gb18030",
    )
    write_csv(
        sub / "“三公”经费.csv",
        [
            ["部门编码", "年度", "项目", "预算数", "决算数"],
            [code, "2023", "公务接待费", "8,000.00", "6,420.00"],
            [code, "2023", "合计", "8,000.00", "6,420.00"],
        ],
        "gb18030",
    )


@case
def ledger_xlsx_wan_display_format_trick(d: Path) -> None:
    """A workbook ledger kept in 元 but displayed in 万元 with the custom format 0!.0000 (a literal point
    before the last four digits: 2865000 shows as 286.5000), under a 单位：万元 banner — a common trick."""
    code = "430406151"
    wb = workbook(d / "submission.xlsx")
    trick = wb.add_format({"num_format": "0!.0000"})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws,
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区商务和粮食服务中心", *REGION]],
    )
    ws = wb.add_worksheet("预算指标执行台账")
    ws.write(0, 9, "单位：万元")
    sheet_rows(ws, [LEDGER_HEADER], 1)
    lines = [
        ["基本支出", "人员经费", "", "", "工资福利支出", 2865000, 2913600, 2913600],
        ["基本支出", "公用经费", "", "", "商品和服务支出", 382000, 401000, 378400],
    ]
    for i, line in enumerate(lines):
        ws.write_row(2 + i, 0, [code, 2023, *line[:5]])
        for j, v in enumerate(line[5:]):
            ws.write_number(2 + i, 7 + j, v, trick)
    wb.close()


@case
def ledger_xlsx_year_as_date_cell(d: Path) -> None:
    """A workbook ledger whose 年度 column holds date cells formatted yyyy"年": Excel shows 2023年."""
    code = "430406152"
    wb = workbook(d / "submission.xlsx")
    year = wb.add_format({"num_format": 'yyyy"年"'})
    ws = wb.add_worksheet("部门信息")
    sheet_rows(
        ws,
        [["部门编码", "部门名称", "区划编码", "区划名称"], [code, "衡阳市雁峰区供销合作社联合社", *REGION]],
    )
    ws = wb.add_worksheet("预算指标执行台账")
    sheet_rows(ws, [LEDGER_HEADER])
    lines = [
        ["基本支出", "人员经费", "", "", "工资福利支出", 968000, 986250, 986250],
        ["基本支出", "公用经费", "", "", "商品和服务支出", 104000, 108000, 99870.5],
    ]
    for i, line in enumerate(lines):
        ws.write(1 + i, 0, code)
        ws.write_datetime(1 + i, 1, datetime.datetime(2023, 1, 1), year)
        ws.write_row(1 + i, 2, line)
    wb.close()


# ---------------------------------------------------------------------------


def build(out: Path, only: list[str] | None = None) -> None:
    corpus_builder.build(CASES, out, only)


def check(root: Path = HERE) -> list[str]:
    """Differences between the committed corpus and a fresh build (empty: reproducible)."""
    return corpus_builder.check(CASES, root, "build_cases.py")


def main(argv: list[str] | None = None) -> int:
    return corpus_builder.main(CASES, HERE, "build_cases.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
