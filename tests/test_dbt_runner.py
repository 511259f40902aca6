"""app/dbt.py keeps the parsed project for the process (`dbtRunner(manifest=…)`): a build of a new warehouse
folder skips dbt's parse, and gives the same warehouse as a build that parsed."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import snapshot

from app import pipeline
from app.dbt import project_fingerprint

ROOT = Path(__file__).resolve().parents[1]


def _invocations(warehouse: Path) -> int:
    log = warehouse.parent / ".build" / "dbt-logs" / "dbt.log"
    return log.read_text(encoding="utf-8").count("Running with dbt=")


def test_a_second_warehouse_in_the_process_is_built_without_parsing_and_equals_the_first(
    yanfeng_warehouse, tmp_path
):
    # yanfeng_warehouse (jixiao.duckdb) was built in this process: the project is parsed for "jixiao"
    again = tmp_path / "again" / "jixiao.duckdb"
    again.parent.mkdir()
    shutil.copy(yanfeng_warehouse, again)
    assert pipeline.build([], again, rebuild=True, run_checks=False).swapped
    assert _invocations(again) == 1  # the build alone: no `dbt parse` before it
    # another file name is another DuckDB catalog, written into every node: parsed for it, then built
    other = tmp_path / "other" / "副本.duckdb"
    other.parent.mkdir()
    shutil.copy(yanfeng_warehouse, other)
    assert pipeline.build([], other, rebuild=True, run_checks=False).swapped
    assert _invocations(other) == 2
    expected = snapshot(yanfeng_warehouse)
    assert snapshot(again) == expected
    assert snapshot(other) == expected


def test_the_fingerprint_changes_with_any_parsed_file_and_only_with_them(tmp_path):
    for rel in ("dbt_project", "models", "seeds"):
        shutil.copytree(ROOT / rel, tmp_path / rel, ignore=shutil.ignore_patterns("target", "logs"))
    first = project_fingerprint(tmp_path)
    assert first == project_fingerprint(ROOT)
    model = next((tmp_path / "models" / "marts").glob("*.sql"))
    text = model.read_text(encoding="utf-8")
    model.write_text(text + "\n", encoding="utf-8")
    assert project_fingerprint(tmp_path) != first
    model.write_text(text, encoding="utf-8")
    (tmp_path / "README.md").write_text("not parsed by dbt", encoding="utf-8")
    (tmp_path / "dbt_project" / "target").mkdir(exist_ok=True)
    (tmp_path / "dbt_project" / "target" / "manifest.json").write_text("{}", encoding="utf-8")
    assert project_fingerprint(tmp_path) == first
