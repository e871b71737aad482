"""The room remembers what a welcome needs: joins read memory, and memory always says what the database says."""
import logging

from backend.chat.hub import hub
from backend.chat.room import read_shared
from tests.chat.helpers import Peer


def queries_during(caplog, action):
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        result = action()
    return result, [r.getMessage() for r in caplog.records if r.name == "peewee"]


def shared_from_the_database(chat):
    fresh = read_shared(chat.id)
    return {key: fresh[key] for key in ("removed", "questions", "answered", "archived")}


def welcome_shared(peer):
    welcome = peer.frames[0]
    return {key: welcome[key] for key in ("removed", "questions", "answered", "archived")}


def test_an_observer_joining_an_open_room_costs_no_query(chat, caplog):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    teen = chat.youth()
    teen.send("say", cid="q", text="Can I ride a moped at 14?", question=True)
    for n in range(4):
        host.send("say", cid=f"m{n}", text=f"hello {n}")
    chat.observer()                                   # the first join after changes reads them once
    watcher, queries = queries_during(caplog, lambda: Peer(chat.id, "observer", since=2).join())
    assert queries == []
    assert watcher.seqs() == [3, 4, 5] and watcher.last("caught_up")["last_seq"] == 5
    assert watcher.frames[0]["session"]["presence"]["observers"] == 2


def test_what_a_welcome_remembers_follows_every_change(chat):
    host, officer = chat.staffer(), chat.staffer("officer")
    host.send("moderate", action="mode", mode="open")
    teen, friend = chat.youth(), chat.youth()
    teen.send("say", cid="q1", text="Can I ride a moped at 14?", question=True)
    teen.send("say", cid="q2", text="Is a kick scooter a vehicle?", question=True)
    teen.send("say", cid="x", text="first!!!")
    early = chat.observer()
    assert welcome_shared(early) == shared_from_the_database(chat)
    friend.send("metoo", seq=1)
    friend.send("metoo", seq=2)
    host.send("moderate", action="delete", seq=3)
    officer.send("answer", seq=1, verdict="no", reason="At 15, with a licence.")
    host.send("moderate", action="publish", seq=4, topic="traffic")
    host.send("moderate", action="slow", seconds=10)
    late = chat.observer()
    assert welcome_shared(late) == shared_from_the_database(chat)
    assert late.frames[0]["questions"] == {"1": 1, "2": 1} and late.frames[0]["removed"] == [3]
    assert late.frames[0]["answered"] == [1] and late.frames[0]["archived"] == [4]
    assert late.frames[0]["session"]["slow_mode_seconds"] == 10
    assert late.seqs() == [1, 2, 4]                    # a removed message is not sent again
    assert "first!!!" not in str(late.frames)


def test_a_client_from_before_what_the_room_remembers_catches_up_from_the_database(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    room = hub.rooms[chat.id]
    room.memory.keep = 3
    for n in range(6):
        host.send("say", cid=f"s{n}", text=f"note {n}")
    recent = Peer(chat.id, "observer", since=4).join()
    assert recent.seqs() == [5, 6]
    old = Peer(chat.id, "observer", since=1).join()
    assert old.seqs() == [2, 3, 4, 5, 6]


def test_a_new_staff_member_appears_in_the_roster_of_later_welcomes(chat):
    chat.observer()
    before = chat.observer().frames[0]["session"]["staff"]
    chat.staffer("officer")
    after = chat.observer().frames[0]["session"]["staff"]
    assert len(after) == len(before) + 1


def test_reports_of_one_message_reach_staff_as_one_item_with_a_count(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    teen = chat.youth()
    teen.send("say", cid="a", text="something rude")
    watchers = [chat.youth() for _ in range(3)]
    for n, watcher in enumerate(watchers, start=1):
        assert watcher.send("report", seq=1, reason="rude")["status"] == "reported"
        assert {k: host.last("report")[k] for k in ("seq", "count")} == {"seq": 1, "count": n}
    assert len({f["id"] for f in host.of("report")}) == 1          # the same item, counted up
    late = chat.staffer("admin")
    assert [(r["seq"], r["count"]) for r in late.frames[0]["reports"]] == [(1, 3)]
    host.send("moderate", action="dismiss_report", report_id=host.last("report")["id"])
    assert Peer(chat.id, "staff", staff=chat.staff["admin"]).join().frames[0]["reports"] == []


def test_a_new_app_starts_with_no_rooms_of_an_earlier_one(chat, app_config):
    from backend import create_app
    chat.observer()
    assert chat.id in hub.rooms
    create_app(app_config)            # ids start again at 1 in a new database: an old room would answer for them
    assert hub.rooms == {}
