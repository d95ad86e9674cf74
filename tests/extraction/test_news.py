"""The extractor reads news as news: wire copy, follow-ups, roundups, and what is not an event.

Every sentence here is written for these tests in the style of agency copy; none comes from the
evaluation sets.
"""

from __future__ import annotations

from datetime import date

import pytest

from incidents.extraction.document import read_document


def _actor(draft, role):
    return next((a.name for a in draft.actors if a.role == role), "")


# --- document structure -------------------------------------------------------------------------


def test_dateline_is_metadata_and_anchors_relative_dates(one):
    text = (
        "NAIROBI, Feb 9 (Reuters) - Gunmen killed seven herders in an attack on a village in "
        "northern Kenya's Marsabit county on Tuesday, police said."
    )
    inc = one(text, date(2023, 2, 11))
    assert inc.start_date == date(2023, 2, 7)  # the Tuesday before the dateline's 9 February
    assert inc.admin1 == "Marsabit" and inc.country == "KE"  # not the reporter's Nairobi
    assert inc.fatalities.best == 7


def test_dateline_city_is_only_a_fallback_for_the_place(one):
    inc = one(
        "MOGADISHU (AP) - A roadside bomb killed three soldiers on Sunday, an officer said.",
        date(2022, 6, 13),
    )
    assert inc.country == "SO" and inc.location_name == "Mogadishu"


@pytest.mark.parametrize(
    "dateline",
    [
        "KABUL, March 3 (Reuters) - ",
        "KYIV, Ukraine (AP) \u2014 ",
        "GAZA/JERUSALEM, Oct 18 - ",
        "PESHAWAR: ",
        "Abuja, 14 May 2021 - ",
        "ZAMBOANGA CITY \u2013 ",
    ],
)
def test_dateline_forms(dateline):
    doc = read_document(dateline + "A bomb exploded near a market.", date(2021, 5, 20))
    assert doc.dateline is not None
    assert doc.text.strip().startswith("A bomb exploded")
    assert len(doc.text) == len(dateline) + len("A bomb exploded near a market.")


def test_page_furniture_is_blanked():
    text = (
        "Curfew imposed after clashes\n"
        "By Jane Roe and John Doe | Newswire | Published: June 3, 2021\n"
        "Saturday 5 June 2021, 07:42AM\n"
        "LAHORE, June 4 (Reuters) - Police fired tear gas at protesters on Friday.\n"
        "FILE PHOTO: Protesters run from tear gas in Lahore.\n"
        "Related: Five things to know about the protests\n"
        "(Reporting by Jane Roe; Editing by John Doe)"
    )
    doc = read_document(text, date(2021, 6, 5), "Curfew imposed after clashes")
    kept = doc.text.split()
    for word in ("Curfew", "Jane", "07:42AM", "FILE", "Related:", "Editing"):
        assert word not in kept
    assert "Police fired tear gas at protesters on Friday." in doc.text
    assert doc.reference == date(2021, 6, 4) and len(doc.text) == len(text)


# --- what is an event ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # calls, plans, threats, warnings, speculation
        "The opposition leader called for nationwide demonstrations on Thursday against the fuel price rise.",
        "Rebels threatened to attack the provincial capital if the army did not withdraw by Friday.",
        "The embassy warned of possible attacks on hotels used by foreigners during the holiday.",
        "Officials fear the militants could strike again before the election.",
        "Police said they had foiled a plot to bomb the stadium, without giving details.",
        # figures of speech and ordinary news in war words
        "The central bank battles inflation as prices rose by 12 percent in March.",
        "Shares rallied on Tuesday after the government announced the budget.",
        "The minister died of a heart attack at his home on Sunday, his family said.",
        "The club fired its coach after a run of defeats in May.",
        "Health workers gave booster shots to 2,000 people in the capital on Monday.",
        "The two carmakers are locked in a price war over electric models.",
        # disasters and accidents
        "A powerful earthquake struck the coast on Friday, killing at least 40 people.",
        "Twenty passengers died when a bus plunged into a ravine in the mountains on Monday.",
        "A fire broke out in a garment factory, killing 11 workers, firefighters said.",
        "A tsunami triggered by the quake swept away dozens of homes.",
        "The airliner made an emergency landing after an engine failure; no one was hurt.",
        # courts and wars in general
        "A court sentenced two men to life in prison for the murder of a journalist in 2015.",
        "The conflict has killed more than 300,000 people since it began in 2011.",
        "The group has carried out a string of attacks on security forces in recent years.",
    ],
)
def test_non_events_give_no_incident(drafts, text):
    assert drafts(text, date(2023, 5, 10)) == []


