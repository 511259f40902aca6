"""jixiao at province scale: wall time and peak memory of ingest, dbt build and checks, against the floor
(one aggregate pass) and the alternatives (a pandas script; a hand-written DuckDB query), a one-department
correction, plus dashboard query latency.

    .venv/bin/python -m bench.run                     # sizes 1, 10, 100 (100 ≈ 10,000 departments × 5 years)
    .venv/bin/python -m bench.run --sizes 1,10        # a quicker run

1× is 100 departments × 5 years. Data is generated (ingest.generator, fixed seed) under bench/work/
(not committed) and reused when the parameters match. Each stage runs in its own process (bench/stages.py);
its peak resident memory comes from os.wait4. Results: bench/results/bench.md and bench.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
DEPARTMENTS_PER_X = 100
YEARS = 5
SEED = 20261123

# the models behind the five core indicators (预算完成率, 预算调整率, 结转结余率, 公用经费控制率, “三公经费”控制率)
CORE_FORMULAS = (
    "budget_completion_rate",
    "budget_adjustment_rate",
    "carryover_rate_on_paid",
    "public_expense_control_rate",
    "three_public_control_rate",
)


def _popen_wait4(cmd: list[str]) -> tuple[str, str, float, float]:
    """Run cmd; return stdout, stderr, wall seconds and the child's own peak RSS in MiB (os.wait4)."""
    import tempfile

    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[3:])} failed:\n{stderr[-3000:]}")
    return stdout, stderr, wall, usage.ru_maxrss / 1024


def stage(*args: str) -> dict:
    out, _, wall, peak = _popen_wait4([sys.executable, "-m", "bench.stages", *args])
    line = [ln for ln in out.splitlines() if ln.startswith("{")][-1]
    result = json.loads(line)
    result["wall_seconds"] = round(wall, 2)
    result["peak_mib"] = round(peak, 1)
    return result


def dataset(x: int) -> Path:
    out = WORK / f"data-{x}x"
    manifest = out / "manifest.json"
    want = {"departments": DEPARTMENTS_PER_X * x, "years": YEARS, "seed": SEED}
    if manifest.exists():
        params = json.loads(manifest.read_text()).get("parameters", {})
        if all(params.get(k) == v for k, v in want.items()):
            return out
    shutil.rmtree(out, ignore_errors=True)
    r = stage(
        "generate",
        "--out",
        str(out),
        "--departments",
        str(want["departments"]),
        "--years",
        str(YEARS),
        "--seed",
        str(SEED),
    )
    print(f"  generated {x}× in {r['wall_seconds']} s")
    return out


def core_seconds(target: Path) -> tuple[float, float, list[str]]:
    """Σ execution time of the dbt models the five core indicators need, and of all nodes, from run_results."""
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())
    timing = {r["unique_id"]: r.get("execution_time", 0.0) for r in results["results"]}
    nodes = manifest["nodes"]
    wanted = [
        uid
        for uid, n in nodes.items()
        if n["resource_type"] == "model" and any(f in n["name"] for f in CORE_FORMULAS)
    ]
    seen, stack = set(), list(wanted)
    while stack:
        uid = stack.pop()
        if uid in seen or not uid.startswith("model."):
            continue
        seen.add(uid)
        stack.extend(nodes[uid]["depends_on"]["nodes"])
    return sum(timing.get(u, 0.0) for u in seen), sum(timing.values()), sorted(nodes[u]["name"] for u in seen)


