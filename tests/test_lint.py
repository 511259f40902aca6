"""Lint, as part of the suite (CI runs only pytest): ruff for Python, sqlfluff for the dbt SQL.

Configuration: ``[tool.ruff]`` in pyproject.toml, ``.sqlfluff`` at the top (dbt templater, DuckDB dialect).
To fix locally: ``.venv/bin/ruff format . && .venv/bin/ruff check --fix .`` and
``.venv/bin/sqlfluff fix models dbt_project/tests``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# dbt_project/macros is not listed: the dbt templater skips macro files (it lints what they render into)
SQL_PATHS = ["models", "dbt_project/tests"]


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **env}, check=False, timeout=900
    )


def test_python_is_formatted_and_lint_clean():
    fmt = _run([str(BIN / "ruff"), "format", "--check", "."])
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr
    check = _run([str(BIN / "ruff"), "check", "--output-format", "concise", "."])
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.timeout(900)  # the sqlfluff run's own limit: on a loaded 2-core machine it took over 600 s
def test_sql_is_lint_clean(tmp_path):
    # the dbt templater compiles the project against a throwaway warehouse file (never the real one)
    res = _run(
        [
            str(BIN / "sqlfluff"),
            "lint",
            *SQL_PATHS,
            "--format",
            "github-annotation-native",
            "--processes",
            "2",
        ],
        JIXIAO_WAREHOUSE=str(tmp_path / "lint.duckdb"),
    )
    problems = [
        ln for ln in res.stdout.splitlines() if ln.startswith("::warning") or ln.startswith("::error")
    ]
    assert res.returncode == 0 and not problems, "\n".join(problems[:60]) or res.stderr[-3000:]
