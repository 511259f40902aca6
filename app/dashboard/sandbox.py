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
   was cut).

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

ROW_LIMIT = 10_000
TIME_LIMIT_S = 10.0
GRACE_S = 3.0
DUCKDB_MEMORY_LIMIT = "1GB"
ADDRESS_SPACE_LIMIT = 4 << 30  # bytes, for the whole worker process
THREADS = 2

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


class QueryRefused(Exception):
    """The text is not one read-only SELECT, or touched something the sandbox forbids. Message in Chinese."""


class QueryFailed(Exception):
    """A legitimate query that failed (syntax, unknown column, out of time or memory). Message in Chinese."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    truncated: bool
    seconds: float
    row_limit: int
    types: list[str] = field(default_factory=list)

    def dataframe(self):
        import pandas as pd

        cols = _dedupe(self.columns)
        df = pd.DataFrame.from_records(self.rows, columns=cols) if self.rows else pd.DataFrame(columns=cols)
        for c in df.columns:
            s = df[c]
            if s.dtype == object and len(s) and s.map(lambda v: v is None or isinstance(v, Decimal)).all() and s.notna().any():
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
        raise QueryRefused(f"查询被拒绝：SQL 查询页不能读写文件、访问网络或加载扩展。（{_first_line(e)}）") from None
    except duckdb.Error as e:
        raise QueryFailed(f"SQL 语法错误：{_first_line(e)}") from None
    if not stmts:
        raise QueryRefused("请输入一条 SELECT 查询。")
    kinds = [statement_type_name(s) for s in stmts]
    if len(stmts) > 1:
        bad = [STATEMENT_ZH.get(k, k) for k in kinds if k != ALLOWED]
        extra = f"其中包含不允许的语句：{'、'.join(dict.fromkeys(bad))}。" if bad else ""
        raise QueryRefused(f"查询被拒绝：一次只能执行一条语句（检测到 {len(stmts)} 条）。{extra}SQL 查询页只执行单条只读 SELECT 查询。")
    if kinds[0] != ALLOWED:
        raise QueryRefused(
            f"查询被拒绝：SQL 查询页只允许只读的 SELECT 查询（也可以用 WITH、FROM、DESCRIBE、SHOW、SUMMARIZE），"
            f"不允许{STATEMENT_ZH.get(kinds[0], kinds[0])}语句。"
        )
    return stmts[0]


def _first_line(e: BaseException) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def execute_in_process(warehouse: Path, sql: str, row_limit: int = ROW_LIMIT, time_limit: float = TIME_LIMIT_S) -> QueryResult:
    """Check and run `sql` on a sandboxed connection in *this* process (the worker calls this)."""
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
            cols = [d[0] for d in res.description]
            types = [str(d[1]) for d in res.description]
            rows = res.fetchmany(row_limit + 1)
        except duckdb.InterruptException:
            raise QueryFailed(f"查询超过 {time_limit:g} 秒的时间限制，已中止。请缩小范围（加 WHERE 条件或 LIMIT）后再试。") from None
        except duckdb.PermissionException as e:
            raise QueryRefused(f"查询被拒绝：SQL 查询页不能读写文件、访问网络或加载扩展。（{_first_line(e)}）") from None
        except duckdb.OutOfMemoryException:
            raise QueryFailed(f"查询超出内存限制（{DUCKDB_MEMORY_LIMIT}），已中止。请缩小范围后再试。") from None
        except MemoryError:
            raise QueryFailed("查询超出内存限制，已中止。请缩小范围后再试。") from None
        except duckdb.Error as e:
            msg = _first_line(e)
            if "read-only" in msg or "read only" in msg:
                raise QueryRefused(f"查询被拒绝：仓库以只读方式打开，不能修改。（{msg}）") from None
            raise QueryFailed(f"查询出错：{msg}") from None
        finally:
            timer.cancel()
        return QueryResult(cols, rows[:row_limit], len(rows) > row_limit, time.perf_counter() - started, row_limit, types)
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
        payload = ("ok", {"columns": r.columns, "rows": r.rows, "truncated": r.truncated, "seconds": r.seconds, "row_limit": r.row_limit, "types": r.types})
    except QueryRefused as e:
        payload = ("refused", str(e))
    except QueryFailed as e:
        payload = ("failed", str(e))
    except MemoryError:
        payload = ("failed", "查询超出内存限制，已中止。请缩小范围后再试。")
    except Exception as e:  # noqa: BLE001 - reported to the page, never raised into it
        payload = ("failed", f"查询出错：{_first_line(e)}")
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # noqa: BLE001 - an exotic value type
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
        proc = subprocess.run(cmd, input=sql.encode("utf-8"), capture_output=True, timeout=time_limit + grace, cwd=root, env=env)
    except subprocess.TimeoutExpired:
        raise QueryFailed(f"查询超过 {time_limit:g} 秒的时间限制，已强制中止。请缩小范围（加 WHERE 条件或 LIMIT）后再试。") from None
    if proc.returncode != 0 or not proc.stdout:
        if proc.returncode in (-9, -24, 137, 152) or b"MemoryError" in proc.stderr or b"bad_alloc" in proc.stderr:
            raise QueryFailed("查询超出内存或 CPU 限制，已中止。请缩小范围后再试。")
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {proc.returncode}"]
        raise QueryFailed(f"查询进程异常退出：{tail[0]}")
    status, value = pickle.loads(proc.stdout)
    if status == "refused":
        raise QueryRefused(value)
    if status == "failed":
        raise QueryFailed(value)
    value["seconds"] = time.perf_counter() - started
    return QueryResult(**value)


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
