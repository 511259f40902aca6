"""Normalising what people type into spreadsheets: full-width characters, spaces, quotes, units."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": ""})
_UNIT_SUFFIX = re.compile(r"^(?P<label>.*?)\s*[(\[]\s*(?P<unit>万元|元|%|％)\s*[)\]]\s*$")
_PERCENT_SUFFIX = re.compile(r"^(?P<label>.*?)\s*(?P<unit>%)$")


def nfkc(value: str) -> str:
    """Full-width letters, digits and punctuation (（）：０-９％) to their ASCII forms."""
    return unicodedata.normalize("NFKC", value)


def normalize_label(value: str) -> str:
    """A header, sheet or file name as we compare it: NFKC, no spaces, no quotes."""
    return re.sub(r"\s+", "", nfkc(str(value))).translate(_QUOTES)


def split_unit(header: str) -> tuple[str, str | None]:
    """`年初预算(万元)` -> (`年初预算`, `万元`); `执行率(%)` / `执行率%` -> (`执行率`, `%`)."""
    h = normalize_label(header)
    m = _UNIT_SUFFIX.match(h) or _PERCENT_SUFFIX.match(h)
    if m and m.group("label"):
        unit = m.group("unit").replace("％", "%")
        return m.group("label"), unit
    return h, None


def looks_like_subtotal(value: str | None) -> bool:
    return bool(value) and any(w in value for w in ("小计", "合计", "总计"))