def test_a_month_named_march_is_not_a_protest(one):
    inc = one(
        "KABUL, March 3 (Reuters) - A suicide bomber killed 12 people at a checkpoint in Kabul on Friday.",
        date(2023, 3, 3),
    )
    assert inc.event_type == "Explosions/Remote violence" and inc.sub_event_type == "Suicide bomb"
    assert inc.fatalities.best == 12


def test_strikes_workers_and_aircraft(one):
    labour = one(
        "Dock workers went on strike in the port of Durban on Monday to demand higher pay.", date(2023, 5, 9)
    )
    assert labour.event_type == "Protests"
    air = one(
        "An air strike hit a market in the town of Douma on Monday, killing nine people.", date(2023, 5, 9)
    )
    assert air.sub_event_type == "Air/drone strike"


def test_recalled_older_event_is_background(drafts):
    text = (
        "BAGHDAD, May 9 (Reuters) - A car bomb exploded at a market in Baghdad on Tuesday, killing five people. "
        "In 2016, a truck bomb killed more than 300 people in the same district."
    )
    reported = drafts(text, date(2023, 5, 9))
    recalled = drafts(text, date(2023, 5, 9), primary=False)
    assert [d.start_date for d in reported] == [date(2023, 5, 9)]
    assert reported[0].fatalities.best == 5
    assert recalled and recalled[0].start_date.year == 2016


def test_a_follow_up_reports_its_event_however_old(one):
    text = (
        "The death toll from last month's bombing of a bus station in the city of Quetta has risen to 31, "
        "hospital officials said on Monday."
    )
    inc = one(text, date(2023, 6, 12))
    assert inc.fatalities.best == 31 and inc.location_name == "Quetta"


def test_an_anniversary_is_not_reported_as_new(drafts):
    text = "Survivors gathered on Sunday to mark the tenth anniversary of the massacre in which soldiers killed 40 villagers."
    assert drafts(text, date(2023, 6, 12)) == []


# --- who did what to whom -----------------------------------------------------------------------


def test_passive_voice_names_the_perpetrator(one):
    inc = one("Eight soldiers were killed by Al Shabaab fighters near Baidoa on Wednesday.", date(2023, 4, 6))
    assert _actor(inc, "actor1") == "Al Shabaab"
    assert _actor(inc, "actor2").startswith("Military Forces of Somalia")
    assert inc.event_type == "Battles"


def test_a_denial_is_not_a_claim(one):
    text = (
        "A bomb killed four people at a bus stop in Jalalabad on Sunday. The Taliban denied involvement "
        "and no group claimed responsibility."
    )
    inc = one(text, date(2022, 5, 9))
    assert _actor(inc, "actor1").startswith("Unidentified")


def test_a_claim_names_the_perpetrator(one):
    text = "A car bomb killed six policemen in Mosul on Monday. Islamic State claimed responsibility for the attack."
    assert _actor(one(text, date(2022, 5, 10)), "actor1") == "Islamic State"


def test_police_as_a_source_are_not_the_target(one):
    inc = one(
        "Gunmen shot dead three farmers in a village near Jos on Saturday, police said.", date(2022, 8, 1)
    )
    assert inc.event_type == "Violence against civilians"
    assert _actor(inc, "actor2") == "Civilians (Nigeria)"


def test_attackers_disguised_as_police_attack_civilians(one):
    text = "Gunmen disguised as police stormed a hospital in western Kabul on Tuesday, killing 14 patients and nurses."
    inc = one(text, date(2022, 5, 12))
    assert inc.event_type == "Violence against civilians"
    assert _actor(inc, "actor2").startswith("Civilians")


def test_both_sides_of_a_clash(one):
    inc = one(
        "Clashes between the army and Houthi fighters near Marib killed 22 people on Monday.",
        date(2022, 2, 8),
    )
    assert inc.event_type == "Battles"
    assert {_actor(inc, "actor1"), _actor(inc, "actor2")} == {"Military Forces of Yemen", "Houthis"}


def test_a_states_air_strike_is_its_forces_and_the_country_is_where(one):
    text = "A Russian air strike on a school in the eastern Ukrainian town of Kostiantynivka killed four people on Friday."
    inc = one(text, date(2023, 4, 22))
    assert _actor(inc, "actor1") == "Military Forces of Russia"
    assert inc.country == "UA"


