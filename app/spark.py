"""The same dbt project on Spark (issue 19): raw tables out as Parquet, `dbt build --target spark`, marts back.

Ingest, checks and the app stay on DuckDB. A Spark build starts from a DuckDB warehouse that `jixiao build`
made (its raw and audit tables are the validated submissions), writes those tables as Parquet
(:func:`export_raw_parquet`), runs the dbt project on the `spark` target of dbt_project/profiles.yml
(dbt-spark, session method, local mode; :func:`spark_build`), and reads Spark's marts, which are Parquet
tables, back with DuckDB (:func:`attach_spark_marts`), e.g. to compare them with DuckDB's or to run the
Great Expectations checkpoint on them (:func:`check_spark_marts`).

Layout of a Spark folder (``DIR``, by default the build folder's ``spark/``):
    DIR/raw/<schema>/<table>/data.parquet      the exported sources (schemas raw and audit)
    DIR/warehouse/<schema>.db/<table>/*.parquet  the tables dbt built (seeds, intermediate, marts)
    DIR/metastore_db/                          Spark's catalog (Derby)
The Spark target needs the optional dependencies: ``uv sync --extra spark`` (dbt-spark, pyspark) and Java 17.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
from pathlib import Path

import duckdb

from app.dbt import DbtResult, run_dbt
from app.errors import EXIT_FAILED as EXIT_BUILD_FAILED
from app.errors import EXIT_OK
from app.warehouse import add_warehouse_argument, build_dir, default_warehouse

SOURCE_SCHEMAS = ("raw", "audit")  # what models/staging/_sources.yml reads


def spark_dir(warehouse: Path) -> Path:
    """The Spark folder of a warehouse: ``<build folder>/spark`` (next to the warehouse file)."""
    return build_dir(Path(warehouse).resolve()) / "spark"


def export_raw_parquet(warehouse: Path, out_dir: Path) -> dict[str, int]:
    """Write every table of the warehouse's raw and audit schemas as ``out_dir/<schema>/<table>/data.parquet``.

    The tables are exactly those ingest validated and loaded (no second ingest); column types carry over
    (DECIMAL(18,2) amounts, DATE, TIMESTAMP, BOOLEAN). An existing ``out_dir/<schema>`` is replaced.
    Returns ``{'raw.budget_ledger': rows, …}``. Raises duckdb.IOException if the warehouse cannot be read.
    """
    out_dir = Path(out_dir).resolve()
    counts: dict[str, int] = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        # every table of the two source schemas (an export of whole schemas, not a probe for a column)
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = current_database() and schema_name in ('raw', 'audit') order by 1, 2"
        ).fetchall()
        for schema in SOURCE_SCHEMAS:
            shutil.rmtree(out_dir / schema, ignore_errors=True)
        for schema, table in tables:
            target = out_dir / schema / table
            target.mkdir(parents=True)
            con.execute(
                f'copy (select * from "{schema}"."{table}") to \'{target / "data.parquet"}\' (format parquet)'
            )
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'
            ).fetchone()[0]
    return counts


def spark_build(
    warehouse: Path, folder: Path | None = None, *, export: bool = True, unit_tests: bool = False
) -> DbtResult:
    """`dbt build --target spark` on the raw tables of `warehouse` (a DuckDB file jixiao built).

    `folder` (default :func:`spark_dir`) receives the Parquet sources, Spark's tables and its metastore;
    with `export` the sources are (re)written first. Seeds, models and data tests run, unit tests only with
    `unit_tests` (as on DuckDB, where the test suite runs them). The SparkSession lives in this process
    (dbt-spark's session method) until the process ends. Raises ModuleNotFoundError without dbt-spark.
    """
    import dbt.adapters.spark  # noqa: F401  (a clear error without the extra, before dbt starts)

    warehouse = Path(warehouse).resolve()
    folder = Path(folder).resolve() if folder else spark_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    if export:
        export_raw_parquet(warehouse, folder / "raw")
    args = ["build", "--target", "spark", "--vars", f"{{raw_parquet_dir: '{folder / 'raw'}'}}"]
    if not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    return run_dbt(args, warehouse, warehouse, env={"JIXIAO_SPARK_DIR": str(folder)})


def spark_tables(folder: Path, schema: str = "marts") -> dict[str, Path]:
    """Spark's tables of one schema in `folder`: ``{table: folder of its Parquet files}``."""
    root = Path(folder) / "warehouse" / f"{schema}.db"
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir()} if root.is_dir() else {}


