"""Helpers for the meetup tests: a meetup body, announcing one, signing youth up."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from backend.models import utcnow

HELSINKI = ZoneInfo("Europe/Helsinki")     # the test app's city time zone


def at(delta: timedelta) -> str:
    """An ISO timestamp (with offset) `delta` from now."""
    return (utcnow() + delta).replace(tzinfo=timezone.utc).isoformat()


def city_evening(days: int, hour: int) -> str:
    """An ISO timestamp `days` from today at hh:00 city time: an evening meetup never crosses midnight,
    whatever the hour the tests run at (a meetup over midnight needs a guardian's consent)."""
    day = datetime.now(HELSINKI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour), HELSINKI).isoformat()


def meetup_body(**changes):
    body = {
        "title": "Games night", "kind": "youth_centre_evening", "venue_name": "Kupla",
        "venue_address": "Nuorisotie 1, Helsinki", "starts_at": city_evening(7, 17),
        "ends_at": city_evening(7, 20), "capacity": 2, "waitlist_size": 2,
        "min_age": 12, "max_age": 17, "languages": ["fi", "en"],
    }
    body.update(changes)
    return body


def announce(api, **changes):
    response = api.post("/api/meetups", meetup_body(**changes))
    assert response.status_code == 201, response.json
    return response.json


def sign_up(api, meetup_id, **changes):
    body = {"first_name": "Aino", "age": 14}
    body.update(changes)
    return api.post(f"/api/meetups/{meetup_id}/signups", body)


GUARDIAN = {"guardian_name": "Maija Mallikas", "guardian_phone": "+358 40 123 4567"}
