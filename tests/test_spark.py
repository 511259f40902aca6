"""The same dbt project on Spark (issue 19): the demo sample built on both engines, every public mart equal.

The demo sample is what `jixiao demo` loads: the worked example (雁峰区人社局 2023) and the generated regions
(several departments and years, XLSX and CSV submissions), so one Spark build covers both. It runs
`jixiao spark-build` in its own process (dbt-spark's session method, Spark local mode; the worked example alone
took 217 s on two cores, 593 s when other jobs shared them: dbt's per-node overhead on a JVM, not data), on the
raw tables of the DuckDB warehouse exported as Parquet. Needs the optional dependencies (`.ci/setup --test`
installs them: dbt-spark, pyspark) and Java 17. Marked `spark`: `.ci/run` runs these as their own step;
`pytest -m "not spark"` leaves them out.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

import duckdb
import pytest
from conftest import build_warehouse, query

from app.spark import attach_spark_marts, check_spark_marts, compare_marts, export_raw_parquet, spark_tables

ROOT = Path(__file__).resolve().parents[1]

# the Spark build takes minutes (dbt per-node overhead on a JVM): more than the suite's 600 s per test
pytestmark = [pytest.mark.spark, pytest.mark.timeout(1800)]
# the Spark target is an optional extra (`uv sync --extra spark`); `.ci/setup --test` installs it
pytest.importorskip("pyspark", reason="可选依赖 spark 未安装（uv sync --extra spark）")


HRSS = "430406-hrss"


@pytest.fixture(scope="module")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo sample (worked example + generated regions) built on DuckDB, as `jixiao demo` builds it."""
    from app.cli import demo_inputs, expand_inputs

    wh = tmp_path_factory.mktemp("demo") / "jixiao.duckdb"
    result = build_warehouse(wh, *expand_inputs(demo_inputs()))
    assert result.swapped and [o.status for o in result.outcomes] == ["loaded"] * 10, result.outcomes
    return wh


