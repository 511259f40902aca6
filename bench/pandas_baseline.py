"""The alternative: a plain pandas script computing the five core indicators from the same files,
the way an analyst would write it in a notebook.

预算完成率 = 实际支出 / 调整后预算；预算调整率 = |调整后 − 年初| / 年初；结转结余率 = 年末结转结余 / 实际支出；
公用经费控制率 = 公用经费支出 / 公用经费调整后预算；“三公经费”控制率 = 三公决算 / 三公预算 (all × 100).

It has to cope with what the files are (UTF-8 or GB18030, English or Chinese headers, 万元 headers or a
unit column, thousands separators, subtotal rows, XLSX workbooks), or its answers would be wrong; it does
not validate anything, keep lineage, or load a warehouse. run.py checks its answers against jixiao's.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pandas as pd

from ingest.templates import TEMPLATES, template_for

NEEDED = ("budget_ledger", "carryover", "three_public")


def _aliases(name: str) -> dict[str, str]:
    out = {}
    for c in TEMPLATES[name].columns:
        for n in c.all_names():
            out[n] = c.name
    return out


def _clean_header(h: str) -> tuple[str, bool]:
    h = str(h).strip().replace("（", "(").replace("）", ")")
    wan = "(万元)" in h
    return re.sub(r"\((万元|元)\)$", "", h), wan


def _amount(s: pd.Series) -> pd.Series:
    s = s.astype(str).str.strip().str.replace(",", "", regex=False)
    neg = s.str.startswith("(") & s.str.endswith(")")
    s = s.str.strip("()")
    v = pd.to_numeric(s.replace({"": None, "nan": None, "None": None}), errors="coerce")
    return v.where(~neg, -v)


def _frame(df: pd.DataFrame, name: str) -> pd.DataFrame:
    aliases = _aliases(name)
    cols, wan_cols = {}, set()
    for h in df.columns:
        label, wan = _clean_header(h)
        if label in aliases:
            cols[h] = aliases[label]
            if wan:
                wan_cols.add(aliases[label])
    df = df.rename(columns=cols)
    amounts = [c.name for c in TEMPLATES[name].columns if c.kind == "amount" and c.name in df.columns]
    for c in amounts:
        df[c] = _amount(df[c])
        if c in wan_cols:
            df[c] = df[c] * 10000
    if "unit" in df.columns:
        wan_rows = df["unit"].astype(str).str.strip() == "万元"
        for c in amounts:
            if c not in wan_cols:
                df.loc[wan_rows, c] = df.loc[wan_rows, c] * 10000
    df["fiscal_year"] = df["fiscal_year"].astype(str).str.extract(r"(\d{4})")[0].astype(int)
    df["dept_code"] = df["dept_code"].astype(str).str.strip()
    return df


def _header_at(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Workbooks may carry a title row above the header: use the first row that names the department code."""
    aliases = _aliases(name)
    for i in range(min(len(df), 10)):
        if any(aliases.get(_clean_header(v)[0]) == "dept_code" for v in df.iloc[i].astype(str)):
            out = df.iloc[i + 1 :].copy()
            out.columns = [str(v) for v in df.iloc[i]]
            return out.reset_index(drop=True)
    return df


def read_all(root: Path) -> dict[str, pd.DataFrame]:
    parts: dict[str, list[pd.DataFrame]] = {n: [] for n in NEEDED}
    subs = [p for p in sorted(root.iterdir()) if p.is_dir() or p.suffix == ".xlsx"]
    for sub in subs:
        if sub.is_dir():
            for f in sub.iterdir():
                t = template_for(f.stem)
                if t is None or t.name not in NEEDED:
                    continue
                if f.suffix == ".csv":
                    try:
                        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
                    except UnicodeDecodeError:
                        df = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="gb18030")
                else:
                    df = _header_at(
                        pd.read_excel(f, dtype=str, header=None, engine="calamine").fillna(""), t.name
                    )
                parts[t.name].append(_frame(df, t.name))
        else:
            book = pd.read_excel(sub, sheet_name=None, dtype=str, header=None, engine="calamine")
            for sheet, df in book.items():
                t = template_for(sheet)
                if t is None or t.name not in NEEDED:
                    continue
                parts[t.name].append(_frame(_header_at(df.fillna(""), t.name), t.name))
    return {n: pd.concat(p, ignore_index=True) if p else pd.DataFrame() for n, p in parts.items()}


def compute(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    led = data["budget_ledger"]
    cat = led["category"].astype(str)
    econ = led.get("econ_class", pd.Series("", index=led.index)).astype(str)
    lines = led[~cat.str.contains("小计|合计|总计") & ~econ.str.contains("小计|合计|总计")].copy()
    lines["category"] = lines["category"].replace({"人员类": "人员经费"})
    adj = lines["adjusted_budget"]
    if "adjustment" in lines:
        adj = adj.fillna(lines["original_budget"] + lines["adjustment"].fillna(0))
    lines["adjusted_budget"] = adj
    lines["public_paid"] = lines["actual_paid"].where(lines["category"] == "公用经费", 0)
    lines["public_adjusted"] = lines["adjusted_budget"].where(lines["category"] == "公用经费", 0)
    g = lines.groupby(["dept_code", "fiscal_year"]).agg(
        original=("original_budget", "sum"),
        adjusted=("adjusted_budget", "sum"),
        paid=("actual_paid", "sum"),
        public_paid=("public_paid", "sum"),
        public_adjusted=("public_adjusted", "sum"),
    )
    g["balance"] = g["adjusted"] - g["paid"]
    co = data["carryover"]
    if not co.empty and "closing_balance" in co:
        closing = co.set_index(["dept_code", "fiscal_year"])["closing_balance"]
        g["closing"] = closing.reindex(g.index).fillna(g["balance"])
    else:
        g["closing"] = g["balance"]
    tp = data["three_public"]
    if not tp.empty:
        tp = tp[~tp["item"].astype(str).str.contains("合计|小计|总计")]
        t = tp.groupby(["dept_code", "fiscal_year"])[["budget", "actual"]].sum()
        g = g.join(t, how="left")
    g["预算完成率"] = (g["paid"] / g["adjusted"] * 100).round(2)
    g["预算调整率"] = ((g["adjusted"] - g["original"]).abs() / g["original"] * 100).round(2)
    g["结转结余率"] = (g["closing"] / g["paid"] * 100).round(2)
    g["公用经费控制率"] = (g["public_paid"] / g["public_adjusted"] * 100).round(2)
    g["三公经费控制率"] = (g["actual"] / g["budget"] * 100).round(2)
    return g[["预算完成率", "预算调整率", "结转结余率", "公用经费控制率", "三公经费控制率"]].reset_index()


def run(root: Path) -> tuple[pd.DataFrame, dict[str, float]]:
    t0 = time.perf_counter()
    data = read_all(root)
    t1 = time.perf_counter()
    result = compute(data)
    t2 = time.perf_counter()
    return result, {"read": round(t1 - t0, 3), "compute": round(t2 - t1, 3)}
