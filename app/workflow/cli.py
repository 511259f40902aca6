"""The workflow's commands: `jixiao ack` (and later `jixiao submit`, `jixiao score`, `jixiao log`).

app/cli.py registers them with one `add_workflow_parsers(sub)` call."""

from __future__ import annotations

import argparse
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from app import warehouse as W
from app.errors import EXIT_OK, exit_codes_epilog
from app.workflow.schema import ACK_STATUSES

console = Console(highlight=False)
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def cmd_ack(args: argparse.Namespace) -> int:
    """jixiao ack ID… --status S --note N | jixiao ack --list [--severity …] [--open]."""
    from app.pipeline import BuildFailed
    from app.workflow import acks

    wh = W.warehouse_from(args)
    try:
        if args.list:
            sev = ("error", "warning", "info") if args.severity == "all" else (args.severity,)
            rows = acks.findings_with_status(wh, sev, only_open=args.open)
            title = f"核对发现（{'全部' if args.severity == 'all' else SEVERITY_ZH[args.severity]}，共 {len(rows)} 条"
            title += f"，未处理 {sum(r['status'] is None for r in rows)} 条）"
            t = Table(title=title)
            t.add_column("编号", no_wrap=True)
            for c in ("级别", "部门", "年度", "核对对象", "处理状态", "处理人", "时间"):
                t.add_column(c, overflow="fold")
            for r in rows:
                t.add_row(
                    r["finding_id"][:12],
                    SEVERITY_ZH.get(r["severity"], r["severity"]),
                    r["dept_code"],
                    str(r["fiscal_year"]),
                    r["item"],
                    r["status"] or "未处理",
                    r["acked_by"] or "",
                    f"{r['acked_at']:%Y-%m-%d %H:%M}" if r["acked_at"] else "",
                )
            console.print(t)
            return EXIT_OK
        if not args.finding:
            console.print("[red]请给出要处理的核对发现编号，或用 --list 列出核对发现[/red]")
            return acks.AckError.exit_code
        if not args.status or args.note is None:
            console.print("[red]请用 --status 给出处理状态、用 --note 给出处理说明[/red]")
            return acks.AckError.exit_code
        console.print(f"仓库：{wh}")
        with console.status("记录处理结果并运行检查 …"):
            res = acks.acknowledge(
                args.finding,
                args.status,
                args.note,
                warehouse=wh,
                on_notice=lambda m: console.print(f"[yellow]{m}[/yellow]"),
            )
    except (acks.AckError, W.WarehouseError) as e:
        console.print(f"[red]未处理[/red]：{e.message}", soft_wrap=True)
        return e.exit_code
    except BuildFailed as e:
        console.print(f"[red]未处理：检查失败（{e.stage}）[/red]：{e.message}。仓库保持不变。")
        return e.exit_code
    for f in res.acked:
        console.print(
            f"已标记为“{f['status']}”：{f['finding_id'][:12]} {f['dept_code']} {f['fiscal_year']} {f['item']}",
            soft_wrap=True,
        )
    rows = acks.findings_with_status(wh, ("error",))
    done = sum(r["status"] is not None for r in rows)
    console.print(f"错误级核对发现：共 {len(rows)} 条，已处理 {done} 条，未处理 {len(rows) - done} 条")
    return EXIT_OK


def add_ack_parser(sub) -> argparse.ArgumentParser:
    a = sub.add_parser(
        "ack",
        help="处理核对发现：确认无误、已整改或待整改（记录说明、处理人与时间）",
        description="把一条或多条核对发现标记为 确认无误、已整改 或 待整改，并记录说明、处理人和时间。"
        "记录保存在仓库的 audit.finding_acks（不在代码仓库中），按发现编号在重新构建后保留；"
        "“核对发现：error 级是否都已处理”检查以它为准。写入与 jixiao build 一样在仓库副本上进行并原子地替换。",
        epilog=exit_codes_epilog(0, 2, 4, 5, 7),
    )
    a.add_argument(
        "finding", nargs="*", metavar="编号", help="核对发现编号（或其前至少 6 个字符，见 --list）"
    )
    a.add_argument(
        "--status", metavar="状态", help="、".join(ACK_STATUSES) + "（或 confirmed / fixed / pending）"
    )
    a.add_argument("--note", metavar="说明", help="处理说明：为什么确认无误、如何整改或待谁整改")
    a.add_argument("--list", action="store_true", help="列出核对发现及其处理状态，不做修改")
    a.add_argument(
        "--severity",
        choices=("error", "warning", "info", "all"),
        default="error",
        help="--list 列出的严重程度（默认 error）",
    )
    a.add_argument("--open", action="store_true", help="--list 只列出未处理的")
    W.add_warehouse_argument(a)
    a.set_defaults(func=cmd_ack)
    return a


