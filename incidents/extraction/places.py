"""Where an incident happened: the most precise known place, resolved to country and admin1.

ACLED-style notes spell the hierarchy out ("in Temixco, Morelos", "(Hays, Al Hudaydah)"),
so those patterns are read first; otherwise the gazetteer match that is most precise and
lies in the article's countries wins.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .gazetteer import MAX_TOKENS, _key, admin1_key
from .knowledge import COMMON_WORDS, Indexed, Match
from .text import Token, fold_token, name_keys, strip_accents, tokens
from .types import PlaceEntry

# A capitalised name of up to four words of at most 41 letters. Words are joined by one space
# (hyphens stay inside a word: "Port-au-Prince"), so a name can be read only one way, and a search
# reads a bounded stretch from each capital: no backtracking over "Al-Al-Al-...".
# An Arabic article joined by a hyphen ("Deir al-Balah", "Ras el-Ain") joins a word the same way.
_CAP = r"[A-Z][\w'\u2019.-]{0,40}(?:(?:(?: (?:de|del|do|da|dos|das|la|las|los|el|al|of|y|ez|az|ad|as)){0,2} | (?:al|el|ad|ar|as|an|ash|at|az|ed|es|et|ul)-)[A-Z][\w'\u2019.-]{0,40}){0,3}"  # noqa: E501
_KIND = r"(?:\s+(?:city|town|village|district|area|county|municipality|neighbou?rhood|camp|province|governorate|region|upazila|tehsil|sub-district|subdistrict|territory|cercle|commune|woreda|lga))?"  # noqa: E501
# "Tripoli, northern Lebanon": a direction before the name that places the town
_DIRECTION = r"(?:(?:north|south|east|west|central|northern|southern|eastern|western|(?:north|south)-?(?:east|west)(?:ern)?)\s+)?"  # noqa: E501
_IN_X_Y = re.compile(
    rf"\b(?:in|at|near|of|outside|from)\s+(?:the\s+)?(?:(?:village|town|city|district|area|region|province)\s+of\s+)?(?P<x>{_CAP}){_KIND},\s+{_DIRECTION}(?P<y>{_CAP})"
)
_PAREN = re.compile(
    rf"(?:(?P<w>{_CAP})|(?<!\s)){_KIND}\s*\((?P<x>[^,()]{{2,40}})(?:,\s*(?P<y>[^,()]{{2,40}}))?\)"
)
_LEADING_JUNK = re.compile(r"^(?:On|In|At|The|A|An|Near|Around)\s+")


@dataclass
class Where:
    country: str = ""
    admin1: str = ""
    admin2: str = ""
    location: str = ""
    place: PlaceEntry | None = None
    precision: str = "country"  # "exact", "region", "country"
    start: int = -1
    end: int = -1


def admin1_lookup(ix: Indexed, name: str, prefer: list[str]) -> PlaceEntry | None:
    """The admin1 entry called `name`, preferring the article's countries."""
    keys = name_keys(
        re.sub(
            r"\s+(?:province|governorate|state|region|oblast|department|district)$",
            "",
            name.strip(),
            flags=re.I,
        )
    )
    cands = ix.admin1_names.get(keys, [])
    if not cands:
        return gazetteer_admin1(ix, name, prefer)
    for code in prefer:
        for c in cands:
            if c.country == code:
                return c
    return cands[0] if len({c.country for c in cands}) == 1 or not prefer else cands[0]


