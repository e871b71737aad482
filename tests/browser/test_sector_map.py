"""The demo city's real map on a phone: central Helsinki's districts drawn with their names, the data's credit,
"you are here" from the phone's own position; and a youth whose sector a new map retired is told on Home."""
import io
from pathlib import Path

import pytest

from backend.db import db
from backend.demo import seed_demo
from backend.models import Sector, SectorMap, SectorPostcode, SectorRetirement
from tests.support import ApiClient

EXCERPT = Path(__file__).parent.parent / "data" / "sectors" / "helsinki_kaupunginosat.geojson"


@pytest.fixture
def demo_city(app, city):
    with app.app_context(), db.connection_context():
        SectorPostcode.delete().execute()            # the fixture's city uses postcodes of its own
        seed_demo()
        for sector in (city["north"], city["south"]):   # its squares at 0°N 0°E are not part of Helsinki
            SectorRetirement.create(sector=sector)
        SectorMap.changed()
    return city


def test_the_demo_map_looks_like_helsinki_with_names_credit_and_you_are_here(browser, live_server, demo_city, shell,
                                                                                 axe):
    context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server, locale="en-GB",
                                  geolocation={"latitude": 60.1830, "longitude": 24.9510}, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto("/sectors")
        shell.wait_ready(page)
        page.locator(".sector-map").wait_for()
        labels = page.locator(".sector-label").all_text_contents()
        assert {"Kallio", "Kamppi", "Kluuvi", "Katajanokka", "Ullanlinna"} <= set(labels)
        assert page.locator(".sector-shape").count() == Sector.active().count()
        assert page.get_by_text("Map: Districts: © Helsingin kaupunki").first.is_visible()
        assert axe(page) == []
        page.get_by_role("button", name="Use my location").click()
        page.get_by_role("heading", name="Kallio", level=1).wait_for()     # matched on the phone
        page.go_back()
        page.locator(".sector-map").wait_for()
        page.get_by_role("button", name="Use my location").click()
        page.get_by_role("heading", name="Kallio", level=1).wait_for()
        page.goto("/me")
        shell.wait_ready(page)
        about = page.locator("#me-map")
        about.get_by_role("heading", name="About the map").wait_for()
        about.get_by_text("Map: Districts: © Helsingin kaupunki").wait_for()
    finally:
        context.close()


def test_a_youth_whose_sector_was_retired_is_told_on_home(app, page, goto, shell, demo_city, axe):
    kallio = Sector.get(Sector.slug == "kallio")
    goto(page, f"/sectors/{kallio.id}")
    page.get_by_role("button", name="Follow Kallio").click()
    page.get_by_role("button", name="Stop following Kallio").wait_for()

    admin = ApiClient(app.test_client())
    assert admin.login(demo_city["staff"]["admin"].email).status_code == 200
    response = admin.post("/api/admin/sectors/import", data={
        "file": (io.BytesIO(EXCERPT.read_bytes()), "helsinki.geojson"), "mode": "replace"},
        content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    successor = next(r["moves_to"]["name"] for r in response.json["retired"] if r["slug"] == "kallio")

    goto(page, "/")
    notice = page.locator("#home-sector-moves")
    notice.get_by_text(f"Kallio is no longer on the map: it is now part of {successor}.").wait_for()
    assert axe(page) == []
    notice.get_by_role("button", name="OK").click()
    notice.wait_for(state="detached")
    goto(page, "/")
    page.locator("#home-feed").wait_for()
    assert page.locator("#home-sector-moves").count() == 0
