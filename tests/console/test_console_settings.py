"""Console settings, youth centres, the audit log and the staff home, through the API."""
from datetime import timedelta

from backend.models import AuditLog, Meetup, Setting, Signup, Staff, YouthCentre, utcnow

# --- youth centres --------------------------------------------------------------------------------

def test_admin_creates_edits_and_retires_a_youth_centre(app, city, as_role, client):
    admin = as_role("admin")
    organiser = city["staff"]["organiser"]
    made = admin.post("/api/console/youth-centres", {"name": "Nuorisotalo Tähti", "address": "Tähtitie 1",
                                                    "sector_id": city["south"].id, "latitude": 65.01,
                                                    "longitude": 25.47, "organiser_ids": [organiser.id]})
    assert made.status_code == 201, made.json
    centre_id = made.json["id"]
    assert made.json["organisers"] == [{"id": organiser.id, "name": "Oskari Organiser", "active": True}]
    assert Staff.get_by_id(organiser.id).youth_centre_id == centre_id
    names = lambda: [c["name"] for c in client.get("/api/youth-centres").json["youth_centres"]]
    assert names() == ["Kupla", "Nuorisotalo Tähti"]
    changed = admin.patch(f"/api/console/youth-centres/{centre_id}", {"name": "Tähti", "sector_id": 0})
    assert changed.json["name"] == "Tähti" and changed.json["sector_id"] is None
    assert admin.post(f"/api/console/youth-centres/{centre_id}/retire").json["retired"] is True
    assert names() == ["Kupla"]                                     # no longer offered
    assert admin.post(f"/api/console/youth-centres/{centre_id}/restore").json["retired"] is False
    actions = [r.action for r in AuditLog.select().where(AuditLog.target_type == "YouthCentre").order_by(AuditLog.id)]
    assert actions == ["centre.create", "centre.change", "centre.retire", "centre.restore"]


def test_youth_centre_input_is_checked(app, city, as_role):
    admin = as_role("admin")
    assert admin.post("/api/console/youth-centres", {"name": "X"}).status_code == 422
    half = admin.post("/api/console/youth-centres", {"name": "Kupla 2", "latitude": 65.0})
    assert half.status_code == 422 and "latitude" in half.json["error"]["fields"]
    wrong = admin.post("/api/console/youth-centres", {"name": "Kupla 2", "organiser_ids": [city["staff"]["officer"].id]})
    assert wrong.status_code == 422 and "organiser_ids" in wrong.json["error"]["fields"]
    assert admin.post("/api/console/youth-centres", {"name": "Kupla 2", "latitude": 91, "longitude": 0}).status_code == 422
    assert admin.patch("/api/console/youth-centres/999", {"name": "Nope"}).status_code == 404
    assert YouthCentre.select().count() == 1


# --- settings -------------------------------------------------------------------------------------

def test_helplines_from_the_console_win_over_the_environment(app, city, as_role, client):
    admin = as_role("admin")
    default = client.get("/api/config").json["helplines"]
    assert default == app.config["HELPLINES"]
    lines = [{"name": "Emergency number", "number": "112"}, {"name": "Nuortennetti", "url": "https://www.nuortennetti.fi/"}]
    saved = admin.put("/api/console/settings/helplines", {"helplines": lines})
    assert saved.status_code == 200 and saved.json["helplines_from"] == "console"
    shown = client.get("/api/config").json["helplines"]
    assert [line["name"] for line in shown] == ["Emergency number", "Nuortennetti"]
    bad = admin.put("/api/console/settings/helplines", {"helplines": [{"name": "Nothing to call"}]})
    assert bad.status_code == 422
    assert admin.put("/api/console/settings/helplines", {"helplines": None}).json["helplines_from"] == "environment"
    assert client.get("/api/config").json["helplines"] == default


def test_retention_and_word_lists_are_saved_checked_and_audited(app, city, as_role):
    admin = as_role("admin")
    saved = admin.put("/api/console/settings/retention", {"chat_keep_days": 14, "meetup_personal_data_days": 7})
    assert saved.status_code == 200
    assert saved.json["retention"]["chat_keep_days"]["days"] == 14
    assert Setting.value_of("retention.CHAT_KEEP_DAYS") == 14
    out = admin.put("/api/console/settings/retention", {"chat_keep_held_days": 0})
    assert out.status_code == 422 and "chat_keep_held_days" in out.json["error"]["fields"]
    words = admin.put("/api/console/settings/word-lists/fi", {"hold": ["Rumasana ", "rumasana"], "flag": ["hätä"]})
    assert words.json["word_lists"]["fi"] == {"hold": ["rumasana"], "flag": ["hätä"]}
    assert admin.put("/api/console/settings/word-lists/xx", {"hold": []}).status_code == 404
    actions = [r.action for r in AuditLog.select().order_by(AuditLog.id)]
    assert actions == ["settings.retention", "settings.word_list"]


def test_only_admins_change_settings(app, city, as_role):
    for role in ("officer", "youth_worker", "organiser"):
        refused = as_role(role).put("/api/console/settings/retention", {"chat_keep_days": 3})
        assert refused.status_code == 403
    assert Setting.select().count() == 0


