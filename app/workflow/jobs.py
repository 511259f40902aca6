"""Background jobs for the dashboard: an upload, a score entry or an acknowledgement runs in its own process.

A job is a folder beside the warehouse, ``<warehouse folder>/.workflow/jobs/<job id>/`` (never in the
repository): ``request.json`` (kind, parameters, actor), ``state.json`` (rewritten atomically as the job
goes: queued → running → done | failed, the pipeline stage, the result) and ``log``. The dashboard starts
it with `start` and polls `read_state`; the process runs ``python -m app.workflow.jobs <folder>``.

Two jobs (or a job and a ``jixiao build``) never clash: every change goes through ``app.pipeline.build``,
whose build lock makes the second wait; while it waits the state says ``queued``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app import warehouse as W

STAGES_ZH = {
    "queued": "排队：另一个构建正在进行，等待其结束",
    "prepare": "准备构建副本",
    "ingest": "校验并导入提交",
    "dbt": "计算指标、得分与核对（dbt build）",
    "checks": "运行检查（Great Expectations）",
    "swap": "替换为新仓库",
    "done": "完成",
    "failed": "失败",
}
STAGE_ORDER = ("queued", "prepare", "ingest", "dbt", "checks", "swap", "done")
FINISHED = ("done", "failed")
KEEP_JOBS = 20  # finished jobs whose folders are always kept (the newest), whatever their age
KEEP_DAYS = 7.0  # finished jobs younger than this are kept too
JOB_GONE = f"任务记录已清理（只保留最近 {KEEP_JOBS} 个已结束的任务和 {KEEP_DAYS:g} 天内的任务）"
JOB_DIED = "任务进程已意外结束（被终止或机器重启），没有写入结果；仓库保持上一次成功构建的状态，请重新提交"


def jobs_dir(warehouse: Path) -> Path:
    """Where the jobs of `warehouse` keep their folders: beside the warehouse file."""
    return warehouse.parent / ".workflow" / "jobs"


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, default=str, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def read_state(job: Path) -> dict:
    """The job's state: {"state": queued|running|done|failed, "stage", "stage_zh", "progress" (0–1),
    "message", "result" (kind-specific dict, when done), "error" (one Chinese line, when failed)}.
    A folder deleted by `prune` reads as failed with JOB_GONE; a job whose process is gone without
    finishing (killed, the machine restarted) reads as failed with JOB_DIED."""
    if not job.is_dir():
        return {"state": "failed", "stage": "failed", "stage_zh": STAGES_ZH["failed"], "progress": 0.0,
                "message": "", "error": JOB_GONE}  # fmt: skip
    state = _stored_state(job)
    if state["state"] not in FINISHED and not process_alive(job):
        state = _stored_state(job)  # it may have finished between the two looks
        if state["state"] not in FINISHED:
            return {
                **state,
                "state": "failed",
                "stage": "failed",
                "stage_zh": STAGES_ZH["failed"],
                "error": JOB_DIED,
            }
    return state


def _stored_state(job: Path) -> dict:
    try:
        return json.loads((job / "state.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"state": "queued", "stage": "queued", "stage_zh": "启动中", "progress": 0.0, "message": ""}


def process_alive(job: Path) -> bool:
    """Whether the job's process (pid in ``<job>/pid``, written by the job process itself as it starts, in
    `run`) is still running this job.

    True when the pid file is missing (a job being started; not known to be dead). The pid is written by the
    process itself, after exec: written by `start` from Popen, it could be read between fork and exec, when
    the child's command line is still the server's, and a job just started read as dead. The process must
    still have the job's folder on its command line (/proc/<pid>/cmdline): a reused pid, or a zombie left by
    the server that started it (empty command line), is not the job."""
    try:
        pid = int((job / "pid").read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool({os.fsencode(str(job)), os.fsencode(str(job.resolve()))} & set(cmdline))


def prune(
    warehouse: Path, keep: int = KEEP_JOBS, max_age_days: float = KEEP_DAYS, now: float | None = None
) -> list[Path]:
    """Delete the folders of old finished jobs of `warehouse`; returns the deleted folders.

    A job's folder (its request, state, log and, for a report batch, the ZIP) is kept while the job is
    queued or running (state.json not done/failed and its process alive: never deleted, whatever its age;
    a job whose process died unfinished counts as failed, see `read_state`), when it is among the
    `keep` most recently finished jobs, or when it finished less than `max_age_days` days before `now`
    (seconds since the epoch; default: the current time). The finish time is state.json's modification
    time. Called by `start`, so the folder never grows past `keep` jobs plus a week's worth.
    """
    root = jobs_dir(warehouse)
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    finished: list[tuple[float, Path]] = []
    for job in root.iterdir():
        if not job.is_dir() or job.is_symlink():
            continue
        state = job / "state.json"
        try:
            finished_at = state.stat().st_mtime
        except OSError:
            continue  # starting (no state yet): not known to be finished, kept
        if read_state(job)["state"] in FINISHED:  # a job whose process died counts as finished (failed)
            finished.append((finished_at, job))
    finished.sort(key=lambda t: (t[0], t[1].name), reverse=True)
    deleted = []
    for finished_at, job in finished[keep:]:
        if now - finished_at >= max_age_days * 86400:
            shutil.rmtree(job, ignore_errors=True)
            deleted.append(job)
    return deleted


def start(kind: str, params: dict, warehouse: Path, actor: str) -> Path:
    """Start a job of `kind` (a key of RUNNERS) in a new process; returns its folder at once.

    `params` must be JSON-serialisable. The process outlives the page that started it. Old finished jobs'
    folders are deleted first (`prune`)."""
    from app.workflow import batch, scores, submissions  # noqa: F401  (they register their runners)

    if kind not in RUNNERS:
        raise ValueError(f"unknown job kind {kind!r}")
    prune(warehouse)
    job = jobs_dir(warehouse) / (datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6])
    job.mkdir(parents=True)
    _write_json(
        job / "request.json", {"kind": kind, "params": params, "actor": actor, "warehouse": str(warehouse)}
    )
    _write_json(
        job / "state.json",
        {"state": "queued", "stage": "queued", "stage_zh": "启动中", "progress": 0.0, "message": ""},
    )
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(warehouse))
    with open(job / "log", "wb") as log:
        subprocess.Popen(
            [sys.executable, "-m", "app.workflow.jobs", str(job)],
            cwd=W.ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return job


def wait(job: Path, timeout: float = 600.0, poll: float = 0.5) -> dict:
    """Block until the job is done or failed (tests, scripts); returns its final state."""
    deadline = time.monotonic() + timeout
    while True:
        st = read_state(job)
        if st["state"] in ("done", "failed") or time.monotonic() > deadline:
            return st
        time.sleep(poll)


def build_busy(warehouse: Path) -> bool:
    """Is a build (or restore) holding `warehouse`'s build lock right now? A probe, never waits."""
    lock = warehouse.parent / f".{warehouse.name}.lock"
    if not lock.exists():
        return False
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


