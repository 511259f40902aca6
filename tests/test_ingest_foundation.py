"""Issue 2: the worked example loads exactly; other encodings and workbooks load to the same rows;
reloads are idempotent; corrected versions replace; a failed or killed build leaves the warehouse as it was."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from conftest import YANFENG, build_warehouse, query, snapshot

from app import pipeline
from app.dbt import DbtResult, run_dbt
from ingest import templates as T

JIXIAO = str(Path(sys.executable).with_name("jixiao"))


def test_worked_example_raw_ledger_holds_22_lines_and_6_subtotals(yanfeng_warehouse):
    counts = dict(query(yanfeng_warehouse, "select is_subtotal, count(*) from raw.budget_ledger group by 1"))
    assert counts == {False: 22, True: 6}
    labels = [
        r[0]
        for r in query(
            yanfeng_warehouse,
            "select subtotal_label from raw.budget_ledger where is_subtotal order by _row_number",
        )
    ]
    assert labels == ["公用经费小计", "人员经费小计", "合计", "其他运转类小计", "特定目标类小计", "合计"]


def test_worked_example_staged_ledger_totals_to_the_cent(yanfeng_warehouse):
    (orig, adj, paid, n) = query(
        yanfeng_warehouse,
        "select sum(original_budget), sum(adjusted_budget), sum(actual_paid), count(*) from staging.stg_budget_ledger",
    )[0]
    assert (orig, adj, paid, n) == (
        Decimal("91041311.06"),
        Decimal("88862851.06"),
        Decimal("88044648.36"),
        22,
    )
    by_cat = dict(
        query(
            yanfeng_warehouse, "select category, sum(actual_paid) from staging.stg_budget_ledger group by 1"
        )
    )
    assert by_cat == {
        "人员经费": Decimal("3153742.00"),
        "公用经费": Decimal("242000.00"),
        "其他运转类": Decimal("4596539.19"),
        "特定目标类": Decimal("80052367.17"),
    }


def test_staged_rows_carry_lineage(yanfeng_warehouse):
    rows = query(
        yanfeng_warehouse,
        """select submission_id, source_file, source_sheet, source_row, adjustment from staging.stg_budget_ledger
           where category = '人员经费' and econ_class = '工资奖金津补贴'""",
    )
    assert rows == [("yanfeng-2023", "budget_ledger.csv", None, 5, Decimal("-79703.00"))]


def test_subtotals_are_kept_with_their_scope(yanfeng_warehouse):
    rows = query(
        yanfeng_warehouse,
        "select expense_type, category, original_budget, actual_paid from staging.stg_budget_ledger_subtotals order by source_row",
    )
    assert rows[0] == ("基本支出", "公用经费", Decimal("242000.00"), Decimal("242000.00"))
    assert rows[2] == ("基本支出", None, Decimal("3475445.00"), Decimal("3395742.00"))
    assert rows[5] == ("项目支出", None, Decimal("87565866.06"), Decimal("84648906.36"))


# ---------------------------------------------------------------------------
# the same submission as an XLSX workbook, and as GB18030 CSVs with Chinese headers in 万元


def _read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _as_number(text: str):
    t = text.replace(",", "")
    try:
        return float(t) if "." in t else int(t)
    except ValueError:
        return text


def write_as_workbook(src: Path, dst: Path) -> Path:
    """Each CSV becomes a sheet named with the template's Chinese name; numbers become numeric cells."""
    wb = xlsxwriter.Workbook(str(dst))
    for f in sorted(src.glob("*.csv")):
        tmpl = T.TEMPLATES[f.stem]
        ws = wb.add_worksheet(
            tmpl.zh.replace("“", "").replace("”", "") if tmpl.name != "three_public" else "三公经费"
        )
        header, rows = _read_csv(f)
        start = 0
        if tmpl.name == "budget_ledger":  # a merged title row above the header, as budget systems export
            ws.merge_range(0, 0, 0, len(header) - 1, "2023年预算指标执行台账（单位：元）")
            start = 1
        ws.write_row(start, 0, header)
        for i, row in enumerate(rows, start=start + 1):
            for j, cell in enumerate(row):
                v = _as_number(cell) if cell else None
                if v is None:
                    continue
                ws.write(i, j, v)
    wb.close()
    return dst


