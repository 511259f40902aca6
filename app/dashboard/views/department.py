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
ui.print_styles()

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

nothing_scored = not f.is_letter and fmt.to_decimal(this["assessed_share"]) == 0
partial = fmt.is_true(this["grade_is_partial"])
if f.is_letter:
    # PEFA: one letter per indicator (PI-1, PI-2), never a total; each letter explained by the scale
    scale = data.grades(f.framework)
    meaning = dict(zip(scale["grade"], scale["band_text"]))
    m = st.columns(max(len(l1), 1) + 1)
    for i, r in enumerate(l1.itertuples()):
        m[i].metric(
            f"{r.level1_code} {r.level_name or ''}".strip(),
            fmt.grade_text(r.letter),
            help=meaning.get(r.letter, "") or None,
        )
    m[-1].metric(
        "核对发现", f"{int(this['findings'])}", help=f"其中错误 {int(this['errors'])} 条（见下方“核对发现”）"
    )
    shown = [x for x in l1["letter"].dropna().unique() if x in meaning]
    if shown:
        st.caption("；".join(meaning[x] for x in scale["grade"] if x in shown) + "。")
elif nothing_scored:
    m = st.columns(4)
    m[0].metric("总分", "未评分", help="全部指标不可评价（缺少数据，也没有评价人评分），不给出总分和等级")
    m[1].metric("等级", "—", help=ui.grade_help(f.framework))
    m[2].metric(
        "不可评价分值", fmt.score(this["not_assessable_weight"]), help="因缺少数据而未计分的指标分值合计"
    )
    m[3].metric(
        "核对发现", f"{int(this['findings'])}", help=f"其中错误 {int(this['errors'])} 条（见下方“核对发现”）"
    )
    st.warning(
        f"{year} 年该部门在 {ui.md(f.framework_name)} 下没有任何可评价的指标：缺少所需的数据，也没有评价人评分。"
        "请补充数据后重新构建。",
        icon=":material/block:",
    )
else:
    m = st.columns(6)
    delta = (
        None
        if pd.isna(this["total_score_change"])
        else f"{fmt.score(this['total_score_change'], signed=True)} 较上年"
    )
    if f.grade_basis == "normalized":  # hebei: the grade rests on the converted score
        m[0].metric(
            "换算得分",
            fmt.score(this["normalized_score"]),
            help="换算得分 = 原始得分 / 适用满分 × 100；适用满分 = 满分 − 不适用（不可评价）的分值",
        )
        m[2].metric(
            "原始得分", fmt.score(this["total_score"]), delta=delta, help="各部分评分之和（含扣分项）"
        )
    else:
        m[0].metric("总分", fmt.score(this["total_score"]), delta=delta, help="各三级指标得分之和")
        m[2].metric("满分", fmt.score(this["max_score"]))
    m[1].metric("等级", fmt.grade_text(this["grade"], partial), help=ui.grade_help(f.framework))
    m[3].metric(
        "已评价占比",
        fmt.pct(this["assessed_share"]),
        help="（满分 − 不可评价分值）/ 满分：等级所依据的分值占全部分值的比例",
    )
    m[4].metric(
        "不可评价分值", fmt.score(this["not_assessable_weight"]), help="因缺少数据而未计分的指标分值合计"
    )
    m[5].metric(
        "核对发现", f"{int(this['findings'])}", help=f"其中错误 {int(this['errors'])} 条（见下方“核对发现”）"
    )
    # a grade on the total (grade_basis total): the not-assessable points count as not won, said plainly
    total_note = (
        fmt.total_grade_note(
            this["grade"],
            True,
            this["total_score"],
            this["max_score"],
            this["not_assessable_weight"],
            this["normalized_score"],
        )
        if f.grade_basis == "total"
        else None
    )
    if partial and total_note:
        st.warning(
            f"部分评价：{fmt.partial_note(this['assessed_share'])}。{ui.md(total_note)}"
            "不能与全部评价的等级直接比较。",
            icon=":material/rule:",
        )
    elif partial:
        st.warning(
            f"部分评价：{fmt.partial_note(this['assessed_share'])}（不可评价 {fmt.score(this['not_assessable_weight'])} 分），"
            f"等级“{ui.md(fmt.grade_text(this['grade'], True))}”只基于已评价的指标，不能与全部评价的等级直接比较。",
            icon=":material/rule:",
        )
if (
    f.grade_basis == "normalized"
    and pd.notna(this["normalized_score"])
    and pd.notna(this["total_score"])
    and not nothing_scored
):
    applicable = fmt.to_decimal(this["max_score"]) - fmt.to_decimal(this["not_assessable_weight"])
    st.caption(
        f"换算得分 = 原始得分 / 适用满分 × 100 = {fmt.score(this['total_score'])} / {fmt.score(applicable)} × 100"
        f" = {fmt.score(this['normalized_score'])}（适用满分 = 满分 {fmt.score(this['max_score'])} − 不适用 "
        f"{fmt.score(this['not_assessable_weight'])}）"
    )
