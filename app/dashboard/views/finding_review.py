"""核对发现处理: acknowledge findings (确认无误 / 已整改 / 待整改, with a note) — the same as `jixiao ack`.

The acknowledgement runs as a background job through the atomic pipeline (copy → write audit.finding_acks
→ checks → swap; app/workflow/acks.py); the page follows its progress and shows the new status once the
swap lands. Acknowledgements are kept in the warehouse by the finding's stable id, across rebuilds.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, ui
from app.dashboard.ack_status import UNACKED, ack_label
from app.dashboard.jobs_ui import job_panel, start_job
from app.workflow.actor import current_actor
from app.workflow.schema import ACK_STATUSES

f = ui.filters()
st.title("核对发现处理")
st.caption(
    "把核对发现标记为 确认无误、已整改 或 待整改，并写明理由；处理人与时间自动记录。记录保存在仓库中（audit.finding_acks），"
    "重新构建后按发现编号保留；“核对发现：error 级是否都已处理”检查以它为准。命令行：jixiao ack 编号 --status … --note …"
)

severity_zh = data.labels("severity")
fd = data.findings(None, list(f.years), f.region)

c1, c2 = st.columns([1.2, 1])
with c1:
    sev = ui.multiselect(
        "严重程度",
        ["error", "warning", "info"],
        default=["error"],
        key="fr_sev",
        format_func=lambda s: severity_zh.get(s, s),
    )
with c2:
    only_open = st.toggle("只看未处理的", value=False, key="fr_open")
sel = fd[fd.severity.isin(sev)] if sev else fd
if only_open:
    sel = sel[sel.ack_status.isna()]

m = st.columns(3)
m[0].metric("核对发现", f"{len(sel)}")
m[1].metric("已处理", f"{int(sel.ack_status.notna().sum())}")
m[2].metric("未处理", f"{int(sel.ack_status.isna().sum())}")

table = pd.DataFrame(
    {
        "编号": sel.finding_id.str.slice(0, 12),
        "严重程度": sel.severity.map(lambda s: severity_zh.get(s, s)),
        "年度": sel.fiscal_year,
        "部门": sel.dept_name.fillna(sel.dept_code),
        "核对对象": sel.item,
        "处理状态": ack_label(sel),
        "处理说明": sel.ack_note,
        "说明": sel.message,
    }
).reset_index(drop=True)
ui.table(
    table,
    "fr_findings",
    file_stem="核对发现处理",
    ints=["年度"],
    wide=["说明", "处理说明"],
    medium=["核对对象", "处理状态"],
    height=420 if len(table) > 12 else "auto",
)

st.subheader("处理")
job_panel(
    "ack",
    lambda r: st.success(
        f"已标记 {len(r.get('acked', []))} 条为“{(r.get('acked') or [{}])[0].get('status', '')}”："
        + "；".join(
            f"{ui.md(a['dept_code'])} {a['fiscal_year']} {ui.md(a['item'])}" for a in r.get("acked", [])
        ),
        icon=":material/check_circle:",
    ),
)
labels = {
    fid: f"{fid[:12]} · {d} {y} · {item} · {st_ if isinstance(st_, str) else UNACKED}"
    for fid, d, y, item, st_ in zip(
        sel.finding_id, sel.dept_code, sel.fiscal_year, sel.item, sel.ack_status, strict=True
    )
}
with st.form("fr_form", clear_on_submit=True):
    chosen = ui.multiselect(
        "核对发现", list(labels), format_func=lambda k: labels[k], key="fr_ids", placeholder="选择一条或多条"
    )
    # bulk selection in Chinese (the multiselect's own "Select all" row is English): every finding listed
    everything = st.checkbox(f"全选上面筛选出的 {len(labels)} 条", key="fr_all")
    status = st.radio("处理状态", ACK_STATUSES, horizontal=True, key="fr_status")
    note = st.text_area("处理说明", key="fr_note", placeholder="为什么确认无误、如何整改或待谁整改")
    st.caption(f"处理人：{current_actor()}")
    submitted = st.form_submit_button("保存处理结果", type="primary")
if submitted:
    if everything:
        chosen = list(labels)
    if not chosen:
        st.error("请选择要处理的核对发现。")
    elif not note.strip():
        st.error("请填写处理说明（为什么确认无误、如何整改或待谁整改）。")
    else:
        start_job("ack", "ack", {"finding_ids": chosen, "status": status, "note": note})
        st.rerun()

with st.expander("处理记录（全部，最新的在前）"):
    hist = data.q(
        """select a.acked_at, a.acked_by, a.status, a.note, a.dept_code, a.fiscal_year, a.item,
                  f.finding_id is not null as still_found, a.finding_id
           from audit.finding_acks a left join marts.fct_reconciliation_findings f on f.finding_id = a.finding_id
           order by a.ack_seq desc"""
    )
    ui.table(
        pd.DataFrame(
            {
                "时间": hist.acked_at.dt.strftime("%Y-%m-%d %H:%M:%S"),
                "处理人": hist.acked_by,
                "处理状态": hist.status,
                "处理说明": hist.note,
                "部门": hist.dept_code,
                "年度": hist.fiscal_year,
                "核对对象": hist.item,
                "发现仍存在": hist.still_found.map({True: "是", False: "否（已随更正的提交消失）"}),
                "编号": hist.finding_id.str.slice(0, 12),
            }
        ),
        "fr_history",
        file_stem="核对发现处理记录",
        ints=["年度"],
        wide=["处理说明"],
    )
