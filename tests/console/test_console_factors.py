"""Second factors: TOTP with recovery codes, the login's second step, the admin's policy and reset,
and sensitive actions that ask for the factor again after 15 minutes."""
import time

import pyotp

from backend.models import AuditLog, RecoveryCode, Setting, Staff, StaffFactor


def steady_clock():
    """Stay clear of a 30-second boundary so codes of the previous, current and next step stay valid."""
    if time.time() % 30 > 27:
        time.sleep(4)


def codes(secret):
    """Three distinct valid codes (previous, current and next time step): each is accepted once, in order."""
    totp, now = pyotp.TOTP(secret), time.time()
    return [totp.at(now - 30), totp.at(now), totp.at(now + 30)]


def enrol(api):
    """Set up an authenticator app; returns (the remaining two codes, the recovery codes)."""
    steady_clock()
    started = api.post("/api/console/me/factor/totp")
    assert started.status_code == 201, started.json
    assert started.json["uri"].startswith("otpauth://totp/Tuttu:")
    first, *rest = codes(started.json["secret"])
    done = api.post("/api/console/me/factor/totp/confirm", {"code": first})
    assert done.status_code == 200, done.json
    return rest, done.json["recovery_codes"]


def test_enrol_then_password_alone_does_not_log_in(app, city, as_role, new_client):
    officer = as_role("officer")
    qr = None
    steady_clock()
    started = officer.post("/api/console/me/factor/totp").json
    qr = officer.get("/api/console/me/factor/totp/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    wrong = officer.post("/api/console/me/factor/totp/confirm", {"code": "000000"})
    assert wrong.status_code == 422 and StaffFactor.confirmed_for(city["staff"]["officer"]) is None
    first, second, third = codes(started["secret"])
    done = officer.post("/api/console/me/factor/totp/confirm", {"code": first}).json
    assert done["enrolled"] is True and len(done["recovery_codes"]) == 10 and done["recovery_codes_left"] == 10
    assert all(not r.code_hash.startswith(c) for r, c in zip(RecoveryCode.select(), done["recovery_codes"]))

    device = new_client()
    refused = device.login("officer@test.fi")
    assert refused.status_code == 401 and refused.json["error"]["code"] == "second_factor_required"
    assert device.get("/api/me").json == {"kind": "visitor"}                # not logged in with the password alone
    assert device.post("/api/auth/second-factor", {"code": first}).status_code == 422   # a used code: refused
    finished = device.post("/api/auth/second-factor", {"code": second})
    assert finished.status_code == 200 and finished.json["kind"] == "staff"
    device._token = None
    assert device.get("/api/console/home").status_code == 200
    assert AuditLog.select().where(AuditLog.action == "factor.enrol").count() == 1


def test_second_step_needs_the_password_first_and_accepts_a_recovery_code_once(app, city, as_role, new_client):
    _, recovery = enrol(as_role("officer"))
    stranger = new_client()
    assert stranger.post("/api/auth/second-factor", {"code": recovery[0]}).json["error"]["code"] == "login_required"
    device = new_client()
    device.login("officer@test.fi")
    assert device.post("/api/auth/second-factor", {"code": recovery[0]}).status_code == 200
    again = new_client()
    again.login("officer@test.fi")
    assert again.post("/api/auth/second-factor", {"code": recovery[0]}).status_code == 422   # used up
    assert RecoveryCode.left(city["staff"]["officer"]) == 9


def test_five_wrong_codes_end_the_attempt(app, city, as_role, new_client):
    enrol(as_role("officer"))
    device = new_client()
    device.login("officer@test.fi")
    answers = [device.post("/api/auth/second-factor", {"code": "123456"}).status_code for _ in range(5)]
    assert answers == [422, 422, 422, 422, 401]


def test_sensitive_actions_ask_for_the_factor_again_after_15_minutes(app, city, as_role, new_client):
    admin = as_role("admin")
    (second, third), recovery = enrol(admin)
    olli = city["staff"]["officer"]
    assert admin.post(f"/api/console/staff/{olli.id}/deactivate").status_code == 200     # checked just now
    with admin.http.session_transaction() as session:
        session["factor_at"] = int(time.time()) - 16 * 60
    for method, path, body in [("POST", f"/api/console/staff/{olli.id}/reactivate", None)]:
        assert admin.request(method, path, body).status_code == 200                       # not sensitive
    asked = admin.patch(f"/api/console/staff/{olli.id}", {"role": "youth_worker"})
    assert asked.status_code == 403 and asked.json["error"]["code"] == "factor_recheck"
    assert admin.put("/api/console/settings/retention", {"chat_keep_days": 9}).json["error"]["code"] == "factor_recheck"
    assert admin.put("/api/console/settings/word-lists/fi", {"hold": ["x"]}).json["error"]["code"] == "factor_recheck"
    assert admin.post(f"/api/console/staff/{olli.id}/deactivate").json["error"]["code"] == "factor_recheck"
    assert admin.post("/api/console/me/factor/check", {"code": "000000"}).status_code == 422
    assert admin.post("/api/console/me/factor/check", {"code": second}).status_code == 200
    assert admin.patch(f"/api/console/staff/{olli.id}", {"role": "youth_worker"}).status_code == 200
    assert Staff.get_by_id(olli.id).role == "youth_worker"


def test_admin_requires_a_factor_by_role(app, city, as_role):
    admin = as_role("admin")
    officer = as_role("officer")
    assert admin.put("/api/console/settings/second-factor", {"roles": ["officer"]}).json["second_factor_roles"] == ["officer"]
    blocked = officer.post("/api/posts", {"text": "Hello"})
    assert blocked.status_code == 403 and blocked.json["error"]["code"] == "factor_setup_required"
    assert officer.get("/api/console/me/factor").json["required"] is True
    assert officer.get("/api/me").json["kind"] == "staff"                      # may still see who they are
    enrol(officer)
    assert officer.post("/api/posts", {"text": "Hello"}).status_code == 201
    assert as_role("youth_worker").get("/api/console/home").status_code == 200  # other roles unaffected
    assert admin.put("/api/console/settings/second-factor", {"roles": ["boss"]}).status_code == 422
    assert Setting.value_of("second_factor.roles") == ["officer"]


def test_a_lost_factor_is_reset_by_another_admin_and_audited(app, city, as_role, new_client):
    officer = as_role("officer")
    enrol(officer)
    olli = city["staff"]["officer"]
    admin = as_role("admin")
    listed = admin.get("/api/console/staff?factor=true").json["staff"]
    assert [s["name"] for s in listed] == ["Olli Officer"]
    reset = admin.post(f"/api/console/staff/{olli.id}/reset-factor")
    assert reset.status_code == 200 and reset.json["second_factor"] is False
    assert RecoveryCode.left(olli) == 0
    entry = AuditLog.select().where(AuditLog.action == "factor.reset").get()
    assert entry.actor_id == city["staff"]["admin"].id and entry.target_id == olli.id
    assert new_client().login(olli.email).status_code == 200                 # the password works alone again
    ada = city["staff"]["admin"]
    assert admin.post(f"/api/console/staff/{ada.id}/reset-factor").json["error"]["code"] == "self_factor_reset"


def test_factor_routes_need_a_staff_login_but_not_verification(app, city, as_role):
    paths = [("GET", "/api/console/me/factor"), ("POST", "/api/console/me/factor/totp"),
             ("GET", "/api/console/me/factor/totp/qr.svg"), ("POST", "/api/console/me/factor/totp/confirm"),
             ("POST", "/api/console/me/factor/check")]
    for role, expected in [("visitor", 401), ("youth", 403)]:
        api = as_role(role)
        for method, path in paths:
            assert api.request(method, path, {"code": "123456"} if method == "POST" else None).status_code == expected, (role, path)
    waiting = as_role("unverified")
    assert waiting.get("/api/console/me/factor").json["enrolled"] is False
    assert waiting.post("/api/console/me/factor/totp").status_code == 201


def test_passkey_routes_refuse_what_they_should(app, city, as_role, new_client):
    officer = as_role("officer")
    assert new_client().post("/api/console/me/passkeys/options").status_code == 401
    assert officer.post("/api/console/me/passkeys", {"credential": {"id": "x"}}).json["error"]["code"] == "no_pending_passkey"
    options = officer.post("/api/console/me/passkeys/options")
    assert options.status_code == 200 and options.json["rp"]["name"] == "Tuttu" and options.json["challenge"]
    forged = officer.post("/api/console/me/passkeys", {"credential": {"id": "x", "rawId": "x", "type": "public-key",
                                                                        "response": {"clientDataJSON": "e30",
                                                                                     "attestationObject": "oA"}}})
    assert forged.status_code == 422
    assert officer.post("/api/console/me/passkeys", {"credential": "nope"}).status_code == 422
    assert officer.post("/api/console/me/factor/passkey/options").json["error"]["code"] == "no_passkey"
    stranger = new_client()
    assert stranger.post("/api/auth/second-factor/passkey/options").json["error"]["code"] == "login_required"
    (second, _), _ = enrol(officer)
    device = new_client()
    device.login("officer@test.fi")
    assert device.post("/api/auth/second-factor/passkey/options").json["error"]["code"] == "no_passkey"
    assert device.post("/api/auth/second-factor/passkey", {"credential": {"id": "x"}}).status_code == 422
    assert device.get("/api/me").json == {"kind": "visitor"}


def test_staff_with_a_passkey_count_as_having_a_second_factor(app, city, as_role, new_client):
    from backend.models import StaffPasskey
    hilla = city["staff"]["youth_worker"]
    StaffPasskey.create(staff=hilla, credential_id="cred-1", public_key="key")     # as the browser test makes one
    admin = as_role("admin")
    assert [s["name"] for s in admin.get("/api/console/staff?factor=true").json["staff"]] == ["Hilla Host"]
    assert new_client().login(hilla.email).json["error"]["code"] == "second_factor_required"
    admin.post(f"/api/console/staff/{hilla.id}/reset-factor")
    assert StaffPasskey.select().count() == 0
    assert new_client().login(hilla.email).status_code == 200