if f.scope == "project" and pd.notna(this.get("project_count")):
    st.caption(f"部门得分为 {int(this['project_count'])} 个项目得分的算术平均（逐项目见下方“项目得分”）。")


def score_label(v) -> str:
    """A score as a chart label or tooltip shows it: 48.56, or 不可评价 where the marts have NULL."""
    return fmt.score(v, dash="不可评价")


# project_self grades a project on its total out of the full points (seeds: grade_basis total); a
# not-assessable indicator earns nothing (frameworks.md), so it is said in so many words
PROJECT_GRADE_RULE = (
    "项目等级按满分的总分评定：不可评价（缺少数据）的指标不得分，这些分值也不从满分中扣除，"
    "因此部分评价项目（等级带 \\*）的等级可能偏低。“已评价部分得分率” = 得分 ÷（满分 − 不可评价分值）。"
)

tab_names = ["评分", "基础数据", f"核对发现（{int(this['findings'])}）", "历年"]
# a link from a finding (…&tab=findings) opens on the findings, not on the scores
wanted = {"score": 0, "inputs": 1, "findings": 2, "history": 3}.get(st.query_params.get("tab") or "", 0)
tab_score, tab_inputs, tab_findings, tab_history = st.tabs(tab_names, default=tab_names[wanted])

# ---------------------------------------------------------------------------- scores

