"""绩效评价看板: the entry point (`streamlit run app/dashboard/main.py`, or `jixiao app` / `jixiao demo`).

The warehouse is $JIXIAO_WAREHOUSE (else warehouse/jixiao.duckdb). Every run fixes the warehouse version
(inode, mtime) for its cache keys, so a `jixiao build` that swaps in a new file shows up on the next run.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app.auth import login  # noqa: E402
from app.dashboard import data, refresh, ui, warm  # noqa: E402
from app.errors import JixiaoError  # noqa: E402

st.set_page_config(
    page_title="部门整体支出绩效评价看板", page_icon=":material/account_balance:", layout="wide"
)

# the pages, in the sidebar's two groups: reading the results, and the analysts' workflow (app/workflow/)
PAGES = [
    # the default page answers at "/" only (Streamlit serves a default page at the root, whatever its
    # url_path); OVERVIEW_ALIAS below answers at /overview
    st.Page("views/overview.py", title="总览", icon=":material/leaderboard:", url_path="", default=True),
    st.Page("views/department.py", title="部门详情", icon=":material/apartment:", url_path="department"),
    st.Page("views/indicators.py", title="指标分析", icon=":material/grid_on:", url_path="indicators"),
    st.Page("views/trends.py", title="年度趋势", icon=":material/trending_up:", url_path="trends"),
    st.Page("views/compare.py", title="对比", icon=":material/compare_arrows:", url_path="compare"),
    st.Page("views/findings.py", title="核对发现", icon=":material/fact_check:", url_path="findings"),
    st.Page("views/sql.py", title="SQL 查询", icon=":material/terminal:", url_path="sql"),
]
# the same page at /overview (a bookmark, a link in a report): hidden from the sidebar, where 总览 is the root
OVERVIEW_ALIAS = st.Page(
    "views/overview.py", title="总览", icon=":material/leaderboard:", url_path="overview", visibility="hidden"
)
WORKFLOW_PAGES = [
    st.Page("views/submit.py", title="填报模板", icon=":material/upload_file:", url_path="submit"),
    st.Page(
        "views/submission_status.py",
        title="报送情况",
        icon=":material/checklist:",
        url_path="submission-status",
    ),
]
# pages that change the warehouse: only for a user who may write (管理员; app/auth). jobs_ui.start_job
# refuses the others too, so hiding the pages is not the only guard.
WRITE_PAGES = [
    st.Page("views/upload.py", title="上传提交", icon=":material/cloud_upload:", url_path="upload"),
    st.Page("views/scoring.py", title="评价人评分", icon=":material/rate_review:", url_path="scoring"),
    st.Page(
        "views/finding_review.py", title="核对发现处理", icon=":material/task_alt:", url_path="finding-review"
    ),
    st.Page("views/batch.py", title="批量报告", icon=":material/folder_zip:", url_path="batch"),
    st.Page("views/operations.py", title="操作记录", icon=":material/history:", url_path="operations"),
]


def refusal_message(user) -> str:
    """What a user who may not write sees on a write page's URL (the same words as jobs_ui.require_write)."""
    return f"此页面只对管理员开放：{user.role}只能查看，不能修改数据；请联系管理员"


def _refused_page(page, user):
    """A hidden page at `page`'s URL that shows the refusal: a typed URL of a write page (e.g. …/upload)
    lands here instead of on Streamlit's English "page not found" and the default page."""

    def refused() -> None:
        st.title(page.title)
        st.error(refusal_message(user), icon=":material/block:")

    return st.Page(refused, title=page.title, icon=page.icon, url_path=page.url_path, visibility="hidden")


def navigation(user) -> dict[str, list]:
    """The sidebar's page groups for `user` (app.auth.User; None before a login, when the list is hidden). A
    user who may not write gets, at the write pages' URLs, hidden pages that only say so."""
    if user is None or user.can_write():
        workflow = WORKFLOW_PAGES + WRITE_PAGES
    else:
        workflow = WORKFLOW_PAGES + [_refused_page(p, user) for p in WRITE_PAGES]
    return {"看板": PAGES + [OVERVIEW_ALIAS], "报送与评价": workflow}


NOT_FOUND_KEY = "_page_not_found"


def requested_path() -> str | None:
    """The page path the browser asked for ("" for the root, "nosuch" for /nosuch), without the server's
    base path; None where there is no browser (AppTest). From st.context.url, which on the first run of a
    session still holds the path Streamlit has not matched to a page."""
    from urllib.parse import unquote, urlsplit

    url = st.context.url
    if not url:
        return None
    path = unquote(urlsplit(url).path).strip("/")
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def _not_found_page(path: str) -> st.Page:
    """A hidden page at the unknown `path`: it notes the path and opens 总览 at "/". Streamlit's own answer
    to an unknown path is an English "Page not found" dialog (st.navigation has no catch-all page)."""

    def not_found() -> None:
        st.session_state[NOT_FOUND_KEY] = path
        st.switch_page(PAGES[0])

    return st.Page(not_found, title="总览", url_path=path, visibility="hidden")


def navigation_for(user, path: str | None) -> dict[str, list]:
    """`navigation(user)`, plus the hidden not-found page when the browser asked for a `path` no page has."""
    nav = navigation(user)
    known = {"", *(p.url_path for pages in nav.values() for p in pages)}
    if path and path not in known and "/" not in path:
        nav["看板"] = nav["看板"] + [_not_found_page(path)]
    return nav


def main() -> None:
    if warm.enabled():  # served by `jixiao app` / `jixiao demo`: warm 总览's queries whenever a build lands
        warm.start()
    wh = data.warehouse_path()
    # the login gate (app/auth/login.py): stops here until logged in; a 地区 user reads her region extract
    user = login.require_user(wh)
    if user is None:  # the login form, a refusal or the logged-out notice is drawn
        # no page list before a login, nor after a logout (the browser would keep the last one); every page
        # is passed, hidden, so the page the browser asked for is the one opened after the login
        st.navigation(navigation_for(None, requested_path()), position="hidden")
        st.stop()
    if data.current_version(wh) is None:
        st.title("部门整体支出绩效评价看板")
        st.error(
            f"仓库文件不存在：`{wh}`。请先运行 `jixiao build --input …` 或 `jixiao demo`，或用环境变量 JIXIAO_WAREHOUSE 指定仓库。"
        )
        st.stop()
    try:
        read = login.read_path(user, wh)
    except JixiaoError as e:
        st.error(f"{e}。请稍后刷新页面。")
        st.stop()
    # expanded: every page listed (a collapsed menu ends in an English "View N more" button)
    nav = st.navigation(navigation_for(user, requested_path()), position="sidebar", expanded=True)
    missing = st.session_state.pop(NOT_FOUND_KEY, None)
    if missing:
        st.warning(f"没有找到页面“/{ui.md(missing)}”，已为您打开总览。", icon=":material/travel_explore:")
    with data.run_scope(read, restricted=user.restricted):
        try:
            st.session_state["_filters"] = ui.sidebar()
            nav.run()
            refresh.watch()  # issue 17: pages refresh when a build swaps a new warehouse in
        except data.WarehouseUnavailable as e:
            st.error(f"{e}。请稍后刷新页面。")


main()
