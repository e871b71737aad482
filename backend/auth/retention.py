"""Retention of anonymous identities: an identity that can no longer log in is forgotten.

A youth identity is a handle and a login cookie, nothing else; once every login of it has expired (the
cookie lasts at most YOUTH_LOGIN_DAYS) nobody can use it again, so it goes, with everything linked to it
(follows, sign-ups, push subscriptions, votes), as "Erase me" would. A day's grace keeps an identity
that is being created right now.
"""
from datetime import timedelta

from ..db import db
from ..models import Youth, utcnow
from ..models.logins import Login

GRACE = timedelta(days=1)
BATCH = 200


def forget_unreachable_youth(now=None) -> int:
    """Erase every youth identity without a live login; returns how many were erased."""
    now = now or utcnow()
    live = Login.select(Login.youth).where(Login.youth.is_null(False), Login.expires_at > now)
    unreachable = Youth.select().where(Youth.id.not_in(live), Youth.last_seen_at < now - GRACE)
    erased = 0
    while batch := list(unreachable.limit(BATCH)):
        with db.atomic():
            for youth in batch:
                youth.erase()
        erased += len(batch)
    return erased