with tab_score:
    pnames = data.project_names(dept)
    if f.scope == "project":
        # project_self: every project scored on its own; the department's score is their mean
        ps = data.project_scores(f.framework, dept, year)
        st.subheader("项目得分")
        if ps.empty:
            ui.no_data("该部门在此年度没有项目得分。")
        else:
            psf = pd.DataFrame(
                {
                    "项目名称": ps["project_name"].fillna(ps["project_code"]),
                    "项目编码": ps["project_code"],
                    "得分": ps["total_score"],
                    "满分": ps["max_score"],
                    "等级": ui.grade_cells(ps["grade"], ps["grade_is_partial"]),
                    "已评价占比": ps["assessed_share"],
                    "不可评价分值": ps["not_assessable_weight"],
                    "已评价部分得分率": ps["normalized_score"],
                    "调整后预算": ps["adjusted_budget"],
                    "实际支出": ps["actual_paid"],
                    "执行率": ps["execution_rate"],
                }
            )
            ui.table(
                psf,
                "d_projects",
                file_stem=f"项目得分_{dept}_{year}",
                money=["调整后预算", "实际支出"],
                pct=["执行率", "已评价占比", "已评价部分得分率"],
                score=["得分", "满分", "不可评价分值"],
                medium=["项目名称"],
            )
            ui.partial_caption(int(ps["grade_is_partial"].map(fmt.is_true).sum()), "项目")
            st.caption(PROJECT_GRADE_RULE)
            popts = ps["project_code"].tolist()
            ui.keep("d_project", popts[0], lambda v: v in popts)
            project = st.selectbox(
                "查看项目的指标",
                popts,
                key="d_project",
                format_func=lambda c: f"{pnames.get(c, c)}（{c}）",
            )
            ui.remember("d_project")
            chosen = ps[ps.project_code == project].iloc[0]
            note = fmt.total_grade_note(
                chosen["grade"],
                chosen["grade_is_partial"],
                chosen["total_score"],
                chosen["max_score"],
                chosen["not_assessable_weight"],
                chosen["normalized_score"],
            )
            if note:
                st.info(ui.md(note), icon=":material/rule:")
            ind = ind[ind.project_code == project]
            l1 = data.level1_of_project(f.framework, dept, year, project)

    if f.is_letter:
        scale = data.grades(f.framework)
        meaning = dict(zip(scale["grade"], scale["band_text"]))
        st.subheader("绩效指标（PI）")
        lv = pd.DataFrame(
            {
                "指标": l1["level1_code"],
                "名称": l1["level_name"],
                "等级": l1["letter"].map(fmt.grade_text),
                "等级含义": l1["letter"].map(lambda x: meaning.get(x, "")),
                "维度数": l1["indicator_count"],
                "信息不足的维度": l1["not_assessable_count"],
            }
        )
        ui.table(
            lv,
            "d_level1",
            file_stem=f"绩效指标_{dept}_{year}",
            ints=["维度数", "信息不足的维度"],
            wrap=True,  # 等级含义 whole, not cut off in a grid cell
        )
        st.caption(
            "PI-2 按 M1（最弱环节）汇总：取各维度的最低等级，其他维度更高时加“+”；D* 按 D 参与汇总，全部为 D* 时为 D*。"
        )
        st.subheader("维度")
        status = data.labels("scoring_status")
        dims = pd.DataFrame(
            {
                "维度": ind["indicator_code"],
                "名称": ind["indicator_name"],
                "所属指标": ind["level1_code"],
                "本年值": [fmt.value(v, u) for v, u in zip(ind["value"], ind["unit"])],
                "等级": ind["letter"].map(fmt.grade_text),
                "评定": [status.get(x, x or "") for x in ind["scoring_status"]],
                "评定依据": ind["explanation"].fillna(""),
                "评分规则": ind["rule_text"].fillna(""),
            }
        )
        # 评定依据 (three years' values) and 评分规则 are sentences: a wrapping table shows them whole
        ui.table(dims, "d_indicators", file_stem=f"维度_{dept}_{year}", wrap=True)
    else:
        st.subheader("一级指标得分")
        l1f = scoring_table.level1_frame(l1)
        positive_l1 = l1[pd.to_numeric(l1["weight"], errors="coerce").fillna(0) > 0]
        if len(positive_l1) >= 2 and not nothing_scored:  # one level-1 (hebei) says nothing a chart could add
            l1c = positive_l1
            chart_df = ui.numeric(l1c, "weight", "score").assign(
                名称=[f"{c} {n}" for c, n in zip(l1c.level1_code, l1c.level_name)],
                # a level with nothing assessable has no score: its label says so (Vega would print "null")
                得分文字=[score_label(v) for v in l1c["score"]],
            )
            base = alt.Chart(chart_df).encode(
                y=alt.Y("名称:N", sort=chart_df["名称"].tolist(), title=None, axis=alt.Axis(labelLimit=200))
            )
            chart = (
                base.mark_bar(color="#e0e0e0").encode(
                    x=alt.X("weight:Q", axis=ui.axis("score", "得分 / 分值"))
                )
                + base.mark_bar(color="#3949ab", height=12).encode(
                    x="score:Q",
                    tooltip=[
                        alt.Tooltip("名称:N"),
                        alt.Tooltip("得分文字:N", title="得分"),
                        ui.tip("weight:Q", "score", "分值"),
                    ],
                )
                + base.mark_text(align="left", dx=4).encode(x="weight:Q", text=alt.Text("得分文字:N"))
            )
            st.altair_chart(chart.properties(height=alt.Step(36)), width="stretch")
        ui.table(
            l1f,
            "d_level1",
            file_stem=f"一级指标_{dept}_{year}",
            score=["分值", "得分", "不可评价分值"],
            pct=["得分率"],
            ints=["指标数", "评价人评分"],
        )

        st.subheader("三级指标得分" if f.scope != "project" else "项目的指标得分")
        status = data.labels("scoring_status")
        weights = pd.to_numeric(ind["weight"], errors="coerce").fillna(0)
        # deductions (扣分项) and reference values (分值 0) are in the table only
        scored_rows = ind[weights > 0]
        if not scored_rows.empty and not nothing_scored:
            ch = ui.numeric(scored_rows, "weight", "score").assign(
                指标=[f"{c} {n}" for c, n in zip(scored_rows.indicator_code, scored_rows.indicator_name)],
                评分方式=[
                    status["not_assessable"] if not fmt.is_true(a) else data.labels("scored_by").get(s, s)
                    for s, a in zip(scored_rows.scored_by, scored_rows.assessable)
                ],
                得分文字=[score_label(v) for v in scored_rows["score"]],
            )
            base = alt.Chart(ch).encode(
                y=alt.Y(
                    "指标:N",
                    sort=ch["指标"].tolist(),
                    title=None,
                    axis=alt.Axis(labelLimit=260, labelOverlap=False),
                )
            )
            chart = base.mark_bar(color="#eeeeee").encode(
                x=alt.X("weight:Q", axis=ui.axis("score", "得分 / 分值"))
            ) + base.mark_bar(height=10).encode(
                x="score:Q",
                color=alt.Color(
                    "评分方式:N",
                    scale=alt.Scale(
                        domain=["按规则", "评价人", status["not_assessable"]],
                        range=["#3949ab", "#8e24aa", "#bdbdbd"],
                    ),
                    legend=alt.Legend(orient="top", title=None),
                ),
                tooltip=[
                    alt.Tooltip("指标:N"),
                    alt.Tooltip("得分文字:N", title="得分"),
                    ui.tip("weight:Q", "score", "分值"),
                    "评分方式:N",
                ],
            )
            st.altair_chart(chart.properties(height=alt.Step(22)), width="stretch")
        if (weights < 0).any() or (weights == 0).any():
            st.caption("图中只画有分值的指标；扣分项（分值为负）和参考值（分值为 0，不计分，供核对）见下表。")
        indf = scoring_table.indicator_frame(ind, levels, pnames)
        if f.scope == "project" and "项目" in indf.columns:
            indf = indf.drop(columns=["项目"])  # one project at a time (chosen above)
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
                    head += f"　分值 {fmt.score(sub['weight'].iloc[0])} 分，得分 {fmt.score(sub['score'].iloc[0])} 分"
                st.markdown(head)
                for _, r in g.iterrows():
                    assessable = fmt.is_true(r["assessable"])
                    who = (
                        status["not_assessable"]
                        if not assessable
                        else data.labels("scored_by").get(r["scored_by"], r["scored_by"])
                    )
                    st.markdown(
                        f"- **{ui.md(r['indicator_code'])} {ui.md(r['indicator_name'])}**　分值 {fmt.score(r['weight'])} 分，"
                        + (
                            f"得分 {fmt.score(r['score'])} 分（{ui.md(who)}）  \n"
                            if assessable
                            else f"{status['not_assessable']}  \n"
                        )
                        + f"  规则：{ui.md(r['rule_text'] or '—')}  \n"
                        f"  说明：{ui.md(r['explanation'] or '—')}"
                    )

    # ------------------------------------------------------------------ downloads
    st.subheader("下载")
    title, sheets = scoring_table.workbook(f.framework, f.framework_name, dept, year)
    stem = ui.safe_file_stem(f"评分表_{drow['dept_name']}_{year}_{f.framework}")
    d1 = d2 = st.container(horizontal=True, gap="small")  # buttons as wide as their labels
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

    r1 = r2 = r3 = st.container(horizontal=True, gap="small")
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
                "分项": iv["part_name"].fillna(""),
                "指标值": [fmt.value(v, u, dash="—") for v, u in zip(iv["value"], iv["unit"])],
                "计算式": iv["calc_text"].fillna(""),
                "分子": iv["numerator"],
                "分母": iv["denominator"],
                "数据": iv["inputs"].fillna(""),
                "缺少数据": iv["missing_inputs"].fillna(""),
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
            ff,
            "d_findings",
            file_stem=f"核对发现_{dept}_{year}",
            wide=["说明"],
            medium=["核对对象", "检查"],
            localized=["应为", "实为", "差额"],
            ints=["年度", "行号"],
        )

