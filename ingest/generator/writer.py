"""Writing department-years in the input-template format: CSV folders and XLSX workbooks, in several styles.

A *style* is how one region's finance office hands its files in: UTF-8 CSV with English headers (most),
UTF-8 with BOM or GB18030 CSV with Chinese headers (what Excel on Chinese Windows writes, CRLF,
thousands separators, negative amounts in parentheses), amounts in 万元 (a ``unit`` column or a
``(万元)`` header suffix), or one XLSX workbook with English or Chinese sheet names (numbers as numeric
cells, or as text with separators under a merged title row).

Output is byte-for-byte deterministic: fixed row order, no timestamps; XLSX workbooks get a fixed
creation date and xlsxwriter stamps zip members with a fixed date.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest import templates as T
from ingest.generator.model import DeptYear

TEMPLATE_ORDER = (
    "departments",
    "budget_ledger",
    "carryover",
    "three_public",
    "staffing",
    "monthly_execution",
    "performance_targets",
    "facts",
    "qualitative_scores",
    "survey_responses",
    "reported_results",
)

ZH_HEADERS = {
    "departments": ("部门编码", "部门名称", "区划编码", "区划名称", "上级部门编码", "行业/职能"),
    "budget_ledger": (
        "部门编码",
        "年度",
        "指标管理类型",
        "项目类别",
        "项目编码",
        "项目名称",
        "是否重点项目",
        "政府经济分类",
        "支出功能分类",
        "资金来源",
        "原始指标金额",
        "调整金额",
        "实际指标可用金额",
        "实际支付合计",
        "指标结余",
    ),
    "carryover": ("部门编码", "年度", "年初结转结余", "年末结转结余"),
    "three_public": ("部门编码", "年度", "项目", "预算数", "决算数"),
    "staffing": ("部门编码", "年度", "编制类型", "编制数", "实有在职人数"),
    "monthly_execution": ("部门编码", "年度", "月份", "累计支出", "预算数"),
    "performance_targets": (
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
    ),
    "facts": ("部门编码", "年度", "数据项编码", "数值", "单位", "备注"),
    "qualitative_scores": ("部门编码", "年度", "评价体系", "指标编码", "得分", "评分人", "评分依据"),
    "survey_responses": ("部门编码", "年度", "问题", "评价", "人数"),
    "reported_results": ("部门编码", "年度", "评价体系", "项目编码", "事项", "报告值", "报告得分", "来源"),
}
EN_HEADERS = {
    name: tuple(
        c.name
        for c in T.TEMPLATES[name].columns
        if c.name != "unit" or name in ("performance_targets", "facts")
    )
    for name in TEMPLATE_ORDER
}
# amount columns (positions in the header) that a 万元 header suffix applies to
AMOUNT_COLUMNS = {
    "budget_ledger": (10, 11, 12, 13, 14),
    "carryover": (2, 3),
    "three_public": (3, 4),
    "monthly_execution": (3, 4),
}
UNIT_TEMPLATES = ("budget_ledger", "carryover", "three_public", "monthly_execution")


@dataclass(frozen=True)
class Style:
    name: str
    container: str = "csv"  # csv | xlsx
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | gb18030 (csv only)
    headers: str = "en"  # en | zh
    thousands: bool = False
    unit: str = "元"  # 元 | 万元
    unit_mode: str = "column"  # column | header (万元 only)
    percent_sign: bool = False  # reported rates written 99.08%
    neg_parens: bool = False  # negative amounts written (79,703.00)
    crlf: bool = False
    bool_style: str = "YN"  # YN | 是否
    personnel_alias: bool = False  # 人员类 for 人员经费 (budget-system export)
    zh_filenames: bool = False  # 预算指标执行台账.csv
    numbers_as_text: bool = False  # xlsx: amounts as text cells
    title_row: bool = False  # xlsx: a merged title row above the header
    extra_column: bool = False  # an x_ column (指标文号) in the ledger

    @property
    def wan(self) -> bool:
        return self.unit == "万元"


STYLES: tuple[tuple[Style, int], ...] = (
    (Style("csv-en"), 45),
    (Style("csv-en-wan", unit="万元", unit_mode="column"), 7),
    (
        Style(
            "csv-bom-zh",
            encoding="utf-8-sig",
            headers="zh",
            thousands=True,
            percent_sign=True,
            bool_style="是否",
            personnel_alias=True,
        ),
        12,
    ),
    (
        Style(
            "csv-gbk-zh",
            encoding="gb18030",
            headers="zh",
            thousands=True,
            neg_parens=True,
            crlf=True,
            bool_style="是否",
            zh_filenames=True,
            extra_column=True,
        ),
        12,
    ),
    (
        Style(
            "csv-gbk-zh-wan",
            encoding="gb18030",
            headers="zh",
            unit="万元",
            unit_mode="header",
            crlf=True,
            bool_style="是否",
            zh_filenames=True,
        ),
        5,
    ),
    (Style("xlsx-en", container="xlsx"), 10),
    (
        Style(
            "xlsx-zh",
            container="xlsx",
            headers="zh",
            thousands=True,
            bool_style="是否",
            numbers_as_text=True,
            title_row=True,
            personnel_alias=True,
        ),
        9,
    ),
)
STYLE_BY_NAME = {s.name: s for s, _ in STYLES}
FIXED_DATE = datetime(2024, 1, 1, tzinfo=UTC)


FAST_LIMIT = 10**13  # cents: float formatting is exact below this (checked in tests against the exact path)


class Formatter:
    def __init__(self, style: Style):
        self.s = style
        self._wan_spec = ",.6f" if style.thousands else ".6f"
        self._yuan_spec = ",.2f" if style.thousands else ".2f"

    def plain_amount(self, cents: int) -> str:
        if -FAST_LIMIT < cents < FAST_LIMIT:
            # one C-level format call; exact in this range (a double holds these to well under half a cent)
            if self.s.wan:
                text = format(cents / 1_000_000, self._wan_spec).rstrip("0").rstrip(".")
            else:
                text = format(cents / 100, self._yuan_spec)
            if self.s.neg_parens and cents < 0:
                return f"({text[1:]})"
            return text
        return self._exact_amount(cents)

    def _exact_amount(self, cents: int) -> str:
        neg = cents < 0
        c = -cents if neg else cents
        if self.s.wan:
            w, f = divmod(c, 1_000_000)
            frac = f"{f:06d}".rstrip("0")
            body = f"{w:,}" if self.s.thousands else str(w)
            text = f"{body}.{frac}" if frac else body
        else:
            y, f = divmod(c, 100)
            body = f"{y:,}" if self.s.thousands else str(y)
            text = f"{body}.{f:02d}"
        if neg:
            return f"({text})" if self.s.neg_parens else f"-{text}"
        return text

    def amount(self, cents: int | None):
        if cents is None:
            return ""
        if self.s.container == "xlsx" and not self.s.numbers_as_text:
            return _number(self.plain_amount(cents))
        return self.plain_amount(cents)

    def count(self, n: int | None):
        if n is None:
            return ""
        return n if self.s.container == "xlsx" else str(n)

    def year(self, y: int):
        if self.s.container == "xlsx":
            return y
        return str(y)

    def flag(self, b: bool | None) -> str:
        if b is None:
            return ""
        if self.s.bool_style == "是否":
            return "是" if b else "否"
        return "Y" if b else "N"

    def rate(self, text: str | None) -> str:
        if text is None:
            return ""
        return text + "%" if self.s.percent_sign else text


def _number(text: str):
    """A numeric XLSX cell that reads back as exactly ``text`` (else keep the text)."""
    f = float(text)
    if f.is_integer() and "." not in text:
        return int(f)
    if repr(float(format(f, ".16G"))) != repr(f):
        return text
    return f


# ---------------------------------------------------------------------------
# rows per template


def _headers(name: str, style: Style) -> list[str]:
    base = list(ZH_HEADERS[name] if style.headers == "zh" else EN_HEADERS[name])
    if style.wan and name in UNIT_TEMPLATES:
        if style.unit_mode == "header":
            for i in AMOUNT_COLUMNS[name]:
                base[i] = f"{base[i]}(万元)"
        else:
            base.append("金额单位" if style.headers == "zh" else "unit")
    if name == "reported_results" and style.wan:
        base.append("单位" if style.headers == "zh" else "unit")
    if name == "budget_ledger" and style.extra_column:
        base.append("x_指标文号")
    return base


def _rows(name: str, dys: list[DeptYear], style: Style, fmt: Formatter) -> list[list]:
    rows: list[list] = []
    unit_col = style.wan and name in UNIT_TEMPLATES and style.unit_mode == "column"
    amt = fmt.amount
    if name == "departments":
        for dy in dys:
            d = dy.dept
            rows.append([d.code, d.name, d.region.code, d.region.name, d.parent or "", d.sector.sector])
        return rows
    for dy in dys:
        code, year = dy.dept.code, fmt.year(dy.year)
        if name == "budget_ledger":
            doc = f"{dy.dept.region.short[:2]}财预〔{dy.year}〕{(dy.dept.local_no * 7) % 90 + 1}号"
            for ln in dy.ledger:
                cat = ln.cat
                if style.personnel_alias and cat == "人员经费":
                    cat = "人员类"
                row = [
                    code,
                    year,
                    ln.etype or "",
                    cat,
                    ln.pcode or "",
                    ln.pname or "",
                    fmt.flag(ln.key),
                    ln.econ or "",
                    ln.func or "",
                    ln.fund or "",
                    amt(ln.orig),
                    amt(ln.adj),
                    amt(ln.adjd),
                    amt(ln.paid),
                    amt(ln.bal),
                ]
                if unit_col:
                    row.append("万元")
                if style.extra_column:
                    row.append("" if ln.sub else doc)
                rows.append(row)
        elif name == "carryover":
            for opening, closing in dy.carryover:
                rows.append([code, year, amt(opening), amt(closing)] + (["万元"] if unit_col else []))
        elif name == "three_public":
            for y, item, budget, actual in dy.three_public:
                rows.append(
                    [code, fmt.year(y), item, amt(budget), amt(actual)] + (["万元"] if unit_col else [])
                )
        elif name == "staffing":
            for t, auth, act in dy.staffing:
                rows.append([code, year, t, fmt.count(auth), fmt.count(act)])
        elif name == "monthly_execution":
            for m, cum, basis in dy.monthly:
                rows.append([code, year, fmt.count(m), amt(cum), amt(basis)] + (["万元"] if unit_col else []))
        elif name == "performance_targets":
            for scope, pcode, l1, l2, ind, direction, tgt, act, unit, weight, score in dy.targets:
                rows.append(
                    [
                        code,
                        year,
                        scope,
                        pcode or "",
                        l1,
                        l2,
                        ind,
                        direction,
                        tgt,
                        act,
                        unit or "",
                        weight or "",
                        score or "",
                    ]
                )
        elif name == "facts":
            for fact, value, is_amount, count_unit, note in dy.facts:
                if is_amount:
                    rows.append([code, year, fact, amt(value), style.unit, note or ""])
                else:
                    rows.append([code, year, fact, fmt.count(value), count_unit or "", note or ""])
        elif name == "qualitative_scores":
            for fw, ind, score, scorer, evidence in dy.qualitative:
                rows.append([code, year, fw, ind, score, scorer or "", evidence or ""])
        elif name == "survey_responses":
            for q, rating, n in dy.survey:
                rows.append([code, year, q, rating, fmt.count(n)])
        elif name == "reported_results":
            for fw, pcode, item, value, score, source in dy.reported:
                if isinstance(value, int):
                    cell, unit = amt(value), style.unit
                else:
                    cell, unit = fmt.rate(value), "%"
                row = [code, year, fw or "", pcode or "", item, cell, score or "", source or ""]
                if style.wan:
                    row.append(unit if value is not None else "")
                rows.append(row)
    return rows


def file_stem(name: str, style: Style) -> str:
    if style.zh_filenames:
        return "三公经费" if name == "three_public" else T.TEMPLATES[name].zh
    return name


# ---------------------------------------------------------------------------
# files


def write_submission(
    path: Path, style: Style, dys: list[DeptYear], templates: tuple[str, ...]
) -> dict[str, dict]:
    """Write one submission (a folder of CSVs, or ``path``.xlsx). Returns {template: {file, sheet, rows}}."""
    fmt = Formatter(style)
    tables: list[tuple[str, list[str], list[list]]] = []
    for name in TEMPLATE_ORDER:
        if name not in templates:
            continue
        rows = _rows(name, dys, style, fmt)
        if not rows and name not in ("departments", "budget_ledger"):
            continue
        tables.append((name, _headers(name, style), rows))
    files: dict[str, dict] = {}
    if style.container == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for name, header, rows in tables:
            fname = file_stem(name, style) + ".csv"
            buf = io.StringIO(newline="")
            w = csv.writer(buf, lineterminator="\r\n" if style.crlf else "\n")
            w.writerow(header)
            w.writerows(rows)
            data = buf.getvalue().encode(style.encoding)
            (path / fname).write_bytes(data)
            files[name] = {"file": fname, "sheet": None, "rows": len(rows)}
    else:
        import xlsxwriter

        xpath = path.with_suffix(".xlsx")
        wb = xlsxwriter.Workbook(
            str(xpath),
            {
                "in_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        wb.set_properties({"created": FIXED_DATE, "author": "jixiao sample generator"})
        bold = wb.add_format({"bold": True})
        title_fmt = wb.add_format({"bold": True, "align": "center"})
        for name, header, rows in tables:
            sheet_name = T.TEMPLATES[name].zh if style.headers == "zh" else name
            ws = wb.add_worksheet(sheet_name)
            r0 = 0
            if style.title_row:
                ws.merge_range(0, 0, 0, max(1, len(header) - 1), f"{T.TEMPLATES[name].zh}", title_fmt)
                r0 = 1
            ws.write_row(r0, 0, header, bold)
            for i, row in enumerate(rows, start=r0 + 1):
                for j, v in enumerate(row):
                    if v == "":
                        continue
                    if isinstance(v, (int, float)):
                        ws.write_number(i, j, v)
                    else:
                        ws.write_string(i, j, v)
            files[name] = {"file": xpath.name, "sheet": sheet_name, "rows": len(rows)}
        wb.close()
    return files
