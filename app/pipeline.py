"""`jixiao build`: ingest submissions, build the dbt project, run the checks, swap the warehouse in.

    live warehouse (+ a stray WAL) ──copy, replay──▶ .build/<name> ──ingest──▶ ──dbt build──▶ ──checks──▶
        ──copy──▶ backups/ ; os.replace ──▶ live ; Data Docs ──▶ data_docs/

Any failure (a crash, a failing dbt test, a killed process, a full disk) leaves the live file as it was;
app/warehouse.py describes the copy, the swap and what happens to a hand-run writer's WAL.
A refused submission is not a failure of the build: the others load, and its rejects are recorded in
``audit.ingest_rejects``; the command then exits non-zero so a script notices.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from app import incremental
from app import warehouse as W
from app.dbt import DbtResult, dbt_build
from app.errors import BuildFailed
from app.workflow.hooks import after_dbt
from app.workflow.scores import SUBMISSION_PREFIX
from ingest.issues import Issue
from ingest.load import BulkLoader, Coverage, LoadOutcome, known_departments, record_issues
from ingest.schema import ensure_schema
from ingest.submission import FrameworkCatalog, Submission, check_submission, parse_submissions

# parse submissions in worker processes from this many on (a pool costs ~1 s to start)
PARALLEL_FROM = 16
# submissions parsed in one bulk pass (ingest.submission.parse_submissions): large enough that Polars'
# per-table overhead disappears, small enough that loading starts early and a chunk's tables fit in memory
BULK_SUBMISSIONS = 64


@dataclass
class BuildResult:
    run_id: str
    warehouse: Path
    outcomes: list[LoadOutcome] = field(default_factory=list)
    dbt: DbtResult | None = None
    checks: object | None = None  # expectations.checkpoint.CheckpointOutcome
    timings: dict[str, float] = field(default_factory=dict)
    swapped: bool = False
    backup: Path | None = None  # the copy of this build kept in backups/
    plan: incremental.Plan | None = None  # full or incremental, and why (None: dbt did not run)

    @property
    def refused(self) -> list[LoadOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]

    @property
    def loaded(self) -> list[LoadOutcome]:
        return [o for o in self.outcomes if o.status == "loaded"]


def new_run_id() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]


def _marts_exist(path: Path) -> bool:
    if not path.exists():
        return False
    with contextlib.closing(duckdb.connect(str(path), read_only=True)) as con:
        return W.is_built(con)


def ingest(
    con: duckdb.DuckDBPyConnection,
    inputs: list[tuple[Path, str | None]],
    run_id: str,
    on_submission: Callable[[LoadOutcome], None] | None = None,
) -> list[LoadOutcome]:
    """Load each submission whole or not at all (consecutive new ones in one transaction: ingest.load.BulkLoader);
    record every issue in audit.ingest_rejects."""
    ensure_schema(con)
    started = datetime.now().replace(microsecond=0)
    con.execute(
        "INSERT INTO audit.ingest_runs VALUES (?, ?, NULL, ?, 0, 0, 0, 'running')",
        [run_id, started, "; ".join(str(p) for p, _ in inputs)],
    )
    catalog = FrameworkCatalog.from_seeds(W.SEEDS)
    coverage = Coverage(con)
    # the build copy is scratch until the swap (which checkpoints): no checkpoint after every submission
    con.execute("SET checkpoint_threshold = '1GB'")
    outcomes = []
    entered_before = {k: v for k, v in _entered_score_sources(con).items() if v.startswith(SUBMISSION_PREFIX)}
    departments = known_departments(con, schema_ready=True)
    loader = BulkLoader(con, run_id, coverage)  # consecutive new submissions: one INSERT per template
    for sub in itertools.chain(_parsed(inputs), [None]):
        if sub is None:
            done = loader.flush()
        else:
            # cross-file rules in input order: a department declared by an earlier submission is known
            check_submission(sub, catalog, departments)
            done = loader.add(sub)
            # a submission the loader holds is loaded with its group
            status = next((o.status for s, o in done if s is sub), "loaded" if sub.ok else "refused")
            if status == "loaded" and "departments" in sub.tables:
                departments |= set(
                    sub.tables["departments"].frame.get_column("dept_code").drop_nulls().to_list()
                )
        for _, outcome in done:
            outcomes.append(outcome)
            if on_submission:
                on_submission(outcome)
    _warn_replaced_entered_scores(con, run_id, entered_before, outcomes)
    n = {s: sum(o.status == s for o in outcomes) for s in ("loaded", "unchanged", "refused")}
    con.execute(
        "UPDATE audit.ingest_runs SET finished_at = ?, accepted = ?, unchanged = ?, refused = ?, status = ? WHERE run_id = ?",
        [
            datetime.now().replace(microsecond=0),
            n["loaded"],
            n["unchanged"],
            n["refused"],
            "refused" if n["refused"] else "ok",
            run_id,
        ],
    )
    return outcomes


def _entered_score_sources(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, int, str], str]:
    """(dept_code, fiscal_year, framework_code) → the submission whose evaluator scores are current (the
    latest loaded: stg_qualitative_scores, current_version partitioned by framework, no ledger rule), for the
    department-year-frameworks that have scores entered in jixiao (评价人评分 page, `jixiao score`:
    submissions named app.workflow.scores.SUBMISSION_PREFIX…) — usually few, so every build reads little."""
    return {
        (d, y, fw): sid
        for d, y, fw, sid in con.execute(
            """with entered as (
                   select distinct dept_code, fiscal_year, framework_code from raw.qualitative_scores
                   where starts_with(_submission_id, ?)
               )
               select q.dept_code, q.fiscal_year, q.framework_code, arg_max(q._submission_id, s.load_seq)
               from raw.qualitative_scores as q
               join entered using (dept_code, fiscal_year, framework_code)
               join audit.submissions as s on s.submission_id = q._submission_id
               group by 1, 2, 3""",
            [SUBMISSION_PREFIX],
        ).fetchall()
    }


def _warn_replaced_entered_scores(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    before: dict[tuple[str, int, str], str],
    outcomes: list[LoadOutcome],
) -> None:
    """A submission loaded now whose qualitative_scores replace scores entered in jixiao (the latest load wins,
    README 报送与评价): a warning on that submission, in audit.ingest_rejects and its outcome, so the loss of
    an evaluator's entry is said, not silent."""
    if not before:
        return
    loaded = {o.submission_id: o for o in outcomes if o.status == "loaded"}
    replaced: dict[str, list[tuple[str, int, str]]] = {}
    for key, sid in sorted(_entered_score_sources(con).items()):
        if key in before and sid != before[key] and sid in loaded:
            replaced.setdefault(sid, []).append(key)
    for sid, keys in replaced.items():
        what = "、".join(f"{d} {y} {fw}" for d, y, fw in keys)
        issue = Issue(
            file=None,
            sheet=None,
            row=None,
            column=None,
            value=None,
            reason=f"本提交的评价人评分替换了在“评价人评分”中录入的评分（{what}）：以最后导入的为准；"
            "如需保留录入的评分，请在“评价人评分”页面或用 jixiao score 重新保存",
            severity="warning",
        )
        loaded[sid].issues.append(issue)
        record_issues(con, run_id, sid, [issue])


