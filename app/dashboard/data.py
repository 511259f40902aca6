"""Read-only access to the warehouse for the dashboard, with caching that follows rebuilds.

* **Short-lived read-only connections.** A connection is opened lazily, at the first cache miss of a
  script run, and closed when the run ends (``run_scope``); outside a run scope each query opens and
  closes its own. ``jixiao build`` never writes the live file (it builds a copy and ``os.replace``s it),
  so reading never blocks a build, and a build never breaks a reader: a run that opened the old file
  finishes on it.
* **Cache keyed by the warehouse version.** Every query goes through ``st.cache_data`` with the file's
  (path, inode, mtime_ns) in the key, taken once at the start of the run. A swap changes the inode, so
  the next run misses the cache and reads the new file; old entries age out (``ttl``/``max_entries``).
* **No stale instance.** DuckDB shares one database instance between connections to the same path in a
  process. If one session still had the old file open when another asked for the new version, the new
  connection would silently attach to the *old* instance and cache old rows under the new key. The
  ``_Gate`` lets connections of one version overlap, and makes a newer version wait until the older
  one's connections are closed (runs are short, so the wait is too). If the wait times out
  (``GATE_WAIT`` seconds), the run connects to nothing and caches nothing: it shows "请稍后刷新"
  (``WarehouseUnavailable``, which ``st.cache_data`` does not cache). After connecting, the file is
  checked to still be the version in the cache key (a swap may land between the two); if not, the
  connection is closed and nothing is cached either.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from app import warehouse as W
from app.errors import JixiaoError
from app.workflow.schema import CURRENT_ACKS_SQL

Version = tuple[str, int, int]  # (path, inode, mtime_ns)


class WarehouseUnavailable(JixiaoError):
    """The warehouse file is missing or cannot be opened for reading right now."""


def warehouse_path() -> Path:
    return W.default_warehouse()


def current_version(path: Path | None = None) -> Version | None:
    """(path, inode, mtime_ns) of `path`, else of what this run reads (a 地区 user's region extract, see
    ``run_scope``), else of the warehouse; None if the file does not exist."""
    scope = getattr(_local, "scope", None)
    path = path or (scope.path if scope is not None and scope.path is not None else None) or warehouse_path()
    try:
        ino, mtime = W.warehouse_version(path)
    except FileNotFoundError:
        return None
    return (str(path), ino, mtime)


class _Gate:
    """Connections to one warehouse version may overlap; a different version waits for them to close."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._open = 0
        self._version: Version | None = None

    def enter(self, version: Version, max_wait: float | None = None) -> bool:
        """True once no other version's connection is open (and this one is counted); False if that did
        not happen within `max_wait` seconds: then the caller must not connect."""
        deadline = time.monotonic() + (GATE_WAIT if max_wait is None else max_wait)
        with self._cond:
            while self._open and self._version != version:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(timeout=min(0.5, left))
            self._open += 1
            self._version = version
            return True

    def leave(self) -> None:
        with self._cond:
            self._open -= 1
            if self._open == 0:
                self._version = None
            self._cond.notify_all()


GATE_WAIT = 30.0  # seconds a run waits for the previous version's connections to close
_GATES: dict[
    str, _Gate
] = {}  # one per file: the warehouse's, and each region extract's (never wait on each other)
_GATES_LOCK = threading.Lock()
_local = threading.local()


def _gate(version: Version) -> _Gate:
    with _GATES_LOCK:
        return _GATES.setdefault(version[0], _Gate())


def _open(version: Version) -> duckdb.DuckDBPyConnection:
    gate = _gate(version)
    if not gate.enter(version):
        raise WarehouseUnavailable("仓库已更新，但看板仍有读取旧仓库的查询没有结束，暂不打开新仓库")
    for attempt in range(4):
        try:
            con = W.connect_readonly(Path(version[0]))
        except duckdb.IOException:  # a writer holds the file (e.g. a manual `dbt build` in place)
            time.sleep(0.25 * (attempt + 1))
            continue
        except BaseException:
            gate.leave()
            raise
        _OPEN_GATES[id(con)] = gate
        if current_version(Path(version[0])) != version:  # swapped between the key and the connect
            _close(con)
            raise WarehouseUnavailable("仓库刚刚换成了新的构建")
        return con
    gate.leave()
    raise WarehouseUnavailable("仓库文件暂时无法读取（可能正被手工 duckdb 会话或 dbt 写入）")