def from_patterns(ix: Indexed, text: str, offset: int, prefer: list[str]) -> Where | None:
    """'(Town, Admin1)', 'Town (Admin1)' and 'in Town, Admin1' as written in ACLED and GTD notes."""
    for m in _PAREN.finditer(text):
        x, y, w = m.group("x").strip(), (m.group("y") or "").strip(), (m.group("w") or "").strip()
        adm = admin1_lookup(ix, y, prefer) if y else admin1_lookup(ix, x, prefer)
        if not adm:
            continue
        w = _LEADING_JUNK.sub("", w)
        loc = (
            w
            if (w and y and re.search(r"\b(?:in|at|near|of)\s+$", text[max(0, m.start() - 6) : m.start()]))
            else (x if y else w)
        )
        if not loc or not loc[0].isupper():
            loc = x if y else adm.name
        return _located(
            ix,
            Where(
                adm.country,
                adm.admin1 or adm.name,
                "",
                loc,
                None,
                "exact",
                offset + m.start(),
                offset + m.end(),
            ),
            text,
            m.start(),
        )
    for m in _IN_X_Y.finditer(text):
        x, y = m.group("x"), m.group("y")
        country = ix.country_names.get(name_keys(y))
        if country is not None:
            # "near Zugdidi, Georgia": the country, not a same-named region elsewhere
            known = [
                p.entry
                for p in ix.index.find(tokens(x), frozenset({"place"}))
                if p.entry.country == country.code
            ]
            if known:
                p = min(known, key=lambda e: e.kind == "admin1")
                return Where(
                    country.code,
                    p.admin1,
                    p.admin2,
                    p.name,
                    p,
                    "exact" if p.kind != "admin1" else "region",
                    offset + m.start("x"),
                    offset + m.end("x"),
                )
            return _located(
                ix,
                Where(country.code, "", "", x, None, "exact", offset + m.start("x"), offset + m.end("x")),
                text,
                m.start("x"),
            )
        adm = admin1_lookup(ix, y, prefer)
        if not adm:
            # "in Mukalla city, Hadramawt governorate": retry without the trailing kind word handled by lookup
            continue
        return _located(
            ix,
            Where(
                adm.country,
                adm.admin1 or adm.name,
                "",
                x,
                None,
                "exact",
                offset + m.start("x"),
                offset + m.end("y"),
            ),
            text,
            m.start("x"),
        )
    return None


def _located(ix: Indexed, where: Where, text: str, at: int) -> Where:
    """A pattern's place with the GeoNames town of that name in that country (and admin1): coordinates,
    admin2, and the admin1 when the pattern named only the country; 'near' when the text says so."""
    where.precision = place_precision(text, at, None)
    if where.place is not None or not where.location or ix.gazetteer is None:
        return where
    geo = geo_lookup(ix, where.location, where.country, where.admin1)
    if geo is None:
        return where
    where.place = geo
    where.admin1 = where.admin1 or geo.admin1
    where.admin2 = where.admin2 or geo.admin2
    return where


_SUFFIX = re.compile(r"^\s+(?:district|county|sub-?district|tehsil|upazila|municipality)\b", re.I)
_RAW_PLACE = re.compile(
    rf"\b(?:in|at|near|outside|(?:town|city|village|district)\s+of)\s+(?:the\s+)?(?:(?:village|town|city|area|district|neighbou?rhood|camp)\s+of\s+)?(?P<x>{_CAP})(?:\s+(?:village|town|city|area|district|neighbou?rhood|camp))?"
)
_NOT_PLACE = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|A|An|This|That|His|Her|Their|Its|Police|Army|According|Addition|Response|Total|Order|Front|Retaliation)\b"
)


def with_suffix(text: str, end: int, name: str) -> str:
    """'Kurram district' when the text says so: the longer name still contains the short one."""
    m = _SUFFIX.match(text[end : end + 20])
    return name + " " + m.group().strip().lower() if m else name


def raw_place(text: str, offset: int, known: set[tuple[str, ...]]) -> tuple[str, int, int] | None:
    """An unknown capitalised place after 'in'/'near' ("in Kolofata town"), for the location name only."""
    for m in _RAW_PLACE.finditer(text):
        x = m.group("x").rstrip(".")  # "near Rumyantsevo." ends the sentence
        if x.endswith(("'s", "\u2019s")) and " of " in x:
            x = x[: x.index(" of ")]  # "the Dansa Emirate of Western Ruritania's": the emirate
        if not x or _NOT_PLACE.match(x) or name_keys(x) in known:
            continue
        return x, offset + m.start("x"), offset + m.start("x") + len(x)
    return None


def best_place(matches: list[Match], countries: list[str]) -> Match | None:
    """Most precise place in the preferred countries, earliest first."""
    places = [m for m in matches if m.kind == "place"]
    if countries:
        inside = [m for m in places if m.entry.country in countries]
        if inside:
            places = inside
        else:
            return None
    rank = {"place": 0, "admin3": 1, "admin2": 2, "admin1": 3}
    if not places:
        return None
    return min(places, key=lambda m: (rank.get(m.entry.kind, 0), m.start))


