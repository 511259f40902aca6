"""Data Docs that open offline: GX's pages without their CDN assets, and a static index in Chinese.

GX's Data Docs pull Bootstrap, jQuery, bootstrap-table and Font Awesome from CDNs, and GX's own index page
is filled in by that JavaScript: on a finance bureau's intranet (or here, with no network) it shows an
empty page, and a blocked CDN can hold the page blank until the browser gives up. So after GX renders the
site we:

- strip the external <script>/<link>/<img> references from every page and inline a small stylesheet
  (tables, and the pass/fail icons as ✔ / ✘ characters);
- keep GX's index as ``gx_index.html`` and write ``index.html``: a static page listing the run, the
  findings by severity and every suite with its status, counts, failing expectations and links to GX's
  validation-result and suite pages (which are static HTML and read fine offline).

No great_expectations import here.
"""

from __future__ import annotations

import html
import os
import re
import shutil
from pathlib import Path

_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>", re.I)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=\"https?://[^\"]*\"[^>]*>", re.I)
_EXTERNAL_IMG = re.compile(r"<img[^>]*\bsrc=\"https?://[^\"]*\"[^>]*/?>", re.I)
_EXTERNAL_CSS_URL = re.compile(r"url\(\s*['\"]?https?://[^)]*\)", re.I)
_NEWSLETTER = re.compile(r"Stay current on everything GX with our newsletter.*?</a>", re.I | re.S)

OFFLINE_CSS = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0 1.5rem 2rem;
       color: #222; font-size: 14px; }
