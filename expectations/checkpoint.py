"""The checkpoint: every suite in expectations/suites/, validated with Great Expectations, in one run.

    run_checkpoint(warehouse_file, run_id) -> CheckpointOutcome

1. Pull one small DataFrame per suite from DuckDB (read-only; the SQL aggregates, so nothing scales with
   the ledger's length). A suite whose tables are missing gets an empty frame: every expectation fails
   with "表不存在" — a missing mart never passes silently.
2. Validate them with GX's pandas path (the SQL datasource is not usable on DuckDB here) in an ephemeral
   context: one checkpoint, one validation definition per suite, frames as parquet files in a scratch
   folder (the build folder when run by the pipeline, else the system temp dir).
3. Data Docs: rendered into the scratch folder, made readable offline (expectations/docs.py) and published
   beside the live warehouse: ``<warehouse dir>/data_docs/index.html`` when the integrity suites pass, else
   ``<warehouse dir>/data_docs_failed/`` (the live docs keep describing the live warehouse). The pipeline
   passes ``stage_docs``: passing docs wait in the build folder and are published after the swap.
4. Results into the warehouse file given: ``audit.check_runs`` (one row per suite) and
   ``audit.check_results`` (one row per expectation). The pipeline passes its build copy, so they go live
   with the swap.
5. Integrity suites failed → raise ``ChecksFailed`` (a ``BuildFailed``: the pipeline discards the copy).
   Findings suites never raise.

Scale (issue 18): the frames are aggregates, but several still have one row per department-year (or per
department-year × category), millions at province scale, and GX's pandas path costs ~per row and
expectation. Unless ``full`` is set (``jixiao check --full``), a frame above ``SCREEN_MIN_ROWS`` rows is
screened first (``_screen``): every expectation is evaluated vectorised on the whole frame, and GX then
validates every row that fails or might fail any of them (a null where a value is compared, a duplicate
key, a row a condition cannot be evaluated on), every row of the department-years just loaded (``scope``),
and a fixed sample of ``SAMPLE_ROWS`` rows. So a suite fails exactly when it would on the whole frame, with
the same failing rows quoted; only the row counts GX reports (``x / y 行不符``) are of the rows it was
given, and each suite's note says how many of how many. An expectation the screen does not know sends the
whole frame to GX.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from app.errors import BuildFailed
from app.warehouse import duckdb_config
from expectations.kinds import FINDINGS, INTEGRITY

SEVERITIES = ("error", "warning", "info")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
FINDINGS_TABLE = "marts.fct_reconciliation_findings"
TOP_FINDINGS = 8
EXAMPLES = 5  # failing rows quoted per expectation in audit.check_results.details
SCREEN_MIN_ROWS = 5000  # frames up to this size go to GX whole (the worked example's all do)
SAMPLE_ROWS = 500  # rows of a screened frame that pass the screen and GX validates all the same

# the audit tables this module writes (created, or extended with new columns, on first use)
CHECK_RUNS: list[tuple[str, str]] = [
    ("run_id", "VARCHAR"),
    ("suite", "VARCHAR"),
    ("success", "BOOLEAN"),
    ("evaluated", "INTEGER"),
    ("successful", "INTEGER"),
    ("unsuccessful", "INTEGER"),
    ("run_at", "TIMESTAMP"),
    ("suite_kind", "VARCHAR"),  # integrity (a failure stops the build) / findings (reported only)
    ("suite_title", "VARCHAR"),  # 中文标题
    (
        "problem",
        "VARCHAR",
    ),  # why the suite could not look at its data, e.g. 表不存在：marts.fct_level1_scores
    ("docs_dir", "VARCHAR"),  # where this run's Data Docs were published
    ("docs_page", "VARCHAR"),  # the suite's validation page, relative to docs_dir
]
CHECK_RESULTS: list[tuple[str, str]] = [
    ("run_id", "VARCHAR"),
    ("suite", "VARCHAR"),
    ("expectation", "VARCHAR"),  # GX expectation type, e.g. expect_column_values_to_be_between
    ("column_name", "VARCHAR"),  # the column(s) it checks; empty for table-level expectations
    ("success", "BOOLEAN"),
    ("observed", "VARCHAR"),  # failing rows / rows, the observed value, or why it could not be computed
    ("details", "VARCHAR"),  # where: up to 5 failing rows by locator (or GX's message)
    ("description", "VARCHAR"),  # the rule in words (中文) and in columns
    ("position", "INTEGER"),  # order within the suite
]


class ChecksFailed(BuildFailed):
    """Integrity suites failed: the build is wrong and must not go live."""

    def __init__(self, outcome: CheckpointOutcome):
        failed = outcome.failed(INTEGRITY)
        names = "、".join(f"{s.name}（{s.unsuccessful}/{s.evaluated} 项未通过）" for s in failed)
        lines = []
        for s in failed:
            if s.problem:
                lines.append(f"  {s.name}：{s.problem}")
                continue
            for r in [r for r in s.results if not r.success][:3]:
                lines.append(
                    f"  {s.name}：{r.description or r.expectation} → {r.observed}"
                    + (f"；{r.details}" if r.details else "")
                )
        where = f"\n  Data Docs：{outcome.docs_index}" if outcome.docs_index else ""
        super().__init__(
            "checks",
            f"Great Expectations 完整性检查未通过：{names}\n"
            + "\n".join(_short(x, 240) for x in lines[:15])
            + where,
        )
        self.outcome = outcome


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    observed: str
    details: str
    description: str
    position: int


@dataclass
class SuiteOutcome:
    name: str
    title: str
    kind: str
    success: bool
    evaluated: int
    successful: int
    unsuccessful: int
    problem: str | None = None
    docs_page: str | None = None
    rows: int = 0  # rows of the frame GX validated
    rows_total: int = 0  # rows of the frame (more than `rows` when it was screened)
    results: list[ExpectationOutcome] = field(default_factory=list)


@dataclass
class CheckpointOutcome:
    run_id: str
    run_at: datetime
    warehouse: Path  # the file checked (the pipeline's build copy)
    live_warehouse: Path | None = None  # the file analysts open (where the copy goes when the build succeeds)
    suites: list[SuiteOutcome] = field(default_factory=list)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    top_findings: list[dict] = field(default_factory=list)
    docs_index: Path | None = None
    docs_staged: Path | None = None  # rendered, waiting for the swap (the pipeline publishes it after)
    timings: dict[str, float] = field(default_factory=dict)
    # an incremental build: the integrity suites read only this many departments' rows (None: all of them)
    scoped_departments: int | None = None

    @property
    def success(self) -> bool:
        """Every suite passed, findings included."""
        return all(s.success for s in self.suites)

    @property
    def integrity_success(self) -> bool:
        """Every integrity suite passed (what decides whether a build may go live)."""
        return all(s.success for s in self.suites if s.kind == INTEGRITY)

    def failed(self, kind: str | None = None) -> list[SuiteOutcome]:
        return [s for s in self.suites if not s.success and (kind is None or s.kind == kind)]

    def suite(self, name: str) -> SuiteOutcome:
        return next(s for s in self.suites if s.name == name)

    def findings_at_least(self, severity: str) -> int:
        """Findings of `severity` or worse (error > warning > info)."""
        if severity not in SEVERITIES:
            return 0
        worse = SEVERITIES[: SEVERITIES.index(severity) + 1]
        return sum(self.findings_by_severity.get(s, 0) for s in worse)

    def summary_lines(self) -> list[str]:
        """The build summary (Chinese; rich markup, dynamic text escaped)."""
        lines = []
        counts = "，".join(f"{SEVERITY_ZH[s]} {self.findings_by_severity.get(s, 0)} 条" for s in SEVERITIES)
        total = sum(self.findings_by_severity.values())
        lines.append(f"核对发现：共 {total} 条（{counts}），见 marts.fct_reconciliation_findings")
        for f in self.top_findings:
            style = {"error": "red", "warning": "yellow"}.get(f["severity"], "dim")
            where = " ".join(
                str(x) for x in (f["dept_code"], f["fiscal_year"], f.get("framework_code") or "") if x
            )
            item, message = f["item"] or "", f["message"] or ""
            text = message if message.startswith(item) else f"{item}：{message}"
            lines.append(
                f"  [{style}]{SEVERITY_ZH.get(f['severity'], f['severity'])}[/{style}] {_esc(where)} · "
                f"{_esc(f['check_code'])} · {_esc(_short(text, 110))}"
            )
        shown = len(self.top_findings)
        if total > shown:
            lines.append(f"  …… 另有 {total - shown} 条")
        passed = [s for s in self.suites if s.success]
        integrity = [s for s in self.suites if s.kind == INTEGRITY]
        ok_integrity = sum(s.success for s in integrity)
        lines.append(
            f"Great Expectations：{len(self.suites)} 个套件，{len(passed)} 个通过"
            f"（完整性 {ok_integrity}/{len(integrity)}，核对发现 {len(passed) - ok_integrity}/{len(self.suites) - len(integrity)}）"
            + (f"，用时 {self.timings.get('total', 0):.1f} 秒" if self.timings else "")
            + (
                f"；增量构建，完整性套件只校验本次重算的 {self.scoped_departments} 个部门"
                if self.scoped_departments is not None
                else ""
            )
        )
        for s in self.failed():
            kind = "完整性" if s.kind == INTEGRITY else "核对发现，不影响构建"
            lines.append(
                f"  [red]✘[/red] {_esc(s.name)}（{_esc(s.title)}，{kind}）：{s.unsuccessful}/{s.evaluated} 项未通过"
            )
            if s.problem:
                lines.append(f"      {_esc(s.problem)}")
                continue
            for r in [r for r in s.results if not r.success][:3]:
                lines.append(f"      {_esc(r.description or r.expectation)}：{_esc(_short(r.observed, 60))}")
                if r.details and r.details != r.description:
                    lines.append(f"        {_esc(_short(r.details, 110))}")
        if self.docs_index:
            lines.append(f"Data Docs：{_esc(str(self.docs_index))}")
        return lines


def _esc(text: str) -> str:
    return str(text).replace("[", r"\[")


def _short(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------------------
# where things go


def live_dir(warehouse_file: Path) -> Path:
    """The live warehouse's folder: the pipeline's build copy lives in <dir>/.build/."""
    parent = warehouse_file.resolve().parent
    return parent.parent if parent.name == ".build" else parent


def default_docs_dir(warehouse_file: Path) -> Path:
    return live_dir(warehouse_file) / "data_docs"


# ---------------------------------------------------------------------------
# 1. frames


@dataclass
class _Frame:
    suite: object  # expectations.suites.Suite
    frame: object  # pandas.DataFrame
    problem: str | None
    rows_total: int = 0  # rows the SQL returned (frame may be the screened subset)
    screen_note: str | None = None  # 中文: what GX was given when the frame was screened


def _pull(con: duckdb.DuckDBPyConnection, suites, ctx) -> list[_Frame]:
    import pandas as pd

    out = []
    for suite in suites:
        missing = [t for t in suite.tables if t not in ctx.tables]
        problem = None
        frame = None
        if missing:
            problem = "表不存在：" + "、".join(missing)
        else:
            try:
                frame = con.execute(suite.query(ctx)).df()
            except duckdb.Error as e:
                problem = "查询失败（表或列不符合契约）：" + _short(str(e), 300)
        if frame is None:
            frame = pd.DataFrame({"locator": pd.Series([], dtype="object")})
        out.append(_Frame(suite, frame, problem, rows_total=len(frame)))
    return out


# ---------------------------------------------------------------------------
# 1b. the screen: which rows of a big frame GX must see


def _row_condition(kwargs: dict) -> str | None:
    cond = kwargs.get("row_condition")
    if isinstance(cond, dict):
        cond = cond.get("pass_through_filter")
    return cond or None


def _may_fail(frame, expectation):
    """Boolean Series: the rows of `frame` that fail or might fail `expectation` (GX, pandas path), or
    None when this expectation cannot be screened (then GX gets the whole frame).

    Conservative by construction: a row is left out only when the expectation certainly holds on it
    (a non-null value inside the bounds or in the set, a pair that compares true, a key seen once, a row
    its row_condition excludes). Nulls are kept even where GX would skip them."""
    import pandas as pd

    cfg = expectation.configuration
    kind, kw = cfg.type, dict(cfg.kwargs)
    if kw.get("mostly") not in (None, 1, 1.0):
        return None
    columns = [kw[k] for k in ("column", "column_A", "column_B") if k in kw] + list(
        kw.get("column_list") or []
    )
    if any(c not in frame.columns for c in columns):
        return None
    if kind == "expect_column_values_to_be_between":
        if kw.get("strict_min") or kw.get("strict_max"):
            return None
        col = pd.to_numeric(frame[kw["column"]], errors="coerce")
        ok = col.notna()
        if kw.get("min_value") is not None:
            ok &= col >= kw["min_value"]
        if kw.get("max_value") is not None:
            ok &= col <= kw["max_value"]
        bad = ~ok
    elif kind == "expect_column_values_to_be_in_set":
        col = frame[kw["column"]]
        bad = ~(col.notna() & col.isin(list(kw["value_set"])))
    elif kind == "expect_column_values_to_not_be_null":
        bad = frame[kw["column"]].isna()
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a = pd.to_numeric(frame[kw["column_A"]], errors="coerce")
        b = pd.to_numeric(frame[kw["column_B"]], errors="coerce")
        bad = ~((a >= b) if kw.get("or_equal") else (a > b))  # NaN compares false: kept
    elif kind == "expect_column_pair_values_to_be_equal":
        a, b = frame[kw["column_A"]], frame[kw["column_B"]]
        bad = ~(a.notna() & b.notna() & (a == b))
    elif kind == "expect_column_values_to_be_unique":
        col = frame[kw["column"]]
        bad = col.duplicated(keep=False) | col.isna()
    elif kind == "expect_compound_columns_to_be_unique":
        bad = frame.duplicated(subset=list(kw["column_list"]), keep=False)
    else:
        return None
    bad = bad.fillna(True).astype(bool)
    cond = _row_condition(kw)
    if cond and kind not in ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique"):
        chosen = frame.index.isin(frame.query(cond).index)  # GX applies the condition with DataFrame.query
        bad &= chosen
    return bad


def _screen(f: _Frame, ctx, scope: set[str] | None) -> None:
    """Replace a big frame by the rows GX must validate (see the module docstring); leave small ones."""
    import numpy as np

    frame = f.frame
    if f.problem is not None or len(frame) <= SCREEN_MIN_ROWS:
        return
    keep = np.zeros(len(frame), dtype=bool)
    try:
        for e in f.suite.expectations(ctx):
            bad = _may_fail(frame, e)
            if bad is None:
                return  # an expectation the screen does not know: GX sees every row
            keep |= bad.to_numpy()
    except Exception:  # a condition or comparison pandas cannot evaluate: GX sees every row
        return
    suspect = int(keep.sum())
    # the sample is taken among the rows no rule flagged, so GX always sees suspect + SAMPLE_ROWS rows: taken
    # over the whole frame it overlapped the suspects or not depending on the order DuckDB returned the rows in
    free = np.flatnonzero(~keep)
    if len(free):
        keep[free[np.linspace(0, len(free) - 1, min(SAMPLE_ROWS, len(free))).astype(int)]] = True
    in_scope = 0
    if scope and f.suite.department_column is not None:
        mine = frame[f.suite.department_column].isin(list(scope)).to_numpy()
        in_scope = int(mine.sum())
        keep |= mine
    f.frame = frame[keep].reset_index(drop=True)
    f.screen_note = (f.screen_note + "\n\n" if f.screen_note else "") + (
        f"本次按规则筛查全部 {len(frame):,} 行，Great Expectations 校验其中 {len(f.frame):,} 行："
        f"未通过或可能未通过某条规则的 {suspect:,} 行、本次导入部门的 {in_scope:,} 行和固定抽样 {SAMPLE_ROWS} 行"
        "（jixiao check --full 校验全部行）。"
    )


def _context(con: duckdb.DuckDBPyConnection):
    from expectations.suites import Context

    # which tables exist: a build that stopped early lacks some, and its suites then fail with 表不存在
    # (their columns are not probed: the marts' contracts are enforced, so a mart that exists has them)
    tables = {
        f"{s}.{t}"
        for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }

    def codes(sql: str, table: str) -> list[str]:
        return [r[0] for r in con.execute(sql).fetchall()] if table in tables else []

    return Context(
        framework_codes=codes(
            "SELECT framework_code FROM marts.dim_framework ORDER BY 1", "marts.dim_framework"
        ),
        check_codes=codes(
            "SELECT check_code FROM marts.dim_reconciliation_check ORDER BY 1",
            "marts.dim_reconciliation_check",
        ),
        tables=tables,
    )


# lookup tables of the scoped checks, kept whole: a rebuilt unit's parent department (上级部门编码) is looked up
# in them, and a removed parent must fail its unchanged children's rows (raw_departments, marts_dim_department)
WHOLE_IN_SCOPED_CHECKS = ("raw.departments", "marts.dim_department")


def _scoped_copy(warehouse_file: Path, departments: list[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory database where every table of `warehouse_file` with a dept_code column holds only the
    rows of `departments` and every other table (and WHOLE_IN_SCOPED_CHECKS) is a view of the warehouse's
    (attached read-only), under the same schema and name: the suites' SQL runs on it unchanged. (The
    warehouse's views are left out: no suite reads one.)"""
    con = duckdb.connect(config=duckdb_config())
    path = str(warehouse_file).replace("'", "''")
    con.execute(f"ATTACH '{path}' AS w (READ_ONLY)")
    con.execute(
        "CREATE TEMP TABLE scope_departments AS SELECT unnest(?::VARCHAR[]) AS dept_code", [departments]
    )
    rels = con.execute(
        """select t.schema_name, t.table_name, bool_or(c.column_name = 'dept_code')
           from duckdb_tables() as t join duckdb_columns() as c using (database_name, schema_name, table_name)
           where t.database_name = 'w' group by all order by 1, 2"""
    ).fetchall()
    for schema in sorted({r[0] for r in rels}):
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    for schema, table, has_dept in rels:
        rel = f'"{schema}"."{table}"'
        if has_dept and f"{schema}.{table}" not in WHOLE_IN_SCOPED_CHECKS:
            con.execute(
                f"CREATE TABLE {rel} AS SELECT * FROM w.{rel} "
                "WHERE dept_code IN (SELECT dept_code FROM scope_departments)"
            )
        else:
            con.execute(f"CREATE VIEW {rel} AS SELECT * FROM w.{rel}")
    return con


