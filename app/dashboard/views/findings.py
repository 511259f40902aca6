"""核对发现: reconciliation findings, filterable by severity, check and department, each row linking to the
department page; the latest Great Expectations checkpoint and its Data Docs."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from app.dashboard import data, fmt, scoring_table, ui
from app.dashboard.ack_status import ack_label

f = ui.filters()
st.title("核对发现")
st.caption(f.caption() + " · 台账类检查与评价体系无关，始终显示；报告得分类检查只显示所选评价体系的。")

fd = data.findings(f.framework, list(f.years), f.region)
severity_zh = data.labels("severity")
category_zh = data.labels("check_category")

# ---------------------------------------------------------------------------- filters

sev_opts = [s for s in ("error", "warning", "info") if s in set(fd.severity)] or ["error", "warning", "info"]
check_names = dict(zip(fd.check_code, fd.check_name.fillna(fd.check_code))) if not fd.empty else {}
check_opts = sorted(check_names)
dept_opts = [ui.ALL] + sorted(fd.dept_code.unique().tolist()) if not fd.empty else [ui.ALL]
dnames = dict(zip(fd.dept_code, fd.dept_name)) if not fd.empty else {}

ui.keep("fi_sev", sev_opts, lambda v: isinstance(v, list) and all(s in sev_opts for s in v))
ui.keep("fi_checks", [], lambda v: isinstance(v, list) and all(c in check_opts for c in v))
ui.keep("fi_dept", ui.ALL, lambda v: v in dept_opts)
c1, c2, c3 = st.columns([1.2, 2, 1.6])
with c1:
    sev = ui.multiselect(
        "严重程度", sev_opts, key="fi_sev", format_func=lambda s: severity_zh.get(s, s), placeholder="全部"
    )
with c2:
    checks = ui.multiselect(
        "检查",
        check_opts,
        key="fi_checks",
        format_func=lambda c: check_names.get(c) or c,
        placeholder="全部检查",
    )
with c3:
    dept = st.selectbox(
        "部门",
        dept_opts,
        key="fi_dept",
        format_func=lambda c: "全部部门" if c == ui.ALL else f"{dnames.get(c, c)}（{c}）",
    )
for k in ("fi_sev", "fi_checks", "fi_dept"):
    ui.remember(k)

sel = fd
if sev:
    sel = sel[sel.severity.isin(sev)]
if checks:
    sel = sel[sel.check_code.isin(checks)]
if dept != ui.ALL:
    sel = sel[sel.dept_code == dept]

# ---------------------------------------------------------------------------- summary

m = st.columns(4)
m[0].metric("核对发现", f"{len(sel)}")
for i, s in enumerate(("error", "warning", "info")):
    m[1 + i].metric(severity_zh[s], f"{int((sel.severity == s).sum())}")

if sel.empty:
    st.success(
        "所选范围内没有核对发现。" if not fd.empty else "仓库中没有核对发现。", icon=":material/check_circle:"
    )
else:
    pnames = data.project_names()  # a project's name, never its raw code
    by = (
        sel.assign(检查=sel.check_name.fillna(sel.check_code), 严重程度=sel.severity.map(severity_zh))
        .groupby(["检查", "严重程度"])
        .size()
        .reset_index(name="条数")
    )
    chart = (
        alt.Chart(by)
        .mark_bar()
        .encode(
            y=alt.Y("检查:N", sort="-x", title=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
            x=alt.X("条数:Q", stack="zero", axis=ui.axis("count", "条数")),
            color=alt.Color(
                "严重程度:N",
                scale=alt.Scale(domain=list(fmt.SEVERITY_COLORS), range=list(fmt.SEVERITY_COLORS.values())),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["检查", "严重程度", "条数"],
        )
        # a fixed step per check, not a total height: the legend and the axis take ~120 px of a total,
        # and with one region's few checks the bars were squeezed into one line
        .properties(height=alt.Step(30))
    )
    st.altair_chart(chart, width="stretch")

    st.subheader("发现列表")
    table = pd.DataFrame(
        {
            "严重程度": sel.severity.map(lambda s: severity_zh.get(s, s)),
            "年度": sel.fiscal_year,
            "部门": sel.dept_name.fillna(sel.dept_code),
            "检查": sel.check_name.fillna(sel.check_code),
            "类别": sel.check_category.map(lambda c: category_zh.get(c, c)),
            "核对对象": scoring_table.finding_items(sel, pnames),
            "应为": sel.expected,
            "实为": sel.actual,
            "差额": sel.difference,
            "单位": sel.unit.fillna(""),
            "说明": sel.message,
            "来源文件": sel.source_file,
            "行号": sel.source_row,
            "处理状态": ack_label(sel, with_note=True),
            "详情": [
                ui.department_link(d, y, f.framework, tab="findings")
                for d, y in zip(sel.dept_code, sel.fiscal_year)
            ],
            "dept_code": sel.dept_code,
            "fiscal_year": sel.fiscal_year,
        }
    ).reset_index(drop=True)
    event = ui.table(
        table.drop(columns=["dept_code", "fiscal_year"]),
        "findings",
        file_stem="核对发现",
        localized=["应为", "实为", "差额"],
        ints=["年度", "行号"],
        wide=["说明"],
        medium=["核对对象", "检查"],
        links={"详情": "打开部门"},
        selectable=True,
        height=460 if len(table) > 14 else "auto",
        export_exclude=["详情"],
        xlsx_title=f"核对发现（{f.region_name}，{'、'.join(map(str, f.years))} 年）",
    )
    ui.drill_down_button(table, event, f.framework, "findings", tab="findings")

with st.expander("检查目录（每种检查做什么、如何判定严重程度）"):
    cat = data.checks_catalogue()
    if not cat.empty:
        ui.table(
            cat.rename(
                columns={
                    "check_code": "编码",
                    "check_name": "检查",
                    "category": "类别",
                    "severity_rule": "严重程度规则",
                    "description": "说明",
                }
            ),
            "checks_catalogue",
            file_stem="检查目录",
            wide=["说明", "严重程度规则"],
        )

# ---------------------------------------------------------------------------- Great Expectations

# where Data Docs are, said without the server's file system path (README 安全)
DOCS_WHERE = (
    "Data Docs 在服务器上仓库文件夹的 data_docs/index.html。可下载 zip 后离线打开 index.html，或在下面预览。"
)
DOCS_MISSING = "没有找到 Data Docs（应在服务器上仓库文件夹的 data_docs/index.html；运行 jixiao check 生成）。"
DOCS_RESTRICTED = "Data Docs 涵盖全部地区的数据，地区用户不可查看。"

st.subheader("数据质量检查（Great Expectations）")
runs = data.check_runs()
docs_index = data.data_docs_index()
if runs.empty:
    st.info(
        "仓库中还没有数据质量检查记录：上次构建跳过了检查。重新运行 `jixiao build`（不跳过检查）后会生成。",
        icon=":material/info:",
    )
else:
    latest_id = runs.iloc[0]["run_id"]
    latest = runs[runs.run_id == latest_id]
    when = pd.Timestamp(latest["run_at"].iloc[0]).strftime("%Y-%m-%d %H:%M:%S")
    st.caption(
        f"最近一次检查：{when}（运行编号 {latest_id}）。完整性检查组失败时构建不会上线；核对发现组只报告，不影响构建。"
    )
    k = st.columns(4)
    for i, (kind, label) in enumerate((("integrity", "完整性检查组"), ("findings", "核对发现检查组"))):
        part = latest[latest.suite_kind == kind]
        if not part.empty:
            k[i].metric(label, f"{int(part.success.sum())}/{len(part)} 通过")
    k[2].metric("检查项", f"{int(latest.evaluated.sum())}")
    k[3].metric("未通过项", f"{int(latest.unsuccessful.sum())}")
    cols = {
        "suite_title": "检查组",
        "suite": "编码",
        "suite_kind": "类型",
        "success": "通过",
        "evaluated": "检查项",
        "successful": "通过项",
        "unsuccessful": "未通过项",
        "problem": "问题",
    }
    lt = latest[list(cols)].rename(columns=cols)
    lt["问题"] = lt["问题"].fillna("")
    lt["类型"] = (
        lt["类型"]
        .map({"integrity": "完整性（失败则不上线）", "findings": "核对发现（仅报告）"})
        .fillna(lt["类型"])
    )
    lt["通过"] = lt["通过"].map({True: "✔ 通过", False: "✘ 未通过"})
    ui.table(
        lt, "gx_runs", file_stem=f"检查结果_{latest_id}", ints=["检查项", "通过项", "未通过项"], wide=["问题"]
    )
    res = data.check_results(latest_id)
    if not res.empty:
        failed = res[~res.success.fillna(False)]
        if not failed.empty:
            st.markdown(f"**未通过的检查项（{len(failed)}）**")
            fcols = {
                "suite": "检查组",
                "description": "规则",
                "expectation": "检查类型",
                "column_name": "列",
                "observed": "观察值",
                "details": "明细",
            }
            ui.table(
                failed[list(fcols)].rename(columns=fcols),
                "gx_failed",
                file_stem=f"未通过检查项_{latest_id}",
                wide=["规则", "明细"],
            )

st.markdown("##### Data Docs")
if data.restricted():
    st.caption(DOCS_RESTRICTED)
elif docs_index is None:
    st.caption(DOCS_MISSING)
else:
    st.caption(DOCS_WHERE)

    def _zip_docs(folder: Path = docs_index.parent) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    z.write(p, Path("data_docs") / p.relative_to(folder))
        return buf.getvalue()

    st.download_button(
        "下载 Data Docs（zip，离线打开 index.html）",
        data=_zip_docs,
        file_name="data_docs.zip",
        mime="application/zip",
        key="gx_zip",
        on_click="ignore",
        icon=":material/folder_zip:",
    )
    with st.expander("在看板中预览 Data Docs"):
        pages = {"首页（index.html）": docs_index}
        if not runs.empty:
            for _, r in latest.iterrows():
                if r.get("docs_page"):
                    p = docs_index.parent / str(r["docs_page"])
                    if p.exists():
                        pages[f"{r.get('suite_title') or r['suite']}"] = p
        which = st.selectbox("页面", list(pages), key="gx_page")
        components.html(
            pages[which].read_text(encoding="utf-8", errors="replace"), height=640, scrolling=True
        )