def test_a_victims_nationality_does_not_move_the_event(one):
    text = "A Japanese journalist was shot dead in Yangon on Sunday as soldiers opened fire on protesters."
    assert one(text, date(2021, 3, 30)).country == "MM"


# --- counts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, dead",
    [
        ("Two protesters were shot dead by police in the town of Kassala on Monday.", 2),
        ("A shopkeeper was shot to death in the market of Kandahar on Monday.", 1),
        ("The bodies of nine miners were found near the town of Bunia on Monday.", 9),
        ("Gunmen attacked a mosque in the village of Tillia on Monday, killing 16 worshippers.", 16),
        ("Four soldiers and three militants were killed in a clash near Mopti on Monday.", 7),
        ("Militants ambushed a convoy near Gao on Monday, killing five soldiers and their driver.", 6),
    ],
)
def test_common_ways_of_telling_deaths(one, sentence, dead):
    assert one(sentence, date(2022, 10, 4)).fatalities.best == dead


def test_the_latest_toll_wins_and_superseded_ones_never(one):
    text = (
        "A suicide bomber killed at least 20 people at a wedding in Kunduz on Saturday. "
        "An earlier version of this story said 31 people were killed. "
        "On Sunday provincial officials said the death toll had risen to 27."
    )
    assert one(text, date(2022, 4, 11)).fatalities.best == 27


def test_running_war_totals_are_not_the_toll(one):
    text = (
        "Artillery shells hit a residential block in Kharkiv on Monday, killing three people. "
        "More than 4,000 civilians have been killed in the region since the start of the war."
    )
    assert one(text, date(2022, 10, 11)).fatalities.best == 3


# --- places -------------------------------------------------------------------------------------


def test_a_capital_that_is_also_a_province_is_the_city_with_coordinates(one):
    inc = one("A magnetic bomb attached to a car killed a judge in Kabul on Tuesday.", date(2022, 3, 9))
    assert (inc.country, inc.admin1, inc.location_name) == ("AF", "Kabul", "Kabul")
    assert inc.latitude and inc.longitude


def test_the_capital_named_by_its_country(one):
    inc = one(
        "A car bomb exploded near a checkpoint in the Somali capital on Saturday, killing eight.",
        date(2022, 6, 6),
    )
    assert inc.location_name == "Mogadishu" and inc.latitude


def test_the_articles_country_decides_between_namesakes(one):
    libya = one(
        "Fighting between rival militias in Tripoli killed 12 people, Libya's health ministry said on Friday.",
        date(2022, 8, 28),
    )
    assert libya.country == "LY"
    lebanon = one(
        "A grenade attack wounded four people in Tripoli, northern Lebanon, on Friday.", date(2022, 8, 28)
    )
    assert lebanon.country == "LB"


def test_look_alike_letters_are_read_as_latin(one):
    inc = one("A roadside bomb killed two soldiers in K\u0430nd\u0430h\u0430r on Monday.", date(2022, 3, 9))
    assert inc.admin1 == "Kandahar"
    assert inc.evidence and all("\u0430" in e.text for e in inc.evidence if e.field == "location")


def test_a_district_of_a_province(one):
    text = "A suicide bomber blew himself up at a funeral in Khogyani district of eastern Nangarhar province on Tuesday."
    inc = one(text, date(2022, 5, 12))
    assert inc.admin1 == "Nangarhar"


# --- dates --------------------------------------------------------------------------------------


def test_a_statements_date_is_not_the_events(one):
    inc = one(
        "Islamic State on Monday claimed responsibility for last Thursday's bombing of a church in Jolo.",
        date(2022, 1, 17),
    )
    assert inc.start_date == date(2022, 1, 13)


def test_feast_days_date_events(one):
    inc = one(
        "Gunmen killed 15 villagers in an attack on Christmas Eve in Plateau state.", date(2022, 12, 27)
    )
    assert inc.start_date == date(2022, 12, 24)


# --- roundups -----------------------------------------------------------------------------------


def test_a_roundup_drafts_each_event_once(drafts):
    text = (
        "MOGADISHU, Nov 7 (Reuters) - A car bomb killed six people outside a restaurant in Mogadishu on Sunday. "
        "Separately, militants attacked an army base in the town of Jowhar on Sunday night, killing four soldiers. "
        "The blast in Mogadishu also wounded 12 people."
    )
    found = drafts(text, date(2021, 11, 8))
    by_place = {d.location_name: d for d in found}
    assert set(by_place) == {"Mogadishu", "Jowhar"}
    assert by_place["Mogadishu"].injured.best == 12 and by_place["Jowhar"].fatalities.best == 4


