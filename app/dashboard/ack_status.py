"""How a finding's acknowledgement (audit.finding_acks, app/workflow/acks.py) reads on every page that lists
findings: "确认无误（张三，2026-11-29 18:49）：说明" or "未处理"."""

from __future__ import annotations

import pandas as pd

UNACKED = "未处理"


def ack_label(fd: pd.DataFrame, with_note: bool = False) -> pd.Series:
    """One label per row of a data.findings() frame (columns ack_status, acked_by, acked_at, ack_note)."""

    def one(status, by, at, note) -> str:
        if status is None or (isinstance(status, float) and pd.isna(status)):
            return UNACKED
        when = "" if at is None or pd.isna(at) else f"，{pd.Timestamp(at):%Y-%m-%d %H:%M}"
        text = f"{status}（{by}{when}）"
        return f"{text}：{note}" if with_note and isinstance(note, str) and note else text

    if fd.empty:
        return pd.Series([], dtype=object)
    return pd.Series(
        [one(*r) for r in zip(fd.ack_status, fd.acked_by, fd.acked_at, fd.ack_note, strict=True)],
        index=fd.index,
        dtype=object,
    )
