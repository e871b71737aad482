"""The meetups feature's background jobs (registered by name in backend/meetups/__init__.py).

    move_waitlists(now)          every 5 minutes: offers not claimed in time expire, the next in line
                                 gets the place (and a push)
    forget_meetup_people(now)    daily: first names and guardians' details of meetups that ended
                                 MEETUP_PERSONAL_DATA_DAYS ago (TUTTU_MEETUP_PERSONAL_DATA_DAYS) are deleted
Both can be called directly with an explicit `now` (tests drive the clock).
"""
import logging

from flask import current_app

from ..models import Setting
from ..models.base import utcnow
from ..tasks import in_app_context
from .signups import keep_waitlists_moving, purge_personal_data

log = logging.getLogger(__name__)


@in_app_context
def move_waitlists(now=None) -> dict:
    result = keep_waitlists_moving(now or utcnow())
    if result["expired"] or result["promoted"]:
        log.info("meetup waitlists: %(expired)s offers expired, %(promoted)s promoted", result)
    return result


@in_app_context
def forget_meetup_people(now=None) -> int:
    days = Setting.retention_days("MEETUP_PERSONAL_DATA_DAYS", current_app.config, 14)   # console or env
    purged = purge_personal_data(now or utcnow(), days)
    if purged:
        log.info("meetup retention: personal data of %s meetups deleted", purged)
    return purged

