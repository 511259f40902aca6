"""Property tests of the one ingest rule (issue 12): every cell either loads as exactly the value it shows,
or the submission is refused with file, sheet, row and column — nothing else.

Each property is checked against an oracle written here, independently of ``ingest.parse``: the
grammar of an amount as ``input-templates.md`` states it (ASCII or full-width digits, thousands
separators in threes, a leading minus or parentheses, at most two decimals of 元). Bounded: a few
hundred examples in all, well under 30 s.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest import templates as T
from ingest.parse import parse_table
from ingest.readers import RawTable, read_xlsx_sheet

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
HEADER = ["dept_code", "fiscal_year", "opening_balance", "closing_balance"]
FULL_WIDTH = str.maketrans("0123456789.,-()", "０１２３４５６７８９．，－（）")
_ORACLE = re.compile(r"^(-)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,2}))?$")
_ORACLE_WAN = re.compile(r"^(-)?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]{1,6}))?$")


def oracle(text: str) -> Decimal | str | None:
    """The amount a person reads in `text`, in 元: a Decimal, None for blank, "refuse" for anything else."""
    t = text.translate(str.maketrans("０１２３４５６７８９．，－（）", "0123456789.,-()")).strip()
    for _ in range(
        2
    ):  # a space may group thousands, like a comma (1 234 567); any other space is not a digit
        t = re.sub(r"([0-9]) ([0-9]{3})", r"\1,\2", t)
    if t == "":
        return None
    scale = 1
    if t.endswith("万元"):  # a unit the cell shows (typed, or printed by its number format)
        t, scale = t[:-2].strip(), 10000
    elif t.endswith("元"):
        t = t[:-1].strip()
    if t.startswith("(") and t.endswith(")"):
        t = "-" + t[1:-1]
    t = t.lstrip("+") if t.startswith("+") and not t.startswith("+-") else t
    m = (_ORACLE_WAN if scale > 1 else _ORACLE).match(t)
    if not m:
        return "refuse"
    value = Decimal(t.replace(",", "")) * scale
    if value != value.quantize(Decimal("0.01")):
        return "refuse"
    if abs(value) >= Decimal(10) ** 13:
        return "refuse"
    return value


def _carryover(cells: list[list[str]]) -> RawTable:
    return RawTable("carryover.csv", None, HEADER, 1, cells, list(range(2, 2 + len(cells))))


def _outcome(parsed, row: int, column: str):
    errors = [i for i in parsed.issues if i.severity == "error"]
    if errors:
        # refused: and every error says where
        assert all(i.file and i.row is not None for i in errors), errors
        assert any(i.row == row and (i.column in (column, None)) for i in errors), errors
        return "refuse"
    return parsed.frame["opening_balance"][0]


shown_numbers = st.builds(
    lambda neg, whole, cents, style: _render(neg, whole, cents, style),
    st.booleans(),
    st.integers(min_value=0, max_value=10**15),
    st.one_of(st.none(), st.integers(min_value=0, max_value=99)),
    st.sampled_from(["plain", "thousands", "fullwidth", "parens"]),
)


def _render(neg: bool, whole: int, cents: int | None, style: str) -> str:
    body = f"{whole:,}" if style in ("thousands", "parens") else str(whole)
    if cents is not None:
        body += f".{cents:02d}"
    if neg:
        body = f"({body})" if style == "parens" else "-" + body
    return body.translate(FULL_WIDTH) if style == "fullwidth" else body


amount_text = st.one_of(
    shown_numbers,
    st.text(alphabet=st.sampled_from(list("0123456789,.-+()%eE ١٣७९０１．，万元") + ["\u200b"]), max_size=14),
)


@SETTINGS
@given(amount_text)
def test_an_amount_loads_as_shown_or_is_refused_with_its_place(text):
    parsed = parse_table(_carryover([["430406-hrss", "2023", text, ""]]), T.TEMPLATES["carryover"])
    got = _outcome(parsed, 2, "opening_balance")
    want = oracle(text)
    if want == "refuse":
        assert got == "refuse", (text, got)
    elif got != "refuse":
        assert got == want, (text, got, want)
    else:
        # the oracle reads a number; ingest may only refuse it for a stated reason of its own: a negative
        # opening balance is allowed, so the one reason left is none — fail
        raise AssertionError((text, [str(i) for i in parsed.issues]))


@SETTINGS
@given(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=5))
def test_a_row_with_another_number_of_fields_is_refused_never_shifted(widths):
    rows = [
        (["430406-hrss", str(2020 + i), "100.00", "50.00", "7.00", "8.00"])[:w] for i, w in enumerate(widths)
    ]
    parsed = parse_table(_carryover(rows), T.TEMPLATES["carryover"])
    bad_rows = {2 + i for i, w in enumerate(widths) if w != len(HEADER)}
    errors = {i.row for i in parsed.issues if i.severity == "error"}
    if not bad_rows:
        assert not errors and parsed.frame.height == len(rows)
        assert [str(v) for v in parsed.frame["closing_balance"]] == ["50.00"] * len(rows)
    else:
        assert bad_rows <= errors, (widths, [str(i) for i in parsed.issues])


CELL_KINDS = [
    "number",
    "sixteen_digits",
    "bool",
    "error",
    "formula_cached",
    "formula_uncached",
    "text_number",
    "percent",
    "blank",
]


@SETTINGS
@given(
    st.sampled_from(CELL_KINDS),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=0, max_value=99),
)
def test_an_xlsx_cell_loads_as_excel_shows_it_or_is_refused(tmp_path_factory, kind, whole, cents):
    path = Path(tmp_path_factory.mktemp("cells")) / "carryover.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("carryover")
    ws.write_row(0, 0, HEADER)
    ws.write_string(1, 0, "430406-hrss")
    ws.write_number(1, 1, 2023)
    value = Decimal(whole) + Decimal(cents) / 100 * (1 if whole >= 0 else -1)
    want: Decimal | str | None
    if kind == "number":
        ws.write_number(1, 2, float(value))
        want = value
    elif kind == "sixteen_digits":
        ws.write_number(1, 2, 1234567890123456 + abs(whole))
        want = "refuse"
    elif kind == "bool":
        ws.write_boolean(1, 2, whole % 2 == 0)
        want = "refuse"
    elif kind == "error":
        ws.write_formula(1, 2, "=1/0", None, "#DIV/0!")
        want = "refuse"
    elif kind == "formula_cached":
        ws.write_formula(1, 2, "=A1", None, float(value))
        want = value
    elif kind == "formula_uncached":
        ws.write_formula(1, 2, "=A1", None, "")
        want = "refuse"
    elif kind == "text_number":
        ws.write_string(1, 2, f"{value:,}")
        want = value
    elif kind == "percent":
        ws.write_number(1, 2, float(value), wb.add_format({"num_format": "0.00%"}))
        want = "refuse"  # shown as 12.34%: a percentage in a money column
    else:
        want = None
    wb.close()
    parsed = parse_table(read_xlsx_sheet(path, "carryover"), T.TEMPLATES["carryover"])
    got = _outcome(parsed, 2, "opening_balance")
    assert got == want, (kind, value, got, [str(i) for i in parsed.issues])
