"""Reading submission files into header + rows of text, with the location of every row.

CSV: UTF-8 (with or without BOM) or GB18030/GBK, detected; anything else is refused by name.
XLSX: read with calamine (exact cell values; DuckDB's excel extension is not available here).
The first row that is neither blank nor part of a merged range is the header.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from app.errors import EXIT_INPUT_REFUSED, JixiaoError
from ingest.issues import Issue
from ingest.xlsx_inspect import MAX_CELL_CHARS, MAX_COLUMNS, CellNote, WorkbookInspector, WorkbookRefused

_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_NUMERIC_TEXT = re.compile(r"^[-(（+]?[¥￥]?[0-9０-９][0-9０-９,，.．]*[)）%]?(万元|元)?$")


@dataclass
class RawTable:
    """One CSV file or one XLSX sheet: a header and rows of strings, with their row numbers."""

    file: str
    sheet: str | None
    header: list[str]
    header_row: int
    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    encoding: str | None = None
    # rows above the header that were skipped (merged titles, banners): (row number, their cells)
    banners: list[tuple[int, list[str]]] = field(default_factory=list)
    # exceptional XLSX cells by (row number, 0-based column): see ingest.xlsx_inspect
    cell_notes: dict[tuple[int, int], CellNote] = field(default_factory=dict)
    read_issues: list[Issue] = field(default_factory=list)  # warnings of the reader (hidden rows)

    @property
    def is_csv(self) -> bool:
        """A CSV file has no sheet; every XLSX table is a sheet."""
        return self.sheet is None

    def relocate_header(self, index: int) -> None:
        """Make data row ``index`` the header: the header and the rows above it become banners."""
        self.banners.append((self.header_row, self.header))
        for r, cells in zip(self.row_numbers[:index], self.rows[:index]):
            self.banners.append((r, cells))
        self.header, self.header_row = self.rows[index], self.row_numbers[index]
        self.rows, self.row_numbers = self.rows[index + 1 :], self.row_numbers[index + 1 :]
        while self.header and not self.header[-1].strip():
            self.header.pop()


class ReadError(JixiaoError):
    """A file or sheet that cannot be read at all; ``issue`` says where and why (the submission is refused)."""

    exit_code = EXIT_INPUT_REFUSED

    def __init__(self, issue: Issue):
        super().__init__(issue.reason)
        self.issue = issue


def decode_csv(data: bytes, file: str) -> tuple[str, str]:
    """Decode CSV bytes as UTF-8 (BOM optional) or GB18030; refuse anything else."""
    if not data.strip():
        raise ReadError(Issue(file, None, None, None, None, "文件为空"))
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff") or b"\x00" in data[:4096]:
        raise ReadError(
            Issue(
                file,
                None,
                None,
                None,
                None,
                "无法识别文件编码：疑似 UTF-16 或二进制文件；请另存为 UTF-8 或 GB18030 编码的 CSV",
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise ReadError(_encoding_issue(file, data, e)) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise ReadError(_encoding_issue(file, data, e)) from None
    _refuse_private_use(text, file)
    return text, "gb18030"


def _refuse_private_use(text: str, file: str) -> None:
    """Big5 (and other double-byte encodings) decode as GB18030 without an error, into nonsense.

    Their commonest characters land in GBK's user-defined areas, which decode to the Unicode private
    use area: a budget file has no reason to hold those, so their presence means the guess was wrong.
    """
    m = _PRIVATE_USE.search(text)
    if m is None:
        return
    line = text.count("\n", 0, m.start()) + 1
    raise ReadError(
        Issue(
            file,
            None,
            line,
            None,
            m.group().encode("gb18030").hex(" "),
            f"无法识别文件编码：按 GB18030 解码得到无意义的字符（第 {line} 行），疑似 Big5 等其他编码；请另存为 UTF-8 或 GB18030 编码的 CSV",
        )
    )


def _encoding_issue(file: str, data: bytes, e: UnicodeDecodeError) -> Issue:
    line = data[: e.start].count(b"\n") + 1
    return Issue(
        file,
        None,
        line,
        None,
        data[e.start : e.start + 4].hex(" "),
        f"无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK（第 {line} 行有无法解码的字节）；请另存为 UTF-8 或 GB18030 编码的 CSV",
    )


def _blank(cells: list[str]) -> bool:
    return all(not c.strip() for c in cells)


MAX_CSV_BYTES = 256 * 1024 * 1024  # a province's ledger in one file is ~100 MB; parsing costs ~30× in memory
csv.field_size_limit(4 * MAX_CELL_CHARS)


def read_csv(path: Path, display_name: str | None = None) -> RawTable:
    file = display_name or path.name
    if not path.is_file():
        raise ReadError(Issue(file, None, None, None, None, "不是普通文件（文件夹、管道或设备），不读取"))
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise ReadError(
            Issue(
                file,
                None,
                None,
                None,
                None,
                f"CSV 文件过大（{size / 2**20:,.0f} MB，上限 {MAX_CSV_BYTES // 2**20} MB）：请按地区或年度拆分成多个提交",
            )
        )
    text, encoding = decode_csv(path.read_bytes(), file)
    simple = _split_simple_csv(text)
    if simple is not None:
        header, header_row, rows, numbers = simple
        if header is None:
            raise ReadError(Issue(file, None, None, None, None, "文件为空：没有表头"))
        if len(header) > MAX_COLUMNS:
            raise ReadError(
                Issue(
                    file,
                    None,
                    header_row,
                    None,
                    None,
                    f"表头有 {len(header):,} 列，远超任何模板（最多 {MAX_COLUMNS} 列）：这不是一张填报表",
                )
            )
        return RawTable(file, None, header, header_row, rows, numbers, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    while True:
        start = reader.line_num + 1  # the line this record starts on: where a person must look
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise ReadError(_csv_issue(file, text, start, str(e))) from None
        if _blank(cells):
            continue
        long = next((j for j, c in enumerate(cells) if len(c) > MAX_CELL_CHARS), None)
        if long is not None:
            raise ReadError(
                Issue(file, None, start, f"第 {long + 1} 列", None, "单元格内容过长（超过 10,000 个字符）")
            )
        if header is None:
            if len(cells) > MAX_COLUMNS:
                raise ReadError(
                    Issue(
                        file,
                        None,
                        start,
                        None,
                        None,
                        f"表头有 {len(cells):,} 列，远超任何模板（最多 {MAX_COLUMNS} 列）：这不是一张填报表",
                    )
                )
            header, header_row = [c.lstrip("\ufeff") for c in cells], start  # a BOM written twice
            continue
        rows.append(cells)
        numbers.append(start)
    if header is None:
        raise ReadError(Issue(file, None, None, None, None, "文件为空：没有表头"))
    return RawTable(file, None, header, header_row, rows, numbers, encoding)


def _split_simple_csv(text: str) -> tuple[list[str] | None, int, list[list[str]], list[int]] | None:
    """A CSV without quotes, NULs, lone carriage returns or long lines, split with str.split.

    For such text ``csv.reader`` makes one record of each line and one field between commas, so this is
    the same header, rows and line numbers as the loop in ``read_csv``, without a Python step per field.
    Returns None for any other text (the csv module reads it, with its located errors)."""
    if '"' in text or "\x00" in text or text.count("\r") != text.count("\r\n"):
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # every CR ends a line here: one line break, as csv reads it
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it starts no record
    if any(len(line) > MAX_CELL_CHARS for line in lines):
        return None  # a cell may be too long: the loop says which
    # blank: every field empty or white space (csv.reader gives [] or blank fields; read_csv skips them)
    kept = [(n, line) for n, line in enumerate(lines, start=1) if line.replace(",", "").strip()]
    if not kept:
        return None, 0, [], []
    (header_row, first), body = kept[0], kept[1:]
    header = [c.lstrip("\ufeff") for c in first.split(",")]
    return header, header_row, [line.split(",") for _, line in body], [n for n, _ in body]


def _csv_issue(file: str, text: str, start: int, error: str) -> Issue:
    lines = text.split("\n")
    written = lines[start - 1].rstrip("\r")[:200] if start - 1 < len(lines) else None
    if "field larger than field limit" in error:
        return Issue(
            file,
            None,
            start,
            None,
            None,
            f"CSV 第 {start} 行有一个字段超过 {4 * MAX_CELL_CHARS:,} 个字符：内容过长，或引号没有闭合",
        )
    if "unexpected end of data" in error:
        why = "引号没有闭合：从这一行起到文件末尾都被读成了同一个字段"
    elif "expected after" in error:
        why = "引号闭合后还有其他字符（应紧跟逗号）"
    else:
        why = "引号不匹配或字段中有多余的引号"
    return Issue(
        file,
        None,
        start,
        None,
        written,
        f'CSV 格式错误（第 {start} 行）：{why}；字段中的引号请写成两个（""）',
    )


def cell_text(value: object, percent: bool = False, unit: str | None = None) -> str:
    """An XLSX cell as the text a person sees, without float noise (88044648.36 stays 88044648.36).

    ``percent``: the cell's number format is a percentage, so Excel shows 0.9908 as ``99.08%``; so do we.
    ``unit``: the number format prints a unit after the number (``0.00"万元"`` shows 286.5 as 286.50万元):
    the unit is kept, so the amount is converted like a 万元 column.
    Booleans are shown as Excel shows them (TRUE/FALSE): in an amount column they are then refused.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if (
        unit is not None
        and unit.startswith("zeropad")
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        text = cell_text(value)
        return text.zfill(int(unit[7:])) if text.isdigit() else text  # 000000 shows 12345 as 012345
    if unit == "year" and isinstance(value, (datetime, date)):
        return f"{value.year}年"  # a date cell formatted yyyy"年" shows its year
    if (
        unit is not None
        and unit.startswith("shift")
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        places = int(unit[5:])  # 0!.0000: the digits shown with a point `places` from the right
        try:
            return format(
                (Decimal(cell_text(value)) / (Decimal(10) ** places)).quantize(Decimal(1).scaleb(-places)),
                "f",
            )
        except ArithmeticError:  # beyond Decimal's context: shown as stored, refused downstream as too large
            return cell_text(value)
    if unit in ("万元", "元") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell_text(value) + unit
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)  # nan / inf: not a number a person typed; refused where a number is expected
        if percent:
            shown = (Decimal(f"{value:.15g}") * 100).normalize()
            return format(shown, "f") + "%"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        # what Excel shows: 15 significant digits. A formula's cached double (=SUM of cents gives
        # 4694620.5600000005) is the figure 4,694,620.56 that the person saw and meant.
        text = f"{value:.15g}"
        return format(Decimal(text), "f") if "e" in text else text
    if isinstance(value, int):
        if percent:
            return str(value * 100) + "%"
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


_INSPECTORS: dict[tuple[str, int, int], WorkbookInspector] = {}


def inspector(path: Path) -> WorkbookInspector:
    """One inspection of a workbook per process and version of the file (sheets share the shared strings)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _INSPECTORS:
        if len(_INSPECTORS) > 8:
            _INSPECTORS.clear()
        _INSPECTORS[key] = WorkbookInspector(path)
    return _INSPECTORS[key]


def list_sheets(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        inspector(path)
    except WorkbookRefused as e:
        raise ReadError(Issue(path.name, e.sheet, None, None, e.value, e.reason)) from None
    try:
        return list(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as e:  # calamine raises its own error types for corrupt zips
        raise ReadError(
            Issue(
                path.name,
                None,
                None,
                None,
                None,
                f"XLSX 文件无法打开（文件损坏、被截断或不是 XLSX 格式）：{type(e).__name__}",
            )
        ) from None


def sheet_visibility(path: Path) -> dict[str, str]:
    """sheet name -> visible | hidden | veryHidden."""
    try:
        return inspector(path).visibility()
    except WorkbookRefused:
        return {}


def read_xlsx_sheet(path: Path, sheet: str) -> RawTable:
    from python_calamine import CalamineWorkbook

    try:
        info = inspector(path).sheet(sheet)
    except WorkbookRefused as e:
        raise ReadError(Issue(path.name, sheet, None, None, e.value, e.reason)) from None
    try:
        ws = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
        merged = ws.merged_cell_ranges or []
        # iter_rows yields every row from the first (row 1), but only the columns from the first used one
        start_col = ws.start[1] if ws.start else 0
        rows_iter = ws.iter_rows()
    except Exception as e:
        raise ReadError(
            Issue(
                path.name,
                sheet,
                None,
                None,
                None,
                f"XLSX 工作表无法读取（文件损坏或被截断）：{type(e).__name__}",
            )
        ) from None
    merged_rows: set[int] = set()
    fill_down: dict[int, list[tuple[int, int]]] = {}  # top row -> (column, last row) of one-column merges
    across: dict[int, list[tuple[int, int]]] = {}  # row -> (first, last column) of merges across columns
    for (r0, c0), (r1, c1) in merged:
        if c1 > c0:  # a range across columns: a title or a merged banner, not data
            merged_rows.update(range(r0, r1 + 1))
            across.setdefault(r0, []).append((c0, c1))
        elif r1 > r0:  # one column merged down several rows: its text shows beside each of them
            fill_down.setdefault(r0, []).append((c0, r1))
    percent, units = info.percent_cells, info.unit_cells
    filled: dict[int, dict[int, str]] = {}  # row -> column -> text shown there by a merge from above
    header: list[str] | None = None
    header_row = 0
    rows: list[list[str]] = []
    numbers: list[int] = []
    banners: list[tuple[int, list[str]]] = []
    read_issues: list[Issue] = []
    lead = [
        ""
    ] * start_col  # calamine's rows start at the first used column; keep columns where Excel shows them
    for i, raw in enumerate(rows_iter):
        below = filled.pop(i, None)
        if not below and not any(v is not None and v != "" for v in raw):
            continue
        cells = lead + [
            cell_text(v, (i, start_col + j) in percent, units.get((i, start_col + j)))
            for j, v in enumerate(raw)
        ]
        for c, last in fill_down.get(i, ()):
            top = raw[c - start_col] if 0 <= c - start_col < len(raw) else None
            if (
                c < len(cells)
                and cells[c].strip()
                and isinstance(top, str)
                and not _NUMERIC_TEXT.match(top.strip())
            ):
                for r in range(i + 1, last + 1):
                    filled.setdefault(r, {})[c] = cells[c]
            elif header is not None and cells[c].strip():
                # a figure merged down over several lines: which line does it belong to? refused
                read_issues.append(
                    Issue(
                        path.name,
                        sheet,
                        i + 1,
                        f"第 {c + 1} 列",
                        cells[c],
                        f"数值单元格向下合并到第 {last + 1} 行：无法确定它属于哪一行，请拆分单元格、每行分别填写",
                    )
                )
        for c, text in (below or {}).items():
            if c < len(cells) and not cells[c].strip():
                cells[c] = text
        if _blank(cells):
            continue
        if header is not None:
            for c0, c1 in across.get(i, ()):
                top = raw[c0 - start_col] if 0 <= c0 - start_col < len(raw) else None
                if (isinstance(top, (int, float)) and not isinstance(top, bool)) or (
                    isinstance(top, str) and _NUMERIC_TEXT.match(top.strip())
                ):
                    read_issues.append(
                        Issue(
                            path.name,
                            sheet,
                            i + 1,
                            f"第 {c0 + 1} 列",
                            cells[c0],
                            f"数值单元格横向合并到第 {c1 + 1} 列：无法确定它属于哪一列，请拆分单元格分别填写",
                        )
                    )
            hidden_values = [c for c in sorted(info.hidden_cols) if c < len(cells) and cells[c].strip()]
            if hidden_values:
                c = hidden_values[0]
                read_issues.append(
                    Issue(
                        path.name,
                        sheet,
                        i + 1,
                        f"第 {c + 1} 列",
                        cells[c],
                        "这个单元格在隐藏的列中：隐藏的内容不会显示和打印，请删除它，或取消隐藏后确认其中的数据是要报送的",
                    )
                )
        if i in info.hidden_rows:
            if header is not None:
                # its figures are not what the document shows, and dropping them would change the table
                read_issues.append(
                    Issue(
                        path.name,
                        sheet,
                        i + 1,
                        None,
                        " | ".join(c.strip() for c in cells if c.strip())[:200],
                        "这一行是隐藏的行：隐藏的行不会显示和打印，请删除它，或取消隐藏后确认其中的数据是要报送的",
                    )
                )
            continue
        # a merged title above the header, or a banner (一、基本支出) between lines, holds one text and is
        # skipped; a line whose label cells are merged (合计 across 项目类别:政府经济分类) holds figures too
        # and is data: skipping it would lose a row without a word
        if i in merged_rows and (
            header is None
            or (
                sum(1 for c in cells if c.strip()) <= 1
                and not any(_NUMERIC_TEXT.match(c.strip()) for c in cells if c.strip())
            )
        ):
            if header is None:
                banners.append((i + 1, cells))
            continue
        if header is None:
            header, header_row = cells, i + 1
            continue
        rows.append(cells)
        numbers.append(i + 1)
    if header is None:
        raise ReadError(Issue(path.name, sheet, None, None, None, "工作表为空：没有表头"))
    # trailing empty header cells come from formatting beyond the table; cells beyond the header are
    # kept, so the parser can refuse data that has no column name
    while header and not header[-1].strip():
        header.pop()
    notes = {(r + 1, c): n for (r, c), n in info.notes.items()}
    return RawTable(
        path.name, sheet, header, header_row, rows, numbers, None, banners, notes, read_issues=read_issues
    )
