"""The installable shell in a real Chromium: renders, works offline, deep links, languages, installable."""
import re
from datetime import timedelta

import pytest

from tests.browser.helpers import navigate

SCREENS = ["/", "/chat", "/sectors/mine", "/sectors", "/meetups", "/meetups/mine", "/answers", "/me", "/login",
           "/no/such/page"]


def test_shell_renders_on_a_phone_without_console_errors(page, goto):
    goto(page, "/")
    assert page.locator("h1").inner_text() == "Hi! This is Tuttu"
    assert page.title() == "Hi! This is Tuttu · Tuttu"
    tabs = page.get_by_role("navigation", name="Main").get_by_role("link")
    assert tabs.all_inner_texts() == ["Home", "Chat", "My sector", "Meetups", "Me"]
    assert page.get_by_role("link", name="Home", exact=True).get_attribute("aria-current") == "page"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways at 360px"
    for box in (tabs.nth(i).bounding_box() for i in range(5)):
        assert box["width"] >= 44 and box["height"] >= 44
    assert page.console_errors == []


def test_service_worker_takes_control_and_precaches_the_shell(page, goto, shell):
    goto(page, "/")
    shell.wait_for_service_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    cached = page.evaluate("""async () => {
        const name = (await caches.keys()).find((n) => n.startsWith('tuttu-shell-'));
        return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    }""")
    for path in ["/", "/offline.html", "/js/app.js", "/js/account/me.js", "/css/app.css", "/i18n/uk.json"]:
        assert path in cached
    page.get_by_text("Tuttu is ready to work offline.").wait_for()
    assert page.console_errors == []


def test_offline_reload_shows_the_shell_and_the_last_content_marked_offline(page, context, goto, shell):
    shell.wait_for_service_worker(goto(page, "/"))
    handle = shell.start_anonymously(page)
    goto(page, "/me")                                   # /api/me now fetched through the worker
    assert page.locator(".offline-note").count() == 0
    context.set_offline(True)
    page.reload()
    shell.wait_ready(page)
    assert page.locator("h1").inner_text() == "Me"
    assert page.locator(".handle").inner_text() == handle
    note = page.locator(".offline-note")
    assert re.search(r"Offline\. Last updated .*(now|second|minute)", note.inner_text())
    assert page.get_by_text("You are offline. You see what was saved on your phone.").is_visible()
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.get_by_role("link", name="Home", exact=True).click()   # other screens still work offline
    page.get_by_role("heading", name=f"Hi, {handle}!").wait_for()
    context.set_offline(False)


def test_a_page_the_worker_cannot_serve_shows_the_offline_page(page, context, goto, shell):
    shell.wait_for_service_worker(goto(page, "/"))
    context.set_offline(True)
    page.goto("/api/me")
    assert page.locator("h1").inner_text() == "You are offline"
    context.set_offline(False)


def test_deep_links_load_directly(app, city, page, goto):
    from backend.clock import utcnow
    from backend.models import Meetup
    start = utcnow() + timedelta(days=3)
    with app.app_context():
        meetup = Meetup.create(title="Floorball night", kind="sports", venue_name="Kupla", starts_at=start,
                               ends_at=start + timedelta(hours=2), capacity=20, sector=city["north"].id,
                               youth_centre=city["centre"].id)
    session_id = chat_session(app, timedelta(days=1))
    for path, tab, title in [(f"/meetups/{meetup.id}", "Meetups", "Floorball night"),
                             (f"/sectors/{city['north'].id}", "My sector", "North"),
                             (f"/chat/{session_id}", "Chat", "Monday chat")]:
        goto(page, path)
        assert page.get_by_role("link", name=tab, exact=True).get_attribute("aria-current") == "page"
        assert title in page.locator("h1").inner_text(), path
    goto(page, "/no/such/page")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.title() == "Page not found · Tuttu"
    assert page.console_errors == []


def test_a_deep_link_to_something_gone_says_so(page, goto):
    goto(page, "/meetups/999999")
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.get_by_role("alert").inner_text().startswith("We couldn't find that.")
    assert page.get_by_role("link", name="Meetups", exact=True).get_attribute("aria-current") == "page"


