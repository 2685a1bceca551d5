"""parse(): what the claim extractor gets from a page: its body text, title, date, language."""

from __future__ import annotations

import html as htmllib
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.articles.parse import Parsed, parse
from service.articles.parse_body import agreement, length, rescue, trim_edges
from service.articles.parse_clean import clean
from service.articles.parse_meta import language

NAV = '<nav><a href="/">Home</a> <a href="/markets">Markets</a> <a href="/login">Log in</a></nav>'
RELATED = (
    '<aside class="related"><h3>Related articles</h3><ul>'
    '<li><a href="/a">Chipmaker shares slide after guidance cut</a></li>'
    '<li><a href="/b">Cloud rivals race to add data centre capacity</a></li>'
    "</ul></aside>"
)

ENGLISH = [
    "Northwind Logistics said on Tuesday it would spend $2.4 billion over the next three years "
    "on automated warehouses across Europe, the largest investment in the company's history.",
    "The programme will add eleven sites in Germany, Poland and Spain, and chief executive Maria "
    "Lind said the first of them should open before the end of next year.",
    "Analysts at two brokerages said the plan was larger than they had expected, although the "
    "company kept its forecast for operating margins unchanged for the current year.",
    "Shares in the group rose four percent in early trading in Frankfurt, while the wider market "
    "was flat ahead of a central bank decision later in the week.",
]


def page(
    paragraphs: list[str],
    *,
    title: str = "Northwind to spend $2.4 billion on automated warehouses",
    head: str = "",
    lang: str = "en",
) -> str:
    body = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{htmllib.escape(title)} | Daily Ledger</title>{head}</head><body>"
        f"<header>{NAV}</header><main><article><h1>{htmllib.escape(title)}</h1>"
        f'<div class="article-body">{body}</div></article>{RELATED}</main>'
        "<footer><p>© Daily Ledger. All rights reserved.</p></footer></body></html>"
    )


# -- the seed page -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed(shared: Path) -> Parsed:
    return parse((shared / "fixtures" / "seed" / "page.html").read_text(encoding="utf-8"))


def test_seed_title_date_and_language(seed: Parsed) -> None:
    assert seed.title == "Big tech’s $320B AI spend defies efficiency race"
    assert seed.published == date(2025, 2, 12)
    # The page says lang="zh-CN" but the story is in English.
    assert seed.language == "en"


def test_seed_body_keeps_the_story_as_written(seed: Parsed) -> None:
    assert (
        "Amazon is flexing its financial muscle with a planned $100 billion capital expenditure "
        "for 2025 – a dramatic leap from its $77 billion last year." in seed.text
    )
    assert "Having earmarked $80 billion for AI infrastructure in 2025" in seed.text
    lines = seed.text.split("\n")
    assert len(lines) >= 10, "paragraphs should stay on lines of their own"


def test_seed_body_has_no_navigation_or_sidebar(seed: Parsed) -> None:
    for chrome in ("首页", "登录", "人工智能 AI基础设施", "相关文章", "Fish AI Reader", "隐私政策"):
        assert chrome not in seed.text


def test_seed_keeps_every_paragraph_of_its_gold_text(shared: Path, seed: Parsed) -> None:
    gold = json.loads((shared / "fixtures" / "seed" / "gold.json").read_text(encoding="utf-8"))
    paragraphs = [line.strip() for line in gold["text"].split("\n") if len(line.split()) > 20]
    assert len(paragraphs) >= 10, "gold text has the English paragraphs"
    missing = [p for p in paragraphs if p not in seed.text]
    assert not missing


# -- pages written here ----------------------------------------------------------------------


def test_article_body_without_navigation_related_or_footer() -> None:
    parsed = parse(page(ENGLISH), url="https://ledger.example/markets/northwind")
    for paragraph in ENGLISH:
        assert paragraph in parsed.text.split("\n")
    for chrome in ("Log in", "Chipmaker shares slide", "Cloud rivals race", "All rights reserved"):
        assert chrome not in parsed.text
    assert parsed.title == "Northwind to spend $2.4 billion on automated warehouses"
    assert parsed.language == "en"


def test_headline_is_not_repeated_at_the_top_of_the_body() -> None:
    parsed = parse(page(ENGLISH))
    assert not parsed.text.startswith("Northwind to spend $2.4 billion")


def test_date_from_json_ld() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "datePublished": "2024-03-07T09:15:00Z",
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    assert parse(page(ENGLISH, head=head)).published == date(2024, 3, 7)


def test_date_from_meta_tag() -> None:
    head = '<meta property="article:published_time" content="2023-11-30T18:00:00+01:00">'
    assert parse(page(ENGLISH, head=head)).published == date(2023, 11, 30)


def test_no_date_is_not_guessed_from_years_in_the_text() -> None:
    text = [*ENGLISH, "The company first announced a smaller plan in 2019 and revised it in 2021."]
    assert parse(page(text)).published is None


