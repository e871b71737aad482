"""The Monday chat: the weekly schedule, sessions, messages, answers and moderation records."""
from datetime import timedelta

from peewee import EXCLUDED, BooleanField, Case, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from ..clock import iso
from ..db import db, is_postgres
from .base import BaseModel, JSONField, utcnow
from .people import Staff, Youth

LOBBY_MINUTES = 15


class ChatSchedule(BaseModel):
    """A weekly slot (city time): by default Monday 16:00-18:00."""
    weekday = IntegerField(default=0)            # 0 = Monday
    starts = CharField(max_length=5, default="16:00")
    minutes = IntegerField(default=120)
    title = CharField(max_length=120, default="Monday chat")
    host = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    active = BooleanField(default=True)


class ChatSession(BaseModel):
    """One chat, from the schedule or one-off. Times are UTC."""
    title = CharField(max_length=120)
    starts_at = DateTimeField(index=True)
    ends_at = DateTimeField()
    schedule = ForeignKeyField(ChatSchedule, null=True, backref="sessions", on_delete="SET NULL")
    host = ForeignKeyField(Staff, null=True, backref="hosted_sessions", on_delete="SET NULL")
    closed_at = DateTimeField(null=True)
    moderation = CharField(max_length=10, default="pre")      # pre | open
    slow_mode_seconds = IntegerField(default=0)
    last_seq = IntegerField(default=0)                         # public stream
    last_staff_seq = IntegerField(default=0)                   # backchannel

    class Meta:
        indexes = ((("schedule", "starts_at"), True),)

    @property
    def lobby_at(self):
        return self.starts_at - timedelta(minutes=LOBBY_MINUTES)

    def state(self, now=None) -> str:
        now = now or utcnow()
        if self.closed_at or now >= self.ends_at:
            return "closed"
        if now >= self.starts_at:
            return "open"
        return "lobby" if now >= self.lobby_at else "scheduled"

    @classmethod
    def upcoming(cls, now=None):
        """Sessions not yet over, soonest first."""
        now = now or utcnow()
        return cls.select().where(cls.closed_at.is_null(), cls.ends_at > now).order_by(cls.starts_at)

    @classmethod
    def next_seq(cls, session_id: int, channel: str = "public") -> int:
        """Take the next sequence number of a stream; call inside the message's transaction."""
        field = cls.last_seq if channel == "public" else cls.last_staff_seq
        cls.update({field: field + 1}).where(cls.id == session_id).execute()
        return cls.select(field).where(cls.id == session_id).scalar()

    def lock(self):
        """Serialise writers of this session (row lock on PostgreSQL; SQLite holds the write lock)."""
        ChatSession.update(last_seq=ChatSession.last_seq).where(ChatSession.id == self.id).execute()


class SessionStaff(BaseModel):
    """The staff roster of a session."""
    session = ForeignKeyField(ChatSession, backref="roster", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="session_rosters", on_delete="CASCADE")

    class Meta:
        indexes = ((("session", "staff"), True),)


class ChatMessage(BaseModel):
    """A message with a per-stream sequence number (none while held); stored before anyone receives it."""
    PUBLISHED, HELD, REJECTED, DELETED = "published", "held", "rejected", "deleted"

    session = ForeignKeyField(ChatSession, backref="messages", on_delete="CASCADE")
    seq = IntegerField(null=True)
    cid = CharField(max_length=64)                     # "<y|s><person id>:<client id>": a resend is idempotent
    channel = CharField(max_length=12, default="public")  # public | staff (backchannel)
    kind = CharField(max_length=10, default="say")     # say | answer
    youth = ForeignKeyField(Youth, null=True, backref="chat_messages", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="chat_messages", on_delete="SET NULL")
    text = TextField()
    is_question = BooleanField(default=False)
    reply_to = ForeignKeyField("self", null=True, backref="replies", on_delete="SET NULL")
    verdict = CharField(max_length=10, null=True)
    link = CharField(max_length=500, null=True)
    state = CharField(max_length=10, index=True)
    hold_reason = CharField(max_length=60, null=True)
    reject_reason = CharField(max_length=200, null=True)
    votes = IntegerField(default=0)
    claimed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="claimed_messages")
    moderated_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="moderated_messages")
    moderated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("session", "channel", "seq"), True), (("session", "cid"), True))

    @classmethod
    def stream(cls, session_id, since=0, channel="public"):
        """What a (re)connecting client missed: published items of a stream after `since`, in order."""
        return (cls.select().where(cls.session == session_id, cls.channel == channel, cls.seq > since,
                                   cls.state == cls.PUBLISHED).order_by(cls.seq))

    @classmethod
    def queue(cls, session_id):
        return (cls.select().where(cls.session == session_id, cls.channel == "public", cls.state == cls.HELD)
                .order_by(cls.created_at, cls.id))

    @classmethod
    def in_session(cls, session_id, id=None, seq=None):
        query = cls.select().where(cls.session == session_id, cls.channel == "public")
        if id is not None:
            return query.where(cls.id == id).first()
        return query.where(cls.seq == seq).first() if seq is not None else None


class MeToo(BaseModel):
    message = ForeignKeyField(ChatMessage, backref="metoos", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, backref="metoos", on_delete="CASCADE")

    class Meta:
        indexes = ((("message", "youth"), True),)


