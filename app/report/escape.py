"""Text from submissions, made safe for each output format.

Every string a report prints from the warehouse (a department's name, a project's name, a finding's
message…) was typed by a submitter. It must print as that text and nothing else: it cannot open a
heading, a table row, a list, a link or an HTML element, and it cannot break the file it lands in.

    clean(s)          control characters out (XML-illegal ones would make a DOCX Word cannot open),
                      line breaks and tabs collapsed to one space
    md(s)             clean + strip + break_autolinks + Markdown escaping: ASCII punctuation Markdown reads as syntax gets a backslash,
                      ``& < >`` become entities (so no raw HTML, in CommonMark and in older Markdown too),
                      a leading ``- + =`` or ``1.`` cannot start a list item or underline a heading
    escape_context(x) md() applied to every string in the template variables (dict keys too, so lookups agree)
    unescape(s)       the inverse of md() on template output: what HTML/PDF and DOCX print
    file_stem(s)      a file name part: no path separators or control characters, bounded in bytes

The template text itself (``report.md.j2``) is trusted: only the values are escaped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# C0 controls except none (tab/LF/CR are collapsed to a space separately), DEL, C1 controls, lone
# surrogates, the non-characters U+FFFE/U+FFFF, and the Unicode line/paragraph separators
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
# Markdown punctuation escaped with a backslash (CommonMark: any ASCII punctuation may be). Not ``_``:
# it can only italicise (``*`` is escaped, so no bold), and the variables' keys (``dept_name``) stay as they are
_MD_PUNCT = re.compile(r"([\\`*\[\]#|~])")
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LEADING = re.compile(r"^([-+=])(?=\s|$|\1)|^(\d+)([.)])(?=\s|$)")
# what unescape() undoes: a backslash escape of ASCII punctuation, or one of the three entities
_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])|&(amp|lt|gt);")
_ENTITY_CHAR = {"amp": "&", "lt": "<", "gt": ">"}


# GFM turns bare addresses into links *after* parsing (so backslash escapes do not stop it): a URL scheme
# followed by ``:``, ``www.`` and an e-mail's ``@``. A zero-width space (U+200B) before the ``:``, the ``.``
# or the ``@`` leaves the text as it looks and makes it no link.
ZWSP = "\u200b"
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(?=:)|(?<=\bwww)(?=\.)|(?=@)")


def break_autolinks(s: str) -> str:
    """`s` with a zero-width space where a Markdown renderer would start a bare link."""
    return _AUTOLINK.sub(ZWSP, s) if (":" in s or "@" in s or "www" in s.lower()) else s


def clean(s: str) -> str:
    """No control characters; any run of line breaks or tabs becomes one space."""
    s = _BREAKS.sub(" ", str(s))
    return _CONTROL.sub("", s)


def xml_text(s: str) -> str:
    """Characters XML 1.0 does not allow removed (line breaks and tabs kept)."""
    return _CONTROL.sub("", str(s))


# a string with none of these needs no change (most do not: the fast path)
_MD_NEEDS = re.compile(
    "[:@]|(?i:www)|[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\\\\`*\\[\\]#|~&<>]|^[\\s\\-+=\\d]|\\s$"
)


@lru_cache(maxsize=65536)
def md(s: str) -> str:
    """One value as Markdown text that renders as exactly that text (leading and trailing blanks dropped:
    four leading spaces would make an indented code block)."""
    if not _MD_NEEDS.search(s):
        return s
    s = break_autolinks(clean(s).strip())
    s = _MD_PUNCT.sub(r"\\\1", s)
    s = "".join(_MD_ENTITIES.get(ch, ch) for ch in s) if any(ch in s for ch in "&<>") else s
    m = _LEADING.match(s)
    if m:
        s = "\\" + s if m.group(1) else m.group(2) + "\\" + m.group(3) + s[m.end(3) :]
    return s


def escape_context(x):
    """`x` (the template variables) with md() applied to every string, containers rebuilt with their type."""
    if isinstance(x, str):
        return md(str(x))
    if isinstance(x, dict):
        return type(x)((escape_context(k), escape_context(v)) for k, v in x.items())
    if isinstance(x, list):
        return [escape_context(v) for v in x]
    if isinstance(x, tuple):
        return tuple(escape_context(v) for v in x)
    return x


def unescape(s: str) -> str:
    """Text as a reader sees it: backslash escapes and ``&amp; &lt; &gt;`` resolved (one pass), the
    zero-width spaces that broke autolinks removed."""
    s = s.replace(ZWSP, "")
    if "\\" not in s and "&" not in s:
        return s
    return _UNESCAPE.sub(lambda m: m.group(1) if m.group(1) is not None else _ENTITY_CHAR[m.group(2)], s)


_FILE_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f-\x9f]+')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.I)


def file_stem(s: str, max_bytes: int = 120) -> str:
    """A part of a file name from user text: separators, wildcards, control characters and spaces become
    ``_``; no leading dot or dash; at most `max_bytes` bytes of UTF-8 (whole characters); never empty."""
    s = unicodedata.normalize("NFC", clean(str(s)))
    s = _FILE_UNSAFE.sub("_", s).strip("._- ")
    out = ""
    for ch in s:
        if len((out + ch).encode("utf-8")) > max_bytes:
            break
        out += ch
    out = out.rstrip("._- ")
    if not out or _RESERVED.match(out):
        out = f"_{out}"
    return out