# --- confidence ---------------------------------------------------------------------------------


def test_confidence_is_lower_for_a_vaguer_draft(one):
    clear = one(
        "A roadside bomb killed four soldiers in the town of Gao on Monday, the army said.", date(2022, 3, 8)
    )
    vague = one(
        "Several people were reportedly hurt in an attack somewhere in the north, residents said.",
        date(2022, 3, 8),
    )
    assert 0 < vague.confidence < clear.confidence <= 1
    assert set(clear.signals) >= {"date_own", "place_town", "alone"}


# --- titles, speakers' places, corrected figures ---------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Gunmen kill four traders near Maiduguri",  # a headline the text repeats: blanked
        "Gunmen kill four traders near Maiduguri.",
        "Gunmen killed four traders on a road near Maiduguri on Sunday, police said.",  # a stand-in
        "Gunmen killed four traders on a road near Maiduguri on Sunday, police…",
    ],
)
def test_a_title_taken_from_the_lead_does_not_blank_the_story(one, title):
    text = (
        "Gunmen kill four traders near Maiduguri\n\n"
        "Gunmen killed four traders on a road near Maiduguri on Sunday, police said."
    )
    if not title.startswith("Gunmen kill four"):
        text = text.split("\n\n", 1)[1]
    inc = one(text, date(2023, 5, 16), title)
    assert inc.country == "NG" and inc.fatalities.best == 4
    assert inc.start_date == date(2023, 5, 14)


def test_the_headline_line_repeated_above_the_story_is_not_read_as_a_sentence():
    doc = read_document(
        "Gunmen kill four traders near Maiduguri\nBy Staff Reporter\n\nGunmen killed four traders.",
        date(2023, 5, 16),
        "Gunmen kill four traders near Maiduguri",
    )
    assert doc.text.startswith(" " * 39 + "\n")
    assert doc.text.endswith("Gunmen killed four traders.")


def test_an_unlisted_village_is_the_place_not_the_city_where_it_was_told(one):
    inc = one(
        "The governor told a meeting of donors in Kaduna that bandits killed nine farmers in the "
        "village of Ungwan Zorovic on Friday.",
        date(2023, 3, 12),
    )
    assert inc.country == "NG" and inc.location_name == "Ungwan Zorovic"
    assert inc.fatalities.best == 9


def test_a_speaker_who_corrects_his_figure_is_read_at_his_last_word(one):
    inc = one(
        "The provincial governor said an air strike killed 30 people in Kunduz on Monday. "
        "He later revised the figure down to four.",
        date(2021, 9, 7),
    )
    assert inc.fatalities.best == 4


def test_said_in_names_where_a_speaker_was(one):
    inc = one(
        "An army spokesman said in Islamabad that militants killed six soldiers in North Waziristan "
        "on Tuesday.",
        date(2022, 8, 4),
    )
    assert inc.country == "PK" and inc.admin1 == "Khyber Pakhtunkhwa"


def test_a_spokesman_who_claims_speaks_for_his_group(one):
    inc = one(
        "A roadside bomb killed five soldiers in North Waziristan on Sunday. Pakistan Taliban "
        "spokesman Qari Zubair Khan claimed responsibility for the attack in a call to reporters.",
        date(2013, 4, 8),
    )
    assert _actor(inc, "actor1") == "Taliban"


def test_a_group_named_before_its_fighters_is_the_one_that_acted(one):
    inc = one(
        "Taliban gunmen wearing police uniforms stormed a checkpoint in Kunduz on Monday, and "
        "police said three officers were wounded. Police had earlier said four attackers took part.",
        date(2015, 6, 2),
    )
    assert _actor(inc, "actor1") == "Taliban"


@pytest.mark.parametrize(
    "aside",
    [
        "Villagers blamed Boko Haram, which has attacked farmers in the area before.",
        "Investigators said the driver had ties to Boko Haram.",
        "The police said they were looking at Boko Haram as the main suspect.",
        "Boko Haram said in a statement that three of its fighters carried out the raid.",
        "Boko Haram claimed responsibility.",
        "Boko Haram's Borno wing said the gunmen were its own young fighters.",
    ],
)
def test_a_group_the_story_blames_later_is_the_perpetrator(one, aside):
    inc = one(
        "Gunmen killed 12 farmers in a village near Damboa in Borno state on Sunday, a local "
        f"official said. Residents fled to the state capital. {aside}",
        date(2021, 3, 2),
    )
    assert _actor(inc, "actor1") == "Boko Haram"


