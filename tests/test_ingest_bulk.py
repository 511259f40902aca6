"""Ingest in bulk (issue 18): the tables of a run are parsed together, one Polars pass per template and
header signature (``ingest.submission.parse_submissions``), plain CSVs are split without the csv
module, and consecutive new submissions are inserted together (``ingest.load.BulkLoader``).

None of it may change what a person sees: each test compares the bulk path with the one-at-a-time path,
which stays in the code (``parse_submission``, ``load_submission``), on the bad-input and real-table
corpora and on generated runs with corrections, re-deliveries and name clashes.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import parse as P
from ingest import readers
from ingest import templates as T
from ingest.generator import generate
from ingest.load import BulkLoader, Coverage, load_submission, record_issues
from ingest.readers import RawTable, read_csv
from ingest.schema import ensure_schema
from ingest.submission import FrameworkCatalog, check_submission, parse_submission, parse_submissions

ROOT = Path(__file__).resolve().parents[1]
CATALOG = FrameworkCatalog.from_seeds(ROOT / "seeds")
CORPUS = sorted(
    p
    for d in ("bad_inputs", "real_tables")
    for p in (ROOT / "tests" / d).glob("*/submission*")
    if p.name in ("submission", "submission.xlsx")
)


def _plain(sub) -> dict:
    return {
        "id": sub.submission_id,
        "hash": sub.content_hash,
        "present": sorted(sub.present),
        "issues": [(i.file, i.sheet, i.row, i.column, i.value, i.reason, i.severity) for i in sub.issues],
        "tables": {
            n: (t.file, t.sheet, sorted(t.units), t.frame.schema, t.frame.rows())
            for n, t in sub.tables.items()
        },
    }


def test_the_corpora_parsed_in_one_bulk_pass_equal_each_submission_parsed_alone():
    assert len(CORPUS) > 120  # every bad-input and real-table case
    alone = [_plain(parse_submission(p)) for p in CORPUS]
    bulk = [_plain(s) for s in parse_submissions([(p, None) for p in CORPUS])]
    assert [a["id"] for a in alone] == [b["id"] for b in bulk]
    differing = [a["id"] + " " + str(a["issues"][:2]) for a, b in zip(alone, bulk) if a != b]
    assert differing == []
    # the corpora do refuse things: the comparison covers located messages, not only clean tables
    assert sum(1 for a in alone if any(i[6] == "error" for i in a["issues"])) >= 70  # 73 today


def _ledger(file: str, rows: list[list[str]]) -> RawTable:
    header = ["dept_code", "fiscal_year", "expense_type", "category", "project_name", "actual_paid"]
    return RawTable(file, None, header, 1, rows, list(range(2, 2 + len(rows))))


def test_a_batch_keeps_each_tables_rows_to_itself():
    """The stacked frame must not let one file's rows reach another's: a 其中 row at the top of the second
    file has no row above it; the same line in two files is no duplicate; row numbers are each file's."""
    a = _ledger(
        "a.csv",
        [
            ["430405-hrss", "2023", "基本支出", "人员经费", "", "100"],
            ["430405-hrss", "2023", "基本支出", "人员经费", "", "100"],
        ],
    )
    b = _ledger(
        "b.csv",
        [
            ["430405-hrss", "2023", "其中：基本支出", "人员经费", "", "40"],
            ["430405-hrss", "2023", "基本支出", "人员经费", "", "100"],
        ],
    )
    tmpl = T.TEMPLATES["budget_ledger"]
    alone = [P.parse_table(_ledger(t.file, [list(r) for r in t.rows]), tmpl) for t in (a, b)]
    prepared = [P.prepare_table(t, tmpl) for t in (a, b)]
    bulk = P.parse_prepared(prepared)
    assert [(i.file, i.row, i.reason) for i in bulk[0].issues] == [
        ("a.csv", 3, "重复的行：所有列 与第 2 行相同")
    ]
    assert [(i.file, i.row, i.reason) for i in bulk[1].issues] == [("b.csv", 2, "“其中”行上方没有它所属的行")]
    for one, many in zip(alone, bulk):
        assert one.issues == many.issues
        assert one.frame.rows() == many.frame.rows()
    assert bulk[1].frame["_row_number"].to_list() == [2, 3]
    assert bulk[1].frame["_file"].to_list() == ["b.csv", "b.csv"]


