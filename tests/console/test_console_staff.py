"""The staff console API: sign-up and invites, the admin's staff list and changes, and their safety rules."""
from datetime import timedelta

from backend.models import AuditLog, Invite, Staff, utcnow
from tests.support import PASSWORD


def signup(client, **fields):
    body = {"email": "new.officer@test.fi", "name": "Niko New", "password": PASSWORD, **fields}
    return client.post("/api/staff/signup", body)


def audit_actions(target=None):
    rows = AuditLog.select().order_by(AuditLog.id)
    if target is not None:
        rows = rows.where(AuditLog.target_id == target.id, AuditLog.target_type == "Staff")
    return [r.action for r in rows]


# --- sign-up and the waiting state ----------------------------------------------------------------

def test_open_signup_waits_for_verification(app, city, client):
    response = signup(client, role="youth_worker", title="Youth worker", languages=["fi", "uk"])
    assert response.status_code == 201, response.json
    assert response.json["verified"] is False and response.json["languages"] == ["fi", "uk"]
    assert client.login("new.officer@test.fi").status_code == 200
    me = client.get("/api/me").json
    assert me["kind"] == "staff" and me["verified"] is False
    refused = client.get("/api/console/home")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "not_verified"
    assert "waiting" in refused.json["error"]["message"]


def test_signup_needs_a_role_without_invite_and_refuses_bad_input(app, city, client):
    assert signup(client).json["error"]["fields"] == {"role": "is required"}
    assert signup(client, role="admin").status_code == 422                     # nobody signs up as admin
    assert signup(client, role="officer", sector_id=999).json["error"]["fields"] == {"sector_id": "unknown sector"}
    assert signup(client, role="officer", languages=["xx"]).status_code == 422
    assert signup(client, role="officer", email="officer@test.fi").status_code == 409


def test_invite_gives_role_and_place_once(app, city, as_role, new_client):
    admin = as_role("admin")
    made = admin.post("/api/console/invites", {"role": "officer", "sector_id": city["south"].id, "note": "Sanna"})
    assert made.status_code == 201, made.json
    token = made.json["token"]
    assert made.json["link"].endswith(f"/staff/signup?invite={token}")
    assert Invite.get_by_id(made.json["id"]).token_hash != token           # only a digest is stored
    visitor = new_client()
    shown = visitor.get(f"/api/invites/{token}")
    assert shown.status_code == 200 and shown.json["role"] == "officer" and shown.json["sector"] == "South"
    # the invite's role and place win over what the form says
    first = signup(visitor, invite=token, role="organiser", sector_id=city["north"].id)
    assert first.status_code == 201, first.json
    assert first.json["role"] == "officer" and first.json["sector_id"] == city["south"].id
    assert first.json["verified"] is False                                # still verified by an admin
    again = signup(new_client(), invite=token, email="second@test.fi")
    assert again.status_code == 410 and again.json["error"]["code"] == "invite_used"
    assert new_client().get(f"/api/invites/{token}").json["error"]["code"] == "invite_used"
    listed = admin.get("/api/console/invites").json["invites"][0]
    assert listed["state"] == "used" and listed["used_by"] == "Niko New"
    assert "invite.create" in audit_actions()


def test_invite_expires_after_seven_days_and_can_be_revoked(app, city, as_role, new_client):
    admin = as_role("admin")
    token = admin.post("/api/console/invites", {"role": "youth_worker"}).json["token"]
    invite = Invite.by_token(token)
    assert timedelta(days=6, hours=23) < invite.expires_at - utcnow() <= timedelta(days=7)
    Invite.update(expires_at=utcnow() - timedelta(seconds=1)).where(Invite.id == invite.id).execute()
    expired = signup(new_client(), invite=token)
    assert expired.status_code == 410 and expired.json["error"]["code"] == "invite_expired"
    assert Staff.by_email("new.officer@test.fi") is None
    second = admin.post("/api/console/invites", {"role": "youth_worker"}).json
    assert admin.post(f"/api/console/invites/{second['id']}/revoke").json["state"] == "revoked"
    assert signup(new_client(), invite=second["token"]).json["error"]["code"] == "invite_revoked"
    assert signup(new_client(), invite="not-a-real-token-at-all").json["error"]["code"] == "invite_unknown"


