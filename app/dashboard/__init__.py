"""The analysts' dashboard (Streamlit, in Chinese) over the warehouse's public ``marts`` tables.

    main.py       entry point: page config, sidebar (区划 / 年度 / 评价体系), st.navigation
    views/        one module per page (总览, 部门详情, 指标分析, 年度趋势, 核对发现, SQL 查询). Not named
                  "pages/": a pages/ folder beside the entry script switches Streamlit to its legacy
                  multipage mode, which ignores st.navigation and never runs main.py.
    data.py       cached read-only queries, keyed by the warehouse file's version (inode, mtime)
    ui.py         shared widgets: sidebar filters, tables with CSV/XLSX export, drill-down
    fmt.py        number formats as reports print them (88,044,648.36; 99.08%), labels, grade colours
    exports.py    CSV / XLSX bytes for any table
    docs.py       the public tables' documentation (dbt manifest, else the models' yml)
    sandbox.py    the SQL page's read-only sandbox (a separate process with a locked DuckDB connection)

Run it with ``jixiao app`` (or ``jixiao demo``). Nothing here writes to the warehouse.
"""