def test_authors_from_meta() -> None:
    head = '<meta name="author" content="Jane Doe">'
    assert parse(page(ENGLISH, head=head)).authors == ["Jane Doe"]


def test_authors_from_the_byline_the_page_shows() -> None:
    byline = (
        '<div class="article-byline">By <span class="author-name">Jane Doe</span>, Staff Writer'
        ' <time datetime="2024-03-07">March 7, 2024</time></div>'
    )
    html = page(ENGLISH).replace("</h1>", "</h1>" + byline)
    assert parse(html).authors == ["Jane Doe"]


def test_a_link_marked_as_the_author_wins_over_a_class_name() -> None:
    byline = (
        '<p class="meta-writer">Markets desk</p>'
        '<p>By <a rel="author" href="/staff/jane-doe">Jane Doe</a></p>'
    )
    html = page(ENGLISH).replace("</h1>", "</h1>" + byline)
    assert parse(html).authors == ["Jane Doe"]


def test_a_commenter_is_not_the_author() -> None:
    comments = (
        '<section id="comments"><div class="comment"><span class="comment-author">Bob Smith'
        "</span><p>Great read, thanks for writing it up.</p></div></section>"
    )
    html = page(ENGLISH).replace("</article>", "</article>" + comments)
    assert parse(html).authors == []


def test_chinese_page() -> None:
    paragraphs = [
        "小米集团董事长表示,公司计划在未来五年内投入两千亿元用于研发,重点布局芯片、操作系统和人工智能等核心技术领域。",
        "他回顾说,公司此前提出的五年千亿研发计划已经完成,并在多个领域取得了重要进展,研发团队规模也持续扩大。",
        "分析人士认为,这一投入规模在国内科技企业中位居前列,将进一步增强公司在高端市场的竞争力。",
    ]
    parsed = parse(page(paragraphs, title="小米规划未来五年研发投入两千亿元", lang="zh-CN"))
    assert parsed.language == "zh"
    assert paragraphs[0] in parsed.text


def test_short_page_keeps_its_paragraphs_apart_without_headline_or_dateline() -> None:
    paragraphs = [
        "1月8日,雷军发文表示,小米集团规划未来5年研发再投2000亿元。",
        "雷军回顾,小米于2020年提出5年投入1000亿元的研发计划,已收获相关成果。",
    ]
    title = "小米集团规划未来5年研发再投2000亿元"
    html = (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        '<p><time datetime="2026-01-08">2026-01-08 09:35</time></p>'
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    parsed = parse(html)
    assert parsed.text.split("\n") == paragraphs
    assert parsed.published == date(2026, 1, 8)
    assert parsed.language == "zh"


def test_english_story_on_a_page_declared_chinese() -> None:
    assert parse(page(ENGLISH, lang="zh-CN")).language == "en"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (
            "ソフトバンクは人工知能への投資を拡大すると発表した。新しいデータセンターを建設する計画だ。",
            "ja",
        ),
        (
            "삼성전자는 반도체 공장에 대규모 투자를 하겠다고 발표했다. "
            "새로운 생산 라인을 건설할 계획이다.",
            "ko",
        ),
        (
            "Le groupe a annoncé mercredi un plan d'investissement de deux milliards "
            "d'euros dans ses usines françaises, afin de doubler sa production de "
            "batteries d'ici à la fin de la décennie.",
            "fr",
        ),
        (
            "Der Konzern kündigte am Mittwoch an, in den kommenden drei Jahren zwei "
            "Milliarden Euro in neue Werke in Deutschland zu investieren, um die "
            "Produktion von Batterien zu verdoppeln.",
            "de",
        ),
        (ENGLISH[0], "en"),
        ("", None),
        ("12 34 56", None),
    ],
)
def test_language_of_text(text: str, code: str | None) -> None:
    assert language(text) == code


def test_article_split_over_containers_comes_back_whole() -> None:
    # Each chunk of the story in a grid of its own with an ad rail beside it: trafilatura's
    # precision mode stops after the first chunk; the page's long paragraphs show that more
    # text is there, and readability, which finds the longest chunk, supplies it.
    vocabulary = [
        *("capital", "spending", "data", "centre", "billion", "quarter", "analysts", "company"),
        *("plan", "investment", "growth", "cloud", "revenue", "chips", "power", "sites"),
        *("margin", "forecast", "board", "executive", "shares", "market", "year"),
    ]
    # Fifty words each, in an order of their own: no two paragraphs share a word trigram.
    paragraphs = [
        " ".join(
            vocabulary[(7 * i + 3 * j * j + j) % len(vocabulary)] for j in range(50)
        ).capitalize()
        + "."
        for i in range(7)
    ]

    def chunk(part: list[str]) -> str:
        return (
            '<div class="grid grid-layout--adrail"><div class="body article__body">'
            + "".join(f"<p>{p}</p>" for p in part)
            + '</div><div class="ad-rail"><div class="ad">Advertisement</div></div></div>'
        )

    html = (
        "<html><head><title>Plan</title></head><body><main><article><h1>Plan</h1>"
        f'<div class="article__chunks">{chunk(paragraphs[:2])}{chunk(paragraphs[2:])}</div>'
        "</article></main></body></html>"
    )
    lines = parse(html).text.split("\n")
    assert [p for p in paragraphs if p not in lines] == []


