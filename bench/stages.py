"""One benchmark stage per process, so each stage's wall time and peak memory are its own.

    python -m bench.stages generate  --out DIR --departments N --years Y --seed S
    python -m bench.stages ingest    --warehouse FILE --input DIR
    python -m bench.stages dbt       --warehouse FILE
    python -m bench.stages checks    --warehouse FILE
    python -m bench.stages floor     --warehouse FILE
    python -m bench.stages pandas    --input DIR [--core-only]

Each prints one JSON line: {"stage": ..., "seconds": ..., ...}. `seconds` is measured inside the
process around the work itself; run.py adds the whole process's wall time and peak RSS (os.wait4).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from pathlib import Path


def _emit(stage: str, started: float, **extra) -> None:
    print(
        json.dumps(
            {"stage": stage, "seconds": round(time.perf_counter() - started, 3), **extra}, ensure_ascii=False
        )
    )


def stage_generate(a) -> None:
    from ingest.generator import generate

    t = time.perf_counter()
    res = generate(
        departments=a.departments, years=a.years, seed=a.seed, out=Path(a.out), fault_rate=a.fault_rate
    )
    _emit("generate", t, submissions=len(res.submissions), faults=len(res.faults))


def stage_ingest(a) -> None:
    import duckdb

    from app.cli import expand_inputs
    from app.pipeline import ingest

    t = time.perf_counter()
    inputs = [(p, None) for p in expand_inputs([a.input])]
    with contextlib.closing(duckdb.connect(a.warehouse)) as con:
        outcomes = ingest(con, inputs, "bench")
        lines = con.execute("select count(*) from raw.budget_ledger").fetchone()[0]
        monthly = con.execute("select count(*) from raw.monthly_execution").fetchone()[0]
        con.execute("CHECKPOINT")
    refused = [o.submission_id for o in outcomes if o.status == "refused"]
    _emit("ingest", t, submissions=len(outcomes), refused=refused, ledger_rows=lines, monthly_rows=monthly)


def stage_dbt(a) -> None:
    from app.dbt import dbt_build

    t = time.perf_counter()
    wh = Path(a.warehouse)
    res = dbt_build(
        wh, wh
    )  # what `jixiao build` runs: seeds, models, data tests (unit tests are the suite's)
    _emit("dbt", t, ok=res.ok, counts=res.counts, failures=res.failures[:5])


def stage_checks(a) -> None:
    from expectations.checkpoint import run_checkpoint

    t = time.perf_counter()
    out = run_checkpoint(Path(a.warehouse), "bench")
    _emit("checks", t, success=bool(getattr(out, "success", False)))


FLOOR_SQL = """
    select dept_code, fiscal_year, sum(original_budget), sum(adjusted_budget), sum(actual_paid)
    from raw.budget_ledger
    where not is_subtotal
    group by dept_code, fiscal_year
"""


def stage_floor(a) -> None:
    """The least any build could cost: one aggregate pass over the loaded ledger."""
    import duckdb

    with contextlib.closing(duckdb.connect(a.warehouse, read_only=True)) as con:
        t = time.perf_counter()
        rows = con.execute(FLOOR_SQL).fetchall()
        _emit("floor", t, dept_years=len(rows))


def stage_pandas(a) -> None:
    from bench.pandas_baseline import run

    t = time.perf_counter()
    result, timings = run(Path(a.input))
    _emit(
        "pandas", t, dept_years=len(result), read_seconds=timings["read"], compute_seconds=timings["compute"]
    )


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("stage")
    p.add_argument("--warehouse")
    p.add_argument("--input")
    p.add_argument("--out")
    p.add_argument("--departments", type=int)
    p.add_argument("--years", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fault-rate", type=float, default=0.02)
    a = p.parse_args(argv)
    globals()[f"stage_{a.stage}"](a)


if __name__ == "__main__":
    sys.exit(main())
