"""School-friendly limits: a class of 300 on one network can all join; a script making thousands cannot."""
import secrets

import pytest


def network() -> str:
    """A fresh address for each test (limits may live in a shared Redis between runs)."""
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


@pytest.fixture
def app_config(app_config):
    app_config["RATELIMIT_ENABLED"] = True
    return app_config


def pupil(app, address):
    """A fresh phone on the school's network (no cookies)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def new_identity(client):
    token = client.get("/api/csrf").json["csrf_token"]
    return client.post("/api/youth", headers={"X-CSRF-Token": token})


def test_a_class_of_300_joins_from_one_address_within_ten_minutes(app):
    school = network()                                 # the school's one public address
    answers = [new_identity(pupil(app, school)).status_code for _ in range(300)]
    assert answers.count(201) == 300


def test_a_script_cannot_make_thousands_of_identities(app):
    answers, script = [], network()
    for _ in range(1000):
        answers.append(new_identity(pupil(app, script)).status_code)
        if answers[-1] == 429:
            break
    assert answers[-1] == 429
    assert answers.count(201) <= 400
    assert new_identity(pupil(app, network())).status_code == 201    # other networks are not affected


def test_one_device_cannot_make_identity_after_identity(app):
    phone = pupil(app, network())
    answers = []
    for _ in range(12):
        response = new_identity(phone)
        answers.append(response.status_code)
        token = phone.get("/api/csrf").json["csrf_token"]
        phone.post("/api/auth/logout", headers={"X-CSRF-Token": token})   # the device cookie stays
    assert answers[:10] == [201] * 10 and answers[-1] == 429


def test_ask_ahead_is_limited_per_youth_not_per_address(app, city):
    from datetime import timedelta

    from backend.models import ChatSession, utcnow
    session = ChatSession.create(title="Chat", starts_at=utcnow() + timedelta(days=1),
                                 ends_at=utcnow() + timedelta(days=1, hours=1))
    answers, school = [], network()
    for i in range(30):                     # 30 pupils of one class ask one question each
        client = pupil(app, school)
        assert new_identity(client).status_code == 201
        token = client.get("/api/csrf").json["csrf_token"]
        answers.append(client.post(f"/api/sessions/{session.id}/questions", json={"cid": f"q{i}", "text": "Hei?"},
                                   headers={"X-CSRF-Token": token}).status_code)
    assert answers == [201] * 30
    eager = pupil(app, network())
    new_identity(eager)
    token = eager.get("/api/csrf").json["csrf_token"]
    asked = [eager.post(f"/api/sessions/{session.id}/questions", json={"cid": f"e{i}", "text": "Hei?"},
                        headers={"X-CSRF-Token": token}).status_code for i in range(11)]
    assert asked[:10] == [201] * 10 and asked[-1] == 429
