"""The organiser's meetup form: validation of every field, defaults, and applying it to a meetup."""
from datetime import datetime, timedelta
from typing import Literal

from pydantic import Field

from ..api import Body, Line, Text
from ..clock import city_time, to_utc
from ..errors import ApiError
from ..models import Meetup, MeetupOfficer, Sector, Staff, YouthCentre

Kind = Literal[Meetup.KINDS]
Language = Literal[Meetup.LANGUAGES]
MAX_LENGTH = timedelta(days=21)


class MeetupChanges(Body):
    """Every field of a meetup; on PATCH only those given change."""
    title: Line(140) | None = None
    description: Text(4000, min_length=0) | None = None
    kind: Kind | None = None
    venue_name: Line(160) | None = None
    venue_address: Line(240, min_length=0) | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    sector_id: int | None = Field(default=None, ge=1)
    youth_centre_id: int | None = Field(default=None, ge=1)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=5000)
    waitlist_size: int | None = Field(default=None, ge=0, le=5000)
    min_age: int | None = Field(default=None, ge=10, le=25)
    max_age: int | None = Field(default=None, ge=10, le=25)
    signup_opens_at: datetime | None = None
    signup_closes_at: datetime | None = None
    consent_required: bool | None = None
    approval_required: bool | None = None
    claim_window_hours: int | None = Field(default=None, ge=1, le=168)
    officer_ids: list[int] | None = Field(default=None, max_length=20)
    languages: list[Language] | None = Field(default=None, min_length=1, max_length=6)


class NewMeetup(MeetupChanges):
    title: Line(140)
    kind: Kind
    venue_name: Line(160)
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(ge=1, le=5000)


SIMPLE = ("title", "description", "kind", "venue_name", "venue_address", "latitude", "longitude", "capacity",
          "waitlist_size", "min_age", "max_age", "approval_required", "claim_window_hours", "consent_required")
NULLABLE = ("venue_address", "latitude", "longitude")
TIMES = ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at")


def is_overnight(starts_at, ends_at) -> bool:
    """Does it span a night in city time?"""
    return city_time(starts_at).date() != city_time(ends_at - timedelta(seconds=1)).date()


def apply(meetup: Meetup, body: MeetupChanges, staff, creating: bool):
    """Set the given fields on `meetup` (not saved) and check the whole; returns officer ids or None."""
    given = body.model_dump(exclude_unset=True)
    for name in SIMPLE:
        if name in given and (given[name] is not None or name in NULLABLE):
            setattr(meetup, name, None if name in NULLABLE and given[name] == "" else given[name])
    for name in TIMES:
        if name in given:
            setattr(meetup, name, to_utc(given[name]) if given[name] is not None else None)
    if given.get("languages"):
        meetup.languages = ",".join(dict.fromkeys(given["languages"]))
    place(meetup, given, staff, creating)
    if creating and given.get("consent_required") is None:
        meetup.consent_required = meetup.kind == "summer_camp" or is_overnight(meetup.starts_at, meetup.ends_at)
    check_whole(meetup)
    return check_officers(given["officer_ids"]) if given.get("officer_ids") is not None else None


def place(meetup, given, staff, creating):
    """The youth centre (an organiser's own; an admin's choice) and the sector (default: the centre's). A retired
    centre takes no new meetup; one already there keeps it."""
    if "youth_centre_id" in given and given["youth_centre_id"] is not None:
        if staff.role != Staff.ADMIN and given["youth_centre_id"] != staff.youth_centre_id:
            raise ApiError(403, "other_centre", "You can only announce meetups of your own youth centre.")
        centre = YouthCentre.get_or_none(YouthCentre.id == given["youth_centre_id"]) or _unknown("youth_centre_id")
        if centre.id != meetup.youth_centre_id and centre.is_retired:
            raise ApiError(422, "invalid", "Some fields need attention.",
                           {"youth_centre_id": "this youth centre is no longer in use: choose one that is"})
        meetup.youth_centre = centre
    elif creating and staff.youth_centre_id:
        if staff.youth_centre.is_retired:
            raise ApiError(403, "centre_retired", "Your youth centre is no longer in use. Ask your admin to link "
                                                  "your account to the centre you work at now.")
        meetup.youth_centre = staff.youth_centre_id
    if "sector_id" in given and given["sector_id"] is not None:
        meetup.sector = Sector.get_or_none(Sector.id == given["sector_id"]) or _unknown("sector_id")
    elif creating and meetup.youth_centre_id:
        meetup.sector = YouthCentre.get_by_id(meetup.youth_centre_id).sector_id


def _unknown(name):
    raise ApiError(422, "invalid", "Some fields need attention.", {name: "does not exist"})


def check_whole(meetup):
    fields = {}
    if meetup.ends_at <= meetup.starts_at:
        fields["ends_at"] = "must be after the start"
    elif meetup.ends_at - meetup.starts_at > MAX_LENGTH:
        fields["ends_at"] = "a meetup can last at most 21 days"
    if meetup.min_age > meetup.max_age:
        fields["max_age"] = "must be at least the minimum age"
    if meetup.signup_closes_at and meetup.signup_closes_at > meetup.ends_at:
        fields["signup_closes_at"] = "must be before the meetup ends"
    if meetup.signup_opens_at and meetup.signup_opens_at >= (meetup.signup_closes_at or meetup.starts_at):
        fields["signup_opens_at"] = "must be before sign-up closes"
    if fields:
        raise ApiError(422, "invalid", "Some fields need attention.", fields)


def check_officers(officer_ids) -> list:
    ids = list(dict.fromkeys(officer_ids))
    found = {s.id for s in Staff.active_staff().where(Staff.id.in_(ids), Staff.role == Staff.OFFICER,
                                                      Staff.verified_at.is_null(False))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ApiError(422, "invalid", "Some fields need attention.",
                       {"officer_ids": f"not verified officers: {', '.join(map(str, missing))}"})
    return ids


def set_officers(meetup, officer_ids):
    MeetupOfficer.delete().where(MeetupOfficer.meetup == meetup.id,
                                 MeetupOfficer.officer.not_in(officer_ids or [0])).execute()
    have = {link.officer_id for link in meetup.officer_links}
    for officer_id in officer_ids:
        if officer_id not in have:
            MeetupOfficer.create(meetup=meetup.id, officer=officer_id)