@pytest.fixture(scope="module")
def spark_build_dir(demo_warehouse, tmp_path_factory) -> Path:
    """Spark's build of the demo sample (Parquet tables under DIR/warehouse)."""
    missing = [m for m in ("pyspark", "dbt.adapters.spark") if importlib.util.find_spec(m) is None]
    assert not missing, f"the Spark tests need the spark extra ({missing}): run .ci/setup --test"
    assert shutil.which("java"), "the Spark tests need Java 17 (Debian: openjdk-17-jre-headless)"
    folder = tmp_path_factory.mktemp("spark")
    proc = subprocess.run(
        [sys.executable, "-m", "app.cli", "spark-build", "-w", str(demo_warehouse), "--dir", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "完成：Spark 上的 dbt build" in proc.stdout
    return folder


def spark_query(folder: Path, sql: str, params=None) -> list[tuple]:
    with contextlib.closing(duckdb.connect()) as con:
        attach_spark_marts(con, folder)
        return con.execute(sql, params or []).fetchall()


def test_export_raw_writes_every_source_table_with_its_rows(yanfeng_warehouse, tmp_path):
    counts = export_raw_parquet(yanfeng_warehouse, tmp_path)
    with contextlib.closing(duckdb.connect(str(yanfeng_warehouse), read_only=True)) as con:
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema in ('raw', 'audit') order by 1"
        ).fetchall()
        assert sorted(counts) == [t for (t,) in tables]
        assert len([t for t in counts if t.startswith("raw.")]) == 13
        for name, n in counts.items():
            schema, table = name.split(".")
            assert n == con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
            back = con.execute(
                f"select * from read_parquet('{tmp_path / schema / table / 'data.parquet'}')"
                f' except all select * from "{schema}"."{table}"'
            ).fetchall()
            assert back == [], name
    assert counts["raw.budget_ledger"] > 0


def test_every_public_mart_equal_on_both_engines(demo_warehouse, spark_build_dir):
    assert len(spark_tables(spark_build_dir)) == 33
    # not an empty comparison: the demo's marts hold several regions, years and frameworks
    regions, years, scored = query(
        demo_warehouse,
        "select count(distinct d.region_code), count(distinct s.fiscal_year), count(s.total_score)"
        " from marts.fct_department_scores as s join marts.dim_department as d using (dept_code)",
    )[0]
    assert regions >= 3 and years >= 3 and scored > 50
    assert compare_marts(demo_warehouse, spark_build_dir) == {}


def test_comparison_sees_a_cent_and_a_missing_table(demo_warehouse, spark_build_dir, tmp_path):
    # a copy of Spark's marts with one amount a cent off and one table gone: compare_marts must say so
    copy = tmp_path / "spark"
    shutil.copytree(spark_build_dir / "warehouse" / "marts.db", copy / "warehouse" / "marts.db")
    shutil.rmtree(copy / "warehouse" / "marts.db" / "dim_label")
    table = copy / "warehouse" / "marts.db" / "fct_department_scores"
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(
            f"copy (select * replace (total_score + 0.01 as total_score) from read_parquet('{table}/*.parquet'))"
            f" to '{tmp_path / 'changed.parquet'}' (format parquet)"
        )
    shutil.rmtree(table)
    table.mkdir()
    shutil.move(tmp_path / "changed.parquet", table / "part-0.parquet")
    diffs = compare_marts(demo_warehouse, copy)
    assert sorted(diffs) == ["dim_label", "fct_department_scores"]
    assert diffs["dim_label"] == ["Spark 上没有这张表"]
    # every row with a total changed by a cent (a NULL total stays NULL): that many rows on each side differ
    scored = query(demo_warehouse, "select count(total_score) from marts.fct_department_scores")[0][0]
    assert scored > 50
    got = diffs["fct_department_scores"]
    assert [d.split("，例如")[0] for d in got] == [
        f"只在 DuckDB的行 {scored} 行",
        f"只在 Spark的行 {scored} 行",
    ]


def test_worked_example_total_and_grade_on_spark(spark_build_dir):
    # the same figures test_scoring_worked_example asserts on DuckDB
    rows = spark_query(
        spark_build_dir,
        "select total_score, max_score, grade from spark_marts.fct_department_scores"
        " where framework_code = 'hn_dept_overall' and dept_code = ? and fiscal_year = 2023",
        [HRSS],
    )
    assert rows == [(D("90.00"), D("100.00"), "优")]


def test_listagg_keeps_its_order_on_spark(spark_build_dir):
    # dbt-spark's own listagg drops `order by` (11月、9月、6月)
    rows = spark_query(
        spark_build_dir,
        "select not_assessable_reason from spark_marts.fct_indicator_scores where not_assessable_reason like '%月、%'",
    )
    assert ("缺少 6月、9月、11月 的月度支出进度数据",) in rows


def test_blank_seed_cells_are_null_not_the_text_none_on_spark(spark_build_dir):
    # dbt-spark's seed loader writes an empty cell as 'None'; jixiao's spark__load_csv_rows writes NULL
    with contextlib.closing(duckdb.connect()) as con:
        attach_spark_marts(con, spark_build_dir)
        text_columns = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'spark_marts' and data_type = 'VARCHAR'"
        ).fetchall()
        assert len(text_columns) > 200
        nones = [
            (t, c)
            for t, c in text_columns
            if con.execute(f'select count(*) from spark_marts."{t}" where "{c}" = \'None\'').fetchone()[0]
        ]
        assert nones == []
        # the seed's row order survives: frameworks listed as in seeds/frameworks.csv
        order = con.execute(
            "select framework_code from spark_marts.dim_framework order by sort_order"
        ).fetchall()
    assert [c for (c,) in order][:2] == ["hn_dept_overall", "sc_county_self"]


def test_checkpoint_on_spark_marts_as_on_duckdb(demo_warehouse, spark_build_dir, tmp_path):
    from expectations.checkpoint import run_checkpoint

    on_spark = check_spark_marts(demo_warehouse, spark_build_dir, tmp_path / "spark-checks")
    copy = tmp_path / "duck" / "jixiao.duckdb"
    copy.parent.mkdir()
    shutil.copyfile(demo_warehouse, copy)
    on_duckdb = run_checkpoint(copy, "duckdb", docs_dir=tmp_path / "duck" / "docs", raise_on_failure=False)
    assert on_spark.integrity_success

    def results(outcome):
        return [(s.name, s.success, s.evaluated, s.successful, s.rows) for s in outcome.suites]

    assert results(on_spark) == results(on_duckdb)
    assert on_spark.findings_by_severity == on_duckdb.findings_by_severity
    assert len(on_spark.suites) > 10