def test_an_unblamed_attack_keeps_an_unidentified_perpetrator(one):
    inc = one(
        "Gunmen killed 12 farmers in a village near Damboa in Borno state on Sunday, a local "
        "official said. Boko Haram has waged an insurgency in the region since 2009.",
        date(2021, 3, 2),
    )
    assert _actor(inc, "actor1") == "Unidentified Armed Group (Nigeria)"


def test_a_toll_put_after_a_possessive(one):
    inc = one(
        "A car bomb exploded at a market in Baghdad on Thursday. The health ministry now puts the "
        "death toll from Thursday's bombing at 27.",
        date(2021, 1, 23),
    )
    assert inc.fatalities.best == 27


def test_the_sentence_after_the_lead_can_say_where(one):
    inc = one(
        "Militants killed 14 passengers in an attack on a bus in northern Kenya on Saturday, "
        "officials said. The bus was heading to Nairobi when it was stopped near the town of "
        "Wajir. The attack comes after weeks of tension in the coastal city of Mombasa.",
        date(2016, 10, 9),
    )
    assert inc.country == "KE" and inc.location_name == "Wajir"


def test_a_place_in_the_clause_about_an_earlier_event_is_not_a_fallback(one):
    inc = one(
        "Militants killed 14 passengers in an attack on a bus in northern Kenya on Saturday, "
        "officials said. The attack comes after weeks of tension in the coastal city of Mombasa.",
        date(2016, 10, 9),
    )
    assert inc.country == "KE" and inc.location_name != "Mombasa"


def test_a_us_drone_is_the_united_states_military(one):
    inc = one(
        "Relatives said eight members of one family were killed when a US drone struck their "
        "house in Jalalabad on Sunday.",
        date(2021, 9, 1),
    )
    assert inc.country == "AF" and _actor(inc, "actor1") == "Military Forces of the United States"


def test_a_currency_is_not_its_country(one):
    inc = one(
        "On 3 May 2021, rioters angry at the price of the US dollar burned tyres and blocked a road "
        "in Tripoli, Lebanon. [size=no report]",
        date(2021, 5, 5),
    )
    assert inc.country == "LB" and _actor(inc, "actor1") == "Rioters (Lebanon)"


def test_who_gave_a_figure_is_not_who_did_it(one):
    inc = one(
        "The state government said on Tuesday that 120 pupils abducted from a boarding school in "
        "Kebbi last Friday had been freed, fewer than the 150 earlier given by the police.",
        date(2021, 6, 15),
    )
    assert _actor(inc, "actor1") != "Police Forces of Nigeria"


def test_a_nations_bombing_of_a_place_is_its_military(one):
    inc = one(
        "Hundreds of people survived the Russian bombing of a school in Kharkiv where families had "
        "taken shelter, officials said on Thursday.",
        date(2022, 3, 17),
    )
    assert _actor(inc, "actor1") == "Military Forces of Russia"


def test_a_country_named_like_one_of_its_states_is_the_country(one):
    inc = one(
        "Gunmen killed five police officers on Sunday in the northern Mexico border state of "
        "Tamaulipas, the state prosecutor said.",
        date(2022, 6, 27),
    )
    assert inc.country == "MX" and inc.admin1 == "Tamaulipas"


def test_the_place_of_the_event_an_attack_comes_after_is_not_its_place(one):
    inc = one(
        "Nine soldiers were killed in an attack on an army post in Mali's Mopti region on "
        "Saturday. The attack comes two days after a landmine killed four civilians in Boni, "
        "central Mali.",
        date(2018, 1, 28),
    )
    assert inc.admin1 == "Mopti" and inc.location_name != "Boni"


def test_the_region_of_a_name_that_is_also_a_direction(one):
    inc = one(
        "Separatist fighters killed three soldiers in Cameroon's Anglophone region of Northwest "
        "on Tuesday, army sources said.",
        date(2022, 8, 10),
    )
    assert inc.country == "CM" and inc.admin1 == "Nord-Ouest"


