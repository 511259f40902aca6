"""评价报告: the evaluation report an analyst signs, generated from the warehouse's public tables.

from app.report import render_report
render_report(Path("warehouse/jixiao.duckdb"), "430406-hrss", 2023, "hn_dept_overall", "docx", Path("报告.docx"))

data.py       ReportContext: one read-only connection, the marts read into plain dicts
blocks.py     the Markdown subset of the template, parsed into blocks for HTML/PDF and DOCX
render.py     Markdown / HTML / PDF (WeasyPrint) / DOCX (python-docx); one report or many
cli.py        `jixiao report …`
templates/    report.md.j2 (wording and structure), report.html.j2 + report.css (HTML/PDF layout),
              docx_style.toml (Word fonts and page) — editable without Python
"""

from app.report.data import ReportContext, ReportData, ReportNotFound, load_context
from app.report.render import (
    FORMATS,
    MIME,
    file_name,
    render_bytes,
    render_context,
    render_many,
    render_report,
)

__all__ = [
    "FORMATS",
    "MIME",
    "ReportContext",
    "ReportData",
    "ReportNotFound",
    "file_name",
    "load_context",
    "render_bytes",
    "render_context",
    "render_many",
    "render_report",
]
