"""One benchmark stage per process, so each stage's wall time and peak memory are its own.

    python -m bench.stages generate  --out DIR --departments N --years Y --seed S
    python -m bench.stages ingest    --warehouse FILE --input DIR
    python -m bench.stages dbt       --warehouse FILE
    python -m bench.stages checks    --warehouse FILE
    python -m bench.stages floor     --warehouse FILE
    python -m bench.stages duckdb_sql --warehouse FILE
    python -m bench.stages correction --warehouse FILE --input DIR --out DIR
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
    from app.pipeline import dbt_stage
    from app.workflow.hooks import after_dbt

    t = time.perf_counter()
    wh = Path(a.warehouse)
    # what `jixiao build` runs: seeds, models, data tests (unit tests are the suite's), in full (the
    # warehouse is new) recording the build's digest so a later correction is incremental; then the
    # workflow's tables (audit.finding_acks, audit.operations) that the checks and the dashboard read
    _, res = dbt_stage(wh, wh, "bench", full=True)
    if res.ok:
        after_dbt(wh, res)
    _emit("dbt", t, ok=res.ok, counts=res.counts, failures=res.failures[:5])


def stage_checks(a) -> None:
    from app.incremental import mark_checked
    from expectations.checkpoint import run_checkpoint

    t = time.perf_counter()
    out = run_checkpoint(Path(a.warehouse), "bench")
    if out.integrity_success:  # as jixiao build does: a later incremental build checks only what it rebuilds
        mark_checked(Path(a.warehouse))
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


DUCKDB_BASELINE = Path(__file__).with_name("duckdb_baseline.sql")


def stage_duckdb_sql(a) -> None:
    """The five core indicators as one hand-written DuckDB query over the loaded raw tables
    (bench/duckdb_baseline.sql): what an SQL-savvy analyst would run instead of the dbt models."""
    import duckdb

    sql = DUCKDB_BASELINE.read_text(encoding="utf-8")
    with contextlib.closing(duckdb.connect(a.warehouse, read_only=True)) as con:
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        _emit("duckdb_sql", t, dept_years=len(rows))


def _one_department_correction(data: Path, out: Path) -> tuple[str, int]:
    """Write, under `out`, a correction of one department: the first CSV submission's first department,
    every template file cut to that department's rows, one ledger line's 实际支付合计 100.00 元 lower.

    Returns (dept_code, fiscal_year). The files are the generator's (UTF-8 with BOM, first column 部门编码,
    amounts like "1,623,092.00"); a line whose 指标结余 is filled gets it 100.00 higher, so the line still adds up.
    """
    import csv
    from decimal import Decimal

    sub = next(p for p in sorted(data.iterdir()) if p.is_dir() and (p / "budget_ledger.csv").exists())
    with (sub / "budget_ledger.csv").open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    dept, year = rows[0][0], int(rows[0][1])
    paid, balance = header.index("实际支付合计"), header.index("指标结余")
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(sub.glob("*.csv")):
        with f.open(encoding="utf-8-sig", newline="") as fh:
            head, *body = list(csv.reader(fh))
        mine = [r for r in body if r and r[0] == dept]
        if f.name == "budget_ledger.csv":
            line = next(r for r in mine if r[paid].strip())
            line[paid] = f"{Decimal(line[paid].replace(',', '')) - 100:,.2f}"
            if line[balance].strip():
                line[balance] = f"{Decimal(line[balance].replace(',', '')) + 100:,.2f}"
        with (out / f.name).open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([head, *mine])
    return dept, year


def stage_correction(a) -> None:
    """One department's corrected ledger loaded into a built warehouse, timed to the moment a dashboard
    query sees it: build() (copy → ingest → dbt → checks → swap), then the league-table figure read back."""
    import duckdb

    from app.pipeline import build

    wh = Path(a.warehouse)
    dept, year = _one_department_correction(Path(a.input), Path(a.out))
    sql = "select paid_total from marts.fct_department_year_finance where dept_code = ? and fiscal_year = ?"
    with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
        before = con.execute(sql, [dept, year]).fetchone()[0]
    t = time.perf_counter()
    result = build([(Path(a.out), "bench-correction")], wh)
    swapped = time.perf_counter() - t
    with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
        after = con.execute(sql, [dept, year]).fetchone()[0]
    _emit(
        "correction",
        t,
        swapped_seconds=round(swapped, 3),
        dept_code=dept,
        fiscal_year=year,
        paid_before=str(before),
        paid_after=str(after),
        visible=bool(result.swapped and after == before - 100),
        build_mode="incremental" if result.plan and result.plan.incremental else "full",
        departments_rebuilt=len(result.plan.departments) if result.plan and result.plan.incremental else None,
        timings={k: round(v, 3) for k, v in result.timings.items()},
    )


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