def attach_spark_marts(
    con: duckdb.DuckDBPyConnection, folder: Path, schema: str = "spark_marts"
) -> list[str]:
    """Create views ``<schema>.<table>`` in `con` over Spark's marts in `folder`; returns the table names.

    Types are Spark's as Parquet stores them: STRING → VARCHAR, DECIMAL(p,s) as is, integer sums BIGINT
    (DuckDB's own sums of integers are HUGEINT: equal values, another type)."""
    con.execute(f'create schema if not exists "{schema}"')
    tables = spark_tables(folder)
    for table, path in tables.items():
        con.execute(
            f'create or replace view "{schema}"."{table}" as select * from read_parquet(\'{path}/*.parquet\')'
        )
    return list(tables)


def _warehouse(arg: str | None) -> Path:
    return Path(arg).resolve() if arg else default_warehouse()


def cmd_export_raw(args: argparse.Namespace) -> int:
    from app.cli import console

    warehouse = _warehouse(args.warehouse)
    counts = export_raw_parquet(warehouse, Path(args.dir))
    for name, n in counts.items():
        console.print(f"  {name}：{n} 行")
    console.print(f"已导出 {len(counts)} 张表（Parquet）到 {Path(args.dir).resolve()}")
    return EXIT_OK


def cmd_spark_build(args: argparse.Namespace) -> int:
    from app.cli import console

    warehouse = _warehouse(args.warehouse)
    folder = Path(args.dir).resolve() if args.dir else spark_dir(warehouse)
    try:
        result = spark_build(warehouse, folder)
    except ModuleNotFoundError:
        console.print(
            "[red]Spark 目标需要可选依赖：uv sync --extra spark（dbt-spark、pyspark）和 Java 17[/red]"
        )
        return EXIT_BUILD_FAILED
    counts = "，".join(f"{k} {v}" for k, v in sorted(result.counts.items()))
    if not result.ok:
        for node, status, message in result.failures:
            console.print(f"[red]{node}（{status}）[/red]：{message}")
        console.print(f"[red]Spark 上的 dbt build 失败[/red]（{counts}），日志：{result.log_file}")
        return EXIT_BUILD_FAILED
    console.print(
        f"完成：Spark 上的 dbt build（{counts}，用时 {result.seconds:.1f} 秒），表在 {folder / 'warehouse'}"
    )
    return EXIT_OK


def add_spark_parsers(sub) -> None:
    """`jixiao export-raw` and `jixiao spark-build` (the Spark target, issue 19)."""
    e = sub.add_parser(
        "export-raw",
        help="把仓库中已校验的原始数据（raw、audit）导出为 Parquet，供 Spark 读取",
        description="把仓库中已校验的原始表（raw、audit 两个 schema）写成 Parquet：DIR/<schema>/<表>/data.parquet。不重新导入、不重新校验。",
    )
    e.add_argument("dir", metavar="DIR", help="输出文件夹")
    e.add_argument("--format", choices=("parquet",), default="parquet", help="输出格式（只支持 parquet）")
    add_warehouse_argument(e)
    e.set_defaults(func=cmd_export_raw)

    s = sub.add_parser(
        "spark-build",
        help="在 Spark（本地模式）上用同一个 dbt 项目计算：导出原始数据，运行 dbt build --target spark",
        description="从已构建的仓库导出原始数据（Parquet），在 Spark 本地模式上运行同一个 dbt 项目（种子、模型、数据测试）。"
        "需要可选依赖（uv sync --extra spark）和 Java 17。仓库文件本身不变。退出码：0 完成；1 失败。",
    )
    add_warehouse_argument(s)
    s.add_argument("--dir", metavar="DIR", help="Spark 文件夹（默认仓库旁 .build/spark）")
    s.set_defaults(func=cmd_spark_build)