def test_links_navigate_without_reloading_and_move_focus_to_the_heading(page, goto):
    goto(page, "/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("link", name="Me", exact=True).click()
    page.get_by_role("heading", name="Me", exact=True).wait_for()
    assert page.url.endswith("/me")
    assert page.evaluate("window.__sameDocument") is True
    page.wait_for_function("() => document.activeElement.tagName === 'H1'", timeout=5_000)     # focus follows the render
    assert page.title() == "Me · Tuttu"
    page.go_back()
    page.get_by_role("heading", name="Hi! This is Tuttu").wait_for()
    assert page.evaluate("window.__sameDocument") is True


def test_switching_language_changes_the_strings_and_persists(page, goto, shell):
    goto(page, "/me")
    page.get_by_text("Suomi").click()
    page.get_by_role("heading", name="Minä", exact=True).wait_for()
    assert page.get_by_role("link", name="Koti", exact=True).is_visible()
    assert page.evaluate("document.documentElement.lang") == "fi"
    page.reload()
    shell.wait_ready(page)
    assert page.locator("h1").inner_text() == "Minä"
    page.get_by_text("Українська").click()
    page.get_by_role("heading", name="Я", exact=True).wait_for()
    goto(page, "/")
    assert page.locator("h1").inner_text() == "Привіт! Це Tuttu"
    assert page.get_by_role("link", name="Головна", exact=True).get_attribute("aria-current") == "page"
    assert page.console_errors == []


def test_a_screen_opened_while_the_language_changes_starts_at_the_top(page, goto):
    """Switching language re-renders the screen in place and keeps its scroll position; a screen the user opens
    before that re-render has finished is not scrolled to the old screen's position when it does."""
    page.set_viewport_size({"width": 360, "height": 300})
    goto(page, "/")
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 100
    page.evaluate("""async () => {
        const fetchNow = window.fetch;       // the home screen's data comes slowly this once
        let slowed = false;
        window.fetch = (input, init) => {
            if (slowed || !String(input.url || input).includes('/api/')) return fetchNow(input, init);
            slowed = true;
            return new Promise((resolve) => setTimeout(resolve, 600)).then(() => fetchNow(input, init));
        };
        const i18n = await import('/js/i18n.js');
        const router = await import('/js/router.js');
        await i18n.setLanguage('fi');        // home starts rendering again, in Finnish ...
        await router.navigate('/me');        // ... and the user opens Me before it is done
        await new Promise((resolve) => setTimeout(resolve, 900));
    }""")
    assert page.locator("h1").inner_text() == "Minä"
    assert page.evaluate("window.scrollY") == 0


@pytest.mark.parametrize("locale, heading", [("fi-FI", "Moi! Tämä on Tuttu"), ("sv-FI", "Hej! Det här är Tuttu"),
                                             ("da-DK", "Hej! Det her er Tuttu"), ("de-DE", "Hi! This is Tuttu")])
def test_the_language_follows_the_browser(browser, live_server, locale, heading, shell):
    context = browser.new_context(locale=locale, viewport={"width": 360, "height": 640}, base_url=live_server)
    try:
        page = context.new_page()
        catalogs = []
        page.on("request", lambda request: "/i18n/" in request.url and catalogs.append(request.url.rsplit("/", 1)[1]))
        page.goto("/")
        shell.wait_ready(page)
        assert page.locator("h1").inner_text() == heading
        assert catalogs == [f"{locale.split('-')[0] if locale != 'de-DE' else 'en'}.json"], "only one catalog"
    finally:
        context.close()


def test_chromium_finds_no_installability_errors(persistent_context, shell):
    page = persistent_context.new_page()
    page.goto("/")
    shell.wait_ready(page)
    shell.wait_for_service_worker(page)
    cdp = persistent_context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert manifest.get("errors") == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_any_screen(page, goto, axe, scheme, shell):
    page.emulate_media(color_scheme=scheme)
    goto(page, SCREENS[0])
    for path in SCREENS:
        navigate(page, path)
        assert axe(page) == [], f"{path} ({scheme})"
    shell.start_anonymously(page)
    page.get_by_role("button", name="Erase me…").click()
    assert axe(page) == [], "/me as a youth, erase confirmation open"


def test_no_request_leaves_the_origin(page, context, goto, shell):
    for path in SCREENS:
        goto(page, path)
    shell.wait_for_service_worker(page)
    shell.start_anonymously(page)
    page.get_by_text("Suomi").click()
    page.get_by_role("heading", name="Minä", exact=True).wait_for()
    assert context.requests, "no request was recorded at all"
    assert shell.foreign_requests(context) == []


def test_erasing_me_forgets_the_cached_personal_data(page, goto, shell):
    shell.wait_for_service_worker(goto(page, "/"))
    shell.start_anonymously(page)
    goto(page, "/me")
    cached_me = """async () => {
        const cache = await caches.open('tuttu-api-v1');
        return (await cache.keys()).some((r) => new URL(r.url).pathname === '/api/me');
    }"""
    assert page.evaluate(cached_me) is True
    page.get_by_role("button", name="Erase me…").click()
    page.get_by_role("button", name="Yes, erase everything").click()
    page.get_by_role("button", name="Start anonymously").wait_for()
    page.wait_for_function(cached_me.replace("return (", "return !("))
    assert page.console_errors == []


def test_iphone_users_get_add_to_home_screen_steps(browser, live_server, shell):
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
    context = browser.new_context(user_agent=iphone, viewport={"width": 375, "height": 667}, base_url=live_server,
                                  locale="en-GB")
    try:
        page = context.new_page()
        page.goto("/me")
        shell.wait_ready(page)
        assert page.get_by_text("Choose Add to Home Screen.").is_visible()
        page.goto("/")
        shell.wait_ready(page)
        assert page.locator(".install-banner").count() == 0, "no install banner on the first visit"
        second_visit = context.new_page()
        second_visit.goto("/")
        shell.wait_ready(second_visit)
        banner = second_visit.locator(".install-banner")
        assert "Add to Home Screen" in banner.inner_text()
        banner.get_by_role("button", name="Not now").click()
        assert banner.count() == 0
        third_visit = context.new_page()
        third_visit.goto("/")
        shell.wait_ready(third_visit)
        assert third_visit.locator(".install-banner").count() == 0, "a dismissed banner never comes back"
    finally:
        context.close()


def test_a_new_version_is_offered_and_replaces_the_old_caches(page, goto, shell, monkeypatch):
    from backend import shell as shell_blueprint
    shell.wait_for_service_worker(goto(page, "/"))
    old_names = page.evaluate("caches.keys()")
    first_build = shell_blueprint.shell_build()
    monkeypatch.setattr(shell_blueprint, "shell_build", lambda: {**first_build, "version": "next-release"})
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).update()")
    toast = page.locator(".toast", has_text="A new version of Tuttu is ready.")
    toast.get_by_role("button", name="Update").click()
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].type === 'reload'")
    shell.wait_ready(page)
    names = page.evaluate("caches.keys()")
    assert "tuttu-shell-next-release" in names
    assert not [name for name in old_names if name.startswith("tuttu-shell-") and name in names]
    assert page.console_errors == []


