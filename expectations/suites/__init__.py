"""Every suite, in the order the checkpoint runs them and Data Docs list them.

Importing this package imports great_expectations (the suites are GX expectations as code): only
``expectations.checkpoint`` does, when a checkpoint runs.
"""

from __future__ import annotations

from expectations.suites import (
    findings_review,
    marts_budget_execution,
    marts_contract,
    marts_department_scores,
    marts_dim_department,
    marts_indicator_scores,
    marts_indicator_values,
    marts_level1_scores,
    marts_reconciliation_findings,
    raw_budget_ledger,
    raw_carryover,
    raw_department_profile,
    raw_departments,
    raw_evaluation,
    raw_facts,
    raw_monthly_execution,
    raw_performance_targets,
    raw_qualitative_scores,
    raw_reported_results,
    raw_staffing,
    raw_survey_responses,
    raw_three_public,
)
from expectations.suites._base import Context, Suite

SUITES: list[Suite] = [
    raw_departments.SUITE,
    raw_budget_ledger.SUITE,
    raw_carryover.SUITE,
    raw_three_public.SUITE,
    raw_staffing.SUITE,
    raw_monthly_execution.SUITE,
    raw_performance_targets.SUITE,
    raw_facts.SUITE,
    raw_qualitative_scores.SUITE,
    raw_survey_responses.SUITE,
    raw_reported_results.SUITE,
    raw_department_profile.SUITE,
    raw_evaluation.SUITE,
    marts_contract.SUITE,
    marts_dim_department.SUITE,
    marts_budget_execution.SUITE,
    marts_indicator_values.SUITE,
    marts_indicator_scores.SUITE,
    marts_level1_scores.SUITE,
    marts_department_scores.SUITE,
    marts_reconciliation_findings.SUITE,
    findings_review.SUITE,
]

__all__ = ["SUITES", "Context", "Suite"]
