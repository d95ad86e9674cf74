"""ACLED event type and sub-event type from cue words.

The main event of a report is usually named first, so the earliest cue of the
first event sentence picks the family; the rest of the incident text refines
the sub-event (a bombing that was a suicide attack, a protest that was dispersed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .factual import figurative, habitual_after, unreal_before


def _rx(words: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + words + r")", re.I)


SUICIDE = _rx(
    r"suicide\s+(?:bomb|attack|car|vest|blast|truck)|self-detonat|suicide\s+bombers?|blew\s+(?:himself|herself|themselves)\s+up|explosives?-laden\s+vehicle|VBIED"
)
AIR = _rx(
    r"air\s*strikes?|aircraft|air\s+force|(?:jets|planes|helicopters?)\s+(?:bombed|struck|fired|attacked|hit)|airstrikes?|air\s+raids?|drone\s+(?:strike|attack)s?|warplanes?|fighter\s+jets?|aerial\s+(?:bombardment|attack|strike)|helicopter\s+gunships?|bombed\s+by\s+(?:aircraft|jets|planes)|drones?\b"
    r"|(?:destroyed|struck|hit|bombed|targeted|pounded)\s+by\s+(?:\w+\s+){0,3}?(?:jets|planes|helicopters|aircraft|warplanes)\b"
)
SHELL = _rx(
    r"shell(?:ing|ed|s)?\b|mortars?|artillery|rockets?|missiles?|katyusha|bombard|ATGMs?\b|anti-tank|grenade\s+launchers?|RPGs?\b"
)
# ACLED: heavy weapons fired together with small arms or machine guns make an armed clash
SMALL_ARMS = _rx(r"small\s+arms|machine\s+guns?|gunfire|rifles?|exchange(?:d)?\s+(?:of\s+)?fire")
# an attack that turns into fighting ("leading to clashes with residents") is a battle
TURNS_TO_FIGHT = _rx(
    r"(?:leading\s+to|sparking|sparked|resulting\s+in|in\s+the\s+ensuing)\s+(?:\w+\s+)?(?:clashes|fighting|exchange\s+of\s+fire)"
    r"|in\s+the\s+fighting|communal\s+(?:violence|clashes|fighting)"
)
IED = _rx(
    r"IEDs?\b|improvised\s+explosive|roadside\s+bomb|car\s+bomb|landmines?|land\s+mines?|mines?\s+explo|explosive\s+device|bomb(?:s|ing|ings|ed)?\b|blasts?\b|explosions?\b|explod|detonat|booby|motorcycle\s+rigged|rigged\s+with\s+explosives|sticky\s+bomb"
)
GRENADE = _rx(r"grenades?(?!\s+launcher)")
CHEM = _rx(r"chemical\s+(?:weapon|attack)|chlorine|sarin|nerve\s+agent")
ABDUCT = _rx(
    r"kidnap|abduct|hostages?|taken\s+captive|held\s+captive|seized\s+\w+\s+(?:civilians|people|workers)"
)
SEXUAL = _rx(r"rap(?:e|ed|ing)\b|sexual(?:ly)?\s+(?:assault|abuse|violence)")
CLASH = _rx(
    r"clash|fighting|shoot-?outs?|small\s+arms|machine\s+guns?|fought|(?<!legal\s)(?<!court\s)(?<!political\s)(?<!uphill\s)battle(?!\s+(?:for|over|against)\b)|gunfights?|firefights?|exchange(?:d)?\s+(?:of\s+)?fire|skirmish|ambush|repell|repuls|raid(?:ed|s)?\b|stormed|offensive|counter-?attack|attacked\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,3}(?:army|military|police|checkpoint|base|post|barracks?|outpost|positions?|convoy|patrol|troops|soldiers|forces)"
)
TERRITORY = _rx(
    r"(?:took|taken|seized|captured|regained|recaptured|retook|gained)\s+(?:full\s+)?control|captured\s+the\s+(?:town|city|village|district)|overran|recaptur|liberat(?:ed|ion)\s+of"
)
ATTACK = _rx(
    r"killed|murder|shot|shooting|gunfire|gunshots?|gunmen|gunman|stabb|hacked|beheaded|behead|decapitat|hanged|lynch|massacre|executed|assassinat|opened\s+fire|fired\s+(?:up)?on|attack|assault|torched|set\s+(?:\w+\s+){0,2}on\s+fire|found\s+dead|body\s+(?:was|of)|bodies|slain|beaten|beat\s+(?:up|an?|the|him|her|them|two|three|several)\b|tortur"
)
PROTEST = _rx(
    r"protest|demonstrat|rall(?:y|ies|ied)|march(?:ed|es)?\b|sit-in|picket|strike\s+action|went\s+on\s+strike|general\s+strike|hunger\s+strike|blocked\s+(?:the\s+|a\s+)?(?:[\w-]+\s+){0,5}(?:roads?|highway|street)|gathered\s+(?:outside|in\s+front|at)|chant|held\s+up\s+(?:\w+\s+){0,2}(?:placards|banners|signs|flags|photographs|portraits)"
)
RIOT = _rx(
    r"riot|pelt|threw\s+(?:stones|rocks|petrol|molotov)|stone-?pelting|hurled\s+(?:stones|rocks)|vandali|set\s+(?:\w+\s+){0,3}(?:on\s+)?fire|torched|burn(?:ed|t|ing)\s+(?:tires|tyres|vehicles|cars)|lit\s+tires|damaged|ransack|looted|clashed\s+with\s+police"
)
MOB = _rx(
    r"\bmob\b|mobs\b|lynch|angry\s+(?:crowd|residents|villagers)|villagers\s+(?:attacked|beat)|crowd\s+(?:attacked|beat)|vigilante"
)
INTERVENE = _rx(
    r"dispers|tear\s*gas|teargas|water\s+cannon|(?<!unjust\s)(?<!the\s)(?<!his\s)(?<!their\s)(?<!her\s)(?<!illegal\s)arrest(?:ed|s)?\b(?!\s+of)|(?<!the\s)detain(?:ed)?\b|baton|rubber\s+bullets|broke\s+up|cracked\s+down|crackdown|removed\s+by\s+police"
)
EXCESSIVE = _rx(
    r"(?:fired|opened\s+fire)\s+(?:live\s+(?:rounds|ammunition)\s+)?(?:on|at)\s+(?:the\s+)?(?:protesters|demonstrators|crowd)|live\s+(?:fire|ammunition|rounds)|(?:protesters|demonstrators)\s+(?:were\s+)?(?:killed|shot)"
)
ARREST = _rx(r"arrested|detained|apprehended|taken\s+into\s+custody|nabbed|rounded\s+up")
DISRUPT = _rx(
    r"defused|dismantled|(?:seized|recovered|found)\s+(?:\w+\s+){0,3}(?:weapons|arms|explosives|ammunition|IEDs?)"
)
SEIZE = _rx(
    r"seized\s+(?:\S+\s+){0,4}(?:drugs|cocaine|marijuana|heroin|methamphetamine|tons|kilograms|kg|tankers|trucks|"
    r"vehicles|cars|goods|cattle|livestock|property|money|fuel)|^\s*looting\b"
    # a punitive demolition: "troops demolished the family homes of two attackers"
    r"|(?:demolished|razed|bulldozed|destroyed|blew\s+up)\s+(?:the\s+)?(?:family\s+)?(?:homes?|houses?)\s+of\b"
    r"|(?:demolished|razed|bulldozed)\s+(?:\w+\s+){0,2}?(?:homes|houses|buildings|shops)\b"
)
# ACLED "movement of forces": reinforcements sent or arriving are a change to group activity
REINFORCE = _rx(r"reinforcements|(?:deployed|sent|moved)\s+(?:\w+\s+){0,3}(?:troops|forces|fighters)\s+to")
LOOT = _rx(r"loot(?:ed|ing)|plunder|pillag")
ARMED_ACTOR = _rx(
    r"soldiers|troops|militants?|militia|gunmen|armed\s+(?:men|group|youths?)|rebels?|fighters|insurgents|forces|jihadists?"
)
CROWD_VIOLENCE = re.compile(
    r"\b(?:demonstrators|protesters|crowd|mob|youths?)\b[^.]{0,80}?\b(?:killed|lynched|beat\s+\w+\s+to\s+death|stoned)",
    re.I,
)

# family cues in the order they are tested when two start at the same place
FAMILY_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("suicide", SUICIDE),
    ("chemical", CHEM),
    ("air", AIR),
    ("grenade", GRENADE),
    ("ied", IED),
    ("shell", SHELL),
    ("abduct", ABDUCT),
    ("sexual", SEXUAL),
    ("territory", TERRITORY),
    ("clash", CLASH),
    ("protest", PROTEST),
    ("mob", MOB),
    ("riot", RIOT),
    ("attack", ATTACK),
    ("seize", SEIZE),
    ("reinforce", REINFORCE),
    ("disrupt", DISRUPT),
    ("arrest", ARREST),
]

VIOLENT_CUE = re.compile(
    "|".join(
        f"(?:{rx.pattern})"
        for name, rx in FAMILY_CUES
        if name not in ("arrest", "seize", "disrupt", "reinforce")
    ),
    re.I,
)
_ANY_CUE = re.compile("|".join(f"(?:{rx.pattern})" for _, rx in FAMILY_CUES), re.I)
EXPLOSIVE_SUBS = [
    ("suicide", "Suicide bomb"),
    ("chemical", "Chemical weapon"),
    ("air", "Air/drone strike"),
    ("grenade", "Grenade"),
    ("ied", "Remote explosive/landmine/IED"),
    ("shell", "Shelling/artillery/missile attack"),
]


@dataclass(frozen=True)
class EventType:
    event_type: str
    sub_event_type: str
    cue_start: int  # offset in the classified text
    cue_end: int
    family: str
    cue_text: str = ""  # the words that decided the type
    in_lead: bool = True  # the cue's offsets are into the lead sentence (else into the whole text)


def _find(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of `rx` in `text` that reports something real (not planned, feared, called for)."""
    for m in rx.finditer(text):
        if not unreal_before(text, m.start()) and not habitual_after(text, m.end()):
            return m
    return None


