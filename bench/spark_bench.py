"""The dbt build on Spark (local mode) beside DuckDB, at 1× and 10× (issue 19).

    .venv/bin/python -m bench.spark_bench                 # sizes 1, 10
    .venv/bin/python -m bench.spark_bench --sizes 1       # quicker

Needs the spark extra (`uv sync --extra spark`) and Java 17. Data: the same generated sizes as bench.run
(1× = 100 departments × 5 years, bench/work/, reused when present). Per size: ingest into DuckDB, `dbt build`
on DuckDB, then `jixiao spark-build` on the same raw tables (Parquet export included), each in its own
process; wall time, and peak memory of the process tree (Python + Spark's JVM, sampled every 0.2 s).
Then every mart is compared row by row (app.spark.compare_marts). Results: bench/results/spark.md and .json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time

import psutil

from bench.run import RESULTS, ROOT, WORK, dataset, machine


def _tree_rss_mib(proc: psutil.Process) -> float:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


def run_measured(cmd: list[str], env: dict | None = None) -> dict:
    """Run cmd from the repository root; wall seconds and the peak RSS (MiB) of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    ps = psutil.Process(proc.pid)
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            with contextlib.suppress(psutil.Error):
                peak[0] = max(peak[0], _tree_rss_mib(ps))
            time.sleep(0.2)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.decode()[-3000:]}\n{err.decode()[-3000:]}")
    return {
        "wall_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mib": round(peak[0]),
        "stdout": out.decode(),
    }


def bench_size(x: int) -> dict:
    import duckdb

    from app.spark import compare_marts, spark_tables

    data = dataset(x)
    wdir = WORK / f"spark-{x}x"
    subprocess.run(["rm", "-rf", str(wdir)], check=True)
    wdir.mkdir(parents=True)
    wh = wdir / "jixiao.duckdb"
    py = sys.executable
    row: dict = {"size": f"{x}x"}
    ingest = run_measured([py, "-m", "bench.stages", "ingest", "--warehouse", str(wh), "--input", str(data)])
    row["ingest_seconds"] = ingest["wall_seconds"]
    duck = run_measured([py, "-m", "bench.stages", "dbt", "--warehouse", str(wh)])
    row["duckdb"] = {k: duck[k] for k in ("wall_seconds", "peak_rss_mib")}
    row["duckdb"]["dbt"] = json.loads(duck["stdout"].strip().splitlines()[-1])
    with duckdb.connect(str(wh), read_only=True) as con:
        row["ledger_rows"] = con.execute("select count(*) from raw.budget_ledger").fetchone()[0]
        row["mart_rows"] = sum(
            con.execute(f'select count(*) from marts."{t}"').fetchone()[0]
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        )
    folder = wdir / "spark"
    spark = run_measured([py, "-m", "app.cli", "spark-build", "-w", str(wh), "--dir", str(folder)])
    row["spark"] = {k: spark[k] for k in ("wall_seconds", "peak_rss_mib")}
    row["spark"]["summary"] = " ".join(spark["stdout"].split())[-200:]
    row["spark_tables"] = len(spark_tables(folder))
    row["differences"] = compare_marts(wh, folder)
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def write_results(rows: list[dict]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "spark.json").write_text(
        json.dumps({"machine": machine(), "rows": rows}, ensure_ascii=False, indent=1) + "\n"
    )
    lines = [
        "# dbt build: DuckDB and Spark local mode",
        "",
        "`python -m bench.spark_bench`: the same dbt project on the same raw tables (seeds, models, data tests;",
        "Spark: dbt-spark session method, `local[2]`, Parquet tables, including the Parquet export).",
        "Peak memory: the process tree (Python and Spark's JVM).",
        "",
        "| size | ledger rows | mart rows | DuckDB s | DuckDB peak MiB | Spark s | Spark peak MiB | marts equal |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['size']} | {r['ledger_rows']:,} | {r['mart_rows']:,} | {r['duckdb']['wall_seconds']} | "
            f"{r['duckdb']['peak_rss_mib']} | {r['spark']['wall_seconds']} | {r['spark']['peak_rss_mib']} | "
            f"{'yes' if not r['differences'] else 'NO: ' + ', '.join(r['differences'])} |"
        )
    (RESULTS / "spark.md").write_text("\n".join(lines) + "\n")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1,10")
    a = p.parse_args(argv)
    rows = []
    for x in a.sizes.split(","):
        rows.append(bench_size(int(x)))
        write_results(rows)  # after each size: a long 10× run leaves the 1× figures written


if __name__ == "__main__":
    main()