# ---------------------------------------------------------------------------------------------
# GeoNames gazetteer: towns the curated knowledge does not list

_MONTHS_DAYS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday"
)


def _folded(words: str) -> frozenset[str]:
    return frozenset(fold_token(w) for w in words.split())


# Capitalised words of news text that are not places even where GeoNames has a village so called.
_NOT_GEO = _folded(
    _MONTHS_DAYS + " the a an this that these those there then their they them his her its our we you "
    "he she it i in on at of for from by with to into near as after before during while when where "
    "who what which but and or if no not yes all some many several other another one two three four "
    "five six seven eight nine ten first second third last new old said says say told also however "
    "meanwhile police army military forces force government ministry minister president prime "
    "security troops soldiers officials official sources source spokesman spokeswoman spokesperson "
    "authorities authority party front union council committee court news agency media press "
    "reuters associated islamic state national people popular democratic republic royal federal "
    "united liberation movement brigade brigades battalion regiment division group groups "
    "unidentified unknown armed gunmen militants militia militias rebels rebel fighters insurgents "
    "civilians civilian protesters demonstrators rioters workers students women men children "
    "friday prayers mosque church school hospital university airport market road highway street "
    "bridge square camp base checkpoint village town city district province region county area "
    "north south east west northern southern eastern western central upper lower greater new "
    "saint st mount lake river sea gulf bay island islands valley hills coast border middle far near "
    "god allah christmas easter ramadan eid muslim muslims christian christians jewish jews "
    "shia shiite sunni kurdish arab arabs turkish africa african asia european europe america "
    "american western world international global war peace attack attacks bomb bombing blast "
    "explosion clashes clash fire killed dead death deaths injured wounded hostage hostages "
    "mr mrs ms dr sir lord king queen prince princess general gen colonel col major captain capt "
    "lieutenant lt sergeant commander chief leader governor mayor senator judge sheikh imam "
    "mullah ayatollah pope bishop father brother sister mother son daughter congress parliament "
    "senate assembly cabinet embassy consulate house white palace office headquarters station"
)
_COMMON = frozenset(fold_token(w) for w in COMMON_WORDS)
_TITLE_BEFORE = _folded(
    "president mr mrs ms dr sir lord king queen prince princess general gen colonel col major captain "
    "capt lieutenant lt sergeant sgt commander chief leader governor mayor senator judge sheikh imam "
    "mullah ayatollah pope bishop minister spokesman spokeswoman spokesperson secretary ambassador "
    "director journalist activist named called identified son daughter wife husband brother mr. "
    "haji hajji emir warlord cleric"
)
_PLACE_KIND = _folded(
    "city town village district province governorate region county municipality area camp neighbourhood "
    "neighborhood suburb subdistrict sub-district tehsil upazila oblast state department prefecture "
    "valley mountains hills"
)
_STRONG_CUE = re.compile(
    r"(?:\b(?:in|at|near|outside|around|across|inside)"
    r"|\b(?:villages?|towns?|city|cities|districts?|area|outskirts|suburbs?|camp|provinces?|vicinity|countryside)"
    r"\s+of)"
    r"\s+(?:the\s+)?(?:(?:nearby|neighbouring|neighboring|southern|northern|eastern|western|central|"
    r"(?:north|south)-?(?:east|west)(?:ern)?|far|restive|remote|volatile|troubled|war-torn)\s+){0,2}$",
    re.I,
)
# an Arabic article before a name ("in Al Bab", "in al-Bab", "ad-Dawr"), not the English "at", "as", "an"
_ARTICLE_END = re.compile(
    r"(?:\b(?:[Aa]l|[Ee]l)[\s-]+|\b(?:Ad|Ar|As|An|At|Az|Ash|Adh|Ath)\s+|\b(?:[Aa][dtnsrz]|[Aa]sh|[Aa]dh|[Aa]th)-)$"
)
_DATELINE = re.compile(r"(?:(?<=\n)|(?<=^))[A-Z][A-Z' -]{2,30}(?:,|\s+\(|\s+[-\u2014\u2013])")
_LIST_GAP = re.compile(r"(?<!\s)(?:\s*,\s+(?:(?:and|or)\s+)?|\s+(?:and|or)\s+)")
_WEAK_CUE = re.compile(r"(\S{0,40})(?<!\s)\s+(?:from|to|into|towards?|between|(of))\s+(?:the\s+)?$", re.I)
_NEAR = re.compile(
    r"\b(?:near|outside|close\s+to|around|outskirts\s+of|suburbs?\s+of|vicinity\s+of|(?:km|kilometres|"
    r"kilometers|miles)\s+(?:\w+\s+){0,2}(?:of|from))\s+(?:the\s+)?(?:\w+\s+(?:of\s+)?)?$",
    re.I,
)
_SENT_ENDERS = frozenset('.!?:;"\u201c(\n')


