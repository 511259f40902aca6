"""`jixiao report`: one evaluation report (评价报告) from the warehouse.

    jixiao report --dept 430406-hrss --year 2023 --framework hn_dept_overall --format docx --out 报告.docx

Wired into app/cli.py by ``add_report_parser(sub)``; ``cmd_report`` returns 0 when the report was written,
7 (EXIT_NOT_FOUND of app/errors.py, the one exit-code table) when the warehouse or the
department-year-framework is not there (with a message in Chinese).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from app import warehouse as W
from app.errors import EXIT_NOT_FOUND, EXIT_OK, exit_codes_epilog

FORMAT_HELP = "docx（Word）、pdf、md（Markdown）或 html"


def add_report_parser(sub) -> argparse.ArgumentParser:
    r = sub.add_parser(
        "report",
        help="生成部门整体支出绩效评价报告（Word / PDF / Markdown / HTML）",
        description="按已发布评价报告的章节次序，为一个部门、一个年度、一个评价体系生成部门整体支出绩效评价报告："
        "封面与目录、部门基本情况（职责、机构、人员）、支出管理及使用情况（台账明细表）、内部控制、评价思路与方法、"
        "指标体系与评价结论（评分表）、逐项指标的计算与评分、满意度调查、问题及原因、改进建议、核对发现、历年趋势。"
        "部门职责、评价机构等文字来自可选模板 部门概况、评价报告信息；没有报送的写明“未报送”。"
        "数据全部取自仓库的公共表；措辞和版式在 app/report/templates/ 中修改。",
        epilog=exit_codes_epilog(EXIT_OK, EXIT_NOT_FOUND),
    )
    r.add_argument(
        "--dept",
        required=True,
        metavar="部门编码",
        help="部门编码，如 430406-hrss（见 marts.dim_department）",
    )
    r.add_argument("--year", required=True, type=int, metavar="年度", help="评价年度，如 2023")
    r.add_argument(
        "--framework",
        default="hn_dept_overall",
        metavar="评价体系",
        help="评价体系编码（默认 hn_dept_overall；其他如 mof_dept_common、sc_county_self、hebei_mgmt、pefa_2016、project_self）",
    )
    r.add_argument(
        "--format",
        choices=("docx", "pdf", "md", "html"),
        metavar="格式",
        help=f"报告格式：{FORMAT_HELP}（默认按 --out 的扩展名，否则 docx）",
    )
    r.add_argument(
        "--out",
        "-o",
        required=True,
        metavar="文件",
        help="输出文件；给文件夹时自动命名为 评价报告_<部门>_<年度>_<体系>.<格式>",
    )
    W.add_warehouse_argument(r)
    r.set_defaults(func=cmd_report)
    return r


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lower().lstrip(".")
    return (
        {"markdown": "md", "htm": "html"}.get(suffix, suffix)
        if suffix in ("docx", "pdf", "md", "html", "markdown", "htm")
        else "docx"
    )


def cmd_report(args: argparse.Namespace) -> int:
    from app.report import ReportNotFound, render_report

    warehouse = W.warehouse_from(args)
    if not warehouse.exists():
        print(f"仓库不存在：{warehouse}。先运行 jixiao build。", file=sys.stderr)
        return EXIT_NOT_FOUND
    fmt = _format(args)
    t0 = time.perf_counter()
    try:
        out = render_report(warehouse, args.dept, args.year, args.framework, fmt, Path(args.out).expanduser())
    except ReportNotFound as e:
        print(str(e), file=sys.stderr)
        return e.exit_code
    print(f"已生成评价报告（{fmt}，用时 {time.perf_counter() - t0:.1f} 秒）：{out}")
    return EXIT_OK
