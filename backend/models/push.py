"""Web Push subscriptions with their preferences, the notifications we send, and each delivery.

A Delivery row is unique per (notification, subscription) and is claimed (queued -> sending) before
it is sent, so each is sent at most once even with two workers or a restart in the middle of a batch.
"""
from datetime import datetime, timedelta

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, JSONField, utcnow
from .people import Staff, Youth

LEAD_TIMES = {"day": 1440, "hour": 60, "quarter": 15, "start": 0}   # minutes before the start


class PushSubscription(BaseModel):
    """One browser's push endpoint, who it belongs to, and what they want to be reminded of."""
    endpoint = CharField(max_length=1000, unique=True)
    p256dh = CharField(max_length=200)
    auth = CharField(max_length=64)
    youth = ForeignKeyField(Youth, null=True, backref="push_subscriptions", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="push_subscriptions", on_delete="CASCADE")
    lang = CharField(max_length=5, default="en")
    remind_day = BooleanField(default=False)
    remind_hour = BooleanField(default=True)
    remind_quarter = BooleanField(default=True)
    remind_start = BooleanField(default=False)
    posts = BooleanField(default=True)
    meetups = BooleanField(default=True)
    quiet_from = IntegerField(default=21 * 60)     # minutes after midnight, city time
    quiet_until = IntegerField(default=8 * 60)
    last_success_at = DateTimeField(null=True)

    def preferences(self) -> dict:
        return {"lead_times": [name for name in LEAD_TIMES if getattr(self, f"remind_{name}")],
                "posts": self.posts, "meetups": self.meetups,
                "quiet_hours": {"from": _hhmm(self.quiet_from), "until": _hhmm(self.quiet_until)}}

    def set_preferences(self, lead_times=None, posts=None, meetups=None, quiet_hours=None):
        if lead_times is not None:
            for name in LEAD_TIMES:
                setattr(self, f"remind_{name}", name in lead_times)
        if posts is not None:
            self.posts = posts
        if meetups is not None:
            self.meetups = meetups
        if quiet_hours is not None:
            self.quiet_from, self.quiet_until = _minutes(quiet_hours["from"]), _minutes(quiet_hours["until"])

    def quiet_until_after(self, local: datetime) -> datetime | None:
        """If `local` (city time) falls in this subscription's quiet hours, when they end; else None."""
        return quiet_hours_end(self.quiet_from, self.quiet_until, local)

    @classmethod
    def owned_by(cls, user):
        """The subscriptions of a youth or a staff member."""
        column = cls.youth if getattr(user, "is_youth", False) else cls.staff
        return cls.select().where(column == user.id)

    @classmethod
    def for_lead_time(cls, lead: str):
        return cls.select().where(getattr(cls, f"remind_{lead}") == True)  # noqa: E712


def quiet_hours_end(start: int, end: int, local: datetime) -> datetime | None:
    """When quiet hours from `start` to `end` (minutes after midnight) end, if `local` is inside them."""
    minute = local.hour * 60 + local.minute
    if start == end:
        return None
    quiet = (start <= minute < end) if start < end else (minute >= start or minute < end)
    if not quiet:
        return None
    ends = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    return ends if ends > local else ends + timedelta(days=1)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


class Notification(BaseModel):
    """One generic message to many subscriptions (e.g. 'Monday chat opens in 15 minutes')."""
    kind = CharField(max_length=30, index=True)        # session | post | meetup | test
    key = CharField(max_length=120, unique=True)       # dedupes scheduling, e.g. "session:12:quarter"
    ref = IntegerField(null=True)                      # the session, post or meetup id
    message = CharField(max_length=60)                 # i18n key of the text, e.g. "push.session_quarter"
    params = JSONField(null=True)                      # values for the text, e.g. {"time": "16:00"}
    url = CharField(max_length=200, default="/")
    topic = CharField(max_length=32, null=True)        # a newer message with the same topic replaces it
    urgency = CharField(max_length=10, default="normal")
    expires_at = DateTimeField()                       # TTL: not worth showing after this
    respects_quiet_hours = BooleanField(default=True)

    class Meta:
        indexes = ((("kind", "ref"), False),)

    def counts(self) -> dict:
        return Delivery.counts(Delivery.notification == self.id)


class Delivery(BaseModel):
    """One notification to one subscription: queued -> sending -> sent | gone | failed | dropped."""
    QUEUED, SENDING, SENT, GONE, FAILED, DROPPED = "queued", "sending", "sent", "gone", "failed", "dropped"

    notification = ForeignKeyField(Notification, backref="deliveries", on_delete="CASCADE")
    subscription = ForeignKeyField(PushSubscription, null=True, backref="deliveries", on_delete="SET NULL")
    status = CharField(max_length=12, default=QUEUED)
    due_at = DateTimeField(default=utcnow)
    attempts = IntegerField(default=0)
    last_status = IntegerField(null=True)
    claimed_by = CharField(max_length=40, null=True, index=True)
    claimed_at = DateTimeField(null=True)
    sent_at = DateTimeField(null=True)
    error = TextField(null=True)

    class Meta:
        indexes = ((("notification", "subscription"), True), (("status", "due_at"), False))

    @classmethod
    def counts(cls, *where) -> dict:
        """{status: number} for the deliveries matching `where`."""
        query = cls.select(cls.status, fn.COUNT(cls.id).alias("n")).group_by(cls.status)
        query = query.where(*where) if where else query
        return {row.status: row.n for row in query}
