"""End-to-end tests of extract(): places, actors, sources, evidence, segmentation, bad input, the seed."""

import json
from datetime import date
from pathlib import Path

import pytest

from incidents.extraction import EXTRACTOR_VERSION, engine, extract, load_reference_knowledge
from incidents.extraction.types import Knowledge

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "seed" / "mehr-2022-01-daesh-iraq-syria.txt"
KNOWLEDGE = load_reference_knowledge()


def _one(text, published=date(2020, 5, 10), title=""):
    incs = [i for i in extract(text, published, KNOWLEDGE, title) if i.primary]
    assert len(incs) == 1, [(i.country, i.event_type) for i in incs]
    return incs[0]


def _actor(inc, role):
    return next((a.name for a in inc.actors if a.role == role), "")


def test_version_and_reference_data():
    assert EXTRACTOR_VERSION.count(".") == 2
    assert len(KNOWLEDGE.countries) >= 249
    assert any(a.name == "Islamic State" and "Daesh" in a.aliases for a in KNOWLEDGE.actors)
    assert any(p.name == "Diyala" and p.country == "IQ" for p in KNOWLEDGE.places)
    total = sum(f.stat().st_size for f in (REPO / "incidents" / "reference").glob("*.json"))
    assert total < 2_000_000


def test_acled_note_place_pattern():
    inc = _one(
        "On 8 May 2020, in Temixco, Morelos, three armed men carried out a drive-by shooting against a man. 1 injured."  # noqa: E501
    )
    assert (inc.country, inc.admin1, inc.location_name) == ("MX", "Morelos", "Temixco")
    assert inc.start_date == date(2020, 5, 8)
    assert inc.injured.best == 1
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    assert _actor(inc, "actor2") == "Civilians (Mexico)"


def test_parenthesised_admin1():
    inc = _one(
        "On 8 May 2020, National resistance forces thwarted a Houthi attack on the city of Hays (Hays, Al Hudaydah)."  # noqa: E501
    )
    assert (inc.country, inc.admin1, inc.location_name) == ("YE", "Al Hudaydah", "Hays")


def test_gazetteer_place_resolves_hierarchy_and_coordinates():
    inc = _one("A car bomb exploded in Mosul on Friday, killing four people.", date(2017, 3, 4))
    assert (inc.country, inc.admin1, inc.location_name) == ("IQ", "Nineveh", "Mosul")
    assert inc.latitude and inc.longitude and inc.geo_precision == "exact"
    assert inc.fatalities.best == 4
    assert inc.sub_event_type == "Remote explosive/landmine/IED"


def test_same_name_place_uses_the_article_country():
    inc = _one("Clashes broke out in Tripoli, Lebanon, on Monday between rival gunmen.", date(2019, 6, 5))
    assert inc.country == "LB"


def test_country_only_gives_country_precision():
    inc = _one("Gunmen killed two villagers in Burkina Faso on Sunday.", date(2020, 5, 5))
    assert inc.country == "BF" and inc.geo_precision == "country" and inc.location_name == ""


def test_ordinary_words_and_names_are_not_places():
    incs = extract(
        "Police said a man named Victor Georgia was shot dead in the north on Friday.",
        date(2020, 5, 9),
        KNOWLEDGE,
    )
    assert all(i.location_name == "" for i in incs)


def test_actor_rules():
    inc = _one(
        "On Friday, Iraqi soldiers clashed with Daesh militants near Kirkuk, police said. Three soldiers were killed.",  # noqa: E501
        date(2021, 3, 7),
    )
    names = {a.name for a in inc.actors}
    assert "Islamic State" in names and "Military Forces of Iraq" in names
    assert "police" in inc.sources
    inc = _one(
        "Villagers were attacked by unidentified gunmen in Borno state, Nigeria on Saturday; five were killed.",  # noqa: E501
        date(2021, 3, 7),
    )
    assert _actor(inc, "actor1").startswith("Unidentified Armed Group")
    assert _actor(inc, "actor2") == "Civilians (Nigeria)"


def test_protesters_and_rioters():
    inc = _one(
        "On 4 May 2020, around 500 migrant workers held a protest in Surat (Surat, Gujarat). Police dispersed them and detained 20 protesters."  # noqa: E501
    )
    assert inc.sub_event_type == "Protest with intervention"
    assert _actor(inc, "actor1") == "Protesters (India)"
    assert _actor(inc, "actor2") == "Police Forces of India"
    assert inc.fatalities.best is None  # detained protesters are not deaths
    inc = _one("On 28 April 2020, rioters damaged the facade of a bank in Beirut, Lebanon.", date(2020, 5, 1))
    assert (inc.event_type, _actor(inc, "actor1")) == ("Riots", "Rioters (Lebanon)")


