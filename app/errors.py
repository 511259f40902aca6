"""Every jixiao error, and the one exit-code table of every command (``jixiao build``, ``check``,
``restore``, ``report``, ``generate``, ``template``).

``JixiaoError`` is the base of every exception jixiao raises on purpose; its ``exit_code`` is what a
command returns when it stops on that error. This module imports nothing from the project, so any module
(``app.pipeline``, ``expectations.checkpoint``, ``ingest``…) can import it without a cycle.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1  # the build (dbt or the integrity checks) or the command failed; the warehouse is unchanged
EXIT_INPUT_REFUSED = 2  # a submission (or the command's input) was refused
EXIT_FINDINGS = 3  # jixiao check --fail-on: findings at or above that severity
EXIT_BUSY = 4  # another program writes the warehouse in place, or changed it during the build
EXIT_STORAGE = 5  # disk full, read-only folder, no permission; nothing changed, no partial file
EXIT_UNREADABLE = 6  # the warehouse file (or a backup) is corrupt or truncated
EXIT_NOT_FOUND = 7  # no warehouse, or nothing to report for that department-year-framework
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it); the warehouse is unchanged

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "完成",
    EXIT_FAILED: "构建失败（dbt 或完整性检查未通过）；仓库不变",
    EXIT_INPUT_REFUSED: "有提交（或输入）被拒绝",
    EXIT_FINDINGS: "jixiao check --fail-on …：有该级别及以上的核对发现",
    EXIT_BUSY: "仓库正被其他程序以读写方式打开，或在构建期间被改写；仓库不变",
    EXIT_STORAGE: "磁盘空间不足、文件夹只读或没有权限；仓库不变，没有留下部分文件",
    EXIT_UNREADABLE: "仓库文件（或要恢复的备份）已损坏或被截断",
    EXIT_NOT_FOUND: "仓库不存在，或该部门年度在此评价体系下没有评分结果（jixiao report）",
    EXIT_INTERRUPTED: "被中断（Ctrl-C）；仓库不变",
}


def exit_codes_epilog(*codes: int) -> str:
    """The exit-code table (or the given rows of it) as one line for a command's --help."""
    return "退出码：" + "；".join(f"{c} {EXIT_CODES[c]}" for c in (codes or EXIT_CODES)) + "。"


class JixiaoError(Exception):
    """Base of every jixiao error. ``exit_code`` is the command's exit code when it stops on this error."""

    exit_code = EXIT_FAILED


class BuildFailed(JixiaoError):
    """The build did not complete; the live warehouse is unchanged."""

    exit_code = EXIT_FAILED

    def __init__(self, stage: str, message: str, dbt: Any = None):
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.message = message
        self.dbt = dbt  # app.dbt.DbtResult when dbt failed