class Progress:
    """Writes state.json as the pipeline reports its stages."""

    def __init__(self, job: Path) -> None:
        self.job = job
        self.state: dict = read_state(job)

    def update(self, **kw) -> None:
        self.state.update(kw)
        self.state["updated"] = datetime.now().isoformat(timespec="seconds")
        _write_json(self.job / "state.json", self.state)

    def stage(self, s: str) -> None:
        k = STAGE_ORDER.index(s) if s in STAGE_ORDER else 0
        self.update(
            state="running", stage=s, stage_zh=STAGES_ZH.get(s, s), progress=k / (len(STAGE_ORDER) - 1)
        )

    def notice(self, m: str) -> None:
        self.update(message=m)


def _run_ack(params: dict, actor: str, warehouse: Path, p: Progress) -> dict:
    from app.workflow.acks import acknowledge

    res = acknowledge(
        params["finding_ids"],
        params["status"],
        params["note"],
        actor=actor,
        warehouse=warehouse,
        on_stage=p.stage,
        on_notice=p.notice,
    )
    return {"run_id": res.run_id, "acked": res.acked}


RUNNERS: dict[str, Callable[[dict, str, Path, Progress], dict]] = {"ack": _run_ack}


def register(kind: str, runner: Callable[[dict, str, Path, Progress], dict]) -> None:
    """Add a job kind (app/workflow/submissions.py, scores.py register theirs)."""
    RUNNERS[kind] = runner


def run(job: Path) -> int:
    """The job process: run the request, record done (with the result) or failed (with one line)."""
    from app.errors import JixiaoError
    from app.workflow import batch, scores, submissions  # noqa: F401  (they register their runners)

    (job / "pid").write_text(str(os.getpid()), encoding="ascii")  # see process_alive
    req = json.loads((job / "request.json").read_text(encoding="utf-8"))
    warehouse = Path(req["warehouse"])
    p = Progress(job)
    if build_busy(warehouse):
        p.update(state="queued", stage="queued", stage_zh=STAGES_ZH["queued"])
    try:
        result = RUNNERS[req["kind"]](req["params"], req["actor"], warehouse, p)
    except JixiaoError as e:
        p.update(
            state="failed", stage="failed", stage_zh=STAGES_ZH["failed"], error=getattr(e, "message", str(e))
        )
        return getattr(e, "exit_code", 1)
    except Exception as e:  # an unexpected error: its type for the page, the traceback in the log
        traceback.print_exc()
        p.update(
            state="failed",
            stage="failed",
            stage_zh=STAGES_ZH["failed"],
            error=f"内部错误（{type(e).__name__}），详见 {job / 'log'}",
        )
        return 1
    p.update(state="done", stage="done", stage_zh=STAGES_ZH["done"], progress=1.0, result=result)
    return 0


if __name__ == "__main__":
    # run through the imported module, not __main__: the runners register themselves in app.workflow.jobs
    from app.workflow.jobs import run as _run

    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(_run(Path(sys.argv[1])))