def _scope_departments(con: duckdb.DuckDBPyConnection, ctx, scope: list[str] | None) -> set[str] | None:
    """The departments of the submissions `scope` names (from raw.departments and raw.budget_ledger)."""
    if not scope:
        return None
    out: set[str] = set()
    for table in ("raw.departments", "raw.budget_ledger"):
        if table in ctx.tables:
            out |= {
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT dept_code FROM {table} WHERE _submission_id IN (SELECT unnest(?::VARCHAR[]))",
                    [list(scope)],
                ).fetchall()
            }
    return out


def _findings(con: duckdb.DuckDBPyConnection, ctx) -> tuple[dict[str, int], list[dict]]:
    if FINDINGS_TABLE not in ctx.tables:
        return {}, []
    counts = dict(
        con.execute(f"SELECT severity, count(*) FROM {FINDINGS_TABLE} GROUP BY severity").fetchall()
    )
    ordered = {s: counts.pop(s, 0) for s in SEVERITIES}
    ordered.update(counts)  # a severity outside the list (the integrity suite flags it) still counts
    rows = con.execute(
        f"""
        SELECT dept_code, fiscal_year, framework_code, check_code, severity, item, message
        FROM {FINDINGS_TABLE}
        ORDER BY CASE severity WHEN 'error' THEN 1 WHEN 'warning' THEN 2 WHEN 'info' THEN 3 ELSE 0 END,
                 dept_code, fiscal_year, check_code, item
        LIMIT {TOP_FINDINGS}
        """
    ).fetchall()
    keys = ("dept_code", "fiscal_year", "framework_code", "check_code", "severity", "item", "message")
    return ordered, [dict(zip(keys, r)) for r in rows]


