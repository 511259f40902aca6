"""Incremental builds (app/incremental.py) equal a full rebuild, table by table, after a random sequence of
loads, corrections, removed rows, renamed and removed departments and a hand edit; and they say when they
fall back to a full build."""

from __future__ import annotations

import contextlib
import csv
import io
import random
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import query

from app import incremental, pipeline
from app.warehouse import SAMPLE
from expectations.checkpoint import ChecksFailed

DEMO = SAMPLE / "demo"
# the demo submissions that are folders of CSV files (the random edits rewrite CSV cells)
FOLDERS = [
    "430405-2021",
    "430405-2022",
    "430405-2023",
    "430407-2022",
    "430407-2023",
    "430408-2021",
    "430408-2022",
]
LEDGER = ("budget_ledger.csv", "预算指标执行台账.csv")
THREE_PUBLIC = ("three_public.csv", "三公经费.csv")
DEPARTMENTS = ("departments.csv", "部门信息.csv")
PAID, BALANCE = 13, 14  # 实际支付合计, 指标结余: the same position in every ledger of the demo


# ── CSV edits that keep a file's encoding, quoting and line ends ─────────────────────────────────────────
def _read(path: Path) -> tuple[list[list[str]], str, str]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gbk"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    eol = "\r\n" if "\r\n" in text else "\n"
    return list(csv.reader(io.StringIO(text))), enc, eol


def _write(path: Path, rows: list[list[str]], enc: str, eol: str) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows(rows)
    path.write_bytes(buf.getvalue().encode(enc))


def _file(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / n for n in names if (folder / n).exists()), None)


def _one_cent_less(cell: str) -> str | None:
    """A positive decimal amount as the demo writes it (万元 with 6 decimals, 元 with 2, with or without
    thousands separators) made one unit of its last digit smaller: one 分 either way, in the same style."""
    plain = cell.replace(",", "")
    if "." not in plain or not plain.replace(".", "", 1).isdigit():
        return None
    d = Decimal(plain)
    step = Decimal(1).scaleb(d.as_tuple().exponent)
    if d <= step:
        return None
    return f"{d - step:,}" if "," in cell else str(d - step)


def correct_amount(folder: Path, rng: random.Random) -> str:
    path = _file(folder, LEDGER)
    rows, enc, eol = _read(path)
    candidates = [i for i, r in enumerate(rows[1:], 1) if len(r) > PAID and _one_cent_less(r[PAID])]
    i = rng.choice(candidates)
    rows[i][PAID] = _one_cent_less(rows[i][PAID])
    _write(path, rows, enc, eol)
    return rows[i][0]


def drop_three_public_row(folder: Path, rng: random.Random) -> str:
    path = _file(folder, THREE_PUBLIC)
    rows, enc, eol = _read(path)
    i = rng.randrange(1, len(rows))
    dept = rows[i][0]
    del rows[i]
    _write(path, rows, enc, eol)
    return dept


def rename_department(folder: Path, rng: random.Random) -> str:
    path = _file(folder, DEPARTMENTS)
    rows, enc, eol = _read(path)
    i = rng.randrange(1, len(rows))
    rows[i][1] += "（更名）"
    _write(path, rows, enc, eol)
    return rows[i][0]


def drop_department(folder: Path, rng: random.Random) -> str | None:
    """Every row of one department out of every file of the submission (it no longer reports that year)."""
    depts, _, _ = _read(_file(folder, DEPARTMENTS))
    codes = sorted({r[0] for r in depts[1:]})
    if len(codes) < 2:
        return None
    dept = rng.choice(codes)
    for path in folder.glob("*.csv"):
        rows, enc, eol = _read(path)
        _write(path, [r for r in rows if not r or r[0] != dept], enc, eol)
    return dept


EDITS = [correct_amount, drop_three_public_row, rename_department, drop_department]