def check_pandas_agrees(warehouse: Path, data_dir: Path) -> dict:
    """The pandas script must give jixiao's numbers, or comparing their speed means nothing."""
    import duckdb

    from bench.pandas_baseline import run

    result, _ = run(data_dir)
    con = duckdb.connect(str(warehouse), read_only=True)
    ours = con.execute(
        """select dept_code, fiscal_year, indicator_code, value from marts.fct_indicator_values
           where framework_code = 'hn_dept_overall' and indicator_code in ('B11','B12','B21','B23','B24')"""
    ).df()
    con.close()
    names = {
        "B11": "预算完成率",
        "B12": "预算调整率",
        "B21": "结转结余率",
        "B23": "公用经费控制率",
        "B24": "三公经费控制率",
    }
    merged = ours.merge(
        result.melt(id_vars=["dept_code", "fiscal_year"], var_name="name", value_name="pandas"),
        how="left",
        left_on=["dept_code", "fiscal_year", ours["indicator_code"].map(names)],
        right_on=["dept_code", "fiscal_year", "name"],
    )
    both = merged.dropna(subset=["value", "pandas"])
    diff = (both["value"].astype(float) - both["pandas"].astype(float)).abs()
    return {
        "compared": len(both),
        "max_abs_diff": float(diff.max()) if len(both) else None,
        "over_0_01": int((diff > 0.0101).sum()),
    }


def check_duckdb_sql_agrees(warehouse: Path) -> dict:
    """The hand-written DuckDB query (bench/duckdb_baseline.sql) must give jixiao's numbers for the five core
    indicators, every framework that uses them, or comparing their speed means nothing.

    Returns {"compared": rows with a value on both sides, "differ": rows whose values differ (NULLs included),
    "examples": up to 3 of them}."""
    import duckdb

    from bench.stages import DUCKDB_BASELINE

    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute(f"create temp table hand as {DUCKDB_BASELINE.read_text(encoding='utf-8')}")
        compared = differ = 0
        examples: list[str] = []
        for formula in CORE_FORMULAS:
            n, bad, ex = con.execute(
                f"""select count(v.value), count(*) filter (where v.value is distinct from h.{formula}),
                       list(v.dept_code || ' ' || v.fiscal_year || ' ' || coalesce(v.value::varchar, 'null')
                            || ' vs ' || coalesce(h.{formula}::varchar, 'null'))
                           filter (where v.value is distinct from h.{formula})[:3]
                    from (select distinct dept_code, fiscal_year, value from marts.fct_indicator_values
                          where formula_code = ?) as v
                    join hand as h using (dept_code, fiscal_year)""",
                [formula],
            ).fetchone()
            compared, differ = compared + n, differ + bad
            examples += [f"{formula}: {e}" for e in ex or []][: 3 - len(examples)]
    return {"compared": compared, "differ": differ, "examples": examples}


def machine() -> dict:
    import duckdb
    import polars

    cpu = ""
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "polars": polars.__version__,
        "dbt-core": version("dbt-core"),
        "dbt-duckdb": version("dbt-duckdb"),
        "pandas": version("pandas"),
    }


