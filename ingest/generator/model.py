"""What a department hands in, year by year: the canonical rows before they are written in a file format.

Amounts are integer cents everywhere (exact); a row's empty cell is ``None``. One ``DeptYear`` holds
the rows of every template for one department and fiscal year. Planted faults are applied here, while
the rows are built, so that each one touches exactly one thing (see ``faults.py`` for the catalogue).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ingest.generator import catalog as C
from ingest.generator.oracle import HN_RULES, fmt_rate, hn_values, pct, threshold_score, yuan

HN = "hn_dept_overall"
TOLERANCE = 500_000  # 0.5 万元 in cents: differences above it are errors
# how a project's money splits over its economic classes (wages dominate 编外人员 projects)
ECON_WEIGHT = {
    "工资奖金津补贴": 4.0,
    "社会保障缴费": 1.0,
    "住房公积金": 0.6,
    "大型修缮": 2.0,
    "其他资本性支出": 2.0,
}
# ledger items a report takes from the final accounts rather than from the evaluation text
FROM_ACCOUNTS = frozenset({"三公经费预算", "三公经费决算", "年初结转结余", "年末结转结余"})


# ---------------------------------------------------------------------------
# structure


@dataclass
class Region:
    code: str
    name: str  # 湖南省衡阳市珠晖区
    short: str  # 珠晖区
    scale: float  # spending level of the region (richer districts spend more)


@dataclass
class Dept:
    code: str
    name: str
    region: Region
    sector: C.Sector
    parent: str | None  # parent dept_code for second-level units
    unit_name: str | None  # second-level unit's own name (社会保险服务中心)
    local_no: int  # number within the region (project codes)


@dataclass
class Line:
    """One budget_ledger row: a budget line (指标) or a reported subtotal."""

    etype: str | None  # 基本支出 / 项目支出 / None (grand total)
    cat: str  # category as written (subtotals: 人员经费小计, 合计, 总计 …)
    pcode: str | None
    pname: str | None
    key: bool | None
    econ: str | None
    func: str | None
    fund: str | None
    orig: int
    adj: int | None
    adjd: int
    paid: int
    bal: int | None
    sub: bool = False
    scope_cat: str | None = None  # category a subtotal covers (None: the whole expense type / ledger)

    def describe(self) -> str:
        parts = [self.etype or "", self.cat, self.pcode or "", self.econ or ""]
        return " ".join(p for p in parts if p)


@dataclass
class DeptYear:
    dept: Dept
    year: int
    ledger: list[Line] = field(default_factory=list)
    carryover: list[list] = field(default_factory=list)  # [opening, closing]
    three_public: list[list] = field(default_factory=list)  # [fiscal_year, item, budget, actual]
    staffing: list[list] = field(default_factory=list)  # [staff_type, authorized, actual]
    monthly: list[list] = field(default_factory=list)  # [month, cumulative, budget_basis]
    targets: list[list] = field(default_factory=list)
    facts: list[list] = field(default_factory=list)  # [fact_code, value, is_amount, count_unit, note]
    qualitative: list[list] = field(default_factory=list)  # [framework, indicator, score, scorer, evidence]
    survey: list[list] = field(default_factory=list)  # [question, rating, respondents]
    reported: list[list] = field(
        default_factory=list
    )  # [framework, project_code, item, value, score, source]
    planted: list[tuple] = field(default_factory=list)  # (check_code, item, expected, actual, description)


@dataclass(frozen=True)
class DeptYearPlan:
    """What the plan decided for one department-year before any number is drawn."""

    fault: str | None
    has_monthly: bool
    has_targets: bool
    has_survey: bool
    has_reported: bool


# ---------------------------------------------------------------------------
# helpers


def _round_to(cents: int, step_yuan: int) -> int:
    step = step_yuan * 100
    return max(step, (cents + step // 2) // step * step)


def _split(total: int, weights: list[float], step: int = 1) -> list[int]:
    """Split ``total`` cents over weights, each part a multiple of ``step`` cents except the last."""
    s = sum(weights)
    parts = [int(total * w / s) // step * step for w in weights[:-1]]
    parts.append(total - sum(parts))
    return parts


def _odd_delta(r: random.Random, low: int, high: int) -> int:
    """A difference in cents within [low, high] whose cents digits are not 0 (never a rounding look-alike)."""
    d = r.randint(low, max(low, high))
    if d % 10 == 0:
        d += 7
    return d


class DeptGenerator:
    """Generates one department's submissions over all years (continuity lives here)."""

    def __init__(self, dept: Dept, seed: int, first_year: int, last_year: int):
        self.d = dept
        self.seed = seed
        self.first_year = first_year
        self.last_year = last_year
        self.r = random.Random(f"{seed}/dept/{dept.code}")
        self._profile()

    # -- profile: what stays the same across years ------------------------------------
    def _profile(self) -> None:
        r, d = self.r, self.d
        second = d.parent is not None
        self.second = second
        sector = d.sector
        # staffing structure
        staff: dict[str, int] = {}
        if not second:
            staff["行政编制"] = r.randint(8, 40)
            if r.random() < 0.3:
                staff["参公"] = r.randint(4, 20)
            if r.random() < 0.7:
                staff["工勤"] = r.randint(1, 4)
        else:
            big = d.unit_name and any(k in d.unit_name for k in ("中学", "小学", "医院", "卫生院", "学校"))
            if r.random() < 0.3 and "中心" in (d.unit_name or ""):
                staff["参公"] = r.randint(8, 30)
            else:
                staff["事业编制"] = r.randint(40, 200) if big else r.randint(8, 60)
            if r.random() < 0.5:
                staff["工勤"] = r.randint(1, 5)
        if r.random() < 0.45:
            staff["临聘"] = r.randint(2, 10)
        self.authorized = staff
        low_fill = r.random() < 0.06
        self.fill = (0.68, 0.8) if low_fill else (0.88, 1.0)
        self.staff_total_row = r.random() < 0.3
        # money
        self.per_capita = r.uniform(88_000, 135_000) * (0.85 + 0.15 * d.region.scale)
        self.public_per_capita = r.uniform(4_000, 10_000)
        self.public_detailed = r.random() < 0.6
        self.scale = d.region.scale * (r.lognormvariate(0, 0.35)) * (r.uniform(0.08, 0.3) if second else 1.0)
        self.admin_func = (
            sector.admin_func if not second else (sector.unit_func or sector.admin_func[:5] + "50 事业运行")
        )
        self.retire_func = "2080502 事业单位离退休" if second else "2080501 行政单位离退休"
        # projects
        pool = list(sector.projects)
        n = r.randint(1, min(4, len(pool))) if second else r.randint(max(2, len(pool) - 3), len(pool))
        chosen = r.sample(pool, n)
        generic = r.sample(C.GENERIC_PROJECTS, r.randint(2, 4) if not second else r.randint(1, 2))
        self.projects = []
        for k, spec in enumerate(chosen + generic, start=1):
            func = spec.func or self.admin_func
            fund = spec.fund if r.random() < 0.8 else "一般公共预算"
            base = r.uniform(*spec.wan) * 10_000 * 100 * self.scale
            econ = list(spec.econ)
            if len(econ) > 1 and r.random() < 0.3:
                econ = r.sample(econ, r.randint(1, len(econ)))
            self.projects.append(
                {
                    "code": f"P{d.region.code}{d.local_no:03d}{k:02d}",
                    "name": spec.name,
                    "cat": spec.category,
                    "key": spec.key,
                    "econ": econ,
                    "func": func,
                    "fund": fund,
                    "base": max(base, 200_000),
                    "p_active": 1.0 if spec.key else r.uniform(0.75, 1.0),
                    "exec": r.random(),  # execution propensity
                }
            )
        # subtotal and balance styles (a department's finance office always exports the same way)
        self.subtotal_style = r.choices(["none", "cat_type", "type_grand", "all"], [40, 35, 15, 10])[0]
        self.subtotal_in_econ = r.random() < 0.3
        self.balance_mode = r.choices(["blank_zero", "always", "blank_all"], [50, 35, 15])[0]
        self.adj_zero_filled = self.balance_mode == "always" and r.random() < 0.5
        # 三公
        zero = r.random() < 0.15
        self.tp_has = {
            "因公出国(境)费": (not zero) and r.random() < 0.05,
            "公务用车购置费": False,
            "公务用车运行维护费": (not zero) and r.random() < (0.4 if second else 0.75),
            "公务接待费": (not zero) and r.random() < (0.4 if second else 0.8),
        }
        self.tp_car_purchase_p = 0.0 if zero else 0.04
        self.tp_total_row = r.random() < 0.35
        self.tp_budget = {
            "因公出国(境)费": r.uniform(20_000, 80_000),
            "公务用车购置费": r.uniform(150_000, 300_000),
            "公务用车运行维护费": r.uniform(20_000, 150_000) * (0.5 if second else 1),
            "公务接待费": r.uniform(5_000, 60_000) * (0.5 if second else 1),
        }
        # qualitative quality and survey mood
        self.quality = r.uniform(0.55, 1.0)
        good = r.uniform(0.3, 0.6)
        self.survey_p = [
            good,
            r.uniform(0.2, 0.4),
            r.uniform(0.05, 0.15),
            r.uniform(0.0, 0.04),
            r.uniform(0.02, 0.1),
        ]
        self.scorer = r.choice(C.SCORERS)
        self.report_style = r.choices(["full", "ref", "none"], [50, 30, 20])[0]
        self.opening0 = 0 if r.random() < 0.2 else None
        self.staff_actual = {t: max(0, a - r.randint(0, 3)) for t, a in staff.items()}
        self._three_public_cache: dict[int, list[list]] = {}
        self.growth = 1.0

    # -- the years --------------------------------------------------------------------
    def generate(self, plans: dict[int, DeptYearPlan]) -> list[DeptYear]:
        out = []
        closing_prev: int | None = None
        for year in range(self.first_year, self.last_year + 1):
            plan = plans[year]
            dy = DeptYear(self.d, year)
            fr = random.Random(f"{self.seed}/fault/{self.d.code}/{year}")
            self._blank_sub_balance = self._blank_sub_adjustment = False
            self.growth *= 1.04 + self.r.uniform(-0.03, 0.05) if year > self.first_year else 1.0
            self._staffing(dy, plan, fr)
            lines = self._ledger_lines(dy, plan, fr)
            dy.ledger = lines
            sums = self._sums(lines)
            closing = sums["adjd"] - sums["paid"]
            opening = closing_prev if closing_prev is not None else self._first_opening(sums)
            self._carryover(dy, plan, fr, opening, closing)
            self._subtotals(dy, plan, fr)
            self._three_public(dy, plan, fr)
            if plan.has_monthly:
                self._monthly(dy, plan, fr, sums)
            if plan.has_targets:
                self._targets(dy, sums)
            self._facts(dy, plan, sums)
            self._qualitative(dy)
            if plan.has_survey:
                self._survey(dy)
            if plan.has_reported:
                self._reported(dy, plan, fr, sums, opening, closing)
            closing_prev = closing
            out.append(dy)
        return out

    # -- staffing ---------------------------------------------------------------------
    def _staffing(self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random) -> None:
        r = self.r
        rows = []
        for t in C.STAFF_TYPES:
            if t not in self.authorized:
                continue
            auth = self.authorized[t]
            lo, hi = self.fill
            if t == "临聘":
                act = r.randint(max(0, auth - 2), auth)
            else:
                prev = self.staff_actual[t]
                target = round(auth * r.uniform(lo, hi))
                act = max(0, min(auth, (prev + target) // 2 + r.randint(-1, 1)))
            self.staff_actual[t] = act
            rows.append([t, auth, act])
        dy.staffing = rows
        self.actual_staff = sum(a for _, _, a in rows)
        if self.staff_total_row or plan.fault == "staffing_total":
            auth_sum = sum(a for _, a, _ in rows)
            act_sum = sum(a for _, _, a in rows)
            total = ["合计", auth_sum, act_sum]
            if plan.fault == "staffing_total":
                col = fr.choice([1, 2])
                delta = fr.choice([-3, -2, -1, 1, 2, 3])
                if total[col] + delta < 0:
                    delta = abs(delta)
                good = total[col]
                total[col] += delta
                what = "编制数" if col == 1 else "实有在职人数"
                dy.planted.append(
                    (
                        "staffing_total",
                        f"合计 {what}",
                        str(good),
                        str(total[col]),
                        f"人员编制合计行的{what}与各类之和不等",
                    )
                )
            rows.append(total)

    # -- ledger -----------------------------------------------------------------------
    def _ledger_lines(self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random) -> list[Line]:
        r = self.r
        growth = self.growth
        lines: list[Line] = []
        # 人员经费
        staff = max(3, self.actual_staff)
        personnel = int(staff * self.per_capita * growth * r.uniform(0.97, 1.03)) * 100
        for econ, share, func in C.PERSONNEL_LINES:
            if econ == "职业年金缴费" and r.random() < 0.3:
                continue
            amount = int(personnel * share * r.uniform(0.88, 1.12))
            amount = amount // 100 * 100 if econ == "工资奖金津补贴" else amount
            if func is None:
                func = self.admin_func
            elif func.startswith("2080501"):
                func = self.retire_func
            elif func.startswith("2101101") and self.second:
                func = "2101102 事业单位医疗"
            adj = None
            u = r.random()
            if econ == "工资奖金津补贴" and u < 0.15:
                adj = -int(amount * r.uniform(0.01, 0.05)) // 100 * 100
            elif econ == "工资奖金津补贴" and u < 0.25:
                adj = int(amount * r.uniform(0.01, 0.04)) // 100 * 100
            elif u < 0.04:
                adj = -int(amount * r.uniform(0.01, 0.08))
            adjd = amount + (adj or 0)
            paid = adjd if r.random() < 0.97 else int(adjd * r.uniform(0.97, 0.999))
            lines.append(
                Line(
                    "基本支出",
                    "人员经费",
                    None,
                    None,
                    None,
                    econ,
                    func,
                    "一般公共预算",
                    amount,
                    adj,
                    adjd,
                    paid,
                    None,
                )
            )
        # 公用经费
        public = int((staff * self.public_per_capita + r.uniform(20_000, 80_000)) * growth) * 100
        if self.public_detailed:
            classes = ["办公费"] + r.sample(C.PUBLIC_DETAILED[1:-1], r.randint(3, 8)) + ["其他商品和服务支出"]
            classes = [c for c in C.PUBLIC_DETAILED if c in classes]
        else:
            classes = list(C.PUBLIC_COARSE)
        weights = [r.uniform(0.5, 2.0) * (3 if c in ("办公费", "办公经费") else 1) for c in classes]
        parts = _split(public, weights, 10_000)
        low_exec = r.random() < 0.03
        for econ, amount in zip(classes, parts):
            amount = max(amount, 100_000)
            adj = None
            if r.random() < 0.08:
                adj = (-1 if r.random() < 0.7 else 1) * int(amount * r.uniform(0.05, 0.2)) // 100 * 100
            adjd = amount + (adj or 0)
            if low_exec:
                paid = int(adjd * r.uniform(0.6, 0.9))
            elif r.random() < 0.75:
                paid = adjd
            else:
                paid = int(adjd * r.uniform(0.85, 0.999))
            lines.append(
                Line(
                    "基本支出",
                    "公用经费",
                    None,
                    None,
                    None,
                    econ,
                    self.admin_func,
                    "一般公共预算",
                    amount,
                    adj,
                    adjd,
                    paid,
                    None,
                )
            )
        # 项目支出
        under_forced = None
        if plan.fault == "reported_project":
            active = [p for p in self.projects if p["key"]] or self.projects
            under_forced = fr.choice(active)["code"]
        self.active_projects = []
        for p in self.projects:
            if p["code"] != under_forced and r.random() > p["p_active"]:
                continue
            self.active_projects.append(p)
            total = int(p["base"] * growth * r.uniform(0.8, 1.25))
            econ = p["econ"]
            weights = [r.uniform(0.3, 1.0) * ECON_WEIGHT.get(x, 1.0) for x in econ]
            parts = _split(total, weights, 100 if r.random() < 0.5 else 1)
            mode = r.random()
            added = mode < 0.04 and p["cat"] == "其他运转类"  # 年中追加: no original budget
            cut = 0.0
            if 0.04 <= mode < 0.22:
                cut = -r.uniform(0.02, 0.4)
            elif 0.22 <= mode < 0.30:
                cut = r.uniform(0.03, 0.3)
            e = p["exec"]
            u = r.random()
            if p["code"] == under_forced:
                ratio = r.uniform(0.75, 0.97)
            elif u < 0.45 + 0.2 * e:
                ratio = 1.0
            elif u < 0.85 + 0.1 * e:
                ratio = r.uniform(0.85, 0.999)
            else:
                ratio = r.uniform(0.3, 0.85)
            for econ_class, amount in zip(econ, parts):
                amount = max(amount, 50_000)
                if added:
                    orig, adj = 0, amount
                elif cut:
                    orig, adj = amount, int(amount * cut) // 100 * 100
                else:
                    orig, adj = amount, None
                adjd = orig + (adj or 0)
                paid = adjd if ratio == 1.0 else int(adjd * ratio)
                lines.append(
                    Line(
                        "项目支出",
                        p["cat"],
                        p["code"],
                        p["name"],
                        p["key"],
                        econ_class,
                        p["func"],
                        p["fund"],
                        orig,
                        adj,
                        adjd,
                        paid,
                        None,
                    )
                )
        # order: 人员经费, 公用经费, 其他运转类, 特定目标类 (stable within each)
        order = {"人员经费": 0, "公用经费": 1, "其他运转类": 2, "特定目标类": 3}
        lines.sort(key=lambda ln: order[ln.cat])
        # balances and zero-adjustments as this department writes them
        for ln in lines:
            b = ln.adjd - ln.paid
            if self.balance_mode == "always":
                ln.bal = b
            elif self.balance_mode == "blank_zero":
                ln.bal = b if b else None
            if ln.adj is None and self.adj_zero_filled:
                ln.adj = 0
        if plan.fault == "ledger_balance_identity":
            self._fault_balance(dy, lines, fr)
        elif plan.fault == "ledger_adjusted_identity":
            self._fault_adjustment(dy, lines, fr)
        return lines

    def _fault_balance(self, dy: DeptYear, lines: list[Line], fr: random.Random) -> None:
        cands = [ln for ln in lines if ln.adj and abs(ln.adj) > TOLERANCE]
        if cands:
            ln = fr.choice(cands)
            good = ln.adjd - ln.paid
            ln.bal = ln.orig - ln.paid
            why = "结余按原始指标金额计算（漏减调整金额）"
        else:
            ln = fr.choice(lines)
            good = ln.adjd - ln.paid
            ln.bal = good + _odd_delta(fr, TOLERANCE + 1, TOLERANCE * 8) * fr.choice([1, -1])
            why = "指标结余填报错误"
        dy.planted.append(
            ("ledger_balance_identity", ln.describe() + " 指标结余", yuan(good), yuan(ln.bal), why)
        )
        self._blank_sub_balance = True

    def _fault_adjustment(self, dy: DeptYear, lines: list[Line], fr: random.Random) -> None:
        cands = [ln for ln in lines if ln.adj and abs(ln.adj) * 2 > TOLERANCE]
        if cands:
            ln = fr.choice(cands)
            good = ln.adj
            ln.adj = -ln.adj
            why = "调整金额符号填反（可用金额 ≠ 原始 + 调整）"
        else:
            cands = [ln for ln in lines if ln.orig > 4 * TOLERANCE]
            ln = fr.choice(cands or lines)
            good = ln.adjd - ln.orig
            ln.adj = good - _odd_delta(fr, TOLERANCE + 1, max(TOLERANCE + 1, ln.orig // 5))
            why = "填写了调整金额，但可用金额未按调整后填列"
        dy.planted.append(
            ("ledger_adjusted_identity", ln.describe() + " 调整金额", yuan(good), yuan(ln.adj), why)
        )
        self._blank_sub_adjustment = True

    @staticmethod
    def _sums(lines: list[Line]) -> dict:
        s = {
            "orig": 0,
            "adjd": 0,
            "paid": 0,
            "basic": 0,
            "personnel": 0,
            "public": 0,
            "project": 0,
            "public_adjd": 0,
            "project_adjd": 0,
        }
        proj: dict[str, list] = {}
        key_adjd = 0
        for ln in lines:
            if ln.sub:
                continue
            s["orig"] += ln.orig
            s["adjd"] += ln.adjd
            s["paid"] += ln.paid
            if ln.etype == "基本支出":
                s["basic"] += ln.paid
                if ln.cat == "人员经费":
                    s["personnel"] += ln.paid
                else:
                    s["public"] += ln.paid
                    s["public_adjd"] += ln.adjd
            else:
                s["project"] += ln.paid
                s["project_adjd"] += ln.adjd
                pr = proj.setdefault(ln.pcode, [ln.pname, 0, 0, ln.key])
                pr[1] += ln.adjd
                pr[2] += ln.paid
                if ln.key:
                    key_adjd += ln.adjd
        s["projects"] = proj
        s["key_adjd"] = key_adjd
        return s

    def _first_opening(self, sums: dict) -> int:
        if self.opening0 == 0:
            return 0
        return int(sums["adjd"] * self.r.uniform(0.002, 0.03))

    # -- subtotal rows ------------------------------------------------------------------
    def _subtotals(self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random) -> None:
        style = self.subtotal_style
        if plan.fault == "ledger_subtotal" and style == "none":
            style = "cat_type"
        if style == "none":
            return
        blank_bal, blank_adj = self._blank_sub_balance, self._blank_sub_adjustment
        lines = dy.ledger
        out: list[Line] = []

        def make(
            etype: str | None,
            cat_label: str,
            econ_label: str | None,
            scope: list[Line],
            scope_cat: str | None,
        ) -> Line:
            orig = sum(x.orig for x in scope)
            adj = sum((x.adj or 0) for x in scope)
            adjd = sum(x.adjd for x in scope)
            paid = sum(x.paid for x in scope)
            bal = adjd - paid
            if blank_adj:
                adj_out = None
            elif adj:
                adj_out = adj
            else:
                adj_out = 0 if self.adj_zero_filled else None
            if blank_bal or self.balance_mode == "blank_all":
                bal_out = None
            elif bal:
                bal_out = bal
            else:
                bal_out = 0 if self.balance_mode == "always" else None
            return Line(
                etype,
                cat_label,
                None,
                None,
                None,
                econ_label,
                None,
                None,
                orig,
                adj_out,
                adjd,
                paid,
                bal_out,
                True,
                scope_cat,
            )

        for etype, cats in (
            ("基本支出", ("人员经费", "公用经费")),
            ("项目支出", ("其他运转类", "特定目标类")),
        ):
            type_lines = [x for x in lines if x.etype == etype]
            for cat in cats:
                cl = [x for x in type_lines if x.cat == cat]
                out.extend(cl)
                if cl and style in ("cat_type", "all"):
                    if self.subtotal_in_econ:
                        out.append(make(etype, cat, "小计", cl, cat))
                    else:
                        out.append(make(etype, cat + "小计", None, cl, cat))
            if type_lines:
                out.append(make(etype, "合计", None, type_lines, None))
        if style in ("type_grand", "all"):
            out.append(make(None, "总计", None, lines, None))
        dy.ledger = out
        if plan.fault == "ledger_subtotal":
            subs = [x for x in out if x.sub and x.paid > 4 * TOLERANCE]
            s = fr.choice(subs)
            good = s.paid
            s.paid = good - _odd_delta(fr, TOLERANCE + 1, min(good // 3, 30 * TOLERANCE))
            s.bal = None  # the subtotal's own balance is then left unknown
            label = " ".join(p for p in (s.etype or "", s.cat, s.econ or "") if p)
            dy.planted.append(
                (
                    "ledger_subtotal",
                    f"{label} 实际支付合计",
                    yuan(good),
                    yuan(s.paid),
                    "小计行的实际支付合计与所含各行之和不等",
                )
            )

    # -- carryover ------------------------------------------------------------------------
    def _carryover(
        self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random, opening: int, closing: int
    ) -> None:
        reported_opening = opening
        if plan.fault == "carryover_continuity":
            delta = _odd_delta(fr, TOLERANCE + 1, max(TOLERANCE * 4, opening // 4))
            sign = -1 if opening > delta and fr.random() < 0.5 else 1
            reported_opening = opening + sign * delta
            dy.planted.append(
                (
                    "carryover_continuity",
                    "年初结转结余",
                    yuan(opening),
                    yuan(reported_opening),
                    "年初结转结余与上年年末结转结余不一致",
                )
            )
        closing_out = closing if self.r.random() < 0.6 else None
        dy.carryover = [[reported_opening, closing_out]]
        self._reported_opening = reported_opening

    # -- 三公 ---------------------------------------------------------------------------
    def _three_public_year(self, year: int) -> list[list]:
        """The four items of one year (generated once, so restatements agree)."""
        if year in self._three_public_cache:
            return self._three_public_cache[year]
        r = random.Random(f"{self.seed}/3p/{self.d.code}/{year}")
        drift = 0.97 ** (year - self.first_year)
        rows = []
        for item in C.THREE_PUBLIC_ITEMS:
            has = self.tp_has[item] or (item == "公务用车购置费" and r.random() < self.tp_car_purchase_p)
            if not has:
                rows.append([year, item, 0, 0])
                continue
            budget = _round_to(int(self.tp_budget[item] * drift * r.uniform(0.85, 1.1) * 100), 100)
            u = r.random()
            if item == "因公出国(境)费" and u < 0.3:
                actual = 0
            elif u < 0.88:
                actual = int(budget * r.uniform(0.55, 1.0))
            else:
                actual = int(budget * r.uniform(1.0, 1.12))
            rows.append([year, item, budget, actual])
        self._three_public_cache[year] = rows
        return rows

    def _three_public(self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random) -> None:
        prior = [list(x) for x in self._three_public_year(dy.year - 1)]
        current = [list(x) for x in self._three_public_year(dy.year)]
        if plan.fault == "three_public_prior_year":
            row = fr.choice(prior)
            good = row[3]
            delta = _odd_delta(fr, TOLERANCE + 1, TOLERANCE * 6)
            row[3] = good - delta if good > delta and fr.random() < 0.5 else good + delta
            dy.planted.append(
                (
                    "three_public_prior_year",
                    f"{dy.year - 1}年 {row[1]} 决算数",
                    yuan(good),
                    yuan(row[3]),
                    f"{dy.year}年提交中填报的上年“三公”经费与{dy.year - 1}年提交不一致",
                )
            )
        rows = prior + current
        if self.tp_total_row or plan.fault == "three_public_total":
            total = [dy.year, "合计", sum(x[2] for x in current), sum(x[3] for x in current)]
            if plan.fault == "three_public_total":
                col = fr.choice([2, 3])
                good = total[col]
                delta = _odd_delta(fr, TOLERANCE + 1, TOLERANCE * 5)
                total[col] = good - delta if good > delta and fr.random() < 0.5 else good + delta
                what = "预算数" if col == 2 else "决算数"
                dy.planted.append(
                    (
                        "three_public_total",
                        f"合计 {what}",
                        yuan(good),
                        yuan(total[col]),
                        "“三公”经费合计行与四项之和不等",
                    )
                )
            rows.append(total)
        dy.three_public = rows
        self._tp_current = current

    # -- monthly --------------------------------------------------------------------------
    def _monthly(self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random, sums: dict) -> None:
        r = self.r
        paid = sums["paid"]
        base = (3, 5, 7, 7, 8, 10, 7, 7, 8, 8, 9)
        w = [b * r.uniform(0.6, 1.4) for b in base]
        dec = r.uniform(0.15, 0.35)  # the December spike
        s = sum(w)
        cum_share = 0.0
        rows = []
        basis = sums["adjd"] if r.random() < 0.5 else None
        for m in range(1, 12):
            cum_share += w[m - 1] / s * (1 - dec)
            rows.append([m, int(paid * cum_share), basis])
        rows.append([12, paid, basis])
        for i in range(1, 12):  # floor() keeps it monotone; make sure of it
            if rows[i][1] < rows[i - 1][1]:
                rows[i][1] = rows[i - 1][1]
        if plan.fault == "monthly_monotonic":
            cands = [i for i in range(2, 11) if rows[i - 1][1] > 2 * TOLERANCE]
            i = fr.choice(cands) if cands else 10
            prev = rows[i - 1][1]
            good = rows[i][1]
            rows[i][1] = prev - _odd_delta(
                fr, min(TOLERANCE + 1, prev), max(min(TOLERANCE + 1, prev), prev // 10)
            )
            rows[i][1] = max(0, rows[i][1])
            dy.planted.append(
                (
                    "monthly_monotonic",
                    f"{i + 1}月 累计支出",
                    yuan(good),
                    yuan(rows[i][1]),
                    f"{i + 1}月累计支出小于{i}月（{yuan(prev)}）",
                )
            )
        dy.monthly = rows

    # -- performance targets ----------------------------------------------------------------
    def _attain(self, rng: random.Random | None = None) -> float:
        """Actual / target of a quantity target: mostly met, some over by 30% or more (±30% rule), some short."""
        r = rng or self.r
        u = r.random()
        if u < 0.68:
            return r.uniform(1.0, 1.15)
        if u < 0.8:
            return r.uniform(1.3, 1.8)
        return r.uniform(0.7, 0.995)

    def _targets(self, dy: DeptYear, sums: dict) -> None:
        r = self.r
        sector = self.d.sector
        rows = []
        weighted = r.random() < 0.6

        def rate_pair(
            kind: str, target: float | None = None, rng: random.Random = r
        ) -> tuple[str, str, float]:
            r = rng
            if kind == "eq100" or target == 100.0:
                a = 100.0 if r.random() < 0.88 else round(r.uniform(97.0, 99.9), 1)
                return "100", fmt_rate_num(a), a / 100
            t = target if target is not None else {"rate95": 95.0, "rate90": 90.0}[kind]
            a = round(min(100.0, t + r.uniform(-7, 8)), 1)
            return fmt_rate_num(t), fmt_rate_num(a), a / t

        def add(scope, pcode, l1, l2, name, direction, tgt, act, unit, ratio):
            weight = score = None
            if weighted:
                weight = 10 if l1 == "产出" else 5
                if direction == "≤":
                    frac = 1.0 if ratio <= 1 else max(0.0, 2 - ratio)
                elif direction == "定性":
                    frac = ratio
                else:
                    frac = min(1.0, ratio)
                score = f"{round(weight * frac, 2):g}"
                weight = str(weight)
            rows.append([scope, pcode, l1, l2, name, direction, tgt, act, unit, weight, score])

        for name, unit, lo, hi in r.sample(sector.duties, min(len(sector.duties), r.randint(1, 3))):
            t = r.uniform(lo, hi)
            t = int(round(t, -1)) if t > 100 else round(t)
            ratio = self._attain()
            a = round(t * ratio)
            add("部门整体", None, "产出", "数量", name, "≥", str(t), str(a), unit, a / t)
        for name, target in r.sample(sector.rates, min(len(sector.rates), r.randint(0, 2))):
            tgt, act, ratio = rate_pair("", target)
            l1, l2 = ("产出", "质量") if target >= 100 else ("效益", "社会效益")
            add("部门整体", None, l1, l2, name, "≥" if target < 100 else "=", tgt, act, "%", ratio)
        for l1, l2, name, direction, unit, kind in r.sample(C.GENERIC_TARGETS, r.randint(3, 5)):
            if kind == "public_cost":
                t, a = sums["public_adjd"], sums["public"]
                add("部门整体", None, l1, l2, name, direction, wan2(t), wan2(a), unit, a / t if t else 1.0)
            elif kind == "qual":
                ok = r.random() < 0.85
                add(
                    "部门整体",
                    None,
                    l1,
                    l2,
                    name,
                    direction,
                    "健全",
                    "健全" if ok else "部分达成",
                    None,
                    1.0 if ok else 0.8,
                )
            else:
                tgt, act, ratio = rate_pair(kind)
                add("部门整体", None, l1, l2, name, direction, tgt, act, unit, ratio)
        ordered = sorted(self.active_projects, key=lambda p: (not p["key"], p["code"]))
        n_first = r.randint(0, 3)
        for p in ordered[:n_first]:
            self._project_targets(
                add, rate_pair, r, p, sums, lambda: r.sample(C.PROJECT_TARGETS, r.randint(3, 5))
            )
        # every other project has a full target sheet too (产出, 成本, 效益, 满意度), so that each project can be
        # self-evaluated (project_self); drawn from a stream of its own so the rows above did not change
        pr = random.Random(f"{self.seed}/project-targets/{self.d.code}/{dy.year}")
        for p in ordered[n_first:]:
            self._project_targets(
                add, rate_pair, pr, p, sums, lambda: C.PROJECT_TARGETS + C.PROJECT_QUANTITY_TARGETS
            )
        dy.targets = rows

    def _project_targets(self, add, rate_pair, rng: random.Random, p: dict, sums: dict, kinds) -> None:
        """One project's targets; ``kinds()`` is drawn only for a project with money in the ledger."""
        pr = sums["projects"].get(p["code"])
        if not pr:
            return
        for l1, l2, name, direction, unit, kind in kinds():
            if kind == "project_cost":
                add(
                    "项目",
                    p["code"],
                    l1,
                    l2,
                    name,
                    direction,
                    wan2(pr[1]),
                    wan2(pr[2]),
                    unit,
                    pr[2] / pr[1] if pr[1] else 1.0,
                )
            elif kind == "count":
                t = rng.randint(4, 60)
                a = round(t * self._attain(rng))
                add("项目", p["code"], l1, l2, name, direction, str(t), str(a), unit, a / t)
            else:
                tgt, act, ratio = rate_pair(kind, rng=rng)
                add("项目", p["code"], l1, l2, name, direction, tgt, act, unit, ratio)

    # -- facts ---------------------------------------------------------------------------
    def _facts(self, dy: DeptYear, plan: DeptYearPlan, sums: dict) -> None:
        r = self.r
        rows = []
        self._missing_procurement = r.random() < 0.15
        self._missing_assets = r.random() < 0.15
        if sums["key_adjd"] and r.random() < 0.9:
            rows.append(["key_expenditure", sums["key_adjd"], True, None, "重点项目预算安排数"])
        if not self._missing_procurement:
            budget = _round_to(int((sums["public_adjd"] + sums["project_adjd"]) * r.uniform(0.03, 0.2)), 100)
            actual = budget if r.random() < 0.85 else int(budget * r.uniform(0.7, 0.995))
            rows.append(["procurement_budget", budget, True, None, "政府采购预算（含追加）"])
            rows.append(["procurement_actual", actual, True, None, "据政府采购管理系统统计"])
        if not self._missing_assets:
            total = int(
                (self.actual_staff * r.uniform(30_000, 150_000) + r.uniform(200_000, 3_000_000)) * 100
            )
            in_use = total if r.random() < 0.8 else int(total * r.uniform(0.85, 0.995))
            rows.append(["fixed_assets_total", total, True, None, "决算报表 资产负债表"])
            rows.append(["fixed_assets_in_use", in_use, True, None, "资产管理信息系统 在用资产"])
        v = r.choices([0, 1, 2, 3], [85, 10, 4, 1])[0]
        rows.append(["violations", v, False, "个", "巡察、审计发现问题" if v else None])
        issues = r.choices([0, 1, 2, 3, 4], [40, 25, 20, 10, 5])[0]
        unresolved = 0 if not issues or r.random() < 0.75 else r.randint(1, issues)
        rows.append(["monitoring_issues", issues, False, "个", None])
        rows.append(["monitoring_issues_unresolved", unresolved, False, "个", None])
        dy.facts = rows

    # -- qualitative scores ----------------------------------------------------------------
    def _qualitative(self, dy: DeptYear) -> None:
        r = self.r
        q = min(1.0, max(0.3, self.quality + r.uniform(-0.08, 0.08)))
        rows = []
        for ind in C.HN_MANUAL:
            w = ind.weight
            if r.random() < (1 - q) * 0.9:
                step = 1.0 if w >= 4 else 0.5
                score = max(0.0, w - step * r.choice([1, 1, 2]))
                if ind.code == "B42" and r.random() < 0.2:
                    score = 0.0
                evidence = r.choice(ind.partial)
            else:
                score = float(w)
                evidence = ind.full if r.random() < 0.7 else None
            rows.append([HN, ind.code, f"{score:g}", self.scorer, evidence])
        for code, missing in (("B25", self._missing_procurement), ("B43", self._missing_assets)):
            if missing:
                _, w, full, partial = C.HN_PERSON_FALLBACK[code]
                ok = r.random() < 0.85
                rows.append([HN, code, f"{w if ok else 0:g}", self.scorer, full if ok else partial])
        # the other frameworks' score sheets, from a stream of their own so adding them changed nothing else
        mr = random.Random(f"{self.seed}/manual/{self.d.code}/{dy.year}")
        for fw, indicators in C.OTHER_MANUAL.items():
            for ind in indicators:
                rows.append([fw, ind.code, *self._manual_score(mr, ind, q)])
        dy.qualitative = rows

    def _manual_score(
        self, r: random.Random, ind: C.ManualIndicator, q: float
    ) -> tuple[str, str, str | None]:
        """(score, scorer, evidence): full marks or a deduction, more often the weaker the department."""
        if ind.weight < 0:  # 扣分项: nothing found, or a point or two up to the cap
            if r.random() < (1 - q) * 0.5:
                found = r.choice([1, 1, 2])
                return f"{max(ind.weight, -found):g}", self.scorer, f"{r.choice(ind.partial)}（{found} 项）"
            return "0", self.scorer, ind.full if r.random() < 0.5 else None
        if r.random() < (1 - q) * 0.9:
            step = 0.5 if ind.weight < 4 else 1.0 if ind.weight < 10 else 2.0
            return (
                f"{max(0.0, ind.weight - step * r.choice([1, 1, 2])):g}",
                self.scorer,
                r.choice(ind.partial),
            )
        return f"{ind.weight:g}", self.scorer, ind.full if r.random() < 0.7 else None

    # -- survey ----------------------------------------------------------------------------
    def _survey(self, dy: DeptYear) -> None:
        r = self.r
        rows = []
        questions = [q for q in C.SURVEY_QUESTIONS if r.random() < 0.6] or list(C.SURVEY_QUESTIONS[:3])
        for qn in questions:
            n = r.randint(5, 60)
            w = [p * r.uniform(0.5, 1.5) for p in self.survey_p]
            s = sum(w)
            counts = [int(n * x / s) for x in w]
            counts[0] += n - sum(counts)
            for rating, c in zip(C.SURVEY_RATINGS, counts):
                if c:
                    rows.append([qn, rating, c])
        dy.survey = rows

    # -- reported results ------------------------------------------------------------------
    def _reported(
        self, dy: DeptYear, plan: DeptYearPlan, fr: random.Random, sums: dict, opening: int, closing: int
    ) -> None:
        r = self.r
        fault = plan.fault
        rows: list[list] = []
        source_main = r.choice(C.REPORT_SOURCES[:2])
        tp_budget = sum(x[2] for x in self._tp_current)
        tp_actual = sum(x[3] for x in self._tp_current)
        ledger_items = {
            "年初预算": sums["orig"],
            "调整后预算": sums["adjd"],
            "支出合计": sums["paid"],
            "基本支出": sums["basic"],
            "人员经费": sums["personnel"],
            "公用经费": sums["public"],
            "项目支出": sums["project"],
            "三公经费预算": tp_budget,
            "三公经费决算": tp_actual,
            "年初结转结余": self._reported_opening,
            "年末结转结余": closing,
        }
        style = self.report_style
        if fault == "reported_ledger" and style != "full":
            style = "full"
        if style == "full":
            items = list(ledger_items)
        elif style == "ref":
            items = list(ledger_items)[:7]
        else:
            items = []
        if fault == "carryover_continuity" and "年初结转结余" in items:
            items.remove("年初结转结余")  # the claim would repeat the planted opening: one finding only
        bad_item = None
        if fault == "reported_ledger":
            bad_item = fr.choice(["年初预算", "调整后预算", "三公经费预算", "三公经费决算", "年末结转结余"])
        for item in items:
            value = ledger_items[item]
            if item == bad_item:
                delta = _odd_delta(fr, TOLERANCE + 1, max(TOLERANCE * 3, value // 20))
                bad = value - delta if value > delta and fr.random() < 0.5 else value + delta
                dy.planted.append(
                    ("reported_ledger", item, yuan(value), yuan(bad), f"报告的{item}与台账计算值不符")
                )
                value = bad
            rows.append(
                [None, None, item, value, None, "部门决算报告" if item in FROM_ACCOUNTS else source_main]
            )
        # hn computed indicators
        with_hn = r.random() < 0.7 or fault in ("reported_value", "reported_score")
        if with_hn:
            values = hn_values(
                sums["orig"], sums["adjd"], sums["paid"], sums["public_adjd"], sums["public"], closing
            )
            bad_code = fr.choice(list(HN_RULES)) if fault in ("reported_value", "reported_score") else None
            for code, value in values.items():
                score = threshold_score(code, value)
                text = fmt_rate(value)
                score_text = str(score)
                if code == bad_code and fault == "reported_value":
                    bad = _perturb_rate(code, value, fr)
                    dy.planted.append(
                        (
                            "reported_value",
                            code,
                            text,
                            f"{bad:.2f}",
                            f"报告的{code}指标值与按公式计算的值不符（得分仍按规则）",
                        )
                    )
                    text = f"{bad:.2f}"
                elif code == bad_code and fault == "reported_score":
                    weight = HN_RULES[code][0]
                    bad_score = 0 if score else weight
                    dy.planted.append(
                        (
                            "reported_score",
                            code,
                            str(score),
                            str(bad_score),
                            f"报告的{code}得分与规则不符（{text}%）",
                        )
                    )
                    score_text = str(bad_score)
                rows.append([HN, None, code, text, score_text, source_main + " 六(二)"])
        # projects
        projects = sums["projects"]
        codes = sorted(projects)
        bad_project = None
        if fault == "reported_project":
            under = [c for c in codes if projects[c][1] and pct(projects[c][2], projects[c][1]) <= 98]
            bad_project = fr.choice(under)
        n = r.randint(0, 4)
        claimed = sorted(r.sample(codes, min(n, len(codes))))
        if bad_project and bad_project not in claimed:
            claimed = sorted(claimed + [bad_project])
        for c in claimed:
            _, adjd, paid, _ = projects[c]
            if not adjd:
                continue
            rate = pct(paid, adjd)
            text = fmt_rate(rate)
            if c == bad_project:
                dy.planted.append(
                    ("reported_project", f"{c} 执行率", text, "100", "项目未执行完毕，报告执行率为 100%")
                )
                text = "100"
            rows.append([None, c, "执行率", text, None, "项目支出绩效自评表"])
            if r.random() < 0.2:
                rows.append([None, c, "调整后预算", adjd, None, "项目支出绩效自评表"])
                rows.append([None, c, "支出合计", paid, None, "项目支出绩效自评表"])
        dy.reported = rows


def _perturb_rate(code: str, value, fr: random.Random):
    """A wrong value on the same side of the threshold (so the reported score stays the rule's)."""
    from decimal import Decimal

    _, op, bound = HN_RULES[code]
    lo, hi = (Decimal(0), Decimal(100)) if code in ("B11", "B23") else (Decimal(0), Decimal(10**6))
    if op == ">":
        lo = max(lo, Decimal(bound) + Decimal("0.01")) if value > bound else lo
        hi = min(hi, Decimal(bound)) if value <= bound else hi
    else:
        hi = min(hi, Decimal(bound) - Decimal("0.01")) if value < bound else hi
        lo = max(lo, Decimal(bound)) if value >= bound else lo
    for _ in range(50):
        delta = Decimal(fr.randint(31, 499)).scaleb(-2)
        if delta % Decimal("0.1") == 0:
            delta += Decimal("0.03")
        cand = value + delta if fr.random() < 0.5 else value - delta
        if lo <= cand <= hi and abs(cand - value) > Decimal("0.3"):
            return cand
    # narrow room (e.g. 90.10 with bound 90): move the other way as far as allowed
    up, down = hi - value, value - lo
    return value + min(up, Decimal("3.37")) if up >= down else value - min(down, Decimal("3.37"))


def fmt_rate_num(x: float) -> str:
    s = f"{x:.1f}"
    return s[:-2] if s.endswith(".0") else s


def wan2(cents: int) -> str:
    """An amount in 万元 with 2 decimals, as a performance target writes it."""
    return f"{cents / 1_000_000:.2f}"
