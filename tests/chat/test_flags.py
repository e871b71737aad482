"""A young person asking for help is not silenced: flagged messages are published in open mode,
staff see them marked "may need help" and can record a safeguarding concern in one tap, the sender is
shown the helplines; personal details are still held."""
from datetime import timedelta

from backend.chat import actions
from backend.models import SafeguardingConcern, utcnow

HELP = "may_need_help"


def open_mode(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    return host


def test_a_police_emoji_question_is_published_and_a_snap_handle_is_held(chat):
    host = open_mode(chat)
    teen, watcher = chat.youth(), chat.observer()

    ack = teen.send("say", cid="e1", text="👮‍♀️ can the police read my snaps?", question=True)
    assert ack["status"] == "published" and "flag" not in ack
    assert watcher.last("message")["text"] == "👮‍♀️ can the police read my snaps?"

    ack = teen.send("say", cid="h1", text="snäppää mua: aino_15")
    assert ack["status"] == "held" and ack["reason"] == "handle"
    assert [m["text"] for m in watcher.of("message")] == ["👮‍♀️ can the police read my snaps?"]
    assert host.last("held")["text"] == "snäppää mua: aino_15"


def test_a_flagged_question_is_published_marked_for_staff_and_the_sender_sees_helplines(chat):
    host = open_mode(chat)
    teen, watcher, officer = chat.youth(), chat.observer(), chat.staffer("officer")

    ack = teen.send("say", cid="f1", text="someone is sharing my nudes what do i do", question=True)
    assert ack["status"] == "published" and ack["flag"] == HELP            # the PWA shows the helplines card
    seen = watcher.last("message")
    assert seen["text"] == "someone is sharing my nudes what do i do" and "flag" not in seen
    assert watcher.of("flag") == []                                         # observers never see the marker
    for staff in (host, officer):
        assert staff.last("flag") == {"type": "flag", "seq": seen["seq"], "id": seen["id"], "flag": HELP}

    officer.send("concern", seq=seen["seq"])                                # one tap, no note needed
    concern = host.last("concern")
    assert concern["seq"] == seen["seq"] and concern["by"]["id"] == chat.staff["officer"].id
    row = SafeguardingConcern.get_by_id(concern["id"])
    assert row.detail["text"] == "someone is sharing my nudes what do i do"


def test_words_young_people_use_about_harm_are_not_held(chat):
    open_mode(chat)
    teen = chat.youth()
    for i, text in enumerate(["what counts as rape? asking for real", "is watching porn illegal under 18",
                              "is it illegal to call someone homo", "onko homofobia rikos suomessa",
                              "onks natsisymbolin näyttäminen laitonta", "are nazi symbols illegal in finland",
                              "mua kiusataan koulus joka päivä", "asuin ruotsissa 2015-2020",
                              "sain 1 000 000 viestiä"]):
        ack = teen.send("say", cid=f"w{i}", text=text)
        assert ack["status"] == "published", (text, ack)
        actions.reset_limits()                  # nine messages in a row: past the youth burst of three


def test_a_flagged_message_held_for_another_reason_carries_the_flag_in_the_queue(chat):
    host = open_mode(chat)
    teen = chat.youth()
    ack = teen.send("say", cid="p1", text="mua kiusataan, soita 040 123 4567")
    assert ack["status"] == "held" and ack["reason"] == "phone" and ack["flag"] == HELP
    held = host.last("held")
    assert held["flag"] == HELP and held["reason"] == "phone"

    host.send("moderate", action="approve", id=held["id"])
    assert host.last("flag")["id"] == held["id"]


def test_staff_joining_later_see_which_messages_were_flagged(chat):
    open_mode(chat)
    teen = chat.youth()
    teen.send("say", cid="a", text="what time does the chat end?")
    flagged = teen.send("say", cid="b", text="my friend does drugs what should i do")
    late = chat.staffer("officer")
    welcome = late.last("welcome")
    assert welcome["flags"] == {str(flagged["seq"]): HELP}
    assert "flags" not in chat.youth().last("welcome") and "flags" not in chat.observer().last("welcome")


def test_premoderation_still_holds_flagged_messages_and_marks_them(chat):
    host, teen = chat.staffer(), chat.youth()
    ack = teen.send("say", cid="m1", text="I think about self harm sometimes")
    assert ack["status"] == "held" and ack["reason"] == "premoderation" and ack["flag"] == HELP
    assert host.last("held")["flag"] == HELP
    assert host.last("welcome")["queue"] == [] and chat.staffer("officer").last("welcome")["queue"][0]["flag"] == HELP


def test_an_ask_ahead_question_that_may_need_help_offers_the_helplines(as_role):
    host = as_role("youth_worker")
    start = (utcnow() + timedelta(minutes=10)).isoformat() + "Z"
    session = host.post("/api/sessions", json={"starts_at": start, "minutes": 60}).json
    teen = as_role("youth")
    asked = teen.post(f"/api/sessions/{session['id']}/questions", json={"cid": "a1", "text": "mua kiusataan koulussa"})
    assert asked.status_code == 201 and asked.json["reason"] == "ask_ahead" and asked.json["flag"] == HELP
    plain = teen.post(f"/api/sessions/{session['id']}/questions", json={"cid": "a2", "text": "Is vaping legal at 16?"})
    assert plain.status_code == 201 and "flag" not in plain.json
