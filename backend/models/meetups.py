"""Real-life meetups at youth centres and summer camps, the sign-ups for them, and calendar feeds.

Places are held by confirmed sign-ups and by offers (a waitlisted youth promoted into a freed place,
who has until `claim_by` to take it). The waitlist is ordered by `arrival`, a per-meetup counter
assigned while the meetup row is locked (see backend/meetups/signups.py).
"""
import secrets

from peewee import (
    JOIN,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import BaseModel, utcnow
from .people import Staff, Youth
from .places import Sector, YouthCentre

TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"   # no 0/O, 1/I: easy to read out and type


def new_ticket() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _ in range(8))


class Meetup(BaseModel):
    KINDS = ("youth_centre_evening", "summer_camp", "sports", "info_night", "other")
    LANGUAGES = ("fi", "sv", "en", "da", "uk", "se", "ru", "so", "ar", "et")

    organiser = ForeignKeyField(Staff, null=True, backref="meetups", on_delete="SET NULL")
    youth_centre = ForeignKeyField(YouthCentre, null=True, backref="meetups", on_delete="SET NULL")
    sector = ForeignKeyField(Sector, null=True, backref="meetups", on_delete="SET NULL")
    title = CharField(max_length=140)
    description = TextField(default="")
    kind = CharField(max_length=30, index=True)
    venue_name = CharField(max_length=160)
    venue_address = CharField(max_length=240, null=True)
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
    starts_at = DateTimeField(index=True)     # UTC
    ends_at = DateTimeField(index=True)
    capacity = IntegerField()
    waitlist_size = IntegerField(default=0)
    min_age = IntegerField(default=12)
    max_age = IntegerField(default=18)
    signup_opens_at = DateTimeField(null=True)
    signup_closes_at = DateTimeField(null=True)
    consent_required = BooleanField(default=False)
    approval_required = BooleanField(default=False)
    claim_window_hours = IntegerField(default=24)
    languages = CharField(max_length=60, default="fi")
    cancelled_at = DateTimeField(null=True)
    cancel_reason = CharField(max_length=300, null=True)
    updated_at = DateTimeField(null=True)
    personal_data_purged_at = DateTimeField(null=True)

    @property
    def language_list(self):
        return [code for code in (self.languages or "").split(",") if code]

    def officers(self):
        return (Staff.select().join(MeetupOfficer, on=(MeetupOfficer.officer == Staff.id))
                .where(MeetupOfficer.meetup == self.id).order_by(Staff.name))

    def signups_in(self, *statuses):
        return Signup.select().where(Signup.meetup == self.id, Signup.status.in_(statuses))

    def places_taken(self) -> int:
        return self.signups_in(*Signup.HOLDS_PLACE).count()

    def waitlist(self):
        """Waitlisted sign-ups, first in line first."""
        return self.signups_in(Signup.WAITLISTED).order_by(Signup.arrival)

    def signed_up_youth_ids(self, statuses=None) -> list:
        statuses = statuses or Signup.ACTIVE
        return [row.youth_id for row in self.signups_in(*statuses).where(Signup.youth.is_null(False))]

    def signup_window_open(self, now) -> bool:
        opens = self.signup_opens_at is None or self.signup_opens_at <= now
        closes = self.signup_closes_at or self.starts_at
        return opens and now < closes

    def can_be_managed_by(self, staff) -> bool:
        """Admins manage every meetup; organisers those they created or of their youth centre."""
        if staff is None or not staff.can_act_as(Staff.ORGANISER, Staff.ADMIN):
            return False
        if staff.role == Staff.ADMIN:
            return True
        return self.organiser_id == staff.id or (
            self.youth_centre_id is not None and self.youth_centre_id == staff.youth_centre_id)

    @classmethod
    def upcoming(cls, now, sector=None, kind=None, age=None):
        """Meetups that have not ended and are not cancelled, soonest first; filters are optional."""
        query = (cls.select(cls, Sector).join(Sector, JOIN.LEFT_OUTER, on=(cls.sector == Sector.id))
                 .where(cls.ends_at > now, cls.cancelled_at.is_null()))
        if sector is not None:
            query = query.where(cls.sector == sector)
        if kind is not None:
            query = query.where(cls.kind == kind)
        if age is not None:
            query = query.where(cls.min_age <= age, cls.max_age >= age)
        return query.order_by(cls.starts_at, cls.id)

    @classmethod
    def managed_by(cls, staff):
        query = cls.select()
        if staff.role != Staff.ADMIN:
            query = query.where((cls.organiser == staff.id) | (
                (cls.youth_centre == staff.youth_centre_id) & cls.youth_centre.is_null(False)))
        return query

    @classmethod
    def ended_before(cls, moment):
        """Meetups whose personal data is still kept although they ended before `moment`."""
        return cls.select().where(cls.ends_at <= moment, cls.personal_data_purged_at.is_null())

    @staticmethod
    def counts(meetup_ids) -> dict:
        """{meetup_id: {status: n}} for these meetups, in one query."""
        result = {mid: {} for mid in meetup_ids}
        if not meetup_ids:
            return result
        rows = (Signup.select(Signup.meetup, Signup.status, fn.COUNT(Signup.id).alias("n"))
                .where(Signup.meetup.in_(list(meetup_ids))).group_by(Signup.meetup, Signup.status).tuples())
        for meetup_id, status, n in rows:
            result[meetup_id][status] = n
        return result


