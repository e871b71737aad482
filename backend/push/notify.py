"""Push notifications other features send. Call these after your transaction has committed.

    notify_followers_of_post(post)                 a new post: youth following its sector or author
    notify_meetup(meetup, kind, youth_ids)         kind: "promoted" (off the waitlist), "cancelled",
                                                   "changed", "message" (from the organiser), or a lead time ("day", "hour",
                                                   "quarter", "start") for reminders
    notify_session_reminder(session, lead)         the chat reminder; the scheduler calls it for you
    notify_test(subscription)                      "Send me a test notification"

Each returns the Notification (or None when that notification already exists or nobody wants it),
creates one Delivery per subscription that opted in, and starts delivery in the background worker.
Only subscriptions whose preferences allow it are targeted; quiet hours are applied at send time.
`now` (UTC, naive) is for tests that drive the clock.
"""
import uuid
from datetime import timedelta

from peewee import IntegrityError

from ..clock import city_time
from ..db import db
from ..models.base import utcnow
from ..models.feed import Follow
from ..models.push import LEAD_TIMES, Notification, PushSubscription
from ..tasks import huey, run_job
from .delivery import enqueue

POST_TTL = timedelta(days=2)
CHANGE_TTL = timedelta(days=3)


def _create(audience, now, start=True, **fields):
    """Create the notification (unique key) and queue it for `audience`; None if it already exists."""
    try:
        with db.atomic():
            note = Notification.create(created_at=now, **fields)
    except IntegrityError:
        return None
    queued = enqueue(note, audience, now)
    if queued and start:
        start_delivery(now)
    return note


def start_delivery(now=None):
    """Ask the background worker to send what is due (runs at once in tests)."""
    run_job("push.deliver", now if huey.immediate else None)   # a worker uses its own clock


def notify_session_reminder(session, lead: str, now=None):
    """Remind everyone who chose `lead` ("day", "hour", "quarter", "start") of a chat session."""
    now = now or utcnow()
    starts = session.starts_at
    return _create(
        PushSubscription.for_lead_time(lead), now,
        kind="session", key=f"session:{session.id}:{lead}", ref=session.id,
        message=f"push.notify_session_{lead}", params={"time": city_time(starts).strftime("%H:%M")},
        url=f"/chat/{session.id}", topic=f"session-{session.id}",
        urgency="high" if lead in ("start", "quarter") else "normal",
        expires_at=session.ends_at if lead == "start" else starts)


def notify_followers_of_post(post, now=None):
    """Tell the youth who follow the post's sector or its author (and opted in) about a new post."""
    now = now or utcnow()
    follows = Follow.select(Follow.youth).where(Follow.officer == post.author_id)
    if post.sector_id:
        follows = Follow.select(Follow.youth).where(
            (Follow.officer == post.author_id) | (Follow.sector == post.sector_id))
    audience = PushSubscription.select().where(PushSubscription.posts == True,  # noqa: E712
                                               PushSubscription.youth.in_(follows))
    return _create(audience, now, kind="post", key=f"post:{post.id}", ref=post.id,
                   message="push.notify_post", url=f"/posts/{post.id}", topic="posts", urgency="low",
                   expires_at=now + POST_TTL)


def notify_meetup(meetup, kind: str, youth_ids, now=None):
    """Tell these youth about a meetup: a reminder at a lead time, a waitlist promotion, a change."""
    now = now or utcnow()
    if kind not in LEAD_TIMES and kind not in ("promoted", "cancelled", "changed", "message"):
        raise ValueError(f"unknown meetup notification kind {kind!r}")
    ids = list(youth_ids)
    if not ids:
        return None
    audience = PushSubscription.select().where(PushSubscription.meetups == True,  # noqa: E712
                                               PushSubscription.youth.in_(ids))
    if kind in LEAD_TIMES:
        audience = audience.where(getattr(PushSubscription, f"remind_{kind}") == True)  # noqa: E712
        key, expires = f"meetup:{meetup.id}:{kind}", meetup.starts_at
        if kind == "start":
            expires = meetup.ends_at
    else:
        key, expires = f"meetup:{meetup.id}:{kind}:{uuid.uuid4().hex[:12]}", now + CHANGE_TTL
    return _create(audience, now, kind="meetup", key=key, ref=meetup.id,
                   message=f"push.notify_meetup_{kind}", url=f"/meetups/{meetup.id}",
                   topic=f"meetup-{meetup.id}", urgency="high" if kind in ("start", "quarter") else "normal",
                   expires_at=expires)


def notify_test(subscription, now=None):
    """A test notification to one subscription, through the normal path (ignores quiet hours)."""
    now = now or utcnow()
    audience = PushSubscription.select().where(PushSubscription.id == subscription.id)
    return _create(audience, now, kind="test", key=f"test:{subscription.id}:{uuid.uuid4().hex[:12]}",
                   message="push.notify_test", url="/me", topic="test", urgency="normal",
                   expires_at=now + timedelta(hours=1), respects_quiet_hours=False)