def cmd_submit(args: argparse.Namespace) -> int:
    """jixiao submit FILE…: what the 上传提交 page does — stage, load through the pipeline, keep in the store."""
    from app.cli import _print_build_summary, build_progress
    from app.errors import EXIT_INPUT_REFUSED
    from app.pipeline import BuildFailed
    from app.workflow import submissions as S

    wh = W.warehouse_from(args)
    files = []
    for f in args.files:
        p = Path(f).expanduser()
        if not p.exists():
            console.print(f"[red]文件不存在：{f}[/red]")
            return EXIT_INPUT_REFUSED
        if not p.is_file():
            console.print(f"[red]不是文件：{f}[/red]（文件夹请用 jixiao build --input，或先压缩为 .zip）")
            return EXIT_INPUT_REFUSED
        files.append((p.name, p.read_bytes()))
    console.print(f"仓库：{wh}")
    try:
        staged = S.stage(files, wh, args.name)
        with console.status("开始…") as status:
            result, stored = S._load(
                staged, wh, actor=None, kind="upload", summary=None, **build_progress(console, status)
            )
    except (S.UploadRefused, W.WarehouseError) as e:
        console.print(f"[red bold]未导入[/red bold]：{e.message}", soft_wrap=True)
        return e.exit_code
    except BuildFailed as e:
        console.print(f"[red bold]构建失败（{e.stage}）[/red bold]：{e.message}。仓库保持不变。")
        return e.exit_code
    _print_build_summary(result)
    refused = {o.submission_id for o in result.refused}
    for sid, where in stored.items():
        console.print(f"{'被拒绝的文件' if sid in refused else '已保存'}：{sid} → {where}", soft_wrap=True)
    return EXIT_INPUT_REFUSED if result.refused else EXIT_OK


def add_submit_parser(sub) -> argparse.ArgumentParser:
    s = sub.add_parser(
        "submit",
        help="上传提交：导入部门报送的文件（.xlsx/.csv/.zip）并保存到仓库旁的 submissions/",
        description="与看板“上传提交”页相同：每个 .xlsx 是一个提交，同时给出的 .csv 文件合为一个提交（--name 命名），"
        ".zip 中可以是一个或多个提交。校验、导入并重新构建（与 jixiao build 相同的原子替换），"
        "导入的文件保存到仓库旁的 submissions/（被拒绝的在 submissions/.refused/），"
        "以后可用 jixiao build --input <仓库文件夹>/submissions 全部重新导入。",
        epilog=exit_codes_epilog(0, 1, 2, 4, 5, 6),
    )
    s.add_argument("files", nargs="+", metavar="文件", help=".xlsx、.xlsm、.csv 或 .zip 文件")
    s.add_argument(
        "--name", metavar="提交名称", help="同时上传的 .csv 文件组成的提交的名称（默认 上传-<时间>）"
    )
    W.add_warehouse_argument(s)
    s.set_defaults(func=cmd_submit)
    return s


