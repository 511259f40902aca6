"""部门详情: one department-year — total and grade, level-1 and indicator scores (chart + table), each
indicator's value, rule, points and explanation, the inputs behind them, findings, history, downloads.

Deep link: ``department?dept=430406-hrss&year=2023&fw=hn_dept_overall`` (the league table, the findings
page and the trend page link here).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app.dashboard import data, exports, fmt, scoring_table, ui
from app.report import MIME as REPORT_MIME
from app.report import render_bytes

f = ui.filters()

# ---------------------------------------------------------------------------- which department-year

depts = data.departments(f.region)
all_depts = data.departments(None)
names = dict(zip(all_depts.dept_code, all_depts.dept_name))

qd, qy = st.query_params.get("dept"), st.query_params.get("year")
goto = st.session_state.pop("_goto_dept", None)
if goto is None and qd and (qd, qy) != st.session_state.get("_qp_dept"):
    try:
        goto = (qd, int(qy)) if qy else (qd, None)
    except ValueError:
        goto = (qd, None)
if goto is not None and goto[0] in names:
    st.session_state["d_dept"] = goto[0]
    if goto[1] is not None:
        st.session_state["d_year"] = goto[1]
    st.session_state["_qp_dept"] = (qd, qy)

options = depts.dept_code.tolist()
cur = st.session_state.get("d_dept", st.session_state.get("_keep_d_dept"))
if cur in names and cur not in options:  # a link to a department outside the region filter
    options = [cur] + options
if not options:
    ui.no_data(f"{ui.md(f.region_name)} 没有部门。")
    st.stop()

st.title("部门详情")
c1, c2 = st.columns([3, 1])
ui.keep("d_dept", options[0], lambda v: v in options)
with c1:
    dept = st.selectbox("部门", options, key="d_dept", format_func=lambda c: f"{names.get(c, c)}（{c}）")
ui.remember("d_dept")
dyears = data.department_years(dept, f.framework)
if not dyears:
    st.warning(f"{ui.md(names.get(dept, dept))} 没有 {ui.md(f.framework_name)} 的评分结果。")
    st.stop()
preferred = max([y for y in dyears if y in f.years], default=dyears[-1])
ui.keep("d_year", preferred, lambda v: v in dyears)
with c2:
    year = st.selectbox("年度", dyears, key="d_year")
ui.remember("d_year")
if (
    st.query_params.get("dept") != dept
    or st.query_params.get("year") != str(year)
    or st.query_params.get("fw") != f.framework
):
    st.query_params.update({"dept": dept, "year": str(year), "fw": f.framework})
    st.session_state["_qp_dept"] = (dept, str(year))

drow = data.department_row(dept)
hist = data.dept_history(f.framework, dept)
this = hist[hist.fiscal_year == year].iloc[0]
ind = data.indicator_scores(f.framework, dept, year)
l1 = data.level1(f.framework, dept, year)
levels = data.level_names(f.framework)
fd = data.findings(f.framework, [year], None, dept)

st.header(f"{ui.md(drow['dept_name'])} · {year} 年")
st.caption(
    f"{ui.md(drow['region_name'])}（{ui.md(drow['region_code'])}） · 部门编码 {ui.md(dept)} · {ui.md(f.framework_name)}"
)

# ---------------------------------------------------------------------------- headline

m = st.columns(5)
if f.is_letter:
    m[0].metric("评定结果", this["grade"] or "—")
else:
    delta = (
        None
        if pd.isna(this["total_score_change"])
        else f"{fmt.score(this['total_score_change'], signed=True)} 较上年"
    )
    m[0].metric("总分", fmt.score(this["total_score"]), delta=delta, help="各三级指标得分之和")
    m[1].metric("等级", this["grade"] or "—", help="；".join(data.grades(f.framework)["band_text"]))
    m[2].metric("满分", fmt.score(this["max_score"]))
    m[3].metric(
        "不可评价分值", fmt.score(this["not_assessable_weight"]), help="因缺少数据而未计分的指标分值合计"
    )
m[4].metric(
    "核对发现", f"{int(this['findings'])}", help=f"其中错误 {int(this['errors'])} 条（见下方“核对发现”）"
)
if f.grade_basis == "normalized" and pd.notna(this["normalized_score"]):
    st.caption(
        f"换算得分 = 得分 / 适用满分 × 100 = {fmt.score(this['total_score'])} / {fmt.score(this['max_score'])} × 100 = {fmt.score(this['normalized_score'])}"
    )

tab_score, tab_inputs, tab_findings, tab_history = st.tabs(
    ["评分", "基础数据", f"核对发现（{int(this['findings'])}）", "历年"]
)

# ---------------------------------------------------------------------------- scores

with tab_score:
    st.subheader("一级指标得分")
    l1f = scoring_table.level1_frame(l1)
    if not l1.empty and not f.is_letter:
        chart_df = l1.assign(名称=[f"{c} {n}" for c, n in zip(l1.level1_code, l1.level_name)])
        base = alt.Chart(chart_df).encode(
            y=alt.Y("名称:N", sort=chart_df["名称"].tolist(), title=None, axis=alt.Axis(labelLimit=200))
        )
        chart = (
            base.mark_bar(color="#e0e0e0").encode(x=alt.X("weight:Q", title="得分 / 分值"))
            + base.mark_bar(color="#3949ab", height=12).encode(
                x="score:Q",
                tooltip=[
                    alt.Tooltip("名称:N"),
                    alt.Tooltip("score:Q", title="得分"),
                    alt.Tooltip("weight:Q", title="分值"),
                ],
            )
            + base.mark_text(align="left", dx=4).encode(x="weight:Q", text=alt.Text("score:Q", format=".4~g"))
        )
        st.altair_chart(chart.properties(height=40 * len(chart_df) + 20), width="stretch")
    ui.table(
        l1f,
        "d_level1",
        file_stem=f"一级指标_{dept}_{year}",
        score=["分值", "得分", "不可评价分值"],
        pct=["得分率"],
        ints=["指标数", "评价人评分"],
    )

    st.subheader("三级指标得分")
    if not ind.empty and not f.is_letter:
        ch = ind.assign(
            指标=[f"{c} {n}" for c, n in zip(ind.indicator_code, ind.indicator_name)],
            评分方式=[
                (
                    data.labels("scoring_status")["not_assessable"]
                    if not a
                    else data.labels("scored_by").get(s, s)
                )
                for s, a in zip(ind.scored_by, ind.assessable.fillna(False))
            ],
        )
        if ch["project_code"].ne("").any():
            ch["指标"] = ch["project_code"] + " " + ch["指标"]
        base = alt.Chart(ch).encode(
            y=alt.Y(
                "指标:N",
                sort=ch["指标"].tolist(),
                title=None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False),
            )
        )
        chart = base.mark_bar(color="#eeeeee").encode(
            x=alt.X("weight:Q", title="得分 / 分值")
        ) + base.mark_bar(height=10).encode(
            x="score:Q",
            color=alt.Color(
                "评分方式:N",
                scale=alt.Scale(
                    domain=["按规则", "评价人", "不可评价"], range=["#3949ab", "#8e24aa", "#bdbdbd"]
                ),
                legend=alt.Legend(orient="top", title=None),
            ),
            tooltip=[
                alt.Tooltip("指标:N"),
                alt.Tooltip("score:Q", title="得分"),
                alt.Tooltip("weight:Q", title="分值"),
                "评分方式:N",
            ],
        )
        st.altair_chart(chart.properties(height=22 * len(ch) + 40), width="stretch")
    indf = scoring_table.indicator_frame(ind, levels)
    ui.table(
        indf,
        "d_indicators",
        file_stem=f"三级指标_{dept}_{year}",
        score=["分值", "得分"],
        wide=["评分规则", "说明"],
        medium=["指标名称"],
    )

    with st.expander("逐项说明（评分规则与计算过程）", expanded=False):
        lname = dict(zip(levels.level_code, levels.level_name)) if not levels.empty else {}
        for code, g in ind.groupby("level1_code", sort=False):
            sub = l1[l1.level1_code == code]
            head = f"**{ui.md(code)} {ui.md(lname.get(code, ''))}**"
            if not sub.empty and pd.notna(sub["score"].iloc[0]):
                head += (
                    f"　分值 {fmt.score(sub['weight'].iloc[0])} 分，得分 {fmt.score(sub['score'].iloc[0])} 分"
                )
            st.markdown(head)
            for _, r in g.iterrows():
                who = (
                    data.labels("scoring_status")["not_assessable"]
                    if not r["assessable"]
                    else data.labels("scored_by").get(r["scored_by"], r["scored_by"])
                )
                proj = f"\\[{ui.md(r['project_code'])}\\] " if r["project_code"] else ""
                st.markdown(
                    f"- {proj}**{ui.md(r['indicator_code'])} {ui.md(r['indicator_name'])}**　分值 {fmt.score(r['weight'])} 分，"
                    + (
                        f"得分 {fmt.score(r['score'])} 分（{ui.md(who)}）  \n"
                        if r["assessable"]
                        else f"{data.labels('scoring_status')['not_assessable']}  \n"
                    )
                    + f"  规则：{ui.md(r['rule_text'] or '—')}  \n"
                    f"  说明：{ui.md(r['explanation'] or '—')}"
                )

    if f.scope == "project":
        ps = data.project_scores(f.framework, dept, year)
        if not ps.empty:
            st.subheader("项目得分")
            cols = {
                "project_code": "项目编码",
                "project_name": "项目名称",
                "total_score": "得分",
                "max_score": "满分",
                "grade": "等级",
                "adjusted_budget": "调整后预算",
                "actual_paid": "实际支出",
                "execution_rate": "执行率",
                "not_assessable_weight": "不可评价分值",
            }
            psf = ps[[c for c in cols if c in ps.columns]].rename(columns=cols)
            ui.table(
                psf,
                "d_projects",
                file_stem=f"项目得分_{dept}_{year}",
                money=["调整后预算", "实际支出"],
                pct=["执行率"],
                score=["得分", "满分", "不可评价分值"],
            )

    # ------------------------------------------------------------------ downloads
    st.subheader("下载")
    title, sheets = scoring_table.workbook(f.framework, f.framework_name, dept, year)
    stem = ui.safe_file_stem(f"评分表_{drow['dept_name']}_{year}_{f.framework}")
    d1, d2, _ = st.columns([1.4, 1.4, 4])
    d1.download_button(
        "下载评分表（Excel）",
        data=lambda: scoring_table.sheets_xlsx(title, sheets),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="d_download_xlsx",
        on_click="ignore",
        type="primary",
        icon=":material/download:",
        help="总分、三级指标评分表、一级指标、预算执行与核对发现，各占一个工作表",
    )
    d2.download_button(
        "下载评分表（CSV）",
        data=lambda: exports.csv_bytes(sheets["评分表"]),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key="d_download_csv",
        on_click="ignore",
        icon=":material/download:",
    )

    # ------------------------------------------------------------------ 评价报告 (app/report)
    st.subheader("下载评价报告")
    st.caption(
        "按评价报告格式生成的部门整体支出绩效评价报告：支出情况与台账明细、评分表、逐项指标的计算与评分、核对发现、历年趋势。点击时生成。"
    )
    report_stem = ui.safe_file_stem(f"评价报告_{drow['dept_name']}_{year}_{f.framework}")

    # the version (a 地区 user's extract) is taken now, in the script run: the click runs in another thread
    report_version = data.current_version()

    def _report(report_fmt: str, key=(dept, year, f.framework), version=report_version) -> bytes:
        con = data._open(version)  # through the dashboard's gate: never a stale DuckDB instance
        try:
            return render_bytes(con, key[0], key[1], key[2], report_fmt)
        finally:
            data._close(con)

    r1, r2, r3, _ = st.columns([1.4, 1.4, 1.4, 2.8])
    for col, rfmt, label, primary in (
        (r1, "docx", "评价报告（Word）", True),
        (r2, "pdf", "评价报告（PDF）", False),
        (r3, "md", "评价报告（Markdown）", False),
    ):
        col.download_button(
            label,
            data=lambda rfmt=rfmt: _report(rfmt),
            file_name=f"{report_stem}.{rfmt}",
            mime=REPORT_MIME[rfmt],
            key=f"d_report_{rfmt}",
            on_click="ignore",
            type="primary" if primary else "secondary",
            icon=":material/description:",
        )

# ---------------------------------------------------------------------------- inputs

with tab_inputs:
    st.subheader("预算执行（台账）")
    bs = data.budget_summary(dept, [year])
    if bs.empty:
        ui.no_data("没有该年度的台账数据。")
    else:
        lf = scoring_table.ledger_frame(bs)
        tot = lf.iloc[-1]
        k = st.columns(4)
        k[0].metric("年初预算（元）", fmt.money(tot["年初预算"]))
        k[1].metric("调整后预算（元）", fmt.money(tot["调整后预算"]))
        k[2].metric("实际支出（元）", fmt.money(tot["实际支出"]))
        k[3].metric("预算完成率", fmt.pct(tot["执行率"]))
        ui.table(
            lf,
            "d_ledger",
            file_stem=f"预算执行_{dept}_{year}",
            money=scoring_table.MONEY,
            pct=["执行率", "支出占比"],
        )
        st.caption("支出占比：明细行为占本类支出的比例，小计行为占支出合计的比例。金额单位：元。")

    inp = data.dept_year_inputs(dept, year)
    if inp is not None:
        st.subheader("其他基础数据")

        def g(c):
            return inp[c]

        facts = pd.DataFrame(
            [
                ("结转结余", "年初结转结余（元）", fmt.money(g("carryover_opening"))),
                ("结转结余", "年末结转结余（元）", fmt.money(g("carryover_closing"))),
                ("“三公”经费", "本年预算数（元）", fmt.money(g("three_public_budget"))),
                ("“三公”经费", "本年决算数（元）", fmt.money(g("three_public_actual"))),
                ("“三公”经费", "上年决算数（元）", fmt.money(g("three_public_actual_prior"))),
                ("人员编制", "编制数（人）", fmt.score(g("staff_authorized"))),
                ("人员编制", "实有在职人数（人）", fmt.score(g("staff_actual"))),
                ("重点支出", "重点支出安排数（元）", fmt.money(g("key_expenditure"))),
                ("政府采购", "预算数（元）", fmt.money(g("procurement_budget"))),
                ("政府采购", "实际执行数（元）", fmt.money(g("procurement_actual"))),
                ("固定资产", "总额（元）", fmt.money(g("fixed_assets_total"))),
                ("固定资产", "在用（元）", fmt.money(g("fixed_assets_in_use"))),
            ],
            columns=["类别", "项目", "数值"],
        )
        ui.table(facts, "d_facts", file_stem=f"基础数据_{dept}_{year}")
        c1, c2 = st.columns(2)
        with c1:
            tp = data.three_public_items(dept, year)
            if not tp.empty:
                st.markdown("**“三公”经费明细**")
                ui.table(
                    tp.rename(columns={"item": "项目", "budget": "预算数", "actual": "决算数"}),
                    "d_three_public",
                    file_stem=f"三公经费_{dept}_{year}",
                    money=["预算数", "决算数"],
                )
        with c2:
            sf = data.staffing_items(dept, year)
            if not sf.empty:
                st.markdown("**人员编制**")
                ui.table(
                    sf.rename(columns={"staff_type": "类型", "authorized": "编制数", "actual": "实有人数"}),
                    "d_staffing",
                    file_stem=f"人员编制_{dept}_{year}",
                    ints=["编制数", "实有人数"],
                )

    st.subheader("指标的计算")
    iv = data.indicator_values(f.framework, dept, year)
    if iv.empty:
        ui.no_data("该评价体系没有按公式计算的指标。")
    else:
        ivf = pd.DataFrame(
            {
                "指标编码": iv["indicator_code"],
                "指标名称": iv["indicator_name"],
                "分项": iv["part_name"].fillna("") if "part_name" in iv.columns else "",
                "指标值": [fmt.value(v, u, dash="—") for v, u in zip(iv["value"], iv["unit"])],
                "计算式": iv["calc_text"].fillna("") if "calc_text" in iv.columns else "",
                "分子": iv["numerator"],
                "分母": iv["denominator"],
                "数据": iv["inputs"].fillna("") if "inputs" in iv.columns else "",
                "缺少数据": iv["missing_inputs"].fillna("") if "missing_inputs" in iv.columns else "",
            }
        )
        if not ivf["分项"].astype(bool).any():
            ivf = ivf.drop(columns=["分项"])
        ui.table(
            ivf,
            "d_values",
            file_stem=f"指标计算_{dept}_{year}",
            money=["分子", "分母"],
            wide=["数据", "计算式"],
        )

# ---------------------------------------------------------------------------- findings

with tab_findings:
    if fd.empty:
        st.success(f"{year} 年没有核对发现。", icon=":material/check_circle:")
    else:
        ff = scoring_table.findings_frame(fd)
        for sev, col in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
            if this[col]:
                st.markdown(f"- {data.labels('severity')[sev]}：{int(this[col])} 条")
        ui.table(
            ff, "d_findings", file_stem=f"核对发现_{dept}_{year}", wide=["说明"], medium=["核对对象", "检查"]
        )

# ---------------------------------------------------------------------------- history

with tab_history:
    if hist.empty:
        ui.no_data()
    else:
        h = hist
        if not f.is_letter and h["total_score"].notna().any():
            line = (
                alt.Chart(h.assign(年度=h.fiscal_year.astype(str)))
                .mark_line(point=alt.OverlayMarkDef(size=80))
                .encode(
                    x=alt.X("年度:O", title="年度", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("total_score:Q", title="总分", scale=alt.Scale(zero=False)),
                    tooltip=[
                        alt.Tooltip("年度:O"),
                        alt.Tooltip("total_score:Q", title="总分"),
                        alt.Tooltip("grade:N", title="等级"),
                    ],
                )
            )
            labels = line.mark_text(dy=-12).encode(text=alt.Text("grade:N"))
            st.altair_chart((line + labels).properties(height=260), width="stretch")
        hf = pd.DataFrame(
            {
                "年度": h["fiscal_year"],
                "总分": h["total_score"],
                "等级": h["grade"],
                "较上年": h["total_score_change"],
                "不可评价分值": h["not_assessable_weight"],
                "核对发现": h["findings"].astype(int),
                "其中错误": h["errors"].astype(int),
            }
        )
        ui.table(
            hf,
            "d_history",
            file_stem=f"历年得分_{dept}",
            score=["总分", "较上年", "不可评价分值"],
            ints=["年度", "核对发现", "其中错误"],
        )
        yb = data.budget_summary(dept, levels=("total",))
        if len(yb) > 1:
            st.markdown("**历年预算执行**")
            yb = yb[
                [
                    "fiscal_year",
                    "original_budget",
                    "adjusted_budget",
                    "actual_paid",
                    "balance",
                    "execution_rate",
                ]
            ]
            ui.table(
                yb.rename(
                    columns={
                        "fiscal_year": "年度",
                        "original_budget": "年初预算",
                        "adjusted_budget": "调整后预算",
                        "actual_paid": "实际支出",
                        "balance": "结余",
                        "execution_rate": "预算完成率",
                    }
                ),
                "d_history_budget",
                file_stem=f"历年预算执行_{dept}",
                money=scoring_table.MONEY,
                pct=["预算完成率"],
                ints=["年度"],
            )
