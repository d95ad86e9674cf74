"""Fixing up a parsed page before trafilatura reads it, for two things it gets wrong on news sites.

- Old sites lay the whole page out in a <table>: trafilatura then keeps the page as one data
  table, menus and all. A table whose cells hold paragraphs, headings or other tables is layout,
  so its cells become plain blocks.
- Appeals to the reader (donate, subscribe, become a member) and summary boxes ("key points")
  sit inside the article's container. The appeals are not the news; the summaries repeat it, and
  an extractor reading the text would count the same facts twice. Only short boxes that hold
  less than half the page's paragraph text go: some sites name the article's own container
  "paywall" or "subscriber-content".
"""

from __future__ import annotations

from lxml.html import HtmlElement

_LAYOUT_CONTENT = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "article")
_TABLE_PARTS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
_CONTAINERS = ("div", "section", "aside", "p", "ul", "ol", "form")

# Words of class / id names (split at "-", "_" and spaces) marking reader appeals and summaries.
_BOX_WORDS = frozenset(
    {
        "donate",
        "donation",
        "donations",
        "support",
        "supporter",
        "membership",
        "subscribe",
        "subscription",
        "abonnement",
        "abonnez",
        "paywall",
        "signup",
        "keypoints",
        "highlights",
        "tldr",
        "summary",
    }
)
_BOX_PAIRS = frozenset({("key", "points"), ("sign", "up"), ("support", "us"), ("become", "member")})
_BOX_MAX_CHARS = 800  # an appeal or a summary is a few lines; an article body is longer


def unwrap_layout_tables(tree: HtmlElement) -> int:
    """Turn layout tables into plain blocks; return how many tables were unwrapped."""
    layout = [table for table in tree.iter("table") if _is_layout(table)]
    for table in layout:
        for element in [table, *table.iterdescendants(*_TABLE_PARTS)]:
            element.tag = "div"
            for name in ("width", "align", "valign", "colspan", "rowspan", "cellpadding", "cellspacing"):
                element.attrib.pop(name, None)
    return len(layout)


def _is_layout(table: HtmlElement) -> bool:
    for cell in table.iterdescendants("td", "th"):
        if any(True for _ in cell.iterdescendants(*_LAYOUT_CONTENT)):
            return True
    return False


def drop_boxes(tree: HtmlElement) -> int:
    """Remove reader appeals and summary boxes (see the module docstring); return how many."""
    page_text = _paragraph_chars(tree)
    doomed = [
        element
        for element in tree.iter(*_CONTAINERS)
        if (_names_a_box(element.get("class", "")) or _names_a_box(element.get("id", "")))
        and len(element.text_content()) <= _BOX_MAX_CHARS
        and _paragraph_chars(element) * 2 < page_text  # never the container of most of the text
    ]
    removed = 0
    for element in doomed:
        if _attached(element, tree):
            element.drop_tree()  # keeps the tail text, which belongs to the parent
            removed += 1
    return removed


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content()) for p in element.iter("p"))


def _attached(element: HtmlElement, root: HtmlElement) -> bool:
    """False once an ancestor was dropped already (its subtree went with it)."""
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def _names_a_box(names: str) -> bool:
    for name in names.lower().split():
        words = name.replace("_", "-").split("-")
        if "".join(words) in _BOX_WORDS or any(word in _BOX_WORDS for word in words):
            return True
        if any(pair in _BOX_PAIRS for pair in zip(words, words[1:], strict=False)):
            return True
    return False
