"""`jixiao`: 部门整体支出绩效评价数据仓库的命令行。

jixiao build --input 报送/2023        导入提交、计算指标与得分、核对，生成仓库
jixiao demo                           用内置样例生成仓库并打开看板
jixiao app                            在已有仓库上打开看板
jixiao check --fail-on error          只运行检查（Great Expectations），供 CI 使用
jixiao restore [--list]               用 backups/ 中保留的成功构建恢复仓库
jixiao generate --departments 100 --years 5 --seed 7 --out 样例/   生成带植入错误的填报样例
jixiao report --dept D01 --year 2023 --framework hn_dept_overall --format docx --out 报告.docx
jixiao user add 王芳 --role 地区 --region 430406   添加看板用户（密码在终端输入）；user passwd / remove / list
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

from app import warehouse as W
from app.auth.cli import add_user_parser
from app.dashboard.serve import add_server_arguments

# the one exit-code table of every command (app/errors.py)
from app.errors import (
    EXIT_BUSY,  # noqa: F401
    EXIT_FINDINGS,
    EXIT_INPUT_REFUSED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_STORAGE,  # noqa: F401
    EXIT_UNREADABLE,  # noqa: F401
    JixiaoError,
)
from app.errors import (
    EXIT_FAILED as EXIT_BUILD_FAILED,
)
from app.report.cli import add_report_parser
from app.spark import add_spark_parsers
from app.workflow.cli import add_workflow_parsers
from app.workflow.submissions import STATUS_ZH  # a submission's load status in Chinese (one source)

console = Console(highlight=False)


def _is_submission_dir(path: Path) -> bool:
    from ingest import templates as T

    return any(
        f.is_file() and f.suffix.lower() in (".csv", ".xlsx", ".xlsm") and T.template_for(f.stem) is not None
        for f in path.iterdir()
    )


def expand_inputs(paths: list[str]) -> list[Path]:
    """A path is a submission (a folder of template files, or a workbook), or a folder of submissions."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser().resolve()
        if p.is_dir() and not _is_submission_dir(p):
            children = sorted(
                c
                for c in p.iterdir()
                if not c.name.startswith((".", "~$"))
                and (c.is_dir() or c.suffix.lower() in (".xlsx", ".xlsm"))
            )
            out.extend(children if children else [p])
        else:
            out.append(p)
    return out


STAGES = {
    "prepare": "准备构建副本",
    "ingest": "导入提交",
    "dbt": "dbt build：计算指标、得分与核对",
    "checks": "Great Expectations 检查",
    "swap": "替换为新仓库",
}


def build_progress(out: Console, status) -> dict[str, Callable]:
    """The build's progress callbacks for a terminal, shared by ``jixiao build`` and ``jixiao submit``.

    Returns ``on_stage``, ``on_submission`` and ``on_notice`` for ``app.pipeline.build`` (and what calls
    it): each stage updates the spinner `status` (a ``Console.status``) and, after ``prepare``, prints
    「  · 阶段」 (names from ``STAGES``); each submission prints 「    提交编号: 状态（n 行）」 (rows summed over
    its tables, left out when it loaded none); a notice prints in yellow."""

    def on_stage(s: str) -> None:
        status.update(STAGES.get(s, s) + " …")
        if s != "prepare":
            out.print(f"  · {STAGES.get(s, s)}")

    def on_submission(o) -> None:
        out.print(
            f"    {o.submission_id}: {STATUS_ZH[o.status]}"
            + (f"（{sum(o.rows.values())} 行）" if o.rows else "")
        )

    def on_notice(message: str) -> None:
        out.print(f"[yellow]{message}[/yellow]")

    return {"on_stage": on_stage, "on_submission": on_submission, "on_notice": on_notice}


