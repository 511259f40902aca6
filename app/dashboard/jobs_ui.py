"""A background job's progress on a page (app/workflow/jobs.py): stage, progress bar, result or error.

`start_job` starts one and remembers it in the session under `key`; `job_panel` shows it, polling every
second while it runs, and reruns the whole app once it is done, so every page reads the warehouse the job
swapped in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from app.auth import current_user
from app.dashboard import data, ui
from app.errors import EXIT_INPUT_REFUSED, JixiaoError
from app.workflow import jobs
from app.workflow.actor import current_actor


class NotAllowed(JixiaoError):
    """The dashboard user's role may not change data (only 管理员 may; app/auth)."""

    exit_code = EXIT_INPUT_REFUSED


def require_write() -> None:
    """Raises NotAllowed unless the dashboard user may change data (管理员; no login on this computer = 管理员)."""
    user = current_user()
    if user is not None and not user.can_write():
        raise NotAllowed(f"{user.role}只能查看，不能修改数据；请联系管理员")


def start_job(key: str, kind: str, params: dict) -> Path:
    """Start a `kind` job with `params` as the current actor and remember it under `key`.

    Raises:
        NotAllowed: the logged-in user is not a 管理员 (分析员 and 地区 users only read). Checked here, where
            every write from the dashboard starts, not only by hiding the pages.
    """
    require_write()
    job = jobs.start(kind, params, data.warehouse_path(), current_actor())
    st.session_state[f"_job_{key}"] = str(job)
    st.session_state.pop(f"_job_{key}_seen", None)
    return job


def job_state(key: str) -> dict | None:
    p = st.session_state.get(f"_job_{key}")
    return None if p is None else jobs.read_state(Path(p))


def job_panel(key: str, render_result: Callable[[dict], None], poll: float = 1.0) -> None:
    """The job remembered under `key`, if any: progress while it runs, then `render_result(state["result"])`
    or the error line. Polls every `poll` seconds in a fragment; reruns the app once when it finishes."""
    if st.session_state.get(f"_job_{key}") is None:
        return

    @st.fragment(run_every=poll)
    def _panel() -> None:
        state = job_state(key) or {}
        if state.get("state") in ("done", "failed"):
            if not st.session_state.get(f"_job_{key}_seen"):
                st.session_state[f"_job_{key}_seen"] = True
                st.rerun()  # the whole app: the new warehouse version, fresh caches, a still panel
            if state["state"] == "failed":
                st.error(f"未完成：{ui.md(state.get('error', ''))}", icon=":material/error:")
            else:
                render_result(state.get("result") or {})
            return
        st.progress(float(state.get("progress") or 0.0), text=f"{state.get('stage_zh', '')} …")
        if state.get("message"):
            st.caption(ui.md(state["message"]))

    if (job_state(key) or {}).get("state") in ("done", "failed") and st.session_state.get(f"_job_{key}_seen"):
        state = job_state(key)
        if state["state"] == "failed":
            st.error(f"未完成：{ui.md(state.get('error', ''))}", icon=":material/error:")
        else:
            render_result(state.get("result") or {})
        return
    _panel()
