"""Delivering notifications: queue one Delivery per subscription, claim a batch, send it, record it.

At most once: a delivery is claimed (queued -> sending, in one UPDATE guarded by its status, with
SKIP LOCKED on PostgreSQL) before its message is sent, and is never put back unless the push
service answered that it did not take the message (429, 5xx, no answer). A worker that stops in the
middle of a batch leaves rows in `sending`; `drop_stuck` marks them dropped rather than risk a repeat.
"""
import logging
import os
import threading
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from peewee import JOIN, Value

from ..clock import city_time
from ..db import db, is_postgres
from ..models.base import utcnow
from ..models.push import Delivery, Notification, PushSubscription, quiet_hours_end
from .sender import OutgoingPush, PushSender, VapidKeys
from .texts import render_payload

log = logging.getLogger(__name__)
UTC = ZoneInfo("UTC")

BATCH = 500
MAX_ATTEMPTS = 8
BACKOFF_FIRST, BACKOFF_MAX = 30, 3600          # seconds, doubling per attempt
RETRY_AFTER_MAX = 3600
STUCK_AFTER = timedelta(minutes=10)


_setup = threading.Lock()


def vapid_keys(app=None):
    app = app or current_app
    with _setup:
        if "push_vapid_keys" not in app.extensions:
            app.extensions["push_vapid_keys"] = VapidKeys.load(app.config["INSTANCE_PATH"],
                                                               app.config.get("VAPID_PRIVATE_KEY"))
        return app.extensions["push_vapid_keys"]


def vapid_subject(app=None):
    app = app or current_app
    public = app.config.get("PUBLIC_URL", "")
    return app.config.get("VAPID_SUBJECT") or (public if public.startswith("https://") else
                                           "mailto:push@tuttu.invalid")


def sender(app=None) -> PushSender:
    """This process's sender (one per app: its connection pools and cached VAPID signatures)."""
    app = app or current_app
    keys = vapid_keys(app)
    with _setup:
        if "push_sender" not in app.extensions:
            app.extensions["push_sender"] = PushSender(
                keys, vapid_subject(app), concurrency=app.config.get("PUSH_CONCURRENCY", 32),
                timeout=app.config.get("PUSH_TIMEOUT", 10.0),
                allow_loopback=app.config.get("PUSH_ALLOW_LOOPBACK", False))
        return app.extensions["push_sender"]


def enqueue(notification: Notification, audience, now=None) -> int:
    """Queue `notification` for every subscription in `audience` (a PushSubscription query)."""
    now = now or utcnow()
    rows = audience.select(Value(notification.id), PushSubscription.id, Value(Delivery.QUEUED),
                           Value(now), Value(0), Value(now))
    fields = [Delivery.notification, Delivery.subscription, Delivery.status, Delivery.due_at,
              Delivery.attempts, Delivery.created_at]   # every NOT NULL column: no python defaults here
    with db.atomic():
        Delivery.insert_from(rows, fields).on_conflict_ignore().execute()
    return Delivery.select().where(Delivery.notification == notification.id).count()


@dataclass
class Claimed:
    """A delivery this worker has claimed, with what sending it needs (no ORM objects per row)."""
    id: int
    attempts: int
    notification: Notification
    subscription_id: int | None
    endpoint: str | None
    p256dh: str | None
    auth: str | None
    lang: str | None
    quiet_from: int | None
    quiet_until: int | None


def claim(now, worker="worker", limit=BATCH) -> list[Claimed]:
    """Atomically take up to `limit` due deliveries for this worker (queued -> sending)."""
    token = f"{worker}:{uuid.uuid4().hex[:12]}"
    due = (Delivery.select(Delivery.id)
           .where(Delivery.status == Delivery.QUEUED, Delivery.due_at <= now)
           .order_by(Delivery.due_at, Delivery.id).limit(limit))
    if is_postgres():
        due = due.for_update("FOR UPDATE SKIP LOCKED")
    with db.atomic():
        (Delivery.update(status=Delivery.SENDING, claimed_by=token, claimed_at=now)
         .where(Delivery.id.in_(due), Delivery.status == Delivery.QUEUED).execute())
    S = PushSubscription
    rows = list(Delivery.select(Delivery.id, Delivery.attempts, Delivery.notification, S.id, S.endpoint,
                                S.p256dh, S.auth, S.lang, S.quiet_from, S.quiet_until)
                .join(S, JOIN.LEFT_OUTER)
                .where(Delivery.claimed_by == token, Delivery.status == Delivery.SENDING).tuples())
    notes = {n.id: n for n in Notification.select().where(Notification.id.in_({r[2] for r in rows}))}
    return [Claimed(r[0], r[1], notes[r[2]], *r[3:]) for r in rows]


def prepare(delivery: Claimed, now, local_now, payloads: dict):
    """An OutgoingPush, or ('drop', reason) / ('later', when) when it must not be sent now."""
    note = delivery.notification
    if delivery.subscription_id is None:
        return "drop", "unsubscribed"
    if note.expires_at <= now:
        return "drop", "expired"
    if note.respects_quiet_hours and (ends := quiet_hours_end(delivery.quiet_from, delivery.quiet_until, local_now)):
        ends = ends.astimezone(UTC).replace(tzinfo=None)
        return ("drop", "quiet hours") if ends >= note.expires_at else ("later", ends)
    key = (note.id, delivery.lang)
    if key not in payloads:
        payloads[key] = render_payload(note, delivery.lang)
    return OutgoingPush(delivery.endpoint, delivery.p256dh, delivery.auth, payloads[key],
                        ttl=max(1, int((note.expires_at - now).total_seconds())),
                        urgency=note.urgency, topic=note.topic)


