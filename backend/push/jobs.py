"""The push feature's background jobs (registered by name in backend/push/__init__.py).

    deliver(now)          "push.deliver": send what is due now; re-schedules itself for retries due soon
    every_minute()        "push.every_minute": finds sessions and meetups coming up and queues their
                          reminders, sends what is due, drops deliveries a stopped worker left half-done
    retention()           "push.retention", daily: notifications and deliveries older than 30 days,
                          subscriptions that have not worked for 90 days
"""
import logging
from datetime import timedelta

from ..models.base import utcnow
from ..models.chat import ChatSession
from ..models.meetups import Meetup, Signup
from ..models.push import LEAD_TIMES, Notification, PushSubscription
from ..tasks import huey, schedule_job
from .delivery import deliver_due, drop_stuck, next_due
from .notify import notify_meetup, notify_session_reminder

log = logging.getLogger(__name__)

# how late (minutes) a reminder may still go out if the scheduler was not running at its time
GRACE = {"start": 10, "quarter": 10, "hour": 20, "day": 180}
RETENTION = timedelta(days=30)
UNUSED_SUBSCRIPTION = timedelta(days=90)
SOON = timedelta(minutes=2)


def current_lead(starts_at, now):
    """The lead time whose moment has most recently passed, if it passed at most GRACE ago."""
    for name, minutes in sorted(LEAD_TIMES.items(), key=lambda item: item[1]):
        due = starts_at - timedelta(minutes=minutes)
        if due <= now:
            return name if now - due <= timedelta(minutes=GRACE[name]) else None
    return None


def schedule_reminders(now=None) -> list:
    """Queue the session and meetup reminders due at `now`; returns the notifications created."""
    now = now or utcnow()
    window = (ChatSession.starts_at > now - timedelta(minutes=GRACE["start"] + 1)) & \
             (ChatSession.starts_at <= now + timedelta(days=1, minutes=1))
    created = []
    for session in list(ChatSession.select().where(window, ChatSession.closed_at.is_null())):
        lead = current_lead(session.starts_at, now)
        if lead and (note := notify_session_reminder(session, lead, now)):
            created.append(note)
    meetups = Meetup.select().where(Meetup.starts_at > now - timedelta(minutes=GRACE["start"] + 1),
                                    Meetup.starts_at <= now + timedelta(days=1, minutes=1),
                                    Meetup.cancelled_at.is_null())
    for meetup in list(meetups):
        lead = current_lead(meetup.starts_at, now)
        if lead is None or Notification.get_or_none(Notification.key == f"meetup:{meetup.id}:{lead}"):
            continue
        youth = [s.youth_id for s in meetup.signups.where(Signup.status == Signup.CONFIRMED,
                                                          Signup.youth.is_null(False))]
        if note := notify_meetup(meetup, lead, youth, now):
            created.append(note)
    return created


def purge_old(now=None) -> tuple[int, int]:
    """Retention: old notifications (their deliveries go with them) and long-dead subscriptions."""
    now = now or utcnow()
    notes = Notification.delete().where(Notification.created_at < now - RETENTION).execute()
    unused = now - UNUSED_SUBSCRIPTION
    subs = PushSubscription.delete().where(
        PushSubscription.created_at < unused,
        PushSubscription.last_success_at.is_null() | (PushSubscription.last_success_at < unused)).execute()
    return notes, subs


def deliver(now=None):
    """Send what is due; when a retry is due within two minutes, run again then."""
    totals = deliver_due(now)
    if now is None and not huey.immediate:
        upcoming = next_due()
        if upcoming is not None and upcoming - utcnow() <= SOON:
            schedule_job("push.deliver", max(1.0, (upcoming - utcnow()).total_seconds()))
    if totals:
        log.info("push delivery: %s", dict(totals))
    return dict(totals)


def every_minute():
    now = utcnow()
    dropped = drop_stuck(now)
    if dropped:
        log.warning("push: %s deliveries left half-done by a stopped worker were dropped", dropped)
    schedule_reminders(now)
    deliver_due(now)


def retention():
    notes, subs = purge_old()
    log.info("push retention: %s notifications, %s unused subscriptions deleted", notes, subs)
