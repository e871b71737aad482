"""The staff console in a real Chromium, on an install without demo data: the first admin (made with the
CLI) invites an officer, the officer signs up through the link, sets up an authenticator app, is verified
and posts; the admin creates a youth centre and its organiser announces a meetup there. axe checks every
console screen at 360 px and 1280 px, light and dark."""
import re
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pyotp
import pytest

from backend.models import Meetup, Post, Sector, Staff, YouthCentre
from tests.browser.helpers import login_staff, navigate
from tests.support import PASSWORD

CITY = ZoneInfo("Europe/Helsinki")
SQUARE = {"type": "Polygon", "coordinates": [[[25.4, 65.0], [25.5, 65.0], [25.5, 65.1], [25.4, 65.1], [25.4, 65.0]]]}


def cli_staff(runner, role, email, name, *extra):
    result = runner.invoke(args=["create-staff", "--role", role, "--email", email, "--name", name,
                                 "--password-stdin", *extra], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    return Staff.by_email(email)


def log_in(page, goto, email):
    goto(page, "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def local_input(days, hour):
    moment = datetime.now(timezone.utc).astimezone(CITY) + timedelta(days=days)
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def fresh_code(secret):
    """The code of the previous time step (still accepted), leaving the next steps for later logins."""
    if time.time() % 30 > 25:          # clear of a step boundary
        time.sleep(6)
    return pyotp.TOTP(secret).at(time.time() - 30)


def test_a_city_sets_itself_up(app, runner, browser, context, page, goto, live_server, axe):
    with app.app_context():
        Sector.create(slug="keskusta", name="Keskusta", geometry=SQUARE, office_hours=[])
        admin = cli_staff(runner, "admin", "admin@city.fi", "Ada Admin", "--verified")
        organiser = cli_staff(runner, "organiser", "org@city.fi", "Oskari Organiser", "--verified")
    assert admin.is_verified

    # The admin logs in, lands on the staff home, and invites an officer to the Keskusta sector.
    log_in(page, goto, "admin@city.fi")
    page.wait_for_url("**/staff")
    page.get_by_role("heading", name="Hello, Ada Admin").wait_for()
    page.get_by_role("link", name="Invitations").first.click()
    page.get_by_role("heading", name="Invitations", level=1).wait_for()
    page.get_by_label("Role").select_option("officer")
    page.get_by_label("Sector").select_option(label="Keskusta")
    page.get_by_label("For whom (note)").fill("Olli")
    page.get_by_role("button", name="Create invite link").click()
    link = page.get_by_label("Invite link (shown only now)").input_value()
    assert "/staff/signup?invite=" in link
    assert axe(page) == []

    # The officer signs up through the link: role and place come from the invite.
    officer_context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server,
                                          locale="en-GB", timezone_id="Europe/Helsinki")
    officer = officer_context.new_page()
    errors = []
    officer.on("pageerror", lambda error: errors.append(str(error)))
    try:
        goto(officer, link.replace("http://localhost", ""))
        officer.get_by_text("You are invited as: Police officer.").wait_for()
        assert officer.get_by_text("Place: Keskusta.").is_visible()
        officer.get_by_label("Full name (shown to youth)").fill("Olli Officer")
        officer.get_by_label("E-mail").fill("olli@police.fi")
        officer.get_by_label("Password").fill(PASSWORD)
        officer.get_by_label("Job title").fill("Community police officer")
        officer.get_by_role("checkbox", name="English").check()
        assert axe(officer) == []
        officer.get_by_role("button", name="Create account").click()
        officer.wait_for_url("**/staff")
        officer.get_by_role("heading", name="Waiting for verification").wait_for()
        assert officer.get_by_text("is waiting for your city admin to verify it").is_visible()
        assert axe(officer) == []

        # While waiting, the officer sets up an authenticator app and keeps the recovery codes.
        officer.get_by_role("link", name="Set up a second factor").click()
        officer.get_by_role("button", name="Set up an authenticator app").click()
        secret = officer.locator("[data-secret]").get_attribute("data-secret")
        assert officer.get_by_role("img", name="QR code for your authenticator app").is_visible()
        officer.get_by_label("Code from the app").fill(fresh_code(secret))
        officer.get_by_role("button", name="Confirm").click()
        officer.get_by_role("heading", name="Your recovery codes").wait_for()
        assert officer.locator(".console-codes li").count() == 10
        assert axe(officer) == []

        # The admin verifies the officer from the staff list (filtered to those waiting).
        goto(page, "/console?verified=false")
        card = page.locator(".console-person", has_text="Olli Officer")
        assert "Second factor on" in card.inner_text()
        card.get_by_role("button", name="Verify Olli Officer").click()
        page.get_by_text("0 people").wait_for()              # the list of those waiting is empty now
        assert Staff.by_email("olli@police.fi").is_verified

        # The verified officer's home has "Write"; they post.
        goto(officer, "/staff")
        officer.get_by_role("heading", name="Hello, Olli Officer").wait_for()
        officer.get_by_role("link", name="Write").click()
        officer.get_by_role("textbox", name="Update").fill("Hi! I'm Olli, your community police officer in Keskusta.")
        officer.get_by_role("button", name="Publish").click()
        officer.get_by_text("Your update is published.").wait_for()
        assert Post.select().where(Post.author == Staff.by_email("olli@police.fi")).count() == 1

        # With a second factor, the password alone does not sign the officer in: the code does.
        officer_context.clear_cookies()
        log_in(officer, goto, "olli@police.fi")
        officer.get_by_label("Code", exact=True).wait_for()
        assert officer.evaluate("fetch('/api/me').then((r) => r.json())") == {"kind": "visitor"}
        officer.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
        officer.get_by_role("button", name="Continue").click()
        officer.wait_for_url("**/staff")
        officer.get_by_role("heading", name="Hello, Olli Officer").wait_for()
        assert errors == []
    finally:
        officer_context.close()

    # The admin creates a youth centre with its organiser.
    goto(page, "/console/centres")
    page.get_by_label("Name", exact=True).fill("Kupla")
    page.get_by_label("Address").first.fill("Nuorisotie 1, Oulu")
    page.get_by_label("Sector").first.select_option(label="Keskusta")
    page.get_by_label("Latitude").first.fill("65.05")
    page.get_by_label("Longitude").first.fill("25.45")
    page.get_by_role("checkbox", name="Oskari Organiser").first.check()
    page.get_by_role("button", name="Create youth centre").click()
    page.get_by_role("heading", name="Kupla", level=2).wait_for()
    centre = YouthCentre.get(YouthCentre.name == "Kupla")
    assert Staff.get_by_id(organiser.id).youth_centre_id == centre.id and centre.latitude == 65.05

    # The organiser announces a meetup there.
    organiser_context = browser.new_context(viewport={"width": 360, "height": 640}, base_url=live_server,
                                            locale="en-GB", timezone_id="Europe/Helsinki")
    org = organiser_context.new_page()
    try:
        log_in(org, goto, "org@city.fi")
        org.wait_for_url("**/staff")
        org.get_by_role("link", name="Announce a meetup").click()
        org.get_by_label("Title").fill("Games night at Kupla")
        org.get_by_label("Venue").fill("Kupla")
        org.get_by_label("Starts").fill(local_input(3, 18))
        org.get_by_label("Ends", exact=True).fill(local_input(3, 20))
        org.get_by_label("Places").fill("20")
        org.get_by_role("button", name="Publish meetup").click()
        org.wait_for_url("**/meetups/*/organise")
        meetup = Meetup.get(Meetup.title == "Games night at Kupla")
        assert meetup.youth_centre_id == centre.id
    finally:
        organiser_context.close()
    assert page.console_errors == []


def test_a_youth_worker_edits_the_schedule_and_reads_a_sessions_report(app, city, context, page, goto, axe):
    from backend.broker import LocalBroker
    from backend.db import db
    from tests.chat.helpers import reset_hub
    from tests.console.helpers import EXPECTED_COUNTS, script_session
    login_staff(page, goto, "host@test.fi")
    goto(page, "/console/schedule")
    page.get_by_label("Weekday").last.select_option(label="Thursday")
    page.get_by_label("Starts (HH:MM)").last.fill("17:30")
    page.get_by_label("Length (minutes)").last.fill("90")
    page.get_by_label("Title").nth(-2).fill("Thursday chat")      # the weekly form's, before the one-off form's
    page.get_by_role("button", name="Add a weekly slot").click()
    page.get_by_role("heading", name="Thursday 17:30 · Thursday chat").wait_for()
    with app.app_context():
        db.connect(reuse_if_open=True)
        reset_hub(LocalBroker())
        session, _ = script_session(city, title="Scripted chat")
        reset_hub()
    goto(page, "/console/reports")
    page.get_by_role("link", name="Scripted chat").click()
    page.get_by_role("heading", name="Report: Scripted chat").wait_for()
    rows = dict(zip(page.locator(".console-table tbody th").all_inner_texts(),
                    page.locator(".console-table tbody td").all_inner_texts()))
    assert rows["Asked"] == "4" and rows["Answered"] == "1" and rows["Held by a rule"] == "1"
    assert rows["Rejected"] == "1" and rows["Marked 'may need help'"] == "1"
    assert rows["Young people who wrote"] == str(EXPECTED_COUNTS["participants_writing"])
    assert rows["Reminders sent"] == "2" and rows["Reminders delivered"] == "1"
    chart = page.get_by_role("img", name=re.compile("Questions"))
    assert chart.locator("rect").count() == 4
    assert axe(page) == []
    goto(page, "/console/reports")
    assert page.locator("svg.console-chart").count() == 5
    assert axe(page) == []
    assert page.console_errors == []


SCREENS = ["/staff", "/console", "/console/invites", "/console/centres", "/console/schedule", "/console/settings",
           "/console/audit", "/console/reports", "/console/sectors", "/staff/factor"]


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_console_screens_pass_axe(city, context, page, goto, axe, width, scheme):
    page.set_viewport_size({"width": width, "height": 900})
    page.emulate_media(color_scheme=scheme)
    login_staff(page, goto, "admin@test.fi")
    for path in SCREENS:
        navigate(page, path)
        found = axe(page)
        assert found == [], f"{path} at {width} px ({scheme}): {found}"
    goto(page, "/staff/signup")
    assert axe(page) == []
    assert page.console_errors == []


def test_staff_waiting_for_verification_are_told_so(city, context, page, goto):
    from backend.models import Staff
    Staff.register("waiting.worker@test.fi", "Wilma Waiting", Staff.YOUTH_WORKER, PASSWORD)
    login_staff(page, goto, "waiting.worker@test.fi")
    goto(page, "/chat")
    page.get_by_text("Your staff account is waiting for verification by your city admin.").wait_for()
    assert page.get_by_role("link", name="Open the staff view").count() == 0
    goto(page, "/staff")
    page.get_by_role("heading", name="Waiting for verification").wait_for()
    assert page.get_by_text("Your account (Youth worker) is waiting for your city admin to verify it.").is_visible()
    goto(page, "/console")
    assert page.get_by_role("heading", name="Waiting for verification").is_visible()
    assert page.console_errors == []


def test_open_sign_up_asks_for_the_place_the_role_needs(city, context, page, goto, axe):
    goto(page, "/staff/signup")
    assert page.get_by_label("Sector").is_hidden() and page.get_by_label("Youth centre").is_hidden()
    page.get_by_label("Role").select_option("organiser")
    assert page.get_by_label("Sector").is_hidden() and page.get_by_label("Youth centre").is_visible()
    page.get_by_label("Youth centre").select_option(label="Kupla")
    page.get_by_label("Full name (shown to youth)").fill("Olga Organiser")
    page.get_by_label("E-mail").fill("olga@kupla.fi")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    page.get_by_text("At least 12 characters.").last.wait_for()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/staff")
    page.get_by_role("heading", name="Waiting for verification").wait_for()
    olga = Staff.by_email("olga@kupla.fi")
    assert olga.role == "organiser" and olga.youth_centre_id == city["centre"].id and not olga.is_verified
    assert axe(page) == []


def test_an_officer_adds_a_passkey_and_logs_in_with_it(browser, city, live_server, goto):
    """WebAuthn needs a domain, not an IP address: this browser uses http://localhost:<port>, with a
    virtual authenticator (Chromium's DevTools protocol) standing in for the phone's fingerprint."""
    from backend.models import StaffPasskey
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="en-GB", timezone_id="Europe/Helsinki",
                                  base_url=live_server.replace("127.0.0.1", "localhost"))
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
            "isUserVerified": True, "automaticPresenceSimulation": True}})
        log_in(page, goto, "officer@test.fi")
        page.wait_for_url("**/staff")
        goto(page, "/staff/factor")
        page.get_by_role("button", name="Add a passkey").click()
        page.get_by_role("heading", name="Your recovery codes").wait_for()
        assert StaffPasskey.select().where(StaffPasskey.staff == city["staff"]["officer"]).count() == 1

        context.clear_cookies()
        log_in(page, goto, "officer@test.fi")
        page.get_by_role("button", name="Use a passkey").click()
        page.wait_for_url("**/staff")
        page.get_by_role("heading", name="Hello, Olli Officer").wait_for()
        goto(page, "/")                                   # Home leads staff to their staff home and "Write"
        page.locator("#home-staff").get_by_role("link", name="Write").click()
        page.wait_for_url("**/posts/new")
        assert errors == []
    finally:
        context.close()