table { border-collapse: collapse; margin: .4rem 0; }
th, td { border: 1px solid #d0d7de; padding: .25rem .5rem; vertical-align: top; text-align: left; }
th { background: #f3f5f7; }
a { color: #0b5cad; }
.fa-check-circle::before, .fa-check::before { content: "✔"; color: #1a7f37; font-style: normal; font-weight: bold; }
.fa-times::before, .fa-times-circle::before { content: "✘"; color: #cf222e; font-style: normal; font-weight: bold; }
.fa-exclamation-triangle::before { content: "⚠"; color: #9a6700; font-style: normal; }
.text-danger { color: #cf222e; } .text-success { color: #1a7f37; }
.jx-ok { color: #1a7f37; font-weight: bold; } .jx-fail { color: #cf222e; font-weight: bold; }
td.jx-nw, th.jx-nw { white-space: nowrap; }
.jx-note { color: #57606a; } .jx-small { font-size: 12px; color: #57606a; }
footer, .fixed-bottom, .sticky-top, nav.navbar { position: static !important; }
h1 { font-size: 1.5rem; margin: 1rem 0 .3rem; } h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; }
"""

_STYLE_TAG = '<style id="jixiao-offline">' + OFFLINE_CSS + "</style>"


def make_offline(site: Path) -> None:
    """Strip CDN references from every GX page and inline the offline stylesheet."""
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        text = _EXTERNAL_SCRIPT.sub("", text)
        text = _EXTERNAL_LINK.sub("", text)
        text = _EXTERNAL_IMG.sub("<strong>jixiao · Great Expectations</strong>", text)
        text = _EXTERNAL_CSS_URL.sub("none", text)
        text = _NEWSLETTER.sub("", text)
        if "jixiao-offline" not in text:
            text = text.replace("</head>", _STYLE_TAG + "</head>", 1)
        page.write_text(text, encoding="utf-8")


def validation_pages(site: Path) -> dict[str, str]:
    """suite name -> its validation-result page, relative to the site (one run per site)."""
    out: dict[str, str] = {}
    vdir = site / "validations"
    if vdir.is_dir():
        for suite_dir in vdir.iterdir():
            pages = sorted(suite_dir.rglob("*.html"))
            if pages:
                out[suite_dir.name] = pages[-1].relative_to(site).as_posix()
    return out


SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {"integrity": "完整性（失败则不替换仓库）", "findings": "核对发现（只报告）"}


def write_index(site: Path, outcome) -> Path:
    """The static index.html (GX's own index, which needs the CDN scripts, is kept as gx_index.html)."""
    gx_index = site / "index.html"
    if gx_index.exists():
        gx_index.replace(site / "gx_index.html")
    e = html.escape
    rows = []
    for s in outcome.suites:
        status = '<span class="jx-ok">✔ 通过</span>' if s.success else '<span class="jx-fail">✘ 未通过</span>'
        page = f'<a href="{e(s.docs_page)}">{e(s.name)}</a>' if s.docs_page else e(s.name)
        suite_page = (
            f' · <a href="expectations/{e(s.name)}.html">期望</a>'
            if (site / "expectations" / f"{s.name}.html").exists()
            else ""
        )
        failed = [] if s.problem else [r for r in s.results if not r.success]
        problems = ""
        if s.problem:
            problems += f'<div class="jx-fail">{e(s.problem)}</div>'
        if failed:
            items = "".join(
                f"<li>{e(r.description or r.expectation)}"
                + (f"（{e(r.column)}）" if r.column else "")
                + f'：<span class="jx-note">{e(r.observed or "")}</span>'
                + (
                    f'<div class="jx-small">{e(r.details)}</div>'
                    if r.details and r.details != r.description
                    else ""
                )
                + "</li>"
                for r in failed[:20]
            )
            problems += f"<ul>{items}</ul>"
        rows.append(
            f'<tr><td class="jx-nw">{status}</td><td>{e(s.title)}<div class="jx-small">{page}{suite_page}</div></td>'
            f"<td>{e(KIND_ZH.get(s.kind, s.kind))}</td><td>{s.successful} / {s.evaluated}</td><td>{problems}</td></tr>"
        )
    counts = (
        "，".join(f"{SEVERITY_ZH.get(k, k)} {v} 条" for k, v in outcome.findings_by_severity.items()) or "无"
    )
    top = "".join(
        f'<tr><td class="jx-nw">{e(SEVERITY_ZH.get(f["severity"], f["severity"]))}</td><td class="jx-nw">{e(f["dept_code"])}</td>'
        f"<td>{e(str(f['fiscal_year']))}</td><td>{e(f['check_code'])}</td><td>{e(f['item'] or '')}</td><td>{e(f['message'] or '')}</td></tr>"
        for f in outcome.top_findings
    )
    shown, total = len(outcome.top_findings), sum(outcome.findings_by_severity.values())
    more = f"；下表为最严重的 {shown} 条，完整列表见看板或该表" if total > shown else ""
    passed = sum(s.success for s in outcome.suites)
    verdict = (
        '<span class="jx-ok">完整性检查全部通过</span>'
        if outcome.integrity_success
        else '<span class="jx-fail">完整性检查未通过：本次构建没有替换仓库</span>'
    )
    page = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>jixiao 数据检查（Great Expectations Data Docs）</title>
{_STYLE_TAG}</head><body>
<h1>jixiao 数据检查 · Great Expectations Data Docs</h1>
<div>运行编号 <code>{e(outcome.run_id)}</code>，时间 {e(outcome.run_at.strftime("%Y-%m-%d %H:%M:%S"))}，仓库 <code>{e(str(outcome.live_warehouse or outcome.warehouse))}</code></div>
<div>{verdict}；{len(outcome.suites)} 个套件，{passed} 个通过，{len(outcome.suites) - passed} 个未通过。</div>
<h2>核对发现（marts.fct_reconciliation_findings）</h2>
<div>按严重程度：{e(counts)}{more}</div>
{f"<table><tr><th>级别</th><th>部门</th><th>年度</th><th>检查</th><th>对象</th><th>说明</th></tr>{top}</table>" if top else ""}
<h2>套件</h2>
<table><tr><th>状态</th><th>套件</th><th>类别</th><th>通过 / 期望</th><th>未通过的期望</th></tr>
{"".join(rows)}
</table>
<p class="jx-small">每个套件的逐条结果见其链接（Great Expectations 生成的静态页面）。GX 自带的索引页
<a href="gx_index.html">gx_index.html</a> 需要联网加载脚本。结果也保存在仓库的 audit.check_runs 与 audit.check_results 中。</p>
</body></html>
"""
    index = site / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def publish(site: Path, target: Path) -> Path:
    """Replace `target` (a folder) with `site`: rename the old one aside, move the new one in, delete the old."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
    shutil.move(str(site), str(target))
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target / "index.html"
