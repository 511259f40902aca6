"""Soak: many `jixiao build`s with random kills, stray WALs, and concurrent readers and writers; after each,
the live warehouse must open, hold exactly the last successful build's content, and keep every row a hand
writer committed (once: a WAL replayed into the wrong file would duplicate or lose them).

    .venv/bin/python -m bench.soak --builds 30 --seed 1          # ~10 min; results in bench/results/soak.md
    .venv/bin/python -m bench.soak --builds 4 --no-check-each    # quick

Each round picks, at random:

* the input: version A or B of the worked example (B corrects one person score: different marts);
* a **stray WAL**: a hand writer inserts a row into ``hand.notes`` and is SIGKILLed, leaving
  ``jixiao.duckdb.wal`` beside the live file;
* a **reader** holding a read-only connection through the build (the dashboard), and/or one that opens
  and queries in a loop — any error other than a writer's lock is a failure;
* a **writer**: one that holds a read-write connection for 0.5–2.5 s as the build starts (the build
  waits), or one that commits a row and is killed *during* the build (the build must refuse to swap:
  exit 4);
* a **kill**: SIGKILL of the whole build at a random moment of its expected duration.

Checks after every round: the build's exit code is 0, 4 (writer) or killed; the live file opens;
``snapshot`` (tests/conftest.py: every row of every table outside ``audit`` and ``hand``) equals the one
taken after the last successful build; ``hand.notes`` holds each committed id exactly once; after a
successful build nothing is left in ``.build/`` or ``backups/.partial-*``, and at most 3 backups are kept;
with ``--check-each`` (default) ``jixiao check`` exits 0 and leaves the content unchanged. At the end the
live file is truncated: ``jixiao build`` must exit 6, and ``jixiao restore`` must bring back the last
successful build's content.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = str(ROOT / ".venv" / "bin" / "jixiao")
PY = sys.executable
YANFENG = ROOT / "ingest" / "sample" / "yanfeng-2023"
RESULTS = ROOT / "bench" / "results"

_HAND_WRITE = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1GB'")
con.execute("CREATE SCHEMA IF NOT EXISTS hand")
con.execute("CREATE TABLE IF NOT EXISTS hand.notes (id INTEGER)")
con.execute("INSERT INTO hand.notes VALUES (?)", [int(sys.argv[2])])
print("committed", flush=True)
hold = float(sys.argv[3])
if hold < 0:
    os.kill(os.getpid(), signal.SIGKILL)   # killed: the WAL stays beside the file
import time; time.sleep(hold); con.close()
"""

_READER = """
import duckdb, os, sys, time
path, mode, until, stop = sys.argv[1], sys.argv[2], time.time() + float(sys.argv[3]), sys.argv[4]
errors, reads = [], 0
if mode == "hold":
    while True:  # a hand writer may hold the file for a moment
        try:
            con = duckdb.connect(path, read_only=True); break
        except duckdb.Error as e:
            if "lock" not in str(e).lower() or time.time() > until: raise
            time.sleep(0.1)
    while time.time() < until and not os.path.exists(stop):
        con.execute("select count(*) from raw.budget_ledger").fetchone(); reads += 1; time.sleep(0.2)
else:
    while time.time() < until and not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            con.execute("select count(*) from raw.budget_ledger").fetchone(); con.close(); reads += 1
        except duckdb.Error as e:
            if "lock" not in str(e).lower():
                errors.append(str(e).splitlines()[0][:200])
        time.sleep(0.1)
print(reads, len(errors), errors[:1], flush=True)
"""


def snapshot(warehouse: Path, exclude=("audit", "hand")) -> dict[str, list[tuple]]:
    """Every row of every table and view outside `exclude`, sorted (as tests/conftest.py's snapshot)."""
    out: dict[str, list[tuple]] = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        for schema, table in sorted(
            con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
        ):
            if schema not in exclude:
                out[f"{schema}.{table}"] = sorted(
                    con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall(), key=repr
                )
    return out


def hand_ids(warehouse: Path) -> list[int]:
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        if not con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hand'"
        ).fetchone()[0]:
            return []
        return sorted(r[0] for r in con.execute("SELECT id FROM hand.notes").fetchall())


def make_inputs(work: Path) -> dict[str, Path]:
    """Version A (the worked example) and B (one person score corrected), same submission id."""
    out = {}
    for v in ("A", "B"):
        d = work / "inputs" / v / "yanfeng-2023"
        shutil.copytree(YANFENG, d)
        for f in d.iterdir():
            f.chmod(0o644)
        out[v] = d
    q = out["B"] / "qualitative_scores.csv"
    text = q.read_text(encoding="utf-8")
    assert ",hn_dept_overall,A11,3," in text
    q.write_text(text.replace(",hn_dept_overall,A11,3,", ",hn_dept_overall,A11,2,", 1), encoding="utf-8")
    return out


