"""Real-life meetups at youth centres and summer camps, and the sign-ups for them."""
from peewee import (BooleanField, CharField, DateTimeField, FloatField, ForeignKeyField, IntegerField, TextField)

from .base import BaseModel
from .people import Staff, Youth
from .places import Sector, YouthCentre


class Meetup(BaseModel):
    KINDS = ("youth_centre_evening", "summer_camp", "sports", "info_night", "other")

    organiser = ForeignKeyField(Staff, null=True, backref="meetups", on_delete="SET NULL")
    youth_centre = ForeignKeyField(YouthCentre, null=True, backref="meetups", on_delete="SET NULL")
    sector = ForeignKeyField(Sector, null=True, backref="meetups", on_delete="SET NULL")
    title = CharField(max_length=140)
    description = TextField(default="")
    kind = CharField(max_length=30)
    venue_name = CharField(max_length=160)
    venue_address = CharField(max_length=240, null=True)
    latitude = FloatField(null=True)
    longitude = FloatField(null=True)
    starts_at = DateTimeField(index=True)     # UTC
    ends_at = DateTimeField()
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
    personal_data_purged_at = DateTimeField(null=True)


class MeetupOfficer(BaseModel):
    meetup = ForeignKeyField(Meetup, backref="officer_links", on_delete="CASCADE")
    officer = ForeignKeyField(Staff, backref="meetup_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("meetup", "officer"), True),)


class Signup(BaseModel):
    CONFIRMED, WAITLISTED, PENDING, OFFERED, CANCELLED, ATTENDED = (
        "confirmed", "waitlisted", "pending", "offered", "cancelled", "attended")

    meetup = ForeignKeyField(Meetup, backref="signups", on_delete="CASCADE")
    youth = ForeignKeyField(Youth, null=True, backref="signups", on_delete="CASCADE")
    status = CharField(max_length=12, index=True)
    arrival = IntegerField()                   # order of arrival within the meetup
    first_name = CharField(max_length=60, null=True)
    age = IntegerField()
    guardian_name = CharField(max_length=120, null=True)
    guardian_contact = CharField(max_length=200, null=True)
    claim_by = DateTimeField(null=True)
    checked_in_at = DateTimeField(null=True)
    updated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("meetup", "youth"), True), (("meetup", "arrival"), True))