class Answer(BaseModel):
    """A staff answer card: yes / no / it depends, a short reason, an optional link; the archive entry."""
    VERDICTS = ("yes", "no", "depends")
    TOPICS = ("law", "traffic", "online", "safety", "substances", "school", "home", "police", "other")

    # ids, not foreign keys: erasing a youth or purging messages must never take an archived answer along
    message = IntegerField(null=True, unique=True)     # the question's ChatMessage id
    card = IntegerField(null=True)                     # the answer card's ChatMessage id
    session = ForeignKeyField(ChatSession, null=True, on_delete="SET NULL")
    staff = ForeignKeyField(Staff, null=True, backref="answers", on_delete="SET NULL")
    question = TextField()                    # the question text, copied without any handle
    verdict = CharField(max_length=10)
    reason = TextField()
    link = CharField(max_length=500, null=True)
    topic = CharField(max_length=30, null=True)
    published_at = DateTimeField(null=True, index=True)
    published_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="published_answers")

    @classmethod
    def archive(cls):
        return cls.select().where(cls.published_at.is_null(False)).order_by(cls.published_at.desc(), cls.id.desc())

    def public(self) -> dict:
        staff = self.staff
        return {"id": self.id, "question": self.question, "verdict": self.verdict, "reason": self.reason,
                "link": self.link, "topic": self.topic,
                "published_at": iso(self.published_at),
                "staff": {"name": staff.name, "role": staff.role, "title": staff.title} if staff else None}


class Report(BaseModel):
    message = ForeignKeyField(ChatMessage, backref="reports", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="reports", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    reason = CharField(max_length=200)
    resolved_at = DateTimeField(null=True)


class Sanction(BaseModel):
    """Mute, removal or device block of a youth for one session."""
    session = ForeignKeyField(ChatSession, backref="sanctions", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="sanctions", on_delete="CASCADE")
    device = CharField(max_length=64, null=True, index=True)   # hash of the tuttu_device cookie (block)
    kind = CharField(max_length=10)           # mute | remove | block
    until = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    @classmethod
    def barring(cls, session_id, youth_id=None, device=None):
        """The remove/block that keeps this youth or device out of the session, if any."""
        who = cls.youth == youth_id if youth_id else None
        if device:
            who = (cls.device == device) if who is None else (who | (cls.device == device))
        if who is None:
            return None
        return cls.select().where(cls.session == session_id, cls.kind.in_(("remove", "block")), who).first()

    @classmethod
    def muted_until(cls, session_id, youth_id, now=None):
        now = now or utcnow()
        return (cls.select(fn.MAX(cls.until)).where(cls.session == session_id, cls.youth == youth_id,
                                                     cls.kind == "mute", cls.until > now).scalar())


class SafeguardingConcern(BaseModel):
    """A staff-only record that a message raised a safeguarding concern. Never public."""
    message = ForeignKeyField(ChatMessage, null=True, backref="concerns", on_delete="SET NULL")
    session = ForeignKeyField(ChatSession, null=True, on_delete="SET NULL")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    note = TextField(null=True)
    detail = JSONField(null=True)


def write_transaction():
    """A transaction that takes the write lock at once on SQLite (no upgrade deadlocks)."""
    return db.atomic() if is_postgres() else db.atomic(lock_type="IMMEDIATE")


class SessionPresence(BaseModel):
    """How many were connected to a session at most, by role: counts only, nothing that identifies anyone.

    Written by the chat hub (chat/hub.py) when a peak rises, at most every few seconds per room, and once more
    when a room empties. Each process sees the whole session's presence (every node announces its counts), so
    each writes its own view of the peaks and the row keeps the highest any process saw (`record` never
    lowers a value). `distinct_participants` is the number of different young people whose sockets one
    process held while its room was open: a lower bound when a session is spread over processes or a room
    closed and opened again (no youth ids are stored to merge them).
    """
    session = ForeignKeyField(ChatSession, unique=True, backref="presence_peaks", on_delete="CASCADE")
    peak_observers = IntegerField(default=0)
    peak_participants = IntegerField(default=0)
    peak_staff = IntegerField(default=0)
    peak_total = IntegerField(default=0)
    distinct_participants = IntegerField(default=0)
    updated_at = DateTimeField(default=utcnow)

    PEAKS = ("peak_observers", "peak_participants", "peak_staff", "peak_total", "distinct_participants")

    @classmethod
    def record(cls, session_id: int, peaks: dict):
        """Raise the stored peaks of a session to `peaks` where higher (one statement, safe across processes)."""
        values = {name: int(peaks.get(name, 0)) for name in cls.PEAKS}
        now = utcnow()
        update = {getattr(cls, name): Case(None, [(getattr(cls, name) < getattr(EXCLUDED, name), getattr(EXCLUDED, name))],
                                           getattr(cls, name)) for name in cls.PEAKS}
        update[cls.updated_at] = now
        (cls.insert(session=session_id, updated_at=now, **values)
         .on_conflict(conflict_target=[cls.session], update=update).execute())

    @classmethod
    def of(cls, session_id) -> dict:
        row = cls.get_or_none(cls.session == session_id)
        return {name: getattr(row, name) if row else 0 for name in cls.PEAKS}
