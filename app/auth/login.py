"""The dashboard's login gate (streamlit-authenticator), called by app/dashboard/main.py before any page.

* **Users file with at least one user** (``jixiao user add``): a login is required, on 127.0.0.1 too.
  The form is streamlit-authenticator's, with Chinese labels; passwords are checked against the bcrypt
  hashes; a signed cookie (the file's own random key, ``cookie.expiry_days``) keeps the login across page
  reloads. After MAX_ATTEMPTS wrong passwords for one login name from one client address, that name is
  locked for LOCK_SECONDS from that address (app/auth/lockout.py: a file beside the users file, so it
  survives restarts; unknown names are counted and locked the same way, with the same messages and a
  bcrypt check of the same cost, so nothing tells whether a name exists). A user removed from the file,
  or whose role changed, is logged out / re-read at her next page load: the role and regions always come
  from the file, never from the cookie.
* **Logout and new passwords end old logins.** The library's cookie signs only the name and its expiry, so
  a copied cookie would stay valid until it expires. Logging out, ``jixiao user passwd`` and
  ``jixiao user add`` set the user's ``not_before`` in the users file; a cookie issued before it is ignored
  (the form is shown) and a session that logged in before it is logged out at its next run.
* **No users**: on this computer only (Streamlit bound to a loopback address and the browser on this
  computer) the dashboard opens without a login, as the OS user with the role 管理员. Bound to any other
  address it shows only a refusal (``jixiao app --address`` already refuses to start then).
"""

from __future__ import annotations

import getpass
import time
from pathlib import Path

import streamlit as st

from app.auth import ADMIN, SESSION_KEY, User
from app.auth import users as U
from app.auth.lockout import Lockout, lockout_path
from app.dashboard.ui import md

MAX_ATTEMPTS = 5
LOCK_SECONDS = 15 * 60
FIELDS = {"Form name": "登录", "Username": "用户名", "Password": "密码", "Login": "登录", "Captcha": "验证码"}
MSG_BAD_PASSWORD = "用户名或密码错误。"
MSG_LOCKED = f"该用户名连续 {MAX_ATTEMPTS} 次登录失败，已暂时锁定，请 {LOCK_SECONDS // 60} 分钟后再试，或请管理员重设密码。"
MSG_LOCKOUT_UNAVAILABLE = "无法记录登录失败次数（锁定文件不可写），暂时不能登录，请联系管理员。"
MSG_LOGOUT_NOT_RECORDED = (
    "已退出本页，但无法在用户文件中记录退出时间：复制的登录 cookie 在过期前仍可能有效。请联系管理员。"
)
_LOCKED = "jixiao: locked"  # the LoginError text our guard raises for a locked name
_LOGIN_AT = "_jixiao_login_at"  # when this session's login was made (the form: now; a cookie: its issue time)
MSG_NO_USERS_SHARED = (
    "看板对网络开放时必须登录，但还没有任何用户。请在服务器上运行 "
    "`jixiao user add 用户名 --role 管理员|分析员|地区 [--region 区划代码 …]` 添加用户后刷新本页。"
)
TITLE = "部门整体支出绩效评价看板"
MSG_LOGGED_OUT = "已退出登录。"
_COOKIE_PENDING = "_jixiao_set_login_cookie"


def _local_only() -> bool:
    """Streamlit is bound to a loopback address (or not bound by us: AppTest) and this browser is on this
    computer (Streamlit reports no client address for 127.0.0.1 / ::1)."""
    from app.dashboard.serve import is_loopback

    address = st.get_option("server.address")
    if address and not is_loopback(str(address)):
        return False
    ip = st.context.ip_address  # None for 127.0.0.1 / ::1; a string for any other client
    # (AppTest has no client: its placeholder is not a string)
    return not isinstance(ip, str) or is_loopback(ip)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "本机用户"


@st.cache_resource(show_spinner=False, max_entries=8)
def _config(path: str, stamp: tuple[int, int, int]) -> dict:
    """The users file, shared by every session of this server until the file changes (`stamp`): the failed
    login counts live in it."""
    return U.load(Path(path))


def _stamp(path: Path) -> tuple[int, int, int]:
    s = path.stat()
    return (s.st_ino, s.st_mtime_ns, s.st_size)


