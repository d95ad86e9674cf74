"""The ACLED event taxonomy and actor types: the vocabulary every layer shares."""

from __future__ import annotations

EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}

SUB_EVENT_TYPES: dict[str, str] = {sub: event for event, subs in EVENT_TYPES.items() for sub in subs}

ACTOR_TYPES: dict[str, str] = {
    "state_forces": "State forces",
    "rebel_group": "Rebel group",
    "political_militia": "Political militia",
    "identity_militia": "Identity militia",
    "rioters": "Rioters",
    "protesters": "Protesters",
    "civilians": "Civilians",
    "external_other": "External/Other forces",
}


def is_valid_pair(event_type: str, sub_event_type: str) -> bool:
    """True when the sub-event type belongs to the event type."""
    return SUB_EVENT_TYPES.get(sub_event_type) == event_type
