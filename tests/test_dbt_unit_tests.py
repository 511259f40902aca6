"""The dbt unit tests (scoring rules, edge cases, formulas) run once here, on the built worked example.
`jixiao build` excludes them: they test the SQL, not a bureau's data."""

from __future__ import annotations

from app.dbt import run_dbt


def test_dbt_unit_tests_pass(yanfeng_warehouse):
    res = run_dbt(["test", "--select", "test_type:unit"], yanfeng_warehouse, yanfeng_warehouse)
    assert res.ok, res.failures
    assert res.counts.get("pass", 0) >= 10, res.counts
