"""Accounts and roles: staff login, deactivation, anonymous youth, handles, erase-me."""
import pytest

from backend.auth.handles import handle_problem
from backend.models import Staff, Youth
from tests.support import PASSWORD


def test_youth_becomes_anonymous_with_one_tap(client):
    me = client.become_youth()
    assert me["kind"] == "youth"
    assert 3 <= len(me["handle"]) <= 24
    assert client.get("/api/me").json == me
    youth = Youth.get_by_id(me["id"])
    stored = {k for k, v in youth.__data__.items() if v is not None}
    assert stored == {"id", "handle", "session_epoch", "last_seen_at", "created_at"}


def test_a_second_youth_identity_over_a_live_one_is_refused(client):
    client.become_youth()
    response = client.post("/api/youth")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_signed_in"
    assert Youth.select().count() == 1


def test_youth_login_cookie_lasts_at_most_30_days(client):
    response = client.post("/api/youth")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    import re
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    assert (expires - datetime.now(timezone.utc)).days <= 30


def test_staff_login_and_wrong_password(client, city):
    bad = client.login("officer@test.fi", "wrong password!!")
    assert bad.status_code == 401
    assert bad.json["error"]["code"] == "bad_credentials"
    ok = client.login("OFFICER@test.fi")
    assert ok.status_code == 200
    assert ok.json["name"] == "Olli Officer" and ok.json["verified"] is True


def test_passwords_are_stored_with_a_strong_kdf(city, monkeypatch):
    monkeypatch.delenv("TUTTU_PASSWORD_HASH")          # production's method, not the suite's cheap one
    staff = city["staff"]["officer"]
    staff.set_password(PASSWORD)
    assert staff.password_hash.startswith("scrypt:")
    assert PASSWORD not in staff.password_hash


def test_deactivated_officers_cookie_is_refused_on_the_next_request(as_role, city):
    officer = as_role("officer")
    assert officer.get("/api/me").json["kind"] == "staff"
    admin = as_role("admin")
    response = admin.post(f"/api/console/staff/{city['staff']['officer'].id}/deactivate")
    assert response.status_code == 200
    assert officer.get("/api/me").json == {"kind": "visitor"}
    again = officer.login("officer@test.fi")
    assert again.status_code == 403 and again.json["error"]["code"] == "deactivated"


def test_deactivate_staff_cli_ends_logins(as_role, runner, city):
    officer = as_role("officer")
    result = runner.invoke(args=["deactivate-staff", "officer@test.fi"])
    assert "Deactivated" in result.output
    assert officer.get("/api/me").json == {"kind": "visitor"}


def test_unverified_staff_can_log_in_but_not_act_as_staff(as_role, city):
    unverified = as_role("unverified")
    assert unverified.get("/api/me").json["verified"] is False
    response = unverified.get("/api/console/staff")
    assert response.status_code == 403


def test_admin_verifies_staff(as_role, city):
    admin = as_role("admin")
    response = admin.post(f"/api/console/staff/{city['staff']['unverified'].id}/verify")
    assert response.status_code == 200 and response.json["verified"] is True
    assert Staff.get_by_id(city["staff"]["unverified"].id).verified_by_id == city["staff"]["admin"].id


def test_staff_signup_starts_unverified_and_duplicate_email_is_409(client, city):
    body = {"email": "Newbie@Test.fi", "name": "Nea Newbie", "role": "officer", "password": "a long passphrase"}
    response = client.post("/api/staff/signup", body)
    assert response.status_code == 201 and response.json["verified"] is False
    again = client.post("/api/staff/signup", {**body, "email": "newbie@test.fi"})
    assert again.status_code == 409
    assert Staff.select().where(Staff.email == "newbie@test.fi").count() == 1


@pytest.mark.parametrize("handle,problem", [
    ("ab", "3 to 24"), ("x" * 25, "3 to 24"), ("bad name", "letters"), ("_under", "letters"),
    ("FuckThis", "isn't allowed"), ("vittu123", "isn't allowed"), ("PoliceChief", "staff"),
    ("сука123", "isn't allowed"), ("sh1tty", "isn't allowed"),
])
def test_handle_rules(handle, problem):
    assert problem in handle_problem(handle)


@pytest.mark.parametrize("handle", ["SunnyOtter", "Äijä-Kettu", "Лисичка_7", "kim99"])
def test_good_handles(handle):
    assert handle_problem(handle) is None


def test_youth_changes_handle_with_rules_and_uniqueness(client, new_client):
    other = new_client()
    taken = other.become_youth()["handle"]
    client.become_youth()
    assert client.patch("/api/me", {"handle": "NiceLynx"}).json["handle"] == "NiceLynx"
    assert client.get("/api/me").json["handle"] == "NiceLynx"
    refused = client.patch("/api/me", {"handle": "vittu"})
    assert refused.status_code == 422 and "handle" in refused.json["error"]["fields"]
    clash = client.patch("/api/me", {"handle": taken})
    assert clash.status_code == 409
    assert client.get("/api/me").json["handle"] == "NiceLynx"


def test_erase_me_removes_all_youth_data(client, city):
    from backend.models import Follow
    me = client.become_youth()
    Follow.create(youth=me["id"], sector=city["north"])
    assert client.delete("/api/me").status_code == 204
    assert Youth.get_or_none(Youth.id == me["id"]) is None
    assert Follow.select().count() == 0
    assert client.get("/api/me").json == {"kind": "visitor"}


def test_logout_ends_the_login(as_role):
    officer = as_role("officer")
    assert officer.post("/api/auth/logout").status_code == 200
    assert officer.get("/api/me").json == {"kind": "visitor"}


def test_login_is_throttled_per_account(app_config, city):
    from backend import create_app
    from backend.security import limiter
    from tests.support import ApiClient
    throttled = create_app({**app_config, "RATELIMIT_ENABLED": True})
    limiter.reset()
    client = ApiClient(throttled.test_client())
    codes = [client.login("officer@test.fi", "wrong password!!").status_code for _ in range(7)]
    assert codes == [401] * 6 + [429]      # five free failures; the sixth makes this address wait
    blocked = client.login("officer@test.fi")
    assert blocked.status_code == 429 and blocked.json["error"]["code"] == "too_many_attempts"
    other = ApiClient(throttled.test_client()).login("officer2@test.fi")
    assert other.status_code == 200, "another account from the same address may still log in"
