"""What a client cannot do to the chat, over real sockets: malformed frames get `error {code: "invalid"}`
and the socket stays; floods close with 1008; a socket that stops reading is closed with 1013 without
slowing anyone else; caps per address and per session; reports limited across sockets."""
import json
import logging
import socket
import struct
import threading
import time
from datetime import timedelta

import pytest
import requests
import websocket

from backend.chat.hub import hub
from backend.models import ChatMessage, ChatSession, Report, Youth, utcnow
from tests.chat.helpers import reset_hub
from tests.support import serving


@pytest.fixture
def live(app, city, caplog):
    reset_hub()
    with app.app_context():
        now = utcnow()
        session = ChatSession.create(title="Live", starts_at=now - timedelta(minutes=1), ends_at=now + timedelta(hours=1),
                                     host=city["staff"]["youth_worker"], moderation="open")
        teen = Youth.create(handle="QuietFox12")
        message = ChatMessage.create(session=session.id, seq=ChatSession.next_seq(session.id), cid="y:first",
                                     youth=teen.id, text="Is this on?", is_question=True, state="published")
    caplog.set_level(logging.WARNING)
    with serving(app) as base:
        live_state = {"app": app, "base": base, "ws": f"{base.replace('http', 'ws', 1)}/ws/sessions/{session.id}",
                      "id": session.id, "seq": message.seq}
        yield live_state
    reset_hub()
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR]
    if not live_state.get("server_failure"):
        assert not problems, [r.getMessage() for r in problems]   # nothing a client sent made a traceback


def youth_cookie(live):
    http = requests.Session()
    token = http.get(live["base"] + "/api/csrf").json()["csrf_token"]
    assert http.post(live["base"] + "/api/youth", headers={"X-CSRF-Token": token}).status_code in (200, 201)
    return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def connect(live, query="?as=observer", cookie=None, url=None, **kw):
    ws = websocket.create_connection((url or live["ws"]) + query, origin=live["base"], cookie=cookie, timeout=5, **kw)
    return ws


def until(ws, kind):
    seen = []
    while True:
        frame = json.loads(ws.recv())
        seen.append(frame)
        if frame["type"] == kind:
            return seen


def joined(live, **kw):
    ws = connect(live, **kw)
    until(ws, "caught_up")
    return ws


def close_code(ws):
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None


def reply(ws, raw):
    """Send a raw text frame; the first error/pong/ack that comes back."""
    ws.send(raw)
    while True:
        frame = json.loads(ws.recv())
        if frame["type"] in ("error", "pong", "ack"):
            return frame


def still_open(ws):
    assert reply(ws, '{"type":"ping"}')["type"] == "pong"


BIG = str(2**64)
MALFORMED = [
    "[" * 4000,                                                  # deep nesting (within the 4 KB frame limit)
    "[" * 2000 + "]" * 2000,
    '{"type":"ping","x":' + "[" * 1900 + "]" * 1900 + "}",
    '{"type":"ping","x":' + '{"a":' * 650 + "1" + "}" * 650 + "}",
    '{"type":"ping","x":"' + "[" * 3000 + '"}',                  # brackets in a string are not nesting
    '{"type":"report","seq":' + BIG + ',"reason":"spam"}',      # numbers beyond 64 bits
    '{"type":"report","seq":' + "9" * 3000 + ',"reason":"spam"}',
    '{"type":"report","seq":-' + BIG + ',"reason":"spam"}',
    '{"type":"report","seq":1e400,"reason":"spam"}',
    '{"type":"report","seq":NaN,"reason":"spam"}',
    '{"type":"report","seq":"1","reason":["spam"]}',            # wrong types
    '{"type":"report","seq":true,"reason":{"a":1}}',
    '{"type":5}', '{"type":["ping"]}', '{"type":{"a":1}}', '{"type":null}', "{}",
    "[]", '"ping"', "5", "null", "not json", "", '{"type":"ping"',
    '{"type":"report","seq":1,"reason":"\\ud800"}',
]


def test_every_malformed_frame_gets_an_invalid_error_and_the_observer_socket_stays(live):
    ws = joined(live)
    for raw in MALFORMED:
        answer = reply(ws, raw)
        assert answer["type"] == "error" and answer["code"] in ("invalid", "read_only"), (raw[:40], answer)
    ws.send_binary(b"\x00\x01binary")
    assert json.loads(ws.recv())["code"] == "invalid"
    still_open(ws)


