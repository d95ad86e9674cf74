"""page_read on news pages shaped like real sites (tests/fixtures/web): metadata, the article's
text kept word for word and paragraph by paragraph, and the boilerplate around it dropped."""

from __future__ import annotations

import datetime as dt

import pytest

from incidents.webread import PageArticle, page_read
from tests.support.word_overlap import fixture_pages, overlap

PAGES = {page.name: page for page in fixture_pages()}

# Text around each article that must not reach the analyst: banners, comments, related stories...
BOILERPLATE = {
    "wire_agency": [
        "Skip to main content",
        "Read Next",
        "Niger junta extends",
        "Africa Briefing",
        "Purchase Licensing Rights",
        "All quotes delayed",
        "Scroll to continue",
        "Sign in",
    ],
    "newspaper_comments": [
        "Salute to the martyrs",
        "How many more funerals",
        "Intelligence failure once again",
        "Security policy is made by people",
        "Comments are moderated",
        "Recommend 54",
        "Fuel prices raised",
        "File photo",
        "E-Paper",
    ],
    "regional_cookie": [
        "We value your privacy",
        "use of all cookies",
        "Accept all",
        "Manage preferences",
        "Stay informed",
        "Schools in Tiaty reopen",
        "Traffic diverted",
        "Registered as a newspaper",
    ],
    "share_related": [
        "Share on Facebook",
        "Share this article",
        "Did you find this story useful",
        "Related stories",
        "Mortar shells land",
        "Roadside bomb kills three soldiers",
        "drought appeal",
        "Horn Daily Staff reports are produced",
        "3 min read",
    ],
    "liveblog": [
        "Key points",
        "This blog is now closed",
        "Copy link to this post",
        "Auto-refresh",
        "Sahel leaders meet",
        "Watch ANN live",
    ],
    "french_article": [
        "Abonnez-vous",
        "À lire aussi",
        "une attaque contre un camp militaire",
        "Mentions légales",
        "Partager",
        "Je m'abonne",
    ],
    "jsonld_date": [
        "Our reporting depends on you",
        "Become a member",
        "State congress approves budget",
        "Support independent journalism",
        "Ethics policy",
    ],
    "meta_published": [
        "Share this story",
        "What do you feel about this story",
        "Two soldiers hurt in ambush",
        "Editorial policy",
        "Subscribe",
    ],
    "no_date": [
        "funded by readers",
        "Donate now",
        "Fuel shortage hits Goma",
        "Reproduction permitted",
        "Independent news from eastern Congo",
    ],
    "canonical_elsewhere": [
        "Read the full story",
        "Hide stories from this source",
        "Ceasefire talks resume",
        "Get the NewsHub app",
        "Follow",
    ],
    "windows1252": [
        "inmates take guards hostage",
        "Classifieds",
        "English-language news from the Andes",
        "August 2022",
    ],
}


def read(name: str) -> PageArticle:
    page = PAGES[name]
    return page_read(page.content, page.url)


def test_every_page_has_its_expectations():
    assert len(PAGES) >= 10
    assert set(BOILERPLATE) == set(PAGES)
    for name, strings in BOILERPLATE.items():
        html = PAGES[name].content.decode("cp1252" if name == "windows1252" else "utf-8")
        for boilerplate in strings:  # else the test below could not fail
            assert boilerplate in html, f"{name}: {boilerplate!r} is not on the page"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_metadata(name):
    article, expected = read(name), PAGES[name].expected
    assert article.title == expected["title"]
    assert article.site_name == expected["site_name"]
    assert article.canonical_url == expected["canonical_url"]
    assert article.published == (
        dt.date.fromisoformat(expected["published"]) if expected["published"] else None
    )
    if "language" in expected:
        assert article.language == expected["language"]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_main_text_kept_and_boilerplate_dropped(name):
    article, expected = read(name), PAGES[name].expected
    score = overlap(article.text, expected["text"])
    assert score.precision >= 0.9, f"{name}: precision {score.precision:.3f}"
    assert score.recall >= 0.9, f"{name}: recall {score.recall:.3f}"
    for boilerplate in BOILERPLATE[name]:
        assert boilerplate not in article.text, f"{name}: {boilerplate!r} kept"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_paragraphs_kept_and_headline_not_repeated(name):
    article, expected = read(name), PAGES[name].expected
    paragraphs = article.text.split("\n\n")
    for paragraph in expected["text"].split("\n\n"):
        assert paragraph in paragraphs, f"{name}: paragraph not kept whole: {paragraph[:60]!r}"
    assert expected["title"] not in paragraphs
    assert not article.text.startswith(expected["title"])


def test_windows_1252_page_read_from_its_meta_charset():
    text = read("windows1252").text
    assert "Suárez" in text and "José Luis Muñoz" in text
    assert "“It was a cowardly attack" in text and "– about €11,500 –" in text


def test_charset_hint_that_cannot_decode_gives_way_to_the_meta_charset():
    page = PAGES["windows1252"]
    assert "Popayán" in page_read(page.content, page.url, charset="utf-8").text


def test_charset_hint_latin1_read_as_windows_1252_like_browsers():
    page = PAGES["windows1252"]
    assert "“It was" in page_read(page.content, page.url, charset="ISO-8859-1").text


def test_charset_detected_when_nothing_declares_it():
    page = PAGES["french_article"]
    undeclared = page.content.replace(b'<meta charset="utf-8">', b"").decode("utf-8").encode("cp1252")
    text = page_read(undeclared, page.url).text
    assert "Au moins quinze civils ont été tués jeudi" in text


def test_byte_order_mark_wins_over_a_wrong_hint():
    page = PAGES["french_article"]
    as_utf16 = page.content.decode("utf-8").replace('<meta charset="utf-8">', "").encode("utf-16")
    assert "été tués" in page_read(as_utf16, page.url, charset="iso-8859-1").text


@pytest.mark.parametrize("when", ["2099-08-27T20:35:00+08:00", "1985-08-27T20:35:00+08:00"])
def test_date_in_the_future_or_before_1990_not_trusted(when):
    page = PAGES["meta_published"]
    content = page.content.replace(b"2023-08-27T20:35:00+08:00", when.encode())
    assert page_read(content, page.url).published is None


def test_tomorrow_is_trusted_for_time_zones_ahead():
    page = PAGES["meta_published"]
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    content = page.content.replace(b"2023-08-27T20:35:00+08:00", f"{tomorrow}T06:00:00+14:00".encode())
    assert page_read(content, page.url).published == dt.date.fromisoformat(tomorrow)
