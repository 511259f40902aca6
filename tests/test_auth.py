"""Issue 15: login, users and roles enforced in the data layer (app/auth/).

- `jixiao user add|remove|list`: bcrypt hashes only, the password never in the file, on the command line or
  in the listing; a random cookie key per users file; mode 0600;
- off loopback a login is required: `jixiao app --address 0.0.0.0` refuses to start without users;
- AppTest: without a login only the login form (no data); wrong passwords, lockout; a removed user is
  logged out; a 地区 user sees only her region's departments on 总览 / 部门详情 and in the SQL page, and
  cannot reach the warehouse by ATTACH, read_parquet, duckdb_databases() or other schemas; an 分析员 sees
  every region;
- every marts/audit table has a rule in app/auth/extract.py (a new table with a department or region
  column fails here until classified); an unclassified table reaches a region user empty;
- 核对发现 shows no file system path for Data Docs.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
from pathlib import Path

import bcrypt
import duckdb
import pytest
import yaml
from conftest import CHROMIUM, YANFENG, build_warehouse, free_port, query, serve_streamlit
from streamlit.testing.v1 import AppTest

from app import auth
from app.auth import extract as X
from app.auth import login as L
from app.auth import users as U
from app.auth.cli import read_password
from app.auth.lockout import Lockout
from app.cli import main as cli_main
from app.cli import make_parser
from app.dashboard import serve
from app.warehouse import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "app" / "dashboard" / "main.py")
DEMO = SAMPLE / "demo"
PASSWORD = "Jixiao-2023!"
ZHUHUI = "430405"  # 珠晖区: the region user's region
SHIGU = "430407"  # 石鼓区
HRSS = "430406-hrss"  # 雁峰区's one department


@pytest.fixture(scope="module")
def regions_warehouse(tmp_path_factory) -> Path:
    """Three regions: 雁峰区 (the worked example) and the demo's 珠晖区 and 石鼓区, 2023."""
    wh = tmp_path_factory.mktemp("regions") / "jixiao.duckdb"
    result = build_warehouse(wh, YANFENG, DEMO / f"{ZHUHUI}-2023", DEMO / f"{SHIGU}-2023")
    assert result.swapped and not result.refused
    return wh


@pytest.fixture
def users_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "users" / "users.yaml"
    monkeypatch.setenv("JIXIAO_USERS", str(path))
    # no warehouse unless a test names one: region codes are then checked for their form only
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "no-warehouse" / "jixiao.duckdb"))
    return path


@pytest.fixture
def wh(regions_warehouse, users_file, monkeypatch) -> Path:
    """The three-region warehouse with three users: admin 管理员, ana 分析员, wang 地区 (珠晖区)."""
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(regions_warehouse))
    U.add_user(users_file, "admin", U.ADMIN, [], PASSWORD)
    U.add_user(users_file, "ana", U.ANALYST, [], PASSWORD)
    U.add_user(users_file, "wang", U.REGION, [ZHUHUI], PASSWORD)
    return regions_warehouse


def depts_of(warehouse: Path, region: str) -> set[str]:
    rows = query(warehouse, "select dept_code from marts.dim_department where region_code = ?", [region])
    return {r[0] for r in rows}


# ---------------------------------------------------------------------------- jixiao user


def run_cli(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    capsys.readouterr()  # only this command's output (not what an AppTest run printed before)
    code = cli_main(argv)
    return code, capsys.readouterr().out


def test_user_add_list_remove(users_file, monkeypatch, capsys):
    code, out = run_cli(
        ["user", "add", "Wang", "--role", "地区", "--region", "430405", "430407"],
        PASSWORD + "\n",
        monkeypatch,
        capsys,
    )
    assert code == 0 and out.strip() == f"已保存用户 wang（地区，区划 430405、430407）到 {users_file}。"
    code, _ = run_cli(["user", "add", "ana", "--role", "分析员"], PASSWORD + "\n", monkeypatch, capsys)
    assert code == 0
    text = users_file.read_text(encoding="utf-8")
    assert PASSWORD not in text
    cfg = yaml.safe_load(text)
    stored = cfg["credentials"]["usernames"]
    assert set(stored) == {"wang", "ana"}
    for u in stored.values():
        assert u["password"].startswith("$2b$12$") and len(u["password"]) == 60
        assert bcrypt.checkpw(PASSWORD.encode(), u["password"].encode())
        assert not bcrypt.checkpw(b"wrong-password", u["password"].encode())
    assert stored["wang"]["regions"] == ["430405", "430407"] and stored["wang"]["role"] == "地区"
    assert stat.S_IMODE(users_file.stat().st_mode) == 0o600
    assert len(cfg["cookie"]["key"]) == 64 and int(cfg["cookie"]["key"], 16)

    code, out = run_cli(["user", "list"], "", monkeypatch, capsys)
    assert code == 0
    assert out.splitlines() == [
        f"用户文件：{users_file}",
        "用户\t角色\t区划",
        "ana\t分析员\t全部",
        "wang\t地区\t430405、430407",
    ]
    assert "$2b$" not in out

    code, out = run_cli(["user", "remove", "WANG"], "", monkeypatch, capsys)
    assert code == 0 and out.strip() == f"已删除用户 wang（{users_file}）。"
    assert [e.name for e in U.list_users(users_file)] == ["ana"]
    code, out = run_cli(["user", "remove", "wang"], "", monkeypatch, capsys)
    assert code == 7 and "没有用户“wang”" in out


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["user", "add", "x", "--role", "管理员"], "short\n", "密码太短：至少 8 个字符。"),
        (
            ["user", "add", "x", "--role", "管理员"],
            "",
            "没有读到密码：请在终端中运行，或从标准输入提供一行密码。",
        ),
        (
            ["user", "add", "x", "--role", "管理员"],
            " padded-password \n",
            "密码不能以空格开头或结尾（登录时首尾空格会被去掉）。",
        ),
        (
            ["user", "add", "x", "--role", "地区"],
            PASSWORD + "\n",
            "地区用户至少要用 --region 指定一个区划代码。",
        ),
        (
            ["user", "add", "x", "--role", "分析员", "--region", "430405"],
            PASSWORD + "\n",
            "只有“地区”角色需要 --region；分析员可以看到全部区划。",
        ),
        (["user", "add", "a b", "--role", "管理员"], PASSWORD + "\n", "用户名“a b”无效"),
        (
            ["user", "add", "x", "--role", "地区", "--region", "43/../x"],
            PASSWORD + "\n",
            "区划代码无效：43/../x（应为 6 位数字的行政区划代码，如 430406）。",
        ),
        (
            ["user", "add", "x", "--role", "地区", "--region", "4304060", "--force"],
            PASSWORD + "\n",
            "区划代码无效：4304060（应为 6 位数字的行政区划代码，如 430406）。",
        ),
    ],
)
def test_user_add_refuses(argv, stdin, message, users_file, monkeypatch, capsys):
    code, out = run_cli(argv, stdin, monkeypatch, capsys)
    assert code == 2 and message in out.replace("\n", ""), out
    assert not users_file.exists()