def test_a_defect_in_one_table_of_a_bulk_pass_refuses_that_submission_only(tmp_path, monkeypatch):
    subs = []
    for name in ("first", "second", "third"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "departments.csv").write_text(
            "dept_code,dept_name,region_code,region_name\n430405-hrss,人社局,430405,衡阳市\n",
            encoding="utf-8",
        )
        subs.append((folder, None))
    real = P._parse_batch

    def broken(tables):
        if any(t.file == "departments.csv" and t.raw_cols["dept_name"] == ["坏"] for t in tables):
            raise KeyError("boom")
        return real(tables)

    (tmp_path / "second" / "departments.csv").write_text(
        "dept_code,dept_name,region_code,region_name\n430405-hrss,坏,430405,衡阳市\n", encoding="utf-8"
    )
    monkeypatch.setattr(P, "_parse_batch", broken)
    parsed = parse_submissions(subs)
    assert [[(i.file, i.reason) for i in s.errors] for s in parsed] == [
        [],
        [
            (
                "departments.csv",
                "导入程序无法处理这个表（内部错误 KeyError），已拒绝：请把文件交给系统维护人员",
            )
        ],
        [],
    ]
    assert parsed[2].tables["departments"].frame["dept_name"].to_list() == ["人社局"]


# ---------------------------------------------------------------------------- plain CSVs


def _with_csv_module(path: Path) -> RawTable:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(readers, "_split_simple_csv", lambda text: None)
        return read_csv(path)


CELL = st.text(alphabet=["a", "1", "合", " ", "\t", "１", "\ufeff", "\u3000", "\u2028"], max_size=4)
LINE = st.lists(CELL, min_size=0, max_size=5).map(",".join)


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(LINE, min_size=1, max_size=8), crlf=st.booleans(), final=st.booleans())
def test_a_plain_csv_split_by_lines_reads_as_the_csv_module_reads_it(tmp_path_factory, lines, crlf, final):
    text = ("\r\n" if crlf else "\n").join(lines) + (("\r\n" if crlf else "\n") if final else "")
    path = tmp_path_factory.mktemp("csv") / "departments.csv"
    path.write_bytes(text.encode("utf-8"))
    assert readers._split_simple_csv(text) is not None
    try:
        fast = read_csv(path)
    except readers.ReadError as e:
        fast = e.issue
    try:
        slow = _with_csv_module(path)
    except readers.ReadError as e:
        slow = e.issue
    if isinstance(slow, RawTable):
        assert isinstance(fast, RawTable)
        assert (fast.header, fast.header_row, fast.rows, fast.row_numbers) == (
            slow.header,
            slow.header_row,
            slow.rows,
            slow.row_numbers,
        )
        decoded = readers.decode_csv(text.encode("utf-8"), "departments.csv")[0]  # a leading BOM dropped
        records = [r for r in csv.reader(io.StringIO(decoded, newline="")) if any(c.strip() for c in r)]
        assert slow.rows == records[1:]
    else:
        assert fast == slow


@pytest.mark.parametrize(
    "text",
    ['a,"b,c"\n1,2\n', "a,b\r1,2\n", "a,b\n1\x002\n", "a,b\n" + "x" * 10_001 + ",1\n"],
    ids=["quotes", "lone CR", "NUL", "long cell"],
)
def test_csvs_that_are_not_plain_go_to_the_csv_module(text):
    assert readers._split_simple_csv(text) is None


# ---------------------------------------------------------------------------- loading


def _one_at_a_time(con, subs, run_id):
    """What ingest did before BulkLoader: each submission in its own transaction, in order."""
    ensure_schema(con)
    coverage = Coverage(con)
    known = {r[0] for r in con.execute("SELECT DISTINCT dept_code FROM raw.departments").fetchall()}
    out = []
    for sub in subs:
        check_submission(sub, CATALOG, known)
        o = load_submission(con, sub, run_id, schema_ready=True, coverage=coverage)
        if o.status == "loaded" and "departments" in sub.tables:
            known |= set(sub.tables["departments"].frame["dept_code"].drop_nulls().to_list())
        record_issues(con, run_id, sub.submission_id, sub.issues)
        out.append(o)
    return out


def _bulk(con, subs, run_id, max_pending=64):
    ensure_schema(con)
    loader = BulkLoader(con, run_id, Coverage(con))
    loader.MAX_PENDING = max_pending
    known = {r[0] for r in con.execute("SELECT DISTINCT dept_code FROM raw.departments").fetchall()}
    out = []
    for sub in subs:
        check_submission(sub, CATALOG, known)
        done = loader.add(sub)
        status = next((o.status for s, o in done if s is sub), "loaded" if sub.ok else "refused")
        if status == "loaded" and "departments" in sub.tables:
            known |= set(sub.tables["departments"].frame["dept_code"].drop_nulls().to_list())
        out += [o for _, o in done]
    return out + [o for _, o in loader.flush()]


