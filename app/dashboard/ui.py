"""Shared pieces of the pages: the sidebar filters, tables with CSV/XLSX export, drill-down, small helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from app.dashboard import data, exports, fmt
from app.report.escape import break_autolinks
from app.report.escape import file_stem as _file_stem

HEATMAP_ROWS = 100  # 指标分析 draws this many departments unless the analyst asks for all (tests lower it)
MISSING = "—"  # what an empty cell shows (no earlier year, not assessable…) instead of Streamlit's "None"
PARTIAL_HELP = "等级后带 \\* 的（如“良\\*”）为部分评价：有指标因缺少数据不可评价，总分未计入这些分值，等级只基于已评价的部分。"

ALL = "__all__"
DEFAULT_FRAMEWORK = "hn_dept_overall"
DEPARTMENT_PAGE = "views/department.py"
FINDINGS_PAGE = "views/findings.py"


@dataclass(frozen=True)
class Filters:
    region: str | None  # None = every region
    region_name: str
    years: tuple[int, ...]  # the selected years, ascending (never empty)
    all_years: tuple[int, ...]
    framework: str
    framework_name: str
    scoring_mode: str  # points / letter
    scope: str  # department / project
    grade_basis: str  # total / normalized / letter
    complete_only: bool = (
        False  # leave partial grades (marts grade_is_partial) out of rankings and distributions
    )

    @property
    def year(self) -> int:
        """The latest selected year: the year of the league table and of the department page by default."""
        return self.years[-1]

    @property
    def is_letter(self) -> bool:
        return self.scoring_mode == "letter" or self.grade_basis == "letter"

    @property
    def score_col(self) -> str:
        return "normalized_score" if self.grade_basis == "normalized" else "total_score"

    def caption(self) -> str:
        yrs = "、".join(str(y) for y in self.years)
        return f"评价体系：{md(self.framework_name)} · 区划：{md(self.region_name)} · 年度：{yrs}"


# ---------------------------------------------------------------------------- text from submissions

_MD_SPECIAL = frozenset("\\`*_{}[]<>#|~:$&")
_MD_LEADING = re.compile(r"^([-+=])(?=\s|$|[-+=])|^(\d+)([.)])(?=\s|$)")


def md(text) -> str:
    """Text from a submission (a department's name…) for st.markdown, st.header, st.caption, st.info, button
    labels: every Markdown, directive (``:red[…]``, ``:material/…:``) and LaTeX (``$``) character escaped,
    line breaks collapsed, bare URLs and e-mail addresses broken by a zero-width space, so it shows as the
    text it is and cannot add a heading, a link or an image."""
    if text is None:
        return ""
    s = break_autolinks(" ".join(str(text).split()))
    s = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in s)
    # a list item, a quote or a heading underline can only start at the beginning (line breaks are gone)
    return _MD_LEADING.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), s, count=1
    )


def safe_file_stem(stem: str) -> str:
    """A download's file name (without extension) from text that may hold a department's name."""
    return _file_stem(stem, max_bytes=150)


# ---------------------------------------------------------------------------- persistent widget state


def multiselect(label: str, options, **kwargs):
    """`st.multiselect` without its "Select all" row: Streamlit draws that row in English (its frontend has no
    translation), and the dashboard speaks Chinese. A page that needs bulk selection offers its own 全选
    (e.g. 核对发现处理). Every multiselect of the dashboard goes through here (tests/test_dashboard.py checks)."""
    return st.multiselect(label, options, select_all=False, **kwargs)


def keep(key: str, default, valid: Callable[[object], bool] | None = None) -> None:
    """Give widget `key` its remembered value before it is created.

    Streamlit forgets the state of a widget that was not drawn in the last run (another page was
    showing); the mirror ``_keep_<key>`` survives, so a page comes back as it was left.
    """
    mirror = f"_keep_{key}"
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(mirror, default)
    if valid is not None and not valid(st.session_state[key]):
        st.session_state[key] = default


def remember(key: str) -> None:
    if key in st.session_state:
        st.session_state[f"_keep_{key}"] = st.session_state[key]


# ---------------------------------------------------------------------------- sidebar


def sidebar() -> Filters:
    st.session_state["_print_tables"] = False  # print_styles() turns it on for the pages that print
    chrome_styles()
    fws = data.frameworks()
    if fws.empty:
        st.error(
            "仓库中还没有评分结果（marts.fct_department_scores 为空）。请先导入数据并运行 jixiao build。"
        )
        st.stop()
    regions = data.regions()
    all_years = data.years()
    if not all_years:
        st.error("仓库中没有任何年度的数据。")
        st.stop()

    # a deep link (…?fw=hn_dept_overall) chooses the framework once
    qp_fw = st.query_params.get("fw")
    if qp_fw and qp_fw in set(fws.framework_code) and st.session_state.get("_qp_fw") != qp_fw:
        st.session_state["f_framework"] = qp_fw
        st.session_state["_qp_fw"] = qp_fw

    codes = fws.framework_code.tolist()
    names = dict(zip(fws.framework_code, fws.framework_name))
    # a 地区 user has no all-regions option: the all-regions aggregates are not in her extract
    region_opts = ([] if data.restricted() else [ALL]) + regions.region_code.tolist()
    if not region_opts:
        st.error("您可查看的区划在仓库中没有任何部门。请联系管理员核对您的区划代码。")
        st.stop()
    region_names = dict(zip(regions.region_code, regions.region_name))

    default_fw = DEFAULT_FRAMEWORK if DEFAULT_FRAMEWORK in codes else codes[0]
    keep("f_framework", default_fw, lambda v: v in codes)
    keep("f_region", region_opts[0], lambda v: v in region_opts)
    keep("f_years", list(all_years), lambda v: isinstance(v, list) and all(y in all_years for y in v))

    with st.sidebar:
        st.markdown("### 筛选")
        region = st.selectbox(
            "区划",
            region_opts,
            key="f_region",
            format_func=lambda c: "全部区划" if c == ALL else f"{region_names.get(c, c)}（{c}）",
            help="只看该区划的部门。",
        )
        years = multiselect(
            "年度",
            all_years,
            key="f_years",
            help="可选一个或多个年度。总览与指标分析显示所选年度中最近的一年，年度趋势显示全部所选年度。",
            placeholder="选择年度",
        )
        framework = st.selectbox(
            "评价体系",
            codes,
            key="f_framework",
            format_func=lambda c: names.get(c, c),
            help="评分所依据的指标体系（权重、阈值、规则原文均来自体系定义）。",
        )
        for k in ("f_framework", "f_region", "f_years"):
            remember(k)
        if not years:
            st.caption("未选择年度：按全部年度显示。")
        keep("f_complete_only", False, lambda v: isinstance(v, bool))
        complete_only = st.toggle(
            "排名与分布不含部分评价",
            key="f_complete_only",
            help=PARTIAL_HELP + " 打开后，排名、等级分布、平均分等统计只含全部指标都已评价的部门。",
        )
        remember("f_complete_only")
        st.divider()
        wh = data.warehouse_path()
        st.caption(f"仓库：`{wh.name}` · 更新于 {data.built_at()}")

    row = fws[fws.framework_code == framework].iloc[0]
    return Filters(
        region=None if region == ALL else region,
        region_name="全部区划" if region == ALL else region_names.get(region, region),
        years=tuple(sorted(years or all_years)),
        all_years=tuple(all_years),
        framework=framework,
        framework_name=str(row.get("framework_name") or framework),
        scoring_mode=str(row.get("scoring_mode") or "points"),
        scope=str(row.get("scope") or "department"),
        grade_basis=str(row.get("grade_basis") or "total"),
        complete_only=bool(complete_only),
    )


def filters() -> Filters:
    f = st.session_state.get("_filters")
    if f is None:  # a page run without main.py (should not happen)
        f = sidebar()
    return f


# ---------------------------------------------------------------------------- tables with export


def column_config(
    df: pd.DataFrame,
    money: Iterable[str] = (),
    pct: Iterable[str] = (),
    score: Iterable[str] = (),
    ints: Iterable[str] = (),
    wide: Iterable[str] = (),
    medium: Iterable[str] = (),
    links: dict[str, str] | None = None,
    localized: Iterable[str] = (),
) -> dict:
    cfg: dict = {}
    cols = set(df.columns)
    for c in money:
        if c in cols:
            cfg[c] = st.column_config.NumberColumn(c, format="%,.2f")
    for c in pct:
        if c in cols:
            cfg[c] = st.column_config.NumberColumn(c, format="%.2f%%")
    for c in score:
        if c in cols:
            cfg[c] = st.column_config.NumberColumn(c, format="%g")
    for c in ints:
        if c in cols:
            cfg[c] = st.column_config.NumberColumn(c, format="%d")
    for c in localized:  # mixed amounts, rates, scores (findings): the browser's 1,234.56
        if c in cols:
            # wide enough for 6,504,327.95: a narrow column cut such amounts on the left
            cfg[c] = st.column_config.NumberColumn(c, format="localized", width="medium")
    for c in wide:
        if c in cols:
            cfg[c] = st.column_config.TextColumn(c, width="large")
    for c in medium:
        if c in cols:
            cfg[c] = st.column_config.TextColumn(c, width="medium")
    for c, text in (links or {}).items():
        if c in cols:
            cfg[c] = st.column_config.LinkColumn(c, display_text=text)
    return cfg


def table(
    df: pd.DataFrame,
    key: str,
    *,
    file_stem: str,
    money: Iterable[str] = (),
    pct: Iterable[str] = (),
    score: Iterable[str] = (),
    ints: Iterable[str] = (),
    wide: Iterable[str] = (),
    medium: Iterable[str] = (),
    links: dict[str, str] | None = None,
    localized: Iterable[str] = (),
    selectable: bool = False,
    height: int | str = "auto",
    export_exclude: Iterable[str] = (),
    xlsx_title: str | None = None,
    wrap: bool = False,
):
    """A dataframe with CSV and XLSX download buttons under it. Returns the selection event if selectable.
    An empty frame shows a sentence instead (the grid would print "empty") and no buttons.

    wrap=True: a static table whose long text wraps in its cell (a grid cell cuts it off), for a few rows of
    sentences (PEFA's 含义, 评定依据, 评分规则); numbers formatted by the same rule; not selectable."""
    if df.empty:
        no_data("没有符合条件的记录。")
        return None
    if wrap:
        shown = df.drop(columns=[c for c in export_exclude if c in df.columns])
        st.html(
            print_table_html(
                shown, money=money, pct=pct, score=score, ints=ints, klass=STATIC_TABLE, limit=len(shown)
            )
        )
        export_buttons(shown, key, file_stem, money=money, pct=pct, score=score, title=xlsx_title)
        return None
    money, pct, score = list(money), list(pct), list(score)
    rounded = [c for c in score if c in df.columns and pd.api.types.is_float_dtype(df[c])]
    if rounded:  # "%g" prints a float's shortest form: round first so 40.989999… shows as 40.99
        df = df.assign(**{c: df[c].round(2) for c in rounded})
    cfg = column_config(df, money, pct, score, ints, wide, medium, links, localized)
    kwargs = {
        "hide_index": True,
        "column_config": cfg,
        "width": "stretch",
        "height": height,
        "key": key,
        "placeholder": MISSING,
    }
    if selectable:
        event = st.dataframe(df, on_select="rerun", selection_mode="single-row", **kwargs)
    else:
        event = st.dataframe(df, **kwargs)
    if st.session_state.get("_print_tables"):  # 总览, 部门详情: a static copy that prints whole
        shown = df.drop(columns=[c for c in export_exclude if c in df.columns])
        st.html(print_table_html(shown, money=money, pct=pct, score=score, ints=ints))
    export_buttons(
        df.drop(columns=[c for c in export_exclude if c in df.columns]),
        key,
        file_stem,
        money=money,
        pct=pct,
        score=score,
        title=xlsx_title,
    )
    return event


def export_buttons(
    df: pd.DataFrame,
    key: str,
    file_stem: str,
    *,
    money=(),
    pct=(),
    score=(),
    title: str | None = None,
    sheets: dict | None = None,
) -> None:
    """Two download buttons; the files are made only when clicked (deferred data), so drawing them is free.
    In a horizontal container each button is as wide as its label (narrow columns cut the labels)."""
    row = st.container(horizontal=True, gap="small")
    c1 = c2 = row
    c1.download_button(
        "下载 CSV",
        data=lambda: exports.csv_bytes(df),
        file_name=f"{safe_file_stem(file_stem)}.csv",
        mime="text/csv",
        key=f"{key}__csv",
        on_click="ignore",
        icon=":material/download:",
    )
    c2.download_button(
        "下载 Excel",
        data=lambda: exports.xlsx_bytes(sheets or df, money=money, pct=pct, score=score, title=title),
        file_name=f"{safe_file_stem(file_stem)}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}__xlsx",
        on_click="ignore",
        icon=":material/table_view:",
    )


# ---------------------------------------------------------------------------- drill-down


DEPARTMENT_TABS = {"score": "评分", "inputs": "基础数据", "findings": "核对发现", "history": "历年"}


def department_link(dept: str, year: int, framework: str, tab: str | None = None) -> str:
    """A relative URL of the department page (opens in a new tab from a LinkColumn); `tab` (a key of
    DEPARTMENT_TABS, e.g. "findings") is the tab it opens on."""
    from urllib.parse import urlencode

    params = {"dept": dept, "year": int(year), "fw": framework}
    if tab:
        params["tab"] = tab
    return "department?" + urlencode(params)


def open_department(dept: str, year: int, framework: str, tab: str | None = None) -> None:
    st.session_state["_goto_dept"] = (dept, int(year))
    params = {"dept": dept, "year": str(int(year)), "fw": framework}
    if tab:
        params["tab"] = tab
    st.switch_page(DEPARTMENT_PAGE, query_params=params)


def drill_down_button(
    df: pd.DataFrame,
    event,
    framework: str,
    key: str,
    name_col: str = "部门",
    code_col: str = "dept_code",
    year_col: str = "fiscal_year",
    tab: str | None = None,
) -> None:
    """Under a selectable table: a button that opens the selected row's department-year (on `tab`)."""
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if not rows:
        st.caption("在表格左侧勾选一行，可打开该部门的详情。")
        return
    r = df.iloc[rows[0]]
    label = f"打开部门详情：{md(r[name_col])}（{int(r[year_col])} 年）"
    if st.button(label, key=f"{key}__open", type="primary", icon=":material/arrow_forward:"):
        open_department(str(r[code_col]), int(r[year_col]), framework, tab)


# ---------------------------------------------------------------------------- small helpers


def grade_badge(g: str | None, partial=False) -> str:
    if not g or (isinstance(g, float) and g != g):
        return "—"
    color = fmt.GRADE_COLORS.get(g)
    text = md(fmt.grade_text(g, partial))
    return f":{_streamlit_color(color)}-badge[{text}]" if color else text


def _streamlit_color(hex_color: str | None) -> str:
    return {"#2e7d32": "green", "#1976d2": "blue", "#f9a825": "orange", "#c62828": "red"}.get(
        hex_color or "", "gray"
    )


def no_data(msg: str = "所选范围内没有数据。") -> None:
    st.info(msg, icon=":material/info:")


# ---------------------------------------------------------------------------- grades


def grade_help(framework: str) -> str:
    """The tooltip of a grade: the framework's own scale (marts.dim_framework_grade, best first), and what
    the * of a partial grade means."""
    bands = data.grades(framework)
    scale = "；".join(str(t) for t in bands["band_text"] if t) if not bands.empty else ""
    letter = not bands.empty and (bands["grade_basis"] == "letter").all() if "grade_basis" in bands else False
    return scale if letter else f"{scale}。{PARTIAL_HELP}".lstrip("。")


def grade_cells(grades: Iterable, partial: Iterable, shares: Iterable | None = None) -> list[str]:
    """A table's 等级 column: '良', '良*' (partial), '—' (none), '未评分' where `shares` (the marts'
    assessed_share, %) is 0: nothing could be assessed."""
    shares = list(shares) if shares is not None else None
    out = [fmt.grade_text(g, p) for g, p in zip(grades, partial)]
    if shares is not None:
        out = [UNSCORED if fmt.to_decimal(s) == 0 else t for t, s in zip(out, shares)]
    return out


UNSCORED = "未评分"  # no indicator could be assessed: no total, no grade (never "0 分")


def unscored(shares: Iterable) -> list[bool]:
    """Rows where nothing could be assessed (assessed_share = 0): their total shows as missing, not 0."""
    return [fmt.to_decimal(s) == 0 for s in shares]


def partial_caption(n_partial: int, what: str = "部门") -> None:
    """Under a table or chart that holds partial grades: say how many and what the * means."""
    if n_partial:
        st.caption(f"其中 {n_partial} 个{what}为部分评价（等级带 \\*）。{PARTIAL_HELP}")


# ---------------------------------------------------------------------------- charts: formats by rule

AXIS_FORMATS = {  # d3 formats of the one rule: amounts 元 with separators, rates % with 2 decimals, counts integers
    "money": ",.2f",
    "wan": ",.2f",
    "pct": ".2f",
    "count": "d",
    "score": ".2~f",
}


def axis(kind: str, title: str | None = None, **kw) -> alt.Axis:
    """An Altair axis formatted by the rule for `kind` (money / wan / pct / count / score)."""
    opts = {"format": AXIS_FORMATS[kind], "title": title}
    if kind == "pct":
        opts["labelExpr"] = "datum.label + '%'"
    if kind == "count":
        opts["tickMinStep"] = 1
    opts.update(kw)
    return alt.Axis(**opts)


LEGEND_CHROME = 80  # px a vertical colour legend needs besides its gradient: title, end labels, padding


def legend_length(height: int) -> int:
    """The gradient length (px) of a vertical colour legend beside a chart `height` px high: short enough
    that the legend's title, gradient and both end labels (the 0 at the bottom) fit; Vega-Lite's default
    200 px is cut off beside a low chart. At least 40 px, at most the default 200."""
    return max(40, min(200, int(height) - LEGEND_CHROME))


def tip(field: str, kind: str, title: str | None = None) -> alt.Tooltip:
    """A tooltip formatted by the same rule (a rate shows 99.08, an amount 1,234.56, a count 3)."""
    return alt.Tooltip(field, title=title, format=AXIS_FORMATS[kind])


def numeric(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    """`df` with `cols` (DECIMAL from DuckDB arrives as Python Decimals) as floats, so a chart treats them as
    numbers and never prints '90.000000'."""
    return df.assign(
        **{c: pd.to_numeric(df[c], errors="coerce").astype(float) for c in cols if c in df.columns}
    )


# ---------------------------------------------------------------------------- page chrome and print

_CHROME_CSS = """
<style>
.jx-print-table { display: none; }
/* the toolbar's Deploy button and ⋮ menu are for developers, and in English */
[data-testid="stToolbar"], [data-testid="stAppDeployButton"], [data-testid="stMainMenu"] { display: none !important; }
/* a static table (ui.table wrap=True): long text wraps in its cell instead of being cut off */
.jx-static-table table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
.jx-static-table th, .jx-static-table td { border: 1px solid rgba(49, 51, 63, 0.15); padding: 0.35rem 0.6rem;
  vertical-align: top; text-align: left; overflow-wrap: anywhere; }
.jx-static-table th { background: rgba(49, 51, 63, 0.04); font-weight: 400; color: rgba(49, 51, 63, 0.8); white-space: nowrap; }
.jx-static-table td.n { text-align: right; white-space: nowrap; }
.jx-static-table td.s { white-space: nowrap; }
/* download buttons keep their labels on one line */
[data-testid="stDownloadButton"] button { white-space: nowrap; min-width: max-content; }
</style>
"""

PRINT_CSS = """
<style>
@media print {
  @page { size: A4 portrait; margin: 14mm 12mm 14mm 12mm; }
  html, body { background: #fff !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stBaseButton-primary"], [data-testid="stBaseButton-secondary"],
  [data-testid="stElementToolbar"], [data-testid="stSegmentedControl"], .stButton, .stDownloadButton,
  [data-testid="stCheckbox"], [data-testid="stToggle"] { display: none !important; }
  [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"], section.main,
  .main .block-container { position: static !important; overflow: visible !important; height: auto !important;
    max-width: 100% !important; width: 100% !important; padding: 0 !important; margin: 0 !important; }
  [data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], [data-testid="stTable"], [data-testid="stMetric"],
  [data-testid="stHorizontalBlock"], figure, canvas, svg { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  [data-testid="stExpander"] details { border: none !important; }
  [data-testid="stDataFrame"] { display: none !important; }
  .jx-print-table { display: block !important; break-inside: auto; }
  .jx-print-table table { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
  .jx-print-table th, .jx-print-table td { border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; }
  .jx-print-table th { background: #eef2f7; }
  .jx-print-table td.n { text-align: right; white-space: nowrap; }
  .jx-print-table th, .jx-print-table td.s { white-space: nowrap; }
  .jx-print-table td:not(.n):not(.s) { min-width: 45mm; }
  .jx-print-table tr { break-inside: avoid; page-break-inside: avoid; }
  .jx-print-table thead { display: table-header-group; }
  * { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
}
</style>
"""


def chrome_styles() -> None:
    """Hide Streamlit's developer toolbar (English) and keep download labels whole: on every page."""
    st.html(_CHROME_CSS)


def print_styles() -> None:
    """The A4 print stylesheet (总览, 部门详情): no sidebar, toolbar or buttons; charts whole; every table
    of the page also as a static HTML copy, shown only in print (the interactive grid prints only the rows
    in view)."""
    st.session_state["_print_tables"] = True
    st.html(PRINT_CSS)


STATIC_TABLE = (
    "jx-static-table"  # a table shown on screen and in print, its text wrapping (ui.table wrap=True)
)
PRINT_ROWS = 300  # a printed table stops here (a note says how many rows were left out)


def print_table_html(
    df: pd.DataFrame,
    *,
    money: Iterable[str] = (),
    pct: Iterable[str] = (),
    score: Iterable[str] = (),
    ints: Iterable[str] = (),
    klass: str = "jx-print-table",
    limit: int | None = None,
) -> str:
    """`df` as a static HTML table, numbers formatted by the one rule (app.numbers): by default the print
    copy of a grid, hidden on screen (class jx-print-table); with klass=STATIC_TABLE shown on screen too.
    At most `limit` rows (PRINT_ROWS), then a note."""
    limit = PRINT_ROWS if limit is None else limit
    import html as _html

    money, pct, score, ints = set(money), set(pct), set(score), set(ints)

    def cell(c, v) -> str:
        if c in money:
            t = fmt.money(v)
        elif c in pct:
            t = fmt.pct(v)
        elif c in score:
            t = fmt.score(v)
        elif c in ints:
            t = MISSING if fmt.to_decimal(v) is None else f"{int(fmt.to_decimal(v))}"
        elif v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            t = MISSING
        else:
            t = str(v)
        klass = ' class="n"' if c in money | pct | score | ints else ' class="s"' if len(t) <= 10 else ""
        return f"<td{klass}>{_html.escape(t)}</td>"

    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(
        "<tr>" + "".join(cell(c, v) for c, v in zip(df.columns, r)) + "</tr>"
        for r in df.head(limit).itertuples(index=False)
    )
    more = (
        f'<p class="more">另有 {len(df) - limit} 行未打印，请下载 Excel 查看全部。</p>'
        if len(df) > limit
        else ""
    )
    return (
        f'<div class="{klass}"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}</div>'
    )