_OPEN_GATES: dict[int, _Gate] = {}  # id(connection) -> the gate it entered


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    finally:
        _OPEN_GATES.pop(id(con)).leave()


@dataclass
class _Scope:
    version: Version | None
    con: duckdb.DuckDBPyConnection | None = None
    path: Path | None = None  # what this run reads, when not the warehouse (a region extract)
    restricted: bool = False


@contextlib.contextmanager
def run_scope(path: Path | None = None, restricted: bool = False):
    """One script run: fix the warehouse version for its cache keys; share one lazily opened connection.

    `path`: read this file instead of the warehouse (a 地区 user's region extract, app/auth/extract.py);
    `restricted`: the run belongs to such a user (``restricted()``): pages leave out what covers every
    region (the all-regions option, Data Docs)."""
    scope = _Scope(current_version(path or warehouse_path()), path=path, restricted=restricted)
    prev = getattr(_local, "scope", None)
    _local.scope = scope
    try:
        yield scope
    finally:
        _local.scope = prev
        if scope.con is not None:
            _close(scope.con)


def read_path() -> Path:
    """The file this run reads: a 地区 user's region extract, else the warehouse. The SQL page's sandbox
    opens this, never ``warehouse_path()``."""
    scope = getattr(_local, "scope", None)
    return scope.path if scope is not None and scope.path is not None else warehouse_path()


def restricted() -> bool:
    """True while a 地区 user's run is reading her region extract (see run_scope)."""
    scope = getattr(_local, "scope", None)
    return bool(scope is not None and scope.restricted)


def _version_for_key() -> Version:
    scope = getattr(_local, "scope", None)
    v = scope.version if scope is not None and scope.version is not None else current_version()
    if v is None:
        raise WarehouseUnavailable(f"仓库文件不存在：{warehouse_path()}")
    return v


def _execute(version: Version, sql: str, params: tuple) -> pd.DataFrame:
    scope = getattr(_local, "scope", None)
    if scope is not None and scope.version == version:
        if scope.con is None:
            scope.con = _open(version)
        return scope.con.execute(sql, list(params)).df()
    con = _open(version)
    try:
        return con.execute(sql, list(params)).df()
    finally:
        _close(con)


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _cached_query(sql: str, params: tuple, version: Version) -> pd.DataFrame:
    return _execute(version, sql, params)


def q(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """A read-only query, cached until the warehouse changes. Do not mutate the result."""
    return _cached_query(sql, tuple(params), _version_for_key())


def scalar(sql: str, params: tuple | list = ()):
    df = q(sql, params)
    return None if df.empty else df.iat[0, 0]


# ---------------------------------------------------------------------------- catalogue


def all_columns() -> pd.DataFrame:
    """The public tables' columns, for the SQL page's table browser (a listing, not a probe)."""
    return q(
        """select schema_name as table_schema, table_name, column_name, data_type, column_index as ordinal_position
           from duckdb_columns() where schema_name in ('marts', 'audit')
           order by table_schema, table_name, ordinal_position"""
    )


def built_at() -> str:
    """When the live warehouse was swapped in (the file's mtime), as local time."""
    v = current_version(warehouse_path())
    if v is None:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(v[2] / 1e9))


# ---------------------------------------------------------------------------- dimensions


def frameworks() -> pd.DataFrame:
    """Frameworks that have department scores, in seed order (hn_dept_overall first when present)."""
    return q(
        """select f.*, s.n
           from marts.dim_framework f
           join (select framework_code, count(*) as n from marts.fct_department_scores group by 1) s using (framework_code)
           order by f.sort_order"""
    )


def labels(kind: str) -> dict[str, str]:
    """Code → 中文 of one kind (severity, scored_by, scoring_status, rule_type, check_category, op):
    marts.dim_label, the one source of the wording."""
    df = q("select code, label from marts.dim_label where kind = ? order by sort_order", (kind,))
    return dict(zip(df.code, df.label))


