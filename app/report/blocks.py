"""The small Markdown subset the report template is written in, parsed into blocks.

``report.md.j2`` is the one place the report's wording and structure live. Its Markdown output is the
``md`` format as it is; for HTML/PDF and DOCX it is parsed into blocks here and each block is mapped to
HTML (``report.html.j2``) or to python-docx calls (``render.py``). So an analyst who edits a sentence,
a heading or a table's columns in the template changes all four formats.

Supported (anything else is a paragraph):

    # … ######            headings (level 1 = the title)
    | a | b |             pipe tables: header row, separator row (``---:`` = right-aligned), body rows;
                          ``\\|`` is a literal bar inside a cell
    - item / 1. item      bullet / numbered lists (one line per item)
    > text                a note (small print)
    **bold**              bold, inside any text
    text\\                a line ending in a backslash: hard line break
    <!-- pagebreak -->    page break
    <!-- toc -->          the table of contents (目录) of the level-2 and level-3 headings: a TOC field in
                          Word, a list with page numbers in HTML/PDF (the PDF has bookmarks too), a plain
                          list in Markdown (render.py)
    <!-- class: NAME -->  a class for the next block (HTML class; DOCX: see docx_style.toml [classes])
    <!-- … -->            any other one-line comment is ignored (notes for the template's editors)
    \\#  \\|  &lt;  …       escapes: a backslash before ASCII punctuation, and &amp; &lt; &gt;, print the
                          character itself (escape.md() writes values from submissions this way, so a
                          department name can never open a heading, a table, a list or an HTML element)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_COMMENT = re.compile(r"^<!--\s*(.*?)\s*-->$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_SEPARATOR_CELL = re.compile(r"^:?-{1,}:?$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_INLINE = re.compile(r"\\[!-/:-@\[-`{-~]|&(?:amp|lt|gt);|\*\*")
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")


@dataclass
class Block:
    kind: str  # heading | paragraph | table | bullets | numbered | note | pagebreak | toc
    text: str = ""
    level: int = 0
    cls: str | None = None
    header: list[str] = field(default_factory=list)
    aligns: list[str] = field(default_factory=list)  # left | right | center
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    anchor: str = ""  # headings of level 2 and 3: an id the table of contents links to (set by parse)


def _hard_break(s: str) -> bool:
    """A line ending in a backslash that is not itself escaped (an odd number of them)."""
    return (len(s) - len(s.rstrip("\\"))) % 2 == 1


def _join(lines: list[str]) -> str:
    """Join a paragraph's source lines: no space between CJK text, a space between Latin words, and a
    hard break after a line ending in a backslash."""
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not out:
            out = ln
        elif _hard_break(out):
            out = out[:-1].rstrip() + "\n" + ln
        elif _CJK.match(out[-1:]) or _CJK.match(ln[:1]):
            out += ln
        else:
            out += " " + ln
    return out[:-1].rstrip() if _hard_break(out) else out


def split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|") and not _hard_break(s[:-1]):
        s = s[:-1]
    if "\\" not in s:
        return [c.strip() for c in s.split("|")]
    # a backslash escapes the next character: keep the pair (runs() resolves it), never split on ``\|``
    cells, cur, i = [], "", 0
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            cur += s[i : i + 2]
            i += 2
            continue
        if s[i] == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += s[i]
        i += 1
    cells.append(cur.strip())
    return cells


def _align(cell: str) -> str:
    c = cell.strip()
    if c.startswith(":") and c.endswith(":"):
        return "center"
    if c.endswith(":"):
        return "right"
    return "left"


def parse(markdown: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    pending_cls: str | None = None
    lines = markdown.splitlines()

    def add(b: Block) -> None:
        nonlocal pending_cls
        if pending_cls and b.kind != "pagebreak":
            b.cls, pending_cls = pending_cls, None
        blocks.append(b)

    def flush() -> None:
        if para:
            add(Block("paragraph", text=_join(para)))
            para.clear()

    i = 0
    while i < len(lines):
        raw = lines[i]
        line = raw.strip()
        if not line:
            flush()
            i += 1
            continue
        m = _COMMENT.match(line)
        if m:
            flush()
            body = m.group(1)
            if body.lower() == "pagebreak":
                add(Block("pagebreak"))
            elif body.lower() == "toc":
                add(Block("toc"))
            elif ":" in body and body.split(":", 1)[0].strip().lower() in ("class", "table"):
                pending_cls = body.split(":", 1)[1].strip() or None
            i += 1
            continue
        m = _HEADING.match(line)
        if m:
            flush()
            level = len(m.group(1))
            anchor = f"s{sum(bool(b.anchor) for b in blocks) + 1}" if level in (2, 3) else ""
            add(Block("heading", text=m.group(2), level=level, anchor=anchor))
            i += 1
            continue
        if line.startswith("|"):
            flush()
            tbl = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                tbl.append(lines[i])
                i += 1
            header = split_row(tbl[0])
            aligns = ["left"] * len(header)
            body = tbl[1:]
            if body and all(_SEPARATOR_CELL.match(c.replace(" ", "")) for c in split_row(body[0]) if c):
                aligns = [_align(c) for c in split_row(body[0])]
                body = body[1:]
            aligns = (aligns + ["left"] * len(header))[: len(header)]
            rows = []
            for ln in body:
                cells = split_row(ln)
                rows.append((cells + [""] * len(header))[: len(header)])
            add(Block("table", header=header, aligns=aligns, rows=rows))
            continue
        if _BULLET.match(line) or _NUMBERED.match(line):
            flush()
            kind = "bullets" if _BULLET.match(line) else "numbered"
            pat = _BULLET if kind == "bullets" else _NUMBERED
            items = []
            while i < len(lines) and pat.match(lines[i].strip()):
                items.append(pat.match(lines[i].strip()).groups()[-1])
                i += 1
            add(Block(kind, items=items))
            continue
        if line.startswith(">"):
            flush()
            note = []
            while i < len(lines) and lines[i].strip().startswith(">"):
                note.append(lines[i].strip()[1:].strip())
                i += 1
            add(Block("note", text=_join(note)))
            continue
        para.append(raw)
        i += 1
    flush()
    return blocks


def _tokens(text: str) -> list[tuple[str, str]]:
    """("text", s) with escapes resolved, and ("bold", "**") markers."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append(("text", text[pos : m.start()]))
        t = m.group(0)
        if t == "**":
            out.append(("bold", t))
        else:
            out.append(("text", t[1] if t[0] == "\\" else {"&amp;": "&", "&lt;": "<", "&gt;": ">"}[t]))
        pos = m.end()
    if pos < len(text):
        out.append(("text", text[pos:]))
    return out


def runs(text: str) -> list[tuple[str, bool]]:
    """Inline text as (text, bold) runs: ``**…**`` is bold (an unpaired ``**`` prints as it is), escapes
    print the character they escape."""
    toks = _tokens(text.replace("\u200b", ""))  # zero-width spaces only break bare links in Markdown
    markers = [k for k, (kind, _) in enumerate(toks) if kind == "bold"]
    if len(markers) % 2:
        toks[markers[-1]] = ("text", "**")
    out: list[tuple[str, bool]] = []
    bold = False
    for kind, t in toks:
        if kind == "bold":
            bold = not bold
            continue
        if out and out[-1][1] == bold:
            out[-1] = (out[-1][0] + t, bold)
        else:
            out.append((t, bold))
    return [(t, b) for t, b in out if t]


def plain(text: str) -> str:
    """Text without inline markup, escapes resolved."""
    return "".join(t for t, _ in runs(text))


def toc_entries(blocks: list[Block]) -> list[Block]:
    """The headings the table of contents lists (levels 2 and 3), in order."""
    return [b for b in blocks if b.kind == "heading" and b.anchor]
