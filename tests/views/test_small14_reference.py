"""The actor list shows whole, correctly escaped aliases; a search for a city offers the city."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from incidents.models import Actor
from incidents.views.reference import alias_preview


class _Cells(HTMLParser):
    """The text of every <td> of the page, as a browser shows it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "td":
            self.cells.append("")
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.cells[-1] += data


def _cells(html: str) -> list[str]:
    parser = _Cells()
    parser.feed(html)
    return [" ".join(c.split()) for c in parser.cells]


def test_alias_preview_keeps_whole_aliases():
    assert alias_preview(["Da'esh", "ISIS"], 120) == (["Da'esh", "ISIS"], 0)
    assert alias_preview(["a" * 50, "b" * 50, "c" * 50], 120) == (["a" * 50, "b" * 50], 1)
    assert alias_preview(["x" * 300], 120) == (["x" * 300], 0)  # one long alias is shown whole
    assert alias_preview([], 120) == ([], 0)


@pytest.mark.django_db
def test_actor_list_shows_aliases_unescaped_and_whole(analyst_client):
    aliases = ["Da'esh", "ISIL & Levant", "Islamic State of Iraq and the Levant", "Daesh", "IS"]
    aliases += [f"Alias number {n} with words" for n in range(10)]
    Actor.objects.create(name="Islamic State", actor_type="rebel_group", aliases=aliases)
    html = analyst_client.get(reverse("incidents:actor_list")).content.decode()
    assert "&amp;#" not in html and "&#…" not in html
    cell = next(c for c in _cells(html) if c.startswith("Da'esh"))
    assert cell.startswith("Da'esh, ISIL & Levant, Islamic State of Iraq and the Levant, Daesh, IS, ")
    assert cell.endswith(" more")
    more = int(cell.rsplit(" ", 2)[-2])
    listed = cell[: -len(f" and {more} more")].split(", ")
    assert listed == aliases[: len(listed)] and len(listed) + more == len(aliases)


@pytest.mark.django_db
def test_actor_list_search_by_alias_with_an_apostrophe(analyst_client):
    Actor.objects.create(name="Islamic State", actor_type="rebel_group", aliases=["Da'esh"])
    html = analyst_client.get(reverse("incidents:actor_list"), {"q": "Da'esh"}).content.decode()
    assert "Islamic State" in _cells(html)


def test_location_search_for_kabul_offers_the_city_first(reference_data, analyst_client):
    html = analyst_client.get(reverse("incidents:location_list"), {"q": "Kabul"}).content.decode()
    cells = _cells(html)
    rows = [cells[i : i + 6] for i in range(0, len(cells), 6)]
    assert rows[0][:2] == ["Kabul", "Town, village or site"]
    assert ["Kabul", "First-level division"] in [r[:2] for r in rows]
    assert rows[0][4] == "Afghanistan"


def test_a_region_search_still_lists_the_places_in_it(reference_data, analyst_client):
    html = analyst_client.get(reverse("incidents:location_list"), {"q": "Kandahar"}).content.decode()
    cells = _cells(html)
    assert cells[:2] == ["Kandahar", "Town, village or site"]
    assert len(cells) // 6 >= 2 and all(cells[i + 4] == "Afghanistan" for i in range(0, len(cells), 6))


def test_place_type_ahead_offers_the_city(reference_data, analyst_client):
    results = analyst_client.get(reverse("incidents:lookup_places"), {"q": "Kabul"}).json()["results"]
    kabul = [r for r in results if r["name"] == "Kabul" and r["country"] == "AF"]
    assert {r["kind"] for r in kabul} == {"place", "admin1"}
    city = next(r for r in kabul if r["kind"] == "place")
    assert city["latitude"] and city["longitude"] and city["location"]
