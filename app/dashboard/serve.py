"""How `jixiao app` and `jixiao demo` start Streamlit: on this computer only, never asking anything.

By default it listens on 127.0.0.1 only, without a login unless users exist (see README, 安全, and
app/auth/). ``--address 0.0.0.0`` (or a LAN address) shares it with the network: then a login is required,
so it refuses to start while the users file has no user (``jixiao user add``). ``--ssl-cert FILE --ssl-key FILE``
serve HTTPS through Streamlit's own ``server.sslCertFile`` / ``server.sslKeyFile`` (checked with the ``ssl``
module before Streamlit starts); off loopback without them it warns (in Chinese) that names, passwords and
the login cookie cross the network in clear unless a TLS reverse proxy is in front. The options below are
given on the command line, so they win over any ``.streamlit/config.toml`` in the current folder or the home
folder:

- ``server.address`` 127.0.0.1 unless asked; ``server.headless`` always true: Streamlit never stops at its
  first-run "Email:" prompt (the browser is opened by us instead), ``browser.gatherUsageStats`` false;
- ``client.toolbarMode`` minimal: no Deploy button, no developer menu (rerun, clear cache);
- ``client.showErrorDetails`` type: an unexpected exception shows its type in the browser, not a traceback
  with the server's file paths; ``client.showErrorLinks`` false: no "ask Google/ChatGPT" links that would
  send an error's text to a third party;
- XSRF protection and CORS on (Streamlit's defaults, stated explicitly), no file watcher, no run-on-save.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

from app.errors import EXIT_INPUT_REFUSED, JixiaoError

LOOPBACK = "127.0.0.1"

WARN_SHARED = (
    "警告：看板将对网络开放（{address}:{port}），需要登录。未启用 HTTPS：用户名、密码和登录 cookie 以明文经过网络。"
    "请用 --ssl-cert 证书文件 --ssl-key 私钥文件 启用 HTTPS，或放在提供 HTTPS 的反向代理之后，或只在可信的内部网络中这样使用。"
)
SAY_SHARED_TLS = "看板将对网络开放（{address}:{port}），需要登录；已启用 HTTPS（证书：{cert}）。"
MSG_TLS_PAIR = "--ssl-cert 与 --ssl-key 必须同时给出（证书文件和它的私钥文件，PEM 格式）。"
MSG_TLS_MISSING = "找不到{what}：{path}"
MSG_TLS_UNUSABLE = "证书或私钥无法使用（{reason}）：{cert}、{key}。请给出 PEM 格式的证书及与之配对的私钥。"


class TlsError(JixiaoError):
    """`--ssl-cert` / `--ssl-key` cannot be used: only one given, a file missing, or a certificate and key
    that the ssl module cannot load as a pair. Message in Chinese; exit code 2."""

    exit_code = EXIT_INPUT_REFUSED


def check_tls(cert: str | Path | None, key: str | Path | None) -> tuple[Path, Path] | None:
    """(certificate, key) as absolute paths when both are given and load as a pair (ssl's load_cert_chain,
    as Streamlit's server will), None when neither is given. Raises TlsError otherwise."""
    if not cert and not key:
        return None
    if not cert or not key:
        raise TlsError(MSG_TLS_PAIR)
    c, k = Path(cert).expanduser().resolve(), Path(key).expanduser().resolve()
    for what, f in (("证书文件", c), ("私钥文件", k)):
        if not f.is_file():
            raise TlsError(MSG_TLS_MISSING.format(what=what, path=f))
    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(str(c), str(k))
    except (ssl.SSLError, OSError) as e:
        raise TlsError(MSG_TLS_UNUSABLE.format(reason=e.reason or e.strerror or e, cert=c, key=k)) from None
    return c, k


def is_loopback(address: str) -> bool:
    if address in ("localhost", ""):
        return address == "localhost"
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback for info in socket.getaddrinfo(address, None)
            )
        except (OSError, ValueError):
            return False