def test_admin_imports_sectors_after_seeing_what_changes(city, context, page, goto, axe):
    import json

    from backend.models import Sector

    def square(x, y, name):
        ring = [[x, y], [x + 0.05, y], [x + 0.05, y + 0.05], [x, y + 0.05], [x, y]]
        return {"type": "Feature", "properties": {"name": name}, "geometry": {"type": "Polygon", "coordinates": [ring]}}
    collection = {"type": "FeatureCollection", "features": [square(25.40, 65.00, "Tuira"), square(25.45, 65.00, "Toppila")]}
    login_staff(page, goto, "admin@test.fi")
    goto(page, "/console/sectors")
    page.get_by_label("District file (GeoJSON)").set_input_files(
        files=[{"name": "districts.geojson", "mimeType": "application/geo+json", "buffer": json.dumps(collection).encode()}])
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="2 new sectors").wait_for()
    assert Sector.select().count() == 2                          # nothing saved by the preview
    assert axe(page) == []
    page.get_by_role("button", name="Import this").click()
    page.get_by_text("Sectors imported.").first.wait_for()
    assert sorted(s.name for s in Sector.select()) == ["North", "South", "Toppila", "Tuira"]


def test_a_browser_counts_itself_once_a_month(context, page, goto):
    from backend.models import MonthlyVisits
    goto(page, "/")
    page.wait_for_function("() => localStorage.getItem('tuttu.visit-counted') !== null")
    page.wait_for_timeout(300)
    goto(page, "/meetups")
    page.reload()
    page.wait_for_selector("html[data-ready='true']")
    assert sum(row.visitors for row in MonthlyVisits.select()) == 1
    assert not any("/api/visits" in url and "?" in url for url in context.requests)   # nothing sent along