def test_page_without_an_article() -> None:
    html = (
        "<html><head><title>Daily Ledger</title></head><body><header>" + NAV + "</header>"
        "<ul><li><a href='/x'>Markets</a></li><li><a href='/y'>Companies</a></li></ul>"
        "<footer>© Daily Ledger</footer></body></html>"
    )
    parsed = parse(html)
    assert "Log in" not in parsed.text
    assert len(parsed.text.split()) < 10


@pytest.mark.parametrize("html", ["", "   \n", "<html></html>", "<html><body></body></html>"])
def test_empty_html_gives_empty_text(html: str) -> None:
    parsed = parse(html)
    assert parsed.text == ""
    assert parsed.title is None
    assert parsed.published is None
    assert parsed.language is None


# -- the parts -------------------------------------------------------------------------------


def test_rescue_puts_a_missing_paragraph_back_in_place() -> None:
    base = "\n".join([ENGLISH[0], ENGLISH[2]])
    other = "\n".join([ENGLISH[0], ENGLISH[1] + " " + ENGLISH[1], ENGLISH[2]])
    merged = rescue(base, other).split("\n")
    assert merged == [ENGLISH[0], ENGLISH[1] + " " + ENGLISH[1], ENGLISH[2]]
    # A short line only the other extraction has is not taken: it is as likely a caption.
    assert rescue(base, "Photo: a warehouse in Leipzig.\n" + other).count("Photo") == 0


def test_trim_edges_drops_short_lines_outside_what_both_extractions_found() -> None:
    text = "\n".join(
        ["Tuesday 22 January 2019, 10:13", *ENGLISH, "Comments", "Pick Six Newsletter"]
    )
    assert trim_edges(text, "\n".join(ENGLISH[1:3])).split("\n") == ENGLISH
    # Without anything in common there is no span to trim to.
    assert trim_edges(text, "unrelated words only") == text
    # A long line outside the span may be a lead readability missed: it stays.
    assert trim_edges(text, "\n".join(ENGLISH[1:])).split("\n")[0] == ENGLISH[0]


def test_chinese_sentences_count_as_long_lines() -> None:
    lead = "小米集团董事长表示,公司计划在未来五年内投入两千亿元用于研发,重点布局芯片和人工智能。"
    text = "\n".join([lead, *ENGLISH])
    # One \w+ token per clause, but as long as an English sentence: not trimmed as a label.
    assert length(lead) > 10
    assert trim_edges(text, "\n".join(ENGLISH)).split("\n")[0] == lead


def test_clean_drops_headline_and_promo_lines_but_not_prose() -> None:
    title = "Northwind to spend $2.4 billion on automated warehouses"
    text = "\n".join(
        [
            title,
            ENGLISH[0],
            "Related: Chipmaker shares slide after guidance cut",
            "Follow the money: the plan is funded from cash and a new bond, the company said.",
            "Reporting by Jane Doe; Editing by John Roe",
            "Sign up for our newsletter today",
            "DON'T MISS",
            "Read more about the deal in our report, the chairman told shareholders on Monday.",
        ]
    )
    assert clean(text, title=title).split("\n") == [
        ENGLISH[0],
        "Follow the money: the plan is funded from cash and a new bond, the company said.",
        "Read more about the deal in our report, the chairman told shareholders on Monday.",
    ]


def test_clean_never_empties_a_text() -> None:
    assert clean("Related: nothing else", title=None) == "Related: nothing else"


def test_agreement_bounds() -> None:
    assert agreement(ENGLISH[0], ENGLISH[0]) == 1.0
    assert agreement(ENGLISH[0], ENGLISH[1]) == 0.0
    assert agreement("", "") == 1.0


# -- properties ------------------------------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=9)
_SENTENCE = st.lists(_WORD, min_size=14, max_size=30).map(
    lambda ws: " ".join(ws).capitalize() + "."
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SENTENCE, min_size=3, max_size=8, unique=True))
def test_every_paragraph_comes_back_verbatim_on_its_own_line(paragraphs: list[str]) -> None:
    lines = parse(page(paragraphs)).text.split("\n")
    for paragraph in paragraphs:
        assert paragraph in lines


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_parse_never_raises_on_arbitrary_input(html: str) -> None:
    parsed = parse(html)
    assert isinstance(parsed.text, str)
    assert parsed.language is None or 2 <= len(parsed.language) <= 3
