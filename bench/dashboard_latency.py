"""How long each dashboard page takes to render, in a real browser, on a 500-department warehouse.

    .venv/bin/python -m bench.dashboard_latency                       # build (once) and measure
    .venv/bin/python -m bench.dashboard_latency --warehouse W.duckdb  # measure an existing warehouse
    .venv/bin/python -m bench.dashboard_latency --runs 5 --departments 500 --years 3

The warehouse is generated (ingest.generator, fixed seed) plus the worked example, built with the real
pipeline (checks included) into bench/work/dashboard-<departments>x<years>/ (not committed) and reused.
The app is started with `streamlit run` and driven by headless Chromium, as an analyst would use it:
open the app, then go through the six pages by clicking the sidebar navigation.

A page counts as rendered when its title is on screen, the script run has finished, no element is still a
loading skeleton, every visible chart has drawn its canvas and every visible table its grid (content of
closed expanders and tabs is drawn only when opened). Two numbers per page:

- **首次**: the first visit after the server started, so every query of the page misses the cache; this is
  what the first analyst sees after each rebuild (a rebuild changes the cache key). 总览 is also the first
  page load of the app, so it includes the browser loading Streamlit itself and Python's first imports.
- **再次**: later visits (median and worst of --runs), queries answered from the cache.

Results: bench/results/dashboard_latency.md and .json. Nothing here is a test: timings vary with the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
MAIN = ROOT / "app" / "dashboard" / "main.py"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGES = ["总览", "部门详情", "指标分析", "年度趋势", "核对发现", "SQL 查询"]
BUDGET_S = 2.0
SEED = 7

RENDERED = """(title) => {
  const h1 = document.querySelector('h1');
  if (!h1 || !h1.innerText.trim().startsWith(title)) return false;
  if (!document.querySelector('[data-test-script-state=notRunning]')) return false;
  if (document.querySelectorAll('[data-testid=stSkeleton]').length) return false;
  // not inside a closed expander or a hidden tab: those are drawn only when opened
  const shown = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null && !e.closest('details:not([open])'));
  if (!shown('[data-testid=stVegaLiteChart]').every(c => c.querySelector('canvas, svg'))) return false;
  return shown('[data-testid=stDataFrame]').every(g => g.querySelector('canvas'));
}"""


def ensure_warehouse(departments: int, years: int, rebuild: bool) -> Path:
    work = WORK / f"dashboard-{departments}x{years}"
    wh = work / "jixiao.duckdb"
    if wh.exists() and not rebuild:
        return wh
    from app.pipeline import build
    from app.warehouse import SAMPLE
    from ingest.generator import generate

    sample = work / "sample"
    if rebuild or not (sample / "manifest.json").exists():
        print(f"生成样例：{departments} 个部门 × {years} 年 → {sample}", flush=True)
        generate(departments=departments, years=years, seed=SEED, out=sample, fault_rate=0.05, overwrite=True)
    print(f"构建仓库 → {wh}", flush=True)
    t = time.perf_counter()
    from app.cli import expand_inputs

    inputs = [(p, None) for p in expand_inputs([str(sample), str(SAMPLE / "yanfeng-2023")])]
    res = build(inputs, wh, rebuild=True)
    if res.refused:
        raise SystemExit(f"refused: {[o.submission_id for o in res.refused]}")
    print(f"  用时 {time.perf_counter() - t:.0f} 秒，{len(res.loaded)} 个提交已加载", flush=True)
    return wh


def describe(wh: Path) -> dict:
    import duckdb

    with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        out = {
            "departments": one("select count(*) from marts.dim_department"),
            "years": [
                r[0]
                for r in con.execute(
                    "select distinct fiscal_year from marts.fct_department_scores order by 1"
                ).fetchall()
            ],
            "department_years_hn": one(
                "select count(*) from marts.fct_department_scores where framework_code = 'hn_dept_overall'"
            ),
            "indicator_score_rows": one("select count(*) from marts.fct_indicator_scores"),
            "findings": one("select count(*) from marts.fct_reconciliation_findings"),
        }
    out["file_mb"] = round(wh.stat().st_size / 2**20, 1)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(wh: Path):
    port = _free_port()
    log = wh.parent / "streamlit-bench.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(MAIN),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=dict(os.environ, JIXIAO_WAREHOUSE=str(wh)), stdout=fh, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read().strip() == b"ok":
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def measure(url: str, runs: int) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {p: [] for p in PAGES}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        t = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_function(RENDERED, arg="总览", timeout=120_000)
        times["总览"].append(time.perf_counter() - t)
        nav = page.locator("[data-testid=stSidebarNav]")
        for cycle in range(runs + 1):
            for title in PAGES:
                if cycle == 0 and title == "总览":
                    continue  # measured above, as the app's first load
                t = time.perf_counter()
                nav.get_by_text(title, exact=True).click()
                page.wait_for_function(RENDERED, arg=title, timeout=120_000)
                times[title].append(time.perf_counter() - t)
                errors = page.locator("[data-testid=stException], [data-testid=stAlertContentError]").count()
                if errors:
                    raise RuntimeError(f"{title}: the page shows an error")
        browser.close()
    out = {}
    for title, ts in times.items():
        first, again = ts[0], ts[1 : runs + 1]
        out[title] = {
            "first_s": round(first, 3),
            "again_median_s": round(statistics.median(again), 3),
            "again_max_s": round(max(again), 3),
            "all_s": [round(x, 3) for x in ts],
        }
    return out


def write(results: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dashboard_latency.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    d = results["dataset"]
    lines = [
        "# 看板页面渲染时间",
        "",
        f"命令：`{results['command']}`  ",
        f"时间：{results['when']}；机器：{results['machine']}；测量开始时负载（1 分钟平均）：{results['load_before']}，结束时：{results['load_after']}",
        "",
        f"仓库：{d['departments']} 个部门（生成 {results['parameters']['departments']} 个 + 雁峰区人社局），年度 {d['years'][0]}–{d['years'][-1]}，"
        f"湖南体系部门年度 {d['department_years_hn']} 个，指标得分 {d['indicator_score_rows']:,} 行，核对发现 {d['findings']} 条，文件 {d['file_mb']} MB。",
        "",
        "在无头 Chromium 中依次点击侧栏导航打开六个页面；“渲染完成”= 标题出现、脚本运行结束、没有加载占位、每个图表已绘制、每个表格已出现。",
        f"首次 = 服务启动后第一次打开（查询全部未命中缓存；总览还包括浏览器加载 Streamlit 与 Python 首次导入）；再次 = 之后 {results['parameters']['runs']} 轮的中位数与最大值。",
        "",
        "| 页面 | 首次（秒） | 再次·中位数（秒） | 再次·最大（秒） | < 2 秒 |",
        "|---|---:|---:|---:|:---:|",
    ]
    for title, r in results["pages"].items():
        ok = (
            "✔"
            if max(r["first_s"], r["again_max_s"]) < BUDGET_S
            else ("再次 ✔，首次 ✘" if r["again_max_s"] < BUDGET_S else "✘")
        )
        lines.append(
            f"| {title} | {r['first_s']:.2f} | {r['again_median_s']:.2f} | {r['again_max_s']:.2f} | {ok} |"
        )
    lines += ["", "原始数据：`bench/results/dashboard_latency.json`。", ""]
    (RESULTS / "dashboard_latency.md").write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------- query latency (bench.run)


def measure_queries(wh: Path, runs: int = 30, framework: str = "hn_dept_overall") -> dict[str, dict]:
    """p50/p95 of the queries behind the league table and a department page, with the cache missed.

    Calls the dashboard's own query functions (app/dashboard/data.py) with Streamlit's cache cleared before
    every run, on a read-only connection to `wh`, so each figure is what an analyst waits for on the first
    view after a rebuild. Departments are drawn at random (fixed seed) from the warehouse.
    """
    import random

    import duckdb

    os.environ["JIXIAO_WAREHOUSE"] = str(wh)
    import streamlit as st
    from streamlit import logger as st_logger

    st_logger.set_log_level("error")  # "No runtime found": bare mode is intended here

    from app.dashboard import data as D

    with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
        year = con.execute(
            "select max(fiscal_year) from marts.fct_department_scores where framework_code = ?", [framework]
        ).fetchone()[0]
        depts = [
            r[0]
            for r in con.execute(
                "select dept_code from marts.fct_department_scores where framework_code = ? and fiscal_year = ? order by 1",
                [framework, year],
            ).fetchall()
        ]
    rng = random.Random(20261123)

    def league() -> None:
        D.department_scores(framework, None, [year])

    def department() -> None:
        dept = rng.choice(depts)
        D.department_row(dept)
        D.department_years(dept, framework)
        D.dept_history(framework, dept)
        D.level1(framework, dept, year)
        D.indicator_scores(framework, dept, year)
        D.indicator_values(framework, dept, year)
        D.budget_execution(dept)
        D.findings(framework, [year], None, dept)

    out: dict[str, dict] = {}
    for name, fn in (("league_table", league), ("department_page", department)):
        times = []
        for i in range(runs + 2):
            st.cache_data.clear()
            with D.run_scope():
                t = time.perf_counter()
                fn()
                elapsed = (time.perf_counter() - t) * 1000
            if i >= 2:  # the first runs warm Python and the OS file cache
                times.append(elapsed)
        times.sort()
        out[name] = {
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
            "runs": runs,
        }
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.dashboard_latency", description="看板各页面在浏览器中的渲染时间"
    )
    ap.add_argument("--warehouse", type=Path, help="measure this warehouse instead of building one")
    ap.add_argument("--departments", type=int, default=500)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--rebuild", action="store_true", help="regenerate and rebuild the warehouse")
    args = ap.parse_args(argv)
    wh = (
        args.warehouse.resolve()
        if args.warehouse
        else ensure_warehouse(args.departments, args.years, args.rebuild)
    )
    dataset = describe(wh)
    load_before = round(os.getloadavg()[0], 2)
    with serve(wh) as url:
        pages = measure(url, args.runs)
    results = {
        "command": " ".join(
            ["python -m bench.dashboard_latency", *(argv if argv is not None else sys.argv[1:])]
        ).strip(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
        "load_before": load_before,
        "load_after": round(os.getloadavg()[0], 2),
        "parameters": {
            "departments": args.departments,
            "years": args.years,
            "runs": args.runs,
            "seed": SEED,
            "warehouse": str(wh),
        },
        "dataset": dataset,
        "pages": pages,
    }
    write(results)
    print((RESULTS / "dashboard_latency.md").read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
