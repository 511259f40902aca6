"""年度趋势: the region's or one department's scores and key rates over the selected years."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.dashboard import data, fmt, ui

f = ui.filters()
st.title("年度趋势")
st.caption(f.caption())

REGION = "__region__"
depts = data.departments(f.region)
names = dict(zip(depts.dept_code, depts.dept_name))
opts = [REGION] + depts.dept_code.tolist()
ui.keep("tr_scope", REGION, lambda v: v in opts)
who = st.selectbox(
    "对象",
    opts,
    key="tr_scope",
    format_func=lambda c: f"{f.region_name}（全部部门）" if c == REGION else f"{names.get(c, c)}（{c}）",
    help="选择整个区划（各部门的汇总），或单个部门。",
)
ui.remember("tr_scope")
dept = None if who == REGION else who
years = list(f.years)
if len(years) < 2:
    st.info("侧栏只选了一个年度；选择多个年度可以看到趋势。", icon=":material/info:")

scores = data.department_scores(f.framework, f.region, years)
if scores.empty:
    ui.no_data()
    st.stop()

sc = f.score_col

# ---------------------------------------------------------------------------- scores over years

st.subheader("得分")
if f.is_letter:
    if dept is None:
        t = data.region_year_grades(f.framework, f.region, years).query("departments > 0")[
            ["fiscal_year", "grade", "departments"]
        ]
    else:
        t = scores[scores.dept_code == dept][["fiscal_year", "grade"]].assign(departments=1)
    t = t.rename(columns={"departments": "部门数"})
    ui.table(
        t.rename(columns={"fiscal_year": "年度", "grade": "评定结果"}),
        "tr_letters",
        file_stem=f"评定结果_{f.framework}",
        ints=["年度", "部门数"],
    )
elif dept is None:
    stat = sc.removesuffix("_score")  # total / normalized
    rs = data.region_year_scores(f.framework, f.region, years)
    agg = pd.DataFrame(
        {
            "年度": rs["fiscal_year"],
            "部门数": rs["departments"],
            "平均分": rs[f"mean_{stat}_score"],
            "中位数": rs[f"median_{stat}_score"],
            "最低分": rs[f"min_{stat}_score"],
            "最高分": rs[f"max_{stat}_score"],
        }
    )
    grade_list = data.grade_list(f.framework)  # the framework's own grades (project_self: 优/良/中/差)
    rg = data.region_year_grades(f.framework, f.region, years)
    counts = rg[rg.grade.isin(grade_list)].pivot(index="fiscal_year", columns="grade", values="departments")
    for g in grade_list:
        agg[g] = agg["年度"].map(counts[g]).astype(int)
    agg["核对发现（错误）"] = rs["errors"].values
    c1, c2 = st.columns(2)
    with c1:
        a = agg.assign(年=agg["年度"].astype(str))
        band = (
            alt.Chart(a)
            .mark_area(opacity=0.15, color="#3949ab")
            .encode(
                x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("最低分:Q", title="得分", scale=alt.Scale(zero=False)),
                y2="最高分:Q",
            )
        )
        long = a.melt(id_vars=["年"], value_vars=["平均分", "中位数"], var_name="统计", value_name="得分")
        lines = (
            alt.Chart(long)
            .mark_line(point=True)
            .encode(
                x="年:O",
                y="得分:Q",
                color=alt.Color("统计:N", legend=alt.Legend(orient="top", title=None)),
                tooltip=["年", "统计", alt.Tooltip("得分:Q", format=".2f")],
            )
        )
        st.altair_chart(
            (band + lines).properties(height=280, title="平均分、中位数（阴影为最低—最高）"), width="stretch"
        )
    with c2:
        gl = agg[["年度", *grade_list]].melt(
            id_vars=["年度"], value_vars=grade_list, var_name="等级", value_name="部门数"
        )
        gl["年"] = gl["年度"].astype(str)
        bars = (
            alt.Chart(gl)
            .mark_bar()
            .encode(
                x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("部门数:Q", stack="zero"),
                color=alt.Color(
                    "等级:N",
                    sort=grade_list,
                    scale=alt.Scale(
                        domain=grade_list, range=[fmt.GRADE_COLORS.get(g, "#9e9e9e") for g in grade_list]
                    ),
                    legend=alt.Legend(orient="top", title=None),
                ),
                order=alt.Order("等级:N"),
                tooltip=["年", "等级", "部门数"],
            )
        )
        st.altair_chart(bars.properties(height=280, title="等级分布"), width="stretch")
    ui.table(
        agg,
        "tr_region_scores",
        file_stem=f"历年得分_{f.region_name}_{f.framework}",
        score=["平均分", "中位数", "最低分", "最高分"],
        ints=["年度", "部门数"],
    )
else:
    mine = scores[scores.dept_code == dept].sort_values("fiscal_year")
    rs = data.region_year_scores(f.framework, f.region, years)
    med = pd.Series(
        rs[f"median_{sc.removesuffix('_score')}_score"].values, index=rs["fiscal_year"], name="区划中位数"
    )
    t = mine[["fiscal_year", sc, "grade", "not_assessable_weight", "findings", "errors"]].rename(
        columns={
            "fiscal_year": "年度",
            sc: "得分",
            "grade": "等级",
            "not_assessable_weight": "不可评价分值",
            "findings": "核对发现",
            "errors": "其中错误",
        }
    )
    t["区划中位数"] = t["年度"].map(med)
    t["较上年"] = (
        mine["normalized_score_change"] if sc == "normalized_score" else mine["total_score_change"]
    ).values
    long = t.assign(年=t["年度"].astype(str)).melt(
        id_vars=["年", "等级"], value_vars=["得分", "区划中位数"], var_name="序列", value_name="分"
    )
    chart = (
        alt.Chart(long)
        .mark_line(point=alt.OverlayMarkDef(size=70))
        .encode(
            x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("分:Q", title="得分", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "序列:N",
                scale=alt.Scale(domain=["得分", "区划中位数"], range=["#3949ab", "#9e9e9e"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "序列:N", scale=alt.Scale(domain=["得分", "区划中位数"], range=[[1, 0], [5, 4]]), legend=None
            ),
            tooltip=["年", "序列", alt.Tooltip("分:Q", format=".2f"), "等级"],
        )
    )
    st.altair_chart(chart.properties(height=280), width="stretch")
    ui.table(
        t,
        "tr_dept_scores",
        file_stem=f"历年得分_{names.get(dept, dept)}_{f.framework}",
        score=["得分", "区划中位数", "较上年", "不可评价分值"],
        ints=["年度", "核对发现", "其中错误"],
    )
    if not mine.empty:
        last = int(mine.fiscal_year.max())
        if st.button(
            f"打开部门详情：{ui.md(names.get(dept, dept))}（{last} 年）",
            key="tr_open",
            icon=":material/arrow_forward:",
        ):
            ui.open_department(dept, last, f.framework)

# ---------------------------------------------------------------------------- key rates over years

st.subheader("主要比率")
vals = data.indicator_value_matrix(f.framework, years, f.region)
vals = vals[(vals.unit == "%") & (vals.part_code == "")]
if vals.empty:
    st.caption("该评价体系没有按公式计算的比率指标。")
else:
    ind = vals.drop_duplicates("indicator_code").sort_values("sort_order")
    codes = ind.indicator_code.tolist()
    iname = dict(zip(ind.indicator_code, ind.indicator_name))
    preferred = [c for c in ("B11", "B12", "B21", "B23") if c in codes] or codes[:4]
    ui.keep("tr_rates", preferred, lambda v: isinstance(v, list) and all(c in codes for c in v))
    picked = st.multiselect("指标", codes, key="tr_rates", format_func=lambda c: f"{c} {iname.get(c, '')}")
    ui.remember("tr_rates")
    v = vals[vals.indicator_code.isin(picked or preferred)]
    if dept is not None:
        v = v[v.dept_code == dept]
        series = v.groupby(["fiscal_year", "indicator_code"])["value"].first().reset_index()
        stat = "值"
    else:
        medians = data.region_indicator_medians(f.framework, f.region, years)
        series = medians[medians.indicator_code.isin(picked or preferred)].reset_index(drop=True)
        stat = "中位数"
    series["指标"] = series["indicator_code"].map(lambda c: f"{c} {iname.get(c, '')}")
    series["年"] = series["fiscal_year"].astype(str)
    if series.empty:
        ui.no_data()
    else:
        chart = (
            alt.Chart(series)
            .mark_line(point=True)
            .encode(
                x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
                y=alt.Y(
                    "value:Q",
                    title=f"比率（%，{'各部门' + stat if dept is None else '本部门'}）",
                    scale=alt.Scale(zero=False),
                ),
                color=alt.Color("指标:N", legend=alt.Legend(orient="top", title=None)),
                tooltip=["年", "指标", alt.Tooltip("value:Q", title=stat, format=".2f")],
            )
        )
        st.altair_chart(chart.properties(height=300), width="stretch")
        wide = (
            series.pivot_table(index="fiscal_year", columns="指标", values="value", aggfunc="first")
            .reset_index()
            .rename(columns={"fiscal_year": "年度"})
        )
        ui.table(
            wide,
            "tr_rates_table",
            file_stem=f"主要比率_{'区划' if dept is None else dept}_{f.framework}",
            pct=[c for c in wide.columns if c != "年度"],
            ints=["年度"],
        )
        if dept is None:
            st.caption("区划内各部门该比率的中位数。")

# ---------------------------------------------------------------------------- budget over years

st.subheader("预算执行")
b = data.budget_by_year(f.region, dept, years)
if b.empty:
    ui.no_data()
else:
    tot = b.rename(columns={"execution_rate": "预算完成率"})
    long = tot.melt(
        id_vars=["fiscal_year"],
        value_vars=["adjusted_budget", "actual_paid"],
        var_name="k",
        value_name="金额",
    )
    long["项目"] = long["k"].map({"adjusted_budget": "调整后预算", "actual_paid": "实际支出"})
    long["年"] = long["fiscal_year"].astype(str)
    long["万元"] = long["金额"] / 10000
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("项目:N", sort=["调整后预算", "实际支出"]),
            y=alt.Y("万元:Q", title="金额（万元）"),
            color=alt.Color(
                "项目:N",
                scale=alt.Scale(domain=["调整后预算", "实际支出"], range=["#90caf9", "#1565c0"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["年", "项目", alt.Tooltip("万元:Q", format=",.2f")],
        )
    )
    st.altair_chart(bars.properties(height=260), width="stretch")
    ui.table(
        tot.rename(
            columns={
                "fiscal_year": "年度",
                "original_budget": "年初预算",
                "adjusted_budget": "调整后预算",
                "actual_paid": "实际支出",
                "balance": "结余",
            }
        ),
        "tr_budget",
        file_stem=f"历年预算执行_{'区划' if dept is None else dept}",
        money=["年初预算", "调整后预算", "实际支出", "结余"],
        pct=["预算完成率"],
        ints=["年度"],
    )
