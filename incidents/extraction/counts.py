"""Casualty figures: how many were killed or injured, as low/best/high.

Only numbers grammatically tied to a death or injury word count; prisoners,
displaced people, arrests and crowd sizes do not. Vague quantities follow fixed
rules: "dozens" -> 24, "scores" -> 40, "hundreds" -> 200, "several" -> 3,
"a number of" -> unknown (vague).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .types import Count

UNITS = {
    "zero": 0,
    "no": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
    "both": 2,
    "couple": 2,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
VAGUE = {
    "dozens": 24,
    "scores": 40,
    "hundreds": 200,
    "thousands": 2000,
    "several": 3,
    "many": None,
    "some": None,
    "number": None,
    "unknown": None,
    "unspecified": None,
    "few": 3,
}

_NUMWORD = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|zero|no|an?|one|single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen|both|couple|hundred|thousand|million|dozens|scores|hundreds|thousands|several|many|some|few|number|unknown|unspecified)\b"  # noqa: E501
# words that continue a number ("twenty one", "3 hundred"): never "a", "no" or a vague word
_NUMCONT = r"(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|dozen|hundred|thousand|million)\b"  # noqa: E501
NUM = rf"(?:(?:at\s+least|more\s+than|over|some|about|around|nearly|almost|approximately|up\s+to|as\s+many\s+as|less\s+than|fewer\s+than|another|a\s+further|an?\s+(?=(?:number|dozen|couple|few|hundred|thousand)\b)|the)\s+)?{_NUMWORD}(?:[\s-]+(?:and\s+)?{_NUMCONT}){{0,6}}(?:\s+of)?"  # noqa: E501
DEATH = r"(?:killed|dead|died|dies|slain|murdered|executed|martyred|lost\s+their\s+lives|lost\s+his\s+life|lost\s+her\s+life|shot\s+dead|beheaded|decapitated|hanged|lynched|fatalit(?:y|ies)|deaths?|bodies|corpses|perished)"  # noqa: E501
HURT = r"(?:injured|wounded|hurt|injuries|injuring|wounding|hospitali[sz]ed)"
_STOP = rf"(?:and|or|were|was|are|is|had|have|has|{_NUMWORD}|{DEATH}|{HURT}|killing|injuring|wounding)\b"
NOUN = rf"(?:(?!{_STOP})[A-Za-z'\u2019-]+,?\s+){{0,4}}?"
BE = r"(?P<be>(?:(?:were|was|have\s+been|has\s+been|had\s+been|are|is|reportedly|also|later|all|allegedly|been|being|confirmed|reported|found|left|shot\s+and|\w+ly)\s+)*)"  # noqa: E501

# "the death toll from the attack on the airport ... has risen to 26", "the number of people killed
# ... rose to 27": a stated total, however long the phrase between
_TOLL = re.compile(
    rf"\b(?:death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|people\s+killed|those\s+killed|"
    rf"fatalities|victims|people\s+who\s+died|dead\s+people))\b(?:[^.!?;]|\.(?!\s+[A-Z])){{0,160}}?\b(?:(?:has|had|have)\s+)?"
    rf"(?:now\s+)?(?:risen|rose|climbed|increased|jumped|reached|hit|passed|topped|surpassed|stands|stood|"
    rf"went\s+up|gone\s+up|(?:been\s+)?(?:revised|raised|lowered|reduced|put)(?:\s+(?:up|down)(?:wards?)?)?|"
    rf"up|down)\s+(?:to|at)\s+(?P<n>{NUM})",
    re.I,
)
_TOLL_REVISED = re.compile(
    rf"\b(?:revised|raised|lowered|put)\s+(?:(?:up|down)(?:wards?)?\s+)?(?:to|at)\s+(?P<n>{NUM})\s+"
    rf"the\s+(?:death\s+toll|toll|number\s+of\s+(?:people\s+killed|dead|deaths|victims))",
    re.I,
)
# "he later revised the figure down to one": the speaker's own toll, corrected
_FIGURE_REVISED = re.compile(
    rf"\b(?:revised|corrected|lowered|raised|reduced|cut)\s+(?:the|that|this|his|her|its|their)\s+"
    rf"(?:figure|estimate|count)\s+(?:(?:up|down)(?:wards?)?\s+)?to\s+(?P<n>{NUM})",
    re.I,
)
_TOLL_PUT = re.compile(
    rf"\bput(?:s|ting)?\s+the\s+(?:death\s+)?toll\s+(?:[\w'\u2019-]+\s+){{0,6}}?at\s+(?P<n>{NUM})", re.I
)
_TOLL_SHORT = re.compile(
    rf"\bdeath\s+toll\s+(?:\w+\s+){{0,4}}?(?:to|of|at|is|was|stands\s+at|reached|rose\s+to|climbed\s+to)\s+(?P<n>{NUM})",
    re.I,
)
# "nine members of one family, including six children, were killed", "killing six members of a family"
_FAMILY = re.compile(
    r"(?P<pre>(?<=\bkilling\s)|(?<=\bkilled\s)|(?<=\bkills\s))?"
    rf"\b(?P<n>{NUM})\s+(?:members\s+of\s+(?:a|one|the|an?|his|her|their)\s+(?:\w+\s+)?family|"
    rf"(?:family|relatives)\s+members)\b(?(pre)|[^.;]{{0,60}}?\b(?:killed|died|dead|slain)\b)",
    re.I,
)
_N_DIED = re.compile(rf"\b(?P<n>{NUM})\s+(?P<noun>{NOUN}){BE}(?:{DEATH})\b(?!\s+toll)", re.I)
_KILLED_N = re.compile(
    rf"\b(?:killing|killed|kill|kills|claimed\s+the\s+lives\s+of|left|leaving|execut\w+|shot\s+dead|beheaded|hanged)\s+(?:at\s+least\s+)?(?P<n>{NUM})\b\s*(?P<noun>{NOUN})",  # noqa: E501
    re.I,
)
# "resulting in the deaths of four cattle keepers and one attacker"
_DEATHS_OF = re.compile(
    rf"\b(?:deaths|killings?|murders?)\s+of\s+(?:at\s+least\s+)?(?P<n>{NUM})\b\s*(?P<noun>{NOUN})", re.I
)
_N_DEATHS = re.compile(
    rf"\b(?P<n>{NUM})\s+(?:people\s+)?(?:deaths|fatalities|fatality|bodies|martyrs)\b", re.I
)
_BODIES_OF = re.compile(rf"\b(?:bodies|remains|corpses)\s+of\s+(?P<n>{NUM})\b\s*(?P<noun>{NOUN})", re.I)
_CODED = re.compile(rf"\bfatalities\s+(?:were\s+)?coded\s+as\s+(?P<n>{NUM})", re.I)  # ACLED: "coded as 10"
_N_HURT = re.compile(
    rf"\b(?P<n>{NUM})\s+(?P<noun>{NOUN}){BE}(?!injuring|wounding)(?:{HURT})\b(?!\s+(?:later\s+)?(?:died|succumbed))",
    re.I,
)
_HURT_N = re.compile(
    rf"\b(?:injuring|wounding|injured|wounded|injures|wounds|injure|wound)\s+(?:at\s+least\s+)?(?P<n>{NUM})\b\s*(?P<noun>{NOUN})",  # noqa: E501
    re.I,
)
# in the order tried: a span taken by one pattern is not read again by a later one
_PATTERNS = {
    "fatalities": [
        _TOLL,
        _TOLL_REVISED,
        _FIGURE_REVISED,
        _TOLL_PUT,
        _FAMILY,
        _N_DIED,
        _KILLED_N,
        _DEATHS_OF,
        _TOLL_SHORT,
        _N_DEATHS,
        _BODIES_OF,
        _CODED,
    ],
    "injured": [_N_HURT, _HURT_N],
}
_DEATH_WORDS = (
    "kill",
    "dead",
    "die",
    "death",
    "slain",
    "murder",
    "execut",
    "martyr",
    "lives",
    "life",
    "behead",
    "decapitat",
    "hang",
    "lynch",
    "fatal",
    "bodies",
    "corpse",
    "perish",
    "shot",
)
_HURT_WORDS = ("injur", "wound", "hurt", "hospitali")
# words each pattern cannot match without: a sentence lacking them is not searched with it
_NEEDS = {
    _TOLL: ("toll", "number of"),
    _TOLL_REVISED: ("toll", "number of"),
    _FIGURE_REVISED: ("figure", "estimate", "count"),
    _TOLL_PUT: ("toll",),
    _FAMILY: ("family", "relatives"),
    _N_DIED: _DEATH_WORDS,
    _KILLED_N: ("kill", "claimed the lives", "left", "leaving", "execut", "shot dead", "behead", "hanged"),
    _DEATHS_OF: ("deaths of", "killing of", "killings of", "murder"),
    _TOLL_SHORT: ("death toll",),
    _N_DEATHS: ("deaths", "fatalit", "bodies", "martyrs"),
    _BODIES_OF: ("bodies of", "remains of", "corpses of"),
    _CODED: ("coded",),
    _N_HURT: _HURT_WORDS,
    _HURT_N: _HURT_WORDS,
}
_SUBJECT_FORMS = (_N_DIED, _N_HURT)  # "<figure> <who> were killed"
_OBJECT_FORMS = (_KILLED_N, _HURT_N, _DEATHS_OF)  # "killing <figure> <who>"
PERPS = re.compile(
    r"\b(?:bombers?|gunm[ae]n|militants?|attackers?|assailants?|terrorists?|insurgents?|forces|troops|army|police|group|rebels?|fighters?|men|strikes?|attacks?|blasts?|explosions?|bombings?|clashes|fighting|violence|shelling)\b",
    re.I,
)
NOT_VICTIMS = re.compile(
    r"\b(?:prisoners?|inmates?|displaced|refugees|arrest\w*|detain\w*|protesters?|demonstrators?|people\s+took|members|families|homes|houses|years?|months?|days?|hours?|minutes?|times|percent|per\s+cent|km|kilometers?|miles?|meters?|metres?|dollars?|tons?)\b",
    re.I,
)


@dataclass(frozen=True)
class CountMention:
    field: str  # "fatalities" or "injured"
    count: Count
    start: int
    end: int
    text: str
    tally: bool = False  # a stated total ("death toll rose to 9", "3 fatalities"), not a narrative figure
    single: bool = False  # one victim told in the singular ("the president was assassinated")
    additive: bool = False  # more dead besides those told: "13 service members also died", "three other"


def parse_number(phrase: str) -> Count | None:
    """'over 120' -> Count(121, 120, None); 'three thousand' -> 3000; 'dozens' -> vague 24;
    '3-5' -> Count(3, 3, 5), the lower figure being the conservative best."""
    span = re.fullmatch(r"\s*(\d+)\s*[-\u2013]\s*(\d+)\s*", phrase)
    if span and int(span.group(1)) < int(span.group(2)):
        low, high = int(span.group(1)), int(span.group(2))
        return Count(low, low, high)
    p = phrase.lower().replace("-", " ").strip()
    mod = ""
    m = re.match(
        r"(at least|more than|over|some|about|around|nearly|almost|approximately|up to|as many as|less than|fewer than|another|a further|the)\s+",  # noqa: E501
        p,
    )
    if m:
        mod, p = m.group(1), p[m.end() :]
    p = re.sub(r"\s+of$", "", p)
    words = p.split()
    if not words:
        return None
    if words[0] in ("no", "zero") or p.startswith(("no one", "none")):
        return Count(0, 0, 0)  # "no one was hurt", "No-one"
    total, current, vague, seen = 0, 0, False, False
    for w in words:
        w = w.replace(",", "")
        if w == "and":
            continue
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            current += int(float(w))
            seen = True
        elif w in UNITS:
            if w in ("a", "an") and len(words) > 1:
                current += 1 if words[-1] not in ("number", "few") else 0
                continue
            current += UNITS[w] if w != "dozen" else 0
            if w == "dozen":
                current = max(current, 1) * 12
            seen = True
        elif w in SCALES:
            current = max(current, 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total, current = total + current, 0
            seen = True
        elif w in VAGUE:
            vague = True
            v = VAGUE[w]
            if v is None:
                return Count(None, None, None, vague=True)
            current += v
            seen = True
        else:
            return None
    if not seen:
        return None
    n = total + current
    if vague:
        return Count(None, n, None, vague=True)
    if mod in ("more than", "over"):
        return Count(n + 1, n, None)
    if mod == "at least":
        return Count(n, n, None)
    if mod in ("up to", "as many as", "less than", "fewer than"):
        return Count(None, n, n)
    if mod in ("about", "around", "nearly", "almost", "approximately", "some"):
        return Count(None, n, None)
    return Count(n, n, n)


_OBJECT = re.compile(rf"(?<!\s)\s+(?:at\s+least\s+|the\s+|an?\s+|{_NUMWORD}\b)", re.I)
_INCLUDING = re.compile(r",\s*(?:including|among\s+them|among\s+whom)\b[^,]{0,80},", re.I)
# "2 militants including a commander were killed": the part named after "including" is in the toll
_INCLUDING_BARE = re.compile(r"(?<=[a-z])\s+including\s+(?:[\w'-]+\s+){1,4}?(?=(?:were|was)\b)", re.I)
_PASSIVE = re.compile(r"\b(?:were|was|been|are|is)\b", re.I)
_AND_MORE = re.compile(
    rf"(?<!\s)\s+(?:(?!{_STOP})[A-Za-z'-]{{1,40}}\s+){{0,3}}?and\s+(?P<n>{NUM})\s+(?:(?!{_STOP})[A-Za-z'-]{{1,40}}\s+){{0,3}}",
    re.I,
)


# A figure that is not this event's toll: a war's running total ("since the war began"), a figure
# the article replaces ("up from 20", "an earlier version said 101"), a recalled event's toll
# ("a month after 71 soldiers were killed"), or deaths and injuries lumped together.
_CUMULATIVE_AFTER = re.compile(
    r"[^.;]{0,90}?\b(?:since\s+(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+|the\s+(?:start|beginning|outbreak|war|conflict|invasion|uprising|insurgency|crisis|"
    r"revolution|coup|fighting)|(?:19|20)\d\d|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|it\s+began|then|records\s+began|last\s+year|early|late|mid)|so\s+far|to\s+date|"
    r"this\s+year|in\s+total|altogether|"
    r"(?:in|over|during)\s+the\s+(?:past|last)\s+(?:\w+\s+)?(?:years?|months?|weeks?|decades?)|"
    r"in\s+recent\s+(?:weeks|months|years)|over\s+the\s+years|each\s+year|every\s+year|a\s+year|"
    r"in\s+a\s+(?:week|month))\b",
    re.I,
)
_CUMULATIVE_BEFORE = re.compile(
    r"(?:\b(?:war|conflict|insurgency|violence|fighting|campaign|crisis|uprising|unrest|attacks)\s+"
    r"(?:that\s+|which\s+)?(?:has|have|had)\s+(?:so\s+far\s+|now\s+|already\s+)?(?:killed|claimed|left)\s+"
    r"|\bcumulative\s+|\b(?:tens|hundreds)\s+of\s+thousands\s+of\s+)[^.;]{0,30}$"
    r"|\ba\s+total\s+of\s+(?=[^.;]{0,40}\b(?:have|has)\s+been\s+killed)"
    # "In a week more than 60 soldiers have been killed": a tally over a period, not one event's
    r"|\b(?:in|over|during|within)\s+(?:a|one|the\s+(?:past|last))\s+(?:\w+\s+)?(?:weeks?|months?|years?|fortnight)"
    r"[\s,]+(?:alone[\s,]+)?(?:(?:at\s+least|more\s+than|over|nearly|almost|some|about)\s+)?$",
    re.I,
)
_SUPERSEDED_BEFORE = re.compile(
    r"(?:\b(?:up|down)\s+from|\bfrom\s+(?:an?\s+)?(?:earlier|previous|initial|original)?\s*(?:figure|toll|count)?"
    r"(?:\s+of)?|\b(?:version|report)\s+of\s+this\s+(?:story|article)\s+(?:said|stated|gave))\s+(?:at\s+least\s+)?$"
    r"|\b(?:earlier|previous(?:ly)?|initial(?:ly)?|original(?:ly)?|first)\b[^.;]{0,30}?\b(?:said|says|reported|put|"
    r"gave|announced|stated|given|cited|tweeted|posted|wrote|claimed|told|estimated|counted|figures?|tolls?|"
    r"reports?)\b[^.;]{0,25}$",
    re.I,
)
_RECALLED = re.compile(
    r"\b(?:(?:\w+\s+)?(?:days?|weeks?|months?|years?|decades?)\s+(?:after|before|since|earlier|ago)|"
    r"(?:last|previous)\s+(?:week|month|year)|earlier\s+this\s+(?:month|year)|anniversary|"
    r"a\s+similar\s+(?:\w+\s+)?(?:attack|bombing|incident|raid|assault)|"
    r"(?:in|during)\s+(?:\w+\s+){0,2}(?:19|20)\d\d)\b",
    re.I,
)
# "the earlier bout of violence killed nearly 100": an older event's toll, in the same clause before it
_EARLIER_EVENT = re.compile(r"\b(?:the|an)\s+(?:earlier|previous|prior)\s+[^,.;]{0,50}$", re.I)
# the killing a protest condemns or a funeral mourns is not the protest's toll
_GRIEVANCE = re.compile(
    r"\b(?:condemn|denounc|protest(?:ing|ed|s)?\s+(?:against|over)|mourn|demand(?:ing|ed|s)?\s+justice\s+for|"
    r"commemorat|outrage\s+(?:at|over)|anger\s+(?:at|over)|in\s+memory\s+of)\w*\s+(?:the\s+|a\s+)?"
    r"(?:\w+\s+){0,2}?(?:killing|murder|death|deaths|assassination|shooting|lynching)\b[^.;]{0,60}$",
    re.I,
)
_LUMPED = re.compile(r"(?<!\s)\s+(?:or|and|and/or)\s+(?:wounded|injured|hurt|missing)\b", re.I)
_MONTH_NOUN = re.compile(
    r"^(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\b"
)
_VERBISH = re.compile(
    r"\b(?:\w+ing|still|then|when|while|who|which|that|to|for|from|with|by|those|these)\b", re.I
)


def _not_this_toll(text: str, m: re.Match, field: str) -> bool:
    """Whether the figure matched by `m` is a running total, a superseded, a recalled or a lumped one."""
    a, b = m.start("n"), m.end()
    if _CUMULATIVE_AFTER.match(text, b) or _CUMULATIVE_BEFORE.search(text[max(0, a - 80) : a]):
        return True
    if _SUPERSEDED_BEFORE.search(text[max(0, a - 70) : a]):
        return True
    near = text[max(0, a - 60) : min(len(text), b + 60)]
    if _RECALLED.search(near) or _GRIEVANCE.search(text[max(0, a - 100) : b]):
        return True
    if _EARLIER_EVENT.search(text, max(0, a - 60), a):
        return True
    return field == "fatalities" and bool(_LUMPED.match(text, b))


def _bad_noun(noun: str, be: str) -> bool:
    """A noun phrase that is not who died: a month ("16 September, which killed"), a clause."""
    words = noun.split()
    if not words:
        return False
    if (
        _MONTH_NOUN.match(words[0])
        or _VERBISH.search(noun)
        or words[0].startswith(("-year", "-month", "-day"))
    ):
        return True
    return bool(NOT_VICTIMS.search(noun)) and not _protesters_died(noun, be)


def _protesters_died(noun: str, be: str) -> bool:
    """ "two protesters were shot dead" counts; "3,000 protesters mourned the dead" does not."""
    return len(noun.split()) <= 2 and bool(be.strip()) and bool(_PROTEST_NOUN.search(noun))


_PROTEST_NOUN = re.compile(r"\b(?:protesters?|demonstrators?)\b", re.I)
# One victim named or described in the singular: "the president was assassinated", "she was shot dead".
_SINGLE = re.compile(
    r"\b(?:was|has\s+been|had\s+been)\s+(?:\w+ly\s+)?(?:shot\s+dead|shot\s+and\s+killed|shot\s+to\s+death|"
    r"killed|murdered|assassinated|slain|beheaded|lynched|martyred|"
    r"(?:stabbed|beaten|hacked|burned|burnt|tortured)\s+to\s+death)\b"
    r"|\b(?:assassinated|assassination\s+of|killing\s+of)\s+(?:the\s+|an?\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:[A-Z][\w'-]+|president|governor|mayor|minister|journalist|correspondent|reporter|commander|leader|"
    r"cleric|judge|lawmaker|legislator|officer|activist|official)\b",
)
_NO_ONE = re.compile(r"\b(?:no\s+one|nobody|none)\s+(?:\w+\s+){0,2}$", re.I)


def find_counts(text: str, offset: int = 0) -> list[CountMention]:
    """Death and injury figures in one sentence, with "three soldiers and two civilians" summed."""
    return list(_find_counts(text, offset))


# every pattern below needs one of these words
_HARM_WORD = re.compile(
    r"kill|dead|die[sd]?\b|death|toll|wound|injur|hurt|slain|bod(?:y|ies)|corpse|martyr|execut|behead|"
    r"decapitat|hang|lynch|murder|fatal|lives|life|perish|hospitali|remains|shot|victim|assassin|"
    r"(?:the|that|this|his|her|its|their)\s+(?:figure|estimate|count)\b",
    re.I,
)


@lru_cache(maxsize=4096)  # each sentence is read by the grouping and again by its incident
def _find_counts(text: str, offset: int) -> tuple[CountMention, ...]:
    if not _HARM_WORD.search(text):
        return ()  # most sentences of a story count no dead or hurt: skip the costly patterns
    out: list[CountMention] = []
    # ", including the ten assailants," is a part of the toll already counted: blank it, keeping offsets
    text = _INCLUDING.sub(lambda m: " " * len(m.group()), text)
    text = _INCLUDING_BARE.sub(lambda m: " " * len(m.group()), text)
    low = text.lower()
    for field, patterns in _PATTERNS.items():
        taken = bytearray(len(text) + 1)  # characters a pattern tried earlier has read for this field
        for rx in patterns:
            if not any(word in low for word in _NEEDS[rx]):
                continue  # the pattern's own words are not in the sentence
            for m in rx.finditer(text):
                if any(taken[m.start() : m.end()]):
                    continue
                noun = m.groupdict().get("noun") or ""
                be = m.groupdict().get("be") or ""
                if _bad_noun(noun, be) or (
                    rx is not _FAMILY
                    and NOT_VICTIMS.match(text[m.end("n") : m.end("n") + 12].strip())
                    and not _protesters_died(noun, be)
                ):
                    continue
                if _AGE.match(text, m.end("n")):
                    continue  # "the 19-year-old officer": an age
                n_words = m.group("n").lower().split()
                if n_words[-1] == "of" and noun.lower().startswith(("the ", "those ")):
                    continue  # "two of the fatalities were adolescents": a part of the dead, not a toll
                if n_words in (["a"], ["an"]) and rx in (_TOLL, _TOLL_SHORT, _TOLL_PUT):
                    continue  # "the death toll is an increase by 19": no figure
                if (
                    n_words in (["a"], ["an"])
                    and rx in _SUBJECT_FORMS
                    and (not noun.strip() or not be.strip())
                    or n_words[:2]
                    == [
                        "the",
                        "number",
                    ]
                ):
                    continue  # "a slain militant", "the number of people killed" (no figure)
                if _not_this_toll(text, m, field):
                    continue
                if (
                    "be" in m.groupdict()
                    and not _PASSIVE.search(m.group("be"))
                    and PERPS.search(noun)
                    and _OBJECT.match(text, m.end())
                ):
                    continue  # "a suicide bomber killed 12 ..." names the killer, not the dead
                c = parse_number(m.group("n"))
                if c is None:
                    continue
                if c.best and 1900 <= c.best <= 2100 and "," not in m.group("n"):
                    continue  # a year, not a toll
                c = _split_share(text, m, _sum_conjoined(text, m, c))
                if rx in _OBJECT_FORMS:
                    more = _AND_MORE.match(text, m.end("n"))
                    extra = parse_number(more.group("n")) if more else None
                    if not extra and _AND_ONE.match(text, m.end("n")):
                        extra = Count(1, 1, 1)  # "killing three teachers and their driver"
                    if extra and extra.best and not extra.vague and c.best is not None:
                        c = _plus(c, extra.best)
                taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                tally = field == "fatalities" and bool(_TALLY.search(m.group()))
                more_of = bool(
                    _ADDITIVE_N.match(m.group("n"))
                    or _ADDITIVE_AFTER.match(text, m.end("n"))
                    or _ALSO.search(m.group())
                )
                out.append(
                    CountMention(
                        field,
                        c,
                        offset + m.start("n"),
                        offset + m.end(),
                        m.group().strip(),
                        tally,
                        additive=more_of,
                    )
                )
    if not any(c.field == "fatalities" for c in out):
        for m in _SINGLE.finditer(text):
            if not _NO_ONE.search(text[max(0, m.start() - 30) : m.start()]) and not _not_this_toll(
                text, _SingleMatch(m), "fatalities"
            ):
                out.append(
                    CountMention(
                        "fatalities",
                        Count(1, 1, 1),
                        offset + m.start(),
                        offset + m.end(),
                        m.group().strip(),
                        single=True,
                    )
                )
                break
    out.sort(key=lambda c: c.start)
    return tuple(out)


class _SingleMatch:
    """A match seen as a count match (its figure spans the whole phrase)."""

    def __init__(self, m: re.Match) -> None:
        self._m = m

    def start(self, group: str | int = 0) -> int:
        return self._m.start()

    def end(self, group: str | int = 0) -> int:
        return self._m.end()


def _plus(c: Count, n: int) -> Count:
    return Count(
        None if c.low is None else c.low + n, c.best + n, None if c.high is None else c.high + n, c.vague
    )


# "and the bomber", "and their Pakistani driver": one more, named in the singular
_AND_ONE = re.compile(
    r"(?<!\s)(?:\s+[\w'-]{1,40}){1,3}?\s+and\s+(?:the|a|an|their|his|her|its)\s+(?:[A-Za-z'-]{1,40}\s+)?"
    r"[a-z][a-z-]{1,30}[^s\W](?=[\s,.;]|$)"
)
# more dead besides those already told: "another five", "three other people", "13 soldiers also died"
_AGE = re.compile(r"-(?:year|month|week|day)s?-old\b|(?<!\s)\s+(?:years?|months?)\s+old\b", re.I)
_ADDITIVE_N = re.compile(r"(?:another|a\s+further)\b", re.I)
_ADDITIVE_AFTER = re.compile(r"(?<!\s)\s+(?:other|more)\b", re.I)
_ALSO = re.compile(r"\balso\s+(?:died|killed|been\s+killed|were\s+killed|was\s+killed|perished)\b", re.I)
_TALLY = re.compile(r"\b(?:toll|number\s+of|deaths|fatalit(?:y|ies)|figure|estimate|count)\b", re.I)

# ACLED: "20 fatalities split up between 3 events" - this event carries its share.
_SPLIT = re.compile(
    rf"(?<!\s)\s+(?:were\s+)?split\s+(?:up\s+)?(?:equally\s+)?(?:between|among|across|over)\s+(?P<k>{NUM})\s+(?:events|incidents)",
    re.I,
)


def _split_share(text: str, m: re.Match, c: Count) -> Count:
    """A total shared by several events: low is the even share, best and high round up."""
    split = _SPLIT.match(text, m.end())
    parts = parse_number(split.group("k")) if split else None
    if not parts or not parts.best or parts.best < 2 or c.best is None or c.vague:
        return c
    k = parts.best
    return Count(c.best // k, -(-c.best // k), -(-c.best // k))


_CONJ = re.compile(rf"\b(?P<n>{NUM})\s+(?:(?!{_STOP})[A-Za-z'-]+\s+){{1,3}}?(?:and|,)\s+$", re.I)


_CLAUSE_VERB = re.compile(
    r"\b(?:broke|erupted|took|began|started|happened|occurred|opened|fired|attacked|arrived|exploded)\b", re.I
)


def _sum_conjoined(text: str, m: re.Match, c: Count) -> Count:
    """Add "three soldiers and" before "two civilians were killed"."""
    before = text[max(0, m.start() - 60) : m.start()]
    k = _CONJ.search(before)
    if not k or c.best is None:
        return c
    if re.search(
        r"(?:kill\w*|injur\w*|wound\w*|leaving|left|lost|claimed)\s+(?:at\s+least\s+)?$", before[: k.start()]
    ):
        return c  # "killing 5 people and injuring 20": a different figure
    if _CLAUSE_VERB.search(k.group()):
        return c  # "A shoot-out broke out and a suspect was shot": two clauses, not two victims
    extra = parse_number(k.group("n"))
    if not extra or extra.best is None or extra.vague:
        return c
    add = extra.best
    return Count(
        None if c.low is None else c.low + add,
        c.best + add,
        None if c.high is None else c.high + add,
        c.vague,
    )
