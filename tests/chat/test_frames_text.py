"""Chat frames take emoji sequences and refuse bidi and invisible characters, like every API text field."""


def test_chat_frames_take_emoji_and_refuse_overrides(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    teen = chat.youth()
    assert teen.send("say", cid="e", text="👮‍♀️ can the police read my snaps?")["status"] == "published"
    error = teen.send("say", cid="b", text="abc\u202edef")
    assert error["code"] == "invalid" and "bidirectional" in error["fields"]["text"]
    error = host.send("staff", text="note\u200bwith a hidden space")
    assert error["code"] == "invalid" and "invisible" in error["fields"]["text"]
    host.send("answer", seq=1, verdict="depends", reason="Only with a warrant 👮‍♀️🧑🏽‍⚖️")
    assert host.last("answer")["reason"] == "Only with a warrant 👮‍♀️🧑🏽‍⚖️"
