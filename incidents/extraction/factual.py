"""Which war words in a sentence report violence that happened.

News is full of violent words that report nothing: the month of March, a call for protests
"on Thursday", a threat to attack, a battle against inflation, a heart attack, a photo shot,
a house fire, a tsunami. `factual` blanks those words (spaces, offsets kept) so the event cues
of `events.py` only see what happened; `accident` tells a sentence about a disaster or an
accident from one about an attack.
"""

from __future__ import annotations

import re
from functools import lru_cache

_I = re.I

# Month names and other capitalised words that are cue words in lower case.
_MONTHS = re.compile(r"\b(?:March|May)\b(?!\s+(?:organi[sz]ers|participants))")

# Violent words used for something else. Each is blanked whole.
_FIGURATIVE = re.compile(
    r"\b(?:heart|panic|anxiety|asthma|cyber|shark|dog|bear|snake|crocodile|verbal|personal|political|"
    r"legal|media|scathing|blistering|stinging)[\s-]+attacks?\b"
    r"|\bcyberattacks?\b"
    r"|\battacks?\s+on\s+(?:democracy|freedom|the\s+constitution|the\s+press|the\s+judiciary|his\s+rivals?|"
    r"her\s+rivals?|the\s+opposition|the\s+government'?s?\s+(?:policy|policies|record))\b"
    r"|\b(?:battles?|battled|battling|fight(?:s|ing)?|fought|wars?|war\s+on)\s+(?:against\s+|with\s+)?"
    r"(?:the\s+)?(?:inflation|prices|unemployment|poverty|hunger|disease|cancer|illness|the\s+virus|"
    r"covid|coronavirus|the\s+pandemic|corruption|fires?|flames|the\s+blaze|wildfires?|drought|floods?|"
    r"debt|deficits?|traffic|obesity|addiction|injur(?:y|ies)|relegation|the\s+elements|the\s+odds|"
    r"time|heat|bureaucracy|climate\s+change|misinformation|fake\s+news)\b"
    r"|\b(?:price|trade|tariff|currency|culture|bidding|turf|talent|ratings|format|console|browser|"
    r"legal|court|custody|political|election|electoral|uphill|budget)\s+(?:wars?|battles?|fights?)\b"
    r"|\bwar\s+of\s+words\b|\bwar\s+chest\b|\bwar\s+room\b|\bbattle\s*ground\s+states?\b"
    r"|\b(?:booster|flu|vaccine|covid|insulin)\s+shots?\b|\bshots?\s+(?:on|at)\s+goal\b"
    r"|\bshot\s+to\s+(?:fame|prominence|the\s+top)\b|\bshot\s+(?:a|the)\s+(?:film|video|movie|scene|footage)\b"
    r"|\b(?:photo|photograph|picture|image|video|film)\s+(?:was\s+)?shot\b|\bshot\s+by\s+(?:photographer|\w+\s+photographer)\b"
    r"|\bfired\s+(?:the|his|her|their|its|a)\s+(?:\w+\s+)?(?:minister|coach|manager|chief|director|"
    r"staff|employees?|workers?|editor|official|head|ceo|adviser|advisor|secretary)\b"
    r"|\b(?:was|were|been|got|get)\s+fired\s+(?:from|by|over|for|after)\b"
    r"|\bfired\s+up\b|\b(?:cease|ceasefire)[\s-]*fire\b|\bceasefire\b|\bfire(?:works|fighters?|men|man|"
    r"\s+brigade|\s+department|\s+service|\s+engines?|\s+trucks?|\s+station|\s+alarm|\s+exits?|\s+safety)\b"
    r"|\b(?:killed|kill|kills)\s+(?:the|a|his|her|their)\s+(?:bill|deal|proposal|plan|motion|idea|"
    r"project|story|mood|engine|lights)\b|\bkill\s+time\b"
    r"|\bstrikers?\b|\bstrike\s+(?:a|the)\s+(?:deal|balance|chord|pose|note|bargain)\b|\bstruck\s+(?:a|the)\s+"
    r"(?:deal|balance|chord|pose|note|bargain|agreement)\b|\bhunger\s+strikers?\b"
    r"|\b(?:stock|shares?|markets?|prices?|the\s+dollar|the\s+euro|the\s+rupee|currency|bonds?)\s+"
    r"(?:rall(?:y|ied|ies)|plunged|crashed|exploded|were\s+hit)\b"
    r"|\brall(?:y|ied|ies)\s+(?:in|on)\s+(?:stocks|shares|markets|prices|oil)\b"
    r"|\bexplosi(?:ve|on)\s+(?:growth|popularity|rise|increase|interview|revelations?)\b"
    r"|\bblast(?:ed)?\s+(?:the|his|her|their)\s+(?:decision|government|policy|plan|ruling|remarks?|critics?)\b"
    r"|\bbombshell\b|\bbombed\s+at\s+the\s+box\s+office\b|\bbomb\s+(?:cyclone|threat\s+hoax)\b"
    r"|\bmarch(?:ed|es|ing)?\s+(?:on\s+)?(?:to\s+)?(?:victory|the\s+final|forward|ahead)\b|\bmarch\s+madness\b"
    r"|\btargets?\s+(?:of\s+)?(?:\d+|growth|inflation|emissions?|sales|revenue)\b"
    # what goes on, not what happened: "weeks of fighting", "a string of attacks", "the war"
    r"|\b(?:days|weeks|months|years|decades)\s+of\s+(?:\w+\s+){0,2}?(?:fighting|clashes|violence|conflict|war|"
    r"attacks|protests|unrest|shelling|bombardments?|strikes|airstrikes|insurgency|bloodshed)\b"
    r"|\b(?:a|the)\s+(?:string|series|spate|wave|number|campaign|history|surge|rise|increase|cycle|uptick)\s+"
    r"(?:of|in)\s+"
    r"(?:\w+\s+){0,2}?(?:attacks|bombings|killings|kidnappings|abductions|clashes|strikes|airstrikes|"
    r"violence|raids|assaults|explosions|protests)\b"
    r"|\bwaves\s+of\s+(?:\w+\s+){0,2}?(?:attacks?|bombings|killings|kidnappings|violence|raids|unrest)\b"
    # "Suicide bombings against civilian targets ... remain common": how things are
    r"|\b(?:attacks|bombings|killings|kidnappings|abductions|raids|clashes|airstrikes|shootings|explosions)\b"
    r"[^.;!?]{0,120}?\b(?:remain|remains|are\s+(?:still\s+)?|have\s+(?:long\s+)?been|have\s+become)\s+"
    r"(?:\w+\s+)?(?:common|frequent|commonplace|routine|rare|widespread)\b"
    # who the attacker was, not what he did: "The attacker was identified as ..."
    r"|\b(?:attacker|gunman|assailant|shooter|bomber|stabber)(?=\s+(?:was|has\s+been|had\s+been)\s+"
    r"(?:identified|named)\s+as\b)"
    # what a group is known for: "a stronghold of the group, known for kidnappings and beheadings"
    r"|\bknown\s+for\s+(?:its\s+|their\s+)?(?:\w+\s+){0,2}?(?:kidnappings|beheadings|attacks|bombings|killings|"
    r"raids|abductions|violence|brutality|massacres)(?:,?\s+(?:and\s+)?(?:\w+\s+)?(?:kidnappings|beheadings|attacks|"
    r"bombings|killings|raids|abductions|massacres))?\b"
    # a war's toll is not an event: "the conflict has killed over 100,000 people"
    r"|\b(?:conflict|war|insurgency|violence|fighting|uprising|unrest|crisis|campaign)\s+(?:that\s+|which\s+)?"
    r"(?:has|have|had)\s+(?:so\s+far\s+|now\s+|already\s+)?(?:killed|claimed|left|displaced)\b"
    # a gathering to mourn is not a protest: "gathered at the compound for a state memorial"
    r"|\b(?:gathered|assembled|rallied|marched)\s+(?:\w+\s+){0,8}?for\s+(?:a|the)\s+(?:\w+\s+)?(?:memorial|funeral|"
    r"vigil|prayers?|ceremony|service|wedding|celebration|festival|burial|mass|commemoration)\b"
    # who is behind attacks in general: "responsible for several bomb attacks", "a launchpad for attacks"
    r"|\b(?:responsible\s+for|behind|involved\s+in|blamed\s+for|suspected\s+of|linked\s+to|wanted\s+for|"
    r"launch\s*pad\s+for|staging\s+ground\s+for|safe\s+havens?\s+for|base\s+for)\s+(?:\w+\s+){0,3}?"
    r"(?:attacks|bombings|killings|kidnappings|raids|ambushes|massacres)\b",
    _I,
)