def no_weekly_chat(app):
    """An inactive weekly slot, so the server plans no Monday sessions of its own."""
    from backend.models import ChatSchedule
    with app.app_context():
        ChatSchedule.create(weekday=0, starts="16:00", minutes=120, title="Monday chat", active=False)


def chat_session(app, starts_in, minutes=120):
    from backend.clock import utcnow
    from backend.models import ChatSession
    no_weekly_chat(app)
    start = utcnow() + starts_in
    with app.app_context():
        return ChatSession.create(title="Monday chat", starts_at=start, ends_at=start + timedelta(minutes=minutes)).id


def test_the_header_counts_down_to_the_next_chat(app, page, goto):
    session_id = chat_session(app, timedelta(days=2, hours=3, minutes=30))
    goto(page, "/")
    countdown = page.get_by_role("banner").get_by_role("link", name=re.compile("^Next chat in"))
    assert countdown.locator(".countdown-visible").inner_text().replace("\n", " ") == "Next chat in 2 d 3 h"
    assert countdown.get_attribute("href") == f"/chat/{session_id}"
    goto(page, "/me")
    page.get_by_text("Suomi").click()
    page.get_by_role("banner").get_by_text("2 pv 3 t").wait_for()
    assert page.console_errors == []


def test_the_header_says_when_the_chat_is_live(app, page, goto):
    session_id = chat_session(app, timedelta(minutes=-5))
    goto(page, "/")
    live = page.get_by_role("banner").get_by_role("link", name="Chat is live")
    assert live.get_attribute("href") == f"/chat/{session_id}"
    for language, text in [("Suomi", "Chat on auki"), ("Українська", "Чат триває")]:
        goto(page, "/me")
        page.get_by_text(language).click()
        page.get_by_role("banner").get_by_role("link", name=text).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"the header overflows in {language}"