def bench_size(x: int, with_dashboard: bool) -> dict:
    print(f"== {x}× ({DEPARTMENTS_PER_X * x} departments × {YEARS} years)")
    data = dataset(x)
    wdir = WORK / f"wh-{x}x"
    shutil.rmtree(wdir, ignore_errors=True)
    wdir.mkdir(parents=True)
    wh = wdir / "jixiao.duckdb"
    row: dict = {"x": x, "departments": DEPARTMENTS_PER_X * x, "years": YEARS}
    row["ingest"] = stage("ingest", "--warehouse", str(wh), "--input", str(data))
    print(
        f"  ingest {row['ingest']['wall_seconds']} s, {row['ingest']['peak_mib']} MiB, {row['ingest']['ledger_rows']} ledger rows"
    )
    row["dbt"] = stage("dbt", "--warehouse", str(wh))
    print(f"  dbt build {row['dbt']['wall_seconds']} s, {row['dbt']['peak_mib']} MiB, ok={row['dbt']['ok']}")
    if not row["dbt"]["ok"]:
        raise RuntimeError(row["dbt"])
    core, nodes_total, core_models = core_seconds(wdir / ".build" / "dbt-target")
    row["dbt"]["core_models_seconds"] = round(core, 3)
    row["dbt"]["all_nodes_seconds"] = round(nodes_total, 3)
    row["dbt"]["core_models"] = core_models
    row["checks"] = stage("checks", "--warehouse", str(wh))
    print(f"  checks {row['checks']['wall_seconds']} s, {row['checks']['peak_mib']} MiB")
    row["floor"] = stage("floor", "--warehouse", str(wh))
    row["pandas"] = stage("pandas", "--input", str(data))
    print(
        f"  floor {row['floor']['seconds']} s; pandas {row['pandas']['wall_seconds']} s ({row['pandas']['peak_mib']} MiB)"
    )
    row["pandas_agrees"] = check_pandas_agrees(wh, data)
    row["duckdb_sql"] = stage("duckdb_sql", "--warehouse", str(wh))
    row["duckdb_sql_agrees"] = check_duckdb_sql_agrees(wh)
    print(f"  hand-written DuckDB SQL {row['duckdb_sql']['seconds']} s; agrees: {row['duckdb_sql_agrees']}")
    if with_dashboard:
        try:
            from bench.dashboard_latency import measure_queries

            row["dashboard"] = measure_queries(wh)
        except ImportError as e:  # the dashboard's own latency module
            row["dashboard"] = {"error": str(e)}
    row["warehouse_mib"] = round(wh.stat().st_size / 2**20, 1)
    # last: it changes the warehouse (one department's ledger line 100 元 lower)
    row["correction"] = stage(
        "correction", "--warehouse", str(wh), "--input", str(data), "--out", str(wdir / "correction")
    )
    print(
        f"  one-department correction visible after {row['correction']['seconds']} s: {row['correction']['visible']}"
    )
    total = row["ingest"]["wall_seconds"] + row["dbt"]["wall_seconds"] + row["checks"]["wall_seconds"]
    row["ratios"] = {
        "pipeline_seconds": round(total, 2),
        "pipeline_peak_mib": max(row[s]["peak_mib"] for s in ("ingest", "dbt", "checks")),
        "dbt_over_floor": round(row["dbt"]["wall_seconds"] / max(row["floor"]["seconds"], 1e-3), 1),
        "dbt_nodes_over_floor": round(nodes_total / max(row["floor"]["seconds"], 1e-3), 1),
        "pandas_over_pipeline": round(row["pandas"]["wall_seconds"] / total, 2),
        "pandas_compute_over_core_models": round(row["pandas"]["compute_seconds"] / max(core, 1e-3), 1),
        "core_models_over_duckdb_sql": round(core / max(row["duckdb_sql"]["seconds"], 1e-3), 1),
    }
    return row


# the steps of a correction's build, in order (app/pipeline.py build timings; the dbt step's parts are
# app/incremental.py's: the scope file, its dbt build, the merge, the cross-department models)
CORRECTION_STEPS = (
    "prepare",
    "ingest",
    "plan",
    "scope_file",
    "dbt_scope",
    "merge",
    "dbt_cross",
    "record",
    "dbt",
    "checks",
    "swap",
)


