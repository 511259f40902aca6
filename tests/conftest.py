"""Shared fixtures: build a warehouse once per session, snapshot tables, copy the sample."""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from app.pipeline import build
from app.warehouse import SAMPLE

ROOT = Path(__file__).resolve().parents[1]
YANFENG = SAMPLE / "yanfeng-2023"


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put ``sys.modules["__main__"]`` back after each test. A test that runs a page in-process can leave it
    pointing at the page's module; every process pool spawned later in this pytest process would then re-run
    that page in each child, which dies (BrokenProcessPool in ingest's parse pool and the generator's pool)."""
    main = sys.modules.get("__main__")
    yield
    if sys.modules.get("__main__") is not main:
        sys.modules["__main__"] = main


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