# A cue after one of these, in the same clause, is a plan, a call, a threat or a fear, not an event.
_UNREAL = re.compile(
    r"\b(?:will|would|could|might|shall|should|must|may|can)\s+(?:not\s+|soon\s+|also\s+|still\s+)?(?:be\s+)?$"
    r"|\b(?:plans?|planning|planned|plot(?:s|ted|ting)?|intends?|intended|intending|threaten(?:s|ed|ing)?|"
    r"vow(?:s|ed|ing)?|pledge[sd]?|promis(?:e|es|ed|ing)|prepar(?:e|es|ed|ing)|seek(?:s|ing)?|sought|"
    r"aim(?:s|ed|ing)?|want(?:s|ed)?|tried|tries|trying|attempt(?:s|ed|ing)?|expected|due|set|"
    r"going|ready|able|unable|refused|failed|decided|agreed|allowed|permitted|banned|forbidden)\s+(?:not\s+)?to\s+"
    r"(?:\w+\s+){0,2}$"
    r"|\b(?:call(?:s|ed|ing)?|appeal(?:s|ed|ing)?)\s+(?:for|on\s+\w+(?:\s+\w+)?\s+to)\s+(?:\w+\s+){0,3}$"
    r"|\burg(?:e|es|ed|ing)\s+(?:\w+\s+){0,3}?to\s+(?:\w+\s+){0,2}$"
    r"|\b(?:warn(?:s|ed|ing)?|fear(?:s|ed|ing)?|risk|threat|danger|spectre|prospect|possibility|"
    r"likelihood|rumou?rs?|reports?\s+of\s+(?:a\s+)?(?:possible|planned|imminent))\s+(?:of|that|about)\s+"
    r"(?:an?\s+|the\s+|more\s+|further\s+|new\s+|fresh\s+|possible\s+|imminent\s+|renewed\s+)*(?:\w+\s+){0,2}$"
    r"|\b(?:possible|potential|imminent|impending|planned|upcoming|proposed|hypothetical|future|"
    r"would-be|threatened|mock|simulated|staged\s+mock)\s+(?:\w+\s+){0,1}$"
    r"|\b(?:if|unless|whether|in\s+case\s+of|whenever|every\s+time|each\s+time)\s+(?:\w+\s+){0,5}$"
    r"|\b(?:against|prevent(?:s|ed|ing)?|avert(?:s|ed|ing)?|deter(?:s|red|ring)?)\s+(?:any\s+|further\s+|"
    r"more\s+|future\s+|possible\s+)(?:\w+\s+){0,1}$"
    r"|\bno\s+(?:\w+\s+){0,1}$"
    r"|\b(?:previously|formerly|once|in\s+the\s+past|had\s+(?:once|earlier|previously))\s+(?:\w+\s+){0,3}$"
    # a court's words about what happened: "convicted of murder", "charged with the killing"
    r"|\b(?:convicted|charged|sentenced|indicted|acquitted|guilty|tried|jailed|prosecuted|trial)\s+(?:\w+\s+){0,5}?"
    r"(?:of|for|with|over)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}$"
    # an end sought: "a pact to end fighting", "failed to halt the violence"
    r"|\b(?:end|ends|ending|halt|halting|stop|stopping|curb|curbing|quell|quelling|reduce|reducing)\s+"
    r"(?:the\s+|a\s+|all\s+)?(?:\w+\s+){0,2}$",
    _I,
)
_CLAUSE_START = re.compile(r"[;:,\u2014(\"\u201c]|\b(?:and|but|while|after|before|when|as)\s", _I)