def test_password_is_never_a_command_line_argument():
    with pytest.raises(SystemExit):
        make_parser().parse_args(["user", "add", "x", "--role", "管理员", "--password", PASSWORD])
    with pytest.raises(SystemExit):  # --role is one of the three
        make_parser().parse_args(["user", "add", "x", "--role", "superuser"])


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_password_on_a_terminal_is_asked_twice_without_echo():
    asked = []

    def prompt(text):  # getpass.getpass: reads without echo
        asked.append(text)
        return PASSWORD

    assert read_password(_Tty(), prompt) == PASSWORD and asked == ["密码：", "再输入一次："]
    answers = iter([PASSWORD, PASSWORD + "x"])
    with pytest.raises(U.UserError, match="两次输入的密码不一致"):
        read_password(_Tty(), lambda _: next(answers))


def test_each_users_file_has_its_own_random_cookie_key(tmp_path):
    keys = set()
    for i in range(2):
        path = tmp_path / f"u{i}.yaml"
        U.add_user(path, "admin", U.ADMIN, [], PASSWORD)
        keys.add(U.load(path)["cookie"]["key"])
    assert len(keys) == 2
    assert not any(k in (ROOT / "app").joinpath(f).read_text() for k in keys for f in ("auth/users.py",))


def test_users_file_defaults_beside_the_warehouse(tmp_path, monkeypatch):
    monkeypatch.delenv("JIXIAO_USERS", raising=False)
    assert U.users_path(tmp_path / "wh" / "jixiao.duckdb") == tmp_path / "wh" / "users.yaml"
    monkeypatch.setenv("JIXIAO_USERS", str(tmp_path / "elsewhere.yaml"))
    assert U.users_path(tmp_path / "wh" / "jixiao.duckdb") == tmp_path / "elsewhere.yaml"


def test_region_codes_must_be_in_the_warehouse(regions_warehouse, users_file, monkeypatch, capsys):
    """`jixiao user add … --role 地区 --region 999999` (red-team finding): refused with the warehouse's regions
    listed; --force adds it (data not loaded yet); without a built warehouse only the form is checked."""
    argv = [
        "user",
        "add",
        "x",
        "--role",
        "地区",
        "--region",
        "999999",
        "430405",
        "-w",
        str(regions_warehouse),
    ]
    code, out = run_cli(argv, PASSWORD + "\n", monkeypatch, capsys)
    assert code == 2 and out.replace("\n", "") == (
        "仓库中没有区划 999999。仓库中的区划：430405 湖南省衡阳市珠晖区、430406 湖南省衡阳市雁峰区、"
        "430407 湖南省衡阳市石鼓区。"
        "如果该区划的数据还没有导入，可加 --force 先添加用户。"
    )
    assert not users_file.exists()
    code, out = run_cli(argv + ["--force"], PASSWORD + "\n", monkeypatch, capsys)
    assert code == 0 and out.strip() == f"已保存用户 x（地区，区划 999999、430405）到 {users_file}。"
    argv = ["user", "add", "y", "--role", "地区", "--region", "430407", "-w", str(regions_warehouse)]
    assert run_cli(argv, PASSWORD + "\n", monkeypatch, capsys)[0] == 0
    assert U.known_regions(users_file.parent / "none.duckdb") is None
    code, _ = run_cli(
        ["user", "add", "z", "--role", "地区", "--region", "999999"], PASSWORD + "\n", monkeypatch, capsys
    )
    assert code == 0  # JIXIAO_WAREHOUSE names no file: nothing to check against
    assert [(e.name, e.regions) for e in U.list_users(users_file)] == [
        ("x", ("999999", "430405")),
        ("y", ("430407",)),
        ("z", ("999999",)),
    ]


# ---------------------------------------------------------------------------- off loopback: login required


def test_sharing_without_users_refuses_to_start(regions_warehouse, users_file, monkeypatch, capsys):
    started = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda *a, **k: started.append(a))
    with pytest.raises(U.LoginRequired) as e:
        serve.serve(regions_warehouse, 8600, "0.0.0.0", say=lambda m: None)
    assert str(e.value) == U.MSG_LOGIN_REQUIRED.format(address="0.0.0.0", path=users_file)
    assert e.value.exit_code == 2 and not started
    code = cli_main(["app", "-w", str(regions_warehouse), "--address", "0.0.0.0", "--headless"])
    out = capsys.readouterr().out.replace("\n", "")
    assert code == 2 and "拒绝启动：看板将对网络开放（0.0.0.0），此时必须登录，但还没有任何用户" in out
    assert not started
    code = cli_main(["demo", "-w", str(users_file.parent / "demo.duckdb"), "--address", "0.0.0.0"])
    assert code == 2 and not (users_file.parent / "demo.duckdb").exists()  # refused before building


