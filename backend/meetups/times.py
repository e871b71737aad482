"""Time for meetups: stored as naive UTC, shown and entered in the city's time zone."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def city_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or "Europe/Helsinki")


def to_utc(value: datetime) -> datetime:
    """A datetime from a request as naive UTC; a naive one is read as city time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=city_zone())
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """Naive UTC as ISO 8601 with its offset, for the API."""
    return None if value is None else value.replace(tzinfo=timezone.utc).isoformat()


def city_time(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(city_zone())


def city_text(value: datetime) -> str:
    """'Mon 3 Jun 16:00' in city time, for refusal messages."""
    return city_time(value).strftime("%a %-d %b %H:%M")
