"""A youth worker reads a session's presence in the console: the most people connected at once by role and
how many different young people joined, recorded by the chat hub as peers came and went (counts only)."""
from datetime import timedelta


def test_the_session_report_shows_who_was_there_at_most_at_once(app, city, page, goto, axe):
    from backend.broker import LocalBroker
    from backend.db import db
    from backend.models import ChatSession, Youth, utcnow
    from tests.browser.helpers import login_staff
    from tests.chat.helpers import Peer, reset_hub

    with app.app_context():
        db.connect(reuse_if_open=True)
        reset_hub(LocalBroker())
        now = utcnow()
        session = ChatSession.create(title="Crowded chat", starts_at=now - timedelta(minutes=20),
                                     ends_at=now + timedelta(minutes=40), host=city["staff"]["youth_worker"])
        peers = [Peer(session.id, "staff", staff=city["staff"]["youth_worker"]).join()]
        peers += [Peer(session.id, "participant", youth=Youth.create(handle=f"Teen{n}x")).join() for n in range(3)]
        peers += [Peer(session.id, "observer").join() for _ in range(2)]
        for peer in peers:
            peer.leave()                        # the room empties: the hub stores its peaks
        reset_hub()
    login_staff(page, goto, "host@test.fi")
    goto(page, f"/console/reports/sessions/{session.id}")
    page.get_by_role("heading", name="Presence").wait_for()
    rows = dict(zip(page.locator(".console-table tbody th").all_inner_texts(),
                    page.locator(".console-table tbody td").all_inner_texts()))
    assert rows["Participants at most at once"] == "3" and rows["Observers at most at once"] == "2"
    assert rows["Staff at most at once"] == "1" and rows["Everyone at most at once (peak)"] == "6"
    assert rows["Young people who joined"] == "3"
    assert "Teen" not in page.content()                     # counts only
    assert page.get_by_role("img", name="Presence").locator("rect").count() == 4
    assert page.get_by_text("no presence history").count() == 0
    assert axe(page) == []
    assert page.console_errors == []
