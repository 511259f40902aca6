"""Where the warehouse lives, how a build swaps it in, how readers open it, and the last good copies.

The file analysts read (``warehouse/jixiao.duckdb`` or ``$JIXIAO_WAREHOUSE``) is never written in place
by ``jixiao build``, ``jixiao check`` or ``jixiao restore``: they only *read* it.

* **Copy.** A build copies the live file, and the ``.wal`` beside it if a hand-run writer (a ``duckdb``
  session, ``dbt run`` in ``dbt_project/``) was killed and left one, to ``.build/``. The WAL holds that
  writer's *committed* transactions, and every reader already sees them (DuckDB replays a WAL in memory
  on a read-only open), so the WAL is **replayed on the build's copy** (opened read-write, checkpointed):
  the build starts from exactly what analysts were reading.
* **Writers.** While copying and while swapping, the build holds a shared POSIX lock on the live file,
  the kind DuckDB's read-only connections take: readers go on, a read-write ``duckdb.connect`` cannot
  start. A writer already running is waited for (``JIXIAO_WRITER_WAIT`` seconds, default 60, with a
  message), then the build is refused (``WarehouseBusy``). If the live file or its WAL changed between
  the copy and the swap (a writer came and went meanwhile), the build is refused too: swapping would
  lose that writer's work.
* **Swap.** The stray WAL is moved into ``.build/`` (named after the inode of the file it belongs to),
  the copy ``os.replace``s the live file, and the moved WAL is deleted: a WAL is never left beside a file
  it does not belong to. A build killed between the two renames leaves the WAL in ``.build/``; the next
  build gives it back to its file if that file is still live, and deletes it if not.
* **Backups.** Each good build is copied to ``backups/`` beside the live file before the swap (as a
  ``.partial`` file, renamed after the swap); the newest ``JIXIAO_BACKUPS`` (default 3) are kept.
  ``restore`` puts one back with the same swap.
* **Leftovers.** A build or restore first removes what a killed one left (``cleanup_leftovers``).
* **Errors.** Disk full, a read-only folder, missing permissions, a corrupt or truncated live file:
  one Chinese line each (``WarehouseError`` subclasses carry the message and the exit code), and no
  partial file is left.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import os
import re
import shutil
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

# the exit codes are app.errors' (one table for every command); re-exported for the callers that use W.EXIT_*
from app.errors import EXIT_BUSY, EXIT_FAILED, EXIT_STORAGE, EXIT_UNREADABLE, JixiaoError

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = ROOT / "dbt_project"
SEEDS = ROOT / "seeds"
SAMPLE = ROOT / "ingest" / "sample"


class WarehouseError(JixiaoError):
    """A problem with the warehouse file or its folder that stopped a build or restore before the live
    file changed. `message` is one Chinese line for the user; `exit_code` is the command's exit code."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class WarehouseBusy(WarehouseError):
    """Another program is writing the live warehouse in place (or wrote it during the build): not swapped."""

    exit_code = EXIT_BUSY


class StorageError(WarehouseError):
    """Disk full, read-only folder or missing permission: nothing was swapped, no partial file is left."""

    exit_code = EXIT_STORAGE


class WarehouseUnreadable(WarehouseError):
    """The live warehouse (or a backup) is corrupt or truncated: DuckDB cannot open or read it."""

    exit_code = EXIT_UNREADABLE


def default_warehouse() -> Path:
    env = os.environ.get("JIXIAO_WAREHOUSE")
    return Path(env).expanduser().resolve() if env else ROOT / "warehouse" / "jixiao.duckdb"


WAREHOUSE_HELP = "仓库文件（默认 warehouse/jixiao.duckdb 或 $JIXIAO_WAREHOUSE）"