# ── comparing warehouses ─────────────────────────────────────────────────────────────────────────────────
def differences(a: Path, b: Path) -> dict[str, tuple[int, int]]:
    """{schema.table: (rows only in a, rows only in b)} over every table outside audit (EXCEPT ALL both ways;
    a table in one warehouse only is (-1, -1)). Views are not compared: they are queries over these tables."""
    out = {}
    with contextlib.closing(duckdb.connect(str(a), read_only=True)) as con:
        con.execute(f"ATTACH '{b}' AS other (READ_ONLY)")

        def names(db):
            return set(
                con.execute(
                    "select schema_name || '.' || table_name from duckdb_tables() "
                    "where database_name = ? and schema_name <> 'audit'",
                    [db],
                ).fetchall()
            )

        mine, theirs = names(a.stem), names("other")
        for (name,) in sorted(mine | theirs):
            if (name,) not in mine or (name,) not in theirs:
                out[name] = (-1, -1)
                continue
            schema, table = name.split(".")
            rel = f'"{schema}"."{table}"'
            only_a = con.execute(f"select count(*) from (from {rel} except all from other.{rel})").fetchone()[
                0
            ]
            only_b = con.execute(f"select count(*) from (from other.{rel} except all from {rel})").fetchone()[
                0
            ]
            if only_a or only_b:
                out[name] = (only_a, only_b)
    return out


def full_rebuild_of(warehouse: Path, tmp: Path) -> Path:
    """A copy of `warehouse` rebuilt by `jixiao build --full` (the same raw rows, every model recomputed)."""
    copy = tmp / "full" / warehouse.name
    shutil.rmtree(copy.parent, ignore_errors=True)
    copy.parent.mkdir(parents=True)
    shutil.copy(warehouse, copy)
    result = pipeline.build([], copy, full=True, run_checks=False)
    assert result.swapped and not result.plan.incremental
    return copy


def _build(wh: Path, *inputs: tuple[Path, str], checks: bool = False):
    result = pipeline.build(list(inputs), wh, run_checks=checks)
    assert result.swapped and not result.refused, [str(i) for o in result.outcomes for i in o.issues]
    return result


@pytest.fixture
def small_is_incremental(monkeypatch):
    # the demo has 25 departments, fewer than INCREMENTAL_FROM_DEPARTMENTS: built in full unless told
    monkeypatch.setattr(incremental, "INCREMENTAL_FROM_DEPARTMENTS", 0)


@pytest.fixture
def every_build_incremental(monkeypatch, small_is_incremental):
    # and a 6-department correction of 25 would be "too many" (FULL_FROM_SHARE)
    monkeypatch.setattr(incremental, "FULL_FROM_SHARE", 1.0)


def test_a_random_sequence_of_loads_and_corrections_equals_a_full_rebuild(tmp_path, every_build_incremental):
    rng = random.Random(20261130)
    work = tmp_path / "subs"
    for name in FOLDERS:
        shutil.copytree(DEMO / name, work / name)
    wh = tmp_path / "wh" / "jixiao.duckdb"
    order = rng.sample(FOLDERS, len(FOLDERS))
    first, pending = order[:3], order[3:]
    result = _build(wh, *[(work / n, n) for n in first])
    assert not result.plan.incremental and result.plan.reason == "全量构建（仓库尚无结果表）"
    loaded = list(first)
    log = []
    # every remaining submission loaded and four edits, in a random order, with a hand edit fourth
    kinds = rng.sample(["load"] * len(pending) + ["edit"] * 3, len(pending) + 3)
    kinds.insert(3, "hand")
    for step, kind in enumerate(kinds):
        if kind == "load":
            name = pending.pop(0)
            loaded.append(name)
            expect = {r[0] for r in _read(_file(work / name, DEPARTMENTS))[0][1:]}
            result = _build(wh, (work / name, name))
        elif kind == "edit":
            name = rng.choice(loaded)
            edit = rng.choice(EDITS)
            dept = edit(work / name, rng)
            expect = {dept} if dept else set()
            result = _build(wh, (work / name, name))
        else:  # a hand edit of a raw table (the README allows a duckdb session on the file), then a plain build
            dept, year = query(wh, "select dept_code, fiscal_year from raw.carryover order by 1, 2 limit 1")[
                0
            ]
            with contextlib.closing(duckdb.connect(str(wh))) as con:
                con.execute(
                    "update raw.carryover set closing_balance = closing_balance + 1 "
                    "where dept_code = ? and fiscal_year = ?",
                    [dept, year],
                )
            name, expect = None, {dept}
            result = _build(wh)  # no input: recomputes what the edit changed, and only that
            assert result.plan.departments == [dept]
        log.append((kind, name, sorted(expect), result.plan.reason))
        assert result.plan.incremental, log
        assert expect <= set(result.plan.departments), log
        if step in (3, len(kinds) - 1):
            assert differences(wh, full_rebuild_of(wh, tmp_path)) == {}, log
    # the warehouse holds every submission
    assert sorted(r[0] for r in query(wh, "select submission_id from audit.submissions")) == sorted(FOLDERS)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """430405's 2021 and 2022 submissions (6 departments) and 430407's 2022 (9), built full and checked:
    15 departments."""
    wh = tmp_path_factory.mktemp("base") / "wh" / "jixiao.duckdb"
    _build(wh, *[(DEMO / n, n) for n in ("430405-2021", "430405-2022", "430407-2022")], checks=True)
    return wh


