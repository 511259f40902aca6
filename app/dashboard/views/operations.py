"""操作记录: every upload, score entry, finding acknowledgement and report batch — who, when, what
(audit.operations, written in the same atomic swap as the change it records; app/workflow/oplog.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, ui
from app.workflow.schema import OPERATION_KINDS

st.title("操作记录")
st.caption(
    "上传提交、评价人评分、核对发现处理和批量报告，每一次操作一行：谁、什么时候、做了什么。记录保存在仓库中（audit.operations），"
    "与它所记录的修改在同一次原子替换中写入。命令行：jixiao log"
)

ops = data.q(
    """select op_seq, done_at, actor, kind, summary, detail, run_id
       from audit.operations order by op_seq desc"""
)
c1, c2 = st.columns(2)
with c1:
    kinds = ui.multiselect(
        "操作",
        list(OPERATION_KINDS),
        key="op_kinds",
        format_func=lambda k: OPERATION_KINDS[k],
        placeholder="全部",
    )
with c2:
    actors = ui.multiselect(
        "操作人", sorted(ops.actor.unique().tolist()), key="op_actors", placeholder="全部"
    )
sel = ops
if kinds:
    sel = sel[sel.kind.isin(kinds)]
if actors:
    sel = sel[sel.actor.isin(actors)]
if sel.empty:
    ui.no_data("还没有操作记录。" if ops.empty else "所选范围内没有操作记录。")
    st.stop()
ui.table(
    pd.DataFrame(
        {
            "时间": sel.done_at.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "操作人": sel.actor,
            "操作": sel.kind.map(lambda k: OPERATION_KINDS.get(k, k)),
            "内容": sel.summary,
            "构建编号": sel.run_id,
        }
    ),
    "op_table",
    file_stem="操作记录",
    wide=["内容"],
)
