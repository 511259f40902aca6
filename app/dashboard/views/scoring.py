"""评价人评分: score the manual indicators of a department-year under the chosen framework (score capped at
the weight, evidence required) — the same as `jixiao score` (app/workflow/scores.py). The scores are saved
as a qualitative_scores submission and loaded through the atomic pipeline in a background job; the total
shown here changes once the swap lands."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from app import numbers as N
from app.dashboard import data, ui
from app.dashboard.jobs_ui import job_panel, start_job
from app.workflow.actor import current_actor

f = ui.filters()
st.title("评价人评分")
st.caption(
    "为人工评分指标打分（不超过分值）并写明评分依据，评分人自动记录为当前用户。保存后评分作为 qualitative_scores 提交"
    "（评价人评分-部门-年度-体系）导入并重新计算，与其他提交一样可追溯。命令行：jixiao score 部门 年度 体系 指标=得分 -e 指标=依据"
)

depts = data.departments(f.region)
if depts.empty:
    ui.no_data(f"{ui.md(f.region_name)} 没有部门。")
    st.stop()
names = dict(zip(depts.dept_code, depts.dept_name, strict=True))
c1, c2 = st.columns([3, 1])
ui.keep("sc_dept", depts.dept_code.iloc[0], lambda v: v in names)
with c1:
    dept = st.selectbox("部门", list(names), key="sc_dept", format_func=lambda c: f"{names[c]}（{c}）")
dyears = data.department_years(dept, f.framework)
if not dyears:
    st.warning(f"{ui.md(names[dept])} 没有 {ui.md(f.framework_name)} 的评分结果。")
    st.stop()
ui.keep("sc_year", dyears[-1], lambda v: v in dyears)
with c2:
    year = st.selectbox("年度", dyears, key="sc_year")

total = data.q(
    """select total_score, max_score, grade from marts.fct_department_scores
       where dept_code = ? and fiscal_year = ? and framework_code = ?""",
    (dept, year, f.framework),
)
manual = data.q(
    """select indicator_code, indicator_name, weight, rule_text, person_score, scorer, evidence
       from marts.fct_indicator_scores
       where dept_code = ? and fiscal_year = ? and framework_code = ? and project_code is null and rule_type = 'manual'
       order by sort_order, indicator_code""",
    (dept, year, f.framework),
)
m = st.columns(3)
if not total.empty:
    m[0].metric("总分", N.score(total.total_score.iloc[0]))
    m[1].metric("等级", total.grade.iloc[0] or "—")
m[2].metric("人工评分指标", f"{len(manual)}")

job_panel(
    "score",
    lambda r: (
        st.error("评分提交被拒绝：" + "；".join(ui.md(i["原因"]) for i in r.get("issues", [])))
        if any(o["status"] == "refused" for o in r.get("outcomes", []))
        else st.success(
            "已保存："
            + "；".join(f"{c} {n} {N.score(Decimal(s))} 分" for c, n, s, _ in r.get("entered", []))
            + "。总分已重新计算。",
            icon=":material/check_circle:",
        )
    ),
)

if manual.empty:
    st.info(f"{ui.md(f.framework_name)} 没有人工评分指标。")
    st.stop()

st.subheader(f"{ui.md(names[dept])} · {year} 年 · {ui.md(f.framework_name)}")
with st.form(f"sc_form_{dept}_{year}_{f.framework}"):
    entries = {}
    for r in manual.itertuples():
        weight = float(r.weight)
        cur = None if pd.isna(r.person_score) else float(r.person_score)
        a, b = st.columns([1, 2])
        with a:
            val = st.number_input(
                f"{r.indicator_code} {r.indicator_name}（分值 {N.score(r.weight)}）",
                min_value=0.0,
                max_value=weight,
                value=cur,
                step=0.5,
                format="%.2f",
                key=f"sc_{dept}_{year}_{f.framework}_{r.indicator_code}_score",
                help=r.rule_text or None,
                placeholder="未评分",
            )
        with b:
            ev = st.text_input(
                "评分依据",
                value=r.evidence if isinstance(r.evidence, str) else "",
                key=f"sc_{dept}_{year}_{f.framework}_{r.indicator_code}_evidence",
                max_chars=2000,
            )
        st.caption(
            f"当前：{N.score(r.person_score)} 分 · 评分人 {r.scorer if isinstance(r.scorer, str) else '—'}"
        )
        entries[r.indicator_code] = (val, ev, cur, r.evidence if isinstance(r.evidence, str) else "")
    st.caption(f"评分人：{current_actor()}")
    submitted = st.form_submit_button("保存评分", type="primary")
if submitted:
    changed = {
        code: (round(val, 2), ev)
        for code, (val, ev, cur, old_ev) in entries.items()
        if val is not None and (cur is None or round(val, 2) != round(cur, 2) or ev.strip() != old_ev.strip())
    }
    missing = [code for code, (_, ev) in changed.items() if not ev.strip()]
    if not changed:
        st.info("没有修改的评分。")
    elif missing:
        st.error(f"请填写评分依据：{'、'.join(missing)}")
    else:
        start_job(
            "score",
            "score",
            {
                "dept": dept,
                "year": int(year),
                "framework": f.framework,
                "entered": {c: [str(s), e] for c, (s, e) in changed.items()},
            },
        )
        st.rerun()
