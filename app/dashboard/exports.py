"""CSV and XLSX bytes for any table the dashboard shows.

CSV is UTF-8 with a BOM (Excel on Chinese Windows opens it correctly) and CRLF line ends; numbers are
written unformatted.
XLSX keeps numbers as numbers, with the report's display formats: amounts ``#,##0.00``, rates ``0.00"%"``
(the cell holds 99.08 and shows 99.08%, as in the warehouse), scores ``0.##``.

Both are safe to open (OWASP "CSV injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return (a department name ``=HYPERLINK(…)`` from a submission, a SQL result) gets a leading
``'`` so that Excel, WPS and LibreOffice show it as text instead of evaluating it; numbers stay numbers
(``-79703.00`` is a number, not text). XLSX is written with xlsxwriter's ``strings_to_formulas`` and
``strings_to_urls`` off, so no cell of the workbook is ever a formula or a hyperlink.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping

import pandas as pd

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def neutralise(v):
    """A text value that a spreadsheet would read as a formula, with a leading ``'``; anything else unchanged."""
    if isinstance(v, str) and v.startswith(FORMULA_LEAD):
        return "'" + v
    return v


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every text cell (and column name) neutralised; numeric columns untouched."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(neutralise)
    out.columns = [neutralise(c) if isinstance(c, str) else c for c in out.columns]
    return out


def csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV: CRLF line ends, so a field holding a carriage return or a line feed is always quoted
    (with a bare LF terminator Python's csv writer leaves a lone CR unquoted, and the row splits in two)."""
    return safe_frame(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", name or "Sheet")[:31] or "Sheet"
    out, i = base, 2
    while out in used:
        suffix = f"_{i}"
        out = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(out)
    return out


def _excel_ready(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        s = out[c]
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            out[c] = s.dt.tz_localize(None)
        elif s.dtype == object:
            # lists, dicts, Decimals, bytes from ad-hoc SQL: Excel takes numbers and text only
            out[c] = s.map(
                lambda v: (
                    v
                    if v is None or isinstance(v, (str, int, float, bool)) or pd.isna(v)
                    else (float(v) if hasattr(v, "as_tuple") else str(v))
                )
            )
    return safe_frame(out)


def xlsx_bytes(
    sheets: pd.DataFrame | Mapping[str, pd.DataFrame],
    *,
    money: Iterable[str] = (),
    pct: Iterable[str] = (),
    score: Iterable[str] = (),
    title: str | None = None,
) -> bytes:
    """One workbook; `sheets` is a frame or {sheet name: frame}. Columns named in money/pct/score get formats."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"数据": sheets}
    money, pct, score = set(money), set(pct), set(score)
    buf = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buf, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        wb = xw.book
        f_head = wb.add_format(
            {"bold": True, "bg_color": "#eef2f7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        f_money = wb.add_format({"num_format": "#,##0.00"})
        f_pct = wb.add_format({"num_format": '0.00"%"'})
        f_score = wb.add_format({"num_format": "0.##"})
        f_title = wb.add_format({"bold": True, "font_size": 13})
        used: set[str] = set()
        for name, df in sheets.items():
            sheet = _sheet_name(name, used)
            start = 2 if title else 0
            data = _excel_ready(df)
            data.to_excel(xw, sheet_name=sheet, index=False, startrow=start)
            ws = xw.sheets[sheet]
            if title:
                ws.write_string(0, 0, neutralise(str(title)), f_title)
            for j, col in enumerate(data.columns):
                ws.write_string(start, j, str(col), f_head)
                sample = data[col].astype(str).str.len()
                width = min(
                    max(len(str(col)) * 2 + 2, int(sample.quantile(0.9)) + 2 if len(sample) else 8, 8), 60
                )
                fmt = f_money if col in money else f_pct if col in pct else f_score if col in score else None
                ws.set_column(j, j, width, fmt)
            ws.freeze_panes(start + 1, 0)
            if len(data):
                ws.autofilter(start, 0, start + len(data), max(len(data.columns) - 1, 0))
    return buf.getvalue()
