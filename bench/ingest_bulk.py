"""The ingest stage alone, with its CPU time: wall seconds are only comparable on a quiet machine.

    .venv/bin/python -m bench.ingest_bulk --sizes 10,100          # the data sets bench.run generates

Runs `python -m bench.stages ingest` once per size in its own process (as bench.run does) and prints one
JSON line per size: wall seconds, the process's CPU seconds (user + system, its worker processes
included), its peak resident MiB, and the 1-minute load average before and after. On a machine shared
with other jobs the wall time follows the load; CPU seconds follow the work. Figures of issue 18's
bulk ingest: bench/results/ingest_bulk.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time

from bench.run import WORK, dataset


def measure(x: int) -> dict:
    """Ingest the x× data set into a fresh warehouse; wall, CPU, peak MiB and load of that one process."""
    data = dataset(x)
    wdir = WORK / f"ingest-{x}x"
    shutil.rmtree(wdir, ignore_errors=True)
    wdir.mkdir(parents=True)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.stages",
            "ingest",
            "--warehouse",
            str(wdir / "jixiao.duckdb"),
            "--input",
            str(data),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"ingest {x}× failed")
    stage = json.loads([ln for ln in out.splitlines() if ln.startswith("{")][-1])
    shutil.rmtree(wdir, ignore_errors=True)
    return {
        "x": x,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(
            usage.ru_utime + usage.ru_stime, 1
        ),  # wait4: the child and its waited-for workers
        "peak_mib": round(usage.ru_maxrss / 1024),
        "load_before": round(load_before, 1),
        "load_after": round(os.getloadavg()[0], 1),
        "submissions": stage["submissions"],
        "refused": len(stage["refused"]),
        "ledger_rows": stage["ledger_rows"],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10,100")
    a = p.parse_args(argv)
    for x in (int(s) for s in a.sizes.split(",")):
        print(json.dumps(measure(x)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
