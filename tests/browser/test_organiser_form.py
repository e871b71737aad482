"""The organiser's form: the essentials first (title, when, where, places), the rest folded; an error
goes away as soon as its field is fixed."""
from tests.browser.helpers import login_staff


def test_essentials_first_and_errors_clear_when_fixed(city, page, goto):
    login_staff(page, goto, city["staff"]["organiser"].email)
    goto(page, "/meetups/new")
    labels = page.locator(".meetup-form > .field label").all_inner_texts()
    assert labels[:4] == ["Title", "Starts", "Ends", "Venue"] and "Places" in labels
    more = page.locator("details.meetup-more")
    assert more.get_attribute("open") is None                          # description, ages, officers... folded
    assert not page.get_by_label("Minimum age").is_visible()
    page.get_by_role("button", name="Publish meetup").click()
    title_error = page.locator("#title-error")
    title_error.wait_for()
    assert page.get_by_label("Title").get_attribute("aria-invalid") == "true"
    page.get_by_label("Title").fill("Board games")
    title_error.wait_for(state="hidden")                               # fixed: the error is gone at once
    assert page.get_by_label("Title").get_attribute("aria-invalid") is None
    assert page.locator("#venue_name-error").is_visible()               # the others still say what's missing
    assert page.console_errors == []
