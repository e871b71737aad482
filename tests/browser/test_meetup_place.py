"""The organiser's form: the place is picked on the city's sector map (tap, or arrow keys and Enter) or taken
from the youth centre, never typed as latitude/longitude (those stay under "More details")."""
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests.browser.helpers import login_staff

CITY = ZoneInfo("Europe/Helsinki")


def local_input(days, hour):
    moment = datetime.now(timezone.utc).astimezone(CITY) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def fill_essentials(page, title):
    page.get_by_label("Title").fill(title)
    page.get_by_label("Starts").fill(local_input(5, 17))
    page.get_by_label("Ends", exact=True).fill(local_input(5, 20))
    page.get_by_label("Venue").fill("Skatepark")
    page.get_by_label("Places").fill("15")


def published_meetup(page):
    page.wait_for_url(re.compile(r"/meetups/\d+/organise$"))
    meetup_id = re.search(r"/meetups/(\d+)/organise", page.url).group(1)
    return page.evaluate("async (id) => (await fetch(`/api/meetups/${id}`)).json()", meetup_id)


def test_a_tap_on_the_map_places_the_meetup_in_that_sector(city, page, goto):
    login_staff(page, goto, city["staff"]["organiser"].email)
    goto(page, "/meetups/new")
    fill_essentials(page, "Skate evening")
    south = page.locator(f'.meetup-place-map path[data-sector-id="{city["south"].id}"]')
    south.click()
    assert page.locator("#place-sector").inner_text() == "Pin in South"
    assert page.locator(".meetup-pin").get_attribute("visibility") == "visible"
    page.get_by_role("button", name="Publish meetup").click()
    meetup = published_meetup(page)
    # the South sector of the test city is the square 1..2 east, 0..1 north
    assert 1 < meetup["longitude"] < 2 and 0 < meetup["latitude"] < 1
    assert meetup["sector"]["name"] == "South"
    assert page.console_errors == []


def test_the_youth_centres_place_and_the_keyboard(city, page, goto):
    centre = city["centre"]
    centre.address, centre.latitude, centre.longitude = "Kuplakuja 1, Oulu", 0.5, 0.5
    centre.save()
    login_staff(page, goto, city["staff"]["organiser"].email)
    goto(page, "/meetups/new")
    fill_essentials(page, "Games night")
    page.get_by_role("button", name="Use the youth centre's place").click()
    assert page.get_by_label("Address").input_value() == "Kuplakuja 1, Oulu"
    assert page.locator("#place-sector").inner_text() == "Pin in North"
    page.get_by_text("More details").click()                        # the raw position is still there to type
    page.get_by_text("Map position (optional)").click()
    assert float(page.get_by_label("Latitude").input_value()) == 0.5
    assert float(page.get_by_label("Longitude").input_value()) == 0.5
    # keyboard: the first arrow shows the cursor at the pin, Shift+arrows move it east, Enter sets the pin
    page.get_by_role("application", name="Map of the city's sectors: pick the meetup's place").focus()
    page.keyboard.press("ArrowRight")
    assert page.locator("#place-sector").inner_text().startswith("Cursor in North")
    for _ in range(5):
        page.keyboard.press("Shift+ArrowRight")
    assert page.locator("#place-sector").inner_text().startswith("Cursor in South")
    page.keyboard.press("Enter")
    assert page.locator("#place-sector").inner_text() == "Pin in South"
    assert 1 < float(page.get_by_label("Longitude").input_value()) < 2
    # typing the position by hand moves the pin too
    page.get_by_label("Longitude").fill("0.25")
    assert page.locator("#place-sector").inner_text() == "Pin in North"
    page.get_by_role("button", name="Publish meetup").click()
    meetup = published_meetup(page)
    assert meetup["venue_address"] == "Kuplakuja 1, Oulu"
    assert (meetup["latitude"], meetup["longitude"]) == (0.5, 0.25)
    assert page.console_errors == []
