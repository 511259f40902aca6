"""上传提交: departments' files uploaded in the browser (or `jixiao submit`), loaded through the same atomic
pipeline as `jixiao build`, and kept in a submissions store beside the warehouse.

    uploaded files ──stage──▶ <warehouse folder>/submissions/.incoming/<upload id>/   (one submission each)
        ──app.pipeline.build (copy → ingest → dbt → checks → swap; the build lock queues a second upload)──▶
        loaded:   moved to <warehouse folder>/submissions/<submission id>[.xlsx]   (a replaced version to .history/)
        refused:  moved to <warehouse folder>/submissions/.refused/<upload id>/      (its rejects in audit.ingest_rejects)

What is a submission: a ``.xlsx``/``.xlsm`` workbook is one; the ``.csv`` files of one upload together are
one (a folder, named by the user or ``上传-<time>``); a ``.zip`` holds one (template files at its top) or
several (one folder or workbook each), read with the same rules as ``jixiao build --input``. The store is a
folder of submissions, so ``jixiao build --input <warehouse folder>/submissions`` rebuilds a lost warehouse
from everything ever uploaded (plus what was loaded from elsewhere with ``jixiao build``).
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import duckdb

from app.errors import EXIT_INPUT_REFUSED, JixiaoError
from app.workflow import jobs, oplog
from app.workflow.actor import current_actor

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".zip")
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_BYTES = 1 << 30  # 1 GB unpacked, as a workbook (ingest refuses bigger ones too)
_BAD_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


class UploadRefused(JixiaoError):
    """An upload refused before loading (an unsupported file type, an unsafe or oversized zip); nothing changed."""

    exit_code = EXIT_INPUT_REFUSED

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def store_dir(warehouse: Path) -> Path:
    """The submissions store of `warehouse`: a folder beside it, never in the repository."""
    return warehouse.parent / "submissions"


def safe_name(name: str) -> str:
    """A file name as uploaded, reduced to its last component, without control or path characters."""
    base = PurePosixPath(str(name).replace("\\", "/")).name
    base = _BAD_NAME.sub("_", base).strip(" .")
    return base or "提交"


@dataclass
class Staged:
    """An upload written to the store's .incoming/ folder: its submissions, in load order."""

    upload_id: str
    folder: Path
    submissions: list[Path]


def _unzip(data_path: Path, dest: Path) -> None:
    try:
        zf = zipfile.ZipFile(data_path)
    except zipfile.BadZipFile:
        raise UploadRefused(f"{data_path.name} 不是有效的 ZIP 文件") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > ZIP_MAX_MEMBERS:
            raise UploadRefused(
                f"{data_path.name} 包含 {len(infos)} 个文件，超过 {ZIP_MAX_MEMBERS} 个：请拆分后上传"
            )
        total = sum(i.file_size for i in infos)
        if total > ZIP_MAX_BYTES:
            raise UploadRefused(f"{data_path.name} 解压后 {total / 1e9:.1f} GB，超过 1 GB：请拆分后上传")
        for i in infos:
            parts = PurePosixPath(i.filename.replace("\\", "/")).parts
            if i.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
                raise UploadRefused(f"{data_path.name} 中的“{i.filename}”指向解压文件夹以外，整个文件不导入")
            if stat.S_ISLNK(i.external_attr >> 16):
                raise UploadRefused(f"{data_path.name} 中的“{i.filename}”是链接，整个文件不导入")
        for i in infos:
            parts = [p for p in PurePosixPath(i.filename.replace("\\", "/")).parts if p not in ("", ".")]
            if not parts or parts[0] == "__MACOSX" or parts[-1].startswith("."):
                continue
            target = dest.joinpath(*parts)
            if i.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(i) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)


