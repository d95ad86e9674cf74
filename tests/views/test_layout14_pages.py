"""Every desk page holds at a laptop's and a tablet's width (1366, 1024, 820 px): nothing runs off
the screen sideways, the header keeps "Log out" inside itself, and axe-core finds no serious or
critical accessibility problem. The figures (overflow, axe counts per impact) are printed, so a run
shows what was measured; with SCREENSHOT_DIR set the pages are saved at each width. Every box reads
at the size of its label, and no table hides columns off to the right."""

from __future__ import annotations

import pytest

from tests.test_browser import _log_in, _shot
from tests.views.conftest import LONG_PLACES, layout_pages_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 1024, 820)
HEIGHT = 900
AXE_URL = "/static/vendor/axe-core/axe.min.js"

# The page's overflow and the header's hold, measured in the page (a function string: no eval).
MEASURE = """() => {
  const doc = document.documentElement;
  const bar = document.querySelector("body > header");
  const header = bar ? bar.getBoundingClientRect() : null;
  const logout = document.querySelector("body > header .logout");
  const out = logout ? logout.getBoundingClientRect() : null;
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth,
    smallBoxes: Array.from(document.querySelectorAll("label[for]")).flatMap(label => {
      const box = document.getElementById(label.htmlFor);
      if (!box || box.type === "checkbox" || box.type === "radio" || !box.getClientRects().length) return [];
      const size = el => parseFloat(getComputedStyle(el).fontSize);
      return size(box) < 0.9 * size(label) ? [box.id + " " + size(box) + "px < label " + size(label) + "px"] : [];
    }),
    tablesCut: Array.from(document.querySelectorAll(".table-scroll"))
      .filter(box => box.scrollWidth > box.clientWidth + 1)
      .map(box => (box.getAttribute("aria-label") || box.className) + " " + box.scrollWidth + ">" + box.clientWidth),
    logoutInside: out === null || (out.right <= header.right && out.bottom <= header.bottom
                                   && out.left >= header.left && out.top >= header.top),
  };
}"""

# axe's findings grouped by impact, with the rule ids and a few targets for the message.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


def _axe_counts(violations: list[dict]) -> dict[str, int]:
    counts = {"critical": 0, "serious": 0, "moderate": 0, "minor": 0}
    for violation in violations:
        counts[violation["impact"] or "minor"] += 1
    return counts


def _shot_name(path: str, world: dict[str, int]) -> str | None:
    """The pages docs/screenshots/ keeps at each width (the others are checked, not kept)."""
    names = {
        "/": "dashboard",
        "/incidents/": "list",
        f"/incidents/{world['drafted']}/": "review",
        f"/articles/{world['wire']}/": "article",
        "/incidents/map/": "map",
        "/articles/": "articles",
        "/feeds/": "feeds",
    }
    return names.get(path)


def _check_page(page, url: str, width: int, problems: list[str]) -> dict[str, int]:
    """Load `url` at `width`, note overflow, a header that lets go of "Log out", and axe's serious
    or critical findings in `problems`; axe's counts per impact back."""
    page.set_viewport_size({"width": width, "height": HEIGHT})
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    measured = page.evaluate(MEASURE)
    if measured["scrollWidth"] > measured["clientWidth"]:
        problems.append(f"{url} @{width}: scrollWidth {measured['scrollWidth']} > {measured['clientWidth']}")
    for box in measured["smallBoxes"]:  # a box whose text is smaller than its label's
        problems.append(f"{url} @{width}: small text in {box}")
    for table in measured["tablesCut"]:  # columns hidden to the right, to be found by scrolling
        problems.append(f"{url} @{width}: a table scrolls sideways: {table}")
    if not measured["logoutInside"]:
        problems.append(f"{url} @{width}: 'Log out' is outside the header")
    page.add_script_tag(url=AXE_URL)
    violations = page.evaluate(AXE_RUN)
    for violation in violations:
        if violation["impact"] in ("serious", "critical"):
            problems.append(
                f"{url} @{width}: axe {violation['impact']} {violation['id']} {violation['targets']}"
            )
    return _axe_counts(violations)


def test_every_desk_page_fits_three_widths_with_no_serious_axe_finding(
    live_server, layout_world, browser_page, settings
):
    settings.MAP_TILE_URL = ""  # no internet here
    page = browser_page
    problems: list[str] = []
    page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
    _log_in(page, live_server.url)
    print()
    for path in layout_pages_of(layout_world):
        for width in WIDTHS:
            counts = _check_page(page, f"{live_server.url}{path}", width, problems)
            print(f"axe {path} @{width}: " + " ".join(f"{k}={v}" for k, v in counts.items()))
            if name := _shot_name(path, layout_world):
                _shot(page, f"{name}-{width}", full_page=name != "map")
    print("\n".join(problems))
    assert problems == []


