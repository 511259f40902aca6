"""Build the bad-input corpus: every case's submission, from the worked example, deterministically.

    .venv/bin/python tests/bad_inputs/build_corpus.py           # (re)write every case's submission
    .venv/bin/python tests/bad_inputs/build_corpus.py --check   # compare the committed corpus with a fresh build

Each case is a folder ``tests/bad_inputs/<case_id>/`` holding

- the submission: ``submission/`` (a folder of template files), ``submission.xlsx`` (a workbook), or
  whatever the case is about (a single CSV, a path that does not exist); this script writes it, and
- ``expected.json``: what ingest must say about it. It is written by hand, never by this script: the
  expectation is independent of the recipe.

Almost every case starts from a copy of ``ingest/sample/yanfeng-2023`` and breaks one thing, so the
rest of the submission is known to be good and the *only* issues are the ones the case is about.
The output is committed (a reviewer can open every file, and ``jixiao build --input`` runs on it); the
cases that need bytes a text editor would mangle (GB18030, UTF-16, Latin-1, Big5, XLSX, a cut zip) are
written here, and ``tests/test_bad_inputs.py::test_corpus_is_reproducible`` checks that the committed
files are exactly what this script writes.
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import corpus_builder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLE = ROOT / "ingest" / "sample" / "yanfeng-2023"

CASES: dict[str, Callable[[Path], None]] = {}


def case(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    CASES[fn.__name__] = fn
    return fn


# ---------------------------------------------------------------------------
# helpers


def sample(case_dir: Path, name: str = "submission") -> Path:
    """A copy of the worked example's submission folder."""
    dst = case_dir / name
    shutil.copytree(SAMPLE, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst


def read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.write_bytes(text.encode(encoding))


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    """Replace `old` by `new` on line `line` (1-based, as the rejects report it) of a UTF-8 CSV."""
    lines = read_text(path).split("\n")
    assert old in lines[line - 1], (path.name, line, old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    write_text(path, "\n".join(lines))


def insert_line(path: Path, after: int, text: str) -> None:
    """Insert `text` as a new line after line `after`."""
    lines = read_text(path).split("\n")
    lines.insert(after, text)
    write_text(path, "\n".join(lines))


def line_of(path: Path, line: int) -> str:
    return read_text(path).split("\n")[line - 1]


def rows_of(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(read_text(path), newline="")))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    write_text(path, buf.getvalue(), encoding)


def drop_column(path: Path, header: str) -> None:
    rows = rows_of(path)
    pos = rows[0].index(header)
    write_rows(path, [r[:pos] + r[pos + 1 :] for r in rows])


def add_column(path: Path, header: str, values: Callable[[int], str]) -> None:
    """Append a column; `values(i)` gives the cell of data row i (0-based)."""
    rows = rows_of(path)
    write_rows(path, [rows[0] + [header]] + [r + [values(i)] for i, r in enumerate(rows[1:])])


def _number(text: str):
    t = text.replace(",", "")
    try:
        return float(t) if "." in t else int(t)
    except ValueError:
        return text


def workbook(path: Path, sheets: list[tuple[str, Callable | None]], numbers: bool = True) -> None:
    """An .xlsx with one sheet per (name, writer): writer(ws) writes it; None leaves it blank.

    Deterministic: fixed document dates (xlsxwriter already fixes the zip entries' timestamps)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2024, 1, 1)})
    for name, writer in sheets:
        ws = wb.add_worksheet(name)
        if writer is not None:
            writer(ws)
    wb.close()


def csv_sheet(src: Path, title: str | None = None, numbers: bool = True):
    """A sheet writer copying a sample CSV: amounts as numeric cells, optionally under a merged title row."""
    rows = rows_of(src)

    def write(ws) -> None:
        start = 0
        if title is not None:
            ws.merge_range(0, 0, 0, len(rows[0]) - 1, title)
            start = 1
        ws.write_row(start, 0, rows[0])
        for i, row in enumerate(rows[1:], start=start + 1):
            for j, cell in enumerate(row):
                if cell:
                    ws.write(i, j, _number(cell) if numbers else cell)

    return write


def sample_workbook(path: Path, **overrides) -> None:
    """The worked example as a workbook, one sheet per template (English sheet names);
    `overrides` replaces a sheet's writer (None: a blank sheet)."""
    sheets = []
    for f in sorted(SAMPLE.glob("*.csv")):
        sheets.append((f.stem, overrides.pop(f.stem) if f.stem in overrides else csv_sheet(f)))
    sheets += list(overrides.items())
    workbook(path, sheets)


# ---------------------------------------------------------------------------
# files and encodings


@case
def encoding_latin1(d: Path) -> None:
    """departments.csv saved as Windows-1252/Latin-1: é and – are bytes neither UTF-8 nor GB18030 can decode."""
    sub = sample(d)
    text = "dept_code,dept_name,region_code,region_name\n430406-hrss,Yanfeng HR&SS Bureau \u2013 Caf\u00e9,430406,Hengyang\n"
    write_text(sub / "departments.csv", text, "cp1252")


@case
def encoding_big5(d: Path) -> None:
    """departments.csv in Big5 (traditional Chinese Windows): every byte pair is also valid GB18030, so
    a decoder that only tries GB18030 reads it "successfully" as garbage; ingest must refuse it."""
    sub = sample(d)
    text = "dept_code,dept_name,region_code,region_name\n430406-hrss,雁峰區人力資源和社會保障局,430406,湖南省衡陽市雁峰區\n"
    write_text(sub / "departments.csv", text, "big5")


@case
def encoding_utf16(d: Path) -> None:
    """budget_ledger.csv saved as UTF-16 (Excel's "Unicode text", with BOM)."""
    sub = sample(d)
    write_text(sub / "budget_ledger.csv", read_text(sub / "budget_ledger.csv"), "utf-16")


@case
def encoding_gb18030_and_bom_ok(d: Path) -> None:
    """Control: the ledger and 三公 in GB18030 (what Excel on a Chinese Windows writes), departments in
    UTF-8 with a BOM. Loads, with the same values as the UTF-8 original."""
    sub = sample(d)
    for name in ("budget_ledger.csv", "three_public.csv"):  # as Excel writes them: GB18030, CRLF
        write_text(sub / name, read_text(sub / name).replace("\n", "\r\n"), "gb18030")
    write_text(sub / "departments.csv", "\ufeff" + read_text(sub / "departments.csv"))


@case
def file_empty_0_bytes(d: Path) -> None:
    """staffing.csv is an empty file (0 bytes)."""
    sub = sample(d)
    (sub / "staffing.csv").write_bytes(b"")


@case
def file_header_only_required(d: Path) -> None:
    """budget_ledger.csv holds its header and no line."""
    sub = sample(d)
    write_text(sub / "budget_ledger.csv", line_of(sub / "budget_ledger.csv", 1) + "\n")


@case
def csv_unclosed_quote(d: Path) -> None:
    """A stray quote in three_public.csv: the field on line 3 opens a quote that never closes."""
    sub = sample(d)
    edit_line(sub / "three_public.csv", 3, "公务用车购置费,0,0", '"公务用车购置费,0,0')


@case
def csv_text_after_closing_quote(d: Path) -> None:
    """A quoted field followed by more text before the comma: `"121,000.00"0` on line 2 of the ledger."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 2, '办公经费,"121,000.00",', '办公经费,"121,000.00"0,')


@case
def csv_title_line_above_header_ok(d: Path) -> None:
    """Control: a ledger exported to XLSX with a title row, then saved as CSV: the title is line 1, the
    header line 2. The header is the row that names the template's columns (spec v2 "Header and
    banners"); the title's 单位：元 agrees with the default. Loads, lines numbered as in the file."""
    sub = sample(d)
    text = read_text(sub / "budget_ledger.csv")
    write_text(sub / "budget_ledger.csv", "2023年预算指标执行台账（单位：元）,,,,,,,,,\n" + text)


@case
def csv_unquoted_thousands(d: Path) -> None:
    """121,000.00 without quotes on line 3 of the ledger: read as two fields, every later field of the row
    shifts one column right (and the shifted values still parse); the row has more fields than the header."""
    sub = sample(d)
    edit_line(
        sub / "budget_ledger.csv",
        3,
        '其他商品和服务支出,"121,000.00",,"121,000.00","121,000.00",',
        "其他商品和服务支出,121,000.00,,121,000.00,121,000.00,",
    )


@case
def file_unsupported_format(d: Path) -> None:
    """三公 handed in as three_public.xls (Excel 97-2003), next to a readme.txt: the .xls is a template the
    department meant to submit and is refused; the .txt is not a template and is only noted."""
    sub = sample(d)
    (sub / "three_public.csv").unlink()
    # the OLE2 signature and a little padding: enough for a file manager to call it an Excel 97 file
    (sub / "three_public.xls").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504))
    write_text(sub / "readme.txt", "三公经费见 three_public.xls\n")


