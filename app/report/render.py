"""Render evaluation reports (评价报告) as Markdown, HTML, PDF or DOCX.

    render_report(warehouse, dept_code, year, framework_code, fmt, out) -> Path     one report
    render_bytes(con, dept_code, year, framework_code, fmt) -> bytes                one report in memory
    render_many(warehouse, out_dir, fmt, keys=None) -> list[Path]                   many, one connection

The wording and structure are in ``templates/report.md.j2`` (Markdown). Markdown is written as it is;
HTML/PDF and DOCX parse it into blocks (blocks.py) and lay them out with ``report.html.j2`` + ``report.css``
(WeasyPrint for PDF) or with python-docx and ``docx_style.toml`` (docx_writer.py).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Literal

import duckdb
import jinja2
from markupsafe import Markup, escape

from app import warehouse as W
from app.numbers import money, pct, score, value  # the one number formatter (also the dashboard's)
from app.report import blocks as B
from app.report import escape as E
from app.report.data import Key, ReportContext, ReportData, ReportNotFound, load_context
from app.report.docx_writer import write_docx

Format = Literal["md", "docx", "pdf", "html"]
FORMATS: tuple[str, ...] = ("md", "docx", "pdf", "html")
TEMPLATES = Path(__file__).resolve().parent / "templates"
MIME = {
    "md": "text/markdown",
    "html": "text/html",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

__all__ = [
    "FORMATS",
    "MIME",
    "ReportNotFound",
    "file_name",
    "render_bytes",
    "render_context",
    "render_many",
    "render_report",
]


# ---------------------------------------------------------------------------- number formats (filters): app.numbers


def num(x, dash: str = "—") -> str:
    return score(x, dash)


def pts(x, dash: str = "—") -> str:
    """Points with their unit: 90 -> '90 分'."""
    s = score(x, dash)
    return s if s == dash else f"{s} 分"


def cell_score(i) -> str:
    """An indicator's entry in the scoring table: points, letter, 不可评价 or 参考."""
    if i.get("letter"):
        return i["letter"]
    if i.get("is_info"):
        return "参考"
    if not i.get("assessable"):
        return "不可评价"
    return score(i.get("score"))


_CN = "零一二三四五六七八九"


