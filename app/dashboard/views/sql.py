"""SQL 查询: ad-hoc read-only SQL over the warehouse, with the public tables' documentation beside it.

Queries run in the sandbox (app/dashboard/sandbox.py): one SELECT, read-only, no files or extensions,
at most 10,000 rows, 10 seconds, 10,000 characters a cell and about 20 MB in all; no file system paths.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.dashboard import data, docs, sandbox, ui

f = ui.filters()
st.title("SQL 查询")
st.caption(
    f"只读查询：每次一条 SELECT（也可以用 WITH、FROM、DESCRIBE、SHOW、SUMMARIZE）；最多返回 {sandbox.ROW_LIMIT:,} 行；"
    f"超过 {sandbox.TIME_LIMIT_S:g} 秒自动中止；单元格最多显示 {sandbox.CELL_CHAR_LIMIT:,} 个字符，结果最多约 "
    f"{sandbox.RESULT_BYTE_LIMIT >> 20} MB；不能修改仓库、读写文件、附加数据库或加载扩展。公共表在 `marts` 模式中。"
)

EXAMPLES = {
    "各部门得分与等级": f"""select d.dept_name, s.fiscal_year, s.total_score, s.grade
from marts.fct_department_scores s
join marts.dim_department d using (dept_code)
where s.framework_code = '{f.framework}'
order by s.fiscal_year desc, s.total_score desc""",
    "全部部门得分（原表）": "select * from marts.fct_department_scores",
    "某指标的说明句": f"""select dept_code, fiscal_year, indicator_code, indicator_name, score, weight, explanation
from marts.fct_indicator_scores
where framework_code = '{f.framework}' and indicator_code = 'B11'
order by fiscal_year desc, dept_code""",
    "错误类核对发现": """select dept_name, fiscal_year, check_name, item, expected, actual, message
from marts.fct_reconciliation_findings
where severity = 'error'
order by fiscal_year desc, dept_code""",
    "各部门预算完成率": """select dept_code, fiscal_year,
       sum(actual_paid) as 实际支出, sum(adjusted_budget) as 调整后预算,
       round(100 * sum(actual_paid) / sum(adjusted_budget), 2) as 预算完成率
from marts.fct_budget_execution
group by all order by 1, 2""",
    "表结构": "describe marts.fct_indicator_scores",
}

left, right = st.columns([5, 4], gap="large")

with left:
    ex = st.selectbox("示例查询", ["（不使用示例）"] + list(EXAMPLES), key="sql_example")
    if ex in EXAMPLES and st.session_state.get("_sql_example_applied") != ex:
        st.session_state["sql_text"] = EXAMPLES[ex]
        st.session_state["_sql_example_applied"] = ex
    ui.keep("sql_text", EXAMPLES["各部门得分与等级"])
    sql = st.text_area(
        "SQL", key="sql_text", height=200, help="DuckDB 方言。Ctrl+Enter 应用输入，然后点“执行查询”。"
    )
    ui.remember("sql_text")
    run = st.button("执行查询", type="primary", key="sql_run", icon=":material/play_arrow:")
    if run:
        with st.spinner("正在查询…"):
            try:
                res = sandbox.run_query(
                    sql, data.read_path(), row_limit=sandbox.ROW_LIMIT, time_limit=sandbox.TIME_LIMIT_S
                )
                st.session_state["sql_result"] = {
                    "sql": sql,
                    "df": res.dataframe(),
                    "truncated": res.truncated,
                    "seconds": res.seconds,
                    "error": None,
                    "cells_truncated": res.cells_truncated,
                    "size_truncated": res.size_truncated,
                }
            except (sandbox.QueryRefused, sandbox.QueryFailed) as e:
                st.session_state["sql_result"] = {
                    "sql": sql,
                    "df": None,
                    "error": str(e),
                    "refused": isinstance(e, sandbox.QueryRefused),
                }
    result = st.session_state.get("sql_result")
    if result:
        if result.get("error"):
            if result.get("refused"):
                st.error(result["error"], icon=":material/block:")
            else:
                st.warning(result["error"], icon=":material/error:")
        else:
            df: pd.DataFrame = result["df"]
            note = f"共 {len(df):,} 行，用时 {result['seconds']:.2f} 秒。"
            if result["truncated"]:
                note = f"结果超过 {sandbox.ROW_LIMIT:,} 行，只显示前 {sandbox.ROW_LIMIT:,} 行（下载的文件也只含这些行）。用时 {result['seconds']:.2f} 秒。"
            st.caption(note)
            if result.get("size_truncated"):
                st.warning(
                    f"结果超过约 {sandbox.RESULT_BYTE_LIMIT >> 20} MB，只显示前 {len(df):,} 行（下载的文件也只含这些行）。请缩小范围后再试。",
                    icon=":material/content_cut:",
                )
            if result.get("cells_truncated"):
                st.warning(
                    f"有 {result['cells_truncated']:,} 个单元格超过 {sandbox.CELL_CHAR_LIMIT:,} 个字符，已截断（末尾注明原长度）。",
                    icon=":material/content_cut:",
                )
            ui.table(df, "sql_result_table", file_stem="查询结果", height=420 if len(df) > 12 else "auto")

with right:
    st.subheader("公共表说明")
    cols = data.all_columns()
    tdocs = docs.table_docs(data.warehouse_path())
    public = cols[cols.table_schema.isin(docs.PUBLIC_SCHEMAS)]
    tables = public.drop_duplicates(["table_schema", "table_name"])[["table_schema", "table_name"]]
    tables = tables.assign(full=tables.table_schema + "." + tables.table_name)
    if tables.empty:
        st.caption("仓库中没有公共表。")
    else:
        names = tables.full.tolist()
        default = "marts.fct_department_scores" if "marts.fct_department_scores" in names else names[0]
        ui.keep("sql_doc_table", default, lambda v: v in names)
        which = st.selectbox("表", names, key="sql_doc_table")
        ui.remember("sql_doc_table")
        schema, table = which.split(".", 1)
        desc = docs.table_description(tdocs, schema, table)
        if desc:
            st.markdown(desc)
        tc = public[(public.table_schema == schema) & (public.table_name == table)]
        rows = [
            (r.column_name, r.data_type, *docs.describe(tdocs, schema, table, r.column_name))
            for r in tc.itertuples()
        ]
        cdf = pd.DataFrame(rows, columns=["列", "类型", "说明", "说明来源"]).drop(columns=["说明来源"])
        ui.table(
            cdf,
            "sql_doc_columns",
            file_stem=f"表结构_{which}",
            wide=["说明"],
            height=min(38 * len(cdf) + 40, 520),
        )
        d = tdocs.get((schema, table))
        src = "、".join(sorted(d.sources)) if d and d.sources else "看板内置术语表"
        st.caption(f"说明来自：{src}。")
        with st.expander(f"全部公共表（{len(tables)}）"):
            listing = pd.DataFrame(
                {
                    "表": tables.full,
                    "说明": [
                        docs.table_description(tdocs, s, t)[:80]
                        for s, t in zip(tables.table_schema, tables.table_name)
                    ],
                }
            )
            ui.table(listing, "sql_doc_tables", file_stem="公共表", wide=["说明"])
