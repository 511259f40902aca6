"""Helpers for the scoring tests (no tests here): load submissions into a temporary warehouse and run dbt.

Two builds per session, each once, run side by side in background threads (dbt is a subprocess):

- `scoring_warehouse()`: the worked example (ingest/sample/yanfeng-2023) and every framework fixture
  (tests/fixtures/scoring/<framework>/, each with its own department codes), full `dbt build`
  (unit tests and data tests included);
- `city_warehouse()`: a copy of dbt_project/, models/ and seeds/ with a made-up city framework appended to
  the seeds (tests/fixtures/scoring/_city_framework/), built over three existing submissions.

A test module that needs the city build calls `want_city()` at import, so that collecting it starts that
build together with the main one.
"""

from __future__ import annotations

import atexit
import csv
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "ingest" / "sample" / "yanfeng-2023"
FIXTURES = ROOT / "tests" / "fixtures" / "scoring"
CITY_SEEDS = FIXTURES / "_city_framework"
CITY_FRAMEWORK = "hy_city_demo"
DBT = Path(sys.executable).parent / "dbt"


def fixture_folders() -> list[Path]:
    """The framework fixtures: every submission folder under tests/fixtures/scoring (not `_…`)."""
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir() and not p.name.startswith("_"))


_INGEST_LOCK = threading.Lock()


def load(warehouse: Path, folders: list[Path], seeds_dir: Path = ROOT / "seeds") -> None:
    """Ingest each submission folder (it must be accepted without errors)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from ingest.load import load_submission
    from ingest.submission import FrameworkCatalog, read_submission

    catalog = FrameworkCatalog.from_seeds(seeds_dir)
    with _INGEST_LOCK, duckdb.connect(str(warehouse)) as con:
        for folder in folders:
            sub = read_submission(folder, catalog=catalog)
            assert sub.ok, (folder, [str(i) for i in sub.issues])
            assert load_submission(con, sub, "test").status == "loaded", folder


def run_dbt(
    warehouse: Path, work: Path, args: list[str], project_root: Path = ROOT
) -> subprocess.CompletedProcess:
    project = project_root / "dbt_project"
    env = {
        **os.environ,
        "JIXIAO_WAREHOUSE": str(warehouse),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    return subprocess.run(
        [str(DBT), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _tempdir(prefix: str) -> Path:
    d = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    return d


def _check(res: subprocess.CompletedProcess) -> None:
    assert res.returncode == 0, res.stdout[-6000:] + res.stderr[-3000:]


def _build_main() -> Path:
    work = _tempdir("jixiao-scoring-")
    warehouse = work / "scoring.duckdb"
    load(warehouse, [SAMPLE, *fixture_folders()])
    # unit tests run once, in tests/test_dbt_unit_tests.py: they test the SQL, not this warehouse's data
    _check(run_dbt(warehouse, work, ["build", "--exclude-resource-type", "unit_test"]))
    return warehouse


def append_rows(seed: Path, rows_file: Path) -> None:
    """Append the rows of rows_file to seed, matching columns by header name (missing ones empty)."""
    with seed.open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with rows_file.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) <= set(header), (rows_file.name, set(rows[0]) - set(header))
    with seed.open("a", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writerows({k: r.get(k, "") for k in header} for r in rows)


def _build_city() -> Path:
    root = _tempdir("jixiao-city-")
    shutil.copytree(
        ROOT / "dbt_project",
        root / "dbt_project",
        ignore=shutil.ignore_patterns("target", "logs", ".user.yml"),
    )
    shutil.copytree(ROOT / "models", root / "models")
    shutil.copytree(ROOT / "seeds", root / "seeds")
    for rows_file in sorted(CITY_SEEDS.glob("*.csv")):
        append_rows(root / "seeds" / rows_file.name, rows_file)
    # the worked example, with the city's one manual indicator scored by a person
    sample = root / "yanfeng-2023"
    shutil.copytree(SAMPLE, sample)
    with (sample / "qualitative_scores.csv").open("a", encoding="utf-8") as fh:
        fh.write(f"430406-hrss,2023,{CITY_FRAMEWORK},C6,12,city evaluator,重点工作基本完成\n")
    warehouse = root / "city.duckdb"
    load(
        warehouse,
        [sample, FIXTURES / "mof_dept_common", FIXTURES / "sc_county_self"],
        seeds_dir=root / "seeds",
    )
    # the scoring marts and everything they need; tests only where all their parents are built
    args = ["build", "--select", "+fct_department_scores", "+fct_indicator_values"]
    _check(
        run_dbt(
            warehouse,
            root,
            [*args, "--indirect-selection", "cautious", "--exclude-resource-type", "unit_test"],
            root,
        )
    )
    return warehouse


_BUILDS = {"main": _build_main, "city": _build_city}
_WANTED = {"main"}
_POOL = ThreadPoolExecutor(max_workers=len(_BUILDS), thread_name_prefix="dbt-build")
_FUTURES: dict[str, Future] = {}
_LOCK = threading.Lock()


def want_city() -> None:
    """Called at import by a module that will need city_warehouse()."""
    _WANTED.add("city")


def _result(name: str) -> Path:
    with _LOCK:
        for wanted in sorted(_WANTED | {name}):
            if wanted not in _FUTURES:
                _FUTURES[wanted] = _POOL.submit(_BUILDS[wanted])
    return _FUTURES[name].result()


def scoring_warehouse() -> Path:
    return _result("main")


def city_warehouse() -> Path:
    return _result("city")


@functools.cache
def _reader(warehouse: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(warehouse), read_only=True)
    atexit.register(con.close)
    return con


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    """Read a built warehouse (one read-only connection per warehouse for the session)."""
    return _reader(warehouse).cursor().execute(sql, params or []).fetchall()


def scores(
    warehouse: Path, dept: str, framework: str, year: int = 2023, project: str = ""
) -> dict[str, tuple]:
    """indicator_code -> (score, assessable, scored_by, value, explanation, letter)."""
    rows = query(
        warehouse,
        """select indicator_code, score, assessable, scored_by, value, explanation, letter
           from marts.fct_indicator_scores
           where dept_code = ? and framework_code = ? and fiscal_year = ? and coalesce(project_code, '') = ?""",
        [dept, framework, year, project],
    )
    return {r[0]: r[1:] for r in rows}


def department_score(warehouse: Path, dept: str, framework: str, year: int = 2023) -> dict:
    rows = query(
        warehouse,
        """select total_score, max_score, normalized_score, grade, not_assessable_weight, deductions, project_count
           from marts.fct_department_scores where dept_code = ? and framework_code = ? and fiscal_year = ?""",
        [dept, framework, year],
    )
    assert len(rows) == 1, rows
    keys = [
        "total_score",
        "max_score",
        "normalized_score",
        "grade",
        "not_assessable_weight",
        "deductions",
        "project_count",
    ]
    return dict(zip(keys, rows[0]))


def level1(
    warehouse: Path, dept: str, framework: str, year: int = 2023, project: str = ""
) -> dict[str, tuple]:
    rows = query(
        warehouse,
        """select level1_code, score, letter from marts.fct_level1_scores
           where dept_code = ? and framework_code = ? and fiscal_year = ? and coalesce(project_code, '') = ?""",
        [dept, framework, year, project],
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def D(x) -> Decimal:
    return Decimal(str(x))
