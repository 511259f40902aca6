"""The bad-input corpus: every way a submission can be wrong, and the exact answer ingest must give.

The corpus is data: ``tests/bad_inputs/<case_id>/`` holds a submission (written, from the worked example
with one thing broken, by ``tests/bad_inputs/build_corpus.py``; the output is committed) and
``expected.json`` (written by hand): the outcome, ``refused`` or ``loaded``, and the complete list of
issues (file, sheet, row, column, value as written, reason, severity). A test compares the issues with
``==``, not "contains an error": a new, missing or reworded issue fails the case. Controls (outcome
``loaded``) also list SQL checks of the loaded values.

How the cases run (the real pipeline, ``app.pipeline.build``, into copies of the session's built worked
example, ``conftest.yanfeng_warehouse``):

- the refused cases run as one build with every case as its own submission (``jixiao build --input
  a --input b …``): each is read against the same warehouse (a refused submission writes nothing but
  audit rows), nothing loads, so dbt does not run; per case we assert its outcome, its issues, its rows in
  ``audit.ingest_rejects`` and that no raw table holds a row of it; once, that every table outside
  ``audit`` is exactly as before (``snapshot``). One build instead of ~55 keeps the module fast (each
  build costs ~1.3 s of copying, opening and swapping the warehouse, the snapshot another ~1.5 s); the
  Great Expectations checks, which would validate an unchanged warehouse, are skipped;
- a few refused cases also run alone through the CLI (``--skip-checks``, same reason): exit code 2, the
  located message printed, the rejects recorded, the warehouse unchanged;
- the controls load as one build (one dbt build, ~20 s); their checks read ``raw`` by submission id.
  ``ledger_balance_mismatch_ok`` loads last, so it is the current version of 430406-hrss 2023 when dbt
  builds, and its reconciliation finding can be asserted.

What refuses a submission and what only warns or is flagged later
=================================================================

A submission loads whole or not at all: any *error* refuses all of it (every file, the good ones too).

===============================================  =========================  ==================================
problem                                          outcome                    case(s)
===============================================  =========================  ==================================
CSV neither UTF-8 nor GB18030 (Latin-1)          refused, line named        encoding_latin1
CSV that decodes as GB18030 into private-use     refused (Big5 and the      encoding_big5
characters                                       like read as nonsense)
UTF-16 / binary CSV                              refused                    encoding_utf16
GB18030 (CRLF), UTF-8 with BOM                   loads                      encoding_gb18030_and_bom_ok
empty file (0 bytes)                             refused                    file_empty_0_bytes
required template with a header and no rows      refused                    file_header_only_required
optional template with a header and no rows      loads (no rows)            file_header_only_optional_ok
quote never closed / text after a closing quote  refused, record's line     csv_unclosed_quote,
                                                                            csv_text_after_closing_quote
CSV row with more fields than the header         refused                    csv_unquoted_thousands
(121,000.00 unquoted)
CSV row with fewer fields than the header        refused (never padded:     csv_row_one_field_short
                                                 values would shift)
title rows above a CSV header (单位：元 banner)     loads, header found        csv_title_line_above_header_ok
template file in a format we do not read (.xls)  refused                    file_unsupported_format
other non-CSV/XLSX file (readme.txt)             warning, ignored           file_unsupported_format
file / sheet not named after a template          refused                    unknown_template_file,
                                                                            xlsx_unknown_sheet
x_ file, x_ column                               ignored / kept in _extra   extras_x_column_and_x_notes_ok
two files for one template                       refused                    two_files_same_template
required template missing                        refused                    missing_departments_template,
                                                                            missing_budget_ledger_template
path does not exist; a single CSV                refused                    path_does_not_exist,
                                                                            single_csv_not_a_folder
XLSX cut short / not a zip                       refused (only that)        xlsx_truncated
sheet blank, or first row not a header           refused                    xlsx_blank_sheet,
                                                                            xlsx_no_header_row
data in a column without a header                refused                    xlsx_data_beyond_header
merged title row (and blank rows) above header   loads                      xlsx_merged_title_ok
formula cells with binary noise (…5600000005)    loads as Excel shows them  xlsx_float_noise_ok
missing required / unknown / duplicate column    refused                    header_missing_required_column,
                                                                            header_unknown_column,
                                                                            header_duplicate_column
duplicate key rows; identical ledger lines       refused                    duplicate_*
amount not a number, bad thousands separators,   refused                    amount_text_in_amount,
more than 2 decimals of 元 (6 of 万元),                                      amount_malformed_thousands,
out of DECIMAL(18,2)                                                        amount_too_many_decimals,
                                                                            amount_out_of_range
negative budget / payment; derived 调整后 < 0     refused                    amount_negative_*,
                                                                            amount_derived_adjusted_budget_negative
(79,703.00), full-width digits                   loads (−79,703.00, …)      amount_parenthesized_adjustment_ok,
                                                                            amount_fullwidth_digits_ok
files of one submission in 元 and in 万元          warning; each file is      unit_wan_and_yuan_files_warn
(each says so explicitly)                        converted by its own unit
元 and 万元 headers in one file                    refused                    unit_mixed_headers_one_file
one amount header says 万元, another nothing       refused (ambiguous)        unit_partial_header_suffix
unit column contradicts the header suffix;       refused                    unit_column_contradicts_header,
unit not 元/万元                                                              unit_column_invalid
facts 数值(万元)                                   loads, amount facts ×1e4   facts_value_header_wan
year 二〇二三 / 23 / 3023; month 13               refused                    year_*, month_13
enum value not in the list (expense type,        refused                    ledger_invalid_*,
category, rating, fact code), bool `maybe`,                                 survey_rating_not_in_list,
empty required cell, 四十 for a count                                        facts_unknown_code, ledger_bool_maybe,
                                                                            empty_required_cell_dept_code,
                                                                            one_bad_file_refuses_all
dept_code in neither departments nor warehouse   refused                    dept_code_not_in_departments
qualitative score: unknown framework/indicator,  refused                    qualitative_*
above the indicator's weight
reported indicator without framework_code        refused                    reported_indicator_without_framework
digits other than ASCII/full-width (७, ٣)         refused, never NULL        amount_unicode_digits
% in a money column (121,000.00%)                refused                    amount_percent_in_money_column
more than 20 digits; amount ≥ 10 万亿元            refused (unit slip is      amount_optional_too_many_digits,
(1,200,000,000 under 万元); fact ≥ 10 万亿元 or      located at ingest, never   amount_unit_slip_wan,
count > 10^9; count beyond BIGINT; score ≥ 10^4  a dbt overflow)            facts_value_out_of_range,
                                                                            survey_respondents_beyond_int64,
                                                                            qualitative_score_beyond_range
code with zero-width / no-break spaces           warning, removed           code_invisible_characters_ok
code shown as 4.30406E+14                        refused                    code_scientific_notation
line break or control character in a name       refused                    name_with_line_break_and_control
department its own parent; a parent cycle        refused                    departments_parent_cycle
template files and subfolders in one folder      refused, subfolders named  folder_templates_and_subfolders
symlink leaving the submission folder            refused, never read        test_hostile_inputs.py
same name, no shared department-year             loads beside as name(2)    test_hostile_inputs.py
XLSX formula without a cached value              refused                    xlsx_formula_without_cached_value
XLSX formula with a cached value                 warning (one per sheet)    xlsx_float_noise_ok
XLSX error cell (#DIV/0!), even optional column  refused                    xlsx_error_cell_in_optional_amount
XLSX TRUE/FALSE in an amount                     refused                    xlsx_boolean_in_amount
XLSX number of 16+ significant digits            refused (binary noise of   xlsx_sixteen_digit_number
                                                 a formula is not)
XLSX value far out (XFD1048576), > 256 columns   refused before reading     xlsx_used_range_to_xfd1048576
XLSX cell over 10,000 characters                 refused                    xlsx_cell_too_long
XLSX cell formatted as % (0.9908 → 99.08)        loads as shown             xlsx_percent_format_and_hidden_sheet_ok
hidden / veryHidden template sheet               warning, read              xlsx_percent_format_and_hidden_sheet_ok
a million formatted blank rows                   loads (seconds)            test_hostile_inputs.py
CSV row with an empty field too many             refused                    test_ingest_red_team.py
unit 千元/亿元/万 in a banner, a note or a format  refused                    test_ingest_red_team.py
number shown rounded by its format (#,##0),      refused                    test_ingest_red_team.py
0.00, / ;;; / [<10] / 0.00E+00, zero shown blank
0.00"万元", 0!.0000, 000000 codes, yyyy"年"        loads as shown             test_ingest_red_team.py, real tables
hidden column, zero-height row, hidden row       refused                    test_ingest_red_team.py, real tables
figure merged down or across cells               refused                    test_ingest_red_team.py
superscript/strike-through run in a number       refused                    test_ingest_red_team.py
spaces inside a number (100\n200, 12 000 5)      refused (a space may       test_ingest_red_team.py
                                                 group thousands)
damaged workbook parts, a pipe, CSV > 256 MB     refused, never a crash     test_ingest_red_team.py
a data row with a remark like 说明：…             loads (notes hold no       test_ingest_red_team.py
                                                 figures)
指标结余 ≠ 可用 − 支付 (and the other                loads; reconciliation      ledger_balance_mismatch_ok
arithmetic of figures that are each valid)       flags it after dbt
===============================================  =========================  ==================================

Not in the corpus but in the code: parent_dept_code unknown (warning), ``%`` or a unit suffix on a
column that is no rate or amount (refused), a subtotal whose category is empty (allowed: its scope is
the whole expense type).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import query, snapshot

from app.pipeline import build
from ingest import templates as T

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
JIXIAO = str(Path(sys.executable).with_name("jixiao"))
ISSUE_FIELDS = ("file", "sheet", "row", "column", "value", "reason", "severity")
# loads last: staging (and so reconciliation) shows the latest-loaded version of a department-year
LOAD_LAST = "ledger_balance_mismatch_ok"
# refused cases that also run alone through the CLI (short reasons: the printed table folds long ones)
CLI_CASES = ("amount_text_in_amount", "month_13", "xlsx_no_header_row")


@dataclass(frozen=True)
class Case:
    id: str
    dir: Path
    expected: dict

    @property
    def input(self) -> Path:
        return self.dir / self.expected["input"]

    @property
    def outcome(self) -> str:
        return self.expected["outcome"]

    def expected_issues(self) -> list[tuple]:
        rows = []
        for i in self.expected["issues"]:
            assert set(i) == set(ISSUE_FIELDS), (self.id, i)
            rows.append(
                tuple(str(self.input) if k == "file" and i[k] == "{input}" else i[k] for k in ISSUE_FIELDS)
            )
        return _sorted(rows)


def _sorted(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple((v is not None, str(v)) for v in r))


def load_cases() -> list[Case]:
    cases = []
    for d in sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        cases.append(Case(d.name, d, json.loads((d / "expected.json").read_text(encoding="utf-8"))))
    return cases


CASES = load_cases()
REFUSED = [c for c in CASES if c.outcome == "refused"]
LOADED = sorted((c for c in CASES if c.outcome == "loaded"), key=lambda c: (c.id == LOAD_LAST, c.id))


def _issue_tuples(issues) -> list[tuple]:
    return _sorted(tuple(getattr(i, k) for k in ISSUE_FIELDS) for i in issues)


def _jsonable(v):
    return str(v) if isinstance(v, Decimal) else v


@dataclass
class Run:
    """One build of many submissions, and what it left in the warehouse, per submission id."""

    warehouse: Path
    result: object
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)
    rejects: dict[str, list[tuple]] = field(default_factory=dict)  # audit.ingest_rejects of this run
    raw_rows: dict[str, dict[str, int]] = field(default_factory=dict)  # raw table -> rows, per submission
    submissions: set[str] = field(default_factory=set)  # audit.submissions

    def outcome(self, sid: str):
        (o,) = [o for o in self.result.outcomes if o.submission_id == sid]
        return o

    def read_back(self) -> Run:
        """One connection for everything the per-case tests look at (opening the file costs ~0.2 s)."""
        with contextlib.closing(duckdb.connect(str(self.warehouse), read_only=True)) as con:
            for sid, *issue in con.execute(
                "select submission_id, file, sheet, row_number, column_name, value, reason, severity from audit.ingest_rejects where run_id = ?",
                [self.result.run_id],
            ).fetchall():
                self.rejects.setdefault(sid, []).append(tuple(issue))
            self.rejects = {sid: _sorted(rows) for sid, rows in self.rejects.items()}
            for t in T.TEMPLATES:
                for sid, n in con.execute(
                    f"select _submission_id, count(*) from raw.{t} group by 1"
                ).fetchall():
                    self.raw_rows.setdefault(sid, {})[t] = n
            self.submissions = {
                r[0] for r in con.execute("select submission_id from audit.submissions").fetchall()
            }
        return self


# ---------------------------------------------------------------------------
# the corpus itself


def _builder():
    from corpus_builder import load_builder

    return load_builder(CORPUS / "build_corpus.py")


def test_corpus_is_reproducible():
    """Every committed submission file is exactly what build_corpus.py writes, and every case has one."""
    builder = _builder()
    assert builder.check(CORPUS) == []
    assert sorted(builder.CASES) == [c.id for c in CASES]


def test_corpus_is_well_formed():
    assert len(CASES) >= 40
    for c in CASES:
        assert set(c.expected) >= {"case", "input", "outcome", "issues"}, c.id
        assert c.outcome in ("refused", "loaded"), c.id
        errors = [i for i in c.expected["issues"] if i["severity"] == "error"]
        assert bool(errors) == (c.outcome == "refused"), c.id
        assert c.input.exists() or c.id == "path_does_not_exist", c.id
        if c.outcome == "loaded":
            assert c.expected.get("checks"), f"{c.id}: a control must check the values it loaded"


# ---------------------------------------------------------------------------
# refused: one build, every case its own submission


@pytest.fixture(scope="module")
def base_snapshot(yanfeng_warehouse) -> dict:
    """Every table outside audit of the built worked example: what each copy of it starts as."""
    return snapshot(yanfeng_warehouse)


@pytest.fixture(scope="module")
def refused_run(yanfeng_warehouse, base_snapshot, tmp_path_factory) -> Run:
    wh = tmp_path_factory.mktemp("refused") / "jixiao.duckdb"
    shutil.copy(yanfeng_warehouse, wh)
    # the checks (Great Expectations) would validate a warehouse that nothing changed: skipped for speed
    result = build([(c.input, c.id) for c in REFUSED], wh, run_checks=False)
    return Run(wh, result, base_snapshot, snapshot(wh)).read_back()


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.id)
def test_refused(case: Case, refused_run: Run):
    outcome = refused_run.outcome(case.id)
    assert outcome.status == "refused"
    assert _issue_tuples(outcome.issues) == case.expected_issues()
    assert refused_run.rejects.get(case.id) == case.expected_issues()  # audit.ingest_rejects
    assert refused_run.raw_rows.get(case.id) is None  # not a row of it in any raw table
    assert case.id not in refused_run.submissions


def test_refused_submissions_change_nothing_outside_audit(refused_run: Run):
    assert [o.status for o in refused_run.result.outcomes] == ["refused"] * len(REFUSED)
    assert refused_run.result.dbt is None  # nothing loaded: no dbt build
    assert refused_run.after == refused_run.before


@pytest.mark.parametrize("case_id", CLI_CASES)
def test_cli_refuses_with_exit_code_2_and_prints_where(
    case_id: str, yanfeng_warehouse, base_snapshot, tmp_path
):
    (case,) = [c for c in REFUSED if c.id == case_id]
    wh = tmp_path / "jixiao.duckdb"
    shutil.copy(yanfeng_warehouse, wh)
    out = subprocess.run(
        [
            JIXIAO,
            "build",
            "--input",
            str(case.input),
            "--warehouse",
            str(wh),
            "--submission-id",
            case.id,
            "--skip-checks",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, COLUMNS="250"),
    )
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    for file, sheet, row, column, _value, reason, _severity in case.expected_issues():
        # the rejects table prints one issue per line: its file, sheet, row, column and reason together
        cells = [file, sheet, None if row is None else str(row), column, reason]
        assert any(all(c in line for c in cells if c) for line in lines), (cells, out.stdout)
    assert f"被拒绝，未导入任何数据：{case.id}" in out.stdout
    rejects = query(
        wh,
        "select file, sheet, row_number, column_name, value, reason, severity from audit.ingest_rejects where submission_id = ?",
        [case.id],
    )
    assert _sorted(rejects) == case.expected_issues()
    assert snapshot(wh) == base_snapshot


# ---------------------------------------------------------------------------
# controls: one build (with dbt), every case its own submission


@pytest.fixture(scope="module")
def loaded_run(yanfeng_warehouse, tmp_path_factory) -> Run:
    wh = tmp_path_factory.mktemp("controls") / "jixiao.duckdb"
    shutil.copy(yanfeng_warehouse, wh)
    result = build([(c.input, c.id) for c in LOADED], wh)
    return Run(wh, result).read_back()


def test_controls_build(loaded_run: Run):
    assert [o.submission_id for o in loaded_run.result.loaded] == [c.id for c in LOADED]
    assert loaded_run.result.dbt is not None and loaded_run.result.dbt.ok
    assert loaded_run.result.swapped


@pytest.mark.parametrize("case", LOADED, ids=lambda c: c.id)
def test_loads(case: Case, loaded_run: Run):
    outcome = loaded_run.outcome(case.id)
    assert outcome.status == "loaded", [str(i) for i in outcome.issues]
    assert _issue_tuples(outcome.issues) == case.expected_issues()
    assert loaded_run.rejects.get(case.id, []) == case.expected_issues()  # warnings are recorded too
    assert case.id in loaded_run.submissions
    with contextlib.closing(duckdb.connect(str(loaded_run.warehouse), read_only=True)) as con:
        for check in case.expected["checks"]:
            rows = con.execute(check["sql"].replace("{sid}", case.id)).fetchall()
            assert [[_jsonable(v) for v in r] for r in rows] == check["rows"], check["sql"]