def add_warehouse_argument(parser: argparse.ArgumentParser, help: str = WAREHOUSE_HELP) -> None:
    """Declare ``--warehouse/-w 文件`` on a subcommand's parser: the one declaration every command uses.

    ``args.warehouse`` is the path with ``~`` expanded, made absolute (a ``Path``), or None when the option is
    absent (the command then falls back to ``default_warehouse()``). The shell expands ``-w ~/x`` but not
    ``--warehouse=~/x``; every command now reads both alike. `help` defaults to the common text;
    ``jixiao user`` says where its users file lives instead."""
    parser.add_argument("--warehouse", "-w", metavar="文件", help=help, type=_absolute_path)


def _absolute_path(text: str | Path) -> Path:
    return Path(text).expanduser().resolve()


def warehouse_from(args: argparse.Namespace) -> Path:
    """The warehouse a command works on: its ``--warehouse`` (see ``add_warehouse_argument``), else
    ``default_warehouse()`` ($JIXIAO_WAREHOUSE, else warehouse/jixiao.duckdb)."""
    given = getattr(args, "warehouse", None)
    # a Namespace built in code (jixiao demo runs cmd_build with its own) may hold a str, not a parsed Path
    return _absolute_path(given) if given else default_warehouse()


def build_dir(warehouse: Path) -> Path:
    return warehouse.parent / ".build"


def backups_dir(warehouse: Path) -> Path:
    return warehouse.parent / "backups"


def work_file(warehouse: Path) -> Path:
    # a fixed name, so dbt's partial parsing (keyed on the profile) survives between builds
    return build_dir(warehouse) / warehouse.name


def scope_dir(work: Path) -> Path:
    """Where an incremental build keeps its scope file (app/incremental.py): beside the work copy, named
    after it (the build folder is shared by every warehouse of a folder)."""
    return work.parent / f"scope.{work.name}"


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def keep_backups() -> int:
    try:
        return max(0, int(os.environ.get("JIXIAO_BACKUPS", "3")))
    except ValueError:
        return 3


def writer_wait() -> float:
    try:
        return max(0.0, float(os.environ.get("JIXIAO_WRITER_WAIT", "60")))
    except ValueError:
        return 60.0


# ---------------------------------------------------------------------------
# errors: one line each


_STORAGE_PATTERNS = (
    (
        re.compile(r"No space left on device|Disk quota exceeded|disk is full|not enough space", re.I),
        errno.ENOSPC,
    ),
    (re.compile(r"Read-only file system", re.I), errno.EROFS),
    (re.compile(r"Permission denied|Operation not permitted", re.I), errno.EACCES),
)
_CORRUPT = re.compile(
    r"not a valid DuckDB database file|Could not read enough bytes|checksum|Corrupt|Failed to load metadata",
    re.I,
)


def storage_errno(exc: BaseException) -> int | None:
    """ENOSPC / EROFS / EACCES when `exc` (an OSError, a DuckDB error or a dbt message) is about storage."""
    if isinstance(exc, OSError) and exc.errno in (
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EROFS,
        errno.EACCES,
        errno.EPERM,
    ):
        return {errno.EDQUOT: errno.ENOSPC, errno.EPERM: errno.EACCES}.get(exc.errno, exc.errno)
    return storage_errno_in(str(exc))


def storage_errno_in(text: str) -> int | None:
    for pattern, code in _STORAGE_PATTERNS:
        if pattern.search(text or ""):
            return code
    return None


def storage_error(code: int, folder: Path, filename: str | None = None) -> StorageError:
    # name the file when it is a warehouse file (the live one, a copy, a backup), else its folder
    where = filename if filename and str(filename).endswith((".duckdb", ".wal")) else str(folder)
    if code == errno.ENOSPC:
        return StorageError(
            f"磁盘空间不足：{folder} 所在的磁盘写不下新仓库，仓库保持不变，未留下部分文件；请腾出空间后重试。"
        )
    if code == errno.EROFS:
        return StorageError(
            f"仓库所在的文件夹是只读的：{folder}，仓库保持不变；请把仓库放在可写的位置（--warehouse 或 JIXIAO_WAREHOUSE）。"
        )
    return StorageError(f"没有权限读写：{where}，仓库保持不变；请检查该文件和所在文件夹的权限。")