@lru_cache(maxsize=8192)  # a sentence is asked again by the grouping, the lead and the type
def first_cue(text: str) -> tuple[str, re.Match[str]] | None:
    """The earliest event cue in `text` (ties broken by FAMILY_CUES order)."""
    if not _ANY_CUE.search(text):
        return None  # one pass tells most sentences of a story apart: no cue word at all
    text = figurative(text)
    best: tuple[int, int, str, re.Match[str]] | None = None
    for rank, (name, rx) in enumerate(FAMILY_CUES):
        m = _find(rx, text)
        if m and (best is None or (m.start(), rank) < (best[0], best[1])):
            best = (m.start(), rank, name, m)
    return (best[2], best[3]) if best else None


def has_event_cue(text: str) -> bool:
    """Whether a sentence reports violence, protest, an arrest, a seizure or a movement of forces."""
    return first_cue(text) is not None


def classify(lead: str, full: str, target_is_armed: bool = False) -> EventType | None:
    """Event type from the lead sentence (family) and the full incident text (sub-event)."""
    found = _classify(lead, full, target_is_armed)
    if found is None or found.cue_text:
        return found
    return replace(found, cue_text=lead[found.cue_start : found.cue_end])


def _classify(lead: str, full: str, target_is_armed: bool) -> EventType | None:
    lead, full = figurative(lead), figurative(full)
    cue = first_cue(lead) or first_cue(full)
    if not cue:
        return None
    fam, m = cue
    exc = _find(EXCESSIVE, lead)
    if exc:
        return EventType("Protests", "Excessive force against protesters", exc.start(), exc.end(), "protest")
    # a stronger family anywhere in the lead overrides a generic earlier cue
    for strong in ("suicide", "air", "chemical"):
        rx = dict(FAMILY_CUES)[strong]
        mm = _find(rx, lead)
        if mm and fam not in ("protest",):
            fam, m = strong, mm
            break
    if fam == "attack":
        for name in ("ied", "grenade", "shell", "abduct"):
            mm = _find(dict(FAMILY_CUES)[name], lead)
            if mm:
                fam, m = name, mm
                break
    if fam == "attack" and _GENERIC_HARM.fullmatch(m.group()) and not _find(_GUNS, full):
        # "eight people were killed in the attack" says nothing of how: the incident's other
        # sentences may ("the suicide bomber blew himself up")
        for name in ("suicide", "air", "shell", "ied", "grenade"):
            mm = _find(dict(FAMILY_CUES)[name], full)
            if mm:
                return _explosive(name, full, mm)
    mob = _find(MOB_BY, lead)
    if fam == "attack" and mob and not re.search(r"\b(?:gun|firearm|rifle|shot|armed)", lead, re.I):
        fam = "mob"  # "beaten to death by a mob", "lynched by villagers"
    if (
        fam == "clash"
        and (_find(RIOT, lead) or _find(MOB, lead))
        and not re.search(r"\b(?:gun|firearm|rifle|shot|fire[ds]?\b|armed)", lead, re.I)
    ):
        fam = "riot"  # "labourers clashed with police and pelted stones"
    crowd = re.search(
        r"\b(?:group\s+of\s+(?:people|residents|villagers|locals|youths?)|(?:village|rival|two)\s+groups|"
        r"villagers|residents|locals|youths?|"
        r"supporters|workers|labou?rers|crowd|students|mob)\b[^.]{0,60}?\b(?:attack|beat|pelt|stone|clash|assault)",
        lead,
        re.I,
    )
    if (
        fam in ("attack", "clash")
        and (crowd or _COMMUNAL.search(lead))
        and not re.search(r"\b(?:gun|firearm|rifle|shot|armed|knife)", lead, re.I)
    ):
        fam = "mob"  # a crowd attacking without weapons is mob violence, not an armed attack
    if (
        fam == "attack"
        and _BEATEN.search(lead)
        and _MOB_ACTS.search(full)
        and not re.search(r"\b(?:gun|firearm|rifle|shot|armed|knife)", full, re.I)
    ):
        fam = "mob"  # "A thief was beaten to death ... The angry mob thrashed him": told later
    loot = _find(LOOT, lead)
    if loot and fam in ("riot", "attack", "clash") and _find(ARMED_ACTOR, lead) and not _find(PROTEST, lead):
        # ACLED codes looting by armed actors as a strategic development, not a riot
        return EventType(
            "Strategic developments", "Looting/property destruction", loot.start(), loot.end(), "seize"
        )
    if fam in ("protest", "riot", "mob"):
        return _crowd(fam, lead, full, m)
    if fam in ("shell", "grenade") and _find(SMALL_ARMS, lead):
        return EventType("Battles", "Armed clash", m.start(), m.end(), "clash")
    if fam == "attack" and _find(TURNS_TO_FIGHT, full):
        return EventType("Battles", "Armed clash", m.start(), m.end(), "clash")
    if fam in dict(EXPLOSIVE_SUBS):
        for name, sub in EXPLOSIVE_SUBS:
            mm = _find(dict(FAMILY_CUES)[name], lead)
            if mm:
                return EventType("Explosions/Remote violence", sub, mm.start(), mm.end(), name)
        return EventType("Explosions/Remote violence", dict(EXPLOSIVE_SUBS)[fam], m.start(), m.end(), fam)
    if fam == "abduct":
        return EventType(
            "Violence against civilians", "Abduction/forced disappearance", m.start(), m.end(), fam
        )
    if fam == "sexual":
        return EventType("Violence against civilians", "Sexual violence", m.start(), m.end(), fam)
    if fam == "territory":
        return EventType("Battles", "Armed clash", m.start(), m.end(), fam)
    if fam == "clash":
        if not target_is_armed and re.match(r"raid|storm", m.group(), re.I):
            # a raid on a town or homes with no armed side to fight is an attack on civilians
            return EventType("Violence against civilians", "Attack", m.start(), m.end(), "attack")
        return EventType("Battles", "Armed clash", m.start(), m.end(), fam)
    if fam == "attack":
        if target_is_armed:
            return EventType("Battles", "Armed clash", m.start(), m.end(), "clash")
        return EventType("Violence against civilians", "Attack", m.start(), m.end(), fam)
    if fam == "seize":
        return EventType("Strategic developments", "Looting/property destruction", m.start(), m.end(), fam)
    if fam == "reinforce":
        return EventType("Strategic developments", "Change to group/activity", m.start(), m.end(), fam)
    if fam == "disrupt":
        return EventType("Strategic developments", "Disrupted weapons use", m.start(), m.end(), fam)
    if fam == "arrest":
        return EventType("Strategic developments", "Arrests", m.start(), m.end(), fam)
    return None