def test_sources_and_evidence_point_into_the_text():
    text = "Over 120 people have been killed in the fighting in Hasaka, Syria, since Thursday, according to the Syrian Observatory for Human Rights."  # noqa: E501
    inc = _one(text, date(2022, 1, 23))
    assert inc.sources and "Syrian Observatory for Human Rights" in inc.sources[0]
    fields = {e.field for e in inc.evidence}
    assert {"date", "event_type", "location", "fatalities", "source"} <= fields
    for e in inc.evidence:
        assert text[e.start : e.end] == e.text
    assert 0 < inc.confidence <= 1 and inc.field_confidence


def test_no_incident_text_gives_nothing():
    text = "Canada's Food Inspection Agency has confirmed that a cow in British Columbia tested positive for Mad Cow Disease."  # noqa: E501
    assert extract(text, date(2006, 4, 18), KNOWLEDGE) == []


def test_news_brief_with_several_stories():
    text = (
        "Hello and welcome to the news briefs.\n\n"
        "Explosion in Tel Aviv injures at least 40\n\n"
        "A Palestinian suicide bomber caused an explosion at a restaurant in central Tel Aviv. "
        "According to police, eight people are reported dead and at least 40 were injured.\n\n"
        "Canada confirms case of Mad Cow Disease\n\n"
        "A cow in British Columbia, Canada, tested positive for the disease.\n\n"
        "Protesters march in Kathmandu\n\n"
        "Thousands of protesters marched in Kathmandu, Nepal, on Tuesday demanding elections.\n"
    )
    incs = [i for i in extract(text, date(2006, 4, 18), KNOWLEDGE) if i.primary]
    assert {(i.country, i.event_type) for i in incs} == {
        ("IL", "Explosions/Remote violence"),
        ("NP", "Protests"),
    }
    bomb = next(i for i in incs if i.country == "IL")
    assert (bomb.fatalities.best, bomb.injured.best, bomb.sub_event_type) == (8, 40, "Suicide bomb")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "\x00\x01\x02\xff" * 1000,
        "Ceci n'est pas un article. Les enfants jouent dans le parc.",
        "Сегодня в городе прошёл праздник.",
    ],
)
def test_bad_input_returns_no_incident(text):
    assert extract(text, date(2020, 1, 1), KNOWLEDGE) == []


def test_binary_junk_and_empty_knowledge():
    junk = bytes(range(256)).decode("latin-1") * 200
    assert isinstance(extract(junk, date(2020, 1, 1), KNOWLEDGE), list)
    assert isinstance(extract("Gunmen killed two people on Friday.", date(2020, 1, 3), Knowledge()), list)


def test_only_the_head_of_an_oversized_text_is_read(monkeypatch):
    """Longer inputs are not articles: the extractor reads their first MAX_CHARS characters only
    (bench/extraction.py measures that the cost per kilobyte stays flat up to that size)."""
    monkeypatch.setattr(engine, "MAX_CHARS", 3_000)
    filler = "The weather was mild and markets were calm. " * 40
    late = filler * 2 + "Gunmen killed 3 people in Kabul on Friday.\n"
    early = "Gunmen killed 3 people in Kabul on Friday.\n" + filler * 2
    assert len(filler) * 2 > 3_000
    assert extract(late, date(2020, 1, 3), KNOWLEDGE) == []
    [inc] = extract(early, date(2020, 1, 3), KNOWLEDGE)
    assert inc.fatalities.best == 3


def test_seed_article():
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (../shared absent)")
    incs = [
        i
        for i in extract(
            SEED.read_text(encoding="utf-8"),
            date(2022, 1, 23),
            KNOWLEDGE,
            "Daesh steps up attacks in Iraq and Syria",
        )
        if i.primary
    ]
    iq = next(i for i in incs if i.country == "IQ")
    assert iq.start_date == date(2022, 1, 21)
    assert (iq.admin1, iq.location_name) == ("Diyala", "Al-Adhim")
    assert (iq.event_type, iq.sub_event_type) == ("Battles", "Armed clash")
    assert (_actor(iq, "actor1"), _actor(iq, "actor2")) == ("Islamic State", "Military Forces of Iraq")
    assert iq.fatalities.best == 11
    sy = next(i for i in incs if i.country == "SY")
    assert (sy.start_date, sy.end_date) == (date(2022, 1, 20), date(2022, 1, 23))
    assert sy.admin1 == "Al-Hasakeh" and sy.location_name in ("Al-Hasakah", "Ghweran prison")
    assert (sy.event_type, sy.sub_event_type) == ("Battles", "Armed clash")
    assert (_actor(sy, "actor1"), _actor(sy, "actor2")) == ("Islamic State", "Syrian Democratic Forces")
    assert (sy.fatalities.low, sy.fatalities.best) == (121, 120)
    assert any("Syrian Observatory for Human Rights" in s for s in sy.sources)
    assert len(incs) == 2