# ---------------------------------------------------------------------------
# 2. Great Expectations


@contextlib.contextmanager
def _quiet():
    """GX warns and logs freely; the build's output is ours."""
    loggers = [logging.getLogger(n) for n in ("great_expectations", "great_expectations.core", "py.warnings")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for lg, lvl in zip(loggers, levels):
                lg.setLevel(lvl)


def _validate(frames: list[_Frame], ctx, scratch: Path, run_id: str, run_at: datetime):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    frames_dir = scratch / "frames"
    site_dir = scratch / "data_docs"
    frames_dir.mkdir(parents=True, exist_ok=True)

    # in-memory stores, one Data Docs site in the scratch folder (GX's default ephemeral config would also
    # make a temp docs folder of its own), no analytics, no progress bars on the build's terminal
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            "jixiao": {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(site_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    source = context.data_sources.add_pandas_filesystem("warehouse", base_directory=frames_dir)
    definitions = []
    for f in frames:
        s = f.suite
        f.frame.to_parquet(frames_dir / f"{s.name}.parquet", index=False)
        batch = source.add_parquet_asset(s.name).add_batch_definition_path(s.name, path=f"{s.name}.parquet")
        notes = (
            [f"**{s.title}**", s.notes]
            + ([f"**{f.problem}**"] if f.problem else [])
            + ([f.screen_note] if f.screen_note else [])
        )
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=s.name,
                expectations=s.expectations(ctx),
                meta={"notes": {"format": "markdown", "content": notes}, "kind": s.kind},
            )
        )
        definitions.append(
            context.validation_definitions.add(gx.ValidationDefinition(name=s.name, data=batch, suite=suite))
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="jixiao",
            validation_definitions=definitions,
            actions=[],  # Data Docs are built once below (the UpdateDataDocsAction rebuilds the site per suite)
            result_format={
                "result_format": "SUMMARY",
                "unexpected_index_column_names": ["locator"],
                "partial_unexpected_count": 20,
            },
        )
    )
    result = checkpoint.run(run_id=RunIdentifier(run_name=run_id, run_time=run_at))
    context.build_data_docs(site_names=["jixiao"])
    by_suite = {
        r.suite_name if hasattr(r, "suite_name") else r.meta.get("expectation_suite_name"): r
        for r in result.run_results.values()
    }
    return by_suite, site_dir


