"""Pages in GB2312/GBK, Big5, Shift_JIS and EUC-KR come out as the right text.

The fixture pages (pages/*.html, written for these tests by pages/make_pages.py) declare
their encoding in <meta>; the variants below move the declaration to the header, drop it,
or make the header lie, as servers do.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest

from service.fetch import encoding
from tests.fetch.conftest import FetcherFactory
from tests.fetch.server import Server, page

PAGES = Path(__file__).parent / "pages"
EXPECTED = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
_META = re.compile(rb"<meta http-equiv[^>]*>\n")

# variant -> (keep <meta>, Content-Type charset, where the encoding must come from)
VARIANTS = {
    "meta only": (True, None),
    "header only": (False, "label"),
    "nothing declared": (False, None),
    "header says iso-8859-1, meta is right": (True, "iso-8859-1"),
    "header says iso-8859-1, no meta": (False, "iso-8859-1"),
    "header says utf-8, no meta": (False, "utf-8"),
    "header and meta agree": (True, "label"),
}


def variant(name: str, keep_meta: bool) -> bytes:
    raw = (PAGES / f"{name}.html").read_bytes()
    return raw if keep_meta else _META.sub(b"", raw)


@pytest.mark.parametrize("case", VARIANTS)
@pytest.mark.parametrize("name", EXPECTED)
def test_legacy_encodings_decode_to_the_right_text(name: str, case: str) -> None:
    keep_meta, header = VARIANTS[case]
    expected = EXPECTED[name]
    content = variant(name, keep_meta)
    assert not content.isascii()
    text = encoding.decode(content, expected["label"] if header == "label" else header)
    assert expected["title"] in text
    for paragraph in expected["paragraphs"]:
        assert paragraph in text
    assert "\ufffd" not in text


def test_bom_wins() -> None:
    text = "<html><body>Ünïcödé 中文</body></html>"
    assert encoding.decode(codecs.BOM_UTF8 + text.encode(), "iso-8859-1") == text
    assert encoding.decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), None) == text


def test_labels_are_read_as_browsers_read_them() -> None:
    assert encoding.codec("GB2312") == "gb18030"
    assert encoding.codec("x-gbk") == "gb18030"
    assert encoding.codec("Big5") == "big5hkscs"
    assert encoding.codec("Shift_JIS") == "cp932"
    assert encoding.codec("EUC-KR") == "cp949"
    assert encoding.codec("ISO-8859-1") == "cp1252"
    assert encoding.codec("no-such-charset") is None


def test_submitted_utf8_is_not_overruled_by_its_meta() -> None:
    page_text = (
        '<html><head><meta charset="gbk"></head><body>阿里巴巴投入三千八百亿元</body></html>'
    )
    assert encoding.decode(page_text.encode(), "utf-8") == page_text


def test_latin_pages_stay_latin() -> None:
    text = "<html><body><p>Les dépenses d'équipement augmentent à Genève.</p></body></html>"
    assert encoding.decode(text.encode("cp1252"), "iso-8859-1") == text
    assert encoding.decode(text.encode("utf-8"), "iso-8859-1") == text  # the usual lie


async def test_the_header_charset_travels_with_the_page(
    make_fetcher: FetcherFactory, server: Server
) -> None:
    raw = variant("big5", keep_meta=False)
    server.add("/tw", page(raw, content_type="text/html; charset=Big5"))
    fetched = await make_fetcher().fetch(server.url("/tw"))
    assert fetched.encoding == "big5"
    assert EXPECTED["big5"]["paragraphs"][0] in encoding.decode(fetched.content, fetched.encoding)