def _tables(con) -> dict[str, list[tuple]]:
    skip = {"_loaded_at", "loaded_at", "recorded_at"}
    out = {}
    for schema, name in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('raw', 'audit') ORDER BY 1, 2"
    ).fetchall():
        cols = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ? ORDER BY column_index",
                [schema, name],
            ).fetchall()
            if c not in skip
        ]
        sel = ", ".join(f'"{c}"' for c in cols)
        out[f"{schema}.{name}"] = con.execute(f"SELECT {sel} FROM {schema}.{name} ORDER BY ALL").fetchall()
    return out


def _edit_last_digit(path: Path, line_no: int) -> None:
    data = path.read_bytes()
    enc = "utf-8" if data.startswith(b"\xef\xbb\xbf") else "gb18030"
    lines = data.decode(enc).split("\n")
    line = lines[line_no]
    i = max(k for k, c in enumerate(line) if c.isdigit())
    lines[line_no] = line[:i] + ("1" if line[i] != "1" else "2") + line[i + 1 :]
    path.write_bytes("\n".join(lines).encode(enc))


def test_bulk_loading_equals_loading_one_at_a_time(tmp_path):
    """A generated run (department-years that restate earlier ones), the same run again (unchanged), then
    a correction of one submission and a name given twice in one run: outcomes (status, rows, what each
    supersedes, replaced versions, issues) and every raw and audit row are those of one-at-a-time loading."""
    import shutil

    data = tmp_path / "data"
    generate(departments=40, years=3, seed=7, out=data, fault_rate=0.0, regions=4)
    inputs = [(p, None) for p in sorted(data.iterdir()) if p.is_dir() or p.suffix == ".xlsx"]
    assert len(inputs) >= 6
    folder = next(p for p, _ in inputs if p.is_dir())
    ledger = next(f for f in folder.iterdir() if T.template_for(f.stem) is T.TEMPLATES["budget_ledger"])
    corrected = tmp_path / "corrected" / folder.name
    shutil.copytree(folder, corrected)
    _edit_last_digit(corrected / ledger.name, 1)
    twice = tmp_path / "twice" / folder.name
    shutil.copytree(corrected, twice)
    _edit_last_digit(twice / ledger.name, 2)
    # a name new to the warehouse given three times in one run: the second replaces the first (same
    # department-years), the third (other department-years) loads beside them as 新名称(2)
    other = next(p for p, _ in inputs if p.is_dir() and p.name.split("-")[0] != folder.name.split("-")[0])
    clash = []
    for k, src in enumerate((corrected, twice, other)):
        dst = tmp_path / f"clash{k}" / "新名称"
        shutil.copytree(src, dst)
        clash.append((dst, None))
    runs = [inputs, inputs, [(corrected, None), (twice, None), *inputs[:2], *clash]]

    results = {}
    for how, load in (("alone", _one_at_a_time), ("bulk", _bulk)):
        with contextlib.closing(duckdb.connect(str(tmp_path / f"{how}.duckdb"))) as con:
            outcomes = []
            for k, run in enumerate(runs):
                subs = parse_submissions(run) if how == "bulk" else [parse_submission(*i) for i in run]
                outcomes += [
                    (
                        k,
                        o.submission_id,
                        o.status,
                        o.rows,
                        o.superseded,
                        o.replaced_previous_version,
                        o.issues,
                    )
                    for o in load(con, subs, f"run{k}")
                ]
            results[how] = (outcomes, _tables(con))
    alone, bulk = results["alone"], results["bulk"]
    assert bulk[0] == alone[0]
    assert bulk[1] == alone[1]
    statuses = [o[2] for o in alone[0]]
    assert statuses.count("unchanged") >= len(inputs)
    assert sum(o[5] for o in alone[0]) >= 1  # the correction replaced the version it corrects
    assert any(o[4] for o in alone[0])  # and something superseded rows of another submission
    assert [o[1] for o in alone[0][-3:]] == ["新名称", "新名称", "新名称(2)"]


def test_a_small_group_limit_flushes_in_the_middle_and_changes_nothing(tmp_path):
    data = tmp_path / "data"
    generate(departments=30, years=2, seed=11, out=data, fault_rate=0.0, regions=3)
    inputs = [(p, None) for p in sorted(data.iterdir()) if p.is_dir() or p.suffix == ".xlsx"]
    tables = []
    for limit in (1, 2, 64):
        with contextlib.closing(duckdb.connect(str(tmp_path / f"l{limit}.duckdb"))) as con:
            outcomes = _bulk(con, parse_submissions(inputs), "run", max_pending=limit)
            tables.append(([(o.submission_id, o.rows, o.superseded) for o in outcomes], _tables(con)))
    assert tables[0] == tables[1] == tables[2]
    seqs = [r[-1] for r in tables[0][1]["audit.submissions"]]
    assert sorted(seqs) == list(range(1, len(inputs) + 1))
