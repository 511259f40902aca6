"""The SQL page's sandbox: one read-only SELECT at a time, no files, no extensions, bounded rows, time and memory.

Every query runs in a **separate worker process** (``python -m app.dashboard.sandbox``), so nothing it does
can take the dashboard down with it. In the worker:

1. the address space is capped (``RLIMIT_AS``) and the CPU time too (``RLIMIT_CPU``, a backstop);
2. the warehouse is opened ``read_only`` with ``enable_external_access = false`` (no file or network
   access: COPY, read_csv/read_parquet/read_text/glob, ATTACH, EXPORT, INSTALL fail), autoloading and
   autoinstalling of extensions off, a DuckDB memory limit and no spilling to disk, and then
   ``SET lock_configuration = true`` so that no SET/RESET/PRAGMA can undo any of it;
3. the text is parsed with DuckDB's own parser (``extract_statements``); anything but exactly one
   statement of type SELECT is refused (INSERT/UPDATE/DELETE/CREATE/DROP/ALTER, COPY, ATTACH/DETACH,
   INSTALL/LOAD, SET/RESET, PRAGMA (the ones DuckDB does not itself rewrite into a SELECT over a
   ``pragma_*`` table function), CALL, EXPORT/IMPORT, transactions, VACUUM/ANALYZE, EXPLAIN, and a
   write hidden behind a harmless first statement);
4. the statement runs with a timer thread that calls ``interrupt()`` at the time limit, and at most
   ``row_limit + 1`` rows are fetched from the streaming result (the extra row only tells us the result
   was cut);
5. the result is bounded in size too, before it leaves the worker: a text or binary cell longer than
   ``CELL_CHAR_LIMIT`` is cut (one ``repeat('x', 100000000)`` would otherwise crash the browser tab and
   take the dashboard to a gigabyte), and rows stop once the result reaches ``RESULT_BYTE_LIMIT``;
6. file system paths (the warehouse's folder, the project, the home folder) are replaced in results,
   column names and messages: ``duckdb_databases()``, ``duckdb_settings()`` or an error cannot tell a
   dashboard user where the warehouse lives or whose home folder it is in.

The parent waits ``time_limit + GRACE`` seconds and then kills the worker: a function that does not
check for interrupts (one enormous ``repeat()``) cannot outlive the limit either.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from app.errors import JixiaoError

ROW_LIMIT = 10_000
TIME_LIMIT_S = 10.0
GRACE_S = 3.0
DUCKDB_MEMORY_LIMIT = "1GB"
ADDRESS_SPACE_LIMIT = 4 << 30  # bytes, for the whole worker process
THREADS = 2
CELL_CHAR_LIMIT = 10_000  # characters (or bytes) of one text/blob cell
RESULT_BYTE_LIMIT = 20 << 20  # about 20 MB for the whole result, measured in the worker
FETCH_BATCH = 500

ALLOWED = "SELECT"
STATEMENT_ZH = {
    "INSERT": "插入（INSERT）",
    "UPDATE": "更新（UPDATE）",
    "DELETE": "删除（DELETE）",
    "CREATE": "创建（CREATE）",
    "CREATE_FUNC": "创建函数（CREATE MACRO/FUNCTION）",
    "DROP": "删除对象（DROP）",
    "ALTER": "修改表结构（ALTER）",
    "COPY": "导入导出文件（COPY）",
    "COPY_DATABASE": "复制数据库（COPY FROM DATABASE）",
    "ATTACH": "附加数据库（ATTACH）",
    "DETACH": "分离数据库（DETACH）",
    "LOAD": "安装或加载扩展（INSTALL/LOAD）",
    "EXTENSION": "安装或加载扩展（INSTALL/LOAD）",
    "SET": "修改设置（SET/RESET/USE）",
    "VARIABLE_SET": "设置变量（SET VARIABLE）",
    "PRAGMA": "PRAGMA 设置",
    "CALL": "调用过程（CALL）",
    "EXPORT": "导出数据库（EXPORT DATABASE）",
    "TRANSACTION": "事务控制（BEGIN/COMMIT/ROLLBACK）",
    "VACUUM": "维护（VACUUM/ANALYZE）",
    "EXPLAIN": "执行计划（EXPLAIN）",
    "PREPARE": "预处理语句（PREPARE）",
    "EXECUTE": "执行预处理语句（EXECUTE）",
    "MULTI": "多条语句（如非静态 PIVOT，需要先创建类型）",
    "UPDATE_EXTENSIONS": "更新扩展",
    "LOGICAL_PLAN": "逻辑计划",
    "RELATION": "关系",
}


class QueryRefused(JixiaoError):
    """The text is not one read-only SELECT, or touched something the sandbox forbids. Message in Chinese."""


class QueryFailed(JixiaoError):
    """A legitimate query that failed (syntax, unknown column, out of time or memory). Message in Chinese."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    seconds: float
    row_limit: int
    types: list[str] = field(default_factory=list)
    cells_truncated: int = 0  # cells cut at CELL_CHAR_LIMIT
    size_truncated: bool = False  # rows stopped at RESULT_BYTE_LIMIT

    def dataframe(self):
        import pandas as pd

        cols = _dedupe(self.columns)
        df = pd.DataFrame.from_records(self.rows, columns=cols) if self.rows else pd.DataFrame(columns=cols)
        for c in df.columns:
            s = df[c]
            if (
                s.dtype == object
                and len(s)
                and s.map(lambda v: v is None or isinstance(v, Decimal)).all()
                and s.notna().any()
            ):
                df[c] = s.astype(float)
        return df


