"""Planning and running a generation: regions, departments, styles, faults, files, manifest."""

from __future__ import annotations

import csv
import io
import json
import math
import multiprocessing
import os
import random
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ingest.generator import catalog as C
from ingest.generator.faults import FAULT_TYPES, feasible, validate_fault_types
from ingest.generator.model import Dept, DeptGenerator, DeptYearPlan, Region
from ingest.generator.writer import STYLES, TEMPLATE_ORDER, Style, write_submission

GENERATOR_VERSION = "1"
XLSX_MAX_DEPARTMENTS = 40  # regions above this size rarely send a workbook
PARALLEL_FROM = 1500  # departments: below this, one process is faster than starting workers
OPTIONAL_TEMPLATES = ("monthly_execution", "performance_targets", "survey_responses")
PLANTED_COLUMNS = ("dept_code", "fiscal_year", "check_code", "item", "expected", "actual", "description")


@dataclass(frozen=True)
class PlantedFault:
    dept_code: str
    fiscal_year: int
    check_code: str
    item: str
    expected: str
    actual: str
    description: str
    submission: str


@dataclass
class SubmissionInfo:
    submission_id: str
    path: str  # relative to out
    region_code: str
    region_name: str
    fiscal_year: int
    style: str
    departments: int
    files: dict[str, dict] = field(default_factory=dict)  # template -> {file, sheet, rows}

    @property
    def rows(self) -> dict[str, int]:
        return {t: f["rows"] for t, f in self.files.items()}


@dataclass
class GenerationResult:
    out: Path
    seed: int
    departments: int
    years: tuple[int, ...]
    regions: int
    submissions: list[SubmissionInfo]
    faults: list[PlantedFault]
    dept_years: int
    seconds: float

    @property
    def manifest_path(self) -> Path:
        return self.out / "manifest.json"

    @property
    def planted_path(self) -> Path:
        return self.out / "planted.csv"

    @property
    def rows(self) -> dict[str, int]:
        total: dict[str, int] = dict.fromkeys(TEMPLATE_ORDER, 0)
        for s in self.submissions:
            for t, n in s.rows.items():
                total[t] += n
        return {t: n for t, n in total.items() if n}

    @property
    def files_written(self) -> int:
        return len({(s.submission_id, f["file"]) for s in self.submissions for f in s.files.values()})

    def faults_by_type(self) -> dict[str, int]:
        out = dict.fromkeys(FAULT_TYPES, 0)
        for f in self.faults:
            out[f.check_code] += 1
        return {t: n for t, n in out.items() if n}

    def summary(self) -> str:
        """A few lines for the command line."""
        lines = [
            f"生成 {self.departments} 个部门 × {len(self.years)} 年（{self.years[0]}–{self.years[-1]}），"
            f"{self.regions} 个区划，{len(self.submissions)} 份提交，{self.files_written} 个文件 → {self.out}",
            "行数：" + "，".join(f"{t} {n:,}" for t, n in self.rows.items()),
            f"植入错误 {len(self.faults)} 处（{self.dept_years} 个部门年度中）："
            + ("，".join(f"{t} {n}" for t, n in self.faults_by_type().items()) or "无"),
            f"用时 {self.seconds:.1f} 秒；清单 {self.manifest_path.name}，植入清单 {self.planted_path.name}",
        ]
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# plan