def _sentence_start(text: str, pos: int) -> bool:
    """Whether `pos` opens a sentence: only spaces between it and the text's start, a newline or a
    sentence end. Reads back over the spaces only, so it costs nothing like the text's length."""
    i = pos
    while i > 0 and text[i - 1].isspace():
        if text[i - 1] == "\n":
            return True
        i -= 1
    return i == 0 or text[i - 1] in _SENT_ENDERS


_FACILITY_AFTER = re.compile(
    r"(?<!\s)(?:['\u2019]s)?\s+(?:(?:international|main|central|old|new|busy|crowded|largest|biggest)\s+)?"
    r"(?:airport|market|bazaar|square|mosque|church|cathedral|hospital|university|school|prison|jail|"
    r"port|harbou?r|station|bus\s+station|railway\s+station|hotel|neighbou?rhood|district|suburbs?|"
    r"outskirts|province|governorate|region|state|county|city|town|village|camp|base|checkpoint|"
    r"highway|road|bridge|border|area)\b",
    re.I,
)


_REASON = re.compile(
    r"\b(?:in\s+(?:retaliation|response|revenge|reprisal)\s+(?:for|to)|to\s+avenge|because\s+of|"
    r"(?:comes?|came)\s+(?:\w+\s+){0,3}?(?:after|before|days|weeks|months|amid)|"
    # "The shooting followed an attack on Sunday in Hadera": the older attack is another event
    r"(?:followed|follows)\s+(?:an?|the|last\s+\w+['\u2019]s)\s+(?:\w+\s+){0,2}?(?:attacks?|bombings?|shootings?|"
    r"strikes?|raids?|assaults?|ambush|stabbings?|blasts?))\b",
    re.I,
)


def own_clause_end(sentence: str, offset: int) -> int:
    """Where a sentence stops telling its own event: "..., in retaliation for raids in Mombasa" and
    "The attack comes after tension in Mombasa" go on to another event, whose places are not this one's."""
    reason = _REASON.search(sentence)
    return offset + reason.start() if reason else offset + len(sentence)


def locative(text: str, start: int, end: int) -> bool:
    """Whether the name at text[start:end] is named as where something happened: after "in", "at",
    "near", "the town of", or followed by a kind of place ("Kabul's airport", "Sukma district")."""
    before = _ARTICLE_END.sub("", text[max(0, start - 60) : start])
    cue = _STRONG_CUE.search(before)
    if cue and _KIND_OF.match(cue.group()) and _ORIGIN.search(before, 0, cue.start()):
        return False  # "returning from the town of X", "a man from the Arab town of X": not where
    if cue and _SPOKE_IN.search(before):
        return False  # "a military source reached in Bamako told AFP": where someone spoke
    return bool(cue or _FACILITY_AFTER.match(text, end, end + 40))


_SPOKE_IN = re.compile(
    r"\b(?:(?:reached|speaking|spoke|said|told\s+\w+|interviewed|contacted|based|headquartered|quoted)\s+in"
    r"|(?:conference|meeting|summit|briefing|forum)\s+(?:(?:of|with)\s+(?:[\w'-]+\s+){1,4}?)?in)"
    r"\s+(?:the\s+)?$",
    re.I,
)
_KIND_OF = re.compile(
    r"(?:villages?|towns?|city|cities|districts?|area|outskirts|suburbs?|camp|provinces?)\s+of", re.I
)
_ORIGIN = re.compile(
    r"\b(?:from|to|towards?|for|into)\s+(?:the\s+|a\s+|an\s+)?(?:[\w'-]+\s+){0,2}$",
    re.I,
)


