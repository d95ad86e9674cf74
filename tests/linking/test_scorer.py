"""The scorer keeps look-alikes apart and joins reports of one event, with reasons an analyst can
read; `decide` applies the documented thresholds. Pure Python: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from incidents.linking import scorer
from incidents.linking.blocking import window
from incidents.linking.scorer import ASK, AUTO_LINK, decide, score
from incidents.linking.text import name_key, names_agree
from incidents.linking.types import ReportFacts

DAY = dt.date(2023, 6, 10)
FLASH = ReportFacts(
    key="r1",
    article="a1",
    published=DAY,
    publisher="Wire One",
    start_date=DAY,
    country="SO",
    admin1="Banadir",
    location="Mogadishu",
    latitude=2.04,
    longitude=45.34,
    event_type="Explosions/Remote violence",
    sub_event_type="Suicide bomb",
    actors1=("al-Shabaab",),
    fatalities=(9, 9, 9),
    text="A suicide bomber blew himself up at a busy cafe near the port in Mogadishu, killing nine people.",
)


def report(**changes) -> ReportFacts:
    return dataclasses.replace(
        FLASH, **{"key": "r2", "article": "a2", "published": DAY + dt.timedelta(days=1), **changes}
    )


FOLLOW_UP = report(
    publisher="Daily Two",
    admin1="Banadir",
    location="Hamar Weyne",
    latitude=2.03,
    longitude=45.35,
    actors1=("Harakat al-Shabaab al-Mujahideen",),
    fatalities=(21, 21, 21),
    text="The toll from the suicide bombing at a cafe near Mogadishu port rose to 21, police said.",
)


def test_a_follow_up_with_a_grown_toll_and_another_spelling_is_linked_with_reasons():
    match = score(FOLLOW_UP, "e1", [FLASH])
    assert match.score >= AUTO_LINK
    says = {r.name: r.says for r in match.reasons}
    assert says["date"] == "same day"
    assert says["actors"] == "same perpetrator named"
    assert "9" in says["toll"] and "21" in says["toll"]
    assert decide(FOLLOW_UP, {"e1": [FLASH]}).action == "link"


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        (
            "the same city three days later",
            {"start_date": DAY + dt.timedelta(days=3), "fatalities": (4, 4, 4),
             "text": "Gunmen attacked a hotel in Mogadishu, killing four guards."},
        ),
        (
            "the same day in another province",
            {"admin1": "Hiraan", "location": "Beledweyne", "latitude": 4.74, "longitude": 45.2,
             "text": "A suicide bomber struck a checkpoint in Beledweyne, killing nine soldiers."},
        ),
        (
            "the same group's other attack, a week later",
            {"start_date": DAY + dt.timedelta(days=7), "published": DAY + dt.timedelta(days=7)},
        ),
        (
            "an anniversary recalling the old event",
            {"start_date": DAY + dt.timedelta(days=365), "published": DAY + dt.timedelta(days=365)},
        ),
        ("a protest the same day in the same city", {"event_type": "Protests", "sub_event_type": "Peaceful protest",
                                                      "actors1": (), "fatalities": (None, None, None),
                                                      "text": "Traders marched in Mogadishu against new taxes."}),
    ],
)  # fmt: skip
def test_look_alikes_stay_apart(kind, changes):
    other = report(**changes)
    candidates = {"e1": [FLASH]}
    block = window(other)
    if not (block.date_from <= FLASH.start_date <= block.date_to):
        candidates = {}  # outside the blocking window: never even compared
    assert decide(other, candidates).action == "new", kind
    if candidates:
        assert score(other, "e1", [FLASH]).score < ASK, kind


def test_one_article_never_gives_an_event_two_reports_and_background_is_never_linked():
    same_article = dataclasses.replace(FOLLOW_UP, article=FLASH.article)
    assert decide(same_article, {"e1": [FLASH]}).action == "new"
    recalled = dataclasses.replace(FOLLOW_UP, background=True)
    assert decide(recalled, {"e1": [FLASH]}).action == "new"


def test_between_the_thresholds_the_analyst_is_asked(monkeypatch):
    # a report a day off that agrees on the province but says little else
    vague = report(start_date=DAY + dt.timedelta(days=1), location="", latitude=None, longitude=None, actors1=(), fatalities=(None, None, None),
                   sub_event_type="Remote explosive/landmine/IED", text="An explosion was heard in the capital.")  # fmt: skip
    match = score(vague, "e1", [FLASH])
    assert ASK <= match.score < AUTO_LINK, match
    decision = decide(vague, {"e1": [FLASH]})
    assert (decision.action, decision.best.event) == ("ask", "e1")


def test_the_best_candidate_wins_and_others_above_ask_are_listed():
    elsewhere = dataclasses.replace(FLASH, key="r3", article="a3", admin1="Hiraan", location="Beledweyne",
                                    latitude=4.74, longitude=45.2)  # fmt: skip
    decision = decide(FOLLOW_UP, {"far": [elsewhere], "near": [FLASH]})
    assert decision.best.event == "near"
    assert all(m.score >= ASK for m in decision.others)


def test_an_event_is_as_close_as_its_closest_report():
    unrelated = report(start_date=DAY - dt.timedelta(days=2), location="Afgoye", latitude=2.14, longitude=45.12,
                       text="Troops clashed with fighters outside Afgoye.", event_type="Battles",
                       sub_event_type="Armed clash")  # fmt: skip
    assert score(FOLLOW_UP, "e", [unrelated, FLASH]).score == score(FOLLOW_UP, "e", [FLASH]).score


def test_names_agree_across_spellings_and_unidentified_says_nothing():
    assert name_key("al-Shabab") == name_key("Al Shabaab") == {"shabab"}
    assert "shabab" in name_key("Harakat al-Shabaab al-Mujahideen")
    assert names_agree(("al-Shabab",), ("Harakat al-Shabaab",)) is True
    assert names_agree(("Islamic State",), ("Boko Haram",)) is False
    assert names_agree(("Unidentified Armed Group (Somalia)",), ("al-Shabaab",)) is None


def test_blocking_windows_follow_the_date_precision():
    assert window(FLASH).date_from == DAY - dt.timedelta(days=3)
    monthly = dataclasses.replace(FLASH, date_precision="month")
    assert window(monthly).date_to == DAY + dt.timedelta(days=31)
    undated = dataclasses.replace(FLASH, start_date=None)
    assert (window(undated).date_from, window(undated).date_to) == (DAY - dt.timedelta(days=10), DAY)
    assert window(dataclasses.replace(FLASH, country="")) is None


def test_scoring_one_report_against_a_hundred_candidates_is_cheap():
    """Not a timing: the work is one pass over each candidate's reports (no quadratic step)."""
    calls = []
    original = scorer.pair_reasons
    candidates = {f"e{n}": [dataclasses.replace(FLASH, key=f"k{n}", article=f"x{n}")] for n in range(100)}
    try:
        scorer.pair_reasons = lambda a, b: calls.append(1) or original(a, b)
        decide(FOLLOW_UP, candidates)
    finally:
        scorer.pair_reasons = original
    assert len(calls) == 100
