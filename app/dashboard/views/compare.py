"""对比: two or more departments side by side under the chosen framework and year — total and grade, level-1
and indicator scores, the rate indicators with each department's region median (marts.fct_department_scores,
fct_level1_scores, fct_indicator_scores, fct_indicator_values, fct_region_year_indicator_values)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, ui

f = ui.filters()
st.title("对比")
st.caption(
    "选两个或更多部门并排比较得分与关键比率；比率另列各部门所在区划的中位数（区划内各部门该比率的中位数）。"
)

ui.keep("cmp_year", f.year, lambda v: v in f.all_years)
year = st.selectbox("年度", list(f.all_years), key="cmp_year")
scored = data.q(
    """select s.dept_code, d.dept_name, d.region_code, d.region_name, s.total_score, s.max_score, s.grade,
              s.grade_is_partial, s.not_assessable_weight
       from marts.fct_department_scores s join marts.dim_department d using (dept_code)
       where s.fiscal_year = ? and s.framework_code = ? and (? is null or d.region_code = ?)
       order by d.region_code, s.dept_code""",
    (year, f.framework, f.region, f.region),
)
if len(scored) < 2:
    ui.no_data(f"{ui.md(f.region_name)} {year} 年在 {ui.md(f.framework_name)} 下不足两个有评分结果的部门。")
    st.stop()
names = dict(zip(scored.dept_code, scored.dept_name, strict=True))
ui.keep("cmp_depts", list(scored.dept_code[:2]), lambda v: isinstance(v, list) and all(d in names for d in v))
chosen = ui.multiselect(
    "部门",
    list(names),
    key="cmp_depts",
    format_func=lambda c: f"{names[c]}（{c}）",
    placeholder="选两个或更多部门",
)
if len(chosen) < 2:
    st.info("请至少选择两个部门。")
    st.stop()
cols = [names[d] for d in chosen]
ph = ", ".join("?" for _ in chosen)

st.subheader("总分与等级")
head = scored.set_index("dept_code").loc[chosen]
ui.table(
    pd.DataFrame(
        {
            "部门": head.dept_name.values,
            "区划": head.region_name.values,
            "总分": head.total_score.values,
            "满分": head.max_score.values,
            "等级": head.grade.values,
            "等级仅基于部分指标": head.grade_is_partial.map({True: "是", False: "否"}).values,
            "不可评价分值": head.not_assessable_weight.values,
        }
    ),
    "cmp_total",
    file_stem=f"对比_总分_{year}",
    score=["总分", "满分", "不可评价分值"],
)

st.subheader("一级指标得分")
l1 = data.q(
    f"""select dept_code, level1_code || ' ' || level_name as 指标, sort_order, weight, score
        from marts.fct_level1_scores
        where framework_code = ? and fiscal_year = ? and coalesce(project_code, '') = '' and dept_code in ({ph})""",
    (f.framework, year, *chosen),
)
if not l1.empty:
    wide = l1.pivot_table(
        index=["sort_order", "指标", "weight"], columns="dept_code", values="score", aggfunc="first"
    )
    wide = (
        wide.reindex(columns=chosen)
        .rename(columns=names)
        .rename_axis(columns=None)
        .reset_index()
        .drop(columns="sort_order")
    )
    ui.table(
        wide.rename(columns={"weight": "分值"}),
        "cmp_level1",
        file_stem=f"对比_一级指标_{year}",
        score=["分值", *cols],
    )

st.subheader("三级指标得分")
ind = data.q(
    f"""select dept_code, indicator_code || ' ' || indicator_name as 指标, sort_order, weight, score
        from marts.fct_indicator_scores
        where framework_code = ? and fiscal_year = ? and project_code is null and dept_code in ({ph})""",
    (f.framework, year, *chosen),
)
if not ind.empty:
    wide = ind.pivot_table(
        index=["sort_order", "指标", "weight"], columns="dept_code", values="score", aggfunc="first"
    )
    wide = (
        wide.reindex(columns=chosen)
        .rename(columns=names)
        .rename_axis(columns=None)
        .reset_index()
        .drop(columns="sort_order")
    )
    ui.table(
        wide.rename(columns={"weight": "分值"}),
        "cmp_indicators",
        file_stem=f"对比_三级指标_{year}",
        score=["分值", *cols],
        height=420 if len(wide) > 12 else "auto",
    )

st.subheader("关键比率与区划中位数")
rates = data.q(
    f"""select v.dept_code, v.indicator_code, v.indicator_code || ' ' || v.indicator_name as 指标, v.sort_order, v.value
        from marts.fct_indicator_values v
        where v.framework_code = ? and v.fiscal_year = ? and v.project_code is null and v.part_code is null
          and v.unit = '%' and v.dept_code in ({ph})""",
    (f.framework, year, *chosen),
)
regions = head.drop_duplicates("region_code")[["region_code", "region_name"]]
medians = data.q(
    f"""select region_code, indicator_code, median_value from marts.fct_region_year_indicator_values
        where framework_code = ? and fiscal_year = ? and not all_regions
          and region_code in ({", ".join("?" for _ in regions.region_code)})""",
    (f.framework, year, *regions.region_code),
)
if rates.empty:
    st.caption("所选部门没有比率类指标。")
else:
    wide = rates.pivot_table(
        index=["sort_order", "indicator_code", "指标"], columns="dept_code", values="value", aggfunc="first"
    )
    wide = wide.reindex(columns=chosen).rename(columns=names).rename_axis(columns=None).reset_index()
    med_cols = []
    for r in regions.itertuples():
        col = f"{r.region_name}中位数"
        m = medians[medians.region_code == r.region_code].set_index("indicator_code").median_value
        wide[col] = wide.indicator_code.map(m)
        med_cols.append(col)
    wide = wide.drop(columns=["sort_order", "indicator_code"])
    ui.table(wide, "cmp_rates", file_stem=f"对比_比率_{year}", pct=[*cols, *med_cols])
