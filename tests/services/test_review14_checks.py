"""Issue 14, review: the rules incident_update applies to every edit (figures, typed places) and
taking a rejection back; the API refuses what the desk refuses."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Country, Incident, Location
from incidents.plaintext import unwrap
from incidents.review.highlight import highlight, word_bounds
from incidents.services import ReviewRefused, incident_reject_undo, incident_review, incident_update
from incidents.services.review_checks import figures_problem, place_resolve

pytestmark = pytest.mark.django_db


# --- low ≤ best ≤ high -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "best", "high", "field", "words"),
    [
        (121, 120, None, "fatalities_best", "below low (121)"),
        (None, 13, 12, "fatalities_best", "above high (12)"),
        (20, None, 10, "fatalities_low", "Low (20) is above high (10)"),
    ],
)
def test_figures_out_of_order_are_named_with_their_numbers(low, best, high, field, words):
    got = figures_problem("fatalities", low, best, high)
    assert got is not None and got[0] == field and words in got[1]


@pytest.mark.parametrize(("low", "best", "high"), [(None, None, None), (3, 3, 3), (1, 2, 3), (None, 5, None)])
def test_figures_in_order_pass(low, best, high):
    assert figures_problem("injured", low, best, high) is None


def test_an_edit_with_low_above_best_is_refused_on_the_field(make_incident, analyst):
    incident = make_incident(fatalities_best=120)
    with pytest.raises(ValidationError) as refused:
        incident_update(incident, user=analyst, fatalities_low=121, fatalities_best=120)
    assert "below low (121)" in refused.value.message_dict["fatalities_best"][0]
    incident.refresh_from_db()
    assert (incident.fatalities_low, incident.version) == (None, 1)


def test_injured_are_held_to_the_same_rule(make_incident, analyst):
    incident = make_incident()
    with pytest.raises(ValidationError) as refused:
        incident_update(incident, user=analyst, injured_best=9, injured_high=4)
    assert "above high (4)" in refused.value.message_dict["injured_best"][0]


def test_a_drafted_over_figure_stands_until_its_figures_are_edited(make_incident, analyst):
    """The extractor's "over 120" (low 121, best 120) is not refused when another field is edited."""
    incident = make_incident(fatalities_low=121, fatalities_best=120)
    incident_update(incident, user=analyst, summary="Over 120 killed.")
    incident.refresh_from_db()
    assert incident.summary == "Over 120 killed." and incident.fatalities_low == 121


def test_the_api_refuses_figures_out_of_order_with_the_message(api_client, make_incident):
    incident = make_incident()
    response = api_client.patch(
        f"/api/v1/incidents/{incident.pk}/", {"fatalities_low": 121, "fatalities_best": 120}, format="json"
    )
    assert response.status_code == 400
    assert "below low (121)" in response.json()["fatalities_best"][0]
    incident.refresh_from_db()
    assert incident.fatalities_low is None


# --- a typed place ---------------------------------------------------------------------------


@pytest.fixture
def places(db):
    iq, _ = Country.objects.get_or_create(code="IQ", defaults={"name": "Iraq"})
    sy = Country.objects.create(code="SY", name="Syria")
    adhim = Location.objects.create(
        name="Al-Adhim", country=iq, admin1="Diyala", latitude=34.06, longitude=44.52, aliases=["Udhaim"]
    )
    Location.objects.create(name="Hamra", country=iq, admin1="Anbar", latitude=33.1, longitude=42.1)
    Location.objects.create(name="Hamra", country=iq, admin1="Diyala", latitude=34.2, longitude=45.0)
    Location.objects.create(name="Hamra", country=sy, admin1="Homs", latitude=34.7, longitude=36.7)
    return {"adhim": adhim}


def test_a_typed_name_of_a_curated_place_links_it(make_incident, analyst, places):
    incident = make_incident(location_name="Baquba", latitude=33.75, longitude=44.64)
    incident_update(incident, user=analyst, location_name="al-adhim", location=None)
    incident.refresh_from_db()
    assert incident.location_id == places["adhim"].pk
    assert (incident.latitude, incident.longitude, incident.admin1) == (34.06, 44.52, "Diyala")


def test_an_alias_typed_in_full_links_its_place(places):
    match = place_resolve("udhaim", "IQ")
    assert match is not None and match.location == places["adhim"].pk


def test_namesakes_are_told_apart_by_admin1_or_left_as_text(places):
    assert place_resolve("Hamra", "IQ", admin1="Anbar").latitude == 33.1
    assert place_resolve("Hamra", "IQ") is None  # two in Iraq: the analyst picks one
    assert place_resolve("Hamra", "SY").admin1 == "Homs"


def test_a_name_matching_nothing_unlinks_and_drops_the_old_coordinates(make_incident, analyst, places):
    incident = make_incident(
        location=places["adhim"], location_name="Al-Adhim", latitude=34.06, longitude=44.52
    )
    incident_update(incident, user=analyst, location_name="Nowhere-on-any-map", location=places["adhim"])
    incident.refresh_from_db()
    assert incident.location_id is None and incident.location_name == "Nowhere-on-any-map"
    assert (incident.latitude, incident.longitude) == (None, None)


def test_coordinates_the_analyst_typed_stay_with_a_free_text_name(make_incident, analyst, places):
    incident = make_incident(
        location=places["adhim"], location_name="Al-Adhim", latitude=34.06, longitude=44.52
    )
    incident_update(incident, user=analyst, location_name="A farm north of it", latitude=34.2, longitude=44.5)
    incident.refresh_from_db()
    assert incident.location_id is None and (incident.latitude, incident.longitude) == (34.2, 44.5)


