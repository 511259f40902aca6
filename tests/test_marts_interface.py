"""The marts are the one interface (issue 14): the dashboard, the reports and the checks read only `marts`
(and `audit`), never probe the schema, and every public mart is under an enforced dbt contract and declared
in an exposure. Source-level checks: no warehouse is built here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARTS = ROOT / "models" / "marts"


def _python(*folders: str) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for f in folders for p in sorted((ROOT / f).rglob("*.py"))}


def _hits(pattern: str, *folders: str) -> list[str]:
    rx = re.compile(pattern)
    return [
        f"{p.relative_to(ROOT)}:{n}"
        for p, text in _python(*folders).items()
        for n, line in enumerate(text.splitlines(), 1)
        if rx.search(line)
    ]


def _models() -> dict[str, dict]:
    out = {}
    for f in sorted(MARTS.glob("_*.yml")):
        for m in (yaml.safe_load(f.read_text(encoding="utf-8")) or {}).get("models") or []:
            out[m["name"]] = m
    return out


def test_the_app_and_the_checks_read_only_marts():
    assert _hits(r"\b(staging|intermediate|seeds)\.\w", "app", "expectations") == []


def test_the_app_never_probes_the_schema():
    assert _hits(r"has_table|has_column|information_schema", "app") == []


def test_the_app_and_the_suites_never_probe_a_marts_columns():
    """The contracts fix every mart column: no frame is asked whether it has one (``"letter" in l1.columns``,
    ``ind.get("scoring_status", …)``), no suite asks the context (``ctx.has`` / ``ctx.present``), no
    ``DESCRIBE`` lists a table's columns."""
    probe = (
        r"""["'][a-z_]+["'] in \w+\.columns|\.get\(["'][a-z_]+["'], \w+\["""
        r"""|\bctx\.(has|present)\(|column_name FROM \(DESCRIBE"""
    )
    assert _hits(probe, "app", "expectations") == []


def test_every_public_mart_has_an_enforced_contract_with_typed_described_columns():
    models = _models()
    assert {p.stem for p in MARTS.glob("*.sql")} == set(models)
    for name, m in models.items():
        assert (m.get("config") or {}).get("contract", {}).get("enforced") is True, name
        assert m.get("description"), name
        for c in m["columns"]:
            assert c.get("data_type") and c.get("description"), (name, c["name"])


def test_every_mart_the_app_reads_is_in_an_exposure():
    exposures = yaml.safe_load((MARTS / "_exposures.yml").read_text(encoding="utf-8"))["exposures"]
    declared = {re.search(r"ref\('(\w+)'\)", d).group(1) for e in exposures for d in e["depends_on"]}
    read = {m for text in _python("app").values() for m in re.findall(r"\bmarts\.(\w+)", text)}
    assert read - declared == set(), "marts the app reads but no exposure declares"
    assert declared <= set(_models())
