"""The Word (DOCX) report: python-docx sets up the package once, the body is written per report.

python-docx builds a *skeleton* once per process: page size and margins, fonts and sizes of the styles
(from ``templates/docx_style.toml``), the page-number footer, and three report styles (body text with a
first-line indent, table text, notes). Each report then writes only its body — the blocks parsed from
the Markdown template — as WordprocessingML, and appends it to a copy of the skeleton package. Building
every paragraph through python-docx's object API costs ~130 ms a report; this costs a few, which is what
lets a whole warehouse's reports be generated in about a minute.
"""

from __future__ import annotations

import datetime
import io
import tomllib
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from app.report import blocks as B
from app.report.escape import xml_text

TEMPLATES = Path(__file__).resolve().parent / "templates"
_DOC = "word/document.xml"
_CORE = "docProps/core.xml"
_TITLE_MARK = "@@JIXIAO_TITLE@@"
_CM = 567  # twips (dxa) per centimetre


@lru_cache(maxsize=1)
def style_config() -> dict:
    with open(TEMPLATES / "docx_style.toml", "rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class _Skeleton:
    package: bytes  # the zip without word/document.xml and docProps/core.xml
    doc_head: str  # word/document.xml up to and including <w:body>
    doc_tail: str  # the section properties and the closing tags
    core: str  # docProps/core.xml with the title placeholder
    text_width: int  # dxa between the margins
    styles: dict  # role -> style id


def _set_fonts(style, latin: str, east_asia: str) -> None:
    from docx.oxml.ns import qn

    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    # a theme font attribute would override the explicit names
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)


def _page_number_footer(section) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(instr: str) -> None:
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), instr)
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        r.append(t)
        fld.append(r)
        p._p.append(fld)

    p.add_run("第 ")
    field("PAGE")
    p.add_run(" 页 共 ")
    field("NUMPAGES")
    p.add_run(" 页")