# ---------------------------------------------------------------------------- history

with tab_history:
    if hist.empty:
        ui.no_data()
    else:
        h = ui.numeric(hist, "total_score", "normalized_score", "total_score_change", "not_assessable_weight")
        h.loc[ui.unscored(h["assessed_share"]), ["total_score", "total_score_change"]] = float("nan")
        h = h.assign(等级=ui.grade_cells(h["grade"], h["grade_is_partial"], h["assessed_share"]))
        if not f.is_letter and h["total_score"].notna().any():
            line = (
                alt.Chart(h.assign(年度=h.fiscal_year.astype(str)))
                .mark_line(point=alt.OverlayMarkDef(size=80))
                .encode(
                    x=alt.X("年度:O", title="年度", axis=alt.Axis(labelAngle=0)),
                    y=alt.Y("total_score:Q", axis=ui.axis("score", "总分"), scale=alt.Scale(zero=False)),
                    tooltip=[
                        alt.Tooltip("年度:O"),
                        ui.tip("total_score:Q", "score", "总分"),
                        alt.Tooltip("等级:N", title="等级"),
                    ],
                )
            )
            labels = line.mark_text(dy=-12).encode(text=alt.Text("等级:N"))
            st.altair_chart((line + labels).properties(height=260), width="stretch")
        hf = pd.DataFrame(
            {
                "年度": h["fiscal_year"],
                "总分": h["total_score"],
                "等级": h["等级"],
                "已评价占比": h["assessed_share"],
                "较上年": h["total_score_change"],
                "不可评价分值": h["not_assessable_weight"],
                "核对发现": h["findings"].astype(int),
                "其中错误": h["errors"].astype(int),
            }
        )
        if f.is_letter:  # PEFA: the letters of each year, no points
            hf = hf.drop(columns=["总分", "已评价占比", "较上年", "不可评价分值"]).rename(
                columns={"等级": "评定结果"}
            )
        ui.table(
            hf,
            "d_history",
            file_stem=f"历年得分_{dept}",
            score=["总分", "较上年", "不可评价分值"],
            pct=["已评价占比"],
            ints=["年度", "核对发现", "其中错误"],
        )
        ui.partial_caption(int(h["grade_is_partial"].map(fmt.is_true).sum()), "年度")
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
