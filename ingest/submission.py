"""A submission: a folder with one file per template, or one .xlsx workbook with one sheet per template.

``read_submission`` parses every file and applies the rules that span files (required templates,
known departments, framework codes, qualitative scores within their weight, …). A submission with
any error is refused whole; warnings are reported and the submission loads.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import polars as pl

from ingest import templates as T
from ingest.issues import Issue
from ingest.parse import ParsedTable, PreparedTable, parse_prepared, parse_table, prepare_table
from ingest.readers import ReadError, list_sheets, read_csv, read_xlsx_sheet, sheet_visibility
from ingest.text import normalize_label

DATA_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
NOTE_SHEETS = {"说明", "填表说明", "填报说明"}  # the fill-in template's instructions: not data
log = logging.getLogger(__name__)


@dataclass
class FrameworkCatalog:
    """What ingest needs to know about the frameworks in ``seeds/``: codes, level-1 codes and weights."""

    weights: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (framework, indicator) -> weight
    level1: dict[str, set[str]] = field(default_factory=dict)  # framework -> level-1 codes

    @property
    def frameworks(self) -> set[str]:
        return {f for f, _ in self.weights}

    @classmethod
    def from_seeds(cls, seeds_dir: Path) -> FrameworkCatalog:
        cat = cls()
        path = seeds_dir / "framework_indicators.csv"
        if not path.exists():
            return cat
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                fw, code = row["framework_code"].strip(), row["indicator_code"].strip()
                weight = (row.get("weight") or "").strip()
                cat.weights[(fw, code)] = Decimal(weight) if weight else Decimal(0)
                if row.get("level1_code"):
                    cat.level1.setdefault(fw, set()).add(row["level1_code"].strip())
        return cat


@dataclass
class Submission:
    submission_id: str
    source: Path
    content_hash: str
    tables: dict[str, ParsedTable] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # templates that had a file or sheet, read or not
    parsed_files: bool = False  # False when nothing could be read at all: the cross-file rules do not apply

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def row_counts(self) -> dict[str, int]:
        return {name: t.frame.height for name, t in self.tables.items()}


def default_submission_id(path: Path) -> str:
    """A submission is named after its folder or workbook: `yanfeng-2023`, `衡阳市2024年报送`."""
    stem = path.name if path.is_dir() else path.stem
    return re.sub(r"\s+", "_", stem.strip()) or "submission"


def content_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        h.update(f.name.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def _pick_sheet(path: Path, template: T.Template) -> tuple[str | None, list[Issue]]:
    """A single-template .xlsx in a folder: the sheet named after the template, else its only sheet."""
    sheets = [
        s
        for s in list_sheets(path)
        if not normalize_label(s).lower().startswith("x_") and normalize_label(s) not in NOTE_SHEETS
    ]
    named = [s for s in sheets if T.template_for(s) is template]
    hidden = sheet_visibility(path)
    pick = named[0] if len(named) == 1 else sheets[0] if len(sheets) == 1 else None
    if pick is not None:
        if hidden.get(pick, "visible") != "visible":
            return pick, [
                Issue(
                    path.name,
                    pick,
                    None,
                    None,
                    None,
                    "这是隐藏的工作表，仍按模板读取：请确认其中的数据是要报送的",
                    "warning",
                )
            ]
        return pick, []
    return None, [
        Issue(
            path.name,
            None,
            None,
            None,
            "、".join(sheets),
            f"工作簿有多个工作表，无法确定哪一个是 {template.name}（{template.zh}）",
        )
    ]


def read_submission(
    path: Path,
    submission_id: str | None = None,
    catalog: FrameworkCatalog | None = None,
    known_departments: set[str] | None = None,
) -> Submission:
    """Parse every file of the submission, then apply the rules that span files."""
    return check_submission(parse_submission(path, submission_id), catalog, known_departments)


def parse_submission(path: Path, submission_id: str | None = None) -> Submission:
    """Read and parse each file on its own (no warehouse state: safe to run in a worker process).
    `check_submission` then applies the cross-file rules."""
    plan = _plan_submission(path, submission_id, alone=True)
    return plan.finish() if isinstance(plan, _Plan) else plan


def _plan_submission(path: Path, submission_id: str | None, alone: bool = False) -> Submission | _Plan:
    """List and read the submission's files and lay out each table (``prepare_table``; ``alone``: parse it
    whole, ``parse_table``). A submission that cannot be read at all comes back as a Submission; else a
    _Plan, finished once its tables' cells are parsed."""
    path = Path(path)
    sid = submission_id or default_submission_id(path)
    issues: list[Issue] = []
    raws: list[tuple[T.Template, object]] = []  # (template, loader)
    files: list[Path] = []

    unsupported: set[str] = set()  # templates whose file has a format we do not read (they are not "missing")
    if path.is_dir():
        seen: dict[str, str] = {}
        entries = sorted(path.iterdir())
        root = path.resolve()
        escaping = [f for f in entries if f.is_symlink() and not f.resolve().is_relative_to(root)]
        for f in escaping:  # never read: its contents could be anything on this machine
            issues.append(
                Issue(
                    f.name,
                    None,
                    None,
                    None,
                    None,
                    "是指向提交文件夹以外的链接，不读取：请把文件本身放进提交文件夹",
                )
            )
        subdirs = [f for f in entries if f.is_dir() and not f.name.startswith(".") and f not in escaping]
        has_templates = any(
            f.is_file() and f.suffix.lower() in DATA_SUFFIXES and T.template_for(f.stem) is not None
            for f in entries
            if f not in escaping
        )
        if subdirs and has_templates:
            issues.append(
                Issue(
                    path.name,
                    None,
                    None,
                    None,
                    "、".join(d.name for d in subdirs),
                    "文件夹里既有模板文件，又有子文件夹（"
                    + "、".join(d.name for d in subdirs)
                    + "）：一个提交是一个只放模板文件的文件夹；多个提交请各放一个子文件夹，不要和模板文件放在一起",
                )
            )
        for f in entries:
            if f in escaping or f.name.startswith(".") or f.name.startswith("~$") or f.is_dir():
                continue
            if not f.is_file():  # a pipe or a device named budget_ledger.csv would block the read forever
                issues.append(Issue(f.name, None, None, None, None, "不是普通文件（管道或设备），不读取"))
                continue
            if f.suffix.lower() not in DATA_SUFFIXES:
                tmpl = T.template_for(f.stem)
                if tmpl is not None:  # three_public.xls: the department means it; ignoring it would lose it
                    unsupported.add(tmpl.name)
                    issues.append(
                        Issue(
                            f.name,
                            None,
                            None,
                            None,
                            f.suffix,
                            f"模板 {tmpl.name}（{tmpl.zh}）的文件格式 {f.suffix} 不支持：请另存为 .xlsx 或 .csv",
                        )
                    )
                else:
                    issues.append(
                        Issue(f.name, None, None, None, None, "不是 CSV/XLSX 文件，已忽略", "warning")
                    )
                continue
            files.append(f)
            tmpl = T.template_for(f.stem)
            if tmpl is None:
                if normalize_label(f.stem).lower().startswith("x_"):
                    continue
                issues.append(
                    Issue(
                        f.name,
                        None,
                        None,
                        None,
                        f.stem,
                        "文件名不是模板名称：应为 "
                        + "、".join(f"{t.name}（{t.zh}）" for t in T.TEMPLATES.values()),
                    )
                )
                continue
            if tmpl.name in seen:
                issues.append(
                    Issue(
                        f.name,
                        None,
                        None,
                        None,
                        None,
                        f"模板 {tmpl.name} 重复：与 {seen[tmpl.name]} 同时存在",
                    )
                )
                continue
            seen[tmpl.name] = f.name
            raws.append((tmpl, f))
    elif path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        files.append(path)
        try:
            sheets = list_sheets(path)
        except ReadError as e:  # nothing to read: not "templates missing" as well
            return Submission(sid, path, content_hash(files), {}, [e.issue])
        seen = {}
        hidden = {n: v for n, v in sheet_visibility(path).items() if v != "visible"}
        for s in sheets:
            tmpl = T.template_for(s)
            if tmpl is not None and s in hidden:
                issues.append(
                    Issue(
                        path.name,
                        s,
                        None,
                        None,
                        None,
                        (
                            "这是深度隐藏（veryHidden）的工作表"
                            if hidden[s] == "veryHidden"
                            else "这是隐藏的工作表"
                        )
                        + "，仍按模板读取：请确认其中的数据是要报送的",
                        "warning",
                    )
                )
            if tmpl is None:
                if normalize_label(s).lower().startswith("x_") or normalize_label(s) in NOTE_SHEETS:
                    continue
                issues.append(
                    Issue(
                        path.name,
                        s,
                        None,
                        None,
                        s,
                        "工作表名称不是模板名称：应为 "
                        + "、".join(f"{t.name}（{t.zh}）" for t in T.TEMPLATES.values()),
                    )
                )
                continue
            if tmpl.name in seen:
                issues.append(
                    Issue(
                        path.name,
                        s,
                        None,
                        None,
                        None,
                        f"模板 {tmpl.name} 重复：与工作表 {seen[tmpl.name]} 同时存在",
                    )
                )
                continue
            seen[tmpl.name] = s
            raws.append((tmpl, (path, s)))
    elif not path.exists():
        return Submission(sid, path, "", {}, [Issue(str(path), None, None, None, None, "路径不存在")])
    else:
        return Submission(
            sid,
            path,
            "",
            {},
            [
                Issue(
                    path.name,
                    None,
                    None,
                    None,
                    None,
                    "提交应为一个文件夹（每个模板一个文件）或一个 .xlsx 工作簿",
                )
            ],
        )

    entries: list[Issue | _Pending] = list(issues)  # the issues so far, then each table's in order
    for tmpl, src in raws:
        try:
            if isinstance(src, Path):
                if src.suffix.lower() == ".csv":
                    raw = read_csv(src)
                else:
                    sheet, more = _pick_sheet(src, tmpl)
                    entries += more
                    if sheet is None:
                        continue
                    raw = read_xlsx_sheet(src, sheet)
            else:
                raw = read_xlsx_sheet(*src)
        except ReadError as e:
            entries.append(e.issue)
            continue
        except (
            Exception
        ) as e:  # unreadable file, a reader's own limit, or a defect of ours: refuse, never abort the run
            log.exception("reading %s failed", src)
            name = src.name if isinstance(src, Path) else src[0].name
            entries.append(
                Issue(
                    name,
                    None if isinstance(src, Path) else src[1],
                    None,
                    None,
                    None,
                    f"文件无法读取（{type(e).__name__}）",
                )
            )
            continue
        try:
            # alone: the whole table now; in a bulk parse its cells wait for the other tables of its template
            prepared: PreparedTable | ParsedTable | Exception = (
                parse_table(raw, tmpl) if alone else prepare_table(raw, tmpl)
            )
        except (
            Exception
        ) as e:  # a defect of ours must refuse this table, not abort every submission of the run
            prepared = e
        entries.append(_Pending(tmpl, raw.file, raw.sheet, prepared))

    return _Plan(sid, path, files, unsupported, {tmpl.name for tmpl, _ in raws}, entries)


