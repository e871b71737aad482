"""The Monday chat: the weekly schedule, sessions, messages, answers and moderation records."""
from peewee import (BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField)

from .base import BaseModel, JSONField
from .people import Staff, Youth


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
    last_seq = IntegerField(default=0)


class SessionStaff(BaseModel):
    """The staff roster of a session."""
    session = ForeignKeyField(ChatSession, backref="roster", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, backref="session_rosters", on_delete="CASCADE")

    class Meta:
        indexes = ((("session", "staff"), True),)


class ChatMessage(BaseModel):
    """A message with a per-session sequence number; stored before anyone receives it."""
    PUBLISHED, HELD, REJECTED, DELETED = "published", "held", "rejected", "deleted"

    session = ForeignKeyField(ChatSession, backref="messages", on_delete="CASCADE")
    seq = IntegerField()
    cid = CharField(max_length=64)                     # client id: makes a resend idempotent
    channel = CharField(max_length=12, default="public")  # public | staff (backchannel)
    youth = ForeignKeyField(Youth, null=True, backref="chat_messages", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, backref="chat_messages", on_delete="SET NULL")
    text = TextField()
    is_question = BooleanField(default=False)
    state = CharField(max_length=10, index=True)
    hold_reason = CharField(max_length=60, null=True)
    reject_reason = CharField(max_length=200, null=True)
    votes = IntegerField(default=0)
    claimed_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="claimed_messages")
    moderated_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="moderated_messages")
    moderated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("session", "seq"), True), (("session", "cid"), True))


class MeToo(BaseModel):
    message = ForeignKeyField(ChatMessage, backref="metoos", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, backref="metoos", on_delete="CASCADE")

    class Meta:
        indexes = ((("message", "youth"), True),)


class Answer(BaseModel):
    """A staff answer card: yes / no / it depends, a short reason, an optional link."""
    VERDICTS = ("yes", "no", "depends")

    message = ForeignKeyField(ChatMessage, null=True, unique=True, backref="answers", on_delete="SET NULL")
    staff = ForeignKeyField(Staff, null=True, backref="answers", on_delete="SET NULL")
    question = TextField()                    # the question text, copied without any handle
    verdict = CharField(max_length=10)
    reason = TextField()
    link = CharField(max_length=500, null=True)
    topic = CharField(max_length=30, null=True)
    published_at = DateTimeField(null=True, index=True)
    published_by = ForeignKeyField(Staff, null=True, on_delete="SET NULL", backref="published_answers")


class Report(BaseModel):
    message = ForeignKeyField(ChatMessage, backref="reports", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="reports", on_delete="CASCADE")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    reason = CharField(max_length=200)
    resolved_at = DateTimeField(null=True)


class Sanction(BaseModel):
    """Mute, removal or device block of a youth for one session."""
    session = ForeignKeyField(ChatSession, backref="sanctions", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, backref="sanctions", on_delete="CASCADE")
    kind = CharField(max_length=10)           # mute | remove | block
    until = DateTimeField(null=True)
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")


class SafeguardingConcern(BaseModel):
    """A staff-only record that a message raised a safeguarding concern. Never public."""
    message = ForeignKeyField(ChatMessage, null=True, backref="concerns", on_delete="SET NULL")
    staff = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    note = TextField(null=True)
    detail = JSONField(null=True)