def test_a_tally_over_a_week_is_not_one_events_toll(one):
    inc = one(
        "Army jets bombed a village in Magway region on Tuesday, resistance fighters said. In a "
        "week more than 40 soldiers have been killed in the township, the group said.",
        date(2023, 5, 18),
    )
    assert inc.fatalities.best is None


def test_hong_kong_is_coded_as_a_region_of_china(one):
    inc = one(
        "Riot police fired tear gas at protesters in Hong Kong's Mong Kok district on Saturday "
        "night after demonstrators blocked roads.",
        date(2019, 11, 10),
    )
    assert inc.country == "CN" and inc.admin1 == "Hong Kong"


def test_a_thief_beaten_to_death_by_villagers_told_later_is_mob_violence(one):
    inc = one(
        "A suspected cattle thief was beaten to death in a village in Bihar's Saran district on "
        "Friday, police said. Villagers caught him as he fled and the angry crowd thrashed him "
        "with sticks.",
        date(2019, 8, 3),
    )
    assert (inc.event_type, inc.sub_event_type) == ("Riots", "Mob violence")


def test_a_clash_between_two_communities_is_a_riot(one):
    inc = one(
        "Authorities imposed a curfew in a town in Assam's Hailakandi district after a clash "
        "between people from two communities on Sunday left ten injured.",
        date(2020, 8, 4),
    )
    assert inc.event_type == "Riots"


# --- older events, standfirsts and dates of other things ----------------------------------------


def test_an_attack_about_a_year_ago_is_recalled_not_reported(drafts):
    text = (
        "Gunmen killed 14 people in an attack on a farming village in Niger's Tillaberi region on "
        "Tuesday night, officials said.\n\n"
        "Twenty-two people were killed in a similar attack on a village in the same region about a "
        "year ago."
    )
    found = drafts(text, date(2022, 3, 10), primary=None)
    reported = [d for d in found if d.primary]
    assert [d.fatalities.best for d in reported] == [14]
    older = [d for d in found if not d.primary]
    assert older and older[0].start_date.year == 2021  # its toll is not the reported attack's


def test_weeks_ago_in_a_since_clause_dates_that_other_thing(one):
    inc = one(
        "A suicide bomber killed six people at a cafe in central Baghdad, police said. It was the "
        "first such bombing since the new government took office less than three weeks ago.",
        date(2021, 6, 14),
    )
    assert inc.start_date == date(2021, 6, 14)


def test_a_standfirst_repeated_in_the_story_is_read_there(one):
    text = (
        "Rebels kill villagers in eastern Congo\n\n"
        "Several of the bodies were recovered by soldiers in the forest on Saturday\n\n"
        "At least 17 people were killed on Thursday night in an attack by rebels on a village in "
        "Ituri province, local officials said.\n\n"
        "Several of the bodies were recovered by soldiers in the forest on Saturday, he said."
    )
    inc = one(text, date(2022, 5, 29), "Rebels kill villagers in eastern Congo")
    assert inc.start_date == date(2022, 5, 26)


def test_a_date_after_since_the_is_what_it_counts_from(one):
    inc = one(
        "Riot police used tear gas to disperse thousands of protesters in Minsk on Sunday. Crowds "
        "have marched in the capital every weekend since the election on August 9.",
        date(2020, 9, 13),
    )
    assert inc.start_date == date(2020, 9, 13)


@pytest.mark.parametrize(
    "sentence",
    [
        "Waves of attack have plagued the north of the country in recent years.",
        "Suicide bombings against markets, particularly in and around the camps, remain common.",
        "The splinter faction has vowed not to attack civilians.",
    ],
)
def test_how_things_are_and_vows_are_not_events(drafts, sentence):
    assert drafts(sentence, date(2020, 5, 2), primary=None) == []


def test_a_general_sentence_does_not_type_the_incident(one):
    inc = one(
        "Insurgents killed four farmers and burned homes in a raid on a village in Borno state on "
        "Monday, a local official said. Suicide bombings against civilian targets remain common in "
        "the state.",
        date(2019, 4, 16),
    )
    assert inc.event_type == "Violence against civilians"


# --- more than one event in a story ---------------------------------------------------------------


def test_also_on_the_same_weekday_is_another_event(drafts):
    text = (
        "Insurgents killed five villagers in a raid on a village in northern Borno state on "
        "Wednesday, an official said on Thursday.\n\n"
        "Also on Wednesday, two people were killed when their vehicle hit a landmine on the road "
        "to Bama, the official said."
    )
    found = drafts(text, date(2019, 6, 6))
    assert sorted(d.fatalities.best for d in found) == [2, 5]
    assert {d.start_date for d in found} == {date(2019, 6, 5)}


