"""A newcomer on a phone finds their sector by postcode and on the map, follows it, and sees an officer's
new post with its picture at the top of Home. Location is resolved on the phone and never sent."""
import io
import re

import pytest
from PIL import Image

from tests.support import ApiClient


@pytest.fixture
def sectors_city(city):
    north = city["north"]
    north.contact_email = "north@police.example"
    north.office_hours = [{"day": d, "opens": "00:00", "closes": "24:00"} for d in range(7)]
    north.save()
    return city


def officer_posts_with_a_picture(app, city, text, city_wide=False):
    officer = ApiClient(app.test_client())
    assert officer.login(city["staff"]["officer"].email).status_code == 200
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 200)).save(picture, "JPEG")
    response = officer.post("/api/posts", data={"text": text, "tags": "traffic", "image_alt": "A blue sign",
                                                "image": (io.BytesIO(picture.getvalue()), "sign.jpg"),
                                                "city_wide": "true" if city_wide else "false"},
                            content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    return response.json


def test_newcomer_finds_sector_by_postcode_and_map_follows_it_and_sees_the_new_post(
        app, page, context, goto, shell, axe, sectors_city):
    goto(page, "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My sector").click()
    page.get_by_role("heading", name="Find your sector", level=1).wait_for()
    assert axe(page) == []

    page.get_by_label("Your postcode").fill("12345")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_text("We don't know the postcode 12345 in this city").wait_for()
    page.get_by_label("Your postcode").fill("90100")
    page.get_by_role("button", name="Find", exact=True).click()
    page.get_by_role("heading", name="North", level=1).wait_for()
    assert page.get_by_text("Olli Officer").is_visible() and page.get_by_text("Uma Unverified").count() == 0
    assert page.get_by_text("Not for emergencies.").is_visible()
    assert page.get_by_text("In office now").is_visible()

    page.get_by_role("link", name="Look at another sector").click()
    page.get_by_role("heading", name="Find your sector", level=1).wait_for()
    page.locator(f"path[data-sector-id='{sectors_city['south'].id}']").click()      # tap the map
    page.get_by_role("heading", name="South", level=1).wait_for()
    page.go_back()
    page.get_by_role("link", name="North", exact=True).first.wait_for()
    page.locator(f"path[data-sector-id='{sectors_city['north'].id}']").click()
    page.get_by_role("heading", name="North", level=1).wait_for()
    assert axe(page) == []

    follow = page.get_by_role("button", name="Follow North")
    follow.click()                                   # one tap: anonymous identity + follow
    following = page.get_by_role("button", name="Stop following North")
    following.wait_for()
    assert following.get_attribute("aria-pressed") == "true"

    post = officer_posts_with_a_picture(app, sectors_city, "Cycle path closed on Monday https://example.org/detour")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    first = page.locator("#home-feed .post").first
    first.wait_for()
    assert "Cycle path closed on Monday" in first.inner_text() and "Olli Officer" in first.inner_text()
    link = first.get_by_role("link", name="https://example.org/detour")
    assert link.get_attribute("rel") == "noopener noreferrer nofollow ugc"
    image = first.get_by_role("img", name="A blue sign")
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.get_attribute("src") == post["image"]["src"]
    assert page.get_by_text("Traffic").first.is_visible()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    unexpected = [e for e in page.console_errors if "/api/sectors/locate?postcode=12345" not in e]  # the 404 we caused
    assert unexpected == [] and shell.foreign_requests(context) == []


def test_location_is_matched_on_the_phone_and_never_sent(browser, live_server, sectors_city, shell):
    context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server, locale="en-GB",
                                  geolocation={"latitude": 0.4321, "longitude": 1.6543}, permissions=["geolocation"])
    requests = []
    context.on("request", lambda request: requests.append(request.url + " " + (request.post_data or "")))
    page = context.new_page()
    try:
        page.goto("/sectors")
        shell.wait_ready(page)
        assert requests, "no requests recorded"
        page.get_by_role("button", name="Use my location").click()
        page.get_by_role("heading", name="South", level=1).wait_for()
        sent = " ".join(requests)
        assert not re.search(r"0\.432|1\.654", sent), "the position left the phone"
    finally:
        context.close()


