"""The dashboard's users file: who may log in, with which role and regions (``jixiao user add|remove|list``).

The file is YAML in streamlit-authenticator's layout, so the library reads it as it is::

    cookie: {name: jixiao_auth_<random>, key: <64 random hex digits>, expiry_days: 1}
    credentials:
      usernames:
        wang: {name: wang, password: $2b$12$…, role: 地区, regions: ['430406']}

* **Where.** ``$JIXIAO_USERS`` if set, else ``users.yaml`` beside the warehouse (``warehouse/`` is ignored by
  git, and a warehouse elsewhere keeps its users beside it): never in the repository.
* **Passwords** are stored only as bcrypt hashes (cost 12); the clear text is never written, printed or
  taken from the command line.
* **The cookie key** that signs the login cookie (a JWT) is drawn at random (``secrets.token_hex(32)``)
  when the file is created, so every installation has its own; nothing secret is in the repository.
* Written atomically (a temporary file in the same folder, then ``os.replace``) with mode 0600, under an
  exclusive lock (``.users.yaml.lock`` beside it) so that a logout in the dashboard and a ``jixiao user``
  command never lose each other's change.
* **Not before.** Each user may carry ``not_before`` (seconds since the epoch): a login cookie issued before
  it, or a dashboard session that logged in before it, is no longer accepted. It is set when she logs out
  and when her password is set (``jixiao user add`` / ``jixiao user passwd``), because the library's cookie
  signs only her name and its expiry, so a copied cookie would otherwise stay valid until it expires.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from app import warehouse as W
from app.errors import EXIT_INPUT_REFUSED, EXIT_NOT_FOUND, JixiaoError

ADMIN, ANALYST, REGION = "管理员", "分析员", "地区"
ROLES = (ADMIN, ANALYST, REGION)
ROLE_HELP = {
    ADMIN: "全部地区，可做写入操作（上传、确认核对发现等）",
    ANALYST: "全部地区，只读",
    REGION: "只能看到所列区划的部门（每一页和 SQL 查询页都如此）",
}
USERS_FILE = "users.yaml"
BCRYPT_ROUNDS = 12
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt uses at most 72 bytes
COOKIE_EXPIRY_DAYS = 1.0
_NAME = re.compile(r"^[\w.\-@]{1,64}$")
_REGION = re.compile(r"^[0-9]{6}$")  # GB/T 2260 administrative division code: 6 ASCII digits


class UserError(JixiaoError):
    """A `jixiao user` command refused its input (bad name, role, region or password). Message in Chinese."""

    exit_code = EXIT_INPUT_REFUSED


class UserNotFound(JixiaoError):
    """`jixiao user remove NAME` for a name that is not in the users file."""

    exit_code = EXIT_NOT_FOUND


class LoginRequired(JixiaoError):
    """`jixiao app --address` away from loopback while no user exists: the dashboard would be open to the
    network without a login, so it does not start."""

    exit_code = EXIT_INPUT_REFUSED


MSG_LOGIN_REQUIRED = (
    "拒绝启动：看板将对网络开放（{address}），此时必须登录，但还没有任何用户（用户文件：{path}）。"
    "请先运行 jixiao user add 用户名 --role 管理员|分析员|地区 [--region 区划代码 …] 添加用户，"
    "或不加 --address，只在本机使用。"
)


def require_users_for(address: str, warehouse: Path) -> None:
    """Raise LoginRequired when `address` is not a loopback address and the users file has no user."""
    from app.dashboard.serve import is_loopback

    path = users_path(warehouse)
    if not is_loopback(address) and not has_users(path):
        raise LoginRequired(MSG_LOGIN_REQUIRED.format(address=address, path=path))


@dataclass(frozen=True)
class UserEntry:
    """One line of the users file, without its hash. `regions` is empty unless role is 地区."""

    name: str
    role: str
    regions: tuple[str, ...] = ()


def users_path(warehouse: Path | None = None) -> Path:
    """$JIXIAO_USERS, else users.yaml beside `warehouse` (default: the default warehouse)."""
    env = os.environ.get("JIXIAO_USERS")
    if env:
        return Path(env).expanduser().resolve()
    return (warehouse or W.default_warehouse()).parent / USERS_FILE


def normalize_name(name: str) -> str:
    """The login name as stored: stripped and lower-cased (streamlit-authenticator lower-cases what is typed).
    Raises UserError for an empty name or one with characters other than letters, digits, ``_ . - @``."""
    n = (name or "").strip().lower()
    if not _NAME.match(n):
        raise UserError(f"用户名“{name}”无效：只能包含字母、数字、汉字和 _ . - @，最长 64 个字符。")
    return n


def load(path: Path) -> dict:
    """The users file as a dict (an empty configuration if the file does not exist)."""
    if not path.exists():
        return {}
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise UserError(f"用户文件 {path.name} 不是有效的 YAML：{str(e).splitlines()[0]}") from None
    if not isinstance(cfg, dict):
        raise UserError(f"用户文件 {path.name} 的格式不对（应为 cookie 与 credentials 两节）。")
    return cfg


def entries(cfg: dict) -> list[UserEntry]:
    """Every user of a loaded configuration, sorted by name (no hashes)."""
    users = ((cfg.get("credentials") or {}).get("usernames")) or {}
    out = []
    for name, u in users.items():
        u = u or {}
        out.append(
            UserEntry(str(name), str(u.get("role") or ""), tuple(str(r) for r in u.get("regions") or ()))
        )
    return sorted(out, key=lambda e: e.name)


def list_users(path: Path) -> list[UserEntry]:
    return entries(load(path))


def has_users(path: Path) -> bool:
    """True when the file exists and names at least one user: then the dashboard requires a login."""
    try:
        return bool(list_users(path))
    except UserError:
        return True  # a broken users file must not open the dashboard: the login page reports it


def hash_password(password: str) -> str:
    """A bcrypt hash ($2b$12$…, 60 characters) of `password`. Raises UserError if it is shorter than
    MIN_PASSWORD characters, longer than 72 bytes, or starts/ends with white space."""
    import bcrypt

    if password is None or len(password) < MIN_PASSWORD:
        raise UserError(f"密码太短：至少 {MIN_PASSWORD} 个字符。")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(f"密码太长：最多 {MAX_PASSWORD_BYTES} 个字节（bcrypt 的上限）。")
    if password != password.strip():
        raise UserError("密码不能以空格开头或结尾（登录时首尾空格会被去掉）。")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(BCRYPT_ROUNDS)).decode("ascii")


def _new_config() -> dict:
    return {
        "cookie": {
            "name": "jixiao_auth_" + secrets.token_hex(4),
            "key": secrets.token_hex(32),
            "expiry_days": COOKIE_EXPIRY_DAYS,
        },
        "credentials": {"usernames": {}},
    }


@contextlib.contextmanager
def _locked(path: Path):
    """An exclusive lock (flock on ``.<name>.lock`` beside `path`) around a read-modify-write of the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _write(path: Path, cfg: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# jixiao 看板用户（jixiao user add|remove|list 维护）。密码只存 bcrypt 散列；cookie.key 是登录 cookie 的签名密钥，请勿外传。\n"
        + yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False)
    )
    fd, tmp = tempfile.mkstemp(prefix=".users-", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_user(
    path: Path, name: str, role: str, regions: list[str] | tuple[str, ...], password: str
) -> UserEntry:
    """Add or replace user `name` with `role` (管理员 / 分析员 / 地区) and, for 地区, the region codes it may
    see. Creates the file (with a new random cookie key) if needed. Raises UserError on a bad name, role,
    region list or password."""
    name, regs = check_entry(name, role, regions)
    hashed = hash_password(password)
    with _locked(path):
        cfg = load(path) or _new_config()
        cfg.setdefault("cookie", _new_config()["cookie"])
        users = cfg.setdefault("credentials", {}).setdefault("usernames", {}) or {}
        cfg["credentials"]["usernames"] = users
        # a new password ends every login made with the old one (cookies and open sessions)
        entry = {"name": name, "password": hashed, "role": role, "not_before": time.time()}
        if regs:
            entry["regions"] = list(regs)
        users[name] = entry
        _write(path, cfg)
    return UserEntry(name, role, regs)


def set_password(path: Path, name: str, password: str) -> None:
    """Give user `name` a new password, keeping her role and regions, and end every login made before
    (``not_before``). Raises UserNotFound for an unknown name, UserError for a bad password."""
    n = (name or "").strip().lower()
    hashed = hash_password(password)
    with _locked(path):
        cfg = load(path)
        users = ((cfg.get("credentials") or {}).get("usernames")) or {}
        if n not in users:
            raise UserNotFound(f"没有用户“{name}”（用户文件：{path.name}）。")
        users[n]["password"] = hashed
        users[n]["not_before"] = time.time()
        _write(path, cfg)


def revoke_logins(path: Path, name: str, at: float | None = None) -> None:
    """Set user `name`'s ``not_before`` to `at` (default: now): every login cookie issued and every session
    logged in before it is refused from then on. Called at logout. Does nothing for an unknown name."""
    n = (name or "").strip().lower()
    with _locked(path):
        cfg = load(path)
        users = ((cfg.get("credentials") or {}).get("usernames")) or {}
        if n not in users:
            return
        users[n]["not_before"] = time.time() if at is None else float(at)
        _write(path, cfg)


def cookie_issued_at(token: dict, expiry_days: float) -> float:
    """When a streamlit-authenticator 0.4.2 login cookie was issued, in seconds since the epoch. Its JWT
    holds only ``username`` and ``exp_date`` (issue time + ``expiry_days``, CookieModel._set_exp_date), so
    the issue time is ``exp_date - expiry_days * 86400``. (Lowering ``cookie.expiry_days`` in the file would
    make older cookies look newer: keep it, or set ``not_before`` for everyone after lowering it.)"""
    return float(token["exp_date"]) - float(expiry_days) * 86400.0


def login_is_current(user: dict, issued_at: float) -> bool:
    """True when a login (a cookie issued, or a session logged in, at `issued_at`) is not older than the
    user's ``not_before``; a user without ``not_before`` accepts any login."""
    nb = (user or {}).get("not_before")
    return nb is None or float(issued_at) >= float(nb)


def check_entry(name: str, role: str, regions) -> tuple[str, tuple[str, ...]]:
    """(stored name, region codes) of a user to add; UserError (Chinese) for a bad name, role or region
    list. `jixiao user add` calls it before asking for the password."""
    name = normalize_name(name)
    if role not in ROLES:
        raise UserError(f"角色“{role}”无效：应为 {'、'.join(ROLES)} 之一。")
    regs = tuple(dict.fromkeys(str(r).strip() for r in regions or () if str(r).strip()))
    if role == REGION and not regs:
        raise UserError("地区用户至少要用 --region 指定一个区划代码。")
    if role != REGION and regs:
        raise UserError(f"只有“{REGION}”角色需要 --region；{role}可以看到全部区划。")
    bad = [r for r in regs if not _REGION.match(r)]
    if bad:
        raise UserError(f"区划代码无效：{'、'.join(bad)}（应为 6 位数字的行政区划代码，如 430406）。")
    return name, regs


def known_regions(warehouse: Path) -> dict[str, str] | None:
    """{region code: region name} of the departments in the warehouse (marts.dim_department), or None when
    there is no built warehouse at `warehouse` (then region codes cannot be checked against it)."""
    import duckdb

    if not warehouse.is_file():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute(
            "SELECT region_code, min(region_name) FROM marts.dim_department "
            "WHERE region_code IS NOT NULL GROUP BY region_code ORDER BY region_code"
        ).fetchall()
    except duckdb.Error:  # not built yet (no marts)
        return None
    finally:
        con.close()
    return {str(c): str(n or "") for c, n in rows}


def check_regions_known(regions, warehouse: Path) -> None:
    """Raise UserError when a region code is not among the warehouse's regions (known_regions). Does
    nothing without a built warehouse. The message (Chinese) lists the known regions and names --force,
    for a region whose data has not been loaded yet."""
    known = known_regions(warehouse)
    if known is None:
        return
    unknown = [r for r in regions if r not in known]
    if unknown:
        listed = "、".join(f"{c} {n}".strip() for c, n in known.items()) or "（无）"
        raise UserError(
            f"仓库中没有区划 {'、'.join(unknown)}。仓库中的区划：{listed}。"
            "如果该区划的数据还没有导入，可加 --force 先添加用户。"
        )


def remove_user(path: Path, name: str) -> None:
    """Remove user `name`. Raises UserNotFound if there is no such user. Her open sessions end at their
    next page load (the dashboard re-reads the file)."""
    n = (name or "").strip().lower()
    with _locked(path):
        cfg = load(path)
        users = ((cfg.get("credentials") or {}).get("usernames")) or {}
        if n not in users:
            raise UserNotFound(f"没有用户“{name}”（用户文件：{path.name}）。")
        del users[n]
        _write(path, cfg)