def test_invite_refuses_unknown_places(app, city, as_role):
    admin = as_role("admin")
    bad = admin.post("/api/console/invites", {"role": "organiser", "youth_centre_id": 999})
    assert bad.status_code == 422 and "youth_centre_id" in bad.json["error"]["fields"]
    assert admin.post("/api/console/invites", {"role": "boss"}).status_code == 422


# --- the staff list -------------------------------------------------------------------------------

def test_staff_list_filters(app, city, as_role):
    admin = as_role("admin")
    names = lambda query: [s["name"] for s in admin.get(f"/api/console/staff{query}").json["staff"]]
    assert names("")[0] == "Uma Unverified"                              # waiting first
    assert names("?role=officer") == ["Uma Unverified", "Olli Officer", "Oona Officer"]
    assert names(f"?sector_id={city['south'].id}") == ["Oona Officer"]
    assert names(f"?youth_centre_id={city['centre'].id}") == ["Oskari Organiser"]
    assert names("?verified=false") == ["Uma Unverified"]
    assert names("?factor=true") == []
    assert len(names("?factor=false")) == 6
    city["staff"]["officer2"].deactivate()
    assert names("?active=false") == ["Oona Officer"]
    assert admin.get("/api/console/staff?role=boss").status_code == 422


# --- verify, change, deactivate, reactivate -------------------------------------------------------

def test_admin_verifies_and_the_new_officer_can_post(app, city, as_role, new_client):
    admin = as_role("admin")
    uma = city["staff"]["unverified"]
    officer = new_client()
    officer.login(uma.email)
    assert officer.post("/api/posts", {"text": "Hello"}).json["error"]["code"] == "not_verified"
    assert admin.post(f"/api/console/staff/{uma.id}/verify").json["verified"] is True
    assert officer.get("/api/console/home").status_code == 200
    assert audit_actions(uma) == ["staff.verify"]


def test_nobody_verifies_themself(app, city, new_client):
    # an admin account made by an existing admin, not verified yet, cannot verify itself
    maker = city["staff"]["admin"]
    second = Staff.register("admin2@test.fi", "Aino Admin", Staff.ADMIN, PASSWORD, verified_by=maker)
    api = new_client()
    api.login(second.email)
    refused = api.post(f"/api/console/staff/{second.id}/verify")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "self_verification"


def test_role_and_place_changes_are_audited_and_self_role_change_refused(app, city, as_role):
    admin = as_role("admin")
    olli = city["staff"]["officer"]
    changed = admin.patch(f"/api/console/staff/{olli.id}", {"sector_id": city["south"].id, "title": "Sergeant"})
    assert changed.status_code == 200 and changed.json["sector_id"] == city["south"].id
    assert admin.patch(f"/api/console/staff/{olli.id}", {"role": "youth_worker"}).json["role"] == "youth_worker"
    entry = AuditLog.select().where(AuditLog.action == "staff.change").order_by(AuditLog.id.desc()).first()
    assert entry.detail == {"role": ["officer", "youth_worker"]} and entry.actor_id == city["staff"]["admin"].id
    me = city["staff"]["admin"]
    refused = admin.patch(f"/api/console/staff/{me.id}", {"role": "officer"})
    assert refused.json["error"]["code"] == "self_role_change"
    assert admin.patch(f"/api/console/staff/{olli.id}", {}).status_code == 422
    assert admin.patch(f"/api/console/staff/{olli.id}", {"youth_centre_id": 999}).status_code == 422
    assert admin.patch("/api/console/staff/999", {"title": "x"}).status_code == 404