def test_a_participants_malformed_frames_are_invalid_too(live):
    ws = joined(live, query="", cookie=youth_cookie(live))
    for raw in ('{"type":"metoo","seq":' + BIG + "}", '{"type":"metoo","seq":' + "1" * 400 + "}",
                '{"type":"say","cid":"a","text":"hi","question":' + BIG + "}",
                '{"type":"say","cid":{"x":1},"text":"hi"}', '{"type":"say","cid":"' + "a" * 41 + '","text":"hi"}',
                '{"type":"say","cid":"ok","text":' + "[" * 20 + "]" * 20 + "}",
                '{"type":"say","cid":"ok","text":"\\ud800"}', '{"type":"metoo","seq":0}'):
        answer = reply(ws, raw)
        assert answer["type"] == "error" and answer["code"] == "invalid", (raw[:40], answer)
    ws.send(json.dumps({"type": "metoo", "seq": live["seq"]}))
    assert until(ws, "votes")[-1] == {"type": "votes", "seq": live["seq"], "votes": 1}
    still_open(ws)


@pytest.mark.parametrize("query", ["?as=observer&since=" + BIG, "?as=observer&since=" + "9" * 300,
                                   "?as=observer&staff_since=" + BIG, "?as=observer&since=-" + BIG,
                                   "?as=observer&since=abc", "?since=" + BIG])
def test_oversized_or_odd_since_in_the_url_is_an_invalid_error_then_a_full_catch_up(live, query):
    ws = connect(live, query=query)
    frames = until(ws, "caught_up")
    assert frames[0] == {**frames[0], "type": "error", "code": "invalid"}
    assert [f["seq"] for f in frames if f["type"] == "message"] == [live["seq"]]
    still_open(ws)


def test_an_oversized_session_id_is_not_found_without_a_traceback(live):
    url = live["ws"].rsplit("/", 1)[0] + "/" + BIG + "0"
    try:
        ws = connect(live, url=url)
    except websocket.WebSocketBadStatusException as refused:      # the app's routing refuses ids beyond 64 bits
        assert refused.status_code == 404
        return
    assert json.loads(ws.recv())["code"] == "not_found"
    assert close_code(ws) == 4004


def test_frames_beyond_the_budget_are_dropped_then_a_flood_closes_with_1008(live):
    live["app"].config.update(CHAT_FRAME_BURST=5, CHAT_FRAMES_PER_SECOND=1, CHAT_FRAME_ABUSE_LIMIT=20)
    ws, calm = joined(live), joined(live)
    for _ in range(40):
        ws.send('{"type":"ping"}')
    answers = []
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            code = struct.unpack("!H", data[:2])[0]
            break
        answers.append(json.loads(data))
    assert code == 1008
    assert [a["type"] for a in answers].count("pong") == 5
    assert [a["code"] for a in answers if a["type"] == "error"] == ["rate_limited"]
    still_open(calm)                             # the flood cost the flooder, not the room


def test_invalid_json_spends_the_budget_as_well(live):
    live["app"].config.update(CHAT_FRAME_BURST=3, CHAT_FRAMES_PER_SECOND=1, CHAT_FRAME_ABUSE_LIMIT=5)
    ws = joined(live)
    for _ in range(20):
        ws.send("{{{{ not json")
    assert close_code(ws) == 1008


def test_a_socket_that_stops_reading_is_closed_with_1013_and_never_slows_the_others(live):
    live["app"].config.update(CHAT_OUTBOX_FRAMES=200, CHAT_OUTBOX_BYTES=512 * 1024, CHAT_CLOSE_GRACE_SECONDS=30)
    stuck = joined(live, sockopt=((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),))
    reader = joined(live)
    got, total = [], 2000

    def read():
        while len(got) < total:
            frame = json.loads(reader.recv())
            if frame["type"] == "votes":
                got.append(frame)
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    started = time.monotonic()
    with live["app"].app_context():
        for n in range(total):                        # ~6 MB: far more than the kernel buffers hold
            hub.publish(live["id"], "all", {"type": "votes", "seq": live["seq"], "votes": n, "pad": "x" * 3000})
            if n % 10 == 9:
                time.sleep(0.01)                      # a pace a reading socket keeps up with
    published_in = time.monotonic() - started
    thread.join(timeout=30)
    assert [f["votes"] for f in got] == list(range(total))
    assert published_in < 15                          # fan-out never waited on the stuck socket
    room = hub.rooms[live["id"]]
    assert sum(1 for c in room.connections if c.outbox and c.outbox.pending()[1] > 512 * 1024) == 0
    stuck.settimeout(30)
    assert close_code(stuck) == 1013                  # what it read before that was whole frames, in order
    back = connect(live, query=f"?as=observer&since={live['seq']}")
    assert [f["type"] for f in until(back, "caught_up")][0] == "welcome"