def place_precision(text: str, start: int, entry: PlaceEntry | None) -> str:
    """'near' when the text says near/outside/... just before the place, else 'exact'; admin1: 'region'."""
    if entry is not None and entry.kind == "admin1":
        return "region"
    if start > 0 and _NEAR.search(text[max(0, start - 40) : start]):
        return "near"
    return "exact"


def geo_entry(ix: Indexed, rec, surface: str = "") -> PlaceEntry:
    """A PlaceEntry for a GeoNames record, its admin1 named as the curated knowledge names it."""
    # the spelling the article uses ("Qalqilyah", "Mullaitivu"); GeoNames' own name as an alias
    gname = strip_accents(rec.name)
    name = surface.strip() if surface.strip() and not surface.isupper() else gname
    aliases: tuple[str, ...] = (gname,) if gname != name else ()
    return PlaceEntry(
        name=name,
        country=rec.country,
        aliases=aliases,
        admin1=ix.admin1_name(rec.country, rec.admin1_code, rec.admin1),
        admin2=strip_accents(rec.admin2),
        latitude=rec.latitude,
        longitude=rec.longitude,
        kind="place",
        key=f"geonames:{rec.geonameid}",
    )


def geo_lookup(ix: Indexed, name: str, country: str, admin1: str = "") -> PlaceEntry | None:
    """The GeoNames town called `name` in `country` (in `admin1` if one is), the most populous."""
    if ix.gazetteer is None or not name:
        return None
    recs = ix.gazetteer.lookup(name, country)
    if not recs:
        return None
    if admin1:
        want = admin1_key(admin1)
        inside = [
            r
            for r in recs
            if admin1_key(ix.admin1_name(r.country, r.admin1_code, r.admin1)) == want
            or admin1_key(r.admin1) == want
        ]
        if not inside:
            return None
        recs = inside
    return geo_entry(ix, max(recs, key=lambda r: r.population), name)


def gazetteer_admin1(ix: Indexed, name: str, prefer: list[str]) -> PlaceEntry | None:
    """An admin1 the curated knowledge lacks, from GeoNames' admin1 names ("Irkutsk", "Batken")."""
    if ix.gazetteer is None:
        return None
    name = re.sub(
        r"\s+(?:province|governorate|state|region|oblast|department|district)$", "", name.strip(), flags=re.I
    )
    hits = ix.gazetteer.admin1_by_name(name)
    if not hits:
        return None
    hit = next((h for code in prefer for h in hits if h[0] == code), None)
    if hit is None:
        if len({h[0] for h in hits}) > 1:
            return None
        hit = hits[0]
    cc, gname = hit
    out = _curated_or(ix, cc, gname)
    return PlaceEntry(name=out, country=cc, admin1=out, kind="admin1")


def _curated_or(ix: Indexed, cc: str, gname: str) -> str:
    from .knowledge import _curated_admin1

    return _curated_admin1(ix.curated_admin1.get(cc, {}), gname)


def _article_countries(matches: list[Match]) -> list[str]:
    score: dict[str, float] = {}
    first: dict[str, int] = {}
    for m in matches:
        if m.kind in ("country", "demonym"):
            code, w = m.entry.code, 2.0
        elif m.kind == "place":
            code, w = m.entry.country, 1.0
        elif m.kind == "actor" and m.entry.country:
            code, w = m.entry.country, 0.5  # "Houthis": Yemen, "OSCE SMM": Ukraine
        else:
            continue
        score[code] = score.get(code, 0.0) + w
        first.setdefault(code, m.start)
    return sorted(score, key=lambda c: (-score[c], first[c]))