def _explosive(name: str, text: str, m: re.Match[str]) -> EventType:
    return EventType(
        "Explosions/Remote violence", dict(EXPLOSIVE_SUBS)[name], m.start(), m.end(), name, m.group(), False
    )


_GUNS = re.compile(
    r"\b(?:small\s+arms|machine\s+guns?|gunfire|rifles?|exchange(?:d)?\s+(?:of\s+)?fire|opened\s+fire|firing|"
    r"gunm[ae]n|shooting|shot|gun\s*battle|gunfight|firefight|stormed)\b",
    re.I,
)
_GENERIC_HARM = re.compile(r"killed|attack|assault|slain|bodies|body\s+(?:was|of)|found\s+dead", re.I)
# "a clash between people from two communities": communal violence, a riot
_COMMUNAL = re.compile(
    r"\bclash(?:es)?\s+between\s+(?:people|members|groups|residents)\s+(?:from|of)\s+(?:the\s+)?"
    r"(?:two|rival|different|neighbouring|neighboring)\s+communities\b",
    re.I,
)
_BEATEN = re.compile(r"\b(?:beaten|beat|thrashed|lynched|stoned|hacked)\b", re.I)
_MOB_ACTS = re.compile(
    r"\b(?:mob|villagers|crowd|locals|residents)\b[^.]{0,40}?\b(?:beat|thrash|lynch|ston|attack|assault)",
    re.I,
)
MOB_BY = re.compile(
    r"\b(?:by|when)\s+(?:a\s+|an\s+|the\s+)?(?:angry\s+|irate\s+)?(?:mob|villagers|crowd|locals|residents|vigilantes)\b",
    re.I,
)


