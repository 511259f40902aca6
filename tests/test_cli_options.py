"""Issue 14: the command line declares shared things once.

- ``--warehouse/-w`` comes from one helper (``app.warehouse.add_warehouse_argument``): the same option
  strings, metavar, default and help text on every command that takes it (``jixiao user …`` says where its
  users file lives instead), and every command's ``--help`` still prints;
- the build's progress lines (「  · 阶段」, 「    提交: 状态（n 行）」) come from one function,
  ``app.cli.build_progress``, used by ``jixiao build`` and ``jixiao submit``.
"""

from __future__ import annotations

import argparse
import io
from types import SimpleNamespace

import pytest
from rich.console import Console

from app.cli import build_progress, make_parser
from app.warehouse import WAREHOUSE_HELP

USERS_HELP = "仓库文件：用户文件在它旁边（或用 $JIXIAO_USERS 指定）"


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    """Every command of `parser` as (argv prefix, its parser), sub-commands included (depth first)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def _warehouse_option(parser: argparse.ArgumentParser):
    return next((a for a in parser._actions if "--warehouse" in a.option_strings), None)


COMMANDS = [path for path, _ in _commands(make_parser())]


def test_every_command_that_opens_the_warehouse_declares_the_same_option():
    found = {" ".join(path): _warehouse_option(p) for path, p in _commands(make_parser())}
    with_option = sorted(k for k, a in found.items() if a is not None)
    assert with_option == [
        "ack",
        "app",
        "build",
        "check",
        "demo",
        "export-raw",
        "log",
        "report",
        "report-batch",
        "restore",
        "score",
        "spark-build",
        "submit",
        "template",
        "user add",
        "user list",
        "user passwd",
        "user remove",
    ]
    for name in with_option:
        a = found[name]
        assert (a.option_strings, a.metavar, a.default, a.dest) == (
            ["--warehouse", "-w"],
            "文件",
            None,
            "warehouse",
        ), name
        assert a.help == (USERS_HELP if name.startswith("user ") else WAREHOUSE_HELP), name


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "jixiao")
def test_every_commands_help_prints(path, capsys):
    with pytest.raises(SystemExit) as exit_:
        make_parser().parse_args([*path, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"用法：{' '.join(('jixiao', *path))} ")
    # argparse's own words in Chinese too (app.cli.ChineseArgumentParser)
    assert "显示本帮助并退出" in out and "options:" not in out and "show this help" not in out
    option = _warehouse_option(dict(_commands(make_parser()))[path])
    if option is not None:
        assert "--warehouse 文件, -w 文件" in out
        assert " ".join(option.help.split()) in " ".join(out.split())


@pytest.mark.parametrize(
    "argv",
    [
        ["build", "-w", "甲/jixiao.duckdb"],
        ["check", "--warehouse", "甲/jixiao.duckdb"],
        ["ack", "--list", "-w", "甲/jixiao.duckdb"],
        ["user", "list", "-w", "甲/jixiao.duckdb"],
        ["report", "--dept", "D01", "--year", "2023", "-o", "r.docx", "-w", "甲/jixiao.duckdb"],
    ],
)
def test_the_option_gives_the_path_made_absolute(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert make_parser().parse_args(argv).warehouse == tmp_path / "甲" / "jixiao.duckdb"
    without = [a for a in argv if a not in ("-w", "--warehouse", "甲/jixiao.duckdb")]
    assert make_parser().parse_args(without).warehouse is None


@pytest.mark.parametrize(
    "argv", [["check", "--warehouse=~/甲/jixiao.duckdb"], ["build", "-w", "~/甲/jixiao.duckdb"]]
)
def test_every_command_expands_home_in_the_option(argv, tmp_path, monkeypatch):
    # the shell expands `-w ~/x` but not `--warehouse=~/x`: both must name the same file
    monkeypatch.setenv("HOME", str(tmp_path))
    assert make_parser().parse_args(argv).warehouse == tmp_path / "甲" / "jixiao.duckdb"


class _Status:
    """Stands in for rich's Console.status: records the spinner's texts."""

    def __init__(self):
        self.texts: list[str] = []

    def update(self, text: str) -> None:
        self.texts.append(text)


def test_build_progress_prints_stages_submissions_and_notices():
    out = io.StringIO()
    console = Console(file=out, width=200, highlight=False, color_system=None)
    status = _Status()
    cb = build_progress(console, status)
    assert sorted(cb) == ["on_notice", "on_stage", "on_submission"]
    for stage in ("prepare", "ingest", "dbt", "checks", "swap", "later"):
        cb["on_stage"](stage)
    cb["on_submission"](
        SimpleNamespace(submission_id="yanfeng-2023", status="loaded", rows={"a": 1350, "b": 4})
    )
    cb["on_submission"](SimpleNamespace(submission_id="430407-2021", status="unchanged", rows={}))
    cb["on_submission"](SimpleNamespace(submission_id="坏表", status="refused", rows={}))
    cb["on_notice"]("仓库正被写入，等待 …")
    assert out.getvalue().splitlines() == [
        "  · 导入提交",
        "  · dbt build：计算指标、得分与核对",
        "  · Great Expectations 检查",
        "  · 替换为新仓库",
        "  · later",
        "    yanfeng-2023: 已加载（1354 行）",
        "    430407-2021: 未变化（已加载过）",
        "    坏表: 已拒绝",
        "仓库正被写入，等待 …",
    ]
    assert status.texts == [
        "准备构建副本 …",
        "导入提交 …",
        "dbt build：计算指标、得分与核对 …",
        "Great Expectations 检查 …",
        "替换为新仓库 …",
        "later …",
    ]


@pytest.mark.parametrize("kind", ["a file in the path", "a path that cannot hold folders"])
def test_a_warehouse_whose_folder_cannot_be_made_is_one_line_with_exit_5(tmp_path, capsys, kind):
    from app.cli import main

    if kind == "a file in the path":
        (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
        wh, folder, why = (
            tmp_path / "notes.txt" / "j.duckdb",
            tmp_path / "notes.txt",
            "路径中有同名文件，不是文件夹",
        )
    else:
        wh, folder, why = "/proc/jixiao-test/j.duckdb", "/proc/jixiao-test", "该位置不能建文件夹"
    assert main(["build", "-w", str(wh), "--skip-checks"]) == 5
    out = capsys.readouterr()
    message = (
        f"构建未完成：无法创建仓库所在的文件夹：{folder}（{why}），仓库未建；"
        "请用 --warehouse 或 JIXIAO_WAREHOUSE 指定一个可写文件夹中的文件。"
    )
    # the console may wrap the line anywhere: compare without whitespace
    assert "".join(message.split()) in "".join((out.out + out.err).split())
    assert "Traceback" not in out.out + out.err


def test_a_namespace_made_in_code_may_name_the_warehouse_as_text(tmp_path, monkeypatch):
    """jixiao demo runs cmd_build with a Namespace of its own: a str warehouse is a Path like a parsed one."""
    from app.warehouse import warehouse_from

    monkeypatch.chdir(tmp_path)
    assert warehouse_from(SimpleNamespace(warehouse="w/j.duckdb")) == tmp_path / "w" / "j.duckdb"
    assert warehouse_from(SimpleNamespace(warehouse=tmp_path / "x.duckdb")) == tmp_path / "x.duckdb"


def test_a_build_prints_errors_first_and_counts_the_rows_it_leaves_out(tmp_path, capsys, monkeypatch):
    """The refusals table shows 40 rows; what it leaves out is counted under it, with the query that lists it
    (a new user found 41 announced and 40 shown, the missing one a whole-file error)."""
    import app.cli
    from app.cli import main

    monkeypatch.setattr(app.cli.console, "width", 250)
    sub = tmp_path / "sub"
    sub.mkdir()
    head = "部门编码,年度,指标管理类型,项目类别,政府经济分类,年初预算,调整金额,调整后预算,实际支付合计,指标结余\n"
    rows = "".join(f"430406-hrss,2023,基本支出,公用经费,办公经费{i},abc,,,,\n" for i in range(45))
    (sub / "budget_ledger.csv").write_text(head + rows, encoding="utf-8")
    assert main(["build", "-w", str(tmp_path / "w" / "jixiao.duckdb"), "-i", str(sub)]) == 2
    out = capsys.readouterr().out
    assert "被拒绝的行与警告（共 46 条，完整列表见 audit.ingest_rejects）" in out
    assert out.count("金额格式无法识别") == 40 - 1  # the one error that is not about a cell comes first
    assert (
        "另有 6 条未列出（错误 6 条、警告 0 条）：select * from audit.ingest_rejects where run_id = '" in out
    )


def test_submit_says_a_missing_file_is_missing_and_a_folder_is_not_a_file(tmp_path, capsys):
    from app.cli import main

    wh = str(tmp_path / "w" / "jixiao.duckdb")
    assert main(["submit", str(tmp_path / "没有.csv"), "-w", wh]) == 2
    assert f"文件不存在：{tmp_path / '没有.csv'}" in "".join(capsys.readouterr().out.split())
    assert main(["submit", str(tmp_path), "-w", wh]) == 2
    assert f"不是文件：{tmp_path}（文件夹请用jixiaobuild--input，或先压缩为.zip）" in "".join(
        capsys.readouterr().out.split()
    )
    assert not (tmp_path / "w").exists()


def test_the_dbt_line_of_a_build_summary_is_in_chinese(capsys, monkeypatch):
    import app.cli
    from app.dbt import DbtResult

    monkeypatch.setattr(app.cli.console, "width", 250)
    result = SimpleNamespace(
        outcomes=[],
        dbt=DbtResult(True, 10.72, counts={"no-op": 3, "pass": 286, "success": 107, "fail": 1}),
        checks=None,
        swapped=False,
        refused=[],
    )
    app.cli._print_build_summary(result)
    assert (
        "dbt build：模型与种子表已生成 107，数据测试通过 286，数据测试未通过 1，无需执行 3（10.7 秒）"
        in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["report", "--format", "xls"],
            "jixiao report：错误：参数 --format 的值 'xls' 无效（可选：'docx', 'pdf', 'md', 'html'）",
        ),
        (["build", "--bogus"], "jixiao：错误：无法识别的参数：--bogus"),
        (["score"], "jixiao score：错误：缺少必需的参数：部门编码, 年度, 评价体系, 指标=得分"),
        (["build", "--input"], "jixiao build：错误：参数 --input/-i 需要一个值"),
    ],
)
def test_argument_errors_are_in_chinese_with_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        make_parser().parse_args(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：") and err.rstrip().endswith(message), err


def test_ctrl_c_says_the_warehouse_is_unchanged_with_exit_130(tmp_path, capsys, monkeypatch):
    """Ctrl-C during a build (a helper's trial read 「构建失败（dbt build）」 with an empty error): one line, exit
    130; dbt, which catches the interrupt itself, hands it back (app.dbt.run_dbt)."""
    import app.cli
    import app.pipeline
    from app import dbt
    from app.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(app.pipeline, "build", interrupted)
    assert main(["build", "-w", str(tmp_path / "jixiao.duckdb")]) == 130
    # the console wraps a long path: compared without whitespace
    assert (
        "".join(capsys.readouterr().out.split())
        == f"仓库：{tmp_path / 'jixiao.duckdb'}已中断：仓库保持不变。"
    )

    class StoppedRunner:  # what dbtRunner returns when Ctrl-C stops it
        def __init__(self, manifest=None):
            pass

        def invoke(self, args):
            return SimpleNamespace(success=False, result=None, exception=KeyboardInterrupt())

    monkeypatch.setattr("dbt.cli.main.dbtRunner", StoppedRunner)
    with pytest.raises(KeyboardInterrupt):
        dbt.run_dbt(["build"], tmp_path / "jixiao.duckdb", tmp_path / "jixiao.duckdb")
