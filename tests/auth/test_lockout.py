"""No lockout by strangers: wrong passwords slow down whoever types them, not the account's owner."""
import secrets

import pytest

from backend.models import AuditLog
from tests.conftest import PASSWORD


@pytest.fixture
def app_config(app_config):
    app_config["RATELIMIT_ENABLED"] = True      # the real limits, as in production
    return app_config


def from_address(api, address=None):
    """`api` seen as coming from one network address (a fresh random one by default)."""
    api.http.environ_base["REMOTE_ADDR"] = address or f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"
    return api


def test_a_stranger_cannot_lock_the_owner_out(city, new_client):
    attacker = from_address(new_client())
    answers = [attacker.login("officer@test.fi", f"guess {i}").status_code for i in range(25)]
    assert answers[:5] == [401] * 5
    assert 429 in answers                        # the stranger is slowed down ...

    owner = from_address(new_client())           # ... the owner, from another place, is not
    response = owner.login("officer@test.fi")
    assert response.status_code == 200, response.json
    assert owner.get("/api/me").json["kind"] == "staff"


def test_the_owner_on_a_known_device_logs_in_even_from_the_attackers_network(city, new_client):
    office = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.3"
    owner = from_address(new_client(), office)
    assert owner.login("officer@test.fi").status_code == 200       # this browser becomes a known device
    owner.post("/api/auth/logout")
    owner._token = None                          # a new session: a new CSRF token

    attacker = from_address(new_client(), office)
    for i in range(30):
        attacker.login("officer@test.fi", f"guess {i}")
    assert attacker.login("officer@test.fi").status_code == 429      # even the right password waits

    assert owner.login("officer@test.fi").status_code == 200


def test_delays_grow_and_tell_when_to_try_again(city, new_client):
    attacker = from_address(new_client())
    waits = []
    for i in range(9):
        response = attacker.login("officer@test.fi", f"guess {i}")
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            assert response.json["error"]["code"] == "too_many_attempts"
    assert waits and all(w >= 1 for w in waits)
    from datetime import timedelta

    from backend.models.logins import LoginFailure
    # after the wait the next failure blocks for longer than the one before
    LoginFailure.update(blocked_until=None).execute()
    first = attacker.login("officer@test.fi", "again")
    LoginFailure.update(blocked_until=None).execute()
    attacker.login("officer@test.fi", "again")
    second = attacker.login("officer@test.fi", "again")
    assert first.status_code == 401 and second.status_code == 429
    assert int(second.headers["Retry-After"]) > 2
    assert timedelta(seconds=int(second.headers["Retry-After"])) <= timedelta(minutes=15)


def test_a_blocked_attempt_does_not_check_the_password(city, new_client):
    attacker = from_address(new_client())
    for i in range(6):
        attacker.login("officer@test.fi", f"guess {i}")
    assert attacker.login("officer@test.fi", PASSWORD).status_code == 429


def test_repeated_failures_reach_the_audit_log(city, as_role, new_client):
    attacker = from_address(new_client())
    for i in range(6):
        attacker.login("officer@test.fi", f"guess {i}")
    entries = list(AuditLog.select().where(AuditLog.action == "auth.repeated_failures"))
    assert entries
    assert entries[0].target_id == city["staff"]["officer"].id
    assert "10." not in str(entries[0].detail)            # the address is kept only as a hash
    assert entries[0].detail["scope"] == "pair"


def test_many_addresses_at_one_account_slow_new_devices_but_not_the_known_one(app, city, new_client):
    app.config["LOGIN_FREE_FAILURES_ACCOUNT"] = 10
    owner = from_address(new_client())
    assert owner.login("officer@test.fi").status_code == 200
    owner.post("/api/auth/logout")
    owner._token = None                          # a new session: a new CSRF token
    for i in range(12):
        from_address(new_client()).login("officer@test.fi", f"guess {i}")
    assert from_address(new_client()).login("officer@test.fi").status_code == 429
    assert owner.login("officer@test.fi").status_code == 200


def test_an_unknown_email_is_counted_the_same(city, new_client):
    attacker = from_address(new_client())
    answers = [attacker.login("nobody@test.fi", f"guess {i}").status_code for i in range(7)]
    assert answers[:5] == [401] * 5 and 429 in answers


def test_counters_are_kept_for_a_day_only(city, new_client):
    from datetime import timedelta

    from backend.models import utcnow
    from backend.models.logins import LoginFailure
    attacker = from_address(new_client())
    attacker.login("officer@test.fi", "guess")
    assert LoginFailure.select().count() == 3                       # pair, address, account: hashes only
    assert all("officer" not in row.scope_hash for row in LoginFailure.select())
    LoginFailure.update(last_failed_at=utcnow() - timedelta(days=1, minutes=1)).execute()
    from_address(new_client()).login("someone@test.fi", "guess")
    assert LoginFailure.select().count() == 3                       # the day-old ones are gone