def test_sharing_with_users_starts_with_a_warning(regions_warehouse, users_file, monkeypatch):
    U.add_user(users_file, "admin", U.ADMIN, [], PASSWORD)
    said, ran = [], []

    class FakeStreamlit:
        def __init__(self, cmd, env=None):
            ran.append(cmd)

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr(serve.subprocess, "Popen", FakeStreamlit)
    assert serve.serve(regions_warehouse, 8600, "0.0.0.0", say=said.append) == 0
    assert said[0] == serve.WARN_SHARED.format(address="0.0.0.0", port=8600)
    assert "需要登录" in said[0] and "HTTPS" in said[0]
    assert ran[0][ran[0].index("--server.address") + 1] == "0.0.0.0"


# ---------------------------------------------------------------------------- the login gate (AppTest)


def new_app() -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def log_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def logged_in(name: str, page: str | None = None, query: dict | None = None) -> AppTest:
    at = log_in(new_app(), name)
    assert not at.error, [e.value for e in at.error]
    if page:
        if query:
            at.query_params.update(query)
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [t.value for t in at.title] + [h.value for h in at.header] + [s.value for s in at.subheader]
    parts += [e.value for e in at.error] + [str(m.value) for m in at.metric]
    return "\n".join(parts)


def test_without_login_only_the_form(wh):
    at = new_app()
    assert [t.value for t in at.title] == ["部门整体支出绩效评价看板"]
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert [b.label for b in at.button] == ["登录"]
    assert not at.dataframe and not at.metric and not at.selectbox and not at.get("vega_lite_chart")
    assert auth.SESSION_KEY not in at.session_state
    names = query(wh, "select dept_name from marts.dim_department")
    assert not any(n in page_text(at) for (n,) in names)
    at.switch_page("views/sql.py").run()  # a page cannot be reached around the gate
    assert [t.value for t in at.title] == ["部门整体支出绩效评价看板"] and not at.text_area


def test_wrong_password_then_lockout(wh):
    at = new_app()
    log_in(at, "wang", "not-the-password")
    assert [e.value for e in at.error] == [L.MSG_BAD_PASSWORD] and not at.dataframe
    log_in(at, "nobody", PASSWORD)
    assert [e.value for e in at.error] == [L.MSG_BAD_PASSWORD]
    for _ in range(L.MAX_ATTEMPTS - 1):
        log_in(at, "wang", "not-the-password")
    log_in(at, "wang", PASSWORD)  # the right password, but the name is locked now
    assert [e.value for e in at.error] == [L.MSG_LOCKED] and not at.dataframe
    other = log_in(new_app(), "ana")  # only that name is locked
    assert [t.value for t in other.title] == ["总览"]


def test_lock_expires(tmp_path):
    now = [1000.0]
    lock = Lockout(tmp_path / "users.lockout.json", L.MAX_ATTEMPTS, L.LOCK_SECONDS, clock=lambda: now[0])
    assert [lock.failed("wang", None) for _ in range(L.MAX_ATTEMPTS)] == [False] * 4 + [True]
    assert lock.is_locked("wang", None) and lock.is_locked(" WANG ", None)
    now[0] += L.LOCK_SECONDS - 1
    assert lock.is_locked("wang", None)
    now[0] += 1
    assert not lock.is_locked("wang", None)
    assert lock.failed("wang", None) is False  # counting starts again
    assert json.loads((tmp_path / "users.lockout.json").read_text()) == {
        "wang\t本机": {"failures": 1, "last": 1000.0 + L.LOCK_SECONDS}
    }