def regions() -> pd.DataFrame:
    return q(
        """select region_code, any_value(region_name) as region_name, count(*) as departments
           from marts.dim_department group by 1 order by 1"""
    )


def years() -> list[int]:
    df = q("select distinct fiscal_year from marts.fct_department_scores order by 1")
    if df.empty:
        df = q("select distinct fiscal_year from marts.fct_budget_execution order by 1")
    return [int(y) for y in df.fiscal_year]


def departments(region: str | None = None) -> pd.DataFrame:
    return q(
        """select dept_code, dept_name, region_code, region_name, parent_dept_code
           from marts.dim_department where (? is null or region_code = ?) order by region_code, dept_code""",
        (region, region),
    )


def grades(framework: str) -> pd.DataFrame:
    """The framework's grades, best first (优 / 良 / 合格 / 不合格; project_self 优 / 良 / 中 / 差)."""
    return q(
        """select grade, min_score, max_score, sort_order, band_text, grade_basis from marts.dim_framework_grade
           where framework_code = ? order by sort_order""",
        (framework,),
    )


def grade_list(framework: str) -> list[str]:
    return grades(framework)["grade"].tolist()


def level_names(framework: str) -> pd.DataFrame:
    return q(
        """select level_code, level_name, level, parent_code, weight, sort_order from marts.dim_framework_level
           where framework_code = ? order by level, sort_order""",
        (framework,),
    )


# ---------------------------------------------------------------------------- scores


def department_scores(framework: str, region: str | None, year_list: list[int] | None = None) -> pd.DataFrame:
    """Department scores of a framework (all years, or `year_list`) with names, last year's score, the change
    and finding counts: marts.fct_department_scores and fct_department_score_history."""
    yrs = list(year_list or [])
    return q(
        """
        select s.dept_code, d.dept_name, d.region_code, d.region_name, s.fiscal_year,
               s.total_score, s.max_score, s.normalized_score, s.grade, s.not_assessable_weight,
               s.grade_is_partial, s.assessed_share,
               h.previous_total_score as prev_score, h.previous_normalized_score as prev_normalized,
               h.previous_grade as prev_grade, h.previous_grade_is_partial as prev_partial,
               h.total_score_change, h.normalized_score_change,
               h.findings, h.errors, h.warnings
        from marts.fct_department_scores s
        join marts.dim_department d using (dept_code)
        join marts.fct_department_score_history h using (dept_code, fiscal_year, framework_code)
        where s.framework_code = ? and (? is null or d.region_code = ?)
          and (len(?::int[]) = 0 or list_contains(?::int[], s.fiscal_year))
        order by s.fiscal_year, s.dept_code
        """,
        (framework, region, region, yrs, yrs),
    )


def region_year_scores(
    framework: str, region: str | None, year_list: list[int] | None = None
) -> pd.DataFrame:
    """Departments, mean / median / min / max score, the mean's change and errors of a region (None = all
    regions) per year: marts.fct_region_year_scores."""
    yrs = list(year_list or [])
    return q(
        """select * from marts.fct_region_year_scores
           where framework_code = ? and (region_code = ? or (? is null and all_regions))
             and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year""",
        (framework, region, region, yrs, yrs),
    )


def region_year_grades(
    framework: str, region: str | None, year_list: list[int] | None = None
) -> pd.DataFrame:
    """Departments per grade (every grade of the framework, 0 when none; then other results and 未评分) of a
    region (None = all regions) per year: marts.fct_region_year_grades."""
    yrs = list(year_list or [])
    return q(
        """select fiscal_year, coalesce(grade, '未评分') as grade, sort_order, departments, complete_departments
           from marts.fct_region_year_grades
           where framework_code = ? and (region_code = ? or (? is null and all_regions))
             and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year, sort_order, grade""",
        (framework, region, region, yrs, yrs),
    )


def department_row(dept: str) -> pd.Series | None:
    df = q("select * from marts.dim_department where dept_code = ?", (dept,))
    return None if df.empty else df.iloc[0]


