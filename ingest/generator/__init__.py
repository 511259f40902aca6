"""A deterministic sample generator: department submissions in the input-template format, with planted faults.

    from ingest.generator import generate
    result = generate(departments=100, years=3, seed=7, out=Path("/tmp/sample"), fault_rate=0.05)
    print(result.summary())

``out`` receives one submission per region-year (a folder of CSVs or one .xlsx workbook, in a mix of
encodings, header languages and units), ``manifest.json`` (parameters, submissions, files, row counts)
and ``planted.csv`` (one row per planted inconsistency: dept_code, fiscal_year, check_code, item,
expected, actual, description, submission). Clean department-years are exactly consistent: every
identity the reconciliation layer checks holds to the cent. See ``faults.py`` for what each planted
fault does and ``oracle.py`` for the formulas behind the reported indicator values.

The committed demo sample (ingest/sample/demo) is ``generate(**DEMO_PARAMETERS)``; regenerate it with
``python -m ingest.generator --demo``.
"""

from __future__ import annotations

from pathlib import Path

from ingest.generator.core import GenerationResult, PlantedFault, SubmissionInfo, generate
from ingest.generator.faults import FAULT_TYPES

DEMO_DIR = Path(__file__).resolve().parents[1] / "sample" / "demo"
# 24 departments in 3 regions × 2021–2023; a fault rate of 1/6 gives 12 faults: each type once
DEMO_PARAMETERS = {
    "departments": 24,
    "years": 3,
    "seed": 20240601,
    "regions": 3,
    "fault_rate": 1 / 6,
    "last_year": 2023,
}

__all__ = [
    "DEMO_DIR",
    "DEMO_PARAMETERS",
    "FAULT_TYPES",
    "GenerationResult",
    "PlantedFault",
    "SubmissionInfo",
    "generate",
]