def _messages(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_lockout_survives_a_restart_and_a_users_file_change(wh, users_file):
    """Red-team finding: the count lived in the server process and restarted with it or with any change of
    users.yaml. Now it is a file beside users.yaml (mode 0600) that neither resets."""
    at = new_app()
    for _ in range(L.MAX_ATTEMPTS):
        log_in(at, "wang", "not-the-password")
    assert _messages(at) == [L.MSG_LOCKED]
    lock_file = users_file.with_name("users.lockout.json")
    saved = json.loads(lock_file.read_text(encoding="utf-8"))
    assert list(saved) == ["wang\t本机"] and saved["wang\t本机"]["failures"] == L.MAX_ATTEMPTS
    assert stat.S_IMODE(lock_file.stat().st_mode) == 0o600
    U.add_user(users_file, "li", U.ANALYST, [], PASSWORD)  # users.yaml changes
    L._config.clear()  # and the server restarts: nothing cached
    at = log_in(new_app(), "wang")
    assert _messages(at) == [L.MSG_LOCKED] and not at.dataframe


def test_unknown_and_locked_names_answer_alike(wh, monkeypatch):
    """A name that is not a user is counted and locked like a real one, with the same messages, and costs
    the same bcrypt check: the lock no longer tells whether a name exists (user enumeration)."""
    import bcrypt as real_bcrypt

    checks = []
    checkpw = real_bcrypt.checkpw
    monkeypatch.setattr(real_bcrypt, "checkpw", lambda pw, h: checks.append(h) or checkpw(pw, h))
    answers = {}
    for name in ("wang", "nobody"):
        at = new_app()
        checks.clear()
        answers[name] = [_messages(log_in(at, name, "not-the-password")) for _ in range(L.MAX_ATTEMPTS + 1)]
        # one bcrypt check per attempt until the lock, none while locked (real name or not)
        assert len(checks) == L.MAX_ATTEMPTS, name
    assert answers["wang"] == answers["nobody"]
    assert answers["wang"] == [[L.MSG_BAD_PASSWORD]] * (L.MAX_ATTEMPTS - 1) + [[L.MSG_LOCKED]] * 2
    assert L.MSG_LOCKED == "该用户名连续 5 次登录失败，已暂时锁定，请 15 分钟后再试，或请管理员重设密码。"


def test_lockout_is_per_client_address(wh, monkeypatch):
    """Anyone could lock the admin out: a failed-login count is kept per name *and* client address, so a
    guesser at 10.0.0.5 locks admin only for 10.0.0.5. Without an address (127.0.0.1, or a proxy on this
    computer) the count is per name (README)."""
    monkeypatch.setattr(L, "_client", lambda: "10.0.0.5")
    at = new_app()
    for _ in range(L.MAX_ATTEMPTS):
        log_in(at, "admin", "not-the-password")
    assert _messages(log_in(at, "admin")) == [L.MSG_LOCKED]
    monkeypatch.setattr(L, "_client", lambda: "10.0.0.6")
    assert [t.value for t in logged_in("admin").title] == ["总览"]
    monkeypatch.setattr(L, "_client", lambda: None)
    assert [t.value for t in logged_in("admin").title] == ["总览"]


def test_a_new_password_lifts_the_lock(wh, users_file, monkeypatch, capsys):
    at = new_app()
    for _ in range(L.MAX_ATTEMPTS):
        log_in(at, "ana", "not-the-password")
    assert _messages(at) == [L.MSG_LOCKED]
    code, out = run_cli(["user", "passwd", "ana"], "Another-pass-1\n", monkeypatch, capsys)
    assert (
        code == 0
        and out.strip() == "已为用户 ana 设置新密码；她此前的登录（包括复制的登录 cookie）均已失效。"
    )
    at = log_in(new_app(), "ana", "Another-pass-1")
    assert [t.value for t in at.title] == ["总览"]
    code, out = run_cli(["user", "passwd", "nobody"], "", monkeypatch, capsys)
    assert code == 7 and "没有用户“nobody”" in out


def test_unwritable_lockout_or_users_file_is_said_not_ignored(wh, monkeypatch):
    """No count, no login (fail closed); a logout whose time cannot be recorded says that a copied cookie may
    still work."""

    def unwritable(*a, **k):
        raise PermissionError(13, "Permission denied")

    at = logged_in("ana")
    monkeypatch.setattr(U, "revoke_logins", unwritable)
    at.sidebar.button(key="jixiao_logout").click().run()
    assert [w.value for w in at.warning] == [L.MSG_LOGOUT_NOT_RECORDED]
    assert [i.value for i in at.info] == [L.MSG_LOGGED_OUT]
    monkeypatch.setattr(Lockout, "failed", unwritable)
    at = log_in(new_app(), "ana", "not-the-password")
    assert _messages(at) == [L.MSG_LOCKOUT_UNAVAILABLE] and not at.dataframe


# ---------------------------------------------------------------------------- copied cookies


def mint_cookie(users_file: Path, name: str, issued: float) -> tuple[str, str]:
    """(cookie name, value) as streamlit-authenticator 0.4.2 writes it at a login at `issued`: a JWT of
    the user name and exp_date = issued + expiry_days, signed with the users file's key."""
    import jwt

    c = U.load(users_file)["cookie"]
    token = {"username": name, "exp_date": issued + float(c["expiry_days"]) * 86400}
    return c["name"], jwt.encode(token, c["key"], algorithm="HS256")


@pytest.fixture
def browser_cookies(monkeypatch) -> dict:
    """The cookies the browser sends (st.context.cookies), which AppTest cannot seed: the library reads
    and verifies them as it would from a browser."""
    from streamlit.runtime.context import ContextProxy, StreamlitCookies

    jar: dict[str, str] = {}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: StreamlitCookies(jar)))
    return jar


def test_a_copied_cookie_dies_at_logout(wh, users_file, browser_cookies):
    """Red-team finding: the library signs only the name and expiry, so a copied cookie stayed valid after
    logout until it expired. Logging out sets the user's not_before; a cookie issued before it shows the
    form, a cookie issued after it still logs in."""
    import time

    name, copied = mint_cookie(
        users_file, "ana", time.time()
    )  # her login (after the fixture set her password)
    browser_cookies[name] = copied
    at = new_app()  # the cookie logs in without the form
    assert [t.value for t in at.title] == ["总览"] and not at.text_input
    at.sidebar.button(key="jixiao_logout").click().run()
    assert [i.value for i in at.info] == [L.MSG_LOGGED_OUT]
    assert U.load(users_file)["credentials"]["usernames"]["ana"]["not_before"] > time.time() - 30
    other = new_app()  # someone else's browser with the copied cookie
    assert [t.label for t in other.text_input] == ["用户名", "密码"] and not other.dataframe
    assert auth.SESSION_KEY not in other.session_state
    browser_cookies[name] = mint_cookie(users_file, "ana", time.time())[1]  # a fresh login's cookie
    assert [t.value for t in new_app().title] == ["总览"]


def test_a_copied_cookie_and_open_sessions_die_at_a_new_password(
    wh, users_file, browser_cookies, monkeypatch, capsys
):
    import time

    name, copied = mint_cookie(users_file, "wang", time.time())
    open_session = logged_in("wang")  # logged in by the form before the change
    browser_cookies[name] = copied
    assert [t.value for t in new_app().title] == ["总览"]
    code, _ = run_cli(["user", "passwd", "wang"], "Another-pass-1\n", monkeypatch, capsys)
    assert code == 0
    assert [t.label for t in new_app().text_input] == ["用户名", "密码"]  # the old cookie
    open_session.run()  # the session opened before: logged out at its next run
    assert [t.label for t in open_session.text_input] == ["用户名", "密码"] and not open_session.dataframe
    browser_cookies[name] = mint_cookie(users_file, "wang", time.time())[1]
    assert [t.value for t in new_app().title] == ["总览"]
    # `jixiao user add` over an existing user sets a password too
    U.add_user(users_file, "wang", U.REGION, [ZHUHUI], PASSWORD)
    assert [t.label for t in new_app().text_input] == ["用户名", "密码"]


