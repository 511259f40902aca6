"""总览: the league table of one year (score, grade, change from last year, findings), grade distribution, top movers."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.dashboard import data, fmt, ui

f = ui.filters()
ui.print_styles()
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
df = ui.numeric(
    scores,
    "total_score",
    "max_score",
    "normalized_score",
    "prev_score",
    "prev_normalized",
    "total_score_change",
    "normalized_score_change",
    "not_assessable_weight",
    "assessed_share",
)
partial = df["grade_is_partial"].map(fmt.is_true)
n_partial = int(partial.sum())
if f.complete_only and not f.is_letter:
    df = df[~partial]
    if df.empty:
        ui.no_data(f"{year} 年没有全部指标都已评价的部门（侧栏“排名与分布不含部分评价”已打开）。")
        st.stop()
nothing = pd.Series(ui.unscored(df["assessed_share"]), index=df.index)
df.loc[nothing, ["total_score", "normalized_score"]] = float("nan")  # 未评分: no total, never "0"
df["score"] = df[sc]
df["prev"] = df["prev_normalized"] if sc == "normalized_score" else df["prev_score"]
df["change"] = df["normalized_score_change"] if sc == "normalized_score" else df["total_score_change"]
if f.is_letter:
    df = df.sort_values(["grade", "dept_code"], na_position="last")
else:
    df = df.sort_values(["score", "dept_code"], ascending=[False, True], na_position="last")
df["rank"] = range(1, len(df) + 1)

# ---------------------------------------------------------------------------- headline numbers

UNSCORED_HELP = "没有任何可评价的指标（所需数据全部缺失）的部门数：不计总分、不评等级。"

stats = data.region_year_scores(f.framework, f.region, [year]).iloc[0]  # marts.fct_region_year_scores
grade_rows = data.region_year_grades(f.framework, f.region, [year])  # marts.fct_region_year_grades
stat = sc.removesuffix("_score")  # total / normalized
suffix = "_complete" if f.complete_only else ""  # the marts' statistics over complete grades only
if f.is_letter:
    # PEFA: no total, no grade bands; each indicator's letters (marts.fct_region_year_letters)
    letters = data.region_year_letters(f.framework, f.region, [year])
    scale = data.grades(f.framework)
    st.metric("参评部门", f"{int(stats['departments'])}")
    # letters × indicators: every letter of the scale (A … D*), how many departments got it
    tbl = letters.pivot_table(index="letter", columns="level1_code", values="departments", aggfunc="sum")
    order_rows = [g for g in scale["grade"] if g in tbl.index] + [
        g for g in tbl.index if g not in set(scale["grade"])
    ]
    meaning = dict(zip(scale["grade"], scale["band_text"]))
    names = dict(zip(letters["level1_code"], letters["level_name"]))
    tbl = tbl.reindex(order_rows).fillna(0).astype(int)
    tbl.columns = [f"{c} {names.get(c) or ''}".strip() for c in tbl.columns]
    tbl = tbl.reset_index().rename(columns={"letter": "等级"})
    tbl.insert(1, "含义", [meaning.get(g, "") for g in tbl["等级"]])
    st.markdown("**各指标的等级（部门数）**")
    ui.table(
        tbl,
        "ov_letters",
        file_stem=f"等级分布_{f.framework}_{year}",
        ints=[c for c in tbl.columns if c not in ("等级", "含义")],
        wrap=True,  # 含义 whole (D*'s is two lines), not cut off in a grid cell
    )
    st.caption(
        "PEFA 按最近三个年度评定 A–D（A 最高）。PI-2 按 M1（最弱环节）汇总：取各维度的最低等级，"
        "其他维度更高时加“+”。D\\* 为信息不足：不足三个连续年度的数据，不作推测。"
    )
else:
    # the framework's own grades (project_self: 优/良/中/差), each with its band from dim_framework_grade, then
    # every other result the marts count (sort_order 999: 未评分, nothing assessable), so the tiles add up to
    # 参评部门; with the switch on those have no complete grade and drop out with the partial ones
    framework_grades = grade_rows[grade_rows.sort_order < 999]
    others = grade_rows[(grade_rows.sort_order >= 999) & (grade_rows.departments > 0)]
    if f.complete_only:
        others = others[others.complete_departments > 0]
    m = st.columns(2 + len(framework_grades) + len(others))
    n_dept = int(stats["complete_departments" if f.complete_only else "departments"])
    m[0].metric(
        "参评部门",
        f"{n_dept}",
        help=f"其中部分评价 {n_partial} 个（等级带 \\*）" + ("，已排除" if f.complete_only else ""),
    )
    change = stats[f"mean_{stat}_score_change"]
    m[1].metric(
        "平均得分",
        fmt.score(stats[f"mean_{stat}_score{suffix}"]),
        delta=None if pd.isna(change) or f.complete_only else f"{float(change):+.2f} 较上年",
        help="只含全部指标都已评价的部门" if f.complete_only else "含部分评价的部门",
    )
    bands = dict(zip(data.grades(f.framework)["grade"], data.grades(f.framework)["band_text"]))
    for i, r in enumerate(framework_grades.itertuples()):
        n_all, n_complete = int(r.departments), int(r.complete_departments)
        m[2 + i].metric(
            r.grade,
            f"{n_complete if f.complete_only else n_all}",
            help=f"{bands.get(r.grade, '')}。等级为“{r.grade}”的部门数"
            + (
                ""
                if f.complete_only
                else f"，其中部分评价（{ui.md(fmt.grade_text(r.grade, True))}）{n_all - n_complete} 个"
            ),
        )
    for i, r in enumerate(others.itertuples(), start=2 + len(framework_grades)):
        n_all, n_complete = int(r.departments), int(r.complete_departments)
        m[i].metric(
            ui.md(r.grade),
            f"{n_complete if f.complete_only else n_all}",
            help=UNSCORED_HELP
            if r.grade == ui.UNSCORED
            else f"结果为“{ui.md(r.grade)}”、不在本体系等级中的部门数",
        )

# ---------------------------------------------------------------------------- grade distribution and scores

c1, c2 = st.columns(2)
with c1:
    st.subheader("等级分布")
    if f.is_letter:
        gd = letters[letters.departments > 0].rename(
            columns={"letter": "等级", "departments": "部门数", "level1_code": "指标"}
        )[["指标", "等级", "部门数"]]
    else:
        # each grade's bar: complete grades solid, partial ones (良*) lighter on top; the switch drops them
        parts = [("完整评价", grade_rows["complete_departments"])]
        if not f.complete_only:
            parts.append(("部分评价", grade_rows["departments"] - grade_rows["complete_departments"]))
        gd = pd.concat(
            [pd.DataFrame({"等级": grade_rows["grade"], "评价": k, "部门数": n.values}) for k, n in parts]
        )
        gd = gd[gd["部门数"] > 0]
    scale_order = data.grades(f.framework)["grade"].tolist()
    present = gd["等级"].tolist()
    order = [g for g in scale_order if g in present] + [
        g for g in dict.fromkeys(present) if g not in scale_order
    ]
    chart = (
        (alt.Chart() if f.is_letter else alt.Chart(gd))
        .mark_bar()
        .encode(
            x=alt.X("等级:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("部门数:Q", axis=ui.axis("count", "部门数")),
            color=alt.Color(
                "等级:N",
                sort=order,
                scale=alt.Scale(domain=order, range=[fmt.GRADE_COLORS.get(g, "#9e9e9e") for g in order]),
                legend=None,
            ),
            tooltip=(["指标"] if f.is_letter else ["评价"]) + ["等级", ui.tip("部门数:Q", "count", "部门数")],
        )
        .properties(height=260)
    )
    if f.is_letter:
        chart = chart + chart.mark_text(dy=-8).encode(text="部门数:Q", color=alt.value("#333"))
    else:
        chart = chart.encode(
            opacity=alt.Opacity(
                "评价:N",
                scale=alt.Scale(domain=["完整评价", "部分评价"], range=[1.0, 0.4]),
                legend=alt.Legend(orient="top", title=None),
            ),
            order=alt.Order("评价:N", sort="ascending"),  # 完整评价 at the bottom, 部分评价 on top
        )
        totals = gd.groupby("等级", as_index=False)["部门数"].sum()
        chart = chart + alt.Chart(totals).mark_text(dy=-8, color="#333").encode(
            x=alt.X("等级:N", sort=order), y="部门数:Q", text="部门数:Q"
        )
    if f.is_letter:  # one panel per indicator (PI-1, PI-2)
        chart = chart.properties(height=220).facet(column=alt.Column("指标:N", title=None), data=gd)
    st.altair_chart(chart, width="stretch")
    if not f.is_letter and not f.complete_only:
        ui.partial_caption(n_partial)
with c2:
    if not f.is_letter:
        st.subheader("得分分布")
        hd = pd.DataFrame(
            {
                "得分": df["score"],
                "评价": ["部分评价" if fmt.is_true(p) else "完整评价" for p in df["grade_is_partial"]],
            }
        ).dropna(subset=["得分"])
        hist = (
            alt.Chart(hd)
            .mark_bar()
            .encode(
                x=alt.X("得分:Q", bin=alt.Bin(maxbins=30), axis=ui.axis("score", "得分")),
                y=alt.Y("count():Q", axis=ui.axis("count", "部门数")),
                color=alt.Color(
                    "评价:N",
                    scale=alt.Scale(domain=["完整评价", "部分评价"], range=["#5c6bc0", "#c5cae9"]),
                    legend=alt.Legend(orient="top", title=None),
                ),
                tooltip=[
                    alt.Tooltip("得分:Q", bin=True, title="得分"),
                    "评价",
                    ui.tip("count():Q", "count", "部门数"),
                ],
            )
            .properties(height=260)
        )
        rules = ui.numeric(data.grades(f.framework).dropna(subset=["min_score"]), "min_score")
        lo, hi = df["score"].min(), df["score"].max()
        rules = rules[(rules.min_score >= lo - 5) & (rules.min_score <= hi + 5)]
        if not rules.empty:
            lines = (
                alt.Chart(rules.rename(columns={"min_score": "下限", "grade": "等级"}))
                .mark_rule(strokeDash=[4, 3], color="#777")
                .encode(x="下限:Q", tooltip=["等级", ui.tip("下限:Q", "score", "下限")])
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
        "等级": ui.grade_cells(df["grade"], df["grade_is_partial"], df["assessed_share"]),
        "已评价占比": df["assessed_share"],
        "上年得分": df["prev"],
        "较上年": df["change"],
        "上年等级": ui.grade_cells(df["prev_grade"], df["prev_partial"]),
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
    league = league.drop(columns=["得分", "上年得分", "较上年", "不可评价分值", "已评价占比"]).rename(
        columns={"等级": "评定结果", "上年等级": "上年评定结果"}
    )
shown = league.drop(columns=["dept_code", "fiscal_year"])
event = ui.table(
    shown,
    "league",
    file_stem=f"排名_{f.framework}_{year}",
    score=["得分", "原始得分", "上年得分", "较上年", "不可评价分值"],
    pct=["已评价占比"],
    ints=["排名", "核对发现", "其中错误"],
    links={"详情": "打开"},
    selectable=True,
    height=420 if len(shown) > 12 else "auto",
    export_exclude=["详情"],
    xlsx_title=f"{f.framework_name} {year} 年排名（{f.region_name}）",
)
if not f.is_letter:
    st.caption(
        ("已排除部分评价的部门。" if f.complete_only else ui.PARTIAL_HELP)
        + " 已评价占比 =（满分 − 不可评价分值）/ 满分。"
    )
ui.drill_down_button(league, event, f.framework, "league")

# ---------------------------------------------------------------------------- top movers

if not f.is_letter:
    st.subheader("变化最大的部门")
    movers = df.dropna(subset=["change"])
    if f.complete_only:  # a change against a partial year is a change of coverage, not of performance
        movers = movers[~movers["prev_partial"].map(fmt.is_true)]
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
                    "等级": ui.grade_cells(both["grade"], both["grade_is_partial"]),
                    "上年等级": ui.grade_cells(both["prev_grade"], both["prev_partial"]),
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
                    x=alt.X("较上年:Q", axis=ui.axis("score", "得分较上年变化")),
                    color=alt.Color(
                        "方向:N",
                        scale=alt.Scale(domain=["上升", "下降"], range=["#2e7d32", "#c62828"]),
                        legend=None,
                    ),
                    tooltip=[
                        "部门",
                        ui.tip("得分:Q", "score", "得分"),
                        ui.tip("上年得分:Q", "score", "上年得分"),
                        ui.tip("较上年:Q", "score", "较上年"),
                        "等级",
                        "上年等级",
                    ],
                )
                .properties(height=alt.Step(24))  # a row per department, whatever the axis takes
            )
            st.altair_chart(chart, width="stretch")
            ui.table(
                mv.drop(columns=["方向"]),
                "movers",
                file_stem=f"变化最大的部门_{f.framework}_{year}",
                score=["较上年", "得分", "上年得分"],
            )
            if not f.complete_only and (
                mv["等级"].str.endswith(fmt.PARTIAL_MARK).any()
                or mv["上年等级"].str.endswith(fmt.PARTIAL_MARK).any()
            ):
                st.caption(
                    "带 \\* 的等级为部分评价：与上年相比的变化可能来自可评价的指标多了或少了，而不是表现的变化。"
                    "打开侧栏“排名与分布不含部分评价”可只看两年都完整评价的部门。"
                )
