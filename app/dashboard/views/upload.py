"""上传提交: drop departments' files (.xlsx / .csv / .zip), validate and load them in a background job —
the same as `jixiao submit` (app/workflow/submissions.py): the atomic pipeline of `jixiao build`, the rejects
as the command line prints them (提交, 级别, 文件, 工作表, 行, 列, 原值, 原因), downloadable as XLSX."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, ui
from app.dashboard.jobs_ui import job_panel, require_write, start_job
from app.workflow import submissions as S
from app.workflow.actor import current_actor

st.title("上传提交")
st.caption(
    "每个 .xlsx 工作簿是一个提交；同时上传的 .csv 文件（文件名为模板名，如 budget_ledger.csv 或 预算指标执行台账.csv）"
    "合为一个提交；.zip 中可以是一个或多个提交。提交中任何一行有错误，整个提交都不导入，错误逐条列出。"
    "导入后仓库在副本上重新构建、原子地替换，各页面随即显示新数据；两个上传同时进行时依次排队。"
)


def _result(r: dict) -> None:
    outs = pd.DataFrame(r.get("outcomes") or [])
    if outs.empty:
        st.info("没有提交。")
        return
    loaded = int((outs.status == "loaded").sum())
    refused = int((outs.status == "refused").sum())
    if refused:
        st.error(
            f"{refused} 个提交被拒绝，未导入任何数据："
            + "、".join(map(ui.md, outs.submission_id[outs.status == "refused"])),
            icon=":material/block:",
        )
    if loaded:
        st.success(
            f"已导入 {loaded} 个提交，仓库已更新："
            + "、".join(map(ui.md, outs.submission_id[outs.status == "loaded"])),
            icon=":material/check_circle:",
        )
    if not refused and not loaded:
        st.info("提交与已导入的版本相同，仓库没有变化。")
    ui.table(
        pd.DataFrame(
            {
                "提交": outs.submission_id,
                "状态": outs.status_zh,
                "行数": outs.rows,
                "错误": outs.errors,
                "警告": outs.warnings,
            }
        ),
        "up_outcomes",
        file_stem="上传结果",
        ints=["行数", "错误", "警告"],
    )
    issues = pd.DataFrame(r.get("issues") or [])
    if not issues.empty:
        st.subheader(f"被拒绝的行与警告（共 {len(issues)} 条）")
        ui.table(
            issues,
            "up_rejects",
            file_stem="被拒绝的行",
            ints=["行"],
            wide=["原因"],
            xlsx_title="上传提交：被拒绝的行与警告",
        )


job_panel("upload", _result)

# a new key after each upload empties the picker, so the same files are not sent twice by mistake
n_up = st.session_state.get("_up_round", 0)
files = st.file_uploader(
    "选择文件", type=["xlsx", "xlsm", "csv", "zip"], accept_multiple_files=True, key=f"up_files_{n_up}"
)
csv_name = st.text_input(
    "CSV 提交的名称", key="up_name", placeholder="默认 上传-<时间>；同名再次上传即为更正版", max_chars=80
)
st.caption(f"上传人：{current_actor()} · 文件保存在仓库旁的 submissions/ 文件夹")
if st.button("校验并导入", type="primary", disabled=not files, key="up_go"):
    require_write()  # before a file is written beside the warehouse (start_job checks again)
    try:
        staged = S.stage([(f.name, f.getvalue()) for f in files], data.warehouse_path(), csv_name or None)
    except S.UploadRefused as e:
        st.error(f"未导入：{ui.md(e.message)}")
    else:
        st.session_state["_up_round"] = n_up + 1
        start_job(
            "upload",
            "upload",
            {
                "upload_id": staged.upload_id,
                "folder": str(staged.folder),
                "submissions": [str(p) for p in staged.submissions],
            },
        )
        st.rerun()
