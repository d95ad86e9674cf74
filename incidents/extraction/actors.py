"""Who acted and who was acted upon.

Named actors come from the knowledge; generic ones ("Iraqi soldiers", "police",
"villagers", "gunmen") are named by rule after the country, ACLED style. Roles
come from simple syntax: "by X", "X attacked", "X were killed".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import ActorEntry, CountryEntry

MILITARY = r"(?:regime|government|pro-government|state|loyalist|army|military|armed)\s+forces|soldiers?|troops|army|military|armed\s+forces|servicem[ae]n|paratroopers|marines|navy|air\s+force|border\s+guards?|national\s+guard|security\s+forces|forces"  # noqa: E501
POLICE = r"police(?:m[ae]n|\s+officers?|\s+forces?|\s+personnel|\s+station|\s+checkpoint|\s+post)?|officers|cops|gendarmes?|gendarmerie|constables?|policewom[ae]n"  # noqa: E501
CIVILIANS = r"civilians?|villagers?|residents?|people|person|man|woman|men|women|child(?:ren)?|boys?|girls?|worshippers|farmers?|students?|teachers?|journalists?|drivers?|shopkeepers?|passengers?|pilgrims|tourists?|family|families|traders?|merchants?|wom[ae]n|minors?|victims?|citizens|shepherds?|doctors?|nurses?|lawyers?|activists?|leaders?|members?\s+of\s+the\s+public"  # noqa: E501
PROTESTERS = r"protesters?|protestors?|demonstrators?|marchers"
RIOTERS = r"rioters?|mobs?|crowd"
UNIDENTIFIED = r"gunm[ae]n|assailants?|attackers?|militants?|unidentified\s+(?:armed\s+)?(?:men|group|persons?|individuals?)|unknown\s+(?:armed\s+)?(?:men|assailants|attackers|persons?|gunmen)|armed\s+men|insurgents?|terrorists?|bandits?|hitmen|extremists?|jihadists?|rebels?|separatists?"  # noqa: E501

GENERIC = [
    ("police", re.compile(rf"\b(?:{POLICE})\b", re.I)),
    ("military", re.compile(rf"\b(?:{MILITARY})\b", re.I)),
    ("protesters", re.compile(rf"\b(?:{PROTESTERS})\b", re.I)),
    ("rioters", re.compile(rf"\b(?:{RIOTERS})\b", re.I)),
    ("unidentified", re.compile(rf"\b(?:{UNIDENTIFIED})\b", re.I)),
    ("civilians", re.compile(rf"\b(?:{CIVILIANS})\b(?!['\u2019]s)", re.I)),
]
AGENT_AFTER = re.compile(
    r"^[\s,]*(?:\w+\s+){0,2}?(?:have\s+|has\s+|had\s+|reportedly\s+|allegedly\s+|also\s+)?(?:attack|kill|raid|storm|fire|fired|open|launch|ambush|abduct|kidnap|claim|carr|detonat|shell|struck|strike|target|clash|shot|shoot|seiz|captur|bomb|stab|behead|execut|hang|assault|torch|burn|set|pelt|threw|block|march|protest|demonstrat|gather|stag|held|repell|thwart|arrest|detain|dispers|mount|led|used|hurl|beat|tortur|loot)",
    re.I,
)
AGENT_BEFORE = re.compile(
    r"(?:\bby|\bfrom|suspected|blamed\s+on|claimed\s+by|carried\s+out\s+by)\s+(?:the\s+|an?\s+|some\s+|suspected\s+|alleged\s+|unidentified\s+|unknown\s+)*(?:\w+\s+){0,2}$",
    re.I,
)
PATIENT_AFTER = re.compile(
    r"^[\s,]*(?:\w+\s+){0,3}?(?:were|was|are|is|have\s+been|has\s+been|had\s+been)\s+(?:\w+ly\s+)?(?:killed|injured|wounded|abducted|kidnapped|attacked|shot|targeted|hurt|beheaded|executed|taken|arrested|detained|dispersed)",
    re.I,
)
PATIENT_BEFORE = re.compile(
    r"(?:attacked|killed|killing|targeted|targeting|against|on|ambushed|abducted|kidnapped|shot|injuring|wounding|stormed|raided|at|wounded|injured|dispersed|arrested|detained)\s+(?:the\s+|an?\s+|two\s+|three\s+|several\s+|\d+\s+)?(?:\w+\s+){0,2}$",
    re.I,
)
NO_CLAIM = re.compile(
    r"no\s+(?:group|one|organi[sz]ation)\s+(?:has\s+|had\s+)?claimed|not\s+claimed|unclaimed|unidentified|unknown\s+(?:gunmen|assailants|attackers|perpetrators)",
    re.I,
)


_GROUP = r"[A-Z][\w'\u2019-]*(?:\s+(?:al|al-|of|the|for|and|in|e|i|ul|-)?\s*[A-Z][\w'\u2019-]*){0,6}"
CLAIMING = re.compile(
    rf"(?<![\w-])(?:the\s+)?(?P<name>{_GROUP})(?:\s*\([A-Z][\w-]{{1,8}}\))?\s+(?:has\s+|have\s+|had\s+|later\s+)?"
    r"claimed\s+(?:responsibility|the\s+attack)"
    rf"|(?:attributed|blamed)\s+(?:the\s+(?:attack|incident|bombing|blast)\s+)?(?:on|to)\s+(?:the\s+)?(?P<name2>{_GROUP})"
)
_NOT_GROUP = re.compile(
    r"^(?:No|Nobody|None|Police|Officials?|Authorities|Sources|He|She|It|They|This|That)\b"
)
# "Afghan forces repelled a Taliban attack", "repulsed their attack": the attacker is actor 1
REPELLED = re.compile(
    r"\b(?:repelled|repulsed|thwarted|foiled|fended\s+off|beat\s+back|pushed\s+back)\s+(?:an?|the|their|its)?\s*"
    r"(?P<inner>(?:[\w'\u2019-]+\s+){0,4}?)(?:attacks?|assaults?|offensive|raids?|infiltration|advance)",
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


@dataclass
class ActorMention:
    name: str
    actor_type: str
    country: str
    start: int
    end: int
    text: str
    kind: str  # "named", "police", "military", "civilians", "protesters", "rioters", "unidentified"
    agent: bool = False
    patient: bool = False
    claimed: bool = False
    source: bool = False  # "police said": cited, not involved
    key: str = ""


def generic_name(kind: str, country: CountryEntry | None) -> tuple[str, str]:
    """ACLED-style name and actor type for a generic actor of a country."""
    cn = country.name if country else ""
    names = {
        "police": (f"Police Forces of {cn}" if cn else "Police Forces", "state_forces"),
        "military": (f"Military Forces of {cn}" if cn else "Military Forces", "state_forces"),
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
    """Actor mentions in one incident's text, with agent/patient roles guessed from the words around them."""
    out: list[ActorMention] = []
    taken: list[tuple[int, int]] = []
    for a, b, e in named:
        out.append(
            ActorMention(
                e.name, e.actor_type, e.country, a, b, text[a - offset : b - offset], "named", key=e.key
            )
        )
        taken.append((a, b))
    for kind, rx in GENERIC:
        for m in rx.finditer(text):
            a, b = offset + m.start(), offset + m.end()
            if any(x < b and a < y for x, y in taken):
                continue
            if kind == "military" and m.group().lower() == "forces" and not _demonym_before(a, demonyms):
                continue  # "forces" alone is too vague unless qualified by a country ("Iraqi forces")
            c = _demonym_before(a, demonyms) or country
            if (
                kind == "military"
                and re.match(r"security\s+forces", m.group(), re.I)
                and _near(text, m.start(), r"police")
            ):
                kind2 = "police"
            else:
                kind2 = kind
            name, atype = generic_name(kind2, c)
            taken.append((a, b))
            out.append(ActorMention(name, atype, c.code if c else "", a, b, m.group(), kind2))
    for m in ETHNIC_MILITIA.finditer(text):
        a, b = offset + m.start(), offset + m.end()
        group = m.group("group")
        if _NOT_ETHNIC.match(group) or any(x < b and a < y for x, y in taken):
            continue
        if any(group.lower() in (d.lower() for d in c.demonyms) for c in countries.values()):
            continue  # "Iraqi militias" are not an ethnic group
        cn = f" ({country.name})" if country else ""
        out.append(
            ActorMention(
                f"{group} Ethnic Militia{cn}",
                "identity_militia",
                country.code if country else "",
                a,
                b,
                m.group(),
                "named",
            )
        )
        taken.append((a, b))
    for m in CLAIMING.finditer(text):
        group = "name" if m.group("name") else "name2"
        name = m.group(group)
        a, b = offset + m.start(group), offset + m.end(group)
        known = [x for x in out if x.kind == "named" and x.start < b and a < x.end]
        if known:
            for x in known:
                x.claimed = True
        elif not _NOT_GROUP.match(name) and len(name) > 3:
            out.append(
                ActorMention(
                    name, "rebel_group", country.code if country else "", a, b, name, "named", claimed=True
                )
            )
            taken.append((a, b))
    for am in out:
        s, e = am.start - offset, am.end - offset
        before, after = text[max(0, s - 60) : s], text[e : e + 60]
        am.agent = bool(AGENT_AFTER.match(after) or AGENT_BEFORE.search(before))
        am.patient = bool(PATIENT_AFTER.match(after) or PATIENT_BEFORE.search(before))
        am.source = bool(
            re.match(r"^\s*(?:\w+\s+)?(?:said|say|says|told|reported|stated|confirmed)\b", after)
        )
        am.claimed = am.claimed or bool(re.search(r"claim|blam|responsib", before[-25:] + after[:40], re.I))
        if am.agent and am.patient:
            am.agent = bool(AGENT_BEFORE.search(before)) or not PATIENT_AFTER.match(after)
            am.patient = not am.agent
    out.sort(key=lambda m: m.start)
    return out


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
    if attacker is None and re.match(r"their|its", text[m.start() :].split(None, 1)[1], re.I):
        attacker = next(
            (x for x in mentions if x is not defender and x.kind not in ("civilians",) and x.start < verb),
            None,
        )
    if defender is None or attacker is None or attacker.name == defender.name:
        return None
    return attacker, defender