def _client() -> str | None:
    """The browser's address as Streamlit reports it (the TCP peer), or None for a client on 127.0.0.1 / ::1
    and in AppTest: then failed logins are counted per name only."""
    ip = st.context.ip_address
    return ip if isinstance(ip, str) and ip else None


@st.cache_resource(show_spinner=False)
def _dummy_hash() -> bytes:
    """A bcrypt hash of the users file's cost, checked against the password typed for an unknown name, so
    that answering for a name that does not exist takes as long as for one that does."""
    import bcrypt

    return bcrypt.hashpw(b"jixiao-no-such-user", bcrypt.gensalt(U.BCRYPT_ROUNDS))


def _guard_logins(auth, users: dict, lock: Lockout, client: str | None) -> None:
    """Put the persistent lockout around the library's password check (its AuthenticationController.login,
    called by the form with the typed name and password; a cookie login passes neither and is left alone)."""
    from streamlit_authenticator.utilities import LoginError

    original = auth.authentication_controller.login

    def guarded(username=None, password=None, *args, **kwargs):
        if not username:
            return original(username, password, *args, **kwargs)
        name = str(username).strip().lower()
        if lock.is_locked(name, client):
            raise LoginError(_LOCKED)
        if name not in users:  # the same bcrypt work as for a real name (the library returns at once)
            import bcrypt

            bcrypt.checkpw(str(password or "").strip().encode("utf-8"), _dummy_hash())
        ok = original(username, password, *args, **kwargs)
        if ok:
            lock.succeeded(name, client)
        elif lock.failed(name, client):
            raise LoginError(_LOCKED)
        return ok

    auth.authentication_controller.login = guarded


