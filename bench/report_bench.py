"""How long evaluation reports take: every (department, year, framework) of a warehouse, per format.

    .venv/bin/python -m bench.report_bench --warehouse W.duckdb                  # md and docx
    .venv/bin/python -m bench.report_bench --warehouse W.duckdb --format pdf --limit 20
    .venv/bin/python -m bench.report_bench --warehouse W.duckdb --year 2023 --framework hn_dept_overall
    .venv/bin/python -m bench.report_bench --warehouse W.duckdb --jobs 4       # four processes

Reports go to a temporary folder (deleted afterwards) through ``app.report.render_many``: one read-only
connection, the marts read once per chunk of departments. Printed per format: the number of reports,
total seconds (reading the marts included) and milliseconds per report; ``--json`` also writes them to a
file. The target (issue 7): every department of the 10× benchmark sample in under a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from app import warehouse as W
from app.report import render_many


def report_keys(
    con, year: int | None, framework: str | None, limit: int | None
) -> list[tuple[str, int, str]]:
    rows = con.execute(
        """select dept_code, fiscal_year, framework_code from marts.fct_department_scores
           where (? is null or fiscal_year = ?) and (? is null or framework_code = ?)
           order by dept_code, fiscal_year, framework_code""",
        [year, year, framework, framework],
    ).fetchall()
    keys = [(d, int(y), f) for d, y, f in rows]
    return keys[:limit] if limit else keys


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.report_bench", description="评价报告生成耗时（每个部门 × 年度 × 评价体系一份）"
    )
    ap.add_argument("--warehouse", "-w", required=True, metavar="文件", help="仓库文件")
    ap.add_argument(
        "--format",
        action="append",
        choices=("md", "docx", "pdf", "html"),
        help="格式，可重复（默认 md 和 docx）",
    )
    ap.add_argument("--year", type=int, help="只生成该年度")
    ap.add_argument("--framework", help="只生成该评价体系")
    ap.add_argument("--limit", type=int, help="最多生成的报告数（PDF 较慢时用）")
    ap.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="并行进程数（默认 1）")
    ap.add_argument("--json", metavar="文件", help="另把结果写入 JSON 文件")
    args = ap.parse_args(argv)

    warehouse = Path(args.warehouse).expanduser().resolve()
    if not warehouse.exists():
        print(f"仓库不存在：{warehouse}", file=sys.stderr)
        return 1
    formats = args.format or ["md", "docx"]
    results = []
    with contextlib.closing(W.connect_readonly(warehouse)) as con:
        keys = report_keys(con, args.year, args.framework, args.limit)
        if not keys:
            print("没有符合条件的评分结果。", file=sys.stderr)
            return 1
        depts = len({k[0] for k in keys})
        print(f"仓库：{warehouse}")
        print(f"报告：{len(keys)} 份（{depts} 个部门的 部门 × 年度 × 评价体系），并行进程 {args.jobs}")
        print(f"{'格式':<6}{'报告数':>8}{'总耗时（秒）':>14}{'每份（毫秒）':>14}{'平均大小（KB）':>16}")
        for fmt in formats:
            with tempfile.TemporaryDirectory(prefix=f"report-bench-{fmt}-") as tmp:
                t0 = time.perf_counter()
                paths = render_many(warehouse, Path(tmp), fmt, keys=keys, con=con, jobs=args.jobs)
                secs = time.perf_counter() - t0
                size = sum(p.stat().st_size for p in paths) / max(len(paths), 1) / 1024
            row = {
                "format": fmt,
                "reports": len(paths),
                "seconds": round(secs, 2),
                "ms_per_report": round(secs * 1000 / len(paths), 1),
                "avg_kb": round(size, 1),
            }
            results.append(row)
            print(
                f"{fmt:<6}{row['reports']:>10}{row['seconds']:>16.2f}{row['ms_per_report']:>16.1f}{row['avg_kb']:>18.1f}",
                flush=True,
            )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "warehouse": str(warehouse),
                    "reports": len(keys),
                    "departments": depts,
                    "jobs": args.jobs,
                    "machine": platform.platform(),
                    "cpus": os.cpu_count(),
                    "results": results,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
