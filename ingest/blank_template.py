"""The blank fill-in workbook (填报模板) a bureau sends to its departments.

One sheet per template of ``input-templates.md`` (named by its Chinese name, so the filled-in workbook
is a submission as it stands), Chinese headers, a drop-down list for every enumerated column (and for
department codes and years when the workbook is made for given departments), amount columns formatted
``#,##0.00`` with a 单位 column where the template has one, and a 说明 sheet that explains every column
in plain Chinese. The sheets 说明 and x_选项 are skipped by ingest.

Everything comes from ``ingest.templates``: a column added there appears here and in the 说明 sheet.
Source of the rules: ``shared/spec/input-templates.md``; issue 17 item 1.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ingest import templates as T

NOTES_SHEET = "说明"  # ingest.submission ignores it, like the x_ sheets
CHOICES_SHEET = "x_选项"
MAX_ROWS = 5000  # rows that carry the drop-downs and number formats

_KIND_ZH = {
    T.TEXT: "文字",
    T.CODE: "编码（文字，不要写成数字）",
    T.YEAR: "年度，如 2023",
    T.INT: "整数",
    T.AMOUNT: "金额（元，或按“单位”列为万元）；空白表示未知，不是 0",
    T.SCORE: "分数，最多两位小数",
    T.NUMBER: "数值；金额类数据项按“单位”列为元或万元",
    T.BOOL: "是 / 否",
    T.ENUM: "从下拉列表中选择",
    T.MEASURE: "比率写百分数（如 99.08），金额按“单位”列",
    T.VALUE: "数字或文字，可写成 ≥50个、≤90万元",
}
_ZH_SHEET = {
    "departments": "部门信息",
    "budget_ledger": "预算指标执行台账",
    "carryover": "结转结余",
    "three_public": "三公经费",
    "staffing": "人员编制",
    "monthly_execution": "月度支出进度",
    "performance_targets": "绩效目标及完成值",
    "facts": "其他基础数据",
    "qualitative_scores": "定性指标评分",
    "survey_responses": "满意度调查",
    "reported_results": "报告值",
    "department_profile": "部门概况",
    "evaluation": "评价报告信息",
}
GENERAL_RULES = (
    "每个工作表是一个模板，工作表名称不要改；不需要的模板可以整张删除（部门信息、预算指标执行台账必填）。",
    "第一行是表头，请不要改动或删除表头；每一行都写部门编码和年度，一个文件可以填多个部门、多个年度。",
    "金额默认以元为单位，精确到分；按万元填写时，在“单位”列选择 万元。空白表示“未知”，不是 0；确实为 0 的请填 0。",
    "小计、合计行可以保留（项目类别或经济分类写“小计”“合计”），它们不会被重复相加，而是与明细核对。",
    "“其中：…”行是上一行的细分，可以保留，不会被相加。",
    "编码请以文字填写（单元格格式设为“文本”），不要让 Excel 把它变成科学计数法。",
    "不要使用隐藏的行或合并的金额单元格；公式可以用，但请在 Excel 中保存后再报送（保存计算结果）。",
    "部门概况、评价报告信息两张表供评价报告使用（可选）：文字可以换行；评价报告信息每行一个事项，问题及原因、改进建议每条一行并填序号。",
    "填好后整个工作簿即为一个提交：jixiao build --input 本文件.xlsx，或在看板“报送与评价”中上传。",
)


@dataclass(frozen=True)
class Department:
    """A department to pre-fill: its code and attributes as the warehouse holds them."""

    dept_code: str
    dept_name: str = ""
    region_code: str = ""
    region_name: str = ""
    parent_dept_code: str = ""
    sector: str = ""


def sheet_name(template: T.Template) -> str:
    return _ZH_SHEET.get(template.name, template.zh)


def write_blank_template(
    out: Path, departments: list[Department] | None = None, years: list[int] | None = None
) -> Path:
    """Write the fill-in workbook to ``out`` (.xlsx).

    Args:
        out: path of the workbook to write (its folder must exist).
        departments: departments to pre-fill in 部门信息 and to offer in every 部门编码 drop-down.
        years: years to offer in every 年度 drop-down.

    Returns:
        ``out``.
    """
    departments = departments or []
    years = years or []
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "部门整体支出绩效评价 填报模板", "created": datetime.datetime(2024, 1, 1)})
    head = wb.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    required_head = wb.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "vcenter"}
    )
    text = wb.add_format({"num_format": "@"})
    money = wb.add_format({"num_format": "#,##0.00"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    title = wb.add_format({"bold": True, "font_size": 14})

    notes = wb.add_worksheet(NOTES_SHEET)
    choices = wb.add_worksheet(CHOICES_SHEET)
    choices.hide()
    lists: dict[tuple[str, ...], str] = {}

    def choice_range(values: tuple[str, ...]) -> str:
        if values not in lists:
            col = len(lists)
            for i, v in enumerate(values):
                choices.write_string(i, col, v)
            letter = xl_col_to_name(col)
            lists[values] = f"='{CHOICES_SHEET}'!${letter}$1:${letter}${len(values)}"
        return lists[values]

    dept_codes = tuple(d.dept_code for d in departments)
    year_texts = tuple(str(y) for y in years)
    for template in T.TEMPLATES.values():
        ws = wb.add_worksheet(sheet_name(template))
        ws.freeze_panes(1, 0)
        ws.set_row(0, 32)
        for c, col in enumerate(template.columns):
            label = col.aliases[0] if col.aliases else col.name
            ws.write_string(0, c, label, required_head if _must_fill(template, col) else head)
            ws.write_comment(0, c, f"{col.name}：{_KIND_ZH.get(col.kind, '')}", {"x_scale": 2})
            width = (
                14 if col.kind in (T.AMOUNT, T.NUMBER, T.MEASURE) else max(10, min(28, 2 * len(label) + 4))
            )
            fmt = (
                money
                if col.kind == T.AMOUNT
                else text
                if col.kind in (T.CODE, T.TEXT, T.ENUM, T.VALUE)
                else None
            )
            ws.set_column(c, c, width, fmt)
            values: tuple[str, ...] = ()
            if col.kind == T.ENUM:
                values = col.choices
            elif col.kind == T.BOOL:
                values = ("是", "否")
            elif col.name == "dept_code" and dept_codes:
                values = dept_codes
            elif col.name == "fiscal_year" and year_texts:
                values = year_texts
            elif template.name == "facts" and col.name == "unit":
                values = ("元", "万元", "个", "项")
            if values:
                ws.data_validation(
                    1,
                    c,
                    MAX_ROWS,
                    c,
                    {
                        "validate": "list",
                        "source": choice_range(values),
                        "error_title": "请从列表中选择",
                        "error_message": "可选：" + "、".join(values)[:200],
                        "error_type": "warning" if col.name in ("dept_code", "fiscal_year") else "stop",
                    },
                )
        if template.name == "departments":
            for r, d in enumerate(departments, start=1):
                row = {
                    "dept_code": d.dept_code,
                    "dept_name": d.dept_name,
                    "region_code": d.region_code,
                    "region_name": d.region_name,
                    "parent_dept_code": d.parent_dept_code,
                    "sector": d.sector,
                }
                for c, col in enumerate(template.columns):
                    if row.get(col.name):
                        ws.write_string(r, c, row[col.name])

    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 20)
    notes.set_column(2, 2, 60)
    notes.write_string(0, 0, "部门整体支出绩效评价 填报模板说明", title)
    r = 2
    for i, rule in enumerate(GENERAL_RULES, start=1):
        notes.merge_range(r, 0, r, 2, f"{i}. {rule}", wrap)
        notes.set_row(r, 30)
        r += 1
    r += 1
    for template in T.TEMPLATES.values():
        notes.write_string(
            r,
            0,
            f"{sheet_name(template)}（{template.name}）" + ("　必填" if template.required else "　可选"),
            title,
        )
        r += 1
        notes.write_row(r, 0, ["列名", "英文列名", "填写说明"], head)
        r += 1
        for col in template.columns:
            label = col.aliases[0] if col.aliases else col.name
            hint = _KIND_ZH.get(col.kind, "")
            if col.choices:
                hint += "：" + "、".join(col.choices)
            hint += "；必须填写" if _must_fill(template, col) else "；可以空白"
            notes.write_row(r, 0, [label, col.name, hint], wrap)
            r += 1
        r += 1
    wb.close()
    return out


def _must_fill(template: T.Template, col: T.Column) -> bool:
    """Keys must be filled (spec "Amounts": only keys); everything else may be blank (unknown)."""
    if col.name in ("dept_code", "fiscal_year") or (col.name in template.key and not col.nullable):
        return True
    return (
        col.required and not col.nullable and col.kind not in (T.AMOUNT, T.INT, T.MEASURE, T.VALUE, T.NUMBER)
    )