def test_the_login_page_fits_three_widths_with_no_serious_axe_finding(live_server, browser_page):
    page = browser_page
    problems: list[str] = []
    print()
    for width in WIDTHS:
        counts = _check_page(page, f"{live_server.url}/accounts/login/", width, problems)
        print(f"axe /accounts/login/ @{width}: " + " ".join(f"{k}={v}" for k, v in counts.items()))
        _shot(page, f"login-{width}")
        boxes = [page.locator(f"#{name}").bounding_box() for name in ("id_username", "id_password")]
        labels = [
            page.locator(f"label[for={name}]").bounding_box() for name in ("id_username", "id_password")
        ]
        assert boxes[0]["x"] == boxes[1]["x"] and boxes[0]["width"] == boxes[1]["width"], (width, boxes)
        assert boxes[0]["width"] >= 150, (width, boxes)  # a box one can type a name into
        assert labels[0]["x"] == labels[1]["x"], (width, labels)
    print("\n".join(problems))
    assert problems == []


# How many lines each list cell's text takes: the distinct tops of its text's line boxes.
CELL_LINES = """(selector) => Array.from(document.querySelectorAll(selector)).map(cell => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
  return {text: cell.textContent.trim(), lines: tops.size, width: cell.getBoundingClientRect().width};
})"""


def test_the_list_gives_places_room_before_the_updated_column(live_server, layout_world, browser_page):
    """A place ("Tarmiyah district, north of Baghdad, Baghdad") takes at most two lines at every
    width, and the "Updated" column is never wider than the place column."""
    page = browser_page
    _log_in(page, live_server.url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(f"{live_server.url}/incidents/")
        places = page.evaluate(CELL_LINES, "#incident-results td.incident-place .place-name")
        updated = page.evaluate(CELL_LINES, "#incident-results td.incident-updated")
        assert len(places) == len(LONG_PLACES) + 3  # and the wire story's two
        assert max(place["lines"] for place in places) <= 2, (width, places)
        assert updated[0]["width"] < places[0]["width"], (width, updated[0], places[0])
        table = page.locator("#incident-results .table-scroll").bounding_box()
        assert table["x"] >= 0 and table["x"] + table["width"] <= width, (width, table)


def test_every_page_names_the_favicon_and_the_browser_finds_it(live_server, browser_page):
    page = browser_page
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(f"{live_server.url}/accounts/login/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href.endswith("incidents/favicon.svg")
    icon = page.request.get(f"{live_server.url}{href}")
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    # pages that name no icon (the API's JSON, the admin) are sent to it from /favicon.ico
    legacy = page.request.get(f"{live_server.url}/favicon.ico")
    assert legacy.status == 200 and legacy.url.endswith("incidents/favicon.svg")
    page.goto(f"{live_server.url}/admin/login/")
    page.wait_for_load_state("networkidle")
    assert missing == []


# Each actor row's name box and role select, with the width the role's label needs in its font.
ACTOR_ROWS = """() => Array.from(document.querySelectorAll("#actor-rows .actor-row")).map(row => {
  const name = row.querySelector("input[type=text]"), role = row.querySelector("select");
  const probe = document.createElement("span");
  probe.style.font = getComputedStyle(role).font;
  probe.style.position = "absolute";
  probe.textContent = role.options[role.selectedIndex].text;
  document.body.appendChild(probe);
  const needed = probe.getBoundingClientRect().width;
  probe.remove();
  return {name: name.getBoundingClientRect().width, role: role.getBoundingClientRect().width, needed};
})"""


def test_an_actor_row_shows_the_whole_role_and_a_name_box_one_can_read(
    live_server, layout_world, browser_page
):
    """The role ("Perpetrator (actor 1)") is never cut, and the name keeps room for a name; in a
    narrow pane the role moves under the name rather than squeezing it."""
    page = browser_page
    _log_in(page, live_server.url)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        page.goto(f"{live_server.url}/incidents/{layout_world['drafted']}/")
        rows = page.evaluate(ACTOR_ROWS)
        assert rows, "the drafted incident has actors"
        for row in rows:
            assert row["role"] >= row["needed"] + 16, (width, row)  # the label and the arrow
            assert row["name"] >= 200, (width, row)
