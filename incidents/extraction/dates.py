"""Dates written in news text, resolved against the publication date.

News reports recent events, so a bare weekday or "January 21" means the most
recent such day on or before publication.
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .counts import UNITS

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
ORDINALS = {
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}

_M = r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"  # noqa: E501
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+{_M}(?:,?\s+(\d{{4}}))?\b", re.I)
_MDY = re.compile(rf"\b{_M}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
_PART_MONTH = re.compile(
    rf"\b(early|mid|late|end of|beginning of|the end of)[\s-]+{_M}(?:\s+(\d{{4}}))?\b", re.I
)
_MONTH_YEAR = re.compile(rf"\b(?:in|during|since|of)\s+{_M}(?:\s+(\d{{4}})|\s+(last|this)\s+year)?\b", re.I)
_WEEKDAY = re.compile(
    r"\b(?:(last|this|on|early|late|since)\s+)?(?:the\s+)?(?:early\s+hours\s+of\s+|night\s+of\s+|morning\s+of\s+)?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:\s+(night|morning|evening|afternoon))?\b",
    re.I,
)
_REL = re.compile(
    r"\b(yesterday|today|tonight|this morning|this afternoon|this evening|last night|(\w+) days? ago|a week ago|last week|(\w+) consecutive day|(\w+) straight day)\b",  # noqa: E501
    re.I,
)
# "less than three months after", "a day before": the event told next is that long before the report
# "two days earlier", "a day before": before the date the sentence gave last, else the report's
_EARLIER = re.compile(
    r"\b(?P<n>an?|\w+)\s+(?P<unit>days?|weeks?)\s+(?:earlier|before)\b(?!\s+(?:the|a|an|his|her|its|their)\b)",
    re.I,
)
# fixed feasts news dates events by: "on Christmas Eve", "a New Year's Eve attack"
_HOLIDAY = re.compile(
    r"\b(?:(?P<easter>Easter)(?:\s+Sunday)?|Christmas\s+(?P<xeve>Eve)|Christmas(?:\s+Day)?|"
    r"New\s+Year['\u2019]?s\s+(?P<nyeve>Eve)|New\s+Year['\u2019]?s\s+Day)\b"
)
_SPAN_AFTER = re.compile(
    r"\b(?:(?:less|more)\s+than\s+|barely\s+|just\s+|only\s+|nearly\s+|almost\s+|some\s+)?(?P<n>an?|\w+)\s+"
    r"(?P<unit>days?|weeks?|months?|years?)\s+(?:after|since)\b"
    # not "a day after the attack": that dates something after the event told, not another event
    r"(?!\s+(?:the|this|that|its|their|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)",
    re.I,
)
# a word every date pattern below needs one of
_ANY_DATE_WORD = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)|yesterday|"
    r"today|tonight|morning|afternoon|evening|night|\bago\b|\bweeks?\b|\bdays?\b|\bmonths?\b|\byears?\b|"
    r"consecutive|straight|easter|christmas|new\s+year",
    re.I,
)
# "two weeks ago", "a fortnight ago", "about a year ago": counted back from the report
_AGO = re.compile(r"\b(?P<n>an?|\w+)\s+(?P<unit>weeks|fortnight|months?|years?)\s+ago\b", re.I)
_SINCE_BEFORE = re.compile(r"\bsince\s[^.;:,]{0,80}$", re.I)
_YEAR = re.compile(r"\b(?:in|since|during)\s+((?:19|20)\d\d)\b", re.I)
_LAST_YEAR = re.compile(r"\blast year\b", re.I)


@dataclass(frozen=True)
class DateMention:
    start_date: date
    end_date: date
    precision: str  # "day", "week", "month", "year"
    start: int  # char span in the text
    end: int
    text: str
    reporting: bool = False  # dates a statement about the event ("said on Sunday"), not the event


_LATER_BY = re.compile(
    r"\b(?P<n>\w+)\s+(?P<unit>days?|weeks?)\s+later[\s,]*(?:on\s+)?$|\b(?P<next>the\s+next|the\s+following)\s+day[\s,]*(?:on\s+)?$",
    re.I,
)
_AFTER_ANOTHER = re.compile(
    r"\b(?:later|after|afterwards|since|until|before)\b[\s,]*(?:on\s+|in\s+)?$"
    # "protesting every weekend since the election on August 9": the date of what it counts from
    r"|\bsince\s+(?:the|a|an|his|her|their|its)\s+(?:[\w-]+\s+){1,3}?(?:on|in|of)\s+$",
    re.I,
)


def anchor(d: DateMention, before: str) -> DateMention | None:
    """The date `d` says about the event reported before it, given the text just before `d`.

    "Two days later, on October 2" puts the earlier event on September 30; a date after
    "later", "after", "since", "until" or "before" belongs to another event (None); any other
    date is the event's own.
    """
    m = _LATER_BY.search(before)
    if m:
        if m.group("next"):
            back = 1
        else:
            n = _num(m.group("n"))
            if not n:
                return None
            back = n * (7 if m.group("unit").lower().startswith("week") else 1)
        day = d.start_date - timedelta(days=back)
        return DateMention(day, day, d.precision, d.start, d.end, d.text)
    if _AFTER_ANOTHER.search(before):
        return None
    return d


_REPORT_BEFORE = re.compile(
    r"\b(?:said|says|say|told|announced|reported|confirmed|added|stated|claimed|wrote|tweeted|posted|"
    r"revised|updated|rose|risen|climbed|increased|jumped|reached|stood|stands|released|published|issued|"
    r"identified|named|denied|condemned|blamed|accused|acknowledged|admitted|warned|called|urged|"
    r"found|discovered|recovered|buried|mourned|returned|visited|arrived|resumed|reopened|released)"
    r"(?:\s+[\w'\u2019-]+){0,2}?[\s,]+(?:late\s+|early\s+)?(?:on\s+|by\s+|as\s+of\s+)?$",
    re.I,
)
_REPORT_AFTER = re.compile(
    r"(?<![\s,])[\s,]*(?:(?:morning|afternoon|evening|night)\s+)?(?:\w+ly\s+)?(?:said|says|claimed|announced|confirmed|"
    r"revised|raised|lowered|reported|denied|blamed|accused|identified|released|told|published|issued|"
    r"updated|put\s+the\s+(?:death\s+)?toll|buried|mourned|held\s+(?:funerals?|a\s+funeral|vigils?)|"
    r"returned|visited|found|recovered|condemned)\b",
    re.I,
)


def reporting(text: str, start: int, end: int) -> bool:
    """Whether the date at text[start:end] dates a statement ("said on Sunday", "on Monday claimed",
    "the toll rose to 24 on Wednesday") rather than the event it reports."""
    if _EVENT_AFTER.match(text, end, end + 40):
        return False  # "claimed responsibility for last Thursday's attack": the attack's date
    before = text[max(0, start - 45) : start]
    if _BY_DATE.search(before):
        return True  # "had completed all autopsies by late on Thursday": a deadline
    return bool(_REPORT_BEFORE.search(before) or _REPORT_AFTER.match(text, end, end + 45))


_BY_DATE = re.compile(r"\b(?:by|until|till)\s+(?:late\s+|early\s+)?(?:on\s+)?$", re.I)
_EVENT_AFTER = re.compile(
    r"['\u2019]s\b|(?<!\s)\s+(?:[\w-]{1,40}\s+){0,2}(?:attacks?|bombings?|blasts?|explosions?|strikes?|raids?|assault|"
    r"shooting|ambush|massacre|killings?|clashes|siege)\b",
    re.I,
)


def _recent(published: date, month: int, day: int, year: int | None) -> date | None:
    """The date with that month/day: in `year`, or the most recent one not after publication (+2 days grace)."""  # noqa: E501
    try:
        if year:
            return date(year, month, day)
        d = date(published.year, month, day)
        if d > published + timedelta(days=2):
            d = date(published.year - 1, month, day)
        return d
    except ValueError:
        return None


def find_dates(text: str, published: date, offset: int = 0, base: date | None = None) -> list[DateMention]:
    """All date mentions in `text`, in order of appearance. "Two days earlier" counts back from the
    date the text gave last, else from `base` (the story's last date), else from `published`."""
    out: list[DateMention] = []
    if not _ANY_DATE_WORD.search(text):
        return out  # most sentences give no date: one pass instead of a dozen
    taken = bytearray(len(text) + 1)  # characters already read as part of a date

    def add(m: re.Match, a: date, b: date, precision: str) -> None:
        if any(taken[m.start() : m.end()]):
            return
        if a > published + timedelta(days=2) or a.year < 1900:
            return
        taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
        out.append(DateMention(a, b, precision, offset + m.start(), offset + m.end(), m.group()))

    for m in _PART_MONTH.finditer(text):
        month = MONTHS[m.group(2).lower().rstrip(".")]
        year = int(m.group(3)) if m.group(3) else None
        first = _recent(published, month, 1, year)
        if not first:
            continue
        last = first.replace(day=calendar.monthrange(first.year, month)[1])
        part = m.group(1).lower()
        if part == "early" or "beginning" in part:
            a, b = first, first + timedelta(days=10)
        elif part == "mid":
            a, b = first + timedelta(days=9), first + timedelta(days=20)
        else:
            a, b = first + timedelta(days=14), last
        add(m, a, min(b, published), "month")
    for rx, dm in ((_DMY, True), (_MDY, False)):
        for m in rx.finditer(text):
            dd, mon = (m.group(1), m.group(2)) if dm else (m.group(2), m.group(1))
            month = MONTHS.get(mon.lower().rstrip("."))
            if not month or (mon.lower() == "may" and not dm and not m.group(3) and not mon[0].isupper()):
                continue
            d = _recent(published, month, int(dd), int(m.group(3)) if m.group(3) else None)
            if d:
                add(m, d, d, "day")
    for m in _MONTH_YEAR.finditer(text):
        month = MONTHS[m.group(1).lower().rstrip(".")]
        if m.group(1).lower() == "may" and not m.group(1)[0].isupper():
            continue
        if m.group(2):
            year = int(m.group(2))
        elif m.group(3) and m.group(3).lower() == "last":
            year = published.year - 1
        else:
            year = published.year if month <= published.month else published.year - 1
        first = date(year, month, 1)
        last = first.replace(day=calendar.monthrange(year, month)[1])
        add(m, first, min(last, max(first, published)), "month")
    for m in _WEEKDAY.finditer(text):
        wd = WEEKDAYS[m.group(2).lower()]
        back = (published.weekday() - wd) % 7
        if (m.group(1) or "").lower() == "last" and back == 0:
            back = 7
        d = published - timedelta(days=back)
        add(m, d, d, "day")
    for m in _REL.finditer(text):
        w = m.group(1).lower()
        if w == "yesterday" or w == "last night":
            d = published - timedelta(days=1)
            add(m, d, d, "day")
        elif w in ("today", "tonight") or w.startswith("this"):
            add(m, published, published, "day")
        elif m.group(2):
            n = _num(m.group(2))
            if n:
                d = published - timedelta(days=n)
                add(m, d, d, "day")
        elif w.startswith("a week"):
            d = published - timedelta(days=7)
            add(m, d, d, "week")
        elif w == "last week":
            d = published - timedelta(days=published.weekday() + 7)  # the Monday of the week before
            add(m, d, d + timedelta(days=6), "week")
        elif m.group(3) or m.group(4):
            n = ORDINALS.get((m.group(3) or m.group(4)).lower())
            if n:
                add(m, published - timedelta(days=n - 1), published, "day")
    for m in _HOLIDAY.finditer(text):
        if m.group("easter"):
            d = easter(published.year)
            add(m, *(2 * [d if d <= published + timedelta(days=2) else easter(published.year - 1)]), "day")
            continue
        month, day = (
            (12, 24)
            if m.group("xeve")
            else (12, 31)
            if m.group("nyeve")
            else ((1, 1) if "New" in m.group() else (12, 25))
        )
        d = _recent(published, month, day, None)
        if d:
            add(m, d, d, "day")
    for m in _SPAN_AFTER.finditer(text):
        n = 1 if m.group("n").lower() in ("a", "an") else _num(m.group("n"))
        if n:
            unit = m.group("unit").lower().rstrip("s")
            back = n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
            d = published - timedelta(days=back)
            add(m, d, d, "day" if unit == "day" else unit)
    for m in _AGO.finditer(text):
        if _SINCE_BEFORE.search(text, max(0, m.start() - 80), m.start()):
            continue  # "the first since Hamas took over three weeks ago": dates the other thing
        n = 1 if m.group("n").lower() in ("a", "an") else _num(m.group("n"))
        if n:
            unit = m.group("unit").lower().rstrip("s")
            d = published - timedelta(days=n * {"week": 7, "fortnight": 14, "month": 30, "year": 365}[unit])
            add(m, d, d, "week" if unit == "fortnight" else unit)
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        add(m, date(y, 1, 1), min(date(y, 12, 31), published), "year")
    for m in _LAST_YEAR.finditer(text):
        y = published.year - 1
        add(m, date(y, 1, 1), date(y, 12, 31), "year")
    out.sort(key=lambda d: d.start)
    ends = [d.end for d in out]
    for m in _EARLIER.finditer(text):
        n = 1 if m.group("n").lower() in ("a", "an") else _num(m.group("n"))
        if not n:
            continue
        k = bisect.bisect_right(ends, offset + m.start())
        anchor_day = out[k - 1].start_date if k else base or published
        d = anchor_day - timedelta(days=n * (7 if m.group("unit").lower().startswith("week") else 1))
        add(m, d, d, "day")
    out.sort(key=lambda d: d.start)
    return out


def easter(year: int) -> date:
    """Western Easter Sunday of `year` (the Gregorian computus)."""
    golden = year % 19
    century, years = divmod(year, 100)
    leap_c, rest_c = divmod(century, 4)
    moon_fix = (century + 8) // 25
    skipped = (century - moon_fix + 1) // 3
    epact = (19 * golden + century - leap_c - skipped + 15) % 30
    leap_y, rest_y = divmod(years, 4)
    weekday = (32 + 2 * rest_c + 2 * leap_y - epact - rest_y) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def month_day(phrase: str, published: date) -> date | None:
    """A dateline's date ("Jan 17", "29 November 2020", "Dec. 24, 2019"), the most recent one when
    it gives no year."""
    m = _MDY.fullmatch(phrase.strip())
    if m:
        mon, dd, yy = m.group(1), m.group(2), m.group(3)
    else:
        m = _DMY.fullmatch(phrase.strip())
        if not m:
            return None
        dd, mon, yy = m.group(1), m.group(2), m.group(3)
    month = MONTHS.get(mon.lower().rstrip("."))
    if not month:
        return None
    return _recent(published, month, int(dd), int(yy) if yy else None)


def _num(word: str) -> int | None:
    w = word.lower()
    if w.isdigit():
        return int(w)
    return UNITS.get(w)