def department_years(dept: str, framework: str) -> list[int]:
    df = q(
        "select distinct fiscal_year from marts.fct_department_scores where dept_code = ? and framework_code = ? order by 1",
        (dept, framework),
    )
    return [int(y) for y in df.fiscal_year]


def dept_history(framework: str, dept: str) -> pd.DataFrame:
    return q(
        """
        select s.fiscal_year, s.total_score, s.max_score, s.normalized_score, s.grade, s.not_assessable_weight,
               s.grade_is_partial, s.assessed_share, s.project_count, h.total_score_change, h.normalized_score_change, h.findings, h.errors, h.warnings, h.infos
        from marts.fct_department_scores s
        join marts.fct_department_score_history h using (dept_code, fiscal_year, framework_code)
        where s.framework_code = ? and s.dept_code = ?
        order by s.fiscal_year
        """,
        (framework, dept),
    )


def level1(framework: str, dept: str, year: int) -> pd.DataFrame:
    return q(
        """select level1_code, level_name, sort_order, weight, score, score_rate, letter, not_assessable_weight,
                  indicator_count, not_assessable_count, person_scored_count
           from marts.fct_level1_scores
           where framework_code = ? and dept_code = ? and fiscal_year = ? and coalesce(project_code, '') = ''
           order by sort_order""",
        (framework, dept, year),
    )


def indicator_scores(framework: str, dept: str, year: int) -> pd.DataFrame:
    return q(
        """select indicator_code, indicator_name, coalesce(project_code, '') as project_code, level1_code, level2_code,
                  sort_order, weight, score, value, unit, rule_type, rule_text, scored_by, assessable, explanation,
                  scoring_status, not_assessable_reason, letter, evidence, scorer, numerator, denominator
            from marts.fct_indicator_scores
            where framework_code = ? and dept_code = ? and fiscal_year = ?
            order by coalesce(project_code, ''), sort_order, indicator_code""",
        (framework, dept, year),
    )


def indicator_values(framework: str, dept: str, year: int) -> pd.DataFrame:
    return q(
        """select indicator_code, indicator_name, coalesce(project_code, '') as project_code, value, unit,
                  numerator, denominator, assessable, part_code, part_name, calc_text, inputs, missing_inputs
            from marts.fct_indicator_values
            where framework_code = ? and dept_code = ? and fiscal_year = ?
            order by sort_order, indicator_code""",
        (framework, dept, year),
    )


def project_scores(framework: str, dept: str, year: int) -> pd.DataFrame:
    return q(
        """select * exclude (dept_code, fiscal_year, framework_code) from marts.fct_project_scores
           where framework_code = ? and dept_code = ? and fiscal_year = ? order by project_code""",
        (framework, dept, year),
    )


# ---------------------------------------------------------------------------- inputs behind the scores


def budget_summary(
    dept: str,
    years_: list[int] | None = None,
    levels: tuple[str, ...] = ("category", "expense_type", "total"),
) -> pd.DataFrame:
    """Rows of the 预算执行 table (marts.fct_budget_execution_summary): amounts, execution rate, share of the parent."""
    yrs = list(years_ or [])
    return q(
        """select fiscal_year, row_level, expense_type, category, econ_class, label, original_budget, adjustment,
                  adjusted_budget, actual_paid, balance, execution_rate, share_of_parent
           from marts.fct_budget_execution_summary
           where dept_code = ? and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
             and list_contains(?::varchar[], row_level)
           order by fiscal_year, expense_type_order, row_level = 'category', category_order, label""",
        (dept, yrs, yrs, list(levels)),
    )


def budget_execution(dept: str, years_: list[int] | None = None) -> pd.DataFrame:
    yrs = list(years_ or [])
    return q(
        """select fiscal_year, expense_type, category, original_budget, adjusted_budget, actual_paid, balance
           from marts.fct_budget_execution
           where dept_code = ? and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year, expense_type, category""",
        (dept, yrs, yrs),
    )


