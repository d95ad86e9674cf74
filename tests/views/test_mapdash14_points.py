"""Issue 14, the map's data: incidents known only to their province are placed at its centre, the
rest counted as unplaced; the centres come from the derived reference file (admin1_centres)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from incidents.extraction.admin1_centres import CENTRES_FILE, admin1_centre, derive_centres, mean_position
from incidents.extraction.gazetteer import admin1_key
from incidents.models import Country, Incident

ATTACK = {"event_type": "Violence against civilians", "sub_event_type": "Attack"}


def test_mean_position_keeps_a_group_across_the_antimeridian_on_its_side():
    assert mean_position([(10.0, 20.0), (20.0, 40.0)]) == (15.0, 30.0)
    lat, lon = mean_position([(65.0, 179.0), (66.0, -179.0), (67.0, 177.0)])
    assert lat == 66.0 and lon == 179.0  # not 59, on the far side of the world


def test_derive_centres_keys_geonames_and_curated_names_folded():
    places = [
        ("IQ", "10", 33.0, 44.0),
        ("IQ", "10", 35.0, 46.0),
        ("IQ", "11", 36.0, 43.0),
        ("AE", "03", 0, 0),
    ]
    names = {"IQ.10": "Muhafazat Diyala", "IQ.11": "Nineveh", "AE.03": "Dubai"}
    curated = [
        {"name": "Ninewa", "country": "IQ", "aliases": ["Nineveh"]},  # matched through its alias
        {"name": "Dubayy", "country": "AE", "aliases": []},  # matched through its namesake town
        {"name": "Nowhere", "country": "IQ", "aliases": []},
    ]

    def namesake(name, country):
        return ("03", 25.2, 55.3) if name == "Dubayy" else None

    centres = derive_centres(places, names, curated, namesake)
    assert centres["IQ"]["diyala"] == [34.0, 45.0]  # the generic word dropped, the mean of its towns
    assert admin1_key("Nineveh") != admin1_key("Ninewa")  # two spellings that fold apart
    assert centres["IQ"][admin1_key("Ninewa")] == centres["IQ"][admin1_key("Nineveh")] == [36.0, 43.0]
    assert centres["AE"][admin1_key("Dubayy")] == [
        0.0,
        0.0,
    ]  # the province holding the namesake, not the town
    assert "nowhere" not in centres["IQ"]


def test_admin1_centre_reads_the_shipped_file_and_folds_the_name(tmp_path):
    assert CENTRES_FILE.exists()
    lat, lon = admin1_centre("IQ", "Diyala Governorate")
    assert 33 < lat < 35 and 44 < lon < 46
    assert admin1_centre("IQ", "al-Anbar") is not None and admin1_centre("NG", "Borno") is not None
    assert admin1_centre("IQ", "") is None and admin1_centre("", "Diyala") is None
    assert admin1_centre("IQ", "No Such Province") is None
    own = tmp_path / "centres.json"
    own.write_text(json.dumps({"XX": {"test": [1.5, 2.5]}}))
    assert admin1_centre("XX", "Test Province", path=own) == (1.5, 2.5)


@pytest.fixture
def nigeria(db):
    ng = Country.objects.create(code="NG", name="Nigeria")
    day = dt.date(2023, 5, 1)
    made = {
        "Maiduguri": Incident.objects.create(
            country=ng,
            admin1="Borno",
            location_name="Maiduguri",
            latitude=11.85,
            longitude=13.16,
            start_date=day,
            **ATTACK,
        ),
        "Borno": Incident.objects.create(
            country=ng, admin1="Borno", start_date=day, geo_precision="region", **ATTACK
        ),
        "Kano": Incident.objects.create(
            country=ng,
            admin1="Kano State",
            start_date=day - dt.timedelta(days=1),
            geo_precision="region",
            **ATTACK,
        ),
        "Nowhere": Incident.objects.create(country=ng, start_date=day, geo_precision="country", **ATTACK),
        "Made-up": Incident.objects.create(country=ng, admin1="Atlantis", start_date=day, **ATTACK),
    }
    return made


def test_points_place_province_incidents_at_the_centre_and_count_the_unplaced(analyst_client, nigeria):
    body = analyst_client.get("/incidents/map/points/", {"country": "NG"}).json()
    by_id = {row[0]: row for row in body["points"]}
    assert set(by_id) == {nigeria[p].pk for p in ("Maiduguri", "Borno", "Kano")}
    assert by_id[nigeria["Maiduguri"].pk][1:3] == [11.85, 13.16] and len(by_id[nigeria["Maiduguri"].pk]) == 8
    borno, kano = by_id[nigeria["Borno"].pk], by_id[nigeria["Kano"].pk]
    assert borno[8] is True and kano[8] is True
    assert (borno[1], borno[2]) == admin1_centre("NG", "Borno")
    assert 10 < kano[1] < 13 and 7 < kano[2] < 10  # Kano State, in the north
    assert borno[6] == "Borno, Nigeria"  # no place name: the province and country
    assert body["unplaced"] == 2  # no province, or one with no known centre
    assert body["capped"] is False


def test_points_with_a_bbox_keep_to_incidents_with_coordinates(analyst_client, nigeria):
    body = analyst_client.get("/incidents/map/points/", {"bbox": "0,0,20,20"}).json()
    assert [row[0] for row in body["points"]] == [nigeria["Maiduguri"].pk]