# Sentences about disasters and accidents: their deaths are not political violence.
ACCIDENT = re.compile(
    r"\b(?:earthquakes?|quakes?|tremors?|tsunamis?|floods?|flooding|flash\s+floods?|landslides?|mudslides?|"
    r"cyclones?|hurricanes?|typhoons?|tornado(?:e?s)?|storms?|blizzards?|avalanches?|volcan(?:o|oes|ic)|"
    r"eruptions?|wildfires?|bush\s*fires?|forest\s+fires?|heat\s*waves?|droughts?|monsoon|lightning|"
    r"died\s+of\s+(?:cholera|ebola|covid|malaria|measles|hunger|starvation|disease)|stampede|"
    r"drown(?:ed|ing)?|capsiz(?:ed|e|ing)|"
    r"sank|sunk|shipwreck|derail(?:ed|ment)|collided|collision|crash(?:ed|es)?|plunged?\s+(?:into|off|down)|"
    r"ravine|overturned|skidded|emergency\s+landing|crash[\s-]+land(?:ed|ing)?|air\s+crash|plane\s+crash|"
    r"road\s+accident|traffic\s+accident|accident(?:al|ally)?|gas\s+(?:leak|explosion|cylinder)|"
    r"cylinder\s+(?:blast|explosion)|boiler\s+(?:blast|explosion)|mine\s+collapse|building\s+collapse|"
    r"collapsed|short[\s-]circuit|electrical\s+fault|fire\s+broke\s+out|caught\s+fire|blaze\s+(?:at|in|broke)|"
    r"fireworks?\s+(?:factory|warehouse|explosion)|industrial\s+accident|chemical\s+(?:plant|factory)\s+"
    r"(?:blast|explosion|fire))\b",
    _I,
)
# Words that make a sentence about violence whatever else it mentions.
VIOLENT_AGENT = re.compile(
    r"\b(?:attack(?:s|ed|ing|ers?)?|clash(?:es|ed)?|fighting|fought|battled?|raid(?:s|ed)?|ambush(?:ed)?|"
    r"stormed|assault(?:ed)?|beat(?:en|ing)?|hacked|tortur(?:e|ed)|execut(?:ed|ion)|captured|seized|"
    r"protested|rallied|marched|gathered|chant(?:ed|ing)|looted|vandali[sz]ed|killed\s+by|gunm[ae]n|gunfire|militants?|insurgents?|rebels?|jihadists?|terroris[tm]s?|bombers?|"
    r"suicide|IEDs?|grenades?|mortars?|shell(?:ing|ed|s)|air\s*strikes?|drone\s+strikes?|airstrikes?|"
    r"missiles?|rockets?|artillery|shot\s+dead|shot\s+and\s+killed|opened\s+fire|gunshots?|stabbed|"
    r"beheaded|kidnapp(?:ed|ers?)|abduct(?:ed|ors?)|attackers?|assailants?|arson(?:ists?)?|"
    r"set\s+(?:\w+\s+){0,2}(?:on\s+)?fire|torched|clashes|protest(?:ers?|s)?|demonstrat(?:ors?|ions?)|"
    r"riot(?:ers|s)?|mob|lynch(?:ed)?|massacre[sd]?|sabotage)\b",
    _I,
)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    chars = list(text)
    for a, b in spans:
        for i in range(a, b):
            chars[i] = " "
    return "".join(chars)