def dept_year_inputs(dept: str, year: int) -> pd.Series | None:
    """三公, staffing, carryover, 重点支出, procurement, fixed assets: marts.fct_department_year_finance."""
    df = q(
        "select * from marts.fct_department_year_finance where dept_code = ? and fiscal_year = ?",
        (dept, year),
    )
    return None if df.empty else df.iloc[0]


def three_public_items(dept: str, year: int) -> pd.DataFrame:
    return q(
        "select item, budget, actual from marts.fct_three_public_items where dept_code = ? and fiscal_year = ? order by item",
        (dept, year),
    )


def staffing_items(dept: str, year: int) -> pd.DataFrame:
    return q(
        """select staff_type, authorized, actual from marts.fct_staffing_items
           where dept_code = ? and fiscal_year = ? order by is_total_row, source_row""",
        (dept, year),
    )


# ---------------------------------------------------------------------------- findings


def findings(
    framework: str | None,
    year_list: list[int] | None,
    region: str | None,
    dept: str | None = None,
) -> pd.DataFrame:
    yrs = list(year_list or [])
    return q(
        f"""select f.finding_id, f.dept_code, coalesce(f.dept_name, d.dept_name) as dept_name, d.region_name, f.fiscal_year,
                  f.framework_code, f.project_code, f.check_code, f.check_name, f.check_category, f.severity,
                  f.severity_rank, f.item, f.expected, f.actual, f.difference, f.unit, f.message,
                  f.submission_id, f.source_file, f.source_row,
                  a.status as ack_status, a.note as ack_note, a.acked_by, a.acked_at
           from marts.fct_reconciliation_findings f left join marts.dim_department d using (dept_code)
           left join ({CURRENT_ACKS_SQL}) a on a.finding_id = f.finding_id
           where (? is null or f.framework_code is null or f.framework_code = '' or f.framework_code = ?)
             and (len(?::int[]) = 0 or list_contains(?::int[], f.fiscal_year))
             and (? is null or d.region_code = ?)
             and (? is null or f.dept_code = ?)
           order by f.severity_rank, f.fiscal_year desc, f.dept_code, f.check_code, f.item""",
        (framework, framework, yrs, yrs, region, region, dept, dept),
    )


def checks_catalogue() -> pd.DataFrame:
    return q(
        """select check_code, check_name, category_name as category, severity_rule, description
           from marts.dim_reconciliation_check order by check_code"""
    )


# ---------------------------------------------------------------------------- indicators across departments


def indicator_matrix(framework: str, year: int, region: str | None) -> pd.DataFrame:
    """Department-level indicator scores (no project rows) for one framework-year: the heatmap's cells."""
    return q(
        """select s.dept_code, d.dept_name, s.indicator_code, s.indicator_name, s.level1_code, s.sort_order,
                  s.weight, s.score, s.score_rate, s.value, s.unit, s.scored_by, s.assessable, s.letter
           from marts.fct_indicator_scores s join marts.dim_department d using (dept_code)
           where s.framework_code = ? and s.fiscal_year = ? and (? is null or d.region_code = ?)
             and coalesce(s.project_code, '') = ''
           order by s.sort_order, s.dept_code""",
        (framework, year, region, region),
    )


def indicator_value_matrix(framework: str, year_list: list[int], region: str | None) -> pd.DataFrame:
    """Computed (rule-based) indicator values per department-year, department level only."""
    yrs = list(year_list or [])
    return q(
        """select v.dept_code, d.dept_name, d.region_code, v.fiscal_year, v.indicator_code, v.indicator_name,
                   coalesce(v.part_code, '') as part_code, v.value, v.unit, v.numerator, v.denominator, v.sort_order
            from marts.fct_indicator_values v join marts.dim_department d using (dept_code)
            where v.framework_code = ? and (len(?::int[]) = 0 or list_contains(?::int[], v.fiscal_year))
              and (? is null or d.region_code = ?) and coalesce(v.project_code, '') = '' and v.value is not null
            order by v.sort_order, v.dept_code""",
        (framework, yrs, yrs, region, region),
    )