def cmd_score(args: argparse.Namespace) -> int:
    """jixiao score DEPT YEAR FRAMEWORK [CODE=SCORE --evidence CODE=TEXT …] | --list."""
    from app import numbers as N
    from app.cli import _print_scores
    from app.errors import EXIT_INPUT_REFUSED
    from app.pipeline import BuildFailed
    from app.workflow import scores as SC

    wh = W.warehouse_from(args)
    try:
        if not wh.exists():
            raise SC.ScoreError(f"仓库不存在：{wh}；先运行 jixiao build。", 7)
        if args.list or not args.scores:
            inds = SC.manual_indicators(wh, args.dept, args.year, args.framework)
            t = Table(title=f"{args.dept} {args.year} 年 {args.framework}：人工评分指标（{len(inds)} 个）")
            t.add_column("指标", no_wrap=True)
            for c in ("名称", "分值", "评价人评分", "评分人", "评分依据"):
                t.add_column(c, overflow="fold")
            for i in inds:
                t.add_row(
                    i.code,
                    i.name,
                    N.score(i.weight),
                    N.score(i.score),
                    i.scorer or "",
                    i.evidence or "",
                )
            console.print(t)
            return EXIT_OK
        evidence = {}
        for e in args.evidence or []:
            code, sep, text = e.partition("=")
            if not sep:
                raise SC.ScoreError(f"--evidence 应写作 指标=依据：{e}")
            evidence[code.strip()] = text
        entered = {}
        for item in args.scores:
            code, sep, value = item.partition("=")
            if not sep:
                raise SC.ScoreError(f"评分应写作 指标=得分（如 A11=3）：{item}")
            entered[code.strip()] = (value, evidence.get(code.strip(), ""))
        console.print(f"仓库：{wh}")
        with console.status("保存评分并重新计算 …"):
            res = SC.save_scores(
                args.dept,
                args.year,
                args.framework,
                entered,
                warehouse=wh,
                on_notice=lambda m: console.print(f"[yellow]{m}[/yellow]"),
            )
    except (SC.ScoreError, W.WarehouseError) as e:
        console.print(f"[red]未保存[/red]：{e.message}", soft_wrap=True)
        return e.exit_code
    except BuildFailed as e:
        console.print(f"[red]未保存：构建失败（{e.stage}）[/red]：{e.message}。仓库保持不变。")
        return e.exit_code
    for issue in res["issues"]:
        console.print(
            f"[red]{issue['级别']}[/red] {issue['文件']} 第 {issue['行']} 行 {issue['列']}：{issue['原因']}"
        )
    if any(o["status"] == "refused" for o in res["outcomes"]):
        console.print("[red]评分提交被拒绝，未导入[/red]")
        return EXIT_INPUT_REFUSED
    for code, name, score, weight in res["entered"]:
        console.print(
            f"已保存：{code} {name} {N.score(Decimal(score))} 分（分值 {N.score(Decimal(weight))}）"
        )
    _print_scores(wh)
    return EXIT_OK


def add_score_parser(sub) -> argparse.ArgumentParser:
    s = sub.add_parser(
        "score",
        help="评价人评分：给部门年度的人工评分指标打分并写明依据",
        description="给一个部门年度在某评价体系下的人工评分指标打分（不超过分值）并写明依据，评分人记为当前用户。"
        "评分作为 qualitative_scores 提交（评价人评分-部门-年度-体系）导入，与其他提交一样保存在 submissions/、"
        "记入 audit.submissions 并重新构建。不给评分时列出人工评分指标及其当前评分。",
        epilog=exit_codes_epilog(0, 1, 2, 4, 5, 7),
    )
    s.add_argument("dept", metavar="部门编码")
    s.add_argument("year", type=int, metavar="年度")
    s.add_argument("framework", metavar="评价体系")
    s.add_argument("scores", nargs="*", metavar="指标=得分", help="如 A11=3；可给多个")
    s.add_argument(
        "--evidence", "-e", action="append", metavar="指标=依据", help="每个评分的依据（必填），可重复"
    )
    s.add_argument("--list", action="store_true", help="列出人工评分指标及当前评分")
    W.add_warehouse_argument(s)
    s.set_defaults(func=cmd_score)
    return s