def test_feed_is_readable_offline_with_the_last_page(app, page, context, goto, shell, sectors_city):
    officer_posts_with_a_picture(app, sectors_city, "Saved for the bus ride", city_wide=True)
    shell.wait_for_service_worker(goto(page, "/"))
    page.reload()
    shell.wait_ready(page)
    page.locator("#home-feed .post").first.wait_for()
    first_image = page.get_by_role("img", name="A blue sign")
    first_image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=first_image.element_handle())
    context.set_offline(True)
    page.reload()
    shell.wait_ready(page)
    page.get_by_text("Saved for the bus ride").wait_for()
    assert re.search(r"Offline\. Last updated", page.locator("#home-feed .offline-note").inner_text())
    image = page.get_by_role("img", name="A blue sign")       # immutable media: from the browser's cache
    image.scroll_into_view_if_needed()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    context.set_offline(False)


def test_officer_writes_an_update_with_a_picture_in_the_app(app, page, goto, sectors_city, tmp_path, axe):
    picture = tmp_path / "team.png"
    Image.new("RGB", (900, 600), (240, 180, 40)).save(picture, "PNG")
    goto(page, "/")
    page.evaluate("""async ([email, password]) => {
        const token = (await (await fetch('/api/csrf')).json()).csrf_token;
        await fetch('/api/auth/login', {method: 'POST', body: JSON.stringify({email, password}),
          headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token}});
    }""", [sectors_city["staff"]["officer"].email, "correct horse battery staple"])
    goto(page, "/posts/new")
    assert axe(page) == []
    page.get_by_role("button", name="Publish").click()
    assert page.locator("#text-error").inner_text() == "Write something first."   # said next to the field
    page.get_by_role("textbox", name="Update").fill("Meet us at the skate park on Friday")
    assert page.get_by_text("965 characters left").is_visible()
    page.get_by_label("Events").check()
    page.get_by_label("Picture", exact=True).set_input_files(str(picture))
    page.get_by_label("Picture description").fill("Officers at the skate park")
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("heading", name="Olli Officer", level=1).wait_for()
    card = page.locator(".post").first
    card.get_by_role("img", name="Officers at the skate park").wait_for()
    assert "Meet us at the skate park on Friday" in card.inner_text() and "Events" in card.inner_text()
    assert page.get_by_role("button", name="Show more updates").is_hidden()


def test_point_in_polygon_on_the_phone_handles_holes_and_multipolygons(page, goto):
    goto(page, "/")
    result = page.evaluate("""async () => {
        const geo = await import('/js/sectors/geo.js');
        const donut = {type: 'Polygon', coordinates: [[[0,0],[10,0],[10,10],[0,10],[0,0]], [[4,4],[6,4],[6,6],[4,6],[4,4]]]};
        const islands = {type: 'MultiPolygon', coordinates: [[[[0,0],[1,0],[1,1],[0,1],[0,0]]], [[[5,5],[6,5],[6,6],[5,6],[5,5]]]]};
        const collection = {type: 'FeatureCollection', features: [{type: 'Feature', properties: {id: 7}, geometry: islands}]};
        return [geo.pointInGeometry(2, 2, donut), geo.pointInGeometry(5, 5, donut), geo.pointInGeometry(11, 5, donut),
                geo.pointInGeometry(5.5, 5.5, islands), geo.pointInGeometry(3, 3, islands),
                geo.findSector(collection, 0.5, 0.5).properties.id, geo.findSector(collection, 3, 3)];
    }""")
    assert result == [True, False, False, True, False, 7, None]


def test_a_push_notification_link_to_feed_opens_the_home_feed(app, page, goto, sectors_city):
    officer_posts_with_a_picture(app, sectors_city, "Pushed to everyone", city_wide=True)
    goto(page, "/feed")
    page.locator("#home-feed .post").first.wait_for()
    assert "Pushed to everyone" in page.locator("#home-feed .post").first.inner_text()
    assert page.console_errors == []
