"""Least privilege: safeguarding concerns are read by youth workers, admins and the staff of that session,
and every read is in the audit log."""
from datetime import timedelta

import pytest

from backend.models import AuditLog, ChatMessage, ChatSession, SafeguardingConcern, SessionStaff, Youth, utcnow


@pytest.fixture
def concern(city):
    """A session hosted by the youth worker, officer2 on its roster, and one concern about a message."""
    now = utcnow()
    session = ChatSession.create(title="Chat", starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1),
                                 host=city["staff"]["youth_worker"])
    SessionStaff.create(session=session, staff=city["staff"]["officer2"])
    youth = Youth.create(handle="Teen1")
    message = ChatMessage.create(session=session, cid="y1:a", youth=youth, text="something happened", seq=1,
                                 state=ChatMessage.PUBLISHED)
    row = SafeguardingConcern.create(message=message, session=session, staff=city["staff"]["youth_worker"],
                                     note="follow up")
    return session, row


@pytest.mark.parametrize("role", ["youth_worker", "admin", "officer2"])
def test_youth_workers_admins_and_the_sessions_staff_read_concerns(as_role, concern, city, role):
    session, row = concern
    response = as_role(role).get(f"/api/sessions/{session.id}/concerns")
    assert response.status_code == 200
    assert [c["id"] for c in response.json["concerns"]] == [row.id]
    audit = AuditLog.get(AuditLog.action == "chat.concerns_read")
    assert audit.actor_id == city["staff"][role].id and audit.target_id == session.id
    assert audit.detail == {"concerns": [row.id]}


@pytest.mark.parametrize("role", ["officer", "organiser"])
def test_other_staff_do_not_read_concerns(as_role, concern, role):
    session, _ = concern
    response = as_role(role).get(f"/api/sessions/{session.id}/concerns")
    assert response.status_code == 403
    assert "concerns" not in response.json
    assert not AuditLog.select().where(AuditLog.action == "chat.concerns_read").exists()


@pytest.mark.parametrize("role", ["youth", "visitor", "unverified"])
def test_youth_visitors_and_unverified_staff_do_not_read_concerns(as_role, concern, role):
    session, _ = concern
    assert as_role(role).get(f"/api/sessions/{session.id}/concerns").status_code in (401, 403)


def test_a_sessions_staff_read_only_that_session(as_role, concern, city):
    now = utcnow()
    other = ChatSession.create(title="Other", starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=1, hours=1))
    assert as_role("officer2").get(f"/api/sessions/{other.id}/concerns").status_code == 403
