"""总览: the league table of one year (score, grade, change from last year, findings), grade distribution, top movers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.dashboard import data, fmt, ui

f = ui.filters()
st.title("总览")
st.caption(f.caption())

ui.keep("ov_year", f.year, lambda v: v in f.years)
year = (
    st.segmented_control(
        "评价年度", list(f.years), key="ov_year", help="排名表所用的年度（侧栏所选年度之一）。"
    )
    or f.year
)
ui.remember("ov_year")

scores = data.department_scores(f.framework, f.region, [year])
if scores.empty:
    ui.no_data(f"{year} 年在 {ui.md(f.region_name)} 没有 {ui.md(f.framework_name)} 的评分结果。")
    st.stop()

sc = f.score_col
df = scores.copy()
df["score"] = df[sc]
df["prev"] = df["prev_normalized"] if sc == "normalized_score" else df["prev_score"]
df["change"] = df["normalized_score_change"] if sc == "normalized_score" else df["total_score_change"]
if f.is_letter:
    df = df.sort_values(["grade", "dept_code"], na_position="last")
else:
    df = df.sort_values(["score", "dept_code"], ascending=[False, True], na_position="last")
df["rank"] = range(1, len(df) + 1)

# ---------------------------------------------------------------------------- headline numbers

stats = data.region_year_scores(f.framework, f.region, [year]).iloc[0]  # marts.fct_region_year_scores
grade_rows = data.region_year_grades(f.framework, f.region, [year])  # marts.fct_region_year_grades
stat = sc.removesuffix("_score")  # total / normalized
m = st.columns(6)
m[0].metric("参评部门", f"{int(stats['departments'])}")
if not f.is_letter:
    change = stats[f"mean_{stat}_score_change"]
    m[1].metric(
        "平均得分",
        fmt.score(stats[f"mean_{stat}_score"]),
        delta=None if pd.isna(change) else f"{float(change):+.2f} 较上年",
    )
framework_grades = grade_rows[
    grade_rows.sort_order < 999
]  # the framework's own grades (project_self: 优/良/中/差)
for i, (g, n) in enumerate(zip(framework_grades.grade[:4], framework_grades.departments[:4])):
    m[2 + i].metric(g, f"{int(n)}", help=f"等级为“{g}”的部门数")

# ---------------------------------------------------------------------------- grade distribution and scores

c1, c2 = st.columns(2)
with c1:
    st.subheader("等级分布")
    gd = grade_rows[grade_rows.departments > 0].rename(columns={"grade": "等级", "departments": "部门数"})[
        ["等级", "部门数"]
    ]
    order = gd["等级"].tolist()
    chart = (
        alt.Chart(gd)
        .mark_bar()
        .encode(
            x=alt.X("等级:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("部门数:Q", title="部门数"),
            color=alt.Color(
                "等级:N",
                sort=order,
                scale=alt.Scale(domain=order, range=[fmt.GRADE_COLORS.get(g, "#9e9e9e") for g in order]),
                legend=None,
            ),
            tooltip=["等级", "部门数"],
        )
        .properties(height=260)
    )
    st.altair_chart(
        chart + chart.mark_text(dy=-8).encode(text="部门数:Q", color=alt.value("#333")), width="stretch"
    )
with c2:
    if not f.is_letter:
        st.subheader("得分分布")
        hist = (
            alt.Chart(df[["score"]].dropna().rename(columns={"score": "得分"}))
            .mark_bar(color="#5c6bc0")
            .encode(
                x=alt.X("得分:Q", bin=alt.Bin(maxbins=30), title="得分"), y=alt.Y("count():Q", title="部门数")
            )
            .properties(height=260)
        )
        rules = data.grades(f.framework).dropna(subset=["min_score"])
        lo, hi = df["score"].min(), df["score"].max()
        rules = rules[(rules.min_score >= lo - 5) & (rules.min_score <= hi + 5)]
        if not rules.empty:
            lines = (
                alt.Chart(rules.rename(columns={"min_score": "下限", "grade": "等级"}))
                .mark_rule(strokeDash=[4, 3], color="#777")
                .encode(x="下限:Q", tooltip=["等级", "下限"])
            )
            hist = hist + lines
        st.altair_chart(hist, width="stretch")

# ---------------------------------------------------------------------------- league table

st.subheader(f"{year} 年排名")
league = pd.DataFrame(
    {
        "排名": df["rank"],
        "部门": df["dept_name"],
        "部门编码": df["dept_code"],
        "区划": df["region_name"],
        "得分": df["score"],
        "等级": df["grade"],
        "上年得分": df["prev"],
        "较上年": df["change"],
        "上年等级": df["prev_grade"],
        "不可评价分值": df["not_assessable_weight"],
        "核对发现": df["findings"].astype(int),
        "其中错误": df["errors"].astype(int),
        "详情": [ui.department_link(d, year, f.framework) for d in df["dept_code"]],
        "dept_code": df["dept_code"],
        "fiscal_year": df["fiscal_year"],
    }
)
if sc == "normalized_score":
    league.insert(4, "原始得分", df["total_score"])
if f.is_letter:
    league = league.drop(columns=["得分", "上年得分", "较上年", "不可评价分值"])
shown = league.drop(columns=["dept_code", "fiscal_year"])
event = ui.table(
    shown,
    "league",
    file_stem=f"排名_{f.framework}_{year}",
    score=["得分", "原始得分", "上年得分", "较上年", "不可评价分值"],
    ints=["排名", "核对发现", "其中错误"],
    links={"详情": "打开"},
    selectable=True,
    height=420 if len(shown) > 12 else "auto",
    export_exclude=["详情"],
    xlsx_title=f"{f.framework_name} {year} 年排名（{f.region_name}）",
)
ui.drill_down_button(league, event, f.framework, "league")

# ---------------------------------------------------------------------------- top movers

if not f.is_letter:
    st.subheader("变化最大的部门")
    movers = df.dropna(subset=["change"])
    if movers.empty:
        st.caption(f"{year - 1} 年没有可比较的得分。")
    else:
        up = movers.nlargest(10, "change")
        down = movers.nsmallest(10, "change")
        both = pd.concat([up[up.change > 0], down[down.change < 0]]).drop_duplicates("dept_code")
        if both.empty:
            st.caption("与上年相比得分都没有变化。")
        else:
            mv = pd.DataFrame(
                {
                    "部门": both["dept_name"],
                    "较上年": both["change"],
                    "得分": both["score"],
                    "上年得分": both["prev"],
                    "等级": both["grade"],
                    "上年等级": both["prev_grade"],
                    "方向": ["上升" if c > 0 else "下降" for c in both["change"]],
                }
            ).sort_values("较上年", ascending=False)
            chart = (
                alt.Chart(mv)
                .mark_bar()
                .encode(
                    y=alt.Y(
                        "部门:N",
                        sort=mv["部门"].tolist(),
                        title=None,
                        axis=alt.Axis(labelLimit=240, labelOverlap=False),
                    ),
                    x=alt.X("较上年:Q", title="得分较上年变化"),
                    color=alt.Color(
                        "方向:N",
                        scale=alt.Scale(domain=["上升", "下降"], range=["#2e7d32", "#c62828"]),
                        legend=None,
                    ),
                    tooltip=["部门", "得分", "上年得分", "较上年", "等级", "上年等级"],
                )
                .properties(height=max(160, 24 * len(mv)))
            )
            st.altair_chart(chart, width="stretch")
            ui.table(
                mv.drop(columns=["方向"]),
                "movers",
                file_stem=f"变化最大的部门_{f.framework}_{year}",
                score=["较上年", "得分", "上年得分"],
            )