@lru_cache(maxsize=8192)
def figurative(text: str) -> str:
    """`text` with month names and figurative war words blanked (same length)."""
    spans = [m.span() for m in _MONTHS.finditer(text)]
    spans += [m.span() for m in _FIGURATIVE.finditer(text)]
    return _blank(text, spans)


# "has been bombed repeatedly since 2003", "which is fighting the cartel for control": a state of
# affairs, not an event
_HABITUAL_AFTER = re.compile(
    r"[\w-]{0,30}(?<!\s)\s+(?:\w+\s+){0,5}?(?:repeatedly|regularly|frequently|routinely|constantly|for\s+years|for\s+decades|"
    r"over\s+the\s+years|since\s+(?:19|20)\d\d|every\s+(?:day|night|week|weekend|month|year|Friday|Saturday|Sunday)|(?:for|over)\s+(?:the\s+)?control\b|to\s+(?:topple|overthrow))",
    _I,
)


def habitual_after(text: str, end: int) -> bool:
    """Whether the words right after a cue make it a habit or a state rather than one event."""
    return bool(_HABITUAL_AFTER.match(text, end, end + 60))


def unreal_before(text: str, pos: int) -> bool:
    """Whether the words just before `pos`, in the same clause, make what follows unreal."""
    window = text[max(0, pos - 80) : pos]
    clause = 0
    for m in _CLAUSE_START.finditer(window):
        clause = m.end() if m.group()[0] in ';:,\u2014("\u201c' else m.start()
    return bool(_UNREAL.search(window[clause:]))


def accident(text: str) -> bool:
    """A sentence about a disaster or an accident with no sign of violence done by someone."""
    return bool(ACCIDENT.search(text)) and not VIOLENT_AGENT.search(_blank_accidents(text))


def _blank_accidents(text: str) -> str:
    return _blank(text, [m.span() for m in ACCIDENT.finditer(text)])
