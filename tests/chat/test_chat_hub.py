"""The chat hub without sockets: moderation, catch-up, roles, backchannel, answers, sanctions, limits."""
import threading
import time

from backend.chat import actions, dispatch
from backend.models import Answer, AuditLog, ChatMessage, ChatSession
from tests.chat.helpers import Peer


def test_premoderated_question_waits_until_the_host_approves_it(chat):
    host, teen, watcher = chat.staffer(), chat.youth(), chat.observer()
    ack = teen.send("say", cid="q1", text="Is it legal to film the police?", question=True)
    assert ack == {"type": "ack", "cid": "q1", "id": ack["id"], "seq": None, "status": "held", "reason": "premoderation"}
    assert watcher.of("message") == []
    held = host.last("held")
    assert held["text"] == "Is it legal to film the police?" and held["reason"] == "premoderation"

    host.send("moderate", action="approve", id=held["id"])
    seen = watcher.last("message")
    assert seen["seq"] == 1 and seen["text"] == "Is it legal to film the police?" and seen["question"] is True
    assert seen["author"] == {"kind": "youth", "handle": teen.conn.handle}
    assert teen.last("status") == {"type": "status", "cid": "q1", "id": held["id"], "seq": 1, "status": "published"}
    assert host.last("moderated")["action"] == "approve"
    assert AuditLog.select().where(AuditLog.action == "chat.approve", AuditLog.actor == chat.staff["youth_worker"]).exists()


def test_rejected_message_tells_the_sender_why_and_nobody_else_sees_it(chat):
    host, teen, watcher = chat.staffer(), chat.youth(), chat.observer()
    held_id = teen.send("say", cid="r1", text="hello everyone")["id"]
    host.send("moderate", action="reject", id=held_id, reason="Please ask a question about safety or the law.")
    assert teen.last("status")["status"] == "rejected"
    assert teen.last("status")["reason"] == "Please ask a question about safety or the law."
    assert watcher.of("message") == [] and watcher.of("status") == []
    assert host.send("moderate", action="approve", id=held_id)["code"] == "conflict"


def test_open_mode_publishes_at_once_and_a_resent_cid_is_stored_once(chat):
    host, teen, watcher = chat.staffer(), chat.youth(), chat.observer()
    host.send("moderate", action="mode", mode="open")
    assert watcher.last("state")["moderation"] == "open"
    first = teen.send("say", cid="c1", text="What does a sector officer do?")
    assert first["status"] == "published" and first["seq"] == 1
    again = teen.send("say", cid="c1", text="What does a sector officer do?")
    assert again["duplicate"] is True and again["seq"] == 1
    assert watcher.seqs() == [1]
    assert ChatMessage.select().where(ChatMessage.session == chat.id).count() == 1


def test_personal_details_are_held_even_in_open_mode(chat):
    host, teen = chat.staffer(), chat.youth()
    host.send("moderate", action="mode", mode="open")
    cases = {"call me on 040 123 4567": "phone", "mail me: teen@example.com": "email",
             "my code is 131052-308T": "hetu", "I live at Isokatu 12": "address", "add me snap: coolkid": "handle",
             "vitun kyttä": "word"}
    for n, (text, reason) in enumerate(cases.items()):
        actions.reset_limits()                        # not testing the rate limit here
        ack = teen.send("say", cid=f"p{n}", text=text)
        assert (ack["status"], ack["reason"]) == ("held", reason), text
    assert [item["reason"] for item in host.of("held")] == list(cases.values())


def test_observers_are_read_only_for_every_frame_type(chat):
    chat.staffer().send("moderate", action="mode", mode="open")
    teen, watcher = chat.youth(), chat.observer()
    teen.send("say", cid="x", text="A question?", question=True)
    attempts = [("say", {"cid": "o1", "text": "hi"}), ("metoo", {"seq": 1}), ("staff", {"text": "x"}),
                ("answer", {"seq": 1, "verdict": "yes", "reason": "x"}), ("claim", {"seq": 1}),
                ("moderate", {"action": "close"}), ("concern", {"seq": 1}), ("nonsense", {})]
    for kind, fields in attempts:
        assert watcher.send(kind, **fields)["code"] == "read_only", kind
    assert ChatMessage.select().where(ChatMessage.session == chat.id).count() == 1
    assert chat.session().closed_at is None
    assert watcher.send("ping")["type"] == "pong"