def add_gazetteer_places(ix: Indexed, text: str, toks: list[Token], matches: list[Match]) -> list[Match]:
    """`matches` plus GeoNames towns named in the text that the knowledge does not know.

    A town must be capitalised, not an ordinary word (one the text also writes in lower case, or a
    stop word), not part of a longer capitalised name or after a title ("President Ghani"), and is
    chosen among same-named towns by the article's countries, then its admin1s, then population.
    Outside the article's countries (or when it names none) a town needs a place cue ("in", "near").
    """
    matches = [m for m in matches if m.kind != "place" or not _in_personal_name(ix, text, toks, m)]
    gaz = ix.gazetteer
    if gaz is None or not toks:
        return matches
    covered = bytearray(len(toks))
    span_of: dict[int, tuple[int, int]] = {}
    for m in matches:
        for j in range(m.tok, min(m.tok + m.ntok, len(toks))):
            if m.kind == "place" and covered[j] != 1:
                covered[j] = 2  # a curated place: only a longer GeoNames name holding it wins over it
                span_of[j] = (m.tok, m.tok + m.ntok)
            else:
                covered[j] = 1
    lower = {t.key for t in toks if t.raw[:1].islower()}
    countries = _article_countries(matches)
    admin1s = {
        (m.entry.country, admin1_key(m.entry.admin1 or m.entry.name)) for m in matches if m.kind == "place"
    }
    personal = _surnames(text, toks)
    place_ends = sorted(m.end for m in matches if m.kind == "place")
    added: list[Match] = []
    dropped: set[int] = set()  # tokens of curated places a longer GeoNames name replaces
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        if covered[i] == 1 or not t.raw[:1].isupper() or t.key in _NOT_GEO or t.key in lower:
            i += 1
            continue
        if t.key in _COMMON and (i + 1 >= n or not _joined(text, t, toks[i + 1])):
            # "Washington", "Georgia", "Victoria": read as places only by the knowledge and patterns
            i += 1
            continue
        if t.raw.isupper() and len(t.raw) > 1 and not _DATELINE.match(text, t.start):
            # acronyms ("IS", "SDF", "BAYAN"), but a dateline ("HYDERABAD, Pakistan") names a place
            i += 1
            continue
        found = None
        for k in range(min(MAX_TOKENS, n - i), 0, -1):
            span = toks[i : i + k]
            if not span[-1].raw[:1].isupper() or not all(
                covered[j] == 0
                or covered[j] == 2
                and i <= span_of[j][0]
                and span_of[j][1] <= i + k
                and span_of[j][1] - span_of[j][0] < k
                for j in range(i, i + k)
            ):
                continue
            if k > 1 and not _adjacent(text, span):
                continue
            recs = gaz.lookup_key(" ".join(s.key for s in span))
            if recs:
                found = (k, recs)
                break
        if found is None:
            i += 1
            continue
        k, recs = found
        span = toks[i : i + k]
        a, b = span[0].start, span[-1].end
        at = bisect.bisect_right(place_ends, a)
        ends = place_ends[max(0, at - 2) : at]  # the places just before: "the cities of Homs, Qusair and ..."
        pick = _choose(ix, text, toks, i, k, recs, countries, admin1s, personal, ends)
        if pick is not None:
            added.append(Match("place", geo_entry(ix, pick, text[a:b]), a, b, i, k))
            if any(covered[i : i + k]):
                dropped.update(range(i, i + k))  # "San Jose del Monte" over the curated "San Jose"
            bisect.insort(place_ends, b)
        i += k
    if not added:
        return matches
    if dropped:
        matches = [m for m in matches if m.kind != "place" or m.tok not in dropped]
    return sorted(matches + added, key=lambda m: (m.start, -m.ntok))


def nationality_keys(ix: Indexed) -> frozenset[str]:
    """Folded one-word country names and demonyms ("iraqi", "syria"), built once per index."""
    keys = getattr(ix, "_nationality_keys", None)
    if keys is None:
        words = [w for c in ix.countries.values() for w in (c.name, *c.aliases, *c.demonyms)]
        keys = frozenset(k[0] for k in map(name_keys, words) if len(k) == 1)
        ix._nationality_keys = keys  # type: ignore[attr-defined]
    return keys


def _in_personal_name(ix: Indexed, text: str, toks: list[Token], m: Match) -> bool:
    """A known place's name inside a longer capitalised name ("spokesman Abdifatah Aden Hassan",
    "police chief Leon Charles", "Lady Reading Hospital"): not that place. A nationality before it
    ("Iraqi Kurdistan") or a direction ("North Kivu") leaves it a place."""
    if m.tok == 0:
        return False
    prev, first = toks[m.tok - 1], toks[m.tok]
    if not (prev.raw[:1].isupper() and text[prev.end : first.start] == " " and not prev.raw.isupper()):
        return False
    if prev.key in _NOT_GEO or prev.key in nationality_keys(ix):
        return False
    return not _sentence_start(text, prev.start)


