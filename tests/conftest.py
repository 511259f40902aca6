"""Shared fixtures: build a warehouse once per session, snapshot tables, copy the sample."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import duckdb
import pytest

from app.pipeline import build
from app.warehouse import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
YANFENG = SAMPLE / "yanfeng-2023"


# Modules by their time on an idle machine, longest first (`pytest --durations=0`, summed per module; bench is
# not involved: this only orders the work, nothing asserts a time).
LONGEST_MODULES_FIRST = [
    "test_spark",
    "test_workflow",
    "test_lint",
    "test_warehouse_integrity",
    "test_ingest_foundation",
    "test_workflow_browser",
    "test_workflow_browser_roles",
    "test_workflow_housekeeping",
    "test_dashboard_frameworks",
    "test_report",
    "test_auth",
    "test_dashboard_browser",
    "test_sql_v2_pipeline",
    "test_reconciliation",
    "test_real_tables",
]


def pytest_collection_modifyitems(config, items):
    """Run the suite on both cores (pytest-xdist, ``--dist loadfile`` in pyproject.toml): each module runs
    whole, in order, on one worker, so its module-scoped warehouses and servers are built once. The longest
    modules start first, so neither worker is left alone with one at the end (``--no-loadscope-reorder`` keeps
    this order instead of ordering modules by their number of tests)."""
    first = {name: rank for rank, name in enumerate(LONGEST_MODULES_FIRST)}
    items.sort(key=lambda it: first.get(it.module.__name__, len(first)))


@pytest.fixture(scope="session", autouse=True)
def _fast_apptest():
    """AppTest scans every installed package for Streamlit v2 components on each new instance (~2 s); we use none."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    mp = pytest.MonkeyPatch()
    mp.setattr(BidiComponentManager, "discover_and_register_components", lambda self, **kw: None)
    yield
    mp.undo()


def build_warehouse(warehouse: Path, *inputs: Path, **kw):
    """Run the real pipeline (ingest → dbt build → checks → swap) on `inputs`."""
    return build([(Path(p), None) for p in inputs], warehouse, **kw)


def snapshot(warehouse: Path, exclude_schemas=("audit",)) -> dict[str, list[tuple]]:
    """Every row of every table and view outside `exclude_schemas`, sorted: equal snapshots = equal data."""
    out: dict[str, list[tuple]] = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        tables = [
            (schema, table)
            for schema, table in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
            ).fetchall()
            if schema not in exclude_schemas
        ]
        for schema, table in sorted(tables):
            rows = con.execute(f'SELECT * FROM "{schema}"."{table}"').fetchall()
            out[f"{schema}.{table}"] = sorted(rows, key=repr)
    return out


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="session")
def yanfeng_warehouse(tmp_path_factory) -> Path:
    """The worked example (雁峰区人社局 2023) built into a warehouse, once per test session."""
    wh = tmp_path_factory.mktemp("yanfeng") / "jixiao.duckdb"
    result = build_warehouse(wh, YANFENG)
    assert result.swapped and not result.refused, [str(i) for o in result.outcomes for i in o.issues]
    return wh


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A writable copy of the worked example's submission folder."""
    dst = tmp_path / "yanfeng-2023"
    shutil.copytree(YANFENG, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
    return dst