def _update_fields_on_open(doc) -> None:
    """settings.xml ``<w:updateFields w:val="true"/>``: Word fills the table of contents' page numbers when
    the file is opened (it asks first). Placed where the schema wants it: before hdrShapeDefaults,
    footnotePr, endnotePr or compat."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    el = OxmlElement("w:updateFields")
    el.set(qn("w:val"), "true")
    after = next(
        (
            settings.find(qn(t))
            for t in ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat")
            if settings.find(qn(t)) is not None
        ),
        None,
    )
    if after is not None:
        after.addprevious(el)
    else:
        settings.append(el)


@lru_cache(maxsize=1)
def skeleton() -> _Skeleton:
    from docx import Document
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    cfg = style_config()
    fonts, sizes, page = cfg.get("fonts", {}), cfg.get("sizes", {}), cfg.get("page", {})
    latin = fonts.get("latin", "Times New Roman")
    ea, hea = fonts.get("east_asia", "宋体"), fonts.get("heading_east_asia", "黑体")
    body_pt = float(sizes.get("body", 11))

    doc = Document()
    sec = doc.sections[0]
    if str(page.get("size", "A4")).upper() == "A4":
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(page.get("margin_top", 2.5)), Cm(page.get("margin_bottom", 2.2))
    sec.left_margin, sec.right_margin = Cm(page.get("margin_left", 2.2)), Cm(page.get("margin_right", 2.2))
    if page.get("page_numbers", True):
        _page_number_footer(sec)

    st = doc.styles
    normal = st["Normal"]
    _set_fonts(normal, latin, ea)
    normal.font.size = Pt(body_pt)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.3
    for name, key in (
        ("Title", "title"),
        ("Heading 1", "title"),
        ("Heading 2", "heading2"),
        ("Heading 3", "heading3"),
        ("Heading 4", "heading4"),
        ("Heading 5", "heading4"),
        ("Heading 6", "heading4"),
    ):
        s = st[name]
        _set_fonts(s, latin, hea)
        s.font.size = Pt(float(sizes.get(key, 12)))
        s.font.bold, s.font.italic = True, False
        s.font.color.rgb = RGBColor(0, 0, 0)
        s.paragraph_format.space_before = Pt(6 if key == "heading4" else 12)
        s.paragraph_format.space_after = Pt(4)
        s.paragraph_format.keep_with_next = True
    st["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def add(name: str, size: float, indent: bool = False, after: float = 3, line: float = 1.3):
        s = st.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.size = Pt(size)
        pf = s.paragraph_format
        pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(after), line
        if indent:
            pf.first_line_indent = Pt(size * float(sizes.get("first_line_indent_chars", 2)))
        return s.style_id

    styles = {
        "body": add("Report Body", body_pt, indent=True),
        "table": add("Report Table", float(sizes.get("table", 8.5)), after=0, line=1.0),
        "note": add("Report Note", float(sizes.get("note", 9))),
        "title": st["Title"].style_id,
        **{f"h{n}": st[f"Heading {n}"].style_id for n in range(1, 7)},
    }
    _update_fields_on_open(doc)
    doc.core_properties.title = _TITLE_MARK
    doc.core_properties.author = "jixiao"
    doc.core_properties.comments = "jixiao 评价报告"
    doc.core_properties.created = doc.core_properties.modified = datetime.datetime.now().replace(
        microsecond=0
    )
    doc.core_properties.last_modified_by = "jixiao"
    buf = io.BytesIO()
    doc.save(buf)

    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    document = src.read(_DOC).decode("utf-8")
    core = src.read(_CORE).decode("utf-8")
    head, rest = document.split("<w:body>", 1)
    tail = rest[rest.index("<w:sectPr") :]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in (_DOC, _CORE):
                continue
            z.writestr(info.filename, src.read(info.filename))
    width_cm = 21.0 - float(page.get("margin_left", 2.2)) - float(page.get("margin_right", 2.2))
    return _Skeleton(out.getvalue(), head + "<w:body>", tail, core, int(width_cm * _CM), styles)


# ---------------------------------------------------------------------------- body XML


def _esc(t: str) -> str:
    """XML text: markup characters escaped, characters XML 1.0 forbids (control characters) removed."""
    return xml_text(t).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs(text: str, size: float | None = None, bold_all: bool = False) -> str:
    sz = f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>' if size else ""
    if not text:
        return ""
    if (
        "**" not in text and "\n" not in text and "\\" not in text and "&" not in text
    ):  # the common case: one plain run
        rpr = ("<w:b/><w:bCs/>" if bold_all else "") + sz
        return f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r>'
    out = []
    for k, part in enumerate(text.split("\n")):
        if k:
            out.append("<w:r><w:br/></w:r>")
        for t, bold in B.runs(part):
            rpr = ("<w:b/><w:bCs/>" if bold or bold_all else "") + sz
            out.append(
                f'<w:r>{"<w:rPr>" + rpr + "</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{_esc(t)}</w:t></w:r>'
            )
    return "".join(out)


_JC = {"left": "left", "center": "center", "right": "right"}


def _p(
    style: str,
    text: str,
    *,
    cls: str | None = None,
    align: str | None = None,
    ind: str = "",
    size=None,
    bold=False,
) -> str:
    c = style_config().get("classes", {}).get(cls or "", {})
    align = c.get("align", align)
    size = c.get("size", size)
    bold = bold or bool(c.get("bold"))
    ppr = f'<w:pStyle w:val="{style}"/>'
    if "space_before" in c:
        ppr += f'<w:spacing w:before="{int(float(c["space_before"]) * 20)}"/>'
    if c.get("indent", True) is False:
        ppr += '<w:ind w:firstLine="0"/>'
    elif ind:
        ppr += ind
    if align:
        ppr += f'<w:jc w:val="{_JC.get(align, "left")}"/>'
    return f"<w:p><w:pPr>{ppr}</w:pPr>{_runs(text, size, bold)}</w:p>"


def _width(text: str) -> int:
    """Display width in half-width characters: a CJK character (three bytes in UTF-8) counts two."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def _table(b: B.Block, sk: _Skeleton) -> str:
    n = len(b.header)
    if not n:
        return ""
    # column widths from the content: the widest cell, capped so one long column cannot take everything
    need = [max(4, _width(h)) for h in b.header]
    for row in b.rows:
        for i, c in enumerate(row[:n]):
            need[i] = max(need[i], min(_width(c), 44))
    total = sum(need)
    widths = [max(int(sk.text_width * w / total), 400) for w in need]
    widths[-1] += sk.text_width - sum(widths)
    tstyle = sk.styles["table"]
    size = float(style_config().get("sizes", {}).get("table", 8.5))
    parts = [
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sk.text_width}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr><w:tblGrid>",
        "".join(f'<w:gridCol w:w="{w}"/>' for w in widths),
        "</w:tblGrid>",
    ]
    for r_i, row in enumerate([b.header, *b.rows]):
        header = r_i == 0
        total_row = not header and bool(row) and row[0].startswith("**")
        trpr = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        cells = []
        for c_i, text in enumerate(row[:n]):
            shade = (
                '<w:shd w:val="clear" w:color="auto" w:fill="ECEFF4"/>'
                if header
                else ('<w:shd w:val="clear" w:color="auto" w:fill="F6F7F9"/>' if total_row else "")
            )
            align = "center" if header else b.aligns[c_i]
            ppr = f'<w:pStyle w:val="{tstyle}"/>' + (
                f'<w:jc w:val="{_JC[align]}"/>' if align != "left" else ""
            )
            cells.append(
                f'<w:tc><w:tcPr><w:tcW w:w="{widths[c_i]}" w:type="dxa"/>{shade}</w:tcPr>'
                f"<w:p><w:pPr>{ppr}</w:pPr>{_runs(text, size, bold_all=header or total_row)}</w:p></w:tc>"
            )
        parts.append(f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>")
    parts.append("</w:tbl>")
    # a small empty paragraph after the table (Word needs one between adjacent tables)
    parts.append(f'<w:p><w:pPr><w:pStyle w:val="{tstyle}"/><w:spacing w:after="80"/></w:pPr></w:p>')
    return "".join(parts)


TOC_TITLE = "目　录"


def _toc(blocks: list[B.Block], s: dict) -> str:
    """The table of contents: a TOC field over the level-2/3 headings (Heading 2/3 styles), its result the
    list of headings so the document reads right before Word updates the field (and fills the page numbers)."""
    title = _p(s["body"], TOC_TITLE, align="center", size=16, bold=True, ind='<w:ind w:firstLine="0"/>')
    entries = B.toc_entries(blocks)
    begin = (
        '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> TOC \\o "2-3" \\h \\z \\u </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    )
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    if not entries:
        return title + f"<w:p>{begin}{end}</w:p>"
    paras = []
    for k, b in enumerate(entries):
        ind = (
            '<w:ind w:left="0" w:firstLine="0"/>' if b.level == 2 else '<w:ind w:left="420" w:firstLine="0"/>'
        )
        ppr = f'<w:pPr><w:pStyle w:val="{s["body"]}"/>{ind}</w:pPr>'
        runs = (begin if k == 0 else "") + _runs(B.plain(b.text)) + (end if k == len(entries) - 1 else "")
        paras.append(f"<w:p>{ppr}{runs}</w:p>")
    return title + "".join(paras)


def body_xml(blocks: list[B.Block]) -> str:
    sk = skeleton()
    s = sk.styles
    out = []
    for b in blocks:
        if b.kind == "heading":
            style = s["title"] if b.level == 1 else s[f"h{min(b.level, 6)}"]
            text = (
                b.text.replace(" ", "\n", 1) if b.level == 1 and b.cls == "cover" else b.text
            )  # two-line cover title
            out.append(_p(style, text, cls=b.cls))
        elif b.kind == "paragraph":
            out.append(_p(s["body"], b.text, cls=b.cls))
        elif b.kind == "note":
            out.append(_p(s["note"], b.text, cls=b.cls))
        elif b.kind in ("bullets", "numbered"):
            for k, it in enumerate(b.items, 1):
                mark = "•" if b.kind == "bullets" else f"{k}."
                out.append(_p(s["body"], f"{mark}\u3000{it}", ind='<w:ind w:left="420" w:hanging="420"/>'))
        elif b.kind == "pagebreak":
            out.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        elif b.kind == "toc":
            out.append(_toc(blocks, s))
        elif b.kind == "table":
            out.append(_table(b, sk))
    return "".join(out)


def write_docx(blocks: list[B.Block], title: str) -> bytes:
    sk = skeleton()
    buf = io.BytesIO(sk.package)
    buf.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(_DOC, sk.doc_head + body_xml(blocks) + sk.doc_tail)
        z.writestr(_CORE, sk.core.replace(_TITLE_MARK, _esc(title)))
    return buf.getvalue()