@dataclass
class _Pending:
    """A table read and prepared, whose cells are parsed later with the other tables of its template."""

    template: T.Template
    file: str
    sheet: str | None
    result: PreparedTable | ParsedTable | Exception


@dataclass
class _Plan:
    """A submission whose files are read and laid out; ``finish`` assembles it once its tables are parsed."""

    sid: str
    path: Path
    files: list[Path]
    unsupported: set[str]
    present: set[str]
    entries: list[Issue | _Pending]

    def finish(self) -> Submission:
        issues: list[Issue] = []
        tables: dict[str, ParsedTable] = {}
        for e in self.entries:
            if isinstance(e, Issue):
                issues.append(e)
                continue
            parsed = e.result
            if isinstance(parsed, Exception):
                log.error("parsing %s failed", e.file, exc_info=parsed)
                issues.append(
                    Issue(
                        e.file,
                        e.sheet,
                        None,
                        None,
                        None,
                        f"导入程序无法处理这个表（内部错误 {type(parsed).__name__}），已拒绝：请把文件交给系统维护人员",
                    )
                )
                continue
            issues += parsed.issues
            tables[e.template.name] = parsed
        files = self.files
        sub = Submission(self.sid, self.path, content_hash(files) if files else "", tables, issues)
        sub.present = self.present | self.unsupported
        if not files:
            sub.issues.append(Issue(self.path.name, None, None, None, None, "提交中没有任何模板文件"))
        else:
            sub.parsed_files = True
        return sub


