"""The last good warehouse survives everything (issue 13): a hand-run writer's stray WAL, a writer that is
still running, a kill at any stage, a full disk, a read-only folder, a truncated file.

- a stray WAL is replayed on the build's copy (its rows kept once), never left beside the swapped-in file;
- a reader never blocks a build; a writer is waited for, then refused with exit 4, never a traceback;
- a writer that changed the live file during the build: the build refuses to swap (its rows are kept);
- a build killed between moving the WAL aside and the swap: the next build gives it back to its file;
- Data Docs go live only with the build; a dead build's leftovers are cleaned by the next one;
- the last 3 good builds are kept in backups/; `jixiao restore` puts one back; a truncated live file is
  reported in one line (exit 6) with the restore to run;
- disk full (a real 5 MB tmpfs when we may mount one, else a patched copy), read-only folder, missing
  permission: one Chinese line each, exit 5, nothing left behind;
- the dashboard connects to nothing after its wait for old readers timed out;
- a short soak (bench/soak.py): builds with kills, stray WALs, readers and writers, nothing lost.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import query, snapshot

from app import pipeline
from app import warehouse as W

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = str(ROOT / ".venv" / "bin" / "jixiao")
ENV = dict(os.environ, COLUMNS="200", JIXIAO_WRITER_WAIT="1")
ENV.pop("JIXIAO_WAREHOUSE", None)
MOF = "select total_score from marts.fct_department_scores where framework_code = 'mof_dept_common'"

HAND_WRITE = """
import duckdb, os, signal, sys
con = duckdb.connect(sys.argv[1])
con.execute("SET checkpoint_threshold = '1GB'")
con.execute("CREATE SCHEMA IF NOT EXISTS hand")
con.execute("CREATE TABLE IF NOT EXISTS hand.notes (id INTEGER)")
con.execute("INSERT INTO hand.notes VALUES (?)", [int(sys.argv[2])])
if len(sys.argv) > 3:
    con.execute("UPDATE marts.fct_department_scores SET total_score = 0 WHERE framework_code = 'mof_dept_common'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def killed_writer(wh: Path, note: int, zero_mof: bool = False) -> None:
    """A hand-run writer that committed and was killed: its WAL stays beside `wh`."""
    p = subprocess.run(
        [sys.executable, "-c", HAND_WRITE, str(wh), str(note), *(["zero"] if zero_mof else [])]
    )
    assert p.returncode == -signal.SIGKILL
    assert W._wal(wh).exists()


@contextlib.contextmanager
def holding(wh: Path, read_only: bool, seconds: float = 60):
    """Another process with a connection open on `wh` (the dashboard, or an analyst's duckdb session)."""
    code = f"import duckdb,sys,time; c=duckdb.connect(sys.argv[1], read_only={read_only}); print('open', flush=True); time.sleep({seconds})"
    proc = subprocess.Popen([sys.executable, "-c", code, str(wh)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def quick_build(wh: Path, **kw):
    """Copy → swap (no inputs, no dbt, no checks): the warehouse mechanics alone, in a second."""
    return pipeline.build([], wh, run_dbt=False, run_checks=False, **kw)


def leftovers(wh: Path) -> list[str]:
    bdir = wh.parent / ".build"
    out = (
        [p.name for p in bdir.glob("*") if p.name not in ("dbt-target", "dbt-logs")] if bdir.exists() else []
    )
    out += [f"backups/{p.name}" for p in (wh.parent / "backups").glob(".partial-*")]
    out += [p.name for p in wh.parent.glob(".*") if p.name != f".{wh.name}.lock" and p.name != ".build"]
    return sorted(out)


@pytest.fixture
def wh(tmp_path, yanfeng_warehouse) -> Path:
    live = tmp_path / "wh" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(yanfeng_warehouse, live)
    return live


# ---------------------------------------------------------------------------
# 1. stray WAL, readers, writers


def test_stray_wal_is_replayed_on_the_copy_and_never_into_the_swapped_in_file(wh, yanfeng_warehouse):
    good = snapshot(yanfeng_warehouse)
    killed_writer(wh, 1, zero_mof=True)
    assert query(wh, MOF) == [(0,)]  # every reader already sees the WAL's committed rows
    with holding(wh, read_only=True):  # the dashboard is open: the build must not need a lock
        result = pipeline.build([], wh, rebuild=True, run_checks=False)
    assert result.swapped
    assert not W._wal(wh).exists()
    assert query(wh, "select id from hand.notes") == [(1,)]  # the hand writer's row: kept, once
    assert query(wh, MOF) == [(Decimal("29.85"),)]  # the marts rebuilt from the data
    assert snapshot(wh, exclude_schemas=("audit", "hand")) == good
    assert leftovers(wh) == []


def test_a_writer_that_finishes_is_waited_for(wh, monkeypatch):
    monkeypatch.setenv("JIXIAO_WRITER_WAIT", "30")
    notices = []
    code = "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(1.5); c.close()"
    writer = subprocess.Popen([sys.executable, "-c", code, str(wh)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "open"
        t = time.perf_counter()
        result = quick_build(wh, on_notice=notices.append)
        waited = time.perf_counter() - t
    finally:
        writer.wait(30)
    assert result.swapped and 0.5 < waited < 20
    assert notices == [f"仓库正被进程 {writer.pid} 以读写方式打开，等待其结束（最多 30 秒）…"]


def test_an_active_writer_is_refused_with_exit_4_in_one_line(wh):
    before = snapshot(wh, exclude_schemas=())
    with holding(wh, read_only=False) as writer:
        out = subprocess.run(
            [JIXIAO, "build", "--rebuild", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV
        )
    assert out.returncode == W.EXIT_BUSY
    assert out.stderr == ""
    assert out.stdout.splitlines() == [
        f"仓库：{wh}",
        f"仓库正被进程 {writer.pid} 以读写方式打开，等待其结束（最多 1 秒）…",
        f"构建未完成：仓库正被进程 {writer.pid} 以读写方式打开（手工 duckdb 会话或 dbt），等待 1 秒后仍未结束：{wh}；"
        "仓库保持不变，请关闭该程序后重试（等待时间可用 JIXIAO_WRITER_WAIT 设置）。",
    ]
    assert snapshot(wh, exclude_schemas=()) == before
    assert leftovers(wh) == []


def test_a_writer_during_the_build_is_not_overwritten(wh):
    before = snapshot(wh, exclude_schemas=("audit", "hand"))

    def on_stage(stage):
        if stage == "ingest":  # the copy is taken; an analyst writes the live file and is killed
            killed_writer(wh, 7)

    with pytest.raises(W.WarehouseBusy) as e:
        quick_build(wh, on_stage=on_stage)
    assert e.value.message == (
        f"构建期间仓库被其他程序改写（手工 duckdb 会话或 dbt）：{wh}；为不丢失那些修改，本次未替换仓库，请重新运行 jixiao build。"
    )
    assert query(wh, "select id from hand.notes") == [(7,)]  # live file + its WAL, as the writer left them
    assert W._wal(wh).exists() and leftovers(wh) == []
    # the next build takes the row in
    assert quick_build(wh).swapped
    assert query(wh, "select id from hand.notes") == [(7,)] and not W._wal(wh).exists()
    assert snapshot(wh, exclude_schemas=("audit", "hand")) == before


def test_a_build_killed_between_moving_the_wal_and_the_swap_gives_it_back(wh):
    killed_writer(wh, 3)
    # what a kill right after the WAL was moved aside leaves
    stash = W._stash_path(wh, wh.stat().st_ino)
    stash.parent.mkdir(exist_ok=True)
    os.replace(W._wal(wh), stash)
    assert quick_build(wh).swapped
    assert query(wh, "select id from hand.notes") == [(3,)]
    assert not stash.exists() and not W._wal(wh).exists()


def test_a_moved_wal_of_a_file_that_was_swapped_out_is_never_replayed(wh):
    killed_writer(wh, 4)
    assert quick_build(wh).swapped  # replayed into the build: row 4 is in the live file
    # a WAL left in .build/ by a kill right after the swap: it belongs to the old file
    stash = W._stash_path(wh, wh.stat().st_ino + 1)
    shutil.copyfile(ROOT / "tests" / "conftest.py", stash)
    assert quick_build(wh).swapped
    assert query(wh, "select id from hand.notes") == [(4,)]
    assert not stash.exists()


KILL_IN_SWAP = """
import os, signal, sys
from pathlib import Path
from app import pipeline, warehouse as W
live, point = Path(sys.argv[1]), sys.argv[2]
real_replace = os.replace
def die(): os.kill(os.getpid(), signal.SIGKILL)
if point == "before":    # the WAL is moved aside, the copy is not yet in place
    def replace(src, dst):
        if Path(dst) == live:
            die()
        return real_replace(src, dst)
    W.os.replace = replace
else:                    # the copy is in place, the moved WAL not yet deleted
    W._fsync_dir = lambda d: die()
pipeline.build([], live, run_dbt=False, run_checks=False)
"""


@pytest.mark.parametrize("point", ["before", "after"])
def test_a_real_kill_inside_the_swap_never_loses_or_replays_twice(wh, point):
    killed_writer(wh, 5)
    p = subprocess.run(
        [sys.executable, "-c", KILL_IN_SWAP, str(wh), point], cwd=ROOT, capture_output=True, text=True
    )
    assert p.returncode == -signal.SIGKILL, p.stderr[-2000:]
    stash = list((wh.parent / ".build").glob(f"{wh.name}.wal.swapped-*"))
    assert len(stash) == 1 and not W._wal(wh).exists()
    # the live file opens; after the swap it already holds the row, before it the row waits in .build/
    if point == "after":
        assert query(wh, "select id from hand.notes") == [(5,)]
    else:
        assert query(wh, "select count(*) from information_schema.tables where table_schema = 'hand'") == [
            (0,)
        ]
    assert quick_build(wh).swapped
    assert query(wh, "select id from hand.notes") == [(5,)]
    assert leftovers(wh) == [] and not W._wal(wh).exists()


# ---------------------------------------------------------------------------
# 2. artefacts after the swap, leftovers cleaned


def test_data_docs_go_live_only_with_the_build(wh, monkeypatch):
    first = pipeline.build([], wh, run_dbt=False)
    index = wh.parent / "data_docs" / "index.html"
    assert first.run_id in index.read_text(encoding="utf-8")

    def killed_in_swap(new, live):
        raise KeyboardInterrupt  # as a kill at the swap: the build never goes live

    monkeypatch.setattr(W, "_replace_live", killed_in_swap)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build([], wh, run_dbt=False)
    assert first.run_id in index.read_text(encoding="utf-8")  # still describes the live build
    runs = query(wh, "select distinct run_id from audit.check_runs order by 1")
    assert runs[-1] == (first.run_id,)  # the killed build's checks never went live
    assert leftovers(wh) == []
    monkeypatch.undo()

    # killed after the swap, before the docs were published: the next build publishes them
    import expectations.docs as docs

    real_publish = docs.publish

    def killed_before_publishing(site, target):
        if ".build" in str(target):  # the checkpoint stages the docs in the build folder: that works
            return real_publish(site, target)
        raise KeyboardInterrupt  # publishing beside the warehouse after the swap: killed

    monkeypatch.setattr(docs, "publish", killed_before_publishing)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build([], wh, run_dbt=False)
    monkeypatch.setattr(docs, "publish", real_publish)
    second = query(wh, "select distinct run_id from audit.check_runs order by 1")[-1][0]
    assert second != first.run_id and first.run_id in index.read_text(encoding="utf-8")
    third = quick_build(wh)
    assert second in index.read_text(encoding="utf-8") and third.swapped
    assert leftovers(wh) == []


def test_a_dead_builds_leftovers_are_removed_by_the_next_build(wh):
    bdir = wh.parent / ".build"
    (bdir / "gx-20260101-000000-abc-x1" / "validations").mkdir(parents=True)
    (bdir / "data_docs.20260101-000000-dead00").mkdir()
    shutil.copyfile(wh, bdir / wh.name)
    (wh.parent / "backups").mkdir()
    (wh.parent / "backups" / ".partial-jixiao-20260101-000000-dead00.duckdb").write_bytes(b"x" * 100)
    (wh.parent / f".{wh.name}.restore-123").write_bytes(b"x")
    assert len(leftovers(wh)) == 5
    assert quick_build(wh).swapped
    assert leftovers(wh) == []


# ---------------------------------------------------------------------------
# 3. backups and restore


def test_three_backups_kept_and_restore_puts_one_back_atomically(wh):
    contents = []
    for n in range(4):
        with contextlib.closing(duckdb.connect(str(wh))) as con:  # a different content each time
            con.execute("CREATE OR REPLACE TABLE main.marker AS SELECT ? AS n", [n])
        quick_build(wh)
        contents.append(snapshot(wh))
    backups = W.list_backups(wh)
    assert len(backups) == 3
    listed = subprocess.run(
        [JIXIAO, "restore", "--list", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV
    )
    assert listed.returncode == 0 and all(b.run_id in listed.stdout for b in backups)
    # restore the oldest kept (the 2nd build)
    out = subprocess.run(
        [JIXIAO, "restore", "3", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV
    )
    assert out.returncode == 0, out.stdout
    assert out.stdout.startswith(f"已恢复：{wh} ← 备份 {backups[2].run_id}")
    assert snapshot(wh) == contents[1]
    assert leftovers(wh) == [] and not W._wal(wh).exists()


def test_a_truncated_warehouse_is_reported_in_one_line_and_restored(wh):
    quick_build(wh)
    good = snapshot(wh, exclude_schemas=())
    with open(wh, "r+b") as fh:
        fh.truncate(wh.stat().st_size // 2)
    out = subprocess.run([JIXIAO, "build", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV)
    assert out.returncode == W.EXIT_UNREADABLE and out.stderr == ""
    assert out.stdout.splitlines()[1:] == [
        f"构建未完成：仓库文件已损坏或被截断，无法读取：{wh}；用 jixiao restore 恢复最近一次成功构建的仓库（共 1 个备份，jixiao restore --list 查看）。"
    ]
    assert leftovers(wh) == []
    out = subprocess.run([JIXIAO, "restore", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV)
    assert out.returncode == 0, out.stdout
    assert snapshot(wh, exclude_schemas=()) == good


def test_a_corrupt_warehouse_without_backups_says_how_to_rebuild(tmp_path):
    wh = tmp_path / "jixiao.duckdb"
    wh.write_bytes(b"not a database" * 100)
    with pytest.raises(W.WarehouseUnreadable) as e:
        quick_build(wh)
    assert e.value.message == (
        f"仓库文件已损坏或被截断，无法读取：{wh}；没有可用的备份：请把该文件移走后用 jixiao build --rebuild 从提交重新构建。"
    )
    assert e.value.exit_code == 6 and leftovers(wh) == []


# ---------------------------------------------------------------------------
# 4. disk full, read-only folder, permissions


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def tmpfs(path: Path, size: str, read_only: bool = False):
    path.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if read_only else "")
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _small_warehouse(path: Path) -> None:
    with contextlib.closing(duckdb.connect(str(path))) as con:
        con.execute(
            "CREATE SCHEMA raw; CREATE TABLE raw.budget_ledger AS "
            "SELECT range AS id, md5(range::varchar) || md5((range * 7)::varchar) AS s FROM range(65000)"
        )


@pytest.mark.skipif(not _can_mount(), reason="needs root to mount a small tmpfs")
def test_disk_full_on_a_real_small_filesystem(tmp_path, monkeypatch):
    _small_warehouse(tmp_path / "small.duckdb")
    with tmpfs(tmp_path / "disk", "5m") as disk:
        wh = disk / "jixiao.duckdb"
        shutil.copyfile(tmp_path / "small.duckdb", wh)
        before = snapshot(wh, exclude_schemas=())
        assert wh.stat().st_size > 2_500_000  # two copies do not fit in 5 MB
        out = subprocess.run(
            [JIXIAO, "build", "--warehouse", str(wh)], capture_output=True, text=True, env=ENV
        )
        assert out.returncode == W.EXIT_STORAGE and out.stderr == ""
        assert out.stdout.splitlines()[1:] == [
            f"构建未完成：磁盘空间不足：{disk} 所在的磁盘写不下新仓库，仓库保持不变，未留下部分文件；请腾出空间后重试。"
        ]
        assert snapshot(wh, exclude_schemas=()) == before
        assert leftovers(wh) == []
        # without the free-space check up front: the copy itself runs out of space half-way
        monkeypatch.setattr(W, "_check_space", lambda folder, need: None)
        with pytest.raises(W.StorageError) as e:
            quick_build(wh)
        assert e.value.message == out.stdout.splitlines()[1].removeprefix("构建未完成：")
        assert snapshot(wh, exclude_schemas=()) == before
        assert leftovers(wh) == []


def test_disk_full_in_the_middle_of_a_copy_leaves_no_partial_file(wh, monkeypatch):
    before = snapshot(wh, exclude_schemas=())
    real = shutil.copyfile

    def copy_until_full(src, dst, **kw):
        Path(dst).write_bytes(Path(src).read_bytes()[: 1 << 20])  # 1 MB written, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    for where in ("copy", "backup"):
        if where == "copy":
            monkeypatch.setattr(shutil, "copyfile", copy_until_full)
        else:  # the work copy fits; the backup of the new build does not
            monkeypatch.setattr(
                shutil,
                "copyfile",
                lambda s, d, **kw: copy_until_full(s, d) if ".partial-" in str(d) else real(s, d),
            )
        with pytest.raises(W.StorageError) as e:
            quick_build(wh)
        assert (
            e.value.message
            == f"磁盘空间不足：{wh.parent} 所在的磁盘写不下新仓库，仓库保持不变，未留下部分文件；请腾出空间后重试。"
        )
        assert snapshot(wh, exclude_schemas=()) == before
        assert leftovers(wh) == [], where


def test_disk_full_inside_duckdb_is_one_line(wh, monkeypatch):
    def full(*a, **kw):
        raise duckdb.IOException('IO Error: Could not write file "x.duckdb": No space left on device')

    monkeypatch.setattr(pipeline, "ingest", full)
    with pytest.raises(W.StorageError) as e:
        pipeline.build([], wh, run_checks=False)
    assert e.value.exit_code == 5 and e.value.message.startswith("磁盘空间不足：")
    assert leftovers(wh) == []


@pytest.mark.skipif(not _can_mount(), reason="needs root to mount a read-only tmpfs")
def test_a_read_only_folder_is_one_line_with_exit_5(tmp_path, yanfeng_warehouse):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copyfile(yanfeng_warehouse, src / "jixiao.duckdb")
    ro = tmp_path / "ro"
    with tmpfs(ro, "64m"):
        shutil.copyfile(src / "jixiao.duckdb", ro / "jixiao.duckdb")
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True)
        before = snapshot(ro / "jixiao.duckdb", exclude_schemas=())
        out = subprocess.run(
            [JIXIAO, "build", "--warehouse", str(ro / "jixiao.duckdb")],
            capture_output=True,
            text=True,
            env=ENV,
        )
        assert out.returncode == W.EXIT_STORAGE and out.stderr == ""
        assert out.stdout.splitlines()[1:] == [
            f"构建未完成：仓库所在的文件夹是只读的：{ro}，仓库保持不变；请把仓库放在可写的位置（--warehouse 或 JIXIAO_WAREHOUSE）。"
        ]
        assert snapshot(ro / "jixiao.duckdb", exclude_schemas=()) == before


def test_missing_permission_is_one_line(wh, monkeypatch):
    def denied(src, dst, **kw):
        raise PermissionError(errno.EACCES, "Permission denied", str(src))

    monkeypatch.setattr(shutil, "copyfile", denied)
    with pytest.raises(W.StorageError) as e:
        quick_build(wh)
    assert e.value.message == f"没有权限读写：{wh}，仓库保持不变；请检查该文件和所在文件夹的权限。"
    assert e.value.exit_code == 5 and leftovers(wh) == []


# ---------------------------------------------------------------------------
# 5. the dashboard after a timed-out wait


def test_the_dashboard_connects_to_nothing_after_its_wait_timed_out(wh, monkeypatch):
    from app.dashboard import data

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
    monkeypatch.setattr(data, "GATE_WAIT", 0.5)
    sql = "select count(*) as n from raw.budget_ledger where 1 = ?"
    holding_old, release = threading.Event(), threading.Event()

    def old_reader():
        with data.run_scope():
            data.q(sql, (1,))  # opens the old file and keeps it open
            holding_old.set()
            release.wait(20)

    t = threading.Thread(target=old_reader)
    t.start()
    try:
        assert holding_old.wait(20)
        new = wh.with_name("new.duckdb")
        shutil.copyfile(wh, new)
        with contextlib.closing(duckdb.connect(str(new))) as con:
            con.execute("DELETE FROM raw.budget_ledger WHERE rowid % 2 = 0")
        new.replace(wh)
        connects = []
        monkeypatch.setattr(
            W, "connect_readonly", lambda p=None: connects.append(p) or duckdb.connect(str(p), read_only=True)
        )
        with data.run_scope(), pytest.raises(data.WarehouseUnavailable) as e:
            data.q(sql, (1,))
        assert str(e.value) == "仓库已更新，但看板仍有读取旧仓库的查询没有结束，暂不打开新仓库"
        assert connects == []  # no connection: the old instance would have answered
    finally:
        release.set()
        t.join(20)
    with data.run_scope():  # nothing was cached under the new version: it now reads the new file
        assert data.q(sql, (1,)).n[0] == query(wh, "select count(*) from raw.budget_ledger")[0][0]


def test_the_dashboard_caches_nothing_when_a_swap_lands_between_its_key_and_its_connect(wh, monkeypatch):
    from app.dashboard import data

    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(wh))
    sql = "select count(*) as n from raw.budget_ledger where 2 = ?"
    new = wh.with_name("new.duckdb")
    shutil.copyfile(wh, new)
    with contextlib.closing(duckdb.connect(str(new))) as con:
        con.execute("DELETE FROM raw.budget_ledger WHERE rowid % 2 = 0")
    real = W.connect_readonly

    def swap_then_connect(p=None):
        if new.exists():
            new.replace(wh)  # a build swaps in right after the run took its version
        return real(p)

    monkeypatch.setattr(W, "connect_readonly", swap_then_connect)
    with data.run_scope(), pytest.raises(data.WarehouseUnavailable) as e:
        data.q(sql, (2,))
    assert str(e.value) == "仓库刚刚换成了新的构建"
    with data.run_scope():  # the next run reads the new file under the new version
        assert data.q(sql, (2,)).n[0] == query(wh, "select count(*) from raw.budget_ledger")[0][0] == 14


# ---------------------------------------------------------------------------
# 6. soak


def test_short_soak_nothing_lost(tmp_path):
    """bench/soak.py, short: builds with a kill, a stray WAL, readers and a writer; then a truncated file
    and a restore. Every round's checks are in bench/soak.py; here: none failed, and the figures add up."""
    out = tmp_path / "soak.json"
    # seed 133: round 1 = a stray WAL, then a writer commits during the build (exit 4); round 2 = two
    # readers and a kill. --skip-checks and no `jixiao check` per round keep it under a minute.
    args = [
        "--builds",
        "2",
        "--seed",
        "133",
        "--skip-checks",
        "--no-check-each",
        "--kill-rate",
        "0.5",
        "--wal-rate",
        "0.7",
        "--reader-rate",
        "0.7",
        "--writer-rate",
        "0.5",
        "--workdir",
        str(tmp_path / "soak"),
        "--out",
        str(out),
    ]
    p = subprocess.run(
        [sys.executable, "-m", "bench.soak", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["failures"] == [], p.stdout[-2000:]
    assert p.returncode == 0
    assert res["builds"] == 2 and res["restored"]
    assert res["succeeded"] + res["killed"] + res["refused_busy"] == 2
    assert res["stray_wals"] == 1 and res["readers"] == 2 and res["reader_reads"] > 0


def test_restore_by_position_is_never_ambiguous_with_a_run_id_ending_in_that_digit(wh, monkeypatch):
    """`jixiao restore 3` is the 3rd backup even when another backup's run id ends in 3."""
    bk = W.backups_dir(wh)
    bk.mkdir(parents=True)
    for i, run in enumerate(["20260101-000003-aaa3", "20260101-000002-bbb2", "20260101-000001-ccc1"]):
        f = bk / f"{wh.stem}-{run}{wh.suffix}"
        shutil.copyfile(wh, f)
        os.utime(f, ns=(10**18 - i * 10**9, 10**18 - i * 10**9))
    assert [b.run_id for b in W.list_backups(wh)] == [
        "20260101-000003-aaa3",
        "20260101-000002-bbb2",
        "20260101-000001-ccc1",
    ]
    assert W.restore(wh, "3").run_id == "20260101-000001-ccc1"
    assert W.restore(wh, "aaa3").run_id == "20260101-000003-aaa3"
