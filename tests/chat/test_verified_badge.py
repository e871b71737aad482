"""Only staff carry the verified badge in the chat: a youth's author object has a handle and nothing else."""


def test_only_staff_carry_the_verified_badge(chat):
    host = chat.staffer()
    host.send("moderate", action="mode", mode="open")
    teen, watcher = chat.youth(), chat.observer()
    teen.send("say", cid="y", text="hei kaikki 👋")
    host.send("say", cid="s", text="Tervetuloa!")
    youth_author, staff_author = (m["author"] for m in watcher.of("message"))
    assert youth_author == {"kind": "youth", "handle": teen.conn.handle}
    assert staff_author["kind"] == "staff" and staff_author["verified"] is True