def test_reconnect_since_gets_exactly_what_was_missed_including_later_approvals(chat):
    host, teen = chat.staffer(), chat.youth()
    held = [teen.send("say", cid=f"m{n}", text=f"question {n}")["id"] for n in range(3)]
    host.send("moderate", action="approve", id=held[0])            # seq 1
    host.send("say", cid="h1", text="Welcome all")                  # seq 2
    away = chat.observer()
    assert away.seqs() == [1, 2]
    away.leave()
    host.send("moderate", action="approve", id=held[2])            # seq 3, approved while away
    host.send("moderate", action="approve", id=held[1])            # seq 4
    back = Peer(chat.id, "observer", since=2).join()
    assert back.seqs() == [3, 4]
    assert [f["text"] for f in back.of("message")] == ["question 2", "question 1"]
    assert back.frames[0]["type"] == "welcome" and back.last("caught_up")["last_seq"] == 4
    host.send("say", cid="h2", text="Next one")
    assert back.seqs() == [3, 4, 5]


def test_live_frames_during_catch_up_are_neither_lost_nor_duplicated(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    for n in range(5):
        host.send("say", cid=f"a{n}", text=f"note {n}")
    late = Peer(chat.id, "observer", since=0)
    original = late.conn.deliver_catch_up

    def slow_catch_up(stream, seq, text):      # new messages arrive while the backlog is being sent
        if seq == 2:
            host.send("say", cid=f"race{seq}", text="during catch-up")
        original(stream, seq, text)
    late.conn.deliver_catch_up = slow_catch_up
    late.join()
    host.send("say", cid="after", text="after")
    assert late.seqs() == list(range(1, 8))


def test_the_backchannel_reaches_staff_only_on_every_path(chat):
    officer, host, teen, watcher = chat.staffer("officer"), chat.staffer(), chat.youth(), chat.observer()
    officer.send("staff", text="I'll take the scooter question")
    note = host.last("staff")
    assert note["text"] == "I'll take the scooter question" and note["staff_seq"] == 1
    assert officer.last("staff")["author"]["name"] == chat.staff["officer"].name
    assert teen.of("staff") == [] and watcher.of("staff") == []
    later_teen, later_watcher = chat.youth(), chat.observer()
    for peer in (teen, watcher, later_teen, later_watcher):
        assert "I'll take" not in str(peer.frames)
        assert "last_staff_seq" not in str(peer.frames)
    late_host = Peer(chat.id, "staff", staff=chat.staff["admin"], staff_since=0).join()
    assert [f["text"] for f in late_host.of("staff")] == ["I'll take the scooter question"]
    assert teen.send("staff", text="sneaky")["code"] == "forbidden"


def test_answer_card_claims_votes_and_publishing_to_the_archive(chat, client):
    host, officer, officer2 = chat.staffer(), chat.staffer("officer"), chat.staffer("officer2")
    teen, friend, watcher = chat.youth(), chat.youth(), chat.observer()
    held = teen.send("say", cid="q", text="Can I ride an e-scooter with a friend on it?", question=True)
    host.send("moderate", action="approve", id=held["id"])
    friend.send("metoo", seq=1)
    friend.send("metoo", seq=1)                                   # twice counts once
    assert watcher.last("votes") == {"type": "votes", "seq": 1, "votes": 1}
    officer.send("claim", seq=1)
    assert officer2.last("claim") == {"type": "claim", "seq": 1, "staff": {"id": officer.conn.staff_id,
                                                                         "name": officer.conn.staff.name}}
    assert watcher.of("claim") == []
    officer.send("answer", seq=1, verdict="no", reason="Only one person may ride an e-scooter.",
                 link="https://finlex.fi/")
    card = watcher.last("answer")
    assert card["seq"] == 2 and card["question_seq"] == 1 and card["verdict"] == "no"
    assert officer2.send("answer", seq=1, verdict="yes", reason="x")["code"] == "already_answered"
    assert officer.send("moderate", action="publish", seq=2)["code"] == "forbidden"
    host.send("moderate", action="publish", seq=2, topic="traffic")
    assert watcher.last("archived")["topic"] == "traffic"
    reloaded_host = Peer(chat.id, "staff", staff=chat.staff["youth_worker"]).join()
    assert reloaded_host.frames[0]["archived"] == [2] and reloaded_host.frames[0]["answered"] == [1]
    friend_again = Peer(chat.id, "participant", youth=friend.conn.youth).join()
    assert friend_again.frames[0]["voted"] == [1] and friend_again.frames[0]["questions"] == {"1": 1}
    found = client.get("/api/answers?q=scoot").json["answers"]
    assert [a["question"] for a in found] == ["Can I ride an e-scooter with a friend on it?"]
    assert teen.conn.handle not in str(found) and found[0]["verdict"] == "no"
    assert client.get("/api/answers?q=bicycle").json["answers"] == []
    assert client.get("/api/answers?topic=traffic").json["answers"][0]["id"] == found[0]["id"]


def test_mute_remove_and_block_keep_a_youth_out(chat):
    host, teen, other = chat.staffer(), chat.youth(device="dev-1"), chat.youth()
    host.send("moderate", action="mode", mode="open")
    first = teen.send("say", cid="a", text="first")
    host.send("moderate", action="mute", seq=first["seq"], minutes=5)
    assert teen.last("sanction")["kind"] == "mute"
    refused = teen.send("say", cid="b", text="still here?")
    assert refused["code"] == "muted" and refused["retry_after"] > 200
    other_msg = other.send("say", cid="c", text="hello")
    host.send("moderate", action="block", seq=other_msg["seq"])
    assert other.close_code == 4009
    from backend.models import Youth
    same_person = Peer(chat.id, "participant", youth=Youth.get_by_id(other.conn.youth_id)).join()
    assert same_person.close_code == 4009 and same_person.last("error")["code"] == "removed"
    new_identity_same_device = Peer(chat.id, "participant", youth=Youth.create(handle="FreshStart1"), device="dev-1")
    new_identity_same_device.join()
    assert new_identity_same_device.close_code is None        # teen's device was not blocked, only muted
    assert AuditLog.select().where(AuditLog.action.in_(["chat.mute", "chat.block"])).count() == 2


def test_rate_limits_slow_youth_but_never_staff(chat):
    host, teen = chat.staffer(), chat.youth()
    answers = [teen.send("say", cid=f"y{n}", text=f"msg {n}") for n in range(4)]
    assert [a.get("code", a.get("status")) for a in answers] == ["held", "held", "held", "rate_limited"]
    assert answers[-1]["cid"] == "y3" and answers[-1]["retry_after"] > 0
    staff_acks = [host.send("say", cid=f"s{n}", text=f"answer {n}") for n in range(8)]
    assert all(a["status"] == "published" for a in staff_acks)


def test_a_deactivated_staff_members_socket_closes_at_once(chat):
    officer = chat.staffer("officer")
    actions.hub.broker.publish("staff", {"type": "deactivated", "staff_id": officer.conn.staff_id})
    assert officer.close_code == 4003


def test_concurrent_senders_get_unique_gapless_seqs(chat):
    chat.staffer().send("moderate", action="mode", mode="open")
    watcher = chat.observer()
    teens = [chat.youth() for _ in range(6)]

    def talk(peer):
        from backend.db import db
        with db.connection_context():
            for n in range(3):
                dispatch.handle(peer.conn, chat.id, {"type": "say", "cid": f"t{n}", "text": f"hi {n}"})
    threads = [threading.Thread(target=talk, args=(t,)) for t in teens]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(watcher.seqs()) == list(range(1, 19))
    assert watcher.seqs() == list(range(1, 19))               # and in order
    assert ChatSession.get_by_id(chat.id).last_seq == 18


def test_reports_and_safeguarding_concerns_are_staff_only(chat):
    host, teen, watcher = chat.staffer(), chat.youth(), chat.observer()
    host.send("moderate", action="mode", mode="open")
    seq = teen.send("say", cid="s", text="I feel unsafe at home")["seq"]
    assert watcher.send("report", seq=seq, reason="worrying")["status"] == "reported"
    assert host.last("report")["reason"] == "worrying"
    host.send("concern", seq=seq, note="follow up with the school")
    assert host.last("concern")["note"] == "follow up with the school"
    assert teen.of("concern") == [] and watcher.of("report") == []


def test_answer_rows_copy_the_question_without_a_handle(chat):
    host, teen = chat.staffer(), chat.youth()
    held = teen.send("say", cid="q", text="Do I need a helmet?", question=True)
    host.send("moderate", action="approve", id=held["id"])
    host.send("answer", seq=1, verdict="depends", reason="On a bicycle, yes by law.")
    answer = Answer.get()
    assert answer.question == "Do I need a helmet?" and answer.published_at is None


def test_sockets_are_told_when_the_clock_opens_the_session(chat):
    from datetime import timedelta

    from backend.models import utcnow
    watcher = chat.observer()
    session = chat.session()
    session.starts_at, session.ends_at = utcnow() + timedelta(minutes=5), utcnow() + timedelta(minutes=60)
    session.save()
    actions.hub.check_states()                       # lobby noted
    ChatSession.update(starts_at=utcnow() - timedelta(seconds=1)).where(ChatSession.id == chat.id).execute()
    actions.hub.check_states()
    assert watcher.last("state")["state"] == "open"


def test_a_blocked_device_stays_out_under_a_new_identity(chat):
    from backend.models import Youth
    host, teen = chat.staffer(), chat.youth(device="device-hash-1")
    host.send("moderate", action="mode", mode="open")
    seq = teen.send("say", cid="a", text="spam")["seq"]
    host.send("moderate", action="block", seq=seq)
    assert teen.close_code == 4009 and teen.last("sanction")["kind"] == "block"
    fresh = Peer(chat.id, "participant", youth=Youth.create(handle="BrandNew1"), device="device-hash-1").join()
    assert fresh.close_code == 4009
    other_device = Peer(chat.id, "participant", youth=Youth.create(handle="BrandNew2"), device="device-hash-2").join()
    assert other_device.close_code is None and other_device.frames[0]["type"] == "welcome"


def test_erasing_a_youth_keeps_the_archived_answer_to_their_question(chat):
    from backend.models import Youth
    host, teen = chat.staffer(), chat.youth()
    held = teen.send("say", cid="q", text="Can I film a police check?", question=True)
    host.send("moderate", action="approve", id=held["id"])
    host.send("answer", seq=1, verdict="depends", reason="In public you may, if you don't disturb the work.")
    host.send("moderate", action="publish", seq=2, topic="law")
    Youth.get_by_id(teen.conn.youth_id).erase()
    assert ChatMessage.select().where(ChatMessage.youth == teen.conn.youth_id).count() == 0
    assert Answer.get().published_at is not None and Answer.get().question == "Can I film a police check?"


def test_the_presence_ticker_runs_beside_live_sockets_and_stays_out_of_a_hub_its_owner_ticks(chat):
    """A server's hub ticks presence once a second from its first join; a hub driven by hand (these tests,
    with synchronous delivery) runs no ticker, so a tick never lands between two lines of a test."""
    from backend.broker import LocalBroker
    from backend.chat.hub import hub
    from tests.chat.helpers import reset_hub

    def tickers():
        return [t for t in threading.enumerate() if t.name == "chat-presence" and t.is_alive()]

    reset_hub()                              # as a server (the app's broker): the first joins start one ticker
    arriving = threading.Barrier(16)
    peers = [Peer(chat.id, "observer") for _ in range(16)]

    def arrive(peer):
        arriving.wait()
        hub.add(chat.id, peer.conn)          # the hub's part of a join, all at the same moment
    joins = [threading.Thread(target=arrive, args=(peer,)) for peer in peers]
    for thread in joins:
        thread.start()
    for thread in joins:
        thread.join()
    assert len(hub.connections(chat.id)) == 16
    assert len(tickers()) == 1 and hub.ticker.is_alive()
    host = chat.staffer()                     # one subscription to staff deactivations: told once
    hub.broker.publish("staff", {"type": "deactivated", "staff_id": host.conn.staff_id})
    deadline = time.monotonic() + 5
    while host.close_code is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    assert host.close_code == 4003 and [f["code"] for f in host.of("error")] == ["deactivated"]
    reset_hub(LocalBroker())               # driven by hand: the running ticker ends
    assert tickers() == [] and hub.ticker is None
    chat.observer()
    assert tickers() == []                   # and a join does not start one