def cmd_build(args: argparse.Namespace) -> int:
    from app.pipeline import BuildFailed, build

    warehouse = W.warehouse_from(args)
    inputs = expand_inputs(args.input or [])
    if args.submission_id and len(inputs) != 1:
        console.print("[red]--submission-id 只能与一个提交一起使用[/red]")
        return EXIT_BUILD_FAILED
    pairs = [(p, args.submission_id) for p in inputs]
    console.print(f"仓库：{warehouse}")
    with console.status("开始…") as status:
        try:
            result = build(
                pairs,
                warehouse,
                rebuild=args.rebuild,
                full=getattr(args, "full", False),  # jixiao demo's Namespace has none
                run_checks=not args.skip_checks,
                **build_progress(console, status),
            )
        except W.WarehouseError as e:
            console.print(f"[red bold]构建未完成[/red bold]：{e.message}", soft_wrap=True)
            return e.exit_code
        except BuildFailed as e:
            console.print(f"[red bold]构建失败（{e.stage}）[/red bold]：{e.message}。仓库保持不变。")
            if e.dbt:
                for node, st, msg in e.dbt.failures[:20]:
                    console.print(f"  [red]{st}[/red] {node}\n    {msg}")
                console.print(f"  dbt 日志：{e.dbt.log_file}")
            return EXIT_BUILD_FAILED
    _print_build_summary(result)
    return EXIT_INPUT_REFUSED if result.refused else EXIT_OK


# dbt's node statuses in the build summary (dbt-core RunStatus / TestStatus values)
DBT_STATUS_ZH = {
    "success": "模型与种子表已生成",
    "pass": "数据测试通过",
    "warn": "数据测试警告",
    "fail": "数据测试未通过",
    "error": "出错",
    "skipped": "跳过",
    "no-op": "无需执行",
}
DBT_STATUS_ORDER = {k: i for i, k in enumerate(DBT_STATUS_ZH)}

SHOWN_ISSUES = 40  # rows of the refusals table a build prints; the rest are counted under it


def _print_build_summary(result) -> None:
    issues = [(o.submission_id, i) for o in result.outcomes for i in o.issues]
    if result.outcomes:
        t = Table(title="提交", show_lines=False)
        for c in ("提交", "状态", "行数", "问题"):
            t.add_column(c)
        for o in result.outcomes:
            errors = sum(i.severity == "error" for i in o.issues)
            warns = sum(i.severity == "warning" for i in o.issues)
            style = "red" if o.status == "refused" else ("green" if o.status == "loaded" else "")
            t.add_row(
                o.submission_id,
                f"[{style}]{STATUS_ZH[o.status]}[/{style}]" if style else STATUS_ZH[o.status],
                str(sum(o.rows.values())) if o.rows else "—",
                (f"{errors} 个错误" if errors else "") + (f" {warns} 个警告" if warns else ""),
            )
        console.print(t)
    if issues:
        # errors first (they decide what was refused), those about a whole file or table before those about
        # a row, then warnings; at most SHOWN_ISSUES rows here
        issues.sort(key=lambda x: (x[1].severity != "error", x[1].row is not None))
        hidden = issues[SHOWN_ISSUES:]
        caption = None
        if hidden:
            n_err = sum(i.severity == "error" for _, i in hidden)
            caption = (
                f"另有 {len(hidden)} 条未列出（错误 {n_err} 条、警告 {len(hidden) - n_err} 条）："
                f"select * from audit.ingest_rejects where run_id = '{result.run_id}'"
            )
        t = Table(
            title=f"被拒绝的行与警告（共 {len(issues)} 条，完整列表见 audit.ingest_rejects）", caption=caption
        )
        for c in ("提交", "级别", "文件", "工作表", "行", "列", "原值", "原因"):
            t.add_column(c, overflow="fold")
        for sid, i in issues[:SHOWN_ISSUES]:
            t.add_row(
                sid,
                "[red]错误[/red]" if i.severity == "error" else "[yellow]警告[/yellow]",
                i.file or "",
                i.sheet or "",
                "" if i.row is None else str(i.row),
                i.column or "",
                "" if i.value is None else str(i.value)[:30],
                i.reason,
            )
        console.print(t)
    if result.dbt:
        counts = "，".join(
            f"{DBT_STATUS_ZH.get(k, k)} {v}"
            for k, v in sorted(result.dbt.counts.items(), key=lambda kv: DBT_STATUS_ORDER.get(kv[0], 99))
        )
        console.print(f"dbt build：{counts}（{result.dbt.seconds:.1f} 秒）")
    if getattr(result, "plan", None):  # a BuildResult; tests pass stand-ins without one
        console.print(result.plan.reason)
    if result.checks is not None and hasattr(result.checks, "summary_lines"):
        for line in result.checks.summary_lines():
            console.print(line)
    if result.swapped:
        _print_scores(result.warehouse)
        console.print(
            f"[green]完成[/green]：{result.warehouse}（用时 {result.timings.get('total', 0):.1f} 秒）"
        )
    if result.refused:
        console.print(
            f"[red]{len(result.refused)} 个提交被拒绝，未导入任何数据[/red]："
            + "、".join(o.submission_id for o in result.refused)
        )