def test_staff_cannot_raise_their_own_role(app, city, as_role):
    officer = as_role("officer")
    me = city["staff"]["officer"]
    refused = officer.patch(f"/api/console/staff/{me.id}", {"role": "admin"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "wrong_role"
    assert Staff.get_by_id(me.id).role == "officer"


def test_last_active_admin_is_kept(app, city, as_role, new_client, runner):
    ada = city["staff"]["admin"]
    second = Staff.register("admin2@test.fi", "Aino Admin", Staff.ADMIN, PASSWORD, verified_by=ada)
    aino = new_client()
    aino.login(second.email)
    # with two admins, one may demote the other; the one left can neither demote nor deactivate themself
    assert aino.patch(f"/api/console/staff/{ada.id}", {"role": "officer"}).json["role"] == "officer"
    assert aino.patch(f"/api/console/staff/{second.id}", {"role": "officer"}).json["error"]["code"] == "self_role_change"
    assert aino.post(f"/api/console/staff/{second.id}/deactivate").json["error"]["code"] == "self_deactivation"
    Staff.register("admin3@test.fi", "Ari Admin", Staff.ADMIN, PASSWORD)   # unverified: doesn't count
    # nor can the command line remove the last active admin
    result = runner.invoke(args=["deactivate-staff", second.email])
    assert result.exit_code != 0 and "last active admin" in result.output
    assert Staff.get_by_id(second.id).active


def test_deactivation_ends_every_login_at_once_and_reactivation_lets_them_back(app, city, as_role, new_client):
    admin = as_role("admin")
    olli = city["staff"]["officer"]
    phone, laptop = new_client(), new_client()
    phone.login(olli.email)
    laptop.login(olli.email)
    assert phone.get("/api/console/home").status_code == 200
    assert admin.post(f"/api/console/staff/{olli.id}/deactivate").json["active"] is False
    for device in (phone, laptop):
        assert device.get("/api/me").json == {"kind": "visitor"}
        assert device.get("/api/console/home").status_code == 401
    assert new_client().login(olli.email).status_code == 403
    assert admin.post(f"/api/console/staff/{olli.id}/reactivate").json["active"] is True
    assert new_client().login(olli.email).status_code == 200
    assert audit_actions(olli) == ["staff.deactivate", "staff.reactivate"]


def test_a_deactivated_admins_console_dies_at_once(app, city, new_client):
    ada = city["staff"]["admin"]
    second = Staff.register("admin2@test.fi", "Aino Admin", Staff.ADMIN, PASSWORD, verified_by=ada)
    ada_api, aino = new_client(), new_client()
    ada_api.login(ada.email)
    aino.login(second.email)
    assert ada_api.get("/api/console/staff").status_code == 200
    assert aino.post(f"/api/console/staff/{ada.id}/deactivate").status_code == 200
    assert ada_api.get("/api/console/staff").status_code == 401
    assert ada_api.post("/api/console/invites", {"role": "officer"}).status_code in (401, 403)


def test_cli_verify_and_deactivate_are_audited(app, city, runner):
    uma = city["staff"]["unverified"]
    assert runner.invoke(args=["verify-staff", uma.email]).exit_code == 0
    assert runner.invoke(args=["deactivate-staff", uma.email]).exit_code == 0
    assert audit_actions(uma) == ["staff.verify", "staff.deactivate"]


def test_deactivation_closes_the_staff_members_chat_socket_at_once(app, city, as_role):
    import time
    from datetime import timedelta

    from backend.db import db
    from backend.models import ChatSession
    from tests.chat.helpers import Peer, reset_hub
    admin = as_role("admin")
    with app.app_context():
        db.connect(reuse_if_open=True)
        reset_hub()                           # the app's own broker: the one the console publishes to
        try:
            session = ChatSession.create(title="Chat", starts_at=utcnow() - timedelta(minutes=5),
                                         ends_at=utcnow() + timedelta(minutes=55))
            olli = Peer(session.id, "staff", staff=city["staff"]["officer"]).join()
            hilla = Peer(session.id, "staff", staff=city["staff"]["youth_worker"]).join()
            assert admin.post(f"/api/console/staff/{city['staff']['officer'].id}/deactivate").status_code == 200
            for _ in range(50):                   # the in-process broker delivers on its own thread
                if olli.close_code:
                    break
                time.sleep(0.05)
            assert olli.close_code == 4003 and olli.last("error")["code"] == "deactivated"
            assert hilla.close_code is None
        finally:
            reset_hub()