def indicator_rules(framework: str) -> pd.DataFrame:
    return q(
        """select indicator_code, indicator_name, level1_code, weight, formula_code, rule_type, op, bound, target,
                  per_item, per_point, on_zero_denominator, rule_text, sort_order
           from marts.dim_framework_indicator where framework_code = ? order by sort_order""",
        (framework,),
    )


def rule_parts(framework: str, indicator: str) -> pd.DataFrame:
    return q(
        """select part_code, part_name, lower_bound, lower_inclusive, upper_bound, upper_inclusive, points, target,
                  letter, sort_order, rule_text
           from marts.dim_framework_rule_part where framework_code = ? and indicator_code = ? order by sort_order""",
        (framework, indicator),
    )


def budget_by_year(region: str | None, dept: str | None, year_list: list[int]) -> pd.DataFrame:
    """Budget totals and 预算完成率 per year: of a department (fct_budget_execution_summary's total rows) or
    of a region, None = all regions (fct_region_year_budget)."""
    yrs = list(year_list or [])
    if dept is not None:
        return q(
            """select fiscal_year, original_budget, adjusted_budget, actual_paid, balance, execution_rate
               from marts.fct_budget_execution_summary
               where row_level = 'total' and dept_code = ? and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
               order by fiscal_year""",
            (dept, yrs, yrs),
        )
    return q(
        """select fiscal_year, original_budget, adjusted_budget, actual_paid, balance, execution_rate
           from marts.fct_region_year_budget
           where (region_code = ? or (? is null and all_regions))
             and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year""",
        (region, region, yrs, yrs),
    )


def region_indicator_medians(framework: str, region: str | None, year_list: list[int]) -> pd.DataFrame:
    """The median of each rate indicator over a region's departments (None = all regions) per year:
    marts.fct_region_year_indicator_values."""
    yrs = list(year_list or [])
    return q(
        """select fiscal_year, indicator_code, median_value as value from marts.fct_region_year_indicator_values
           where framework_code = ? and (region_code = ? or (? is null and all_regions))
             and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year, indicator_code""",
        (framework, region, region, yrs, yrs),
    )


# ---------------------------------------------------------------------------- audit (Great Expectations)


def _audit(sql: str, params: tuple = ()) -> pd.DataFrame:
    """An audit table written by the checks; a build with --skip-checks has none (an empty frame)."""
    try:
        return q(sql, params)
    except (duckdb.CatalogException, duckdb.InvalidInputException):
        # no audit schema: DuckDB may then try a "replacement scan" of a Python name such as check_runs
        return pd.DataFrame()


def check_runs() -> pd.DataFrame:
    """audit.check_runs (expectations/checkpoint.py CHECK_RUNS), latest run first."""
    return _audit(
        "select * from audit.check_runs order by run_at desc nulls last, run_id desc, suite_kind desc, suite"
    )


def check_results(run_id: str) -> pd.DataFrame:
    return _audit("select * from audit.check_results where run_id = ? order by suite, position", (run_id,))


def data_docs_index() -> Path | None:
    """The Great Expectations Data Docs beside the warehouse; None when there are none, or for a 地区 user
    (they show every region's rows)."""
    if restricted():
        return None
    p = warehouse_path().parent / "data_docs" / "index.html"
    return p if p.exists() else None


# ---------------------------------------------------------------------------- issue 16: frameworks' own pages


def region_year_letters(
    framework: str, region: str | None, year_list: list[int] | None = None
) -> pd.DataFrame:
    """A letter framework's (PEFA) departments per indicator and letter (A … D*, then 未评定) of a region
    (None = all regions) per year: marts.fct_region_year_letters."""
    yrs = list(year_list or [])
    return q(
        """select fiscal_year, level1_code, level_name, level_sort_order, coalesce(letter, '未评定') as letter,
                  sort_order, departments
           from marts.fct_region_year_letters
           where framework_code = ? and (region_code = ? or (? is null and all_regions))
             and (len(?::int[]) = 0 or list_contains(?::int[], fiscal_year))
           order by fiscal_year, level_sort_order, sort_order, letter""",
        (framework, region, region, yrs, yrs),
    )


