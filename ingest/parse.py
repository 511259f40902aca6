"""Turning one template table (a CSV file or an XLSX sheet) into typed rows, or located errors.

Everything here is vectorised with Polars: a province's ledger runs to a million lines.
Every refused cell becomes an ``Issue`` with file, sheet, row, column, the value as
written and the reason, in Chinese, the way an analyst would say it.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import unicodedata
from dataclasses import dataclass, field

import polars as pl

from ingest import templates as T
from ingest.issues import Issue
from ingest.readers import RawTable
from ingest.text import nfkc, normalize_label, split_unit

AMOUNT_DTYPE = pl.Decimal(18, 2)
WIDE_DTYPE = pl.Decimal(38, 6)
# One amount, in yuan: 10 万亿元 is several times any department's whole budget (a province spends ~1 万亿 a
# year), so a figure beyond it is a unit slip (1,200,000,000 under a 万元 header); it also keeps every
# department-year's sum, and the ratios and sums the SQL casts to DECIMAL(18,2), far inside what they hold.
MAX_AMOUNT = 10**13

_FW_FROM = list("０１２３４５６７８９．，（）－＋％　") + ["−", "¥", "￥", "\u00a0"]
_FW_TO = list("0123456789.,()-+% ") + ["-", "", "", ""]
_FW_TO_KEEPING_NBSP = _FW_TO[:-1] + ["\u00a0"]  # for numbers: a no-break space may group thousands
_NUMBER_RE = r"^-?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]+)?$"  # ASCII digits only: \d would take ७ and ٣
MAX_INTEGER_DIGITS = 20  # before the point; DECIMAL(38,6) holds 32, every column's own range is checked after
MAX_INT = 10**9  # people, months, respondents: far beyond any real count, far inside BIGINT
MAX_SCORE = 10**4  # points: DECIMAL(9,2) holds 10^7; no framework weighs an item above 1,000
MAX_NUMBER = 10**16  # facts, reported values, target values: DECIMAL(18,2) / (38,6) after ×10,000
_TRUE = {"是", "Y", "y", "YES", "yes", "Yes", "1", "TRUE", "true", "True", "√"}
_FALSE = {"否", "N", "n", "NO", "no", "No", "0", "FALSE", "false", "False", "×"}


@dataclass
class ParsedTable:
    template: T.Template
    file: str
    sheet: str | None
    frame: pl.DataFrame  # typed columns + _file, _sheet, _row_number, _extra
    issues: list[Issue] = field(default_factory=list)
    units: set[str] = field(default_factory=set)  # amount units this table declared (元 / 万元)

    @property
    def ok(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)


# ---------------------------------------------------------------------------
# header


@dataclass
class HeaderMap:
    columns: dict[str, int]  # template column -> position
    units: dict[str, str]  # template column -> unit suffix from its header (万元, 元, %)
    extras: dict[str, int]  # x_ columns -> position


def _lookup(template: T.Template) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in template.columns:
        for name in col.all_names():
            table[normalize_label(name).lower()] = col.name
    return table


def map_header(raw: RawTable, template: T.Template) -> tuple[HeaderMap | None, list[Issue]]:
    lookup = _lookup(template)
    issues: list[Issue] = []
    columns: dict[str, int] = {}
    units: dict[str, str] = {}
    extras: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    here = {"file": raw.file, "sheet": raw.sheet, "row": raw.header_row}
    for pos, cell in enumerate(raw.header):
        label, unit = split_unit(cell)
        if not label:
            if any(pos < len(r) and r[pos].strip() for r in raw.rows):
                issues.append(Issue(**here, column=f"第 {pos + 1} 列", value="", reason="有数据的列没有表头"))
            continue
        if label.lower().startswith("x_"):
            extras[label] = pos
            continue
        name = lookup.get(label.lower())
        if name is None:
            unknown.append((pos, cell))
            continue
        if name in columns:
            issues.append(
                Issue(
                    **here,
                    column=cell,
                    value=cell,
                    reason=f"列重复：“{cell}”与第 {columns[name] + 1} 列都是 {name}",
                )
            )
            continue
        columns[name] = pos
        if unit:
            units[name] = unit
    if not columns:
        return None, [
            Issue(
                **here,
                column=None,
                value=" | ".join(raw.header)[:200],
                reason=f"找不到可识别的表头：前 {HEADER_SEARCH_ROWS} 行中没有一行含有模板 {template.name}（{template.zh}）的列名"
                f"（如 {template.columns[0].name} / {template.columns[0].aliases[0] if template.columns[0].aliases else template.columns[0].name}）；"
                f"最像表头的是第 {raw.header_row} 行",
            )
        ]
    for _pos, cell in unknown:
        issues.append(
            Issue(
                **here,
                column=cell,
                value=cell,
                reason=f"未知列“{cell}”：模板 {template.name}（{template.zh}）没有这一列；额外的列请以 x_ 开头",
            )
        )
    for col in template.columns:
        if col.required and col.name not in columns:
            alias = f"（{col.aliases[0]}）" if col.aliases else ""
            issues.append(Issue(**here, column=col.name, value=None, reason=f"缺少必填列 {col.name}{alias}"))
    if template.name == "budget_ledger" and not {"original_budget", "adjusted_budget", "actual_paid"} & set(
        columns
    ):
        issues.append(
            Issue(
                **here,
                column=None,
                value=None,
                reason="缺少金额列：至少要有 原始指标金额（年初预算）、实际指标可用金额（调整后预算）、实际支付合计（决算数）中的一列",
            )
        )
    for name, unit in units.items():
        kind = template.column(name).kind
        if unit in ("元", "万元") and kind not in (T.AMOUNT, T.MEASURE, T.NUMBER):
            issues.append(
                Issue(**here, column=name, value=unit, reason=f"列 {name} 不是金额列，不能标注单位（{unit}）")
            )
        if unit == "%" and kind not in (T.MEASURE, T.VALUE):
            issues.append(Issue(**here, column=name, value=unit, reason=f"列 {name} 不是比率列，不能标注 %"))
    banner, banner_issues = banner_unit(raw)
    issues += banner_issues
    if banner is not None:
        for name, unit in units.items():
            if unit in ("元", "万元") and unit != banner:
                issues.append(
                    Issue(
                        **here,
                        column=name,
                        value=raw.header[columns[name]],
                        reason=f"表头标注的单位（{unit}）与表格上方的“单位：{banner}”不一致",
                    )
                )
        for col in template.columns:
            if col.kind in (T.AMOUNT, T.NUMBER, T.MEASURE) and col.name in columns and col.name not in units:
                units[col.name] = banner
    amount_units = {u for n, u in units.items() if u in ("元", "万元")}
    wan = [n for n, u in units.items() if u == "万元" and template.column(n).kind == T.AMOUNT]
    if wan and len(amount_units) == 1 and not (template.has_unit and "unit" in columns):
        # 年初预算(万元) next to a bare 决算数: is 决算数 in 元 (the default) or in 万元 like its neighbour?
        marked = raw.header[columns[wan[0]]]
        for col in template.columns:
            if col.kind == T.AMOUNT and col.name in columns and col.name not in units:
                cell = raw.header[columns[col.name]]
                issues.append(
                    Issue(
                        **here,
                        column=col.name,
                        value=cell,
                        reason=f"金额列“{cell}”没有标注单位，而同一文件的“{marked}”标注了 万元；请为每个金额列标注单位",
                    )
                )
    if len(amount_units) > 1:
        issues.append(
            Issue(
                **here,
                column=None,
                value="、".join(sorted(amount_units)),
                reason="同一文件的金额列标注了不同单位（元 与 万元）；请统一单位",
            )
        )
    return HeaderMap(columns, units, extras), issues


# ---------------------------------------------------------------------------
# where the table is: header search, banners above it, notes below it (spec "Header and banners")

HEADER_SEARCH_ROWS = 30
# 单位：万元, 金额单位:人民币万元, (万元), 金额（万元）: a unit for the amounts below; 万元/人 is not one.
# Other money units (千元, 亿元, 百万元, 万) are caught too, to be refused: ignoring them would load 元.
_UNIT_WORD = r"(亿元|千万元|百万元|十万元|万元|千元|百元|元|亿|万|千)"
_BANNER_UNIT = re.compile(
    r"(?<!编制)(?<!填报)(?<!填表)(?<!报送)(?:金额单位|单位)\s*[:：]\s*(?:人民币)?\s*"
    + _UNIT_WORD.replace("元|", "元|万 *元|")
    + r"(?![\u4e00-\u9fff/]|\s*/)"
    r"|^\s*\((?:人民币)?" + _UNIT_WORD + r"\)\s*$|[^(\s]\s*\((?:人民币)?" + _UNIT_WORD + r"\)\s*$"
)
# a note below the table that names a money unit in any wording (注：单位万元, 注：以上金额均为万元, 备注：单位为万元):
# the table's figures may be in it, and skipping the note would load them as 元
_NOTE_MONEY_UNIT = re.compile(
    "(" + "|".join(w for w in _UNIT_WORD.strip("()").split("|") if w.endswith("元") and w != "元") + ")"
)
_NOTE = re.compile(
    r"^(注|备注|说明|附注)[0-9]*[:：.、]|^注[0-9]|(负责人|填报人|填表人|审核人|制表人|经办人|联系电话|填报日期|制表日期)[:：]"
)


def _header_score(cells: list[str], lookup: dict[str, str]) -> int:
    seen = set()
    for cell in cells:
        label, _ = split_unit(cell)
        name = lookup.get(label.lower())
        if name is not None:
            seen.add(name)
    return len(seen)


def locate_header(raw: RawTable, template: T.Template) -> list[Issue]:
    """The header is the row among the first ``HEADER_SEARCH_ROWS`` that names the most template columns
    (the first such row); the rows above it are banners (title, 报表编号, 编制单位, 单位：万元)."""
    lookup = _lookup(template)
    best, best_score = -1, _header_score(raw.header, lookup)
    for i, cells in enumerate(raw.rows[:HEADER_SEARCH_ROWS]):
        if len(cells) <= best_score:
            continue  # a row names at most one column per cell: it cannot name more than the best
        score = _header_score(cells, lookup)
        if score > best_score:
            best, best_score = i, score
    if best >= 0:
        raw.relocate_header(best)
    issues: list[Issue] = []
    for row, cells in raw.banners:
        numbers = [c for c in cells if _LOOKS_NUMERIC.match(c.strip())]
        if len(numbers) >= 2:  # a title or a unit line holds words; two figures make it a data row
            issues.append(
                Issue(
                    raw.file,
                    raw.sheet,
                    row,
                    None,
                    " | ".join(c.strip() for c in cells if c.strip())[:200],
                    f"表头（第 {raw.header_row} 行）上方的这一行有数值，像是数据行：数据只能写在表头下面",
                )
            )
    return issues


_LOOKS_NUMERIC = re.compile(r"^[-(（]?[0-9０-９][0-9０-９,，]*([.．][0-9０-９]+)?[)）%]?$")


def banner_unit(raw: RawTable) -> tuple[str | None, list[Issue]]:
    """``单位：万元`` in a banner above the header, or ``(万元)`` in a group header: the unit of every amount
    column that states none of its own. Two statements that disagree are an error."""
    found: dict[str, tuple[int, str]] = {}
    for row, cells in raw.banners:
        for cell in cells:
            text = nfkc(cell).replace("\u3000", " ")
            for m in _BANNER_UNIT.finditer(text):
                unit = re.sub(r"\s", "", next(g for g in m.groups() if g))
                if unit not in ("元", "万元"):
                    return None, [
                        Issue(
                            raw.file,
                            raw.sheet,
                            row,
                            None,
                            cell.strip(),
                            f"表格上方写明的金额单位“{unit}”不支持：金额请以 元 或 万元 填写（并写明单位）",
                        )
                    ]
                found.setdefault(unit, (row, cell.strip()))
    if len(found) > 1:
        where = "；".join(f"第 {r} 行“{c}”" for r, c in sorted(found.values()))
        return None, [
            Issue(
                raw.file,
                raw.sheet,
                min(r for r, _ in found.values()),
                None,
                where,
                f"表格上方的单位说明不一致（{where}）",
            )
        ]
    return (next(iter(found)) if found else None), []


def split_notes(raw: RawTable) -> list[Issue]:
    """Notes and signatures after the table (注：…, 项目负责人：… 财务负责人：…) are skipped with a warning;
    a data row after them is an error: the table does not continue below its notes."""
    issues: list[Issue] = []
    first_note = None
    for i, cells in enumerate(raw.rows):
        filled = [c for c in map(str.strip, cells) if c]
        # a note or signature line holds words only, in a few cells; a row with a figure is data, whatever
        # its remark column says (x_备注 = 说明：年中追加)
        wordy = bool(filled) and len(filled) <= 4 and not any(_LOOKS_NUMERIC.match(c) for c in filled)
        is_note = wordy and (
            bool(_NOTE.search(re.sub(r"\s", "", nfkc(filled[0]))))
            or any(_NOTE.search(re.sub(r"\s", "", nfkc(c))) for c in filled[1:])
        )
        if is_note and first_note is None:
            first_note = i
        if first_note is not None and not is_note:
            issues.append(
                Issue(
                    raw.file,
                    raw.sheet,
                    raw.row_numbers[i],
                    None,
                    " | ".join(filled)[:200],
                    f"表格后的注释行（第 {raw.row_numbers[first_note]} 行）之后还有数据：注释和签字只能放在表格最后",
                )
            )
    if first_note is None:
        return issues
    errors = {i.row for i in issues}
    for r, cells in zip(raw.row_numbers[first_note:], raw.rows[first_note:]):
        if r in errors:
            continue
        filled = " | ".join(c.strip() for c in cells if c.strip())
        stated = [m for c in cells for m in _BANNER_UNIT.finditer(nfkc(c).replace("\u3000", " "))]
        stated += [m for c in cells for m in _NOTE_MONEY_UNIT.finditer(re.sub(r"\s", "", nfkc(c)))]
        if stated:  # 注：单位：万元 below the table — skipping it would load 万元 as 元
            issues.append(
                Issue(
                    raw.file,
                    raw.sheet,
                    r,
                    None,
                    filled[:200],
                    "表格后的注释写明了金额单位：请把单位写在表头上方（如“单位：万元”）或表头中（如“年初预算(万元)”）",
                )
            )
            continue
        issues.append(
            Issue(raw.file, raw.sheet, r, None, filled[:200], "表格后的注释或签字行，已跳过", "warning")
        )
    raw.rows, raw.row_numbers = raw.rows[:first_note], raw.row_numbers[:first_note]
    return issues


_NOTE_REASONS = {
    "formula_no_value": "公式单元格没有保存计算结果（文件未在 Excel 中重新计算并保存）：无法知道它显示的值",
    "error": "单元格是错误值",
    "long": "单元格内容过长（超过 10,000 个字符）",
    "digits": "数字超过 15 位有效数字，Excel 无法按所写的值保存：请核对，或把这一列设为文本格式",
    "general_sci": "编码显示为科学计数法，原来的数字已经丢失：请把这一列设为文本格式后重新填写编码",
    "zero_blank": "单元格保存的是 0，却按格式或工作表设置显示为空白：空白表示未知，0 就请显示 0（取消“零值显示为空白”）",
    "rounded": "单元格按数字格式显示的是四舍五入后的数，与保存的数不同：请把单元格格式改为显示全部小数位后再报送",
    "scaled": "单元格的数字格式改变了显示的数字（如按千缩放的 0.00, 或在数字中插入小数点的 0!.0000），显示的数与保存的数不同：请改用普通数字格式",
}


def cell_note_issues(
    raw: RawTable, columns: dict[int, str], template: T.Template | None = None
) -> list[Issue]:
    """Issues for the exceptional XLSX cells in the header and data rows (see ingest.xlsx_inspect)."""
    if not raw.cell_notes:
        return []
    issues: list[Issue] = []
    wanted = set(raw.row_numbers) | {raw.header_row}
    formulas: list[tuple[int, int]] = []
    for (row, col), note in sorted(raw.cell_notes.items()):
        if row not in wanted:
            continue
        column = columns.get(col, f"第 {col + 1} 列")
        if note.kind == "formula":
            formulas.append((row, col))
        elif note.kind == "bool":
            if column in columns.values() and column not in _BOOL_COLUMNS:
                issues.append(
                    Issue(
                        raw.file,
                        raw.sheet,
                        row,
                        column,
                        note.shown,
                        "单元格是逻辑值（TRUE/FALSE），不是数值或文本",
                    )
                )
        elif note.kind == "rich":
            # a superscript footnote mark or a struck-through digit is read as part of the number
            if (
                template is not None
                and column in columns.values()
                and template.column(column).kind in _NUMERIC_KINDS
            ):
                issues.append(
                    Issue(
                        raw.file,
                        raw.sheet,
                        row,
                        column,
                        _cell(raw, row, col),
                        "单元格中的数字带有上标、下标或删除线：读出的数字与显示的不同，请改为普通格式后再填写",
                    )
                )
        elif note.kind == "general_sci":
            # a number of 12+ digits in General format: Excel shows 4.30406E+19 — for a code, the code is gone
            if template is not None and column in columns.values() and template.column(column).kind == T.CODE:
                issues.append(
                    Issue(raw.file, raw.sheet, row, column, note.shown, _NOTE_REASONS["general_sci"])
                )
        elif note.kind in _NOTE_REASONS:
            issues.append(Issue(raw.file, raw.sheet, row, column, note.shown, _NOTE_REASONS[note.kind]))
    if formulas:
        row, col = formulas[0]
        issues.append(
            Issue(
                raw.file,
                raw.sheet,
                row,
                columns.get(col, f"第 {col + 1} 列"),
                None,
                f"{len(formulas)} 个公式单元格按保存的计算结果（Excel 显示的值）加载，请核对公式是否正确",
                "warning",
            )
        )
    return issues


_BOOL_COLUMNS = {"is_key_project"}
_NUMERIC_KINDS = {T.AMOUNT, T.INT, T.SCORE, T.NUMBER, T.MEASURE, T.YEAR, T.VALUE}


def _cell(raw: RawTable, row: int, col: int) -> str | None:
    """The text of a cell of the table by its row number, for a message."""
    if row == raw.header_row:
        return raw.header[col] if col < len(raw.header) else None
    try:
        cells = raw.rows[raw.row_numbers.index(row)]
    except ValueError:
        return None
    return cells[col] if col < len(cells) else None


# ---------------------------------------------------------------------------
# cells


def _norm(s: pl.Series) -> pl.Series:
    """A number as written, for the number parsers: full-width to ASCII, outer spaces dropped, a space
    (or NBSP / thin space) that groups thousands read as a comma. Any other space stays — and makes the
    cell unreadable: "100\n200" is two numbers, never 100200."""
    t = s.str.replace_many(_FW_FROM, _FW_TO_KEEPING_NBSP).str.strip_chars()
    group = r"([0-9])[ \u00a0\u2009\u202f]([0-9]{3})"
    # twice: matches cannot overlap, so "1 234 567" needs a second pass for its second space
    return t.str.replace_all(group, "${1},${2}").str.replace_all(group, "${1},${2}")


def _norm_text(s: pl.Series) -> pl.Series:
    """Every text value is normalised like a header before it is matched (spec "Aliases seen in real
    forms"): NFKC (﹦ is =, full-width letters, digits and brackets are ASCII), quotes dropped, U+3000 a space."""
    return (
        s.str.replace_many(_FW_FROM, _FW_TO)
        .str.normalize("NFKC")
        .str.replace_many(["（", "）", "：", "“", "”", "\u3000"], ["(", ")", ":", "", "", " "])
        .str.strip_chars()
    )


_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0\u180e]"
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_LINE_BREAK = "[\r\n\u2028\u2029]"
# may hold line breaks; never control characters. The long texts of department_profile and evaluation are
# free text too (up to MAX_CELL_CHARS, 10,000 characters, like every cell); names (委托单位, 评价机构 in
# evaluation.content) are held to one line by _evaluation_rules
FREE_TEXT = frozenset(
    {"evidence", "note", "source", "duties", "organization", "staffing_text", "internal_control", "content"}
)


