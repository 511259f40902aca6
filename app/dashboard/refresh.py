"""Pages follow the warehouse: when a build (an upload, an acknowledgement, `jixiao build`) swaps a new file
in, every open page reruns within `poll` seconds and shows the new data (the cache is keyed by the file's
version, app/dashboard/data.py)."""

from __future__ import annotations

import streamlit as st

from app.dashboard import data


def watch(poll: float = 3.0) -> None:
    """Rerun the app once the live warehouse's version differs from the one this run read."""
    seen = data.current_version()

    @st.fragment(run_every=poll)
    def _watch() -> None:
        if data.current_version() != seen:
            st.rerun()

    _watch()