def require_user(warehouse: Path) -> User | None:
    """The user of this session, and her name, role and logout button at the top of the sidebar; or None
    when there is none yet (the login form, a refusal or the logged-out notice is drawn): the caller then
    stops the run (app/dashboard/main.py, which also hides the page list: pages are listed only to a user
    who is logged in)."""
    path = U.users_path(warehouse)
    if not U.has_users(path):
        if not _local_only():
            st.title(TITLE)
            st.error(MSG_NO_USERS_SHARED, icon=":material/lock:")
            return None
        user = User(_os_user(), ADMIN, (), logged_in=False)
        st.session_state[SESSION_KEY] = user
        with st.sidebar:
            st.caption(f"本机使用，未启用登录：{user.describe()}")
        return user

    import streamlit_authenticator as stauth
    from streamlit_authenticator.utilities import LoginError

    try:
        cfg = _config(str(path), _stamp(path))
    except U.UserError as e:
        st.title(TITLE)
        st.error(f"用户文件无法读取，看板暂不可用：{e}", icon=":material/lock:")
        return None
    users = cfg["credentials"]["usernames"]
    cookie = cfg.get("cookie") or {}
    expiry_days = float(cookie.get("expiry_days", U.COOKIE_EXPIRY_DAYS))
    auth = stauth.Authenticate(
        cfg["credentials"],
        cookie_name=str(cookie.get("name") or "jixiao_auth"),
        cookie_key=str(cookie["key"]),
        cookie_expiry_days=expiry_days,
        auto_hash=False,
    )
    _guard_logins(auth, users, Lockout(lockout_path(path), MAX_ATTEMPTS, LOCK_SECONDS), _client())
    if not st.session_state.get("authentication_status"):
        # the login cookie first, as auth.login would: a login by cookie draws no form, so this run goes on
        # (a rerun would lose the page the browser asked for)
        try:
            token = auth.cookie_controller.get_cookie()
            if token:
                issued = U.cookie_issued_at(token, expiry_days)
                if not U.login_is_current(users.get(token.get("username")), issued):
                    # issued before her last logout or password change (a copied cookie): ignore it, and
                    # auth.login below must not read it again
                    auth.cookie_controller.get_cookie = lambda: None
                else:
                    auth.authentication_controller.login(token=token)
                    st.session_state[_LOGIN_AT] = issued
        except LoginError:  # the cookie of a user removed since: the form, as for anyone else
            st.session_state["authentication_status"] = None
        except Exception:
            # a forged or malformed cookie (e.g. alg "none"): not logged in, never an error page; auth.login
            # below reads the cookie again, so this run ignores it and the form is drawn
            st.session_state["authentication_status"] = None
            auth.cookie_controller.get_cookie = lambda: None
    was_in = bool(st.session_state.get("authentication_status"))
    form = st.columns([1, 3, 1])[1] if not was_in else st.container()  # a narrow form on the wide layout
    with form:
        if not was_in:
            st.title(TITLE)
        try:
            # the lockout is ours (_guard_logins), not the library's in-memory one: no max_login_attempts
            auth.login(location="main", fields=FIELDS, key="jixiao_login")
        except LoginError as e:
            st.session_state["authentication_status"] = None
            if str(e) == _LOCKED:
                st.error(MSG_LOCKED, icon=":material/lock_clock:")
            elif "not authorized" not in str(e):  # a cookie of a removed user: just show the form again
                st.error(MSG_BAD_PASSWORD, icon=":material/error:")
        except OSError:  # the lockout file cannot be written: no login rather than no count
            st.session_state["authentication_status"] = None
            st.error(MSG_LOCKOUT_UNAVAILABLE, icon=":material/lock:")
    status = st.session_state.get("authentication_status")
    name = st.session_state.get("username")
    if status and not was_in:  # logged in by the form in this run
        st.session_state[_LOGIN_AT] = time.time()
    if status and (
        name not in users or not U.login_is_current(users[name], st.session_state.get(_LOGIN_AT, 0.0))
    ):  # removed from the file, or logged out / given a new password elsewhere, since she logged in
        auth.logout(location="unrendered")
        st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(_LOGIN_AT, None)
        st.rerun()
    if not status:
        st.session_state.pop(SESSION_KEY, None)
        with form:
            if status is False:
                st.error(MSG_BAD_PASSWORD, icon=":material/error:")
            st.caption("请输入用户名和密码。没有账号请联系管理员（jixiao user add）。")
        return None
    if not was_in:  # logged in just now, by the form drawn in this run: start again without it
        st.session_state[_COOKIE_PENDING] = True
        st.rerun()
    if st.session_state.get(_COOKIE_PENDING):
        # the login cookie (a hidden component that sets it in the browser) is drawn in every run of this
        # session: st.rerun discarded the one drawn with the form, and a page switch right after the login
        # must not remove it before the browser has run it
        auth.cookie_controller.set_cookie()
    u = users[name]
    user = User(str(name), str(u.get("role") or ""), tuple(str(r) for r in u.get("regions") or ()), True)
    if user.role not in U.ROLES:
        st.error(f"用户 {user.name} 的角色“{user.role}”无效，请管理员用 jixiao user add 重新设置。")
        return None
    st.session_state[SESSION_KEY] = user
    with st.sidebar:
        st.markdown(f"**{md(user.name)}** · {user.role}")
        if user.regions:
            st.caption("可查看的区划：" + "、".join(user.regions))
        auth.logout("退出登录", location="sidebar", key="jixiao_logout")
    if not st.session_state.get("authentication_status"):  # the logout button was just pressed: stop here
        # (not st.rerun: the browser must still receive the cookie deletion drawn in this run)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state.pop(_COOKIE_PENDING, None)
        st.session_state.pop(_LOGIN_AT, None)
        st.title(TITLE)
        try:  # a copy of her cookie (or another open session) must not outlive the logout
            U.revoke_logins(path, user.name)
        except (OSError, U.UserError):
            st.warning(MSG_LOGOUT_NOT_RECORDED, icon=":material/warning:")
        st.info(MSG_LOGGED_OUT, icon=":material/logout:")
        st.button("重新登录", key="jixiao_login_again")
        return None
    return user


def read_path(user: User, warehouse: Path) -> Path | None:
    """What this user's session reads: None (the warehouse) for 管理员 and 分析员, her region extract for a
    地区 user (made on first use of each warehouse version)."""
    if not user.restricted:
        return None
    from app.auth.extract import ensure_extract

    with st.spinner("正在准备本地区的数据…"):
        return ensure_extract(warehouse, user.regions)
