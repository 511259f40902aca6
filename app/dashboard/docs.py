"""Documentation of the public tables for the SQL page: table and column descriptions.

Sources, first found wins per table and per column:
1. dbt's ``manifest.json`` (and ``catalog.json`` if ``dbt docs generate`` ran) from the warehouse's build
   folder (``<warehouse dir>/.build/dbt-target``): what the last build documented;
2. the yml files next to the models and seeds (``models/marts/*.yml``, ``seeds/*.yml``);
3. a short built-in glossary of the contract's column names (shared/spec/warehouse-tables.md), so that
   the common columns are explained even where the yml has not been written yet.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from app import warehouse as W

PUBLIC_SCHEMAS = ("marts",)  # the one interface: the seeds are published as marts.dim_framework*

TABLE_GLOSSARY = {
    ("marts", "dim_department"): "部门维表：每个部门一行（编码、名称、区划、上级部门）。",
    (
        "marts",
        "fct_budget_execution",
    ): "预算执行：部门 × 年度 × 支出类型 × 类别（基本支出/项目支出 × 人员经费/公用经费/其他运转类/特定目标类）的年初预算、调整后预算、实际支出、结余。金额单位：元。",
    (
        "marts",
        "fct_indicator_values",
    ): "指标值：部门 × 年度 × 评价体系 × 指标按公式计算的值（比率为百分数，99.08 表示 99.08%），含分子、分母。",
    (
        "marts",
        "fct_indicator_scores",
    ): "指标得分：部门 × 年度 × 评价体系 × 指标的分值、得分、评分规则原文、评分方式（按规则/评价人）与报告式说明句。",
    (
        "marts",
        "fct_department_scores",
    ): "部门得分：部门 × 年度 × 评价体系的总分、满分、换算得分、等级和不可评价分值。",
    ("marts", "fct_level1_scores"): "一级指标得分：部门 × 年度 × 评价体系 × 一级指标的小计。",
    ("marts", "fct_project_scores"): "项目得分：项目支出绩效自评（每个项目一行）。",
    (
        "marts",
        "fct_reconciliation_findings",
    ): "核对发现：每一处不一致一行（台账算术、恒等关系、跨年连续性、报告数与计算数）。",
}

COLUMN_GLOSSARY = {
    "dept_code": "部门编码",
    "dept_name": "部门名称",
    "region_code": "区划编码",
    "region_name": "区划名称",
    "parent_dept_code": "上级部门编码",
    "fiscal_year": "年度",
    "framework_code": "评价体系编码（如 hn_dept_overall）",
    "framework_name": "评价体系名称",
    "expense_type": "支出类型：基本支出 / 项目支出",
    "category": "类别：人员经费 / 公用经费 / 其他运转类 / 特定目标类",
    "original_budget": "年初预算（元）",
    "adjusted_budget": "调整后预算（元）",
    "actual_paid": "实际支出（元）",
    "balance": "结余 = 调整后预算 − 实际支出（元）",
    "adjustment": "预算调整数 = 调整后预算 − 年初预算（元）",
    "execution_rate": "执行率（%）",
    "indicator_code": "指标编码（如 B11）",
    "indicator_name": "指标名称",
    "level1_code": "一级指标编码",
    "level2_code": "二级指标编码",
    "weight": "分值（满分）",
    "score": "得分",
    "value": "指标值（比率为百分数，99.08 表示 99.08%）",
    "numerator": "分子",
    "denominator": "分母",
    "unit": "单位",
    "assessable": "是否可评价（缺少数据时为 false，不计分）",
    "rule_type": "规则类型：threshold 达标得分 / bands 分档 / proportional 按比例 / count_share / deduction 扣分 / manual 评价人评分 / survey 满意度 / per_point / letter",
    "rule_text": "评分规则原文",
    "scored_by": "评分方式：rule 按规则 / person 评价人",
    "explanation": "说明：报告式的计算与得分句，如“预算完成率 = … = 99.08%，大于 90%，得 2 分（满分 2 分）”",
    "total_score": "总分",
    "max_score": "满分",
    "normalized_score": "换算得分 = 得分 / 适用满分 × 100",
    "grade": "等级：优 / 良 / 合格 / 不合格",
    "not_assessable_weight": "不可评价分值（缺少数据、未计分的指标分值合计）",
    "check_code": "检查编码（见 marts.dim_reconciliation_check）",
    "check_name": "检查名称",
    "check_category": "检查类别",
    "severity": "严重程度：error 错误 / warning 警告 / info 提示",
    "severity_rank": "严重程度排序（1 = 错误）",
    "item": "核对对象",
    "expected": "应为（计算值）",
    "actual": "实为（报告/填报值）",
    "difference": "差额",
    "message": "说明",
    "project_code": "项目编码",
    "submission_id": "提交编号",
    "source_file": "来源文件",
    "source_row": "来源行号",
}


@dataclass
class TableDoc:
    schema: str
    table: str
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)


def _manifest_docs(path: Path) -> dict[tuple[str, str], TableDoc]:
    out: dict[tuple[str, str], TableDoc] = {}
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    for node in list(m.get("nodes", {}).values()) + list(m.get("sources", {}).values()):
        if node.get("resource_type") not in ("model", "seed", "source"):
            continue
        schema = node.get("schema")
        if schema not in PUBLIC_SCHEMAS:
            continue
        name = node.get("alias") or node.get("name")
        doc = TableDoc(schema, name, (node.get("description") or "").strip())
        for cname, c in (node.get("columns") or {}).items():
            if c.get("description"):
                doc.columns[cname] = c["description"].strip()
        if doc.description or doc.columns:
            doc.sources.add("dbt manifest")
        out[(schema, name)] = doc
    return out


def _catalog_docs(path: Path) -> dict[tuple[str, str], TableDoc]:
    out: dict[tuple[str, str], TableDoc] = {}
    try:
        c = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return out
    for node in c.get("nodes", {}).values():
        meta = node.get("metadata", {})
        schema, name = meta.get("schema"), meta.get("name")
        if schema not in PUBLIC_SCHEMAS:
            continue
        doc = TableDoc(schema, name, (meta.get("comment") or "").strip())
        for cname, col in (node.get("columns") or {}).items():
            if col.get("comment"):
                doc.columns[cname] = col["comment"].strip()
        if doc.description or doc.columns:
            doc.sources.add("dbt catalog")
        out[(schema, name)] = doc
    return out


def _yml_docs(root: Path) -> dict[tuple[str, str], TableDoc]:
    out: dict[tuple[str, str], TableDoc] = {}
    for schema, folder, key in (("marts", root / "models" / "marts", "models"),):
        for f in sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml")):
            try:
                y = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError):
                continue
            for node in y.get(key) or []:
                name = node.get("name")
                if not name:
                    continue
                doc = TableDoc(schema, name, (node.get("description") or "").strip())
                for c in node.get("columns") or []:
                    if c.get("name") and c.get("description"):
                        doc.columns[c["name"]] = str(c["description"]).strip()
                if doc.description or doc.columns:
                    doc.sources.add(f"{f.relative_to(root)}")
                out[(schema, name)] = doc
    return out


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=8)
def _collect(
    manifest: str, manifest_mtime: float, catalog: str, catalog_mtime: float, root: str, yml_key: tuple
) -> dict:
    layers = [_manifest_docs(Path(manifest)), _catalog_docs(Path(catalog)), _yml_docs(Path(root))]
    merged: dict[tuple[str, str], TableDoc] = {}
    for layer in layers:
        for k, d in layer.items():
            m = merged.setdefault(k, TableDoc(*k))
            if not m.description and d.description:
                m.description = d.description
            for c, text in d.columns.items():
                m.columns.setdefault(c, text)
            m.sources |= d.sources
    return merged


def table_docs(warehouse: Path) -> dict[tuple[str, str], TableDoc]:
    target = W.build_dir(warehouse) / "dbt-target"
    manifest, catalog = target / "manifest.json", target / "catalog.json"
    ymls = sorted((W.ROOT / "models" / "marts").glob("*.yml")) + sorted(W.SEEDS.glob("*.yml"))
    yml_key = tuple((str(p), _mtime(p)) for p in ymls)
    return _collect(str(manifest), _mtime(manifest), str(catalog), _mtime(catalog), str(W.ROOT), yml_key)


def describe(docs: dict[tuple[str, str], TableDoc], schema: str, table: str, column: str) -> tuple[str, str]:
    """(description, source) of one column: documented, else the glossary, else empty."""
    d = docs.get((schema, table))
    if d and d.columns.get(column):
        return d.columns[column], "文档"
    if column in COLUMN_GLOSSARY:
        return COLUMN_GLOSSARY[column], "术语表"
    return "", ""


def table_description(docs: dict[tuple[str, str], TableDoc], schema: str, table: str) -> str:
    d = docs.get((schema, table))
    if d and d.description:
        return d.description
    return TABLE_GLOSSARY.get((schema, table), "")