def _column_of(kwargs: dict) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def _exception_message(info) -> str | None:
    if not info:
        return None
    if isinstance(info, dict) and "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    if isinstance(info, dict):
        for v in info.values():
            if isinstance(v, dict) and v.get("raised_exception"):
                return v.get("exception_message")
    return None


def _describe(r, problem: str | None) -> tuple[str, str]:
    """(observed, details) for one GX expectation result."""
    res = dict(r.result or {})
    err = _exception_message(r.exception_info)
    if err:
        observed = "无法计算：" + _short(err, 160)
    elif "observed_value" in res:
        observed = _short(str(res["observed_value"]), 200)
    elif "unexpected_count" in res:
        observed = f"{res.get('unexpected_count', 0)} / {res.get('element_count', 0)} 行不符"
    else:
        observed = ""
    if problem:  # the suite could not look at its data: say why, keep GX's message as the detail
        return problem, observed
    examples = []
    for row in (res.get("partial_unexpected_index_list") or [])[:EXAMPLES]:
        if isinstance(row, dict):
            loc = row.get("locator", "")
            values = "，".join(f"{k}={_fmt(v)}" for k, v in row.items() if k != "locator")
            examples.append(f"{loc}（{values}）" if values else str(loc))
    if not examples and res.get("partial_unexpected_list"):
        examples = [_fmt(v) for v in res["partial_unexpected_list"][:EXAMPLES]]
    return observed, ("例：" + "；".join(examples)) if examples else ""