def markdown(rows: list[dict], mach: dict) -> str:
    m = [
        "# jixiao benchmark",
        "",
        f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gib']} GiB; {mach['os']}; Python {mach['python']}, "
        f"DuckDB {mach['duckdb']}, dbt-core {mach['dbt-core']} / dbt-duckdb {mach['dbt-duckdb']}, Polars {mach['polars']}, pandas {mach['pandas']}.",
        "",
        f"Command: `.venv/bin/python -m bench.run --sizes {','.join(str(r['x']) for r in rows)}` "
        f"(1× = {DEPARTMENTS_PER_X} departments × {YEARS} years, seed {SEED}).",
        "",
        "| size | ledger rows | monthly rows | ingest s / MiB | dbt build s / MiB | checks s / MiB | ingest+build+checks s | floor s | dbt / floor | pandas s / MiB | pandas / jixiao | pandas compute / core models | hand SQL s | core models / hand SQL | correction s / MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        q = r["ratios"]
        m.append(
            f"| {r['x']}× ({r['departments']:,} × {r['years']}) | {r['ingest']['ledger_rows']:,} | {r['ingest']['monthly_rows']:,} "
            f"| {r['ingest']['wall_seconds']} / {r['ingest']['peak_mib']:.0f} | {r['dbt']['wall_seconds']} / {r['dbt']['peak_mib']:.0f} "
            f"| {r['checks']['wall_seconds']} / {r['checks']['peak_mib']:.0f} | {q['pipeline_seconds']} | {r['floor']['seconds']} "
            f"| {q['dbt_over_floor']}× | {r['pandas']['wall_seconds']} / {r['pandas']['peak_mib']:.0f} | {q['pandas_over_pipeline']}× "
            f"| {q['pandas_compute_over_core_models']}× | {r['duckdb_sql']['seconds']} | {q['core_models_over_duckdb_sql']}× "
            f"| {r['correction']['seconds']} / {r['correction']['peak_mib']:.0f}{'' if r['correction']['visible'] else ' (not visible!)'} |"
        )
    m += [
        "",
        "One-department correction, seconds by step (bench/stages.py `correction`; `jixiao build` timings):",
        "",
    ]
    for r in rows:
        c = r["correction"]
        t = c.get("timings") or {}
        parts = [f"{k} {t[k]:.1f}" for k in CORRECTION_STEPS if k in t]
        mode = c.get("build_mode", "full")
        scope = f", {c['departments_rebuilt']} department(s) rebuilt" if c.get("departments_rebuilt") else ""
        m.append(f"- {r['x']}×: {c['seconds']} s, {mode}{scope}: " + "; ".join(parts))
    m += ["", "Dashboard query latency (ms, p50 / p95):", ""]
    for r in rows:
        d = r.get("dashboard") or {}
        if "error" in d or not d:
            m.append(f"- {r['x']}×: not measured ({d.get('error', 'skipped')})")
        else:
            parts = [
                f"{k} {v['p50_ms']:.0f} / {v['p95_ms']:.0f}"
                for k, v in d.items()
                if isinstance(v, dict) and "p50_ms" in v
            ]
            m.append(f"- {r['x']}×: " + "; ".join(parts))
    m += [
        "",
        "Columns: wall seconds and peak resident memory of each stage in its own process (bench/stages.py; os.wait4). "
        "`floor` is one DuckDB aggregate pass over the loaded ledger (total original/adjusted/paid per department-year). "
        "`dbt / floor` compares the whole `dbt build` (all frameworks' indicators and scores, reconciliation, "
        "every data test, dbt's start-up) with that pass. `pandas` is bench/pandas_baseline.py reading the same files and "
        "computing the five core indicators; its answers are checked against jixiao's (pandas_agrees in bench.json). "
        "`pandas compute / core models` compares its compute step (after reading) with the execution time dbt reports for "
        "the models the five core indicators need. `hand SQL` is bench/duckdb_baseline.sql, the same five indicators as one "
        "DuckDB query over the loaded raw tables (answers checked: duckdb_sql_agrees in bench.json); `core models / hand SQL` "
        "is dbt's execution time for those indicators' models over it. `correction` is one department's corrected ledger "
        "(one line 100 元 lower, bench/stages.py `correction`) loaded into the built warehouse until a dashboard query "
        "reads the new figure: an incremental build (app/incremental.py) that recomputes that department and the "
        "cross-department marts; `prepare` is the copy of the warehouse and `swap` includes the backup copy.",
    ]
    return "\n".join(m) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1,10,100")
    p.add_argument("--no-dashboard", action="store_true")
    a = p.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")]
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    mach = machine()
    rows = [bench_size(x, not a.no_dashboard) for x in sizes]
    (RESULTS / "bench.json").write_text(
        json.dumps({"machine": mach, "sizes": rows}, ensure_ascii=False, indent=2)
    )
    (RESULTS / "bench.md").write_text(markdown(rows, mach))
    print(markdown(rows, mach))
    return 0


if __name__ == "__main__":
    sys.exit(main())