def _wan(text: str) -> str:
    if not text.strip():
        return text
    # to the cent, as a person keeping 万元 books writes it: 121,000.00 元 -> 12.100000 万元
    d = Decimal(text.replace(",", "")) / Decimal(10000)
    return format(d.quantize(Decimal("0.000001")), "f")


def write_as_gb18030_wan(src: Path, dst: Path) -> Path:
    """Chinese headers, amounts in 万元 by header suffix (or unit column for facts), GB18030 encoded."""
    dst.mkdir()
    for f in sorted(src.glob("*.csv")):
        tmpl = T.TEMPLATES[f.stem]
        header, rows = _read_csv(f)
        names = []
        lookup = {}
        for col in tmpl.columns:
            for n in col.all_names():
                lookup[n] = col
        new_header = []
        amount_pos = []
        for pos, h in enumerate(header):
            col = lookup[h]
            zh = col.aliases[0] if col.aliases else col.name
            if col.kind == T.AMOUNT:
                zh += "(万元)"
                amount_pos.append(pos)
            new_header.append(zh)
            names.append(col.name)
        out_rows = []
        for row in rows:
            row = list(row)
            for pos in amount_pos:
                row[pos] = _wan(row[pos])
            if tmpl.name == "facts" and row[names.index("fact_code")] in T.AMOUNT_FACTS:
                row[names.index("value")] = _wan(row[names.index("value")])
                row[names.index("unit")] = "万元"
            if tmpl.name == "reported_results" and row[names.index("item")] in T.LEDGER_ITEMS:
                row[names.index("reported_value")] = _wan(row[names.index("reported_value")])
            out_rows.append(row)
        if tmpl.name == "reported_results":
            new_header[names.index("reported_value")] = "报告值(万元)"
        with (dst / f"{tmpl.zh.replace('“', '').replace('”', '')}.csv").open(
            "w", encoding="gb18030", newline=""
        ) as fh:
            w = csv.writer(fh)
            w.writerow(new_header)
            w.writerows(out_rows)
    return dst


# lineage, and what a claim looked like as written (text, unit), differ between the variants by design
LINEAGE = {
    "submission_id",
    "source_file",
    "source_sheet",
    "source_row",
    "ledger_line_id",
    "subtotal_id",
    "target_id",
    "version_rank",
    "reported_value_text",
    "reported_value_unit",
}


def staged_rows(warehouse: Path, ignore: set[str] = frozenset()) -> dict[str, list[tuple]]:
    out = {}
    with contextlib.closing(duckdb.connect(str(warehouse), read_only=True)) as con:
        models = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'staging'"
            ).fetchall()
        ]
        for m in sorted(models):
            cols = [
                r[0] for r in con.execute(f"describe staging.{m}").fetchall() if r[0] not in LINEAGE | ignore
            ]
            rows = con.execute(f"select {', '.join(cols)} from staging.{m}").fetchall()
            out[m] = sorted(rows, key=repr)
    return out


def _ingest_and_stage(src: Path, wh: Path, ignore: set[str] = frozenset()) -> dict[str, list[tuple]]:
    with contextlib.closing(duckdb.connect(str(wh))) as con:
        outcomes = pipeline.ingest(con, [(src, "variant")], "test")
    assert outcomes[0].status == "loaded", [str(i) for i in outcomes[0].issues]
    res = run_dbt(["run", "--select", "staging"], wh, wh)
    assert res.ok, res.failures
    return staged_rows(wh, ignore)


