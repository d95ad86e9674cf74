"""The parts of a news page that are not its story: dateline, byline, captions, sign-offs.

Agency copy opens with a dateline ("KABUL, May 13 (Reuters) -"): where the reporter filed
from and when, not where or when the event happened. Pages carry bylines, time stamps,
photo captions, "Related:" links, copyright lines and agency sign-offs. Read as sentences,
they put events in the reporter's city, date them by the page's clock, and make "Reuters"
an actor. `read_document` finds them and blanks them with spaces (newlines kept), so every
offset into the text stays valid for evidence; the dateline's date becomes the reference date
for relative dates ("on Tuesday"), its place only a weak hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from .dates import month_day

# A place in capitals ("KABUL", "PORT-AU-PRINCE", "GAZA/JERUSALEM", "ZAMBOANGA CITY") or in
# title case ("Abuja", "Gaza city"); words are separated by one space or slash, which the word
# class never contains, so the pattern cannot split a name two ways.
_CAPS_PLACE = r"[A-Z][A-Z'\u2019.\u00c0-\u00de-]+(?:[ /][A-Z][A-Z'\u2019.\u00c0-\u00de-]+){0,3}"
_TITLE_PLACE = r"[A-Z][a-z'\u2019.\u00e0-\u00ff-]+(?:[ /][A-Za-z][a-z'\u2019.\u00e0-\u00ff-]+){0,2}"
_REGION = r"[A-Z][A-Za-z'\u2019.\u00c0-\u00ff-]+(?: [A-Z][A-Za-z'\u2019.\u00c0-\u00ff-]+){0,3}"
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DL_DATE = rf"(?P<date>{_MONTH} \d{{1,2}}(?:, \d{{4}})?|\d{{1,2}} {_MONTH}(?: \d{{4}})?)"
_AGENCY = r"\((?P<agency>[A-Za-z][\w .&'/,-]{0,60})\)"
_SEP = r"[ \t]*(?:[-\u2013\u2014]+|:)[ \t]*"
_DATELINE = re.compile(
    rf"(?<![ \t])[ \t]*(?P<place>{_CAPS_PLACE}|{_TITLE_PLACE})"
    rf"(?P<region>(?:,[ \t]*(?!{_MONTH} \d)(?!\d){_REGION}){{0,2}})"
    rf"(?:,?[ \t]*{_DL_DATE})?"
    r"(?:,?[ \t]*(?P<agency2>[A-Z]{2,8})\.(?= ))?"
    rf"(?:[ \t]*{_AGENCY})?"
    rf"(?P<sep>{_SEP}|(?<=\))[ \t]+(?=[A-Z\"\u201c])|(?<=\.)[ \t]+(?=[A-Z]))"
)
_NOT_DATELINE = re.compile(
    r"(?:UPDATED?|BREAKING|WATCH|EXCLUSIVE|ANALYSIS|FACTBOX|REFILE|CORRECTED|CORRECTION|PHOTOS?|VIDEO|OPINION|"
    r"EDITORIAL|NOTE|WARNING|LIVE|SOURCES?|CAPTION|RELATED|READ|MORE|ALSO)"
)

_PERSON = r"[A-Z][\w.'-]{0,30}(?: [A-Z][\w.'-]{0,30}){0,3}"
# Whole lines that are page furniture, wherever they stand.
_FURNITURE = re.compile(
    r"(?<![ \t])[ \t]*(?:"
    r"\(?(?:Reporting|Writing|Editing|Additional reporting|Compiled|Edited|Translated) by\b"
    r"|(?:FILE )?PHOTO\b|File photo\b|Photo ?(?:credit)?:|Image:|Caption:|Pictured:|Picture:|Watch:|WATCH:"
    r"|Related(?: coverage| stories| articles)?:|RELATED\b|Read more\b|READ MORE\b|Also read\b|See also\b"
    r"|Sign up\b|Subscribe\b|Advertisement\b|ADVERTISEMENT\b|Follow us\b|Share this\b|Click here\b"
    r"|(?:\(c\)|\u00a9) ?|Copyright\b|All rights reserved|Our Standards:|Posted by\b|Posted on\b"
    r"|Last updated\b|Updated:|Published:|/ ?Source:|\(? ?Source ?: "
    rf"|by \(c\)|By {_PERSON}(?: (?:and|&) {_PERSON})?[ \t]*(?:\||$)"
    r"|By Staff\b|[A-Z][A-Za-z]+ (?:Press |News )?(?:Reporter|Correspondent|Web Team|Desk)$"
    r")",
    re.M,
)
# "Saturday 25 May 2013, 07:42AM", "2019-07-15 15:44", "Thu, 11 Mar, 2021 - 04:53": a time stamp line
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}(?:[ \t]*(?:[AaPp]\.?[Mm]\.?|GMT|UTC|IST|EST|EDT|PST|CET))?\b")
_STAMP_WORDS = re.compile(
    r"(?:\d+(?:st|nd|rd|th)?|[A-Z][a-z]{2,8}\.?|GMT|UTC|IST|AM|PM|am|pm|\||-|,|:|\.|\u2013|\u2014)"
)
_AGENCY_NAMES = (
    r"AFP|AP|Reuters|IANS|PTI|Xinhua|ANI|UNI|dpa|DPA|EFE|ANSA|Anadolu|Bernama|Kyodo|Yonhap|TASS|Sputnik|"
    r"Al Jazeera|BBC|CNN|NNA|SANA|IRNA|WAFA|APP|KUNA|MENA|Mindanao Examiner|Associated Press"
)
# a sign-off closing the story: "AFP/Al Jazeera", "-IANS", "(Mindanao Examiner)", "( Source : AP )"
_SIGN_OFF_LINE = re.compile(
    rf"(?<![ \t\-\u2013\u2014(])[ \t]*(?:[-\u2013\u2014(]+[ \t]*)?(?:{_AGENCY_NAMES})"
    rf"(?:[ \t]*[/,&][ \t]*(?:{_AGENCY_NAMES}))*[ \t]*\)?[ \t.]*$"
)
_SIGN_OFF_TAIL = re.compile(
    r"(?<=[.!?\"\u201d])[ \t]*\((?:[A-Z][\w.'-]{0,30})(?: [A-Z][\w.'-]{0,30}){0,3}\)[ \t]*$"
)
_NEWS_PREFIX = re.compile(
    r"(?<![ \t])[ \t]*[A-Z][\w.]{0,30}(?: [A-Z][\w.]{0,30}){0,2}[ \t]?/[ \t]"
)  # "Shafaq News/ ..."
_LINE = re.compile(r"[^\n]*")
_BARE_NAME = re.compile(r"[A-Z][a-z'\u2019-]+(?: [A-Z]\.)?(?: [A-Z][a-z'\u2019-]+){1,2}")


@dataclass(frozen=True)
class Dateline:
    """Where and when the reporter filed: a weak hint for place, the anchor for relative dates."""

    start: int
    end: int
    place: str
    place_start: int
    place_end: int
    region: str = ""
    date: date | None = None
    agency: str = ""


@dataclass
class Document:
    """An article with its page furniture blanked (same length, same offsets as the input)."""

    text: str
    original: str
    published: date
    reference: date  # the dateline's date when it gives one, else the publication date
    dateline: Dateline | None = None
    title: str = ""
    blanked: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, kind)


def read_document(text: str, published: date, title: str = "") -> Document:
    """Find the dateline and the page furniture of `text` and blank them (see module docstring)."""
    chars = list(text)
    blanked: list[tuple[int, int, str]] = []

    def blank(a: int, b: int, kind: str) -> None:
        for i in range(a, b):
            if chars[i] != "\n":
                chars[i] = " "
        blanked.append((a, b, kind))

    lines = [(m.start(), m.end()) for m in _LINE.finditer(text) if m.end() > m.start()]
    # a title that is a sentence ("Gunmen killed two ... on Monday.", or one cut short with "…") was
    # taken from the text itself for want of a headline: the text is all story
    folded_title = "" if title.rstrip().endswith((".", "\u2026")) else _fold(title)
    body_lines: list[int] = []  # starts of the first body lines: a dateline may follow a standfirst
    for n, (a, b) in enumerate(lines):
        line = text[a:b]
        kind = _furniture(line, folded_title, head=not body_lines and n < 12, last=n == len(lines) - 1)
        if not kind and n < 6 and b - a >= 30 and text.find(line.strip(), b) >= 0:
            kind = "standfirst"  # a deck that the story repeats word for word below: read it there
        if kind:
            blank(a, b, kind)
            continue
        tail = _SIGN_OFF_TAIL.search(line)
        if tail:
            blank(a + tail.start(), b, "sign-off")
        if len(body_lines) < 3 and line.strip():
            if not body_lines:
                prefix = _NEWS_PREFIX.match(line)
                if prefix and len(line) > 80:
                    blank(a, a + prefix.end(), "source")
            body_lines.append(a)
    dateline = None
    for n, a in enumerate(body_lines):
        dateline = _dateline(text, a, published)
        if dateline is not None:
            blank(dateline.start, dateline.end, "dateline")
            for b in body_lines[:n]:
                line = text[b : text.find("\n", b) if "\n" in text[b:] else len(text)]
                if _BARE_NAME.fullmatch(line.strip()):
                    blank(b, b + len(line), "byline")  # "Matilda Colman" over "MEXICO CITY (Reuters) -"
            break
    reference = published
    if dateline is not None and dateline.date is not None:
        reference = dateline.date
    return Document("".join(chars), text, published, reference, dateline, title, blanked)


def _fold(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().casefold()


def _furniture(line: str, folded_title: str, head: bool, last: bool) -> str:
    """The kind of page furniture a whole line is, or ''."""
    stripped = line.strip()
    if not stripped:
        return ""
    folded = _fold(stripped)
    if folded_title and folded.startswith(folded_title) and len(folded) - len(folded_title) <= 40:
        # the title again, perhaps with "By Reuters" after it; not a lead sentence that a
        # stand-in title was taken from, nor a paragraph the title is the start of
        return "headline"
    if _FURNITURE.match(line):
        return "furniture"
    if len(stripped) <= 60 and _CLOCK.search(stripped) and _is_stamp(stripped):
        return "timestamp"
    if head and len(stripped) <= 40 and " " not in stripped and "." in stripped:
        return "source"  # "UrduPoint.com"
    if head and re.fullmatch(r"[-\u2013\u2014\u2022*]?[ \t]*[A-Z][\w ]{0,20}:", stripped):
        return "furniture"  # "- Country:"
    if _SIGN_OFF_LINE.match(line) and (last or len(stripped) <= 24):
        return "sign-off"
    if re.fullmatch(r"https?://\S+", stripped):
        return "link"
    return ""


def _is_stamp(line: str) -> bool:
    """A line made only of date and clock words ("Sun 17th January 2021 | 08:30 PM")."""
    rest = _CLOCK.sub(" ", line)
    rest = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", " ", rest)
    words = rest.split()
    return all(_STAMP_WORDS.fullmatch(w.strip(",")) or not w.strip(",") for w in words) and len(words) <= 8


def _dateline(text: str, start: int, published: date) -> Dateline | None:
    """The dateline opening the story's first paragraph, if there is one."""
    m = _DATELINE.match(text, start)
    if not m:
        return None
    place = m.group("place")
    caps = place.isupper()
    first_word = re.split(r"[ /]", place)[0].strip(".")
    if _NOT_DATELINE.fullmatch(first_word):
        return None
    has_more = bool(m.group("date") or m.group("agency") or m.group("agency2") or m.group("region"))
    sep = m.group("sep")
    if not caps:
        # "Abuja, 29 November 2020 -", "Ranchi, Aug 1 (IANS)", "Peshawar:": title case needs a date,
        # an agency or a region, or a colon right after a one- or two-word place
        if not has_more and not (sep.strip() == ":" and len(place.split()) <= 2):
            return None
    elif len(place) < 3 and not has_more:
        return None
    if not sep.strip() and not (m.group("agency") or m.group("agency2")):
        return None
    when = None
    if m.group("date"):
        d = month_day(m.group("date"), published)
        if d is not None and published - timedelta(days=10) <= d <= published + timedelta(days=1):
            when = d
    agency = m.group("agency") or m.group("agency2") or ""
    region = m.group("region").strip(", \t")
    return Dateline(m.start("place"), m.end(), place, m.start("place"), m.end("place"), region, when, agency)
