"""Helpers for the meetup tests: a meetup body, announcing one, signing youth up."""
from datetime import timedelta, timezone

from backend.models import utcnow


def at(delta: timedelta) -> str:
    """An ISO timestamp (with offset) `delta` from now."""
    return (utcnow() + delta).replace(tzinfo=timezone.utc).isoformat()


def meetup_body(**changes):
    body = {
        "title": "Games night", "kind": "youth_centre_evening", "venue_name": "Kupla",
        "venue_address": "Nuorisotie 1, Oulu", "starts_at": at(timedelta(days=7)),
        "ends_at": at(timedelta(days=7, hours=3)), "capacity": 2, "waitlist_size": 2,
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