def test_seed_background_incidents_are_not_primary():
    if not SEED.exists():
        pytest.skip(f"seed article not found at {SEED} (../shared absent)")
    incs = extract(SEED.read_text(encoding="utf-8"), date(2022, 1, 23), KNOWLEDGE)
    background = [i for i in incs if not i.primary]
    assert background and all(i.start_date < date(2022, 1, 1) for i in background)


def test_cli_output_format(tmp_path):
    import subprocess
    import sys

    inp = tmp_path / "in.jsonl"
    inp.write_text(
        json.dumps(
            {
                "id": "x1",
                "published": "2020-05-10",
                "text": "On 9 May 2020, in Celaya, Guanajuato, gunmen shot dead a man. 1 fatality.",
            }
        )
        + "\n"
    )
    out = subprocess.run(
        [sys.executable, "-m", "incidents.extraction", str(inp)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    rec = json.loads(out.stdout.splitlines()[0])
    inc = rec["incidents"][0]
    assert rec["id"] == "x1"
    assert (inc["date"], inc["country"], inc["admin1"], inc["location"], inc["fatalities"]) == (
        "2020-05-09",
        "MX",
        "Guanajuato",
        "Celaya",
        1,
    )
    assert all(len(e) == 3 for e in inc["evidence"])


def test_an_explicit_date_is_not_moved_by_a_consecutive_day_count():
    inc = _one(
        "On 8 May 2020, near Chilpancingo, Guerrero, for the second consecutive day, a group of "
        "people blocked the roads demanding a meeting with the authorities.",
        date(2020, 5, 11),
    )
    assert (inc.start_date, inc.end_date) == (date(2020, 5, 8), date(2020, 5, 8))


def test_a_group_claiming_the_attack_is_the_perpetrator_even_if_unknown():
    inc = _one(
        "A roadside bomb hit a military convoy near Bannu, Pakistan, killing three soldiers. "
        "Lashkar-e-Islam al-Jadid claimed responsibility for the attack.",
        date(2013, 10, 7),
    )
    assert _actor(inc, "actor1") == "Lashkar-e-Islam al-Jadid"


def test_attribution_names_the_perpetrator():
    inc = _one(
        "Assailants fired rockets at a market in Tal Afar, Iraq, killing five civilians. No group claimed "
        "responsibility; however, sources attributed the attack to the Islamic State.",
        date(2017, 5, 29),
    )
    assert _actor(inc, "actor1") == "Islamic State"


def test_repelled_attack_makes_the_attacker_actor1():
    inc = _one(
        "On 3 May 2020, Afghan forces repelled a Taliban attack on a checkpoint in Nad Ali, Helmand, "
        "killing six militants.",
        date(2020, 5, 4),
    )
    assert (_actor(inc, "actor1"), _actor(inc, "actor2")) == ("Taliban", "Military Forces of Afghanistan")
    inc = _one(
        "On 3 May 2020, 4 Taliban militants were killed when Afghan forces repulsed their attack "
        "in Gardez, Paktia.",
        date(2020, 5, 4),
    )
    assert _actor(inc, "actor1") == "Taliban"


def test_ethnic_militias_get_acled_style_names():
    inc = _one(
        "On 6 May 2020, suspected Fulani militias attacked Agatu, Benue, and killed 2 residents.",
        date(2020, 5, 7),
    )
    assert _actor(inc, "actor1") == "Fulani Ethnic Militia (Nigeria)"
    inc = _one("On 6 May 2020, Iraqi militias shelled a base near Kirkuk, Iraq.", date(2020, 5, 7))
    assert "Ethnic" not in _actor(inc, "actor1")


def test_a_raid_on_civilians_is_an_attack_and_police_beating_a_man_too():
    inc = _one(
        "On 9 May 2020, Israeli forces raided the village of Beita, West Bank, and attacked Palestinian "
        "residents in the area. No injuries were reported.",
        date(2020, 5, 10),
    )
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    inc = _one(
        "On 2 May 2020, in Havana, Cuba, police beat a man for not wearing a facemask.", date(2020, 5, 3)
    )
    assert (inc.event_type, _actor(inc, "actor1")) == ("Violence against civilians", "Police Forces of Cuba")
    inc = _one(
        "On 9 May 2020, soldiers raided a rebel base near Gao, Mali, killing four militants.",
        date(2020, 5, 10),
    )
    assert inc.event_type == "Battles"


def test_an_undated_report_takes_its_date_from_the_follow_up():
    inc = _one(
        "Gunmen stormed an army base in Mukalla city, Hadramawt governorate, Yemen, and took soldiers "
        "hostage. At least four soldiers were killed. Two days later, on October 2, 2013, the army "
        "shelled the building.",
        date(2013, 10, 3),
    )
    assert inc.start_date == date(2013, 9, 30)
    inc = _one(
        "Militants decapitated a cab driver near Wana, Pakistan, saying he was an informant.\n"
        "The body was found on Tuesday in a town south of Wana.",
        date(2006, 4, 28),
    )
    assert inc.start_date == date(2006, 4, 25)
