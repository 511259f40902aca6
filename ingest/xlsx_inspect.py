"""What calamine does not tell: each XLSX cell's type, formula and number format, and the sheet's true extent.

python-calamine (which reads the values) returns an error cell (``#DIV/0!``) and a formula without a
cached value both as ``""``, a boolean as ``True``, a cell shown as ``99.08%`` as ``0.9908``, and it
allocates the whole rectangle up to the farthest cell before returning anything (a 10 KB sheet with a
value in XFD1048576 makes it ask for 512 GiB and abort the process). None of that may reach a
warehouse, so before calamine reads a sheet we stream its XML once with lxml (``iterparse``; C speed,
constant memory) and record only what is exceptional:

- the extent of the cells that hold a value (refused when absurd, before calamine allocates it);
- formula cells with a cached value (loaded as shown, with a warning) and without one (refused);
- error cells, booleans and numbers with more than 15 significant digits (what Excel cannot show);
- numeric cells whose number format is a percentage (shown ×100 with ``%``, as Excel shows them);
- cells longer than ``MAX_CELL_CHARS`` characters.

The workbook as a whole is bounded first (``MAX_UNPACKED_BYTES`` unpacked, ``MAX_PART_BYTES`` per part)
from the zip directory alone, so a zip bomb costs nothing to refuse. Source of the rules:
``shared/spec/input-templates.md``, "Spreadsheet cells"; issue 12 for the bounds.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from lxml import etree

from app.errors import EXIT_INPUT_REFUSED, JixiaoError

MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # a whole workbook, unpacked
MAX_PART_BYTES = 512 * 1024 * 1024  # one sheet's XML or the shared strings
MAX_COLUMNS = 256  # no template has a tenth of that, even with x_ columns
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 30_000_000  # rows × columns of the extent calamine will allocate (~1 GB)
MAX_CELL_CHARS = 10_000

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_BUILTIN_PERCENT = {9, 10}
# built-in formats that show a fixed number of decimals: 0, 0.00, #,##0, #,##0.00, 0%, 0.00%, and the
# accounting ones (37–40, 43/44 without currency)
_BUILTIN_DECIMALS = {1: 0, 2: 2, 3: 0, 4: 2, 9: 0, 10: 2, 37: 0, 38: 0, 39: 2, 40: 2}
_BUILTIN_SCIENTIFIC = {11, 48}


class WorkbookRefused(JixiaoError):
    """The workbook (or one sheet) cannot be read safely; ``reason`` is the Chinese sentence for the user."""

    exit_code = EXIT_INPUT_REFUSED

    def __init__(self, reason: str, sheet: str | None = None, value: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.sheet = sheet
        self.value = value


@dataclass
class CellNote:
    """One exceptional cell: kind is formula | formula_no_value | error | bool | percent | long | digits."""

    kind: str
    shown: str  # the cell as Excel shows it (for error cells the error text), for the message


@dataclass
class SheetInfo:
    name: str
    visible: str  # visible | hidden | veryHidden
    max_row: int = 0  # 1-based extent of the cells that hold a value
    max_col: int = 0
    notes: dict[tuple[int, int], CellNote] = field(default_factory=dict)  # (row0, col0) -> note
    percent_cells: set[tuple[int, int]] = field(default_factory=set)
    # numeric cells whose number format prints a unit after the number (0.00"万元"): (row0, col0) -> 万元 | 元
    unit_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: set[int] = field(default_factory=set)  # 0-based rows a person does not see
    hidden_cols: set[int] = field(default_factory=set)  # 0-based columns hidden or of width 0
    zeros_hidden: bool = False  # the sheet is set to show zero values as blank cells


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(index: int) -> str:
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def beyond_15_digits(text: str) -> bool:
    """A stored number that Excel cannot show as written: more than 15 significant digits that are not
    binary noise. ``1234567890123456`` is refused (Excel shows 1234567890123460); ``77483.99000000001``
    (the double a program wrote for 77,483.99, one ulp away) is what Excel shows as 77483.99, and loads so.
    """
    mantissa = text.lower().split("e")[0].lstrip("+-").replace(".", "")
    if len(mantissa.strip("0")) <= 15:
        return False
    try:
        x = float(text)
    except ValueError:
        return True
    shown = float(f"{x:.15g}")
    return abs(x - shown) > 4 * math.ulp(x)


def _float(text: str | None, default: float) -> float:
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


def units_of(literal: str) -> set[str]:
    """The money units a number format prints after (or before) the number: {"万元"}, {"千元"}, …"""
    text = re.sub(r"\s", "", literal)
    return set(re.findall(r"亿元|千万元|百万元|十万元|万元|千元|百元|元|亿|万", text))


def _literals(section: str) -> str:
    """The text a number-format section prints as is: its quoted strings and backslash-escaped characters."""
    return "".join(q or e for q, e in re.findall(r'"([^"]*)"|\\(.)', section))


def format_kind(code: str) -> tuple[str | None, int | None]:
    """What a custom number format does to the number a cell holds, and the decimals it shows.

    Kinds: ``zeroblank`` (0.00;-0.00; shows 0 as blank), ``scaled`` (shows another number than it holds:
    ;;;, a [condition], 0.00E+00, thousands scaling 0.00,, text between digits, a money unit other than
    万元/元 or one only on negatives — refused), ``zeropad<n>`` (000000: a code with its leading zeros),
    ``shift<n>`` (0!.0000: a literal point n digits from the right), ``year`` (yyyy"年"), ``percent``,
    ``万元`` / ``元`` (0.00"万元": the unit printed after the number); None when it shows the number as is.
    Decimals: for formats that show a fixed number of them (0.00, #,##0, 0.0%), else None.
    """
    sections = code.split(";")
    section = sections[0]  # the format of positive numbers
    if len(sections) >= 3 and sections[2].strip() == "" and section.strip():
        return "zeroblank", None
    if (len(sections) > 1 and ";;" in code) or re.fullmatch(r"\s*;*\s*", code):
        return "scaled", None  # ;;; shows nothing
    if re.search(r"\[(?!\$|DBNum|红色|Red|Black|黑色|蓝色|Blue)[^\]]*\]", section):
        return "scaled", None  # [<10]"少": a condition decides what shows
    literals = _literals(section)
    other_units = [units_of(_literals(x)) for x in sections[1:3]]
    bare = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)
    plain = re.sub(r"[¥￥$€£\s()_*]|_.|\*.", "", bare)
    fixed = re.fullmatch(r"[#,0]*0(?:\.(0+))?%?", plain)
    kind: str | None = None
    decimals: int | None = None
    if re.fullmatch(r"0{2,}", plain):
        kind, decimals = f"zeropad{len(plain)}", 0
    elif fixed:  # what shows is the number rounded to these decimals
        decimals = len(fixed.group(1) or "")
    elif re.search(r"[0#?]\.?[0#?]*E[+-]", bare, re.I):
        kind = "scaled"  # three significant digits shown
    shift = re.fullmatch(r'[#,0]*0(?:!\.|\\\.|"\.")(0+)', section.strip())
    if shift:  # 2865000 shows as 286.5000 (in 万元 under a 单位：万元 banner): stored ÷ 10^4
        kind = f"shift{len(shift.group(1))}"
    elif re.search(r"[yY]", bare) and not re.search(r"[mMdDhHsS]", bare):
        kind = "year"
    elif re.search(r"[0#?],+(?![0#?])", bare) or re.search(r'[0#?](?:![^0#?]|\\.|"[^"]*")+[0#?]', section):
        kind = "scaled"  # thousands scaling, or text between the digits
    elif "%" in bare:
        kind = "percent"
    elif units_of(literals) or any(u != units_of(literals) for u in other_units):
        shown = units_of(literals)
        if shown in ({"万元"}, {"元"}) and all(u in (set(), shown) for u in other_units):
            kind = shown.pop()
        else:
            kind = "scaled"
    return kind, decimals


def excel_general(x: float) -> str:
    """A number of 12 digits or more as Excel's General format shows it: 4.3040623E+19 is ``4.30406E+19``."""
    mantissa, exponent = f"{x:.5E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa}E{int(exponent):+03d}"


class WorkbookInspector:
    """Opened once per workbook; ``sheet(name)`` inspects one sheet. Raises ``WorkbookRefused``."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise WorkbookRefused("XLSX 文件无法打开（文件损坏、被截断或不是 XLSX 格式）") from None
        total = sum(i.file_size for i in infos)
        if total > MAX_UNPACKED_BYTES:
            raise WorkbookRefused(
                f"XLSX 文件解压后过大（{total / 2**20:,.0f} MB，上限 {MAX_UNPACKED_BYTES // 2**20:,} MB）：疑似压缩炸弹或含大量无关内容"
            )
        for i in infos:
            if i.file_size > MAX_PART_BYTES:
                raise WorkbookRefused(
                    f"XLSX 文件的部件 {i.filename} 解压后过大（{i.file_size / 2**20:,.0f} MB）"
                )
        self._names = {i.filename for i in infos}
        try:
            self._sheets = self._sheet_parts()
            # cellXfs index -> what its number format does; cellXfs index -> decimals it shows
            self._style_kinds_by_id, self._decimals_by_style = self._number_formats()
        except WorkbookRefused:
            raise
        except (etree.XMLSyntaxError, ValueError, KeyError, zipfile.BadZipFile, OSError, EOFError) as e:
            raise WorkbookRefused(f"XLSX 文件无法打开（工作簿结构损坏：{type(e).__name__}）") from None
        self._long_strings: set[int] | None = None
        self._rich_strings: set[int] = set()

    # -- workbook parts -------------------------------------------------------------------------

    def _xml(self, part: str):
        return etree.fromstring(
            self.zip.read(part), parser=etree.XMLParser(resolve_entities=False, no_network=True)
        )

    def _sheet_parts(self) -> dict[str, tuple[str, str]]:
        """sheet name -> (part path, visibility)."""
        if "xl/workbook.xml" not in self._names:
            raise WorkbookRefused("XLSX 文件无法打开（缺少 xl/workbook.xml）")
        rels: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in self._names:
            for rel in self._xml("xl/_rels/workbook.xml.rels").iter(f"{_PKG_REL_NS}Relationship"):
                target = rel.get("Target", "")
                part = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join("xl", target))
                )
                rels[rel.get("Id", "")] = part
        out: dict[str, tuple[str, str]] = {}
        for s in self._xml("xl/workbook.xml").iter(f"{_NS}sheet"):
            out[s.get("name", "")] = (rels.get(s.get(f"{_REL_NS}id", ""), ""), s.get("state", "visible"))
        return out

    def _number_formats(self) -> tuple[dict[int, str], dict[int, int]]:
        """cellXfs index -> what its number format does to a cell (see ``format_kind``; "general", or "fixed"
        for a format that only rounds), and cellXfs index -> the decimals it shows."""
        if "xl/styles.xml" not in self._names:
            return {}, {}
        root = self._xml("xl/styles.xml")
        kinds_by_format: dict[int, str] = dict.fromkeys(_BUILTIN_PERCENT, "percent")
        kinds_by_format[0] = "general"
        kinds_by_format.update(dict.fromkeys(_BUILTIN_SCIENTIFIC, "scaled"))
        decimals_by_format: dict[int, int] = dict(_BUILTIN_DECIMALS)
        for nf in root.iter(f"{_NS}numFmt"):
            fid = int(nf.get("numFmtId", "-1") or -1)
            kind, decimals = format_kind(nf.get("formatCode", ""))
            if kind is not None:
                kinds_by_format[fid] = kind
            if decimals is not None:
                decimals_by_format[fid] = decimals
        kinds: dict[int, str] = {}
        decimals_by_style: dict[int, int] = {}
        xfs = root.find(f"{_NS}cellXfs")
        for i, xf in enumerate(xfs.findall(f"{_NS}xf") if xfs is not None else ()):
            fid = int(xf.get("numFmtId", "0"))
            if fid in kinds_by_format:
                kinds[i] = kinds_by_format[fid]
            if fid in decimals_by_format:
                decimals_by_style[i] = decimals_by_format[fid]
                kinds.setdefault(i, "fixed")
        return kinds, decimals_by_style

    def _shared_string_notes(self) -> set[int]:
        """Indexes of shared strings longer than MAX_CELL_CHARS (returned) and of rich strings with a
        superscript, subscript or strike-through run (kept in ``_rich_strings``); one pass, cached."""
        if self._long_strings is not None:
            return self._long_strings
        self._long_strings = set()
        if "xl/sharedStrings.xml" not in self._names:
            return self._long_strings
        index = 0
        try:
            with self.zip.open("xl/sharedStrings.xml") as fh:
                for _, si in etree.iterparse(
                    fh, events=("end",), tag=f"{_NS}si", huge_tree=True, resolve_entities=False
                ):
                    n = sum(len(t.text or "") for t in si.iter(f"{_NS}t"))
                    if n > MAX_CELL_CHARS:
                        self._long_strings.add(index)
                    elif any(
                        (va.get("val") in ("superscript", "subscript")) for va in si.iter(f"{_NS}vertAlign")
                    ) or any(st.get("val", "1") not in ("0", "false") for st in si.iter(f"{_NS}strike")):
                        self._rich_strings.add(index)  # 121000¹: a footnote mark that reads as a digit
                    index += 1
                    si.clear()
        except etree.XMLSyntaxError as e:
            raise WorkbookRefused(f"XLSX 文件的共享字符串无法读取：{e.msg}") from None
        return self._long_strings

    def visibility(self) -> dict[str, str]:
        return {name: vis for name, (_, vis) in self._sheets.items()}

    # -- one sheet ------------------------------------------------------------------------------

    def sheet(self, name: str) -> SheetInfo:
        part, visible = self._sheets.get(name, ("", "visible"))
        info = SheetInfo(name, visible)
        if part not in self._names:
            return info  # calamine will say what is wrong
        long_strings = self._shared_string_notes()
        style_kinds = self._style_kinds_by_id
        row_tag, c_tag, f_tag, v_tag, is_tag = (f"{_NS}row", f"{_NS}c", f"{_NS}f", f"{_NS}v", f"{_NS}is")
        max_row = max_col = 0
        last_row = 0  # rows without r= follow the previous one
        next_col = 0  # cells without r= follow the previous one in their row
        try:
            with self.zip.open(part) as fh:
                col_tag, view_tag = f"{_NS}col", f"{_NS}sheetView"
                for _, el in etree.iterparse(
                    fh,
                    events=("end",),
                    tag=(row_tag, c_tag, col_tag, view_tag),
                    huge_tree=True,
                    resolve_entities=False,
                ):
                    if el.tag == view_tag:
                        info.zeros_hidden = info.zeros_hidden or el.get("showZeros") in ("0", "false")
                        continue
                    if el.tag == col_tag:
                        hidden = el.get("hidden") in ("1", "true") or _float(el.get("width"), 1.0) == 0
                        lo, hi = int(_float(el.get("min"), 0)), int(_float(el.get("max"), 0))
                        if hidden and 0 < lo <= hi:
                            info.hidden_cols.update(range(lo - 1, min(hi, MAX_COLUMNS)))
                        continue
                    if el.tag == row_tag:
                        r = el.get("r")
                        last_row = int(r) if r and r.isdigit() else last_row + 1
                        if el.get("hidden") in ("1", "true") or (
                            el.get("ht") is not None and _float(el.get("ht"), 1.0) == 0
                        ):
                            info.hidden_rows.add(last_row - 1)
                        next_col = 0
                        el.clear()
                        parent = el.getparent()
                        if parent is not None:
                            while el.getprevious() is not None:
                                del parent[0]
                        continue
                    if (
                        len(el) == 0
                    ):  # no <v>, <f> or <is>: a formatted empty cell (a million of them is common)
                        next_col += 1
                        continue
                    ref = el.get("r")
                    m = _REF.match(ref) if ref else None
                    if m:
                        col = col_index(m.group(1))
                        row = int(m.group(2))
                    else:
                        r = el.getparent().get("r") if el.getparent() is not None else None
                        row = int(r) if r and r.isdigit() else last_row + 1
                        col = next_col
                    next_col = col + 1
                    f = v = inline = None
                    for child in el:  # one pass over <f>, <v>, <is> (a find each costs three)
                        tag = child.tag
                        if tag == v_tag:
                            v = child
                        elif tag == f_tag:
                            f = child
                        elif tag == is_tag:
                            inline = child
                    vtext = v.text if v is not None else None
                    has_value = bool(vtext) or inline is not None
                    if not has_value and f is None:
                        continue
                    if row > MAX_ROWS or col >= MAX_COLUMNS or (row * (col + 1)) > MAX_CELLS:
                        raise WorkbookRefused(
                            f"工作表的数据范围过大（单元格 {col_letters(col)}{row} 有内容；最多 {MAX_COLUMNS} 列、{MAX_CELLS:,} 个单元格）：请删除表格以外的内容后另存",
                            sheet=name,
                            value=f"{col_letters(col)}{row}",
                        )
                    if row > max_row:
                        max_row = row
                    if col >= max_col:
                        max_col = col + 1
                    t = el.get("t", "n")
                    style = el.get("s")
                    if style is not None and not style.isdigit():
                        style = None
                    if f is None and (
                        (t == "s" and not long_strings and not self._rich_strings)
                        or (t == "str" and len(vtext or "") <= MAX_CELL_CHARS)
                    ):
                        continue  # the common case: a plain string
                    if (
                        f is None
                        and t == "n"
                        and (style is None or style_kinds.get(int(style), "general") == "general")
                        and len(vtext) < 12
                        and not (info.zeros_hidden and vtext in ("0", "0.0"))
                    ):
                        continue  # the common case: a plain number of at most 11 characters (no note can apply)
                    key = (row - 1, col)
                    if f is not None and not vtext and inline is None and not (t == "str" and v is not None):
                        info.notes[key] = CellNote("formula_no_value", "=" + (f.text or ""))
                    elif t == "e":
                        info.notes[key] = CellNote("error", vtext or "")
                    elif t == "b":
                        info.notes[key] = CellNote("bool", "TRUE" if vtext == "1" else "FALSE")
                    elif t == "s" and vtext and vtext.isdigit() and int(vtext) in long_strings:
                        info.notes[key] = CellNote("long", "")
                    elif t == "s" and vtext and vtext.isdigit() and int(vtext) in self._rich_strings:
                        info.notes[key] = CellNote("rich", "")
                    elif (
                        inline is not None
                        and sum(len(x.text or "") for x in inline.iter(f"{_NS}t")) > MAX_CELL_CHARS
                    ) or (t in ("str", "inlineStr") and vtext and len(vtext) > MAX_CELL_CHARS):
                        info.notes[key] = CellNote("long", "")
                    elif f is not None:
                        info.notes[key] = CellNote("formula", "=" + (f.text or ""))
                    elif t == "n" and vtext and beyond_15_digits(vtext):
                        info.notes[key] = CellNote("digits", vtext)
                    kind = style_kinds.get(int(style or 0), "general") if t == "n" and vtext else None
                    shown_decimals = self._decimals_by_style.get(int(style or 0)) if kind else None
                    if shown_decimals is not None and key not in info.notes:
                        held = Decimal(f"{float(vtext):.15g}") * (100 if kind == "percent" else 1)
                        step = Decimal(1).scaleb(-shown_decimals)
                        if held != held.quantize(step, rounding=ROUND_HALF_UP):
                            shown = format(held.quantize(step, rounding=ROUND_HALF_UP), "f") + (
                                "%" if kind == "percent" else ""
                            )
                            info.notes[key] = CellNote(
                                "rounded",
                                f"{shown}（保存的值 {format(held.normalize(), 'f')}{'%' if kind == 'percent' else ''}）",
                            )
                    if kind == "percent":
                        info.percent_cells.add(key)
                    elif kind in ("万元", "元", "year") or (kind or "").startswith(("shift", "zeropad")):
                        info.unit_cells[key] = kind
                    elif (
                        (kind == "zeroblank" or info.zeros_hidden)
                        and key not in info.notes
                        and float(vtext) == 0
                    ):
                        info.notes[key] = CellNote("zero_blank", "0")
                    elif kind == "scaled" and key not in info.notes:
                        info.notes[key] = CellNote("scaled", vtext or "")
                    elif kind == "general" and key not in info.notes and abs(float(vtext)) >= 1e11:
                        info.notes[key] = CellNote("general_sci", excel_general(float(vtext)))
        except etree.XMLSyntaxError as e:
            raise WorkbookRefused(f"工作表无法读取（XML 损坏）：{e.msg}", sheet=name) from None
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise WorkbookRefused(
                f"XLSX 工作表无法读取（文件损坏或被截断）：{type(e).__name__}", sheet=name
            ) from None
        info.max_row, info.max_col = max_row, max_col
        return info
