"""The review form's place type-ahead (/lookup/places/): GeoNames towns from the type-ahead file,
never from the whole gazetteer loaded into the web process."""

from __future__ import annotations

import logging
import shutil

import pytest

from incidents.extraction import gazetteer, gazetteer_index
from incidents.extraction.gazetteer import _cache_path, _data_file, load_gazetteer
from incidents.models import Country, Location

pytestmark = pytest.mark.django_db

ACLED = {"Muhafazat Kirkuk": "Kirkuk"}  # the admin1 the lookup gives Iraqi towns, from the curated place
QUERIES = ["Kirkuk", "baq", "Al-Has", "São Pa", "L'Aquila", "new yo", "Ḩalab", "Di", "Qwzx"]


@pytest.fixture
def fresh_process(monkeypatch, tmp_path):
    """A web process that has loaded neither the gazetteer nor the type-ahead file, on a machine
    whose cache directory (tmp_path) has the gazetteer's pickle but no type-ahead file yet."""
    pickle = _cache_path(_data_file()[1])
    if pickle.exists():  # else the child that builds the file builds the pickle too (slower)
        shutil.copy(pickle, tmp_path)
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(gazetteer, "_SHARED", None)
    monkeypatch.setattr(gazetteer_index, "_SHARED", None)
    monkeypatch.setattr(gazetteer_index, "_UNAVAILABLE", False)
    iraq = Country.objects.create(code="IQ", name="Iraq")
    # curated places spell the province "Kirkuk"; GeoNames "Muhafazat Kirkuk"
    Location.objects.create(name="Zzz depot", country=iraq, admin1="Kirkuk")
    return tmp_path


def _towns(client) -> dict[str, list[tuple]]:
    out = {}
    for q in QUERIES:
        results = client.get("/lookup/places/", {"q": q}).json()["results"]
        assert all(r["source"] == "geonames" for r in results)  # no curated places here
        out[q] = [(r["name"], r["admin1"], r["country"], r["latitude"], r["longitude"]) for r in results]
    return out


def _expected() -> dict[str, list[tuple]]:
    gaz = load_gazetteer()  # not the process's shared one: that must stay unloaded
    return {
        q: [
            (
                r.name,
                ACLED.get(r.admin1, r.admin1),
                r.country if r.country == "IQ" else "",
                r.latitude,
                r.longitude,
            )
            for r in gaz.complete(q, limit=10)
        ]
        for q in QUERIES
    }


def test_place_lookup_never_loads_the_gazetteer(analyst_client, fresh_process):
    towns = _towns(analyst_client)
    assert gazetteer._SHARED is None  # answered without the whole gazetteer in this process
    index = gazetteer_index._SHARED
    assert index is not None and index.path.parent == fresh_process  # built by the first lookup
    assert towns == _expected()
    assert towns["Kirkuk"][0][:3] == ("Kirkuk", "Kirkuk", "IQ")
    assert towns["Di"] == [] and towns["Qwzx"] == []


def test_place_lookup_falls_back_to_the_gazetteer_without_a_writable_cache(
    analyst_client, fresh_process, monkeypatch, caplog
):
    """A cache directory the file cannot be written to: the towns still come, from memory."""
    blocked = fresh_process / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("INCIDENTS_CACHE_DIR", str(blocked / "cache"))
    with caplog.at_level(logging.WARNING, logger="incidents.extraction.gazetteer_index"):
        towns = _towns(analyst_client)
    assert gazetteer_index._SHARED is None and gazetteer._SHARED is not None
    assert sum("type-ahead index unavailable" in m for m in caplog.messages) == 1  # tried once
    assert towns == _expected()