def _fmt(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) and math.isfinite(v) else str(v)


def _collect(frames: list[_Frame], results: dict) -> list[SuiteOutcome]:
    out = []
    for f in frames:
        s = f.suite
        vr = results.get(s.name)
        outcome = SuiteOutcome(
            s.name,
            s.title,
            s.kind,
            False,
            0,
            0,
            0,
            problem=f.problem,
            rows=len(f.frame),
            rows_total=f.rows_total,
        )
        if vr is not None:
            stats = vr.statistics
            outcome.evaluated = int(stats.get("evaluated_expectations", 0))
            outcome.successful = int(stats.get("successful_expectations", 0))
            outcome.unsuccessful = int(stats.get("unsuccessful_expectations", 0))
            outcome.success = bool(vr.success) and f.problem is None
            for i, r in enumerate(vr.results):
                cfg = r.expectation_config
                observed, details = _describe(r, f.problem)
                outcome.results.append(
                    ExpectationOutcome(
                        expectation=cfg.type,
                        column=_column_of(dict(cfg.kwargs)),
                        success=bool(r.success) and f.problem is None,
                        observed=observed,
                        details=details,
                        description=getattr(cfg, "description", None)
                        or (cfg.meta or {}).get("description", "")
                        or "",
                        position=i + 1,
                    )
                )
            if f.problem:  # never a silent pass: an absent table fails every expectation
                outcome.successful, outcome.unsuccessful = 0, outcome.evaluated
        out.append(outcome)
    return out