def test_no_planned_chat_hides_the_countdown(app, page, goto):
    no_weekly_chat(app)
    assert app.test_client().get("/api/sessions/next").status_code == 404
    goto(page, "/")
    page.wait_for_timeout(300)
    assert page.locator("#session-countdown").is_hidden()
    assert page.console_errors == []


def test_keyboard_users_can_skip_to_the_content(page, goto):
    goto(page, "/me")
    page.evaluate("window.__sameDocument = true")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'view'")
    assert page.locator("h1").inner_text() == "Me"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "the next Tab stop is inside the main content"
    assert page.evaluate("window.__sameDocument") is True


def test_a_youth_changes_the_nickname_and_sees_why_a_bad_one_is_refused(page, goto, shell):
    shell.start_anonymously(page)
    page.get_by_text("Change nickname").click()
    box = page.get_by_label("New nickname")
    box.fill("ab")
    page.get_by_role("button", name="Save nickname").click()
    assert page.get_by_text("That nickname can't be used.").is_visible()
    assert box.get_attribute("aria-invalid") == "true"
    box.fill("QuietOtter42")
    page.get_by_role("button", name="Save nickname").click()
    page.locator(".handle", has_text="QuietOtter42").wait_for()
    assert page.console_errors == []


def test_staff_log_in_from_me_and_see_what_went_wrong(city, page, goto):
    goto(page, "/me")
    page.get_by_role("link", name="Staff login").click()
    page.get_by_role("heading", name="Staff login").wait_for()
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("Enter your work e-mail.").is_visible()
    page.get_by_label("E-mail").fill(city["staff"]["officer"].email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    assert "That e-mail and password don't match." in page.get_by_role("alert").inner_text()
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/staff")                       # staff land on their staff home
    page.get_by_role("link", name="Me", exact=True).click()
    page.get_by_role("heading", name="Me", exact=True).wait_for()
    assert page.get_by_text("Signed in as Olli Officer").is_visible()
    cached_urls = """async () => (await (await caches.open('tuttu-api-v1')).keys()).map((r) => new URL(r.url).pathname)"""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    goto(page, "/me")
    page.evaluate("fetch('/api/me?kept=1')")          # a cached copy nothing will refresh after logout
    page.wait_for_function("async () => (await (await caches.open('tuttu-api-v1')).keys()).length > 1")
    assert "/api/me" in page.evaluate(cached_urls)
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="Start anonymously").wait_for()
    cached_text = """async () => {
        const cache = await caches.open('tuttu-api-v1');
        const bodies = await Promise.all((await cache.keys()).map(async (r) => (await cache.match(r)).text()));
        return bodies.join(' ');
    }"""
    assert "Olli Officer" not in page.evaluate(cached_text)
    assert [e for e in page.console_errors if "401" not in e] == []


def log_in(page, goto, email):
    goto(page, "/login?next=/me")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Me", exact=True).wait_for()


@pytest.mark.parametrize("role, paths", [("officer", ["/posts/new", "/chat", "/me"]),
                                         ("organiser", ["/meetups/new", "/meetups/organise", "/me"]),
                                         ("youth_worker", ["/chat", "/me"])])
def test_axe_finds_no_serious_violation_on_staff_screens(city, page, goto, axe, role, paths):
    log_in(page, goto, city["staff"][role].email)
    for path in paths:
        navigate(page, path)
        assert axe(page) == [], f"{path} as {role}"