def test_sockets_per_address_are_capped_and_a_closed_one_frees_its_place(live):
    live["app"].config.update(CHAT_SOCKETS_PER_ADDRESS=3)
    open_ = [joined(live) for _ in range(3)]
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(live)
    assert refused.value.status_code == 429
    open_[0].close()
    deadline = time.monotonic() + 5
    while True:
        try:
            open_.append(joined(live))
            break
        except websocket.WebSocketBadStatusException:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_observers_per_session_are_capped(live):
    live["app"].config.update(CHAT_OBSERVERS_PER_SESSION=2)
    first, second = joined(live), joined(live)
    third = connect(live)
    assert json.loads(third.recv())["code"] == "full"
    assert close_code(third) == 1013
    still_open(first)
    still_open(second)


def test_reports_are_limited_per_address_across_sockets_and_collapse_per_message(live):
    live["app"].config.update(CHAT_REPORT_BURST=2, CHAT_REPORTS_PER_HOUR=2)
    sockets = [joined(live) for _ in range(3)]
    answers = [reply(ws, json.dumps({"type": "report", "seq": live["seq"], "reason": "spam"})) for ws in sockets]
    assert [a.get("status") or a["code"] for a in answers] == ["reported", "reported", "rate_limited"]
    assert answers[2]["retry_after"] > 0


def test_a_failure_on_our_side_closes_with_1011_and_the_client_comes_back(live):
    ws = joined(live)
    live["server_failure"] = True
    with live["app"].app_context():
        Report.drop_table()                          # the server cannot store a report now
    try:
        ws.send(json.dumps({"type": "report", "seq": live["seq"], "reason": "rude"}))
        assert close_code(ws) == 1011                    # never 1000: the PWA reconnects with backoff
    finally:
        with live["app"].app_context():
            Report.create_table()
    back = connect(live, query=f"?as=observer&since={live['seq']}")
    assert until(back, "caught_up")[0]["type"] == "welcome"
    assert reply(back, json.dumps({"type": "report", "seq": live["seq"], "reason": "rude"}))["status"] == "reported"


def test_sockets_opened_from_one_address_are_paced(live):
    live["app"].config.update(CHAT_JOIN_BURST=3, CHAT_JOINS_PER_SECOND=2)
    first = [joined(live) for _ in range(3)]
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect(live)
    assert refused.value.status_code == 429 and int(refused.value.resp_headers["retry-after"]) >= 1
    time.sleep(0.6)
    joined(live)                                      # the bucket refilled
    still_open(first[0])


def test_joins_take_turns_and_a_socket_gives_its_turn_back_once_welcomed(live):
    live["app"].config.update(CHAT_JOINS_AT_ONCE=1)
    first = joined(live)
    second = joined(live)                             # the first is still open: its turn ended with its welcome
    refused = connect(live, query="?as=participant")  # a refused join gives its turn back too
    assert json.loads(refused.recv())["code"] == "login_required"
    joined(live)
    still_open(first)
    still_open(second)


def test_a_join_that_waits_too_long_for_its_turn_is_told_to_come_back(live):
    live["app"].config.update(CHAT_JOINS_AT_ONCE=1)
    gate = live["app"].extensions["chat_join_gate"]
    joined(live)
    gate.wait = 0.3
    gate.slots.acquire()                              # a join that does not finish holds the only turn
    try:
        with pytest.raises(websocket.WebSocketBadStatusException) as busy:
            connect(live)
        assert busy.value.status_code == 503 and busy.value.resp_headers["retry-after"] == "2"
        plain = requests.get(live["ws"].replace("ws:", "http:"), headers={"Upgrade": "websocket", "Origin": live["base"]})
        assert plain.status_code == 503 and plain.json()["error"]["code"] == "busy"
        assert requests.get(live["base"] + "/api/config").status_code == 200     # the rest of the app does not wait
    finally:
        gate.slots.release()
    joined(live)


def test_behind_a_proxy_each_forwarded_address_has_its_own_caps_before_flask(app_config):
    from backend import create_app
    app = create_app({**app_config, "PROXY_FIX": 1, "CHAT_JOIN_BURST": 1, "CHAT_JOINS_PER_SECOND": 0.01})
    client = app.test_client()

    def join(address):   # no Upgrade header: past the address's caps, Flask finds no socket route (404)
        return client.get("/ws/sessions/1", headers={"X-Forwarded-For": address, "Origin": "http://localhost"})

    assert join("203.0.113.5").status_code == 404
    again = join("203.0.113.5")
    assert again.status_code == 429 and int(again.headers["Retry-After"]) >= 1
    assert again.json["error"]["code"] == "rate_limited"
    assert again.headers["X-Content-Type-Options"] == "nosniff" and again.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in again.headers["Content-Security-Policy"]   # as every answer Flask makes
    assert join("198.51.100.7").status_code == 404        # another address behind the same proxy