def cmd_log(args: argparse.Namespace) -> int:
    """jixiao log: the operation log, newest first."""
    import contextlib

    import duckdb

    from app.errors import EXIT_NOT_FOUND
    from app.workflow.schema import OPERATION_KINDS

    wh = W.warehouse_from(args)
    if not wh.exists():
        console.print(f"[red]仓库不存在：{wh}[/red]。先运行 jixiao build。")
        return EXIT_NOT_FOUND
    with contextlib.closing(W.connect_readonly(wh)) as con:
        try:
            rows = con.execute(
                "select done_at, actor, kind, summary from audit.operations "
                "where ? is null or kind = ? order by op_seq desc limit ?",
                [args.kind, args.kind, args.limit],
            ).fetchall()
        except duckdb.CatalogException:
            rows = []  # a warehouse built before the operation log existed: nothing recorded yet
    t = Table(title=f"操作记录（最新的在前，共 {len(rows)} 条）")
    t.add_column("时间", no_wrap=True)
    for c in ("操作人", "操作", "内容"):
        t.add_column(c, overflow="fold")
    for at, actor, kind, summary in rows:
        t.add_row(f"{at:%Y-%m-%d %H:%M:%S}", actor, OPERATION_KINDS.get(kind, kind), summary)
    console.print(t)
    return EXIT_OK


def add_log_parser(sub) -> argparse.ArgumentParser:
    from app.workflow.schema import OPERATION_KINDS

    s = sub.add_parser(
        "log",
        help="操作记录：上传、评分、核对发现处理与批量报告（谁、何时、做了什么）",
        description="列出仓库 audit.operations 中的操作记录，最新的在前。",
    )
    s.add_argument("--kind", choices=list(OPERATION_KINDS), help="只列出这种操作")
    s.add_argument("--limit", type=int, default=50, metavar="N", help="最多列出 N 条（默认 50）")
    W.add_warehouse_argument(s)
    s.set_defaults(func=cmd_log)
    return s


def cmd_report_batch(args: argparse.Namespace) -> int:
    """jixiao report-batch --region R --year Y [--framework F] --format docx … --out 文件.zip."""
    from app.workflow import batch as B

    wh = W.warehouse_from(args)
    out = Path(args.out).expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with console.status("生成报告 …") as status:
            res = B.region_batch(
                args.region,
                args.year,
                args.framework,
                args.format or ["docx"],
                out,
                warehouse=wh,
                on_progress=lambda frac, msg: status.update(f"{msg} …（{frac:.0%}）"),
            )
    except (B.BatchError, W.WarehouseError) as e:
        console.print(f"[red]未生成[/red]：{e.message}", soft_wrap=True)
        return e.exit_code
    console.print(
        f"已生成：{res['zip']}（{res['departments']} 个部门 × {'、'.join(res['formats'])}，共 {res['reports']} 份报告，另有 {B.SUMMARY_NAME}）",
        soft_wrap=True,
    )
    return EXIT_OK


def add_report_batch_parser(sub) -> argparse.ArgumentParser:
    from app.workflow.batch import FORMATS

    s = sub.add_parser(
        "report-batch",
        help="批量报告：一个区划一个年度的全部评价报告打包为 ZIP，附汇总表",
        description="为一个区划、一个年度、一个评价体系下的每个部门生成评价报告（可选多种格式），连同汇总表"
        "（总分、等级、等级是否仅基于部分指标、核对发现数）打包为一个 ZIP。",
        epilog=exit_codes_epilog(0, 7),
    )
    s.add_argument("--region", required=True, metavar="区划编码")
    s.add_argument("--year", required=True, type=int, metavar="年度")
    s.add_argument("--framework", default="hn_dept_overall", metavar="评价体系", help="默认 hn_dept_overall")
    s.add_argument("--format", action="append", choices=FORMATS, help="报告格式，可重复（默认 docx）")
    s.add_argument("--out", "-o", required=True, metavar="文件.zip")
    W.add_warehouse_argument(s)
    s.set_defaults(func=cmd_report_batch)
    return s


def add_workflow_parsers(sub) -> None:
    """Register the workflow's subcommands on jixiao's subparsers."""
    add_ack_parser(sub)
    add_submit_parser(sub)
    add_score_parser(sub)
    add_log_parser(sub)
    add_report_batch_parser(sub)