def test_home_greets_a_returning_youth_by_nickname_and_goes_straight_to_the_news(page, goto, shell):
    goto(page, "/")
    assert page.get_by_role("list", name="What you can do").is_visible()
    handle = shell.start_anonymously(page)
    goto(page, "/")
    assert page.locator("h1").inner_text() == f"Hi, {handle}!"
    assert page.get_by_role("list", name="What you can do").count() == 0
    assert page.console_errors == []


def test_images_seen_once_still_show_offline(app, page, context, goto, shell):
    from pathlib import Path

    from PIL import Image
    folder = Path(app.config["MEDIA_PATH"]) / "posts"
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (200, 80, 40)).save(folder / "sunset-test.jpg")
    shell.wait_for_service_worker(goto(page, "/"))
    load_image = """async () => {
        const response = await fetch('/media/posts/sunset-test.jpg');
        return [response.status, (await response.blob()).size];
    }"""
    status, size = page.evaluate(load_image)
    assert status == 200 and size > 0
    context.set_offline(True)
    assert page.evaluate(load_image) == [200, size]
    context.set_offline(False)


@pytest.mark.parametrize("language", ["fi", "uk", "sv"])
def test_no_screen_scrolls_sideways_on_a_phone_in_long_languages(page, goto, shell, language):
    shell.start_anonymously(page)
    page.evaluate("(lang) => localStorage.setItem('tuttu.language', lang)", language)
    wide = []
    goto(page, SCREENS[0])                            # the language chosen is the one a new page load starts in
    for path in SCREENS:
        navigate(page, path)
        assert page.evaluate("document.documentElement.lang") == language
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            wide.append(f"{path}: {width}px")
    assert wide == []


def test_times_are_shown_in_the_city_time_zone_wherever_the_phone_is(app, browser, live_server, shell):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from backend.models import ChatSession
    no_weekly_chat(app)
    start = (datetime.now(timezone.utc) + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    with app.app_context():
        ChatSession.create(title="Monday chat", starts_at=start.replace(tzinfo=None),
                           ends_at=(start + timedelta(hours=2)).replace(tzinfo=None))
    city_time = start.astimezone(ZoneInfo("Europe/Helsinki")).strftime("%H:%M")
    phone_time = start.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    context = browser.new_context(locale="en-GB", timezone_id="America/New_York", base_url=live_server,
                                  viewport={"width": 360, "height": 640})
    try:
        page = context.new_page()
        page.goto("/")
        shell.wait_ready(page)
        countdown = page.get_by_role("banner").get_by_role("link", name=re.compile("^Next chat in"))
        assert countdown.get_attribute("href").startswith("/chat/")
        label = page.locator(".countdown .visually-hidden").inner_text()
        assert city_time in label and phone_time not in label
    finally:
        context.close()


def test_plurals_follow_each_languages_rules(page, goto):
    goto(page, "/me")
    page.get_by_text("Українська").click()
    page.get_by_role("heading", name="Я", exact=True).wait_for()
    plural = "async (n) => (await import('/js/i18n.js')).t('shell.new_items', { count: n })"
    assert [page.evaluate(plural, n) for n in (1, 3, 5, 21, 1000)] == [
        "1 новий запис", "3 нові записи", "5 нових записів", "21 новий запис", "1\u00a0000 нових записів"]
    page.get_by_text("Suomi").click()
    page.get_by_role("heading", name="Minä", exact=True).wait_for()
    assert [page.evaluate(plural, n) for n in (1, 2)] == ["1 uusi kohde", "2 uutta kohdetta"]


def test_switching_language_with_the_keyboard_keeps_the_focus(page, goto):
    goto(page, "/me")
    page.get_by_role("radio", name="English").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_role("heading", name="Minä", exact=True).wait_for()
    page.wait_for_function("() => document.activeElement.value === 'fi'")
    page.keyboard.press("ArrowDown")
    page.get_by_role("heading", name="Jag", exact=True).wait_for()
    page.wait_for_function("() => document.activeElement.value === 'sv' && document.activeElement.checked")
