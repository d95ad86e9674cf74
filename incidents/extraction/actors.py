"""Who acted and who was acted upon.

Named actors come from the knowledge; generic ones ("Iraqi soldiers", "police", "villagers",
"gunmen") are named by rule after the country, ACLED style. Roles come from the sentence, not
from the nearest name: "X attacked", "by X", "blamed on X" make an actor; "X were killed",
"attack on X" a target; "police said" is a source, not a party; a group that "denied
involvement" is neither; "a Russian air strike" was carried out by Russia's forces; the thing
attacked ("a maternity ward", "an army base") says whose side the victims were on.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass

from .types import ActorEntry, CountryEntry

MILITARY = (
    r"(?:regime|government|pro-government|state|loyalist|army|military|armed|junta|security)\s+forces|"
    r"soldiers?|troops|army|military|armed\s+forces|servicem[ae]n|paratroopers|marines|navy|air\s+force|"
    r"border\s+guards?|national\s+guard|forces|junta(?:\s+troops)?|regime\s+(?:troops|artillery|warplanes|"
    r"aircraft|jets|helicopters)|warplanes|fighter\s+jets|military\s+helicopters"
)
POLICE = (
    r"police(?:m[ae]n|\s+officers?|\s+forces?|\s+personnel|\s+station|\s+checkpoint|\s+post|\s+academy|"
    r"\s+cadets?|\s+officials?)?|officers|cops|gendarmes?|gendarmerie|constables?|policewom[ae]n|rangers"
)
GOVERNMENT = (
    r"president|prime\s+minister|(?:deputy\s+)?ministers?|governors?|mayors?|lawmakers?|legislators?|MPs?|"
    r"members?\s+of\s+parliament|senators?|government\s+(?:officials?|convoy|delegation|ministers)|cabinet"
)
CIVILIANS = (
    r"civilians?|villagers?|residents?|people|person|man|woman|men|women|child(?:ren)?|boys?|girls?|babies|"
    r"infants|newborns|worshippers|worshipers|mourners|farmers?|farm\s+workers|workers|labou?rers|students?|"
    r"schoolchildren|schoolboys|schoolgirls|pupils|teachers?|journalists?|reporters?|correspondents?|drivers?|"
    r"shopkeepers?|shoppers|vendors|passengers?|commuters|pilgrims|tourists?|guests|patients|family|families|"
    r"traders?|merchants?|minors?|victims?|citizens|shepherds?|herders|fishermen|miners|doctors?|nurses?|"
    r"midwi(?:fe|ves)|aid\s+workers|staff|lawyers?|activists?|cadets|prisoners|inmates|displaced\s+people|"
    r"refugees|members?\s+of\s+the\s+public"
)
PROTESTERS = r"protesters?|protestors?|demonstrators?|marchers"
RIOTERS = r"rioters?|mobs?|crowd"
UNIDENTIFIED = (
    r"gunm[ae]n|assailants?|attackers?|militants?|unidentified\s+(?:armed\s+)?(?:men|group|persons?|people|"
    r"individuals?)|unknown\s+(?:armed\s+)?(?:men|assailants|attackers|persons?|gunmen)|armed\s+men|"
    r"insurgents?|terrorists?|bandits?|hitmen|extremists?|jihadists?|rebels?|separatists?|bombers?|"
    r"suicide\s+bombers?|shooters?|kidnappers|abductors"
)

GENERIC = [
    ("government", re.compile(rf"(?<!former\s)(?<!ex-)\b(?:{GOVERNMENT})\b(?!\s+(?:said|says|told))", re.I)),
    ("police", re.compile(rf"\b(?:{POLICE})\b", re.I)),
    ("military", re.compile(rf"\b(?:{MILITARY})\b", re.I)),
    ("protesters", re.compile(rf"\b(?:{PROTESTERS})\b", re.I)),
    ("rioters", re.compile(rf"\b(?:{RIOTERS})\b", re.I)),
    ("unidentified", re.compile(rf"\b(?:{UNIDENTIFIED})\b", re.I)),
    ("civilians", re.compile(rf"\b(?:{CIVILIANS})\b(?!['\u2019]s)", re.I)),
]
_VIOLENT_VERB = (
    r"attack|kill|raid|storm|fire|fired|opened\s+fire|launch|ambush|abduct|kidnap|claim|carried\s+out|detonat|shell|struck|"
    r"strike|target|clash|shot|shoot|seiz|captur|bomb|stab|behead|execut|hang|assault|torch|burn|set|pelt|"
    r"threw|block|march|protest|demonstrat|gather|stag|held|repell|thwart|arrest|detain|dispers|mount|led|"
    r"used|hurl|beat|tortur|loot|burst|blew|ram|overran|hit|massacr|slaughter|demolish|razed|bulldoz"
)
AGENT_AFTER = re.compile(
    r"(?<![\s,])[\s,]*(?:[\w'-]{1,40}\s+){0,3}?(?:have\s+|has\s+|had\s+|reportedly\s+|allegedly\s+|also\s+|then\s+)?"
    r"(?<!\ba\s)(?<!\ban\s)(?<!\bthe\s)(?<!\bits\s)(?<!\btheir\s)"  # "in an ambush": a noun, not a verb
    rf"(?:{_VIOLENT_VERB})(?!ers?\b)[a-z]{{0,4}}\b",
    re.I,
)
# "Taliban suicide bombers", "al-Shabaab fighters": the group's men, named by the group
_MEMBERS_AFTER = re.compile(
    r"(?<!\s)\s+(?:suicide\s+)?(?:bombers?|gunm[ae]n|militants?|fighters?|insurgents?|attackers?|rebels?|"
    r"assailants?|jihadists?)\b",
    re.I,
)
# "the 317 earlier given by the police", "a toll released by the army": who told, not who did
_SAID_BY = re.compile(
    r"\b(?:given|reported|released|issued|confirmed|provided|published|quoted|cited|announced|stated|"
    r"compiled|disputed|denied|condemned|rejected|put\s+out|shared)\s+by\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$",
    re.I,
)
AGENT_BEFORE = re.compile(
    r"(?:\bby|\bsuspected|\bblamed\s+on|\bclaimed\s+by|\bcarried\s+out\s+by|\baccused)\s+"
    r"(?:(?:the|an?|some|suspected|alleged|unidentified|unknown)\s+)*(?:[\w'-]+\s+){0,2}$",
    re.I,
)
_HARMED = (
    r"killed|injured|wounded|abducted|kidnapped|attacked|shot|targeted|hurt|beheaded|executed|taken|"
    r"arrested|detained|dispersed|martyred|murdered|slain|hit|struck|ambushed|massacred"
)
PATIENT_AFTER = re.compile(
    r"(?<![\s,])[\s,]*(?:[\w'-]{1,40}\s+){0,3}?(?:were|was|are|is|have\s+been|has\s+been|had\s+been|being)\s+(?:\w+ly\s+)?"
    rf"(?:{_HARMED})",
    re.I,
)
PATIENT_BEFORE = re.compile(
    r"(?:attacked|killed|killing|targeted|targeting|against|on|ambushed|abducted|kidnapped|shot|injuring|"
    r"clash(?:ed|es)\s+with|fought(?:\s+with)?|battled|fighting|engaged|exchanged\s+fire\s+with|"
    r"wounding|stormed|raided|at|wounded|injured|dispersed|arrested|detained|hit|struck|massacred|among)\s+"
    r"(?:the\s+|an?\s+|two\s+|three\s+|several\s+|\d+\s+|at\s+least\s+\d+\s+|dozens\s+of\s+)?(?:[\w'-]+\s+){0,2}$",
    re.I,
)
# "police said", "a police spokesman told reporters", "according to the army": cited, not involved
SOURCE_AFTER = re.compile(
    r"(?<![\s,])[\s,]*(?:[\w'-]{1,40}\s+){0,3}?(?:said|say|says|told|reported|stated|confirmed|added|announced|"
    r"spokes(?:man|woman|person)|statement)\b",
    re.I,
)
SOURCE_BEFORE = re.compile(r"\baccording\s+to\s+(?:the\s+|a\s+)?(?:[\w'-]+\s+){0,3}$", re.I)
# "the Taliban denied involvement", "gunmen disguised as police": not who did it
DENIED_AFTER = re.compile(
    r"(?<!\s)\s*(?:,\s*)?(?:has\s+|have\s+|had\s+|quickly\s+|later\s+)?(?:denied|rejected|disowned|distanced|"
    r"condemned|dismissed)\b",
    re.I,
)
# "the area has been repeatedly attacked by X": what X does, not what X did this time
_HABITUAL = re.compile(
    r"\b(?:repeatedly|regularly|frequently|often|routinely|has\s+long|have\s+long|in\s+recent\s+(?:weeks|months|years)|"
    r"in\s+the\s+(?:last|past)\s+(?:weeks|months|years)|(?:has|have)\s+(?:carried\s+out|waged|been\s+behind)\s+"
    r"(?:a\s+)?(?:series|string|spate|wave|number|campaign)|is\s+active|are\s+active|operates?\s+in)\b",
    re.I,
)
DISGUISE_BEFORE = re.compile(r"\b(?:disguised|dressed|posing|masquerading)\s+as\s+(?:the\s+|an?\s+)?$", re.I)
NO_CLAIM = re.compile(
    r"no\s+(?:group|one|organi[sz]ation)\s+(?:has\s+|had\s+)?claimed|not\s+claimed|unclaimed|unidentified|"
    r"unknown\s+(?:gunmen|assailants|attackers|perpetrators)",
    re.I,
)

# A capitalised name of up to seven words, joined by single spaces or a particle.
_GROUP = (
    r"[A-Z][\w'\u2019-]{0,40}(?:[ \t](?:(?:al|of|the|for|and|in|e|i|ul)[ \t])?[A-Z][\w'\u2019-]{0,40}|"
    r"[ \t]al-[A-Z][\w'\u2019-]{0,40}){0,6}"
)
CLAIMING = re.compile(
    rf"(?<![\w-])(?:the\s+)?(?P<name>{_GROUP})(?:\s*\([A-Z][\w-]{{1,8}}\))?\s+(?:has\s+|have\s+|had\s+|later\s+)?"
    r"claimed\s+(?:responsibility|the\s+attack|the\s+bombing|the\s+assault|the\s+killing)"
    rf"|(?:attributed|blamed)\s+(?:the\s+(?:attack|incident|bombing|blast|assault|killing)\s+)?(?:on|to)\s+"
    rf"(?:the\s+)?(?P<name2>{_GROUP})"
)
# "<group> spokesman <name>": the name is a person who speaks for the group before it
_SPEAKS_FOR = re.compile(
    r"\b(?:spokes(?:man|woman|person)|leader|commander|chief|head|official|member)\s+(?:for\s+\w+\s+)?$", re.I
)
_NOT_GROUP = re.compile(
    r"^(?:No|Nobody|None|Police|Officials?|Authorities|Sources|He|She|It|They|This|That)\b"
)
# "Afghan forces repelled a Taliban attack", "repulsed their attack": the attacker is actor 1
REPELLED = re.compile(
    r"\b(?:repelled|repulsed|thwarted|foiled|fended\s+off|beat\s+back|pushed\s+back)\s+(?:(?:an?|the|their|its)\s+)?"
    r"(?P<inner>(?:[\w'\u2019-]+\s+){0,4}?)(?:attacks?|assaults?|offensive|raids?|infiltration|advance)"
    r"(?P<of>\s+(?:of|by|from)\s+(?:the\s+)?)?",
    re.I,
)
# "a Russian air strike", "Israeli warplanes", "a U.S. drone strike": a state's forces acted
_STATE_WEAPON = re.compile(
    r"(?<![\s-])\.?(?:['\u2019]s)?[\s-]*(?:military\s+|army\s+|air\s+force\s+|navy\s+|government\s+|regime\s+)?(?:air[\s-]*strikes?|"
    r"airstrikes?|drone\s+(?:strikes?|attacks?)|missile\s+(?:strikes?|attacks?)|missiles?|rocket\s+"
    r"(?:attacks?|fire)|shelling|artillery|bombardment|bombing\s+raids?|bombings?\s+(?:of|on)|warplanes|fighter\s+jets|jets|"
    r"aircraft|helicopters|drones?|strikes?|raids?|tank\s+shells?|mortar\s+fire)\b",
    re.I,
)

# "Fulani militias", "suspected Fulani herdsmen": ACLED names these "<group> Ethnic Militia (<country>)"
ETHNIC_MILITIA = re.compile(
    r"\b(?P<group>[A-Z][a-z]{2,})\s+(?:ethnic\s+|communal\s+|tribal\s+)?(?:militias?|militiamen|herdsmen|herders)\b"
)
_NOT_ETHNIC = re.compile(
    r"^(?:Local|Armed|Rival|Islamist|Government|State|Village|Tribal|Ethnic|Communal|Christian|Muslim|Shia|Sunni|"
    r"Shiite|The|Some|Suspected|Alleged|Unknown|Popular|Civil|Self)$"
)

# What was attacked says whose side the victims were on: "an attack on a maternity ward" hit
# civilians, "an attack on an army base" the military.
_ATTACK_WORD = (
    r"(?:detonat\w*|explod\w*|went\s+off|drove|attack(?:ed|s|ing)?|assault(?:ed)?|raid(?:ed)?|stormed|targeted|targeting|hit|struck|bomb(?:ed|ing|ings)?|"
    r"blasts?|explosions?|strikes?|shell(?:ed|ing)|opened\s+fire|fired|ambush(?:ed)?|burst|rammed)"
)
_CIVIL_PLACE = (
    r"hospital|maternity|ward|clinic|school|university|college|institute|market|bazaar|mosque|church|cathedral|"
    r"temple|shrine|synagogue|wedding|funeral|bus|minibus|train|railway|station|airport|hotel|restaurant|"
    r"caf[eé]|rehab\w*|cent(?:er|re)|village|homes?|houses?|camp\s+for|displaced|refugee|farms?|fields|shops?|"
    r"stadium|concert|festival|plaza|square|park|theat(?:er|re)|prison|jail|detention|crowds?|gathering|"
    r"neighbou?rhood|residential|apartment|building|office|factory"
)
_ARMED_PLACE = (
    r"base|barracks|checkpoint|outpost|post|convoy|patrol|garrison|positions?|brigade|battalion|tanks?|"
    r"armou?red\s+(?:vehicles?|personnel\s+carriers?)|military\s+vehicles?|"
    r"(?:army|military)\s+camp|camp|headquarters|police\s+station|police\s+academy|academy|fort"
)
_TARGET_OBJECT = re.compile(
    rf"\b{_ATTACK_WORD}\s+(?:on|at|in|near|against|inside|outside|into|through)?\s*"
    rf"(?:(?:a|an|the|its|their|his|her)\s+)?(?:[\w'\u2019()-]+\s+){{0,4}}?"
    rf"(?P<obj>(?P<armed>{_ARMED_PLACE})|(?P<civil>{_CIVIL_PLACE}))\b",
    re.I,
)
_POLICE_OBJECT = re.compile(r"\bpolice\b", re.I)


@dataclass
class ActorMention:
    name: str
    actor_type: str
    country: str
    start: int
    end: int
    text: str
    # "named", "police", "military", "government", "civilians", "protesters", "rioters", "unidentified"
    kind: str
    agent: bool = False
    patient: bool = False
    claimed: bool = False
    source: bool = False  # "police said": cited, not involved
    denied: bool = False  # "the Taliban denied involvement", "gunmen disguised as police"
    by: bool = False  # named as the doer: "killed by X", "blamed on X", "carried out by X"
    key: str = ""


# ACLED's country names where they differ from the short ones, and the countries it names with
# "the" ("Military Forces of the Philippines")
_ACLED_COUNTRY = {"CD": "Democratic Republic of Congo", "AE": "United Arab Emirates"}
_WITH_THE = frozenset({"US", "GB", "PH", "CD", "CF", "AE", "NL", "DO"})


def generic_name(kind: str, country: CountryEntry | None) -> tuple[str, str]:
    """ACLED-style name and actor type for a generic actor of a country."""
    cn = _ACLED_COUNTRY.get(country.code, country.name) if country else ""
    of = f"the {cn}" if country and country.code in _WITH_THE else cn
    names = {
        "police": (f"Police Forces of {of}" if cn else "Police Forces", "state_forces"),
        "military": (f"Military Forces of {of}" if cn else "Military Forces", "state_forces"),
        "government": (f"Government of {of}" if cn else "Government", "state_forces"),
        "civilians": (f"Civilians ({cn})" if cn else "Civilians", "civilians"),
        "protesters": (f"Protesters ({cn})" if cn else "Protesters", "protesters"),
        "rioters": (f"Rioters ({cn})" if cn else "Rioters", "rioters"),
        "unidentified": (
            f"Unidentified Armed Group ({cn})" if cn else "Unidentified Armed Group",
            "political_militia",
        ),
    }
    return names[kind]


def find_actors(
    text: str,
    offset: int,
    named: list[tuple[int, int, ActorEntry]],
    demonyms: list[tuple[int, int, CountryEntry]],
    country: CountryEntry | None,
    countries: dict[str, CountryEntry],
) -> list[ActorMention]:
    """Actor mentions in one incident's text, with agent/patient roles guessed from the words around them.

    `demonyms` are the country names and demonyms in the text ("Iraqi", "U.S."): the nationality
    of the forces named after them.
    """
    out: list[ActorMention] = []
    taken = bytearray(len(text) + 1)  # characters already part of a mention

    def free(a: int, b: int) -> bool:
        return not any(taken[a - offset : b - offset])

    def take(m: ActorMention) -> None:
        out.append(m)
        taken[m.start - offset : m.end - offset] = b"\x01" * (m.end - m.start)

    for a, b, e in named:
        take(
            ActorMention(
                e.name, e.actor_type, e.country, a, b, text[a - offset : b - offset], "named", key=e.key
            )
        )
    _state_weapons(text, offset, demonyms, free, take)
    for kind, rx in GENERIC:
        for m in rx.finditer(text):
            a, b = offset + m.start(), offset + m.end()
            if not free(a, b):
                continue
            if kind == "military" and m.group().lower() == "forces" and not _demonym_before(a, demonyms):
                continue  # "forces" alone is too vague unless qualified by a country ("Iraqi forces")
            c = _demonym_before(a, demonyms) or country
            kind2 = kind
            if (
                kind == "military"
                and re.match(r"security\s+forces", m.group(), re.I)
                and _near(text, m.start(), "police")
            ):
                kind2 = "police"
            name, atype = generic_name(kind2, c)
            if kind2 == "unidentified" and m.group().lower().startswith("bandit"):
                # the armed gangs of the Sahel and Nigeria's northwest are coded as bandits, not a militia
                name = f"Bandits ({c.name})" if c else "Bandits"
            take(ActorMention(name, atype, c.code if c else "", a, b, m.group(), kind2))
    _ethnic_militias(text, offset, country, countries, free, take)
    _claims(text, offset, country, out, take)
    for am in out:
        _roles(am, text, offset)
    out.sort(key=lambda m: m.start)
    return out


def _state_weapons(text, offset, demonyms, free, take) -> None:
    """ "A Russian air strike", "Israeli warplanes": the forces of that country, as the actor."""
    for a, b, c in demonyms:
        m = _STATE_WEAPON.match(text, b - offset)
        if m and free(a, b):
            name, atype = generic_name("military", c)
            take(
                ActorMention(name, atype, c.code, a, b, text[a - offset : b - offset], "military", agent=True)
            )


def _ethnic_militias(text, offset, country, countries, free, take) -> None:
    for m in ETHNIC_MILITIA.finditer(text):
        a, b = offset + m.start(), offset + m.end()
        group = m.group("group")
        if _NOT_ETHNIC.match(group) or not free(a, b):
            continue
        if any(group.lower() in (d.lower() for d in c.demonyms) for c in countries.values()):
            continue  # "Iraqi militias" are not an ethnic group
        cn = f" ({country.name})" if country else ""
        code = country.code if country else ""
        take(ActorMention(f"{group} Ethnic Militia{cn}", "identity_militia", code, a, b, m.group(), "named"))


def _overlapping(ordered: list[ActorMention], a: int, b: int) -> list[ActorMention]:
    """The mentions overlapping [a, b) in `ordered` (sorted by start; mentions never overlap each
    other, so the ones that can are the few just before `b`)."""
    i = bisect_right(ordered, b - 1, key=lambda m: m.start)
    out = []
    while i > 0 and ordered[i - 1].end > a:
        out.append(ordered[i - 1])
        i -= 1
    return out


def _claims(text, offset, country, out, take) -> None:
    """A group that claimed the attack, or was blamed for it, is its perpetrator."""
    ordered = sorted(out, key=lambda m: m.start)
    for m in CLAIMING.finditer(text):
        group = "name" if m.group("name") else "name2"
        name = m.group(group)
        a, b = offset + m.start(group), offset + m.end(group)
        known = [x for x in _overlapping(ordered, a, b) if x.kind in ("named", "unidentified")]
        role = _SPEAKS_FOR.search(text, max(0, m.start(group) - 30), m.start(group))
        if not known and role:
            # "Pakistan Taliban spokesman Ahsanullah Ahsan claimed ...": the group he speaks for
            known = [
                x
                for x in _overlapping(ordered, offset + role.start() - 60, offset + role.start())
                if x.kind == "named" and x.end <= offset + role.start()
            ][:1]
            if not known:
                continue  # a spokesman of a group we do not know is not a group himself
        if known:
            for x in known:
                x.claimed = True
        elif not _NOT_GROUP.match(name) and len(name) > 3:
            code = country.code if country else ""
            mention = ActorMention(name, "rebel_group", code, a, b, name, "named", claimed=True)
            take(mention)
            insort(ordered, mention, key=lambda m: m.start)


def _roles(am: ActorMention, text: str, offset: int) -> None:
    """Agent, patient, source, claimed and denied, from the words around one mention."""
    s, e = am.start - offset, am.end - offset
    before = text[max(0, s - 60) : s]
    habitual = bool(_HABITUAL.search(text, max(0, s - 60), min(len(text), e + 60)))
    am.by = bool(AGENT_BEFORE.search(before)) and not habitual and not _SAID_BY.search(before)
    members = _MEMBERS_AFTER.match(text, e) if am.kind == "named" else None
    head = members.end() if members else e  # "Taliban suicide bombers ... stormed": the group acts
    am.agent = am.agent or (bool(AGENT_AFTER.match(text, head, head + 60)) and not habitual) or am.by
    am.patient = bool(PATIENT_AFTER.match(text, e, e + 60) or PATIENT_BEFORE.search(before))
    am.source = (
        bool(SOURCE_AFTER.match(text, e, e + 60) and not AGENT_AFTER.match(text, e, e + 30))
        or bool(SOURCE_BEFORE.search(before))
        or bool(_SAID_BY.search(before))  # "footage released by the Houthis' channel": who told
    )
    am.claimed = (
        am.claimed
        or bool(re.search(r"claim|blam|responsib", before[-25:] + text[e : e + 40], re.I))
        or bool(am.kind == "named" and _OWNS_UP.match(text, head, head + 90))
    )
    am.denied = bool(DENIED_AFTER.match(text, e, e + 40) or DISGUISE_BEFORE.search(before))
    if am.agent and am.patient:
        am.agent = bool(AGENT_BEFORE.search(before)) or not PATIENT_AFTER.match(text, e, e + 60)
        am.patient = not am.agent


# "Al-Shabab militants have confirmed that they attacked a bus": the group owns the attack
_OWNS_UP = re.compile(
    r"(?<!\s)\s+(?:have\s+|has\s+)?(?:confirmed|admitted|said|says|announced)\s+(?:that\s+)?(?:they|it|its\s+\w+|"
    r"their\s+\w+)\s+(?:had\s+|have\s+|has\s+)?(?:attacked|carried\s+out|killed|stormed|ambushed|launched|bombed)\b",
    re.I,
)
_BETWEEN = re.compile(r"\bbetween\s+", re.I)


def _between(
    mentions: list[ActorMention], text: str, offset: int
) -> tuple[ActorMention, ActorMention] | None:
    """'clashes between X and Y': X is actor1, Y actor2."""
    m = _BETWEEN.search(text)
    if not m or not mentions:
        return None
    pos = offset + m.end()
    after = [x for x in mentions if pos <= x.start <= pos + 120 and x.kind != "civilians"]
    if len(after) >= 2 and after[0].name != after[1].name:
        return after[0], after[1]
    return None


def _repelled(
    mentions: list[ActorMention], text: str, offset: int
) -> tuple[ActorMention, ActorMention] | None:
    """'X repelled a Y attack' / 'repulsed their attack': (Y, X), the attacker first."""
    m = REPELLED.search(text)
    if not m:
        return None
    verb = offset + m.start()
    defender = next(
        (x for x in reversed(mentions) if x.end <= verb and verb - x.end <= 40 and x.kind != "civilians"),
        None,
    )
    inner_a, inner_b = offset + m.start("inner"), offset + m.end("inner")
    attacker = next((x for x in mentions if inner_a <= x.start < inner_b and x is not defender), None)
    if attacker is None and m.group("of"):
        after = offset + m.end()
        attacker = next((x for x in mentions if after <= x.start <= after + 5 and x is not defender), None)
    if attacker is None and re.match(r"\s*\S+\s+(?:their|its)\b", text[m.start() : m.start() + 40], re.I):
        attacker = next(
            (x for x in mentions if x is not defender and x.kind != "civilians" and x.start < verb), None
        )
    if defender is None or attacker is None or attacker.name == defender.name:
        return None
    return attacker, defender


def _demonym_before(pos: int, demonyms: list[tuple[int, int, CountryEntry]]) -> CountryEntry | None:
    """The nationality ending at most 12 characters before `pos` ("Iraqi soldiers"); `demonyms` is
    in text order, so the nearest one before `pos` is found by bisection."""
    i = bisect_right(demonyms, pos, key=lambda d: d[1])
    if i and pos - demonyms[i - 1][1] <= 12:
        return demonyms[i - 1][2]
    return None


# Who a report says was behind an attack, in sentences that tell no event of their own:
# "Residents blamed Boko Haram", "an explosives expert with ties to the ELN"
_ATTRIBUTED_BEFORE = re.compile(
    r"\b(?:blamed|accused|suspected|ties\s+to|links?\s+to|linked\s+to|members?\s+of|belonging\s+to|"
    r"affiliated\s+(?:with|to)|loyal\s+to|working\s+for|(?:carried\s+out|conducted|launched|staged|"
    r"perpetrated)\s+by)\s+(?:the\s+)?(?:[\w-]{1,30}\s+)?$",
    re.I,
)
# "Islamic State said in a statement that two of its members carried out the attack"
_OWNED_AFTER = re.compile(
    r"(?<!\s)(?:['\u2019]s(?:\s+[A-Z][\w-]{0,30}){1,3})?(?:\s*\([^()]{1,20}\))?\s+"
    r"(?:said|says|claimed|announced|stated)\b[^.;]{0,160}?\b(?:its|their)\s+(?:[\w-]{1,20}\s+){0,2}?"
    r"(?:members?|fighters?|militants?|men|operatives?|suicide\s+bombers?|soldiers\s+of\s+the\s+caliphate)\b",
    re.I,
)
# "Al-Shabab claimed responsibility", in a sentence of its own
_CLAIMED_AFTER = re.compile(
    r"(?<!\s)\s+(?:has\s+|have\s+|had\s+|later\s+|quickly\s+)?claimed\s+(?:responsibility|the\s+attack|the\s+bombings?)",
    re.I,
)
# "looking at the ELN guerrilla group as the main suspect"
_SUSPECT_AFTER = re.compile(
    r"(?<!\s)(?:\s+[\w-]{1,30}){0,3}?\s+as\s+(?:the\s+)?(?:main\s+|prime\s+|likely\s+|chief\s+)?"
    r"(?:suspects?|culprits?|perpetrators?)\b",
    re.I,
)
# who may be blamed for an attack: armed groups, and foreign forces fighting in a country's war
_ARMED_GROUPS = frozenset({"rebel_group", "political_militia", "identity_militia", "external_other"})


def attributed(text: str, offset: int, named: list[tuple[int, int, ActorEntry]]) -> ActorMention | None:
    """The armed group a sentence holds responsible for the attack told before it (see above)."""
    for a, b, e in named:
        if e.actor_type not in _ARMED_GROUPS:
            continue
        s, t = a - offset, b - offset
        if (
            _ATTRIBUTED_BEFORE.search(text, max(0, s - 40), s)
            or _OWNED_AFTER.match(text, t)
            or _SUSPECT_AFTER.match(text, t)
            or _CLAIMED_AFTER.match(text, t)
        ):
            return ActorMention(
                e.name, e.actor_type, e.country, a, b, text[s:t], "named", claimed=True, key=e.key
            )
    return None


def _near(text: str, pos: int, word: str) -> bool:
    return bool(re.search(word, text[max(0, pos - 80) : pos + 80], re.I))


ARMED_KINDS = frozenset({"police", "military", "unidentified"})


def is_armed(m: ActorMention) -> bool:
    """State forces and armed groups (a Battles target), as opposed to civilians or crowds."""
    return m.kind in ARMED_KINDS or (
        m.kind == "named"
        and m.actor_type
        in ("state_forces", "rebel_group", "political_militia", "identity_militia", "external_other")
    )


def target_hint(lead: str) -> str:
    """ "civilians", "police" or "military" when the lead says what was attacked, else ""."""
    for m in _TARGET_OBJECT.finditer(lead):
        if m.group("civil"):
            return "civilians"
        obj = m.group("obj").lower()
        if "police" in obj or _POLICE_OBJECT.search(lead[max(0, m.start("obj") - 20) : m.start("obj")]):
            return "police"
        return "military"
    return ""


def assign_roles(
    mentions: list[ActorMention],
    family: str,
    country: CountryEntry | None,
    text: str | list[tuple[str, int]],
    offset: int = 0,
    lead_end: int | None = None,
) -> tuple[ActorMention | None, ActorMention | None]:
    """(perpetrator, target) for an incident of the given cue family. `text` is the incident's text
    starting at `offset`, or its sentences as (text, offset) pairs; its lead ends at `lead_end`."""
    parts = [(text, offset)] if isinstance(text, str) else text
    lead_end = parts[-1][1] + len(parts[-1][0]) if lead_end is None else lead_end
    lead = " ".join(t for t, o in parts if o < lead_end)
    code = country.code if country else ""
    if family in ("protest",):
        prot = next((m for m in mentions if m.kind == "protesters"), None)
        if not prot:
            name, t = generic_name("protesters", country)
            prot = ActorMention(name, t, code, -1, -1, "", "protesters")
        target = next((m for m in mentions if m.kind in ("police", "military") and not m.source), None)
        return prot, target
    if family in ("riot", "mob"):
        return _riot_roles(mentions, country)
    # a group that claimed the attack through its spokesman is a party, not a source
    parties = [m for m in mentions if m.kind != "protesters" and (not m.source or m.claimed) and not m.denied]
    for t, o in parts:
        repelled = _repelled(parties, t, o)
        if repelled:
            return repelled
    if family in ("clash", "territory", "shell", "air"):
        for t, o in parts:
            pair = _between(parties, t, o)
            if pair:
                return pair
    perp = _perpetrator(parties, lead_end)
    target = _target(parties, perp, country, lead, lead_end, family)
    if perp is not None and perp.kind == "civilians":
        perp = None
    if family == "arrest" and perp is None:
        perp = next((m for m in parties if m.kind in ("police", "military")), None)
    return perp, target


def _riot_roles(
    mentions: list[ActorMention], country: CountryEntry | None
) -> tuple[ActorMention, ActorMention]:
    code = country.code if country else ""
    name, t = generic_name("rioters", country)
    riot = next((m for m in mentions if m.kind == "rioters"), None) or ActorMention(
        name, t, code, -1, -1, "", "rioters"
    )
    riot.name, riot.actor_type = name, t
    target = next((m for m in mentions if m.kind in ("police", "military") and not m.source), None)
    if not target:
        target = next((m for m in mentions if m.kind in ("civilians", "named") and not m.agent), None)
    if not target:
        cname, ct = generic_name("civilians", country)
        target = ActorMention(cname, ct, code, -1, -1, "", "civilians")
    return riot, target


def _perpetrator(parties: list[ActorMention], lead_end: int) -> ActorMention | None:
    """A group that claimed it; else who the text says did it ("by X"), else who the sentences make
    act; else a named armed group in the lead; else the gunmen, attackers or bombers."""
    claimed = [m for m in parties if m.kind == "named" and m.claimed and not NO_CLAIM.search(m.text)]
    if claimed:
        return claimed[0]
    doers = [m for m in parties if m.kind not in ("civilians", "government")]
    named = [m for m in doers if m.kind == "named" and m.actor_type != "state_forces"]
    perp = (
        next((m for m in named if m.by), None)
        or next((m for m in named if m.agent), None)
        or next((m for m in doers if m.by), None)
        or next((m for m in doers if m.agent), None)
    )
    if perp is None:
        perp = next(
            (m for m in parties if m.kind == "named" and m.actor_type != "state_forces" and not m.patient),
            None,
        )
    if perp is None:
        perp = next((m for m in parties if m.kind == "unidentified" and not m.patient), None)
    return perp


_ANYONE = re.compile(r"people|persons?|victims|individuals", re.I)


def _target(
    parties: list[ActorMention],
    perp: ActorMention | None,
    country: CountryEntry | None,
    lead: str,
    lead_end: int,
    family: str,
) -> ActorMention | None:
    """Who was harmed: the lead's victims first, then what the lead says was attacked, then victims
    elsewhere; armed men who are neither acting nor harmed are a target only in a fight."""
    cands = [m for m in parties if m is not perp and (perp is None or m.name != perp.name)]
    if perp is not None and (
        perp.kind == "unidentified" or perp.kind == "named" and perp.actor_type != "state_forces"
    ):
        cands = [m for m in cands if m.kind != "unidentified"]  # the bomber killed with his victims
    patients = [m for m in cands if m.patient]
    lead_patients = [m for m in patients if m.start < lead_end]
    hint = target_hint(lead)
    if lead_patients and hint in ("police", "military") and _ANYONE.fullmatch(lead_patients[0].text):
        lead_patients = []  # "eight people were killed when militants attacked a police station"
    if lead_patients:
        return lead_patients[0]
    if hint:
        kinds = ("civilians", "government") if hint == "civilians" else (hint,)
        hit = next((m for m in cands if m.kind in kinds and not m.agent), None)
        if hit is not None or hint == "civilians":
            return hit  # civilians only when named: a shelled village with no victims has no actor 2
        name, atype = generic_name(hint, country)
        return ActorMention(name, atype, country.code if country else "", -1, -1, "", hint)
    if patients:
        return patients[0]
    civil = next((m for m in cands if m.kind in ("civilians", "government") and not m.agent), None)
    armed = next((m for m in cands if m.kind in ("military", "police", "named") and not m.agent), None)
    if family in ("clash", "territory") and armed is not None:
        return armed
    return civil or armed