# Between two words of one name: a space or hyphen, perhaps a particle ("Ahrar al Sham", "Jose del Monte").
_PARTICLES = "al|el|ad|ar|as|an|at|az|ash|ath|adh|ed|es|ez|de|del|da|do|di|la|le|of|bin|ibn|abu|bani|beni"
_GAP = re.compile(rf"[ \-](?:(?:{_PARTICLES})[ \-])?", re.I)  # not " - ": a dash between two names parts them
_FOLLOWING = re.compile(
    rf"(?:,\s+|(?<!\s)\s+\(){_DIRECTION}([A-Z][\w'\u2019-]{{0,40}}(?: [A-Za-z][\w'\u2019-]{{0,40}}){{0,3}})"
)


def _joined(text: str, a: Token, b: Token) -> bool:
    return _GAP.fullmatch(text, a.end, b.start) is not None


def _surnames(text: str, toks: list[Token]) -> set[str]:
    """Keys of words written after a first name or a title somewhere in the text ("George Bush")."""
    out: set[str] = set()
    for a, b in zip(toks, toks[1:], strict=False):
        if len(a.raw) == 1 and a.raw.isupper() and text[a.end : b.start] == ". ":
            out.add(b.key)  # "George W. Bush"
        if (
            a.raw[:1].isupper()
            and b.raw[:1].isupper()
            and text[a.end : b.start] == " "
            and not a.raw.isupper()
            and a.key not in _NOT_GEO
            and not _sentence_start(text, a.start)
        ) or (a.key in _TITLE_BEFORE and b.raw[:1].isupper() and text[a.end : b.start] in (" ", ". ")):
            out.add(b.key)
    return out


def _adjacent(text: str, span: list[Token]) -> bool:
    return all(_joined(text, x, y) for x, y in zip(span, span[1:], strict=False))


def _countries_of(ix: Indexed, keys: set[str]) -> tuple[set[str], set[tuple[str, str]]]:
    """Where the names after a place are: countries, and (country, admin1 key) pairs of the names
    that are a known admin1 or a GeoNames town."""
    out: set[str] = set()
    admins: set[tuple[str, str]] = set()
    for k in keys:
        if not k:
            continue
        tup = tuple(k.split())
        if tup in ix.country_names:
            out.add(ix.country_names[tup].code)
            continue
        for p in ix.admin1_names.get(tup, ()):
            out.add(p.country)
            admins.add((p.country, admin1_key(p.admin1 or p.name)))
        if ix.gazetteer is not None:
            for r in ix.gazetteer.lookup_key(k):
                out.add(r.country)
                admins.add((r.country, admin1_key(ix.admin1_name(r.country, r.admin1_code, r.admin1))))
            for cc, gname in ix.gazetteer.admin1_by_name(k):
                out.add(cc)
                admins.add((cc, admin1_key(_curated_or(ix, cc, gname))))
    return out, admins


def _following_names(text: str, end: int) -> set[str]:
    """Admin keys of the names after a place: "Jaro, Iloilo City, Iloilo" -> {"iloilo"}, "X (Idlib)"."""
    out: set[str] = set()
    pos = end
    for _ in range(2):
        m = _FOLLOWING.match(text, pos)
        if not m:
            break
        name = m.group(1)
        if not (name.isupper() and len(name) <= 4):  # "(Nellore, AP)": a state's abbreviation, unknown here
            out.add(admin1_key(name))
        pos = m.end()
    return out