def streamlit_command(
    main: Path, port: int, address: str = LOOPBACK, tls: tuple[Path, Path] | None = None
) -> list[str]:
    """The `streamlit run` command line with the dashboard's server and client options; `tls` (certificate,
    key) from check_tls adds server.sslCertFile / server.sslKeyFile (HTTPS)."""
    options = {
        "server.address": address,
        "server.port": str(port),
        "server.headless": "true",
        "server.enableXsrfProtection": "true",
        "server.enableCORS": "true",
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "browser.gatherUsageStats": "false",
        "browser.serverAddress": "localhost" if is_loopback(address) else address,
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "type",
        "client.showErrorLinks": "false",
        "global.developmentMode": "false",
    }
    if tls:
        options["server.sslCertFile"], options["server.sslKeyFile"] = str(tls[0]), str(tls[1])
    cmd = [sys.executable, "-m", "streamlit", "run", str(main)]
    for k, v in options.items():
        cmd += [f"--{k}", v]
    return cmd


def url(address: str, port: int, https: bool = False) -> str:
    host = (
        "localhost"
        if is_loopback(address)
        else ("本机的网络地址" if address in ("0.0.0.0", "::") else address)
    )
    return f"{'https' if https else 'http'}://{host}:{port}"


def serve(
    warehouse: Path,
    port: int,
    address: str = LOOPBACK,
    open_browser: bool = False,
    say=print,
    ssl_cert: str | Path | None = None,
    ssl_key: str | Path | None = None,
) -> int:
    """Run the dashboard until Ctrl+C. Returns Streamlit's exit code. Raises LoginRequired (off loopback
    without users) or TlsError (bad --ssl-cert / --ssl-key) before starting anything."""
    from app.auth.users import require_users_for

    tls = check_tls(ssl_cert, ssl_key)
    require_users_for(address, warehouse)  # away from loopback a login is required: no users, no start
    main = Path(__file__).resolve().parent / "main.py"
    # JIXIAO_WARM_CACHE: the served app warms 总览's queries whenever a build lands (app/dashboard/warm.py)
    env = dict(os.environ, JIXIAO_WAREHOUSE=str(warehouse), JIXIAO_WARM_CACHE="1")
    if not is_loopback(address):
        if tls:
            say(SAY_SHARED_TLS.format(address=address, port=port, cert=tls[0]))
        else:
            say(WARN_SHARED.format(address=address, port=port))
    link = url(address, port, https=bool(tls))
    say(f"看板：{link}（Ctrl+C 退出）")
    if open_browser and is_loopback(address):
        timer = threading.Timer(2.5, lambda: webbrowser.open(url(address, port, https=bool(tls))))
        timer.daemon = True
        timer.start()
    proc = subprocess.Popen(streamlit_command(main, port, address, tls), env=env)
    # SIGTERM to `jixiao app` (a service manager, kill PID) stops Streamlit too instead of orphaning it
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: proc.terminate())
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches Streamlit as well; give it a moment to finish
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def add_server_arguments(parser, *, headless_flag: bool) -> None:
    """--port and --address (and --headless for `jixiao app`)."""
    parser.add_argument("--port", type=int, default=8501, help="端口（默认 8501）")
    parser.add_argument(
        "--address",
        "--host",
        default=LOOPBACK,
        metavar="地址",
        help="监听的地址（默认 127.0.0.1：只有本机能打开）。给 0.0.0.0 或本机的局域网地址则网络中的其他计算机也能打开；"
        "此时必须登录：没有用户（jixiao user add）时拒绝启动。",
    )
    parser.add_argument(
        "--ssl-cert",
        metavar="证书文件",
        help="HTTPS 证书（PEM），与 --ssl-key 一起使用；对网络开放时应启用 HTTPS，否则密码以明文传输",
    )
    parser.add_argument("--ssl-key", metavar="私钥文件", help="与 --ssl-cert 配对的私钥（PEM）")
    if headless_flag:
        parser.add_argument("--headless", action="store_true", help="不自动打开浏览器")
