"""The raw and audit tables in DuckDB, derived from the templates.

``raw.<template>`` holds every accepted row exactly as parsed (amounts in yuan), plus its lineage:
which submission, file, sheet and row it came from. ``audit.*`` records every attempt, accepted or not.
"""

from __future__ import annotations

import duckdb

from ingest import templates as T

_TYPES = {
    T.TEXT: "VARCHAR",
    T.CODE: "VARCHAR",
    T.ENUM: "VARCHAR",
    T.YEAR: "INTEGER",
    T.INT: "BIGINT",
    T.AMOUNT: "DECIMAL(18,2)",
    T.SCORE: "DECIMAL(9,2)",
    T.BOOL: "BOOLEAN",
    T.NUMBER: "DECIMAL(18,2)",
    T.MEASURE: "DECIMAL(38,6)",
    T.VALUE: "VARCHAR",
}

# columns a template's parser derives beyond the template's own
DERIVED: dict[str, list[tuple[str, str]]] = {
    "budget_ledger": [
        ("adjusted_budget_derived", "BOOLEAN"),
        ("is_subtotal", "BOOLEAN"),
        ("subtotal_label", "VARCHAR"),
        ("is_breakdown", "BOOLEAN"),  # 其中 rows: kept, checked against their parent, never added
        ("breakdown_parent_row", "INTEGER"),  # _row_number of the row a 其中 row breaks down
    ],
    "three_public": [("is_subtotal", "BOOLEAN")],
    "staffing": [("is_total", "BOOLEAN")],
    "performance_targets": [
        ("target_number", "DECIMAL(38,6)"),
        ("actual_number", "DECIMAL(38,6)"),
        ("actual_met", "BOOLEAN"),  # 定性 targets: the completion wording read as met / not met
    ],
    "evaluation": [
        ("date_value", "DATE"),  # 评价日期 read as a date (the first of the month when only a month is given)
        ("date_precision", "VARCHAR"),  # day | month
    ],
    "reported_results": [
        ("reported_value_text", "VARCHAR"),
        ("reported_value_decimals", "INTEGER"),
        ("reported_value_unit", "VARCHAR"),
    ],
}
# template columns that are consumed on load (the amounts are converted to yuan)
DROPPED: dict[str, set[str]] = {
    "budget_ledger": {"unit"},
    "carryover": {"unit"},
    "three_public": {"unit"},
    "monthly_execution": {"unit"},
    "reported_results": {"unit"},
}
LINEAGE = [
    ("_submission_id", "VARCHAR NOT NULL"),
    ("_file", "VARCHAR NOT NULL"),
    ("_sheet", "VARCHAR"),
    ("_row_number", "INTEGER NOT NULL"),
    ("_source_unit", "VARCHAR"),
    ("_extra", "VARCHAR"),
    ("_loaded_at", "TIMESTAMP NOT NULL"),
]


def raw_columns(template: T.Template) -> list[tuple[str, str]]:
    cols = [
        (c.name, _TYPES[c.kind]) for c in template.columns if c.name not in DROPPED.get(template.name, set())
    ]
    return cols + DERIVED.get(template.name, []) + LINEAGE


AUDIT_DDL = """
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE IF NOT EXISTS audit.submissions (
    submission_id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    source_path VARCHAR,
    templates VARCHAR,
    row_count BIGINT,
    run_id VARCHAR,
    loaded_at TIMESTAMP,
    load_seq BIGINT  -- order of loading: the later version of a department-year wins
);
CREATE TABLE IF NOT EXISTS audit.ingest_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    inputs VARCHAR,
    accepted INTEGER,
    unchanged INTEGER,
    refused INTEGER,
    status VARCHAR
);
CREATE TABLE IF NOT EXISTS audit.ingest_rejects (
    run_id VARCHAR,
    submission_id VARCHAR,
    file VARCHAR,
    sheet VARCHAR,
    row_number INTEGER,
    column_name VARCHAR,
    value VARCHAR,
    reason VARCHAR,
    severity VARCHAR,
    recorded_at TIMESTAMP
);
"""


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(AUDIT_DDL)
    for t in T.TEMPLATES.values():
        cols = raw_columns(t)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS raw.{t.name} (" + ", ".join(f'"{n}" {ty}' for n, ty in cols) + ")"
        )
        # a template that gained a column since this warehouse was created
        have = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ?",
                [t.name],
            ).fetchall()
        }
        for n, ty in cols:
            if n not in have:
                con.execute(f'ALTER TABLE raw.{t.name} ADD COLUMN "{n}" {ty.replace(" NOT NULL", "")}')
