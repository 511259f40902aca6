"""报送情况: per region and year, which departments have submitted which templates (marts.fct_submission_coverage),
which are missing, and which submissions were refused and why (audit.ingest_rejects); exportable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, ui

REFUSED_RESTRICTED = "被拒绝的提交无法确定所属区划，只对管理员和分析员显示。"

f = ui.filters()
st.title("报送情况")
st.caption(
    "每个部门每个年度报送了哪些模板（✓ 后为提交名称）、缺哪些；必需模板为 部门信息 和 预算指标执行台账。"
    "应报年度：部门所在区划有数据、且不早于该部门第一次报送的年度。被拒绝的提交没有导入任何数据，原因逐条列在下方。"
)

years = data.q(
    "select distinct fiscal_year from marts.fct_submission_coverage order by 1"
).fiscal_year.tolist()
if not years:
    ui.no_data("仓库中还没有提交。")
    st.stop()
ui.keep("ss_year", max([y for y in years if y in f.years], default=years[-1]), lambda v: v in years)
year = st.selectbox("年度", years, key="ss_year")
ui.remember("ss_year")

cov = data.q(
    """select c.*, l.label as status_label
       from marts.fct_submission_coverage c
       left join marts.dim_label l on l.kind = 'submission_status' and l.code = c.dept_year_status
       where c.fiscal_year = ? and (? is null or c.region_code = ?)
       order by c.region_code, c.dept_code, c.template_order""",
    (year, f.region, f.region),
)
if cov.empty:
    ui.no_data(f"{ui.md(f.region_name)} {year} 年没有应报的部门。")
    st.stop()

per_dept = cov.drop_duplicates(["dept_code"])[["dept_code", "dept_year_status"]]
m = st.columns(4)
m[0].metric("应报部门", f"{len(per_dept)}")
for i, (code, label) in enumerate(
    data.q(
        "select code, label from marts.dim_label where kind = 'submission_status' order by sort_order"
    ).itertuples(index=False),
    1,
):
    m[i].metric(label, f"{int((per_dept.dept_year_status == code).sum())}")

labels = cov.drop_duplicates("template_name").sort_values("template_order")
cell = cov.assign(
    cell=[
        f"✓ {sid}" if ok else ("缺（必需）" if req else "—")
        for ok, sid, req in zip(cov.submitted, cov.submission_id, cov.required, strict=True)
    ]
)
matrix = (
    cell.pivot(
        index=["region_name", "dept_code", "dept_name", "status_label"],
        columns="template_label",
        values="cell",
    )
    .reindex(columns=labels.template_label.tolist())
    .rename_axis(columns=None)
    .reset_index()
    .rename(
        columns={
            "region_name": "区划",
            "dept_code": "部门编码",
            "dept_name": "部门",
            "status_label": "报送状态",
        }
    )
)
st.subheader(f"{ui.md(f.region_name)} · {year} 年")
ui.table(
    matrix,
    "ss_matrix",
    file_stem=f"报送情况_{f.region_name}_{year}",
    medium=["部门"],
    xlsx_title=f"报送情况（{f.region_name}，{year} 年）",
)

st.subheader("被拒绝的提交")
if (
    data.restricted()
):  # refused submissions have no region (audit.ingest_rejects is withheld from her extract)
    st.caption(REFUSED_RESTRICTED)
    st.stop()
refused = data.q(
    """with r as (
           select submission_id, run_id, max(recorded_at) as refused_at,
                  count(*) filter (where severity = 'error') as errors,
                  string_agg(distinct reason, '；' order by reason) filter (where severity = 'error') as reasons
           from audit.ingest_rejects group by submission_id, run_id
       )
       select r.refused_at, r.submission_id, r.errors, r.reasons,
              s.loaded_at is not null and s.loaded_at > r.refused_at as loaded_later
       from r left join audit.submissions s using (submission_id)
       where r.errors > 0
       order by r.refused_at desc, r.submission_id"""
)
if refused.empty:
    st.success("没有被拒绝的提交。", icon=":material/check_circle:")
else:
    st.caption(
        "被拒绝的提交无法确定所属区划和年度，全部列出；逐行的原因见“上传提交”页或 audit.ingest_rejects。"
    )
    ui.table(
        pd.DataFrame(
            {
                "拒绝时间": refused.refused_at.dt.strftime("%Y-%m-%d %H:%M:%S"),
                "提交": refused.submission_id,
                "错误数": refused.errors,
                "原因": refused.reasons,
                "之后是否已导入更正版": refused.loaded_later.map({True: "是", False: "否"}),
            }
        ),
        "ss_refused",
        file_stem="被拒绝的提交",
        ints=["错误数"],
        wide=["原因"],
    )
