"""A post has its own page (/posts/<id>): the link a teen shares and the deep link a new-post push opens;
the feed's time links to it; an officer finds "Write an update" on Home."""
from tests.browser.helpers import login_staff


def test_a_post_page_shows_the_update_with_a_link_to_share(city, page, goto, as_role, context):
    officer = city["staff"]["officer"]
    created = as_role("officer").post("/api/posts", {"text": "Bike checks at the library on Friday.", "city_wide": True})
    assert created.status_code == 201, created.json
    post_id = created.json["id"]
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    goto(page, f"/posts/{post_id}")
    assert page.locator("h1").inner_text() == f"Update from {officer.name}"
    assert page.get_by_text("Bike checks at the library on Friday.").is_visible()
    link = page.get_by_label("Link to this update")
    assert link.input_value().endswith(f"/posts/{post_id}")
    page.evaluate("delete navigator.share")                        # desktop Chromium: copy instead
    page.get_by_role("button", name="Share").click()
    page.get_by_text("Link copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/posts/{post_id}")
    goto(page, "/")
    page.locator(f'a.post-permalink[href="/posts/{post_id}"]').wait_for()
    goto(page, "/posts/999999")
    assert page.locator("h1").inner_text() == "This update is gone"
    assert page.console_errors == [] or all("404" in e for e in page.console_errors)


def test_an_officer_writes_from_home(city, page, goto):
    login_staff(page, goto, city["staff"]["officer"].email)
    goto(page, "/")
    write = page.locator("#home-feed").get_by_role("link", name="Write an update")
    write.wait_for()
    assert write.get_attribute("href") == "/posts/new"