def test_logged_in_user_role_and_logout(wh):
    at = logged_in("ana")
    assert [t.value for t in at.title] == ["总览"]
    assert at.session_state[auth.SESSION_KEY] == auth.User("ana", "分析员", (), True)
    assert "**ana** · 分析员" in [m.value for m in at.sidebar.markdown]
    logout = at.sidebar.button(key="jixiao_logout")
    assert logout.label == "退出登录"
    logout.click().run()
    assert [i.value for i in at.info] == [L.MSG_LOGGED_OUT] and not at.dataframe
    assert auth.SESSION_KEY not in at.session_state
    at.button(key="jixiao_login_again").click().run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.dataframe


def test_a_removed_user_is_logged_out_at_the_next_run(wh, users_file):
    at = logged_in("ana")
    assert [t.value for t in at.title] == ["总览"]
    U.remove_user(users_file, "ana")
    at.run()
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.dataframe


def test_current_user_and_can_write_per_role():
    assert auth.User("admin", "管理员").can_write()
    assert not auth.User("ana", "分析员").can_write() and not auth.User("ana", "分析员").restricted
    wang = auth.User("wang", "地区", ("430405",), True)
    assert not wang.can_write() and wang.restricted and wang.describe() == "wang · 地区（430405）"
    assert auth.current_user() is None and not auth.can_write()  # outside a dashboard session


def test_no_users_on_loopback_is_the_os_user_as_admin(regions_warehouse, users_file, monkeypatch):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(regions_warehouse))
    at = new_app()
    assert [t.value for t in at.title] == ["总览"]
    user = at.session_state[auth.SESSION_KEY]
    assert user == auth.User(L._os_user(), "管理员", (), False) and user.can_write()
    assert any(c.value.startswith("本机使用，未启用登录：") for c in at.sidebar.caption)


def test_no_users_off_loopback_shows_only_a_refusal(regions_warehouse, users_file, monkeypatch):
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(regions_warehouse))
    monkeypatch.setattr(L.st, "get_option", lambda key: "0.0.0.0" if key == "server.address" else None)
    at = new_app()
    assert [e.value for e in at.error] == [L.MSG_NO_USERS_SHARED]
    assert not at.dataframe and not at.text_input and auth.SESSION_KEY not in at.session_state


# ---------------------------------------------------------------------------- 地区 users: the data layer


def test_region_user_overview_shows_only_her_departments(wh):
    mine = depts_of(wh, ZHUHUI)
    assert len(mine) == 6
    at = logged_in("wang")
    assert [s.options for s in at.sidebar.selectbox if s.label == "区划"] == [
        ["湖南省衡阳市珠晖区（430405）"]
    ]
    league = next(d.value for d in at.dataframe if "部门" in d.value.columns and "排名" in d.value.columns)
    names = {
        n for (n,) in query(wh, "select dept_name from marts.dim_department where region_code = ?", [ZHUHUI])
    }
    assert set(league["部门"]) == names and len(league) == 6
    assert {d.split("dept=")[1].split("&")[0] for d in league["详情"]} == mine
    assert {m.label: m.value for m in at.metric}["参评部门"] == "6"
    assert "雁峰区" not in page_text(at) and "石鼓区" not in page_text(at)


def test_region_user_cannot_open_another_regions_department(wh):
    at = logged_in("wang", "views/department.py", {"dept": HRSS, "year": "2023", "fw": "hn_dept_overall"})
    mine = depts_of(wh, ZHUHUI)
    assert at.selectbox(key="d_dept").value in mine
    assert set(at.selectbox(key="d_dept").options) == {
        f"{n}（{c}）"
        for c, n in query(
            wh, "select dept_code, dept_name from marts.dim_department where region_code = ?", [ZHUHUI]
        )
    }
    assert "雁峰区" not in page_text(at) and HRSS not in page_text(at)