def _dedupe(cols: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        if c in seen:
            seen[c] += 1
            out.append(f"{c}_{seen[c]}")
        else:
            seen[c] = 0
            out.append(c)
    return out


# ---------------------------------------------------------------------------- the sandboxed connection


def connect(warehouse: Path, memory_limit: str = DUCKDB_MEMORY_LIMIT, threads: int = THREADS):
    """The locked-down read-only connection (also used directly by the tests)."""
    import duckdb

    con = duckdb.connect(
        str(warehouse),
        read_only=True,
        config={
            "memory_limit": memory_limit,
            "threads": threads,
            "max_temp_directory_size": "0B",  # no spilling to disk
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "allow_community_extensions": False,
            "enable_external_access": False,  # no files, no network, no ATTACH, no INSTALL
        },
    )
    con.execute("SET lock_configuration = true")  # after this no SET/RESET/PRAGMA can change a setting
    return con


def statement_type_name(stmt) -> str:
    return str(stmt.type).rsplit(".", 1)[-1]


def check_statements(con, sql: str) -> object:
    """The one SELECT statement in `sql`, or QueryRefused (in Chinese) explaining why not."""
    import duckdb

    if not sql or not sql.strip().strip(";").strip():
        raise QueryRefused("请输入一条 SELECT 查询。")
    try:
        stmts = con.extract_statements(sql)
    except duckdb.PermissionException as e:
        raise QueryRefused(
            f"查询被拒绝：SQL 查询页不能读写文件、访问网络或加载扩展。（{_first_line(e)}）"
        ) from None
    except duckdb.Error as e:
        raise QueryFailed(f"SQL 语法错误：{_first_line(e)}") from None
    if not stmts:
        raise QueryRefused("请输入一条 SELECT 查询。")
    kinds = [statement_type_name(s) for s in stmts]
    if len(stmts) > 1:
        bad = [STATEMENT_ZH.get(k, k) for k in kinds if k != ALLOWED]
        extra = f"其中包含不允许的语句：{'、'.join(dict.fromkeys(bad))}。" if bad else ""
        raise QueryRefused(
            f"查询被拒绝：一次只能执行一条语句（检测到 {len(stmts)} 条）。{extra}SQL 查询页只执行单条只读 SELECT 查询。"
        )
    if kinds[0] != ALLOWED:
        raise QueryRefused(
            f"查询被拒绝：SQL 查询页只允许只读的 SELECT 查询（也可以用 WITH、FROM、DESCRIBE、SHOW、SUMMARIZE），"
            f"不允许{STATEMENT_ZH.get(kinds[0], kinds[0])}语句。"
        )
    return stmts[0]


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


# ---------------------------------------------------------------------------- bounded, path-free results

CELL_CUT_NOTE = "…（已截断：原长 {n:,} 个字符）"


def _cap(v, limit: int) -> tuple[object, bool]:
    """One cell, at most `limit` characters (bytes for a blob); nested values longer than that become text."""
    if isinstance(v, str):
        return (v[:limit] + CELL_CUT_NOTE.format(n=len(v)), True) if len(v) > limit else (v, False)
    if isinstance(v, (bytes, bytearray, memoryview)):
        b = bytes(v)
        return (b[:limit], True) if len(b) > limit else (v, False)
    if isinstance(v, (list, tuple, dict)) and _size(v, limit) > limit:
        text = str(v)
        return text[:limit] + CELL_CUT_NOTE.format(n=len(text)), True
    return v, False


def _size(v, stop: int) -> int:
    """Roughly how many bytes `v` takes on the page (stops counting past `stop`)."""
    if v is None:
        return 1
    if isinstance(v, str):
        return len(v) * (3 if not v.isascii() else 1)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return len(v)
    if isinstance(v, dict):
        v = list(v.keys()) + list(v.values())
    if isinstance(v, (list, tuple)):
        n = 2
        for x in v:
            n += _size(x, stop) + 2
            if n > stop:
                break
        return n
    return 8


class PathScrubber:
    """Replaces the warehouse's location, the project folder and the home folder in any text."""

    def __init__(self, warehouse: Path):
        pairs: dict[str, str] = {}
        home = str(Path.home())
        root = str(Path(__file__).resolve().parents[2])
        for w in {str(warehouse), str(Path(warehouse).resolve())}:
            parent = str(Path(w).parent)
            if parent not in ("", ".", "/"):
                pairs[parent + os.sep] = "…" + os.sep
                pairs[parent] = "…"
        if root not in ("", "/"):
            pairs[root + os.sep] = "…" + os.sep
            pairs[root] = "…"
        if home not in ("", "/"):
            pairs[home] = "~"
        self.pairs = sorted(pairs.items(), key=lambda kv: -len(kv[0]))

    def text(self, s: str) -> str:
        for old, new in self.pairs:
            if old in s:
                s = s.replace(old, new)
        return s

    def value(self, v):
        if isinstance(v, str):
            return self.text(v)
        if isinstance(v, list):
            return [self.value(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self.value(x) for x in v)
        if isinstance(v, dict):
            return {self.value(k): self.value(x) for k, x in v.items()}
        return v


def bounded_rows(
    res,
    row_limit: int,
    scrub: PathScrubber,
    cell_limit: int = CELL_CHAR_LIMIT,
    byte_limit: int = RESULT_BYTE_LIMIT,
):
    """At most `row_limit + 1` rows of `res`, fetched in batches, each cell capped and path-free, stopping
    once the total passes `byte_limit`. Returns (rows, cells cut, stopped for size)."""
    rows: list[tuple] = []
    total, cut = 0, 0
    while len(rows) <= row_limit:
        batch = res.fetchmany(min(FETCH_BATCH, row_limit + 1 - len(rows)))
        if not batch:
            break
        for row in batch:
            out = []
            for v in row:
                v, c = _cap(v, cell_limit)
                cut += c
                v = scrub.value(v)
                total += _size(v, cell_limit * 4)
                out.append(v)
            if total > byte_limit and rows:
                return rows, cut, True
            rows.append(tuple(out))
    return rows, cut, False


def execute_in_process(
    warehouse: Path, sql: str, row_limit: int = ROW_LIMIT, time_limit: float = TIME_LIMIT_S
) -> QueryResult:
    """Check and run `sql` on a sandboxed connection in *this* process (the worker calls this). Messages and
    results carry no file system paths."""
    scrub = PathScrubber(warehouse)
    try:
        return _execute(warehouse, sql, row_limit, time_limit, scrub)
    except QueryRefused as e:
        raise QueryRefused(scrub.text(str(e))) from None
    except QueryFailed as e:
        raise QueryFailed(scrub.text(str(e))) from None


def _execute(
    warehouse: Path, sql: str, row_limit: int, time_limit: float, scrub: PathScrubber
) -> QueryResult:
    import duckdb

    con = connect(warehouse)
    try:
        stmt = check_statements(con, sql)
        timer = threading.Timer(time_limit, con.interrupt)
        timer.daemon = True
        started = time.perf_counter()
        timer.start()
        try:
            res = con.execute(stmt)
            if res.description is None:
                raise QueryRefused("查询被拒绝：该语句不返回结果表。")
            cols = [scrub.text(str(d[0]))[:200] for d in res.description]
            types = [str(d[1]) for d in res.description]
            rows, cut, too_big = bounded_rows(res, row_limit, scrub)
        except duckdb.InterruptException:
            raise QueryFailed(
                f"查询超过 {time_limit:g} 秒的时间限制，已中止。请缩小范围（加 WHERE 条件或 LIMIT）后再试。"
            ) from None
        except duckdb.PermissionException as e:
            raise QueryRefused(
                f"查询被拒绝：SQL 查询页不能读写文件、访问网络或加载扩展。（{_first_line(e)}）"
            ) from None
        except duckdb.OutOfMemoryException:
            raise QueryFailed(
                f"查询超出内存限制（{DUCKDB_MEMORY_LIMIT}），已中止。请缩小范围后再试。"
            ) from None
        except MemoryError:
            raise QueryFailed("查询超出内存限制，已中止。请缩小范围后再试。") from None
        except duckdb.Error as e:
            msg = _first_line(e)
            if "read-only" in msg or "read only" in msg:
                raise QueryRefused(f"查询被拒绝：仓库以只读方式打开，不能修改。（{msg}）") from None
            raise QueryFailed(f"查询出错：{msg}") from None
        finally:
            timer.cancel()
        return QueryResult(
            cols,
            rows[:row_limit],
            len(rows) > row_limit,
            time.perf_counter() - started,
            row_limit,
            types,
            cells_truncated=cut,
            size_truncated=too_big,
        )
    finally:
        con.close()


# ---------------------------------------------------------------------------- the worker process


def _limit_resources(time_limit: float) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
        cpu = int(time_limit * THREADS + GRACE_S * THREADS) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ImportError, ValueError, OSError):  # not on Linux: the parent's kill still bounds the time
        pass


def _worker(argv: list[str]) -> int:
    warehouse, row_limit, time_limit = Path(argv[0]), int(argv[1]), float(argv[2])
    _limit_resources(time_limit)
    sql = sys.stdin.buffer.read().decode("utf-8")
    try:
        r = execute_in_process(warehouse, sql, row_limit, time_limit)
        # plain values only: the parent cannot unpickle classes of this `__main__`
        payload = (
            "ok",
            {
                "columns": r.columns,
                "rows": r.rows,
                "truncated": r.truncated,
                "seconds": r.seconds,
                "row_limit": r.row_limit,
                "types": r.types,
                "cells_truncated": r.cells_truncated,
                "size_truncated": r.size_truncated,
            },
        )
    except QueryRefused as e:
        payload = ("refused", str(e))
    except QueryFailed as e:
        payload = ("failed", str(e))
    except MemoryError:
        payload = ("failed", "查询超出内存限制，已中止。请缩小范围后再试。")
    except Exception as e:
        payload = ("failed", PathScrubber(warehouse).text(f"查询出错：{_first_line(e)}"))
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:
        data = pickle.dumps(("failed", f"结果无法传回：{_first_line(e)}"))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
    os._exit(0)  # skip DuckDB's teardown


def run_query(
    sql: str,
    warehouse: Path,
    row_limit: int = ROW_LIMIT,
    time_limit: float = TIME_LIMIT_S,
    grace: float = GRACE_S,
) -> QueryResult:
    """Run `sql` in a sandboxed worker. Raises QueryRefused / QueryFailed with a Chinese message."""
    root = Path(__file__).resolve().parents[2]
    cmd = [sys.executable, "-m", "app.dashboard.sandbox", str(warehouse), str(row_limit), str(time_limit)]
    env = dict(os.environ, PYTHONPATH=str(root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, input=sql.encode("utf-8"), capture_output=True, timeout=time_limit + grace, cwd=root, env=env
        )
    except subprocess.TimeoutExpired:
        raise QueryFailed(
            f"查询超过 {time_limit:g} 秒的时间限制，已强制中止。请缩小范围（加 WHERE 条件或 LIMIT）后再试。"
        ) from None
    if proc.returncode != 0 or not proc.stdout:
        if (
            proc.returncode in (-9, -24, 137, 152)
            or b"MemoryError" in proc.stderr
            or b"bad_alloc" in proc.stderr
        ):
            raise QueryFailed("查询超出内存或 CPU 限制，已中止。请缩小范围后再试。")
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [
            f"退出码 {proc.returncode}"
        ]
        raise QueryFailed(PathScrubber(warehouse).text(f"查询进程异常退出：{tail[0][:300]}"))
    status, value = pickle.loads(proc.stdout)
    if status == "refused":
        raise QueryRefused(value)
    if status == "failed":
        raise QueryFailed(value)
    value["seconds"] = time.perf_counter() - started
    return QueryResult(**value)


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
