"""Where the warehouse lives, how a build swaps it in, and how readers open it.

The file analysts read (``warehouse/jixiao.duckdb`` or ``$JIXIAO_WAREHOUSE``) is never written in place
by ``jixiao build``: a build copies it to ``.build/`` next to it, loads and builds there, and replaces the
live file with ``os.replace`` (atomic on one filesystem) only when everything succeeded. A reader that
opened the old file keeps reading it; the next short-lived read-only connection sees the new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = ROOT / "dbt_project"
SEEDS = ROOT / "seeds"
SAMPLE = ROOT / "ingest" / "sample"


def default_warehouse() -> Path:
    env = os.environ.get("JIXIAO_WAREHOUSE")
    return Path(env).expanduser().resolve() if env else ROOT / "warehouse" / "jixiao.duckdb"


def build_dir(warehouse: Path) -> Path:
    return warehouse.parent / ".build"


def work_file(warehouse: Path) -> Path:
    # a fixed name, so dbt's partial parsing (keyed on the profile) survives between builds
    return build_dir(warehouse) / warehouse.name


@contextlib.contextmanager
def build_lock(warehouse: Path):
    """One build at a time per warehouse; a second `jixiao build` waits for the first."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock_path = warehouse.parent / f".{warehouse.name}.lock"
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def prepare_work_copy(warehouse: Path) -> Path:
    """Copy the live warehouse (if any) to the build folder. Stale files of a killed build are discarded."""
    bdir = build_dir(warehouse)
    bdir.mkdir(parents=True, exist_ok=True)
    work = work_file(warehouse)
    for stale in (work, _wal(work)):
        stale.unlink(missing_ok=True)
    if warehouse.exists():
        if _wal(warehouse).exists():
            # someone wrote the live file in place (e.g. `dbt build` by hand) and was killed: replay its WAL
            with contextlib.closing(duckdb.connect(str(warehouse))) as con:
                con.execute("CHECKPOINT")
        shutil.copyfile(warehouse, work)
    return work


def checkpoint(path: Path) -> None:
    with contextlib.closing(duckdb.connect(str(path))) as con:
        con.execute("CHECKPOINT")


def swap_in(work: Path, warehouse: Path) -> None:
    """Make the built copy the live warehouse, atomically."""
    checkpoint(work)
    _wal(work).unlink(missing_ok=True)
    os.replace(work, warehouse)


def discard(work: Path) -> None:
    for f in (work, _wal(work)):
        f.unlink(missing_ok=True)


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


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?", [schema, table]
        ).fetchone()[0]
    )