def test_a_place_picked_from_the_suggestions_is_kept(make_incident, analyst, places):
    other = Location.objects.get(name="Hamra", admin1="Anbar")
    incident = make_incident(location=places["adhim"], location_name="Al-Adhim")
    incident_update(
        incident, user=analyst, location_name="Hamra", location=other, latitude=33.1, longitude=42.1
    )
    incident.refresh_from_db()
    assert incident.location_id == other.pk


def test_a_gazetteer_town_gives_its_coordinates(make_incident, analyst):
    """Kirkuk is no curated place here: the GeoNames town of that name in Iraq places it."""
    incident = make_incident(location_name="Baquba")
    incident_update(incident, user=analyst, location_name="Kirkuk", location=None)
    incident.refresh_from_db()
    assert incident.location_id is None
    assert round(incident.latitude, 1) == 35.5 and round(incident.longitude, 1) == 44.4


# --- reject, and undo ------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["draft", "reviewed", "published"])
def test_undoing_a_rejection_restores_the_status_before_it_with_history(make_incident, analyst, status):
    incident = make_incident(status=status)
    incident_review(incident, "reject", user=analyst)
    incident.refresh_from_db()
    incident_reject_undo(incident, user=analyst, expected_version=incident.version)
    incident.refresh_from_db()
    assert incident.status == status
    statuses = list(incident.history.order_by("history_date", "history_id").values_list("status", flat=True))
    assert statuses[-2:] == ["rejected", status]


def test_only_a_rejected_incident_can_have_its_rejection_undone(make_incident, analyst):
    incident = make_incident()
    with pytest.raises(ReviewRefused, match="not rejected"):
        incident_reject_undo(incident, user=analyst)


def test_a_stale_undo_is_refused(make_incident, analyst):
    from incidents.services import VersionConflict

    incident = make_incident()
    incident_review(incident, "reject", user=analyst)
    incident.refresh_from_db()
    Incident.objects.filter(pk=incident.pk).update(version=incident.version + 1)
    with pytest.raises(VersionConflict):
        incident_reject_undo(incident, user=analyst, expected_version=incident.version)


# --- marks on whole words --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part", "word"),
    [
        ("near Al-Adhim, Diyala", "Adhim", "Al-Adhim"),
        ("the attacks began", "attack", "attacks"),
        ("were decapitated by", "decapitat", "decapitated"),
        ("in Ba'qubah today", "qubah", "Ba'qubah"),
        ("(11) killed", "1", "11"),
    ],
)
def test_spans_widen_to_the_words_they_cut(text, part, word):
    start = text.index(part)
    a, b = word_bounds(text, start, start + len(part))
    assert text[a:b] == word


def test_a_span_on_word_edges_is_left_alone():
    text = "killed - 11 soldiers."
    assert word_bounds(text, 0, 6) == (0, 6)
    assert word_bounds(text, 9, 20) == (9, 20)  # the full stop and the dash are no part of a word


def test_overlapping_fields_get_lanes_and_keep_them_across_segments():
    text = "fighters killed 11 soldiers in Diyala"
    spans = [("fatalities", 9, 27), ("actor2", 16, 27), ("location", 31, 37)]
    segments = [s for s in highlight(text, spans, words=True) if s.fields]
    lanes = {(f, lane) for s in segments for f, lane in zip(s.fields, s.lanes, strict=True)}
    assert lanes == {("fatalities", 0), ("actor2", 1), ("location", 0)}
    assert segments[1].lane_classes == "u1-actor2 u0-fatalities"


def test_widening_is_linear_on_hostile_text():
    """One long word, or a long run of joiners, is walked once: no backtracking."""
    for text in ("a" * 200_000, "a-" * 100_000, "-'" * 100_000 + "x"):
        started = time.perf_counter()
        a, b = word_bounds(text, len(text) // 2, len(text) // 2 + 1)
        assert time.perf_counter() - started < 0.5
        assert 0 <= a <= b <= len(text)
    assert word_bounds("a" * 1000, 500, 501) == (0, 1000)


WRAPPED = (
    "KIRKUK, Iraq, March 3 (Desk Wire) - Two rockets struck near the airport in\n"
    "Kirkuk late on Tuesday, wounding a guard, a spokesman for the provincial police\n"
    "said on Wednesday.\n\n"
    "Casualties:\n- one guard\n- no civilians"
)


def test_wrapped_copy_is_joined_for_reading_one_character_for_one():
    shown = unwrap(WRAPPED)
    assert len(shown) == len(WRAPPED)  # evidence offsets stay valid
    first, second = shown.split("\n\n")
    assert "\n" not in first and first.startswith("KIRKUK") and "airport in Kirkuk" in first
    assert second == "Casualties:\n- one guard\n- no civilians"  # short lines keep their breaks


def test_a_dateline_or_title_on_its_own_line_keeps_its_break():
    text = "Bombing in Kirkuk\nTwo rockets struck near the airport in Kirkuk late on Tuesday, officials said."
    assert unwrap(text) == text


def test_marks_on_wrapped_copy_cover_the_same_words():
    start = WRAPPED.index("Kirkuk late")
    segments = highlight(WRAPPED, [("location", start, start + 6)], words=True)
    assert "".join(s.text for s in segments) == unwrap(WRAPPED)
    assert [s.text for s in segments if s.fields] == ["Kirkuk"]
    assert segments[0].text.endswith("airport in ")  # the joined break reads as a space


def test_unwrap_is_linear_on_hostile_text():
    for text in ("\n" * 200_000, ("x" * 50 + "\n") * 20_000, "a\n\n" * 100_000):
        started = time.perf_counter()
        assert len(unwrap(text)) == len(text)
        assert time.perf_counter() - started < 0.5
