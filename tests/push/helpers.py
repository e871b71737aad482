"""Shared pieces for the push tests: sessions ahead of the clock and subscribing through the API."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from backend.models import ChatSession

HELSINKI = ZoneInfo("Europe/Helsinki")


def subscribe(api, push_service, **preferences):
    """Subscribe a simulated browser through the API, as the PWA does; returns the subscription dict."""
    key = api.get("/api/push/key").json["key"]
    browser = push_service.subscribe(application_server_key=key)
    body = dict(browser, lang="en")
    if preferences:
        body["preferences"] = preferences
    response = api.post("/api/push/subscriptions", body)
    assert response.status_code == 201, response.json
    return browser


def next_monday(hour=16, minute=0) -> datetime:
    """The Monday after the next one at hh:mm Helsinki time, as naive UTC: always ahead of the real clock."""
    today = datetime.now(HELSINKI).date()
    monday = today + timedelta(days=7 + (7 - today.weekday()) % 7)
    return datetime.combine(monday, time(hour, minute), HELSINKI).astimezone(timezone.utc).replace(tzinfo=None)


def monday_session(starts_utc=None, minutes=120, title="Monday chat"):
    """A session from 16:00 Helsinki time on a Monday ahead of the real clock (or at `starts_utc`)."""
    starts_utc = starts_utc or next_monday()
    return ChatSession.create(title=title, starts_at=starts_utc, ends_at=starts_utc + timedelta(minutes=minutes))