def test_workbook_and_gb18030_wan_variants_stage_identically(tmp_path):
    base = _ingest_and_stage(YANFENG, tmp_path / "csv.duckdb")
    assert sum(len(v) for v in base.values()) > 80
    # a numeric XLSX cell carries no written precision (3,395,742.00 is the number 3395742): compare the
    # workbook without reported_value_decimals; the text variants below keep it
    book = write_as_workbook(YANFENG, tmp_path / "雁峰区人社局2023.xlsx")
    assert _ingest_and_stage(book, tmp_path / "xlsx.duckdb", {"reported_value_decimals"}) == staged_rows(
        tmp_path / "csv.duckdb", {"reported_value_decimals"}
    )
    gb = write_as_gb18030_wan(YANFENG, tmp_path / "gb18030-wan")
    raw = (gb / "预算指标执行台账.csv").read_bytes()
    assert "原始指标金额(万元)".encode("gb18030") in raw and b"12.100000" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert _ingest_and_stage(gb, tmp_path / "gb.duckdb") == base


# ---------------------------------------------------------------------------
# reloads and corrections


def test_reload_is_a_no_op_and_a_new_version_replaces(tmp_path, sample_copy):
    wh = tmp_path / "wh.duckdb"
    first = build_warehouse(wh, sample_copy)
    assert first.loaded
    before = snapshot(wh)
    again = build_warehouse(wh, sample_copy)
    assert [o.status for o in again.outcomes] == ["unchanged"]
    assert snapshot(wh) == before

    # a corrected version of the same submission: one line's payment changes
    ledger = sample_copy / "budget_ledger.csv"
    text = ledger.read_text(encoding="utf-8")
    assert '"13,120.00"' in text
    ledger.write_text(text.replace('"13,120.00"', '"23,120.00"'), encoding="utf-8")
    third = build_warehouse(wh, sample_copy)
    assert [o.status for o in third.outcomes] == ["loaded"] and third.outcomes[0].replaced_previous_version
    assert query(wh, "select count(*) from raw.budget_ledger")[0][0] == 28  # replaced, not appended
    assert query(wh, "select sum(actual_paid) from staging.stg_budget_ledger")[0][0] == Decimal("88054648.36")


