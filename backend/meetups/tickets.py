"""Check-in: the QR code carries only a signed opaque token; the typed code is the ticket itself.

token = itsdangerous-signed "<meetup id>.<ticket>"; the ticket is 8 random characters with no
meaning, unique within its meetup. A forged or altered token fails the signature check.
"""
import io

import segno
from flask import current_app
from itsdangerous import BadSignature, Signer

from ..db import db
from ..errors import ApiError
from ..models import Signup
from ..models.meetups import TICKET_ALPHABET

SALT = "tuttu.meetup-checkin"


def _signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=SALT)


def checkin_token(signup) -> str:
    return _signer().sign(f"{signup.meetup_id}.{signup.ticket}").decode()


def qr_svg(signup) -> bytes:
    """The sign-up's check-in QR code as a standalone SVG."""
    out = io.BytesIO()
    segno.make(checkin_token(signup), error="m").save(out, kind="svg", scale=6, border=2,
                                                       title="Check-in code", dark="#111", light="#fff")
    return out.getvalue()


def ticket_from(meetup_id, token=None, code=None) -> str:
    """The ticket named by a scanned token or a typed code; refuses what isn't ours or this meetup's."""
    if token:
        try:
            value = _signer().unsign(token.strip()).decode()
        except BadSignature:
            raise ApiError(422, "bad_code", "That code isn't a Tuttu check-in code.", {"token": "is not valid"}) from None
        owner, _, ticket = value.partition(".")
        if owner != str(meetup_id):
            raise ApiError(409, "other_meetup", "That code is for another meetup.")
        return ticket
    typed = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(typed) != 8 or any(ch not in TICKET_ALPHABET for ch in typed):
        raise ApiError(422, "bad_code", "Type the 8-character code under the QR code.", {"code": "is not valid"})
    return typed


def check_in(meetup, now, token=None, code=None) -> Signup:
    """Mark attendance for a confirmed sign-up of this meetup."""
    if meetup.cancelled_at:
        raise ApiError(409, "meetup_cancelled", "This meetup was cancelled.")
    ticket = ticket_from(meetup.id, token, code)
    with db.atomic():
        signup = Signup.get_or_none(Signup.meetup == meetup.id, Signup.ticket == ticket)
        if signup is None:
            raise ApiError(404, "unknown_code", "No sign-up for this meetup has that code.")
        if signup.status != Signup.CONFIRMED:
            raise ApiError(409, "not_confirmed", f"This sign-up is {signup.status}, not confirmed.")
        if signup.checked_in_at:
            raise ApiError(409, "already_checked_in", f"{signup.first_name or 'This person'} is already checked in.")
        updated = (Signup.update(checked_in_at=now, updated_at=now)
                   .where(Signup.id == signup.id, Signup.checked_in_at.is_null()).execute())
        if not updated:
            raise ApiError(409, "already_checked_in", "Already checked in.")
        signup.checked_in_at = now
    return signup