@case
def path_does_not_exist(d: Path) -> None:
    """The input path does not exist (a typo on the command line). Nothing is written."""


@case
def single_csv_not_a_folder(d: Path) -> None:
    """A single CSV given as the submission instead of its folder."""
    shutil.copy(SAMPLE / "budget_ledger.csv", d / "budget_ledger.csv")
    (d / "budget_ledger.csv").chmod(0o644)


@case
def unknown_template_file(d: Path) -> None:
    """A file whose name is no template (budget.csv, a copy of the ledger) next to the real ones."""
    sub = sample(d)
    shutil.copy(sub / "budget_ledger.csv", sub / "budget.csv")


@case
def two_files_same_template(d: Path) -> None:
    """budget_ledger.csv and budget_ledger.xlsx in the same folder: which one counts?"""
    sub = sample(d)
    workbook(sub / "budget_ledger.xlsx", [("budget_ledger", csv_sheet(SAMPLE / "budget_ledger.csv"))])


@case
def missing_departments_template(d: Path) -> None:
    """No departments file (the department is already in the warehouse: only the template is missing)."""
    sub = sample(d)
    (sub / "departments.csv").unlink()


@case
def missing_budget_ledger_template(d: Path) -> None:
    """No budget_ledger file: the one template every indicator needs."""
    sub = sample(d)
    (sub / "budget_ledger.csv").unlink()


