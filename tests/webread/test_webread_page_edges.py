"""page_read on the edges: what it refuses and why, and the metadata it declines to trust."""

from __future__ import annotations

import pytest

from incidents.webread import PageRejected, page_read

URL = "https://news.example/world/2024/05/article"
PARAGRAPHS = [
    "Security forces clashed with armed men near the northern border crossing on Tuesday, leaving four "
    "soldiers and an unknown number of attackers dead, the defence ministry said in a statement.",
    "The ministry said the attackers had tried to overrun an army post before dawn and were pushed back "
    "after a gunfight that lasted several hours. Reinforcements were sent from the provincial capital.",
    "Residents of nearby villages said they heard heavy gunfire and explosions throughout the night, and "
    "that many families had fled towards the town market for safety.",
]


def page(body: str, head: str = "<title>Clashes at the border</title>") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def article(extra_head: str = "", container: str = '<div class="story">{}</div>') -> bytes:
    paragraphs = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return page(
        f"<article><h1>Clashes at the border</h1>{container.format(paragraphs)}</article>",
        head=f"<title>Clashes at the border</title>{extra_head}",
    )


NAV_ONLY = page(
    "<header><a href='/'>Home</a></header><nav><ul>"
    + "".join(f"<li><a href='/section/{i}'>Section number {i} of this site</a></li>" for i in range(40))
    + "</ul></nav><footer><p>&copy; 2024 News Example. All rights reserved.</p></footer>"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", f"{URL} gave an empty response, not a web page"),
        (b"  \r\n\t ", f"{URL} gave an empty response, not a web page"),
        (NAV_ONLY, f"no article text found on {URL}"),
        (
            page("<h1>Page not found</h1><p>Sorry, this page does not exist.</p>"),
            f"no article text found on {URL}",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj",
            f"{URL} does not give an HTML page",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", f"{URL} gives binary data, not a web page"),
        (b'{"title": "Clashes at the border", "body": "..."}', f"{URL} does not give an HTML page"),
        (" ".join(PARAGRAPHS).encode(), f"{URL} does not give an HTML page"),
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>News</title></channel></rss>',
            f"{URL} gives a news feed, not a web page; add it as a feed instead",
        ),
    ],
    ids=["empty", "blank", "nav-only", "not-found", "pdf", "png", "json", "plain-text", "rss"],
)
def test_refused_with_a_reason(content, message):
    with pytest.raises(PageRejected) as caught:
        page_read(content, URL)
    assert str(caught.value) == message


def test_short_article_read():
    result = page_read(article(), URL)
    assert result.text == "\n\n".join(PARAGRAPHS)
    assert result.title == "Clashes at the border"


def test_og_url_is_the_canonical_address_when_there_is_no_link():
    result = page_read(article('<meta property="og:url" content="/world/2024/05/article-original">'), URL)
    assert result.canonical_url == "https://news.example/world/2024/05/article-original"


def test_canonical_address_that_is_not_http_ignored():
    result = page_read(article('<link rel="canonical" href="javascript:alert(1)">'), URL)
    assert result.canonical_url == ""


def test_site_name_not_invented_from_a_link_or_the_host_name():
    result = page_read(
        article('<meta property="article:publisher" content="https://www.facebook.com/newsexample">'), URL
    )
    assert result.site_name == ""


def test_site_name_from_json_ld_publisher():
    json_ld = '{"@context": "https://schema.org", "@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Border Times"}}'
    result = page_read(article(f'<script type="application/ld+json">{json_ld}</script>'), URL)
    assert result.site_name == "Border Times"


def test_language_from_og_locale_when_html_has_no_lang():
    assert page_read(article('<meta property="og:locale" content="fr_FR">'), URL).language == "fr"
    assert page_read(article(), URL).language == ""


def test_data_table_inside_the_article_kept():
    table = (
        "<table><tr><th>District</th><th>Killed</th></tr><tr><td>Kaduna North</td><td>12</td></tr>"
        "<tr><td>Birnin Gwari</td><td>7</td></tr></table>"
    )
    result = page_read(article(container='<div class="story">{}' + table + "</div>"), URL)
    assert "Kaduna North | 12" in result.text and "Birnin Gwari | 7" in result.text


def test_article_in_a_container_named_paywall_kept():
    result = page_read(article(container='<div class="article-body paywall">{}</div>'), URL)
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_donation_appeal_inside_the_article_dropped():
    appeal = '<div class="donation-prompt"><p>Independent reporting costs money. Please give what you can today to keep it going.</p></div>'
    result = page_read(article(container='<div class="story">{}' + appeal + "</div>"), URL)
    assert "Please give" not in result.text
    assert result.text == "\n\n".join(PARAGRAPHS)


def test_line_breaks_inside_a_paragraph_kept():
    body = "<p>" + "<br>".join(PARAGRAPHS) + "</p>"
    result = page_read(page(f"<article><h1>Clashes at the border</h1>{body}</article>"), URL)
    assert result.text == "\n".join(PARAGRAPHS)
