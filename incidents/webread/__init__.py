"""Reading what the web gives back: news pages and RSS/Atom feeds, bytes in, dataclasses out.

Pure Python, no Django and no network (the fetcher is elsewhere): `page_read` finds an article's
text and metadata, `feed_read` lists a feed's entries, `words_match` is a feed's word filter.
"""

from incidents.webread.feed import FeedDocument, FeedEntry, FeedRejected, feed_read
from incidents.webread.page import PageArticle, PageRejected, page_read
from incidents.webread.words import words_match

__all__ = [
    "FeedDocument",
    "FeedEntry",
    "FeedRejected",
    "PageArticle",
    "PageRejected",
    "feed_read",
    "page_read",
    "words_match",
]