# ---------------------------------------------------------------------------
# 4. the audit tables


def _ensure_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]]) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS audit.{name} (" + ", ".join(f"{c} {t}" for c, t in columns) + ")"
    )
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'audit' AND table_name = ?",
            [name],
        ).fetchall()
    }
    for c, t in columns:
        if c not in have:
            con.execute(f"ALTER TABLE audit.{name} ADD COLUMN {c} {t}")


def _insert(
    con: duckdb.DuckDBPyConnection, name: str, columns: list[tuple[str, str]], rows: list[tuple]
) -> None:
    if rows:
        names = ", ".join(c for c, _ in columns)
        con.executemany(f"INSERT INTO audit.{name} ({names}) VALUES ({', '.join('?' * len(columns))})", rows)


def _write_audit(warehouse_file: Path, outcome: CheckpointOutcome) -> None:
    docs_dir = str(outcome.docs_index.parent) if outcome.docs_index else None
    runs = [
        (
            outcome.run_id,
            s.name,
            s.success,
            s.evaluated,
            s.successful,
            s.unsuccessful,
            outcome.run_at,
            s.kind,
            s.title,
            s.problem,
            docs_dir,
            s.docs_page,
        )
        for s in outcome.suites
    ]
    results = [
        (
            outcome.run_id,
            s.name,
            r.expectation,
            r.column,
            r.success,
            r.observed,
            r.details,
            r.description,
            r.position,
        )
        for s in outcome.suites
        for r in s.results
    ]
    with contextlib.closing(duckdb.connect(str(warehouse_file))) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS audit")
        _ensure_table(con, "check_runs", CHECK_RUNS)
        _ensure_table(con, "check_results", CHECK_RESULTS)
        con.execute("BEGIN TRANSACTION")
        con.execute("DELETE FROM audit.check_runs WHERE run_id = ?", [outcome.run_id])
        con.execute("DELETE FROM audit.check_results WHERE run_id = ?", [outcome.run_id])
        _insert(con, "check_runs", CHECK_RUNS, runs)
        _insert(con, "check_results", CHECK_RESULTS, results)
        con.execute("COMMIT")
        con.execute("CHECKPOINT")