def test_unlisted_villages_are_places_of_their_own(drafts):
    text = (
        "Insurgents attacked villages outside Maiduguri in Borno State late on Wednesday, burning "
        "houses and shooting at residents.\n\n"
        "The emergency agency in a statement on Thursday said six people were killed in Kwarbeti "
        "village by the insurgents. The gunmen opened fire on residents fleeing to a camp in "
        "Zabalmari village, killing another two people."
    )
    found = drafts(text, date(2018, 11, 2))
    by_place = {d.location_name: d for d in found}
    assert by_place["Kwarbeti"].fatalities.best == 6
    assert by_place["Kwarbeti"].start_date == date(2018, 10, 31)  # not the statement's Thursday
    assert by_place["Kwarbeti"].admin1 == "Borno"


def test_another_neighbourhood_in_the_same_sentence_is_another_event(drafts):
    text = (
        "Two police officers were killed on Sunday in Cucuta in an attack that officials blamed "
        "on the ELN.\n\n"
        "One attack killed the officers, and in another neighbourhood, two soldiers were wounded, "
        "the police chief said. The group signed a ceasefire in 2016."
    )
    found = drafts(text, date(2025, 3, 10))
    assert sorted((d.fatalities.best or 0, d.injured.best or 0) for d in found) == [(0, 2), (2, 0)]
    assert {d.start_date for d in found} == {date(2025, 3, 9)}


# --- places and actors ------------------------------------------------------------------------------


def test_a_town_set_in_its_state_by_apposition(one):
    inc = one(
        "Gunmen ambushed a police convoy on Monday, killing nine officers. The attack took place "
        "in El Aguaje, a town in the Aguililla region of Michoacan state.",
        date(2019, 10, 15),
    )
    assert inc.country == "MX" and inc.location_name == "El Aguaje"
    assert inc.admin1.startswith("Michoacan")


def test_an_emirate_of_a_country_is_cut_before_the_country(one):
    inc = one(
        "Gunmen killed 11 people in an attack on Kabasa community in the Maru Emirate of "
        "Northwest Nigeria's Zamfara State on Monday night.",
        date(2020, 6, 10),
    )
    assert inc.admin1 == "Zamfara" and inc.location_name == "Maru Emirate"


def test_a_hyphenated_arabic_article_stays_in_the_name(one):
    inc = one("A roadside bomb in Deir al-Balah wounded three people on Sunday.", date(2014, 7, 6))
    assert inc.country == "PS" and "Balah" in inc.location_name


def test_bandits_are_named_as_the_story_calls_them(one):
    inc = one(
        "Gunmen on Friday night attacked a boarding school in Katsina State and abducted dozens "
        "of pupils. The police spokesman said the bandits arrived on motorcycles and shot "
        "sporadically.",
        date(2020, 12, 12),
    )
    assert _actor(inc, "actor1") == "Bandits (Nigeria)"


def test_armed_groups_often_called_bandits_are_not_named_so(one):
    inc = one(
        "Gunmen abducted 40 pupils from a school in Zamfara state early Friday, police said. Armed "
        "groups in the region, often called bandits, frequently kidnap people for ransom.",
        date(2021, 2, 27),
    )
    assert _actor(inc, "actor1") == "Unidentified Armed Group (Nigeria)"


def test_a_punitive_demolition_is_property_destruction(one):
    inc = one(
        "Israeli troops demolished the family homes of two Palestinian gunmen in Jenin on Tuesday.",
        date(2023, 5, 3),
    )
    assert (inc.event_type, inc.sub_event_type) == ("Strategic developments", "Looting/property destruction")
    assert _actor(inc, "actor1") == "Military Forces of Israel"


def test_a_camp_destroyed_by_jets_is_an_air_strike(one):
    inc = one(
        "The ministry said a militant camp near the border had been destroyed by Kenyan military "
        "helicopters and jets on Saturday, with many killed.",
        date(2014, 11, 23),
    )
    assert inc.sub_event_type == "Air/drone strike"


# --- who did it, from the rest of the story ----------------------------------------------------------


