"""`jixiao user add|passwd|remove|list`: the dashboard's users (app/auth/users.py).

The password is never an argument (it would stay in the shell history and in ``ps``): on a terminal it is
asked twice with getpass (not echoed); from a pipe (scripts) the first line of standard input is used.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from app import warehouse as W
from app.auth import users as U
from app.errors import EXIT_OK, exit_codes_epilog


def read_password(stdin=None, prompt=getpass.getpass) -> str:
    """The new password: asked twice on a terminal (not echoed), else the first line of `stdin`.
    Raises UserError when the two entries differ or nothing was given."""
    stdin = stdin or sys.stdin
    if stdin.isatty():
        first = prompt("密码：")
        if prompt("再输入一次：") != first:
            raise U.UserError("两次输入的密码不一致。")
        return first
    line = stdin.readline()
    if not line:
        raise U.UserError("没有读到密码：请在终端中运行，或从标准输入提供一行密码。")
    return line.rstrip("\r\n")


def _unlock(path: Path, name: str) -> None:
    """A new password lifts the login lock of that name (app/auth/lockout.py)."""
    from app.auth.lockout import Lockout, lockout_path

    Lockout(lockout_path(path), 1, 0).clear(name)


def cmd_user_add(args: argparse.Namespace, say=print) -> int:
    """`jixiao user add NAME --role R [--region CODE …] [--force]`: check the entry (and, unless --force, the
    region codes against the warehouse) before asking for the password; then save it, which also ends her
    earlier logins, and lift her login lock. Raises UserError (exit 2) on a refused entry."""
    wh = W.warehouse_from(args)
    path = U.users_path(wh)
    _, regions = U.check_entry(args.name, args.role, args.region or [])  # before asking for the password
    if regions and not args.force:
        U.check_regions_known(regions, wh)
    entry = U.add_user(path, args.name, args.role, regions, read_password())
    _unlock(path, entry.name)
    regions = f"，区划 {'、'.join(entry.regions)}" if entry.regions else ""
    say(f"已保存用户 {entry.name}（{entry.role}{regions}）到 {path}。")
    return EXIT_OK


def cmd_user_passwd(args: argparse.Namespace, say=print) -> int:
    """`jixiao user passwd NAME`: a new password (role and regions kept), every earlier login of hers ended
    (not_before) and her login lock lifted. UserNotFound (exit 7) before asking for a password."""
    path = U.users_path(W.warehouse_from(args))
    name = (args.name or "").strip().lower()
    if name not in {e.name for e in U.list_users(path)}:  # before asking for the password
        raise U.UserNotFound(f"没有用户“{args.name}”（用户文件：{path.name}）。")
    U.set_password(path, name, read_password())
    _unlock(path, name)
    say(f"已为用户 {name} 设置新密码；她此前的登录（包括复制的登录 cookie）均已失效。")
    return EXIT_OK


def cmd_user_remove(args: argparse.Namespace, say=print) -> int:
    path = U.users_path(W.warehouse_from(args))
    U.remove_user(path, args.name)
    say(f"已删除用户 {args.name.strip().lower()}（{path}）。")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace, say=print) -> int:
    path = U.users_path(W.warehouse_from(args))
    users = U.list_users(path)
    if not users:
        say(f"没有用户（{path}）：看板只能在本机打开，且不需要登录。")
        return EXIT_OK
    say(f"用户文件：{path}")
    say("用户\t角色\t区划")
    for e in users:
        say(f"{e.name}\t{e.role}\t{'、'.join(e.regions) or '全部'}")
    return EXIT_OK


def add_user_parser(sub) -> None:
    """`jixiao user add|remove|list` under the main parser's subcommands."""
    u = sub.add_parser(
        "user",
        help="管理看板的登录用户（add / passwd / remove / list）",
        description="看板用户保存在仓库旁的 users.yaml（或 $JIXIAO_USERS），密码只存 bcrypt 散列。"
        "有用户时看板要求登录；没有用户时看板只能在本机（127.0.0.1）打开。" + exit_codes_epilog(0, 2, 7),
    )
    us = u.add_subparsers(dest="user_command", required=True, metavar="操作")
    a = us.add_parser(
        "add",
        help="添加用户或重设其密码与角色",
        description="添加用户（同名则替换）。密码在终端中输入两次（不显示），或从标准输入读一行（脚本）；不能写在命令行上。"
        f"角色：{'；'.join(f'{r}：{h}' for r, h in U.ROLE_HELP.items())}。",
    )
    a.add_argument("name", metavar="用户名")
    a.add_argument("--role", required=True, choices=U.ROLES, help="管理员、分析员或地区")
    a.add_argument(
        "--region",
        nargs="+",
        action="extend",
        metavar="区划代码",
        help="地区用户可查看的区划代码（6 位数字，可多个；须是仓库中已有的区划，除非加 --force）",
    )
    a.add_argument(
        "--force",
        action="store_true",
        help="区划代码不在仓库中（该区划的数据还没有导入）时仍然添加；格式仍须是 6 位数字",
    )
    a.set_defaults(func=cmd_user_add)
    pw = us.add_parser(
        "passwd",
        help="为用户设置新密码（角色与区划不变）",
        description="设置新密码（输入方式同 add）。她此前的登录，包括被复制的登录 cookie，随即失效；该用户名的登录锁定解除。",
    )
    pw.add_argument("name", metavar="用户名")
    pw.set_defaults(func=cmd_user_passwd)
    r = us.add_parser("remove", help="删除用户", description="删除用户；她已打开的页面在下次刷新时退出登录。")
    r.add_argument("name", metavar="用户名")
    r.set_defaults(func=cmd_user_remove)
    ls = us.add_parser("list", help="列出用户（不显示密码散列）")
    ls.set_defaults(func=cmd_user_list)
    for p in (a, pw, r, ls):
        W.add_warehouse_argument(p, help="仓库文件：用户文件在它旁边（或用 $JIXIAO_USERS 指定）")