# ---------------------------------------------------------------------------


def run_checkpoint(
    warehouse_file: Path,
    run_id: str,
    *,
    docs_dir: Path | None = None,
    raise_on_failure: bool = True,
    suites: list | None = None,
    stage_docs: Path | None = None,
    full: bool = False,
    scope: list[str] | None = None,
    departments: list[str] | None = None,
) -> CheckpointOutcome:
    """Run every suite against `warehouse_file`; write Data Docs and audit.check_*; raise if integrity fails.

    `docs_dir` defaults to <live warehouse dir>/data_docs (a failing run goes to data_docs_failed beside it).
    `suites` restricts the run (tests); the default is every suite in expectations.suites.SUITES.
    `stage_docs` (the pipeline): when the integrity suites pass, the site goes there instead, and the
    pipeline publishes it to `docs_dir` only after the swap, so data_docs/ never describes a build that
    did not go live; `docs_index` and the audit rows already name the final place.
    `full`: GX validates every row of every frame (`jixiao check --full`); otherwise frames above
    SCREEN_MIN_ROWS rows are screened (module docstring): the same suites pass and fail.
    `scope`: submission ids loaded by this build; their departments' rows always go to GX.
    `departments` (an incremental build, app/incremental.py): the integrity suites read only these
    departments' rows (`_scoped_copy`): every other department's rows are as they were when the last build
    checked them. Suites without tables (the contracts) and the findings suites still read everything.
    """
    t0 = time.perf_counter()
    warehouse_file = Path(warehouse_file).resolve()
    run_at = datetime.now().replace(microsecond=0)
    outcome = CheckpointOutcome(
        run_id=run_id,
        run_at=run_at,
        warehouse=warehouse_file,
        live_warehouse=live_dir(warehouse_file) / warehouse_file.name,
    )

    from expectations.suites import SUITES  # imports great_expectations

    outcome.timings["import"] = time.perf_counter() - t0
    t = time.perf_counter()
    with contextlib.closing(
        duckdb.connect(str(warehouse_file), read_only=True, config=duckdb_config())
    ) as con:
        ctx = _context(con)
        chosen = suites if suites is not None else SUITES
        if departments is not None and not full:
            outcome.scoped_departments = len(departments)
            whole = [s for s in chosen if s.kind == FINDINGS or not s.tables]
            with contextlib.closing(_scoped_copy(warehouse_file, departments)) as scoped:
                parts = {id(f.suite): f for f in _pull(scoped, [s for s in chosen if s not in whole], ctx)}
            note = (
                f"增量构建：只校验本次重算的 {len(departments):,} 个部门的行；其余部门的行与上次构建检查时相同"
                "（jixiao check 校验全部部门）。"
            )
            for f in parts.values():
                f.screen_note = note
            parts |= {id(f.suite): f for f in _pull(con, whole, ctx)}
            frames = [parts[id(s)] for s in chosen]
        else:
            frames = _pull(con, chosen, ctx)
        outcome.findings_by_severity, outcome.top_findings = _findings(con, ctx)
        depts = None if full else _scope_departments(con, ctx, scope)
    outcome.timings["pull"] = time.perf_counter() - t
    if not full:
        t = time.perf_counter()
        for f in frames:
            _screen(f, ctx, depts)
        outcome.timings["screen"] = time.perf_counter() - t

    in_build = warehouse_file.parent.name == ".build"
    scratch = Path(tempfile.mkdtemp(prefix=f"gx-{run_id}-", dir=warehouse_file.parent if in_build else None))
    try:
        t = time.perf_counter()
        with _quiet():
            results, site = _validate(frames, ctx, scratch, run_id, run_at)
        outcome.suites = _collect(frames, results)
        outcome.timings["validate"] = time.perf_counter() - t

        t = time.perf_counter()
        from expectations import docs

        pages = docs.validation_pages(site)
        for s in outcome.suites:
            s.docs_page = pages.get(s.name)
        docs.make_offline(site)
        docs.write_index(site, outcome)
        target = Path(docs_dir) if docs_dir else default_docs_dir(warehouse_file)
        if not outcome.integrity_success:
            target = target.with_name(target.name + "_failed")
        if stage_docs is not None and outcome.integrity_success:
            docs.publish(site, Path(stage_docs))
            outcome.docs_staged = Path(stage_docs)
            outcome.docs_index = target / "index.html"
        else:
            outcome.docs_index = docs.publish(site, target)
        outcome.timings["docs"] = time.perf_counter() - t
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    t = time.perf_counter()
    _write_audit(warehouse_file, outcome)
    outcome.timings["audit"] = time.perf_counter() - t
    outcome.timings["total"] = time.perf_counter() - t0
    if raise_on_failure and not outcome.integrity_success:
        raise ChecksFailed(outcome)
    return outcome


__all__ = [
    "FINDINGS",
    "INTEGRITY",
    "CheckpointOutcome",
    "ChecksFailed",
    "ExpectationOutcome",
    "SuiteOutcome",
    "run_checkpoint",
]