class MeetupOfficer(BaseModel):
    meetup = ForeignKeyField(Meetup, backref="officer_links", on_delete="CASCADE")
    officer = ForeignKeyField(Staff, backref="meetup_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("meetup", "officer"), True),)


class Signup(BaseModel):
    CONFIRMED, WAITLISTED, PENDING, OFFERED, CANCELLED, DECLINED = (
        "confirmed", "waitlisted", "pending", "offered", "cancelled", "declined")
    HOLDS_PLACE = (CONFIRMED, OFFERED)
    ACTIVE = (CONFIRMED, OFFERED, WAITLISTED, PENDING)

    meetup = ForeignKeyField(Meetup, backref="signups", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="signups", on_delete="CASCADE")
    status = CharField(max_length=12, index=True)
    arrival = IntegerField()                   # order of arrival within the meetup
    first_name = CharField(max_length=60, null=True)
    age = IntegerField()
    guardian_name = CharField(max_length=120, null=True)
    guardian_phone = CharField(max_length=40, null=True)
    guardian_email = CharField(max_length=200, null=True)
    ticket = CharField(max_length=16, default=new_ticket)   # the check-in code; the QR carries it signed
    claim_by = DateTimeField(null=True)
    checked_in_at = DateTimeField(null=True)
    updated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("meetup", "youth"), True), (("meetup", "arrival"), True), (("meetup", "ticket"), True))

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    def waitlist_position(self):
        if self.status != self.WAITLISTED:
            return None
        ahead = Signup.select().where(Signup.meetup == self.meetup_id, Signup.status == self.WAITLISTED,
                                      Signup.arrival < self.arrival).count()
        return ahead + 1

    def forget_guardian(self):
        self.guardian_name = self.guardian_phone = self.guardian_email = None

    @classmethod
    def of(cls, meetup_id, youth_id):
        return cls.get_or_none(cls.meetup == meetup_id, cls.youth == youth_id)

    @classmethod
    def of_youth(cls, youth_id, statuses=None):
        query = (cls.select(cls, Meetup).join(Meetup)
                 .where(cls.youth == youth_id, cls.status.in_(statuses or cls.ACTIVE)))
        return query.order_by(Meetup.starts_at)

    @classmethod
    def next_arrival(cls, meetup_id) -> int:
        """The next arrival number; only meaningful while the meetup row is locked."""
        return (cls.select(fn.MAX(cls.arrival)).where(cls.meetup == meetup_id).scalar() or 0) + 1

    @classmethod
    def offers_expired(cls, now):
        return cls.select().where(cls.status == cls.OFFERED, cls.claim_by <= now)


class MeetupMessage(BaseModel):
    """An organiser's message to everyone signed up; shown on the meetup page, announced by push."""
    meetup = ForeignKeyField(Meetup, backref="messages", on_delete="CASCADE")
    author = ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    text = TextField()


class CalendarFeed(BaseModel):
    """A youth's private calendar feed: whoever knows the token sees their meetups and the chat."""
    youth = ForeignKeyField(Youth, unique=True, backref="calendar_feeds", on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)

    @classmethod
    def for_youth(cls, youth_id, reset=False):
        feed = cls.get_or_none(cls.youth == youth_id)
        if feed is None:
            return cls.create(youth=youth_id, token=secrets.token_urlsafe(24))
        if reset:
            feed.token = secrets.token_urlsafe(24)
            feed.created_at = utcnow()
            feed.save()
        return feed
