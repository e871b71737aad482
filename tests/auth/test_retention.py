"""Retention enforced by code: anonymous identities nobody can use any more, and old audit entries."""
from datetime import timedelta

from backend.auth.retention import forget_unreachable_youth
from backend.console.audit import purge_old_audit
from backend.models import AuditLog, Follow, Youth, utcnow
from backend.models.logins import Login


def test_an_identity_whose_logins_have_all_expired_is_forgotten_with_what_it_followed(app, as_role, city):
    kept, gone = as_role("youth"), as_role("youth")
    kept.post("/api/follows", {"sector": city["north"].id})
    gone.post("/api/follows", {"sector": city["north"].id})
    gone_id, kept_id = (api.get("/api/me").json["id"] for api in (gone, kept))   # outside the app context below
    with app.app_context():
        later = utcnow() + timedelta(days=31)                        # a youth's login lasts at most 30 days
        Login.update(expires_at=later + timedelta(days=30)).where(Login.youth == kept_id).execute()
        assert forget_unreachable_youth(now=later) == 1
        assert Youth.get_or_none(Youth.id == gone_id) is None
        assert [f.youth_id for f in Follow.select()] == [kept_id]
    assert kept.get("/api/me").json["kind"] == "youth"
    assert gone.get("/api/me").json["kind"] == "visitor"


def test_a_new_identity_is_kept_while_it_may_still_log_in(app, as_role):
    as_role("youth")
    with app.app_context():
        assert forget_unreachable_youth(now=utcnow() + timedelta(days=29)) == 0
        assert Youth.select().count() == 1


def test_audit_entries_older_than_the_keep_period_go(app, city):
    with app.app_context():
        admin = city["staff"]["admin"]
        old = AuditLog.record(admin, "staff.verify")
        AuditLog.update(created_at=utcnow() - timedelta(days=731)).where(AuditLog.id == old.id).execute()
        recent = AuditLog.record(admin, "staff.verify")
        assert purge_old_audit() >= 1
        assert AuditLog.get_or_none(AuditLog.id == old.id) is None
        assert AuditLog.get_or_none(AuditLog.id == recent.id) is not None