def _zip_submissions(root: Path, stem: str) -> list[Path]:
    """The submissions inside an unpacked zip (`jixiao build --input` rules): template files at the top
    are one submission named after the zip; else each folder or workbook is one."""
    from app.cli import expand_inputs

    entries = [p for p in root.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():  # a zip of one folder
        root = entries[0]
    subs = expand_inputs([str(root)])
    if subs == [root.resolve()] and root.name != stem:  # template files at the top: named after the zip
        named = root.parent / stem
        if not named.exists():
            root.rename(named)
            return [named]
    return subs


def stage(files: list[tuple[str, bytes]], warehouse: Path, csv_name: str | None = None) -> Staged:
    """Write an upload — (file name, bytes) pairs — into the store's .incoming/ folder as submissions.

    Raises UploadRefused for a file that is not .xlsx/.xlsm/.csv/.zip, a zip that is not one, holds links
    or paths leaving it, or unpacks to more than 1 GB; nothing is kept then."""
    if not files:
        raise UploadRefused("没有选择文件")
    upload_id = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    folder = store_dir(warehouse) / ".incoming" / upload_id
    folder.mkdir(parents=True)
    try:
        subs: list[Path] = []
        csvs: list[tuple[str, bytes]] = []
        for name, data in files:
            name = safe_name(name)
            suffix = Path(name).suffix.lower()
            if suffix not in UPLOAD_SUFFIXES:
                raise UploadRefused(
                    f"{name}：不支持的文件类型 {suffix or '（无扩展名）'}，只接受 .xlsx、.xlsm、.csv、.zip"
                )
            if suffix == ".csv":
                csvs.append((name, data))
            elif suffix == ".zip":
                z = folder / name
                z.write_bytes(data)
                dest = folder / f"{Path(name).stem}.unzipped"
                dest.mkdir()
                _unzip(z, dest)
                z.unlink()
                subs.extend(_zip_submissions(dest, Path(name).stem))
            else:
                p = folder / name
                if p.exists():
                    raise UploadRefused(f"{name} 上传了两次")
                p.write_bytes(data)
                subs.append(p)
        if csvs:
            sub = folder / safe_name(csv_name or f"上传-{upload_id[:15]}")
            sub.mkdir()
            for name, data in csvs:
                (sub / name).write_bytes(data)
            subs.append(sub)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Staged(upload_id, folder, subs)


def issue_dict(submission_id: str, i) -> dict:
    """One reject or warning as the CLI prints it: 提交, 级别, 文件, 工作表, 行, 列, 原值, 原因."""
    return {
        "提交": submission_id,
        "级别": "错误" if i.severity == "error" else "警告",
        "文件": i.file or "",
        "工作表": i.sheet or "",
        "行": None if i.row is None else int(i.row),
        "列": i.column or "",
        "原值": "" if i.value is None else str(i.value),
        "原因": i.reason,
    }


STATUS_ZH = {"loaded": "已加载", "unchanged": "未变化（已加载过）", "refused": "已拒绝"}


def _keep(staged: Staged, outcomes, warehouse: Path) -> dict[str, str]:
    """Move each staged submission to the store (loaded, unchanged) or .refused/; returns id → where."""
    store = store_dir(warehouse)
    where: dict[str, str] = {}
    for path, o in zip(staged.submissions, outcomes, strict=False):
        if o.status == "refused":
            dest = store / ".refused" / staged.upload_id / path.name
        else:
            dest = store / (o.submission_id + (path.suffix if path.is_file() else ""))
            if dest.exists() and o.status == "loaded":
                old = store / ".history" / staged.upload_id / dest.name
                old.parent.mkdir(parents=True, exist_ok=True)
                dest.rename(old)
            elif dest.exists():  # unchanged: the store already holds these bytes
                where[o.submission_id] = str(dest)
                continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), dest)
        where[o.submission_id] = str(dest)
    shutil.rmtree(staged.folder, ignore_errors=True)
    return where


def load(
    staged: Staged,
    warehouse: Path,
    *,
    actor: str | None = None,
    kind: str = "upload",
    summary: str | None = None,
    on_stage: Callable[[str], None] | None = None,
    on_submission: Callable | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> dict:
    """Load a staged upload through app.pipeline.build (one operation-log entry in the same swap), then keep
    its files in the store. Returns {"run_id", "outcomes": [{submission_id, status, status_zh, rows,
    errors, warnings}], "issues": [issue_dict…], "stored": {id: path}, "swapped"}.
    Raises what build raises (WarehouseError, BuildFailed): the staged files are then moved to .refused/."""
    result, stored = _load(
        staged,
        warehouse,
        actor=actor,
        kind=kind,
        summary=summary,
        on_stage=on_stage,
        on_submission=on_submission,
        on_notice=on_notice,
    )
    return result_dict(result, stored)


def _load(staged, warehouse, *, actor, kind, summary, on_stage, on_submission, on_notice):
    """app.pipeline.build on the staged submissions; returns (BuildResult, stored paths)."""
    from app.pipeline import build

    actor = actor or current_actor()

    def edit(con: duckdb.DuckDBPyConnection, result) -> None:
        n = {s: sum(o.status == s for o in result.outcomes) for s in STATUS_ZH}
        text = summary or (
            "上传 "
            + "、".join(o.submission_id for o in result.outcomes[:5])
            + (f" 等 {len(result.outcomes)} 个提交" if len(result.outcomes) > 5 else "")
            + f"：已加载 {n['loaded']}，未变化 {n['unchanged']}，已拒绝 {n['refused']}"
        )
        oplog.record(
            con,
            actor,
            kind,
            text,
            [
                {"submission_id": o.submission_id, "status": o.status, "rows": sum(o.rows.values())}
                for o in result.outcomes
            ],
            result.run_id,
        )

    try:
        result = build(
            [(p, None) for p in staged.submissions],
            warehouse,
            on_stage=on_stage,
            on_submission=on_submission,
            on_notice=on_notice,
            edit=edit,
        )
    except BaseException:
        refused = store_dir(warehouse) / ".refused" / staged.upload_id
        refused.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged.folder), refused)
        raise
    return result, _keep(staged, result.outcomes, warehouse)


def result_dict(result, stored: dict[str, str]) -> dict:
    """A BuildResult of an upload as JSON-ready data (see `load`)."""
    return {
        "run_id": result.run_id,
        "swapped": result.swapped,
        "outcomes": [
            {
                "submission_id": o.submission_id,
                "status": o.status,
                "status_zh": STATUS_ZH[o.status],
                "rows": sum(o.rows.values()),
                "errors": sum(i.severity == "error" for i in o.issues),
                "warnings": sum(i.severity != "error" for i in o.issues),
            }
            for o in result.outcomes
        ],
        "issues": [issue_dict(o.submission_id, i) for o in result.outcomes for i in o.issues],
        "stored": stored,
    }


def _run_upload(params: dict, actor: str, warehouse: Path, p: jobs.Progress) -> dict:
    staged = Staged(params["upload_id"], Path(params["folder"]), [Path(s) for s in params["submissions"]])
    done: list[str] = []

    def on_submission(o) -> None:
        done.append(o.submission_id)
        p.notice(
            f"已校验 {len(done)} / {len(staged.submissions)} 个提交：{o.submission_id} {STATUS_ZH[o.status]}"
        )

    return load(
        staged, warehouse, actor=actor, on_stage=p.stage, on_submission=on_submission, on_notice=p.notice
    )


jobs.register("upload", _run_upload)
