"""feed_read: RSS 2.0, RSS 1.0 and Atom into entries; repeats, bad dates and relative links; and the
refusals, each with its reason (entity attacks, a web page instead of a feed, garbage, nothing)."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import time
from pathlib import Path

import pytest

from incidents.webread import FeedEntry, FeedRejected, feed_read

FEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "web" / "feeds"


def rss(items: str, channel: str = "<title>Wire</title><link>https://wire.example/</link>") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}{items}</channel></rss>'.encode()


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 that counts the requests made to it."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b'<!ENTITY secret "stolen">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_rss_2():
    feed = feed_read((FEEDS / "rss2.xml").read_bytes(), "https://www.meridianwire.example/feeds/africa.rss")
    assert (feed.title, feed.link, feed.kind, feed.version) == (
        "Meridian Wire – Africa",
        "https://www.meridianwire.example/world/africa/",
        "rss",
        "rss20",
    )
    assert feed.entries[0] == FeedEntry(
        guid="meridian-2024-03-14-zamfara-raids",
        url="https://www.meridianwire.example/world/africa/gunmen-kill-villagers-zamfara-2024-03-14/",
        title="Gunmen kill at least 23 in raids on three villages in northwest Nigeria",
        summary="Armed men on motorcycles killed at least 23 people in overnight raids on three villages in "
        "Zamfara state, officials said. Police gave a lower toll.",
        published=dt.date(2024, 3, 14),
    )
    assert (
        feed.entries[1].summary
        == "Suspected militants attacked a convoy of fuel tankers near Mopti & set several trucks on fire."
    )
    # no <guid>: the link stands in, so the entry is recognised on the next poll
    assert (
        feed.entries[2].guid
        == feed.entries[2].url
        == "https://www.meridianwire.example/world/africa/sudan-talks-stall-2024-03-13/"
    )
    assert [e.published for e in feed.entries] == [
        dt.date(2024, 3, 14),
        dt.date(2024, 3, 12),
        dt.date(2024, 3, 13),
    ]


def test_atom():
    feed = feed_read(
        (FEEDS / "atom.xml").read_bytes(), "https://www.courrierdusahel.example/afrique/atom.xml"
    )
    assert (feed.title, feed.link, feed.kind, feed.version) == (
        "Le Courrier du Sahel — Afrique",
        "https://www.courrierdusahel.example/afrique/",
        "atom",
        "atom10",
    )
    first, second = feed.entries
    assert (
        first.title == "Burkina Faso : au moins quinze civils tués dans l'attaque d'un marché"
    )  # HTML title made plain
    assert first.guid == "tag:courrierdusahel.example,2024-02-09:/afrique/41877"
    assert first.summary == "Des hommes armés ont ouvert le feu sur un marché de la province du Loroum."
    assert first.published == dt.date(2024, 2, 9)  # <published>, not the later <updated>
    assert (
        second.summary == "Six soldats ont été tués dans une embuscade, a annoncé l'armée."
    )  # from <content>
    assert second.published == dt.date(2024, 2, 7)  # <updated> when there is no <published>


def test_rss_1():
    feed = feed_read((FEEDS / "rss1.rdf").read_bytes(), "https://greatlakesmonitor.example/rss.rdf")
    assert (feed.title, feed.kind, feed.version) == ("Great Lakes Monitor", "rss", "rss10")
    assert [(e.url, e.published) for e in feed.entries] == [
        ("https://greatlakesmonitor.example/north-kivu/masisi-fighting-displaced", dt.date(2024, 5, 6)),
        ("https://greatlakesmonitor.example/ituri/attack-displacement-camp", dt.date(2024, 5, 4)),
    ]


def test_repeated_items_appear_once():
    items = (
        '<item><title>Blast in market</title><link>https://wire.example/a</link><guid isPermaLink="false">a-1</guid></item>'
        "<item><title>Ambush on convoy</title><link>https://wire.example/b</link></item>"
        '<item><title>Blast in market (updated)</title><link>https://wire.example/a?v=2</link><guid isPermaLink="false">a-1</guid></item>'
        "<item><title>Ambush on convoy</title><link>https://wire.example/b</link></item>"
    )
    feed = feed_read(rss(items), "https://wire.example/rss")
    assert [(e.guid, e.title) for e in feed.entries] == [
        ("a-1", "Blast in market"),
        ("https://wire.example/b", "Ambush on convoy"),
    ]
    assert feed.skipped == 2


def test_bad_dates_leave_the_entry_without_a_date():
    items = (
        "<item><title>One</title><link>https://wire.example/1</link><pubDate>yesterday-ish</pubDate></item>"
        "<item><title>Two</title><link>https://wire.example/2</link><pubDate>Mon, 45 Foo 2024 99:00:00 GMT</pubDate></item>"
        "<item><title>Three</title><link>https://wire.example/3</link><pubDate>Sat, 01 Jan 2099 00:00:00 GMT</pubDate></item>"
        "<item><title>Four</title><link>https://wire.example/4</link><pubDate>Fri, 03 May 2024 10:00:00 GMT</pubDate></item>"
    )
    feed = feed_read(rss(items), "https://wire.example/rss")
    assert [(e.title, e.published) for e in feed.entries] == [
        ("One", None),
        ("Two", None),
        ("Three", None),
        ("Four", dt.date(2024, 5, 3)),
    ]


def test_relative_links_made_absolute():
    items = (
        "<item><title>Rooted</title><link>/world/rooted.html</link></item>"
        "<item><title>Beside</title><link>beside.html</link></item>"
        "<item><title>Script</title><link>javascript:alert(1)</link></item>"
        "<item><title>No link at all</title><description>A summary only.</description></item>"
    )
    feed = feed_read(rss(items, "<title>Wire</title><link>/</link>"), "https://wire.example/feeds/main.xml")
    assert feed.link == "https://wire.example/"
    assert [e.url for e in feed.entries] == [
        "https://wire.example/world/rooted.html",
        "https://wire.example/feeds/beside.html",
    ]
    assert feed.skipped == 2


def test_atom_xml_base_respected():
    atom = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example/news/">'
        b"<title>T</title><entry><title>E</title><id>urn:e1</id><link href="
        b'"2024/e1.html"/><updated>2024-05-01T00:00:00Z</updated></entry></feed>'
    )
    assert (
        feed_read(atom, "https://news.example/atom.xml").entries[0].url
        == "https://cdn.example/news/2024/e1.html"
    )


def test_long_guid_replaced_by_its_hash():
    feed = feed_read(
        rss(f"<item><title>T</title><link>https://wire.example/t</link><guid>{'x' * 2000}</guid></item>"),
        "https://wire.example/rss",
    )
    assert feed.entries[0].guid.startswith("sha256:") and len(feed.entries[0].guid) == 71


def test_minor_problems_accepted_when_entries_come_out():
    broken = rss("<item><title>Fire & smoke</title><link>https://wire.example/fire</link></item>")  # bare "&"
    feed = feed_read(broken, "https://wire.example/rss")
    assert [e.url for e in feed.entries] == ["https://wire.example/fire"]
    assert feed.problem.startswith("the XML is malformed")


def test_feed_served_as_html_still_read():
    feed = feed_read(
        (FEEDS / "rss2.xml").read_bytes(), "https://wire.example/rss", media_type="text/html; charset=utf-8"
    )
    assert len(feed.entries) == 3


def test_empty_feed_accepted():
    assert feed_read(rss(""), "https://wire.example/rss").entries == []


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    b"<link>https://wire.example/x</link></item></channel></rss>"
)
ENTITIES_REFUSED = (
    "the feed declares XML entities (<!ENTITY>), which feeds do not need and attacks use; it was not read"
)


def test_billion_laughs_refused_fast():
    started = time.perf_counter()
    with pytest.raises(FeedRejected) as caught:
        feed_read(BILLION_LAUGHS, "https://wire.example/rss")
    assert time.perf_counter() - started < 0.05
    assert str(caught.value) == ENTITIES_REFUSED


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be"])
def test_billion_laughs_refused_in_wide_encodings(encoding):
    content = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b"").decode().encode(encoding)
    with pytest.raises(FeedRejected, match="declares XML entities"):
        feed_read(content, "https://wire.example/rss")


def test_billion_laughs_refused_when_utf7_hides_it():
    """UTF-7 writes "<" as "+ADw-": feedparser decodes it and expands the entities."""
    hidden = BILLION_LAUGHS.replace(b'<?xml version="1.0"?>', b"").replace(b"<!ENTITY", b"+ADw-!ENTITY")
    assert b"<!ENTITY" not in hidden
    declared = b'<?xml version="1.0" encoding="utf-7"?>' + hidden
    for content, media_type in ((declared, ""), (hidden, "application/rss+xml; charset=utf-7")):
        with pytest.raises(FeedRejected) as caught:
            feed_read(content, "https://wire.example/rss", media_type=media_type)
        assert str(caught.value) == ENTITIES_REFUSED


def test_not_a_text_encoding_in_the_declaration():
    content = rss("<item><title>T</title><link>https://wire.example/t</link></item>").replace(
        b"utf-8", b"base64", 1
    )
    assert [e.title for e in feed_read(content, "https://wire.example/rss").entries] == ["T"]


def test_external_entity_refused_and_never_fetched(server):
    base, hits = server
    for target in (f"{base}/secret", "file:///etc/passwd"):
        xxe = (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{target}">]>'
            '<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
            "<link>https://wire.example/x</link></item></channel></rss>"
        ).encode()
        with pytest.raises(FeedRejected) as caught:
            feed_read(xxe, "https://wire.example/rss")
        assert str(caught.value) == ENTITIES_REFUSED
    assert hits == []


def test_external_dtd_never_fetched(server):
    base, hits = server
    content = rss("<item><title>T</title><link>https://wire.example/t</link></item>").replace(
        b"<rss ", f'<!DOCTYPE rss SYSTEM "{base}/rss.dtd"><rss '.encode(), 1
    )
    assert [e.url for e in feed_read(content, "https://wire.example/rss").entries] == [
        "https://wire.example/t"
    ]
    assert hits == []


PAGE_WITH_FEED = (
    b'<!DOCTYPE html><html><head><title>Wire</title><link rel="stylesheet" href="/s.css">'
    b'<link rel="alternate" type="application/rss+xml" title="Wire RSS" href="/feeds/all.rss">'
    b"</head><body><p>Latest news</p></body></html>"
)


@pytest.mark.parametrize("media_type", ["text/html; charset=utf-8", "", "application/rss+xml"])
def test_web_page_instead_of_a_feed_points_to_its_feed(media_type):
    with pytest.raises(FeedRejected) as caught:
        feed_read(PAGE_WITH_FEED, "https://wire.example/news/", media_type=media_type)
    assert caught.value.page_feed_url == "https://wire.example/feeds/all.rss"
    assert (
        str(caught.value)
        == "the address gives a web page, not a feed; try https://wire.example/feeds/all.rss"
    )


def test_atom_feed_announced_by_a_page_without_html_tag():
    page = b'<meta charset="utf-8"><link rel="alternate" type="application/atom+xml" href="https://wire.example/atom"><p>x</p>'
    with pytest.raises(FeedRejected) as caught:
        feed_read(page, "https://wire.example/")
    assert caught.value.page_feed_url == "https://wire.example/atom"


def test_web_page_without_a_feed():
    page = b"<!doctype html><html><head><title>Wire</title></head><body><p>Latest news</p></body></html>"
    with pytest.raises(FeedRejected) as caught:
        feed_read(page, "https://wire.example/news/", media_type="text/html")
    assert caught.value.page_feed_url == ""
    assert str(caught.value) == "the address gives a web page, not a feed, and the page announces no feed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "https://wire.example/rss gave an empty response, not a feed"),
        (b" \n\t", "https://wire.example/rss gave an empty response, not a feed"),
        (
            bytes(range(256)) * 16,
            "https://wire.example/rss does not give a readable feed: the response is not XML",
        ),
        (b'{"items": []}', "https://wire.example/rss does not give a readable feed: the response is not XML"),
        (
            b'<?xml version="1.0"?><note><to>Analyst</to></note>',
            "https://wire.example/rss does not give a readable feed: the XML is not RSS or Atom",
        ),
    ],
    ids=["empty", "blank", "garbage", "json", "other-xml"],
)
def test_refused_with_a_reason(content, message):
    with pytest.raises(FeedRejected) as caught:
        feed_read(content, "https://wire.example/rss")
    assert str(caught.value) == message
    assert caught.value.page_feed_url == ""


def test_malformed_xml_without_entries_refused_saying_why():
    truncated = rss("<item><title>Cut short</title><link>https://wire.example/cut</link>")[:-40]
    with pytest.raises(FeedRejected) as caught:
        feed_read(truncated, "https://wire.example/rss")
    assert str(caught.value).startswith(
        "https://wire.example/rss does not give a readable feed: the XML is malformed ("
    )


def test_bytes_naming_a_file_are_not_read_as_that_file(tmp_path):
    """feedparser opens a file when given its name; feed_read must read the bytes themselves."""
    local = tmp_path / "feed.xml"
    local.write_bytes((FEEDS / "rss2.xml").read_bytes())
    with pytest.raises(FeedRejected, match="the response is not XML"):
        feed_read(str(local).encode(), "https://wire.example/rss")