def _copy(wh: Path, tmp: Path) -> Path:
    dst = tmp / "wh" / wh.name
    dst.parent.mkdir(parents=True)
    shutil.copy(wh, dst)
    return dst


def test_a_correction_recomputes_only_its_departments_and_shows_the_new_figure(
    base, tmp_path, every_build_incremental
):
    wh = _copy(base, tmp_path)
    sub = tmp_path / "430405-2021"
    shutil.copytree(DEMO / "430405-2021", sub)
    # 430405-housing 2021: one ledger line's 实际支付合计 198.2109 万元 → 198.2009 万元 (100 元 less)
    rows, enc, eol = _read(sub / "budget_ledger.csv")
    line = next(r for r in rows if r[0] == "430405-housing" and r[PAID] == "198.2109")
    line[PAID] = "198.2009"
    _write(sub / "budget_ledger.csv", rows, enc, eol)
    sql = "select paid_total from marts.fct_department_year_finance where dept_code = '430405-housing' and fiscal_year = 2021"
    assert query(wh, sql) == [(Decimal("24106412.25"),)]
    others = query(
        wh,
        "select * from marts.fct_department_year_finance where dept_code not in (select dept_code from raw.departments where _submission_id = '430405-2021') order by all",
    )
    result = _build(wh, (sub, "430405-2021"), checks=True)
    assert result.plan.incremental
    in_2021 = sorted(
        {
            r[0]
            for r in query(wh, "select dept_code from raw.budget_ledger where _submission_id = '430405-2021'")
        }
    )
    # the corrected submission is loaded last now: every department it covers may change, the others not
    assert result.plan.departments == in_2021
    assert (
        result.plan.reason
        == f"增量构建：重算 {len(in_2021)} 个部门，其余 {result.plan.total - len(in_2021)} 个部门沿用上次结果"
    )
    assert query(wh, sql) == [(Decimal("24106312.25"),)]
    assert (
        query(
            wh,
            "select * from marts.fct_department_year_finance where dept_code not in (select dept_code from raw.departments where _submission_id = '430405-2021') order by all",
        )
        == others
    )
    assert query(wh, "select build_mode, departments_rebuilt from audit.build_state") == [
        ("incremental", len(in_2021))
    ]
    # the integrity checks read the rebuilt departments' rows; the build summary says so
    assert result.checks.integrity_success and result.checks.scoped_departments == len(in_2021)
    line = next(x for x in result.checks.summary_lines() if x.startswith("Great Expectations："))
    assert line.endswith(f"；增量构建，完整性套件只校验本次重算的 {len(in_2021)} 个部门")
    assert differences(wh, full_rebuild_of(wh, tmp_path)) == {}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("full", "全量构建（按要求重算全部部门）"),
        ("signature", "全量构建（模型、种子表、参数或 dbt/DuckDB 版本自上次构建以来有变化）"),
        ("raw_column", "全量构建（原始数据表的列自上次构建以来有变化）"),
        ("no_state", "全量构建（仓库没有上次构建的记录）"),
        ("no_marts", "全量构建（仓库尚无结果表）"),
        ("department_less_row", "全量构建（有不属于任何部门的原始行发生变化）"),
        ("many", "全量构建（9 / 24 个部门有变化）"),
        ("nothing", "增量构建：没有部门的原始数据有变化，只重算跨部门的表"),
        ("small", "全量构建（仓库只有 15 个部门，全部重算与只重算有变化的部门一样快）"),
    ],
)
def test_a_build_says_why_it_recomputes_everything(base, tmp_path, monkeypatch, change, reason):
    """incremental.plan on the copy after the ingest (app/pipeline.py runs it there), for each reason."""
    wh = _copy(base, tmp_path)
    if change != "small":
        monkeypatch.setattr(incremental, "INCREMENTAL_FROM_DEPARTMENTS", 0)
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        if change == "raw_column":
            con.execute("alter table raw.facts add column x_note varchar")
        elif change == "no_state":
            con.execute("drop table audit.build_state")
        elif change == "no_marts":
            con.execute("drop schema marts cascade")
        elif change == "department_less_row":
            con.execute("create table raw.x_notes as select 'a' as note, '430405-2021' as _submission_id")
            # a new raw table changes the raw columns too: let only the digest see it
            con.execute(
                "update audit.build_state set raw_schema_signature = ?",
                [incremental.raw_schema_signature(con)],
            )
        elif change == "many":  # 430408's 2022 submission: 9 new departments, 9 of 24 is more than 25 %
            pipeline.ingest(con, [(DEMO / "430408-2022", "430408-2022")], "run-many")
        elif change == "signature":
            monkeypatch.setattr(incremental, "build_signature", lambda: "another project")
        plan = incremental.plan(con, full=change == "full")
    assert plan.reason == reason
    assert plan.incremental == (change == "nothing")