def _regions(n: int, seed: int) -> list[Region]:
    r = random.Random(f"{seed}/regions")
    out = []
    used = set()
    for code, short in C.COUNTIES[:n]:
        out.append(
            Region(
                code, C.PROVINCES[code[:2]] + C.CITIES[code[:4]] + short, short, round(r.uniform(0.6, 1.6), 3)
            )
        )
        used.add(code)
    cities = list(C.CITIES)
    k = 0
    while len(out) < n:  # beyond the real list: fictitious counties in unused code ranges
        city = cities[k % len(cities)]
        suffix = 60 + (k // len(cities))
        k += 1
        code = f"{city}{suffix:02d}"
        if code in used or suffix > 99:
            if suffix > 99:
                raise ValueError("too many regions for the synthetic code space")
            continue
        used.add(code)
        short = r.choice(C.NAME_SYLLABLES) + r.choice(C.NAME_SYLLABLES) + r.choice(("县", "区"))
        out.append(
            Region(
                code, C.PROVINCES[code[:2]] + C.CITIES[code[:4]] + short, short, round(r.uniform(0.6, 1.6), 3)
            )
        )
    return out


def _town(r: random.Random) -> str:
    return r.choice(C.NAME_SYLLABLES) + r.choice(C.NAME_SYLLABLES) + "镇"


def _unit_names(sector: C.Sector, r: random.Random):
    """Second-level unit names of a sector; schools and township health centres never run out."""
    yield from sector.units
    k = len(sector.units)
    while sector.slug in ("edu", "health"):
        k += 1
        if sector.slug == "health":
            yield _town(r) + "卫生院"
        elif r.random() < 0.5:
            yield f"第{_cn(k)}{r.choice(C.SCHOOL_KINDS)}"
        else:
            yield _town(r) + "中心学校"


def _departments(region: Region, n: int, seed: int) -> list[Dept]:
    """n departments of one region: first-level departments, then second-level units under them."""
    r = random.Random(f"{seed}/depts/{region.code}")
    n_first = n if n <= 3 else max(1, min(len(C.SECTORS), round(n * r.uniform(0.6, 0.8))))
    # weighted sampling without replacement (人社, 教育, 卫健 … are in nearly every region)
    keyed = sorted(C.SECTORS, key=lambda s: -(r.random() ** (1.0 / s.weight)))
    first = sorted(keyed[:n_first], key=C.SECTORS.index)
    depts: list[Dept] = []
    for s in first:
        depts.append(
            Dept(f"{region.code}-{s.slug}", region.short + s.dept, region, s, None, None, len(depts) + 1)
        )
    parents = [d for d in depts if d.sector.units or d.sector.slug in ("edu", "health")]
    names = {p.code: _unit_names(p.sector, r) for p in parents}
    counters: dict[str, int] = {}
    used: set[str] = set()
    while len(depts) < n and parents:
        parent = r.choice(parents)
        unit = next(names[parent.code], None)
        if unit is None:
            parents.remove(parent)
            continue
        if unit in used:
            continue
        used.add(unit)
        k = counters[parent.code] = counters.get(parent.code, 0) + 1
        depts.append(
            Dept(
                f"{parent.code}-{k:02d}",
                region.short + unit,
                region,
                parent.sector,
                parent.code,
                unit,
                len(depts) + 1,
            )
        )
    return depts


def _cn(k: int) -> str:
    digits = C.CN_NUMERALS
    if k <= 10:
        return digits[k] if k < 10 else "十"
    if k < 20:
        return "十" + digits[k - 10]
    return digits[k // 10] + "十" + (digits[k % 10] if k % 10 else "")


def _split_sizes(total: int, parts: int, r: random.Random) -> list[int]:
    weights = [r.uniform(0.7, 1.3) for _ in range(parts)]
    s = sum(weights)
    sizes = [max(1, int(total * w / s)) for w in weights]
    i = 0
    while sum(sizes) < total:
        sizes[i % parts] += 1
        i += 1
    while sum(sizes) > total:
        j = max(range(parts), key=lambda x: sizes[x])
        sizes[j] -= 1
    return sizes


@dataclass
class Plan:
    regions: list[Region]
    depts: dict[str, list[Dept]]  # region code -> departments
    years: list[int]
    styles: dict[tuple[str, int], Style]
    templates: dict[tuple[str, int], tuple[str, ...]]
    dept_year: dict[tuple[str, int], DeptYearPlan]


def make_plan(
    departments: int,
    years: list[int],
    seed: int,
    fault_rate: float,
    fault_types: tuple[str, ...],
    regions: int | None,
) -> Plan:
    r = random.Random(f"{seed}/plan")
    n_regions = regions or max(1, math.ceil(departments / 60))
    n_regions = min(n_regions, departments)
    region_list = _regions(n_regions, seed)
    sizes = _split_sizes(departments, n_regions, r)
    depts: dict[str, list[Dept]] = {}
    for reg, size in zip(region_list, sizes):
        depts[reg.code] = _departments(reg, size, seed)
        if len(depts[reg.code]) < size:  # a region with too few departments for its share
            raise ValueError(f"cannot make {size} departments in one region; use more regions")
    # styles: every style once when there are enough submissions, the rest by weight
    keys = [(reg.code, y) for reg in region_list for y in years]
    styles: dict[tuple[str, int], Style] = {}
    all_styles = [s for s, _ in STYLES]
    order = list(keys)
    r.shuffle(order)
    if len(order) >= len(all_styles):
        for k, s in zip(order, all_styles):
            styles[k] = s
    for k in order:
        if k not in styles:
            # a workbook is what a small county sends; a large region exports CSV (and XLSX is slow to write)
            big = len(depts[k[0]]) > XLSX_MAX_DEPARTMENTS
            weights = [w / 4 if big and s.container == "xlsx" else w for s, w in STYLES]
            styles[k] = r.choices(all_styles, weights)[0]
    templates: dict[tuple[str, int], tuple[str, ...]] = {}
    for k in keys:
        present = [t for t in TEMPLATE_ORDER if t not in OPTIONAL_TEMPLATES or r.random() < 0.85]
        templates[k] = tuple(present)
    # department-years
    flags: dict[tuple[str, int], dict] = {}
    for reg in region_list:
        for d in depts[reg.code]:
            for y in years:
                t = templates[(reg.code, y)]
                flags[(d.code, y)] = {
                    "has_monthly": "monthly_execution" in t,
                    "has_targets": "performance_targets" in t and r.random() < 0.85,
                    "has_survey": "survey_responses" in t
                    and r.random() < (0.85 if d.parent is None else 0.5),
                    "has_reported": r.random() < 0.9,
                    "year_index": years.index(y),
                }
    faults = assign_faults(flags, fault_rate, fault_types, r)
    dept_year = {}
    for key, f in flags.items():
        fault = faults.get(key)
        has_reported = f["has_reported"] or (fault is not None and fault.startswith("reported_"))
        dept_year[key] = DeptYearPlan(
            fault, f["has_monthly"], f["has_targets"], f["has_survey"], has_reported
        )
    return Plan(region_list, depts, years, styles, templates, dept_year)


def assign_faults(
    flags: dict[tuple[str, int], dict], rate: float, types: tuple[str, ...], r: random.Random
) -> dict[tuple[str, int], str]:
    """round(rate × department-years) of them get one fault each; the types are spread evenly.

    Types with structural needs (a previous year in the run, a monthly file) are placed first.
    """
    keys = list(flags)
    k = min(len(keys), round(rate * len(keys))) if types else 0
    if k == 0:
        return {}
    chosen = r.sample(keys, k)
    order = list(types)
    r.shuffle(order)
    slots = [order[i % len(order)] for i in range(k)]
    priority = {"carryover_continuity": 0, "three_public_prior_year": 0, "monthly_monotonic": 1}
    slots.sort(key=lambda t: priority.get(t, 2))
    remaining = list(chosen)
    out: dict[tuple[str, int], str] = {}
    unplaced = []
    for t in slots:
        for i, key in enumerate(remaining):
            if feasible(t, flags[key]):
                out[key] = t
                del remaining[i]
                break
        else:
            unplaced.append(t)
    for key in remaining:  # department-years left over: any type that fits
        for t in order:
            if feasible(t, flags[key]):
                out[key] = t
                break
    return out


# ---------------------------------------------------------------------------
# run


def generate(
    departments: int,
    years: int,
    seed: int,
    out: Path,
    fault_rate: float = 0.05,
    fault_types: tuple[str, ...] | list[str] | None = None,
    *,
    last_year: int = 2023,
    regions: int | None = None,
    overwrite: bool = False,
    workers: int | None = None,
) -> GenerationResult:
    """Write a deterministic sample of department submissions in the input-template format.

    Args:
        departments: how many departments (first-level departments and their second-level units).
        years: how many fiscal years, ending with ``last_year`` (3 → 2021–2023).
        seed: the same seed (and parameters) gives the same bytes.
        out: output folder; it receives ``manifest.json``, ``planted.csv`` and one submission per
            region-year: a folder of CSVs or an ``.xlsx`` workbook named ``<region_code>-<year>``.
        fault_rate: share of department-years that get exactly one planted inconsistency (0 to 1).
        fault_types: which reconciliation checks to plant faults for (default: all in ``FAULT_TYPES``).
        last_year: the last fiscal year.
        regions: number of regions (区划); default one per ~60 departments.
        overwrite: replace an earlier generation in ``out`` (only the files a generation writes).
        workers: processes that generate regions in parallel (default: 1 below 1,500 departments,
            else one per CPU). The output does not depend on it.

    Returns a ``GenerationResult``: submissions with their files and row counts, the planted faults,
    and ``summary()`` for printing.
    """
    t0 = time.perf_counter()
    if departments < 1 or years < 1:
        raise ValueError("departments and years must be at least 1")
    if not 0 <= fault_rate <= 1:
        raise ValueError("fault_rate must be between 0 and 1")
    types = validate_fault_types(fault_types)
    out = Path(out)
    _prepare_out(out, overwrite)
    year_list = list(range(last_year - years + 1, last_year + 1))
    plan = make_plan(departments, year_list, seed, fault_rate, types, regions)
    tasks = [
        RegionTask(
            reg,
            plan.depts[reg.code],
            {(d.code, y): plan.dept_year[(d.code, y)] for d in plan.depts[reg.code] for y in year_list},
            {y: plan.styles[(reg.code, y)] for y in year_list},
            {y: plan.templates[(reg.code, y)] for y in year_list},
            seed,
            year_list,
            out,
        )
        for reg in plan.regions
    ]
    if workers is None:
        workers = 1 if departments < PARALLEL_FROM else min(os.cpu_count() or 1, 8)
    submissions: list[SubmissionInfo] = []
    faults: list[PlantedFault] = []
    if workers > 1 and len(tasks) > 1:
        ctx = multiprocessing.get_context("spawn")  # no fork of a possibly threaded parent (duckdb, polars)
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            results = list(pool.map(run_region, tasks, chunksize=max(1, len(tasks) // (workers * 8))))
    else:
        results = [run_region(t) for t in tasks]
    for subs, fs in results:  # region order, whatever the process that ran it
        submissions.extend(subs)
        faults.extend(fs)
    faults.sort(key=lambda f: (f.dept_code, f.fiscal_year, f.check_code))
    result = GenerationResult(
        out,
        seed,
        departments,
        tuple(year_list),
        len(plan.regions),
        submissions,
        faults,
        len(plan.dept_year),
        0.0,
    )
    _write_planted(out / "planted.csv", faults)
    _write_manifest(out / "manifest.json", result, fault_rate, types, regions, last_year)
    result.seconds = time.perf_counter() - t0
    return result


@dataclass
class RegionTask:
    region: Region
    depts: list[Dept]
    plans: dict[tuple[str, int], DeptYearPlan]
    styles: dict[int, Style]
    templates: dict[int, tuple[str, ...]]
    seed: int
    years: list[int]
    out: Path


def run_region(task: RegionTask) -> tuple[list[SubmissionInfo], list[PlantedFault]]:
    """Generate every department of one region over all years and write its submissions (one per year)."""
    years = task.years
    reg = task.region
    by_year: dict[int, list] = {y: [] for y in years}
    for d in task.depts:
        gen = DeptGenerator(d, task.seed, years[0], years[-1])
        for dy in gen.generate({y: task.plans[(d.code, y)] for y in years}):
            by_year[dy.year].append(dy)
    submissions, faults = [], []
    for y in years:
        sid = f"{reg.code}-{y}"
        style = task.styles[y]
        files = write_submission(task.out / sid, style, by_year[y], task.templates[y])
        rel = sid + (".xlsx" if style.container == "xlsx" else "")
        submissions.append(
            SubmissionInfo(sid, rel, reg.code, reg.name, y, style.name, len(task.depts), files)
        )
        for dy in by_year[y]:
            for check, item, expected, actual, desc in dy.planted:
                faults.append(PlantedFault(dy.dept.code, y, check, item, expected, actual, desc, sid))
    return submissions, faults


def _prepare_out(out: Path, overwrite: bool) -> None:
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(
                f"{out} is not empty (pass overwrite=True to replace an earlier generation)"
            )
        manifest = out / "manifest.json"
        if not manifest.exists():
            raise FileExistsError(
                f"{out} is not empty and holds no earlier generation (manifest.json); refusing to clear it"
            )
        old = json.loads(manifest.read_text(encoding="utf-8"))
        for s in old.get("submissions", []):
            p = out / s["path"]
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
        for name in ("manifest.json", "planted.csv"):
            (out / name).unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)


def _write_planted(path: Path, faults: list[PlantedFault]) -> None:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PLANTED_COLUMNS + ("submission",))
    for f in faults:
        w.writerow(
            [
                f.dept_code,
                f.fiscal_year,
                f.check_code,
                f.item,
                f.expected,
                f.actual,
                f.description,
                f.submission,
            ]
        )
    path.write_bytes(buf.getvalue().encode("utf-8"))


def _write_manifest(
    path: Path,
    res: GenerationResult,
    fault_rate: float,
    types: tuple[str, ...],
    regions: int | None,
    last_year: int,
) -> None:
    manifest = {
        "generator": "ingest.generator",
        "generator_version": GENERATOR_VERSION,
        "parameters": {
            "departments": res.departments,
            "years": len(res.years),
            "last_year": last_year,
            "seed": res.seed,
            "fault_rate": fault_rate,
            "fault_types": list(types),
            "regions": regions,
        },
        "fiscal_years": list(res.years),
        "regions": res.regions,
        "department_years": res.dept_years,
        "rows": res.rows,
        "faults": {"planted": len(res.faults), "by_check": res.faults_by_type(), "file": "planted.csv"},
        "submissions": [
            {
                "submission_id": s.submission_id,
                "path": s.path,
                "region_code": s.region_code,
                "region_name": s.region_name,
                "fiscal_year": s.fiscal_year,
                "style": s.style,
                "departments": s.departments,
                "files": s.files,
            }
            for s in res.submissions
        ],
    }
    path.write_bytes((json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