def _crowd(fam: str, lead: str, full: str, m: re.Match[str]) -> EventType:
    protest = _find(PROTEST, lead) or (_find(PROTEST, full) if fam == "protest" else None)
    riot = _find(RIOT, lead)
    mob = _find(MOB, lead)
    if protest:
        if _find(EXCESSIVE, full):
            return EventType("Protests", "Excessive force against protesters", m.start(), m.end(), "protest")
        if _find(CROWD_VIOLENCE, full):
            return EventType("Riots", "Violent demonstration", m.start(), m.end(), "riot")
        if (
            riot
            and not re.search(r"\bdamaged\b", riot.group(), re.I)
            or _find(RIOT, full)
            and re.search(r"\briot", full, re.I)
        ):
            return EventType("Riots", "Violent demonstration", m.start(), m.end(), "riot")
        if _find(INTERVENE, full) and (
            re.search(r"dispers|tear\s*gas|teargas|water\s+cannon|rubber\s+bullets|baton", full, re.I)
            or re.search(r"\b(?:police|security|gendarm|soldiers|troops|army|officers)", full, re.I)
        ):
            return EventType("Protests", "Protest with intervention", m.start(), m.end(), "protest")
        return EventType("Protests", "Peaceful protest", m.start(), m.end(), "protest")
    if mob and not re.search(r"\briot", lead, re.I):
        return EventType("Riots", "Mob violence", m.start(), m.end(), "mob")
    if re.search(r"\brioters?\b|\briots?\b", full, re.I):
        return EventType("Riots", "Violent demonstration", m.start(), m.end(), "riot")
    return EventType("Riots", "Mob violence", m.start(), m.end(), "mob")