FAIL_ON_ZH = {"error": "错误", "warning": "警告及以上"}


def cmd_restore(args: argparse.Namespace) -> int:
    """`jixiao restore [备份] [--list]`: put a kept good warehouse (backups/ beside it) back, atomically."""
    warehouse = W.warehouse_from(args)
    if args.list:
        backups = W.list_backups(warehouse)
        if not backups:
            console.print(f"没有备份：{W.backups_dir(warehouse)}")
            return EXIT_OK
        t = Table(title=f"仓库备份（{W.backups_dir(warehouse)}，最新的在前）")
        for c in ("序号", "构建编号", "时间", "大小"):
            t.add_column(c)
        for i, b in enumerate(backups, 1):
            t.add_row(str(i), b.run_id, b.created.strftime("%Y-%m-%d %H:%M:%S"), f"{b.size / 1e6:.1f} MB")
        console.print(t)
        return EXIT_OK
    try:
        chosen = W.restore(warehouse, args.backup, on_wait=lambda m: console.print(f"[yellow]{m}[/yellow]"))
    except W.WarehouseError as e:
        console.print(f"[red bold]恢复未完成[/red bold]：{e.message}", soft_wrap=True)
        return e.exit_code
    except OSError as e:
        err = W.classify(e, warehouse)
        if err is None:
            raise
        console.print(f"[red bold]恢复未完成[/red bold]：{err.message}", soft_wrap=True)
        return err.exit_code
    console.print(
        f"[green]已恢复[/green]：{warehouse} ← 备份 {chosen.run_id}（{chosen.created:%Y-%m-%d %H:%M:%S}）",
        soft_wrap=True,
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Run the checkpoint alone, through the pipeline (copy → checks → swap: the live file is never written
    in place), without inputs and without dbt. Exit 1 when an integrity suite fails (the warehouse is then
    left as it was), 3 when findings of at least --fail-on severity exist, else 0."""
    from app.pipeline import BuildFailed, build

    warehouse = W.warehouse_from(args)
    if not warehouse.exists():
        console.print(f"[red]仓库不存在：{warehouse}[/red]。先运行 jixiao build。")
        return EXIT_BUILD_FAILED
    console.print(f"仓库：{warehouse}")
    try:
        with console.status("Great Expectations 检查 …"):
            result = build(
                [],
                warehouse,
                run_dbt=False,
                run_checks=True,
                on_notice=lambda m: console.print(f"[yellow]{m}[/yellow]"),
                full_checks=args.full,
            )
    except W.WarehouseError as e:
        console.print(f"[red bold]检查未完成[/red bold]：{e.message}", soft_wrap=True)
        return e.exit_code
    except BuildFailed as e:
        outcome = getattr(e, "outcome", None)
        if outcome is not None:
            for line in outcome.summary_lines():
                console.print(line)
        console.print(
            f"[red bold]检查失败（{e.stage}）[/red bold]：仓库保持不变。" + ("" if outcome else e.message)
        )
        return EXIT_BUILD_FAILED
    if result.checks is None:
        console.print("[red]仓库中还没有计算结果（marts），无法检查[/red]。先运行 jixiao build。")
        return EXIT_BUILD_FAILED
    for line in result.checks.summary_lines():
        console.print(line)
    if args.fail_on != "never":
        n = result.checks.findings_at_least(args.fail_on)
        if n:
            console.print(
                f"[red]有 {n} 条{FAIL_ON_ZH[args.fail_on]}级别的核对发现（--fail-on {args.fail_on}）[/red]"
            )
            return EXIT_FINDINGS
    return EXIT_OK


def _print_scores(warehouse: Path) -> None:
    with contextlib.closing(W.connect_readonly(warehouse)) as con:
        if not W.is_built(con):
            return
        rows = con.execute(
            """
            with g as (
                select framework_code, coalesce(grade, '未评分') as grade, count(*) as n,
                       row_number() over (partition by framework_code order by count(*) desc, coalesce(grade, '')) as k,
                       count(*) over (partition by framework_code) as kinds
                from marts.fct_department_scores group by framework_code, grade
            )
            select s.framework_code, count(*) as n,
                   (select string_agg(g.grade || ' ' || g.n, '，' order by g.k)
                           || case when max(g.kinds) > 4 then '，另 ' || (max(g.kinds) - 4) || ' 种' else '' end
                    from g where g.framework_code = s.framework_code and g.k <= 4) as grades,
                   count(*) filter (where s.grade_is_partial) as partial,
                   round(avg(s.not_assessable_weight), 1) as na
            from marts.fct_department_scores s
            group by s.framework_code order by s.framework_code
            """
        ).fetchall()
    t = Table(title="评价结果（部门 × 年度）")
    for c in ("评价体系", "部门年度", "等级分布", "等级仅基于部分指标", "平均不可评价分值"):
        t.add_column(c)
    for code, n, grades, partial, na in rows:
        t.add_row(code, str(n), grades or "—", str(partial), "—" if na is None else str(na))
    console.print(t)


def _serve(warehouse: Path, port: int, headless: bool, address: str = "127.0.0.1", args=None) -> int:
    """The dashboard on `address` (this computer only unless asked), HTTPS with args.ssl_cert/ssl_key: see
    app/dashboard/serve.py."""
    from app.dashboard.serve import serve

    return serve(
        warehouse,
        port,
        address,
        open_browser=not headless,
        say=lambda m: console.print(m, soft_wrap=True),
        ssl_cert=getattr(args, "ssl_cert", None),
        ssl_key=getattr(args, "ssl_key", None),
    )


def cmd_app(args: argparse.Namespace) -> int:
    warehouse = W.warehouse_from(args)
    if not warehouse.exists():
        console.print(f"[red]仓库不存在：{warehouse}[/red]。先运行 jixiao build 或 jixiao demo。")
        return EXIT_BUILD_FAILED
    return _serve(warehouse, args.port, args.headless, args.address, args)


def demo_inputs() -> list[str]:
    paths = [W.SAMPLE / "yanfeng-2023"]
    if (W.SAMPLE / "demo").exists():
        paths.append(W.SAMPLE / "demo")
    return [str(p) for p in paths]


def cmd_demo(args: argparse.Namespace) -> int:
    warehouse = W.warehouse_from(args)
    console.print(
        "[bold]jixiao 演示[/bold]：导入内置样例（雁峰区人社局 2023 年评价的实际数据 + 生成的示例地区），计算、核对，然后打开看板。"
    )
    if not args.no_serve:  # sharing needs users: say so before the build, not after it
        from app.auth.users import require_users_for
        from app.dashboard.serve import check_tls

        check_tls(args.ssl_cert, args.ssl_key)
        require_users_for(args.address, warehouse)
    build_args = argparse.Namespace(
        input=demo_inputs(), warehouse=warehouse, submission_id=None, rebuild=True, skip_checks=False
    )
    code = cmd_build(build_args)
    if code not in (EXIT_OK, EXIT_INPUT_REFUSED):  # failed, busy (4), storage (5), unreadable (6)
        return code
    if args.no_serve:
        return EXIT_OK
    return _serve(warehouse, args.port, headless=True, address=args.address, args=args)


def cmd_generate(args: argparse.Namespace) -> int:
    from ingest.generator import DEMO_DIR, DEMO_PARAMETERS, FAULT_TYPES, generate

    if args.demo:
        res = generate(out=DEMO_DIR, overwrite=True, **DEMO_PARAMETERS)
    else:
        if args.out is None:
            console.print("[red]请用 --out 指定输出文件夹[/red]")
            return EXIT_BUILD_FAILED
        types = [t.strip() for t in args.fault_types.split(",")] if args.fault_types else None
        unknown = [t for t in types or [] if t not in FAULT_TYPES]
        if unknown:
            console.print(f"[red]未知的错误类型：{'、'.join(unknown)}[/red]。可选：{', '.join(FAULT_TYPES)}")
            return EXIT_BUILD_FAILED
        try:
            with console.status("生成样例 …"):
                res = generate(
                    args.departments,
                    args.years,
                    args.seed,
                    Path(args.out),
                    args.fault_rate,
                    types,
                    last_year=args.last_year,
                    regions=args.regions,
                    overwrite=args.overwrite,
                )
        except FileExistsError:
            console.print(f"[red]输出文件夹不为空：{args.out}[/red]（先前生成的结果可加 --overwrite 覆盖）")
            return EXIT_BUILD_FAILED
        except ValueError as e:
            console.print(f"[red]参数无效：{e}[/red]")
            return EXIT_BUILD_FAILED
    console.print(res.summary())
    return EXIT_OK


def cmd_template(args: argparse.Namespace) -> int:
    """jixiao template: the blank fill-in workbook, optionally pre-filled with departments of the warehouse."""
    from ingest.blank_template import Department, write_blank_template

    departments: list[Department] = []
    if args.dept or args.region:
        import contextlib

        import duckdb

        wh = W.warehouse_from(args)
        if not wh.exists():
            console.print(f"[red]仓库文件不存在：{wh}；不指定 --dept/--region 时可生成空白模板[/red]")
            return EXIT_INPUT_REFUSED
        with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
            rows = con.execute(
                """select dept_code, dept_name, coalesce(region_code, ''), coalesce(region_name, ''),
                          coalesce(parent_dept_code, ''), coalesce(sector, '')
                   from marts.dim_department
                   where (? or list_contains(?, dept_code)) and (? is null or region_code = ?)
                   order by dept_code""",
                [not args.dept, args.dept or [], args.region, args.region],
            ).fetchall()
        departments = [Department(*r) for r in rows]
        missing = sorted(set(args.dept or []) - {d.dept_code for d in departments})
        if missing:
            console.print(f"[red]仓库中没有这些部门：{'、'.join(missing)}[/red]")
            return EXIT_INPUT_REFUSED
    out = Path(args.out).expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    write_blank_template(out, departments, args.year or [])
    console.print(f"已生成填报模板：{out}（{len(departments)} 个部门已预填）")
    return EXIT_OK


def add_template_parser(sub) -> argparse.ArgumentParser:
    t = sub.add_parser(
        "template",
        help="生成空白填报模板（.xlsx，每个模板一个工作表，带下拉列表和说明）",
        description="生成发给部门的填报模板：每个模板一个工作表（中文表头、下拉列表、金额格式），另有“说明”工作表。"
        "填好的工作簿即是一个提交。给出 --dept 或 --region 时从仓库预填部门信息，并在部门编码列提供下拉列表。",
    )
    t.add_argument("--out", "-o", required=True, metavar="文件", help="输出的 .xlsx 文件")
    t.add_argument("--year", type=int, action="append", metavar="年度", help="年度下拉列表中的年度，可重复")
    t.add_argument("--dept", action="append", metavar="部门编码", help="预填的部门，可重复")
    t.add_argument("--region", metavar="区划编码", help="预填该区划的全部部门")
    W.add_warehouse_argument(t)
    t.set_defaults(func=cmd_template)
    return t


def add_generate_parser(sub) -> argparse.ArgumentParser:
    g = sub.add_parser(
        "generate",
        help="生成带植入错误的填报样例（基准测试与演示用）",
        description="按模板格式生成各地区各年度的部门填报（CSV 与 XLSX 混合，部分 GB18030、部分万元），"
        "并按 --fault-rate 植入已知的不一致；植入清单写入 <输出>/planted.csv。同一种子生成完全相同的文件。",
    )
    g.add_argument("--departments", type=int, default=100, metavar="N", help="部门数（默认 100）")
    g.add_argument("--years", type=int, default=3, metavar="Y", help="年度数，截至 --last-year（默认 3）")
    g.add_argument("--seed", type=int, default=1, metavar="S", help="随机种子（默认 1）")
    g.add_argument("--out", metavar="文件夹", help="输出文件夹（须为空，或为先前生成的结果并加 --overwrite）")
    g.add_argument(
        "--fault-rate",
        type=float,
        default=0.05,
        metavar="比例",
        help="植入不一致的部门年度比例，0–1（默认 0.05）",
    )
    g.add_argument("--fault-types", metavar="类型", help="只植入这些类型（逗号分隔）")
    g.add_argument("--regions", type=int, metavar="N", help="地区数（默认每约 60 个部门一个）")
    g.add_argument("--last-year", type=int, default=2023, metavar="年度", help="最后一个年度（默认 2023）")
    g.add_argument("--overwrite", action="store_true", help="覆盖先前生成的结果")
    g.add_argument("--demo", action="store_true", help="重新生成内置演示样例 ingest/sample/demo")
    g.set_defaults(func=cmd_generate)
    return g


class _ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's own messages (Python 3.11, Lib/argparse.py), as the command line shows them to a user
_ARGPARSE_ZH = [
    (re.compile(r"^the following arguments are required: (.*)$"), r"缺少必需的参数：\1"),
    (re.compile(r"^unrecognized arguments: (.*)$"), r"无法识别的参数：\1"),
    (
        re.compile(r"^argument (\S+): invalid choice: (.*) \(choose from (.*)\)$"),
        r"参数 \1 的值 \2 无效（可选：\3）",
    ),
    (re.compile(r"^argument (\S+): invalid (\S+) value: (.*)$"), r"参数 \1 的值 \3 无效（应为 \2）"),
    (re.compile(r"^argument (\S+): expected one argument$"), r"参数 \1 需要一个值"),
    (re.compile(r"^argument (\S+): expected at least one argument$"), r"参数 \1 至少需要一个值"),
    (re.compile(r"^argument (\S+): expected at most one argument$"), r"参数 \1 最多一个值"),
    (re.compile(r"^argument (\S+): not allowed with argument (\S+)$"), r"参数 \1 不能与 \2 同时使用"),
    (re.compile(r"^one of the arguments (.*) is required$"), r"必须给出以下参数之一：\1"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), r"选项 \1 不明确，可能是：\2"),
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its own words in Chinese: 用法 / 位置参数 / 选项 / -h 的说明 and the usual errors (exit code 2,
    as argparse's). Subcommands inherit it (add_subparsers uses the parser's class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str):
        for pattern, zh in _ARGPARSE_ZH:
            if pattern.match(message):
                message = pattern.sub(zh, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def make_parser() -> argparse.ArgumentParser:
    p = ChineseArgumentParser(
        prog="jixiao",
        description="绩效（jixiao）：部门整体支出绩效评价数据仓库。导入部门填报的台账等数据，按评价指标体系计算指标和得分、评定等级、核对数字，并提供看板与 SQL 查询。",
        epilog="仓库文件默认为 warehouse/jixiao.duckdb，可用环境变量 JIXIAO_WAREHOUSE 或 --warehouse 指定。",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    b = sub.add_parser(
        "build",
        help="导入提交并生成仓库（指标、得分、核对）",
        description="导入一个或多个提交（文件夹或 .xlsx 工作簿），运行 dbt build 与检查。构建成功后才替换仓库并在 backups/ 保留一份；失败时仓库保持不变。退出码：0 完成；1 构建失败；2 有提交被拒绝；4 仓库正被其他程序写入；5 磁盘空间不足、文件夹只读或没有权限；6 仓库文件已损坏（可用 jixiao restore 恢复）。",
    )
    b.add_argument(
        "--input",
        "-i",
        action="append",
        metavar="路径",
        help="提交：每个模板一个文件的文件夹，或一个 .xlsx 工作簿；也可以是包含多个提交的文件夹。可重复。不给则只重新计算。",
    )
    W.add_warehouse_argument(b)
    b.add_argument(
        "--submission-id",
        metavar="编号",
        help="提交编号（默认取文件夹或工作簿名称）。同一编号再次导入时替换上一版本。",
    )
    b.add_argument(
        "--rebuild", action="store_true", help="即使没有新数据也重新运行 dbt build（重算全部部门）"
    )
    b.add_argument(
        "--full",
        action="store_true",
        help="重算全部部门；默认只重算原始数据自上次构建以来有变化的部门（增量构建），跨部门的表总是全部重算",
    )
    b.add_argument("--skip-checks", action="store_true", help="不运行 Great Expectations 检查")
    b.set_defaults(func=cmd_build)

    d = sub.add_parser("demo", help="用内置样例生成仓库并打开看板")
    W.add_warehouse_argument(d)
    add_server_arguments(d, headless_flag=False)
    d.add_argument("--no-serve", action="store_true", help="只生成仓库，不打开看板")
    d.set_defaults(func=cmd_demo)

    c = sub.add_parser(
        "check",
        help="只运行检查（Great Expectations），不导入、不重算",
        description="在仓库副本上运行全部 Great Expectations 套件，生成 Data Docs（仓库旁的 data_docs/），把结果写入 audit.check_runs / audit.check_results 后替换仓库。"
        "退出码：0 通过；1 完整性检查未通过（仓库保持不变）；3 存在 --fail-on 指定级别及以上的核对发现。",
    )
    W.add_warehouse_argument(c)
    c.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="never",
        help="有该级别（error：错误；warning：警告或错误）的核对发现时以退出码 3 结束；默认 never",
    )
    c.add_argument(
        "--full",
        action="store_true",
        help="Great Expectations 逐行校验每个套件的全部行（默认：大表先按规则筛查全部行，"
        "只把未通过或可能未通过的行、本次导入部门的行和固定抽样交给 Great Expectations，结论相同）",
    )
    c.set_defaults(func=cmd_check)

    add_generate_parser(sub)
    add_template_parser(sub)
    add_report_parser(sub)
    add_user_parser(sub)
    add_workflow_parsers(sub)
    add_spark_parsers(sub)

    r = sub.add_parser(
        "restore",
        help="用备份恢复仓库（每次成功构建保留一份，默认最近 3 份）",
        description="把 backups/（仓库文件旁）中保留的一次成功构建原子地恢复为仓库。不给备份则恢复最新的一份。"
        "退出码：0 已恢复；1 没有或找不到备份；4 仓库正被其他程序写入；5 磁盘空间不足或没有权限；6 备份已损坏。",
    )
    r.add_argument(
        "backup", nargs="?", metavar="备份", help="构建编号、文件名或 --list 中的序号（默认最新的一份）"
    )
    r.add_argument("--list", action="store_true", help="列出保留的备份，不恢复")
    W.add_warehouse_argument(r)
    r.set_defaults(func=cmd_restore)

    a = sub.add_parser("app", help="在已有仓库上打开看板")
    W.add_warehouse_argument(a)
    add_server_arguments(a, headless_flag=True)
    a.set_defaults(func=cmd_app)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except JixiaoError as e:  # any jixiao error a command did not handle itself: its message, its exit code
        console.print(f"[red]{e}[/red]")
        return e.exit_code
    except KeyboardInterrupt:  # Ctrl-C: a build discards its copy on the way out (app/pipeline.py)
        console.print("[red]已中断[/red]：仓库保持不变。")
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
