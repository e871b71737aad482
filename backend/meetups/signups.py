"""Signing up for a meetup: places, the waitlist, offers with a claim window, approvals, cancellation.

Every change to who holds a place happens inside `locked_meetup(id)`: one transaction that locks the
meetup row (SELECT ... FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite), so two sign-ups can
never both take the last place. (meetup, youth) and (meetup, arrival) are unique in the schema too.
Functions take `now` (naive UTC) so tests drive the clock; pushes go out after the commit.
"""
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from ..db import db, is_postgres
from ..errors import ApiError
from ..models import Meetup, Signup
from ..models.meetups import new_ticket
from .times import city_text

log = logging.getLogger(__name__)


@dataclass
class Entry:
    """What a youth gives when signing up: a first name or nickname, age, a guardian when needed."""
    first_name: str
    age: int
    guardian_name: str | None = None
    guardian_phone: str | None = None
    guardian_email: str | None = None


@contextmanager
def locked_meetup(meetup_id):
    """A transaction holding the meetup's lock; yields the (fresh) meetup or answers 404."""
    if is_postgres():
        with db.atomic():
            meetup = Meetup.select().where(Meetup.id == meetup_id).for_update().first()
            yield _found(meetup)
    else:
        with db.atomic("IMMEDIATE"):
            yield _found(Meetup.get_or_none(Meetup.id == meetup_id))


def _found(meetup):
    if meetup is None:
        raise ApiError(404, "not_found", "That meetup doesn't exist (any more).")
    return meetup


def tell(meetup, kind, youth_ids, now):
    """Push to these youth about the meetup (after the commit); a push failure never undoes a change."""
    youth_ids = [y for y in youth_ids if y]
    if not youth_ids:
        return None
    try:
        from ..push.notify import notify_meetup
        return notify_meetup(meetup, kind, youth_ids, now=now)
    except Exception:   # noqa: BLE001 - delivery problems are the push feature's to report
        log.exception("could not queue the %s push for meetup %s", kind, meetup.id)
        return None


# --- signing up -----------------------------------------------------------------------------------

def refuse_unless_open(meetup, now):
    if meetup.cancelled_at:
        raise ApiError(409, "meetup_cancelled", "This meetup was cancelled.")
    if meetup.signup_opens_at and now < meetup.signup_opens_at:
        raise ApiError(409, "signup_not_open",
                       f"Sign-up opens {city_text(meetup.signup_opens_at)}. Come back then.")
    if not meetup.signup_window_open(now):
        raise ApiError(409, "signup_closed", "Sign-up for this meetup has closed.")


def refuse_wrong_age(meetup, age):
    if not meetup.min_age <= age <= meetup.max_age:
        raise ApiError(422, "age_out_of_range",
                       f"This meetup is for ages {meetup.min_age}-{meetup.max_age}.",
                       {"age": f"must be between {meetup.min_age} and {meetup.max_age}"})


def refuse_missing_consent(meetup, entry: Entry):
    """A guardian's name and phone or e-mail when consent is needed; nothing about them otherwise."""
    given = [entry.guardian_name, entry.guardian_phone, entry.guardian_email]
    if not meetup.consent_required:
        if any(given):
            raise ApiError(422, "guardian_not_needed", "This meetup doesn't need a guardian's details.",
                           {"guardian_name": "is not needed for this meetup"})
        return
    fields = {}
    if not entry.guardian_name:
        fields["guardian_name"] = "is needed: this meetup needs a guardian's consent"
    if not (entry.guardian_phone or entry.guardian_email):
        fields["guardian_phone"] = "give a phone number or an e-mail address"
    if fields:
        raise ApiError(422, "consent_needed",
                       "This meetup needs a guardian's consent: give their name and phone or e-mail.", fields)


def place_for_newcomer(meetup) -> str:
    """The status a new sign-up gets, or a refusal when the meetup and its waitlist are full."""
    if meetup.approval_required:
        if meetup.signups_in(*Signup.ACTIVE).count() < meetup.capacity + meetup.waitlist_size:
            return Signup.PENDING
    else:
        waiting = meetup.signups_in(Signup.WAITLISTED).count()
        if meetup.places_taken() < meetup.capacity and waiting == 0:
            return Signup.CONFIRMED
        if waiting < meetup.waitlist_size:
            return Signup.WAITLISTED
    raise ApiError(409, "full", "This meetup and its waitlist are full.")


def sign_up(meetup_id, youth_id, entry: Entry, now) -> Signup:
    """Sign a youth up: confirmed, waitlisted or pending approval, decided under the meetup's lock."""
    with locked_meetup(meetup_id) as meetup:
        refuse_unless_open(meetup, now)
        refuse_wrong_age(meetup, entry.age)
        refuse_missing_consent(meetup, entry)
        signup = Signup.of(meetup.id, youth_id)
        if signup is not None and signup.active:
            raise ApiError(409, "already_signed_up", "You are already signed up for this meetup.")
        if signup is not None and signup.status == Signup.DECLINED:
            raise ApiError(409, "declined", "The organiser couldn't take your sign-up for this meetup.")
        status = place_for_newcomer(meetup)
        signup = signup or Signup(meetup=meetup.id, youth=youth_id)
        signup.status, signup.arrival, signup.ticket = status, Signup.next_arrival(meetup.id), new_ticket()
        signup.first_name, signup.age = entry.first_name, entry.age
        signup.guardian_name, signup.guardian_phone = entry.guardian_name, entry.guardian_phone
        signup.guardian_email, signup.claim_by, signup.checked_in_at = entry.guardian_email, None, None
        signup.created_at = signup.updated_at = now
        signup.save(force_insert=signup.id is None)
    return signup


