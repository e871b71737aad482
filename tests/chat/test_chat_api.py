"""Sessions, schedule (DST), ask-ahead, archive, helplines, retention and the open-session command."""
from datetime import datetime, timedelta

from backend.chat.planning import occurrences, plan_sessions
from backend.chat.retention import purge_chat
from backend.models import Answer, ChatMessage, ChatSchedule, ChatSession, Youth, utcnow


def test_weekly_slot_stays_at_16_city_time_across_dst(app):
    with app.app_context():
        slot = ChatSchedule(weekday=0, starts="16:00", minutes=120)
        starts = [start for start, _ in occurrences(slot, datetime(2027, 3, 20, 12, 0), days=14)]
        # Helsinki: UTC+2 until Sunday 28 March 2027, UTC+3 after
        assert starts == [datetime(2027, 3, 22, 14, 0), datetime(2027, 3, 29, 13, 0)]
        autumn = [start for start, _ in occurrences(slot, datetime(2027, 10, 25, 14, 0), days=10)]
        assert autumn == [datetime(2027, 10, 25, 13, 0), datetime(2027, 11, 1, 14, 0)]


def test_next_session_comes_from_the_default_monday_slot(client, app):
    body = client.get("/api/sessions/next").json
    assert body["title"] == "Monday chat" and body["state"] in ("scheduled", "lobby", "open")
    start = datetime.fromisoformat(body["starts_at"].rstrip("Z"))
    assert (datetime.fromisoformat(body["ends_at"].rstrip("Z")) - start) == timedelta(hours=2)
    assert body["ws"] == f"/ws/sessions/{body['id']}"
    assert client.get(f"/api/sessions/{body['id']}").json["id"] == body["id"]
    with app.app_context():
        planned = ChatSession.select().count()
        plan_sessions()                   # planning again creates nothing new
        assert planned >= 2 and ChatSession.select().count() == planned


def test_states_follow_the_clock(app):
    with app.app_context():
        now = utcnow()
        s = ChatSession(title="x", starts_at=now + timedelta(minutes=30), ends_at=now + timedelta(minutes=90))
        assert s.state(now) == "scheduled"
        assert s.state(now + timedelta(minutes=16)) == "lobby"
        assert s.state(now + timedelta(minutes=30)) == "open"
        assert s.state(now + timedelta(minutes=90)) == "closed"


def test_no_session_planned_answers_404(as_role):
    host = as_role("youth_worker")
    slot = host.get("/api/schedule").json["slots"][0]
    assert host.delete(f"/api/schedule/{slot['id']}").status_code == 204
    response = host.get("/api/sessions/next")
    assert response.status_code == 404 and response.json["error"]["code"] == "no_session"


def test_youth_workers_edit_the_schedule_and_officers_cannot(as_role):
    host, officer = as_role("youth_worker"), as_role("officer")
    body = {"weekday": 2, "starts": "15:30", "minutes": 90, "title": "Wednesday chat"}
    assert officer.post("/api/schedule", json=body).status_code == 403
    created = host.post("/api/schedule", json=body)
    assert created.status_code == 201 and created.json["starts"] == "15:30"
    bad = host.patch(f"/api/schedule/{created.json['id']}", json={"starts": "25:00"})
    assert bad.status_code == 422 and "starts" in bad.json["error"]["fields"]
    assert host.patch(f"/api/schedule/{created.json['id']}", json={"minutes": 60}).json["minutes"] == 60
    titles = [s["title"] for s in host.get("/api/sessions").json["sessions"]]
    assert "Wednesday chat" in titles


def test_one_off_session_needs_a_time_zone_and_a_manager(as_role):
    host = as_role("youth_worker")
    start = (utcnow() + timedelta(hours=1)).isoformat()
    naive = host.post("/api/sessions", json={"starts_at": start, "minutes": 30})
    assert naive.status_code == 422
    made = host.post("/api/sessions", json={"starts_at": start + "Z", "minutes": 30, "title": "Pop-up chat"})
    assert made.status_code == 201 and made.json["one_off"] is True and made.json["state"] == "scheduled"
    assert as_role("youth").post("/api/sessions", json={"starts_at": start + "Z", "minutes": 30}).status_code == 403
    closed = host.post(f"/api/sessions/{made.json['id']}/close")
    assert closed.json["state"] == "closed"


def test_ask_ahead_waits_in_the_queue_before_the_session(as_role, app):
    host = as_role("youth_worker")
    start = (utcnow() + timedelta(minutes=10)).isoformat() + "Z"
    session = host.post("/api/sessions", json={"starts_at": start, "minutes": 60}).json
    assert session["state"] == "lobby"
    teen = as_role("youth")
    asked = teen.post(f"/api/sessions/{session['id']}/questions", json={"cid": "ahead1", "text": "Is vaping legal at 16?"})
    assert asked.status_code == 201 and asked.json["status"] == "held" and asked.json["reason"] == "ask_ahead"
    again = teen.post(f"/api/sessions/{session['id']}/questions", json={"cid": "ahead1", "text": "Is vaping legal at 16?"})
    assert again.status_code == 200 and again.json["id"] == asked.json["id"]
    with app.app_context():
        assert [m.text for m in ChatMessage.queue(session["id"])] == ["Is vaping legal at 16?"]


def test_helplines_are_in_the_public_config(client):
    helplines = client.get("/api/config").json["helplines"]
    assert helplines[0]["number"] == "112" and len(helplines) >= 2


def test_retention_purges_messages_but_keeps_the_archive(app):
    with app.app_context():
        now = utcnow()
        session = ChatSession.create(title="old", starts_at=now, ends_at=now + timedelta(hours=1))
        teen = Youth.create(handle="OldTeen1")
        q = ChatMessage.create(session=session, seq=1, cid="y:1", youth=teen, text="Q?", state="published", is_question=True)
        ChatMessage.create(session=session, cid="y:2", youth=teen, text="held", state="held")
        Answer.create(message=q.id, session=session, question="Q?", verdict="yes", reason="R", published_at=now)
        assert purge_chat(now + timedelta(days=8))["held"] == 1
        assert ChatMessage.select().count() == 1
        assert purge_chat(now + timedelta(days=31))["published"] == 1
        assert ChatMessage.select().count() == 0 and Answer.select().count() == 1


def test_open_session_command_opens_a_session_now(runner, app):
    result = runner.invoke(args=["open-session", "--now", "--minutes", "30"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = ChatSession.select().order_by(ChatSession.id.desc()).first()
        assert session.state() == "open"


def test_demo_city_has_a_session_open_now_with_an_archived_answer(app, client):
    with app.app_context():
        from backend.demo import seed_demo
        seed_demo()
    body = client.get("/api/sessions/next").json
    assert body["state"] == "open"
    assert client.get("/api/answers?q=scooter").json["answers"][0]["verdict"] == "no"
