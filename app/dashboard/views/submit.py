"""报送与评价 · 填报模板: the blank fill-in workbook (``ingest.blank_template``) for the departments of the
chosen region, pre-filled from ``marts.dim_department`` — the same file as ``jixiao template``.

The rest of this area (upload, 报送情况, scoring forms, finding acknowledgements) is issue 17's later items.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app.dashboard import data, ui
from ingest.blank_template import Department, write_blank_template

f = ui.filters()
st.title("填报模板")
st.subheader("填报模板")
st.caption(
    "发给部门填写的 Excel 模板：每个模板一个工作表（中文表头、下拉列表、金额格式），“说明”工作表逐列说明填写要求。"
    "填好的整个工作簿就是一个提交（jixiao build --input 文件.xlsx）。"
)

depts = data.departments(f.region)
years = data.years()
next_year = (max(years) + 1) if years else None
c1, c2 = st.columns([2, 1])
with c1:
    prefill = st.toggle(
        f"预填{'所选区划' if f.region else '全部'}部门（{len(depts)} 个）",
        value=not depts.empty,
        key="tpl_prefill",
    )
with c2:
    year_opts = sorted(set(years) | ({next_year} if next_year else set()))
    chosen_years = ui.multiselect(
        "年度下拉列表", year_opts, default=[next_year] if next_year else [], key="tpl_years"
    )

rows = (
    [
        Department(
            r.dept_code, r.dept_name or "", r.region_code or "", r.region_name or "", r.parent_dept_code or ""
        )
        for r in depts.itertuples()
    ]
    if prefill
    else []
)


def _template(rows=tuple(rows), years=tuple(int(y) for y in chosen_years)) -> bytes:
    """The workbook, made only when the button is clicked (deferred data: no /media file exists before)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_blank_template(Path(tmp) / "填报模板.xlsx", list(rows), list(years)).read_bytes()


name = f"填报模板{'_' + f.region if f.region else ''}{'_' + '_'.join(str(y) for y in chosen_years) if chosen_years else ''}.xlsx"
st.download_button(
    "下载填报模板（.xlsx）",
    _template,
    file_name=name,
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="tpl_download",
    on_click="ignore",
    use_container_width=True,
)
st.caption(f"已预填 {len(rows)} 个部门" if rows else "未预填部门（部门编码列不提供下拉列表）")