@dataclass
class Soak:
    builds: int = 0
    succeeded: int = 0
    killed: int = 0
    refused_busy: int = 0
    stray_wals: int = 0
    readers: int = 0
    reader_reads: int = 0
    writers_waited_for: int = 0
    writers_during_build: int = 0
    hand_rows_committed: int = 0
    checks_run: int = 0
    restored: bool = False
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    rounds: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def _killpg(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def run(
    builds: int,
    seed: int = 1,
    workdir: Path | None = None,
    *,
    check_each: bool = True,
    skip_checks: bool = False,
    kill_rate: float = 0.35,
    wal_rate: float = 0.35,
    reader_rate: float = 0.6,
    writer_rate: float = 0.35,
    final_restore: bool = True,
    log=print,
) -> Soak:
    rng = random.Random(seed)
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix="jixiao-soak-")) if own else Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    wh = work / "wh" / "jixiao.duckdb"
    env = dict(os.environ, JIXIAO_WRITER_WAIT="20", COLUMNS="200")
    env.pop("JIXIAO_WAREHOUSE", None)
    res = Soak()
    t_start = time.perf_counter()
    try:
        inputs = make_inputs(work)
        build_args = ["--skip-checks"] if skip_checks else []

        def jixiao(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
            return subprocess.run(
                [JIXIAO, *args, "--warehouse", str(wh)],
                capture_output=True,
                text=True,
                env=env,
                timeout=timeout,
            )

        # round 0: the first good warehouse, and how long a build takes
        t = time.perf_counter()
        first = jixiao("build", "--input", str(inputs["A"]), *build_args)
        duration = time.perf_counter() - t
        if first.returncode != 0:
            res.failures.append(
                f"first build exit {first.returncode}: {first.stdout[-500:]} {first.stderr[-500:]}"
            )
            return res
        expected, expected_variant = snapshot(wh), "A"
        committed: list[int] = []
        next_id = 1
        log(f"first build {duration:.1f} s")

        for n in range(1, builds + 1):
            rnd = {"round": n}
            variant = rng.choice("AB")
            rnd["input"] = variant
            procs: list[subprocess.Popen] = []
            readers: list[subprocess.Popen] = []
            stop = work / f"stop-readers-{n}"
            if rng.random() < wal_rate:  # a hand writer killed after a commit: stray WAL
                w = subprocess.run(
                    [PY, "-c", _HAND_WRITE, str(wh), str(next_id), "-1"], capture_output=True, text=True
                )
                if "committed" in w.stdout:
                    committed.append(next_id)
                    res.stray_wals += 1
                    rnd["stray_wal"] = next_id
                next_id += 1
            writer_mode = rng.choice(["hold", "during"]) if rng.random() < writer_rate else None
            rnd["writer"] = writer_mode
            if writer_mode == "hold":
                hold = rng.uniform(0.5, 2.5)
                wp = subprocess.Popen(
                    [PY, "-c", _HAND_WRITE, str(wh), str(next_id), f"{hold:.2f}"],
                    stdout=subprocess.PIPE,
                    text=True,
                )
                line = wp.stdout.readline()
                if "committed" in line:
                    committed.append(next_id)
                    res.writers_waited_for += 1
                next_id += 1
                procs.append(wp)
            if rng.random() < reader_rate:
                for mode in rng.sample(["hold", "loop"], rng.randint(1, 2)):
                    readers.append(
                        subprocess.Popen(
                            [PY, "-c", _READER, str(wh), mode, f"{duration * 1.5:.1f}", str(stop)],
                            stdout=subprocess.PIPE,
                            text=True,
                        )
                    )
                    res.readers += 1
                rnd["readers"] = len(readers)
            build = subprocess.Popen(
                [JIXIAO, "build", "--input", str(inputs[variant]), "--warehouse", str(wh), *build_args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=True,
            )
            kill_at = rng.uniform(0.3, duration * 1.1) if rng.random() < kill_rate else None
            during_at = rng.uniform(0.5, duration * 0.8) if writer_mode == "during" else None
            t0 = time.perf_counter()
            during_done = False
            while build.poll() is None:
                el = time.perf_counter() - t0
                if during_at is not None and not during_done and el >= during_at:
                    w = subprocess.run(
                        [PY, "-c", _HAND_WRITE, str(wh), str(next_id), "-1"], capture_output=True, text=True
                    )
                    if "committed" in w.stdout:
                        committed.append(next_id)
                        res.writers_during_build += 1
                        rnd["during_id"] = next_id
                    next_id += 1
                    during_done = True
                if kill_at is not None and el >= kill_at:
                    _killpg(build)
                    rnd["killed_at"] = round(el, 2)
                    break
                time.sleep(0.05)
            out, err = build.communicate(timeout=600)
            rc = build.returncode
            stop.touch()  # the readers stop once the build is over
            rnd["exit"] = rc
            res.builds += 1
            for p in procs:
                p.wait(timeout=60)
            for r in readers:
                rout, _ = r.communicate(timeout=120)
                parts = rout.split(" ", 2)
                if len(parts) >= 2 and parts[0].isdigit():
                    res.reader_reads += int(parts[0])
                    if parts[1] != "0":
                        res.failures.append(f"round {n}: reader errors {parts[2].strip()}")
                else:
                    res.failures.append(f"round {n}: reader failed: {rout[-300:]}")

            # --- verify
            if rc == 0:
                res.succeeded += 1
                expected, expected_variant = snapshot(wh), variant
                left = [
                    p.name
                    for p in (wh.parent / ".build").glob("*")
                    if p.name not in ("dbt-target", "dbt-logs")
                ]
                left += [p.name for p in (wh.parent / "backups").glob(".partial-*")]
                if left:
                    res.failures.append(f"round {n}: leftovers after a successful build: {left}")
                if len(list((wh.parent / "backups").glob("*.duckdb"))) > 3:
                    res.failures.append(f"round {n}: more than 3 backups")
            elif rc == 4:
                res.refused_busy += 1
                if writer_mode != "during" and writer_mode != "hold":
                    res.failures.append(f"round {n}: exit 4 without a writer: {out[-300:]}")
            elif rc == -signal.SIGKILL and kill_at is not None:
                res.killed += 1
            else:
                res.failures.append(f"round {n}: exit {rc}: {(out + err)[-800:]}")
            try:
                got = snapshot(wh)
                ids = hand_ids(wh)
            except duckdb.Error as e:
                res.failures.append(f"round {n}: live warehouse does not open: {str(e).splitlines()[0]}")
                break
            if got != expected:
                diff = sorted(k for k in set(got) | set(expected) if got.get(k) != expected.get(k))
                res.failures.append(
                    f"round {n}: content differs from the last successful build ({expected_variant}): {diff[:5]}"
                )
                expected = got  # report each divergence once
            if ids != sorted(committed):
                res.failures.append(f"round {n}: hand.notes {ids} != committed {sorted(committed)}")
            if check_each:
                c = jixiao("check")
                res.checks_run += 1
                rnd["check"] = c.returncode
                if c.returncode != 0:
                    res.failures.append(
                        f"round {n}: jixiao check exit {c.returncode}: {(c.stdout + c.stderr)[-500:]}"
                    )
                elif snapshot(wh) != expected:
                    res.failures.append(f"round {n}: jixiao check changed the content")
            res.rounds.append(rnd)
            log(f"round {n}: {rnd}")

        if final_restore and not res.failures:
            # a truncated live file: the build says so (exit 6), restore brings back the last good build
            subprocess.run(
                [PY, "-c", _HAND_WRITE, str(wh), "0", "0"], capture_output=True
            )  # checkpoint any WAL into the file
            committed.append(0)
            with open(wh, "r+b") as fh:
                fh.truncate(wh.stat().st_size // 3)
            b = jixiao("build", *build_args)
            if b.returncode != 6 or "jixiao restore" not in b.stdout:
                res.failures.append(f"truncated: build exit {b.returncode}: {b.stdout[-300:]}")
            r = jixiao("restore")
            if r.returncode != 0:
                res.failures.append(f"restore exit {r.returncode}: {r.stdout[-300:]}")
            elif snapshot(wh) != expected:
                res.failures.append("restore: content differs from the last successful build")
            else:
                res.restored = True
    finally:
        res.hand_rows_committed = len(committed) if "committed" in locals() else 0
        res.seconds = round(time.perf_counter() - t_start, 1)
        if own:
            shutil.rmtree(work, ignore_errors=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--builds", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--no-check-each", action="store_true", help="skip `jixiao check` after every round")
    ap.add_argument("--skip-checks", action="store_true", help="builds run with --skip-checks (faster)")
    ap.add_argument("--out", type=Path, default=RESULTS / "soak.json")
    for name, default in (("kill", 0.35), ("wal", 0.35), ("reader", 0.6), ("writer", 0.35)):
        ap.add_argument(
            f"--{name}-rate",
            type=float,
            default=default,
            help=f"share of rounds with a {name} (default {default})",
        )
    a = ap.parse_args(argv)
    res = run(
        a.builds,
        a.seed,
        a.workdir,
        check_each=not a.no_check_each,
        skip_checks=a.skip_checks,
        kill_rate=a.kill_rate,
        wal_rate=a.wal_rate,
        reader_rate=a.reader_rate,
        writer_rate=a.writer_rate,
    )
    summary = {k: v for k, v in asdict(res).items() if k != "rounds"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(
        json.dumps(
            {"command": "python -m bench.soak " + " ".join(argv or sys.argv[1:]), **asdict(res)},
            ensure_ascii=False,
            indent=1,
        )
    )
    return 0 if res.ok else 1


if __name__ == "__main__":
    sys.exit(main())