@case
def one_bad_file_refuses_all(d: Path) -> None:
    """Eight good files and a staffing.csv with 四十 for a head count: nothing of the submission loads."""
    sub = sample(d)
    edit_line(sub / "staffing.csv", 2, "合计,42,40", "合计,42,四十")


# ---------------------------------------------------------------------------
# headers


@case
def header_missing_required_column(d: Path) -> None:
    """The ledger has no 指标管理类型 (expense_type) column. (A missing 实际支付合计 column loads since input
    templates v2: a budget-stage export prints no 执行数, which is unknown.)"""
    sub = sample(d)
    drop_column(sub / "budget_ledger.csv", "指标管理类型")


@case
def header_unknown_column(d: Path) -> None:
    """三公 has a 备注 column the template does not know."""
    sub = sample(d)
    add_column(sub / "three_public.csv", "备注", lambda i: "无" if i == 0 else "")


@case
def header_duplicate_column(d: Path) -> None:
    """departments has both 部门编码 and dept_code."""
    sub = sample(d)
    add_column(sub / "departments.csv", "dept_code", lambda i: "430406-hrss")


@case
def extras_x_column_and_x_notes_ok(d: Path) -> None:
    """Control: an `x_备注` column in the ledger and an x_notes.csv file are the department's own: kept
    (the column, in _extra) or ignored (the file); the submission loads."""
    sub = sample(d)
    add_column(sub / "budget_ledger.csv", "x_备注", lambda i: "含退回 79,703.00" if i == 3 else "")
    write_text(sub / "x_notes.csv", "说明\n金额单位：元；数据来源：预算管理一体化系统导出\n")


@case
def file_header_only_optional_ok(d: Path) -> None:
    """Control: an optional template handed in as its header only (monthly_execution.csv, nothing to
    report yet) loads as no rows; the rest of the submission loads."""
    sub = sample(d)
    write_text(sub / "monthly_execution.csv", "部门编码,年度,月份,累计支出,预算数\n")


# ---------------------------------------------------------------------------
# duplicates


@case
def duplicate_three_public_item(d: Path) -> None:
    """三公 2023 公务接待费 twice (with different amounts)."""
    sub = sample(d)
    insert_line(sub / "three_public.csv", 9, "430406-hrss,2023,公务接待费,1200,1150")


@case
def duplicate_departments_dept_code(d: Path) -> None:
    """departments lists 430406-hrss twice (under two spellings of its name)."""
    sub = sample(d)
    insert_line(sub / "departments.csv", 2, "430406-hrss,雁峰区人社局,430406,湖南省衡阳市雁峰区,,")


@case
def duplicate_ledger_identical_lines(d: Path) -> None:
    """The ledger's 办公经费 line pasted twice (lines 2 and 3 identical)."""
    sub = sample(d)
    insert_line(sub / "budget_ledger.csv", 2, line_of(sub / "budget_ledger.csv", 2))


# ---------------------------------------------------------------------------
# amounts


@case
def amount_text_in_amount(d: Path) -> None:
    """12a.00 for an amount (a letter typed for a digit)."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 2, '办公经费,"121,000.00"', "办公经费,12a.00")


@case
def amount_malformed_thousands(d: Path) -> None:
    """12,1000.00: grouped by 万 (four digits), as some people write 121,000.00."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 3, '"121,000.00","121,000.00",', '"121,000.00","12,1000.00",')


@case
def amount_too_many_decimals(d: Path) -> None:
    """1.005 元: a tenth of a fen."""
    sub = sample(d)
    edit_line(sub / "three_public.csv", 9, "公务接待费,0,0", "公务接待费,1.005,0")