def test_a_correction_from_another_submission_supersedes_only_its_department_years(tmp_path, sample_copy):
    wh = tmp_path / "wh.duckdb"
    build_warehouse(wh, YANFENG)
    # a separate correction file for the same department-year, with a different name
    fix = tmp_path / "hrss-2023-correction"
    fix.mkdir()
    shutil.copy(sample_copy / "departments.csv", fix / "departments.csv")
    header, rows = _read_csv(sample_copy / "budget_ledger.csv")
    rows = [r for r in rows if "小计" not in r[3] and "合计" not in r[3]]
    rows[0][8] = "120,000.00"  # 办公经费 paid 121,000.00 -> 120,000.00 (adjusted stays 121,000.00)
    with (fix / "budget_ledger.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    res = build_warehouse(wh, fix)
    assert res.outcomes[0].status == "loaded" and res.outcomes[0].superseded == {
        "budget_ledger": 28,
        "departments": 1,
    }
    # raw keeps both versions; staging shows the later one
    assert query(wh, "select count(distinct _submission_id) from raw.budget_ledger")[0][0] == 2
    assert query(wh, "select count(*), sum(actual_paid) from staging.stg_budget_ledger")[0] == (
        22,
        Decimal("88043648.36"),
    )
    # templates the correction did not contain still come from the original submission
    assert (
        query(wh, "select count(*) from staging.stg_three_public where submission_id = 'yanfeng-2023'")[0][0]
        == 8
    )


def test_a_copied_or_attached_warehouse_keeps_every_view_working(tmp_path, yanfeng_warehouse):
    """dbt_project/macros/portable_refs.sql: views say raw.budget_ledger, not "jixiao".raw.budget_ledger, so
    the warehouse file can be copied under any name or attached under any alias (its catalog changes)."""
    views = query(
        yanfeng_warehouse,
        "select schema_name, view_name from duckdb_views() where not internal order by 1, 2",
    )
    assert len(views) >= 10 and {s for s, _ in views} >= {"staging", "intermediate"}
    counts = {v: query(yanfeng_warehouse, f'select count(*) from "{s}"."{v}"')[0][0] for s, v in views}
    assert not query(
        yanfeng_warehouse,
        "select view_name from duckdb_views() where not internal and sql like '%\"jixiao\".%'",
    )
    copy = tmp_path / "雁峰区 2023 副本.duckdb"
    shutil.copy(yanfeng_warehouse, copy)
    assert {v: query(copy, f'select count(*) from "{s}"."{v}"')[0][0] for s, v in views} == counts
    with contextlib.closing(duckdb.connect()) as con:
        con.execute(f"attach '{copy}' as archive (read_only)")
        assert {
            v: con.execute(f'select count(*) from archive."{s}"."{v}"').fetchone()[0] for s, v in views
        } == counts
    assert counts["stg_budget_ledger"] > 0


# ---------------------------------------------------------------------------
# a failed build leaves the last good warehouse readable


def test_failed_dbt_build_leaves_the_warehouse_unchanged(
    tmp_path, yanfeng_warehouse, sample_copy, monkeypatch
):
    wh = tmp_path / "live.duckdb"  # another file name than the build's: views do not name their catalog
    shutil.copy(yanfeng_warehouse, wh)
    before = snapshot(wh, exclude_schemas=())
    monkeypatch.setattr(
        pipeline,
        "dbt_build",
        lambda work, live: DbtResult(False, 0.1, failures=[("model.x", "error", "boom")]),
    )
    (sample_copy / "facts.csv").write_text(
        (sample_copy / "facts.csv").read_text().replace("重点项目", "重点 项目")
    )
    with pytest.raises(pipeline.BuildFailed):
        build_warehouse(wh, sample_copy)
    assert snapshot(wh, exclude_schemas=()) == before
    assert not (wh.parent / ".build" / wh.name).exists()


def test_killed_build_leaves_the_warehouse_readable_and_unchanged(tmp_path, yanfeng_warehouse):
    wh = tmp_path / "live.duckdb"  # another file name than the build's: views do not name their catalog
    shutil.copy(yanfeng_warehouse, wh)
    before = snapshot(wh, exclude_schemas=())
    log = wh.parent / ".build" / "dbt-logs" / "dbt.log"
    proc = subprocess.Popen(
        [JIXIAO, "build", "--rebuild", "--warehouse", str(wh)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            # meanwhile an analyst can read the live warehouse from another process
            assert query(wh, "select count(*) from raw.budget_ledger")[0][0] == 28
            if log.exists() and "START" in log.read_text(errors="replace"):
                break
            time.sleep(0.2)
        else:
            pytest.fail("dbt never started")
        assert (wh.parent / ".build" / wh.name).exists()  # it was building into the copy
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(wh, exclude_schemas=()) == before
    # the next build cleans up the half-built copy and succeeds
    done = subprocess.run(
        [JIXIAO, "build", "--rebuild", "--warehouse", str(wh)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot(wh) == {k: v for k, v in before.items() if not k.startswith("audit.")}


def test_cli_refuses_a_bad_submission_with_exit_code_2_and_a_located_message(tmp_path, sample_copy):
    ledger = sample_copy / "budget_ledger.csv"
    ledger.write_text(
        ledger.read_text(encoding="utf-8").replace(
            '"121,000.00",,"121,000.00","121,000.00"', '"12l,000.00",,"121,000.00","121,000.00"', 1
        ),
        encoding="utf-8",
    )
    wh = tmp_path / "wh.duckdb"
    out = subprocess.run(
        [JIXIAO, "build", "--input", str(sample_copy), "--warehouse", str(wh)],
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="200"),
    )
    assert out.returncode == 2, out.stdout
    assert (
        "budget_ledger.csv" in out.stdout
        and "original_budget" in out.stdout
        and "金额格式无法识别" in out.stdout
    )
    rej = query(wh, "select file, row_number, column_name, value, reason from audit.ingest_rejects")
    assert rej == [("budget_ledger.csv", 2, "original_budget", "12l,000.00", "金额格式无法识别")]
    assert query(wh, "select count(*) from raw.budget_ledger")[0][0] == 0