def cn(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (section numbers)."""
    n = int(n)
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


_BARE_BAR = re.compile(r"(?<!\\)\|")


def cell(x) -> str:
    """Text safe inside a Markdown table cell. Values from the warehouse arrive escaped already (escape.md:
    every ``|`` is ``\\|``); a bar the template itself builds is escaped here."""
    if x is None:
        return ""
    return _BARE_BAR.sub(r"\\|", E.clean(x))


def sentence(x) -> str:
    """A sentence ending in 。 (unless it already ends in punctuation)."""
    if x is None:
        return ""
    s = str(x).strip()
    if not s:
        return ""
    return s if s[-1] in "。！？；.!?" else s + "。"


def inline_html(text: str) -> Markup:
    """Escape, then **bold** -> <strong>, line break -> <br>."""
    out = []
    for t, bold in B.runs(text or ""):
        e = str(escape(t)).replace("\n", "<br>")
        out.append(f"<strong>{e}</strong>" if bold else e)
    return Markup("".join(out))


FILTERS = {
    "money": money,
    "pct": pct,
    "score": score,
    "pts": pts,
    "cell_score": cell_score,
    "num": num,
    "value": value,
    "cn": cn,
    "cell": cell,
    "sentence": sentence,
}


@lru_cache(maxsize=1)
def _env_md() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    return env


@lru_cache(maxsize=1)
def _env_html() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    env.filters["inline"] = inline_html
    env.filters["plain"] = B.plain
    return env


_BLANKS = re.compile(r"\n{3,}")


_TOC = "<!-- toc -->"
TOC_TITLE = "目　录"


def render_markdown(ctx: ReportContext) -> str:
    """The report as Markdown, with the ``<!-- toc -->`` marker where the table of contents goes (HTML/PDF
    and DOCX build theirs from it). Every string from the warehouse is escaped first (escape.md), so a name
    from a submission prints as text and cannot add a heading, a table row, a list, a link or HTML."""
    text = _env_md().get_template("report.md.j2").render(**E.escape_context(ctx.as_dict()))
    return _BLANKS.sub("\n\n", text).strip() + "\n"


def markdown_with_toc(markdown: str) -> str:
    """The ``md`` format: the table-of-contents marker replaced by the list of sections (Markdown has no
    page numbers): 目录, then every level-2 heading and, indented, its level-3 headings."""
    if _TOC not in markdown:
        return markdown
    lines = [f"**{TOC_TITLE}**", ""]
    for b in B.toc_entries(B.parse(markdown)):
        lines.append(("- " if b.level == 2 else "  - ") + b.text)
    return markdown.replace(_TOC, "\n".join(lines), 1)


def render_html(ctx: ReportContext, markdown: str | None = None) -> str:
    md = markdown if markdown is not None else render_markdown(ctx)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    blocks = B.parse(md)
    return (
        _env_html()
        .get_template("report.html.j2")
        .render(
            **ctx.as_dict(),
            blocks=blocks,
            toc=B.toc_entries(blocks),
            toc_title=TOC_TITLE,
            css=Markup(css),
        )
    )


# ---------------------------------------------------------------------------- PDF (WeasyPrint)


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(ctx: ReportContext, markdown: str | None = None) -> bytes:
    import weasyprint

    html = render_html(ctx, markdown)
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf(font_config=_font_config())


# ---------------------------------------------------------------------------- DOCX


def render_docx(ctx: ReportContext, markdown: str | None = None) -> bytes:
    md = markdown if markdown is not None else render_markdown(ctx)
    return write_docx(B.parse(md), ctx.report["title"])


# ---------------------------------------------------------------------------- entry points


def render_context(ctx: ReportContext, fmt: Format) -> bytes:
    """One report's bytes in `fmt` from its context."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的报告格式：{fmt}（可选 {'、'.join(FORMATS)}）")
    md = render_markdown(ctx)
    if fmt == "md":
        return markdown_with_toc(md).encode("utf-8")
    if fmt == "html":
        return render_html(ctx, md).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(ctx, md)
    return render_docx(ctx, md)


def render_bytes(
    con: duckdb.DuckDBPyConnection, dept_code: str, year: int, framework_code: str, fmt: Format
) -> bytes:
    """One report in memory, on an open (read-only) connection. Raises ReportNotFound."""
    return render_context(load_context(con, dept_code, int(year), framework_code), fmt)


def render_report(
    warehouse: Path, dept_code: str, year: int, framework_code: str, fmt: Format, out: Path
) -> Path:
    """Write one report to `out` (a file; a folder gets a generated file name). Raises ReportNotFound."""
    out = Path(out)
    with contextlib.closing(W.connect_readonly(Path(warehouse))) as con:
        ctx = load_context(con, dept_code, int(year), framework_code)
    data = render_context(ctx, fmt)
    if out.is_dir():
        out = out / file_name(ctx, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return out


def file_name(ctx: ReportContext, fmt: str) -> str:
    """评价报告_<部门>_<年度>_<体系>.<ext>: no separators or control characters, at most ~200 bytes (file
    systems allow 255); a long department name is shortened."""
    name = E.file_stem(ctx.dept.get("dept_name") or ctx.key[0], max_bytes=120)
    return f"评价报告_{name}_{ctx.year}_{E.file_stem(ctx.key[2], max_bytes=40)}.{fmt}"


def render_many(
    warehouse: Path | None,
    out_dir: Path,
    fmt: Format,
    keys: Iterable[Key] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    chunk: int = 200,
    jobs: int = 1,
) -> list[Path]:
    """Reports for `keys` (default: every row of marts.fct_department_scores) into `out_dir` as
    ``<dept>_<year>_<framework>.<fmt>``, on one connection; the marts are read once per chunk of `chunk`
    departments. ``jobs > 1`` splits the departments over that many processes (each with its own
    read-only connection; needs `warehouse`). Unknown keys raise ReportNotFound."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    own = con is None
    if own:
        con = W.connect_readonly(Path(warehouse) if warehouse else None)
    try:
        if keys is None:
            keys = [
                (d, int(y), f)
                for d, y, f in con.execute(
                    "select dept_code, fiscal_year, framework_code from marts.fct_department_scores order by 1, 2, 3"
                ).fetchall()
            ]
        keys = list(keys)
        depts = sorted({k[0] for k in keys})
        if jobs > 1 and len(depts) > 1:
            return _render_parallel(
                Path(warehouse or W.default_warehouse()), out_dir, fmt, keys, depts, chunk, jobs
            )
        paths: list[Path] = []
        for start in range(0, len(depts), chunk):
            part = set(depts[start : start + chunk])
            batch = [k for k in keys if k[0] in part]
            data = ReportData(
                con,
                depts=sorted(part),
                years=sorted({k[1] for k in batch}),
                frameworks=sorted({k[2] for k in batch}),
            )
            for k in batch:
                ctx = data.context(*k)
                p = (
                    out_dir / f"{E.file_stem(k[0], 80)}_{k[1]}_{E.file_stem(k[2], 40)}.{fmt}"
                )  # codes come from submissions
                p.write_bytes(render_context(ctx, fmt))
                paths.append(p)
        return paths
    finally:
        if own:
            con.close()


def _render_part(warehouse: Path, out_dir: Path, fmt: Format, keys: list[Key], chunk: int) -> list[Path]:
    return render_many(warehouse, out_dir, fmt, keys=keys, chunk=chunk)


def _render_parallel(warehouse, out_dir, fmt, keys, depts, chunk, jobs) -> list[Path]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    groups = [set(depts[i::jobs]) for i in range(jobs)]
    parts = [[k for k in keys if k[0] in g] for g in groups if g]
    # spawn, not fork: the parent holds an open DuckDB connection
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=multiprocessing.get_context("spawn")) as ex:
        futures = [ex.submit(_render_part, warehouse, out_dir, fmt, part, chunk) for part in parts]
        return [p for f in futures for p in f.result()]
