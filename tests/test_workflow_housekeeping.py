"""Issue 17, housekeeping: old background jobs' folders are deleted (never a running job's), and a finding's
acknowledgement follows the finding when a corrected file moves it to another row.

Every test works in a temporary folder; none writes into the repository."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from app.workflow import jobs

DAY = 86400.0


def _job(root: Path, name: str, state: str, age_days: float, now: float) -> Path:
    """A job folder as jobs.start leaves it, whose state.json was last written `age_days` before `now`."""
    job = root / name
    job.mkdir(parents=True)
    (job / "request.json").write_text('{"kind": "ack"}', encoding="utf-8")
    (job / "log").write_bytes(b"")
    (job / "state.json").write_text(json.dumps({"state": state}), encoding="utf-8")
    os.utime(job / "state.json", (now - age_days * DAY, now - age_days * DAY))
    return job


def test_prune_keeps_the_last_finished_jobs_the_recent_ones_and_every_running_one(tmp_path):
    wh = tmp_path / "jixiao.duckdb"
    root = jobs.jobs_dir(wh)
    now = time.time()
    # 25 finished jobs, one a day from 1 to 25 days ago (old-01 is the newest)
    old = [_job(root, f"old-{i:02d}", "done" if i % 2 else "failed", i, now) for i in range(1, 26)]
    running = _job(root, "running-old", "running", 40, now)  # a job still running after 40 days
    queued = _job(root, "queued-old", "queued", 30, now)
    (root / "starting").mkdir()  # created by start, state.json not written yet

    deleted = jobs.prune(wh, keep=3, max_age_days=7, now=now)

    # kept: the 3 newest finished (1–3 days) and every one younger than 7 days (4–6 days); the rest deleted
    assert sorted(p.name for p in deleted) == [f"old-{i:02d}" for i in range(7, 26)]
    assert sorted(p.name for p in root.iterdir()) == [
        *(f"old-{i:02d}" for i in range(1, 7)),
        "queued-old",
        "running-old",
        "starting",
    ]
    assert running.is_dir() and queued.is_dir() and not old[-1].exists()
    # a deleted job, still remembered by a page, reads as failed with the reason (not "启动中" for ever)
    gone = jobs.read_state(old[-1])
    assert (gone["state"], gone["error"]) == (
        "failed",
        "任务记录已清理（只保留最近 20 个已结束的任务和 7 天内的任务）",
    )


def test_prune_keeps_the_last_n_even_when_all_are_old(tmp_path):
    wh = tmp_path / "jixiao.duckdb"
    root = jobs.jobs_dir(wh)
    now = time.time()
    for i in range(1, 31):
        _job(root, f"j-{i:02d}", "done", 100 + i, now)
    deleted = jobs.prune(wh, now=now)  # the defaults: 20 jobs, 7 days
    assert len(deleted) == 10 and sorted(p.name for p in root.iterdir()) == [
        f"j-{i:02d}" for i in range(1, 21)
    ]
    assert jobs.prune(wh, now=now) == []  # nothing more to delete


def test_a_job_whose_process_died_reads_as_failed_and_is_pruned_like_a_finished_one(tmp_path):
    import signal
    import subprocess
    import sys

    wh = tmp_path / "jixiao.duckdb"
    root = jobs.jobs_dir(wh)
    now = time.time()
    killed = _job(root, "killed", "running", 30, now)
    alive = _job(root, "alive", "running", 30, now)
    reused = _job(root, "reused", "queued", 30, now)
    # the job process as jobs.start runs it: the job's folder on its command line
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    running = subprocess.Popen([*sleeper, str(alive)])
    dead = subprocess.Popen([*sleeper, str(killed)])
    other = subprocess.Popen(sleeper)  # a live process, but not this job's (a pid reused after a restart)
    try:
        dead.send_signal(signal.SIGKILL)
        dead.wait()
        for job, proc in ((killed, dead), (alive, running), (reused, other)):
            (job / "pid").write_text(str(proc.pid), encoding="ascii")

        state = jobs.read_state(killed)
        assert (state["state"], state["error"]) == (
            "failed",
            "任务进程已意外结束（被终止或机器重启），没有写入结果；仓库保持上一次成功构建的状态，请重新提交",
        )
        assert jobs.read_state(reused)["state"] == "failed"
        assert jobs.read_state(alive)["state"] == "running"
        # old and dead: deleted like any old finished job; the live one is kept whatever its age
        assert sorted(p.name for p in jobs.prune(wh, keep=0, max_age_days=7, now=now)) == ["killed", "reused"]
        assert sorted(p.name for p in root.iterdir()) == ["alive"]
    finally:
        for proc in (running, other):
            proc.kill()
            proc.wait()


def test_starting_a_job_deletes_old_finished_folders(tmp_path, monkeypatch):
    wh = tmp_path / "jixiao.duckdb"
    root = jobs.jobs_dir(wh)
    now = time.time()
    for i in range(1, 23):
        _job(root, f"j-{i:02d}", "done", 10 + i, now)
    _job(root, "j-running", "running", 50, now)
    spawned, procs, popen = [], [], jobs.subprocess.Popen

    def stand_in(cmd, **kw):  # a process with the job's command line that runs nothing
        spawned.append(cmd)
        procs.append(popen([jobs.sys.executable, "-c", "import time; time.sleep(60)", cmd[-1]]))
        return procs[-1]

    monkeypatch.setattr(jobs.subprocess, "Popen", stand_in)
    new = jobs.start("ack", {"finding_ids": [], "status": "待整改", "note": "x"}, wh, "tester")
    try:
        assert spawned == [[jobs.sys.executable, "-m", "app.workflow.jobs", str(new)]]
        names = sorted(p.name for p in root.iterdir())
        # the 20 newest finished (11–30 days old), the running one and the new one; j-21 and j-22 deleted
        assert names == sorted([*(f"j-{i:02d}" for i in range(1, 21)), "j-running", new.name])
        assert jobs.read_state(new)["state"] == "queued"  # its process (pid file) is alive
    finally:
        for proc in procs:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------------------- finding ids without the row

A22 = ("reported_value", "A22 在职人员控制率")
OFFICE = "基本支出/公用经费/办公经费"


def _md5(text: str) -> str:
    import hashlib

    return hashlib.md5(text.encode("utf-8")).hexdigest()


def _corrected(sample: Path) -> None:
    """The worked example as a department corrects it: reported_results.csv's rows in reverse order (A22
    moves from row 2 to row 23), and the ledger's 办公经费 line split into two lines (60,000.00 and 61,000.00
    元) with the same label, each with a wrong 指标结余 of 1.00 元 (two findings of one check, one label)."""
    rr = sample / "reported_results.csv"
    head, *rows = rr.read_text(encoding="utf-8").splitlines()
    rr.write_text("\n".join([head, *reversed(rows)]) + "\n", encoding="utf-8")
    bl = sample / "budget_ledger.csv"
    lines = bl.read_text(encoding="utf-8").splitlines()
    office = '430406-hrss,2023,基本支出,公用经费,办公经费,"121,000.00",,"121,000.00","121,000.00",'
    assert lines[1] == office
    split = [
        f'430406-hrss,2023,基本支出,公用经费,办公经费,"{a}",,"{a}","{a}","1.00"'
        for a in ("60,000.00", "61,000.00")
    ]
    bl.write_text("\n".join([lines[0], *split, *lines[2:]]) + "\n", encoding="utf-8")


def test_an_acknowledgement_follows_its_finding_to_another_row(
    yanfeng_warehouse, sample_copy, tmp_path, capsys
):
    """The id is the hash of department | year | framework | project | check | item, without the file and
    row: a corrected submission that moves the finding to another row keeps its id and its acknowledgement.
    Where one check flags two rows with the same item (two ledger lines with one label), the file and row
    are added to those two ids only, so ids stay unique."""
    import shutil

    from conftest import query

    from app.cli import main

    live = tmp_path / "live" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(yanfeng_warehouse, live)
    sql = "select finding_id, source_row from marts.fct_reconciliation_findings where check_code = ? and item = ?"
    [(fid, row)] = query(live, sql, list(A22))
    assert (fid, row) == (_md5("430406-hrss|2023|hn_dept_overall||reported_value|A22 在职人员控制率"), 2)
    assert main(["ack", fid[:12], "--status", "确认无误", "--note", "舍入差异，已核对", "-w", str(live)]) == 0

    _corrected(sample_copy)
    files = sorted(str(f) for f in sample_copy.glob("*.csv"))
    assert main(["submit", "--name", "yanfeng-2023", "-w", str(live), *files]) == 0
    assert "yanfeng-2023: 已加载" in capsys.readouterr().out
    assert query(live, sql, list(A22)) == [(fid, 23)]  # another row, the same id
    acked = query(
        live,
        "select a.status, a.note from marts.fct_reconciliation_findings f "
        "join audit.finding_acks a using (finding_id) where f.check_code = ? and f.item = ?",
        list(A22),
    )
    assert acked == [("确认无误", "舍入差异，已核对")]

    # two findings of one check with one label: their ids carry the file and row, and differ
    office = query(
        live,
        "select finding_id, source_file, source_row from marts.fct_reconciliation_findings "
        "where check_code = 'ledger_balance_identity' and item = ? order by source_row",
        [OFFICE],
    )
    key = f"430406-hrss|2023|||ledger_balance_identity|{OFFICE}"
    assert office == [
        (_md5(f"{key}|budget_ledger.csv|2"), "budget_ledger.csv", 2),
        (_md5(f"{key}|budget_ledger.csv|3"), "budget_ledger.csv", 3),
    ]
    assert query(
        live, "select count(*) = count(distinct finding_id) from marts.fct_reconciliation_findings"
    ) == [(True,)]
