"""One clock: "now" in UTC, the city's time zone, and the one timestamp format the API sends.

The database stores naive UTC datetimes. Every timestamp a client sees is ISO 8601 in UTC with
milliseconds and a `Z` (`2026-11-30T14:00:00.000Z`), written by `iso()`; the city's local time is for
what people read (push texts, calendars, refusal messages) and for reading times people type.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .config import city_timezone_name


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def city_zone() -> ZoneInfo:
    """The city's time zone: the app's TIMEZONE setting (TUTTU_TIMEZONE outside an app)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or city_timezone_name())


def city_time(value: datetime) -> datetime:
    """A naive UTC datetime as an aware datetime in the city's time zone."""
    return value.replace(tzinfo=timezone.utc).astimezone(city_zone())


def to_utc(value: datetime) -> datetime:
    """A datetime from a request as naive UTC; a naive one is read as city time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=city_zone())
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    """The API's timestamp format: ISO 8601, UTC, milliseconds, `Z` (None stays None)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"
