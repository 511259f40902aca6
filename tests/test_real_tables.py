"""The real-tables corpus: submissions laid out like what departments really export, and what they mean.

``tests/real_tables/<case_id>/`` holds a submission copied from a public form's layout (部门决算 tables,
项目支出绩效自评表, 部门整体支出绩效自评表, budget-system exports; written by
``tests/real_tables/build_cases.py``, output committed) and ``expected.json``, written by hand from the
document: what a person reading the table says the numbers are (in 元, to the cent), or the exact located
refusal for a layout that must be refused (spec ``input-templates.md``, "Real tables (version 2)").

- every case is parsed with ``ingest.submission.read_submission`` and its issues compared with ``==``
  (file, sheet, row, column, value, reason, severity);
- every case expected to load is loaded, each as its own submission with its own department code, in
  ONE build of the real pipeline (ingest → dbt) into an empty warehouse; its ``checks`` (SQL against
  ``raw`` by submission id, or against ``marts.fct_indicator_scores`` by department) compare the loaded
  values and, for a few cases, the indicator values and scores the warehouse computes;
- a case where ingest does not yet do what the document means carries ``"xfail": "<why>"``: it is a
  strict expected failure (a case that starts passing fails until the mark is removed).
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from app.pipeline import build
from ingest.submission import FrameworkCatalog, read_submission

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "real_tables"
ISSUE_FIELDS = ("file", "sheet", "row", "column", "value", "reason", "severity")
CATALOG = FrameworkCatalog.from_seeds(ROOT / "seeds")


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

    @property
    def xfail(self) -> str | None:
        return self.expected.get("xfail")

    def expected_issues(self) -> list[tuple]:
        return _sorted(tuple(i[k] for k in ISSUE_FIELDS) for i in self.expected["issues"])


def _sorted(rows) -> list[tuple]:
    return sorted(rows, key=lambda r: tuple((v is not None, str(v)) for v in r))


def _issue_tuples(issues) -> list[tuple]:
    return _sorted(tuple(getattr(i, k) for k in ISSUE_FIELDS) for i in issues)


def _jsonable(v):
    return str(v) if isinstance(v, Decimal) else v


def load_cases() -> list[Case]:
    return [
        Case(d.name, d, json.loads((d / "expected.json").read_text(encoding="utf-8")))
        for d in sorted(p for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith(("_", ".")))
    ]


CASES = load_cases()


def _builder():
    from corpus_builder import load_builder

    return load_builder(CORPUS / "build_cases.py")


def test_corpus_is_reproducible():
    """Every committed submission file is exactly what build_cases.py writes, and every case has one."""
    builder = _builder()
    assert builder.check(CORPUS) == []
    assert sorted(builder.CASES) == [c.id for c in CASES]


def test_corpus_is_well_formed():
    assert len(CASES) >= 20
    for c in CASES:
        assert set(c.expected) >= {"case", "input", "outcome", "issues"}, c.id
        assert set(c.expected) <= {"case", "document", "input", "outcome", "issues", "checks", "xfail"}, c.id
        assert c.outcome in ("refused", "loaded"), c.id
        assert c.input.exists(), c.id
        errors = [i for i in c.expected["issues"] if i["severity"] == "error"]
        assert bool(errors) == (c.outcome == "refused"), c.id
        for i in c.expected["issues"]:
            assert set(i) == set(ISSUE_FIELDS), (c.id, i)
        if c.outcome == "loaded":
            assert c.expected.get("checks"), f"{c.id}: a loaded case must check the values it loaded"


def test_cases_have_their_own_departments():
    """The loaded cases share one warehouse: no department code appears in two cases."""
    owner: dict[str, str] = {}
    for c in CASES:
        t = _parse(c).tables.get("departments")
        for code in [] if t is None or t.frame.is_empty() else t.frame["dept_code"].drop_nulls().to_list():
            assert owner.setdefault(code, c.id) == c.id, (code, owner[code], c.id)


# ---------------------------------------------------------------------------


_PARSED: dict[str, object] = {}


def _parse(case: Case):
    """read_submission, once per case per session (the corpus tests and the build share it)."""
    if case.id not in _PARSED:
        _PARSED[case.id] = read_submission(case.input, case.id, catalog=CATALOG)
    return _PARSED[case.id]


def _loadable() -> list[Case]:
    """The cases expected to load that ingest reads without an error today (the others cannot be built)."""
    out = []
    for c in CASES:
        if c.outcome != "loaded":
            continue
        try:
            if _parse(c).ok:
                out.append(c)
        except Exception:  # a crash is reported by the case's own test
            pass
    return out


@pytest.fixture(scope="module")
def loaded_run(tmp_path_factory):
    """One build of every loadable case, each its own submission, into an empty warehouse."""
    cases = _loadable()
    wh = tmp_path_factory.mktemp("real_tables") / "jixiao.duckdb"
    result = build([(c.input, c.id) for c in cases], wh, run_checks=False)
    assert result.dbt is not None and result.dbt.ok, "dbt build failed"
    return wh, result, {c.id for c in cases}


def _compare(case: Case, request) -> list[str]:
    """What differs between the document (expected.json) and what ingest and the warehouse make of it."""
    problems: list[str] = []
    try:
        sub = _parse(case)
    except Exception as e:
        return [f"read_submission raised {type(e).__name__}: {e}"]
    got = _issue_tuples(sub.issues)
    want = case.expected_issues()
    if got != want:
        problems.append(
            "issues differ:\n  only in ingest: "
            + repr([i for i in got if i not in want])
            + "\n  only in expected.json: "
            + repr([i for i in want if i not in got])
        )
    if case.outcome == "refused":
        if sub.ok:
            problems.append("ingest loads it; the document must be refused")
        return problems
    if not sub.ok:
        problems.append("ingest refuses it; the document must load")
        return problems
    wh, result, _built = request.getfixturevalue("loaded_run")
    (outcome,) = [o for o in result.outcomes if o.submission_id == case.id]
    if outcome.status != "loaded":
        problems.append(f"the build did not load it: {outcome.status}")
        return problems
    with contextlib.closing(duckdb.connect(str(wh), read_only=True)) as con:
        for check in case.expected["checks"]:
            rows = [
                [_jsonable(v) for v in r]
                for r in con.execute(check["sql"].replace("{sid}", case.id)).fetchall()
            ]
            if rows != check["rows"]:
                problems.append(f"{check['sql']}\n  expected {check['rows']}\n  got      {rows}")
    return problems


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_real_table(case: Case, request):
    problems = _compare(case, request)
    if case.xfail:
        if problems:
            pytest.xfail(case.xfail + "\n" + "\n".join(problems))
        pytest.fail(f"{case.id} now reads as the document means: remove its xfail mark ({case.xfail})")
    assert not problems, "\n".join(problems)
