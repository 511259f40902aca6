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
    if dept is None:  # PEFA: each indicator's letters per year (marts.fct_region_year_letters)
        lt = data.region_year_letters(f.framework, f.region, years)
        lt = lt[lt.departments > 0]
        t = pd.DataFrame(
            {
                "年度": lt["fiscal_year"],
                "指标": [f"{c} {n or ''}".strip() for c, n in zip(lt["level1_code"], lt["level_name"])],
                "等级": lt["letter"],
                "部门数": lt["departments"],
            }
        )
    else:
        t = scores[scores.dept_code == dept][["fiscal_year", "grade"]].rename(
            columns={"fiscal_year": "年度", "grade": "评定结果"}
        )
    ui.table(t, "tr_letters", file_stem=f"评定结果_{f.framework}", ints=["年度", "部门数"])
    st.caption("PEFA 按最近三个年度评定 A–D（A 最高）；D\\* 为信息不足（不足三个连续年度的数据）。")
elif dept is None:
    stat = sc.removesuffix("_score")  # total / normalized
    sfx = "_complete" if f.complete_only else ""  # the marts' statistics over complete grades only
    rs = ui.numeric(
        data.region_year_scores(f.framework, f.region, years),
        *[f"{k}_{stat}_score{sfx}" for k in ("mean", "median", "min", "max")],
    )
    agg = pd.DataFrame(
        {
            "年度": rs["fiscal_year"],
            "部门数": rs["complete_departments" if f.complete_only else "departments"],
            "平均分": rs[f"mean_{stat}_score{sfx}"],
            "中位数": rs[f"median_{stat}_score{sfx}"],
            "最低分": rs[f"min_{stat}_score{sfx}"],
            "最高分": rs[f"max_{stat}_score{sfx}"],
        }
    )
    if not f.complete_only:
        agg["其中部分评价"] = (rs["departments"] - rs["complete_departments"]).values
    grade_list = data.grade_list(f.framework)  # the framework's own grades (project_self: 优/良/中/差)
    rg = data.region_year_grades(f.framework, f.region, years)
    counts = rg[rg.grade.isin(grade_list)].pivot(
        index="fiscal_year",
        columns="grade",
        values="complete_departments" if f.complete_only else "departments",
    )
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
                y=alt.Y("最低分:Q", axis=ui.axis("score", "得分"), scale=alt.Scale(zero=False)),
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
                tooltip=["年", "统计", ui.tip("得分:Q", "score", "得分")],
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
                y=alt.Y("部门数:Q", stack="zero", axis=ui.axis("count", "部门数")),
                color=alt.Color(
                    "等级:N",
                    sort=grade_list,
                    scale=alt.Scale(
                        domain=grade_list, range=[fmt.GRADE_COLORS.get(g, "#9e9e9e") for g in grade_list]
                    ),
                    legend=alt.Legend(orient="top", title=None),
                ),
                order=alt.Order("等级:N"),
                tooltip=["年", "等级", ui.tip("部门数:Q", "count", "部门数")],
            )
        )
        st.altair_chart(bars.properties(height=280, title="等级分布"), width="stretch")
    ui.table(
        agg,
        "tr_region_scores",
        file_stem=f"历年得分_{f.region_name}_{f.framework}",
        score=["平均分", "中位数", "最低分", "最高分"],
        ints=["年度", "部门数", "其中部分评价", *grade_list],
    )
    st.caption(
        "只统计全部指标都已评价的部门（侧栏开关）。"
        if f.complete_only
        else "统计含部分评价的部门（等级带 \\*）；侧栏“排名与分布不含部分评价”可将其排除。"
    )
else:
    mine = ui.numeric(
        scores[scores.dept_code == dept].sort_values("fiscal_year"), sc, "not_assessable_weight"
    )
    sfx = "_complete" if f.complete_only else ""
    rs = ui.numeric(data.region_year_scores(f.framework, f.region, years), f"median_{sc}{sfx}")
    med = pd.Series(rs[f"median_{sc}{sfx}"].values, index=rs["fiscal_year"], name="区划中位数")
    mine.loc[ui.unscored(mine["assessed_share"]), [sc]] = float("nan")  # 未评分, not 0
    t = pd.DataFrame(
        {
            "年度": mine["fiscal_year"].values,
            "得分": mine[sc].values,
            "等级": ui.grade_cells(mine["grade"], mine["grade_is_partial"], mine["assessed_share"]),
            "已评价占比": mine["assessed_share"].values,
            "不可评价分值": mine["not_assessable_weight"].values,
            "核对发现": mine["findings"].values,
            "其中错误": mine["errors"].values,
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
            y=alt.Y("分:Q", axis=ui.axis("score", "得分"), scale=alt.Scale(zero=False)),
            color=alt.Color(
                "序列:N",
                scale=alt.Scale(domain=["得分", "区划中位数"], range=["#3949ab", "#9e9e9e"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            strokeDash=alt.StrokeDash(
                "序列:N", scale=alt.Scale(domain=["得分", "区划中位数"], range=[[1, 0], [5, 4]]), legend=None
            ),
            tooltip=["年", "序列", ui.tip("分:Q", "score", "得分"), "等级"],
        )
    )
    grade_labels = (
        alt.Chart(long[long["序列"] == "得分"])
        .mark_text(dy=-14, color="#3949ab")
        .encode(x="年:O", y="分:Q", text="等级:N")
    )
    st.altair_chart((chart + grade_labels).properties(height=280), width="stretch")
    ui.table(
        t,
        "tr_dept_scores",
        file_stem=f"历年得分_{names.get(dept, dept)}_{f.framework}",
        score=["得分", "区划中位数", "较上年", "不可评价分值"],
        pct=["已评价占比"],
        ints=["年度", "核对发现", "其中错误"],
    )
    ui.partial_caption(int(mine["grade_is_partial"].map(fmt.is_true).sum()), "年度")
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
    picked = ui.multiselect(
        "指标", codes, key="tr_rates", format_func=lambda c: f"{c} {iname.get(c, '')}", placeholder="选择指标"
    )
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
        # one small panel per indicator, each with its own axis: a rate near 100% (预算完成率) and one near 1%
        # (结转结余率) on one axis would flatten both
        series = ui.numeric(series, "value")
        chart = (
            alt.Chart()
            .mark_line(point=True)
            .encode(
                x=alt.X("年:O", title=None, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("value:Q", axis=ui.axis("pct", None), scale=alt.Scale(zero=False)),
                tooltip=["年", "指标", ui.tip("value:Q", "pct", f"{stat}（%）")],
            )
            .properties(height=160, width=220)
        )
        st.altair_chart(
            chart.facet(
                facet=alt.Facet("指标:N", title=None, header=alt.Header(labelLimit=260)),
                columns=3,
                data=series,
            ).resolve_scale(y="independent"),
        )
        st.caption(f"纵轴：比率（%，{'各部门' + stat if dept is None else '本部门'}），每个指标一个坐标。")
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
    long["万元"] = pd.to_numeric(long["金额"], errors="coerce").astype(float) / 10000
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("年:O", title="年度", axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("项目:N", sort=["调整后预算", "实际支出"]),
            y=alt.Y("万元:Q", axis=ui.axis("wan", "金额（万元）")),
            color=alt.Color(
                "项目:N",
                scale=alt.Scale(domain=["调整后预算", "实际支出"], range=["#90caf9", "#1565c0"]),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=["年", "项目", ui.tip("万元:Q", "wan", "金额（万元）")],
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
