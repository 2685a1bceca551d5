"""Page bytes to text: BOM, the HTTP header, <meta charset>, and detection when they lie.

Labels are read the way browsers read them (WHATWG Encoding): `gb2312` means GBK, `big5`
means Big5-HKSCS, `shift_jis` means Windows-31J, `euc-kr` means Windows-949 and
`iso-8859-1` means Windows-1252, each decoded with the Python codec that is its superset.
Pure functions; detection is CPU work, so this runs in the parse process pool.
"""

from __future__ import annotations

import codecs
import re

_LABELS = {
    **dict.fromkeys(
        ("gb2312", "gbk", "x-gbk", "gb_2312-80", "csgb2312", "chinese", "iso-ir-58", "gb18030"),
        "gb18030",
    ),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"), "big5hkscs"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "ms_kanji", "csshiftjis", "windows-31j", "x-sjis"),
        "cp932",
    ),
    **dict.fromkeys(
        ("euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
        "cp949",
    ),
    **dict.fromkeys(
        ("iso-8859-1", "latin1", "l1", "ascii", "us-ascii", "iso8859-1", "windows-1252"),
        "cp1252",
    ),
    **dict.fromkeys(("utf8", "unicode-1-1-utf-8", "x-unicode20utf8"), "utf-8"),
}
# Labels that a server sends by default rather than by knowledge (Apache's iso-8859-1):
# any byte sequence decodes in them, so "it decoded" proves nothing.
_WEAK = frozenset({"cp1252", "iso8859-1", "iso8859-15"})
_MULTIBYTE = frozenset({"utf-8", "gb18030", "gbk", "gb2312", "big5", "big5hkscs", "cp950",
                        "cp932", "shift_jis", "euc_jp", "cp949", "euc_kr", "johab"})  # fmt: skip
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.I)
_XML = re.compile(rb"""^\s*<\?xml\b[^>]*\bencoding\s*=\s*["']([a-zA-Z0-9_.:\-]+)""", re.I)
PRESCAN = 4096


def codec(label: str | None) -> str | None:
    """The Python codec for an encoding label, or None for an unknown one."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        return codecs.lookup(_LABELS.get(label, label)).name
    except LookupError:
        return None


def declared_in_page(content: bytes) -> str | None:
    """The label of `<meta charset>` (or `http-equiv` content, or an XML declaration)."""
    head = content[:PRESCAN]
    match = _META.search(head) or _XML.search(head)
    return match.group(1).decode("ascii") if match else None


def _strict(content: bytes, name: str) -> str | None:
    try:
        return content.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(content: bytes) -> str | None:
    """The encoding that makes the most sense of the bytes, by charset_normalizer."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only for undeclared pages

    best = from_bytes(content, threshold=0.3).best()
    return codec(best.encoding) if best is not None else None


def choose(content: bytes, header: str | None) -> str:
    """The codec to read `content` with, given the charset of the Content-Type header."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    declared = [c for c in (codec(header), codec(declared_in_page(content))) if c]
    strong = [c for c in declared if c not in _WEAK]
    weak = [c for c in declared if c in _WEAK]
    # The header first, then the page's own word; UTF-8 when nothing trustworthy is said.
    for name in strong or ["utf-8"]:
        if _strict(content, name) is not None:
            return name
    if weak and content.isascii():
        return weak[0]
    # Declared wrong, or only weakly: trust detection when it finds a multi-byte encoding
    # that reads the whole page (a Chinese page served as iso-8859-1 by default).
    detected = detect(content)
    if detected and (not weak or detected in _MULTIBYTE) and _strict(content, detected):
        return detected
    return (weak or declared or [detected or "utf-8"])[0]


def decode(content: bytes, header: str | None = None) -> str:
    """The page as text. Never fails: what cannot be read becomes U+FFFD."""
    return content.decode(choose(content, header), errors="replace")
