"""The inconsistencies the generator can plant, named by their reconciliation check (seeds/reconciliation_checks.csv).

Every fault is one whose finding is severity ``error``, and each is built to produce exactly one
finding (dept_code, fiscal_year, check_code) and nothing else. Amount faults exceed the 0.5 万元
(5,000.00 元) tolerance, never by a round number (the cents digits are not 0), so a difference is never
a rounding look-alike. What each one does (in ``model.py``):

ledger_balance_identity   one line's 指标结余 ≠ 可用 − 支付 (either "original − paid", forgetting an adjustment
                          larger than 5,000, or an outright wrong figure). The department-year's subtotal rows,
                          if any, leave their balance empty (unknown), so no subtotal disagrees too.
ledger_adjusted_identity  one line's 调整金额 is wrong (sign flipped, or filled in while 可用金额 was not adjusted);
                          可用金额 itself is untouched, so the facts do not move. Subtotal rows leave 调整金额 empty.
ledger_subtotal           one reported subtotal row's 实际支付合计 is lower than the sum of its lines; that row's
                          balance is left empty so its own balance identity is not checked.
three_public_total        a 合计 row of the year's “三公” items is off in 预算数 or 决算数 (not both).
staffing_total            a 合计 row of 人员编制 is off by 1–3 people in 编制数 or 实有在职人数 (not both).
carryover_continuity      year Y's 年初结转结余 ≠ year Y−1's closing (Σ adjusted − paid). Y's reported_results then
                          carry no 年初结转结余 claim (it would repeat the planted figure).
three_public_prior_year   year Y's file restates one Y−1 item's 决算数 differently from Y−1's own submission. The
                          finding is recorded under fiscal_year = Y (the submission that restates); the restated
                          rows carry no 合计 row.
monthly_monotonic         one month (3–11) has a cumulative paid below the month before; December stays = paid.
reported_ledger           one reported ledger total (年初预算, 调整后预算, 三公经费预算, 三公经费决算 or 年末结转结余:
                          items outside the reported identities) is off.
reported_value            one of B11/B12/B21/B23 is reported with a wrong value (> 0.3 points away, 2 decimals)
                          on the same side of its threshold; its reported score is the rule's.
reported_score            one of B11/B12/B21/B23 has the score the rule does not give (0 ↔ full); value right.
reported_project          a project whose paid is short of its adjusted budget by > 2 points is reported 100.
"""

from __future__ import annotations

FAULT_TYPES: tuple[str, ...] = (
    "ledger_balance_identity",
    "ledger_adjusted_identity",
    "ledger_subtotal",
    "three_public_total",
    "staffing_total",
    "carryover_continuity",
    "three_public_prior_year",
    "monthly_monotonic",
    "reported_ledger",
    "reported_value",
    "reported_score",
    "reported_project",
)


def validate_fault_types(types) -> tuple[str, ...]:
    if types is None:
        return FAULT_TYPES
    if isinstance(types, str):
        types = [t.strip() for t in types.split(",") if t.strip()]
    unknown = [t for t in types if t not in FAULT_TYPES]
    if unknown:
        raise ValueError(f"unknown fault types {unknown}; plantable: {', '.join(FAULT_TYPES)}")
    # keep the catalogue's order, once each
    return tuple(t for t in FAULT_TYPES if t in set(types))


def feasible(fault: str, flags: dict) -> bool:
    """Whether a department-year can carry this fault (structure only; the data adapts to the rest)."""
    if fault in ("carryover_continuity", "three_public_prior_year"):
        return flags["year_index"] > 0  # needs the previous year's own submission in this run
    if fault == "monthly_monotonic":
        return flags["has_monthly"]
    return True
