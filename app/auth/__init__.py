"""Who is using the dashboard, and what she may see and do.

``current_user()`` is the one place other code asks "who did this" (e.g. an operations log) and
``can_write()`` whether the user may change anything (uploads, acknowledgements). The login itself is in
``app.auth.login`` (streamlit-authenticator), the users file in ``app.auth.users``, and what a 地区 user
reads in ``app.auth.extract``.

Roles:

* 管理员: every region, and write actions;
* 分析员: every region, read-only;
* 地区: read-only, and only the departments of the listed region codes, on every page and in the SQL
  page (her session reads a region extract, never the warehouse).

Without a users file, on this computer only (127.0.0.1), there is no login: the user is the operating
system's account (``getpass.getuser()``) with the role 管理员, as for every other command on this computer.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.users import ADMIN, ANALYST, REGION, ROLES  # noqa: F401

SESSION_KEY = "_jixiao_user"


@dataclass(frozen=True)
class User:
    """The dashboard's user.

    name: the login name (or the OS account when there is no login); role: 管理员 / 分析员 / 地区;
    regions: the region codes a 地区 user may see (empty for the other roles); logged_in: True when she
    logged in with a password (or the login cookie), False for the local OS user without a login.
    """

    name: str
    role: str
    regions: tuple[str, ...] = ()
    logged_in: bool = False

    @property
    def restricted(self) -> bool:
        """True for a 地区 user: she reads a region extract, never the warehouse."""
        return self.role == REGION

    def can_write(self) -> bool:
        """Only a 管理员 may change data (upload submissions, acknowledge findings, rebuild)."""
        return self.role == ADMIN

    def describe(self) -> str:
        """For the sidebar and logs: 'wang · 地区（430406）'."""
        regions = f"（{'、'.join(self.regions)}）" if self.regions else ""
        return f"{self.name} · {self.role}{regions}"


def current_user() -> User | None:
    """The user of the current Streamlit session, as set by the dashboard's login gate (main.py); None
    outside a dashboard session or before the login."""
    try:
        import streamlit as st
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        # a command (jixiao score, ack, submit …) runs outside any session: asking st.session_state there
        # logs Streamlit's English "missing ScriptRunContext" warnings on the user's console
        if get_script_run_ctx(suppress_warning=True) is None:
            return None
        return st.session_state.get(SESSION_KEY)
    except Exception:  # no Streamlit session (a command, a test without AppTest)
        return None


def can_write() -> bool:
    """True when the current dashboard user may change data (role 管理员); False otherwise or when nobody is
    logged in."""
    u = current_user()
    return bool(u and u.can_write())