def _demonym_before(pos: int, demonyms: list[tuple[int, int, CountryEntry]]) -> CountryEntry | None:
    for _, b, c in demonyms:
        if 0 <= pos - b <= 12:
            return c
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


def assign_roles(
    mentions: list[ActorMention], family: str, country: CountryEntry | None, text: str, offset: int = 0
) -> tuple[ActorMention | None, ActorMention | None]:
    """(perpetrator, target) for an incident of the given cue family; `text` starts at `offset`."""
    if family in ("protest",):
        prot = next((m for m in mentions if m.kind == "protesters"), None)
        if not prot:
            name, t = generic_name("protesters", country)
            prot = ActorMention(name, t, country.code if country else "", -1, -1, "", "protesters")
        target = next((m for m in mentions if m.kind in ("police", "military")), None)
        return prot, target
    if family in ("riot", "mob"):
        name, t = generic_name("rioters", country)
        riot = next((m for m in mentions if m.kind == "rioters"), None) or ActorMention(
            name, t, country.code if country else "", -1, -1, "", "rioters"
        )
        riot.name, riot.actor_type = name, t
        target = next((m for m in mentions if m.kind in ("police", "military")), None)
        if not target:
            target = next((m for m in mentions if m.kind in ("civilians", "named") and not m.agent), None)
        if not target:
            cname, ct = generic_name("civilians", country)
            target = ActorMention(cname, ct, country.code if country else "", -1, -1, "", "civilians")
        return riot, target
    candidates = [m for m in mentions if m.kind not in ("protesters",)]
    repelled = _repelled(candidates, text, offset)
    if repelled:
        return repelled
    if family in ("clash", "territory", "shell", "air"):
        pair = _between(candidates, text, offset)
        if pair:
            return pair
    claimed = [m for m in candidates if m.kind == "named" and m.claimed and not NO_CLAIM.search(m.text)]
    # a group that claimed the attack is its perpetrator, whoever the sentence makes the subject
    perp = claimed[0] if claimed else next((m for m in candidates if m.agent and m.kind != "civilians"), None)
    if perp is None:
        perp = next(
            (m for m in candidates if m.kind == "named" and m.actor_type != "state_forces" and not m.patient),
            None,
        )
    if perp is None:
        perp = next((m for m in candidates if m.kind == "unidentified"), None)

    def other(m: ActorMention) -> bool:
        return m is not perp and (perp is None or m.name != perp.name) and not m.source

    armed = ("military", "police", "named")
    target = next((m for m in candidates if m.patient and m.kind in armed and other(m)), None)
    if target is None:
        target = next((m for m in candidates if m.kind in armed and not m.agent and other(m)), None)
    if target is None:
        target = next((m for m in candidates if m.patient and other(m)), None)
    if target is None:
        target = next((m for m in candidates if m.kind == "civilians" and other(m)), None)
    if perp is not None and perp.kind == "civilians":
        perp = None
    if family == "arrest" and perp is None:
        perp = next((m for m in candidates if m.kind in ("police", "military")), None)
    return perp, target