def parse_submissions(items: list[tuple[Path, str | None]]) -> list[Submission]:
    """``parse_submission`` for many submissions at once: every file is read and laid out on its own, then
    the cells of all tables of one template (and header signature) are parsed in one pass
    (``ingest.parse.parse_prepared``). Same submissions, issues and rows as parsing each alone."""
    plans = [_plan_submission(Path(p), sid) for p, sid in items]
    pending = [
        e
        for plan in plans
        if isinstance(plan, _Plan)
        for e in plan.entries
        if isinstance(e, _Pending) and isinstance(e.result, PreparedTable)
    ]
    for e, parsed in zip(pending, parse_prepared([e.result for e in pending])):
        e.result = parsed
    return [plan.finish() if isinstance(plan, _Plan) else plan for plan in plans]


def check_submission(
    sub: Submission, catalog: FrameworkCatalog | None = None, known_departments: set[str] | None = None
) -> Submission:
    """The rules that span files: required templates, known departments, scores within weights, … ."""
    if sub.parsed_files:
        _cross_checks(sub, catalog or FrameworkCatalog(), known_departments or set())
    return sub


def _parent_cycles(t: ParsedTable) -> list[Issue]:
    """A department that is its own parent, or a chain of parents that comes back to where it started."""
    parent = {c: p for c, p in t.frame.select("dept_code", "parent_dept_code").iter_rows() if p is not None}
    row = dict(t.frame.select("dept_code", "_row_number").iter_rows())
    out: list[Issue] = []
    reported: set[str] = set()
    for start in sorted(parent, key=lambda c: row.get(c, 0)):
        chain = [start]
        cur = parent.get(start)
        while cur is not None and cur not in chain and len(chain) <= len(parent):
            chain.append(cur)
            cur = parent.get(cur)
        if cur is None or cur != start or start in reported:
            continue
        reported.update(chain)
        if len(chain) == 1:
            why = "部门的上级部门是它自己"
        else:
            why = "上级部门形成循环：" + " → ".join(chain + [start])
        out.append(Issue(t.file, t.sheet, row.get(start), "parent_dept_code", parent[start], why))
    return out


