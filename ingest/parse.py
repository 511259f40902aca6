"""Turning one template table (a CSV file or an XLSX sheet) into typed rows, or located errors.

Everything here is vectorised with Polars: a province's ledger runs to a million lines.
Every refused cell becomes an ``Issue`` with file, sheet, row, column, the value as
written and the reason, in Chinese, the way an analyst would say it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

from ingest import templates as T
from ingest.issues import Issue
from ingest.readers import RawTable
from ingest.text import normalize_label, split_unit

AMOUNT_DTYPE = pl.Decimal(18, 2)
WIDE_DTYPE = pl.Decimal(38, 6)
MAX_AMOUNT = 10**16  # DECIMAL(18,2)

_FW_FROM = list("０１２３４５６７８９．，（）－＋％　") + ["−", "¥", "￥", "\u00a0"]
_FW_TO = list("0123456789.,()-+% ") + ["-", "", "", ""]
_NUMBER_RE = r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"
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
    here = dict(file=raw.file, sheet=raw.sheet, row=raw.header_row)
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
                Issue(**here, column=cell, value=cell, reason=f"列重复：“{cell}”与第 {columns[name] + 1} 列都是 {name}")
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
                reason=f"找不到可识别的表头：第 {raw.header_row} 行不是模板 {template.name}（{template.zh}）的列名",
            )
        ]
    for pos, cell in unknown:
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
    for name, unit in units.items():
        kind = template.column(name).kind
        if unit in ("元", "万元") and kind not in (T.AMOUNT, T.MEASURE, T.NUMBER):
            issues.append(Issue(**here, column=name, value=unit, reason=f"列 {name} 不是金额列，不能标注单位（{unit}）"))
        if unit == "%" and kind not in (T.MEASURE, T.VALUE):
            issues.append(Issue(**here, column=name, value=unit, reason=f"列 {name} 不是比率列，不能标注 %"))
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
# cells


def _norm(s: pl.Series) -> pl.Series:
    return s.str.replace_many(_FW_FROM, _FW_TO).str.replace_all(r"\s", "")


def _norm_text(s: pl.Series) -> pl.Series:
    # NFKC-equivalent for what matters in codes and enum values, vectorised
    return (
        s.str.replace_many(_FW_FROM, _FW_TO)
        .str.replace_many(["（", "）", "：", "“", "”", "\u3000"], ["(", ")", ":", "", "", " "])
        .str.strip_chars()
    )


def parse_decimal(raw: pl.Series, max_decimals: int) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Text -> Decimal(38,6). Returns (value, reason, decimals as written). Empty -> null, no reason."""
    t = _norm(raw)
    paren = t.str.contains(r"^\(.+\)$")
    t = pl.select(
        pl.when(paren).then(pl.lit("-") + t.str.slice(1, t.str.len_chars() - 2)).otherwise(t).alias("t")
    ).to_series()
    t = t.str.strip_prefix("+").str.strip_suffix("%")
    empty = t.is_null() | (t == "")
    valid = t.str.contains(_NUMBER_RE).fill_null(False)
    digits = t.str.replace_all(",", "")
    decimals = digits.str.extract(r"\.(\d+)$").str.len_chars().fill_null(0)
    too_precise = decimals > max_decimals
    reason = pl.select(
        pl.when(empty)
        .then(pl.lit(None, dtype=pl.Utf8))
        .when(~valid)
        .then(pl.lit("数值格式无法识别"))
        .when(too_precise)
        .then(pl.lit(f"小数位数过多（最多 {max_decimals} 位）"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
        .alias("r")
    ).to_series()
    ok = reason.is_null() & ~empty
    value = pl.select(pl.when(ok).then(digits).otherwise(None).cast(WIDE_DTYPE, strict=False).alias("v")).to_series()
    return value, reason, decimals.cast(pl.Int32)


def parse_int(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _norm(raw)
    empty = t.is_null() | (t == "")
    valid = t.str.contains(r"^-?\d+(\.0+)?$").fill_null(False)
    reason = pl.select(
        pl.when(empty).then(None).when(~valid).then(pl.lit("应为整数")).otherwise(None).cast(pl.Utf8).alias("r")
    ).to_series()
    value = pl.select(
        pl.when(reason.is_null() & ~empty).then(t.str.replace(r"\.0+$", "")).otherwise(None).cast(pl.Int64).alias("v")
    ).to_series()
    return value, reason


def parse_year(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _norm(raw)
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
    value = pl.select(pl.when(is_true).then(True).when(is_false).then(False).otherwise(None).alias("v")).to_series()
    return value, reason


def parse_enum(raw: pl.Series, col: T.Column) -> tuple[pl.Series, pl.Series]:
    t = _norm_text(raw).str.replace_all(r"\s", "")
    aliases = {normalize_label(k): v for k, v in col.choice_aliases.items()}
    choices = {normalize_label(c): c for c in col.choices}
    mapping = {**{k: v for k, v in choices.items()}, **aliases}
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


def parse_code(raw: pl.Series) -> tuple[pl.Series, pl.Series]:
    t = _norm_text(raw)
    value = pl.select(pl.when(t == "").then(None).otherwise(t).alias("v")).to_series()
    reason = pl.select(
        pl.when(value.str.contains(r"\s").fill_null(False)).then(pl.lit("编码中不能有空格")).otherwise(None).cast(pl.Utf8).alias("r")
    ).to_series()
    return value, reason


def parse_text(raw: pl.Series) -> pl.Series:
    t = raw.str.strip_chars()
    return pl.select(pl.when(t == "").then(None).otherwise(t).alias("v")).to_series()


# ---------------------------------------------------------------------------
# table


def _issues_from(frame: pl.DataFrame, reason: pl.Series, raw: pl.Series, column: str, file: str, sheet: str | None) -> list[Issue]:
    bad = reason.is_not_null()
    if not bad.any():
        return []
    rows = frame["_row_number"].filter(bad).to_list()
    values = raw.filter(bad).to_list()
    reasons = reason.filter(bad).to_list()
    return [Issue(file, sheet, r, column, v, why) for r, v, why in zip(rows, values, reasons)]


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
        if not extra:
            continue
        if raw.sheet is None:
            issues.append(
                Issue(
                    raw.file,
                    None,
                    r,
                    None,
                    ",".join(cells[width : extra[-1][0] + 1]),
                    f"这一行有 {len(cells)} 个字段，表头只有 {width} 列：金额中的千分位逗号要加引号（如 \"121,000.00\"），多余的字段请删除",
                )
            )
        else:
            for pos, _ in extra:
                if pos not in columns_seen:
                    columns_seen.add(pos)
                    issues.append(Issue(raw.file, raw.sheet, raw.header_row, f"第 {pos + 1} 列", "", "有数据的列没有表头"))
    return issues


def _row_units(frame: pl.DataFrame, hm: HeaderMap, raw_cols: dict[str, pl.Series], template: T.Template, file: str, sheet: str | None):
    """Per-row multiplier to yuan (1 or 10000) for one amount column, from the unit column or the header suffix."""
    issues: list[Issue] = []
    row_unit = None
    if template.has_unit and "unit" in hm.columns and template.column("unit").kind == T.ENUM:
        row_unit, why = parse_enum(raw_cols["unit"], template.column("unit"))
        issues += _issues_from(frame, why, raw_cols["unit"], "unit", file, sheet)
    return row_unit, issues


def parse_table(raw: RawTable, template: T.Template) -> ParsedTable:
    hm, issues = map_header(raw, template)
    empty_frame = pl.DataFrame()
    if hm is None or any(i.severity == "error" for i in issues):
        return ParsedTable(template, raw.file, raw.sheet, empty_frame, issues)
    file, sheet = raw.file, raw.sheet
    width = len(raw.header)
    issues += _beyond_header(raw, width)
    rows = [r[:width] + [""] * (width - len(r)) for r in raw.rows]
    cols_data = list(zip(*rows)) if rows else [()] * width
    base = pl.DataFrame({"_row_number": pl.Series(raw.row_numbers, dtype=pl.Int32)})
    raw_cols: dict[str, pl.Series] = {}
    for name, pos in hm.columns.items():
        raw_cols[name] = pl.Series(name, list(cols_data[pos]) if rows else [], dtype=pl.Utf8)
    out: dict[str, pl.Series] = {}
    units_seen: set[str] = set()

    row_unit, more = _row_units(base, hm, raw_cols, template, file, sheet)
    issues += more

    # header suffix vs unit column
    for name, unit in hm.units.items():
        if unit in ("元", "万元"):
            units_seen.add(unit)
            if row_unit is not None:
                clash = row_unit.is_not_null() & (row_unit != unit)
                if clash.any():
                    for r, written in zip(base["_row_number"].filter(clash).to_list(), raw_cols["unit"].filter(clash).to_list()):
                        issues.append(
                            Issue(file, sheet, r, "unit", written, f"单位列与表头“{name}({unit})”标注的单位不一致")
                        )
    if row_unit is not None:
        units_seen.update(u for u in row_unit.unique().to_list() if u)

    for col in template.columns:
        if col.name not in raw_cols:
            out[col.name] = pl.Series(col.name, [None] * len(base), dtype=_dtype(col))
            continue
        s = raw_cols[col.name]
        if col.name == "unit" and row_unit is not None:
            value, reason = row_unit, None  # parsed and reported by _row_units
        elif col.kind in (T.TEXT,):
            value, reason = parse_text(s), None
        elif col.kind == T.CODE:
            value, reason = parse_code(s)
        elif col.kind == T.YEAR:
            value, reason = parse_year(s)
        elif col.kind == T.INT:
            value, reason = parse_int(s)
        elif col.kind == T.BOOL:
            value, reason = parse_bool(s)
        elif col.kind == T.ENUM:
            if col.name in ("category", "expense_type") and template.name == "budget_ledger":
                value, reason = s, None  # resolved below with the subtotal rule
            elif template.name == "three_public" and col.name == "item":
                value, reason = parse_enum(s, col)
            else:
                value, reason = parse_enum(s, col)
        elif col.kind == T.AMOUNT:
            value, reason = _amount(s, hm.units.get(col.name), row_unit)
        elif col.kind == T.SCORE:
            v, reason, _ = parse_decimal(s, 2)
            value = v.cast(pl.Decimal(9, 2))
        elif col.kind in (T.NUMBER, T.MEASURE, T.VALUE):
            value, reason = s, None  # resolved below, they depend on other columns
        else:  # pragma: no cover - a template with an unknown kind is a programming error
            raise ValueError(col.kind)
        if reason is not None:
            issues += _issues_from(base, reason, s, col.name, file, sheet)
        ledger_scope = template.name == "budget_ledger" and col.name in ("category", "expense_type")
        if not col.nullable and not ledger_scope and col.kind not in (T.MEASURE, T.VALUE, T.NUMBER):
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

    frame = pl.DataFrame(out).with_columns(base["_row_number"])
    frame, more = _template_rules(frame, template, raw_cols, hm, file, sheet)
    issues += more
    extras = {k: pl.Series(k, list(cols_data[p]) if rows else [], dtype=pl.Utf8) for k, p in hm.extras.items()}
    if extras:
        extra_json = [json.dumps(dict(zip(extras, vals)), ensure_ascii=False) for vals in zip(*[e.to_list() for e in extras.values()])]
        frame = frame.with_columns(pl.Series("_extra", extra_json, dtype=pl.Utf8))
    else:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Utf8).alias("_extra"))
    frame = frame.with_columns(pl.lit(file).alias("_file"), pl.lit(sheet, dtype=pl.Utf8).alias("_sheet"))
    issues += _duplicates(frame, template, file, sheet)
    return ParsedTable(template, file, sheet, frame, issues, {u for u in units_seen if u in ("元", "万元")})


def _dtype(col: T.Column) -> pl.DataType:
    return {
        T.YEAR: pl.Int32,
        T.INT: pl.Int64,
        T.AMOUNT: AMOUNT_DTYPE,
        T.SCORE: pl.Decimal(9, 2),
        T.BOOL: pl.Boolean,
    }.get(col.kind, pl.Utf8)


def _amount(s: pl.Series, header_unit: str | None, row_unit: pl.Series | None) -> tuple[pl.Series, pl.Series]:
    value, reason, _ = parse_decimal(s, 6)
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
        .then(reason.str.replace("数值格式无法识别", "金额格式无法识别"))
        .when(not_cents)
        .then(pl.lit("金额精确到分（元的两位小数；万元的六位小数）"))
        .when(too_big)
        .then(pl.lit("金额超出范围"))
        .otherwise(None)
        .alias("r")
    ).to_series()
    value = pl.select(pl.when(reason.is_null()).then(yuan).otherwise(None).alias("v")).to_series().cast(AMOUNT_DTYPE)
    return value, reason


# ---------------------------------------------------------------------------
# template-specific rules


def _template_rules(frame: pl.DataFrame, template: T.Template, raw_cols, hm: HeaderMap, file, sheet):
    issues: list[Issue] = []
    name = template.name
    if name == "budget_ledger":
        frame, issues = _ledger_rules(frame, raw_cols, file, sheet)
    elif name == "three_public":
        frame = frame.with_columns((pl.col("item") == "合计").fill_null(False).alias("is_subtotal"))
    elif name == "staffing":
        frame = frame.with_columns(
            pl.col("staff_type").str.contains("小计|合计|总计").fill_null(False).alias("is_total")
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
    return frame, issues


def _ledger_rules(frame: pl.DataFrame, raw_cols, file, sheet):
    """Subtotal rows (小计/合计/总计 in category or econ_class) are kept as reported subtotals."""
    issues: list[Issue] = []
    cat_raw = _norm_text(raw_cols["category"]).str.replace_all(r"\s", "")
    econ = frame["econ_class"]
    words = "小计|合计|总计"
    is_sub = (cat_raw.str.contains(words).fill_null(False)) | (econ.str.contains(words).fill_null(False))
    scope = cat_raw.str.replace_all(words, "")
    cat_col = T.TEMPLATES["budget_ledger"].column("category")
    cat_value, cat_reason = parse_enum(scope, cat_col)
    cat_empty = scope.is_null() | (scope == "")
    # a line needs a category; a subtotal's empty category means "all of its expense type"
    reason = pl.select(
        pl.when(cat_reason.is_not_null())
        .then(cat_reason)
        .when(cat_empty & ~is_sub)
        .then(pl.lit("不能为空"))
        .otherwise(None)
        .alias("r")
    ).to_series()
    issues += _issues_from(frame, reason, raw_cols["category"], "category", file, sheet)
    label = pl.select(
        pl.when(is_sub).then(pl.concat_str([cat_raw.fill_null(""), econ.fill_null("")], separator=" ").str.strip_chars()).otherwise(None).alias("l")
    ).to_series()
    # expense type: a subtotal may leave it empty or write 合计/总计 (a grand total over both types)
    et_raw = _norm_text(raw_cols["expense_type"]).str.replace_all(r"\s", "")
    et_total = et_raw.is_null() | (et_raw == "") | et_raw.str.contains(words).fill_null(False)
    et_scope = pl.select(pl.when(is_sub & et_total).then(None).otherwise(et_raw).alias("e")).to_series()
    et_value, et_reason = parse_enum(et_scope, T.TEMPLATES["budget_ledger"].column("expense_type"))
    et_reason = pl.select(
        pl.when(et_reason.is_not_null()).then(et_reason).when(et_scope.is_null() & ~is_sub).then(pl.lit("不能为空")).otherwise(None).alias("r")
    ).to_series()
    issues += _issues_from(frame, et_reason, raw_cols["expense_type"], "expense_type", file, sheet)
    frame = frame.with_columns(
        et_value.alias("expense_type"), cat_value.alias("category"), is_sub.alias("is_subtotal"), label.alias("subtotal_label")
    )
    # adjusted budget: as reported, else original + adjustment (adjustment empty = 0)
    if frame["adjusted_budget"].is_null().any():
        frame = frame.with_columns(
            pl.col("adjusted_budget").is_null().alias("adjusted_budget_derived"),
        )
    else:
        frame = frame.with_columns(pl.lit(False).alias("adjusted_budget_derived"))
    frame = frame.with_columns(
        pl.coalesce(
            pl.col("adjusted_budget"),
            (pl.col("original_budget") + pl.col("adjustment").fill_null(0)).cast(AMOUNT_DTYPE),
        ).alias("adjusted_budget")
    )
    neg = (frame["adjusted_budget"] < 0).fill_null(False) & frame["adjusted_budget_derived"]
    for r in frame.filter(neg)["_row_number"].to_list():
        issues.append(Issue(file, sheet, r, "adjusted_budget", None, "原始指标金额加调整金额为负数"))
    return frame.drop("unit"), issues


def _facts_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    issues: list[Issue] = []
    value, reason, _ = parse_decimal(raw_cols["value"], 6)
    issues += _issues_from(frame, reason, raw_cols["value"], "value", file, sheet)
    unit = _norm_text(frame["unit"].fill_null("")).str.replace_all(r"\s", "")
    is_amount = frame["fact_code"].is_in(list(T.AMOUNT_FACTS))
    header_unit = hm.units.get("value")
    if header_unit in ("元", "万元"):
        # 数值(万元): the amount facts are in 万元 unless their unit cell says so too (or contradicts it)
        clash = (is_amount & (unit != "") & (unit != header_unit)).fill_null(False)
        for r, written in zip(frame["_row_number"].filter(clash).to_list(), frame["unit"].filter(clash).to_list()):
            issues.append(Issue(file, sheet, r, "unit", written, f"单位列与表头“value({header_unit})”标注的单位不一致"))
        unit = pl.select(pl.when(is_amount & (unit == "")).then(pl.lit(header_unit)).otherwise(unit).alias("u")).to_series()
    wan = is_amount & (unit == "万元")
    yuan = pl.select(pl.when(wan).then(value * 10000).otherwise(value).alias("v")).to_series()
    empty = value.is_null() & reason.is_null()
    checks = [
        (empty, "不能为空"),
        ((yuan < 0).fill_null(False), "不能为负数"),
        ((is_amount & (yuan.round(2) != yuan)).fill_null(False), "金额精确到分"),
        ((~is_amount & (yuan.round(0) != yuan)).fill_null(False), "个数应为整数"),
        ((is_amount & ~unit.is_in(["", "元", "万元"])).fill_null(False), "金额类数据的单位应为 元 或 万元"),
    ]
    for mask, why in checks:
        for r, v in zip(frame["_row_number"].filter(mask).to_list(), raw_cols["value"].filter(mask).to_list()):
            issues.append(Issue(file, sheet, r, "value" if "单位" not in why else "unit", v, why))
    frame = frame.with_columns(
        yuan.cast(AMOUNT_DTYPE, strict=False).alias("value"),
        pl.when(is_amount).then(pl.lit("元")).otherwise(pl.when(unit == "").then(None).otherwise(unit)).alias("unit"),
    )
    return frame, issues


def _targets_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    issues: list[Issue] = []
    out = {}
    for name in ("target_value", "actual_value"):
        s = raw_cols.get(name, pl.Series(name, [None] * len(frame), dtype=pl.Utf8))
        text = parse_text(s)
        number, _, _ = parse_decimal(s, 6)
        out[name] = text
        out[name.replace("_value", "_number")] = number
    empty_target = out["target_value"].is_null()
    for r in frame["_row_number"].filter(empty_target).to_list():
        issues.append(Issue(file, sheet, r, "target_value", "", "不能为空"))
    frame = frame.with_columns(*(v.alias(k) for k, v in out.items()))
    return frame, issues


def _reported_rules(frame: pl.DataFrame, raw_cols, hm: HeaderMap, file, sheet):
    """reported_value: a rate in percentage points (99.08 or 99.08%) or an amount (unit 元/万元)."""
    issues: list[Issue] = []
    s = raw_cols["reported_value"]
    value, reason, decimals = parse_decimal(s, 6)
    issues += _issues_from(frame, reason, s, "reported_value", file, sheet)
    item = frame["item"]
    is_amount = item.is_in(list(T.LEDGER_ITEMS)) | (frame["project_code"].is_not_null() & item.is_in(["调整后预算", "支出合计"]))
    header_unit = hm.units.get("reported_value")
    row_unit = frame["unit"] if "unit" in frame.columns else pl.Series([None] * len(frame), dtype=pl.Utf8)
    unit = pl.select(
        pl.when(is_amount)
        .then(pl.coalesce(row_unit.replace("%", None), pl.lit(header_unit if header_unit in ("元", "万元") else "元")))
        .otherwise(pl.lit("%"))
        .alias("u")
    ).to_series()
    yuan = pl.select(pl.when(unit == "万元").then(value * 10000).otherwise(value).alias("v")).to_series()
    wrong = (is_amount & (row_unit == "%")).fill_null(False) | (~is_amount & row_unit.is_in(["元", "万元"])).fill_null(False)
    for r, it in zip(frame["_row_number"].filter(wrong).to_list(), item.filter(wrong).to_list()):
        issues.append(Issue(file, sheet, r, "unit", None, f"单位与报告项目“{it}”不符（金额用 元/万元，比率用 %）"))
    frame = frame.with_columns(
        yuan.alias("reported_value"),
        parse_text(s).alias("reported_value_text"),
        # precision in the stored unit: 3.96 万元 is precise to 100 元 (2 − 4 = −2 decimals of a yuan)
        pl.select(pl.when(unit == "万元").then(decimals - 4).otherwise(decimals).alias("d")).to_series().alias("reported_value_decimals"),
        pl.select(pl.when(value.is_null()).then(None).otherwise(unit).alias("u")).to_series().alias("reported_value_unit"),
    )
    if "unit" in frame.columns:
        frame = frame.drop("unit")
    return frame, issues


def _duplicates(frame: pl.DataFrame, template: T.Template, file: str, sheet: str | None) -> list[Issue]:
    if frame.is_empty():
        return []
    if template.key:
        key = list(template.key)
        what = "(" + ", ".join(key) + ")"
    else:  # budget_ledger: no natural key; an identical line twice is a copy-paste accident
        key = [c.name for c in template.columns if c.name in frame.columns and c.name != "unit"]
        what = "所有列"
    first = frame.group_by(key, maintain_order=True).agg(pl.col("_row_number").min().alias("_first"))
    joined = frame.join(first, on=key, how="left", nulls_equal=True)
    dup = joined.filter(pl.col("_row_number") != pl.col("_first"))
    return [
        Issue(file, sheet, r, ", ".join(template.key) or None, None, f"重复的行：{what} 与第 {f} 行相同")
        for r, f in dup.select("_row_number", "_first").iter_rows()
    ]
