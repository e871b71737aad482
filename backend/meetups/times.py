"""Time for meetups: stored as naive UTC, shown and entered in the city's time zone."""
from datetime import datetime

from ..clock import city_time


def city_text(value: datetime) -> str:
    """'Mon 3 Jun 16:00' in city time, for refusal messages."""
    return city_time(value).strftime("%a %-d %b %H:%M")
