"""Hostile and broken inputs that the bad-input corpus cannot hold as one folder each (issue 12).

- a build of good and refused submissions together loads the good one (a refusal never aborts another);
- two departments that both send ``填报模板`` load beside each other; a corrected file replaces only the
  version it shares department-years with (spec "Which submission replaces which");
- a symlink that leaves the submission folder is refused and never read;
- a sheet with a million formatted blank rows loads its table; one with a value in XFD1048576 is refused
  without calamine allocating the sheet.
"""

from __future__ import annotations

import contextlib
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import YANFENG, query

from app.pipeline import build
from ingest.load import load_submission
from ingest.schema import ensure_schema
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "bad_inputs"
CATALOG = FrameworkCatalog.from_seeds(ROOT / "seeds")


def _department(dst: Path, code: str, name: str) -> Path:
    """The worked example's submission re-keyed to another department code (same figures)."""
    shutil.copytree(YANFENG, dst)
    for f in dst.iterdir():
        f.chmod(0o644)
        f.write_text(
            f.read_text(encoding="utf-8")
            .replace("430406-hrss", code)
            .replace("雁峰区人力资源和社会保障局", name),
            encoding="utf-8",
        )
    return dst


def test_refused_submissions_never_abort_the_good_one(tmp_path):
    """One build: the worked example plus one submission refused for each reason of the corpus."""
    refused = [
        d
        for d in sorted(CORPUS.iterdir())
        if d.is_dir() and (d / "expected.json").exists() and '"refused"' in (d / "expected.json").read_text()
    ]
    inputs = [(YANFENG, "good")] + [
        (d / ("submission.xlsx" if (d / "submission.xlsx").exists() else "submission"), d.name)
        for d in refused
    ]
    inputs = [(p, sid) for p, sid in inputs if p.exists()]
    wh = tmp_path / "jixiao.duckdb"
    result = build(inputs, wh, run_checks=False)
    status = {o.submission_id: o.status for o in result.outcomes}
    assert status.pop("good") == "loaded"
    assert set(status.values()) == {"refused"} and len(status) >= 60
    assert result.swapped
    assert query(
        wh,
        "select total_score, grade from marts.fct_department_scores where framework_code = 'hn_dept_overall'",
    ) == [(pytest.approx(90), "优")]


@contextlib.contextmanager
def _raw(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "ingest.duckdb"))
    try:
        ensure_schema(con)
        yield con
    finally:
        con.close()


def _load(con, path: Path, sid: str):
    sub = read_submission(path, sid, catalog=CATALOG, known_departments=set())
    assert sub.ok, [str(i) for i in sub.issues]
    return load_submission(con, sub, "run")


def test_same_name_different_departments_load_beside_each_other(tmp_path):
    a = _department(tmp_path / "a" / "填报模板", "430406-a", "甲局")
    b = _department(tmp_path / "b" / "填报模板", "430406-b", "乙局")
    with _raw(tmp_path) as con:
        first = _load(con, a, "填报模板")
        second = _load(con, b, "填报模板")
        assert (first.status, first.submission_id) == ("loaded", "填报模板")
        assert (second.status, second.submission_id) == ("loaded", "填报模板(2)")
        assert [i.reason for i in second.issues] == [
            "已有同名提交“填报模板”，但两者没有相同的部门年度：本提交不替换它，作为“填报模板(2)”一并加载"
        ]
        counts = con.execute(
            "select _submission_id, dept_code, count(*) from raw.budget_ledger group by all order by 1"
        ).fetchall()
        assert counts == [("填报模板", "430406-a", 28), ("填报模板(2)", "430406-b", 28)]
        # the same bytes again, under the shared name: nothing changes
        again = _load(con, b, "填报模板")
        assert (again.status, again.submission_id) == ("unchanged", "填报模板(2)")
        # 乙局 corrects its file: it replaces its own version only
        ledger = b / "budget_ledger.csv"
        ledger.write_text(
            ledger.read_text(encoding="utf-8").replace(
                '"121,000.00","121,000.00",\n', '"121,000.00","120,000.00",\n', 1
            ),
            encoding="utf-8",
        )
        corrected = _load(con, b, "填报模板")
        assert (corrected.status, corrected.submission_id, corrected.replaced_previous_version) == (
            "loaded",
            "填报模板(2)",
            True,
        )
        paid = con.execute(
            "select _submission_id, sum(actual_paid) from raw.budget_ledger where not is_subtotal group by all order by 1"
        ).fetchall()
        assert [(s, str(v)) for s, v in paid] == [("填报模板", "88044648.36"), ("填报模板(2)", "88043648.36")]


def test_symlink_out_of_the_submission_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:机密内容\n", encoding="utf-8")
    sub = tmp_path / "sub"
    shutil.copytree(YANFENG, sub)
    (sub / "facts.csv").unlink()
    (sub / "facts.csv").symlink_to(secret)
    parsed = read_submission(sub, catalog=CATALOG)
    assert not parsed.ok
    assert [(i.file, i.reason) for i in parsed.errors] == [
        ("facts.csv", "是指向提交文件夹以外的链接，不读取：请把文件本身放进提交文件夹")
    ]
    assert not any("机密" in str(i.value) or "root" in str(i.value) for i in parsed.issues)


def _sheet_with(tmp_path: Path, name: str, extra_rows: str) -> Path:
    """A copy of the corpus's percent-format workbook whose departments sheet gains `extra_rows` XML."""
    src = CORPUS / "xlsx_percent_format_and_hidden_sheet_ok" / "submission.xlsx"
    out = tmp_path / name
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as w:
        names = z.namelist()
        # departments is the second sheet in sorted order (budget_ledger, carryover, departments, …)
        part = "xl/worksheets/sheet3.xml"
        for n in names:
            data = z.read(n)
            if n == part:
                data = data.decode().replace("</sheetData>", extra_rows + "</sheetData>").encode()
            w.writestr(n, data)
    return out


def test_a_million_formatted_blank_rows_load_the_table(tmp_path):
    rows = "".join(f'<row r="{r}"><c r="A{r}" s="0"/></row>' for r in range(3, 1_000_001))
    book = _sheet_with(tmp_path, "blank.xlsx", rows)
    sub = read_submission(book, catalog=CATALOG)
    assert sub.ok, [str(i) for i in sub.errors]
    assert sub.tables["departments"].frame.height == 1


def test_a_value_in_xfd1048576_is_refused_before_reading(tmp_path):
    book = _sheet_with(tmp_path, "xfd.xlsx", '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')
    sub = read_submission(book, catalog=CATALOG)
    assert [(i.sheet, i.value, i.reason) for i in sub.errors] == [
        (
            "departments",
            "XFD1048576",
            "工作表的数据范围过大（单元格 XFD1048576 有内容；最多 256 列、30,000,000 个单元格）：请删除表格以外的内容后另存",
        )
    ]


def test_a_defect_in_parsing_one_table_refuses_that_submission_only(tmp_path, monkeypatch):
    import ingest.submission as submission

    real = submission.parse_table

    def broken(raw, template):
        if template.name == "facts":
            raise KeyError("boom")
        return real(raw, template)

    monkeypatch.setattr(submission, "parse_table", broken)
    parsed = read_submission(YANFENG, catalog=CATALOG)
    assert [(i.file, i.reason) for i in parsed.errors] == [
        ("facts.csv", "导入程序无法处理这个表（内部错误 KeyError），已拒绝：请把文件交给系统维护人员")
    ]