# --- freeing places and the waitlist ----------------------------------------------------------------

def offer_free_places(meetup, now) -> list:
    """Inside the lock: offer each free place to the first in line; returns the promoted sign-ups."""
    if meetup.cancelled_at or now >= meetup.starts_at:
        return []
    free = meetup.capacity - meetup.places_taken()
    promoted = []
    if free <= 0:
        return promoted
    claim_by = min(now + timedelta(hours=meetup.claim_window_hours), meetup.starts_at)
    for signup in meetup.waitlist().limit(free):
        signup.status, signup.claim_by, signup.updated_at = Signup.OFFERED, claim_by, now
        signup.save()
        promoted.append(signup)
    return promoted


def leave(signup, now, status=Signup.CANCELLED):
    """A sign-up that no longer counts; what we knew about the youth goes with it."""
    signup.status, signup.claim_by, signup.updated_at = status, None, now
    signup.first_name = None
    signup.forget_guardian()
    signup.save()


def cancel_signup(meetup_id, youth_id, now) -> list:
    """The youth cancels; a freed place is offered to the first in line. Returns who was promoted."""
    with locked_meetup(meetup_id) as meetup:
        signup = Signup.of(meetup.id, youth_id)
        if signup is None or not signup.active:
            raise ApiError(404, "not_signed_up", "You are not signed up for this meetup.")
        leave(signup, now)
        promoted = offer_free_places(meetup, now)
    tell(meetup, "promoted", [s.youth_id for s in promoted], now)
    return promoted


def claim_offer(meetup_id, youth_id, now) -> Signup:
    """Take the place offered from the waitlist, before `claim_by`."""
    with locked_meetup(meetup_id) as meetup:
        signup = Signup.of(meetup.id, youth_id)
        if signup is None or signup.status != Signup.OFFERED:
            raise ApiError(409, "no_offer", "There is no place waiting for you to claim at this meetup.")
        if signup.claim_by <= now:
            raise ApiError(409, "offer_expired", "The time to claim this place has passed.")
        signup.status, signup.claim_by, signup.updated_at = Signup.CONFIRMED, None, now
        signup.save()
    return signup


def keep_waitlists_moving(now) -> dict:
    """Expire offers not claimed in time and offer free places to the next in line (periodic job)."""
    expired = {s.meetup_id for s in Signup.offers_expired(now)}
    waiting = {s.meetup_id for s in Signup.select(Signup.meetup).join(Meetup).where(
        Signup.status == Signup.WAITLISTED, Meetup.starts_at > now, Meetup.cancelled_at.is_null())}
    result = {"expired": 0, "promoted": 0}
    for meetup_id in sorted(expired | waiting):
        with locked_meetup(meetup_id) as meetup:
            for signup in Signup.offers_expired(now).where(Signup.meetup == meetup.id):
                leave(signup, now)
                result["expired"] += 1
            promoted = offer_free_places(meetup, now)
        result["promoted"] += len(promoted)
        tell(meetup, "promoted", [s.youth_id for s in promoted], now)
    return result


# --- the organiser's side --------------------------------------------------------------------------

def decide(meetup_id, signup_id, approve: bool, now) -> Signup:
    """Approve a pending sign-up (a place if one is free, else the waitlist) or decline it."""
    with locked_meetup(meetup_id) as meetup:
        signup = Signup.get_or_none(Signup.id == signup_id, Signup.meetup == meetup.id)
        if signup is None or signup.status != Signup.PENDING:
            raise ApiError(409, "not_pending", "That sign-up is not waiting for approval.")
        if not approve:
            leave(signup, now, Signup.DECLINED)
            return signup
        waiting = meetup.signups_in(Signup.WAITLISTED).count()
        free = meetup.places_taken() < meetup.capacity and waiting == 0
        signup.status, signup.updated_at = (Signup.CONFIRMED if free else Signup.WAITLISTED), now
        signup.save()
    if signup.status == Signup.CONFIRMED:
        tell(meetup, "promoted", [signup.youth_id], now)
    return signup


def cancel_meetup(meetup_id, reason, now):
    """Cancel the meetup and tell everyone signed up or waiting."""
    with locked_meetup(meetup_id) as meetup:
        if meetup.cancelled_at:
            raise ApiError(409, "meetup_cancelled", "This meetup is already cancelled.")
        youth_ids = meetup.signed_up_youth_ids()
        meetup.cancelled_at, meetup.cancel_reason, meetup.updated_at = now, reason, now
        meetup.save()
    tell(meetup, "cancelled", youth_ids, now)
    return meetup


def purge_personal_data(now, days) -> int:
    """Meetups that ended `days` ago keep only counts: first names, guardians' details and the link to
    the youth are deleted (status, age and attendance stay for the organiser's figures)."""
    meetups = list(Meetup.ended_before(now - timedelta(days=days)))
    for meetup in meetups:
        with db.atomic():
            Signup.update(first_name=None, guardian_name=None, guardian_phone=None, guardian_email=None,
                          youth=None).where(Signup.meetup == meetup.id).execute()
            Meetup.update(personal_data_purged_at=now).where(Meetup.id == meetup.id).execute()
    return len(meetups)