# --- the audit log --------------------------------------------------------------------------------

def test_audit_log_filters_and_csv(app, city, as_role):
    admin = as_role("admin")
    uma, olli = city["staff"]["unverified"], city["staff"]["officer"]
    admin.post(f"/api/console/staff/{uma.id}/verify")
    admin.patch(f"/api/console/staff/{olli.id}", {"title": "=HYPERLINK(\"x\")"})
    old = AuditLog.record(None, "staff.verify", olli)
    AuditLog.update(created_at=utcnow() - timedelta(days=40)).where(AuditLog.id == old.id).execute()
    everything = admin.get("/api/console/audit").json
    assert [e["action"] for e in everything["entries"]] == ["staff.verify", "staff.change", "staff.verify"]
    assert everything["actors"] == [{"id": city["staff"]["admin"].id, "name": "Ada Admin"}]
    ada = city["staff"]["admin"].id
    assert [e["target_id"] for e in admin.get(f"/api/console/audit?actor_id={ada}&action=staff.verify").json["entries"]] == [uma.id]
    assert len(admin.get("/api/console/audit?action=staff.").json["entries"]) == 3
    since = (utcnow() - timedelta(days=1)).date().isoformat()
    assert len(admin.get(f"/api/console/audit?since={since}").json["entries"]) == 2
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    assert [e["actor"] for e in admin.get(f"/api/console/audit?until={until}").json["entries"]] == [None]
    assert admin.get("/api/console/audit?since=yesterday").status_code == 422
    csv = admin.get(f"/api/console/audit.csv?actor_id={ada}")
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).strip().splitlines()
    assert lines[0] == "id,at,action,actor_id,actor,target_type,target_id,detail" and len(lines) == 3
    assert "'{" not in lines[1] and "\"'=HYPERLINK" not in lines[1]            # detail is JSON, no formula
    assert ",Ada Admin,Staff," in lines[1]


# --- the staff home -------------------------------------------------------------------------------

def test_staff_home_by_role(app, city, as_role):
    officer = as_role("officer")
    officer.post("/api/posts", {"text": "Hello from North"})
    home = officer.get("/api/console/home").json
    assert home["role"] == "officer" and [p["text"] for p in home["posts"]] == ["Hello from North"]
    assert home["followers"] == 0 and home["questions_waiting"] == 0 and "meetups" in home
    worker = as_role("youth_worker").get("/api/console/home").json
    assert "sessions" in worker and worker["last_session"] is None
    now = utcnow()
    meetup = Meetup.create(organiser=city["staff"]["organiser"], youth_centre=city["centre"], title="Games night",
                           kind="youth_centre_evening", venue_name="Kupla", starts_at=now + timedelta(days=2),
                           ends_at=now + timedelta(days=2, hours=2), capacity=10, waitlist_size=5)
    for n, status in enumerate(["confirmed", "confirmed", "waitlisted", "pending"]):
        Signup.create(meetup=meetup, status=status, arrival=n + 1, age=14,
                      checked_in_at=now if n == 0 else None)
    organiser = as_role("organiser").get("/api/console/home").json
    assert organiser["meetups"] == [{"id": meetup.id, "title": "Games night", "starts_at": organiser["meetups"][0]["starts_at"],
                                     "venue": "Kupla", "capacity": 10, "cancelled": False, "confirmed": 2,
                                     "waitlisted": 1, "pending": 1, "checked_in": 1,
                                     "organise": f"/meetups/{meetup.id}/organise"}]
    admin = as_role("admin").get("/api/console/home").json
    assert admin["unverified"] == 1 and admin["open_invites"] == 0


def test_retention_from_the_console_is_what_the_purge_uses(app, city, as_role):
    from backend.chat.retention import purge_chat
    from backend.models import ChatMessage, ChatSession
    admin = as_role("admin")
    now = utcnow()
    session = ChatSession.create(title="Old", starts_at=now - timedelta(days=20), ends_at=now - timedelta(days=20) + timedelta(hours=2))
    ChatMessage.create(session=session, seq=1, cid="s1:a", staff=city["staff"]["youth_worker"], text="Hello",
                       state=ChatMessage.PUBLISHED, created_at=now - timedelta(days=20))
    with app.app_context():
        assert purge_chat(now)["published"] == 0                  # kept 30 days by default
    admin.put("/api/console/settings/retention", {"chat_keep_days": 14})
    with app.app_context():
        assert purge_chat(now)["published"] == 1


def test_the_citys_words_hold_and_flag_chat_messages(app, city, as_role):
    from backend.chat.moderation import flag_reason, hold_reason
    admin = as_role("admin")
    with app.app_context():
        assert hold_reason("tämä on kurpitsalyhty") is None and flag_reason("pelottaa kotona") is None
    saved = admin.put("/api/console/settings/word-lists/fi", {"hold": ["kurpitsalyhty"], "flag": ["pelottaa kotona"]})
    assert saved.status_code == 200
    with app.app_context():
        assert hold_reason("tämä on KURPITSALYHTY!") == "word"
        assert flag_reason("minua pelottaa kotona") == "may_need_help"