# Spark's name for a DuckDB type where they differ and the values are the same: integer sums
SAME_VALUES_TYPES = {("HUGEINT", "BIGINT")}


def compare_marts(warehouse: Path, folder: Path, show: int = 3) -> dict[str, list[str]]:
    """Compare every table of the DuckDB warehouse's `marts` schema with Spark's, row by row.

    Exact: every column of every row, as a multiset (EXCEPT ALL both ways), so amounts agree to the cent
    (DECIMAL(18,2)), rates to their 2 decimals, scores exactly, text character for character, findings by
    id with their whole row. Column names and order must match; a column's type must match too, except
    DuckDB HUGEINT against Spark BIGINT (integer sums: the values are compared). Returns
    ``{table: [difference, …]}`` with only the tables that differ (at most `show` example rows each way);
    ``{}`` means equal.
    """
    diffs: dict[str, list[str]] = {}
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(f"attach '{Path(warehouse).resolve()}' as wh (read_only)")
        spark = set(attach_spark_marts(con, folder))
        duck = [
            t
            for (t,) in con.execute(
                "select table_name from duckdb_tables() where database_name = 'wh' and schema_name = 'marts'"
                " order by 1"
            ).fetchall()
        ]
        for table in sorted(spark - set(duck)):
            diffs[table] = ["只在 Spark 上有这张表"]
        for table in duck:
            if table not in spark:
                diffs[table] = ["Spark 上没有这张表"]
                continue
            problems = []
            d_cols = con.execute(f'describe wh.marts."{table}"').fetchall()
            s_cols = con.execute(f'describe spark_marts."{table}"').fetchall()
            if [c[0] for c in d_cols] != [c[0] for c in s_cols]:
                diffs[table] = [f"列不同：DuckDB {[c[0] for c in d_cols]}，Spark {[c[0] for c in s_cols]}"]
                continue
            for (name, d_type, *_), (_, s_type, *_) in zip(d_cols, s_cols):
                if d_type != s_type and (d_type, s_type) not in SAME_VALUES_TYPES:
                    problems.append(f"{name} 的类型：DuckDB {d_type}，Spark {s_type}")
            cols = ", ".join(f'"{c[0]}"' for c in d_cols)
            for a, b, label in (
                ("wh.marts", "spark_marts", "只在 DuckDB"),
                ("spark_marts", "wh.marts", "只在 Spark"),
            ):
                sql = f'select {cols} from {a}."{table}" except all select {cols} from {b}."{table}"'
                n = con.execute(f"select count(*) from ({sql})").fetchone()[0]
                if n:
                    rows = con.execute(f"{sql} limit {show}").fetchall()
                    problems.append(f"{label}的行 {n} 行，例如 {rows}")
            if problems:
                diffs[table] = problems
    return diffs


def check_spark_marts(warehouse: Path, folder: Path, out_dir: Path, run_id: str = "spark"):
    """The Great Expectations checkpoint on Spark's marts; returns its CheckpointOutcome.

    The checkpoint validates pandas frames that it pulls with DuckDB SQL (expectations/checkpoint.py), so
    Spark's marts are pulled the same way: a copy of the DuckDB warehouse (`out_dir/spark_marts.duckdb`)
    whose marts tables are replaced by Spark's (read from its Parquet files), then the unchanged checkpoint
    on that copy, Data Docs in `out_dir/data_docs`. No second checks path, no GX Spark datasource: the
    suites' SQL (reconciliation sums, contracts) runs as it does for DuckDB's marts. The raw, audit and
    seeds tables of the copy are DuckDB's (the same inputs Spark read).
    """
    from expectations.checkpoint import run_checkpoint

    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    copy = out_dir / "spark_marts.duckdb"
    copy.unlink(missing_ok=True)
    shutil.copyfile(warehouse, copy)
    with contextlib.closing(duckdb.connect(str(copy))) as con:
        for table, path in spark_tables(folder).items():
            con.execute(
                f"create or replace table marts.\"{table}\" as select * from read_parquet('{path}/*.parquet')"
            )
        con.execute("checkpoint")
    return run_checkpoint(copy, run_id, docs_dir=out_dir / "data_docs", raise_on_failure=False)