def _cross_checks(sub: Submission, catalog: FrameworkCatalog, known_departments: set[str]) -> None:
    issues = sub.issues
    frameworks = catalog.frameworks  # a set built from the weights: once, not once per row
    # an evaluator's scores alone (jixiao score, the 评价人评分 page) are complete without departments and a
    # ledger: their departments must already be known (checked below)
    scores_only = sub.present == {"qualitative_scores"}
    for req in (t for t in T.TEMPLATES.values() if t.required):
        if req.name not in sub.present and not scores_only:
            issues.append(Issue(None, None, None, None, None, f"缺少必需的模板 {req.name}（{req.zh}）"))
    for req in ("departments", "budget_ledger"):
        t = sub.tables.get(req)
        if t is not None and t.ok and t.frame.height == 0:
            issues.append(
                Issue(
                    t.file, t.sheet, None, None, None, f"必需的模板 {req}（{T.TEMPLATES[req].zh}）没有数据行"
                )
            )
    if not all(t.ok for t in sub.tables.values()) or any(name not in sub.tables for name in sub.present):
        return  # cross-file rules need parsed rows; the per-file errors already refuse the submission

    depts = set(known_departments)
    if "departments" in sub.tables:
        depts |= set(sub.tables["departments"].frame["dept_code"].drop_nulls().to_list())
        d = sub.tables["departments"].frame
        orphan = d.filter(
            pl.col("parent_dept_code").is_not_null() & ~pl.col("parent_dept_code").is_in(list(depts))
        )
        for r, p in orphan.select("_row_number", "parent_dept_code").iter_rows():
            issues.append(
                Issue(
                    sub.tables["departments"].file,
                    sub.tables["departments"].sheet,
                    r,
                    "parent_dept_code",
                    p,
                    "上级部门编码不在部门信息中",
                    "warning",
                )
            )
        issues += _parent_cycles(sub.tables["departments"])
    for name, t in sub.tables.items():
        if name == "departments" or "dept_code" not in t.frame.columns:
            continue
        unknown = (
            t.frame.filter(~pl.col("dept_code").is_in(list(depts)))
            .group_by("dept_code")
            .agg(pl.col("_row_number").min())
            .sort("_row_number")
        )
        for code, r in unknown.iter_rows():
            issues.append(
                Issue(t.file, t.sheet, r, "dept_code", code, "部门编码不在部门信息（departments）中")
            )

    units = {name: t.units for name, t in sub.tables.items() if t.units}
    declared = set().union(*units.values()) if units else set()
    if len(declared) > 1:
        detail = "；".join(
            f"{sub.tables[n].file} 用 {'、'.join(sorted(u))}" for n, u in sorted(units.items())
        )
        issues.append(
            Issue(
                None,
                None,
                None,
                None,
                None,
                f"同一提交的文件使用了不同的金额单位（{detail}）；已分别按各自单位换算为元，请核对",
                "warning",
            )
        )

    q = sub.tables.get("qualitative_scores")
    if q is not None:
        for r, fw, code, score in q.frame.select(
            "_row_number", "framework_code", "indicator_code", "score"
        ).iter_rows():
            if fw not in frameworks:
                issues.append(Issue(q.file, q.sheet, r, "framework_code", fw, "未知的评价体系编码"))
                continue
            weight = catalog.weights.get((fw, code))
            if weight is None:
                issues.append(
                    Issue(q.file, q.sheet, r, "indicator_code", code, f"评价体系 {fw} 没有指标 {code}")
                )
                continue
            if score is None:
                continue
            if weight >= 0 and (score > weight or score < 0):
                issues.append(
                    Issue(
                        q.file,
                        q.sheet,
                        r,
                        "score",
                        str(score),
                        f"得分 {score} 超出指标 {code} 的分值范围 0–{weight}",
                    )
                )
            if weight < 0 and (score < weight or score > 0):
                issues.append(
                    Issue(
                        q.file,
                        q.sheet,
                        r,
                        "score",
                        str(score),
                        f"扣分项 {code} 的得分应在 {weight} 到 0 之间",
                    )
                )

    ev = sub.tables.get("evaluation")
    if ev is not None and frameworks:
        for r, fw in ev.frame.select("_row_number", "framework_code").iter_rows():
            if fw is not None and fw not in frameworks:
                issues.append(Issue(ev.file, ev.sheet, r, "framework_code", fw, "未知的评价体系编码"))

    rr = sub.tables.get("reported_results")
    if rr is not None:
        for r, fw, proj, item in rr.frame.select(
            "_row_number", "framework_code", "project_code", "item"
        ).iter_rows():
            if proj is not None:
                if item in T.PROJECT_ITEMS:
                    continue
                # a project's own score: an indicator code of the project framework, or total
                if fw is not None and fw in frameworks and (item == "total" or (fw, item) in catalog.weights):
                    continue
                issues.append(
                    Issue(
                        rr.file,
                        rr.sheet,
                        r,
                        "item",
                        item,
                        "填写了项目编码时，项目只能是 "
                        + "、".join(T.PROJECT_ITEMS)
                        + "，或项目评价体系（评价体系编码）的指标编码、total",
                    )
                )
                continue
            if item in T.LEDGER_ITEMS:
                continue
            if fw is None:
                issues.append(
                    Issue(
                        rr.file,
                        rr.sheet,
                        r,
                        "framework_code",
                        None,
                        f"报告项目“{item}”是指标或得分，需要填写评价体系编码",
                    )
                )
                continue
            if fw not in frameworks:
                issues.append(Issue(rr.file, rr.sheet, r, "framework_code", fw, "未知的评价体系编码"))
                continue
            if (
                item != "total"
                and (fw, item) not in catalog.weights
                and item not in catalog.level1.get(fw, set())
            ):
                issues.append(
                    Issue(
                        rr.file,
                        rr.sheet,
                        r,
                        "item",
                        item,
                        f"评价体系 {fw} 没有指标或一级指标 {item}；也不是台账合计项目",
                    )
                )
