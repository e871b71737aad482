"""The socket path against a live server: handshake checks, cookie roles, frames, limits, reconnect."""
import json
import struct
from datetime import timedelta

import pytest
import requests
import websocket

from backend.models import ChatSession, utcnow
from tests.chat.helpers import reset_hub
from tests.support import PASSWORD, serving


@pytest.fixture
def live(app, city):
    reset_hub()
    with app.app_context():
        now = utcnow()
        session = ChatSession.create(title="Live", starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1),
                                     host=city["staff"]["youth_worker"])
    with serving(app) as base:
        yield {"base": base, "ws": f"{base.replace('http', 'ws', 1)}/ws/sessions/{session.id}", "id": session.id,
               "city": city}
    reset_hub()


def person(live, email=None):
    """A requests session logged in as staff (email) or as a new youth (None)."""
    http = requests.Session()
    token = http.get(live["base"] + "/api/csrf").json()["csrf_token"]
    if email:
        r = http.post(live["base"] + "/api/auth/login", json={"email": email, "password": PASSWORD},
                      headers={"X-CSRF-Token": token})
    else:
        r = http.post(live["base"] + "/api/youth", headers={"X-CSRF-Token": token})
    assert r.status_code in (200, 201), r.text
    return http


def connect(live, http=None, query="", origin=None):
    cookie = "; ".join(f"{k}={v}" for k, v in (http.cookies.items() if http else []))
    ws = websocket.create_connection(live["ws"] + query, origin=origin or live["base"], cookie=cookie or None, timeout=5)
    return ws


def until(ws, kind):
    """Frames up to and including the first of `kind`."""
    seen = []
    while True:
        frame = json.loads(ws.recv())
        seen.append(frame)
        if frame["type"] == kind:
            return seen


def close_code(ws):
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None


def test_foreign_or_missing_origin_is_refused_at_the_handshake(live):
    for origin in ("http://evil.example", None):
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            websocket.create_connection(live["ws"], origin=origin, suppress_origin=origin is None, timeout=5)
        assert refused.value.status_code == 403


def test_youth_question_host_approval_and_observer_over_real_sockets(live):
    host_http, teen_http = person(live, "host@test.fi"), person(live)
    host, teen, watcher = connect(live, host_http), connect(live, teen_http), connect(live, query="?as=observer")
    welcome = until(host, "caught_up")[0]
    assert welcome["you"]["role"] == "staff" and welcome["you"]["can_moderate"] is True
    teen_welcome = until(teen, "caught_up")[0]
    assert teen_welcome["you"]["role"] == "participant" and teen_welcome["you"]["handle"]
    assert until(watcher, "caught_up")[0]["you"] == {"role": "observer", "can_moderate": False}

    teen.send(json.dumps({"type": "say", "cid": "q1", "text": "Can police check my phone?", "question": True}))
    ack = until(teen, "ack")[-1]
    assert ack["status"] == "held" and ack["seq"] is None
    held = until(host, "held")[-1]
    host.send(json.dumps({"type": "moderate", "action": "approve", "id": held["id"]}))
    message = until(watcher, "message")[-1]
    assert message["seq"] == 1 and message["text"] == "Can police check my phone?"
    assert message["author"]["handle"] == teen_welcome["you"]["handle"]

    watcher.send(json.dumps({"type": "say", "cid": "o", "text": "let me in"}))
    assert until(watcher, "error")[-1]["code"] == "read_only"
    watcher.send(json.dumps({"type": "ping"}))
    assert until(watcher, "pong")[-1]["type"] == "pong"

    teen.close()                                   # the network drops ...
    host.send(json.dumps({"type": "say", "cid": "h1", "text": "While you were away"}))
    assert until(host, "ack")[-1]["seq"] == 2
    back = connect(live, teen_http, query="?since=1")   # ... and returns
    frames = until(back, "caught_up")
    assert [f["seq"] for f in frames if f["type"] == "message"] == [2]
    for ws in (host, watcher, back):
        ws.close()


def test_frames_over_4_kb_close_the_socket_with_1009(live):
    ws = connect(live, person(live))
    until(ws, "caught_up")
    ws.send(json.dumps({"type": "say", "cid": "big", "text": "x" * 5000}))
    assert close_code(ws) == 1009


def test_participant_without_identity_is_closed_with_4001(live):
    ws = connect(live, query="?as=participant")
    assert json.loads(ws.recv())["code"] == "login_required"
    assert close_code(ws) == 4001


def test_a_deactivated_officers_socket_closes_at_once(live):
    officer = connect(live, person(live, "officer@test.fi"))
    until(officer, "caught_up")
    admin = person(live, "admin@test.fi")
    token = admin.get(live["base"] + "/api/csrf").json()["csrf_token"]
    officer_id = live["city"]["staff"]["officer"].id
    r = admin.post(f"{live['base']}/api/console/staff/{officer_id}/deactivate", headers={"X-CSRF-Token": token})
    assert r.status_code == 200
    assert until(officer, "error")[-1]["code"] == "deactivated"
    assert close_code(officer) == 4003
