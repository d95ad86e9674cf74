"""Unit tests of the extraction building blocks: dates, counts, events, text folding."""

from datetime import date

from incidents.extraction.counts import find_counts, parse_number
from incidents.extraction.dates import find_dates
from incidents.extraction.events import classify, has_event_cue
from incidents.extraction.text import fold_token, name_keys, sentences

PUB = date(2022, 1, 23)  # a Sunday


def _first_date(text, published=PUB):
    found = find_dates(text, published)
    assert found, text
    return found[0]


def test_weekday_is_most_recent_on_or_before_publication():
    assert _first_date("killed in the early hours of Friday").start_date == date(2022, 1, 21)
    assert _first_date("on Thursday night gunmen").start_date == date(2022, 1, 20)
    # published on a Sunday: "Sunday" is the publication day itself
    assert _first_date("on Sunday a bomb").start_date == PUB


def test_relative_days():
    assert _first_date("yesterday").start_date == date(2022, 1, 22)
    assert _first_date("today").start_date == PUB
    assert _first_date("three days ago").start_date == date(2022, 1, 20)


def test_explicit_dates():
    d = _first_date("On 9 May 2020, clashes erupted", date(2020, 5, 10))
    assert (d.start_date, d.precision) == (date(2020, 5, 9), "day")
    assert _first_date("On 1st May 2020, in Boa Vista", date(2020, 5, 4)).start_date == date(2020, 5, 1)
    assert _first_date("on January 21 the army").start_date == date(2022, 1, 21)
    assert _first_date("on October 2, 2013, the army").start_date == date(2013, 10, 2)


def test_month_parts_and_last_year():
    d = _first_date("In late December, footage was released")
    assert (d.start_date, d.end_date, d.precision) == (date(2021, 12, 15), date(2021, 12, 31), "month")
    d = _first_date("In October last year, attacks")
    assert (d.start_date, d.end_date) == (date(2021, 10, 1), date(2021, 10, 31))


def test_consecutive_day_gives_a_range():
    d = _first_date("The fighting continued for the fourth consecutive day")
    assert (d.start_date, d.end_date) == (date(2022, 1, 20), PUB)


def _deaths(text):
    return [c.count for c in find_counts(text) if c.field == "fatalities"]


def _hurt(text):
    return [c.count for c in find_counts(text) if c.field == "injured"]


def test_number_words_and_digits():
    assert _deaths("Eleven Iraqi soldiers were killed")[0].best == 11
    assert _deaths("the blast killed 1,900 people")[0].best == 1900
    assert parse_number("three thousand").best == 3000
    assert parse_number("twenty-five").best == 25


def test_bounds():
    c = _deaths("Over 120 people have been killed in the fight")[0]
    assert (c.low, c.best, c.high) == (121, 120, None)
    c = _deaths("at least 12 people died")[0]
    assert (c.low, c.best) == (12, 12)


def test_sums_and_separate_fields():
    assert _deaths("three soldiers and two civilians were killed")[0].best == 5
    assert _deaths("killing 5 people and injuring 20 others")[0].best == 5
    assert _hurt("killing 5 people and injuring 20 others")[0].best == 20
    assert _hurt("two police officers were lightly wounded")[0].best == 2


def test_vague_counts_follow_rules():
    c = _hurt("dozens of people were wounded")[0]
    assert (c.best, c.vague) == (24, True)
    c = _deaths("incurring a number of fatalities")[0]
    assert c.best is None and c.vague


def test_non_victim_numbers_are_not_tolls():
    assert _deaths("the prison holds more than three thousand suspected members") == []
    assert _deaths("killed all the troops stationed there") == []
    assert _deaths("The Daesh terrorists raided a barrack and 54 inmates fled") == []
    assert _deaths("A suicide bomber killed 12")[0].best == 12


def test_acled_trailing_fatalities():
    assert _deaths("Three officers died. 3 fatalities.")[0].best == 3


def test_a_toll_split_between_events_gives_this_events_share():
    (share,) = _deaths("More than 20 were killed. 20 fatalities split up between 3 events.")[-1:]
    assert (share.low, share.best, share.high) == (6, 7, 7)
    assert _deaths("12 fatalities split between 4 events.")[0].best == 3


def test_stated_tallies_are_marked():
    mentions = [
        c
        for c in find_counts("Gunmen killed 4 soldiers. The death toll rose to 9.")
        if c.field == "fatalities"
    ]
    assert [(c.count.best, c.tally) for c in mentions] == [(4, False), (9, True)]