def is_corrupt(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.Error) and bool(_CORRUPT.search(str(exc)))


def unreadable_error(warehouse: Path) -> WarehouseUnreadable:
    n = len(list_backups(warehouse))
    hint = (
        f"用 jixiao restore 恢复最近一次成功构建的仓库（共 {n} 个备份，jixiao restore --list 查看）"
        if n
        else "没有可用的备份：请把该文件移走后用 jixiao build --rebuild 从提交重新构建"
    )
    return WarehouseUnreadable(f"仓库文件已损坏或被截断，无法读取：{warehouse}；{hint}。")


def classify(exc: BaseException, warehouse: Path, *, live_read: bool = False) -> WarehouseError | None:
    """The one-line error for `exc`, or None when it is not about storage or a damaged file."""
    if isinstance(exc, WarehouseError):
        return exc
    code = storage_errno(exc)
    if code is not None:
        return storage_error(code, warehouse.parent, getattr(exc, "filename", None))
    if live_read and is_corrupt(exc):
        return unreadable_error(warehouse)
    return None


# ---------------------------------------------------------------------------
# locks


@contextlib.contextmanager
def build_lock(warehouse: Path):
    """One build (or restore) at a time per warehouse; a second `jixiao build` waits for the first.

    Raises StorageError (exit 5) when the warehouse's folder cannot be made: a file stands where a folder of
    its path should be, or a part of the path cannot hold folders (e.g. /proc); permissions and a full or
    read-only disk are classified by the caller (`classify`)."""
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError, FileNotFoundError) as e:
        what = (
            "路径中有同名文件，不是文件夹" if not isinstance(e, FileNotFoundError) else "该位置不能建文件夹"
        )
        raise StorageError(
            f"无法创建仓库所在的文件夹：{warehouse.parent}（{what}），仓库未建；"
            "请用 --warehouse 或 JIXIAO_WAREHOUSE 指定一个可写文件夹中的文件。"
        ) from None
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def writer_pid(path: Path) -> int | None:
    """PID of a process holding a write lock on `path` (a DuckDB read-write connection), else None."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        query = struct.pack("hhqqi", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        l_type, _, _, _, pid = struct.unpack("hhqqi", fcntl.fcntl(fd, fcntl.F_GETLK, query))
        return None if l_type == fcntl.F_UNLCK else (pid if pid > 0 else -1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _busy_message(warehouse: Path, pid: int | None, waited: float) -> str:
    who = f"进程 {pid} " if pid and pid > 0 else "其他程序"
    return (
        f"仓库正被{who}以读写方式打开（手工 duckdb 会话或 dbt），等待 {waited:.0f} 秒后仍未结束："
        f"{warehouse}；仓库保持不变，请关闭该程序后重试（等待时间可用 JIXIAO_WRITER_WAIT 设置）。"
    )


@contextlib.contextmanager
def readers_only(warehouse: Path, wait: float | None = None, on_wait: Callable[[str], None] | None = None):
    """Hold a shared lock on the live file: readers go on, no DuckDB writer can start. Waits up to `wait`
    seconds for a writer that holds the file, then raises WarehouseBusy. No live file: nothing to hold.

    POSIX locks belong to the process: closing *any* descriptor of the file in this process drops them,
    so no DuckDB connection to the live file may be closed inside this block."""
    wait = writer_wait() if wait is None else wait
    try:
        fd = os.open(warehouse, os.O_RDONLY)
    except FileNotFoundError:
        yield
        return
    try:
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            pid = writer_pid(warehouse)
            if time.monotonic() >= deadline:
                raise WarehouseBusy(_busy_message(warehouse, pid, wait))
            if not told and on_wait:
                who = f"进程 {pid} " if pid and pid > 0 else "其他程序"
                on_wait(f"仓库正被{who}以读写方式打开，等待其结束（最多 {wait:.0f} 秒）…")
            told = True
            time.sleep(0.2)
        yield
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------
# state of the live file


@dataclass(frozen=True)
class LiveState:
    """What the build copied: the live file's and its WAL's (inode, size, mtime_ns), None when absent."""

    file: tuple[int, int, int] | None
    wal: tuple[int, int, int] | None


def _stat(p: Path) -> tuple[int, int, int] | None:
    try:
        s = p.stat()
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)


def live_state(warehouse: Path) -> LiveState:
    return LiveState(_stat(warehouse), _stat(_wal(warehouse)))


def _fsync_dir(d: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(d, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy(src: Path, dst: Path) -> None:
    """Copy and fsync; on any error the partial `dst` is removed."""
    try:
        shutil.copyfile(src, dst)
        with open(dst, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        dst.unlink(missing_ok=True)
        raise


def _check_space(folder: Path, need: int) -> None:
    with contextlib.suppress(OSError):
        if shutil.disk_usage(folder).free < need:
            raise OSError(errno.ENOSPC, "No space left on device", str(folder))


# ---------------------------------------------------------------------------
# leftovers of a killed build


_STASH = re.compile(r"\.wal\.swapped-(\d+)$")


def _stash_path(warehouse: Path, inode: int) -> Path:
    return build_dir(warehouse) / f"{warehouse.name}.wal.swapped-{inode}"


def cleanup_leftovers(warehouse: Path) -> list[str]:
    """Remove what a killed build or restore left; give a moved-aside WAL back to its file if that file is
    still live. Call under `build_lock`. Returns what was done (for tests and logs)."""
    done: list[str] = []
    bdir = build_dir(warehouse)
    if bdir.is_dir():
        for stash in bdir.glob(f"{warehouse.name}.wal.swapped-*"):
            m = _STASH.search(stash.name)
            st = _stat(warehouse)
            if m and st is not None and st[0] == int(m.group(1)) and not _wal(warehouse).exists():
                os.replace(stash, _wal(warehouse))  # the swap never happened: the WAL is its file's again
                done.append(f"returned {stash.name}")
            else:
                stash.unlink(missing_ok=True)
                done.append(f"removed {stash.name}")
        for f in (work_file(warehouse), _wal(work_file(warehouse))):
            if f.exists():
                f.unlink()
                done.append(f"removed {f.name}")
        for d in list(bdir.glob("gx-*")) + list(bdir.glob("data_docs.*")) + [scope_dir(work_file(warehouse))]:
            if not d.exists():
                continue
            shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)
            done.append(f"removed {d.name}")
    bk = backups_dir(warehouse)
    if bk.is_dir():
        for f in bk.glob(".partial-*"):
            f.unlink(missing_ok=True)
            done.append(f"removed backups/{f.name}")
    for d in warehouse.parent.glob(".data_docs*.old-*"):
        target = warehouse.parent / d.name[1:].split(".old-")[0]
        if not target.exists():
            d.rename(target)  # killed between publish's two renames: the old docs are still the live ones
            done.append(f"returned {target.name}")
        else:
            shutil.rmtree(d, ignore_errors=True)
            done.append(f"removed {d.name}")
    for f in warehouse.parent.glob(f".{warehouse.name}.restore-*"):
        f.unlink(missing_ok=True)
        done.append(f"removed {f.name}")
    return done


# ---------------------------------------------------------------------------
# copy, swap, discard


def prepare_work_copy(
    warehouse: Path, *, wait: float | None = None, on_wait: Callable[[str], None] | None = None
) -> tuple[Path, LiveState]:
    """Copy the live warehouse (and a stray WAL) to the build folder and replay the WAL there.

    Returns the copy and the live state it was taken from. The live file is only read."""
    bdir = build_dir(warehouse)
    bdir.mkdir(parents=True, exist_ok=True)
    work = work_file(warehouse)
    discard(work)
    with readers_only(warehouse, wait, on_wait):
        state = live_state(warehouse)
        if state.file is not None:
            _check_space(bdir, state.file[1] + (state.wal[1] if state.wal else 0) + (1 << 20))
            try:
                _copy(warehouse, work)
                if state.wal is not None:
                    _copy(_wal(warehouse), _wal(work))
            except BaseException:
                discard(work)
                raise
    if state.file is not None:
        try:
            # the WAL's transactions were committed (and readers see them): replay them, here on the copy
            with contextlib.closing(duckdb.connect(str(work))) as con:
                con.execute("CHECKPOINT")
                read_everything(con)
        except duckdb.Error as e:
            discard(work)
            if storage_errno(e) is None:
                raise unreadable_error(warehouse) from None
            raise
        _wal(work).unlink(missing_ok=True)
    return work, state


def read_everything(con: duckdb.DuckDBPyConnection) -> None:
    """Read every column of every table (DuckDB checks each block as it reads it): a truncated or damaged
    file fails here, at the start of the build, not halfway through it. ~0.1 s for the worked example."""
    for schema, table in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT temporary"
    ).fetchall():
        con.execute(f'SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM "{schema}"."{table}"').fetchall()


def checkpoint(path: Path) -> None:
    with contextlib.closing(duckdb.connect(str(path))) as con:
        con.execute("CHECKPOINT")


def _replace_live(new: Path, warehouse: Path) -> None:
    """os.replace `new` onto the live file; a WAL beside the live file is moved away first (to .build/,
    named after its file's inode) and deleted after, so it can never be replayed into `new`."""
    stash = None
    wal = _wal(warehouse)
    st = _stat(warehouse)
    if wal.exists() and st is not None:
        stash = _stash_path(warehouse, st[0])
        stash.parent.mkdir(parents=True, exist_ok=True)
        os.replace(wal, stash)
    elif wal.exists():
        wal.unlink()
    os.replace(new, warehouse)
    _fsync_dir(warehouse.parent)
    if stash is not None:
        stash.unlink(missing_ok=True)


def swap_in(
    work: Path,
    warehouse: Path,
    expected: LiveState | None = None,
    *,
    run_id: str | None = None,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Path | None:
    """Make the built copy the live warehouse, atomically; keep a backup of it. Refuses (WarehouseBusy)
    if the live file changed since `expected` was taken. Returns the backup file, if one was kept."""
    checkpoint(work)
    _wal(work).unlink(missing_ok=True)
    partial = None
    if keep_backups() and run_id:
        bk = backups_dir(warehouse)
        bk.mkdir(parents=True, exist_ok=True)
        _check_space(bk, work.stat().st_size + (1 << 20))
        partial = bk / f".partial-{warehouse.stem}-{run_id}{warehouse.suffix}"
        _copy(work, partial)
    try:
        with readers_only(warehouse, wait, on_wait):
            if expected is not None and live_state(warehouse) != expected:
                raise WarehouseBusy(
                    f"构建期间仓库被其他程序改写（手工 duckdb 会话或 dbt）：{warehouse}；为不丢失那些修改，本次未替换仓库，请重新运行 jixiao build。"
                )
            _replace_live(work, warehouse)
    except BaseException:
        if partial is not None:
            partial.unlink(missing_ok=True)
        raise
    if partial is None:
        return None
    final = partial.with_name(partial.name.removeprefix(".partial-"))
    os.replace(partial, final)
    prune_backups(warehouse)
    return final


def discard(work: Path) -> None:
    for f in (work, _wal(work)):
        f.unlink(missing_ok=True)


# ---------------------------------------------------------------------------
# backups and restore


@dataclass(frozen=True)
class Backup:
    """One kept good warehouse: `backups/<stem>-<run id>.duckdb`."""

    path: Path
    run_id: str
    size: int
    created: datetime


def list_backups(warehouse: Path) -> list[Backup]:
    """Kept warehouses, newest first."""
    bk = backups_dir(warehouse)
    if not bk.is_dir():
        return []
    prefix = f"{warehouse.stem}-"
    out = []
    for f in bk.glob(f"{prefix}*{warehouse.suffix}"):
        run_id = f.name[len(prefix) : len(f.name) - len(warehouse.suffix)]
        st = f.stat()
        out.append(Backup(f, run_id, st.st_size, datetime.fromtimestamp(st.st_mtime).replace(microsecond=0)))
    return sorted(out, key=lambda b: (b.path.stat().st_mtime_ns, b.run_id), reverse=True)


def prune_backups(warehouse: Path, keep: int | None = None) -> None:
    keep = keep_backups() if keep is None else keep
    for b in list_backups(warehouse)[keep:]:
        b.path.unlink(missing_ok=True)


def restore(
    warehouse: Path,
    which: str | None = None,
    *,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> Backup:
    """Put a kept warehouse back as the live file, atomically (newest when `which` is None; else a run id,
    a file name or a 1-based position in `list_backups`)."""
    with build_lock(warehouse):
        cleanup_leftovers(warehouse)
        backups = list_backups(warehouse)
        if not backups:
            raise WarehouseError(f"没有可用的备份：{backups_dir(warehouse)} 中没有仓库备份。")
        chosen = backups[0]
        if which:
            # a position in the list first ("3"), then a run id or file name, then the end of a run id —
            # a run id that happens to end in the digit asked for must not make "3" ambiguous
            if which.isdigit() and 1 <= int(which) <= len(backups):
                matches = [backups[int(which) - 1]]
            else:
                matches = [b for b in backups if which in (b.run_id, b.path.name)] or [
                    b for b in backups if b.run_id.endswith(which)
                ]
            if len(matches) != 1:
                raise WarehouseError(f"找不到备份“{which}”；用 jixiao restore --list 查看可用的备份。")
            chosen = matches[0]
        tmp = warehouse.parent / f".{warehouse.name}.restore-{os.getpid()}"
        try:
            _check_space(warehouse.parent, chosen.size + (1 << 20))
            _copy(chosen.path, tmp)
            try:
                with contextlib.closing(duckdb.connect(str(tmp), read_only=True)) as con:
                    read_everything(con)
            except duckdb.Error as e:
                if storage_errno(e) is not None:
                    raise
                raise WarehouseUnreadable(
                    f"备份文件已损坏，无法读取：{chosen.path}；请选择另一个备份（jixiao restore --list）。"
                ) from None
            with readers_only(warehouse, wait, on_wait):
                _replace_live(tmp, warehouse)
        except BaseException as e:
            tmp.unlink(missing_ok=True)
            err = classify(e, warehouse)
            if err is not None and err is not e:
                raise err from None
            raise
    return chosen


# ---------------------------------------------------------------------------
# readers


def duckdb_config(memory_limit: str = "2GB") -> dict[str, str]:
    """Settings for jixiao's own DuckDB connections (the dbt profile has its own, 3GB): DuckDB spills to
    disk beyond `memory_limit` instead of growing to 80% of RAM, so checks stay well under 4 GiB at
    province scale. JIXIAO_DUCKDB_MEMORY overrides both."""
    return {"memory_limit": os.environ.get("JIXIAO_DUCKDB_MEMORY", memory_limit)}


def connect_readonly(warehouse: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A short-lived read-only connection: never blocks a build, never writes."""
    return duckdb.connect(str(warehouse or default_warehouse()), read_only=True)


def warehouse_version(warehouse: Path | None = None) -> tuple[int, int]:
    """(inode, mtime_ns) of the live file: changes whenever a build swaps a new warehouse in."""
    st = (warehouse or default_warehouse()).stat()
    return st.st_ino, st.st_mtime_ns


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """Has dbt built the marts in this file (a fresh warehouse has only raw and audit)? Not a probe for optional
    tables or columns: every public mart is built, under its contract, by every successful build."""
    try:
        con.execute("SELECT 1 FROM marts.fct_department_scores LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True
