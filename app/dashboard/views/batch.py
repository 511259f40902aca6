"""批量报告: all evaluation reports of a region-year under the chosen framework, in the chosen formats, as one
ZIP with a summary workbook — built in a background job (app/workflow/batch.py, `jixiao report-batch`)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app.dashboard import data, ui
from app.dashboard.jobs_ui import job_panel, start_job
from app.workflow.batch import FORMATS

f = ui.filters()
st.title("批量报告")
st.caption(
    "为一个区划、一个年度的全部部门生成评价报告（所选格式），连同汇总表（总分、等级、等级是否仅基于部分指标、"
    "核对发现数）打包为一个 ZIP。命令行：jixiao report-batch --region 区划 --year 年度 --format docx"
)
regions = data.regions()
names = dict(zip(regions.region_code, regions.region_name, strict=True))
if not names:
    ui.no_data("仓库中没有区划。")
    st.stop()
c1, c2, c3 = st.columns([2, 1, 2])
with c1:
    ui.keep("bt_region", f.region or regions.region_code.iloc[0], lambda v: v in names)
    region = st.selectbox("区划", list(names), key="bt_region", format_func=lambda c: f"{names[c]}（{c}）")
with c2:
    ui.keep("bt_year", f.year, lambda v: v in f.all_years)
    year = st.selectbox("年度", list(f.all_years), key="bt_year")
with c3:
    formats = ui.multiselect(
        "格式",
        FORMATS,
        default=["docx"],
        key="bt_formats",
        format_func=lambda x: {"docx": "Word", "pdf": "PDF", "md": "Markdown", "html": "HTML"}[x],
    )

summary = data.q(
    """select s.dept_code, d.dept_name, s.total_score, s.grade, s.grade_is_partial
       from marts.fct_department_scores s join marts.dim_department d using (dept_code)
       where d.region_code = ? and s.fiscal_year = ? and s.framework_code = ?
       order by s.total_score desc nulls last, s.dept_code""",
    (region, year, f.framework),
)
st.caption(f"{ui.md(names[region])} · {year} 年 · {ui.md(f.framework_name)}：{len(summary)} 个部门")


def _result(r: dict) -> None:
    z = Path(r.get("zip", ""))
    if not z.is_file():
        st.error("ZIP 文件已不存在，请重新生成。")
        return
    st.success(
        f"已生成 {r['departments']} 个部门 × {'、'.join(r['formats'])}，共 {r['reports']} 份报告，另有汇总表。",
        icon=":material/check_circle:",
    )
    st.download_button(
        "下载 ZIP",
        data=z.read_bytes,  # read when clicked (deferred): no /media file exists before the click
        file_name=z.name,
        mime="application/zip",
        key="bt_download",
        on_click="ignore",
        icon=":material/folder_zip:",
        type="primary",
    )


job_panel("batch", _result)
if st.button("生成报告", type="primary", disabled=summary.empty or not formats, key="bt_go"):
    start_job(
        "batch",
        "report_batch",
        {
            "region": region,
            "year": int(year),
            "framework": f.framework,
            "formats": formats,
            "file_name": ui.safe_file_stem(f"评价报告_{names[region]}_{year}_{f.framework}") + ".zip",
        },
    )
    st.rerun()
if summary.empty:
    ui.no_data(f"{ui.md(names[region])} {year} 年在 {ui.md(f.framework_name)} 下没有评分结果。")