def _type(text):
    e = classify(text, text)
    return (e.event_type, e.sub_event_type) if e else None


def test_event_types():
    assert _type("A Palestinian suicide bomber caused an explosion at a restaurant") == (
        "Explosions/Remote violence",
        "Suicide bomb",
    )
    assert _type("clashes erupted between pro-Houthi forces and pro-Hadi forces") == (
        "Battles",
        "Armed clash",
    )
    assert _type("A roadside bomb struck a convoy") == (
        "Explosions/Remote violence",
        "Remote explosive/landmine/IED",
    )
    assert _type("Turkish drones struck a car") == ("Explosions/Remote violence", "Air/drone strike")
    assert _type("Mortar shells landed on the village") == (
        "Explosions/Remote violence",
        "Shelling/artillery/missile attack",
    )
    assert _type("A man threw a grenade into a shop") == ("Explosions/Remote violence", "Grenade")
    assert _type("Gunmen kidnapped three engineers") == (
        "Violence against civilians",
        "Abduction/forced disappearance",
    )
    assert _type("gunmen shot dead a shopkeeper") == ("Violence against civilians", "Attack")


def test_crowd_event_types():
    assert _type("residents held a peaceful protest in front of the town hall") == (
        "Protests",
        "Peaceful protest",
    )
    assert _type("workers held a protest. Police dispersed them with tear gas.") == (
        "Protests",
        "Protest with intervention",
    )
    assert _type("security forces opened fire on protesters, killing two") == (
        "Protests",
        "Excessive force against protesters",
    )
    assert _type("rioters damaged the facade of a bank and lit tires") == ("Riots", "Violent demonstration")
    assert _type("a mob attacked the residence of the chief") == ("Riots", "Mob violence")
    assert _type("Two people were arrested by police") == ("Strategic developments", "Arrests")


def test_armed_target_makes_a_battle():
    e = classify("Eleven soldiers were killed in an attack", "x", target_is_armed=True)
    assert (e.event_type, e.sub_event_type) == ("Battles", "Armed clash")


def test_no_event_cue_in_ordinary_news():
    assert not has_event_cue("Canada confirms fifth case of Mad Cow Disease in a cow in British Columbia.")


def test_transliteration_folding():
    assert name_keys("Al-Hasakah") == name_keys("Hasaka") == name_keys("Hasakeh") == name_keys("al Hasakah")
    assert fold_token("León") == fold_token("Leon")
    assert name_keys("Ar-Raqqa") == name_keys("Raqqah")


def test_sentences_keep_spans():
    text = "Mr. Smith said. Gunmen attacked.\n\nNext story here."
    ss = sentences(text)
    assert [s.text for s in ss] == ["Mr. Smith said.", "Gunmen attacked.", "Next story here."]
    assert all(text[s.start : s.end] == s.text for s in ss)


def test_including_clause_and_years_are_not_extra_tolls():
    assert _deaths("Thirty-eight people, including the ten assailants, were killed")[0].best == 38
    assert _deaths("On 2 May 2020, a drug suspect was killed during a raid")[0].best == 1
    assert _deaths("assailants hanged one Afghan and four Pakistani civilians")[0].best == 5


def test_unarmed_crowd_attack_is_mob_violence():
    assert _type("a group of people attacked police officers with sticks and stones") == (
        "Riots",
        "Mob violence",
    )
    assert _type("labourers clashed with police and pelted stones") == ("Riots", "Mob violence")
    assert _type("gunmen attacked villagers") == ("Violence against civilians", "Attack")


def test_possessive_and_article_spellings_still_match():
    from incidents.extraction import load_reference_knowledge
    from incidents.extraction.knowledge import indexed
    from incidents.extraction.text import tokens

    ix = indexed(load_reference_knowledge())
    found = {
        (m.kind, getattr(m.entry, "name", ""))
        for m in ix.index.find(tokens("in Pakistan's north, Al shabaab fighters"))
    }
    assert ("country", "Pakistan") in found and ("actor", "Al Shabaab") in found
    assert not [m for m in ix.index.find(tokens("No group claimed it.")) if m.kind == "place"]


def test_looting_by_armed_men_is_a_strategic_development():
    text = "Soldiers looted goods and livestock from several households in two villages."
    assert _type(text) == ("Strategic developments", "Looting/property destruction")
    assert _type("Rioters looted shops and burned tyres after the match.")[0] == "Riots"