PARENT_SUITES = ["raw_departments", "marts_dim_department"]  # the two that look up 上级部门编码


def test_a_hand_edit_of_another_department_is_rebuilt_and_checked_with_the_load(
    base, tmp_path, every_build_incremental
):
    """An unknown 上级部门编码 typed into raw.departments of 430407-hrss, then 430405's 2021 submission reloaded:
    the digest puts 430407-hrss in scope, and the scoped integrity checks refuse the build; a unit of 430405
    whose parent was not rebuilt still finds it (the departments tables stay whole in scoped checks)."""
    wh = _copy(base, tmp_path)
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        con.execute(
            "update raw.departments set parent_dept_code = '430407-nobody' where dept_code = '430407-hrss'"
        )
    sub = tmp_path / "430405-2021"
    shutil.copytree(DEMO / "430405-2021", sub)
    rename_department(sub, random.Random(1))
    with pytest.raises(ChecksFailed) as e:
        pipeline.build([(sub, "430405-2021")], wh)
    outcome = e.value.outcome
    assert outcome.scoped_departments == 7  # 430405's 6 departments and 430407-hrss
    assert [s.name for s in outcome.failed() if s.kind == "integrity"] == PARENT_SUITES
    failed = next(r for r in outcome.suite("raw_departments").results if not r.success)
    assert "430407-hrss" in failed.details
    # the live warehouse is as it was: `jixiao check` (every department) finds the same
    with pytest.raises(ChecksFailed) as again:
        pipeline.build([], wh, run_dbt=False)
    assert again.value.outcome.scoped_departments is None
    # (marts.dim_department was not rebuilt since the edit: only the raw table shows it)
    assert [s.name for s in again.value.outcome.failed() if s.kind == "integrity"] == ["raw_departments"]


@pytest.mark.parametrize("last_checks", ["these", "other rules", "skipped"])
def test_checks_read_only_the_rebuilt_departments_when_the_last_build_was_checked_by_the_same_rules(
    base, tmp_path, small_is_incremental, last_checks
):
    wh = _copy(base, tmp_path)
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        if last_checks != "these":
            value = None if last_checks == "skipped" else "another expectations/"
            con.execute("update audit.build_state set checks_signature = ?", [value])
        con.execute("update raw.carryover set closing_balance = 1 where dept_code = '430407-hrss'")
        plan = incremental.plan(con)
    assert plan.departments == ["430407-hrss"]
    assert plan.check_departments == (["430407-hrss"] if last_checks == "these" else None)


def test_a_model_that_reads_other_departments_is_not_merged(tmp_path):
    """The merge refuses a table without dept_code whose scope-build rows differ, and leaves the copy as it was."""
    work, scope = tmp_path / "work.duckdb", tmp_path / "scope.duckdb"
    for path, rank in ((work, 1), (scope, 2)):
        with contextlib.closing(duckdb.connect(str(path))) as con:
            con.execute("create schema marts")
            con.execute(
                "create table marts.fct_x as select 'a' as dept_code, 10 as v union all select 'b', 20"
            )
            con.execute(f"create table marts.rank_x as select {rank} as top_rank")
    with pytest.raises(incremental.NotDepartmentLocal) as e:
        incremental._merge(work, scope, ["a"])
    assert str(e.value) == "marts.rank_x 没有 dept_code，且只用部分部门的数据算出的结果与全量不同（2 行）"
    assert query(work, "select * from marts.fct_x order by 1") == [("a", 10), ("b", 20)]