def run_sql(at: AppTest, sql: str) -> dict:
    at.text_area(key="sql_text").set_value(sql).run()
    at.button(key="sql_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["sql_result"]


def test_region_user_sql_page_sees_only_her_rows(wh):
    at = logged_in("wang", "views/sql.py")
    r = run_sql(at, "select count(distinct dept_code) as n from marts.fct_department_scores")
    assert r["error"] is None and int(r["df"].n.iloc[0]) == 6
    r = run_sql(at, "select distinct region_code from marts.dim_department")
    assert r["df"].region_code.tolist() == [ZHUHUI]
    r = run_sql(
        at,
        "select count(*) as n from marts.fct_region_year_scores where all_regions or region_code <> '430405'",
    )
    assert int(r["df"].n.iloc[0]) == 0  # no all-regions aggregates either
    r = run_sql(
        at,
        "select count(*) as n from marts.fct_reconciliation_findings f where dept_code not in (select dept_code from marts.dim_department)",
    )
    assert int(r["df"].n.iloc[0]) == 0
    everyone = query(wh, "select count(*) from marts.fct_indicator_scores")[0][0]
    mine = query(
        wh,
        "select count(*) from marts.fct_indicator_scores s join marts.dim_department d using (dept_code) where d.region_code = ?",
        [ZHUHUI],
    )[0][0]
    assert 0 < mine < everyone
    r = run_sql(at, "select count(*) as n from marts.fct_indicator_scores")
    assert int(r["df"].n.iloc[0]) == mine


@pytest.mark.parametrize(
    "trick",
    [
        "attach '{wh}' as w (read_only)",
        "select * from read_parquet('{wh}')",
        "select * from read_csv('{wh}')",
        "select * from read_blob('{wh}')",
        "select * from '{wh}'",
        "select * from raw.departments",
        "select * from staging.stg_departments",
        "select * from seeds.dim_region",
        "select count(*) from jixiao.marts.fct_department_scores where dept_code = '430406-hrss'",
    ],
)
def test_region_user_cannot_reach_the_warehouse(wh, trick):
    at = logged_in("wang", "views/sql.py")
    r = run_sql(at, trick.format(wh=wh))
    if r["error"] is None:  # the only query here that may run: it must find nothing of 雁峰区
        assert int(r["df"].iloc[0, 0]) == 0, trick
    else:
        assert r["error"].startswith(("查询被拒绝", "查询出错")), r["error"]


def test_region_user_catalog_shows_only_her_extract(wh):
    at = logged_in("wang", "views/sql.py")
    r = run_sql(at, "select database_name, path from duckdb_databases() where not internal")
    assert len(r["df"]) == 1
    assert str(wh) not in r["df"].path.iloc[0] and str(wh.parent) not in r["df"].path.iloc[0]
    r = run_sql(at, "select distinct schema_name from duckdb_tables() order by 1")
    assert r["df"].schema_name.tolist() == ["audit", "marts"]


def test_analyst_sees_every_region(wh):
    at = logged_in("ana", "views/sql.py")
    r = run_sql(at, "select count(distinct dept_code) as n from marts.fct_department_scores")
    assert (
        int(r["df"].n.iloc[0])
        == query(wh, "select count(distinct dept_code) from marts.fct_department_scores")[0][0]
        == 16
    )
    at.switch_page("views/overview.py").run()
    assert at.sidebar.selectbox(key="f_region").options[0] == "全部区划"


# ---------------------------------------------------------------------------- the region extract


def test_every_public_table_has_a_rule(regions_warehouse):
    """A new mart or audit table fails here until app/auth/extract.py RULES says how to filter it."""
    cols = query(
        regions_warehouse,
        "select schema_name || '.' || table_name, list(column_name) from duckdb_columns() "
        "where schema_name in ('marts', 'audit') group by 1",
    )
    tables = dict(cols)
    assert set(tables) == set(X.RULES), set(tables) ^ set(X.RULES)
    for t, columns in tables.items():
        rule = X.RULES[t]
        if "dept_code" in columns:
            assert rule in (X.DEPT, X.WITHHELD), t
        elif "region_code" in columns:
            assert rule in (X.REGION, X.WITHHELD), t
        if rule == X.GLOBAL:  # nothing that names a department, a region or a submitted file
            assert not {
                "dept_code",
                "dept_name",
                "region_code",
                "submission_id",
                "source_file",
                "source_path",
                "details",
                "observed",
            } & set(columns), t


def test_unclassified_table_reaches_a_region_user_empty(regions_warehouse, tmp_path, monkeypatch):
    monkeypatch.delitem(X.RULES, "marts.fct_department_scores")
    out = tmp_path / "x.duckdb"
    counts = X.write_extract(regions_warehouse, out, (ZHUHUI,))
    assert counts["marts.fct_department_scores"] == 0
    assert counts["marts.dim_department"] == 6
    assert (
        counts["marts.dim_framework"]
        == query(regions_warehouse, "select count(*) from marts.dim_framework")[0][0]
    )
    assert counts["audit.submissions"] == 0 and counts["audit.check_results"] == 0


def test_extract_follows_the_warehouse_version(regions_warehouse, tmp_path):
    live = tmp_path / "live" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(regions_warehouse, live)
    first = X.ensure_extract(live, [ZHUHUI])
    assert first.parent == live.parent / ".region-extracts" and first.exists()
    assert X.ensure_extract(live, [ZHUHUI]) == first  # made once per version
    assert X.ensure_extract(live, [SHIGU]) != first  # and per region set
    shutil.copyfile(regions_warehouse, live.with_name("new.duckdb"))
    os.replace(live.with_name("new.duckdb"), live)  # what a build does
    second = X.ensure_extract(live, [ZHUHUI])
    assert second != first and second.exists()
    assert not [p for p in second.parent.iterdir() if p.name.endswith(".tmp")]
    with duckdb.connect(str(second), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_department").fetchone()[0] == 6


# ---------------------------------------------------------------------------- 核对发现: no file system path


def test_findings_page_names_no_path_for_data_docs(wh):
    at = logged_in("ana", "views/findings.py")
    text = page_text(at)
    assert str(wh.parent) not in text and "file://" not in text
    assert not [c for c in at.code if str(wh.parent) in c.value]
    docs = wh.parent / "data_docs" / "index.html"
    assert (L_DOCS := next(c.value for c in at.caption if "Data Docs" in c.value)) in (
        "Data Docs 在服务器上仓库文件夹的 data_docs/index.html。可下载 zip 后离线打开 index.html，或在下面预览。"
        if docs.exists()
        else "没有找到 Data Docs（应在服务器上仓库文件夹的 data_docs/index.html；运行 jixiao check 生成）。",
    ), L_DOCS
    region = logged_in("wang", "views/findings.py")
    assert "Data Docs 涵盖全部地区的数据，地区用户不可查看。" in [c.value for c in region.caption]
    assert not [b for b in region.get("download_button") if "Data Docs" in b.label]


# ---------------------------------------------------------------------------- the real form in Chromium

ARTIFACTS = ROOT / "tests" / "artifacts"
RENDERED = (
    "() => document.querySelector('[data-test-script-state=notRunning]')"
    " && document.querySelectorAll('[data-testid=stSkeleton]').length === 0"
)


@pytest.fixture(scope="module")
def served_with_users(regions_warehouse, tmp_path_factory):
    """`streamlit run` with jixiao's options (serve.streamlit_command) on 127.0.0.1, three users."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("served_auth")
    users = folder / "users.yaml"
    U.add_user(users, "admin", U.ADMIN, [], PASSWORD)
    U.add_user(users, "ana", U.ANALYST, [], PASSWORD)
    U.add_user(users, "wang", U.REGION, [ZHUHUI], PASSWORD)
    port = free_port()
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(regions_warehouse), JIXIAO_USERS=str(users), HOME=str(folder))
    with serve_streamlit(serve.streamlit_command(Path(MAIN), port), port, env, folder / "streamlit.log") as s:
        yield s.url


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        yield b
        b.close()


def _rendered(page) -> None:
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function(RENDERED, timeout=60_000)


def _metric(page, label: str) -> str:
    m = (
        page.locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
        .first
    )
    return m.locator('[data-testid="stMetricValue"]').inner_text().strip()


def _browser_login(page, url: str, name: str, password: str = PASSWORD) -> None:
    page.goto(url + "/")
    page.get_by_label("用户名").wait_for(timeout=60_000)
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _department_options(page) -> list[str]:
    """The options of the 部门 selector on 部门详情 (opened in the browser)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text("部门详情", exact=True).click()
    page.wait_for_url("**/department**")
    _rendered(page)
    page.locator('[data-testid="stSelectbox"]').filter(has_text="部门").last.click()
    opts = page.locator('[role="option"]')
    opts.first.wait_for()
    out = [o.inner_text().strip() for o in opts.all()]
    page.keyboard.press("Escape")
    return out


@pytest.mark.browser
def test_browser_login_page(served_with_users, chromium):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(served_with_users + "/")
        page.get_by_label("用户名").wait_for(timeout=60_000)
        page.wait_for_function(RENDERED)
        assert page.locator("h1").inner_text().strip() == "部门整体支出绩效评价看板"
        assert page.get_by_label("密码").get_attribute("type") == "password"
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stDataFrame"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "auth-login.png"))
        _browser_login(page, served_with_users, "wang", "wrong-password")
        page.get_by_text(L.MSG_BAD_PASSWORD).wait_for(timeout=30_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.screenshot(path=str(ARTIFACTS / "auth-login-failed.png"))
    finally:
        page.close()


@pytest.mark.browser
def test_browser_region_user_sees_only_her_region(served_with_users, chromium, regions_warehouse):
    context = chromium.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    try:
        _browser_login(page, served_with_users, "wang")
        page.locator("h1", has_text="总览").wait_for(timeout=60_000)
        _rendered(page)
        assert _metric(page, "参评部门") == "6"
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "wang · 地区" in sidebar.inner_text() and "可查看的区划：430405" in sidebar.inner_text()
        page.screenshot(path=str(ARTIFACTS / "auth-region-overview.png"))
        names = dict(query(regions_warehouse, "select dept_code, dept_name from marts.dim_department"))
        mine = sorted(f"{names[c]}（{c}）" for c in depts_of(regions_warehouse, ZHUHUI))
        assert sorted(_department_options(page)) == mine
        # a reload keeps the login (the signed cookie), and the role is still 地区
        page.reload()
        page.locator("h1", has_text="部门详情").wait_for(timeout=60_000)
        _rendered(page)
        assert "wang · 地区" in page.locator('[data-testid="stSidebar"]').inner_text()
        # logout: back to the form, and a reload does not log in again
        page.get_by_role("button", name="退出登录").click()
        page.get_by_text(L.MSG_LOGGED_OUT).wait_for(timeout=30_000)
        # the logout is written to users.yaml (a copied cookie dies with it); the page then shows the form
        page.get_by_label("用户名").wait_for(timeout=30_000)
        _rendered(page)  # the rerun has finished: elements of the page before the logout are gone
        page.screenshot(path=str(ARTIFACTS / "auth-region-logged-out.png"))
        assert page.locator('[data-testid="stMetric"]').count() == 0
        page.reload()
        page.get_by_label("用户名").wait_for(timeout=60_000)
        assert page.locator('[data-testid="stMetric"]').count() == 0
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(("name", "role"), [("ana", "分析员"), ("admin", "管理员")])
def test_browser_analyst_and_admin_see_every_region(
    served_with_users, chromium, regions_warehouse, name, role
):
    context = chromium.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    try:
        _browser_login(page, served_with_users, name)
        page.locator("h1", has_text="总览").wait_for(timeout=60_000)
        _rendered(page)
        assert _metric(page, "参评部门") == "16"
        assert f"{name} · {role}" in page.locator('[data-testid="stSidebar"]').inner_text()
        assert len(_department_options(page)) == 16
        page.screenshot(path=str(ARTIFACTS / f"auth-{name}-department.png"))
    finally:
        context.close()


def _login_cookies(context) -> list[dict]:
    """The login cookie once the browser has set it (a component's script sets it after the login)."""
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"].startswith("jixiao_auth_")]
        if found:
            return found
        time.sleep(0.25)
    pytest.fail("no login cookie was set")


@pytest.mark.browser
def test_browser_copied_cookie_is_refused_after_logout(served_with_users, chromium):
    """The red team's attack, end to end: copy the login cookie into another browser. Before the logout the
    copy logs in; after it, the copy shows only the form."""
    url = served_with_users
    owner = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = owner.new_page()
        _browser_login(page, url, "admin")
        page.locator("h1", has_text="总览").wait_for(timeout=60_000)
        _rendered(page)
        copied = _login_cookies(owner)
        for phase in ("before", "after"):
            if phase == "after":
                page.get_by_role("button", name="退出登录").click()
                page.get_by_text(L.MSG_LOGGED_OUT).wait_for(timeout=30_000)
                _rendered(page)
                # the page list goes with the login: the browser that logged out no longer shows it
                assert page.locator('[data-testid="stSidebarNav"]').count() == 0
                page.screenshot(path=str(ARTIFACTS / "auth-after-logout.png"))
            thief = chromium.new_context(viewport={"width": 1280, "height": 900})
            try:
                thief.add_cookies(copied)
                other = thief.new_page()
                other.goto(url + "/")
                if phase == "before":
                    other.locator("h1", has_text="总览").wait_for(timeout=60_000)
                else:
                    other.get_by_label("用户名").wait_for(timeout=60_000)
                    _rendered(other)
                    assert other.locator('[data-testid="stMetric"]').count() == 0
                    assert other.locator('[data-testid="stSidebarNav"]').count() == 0
                    other.screenshot(path=str(ARTIFACTS / "auth-copied-cookie-after-logout.png"))
            finally:
                thief.close()
    finally:
        owner.close()


def test_pages_read_only_through_the_data_layer():
    """A page that opened the warehouse itself would show a 地区 user every region: pages read through
    app/dashboard/data.py (q, read_path, current_version), which point a 地区 user at her extract. The
    warehouse's own path may only locate the dbt documentation (docs.table_docs) or show its name."""
    import re

    allowed = {"docs.table_docs(data.warehouse_path())", "wh = data.warehouse_path()"}
    # writes (uploads staged beside the warehouse, jobs that rebuild it): only after jobs_ui.require_write()
    allowed |= {
        "S.stage([(f.name, f.getvalue()) for f in files], data.warehouse_path()",
        "jobs.start(kind, params, data.warehouse_path()",
    }
    for f in sorted((ROOT / "app" / "dashboard").rglob("*.py")):
        if f.name in ("data.py", "sandbox.py", "serve.py"):
            continue
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.search(r"connect_readonly|duckdb\.connect\(|W\.default_warehouse", line), (
                f.name,
                n,
                line,
            )
            if "warehouse_path()" in line:
                assert any(a in line for a in allowed), (f.name, n, line)
            if "run_query(" in line and "def " not in line:
                following = f.read_text(encoding="utf-8").splitlines()[n - 1 : n + 2]
                assert "data.read_path()" in " ".join(following), (f.name, n)


def test_a_malformed_login_cookie_shows_the_form_not_an_error(wh, monkeypatch):
    """A forged cookie (e.g. a JWT with alg "none") fails to decode inside the library: the login form, as for
    anyone not logged in — never an error page that hides the form (red-team finding)."""
    import jwt
    from streamlit_authenticator.controllers import CookieController

    def forged(self):
        raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")

    monkeypatch.setattr(CookieController, "get_cookie", forged)
    at = new_app()
    assert [t.label for t in at.text_input] == ["用户名", "密码"] and not at.dataframe


def test_region_extract_holds_no_server_path(regions_warehouse, tmp_path):
    """audit.check_runs.docs_dir names the Data Docs folder on the server: NULL in a region user's extract,
    so `select docs_dir from audit.check_runs` on her SQL page shows no path (red-team finding)."""
    live = tmp_path / "live" / "jixiao.duckdb"
    live.parent.mkdir()
    shutil.copyfile(regions_warehouse, live)
    (full,) = query(live, "select count(docs_dir) from audit.check_runs")[0]
    assert full > 0  # the warehouse has the paths
    extract = X.ensure_extract(live, [ZHUHUI])
    rows = query(extract, "select count(*), count(docs_dir) from audit.check_runs")
    assert rows == [(rows[0][0], 0)] and rows[0][0] > 0


@pytest.mark.parametrize("role", [U.ANALYST, U.REGION])
def test_only_an_admin_may_start_a_write_job(role, monkeypatch):
    """Uploads, scores, acknowledgements and batches all start in jobs_ui.start_job: an analyst or a region
    user is refused there (not only by the pages being hidden), and no job is created."""
    from app.dashboard import jobs_ui

    started = []
    monkeypatch.setattr(jobs_ui.jobs, "start", lambda *a, **k: started.append(a))
    monkeypatch.setattr(jobs_ui, "current_user", lambda: auth.User("ana", role, (ZHUHUI,), True))
    with pytest.raises(jobs_ui.NotAllowed, match=f"^{role}只能查看，不能修改数据；请联系管理员$"):
        jobs_ui.start_job("upload", "submit", {})
    assert started == []
    monkeypatch.setattr(jobs_ui, "current_user", lambda: auth.User("admin", U.ADMIN, (), True))
    monkeypatch.setattr(jobs_ui.data, "warehouse_path", lambda: Path("/nonexistent/jixiao.duckdb"))
    monkeypatch.setattr(jobs_ui.st, "session_state", {})
    jobs_ui.start_job("upload", "submit", {})
    assert len(started) == 1


def test_outside_a_dashboard_session_there_is_no_user_and_streamlit_says_nothing():
    """`jixiao score`/`ack`/`submit` ask who is acting (app.workflow.actor): outside a Streamlit session that
    is nobody, found without touching st.session_state, which would log Streamlit's English warnings
    ("missing ScriptRunContext", "Session state does not function…") on the user's console."""
    import logging

    import streamlit.logger

    from app.auth import current_user

    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    names = (
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.state.session_state_proxy",
    )
    handlers = [(streamlit.logger.get_logger(n), Keep()) for n in names]
    for log, h in handlers:
        log.addHandler(h)
    try:
        assert current_user() is None
    finally:
        for log, h in handlers:
            log.removeHandler(h)
    assert seen == []