def test_a_protest_whose_crowd_kills_is_a_violent_demonstration():
    text = (
        "Youths demonstrated over the killing of a trader; the demonstrators caught a suspect and killed him."
    )
    assert _type(text) == ("Riots", "Violent demonstration")


def test_strategic_developments_without_violence():
    assert _type("Rebel reinforcements reportedly arrived at several fronts in the governorate.") == (
        "Strategic developments",
        "Change to group/activity",
    )
    assert _type("An armed group seized a number of fuel tankers passing through the town.") == (
        "Strategic developments",
        "Looting/property destruction",
    )
    assert has_event_cue("Coalition forces brought reinforcements to the base.")
    assert not has_event_cue("The minister brought a new budget to parliament.")


def test_more_cues():
    assert _type("Rebels destroyed an army bulldozer using an ATGM.")[0] == "Explosions/Remote violence"
    assert _type("Police beat a man for not wearing a mask.") == ("Violence against civilians", "Attack")
    assert (
        _type("Thousands of labourers blocked the traffic on the Agra-Mumbai national highway.")[0]
        == "Protests"
    )
    assert (
        _type("Party supporters held up flags and portraits of their leader in the square.")[0] == "Protests"
    )


def test_ranges_including_clauses_and_separate_clauses():
    (hurt,) = _hurt("2 militants were killed and 3-5 were wounded.")
    assert (hurt.low, hurt.best, hurt.high) == (3, 3, 5)
    assert _deaths("2 Taliban militants including a commander were killed.")[0].best == 2
    assert _deaths("A shoot-out broke out and a suspect was shot and died.")[0].best == 1
    assert _deaths("Unknown gunmen shot and killed a civilian on the road.")[0].best == 1
    tally = _deaths("The toll is unclear. Unclear fatalities coded as 10.")[-1]
    assert tally.best == 10


def test_weapons_decide_between_shelling_and_clash():
    heavy = "Rebel forces fired grenade launchers at government positions near the town."
    assert _type(heavy) == ("Explosions/Remote violence", "Shelling/artillery/missile attack")
    mixed = "Government forces fired 82mm mortars, heavy machine guns and small arms at rebel positions."
    assert _type(mixed) == ("Battles", "Armed clash")


def test_an_attack_that_turns_into_fighting_is_a_battle():
    text = "Armed youth attacked several villages, leading to clashes with residents. Three were killed."
    assert _type(text) == ("Battles", "Armed clash")
    assert _type("Gunmen attacked a village and killed three residents.")[0] == "Violence against civilians"


def test_two_groups_clashing_without_weapons_riot():
    text = "Two village groups clashed over a land dispute and one of them threw acid on the other."
    assert _type(text)[0] == "Riots"


def test_a_later_date_can_anchor_the_earlier_event():
    from incidents.extraction.dates import anchor

    (d,) = find_dates("Two days later, on October 2, 2013, the army shelled the building.", date(2013, 10, 3))
    before = "Two days later, "
    shifted = anchor(d, before)
    assert (shifted.start_date, shifted.precision) == (date(2013, 9, 30), "day")
    assert anchor(d, "The next day, ").start_date == date(2013, 10, 1)
    assert anchor(d, "He was released after ") is None
    assert anchor(d, "The attack came ") is d


def test_unwrap_joins_lines_broken_mid_sentence_and_keeps_offsets():
    from incidents.extraction.text import unwrap

    wrapped = (
        "Gunmen attacked a checkpoint of the Iraqi army near Baqubah in Diyala\n"
        "province on Tuesday night, killing four soldiers and wounding six\n"
        "Iraqi troops, security sources said.\n"
        "\n"
        "The attackers fled towards the orchards north of the town, police said\n"
        "Officials blamed Daesh remnants for the attack on the army checkpoint.\n"
    )
    out = unwrap(wrapped)
    assert len(out) == len(wrapped)
    assert (
        "Diyala province" in out and "six Iraqi troops" in out
    )  # wrapped text: joined even before a capital
    assert "said.\n\nThe" in out  # clause ends and blank lines stay
    assert "police said Officials" in out
    briefs = "Bomb kills two in Mosul\nA roadside bomb killed two people.\nClashes in Kirkuk\nthree wounded"
    assert unwrap(briefs) == briefs.replace(
        "Kirkuk\nthree", "Kirkuk three"
    )  # short lines: only lower case joins