def _parse_chunk(items: list[tuple[Path, str | None]]) -> list[Submission]:
    return parse_submissions(items)


def _parsed(inputs: list[tuple[Path, str | None]]) -> Iterator[Submission]:
    """Each submission's files read and parsed, in input order. The cells of all tables of one template
    are parsed together (ingest.submission.parse_submissions), a chunk of up to BULK_SUBMISSIONS
    submissions at a time. Parsing touches no warehouse state, so with many submissions the chunks run
    in worker processes (one per CPU) while the main process loads."""
    workers = min(os.cpu_count() or 1, len(inputs))
    if len(inputs) < PARALLEL_FROM or workers < 2:
        yield from parse_submissions(inputs)
        return
    size = max(1, min(BULK_SUBMISSIONS, -(-len(inputs) // (2 * workers))))
    chunks = [inputs[i : i + size] for i in range(0, len(inputs), size)]
    # spawn, not fork: Polars' and DuckDB's thread pools do not survive a fork
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for subs in pool.map(_parse_chunk, chunks):
            yield from subs


def build(
    inputs: list[tuple[Path, str | None]],
    warehouse: Path | None = None,
    *,
    rebuild: bool = False,
    run_checks: bool = True,
    run_dbt: bool | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_submission: Callable[[LoadOutcome], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
    edit: Callable[[duckdb.DuckDBPyConnection, BuildResult], None] | None = None,
    full_checks: bool = False,
    full: bool = False,
) -> BuildResult:
    """Ingest `inputs` ((path, submission_id or None) pairs) and rebuild; swap in only on success.

    dbt runs when something was loaded, when `rebuild` is set, when no inputs were given (a plain
    rebuild), or when the warehouse has no marts yet. `run_dbt` overrides that: False never runs dbt
    (`jixiao check`: copy → checks → swap), True always does.

    Raises BuildFailed (a stage failed), or a warehouse.WarehouseError: WarehouseBusy (a hand-run writer
    holds or changed the live file), StorageError (disk full, read-only folder, no permission),
    WarehouseUnreadable (the live file is corrupt). In every case the live file is as it was and no
    partial file is left. `on_notice` gets one-line messages (e.g. waiting for a writer).

    `edit(con, result)` runs on the copy after dbt and before the checks, inside the build lock: a workflow
    write (an acknowledgement, the operation log; app/workflow/) lands in this same swap or not at all.

    `full_checks` (`jixiao check --full`): Great Expectations validates every row of every suite's frame;
    by default big frames are screened first (expectations/checkpoint.py), and the departments of the
    submissions loaded in this build are always validated in full.

    dbt recomputes only the departments whose raw rows changed since the last build (app/incremental.py;
    with no inputs: those a hand edit changed) unless `full` (`jixiao build --full`), `rebuild` or the
    project changed; `result.plan` says which and why.
    """
    live = (warehouse or W.default_warehouse()).resolve()
    run_id = new_run_id()
    result = BuildResult(run_id, live)
    stage = on_stage or (lambda s: None)
    try:
        with W.build_lock(live):
            _recover_docs(live)
            W.cleanup_leftovers(live)
            t0 = time.perf_counter()
            stage("prepare")
            work = W.work_file(live)
            staged_docs = W.build_dir(live) / f"data_docs.{run_id}"
            try:
                work, state = W.prepare_work_copy(live, on_wait=on_notice)
                result.timings["prepare"] = time.perf_counter() - t0
                stage("ingest")
                t_ingest = time.perf_counter()
                with contextlib.closing(duckdb.connect(str(work))) as con:
                    result.outcomes = ingest(con, inputs, run_id, on_submission)
                    con.execute("CHECKPOINT")
                result.timings["ingest"] = time.perf_counter() - t_ingest
                if run_dbt is None:
                    need_dbt = rebuild or not inputs or bool(result.loaded) or not _marts_exist(work)
                    run_dbt = bool(need_dbt and (result.loaded or rebuild or not inputs or _has_data(work)))
                if run_dbt:
                    stage("dbt")
                    t1 = time.perf_counter()
                    result.plan, result.dbt = dbt_stage(
                        work, live, run_id, full or rebuild, on_notice, result.timings
                    )
                    result.timings["dbt"] = time.perf_counter() - t1
                    if not result.dbt.ok:
                        code = next(
                            (c for _, _, m in result.dbt.failures if (c := W.storage_errno_in(m))), None
                        )
                        if code is not None:
                            raise W.storage_error(code, live.parent)
                        raise BuildFailed("dbt build", "dbt build 失败", result.dbt)
                after_dbt(work, result, edit)
                if run_checks and _marts_exist(work):
                    stage("checks")
                    t2 = time.perf_counter()
                    loaded = [o.submission_id for o in result.loaded]
                    rebuilt = result.plan.check_departments if result.plan else None  # None: every department
                    result.checks = _run_checks(
                        work, run_id, staged_docs, full=full_checks, scope=loaded, departments=rebuilt
                    )
                    incremental.mark_checked(work)  # they passed: ChecksFailed was raised otherwise
                    result.timings["checks"] = time.perf_counter() - t2
                stage("swap")
                t3 = time.perf_counter()
                result.backup = W.swap_in(work, live, state, run_id=run_id, on_wait=on_notice)
                result.timings["swap"] = time.perf_counter() - t3
                result.swapped = True
            except BaseException:
                W.discard(work)
                shutil.rmtree(staged_docs, ignore_errors=True)
                raise
            # artefacts beside the warehouse describe the live build: published only now
            staged = getattr(result.checks, "docs_staged", None)
            if staged is not None and result.checks.docs_index is not None:
                from expectations.docs import publish

                publish(staged, result.checks.docs_index.parent)
            result.timings["total"] = time.perf_counter() - t0
    except (OSError, duckdb.Error) as e:
        # the copy is the live file's: a damaged block found at any stage is the live file's damage
        err = W.classify(e, live, live_read=True)
        if err is None:
            raise
        raise err from None
    return result


def dbt_stage(
    work: Path,
    live: Path,
    run_id: str,
    full: bool = False,
    on_notice: Callable[[str], None] | None = None,
    timings: dict[str, float] | None = None,
) -> tuple[incremental.Plan, DbtResult]:
    """dbt on the copy `work` (a closed file) after the ingest: only the departments whose raw rows changed
    since the last build (app/incremental.py), or everything when `full` or when the plan says so; on success
    the copy records this build's digest and state (audit.build_digest, audit.build_state).

    Returns (the plan that ran, dbt's result). A model found to read other departments during the merge
    (incremental.NotDepartmentLocal) turns the build into a full one, with a notice. `timings` (seconds)
    gets plan, record and the incremental build's parts (incremental.incremental_dbt_build)."""
    timings = {} if timings is None else timings
    t = time.perf_counter()
    with contextlib.closing(duckdb.connect(str(work))) as con:
        plan = incremental.plan(con, full=full)
    timings["plan"] = time.perf_counter() - t
    result = None
    if plan.incremental:
        try:
            result = incremental.incremental_dbt_build(work, live, plan.departments, timings)
        except incremental.NotDepartmentLocal as e:
            plan = incremental.Plan(None, f"全量构建（{e}）", plan.total)
            if on_notice:
                on_notice(f"增量构建不适用，改为全量构建：{e}")
    if result is None:
        result = dbt_build(work, live)
    if result.ok:
        t = time.perf_counter()
        incremental.record(work, run_id, plan)
        timings["record"] = time.perf_counter() - t
    return plan, result


def _recover_docs(live: Path) -> None:
    """A build killed between the swap and publishing its Data Docs: publish them if that build is live."""
    bdir = W.build_dir(live)
    staged = sorted(bdir.glob("data_docs.*")) if bdir.is_dir() else []
    if not staged or not live.exists():
        return
    try:
        with contextlib.closing(duckdb.connect(str(live), read_only=True)) as con:
            live_runs = {r[0] for r in con.execute("SELECT DISTINCT run_id FROM audit.check_runs").fetchall()}
    except duckdb.Error:  # no checks ran on the live file yet (no audit.check_runs), or it cannot be read
        return
    from expectations.checkpoint import default_docs_dir
    from expectations.docs import publish

    for d in staged:
        if d.name.removeprefix("data_docs.") in live_runs and (d / "index.html").exists():
            publish(d, default_docs_dir(live))


def _has_data(path: Path) -> bool:
    with contextlib.closing(duckdb.connect(str(path), read_only=True)) as con:
        return con.execute("SELECT count(*) FROM raw.budget_ledger").fetchone()[0] > 0


def _run_checks(
    work: Path,
    run_id: str,
    stage_docs: Path | None = None,
    *,
    full: bool = False,
    scope: list[str] | None = None,
    departments: list[str] | None = None,
):
    """The Great Expectations checkpoint (expectations/), run on the built copy before it goes live; its
    Data Docs wait in `stage_docs` until the swap. `departments`: an incremental build's (the integrity
    suites read only their rows)."""
    from expectations.checkpoint import run_checkpoint  # imports great_expectations (~5 s): only here

    return run_checkpoint(
        work, run_id, stage_docs=stage_docs, full=full, scope=scope, departments=departments
    )