@case
def amount_negative_original_budget(d: Path) -> None:
    """An original budget of −1 元."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 2, '办公经费,"121,000.00"', "办公经费,-1")


@case
def amount_negative_actual_paid(d: Path) -> None:
    """A payment of −13,120.00 元 (a refund booked as a negative payment)."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 23, '"101,931.37","13,120.00"', '"101,931.37","-13,120.00"')


@case
def amount_derived_adjusted_budget_negative(d: Path) -> None:
    """No 调整后 figure on a line whose cut is larger than its budget: original + adjustment < 0."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 12, '"115,740.00",,"115,740.00"', '"115,740.00","-200,000.00",')


@case
def amount_scientific_notation(d: Path) -> None:
    """8.80449E+07: what Excel writes to a CSV for a number wider than its column. The digits are gone."""
    sub = sample(d)
    edit_line(sub / "reported_results.csv", 19, '"88,044,648.36"', "8.80449E+07")


@case
def amount_out_of_range(d: Path) -> None:
    """An amount beyond DECIMAL(18,2): 10,000,000,000,000,000.00 元 (a paste of a concatenated column)."""
    sub = sample(d)
    edit_line(sub / "carryover.csv", 2, '"861,366.81"', '"10,000,000,000,000,000.00"')


@case
def amount_parenthesized_adjustment_ok(d: Path) -> None:
    """Control: the cut written the accountant's way, (79,703.00), loads as −79,703.00."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 5, '"-79,703.00"', '"(79,703.00)"')


@case
def amount_fullwidth_digits_ok(d: Path) -> None:
    """Control: full-width digits and punctuation (an IME left in full-width mode), in amounts and a year."""
    sub = sample(d)
    edit_line(
        sub / "budget_ledger.csv",
        2,
        '430406-hrss,2023,基本支出,公用经费,办公经费,"121,000.00"',
        '430406-hrss,２０２３,基本支出,公用经费,办公经费,"１２１，０００．００"',
    )
    edit_line(sub / "budget_ledger.csv", 5, '"-79,703.00"', '"－７９，７０３．００"')


# ---------------------------------------------------------------------------
# units


@case
def unit_wan_and_yuan_files_warn(d: Path) -> None:
    """The ledger's amount headers say (元), carryover's says (万元): each is converted by its own unit,
    and the submission loads with a warning to check."""
    sub = sample(d)
    rows = rows_of(sub / "budget_ledger.csv")
    for j in range(5, 10):
        rows[0][j] += "(元)"
    write_rows(sub / "budget_ledger.csv", rows)
    write_text(
        sub / "carryover.csv",
        "部门编码,年度,年初结转结余(万元),年末结转结余(万元)\n430406-hrss,2023,86.136681,\n",
    )


@case
def unit_mixed_headers_one_file(d: Path) -> None:
    """One ledger file, two units: 原始指标金额(万元) but 实际支付合计(元)."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 1, "原始指标金额", "原始指标金额(万元)")
    edit_line(sub / "budget_ledger.csv", 1, "实际支付合计", "实际支付合计(元)")


@case
def unit_partial_header_suffix(d: Path) -> None:
    """Only one amount column says (万元); the others say nothing. 元 or 万元? Ambiguous: refused."""
    sub = sample(d)
    rows = rows_of(sub / "three_public.csv")
    rows[0][3] += "(万元)"
    write_rows(sub / "three_public.csv", rows)


@case
def unit_column_contradicts_header(d: Path) -> None:
    """三公 headers say (万元), the unit column of one row says 元."""
    sub = sample(d)
    rows = rows_of(sub / "three_public.csv")
    rows[0][3] += "(万元)"
    rows[0][4] += "(万元)"
    rows[0].append("单位")
    for i, r in enumerate(rows[1:], start=2):
        r.append("元" if i == 9 else "")
    write_rows(sub / "three_public.csv", rows)


@case
def unit_column_invalid(d: Path) -> None:
    """A unit column saying 千元."""
    sub = sample(d)
    write_text(
        sub / "carryover.csv", "部门编码,年度,年初结转结余,年末结转结余,单位\n430406-hrss,2023,861.37,,千元\n"
    )


@case
def facts_value_header_wan(d: Path) -> None:
    """facts with the unit in the header, 数值(万元): the amount fact is in 万元 (8,464.890636 万元)."""
    sub = sample(d)
    write_text(
        sub / "facts.csv",
        "部门编码,年度,数据项编码,数值(万元),备注\n430406-hrss,2023,key_expenditure,8464.890636,重点项目预算安排\n",
    )


# ---------------------------------------------------------------------------
# years and months


@case
def year_chinese_numerals(d: Path) -> None:
    """The year written 二〇二三."""
    sub = sample(d)
    edit_line(sub / "carryover.csv", 2, "430406-hrss,2023,", "430406-hrss,二〇二三,")


@case
def year_out_of_range(d: Path) -> None:
    """3023 for 2023 (a typo): four digits, but no budget year."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 7, "430406-hrss,2023,", "430406-hrss,3023,")


