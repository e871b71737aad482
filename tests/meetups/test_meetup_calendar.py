"""Calendars and check-in: a valid .ics per meetup, the private feed (resettable), QR tokens and typed codes."""
from datetime import datetime, timedelta

from icalendar import Calendar

from backend.clock import utcnow
from backend.db import db
from backend.meetups.tickets import checkin_token
from backend.models import ChatSession, Signup
from tests.meetups.helpers import GUARDIAN, announce, sign_up


def parse(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    for event in cal.walk("VEVENT"):
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"] and event["DTEND"]
    return cal


def test_meetup_ics_is_valid_with_the_city_time_zone(as_role):
    organiser = as_role("organiser")
    meetup = announce(organiser, title="Camp at Hietasaari", kind="summer_camp", latitude=65.03, longitude=25.43,
                      starts_at="2030-07-01T10:00:00+03:00", ends_at="2030-07-03T15:00:00+03:00")
    cal = parse(as_role("visitor").get(f"/api/meetups/{meetup['id']}.ics"))
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Camp at Hietasaari"
    start = event.decoded("DTSTART")
    assert start == datetime.fromisoformat("2030-07-01T10:00:00+03:00")
    assert str(start.tzinfo) == "Europe/Helsinki" and event["DTSTART"].params["TZID"] == "Europe/Helsinki"
    [zone] = cal.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Helsinki" and zone.walk("DAYLIGHT") and zone.walk("STANDARD")
    assert event["GEO"].latitude == 65.03
    assert str(event["STATUS"]) == "CONFIRMED"
    organiser.post(f"/api/meetups/{meetup['id']}/cancel", {})
    [event] = parse(organiser.get(f"/api/meetups/{meetup['id']}.ics")).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_private_feed_has_my_meetups_and_the_chat_and_can_be_reset(as_role, app):
    organiser = as_role("organiser")
    mine = announce(organiser, title="Mine", capacity=1, waitlist_size=1)
    waiting = announce(organiser, title="Waiting", capacity=1, waitlist_size=1)
    other = announce(organiser, title="Not mine")
    sign_up(as_role("youth"), waiting["id"])
    with app.app_context(), db.connection_context():
        start = utcnow().replace(microsecond=0) + timedelta(days=2)
        ChatSession.create(title="Monday chat", starts_at=start, ends_at=start + timedelta(hours=2))
    youth = as_role("youth")
    sign_up(youth, mine["id"])
    sign_up(youth, waiting["id"])
    link = youth.get("/api/meetups/calendar").json
    assert link["url"].endswith(link["path"]) and len(link["path"]) > 40
    cal = parse(as_role("visitor").get(link["path"]))
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"Mine", "Waiting", "Monday chat"} and other["title"] not in events
    assert str(events["Waiting"]["STATUS"]) == "TENTATIVE"
    assert events["Monday chat"]["URL"].endswith("/chat/1")
    fresh = youth.post("/api/meetups/calendar/reset").json
    assert fresh["path"] != link["path"]
    assert youth.get(link["path"]).status_code == 404
    assert parse(youth.get(fresh["path"]))
    assert as_role("visitor").get("/api/meetups/calendar").status_code == 401


def test_check_in_by_scanned_token_or_typed_code(as_role, app):
    organiser = as_role("organiser")
    camp = announce(organiser, kind="summer_camp", capacity=2)
    first, second = as_role("youth"), as_role("youth")
    code = sign_up(first, camp["id"], first_name="Aino", **GUARDIAN).json["check_in_code"]
    sign_up(second, camp["id"], first_name="Eetu", **GUARDIAN)
    qr = first.get(f"/api/meetups/{camp['id']}/signups/me/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert as_role("youth").get(f"/api/meetups/{camp['id']}/signups/me/qr.svg").status_code == 404
    with app.app_context(), db.connection_context():
        token = checkin_token(Signup.get(Signup.first_name == "Eetu"))
    assert "Eetu" not in token and "14" not in token.split(".")[1]
    url = f"/api/meetups/{camp['id']}/checkins"
    typed = organiser.post(url, {"code": code.lower()[:4] + "-" + code.lower()[4:]})
    assert typed.status_code == 200 and typed.json["first_name"] == "Aino" and typed.json["checked_in"] == 1
    assert organiser.post(url, {"code": code}).json["error"]["code"] == "already_checked_in"
    scanned = organiser.post(url, {"token": token})
    assert scanned.json["first_name"] == "Eetu" and scanned.json["checked_in"] == 2
    forged = organiser.post(url, {"token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")})
    assert forged.status_code == 422 and forged.json["error"]["code"] == "bad_code"
    assert organiser.post(url, {"code": "ZZZZZZZZ"}).json["error"]["code"] == "unknown_code"
    assert organiser.post(url, {}).status_code == 422
    other = announce(organiser)
    assert organiser.post(f"/api/meetups/{other['id']}/checkins", {"token": token}).json["error"]["code"] == \
        "other_meetup"
    counts = organiser.get(f"/api/meetups/{camp['id']}/attendees").json["counts"]
    assert counts["checked_in"] == 2 and counts["confirmed"] == 2


def test_retention_deletes_first_names_and_guardians_after_the_configured_days(as_role, app):
    from backend.meetups.jobs import forget_meetup_people
    organiser = as_role("organiser")
    camp = announce(organiser, kind="summer_camp", starts_at="2030-07-01T10:00:00+03:00",
                    ends_at="2030-07-03T15:00:00+03:00")
    sign_up(as_role("youth"), camp["id"], first_name="Aino", **GUARDIAN)
    app.config["MEETUP_PERSONAL_DATA_DAYS"] = 10
    ended = datetime(2030, 7, 3, 12, 0)      # 15:00 city time in UTC
    with app.app_context(), db.connection_context():
        assert forget_meetup_people(now=ended + timedelta(days=10) - timedelta(minutes=1)) == 0
        assert Signup.get().first_name == "Aino"
        assert forget_meetup_people(now=ended + timedelta(days=10)) == 1
        signup = Signup.get()
        assert (signup.first_name, signup.guardian_name, signup.guardian_phone, signup.guardian_email,
                signup.youth_id) == (None, None, None, None, None)
        assert signup.status == "confirmed"                 # the organiser's figures stay
        assert signup.age == 14 and forget_meetup_people(now=ended + timedelta(days=11)) == 0