def parse_decimal(
    raw: pl.Series, max_decimals: int, allow_percent: bool = True
) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Text -> Decimal(38,6). Returns (value, reason, decimals as written). Empty -> null, no reason.

    Digits are ASCII or full-width (spec "Amounts"); any other Unicode digit (७, ٣) is refused, never
    read as NULL. ``allow_percent``: a trailing ``%`` is accepted (rate columns only). More than
    ``MAX_INTEGER_DIGITS`` digits before the point is refused before the cast, which would otherwise
    turn it into NULL.
    """
    t = _norm(raw)
    empty = t.is_null() | (t == "")  # blank as written: "+" or "%" alone is not blank, it is refused
    paren = t.str.contains(r"^\(.+\)$")
    t = pl.select(
        pl.when(paren).then(pl.lit("-") + t.str.slice(1, t.str.len_chars() - 2)).otherwise(t).alias("t")
    ).to_series()
    t = t.str.strip_prefix("+")
    has_percent = t.str.ends_with("%").fill_null(False)
    t = t.str.strip_suffix("%")
    valid = t.str.contains(_NUMBER_RE).fill_null(False)
    digits = t.str.replace_all(",", "")
    decimals = digits.str.extract(r"\.([0-9]+)$").str.len_chars().fill_null(0)
    int_digits = (
        digits.str.replace(r"^-", "")
        .str.replace(r"\..*$", "")
        .str.strip_chars_start("0")
        .str.len_chars()
        .fill_null(0)
    )
    too_precise = decimals > max_decimals
    reason = pl.select(
        pl.when(empty)
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(has_percent & pl.lit(not allow_percent))
        .then(pl.lit("这一列不是比率列，不能带 %"))
        .when(~valid)
        .then(pl.lit("数值格式无法识别"))
        .when(int_digits > MAX_INTEGER_DIGITS)
        .then(pl.lit("数值超出范围"))
        .when(too_precise)
        .then(pl.lit(f"小数位数过多（最多 {max_decimals} 位）"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
        .alias("r")
    ).to_series()
    ok = reason.is_null() & ~empty
    value = pl.select(
        pl.when(ok).then(digits).otherwise(None).cast(WIDE_DTYPE, strict=False).alias("v")
    ).to_series()
    return value, reason, decimals.cast(pl.Int32)


def parse_int(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Whole numbers (people, months, respondents); range-checked before the cast, so a 30-digit count is
    a located refusal, never a Polars overflow."""
    t = _norm(raw)
    empty = t.is_null() | (t == "")
    t = pl.select(
        pl.when(t.str.contains(r"^-?[0-9]{1,3}(,[0-9]{3})+(\.0+)?$"))
        .then(t.str.replace_all(",", ""))
        .otherwise(t)
        .alias("t")
    ).to_series()
    valid = t.str.contains(r"^-?[0-9]+(\.0+)?$").fill_null(False)  # 1,042 people is 1042; 1,04 is not a count
    whole = t.str.replace(r"\.0+$", "")
    too_long = whole.str.replace(r"^-", "").str.strip_chars_start("0").str.len_chars().fill_null(0) > 12
    value = pl.select(
        pl.when(valid & ~too_long).then(whole).otherwise(None).cast(pl.Int64, strict=False).alias("v")
    ).to_series()
    out_of_range = too_long | (value.abs() > MAX_INT).fill_null(False)
    reason = pl.select(
        pl.when(empty)
        .then(None)
        .when(~valid)
        .then(pl.lit("应为整数"))
        .when(out_of_range)
        .then(pl.lit(f"数值超出范围（最大 {MAX_INT:,}）"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()
    value = pl.select(pl.when(reason.is_null()).then(value).otherwise(None).alias("v")).to_series()
    return value, reason


def parse_year(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _norm(raw).str.replace(r"\s*(年度|年)$", "$1")
    empty = t.is_null() | (t == "")
    m = t.str.extract(r"^(\d{4})(?:\.0+)?(?:年|年度)?$")
    year = m.cast(pl.Int32, strict=False)
    reason = pl.select(
        pl.when(empty)
        .then(pl.lit("年度不能为空"))
        .when(year.is_null())
        .then(pl.lit("年度格式无法识别，应为四位数字，如 2023 或 2023年"))
        .when((year < 1990) | (year > 2100))
        .then(pl.lit("年度超出范围（1990–2100）"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()
    return year, reason


def parse_bool(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _norm_text(raw)
    empty = t.is_null() | (t == "")
    is_true = t.is_in(list(_TRUE))
    is_false = t.is_in(list(_FALSE))
    reason = pl.select(
        pl.when(empty)
        .then(None)
        .when(~is_true & ~is_false)
        .then(pl.lit("应为 是/否（或 Y/N、1/0）"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()
    value = pl.select(
        pl.when(is_true).then(True).when(is_false).then(False).otherwise(None).alias("v")
    ).to_series()
    return value, reason


def parse_enum(raw: pl.Series, col: T.Column) -> tuple[pl.Series, pl.Series]:
    # 产出指标(50分): the points a printed form puts after a level-1 name are not part of it
    t = _norm_text(raw).str.replace_all(r"\s", "").str.replace(r"\([0-9.]+分\)$", "")
    aliases = {normalize_label(k): v for k, v in col.choice_aliases.items()}
    choices = {normalize_label(c): c for c in col.choices}
    mapping = {**dict(choices.items()), **aliases}
    value = t.replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    empty = t.is_null() | (t == "")
    reason = pl.select(
        pl.when(empty)
        .then(None)
        .when(value.is_null())
        .then(pl.lit("取值无效，应为：" + "、".join(col.choices)))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()
    return value, reason


def parse_code(raw: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """A code as Excel leaves it (spec "Codes as Excel mangles them"). Returns (value, reason, warning).

    ``="430406"`` and ``'430406`` are 430406; invisible characters (zero-width, NBSP, BOM) are removed
    with a warning; a code shown in scientific notation (``4.30406E+14``) is refused: the digits are gone.
    """
    t = raw.str.replace(r'^=\s*"(.*)"$', "$1").str.strip_prefix("'")
    invisible = t.str.contains(_INVISIBLE).fill_null(False)
    t = _norm_text(t.str.replace_all(_INVISIBLE, ""))
    value = pl.select(pl.when(t == "").then(None).otherwise(t).alias("v")).to_series()
    reason = pl.select(
        pl.when(value.str.contains(r"^[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+$").fill_null(False))
        .then(pl.lit("编码显示为科学计数法，原来的数字已经丢失：请把这一列设为文本格式后重新填写编码"))
        .when(value.str.contains(_CONTROL).fill_null(False))
        .then(pl.lit("编码中不能有控制字符"))
        .when(value.str.contains(r"\s").fill_null(False))
        .then(pl.lit("编码中不能有空格"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()
    warning = pl.select(
        pl.when(invisible & reason.is_null())
        .then(pl.lit("编码中有不可见字符（零宽空格、不换行空格等），已删除"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("w")
    ).to_series()
    return value, reason, warning


def text_reason(value: pl.Series, column: str) -> pl.Series:
    """Names never hold line breaks or control characters (a forged second line in a report, a DOCX Word
    cannot open); free text (evidence, note, source) may break lines but holds no control characters."""
    if column in FREE_TEXT:
        return pl.select(
            pl.when(value.str.contains(_CONTROL).fill_null(False))
            .then(pl.lit("文本中不能有控制字符"))
            .otherwise(None)
            .cast(pl.Utf8)
            .alias("r")
        ).to_series()
    return pl.select(
        pl.when(value.str.contains(_LINE_BREAK).fill_null(False))
        .then(pl.lit("名称中不能有换行"))
        .when(value.str.contains(_CONTROL).fill_null(False))
        .then(pl.lit("名称中不能有控制字符"))
        .otherwise(None)
        .cast(pl.Utf8)
        .alias("r")
    ).to_series()


def parse_text(raw: pl.Series) -> pl.Series:
    t = raw.str.strip_chars()
    return pl.select(pl.when(t == "").then(None).otherwise(t).alias("v")).to_series()


# ---------------------------------------------------------------------------
# table


def _issues_from(
    frame: pl.DataFrame, reason: pl.Series, raw: pl.Series, column: str, file: str, sheet: str | None
) -> list[Issue]:
    bad = reason.is_not_null()
    if not bad.any():
        return []
    rows = frame["_row_number"].filter(bad).to_list()
    values = raw.filter(bad).to_list()
    reasons = reason.filter(bad).to_list()
    return [Issue(file, sheet, r, column, v, why) for r, v, why in zip(rows, values, reasons)]


def _issues_where(
    frame: pl.DataFrame,
    mask: pl.Series,
    raw: pl.Series,
    column: str,
    reason: str,
    file: str,
    sheet: str | None,
) -> list[Issue]:
    """One issue, with the same reason, for every row where ``mask`` holds (its cell as written)."""
    mask = mask.fill_null(False)
    return [
        Issue(file, sheet, r, column, v, reason)
        for r, v in zip(frame["_row_number"].filter(mask).to_list(), raw.filter(mask).to_list())
    ]


def _beyond_header(raw: RawTable, width: int) -> list[Issue]:
    """Cells to the right of the last header cell: data without a column name is never dropped silently.

    In a CSV this is nearly always an amount written with a thousands separator and no quotes
    (121,000.00 read as two fields), which shifts every later field of the row one column right."""
    issues: list[Issue] = []
    columns_seen: set[int] = set()
    for r, cells in zip(raw.row_numbers, raw.rows):
        if len(cells) <= width:
            continue
        extra = [(pos, c) for pos, c in enumerate(cells[width:], start=width) if c.strip()]
        if not extra and not raw.is_csv:
            continue  # XLSX: formatting beyond the table
        if not extra:  # CSV: an empty field too many still means a comma too many (121,000.00 unquoted)
            extra = [(len(cells) - 1, "")]
        if raw.is_csv:
            issues.append(
                Issue(
                    raw.file,
                    None,
                    r,
                    None,
                    ",".join(cells[width : extra[-1][0] + 1]),
                    f'这一行有 {len(cells)} 个字段，表头只有 {width} 列：金额中的千分位逗号要加引号（如 "121,000.00"），多余的字段请删除',
                )
            )
        else:
            for pos, _ in extra:
                if pos not in columns_seen:
                    columns_seen.add(pos)
                    issues.append(
                        Issue(
                            raw.file, raw.sheet, raw.header_row, f"第 {pos + 1} 列", "", "有数据的列没有表头"
                        )
                    )
    return issues


def _short_rows(raw: RawTable, width: int) -> list[Issue]:
    """A CSV row with fewer fields than the header: padding it would shift every later value one column
    left (2,214,498.35 read as the balance): refused, like a row with too many."""
    if not raw.is_csv:
        return []
    return [
        Issue(
            raw.file,
            None,
            r,
            None,
            ",".join(cells)[:200],
            f"这一行只有 {len(cells)} 个字段，表头有 {width} 列：可能少了一个逗号，后面的数值会错位；请补齐（空值也要留出逗号）",
        )
        for r, cells in zip(raw.row_numbers, raw.rows)
        if len(cells) < width
    ]


def _row_units(
    frame: pl.DataFrame,
    hm: HeaderMap,
    raw_cols: dict[str, pl.Series],
    template: T.Template,
    file: str,
    sheet: str | None,
):
    """Per-row multiplier to yuan (1 or 10000) for one amount column, from the unit column or the header suffix."""
    issues: list[Issue] = []
    row_unit = None
    if template.has_unit and "unit" in hm.columns and template.column("unit").kind == T.ENUM:
        row_unit, why = parse_enum(raw_cols["unit"], template.column("unit"))
        issues += _issues_from(frame, why, raw_cols["unit"], "unit", file, sheet)
    return row_unit, issues


@dataclass
class PreparedTable:
    """A table after the steps that need its layout (header, banners, notes, ragged rows), waiting for its
    cells to be parsed together with the other tables of its template (``parse_prepared``)."""

    template: T.Template
    file: str
    sheet: str | None
    hm: HeaderMap
    issues: list[Issue]
    row_numbers: list[int]
    raw_cols: dict[str, list[str]]  # template column -> the cells as written, one per data row
    extra: list[str] | None  # the x_ columns of each row as JSON, or None when the table has none

    def signature(self) -> tuple:
        """Tables of one signature take the same branches of the cell rules, so they are parsed as one."""
        return (self.template.name, tuple(sorted(self.raw_cols)), tuple(sorted(self.hm.units.items())))


def prepare_table(raw: RawTable, template: T.Template) -> PreparedTable | ParsedTable:
    """The per-file steps of ``parse_table``: locate and map the header, note the exceptional cells, skip
    the notes below the table, refuse rows wider or narrower than the header. Returns a ParsedTable with
    no rows when the header already refuses the table (its cells are not read), else a PreparedTable."""
    issues = locate_header(raw, template)
    hm, more = map_header(raw, template)
    issues += more
    issues += raw.read_issues
    if hm is not None:
        issues += cell_note_issues(raw, {pos: name for name, pos in hm.columns.items()}, template)
    if hm is None or any(i.severity == "error" for i in issues):
        return ParsedTable(template, raw.file, raw.sheet, pl.DataFrame(), issues)
    issues += split_notes(raw)
    width = len(raw.header)
    issues += _beyond_header(raw, width)
    issues += _short_rows(raw, width)
    rows = raw.rows
    if set(map(len, rows)) - {width}:  # ragged: cut or pad each row to the header's width
        rows = [r[:width] + [""] * (width - len(r)) for r in rows]
    cols_data = list(zip(*rows)) if rows else [()] * width
    raw_cols = {name: list(cols_data[pos]) if rows else [] for name, pos in hm.columns.items()}
    extra = None
    if hm.extras:
        names = list(hm.extras)
        extra = [
            json.dumps(dict(zip(names, vals)), ensure_ascii=False)
            for vals in zip(*[list(cols_data[p]) if rows else [] for p in hm.extras.values()])
        ]
    return PreparedTable(template, raw.file, raw.sheet, hm, issues, list(raw.row_numbers), raw_cols, extra)


def parse_table(raw: RawTable, template: T.Template) -> ParsedTable:
    """One CSV file or XLSX sheet -> typed rows (``ParsedTable.frame``) and located issues."""
    prepared = prepare_table(raw, template)
    if isinstance(prepared, ParsedTable):
        return prepared
    result = parse_prepared([prepared])[0]
    if isinstance(result, Exception):
        raise result
    return result


def parse_prepared(tables: list[PreparedTable]) -> list[ParsedTable | Exception]:
    """Parse the cells of many prepared tables, one pass per template and header signature.

    The per-table cost of Polars (~0.1 ms per expression, a few hundred expressions per table) is paid
    once per batch instead of once per file. Every issue keeps its own file, sheet and row, and each table
    gets the frame and issues, in the same order, that parsing it alone gives. Returns one entry per table,
    in order: its ParsedTable, or the exception parsing it alone raised (a defect of ours: the caller
    refuses that table only)."""
    out: list[ParsedTable | Exception | None] = [None] * len(tables)
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tables):
        groups.setdefault(t.signature(), []).append(i)
    for idx in groups.values():
        try:
            parsed: list[ParsedTable | Exception] = list(_parse_batch([tables[i] for i in idx]))
        except Exception as e:
            if len(idx) == 1:
                parsed = [e]
            else:  # one table broke the batch: parse each alone, so only that table is refused
                parsed = []
                for i in idx:
                    try:
                        parsed += _parse_batch([tables[i]])
                    except Exception as e1:  # handed to the caller, which refuses that table
                        parsed.append(e1)
        for i, p in zip(idx, parsed):
            out[i] = p
    return out  # type: ignore[return-value]


def _parse_batch(tables: list[PreparedTable]) -> list[ParsedTable]:
    """The cell rules over the rows of ``tables`` (one signature) stacked into one frame.

    Inside, ``_row_number`` is the row's position in the stack (0…N-1: increasing within a table like the
    real row numbers, so "the first row" and "the row above" mean the same) and ``_t`` its table; issues
    are made with no file or sheet and relocated afterwards."""
    first = tables[0]
    template, hm = first.template, first.hm
    file, sheet = None, None
    counts = [len(t.row_numbers) for t in tables]
    n_rows = sum(counts)
    table_of = pl.Series("_t", [i for i, c in enumerate(counts) for _ in range(c)], dtype=pl.Int32)
    real_rows = pl.Series("_real", [r for t in tables for r in t.row_numbers], dtype=pl.Int32)
    base = pl.DataFrame({"_row_number": pl.Series(range(n_rows), dtype=pl.Int32), "_t": table_of})
    raw_cols: dict[str, pl.Series] = {
        name: pl.Series(name, [v for t in tables for v in t.raw_cols[name]], dtype=pl.Utf8)
        for name in first.raw_cols
    }
    out: dict[str, pl.Series] = {}
    units_seen: set[str] = set()  # the header's units: the same for every table of the signature
    row_units: list[pl.Series] = []  # units named row by row (unit column, cells): per table below
    issues: list[Issue] = []

    row_unit, more = _row_units(base, hm, raw_cols, template, file, sheet)
    issues += more

    # header suffix vs unit column
    for name, unit in hm.units.items():
        if unit in ("元", "万元"):
            units_seen.add(unit)
            if row_unit is not None:
                clash = row_unit.is_not_null() & (row_unit != unit)
                if clash.any():
                    for r, written in zip(
                        base["_row_number"].filter(clash).to_list(), raw_cols["unit"].filter(clash).to_list()
                    ):
                        issues.append(
                            Issue(
                                file,
                                sheet,
                                r,
                                "unit",
                                written,
                                f"单位列与表头“{name}({unit})”标注的单位不一致",
                            )
                        )
    if row_unit is not None:
        row_units.append(row_unit)
    for col in template.columns:
        if col.name not in raw_cols:
            out[col.name] = pl.Series(col.name, [None] * len(base), dtype=_dtype(col))
            continue
        s = raw_cols[col.name]
        warning = None
        if col.name == "unit" and row_unit is not None:
            value, reason = row_unit, None  # parsed and reported by _row_units
        elif col.kind in (T.TEXT,):
            value = parse_text(s)
            reason = text_reason(value, col.name)
        elif col.kind == T.CODE:
            value, reason, warning = parse_code(s)
        elif col.kind == T.YEAR:
            value, reason = parse_year(s)
        elif col.kind == T.INT:
            value, reason = parse_int(s)
        elif col.kind == T.BOOL:
            value, reason = parse_bool(s)
        elif col.kind == T.ENUM:
            if template.name == "budget_ledger" and col.name in ("category", "expense_type"):
                value, reason = s, None  # resolved below with the subtotal rule
            elif template.name == "three_public" and col.name == "item":
                value, reason = s, None  # resolved below: numbering, 其中, the vehicle group
            elif template.name == "performance_targets" and col.name == "direction":
                value, reason = s, None  # resolved below with the printed target
            else:
                value, reason = parse_enum(s, col)
        elif col.kind == T.AMOUNT:
            value, reason = _amount(s, hm.units.get(col.name), row_unit)
            row_units.append(s.str.strip_chars().str.extract(r"(万元|元)$"))
        elif col.kind == T.SCORE:
            v, reason, _ = parse_decimal(s, 2, allow_percent=False)
            too_big = (v.abs() >= MAX_SCORE).fill_null(False)
            reason = pl.select(
                pl.when(too_big & reason.is_null())
                .then(pl.lit(f"分值超出范围（最大 {MAX_SCORE:,}）"))
                .otherwise(reason)
                .alias("r")
            ).to_series()
            value = (
                pl.select(pl.when(too_big).then(None).otherwise(v).alias("v"))
                .to_series()
                .cast(pl.Decimal(9, 2))
            )
        elif col.kind in (T.NUMBER, T.MEASURE, T.VALUE):
            value, reason = s, None  # resolved below, they depend on other columns
        else:  # pragma: no cover - a template with an unknown kind is a programming error
            raise ValueError(col.kind)
        if reason is not None:
            issues += _issues_from(base, reason, s, col.name, file, sheet)
        if warning is not None:
            issues += [
                Issue(i.file, i.sheet, i.row, i.column, i.value, i.reason, "warning")
                for i in _issues_from(base, warning, s, col.name, file, sheet)
            ]
        deferred = (
            (template.name == "budget_ledger" and col.name in ("category", "expense_type"))
            or (template.name == "performance_targets" and col.name == "direction")
            or (template.name == "three_public" and col.name == "item")
        )
        # blank means unknown (spec "Amounts"): only keys must be filled; an unknown amount or count is NULL
        unknown_allowed = col.kind in (T.AMOUNT, T.INT) and col.name not in template.key
        if (
            not col.nullable
            and not deferred
            and not unknown_allowed
            and col.kind not in (T.MEASURE, T.VALUE, T.NUMBER)
        ):
            empty = value.is_null() & (reason.is_null() if reason is not None else True)
            if empty.any():
                issues += [
                    Issue(file, sheet, r, col.name, "", "不能为空")
                    for r in base["_row_number"].filter(empty).to_list()
                ]
        if col.nonnegative and col.kind in (T.AMOUNT, T.INT, T.SCORE):
            neg = (value < 0).fill_null(False)
            if neg.any():
                issues += [
                    Issue(file, sheet, r, col.name, str(v), "不能为负数")
                    for r, v in zip(base["_row_number"].filter(neg).to_list(), s.filter(neg).to_list())
                ]
        out[col.name] = value.alias(col.name)

    frame = pl.DataFrame(out).with_columns(base["_row_number"], base["_t"])
    frame, more = _template_rules(frame, template, raw_cols, hm, file, sheet)
    issues += more
    extra = [v for t in tables for v in (t.extra if t.extra is not None else [None] * len(t.row_numbers))]
    files = pl.Series([t.file for t in tables], dtype=pl.Utf8)
    sheets = pl.Series([t.sheet for t in tables], dtype=pl.Utf8)
    frame = frame.with_columns(
        pl.Series("_extra", extra, dtype=pl.Utf8).gather(frame["_row_number"]),
        files.gather(frame["_t"]).alias("_file"),
        sheets.gather(frame["_t"]).alias("_sheet"),
    )
    real = real_rows.to_list()
    issues += _duplicates(frame, template, file, sheet, real)
    frame = frame.with_columns(real_rows.gather(frame["_row_number"]).alias("_row_number"))
    if "breakdown_parent_row" in frame.columns:
        frame = frame.with_columns(
            pl.lit(real_rows).gather(pl.col("breakdown_parent_row")).alias("breakdown_parent_row")
        )

    # each table's issues, in the order of the rules (each rule's issues are in row order already)
    per_table: list[list[Issue]] = [list(t.issues) for t in tables]
    t_of = table_of.to_list()
    for i in issues:
        if i.row is None:
            if len(tables) > 1:
                raise ValueError(f"an issue without a row cannot be placed in a batch: {i.reason}")
            per_table[0].append(Issue(first.file, first.sheet, None, i.column, i.value, i.reason, i.severity))
            continue
        t = tables[t_of[i.row]]
        per_table[t_of[i.row]].append(
            Issue(t.file, t.sheet, real[i.row], i.column, i.value, i.reason, i.severity)
        )

    units_by_table: list[set[str]] = [set(units_seen) for _ in tables]
    if row_units:
        named = (
            pl.DataFrame({"_t": pl.concat([table_of] * len(row_units)), "u": pl.concat(row_units)})
            .filter(pl.col("u").is_in(["元", "万元"]))
            .unique()
        )
        for t, u in named.iter_rows():
            units_by_table[t].add(u)
    parts = frame.partition_by("_t", maintain_order=True, include_key=False, as_dict=True)
    empty = frame.clear().drop("_t")
    return [
        ParsedTable(template, t.file, t.sheet, parts.get((k,), empty), per_table[k], units_by_table[k])
        for k, t in enumerate(tables)
    ]


def _dtype(col: T.Column) -> pl.DataType:
    return {
        T.YEAR: pl.Int32,
        T.INT: pl.Int64,
        T.AMOUNT: AMOUNT_DTYPE,
        T.SCORE: pl.Decimal(9, 2),
        T.BOOL: pl.Boolean,
    }.get(col.kind, pl.Utf8)


def _amount(s: pl.Series, header_unit: str | None, row_unit: pl.Series | None) -> tuple[pl.Series, pl.Series]:
    # a unit the cell itself shows (286.50万元, from a number format or typed): that cell's unit
    t = s.str.strip_chars()
    cell_unit = t.str.extract(r"(万元|元)$")
    number = t.str.replace(r"(万元|元)$", "")
    value, reason, _ = parse_decimal(number, 6, allow_percent=False)
    unit_alone = (cell_unit.is_not_null() & (number.str.strip_chars() == "")).fill_null(
        False
    )  # 元 with no number
    reason = pl.select(
        pl.when(unit_alone).then(pl.lit("数值格式无法识别")).otherwise(reason).alias("r")
    ).to_series()
    stated = header_unit if header_unit in ("元", "万元") else None
    if stated is not None or row_unit is not None:
        other = pl.Series([stated] * len(s), dtype=pl.Utf8) if stated is not None else row_unit
        clash = (cell_unit.is_not_null() & other.is_not_null() & (cell_unit != other)).fill_null(False)
        reason = pl.select(
            pl.when(clash & reason.is_null())
            .then(pl.lit("单元格显示的单位与表头或单位列的单位不一致"))
            .otherwise(reason)
            .alias("r")
        ).to_series()
    if header_unit is None and row_unit is None:
        row_unit = cell_unit
    elif row_unit is not None:
        row_unit = pl.select(
            pl.when(cell_unit.is_not_null()).then(cell_unit).otherwise(row_unit).alias("u")
        ).to_series()
    if header_unit == "万元":
        wan = pl.Series([True] * len(s), dtype=pl.Boolean)
    elif header_unit == "元":
        wan = pl.Series([False] * len(s), dtype=pl.Boolean)
    elif row_unit is not None:
        wan = (row_unit == "万元").fill_null(False)
    else:
        wan = pl.Series([False] * len(s), dtype=pl.Boolean)
    yuan = pl.select(pl.when(wan).then(value * 10000).otherwise(value).alias("v")).to_series()
    not_cents = (yuan.round(2) != yuan).fill_null(False)
    too_big = (yuan.abs() >= MAX_AMOUNT).fill_null(False)
    reason = pl.select(
        pl.when(reason.is_not_null())
        .then(
            reason.str.replace("数值格式无法识别", "金额格式无法识别").str.replace(
                "这一列不是比率列，不能带 %", "金额列不能带 %"
            )
        )
        .when(not_cents)
        .then(pl.lit("金额精确到分（元的两位小数；万元的六位小数）"))
        .when(too_big)
        .then(pl.lit("金额超出合理范围（单项不超过 10 万亿元）：请核对单位是元还是万元"))
        .otherwise(None)
        .alias("r")
    ).to_series()
    value = (
        pl.select(pl.when(reason.is_null()).then(yuan).otherwise(None).alias("v"))
        .to_series()
        .cast(AMOUNT_DTYPE)
    )
    return value, reason


# ---------------------------------------------------------------------------
# template-specific rules


def _template_rules(frame: pl.DataFrame, template: T.Template, raw_cols, hm: HeaderMap, file, sheet):
    issues: list[Issue] = []
    name = template.name
    if name == "budget_ledger":
        frame, issues = _ledger_rules(frame, raw_cols, file, sheet)
    elif name == "three_public":
        frame, issues = _three_public_rules(frame, raw_cols, file, sheet)
    elif name == "staffing":
        frame = frame.with_columns(
            _label(frame["staff_type"]).is_in(list(SUBTOTAL_LABELS)).fill_null(False).alias("is_total")
        )
    elif name == "monthly_execution":
        bad = ~pl.col("month").is_between(1, 12)
        for r, m in frame.filter(bad.fill_null(False)).select("_row_number", "month").iter_rows():
            issues.append(Issue(file, sheet, r, "month", str(m), "月份应在 1 到 12 之间"))
    elif name == "facts":
        frame, issues = _facts_rules(frame, raw_cols, hm, file, sheet)
    elif name == "performance_targets":
        frame, issues = _targets_rules(frame, raw_cols, hm, file, sheet)
    elif name == "reported_results":
        frame, issues = _reported_rules(frame, raw_cols, hm, file, sheet)
    elif name == "evaluation":
        frame, issues = _evaluation_rules(frame, raw_cols, file, sheet)
    return frame, issues


SUBTOTAL_LABELS = ("合计", "小计", "总计", "总额", "年度资金总额", "合计数")
_SCOPED_TOTAL = re.compile(
    "^(" + "|".join(T.EXPENSE_TYPES + T.CATEGORIES + ("人员类", "公用类")) + ")(合计|小计|总计)$"
)
LEDGER_LABELS = ("category", "econ_class", "project_name", "fund_source")


def _label(s: pl.Series) -> pl.Series:
    """A label cell as the subtotal rule reads it: NFKC, no spaces at all (U+3000 too), no trailing colon."""
    return _norm_text(s.cast(pl.Utf8)).str.replace_all(r"\s", "").str.replace(r"[:：]+$", "")


def _is_total(label: pl.Series) -> pl.Series:
    """The whole label is a total: 合计, 小计, …, or 基本支出合计 / 人员经费小计."""
    return (label.is_in(list(SUBTOTAL_LABELS)) | label.str.contains(_SCOPED_TOTAL.pattern)).fill_null(False)


def _unless_total(label: pl.Series) -> pl.Series:
    """The label, or NULL where the label is the total's own word (the row names no category by it)."""
    return pl.select(pl.when(_is_total(label)).then(None).otherwise(label).alias("l")).to_series()


def _ledger_rules(frame: pl.DataFrame, raw_cols, file, sheet):
    """Subtotals, breakdowns and scopes of a ledger (spec "Subtotals", "Department totals without lines").

    A row is a reported subtotal when a label cell (category, econ_class, project_name, fund_source) *is*
    one of SUBTOTAL_LABELS, or an expense type / category followed by 合计/小计/总计 (基本支出合计) — the
    whole cell, never a substring (综合计划管理经费 is a line). Its scope is its own expense type,
    category and project_code. ``其中：…`` rows are breakdowns of the row above: kept, never added.
    """
    issues: list[Issue] = []
    n = frame.height
    empty = pl.Series([None] * n, dtype=pl.Utf8)
    labels = {c: _label(raw_cols[c]) if c in raw_cols else empty for c in LEDGER_LABELS}
    et_label = _label(raw_cols["expense_type"])
    breakdown = pl.Series([False] * n, dtype=pl.Boolean)
    for lab in labels.values():
        breakdown = breakdown | lab.str.starts_with("其中").fill_null(False)
    breakdown = breakdown | et_label.str.starts_with("其中").fill_null(False)
    # the rows a printed form indents under a 其中 row (　　上年结转资金, 　　其他资金) continue its list
    # — indented deeper than the 其中 row itself: an export that indents every line equally continues nothing
    indent = pl.Series([0] * n, dtype=pl.Int64)
    for c in LEDGER_LABELS:
        if c in raw_cols:
            lead = raw_cols[c].str.extract(r"^([ \u3000]*)\S").fill_null("")
            width = lead.str.count_matches(" ") + 2 * lead.str.count_matches("\u3000")
            indent = pl.select(pl.max_horizontal(indent, width.cast(pl.Int64)).alias("i")).to_series()
    if (indent > 0).any() and breakdown.any():
        flags: list[bool] = []
        level = None  # the indentation of the 其中 row whose list is open
        previous = False  # the row above, in the same table, continues a 其中 list
        table = None
        for b, ind, t in zip(breakdown.to_list(), indent.to_list(), frame["_t"].to_list()):
            if t != table:  # a table's first row continues nothing
                table, previous, level = t, False, None
            if b:
                if not previous:  # a 其中 row opens a list at its own indentation
                    level = ind
                flags.append(True)
            elif level is not None and previous and ind > level:
                flags.append(True)
            else:
                level = None
                flags.append(False)
            previous = flags[-1]
        breakdown = pl.Series(flags, dtype=pl.Boolean)
    labels = {c: lab.str.replace(r"^其中[:：]?", "") for c, lab in labels.items()}
    et_label = et_label.str.replace(r"^其中[:：]?", "")

    is_sub = pl.Series([False] * n, dtype=pl.Boolean)
    sub_label = empty
    scoped_type = empty  # 基本支出合计 → 基本支出
    scoped_cat = empty  # 人员经费小计 → 人员经费
    for lab in [et_label, *labels.values()]:
        scoped = lab.str.contains(_SCOPED_TOTAL.pattern).fill_null(False)
        hit = _is_total(lab)
        sub_label = pl.select(
            pl.when(hit & sub_label.is_null()).then(lab).otherwise(sub_label).alias("l")
        ).to_series()
        word = lab.str.extract(_SCOPED_TOTAL.pattern, 1)
        scoped_type = pl.select(
            pl.when(scoped & word.is_in(list(T.EXPENSE_TYPES)) & scoped_type.is_null())
            .then(word)
            .otherwise(scoped_type)
            .alias("t")
        ).to_series()
        scoped_cat = pl.select(
            pl.when(scoped & ~word.is_in(list(T.EXPENSE_TYPES)) & scoped_cat.is_null())
            .then(word)
            .otherwise(scoped_cat)
            .alias("c")
        ).to_series()
        is_sub = is_sub | hit
    is_sub = is_sub & ~breakdown

    cat_col = T.TEMPLATES["budget_ledger"].column("category")
    et_col = T.TEMPLATES["budget_ledger"].column("expense_type")
    # the category a row names: its category cell, unless that cell is the subtotal label itself
    cat_text = _unless_total(labels["category"])
    cat_text = pl.select(
        pl.when(cat_text.is_null()).then(scoped_cat).otherwise(cat_text).alias("c")
    ).to_series()
    cat_value, cat_reason = parse_enum(cat_text, cat_col)
    cat_empty = cat_text.is_null() | (cat_text == "")
    et_text = _unless_total(et_label)
    et_text = pl.select(
        pl.when(et_text.is_null() | (et_text == "")).then(scoped_type).otherwise(et_text).alias("e")
    ).to_series()
    et_value, et_reason = parse_enum(et_text, et_col)
    et_empty = et_text.is_null() | (et_text == "")
    line = ~is_sub & ~breakdown
    # a line needs its expense type and category; a subtotal's empty one means "all of them"; a
    # breakdown (其中) is never added, so a label it does not name in the enum is kept as written only
    cat_reason = pl.select(
        pl.when(breakdown)
        .then(None)
        .when(cat_reason.is_not_null())
        .then(cat_reason)
        .when(cat_empty & line)
        .then(pl.lit("不能为空"))
        .otherwise(None)
        .alias("r")
    ).to_series()
    et_reason = pl.select(
        pl.when(breakdown)
        .then(None)
        .when(et_reason.is_not_null())
        .then(et_reason)
        .when(et_empty & line)
        .then(pl.lit("不能为空"))
        .otherwise(None)
        .alias("r")
    ).to_series()
    issues += _issues_from(frame, cat_reason, raw_cols["category"], "category", file, sheet)
    issues += _issues_from(frame, et_reason, raw_cols["expense_type"], "expense_type", file, sheet)

    # the row a breakdown belongs to: the nearest row above it that is not a breakdown
    rows = frame["_row_number"]
    parent = (
        pl.DataFrame(
            {
                "p": pl.select(pl.when(~breakdown).then(rows).otherwise(None).alias("p")).to_series(),
                "_t": frame["_t"],
            }
        )
        .select(pl.col("p").forward_fill().over("_t"))
        .to_series()
    )
    parent = pl.select(pl.when(breakdown).then(parent).otherwise(None).alias("p")).to_series()
    orphan = breakdown & parent.is_null()
    for r in rows.filter(orphan).to_list():
        issues.append(Issue(file, sheet, r, None, None, "“其中”行上方没有它所属的行"))
    frame = frame.with_columns(
        et_value.alias("expense_type"),
        cat_value.alias("category"),
        is_sub.alias("is_subtotal"),
        pl.select(pl.when(is_sub).then(sub_label).otherwise(None).alias("l"))
        .to_series()
        .alias("subtotal_label"),
        breakdown.alias("is_breakdown"),
        parent.cast(pl.Int32).alias("breakdown_parent_row"),
    )
    # adjusted budget: as reported, else original + adjustment (adjustment empty = 0); an unknown
    # original leaves it unknown (spec: derivations stay NULL when an input is NULL)
    frame = frame.with_columns(
        (pl.col("adjusted_budget").is_null() & pl.col("original_budget").is_not_null()).alias(
            "adjusted_budget_derived"
        ),
        pl.coalesce(
            pl.col("adjusted_budget"),
            (pl.col("original_budget") + pl.col("adjustment").fill_null(0)).cast(AMOUNT_DTYPE),
        ).alias("adjusted_budget"),
    )
    neg = (frame["adjusted_budget"] < 0).fill_null(False) & frame["adjusted_budget_derived"]
    for r in frame.filter(neg)["_row_number"].to_list():
        issues.append(Issue(file, sheet, r, "adjusted_budget", None, "原始指标金额加调整金额为负数"))
    return frame.drop("unit"), issues


# 1. / 1、 / (1) / 一、 / (一) / ① — NFKC has already turned ① into 1, so a bare number before the name counts
_THREE_PUBLIC_NUMBERING = (
    r"^(\(?[0-9]+\)|[0-9]+[.、]?|\(?[一二三四五六七八九十]+\)|[一二三四五六七八九十]+[、.]|[①②③④⑤⑥⑦⑧⑨⑩])"
)
THREE_PUBLIC_ALIASES = {
    "因公出国(境)费": "因公出国(境)费",
    "因公出国费": "因公出国(境)费",
    "因公出国(境)费用": "因公出国(境)费",
    "因公出国(境)经费": "因公出国(境)费",
    "公务用车购置费": "公务用车购置费",
    "公务用车运行维护费": "公务用车运行维护费",
    "公务用车运行费": "公务用车运行维护费",
    "公务用车购置及运行费": T.VEHICLE_GROUP,
    "公务用车购置及运行维护费": T.VEHICLE_GROUP,
    "小计": T.VEHICLE_GROUP,  # the one group of a 三公 table: its vehicles
    "公务接待费": "公务接待费",
    "合计": "合计",
    "总计": "合计",
    "三公经费": "合计",
    "三公经费合计": "合计",
    "三公经费支出": "合计",
}


def _three_public_rules(frame: pl.DataFrame, raw_cols, file, sheet):
    """Printed 三公 tables (spec "Printed 三公 tables"): numbering and 其中 are not part of an item;
    公务用车运行费 is 公务用车运行维护费; 公务用车购置及运行费 (or its 小计) is the vehicle group."""
    issues: list[Issue] = []
    lab = _label(raw_cols["item"]).str.replace(r"^其中[:：]?", "")
    for _ in range(2):  # 1.（1）公务用车购置费
        lab = lab.str.replace(_THREE_PUBLIC_NUMBERING, "").str.replace(r"^其中[:：]?", "")
    lab = lab.str.replace_all(r"[“”\"]", "")
    item = lab.replace_strict(THREE_PUBLIC_ALIASES, default=None, return_dtype=pl.Utf8)
    bad = item.is_null() & lab.is_not_null() & (lab != "")
    issues += _issues_where(
        frame,
        bad,
        raw_cols["item"],
        "item",
        "取值无效，应为：" + "、".join((*T.THREE_PUBLIC_ITEMS, T.VEHICLE_GROUP, "合计")),
        file,
        sheet,
    )
    for r in frame["_row_number"].filter(item.is_null() & ~bad).to_list():
        issues.append(Issue(file, sheet, r, "item", "", "不能为空"))
    frame = frame.with_columns(item.alias("item"), (item == "合计").fill_null(False).alias("is_subtotal"))
    # a printed group heading (公务用车购置及运行费, no figures) above its 小计: the heading is not a row
    group = (pl.col("item") == T.VEHICLE_GROUP) & pl.col("budget").is_null() & pl.col("actual").is_null()
    groups = frame.filter(pl.col("item") == T.VEHICLE_GROUP).group_by("_t", "dept_code", "fiscal_year").len()
    if groups.height and (groups["len"] > 1).any():
        frame = (
            frame.join(groups.rename({"len": "_groups"}), on=["_t", "dept_code", "fiscal_year"], how="left")
            .filter(~(group & (pl.col("_groups") > 1)).fill_null(False))
            .drop("_groups")
        )
    return frame, issues


def _facts_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    issues: list[Issue] = []
    value, reason, _ = parse_decimal(raw_cols["value"], 6, allow_percent=False)
    issues += _issues_from(frame, reason, raw_cols["value"], "value", file, sheet)
    unit = _norm_text(frame["unit"].fill_null("")).str.replace_all(r"\s", "")
    is_amount = frame["fact_code"].is_in(list(T.AMOUNT_FACTS))
    header_unit = hm.units.get("value")
    if header_unit in ("元", "万元"):
        # 数值(万元): the amount facts are in 万元 unless their unit cell says so too (or contradicts it)
        clash = (is_amount & (unit != "") & (unit != header_unit)).fill_null(False)
        for r, written in zip(
            frame["_row_number"].filter(clash).to_list(), frame["unit"].filter(clash).to_list()
        ):
            issues.append(
                Issue(file, sheet, r, "unit", written, f"单位列与表头“value({header_unit})”标注的单位不一致")
            )
        unit = pl.select(
            pl.when(is_amount & (unit == "")).then(pl.lit(header_unit)).otherwise(unit).alias("u")
        ).to_series()
    wan = is_amount & (unit == "万元")
    yuan = pl.select(pl.when(wan).then(value * 10000).otherwise(value).alias("v")).to_series()
    checks = [
        ((yuan < 0).fill_null(False), "value", "不能为负数"),
        (
            (is_amount & (yuan.abs() >= MAX_AMOUNT)).fill_null(False),
            "value",
            "金额超出合理范围（单项不超过 10 万亿元）：请核对单位是元还是万元",
        ),
        (
            (~is_amount & (yuan.abs() > MAX_INT)).fill_null(False),
            "value",
            f"数值超出范围（最大 {MAX_INT:,}）",
        ),
        ((is_amount & (yuan.round(2) != yuan)).fill_null(False), "value", "金额精确到分"),
        ((~is_amount & (yuan.round(0) != yuan)).fill_null(False), "value", "个数应为整数"),
        (
            (is_amount & ~unit.is_in(["", "元", "万元"])).fill_null(False),
            "unit",
            "金额类数据的单位应为 元 或 万元",
        ),
    ]
    for mask, column, why in checks:
        issues += _issues_where(frame, mask, raw_cols["value"], column, why, file, sheet)
    frame = frame.with_columns(
        yuan.cast(AMOUNT_DTYPE, strict=False).alias("value"),
        pl.when(is_amount)
        .then(pl.lit("元"))
        .otherwise(pl.when(unit == "").then(None).otherwise(unit))
        .alias("unit"),
    )
    return frame, issues


_WORDED = {
    "≥": ("不少于", "不低于", "大于等于", "大于或等于", "至少", "达到", "≥"),
    "≤": ("不多于", "不高于", "不超过", "小于等于", "小于或等于", "控制在", "≤"),
    "=": ("等于",),
    # strictly greater / less: no direction of the template says that, and reading it as ≥/≤ would change
    # whether a value equal to the target is met — refused with the reason
    "strict": ("大于", "高于", "超过", "小于", "低于", "少于"),
}
_PRINTED_TARGET = (
    r"^(≥|≤|=|>=|<=|>|<|"
    + "|".join(sorted((w for ws in _WORDED.values() for w in ws if len(w) > 1), key=len, reverse=True))
    + r")?([-+]?[0-9][0-9,]*(?:\.[0-9]+)?)(.*)$"
)
_OPERATORS = {
    "≥": "≥",
    ">=": "≥",
    ">": "strict",
    "≤": "≤",
    "<=": "≤",
    "<": "strict",
    "=": "=",
    **{w: op for op, ws in _WORDED.items() for w in ws},
}
# spec "Targets as printed": the words a self-evaluation form uses for a qualitative target
MET_WORDS = ("达成预期指标", "已达成", "达成", "完成", "已完成", "是", "达到", "好", "已达到", "达标", "合格")
NOT_MET_WORDS = ("未达成", "未完成", "否", "部分达成", "未达到", "未达标", "不合格")


def _printed(s: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series, pl.Series]:
    """``≥50个`` -> (operator ≥, number 50, unit 个, text as normalised). NFKC first: ﹦ is =, ＞＝ is >=."""
    text = _norm_text(s).str.replace_all(r"\s", "")
    text = pl.select(pl.when(text == "").then(None).otherwise(text).alias("t")).to_series()
    op = text.str.extract(_PRINTED_TARGET, 1).replace_strict(_OPERATORS, default=None, return_dtype=pl.Utf8)
    digits = text.str.extract(_PRINTED_TARGET, 2)
    unit = text.str.extract(_PRINTED_TARGET, 3).str.replace(r"(及以上|及以下|以内|以上|以下)$", "")
    unit = pl.select(pl.when(unit == "").then(None).otherwise(unit).alias("u")).to_series()
    number, reason, _ = parse_decimal(digits, 6)
    number = pl.select(pl.when(reason.is_null()).then(number).otherwise(None).alias("n")).to_series()
    return op, number, unit, text


def _targets_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    """Targets as printed (spec "Targets as printed"): operator, number and unit are read from
    ``≥50个``/``≤90万元``/``≥100%`` and must agree with direction and unit when those are filled;
    a numeric direction needs a number; a qualitative completion is one of MET_WORDS / NOT_MET_WORDS (or
    the target's own wording), anything else is refused — never silently "not met"."""
    issues: list[Issue] = []
    n = frame.height
    blank = pl.Series([None] * n, dtype=pl.Utf8)
    t_raw = raw_cols.get("target_value", blank)
    a_raw = raw_cols.get("actual_value", blank)
    t_op, t_num, t_unit, t_text = _printed(t_raw)
    a_op, a_num, a_unit, a_text = _printed(a_raw)
    d_raw = raw_cols.get("direction", blank)
    direction, d_reason = parse_enum(d_raw, T.TEMPLATES["performance_targets"].column("direction"))
    issues += _issues_from(frame, d_reason, d_raw, "direction", file, sheet)
    strict = (t_op == "strict").fill_null(False)
    t_op = pl.select(pl.when(strict).then(None).otherwise(t_op).alias("o")).to_series()
    direction = pl.select(pl.when(direction.is_null()).then(t_op).otherwise(direction).alias("d")).to_series()
    unit_given = frame["unit"].str.normalize("NFKC").str.replace_all(r"\s", "")
    rows = frame["_row_number"]
    numeric = direction.is_in(["≥", "≤", "="]).fill_null(False)
    checks = [
        (
            strict,
            "target_value",
            t_raw,
            "年度指标值写成了“大于/小于”：方向只能是 ≥、≤、= 或 定性，请改写为 ≥ 或 ≤ 并核对目标值",
        ),
        (
            direction.is_null() & d_reason.is_null() & ~strict,
            "direction",
            d_raw,
            "不能为空：请填写方向（≥、≤、=、定性），或在年度指标值中写明（如 ≥50个）",
        ),
        (t_text.is_null(), "target_value", t_raw, "不能为空"),
        (
            numeric & t_text.is_not_null() & t_num.is_null(),
            "target_value",
            t_raw,
            "方向是数值比较，年度指标值却没有数字",
        ),
        (
            t_op.is_not_null() & (d_raw.str.strip_chars() != "").fill_null(False) & (t_op != direction),
            "target_value",
            t_raw,
            "年度指标值中的符号与“方向”列不一致",
        ),
        (
            numeric
            & t_unit.is_not_null()
            & unit_given.is_not_null()
            & (unit_given != "")
            & (t_unit != unit_given),
            "target_value",
            t_raw,
            "年度指标值中的单位与“计量单位”列不一致",
        ),
        (
            numeric & a_text.is_not_null() & (a_num.is_null() | a_op.is_not_null()),
            "actual_value",
            a_raw,
            "方向是数值比较，实际完成值应为数字（可带单位，如 52个）",
        ),
        (
            numeric & a_unit.is_not_null() & t_unit.is_not_null() & (a_unit != t_unit),
            "actual_value",
            a_raw,
            "实际完成值的单位与年度指标值的单位不一致",
        ),
    ]
    qualitative = (direction == "定性").fill_null(False)
    met = pl.select(
        pl.when(~qualitative | a_text.is_null())
        .then(None)
        .when(a_text.is_in(list(MET_WORDS)) | (a_text == t_text))
        .then(True)
        .when(a_text.is_in(list(NOT_MET_WORDS)))
        .then(False)
        .otherwise(None)
        .alias("m")
    ).to_series()
    checks.append(
        (
            qualitative & a_text.is_not_null() & met.is_null(),
            "actual_value",
            a_raw,
            "定性指标的完成值无法判断是否达成：请填写 "
            + "、".join(MET_WORDS[:5])
            + " 或 "
            + "、".join(NOT_MET_WORDS[:4]),
        )
    )
    for mask, column, raw, why in checks:
        issues += _issues_where(frame, mask, raw, column, why, file, sheet)
    unit = pl.select(
        pl.when(unit_given.is_null() | (unit_given == "")).then(t_unit).otherwise(frame["unit"]).alias("u")
    ).to_series()
    frame = frame.with_columns(
        direction.alias("direction"),
        parse_text(t_raw).alias("target_value"),
        parse_text(a_raw).alias("actual_value"),
        pl.select(pl.when(numeric).then(t_num).otherwise(None).alias("t")).to_series().alias("target_number"),
        pl.select(pl.when(numeric).then(a_num).otherwise(None).alias("a")).to_series().alias("actual_number"),
        unit.alias("unit"),
        met.alias("actual_met"),
    )
    for name in ("target_number", "actual_number"):
        big = (frame[name].abs() >= MAX_NUMBER).fill_null(False)
        for r, v in zip(rows.filter(big).to_list(), frame[name].filter(big).to_list()):
            issues.append(Issue(file, sheet, r, name.replace("_number", "_value"), str(v), "数值超出范围"))
    return frame, issues


def _reported_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    """reported_value: a rate in percentage points (99.08 or 99.08%) or an amount (unit 元/万元)."""
    issues: list[Issue] = []
    s = raw_cols["reported_value"]
    value, reason, decimals = parse_decimal(s, 6)
    issues += _issues_from(frame, reason, s, "reported_value", file, sheet)
    item = frame["item"]
    is_amount = item.is_in(list(T.LEDGER_ITEMS)) | (
        frame["project_code"].is_not_null() & item.is_in(["调整后预算", "支出合计"])
    )
    header_unit = hm.units.get("reported_value")
    row_unit = frame["unit"] if "unit" in frame.columns else pl.Series([None] * len(frame), dtype=pl.Utf8)
    unit = pl.select(
        pl.when(is_amount)
        .then(
            pl.coalesce(
                row_unit.replace("%", None), pl.lit(header_unit if header_unit in ("元", "万元") else "元")
            )
        )
        .otherwise(pl.lit("%"))
        .alias("u")
    ).to_series()
    yuan = pl.select(pl.when(unit == "万元").then(value * 10000).otherwise(value).alias("v")).to_series()
    big = (yuan.abs() >= MAX_NUMBER).fill_null(False)
    issues += _issues_where(frame, big, s, "reported_value", "数值超出范围", file, sheet)
    percent_amount = is_amount & _norm(s).str.ends_with("%")  # 年初预算 = 3,395,742%
    issues += _issues_where(
        frame, percent_amount, s, "reported_value", "金额项目的报告值不能带 %", file, sheet
    )
    yuan = pl.select(pl.when(big).then(None).otherwise(yuan).alias("v")).to_series()
    wrong = (is_amount & (row_unit == "%")).fill_null(False) | (
        ~is_amount & row_unit.is_in(["元", "万元"])
    ).fill_null(False)
    for r, it in zip(frame["_row_number"].filter(wrong).to_list(), item.filter(wrong).to_list()):
        issues.append(
            Issue(file, sheet, r, "unit", None, f"单位与报告项目“{it}”不符（金额用 元/万元，比率用 %）")
        )
    frame = frame.with_columns(
        yuan.alias("reported_value"),
        parse_text(s).alias("reported_value_text"),
        # precision in the stored unit: 3.96 万元 is precise to 100 元 (2 − 4 = −2 decimals of a yuan)
        pl.select(pl.when(unit == "万元").then(decimals - 4).otherwise(decimals).alias("d"))
        .to_series()
        .alias("reported_value_decimals"),
        pl.select(pl.when(value.is_null()).then(None).otherwise(unit).alias("u"))
        .to_series()
        .alias("reported_value_unit"),
    )
    if "unit" in frame.columns:
        frame = frame.drop("unit")
    return frame, issues


_DATE_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")
_DATE_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
DATE_FORMAT_HINT = "日期格式无法识别，应为 2024-06-30、2024年6月30日 或 2024年6月"


def parse_date(text: str | None) -> tuple[_dt.date | None, str | None, str | None]:
    """One date as people write it: ``2024-06-30``, ``2024/6/30``, ``2024.6.30``, ``2024年6月30日`` (an Excel
    date cell reads as ``2024-06-30T00:00:00``), or a month: ``2024年6月``, ``2024-06`` (the first of the
    month, precision ``month``). Full-width digits are read as ASCII.

    Returns (date, precision ``day``/``month``, reason): a reason (Chinese) and no date when the text is no
    date, names a day that does not exist (2023-02-29) or a year outside 1990–2100.
    """
    if text is None or not text.strip():
        return None, None, None
    t = unicodedata.normalize("NFKC", text).strip()
    m, precision = _DATE_DAY.match(t), "day"
    if m is None:
        m, precision = _DATE_MONTH.match(t), "month"
    if m is None:
        return None, None, DATE_FORMAT_HINT
    year, month = int(m.group(1)), int(m.group(2))
    day = int(m.group(3)) if precision == "day" else 1
    if not 1990 <= year <= 2100:
        return None, None, "日期的年份超出范围（1990–2100）"
    try:
        return _dt.date(year, month, day), precision, None
    except ValueError:
        return None, None, f"日期不存在：{text.strip()}"


def _evaluation_rules(frame: pl.DataFrame, raw_cols, file, sheet):
    """evaluation (评价报告信息): one row per item. 委托单位 / 评价机构 are names (one line); 评价日期 is a
    date (stored in date_value, with its precision); 委托单位 … 评价方法 are single (序号 blank or 1, stored
    as 1, so a second row is a duplicate of the key); 问题及原因 / 改进建议 are lists and every entry needs
    its 序号."""
    issues: list[Issue] = []
    content = raw_cols["content"]
    item = frame["item"]
    is_name = item.is_in(list(T.EVALUATION_NAMES)).fill_null(False)
    broken = is_name & frame["content"].str.contains(_LINE_BREAK).fill_null(False)
    issues += _issues_where(
        frame, broken, content, "content", "委托单位、评价机构是名称，不能有换行", file, sheet
    )
    dates, precisions = [], []
    for r, it, text in zip(frame["_row_number"].to_list(), item.to_list(), frame["content"].to_list()):
        d = p = None
        if it == "评价日期" and text is not None:
            d, p, why = parse_date(text)
            if why:
                issues.append(Issue(file, sheet, r, "content", text, why))
        dates.append(d)
        precisions.append(p)
    is_list = item.is_in(list(T.EVALUATION_LISTS)).fill_null(False)
    seq = frame["seq"]
    no_seq = is_list & seq.is_null() & (raw_cols["seq"].str.strip_chars().fill_null("") == "")
    issues += _issues_where(
        frame, no_seq, raw_cols["seq"], "seq", "问题及原因、改进建议每一条都要填序号（1、2、3…）", file, sheet
    )
    single_not_one = (~is_list & item.is_not_null() & seq.is_not_null() & (seq != 1)).fill_null(False)
    issues += _issues_where(
        frame,
        single_not_one,
        raw_cols["seq"],
        "seq",
        "委托单位、评价机构、评价日期、评价思路、评价方法各只有一条，序号应为空或 1",
        file,
        sheet,
    )
    frame = frame.with_columns(
        pl.when(~is_list & item.is_not_null()).then(pl.lit(1, dtype=pl.Int64)).otherwise(seq).alias("seq"),
        pl.Series("date_value", dates, dtype=pl.Date),
        pl.Series("date_precision", precisions, dtype=pl.Utf8),
    )
    return frame, issues


def _duplicates(
    frame: pl.DataFrame, template: T.Template, file: str | None, sheet: str | None, real: list[int]
) -> list[Issue]:
    """A row whose key (budget_ledger: every column) repeats an earlier row of its table. ``frame`` is a
    batch (``_t`` the table, ``_row_number`` the position in the batch); ``real`` maps a position to the
    row number the message names."""
    if frame.is_empty():
        return []
    if template.key:
        key = list(template.key)
        what = "(" + ", ".join(key) + ")"
    else:  # budget_ledger: no natural key; an identical line twice is a copy-paste accident
        key = [c.name for c in template.columns if c.name in frame.columns and c.name != "unit"]
        what = "所有列"
    key = ["_t", *key]
    first = frame.group_by(key, maintain_order=True).agg(pl.col("_row_number").min().alias("_first"))
    joined = frame.join(first, on=key, how="left", nulls_equal=True)
    dup = joined.filter(pl.col("_row_number") != pl.col("_first"))
    return [
        Issue(
            file, sheet, r, ", ".join(template.key) or None, None, f"重复的行：{what} 与第 {real[f]} 行相同"
        )
        for r, f in dup.select("_row_number", "_first").iter_rows()
    ]