def deliver_batch(deliveries, now, push_sender=None) -> Counter:
    """Send a claimed batch concurrently and record every outcome; returns counts by result."""
    push_sender = push_sender or sender()
    results, to_send, pushes, payloads, local_now = Counter(), [], [], {}, city_time(now)
    for delivery in deliveries:
        prepared = prepare(delivery, now, local_now, payloads)
        if isinstance(prepared, OutgoingPush):
            to_send.append(delivery)
            pushes.append(prepared)
        elif prepared[0] == "later":
            _update([delivery.id], status=Delivery.QUEUED, due_at=prepared[1])
            results["deferred"] += 1
        else:
            _update([delivery.id], status=Delivery.DROPPED, error=prepared[1])
            results["dropped"] += 1
    outcomes = push_sender.send_many(pushes) if pushes else []
    with db.atomic():
        for result, ids in record(to_send, outcomes, now).items():
            results[result] += ids
    return results


def record(deliveries, outcomes, now) -> dict:
    """Store what the push service answered for each delivery; returns {result: count}."""
    sent, gone = [], []
    counts, unanswered, reasons = Counter(), Counter(), Counter()
    for delivery, outcome in zip(deliveries, outcomes):
        attempts = delivery.attempts + 1
        if outcome.status is not None and 200 <= outcome.status < 300:
            sent.append(delivery)
        elif outcome.status in (404, 410):
            gone.append(delivery)
        elif outcome.status == 429 or outcome.status is None or outcome.status >= 500:
            result = _retry_or_fail(delivery, outcome, attempts, now)
            counts[result] += 1
            unanswered[result] += 1
            reasons[outcome.error or f"status {outcome.status}"] += 1
        else:
            log.warning("push refused with %s for delivery %s: %s", outcome.status, delivery.id, outcome.error)
            _update([delivery.id], status=Delivery.FAILED, attempts=attempts, last_status=outcome.status,
                    error=(outcome.error or "")[:200])
            counts["failed"] += 1
    if sent:
        _update([d.id for d in sent], status=Delivery.SENT, sent_at=now, last_status=201,
                attempts=Delivery.attempts + 1)
        (PushSubscription.update(last_success_at=now)
         .where(PushSubscription.id.in_([d.subscription_id for d in sent])).execute())
    if gone:
        _update([d.id for d in gone], status=Delivery.GONE, attempts=Delivery.attempts + 1,
                last_status=410, error="subscription expired or unsubscribed")
        PushSubscription.delete().where(PushSubscription.id.in_([d.subscription_id for d in gone])).execute()
    counts["sent"], counts["gone"] = len(sent), len(gone)
    if unanswered:              # busy or unreachable push service: retried later (or given up), one line a batch
        log.warning("push service did not take %s deliveries (%s): %s to retry, %s given up",
                    sum(unanswered.values()), ", ".join(f"{k} x{n}" for k, n in reasons.most_common()),
                    unanswered["retry"], unanswered["failed"])
    return counts


def _retry_or_fail(delivery, outcome, attempts, now) -> str:
    if outcome.status == 429:
        wait = min(outcome.retry_after if outcome.retry_after is not None else 60, RETRY_AFTER_MAX)
    else:
        wait = min(BACKOFF_FIRST * 2 ** (attempts - 1), BACKOFF_MAX)
    due = now + timedelta(seconds=wait)
    error = outcome.error or f"status {outcome.status}"
    if attempts >= MAX_ATTEMPTS or due >= delivery.notification.expires_at:
        _update([delivery.id], status=Delivery.FAILED, attempts=attempts, last_status=outcome.status,
                error=f"gave up: {error}"[:200])
        return "failed"
    _update([delivery.id], status=Delivery.QUEUED, due_at=due, attempts=attempts,
            last_status=outcome.status, error=error[:200])
    return "retry"


def _update(ids, **values):
    for start in range(0, len(ids), 900):          # stay under SQLite's bound-parameter limit
        Delivery.update(**values).where(Delivery.id.in_(ids[start:start + 900])).execute()


def deliver_due(now=None, worker=None, push_sender=None, batch=BATCH) -> Counter:
    """Send every delivery that is due at `now` (default: the current time), batch by batch."""
    worker = worker or f"pid{os.getpid()}"
    totals = Counter()
    while True:
        current = now or utcnow()
        deliveries = claim(current, worker, batch)
        if not deliveries:
            return totals
        totals.update(deliver_batch(deliveries, current, push_sender))


def next_due():
    """When the earliest queued delivery becomes due (None when nothing is queued)."""
    row = (Delivery.select(Delivery.due_at).where(Delivery.status == Delivery.QUEUED)
           .order_by(Delivery.due_at).first())
    return row.due_at if row else None


def drop_stuck(now=None) -> int:
    """Deliveries claimed by a worker that stopped: dropped, never resent (at most once)."""
    now = now or utcnow()
    return (Delivery.update(status=Delivery.DROPPED, error="worker stopped before confirming")
            .where(Delivery.status == Delivery.SENDING, Delivery.claimed_at < now - STUCK_AFTER).execute())