def _choose(
    ix: Indexed, text: str, toks: list[Token], i: int, k: int, recs, countries, admin1s, personal, place_ends
):
    """The town meant, or None when the mention is not a place (a person, an organisation, a word)."""
    first, last = toks[i], toks[i + k - 1]
    prev = toks[i - 1] if i > 0 else None
    nxt = toks[i + k] if i + k < len(toks) else None
    before = _ARTICLE_END.sub("", text[max(0, first.start - 40) : first.start])  # "in Al Bab"
    # part of a longer capitalised name: "Ashraf Ghani", "Kabul University" (but "Kabul Province")
    if (
        prev is not None
        and prev.raw[:1].isupper()
        and _joined(text, prev, first)
        and (prev.key in _TITLE_BEFORE or prev.key not in _NOT_GEO and not _sentence_start(text, prev.start))
    ):
        return None
    if prev is not None and prev.key in _TITLE_BEFORE and text[prev.end : first.start] in (" ", ". "):
        return None
    if nxt is not None and nxt.raw[:1].isupper() and _joined(text, last, nxt) and nxt.key not in _PLACE_KIND:
        return None
    if k == 1 and first.key in personal:
        return None  # "George Bush ... Bush said": a surname, wherever it stands
    sentence_start = _sentence_start(text, first.start)
    strong = (
        bool(_STRONG_CUE.search(before))
        or (nxt is not None and nxt.key in _PLACE_KIND)
        or bool(re.match(r",\s+[A-Z]", text[last.end : last.end + 3]))
    )
    # "the cities of Homs, Qusair, Talbiseh and Rastan": a list after a place goes on naming places
    strong = strong or any(_LIST_GAP.fullmatch(text, e, first.start) for e in place_ends[-2:])
    wm = _WEAK_CUE.search(before)
    # "from Ramadi", "of Mosul", but not "Chamber of Commerce" ("of" after a capitalised word)
    weak = strong or bool(wm and not (wm.group(2) and wm.group(1)[:1].isupper()))
    if not weak or (sentence_start and not strong):
        return None
    owner = _OWNER.search(text, max(0, first.start - 60), first.start)
    if owner:
        # "the northern Mozambican town of Palma": only a Palma of Mozambique
        code = _owner_country(ix, owner.group("owner"))
        if code:
            recs = [r for r in recs if r.country == code]
            if not recs:
                return None
    rank = {c: j for j, c in enumerate(countries)}
    following = _following_names(text, last.end)
    # "Boni, Douentza": the names after a place say which country it is in
    inside, admins = _countries_of(ix, following)
    if inside:
        recs = [r for r in recs if r.country in inside]
        if not recs:
            return None
    key = " ".join(t.key for t in toks[i : i + k])
    best, best_score = None, None
    for r in recs:
        s = 0.0
        if r.country in rank:
            s += 1000 if rank[r.country] == 0 else 800  # then a city over a namesake village
        adm = admin1_key(ix.admin1_name(r.country, r.admin1_code, r.admin1))
        if (r.country, adm) in admin1s:
            s += 500
        if following and following & {adm, admin1_key(r.admin1), admin1_key(r.admin2)}:
            s += 600  # "Jaro, Iloilo": the Jaro in Iloilo
        if _key(r.name) == key:
            s += 15  # its main name, not one of its many alternate names
        s += _pop_score(r.population)
        if best_score is None or s > best_score:
            best, best_score = r, s
    if best is None:
        return None
    best_admin = admin1_key(ix.admin1_name(best.country, best.admin1_code, best.admin1))
    here = {a for c, a in admins if c == best.country}
    if here and best_admin not in here and not following & {admin1_key(best.admin2)}:
        return None  # "Jaro, Iloilo City": a namesake elsewhere in the country, not this Jaro
    main_name = _key(best.name) == key
    if best.country in rank:
        # in the article's countries: a strong cue, or its own name after a weak one ("from Ramadi")
        return best if strong or main_name else None
    # outside the article's countries: a strong cue and its own name (GeoNames' alternate names are
    # many and loose) unless a city, and a town of some size when the article names other countries
    unique = len({r.country for r in recs}) == 1
    if not strong or not (main_name or (not countries and (unique or best.population >= 100000))):
        return None
    if countries and best.population < 50000:
        return None
    return best


_OWNER = re.compile(
    r"\b(?P<owner>[A-Z][\w'\u2019.-]{1,40}(?:\s+[A-Z][\w'\u2019.-]{1,40})?)(?:['\u2019]s)?\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:town|city|village|district|province|region|state|port|capital)\s+of\s+(?:the\s+)?$"
)


def _owner_country(ix: Indexed, name: str) -> str:
    """The country a nationality or country name before "town of" names ("Mozambican", "Iraq's")."""
    for m in ix.index.find(tokens(name), frozenset({"country", "demonym"})):
        return m.entry.code
    return ""


def _pop_score(pop: int) -> float:
    return 10.0 * len(str(max(pop, 1)))
