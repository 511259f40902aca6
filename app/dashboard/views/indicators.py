"""指标分析: heatmap departments × indicators (points as a share of the weight), the distribution of one
indicator's value across departments with the framework's thresholds drawn on it, and outliers."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from app.dashboard import data, fmt, ui

NOT_ASSESSABLE_GRAY = "#bdbdbd"  # the gray the caption names

f = ui.filters()
st.title("指标分析")
st.caption(f.caption())

ui.keep("ia_year", f.year, lambda v: v in f.years)
year = st.segmented_control("年度", list(f.years), key="ia_year") or f.year
ui.remember("ia_year")

project_mode = f.scope == "project"  # project_self: indicators are scored per project, not per department
unit_word = "项目" if project_mode else "部门"
if project_mode:
    # one row per project: "部门 · 项目名称", ranked by the project's score (marts.fct_project_scores)
    mx = data.project_indicator_matrix(f.framework, year, f.region)
    mx = mx.assign(dept_name=[f"{d} · {p}" for d, p in zip(mx["dept_name"], mx["project_name"])])
else:
    mx = data.indicator_matrix(f.framework, year, f.region)
if mx.empty:
    ui.no_data(f"{year} 年在 {ui.md(f.region_name)} 没有 {ui.md(f.framework_name)} 的指标得分。")
    st.stop()

# ---------------------------------------------------------------------------- heatmap

st.subheader("等级热力图" if f.is_letter else "得分率热力图")
if f.is_letter:
    st.caption("每格为该部门该维度的等级（A 最高）；D\\* 为信息不足（不足三个连续年度的数据）。")
elif project_mode:
    st.caption(
        "每行为一个项目（部门 · 项目名称），每格为该项目该指标的得分占分值的比例（得分 / 分值）；"
        "灰色为不可评价（缺少数据，未计分）。项目按得分从高到低排列。"
    )
else:
    st.caption(
        "每格为该部门该指标的得分占分值的比例（得分 / 分值）；灰色为不可评价（缺少数据，未计分）。部门按总分从高到低排列。"
    )
if project_mode:
    ps = data.region_project_scores(f.framework, year, f.region)
    dept_order = [f"{d} · {p}" for d, p in zip(ps["dept_name"], ps["project_name"])]
else:
    scores = data.department_scores(f.framework, f.region, [year])
    order_col = f.score_col if not f.is_letter else "grade"
    dept_order = (
        scores.sort_values([order_col, "dept_code"], ascending=[f.is_letter, True])["dept_name"].tolist()
        if not scores.empty
        else sorted(mx.dept_name.unique())
    )
ind_order = mx.drop_duplicates("indicator_code").sort_values("sort_order")
ind_labels = ind_order["indicator_code"].tolist()
name_of = dict(zip(ind_order.indicator_code, ind_order.indicator_name))

levels = sorted(mx["level1_code"].dropna().unique().tolist())
lv_names = data.level_names(f.framework)
lv_label = dict(zip(lv_names.level_code, lv_names.level_name)) if not lv_names.empty else {}
sel_levels = ui.multiselect(
    "一级指标",
    levels,
    default=levels,
    format_func=lambda c: f"{c} {lv_label.get(c, '')}".strip(),
    key="ia_levels",
    help="只显示所选一级指标下的指标",
    placeholder="全部一级指标",
)
heat = mx[mx.level1_code.isin(sel_levels or levels)]
weighted = heat[heat.weight.fillna(0) > 0]
if f.is_letter:
    scale = data.grades(f.framework)
    letters_order = scale["grade"].tolist()
    meaning = dict(zip(scale["grade"], scale["band_text"]))
    lc = heat.assign(
        部门=heat["dept_name"],
        指标=heat["indicator_code"],
        指标名称=heat["indicator_name"],
        等级=heat["letter"].fillna("—"),
        含义=heat["letter"].map(lambda x: meaning.get(x, "")),
        指标值=[fmt.value(v, u) for v, u in zip(heat["value"], heat["unit"])],
    )[["部门", "指标", "指标名称", "等级", "含义", "指标值"]]
    n_dept = lc["部门"].nunique()
    base = alt.Chart(lc).encode(
        x=alt.X("指标:N", sort=ind_labels, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("部门:N", sort=dept_order, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
    )
    rects = base.mark_rect().encode(
        color=alt.Color(
            "等级:N",
            sort=letters_order,
            scale=alt.Scale(
                domain=letters_order, range=[fmt.GRADE_COLORS.get(g, "#9e9e9e") for g in letters_order]
            ),
            legend=alt.Legend(title="等级", orient="right"),
        ),
        tooltip=["部门", "指标", "指标名称", "等级", "含义", "指标值"],
    )
    text = base.mark_text(color="#fff", fontWeight="bold").encode(text="等级:N")
    st.altair_chart((rects + text).properties(height=max(200, 20 * n_dept)), width="stretch")
elif weighted.empty:
    st.caption("该评价体系的指标没有分值，不画热力图。")
else:
    cell = weighted.assign(
        得分率=pd.to_numeric(weighted["score_rate"], errors="coerce").astype(float),
        部门=weighted["dept_name"],
        指标=weighted["indicator_code"],
        指标名称=weighted["indicator_name"],
        得分=pd.to_numeric(weighted["score"], errors="coerce").astype(float),
        分值=pd.to_numeric(weighted["weight"], errors="coerce").astype(float),
        指标值=[fmt.value(v, u, dash="") for v, u in zip(weighted["value"], weighted["unit"])],
        评分方式=[
            (data.labels("scoring_status")["not_assessable"] if not a else data.labels("scored_by").get(s, s))
            for s, a in zip(weighted["scored_by"], weighted["assessable"].fillna(False))
        ],
    )[["部门", "指标", "指标名称", "得分", "分值", "得分率", "指标值", "评分方式"]]
    n_all = cell["部门"].nunique()
    limit = ui.HEATMAP_ROWS
    if n_all > limit:
        # hundreds of rows are unreadable and slow to draw: the lowest or highest scorers, or all on request
        show = (
            st.segmented_control(
                f"显示的{unit_word}",
                ["得分最低", "得分最高", "全部"],
                default="得分最低",
                key="ia_heat_rows",
                help=f"共 {n_all} 个{unit_word}；“得分最低/最高”各显示 {limit} 个，“全部”较慢。也可在侧栏按区划筛选。",
            )
            or "得分最低"
        )
        present = [d for d in dept_order if d in set(cell["部门"])]
        if show != "全部":
            keep = present[-limit:] if show == "得分最低" else present[:limit]
            cell = cell[cell["部门"].isin(keep)]
    n_dept = cell["部门"].nunique()
    show_labels = n_dept <= 120  # a label needs 16 px: beyond that the names would overlap
    row_h = 18 if n_dept <= 60 else 16 if show_labels else 6
    height = max(200, row_h * n_dept)
    x_order = [c for c in ind_labels if c in set(cell["指标"])]
    # two layers over the same cells: Vega-Lite drops a null (not-assessable) value from a continuous colour
    # scale, which left those cells white; the gray layer draws exactly those cells, so every cell is one rect
    base = alt.Chart(cell).encode(
        x=alt.X(
            "指标:N",
            sort=x_order,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=-60 if len(x_order) > 24 else 0, labelOverlap=False),
        ),
        y=alt.Y(
            "部门:N",
            sort=dept_order,
            title=None,
            axis=alt.Axis(labels=show_labels, ticks=False, labelOverlap=False, labelLimit=260),
        ),
        tooltip=[
            alt.Tooltip("部门:N", title=unit_word),
            "指标",
            "指标名称",
            ui.tip("得分:Q", "score", "得分"),
            ui.tip("分值:Q", "score", "分值"),
            ui.tip("得分率:Q", "pct", "得分率（%）"),
            "指标值",
            "评分方式",
        ],
    )
    colored = base.mark_rect().encode(
        color=alt.Color(
            "得分率:Q",
            scale=alt.Scale(domain=[0, 50, 100], range=["#c62828", "#fdd835", "#2e7d32"]),
            # the gradient no longer than the chart is high: a default 200 px gradient beside a one-row
            # heatmap (one region) lost its 0 at the bottom
            legend=alt.Legend(title="得分率（%）", format=".0f", gradientLength=ui.legend_length(height)),
        )
    )
    gray = base.transform_filter("!isValid(datum['得分率'])").mark_rect(color=NOT_ASSESSABLE_GRAY)
    chart = alt.layer(gray, colored).properties(height=height)
    st.altair_chart(chart, width="stretch")
    if not show_labels:
        st.caption(f"共 {n_dept} 个{unit_word}：纵轴标签已隐藏，悬停查看部门名称；可在侧栏按区划筛选。")
    pivot = cell.pivot_table(index="部门", columns="指标", values="得分率", aggfunc="first")
    pivot = pivot.reindex([d for d in dept_order if d in pivot.index])[
        [c for c in ind_labels if c in pivot.columns]
    ].reset_index()
    with st.expander("热力图数据（得分率，%）"):
        ui.table(
            pivot,
            "ia_heat",
            file_stem=f"得分率_{f.framework}_{year}",
            pct=[c for c in pivot.columns if c != "部门"],
        )

# ---------------------------------------------------------------------------- distribution of one indicator

st.subheader("指标值分布")
if project_mode:
    vals = data.project_indicator_value_matrix(f.framework, [year], f.region)
    vals = vals.assign(dept_name=[f"{d} · {p}" for d, p in zip(vals["dept_name"], vals["project_name"])])
else:
    vals = data.indicator_value_matrix(f.framework, [year], f.region)
rules = data.indicator_rules(f.framework)
computed = vals.drop_duplicates("indicator_code").sort_values("sort_order") if not vals.empty else vals
if computed.empty:
    st.caption("该评价体系在此年度没有按公式计算的指标值。")
else:
    choices = computed["indicator_code"].tolist()
    vname = dict(zip(computed.indicator_code, computed.indicator_name))
    ui.keep("ia_indicator", choices[0], lambda v: v in choices)
    code = st.selectbox("指标", choices, key="ia_indicator", format_func=lambda c: f"{c} {vname.get(c, '')}")
    ui.remember("ia_indicator")
    v = vals[vals.indicator_code == code]
    parts = [p for p in v["part_code"].unique() if p]
    if parts:
        part = st.selectbox("分项", parts, key="ia_part")
        v = v[v.part_code == part]
    unit = v["unit"].dropna().iloc[0] if v["unit"].notna().any() else ""
    rule = rules[rules.indicator_code == code]
    lines = []  # (value, label)
    if not rule.empty:
        r = rule.iloc[0]
        st.caption(f"评分规则：{r['rule_text'] or '—'}")
        if r["rule_type"] in ("threshold", "per_point") and pd.notna(r["bound"]):
            lines.append(
                (
                    float(r["bound"]),
                    f"{data.labels('op').get(r['op'], r['op'] or '')} {fmt.score(r['bound'])}{unit}",
                )
            )
        if pd.notna(r.get("target")):
            lines.append((float(r["target"]), f"目标 {fmt.score(r['target'])}{unit}"))
        rp = data.rule_parts(f.framework, code)
        for _, p in rp.iterrows():
            for b in ("lower_bound", "upper_bound"):
                if pd.notna(p[b]):
                    # a short label on the chart (the letter or band), the band's full wording in the tooltip
                    tag = p["letter"] if isinstance(p["letter"], str) and p["letter"] else p["part_code"]
                    lines.append((float(p[b]), f"{fmt.score(p[b])}{unit} {tag}", str(p["part_name"])))
    lines = [x if len(x) == 3 else (*x, x[1]) for x in lines]  # (value, label, wording)
    lines = sorted({round(x[0], 6): x for x in lines}.values())
    dv = v.assign(部门=v["dept_name"], 指标值=pd.to_numeric(v["value"], errors="coerce").astype(float))
    stats = dv["指标值"].describe()
    s = st.columns(5)
    s[0].metric(f"{unit_word}数", f"{int(stats['count'])}")
    s[1].metric("中位数", fmt.value(stats["50%"], unit))
    s[2].metric("平均", fmt.value(stats["mean"], unit))
    s[3].metric("最小", fmt.value(stats["min"], unit))
    s[4].metric("最大", fmt.value(stats["max"], unit))
    value_kind = "pct" if unit == "%" else "money" if unit in ("元", "yuan") else "score"
    hist = (
        alt.Chart(dv[["部门", "指标值"]])
        .mark_bar(color="#5c6bc0", opacity=0.85)
        .encode(
            x=alt.X(
                "指标值:Q",
                bin=alt.Bin(maxbins=40),
                axis=ui.axis(value_kind, f"{code} {vname.get(code, '')}（{unit or '值'}）"),
            ),
            y=alt.Y("count():Q", axis=ui.axis("count", f"{unit_word}数")),
            tooltip=[
                alt.Tooltip("指标值:Q", bin=True, title="指标值"),
                ui.tip("count():Q", "count", f"{unit_word}数"),
            ],
        )
    )
    layers = [hist]
    if lines:
        # labels staggered one line apart, so close thresholds (PEFA's 85/90/95/105/110/115) never overlap
        ldf = pd.DataFrame(lines, columns=["阈值", "标签", "说明"]).assign(
            行=lambda d: [14 * i for i in range(len(d))]
        )
        layers.append(
            alt.Chart(ldf)
            .mark_rule(color="#c62828", strokeWidth=2, strokeDash=[6, 3])
            .encode(x="阈值:Q", tooltip=["说明", ui.tip("阈值:Q", value_kind, "阈值")])
        )
        layers.append(
            alt.Chart(ldf)
            .mark_text(color="#c62828", align="left", dx=4, baseline="top")
            .encode(x="阈值:Q", y=alt.Y("行:Q", scale=None, axis=None), text="标签:N")
        )
    # the labels' rows have a y of their own: the count axis keeps its integer format
    st.altair_chart(
        alt.layer(*layers).resolve_scale(y="independent").properties(height=max(280, 14 * len(lines) + 120)),
        width="stretch",
    )
    if lines:
        st.caption("红色虚线：评价体系规则中的阈值（规则原文见上方“评分规则”）。")
    box = (
        alt.Chart(dv[["部门", "指标值"]])
        .mark_boxplot(extent=1.5, color="#5c6bc0", outliers=alt.MarkConfig(color="#c62828"))
        .encode(
            x=alt.X(
                "指标值:Q",
                scale=alt.Scale(zero=False),
                axis=ui.axis(value_kind, None),
            )
        )
        .properties(height=70)
    )
    st.altair_chart(box, width="stretch")
    dtab = (
        dv[["部门", "dept_code", "指标值", "numerator", "denominator"]]
        .rename(
            columns={"部门": unit_word, "dept_code": "部门编码", "numerator": "分子", "denominator": "分母"}
        )
        .sort_values("指标值")
    )
    with st.expander(f"各{unit_word}的 {code} 指标值"):
        ui.table(
            dtab,
            "ia_values",
            file_stem=f"指标值_{code}_{f.framework}_{year}",
            money=["分子", "分母"],
            pct=["指标值"] if unit == "%" else [],
            score=[] if unit == "%" else ["指标值"],
        )

# ---------------------------------------------------------------------------- outliers


def tukey_outliers(v: pd.DataFrame, k: float = 1.5, min_n: int = 8) -> pd.DataFrame:
    out = []
    for (code, part), g in v.groupby(["indicator_code", "part_code"], sort=False):
        x = g["value"].astype(float)
        if len(x) < min_n:
            continue
        q1, q3 = np.percentile(x, [25, 75])
        iqr = q3 - q1
        if iqr <= 0:
            continue
        lo, hi = q1 - k * iqr, q3 + k * iqr
        bad = g[(x < lo) | (x > hi)]
        for _, r in bad.iterrows():
            val = float(r["value"])
            out.append(
                {
                    "部门": r["dept_name"],
                    "部门编码": r["dept_code"],
                    "指标": f"{code} {r['indicator_name']}" + (f"（{part}）" if part else ""),
                    "指标值": val,
                    "单位": r["unit"] or "",
                    "中位数": float(np.median(x)),
                    "正常范围下限": lo,
                    "正常范围上限": hi,
                    "偏离（四分位距倍数）": round((val - hi) / iqr if val > hi else (val - lo) / iqr, 2),
                    "fiscal_year": int(r["fiscal_year"]),
                }
            )
    df = pd.DataFrame(out)
    if not df.empty:
        df = df.reindex(df["偏离（四分位距倍数）"].abs().sort_values(ascending=False).index)
    return df


st.subheader("异常值")
st.caption(
    "按四分位距（Tukey）判断：指标值低于 Q1 − 1.5×IQR 或高于 Q3 + 1.5×IQR 的部门。只统计至少 8 个部门有值的指标。"
)
if vals.empty:
    ui.no_data()
else:
    ol = tukey_outliers(vals)
    if ol.empty:
        st.success("没有发现异常值。", icon=":material/check_circle:")
    else:
        st.markdown(
            f"共 **{len(ol)}** 个异常值，涉及 {ol['部门编码'].nunique()} 个部门、{ol['指标'].nunique()} 个指标。"
        )
        ev = ui.table(
            ol.drop(columns=["fiscal_year"]),
            "ia_outliers",
            file_stem=f"异常值_{f.framework}_{year}",
            score=["指标值", "中位数", "正常范围下限", "正常范围上限", "偏离（四分位距倍数）"],
            selectable=True,
            height=400 if len(ol) > 12 else "auto",
        )
        ui.drill_down_button(
            ol, ev, f.framework, "ia_outliers", name_col="部门", code_col="部门编码", year_col="fiscal_year"
        )