@case
def year_two_digits(d: Path) -> None:
    """The year written 23."""
    sub = sample(d)
    edit_line(sub / "staffing.csv", 2, "430406-hrss,2023,", "430406-hrss,23,")


@case
def month_13(d: Path) -> None:
    """monthly_execution with a 13th month (a 决算 adjustment period some systems export)."""
    sub = sample(d)
    lines = ["部门编码,年度,月份,累计支出"]
    paid = [7_000_000 * m for m in range(1, 13)] + [88_044_648.36]
    lines += [f"430406-hrss,2023,{m},{p:.2f}" for m, p in enumerate(paid, start=1)]
    write_text(sub / "monthly_execution.csv", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# workbooks


@case
def xlsx_no_header_row(d: Path) -> None:
    """A workbook whose departments sheet starts with the data row: no header."""
    rows = rows_of(SAMPLE / "departments.csv")
    sample_workbook(d / "submission.xlsx", departments=lambda ws: ws.write_row(0, 0, rows[1]))


@case
def xlsx_blank_sheet(d: Path) -> None:
    """A workbook whose three_public sheet is entirely blank."""
    sample_workbook(d / "submission.xlsx", three_public=None)


@case
def xlsx_unknown_sheet(d: Path) -> None:
    """A workbook with a sheet named 汇总表 (a summary the department added)."""
    sample_workbook(d / "submission.xlsx", 汇总表=lambda ws: ws.write_row(0, 0, ["合计", 88044648.36]))


@case
def xlsx_data_beyond_header(d: Path) -> None:
    """A workbook whose departments sheet has a column of notes to the right of the header, with no name."""
    rows = rows_of(SAMPLE / "departments.csv")

    def departments(ws) -> None:
        ws.write_row(0, 0, rows[0])
        ws.write_row(1, 0, rows[1])
        ws.write(1, len(rows[0]) + 1, "2023年机构改革后更名")

    sample_workbook(d / "submission.xlsx", departments=departments)


@case
def xlsx_truncated(d: Path) -> None:
    """A workbook cut off in transfer: the first 60% of its bytes (no zip central directory)."""
    sample_workbook(d / "submission.xlsx")
    data = (d / "submission.xlsx").read_bytes()
    (d / "submission.xlsx").write_bytes(data[: len(data) * 6 // 10])


@case
def xlsx_merged_title_ok(d: Path) -> None:
    """Control: the ledger sheet has a merged title row above its header, as budget systems export;
    a blank row between title and header too. Loads."""

    def ledger(ws) -> None:
        csv_sheet(SAMPLE / "budget_ledger.csv", title="2023年预算指标执行台账（单位：元）")(ws)

    def three_public(ws) -> None:
        rows = rows_of(SAMPLE / "three_public.csv")
        ws.merge_range(0, 0, 0, 4, "“三公”经费预决算表")
        for i, row in enumerate(rows, start=2):  # row 2 (1-based) is blank
            for j, cell in enumerate(row):
                ws.write(i, j, _number(cell))

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger, three_public=three_public)


@case
def xlsx_merged_subtotal_labels_ok(d: Path) -> None:
    """Control: the ledger sheet's 小计/合计 labels are merged across 项目类别:政府经济分类, as people format
    subtotal rows. Those rows hold figures: they load as the six reported subtotals, not skipped as titles."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")

    def ledger(ws) -> None:
        for i, row in enumerate(rows):
            if i and ("小计" in row[3] or "合计" in row[3]):
                ws.merge_range(i, 3, i, 4, row[3])
                ws.write_row(i, 0, [_number(c) for c in row[:3]])
                for j, cell in enumerate(row[5:], start=5):
                    if cell:
                        ws.write(i, j, _number(cell))
            else:
                for j, cell in enumerate(row):
                    if cell:
                        ws.write(i, j, _number(cell) if i else cell)

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


@case
def xlsx_float_noise_ok(d: Path) -> None:
    """Control: the ledger sheet's 小计 rows are =SUM(...) formulas, as people build them in Excel. The
    cached value is the binary double the sum produced, e.g. 4694620.5600000005 for 4,694,620.56, which
    Excel shows as 4,694,620.56; that is the figure that must load."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")
    covers = {4: (2, 3), 10: (5, 9), 19: (12, 18), 28: (20, 27)}  # subtotal line -> the lines it sums

    def ledger(ws) -> None:
        for i, row in enumerate(rows):
            line = i + 1
            for j, cell in enumerate(row):
                if line in covers and 5 <= j <= 9:
                    a, b = covers[line]
                    cached = 0.0
                    for k in range(a, b + 1):  # left to right, as Excel's SUM adds
                        cached += float(_number(rows[k - 1][j]) or 0) if rows[k - 1][j] else 0.0
                    col = xlsxwriter.utility.xl_col_to_name(j)
                    ws.write_formula(i, j, f"=SUM({col}{a}:{col}{b})", None, cached)
                elif cell:
                    ws.write(i, j, _number(cell) if i else cell)

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


# ---------------------------------------------------------------------------
# rows: enums, codes, cells


@case
def ledger_invalid_expense_type(d: Path) -> None:
    """指标管理类型 基建支出: not 基本支出 or 项目支出."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 12, "项目支出,其他运转类", "基建支出,其他运转类")


@case
def ledger_invalid_category(d: Path) -> None:
    """项目类别 办公类: not one of the four categories."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 2, "公用经费,办公经费", "办公类,办公经费")


@case
def ledger_bool_maybe(d: Path) -> None:
    """是否重点项目 = maybe."""
    sub = sample(d)
    add_column(
        sub / "budget_ledger.csv", "是否重点项目", lambda i: "maybe" if i == 19 else ("是" if i > 17 else "")
    )


@case
def ledger_balance_mismatch_ok(d: Path) -> None:
    """Control: a 指标结余 that is not 可用 − 支付 (324.37 written as 342.37). Loads; reconciliation flags it."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 16, '"2,214,498.35",324.37', '"2,214,498.35",342.37')


@case
def empty_required_cell_dept_code(d: Path) -> None:
    """departments with an empty 部门编码."""
    sub = sample(d)
    edit_line(sub / "departments.csv", 2, "430406-hrss,", ",")


@case
def dept_code_not_in_departments(d: Path) -> None:
    """A ledger line for 430406-hrsss (a typo), which neither the submission nor the warehouse knows."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 20, "430406-hrss,", "430406-hrsss,")


@case
def qualitative_score_above_weight(d: Path) -> None:
    """A11 (绩效目标合理性) is worth 3 points; scored 5."""
    sub = sample(d)
    edit_line(sub / "qualitative_scores.csv", 2, "A11,3,", "A11,5,")


@case
def qualitative_unknown_framework(d: Path) -> None:
    """A qualitative score for framework hn_overall, which does not exist."""
    sub = sample(d)
    edit_line(sub / "qualitative_scores.csv", 3, "hn_dept_overall,A12", "hn_overall,A12")


@case
def qualitative_unknown_indicator(d: Path) -> None:
    """A qualitative score for indicator A29, which hn_dept_overall does not have."""
    sub = sample(d)
    edit_line(sub / "qualitative_scores.csv", 4, "hn_dept_overall,A21", "hn_dept_overall,A29")


@case
def survey_rating_not_in_list(d: Path) -> None:
    """A survey rating 满意, not one of 非常好、比较好、一般、非常差、不了解."""
    sub = sample(d)
    edit_line(sub / "survey_responses.csv", 7, "办事效率,一般", "办事效率,满意")


@case
def facts_unknown_code(d: Path) -> None:
    """A fact code key_projects, not one of the known codes."""
    sub = sample(d)
    edit_line(sub / "facts.csv", 2, "key_expenditure", "key_projects")


@case
def reported_indicator_without_framework(d: Path) -> None:
    """A reported value for indicator B11 with no framework_code: B11 of which framework?"""
    sub = sample(d)
    edit_line(
        sub / "reported_results.csv", 5, "430406-hrss,2023,hn_dept_overall,B11", "430406-hrss,2023,,B11"
    )


# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# issue 12: hostile and broken files — every cell loads as shown or is refused with its place


@case
def csv_row_one_field_short(d: Path) -> None:
    """Line 16 lost its empty 调整金额 field (one comma fewer): padding it would shift 实际支付合计
    2,214,498.35 into 指标结余's place and load 324.37 as paid. Refused, like a row with a field too many."""
    sub = sample(d)
    edit_line(
        sub / "budget_ledger.csv", 16, '"2,214,822.72",,"2,214,822.72"', '"2,214,822.72","2,214,822.72"'
    )


@case
def amount_unicode_digits(d: Path) -> None:
    """调整金额 written with Devanagari digits (-७९७०३) and 年初结转结余 with Arabic-Indic digits (٣٢٤): only
    ASCII and full-width digits are digits here; anything else is refused, never read as NULL."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 5, '"-79,703.00"', "-७९७०३")
    edit_line(sub / "carryover.csv", 2, '"861,366.81"', "٣٢٤")


@case
def amount_percent_in_money_column(d: Path) -> None:
    """年初结转结余 written 121,000.00% (a rate format pasted over a money cell): % belongs only in rate columns."""
    sub = sample(d)
    edit_line(sub / "carryover.csv", 2, '"861,366.81"', '"121,000.00%"')


@case
def amount_optional_too_many_digits(d: Path) -> None:
    """An optional 指标结余 of 40 digits (two cells pasted into one): refused, never NULL."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 16, ",324.37", ",1234567890123456789012345678901234567890")


@case
def amount_unit_slip_wan(d: Path) -> None:
    """年初结转结余(万元) 1,200,000,000: 12 万亿元 for one department, a unit slip. Refused at ingest, not
    left to overflow a DECIMAL in the dbt build (which would lose every other submission of the run)."""
    sub = sample(d)
    write_text(
        sub / "carryover.csv",
        '部门编码,年度,年初结转结余(万元),年末结转结余(万元)\n430406-hrss,2023,"1,200,000,000",\n',
    )


@case
def facts_value_out_of_range(d: Path) -> None:
    """固定资产总额 1e16 元 and a violations count of 10^10: both beyond any real figure; refused, never NULL."""
    sub = sample(d)
    text = read_text(sub / "facts.csv").rstrip("\n")
    text += "\n430406-hrss,2023,fixed_assets_total,10000000000000000,元,\n430406-hrss,2023,violations,10000000000,个,\n"
    write_text(sub / "facts.csv", text)


@case
def survey_respondents_beyond_int64(d: Path) -> None:
    """人数 99999999999999999999999 (beyond BIGINT): a located refusal, not a Polars overflow traceback."""
    sub = sample(d)
    edit_line(sub / "survey_responses.csv", 2, "非常好,2", "非常好,99999999999999999999999")


@case
def qualitative_score_beyond_range(d: Path) -> None:
    """得分 1e30 (beyond DECIMAL(9,2)): a located refusal, not a crash."""
    sub = sample(d)
    edit_line(sub / "qualitative_scores.csv", 2, "A11,3,", "A11,1000000000000000000000000000000,")


@case
def code_invisible_characters_ok(d: Path) -> None:
    """Control: 部门编码 430406-hrss written with a zero-width space and a trailing no-break space in the
    ledger (copied from a web page): removed, with a warning per cell; the lines load under 430406-hrss."""
    sub = sample(d)
    edit_line(sub / "budget_ledger.csv", 2, "430406-hrss,", "430406\u200b-hrss\u00a0,")


@case
def code_scientific_notation(d: Path) -> None:
    """区划编码 shown by Excel as 4.30406E+14: the digits are gone; refused."""
    sub = sample(d)
    edit_line(sub / "departments.csv", 2, ",430406,", ",4.30406E+14,")


@case
def name_with_line_break_and_control(d: Path) -> None:
    """部门名称 with a line break and a forged heading, and 政府经济分类 with a BEL control character: a name
    never holds either (they forge report lines and break DOCX)."""
    sub = sample(d)
    edit_line(
        sub / "departments.csv",
        2,
        "雁峰区人力资源和社会保障局,",
        '"雁峰区人力资源和社会保障局\n\n## 五、评价结论（更正）",',
    )
    edit_line(sub / "budget_ledger.csv", 3, "其他商品和服务支出", "其他商品和服务支出\x07")


@case
def departments_parent_cycle(d: Path) -> None:
    """A department that is its own parent, and two that are each other's parent."""
    sub = sample(d)
    text = read_text(sub / "departments.csv").rstrip("\n")
    text = text.replace("湖南省衡阳市雁峰区,,", "湖南省衡阳市雁峰区,430406-hrss,")
    text += "\n430406-a,甲单位,430406,湖南省衡阳市雁峰区,430406-b,\n430406-b,乙单位,430406,湖南省衡阳市雁峰区,430406-a,\n"
    write_text(sub / "departments.csv", text)


@case
def folder_templates_and_subfolders(d: Path) -> None:
    """A submission folder that also holds a subfolder with another submission: which is meant? Refused,
    naming the subfolder (silently ignoring it would lose a department's files)."""
    sub = sample(d)
    shutil.copytree(SAMPLE, sub / "430406-2022")


def _ledger_cells(ws, rows, skip=()) -> None:
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            if (i, j) not in skip and cell:
                ws.write(i, j, _number(cell) if i else cell)


@case
def xlsx_formula_without_cached_value(d: Path) -> None:
    """The 公用经费小计 row's 原始指标金额 is =SUM(F2:F3) saved by a program that never calculated it: no
    cached value, so nobody knows what Excel would show. Refused (loading it as blank would be a guess)."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")

    def ledger(ws) -> None:
        _ledger_cells(ws, rows, skip={(3, 5)})
        ws.write_formula(3, 5, "=SUM(F2:F3)", None, "")

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


@case
def xlsx_error_cell_in_optional_amount(d: Path) -> None:
    """指标结余 of line 16 is #DIV/0! (an error cell): refused with the error shown, even in an optional column."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")

    def ledger(ws) -> None:
        _ledger_cells(ws, rows, skip={(15, 9)})
        ws.write_formula(15, 9, "=1/0", None, "#DIV/0!")

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


@case
def xlsx_boolean_in_amount(d: Path) -> None:
    """调整金额 of line 2 is the boolean TRUE: not an amount (it would load as 1.00)."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")

    def ledger(ws) -> None:
        _ledger_cells(ws, rows)
        ws.write_boolean(1, 6, True)

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


@case
def xlsx_sixteen_digit_number(d: Path) -> None:
    """实际支付合计 of line 2 stored as 1234567890123456 (16 significant digits): Excel shows
    1234567890123460, so the file and the screen disagree. Refused."""
    rows = rows_of(SAMPLE / "budget_ledger.csv")

    def ledger(ws) -> None:
        _ledger_cells(ws, rows, skip={(1, 8)})
        ws.write_number(1, 8, 1234567890123456)

    sample_workbook(d / "submission.xlsx", budget_ledger=ledger)


@case
def xlsx_used_range_to_xfd1048576(d: Path) -> None:
    """A 13 KB workbook whose facts sheet holds a value in XFD1048576: reading it the usual way allocates
    512 GiB and aborts the process. Refused from the sheet's XML, before any allocation."""

    def facts(ws) -> None:
        csv_sheet(SAMPLE / "facts.csv")(ws)
        ws.write_number(1048575, 16383, 1)

    sample_workbook(d / "submission.xlsx", facts=facts)


@case
def xlsx_cell_too_long(d: Path) -> None:
    """A 20,000-character 评分依据 (a pasted document): refused at 10,000 characters a cell."""
    rows = rows_of(SAMPLE / "qualitative_scores.csv")

    def scores(ws) -> None:
        _ledger_cells(ws, rows)
        ws.write_string(1, 6, "依据" * 10000)

    sample_workbook(d / "submission.xlsx", qualitative_scores=scores)


@case
def xlsx_percent_format_and_hidden_sheet_ok(d: Path) -> None:
    """Control: reported_results' 报告值 cells for rates are fractions formatted as percentages (0.9908 shown
    as 99.08%), as Excel stores them: they load as 99.08. The facts sheet is hidden: read, with a warning."""
    rows = rows_of(SAMPLE / "reported_results.csv")
    amount_items = {
        "年初预算",
        "调整后预算",
        "支出合计",
        "基本支出",
        "人员经费",
        "公用经费",
        "项目支出",
        "年末结转结余",
        "年初结转结余",
    }

    def reported(ws) -> None:
        pct = ws._jixiao_pct
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                if not cell:
                    continue
                if i and j == 4 and row[3] not in amount_items and cell:
                    ws.write_number(i, j, float(Decimal(cell.replace(",", "")) / 100), pct)
                else:
                    ws.write(i, j, _number(cell) if i else cell)

    path = d / "submission.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime.datetime(2024, 1, 1)})
    pct = wb.add_format({"num_format": "0.00%"})
    for f in sorted(SAMPLE.glob("*.csv")):
        ws = wb.add_worksheet(f.stem)
        if f.stem == "reported_results":
            ws._jixiao_pct = pct
            reported(ws)
        else:
            csv_sheet(f)(ws)
        if f.stem == "facts":
            ws.hide()
    wb.close()


def build(out: Path, only: list[str] | None = None) -> None:
    corpus_builder.build(CASES, out, only)


def check(root: Path = HERE) -> list[str]:
    """Differences between the committed corpus and a fresh build (empty: reproducible)."""
    return corpus_builder.check(CASES, root, "build_corpus.py")


def main(argv: list[str] | None = None) -> int:
    return corpus_builder.main(CASES, HERE, "build_corpus.py", __doc__.splitlines()[0], argv)


if __name__ == "__main__":
    sys.exit(main())