def test_a_coalition_the_story_says_carried_out_the_strikes(one):
    inc = one(
        "An airstrike on a water plant in Hodeidah killed four workers on Friday, medics said.\n\n"
        "The strike was part of a series of raids carried out by the Saudi-led coalition over the "
        "past days.",
        date(2022, 1, 22),
    )
    assert _actor(inc, "actor1") == "Saudi-led Coalition"


def test_a_foreign_state_accused_of_the_strike(one):
    inc = one(
        "KHARKIV, Ukraine (Reuters) - A missile strike on a bus depot in Kharkiv killed 11 people "
        "on Thursday, regional officials said.\n\n"
        "The governor accused Russia of deliberately targeting civilians. Moscow denied it.",
        date(2022, 5, 6),
    )
    assert _actor(inc, "actor1") == "Military Forces of Russia"


def test_bandits_named_only_in_a_later_sentence_of_the_story(one):
    inc = one(
        "Gunmen abducted 30 pupils from a school in Kebbi State on Thursday, police said.\n\n"
        "The governor said the pupils were freed after talks with the bandits.",
        date(2021, 6, 20),
    )
    assert _actor(inc, "actor1") == "Bandits (Nigeria)"


def test_a_groups_stronghold_and_its_reputation_name_no_perpetrator(one):
    inc = one(
        "Two bombs exploded at a market on the island of Jolo on Sunday, killing 12 people, officials "
        "said.\n\n"
        "Jolo is a stronghold of the Abu Sayyaf militant group, known for kidnappings and beheadings. "
        "No group immediately claimed responsibility.",
        date(2019, 2, 3),
    )
    assert _actor(inc, "actor1") == "Unidentified Armed Group (Philippines)"
    assert inc.location_name == "Jolo"


def test_groups_that_have_expanded_in_a_region_are_not_blamed(one):
    inc = one(
        "Gunmen killed 20 soldiers in an attack on an army post in western Niger on Monday, the "
        "ministry said.\n\n"
        "Security has deteriorated as groups linked to al Qaeda have expanded their operations in "
        "the region.",
        date(2020, 3, 4),
    )
    assert _actor(inc, "actor1") == "Unidentified Armed Group (Niger)"


def test_a_group_named_in_the_clause_about_an_older_attack_did_not_do_this_one(one):
    inc = one(
        "A U.S. drone strike hit a car in Kabul on Sunday, killing six members of one family, "
        "relatives said. The strike came three days after an Islamic State suicide bomber killed "
        "dozens at the airport.",
        date(2021, 8, 30),
    )
    assert _actor(inc, "actor1") == "Military Forces of the United States"
    assert inc.fatalities.best == 6  # "killing six members of one family"


def test_a_group_confirming_it_attacked_is_the_perpetrator(one):
    inc = one(
        "Al-Shabab militants have confirmed that they attacked a police post in Lamu county on "
        "Saturday, killing three officers. A camp of the attackers was later destroyed by Kenyan "
        "military jets, the ministry said.",
        date(2020, 1, 6),
    )
    assert _actor(inc, "actor1") == "Al Shabaab"


def test_a_named_lone_attacker_is_the_perpetrator(one):
    inc = one(
        "Three people were killed in a stabbing attack in Haifa on Monday before the assailant was "
        "shot dead by passers-by, officials said.\n\n"
        "The attacker was identified as Karim Abu Salem, a 30-year-old who had been jailed in 2015.",
        date(2022, 4, 12),
    )
    assert _actor(inc, "actor1") == "Karim Abu Salem"


def test_a_claim_for_another_towns_attack_is_not_this_ones(one):
    inc = one(
        "A gunman killed four people in the town of Hadera on Tuesday before being shot dead by "
        "police, officials said.\n\n"
        "The shooting followed an attack on Sunday in Beersheba, in which two gunmen killed two "
        "officers. Islamic State claimed the Beersheba attack.",
        date(2022, 3, 29),
    )
    assert _actor(inc, "actor1") != "Islamic State"


def test_who_released_the_footage_did_not_do_it(one):
    inc = one(
        "An airstrike hit a prison in Saada on Friday, killing 20 inmates, medics said. Footage "
        "released by the Houthis' television channel showed rescuers at the site.",
        date(2022, 1, 22),
    )
    assert _actor(inc, "actor1") != "Houthis"


def test_acled_names_some_countries_with_the(one):
    inc = one(
        "Philippine troops clashed with communist rebels in Samar on Monday, leaving two soldiers "
        "dead, the army said.",
        date(2021, 3, 2),
    )
    assert "Military Forces of the Philippines" in {a.name for a in inc.actors}