def project_indicator_matrix(framework: str, year: int, region: str | None) -> pd.DataFrame:
    """Project-level indicator scores (a project framework, project_self) for one framework-year: one row per
    department × project × indicator, with the project's name (marts.fct_indicator_scores, fct_project_scores)."""
    return q(
        """select s.dept_code, d.dept_name, s.project_code, coalesce(p.project_name, s.project_code) as project_name,
                  s.indicator_code, s.indicator_name, s.level1_code, s.sort_order, s.weight, s.score, s.score_rate,
                  s.value, s.unit, s.scored_by, s.assessable, s.letter, p.grade_is_partial
           from marts.fct_indicator_scores s
           join marts.dim_department d using (dept_code)
           left join marts.fct_project_scores p
             on p.dept_code = s.dept_code and p.fiscal_year = s.fiscal_year
            and p.framework_code = s.framework_code and p.project_code = s.project_code
           where s.framework_code = ? and s.fiscal_year = ? and (? is null or d.region_code = ?)
             and coalesce(s.project_code, '') <> ''
           order by s.sort_order, s.dept_code, s.project_code""",
        (framework, year, region, region),
    )


def region_project_scores(framework: str, year: int, region: str | None) -> pd.DataFrame:
    """Every project's score of a project framework in one year (marts.fct_project_scores), with names."""
    return q(
        """select p.dept_code, d.dept_name, p.project_code, coalesce(p.project_name, p.project_code) as project_name,
                  p.total_score, p.max_score, p.grade, p.grade_is_partial, p.assessed_share, p.not_assessable_weight,
                  p.adjusted_budget, p.actual_paid, p.execution_rate
           from marts.fct_project_scores p join marts.dim_department d using (dept_code)
           where p.framework_code = ? and p.fiscal_year = ? and (? is null or d.region_code = ?)
           order by p.total_score desc nulls last, p.dept_code, p.project_code""",
        (framework, year, region, region),
    )


def project_names(dept: str | None = None) -> dict[str, str]:
    """Project code → name (marts.fct_project_scores), to show names instead of raw codes."""
    df = q(
        """select project_code, any_value(project_name) as project_name from marts.fct_project_scores
           where (? is null or dept_code = ?) and project_name is not null group by 1""",
        (dept, dept),
    )
    return dict(zip(df.project_code, df.project_name))


def level1_of_project(framework: str, dept: str, year: int, project: str) -> pd.DataFrame:
    """Level-1 subtotals of one project (a project framework): marts.fct_level1_scores, same columns as
    ``level1``."""
    return q(
        """select level1_code, level_name, sort_order, weight, score, score_rate, letter, not_assessable_weight,
                  indicator_count, not_assessable_count, person_scored_count
           from marts.fct_level1_scores
           where framework_code = ? and dept_code = ? and fiscal_year = ? and project_code = ?
           order by sort_order""",
        (framework, dept, year, project),
    )


def project_indicator_value_matrix(framework: str, year_list: list[int], region: str | None) -> pd.DataFrame:
    """Computed indicator values per project (a project framework): like ``indicator_value_matrix`` with
    the project's code and name (marts.fct_indicator_values, fct_project_scores)."""
    yrs = list(year_list or [])
    return q(
        """select v.dept_code, d.dept_name, d.region_code, v.fiscal_year, v.project_code,
                  coalesce(p.project_name, v.project_code) as project_name, v.indicator_code, v.indicator_name,
                  coalesce(v.part_code, '') as part_code, v.value, v.unit, v.numerator, v.denominator, v.sort_order
            from marts.fct_indicator_values v join marts.dim_department d using (dept_code)
            left join marts.fct_project_scores p
              on p.dept_code = v.dept_code and p.fiscal_year = v.fiscal_year
             and p.framework_code = v.framework_code and p.project_code = v.project_code
            where v.framework_code = ? and (len(?::int[]) = 0 or list_contains(?::int[], v.fiscal_year))
              and (? is null or d.region_code = ?) and coalesce(v.project_code, '') <> '' and v.value is not null
            order by v.sort_order, v.dept_code, v.project_code""",
        (framework, yrs, yrs, region, region),
    )
